/* Pagination of a flow (see layout.h); draw.c draws the result.
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
 * In a vertical book, code and tables are paginated as flows of their own,
 * a column's length to a page, whose pages become IT_BLOCK items. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "write/pdf/justify.h"
#include "write/pdf/layout.h"
#include "write/pdf/pages.h"

/* The smallest share of its size an image is shrunk to so that it fits the
 * rest of a page rather than leaving that rest empty. */
#define NB_IMAGE_MIN_SCALE 0.6

int nb_item_zero(const nb_item *it) {
  return it->kind == IT_TAG || it->kind == IT_ENDTAG || it->kind == IT_DEST ||
         it->kind == IT_OUTLINE;
}

static int S_content(const nb_item *it) {
  return it->kind == IT_LINE || it->kind == IT_IMAGE || it->kind == IT_RULE ||
         it->kind == IT_ROW || it->kind == IT_BLOCK;
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
    if (nb_item_zero(it))
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
    for (j = i + 1; j < f->n && (nb_item_zero(&f->items[j]) ||
                                 f->items[j].kind == IT_SPACE);
         j++)
      ;
    if (j < f->n && f->items[j].kind == IT_LINE && f->items[j].line_no == 0 &&
        f->items[j].nlines == 1)
      f->items[i].keep_next = 1;
  }
}

/* ## Pagination: which page, and where on it, each item goes */

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
           (nb_item_zero(&f->items[j - 1]) || f->items[j - 1].kind == IT_SPACE))
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
    if (nb_item_zero(it)) {
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
    nb_flow_draw(f, pc, f->pages);
  return f->pages->npages;
}

void nb_flow_add_blocks(nb_flow *f, nb_flow *sub, double x, double avail,
                        const nb_deco *decos, int ndecos, int keep_next) {
  pages *pg;
  int k;
  if (sub->n == 0 || sub->failed) {
    f->failed |= sub->failed;
    return;
  }
  pg = nb_calloc(1, sizeof *pg);
  if (!pg || !(pg->pl = nb_calloc(sub->n, sizeof *pg->pl))) {
    free(pg);
    f->failed = 1;
    return;
  }
  S_paginate(sub, avail, pg);
  sub->pages = pg;
  for (k = 0; k < pg->npages; k++) {
    nb_item it;
    double wide = 0, tall = 0;
    size_t i, r;
    for (r = 0; r < pg->nreps; r++)
      if (pg->reps[r].page == k)
        tall += sub->items[pg->reps[r].item].h;
    for (i = 0; i < sub->n; i++) {
      const nb_item *s = &sub->items[i];
      double right = s->x + s->w;
      int d;
      if (pg->pl[i].page != k || pg->pl[i].y < 0 || nb_item_zero(s))
        continue;
      if (s->kind == IT_ROW && s->row) {
        size_t c;
        right = 0;
        for (c = 0; c < s->row->ncells; c++)
          if (s->row->cells[c].x + s->row->cells[c].w > right)
            right = s->row->cells[c].x + s->row->cells[c].w;
      }
      for (d = 0; d < s->ndecos; d++)
        if (s->decos[d].x + s->decos[d].w > right)
          right = s->decos[d].x + s->decos[d].w;
      if (right > wide)
        wide = right;
      if (pg->pl[i].y + s->h > tall)
        tall = pg->pl[i].y + s->h;
    }
    if (wide <= 0 || tall <= 0)
      continue;
    memset(&it, 0, sizeof it);
    it.kind = IT_BLOCK;
    it.sub = sub;
    it.sub_page = k;
    it.x = x;
    it.w = tall;
    it.h = wide;
    it.keep_next = k + 1 == pg->npages ? keep_next : 0;
    nb_item_decos(f, &it, decos, ndecos);
    nb_flow_add(f, &it);
  }
}
