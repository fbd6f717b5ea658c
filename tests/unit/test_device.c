/* E-reader profiles: images fitted to the screen, grey for e-ink with
 * transparency flattened on white, JPEG quality lowered for size, images
 * already right kept byte for byte, the cover at the screen's shape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/device.h"
#include "newsbook/newsbook.h"
#include "util/util.h"

/* ## Test images */

static void S_pixmap(nb_pixmap *pm, int w, int h, int alpha, int noise) {
  int x, y;
  uint32_t r = 12345;
  pm->width = w;
  pm->height = h;
  pm->stride = w * 4;
  pm->has_alpha = alpha;
  pm->pixels = malloc((size_t)w * h * 4);
  assert_non_null(pm->pixels);
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++) {
      uint32_t *p =
          (uint32_t *)(void *)(pm->pixels + (size_t)y * pm->stride) + x;
      unsigned red = (unsigned)(x * 255 / w), green = (unsigned)(y * 255 / h),
               blue = 128;
      if (noise) {
        r = r * 1103515245u + 12345u;
        red = (red + (r >> 16)) & 255;
        green = (green + (r >> 8)) & 255;
        blue = r & 255;
      }
      if (alpha && (x < w / 2)) {
        *p = 0; /* transparent left half */
      } else {
        *p = 0xff000000u | (red << 16) | (green << 8) | blue;
      }
    }
}

static const nb_resource *S_add(nb_resources *set, const char *name,
                                const nb_pixmap *pm, int jpeg) {
  unsigned char *data = NULL;
  size_t len = 0;
  nb_error err;
  const nb_resource *r;
  if (jpeg)
    assert_int_equal(nb_image_encode_jpeg(pm, 92, &data, &len, &err), 0);
  else
    assert_int_equal(nb_image_encode_png(pm, &data, &len, &err), 0);
  r = nb_resources_add_bytes(set, name, data, len);
  free(data);
  assert_non_null(r);
  assert_int_equal(r->status, NB_RES_OK);
  return r;
}

static nb_resources *S_set(const nb_device *dev) {
  nb_resolve_options o;
  nb_resources *set;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_RESOLVE_ABI_VERSION;
  o.offline = 1;
  o.cache_dir = "";
  o.device = dev;
  set = nb_resources_new(&o, NULL);
  assert_non_null(set);
  return set;
}

/* Decode and check every pixel is grey (R = G = B) and opaque. */
static void S_assert_grey(const nb_resource *r) {
  nb_pixmap pm;
  nb_error err;
  int x, y;
  memset(&pm, 0, sizeof pm);
  assert_int_equal(nb_image_decode(r->data, r->size, 0, &pm, &err), 0);
  for (y = 0; y < pm.height; y++)
    for (x = 0; x < pm.width; x++) {
      uint32_t p = ((uint32_t *)(void *)(pm.pixels + (size_t)y * pm.stride))[x];
      assert_int_equal(p >> 24, 255);
      assert_int_equal((p >> 16) & 255, (p >> 8) & 255);
      assert_int_equal((p >> 8) & 255, p & 255);
    }
  nb_pixmap_free(&pm);
}

/* ## Tests */

static void test_profiles(void **state) {
  const nb_device *d;
  int n = 0;
  (void)state;
  for (d = nb_devices(); d->name; d++, n++) {
    assert_int_equal(d->abi_version, NB_DEVICE_ABI_VERSION);
    assert_true(d->width > 0 && d->height > d->width);
    assert_true(d->jpeg_quality >= 40 && d->jpeg_quality <= 100);
  }
  assert_int_equal(n, 4);
  d = nb_device_find("Kindle");
  assert_non_null(d);
  assert_int_equal(d->width, 1236);
  assert_int_equal(d->height, 1648);
  assert_true(d->grey);
  assert_true(d->max_book_bytes == (uint64_t)50 * 1000 * 1000);
  assert_true(nb_device_find("kobo")->grey);
  assert_true(nb_device_find("pocketbook")->grey);
  assert_false(nb_device_find("tablet")->grey);
  assert_null(nb_device_find("nook"));
  assert_null(nb_device_find(NULL));
}

static void test_kindle_images(void **state) {
  const nb_device *k = nb_device_find("kindle");
  nb_resources *set = S_set(k), *plain = S_set(NULL);
  nb_pixmap photo, tall, alpha, small;
  const nb_resource *r, *r0;
  nb_error err;
  (void)state;

  /* a wide colour photo: fitted to the width, grey JPEG, smaller */
  S_pixmap(&photo, 3000, 2000, 0, 1);
  r = S_add(set, "photo.jpg", &photo, 1);
  r0 = S_add(plain, "photo.jpg", &photo, 1);
  assert_string_equal(r->media_type, "image/jpeg");
  assert_int_equal(r->width, 1236);
  assert_int_equal(r->height, 824);
  assert_int_equal(r->jpeg_components, 1);
  assert_true(r->size < r0->size / 3);
  assert_true(r->size <= k->max_image_bytes);
  S_assert_grey(r);

  /* a tall one: fitted to the height */
  S_pixmap(&tall, 800, 4000, 0, 0);
  r = S_add(set, "tall.png", &tall, 0);
  assert_int_equal(r->height, 1648);
  assert_int_equal(r->width, 329);
  S_assert_grey(r);

  /* transparency flattened on white: the transparent half is white */
  S_pixmap(&alpha, 400, 300, 1, 0);
  r = S_add(set, "alpha.png", &alpha, 0);
  assert_int_equal(r->width, 400);
  S_assert_grey(r);
  {
    nb_pixmap pm;
    memset(&pm, 0, sizeof pm);
    assert_int_equal(nb_image_decode(r->data, r->size, 0, &pm, &err), 0);
    assert_int_equal(((uint32_t *)(void *)pm.pixels)[0], 0xffffffffu);
    assert_false(pm.has_alpha);
    nb_pixmap_free(&pm);
  }

  /* a small grey JPEG that already fits keeps its bytes */
  S_pixmap(&small, 300, 200, 0, 0);
  {
    unsigned char *data = NULL;
    size_t len = 0;
    nb_resources *probe = S_set(k);
    const nb_resource *g = S_add(probe, "small.jpg", &small, 1);
    /* g is a grey re-encoding; adding its bytes again must keep them */
    data = malloc(g->size);
    memcpy(data, g->data, g->size);
    len = g->size;
    r = nb_resources_add_bytes(set, "grey.jpg", data, len);
    assert_int_equal(r->size, len);
    assert_memory_equal(r->data, data, len);
    free(data);
    nb_resources_free(probe);
  }
  nb_pixmap_free(&photo);
  nb_pixmap_free(&tall);
  nb_pixmap_free(&alpha);
  nb_pixmap_free(&small);
  nb_resources_free(set);
  nb_resources_free(plain);
}

