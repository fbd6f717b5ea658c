/* Where a flow's items fall on pages (paginate.c), shared with the code
 * that draws them (draw.c). Internal to the PDF writer. */
#ifndef NB_PDF_PAGES_H
#define NB_PDF_PAGES_H

#include "write/pdf/layout.h"

typedef struct place {
  int page;
  double y; /* < 0: not drawn (a space swallowed by a break) */
} place;

typedef struct repeat {
  int page;
  size_t item;
} repeat;

typedef struct nb_pages {
  place *pl;    /* one per item */
  repeat *reps; /* header rows repeated at page tops, in page order */
  size_t nreps, capreps;
  int npages;
} pages;

/** 1 for items that take no room (tags, destinations, outline entries). */
int nb_item_zero(const nb_item *it);

/** Draw the paginated flow @p f through pc->dev, page by page. */
void nb_flow_draw(nb_flow *f, nb_page_ctx *pc, const pages *pg);

#endif
