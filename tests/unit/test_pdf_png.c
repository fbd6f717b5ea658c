/* Images written into the PDF compressed beforehand (pdfimg.c): which
 * PNGs go in as they are, and a file drawn with stand-ins ends up with
 * the PNG's own compressed rows, or the decoded pixels deflated by the
 * device's worker, on every page that shows them, and no stand-in left. */
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
#include <pango/pangocairo.h>
#include <zlib.h>

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

/* @p a as a resource of PNG bytes @p png, with content id @p id; 64x48
 * declared when @p sized. */
static void S_resource(nb_resource *a, const nb_buf *png, const char *id,
                       int sized) {
  memset(a, 0, sizeof *a);
  a->status = NB_RES_OK;
  a->data = (const unsigned char *)png->data;
  a->size = png->len;
  a->media_type = "image/png";
  if (sized) {
    a->width = 64;
    a->height = 48;
  }
  snprintf(a->id, sizeof a->id, "%s", id);
}

/* A Cairo device drawing A4 pages into a new file (its name into
 * @p path, "/tmp/test_pdf_png_XXXXXX"), with stand-ins and the worker
 * when @p direct. */
static nb_dev *S_dev(char *path, int direct, FILE **fp) {
  int fd = mkstemp(path);
  nb_dev *dev;
  assert_true(fd >= 0);
  *fp = fdopen(fd, "w+b");
  assert_non_null(*fp);
  dev = nb_dev_cairo_new(*fp, 595, 842);
  assert_non_null(dev);
  if (direct)
    nb_dev_cairo_set_direct(dev, 1);
  return dev;
}

/* @p dev closed (and, when @p direct, what the stand-ins stand for put
 * in): the file's bytes, malloc'd; the file is removed. */
static char *S_done(nb_dev *dev, FILE *fp, const char *path, int direct,
                    size_t *len) {
  nb_error err;
  char *pdf;
  assert_int_equal(nb_dev_close(dev, &err), 0);
  assert_int_equal(fflush(fp), 0);
  if (direct)
    assert_int_equal(nb_dev_cairo_finish_images(dev, path, fp, &err), 0);
  nb_dev_free(dev);
  fclose(fp);
  pdf = S_slurp(path, len);
  unlink(path);
  return pdf;
}

/* One page a box {w, h, dpi} of @p boxes, @p a drawn in each at (50, 50)
 * by the Cairo device, with stand-ins and the worker when @p direct (and
 * the PNGs put in afterwards); the file's bytes, malloc'd. */
static char *S_drawn(const nb_resource *a, int direct, const double (*boxes)[3],
                     int npages, size_t *len) {
  char path[] = "/tmp/test_pdf_png_XXXXXX";
  FILE *fp;
  nb_dev *dev = S_dev(path, direct, &fp);
  int k;
  for (k = 0; k < npages; k++) {
    nb_dev_begin_page(dev, 595, 842);
    assert_int_equal(nb_dev_draw_image(dev, a, 50, 50, boxes[k][0], boxes[k][1],
                                       (int)boxes[k][2]),
                     0);
    nb_dev_end_page(dev);
  }
  return S_done(dev, fp, path, direct, len);
}

/* The two pages the tests below draw a picture on: then smaller. */
static const double S_twice[2][3] = {{200, 150, 300}, {100, 75, 300}};

/* The picture on two pages, and again smaller (still not downsampled):
 * one image object, holding the PNG's IDAT bytes. */
