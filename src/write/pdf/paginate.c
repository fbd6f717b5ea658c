/* Pagination and drawing of a flow (see layout.h).
 *
 * Items are placed top to bottom; when one does not fit, the break moves
 * back to honour widows and orphans, to keep headings (and anything else
 * marked keep_next) with what follows, and to carry the tags, outline
 * entries and destinations that open a block to the page the block starts
 * on. A break always moves forward by at least one item, so pagination
 * ends. Table rows that start a page get their table's header row again.
 * An image is kept with a one-line paragraph right after it (nearly always
 * its caption), and an image that would leave much of a page empty is
 * shrunk, by no more than NB_IMAGE_MIN_SCALE, to fit the space left.
 * Drawing then replays the placements through the device. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "write/pdf/justify.h"
#include "write/pdf/layout.h"

typedef struct place {
  int page;
  double y; /* < 0: not drawn (a space swallowed by a break) */
} place;

/* The smallest share of its size an image is shrunk to so that it fits the
 * rest of a page rather than leaving that rest empty. */
#define NB_IMAGE_MIN_SCALE 0.6

typedef struct repeat {
  int page;
  size_t item;
} repeat;

static int S_zero(const nb_item *it) {
  return it->kind == IT_TAG || it->kind == IT_ENDTAG || it->kind == IT_DEST ||
         it->kind == IT_OUTLINE;
}

static int S_content(const nb_item *it) {
  return it->kind == IT_LINE || it->kind == IT_IMAGE || it->kind == IT_RULE ||
         it->kind == IT_ROW;
}

/* Height needed from item @p i on for the orphans of its paragraph. */
static double S_orphan_need(const nb_flow *f, size_t i) {
  const nb_item *it = &f->items[i];
  double need = 0;
  int want, k = 0;
  if (it->kind != IT_LINE || it->line_no != 0 || it->nlines < 2)
    return it->h;
  want = it->orphans < it->nlines ? it->orphans : it->nlines;
  if (want < 1)
    want = 1;
  for (; i < f->n && k < want; i++) {
    if (f->items[i].kind != IT_LINE || f->items[i].para != it->para)
      break;
    need += f->items[i].h;
    k++;
  }
  return need;
}

/* Height of the keep chain starting at @p i: the kept items, the spaces
 * between them and enough of the next block to satisfy its orphans.
 * @p image gets the first image in the chain that could be shrunk, or
 * (size_t)-1. */
static double S_keep_need(const nb_flow *f, size_t i, size_t *image) {
  double need = 0;
  size_t steps = 0;
  *image = (size_t)-1;
  for (; i < f->n && steps < 200; i++, steps++) {
    const nb_item *it = &f->items[i];
    if (S_zero(it))
      continue;
    if (it->kind == IT_SPACE) {
      need += it->h;
      continue;
    }
    if (it->kind == IT_BREAK)
      break;
    if (it->kind == IT_IMAGE && it->res && *image == (size_t)-1)
      *image = i;
    if (!it->keep_next)
      return need + S_orphan_need(f, i);
    need += it->h;
  }
  return need;
}

/* Shrinks image @p it to height @p room, centred in its old box, when that
 * keeps at least NB_IMAGE_MIN_SCALE of its size. Returns 1 if it did. */
static int S_shrink_image(nb_item *it, double room) {
  double s;
  if (it->h <= 0 || room < it->h * NB_IMAGE_MIN_SCALE)
    return 0;
  s = room / it->h;
  it->x += it->w * (1 - s) / 2;
  it->w *= s;
  it->h = room;
  return 1;
}

/* Keeps each image with a one-line paragraph that follows it. */
static void S_keep_captions(nb_flow *f) {
  size_t i, j;
  for (i = 0; i < f->n; i++) {
    if (f->items[i].kind != IT_IMAGE || f->items[i].keep_next)
      continue;
    for (j = i + 1;
         j < f->n && (S_zero(&f->items[j]) || f->items[j].kind == IT_SPACE);
         j++)
      ;
    if (j < f->n && f->items[j].kind == IT_LINE && f->items[j].line_no == 0 &&
        f->items[j].nlines == 1)
      f->items[i].keep_next = 1;
  }
}

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

