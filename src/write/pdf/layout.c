/* Layout of a document's blocks and inlines into flow items (layout.h);
 * the flow itself and its text blocks are in flow.c.
 *
 * The tree is walked with nb_iter, never recursively: containers (lists,
 * items, quotes) push a frame with their computed style and indentation on
 * an explicit, capped stack; text blocks gather their inlines into one
 * Pango layout with attributes; images split a paragraph. What the model
 * allows but print cannot show (a cell inside a cell...) is flattened, not
 * dropped: every character of the text reaches the page. */
#include "write/pdf/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "write/pdf/justify.h"

#define MAX_FRAMES 48

/* ## Inlines */

typedef struct open_span {
  nb_node *node;
  size_t start;
} open_span;

typedef struct inl {
  nb_buf text;
  PangoAttrList *attrs;
  nb_link *links;
  size_t nlinks, caplinks;
  open_span *stack;
  size_t depth, cap;
  int pre;
  int run;       /* characters since the last break opportunity */
  size_t blank;  /* blanks in a row in preformatted text */
  uint32_t last; /* the last character appended */
} inl;

static void S_inl_reset(inl *in) {
  nb_buf_free(&in->text);
  nb_buf_puts(&in->text, "");
  in->attrs = pango_attr_list_new();
  in->links = NULL;
  in->nlinks = in->caplinks = 0;
}

static void S_attr(inl *in, PangoAttribute *a, size_t start, size_t end) {
  if (!a)
    return;
  if (end <= start) {
    pango_attribute_destroy(a);
    return;
  }
  a->start_index = (guint)start;
  a->end_index = (guint)end;
  pango_attr_list_insert(in->attrs, a);
}

static int S_only_ideo_space(const char *s, size_t n) {
  size_t i;
  for (i = 0; i + 2 < n + 2 && i < n; i += 3)
    if (i + 3 > n || memcmp(s + i, "\xe3\x80\x80", 3) != 0)
      return 0;
  return 1;
}

#define NB_PRE_MAX_BLANKS 256

/* Append text, folding white space as HTML does (outside pre) and dropping
 * control characters Pango would draw as boxes. */
static void S_inl_text(inl *in, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = nb_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    in->blank = cp == '\t' || cp == ' ' ? in->blank + 1 : 0;
    if (cp == '\n' || cp == '\t' || cp == '\r' || cp == ' ' || nb_is_cjk(cp))
      in->run = 0;
    else if (cp >= 0x20 && ++in->run > 40 && !nb_kinsoku_no_start(cp) &&
             !nb_kinsoku_no_end(in->last)) {
      /* A run with no break opportunity (a long URL, a hash, hostile
       * input): Pango's character wrapping is quadratic in its length, so
       * offer a break every 40 characters with an invisible ZWSP. */
      nb_buf_puts(&in->text, "\xe2\x80\x8b");
      in->run = 1;
    }
    in->last = cp;
    if (cp == '\n' || cp == '\t' || cp == '\r' || cp == ' ') {
      if (in->pre && in->blank > NB_PRE_MAX_BLANKS) {
        /* A megabyte of tabs on one code line (hostile input) costs Pango
         * minutes of tab stops; past a few hundred columns of blank
         * nothing more can be shown of it on a page anyway. */
      } else if (in->pre) {
        nb_buf_putc(&in->text, cp == '\r' ? '\n' : (char)cp);
      } else if (in->text.len > 0 && in->text.data[in->text.len - 1] != ' ' &&
                 !(in->text.len >= 3 && memcmp(in->text.data + in->text.len - 3,
                                               "\xe2\x80\xa8", 3) == 0)) {
        /* (not after a <br>'s LINE SEPARATOR; a block's first word of
         * one or two bytes once lost its space here: "OnSaturday") */
        nb_buf_putc(&in->text, ' ');
      }
    } else if (cp == 0x3000 && !in->pre &&
               (in->text.len == 0 ||
                (in->text.len >= 3 &&
                 memcmp(in->text.data + in->text.len - 3, "\xe3\x80\x80", 3) ==
                     0 &&
                 S_only_ideo_space(in->text.data, in->text.len)))) {
      /* paragraph-opening ideographic spaces: the CSS indent does that */
    } else if (cp < 0x20 || cp == 0x7f || cp == 0xfeff ||
               (cp >= 0x80 && cp < 0xa0)) {
      /* control: drop */
    } else {
      nb_buf_append(&in->text, s + i, k);
    }
    i += k;
  }
}

