/* The PDF's front matter: an article's title block, a book's title page
 * and its printed table of contents (declared in layout.h). Moved out of
 * pdf.c, which keeps the writer: opening, laying out, numbering, drawing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/words.h"
#include "style/css.h"
#include "util/util.h"
#include "write/pdf/layout.h"
#include "write/pdf/pdf.h"

/* ## Article title block */

static void S_line_of(nb_flow *f, const nb_css_node *chain, size_t n,
                      const char *text, const char *link) {
  nb_style st;
  nb_buf b = NB_BUF_INIT;
  nb_para *p;
  nb_link *lk = NULL;
  size_t nl = 0;
  nb_pdf_style(f->pdf, chain, n, NULL, &st);
  nb_buf_puts(&b, text);
  if (link && (lk = nb_calloc(1, sizeof *lk)) != NULL) {
    lk->start = 0;
    lk->end = (int)b.len;
    lk->uri = nb_strdup(link);
    nl = lk->uri ? 1 : 0;
  }
  nb_flow_space(f, st.margin[NB_TOP]);
  nb_flow_tag(f, "P", NULL, 0);
  p = nb_flow_text(f, &st, &b, NULL, lk, nl, f->pdf->text_w, 1);
  if (p && link)
    p->color = f->pdf->link_color;
  nb_flow_lines(f, p, &st, 0, f->pdf->text_w, NULL, 0, 1);
  nb_flow_tag(f, "P", NULL, 1);
  f->pending_space = st.margin[NB_BOTTOM];
  nb_buf_free(&b);
}

