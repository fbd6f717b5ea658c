/* The HTML reader: libxml2's tolerant HTML parser builds a DOM, and one
 * iterative walk over it (parent links, no recursion) builds the model.
 *
 * Feed-generated article bodies are tag soup: inline elements around
 * blocks, stray <li> and <td>, images wrapped in paragraphs, text straight
 * inside <div>. The walk therefore keeps two stacks: one frame per open DOM
 * element, and the chain of open model nodes. Inline elements (b, a, em...)
 * are materialised lazily, when text actually arrives, and re-created in
 * every paragraph they span, so a block inside an inline (<a><div>..</div>
 * </a>) neither loses its text nor its formatting. Text outside any
 * paragraph gets an implicit one. Elements nobody reads (script, style,
 * forms, iframes, tracking pixels) are dropped with their content; every
 * other piece of text is kept, unknown elements being transparent.
 *
 * Deliberately not done here: resolving image URLs (src/resource/), CSS,
 * entity expansion or DTD loading of any kind. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "read/html.h"
#include "read/read.h"
#include "util/util.h"

/* ## Walk state */

typedef struct S_frame {
  nb_html_kind kind; /* what this element does (after demotion) */
  nb_node_type type; /* NB_HTML_INLINE: the model kind to materialise */
  const xmlNode *el;
  nb_node *node;    /* NB_HTML_INLINE: the current materialisation */
  size_t model_idx; /* its index in the model stack */
  size_t height;    /* block kinds: model stack height to return to */
  int suppressed;   /* NB_HTML_INLINE that cannot stand where it is */
  int spaced;       /* a block kept inside a heading: a space after it */
  int hides;        /* counted in st->hidden */
  int ruby_paren;   /* an <rt> between <rp>s: their text goes inside */
  int tag_words;    /* the author's words: "</name>" is written at the end */
  int embeds;       /* an embed with its placeholder: counted in st->embeds */
  int noscript;     /* counted in st->noscript */
  /* NB_HTML_FIGURE */
  nb_node *fig_flow, *fig_last, *fig_caption;
} S_frame;

typedef struct S_entry {
  nb_node *node;
  int implicit; /* created to hold stray content, not by an element */
  long frame;   /* the inline frame it materialises, or -1 */
} S_entry;

typedef struct S_img {
  nb_node *node;
  int icon;      /* an icon, an emoji, role=presentation: decoration */
  int empty_alt; /* alt="" as written */
} S_img;

typedef struct S_state {
  nb_doc *doc;
  const nb_diag *diag;
  const char *path;
  int line0;
  int max_depth;
  S_frame *frames;
  size_t nframes, fcap;
  S_entry *stack;
  size_t nstack, scap;
  size_t mat_from;  /* inline frames below this index are live/suppressed */
  int pending_ws;   /* 0 none, 1 space, 2 a run with a line break */
  uint32_t last_cp; /* last character in the open line; 0 at line start */
  nb_node *last_br; /* the line break just emitted, if nothing followed */
  nb_node *pre;     /* the code block a <pre> is filling */
  int pre_depth;
  int thead_depth;
  int depth_warned;
  int hidden;        /* open elements that hide their content */
  int noscript;      /* open <noscript> elements */
  int embeds;        /* open embeds that made a placeholder */
  nb_node *last_img; /* the image made last */
  S_img *imgs;       /* every image made, for their descriptions */
  size_t nimgs, capimgs;
  int oom;
} S_state;

static int S_is_inline_ctx(nb_node_type t) {
  return t == NB_NODE_PARAGRAPH || t == NB_NODE_HEADING ||
         t == NB_NODE_CAPTION || nb_node_type_is_inline(t);
}

static nb_node *S_top(const S_state *st) {
  return st->stack[st->nstack - 1].node;
}

static int S_push(S_state *st, nb_node *node, int implicit, long frame) {
  if (st->nstack == st->scap) {
    size_t ncap = st->scap ? st->scap * 2 : 64;
    S_entry *ns = nb_reallocarray(st->stack, ncap, sizeof *ns);
    if (!ns) {
      st->oom = 1;
      return 0;
    }
    st->stack = ns;
    st->scap = ncap;
  }
  st->stack[st->nstack].node = node;
  st->stack[st->nstack].implicit = implicit;
  st->stack[st->nstack].frame = frame;
  st->nstack++;
  return 1;
}

static nb_node *S_new(S_state *st, nb_node_type type, const xmlNode *el) {
  nb_node *n = nb_node_new(st->doc, type);
  if (!n) {
    st->oom = 1;
    return NULL;
  }
  if (el && el->line > 0 && st->line0 > 0)
    nb_node_set_line(n, st->line0 + (int)el->line - 1);
  if (el && el->type == XML_ELEMENT_NODE) {
    /* Keep the author's anchor so that in-article #links can survive; the
     * writers decide whether the id is usable (valid, unique). */
    xmlChar *id = xmlGetProp((xmlNode *)el, (const xmlChar *)"id");
    if (id && *id && strlen((const char *)id) < 128)
      nb_node_set_id(n, (const char *)id);
    xmlFree(id);
  }
  return n;
}

/* 1 when a TEXT node holds nothing but (non-collapsible) spaces. */
static int S_blank_text(const nb_node *n) {
  const unsigned char *s = (const unsigned char *)nb_node_get_literal(n);
  size_t len = nb_node_get_literal_len(n), i = 0;
  uint32_t cp;
  while (i < len) {
    i += nb_utf8_decode(s + i, len - i, &cp);
    if (!(cp == ' ' || cp == 0xA0 || cp == 0x3000 || cp == 0x200B ||
          cp == 0xFEFF))
      return 0;
  }
  return 1;
}

/* A node is closed: drop what ended up empty, and make an image that stands
 * alone in its paragraph a figure. */
