/* What fontsub.c (the subsets, horizontal lines) shares with
 * fontsub_vert.c (vertical lines, and the horizontal lines of a vertical
 * book). Internal to the PDF writer. */
#ifndef NB_PDF_FONTSUB_INT_H
#define NB_PDF_FONTSUB_INT_H

#include <cairo.h>
#include <hb.h>
#include <pango/pangocairo.h>

#include "write/pdf/fontsub.h"

typedef struct sub_face {
  char *file;
  int index;
  hb_set_t *glyphs;         /* noted glyph ids */
  hb_set_t *chars;          /* the characters of the runs noted */
  hb_map_t *map;            /* glyph id in the face -> in the subset */
  cairo_font_face_t *cface; /* the subset, or NULL */
  int want_v;               /* make vface too (a vertical book) */
  cairo_font_face_t *vface; /* the same subset under the name that marks
                               it for vertical metrics (pdftags.h), for
                               upright glyphs of vertical lines; or NULL */
} sub_face;

typedef struct sub_font {
  sub_face *face;          /* NULL: not a face we can subset */
  cairo_scaled_font_t *sf; /* made on first draw */
  int sf_failed;
  cairo_scaled_font_t *vsf; /* the same with face->vface */
  int vsf_failed;
} sub_font;

struct nb_fontsub {
  sub_face **faces;
  size_t nfaces, capfaces;
  GHashTable *fonts; /* PangoFont (referenced) -> sub_font */
  int built;
  int vertical; /* faces get a vertical twin */
};

/* What a run's attributes ask of the renderer. */
typedef struct run_look {
  const PangoColor *fg; /* NULL: the current source colour */
  int underline;        /* a single underline */
} run_look;

/** What @p run's attributes ask (a colour, a single underline; a rise is
 * in its glyphs' offsets) into @p look: 1, or 0 when they ask more than
 * the subset drawing does (right to left, other underlines, anything
 * else), and Pango must draw the run. */
int nb_fontsub_read_look(PangoGlyphItem *run, run_look *look);
/** The subset font of @p font, made on first use (owned by @p fs), or
 * NULL. */
sub_font *nb_fontsub_font(nb_fontsub *fs, PangoFont *font);
/** The run's font in the subset, or NULL when Pango must draw the run;
 * @p look gets what its attributes ask. */
sub_font *nb_fontsub_run_font(nb_fontsub *fs, PangoGlyphItem *run,
                              run_look *look);
/** Set @p c (NULL: leave the current source) as the source colour. */
void nb_fontsub_set_colour(cairo_t *cr, const PangoColor *c);
/** Draw @p run's glyphs mapped by @p map in @p scaled from (base_x,
 * base_y), one cluster per Pango cluster. 0, or -1 having drawn nothing. */
int nb_fontsub_show_glyphs(cairo_t *cr, const char *text, PangoGlyphItem *run,
                           const hb_map_t *map, cairo_scaled_font_t *scaled,
                           const PangoColor *fg, double base_x, double base_y);

#endif
