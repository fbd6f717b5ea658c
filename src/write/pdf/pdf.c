/* nb_write_pdf: a book to a paginated PDF, laid out with Pango and drawn
 * with Cairo (no HTML engine, no TeX).
 *
 * One article is its title block and body. A book of several articles gets
 * a cover (when there is one), a title page and a printed table of
 * contents; since each article starts on a new page its page count does
 * not depend on the others, so each article is laid out and paginated
 * first, the contents are drawn with every number known, and then the
 * articles, from the layouts kept meanwhile: every article is laid out
 * once (past NB_PDF_HOLD_BYTES of held layouts, a book of thousands of
 * articles lays the rest out again rather than exhaust memory). Output goes
 * to a temporary file renamed into place; identical inputs give identical
 * bytes (dates come from SOURCE_DATE_EPOCH or the book, never the clock). */
#include "write/pdf/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "style/css.h"
#include "util/util.h"
#include "write/pdf/justify.h"
#include "write/pdf/layout.h"
#include "write/pdf/linebreak.h"

#define MAX_CSS_BYTES (1u << 20)

int nb_pdf_page_setup(const nb_write_options *opts, const nb_css *css,
                      double *w, double *h, double margin[4], nb_error *err) {
  nb_css_page page;
  int i;
  nb_css_get_page(css, &page);
  *w = 595.2756, *h = 841.8898; /* A4 */
  if (page.width > 0 && page.height > 0)
    *w = page.width, *h = page.height;
  if (opts && opts->page_size && *opts->page_size &&
      !nb_css_page_size(opts->page_size, w, h))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "unknown page size '%s': use A4, A5, B5, Letter or "
                        "WxHmm (e.g. 150x220mm)",
                        opts->page_size);
  for (i = 0; i < 4; i++)
    margin[i] = 20 * 72 / 25.4;
  if (page.has_margin)
    memcpy(margin, page.margin, sizeof page.margin);
  if (opts && opts->margin && *opts->margin &&
      !nb_css_margins(opts->margin, 12, margin))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "bad margin '%s': give 1 to 4 lengths such as "
                        "'20mm' or '20mm 15mm'",
                        opts->margin);
  for (i = 0; i < 4; i++)
    if (margin[i] < 0)
      margin[i] = 0;
  if (*w - margin[NB_LEFT] - margin[NB_RIGHT] < 72 ||
      *h - margin[NB_TOP] - margin[NB_BOTTOM] < 72)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "margins leave less than an inch for the text: "
                        "use smaller margins or a larger page");
  return 0;
}

/* What a vertical book adds to the theme when styles/vertical.css (which
 * the EPUB writer ships with such a book) cannot be read: the margins of
 * the vertical flow. */
static const char S_builtin_vertical[] =
    "html { writing-mode: vertical-rl; }\n"
    "p { margin: 0; }\n"
    "h1, h2, h3, h4, h5, h6 { margin: 0 0.6em 0 0.6em; }\n"
    "header.article-head { margin: 0 0 0 1.2em; padding: 0 0 0 0.6em; "
    "border-bottom: none; border-left: 1px solid #999999; }\n"
    "header.article-head h1, header.article-head h2 { margin: 0 0 0 0.4em; }\n"
    "blockquote { margin: 0 0.8em; padding: 0.8em 0 0 0; border-left: none; "
    "border-top: 3px solid #cccccc; }\n"
    "ul, ol { margin: 0 0.5em; padding: 2em 0 0 0; }\n"
    "li { margin: 0 0.2em; }\n"
    "hr { border-top: none; border-left: 1px solid #bbbbbb; "
    "margin: 20% 1.2em; }\n"
    "pre, table { writing-mode: horizontal-tb; margin: 0 0.8em; }\n"
    "figure { margin: 0 0.8em; }\n";

/* 1 when the theme sets a vertical writing mode on the root (html, body
 * or :root), as the EPUB writer reads it. */
static int S_theme_vertical(const nb_css *css) {
  nb_css_node chain[2] = {{"html", NULL}, {"body", NULL}};
  nb_style html, body;
  nb_css_compute(css, chain, 1, NULL, &html);
  nb_css_compute(css, chain, 2, &html, &body);
  return html.vertical || body.vertical;
}