static void S_finalize(S_state *st, nb_node *n) {
  nb_node_type t = nb_node_get_type(n);
  nb_node *c;
  if (t == NB_NODE_PARAGRAPH || t == NB_NODE_HEADING || t == NB_NODE_CAPTION) {
    /* A trailing line break ends nothing. */
    while ((c = nb_node_last_child(n)) &&
           nb_node_get_type(c) == NB_NODE_LINEBREAK) {
      if (c == st->last_br)
        st->last_br = NULL;
      nb_node_unlink(c);
    }
    for (c = nb_node_first_child(n); c; c = nb_node_next(c))
      if (nb_node_get_type(c) != NB_NODE_TEXT || !S_blank_text(c))
        break;
    if (!c) {
      nb_node_unlink(n);
      return;
    }
    c = nb_node_first_child(n);
    if (t == NB_NODE_PARAGRAPH && nb_node_get_type(c) == NB_NODE_IMAGE &&
        !nb_node_next(c) && nb_node_parent(n) &&
        nb_node_can_contain(nb_node_get_type(nb_node_parent(n)),
                            NB_NODE_FIGURE)) {
      nb_node *fig = S_new(st, NB_NODE_FIGURE, NULL);
      if (fig && nb_node_insert_before(n, fig)) {
        nb_node_set_line(fig, nb_node_get_line(n));
        nb_node_append_child(fig, c);
        nb_node_unlink(n);
      }
    }
    return;
  }
  switch (t) {
  case NB_NODE_LIST:
  case NB_NODE_TABLE:
  case NB_NODE_TABLE_ROW:
  case NB_NODE_BLOCKQUOTE:
    if (!nb_node_first_child(n)) {
      nb_node_unlink(n);
      return;
    }
    if (t == NB_NODE_TABLE_ROW && !nb_node_get_header(n)) {
      int all_th = 1;
      for (c = nb_node_first_child(n); c; c = nb_node_next(c))
        if (!nb_node_get_header(c))
          all_th = 0;
      if (all_th)
        nb_node_set_header(n, 1);
    }
    break;
  case NB_NODE_CODE:
    if (nb_node_get_literal_len(n) == 0)
      nb_node_unlink(n);
    break;
  default:
    if (nb_node_type_is_inline(t) && !nb_node_type_is_leaf(t) &&
        !nb_node_first_child(n))
      nb_node_unlink(n);
    break;
  }
}

static void S_pop(S_state *st) {
  S_entry *e = &st->stack[st->nstack - 1];
  if (e->frame >= 0 && (size_t)e->frame < st->mat_from)
    st->mat_from = (size_t)e->frame;
  st->nstack--;
  S_finalize(st, e->node);
}

static void S_pop_to(S_state *st, size_t height) {
  if (height < 1)
    height = 1; /* the root stays */
  while (st->nstack > height)
    S_pop(st);
}

static void S_reset_line(S_state *st) {
  st->pending_ws = 0;
  st->last_cp = 0;
  st->last_br = NULL;
}

/* Close paragraphs and inlines: a block boundary. */
static void S_close_inline(S_state *st) {
  while (st->nstack > 1 && S_is_inline_ctx(nb_node_get_type(S_top(st))))
    S_pop(st);
  S_reset_line(st);
}

/* The flow container (document, item, quote, cell) new blocks go into,
 * creating the item / row / cell that stray content in a list or table
 * needs. */
static nb_node *S_ensure_flow(S_state *st) {
  nb_node *top, *n;
  nb_node_type t;
  S_close_inline(st);
  /* Implicit lists and rows hold only stray items and cells; anything else
   * ends them. */
  while (st->nstack > 1 && st->stack[st->nstack - 1].implicit) {
    t = nb_node_get_type(S_top(st));
    if (t != NB_NODE_LIST && t != NB_NODE_TABLE_ROW && t != NB_NODE_TABLE)
      break;
    S_pop(st);
  }
  for (;;) {
    top = S_top(st);
    t = nb_node_get_type(top);
    if (t == NB_NODE_LIST)
      n = S_new(st, NB_NODE_ITEM, NULL);
    else if (t == NB_NODE_TABLE)
      n = S_new(st, NB_NODE_TABLE_ROW, NULL);
    else if (t == NB_NODE_TABLE_ROW)
      n = S_new(st, NB_NODE_TABLE_CELL, NULL);
    else
      return top;
    if (!n || !nb_node_append_child(top, n) || !S_push(st, n, 1, -1))
      return NULL;
  }
}

/* Append block @p n to the current flow container; push it when it will
 * hold content. 1 or 0. */
static int S_add_block(S_state *st, nb_node *n, int push) {
  nb_node *flow = S_ensure_flow(st);
  if (!flow || !n || !nb_node_append_child(flow, n))
    return 0;
  return push ? S_push(st, n, 0, -1) : 1;
}

/* Materialise the inline elements that are open in the DOM but have no
 * node in the current paragraph; return the innermost inline container. */
static nb_node *S_materialize(S_state *st) {
  size_t i;
  for (i = st->mat_from; i < st->nframes; i++) {
    S_frame *f = &st->frames[i];
    nb_node *n;
    if (f->kind != NB_HTML_INLINE || f->suppressed)
      continue;
    if (f->node && f->model_idx < st->nstack &&
        st->stack[f->model_idx].node == f->node)
      continue;
    if (!nb_node_can_contain(nb_node_get_type(S_top(st)), f->type)) {
      /* <rt> outside <ruby>, markup inside <code>: transparent. */
      f->suppressed = 1;
      continue;
    }
    n = S_new(st, f->type, f->el);
    if (!n)
      return NULL;
    if (f->type == NB_NODE_LINK) {
      const char *href = nb_read__attr(f->el, "href");
      const char *title = nb_read__attr(f->el, "title");
      if (href)
        nb_node_set_url(n, href);
      if (title)
        nb_node_set_title(n, title);
    }
    if (!nb_node_append_child(S_top(st), n)) {
      f->suppressed = 1;
      continue;
    }
    f->node = n;
    f->model_idx = st->nstack;
    if (!S_push(st, n, 0, (long)i))
      return NULL;
  }
  st->mat_from = st->nframes;
  return S_top(st);
}

/* Where inline content goes now: the innermost open inline container,
 * opening an implicit paragraph when there is none. Pending white space is
 * written before inline elements open, so that "a <b>b</b>" puts the space
 * outside the bold; @p next is the character about to follow it (0 for
 * none). */
static void S_flush_space(S_state *st, nb_node *target, uint32_t next);

static nb_node *S_ensure_inline(S_state *st, uint32_t next) {
  if (!S_is_inline_ctx(nb_node_get_type(S_top(st)))) {
    nb_node *p = S_new(st, NB_NODE_PARAGRAPH, NULL);
    if (!S_add_block(st, p, 1))
      return NULL;
    st->stack[st->nstack - 1].implicit = 1;
    S_reset_line(st);
  }
  if (next && st->pending_ws)
    S_flush_space(st, S_top(st), next);
  return S_materialize(st);
}

static void S_emit(S_state *st, nb_node *target, const char *s, size_t len) {
  nb_node *last;
  if (nb_node_get_type(target) == NB_NODE_CODE) {
    if (!nb_node_append_literal(target, s, len))
      st->oom = 1;
    return;
  }
  last = nb_node_last_child(target);
  if (!last || nb_node_get_type(last) != NB_NODE_TEXT) {
    last = S_new(st, NB_NODE_TEXT, NULL);
    if (!last || !nb_node_append_child(target, last)) {
      st->oom = 1;
      return;
    }
  }
  if (!nb_node_append_literal(last, s, len))
    st->oom = 1;
}

