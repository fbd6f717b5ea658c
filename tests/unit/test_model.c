/* Model: containment, iteration order, literals, metadata, dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/doc.h"
#include "newsbook/error.h"

static void test_containment(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH);
  nb_node *t = nb_node_new(doc, NB_NODE_TEXT);
  nb_node *l = nb_node_new(doc, NB_NODE_LIST);
  (void)state;
  assert_int_equal(nb_node_append_child(nb_doc_root(doc), p), 1);
  assert_int_equal(nb_node_append_child(p, t), 1);
  assert_int_equal(nb_node_append_child(p, l), 0); /* block in inline */
  assert_int_equal(nb_node_append_child(t, p), 0); /* leaf / cycle */
  assert_int_equal(nb_node_append_child(l, p), 0); /* list holds items */
  assert_ptr_equal(nb_node_parent(t), p);
  nb_doc_free(doc);
}

static void test_iterator_deep(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *parent = nb_doc_root(doc), *q;
  nb_iter *it;
  int i, enters = 0, exits = 0;
  nb_event ev;
  (void)state;
  /* 100,000 nested quotes must not need a stack. */
  for (i = 0; i < 100000; i++) {
    q = nb_node_new(doc, NB_NODE_BLOCKQUOTE);
    assert_int_equal(nb_node_append_child(parent, q), 1);
    parent = q;
  }
  it = nb_iter_new(nb_doc_root(doc));
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    if (ev == NB_EVENT_ENTER)
      enters++;
    else
      exits++;
  }
  assert_int_equal(enters, 100001);
  assert_int_equal(exits, 100001);
  nb_iter_free(it);
  nb_doc_free(doc);
}

static void test_literal_append(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *t = nb_node_new(doc, NB_NODE_TEXT);
  int i;
  (void)state;
  for (i = 0; i < 1000; i++)
    assert_int_equal(nb_node_append_literal(t, "ab", 2), 1);
  assert_int_equal(nb_node_get_literal_len(t), 2000);
  assert_int_equal(strncmp(nb_node_get_literal(t), "abab", 4), 0);
  nb_doc_free(doc);
}

static void test_meta(void **state) {
  nb_doc *doc = nb_doc_new();
  (void)state;
  nb_doc_set_meta(doc, "title", "国内GPU");
  nb_doc_set_meta(doc, "title", "again");
  assert_string_equal(nb_doc_get_meta(doc, "title"), "again");
  nb_doc_add_author(doc, "财联社");
  assert_string_equal(nb_doc_get_meta(doc, "author"), "财联社");
  nb_doc_set_meta(doc, "title", NULL);
  assert_null(nb_doc_get_meta(doc, "title"));
  nb_doc_free(doc);
}

static void test_dates(void **state) {
  char buf[64];
  nb_date d;
  (void)state;
  d = nb_date_parse("Wed, 10 Aug 2022 12:38:31 GMT");
  assert_true(d.valid);
  assert_int_equal(d.utc, 1660135111);
  assert_string_equal(nb_date_format_iso(d, buf, sizeof buf),
                      "2022-08-10T12:38:31Z");
  d = nb_date_parse("2022-08-10T20:38:31+08:00");
  assert_true(d.valid);
  assert_int_equal(d.utc, 1660135111);
  assert_int_equal(d.tz_minutes, 480);
  assert_string_equal(nb_date_format_iso(d, buf, sizeof buf),
                      "2022-08-10T20:38:31+08:00");
  d = nb_date_parse("2022-08-10 12:38:31");
  assert_true(d.valid);
  assert_int_equal(d.utc, 1660135111);
  d = nb_date_parse("2022-08-10");
  assert_true(d.valid);
  assert_false(d.has_time);
  d = nb_date_parse("Tue, 1 Mar 2022 08:00:00 +0800");
  assert_true(d.valid);
  assert_int_equal(d.tz_minutes, 480);
  assert_false(nb_date_parse("Invalid Date").valid);
  assert_false(nb_date_parse("").valid);
}

static void test_lang(void **state) {
  const char *zh = "国内GPU芯片群雄逐鹿：壁仞携首款产品面世";
  const char *ja = "日向坂46のメンバーが登場";
  (void)state;
  assert_string_equal(nb_text_guess_lang(zh, strlen(zh)), "zh-CN");
  assert_string_equal(nb_text_guess_lang(ja, strlen(ja)), "ja");
  assert_string_equal(nb_text_guess_lang("Hello world", 11), "en");
  {
    /* Traditional forms outnumber simplified ones: zh-Hant (a name in
     * traditional script inside a Simplified text is not enough) */
    const char *hant = "29款手機5G速度排名 這款機型的實測結果與說明";
    const char *mixed = "这是一篇关于臺灣的文章，我们来说说这个问题";
    assert_string_equal(nb_text_guess_lang(hant, strlen(hant)), "zh-Hant");
    assert_string_equal(nb_text_guess_lang(mixed, strlen(mixed)), "zh-CN");
  }
}

/* nb_node_remove: the image goes, and the containers it leaves empty; a
 * figure's caption stays as a paragraph; content around it stays. */
static nb_node *S_add(nb_node *parent, nb_node_type type, const char *text) {
  nb_node *n = nb_node_new(nb_node_get_doc(parent), type);
  assert_int_equal(nb_node_append_child(parent, n), 1);
  if (text)
    assert_int_equal(nb_node_set_literal(n, text, strlen(text)), 1);
  return n;
}