static void S_close_span(nb_pdf *pdf, inl *in, nb_node *node, size_t start) {
  size_t end = in->text.len;
  switch (nb_node_get_type(node)) {
  case NB_NODE_EMPH:
    if (pdf->cjk_article) {
      /* Han, kana and hangul have no italic, and a slanted one is a fake:
       * CJK books set emphasis in another face, here the sans against the
       * serif body (styles/default.css does the same for the EPUB). */
      char fam[sizeof pdf->cjk_emph_family];
      nb_pdf_families(pdf->cjk_emph_family, pdf->cjk_variant, fam, sizeof fam);
      S_attr(in, pango_attr_family_new(fam), start, end);
    } else {
      S_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, end);
    }
    break;
  case NB_NODE_STRONG:
    S_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
    break;
  case NB_NODE_UNDERLINE:
    S_attr(in, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start, end);
    break;
  case NB_NODE_STRIKE:
    S_attr(in, pango_attr_strikethrough_new(TRUE), start, end);
    break;
  case NB_NODE_SUP:
  case NB_NODE_SUB:
    S_attr(in, pango_attr_scale_new(0.72), start, end);
    S_attr(in,
           pango_attr_rise_new(
               (int)((nb_node_get_type(node) == NB_NODE_SUP ? 0.38 : -0.15) *
                     pdf->body.font_size * PANGO_SCALE)),
           start, end);
    break;
  case NB_NODE_RUBY_TEXT:
    S_attr(in, pango_attr_scale_new(0.6), start, end);
    break;
  case NB_NODE_LINK: {
    const char *url = nb_node_get_url(node);
    uint32_t c = pdf->link_color;
    S_attr(in,
           pango_attr_foreground_new((guint16)(((c >> 16) & 255) * 257),
                                     (guint16)(((c >> 8) & 255) * 257),
                                     (guint16)((c & 255) * 257)),
           start, end);
    if (url && *url && end > start &&
        (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
         strncmp(url, "mailto:", 7) == 0)) {
      if (in->nlinks == in->caplinks) {
        size_t cap = in->caplinks ? in->caplinks * 2 : 8;
        nb_link *nl = nb_reallocarray(in->links, cap, sizeof *nl);
        if (!nl)
          break;
        in->links = nl;
        in->caplinks = cap;
      }
      in->links[in->nlinks].start = (int)start;
      in->links[in->nlinks].end = (int)end;
      in->links[in->nlinks].uri = nb_strdup(url);
      if (in->links[in->nlinks].uri)
        in->nlinks++;
    }
    break;
  }
  default: break;
  }
}

static void S_code_span(nb_pdf *pdf, inl *in, const char *s, size_t n) {
  size_t start = in->text.len;
  double scale = pdf->code_inline.font_size / pdf->body.font_size;
  int pre = in->pre;
  in->pre = 0;
  S_inl_text(in, s, n);
  in->pre = pre;
  S_attr(in, pango_attr_family_new(pdf->code_inline.font_family), start,
         in->text.len);
  if (scale > 0.3 && scale < 3 && fabs(scale - 1) > 0.01)
    S_attr(in, pango_attr_scale_new(scale), start, in->text.len);
}

/* ## Blocks */

typedef struct frame {
  nb_node_type type;
  nb_css_node css;
  nb_style style;
  double left, right; /* indentation of the text block */
  int ordered, counter, list_depth;
  int ndecos;
  nb_deco decos[NB_MAX_DECOS];
} frame;

typedef struct walker {
  nb_flow *f;
  nb_doc *doc;
  frame *frames;
  size_t nframes;
  size_t ignored; /* containers past MAX_FRAMES, not pushed */
  nb_css_node chain[MAX_FRAMES + 4];
} walker;

static frame *S_top(walker *w) {
  return &w->frames[w->nframes - 1];
}

static size_t S_chain(walker *w, const char *name, const char *cls) {
  size_t i, n = 0;
  for (i = 0; i < w->nframes && n < MAX_FRAMES + 2; i++)
    w->chain[n++] = w->frames[i].css;
  w->chain[n].name = name;
  w->chain[n].cls = cls;
  return n + 1;
}

static void S_block_style(walker *w, const char *name, const char *cls,
                          nb_style *out) {
  size_t n = S_chain(w, name, cls);
  nb_pdf_style(w->f->pdf, w->chain, n, &S_top(w)->style, out);
}

static double S_block_width(walker *w) {
  frame *t = S_top(w);
  double width = w->f->pdf->text_w - t->left - t->right;
  return width < 40 ? 40 : width;
}

/* Pango loses lines of a block of about a megabyte and slows down long
 * before: a huge text block is laid out in pieces of at most this many
 * bytes, cut at a break opportunity. */
#define MAX_BLOCK_BYTES 32768

static size_t S_split_point(const char *s, size_t len, size_t from) {
  size_t end = from + MAX_BLOCK_BYTES, k;
  if (end >= len)
    return len;
  while (end > from && ((unsigned char)s[end] & 0xc0) == 0x80)
    end--;
  for (k = end; k > from && end - k < 4096;) {
    uint32_t a = 0, b = 0;
    size_t j = k - 1;
    while (j > from && ((unsigned char)s[j] & 0xc0) == 0x80)
      j--;
    nb_utf8_decode((const unsigned char *)s + j, k - j, &a);
    nb_utf8_decode((const unsigned char *)s + k, len - k, &b);
    if (a == ' ' || a == 0x2028 || a == 0x200b ||
        ((nb_is_cjk(a) || nb_is_cjk(b)) && !nb_kinsoku_no_start(b) &&
         !nb_kinsoku_no_end(a)))
      return k;
    k = j;
  }
  return end > from ? end : len;
}

/* The attributes of @p all (in start order, as pango_attr_list_get_attributes
 * returns them) that overlap [from, to), shifted to start at 0. Copying the
 * whole list for each piece and cutting it with pango_attr_list_update()
 * was quadratic: a paragraph of 200,000 inline spans took a minute. */
