/* Drawing vertical lines with the font subsets (fontsub.h): upright
 * glyphs with the faces' vertical twins, sideways runs, numbers upright in
 * one cell; and the horizontal lines of a vertical book, read by text
 * extraction as a column among the others. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <cairo.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include "util/util.h"
#include "write/pdf/fontsub.h"
#include "write/pdf/fontsub_int.h"
#include "write/pdf/pdftags.h"
#include "write/pdf/vertical.h"

/* ## Vertical lines */

void nb_fontsub_set_vertical(nb_fontsub *fs) {
  if (fs && fs->nfaces == 0)
    fs->vertical = 1;
}

/* A scaled font on @p cf with Pango's size, slant, rotation (vertical
 * gravity turns the glyphs) and options for @p font; NULL on failure. */
static cairo_scaled_font_t *S_scaled_like(PangoFont *font,
                                          cairo_font_face_t *cf) {
  cairo_scaled_font_t *ps, *out;
  cairo_matrix_t fm, ctm;
  cairo_font_options_t *fo;
  if (!cf || !PANGO_IS_CAIRO_FONT(font))
    return NULL;
  ps = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
  if (!ps || cairo_scaled_font_status(ps) != CAIRO_STATUS_SUCCESS ||
      cairo_ft_font_face_get_synthesize(cairo_scaled_font_get_font_face(ps)) !=
          0)
    return NULL;
  fo = cairo_font_options_create();
  cairo_scaled_font_get_font_matrix(ps, &fm);
  cairo_scaled_font_get_ctm(ps, &ctm);
  cairo_scaled_font_get_font_options(ps, fo);
  out = cairo_scaled_font_create(cf, &fm, &ctm, fo);
  cairo_font_options_destroy(fo);
  if (cairo_scaled_font_status(out) != CAIRO_STATUS_SUCCESS) {
    cairo_scaled_font_destroy(out);
    return NULL;
  }
  return out;
}

/* The size of @p font in points (its em). */
static double S_em(PangoFont *font) {
  PangoFontDescription *d = pango_font_describe_with_absolute_size(font);
  double em = pango_font_description_get_size(d) / (double)PANGO_SCALE;
  pango_font_description_free(d);
  return em > 0 ? em : 10;
}

/* For a run of a vertical line, what nb_fontsub_run_font gives a horizontal
 * one: the scaled font to draw it with (the vertical twin for upright glyphs)
 * and its subset, or NULL when Pango must draw it. */
static cairo_scaled_font_t *S_vrun_font(nb_fontsub *fs, PangoGlyphItem *run,
                                        run_look *look, int upright,
                                        sub_font **out) {
  sub_font *sf;
  int i;
  if (!nb_fontsub_read_look(run, look))
    return NULL;
  sf = nb_fontsub_font(fs, run->item->analysis.font);
  if (!sf || !sf->face || !sf->face->cface || !sf->face->map)
    return NULL;
  for (i = 0; i < run->glyphs->num_glyphs; i++) {
    PangoGlyph g = run->glyphs->glyphs[i].glyph;
    if (g == PANGO_GLYPH_EMPTY)
      continue;
    if ((g & PANGO_GLYPH_UNKNOWN_FLAG) || !hb_map_has(sf->face->map, g))
      return NULL;
  }
  *out = sf;
  if (upright && sf->face->vface) {
    if (!sf->vsf && !sf->vsf_failed &&
        !(sf->vsf = S_scaled_like(run->item->analysis.font, sf->face->vface)))
      sf->vsf_failed = 1;
    if (sf->vsf)
      return sf->vsf;
  }
  if (!sf->sf && !sf->sf_failed &&
      !(sf->sf = S_scaled_like(run->item->analysis.font, sf->face->cface)))
    sf->sf_failed = 1;
  return sf->sf;
}

/* An upright number (vertical.h) in the cell that starts @p cx along the
 * line and is @p cell long, centred on the baseline @p cy: its digits
 * side by side, narrowed to an em when wider, in the vertical twin of
 * their face, between two blank glyphs at the cell's foot and head.
 * Drawn as one cluster, so that the PDF carries the digits as the span's
 * ActualText; its first and last glyphs are where an upright glyph of
 * the cell would have its current point at its start and end, so text
 * extraction reads the number in its place in the column. When the cell
 * ends above @p reach (along the line; the line's last cell), extraction
 * reads the digits one under another down to there instead, the last
 * one ending at @p reach. Returns 0, or -1 having drawn nothing. */