static int S_is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static uint32_t S_first_cp(const char *s, size_t len) {
  uint32_t cp = 0;
  nb_utf8_decode((const unsigned char *)s, len, &cp);
  return cp;
}

static uint32_t S_last_cp(const char *s, size_t len) {
  size_t i = len;
  uint32_t cp = 0;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && len - i < 3)
    i--;
  if (i > 0)
    i--;
  nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
  return cp;
}

/* Flush the pending white space before content starting with @p next: one
 * space, except at line start and where a line break falls between two CJK
 * characters (CSS Text's segment break rule; a plain space the author
 * typed between CJK characters is kept). */
static void S_flush_space(S_state *st, nb_node *target, uint32_t next) {
  if (st->pending_ws && st->last_cp &&
      !(st->pending_ws == 2 && nb_is_cjk(st->last_cp) && nb_is_cjk(next)))
    S_emit(st, target, " ", 1);
  st->pending_ws = 0;
}

static void S_text(S_state *st, const char *s, size_t len) {
  size_t i = 0;
  if (st->pre) {
    if (!nb_node_append_literal(st->pre, s, len))
      st->oom = 1;
    return;
  }
  while (i < len) {
    size_t j = i;
    if (S_is_space((unsigned char)s[i])) {
      int nl = 0;
      while (j < len && S_is_space((unsigned char)s[j])) {
        if (s[j] == '\n' || s[j] == '\r')
          nl = 1;
        j++;
      }
      if (st->pending_ws < 1 + nl)
        st->pending_ws = 1 + nl;
    } else {
      nb_node *target;
      while (j < len && !S_is_space((unsigned char)s[j]))
        j++;
      target = S_ensure_inline(st, S_first_cp(s + i, j - i));
      if (!target)
        return;
      S_emit(st, target, s + i, j - i);
      st->last_cp = S_last_cp(s + i, j - i);
      st->last_br = NULL;
    }
    i = j;
  }
}

/* ## Images */

/* A decorative image is left out, with a note: spacer-sized by its
 * attributes (tracking pixels, 1x1 GIFs), or inside content the page
 * hides (a hover pop-up's picture). */
static int S_decorative(S_state *st, const xmlNode *el, const char *src) {
  const char *w = nb_read__attr(el, "width"), *h = nb_read__attr(el, "height");
  const char *why = NULL;
  char shown[96];
  if (nb_read__tiny(w) || nb_read__tiny(h))
    why = "spacer-sized";
  else if (st->hidden)
    why = "inside hidden content";
  if (!why)
    return 0;
  snprintf(shown, sizeof shown, "%s",
           strncasecmp(src, "data:", 5) == 0 ? "(data: URI)" : src);
  if (strlen(src) >= sizeof shown - 1)
    memcpy(shown + sizeof shown - 4, "...", 4);
  nb_diag_emit(st->diag, NB_SEV_NOTE, "image", st->path,
               st->line0 > 0 ? st->line0 + (int)el->line - 1 : 0, NULL,
               "image %s is decorative (%s): left out", shown, why);
  return 1;
}

/* Remember @p img (made from @p el) for S_describe_images. */
static void S_note_image(S_state *st, const xmlNode *el, nb_node *img,
                         const char *alt) {
  S_img *e;
  const char *role = nb_read__attr(el, "role"),
             *cls = nb_read__attr(el, "class"),
             *aria = nb_read__attr(el, "aria-hidden");
  const char *w = nb_read__attr(el, "width"), *h = nb_read__attr(el, "height");
  if (st->nimgs == st->capimgs) {
    size_t cap = st->capimgs ? st->capimgs * 2 : 16;
    S_img *n = nb_reallocarray(st->imgs, cap, sizeof *n);
    if (!n)
      return; /* it just keeps the alt it has */
    st->imgs = n;
    st->capimgs = cap;
  }
  e = &st->imgs[st->nimgs++];
  e->node = img;
  e->empty_alt = alt && !*alt;
  e->icon =
      (role && (strcasecmp(role, "presentation") == 0 ||
                strcasecmp(role, "none") == 0)) ||
      (aria && strcasecmp(aria, "true") == 0) ||
      (cls && (strstr(cls, "emoji") || strstr(cls, "icon"))) ||
      (w && h && atoi(w) > 0 && atoi(w) <= 48 && atoi(h) > 0 && atoi(h) <= 48);
}

static void S_image(S_state *st, const xmlNode *el) {
  char *src;
  const char *alt = nb_read__attr(el, "alt"),
             *title = nb_read__attr(el, "title");
  nb_node *img, *target;
  if (st->pre)
    return;
  src = nb_read__img_src(el);
  if (!src) {
    /* Nothing to show: keep the alt text as text. */
    if (alt && *alt)
      S_text(st, alt, strlen(alt));
    return;
  }
  if (S_decorative(st, el, src) ||
      (st->noscript && st->last_img &&
       strcmp(nb_node_get_url(st->last_img), src) == 0)) {
    /* (the <noscript> copy of a lazy-loaded image: shown once) */
    free(src);
    return;
  }
  img = S_new(st, NB_NODE_IMAGE, el);
  target = img ? S_ensure_inline(st, 0xFFFC) : NULL;
  if (target && nb_node_get_type(target) == NB_NODE_CODE) {
    S_pop(st); /* end the code span here; text after reopens it */
    target = S_top(st);
  }
  if (target) {
    nb_node_set_url(img, src);
    if (alt)
      nb_node_set_alt(img, alt);
    if (title)
      nb_node_set_title(img, title);
    if (!nb_node_append_child(target, img))
      st->oom = 1;
    st->last_img = img;
    S_note_image(st, el, img, alt);
    st->last_cp = 0xFFFC; /* an object: spaces around it are kept */
    st->last_br = NULL;
  }
  free(src);
}

static void S_linebreak(S_state *st, const xmlNode *el) {
  nb_node *target, *br;
  if (st->pre) {
    nb_node_append_literal(st->pre, "\n", 1);
    return;
  }
  if (!S_is_inline_ctx(nb_node_get_type(S_top(st))))
    return; /* a break before any text in a block breaks nothing */
  {
    size_t i = st->nstack - 1;
    while (i > 1 && nb_node_type_is_inline(nb_node_get_type(st->stack[i].node)))
      i--;
    if (!nb_node_first_child(st->stack[i].node))
      return; /* nor does one at the start of a paragraph */
  }
  if (st->last_br && st->stack[st->nstack - 1].implicit == 1 &&
      nb_node_get_type(S_top(st)) == NB_NODE_PARAGRAPH) {
    /* <br><br> in a run of bare text is how feeds separate paragraphs. */
    nb_node_unlink(st->last_br);
    st->last_br = NULL;
    S_close_inline(st);
    return;
  }
  target = S_ensure_inline(st, 0);
  if (!target)
    return;
  if (nb_node_get_type(target) == NB_NODE_CODE) {
    S_pop(st);
    target = S_top(st);
  }
  br = S_new(st, NB_NODE_LINEBREAK, el);
  if (!br || !nb_node_append_child(target, br))
    return;
  st->pending_ws = 0;
  st->last_cp = 0;
  st->last_br = br;
}