static void test_quality_for_size(void **state) {
  nb_device tight = *nb_device_find("kindle");
  nb_resources *set, *loose;
  nb_pixmap noise;
  const nb_resource *r, *r0;
  (void)state;
  /* noise does not compress: the quality steps down to the floor */
  tight.max_image_bytes = 50 * 1000;
  set = S_set(&tight);
  loose = S_set(nb_device_find("kindle"));
  S_pixmap(&noise, 1000, 1000, 0, 1);
  r = S_add(set, "noise.jpg", &noise, 1);
  r0 = S_add(loose, "noise.jpg", &noise, 1);
  assert_true(r->size < r0->size);
  nb_pixmap_free(&noise);
  nb_resources_free(set);
  nb_resources_free(loose);
}

static void test_tablet_keeps_colour(void **state) {
  const nb_device *t = nb_device_find("tablet");
  nb_resources *set = S_set(t);
  nb_pixmap alpha, big;
  const nb_resource *r;
  unsigned char *png = NULL;
  size_t len = 0;
  nb_error err;
  (void)state;
  /* a PNG with transparency that fits: kept byte for byte */
  S_pixmap(&alpha, 400, 300, 1, 0);
  assert_int_equal(nb_image_encode_png(&alpha, &png, &len, &err), 0);
  r = nb_resources_add_bytes(set, "a.png", png, len);
  assert_int_equal(r->size, len);
  assert_memory_equal(r->data, png, len);
  free(png);
  /* a larger one: scaled, still PNG with its transparency */
  S_pixmap(&big, 4000, 3000, 1, 0);
  r = S_add(set, "big.png", &big, 0);
  assert_string_equal(r->media_type, "image/png");
  assert_int_equal(r->width, 1640);
  assert_int_equal(r->height, 1230);
  {
    nb_pixmap pm;
    memset(&pm, 0, sizeof pm);
    assert_int_equal(nb_image_decode(r->data, r->size, 0, &pm, &err), 0);
    assert_true(pm.has_alpha);
    assert_int_equal(((uint32_t *)(void *)pm.pixels)[0] >> 24, 0);
    nb_pixmap_free(&pm);
  }
  nb_pixmap_free(&alpha);
  nb_pixmap_free(&big);
  nb_resources_free(set);
}

static nb_book *S_book(nb_resources *set) {
  nb_book *book = nb_book_new();
  nb_error err;
  int i;
  for (i = 0; i < 3; i++) {
    char md[256];
    nb_doc *d;
    snprintf(md, sizeof md,
             "---\ntitle: Headline %d\ndate: 2022-08-1%d\n---\n<p>Body.</p>", i,
             i);
    d = nb_read_article(NULL, md, strlen(md), NULL, NULL, &err);
    assert_non_null(d);
    assert_true(nb_book_add_doc(book, d));
  }
  nb_book_set_resources(book, set);
  nb_book_set_meta(book, "title", "Daily");
  nb_book_finish(book);
  return book;
}

static void test_cover_shape(void **state) {
  const nb_device *k = nb_device_find("kindle");
  nb_resources *set = S_set(k), *plain = S_set(NULL);
  nb_book *a = S_book(set), *b = S_book(plain);
  const nb_resource *c;
  nb_error err;
  (void)state;
  assert_int_equal(nb_book_generate_cover_for(a, k, &err), 0);
  c = nb_book_get_cover(a);
  assert_non_null(c);
  assert_true(c->width <= 1236 && c->height <= 1648);
  assert_true(c->width >= 1230 && c->height >= 1640); /* 3:4, filled */
  S_assert_grey(c);
  /* no device: the usual 2:3 cover, the same as nb_book_generate_cover */
  assert_int_equal(nb_book_generate_cover_for(b, NULL, &err), 0);
  c = nb_book_get_cover(b);
  assert_int_equal(c->width, 1600);
  assert_int_equal(c->height, 2400);
  nb_book_free(a);
  nb_book_free(b);
  nb_resources_free(set);
  nb_resources_free(plain);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_profiles),
      cmocka_unit_test(test_kindle_images),
      cmocka_unit_test(test_quality_for_size),
      cmocka_unit_test(test_tablet_keeps_colour),
      cmocka_unit_test(test_cover_shape),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
