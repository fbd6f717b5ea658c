/* Page furniture written once (furniture.h). */
#include "write/pdf/furniture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>
#include <zlib.h>

#include "util/util.h"

/* Lines remembered: a book alternates two heads (its title, the
 * article's) and each folio is new; a few more than that cost nothing. */
#define SLOTS 6

typedef struct slot {
  nb_buf key;        /* what is drawn, see S_key; len 0: empty */
  PangoFont **fonts; /* the key's fonts, held so that their
                        addresses stay theirs */
  size_t nfonts;
  cairo_surface_t *stand_in; /* NULL: seen once, no form yet */
  int no_form;               /* it has none to make (nothing drawn...) */
  double bbox[4];            /* the form's box with the stand-in's */
  unsigned long used;        /* when last seen */
} slot;

struct nb_furniture {
  slot slots[SLOTS];
  unsigned long clock;
  unsigned char **forms; /* every form's deflated content */
  size_t nforms, capforms;
};

nb_furniture *nb_furniture_new(void) {
  return nb_calloc(1, sizeof(nb_furniture));
}

static void S_clear(slot *s) {
  size_t i;
  for (i = 0; i < s->nfonts; i++)
    g_object_unref(s->fonts[i]);
  free(s->fonts);
  s->fonts = NULL;
  s->nfonts = 0;
  if (s->stand_in)
    cairo_surface_destroy(s->stand_in);
  s->stand_in = NULL;
  s->no_form = 0;
  s->key.len = 0;
}

void nb_furniture_free(nb_furniture *f) {
  size_t i;
  if (!f)
    return;
  for (i = 0; i < SLOTS; i++) {
    S_clear(&f->slots[i]);
    nb_buf_free(&f->slots[i].key);
  }
  for (i = 0; i < f->nforms; i++)
    free(f->forms[i]);
  free(f->forms);
  free(f);
}

/* What the outlines of @p line in @p rgb depend on: each run's font (by
 * address: the slot holds a reference), gravity, offsets and lines drawn
 * with it, and each glyph's id, advance and offsets. 0, or -1 on out of
 * memory. */
static int S_key(nb_buf *key, PangoLayoutLine *line, uint32_t rgb) {
  GSList *l;
  key->len = 0;
  nb_buf_append(key, &rgb, sizeof rgb);
  for (l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    PangoFont *font = run->item->analysis.font;
    GSList *a;
    int head[4], i;
    head[0] = run->glyphs->num_glyphs;
    head[1] = run->y_offset;
    head[2] = run->start_x_offset;
    head[3] = run->item->analysis.gravity;
    nb_buf_append(key, &font, sizeof font);
    nb_buf_append(key, head, sizeof head);
    /* lines Pango draws along with the glyphs */
    for (a = run->item->analysis.extra_attrs; a; a = a->next) {
      const PangoAttribute *at = a->data;
      if (at->klass->type == PANGO_ATTR_UNDERLINE ||
          at->klass->type == PANGO_ATTR_STRIKETHROUGH ||
          at->klass->type == PANGO_ATTR_OVERLINE) {
        int v[2];
        v[0] = (int)at->klass->type;
        v[1] = ((const PangoAttrInt *)at)->value;
        nb_buf_append(key, v, sizeof v);
      }
    }
    for (i = 0; i < run->glyphs->num_glyphs; i++) {
      const PangoGlyphInfo *g = &run->glyphs->glyphs[i];
      int v[4];
      v[0] = (int)g->glyph;
      v[1] = g->geometry.width;
      v[2] = g->geometry.x_offset;
      v[3] = g->geometry.y_offset;
      nb_buf_append(key, v, sizeof v);
    }
  }
  return key->failed ? -1 : 0;
}

/* Hold the fonts of @p line's runs in @p s. 0 or -1. */
static int S_hold_fonts(slot *s, PangoLayoutLine *line) {
  GSList *l;
  size_t n = g_slist_length(line->runs);
  if (n && !(s->fonts = nb_calloc(n, sizeof *s->fonts)))
    return -1;
  for (l = line->runs; l; l = l->next) {
    PangoFont *font = ((PangoGlyphItem *)l->data)->item->analysis.font;
    if (font)
      s->fonts[s->nfonts++] = g_object_ref(font);
  }
  return 0;
}

/* @p v with three decimals at most, as a PDF number, and a space. */
static void S_num(nb_buf *b, double v) {
  char t[48];
  int n = snprintf(t, sizeof t, "%.3f", fabs(v) < 0.0005 ? 0.0 : v);
  while (n > 0 && t[n - 1] == '0')
    n--;
  if (n > 0 && t[n - 1] == '.')
    n--;
  t[n++] = ' ';
  nb_buf_append(b, t, (size_t)n);
}

/* The content of @p line's form, deflated, into @p form (flate
 * malloc'd): its outlines filled in @p rgb, in the line's own space. 0,
 * or -1 (nothing to draw, out of memory). */
