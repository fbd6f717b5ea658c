/* The state file: recording and finding articles by GUID, URL and content;
 * listing and forgetting; two processes at once; a writer killed in the
 * middle of a book; damaged, foreign and non-SQLite files refused and left
 * byte for byte as they were. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <sqlite3.h>

#include "newsbook/newsbook.h"
#include "util/util.h"

static char S_dir[256];

static void S_path(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", S_dir, name);
}

static int S_setup(void **state) {
  (void)state;
  snprintf(S_dir, sizeof S_dir, "/tmp/nb-state-XXXXXX");
  assert_non_null(mkdtemp(S_dir));
  return 0;
}

static int S_teardown(void **state) {
  char cmd[300];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_dir);
  assert_int_equal(system(cmd), 0);
  return 0;
}

static unsigned char *S_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *d;
  long n;
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  d = malloc((size_t)n + 1);
  assert_non_null(d);
  assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return d;
}

static void S_write(const char *path, const void *d, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(d, 1, n, f), n);
  fclose(f);
}

static int S_integrity_ok(const char *path) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int ok = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) ==
          SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    ok = strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return ok;
}

static nb_state *S_open(const char *path) {
  nb_state *st = NULL;
  nb_error err;
  int rc = nb_state_open(path, NULL, &st, &err);
  if (rc != 0)
    fprintf(stderr, "open: %s\n", err.message);
  assert_int_equal(rc, 0);
  assert_non_null(st);
  return st;
}

static void S_record(nb_state *st, const char *book_id, int64_t t,
                     const nb_state_article *a, size_t n) {
  nb_state_book b;
  nb_error err;
  memset(&b, 0, sizeof b);
  b.id = book_id;
  b.path = "/books/daily.epub";
  b.title = "Daily";
  b.time = t;
  assert_int_equal(nb_state_record_book(st, &b, a, n, &err), 0);
}

static void test_record_and_find(void **state) {
  char path[300];
  nb_state *st;
  nb_state_article a[2], q;
  nb_state_entry e;
  nb_error err;
  int64_t books, articles;
  (void)state;
  S_path(path, sizeof path, "find.db");
  st = S_open(path);
  memset(a, 0, sizeof a);
  a[0].guid = "tag:cls.cn,2022:1104455";
  a[0].url = "HTTPS://WWW.CLS.CN:443/detail/1104455?utm_source=rss#top";
  a[0].hash = "sha256:aaaa";
  a[0].title = "GPU";
  a[0].date = 1660135111;
  a[1].url = "https://example.com/b?id=2&utm_medium=x";
  a[1].hash = "sha256:bbbb";
  S_record(st, "urn:book:1", 1660200000, a, 2);

  memset(&q, 0, sizeof q);
  q.guid = "tag:cls.cn,2022:1104455";
  assert_int_equal(nb_state_find(st, &q, &e, &err), 1);
  assert_int_equal(e.matched, NB_STATE_BY_GUID);
  assert_string_equal(e.book_id, "urn:book:1");
  assert_string_equal(e.book_path, "/books/daily.epub");
  assert_int_equal(e.book_time, 1660200000);
  assert_int_equal(e.date, 1660135111);

  /* the URL as another feed writes it */
  memset(&q, 0, sizeof q);
  q.guid = "other-guid";
  q.url = "https://www.cls.cn/detail/1104455";
  assert_int_equal(nb_state_find(st, &q, &e, &err), 1);
  assert_int_equal(e.matched, NB_STATE_BY_URL);
  q.url = "https://example.com/b?id=2";
  assert_int_equal(nb_state_find(st, &q, &e, &err), 1);
  q.url = "https://example.com/b?id=3";
  assert_int_equal(nb_state_find(st, &q, &e, &err), 0);

  /* the same content under another URL */
  q.hash = "sha256:bbbb";
  assert_int_equal(nb_state_find(st, &q, &e, &err), 1);
  assert_int_equal(e.matched, NB_STATE_BY_CONTENT);
  q.hash = "sha256:cccc";
  assert_int_equal(nb_state_find(st, &q, NULL, &err), 0);

  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(books, 1);
  assert_int_equal(articles, 2);
  nb_state_close(st);
  assert_true(S_integrity_ok(path));
}

typedef struct S_listed {
  int n;
  char titles[8][64];
} S_listed;

static int S_collect(void *ud, const nb_state_entry *e) {
  S_listed *l = ud;
  if (l->n < 8)
    snprintf(l->titles[l->n], 64, "%s/%s", e->book_id ? e->book_id : "-",
             e->title ? e->title : "-");
  l->n++;
  return 0;
}