static void test_written_as_is(void **state) {
  nb_buf png = NB_BUF_INIT;
  nb_resource a;
  char *pdf;
  size_t len, at, n;
  (void)state;
  S_png(&png, 0);
  S_resource(&a, &png, "img-0123456789abcdef", 1);
  pdf = S_drawn(&a, 1, S_twice, 2, &len);
  at = S_idat(&png, &n);
  assert_int_equal(S_count(pdf, len, png.data + at, n), 1);
  assert_int_equal(S_count(pdf, len, "/Predictor 15", 13), 1);
  assert_int_equal(S_count(pdf, len, "/Subtype /Image", 15), 1);
  assert_int_equal(S_count(pdf, len, "/Width 64", 9), 1);
  assert_int_equal(S_count(pdf, len, "/Width 1\n", 9), 0);
  free(pdf);
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
  S_resource(&a, &png, "img-0123456789abcdef", 0);
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

/* @p png again with an sBIT chunk after its header: the samples are the
 * same for a decoder, but the PNG no longer goes in as it is. */
static void S_with_sbit(const nb_buf *png, nb_buf *out) {
  static const unsigned char chunk[] = {0,   0,   0, 3, 's', 'B',
                                        'I', 'T', 8, 8, 8};
  unsigned char crc[4];
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, chunk + 4, sizeof chunk - 4);
  crc[0] = (unsigned char)(c >> 24), crc[1] = (unsigned char)(c >> 16);
  crc[2] = (unsigned char)(c >> 8), crc[3] = (unsigned char)c;
  nb_buf_append(out, png->data, 8 + 25); /* signature and IHDR */
  nb_buf_append(out, chunk, sizeof chunk);
  nb_buf_append(out, crc, 4);
  nb_buf_append(out, png->data + 33, png->len - 33);
}

/* The first @p needle in the @p n bytes at @p hay, or NULL. */
static const char *S_find(const char *hay, size_t n, const char *needle) {
  size_t m = strlen(needle), i;
  for (i = 0; i + m <= n; i++)
    if (memcmp(hay + i, needle, m) == 0)
      return hay + i;
  return NULL;
}

/* The samples of the image object of width @p w in @p pdf, inflated. */
static void S_samples(const char *pdf, size_t len, int w, nb_buf *out) {
  char key[32];
  const char *o, *st, *e;
  unsigned char chunk[4096];
  z_stream z;
  int zr;
  snprintf(key, sizeof key, "/Width %d\n", w);
  /* the file holds binary streams: no strstr */
  o = S_find(pdf, len, key);
  assert_non_null(o);
  st = S_find(o, len - (size_t)(o - pdf), "stream\n");
  assert_non_null(st);
  st += 7;
  e = st;
  while (e + 10 <= pdf + len && memcmp(e, "\nendstream", 10) != 0)
    e++;
  memset(&z, 0, sizeof z);
  assert_int_equal(inflateInit(&z), Z_OK);
  z.next_in = (Bytef *)(uintptr_t)st;
  z.avail_in = (uInt)(e - st);
  do {
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    zr = inflate(&z, Z_NO_FLUSH);
    assert_true(zr == Z_OK || zr == Z_STREAM_END);
    nb_buf_append(out, chunk, sizeof chunk - z.avail_out);
  } while (zr != Z_STREAM_END);
  inflateEnd(&z);
}

/* Every Flate stream of @p pdf inflated, one after another, into @p out. */
static void S_all_streams(const char *pdf, size_t len, nb_buf *out) {
  const char *p = pdf, *end = pdf + len;
  while ((p = S_find(p, (size_t)(end - p), "stream\n")) != NULL) {
    unsigned char chunk[4096];
    z_stream z;
    int zr = Z_OK;
    p += 7;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
      break;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)(end - p);
    while (zr == Z_OK) {
      z.next_out = chunk;
      z.avail_out = sizeof chunk;
      zr = inflate(&z, Z_NO_FLUSH);
      nb_buf_append(out, chunk, sizeof chunk - z.avail_out);
    }
    inflateEnd(&z);
  }
}

/* A picture Cairo would decode and compress (a PNG that does not go in as
 * it is) is deflated by the device's worker: drawn on two pages, then
 * smaller than its pixels (downsampled), it makes two image objects, no
 * stand-in is left, and the samples are the decoded pixels, grey when
 * every pixel is grey, as Cairo writes them. */