static int S_show_tcy(nb_fontsub *fs, cairo_t *cr, const char *text,
                      const PangoGlyphItem *run, PangoLayout *num,
                      const PangoColor *fg, double cx, double cy, double cell,
                      double reach) {
  PangoLayoutLine *nl = pango_layout_get_line_readonly(num, 0);
  PangoGlyphItem *gr;
  sub_font *sf;
  cairo_scaled_font_t *vsf;
  cairo_glyph_t glyphs[8];
  cairo_text_cluster_t cl;
  double em, w = 0, sx = 1, x, shift, head, foot;
  int i, n, ndig = pango_layout_get_character_count(num) - 1;
  if (!nl || !nl->runs || nl->runs->next || ndig < 1 || ndig > 3)
    return -1;
  gr = nl->runs->data;
  if (gr->glyphs->num_glyphs != ndig + 1)
    return -1;
  sf = nb_fontsub_font(fs, gr->item->analysis.font);
  if (!sf || !sf->face || !sf->face->vface || !sf->face->map)
    return -1;
  for (i = 0; i <= ndig; i++) {
    PangoGlyph g = gr->glyphs->glyphs[i].glyph;
    if ((g & PANGO_GLYPH_UNKNOWN_FLAG) || !hb_map_has(sf->face->map, g))
      return -1;
    if (i > 0)
      w += gr->glyphs->glyphs[i].geometry.width / (double)PANGO_SCALE;
  }
  if (!sf->vsf && !sf->vsf_failed &&
      !(sf->vsf = S_scaled_like(gr->item->analysis.font, sf->face->vface)))
    sf->vsf_failed = 1;
  if (!(vsf = sf->vsf))
    return -1;
  em = S_em(gr->item->analysis.font);
  if (w > em)
    sx = em / w;
  /* where extraction reads the digits (along the line, from the cell's
   * centre): all in the cell, from the current point of its foot (the
   * first glyph) to that of its head (the last one, which advances an em
   * back to the foot); or one an em under another, ending at reach */
  foot = cell / 2;
  head = -cell / 2;
  if (reach > cx + cell) {
    foot = reach - (cx + cell / 2) - (ndig - 1) * em;
    if (foot < cell / 2)
      foot = cell / 2;
    head = foot + (ndig - 1) * em;
  }
  /* upright, from the cell's centre; x narrowed by sx */
  n = 0;
  glyphs[n].index = hb_map_get(sf->face->map, gr->glyphs->glyphs[0].glyph);
  glyphs[n].x = (cy - em / 2) / sx; /* on the column, a rise or none */
  glyphs[n].y = foot - NB_PDF_VERT_ORIGIN * em;
  n++;
  x = -w / 2;
  /* the digits a hair apart, so that each gets its own position in the
   * PDF (glyphs of a vertical font on one baseline would be written as
   * one string, advancing down the column), and apart from the blank at
   * the cell's foot, which a cell a little longer than an em puts near
   * their baseline (Cairo merges glyphs within 0.001 em) */
  shift = 0;
  for (i = 1; i <= ndig; i++)
    if (fabs(NB_VERT_CENTRAL * em + i * 0.006 * em - glyphs[0].y) < 0.0015 * em)
      shift = 0.003 * em;
  for (i = 1; i <= ndig; i++) {
    glyphs[n].index = hb_map_get(sf->face->map, gr->glyphs->glyphs[i].glyph);
    glyphs[n].x = x;
    glyphs[n].y = NB_VERT_CENTRAL * em + i * 0.006 * em + shift;
    x += gr->glyphs->glyphs[i].geometry.width / (double)PANGO_SCALE;
    n++;
  }
  glyphs[n].index = glyphs[0].index;
  glyphs[n].x = glyphs[0].x;
  glyphs[n].y = head - NB_PDF_VERT_ORIGIN * em;
  n++;
  cl.num_bytes = ndig;
  cl.num_glyphs = n;
  cairo_save(cr);
  nb_fontsub_set_colour(cr, fg);
  cairo_translate(cr, cx + cell / 2, cy);
  cairo_rotate(cr, -G_PI / 2);
  cairo_scale(cr, sx, 1);
  cairo_set_scaled_font(cr, vsf);
  cairo_show_text_glyphs(cr, text + run->item->offset, ndig, glyphs, n, &cl, 1,
                         (cairo_text_cluster_flags_t)0);
  cairo_restore(cr);
  return 0;
}

