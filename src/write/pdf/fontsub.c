/* Font subsets made before drawing; see fontsub.h for why.
 *
 * Faces are told apart by file and index (fontconfig's FC_FILE/FC_INDEX of
 * the Pango font), so the sizes, weights mapped to one file and synthetic
 * slants of a face share one subset and one embedded font, as they do when
 * Cairo subsets the file itself. HarfBuzz's subsetter is loaded at run
 * time (font/hbsubset.c): it is an optional library, and without it the PDF
 * is written as before, only slower. */
#include "write/pdf/fontsub.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include "font/hbsubset.h"
#include "util/pool.h"
#include "util/util.h"
#include "write/pdf/pdftags.h"
#include "write/pdf/vertical.h"

/* ## HarfBuzz's subsetter (font/hbsubset.c) and FreeType, set up once */

static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static const nb_hb_subset_api *S_hb;
static int S_hb_ok;
static FT_Library S_ft;
/* FreeType wants face creation and disposal on one library serialised */
static pthread_mutex_t S_ft_lock = PTHREAD_MUTEX_INITIALIZER;

static void S_load(void) {
  S_hb = nb_hb_subset();
  if (!S_hb)
    return;
  if (FT_Init_FreeType(&S_ft) != 0)
    return;
  S_hb_ok = 1;
}

/* ## The set */

typedef struct sub_face {
  char *file;
  int index;
  hb_set_t *glyphs;         /* noted glyph ids */
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

/* What the Cairo font face owns: freed when Cairo lets go of the face,
 * which may be after the set and the surface are gone. */
typedef struct face_data {
  FT_Face ft;
  hb_blob_t *blob;
} face_data;

static const cairo_user_data_key_t S_face_key;

static void S_face_data_free(void *p) {
  face_data *fd = p;
  pthread_mutex_lock(&S_ft_lock);
  FT_Done_Face(fd->ft);
  pthread_mutex_unlock(&S_ft_lock);
  hb_blob_destroy(fd->blob);
  free(fd);
}

static void S_font_free(void *p) {
  sub_font *f = p;
  if (f->sf)
    cairo_scaled_font_destroy(f->sf);
  if (f->vsf)
    cairo_scaled_font_destroy(f->vsf);
  free(f);
}

nb_fontsub *nb_fontsub_new(void) {
  nb_fontsub *fs = nb_calloc(1, sizeof *fs);
  if (!fs)
    return NULL;
  fs->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                    g_object_unref, S_font_free);
  return fs;
}

void nb_fontsub_free(nb_fontsub *fs) {
  size_t i;
  if (!fs)
    return;
  g_hash_table_destroy(fs->fonts);
  for (i = 0; i < fs->nfaces; i++) {
    free(fs->faces[i]->file);
    hb_set_destroy(fs->faces[i]->glyphs);
    hb_map_destroy(fs->faces[i]->map);
    if (fs->faces[i]->cface)
      cairo_font_face_destroy(fs->faces[i]->cface);
    if (fs->faces[i]->vface)
      cairo_font_face_destroy(fs->faces[i]->vface);
    free(fs->faces[i]);
  }
  free(fs->faces);
  free(fs);
}

static sub_face *S_face_for(nb_fontsub *fs, const char *file, int index) {
  size_t i;
  sub_face *f;
  for (i = 0; i < fs->nfaces; i++)
    if (fs->faces[i]->index == index && strcmp(fs->faces[i]->file, file) == 0)
      return fs->faces[i];
  if (fs->nfaces == fs->capfaces) {
    size_t cap = fs->capfaces ? fs->capfaces * 2 : 8;
    sub_face **n = nb_reallocarray(fs->faces, cap, sizeof *n);
    if (!n)
      return NULL;
    fs->faces = n;
    fs->capfaces = cap;
  }
  f = nb_calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->file = nb_strdup(file);
  f->index = index;
  f->want_v = fs->vertical;
  f->glyphs = hb_set_create();
  if (!f->file || !hb_set_allocation_successful(f->glyphs)) {
    free(f->file);
    hb_set_destroy(f->glyphs);
    free(f);
    return NULL;
  }
  fs->faces[fs->nfaces++] = f;
  return f;
}