static void test_deflated_ahead(void **state) {
  nb_buf png = NB_BUF_INIT, sbit = NB_BUF_INIT, got = NB_BUF_INIT;
  nb_resource a;
  nb_pixmap pm;
  nb_error err;
  int x, y;
  char *pdf;
  size_t len;
  (void)state;
  S_png(&png, 0);
  S_with_sbit(&png, &sbit);
  assert_false(nb_pdf_png_likely((const unsigned char *)sbit.data, sbit.len));
  S_resource(&a, &sbit, "img-0123456789abcdef", 1);
  pdf = S_drawn(&a, 1, S_twice, 2, &len);
  assert_int_equal(S_count(pdf, len, "/Subtype /Image", 15), 1);
  assert_int_equal(S_count(pdf, len, "/Width 1\n", 9), 0);
  assert_int_equal(S_count(pdf, len, "/Predictor", 10), 0);
  {
    /* the second page shows the whole picture: it is not clipped to the
     * stand-in it is drawn as */
    nb_buf all = NB_BUF_INIT;
    S_all_streams(pdf, len, &all);
    assert_true(S_count(all.data, all.len, " 100 75 re W n", 14) >= 1);
    nb_buf_free(&all);
  }
  S_samples(pdf, len, 64, &got);
  memset(&pm, 0, sizeof pm);
  assert_int_equal(nb_image_decode(sbit.data, sbit.len, 0, &pm, &err), 0);
  assert_int_equal(got.len, (size_t)64 * 48 * 3);
  for (y = 0; y < 48; y++)
    for (x = 0; x < 64; x++) {
      uint32_t v =
          *(const uint32_t *)(const void *)(pm.pixels + (size_t)y * pm.stride +
                                            4 * (size_t)x);
      const unsigned char *g =
          (const unsigned char *)got.data + 3 * ((size_t)y * 64 + x);
      assert_int_equal(g[0], (v >> 16) & 255);
      assert_int_equal(g[1], (v >> 8) & 255);
      assert_int_equal(g[2], v & 255);
    }
  nb_pixmap_free(&pm);
  free(pdf);
  nb_buf_free(&got);
  nb_buf_free(&png);
  nb_buf_free(&sbit);
}

/* Grey pixels become grey samples; a picture shown smaller than its
 * pixels is downsampled first, and what is deflated is the smaller one. */
static void test_deflated_grey_downsampled(void **state) {
  nb_buf got = NB_BUF_INIT;
  const unsigned char *rgb;
  size_t i;
  cairo_surface_t *s;
  nb_buf grey = NB_BUF_INIT, pic = NB_BUF_INIT;
  nb_resource a;
  int colors = 0;
  char *pdf;
  size_t len;
  (void)state;
  /* the function itself: grey pixels, one sample each */
  s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 3, 2);
  cairo_surface_flush(s);
  rgb = cairo_image_surface_get_data(s);
  for (i = 0; i < 2; i++)
    memset((unsigned char *)rgb + i * (size_t)cairo_image_surface_get_stride(s),
           (int)(0x40 + i * 0x40), 12);
  cairo_surface_mark_dirty(s);
  assert_int_equal(nb_pdf_pixels_deflate(rgb, 3, 2,
                                         cairo_image_surface_get_stride(s),
                                         &grey, &colors),
                   0);
  assert_int_equal(colors, 1);
  {
    unsigned char back[6];
    uLongf n = sizeof back;
    assert_int_equal(uncompress(back, &n, (const Bytef *)grey.data, grey.len),
                     Z_OK);
    assert_int_equal(n, 6);
    assert_int_equal(back[0], 0x40);
    assert_int_equal(back[5], 0x80);
  }
  cairo_surface_destroy(s);
  nb_buf_free(&grey);
  /* a picture drawn 10 pt wide at 72 dpi: 10 pixels wide */
  {
    static const double box[1][3] = {{10, 7.5, 72}};
    nb_buf png = NB_BUF_INIT;
    S_png(&png, 0);
    S_with_sbit(&png, &pic);
    nb_buf_free(&png);
    S_resource(&a, &pic, "img-fedcba9876543210", 0);
    pdf = S_drawn(&a, 1, box, 1, &len);
  }
  assert_int_equal(S_count(pdf, len, "/Subtype /Image", 15), 1);
  assert_int_equal(S_count(pdf, len, "/Width 64", 9), 0);
  S_samples(pdf, len, 10, &got);
  assert_int_equal(got.len, (size_t)10 * 8 * 3);
  free(pdf);
  nb_buf_free(&got);
  nb_buf_free(&pic);
}

/* The same without the worker (a single core, or the retry without
 * stand-ins): Cairo writes the picture itself, and shows it again whole. */
