/* Images: sniffing, header sizes, every awkward file of the corpus mirror
 * decoded (CMYK colours checked against ImageMagick), the pixel cap, and
 * encoder round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gif_lib.h>

#include "newsbook/resource.h"
#include "resource/internal.h"
#include "util/util.h"

#define MIRROR NB_SHARED "/corpus/mirror/"

static unsigned char *S_load(const char *rel, size_t *n) {
  char path[2048];
  char *d = NULL;
  nb_error err;
  snprintf(path, sizeof path, MIRROR "%s", rel);
  if (nb_read_file(path, 0, &d, n, &err) != 0)
    fail_msg("cannot read %s: %s", path, err.message);
  return (unsigned char *)d;
}

/* Mean of the un-premultiplied colour channels over opaque pixels. */
static void S_mean(const nb_pixmap *pm, double rgb[3]) {
  double n = 0;
  int x, y;
  rgb[0] = rgb[1] = rgb[2] = 0;
  for (y = 0; y < pm->height; y++) {
    const uint32_t *row =
        (const uint32_t *)(const void *)(pm->pixels + (size_t)y * pm->stride);
    for (x = 0; x < pm->width; x++) {
      rgb[0] += (row[x] >> 16) & 255;
      rgb[1] += (row[x] >> 8) & 255;
      rgb[2] += row[x] & 255;
      n++;
    }
  }
  rgb[0] /= n;
  rgb[1] /= n;
  rgb[2] /= n;
}

static void test_sniff(void **state) {
  static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0};
  static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const unsigned char webp[] = "RIFF\x10\0\0\0WEBPVP8 ";
  static const unsigned char svg[] =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE svg>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
  static const unsigned char bmp[] =
      "BM\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
  static const char html[] = "<!DOCTYPE html><html><body>403</body></html>";
  (void)state;
  assert_string_equal(nb_image_sniff(jpg, sizeof jpg), "image/jpeg");
  assert_string_equal(nb_image_sniff(png, sizeof png - 1), "image/png");
  assert_string_equal(nb_image_sniff("GIF89a\1\0\1\0", 10), "image/gif");
  assert_string_equal(nb_image_sniff("GIF87a\1\0\1\0", 10), "image/gif");
  assert_string_equal(nb_image_sniff(webp, sizeof webp - 1), "image/webp");
  assert_string_equal(nb_image_sniff(svg, sizeof svg - 1), "image/svg+xml");
  assert_string_equal(nb_image_sniff(bmp, sizeof bmp - 1), "image/bmp");
  assert_null(nb_image_sniff(html, strlen(html)));
  assert_null(nb_image_sniff("", 0));
  assert_null(nb_image_sniff(jpg, 2));
  assert_null(nb_image_sniff("RIFF\0\0\0\0WAVE", 12));
}

typedef struct S_case {
  const char *path, *kind, *mt;
  int w, h, alpha; /* alpha: 1 must, 0 must not, -1 either */
  int damaged;
} S_case;