static void test_list_and_forget(void **state) {
  char path[300];
  nb_state *st;
  nb_state_article a[3];
  nb_state_article q;
  S_listed l;
  nb_error err;
  int64_t removed = -1, books, articles;
  (void)state;
  S_path(path, sizeof path, "forget.db");
  st = S_open(path);
  memset(a, 0, sizeof a);
  a[0].guid = "g1";
  a[0].title = "one";
  a[1].guid = "g2";
  a[1].title = "two";
  a[2].guid = "g3";
  a[2].title = "three";
  S_record(st, "b-old", 1000, a, 2);
  S_record(st, "b-new", 5000, a + 2, 1);
  memset(&l, 0, sizeof l);
  assert_int_equal(nb_state_list(st, S_collect, &l, &err), 0);
  assert_int_equal(l.n, 3);
  assert_string_equal(l.titles[0], "b-old/one");
  assert_string_equal(l.titles[2], "b-new/three");

  assert_int_equal(nb_state_forget_before(st, 2000, &removed, &err), 0);
  assert_int_equal(removed, 2);
  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(books, 1);
  assert_int_equal(articles, 1);
  memset(&q, 0, sizeof q);
  q.guid = "g1";
  assert_int_equal(nb_state_find(st, &q, NULL, &err), 0);
  q.guid = "g3";
  assert_int_equal(nb_state_find(st, &q, NULL, &err), 1);
  nb_state_close(st);

  /* read-only handles list but do not write */
  {
    nb_state_options o;
    nb_state *ro = NULL;
    nb_state_book b;
    memset(&o, 0, sizeof o);
    o.abi_version = NB_STATE_ABI_VERSION;
    o.readonly = 1;
    assert_int_equal(nb_state_open(path, &o, &ro, &err), 0);
    memset(&b, 0, sizeof b);
    assert_int_not_equal(nb_state_record_book(ro, &b, NULL, 0, &err), 0);
    nb_state_close(ro);
    S_path(path, sizeof path, "absent.db");
    assert_int_not_equal(nb_state_open(path, &o, &ro, &err), 0);
    assert_null(ro);
    assert_int_equal(access(path, F_OK), -1);
  }
}

