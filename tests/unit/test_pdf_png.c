/* PNGs written into the PDF as they are (pdfimg.c): which PNGs qualify,
 * and a file drawn with stand-ins ends up with the PNG's own compressed
 * rows, on every page that shows it, and no stand-in left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cairo.h>

#include "util/util.h"
#include "write/pdf/device.h"
#include "write/pdf/pdfimg.h"

static cairo_status_t S_png_write(void *closure, const unsigned char *data,
                                  unsigned int length) {
  nb_buf_append(closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A 64x48 PNG with some detail: RGB, or RGBA with a transparent corner. */
static void S_png(nb_buf *out, int alpha) {
  cairo_surface_t *s = cairo_image_surface_create(
      alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, 64, 48);
  cairo_t *cr = cairo_create(s);
  int i;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  for (i = 0; i < 12; i++) {
    cairo_set_source_rgb(cr, i / 12.0, 0.3, 1 - i / 12.0);
    cairo_rectangle(cr, i * 5, i * 3, 9, 7);
    cairo_fill(cr);
  }
  if (alpha) {
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_rectangle(cr, 0, 0, 8, 8);
    cairo_fill(cr);
  }
  cairo_destroy(cr);
  cairo_surface_write_to_png_stream(s, S_png_write, out);
  cairo_surface_destroy(s);
}

/* Where the (single) IDAT chunk's data starts, and its length. */
static size_t S_idat(const nb_buf *png, size_t *len) {
  size_t pos = 8;
  while (pos + 12 <= png->len) {
    const unsigned char *p = (const unsigned char *)png->data + pos;
    size_t n =
        (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
    if (memcmp(p + 4, "IDAT", 4) == 0) {
      *len = n;
      return pos + 8;
    }
    pos += 12 + n;
  }
  fail();
  return 0;
}

static void test_which_pngs(void **state) {
  nb_buf rgb = NB_BUF_INIT, rgba = NB_BUF_INIT;
  nb_pdf_png p;
  size_t n, at;
  (void)state;
  S_png(&rgb, 0);
  S_png(&rgba, 1);
  assert_true(nb_pdf_png_likely((const unsigned char *)rgb.data, rgb.len));
  assert_int_equal(
      nb_pdf_png_direct((const unsigned char *)rgb.data, rgb.len, &p), 1);
  assert_int_equal(p.width, 64);
  assert_int_equal(p.height, 48);
  assert_int_equal(p.colors, 3);
  /* transparency: decoded as before */
  assert_int_equal(
      nb_pdf_png_direct((const unsigned char *)rgba.data, rgba.len, &p), 0);
  /* truncated */
  assert_int_equal(
      nb_pdf_png_direct((const unsigned char *)rgb.data, rgb.len - 20, &p), 0);
  /* a byte changed in transit: the CRC says so */
  at = S_idat(&rgb, &n);
  rgb.data[at + n / 2] ^= 0x20;
  assert_true(nb_pdf_png_likely((const unsigned char *)rgb.data, rgb.len));
  assert_int_equal(
      nb_pdf_png_direct((const unsigned char *)rgb.data, rgb.len, &p), 0);
  nb_buf_free(&rgb);
  nb_buf_free(&rgba);
}

static char *S_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *d;
  long n;
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  d = malloc((size_t)n + 1);
  assert_non_null(d);
  assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
  d[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return d;
}

static size_t S_count(const char *hay, size_t n, const char *needle, size_t m) {
  size_t k = 0, i;
  for (i = 0; i + m <= n; i++)
    if (memcmp(hay + i, needle, m) == 0)
      k++;
  return k;
}

/* The picture on two pages, and again smaller (still not downsampled):
 * one image object, holding the PNG's IDAT bytes. */
static void test_written_as_is(void **state) {
  nb_buf png = NB_BUF_INIT;
  nb_resource a;
  char path[] = "/tmp/test_pdf_png_XXXXXX";
  int fd = mkstemp(path);
  FILE *fp;
  nb_dev *dev;
  nb_error err;
  char *pdf;
  size_t len, at, n;
  (void)state;
  assert_true(fd >= 0);
  fp = fdopen(fd, "w+b");
  assert_non_null(fp);
  S_png(&png, 0);
  memset(&a, 0, sizeof a);
  a.status = NB_RES_OK;
  a.data = (const unsigned char *)png.data;
  a.size = png.len;
  a.media_type = "image/png";
  a.width = 64;
  a.height = 48;
  snprintf(a.id, sizeof a.id, "img-0123456789abcdef");
  dev = nb_dev_cairo_new(fp, 595, 842);
  assert_non_null(dev);
  nb_dev_cairo_set_direct(dev, 1);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 50, 200, 150, 300), 0);
  nb_dev_end_page(dev);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 50, 100, 75, 300), 0);
  nb_dev_end_page(dev);
  assert_int_equal(nb_dev_close(dev, &err), 0);
  assert_int_equal(fflush(fp), 0);
  assert_int_equal(nb_dev_cairo_finish_images(dev, path, fp, &err), 0);
  nb_dev_free(dev);
  fclose(fp);
  pdf = S_slurp(path, &len);
  at = S_idat(&png, &n);
  assert_int_equal(S_count(pdf, len, png.data + at, n), 1);
  assert_int_equal(S_count(pdf, len, "/Predictor 15", 13), 1);
  assert_int_equal(S_count(pdf, len, "/Subtype /Image", 15), 1);
  assert_int_equal(S_count(pdf, len, "/Width 64", 9), 1);
  assert_int_equal(S_count(pdf, len, "/Width 1\n", 9), 0);
  free(pdf);
  unlink(path);
  nb_buf_free(&png);
}

