/* Drawing a paginated flow through a device (see layout.h): each item at
 * the place paginate.c gave it, with the page's furniture (running head,
 * page number) and the header rows a table repeats at a page's top.
 *
 * A vertical book's items are in logical coordinates (x along a column,
 * y across the columns); its pages are drawn by turning each box a
 * quarter turn: the column of logical y runs down the page at y's
 * distance from the text block's right edge. Lines are drawn as vertical
 * lines, images and the upright blocks (code, tables: IT_BLOCK, a page of
 * a horizontal flow of their own) as they are. The running head stands in
 * the fore-edge margin, the page number at the foot's outer corner. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "write/pdf/justify.h"
#include "write/pdf/layout.h"
#include "write/pdf/pages.h"

static void S_draw_decos(nb_dev *dev, const nb_item *it, double ox, double y,
                         double h) {
  int k;
  if (it->ndecos == 0)
    return;
  nb_dev_begin_tag(dev, "Artifact", NULL, NULL); /* decoration */
  for (k = 0; k < it->ndecos; k++) {
    const nb_deco *d = &it->decos[k];
    nb_dev_fill_rect(dev, ox + d->x, y, d->w, h, d->rgb);
  }
  nb_dev_end_tag(dev, "Artifact");
}

/* x range of bytes [start, end) of @p line, from its (justified) glyph
 * advances. */
static int S_range_x(PangoLayoutLine *line, int start, int end, double *x0,
                     double *x1) {
  GSList *l;
  int x = 0, found = 0, lo = 0, hi = 0;
  for (l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    int i;
    for (i = 0; i < run->glyphs->num_glyphs; i++) {
      int idx = run->item->offset + run->glyphs->log_clusters[i];
      int w = run->glyphs->glyphs[i].geometry.width;
      if (idx >= start && idx < end) {
        if (!found)
          lo = x;
        hi = x + w;
        found = 1;
      }
      x += w;
    }
  }
  *x0 = lo / (double)PANGO_SCALE;
  *x1 = hi / (double)PANGO_SCALE;
  return found;
}

