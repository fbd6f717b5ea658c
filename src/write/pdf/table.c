/* Tables: column widths from the cells' natural widths, cells wrapped to
 * their columns (word, then character breaks, so nothing is ever clipped),
 * a font scaled down when even the narrowest columns do not fit, and rows
 * as unsplittable flow items. The header row is remembered so that the
 * paginator repeats it on every page the table continues on. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "write/pdf/layout.h"

#define MAX_COLS 64

typedef struct tcell {
  nb_node *node;
  int col, span, header;
  nb_buf text;
  PangoAttrList *attrs;
  double nat, min;
} tcell;

/* The cell's natural width (no wrapping) and its widest unbreakable word
 * (wrapping at every opportunity: a layout 1pt wide). */
static void S_measure(nb_pdf *pdf, const nb_style *st, tcell *c, double *nat,
                      double *word) {
  PangoLayout *l = pango_layout_new(pdf->ctx);
  PangoFontDescription *fd = nb_pdf_font(pdf, st);
  PangoRectangle log;
  PangoAttrList *a = pango_attr_list_copy(c->attrs);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(l, c->text.data ? c->text.data : "", (int)c->text.len);
  pango_layout_set_attributes(l, a);
  pango_attr_list_unref(a);
  pango_layout_get_extents(l, NULL, &log);
  *nat = log.width / (double)PANGO_SCALE;
  pango_layout_set_wrap(l, PANGO_WRAP_WORD);
  pango_layout_set_width(l, PANGO_SCALE);
  pango_layout_get_extents(l, NULL, &log);
  *word = log.width / (double)PANGO_SCALE;
  g_object_unref(l);
}

/* A table's styles: [0] for data cells, [1] for header cells. */
typedef struct tstyles {
  nb_style table, cell[2];
  double pad[2][4];
} tstyles;

static void S_table_styles(nb_pdf *pdf, const nb_style *parent, tstyles *ts) {
  nb_css_node chain[4] = {
      {"body", NULL}, {"table", NULL}, {"tr", NULL}, {"td", NULL}};
  nb_style *cst = ts->cell;
  size_t i;
  nb_pdf_style_upright(pdf, chain, 2, parent, &ts->table);
  nb_pdf_style(pdf, chain, 3, &ts->table, &cst[0]);
  cst[1] = cst[0];
  nb_pdf_style(pdf, chain, 4, &cst[0], &cst[0]);
  chain[3].name = "th";
  nb_pdf_style(pdf, chain, 4, &cst[1], &cst[1]);
  for (i = 0; i < 2; i++) {
    memcpy(ts->pad[i], cst[i].padding, sizeof ts->pad[i]);
    cst[i].text_indent = 0;
    if (cst[i].text_align == NB_TA_JUSTIFY)
      cst[i].text_align = NB_TA_LEFT;
  }
}

/* Every cell of @p table with its column, span and text, in row order.
 * Returns the number of columns; 0 also when out of memory (f->failed). */
static int S_collect_cells(nb_flow *f, nb_node *table, tcell **cells,
                           size_t *nc) {
  size_t capc = 0;
  nb_node *row, *cell;
  int ncols = 0;
  for (row = nb_node_first_child(table); row; row = nb_node_next(row)) {
    int col = 0;
    if (nb_node_get_type(row) != NB_NODE_TABLE_ROW)
      continue;
    for (cell = nb_node_first_child(row); cell; cell = nb_node_next(cell)) {
      tcell *c;
      int span = nb_node_get_colspan(cell);
      if (span < 1)
        span = 1;
      if (col >= MAX_COLS)
        col = MAX_COLS - 1; /* overflow columns share the last one */
      if (col + span > MAX_COLS)
        span = MAX_COLS - col;
      if (*nc == capc) {
        size_t cap = capc ? capc * 2 : 32;
        tcell *n2 = nb_reallocarray(*cells, cap, sizeof *n2);
        if (!n2) {
          f->failed = 1;
          return 0;
        }
        *cells = n2;
        capc = cap;
      }
      c = &(*cells)[(*nc)++];
      memset(c, 0, sizeof *c);
      c->node = cell;
      c->col = col;
      c->span = span;
      c->header = nb_node_get_header(cell) || nb_node_get_header(row);
      nb_flow_gather(f, cell, &c->text, &c->attrs);
      col += span;
    }
    if (col > ncols)
      ncols = col;
  }
  return ncols;
}