static const S_case S_cases[] = {
    {"img.cls.cn/images/20210322/g05e7HeIiA.jpg", "jpeg-cmyk", "image/jpeg",
     640, 600, 0, 0},
    {"user-gold-cdn.xitu.io/2019/4/24/16a4ee945b11b14b?imageslim",
     "jpeg-progressive", "image/jpeg", 1080, 640, 0, 0},
    {"cdn.hk01.com/di/media/images/dw/20210316/448536726168670208076215.jpeg/"
     "cocEE4WM4HAHFxwWPLYR29JVID9mSEnmxBiPH8QYjx8",
     "jpeg-progressive", "image/jpeg", 960, 640, 0, 0},
    {"user-gold-cdn.xitu.io/2019/4/24/16a4d7d10616b385?imageslim",
     "png-16bit-gray", "image/png", 480, 1400, -1, 0},
    {"oscimg.oschina.net/oscnet/up-0b3b739825b55110043c5192f5cbbe06bad.JPEG",
     "png-alpha (a .JPEG URL)", "image/png", 320, 1400, 1, 0},
    {"oscimg.oschina.net/oscnet/up-bc66e7698915e47ee10f367449d36f5cfdc.png",
     "gif-animated (a .png URL)", "image/gif", 1080, 540, -1, 0},
    {"assets.leetcode.com/uploads/2021/02/19/tree.jpg",
     "webp-lossless-alpha (a .jpg URL)", "image/webp", 320, 200, 1, 0},
    {"user-gold-cdn.xitu.io/2019/4/24/16a4e2b56fa87b6a?imageslim", "webp",
     "image/webp", 320, 1400, 0, 0},
    {"oscimg.oschina.net/oscnet/da543c5d0d57baab0cecaa4670c8b68c521.jpg",
     "jpeg-truncated", "image/jpeg", 1080, 600, 0, 1},
    {"img.shields.io/github/forks/zhangdaiscott/jeecg-boot.svg?style=social&"
     "label=Fork",
     "jpeg (an .svg URL)", "image/jpeg", 480, 600, 0, 0},
};

static void test_mirror_files(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < sizeof S_cases / sizeof *S_cases; i++) {
    const S_case *c = &S_cases[i];
    size_t n;
    unsigned char *d = S_load(c->path, &n);
    nb_pixmap pm;
    nb_error err;
    int w, h;
    print_message("  %s\n", c->kind);
    assert_non_null(nb_image_sniff(d, n));
    assert_string_equal(nb_image_sniff(d, n), c->mt);
    assert_int_equal(nb_image_size(d, n, &w, &h), 1);
    assert_int_equal(w, c->w);
    assert_int_equal(h, c->h);
    assert_int_equal(nb_image_decode(d, n, 0, &pm, &err), 0);
    assert_int_equal(pm.width, c->w);
    assert_int_equal(pm.height, c->h);
    assert_int_equal(pm.stride, c->w * 4);
    if (c->alpha >= 0)
      assert_int_equal(pm.has_alpha, c->alpha);
    if (c->damaged)
      assert_true(err.message[0] != '\0');
    else
      assert_string_equal(err.message, "");
    nb_pixmap_free(&pm);
    free(d);
  }
}

static void test_cmyk_colour(void **state) {
  size_t n;
  unsigned char *d = S_load("img.cls.cn/images/20210322/g05e7HeIiA.jpg", &n);
  nb_pixmap pm;
  nb_error err;
  double m[3];
  (void)state;
  assert_int_equal(nb__jpeg_components(d, n), 4);
  assert_int_equal(nb_image_decode(d, n, 0, &pm, &err), 0);
  S_mean(&pm, m);
  /* `convert g05e7HeIiA.jpg -colorspace sRGB` means: 114.57 171.87 177.91.
   * An inverted-CMYK mistake gives roughly 255 minus these. */
  assert_true(m[0] > 114.57 - 3 && m[0] < 114.57 + 3);
  assert_true(m[1] > 171.87 - 3 && m[1] < 171.87 + 3);
  assert_true(m[2] > 177.91 - 3 && m[2] < 177.91 + 3);
  nb_pixmap_free(&pm);
  free(d);
}

static void test_huge_jpeg(void **state) {
  size_t n;
  unsigned char *d = S_load(
      "oscimg.oschina.net/oscnet/up-8115965e54f6cfa2b1c2e917a93afff1fae.png",
      &n);
  nb_pixmap pm;
  nb_error err;
  int w, h;
  (void)state;
  assert_string_equal(nb_image_sniff(d, n), "image/jpeg");
  assert_int_equal(nb_image_size(d, n, &w, &h), 1);
  assert_int_equal(w, 6000);
  assert_int_equal(h, 4000);
  /* under a 10 MP cap it is refused before anything is allocated */
  assert_int_equal(nb_image_decode(d, n, 10000000, &pm, &err), NB_ERR_LIMIT);
  assert_null(pm.pixels);
  /* the validation path decodes it at 1/8 */
  assert_int_equal(nb__jpeg_decode(d, n, 0, 8, &pm, &err), 0);
  assert_int_equal(pm.width, 750);
  assert_int_equal(pm.height, 500);
  nb_pixmap_free(&pm);
  free(d);
}