/* ## Embedded slideshows
 *
 * LeetCode articles mark an embedded slideshow with a paragraph whose whole
 * text is "!?!PATH:W,H!?!". Its frames cannot be included, so it becomes an
 * image without a source, which both writers show as a placeholder; the
 * placeholder keeps the marker (no text is lost) after a label, so that no
 * printed line starts with "!". */

/* The block @p el is a slideshow marker: a figure with a placeholder. */
static void S_embed(S_state *st, const xmlNode *el, const char *mark,
                    size_t len) {
  nb_node *p = S_new(st, NB_NODE_PARAGRAPH, el), *img;
  nb_buf alt = NB_BUF_INIT;
  const char *colon = mark + len - 4;
  int shown;
  while (*colon != ':')
    colon--;
  /* the path in the message: at most 200 bytes, cut between characters */
  shown = (int)(colon - mark - 3);
  if (shown > 200) {
    shown = 200;
    while (shown > 0 && ((unsigned char)mark[3 + shown] & 0xC0) == 0x80)
      shown--;
  }
  if (!S_add_block(st, p, 1))
    return;
  img = S_new(st, NB_NODE_IMAGE, el);
  /* U+00A0: the label and the marker stay on one line */
  nb_buf_puts(&alt, "Slideshow not included:\xC2\xA0");
  nb_buf_append(&alt, mark, len);
  if (img && alt.data && nb_node_set_alt(img, alt.data) &&
      nb_node_append_child(p, img))
    nb_diag_emit(st->diag, NB_SEV_WARNING, "image", st->path,
                 st->line0 > 0 ? st->line0 + (int)el->line - 1 : 0, NULL,
                 "embedded slideshow %.*s cannot be included: a placeholder "
                 "keeps its marker",
                 shown, mark + 3);
  else
    st->oom = 1;
  nb_buf_free(&alt);
  S_pop_to(st, st->nstack - 1); /* an image alone: S_finalize makes a figure */
  S_reset_line(st);
}

/* ## Embedded frames and media
 *
 * An <iframe>, <video>, <audio>, <embed> or <object> cannot go into a
 * book. It becomes a visible placeholder (an image without a source, as a
 * LeetCode slideshow's, which both writers draw) that says what it was and
 * its title, with its link as the caption; its fallback content, the text
 * a browser shows without it, is kept after it (an <object> whose fallback
 * is text needs no placeholder: that text is what it shows without its
 * plugin). An embed inside another
 * (an <embed> in an <object>) adds nothing; a hidden or pixel-sized one
 * (an ad or tracking frame) is left out with a note. */

static void S_embed_media(S_state *st, const xmlNode *el, S_frame *f) {
  int line = st->line0 > 0 ? st->line0 + (int)el->line - 1 : 0;
  const char *link = NULL;
  nb_read_embed e;
  nb_node *fig;
  if (st->embeds || !nb_read__embed_info(el, &e))
    return; /* an outer embed's placeholder stands for it; or nothing to
               stand for */
  if (e.fallback_text) {
    f->embeds = 1; /* its fallback text is what a book can show */
    return;
  }
  if (st->hidden || e.hidden) {
    nb_diag_emit(st->diag, NB_SEV_NOTE, "embed", st->path, line, e.url,
                 "hidden or pixel-sized <%s> %.200s left out",
                 (const char *)el->name, e.url ? e.url : "");
    return;
  }
  fig = nb_read__embed_figure(st->doc, el, &e, line, &link);
  if (!fig) {
    st->oom = 1;
    return;
  }
  if (!S_add_block(st, fig, 0))
    return;
  S_reset_line(st);
  f->embeds = 1;
  nb_diag_emit(st->diag, NB_SEV_WARNING, "embed", st->path, line, e.url,
               "%s %.200s cannot be included: a placeholder%s stands in for "
               "it",
               e.what,
               link      ? link
               : e.title ? e.title
                         : "",
               link ? " with its link" : "");
}

/* ## Block elements */

/* 1 when the open inline context is a heading or caption: p and div inside
 * them stay inside (as spaces), rather than splitting the heading. */
static int S_in_heading(const S_state *st) {
  size_t i = st->nstack;
  while (i > 1) {
    nb_node_type t = nb_node_get_type(st->stack[i - 1].node);
    if (t == NB_NODE_HEADING || t == NB_NODE_CAPTION)
      return 1;
    if (!S_is_inline_ctx(t))
      return 0;
    i--;
  }
  return 0;
}

/* Pop implicit entries that cannot hold @p child (a stray item before an
 * explicit one, an implicit cell before a real one). */
static void S_pop_implicit_for(S_state *st, nb_node_type child) {
  S_close_inline(st);
  while (st->nstack > 1 && st->stack[st->nstack - 1].implicit &&
         !nb_node_can_contain(nb_node_get_type(S_top(st)), child))
    S_pop(st);
}

static S_frame *S_nearest_figure(S_state *st) {
  size_t i = st->nframes;
  while (i > 0) {
    if (st->frames[i - 1].kind == NB_HTML_FIGURE)
      return &st->frames[i - 1];
    i--;
  }
  return NULL;
}

/* ## Form controls
 *
 * What a control shows is kept: an option's text, a box's state. A bare
 * <input>, one with a template's attributes (v-model, :value, @input), or
 * a <select> without options is the author naming the tag in the text. */

static void S_tag_as_text(S_state *st, const xmlNode *el) {
  char *t = nb_read__tag_text(el);
  if (!t) {
    st->oom = 1;
    return;
  }
  S_text(st, t, strlen(t));
  free(t);
}

