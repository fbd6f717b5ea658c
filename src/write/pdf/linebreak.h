/* Total-fit line breaking for the PDF writer (Knuth and Plass's
 * algorithm on Pango's break opportunities and glyph advances), with the
 * adjustments CLREQ and JLREQ order, hyphenation by libhyphen's patterns
 * and kinsoku. Internal to the library. */
#ifndef NB_PDF_LINEBREAK_H
#define NB_PDF_LINEBREAK_H

#include <hyphen.h>

#include "write/pdf/layout.h"

/* Hyphenation patterns of one language, read in the background
 * (nb_hyphen_load). */
typedef struct nb_hyph nb_hyph;

typedef struct nb_lb_opts {
  double width;       /**< the measure, points */
  double indent;      /**< first-line indent, points (>= 0) */
  double em;          /**< the paragraph's font size, points */
  double autospace;   /**< CJK-Latin space in em (0: none) */
  int justify;        /**< lines are spread to the measure (else ragged) */
  int compress_edges; /**< full-width closing punctuation may lose its
                           blank half at a line end, opening at a line
                           start (faces that set them off-centre: SC, JP) */
  nb_hyph *hyph;      /**< patterns for Latin words, or NULL */
  const char *latin_family; /**< the face hyphens are drawn from */
} nb_lb_opts;

/** Break @p layout (laid out by Pango at o->width) into lines chosen for
 * the whole paragraph at once: the breaks minimising the sum of each
 * line's badness (how far its gaps must stretch or shrink), never where
 * kinsoku forbids, hyphenating Latin words where that helps. When Pango's
 * own lines differ, @p text gets a SOFT HYPHEN at each hyphenated break
 * (@p attrs and @p links move with it), @p attrs gets what makes Pango
 * break exactly there and compress line-edge punctuation, and @p layout
 * is set again. Returns 0, or -1 when it left the layout as it was
 * (right-to-left text, out of memory). */
int nb_linebreak(PangoLayout *layout, nb_buf *text, PangoAttrList *attrs,
                 nb_link *links, size_t nlinks, const nb_lb_opts *o);

/** The patterns for language @p lang (BCP 47) from /usr/share/hyphen, or
 * NULL when there are none. Chinese, Japanese and Korean text takes the
 * English ones for its Latin words. Reading a pattern file takes some
 * milliseconds (8 for English) and many articles hyphenate nothing, so
 * the file is read on a thread of its own: this returns at once, and
 * only a paragraph that needs hyphens waits for it (nb_hyphen_dict).
 * Borrowed: loaded once and kept for the process (thread-safe). */
nb_hyph *nb_hyphen_load(const char *lang);
/** The patterns of @p h, once read (waiting for them); NULL when @p h is
 * NULL or its file could not be read. */
HyphenDict *nb_hyphen_dict(nb_hyph *h);

#endif
