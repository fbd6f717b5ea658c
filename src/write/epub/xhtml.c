/* EPUB content documents: one document of the model as XHTML, written with
 * libxml2's xmlTextWriter so that escaping and well-formedness are the
 * writer's job, never string pasting. The tree is walked once with nb_iter
 * through one switch (S_render_node), with no recursion, so nesting depth is
 * bounded by memory only. What reading systems or EPUBCheck would reject is
 * turned into something they accept here: unusable images become visible
 * placeholders, links they cannot follow become plain text, control
 * characters are dropped. This file knows nothing of the package or zip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "newsbook/doc.h"
#include "newsbook/resource.h"
#include "write/epub/epub.h"

#define XC(s) ((const xmlChar *)(s))

/* ## Chapters */

/* An id a node carries into the XHTML, decided before rendering so that
 * fragment links can be checked against the ids that will exist. */
typedef struct S_anchor {
  const nb_node *node;
  char *id;
} S_anchor;

typedef struct S_state {
  const nb_epub_chapter *ch;
  xmlTextWriterPtr w;
  const char *file; /* the document's input path, for diagnostics */
  S_anchor *anchors;
  size_t nanchors, capanchors, next_anchor;
  unsigned char *tables; /* per open table: 0 none, 1 thead, 2 tbody open */
  size_t ntables, captables;
  unsigned char *links; /* per open LINK: 1 when an <a> was written */
  size_t nlinks, caplinks;
  size_t open_a;
  const nb_words *words;  /* in the chapter's language */
  unsigned char *hlevels; /* the h1..h6 each heading becomes, in order */
  size_t nhlevels, caphlevels, next_hlevel;
} S_state;

static int S_push(unsigned char **stack, size_t *n, size_t *cap,
                  unsigned char v) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 16;
    unsigned char *s = realloc(*stack, c);
    if (!s)
      return 0;
    *stack = s;
    *cap = c;
  }
  (*stack)[(*n)++] = v;
  return 1;
}