static void S_be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static uint32_t S_crc(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  size_t i;
  int k;
  for (i = 0; i < n; i++) {
    c ^= p[i];
    for (k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return c ^ 0xFFFFFFFFu;
}

static void test_pixel_cap(void **state) {
  /* A valid PNG header claiming 100000 x 100000 pixels (10 gigapixels). */
  unsigned char png[8 + 25 + 12];
  nb_pixmap pm;
  nb_error err;
  int w, h;
  (void)state;
  memcpy(png, "\x89PNG\r\n\x1a\n", 8);
  S_be32(png + 8, 13);
  memcpy(png + 12, "IHDR", 4);
  S_be32(png + 16, 100000);
  S_be32(png + 20, 100000);
  png[24] = 8; /* depth */
  png[25] = 6; /* RGBA */
  png[26] = png[27] = png[28] = 0;
  S_be32(png + 29, S_crc(png + 12, 17));
  S_be32(png + 33, 0);
  memcpy(png + 37, "IEND", 4);
  S_be32(png + 41, S_crc(png + 37, 4));
  assert_int_equal(nb_image_size(png, sizeof png, &w, &h), 1);
  assert_int_equal(w, 100000);
  assert_int_equal(h, 100000);
  assert_int_equal(nb_image_decode(png, sizeof png, 0, &pm, &err),
                   NB_ERR_LIMIT);
  assert_null(pm.pixels);
  assert_non_null(strstr(err.message, "cap"));
  /* the PNG decoder itself refuses it too (libpng may object first) */
  assert_true(
      nb__png_decode(png, sizeof png, NB_DEFAULT_MAX_PIXELS, &pm, &err) < 0);
  print_message("  png decoder: %s\n", err.message);
  assert_null(pm.pixels);
  /* and a JPEG frame header claiming 65000 x 65000 */
  {
    static const unsigned char jpg[] = {
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFD, 0xE8, 0xFD, 0xE8, 0x03,
        0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9};
    assert_int_equal(nb_image_decode(jpg, sizeof jpg, 0, &pm, &err),
                     NB_ERR_LIMIT);
    assert_null(pm.pixels);
  }
}

static void test_garbage(void **state) {
  unsigned char buf[4096];
  nb_pixmap pm;
  nb_error err;
  size_t i;
  (void)state;
  for (i = 0; i < sizeof buf; i++)
    buf[i] = (unsigned char)(i * 7919u >> 3);
  /* valid magic, garbage after: each decoder fails cleanly */
  memcpy(buf, "\xFF\xD8\xFF", 3);
  assert_true(nb_image_decode(buf, sizeof buf, 0, &pm, &err) < 0 ||
              err.message[0]);
  nb_pixmap_free(&pm);
  memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
  assert_true(nb_image_decode(buf, sizeof buf, 0, &pm, &err) < 0);
  memcpy(buf, "GIF89a", 6);
  buf[6] = 10;
  buf[7] = 0;
  buf[8] = 10;
  buf[9] = 0;
  if (nb_image_decode(buf, sizeof buf, 0, &pm, &err) == 0)
    nb_pixmap_free(&pm);
  memcpy(buf, "RIFF\0\1\0\0WEBPVP8 ", 16);
  assert_true(nb_image_decode(buf, sizeof buf, 0, &pm, &err) < 0);
  assert_int_equal(nb_image_decode("hello", 5, 0, &pm, &err), NB_ERR_FORMAT);
  /* truncated to a few bytes */
  {
    size_t n;
    unsigned char *d = S_load("img.cls.cn/images/20210322/g05e7HeIiA.jpg", &n);
    for (i = 3; i < 400; i += 37) {
      if (nb_image_decode(d, i, 0, &pm, &err) == 0)
        nb_pixmap_free(&pm);
    }
    free(d);
  }
}

static void test_encode_roundtrip(void **state) {
  nb_pixmap pm, back;
  nb_error err;
  unsigned char *out;
  size_t n;
  int x, y;
  uint32_t *px;
  (void)state;
  assert_int_equal(nb__pixmap_alloc(&pm, 16, 8, 0, &err), 0);
  pm.has_alpha = 1;
  for (y = 0; y < 8; y++) {
    px = (uint32_t *)(void *)(pm.pixels + (size_t)y * pm.stride);
    for (x = 0; x < 16; x++)
      px[x] = x < 8 ? 0xFFFF0000u  /* opaque red */
                    : 0x80004000u; /* half-transparent green, premultiplied */
  }
  assert_int_equal(nb_image_encode_png(&pm, &out, &n, &err), 0);
  assert_string_equal(nb_image_sniff(out, n), "image/png");
  assert_int_equal(nb_image_decode(out, n, 0, &back, &err), 0);
  assert_int_equal(back.width, 16);
  assert_int_equal(back.has_alpha, 1);
  px = (uint32_t *)(void *)back.pixels;
  assert_int_equal(px[0], 0xFFFF0000u);
  assert_true((px[12] >> 24) == 0x80);
  assert_true(((px[12] >> 8) & 255) >= 0x3F && ((px[12] >> 8) & 255) <= 0x41);
  nb_pixmap_free(&back);
  free(out);

  assert_int_equal(nb_image_encode_jpeg(&pm, 90, &out, &n, &err), 0);
  assert_string_equal(nb_image_sniff(out, n), "image/jpeg");
  assert_int_equal(nb__jpeg_components(out, n), 3);
  assert_int_equal(nb_image_decode(out, n, 0, &back, &err), 0);
  px = (uint32_t *)(void *)back.pixels;
  /* red stays red; the transparent half is composited onto white */
  assert_true(((px[2] >> 16) & 255) > 230 && ((px[2] >> 8) & 255) < 30);
  assert_true((px[13] & 255) > 100);
  nb_pixmap_free(&back);
  free(out);

  /* downscaling keeps the mean */
  assert_int_equal(nb__pixmap_scale(&pm, 4, 2, &back, &err), 0);
  px = (uint32_t *)(void *)back.pixels;
  assert_int_equal(px[0], 0xFFFF0000u);
  assert_int_equal(px[3], 0x80004000u);
  nb_pixmap_free(&back);
  nb_pixmap_free(&pm);
}

static void test_svg_safety(void **state) {
  static const char *safe[] = {
      "<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
      "<defs><g id=\"a\"/></defs><use xlink:href=\"#a\"/>"
      "<rect fill=\"url(#g)\" width=\"10\" height=\"10\"/></svg>",
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>one = two</text>"
      "<image href=\"data:image/png;base64,AAAA\"/></svg>",
  };
  static const char *unsafe[] = {
      "<svg><script>alert(1)</script></svg>",
      "<svg><SCRIPT>alert(1)</SCRIPT></svg>",
      "<svg onload=\"alert(1)\"></svg>",
      "<svg><rect ONCLICK='x()'/></svg>",
      "<svg><image href=\"https://tracker.example/x.png\"/></svg>",
      "<svg><image xlink:href=\"//tracker.example/x.png\"/></svg>",
      "<svg><a href=\"javascript:alert(1)\"><rect/></a></svg>",
      "<svg><rect style=\"fill:url(https://x.example/p)\"/></svg>",
      "<svg><style>@import url(x.css);</style></svg>",
      "<!DOCTYPE svg [<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">]><svg>&x;</svg>",
      "<svg><foreignObject><div/></foreignObject></svg>",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof safe / sizeof *safe; i++)
    assert_null(
        nb__svg_unsafe((const unsigned char *)safe[i], strlen(safe[i])));
  for (i = 0; i < sizeof unsafe / sizeof *unsafe; i++)
    assert_non_null(
        nb__svg_unsafe((const unsigned char *)unsafe[i], strlen(unsafe[i])));
}

/* A 4x2 GIF in memory (giflib's encoder), with a Graphic Control
 * Extension naming colour 1 transparent when @p tindex >= 0. */
typedef struct S_mem {
  unsigned char buf[512];
  size_t len;
} S_mem;

static int S_gif_out(GifFileType *g, const GifByteType *d, int n) {
  S_mem *m = g->UserData;
  if (n < 0 || m->len + (size_t)n > sizeof m->buf)
    return 0;
  memcpy(m->buf + m->len, d, (size_t)n);
  m->len += (size_t)n;
  return n;
}

static void S_make_gif(S_mem *m, int tindex, const GifPixelType *px) {
  GifColorType cols[2] = {{200, 10, 10}, {10, 10, 200}};
  ColorMapObject *cmap = GifMakeMapObject(2, cols);
  GifByteType gce[4] = {1, 0, 0, 1};
  int err = 0, y;
  GifFileType *g;
  m->len = 0;
  g = EGifOpen(m, S_gif_out, &err);
  assert_non_null(g);
  EGifSetGifVersion(g, true);
  assert_int_equal(EGifPutScreenDesc(g, 4, 2, 1, 0, cmap), GIF_OK);
  if (tindex >= 0)
    assert_int_equal(EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, 4, gce),
                     GIF_OK);
  assert_int_equal(EGifPutImageDesc(g, 0, 0, 4, 2, false, NULL), GIF_OK);
  for (y = 0; y < 2; y++) {
    GifPixelType row[4]; /* giflib masks the line in place */
    memcpy(row, px + 4 * y, sizeof row);
    assert_int_equal(EGifPutLine(g, row, 4), GIF_OK);
  }
  assert_int_equal(EGifCloseFile(g, &err), GIF_OK);
  GifFreeMapObject(cmap);
}