static void S_draw_para_lines(nb_dev *dev, nb_para *p, double x, double y,
                              double w, nb_text_align align) {
  PangoLayoutIter *iter;
  if (!p)
    return;
  iter = pango_layout_get_iter(p->layout);
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
    double base = pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE;
    double lx = 0, ink = nb_line_ink_right(line);
    if (align == NB_TA_CENTER)
      lx = (w - ink) / 2;
    else if (align == NB_TA_RIGHT)
      lx = w - ink;
    nb_dev_draw_line(dev, line, x + lx, y + base, p->color);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

static void S_draw_row(nb_dev *dev, const nb_row *rw, double ox, double y,
                       double h, int tags) {
  size_t k;
  if (tags)
    nb_dev_begin_tag(dev, "TR", NULL, NULL);
  for (k = 0; k < rw->ncells; k++) {
    const nb_cell *c = &rw->cells[k];
    double x = ox + c->x;
    if (c->header && rw->has_header_bg)
      nb_dev_fill_rect(dev, x, y, c->w, h, rw->header_bg);
    if (tags)
      nb_dev_begin_tag(dev, c->header ? "TH" : "TD", NULL, NULL);
    S_draw_para_lines(dev, c->para, x + c->pad[NB_LEFT], y + c->pad[NB_TOP],
                      c->w - c->pad[NB_LEFT] - c->pad[NB_RIGHT], c->align);
    if (tags)
      nb_dev_end_tag(dev, c->header ? "TH" : "TD");
    nb_dev_stroke_line(dev, x, y, x + c->w, y, rw->border_w, rw->border, 0);
    nb_dev_stroke_line(dev, x, y + h, x + c->w, y + h, rw->border_w, rw->border,
                       0);
    nb_dev_stroke_line(dev, x, y, x, y + h, rw->border_w, rw->border, 0);
    nb_dev_stroke_line(dev, x + c->w, y, x + c->w, y + h, rw->border_w,
                       rw->border, 0);
  }
  if (tags)
    nb_dev_end_tag(dev, "TR");
}

static void S_draw_placeholder(nb_dev *dev, const nb_item *it, double x,
                               double y) {
  nb_dev_stroke_line(dev, x, y, x + it->w, y, 0.75, 0x999999, 1);
  nb_dev_stroke_line(dev, x, y + it->h, x + it->w, y + it->h, 0.75, 0x999999,
                     1);
  nb_dev_stroke_line(dev, x, y, x, y + it->h, 0.75, 0x999999, 1);
  nb_dev_stroke_line(dev, x + it->w, y, x + it->w, y + it->h, 0.75, 0x999999,
                     1);
  if (it->alt) {
    PangoRectangle log;
    pango_layout_get_extents(it->alt->layout, NULL, &log);
    S_draw_para_lines(dev, it->alt, x + 6,
                      y + (it->h - log.height / (double)PANGO_SCALE) / 2,
                      it->w - 12, NB_TA_CENTER);
  }
}

static void S_roman(int n, char *out, size_t size) {
  static const struct {
    int v;
    const char *s;
  } t[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
           {90, "xc"},  {50, "l"},   {40, "xl"}, {10, "x"},   {9, "ix"},
           {5, "v"},    {4, "iv"},   {1, "i"}};
  size_t i, len = 0;
  out[0] = '\0';
  if (n <= 0 || n >= 4000) {
    snprintf(out, size, "%d", n);
    return;
  }
  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    while (n >= t[i].v && len + strlen(t[i].s) < size) {
      strcpy(out + len, t[i].s);
      len += strlen(t[i].s);
      n -= t[i].v;
    }
}

static PangoLayout *S_small_layout(nb_pdf *pdf, const char *text,
                                   double width) {
  PangoLayout *l = pango_layout_new(pdf->ctx);
  PangoFontDescription *fd = pango_font_description_from_string("sans-serif");
  pango_font_description_set_absolute_size(fd, 8 * PANGO_SCALE);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
  if (nb_utf8_valid(text, strlen(text))) {
    pango_layout_set_text(l, text, -1);
  } else {
    size_t n = 0, rep = 0;
    char *r = nb_utf8_repair(text, strlen(text), &n, &rep);
    pango_layout_set_text(l, r ? r : "", r ? (int)n : 0);
    free(r);
  }
  return l;
}

static PangoLayout *S_small_vlayout(nb_pdf *pdf, const char *text,
                                    double width);

/* The number page @p page_no shows (roman numerals in the front matter)
 * into @p num, given to the device as the page's label too. */
static void S_folio_text(nb_page_ctx *pc, int page_no, char *num, size_t size) {
  int shown = page_no - pc->number_offset;
  if (pc->roman)
    S_roman(shown, num, size);
  else
    snprintf(num, size, "%d", shown);
  nb_dev_page_label(pc->dev, num);
}

/* The running head's line for @p header (NULL when there is none), set
 * across the page or, @p vertical, down its margin. Shaping and
 * ellipsizing the same header on every page is a good part of a book's
 * furniture: the last one is kept. */
static PangoLayoutLine *S_header_line(nb_pdf *pdf, const char *header,
                                      int vertical) {
  if (!header || !*header)
    return NULL;
  if (!pdf->header_text || strcmp(pdf->header_text, header) != 0) {
    if (pdf->header_layout)
      g_object_unref(pdf->header_layout);
    free(pdf->header_text);
    pdf->header_layout = vertical
                             ? S_small_vlayout(pdf, header, pdf->text_w * 0.5)
                             : S_small_layout(pdf, header, pdf->text_w * 0.6);
    pdf->header_text = nb_strdup(header);
  }
  return pdf->header_layout
             ? pango_layout_get_line_readonly(pdf->header_layout, 0)
             : NULL;
}

static void S_page_furniture(nb_pdf *pdf, nb_page_ctx *pc, int page_no,
                             int first_of_flow, double left) {
  char num[32];
  PangoLayout *l;
  PangoLayoutLine *line;
  double ink;
  S_folio_text(pc, page_no, num, sizeof num);
  if (pc->no_furniture)
    return;
  if (!(first_of_flow && pc->no_header_first)) {
    line = S_header_line(pdf, pc->header, 0);
    if (line) {
      ink = nb_line_ink_right(line);
      nb_dev_begin_tag(pc->dev, "Artifact", NULL, NULL);
      nb_dev_draw_artifact(pc->dev, line, left + (pdf->text_w - ink) / 2,
                           pdf->margin[NB_TOP] * 0.55, 0x888888);
      nb_dev_end_tag(pc->dev, "Artifact");
    }
  }
  l = S_small_layout(pdf, num, pdf->text_w);
  line = pango_layout_get_line_readonly(l, 0);
  if (line) {
    ink = nb_line_ink_right(line);
    nb_dev_begin_tag(pc->dev, "Artifact", NULL, NULL);
    nb_dev_draw_artifact(pc->dev, line, left + (pdf->text_w - ink) / 2,
                         pdf->page_h - pdf->margin[NB_BOTTOM] * 0.45, 0x666666);
    nb_dev_end_tag(pc->dev, "Artifact");
  }
  g_object_unref(l);
}

static double S_left(nb_pdf *pdf, int page_no) {
  if (pdf->vertical)
    /* a book bound on the right: a recto's inner margin is its right */
    return pdf->duplex && page_no % 2 == 1 ? pdf->margin[NB_RIGHT]
                                           : pdf->margin[NB_LEFT];
  if (pdf->duplex && page_no % 2 == 0)
    return pdf->margin[NB_RIGHT];
  return pdf->margin[NB_LEFT];
}

/* ## Drawing the placed items */

typedef struct outline_stack {
  int level[16], id[16];
  int n;
} outline_stack;

static void S_draw_line_item(nb_dev *dev, const nb_item *it, double ox,
                             double iy) {
  PangoLayoutLine *line;
  size_t k;
  S_draw_decos(dev, it, ox, iy, it->h);
  if (it->marker) {
    PangoLayoutLine *ml = pango_layout_get_line_readonly(it->marker->layout, 0);
    nb_dev_draw_line(dev, ml, ox + it->marker_x, iy + it->base,
                     it->marker->color);
  }
  if (!it->para)
    return;
  line = pango_layout_get_line_readonly(it->para->layout, it->line_no);
  if (!line)
    return;
  nb_dev_draw_line(dev, line, ox + it->x, iy + it->base, it->para->color);
  for (k = 0; k < it->para->nlinks; k++) {
    const nb_link *lk = &it->para->links[k];
    double x0, x1;
    if (lk->end <= line->start_index ||
        lk->start >= line->start_index + line->length)
      continue;
    if (S_range_x(line, lk->start, lk->end, &x0, &x1))
      nb_dev_link(dev, lk->uri[0] == '#' ? NULL : lk->uri,
                  lk->uri[0] == '#' ? lk->uri + 1 : NULL, ox + it->x + x0, iy,
                  x1 - x0, it->h);
  }
}

static void S_draw_outline(nb_page_ctx *pc, outline_stack *os,
                           const nb_item *it, int page, double iy) {
  int parent = pc->outline_parent, id;
  while (os->n > 0 && os->level[os->n - 1] >= it->level)
    os->n--;
  if (os->n > 0)
    parent = os->id[os->n - 1];
  id = nb_dev_add_outline(pc->dev, parent, it->text ? it->text : "", page, iy,
                          it->level == 0);
  if (os->n < 16 && id > 0) {
    os->level[os->n] = it->level;
    os->id[os->n] = id;
    os->n++;
  }
}

static void S_draw_item(nb_pdf *pdf, nb_page_ctx *pc, outline_stack *os,
                        const nb_item *it, int page, double ox, double iy) {
  nb_dev *dev = pc->dev;
  switch (it->kind) {
  case IT_SPACE: S_draw_decos(dev, it, ox, iy, it->h); break;
  case IT_LINE: S_draw_line_item(dev, it, ox, iy); break;
  case IT_IMAGE:
    S_draw_decos(dev, it, ox, iy, it->h);
    if (it->marker) {
      PangoLayoutLine *ml =
          pango_layout_get_line_readonly(it->marker->layout, 0);
      nb_dev_draw_line(dev, ml, ox + it->marker_x, iy + pdf->body.font_size,
                       it->marker->color);
    }
    if (!it->res || nb_dev_draw_image(dev, it->res, ox + it->x, iy, it->w,
                                      it->h, pdf->image_dpi) != 0)
      S_draw_placeholder(dev, it, ox + it->x, iy);
    break;
  case IT_RULE:
    S_draw_decos(dev, it, ox, iy, it->h);
    nb_dev_begin_tag(dev, "Artifact", NULL, NULL); /* a rule */
    nb_dev_stroke_line(dev, ox + it->x, iy + it->h / 2, ox + it->x + it->w,
                       iy + it->h / 2, it->rule_w, it->rgb, it->dash);
    nb_dev_end_tag(dev, "Artifact");
    break;
  case IT_ROW:
    S_draw_decos(dev, it, ox, iy, it->h);
    S_draw_row(dev, it->row, ox, iy, it->h, 1);
    break;
  case IT_TAG: nb_dev_begin_tag(dev, it->tag, it->text, it->lang); break;
  case IT_ENDTAG: nb_dev_end_tag(dev, it->tag); break;
  case IT_DEST: nb_dev_add_dest(dev, it->text, ox, iy); break;
  case IT_OUTLINE: S_draw_outline(pc, os, it, page, iy); break;
  case IT_BREAK:
  case IT_BLOCK: break; /* vertical books only (S_draw_item_v) */
  }
}

/* Starts page @p cur (0-based within the flow): furniture and the table
 * header rows repeated at its top. Returns its left margin. */
static double S_begin_page(nb_pdf *pdf, nb_page_ctx *pc, const nb_flow *f,
                           const pages *pg, size_t *r, int cur) {
  double ox, ry = 0, top = pdf->margin[NB_TOP];
  nb_dev_begin_page(pc->dev, pdf->page_w, pdf->page_h);
  ox = S_left(pdf, pc->first_page + cur);
  S_page_furniture(pdf, pc, pc->first_page + cur, cur == 0, ox);
  while (*r < pg->nreps && pg->reps[*r].page == cur) {
    const nb_item *h = &f->items[pg->reps[*r].item];
    S_draw_decos(pc->dev, h, ox, top + ry, h->h);
    S_draw_row(pc->dev, h->row, ox, top + ry, h->h, 0);
    ry += h->h;
    (*r)++;
  }
  return ox;
}

static void S_draw_v(nb_flow *f, nb_page_ctx *pc, const pages *pg);

void nb_flow_draw(nb_flow *f, nb_page_ctx *pc, const pages *pg) {
  nb_pdf *pdf = f->pdf;
  outline_stack os;
  int cur = -1, npages = pg->npages;
  size_t i, r = 0;
  double top = pdf->margin[NB_TOP], ox = 0;
  if (pdf->vertical) {
    S_draw_v(f, pc, pg);
    return;
  }
  os.n = 0;
  for (i = 0; i <= f->n; i++) {
    int p = i < f->n ? pg->pl[i].page : npages;
    while (cur < p && cur < npages) {
      if (cur >= 0)
        nb_dev_end_page(pc->dev);
      cur++;
      if (cur >= npages)
        break;
      ox = S_begin_page(pdf, pc, f, pg, &r, cur);
    }
    if (i == f->n)
      break;
    if (pg->pl[i].y < 0 && !nb_item_zero(&f->items[i]))
      continue;
    S_draw_item(pdf, pc, &os, &f->items[i], pc->first_page + cur, ox,
                top + pg->pl[i].y);
  }
  if (cur >= 0 && cur < npages)
    nb_dev_end_page(pc->dev);
}

/* ## Vertical books */

/* The page box of logical box (@p lx, @p ly, @p lw, @p lh) in a text block
 * whose right edge is at @p right and top at @p top: logical x runs down
 * from the top, logical y leftwards from the right edge. */
static void S_vbox(double right, double top, double lx, double ly, double lw,
                   double lh, double *x, double *y, double *w, double *h) {
  *x = right - ly - lh;
  *y = top + lx;
  *w = lh;
  *h = lw;
}

static void S_draw_decos_v(nb_dev *dev, const nb_item *it, double right,
                           double top, double ly, double lh) {
  int k;
  if (it->ndecos == 0)
    return;
  nb_dev_begin_tag(dev, "Artifact", NULL, NULL);
  for (k = 0; k < it->ndecos; k++) {
    const nb_deco *d = &it->decos[k];
    double x, y, w, h;
    S_vbox(right, top, d->x, ly, d->w, lh, &x, &y, &w, &h);
    nb_dev_fill_rect(dev, x, y, w, h, d->rgb);
  }
  nb_dev_end_tag(dev, "Artifact");
}

/* The vertical lines of @p p in the logical box at (@p lx, @p ly), @p w
 * long. */
static void S_draw_para_vlines(nb_dev *dev, nb_para *p, double right,
                               double top, double lx, double ly, double w,
                               nb_text_align align) {
  PangoLayoutIter *iter;
  if (!p)
    return;
  iter = pango_layout_get_iter(p->layout);
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
    double base = pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE;
    double off = 0, ink = nb_line_ink_right(line);
    if (align == NB_TA_CENTER)
      off = (w - ink) / 2;
    else if (align == NB_TA_RIGHT)
      off = w - ink;
    nb_dev_draw_vline(dev, line, right - ly - base, top + lx + off, p->color);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
}

/* A line of vertical text (a column), with its list marker. Text
 * extraction reads a column ending above @p reach as reaching there (see
 * nb_dev.vreach); a marker only when its item has no text beside it in
 * the column. */
static void S_draw_line_item_v(nb_dev *dev, const nb_item *it, double right,
                               double top, double ly, double reach) {
  PangoLayoutLine *line = NULL;
  double bx = right - ly - it->base;
  size_t k;
  S_draw_decos_v(dev, it, right, top, ly, it->h);
  if (it->para)
    line = pango_layout_get_line_readonly(it->para->layout, it->line_no);
  if (it->marker) {
    PangoLayoutLine *ml = pango_layout_get_line_readonly(it->marker->layout, 0);
    nb_dev_vreach(dev, line && line->length > 0 ? 0 : reach);
    nb_dev_draw_vline(dev, ml, bx, top + it->marker_x, it->marker->color);
  }
  if (!line) {
    nb_dev_vreach(dev, 0);
    return;
  }
  nb_dev_vreach(dev, reach);
  nb_dev_draw_vline(dev, line, bx, top + it->x, it->para->color);
  nb_dev_vreach(dev, 0);
  for (k = 0; k < it->para->nlinks; k++) {
    const nb_link *lk = &it->para->links[k];
    double x0, x1, x, y, w, h;
    if (lk->end <= line->start_index ||
        lk->start >= line->start_index + line->length)
      continue;
    if (!S_range_x(line, lk->start, lk->end, &x0, &x1))
      continue;
    S_vbox(right, top, it->x + x0, ly, x1 - x0, it->h, &x, &y, &w, &h);
    nb_dev_link(dev, lk->uri[0] == '#' ? NULL : lk->uri,
                lk->uri[0] == '#' ? lk->uri + 1 : NULL, x, y, w, h);
  }
}

static void S_draw_image_v(nb_pdf *pdf, nb_dev *dev, const nb_item *it,
                           double right, double top, double ly) {
  double x, y, w, h;
  S_draw_decos_v(dev, it, right, top, ly, it->h);
  S_vbox(right, top, it->x, ly, it->w, it->h, &x, &y, &w, &h);
  if (it->res &&
      nb_dev_draw_image(dev, it->res, x, y, w, h, pdf->image_dpi) == 0)
    return;
  /* the placeholder: a dashed box and the alt text across it */
  nb_dev_stroke_line(dev, x, y, x + w, y, 0.75, 0x999999, 1);
  nb_dev_stroke_line(dev, x, y + h, x + w, y + h, 0.75, 0x999999, 1);
  nb_dev_stroke_line(dev, x, y, x, y + h, 0.75, 0x999999, 1);
  nb_dev_stroke_line(dev, x + w, y, x + w, y + h, 0.75, 0x999999, 1);
  if (it->alt) {
    PangoRectangle log;
    pango_layout_get_extents(it->alt->layout, NULL, &log);
    S_draw_para_vlines(dev, it->alt, right, top, it->x + 6,
                       ly + (it->h - log.height / (double)PANGO_SCALE) / 2,
                       it->w - 12, NB_TA_CENTER);
  }
}

/* One page of an upright block's horizontal flow (IT_BLOCK), drawn as it
 * is in the block's box, with the header row a table repeats there. */
static void S_draw_block(nb_pdf *pdf, nb_page_ctx *pc, outline_stack *os,
                         const nb_item *it, int page, double right, double top,
                         double ly) {
  const nb_flow *sub = it->sub;
  const pages *spg = sub ? sub->pages : NULL;
  double x, y, w, h, ry = 0;
  size_t i, r;
  S_draw_decos_v(pc->dev, it, right, top, ly, it->h);
  if (!spg)
    return;
  S_vbox(right, top, it->x, ly, it->w, it->h, &x, &y, &w, &h);
  /* its text read as a column at its right edge, beginning below the
   * first-line indent of the columns beside it: a column reaching no
   * lower than an indent (one line of code) would overlap only the
   * unindented ones, and pdftotext would then read the paragraph
   * columns to its right out of order */
  nb_dev_proxy(pc->dev, 1, x + w - pdf->body.font_size,
               top + 2.5 * pdf->body.font_size, x);
  for (r = 0; r < spg->nreps; r++)
    if (spg->reps[r].page == it->sub_page) {
      const nb_item *hd = &sub->items[spg->reps[r].item];
      S_draw_decos(pc->dev, hd, x, y + ry, hd->h);
      S_draw_row(pc->dev, hd->row, x, y + ry, hd->h, 0);
      ry += hd->h;
    }
  for (i = 0; i < sub->n; i++) {
    if (spg->pl[i].page != it->sub_page ||
        (spg->pl[i].y < 0 && !nb_item_zero(&sub->items[i])))
      continue;
    S_draw_item(pdf, pc, os, &sub->items[i], page, x, y + spg->pl[i].y);
  }
  nb_dev_proxy(pc->dev, 0, 0, 0, 0);
}

static void S_draw_item_v(nb_pdf *pdf, nb_page_ctx *pc, outline_stack *os,
                          const nb_item *it, int page, double right, double top,
                          double ly) {
  nb_dev *dev = pc->dev;
  double x, y, w, h;
  switch (it->kind) {
  case IT_SPACE: S_draw_decos_v(dev, it, right, top, ly, it->h); break;
  case IT_LINE:
    /* as far as a table's column (S_draw_block) begins */
    S_draw_line_item_v(dev, it, right, top, ly,
                       top + 2.5 * pdf->body.font_size);
    break;
  case IT_IMAGE: S_draw_image_v(pdf, dev, it, right, top, ly); break;
  case IT_RULE:
    S_draw_decos_v(dev, it, right, top, ly, it->h);
    x = right - ly - it->h / 2;
    nb_dev_begin_tag(dev, "Artifact", NULL, NULL);
    nb_dev_stroke_line(dev, x, top + it->x, x, top + it->x + it->w, it->rule_w,
                       it->rgb, it->dash);
    nb_dev_end_tag(dev, "Artifact");
    break;
  case IT_ROW: /* tables are upright blocks here; never in the columns */
    S_vbox(right, top, it->x, ly, it->w, it->h, &x, &y, &w, &h);
    S_draw_row(dev, it->row, x, y, h, 1);
    break;
  case IT_BLOCK: S_draw_block(pdf, pc, os, it, page, right, top, ly); break;
  case IT_TAG: nb_dev_begin_tag(dev, it->tag, it->text, it->lang); break;
  case IT_ENDTAG: nb_dev_end_tag(dev, it->tag); break;
  /* a destination and an outline entry show their page from its top */
  case IT_DEST: nb_dev_add_dest(dev, it->text, 0, 0); break;
  case IT_OUTLINE: S_draw_outline(pc, os, it, page, 0); break;
  case IT_BREAK: break;
  }
}

static PangoLayout *S_small_vlayout(nb_pdf *pdf, const char *text,
                                    double length) {
  PangoLayout *l = pango_layout_new(pdf->vctx ? pdf->vctx : pdf->ctx);
  PangoFontDescription *fd = pango_font_description_from_string("sans-serif");
  char *r = NULL;
  size_t n = 0, rep = 0;
  pango_font_description_set_absolute_size(fd, 8 * PANGO_SCALE);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(l, (int)(length * PANGO_SCALE));
  pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
  if (!nb_utf8_valid(text, strlen(text)))
    text = r = nb_utf8_repair(text, strlen(text), &n, &rep);
  pango_layout_set_text(l, text ? text : "", -1);
  free(r);
  return l;
}

/* A vertical book's furniture, where JLREQ (2.6) and JIS X 4051 books
 * commonly have it: the running head set vertically in the fore-edge
 * margin, from the head of the columns; the page number, horizontal, in
 * the foot margin at the fore-edge corner. The book is bound on the
 * right, so an odd page (a recto) is a left-hand page: its fore edge is
 * on the left. */
static void S_page_furniture_v(nb_pdf *pdf, nb_page_ctx *pc, int page_no,
                               int first_of_flow, double left) {
  char num[32];
  PangoLayout *l;
  PangoLayoutLine *line;
  double right = left + pdf->text_h, top = pdf->margin[NB_TOP], ink;
  int recto = page_no % 2 == 1;
  S_folio_text(pc, page_no, num, sizeof num);
  if (pc->no_furniture)
    return;
  if (!(first_of_flow && pc->no_header_first)) {
    line = S_header_line(pdf, pc->header, 1);
    if (line) {
      double x = recto ? left / 2 : right + (pdf->page_w - right) / 2;
      nb_dev_begin_tag(pc->dev, "Artifact", NULL, NULL);
      nb_dev_draw_vartifact(pc->dev, line, x, top, 0x888888);
      nb_dev_end_tag(pc->dev, "Artifact");
    }
  }
  l = S_small_layout(pdf, num, pdf->text_h);
  line = pango_layout_get_line_readonly(l, 0);
  if (line) {
    ink = nb_line_ink_right(line);
    nb_dev_begin_tag(pc->dev, "Artifact", NULL, NULL);
    nb_dev_draw_artifact(pc->dev, line, recto ? left : right - ink,
                         pdf->page_h - pdf->margin[NB_BOTTOM] * 0.45, 0x666666);
    nb_dev_end_tag(pc->dev, "Artifact");
  }
  g_object_unref(l);
}

static void S_draw_v(nb_flow *f, nb_page_ctx *pc, const pages *pg) {
  nb_pdf *pdf = f->pdf;
  outline_stack os;
  int cur = -1, npages = pg->npages;
  size_t i;
  double top = pdf->margin[NB_TOP], right = 0;
  os.n = 0;
  for (i = 0; i <= f->n; i++) {
    int p = i < f->n ? pg->pl[i].page : npages;
    while (cur < p && cur < npages) {
      double left;
      if (cur >= 0)
        nb_dev_end_page(pc->dev);
      cur++;
      if (cur >= npages)
        break;
      nb_dev_begin_page(pc->dev, pdf->page_w, pdf->page_h);
      left = S_left(pdf, pc->first_page + cur);
      S_page_furniture_v(pdf, pc, pc->first_page + cur, cur == 0, left);
      right = left + pdf->text_h;
    }
    if (i == f->n)
      break;
    if (pg->pl[i].y < 0 && !nb_item_zero(&f->items[i]))
      continue;
    S_draw_item_v(pdf, pc, &os, &f->items[i], pc->first_page + cur, right, top,
                  pg->pl[i].y);
  }
  if (cur >= 0 && cur < npages)
    nb_dev_end_page(pc->dev);
}
