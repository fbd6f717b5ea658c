/* The flow: items and the paragraphs they point into (see layout.h), text
 * blocks laid out with Pango (kinsoku, justification, missing glyphs) and
 * image items. Block structure is layout.c's business. */
#include "write/pdf/layout.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/words.h"
#include "write/pdf/justify.h"
#include "write/pdf/linebreak.h"
#include "write/pdf/vertical.h"

/* ## Flow basics */

void nb_flow_init(nb_flow *f, nb_pdf *pdf) {
  memset(f, 0, sizeof *f);
  f->pdf = pdf;
}

static void S_para_free(nb_para *p) {
  size_t i;
  if (!p)
    return;
  if (p->layout)
    g_object_unref(p->layout);
  for (i = 0; i < p->nlinks; i++)
    free(p->links[i].uri);
  free(p->links);
  free(p);
}

void nb_flow_free(nb_flow *f) {
  size_t i;
  for (i = 0; i < f->nsubs; i++) {
    nb_flow_free(f->subs[i]);
    free(f->subs[i]);
  }
  free(f->subs);
  for (i = 0; i < f->n; i++)
    free(f->items[i].text);
  free(f->items);
  for (i = 0; i < f->np; i++)
    S_para_free(f->paras[i]);
  free(f->paras);
  for (i = 0; i < f->nr; i++) {
    free(f->rows[i]->cells);
    free(f->rows[i]);
  }
  free(f->rows);
  for (i = 0; i < f->ndecos; i++)
    free(f->decos[i]);
  free(f->decos);
  nb_flow_pages_free(f->pages);
  memset(f, 0, sizeof *f);
}

/* Shrinks array @p arr of @p cap elements to its @p n used ones; on
 * failure it stays as it is. */
#define S_FIT(arr, n, cap)                                                     \
  do {                                                                         \
    if ((cap) > (n) && (n) > 0) {                                              \
      void *p_ = nb_reallocarray((arr), (n), sizeof *(arr));                   \
      if (p_) {                                                                \
        (arr) = p_;                                                            \
        (cap) = (n);                                                           \
      }                                                                        \
    }                                                                          \
  } while (0)

void nb_flow_trim(nb_flow *f) {
  size_t i;
  S_FIT(f->items, f->n, f->cap);
  S_FIT(f->paras, f->np, f->capp);
  S_FIT(f->rows, f->nr, f->capr);
  S_FIT(f->subs, f->nsubs, f->capsubs);
  S_FIT(f->decos, f->ndecos, f->capdecos);
  for (i = 0; i < f->nsubs; i++)
    nb_flow_trim(f->subs[i]);
}

size_t nb_flow_bytes(const nb_flow *f) {
  size_t i, b = sizeof *f + f->cap * sizeof *f->items +
                f->capp * sizeof *f->paras + f->capr * sizeof *f->rows;
  for (i = 0; i < f->np; i++)
    if (f->paras[i] && f->paras[i]->layout)
      b += 96 * (size_t)pango_layout_get_character_count(f->paras[i]->layout);
  for (i = 0; i < f->nsubs; i++)
    b += nb_flow_bytes(f->subs[i]);
  return b;
}

nb_item *nb_flow_add(nb_flow *f, const nb_item *it) {
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 256;
    nb_item *n = nb_reallocarray(f->items, cap, sizeof *n);
    if (!n) {
      f->failed = 1;
      return NULL;
    }
    f->items = n;
    f->cap = cap;
  }
  f->items[f->n] = *it;
  return &f->items[f->n++];
}