static void test_remove(void **state) {
  nb_doc *doc = nb_doc_new();
  nb_node *root = nb_doc_root(doc), *p1, *l, *img1, *fig, *img2, *cap, *p3,
          *img3, *c;
  char *text;
  (void)state;
  p1 = S_add(root, NB_NODE_PARAGRAPH, NULL);
  l = S_add(p1, NB_NODE_LINK, NULL);
  S_add(l, NB_NODE_TEXT, " \xE3\x80\x80");
  img1 = S_add(l, NB_NODE_IMAGE, NULL);
  fig = S_add(root, NB_NODE_FIGURE, NULL);
  img2 = S_add(fig, NB_NODE_IMAGE, NULL);
  cap = S_add(fig, NB_NODE_CAPTION, NULL);
  S_add(cap, NB_NODE_TEXT, "caption");
  p3 = S_add(root, NB_NODE_PARAGRAPH, NULL);
  S_add(p3, NB_NODE_TEXT, "kept ");
  img3 = S_add(p3, NB_NODE_IMAGE, NULL);
  nb_node_remove(img1); /* paragraph and link of blanks go */
  nb_node_remove(img2); /* the caption becomes a paragraph */
  nb_node_remove(img3); /* the text stays */
  c = nb_node_first_child(root);
  assert_int_equal(nb_node_get_type(c), NB_NODE_PARAGRAPH);
  text = nb_node_text(c);
  assert_string_equal(text, "caption");
  free(text);
  assert_ptr_equal(nb_node_next(c), p3);
  assert_null(nb_node_next(p3));
  text = nb_node_text(root);
  assert_string_equal(text, "captionkept ");
  free(text);
  nb_node_remove(NULL);
  nb_doc_free(doc);
}

/* Body headings: top level 2, no level skipped, in document order and
 * inside containers too. */
static void test_normalize_headings(void **state) {
  static const int in[] = {4, 6, 6, 5, 1, 3, 2, 2};
  static const int out[] = {2, 3, 3, 3, 2, 3, 3, 3};
  nb_doc *doc = nb_doc_new();
  nb_node *q = NULL, *h[8];
  size_t i;
  (void)state;
  for (i = 0; i < 8; i++) {
    if (i == 2) /* the third heading in a quote, in document order */
      q = S_add(nb_doc_root(doc), NB_NODE_BLOCKQUOTE, NULL);
    h[i] = S_add(i == 2 ? q : nb_doc_root(doc), NB_NODE_HEADING, NULL);
    nb_node_set_heading_level(h[i], in[i]);
  }
  nb_doc_normalize_headings(doc);
  for (i = 0; i < 8; i++)
    assert_int_equal(nb_node_get_heading_level(h[i]), out[i]);
  nb_doc_free(doc);
}

/* Kicker and byline: no generic route word, nothing that names the
 * byline; explicit "kicker" metadata wins. */
static void test_kicker(void **state) {
  nb_doc *doc = nb_doc_new();
  (void)state;
  assert_int_equal(nb_label_stem("香港 01 - 标签"), strlen("香港 01"));
  assert_int_equal(nb_label_stem("分类"), 0);
  assert_int_equal(nb_label_stem("BBC - BBC 英文"), strlen("BBC - BBC 英文"));
  assert_int_equal(nb_label_stem("cnBeta - Latest"), strlen("cnBeta"));
  assert_null(nb_doc_kicker(doc));
  nb_doc_add_category(doc, "编程");
  nb_doc_add_category(doc, "掘金");
  nb_doc_add_category(doc, "分类");
  nb_doc_add_author(doc, "掘金");
  assert_string_equal(nb_doc_kicker(doc), "编程");
  nb_doc_free(doc);
  doc = nb_doc_new();
  nb_doc_add_category(doc, "传统媒体");
  nb_doc_add_category(doc, "香港 01 - 标签");
  nb_doc_add_author(doc, "香港 01");
  assert_string_equal(nb_doc_kicker(doc), "传统媒体");
  nb_doc_set_meta(doc, "kicker", "");
  assert_null(nb_doc_kicker(doc));
  nb_doc_set_meta(doc, "kicker", "Special");
  assert_string_equal(nb_doc_kicker(doc), "Special");
  nb_doc_free(doc);
  doc = nb_doc_new();
  nb_doc_add_category(doc, "金融");
  nb_doc_add_category(doc, "深度");
  nb_doc_add_author(doc, "财联社");
  assert_string_equal(nb_doc_kicker(doc), "深度");
  nb_doc_free(doc);
}

/* A diagnostic is one line whatever the input put in what it quotes. */
static char diag_seen[256];
static void diag_keep(void *ud, const nb_diagnostic *d) {
  (void)ud;
  snprintf(diag_seen, sizeof diag_seen, "%s", d->message);
}

static void test_diag_one_line(void **state) {
  nb_diag diag = {NB_DIAG_ABI_VERSION, diag_keep, NULL};
  (void)state;
  nb_diag_emit(&diag, NB_SEV_NOTE, "x", NULL, 0, NULL, "image %s here",
               "http://a/\nb\r\tc");
  assert_string_equal(diag_seen, "image http://a/ b  c here");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_containment),
                                     cmocka_unit_test(test_iterator_deep),
                                     cmocka_unit_test(test_literal_append),
                                     cmocka_unit_test(test_meta),
                                     cmocka_unit_test(test_dates),
                                     cmocka_unit_test(test_lang),
                                     cmocka_unit_test(test_remove),
                                     cmocka_unit_test(test_normalize_headings),
                                     cmocka_unit_test(test_kicker),
                                     cmocka_unit_test(test_diag_one_line)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