/* Appends styles/vertical.css (or the built-in rules) to @p b. */
static void S_append_vertical(nb_buf *b) {
  static const char *const files[] = {
#ifdef NB_SRCDIR
      NB_SRCDIR "/styles/vertical.css",
#endif
#ifdef NB_DATADIR
      NB_DATADIR "/styles/vertical.css",
#endif
      NULL};
  size_t i;
  nb_buf_puts(b, "\n");
  for (i = 0; files[i]; i++) {
    char *data = NULL;
    size_t len = 0;
    if (nb_read_file(files[i], MAX_CSS_BYTES, &data, &len, NULL) == 0) {
      nb_buf_append(b, data, len);
      free(data);
      return;
    }
  }
  nb_buf_puts(b, S_builtin_vertical);
}

/* The theme. With @p vertical (may be NULL): 1 in it asks for vertical
 * writing, and it gets 1 when the theme asks; a vertical book's theme is
 * followed by the vertical rules the EPUB writer adds too. */
static nb_css *S_load_css(const nb_write_options *opts, const nb_diag *diag,
                          nb_error *err, int *rc, int *vertical) {
  static const char *const defaults[] = {
#ifdef NB_SRCDIR
      NB_SRCDIR "/styles/default.css",
#endif
#ifdef NB_DATADIR
      NB_DATADIR "/styles/default.css",
#endif
      NULL};
  char *data = NULL;
  size_t len = 0, i;
  nb_css *css;
  *rc = 0;
  if (opts && opts->style_path) {
    *rc = nb_read_file(opts->style_path, MAX_CSS_BYTES, &data, &len, err);
    if (*rc != 0)
      return NULL;
  } else {
    for (i = 0; defaults[i]; i++)
      if (nb_read_file(defaults[i], MAX_CSS_BYTES, &data, &len, NULL) == 0)
        break;
    if (!data)
      nb_diag_emit(diag, NB_SEV_WARNING, "style", NULL, 0, NULL,
                   "default theme styles/default.css not found; using "
                   "built-in defaults");
  }
  css = nb_css_parse(data, len);
  if (css && vertical && (*vertical || S_theme_vertical(css))) {
    nb_buf b = NB_BUF_INIT;
    *vertical = 1;
    if (data)
      nb_buf_append(&b, data, len);
    S_append_vertical(&b);
    if (!b.failed) {
      nb_css_free(css);
      css = nb_css_parse(b.data, b.len);
    }
    nb_buf_free(&b);
  }
  free(data);
  if (!css)
    *rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  return css;
}

/* ## The writer */

/* The hyphenation patterns for language @p lang, kept while articles
 * share it. */
static void S_hyphen_for(nb_pdf *pdf, const char *lang) {
  char key[sizeof pdf->hyph_lang];
  snprintf(key, sizeof key, "%s", lang && *lang ? lang : "-");
  if (strcmp(key, pdf->hyph_lang) == 0)
    return;
  pdf->hyph = nb_hyphen_load(lang);
  snprintf(pdf->hyph_lang, sizeof pdf->hyph_lang, "%s", key);
}

/* Articles laid out by this thread (see nb_pdf_article_layouts). */
static _Thread_local size_t S_article_layouts;

size_t nb_pdf_article_layouts(void) {
  return S_article_layouts;
}

/* Laid-out articles held from counting their pages to drawing them, up to
 * this many bytes (nb_flow_bytes): the 1,000 articles of bench/scale.sh
 * take some 140 MB, and are laid out once. A book several times that size
 * would hold gigabytes; past the limit, the rest of its articles are laid
 * out again when drawn, so that a book of any size fits in memory. */
#define NB_PDF_HOLD_BYTES ((size_t)320 << 20)
static _Thread_local size_t S_hold_limit;

void nb_pdf_set_hold_limit(size_t bytes) {
  S_hold_limit = bytes;
}

static void S_article_flow(nb_flow *f, nb_doc *doc, int k) {
  char dest[32];
  const char *origin = nb_doc_origin(doc);
  S_article_layouts++;
  f->pdf->article = origin ? origin : nb_doc_get_meta(doc, "title");
  {
    const char *l = nb_doc_get_meta(doc, "lang");
    f->pdf->cjk_article =
        l && (strncmp(l, "zh", 2) == 0 || strncmp(l, "ja", 2) == 0 ||
              strncmp(l, "ko", 2) == 0);
    f->pdf->cjk_variant = nb_pdf_cjk_variant(l);
    f->pdf->article_lang = l;
    S_hyphen_for(f->pdf, l);
  }
  snprintf(dest, sizeof dest, "art-%d", k);
  nb_layout_title_block(f, doc, dest);
  nb_layout_doc(f, doc);
  nb_flow_tag(f, "Sect", NULL, 1);
}