/* What Pango would draw of an upright number, when the subsets cannot. */
static void S_pango_tcy(cairo_t *cr, PangoLayout *num, double cx, double cy,
                        double cell) {
  PangoLayoutLine *nl = pango_layout_get_line_readonly(num, 0);
  PangoRectangle blank, all;
  double w, em = cell > 0 ? cell : 10, sx = 1;
  if (!nl)
    return;
  pango_layout_index_to_pos(num, 3, &blank);
  pango_layout_line_get_extents(nl, NULL, &all);
  w = (all.width - blank.x) / (double)PANGO_SCALE;
  if (w > em)
    sx = em / w;
  cairo_save(cr);
  cairo_translate(cr, cx + cell / 2, cy);
  cairo_rotate(cr, -G_PI / 2);
  cairo_scale(cr, sx, 1);
  cairo_move_to(cr, -w / 2 - blank.x / (double)PANGO_SCALE,
                NB_VERT_CENTRAL * em);
  pango_cairo_show_layout_line(cr, nl);
  cairo_restore(cr);
}

/* The blank glyph of @p font (its ideographic space, else its space) in
 * the subset, or 0 when it has none there. */
static PangoGlyph S_blank(const sub_font *sf, PangoFont *font) {
  PangoGlyph b = 0;
  if (PANGO_IS_FC_FONT(font)) {
    b = pango_fc_font_get_glyph(PANGO_FC_FONT(font), 0x3000);
    if (!b || !hb_map_has(sf->face->map, b))
      b = pango_fc_font_get_glyph(PANGO_FC_FONT(font), ' ');
  }
  return b && hb_map_has(sf->face->map, b) ? b : 0;
}

/* A run at @p rx along the line (@p ry its baseline, a rise included),
 * drawn with @p sc (the vertical twin of @p sf when @p upright) as
 * nb_fontsub_show_glyphs would, but as one cluster between two blank
 * glyphs on the column's own baseline: the PDF carries the run's text as
 * the span's ActualText, which text extraction reads in the column where
 * the run is (a superscript raised beside the column is read in it, not
 * as a column of its own), to @p reach when that is lower than the run's
 * end (0: none). Upright, the characters are read an em each, the last
 * ending at @p reach; sideways, spread from the run's start to there. 0,
 * or -1 having drawn nothing. */