static int S_form(PangoLayoutLine *line, uint32_t rgb, nb_pdf_png *form) {
  cairo_surface_t *rec =
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *c = cairo_create(rec);
  cairo_path_t *path;
  nb_buf ops = NB_BUF_INIT;
  unsigned char *z = NULL;
  uLongf zn;
  int i, rc = -1;
  memset(form, 0, sizeof *form);
  cairo_move_to(c, 0, 0);
  pango_cairo_layout_line_path(c, line);
  cairo_fill_extents(c, &form->bbox[0], &form->bbox[1], &form->bbox[2],
                     &form->bbox[3]);
  path = cairo_copy_path(c);
  if (path->status != CAIRO_STATUS_SUCCESS || path->num_data == 0 ||
      form->bbox[2] <= form->bbox[0])
    goto done;
  S_num(&ops, ((rgb >> 16) & 255) / 255.0);
  S_num(&ops, ((rgb >> 8) & 255) / 255.0);
  S_num(&ops, (rgb & 255) / 255.0);
  nb_buf_puts(&ops, "rg\n");
  for (i = 0; i < path->num_data; i += path->data[i].header.length) {
    const cairo_path_data_t *d = &path->data[i];
    switch (d->header.type) {
    case CAIRO_PATH_MOVE_TO:
      S_num(&ops, d[1].point.x);
      S_num(&ops, d[1].point.y);
      nb_buf_puts(&ops, "m\n");
      break;
    case CAIRO_PATH_LINE_TO:
      S_num(&ops, d[1].point.x);
      S_num(&ops, d[1].point.y);
      nb_buf_puts(&ops, "l\n");
      break;
    case CAIRO_PATH_CURVE_TO:
      S_num(&ops, d[1].point.x);
      S_num(&ops, d[1].point.y);
      S_num(&ops, d[2].point.x);
      S_num(&ops, d[2].point.y);
      S_num(&ops, d[3].point.x);
      S_num(&ops, d[3].point.y);
      nb_buf_puts(&ops, "c\n");
      break;
    case CAIRO_PATH_CLOSE_PATH: nb_buf_puts(&ops, "h\n"); break;
    }
  }
  nb_buf_puts(&ops, "f\n");
  if (ops.failed)
    goto done;
  zn = compressBound((uLong)ops.len);
  if (!(z = malloc(zn)) ||
      compress2(z, &zn, (const Bytef *)ops.data, (uLong)ops.len,
                Z_BEST_COMPRESSION) != Z_OK)
    goto done;
  form->form = 1;
  form->flate = z;
  form->flate_len = zn;
  z = NULL;
  rc = 0;
done:
  free(z);
  nb_buf_free(&ops);
  cairo_path_destroy(path);
  cairo_destroy(c);
  cairo_surface_destroy(rec);
  return rc;
}

/* Keep @p form's bytes until the set is freed. 0 or -1. */
static int S_keep(nb_furniture *f, const nb_pdf_png *form) {
  if (f->nforms == f->capforms) {
    size_t cap = f->capforms ? f->capforms * 2 : 8;
    unsigned char **n = nb_reallocarray(f->forms, cap, sizeof *n);
    if (!n)
      return -1;
    f->forms = n;
    f->capforms = cap;
  }
  f->forms[f->nforms++] = (unsigned char *)form->flate;
  return 0;
}

/* The slot remembering @p key, or the one to reuse for it (*@p found 0). */
static slot *S_find(nb_furniture *f, const nb_buf *key, int *found) {
  slot *old = &f->slots[0];
  size_t i;
  for (i = 0; i < SLOTS; i++) {
    slot *t = &f->slots[i];
    if (t->key.len == key->len && key->len &&
        memcmp(t->key.data, key->data, key->len) == 0) {
      *found = 1;
      return t;
    }
    if (old->key.len && (!t->key.len || t->used < old->used))
      old = t;
  }
  *found = 0;
  return old;
}

int nb_furniture_paint(nb_furniture *f, cairo_t *cr, PangoLayoutLine *line,
                       uint32_t rgb, nb_furniture_add add, void *ctx) {
  nb_buf key = NB_BUF_INIT;
  nb_pdf_png form;
  slot *s;
  int found;
  if (!f || !line->runs || S_key(&key, line, rgb) != 0) {
    nb_buf_free(&key);
    return -1;
  }
  s = S_find(f, &key, &found);
  s->used = ++f->clock;
  if (!found) {
    /* first sighting: remember it, drawn by the caller */
    S_clear(s);
    nb_buf_free(&s->key);
    s->key = key;
    if (S_hold_fonts(s, line) != 0)
      S_clear(s);
    return -1;
  }
  nb_buf_free(&key);
  if (!s->stand_in && !s->no_form) {
    if (S_form(line, rgb, &form) != 0) {
      s->no_form = 1;
    } else if (S_keep(f, &form) != 0) {
      free((void *)form.flate);
      s->no_form = 1;
    } else if (!(s->stand_in = add(ctx, &form))) {
      s->no_form = 1;
    }
    s->bbox[0] = fmin(form.bbox[0], 0) - 1;
    s->bbox[1] = fmin(form.bbox[1], 0) - 1;
    s->bbox[2] = fmax(form.bbox[2], 1) + 1;
    s->bbox[3] = fmax(form.bbox[3], 3) + 1;
  }
  if (!s->stand_in)
    return -1;
  cairo_save(cr);
  /* a paint unbounded fails Cairo 1.16's tags; bounded by the stand-in
   * it would clip the form to a point */
  cairo_rectangle(cr, s->bbox[0], s->bbox[1], s->bbox[2] - s->bbox[0],
                  s->bbox[3] - s->bbox[1]);
  cairo_clip(cr);
  cairo_set_source_surface(cr, s->stand_in, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  return 0;
}