/* Column widths @p colw for a table @p width wide: natural widths when
 * they fit, else wide columns share what narrow ones leave. Returns the
 * scale the type must shrink by when even the narrowest columns are too
 * wide (1 otherwise). */
static double S_column_widths(nb_pdf *pdf, const tstyles *ts, tcell *cells,
                              size_t nc, int ncols, double width,
                              double colw[MAX_COLS]) {
  double nat[MAX_COLS], mn[MAX_COLS], scale = 1, sum_nat = 0, sum_min = 0;
  size_t i;
  for (i = 0; i < (size_t)ncols; i++)
    nat[i] = mn[i] = 0;
  for (i = 0; i < nc; i++) {
    tcell *c = &cells[i];
    const nb_style *st = &ts->cell[c->header];
    double p = ts->pad[c->header][NB_LEFT] + ts->pad[c->header][NB_RIGHT] + 1;
    int k;
    double nw, ww;
    S_measure(pdf, st, c, &nw, &ww);
    c->nat = nw + p;
    c->min = (ww < st->font_size * 8 ? ww : st->font_size * 8) + p;
    if (c->min < st->font_size * 2 + p)
      c->min = st->font_size * 2 + p;
    if (c->min > c->nat)
      c->min = c->nat;
    for (k = 0; k < c->span; k++) {
      double share = c->nat / c->span, mshare = c->min / c->span;
      if (share > nat[c->col + k])
        nat[c->col + k] = share;
      if (mshare > mn[c->col + k])
        mn[c->col + k] = mshare;
    }
  }
  for (i = 0; i < (size_t)ncols; i++) {
    if (nat[i] < 6)
      nat[i] = mn[i] = 6;
    sum_nat += nat[i];
    sum_min += mn[i];
  }
  if (sum_nat <= width) {
    for (i = 0; i < (size_t)ncols; i++)
      colw[i] = nat[i];
  } else if (sum_min >= width) {
    /* even the narrowest columns are too wide: shrink the type */
    scale = width / sum_min;
    if (scale < 0.4)
      scale = 0.4;
    for (i = 0; i < (size_t)ncols; i++)
      colw[i] = mn[i] * width / sum_min;
  } else {
    /* water-filling: columns narrower than a fair share keep their
     * natural width; the wide ones share what is left in proportion to
     * their natural widths, never below their longest word */
    int fixed[MAX_COLS], changed = 1, k;
    double left = width, big = 0;
    for (k = 0; k < ncols; k++)
      fixed[k] = 0;
    while (changed) {
      int nfree = 0;
      changed = 0;
      for (k = 0; k < ncols; k++)
        if (!fixed[k])
          nfree++;
      for (k = 0; k < ncols; k++) {
        double share;
        if (fixed[k])
          continue;
        share = nfree > 0 ? left / nfree : 0;
        if (nat[k] <= share) {
          colw[k] = nat[k];
        } else if (mn[k] >= share) {
          colw[k] = mn[k];
        } else {
          continue;
        }
        fixed[k] = 1;
        left -= colw[k];
        changed = 1;
        break;
      }
    }
    for (k = 0; k < ncols; k++)
      if (!fixed[k])
        big += nat[k];
    for (k = 0; k < ncols; k++)
      if (!fixed[k])
        colw[k] = big > 0 ? left * nat[k] / big : 0;
  }
  return scale;
}

/* A new row owned by @p f with room for @p ncells cells, or NULL (and
 * f->failed) when out of memory. */
static nb_row *S_new_row(nb_flow *f, size_t ncells) {
  nb_row *rw = nb_calloc(1, sizeof *rw);
  if (!rw ||
      (ncells > 0 && !(rw->cells = nb_calloc(ncells, sizeof *rw->cells)))) {
    free(rw);
    f->failed = 1;
    return NULL;
  }
  if (f->nr == f->capr) {
    size_t cap = f->capr ? f->capr * 2 : 16;
    nb_row **n2 = nb_reallocarray(f->rows, cap, sizeof *n2);
    if (!n2) {
      free(rw->cells);
      free(rw);
      f->failed = 1;
      return NULL;
    }
    f->rows = n2;
    f->capr = cap;
  }
  f->rows[f->nr++] = rw;
  rw->ncells = ncells;
  return rw;
}

/* Lays out cell @p c into @p out at its columns; returns the height it
 * needs with its padding. */