/* The entry for a Pango font, made on first sight. */
static sub_font *S_font(nb_fontsub *fs, PangoFont *font) {
  sub_font *sf;
  FcPattern *pat;
  FcChar8 *file = NULL;
  int index = 0;
  if (!font)
    return NULL;
  sf = g_hash_table_lookup(fs->fonts, font);
  if (sf)
    return sf;
  sf = nb_calloc(1, sizeof *sf);
  if (!sf)
    return NULL;
  if (PANGO_IS_FC_FONT(font) &&
      (pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font))) != NULL &&
      FcPatternGetString(pat, FC_FILE, 0, &file) == FcResultMatch && file) {
    FcBool embolden = FcFalse;
    FcPatternGetInteger(pat, FC_INDEX, 0, &index);
    FcPatternGetBool(pat, FC_EMBOLDEN, 0, &embolden);
    /* synthetic bold is drawn by Cairo's glyph loader, and a named
     * instance of a variable font (index above 16 bits) is not what the
     * subsetter would cut: leave both to Pango */
    if (!embolden && index >= 0 && index <= 0xffff)
      sf->face = S_face_for(fs, (const char *)file, index);
  }
  /* the key holds a reference: an address is never reused while in use */
  g_hash_table_insert(fs->fonts, g_object_ref(font), sf);
  return sf;
}

void nb_fontsub_note(nb_fontsub *fs, PangoLayout *layout) {
  GSList *l, *r;
  if (!fs || fs->built || !layout)
    return;
  for (l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    for (r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      sub_font *sf;
      PangoLayout *num = fs->vertical ? nb_tcy_layout(run) : NULL;
      int i;
      if (num && num != layout)
        nb_fontsub_note(fs, num); /* an upright number's own glyphs */
      sf = S_font(fs, run->item->analysis.font);
      if (!sf || !sf->face)
        continue;
      if (fs->vertical && PANGO_IS_FC_FONT(run->item->analysis.font)) {
        /* the blank glyphs that mark where extraction reads upright
         * numbers and horizontal lines (S_show_tcy, S_show_proxied) */
        PangoFcFont *fc = PANGO_FC_FONT(run->item->analysis.font);
        PangoGlyph b = pango_fc_font_get_glyph(fc, 0x3000);
        if (b)
          hb_set_add(sf->face->glyphs, b);
        if ((b = pango_fc_font_get_glyph(fc, ' ')) != 0)
          hb_set_add(sf->face->glyphs, b);
      }
      for (i = 0; i < run->glyphs->num_glyphs; i++) {
        PangoGlyph g = run->glyphs->glyphs[i].glyph;
        if (g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG))
          hb_set_add(sf->face->glyphs, g);
      }
    }
  }
}

/* A Cairo face for the font file in @p blob (taken over; NULL is fine),
 * or NULL. The face owns the blob and its FreeType face. */
static cairo_font_face_t *S_cairo_face(hb_blob_t *blob) {
  face_data *fd = NULL;
  FT_Face ft = NULL;
  cairo_font_face_t *cf = NULL;
  const char *data;
  unsigned len = 0;
  if (!blob)
    return NULL;
  data = hb_blob_get_data(blob, &len);
  if (!data || len == 0 || !(fd = nb_calloc(1, sizeof *fd)))
    goto done;
  pthread_mutex_lock(&S_ft_lock);
  if (FT_New_Memory_Face(S_ft, (const FT_Byte *)data, (FT_Long)len, 0, &ft) !=
      0)
    ft = NULL;
  pthread_mutex_unlock(&S_ft_lock);
  if (!ft)
    goto done;
  fd->ft = ft;
  fd->blob = blob;
  cf = cairo_ft_font_face_create_for_ft_face(ft, FT_LOAD_NO_HINTING);
  if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS ||
      cairo_font_face_set_user_data(cf, &S_face_key, fd, S_face_data_free) !=
          CAIRO_STATUS_SUCCESS) {
    cairo_font_face_destroy(cf);
    cf = NULL;
    goto done;
  }
  return cf; /* the face owns fd, the FreeType face and the blob */
done:
  if (ft) {
    pthread_mutex_lock(&S_ft_lock);
    FT_Done_Face(ft);
    pthread_mutex_unlock(&S_ft_lock);
  }
  free(fd);
  hb_blob_destroy(blob);
  return NULL;
}

