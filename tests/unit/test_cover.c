/* Generated covers: a valid image of the right size, the same bytes for
 * the same book, and graceful failure when there is nowhere to keep it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairo.h>

#include "newsbook/newsbook.h"

typedef struct S_reader {
  const unsigned char *data;
  size_t size, pos;
} S_reader;

static cairo_status_t S_read(void *closure, unsigned char *out,
                             unsigned int len) {
  S_reader *r = closure;
  if (r->size - r->pos < len)
    return CAIRO_STATUS_READ_ERROR;
  memcpy(out, r->data + r->pos, len);
  r->pos += len;
  return CAIRO_STATUS_SUCCESS;
}

typedef struct S_bytes {
  unsigned char *data;
  size_t size;
} S_bytes;

static cairo_status_t S_write(void *closure, const unsigned char *data,
                              unsigned int len) {
  S_bytes *b = closure;
  unsigned char *p = realloc(b->data, b->size + len);
  if (!p)
    return CAIRO_STATUS_NO_MEMORY;
  memcpy(p + b->size, data, len);
  b->data = p;
  b->size += len;
  return CAIRO_STATUS_SUCCESS;
}

static nb_doc *S_doc(const char *title, const char *date) {
  nb_doc *d = nb_doc_new();
  assert_non_null(d);
  if (title)
    assert_true(nb_doc_set_meta(d, "title", title));
  if (date) {
    nb_date dt = nb_date_parse(date);
    assert_true(dt.valid);
    nb_doc_set_date(d, dt);
    assert_true(nb_doc_set_meta(d, "date", date));
  }
  return d;
}

static nb_book *S_book(void) {
  nb_book *b = nb_book_new();
  assert_non_null(b);
  assert_true(nb_book_set_meta(b, "title", "财联社 · 2022 年 8 月第二周"));
  assert_true(nb_book_set_meta(b, "author", "财联社"));
  assert_true(nb_book_set_meta(b, "lang", "zh-CN"));
  assert_true(nb_book_add_doc(
      b, S_doc("国内GPU芯片群雄逐鹿：壁仞携首款产品面世 下游生态成关键",
               "Wed, 10 Aug 2022 12:38:31 GMT")));
  assert_true(nb_book_add_doc(
      b, S_doc("半导体行业景气度回落\n多家厂商下调全年指引", "2022-08-01")));
  assert_true(nb_book_add_doc(b, S_doc(NULL, NULL)));
  assert_true(nb_book_add_doc(
      b, S_doc("A very long English headline that cannot possibly fit on a "
               "single line of the cover and must be ellipsised neatly",
               "2022-08-05T09:00:00+08:00")));
  return b;
}

static void S_check_png(const unsigned char *data, size_t size) {
  S_reader r = {data, size, 0};
  cairo_surface_t *s;
  assert_true(size > 8);
  assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
  s = cairo_image_surface_create_from_png_stream(S_read, &r);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  assert_int_equal(cairo_image_surface_get_width(s), 1600);
  assert_int_equal(cairo_image_surface_get_height(s), 2400);
  cairo_surface_destroy(s);
}

static void test_render_is_png_and_deterministic(void **state) {
  nb_book *b = S_book();
  unsigned char *a = NULL, *c = NULL;
  size_t na = 0, nc = 0;
  const char *ta = NULL, *tc = NULL;
  nb_error err;
  (void)state;
  assert_int_equal(nb_book_render_cover(b, &a, &na, &ta, &err), 0);
  assert_string_equal(ta, "image/png");
  S_check_png(a, na);
  assert_int_equal(nb_book_render_cover(b, &c, &nc, &tc, &err), 0);
  assert_int_equal(na, nc);
  assert_memory_equal(a, c, na);
  free(a);
  free(c);
  nb_book_free(b);
}

static void test_sparse_books_render(void **state) {
  nb_book *b = nb_book_new();
  unsigned char *a = NULL;
  size_t n = 0;
  const char *t = NULL;
  nb_error err;
  (void)state;
  /* No documents, no metadata: still a cover, never a crash. */
  assert_int_equal(nb_book_render_cover(b, &a, &n, &t, &err), 0);
  S_check_png(a, n);
  free(a);
  /* One undated article with a title of many lines. */
  assert_true(nb_book_add_doc(
      b, S_doc("第一行\n第二行\n第三行\n第四行\n第五行\n第六行很长很长很长很长"
               "很长很长很长"
               "很长很长很长很长很长很长很长很长很长很长很长很长",
               NULL)));
  assert_int_equal(nb_book_render_cover(b, &a, &n, &t, &err), 0);
  S_check_png(a, n);
  free(a);
  nb_book_free(b);
}