/* Tell the device every text block of @p f before anything is drawn, so
 * that it can subset its fonts to exactly the glyphs used. */
static void S_note_flow(nb_dev *dev, const nb_flow *f) {
  size_t i, k;
  for (i = 0; i < f->np; i++)
    if (f->paras[i] && f->paras[i]->layout)
      nb_dev_note_layout(dev, f->paras[i]->layout);
  for (k = 0; k < f->nsubs; k++)
    for (i = 0; i < f->subs[k]->np; i++)
      if (f->subs[k]->paras[i] && f->subs[k]->paras[i]->layout)
        nb_dev_note_layout(dev, f->subs[k]->paras[i]->layout);
}

/* Tell the device the images of @p f in the order they will be drawn,
 * just before drawing it, so that it can decode them ahead. */
static void S_note_images(nb_dev *dev, const nb_flow *f) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (f->items[i].kind == IT_IMAGE && f->items[i].res)
      nb_dev_note_image(dev, f->items[i].res);
}

static void S_meta(const nb_book *book, int vertical, nb_dev *dev) {
  nb_dev_meta m;
  nb_buf kw = NB_BUF_INIT;
  char date[64] = "";
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  size_t k, i, n = nb_book_doc_count(book);
  memset(&m, 0, sizeof m);
  m.title = nb_book_get_meta(book, "title");
  m.author = nb_book_get_meta(book, "author");
  m.subject = nb_book_get_meta(book, "subject");
  m.creator = "newsbook";
  m.vertical = vertical;
  m.lang = nb_book_get_meta(book, "lang");
  if ((!m.lang || !*m.lang) && n > 0)
    m.lang = nb_doc_get_meta(nb_book_doc(book, 0), "lang");
  for (k = 0; k < n && k < 200; k++) {
    nb_doc *d = nb_book_doc(book, k);
    for (i = 0; i < nb_doc_category_count(d); i++) {
      const char *c = nb_doc_category(d, i);
      char *hit;
      size_t cl = strlen(c);
      if (!cl)
        continue;
      hit = kw.data ? strstr(kw.data, c) : NULL;
      if (hit && (hit == kw.data || hit[-1] == ' ') &&
          (hit[cl] == ',' || hit[cl] == '\0'))
        continue;
      if (kw.len)
        nb_buf_puts(&kw, ", ");
      nb_buf_puts(&kw, c);
    }
  }
  if (kw.len && !kw.failed)
    m.keywords = kw.data;
  if (!m.subject && n == 1 && kw.len)
    m.subject = kw.data;
  {
    int64_t t = 0;
    int have = 0;
    if (sde && *sde) {
      char *end;
      long long v = strtoll(sde, &end, 10);
      if (*end == '\0' && v >= 0) {
        t = v;
        have = 1;
      }
    }
    if (!have && nb_book_get_meta(book, "date")) {
      nb_date d = nb_date_parse(nb_book_get_meta(book, "date"));
      if (d.valid) {
        t = d.utc;
        have = 1;
      }
    }
    if (have) {
      time_t tt = (time_t)t;
      struct tm tm;
      if (gmtime_r(&tt, &tm))
        snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02d",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
    }
  }
  /* cairo stamps the wall clock when no creation date is given; a book
   * without any date gets the epoch instead, so that its bytes stay a
   * function of its inputs */
  m.date = date[0] ? date : "1970-01-01T00:00:00";
  nb_dev_set_meta(dev, &m);
  nb_buf_free(&kw);
}

static void S_cover(nb_pdf *pdf, nb_dev *dev, const nb_resource *cover) {
  double pw = cover->width, ph = cover->height, w, h, x, y;
  nb_dev_begin_page(dev, pdf->page_w, pdf->page_h);
  nb_dev_page_label(dev, "cover");
  if (pw <= 0 || ph <= 0)
    pw = pdf->page_w, ph = pdf->page_h;
  w = pdf->page_w;
  h = w * ph / pw;
  if (h > pdf->page_h) {
    h = pdf->page_h;
    w = h * pw / ph;
  }
  x = (pdf->page_w - w) / 2;
  y = (pdf->page_h - h) / 2;
  nb_dev_begin_tag(dev, "Figure", "cover", NULL);
  nb_dev_draw_image(dev, cover, x, y, w, h, pdf->image_dpi);
  nb_dev_end_tag(dev, "Figure");
  nb_dev_end_page(dev);
}

