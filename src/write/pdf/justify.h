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

/* ## Spacing between neighbouring characters
 *
 * Every gap of a line is of one kind, decided by the characters on either
 * side (zero-width characters are looked through), and the kind says how
 * the gap may change when a line is set (CLREQ, JLREQ):
 *   - NB_GAP_CJK: inter-character space beside Han, kana or full-width
 *     punctuation: may widen, a little, to justify a line;
 *   - NB_GAP_GLUE: Han or kana against a Latin letter or digit: a quarter
 *     em (the theme's width) added by glyph positioning, down to an
 *     eighth of an em on a tight line;
 *   - NB_GAP_SPACE: a word space, which widens first and shrinks a little;
 *   - NB_GAP_GLUESPACE: a space that already separates Han from Latin: set
 *     to the glue's width;
 *   - NB_GAP_MARKSPACE: a space after a full-width closing mark or before
 *     an opening one ("预测： 彗星"), where the mark's own blank half
 *     already separates: it takes no room (xeCJK drops it too), and is
 *     kept in the text;
 *   - NB_GAP_NONE: everything else, inside Latin words above all: never
 *     letter-spaced. */
enum {
  NB_GAP_NONE = 0,
  NB_GAP_CJK,
  NB_GAP_GLUE,
  NB_GAP_SPACE,
  NB_GAP_GLUESPACE,
  NB_GAP_MARKSPACE
};

/* How far each kind of gap may move, in em of the paragraph's font (the
 * line breaker and the justifier share them). A CJK gap of more than a
 * tenth of an em reads as characters spread apart, a word space of more
 * than 0.7 em as a river; the CJK-Latin space stays near its quarter em. */
#define NB_CJK_STRETCH 0.04  /* inter-character: comfortable widening */
#define NB_CJK_CAP 0.095     /* ... and the most it takes */
#define NB_GLUE_STRETCH 0.02 /* CJK-Latin space */
#define NB_GLUE_CAP 0.05
#define NB_GLUE_MIN 0.125    /* the CJK-Latin space shrinks to this */
#define NB_SPACE_STRETCH 0.5 /* word space: share of its own width */
#define NB_SPACE_MAX 0.65    /* the widest word space, em */
#define NB_SPACE_SHRINK 0.3  /* share of its width a word space gives */

/** Character classes the gap kinds are decided from. */
enum {
  NB_CC_OTHER = 0,
  NB_CC_HAN,   /* Han, kana, hangul, full-width letters and digits */
  NB_CC_PUNCT, /* CJK and full-width punctuation */
  NB_CC_IDSP,  /* U+3000: already a full em of blank */
  NB_CC_LATIN, /* Latin, Greek, Cyrillic letters and digits */
  NB_CC_SPACE, /* word spaces */
  NB_CC_ZERO   /* zero-width: ZWSP, WJ, SHY, line separators */
};

int nb_char_class(uint32_t cp);
/** The kind of the gap before a character of class @p b whose nearest
 * visible neighbour before it is of class @p a; for a space (@p b is
 * NB_CC_SPACE), @p c is the class of the next visible character, and
 * @p before and @p after the code points on either side of it (for
 * NB_GAP_MARKSPACE, and a space between digits, which is part of a
 * number and never adjusted; unused otherwise). */
int nb_gap_kind(int a, int b, int c, uint32_t before, uint32_t after);
/** 1 when a word space between code points @p before and @p after (the
 * nearest visible ones) is redundant: @p before is a full-width closing
 * mark or @p after a full-width opening one (NB_GAP_MARKSPACE). Curly
 * quotes are not counted: between Latin words they are Latin marks. */
int nb_space_beside_mark(uint32_t before, uint32_t after);

/** Full-width closing punctuation with its blank on the right, which may
 * lose that half at a line end; opening punctuation with its blank on the
 * left, which may lose it at a line start. */
int nb_punct_closing(uint32_t cp);
int nb_punct_opening(uint32_t cp);

/** How lines are set (all lengths in points). */
typedef struct nb_space_opts {
  double em;        /**< the paragraph's font size */
  double autospace; /**< CJK-Latin space in em; 0: none */
} nb_space_opts;

/** What a line's gaps allow, in pango units. */
typedef struct nb_line_stats {
  double natural;                   /**< width with the CJK-Latin spaces */
  double stretch, cap;              /**< comfortable and greatest widening */
  double shrink_glue, shrink_space; /**< narrowing of CJK-Latin and word
                                         spaces */
  int visible;                      /**< clusters up to the last visible one */
} nb_line_stats;

/** Measure @p line as nb_justify_line would set it. 0, or -1 when it has
 * nothing visible (or is right-to-left, or out of memory). */
int nb_line_measure(PangoLayoutLine *line, const nb_space_opts *o,
                    nb_line_stats *st);

/** Set the gaps of @p line: the CJK-Latin space added, then, when @p fill,
 * the line spread (or tightened) so that its last visible glyph ends
 * exactly @p width points from its left end: word spaces and CJK-Latin
 * spaces first, then inter-character space up to a tenth of an em; never
 * inside a Latin word. A line that cannot be filled within those limits,
 * or that is short by more than @p max_short points, is left ragged.
 * Changes only glyph advances (the extra goes into the last glyph of a
 * cluster), so the text drawn and extracted is unchanged. Returns 1 when
 * the line was changed. */
int nb_justify_line(PangoLayoutLine *line, double width, double max_short,
                    int fill, const nb_space_opts *o);

/** For Chinese set vertically: a copy of @p text in which the quote
 * marks beside CJK text become the corner brackets vertical Chinese
 * quotes with (GB/T 15834: “ ” as 『 』, ‘ ’ as 「 」, drawn in their
 * vertical forms), byte for byte in place; NULL when there is none to
 * change (or out of memory). malloc'd. */
char *nb_quotes_vertical(const char *text, size_t len);

/** Quote marks (‘ ’ “ ”) between Latin words, or between a Latin word
 * and a space, get the face @p family (a Latin one): CJK faces draw them
 * full-width ("counterculture’ s"). Beside Han, kana or full-width
 * punctuation they keep the CJK face's full-width forms. Returns how many
 * were marked. */
int nb_quotes_latin(const char *text, size_t len, PangoAttrList *attrs,
                    const char *family);

/** A number whose digits are grouped by spaces (12 345 678, 0.055 459:
 * groups of three after one of one to three, by a space or a thin space)
 * is not broken between its groups: @p attrs gets breaks disallowed
 * there. Returns how many such spaces. */
int nb_digit_groups(const char *text, size_t len, PangoAttrList *attrs);

/** A spaced en or em dash after a word ("said – and", "вкусно – не")
 * does not begin a line: @p attrs gets the break before it disallowed
 * (the line may end with it; the break after its space stays). Not after
 * Han or kana. Returns how many dashes. */
int nb_dash_glue(const char *text, size_t len, PangoAttrList *attrs);
/** The Latin faces of the CSS family list @p families (its CJK faces and
 * the generic families left out) into @p out; "" when it has none. */
void nb_latin_families(const char *families, char *out, size_t size);

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
