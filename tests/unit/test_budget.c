/* The per-article time budget in the resolver
 * (nb_resources_resolve_doc_within): an article out of time loads nothing
 * more and says so, an article within its time is unaffected, and the
 * book can drop a late article afterwards (nb_book_remove_doc). Also the
 * PNG soundness check that spares EPUBs a full decode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/resource.h"
#include "resource/internal.h"

#define MIRROR NB_SHARED "/corpus/mirror"
#define JPEG_URL "https://img.cls.cn/images/20210322/SG4G7dd5ie.jpg"

typedef struct S_diags {
  int n;
  char last[1024];
} S_diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  snprintf(s->last, sizeof s->last, "%s", d->message);
  s->n++;
}

static nb_resources *S_set(S_diags *dg, nb_diag *diag) {
  nb_resolve_options o;
  memset(&o, 0, sizeof o);
  memset(dg, 0, sizeof *dg);
  memset(diag, 0, sizeof *diag);
  o.abi_version = NB_RESOLVE_ABI_VERSION;
  o.mirror_dir = MIRROR;
  o.cache_dir = "";
  o.offline = 1;
  diag->abi_version = NB_DIAG_ABI_VERSION;
  diag->report = S_report;
  diag->userdata = dg;
  return nb_resources_new(&o, diag);
}

static nb_doc *S_doc(const char *url, nb_node **img) {
  nb_doc *doc = nb_doc_new();
  nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH);
  nb_doc_set_meta(doc, "path", "/nonexistent/article.md");
  assert_int_equal(nb_node_append_child(nb_doc_root(doc), p), 1);
  *img = nb_node_new(doc, NB_NODE_IMAGE);
  nb_node_set_url(*img, url);
  assert_int_equal(nb_node_append_child(p, *img), 1);
  return doc;
}

static void test_out_of_time(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag);
  nb_node *img;
  nb_doc *doc = S_doc(JPEG_URL, &img);
  nb_error err;
  const nb_resource *r;
  (void)state;
  /* no time left at all: nothing is loaded, the image says why, and the
   * call reports the limit */
  memset(&err, 0, sizeof err);
  assert_int_equal(nb_resources_resolve_doc_within(set, doc, -1, &err),
                   NB_ERR_LIMIT);
  assert_int_equal(err.code, NB_ERR_LIMIT);
  r = nb_node_get_resource(img);
  assert_non_null(r);
  assert_int_equal(r->status, NB_RES_MISSING);
  assert_non_null(strstr(r->reason, "--max-article-time"));
  assert_int_equal(dg.n, 1);
  assert_non_null(strstr(dg.last, "ran out of time"));
  nb_doc_free(doc);
  nb_resources_free(set);
}

static void test_within_time(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag);
  nb_node *img;
  nb_doc *doc = S_doc(JPEG_URL, &img);
  nb_error err;
  (void)state;
  /* plenty of time, and no limit: the same as nb_resources_resolve_doc */
  assert_int_equal(nb_resources_resolve_doc_within(set, doc, 30, &err), 0);
  assert_non_null(nb_node_get_resource(img));
  assert_int_equal(nb_node_get_resource(img)->status, NB_RES_OK);
  assert_int_equal(dg.n, 0);
  nb_doc_free(doc);
  doc = S_doc(JPEG_URL, &img);
  assert_int_equal(nb_resources_resolve_doc_within(set, doc, 0, &err), 0);
  assert_int_equal(nb_node_get_resource(img)->status, NB_RES_OK);
  nb_doc_free(doc);
  nb_resources_free(set);
}

static void test_remove_doc(void **state) {
  nb_book *book = nb_book_new();
  nb_doc *a = nb_doc_new(), *b = nb_doc_new(), *c = nb_doc_new();
  (void)state;
  nb_doc_set_meta(a, "title", "a");
  nb_doc_set_meta(b, "title", "b");
  nb_doc_set_meta(c, "title", "c");
  assert_int_equal(nb_book_add_section(book, "one"), 1);
  assert_int_equal(nb_book_add_doc(book, a), 1);
  assert_int_equal(nb_book_add_section(book, "two"), 1);
  assert_int_equal(nb_book_add_doc(book, b), 1);
  assert_int_equal(nb_book_add_doc(book, c), 1);
  assert_int_equal(nb_book_remove_doc(book, 5), 0);
  /* removing the only article of a section removes the section */
  assert_int_equal(nb_book_remove_doc(book, 0), 1);
  assert_int_equal(nb_book_section_count(book), 1);
  assert_string_equal(nb_book_section_title(book, 0), "two");
  assert_int_equal(nb_book_doc_count(book), 2);
  assert_int_equal(nb_book_remove_doc(book, 1), 1);
  assert_int_equal(nb_book_doc_count(book), 1);
  assert_string_equal(nb_doc_get_meta(nb_book_doc(book, 0), "title"), "b");
  nb_book_free(book);
}

/* A PNG made by the encoder passes the structural check; cut short, with a
 * flipped byte, or with no IEND it does not (and is then decoded). */
static void test_png_check(void **state) {
  nb_pixmap pm;
  nb_error err;
  unsigned char *png = NULL, *bad;
  size_t n = 0;
  (void)state;
  memset(&pm, 0, sizeof pm);
  pm.width = 7;
  pm.height = 5;
  pm.stride = 28;
  pm.pixels = calloc(5, 28);
  assert_non_null(pm.pixels);
  memset(pm.pixels, 0x80, 5 * 28);
  assert_int_equal(nb_image_encode_png(&pm, &png, &n, &err), 0);
  assert_int_equal(nb__png_check(png, n, 1000), 1);
  assert_int_equal(nb__png_check(png, n, 10), 0); /* over the pixel cap */
  assert_int_equal(nb__png_check(png, n / 2, 1000), 0);
  assert_int_equal(nb__png_check(png, n - 12, 1000), 0); /* no IEND */
  bad = malloc(n);
  assert_non_null(bad);
  memcpy(bad, png, n);
  bad[n / 2] ^= 0x55;
  assert_int_equal(nb__png_check(bad, n, 1000), 0);
  free(bad);
  free(png);
  free(pm.pixels);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_out_of_time),
      cmocka_unit_test(test_within_time),
      cmocka_unit_test(test_remove_doc),
      cmocka_unit_test(test_png_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