static void S_page_furniture(nb_pdf *pdf, nb_page_ctx *pc, int page_no,
                             int first_of_flow, double left) {
  char num[32];
  PangoLayout *l;
  PangoLayoutLine *line;
  double ink;
  int shown = page_no - pc->number_offset;
  if (pc->roman)
    S_roman(shown, num, sizeof num);
  else
    snprintf(num, sizeof num, "%d", shown);
  nb_dev_page_label(pc->dev, num);
  if (pc->no_furniture)
    return;
  if (pc->header && *pc->header && !(first_of_flow && pc->no_header_first)) {
    /* shaping and ellipsizing the same header on every page is a good
     * part of a book's furniture: keep the last one */
    if (!pdf->header_text || strcmp(pdf->header_text, pc->header) != 0) {
      if (pdf->header_layout)
        g_object_unref(pdf->header_layout);
      free(pdf->header_text);
      pdf->header_layout = S_small_layout(pdf, pc->header, pdf->text_w * 0.6);
      pdf->header_text = nb_strdup(pc->header);
    }
    line = pango_layout_get_line_readonly(pdf->header_layout, 0);
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
  if (pdf->duplex && page_no % 2 == 0)
    return pdf->margin[NB_RIGHT];
  return pdf->margin[NB_LEFT];
}

/* ## Pagination: which page, and where on it, each item goes */

typedef struct nb_pages {
  place *pl;    /* one per item */
  repeat *reps; /* header rows repeated at page tops, in page order */
  size_t nreps, capreps;
  int npages;
} pages;

/* 1 when content item @p i fits at @p y of a page @p avail high, with what
 * it must keep on the same page (its keep chain, its paragraph's
 * orphans); an image in that chain may be shrunk to make it fit. */
static int S_fits(nb_flow *f, size_t i, double y, double avail) {
  nb_item *it = &f->items[i];
  double need = it->h;
  size_t image = it->kind == IT_IMAGE && it->res ? i : (size_t)-1;
  int fits;
  if (it->keep_next)
    need = S_keep_need(f, i, &image);
  else if (it->kind == IT_LINE && it->line_no == 0)
    need = S_orphan_need(f, i);
  fits = y + need <= avail + 0.01;
  /* an image here or kept with this (under a heading, over a caption)
   * is shrunk before the page is left part empty */
  if (!fits && y > 0 && image != (size_t)-1)
    fits = S_shrink_image(&f->items[image],
                          avail - y - (need - f->items[image].h));
  if (!fits && need > avail)
    fits = y + it->h <= avail + 0.01;
  return fits;
}

/* Where the page must break when item @p i does not fit: before @p i, or
 * earlier to leave enough widows, to keep a keep chain together and to
 * carry the tags, destinations and spaces that open a block along with
 * it. Returns @p i when nothing on the page can go over. */
static size_t S_break_before(const nb_flow *f, size_t i, size_t page_start,
                             double y, double avail) {
  const nb_item *it = &f->items[i];
  size_t b = i;
  if (it->kind == IT_LINE && it->line_no > 0 && y + it->h > avail + 0.01) {
    int remaining = it->nlines - it->line_no;
    if (remaining < it->widows) {
      size_t back = (size_t)(it->widows - remaining);
      if ((size_t)it->line_no >= back &&
          it->line_no - (int)back >= (it->orphans > 0 ? it->orphans : 1))
        b = i - back;
      else
        b = i - (size_t)it->line_no;
    }
  }
  /* keep chains: move before any kept item that precedes b */
  for (;;) {
    size_t j = b;
    while (j > page_start &&
           (S_zero(&f->items[j - 1]) || f->items[j - 1].kind == IT_SPACE))
      j--;
    if (j > page_start && S_content(&f->items[j - 1]) &&
        f->items[j - 1].keep_next) {
      b = j - 1;
      continue;
    }
    break;
  }
  while (b > page_start &&
         (f->items[b - 1].kind == IT_TAG || f->items[b - 1].kind == IT_DEST ||
          f->items[b - 1].kind == IT_OUTLINE ||
          f->items[b - 1].kind == IT_SPACE))
    b--;
  if (b <= page_start)
    b = i; /* nothing to carry over: break right here */
  return b;
}

/* A new page starting at item @p b continues a table with a header row:
 * note the row for repetition at the page top and return its height. */
static double S_repeat_header(const nb_flow *f, pages *pg, size_t b, int page) {
  size_t j = b;
  while (j < f->n && !S_content(&f->items[j]))
    j++;
  if (j >= f->n || f->items[j].kind != IT_ROW || f->items[j].header_item < 0 ||
      (size_t)f->items[j].header_item >= f->n)
    return 0;
  if (pg->nreps == pg->capreps) {
    size_t cap = pg->capreps ? pg->capreps * 2 : 8;
    repeat *nr = nb_reallocarray(pg->reps, cap, sizeof *nr);
    if (nr) {
      pg->reps = nr;
      pg->capreps = cap;
    }
  }
  if (pg->nreps >= pg->capreps)
    return 0;
  pg->reps[pg->nreps].page = page;
  pg->reps[pg->nreps].item = (size_t)f->items[j].header_item;
  pg->nreps++;
  return f->items[f->items[j].header_item].h;
}

/* Places every item of @p f; fills @p pg (pl allocated by the caller). */
static void S_paginate(nb_flow *f, double avail, pages *pg) {
  place *pl = pg->pl;
  size_t i, page_start = 0;
  int page = 0;
  double y = 0;
  for (i = 0; i < f->n;) {
    nb_item *it = &f->items[i];
    size_t b;
    if (S_zero(it)) {
      pl[i].page = page;
      pl[i].y = y;
      i++;
      continue;
    }
    if (it->kind == IT_BREAK) {
      if (y > 0) {
        page++;
        y = 0;
        page_start = i + 1;
      }
      pl[i].page = page;
      pl[i].y = -1;
      i++;
      continue;
    }
    if (it->kind == IT_SPACE) {
      pl[i].page = page;
      if ((y == 0 && !it->keep_at_top) || y + it->h > avail) {
        pl[i].y = -1;
      } else {
        pl[i].y = y;
        y += it->h;
      }
      i++;
      continue;
    }
    if (S_fits(f, i, y, avail) || y == 0) {
      pl[i].page = page;
      pl[i].y = y;
      y += it->h;
      i++;
      continue;
    }
    b = S_break_before(f, i, page_start, y, avail);
    if (b <= page_start) {
      /* the item does not fit even on this page's remaining space and is
       * the first here: place it anyway (it is taller than a page) */
      pl[i].page = page;
      pl[i].y = y;
      y += it->h;
      i++;
      continue;
    }
    page++;
    y = 0;
    page_start = b;
    i = b;
    y += S_repeat_header(f, pg, b, page);
  }
  pg->npages = page + 1;
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
  case IT_BREAK: break;
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

static void S_draw(nb_flow *f, nb_page_ctx *pc, const pages *pg) {
  nb_pdf *pdf = f->pdf;
  outline_stack os;
  int cur = -1, npages = pg->npages;
  size_t i, r = 0;
  double top = pdf->margin[NB_TOP], ox = 0;
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
    if (pg->pl[i].y < 0 && !S_zero(&f->items[i]))
      continue;
    S_draw_item(pdf, pc, &os, &f->items[i], pc->first_page + cur, ox,
                top + pg->pl[i].y);
  }
  if (cur >= 0 && cur < npages)
    nb_dev_end_page(pc->dev);
}

void nb_flow_pages_free(struct nb_pages *pg) {
  if (!pg)
    return;
  free(pg->pl);
  free(pg->reps);
  free(pg);
}

int nb_flow_render(nb_flow *f, nb_page_ctx *pc) {
  if (f->n == 0)
    return 0;
  if (!f->pages) {
    pages *pg = nb_calloc(1, sizeof *pg);
    if (!pg || !(pg->pl = nb_calloc(f->n, sizeof *pg->pl))) {
      free(pg);
      return -1;
    }
    S_keep_captions(f);
    S_paginate(f, f->pdf->text_h, pg);
    f->pages = pg;
  }
  if (pc->dev)
    S_draw(f, pc, f->pages);
  return f->pages->npages;
}