static void S_control(S_state *st, const xmlNode *el, S_frame *f) {
  const char *name = (const char *)el->name;
  if (strcasecmp(name, "input") == 0) {
    const char *type = nb_read__attr(el, "type");
    int on = nb_read__attr(el, "checked") != NULL;
    if (type && strcasecmp(type, "checkbox") == 0) {
      S_text(st, on ? "\xE2\x98\x91" : "\xE2\x98\x90", 3); /* ☑ ☐ */
      st->pending_ws = 1;
    } else if (type && strcasecmp(type, "radio") == 0) {
      S_text(st, on ? "\xE2\x97\x89" : "\xE2\x97\x8B", 3); /* ◉ ○ */
      st->pending_ws = 1;
    } else if (!el->properties || nb_read__template_attrs(el)) {
      S_tag_as_text(st, el);
    }
    return;
  }
  if (strcasecmp(name, "select") == 0) {
    if (!nb_read__has_option(el) || nb_read__template_attrs(el))
      S_tag_as_text(st, el);
    return;
  }
  /* option, optgroup: one after another, apart */
  if (st->pending_ws < 1)
    st->pending_ws = 1;
  f->spaced = 1;
}

/* ## Ruby parentheses
 *
 * <rp> holds what a reader without ruby shows around the annotation:
 * "漢(kan)". The model has no node for it, so its text goes inside the
 * annotation, at its edges: kept, and in order. */
static void S_ruby_paren(S_state *st, const xmlNode *rt, int after) {
  const xmlNode *c = after ? rt->next : rt->prev;
  xmlChar *t;
  while (c && c->type == XML_TEXT_NODE && c->content &&
         strspn((const char *)c->content, " \t\r\n") ==
             strlen((const char *)c->content))
    c = after ? c->next : c->prev;
  if (!c || c->type != XML_ELEMENT_NODE ||
      strcasecmp((const char *)c->name, "rp") != 0)
    return;
  t = xmlNodeGetContent(c);
  if (t && *t) {
    size_t len = strlen((const char *)t);
    if (len < 64)
      S_text(st, (const char *)t, len);
  }
  xmlFree(t);
}

/* ## Entering an element
 *
 * S_enter is the walk's step into an element: what the element is (its
 * kind), then, in turn, what it shows straight away (an image, a break, a
 * control, tags written as words), what it may be where it stands (blocks
 * past the depth limit or inside a heading are flattened), the model node
 * it opens, and its frame. */

/* The kind of @p el, with the exceptions to its name: a MathJax script's
 * TeX is the author's text, a page control is chrome, and a layout table
 * is a block (rows and cells outside a table are blocks too). */
static nb_html_kind S_kind_of(const xmlNode *el, nb_node_type *type) {
  nb_html_kind kind = nb_read__html_kind(el, type);
  if (kind == NB_HTML_SKIP && nb_read__math_script(el)) {
    kind = NB_HTML_INLINE;
    *type = NB_NODE_CODE;
  }
  if (kind != NB_HTML_SKIP && kind != NB_HTML_IMG && nb_read__page_control(el))
    kind = NB_HTML_SKIP; /* a copy button, "展开全文", a share link */
  if (kind == NB_HTML_TABLE && nb_read__layout_table(el))
    kind = NB_HTML_SOFT; /* its rows and cells are blocks then */
  return kind;
}

/* Inside <pre>, markup is syntax colouring: only text and breaks. */
static void S_enter_code(S_state *st, const xmlNode *el, nb_html_kind kind,
                         S_frame *f) {
  if (kind == NB_HTML_INLINE && f->type == NB_NODE_CODE)
    nb_read__code_lang(st->pre, el);
  if (kind == NB_HTML_BR)
    S_linebreak(st, el);
  if (kind == NB_HTML_PRE)
    st->pre_depth++;
  f->kind = kind == NB_HTML_PRE ? NB_HTML_PRE : NB_HTML_TRANSPARENT;
}

/* A block that is a LeetCode slideshow marker becomes its placeholder:
 * 1 when @p el was one (its text is in the placeholder). */
static int S_enter_embed(S_state *st, const xmlNode *el, nb_html_kind kind) {
  size_t mlen;
  const char *mark;
  if ((kind != NB_HTML_PARA && kind != NB_HTML_SOFT) || S_in_heading(st))
    return 0;
  mark = nb_read__slideshow_marker(el, &mlen);
  if (!mark)
    return 0;
  S_embed(st, el, mark, mlen);
  return 1;
}

/* What @p el shows where it stands: an image, a line break, what a form
 * control shows, an embed's placeholder, tags the author wrote as words.
 * Returns the kind the element keeps (an image, a break or a control is
 * transparent after). */
static nb_html_kind S_enter_content(S_state *st, const xmlNode *el,
                                    nb_html_kind kind, S_frame *f) {
  if (kind == NB_HTML_IMG) {
    S_image(st, el);
    return NB_HTML_TRANSPARENT;
  }
  if (kind == NB_HTML_BR) {
    S_linebreak(st, el);
    return NB_HTML_TRANSPARENT;
  }
  if (kind == NB_HTML_CONTROL) {
    S_control(st, el, f);
    return NB_HTML_TRANSPARENT;
  }
  if (kind == NB_HTML_EMBED) {
    S_embed_media(st, el, f);
    return NB_HTML_TRANSPARENT;
  }
  if (kind == NB_HTML_TRANSPARENT && nb_read__tag_words(el)) {
    S_tag_as_text(st, el);
    f->tag_words = 1;
  }
  return kind;
}

/* What @p el may be where it stands: past the depth limit every element
 * is transparent, and a p, div or figure inside a heading or caption
 * stays inside it, as a space. */
static nb_html_kind S_demote(S_state *st, const xmlNode *el, nb_html_kind kind,
                             S_frame *f) {
  /* Both depths count: DOM elements, and model nodes, which grow faster
   * than elements where one element implies several (a <table> straight
   * inside a <table> opens an implicit row and cell as well). */
  if (((int)st->nframes >= st->max_depth || (int)st->nstack >= st->max_depth) &&
      kind != NB_HTML_TRANSPARENT) {
    if (!st->depth_warned)
      nb_diag_emit(st->diag, NB_SEV_WARNING, "limit", st->path,
                   st->line0 > 0 ? st->line0 + (int)el->line - 1 : 0, NULL,
                   "markup nested deeper than %d elements was flattened "
                   "(its text is kept)",
                   st->max_depth);
    st->depth_warned = 1;
    kind = NB_HTML_TRANSPARENT;
  }
  if ((kind == NB_HTML_SOFT || kind == NB_HTML_PARA || kind == NB_HTML_FIGURE ||
       kind == NB_HTML_FIGCAPTION) &&
      S_in_heading(st)) {
    if (st->pending_ws < 1)
      st->pending_ws = 1;
    kind = NB_HTML_TRANSPARENT;
    f->spaced = 1;
  }
  return kind;
}

/* ### Opening model nodes
 *
 * Each returns 1, or 0 when no node could be made (out of memory, or a
 * containment the model refuses): then the content is kept as if the
 * element were not there. */

