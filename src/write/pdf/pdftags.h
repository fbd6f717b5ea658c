/* Tagged-PDF entries Cairo 1.16 cannot write, added after it has finished
 * (see pdftags.c). Internal to the library. */
#ifndef NB_PDF_PDFTAGS_H
#define NB_PDF_PDFTAGS_H

#include <stddef.h>
#include <stdio.h>

#include "newsbook/error.h"

/** What one structure tag should carry, in the order the tags were begun
 * (which is the structure tree's pre-order). */
typedef struct nb_tag_note {
  char type[16]; /**< "P", "Figure", "Link", "Artifact"... */
  char *alt;     /**< /Alt text (malloc'd) or NULL */
  char lang[24]; /**< /Lang, or "" */
  int artifact;  /**< page furniture or decoration begun as a Span */
} nb_tag_note;

/* Vertical writing. The upright glyphs of vertical lines are drawn with
 * a twin of their font whose PostScript name ends with
 * NB_PDF_VERT_SUFFIX (fontsub.c). nb_pdf_tags_apply makes those fonts
 * vertical (Identity-V: each glyph advances down its column, so text
 * extraction reads the column as a line) under their own name again,
 * with every glyph's current point NB_PDF_VERT_ORIGIN em below its origin
 * (the foot of its em box, where extractors take a vertical glyph to
 * end), and moves the text position in the pages' content to match: the
 * page looks exactly as Cairo drew it. */
#define NB_PDF_VERT_SUFFIX ".vert"
#define NB_PDF_VERT_ORIGIN 0.12

typedef struct nb_pdf_tags {
  char lang[24];     /**< the catalog's /Lang, or "" */
  int display_title; /**< /ViewerPreferences << /DisplayDocTitle true >> */
  int vertical;      /**< /ViewerPreferences << /Direction /R2L >> and the
                          vertical fonts made vertical */
  nb_tag_note *tags;
  size_t n, cap;
  int failed; /**< out of memory while noting: apply does nothing */
} nb_pdf_tags;

void nb_pdf_tags_init(nb_pdf_tags *t);
void nb_pdf_tags_free(nb_pdf_tags *t);
/** Note a begun tag; @p alt and @p lang may be NULL. */
void nb_pdf_tags_add(nb_pdf_tags *t, const char *type, const char *alt,
                     const char *lang);

/** Rewrite the PDF Cairo wrote at @p path (read back from there; @p out
 * is the same file open for writing) with the catalog's /Lang and
 * /ViewerPreferences, /Alt and /Lang on the noted structure elements, and
 * the artifacts taken out of the tree, their content marked /Artifact;
 * for a vertical book, the vertical fonts (above).
 * When the file is not as expected (the tree does not match the notes)
 * it is left as it is. Returns 0, 1 when nothing was changed, or a
 * negative nb_code (@p out may then be cut short: the caller aborts). */
int nb_pdf_tags_apply(const char *path, FILE *out, const nb_pdf_tags *t,
                      nb_error *err);

#endif