static int S_show_anchored(cairo_t *cr, const char *text, PangoGlyphItem *run,
                           const sub_font *sf, cairo_scaled_font_t *sc,
                           int upright, const PangoColor *fg, double rx,
                           double ry, double reach) {
  PangoGlyphString *gs = run->glyphs;
  PangoFont *font = run->item->analysis.font;
  const char *s = text + run->item->offset;
  cairo_glyph_t *glyphs;
  cairo_text_cluster_t cl;
  PangoGlyph blank = S_blank(sf, font);
  gint64 xp = 0;
  double em = S_em(font), first, last, ay;
  long nch = g_utf8_strlen(s, run->item->length);
  int i, n = 0;
  if (!blank || nch < 1)
    return -1;
  glyphs = nb_reallocarray(NULL, (size_t)gs->num_glyphs + 2, sizeof *glyphs);
  if (!glyphs)
    return -1;
  if (upright) {
    /* the current points of the first character's foot and of the last
     * one's head (the last glyph advances an em, to its foot) */
    double foot = reach - (double)(nch - 1) * em;
    if (foot < rx + em)
      foot = rx + em;
    first = foot - NB_PDF_VERT_ORIGIN * em;
    last = foot + (double)(nch - 1) * em - NB_PDF_VERT_ORIGIN * em;
    ay = em / 2;
  } else {
    /* from the run's start to its end or reach, the last glyph's advance
     * ending there */
    double end = rx + pango_glyph_string_get_width(gs) / (double)PANGO_SCALE;
    cairo_glyph_t g = {0, 0, 0};
    cairo_text_extents_t ext;
    g.index = hb_map_get(sf->face->map, blank);
    cairo_scaled_font_glyph_extents(sc, &g, 1, &ext);
    if (reach > end)
      end = reach;
    first = rx;
    last = end - ext.x_advance;
    ay = NB_VERT_CENTRAL * em;
  }
  glyphs[n].index = hb_map_get(sf->face->map, blank);
  glyphs[n].x = first;
  glyphs[n].y = ay;
  n++;
  for (i = 0; i < gs->num_glyphs; i++) {
    PangoGlyphInfo *gi = &gs->glyphs[i];
    if (gi->glyph != PANGO_GLYPH_EMPTY) {
      glyphs[n].index = hb_map_get(sf->face->map, gi->glyph);
      glyphs[n].x = rx + (double)(xp + gi->geometry.x_offset) / PANGO_SCALE;
      glyphs[n].y = gi->geometry.y_offset == 0
                        ? ry
                        : ry + (double)gi->geometry.y_offset / PANGO_SCALE;
      n++;
    }
    xp += gi->geometry.width;
  }
  glyphs[n].index = glyphs[0].index;
  glyphs[n].x = last;
  glyphs[n].y = ay;
  n++;
  if (upright) {
    /* a blank where a glyph beside it has its current point would share
     * its baseline in the font's own space, and Cairo would write the
     * two as one string, the second placed by a horizontal advance the
     * vertical font does not have: a hair apart, each is placed */
    if (n > 2 && fabs(glyphs[0].x - glyphs[1].x) < 0.002 * em)
      glyphs[0].x -= 0.003 * em;
    if (n > 2 && fabs(glyphs[n - 1].x - glyphs[n - 2].x) < 0.002 * em)
      glyphs[n - 1].x += 0.003 * em;
  }
  cl.num_bytes = run->item->length;
  cl.num_glyphs = n;
  cairo_save(cr);
  nb_fontsub_set_colour(cr, fg);
  cairo_set_scaled_font(cr, sc);
  cairo_show_text_glyphs(cr, s, run->item->length, glyphs, n, &cl, 1,
                         (cairo_text_cluster_flags_t)0);
  cairo_restore(cr);
  free(glyphs);
  return 0;
}

void nb_fontsub_show_vline(nb_fontsub *fs, cairo_t *cr, PangoLayoutLine *line,
                           double reach) {
  const char *text;
  GSList *r;
  gint64 x_off = 0, end = 0;
  if (!line || !line->layout)
    return;
  if (fs)
    nb_fontsub_build(fs);
  text = nb_vertical_source(line->layout);
  /* a line ending above reach: its last run is read as reaching there */
  for (r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    end += run->start_x_offset + pango_glyph_string_get_width(run->glyphs) +
           run->end_x_offset;
  }
  if (reach <= (double)end / PANGO_SCALE)
    reach = 0;
  for (r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    PangoLayout *num = nb_tcy_layout(run);
    int width = pango_glyph_string_get_width(run->glyphs);
    double rx, ry;
    GSList *nx;
    int last = 1;
    for (nx = r->next; nx; nx = nx->next)
      if (!nb_tcy_rest(nx->data))
        last = 0;
    x_off += run->start_x_offset;
    rx = (double)x_off / PANGO_SCALE;
    ry = (double)-run->y_offset / PANGO_SCALE;
    if (num) {
      run_look look;
      GSList *a, *m;
      int cell = width;
      /* the cell takes in what justification gave the other digits */
      for (m = r->next; m && nb_tcy_rest(m->data); m = m->next)
        cell +=
            pango_glyph_string_get_width(((PangoGlyphItem *)m->data)->glyphs);
      memset(&look, 0, sizeof look);
      for (a = run->item->analysis.extra_attrs; a; a = a->next)
        if (((PangoAttribute *)a->data)->klass->type == PANGO_ATTR_FOREGROUND)
          look.fg = &((PangoAttrColor *)a->data)->color;
      if (!fs ||
          S_show_tcy(fs, cr, text, run, num, look.fg, rx, ry,
                     cell / (double)PANGO_SCALE, last ? reach : 0) != 0) {
        cairo_save(cr);
        nb_fontsub_set_colour(cr, look.fg);
        S_pango_tcy(cr, num, rx, ry, cell / (double)PANGO_SCALE);
        cairo_restore(cr);
      }
    } else if (!nb_tcy_rest(run)) {
      int upright = PANGO_GRAVITY_IS_VERTICAL(run->item->analysis.gravity);
      run_look look;
      sub_font *sf = NULL;
      cairo_scaled_font_t *sc =
          fs && fs->built ? S_vrun_font(fs, run, &look, upright, &sf) : NULL;
      double em = S_em(run->item->analysis.font);
      int drawn = 0;
      if (!upright)
        ry += NB_VERT_CENTRAL * em; /* sideways, centred on the column */
      /* a raised run (a note beside the column) or the last run of a
       * short column: read where extraction should read it */
      if (sc && (run->y_offset != 0 || (last && reach > 0)))
        drawn = S_show_anchored(cr, text, run, sf, sc, upright, look.fg, rx, ry,
                                last ? reach : 0) == 0;
      if (!drawn && (!sc || nb_fontsub_show_glyphs(cr, text, run, sf->face->map,
                                                   sc, look.fg, rx, ry) != 0)) {
        cairo_move_to(cr, rx, ry);
        pango_cairo_show_glyph_item(cr, text, run);
      }
      if (sc && look.underline) {
        /* a side line, on the right of the column as vertical text has
         * it (傍線) */
        cairo_save(cr);
        nb_fontsub_set_colour(cr, look.fg);
        cairo_rectangle(cr, rx, -(0.5 + 0.12) * em, width / (double)PANGO_SCALE,
                        0.05 * em);
        cairo_fill(cr);
        cairo_restore(cr);
      }
    }
    x_off += width + run->end_x_offset;
  }
}