void nb_item_decos(nb_flow *f, nb_item *it, const nb_deco *decos, int ndecos) {
  nb_deco *d;
  size_t bytes = sizeof *decos * (size_t)(ndecos > 0 ? ndecos : 0);
  it->decos = NULL;
  it->ndecos = 0;
  if (bytes == 0)
    return;
  if (f->ndecos > 0 && f->last_ndecos == ndecos &&
      memcmp(f->decos[f->ndecos - 1], decos, bytes) == 0) {
    it->decos = f->decos[f->ndecos - 1];
    it->ndecos = ndecos;
    return;
  }
  if (f->ndecos == f->capdecos) {
    size_t cap = f->capdecos ? f->capdecos * 2 : 8;
    nb_deco **n = nb_reallocarray(f->decos, cap, sizeof *n);
    if (!n) {
      f->failed = 1;
      return;
    }
    f->decos = n;
    f->capdecos = cap;
  }
  if (!(d = nb_reallocarray(NULL, (size_t)ndecos, sizeof *d))) {
    f->failed = 1;
    return;
  }
  memcpy(d, decos, bytes);
  f->decos[f->ndecos++] = d;
  f->last_ndecos = ndecos;
  it->decos = d;
  it->ndecos = ndecos;
}

nb_flow *nb_flow_sub(nb_flow *f) {
  nb_flow *sub;
  if (f->nsubs == f->capsubs) {
    size_t cap = f->capsubs ? f->capsubs * 2 : 8;
    nb_flow **n = nb_reallocarray(f->subs, cap, sizeof *n);
    if (!n) {
      f->failed = 1;
      return NULL;
    }
    f->subs = n;
    f->capsubs = cap;
  }
  if (!(sub = nb_calloc(1, sizeof *sub))) {
    f->failed = 1;
    return NULL;
  }
  nb_flow_init(sub, f->pdf);
  f->subs[f->nsubs++] = sub;
  return sub;
}

static int S_keep_para(nb_flow *f, nb_para *p) {
  if (f->np == f->capp) {
    size_t cap = f->capp ? f->capp * 2 : 64;
    nb_para **n = nb_reallocarray(f->paras, cap, sizeof *n);
    if (!n) {
      f->failed = 1;
      return 0;
    }
    f->paras = n;
    f->capp = cap;
  }
  f->paras[f->np++] = p;
  return 1;
}

void nb_flow_space(nb_flow *f, double top) {
  double s = f->pending_space > top ? f->pending_space : top;
  f->pending_space = 0;
  if (s > 0.01) {
    nb_item it;
    memset(&it, 0, sizeof it);
    it.kind = IT_SPACE;
    it.h = s;
    it.break_ok = 1;
    nb_flow_add(f, &it);
  }
}

void nb_flow_tag(nb_flow *f, const char *tag, const char *alt, int end) {
  nb_item it;
  memset(&it, 0, sizeof it);
  it.kind = end ? IT_ENDTAG : IT_TAG;
  it.tag = tag;
  it.text = alt ? nb_strdup(alt) : NULL;
  nb_flow_add(f, &it);
}

void nb_flow_take_marker(nb_flow *f, nb_item *it) {
  if (f->marker) {
    it->marker = f->marker;
    it->marker_x = f->marker_x;
    f->marker = NULL;
  }
}

const char *nb_pdf_cjk_variant(const char *lang) {
  char l[64];
  size_t i;
  if (!lang)
    return "SC";
  for (i = 0; lang[i] && i + 1 < sizeof l; i++)
    l[i] = (char)tolower((unsigned char)lang[i]);
  l[i] = '\0';
  if (strncmp(l, "ja", 2) == 0)
    return "JP";
  if (strncmp(l, "ko", 2) == 0)
    return "KR";
  if (strncmp(l, "zh", 2) != 0)
    return "SC";
  if (strstr(l, "-hk"))
    return "HK";
  if (strstr(l, "-hant") || strstr(l, "-tw") || strstr(l, "-mo"))
    return "TC";
  return "SC";
}