static void S_put16(nb_buf *b, unsigned v) {
  nb_buf_putc(b, (char)((v >> 8) & 255));
  nb_buf_putc(b, (char)(v & 255));
}

static unsigned S_get16(const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

/* The 'name' table @p name (may be NULL or empty) again with
 * NB_PDF_VERT_SUFFIX after every PostScript name (name id 6), as format
 * 0; NULL when out of memory. */
static hb_blob_t *S_vertical_name(hb_blob_t *name) {
  static const char suffix[] = NB_PDF_VERT_SUFFIX;
  unsigned len = 0, count = 0, storage = 0, i, k, kept = 0;
  const unsigned char *d =
      name ? (const unsigned char *)hb_blob_get_data(name, &len) : NULL;
  nb_buf recs = NB_BUF_INIT, strs = NB_BUF_INIT, out = NB_BUF_INIT;
  hb_blob_t *b = NULL;
  if (d && len >= 6) {
    count = S_get16(d + 2);
    storage = S_get16(d + 4);
    if (6 + 12 * count > len)
      count = (len - 6) / 12;
  }
  for (i = 0; i < count; i++) {
    const unsigned char *r = d + 6 + 12 * i;
    unsigned plat = S_get16(r), nid = S_get16(r + 6);
    unsigned slen = S_get16(r + 8), soff = S_get16(r + 10);
    size_t at = strs.len;
    if (storage + soff + slen > len)
      continue;
    nb_buf_append(&strs, (const char *)d + storage + soff, slen);
    if (nid == 6)
      for (k = 0; k < sizeof suffix - 1; k++) {
        if (plat == 0 || plat == 3)
          nb_buf_putc(&strs, '\0'); /* UTF-16BE */
        nb_buf_putc(&strs, suffix[k]);
      }
    nb_buf_append(&recs, (const char *)r, 8);
    S_put16(&recs, (unsigned)(strs.len - at));
    S_put16(&recs, (unsigned)at);
    kept++;
  }
  if (kept == 0) {
    /* no names at all: a PostScript name of our own */
    static const char ps[] = "NewsbookFont" NB_PDF_VERT_SUFFIX;
    S_put16(&recs, 1), S_put16(&recs, 0), S_put16(&recs, 0), S_put16(&recs, 6);
    S_put16(&recs, sizeof ps - 1), S_put16(&recs, 0);
    nb_buf_append(&strs, ps, sizeof ps - 1);
    kept = 1;
  }
  S_put16(&out, 0);
  S_put16(&out, kept);
  S_put16(&out, 6 + 12 * kept);
  nb_buf_append(&out, recs.data, recs.len);
  nb_buf_append(&out, strs.data, strs.len);
  if (!out.failed && !recs.failed && !strs.failed && out.len < 65536) {
    b = hb_blob_create(out.data, (unsigned)out.len, HB_MEMORY_MODE_WRITABLE,
                       out.data, free);
    out.data = NULL; /* the blob owns it */
  }
  nb_buf_free(&recs);
  nb_buf_free(&strs);
  nb_buf_free(&out);
  return b;
}

/* The font file of @p face with its PostScript name marked for vertical
 * metrics (NB_PDF_VERT_SUFFIX) and no character map, every other table
 * as it is: Cairo embeds it as a font of its own, which pdftags.c then
 * turns vertical. NULL when it cannot be made. */
static hb_blob_t *S_vertical_blob(hb_face_t *subset) {
  /* the subsetter's face lists no tables: read its file back */
  hb_blob_t *file = hb_face_reference_blob(subset);
  hb_face_t *face = hb_face_create(file, 0);
  hb_face_t *b = hb_face_builder_create();
  hb_tag_t tags[32];
  unsigned start = 0, n, i, total;
  int have_name = 0, ok = 1;
  hb_blob_t *out = NULL;
  do {
    n = sizeof tags / sizeof tags[0];
    total = hb_face_get_table_tags(face, start, &n, tags);
    for (i = 0; i < n && ok; i++) {
      hb_blob_t *t;
      /* Without a character map, Cairo cannot tell a glyph's character,
       * so it puts every glyph in a composite (CID) font, the kind that
       * can be vertical, and never in a simple Latin one; the text comes
       * from what is drawn (clusters), as for every glyph we draw. */
      if (tags[i] == HB_TAG('c', 'm', 'a', 'p'))
        continue;
      t = hb_face_reference_table(face, tags[i]);
      if (tags[i] == HB_TAG('n', 'a', 'm', 'e')) {
        hb_blob_t *v = S_vertical_name(t);
        hb_blob_destroy(t);
        t = v;
        have_name = 1;
      }
      ok = t && hb_face_builder_add_table(b, tags[i], t);
      hb_blob_destroy(t);
    }
    start += n;
  } while (ok && n > 0 && start < total);
  if (ok && !have_name) {
    hb_blob_t *v = S_vertical_name(NULL);
    ok = v && hb_face_builder_add_table(b, HB_TAG('n', 'a', 'm', 'e'), v);
    hb_blob_destroy(v);
  }
  if (ok)
    out = hb_face_reference_blob(b);
  hb_face_destroy(b);
  hb_face_destroy(face);
  hb_blob_destroy(file);
  if (out && hb_blob_get_length(out) == 0) {
    hb_blob_destroy(out);
    out = NULL;
  }
  return out;
}

/* Cut one face down to its noted glyphs and make a Cairo face of it (and
 * its vertical twin, when wanted). */
static void S_build_face(sub_face *f) {
  /* tables Cairo's PDF subsetter never reads: dropping the layout tables
   * also spares the subsetter their glyph closure */
  static const char drop[][5] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF",
                                 "MATH", "vhea", "vmtx", "VORG", "DSIG",
                                 "kern", "meta", "gasp", "hdmx", "LTSH"};
  hb_blob_t *src = NULL;
  hb_face_t *face = NULL, *out = NULL;
  hb_subset_input_t *in = NULL;
  hb_subset_plan_t *plan = NULL;
  size_t i;
  if (hb_set_is_empty(f->glyphs))
    return;
  src = hb_blob_create_from_file_or_fail(f->file);
  if (!src)
    goto done;
  face = hb_face_create(src, (unsigned)f->index);
  in = S_hb->input_create();
  if (!in)
    goto done;
  hb_set_union(S_hb->glyph_set(in), f->glyphs);
  for (i = 0; i < sizeof drop / sizeof drop[0]; i++)
    hb_set_add(S_hb->set(in, HB_SUBSET_SETS_DROP_TABLE_TAG),
               hb_tag_from_string(drop[i], 4));
  hb_set_clear(S_hb->set(in, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
  /* Flattened charstrings are quicker to make than subset subroutines,
   * and Cairo 1.16 mis-subsets some subroutine-using glyphs (如 of Noto
   * Sans CJK SC Regular). Glyphs are renumbered densely (keeping their
   * ids would leave Cairo and FreeType tables of 65536 entries to read):
   * the plan's map takes Pango's ids to the subset's. */
  S_hb->set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE);
  plan = S_hb->plan_create(face, in);
  if (!plan)
    goto done;
  f->map = hb_map_copy(S_hb->plan_map(plan));
  out = S_hb->plan_execute(plan);
  if (!out || !hb_map_allocation_successful(f->map))
    goto done;
  f->cface = S_cairo_face(hb_face_reference_blob(out));
  if (f->cface && f->want_v)
    f->vface = S_cairo_face(S_vertical_blob(out));
done:
  hb_face_destroy(out);
  if (plan)
    S_hb->plan_destroy(plan);
  if (in)
    S_hb->input_destroy(in);
  hb_face_destroy(face);
  hb_blob_destroy(src);
}

static int S_by_size(const void *a, const void *b) {
  unsigned na = hb_set_get_population((*(sub_face *const *)a)->glyphs);
  unsigned nb = hb_set_get_population((*(sub_face *const *)b)->glyphs);
  return na < nb ? 1 : na > nb ? -1 : 0;
}

static void S_build_one(void *ctx, size_t i) {
  S_build_face(((sub_face **)ctx)[i]);
}

/* Faces are cut in parallel, the largest first: a document's body face
 * has most of its glyphs and takes most of the time. */
void nb_fontsub_build(nb_fontsub *fs) {
  sub_face **faces;
  long cpus;
  if (!fs || fs->built)
    return;
  fs->built = 1;
  pthread_once(&S_once, S_load);
  if (!S_hb_ok || fs->nfaces == 0)
    return;
  faces = nb_reallocarray(NULL, fs->nfaces, sizeof *faces);
  if (!faces)
    return;
  memcpy(faces, fs->faces, fs->nfaces * sizeof *faces);
  qsort(faces, fs->nfaces, sizeof *faces, S_by_size);
  cpus = sysconf(_SC_NPROCESSORS_ONLN);
  nb_pool_for(fs->nfaces,
              cpus > 4   ? 4
              : cpus > 1 ? (int)cpus
                         : 1,
              S_build_one, faces);
  free(faces);
}

/* ## Drawing */

/* What a run's attributes ask of the renderer. */
typedef struct run_look {
  const PangoColor *fg; /* NULL: the current source colour */
  int underline;        /* a single underline */
} run_look;

/* The run's font in the subset, or NULL when Pango must draw the run. */
static sub_font *S_run_font(nb_fontsub *fs, PangoGlyphItem *run,
                            run_look *look) {
  sub_font *sf;
  GSList *a;
  int i;
  memset(look, 0, sizeof *look);
  if ((run->item->analysis.level & 1) ||
      (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE))
    return NULL;
  /* a colour, a single underline and a rise (which Pango has already
   * turned into the run's y_offset); anything else is Pango's to draw */
  for (a = run->item->analysis.extra_attrs; a; a = a->next) {
    PangoAttribute *at = a->data;
    switch (at->klass->type) {
    case PANGO_ATTR_FOREGROUND:
      look->fg = &((PangoAttrColor *)at)->color;
      break;
    case PANGO_ATTR_RISE:
    case PANGO_ATTR_FONT_FEATURES: /* shaping only: the glyphs tell it */
    case PANGO_ATTR_ALLOW_BREAKS:  /* line breaking only (linebreak.c) */
    case PANGO_ATTR_INSERT_HYPHENS: break;
    case PANGO_ATTR_UNDERLINE:
      if (((PangoAttrInt *)at)->value == PANGO_UNDERLINE_SINGLE)
        look->underline = 1;
      else if (((PangoAttrInt *)at)->value != PANGO_UNDERLINE_NONE)
        return NULL;
      break;
    default: return NULL;
    }
  }
  sf = S_font(fs, run->item->analysis.font);
  if (!sf || !sf->face || !sf->face->cface || sf->sf_failed)
    return NULL;
  for (i = 0; i < run->glyphs->num_glyphs; i++) {
    PangoGlyph g = run->glyphs->glyphs[i].glyph;
    if (g == PANGO_GLYPH_EMPTY)
      continue;
    if ((g & PANGO_GLYPH_UNKNOWN_FLAG) || !hb_map_has(sf->face->map, g))
      return NULL;
  }
  if (!sf->sf) {
    /* Pango's own scaled font gives the size, the slant of a synthetic
     * italic, and the font options */
    cairo_scaled_font_t *ps = pango_cairo_font_get_scaled_font(
        PANGO_CAIRO_FONT(run->item->analysis.font));
    cairo_matrix_t fm, ctm;
    cairo_font_options_t *fo;
    if (!ps || cairo_scaled_font_status(ps) != CAIRO_STATUS_SUCCESS ||
        cairo_ft_font_face_get_synthesize(
            cairo_scaled_font_get_font_face(ps)) != 0) {
      sf->sf_failed = 1;
      return NULL;
    }
    fo = cairo_font_options_create();
    cairo_scaled_font_get_font_matrix(ps, &fm);
    cairo_scaled_font_get_ctm(ps, &ctm);
    cairo_scaled_font_get_font_options(ps, fo);
    sf->sf = cairo_scaled_font_create(sf->face->cface, &fm, &ctm, fo);
    cairo_font_options_destroy(fo);
    if (cairo_scaled_font_status(sf->sf) != CAIRO_STATUS_SUCCESS) {
      cairo_scaled_font_destroy(sf->sf);
      sf->sf = NULL;
      sf->sf_failed = 1;
      return NULL;
    }
  }
  return sf;
}

static void S_set_colour(cairo_t *cr, const PangoColor *c) {
  if (c)
    cairo_set_source_rgb(cr, c->red / 65535., c->green / 65535.,
                         c->blue / 65535.);
}

/* One run, as Pango's Cairo renderer draws a glyph item on a surface that
 * takes text with glyphs: empty glyphs dropped, one cluster per Pango
 * cluster, so that copying and searching the PDF give back the text. */
static int S_show_glyphs(cairo_t *cr, const char *text, PangoGlyphItem *run,
                         const hb_map_t *map, cairo_scaled_font_t *scaled,
                         const PangoColor *fg, double base_x, double base_y) {
  PangoGlyphString *gs = run->glyphs;
  PangoItem *item = run->item;
  cairo_glyph_t *glyphs;
  cairo_text_cluster_t *clusters;
  PangoGlyphItemIter iter;
  int i, count = 0, nclusters = 0;
  gint64 x_position = 0; /* Pango units: a 900 KB line passes INT_MAX */
  glyphs = nb_reallocarray(NULL, (size_t)gs->num_glyphs + 1, sizeof *glyphs);
  clusters =
      nb_reallocarray(NULL, (size_t)gs->num_glyphs + 1, sizeof *clusters);
  if (!glyphs || !clusters) {
    free(glyphs);
    free(clusters);
    return -1;
  }
  if (pango_glyph_item_iter_init_start(&iter, run, text)) {
    do {
      int n = iter.end_glyph - iter.start_glyph;
      for (i = iter.start_glyph; i < iter.end_glyph; i++)
        if (gs->glyphs[i].glyph == PANGO_GLYPH_EMPTY)
          n--;
      clusters[nclusters].num_bytes = iter.end_index - iter.start_index;
      clusters[nclusters].num_glyphs = n;
      nclusters++;
    } while (pango_glyph_item_iter_next_cluster(&iter));
  }
  for (i = 0; i < gs->num_glyphs; i++) {
    PangoGlyphInfo *gi = &gs->glyphs[i];
    if (gi->glyph != PANGO_GLYPH_EMPTY) {
      glyphs[count].index = hb_map_get(map, gi->glyph);
      glyphs[count].x =
          base_x + (double)(x_position + gi->geometry.x_offset) / PANGO_SCALE;
      glyphs[count].y =
          gi->geometry.y_offset == 0
              ? base_y
              : base_y + (double)gi->geometry.y_offset / PANGO_SCALE;
      count++;
    }
    x_position += gi->geometry.width;
  }
  cairo_save(cr);
  S_set_colour(cr, fg);
  cairo_set_scaled_font(cr, scaled);
  cairo_show_text_glyphs(cr, text + item->offset, item->length, glyphs, count,
                         clusters, nclusters, (cairo_text_cluster_flags_t)0);
  cairo_restore(cr);
  free(glyphs);
  free(clusters);
  return 0;
}

static int S_show_run(cairo_t *cr, const char *text, PangoGlyphItem *run,
                      const sub_font *font, const PangoColor *fg, double base_x,
                      double base_y) {
  return S_show_glyphs(cr, text, run, font->face->map, font->sf, fg, base_x,
                       base_y);
}

/* A pending underline, in Pango units from the line's origin: adjacent
 * underlined runs at the same height make one rule, as Pango draws it. */
typedef struct uline {
  int on;
  PangoRectangle r;
  const PangoColor *fg;
} uline;

static void S_draw_uline(cairo_t *cr, uline *u, double x, double y) {
  if (!u->on)
    return;
  u->on = 0;
  cairo_save(cr);
  S_set_colour(cr, u->fg);
  cairo_rectangle(
      cr, x + (double)u->r.x / PANGO_SCALE, y + (double)u->r.y / PANGO_SCALE,
      (double)u->r.width / PANGO_SCALE, (double)u->r.height / PANGO_SCALE);
  cairo_fill(cr);
  cairo_restore(cr);
}

/* Extend or start the underline under a run drawn at (@p rx, @p ry), Pango
 * units: Pango's single underline, at the font's underline position and
 * thickness, as wide as the run's ink or logical extent. */
static void S_add_uline(cairo_t *cr, uline *u, PangoGlyphItem *run,
                        const PangoColor *fg, int rx, int ry, double x,
                        double y) {
  PangoRectangle ink, logical, n;
  PangoFont *font = run->item->analysis.font;
  PangoFontMetrics *m =
      pango_font_get_metrics(font, run->item->analysis.language);
  pango_glyph_string_extents(run->glyphs, font, &ink, &logical);
  n.x = rx + (ink.x < logical.x ? ink.x : logical.x);
  n.width = ink.width > logical.width ? ink.width : logical.width;
  n.height = pango_font_metrics_get_underline_thickness(m);
  n.y = ry - pango_font_metrics_get_underline_position(m);
  pango_font_metrics_unref(m);
  if (u->on && n.y == u->r.y && n.height == u->r.height) {
    u->r.width = n.x + n.width - u->r.x;
    return;
  }
  S_draw_uline(cr, u, x, y);
  u->on = 1;
  u->r = n;
  u->fg = fg;
}

int nb_fontsub_show_line(nb_fontsub *fs, cairo_t *cr, PangoLayoutLine *line,
                         double x, double y) {
  const char *text;
  GSList *r;
  int x_off = 0;
  uline u;
  if (!fs || !fs->built || !line || !line->layout)
    return -1;
  for (r = line->runs; r; r = r->next) {
    run_look look;
    if (!S_run_font(fs, r->data, &look))
      return -1;
  }
  /* Pango's renderer starts from Cairo's current point, which Cairo keeps
   * in 24.8 fixed point: start from the same rounded origin */
  cairo_move_to(cr, x, y);
  cairo_get_current_point(cr, &x, &y);
  memset(&u, 0, sizeof u);
  text = pango_layout_get_text(line->layout);
  for (r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    run_look look;
    sub_font *font = S_run_font(fs, run, &look);
    /* runs sit at whole Pango units from the line's origin, shifted by
     * their offsets (a baseline differing from the line's, a rise) */
    x_off += run->start_x_offset;
    if (S_show_run(cr, text, run, font, look.fg,
                   x + (double)x_off / PANGO_SCALE,
                   y + (double)-run->y_offset / PANGO_SCALE) != 0)
      return r == line->runs ? -1 : 0;
    if (look.underline)
      S_add_uline(cr, &u, run, look.fg, x_off, -run->y_offset, x, y);
    else
      S_draw_uline(cr, &u, x, y);
    x_off += pango_glyph_string_get_width(run->glyphs) + run->end_x_offset;
  }
  S_draw_uline(cr, &u, x, y);
  return 0;
}

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

/* For a run of a vertical line, what S_run_font gives a horizontal one:
 * the scaled font to draw it with (the vertical twin for upright glyphs)
 * and its subset, or NULL when Pango must draw it. */
static cairo_scaled_font_t *S_vrun_font(nb_fontsub *fs, PangoGlyphItem *run,
                                        run_look *look, int upright,
                                        sub_font **out) {
  sub_font *sf;
  GSList *a;
  int i;
  memset(look, 0, sizeof *look);
  if (run->item->analysis.level & 1)
    return NULL;
  for (a = run->item->analysis.extra_attrs; a; a = a->next) {
    PangoAttribute *at = a->data;
    switch (at->klass->type) {
    case PANGO_ATTR_FOREGROUND:
      look->fg = &((PangoAttrColor *)at)->color;
      break;
    case PANGO_ATTR_RISE:
    case PANGO_ATTR_FONT_FEATURES:
    case PANGO_ATTR_ALLOW_BREAKS:
    case PANGO_ATTR_INSERT_HYPHENS: break;
    case PANGO_ATTR_UNDERLINE:
      if (((PangoAttrInt *)at)->value == PANGO_UNDERLINE_SINGLE)
        look->underline = 1;
      else if (((PangoAttrInt *)at)->value != PANGO_UNDERLINE_NONE)
        return NULL;
      break;
    default: return NULL;
    }
  }
  sf = S_font(fs, run->item->analysis.font);
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
 * extraction reads the number in its place in the column. Returns 0, or
 * -1 having drawn nothing. */
static int S_show_tcy(nb_fontsub *fs, cairo_t *cr, const char *text,
                      const PangoGlyphItem *run, PangoLayout *num,
                      const PangoColor *fg, double cx, double cy, double cell) {
  PangoLayoutLine *nl = pango_layout_get_line_readonly(num, 0);
  PangoGlyphItem *gr;
  sub_font *sf;
  cairo_scaled_font_t *vsf;
  cairo_glyph_t glyphs[8];
  cairo_text_cluster_t cl;
  double em, w = 0, sx = 1, x, shift;
  int i, n, ndig = pango_layout_get_character_count(num) - 1;
  if (!nl || !nl->runs || nl->runs->next || ndig < 1 || ndig > 3)
    return -1;
  gr = nl->runs->data;
  if (gr->glyphs->num_glyphs != ndig + 1)
    return -1;
  sf = S_font(fs, gr->item->analysis.font);
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
  /* upright, from the cell's centre; x narrowed by sx */
  n = 0;
  glyphs[n].index = hb_map_get(sf->face->map, gr->glyphs->glyphs[0].glyph);
  glyphs[n].x = -em / 2 / sx;
  glyphs[n].y = cell / 2 - NB_PDF_VERT_ORIGIN * em;
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
  glyphs[n].y = -cell / 2 - NB_PDF_VERT_ORIGIN * em;
  n++;
  cl.num_bytes = ndig;
  cl.num_glyphs = n;
  cairo_save(cr);
  S_set_colour(cr, fg);
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

void nb_fontsub_show_vline(nb_fontsub *fs, cairo_t *cr, PangoLayoutLine *line) {
  const char *text;
  GSList *r;
  gint64 x_off = 0;
  if (!line || !line->layout)
    return;
  if (fs)
    nb_fontsub_build(fs);
  text = pango_layout_get_text(line->layout);
  for (r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    PangoLayout *num = nb_tcy_layout(run);
    int width = pango_glyph_string_get_width(run->glyphs);
    double rx, ry;
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
      if (!fs || S_show_tcy(fs, cr, text, run, num, look.fg, rx, ry,
                            cell / (double)PANGO_SCALE) != 0) {
        cairo_save(cr);
        S_set_colour(cr, look.fg);
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
      if (!upright)
        ry += NB_VERT_CENTRAL * em; /* sideways, centred on the column */
      if (!sc || S_show_glyphs(cr, text, run, sf->face->map, sc, look.fg, rx,
                               ry) != 0) {
        cairo_move_to(cr, rx, ry);
        pango_cairo_show_glyph_item(cr, text, run);
      }
      if (sc && look.underline) {
        /* a side line, on the right of the column as vertical text has
         * it (傍線) */
        cairo_save(cr);
        S_set_colour(cr, look.fg);
        cairo_rectangle(cr, rx, -(0.5 + 0.12) * em, width / (double)PANGO_SCALE,
                        0.05 * em);
        cairo_fill(cr);
        cairo_restore(cr);
      }
    }
    x_off += width + run->end_x_offset;
  }
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
  sub_font *sf = S_font(fs, font);
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
  S_set_colour(cr, fg);
  cairo_set_scaled_font(cr, sf->vsf);
  cairo_show_text_glyphs(cr, text + run->item->offset, run->item->length,
                         glyphs, n, &cl, 1, (cairo_text_cluster_flags_t)0);
  cairo_restore(cr);
  free(glyphs);
  return 0;
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
    if (!S_run_font(fs, r->data, &look) ||
        !(sf = S_font(fs, ((PangoGlyphItem *)r->data)->item->analysis.font)) ||
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
    if (at > pc->y + 1.25 * em)
      at = pc->y + 1.25 * em;
    if (at < pc->y + em)
      at = pc->y + em;
    if (at > pc->ymax && pc->x - 1.5 * em >= pc->xmin) {
      /* the column is full: the next one, to its left */
      pc->x -= 1.5 * em;
      at = pc->ytop + em;
    }
    if (at > pc->ymax)
      at = pc->ymax; /* on the page, where extraction still sees it */
    pc->y = at;
    S_run_font(fs, run, &look);
    x_off += run->start_x_offset;
    if (S_show_proxied(
            fs, cr, text, run, look.fg, x + (double)x_off / PANGO_SCALE,
            y + (double)-run->y_offset / PANGO_SCALE, pc->x, at) != 0)
      return r == line->runs ? -1 : 0;
    x_off += pango_glyph_string_get_width(run->glyphs) + run->end_x_offset;
  }
  return 0;
}