/* One run of a horizontal line at (@p bx, @p by) read as part of a
 * column at @p px: drawn as one cluster in the vertical twin of its face,
 * so that the PDF carries its text as the span's ActualText, between two
 * blank glyphs whose current points are at the foot and head of an em
 * box ending at (@p px, @p py): text extraction reads the run there.
 * Each glyph is placed on its own (in a vertical font, a run of glyphs on
 * one baseline would advance down), its baseline a hair up or down from
 * its neighbour's so that Cairo positions every one. 0, or -1 having
 * drawn nothing. */
static int S_show_proxied(nb_fontsub *fs, cairo_t *cr, const char *text,
                          PangoGlyphItem *run, const PangoColor *fg, double bx,
                          double by, double px, double py) {
  PangoGlyphString *gs = run->glyphs;
  PangoFont *font = run->item->analysis.font;
  sub_font *sf = nb_fontsub_font(fs, font);
  cairo_glyph_t *glyphs;
  cairo_text_cluster_t cl;
  PangoGlyph blank;
  gint64 xp = 0;
  double em;
  int i, n = 0;
  if (!sf || !sf->face || !sf->face->vface || !sf->face->map ||
      !(blank = S_blank(sf, font)))
    return -1;
  for (i = 0; i < gs->num_glyphs; i++) {
    PangoGlyph g = gs->glyphs[i].glyph;
    if (g != PANGO_GLYPH_EMPTY &&
        ((g & PANGO_GLYPH_UNKNOWN_FLAG) || !hb_map_has(sf->face->map, g)))
      return -1;
  }
  if (!sf->vsf && !sf->vsf_failed &&
      !(sf->vsf = S_scaled_like(font, sf->face->vface)))
    sf->vsf_failed = 1;
  if (!sf->vsf)
    return -1;
  em = S_em(font);
  glyphs = nb_reallocarray(NULL, (size_t)gs->num_glyphs + 2, sizeof *glyphs);
  if (!glyphs)
    return -1;
  glyphs[n].index = hb_map_get(sf->face->map, blank);
  glyphs[n].x = px;
  glyphs[n].y = py - NB_PDF_VERT_ORIGIN * em;
  n++;
  for (i = 0; i < gs->num_glyphs; i++) {
    PangoGlyphInfo *gi = &gs->glyphs[i];
    if (gi->glyph != PANGO_GLYPH_EMPTY) {
      glyphs[n].index = hb_map_get(sf->face->map, gi->glyph);
      glyphs[n].x = bx + (double)(xp + gi->geometry.x_offset) / PANGO_SCALE;
      glyphs[n].y = by + (double)gi->geometry.y_offset / PANGO_SCALE +
                    (n % 2 ? 0.0015 : -0.0015) * em;
      n++;
    }
    xp += gi->geometry.width;
  }
  glyphs[n].index = glyphs[0].index;
  glyphs[n].x = px;
  glyphs[n].y = py - em - NB_PDF_VERT_ORIGIN * em;
  n++;
  cl.num_bytes = run->item->length;
  cl.num_glyphs = n;
  cairo_save(cr);
  nb_fontsub_set_colour(cr, fg);
  cairo_set_scaled_font(cr, sf->vsf);
  cairo_show_text_glyphs(cr, text + run->item->offset, run->item->length,
                         glyphs, n, &cl, 1, (cairo_text_cluster_flags_t)0);
  cairo_restore(cr);
  free(glyphs);
  return 0;
}