static void test_shown_again_undeflated(void **state) {
  nb_buf png = NB_BUF_INIT, sbit = NB_BUF_INIT, all = NB_BUF_INIT;
  nb_resource a;
  char *pdf;
  size_t len;
  (void)state;
  S_png(&png, 0);
  S_with_sbit(&png, &sbit);
  S_resource(&a, &sbit, "img-0123456789abcdef", 1);
  pdf = S_drawn(&a, 0, S_twice, 2, &len);
  assert_int_equal(S_count(pdf, len, "/Subtype /Image", 15), 1);
  S_all_streams(pdf, len, &all);
  assert_true(S_count(all.data, all.len, " 100 75 re W n", 14) >= 1);
  nb_buf_free(&all);
  free(pdf);
  nb_buf_free(&png);
  nb_buf_free(&sbit);
}

/* Four pages, each with the same running head and its own folio drawn
 * as page furniture by the Cairo device, with stand-ins when @p direct;
 * the file's bytes, malloc'd. */
static char *S_heads(int direct, size_t *len) {
  char path[] = "/tmp/test_pdf_png_XXXXXX";
  FILE *fp;
  nb_dev *dev = S_dev(path, direct, &fp);
  PangoContext *pc =
      pango_font_map_create_context(pango_cairo_font_map_get_default());
  PangoLayout *head = pango_layout_new(pc), *folio = pango_layout_new(pc);
  PangoFontDescription *fd9 = pango_font_description_from_string("Sans 9");
  int k;
  pango_layout_set_font_description(head, fd9);
  pango_layout_set_font_description(folio, fd9);
  pango_layout_set_text(head, "国内GPU芯片群雄逐鹿 Running Head", -1);
  for (k = 1; k <= 4; k++) {
    char num[8];
    snprintf(num, sizeof num, "%d", k);
    pango_layout_set_text(folio, num, -1);
    nb_dev_begin_page(dev, 595, 842);
    nb_dev_draw_artifact(dev, pango_layout_get_line_readonly(head, 0), 200, 30,
                         0x888888);
    nb_dev_draw_artifact(dev, pango_layout_get_line_readonly(folio, 0), 290,
                         820, 0x666666);
    nb_dev_end_page(dev);
  }
  pango_font_description_free(fd9);
  g_object_unref(head);
  g_object_unref(folio);
  g_object_unref(pc);
  return S_done(dev, fp, path, direct, len);
}

/* A running head repeated on every page is written once: the first page
 * that shows it has its outlines, the others one form XObject, in its
 * colour, that each paints where the outlines were; folios, each new,
 * stay outlines. Without stand-ins, every page has the outlines. */
static void test_furniture_written_once(void **state) {
  nb_buf with = NB_BUF_INIT, without = NB_BUF_INIT;
  char *a, *b;
  size_t na, nb;
  (void)state;
  a = S_heads(1, &na);
  b = S_heads(0, &nb);
  assert_int_equal(S_count(a, na, "/Subtype /Form", 14), 1);
  assert_int_equal(S_count(a, na, "/Width 1\n", 9), 0); /* no stand-in */
  assert_int_equal(S_count(b, nb, "/Subtype /Form", 14), 0);
  S_all_streams(a, na, &with);
  S_all_streams(b, nb, &without);
  /* pages 2 to 4 paint the form */
  assert_int_equal(S_count(with.data, with.len, " Do\n", 4), 3);
  assert_int_equal(S_count(without.data, without.len, " Do\n", 4), 0);
  assert_int_equal(S_count(with.data, with.len, "0.533 0.533 0.533 rg\n", 21),
                   1);
  /* the same outlines: the file without forms is the larger by them */
  assert_true(nb > na + 2 * 1000);
  nb_buf_free(&with);
  nb_buf_free(&without);
  free(a);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_which_pngs),
      cmocka_unit_test(test_written_as_is),
      cmocka_unit_test(test_missing_stand_ins),
      cmocka_unit_test(test_deflated_ahead),
      cmocka_unit_test(test_shown_again_undeflated),
      cmocka_unit_test(test_deflated_grey_downsampled),
      cmocka_unit_test(test_furniture_written_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
