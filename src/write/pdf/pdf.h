/* The PDF writer's entry below nb_write_pdf: render a book through any
 * device (the Cairo one for files, the trace one for tests). Internal. */
#ifndef NB_PDF_PDF_H
#define NB_PDF_PDF_H

#include <stddef.h>

#include "newsbook/writer.h"
#include "write/pdf/device.h"

/** Lay out and draw @p book on @p dev (borrowed; not closed). @p opts may
 * be NULL. 0 or a negative nb_code with @p err filled. */
int nb_pdf_render(const nb_book *book, const nb_write_options *opts,
                  nb_dev *dev, const nb_diag *diag, nb_error *err);

/** How many articles the calling thread has laid out so far, over all
 * its nb_pdf_render calls: each article of a book is laid out exactly once
 * (for tests; a thread's count only moves while it renders). */
size_t nb_pdf_article_layouts(void);

/** For tests: the bytes of laid-out articles a book may hold between
 * counting their pages and drawing them (see pdf.c); 0 restores the
 * default. The calling thread's renders only. */
void nb_pdf_set_hold_limit(size_t bytes);

/** Page size and margins the writer will use for @p opts (and the theme
 * @p css, may be NULL), in points. 0 or NB_ERR_ARGUMENT. */
struct nb_css;
int nb_pdf_page_setup(const nb_write_options *opts, const struct nb_css *css,
                      double *w, double *h, double margin[4], nb_error *err);

#endif
