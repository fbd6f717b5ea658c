/* JSON writer: fields, nulls, escaping of any input, plain text of the
 * body (blocks, items, rows, figures left out), determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsbook/newsbook.h"

static char S_dir[] = "/tmp/nb-test-json-XXXXXX";

static int S_setup(void **state) {
  (void)state;
  return mkdtemp(S_dir) ? 0 : -1;
}

static int S_teardown(void **state) {
  char cmd[128];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *S_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  char *s;
  long n;
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = calloc(1, (size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  fclose(f);
  return s;
}

static nb_node *S_add(nb_node *parent, nb_node_type t) {
  nb_node *n = nb_node_new(nb_node_get_doc(parent), t);
  assert_non_null(n);
  assert_int_equal(nb_node_append_child(parent, n), 1);
  return n;
}

static void S_text(nb_node *parent, const char *s) {
  nb_node *t = S_add(parent, NB_NODE_TEXT);
  assert_int_equal(nb_node_set_literal(t, s, strlen(s)), 1);
}

/* Write @p book (which it takes) as JSON and return the file's text. */
static char *S_write(nb_book *book, const char *name) {
  char path[256];
  nb_write_options wo;
  nb_error err;
  char *s;
  memset(&wo, 0, sizeof wo);
  wo.abi_version = NB_WRITE_ABI_VERSION;
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  assert_int_equal(nb_write_json(book, &wo, path, NULL, &err), 0);
  s = S_slurp(path);
  assert_non_null(s);
  return s;
}

static nb_book *S_book_of(nb_doc *doc) {
  nb_book *book = nb_book_new();
  assert_non_null(book);
  assert_int_equal(nb_book_add_doc(book, doc), 1);
  nb_book_set_meta(book, "date", "2022-08-10T12:38:31Z");
  nb_book_finish(book);
  return book;
}

static void test_fields_and_text(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *root = nb_doc_root(doc), *h, *p, *l, *i, *t, *r, *c, *fig, *cb;
  nb_book *book;
  char *s;
  (void)state;
  nb_doc_set_meta(doc, "title", "A \"quoted\" title");
  nb_doc_add_author(doc, "Jane Doe");
  nb_doc_add_author(doc, "John Roe");
  nb_doc_set_meta(doc, "date", "2022-08-10T20:38:31+08:00");
  nb_doc_set_date(doc, nb_date_parse("2022-08-10T20:38:31+08:00"));
  nb_doc_set_meta(doc, "lang", "en");
  nb_doc_set_meta(doc, "source", "https://example.com/a");
  nb_doc_set_meta(doc, "headimg", "https://example.com/a.jpg");
  nb_doc_add_category(doc, "News");
  nb_doc_add_category(doc, "World");
  h = S_add(root, NB_NODE_HEADING);
  nb_node_set_heading_level(h, 2);
  S_text(h, "Heading");
  p = S_add(root, NB_NODE_PARAGRAPH);
  S_text(p, "One ");
  S_text(S_add(p, NB_NODE_STRONG), "two");
  S_add(p, NB_NODE_LINEBREAK);
  S_text(p, "three");
  l = S_add(root, NB_NODE_LIST);
  i = S_add(l, NB_NODE_ITEM);
  S_text(S_add(i, NB_NODE_PARAGRAPH), "first");
  i = S_add(l, NB_NODE_ITEM);
  S_text(S_add(i, NB_NODE_PARAGRAPH), "second");
  t = S_add(root, NB_NODE_TABLE);
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_text(S_add(c, NB_NODE_PARAGRAPH), "a");
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_text(S_add(c, NB_NODE_PARAGRAPH), "b");
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_text(S_add(c, NB_NODE_PARAGRAPH), "c");
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_text(S_add(c, NB_NODE_PARAGRAPH), "d");
  fig = S_add(root, NB_NODE_FIGURE);
  nb_node_set_url(S_add(fig, NB_NODE_IMAGE), "x.png");
  S_text(S_add(fig, NB_NODE_CAPTION), "a caption");
  cb = S_add(root, NB_NODE_CODE_BLOCK);
  nb_node_set_literal(cb, "int x;\n  y();", 13);
  p = S_add(root, NB_NODE_PARAGRAPH);
  i = S_add(p, NB_NODE_IMAGE);
  nb_node_set_url(i, "y.png");
  nb_node_set_alt(i, "inline");
  book = S_book_of(doc);
  s = S_write(book, "fields.json");
  assert_string_equal(
      s,
      "{\n"
      "  \"title\": \"A \\\"quoted\\\" title\",\n"
      "  \"author\": \"Jane Doe\",\n"
      "  \"date\": \"2022-08-10T12:38:31Z\",\n"
      "  \"lang\": \"en\",\n"
      "  \"articles\": [\n"
      "    {\n"
      "      \"title\": \"A \\\"quoted\\\" title\",\n"
      "      \"byline\": \"Jane Doe, John Roe\",\n"
      "      \"date\": \"2022-08-10T20:38:31+08:00\",\n"
      "      \"url\": \"https://example.com/a\",\n"
      "      \"lead_image\": \"https://example.com/a.jpg\",\n"
      "      \"categories\": [\"News\", \"World\"],\n"
      "      \"text\": \"Heading\\n\\nOne two\\nthree\\n\\nfirst\\nsecond"
      "\\n\\na\\tb\\nc\\td\\n\\nint x;\\n  y();\",\n"
      "      \"images\": [\n"
      "        {\"url\": \"x.png\", \"alt\": null, \"caption\": \"a "
      "caption\"},\n"
      "        {\"url\": \"y.png\", \"alt\": \"inline\", \"caption\": null}\n"
      "      ]\n"
      "    }\n"
      "  ]\n"
      "}\n");
  {
    /* same book, same bytes */
    char *again = S_write(book, "again.json");
    assert_string_equal(s, again);
    free(again);
  }
  free(s);
  nb_book_free(book);
}

