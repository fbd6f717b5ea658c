/* Subset fonts (fontsub.c): lines whose glyphs were noted before the build
 * are drawn with the subsets, including colour, rise and single underline;
 * lines needing more (a strikethrough, a glyph never noted) are handed
 * back to Pango; the PDF comes out valid; a subset keeps the glyphs noted
 * and maps the characters drawn with them. Skipped where HarfBuzz's
 * subsetter cannot be loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include "util/util.h"
#include "write/pdf/fontsub.h"
#include "write/pdf/fontsub_int.h"
#include "write/pdf/justify.h"

static cairo_status_t S_write(void *closure, const unsigned char *data,
                              unsigned int length) {
  nb_buf_append(closure, (const char *)data, length);
  return CAIRO_STATUS_SUCCESS;
}

static PangoLayout *S_layout(PangoContext *ctx, const char *text,
                             PangoAttrList *attrs) {
  PangoLayout *l = pango_layout_new(ctx);
  PangoFontDescription *fd = pango_font_description_from_string("serif 10.5");
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(l, 300 * PANGO_SCALE);
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(l, text, -1);
  if (attrs) {
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
  }
  return l;
}

static void S_attr(PangoAttrList *list, PangoAttribute *a, const char *text,
                   const char *from, const char *to) {
  a->start_index = (guint)(strstr(text, from) - text);
  a->end_index = (guint)(strstr(text, to) - text);
  pango_attr_list_insert(list, a);
}

static void test_subset_lines(void **state) {
  static const char plain[] =
      "过去几年的国内GPU赛道可谓热得发烫，巨额融资不断刷新行业纪录。"
      "正文如此，壁仞科技在成立三年后发布了首款通用芯片。";
  static const char marked[] = "加粗的字，下划线的字，蓝色的字，上标2。";
  static const char struck[] = "删除线的字";
  PangoFontMap *fm = nb_pdf_font_map_new(NULL);
  PangoContext *ctx = nb_pdf_context_new(fm, "zh-cn");
  PangoAttrList *attrs = pango_attr_list_new(), *sattrs;
  PangoLayout *a, *b, *c, *unseen;
  nb_buf out = NB_BUF_INIT;
  cairo_surface_t *surface;
  cairo_t *cr;
  nb_fontsub *fs = nb_fontsub_new();
  GSList *l;
  double y = 40;
  (void)state;
  S_attr(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD), marked, "加粗",
         "，下划线");
  S_attr(attrs, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), marked,
         "下划线", "，蓝色");
  S_attr(attrs, pango_attr_foreground_new(0, 0, 65535), marked, "蓝色",
         "，上标");
  S_attr(attrs, pango_attr_rise_new(3 * PANGO_SCALE), marked, "2", "。");
  sattrs = pango_attr_list_new();
  S_attr(sattrs, pango_attr_strikethrough_new(TRUE), struck, "删除", "的字");
  a = S_layout(ctx, plain, NULL);
  b = S_layout(ctx, marked, attrs);
  c = S_layout(ctx, struck, sattrs);
  unseen = S_layout(ctx, "鑫鑫鑫", NULL);
  assert_non_null(fs);
  nb_fontsub_note(fs, a);
  nb_fontsub_note(fs, b);
  nb_fontsub_note(fs, c);
  surface = cairo_pdf_surface_create_for_stream(S_write, &out, 595, 842);
  cr = cairo_create(surface);
  nb_fontsub_build(fs);
  /* noting after the build changes nothing */
  nb_fontsub_note(fs, unseen);
  l = pango_layout_get_lines_readonly(a);
  if (nb_fontsub_show_line(fs, cr, l->data, 40, y) != 0) {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    nb_fontsub_free(fs);
    g_object_unref(a);
    g_object_unref(b);
    g_object_unref(c);
    g_object_unref(unseen);
    g_object_unref(ctx);
    g_object_unref(fm);
    nb_buf_free(&out);
    skip();
    return;
  }
  for (l = l->next; l; l = l->next)
    assert_int_equal(nb_fontsub_show_line(fs, cr, l->data, 40, y += 16), 0);
  for (l = pango_layout_get_lines_readonly(b); l; l = l->next)
    assert_int_equal(nb_fontsub_show_line(fs, cr, l->data, 40, y += 16), 0);
  l = pango_layout_get_lines_readonly(c);
  assert_int_equal(nb_fontsub_show_line(fs, cr, l->data, 40, y += 16), -1);
  l = pango_layout_get_lines_readonly(unseen);
  assert_int_equal(nb_fontsub_show_line(fs, cr, l->data, 40, y += 16), -1);
  cairo_show_page(cr);
  cairo_destroy(cr);
  /* the set may go before the surface: Cairo keeps what it needs */
  nb_fontsub_free(fs);
  cairo_surface_finish(surface);
  assert_int_equal(cairo_surface_status(surface), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);
  assert_true(out.len > 1000);
  assert_memory_equal(out.data, "%PDF-", 5);
  nb_buf_free(&out);
  g_object_unref(a);
  g_object_unref(b);
  g_object_unref(c);
  g_object_unref(unseen);
  g_object_unref(ctx);
  g_object_unref(fm);
}