/* p, h1-h6, blockquote, ul/ol, table, figcaption: a block in the flow. */
static int S_open_block(S_state *st, const xmlNode *el, S_frame *f) {
  nb_html_kind kind = f->kind;
  nb_node *n;
  if (!S_ensure_flow(st))
    return 0;
  f->height = st->nstack;
  if (kind == NB_HTML_PARA || kind == NB_HTML_FIGCAPTION)
    n = S_new(st, NB_NODE_PARAGRAPH, el);
  else if (kind == NB_HTML_HEADING) {
    n = S_new(st, NB_NODE_HEADING, el);
    if (n)
      nb_node_set_heading_level(n, el->name[1] - '0');
  } else if (kind == NB_HTML_QUOTE)
    n = S_new(st, NB_NODE_BLOCKQUOTE, el);
  else if (kind == NB_HTML_LIST) {
    int ordered = strcasecmp((const char *)el->name, "ol") == 0;
    n = S_new(st, NB_NODE_LIST, el);
    if (n)
      nb_node_set_list(
          n, ordered,
          ordered ? nb_read__int_attr(el, "start", 1, INT_MIN / 2, INT_MAX / 2)
                  : 1);
  } else
    n = S_new(st, NB_NODE_TABLE, el);
  if (!S_add_block(st, n, 1))
    return 0;
  if (kind == NB_HTML_FIGCAPTION) {
    S_frame *fig = S_nearest_figure(st);
    if (fig && !fig->fig_caption)
      fig->fig_caption = n;
  }
  return 1;
}

/* li: an item of the open list, or of an implicit one. */
static int S_open_item(S_state *st, const xmlNode *el, S_frame *f) {
  nb_node *n;
  S_pop_implicit_for(st, NB_NODE_ITEM);
  if (nb_node_get_type(S_top(st)) != NB_NODE_LIST) {
    n = S_new(st, NB_NODE_LIST, NULL);
    if (!S_add_block(st, n, 1))
      return 0;
    st->stack[st->nstack - 1].implicit = 1;
  }
  f->height = st->nstack;
  n = S_new(st, NB_NODE_ITEM, el);
  return n && nb_node_append_child(S_top(st), n) && S_push(st, n, 0, -1);
}

/* tr: a row of the open table; outside any table just a block. */
static int S_open_row(S_state *st, const xmlNode *el, S_frame *f) {
  nb_node *n;
  S_pop_implicit_for(st, NB_NODE_TABLE_ROW);
  f->height = st->nstack;
  if (nb_node_get_type(S_top(st)) != NB_NODE_TABLE) {
    f->kind = NB_HTML_SOFT;
    return 1;
  }
  n = S_new(st, NB_NODE_TABLE_ROW, el);
  if (!n || !nb_node_append_child(S_top(st), n) || !S_push(st, n, 0, -1))
    return 0;
  if (st->thead_depth)
    nb_node_set_header(n, 1);
  return 1;
}

/* td, th: a cell of the open row (opening an implicit row straight in a
 * table); outside any row just a block. */
static int S_open_cell(S_state *st, const xmlNode *el, S_frame *f) {
  nb_node *n;
  S_pop_implicit_for(st, NB_NODE_TABLE_CELL);
  if (nb_node_get_type(S_top(st)) == NB_NODE_TABLE) {
    n = S_new(st, NB_NODE_TABLE_ROW, NULL);
    if (!n || !nb_node_append_child(S_top(st), n) || !S_push(st, n, 1, -1))
      return 0;
  }
  f->height = st->nstack;
  if (nb_node_get_type(S_top(st)) != NB_NODE_TABLE_ROW) {
    f->kind = NB_HTML_SOFT;
    return 1;
  }
  n = S_new(st, NB_NODE_TABLE_CELL, el);
  if (!n || !nb_node_append_child(S_top(st), n) || !S_push(st, n, 0, -1))
    return 0;
  nb_node_set_header(n, tolower(el->name[1]) == 'h');
  nb_node_set_align(n, nb_read__align(el));
  nb_node_set_colspan(n, nb_read__int_attr(el, "colspan", 1, 1, 1000));
  return 1;
}

/* caption: the model's tables hold only rows, so a table's caption is a
 * paragraph before it, or after the rows it follows in the source
 * (reading order). */
static int S_open_table_caption(S_state *st, const xmlNode *el, S_frame *f) {
  S_close_inline(st);
  f->height = st->nstack;
  if (nb_node_get_type(S_top(st)) == NB_NODE_TABLE) {
    nb_node *table = S_top(st), *next = nb_node_next(table), *n;
    int ok;
    n = S_new(st, NB_NODE_PARAGRAPH, el);
    if (!n)
      return 0;
    if (!nb_node_first_child(table))
      ok = nb_node_insert_before(table, n);
    else if (next)
      ok = nb_node_insert_before(next, n);
    else
      ok = nb_node_parent(table) &&
           nb_node_append_child(nb_node_parent(table), n);
    if (!ok || !S_push(st, n, 0, -1))
      return 0;
  }
  f->kind = NB_HTML_SOFT;
  return 1;
}

/* What @p el opens in the model, by f->kind (which it may change). */
static int S_open(S_state *st, const xmlNode *el, S_frame *f) {
  nb_node *n;
  switch (f->kind) {
  case NB_HTML_SOFT:
    S_close_inline(st);
    f->height = st->nstack;
    return 1;
  case NB_HTML_PARA:
  case NB_HTML_HEADING:
  case NB_HTML_QUOTE:
  case NB_HTML_LIST:
  case NB_HTML_TABLE:
  case NB_HTML_FIGCAPTION: return S_open_block(st, el, f);
  case NB_HTML_FIGURE:
    if (!(f->fig_flow = S_ensure_flow(st)))
      return 0;
    f->fig_last = nb_node_last_child(f->fig_flow);
    f->height = st->nstack;
    return 1;
  case NB_HTML_PRE:
    n = S_new(st, NB_NODE_CODE_BLOCK, el);
    if (!S_add_block(st, n, 0))
      return 0;
    nb_read__code_lang(n, el);
    st->pre = n;
    st->pre_depth = 1;
    return 1;
  case NB_HTML_HR: return S_add_block(st, S_new(st, NB_NODE_RULE, el), 0);
  case NB_HTML_ITEM: return S_open_item(st, el, f);
  case NB_HTML_THEAD: st->thead_depth++; return 1;
  case NB_HTML_ROW: return S_open_row(st, el, f);
  case NB_HTML_CELL: return S_open_cell(st, el, f);
  case NB_HTML_TCAPTION: return S_open_table_caption(st, el, f);
  case NB_HTML_INLINE:
    if (f->type == NB_NODE_LINK) {
      const char *href = nb_read__attr(el, "href");
      if (!href || strncasecmp(href, "javascript:", 11) == 0)
        f->kind = NB_HTML_TRANSPARENT;
    }
    f->ruby_paren = f->type == NB_NODE_RUBY_TEXT;
    return 1;
  default: return 1;
  }
}