/* Refused, and the file is byte for byte as it was. */
static void S_refused(const char *path, nb_code want, const char *says) {
  size_t n0, n1;
  unsigned char *before = S_slurp(path, &n0), *after;
  nb_state *st = NULL;
  nb_error err;
  int rc = nb_state_open(path, NULL, &st, &err);
  assert_int_equal(rc, want);
  assert_null(st);
  assert_non_null(strstr(err.message, says));
  after = S_slurp(path, &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(before, after, n0);
  free(before);
  free(after);
}

static void test_foreign_files_refused(void **state) {
  char path[300], wal[320];
  sqlite3 *db;
  (void)state;

  S_path(path, sizeof path, "notes.txt");
  S_write(path, "these are my notes, not a database\n", 35);
  S_refused(path, NB_ERR_FORMAT, "not an SQLite database");

  /* another program's SQLite database */
  S_path(path, sizeof path, "other.db");
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "CREATE TABLE t(x); INSERT INTO t VALUES(1);",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  S_refused(path, NB_ERR_FORMAT, "another program");
  snprintf(wal, sizeof wal, "%s-wal", path);
  assert_int_equal(access(wal, F_OK), -1);

  /* an SQLite database with another application id */
  S_path(path, sizeof path, "app.db");
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "PRAGMA application_id=1234; CREATE TABLE "
                                "book(x);",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  S_refused(path, NB_ERR_FORMAT, "another program");

  /* a newer schema */
  S_path(path, sizeof path, "newer.db");
  {
    nb_state *st = S_open(path);
    nb_state_close(st);
  }
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  S_refused(path, NB_ERR_UNSUPPORTED, "newer");
}

static void test_damaged_files_refused(void **state) {
  char path[300], cut[300];
  nb_state *st;
  nb_state_article a[400];
  char guid[400][24];
  unsigned char *d;
  size_t n, i;
  (void)state;

  S_path(path, sizeof path, "whole.db");
  st = S_open(path);
  memset(a, 0, sizeof a);
  for (i = 0; i < 400; i++) {
    snprintf(guid[i], sizeof guid[i], "guid-%zu", i);
    a[i].guid = guid[i];
    a[i].title = "a title long enough to fill a few pages of the database";
  }
  S_record(st, "b", 1000, a, 400);
  nb_state_close(st); /* the last close checkpoints: all in the main file */
  d = S_slurp(path, &n);
  assert_true(n > 16384);

  /* truncated to half */
  S_path(cut, sizeof cut, "truncated.db");
  S_write(cut, d, n / 2);
  S_refused(cut, NB_ERR_FORMAT, "damaged");

  /* a page of the article table overwritten with noise */
  S_path(cut, sizeof cut, "noise.db");
  for (i = n / 2; i < n / 2 + 4096 && i < n; i++)
    d[i] = (unsigned char)(i * 131 + 7);
  S_write(cut, d, n);
  S_refused(cut, NB_ERR_FORMAT, "damaged");

  /* the header itself damaged past the magic */
  S_path(cut, sizeof cut, "header.db");
  memset(d + 16, 0xff, 40);
  S_write(cut, d, n);
  S_refused(cut, NB_ERR_FORMAT, "");
  free(d);

  /* a stub shorter than a header */
  S_path(cut, sizeof cut, "stub.db");
  S_write(cut, "SQLite format 3", 15);
  S_refused(cut, NB_ERR_FORMAT, "not an SQLite database");
}

static void test_empty_file_becomes_state(void **state) {
  char path[300];
  nb_state *st;
  (void)state;
  S_path(path, sizeof path, "empty.db");
  S_write(path, "", 0);
  st = S_open(path);
  nb_state_close(st);
  assert_true(S_integrity_ok(path));
  st = S_open(path); /* and it is ours now */
  nb_state_close(st);
}

/* Two processes, each recording books in a loop, starting together on a
 * file that does not exist yet. */
static void test_two_processes(void **state) {
  char path[300];
  pid_t pid[2];
  int k, status;
  nb_state *st;
  nb_error err;
  int64_t books, articles;
  (void)state;
  S_path(path, sizeof path, "concurrent.db");
  for (k = 0; k < 2; k++) {
    pid[k] = fork();
    assert_true(pid[k] >= 0);
    if (pid[k] == 0) {
      nb_state *cst = NULL;
      nb_state_article a[20];
      char guid[20][40], bid[40];
      int b, i, rc = nb_state_open(path, NULL, &cst, &err);
      if (rc != 0) {
        fprintf(stderr, "child %d: %s\n", k, err.message);
        _exit(2);
      }
      for (b = 0; b < 30; b++) {
        memset(a, 0, sizeof a);
        for (i = 0; i < 20; i++) {
          snprintf(guid[i], sizeof guid[i], "p%d-b%d-a%d", k, b, i);
          a[i].guid = guid[i];
        }
        snprintf(bid, sizeof bid, "p%d-b%d", k, b);
        {
          nb_state_book bk;
          memset(&bk, 0, sizeof bk);
          bk.id = bid;
          bk.time = 1000 + b;
          if (nb_state_record_book(cst, &bk, a, 20, &err) != 0) {
            fprintf(stderr, "child %d: %s\n", k, err.message);
            _exit(3);
          }
        }
      }
      nb_state_close(cst);
      _exit(0);
    }
  }
  for (k = 0; k < 2; k++) {
    assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  assert_true(S_integrity_ok(path));
  st = S_open(path);
  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(books, 60);
  assert_int_equal(articles, 1200);
  nb_state_close(st);
}

static long S_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* A writer killed with SIGKILL in the middle of a large book: the main
 * file is byte for byte as before, and the next opener sees the state as
 * it was. */
static void test_killed_writer(void **state) {
  char path[300], wal[320];
  nb_state *st;
  nb_state_article one;
  nb_error err;
  unsigned char *before, *after;
  size_t n0, n1;
  int64_t books, articles;
  pid_t pid;
  int status, i;
  (void)state;
  S_path(path, sizeof path, "killed.db");
  snprintf(wal, sizeof wal, "%s-wal", path);
  st = S_open(path);
  memset(&one, 0, sizeof one);
  one.guid = "kept";
  S_record(st, "first", 1000, &one, 1);
  nb_state_close(st);
  before = S_slurp(path, &n0);

  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    size_t n = 2000000, k;
    nb_state_article *a = calloc(n, sizeof *a);
    nb_state *cst = NULL;
    nb_state_book bk;
    if (!a || nb_state_open(path, NULL, &cst, &err) != 0)
      _exit(2);
    for (k = 0; k < n; k++) {
      a[k].url = "https://example.com/a-rather-long-article-address";
      a[k].title = "the same title for every article of this huge book";
    }
    memset(&bk, 0, sizeof bk);
    bk.id = "killed";
    nb_state_record_book(cst, &bk, a, n, &err);
    _exit(0); /* should not get here: killed first */
  }
  /* wait until the uncommitted book is spilling into the WAL: as long as
   * the writer runs (a loaded machine under ASan is slow), with seven
   * minutes as the hang guard */
  for (i = 0; i < 45000 && S_size(wal) < 4 * 1024 * 1024; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (waitpid(pid, &status, WNOHANG) == pid)
      fail_msg("the writer finished before it could be killed");
  }
  assert_true(S_size(wal) >= 4 * 1024 * 1024);
  kill(pid, SIGKILL);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFSIGNALED(status));

  after = S_slurp(path, &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(before, after, n0);
  free(before);
  free(after);

  st = S_open(path);
  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(books, 1);
  assert_int_equal(articles, 1);
  nb_state_close(st);
  assert_true(S_integrity_ok(path));
}

/* run_lock: a second run waits, and gives up after its timeout. */
static void test_run_lock(void **state) {
  char path[300];
  nb_state_options o;
  nb_state *a = NULL, *b = NULL;
  nb_error err;
  (void)state;
  S_path(path, sizeof path, "locked.db");
  memset(&o, 0, sizeof o);
  o.abi_version = NB_STATE_ABI_VERSION;
  o.run_lock = 1;
  o.run_lock_timeout_s = 1;
  assert_int_equal(nb_state_open(path, &o, &a, &err), 0);
  assert_int_equal(nb_state_open(path, &o, &b, &err), NB_ERR_LIMIT);
  assert_null(b);
  assert_non_null(strstr(err.message, "another run"));
  nb_state_close(a);
  assert_int_equal(nb_state_open(path, &o, &b, &err), 0);
  nb_state_close(b);
}

static nb_doc *S_article(const char *md) {
  nb_error err;
  nb_doc *d = nb_read_article("a.md", md, strlen(md), NULL, NULL, &err);
  assert_non_null(d);
  return d;
}

static void test_content_hash(void **state) {
  char h1[NB_STATE_HASH_SIZE], h2[NB_STATE_HASH_SIZE], h3[NB_STATE_HASH_SIZE];
  nb_doc *a, *b, *c;
  (void)state;
  a = S_article("---\ntitle: A\nsource: https://a.example/1\n---\n"
                "<p>英伟达 GPU 芯片出口受限，A 股算力板块午后走强。</p>"
                "<p>Second paragraph with   some words in it.</p>");
  /* the same text re-wrapped, re-marked-up, full-width letters, another
   * title and URL */
  b = S_article("---\ntitle: B | mirror\nsource: https://b.example/2\n---\n"
                "英伟达 ＧＰＵ 芯片出口受限，\nA 股算力板块午后走强。\n\n"
                "**Second** paragraph with some\nwords in it.\n");
  c = S_article("---\ntitle: A\n---\n<p>英伟达 GPU 芯片出口不受限，A "
                "股算力板块午后走强。</p><p>Second paragraph with some words "
                "in it.</p>");
  assert_true(nb_state_content_hash(a, h1));
  assert_true(nb_state_content_hash(b, h2));
  assert_true(nb_state_content_hash(c, h3));
  assert_int_equal(strncmp(h1, "sha256:", 7), 0);
  assert_int_equal(strlen(h1), 7 + 64);
  assert_string_equal(h1, h2);
  assert_string_not_equal(h1, h3);
  nb_doc_free(a);
  nb_doc_free(b);
  nb_doc_free(c);

  /* short bodies are told apart by their titles */
  a = S_article("---\ntitle: One\n---\n<p>详见图片</p>");
  b = S_article("---\ntitle: Two\n---\n<p>详见图片</p>");
  assert_true(nb_state_content_hash(a, h1));
  assert_true(nb_state_content_hash(b, h2));
  assert_string_not_equal(h1, h2);
  {
    nb_state_article art;
    char hb[NB_STATE_HASH_SIZE];
    nb_state_article_from_doc(a, &art, hb);
    assert_string_equal(art.hash, h1);
    assert_string_equal(art.title, "One");
  }
  nb_doc_free(a);
  nb_doc_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_record_and_find),
      cmocka_unit_test(test_list_and_forget),
      cmocka_unit_test(test_foreign_files_refused),
      cmocka_unit_test(test_damaged_files_refused),
      cmocka_unit_test(test_empty_file_becomes_state),
      cmocka_unit_test(test_two_processes),
      cmocka_unit_test(test_killed_writer),
      cmocka_unit_test(test_run_lock),
      cmocka_unit_test(test_content_hash),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