/* Everything of @p pdf that outlives one flow: the theme, page geometry,
 * the body's styles, the font map and contexts. @p vertical: the book
 * asks for vertical writing (the theme may ask too). 0 or a negative
 * nb_code; S_pdf_close frees what was made either way. */
static int S_pdf_open(nb_pdf *pdf, const nb_write_options *opts,
                      const char *lang, int vertical, const nb_diag *diag,
                      nb_error *err) {
  nb_css_node chain[3] = {{"html", NULL}, {"body", NULL}, {"code", NULL}};
  nb_css_node a[2] = {{"body", NULL}, {"a", NULL}};
  nb_style html, as;
  int rc = 0;
  pdf->diag = diag;
  pdf->css = S_load_css(opts, diag, err, &rc, &vertical);
  if (rc)
    return rc;
  pdf->vertical = vertical;
  rc = nb_pdf_page_setup(opts, pdf->css, &pdf->page_w, &pdf->page_h,
                         pdf->margin, err);
  if (rc)
    return rc;
  pdf->duplex = opts ? opts->duplex : 0;
  pdf->image_dpi = opts && opts->image_dpi > 0 ? opts->image_dpi : 300;
  pdf->text_w = pdf->page_w - pdf->margin[NB_LEFT] - pdf->margin[NB_RIGHT];
  pdf->text_h = pdf->page_h - pdf->margin[NB_TOP] - pdf->margin[NB_BOTTOM];
  if (vertical) {
    /* columns as long as the text block is high, set across its width */
    double t = pdf->text_w;
    pdf->text_w = pdf->text_h;
    pdf->text_h = t;
  }
  nb_css_compute(pdf->css, chain, 1, NULL, &html);
  nb_css_compute(pdf->css, chain, 2, &html, &pdf->body);
  if (vertical)
    nb_pdf_style_logical(&pdf->body, 1);
  pdf->body.root_font_size = pdf->body.font_size;
  nb_css_compute(pdf->css, chain, 3, &pdf->body, &pdf->code_inline);
  nb_css_compute(pdf->css, a, 2, &pdf->body, &as);
  pdf->link_color = as.color;
  /* CJK emphasis: the theme's heading face (the sans) */
  a[1].name = "h2";
  nb_css_compute(pdf->css, a, 2, &pdf->body, &as);
  snprintf(pdf->cjk_emph_family, sizeof pdf->cjk_emph_family, "%s",
           as.font_family);
  pdf->fm = nb_pdf_font_map_new(diag);
  if (!pdf->fm)
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0,
                        "could not create a Pango font map");
  pdf->ctx = nb_pdf_context_new(pdf->fm, lang);
  if (vertical) {
    /* CJK upright in their vertical forms (HarfBuzz applies vert/vrt2),
     * Latin and other scripts without a vertical form sideways */
    pdf->vctx = nb_pdf_context_new(pdf->fm, lang);
    pango_context_set_base_gravity(pdf->vctx, PANGO_GRAVITY_EAST);
    pango_context_set_gravity_hint(pdf->vctx, PANGO_GRAVITY_HINT_NATURAL);
  }
  pdf->cjk_variant = nb_pdf_cjk_variant(lang);
  return 0;
}

static void S_pdf_close(nb_pdf *pdf) {
  nb_buf_free(&pdf->missing);
  if (pdf->header_layout)
    g_object_unref(pdf->header_layout);
  free(pdf->header_text);
  if (pdf->ctx)
    g_object_unref(pdf->ctx);
  if (pdf->vctx)
    g_object_unref(pdf->vctx);
  if (pdf->fm)
    g_object_unref(pdf->fm);
  nb_css_free(pdf->css);
}

/* The book's contents in reading order: section titles (level 0, when the
 * book has sections) and articles. @p toc has room for every entry;
 * page numbers are left 0. Returns the number of entries. */