/* Push @p f, the frame of @p el: 1, or -1 out of memory. */
static int S_push_frame(S_state *st, const xmlNode *el, S_frame *f) {
  if (nb_read__hidden(el)) {
    f->hides = 1;
    st->hidden++;
  }
  if (strcasecmp((const char *)el->name, "noscript") == 0) {
    f->noscript = 1;
    st->noscript++;
  }
  st->embeds += f->embeds;
  if (st->nframes == st->fcap) {
    size_t ncap = st->fcap ? st->fcap * 2 : 64;
    S_frame *nf = nb_reallocarray(st->frames, ncap, sizeof *nf);
    if (!nf) {
      st->oom = 1;
      return -1;
    }
    st->frames = nf;
    st->fcap = ncap;
  }
  st->frames[st->nframes++] = *f;
  if (f->ruby_paren)
    S_ruby_paren(st, el, 0);
  return 1;
}

/* Enter element @p el. Returns 1 to descend into its children (its frame
 * is pushed), -1 to skip them (no frame). */
static int S_enter(S_state *st, const xmlNode *el) {
  S_frame f;
  nb_node_type etype;
  nb_html_kind kind = S_kind_of(el, &etype);
  if (kind == NB_HTML_SKIP)
    return -1;
  memset(&f, 0, sizeof f);
  f.el = el;
  f.type = etype;
  if (st->pre) {
    S_enter_code(st, el, kind, &f);
    return S_push_frame(st, el, &f);
  }
  if (S_enter_embed(st, el, kind))
    return -1; /* its text is in the placeholder */
  kind = S_enter_content(st, el, kind, &f);
  f.kind = S_demote(st, el, kind, &f);
  if (!S_open(st, el, &f)) {
    if (st->oom)
      return -1;
    f.kind = NB_HTML_TRANSPARENT;
  }
  return S_push_frame(st, el, &f);
}

/* A <figure> ends: an image-only figure followed by its caption paragraph
 * becomes one FIGURE with a CAPTION. */
static void S_figure_exit(S_state *st, const S_frame *f) {
  nb_node *c, *fig = NULL, *cap_para = f->fig_caption, *cap;
  int figures = 0;
  if (!cap_para || nb_node_parent(cap_para) != f->fig_flow)
    return;
  for (c = f->fig_last ? nb_node_next(f->fig_last)
                       : nb_node_first_child(f->fig_flow);
       c; c = nb_node_next(c))
    if (nb_node_get_type(c) == NB_NODE_FIGURE) {
      fig = c;
      figures++;
    }
  if (figures != 1 || nb_node_last_child(fig) != nb_node_first_child(fig))
    return;
  cap = S_new(st, NB_NODE_CAPTION, NULL);
  if (!cap || !nb_node_append_child(fig, cap))
    return;
  while ((c = nb_node_first_child(cap_para)) != NULL)
    if (!nb_node_append_child(cap, c)) {
      nb_node_unlink(c);
    }
  nb_node_unlink(cap_para);
}

static void S_exit(S_state *st) {
  S_frame *f = &st->frames[st->nframes - 1];
  switch (f->kind) {
  case NB_HTML_INLINE:
    if (f->ruby_paren)
      S_ruby_paren(st, f->el, 1);
    if (f->node && f->model_idx < st->nstack &&
        st->stack[f->model_idx].node == f->node)
      S_pop_to(st, f->model_idx);
    break;
  case NB_HTML_SOFT:
  case NB_HTML_FIGURE:
    S_close_inline(st);
    S_pop_to(st, f->height);
    if (f->kind == NB_HTML_FIGURE)
      S_figure_exit(st, f);
    break;
  case NB_HTML_PARA:
  case NB_HTML_HEADING:
  case NB_HTML_QUOTE:
  case NB_HTML_LIST:
  case NB_HTML_TABLE:
  case NB_HTML_ITEM:
  case NB_HTML_ROW:
  case NB_HTML_CELL:
  case NB_HTML_FIGCAPTION:
    S_pop_to(st, f->height);
    S_reset_line(st);
    break;
  case NB_HTML_PRE:
    if (--st->pre_depth == 0 && st->pre) {
      /* HTML drops the newline right after <pre>; we drop the last one. */
      const char *lit = nb_node_get_literal(st->pre);
      size_t len = nb_node_get_literal_len(st->pre);
      size_t a = 0;
      if (len && lit[0] == '\n')
        a = 1;
      while (len > a && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
        len--;
      if (a || len != nb_node_get_literal_len(st->pre)) {
        char *tmp = nb_strndup(lit + a, len - a);
        if (tmp) {
          nb_node_set_literal(st->pre, tmp, len - a);
          free(tmp);
        }
      }
      st->pre = NULL;
      S_reset_line(st);
    }
    break;
  case NB_HTML_THEAD: st->thead_depth--; break;
  default:
    if (f->tag_words) {
      char end[32];
      snprintf(end, sizeof end, "</%.24s>", (const char *)f->el->name);
      S_text(st, end, strlen(end));
    }
    if (f->spaced && st->pending_ws < 1)
      st->pending_ws = 1;
    break;
  }
  st->hidden -= f->hides;
  st->noscript -= f->noscript;
  st->embeds -= f->embeds;
  st->nframes--;
  if (st->mat_from > st->nframes)
    st->mat_from = st->nframes;
}

/* ## Image descriptions
 *
 * A source's alt text is often no description: "image", "图片", a file
 * name, or nothing at all on a content image. Such an image takes its
 * figure's caption, or the text nearest to it (its paragraph's own text,
 * else the block before it, else the one after), cut to a sentence's
 * length; with none, it is reported as lacking a description (--report
 * lists it). Decoration (icons, emoji, role="presentation", an empty alt
 * among text) keeps alt="". */

static int S_in_tree(const nb_node *n, const nb_node *root) {
  while (n && n != root)
    n = nb_node_parent(n);
  return n == root;
}

static void S_describe_images(S_state *st) {
  nb_node *root = nb_doc_root(st->doc);
  size_t i;
  for (i = 0; i < st->nimgs && !st->oom; i++) {
    nb_node *img = st->imgs[i].node;
    const char *alt = nb_node_get_alt(img), *url = nb_node_get_url(img);
    const char *kept;
    nb_node *block;
    char *d;
    if (!nb_read__alt_meaningless(alt, url) || !S_in_tree(img, root))
      continue;
    /* an icon, or alt="" among text: decoration */
    block = nb_node_parent(img);
    if (st->imgs[i].icon ||
        (st->imgs[i].empty_alt && block &&
         nb_node_get_type(block) != NB_NODE_FIGURE &&
         (nb_node_first_child(block) != img || nb_node_next(img)))) {
      if (alt && *alt)
        nb_node_set_alt(img, "");
      continue;
    }
    kept = alt;                 /* arena-owned: stays valid */
    nb_node_set_alt(img, NULL); /* not part of the text around it */
    d = nb_read__describe_image(img);
    if (d) {
      if (!nb_node_set_alt(img, d))
        st->oom = 1;
      free(d);
    } else {
      char shown[96];
      nb_node_set_alt(img, kept);
      snprintf(shown, sizeof shown, "%s",
               url && strncasecmp(url, "data:", 5) != 0 ? url : "(data: URI)");
      nb_diag_emit(st->diag, NB_SEV_NOTE, "accessibility", st->path,
                   nb_node_get_line(img), url,
                   "image %s has no description: no alt text, caption or "
                   "text near it",
                   shown);
    }
  }
}

/* Walk the DOM below @p root in document order without recursion. */
static void S_walk(S_state *st, xmlNode *root) {
  xmlNode *n = root->children;
  while (n && !st->oom) {
    int descend = 0;
    if (n->type == XML_ELEMENT_NODE) {
      descend = S_enter(st, n);
      if (descend > 0 && !n->children) {
        S_exit(st);
        descend = 0;
      }
    } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        S_text(st, (const char *)n->content, strlen((const char *)n->content));
    }
    if (descend > 0) {
      n = n->children;
      continue;
    }
    while (n && !n->next) {
      n = n->parent;
      if (!n || n == root)
        return;
      if (n->type == XML_ELEMENT_NODE)
        S_exit(st);
    }
    if (n)
      n = n->next;
  }
}

