/* Font subsets made before drawing (fontsub.c). Cairo 1.16 subsets a CFF
 * font by copying the face's whole CFF table into memory and parsing it,
 * once per face the document uses: for a Noto CJK face that is 15-27 MB
 * and some 20-40 ms, several times over for serif, sans, bold and regular.
 * So the PDF writer first notes every glyph its laid-out text uses, then
 * cuts each face down to those glyphs with HarfBuzz's subsetter (keeping
 * glyph ids, so Pango's glyph strings stay valid) and draws with Cairo
 * fonts made from the small faces; Cairo's own subsetter then only sees
 * the small fonts. Internal to the PDF writer. */
#ifndef NB_PDF_FONTSUB_H
#define NB_PDF_FONTSUB_H

#include <cairo.h>
#include <pango/pango.h>

typedef struct nb_fontsub nb_fontsub;

/** A new, empty set of subsets; NULL on out of memory. */
nb_fontsub *nb_fontsub_new(void);
/** Free the set. Cairo font faces made from it stay valid for as long as
 * Cairo holds them (they free their data themselves). NULL is a no-op. */
void nb_fontsub_free(nb_fontsub *fs);

/** Note every glyph of @p layout's lines (borrowed for the call). Does
 * nothing once the subsets are built. */
void nb_fontsub_note(nb_fontsub *fs, PangoLayout *layout);

/** Make the subsets of the glyphs noted so far; later calls do nothing.
 * When HarfBuzz's subsetter is not available, or a face cannot be
 * subset, lines using it are simply not drawn by nb_fontsub_show_line. */
void nb_fontsub_build(nb_fontsub *fs);

/** Draw @p line with its left end at (@p x, @p y) (baseline) on @p cr in
 * the current source colour unless the text's attributes say otherwise,
 * as pango_cairo_show_layout_line would, but with the subset fonts.
 * Returns 0, or -1 having drawn nothing when some run needs what only
 * Pango's renderer does (underline, rise, a glyph not noted before the
 * build, an unsubset face...): the caller then draws the line with Pango. */
int nb_fontsub_show_line(nb_fontsub *fs, cairo_t *cr, PangoLayoutLine *line,
                         double x, double y);

/** Make every face's subset twice, the second time under a name that
 * marks it for vertical metrics (pdftags.h), for the upright glyphs of
 * vertical lines. Only before anything is noted. */
void nb_fontsub_set_vertical(nb_fontsub *fs);

/** Draw a line of vertical writing on @p cr, whose user space is turned
 * so that x runs down the column from the line's start and y = 0 is its
 * baseline: upright runs with the vertical twins, sideways runs centred
 * on the column, upright numbers (vertical.h) in one cell each. What the
 * subsets cannot draw (or everything, when @p fs is NULL) Pango draws,
 * run by run. A line ending above @p reach (along the line; 0: none)
 * has its last run read by text extraction as running on to there (see
 * nb_dev.vreach). */
void nb_fontsub_show_vline(nb_fontsub *fs, cairo_t *cr, PangoLayoutLine *line,
                           double reach);

/* Where the text of a horizontal block in a vertical book is read by
 * extraction: a column at x, from ytop down to ymax (then the next one
 * 1.5 em to the left, while not left of xmin); y is the last place used
 * (ytop to begin). */
typedef struct nb_proxy_col {
  double x, y, ytop, ymax, xmin;
} nb_proxy_col;

/** nb_fontsub_show_line for a horizontal line of a vertical book (code,
 * tables), its text read by extraction as part of the column @p pc, at
 * the line's baseline but each run between one and 1.25 em below the
 * last place used, so that the column has no gaps; @p pc is updated.
 * Underlines are not drawn. 0, or -1 having drawn nothing (Pango must
 * draw it). */
int nb_fontsub_show_line_proxied(nb_fontsub *fs, cairo_t *cr,
                                 PangoLayoutLine *line, double x, double y,
                                 nb_proxy_col *pc);

#endif
