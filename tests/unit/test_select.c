/* Book assembly: an article is in a book once, whichever way it got there
 * (same source URL, same GUID, or same title, date and text), and only
 * then: same title and date with different text are two articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/reader.h"

typedef struct S_diags {
  int dups;
  char last[512];
} S_diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  if (strcmp(d->kind, "duplicate") == 0) {
    s->dups++;
    snprintf(s->last, sizeof s->last, "%s", d->message);
  }
}

static nb_doc *S_article(const char *path, const char *fm, const char *body) {
  char buf[4096];
  nb_error err;
  nb_doc *d;
  snprintf(buf, sizeof buf, "---\n%s\n---\n%s\n", fm, body);
  d = nb_read_article(path, buf, strlen(buf), NULL, NULL, &err);
  assert_non_null(d);
  return d;
}

/* Assemble @p docs with no selection; the number of chapters. */
static long S_assemble(nb_doc **docs, size_t n, S_diags *g) {
  nb_book *book = nb_book_new();
  nb_select_options o;
  nb_diag diag = {NB_DIAG_ABI_VERSION, S_report, g};
  long kept;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_SELECT_ABI_VERSION;
  kept = nb_book_assemble(book, docs, n, &o, &diag);
  assert_int_equal((long)nb_book_doc_count(book), kept);
  nb_book_free(book);
  return kept;
}

#define FM_DATE "date: Sat, 20 Mar 2021 22:18:49 GMT"

/* Two identical files, no selection: one chapter. The archive's copy with
 * stacked quotes around the title is the same article. */
static void test_same_file_twice(void **state) {
  S_diags g = {0};
  nb_doc *docs[3];
  (void)state;
  docs[0] = S_article("a/x.md", "title: 'Musk denies spying'\n" FM_DATE,
                      "<p>Body text.</p>");
  docs[1] = S_article("b/x.md", "title: 'Musk denies spying'\n" FM_DATE,
                      "<p>Body text.</p>");
  docs[2] = S_article("c/x.md",
                      "title: \"\"\"\"'Musk denies spying'\"\"\"\"\n" FM_DATE,
                      "<p>Body  text.</p>");
  assert_int_equal(S_assemble(docs, 3, &g), 1);
  assert_int_equal(g.dups, 2);
  assert_non_null(strstr(g.last, "title, date and text"));
}

/* Same title and date, different text: two articles (a day's flashes
 * share titles). */
static void test_same_title_other_text(void **state) {
  S_diags g = {0};
  nb_doc *docs[2];
  (void)state;
  docs[0] = S_article("a.md", "title: 快讯\n" FM_DATE, "<p>第一条。</p>");
  docs[1] = S_article("b.md", "title: 快讯\n" FM_DATE, "<p>第二条。</p>");
  assert_int_equal(S_assemble(docs, 2, &g), 2);
  assert_int_equal(g.dups, 0);
}

/* The same source URL (scheme, fragment, trailing slash aside) or the same
 * GUID is the same article, whatever its title. */
static void test_source_and_guid(void **state) {
  S_diags g = {0};
  nb_doc *docs[5];
  (void)state;
  docs[0] =
      S_article("a.md", "title: A\nlink: https://Example.com/p/1", "<p>a</p>");
  docs[1] = S_article("b.md", "title: B\nlink: http://example.com/p/1/#top",
                      "<p>b</p>");
  docs[2] =
      S_article("c.md", "title: C\nguid: tag:example.com,2021:42", "<p>c</p>");
  docs[3] =
      S_article("d.md", "title: D\nguid: tag:example.com,2021:42", "<p>d</p>");
  docs[4] =
      S_article("e.md", "title: E\nlink: https://example.com/p/2", "<p>e</p>");
  assert_int_equal(S_assemble(docs, 5, &g), 3);
  assert_int_equal(g.dups, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_file_twice),
      cmocka_unit_test(test_same_title_other_text),
      cmocka_unit_test(test_source_and_guid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
