/* Spec examples: the .txt files in tests/spec/ hold inputs and the tree dump
 * the readers must produce (the `--to tree` format), in cmark's spec layout:
 *
 *   ```````````````````````````````` example html
 *   <p>input</p>
 *   .
 *   document
 *     paragraph
 *       text "input"
 *   ````````````````````````````````
 *
 * The word after "example" names the reader (article, html, markdown;
 * article when absent); "→" in the input stands for a tab. Everything
 * outside examples is commentary. With NB_SPEC_PRINT=1 in the environment
 * the runner prints every example with its actual output instead, to write
 * new examples (review before committing!). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/reader.h"
#include "newsbook/writer.h"
#include "util/util.h"

#define FENCE "````````````````````````````````"

/* The tree dump of @p input read by @p reader, malloc'd (NULL on error). */
static char *S_run(const char *reader, const char *input, size_t len) {
  const nb_reader *r;
  nb_doc *doc = NULL;
  nb_book *book;
  nb_error err;
  char path[] = "/tmp/nb-spec-XXXXXX";
  char *out = NULL;
  size_t out_len;
  int fd;
  const char *name = "spec.md";
  for (r = nb_readers(); r->name; r++)
    if (strcmp(r->name, reader) == 0)
      break;
  if (!r->name)
    return NULL;
  if (strcmp(reader, "html") == 0)
    name = "spec.html";
  doc = r->read(name, input, len, NULL, NULL, &err);
  if (!doc)
    return NULL;
  book = nb_book_new();
  if (!book || !nb_book_add_doc(book, doc)) {
    nb_doc_free(doc);
    nb_book_free(book);
    return NULL;
  }
  fd = mkstemp(path);
  if (fd >= 0) {
    close(fd);
    if (nb_write_tree(book, NULL, path, NULL, &err) == 0)
      nb_read_file(path, 0, &out, &out_len, &err);
    unlink(path);
  }
  nb_book_free(book);
  return out;
}

/* Replace "→" by a tab, in place. */
static void S_tabs(nb_buf *b) {
  size_t i, j = 0;
  for (i = 0; i < b->len; i++) {
    if (i + 2 < b->len && memcmp(b->data + i, "\xE2\x86\x92", 3) == 0) {
      b->data[j++] = '\t';
      i += 2;
    } else {
      b->data[j++] = b->data[i];
    }
  }
  b->len = j;
  if (b->data)
    b->data[j] = '\0';
}

/* Run every example of @p path; returns the number that failed. */
static int S_file(const char *path, int print, int *total) {
  char *data;
  size_t len;
  nb_error err;
  const char *p, *end;
  int failed = 0, line = 0;
  if (nb_read_file(path, 0, &data, &len, &err) != 0) {
    fprintf(stderr, "%s: %s\n", path, err.message);
    return 1;
  }
  p = data;
  end = data + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
    line++;
    if (n >= 40 && memcmp(p, FENCE " example", 40) == 0) {
      char reader[32] = "article";
      nb_buf in = NB_BUF_INIT, want = NB_BUF_INIT;
      nb_buf *cur = &in;
      int start = line;
      char *got;
      const char *r = p + 40;
      while (r < p + n && *r == ' ')
        r++;
      if (r < p + n && (size_t)(p + n - r) < sizeof reader) {
        memcpy(reader, r, (size_t)(p + n - r));
        reader[p + n - r] = '\0';
      }
      p = eol ? eol + 1 : end;
      while (p < end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        line++;
        if (n == strlen(FENCE) && memcmp(p, FENCE, n) == 0) {
          p = eol ? eol + 1 : end;
          break;
        }
        if (cur == &in && n == 1 && *p == '.')
          cur = &want;
        else
          nb_buf_append(cur, p, eol ? n + 1 : n);
        p = eol ? eol + 1 : end;
      }
      S_tabs(&in);
      (*total)++;
      got = S_run(reader, in.data ? in.data : "", in.len);
      if (print) {
        printf("%s example%s%s\n%s.\n%s%s\n\n", FENCE,
               strcmp(reader, "article") ? " " : "",
               strcmp(reader, "article") ? reader : "", in.data ? in.data : "",
               got ? got : "(error)\n", FENCE);
      } else if (!got || strcmp(got, want.data ? want.data : "") != 0) {
        fprintf(stderr,
                "%s:%d: example (%s) failed\n--- input\n%s--- expected\n"
                "%s--- got\n%s",
                path, start, reader, in.data ? in.data : "",
                want.data ? want.data : "", got ? got : "(read error)\n");
        failed++;
      }
      free(got);
      nb_buf_free(&in);
      nb_buf_free(&want);
      continue;
    }
    if (print)
      printf("%.*s\n", (int)n, p);
    p = eol ? eol + 1 : end;
  }
  free(data);
  return failed;
}

static int S_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_spec(void **state) {
  const char *dir = NB_SRCDIR "/tests/spec";
  const char *only = getenv("NB_SPEC_FILE");
  int print = getenv("NB_SPEC_PRINT") != NULL;
  DIR *d = opendir(dir);
  struct dirent *e;
  char *names[256];
  size_t count = 0, i;
  int failed = 0, total = 0;
  (void)state;
  assert_non_null(d);
  while ((e = readdir(d)) != NULL && count < 256) {
    size_t n = strlen(e->d_name);
    if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0 &&
        (!only || strcmp(only, e->d_name) == 0))
      names[count++] = nb_strdup(e->d_name);
  }
  closedir(d);
  qsort(names, count, sizeof *names, S_cmp);
  for (i = 0; i < count; i++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    failed += S_file(path, print, &total);
    free(names[i]);
  }
  fprintf(stderr, "spec: %d/%d examples passed\n", total - failed, total);
  assert_true(total > 0);
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