static void S_format_date(const nb_doc *doc, char *out, size_t size) {
  nb_date d = nb_doc_get_date(doc);
  const char *raw = nb_doc_get_meta(doc, "date");
  out[0] = '\0';
  if (d.valid) {
    time_t t = (time_t)(d.utc + (int64_t)d.tz_minutes * 60);
    struct tm tm;
    if (gmtime_r(&t, &tm)) {
      if (!d.has_time)
        snprintf(out, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
      else if (d.tz_minutes == 0)
        snprintf(out, size, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
      else
        snprintf(out, size, "%04d-%02d-%02d %02d:%02d %c%02d:%02d",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, d.tz_minutes < 0 ? '-' : '+',
                 abs(d.tz_minutes) / 60, abs(d.tz_minutes) % 60);
      return;
    }
  }
  if (raw && *raw && strlen(raw) < size)
    snprintf(out, size, "%s", raw);
}

/* 1 when BCP 47 tags @p a and @p b name the same language (their first
 * subtags agree); a missing tag agrees with anything. */
static int S_same_lang(const char *a, const char *b) {
  size_t n = strcspn(a ? a : "", "-_"), m = strcspn(b ? b : "", "-_");
  if (!a || !b || !*a || !*b)
    return 1;
  return n == m && strncmp(a, b, n) == 0;
}

void nb_layout_title_block(nb_flow *f, nb_doc *doc, const char *dest) {
  nb_pdf *pdf = f->pdf;
  const char *title = nb_doc_get_meta(doc, "title");
  const char *source = nb_doc_get_meta(doc, "source");
  nb_css_node chain[3] = {
      {"body", NULL}, {"header", "article-head"}, {"h1", NULL}};
  nb_style head, h1;
  nb_item it;
  char date[96];
  nb_buf authors = NB_BUF_INIT;
  size_t i;
  nb_pdf_style(pdf, chain, 2, NULL, &head);
  nb_pdf_style(pdf, chain, 3, &head, &h1);
  memset(&it, 0, sizeof it);
  it.kind = IT_DEST;
  it.text = nb_strdup(dest);
  nb_flow_add(f, &it);
  memset(&it, 0, sizeof it);
  it.kind = IT_OUTLINE;
  it.level = 0;
  it.text = nb_strdup(title && *title ? title : "(untitled)");
  if (it.text) {
    char *p;
    for (p = it.text; *p; p++)
      if (*p == '\n' || *p == '\r' || *p == '\t')
        *p = ' ';
  }
  nb_flow_add(f, &it);
  nb_flow_tag(f, "Sect", NULL, 0);
  if (f->n > 0 && pdf->article_lang && *pdf->article_lang &&
      !S_same_lang(pdf->article_lang, pdf->book_lang))
    f->items[f->n - 1].lang = pdf->article_lang;
  if (title && *title) {
    nb_buf b = NB_BUF_INIT;
    nb_para *p;
    if (h1.text_align == NB_TA_JUSTIFY)
      h1.text_align = NB_TA_LEFT;
    h1.text_indent = 0;
    h1.heading = 1;
    nb_buf_puts(&b, title);
    for (i = 0; i < b.len; i++) {
      if (b.data[i] == '\n' || b.data[i] == '\r' || b.data[i] == '\t')
        b.data[i] = ' ';
      /* an ideographic space separates phrases of a title; a full em of
       * blank makes text extractors see two columns */
      if (i + 2 < b.len && memcmp(b.data + i, "\xe3\x80\x80", 3) == 0)
        memcpy(b.data + i, "\xc2\xa0 ", 3);
    }
    nb_flow_tag(f, pdf->heading_shift ? "H2" : "H1", NULL, 0);
    p = nb_flow_text(f, &h1, &b, NULL, NULL, 0, pdf->text_w, 1);
    nb_flow_lines(f, p, &h1, 0, pdf->text_w, NULL, 0, 1);
    nb_flow_tag(f, pdf->heading_shift ? "H2" : "H1", NULL, 1);
    f->pending_space = h1.margin[NB_BOTTOM];
    nb_buf_free(&b);
  }
  for (i = 0; i < nb_doc_author_count(doc); i++) {
    if (i)
      nb_buf_puts(&authors, ", ");
    nb_buf_puts(&authors, nb_doc_author(doc, i));
  }
  if (authors.len == 0 && nb_doc_get_meta(doc, "author"))
    nb_buf_puts(&authors, nb_doc_get_meta(doc, "author"));
  chain[2].name = "p";
  if (authors.len) {
    chain[2].cls = "byline";
    S_line_of(f, chain, 3, authors.data, NULL);
  }
  nb_buf_free(&authors);
  S_format_date(doc, date, sizeof date);
  if (date[0]) {
    chain[2].cls = "dateline";
    S_line_of(f, chain, 3, date, NULL);
  }
  if (source && *source) {
    chain[2].cls = "source";
    S_line_of(f, chain, 3, source,
              strncmp(source, "http://", 7) == 0 ||
                      strncmp(source, "https://", 8) == 0
                  ? source
                  : NULL);
  }
  /* the header's padding and bottom border */
  nb_flow_space(f, head.padding[NB_BOTTOM]);
  f->pending_space = 0;
  if (head.border_style[NB_BOTTOM] && head.border_width[NB_BOTTOM] > 0) {
    memset(&it, 0, sizeof it);
    it.kind = IT_RULE;
    it.w = pdf->text_w;
    it.rule_w = head.border_width[NB_BOTTOM];
    it.rgb = head.border_color[NB_BOTTOM];
    it.h = it.rule_w;
    it.keep_next = 1;
    nb_flow_add(f, &it);
  }
  f->pending_space = head.margin[NB_BOTTOM];
}

/* ## Front matter of a book */

static void S_big_line(nb_flow *f, const char *text, double size, int bold,
                       uint32_t color, const char *tag) {
  nb_style st = f->pdf->body;
  nb_buf b = NB_BUF_INIT;
  nb_para *p;
  if (!text || !*text)
    return;
  st.font_size = size;
  st.bold = bold;
  st.color = color;
  st.text_indent = 0;
  st.text_align = NB_TA_CENTER;
  st.line_height = 1.4;
  strcpy(st.font_family, "sans-serif");
  nb_buf_puts(&b, text);
  if (tag)
    nb_flow_tag(f, tag, NULL, 0);
  p = nb_flow_text(f, &st, &b, NULL, NULL, 0, f->pdf->text_w, 0);
  nb_flow_lines(f, p, &st, 0, f->pdf->text_w, NULL, 0, 0);
  if (tag)
    nb_flow_tag(f, tag, NULL, 1);
  nb_buf_free(&b);
}

static void S_spacer(nb_flow *f, double h) {
  nb_item it;
  memset(&it, 0, sizeof it);
  it.kind = IT_SPACE;
  it.h = h;
  it.keep_at_top = 1;
  nb_flow_add(f, &it);
}

void nb_layout_title_page(nb_flow *f, const nb_book *book) {
  const char *title = nb_book_get_meta(book, "title");
  const char *author = nb_book_get_meta(book, "author");
  const char *date = nb_book_get_meta(book, "date");
  char range[64] = "";
  size_t k, n = nb_book_doc_count(book);
  int64_t lo = 0, hi = 0;
  int have = 0;
  for (k = 0; k < n; k++) {
    nb_date d = nb_doc_get_date(nb_book_doc(book, k));
    if (!d.valid)
      continue;
    if (!have || d.utc < lo)
      lo = d.utc;
    if (!have || d.utc > hi)
      hi = d.utc;
    have = 1;
  }
  if (have) {
    time_t a = (time_t)lo, b = (time_t)hi;
    struct tm ta, tb;
    gmtime_r(&a, &ta);
    gmtime_r(&b, &tb);
    if (ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday)
      snprintf(range, sizeof range, "%04d-%02d-%02d", ta.tm_year + 1900,
               ta.tm_mon + 1, ta.tm_mday);
    else
      snprintf(range, sizeof range,
               "%04d-%02d-%02d \xe2\x80\x93 %04d-%02d-%02d", ta.tm_year + 1900,
               ta.tm_mon + 1, ta.tm_mday, tb.tm_year + 1900, tb.tm_mon + 1,
               tb.tm_mday);
  }
  S_spacer(f, f->pdf->text_h * 0.28);
  S_big_line(f, title, f->pdf->body.font_size * 2.4, 1, 0x1a1a1a, "H1");
  S_spacer(f, f->pdf->body.font_size * 2);
  S_big_line(f, author, f->pdf->body.font_size * 1.2, 0, 0x444444, "P");
  S_spacer(f, f->pdf->body.font_size * 0.8);
  S_big_line(f, range[0] ? range : date, f->pdf->body.font_size, 0, 0x666666,
             "P");
}

void nb_layout_toc(nb_flow *f, const nb_toc_entry *e, size_t n) {
  nb_pdf *pdf = f->pdf;
  nb_style st = pdf->body, hs = pdf->body, ns;
  size_t i;
  nb_buf b = NB_BUF_INIT;
  nb_para *p;
  hs.font_size *= 1.5;
  hs.bold = 1;
  hs.text_indent = 0;
  hs.text_align = NB_TA_LEFT;
  strcpy(hs.font_family, "sans-serif");
  nb_buf_puts(&b, nb_words_for(pdf->book_lang)->toc);
  nb_flow_tag(f, "TOC", NULL, 0);
  nb_flow_tag(f, "H1", NULL, 0);
  p = nb_flow_text(f, &hs, &b, NULL, NULL, 0, pdf->text_w, 0);
  nb_flow_lines(f, p, &hs, 0, pdf->text_w, NULL, 0, 1);
  nb_flow_tag(f, "H1", NULL, 1);
  nb_buf_free(&b);
  S_spacer(f, pdf->body.font_size);
  st.text_indent = 0;
  st.text_align = NB_TA_LEFT;
  st.line_height = 1.5;
  ns = st;
  ns.text_align = NB_TA_LEFT;
  for (i = 0; i < n; i++) {
    char num[24], dest[32];
    double indent = e[i].level ? pdf->body.font_size * 1.5 : 0;
    double numw = pdf->body.font_size * 3;
    nb_style es = st;
    nb_link *lk = NULL;
    size_t nl = 0;
    nb_buf t = NB_BUF_INIT, nt = NB_BUF_INIT;
    nb_para *tp, *np;
    if (e[i].level == 0) {
      es.bold = 1;
      strcpy(es.font_family, "sans-serif");
      nb_flow_space(f, pdf->body.font_size * 0.6);
    }
    nb_buf_puts(&t, e[i].title && *e[i].title ? e[i].title : "(untitled)");
    for (nl = 0; nl < t.len; nl++) {
      if (t.data[nl] == '\n' || t.data[nl] == '\r' || t.data[nl] == '\t')
        t.data[nl] = ' ';
      /* as in the title block: an ideographic space between a title's
       * phrases is a full em of blank that reads as two columns */
      if (nl + 2 < t.len && memcmp(t.data + nl, "\xe3\x80\x80", 3) == 0)
        memcpy(t.data + nl, "\xc2\xa0 ", 3);
    }
    nl = 0;
    if (e[i].doc >= 0 && (lk = nb_calloc(1, sizeof *lk)) != NULL) {
      snprintf(dest, sizeof dest, "#art-%d", e[i].doc);
      lk->start = 0;
      lk->end = (int)t.len;
      lk->uri = nb_strdup(dest);
      nl = lk->uri ? 1 : 0;
    }
    nb_flow_tag(f, "TOCI", NULL, 0);
    tp = nb_flow_text(f, &es, &t, NULL, lk, nl, pdf->text_w - indent - numw, 0);
    snprintf(num, sizeof num, "%d", e[i].page);
    nb_buf_puts(&nt, num);
    np = e[i].page > 0 ? nb_flow_text(f, &ns, &nt, NULL, NULL, 0, numw, 0)
                       : NULL;
    if (np) {
      PangoRectangle log;
      pango_layout_get_extents(np->layout, NULL, &log);
      f->marker = np;
      f->marker_x = pdf->text_w - log.width / (double)PANGO_SCALE;
    }
    {
      size_t first = f->n;
      nb_flow_lines(f, tp, &es, indent, pdf->text_w - indent - numw, NULL, 0,
                    e[i].level == 0);
      /* the page number goes with the entry's last line */
      if (f->n > first + 1 && f->items[first].marker) {
        f->items[f->n - 1].marker = f->items[first].marker;
        f->items[f->n - 1].marker_x = f->items[first].marker_x;
        f->items[first].marker = NULL;
      }
    }
    f->marker = NULL;
    nb_flow_tag(f, "TOCI", NULL, 1);
    nb_buf_free(&t);
    nb_buf_free(&nt);
  }
  nb_flow_tag(f, "TOC", NULL, 1);
}
