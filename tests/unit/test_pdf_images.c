/* The Cairo device and repeated images: one picture shown on several pages,
 * by several resources with the same content id (as articles of a book
 * each resolve their own), at several widths, is written once and the
 * document stays valid and byte-identical from run to run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairo.h>

#include "util/util.h"
#include "write/pdf/device.h"

static cairo_status_t S_png_write(void *closure, const unsigned char *data,
                                  unsigned int length) {
  nb_buf_append(closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A small opaque PNG with some detail, so that it compresses to something. */
static void S_png(nb_buf *out) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 48);
  cairo_t *cr = cairo_create(s);
  int i;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  for (i = 0; i < 12; i++) {
    cairo_set_source_rgb(cr, i / 12.0, 0.3, 1 - i / 12.0);
    cairo_rectangle(cr, i * 5, i * 3, 9, 7);
    cairo_fill(cr);
  }
  cairo_destroy(cr);
  cairo_surface_write_to_png_stream(s, S_png_write, out);
  cairo_surface_destroy(s);
}

static size_t S_count(const char *hay, size_t n, const char *needle) {
  size_t k = 0, m = strlen(needle), i;
  for (i = 0; i + m <= n; i++)
    if (memcmp(hay + i, needle, m) == 0)
      k++;
  return k;
}

/* Three pages: the picture from resource a, then from resource b (same
 * content) at half the width, then from a again. */
static void S_render(const nb_buf *png, char **out, size_t *len) {
  nb_resource a, b;
  FILE *fp = open_memstream(out, len);
  nb_dev *dev;
  nb_error err;
  assert_non_null(fp);
  memset(&a, 0, sizeof a);
  a.status = NB_RES_OK;
  a.data = (const unsigned char *)png->data;
  a.size = png->len;
  a.media_type = "image/png";
  a.width = 64;
  a.height = 48;
  snprintf(a.id, sizeof a.id, "img-0123456789abcdef");
  b = a;
  dev = nb_dev_cairo_new(fp, 595, 842);
  assert_non_null(dev);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 50, 200, 150, 300), 0);
  nb_dev_end_page(dev);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &b, 50, 50, 100, 75, 300), 0);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 300, 200, 150, 300), 0);
  nb_dev_end_page(dev);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 50, 200, 150, 300), 0);
  nb_dev_end_page(dev);
  assert_int_equal(nb_dev_close(dev, &err), 0);
  nb_dev_free(dev);
  fclose(fp);
}

static void test_repeated_image(void **state) {
  nb_buf png = NB_BUF_INIT;
  char *one = NULL, *two = NULL;
  size_t n1 = 0, n2 = 0;
  (void)state;
  S_png(&png);
  assert_true(png.len > 0);
  S_render(&png, &one, &n1);
  S_render(&png, &two, &n2);
  assert_true(n1 > 100);
  assert_memory_equal(one, "%PDF-", 5);
  /* written once, drawn four times */
  assert_int_equal(S_count(one, n1, "/Subtype /Image"), 1);
  assert_int_equal(n1, n2);
  assert_memory_equal(one, two, n1);
  free(one);
  free(two);
  nb_buf_free(&png);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_repeated_image),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