static void test_null_and_empty(void **state) {
  nb_fontsub *fs = nb_fontsub_new();
  (void)state;
  nb_fontsub_note(NULL, NULL);
  nb_fontsub_build(NULL);
  assert_int_equal(nb_fontsub_show_line(NULL, NULL, NULL, 0, 0), -1);
  /* nothing noted: builds nothing, draws nothing */
  nb_fontsub_build(fs);
  assert_int_equal(nb_fontsub_show_line(fs, NULL, NULL, 0, 0), -1);
  nb_fontsub_free(fs);
  nb_fontsub_free(NULL);
}

/* The cut face of the Chinese text keeps the glyphs noted (and .notdef)
 * and maps each character drawn with it to its glyph there, and no other
 * character: not 一's Kangxi radical twin ⼀ (U+2F00), which the face maps
 * to the same glyph, nor characters never drawn. */
static void test_subset_char_map(void **state) {
  static const char text[] = "一人金，中文。一二三";
  PangoFontMap *fm = nb_pdf_font_map_new(NULL);
  PangoContext *ctx = nb_pdf_context_new(fm, "zh-cn");
  PangoLayout *l = S_layout(ctx, text, NULL);
  nb_fontsub *fs = nb_fontsub_new();
  PangoGlyphItem *run;
  sub_font *sf;
  cairo_matrix_t m;
  cairo_font_options_t *fo;
  cairo_scaled_font_t *scaled;
  FT_Face ft;
  const char *p;
  unsigned noted;
  int i;
  (void)state;
  nb_fontsub_note(fs, l);
  nb_fontsub_build(fs);
  run = pango_layout_get_line_readonly(l, 0)->runs->data;
  sf = nb_fontsub_font(fs, run->item->analysis.font);
  if (!sf || !sf->face || !sf->face->cface) {
    nb_fontsub_free(fs);
    g_object_unref(l);
    g_object_unref(ctx);
    g_object_unref(fm);
    skip();
    return;
  }
  noted = hb_set_get_population(sf->face->glyphs);
  cairo_matrix_init_scale(&m, 10, 10);
  fo = cairo_font_options_create();
  scaled = cairo_scaled_font_create(sf->face->cface, &m, &m, fo);
  ft = cairo_ft_scaled_font_lock_face(scaled);
  assert_non_null(ft);
  assert_int_equal(ft->num_glyphs, noted + !hb_set_has(sf->face->glyphs, 0));
  for (p = text; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    PangoGlyph g =
        pango_fc_font_get_glyph(PANGO_FC_FONT(run->item->analysis.font), c);
    assert_true(g != 0);
    assert_int_equal(FT_Get_Char_Index(ft, c), hb_map_get(sf->face->map, g));
  }
  assert_int_equal(FT_Get_Char_Index(ft, 0x2F00), 0);
  assert_int_equal(FT_Get_Char_Index(ft, 0x56DB), 0); /* 四, not drawn */
  for (i = 0; i < 2; i++)
    assert_int_equal(FT_Get_Char_Index(ft, i ? 'A' : 0x3000), 0);
  cairo_ft_scaled_font_unlock_face(scaled);
  cairo_scaled_font_destroy(scaled);
  cairo_font_options_destroy(fo);
  nb_fontsub_free(fs);
  g_object_unref(l);
  g_object_unref(ctx);
  g_object_unref(fm);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_subset_lines),
      cmocka_unit_test(test_null_and_empty),
      cmocka_unit_test(test_subset_char_map),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