/* Stand-ins that cannot be found (here: the file given is one drawn
 * without them) are reported, so that the writer draws the file again
 * with every image decoded; a device that was not asked draws none. */
static void test_missing_stand_ins(void **state) {
  nb_buf png = NB_BUF_INIT;
  nb_resource a;
  char path[] = "/tmp/test_pdf_png_XXXXXX";
  int fd = mkstemp(path);
  FILE *fp, *sink;
  nb_dev *dev, *plain;
  nb_error err;
  char *pdf = NULL;
  size_t len = 0;
  (void)state;
  assert_true(fd >= 0);
  fp = fdopen(fd, "w+b");
  assert_non_null(fp);
  S_png(&png, 0);
  memset(&a, 0, sizeof a);
  a.status = NB_RES_OK;
  a.data = (const unsigned char *)png.data;
  a.size = png.len;
  a.media_type = "image/png";
  snprintf(a.id, sizeof a.id, "img-0123456789abcdef");
  /* drawn without stand-ins into the file */
  plain = nb_dev_cairo_new(fp, 595, 842);
  nb_dev_begin_page(plain, 595, 842);
  assert_int_equal(nb_dev_draw_image(plain, &a, 50, 50, 200, 150, 300), 0);
  nb_dev_end_page(plain);
  assert_int_equal(nb_dev_close(plain, &err), 0);
  assert_int_equal(fflush(fp), 0);
  assert_int_equal(nb_dev_cairo_finish_images(plain, path, fp, &err), 0);
  nb_dev_free(plain);
  /* with one, elsewhere */
  sink = open_memstream(&pdf, &len);
  dev = nb_dev_cairo_new(sink, 595, 842);
  nb_dev_cairo_set_direct(dev, 1);
  nb_dev_begin_page(dev, 595, 842);
  assert_int_equal(nb_dev_draw_image(dev, &a, 50, 50, 200, 150, 300), 0);
  nb_dev_end_page(dev);
  assert_int_equal(nb_dev_close(dev, &err), 0);
  fclose(sink);
  assert_int_equal(nb_dev_cairo_finish_images(dev, path, fp, &err), 1);
  nb_dev_free(dev);
  fclose(fp);
  free(pdf);
  unlink(path);
  nb_buf_free(&png);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_which_pngs),
      cmocka_unit_test(test_written_as_is),
      cmocka_unit_test(test_missing_stand_ins),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