static int S_valid_id(const char *id) {
  size_t i;
  if (!id ||
      !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
    return 0;
  for (i = 1; id[i]; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return 0;
    if (i > 64)
      return 0;
  }
  return strncmp(id, "nb-", 3) != 0; /* our own namespace */
}

static const char *S_find_anchor(const S_state *st, const char *id) {
  size_t i;
  for (i = 0; i < st->nanchors; i++)
    if (strcmp(st->anchors[i].id, id) == 0)
      return st->anchors[i].id;
  return NULL;
}

/* Kinds that become an element able to carry an id attribute. */
static int S_anchorable(nb_node_type t) {
  switch (t) {
  case NB_NODE_HEADING:
  case NB_NODE_PARAGRAPH:
  case NB_NODE_LIST:
  case NB_NODE_ITEM:
  case NB_NODE_BLOCKQUOTE:
  case NB_NODE_CODE_BLOCK:
  case NB_NODE_TABLE:
  case NB_NODE_FIGURE:
  case NB_NODE_SUP:
  case NB_NODE_SUB: return 1;
  default: return 0;
  }
}

/* The element each heading becomes. The chapter's title is h<base> (h1,
 * or h2 under a section page); the article's headings go below it with no
 * level skipped, whatever levels the source used: each heading is one
 * level below the nearest earlier heading of a higher source rank (a
 * smaller number), or right below the title when there is none. So
 * h2 h4 h3 become h2 h3 h3 under an h1 title, and a lone h4 becomes h2.
 * The stack holds source levels strictly increasing, so at most 6. */
typedef struct S_outline {
  int src[7], out[7];
  int depth, base;
} S_outline;

static int S_outline_level(S_outline *o, int src) {
  int out;
  if (src < 1)
    src = 1;
  if (src > 6)
    src = 6;
  while (o->depth > 0 && o->src[o->depth - 1] >= src)
    o->depth--;
  out = (o->depth > 0 ? o->out[o->depth - 1] : o->base) + 1;
  if (out > 6)
    out = 6;
  o->src[o->depth] = src;
  o->out[o->depth] = out;
  o->depth++;
  return out;
}

/* First pass: every heading gets an id (the reader's when it is a valid,
 * unique name, else "nb-hN") and its output level; other nodes keep valid
 * unique reader ids. */
static int S_collect_anchors(S_state *st, nb_node *root) {
  nb_iter *it = nb_iter_new(root);
  nb_event ev;
  size_t headings = 0;
  S_outline outline;
  int ok = 1;
  if (!it)
    return 0;
  memset(&outline, 0, sizeof outline);
  outline.base = st->ch->title_level >= 1 && st->ch->title_level <= 5
                     ? st->ch->title_level
                     : 1;
  while (ok && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type t = nb_node_get_type(n);
    const char *rid;
    char gen[32];
    const char *id = NULL;
    if (ev != NB_EVENT_ENTER || !S_anchorable(t))
      continue;
    if (t == NB_NODE_HEADING &&
        !S_push(&st->hlevels, &st->nhlevels, &st->caphlevels,
                (unsigned char)S_outline_level(&outline,
                                               nb_node_get_heading_level(n)))) {
      ok = 0;
      break;
    }
    rid = nb_node_get_id(n);
    /* Linear lookups: documents carry few ids; headings dominate and are
     * generated, so only reader ids are compared. */
    if (S_valid_id(rid) && !S_find_anchor(st, rid))
      id = rid;
    if (t == NB_NODE_HEADING) {
      headings++;
      if (!id) {
        snprintf(gen, sizeof gen, "nb-h%zu", headings);
        id = gen;
      }
    }
    if (!id)
      continue;
    if (st->nanchors == st->capanchors) {
      size_t c = st->capanchors ? st->capanchors * 2 : 16;
      S_anchor *a = nb_reallocarray(st->anchors, c, sizeof *a);
      if (!a) {
        ok = 0;
        break;
      }
      st->anchors = a;
      st->capanchors = c;
    }
    st->anchors[st->nanchors].node = n;
    st->anchors[st->nanchors].id = nb_strdup(id);
    if (!st->anchors[st->nanchors].id)
      ok = 0;
    else
      st->nanchors++;
  }
  nb_iter_free(it);
  return ok;
}

/* The id decided for @p node in the first pass, if any. Both passes visit
 * nodes in the same order, so a cursor suffices. */
static const char *S_anchor_for(S_state *st, const nb_node *node) {
  if (st->next_anchor < st->nanchors &&
      st->anchors[st->next_anchor].node == node)
    return st->anchors[st->next_anchor++].id;
  return NULL;
}

static int S_start(S_state *st, const char *name, const nb_node *node) {
  const char *id = node ? S_anchor_for(st, node) : NULL;
  if (xmlTextWriterStartElement(st->w, XC(name)) < 0)
    return -1;
  if (id && nb_epub_attr(st->w, "id", id) < 0)
    return -1;
  return 0;
}

static int S_end_block(S_state *st) {
  if (xmlTextWriterFullEndElement(st->w) < 0)
    return -1;
  return xmlTextWriterWriteString(st->w, XC("\n")) < 0 ? -1 : 0;
}

static int S_end(S_state *st) {
  return xmlTextWriterFullEndElement(st->w) < 0 ? -1 : 0;
}

static int S_render_image(S_state *st, nb_node *node) {
  const nb_resource *res = nb_node_get_resource(node);
  const char *alt = nb_node_get_alt(node);
  const char *title = nb_node_get_title(node);
  const char *url = nb_node_get_url(node);
  nb_node *parent = nb_node_parent(node);
  int block = parent && nb_node_get_type(parent) == NB_NODE_FIGURE;
  char *label;
  int rc;

  if (nb_epub_image_usable(res)) {
    char src[80];
    if (!nb_epub_images_add(st->ch->images, res))
      return -1;
    if (nb_epub_undescribed(node, alt))
      st->ch->images->without_alt++;
    snprintf(src, sizeof src, "images/%s.%s", res->id, nb_epub_image_ext(res));
    if (xmlTextWriterStartElement(st->w, XC("img")) < 0 ||
        nb_epub_attr(st->w, "src", src) < 0 ||
        nb_epub_attr(st->w, "alt", alt ? alt : "") < 0 ||
        (title && *title && nb_epub_attr(st->w, "title", title) < 0) ||
        xmlTextWriterEndElement(st->w) < 0)
      return -1;
    return 0;
  }
  /* An image without a URL stands for something the reader could not
   * include (an embedded slideshow) and has already reported. */
  if (!res) {
    if (url && *url)
      nb_diag_emit(st->ch->diag, NB_SEV_WARNING, "image", st->file,
                   nb_node_get_line(node), url,
                   "image %s was not resolved: a placeholder stands in for it",
                   url);
  } else if (res->status == NB_RES_OK)
    nb_diag_emit(st->ch->diag, NB_SEV_WARNING, "image", st->file,
                 nb_node_get_line(node), url,
                 "image %s is %s, which EPUB readers cannot all show: a "
                 "placeholder stands in for it",
                 url ? url : "(no URL)",
                 res->media_type ? res->media_type : "of unknown type");
  label = nb_epub_clean_label(alt);
  if (!label)
    return -1;
  /* "image unavailable: ALT": the reader sees that a picture is missing,
   * and the words never repeat the alt text of the images beside it
   * (a screen reader would hear them twice). */
  {
    const char *word = st->words->image_unavailable;
    nb_buf shown = NB_BUF_INIT;
    if (!*label) {
      nb_buf_puts(&shown, word);
    } else if (!res && !(url && *url)) {
      nb_buf_puts(&shown, label); /* a frame or video: says so itself */
    } else {
      nb_buf_puts(&shown, word);
      nb_buf_puts(&shown, (unsigned char)word[0] < 0x80 ? ": " : "：");
      nb_buf_puts(&shown, label);
    }
    rc = shown.failed ||
                 xmlTextWriterStartElement(st->w, XC(block ? "div" : "span")) <
                     0 ||
                 nb_epub_attr(st->w, "class", "placeholder") < 0 ||
                 (url && *url && nb_epub_attr(st->w, "title", url) < 0) ||
                 nb_epub_text(st->w, shown.data, shown.len) < 0 ||
                 xmlTextWriterFullEndElement(st->w) < 0
             ? -1
             : 0;
    nb_buf_free(&shown);
  }
  free(label);
  return rc;
}

static int S_enter_link(S_state *st, nb_node *node) {
  const char *url = nb_node_get_url(node);
  const char *title = nb_node_get_title(node);
  const char *image_url = NULL;
  char *href = NULL;
  nb_epub_link_text content = NB_EPUB_LINK_TEXT;
  int open = 0;
  if (st->open_a == 0 && url) {
    if (url[0] == '#') {
      if (url[1] && S_find_anchor(st, url + 1))
        href = nb_strdup(url);
      else
        nb_diag_emit(st->ch->diag, NB_SEV_NOTE, "link", st->file,
                     nb_node_get_line(node), NULL,
                     "link to %s: the article has no such anchor, so the "
                     "link text is kept as plain text",
                     url[1] ? url : "\"#\"");
    } else {
      href = nb_epub_safe_href(url);
    }
    if (href)
      content = nb_epub_link_content(node, &image_url);
    /* An image linking to a picture (its own, larger), or a link with
     * nothing in it, is no link a reader can use or a screen reader can
     * name: the image stays, the link goes. */
    if (href && (content == NB_EPUB_LINK_EMPTY ||
                 (content == NB_EPUB_LINK_IMAGES &&
                  ((image_url && strcmp(image_url, url) == 0) ||
                   nb_epub_image_url(url))))) {
      free(href);
      href = NULL;
    }
  }
  if (href) {
    char host[256];
    /* only images without a description: name the link by its title, or
     * else by where it goes */
    const char *label = content != NB_EPUB_LINK_IMAGES ? NULL
                        : title && nb_epub_has_text(title)
                            ? title
                            : nb_epub_url_host(href, host, sizeof host);
    if (xmlTextWriterStartElement(st->w, XC("a")) < 0 ||
        nb_epub_attr(st->w, "href", href) < 0 ||
        (title && *title && nb_epub_attr(st->w, "title", title) < 0) ||
        (label && *label && nb_epub_attr(st->w, "aria-label", label) < 0)) {
      free(href);
      return -1;
    }
    free(href);
    open = 1;
    st->open_a++;
  }
  return S_push(&st->links, &st->nlinks, &st->caplinks, (unsigned char)open)
             ? 0
             : -1;
}

static int S_exit_link(S_state *st) {
  if (st->nlinks == 0)
    return 0;
  if (st->links[--st->nlinks]) {
    st->open_a--;
    return S_end(st);
  }
  return 0;
}

static int S_enter_row(S_state *st, nb_node *row) {
  unsigned char *sec;
  int header = nb_node_get_header(row);
  if (st->ntables == 0)
    return 0;
  sec = &st->tables[st->ntables - 1];
  if (header && *sec == 0) {
    if (xmlTextWriterStartElement(st->w, XC("thead")) < 0)
      return -1;
    *sec = 1;
  } else if (!header && *sec != 2) {
    if (*sec == 1 && S_end_block(st) < 0)
      return -1;
    if (xmlTextWriterStartElement(st->w, XC("tbody")) < 0)
      return -1;
    *sec = 2;
  }
  return S_start(st, "tr", row);
}

static const char *S_align(nb_align al) {
  return al == NB_ALIGN_LEFT     ? "text-align: left"
         : al == NB_ALIGN_CENTER ? "text-align: center"
                                 : "text-align: right";
}

static int S_enter_cell(S_state *st, nb_node *cell) {
  nb_node *row = nb_node_parent(cell);
  int header = nb_node_get_header(cell) || (row && nb_node_get_header(row));
  int span = nb_node_get_colspan(cell);
  nb_align al = nb_node_get_align(cell);
  if (S_start(st, header ? "th" : "td", cell) < 0)
    return -1;
  if (span > 1) {
    char b[16];
    snprintf(b, sizeof b, "%d", span > 1000 ? 1000 : span);
    if (nb_epub_attr(st->w, "colspan", b) < 0)
      return -1;
  }
  if (al != NB_ALIGN_NONE && nb_epub_attr(st->w, "style", S_align(al)) < 0)
    return -1;
  return 0;
}

/* A paragraph in an aligned cell carries the alignment too: themes align
 * paragraphs themselves (justified body text), and a rule on <p> beats
 * what the cell would pass down. An inline style beats any theme. */
static int S_enter_paragraph(S_state *st, nb_node *node) {
  nb_node *parent = nb_node_parent(node);
  nb_align al = parent && nb_node_get_type(parent) == NB_NODE_TABLE_CELL
                    ? nb_node_get_align(parent)
                    : NB_ALIGN_NONE;
  if (S_start(st, "p", node) < 0)
    return -1;
  return al != NB_ALIGN_NONE && nb_epub_attr(st->w, "style", S_align(al)) < 0
             ? -1
             : 0;
}

static int S_code_block(S_state *st, nb_node *node) {
  const char *info = nb_node_get_info(node);
  if (S_start(st, "pre", node) < 0 ||
      xmlTextWriterStartElement(st->w, XC("code")) < 0)
    return -1;
  if (info && *info) {
    /* the first word of the info string, as a class token */
    char cls[64];
    size_t i, n = 0;
    memcpy(cls, "language-", 9);
    n = 9;
    for (i = 0; info[i] && n + 1 < sizeof cls; i++) {
      char c = info[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
        break;
      if ((unsigned char)c < 0x21 || (unsigned char)c >= 0x7f)
        continue;
      cls[n++] = c;
    }
    cls[n] = '\0';
    if (n > 9 && nb_epub_attr(st->w, "class", cls) < 0)
      return -1;
  }
  if (nb_epub_text(st->w, nb_node_get_literal(node),
                   nb_node_get_literal_len(node)) < 0)
    return -1;
  if (S_end(st) < 0)
    return -1;
  return S_end_block(st);
}

static const char *S_inline_tag(nb_node_type t) {
  switch (t) {
  case NB_NODE_EMPH: return "em";
  case NB_NODE_STRONG: return "strong";
  case NB_NODE_UNDERLINE: return "u";
  case NB_NODE_STRIKE: return "s";
  case NB_NODE_SUP: return "sup";
  case NB_NODE_SUB: return "sub";
  default: return NULL;
  }
}

/* <ruby> is valid only with a base before its first <rt>; a RUBY without
 * one keeps its text but loses the markup (and its RUBY_TEXT becomes a
 * plain span). */
static int S_ruby_ok(const nb_node *ruby) {
  const nb_node *c;
  int base = 0;
  for (c = nb_node_first_child(ruby); c; c = nb_node_next(c)) {
    if (nb_node_get_type(c) == NB_NODE_RUBY_TEXT)
      return base;
    base = 1;
  }
  return 0;
}

/* A figure's caption is a <figcaption> when it ends the figure (HTML allows
 * one, first or last); any other caption is a plain block. */
static int S_is_figcaption(const nb_node *cap) {
  const nb_node *parent = nb_node_parent(cap);
  return parent && nb_node_get_type(parent) == NB_NODE_FIGURE &&
         nb_node_last_child(parent) == cap;
}

/* The one switch: what each node kind becomes on ENTER and on EXIT. */
static int S_render_node(nb_node *node, nb_event ev, S_state *st) {
  nb_node_type t = nb_node_get_type(node);
  int enter = ev == NB_EVENT_ENTER;
  char tag[16];

  switch (t) {
  case NB_NODE_DOCUMENT: return 0;
  case NB_NODE_HEADING: {
    /* levels decided in the first pass, met here in the same order */
    int level = 2;
    if (!enter)
      return S_end_block(st);
    if (st->next_hlevel < st->nhlevels)
      level = st->hlevels[st->next_hlevel++];
    snprintf(tag, sizeof tag, "h%d", level);
    return S_start(st, tag, node);
  }
  case NB_NODE_PARAGRAPH:
    return enter ? S_enter_paragraph(st, node) : S_end_block(st);
  case NB_NODE_LIST:
    if (!enter)
      return S_end_block(st);
    if (S_start(st, nb_node_get_list_ordered(node) ? "ol" : "ul", node) < 0)
      return -1;
    if (nb_node_get_list_ordered(node) && nb_node_get_list_start(node) != 1) {
      char b[24];
      snprintf(b, sizeof b, "%d", nb_node_get_list_start(node));
      if (nb_epub_attr(st->w, "start", b) < 0)
        return -1;
    }
    return xmlTextWriterWriteString(st->w, XC("\n")) < 0 ? -1 : 0;
  case NB_NODE_ITEM: return enter ? S_start(st, "li", node) : S_end_block(st);
  case NB_NODE_BLOCKQUOTE:
    if (!enter)
      return S_end_block(st);
    if (S_start(st, "blockquote", node) < 0)
      return -1;
    return xmlTextWriterWriteString(st->w, XC("\n")) < 0 ? -1 : 0;
  case NB_NODE_CODE_BLOCK: return S_code_block(st, node);
  case NB_NODE_TABLE:
    if (enter) {
      if (!S_push(&st->tables, &st->ntables, &st->captables, 0))
        return -1;
      if (S_start(st, "table", node) < 0)
        return -1;
      return xmlTextWriterWriteString(st->w, XC("\n")) < 0 ? -1 : 0;
    }
    if (st->ntables && st->tables[--st->ntables] != 0 && S_end_block(st) < 0)
      return -1;
    return S_end_block(st);
  case NB_NODE_TABLE_ROW:
    return enter ? S_enter_row(st, node) : S_end_block(st);
  case NB_NODE_TABLE_CELL: return enter ? S_enter_cell(st, node) : S_end(st);
  case NB_NODE_FIGURE:
    return enter ? S_start(st, "figure", node) : S_end_block(st);
  case NB_NODE_CAPTION:
    if (S_is_figcaption(node))
      return enter ? S_start(st, "figcaption", node) : S_end(st);
    if (!enter)
      return S_end(st);
    return S_start(st, "div", node) < 0 ||
                   nb_epub_attr(st->w, "class", "caption") < 0
               ? -1
               : 0;
  case NB_NODE_RULE:
    if (xmlTextWriterStartElement(st->w, XC("hr")) < 0 ||
        xmlTextWriterEndElement(st->w) < 0)
      return -1;
    return xmlTextWriterWriteString(st->w, XC("\n")) < 0 ? -1 : 0;
  case NB_NODE_TEXT:
    if (st->ch->vertical && st->ntables == 0)
      return nb_epub_vertical_text(st->w, nb_node_get_literal(node),
                                   nb_node_get_literal_len(node));
    return nb_epub_text(st->w, nb_node_get_literal(node),
                        nb_node_get_literal_len(node));
  case NB_NODE_CODE:
    if (xmlTextWriterStartElement(st->w, XC("code")) < 0 ||
        nb_epub_text(st->w, nb_node_get_literal(node),
                     nb_node_get_literal_len(node)) < 0)
      return -1;
    return S_end(st);
  case NB_NODE_LINK: return enter ? S_enter_link(st, node) : S_exit_link(st);
  case NB_NODE_IMAGE: return S_render_image(st, node);
  case NB_NODE_LINEBREAK:
    if (xmlTextWriterStartElement(st->w, XC("br")) < 0 ||
        xmlTextWriterEndElement(st->w) < 0)
      return -1;
    return 0;
  case NB_NODE_EMPH:
  case NB_NODE_STRONG:
  case NB_NODE_UNDERLINE:
  case NB_NODE_STRIKE:
  case NB_NODE_SUP:
  case NB_NODE_SUB:
    return enter ? S_start(st, S_inline_tag(t), node) : S_end(st);
  case NB_NODE_RUBY:
    if (!S_ruby_ok(node))
      return 0;
    return enter ? S_start(st, "ruby", node) : S_end(st);
  case NB_NODE_RUBY_TEXT: {
    const nb_node *parent = nb_node_parent(node);
    const char *name =
        parent && nb_node_get_type(parent) == NB_NODE_RUBY && S_ruby_ok(parent)
            ? "rt"
            : "span";
    return enter ? S_start(st, name, node) : S_end(st);
  }
  case NB_NODE_NONE:
  default: return 0;
  }
}

/* A display form of the date in its own zone: "2022-08-10 20:38". */
static void S_display_date(nb_date d, char *buf, size_t size) {
  char iso[64];
  nb_date_format_iso(d, iso, sizeof iso);
  if (d.has_time && strlen(iso) >= 16)
    snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
  else
    snprintf(buf, size, "%.10s", iso);
}

/* The head of a chapter: kicker (the most specific category), byline and
 * date, then the headline, so that the headline leads straight into the
 * article's text, as it does on the page it came from; in a book the
 * kicker and byline also keep one article's last words from running into
 * the next headline in the reading order. */
static int S_title_block(S_state *st, const char *title) {
  const nb_doc *doc = st->ch->doc;
  xmlTextWriterPtr w = st->w;
  size_t i, na = nb_doc_author_count(doc);
  size_t nc = nb_doc_category_count(doc);
  nb_date d = nb_doc_get_date(doc);

  if (xmlTextWriterStartElement(w, XC("header")) < 0 ||
      nb_epub_attr(w, "class", "article-head") < 0 ||
      xmlTextWriterWriteString(w, XC("\n")) < 0)
    return -1;
  if (nc > 0 && nb_doc_kicker(doc)) {
    char *kicker = nb_epub_clean_label(nb_doc_kicker(doc));
    int rc = kicker && *kicker
                 ? nb_epub_element(w, "p", "kicker", kicker) < 0 ||
                       xmlTextWriterWriteString(w, XC("\n")) < 0
                 : !kicker;
    free(kicker);
    if (rc)
      return -1;
  }
  if (na > 0) {
    nb_buf names = NB_BUF_INIT;
    int rc;
    for (i = 0; i < na; i++) {
      if (i)
        nb_buf_puts(&names, ", ");
      nb_buf_puts(&names, nb_doc_author(doc, i));
    }
    if (names.failed)
      return -1;
    rc = nb_epub_element(w, "p", "byline", names.data);
    nb_buf_free(&names);
    if (rc < 0 || xmlTextWriterWriteString(w, XC("\n")) < 0)
      return -1;
  }
  if (d.valid) {
    char iso[64], shown[64];
    nb_date_format_iso(d, iso, sizeof iso);
    S_display_date(d, shown, sizeof shown);
    if (xmlTextWriterStartElement(w, XC("p")) < 0 ||
        nb_epub_attr(w, "class", "dateline") < 0 ||
        xmlTextWriterStartElement(w, XC("time")) < 0 ||
        nb_epub_attr(w, "datetime", iso) < 0 ||
        nb_epub_text(w, shown, strlen(shown)) < 0 || S_end(st) < 0 ||
        S_end_block(st) < 0)
      return -1;
  }
  if (xmlTextWriterStartElement(w, XC(st->ch->title_level == 2 ? "h2" : "h1")) <
          0 ||
      nb_epub_attr(w, "class", "article-title") < 0 ||
      (st->ch->vertical ? nb_epub_vertical_text(st->w, title, strlen(title))
                        : nb_epub_text(w, title, strlen(title))) < 0 ||
      S_end(st) < 0 || xmlTextWriterWriteString(w, XC("\n")) < 0)
    return -1;
  return S_end_block(st);
}

/* The foot of a chapter: where the article came from. */
static int S_source_foot(S_state *st) {
  const char *source = nb_doc_get_meta(st->ch->doc, "source");
  xmlTextWriterPtr w = st->w;
  char *href;
  int rc;
  if (!source || !*source)
    return 0;
  href = nb_epub_safe_href(source);
  rc = xmlTextWriterStartElement(w, XC("footer")) < 0 ||
       nb_epub_attr(w, "class", "article-foot") < 0 ||
       xmlTextWriterStartElement(w, XC("p")) < 0 ||
       nb_epub_attr(w, "class", "source") < 0 ||
       nb_epub_text(w, st->words->source, strlen(st->words->source)) < 0;
  if (!rc && href)
    rc = xmlTextWriterStartElement(w, XC("a")) < 0 ||
         nb_epub_attr(w, "href", href) < 0;
  if (!rc)
    rc = nb_epub_text(w, source, strlen(source)) < 0;
  if (!rc && href)
    rc = S_end(st) < 0;
  free(href);
  if (rc || S_end(st) < 0 || S_end_block(st) < 0)
    return -1;
  return 0;
}

int nb_epub_write_chapter(const nb_epub_chapter *ch, nb_buf *out,
                          nb_error *err) {
  S_state st;
  xmlBufferPtr xbuf = NULL;
  nb_iter *it = NULL;
  nb_node *root = nb_doc_root(ch->doc);
  char *title = NULL;
  char lbuf[40];
  const char *lang;
  nb_event ev;
  int rc = 0;
  size_t i;

  memset(&st, 0, sizeof st);
  st.ch = ch;
  st.file = nb_doc_origin(ch->doc);
  title = nb_epub_clean_label(nb_doc_get_meta(ch->doc, "title"));
  if (!title || !S_collect_anchors(&st, root) || !(xbuf = xmlBufferCreate()) ||
      !(it = nb_iter_new(root))) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, st.file, 0, "out of memory");
    goto cleanup;
  }
  lang = nb_epub_lang(nb_doc_get_meta(ch->doc, "lang"), ch->book_lang, lbuf,
                      sizeof lbuf);
  st.words = nb_words_for(lang);
  if (!*title) {
    free(title);
    title = nb_strdup(st.words->untitled);
    if (!title) {
      rc = nb_error_set(err, NB_ERR_SYSTEM, st.file, 0, "out of memory");
      goto cleanup;
    }
  }
  st.w = nb_epub_xhtml_begin(xbuf, lang, title, ch->css_href, "article");
  if (!st.w) {
    rc = nb_error_set(err, NB_ERR_LIBRARY, st.file, 0,
                      "cannot start an XHTML writer");
    goto cleanup;
  }
  if (S_title_block(&st, title) < 0)
    rc = -1;
  while (rc == 0 && (ev = nb_iter_next(it)) != NB_EVENT_DONE)
    if (S_render_node(nb_iter_node(it), ev, &st) < 0)
      rc = -1;
  if (rc == 0 && S_source_foot(&st) < 0)
    rc = -1;
  if (rc < 0) {
    xmlFreeTextWriter(st.w);
    rc = nb_error_set(err, NB_ERR_LIBRARY, st.file, 0,
                      "cannot write the chapter's XHTML (out of memory?)");
    goto cleanup;
  }
  rc = nb_epub_xhtml_end(st.w, xbuf, out, err);

cleanup:
  nb_iter_free(it);
  if (xbuf)
    xmlBufferFree(xbuf);
  for (i = 0; i < st.nanchors; i++)
    free(st.anchors[i].id);
  free(st.anchors);
  free(st.tables);
  free(st.links);
  free(st.hlevels);
  free(title);
  return rc;
}
