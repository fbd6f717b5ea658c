/* Vertical fonts for a vertical book's PDF, after Cairo (pdfvert.c): the
 * fonts whose name ends with NB_PDF_VERT_SUFFIX (the upright glyphs of
 * vertical lines, see pdftags.h) become vertical, the pages using them
 * get their text positions moved to match, and their ToUnicode maps say
 * what the glyphs Cairo drew inside ActualText spans stand for. Internal
 * to the library. */
#ifndef NB_PDF_PDFVERT_H
#define NB_PDF_PDFVERT_H

#include <glib.h>

#include "write/pdf/pdfread.h"

/* A page that draws with vertical fonts. */
typedef struct nb_vpage {
  int page, contents; /* the page and its content stream */
  char **names;       /* the vertical fonts' resource names there */
  int *objs;          /* ... and their Type0 font objects */
  size_t nnames;
  int done; /* its content written already */
} nb_vpage;

typedef struct nb_pdfvert {
  unsigned char *kind; /* per object: 0 unseen, 1 a vertical font, 2 not */
  int *fonts;          /* the vertical fonts' Type0 objects */
  /* per vertical font: code -> the character its glyph stands for, read
   * from the ActualText of the spans drawing it (NULL: none seen) */
  GHashTable **chars;
  size_t nfonts, capfonts;
  nb_vpage *pages; /* in page-tree order */
  size_t npages, cappages;
} nb_pdfvert;

/** Find the vertical fonts and the pages using them, walking the page
 * tree of catalog text @p cat in @p r. 0, or -1 when the file is not as
 * expected or memory ran out (then nothing should change). */
int nb_pdfvert_scan(nb_pdfvert *v, nb_pdfr *r, const char *cat);
/** Add the vertical fonts, turned vertical under their own name, to
 * @p u. 0 or -1. */
int nb_pdfvert_fonts(const nb_pdfvert *v, nb_pdfr *r, nb_pdfu *u, long base);
/** The page entry for page object @p page, or NULL. */
nb_vpage *nb_pdfvert_page(const nb_pdfvert *v, int page);
/** Move the text positions of @p content (page @p vp's, decoded) so that
 * the vertical fonts' glyphs stay where Cairo drew them; and note in
 * @p v what the glyphs drawn in ActualText spans stand for. 0 or -1. */
int nb_pdfvert_content(nb_pdfvert *v, const nb_vpage *vp, nb_buf *content);
/** After every page's content: the vertical fonts' ToUnicode maps, with
 * the glyphs Cairo could only map to U+FFFD (drawn inside ActualText
 * spans: upright numbers and their blanks) mapped to what they stand
 * for, to @p u. 0 or -1. */
int nb_pdfvert_to_unicode(const nb_pdfvert *v, nb_pdfr *r, nb_pdfu *u,
                          long base);
void nb_pdfvert_free(nb_pdfvert *v);

#endif