static double S_layout_cell(nb_flow *f, const tstyles *ts, tcell *c,
                            const double *colw, double x, nb_cell *out) {
  const nb_style *st = &ts->cell[c->header];
  double cx = 0, cw = 0;
  int s;
  PangoRectangle log;
  nb_style cs = *st;
  for (s = 0; s < c->col; s++)
    cx += colw[s];
  for (s = 0; s < c->span; s++)
    cw += colw[c->col + s];
  out->x = x + cx;
  out->w = cw;
  memcpy(out->pad, ts->pad[c->header], sizeof out->pad);
  out->header = c->header;
  out->align = nb_node_get_align(c->node) == NB_ALIGN_CENTER  ? NB_TA_CENTER
               : nb_node_get_align(c->node) == NB_ALIGN_RIGHT ? NB_TA_RIGHT
                                                              : st->text_align;
  cs.text_align = out->align;
  /* cells stay ragged: CJK lines spread to a cell's edge are read by
   * pdftotext out of order with the cells beside them (041's table lost
   * 20 characters of 9,389 so) */
  out->para = nb_flow_text(f, &cs, &c->text, c->attrs, NULL, 0,
                           cw - out->pad[NB_LEFT] - out->pad[NB_RIGHT], 0);
  c->attrs = NULL;
  if (!out->para)
    return 0;
  pango_layout_get_extents(out->para->layout, NULL, &log);
  return log.height / (double)PANGO_SCALE + out->pad[NB_TOP] +
         out->pad[NB_BOTTOM];
}

void nb_layout_table(nb_flow *f, nb_node *table, double x, double width,
                     const nb_style *parent, const nb_deco *decos, int ndecos) {
  nb_pdf *pdf = f->pdf;
  tstyles ts;
  tcell *cells = NULL;
  size_t nc = 0, i;
  nb_node *row;
  int ncols, r = 0;
  double colw[MAX_COLS], scale;
  long header_item = -1;
  S_table_styles(pdf, parent, &ts);
  ncols = S_collect_cells(f, table, &cells, &nc);
  if (ncols == 0)
    goto done;
  scale = S_column_widths(pdf, &ts, cells, nc, ncols, width, colw);
  if (scale < 1)
    for (i = 0; i < 2; i++) {
      int k;
      ts.cell[i].font_size *= scale;
      for (k = 0; k < 4; k++)
        ts.pad[i][k] *= scale;
    }
  nb_flow_space(f, ts.table.margin[NB_TOP]);
  nb_flow_tag(f, "Table", NULL, 0);
  i = 0;
  for (row = nb_node_first_child(table); row; row = nb_node_next(row)) {
    nb_row *rw;
    nb_item it;
    size_t first = i, k;
    double h = 0;
    int all_header = 1;
    if (nb_node_get_type(row) != NB_NODE_TABLE_ROW)
      continue;
    while (i < nc && nb_node_parent(cells[i].node) == row)
      i++;
    rw = S_new_row(f, i - first);
    if (!rw)
      goto done;
    rw->border = ts.cell[0].border_style[NB_TOP]
                     ? ts.cell[0].border_color[NB_TOP]
                     : 0x999999;
    rw->border_w =
        ts.cell[0].border_style[NB_TOP] ? ts.cell[0].border_width[NB_TOP] : 0.5;
    rw->header_bg = ts.cell[1].background;
    rw->has_header_bg = ts.cell[1].has_background;
    for (k = 0; k < rw->ncells; k++) {
      double ch =
          S_layout_cell(f, &ts, &cells[first + k], colw, x, &rw->cells[k]);
      if (!cells[first + k].header)
        all_header = 0;
      if (ch > h)
        h = ch;
    }
    if (rw->ncells == 0)
      all_header = 0;
    rw->header = all_header;
    memset(&it, 0, sizeof it);
    it.kind = IT_ROW;
    it.row = rw;
    it.h = h > 4 ? h : 4;
    it.x = x;
    it.w = width;
    it.header_item = -1;
    if (all_header && r == 0)
      header_item = (long)f->n;
    else if (header_item >= 0)
      it.header_item = header_item;
    if (all_header)
      it.keep_next = 1;
    nb_item_decos(f, &it, decos, ndecos);
    nb_flow_add(f, &it);
    r++;
  }
  nb_flow_tag(f, "Table", NULL, 1);
  f->pending_space = ts.table.margin[NB_BOTTOM];
done:
  for (i = 0; i < nc; i++) {
    nb_buf_free(&cells[i].text);
    if (cells[i].attrs)
      pango_attr_list_unref(cells[i].attrs);
  }
  free(cells);
}