static size_t S_book_contents(const nb_book *book, nb_toc_entry *toc) {
  size_t s, ntoc = 0, nsec = nb_book_section_count(book);
  int titled = nb_book_has_sections(book), art = 0;
  for (s = 0; s < nsec; s++) {
    size_t j, nd = nb_book_section_doc_count(book, s);
    if (titled && nb_book_section_title(book, s) && nd > 0) {
      toc[ntoc].title = nb_book_section_title(book, s);
      toc[ntoc].level = 0;
      toc[ntoc].doc = -1;
      ntoc++;
    }
    for (j = 0; j < nd; j++) {
      toc[ntoc].title =
          nb_doc_get_meta(nb_book_section_doc(book, s, j), "title");
      toc[ntoc].level = titled ? 1 : 0;
      toc[ntoc].doc = art++;
      ntoc++;
    }
  }
  return ntoc;
}

/* Article @p k, @p doc, laid out in a flow of its own (malloc'd), or
 * NULL when out of memory. */
static nb_flow *S_new_article_flow(nb_pdf *pdf, nb_doc *doc, int k) {
  nb_flow *f = nb_calloc(1, sizeof *f);
  if (f) {
    nb_flow_init(f, pdf);
    S_article_flow(f, doc, k);
  }
  return f;
}

/* Lays out every article and counts its pages (each starts on a new page,
 * so its count does not depend on the others); the device hears every text
 * block so that its fonts cover them. Each article's flow is kept in
 * @p kept (one slot per article) until it is drawn, while the held flows
 * stay within the hold limit; past it, a slot is left NULL. */
static int S_lay_out_articles(nb_pdf *pdf, nb_dev *dev, const nb_book *book,
                              int *counts, nb_flow **kept, nb_error *err) {
  size_t k, ndocs = nb_book_doc_count(book), held = 0;
  size_t limit = S_hold_limit ? S_hold_limit : NB_PDF_HOLD_BYTES;
  nb_page_ctx pc;
  memset(&pc, 0, sizeof pc);
  for (k = 0; k < ndocs; k++) {
    size_t bytes;
    nb_flow *f = kept[k] =
        S_new_article_flow(pdf, nb_book_doc(book, k), (int)k);
    if (!f)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    S_note_flow(dev, f);
    counts[k] = nb_flow_render(f, &pc);
    nb_flow_trim(f);
    nb_pdf_report_missing(pdf);
    if (f->failed || counts[k] < 0)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    bytes = nb_flow_bytes(f);
    if (held + bytes > limit) {
      nb_flow_free(f);
      free(f);
      kept[k] = NULL;
    } else {
      held += bytes;
    }
  }
  return 0;
}

/* Pages the title page and the contents take, counted with the contents'
 * page numbers still unknown. */
static int S_count_front_pages(nb_pdf *pdf, const nb_book *book,
                               const nb_toc_entry *toc, size_t ntoc) {
  nb_flow f;
  nb_page_ctx pc;
  int n;
  memset(&pc, 0, sizeof pc);
  nb_flow_init(&f, pdf);
  nb_layout_title_page(&f, book);
  n = nb_flow_render(&f, &pc);
  nb_flow_free(&f);
  nb_flow_init(&f, pdf);
  nb_layout_toc(&f, toc, ntoc);
  n += nb_flow_render(&f, &pc);
  nb_flow_free(&f);
  return n;
}

/* Each article's first page in the contents, the articles starting on
 * page @p first; a section takes its first article's page. */
static void S_number_contents(nb_toc_entry *toc, size_t ntoc, const int *counts,
                              int first) {
  int acc = first;
  size_t t;
  for (t = 0; t < ntoc; t++)
    if (toc[t].doc >= 0) {
      toc[t].page = acc;
      acc += counts[toc[t].doc];
    }
  for (t = 0; t < ntoc; t++)
    if (toc[t].doc < 0 && t + 1 < ntoc)
      toc[t].page = toc[t + 1].page;
}

/* Draws the cover (or none), the title page and the contents; returns the
 * number of the next page. Both flows are laid out before either is drawn
 * so that the device knows their glyphs in time. */
static int S_draw_front(nb_pdf *pdf, nb_dev *dev, const nb_book *book,
                        const nb_resource *cover, const nb_toc_entry *toc,
                        size_t ntoc) {
  nb_flow f, f2;
  nb_page_ctx pc;
  int page = 1;
  nb_flow_init(&f, pdf);
  nb_layout_title_page(&f, book);
  nb_flow_init(&f2, pdf);
  nb_layout_toc(&f2, toc, ntoc);
  S_note_flow(dev, &f);
  S_note_flow(dev, &f2);
  if (cover) {
    S_cover(pdf, dev, cover);
    page++;
  }
  memset(&pc, 0, sizeof pc);
  pc.dev = dev;
  pc.roman = 1;
  pc.no_furniture = 1;
  pc.first_page = page;
  page += nb_flow_render(&f, &pc);
  nb_flow_free(&f);
  pc.first_page = page;
  pc.no_furniture = 0;
  page += nb_flow_render(&f2, &pc);
  nb_flow_free(&f2);
  return page;
}