static void test_escaping(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *p;
  nb_book *book;
  char *s;
  (void)state;
  nb_doc_set_meta(doc, "title", "ctl\x01\x1f\x7f tab\t back\\slash");
  p = S_add(nb_doc_root(doc), NB_NODE_PARAGRAPH);
  /* a line separator, a stray byte, a valid CJK character */
  S_text(p, "a\xe2\x80\xa8"
            "b\xff"
            "c\xe4\xb8\xad\r");
  book = S_book_of(doc);
  s = S_write(book, "esc.json");
  assert_non_null(strstr(
      s, "\"title\": \"ctl\\u0001\\u001f\\u007f tab\\t back\\\\slash\""));
  assert_non_null(strstr(s, "\"text\": \"a\\u2028b\xef\xbf\xbd"
                            "c\xe4\xb8\xad\\r\""));
  free(s);
  nb_book_free(book);
}

static void test_nulls_and_empty(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_book *book, *empty;
  char *s;
  (void)state;
  nb_doc_set_meta(doc, "title", "T");
  book = S_book_of(doc);
  s = S_write(book, "nulls.json");
  assert_non_null(strstr(s, "\"byline\": null"));
  assert_non_null(strstr(s, "\"url\": null"));
  assert_non_null(strstr(s, "\"lead_image\": null"));
  assert_non_null(strstr(s, "\"categories\": []"));
  assert_non_null(strstr(s, "\"text\": \"\",\n      \"images\": []"));
  free(s);
  nb_book_free(book);
  empty = nb_book_new();
  nb_book_set_meta(empty, "title", "E");
  s = S_write(empty, "empty.json");
  assert_non_null(strstr(s, "\"articles\": []"));
  free(s);
  nb_book_free(empty);
}

static void test_registered(void **state) {
  const nb_writer *w;
  int found = 0;
  (void)state;
  for (w = nb_writers(); w->name; w++)
    if (strcmp(w->name, "json") == 0 && w->write == nb_write_json)
      found = 1;
  assert_true(found);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fields_and_text),
                                     cmocka_unit_test(test_escaping),
                                     cmocka_unit_test(test_nulls_and_empty),
                                     cmocka_unit_test(test_registered)};
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
