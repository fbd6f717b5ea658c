/* Line justification and kinsoku for CJK and mixed text, and the font
 * setup of the PDF writer. Internal to the library. */
#ifndef NB_PDF_JUSTIFY_H
#define NB_PDF_JUSTIFY_H

#include <stdint.h>

#include <pango/pango.h>

#include "newsbook/error.h"

/** 1 for characters Chinese/Japanese typesetting forbids at a line start
 * (closing punctuation, small kana, ...), 0 otherwise. */
int nb_kinsoku_no_start(uint32_t cp);
/** 1 for characters forbidden at a line end (opening brackets, quotes). */
int nb_kinsoku_no_end(uint32_t cp);

/** The byte offset of the first line break in @p layout that puts a
 * forbidden character at a line start or end (where a WORD JOINER would
 * prevent it), or -1 when every break is fine. */
int nb_kinsoku_find_violation(PangoLayout *layout);

/** Adjacent full-width punctuation ("），", "。」", "（「"): marks @p attrs so
 * that the font's half-width forms (OpenType 'halt') close the double
 * blank between them, as CLREQ and JLREQ set it. Returns how many marks. */
int nb_punct_compress(const char *text, size_t len, PangoAttrList *attrs);

/** Stretch @p line so that its last visible glyph ends exactly @p width
 * points from its left end, by widening the gaps between clusters: spaces
 * and gaps next to CJK characters first, inside Latin words only when there
 * is nothing else. Nothing is added after the last visible character.
 * Lines short by more than @p max_ratio of @p width are left alone.
 * Returns 1 when the line was changed. */
int nb_justify_line(PangoLayoutLine *line, double width, double max_ratio);

/** 1 when @p line ends a paragraph or at a forced break (its last line,
 * or a line ended by U+2028 / newline): such lines stay ragged. */
int nb_line_is_last(PangoLayout *layout, int line_no, int nlines);

/** A Pango font map for PDF output using fontconfig with the project's
 * snippet (fonts/newsbook-fonts.conf, found via NB_SRCDIR then NB_DATADIR)
 * loaded on top of the system configuration. @p diag hears when the
 * snippet is missing. Free with g_object_unref. */
PangoFontMap *nb_pdf_font_map_new(const nb_diag *diag);
/** A context for @p fm set up for PDF: unhinted metrics, unrounded glyph
 * positions, 72 dpi, language @p lang (BCP 47 or NULL). */
PangoContext *nb_pdf_context_new(PangoFontMap *fm, const char *lang);

#endif