int nb_read__html_into(nb_doc *doc, const char *path, const char *html,
                       size_t len, int line0, int take_title,
                       const nb_read_options *opts, const nb_diag *diag,
                       nb_error *err) {
  nb_read_options o = nb_read__options(opts);
  htmlParserCtxtPtr ctxt;
  htmlDocPtr dom;
  xmlNode *root;
  S_state st;
  int rc = 0;

  char *capped = NULL, *repaired = NULL, *code = NULL, *words = NULL;
  size_t capped_len = 0, dropped = 0, code_len = 0, escaped = 0;
  size_t words_len = 0, unclosed = 0;

  if (len > (size_t)INT_MAX)
    return nb_error_set(err, NB_ERR_LIMIT, path, 0, "HTML body too large");
  if (!nb_utf8_valid(html, len)) {
    /* Article input is repaired before it gets here; a feed whose prolog
     * names an encoding libxml2 then does not apply is not, and libxml2's
     * HTML parser passes stray bytes through into text. */
    size_t fixes = 0;
    repaired = nb_utf8_repair(html, len, &len, &fixes);
    if (!repaired)
      return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
    nb_diag_emit(diag, NB_SEV_WARNING, "encoding", path, line0 > 0 ? line0 : 0,
                 NULL, "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced",
                 fixes);
    html = repaired;
    if (len > (size_t)INT_MAX) {
      free(repaired);
      return nb_error_set(err, NB_ERR_LIMIT, path, 0, "HTML body too large");
    }
  }
  if ((words = nb_read__html_unclosed_tags(html, len, &words_len, &unclosed)) !=
      NULL) {
    nb_diag_emit(diag, NB_SEV_NOTE, "html", path, line0 > 0 ? line0 : 0, NULL,
                 "%zu tag(s) opened and never closed (<script>, <textarea>, "
                 "<select>... named in the text) kept as text",
                 unclosed);
    html = words;
    len = words_len;
  }
  if ((code = nb_read__html_code_tags(html, len, &code_len, &escaped)) !=
      NULL) {
    nb_diag_emit(diag, NB_SEV_NOTE, "html", path, line0 > 0 ? line0 : 0, NULL,
                 "%zu unescaped '<' in code kept as text (#include <stdio.h>, "
                 "List<String>, an HTML sample)",
                 escaped);
    html = code;
    len = code_len;
  }
  if ((capped = nb_read__html_cap_attributes(html, len, &capped_len,
                                             &dropped)) != NULL) {
    nb_diag_emit(diag, NB_SEV_WARNING, "limit", path, 0, NULL,
                 "%zu tag(s) with more than %d attributes: the rest dropped",
                 dropped, NB_MAX_ATTRS);
    html = capped;
    len = capped_len;
  }
  ctxt = htmlNewParserCtxt();
  if (!ctxt) {
    free(capped);
    free(code);
    free(words);
    free(repaired);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
  }
  /* XML_PARSE_HUGE lifts libxml2's nesting limit of 256, past which it
   * would silently drop the rest of the document; our own walk caps depth
   * and keeps the text. No network, no entity loading: HTML has no DTD
   * entities to expand beyond the built-in ones. */
  dom = htmlCtxtReadMemory(ctxt, len ? html : "", (int)len, path, "UTF-8",
                           HTML_PARSE_RECOVER | HTML_PARSE_NONET |
                               HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               XML_PARSE_HUGE);
  htmlFreeParserCtxt(ctxt);
  free(capped);
  free(code);
  free(words);
  free(repaired);
  if (!dom)
    return 0; /* nothing parsable: an empty body (libxml2 returns NULL for
                 empty or all-blank input) */
  root = xmlDocGetRootElement(dom);
  memset(&st, 0, sizeof st);
  st.doc = doc;
  st.diag = diag;
  st.path = path;
  st.line0 = line0 > 0 ? line0 : 0; /* 0: lines do not map to input */
  st.max_depth = o.max_depth;
  if (root) {
    if (take_title && !nb_doc_get_meta(doc, "title")) {
      char *title = nb_read__head_title(root);
      if (title)
        nb_doc_set_meta(doc, "title", title);
      free(title);
    }
    if (S_push(&st, nb_doc_root(doc), 0, -1)) {
      /* Walk from a virtual parent: the document node holds <html>. */
      S_walk(&st, (xmlNode *)dom);
      S_pop_to(&st, 1);
    }
    S_describe_images(&st);
    nb_doc_normalize_headings(doc);
  }
  if (st.oom)
    rc =
        nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory reading HTML");
  free(st.frames);
  free(st.stack);
  free(st.imgs);
  xmlFreeDoc(dom);
  return rc;
}