static int S_is_zh(const char *lang) {
  return lang && strncasecmp(lang, "zh", 2) == 0 &&
         (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

static int S_starts(const char *s, size_t n, const char *prefix) {
  size_t m = strlen(prefix);
  return n >= m && strncmp(s, prefix, m) == 0;
}

void nb_pdf_families(const char *families, const char *variant, char *out,
                     size_t size) {
  nb_buf b = NB_BUF_INIT;
  const char *p = families;
  if (!variant || strcmp(variant, "SC") == 0) {
    snprintf(out, size, "%s", families); /* the theme's own faces */
    return;
  }
  for (;;) {
    size_t n = strcspn(p, ","), lead = strspn(p, " ");
    const char *f = p + (lead < n ? lead : n);
    size_t fn = n - (size_t)(f - p);
    while (fn > 0 && f[fn - 1] == ' ')
      fn--;
    nb_buf_append(&b, p, (size_t)(f - p));
    if (fn > 3 && strncmp(f + fn - 3, " SC", 3) == 0 &&
        (S_starts(f, fn, "Noto ") || S_starts(f, fn, "Source Han "))) {
      nb_buf_append(&b, f, fn - 2);
      nb_buf_puts(&b, variant);
    } else {
      nb_buf_append(&b, f, fn);
    }
    if (!p[n])
      break;
    nb_buf_putc(&b, ',');
    p += n + 1;
  }
  snprintf(out, size, "%s", b.data ? b.data : "");
  nb_buf_free(&b);
}

PangoFontDescription *nb_pdf_font(const nb_pdf *pdf, const nb_style *st) {
  PangoFontDescription *fd = pango_font_description_new();
  char fam[sizeof st->font_family];
  nb_pdf_families(st->font_family[0] ? st->font_family : "serif",
                  pdf->cjk_variant ? pdf->cjk_variant : "SC", fam, sizeof fam);
  pango_font_description_set_family(fd, fam);
  pango_font_description_set_absolute_size(fd, st->font_size * PANGO_SCALE);
  pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD
                                                 : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC
                                                  : PANGO_STYLE_NORMAL);
  return fd;
}

/* The sides of a vertical-rl box: block start (logical top) is the
 * physical right, inline start (logical left) the physical top. */
static void S_rotate_d(double v[4]) {
  double t = v[NB_TOP];
  v[NB_TOP] = v[NB_RIGHT];
  v[NB_RIGHT] = v[NB_BOTTOM];
  v[NB_BOTTOM] = v[NB_LEFT];
  v[NB_LEFT] = t;
}

void nb_pdf_style_logical(nb_style *st, int all) {
  S_rotate_d(st->margin);
  S_rotate_d(st->margin_pct);
  if (all) {
    nb_border_style bs = st->border_style[NB_TOP];
    uint32_t bc = st->border_color[NB_TOP];
    S_rotate_d(st->padding);
    S_rotate_d(st->border_width);
    st->border_style[NB_TOP] = st->border_style[NB_RIGHT];
    st->border_style[NB_RIGHT] = st->border_style[NB_BOTTOM];
    st->border_style[NB_BOTTOM] = st->border_style[NB_LEFT];
    st->border_style[NB_LEFT] = bs;
    st->border_color[NB_TOP] = st->border_color[NB_RIGHT];
    st->border_color[NB_RIGHT] = st->border_color[NB_BOTTOM];
    st->border_color[NB_BOTTOM] = st->border_color[NB_LEFT];
    st->border_color[NB_LEFT] = bc;
  }
}

void nb_pdf_style(nb_pdf *pdf, const nb_css_node *chain, size_t n,
                  const nb_style *parent, nb_style *out) {
  nb_css_compute(pdf->css, chain, n, parent ? parent : &pdf->body, out);
  if (pdf->vertical)
    nb_pdf_style_logical(out, !out->upright);
}

void nb_pdf_style_upright(nb_pdf *pdf, const nb_css_node *chain, size_t n,
                          const nb_style *parent, nb_style *out) {
  nb_css_compute(pdf->css, chain, n, parent ? parent : &pdf->body, out);
  out->upright = 1;
  if (pdf->vertical)
    nb_pdf_style_logical(out, 0);
}

/* ## Text blocks */

static void S_note_missing(nb_pdf *pdf, PangoLayout *layout) {
  GSList *l;
  if (pango_layout_get_unknown_glyphs_count(layout) == 0)
    return;
  for (l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    GSList *r;
    for (r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      int i;
      for (i = 0; i < run->glyphs->num_glyphs; i++) {
        PangoGlyph g = run->glyphs->glyphs[i].glyph;
        char enc[8];
        size_t n;
        uint32_t cp;
        if (!(g & PANGO_GLYPH_UNKNOWN_FLAG))
          continue;
        cp = g & ~PANGO_GLYPH_UNKNOWN_FLAG;
        if (cp < 0x20 || cp == 0x2028 || cp == 0x2029 || cp == 0x2060 ||
            cp == 0x200b || cp == 0xad || cp == 0xfeff)
          continue; /* invisible by design, not a missing glyph */
        n = nb_utf8_encode(cp, enc);
        enc[n] = '\0';
        if (pdf->missing.data && strstr(pdf->missing.data, enc))
          continue;
        if (pdf->nmissing < 40) {
          nb_buf_printf(&pdf->missing, "%s%s (U+%04X)",
                        pdf->nmissing ? ", " : "", enc, (unsigned)cp);
        }
        pdf->nmissing++;
      }
    }
  }
}

void nb_pdf_report_missing(nb_pdf *pdf) {
  if (pdf->nmissing)
    nb_diag_emit(pdf->diag, NB_SEV_WARNING, "font", pdf->article, 0, NULL,
                 "%zu character%s no installed font has, drawn as boxes: %s%s",
                 pdf->nmissing, pdf->nmissing == 1 ? "" : "s",
                 pdf->missing.data ? pdf->missing.data : "",
                 pdf->nmissing > 40 ? ", ..." : "");
  nb_buf_free(&pdf->missing);
  pdf->nmissing = 0;
}

/* Append at most @p max bytes of @p s, cut at a UTF-8 boundary, with an
 * ellipsis when cut. */
static void S_append_clipped(nb_buf *b, const char *s, size_t max) {
  size_t len = strlen(s);
  if (len <= max) {
    nb_buf_append(b, s, len);
    return;
  }
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  nb_buf_append(b, s, max);
  nb_buf_puts(b, "…");
}

static int S_has_cjk(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    i += nb_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (nb_is_cjk(cp))
      return 1;
  }
  return 0;
}