/* 1 when @p s (@p n bytes) is only white space, as text extraction
 * (pdftotext) takes it: spaces, tabs, line ends, no-break, ideographic
 * and the other Unicode spaces, line and paragraph separators. */
static int S_blank_text(const char *s, int n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
      p++;
    } else if (end - p >= 2 && p[0] == 0xc2 && p[1] == 0xa0) {
      p += 2;
    } else if (end - p >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
               (p[2] <= 0x8b || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)) {
      p += 3; /* U+2000..U+200B, U+2028, U+2029, U+202F */
    } else if (end - p >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
      p += 3; /* U+3000 */
    } else {
      return 0;
    }
  }
  return n > 0;
}

int nb_fontsub_show_line_proxied(nb_fontsub *fs, cairo_t *cr,
                                 PangoLayoutLine *line, double x, double y,
                                 nb_proxy_col *pc) {
  const char *text;
  GSList *r;
  int x_off = 0;
  double at = y;
  if (!fs || !line || !line->layout || !line->runs)
    return -1;
  nb_fontsub_build(fs);
  if (!fs->built)
    return -1;
  for (r = line->runs; r; r = r->next) {
    run_look look;
    sub_font *sf = NULL;
    if (!nb_fontsub_run_font(fs, r->data, &look) ||
        !(sf = nb_fontsub_font(
              fs, ((PangoGlyphItem *)r->data)->item->analysis.font)) ||
        !sf->face->vface)
      return -1;
  }
  cairo_move_to(cr, x, y);
  cairo_get_current_point(cr, &x, &y);
  text = pango_layout_get_text(line->layout);
  for (r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    run_look look;
    /* runs of a line, cells of a table row, share a baseline: each is
     * read an em lower than the last, so that extraction reads them one
     * after the other; and never more than a quarter em below it, so that
     * the block reads as one unbroken column (a gap, a blank line of
     * code, would let extraction read the columns beside the block's foot
     * before the rest of it) */
    double em = S_em(run->item->analysis.font);
    if (S_blank_text(text + run->item->offset, run->item->length)) {
      /* white space (a line break in a cell): extraction drops it, so it
       * takes no room in the column, where it would leave a gap */
      nb_fontsub_run_font(fs, run, &look);
      x_off += run->start_x_offset;
      S_show_proxied(fs, cr, text, run, look.fg,
                     x + (double)x_off / PANGO_SCALE,
                     y + (double)-run->y_offset / PANGO_SCALE, pc->x, pc->y);
      x_off += pango_glyph_string_get_width(run->glyphs) + run->end_x_offset;
      continue;
    }
    if (at > pc->y + 1.25 * em)
      at = pc->y + 1.25 * em;
    if (at < pc->y + em)
      at = pc->y + em;
    if (at > pc->ymax && pc->x - 2 * em >= pc->xmin) {
      /* the column is full: the next one, to its left, two ems away:
       * pdftotext joins columns up to 1.5 em apart into one block, which
       * it grows along the shorter column only, leaving the longer one's
       * foot to be read after the whole block */
      pc->x -= 2 * em;
      at = pc->ytop + em;
    }
    if (at > pc->ymax)
      at = pc->ymax; /* on the page, where extraction still sees it */
    pc->y = at;
    nb_fontsub_run_font(fs, run, &look);
    x_off += run->start_x_offset;
    if (S_show_proxied(
            fs, cr, text, run, look.fg, x + (double)x_off / PANGO_SCALE,
            y + (double)-run->y_offset / PANGO_SCALE, pc->x, at) != 0)
      return r == line->runs ? -1 : 0;
    x_off += pango_glyph_string_get_width(run->glyphs) + run->end_x_offset;
  }
  return 0;
}
