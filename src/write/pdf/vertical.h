/* Vertical writing (縦書き, 直排) helpers shared by the PDF writer's layout
 * and its Cairo device: numbers set upright in one cell (縦中横,
 * tate-chū-yoko) and where glyphs sit in a column. Lines of vertical text
 * are laid out by Pango with vertical gravity (upright CJK in their
 * vertical forms, Latin sideways); what Pango has no notion of is here.
 * Internal to the library. */
#ifndef NB_PDF_VERTICAL_H
#define NB_PDF_VERTICAL_H

#include <stddef.h>

#include <pango/pango.h>

/* A column's glyphs are centred on the line's baseline; an upright glyph
 * fills its em box (from 0.12 em below its alphabetic baseline to 0.88
 * em above, as CJK faces draw them). A sideways run is centred the same
 * way, on the central baseline of that box: its alphabetic baseline lies
 * this many em from the column's centre, toward the column's left. */
#define NB_VERT_CENTRAL 0.38

/** Mark the numbers of @p text (@p len bytes, laid out vertically in a
 * face of @p em points described by @p fd) to stand upright in one cell:
 * one to three ASCII digits that are not part of a word ("5G") or of a
 * longer number ("3.14", "1,000", "10:30"), the rule the EPUB writer
 * follows for text-combine-upright. Each such number gets, in @p attrs,
 * a shape one em long on its first digit (carrying the number laid out
 * horizontally with @p hctx: an ideographic space, then the digits,
 * two or three of them in half-width forms) and an empty one on the
 * others; the text itself is unchanged. Returns how many were marked. */
int nb_tcy_mark(PangoContext *hctx, const PangoFontDescription *fd, double em,
                const char *text, size_t len, PangoAttrList *attrs);

/** For a run of a vertical line: the horizontal layout of the number
 * that starts there (borrowed; its text is U+3000 and the digits), or
 * NULL when the run is not an upright number's first digit. */
PangoLayout *nb_tcy_layout(const PangoGlyphItem *run);

/** 1 when @p run holds the other digits of an upright number (they take
 * no room and are drawn with the first), else 0. */
int nb_tcy_rest(const PangoGlyphItem *run);

/** The text @p layout stands for, which its glyphs are read as: its own,
 * or what it had before nb_vertical_set_shown changed it. Borrowed. */
const char *nb_vertical_source(PangoLayout *layout);

/** Give @p layout the text @p shown (as long as its own, byte for byte;
 * the call frees it), keeping its text until then as the one its glyphs
 * are read as (nb_vertical_source): vertical quote marks drawn for
 * horizontal ones. */
void nb_vertical_set_shown(PangoLayout *layout, char *shown);

#endif