/* Kinsoku when the line breaker could not run (right-to-left text):
 * where Pango broke before a closing mark or after an opening one, glue
 * the two with a WORD JOINER and lay out again. */
static void S_kinsoku(PangoLayout *layout, nb_buf *text, PangoAttrList *attrs,
                      nb_link *links, size_t nlinks) {
  int tries;
  /* each fix lays the block out again: bound the work on huge blocks */
  for (tries = 0; tries < (text->len > 65536 ? 3 : 24); tries++) {
    int at = nb_kinsoku_find_violation(layout);
    size_t k;
    char *s;
    if (at < 0 || !nb_buf_reserve(text, 3))
      break;
    s = text->data;
    memmove(s + at + 3, s + at, text->len - (size_t)at + 1);
    memcpy(s + at, "\xe2\x81\xa0", 3);
    text->len += 3;
    pango_attr_list_update(attrs, at, 0, 3);
    for (k = 0; k < nlinks; k++) {
      if (links[k].start >= at)
        links[k].start += 3;
      if (links[k].end > at)
        links[k].end += 3;
    }
    pango_layout_set_text(layout, text->data, (int)text->len);
    pango_layout_set_attributes(layout, attrs);
  }
}

nb_para *nb_flow_text(nb_flow *f, const nb_style *st, nb_buf *text,
                      PangoAttrList *attrs, nb_link *links, size_t nlinks,
                      double width, int justify_ok) {
  nb_pdf *pdf = f->pdf;
  nb_para *p = nb_calloc(1, sizeof *p);
  PangoFontDescription *fd;
  GSList *l;
  int i, nlines, justify;
  nb_space_opts so;
  char latin[sizeof st->font_family];
  /* vertical writing, except what stays horizontal */
  PangoContext *ctx = pdf->vctx && !st->upright ? pdf->vctx : pdf->ctx;
  int vertical = ctx != pdf->ctx;
  if (!p || !S_keep_para(f, p)) {
    size_t k;
    for (k = 0; k < nlinks; k++)
      free(links[k].uri);
    free(links);
    free(p);
    if (attrs)
      pango_attr_list_unref(attrs);
    return NULL;
  }
  p->links = links;
  p->nlinks = nlinks;
  p->color = st->color;
  if (text->len && !nb_utf8_valid(text->data, text->len)) {
    /* readers repair their text, but a title or a feed field may slip
     * through: Pango and Cairo take valid UTF-8 only */
    size_t n = 0, rep = 0;
    char *r = nb_utf8_repair(text->data, text->len, &n, &rep);
    text->len = 0;
    if (r)
      nb_buf_append(text, r, n);
    free(r);
  }
  if (!attrs)
    attrs = pango_attr_list_new();
  p->layout = pango_layout_new(ctx);
  fd = nb_pdf_font(pdf, st);
  pango_layout_set_font_description(p->layout, fd);
  if (vertical && !st->pre && text->len)
    nb_tcy_mark(pdf->ctx, fd, st->font_size, text->data, text->len, attrs);
  pango_font_description_free(fd);
  if (width < 10)
    width = 10;
  pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
  if (!st->pre && st->text_indent > 0 && st->text_indent < width / 2)
    pango_layout_set_indent(p->layout, (int)(st->text_indent * PANGO_SCALE));
  if (st->text_align == NB_TA_CENTER)
    pango_layout_set_alignment(p->layout, PANGO_ALIGN_CENTER);
  else if (st->text_align == NB_TA_RIGHT)
    pango_layout_set_alignment(p->layout, PANGO_ALIGN_RIGHT);
  nb_latin_families(st->font_family, latin, sizeof latin);
  if (!latin[0])
    snprintf(latin, sizeof latin, "DejaVu Serif");
  if (!st->pre) {
    /* Adjacent marks are not closed up in vertical lines: text extractors
     * give every glyph of a vertical font a full em down its column, and
     * a half-width mark's em would overlap its neighbour's. */
    if (!vertical)
      nb_punct_compress(text->data, text->len, attrs);
    nb_quotes_latin(text->data, text->len, attrs, latin);
    nb_digit_groups(text->data, text->len, attrs);
    nb_dash_glue(text->data, text->len, attrs);
  }
  pango_layout_set_text(p->layout, text->data ? text->data : "",
                        (int)text->len);
  pango_layout_set_attributes(p->layout, attrs);
  justify = !st->pre && (st->text_align == NB_TA_JUSTIFY ||
                         (justify_ok && st->text_align == NB_TA_LEFT &&
                          S_has_cjk(text->data, text->len)));
  if (!st->pre) {
    nb_lb_opts o;
    memset(&o, 0, sizeof o);
    o.width = width;
    o.indent = pango_layout_get_indent(p->layout) / (double)PANGO_SCALE;
    o.em = st->font_size;
    o.autospace = st->cjk_latin_space;
    o.justify = justify && !st->heading;
    o.compress_edges = !vertical && (!pdf->cjk_variant ||
                                     strcmp(pdf->cjk_variant, "SC") == 0 ||
                                     strcmp(pdf->cjk_variant, "JP") == 0);
    o.hyph = st->hyphens && o.justify ? pdf->hyph : NULL;
    o.latin_family = latin;
    if (nb_linebreak(p->layout, text, attrs, links, nlinks, &o) != 0)
      S_kinsoku(p->layout, text, attrs, links, nlinks);
  }
  if (vertical && !st->pre &&
      S_is_zh(pdf->article_lang ? pdf->article_lang : pdf->book_lang)) {
    /* Chinese set vertically quotes with corner brackets (GB/T 15834),
     * drawn in their vertical forms; the text read from the page keeps
     * the source's marks. Same widths: the lines do not change. */
    const char *t = pango_layout_get_text(p->layout);
    char *shown = nb_quotes_vertical(t, strlen(t));
    if (shown)
      nb_vertical_set_shown(p->layout, shown);
  }
  pango_attr_list_unref(attrs);
  S_note_missing(pdf, p->layout);
  if (st->pre)
    return p;
  so.em = st->font_size;
  so.autospace = st->cjk_latin_space;
  nlines = pango_layout_get_line_count(p->layout);
  for (i = 0, l = pango_layout_get_lines_readonly(p->layout); l;
       l = l->next, i++) {
    PangoLayoutLine *line = l->data;
    double avail = width, max_short;
    int fill = justify, last;
    if ((i == 0 || line->is_paragraph_start) &&
        pango_layout_get_indent(p->layout) > 0)
      avail -= pango_layout_get_indent(p->layout) / (double)PANGO_SCALE;
    last = nb_line_is_last(p->layout, i, nlines);
    /* A heading's line broken early before an unbreakable Latin run
     * ("…流星雨 / （ZHRex=200-300）") would be spread letter by letter
     * across the measure: headings are set ragged unless nearly full. */
    max_short = (st->heading ? 0.04 : 0.4) * avail;
    /* A paragraph's last line stays ragged, unless it falls short of the
     * measure by so little that it reads as a full line set loose: CJK
     * typesetting sets such a line flush. */
    if (fill && last) {
      if (line->length > 24 &&
          S_has_cjk(text->data + line->start_index, (size_t)line->length))
        max_short = 1.5 * st->font_size;
      else
        fill = 0;
    }
    nb_justify_line(line, avail, max_short, fill, &so);
  }
  return p;
}

