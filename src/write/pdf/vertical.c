/* Numbers upright in one cell (縦中横) for vertical writing; see
 * vertical.h.
 *
 * Pango has no text-combine-upright, so a short number is given a shape
 * attribute one em long in the vertical line (the other digits an empty
 * one): the line breaker, the justifier and the paginator see one cell,
 * the text keeps its digits for extraction and links. The shape carries
 * the number laid out horizontally, which the device draws upright and
 * centred in the cell. That layout begins with an ideographic space: its
 * (blank) glyph in the digits' face lets the device mark the cell for
 * text extraction (fontsub.c). */
#include "write/pdf/vertical.h"

#include <stdlib.h>
#include <string.h>

#include "write/upright.h"

static int S_digit(char c) {
  return c >= '0' && c <= '9';
}

static gpointer S_ref(gconstpointer p) {
  return g_object_ref((gpointer)p);
}

/* The horizontal layout of digits s[a, b): an ideographic space and the
 * digits, with the paragraph's attributes that cover them (@p all, in
 * start order) and half-width digits when there are two or three. */
static PangoLayout *S_number(PangoContext *hctx, const PangoFontDescription *fd,
                             const char *s, size_t a, size_t b, GSList *all) {
  PangoLayout *l = pango_layout_new(hctx);
  PangoAttrList *la = pango_attr_list_new();
  char buf[3 + 3 + 1];
  size_t n = b - a;
  GSList *it;
  memcpy(buf, "\xe3\x80\x80", 3);
  memcpy(buf + 3, s + a, n);
  buf[3 + n] = '\0';
  pango_layout_set_font_description(l, fd);
  for (it = all; it; it = it->next) {
    const PangoAttribute *at = it->data;
    PangoAttribute *c;
    PangoAttrType t = at->klass->type;
    if (at->end_index <= a || at->start_index >= b || t == PANGO_ATTR_SHAPE ||
        t == PANGO_ATTR_RISE || t == PANGO_ATTR_ALLOW_BREAKS ||
        t == PANGO_ATTR_INSERT_HYPHENS || t == PANGO_ATTR_FONT_FEATURES)
      continue;
    if (!(c = pango_attribute_copy(at)))
      continue;
    /* the blank takes the face of the first digit */
    c->start_index =
        at->start_index <= a ? 0 : (guint)(3 + at->start_index - a);
    c->end_index =
        at->end_index >= b ? (guint)(3 + n) : (guint)(3 + at->end_index - a);
    pango_attr_list_insert(la, c);
  }
  if (n >= 2) {
    PangoAttribute *h = pango_attr_font_features_new("hwid");
    h->start_index = 3;
    h->end_index = (guint)(3 + n);
    pango_attr_list_insert(la, h);
  }
  pango_layout_set_text(l, buf, (int)(3 + n));
  pango_layout_set_attributes(l, la);
  pango_attr_list_unref(la);
  return l;
}

int nb_tcy_mark(PangoContext *hctx, const PangoFontDescription *fd, double em,
                const char *text, size_t len, PangoAttrList *attrs) {
  size_t i = 0;
  int marked = 0;
  GSList *all = NULL;
  int have_all = 0;
  PangoRectangle cell, none = {0, 0, 0, 0};
  cell.x = 0;
  cell.width = (int)(em * PANGO_SCALE);
  cell.y = -cell.width / 2;
  cell.height = cell.width;
  while (i < len) {
    size_t j;
    PangoLayout *l;
    PangoAttribute *a;
    if (!S_digit(text[i])) {
      i++;
      continue;
    }
    for (j = i; j < len && S_digit(text[j]); j++)
      ;
    if (!nb_upright_number(text, len, i, j)) {
      i = j;
      continue;
    }
    if (!have_all) {
      all = pango_attr_list_get_attributes(attrs);
      have_all = 1;
    }
    l = S_number(hctx, fd, text, i, j, all);
    a = pango_attr_shape_new_with_data(&cell, &cell, l, S_ref, g_object_unref);
    a->start_index = (guint)i;
    a->end_index = (guint)(i + 1);
    pango_attr_list_insert(attrs, a);
    if (j > i + 1) {
      a = pango_attr_shape_new(&none, &none);
      a->start_index = (guint)(i + 1);
      a->end_index = (guint)j;
      pango_attr_list_insert(attrs, a);
    }
    marked++;
    i = j;
  }
  g_slist_free_full(all, (GDestroyNotify)pango_attribute_destroy);
  return marked;
}

static const PangoAttrShape *S_shape(const PangoGlyphItem *run) {
  GSList *a;
  for (a = run->item->analysis.extra_attrs; a; a = a->next) {
    const PangoAttribute *at = a->data;
    if (at->klass->type == PANGO_ATTR_SHAPE)
      return (const PangoAttrShape *)at;
  }
  return NULL;
}

PangoLayout *nb_tcy_layout(const PangoGlyphItem *run) {
  const PangoAttrShape *s = S_shape(run);
  return s && s->data && PANGO_IS_LAYOUT(s->data) ? s->data : NULL;
}

int nb_tcy_rest(const PangoGlyphItem *run) {
  const PangoAttrShape *s = S_shape(run);
  return s && !s->data;
}

static const char S_source_key[] = "nb-source-text";

const char *nb_vertical_source(PangoLayout *layout) {
  const char *s = g_object_get_data(G_OBJECT(layout), S_source_key);
  return s ? s : pango_layout_get_text(layout);
}

void nb_vertical_set_shown(PangoLayout *layout, char *shown) {
  char *src = g_strdup(pango_layout_get_text(layout));
  g_object_set_data_full(G_OBJECT(layout), S_source_key, src, g_free);
  pango_layout_set_text(layout, shown, (int)strlen(shown));
  free(shown);
}