static void test_different_books_differ(void **state) {
  nb_book *b = S_book(), *c = S_book();
  unsigned char *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0;
  const char *t;
  nb_error err;
  (void)state;
  assert_true(nb_book_set_meta(c, "title", "另一本书"));
  assert_int_equal(nb_book_render_cover(b, &x, &nx, &t, &err), 0);
  assert_int_equal(nb_book_render_cover(c, &y, &ny, &t, &err), 0);
  assert_false(nx == ny && memcmp(x, y, nx) == 0);
  free(x);
  free(y);
  nb_book_free(b);
  nb_book_free(c);
}

/* A photo in the first article's body is drawn when the decoder can read
 * it; without a decoder the cover is still made, from type alone. */
static void test_photo(void **state) {
  nb_book *b = S_book(), *plain = S_book();
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 800, 600);
  cairo_t *cr = cairo_create(img);
  S_bytes png = {NULL, 0};
  nb_resource res;
  nb_node *fig, *im;
  nb_doc *first = nb_book_doc(b, 0);
  nb_pixmap pm;
  nb_error err;
  unsigned char *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0;
  const char *tx, *ty;
  int decodes;
  (void)state;

  cairo_set_source_rgb(cr, 0.1, 0.4, 0.7);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0.9, 0.8, 0.2);
  cairo_arc(cr, 400, 300, 200, 0, 6.3);
  cairo_fill(cr);
  cairo_destroy(cr);
  assert_int_equal(cairo_surface_write_to_png_stream(img, S_write, &png),
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(img);

  memset(&res, 0, sizeof res);
  res.url = "photo.png";
  res.status = NB_RES_OK;
  res.origin = "file";
  res.data = png.data;
  res.size = png.size;
  res.media_type = "image/png";
  res.ext = "png";
  res.width = 800;
  res.height = 600;
  strcpy(res.id, "img-test");
  fig = nb_node_new(first, NB_NODE_FIGURE);
  im = nb_node_new(first, NB_NODE_IMAGE);
  assert_true(nb_node_append_child(fig, im));
  assert_true(nb_node_append_child(nb_doc_root(first), fig));
  nb_node_set_resource(im, &res);

  memset(&pm, 0, sizeof pm);
  decodes = nb_image_decode(png.data, png.size, 0, &pm, &err) == 0;
  nb_pixmap_free(&pm);

  assert_int_equal(nb_book_render_cover(b, &x, &nx, &tx, &err), 0);
  assert_int_equal(nb_book_render_cover(plain, &y, &ny, &ty, &err), 0);
  if (decodes) {
    assert_false(nx == ny && memcmp(x, y, nx) == 0);
    if (strcmp(tx, "image/png") == 0)
      S_check_png(x, nx);
    else
      assert_string_equal(tx, "image/jpeg");
  } else {
    assert_string_equal(tx, "image/png");
    assert_int_equal(nx, ny);
  }
  free(x);
  free(y);
  free(png.data);
  nb_book_free(b);
  nb_book_free(plain);
}

static void test_generate_sets_cover(void **state) {
  nb_book *b = S_book();
  nb_resolve_options opts;
  nb_resources *set;
  nb_error err;
  const nb_resource *probe;
  int rc;
  (void)state;

  assert_int_equal(nb_book_generate_cover(b, &err), NB_ERR_ARGUMENT);
  assert_null(nb_book_get_cover(b));

  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_RESOLVE_ABI_VERSION;
  opts.offline = 1;
  opts.cache_dir = "";
  set = nb_resources_new(&opts, NULL);
  assert_non_null(set);
  nb_book_set_resources(b, set);
  rc = nb_book_generate_cover(b, &err);
  probe = nb_resources_add_bytes(set, "probe.png", "\x89PNG\r\n\x1a\n", 8);
  if (!probe && nb_resources_count(set) == 0) {
    /* The resource set is still the stub that keeps nothing: the cover
     * cannot be kept, and that must be an error, not a dangling cover. */
    assert_int_equal(rc, NB_ERR_SYSTEM);
    assert_null(nb_book_get_cover(b));
  } else {
    const nb_resource *c;
    assert_int_equal(rc, 0);
    c = nb_book_get_cover(b);
    assert_non_null(c);
    assert_int_equal(c->status, NB_RES_OK);
    assert_true(c->size > 1000);
    assert_true(strcmp(c->media_type, "image/png") == 0 ||
                strcmp(c->media_type, "image/jpeg") == 0);
    if (strcmp(c->media_type, "image/png") == 0)
      S_check_png(c->data, c->size);
  }
  nb_book_free(b);
  nb_resources_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_render_is_png_and_deterministic),
      cmocka_unit_test(test_sparse_books_render),
      cmocka_unit_test(test_different_books_differ),
      cmocka_unit_test(test_photo),
      cmocka_unit_test(test_generate_sets_cover),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