void nb_flow_lines(nb_flow *f, nb_para *p, const nb_style *st, double x,
                   double width, const nb_deco *decos, int ndecos,
                   int keep_next) {
  int i, n;
  GSList *l;
  double indent;
  if (!p)
    return;
  n = pango_layout_get_line_count(p->layout);
  indent = pango_layout_get_indent(p->layout) / (double)PANGO_SCALE;
  f->para_seq++;
  for (i = 0, l = pango_layout_get_lines_readonly(p->layout); l;
       l = l->next, i++) {
    PangoLayoutLine *line = l->data;
    PangoRectangle log;
    nb_item it;
    double asc, desc, lh, box;
    memset(&it, 0, sizeof it);
    pango_layout_line_get_extents(line, NULL, &log);
    asc = -log.y / (double)PANGO_SCALE;
    desc = (log.height + log.y) / (double)PANGO_SCALE;
    if (asc + desc <= 0) {
      asc = st->font_size * 0.88;
      desc = st->font_size * 0.12;
    }
    lh = st->line_height * st->font_size;
    box = lh > asc + desc ? lh : asc + desc;
    it.kind = IT_LINE;
    it.h = box;
    it.base = (box - (asc + desc)) / 2 + asc;
    it.para = p;
    it.line_no = i;
    it.nlines = n;
    it.widows = st->widows;
    it.orphans = st->orphans;
    it.keep_next = keep_next;
    it.w = width;
    if (st->text_align == NB_TA_CENTER || st->text_align == NB_TA_RIGHT) {
      double ink = nb_line_ink_right(line);
      it.x = x +
             (st->text_align == NB_TA_CENTER ? (width - ink) / 2 : width - ink);
    } else {
      it.x =
          x + ((i == 0 || line->is_paragraph_start) && indent > 0 ? indent : 0);
    }
    nb_item_decos(f, &it, decos, ndecos);
    if (i == 0)
      nb_flow_take_marker(f, &it);
    nb_flow_add(f, &it);
  }
}