/* Draws the articles section by section from page @p page on, under
 * outline entries for titled sections, each from its flow in @p kept,
 * which is freed once drawn, or laid out again where none was held. */
static int S_draw_articles(nb_pdf *pdf, nb_dev *dev, const nb_book *book,
                           int page, nb_flow **kept, nb_error *err) {
  size_t s, nsec = nb_book_section_count(book);
  int titled = nb_book_has_sections(book), art = 0, rc = 0;
  for (s = 0; s < nsec; s++) {
    size_t j, nd = nb_book_section_doc_count(book, s);
    int parent = 0;
    const char *stitle = nb_book_section_title(book, s);
    if (titled && stitle && nd > 0)
      parent = nb_dev_add_outline(dev, 0, stitle, page, 0, 1);
    for (j = 0; j < nd; j++, art++) {
      nb_flow *f = kept[art];
      nb_page_ctx pc;
      int n;
      if (!f) {
        f = kept[art] =
            S_new_article_flow(pdf, nb_book_section_doc(book, s, j), art);
        if (!f)
          return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
        nb_buf_free(&pdf->missing); /* told when first laid out */
        pdf->nmissing = 0;
      }
      memset(&pc, 0, sizeof pc);
      pc.dev = dev;
      pc.first_page = page;
      pc.outline_parent = parent;
      pc.header = titled && stitle ? stitle : nb_book_get_meta(book, "title");
      pc.no_header_first = 1;
      S_note_images(dev, f);
      n = nb_flow_render(f, &pc);
      if (f->failed || n < 0)
        rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
      else
        page += n;
      nb_flow_free(f);
      free(f);
      kept[art] = NULL;
      if (rc)
        return rc;
    }
  }
  return 0;
}

/* A book of several articles: cover, title page, contents, articles. */
static int S_render_book(nb_pdf *pdf, const nb_book *book,
                         const nb_write_options *opts, const char *lang,
                         nb_dev *dev, nb_error *err) {
  size_t ndocs = nb_book_doc_count(book);
  size_t ntoc, nsec = nb_book_section_count(book);
  int *counts = nb_calloc(ndocs, sizeof *counts), front, rc = 0, page;
  nb_toc_entry *toc = nb_calloc(ndocs + nsec + 1, sizeof *toc);
  nb_flow **kept = nb_calloc(ndocs, sizeof *kept);
  const nb_resource *cover = NULL;
  size_t k;
  if (!counts || !toc || !kept) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto done;
  }
  /* under a book's sections an article's title is a second-level heading
   * and its own headings one lower */
  pdf->heading_shift = nb_book_has_sections(book) ? 1 : 0;
  rc = S_lay_out_articles(pdf, dev, book, counts, kept, err);
  if (rc)
    goto done;
  pdf->cjk_variant = nb_pdf_cjk_variant(lang); /* front matter: the book's */
  ntoc = S_book_contents(book, toc);
  if (!opts || !opts->cover_mode || strcmp(opts->cover_mode, "none") != 0) {
    cover = nb_book_get_cover(book);
    if (cover && cover->status != NB_RES_OK)
      cover = NULL;
  }
  front = (cover ? 1 : 0) + S_count_front_pages(pdf, book, toc, ntoc);
  S_number_contents(toc, ntoc, counts, front + 1);
  page = S_draw_front(pdf, dev, book, cover, toc, ntoc);
  rc = S_draw_articles(pdf, dev, book, page, kept, err);
done:
  for (k = 0; kept && k < ndocs; k++)
    if (kept[k]) {
      nb_flow_free(kept[k]);
      free(kept[k]);
    }
  free(kept);
  free(counts);
  free(toc);
  return rc;
}

static int S_render_single(nb_pdf *pdf, nb_doc *doc, nb_dev *dev,
                           nb_error *err) {
  nb_flow f;
  nb_page_ctx pc;
  int rc = 0;
  memset(&pc, 0, sizeof pc);
  pc.dev = dev;
  pc.first_page = 1;
  pc.header = nb_doc_get_meta(doc, "title");
  pc.no_header_first = 1;
  nb_flow_init(&f, pdf);
  S_article_flow(&f, doc, 0);
  S_note_flow(dev, &f);
  S_note_images(dev, &f);
  if (nb_flow_render(&f, &pc) < 0 || f.failed)
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  nb_flow_free(&f);
  nb_pdf_report_missing(pdf);
  return rc;
}