static PangoAttrList *S_attrs_slice(GSList *all, guint from, guint to) {
  PangoAttrList *out = pango_attr_list_new();
  GSList *l;
  for (l = all; l && out; l = l->next) {
    const PangoAttribute *a = l->data;
    PangoAttribute *c;
    if (a->end_index <= from || a->start_index >= to)
      continue;
    if (!(c = pango_attribute_copy(a)))
      continue;
    c->start_index = a->start_index > from ? a->start_index - from : 0;
    c->end_index = (a->end_index < to ? a->end_index : to) - from;
    pango_attr_list_insert(out, c); /* appends: the input is in order */
  }
  return out;
}

/* Lay out and add a gathered text block (taking @p attrs and @p links),
 * in pieces when it is huge; pieces after the first use @p cont (no
 * first-line indent). */
static void S_emit(nb_flow *f, const nb_style *st, const nb_style *cont,
                   nb_buf *text, PangoAttrList *attrs, nb_link *links,
                   size_t nlinks, double x, double width, const nb_deco *decos,
                   int ndecos, int keep_next) {
  size_t from = 0, k;
  GSList *all;
  if (text->len <= MAX_BLOCK_BYTES) {
    nb_para *p = nb_flow_text(f, st, text, attrs, links, nlinks, width, 1);
    nb_flow_lines(f, p, st, x, width, decos, ndecos, keep_next);
    return;
  }
  all = attrs ? pango_attr_list_get_attributes(attrs) : NULL;
  while (from < text->len) {
    size_t to = S_split_point(text->data, text->len, from);
    nb_buf piece = NB_BUF_INIT;
    PangoAttrList *a = S_attrs_slice(all, (guint)from, (guint)to);
    nb_link *pl = NULL;
    size_t npl = 0;
    nb_para *p;
    nb_buf_append(&piece, text->data + from, to - from);
    for (k = 0; k < nlinks; k++) {
      if (links[k].end <= (int)from || links[k].start >= (int)to)
        continue;
      if (!pl && !(pl = nb_calloc(nlinks, sizeof *pl)))
        break;
      pl[npl].start =
          (links[k].start > (int)from ? links[k].start : (int)from) - (int)from;
      pl[npl].end =
          (links[k].end < (int)to ? links[k].end : (int)to) - (int)from;
      pl[npl].uri = nb_strdup(links[k].uri);
      if (pl[npl].uri)
        npl++;
    }
    p = nb_flow_text(f, from == 0 ? st : cont, &piece, a, pl, npl, width, 1);
    nb_flow_lines(f, p, from == 0 ? st : cont, x, width, decos, ndecos,
                  to >= text->len ? keep_next : 0);
    nb_buf_free(&piece);
    from = to;
  }
  g_slist_free_full(all, (GDestroyNotify)pango_attribute_destroy);
  if (attrs)
    pango_attr_list_unref(attrs);
  for (k = 0; k < nlinks; k++)
    free(links[k].uri);
  free(links);
}

/* Lay out the inlines of @p node (a PARAGRAPH, HEADING, CAPTION, or any
 * block whose inlines we gather) as one or more text blocks: an inline
 * image ends one and starts the next. */