void nb_flow_image(nb_flow *f, const nb_resource *res, const char *url,
                   const char *alt, double x, double width,
                   const nb_deco *decos, int ndecos, int keep_next) {
  nb_pdf *pdf = f->pdf;
  nb_item it;
  int pw = 0, ph = 0;
  double w, h;
  memset(&it, 0, sizeof it);
  it.kind = IT_IMAGE;
  it.keep_next = keep_next;
  if (res && res->status == NB_RES_OK) {
    pw = res->width;
    ph = res->height;
    if ((pw <= 0 || ph <= 0) && res->data)
      nb_image_size(res->data, res->size, &pw, &ph);
  }
  if (res && res->status == NB_RES_OK && pw > 0 && ph > 0 && res->media_type &&
      strcmp(res->media_type, "image/svg+xml") != 0) {
    it.res = res;
    if (pdf->vertical) {
      /* upright: as wide as the text block allows across the columns,
       * as tall as a column; logically, w along and h across them */
      double pwid = pw * 0.75, phei;
      if (pwid > pdf->text_h * 0.85)
        pwid = pdf->text_h * 0.85;
      phei = pwid * ph / pw;
      if (phei > width) {
        phei = width;
        pwid = phei * pw / ph;
      }
      w = phei;
      h = pwid;
    } else {
      w = pw * 0.75; /* CSS pixels */
      if (w > width)
        w = width;
      h = w * ph / pw;
      if (h > pdf->text_h * 0.85) {
        h = pdf->text_h * 0.85;
        w = h * pw / ph;
      }
    }
    if (w < 1)
      w = 1;
    if (h < 1)
      h = 1;
  } else {
    w = width;
    h = pdf->body.font_size * 3;
  }
  {
    /* the placeholder text, also used when a present image fails to draw */
    nb_style st = pdf->body;
    nb_buf t = NB_BUF_INIT;
    st.font_size *= 0.85;
    st.text_indent = 0;
    st.text_align = NB_TA_CENTER;
    st.color = 0x666666;
    /* "image unavailable: ALT" (or its URL) in the article's language,
     * as the EPUB says it: the box alone does not tell a missing picture
     * from a drawing of a box. An embed without an address (a video, a
     * frame) is named by its text alone, which says what it was. A
     * caption-sized note: alt text and URLs can be megabytes (data: URIs),
     * which would cost minutes of shaping for a line nobody reads. */
    {
      const char *word =
          nb_words_for(pdf->article_lang ? pdf->article_lang : pdf->book_lang)
              ->image_unavailable;
      int has_alt = alt && *alt;
      if (has_alt && !res && !(url && *url)) {
        S_append_clipped(&t, alt, 400);
      } else {
        nb_buf_puts(&t, word);
        if (has_alt || (!it.res && url && *url)) {
          nb_buf_puts(&t,
                      (unsigned char)word[0] < 0x80 ? ": " : "\xef\xbc\x9a");
          S_append_clipped(&t, has_alt ? alt : url, has_alt ? 400 : 160);
        }
      }
    }
    it.alt =
        nb_flow_text(f, &st, &t, NULL, NULL, 0, (it.res ? w : width) - 12, 0);
    nb_buf_free(&t);
    if (!it.res && it.alt) {
      PangoRectangle log;
      pango_layout_get_extents(it.alt->layout, NULL, &log);
      h = log.height / (double)PANGO_SCALE + 16;
    }
  }
  it.x = x + (width - w) / 2;
  it.w = w;
  it.h = h;
  it.text = alt ? nb_strdup(alt) : NULL;
  nb_item_decos(f, &it, decos, ndecos);
  nb_flow_take_marker(f, &it);
  nb_flow_space(f, pdf->body.font_size * 0.4);
  /* an image without a text alternative is decoration: an artifact */
  nb_flow_tag(f, alt && *alt ? "Figure" : "Artifact", alt, 0);
  nb_flow_add(f, &it);
  nb_flow_tag(f, alt && *alt ? "Figure" : "Artifact", NULL, 1);
  f->pending_space = pdf->body.font_size * 0.4;
}