/* Vertical writing asked for by the option or by the book's metadata
 * ("writing-mode: vertical-rl", as --metadata or a recipe's metadata set
 * it), as the EPUB writer reads them; the theme may ask too (S_load_css). */
static int S_asks_vertical(const nb_book *book, const nb_write_options *opts) {
  const char *m = nb_book_get_meta(book, "writing-mode");
  if (opts && opts->abi_version >= 2 && opts->vertical)
    return 1;
  return m && (strcmp(m, "vertical-rl") == 0 || strcmp(m, "vertical") == 0);
}

int nb_pdf_render(const nb_book *book, const nb_write_options *opts,
                  nb_dev *dev, const nb_diag *diag, nb_error *err) {
  nb_pdf pdf;
  int rc;
  const char *lang;
  memset(&pdf, 0, sizeof pdf);
  if (!book)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no book to write");
  if (opts && opts->abi_version != NB_WRITE_ABI_VERSION)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_write_options: abi_version %d, expected %d",
                        opts->abi_version, NB_WRITE_ABI_VERSION);
  if (nb_book_doc_count(book) == 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "the book has no articles to write");
  lang = nb_book_get_meta(book, "lang");
  if (!lang || !*lang)
    lang = nb_doc_get_meta(nb_book_doc(book, 0), "lang");
  rc = S_pdf_open(&pdf, opts, lang, S_asks_vertical(book, opts), diag, err);
  pdf.book_lang = lang;
  if (rc == 0) {
    S_meta(book, pdf.vertical, dev);
    nb_dev_begin_tag(dev, "Document", NULL, NULL);
    if (nb_book_doc_count(book) > 1)
      rc = S_render_book(&pdf, book, opts, lang, dev, err);
    else
      rc = S_render_single(&pdf, nb_book_doc(book, 0), dev, err);
    if (rc == 0)
      nb_dev_end_tag(dev, "Document");
  }
  S_pdf_close(&pdf);
  return rc;
}

int nb_write_pdf(const nb_book *book, const nb_write_options *opts,
                 const char *path, const nb_diag *diag, nb_error *err) {
  nb_atomic out;
  nb_dev *dev;
  double w, h, m[4];
  int rc, attempt, flushed;
  nb_css *css;
  if (!path || !*path)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no output path");
  /* the first page's size must be known before the surface exists */
  css = S_load_css(opts, NULL, err, &rc, NULL);
  if (rc)
    return rc;
  rc = nb_pdf_page_setup(opts, css, &w, &h, m, err);
  nb_css_free(css);
  if (rc)
    return rc;
  /* PNGs go into the file as they are (pdfimg.h); should the file Cairo
   * wrote not take them, it is written again with every image decoded
   * (its warnings were given the first time) */
  for (attempt = 0;; attempt++) {
    rc = nb_atomic_open(&out, path, err);
    if (rc)
      return rc;
    dev = nb_dev_cairo_new(out.fp, w, h);
    if (!dev) {
      nb_atomic_abort(&out);
      return nb_error_set(err, NB_ERR_LIBRARY, path, 0,
                          "could not create a Cairo PDF surface");
    }
    nb_dev_cairo_set_direct(dev, attempt == 0);
    rc = nb_pdf_render(book, opts, dev, attempt ? NULL : diag, err);
    if (rc == 0)
      rc = nb_dev_close(dev, err);
    flushed = rc == 0 && fflush(out.fp) == 0;
    if (flushed) {
      rc = nb_dev_cairo_finish_images(dev, out.tmp, out.fp, err);
      if (rc == 1 && attempt == 0) {
        nb_dev_free(dev);
        nb_atomic_abort(&out);
        continue;
      }
    }
    break;
  }
  if (rc == 0 && flushed)
    rc = nb_dev_cairo_finish_tags(dev, out.tmp, out.fp, err);
  nb_dev_free(dev);
  if (rc == 0)
    rc = nb_atomic_commit(&out, err);
  else
    nb_atomic_abort(&out);
  if (rc && err && !err->file[0])
    snprintf(err->file, sizeof err->file, "%s", path);
  return rc;
}