static void S_text_block(walker *w, nb_node *node, const nb_style *st,
                         int keep_next, int heading) {
  nb_flow *f = w->f;
  nb_pdf *pdf = f->pdf;
  frame *t = S_top(w);
  double x = t->left, width = S_block_width(w);
  nb_iter *it = nb_iter_new(node);
  inl in;
  nb_event ev;
  int indent_done = 0;
  nb_style cont = *st;
  cont.text_indent = 0; /* what follows an inline image continues a line */
  memset(&in, 0, sizeof in);
  if (!it)
    return;
  in.pre = st->pre;
  S_inl_reset(&in);
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type ty = nb_node_get_type(n);
    if (n == node && !nb_node_type_is_inline(ty))
      continue;
    if (ev == NB_EVENT_ENTER) {
      switch (ty) {
      case NB_NODE_TEXT:
        S_inl_text(&in, nb_node_get_literal(n), nb_node_get_literal_len(n));
        break;
      case NB_NODE_CODE:
        S_code_span(pdf, &in, nb_node_get_literal(n),
                    nb_node_get_literal_len(n));
        break;
      case NB_NODE_CODE_BLOCK:
        S_inl_text(&in, nb_node_get_literal(n), nb_node_get_literal_len(n));
        break;
      case NB_NODE_LINEBREAK: nb_buf_puts(&in.text, "\xe2\x80\xa8"); break;
      case NB_NODE_IMAGE: {
        size_t k;
        /* close the spans at the image, reopen them after it */
        for (k = 0; k < in.depth; k++)
          S_close_span(pdf, &in, in.stack[k].node, in.stack[k].start);
        while (in.text.len && in.text.data[in.text.len - 1] == ' ')
          in.text.data[--in.text.len] = '\0';
        if (in.text.len > 0) {
          S_emit(f, indent_done ? &cont : st, &cont, &in.text, in.attrs,
                 in.links, in.nlinks, x, width, t->decos, t->ndecos, 0);
          indent_done = 1;
        } else {
          pango_attr_list_unref(in.attrs);
          for (k = 0; k < in.nlinks; k++)
            free(in.links[k].uri);
          free(in.links);
        }
        S_inl_reset(&in);
        for (k = 0; k < in.depth; k++)
          in.stack[k].start = 0;
        cont.text_indent = 0;
        nb_flow_image(f, nb_node_get_resource(n), nb_node_get_url(n),
                      nb_node_get_alt(n), x, width, t->decos, t->ndecos, 0);
        break;
      }
      default:
        if (!nb_node_type_is_leaf(ty) && nb_node_type_is_inline(ty)) {
          if (in.depth == in.cap) {
            size_t cap = in.cap ? in.cap * 2 : 16;
            open_span *ns = nb_reallocarray(in.stack, cap, sizeof *ns);
            if (!ns)
              break;
            in.stack = ns;
            in.cap = cap;
          }
          in.stack[in.depth].node = n;
          in.stack[in.depth].start = in.text.len;
          in.depth++;
        } else if (nb_node_type_is_block(ty) && in.text.len > 0 &&
                   in.text.data[in.text.len - 1] != '\n') {
          /* blocks flattened into this one (a cell's paragraphs) */
          nb_buf_puts(&in.text, "\xe2\x80\xa8");
        }
        break;
      }
    } else if (ev == NB_EVENT_EXIT && nb_node_type_is_inline(ty) &&
               in.depth > 0 && in.stack[in.depth - 1].node == n) {
      in.depth--;
      S_close_span(pdf, &in, n, in.stack[in.depth].start);
    }
  }
  nb_iter_free(it);
  while (in.depth > 0) {
    in.depth--;
    S_close_span(pdf, &in, in.stack[in.depth].node, in.stack[in.depth].start);
  }
  free(in.stack);
  if (heading) {
    /* an ideographic space inside a heading is a separator; a full em of
     * blank makes text extractors see two columns */
    size_t k;
    for (k = 0; k + 2 < in.text.len; k++)
      if (memcmp(in.text.data + k, "\xe3\x80\x80", 3) == 0) {
        memcpy(in.text.data + k, "\xc2\xa0 ", 3);
      }
  }
  while (in.text.len &&
         (in.text.data[in.text.len - 1] == ' ' ||
          (in.text.len >= 3 &&
           memcmp(in.text.data + in.text.len - 3, "\xe2\x80\xa8", 3) == 0))) {
    in.text.len -= in.text.data[in.text.len - 1] == ' ' ? 1 : 3;
    in.text.data[in.text.len] = '\0';
  }
  if (in.text.len > 0) {
    S_emit(f, indent_done ? &cont : st, &cont, &in.text, in.attrs, in.links,
           in.nlinks, x, width, t->decos, t->ndecos, keep_next);
  } else {
    size_t k;
    pango_attr_list_unref(in.attrs);
    for (k = 0; k < in.nlinks; k++)
      free(in.links[k].uri);
    free(in.links);
  }
  nb_buf_free(&in.text);
}

/* A code block's padding, put into the boxes of its first and last lines
 * (the lines of @p f from item @p first on), so that it moves with them
 * and a break keeps widows and orphans as in prose. */
static void S_pad_lines(nb_flow *f, size_t first, const nb_style *st) {
  size_t i, last = (size_t)-1;
  for (i = first; i < f->n; i++) {
    if (f->items[i].kind != IT_LINE)
      continue;
    if (last == (size_t)-1) {
      f->items[i].h += st->padding[NB_TOP];
      f->items[i].base += st->padding[NB_TOP];
    }
    last = i;
  }
  if (last != (size_t)-1)
    f->items[last].h += st->padding[NB_BOTTOM];
}

/* A code block in a vertical book: its lines stay horizontal, in a flow
 * of their own as wide as the longest (up to the text block's width),
 * set upright in the columns a column's length at a time. */