/* A GIF that declares a transparent colour is transparent only where a
 * pixel takes it: one that never does is opaque (no alpha channel to
 * carry into the book). */
static void test_gif_transparency(void **state) {
  static const GifPixelType none[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  static const GifPixelType some[8] = {0, 0, 1, 0, 0, 0, 0, 0};
  S_mem m;
  nb_pixmap pm;
  nb_error err;
  (void)state;
  S_make_gif(&m, 1, none);
  assert_int_equal(nb_image_decode(m.buf, m.len, 0, &pm, &err), 0);
  assert_int_equal(pm.has_alpha, 0);
  nb_pixmap_free(&pm);
  S_make_gif(&m, 1, some);
  assert_int_equal(nb_image_decode(m.buf, m.len, 0, &pm, &err), 0);
  assert_int_equal(pm.has_alpha, 1);
  assert_int_equal(((uint32_t *)(void *)pm.pixels)[2] >> 24, 0);
  assert_int_equal(((uint32_t *)(void *)pm.pixels)[1] >> 24, 0xFF);
  nb_pixmap_free(&pm);
  S_make_gif(&m, -1, some);
  assert_int_equal(nb_image_decode(m.buf, m.len, 0, &pm, &err), 0);
  assert_int_equal(pm.has_alpha, 0);
  nb_pixmap_free(&pm);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sniff),
      cmocka_unit_test(test_mirror_files),
      cmocka_unit_test(test_cmyk_colour),
      cmocka_unit_test(test_huge_jpeg),
      cmocka_unit_test(test_pixel_cap),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_encode_roundtrip),
      cmocka_unit_test(test_svg_safety),
      cmocka_unit_test(test_gif_transparency),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
