/* Font subsets made before drawing; see fontsub.h for why.
 *
 * Faces are told apart by file and index (fontconfig's FC_FILE/FC_INDEX of
 * the Pango font), so the sizes, weights mapped to one file and synthetic
 * slants of a face share one subset and one embedded font, as they do when
 * Cairo subsets the file itself. HarfBuzz's subsetter is loaded at run
 * time (font/hbsubset.c): it is an optional library, and without it the PDF
 * is written as before, only slower. */
#include "write/pdf/fontsub.h"
#include "write/pdf/fontsub_int.h"

#include <pthread.h>
#include <stdint.h>
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
    hb_set_destroy(fs->faces[i]->chars);
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
  f->chars = hb_set_create();
  if (!f->file || !hb_set_allocation_successful(f->glyphs) ||
      !hb_set_allocation_successful(f->chars)) {
    free(f->file);
    hb_set_destroy(f->glyphs);
    hb_set_destroy(f->chars);
    free(f);
    return NULL;
  }
  fs->faces[fs->nfaces++] = f;
  return f;
}

/* The entry for a Pango font, made on first sight. */
sub_font *nb_fontsub_font(nb_fontsub *fs, PangoFont *font) {
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

/* The characters of @p run (of @p text) into @p set. */
static void S_note_chars(hb_set_t *set, const char *text, PangoGlyphItem *run) {
  const char *p = text + run->item->offset, *end = p + run->item->length;
  while (p < end) {
    gunichar c = g_utf8_get_char(p);
    hb_set_add(set, c);
    p = g_utf8_next_char(p);
  }
}

void nb_fontsub_note(nb_fontsub *fs, PangoLayout *layout) {
  GSList *l, *r;
  const char *text;
  if (!fs || fs->built || !layout)
    return;
  text = pango_layout_get_text(layout);
  for (l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    for (r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      sub_font *sf;
      PangoLayout *num = fs->vertical ? nb_tcy_layout(run) : NULL;
      int i;
      if (num && num != layout)
        nb_fontsub_note(fs, num); /* an upright number's own glyphs */
      sf = nb_fontsub_font(fs, run->item->analysis.font);
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
        hb_set_add(sf->face->chars, 0x3000);
        hb_set_add(sf->face->chars, ' ');
      }
      for (i = 0; i < run->glyphs->num_glyphs; i++) {
        PangoGlyph g = run->glyphs->glyphs[i].glyph;
        if (g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG))
          hb_set_add(sf->face->glyphs, g);
      }
      S_note_chars(sf->face->chars, text, run);
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

static void S_put32(nb_buf *b, uint32_t v) {
  S_put16(b, (unsigned)(v >> 16));
  S_put16(b, (unsigned)(v & 0xffff));
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

/* ## The character map the subsetter reads
 *
 * The subsetter keeps in the cut font every character the face maps to a
 * glyph kept, and to find them it reads the face's whole character map
 * (some 45,000 entries for a CJK face) into a hash table: for a Noto CJK
 * face that was three quarters of the cost of cutting it. It is given
 * instead the face with a map of the characters the document draws with
 * it, made here from the face's own map, in the face's layout (format 4
 * for the BMP, format 12 for all, under the Unicode and Windows
 * platforms); the glyphs kept are the same. What the cut font's map is
 * used for afterwards is Cairo telling the character of a glyph (for its
 * ToUnicode map when the text does not say, and whether a Latin glyph
 * fits a simple font), and the characters drawn are those. */

typedef struct cmap_group {
  uint32_t first, last, glyph; /* characters first..last -> glyph.. */
} cmap_group;

/* The groups of consecutive characters mapped to consecutive glyphs of
 * @p face among @p chars whose glyph is in @p glyphs, into *@p out (the
 * caller frees it): their number, or 0 (none, or out of memory). */
static size_t S_cmap_groups(hb_face_t *face, const hb_set_t *chars,
                            const hb_set_t *glyphs, cmap_group **out) {
  hb_font_t *font = hb_font_create(face);
  hb_codepoint_t c = HB_SET_VALUE_INVALID, g;
  cmap_group *gr;
  size_t n = 0;
  *out = NULL;
  gr = nb_reallocarray(NULL, (size_t)hb_set_get_population(chars) + 1,
                       sizeof *gr);
  if (!gr) {
    hb_font_destroy(font);
    return 0;
  }
  while (hb_set_next(chars, &c)) {
    if (!hb_font_get_nominal_glyph(font, c, &g) || !hb_set_has(glyphs, g))
      continue;
    if (n > 0 && gr[n - 1].last + 1 == c &&
        gr[n - 1].glyph + (c - gr[n - 1].first) == g &&
        (c != 0x10000 || gr[n - 1].last != 0xffff)) {
      gr[n - 1].last = c;
      continue;
    }
    gr[n].first = gr[n].last = c;
    gr[n].glyph = g;
    n++;
  }
  hb_font_destroy(font);
  if (n == 0)
    free(gr);
  else
    *out = gr;
  return n;
}

/* A format 4 subtable of the BMP groups of @p gr into @p b; 0 when they
 * do not fit one (it is then left out). */
static int S_cmap4(nb_buf *b, const cmap_group *gr, size_t n) {
  size_t seg = 1, i, len;
  unsigned range = 1, sel = 0;
  for (i = 0; i < n && gr[i].last < 0xffff; i++)
    seg++;
  len = 16 + 8 * seg;
  if (len > 0xffff)
    return 0;
  while (range * 2 <= seg)
    range *= 2, sel++;
  S_put16(b, 4);
  S_put16(b, (unsigned)len);
  S_put16(b, 0);
  S_put16(b, (unsigned)(2 * seg));
  S_put16(b, 2 * range);
  S_put16(b, sel);
  S_put16(b, (unsigned)(2 * seg - 2 * range));
  for (i = 0; i + 1 < seg; i++)
    S_put16(b, gr[i].last);
  S_put16(b, 0xffff);
  S_put16(b, 0); /* reserved */
  for (i = 0; i + 1 < seg; i++)
    S_put16(b, gr[i].first);
  S_put16(b, 0xffff);
  for (i = 0; i + 1 < seg; i++)
    S_put16(b, (gr[i].glyph - gr[i].first) & 0xffff); /* idDelta */
  S_put16(b, 1);
  for (i = 0; i < seg; i++)
    S_put16(b, 0); /* idRangeOffset */
  return 1;
}

/* The 'cmap' table of @p face's characters @p chars whose glyphs are in
 * @p glyphs, or NULL when there are none (or out of memory). */
static hb_blob_t *S_char_map(hb_face_t *face, const hb_set_t *chars,
                             const hb_set_t *glyphs) {
  cmap_group *gr;
  size_t n = S_cmap_groups(face, chars, glyphs, &gr), i, at4, at12;
  nb_buf b = NB_BUF_INIT, f4 = NB_BUF_INIT;
  hb_blob_t *blob = NULL;
  int has4;
  if (n == 0)
    return NULL;
  has4 = S_cmap4(&f4, gr, n);
  at4 = 4 + 8 * (has4 ? 4 : 2);
  at12 = at4 + (has4 ? f4.len : 0);
  S_put16(&b, 0);
  S_put16(&b, has4 ? 4 : 2);
  if (has4) {
    S_put16(&b, 0), S_put16(&b, 3), S_put32(&b, (uint32_t)at4);
  }
  S_put16(&b, 0), S_put16(&b, 4), S_put32(&b, (uint32_t)at12);
  if (has4) {
    S_put16(&b, 3), S_put16(&b, 1), S_put32(&b, (uint32_t)at4);
  }
  S_put16(&b, 3), S_put16(&b, 10), S_put32(&b, (uint32_t)at12);
  if (has4)
    nb_buf_append(&b, f4.data, f4.len);
  S_put16(&b, 12);
  S_put16(&b, 0);
  S_put32(&b, (uint32_t)(16 + 12 * n));
  S_put32(&b, 0);
  S_put32(&b, (uint32_t)n);
  for (i = 0; i < n; i++) {
    S_put32(&b, gr[i].first);
    S_put32(&b, gr[i].last);
    S_put32(&b, gr[i].glyph);
  }
  free(gr);
  nb_buf_free(&f4);
  if (!b.failed && b.len <= 0xffffffffu) {
    blob = hb_blob_create(b.data, (unsigned)b.len, HB_MEMORY_MODE_WRITABLE,
                          b.data, free);
    b.data = NULL; /* the blob owns it */
  }
  nb_buf_free(&b);
  return blob;
}

/* A face reading @p face's tables but @p cmap (taken over; NULL: none) for
 * its character map. */
typedef struct S_tables {
  hb_face_t *face;
  hb_blob_t *cmap;
} S_tables;

static hb_blob_t *S_table(hb_face_t *face, hb_tag_t tag, void *ctx) {
  S_tables *t = ctx;
  (void)face;
  if (tag == HB_TAG('c', 'm', 'a', 'p'))
    return t->cmap ? hb_blob_reference(t->cmap) : hb_blob_get_empty();
  return hb_face_reference_table(t->face, tag);
}

static void S_tables_free(void *ctx) {
  S_tables *t = ctx;
  hb_face_destroy(t->face);
  hb_blob_destroy(t->cmap);
  free(t);
}

static hb_face_t *S_with_cmap(hb_face_t *face, hb_blob_t *cmap) {
  S_tables *t = nb_calloc(1, sizeof *t);
  hb_face_t *f;
  if (!t) {
    hb_blob_destroy(cmap);
    return NULL;
  }
  t->face = hb_face_reference(face);
  t->cmap = cmap;
  /* the subsetter cannot list such a face's tables and looks for each
   * one it knows instead */
  f = hb_face_create_for_tables(S_table, t, S_tables_free);
  hb_face_set_index(f, hb_face_get_index(face));
  hb_face_set_upem(f, hb_face_get_upem(face));
  hb_face_set_glyph_count(f, hb_face_get_glyph_count(face));
  return f;
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
  hb_face_t *whole = NULL, *face = NULL, *out = NULL;
  hb_subset_input_t *in = NULL;
  hb_subset_plan_t *plan = NULL;
  size_t i;
  if (hb_set_is_empty(f->glyphs))
    return;
  src = hb_blob_create_from_file_or_fail(f->file);
  if (!src)
    goto done;
  whole = hb_face_create(src, (unsigned)f->index);
  face = S_with_cmap(whole, S_char_map(whole, f->chars, f->glyphs));
  if (!face)
    goto done;
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
  hb_face_destroy(whole);
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

int nb_fontsub_read_look(PangoGlyphItem *run, run_look *look) {
  GSList *a;
  memset(look, 0, sizeof *look);
  if (run->item->analysis.level & 1)
    return 0;
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
        return 0;
      break;
    default: return 0;
    }
  }
  return 1;
}

/* The run's font in the subset, or NULL when Pango must draw the run. */
sub_font *nb_fontsub_run_font(nb_fontsub *fs, PangoGlyphItem *run,
                              run_look *look) {
  sub_font *sf;
  int i;
  if (!nb_fontsub_read_look(run, look) ||
      (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE))
    return NULL;
  sf = nb_fontsub_font(fs, run->item->analysis.font);
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

void nb_fontsub_set_colour(cairo_t *cr, const PangoColor *c) {
  if (c)
    cairo_set_source_rgb(cr, c->red / 65535., c->green / 65535.,
                         c->blue / 65535.);
}

/* 1 when the run @p t (@p len bytes) holds two spaces in a row between
 * other characters: white space kept as typed, which only preformatted
 * text has (prose collapses it). */
static int S_spaces_as_typed(const char *t, int len) {
  int i, seen_text = 0;
  for (i = 0; i + 1 < len; i++) {
    if (t[i] != ' ')
      seen_text = 1;
    else if (seen_text && t[i + 1] == ' ') {
      int j = i + 2;
      while (j < len && t[j] == ' ')
        j++;
      if (j < len)
        return 1;
      break;
    }
  }
  return 0;
}

/* One run, as Pango's Cairo renderer draws a glyph item on a surface that
 * takes text with glyphs: empty glyphs dropped, one cluster per Pango
 * cluster, so that copying and searching the PDF give back the text. */
int nb_fontsub_show_glyphs(cairo_t *cr, const char *text, PangoGlyphItem *run,
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
  if (S_spaces_as_typed(text + item->offset, item->length)) {
    /* Spaces kept as typed (code, preformatted text): the run is one
     * cluster, which Cairo writes as a span whose ActualText is the run's
     * text, spaces and all. Text extraction then reads the run as it is
     * laid out (an aligned column of a tool's output stays on its line
     * instead of being read as a column of its own), and copying it gives
     * back its spaces. */
    clusters[0].num_bytes = item->length;
    clusters[0].num_glyphs = 0;
    for (i = 0; i < gs->num_glyphs; i++)
      clusters[0].num_glyphs += gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY;
    nclusters = clusters[0].num_glyphs > 0;
  }
  if (!nclusters && pango_glyph_item_iter_init_start(&iter, run, text)) {
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
  nb_fontsub_set_colour(cr, fg);
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
  return nb_fontsub_show_glyphs(cr, text, run, font->face->map, font->sf, fg,
                                base_x, base_y);
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
  nb_fontsub_set_colour(cr, u->fg);
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
    if (!nb_fontsub_run_font(fs, r->data, &look))
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
    sub_font *font = nb_fontsub_run_font(fs, run, &look);
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