static void S_code_upright(walker *w, nb_node *node) {
  nb_flow *f = w->f, *sub;
  nb_pdf *pdf = f->pdf;
  frame *t = S_top(w);
  nb_style st;
  nb_deco deco;
  int nd = 0;
  double width, pl, pr;
  const char *lit = nb_node_get_literal(node);
  size_t len = nb_node_get_literal_len(node), n, first;
  nb_buf text = NB_BUF_INIT;
  inl in;
  n = S_chain(w, "pre", NULL);
  nb_pdf_style_upright(pdf, w->chain, n, &S_top(w)->style, &st);
  st.pre = 1;
  st.text_indent = 0;
  if (st.text_align == NB_TA_JUSTIFY)
    st.text_align = NB_TA_LEFT;
  pl = st.padding[NB_LEFT];
  pr = st.padding[NB_RIGHT];
  memset(&in, 0, sizeof in);
  in.pre = 1;
  S_inl_reset(&in);
  while (len > 0 && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
    len--;
  S_inl_text(&in, lit, len);
  text = in.text;
  if (text.len == 0)
    nb_buf_puts(&text, " ");
  {
    /* as wide as its longest line */
    PangoLayout *l = pango_layout_new(pdf->ctx);
    PangoFontDescription *fd = nb_pdf_font(pdf, &st);
    PangoRectangle log;
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(
        l, text.data,
        (int)(text.len < MAX_BLOCK_BYTES ? text.len : MAX_BLOCK_BYTES));
    pango_layout_set_attributes(l, in.attrs);
    pango_layout_get_extents(l, NULL, &log);
    g_object_unref(l);
    width = log.width / (double)PANGO_SCALE + pl + pr + 2;
    if (width > pdf->text_h)
      width = pdf->text_h;
    if (width < 40)
      width = 40;
  }
  if (!(sub = nb_flow_sub(f))) {
    pango_attr_list_unref(in.attrs);
    nb_buf_free(&text);
    return;
  }
  if (st.has_background) {
    deco.x = 0;
    deco.w = width;
    deco.rgb = st.background;
    deco.bar = 0;
    nd = 1;
  }
  nb_flow_tag(sub, "Code", NULL, 0);
  first = sub->n;
  S_emit(sub, &st, &st, &text, in.attrs, NULL, 0, pl, width - pl - pr, &deco,
         nd, 0);
  S_pad_lines(sub, first, &st);
  nb_flow_tag(sub, "Code", NULL, 1);
  nb_buf_free(&text);
  nb_flow_space(f, st.margin[NB_TOP]);
  nb_flow_add_blocks(f, sub, t->left, S_block_width(w), t->decos, t->ndecos, 0);
  f->pending_space = st.margin[NB_BOTTOM];
}

/* A table in a vertical book: horizontal, upright in the columns (as a
 * code block). */
static void S_table_upright(walker *w, nb_node *table) {
  nb_flow *f = w->f, *sub;
  frame *t = S_top(w);
  nb_style st;
  size_t n = S_chain(w, "table", NULL);
  nb_pdf_style_upright(f->pdf, w->chain, n, &t->style, &st);
  if (!(sub = nb_flow_sub(f)))
    return;
  nb_layout_table(sub, table, 0, f->pdf->text_h, &t->style, NULL, 0);
  nb_flow_space(f, st.margin[NB_TOP]);
  nb_flow_add_blocks(f, sub, t->left, S_block_width(w), t->decos, t->ndecos, 0);
  f->pending_space = st.margin[NB_BOTTOM];
}

static void S_code_block(walker *w, nb_node *node) {
  nb_flow *f = w->f;
  frame *t = S_top(w);
  nb_style st;
  nb_deco decos[NB_MAX_DECOS];
  int nd = t->ndecos;
  double x = t->left, width = S_block_width(w);
  double pl, pr;
  const char *lit = nb_node_get_literal(node);
  size_t len = nb_node_get_literal_len(node);
  nb_buf text = NB_BUF_INIT;
  inl in;
  size_t first;
  S_block_style(w, "pre", NULL, &st);
  st.pre = 1;
  st.text_indent = 0;
  if (st.text_align == NB_TA_JUSTIFY)
    st.text_align = NB_TA_LEFT;
  pl = st.padding[NB_LEFT];
  pr = st.padding[NB_RIGHT];
  memcpy(decos, t->decos, sizeof decos);
  if (st.has_background && nd < NB_MAX_DECOS) {
    decos[nd].x = x;
    decos[nd].w = width;
    decos[nd].rgb = st.background;
    decos[nd].bar = 0;
    nd++;
  }
  memset(&in, 0, sizeof in);
  in.pre = 1;
  S_inl_reset(&in);
  while (len > 0 && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
    len--;
  S_inl_text(&in, lit, len);
  text = in.text;
  if (text.len == 0)
    nb_buf_puts(&text, " ");
  nb_flow_space(f, st.margin[NB_TOP]);
  nb_flow_tag(f, "Code", NULL, 0);
  first = f->n;
  S_emit(f, &st, &st, &text, in.attrs, NULL, 0, x + pl, width - pl - pr, decos,
         nd, 0);
  S_pad_lines(f, first, &st);
  nb_flow_tag(f, "Code", NULL, 1);
  f->pending_space = st.margin[NB_BOTTOM];
  nb_buf_free(&text);
}

static void S_rule(walker *w) {
  nb_flow *f = w->f;
  frame *t = S_top(w);
  nb_style st;
  nb_item it;
  double width = S_block_width(w);
  double ml, mr;
  S_block_style(w, "hr", NULL, &st);
  ml = st.margin_pct[NB_LEFT] > 0 ? st.margin_pct[NB_LEFT] * width
                                  : st.margin[NB_LEFT];
  mr = st.margin_pct[NB_RIGHT] > 0 ? st.margin_pct[NB_RIGHT] * width
                                   : st.margin[NB_RIGHT];
  nb_flow_space(f, st.margin[NB_TOP]);
  memset(&it, 0, sizeof it);
  it.kind = IT_RULE;
  it.x = t->left + ml;
  it.w = width - ml - mr;
  if (it.w < 10)
    it.w = width;
  it.rule_w = st.border_width[NB_TOP] > 0 ? st.border_width[NB_TOP] : 0.75;
  it.rgb = st.border_style[NB_TOP] ? st.border_color[NB_TOP] : 0xbbbbbb;
  it.h = it.rule_w + 2;
  nb_flow_add(f, &it);
  f->pending_space = st.margin[NB_BOTTOM];
}

static void S_figure(walker *w, nb_node *fig) {
  nb_flow *f = w->f;
  frame *t = S_top(w);
  nb_node *c;
  nb_style st, cap;
  double width = S_block_width(w);
  S_block_style(w, "figure", NULL, &st);
  nb_flow_space(f, st.margin[NB_TOP]);
  for (c = nb_node_first_child(fig); c; c = nb_node_next(c)) {
    nb_node_type ty = nb_node_get_type(c);
    if (ty == NB_NODE_IMAGE) {
      nb_flow_image(f, nb_node_get_resource(c), nb_node_get_url(c),
                    nb_node_get_alt(c), t->left, width, t->decos, t->ndecos,
                    nb_node_next(c) != NULL);
    } else if (ty == NB_NODE_CAPTION) {
      size_t n = S_chain(w, "figure", NULL);
      w->chain[n].name = "figcaption";
      w->chain[n].cls = NULL;
      nb_pdf_style(f->pdf, w->chain, n + 1, &st, &cap);
      f->pending_space = 0;
      nb_flow_space(f, cap.margin[NB_TOP] + 2);
      nb_flow_tag(f, "Caption", NULL, 0);
      S_text_block(w, c, &cap, 0, 0);
      nb_flow_tag(f, "Caption", NULL, 1);
    } else {
      S_text_block(w, c, &st, 0, 0);
    }
  }
  if (f->pending_space < st.margin[NB_BOTTOM])
    f->pending_space = st.margin[NB_BOTTOM];
}

static const char *S_heading_tag(int level) {
  static const char *const tags[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
  if (level < 1)
    level = 1;
  if (level > 6)
    level = 6;
  return tags[level - 1];
}

static void S_paragraph(walker *w, nb_node *node) {
  nb_flow *f = w->f;
  nb_node_type ty = nb_node_get_type(node);
  nb_style st;
  char name[4] = "p";
  int level = 0;
  char *plain = NULL;
  if (ty == NB_NODE_HEADING) {
    level = nb_node_get_heading_level(node);
    if (level < 1 || level > 6)
      level = 2;
    snprintf(name, sizeof name, "h%d", level);
  }
  S_block_style(w, ty == NB_NODE_CAPTION ? "figcaption" : name, NULL, &st);
  if (ty == NB_NODE_HEADING && st.text_align == NB_TA_JUSTIFY)
    st.text_align = NB_TA_LEFT;
  st.heading = ty == NB_NODE_HEADING;
  /* a block holding nothing printable takes no room */
  plain = nb_node_text(node);
  if (plain) {
    const char *s = plain;
    int any = 0;
    while (*s && !any)
      any = !(*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'), s++;
    if (!any) {
      nb_iter *it = nb_iter_new(node);
      nb_event ev;
      while (it && (ev = nb_iter_next(it)) != NB_EVENT_DONE)
        if (ev == NB_EVENT_ENTER &&
            nb_node_get_type(nb_iter_node(it)) == NB_NODE_IMAGE) {
          any = 1;
          break;
        }
      nb_iter_free(it);
    }
    if (!any) {
      free(plain);
      return;
    }
  }
  if (st.break_before == NB_BREAK_ALWAYS) {
    nb_item br;
    memset(&br, 0, sizeof br);
    br.kind = IT_BREAK;
    nb_flow_add(f, &br);
  }
  nb_flow_space(f, st.margin[NB_TOP]);
  if (ty == NB_NODE_HEADING) {
    nb_item o;
    memset(&o, 0, sizeof o);
    o.kind = IT_OUTLINE;
    o.level = level;
    o.text = plain;
    plain = NULL;
    if (o.text) {
      char *p;
      for (p = o.text; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
          *p = ' ';
    }
    nb_flow_add(f, &o);
  }
  nb_flow_tag(f,
              ty == NB_NODE_HEADING
                  ? S_heading_tag(level + f->pdf->heading_shift)
                  : "P",
              NULL, 0);
  /* a passage in another language than the article's says so */
  if (plain && f->n > 0 && f->pdf->article_lang && strlen(plain) >= 24) {
    /* its opening is enough to tell */
    size_t len = strlen(plain) > 384 ? 384 : strlen(plain);
    const char *g = nb_text_guess_lang(plain, len);
    size_t n = strcspn(f->pdf->article_lang, "-_");
    if (g && f->items[f->n - 1].kind == IT_TAG &&
        (strncmp(g, f->pdf->article_lang, n) != 0 || strcspn(g, "-_") != n))
      f->items[f->n - 1].lang = g;
  }
  free(plain);
  S_text_block(w, node, &st,
               ty == NB_NODE_HEADING || st.break_after == NB_BREAK_AVOID,
               ty == NB_NODE_HEADING);
  nb_flow_tag(f,
              ty == NB_NODE_HEADING
                  ? S_heading_tag(level + f->pdf->heading_shift)
                  : "P",
              NULL, 1);
  f->pending_space = st.margin[NB_BOTTOM];
}

static void S_push(walker *w, nb_node *node) {
  nb_flow *f = w->f;
  frame *parent = S_top(w), *fr;
  nb_node_type ty = nb_node_get_type(node);
  const char *name = ty == NB_NODE_LIST
                         ? (nb_node_get_list_ordered(node) ? "ol" : "ul")
                     : ty == NB_NODE_ITEM ? "li"
                                          : "blockquote";
  double width = S_block_width(w);
  if (w->nframes >= MAX_FRAMES) {
    w->ignored++;
    return;
  }
  fr = &w->frames[w->nframes];
  *fr = *parent;
  fr->type = ty;
  fr->css.name = name;
  fr->css.cls = NULL;
  S_block_style(w, name, NULL, &fr->style);
  w->nframes++;
  nb_flow_space(f, fr->style.margin[NB_TOP]);
  if (ty == NB_NODE_LIST) {
    double ind = fr->style.margin[NB_LEFT] + fr->style.padding[NB_LEFT];
    if (ind > width * 0.3)
      ind = width * 0.3;
    /* deep nesting (tag soup nests whole articles) stops indenting once
     * a third of the measure is gone: text must stay readable */
    if (fr->left + fr->right + ind > w->f->pdf->text_w * 0.34)
      ind = 0;
    fr->left += ind;
    fr->ordered = nb_node_get_list_ordered(node);
    fr->counter = nb_node_get_list_start(node);
    fr->list_depth = parent->list_depth + 1;
    nb_flow_tag(f, "L", NULL, 0);
  } else if (ty == NB_NODE_ITEM) {
    char mk[32];
    nb_style ms = fr->style;
    nb_buf t = NB_BUF_INIT;
    PangoRectangle log;
    if (parent->type == NB_NODE_LIST && parent->ordered) {
      snprintf(mk, sizeof mk, "%d.", parent->counter);
      parent->counter++;
    } else {
      static const char *const bullets[] = {"\xe2\x80\xa2", "\xe2\x97\xa6",
                                            "\xe2\x96\xaa"};
      int d = parent->list_depth > 0 ? parent->list_depth - 1 : 0;
      snprintf(mk, sizeof mk, "%s", bullets[d % 3]);
    }
    ms.text_indent = 0;
    ms.text_align = NB_TA_LEFT;
    ms.bold = 0;
    ms.italic = 0;
    if (!(parent->type == NB_NODE_LIST && parent->ordered))
      /* CJK faces draw U+2022 as a small middle dot; DejaVu's is a bullet */
      if (snprintf(ms.font_family, sizeof ms.font_family, "DejaVu Sans,%s",
                   fr->style.font_family) >= (int)sizeof ms.font_family)
        snprintf(ms.font_family, sizeof ms.font_family, "DejaVu Sans");
    nb_buf_puts(&t, mk);
    f->marker = nb_flow_text(f, &ms, &t, NULL, NULL, 0, 200, 0);
    nb_buf_free(&t);
    if (f->marker) {
      pango_layout_get_extents(f->marker->layout, NULL, &log);
      f->marker_x = fr->left - log.width / (double)PANGO_SCALE -
                    fr->style.font_size * 0.5;
      if (f->marker_x < 0)
        f->marker_x = 0;
    }
    nb_flow_tag(f, "LI", NULL, 0);
  } else {
    double ml = fr->style.margin[NB_LEFT], mr = fr->style.margin[NB_RIGHT];
    double bw = fr->style.border_width[NB_LEFT];
    double pl = fr->style.padding[NB_LEFT];
    if (ml + bw + pl > width * 0.3)
      ml = bw = 0;
    if (fr->left + fr->right + ml + bw + pl > w->f->pdf->text_w * 0.34) {
      ml = bw = pl = mr = 0;
      fr->style.padding[NB_RIGHT] = 0;
    }
    if (fr->style.border_style[NB_LEFT] && bw > 0 &&
        fr->ndecos < NB_MAX_DECOS) {
      fr->decos[fr->ndecos].x = fr->left + ml;
      fr->decos[fr->ndecos].w = bw;
      fr->decos[fr->ndecos].rgb = fr->style.border_color[NB_LEFT];
      fr->decos[fr->ndecos].bar = 1;
      fr->ndecos++;
    }
    fr->left += ml + bw + pl;
    if (mr + fr->style.padding[NB_RIGHT] < width * 0.2)
      fr->right += mr + fr->style.padding[NB_RIGHT];
    nb_flow_tag(f, "BlockQuote", NULL, 0);
  }
}

static void S_pop(walker *w, nb_node *node) {
  nb_flow *f = w->f;
  frame *fr;
  nb_node_type ty = nb_node_get_type(node);
  if (w->ignored > 0) {
    w->ignored--;
    return;
  }
  if (w->nframes <= 1)
    return;
  fr = S_top(w);
  if (ty == NB_NODE_ITEM && f->marker) {
    /* an item with nothing in it still shows its marker */
    nb_item it;
    memset(&it, 0, sizeof it);
    it.kind = IT_LINE;
    it.para = f->marker;
    it.h = fr->style.font_size * fr->style.line_height;
    it.base = it.h * 0.75;
    it.x = f->marker_x;
    it.nlines = 1;
    f->marker = NULL;
    nb_flow_add(f, &it);
  }
  nb_flow_tag(f,
              ty == NB_NODE_LIST   ? "L"
              : ty == NB_NODE_ITEM ? "LI"
                                   : "BlockQuote",
              NULL, 1);
  if (f->pending_space < fr->style.margin[NB_BOTTOM])
    f->pending_space = fr->style.margin[NB_BOTTOM];
  w->nframes--;
}

void nb_layout_doc(nb_flow *f, nb_doc *doc) {
  walker w;
  nb_iter *it;
  nb_event ev;
  memset(&w, 0, sizeof w);
  w.f = f;
  w.doc = doc;
  w.frames = nb_calloc(MAX_FRAMES + 1, sizeof *w.frames);
  it = nb_iter_new(nb_doc_root(doc));
  if (!w.frames || !it) {
    free(w.frames);
    nb_iter_free(it);
    f->failed = 1;
    return;
  }
  w.frames[0].type = NB_NODE_DOCUMENT;
  w.frames[0].css.name = "body";
  w.frames[0].style = f->pdf->body;
  w.nframes = 1;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE && !f->failed) {
    nb_node *n = nb_iter_node(it);
    nb_node_type ty = nb_node_get_type(n);
    if (ev == NB_EVENT_ENTER) {
      switch (ty) {
      case NB_NODE_DOCUMENT: break;
      case NB_NODE_PARAGRAPH:
      case NB_NODE_HEADING:
      case NB_NODE_CAPTION:
        S_paragraph(&w, n);
        nb_iter_reset(it, n, NB_EVENT_EXIT);
        break;
      case NB_NODE_LIST:
      case NB_NODE_ITEM:
      case NB_NODE_BLOCKQUOTE: S_push(&w, n); break;
      case NB_NODE_CODE_BLOCK:
        if (f->pdf->vertical)
          S_code_upright(&w, n);
        else
          S_code_block(&w, n);
        break;
      case NB_NODE_RULE: S_rule(&w); break;
      case NB_NODE_FIGURE:
        S_figure(&w, n);
        nb_iter_reset(it, n, NB_EVENT_EXIT);
        break;
      case NB_NODE_TABLE: {
        frame *t = S_top(&w);
        if (f->pdf->vertical)
          S_table_upright(&w, n);
        else
          nb_layout_table(f, n, t->left, S_block_width(&w), &t->style, t->decos,
                          t->ndecos);
        nb_iter_reset(it, n, NB_EVENT_EXIT);
        break;
      }
      case NB_NODE_IMAGE: {
        frame *t = S_top(&w);
        nb_flow_image(f, nb_node_get_resource(n), nb_node_get_url(n),
                      nb_node_get_alt(n), t->left, S_block_width(&w), t->decos,
                      t->ndecos, 0);
        break;
      }
      default:
        if (nb_node_type_is_inline(ty) || ty == NB_NODE_TABLE_ROW ||
            ty == NB_NODE_TABLE_CELL) {
          /* stray content where blocks belong: print it as a paragraph */
          S_paragraph(&w, n);
          if (!nb_node_type_is_leaf(ty))
            nb_iter_reset(it, n, NB_EVENT_EXIT);
        }
        break;
      }
    } else if (ev == NB_EVENT_EXIT &&
               (ty == NB_NODE_LIST || ty == NB_NODE_ITEM ||
                ty == NB_NODE_BLOCKQUOTE)) {
      S_pop(&w, n);
    }
  }
  nb_iter_free(it);
  free(w.frames);
}

/* ## Gathering a subtree's text (table cells) */

void nb_flow_gather(nb_flow *f, nb_node *node, nb_buf *text,
                    PangoAttrList **attrs) {
  nb_pdf *pdf = f->pdf;
  nb_iter *it = nb_iter_new(node);
  nb_event ev;
  inl in;
  memset(&in, 0, sizeof in);
  S_inl_reset(&in);
  while (it && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type ty = nb_node_get_type(n);
    if (ev == NB_EVENT_ENTER) {
      if (ty == NB_NODE_TEXT || ty == NB_NODE_CODE_BLOCK) {
        S_inl_text(&in, nb_node_get_literal(n), nb_node_get_literal_len(n));
      } else if (ty == NB_NODE_CODE) {
        S_code_span(pdf, &in, nb_node_get_literal(n),
                    nb_node_get_literal_len(n));
      } else if (ty == NB_NODE_LINEBREAK) {
        nb_buf_puts(&in.text, "\xe2\x80\xa8");
      } else if (ty == NB_NODE_IMAGE) {
        const char *alt = nb_node_get_alt(n);
        if (alt && *alt) {
          nb_buf_puts(&in.text, "[");
          S_inl_text(&in, alt, strlen(alt));
          nb_buf_puts(&in.text, "]");
        }
      } else if (nb_node_type_is_block(ty) && n != node && in.text.len > 0) {
        nb_buf_puts(&in.text, "\xe2\x80\xa8");
      } else if (!nb_node_type_is_leaf(ty) && nb_node_type_is_inline(ty)) {
        if (in.depth == in.cap) {
          size_t cap = in.cap ? in.cap * 2 : 16;
          open_span *ns = nb_reallocarray(in.stack, cap, sizeof *ns);
          if (!ns)
            continue;
          in.stack = ns;
          in.cap = cap;
        }
        in.stack[in.depth].node = n;
        in.stack[in.depth].start = in.text.len;
        in.depth++;
      }
    } else if (ev == NB_EVENT_EXIT && in.depth > 0 &&
               in.stack[in.depth - 1].node == n) {
      in.depth--;
      if (nb_node_get_type(n) != NB_NODE_LINK)
        S_close_span(pdf, &in, n, in.stack[in.depth].start);
    }
  }
  nb_iter_free(it);
  free(in.stack);
  while (in.text.len >= 3 &&
         memcmp(in.text.data + in.text.len - 3, "\xe2\x80\xa8", 3) == 0) {
    in.text.len -= 3;
    in.text.data[in.text.len] = '\0';
  }
  while (in.text.len && in.text.data[in.text.len - 1] == ' ')
    in.text.data[--in.text.len] = '\0';
  *text = in.text;
  *attrs = in.attrs;
}
