/* The pipeline's public API (newsbook/convert.h): job checks, outcomes,
 * the result, hooks, progress, the report, and jobs run at once in
 * different threads giving the same bytes as one after another. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsbook/newsbook.h"

static char S_dir[256];

static void S_put(const char *name, const char *text) {
  char path[512];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static const char *S_path(const char *name) {
  static char buf[8][512];
  static int next;
  char *p = buf[next++ % 8];
  snprintf(p, 512, "%s/%s", S_dir, name);
  return p;
}

static char *S_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *data;
  long n;
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  data = malloc((size_t)n + 1);
  assert_non_null(data);
  *len = fread(data, 1, (size_t)n, f);
  data[*len] = '\0';
  fclose(f);
  return data;
}

static int S_setup(void **state) {
  (void)state;
  snprintf(S_dir, sizeof S_dir, "/tmp/nb-test-convert-XXXXXX");
  assert_non_null(mkdtemp(S_dir));
  setenv("SOURCE_DATE_EPOCH", "1660135111", 1);
  S_put("a.md", "---\ntitle: 第一篇\nauthor: 甲\ndate: 2022-08-10\n"
                "categories: [新闻, 科技]\n---\n<p>KEEP_ME 正文一。</p>\n");
  S_put("b.md", "---\ntitle: 第二篇\nauthor: 乙\ndate: 2022-08-09\n"
                "categories: [新闻]\n---\n<p>LEAVE_ME_OUT 正文二。</p>\n");
  S_put("c.md", "---\ntitle: Third\nlang: en\n---\nSome *text* here.\n");
  return 0;
}

static int S_teardown(void **state) {
  char cmd[512];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* ## Diagnostics and progress seen by the caller */

typedef struct S_seen {
  pthread_mutex_t lock;
  int errors, warnings;
  char last_error[1024], error_kind[32];
  char phases[256];
  size_t steps;
} S_seen;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_seen *s = ud;
  pthread_mutex_lock(&s->lock);
  if (d->severity == NB_SEV_ERROR) {
    s->errors++;
    snprintf(s->last_error, sizeof s->last_error, "%s: %s",
             d->file ? d->file : "", d->message);
    snprintf(s->error_kind, sizeof s->error_kind, "%s", d->kind);
  } else if (d->severity == NB_SEV_WARNING) {
    s->warnings++;
  }
  pthread_mutex_unlock(&s->lock);
}

static void S_phase(void *ud, const char *phase, size_t total) {
  S_seen *s = ud;
  (void)total;
  strncat(s->phases, phase ? phase : "end",
          sizeof s->phases - 1 - strlen(s->phases));
  strncat(s->phases, " ", sizeof s->phases - 1 - strlen(s->phases));
}

static void S_step(void *ud, size_t n) {
  S_seen *s = ud;
  pthread_mutex_lock(&s->lock);
  s->steps += n;
  pthread_mutex_unlock(&s->lock);
}

typedef struct S_hook {
  int kept_calls;
  int written_calls;
  char written_title[256];
} S_hook;

static int S_keep(void *ud, const nb_doc *doc) {
  S_hook *h = ud;
  const char *title = nb_doc_get_meta(doc, "title");
  h->kept_calls++;
  return !(title && strcmp(title, "第二篇") == 0);
}

static void S_written(void *ud, const nb_doc *doc) {
  S_hook *h = ud;
  h->written_calls++;
  snprintf(h->written_title, sizeof h->written_title, "%s",
           nb_doc_get_meta(doc, "title"));
}

/* A job with the caller's callbacks wired to @p seen; inputs and output
 * set by the test. */
static void S_job(nb_convert_job *job, nb_diag *diag, nb_progress *prog,
                  nb_resolve_options *res, S_seen *seen) {
  memset(seen, 0, sizeof *seen);
  pthread_mutex_init(&seen->lock, NULL);
  memset(diag, 0, sizeof *diag);
  diag->abi_version = NB_DIAG_ABI_VERSION;
  diag->report = S_report;
  diag->userdata = seen;
  memset(prog, 0, sizeof *prog);
  prog->abi_version = NB_PROGRESS_ABI_VERSION;
  prog->phase = S_phase;
  prog->step = S_step;
  prog->userdata = seen;
  memset(res, 0, sizeof *res);
  res->abi_version = NB_RESOLVE_ABI_VERSION;
  res->offline = 1;
  res->cache_dir = "";
  memset(job, 0, sizeof *job);
  job->abi_version = NB_CONVERT_ABI_VERSION;
  job->diag = diag;
  job->progress = prog;
  job->resolve = res;
}

static void test_check(void **state) {
  nb_convert_job job;
  nb_error err;
  const char *in[] = {"x.md"};
  (void)state;
  assert_int_equal(nb_convert_check(NULL, &err), NB_ERR_ARGUMENT);
  memset(&job, 0, sizeof job);
  assert_int_equal(nb_convert_check(&job, &err), NB_ERR_ARGUMENT);
  assert_non_null(strstr(err.message, "abi_version"));
  job.abi_version = NB_CONVERT_ABI_VERSION + 1;
  assert_int_equal(nb_convert_check(&job, &err), NB_ERR_ARGUMENT);
  job.abi_version = NB_CONVERT_ABI_VERSION;
  assert_int_equal(nb_convert_check(&job, &err), NB_ERR_ARGUMENT);
  assert_non_null(strstr(err.message, "no input"));
  job.inputs = in;
  job.input_count = 1;
  assert_int_equal(nb_convert_check(&job, &err), NB_ERR_ARGUMENT);
  assert_non_null(strstr(err.message, "no output"));
  job.output = "book.docx";
  assert_int_equal(nb_convert_check(&job, &err), NB_ERR_ARGUMENT);
  assert_string_equal(err.file, "book.docx");
  assert_non_null(strstr(err.message, "cannot tell the output format"));
  job.format = "pdf";
  assert_int_equal(nb_convert_check(&job, &err), 0);
  job.format = NULL;
  job.output = "book.EPUB";
  assert_int_equal(nb_convert_check(&job, &err), 0);
}

static void test_book_with_hooks(void **state) {
  nb_convert_job job;
  nb_convert_result res = {.abi_version = NB_CONVERT_RESULT_ABI_VERSION};
  nb_diag diag;
  nb_progress prog;
  nb_resolve_options ro;
  nb_convert_hooks hooks = {.abi_version = NB_CONVERT_HOOKS_ABI_VERSION};
  nb_select_options sel = {.abi_version = NB_SELECT_ABI_VERSION};
  nb_convert_meta meta[] = {{"publisher", "测试社"}};
  S_hook h;
  S_seen seen;
  nb_error err;
  const char *in[1];
  char *report;
  size_t len;
  (void)state;

  S_job(&job, &diag, &prog, &ro, &seen);
  memset(&h, 0, sizeof h);
  hooks.keep = S_keep;
  hooks.written = S_written;
  hooks.userdata = &h;
  sel.category = "新闻";
  in[0] = S_dir;
  job.inputs = in;
  job.input_count = 1;
  job.output = S_path("book.epub");
  job.report = S_path("book.json");
  job.select = &sel;
  job.hooks = &hooks;
  job.metadata = meta;
  job.metadata_count = 1;
  job.jobs = 2;
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.outcome, NB_CONVERT_WRITTEN);
  assert_int_equal(res.inputs, 3);
  assert_int_equal(res.read, 2); /* c.md ruled out by its front matter */
  assert_int_equal(res.unselected, 1);
  assert_int_equal(h.kept_calls, 2);
  assert_int_equal(res.left_out, 1); /* by the hook */
  assert_int_equal(res.articles, 1);
  assert_int_equal(h.written_calls, 1);
  assert_string_equal(h.written_title, "第一篇");
  assert_string_equal(res.output, job.output);
  assert_true(res.output_bytes > 0);
  /* one article: its own title; the book's metadata as written */
  assert_string_equal(res.title, "第一篇");
  assert_non_null(res.date);
  assert_non_null(res.resources);
  assert_string_equal(seen.phases, "parse images write end ");
  assert_int_equal(seen.steps, 3 + 1 + 1);
  assert_int_equal(seen.errors, 0);
  report = S_slurp(job.report, &len);
  assert_non_null(report);
  assert_non_null(strstr(report, "\"images\": "));
  assert_non_null(strstr(report, "\"warnings\": ["));
  free(report);
  nb_convert_result_free(&res);
  assert_null(res.title);
  assert_int_equal(res.abi_version, NB_CONVERT_RESULT_ABI_VERSION);
}

static void test_failures(void **state) {
  nb_convert_job job;
  nb_convert_result res = {.abi_version = NB_CONVERT_RESULT_ABI_VERSION};
  nb_read_options rd = {.abi_version = NB_READ_ABI_VERSION};
  nb_diag diag;
  nb_progress prog;
  nb_resolve_options ro;
  S_seen seen;
  nb_error err;
  const char *two[2], *one[1];
  struct stat st;
  (void)state;

  /* an input over the size limit: left out and reported, the book made */
  S_put("big.md", "---\ntitle: big\n---\n<p>"
                  "0123456789012345678901234567890123456789"
                  "0123456789012345678901234567890123456789"
                  "0123456789012345678901234567890123456789</p>\n");
  S_job(&job, &diag, &prog, &ro, &seen);
  rd.max_input_bytes = 100;
  two[0] = S_path("c.md");
  two[1] = S_path("big.md");
  job.inputs = two;
  job.input_count = 2;
  job.read = &rd;
  job.output = S_path("some.epub");
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.failed, 1);
  assert_int_equal(res.articles, 1);
  assert_int_equal(seen.errors, 1);
  assert_string_equal(seen.error_kind, "input");
  assert_non_null(strstr(seen.last_error, "big.md"));
  nb_convert_result_free(&res);

  /* the same with strict: nothing written */
  S_job(&job, &diag, &prog, &ro, &seen);
  job.inputs = two;
  job.input_count = 2;
  job.read = &rd;
  job.strict = 1;
  job.output = S_path("strict.epub");
  assert_true(nb_convert_run(&job, &res, &err) < 0);
  assert_int_equal(res.outcome, NB_CONVERT_STRICT);
  assert_int_equal(res.error_reported, 0);
  assert_non_null(strstr(err.message, "--strict"));
  assert_int_not_equal(stat(job.output, &st), 0);
  assert_null(res.output);
  nb_convert_result_free(&res);

  /* every input failed: each said why, the error only sums up */
  S_job(&job, &diag, &prog, &ro, &seen);
  one[0] = S_path("big.md");
  job.inputs = one;
  job.input_count = 1;
  job.read = &rd;
  job.output = S_path("none.epub");
  assert_true(nb_convert_run(&job, &res, &err) < 0);
  assert_int_equal(res.outcome, NB_CONVERT_NOTHING_READ);
  assert_int_equal(res.error_reported, 1);
  nb_convert_result_free(&res);

  /* the output is one of the inputs: refused, the input untouched */
  S_job(&job, &diag, &prog, &ro, &seen);
  one[0] = S_path("c.md");
  job.inputs = one;
  job.input_count = 1;
  job.format = "epub";
  job.output = S_path("c.md");
  assert_true(nb_convert_run(&job, &res, &err) < 0);
  assert_int_equal(res.outcome, NB_CONVERT_REFUSED);
  assert_non_null(strstr(err.message, "also an input"));
  nb_convert_result_free(&res);

  /* a missing input; no result asked for */
  S_job(&job, &diag, &prog, &ro, &seen);
  one[0] = S_path("nowhere.md");
  job.inputs = one;
  job.input_count = 1;
  job.output = S_path("x.epub");
  assert_int_equal(nb_convert_run(&job, NULL, &err), NB_ERR_ARGUMENT);
  assert_non_null(strstr(err.message, "cannot read input"));
}

/* ## Jobs at once */

typedef struct S_thread_job {
  const char *in, *out;
  nb_order order;
  int rc;
} S_thread_job;

static void *S_run_one(void *arg) {
  S_thread_job *t = arg;
  nb_convert_job job = {.abi_version = NB_CONVERT_ABI_VERSION};
  nb_resolve_options ro = {.abi_version = NB_RESOLVE_ABI_VERSION};
  nb_select_options sel = {.abi_version = NB_SELECT_ABI_VERSION};
  const char *in[1];
  nb_error err;
  in[0] = t->in;
  ro.offline = 1;
  ro.cache_dir = "";
  sel.order = t->order;
  job.inputs = in;
  job.input_count = 1;
  job.output = t->out;
  job.resolve = &ro;
  job.select = &sel;
  job.jobs = 2;
  t->rc = nb_convert_run(&job, NULL, &err);
  return NULL;
}

/* JSON output loads no image (none fetched, none missing, no warning about
 * one); a version-1 job's fields stop before those of version 2, which are
 * never looked at; a URL input is read by the acquisition (here offline
 * with no cache: refused in one error naming the URL). */
static void test_json_and_urls(void **state) {
  nb_convert_job job;
  nb_convert_result res = {.abi_version = NB_CONVERT_RESULT_ABI_VERSION};
  nb_diag diag;
  nb_progress prog;
  nb_resolve_options ro;
  S_seen seen;
  nb_error err;
  const char *in[2], *url[1] = {"http://127.0.0.1:9/feed.xml"};
  char *json;
  size_t len;
  struct stat st;
  (void)state;

  S_put("img.md", "---\ntitle: Pictured\nlang: en\n---\n<p>IMG_TEXT before.</p>"
                  "<p><img src=\"http://127.0.0.1:9/a.png\" alt=\"a\"></p>\n");
  S_job(&job, &diag, &prog, &ro, &seen);
  job.abi_version = 1;
  /* not part of a version-1 job: must not be read */
  job.acquire = (const nb_acquire_options *)(uintptr_t)1;
  job.full_text_files = 1;
  in[0] = S_path("img.md");
  in[1] = S_path("a.md");
  job.inputs = in;
  job.input_count = 2;
  job.output = S_path("book.json");
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.outcome, NB_CONVERT_WRITTEN);
  assert_int_equal(res.articles, 2);
  assert_int_equal(res.images_embedded, 0);
  assert_int_equal(res.images_missing, 0);
  assert_int_equal(seen.warnings, 0);
  assert_null(strstr(seen.phases, "images"));
  json = S_slurp(job.output, &len);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"articles\": ["));
  assert_non_null(strstr(json, "IMG_TEXT before."));
  assert_non_null(strstr(json, "KEEP_ME"));
  free(json);
  nb_convert_result_free(&res);

  /* the same as EPUB: the image is looked for, and missing (offline) */
  S_job(&job, &diag, &prog, &ro, &seen);
  job.inputs = in;
  job.input_count = 1;
  job.output = S_path("pictured.epub");
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.images_missing, 1);
  nb_convert_result_free(&res);

  /* a URL: offline and no cache, refused with the URL named */
  S_job(&job, &diag, &prog, &ro, &seen);
  job.inputs = url;
  job.input_count = 1;
  job.output = S_path("url.epub");
  assert_true(nb_convert_run(&job, &res, &err) < 0);
  assert_int_equal(res.outcome, NB_CONVERT_NOTHING_READ);
  assert_int_equal(seen.errors, 1);
  assert_non_null(strstr(seen.last_error, "http://127.0.0.1:9/feed.xml: "));
  assert_non_null(strstr(seen.last_error, "offline"));
  assert_int_not_equal(stat(job.output, &st), 0);
  nb_convert_result_free(&res);
}

static void test_concurrent_jobs(void **state) {
  /* books ordered newest and oldest first, and a single article, to EPUB
   * and PDF: alone first, then all four at once */
  const char *outs[4] = {"alone-0.epub", "alone-1.pdf", "alone-2.epub",
                         "alone-3.pdf"};
  S_thread_job t[4];
  pthread_t th[4];
  int i;
  (void)state;
  for (i = 0; i < 4; i++) {
    t[i].in = i < 2 ? S_dir : S_path("c.md");
    t[i].order = i == 1 ? NB_ORDER_OLDEST : NB_ORDER_NEWEST;
    t[i].out = S_path(outs[i]);
    S_run_one(&t[i]);
    assert_int_equal(t[i].rc, 0);
  }
  for (i = 0; i < 4; i++) {
    static char names[4][64];
    snprintf(names[i], sizeof names[i], "together-%d.%s", i,
             i % 2 ? "pdf" : "epub");
    t[i].out = strdup(S_path(names[i]));
    assert_int_equal(pthread_create(&th[i], NULL, S_run_one, &t[i]), 0);
  }
  for (i = 0; i < 4; i++) {
    size_t la, lb;
    char *a, *b;
    pthread_join(th[i], NULL);
    assert_int_equal(t[i].rc, 0);
    a = S_slurp(S_path(outs[i]), &la);
    b = S_slurp(t[i].out, &lb);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    free((char *)t[i].out);
  }
}

static void test_find_style(void **state) {
  char buf[4096];
  const char *p;
  (void)state;
  p = nb_convert_find_style("default", buf, sizeof buf);
  assert_non_null(p);
  assert_non_null(strstr(p, "styles/default.css"));
  assert_null(nb_convert_find_style("no-such-theme", buf, sizeof buf));
  assert_string_equal(nb_convert_find_style("my.css", buf, sizeof buf),
                      "my.css");
  assert_string_equal(nb_convert_find_style("dir/x", buf, sizeof buf), "dir/x");
}

/* ## The daily loop (job->deliver) */

static void S_daily_article(const char *name, int i, size_t filler) {
  char path[600];
  FILE *f;
  size_t k;
  unsigned r = 2463534242u + (unsigned)i;
  snprintf(path, sizeof path, "%s/daily/%s", S_dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f,
          "---\ntitle: 第 %d 条\ndate: 2022-08-%02d\n"
          "source: https://news.example/a/%d\n---\n<p>第 %d 条的正文，"
          "足够长，能单独认出这篇文章。</p>\n<p>",
          i, i, i, i);
  for (k = 0; k < filler; k++) { /* letters that do not compress much */
    r ^= r << 13, r ^= r >> 17, r ^= r << 5;
    fputc(k % 8 == 7 ? ' ' : 'a' + (int)(r % 26), f);
  }
  fputs("</p>\n", f);
  fclose(f);
}

static long long S_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void test_daily_loop(void **state) {
  nb_convert_job job;
  nb_convert_result res = {.abi_version = NB_CONVERT_RESULT_ABI_VERSION};
  nb_convert_delivery dv = {.abi_version = NB_CONVERT_DELIVERY_ABI_VERSION};
  nb_state_options so = {.abi_version = NB_STATE_ABI_VERSION};
  nb_diag diag;
  nb_progress prog;
  nb_resolve_options ro;
  nb_state *st = NULL;
  S_seen seen;
  nb_error err;
  const char *in[1];
  char dir[512];
  int64_t books = 0, articles = 0;
  size_t i;
  (void)state;

  snprintf(dir, sizeof dir, "%s/daily", S_dir);
  assert_int_equal(mkdir(dir, 0755), 0);
  S_daily_article("1.md", 1, 200);
  S_daily_article("2.md", 2, 200);
  assert_int_equal(nb_state_open(S_path("state.db"), &so, &st, &err), 0);
  S_job(&job, &diag, &prog, &ro, &seen);
  in[0] = dir;
  job.inputs = in;
  job.input_count = 1;
  job.output = S_path("daily.epub");
  dv.state = st;
  dv.only_new = 1;
  job.deliver = &dv;

  /* 1: both new, recorded */
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.articles, 2);
  assert_int_equal(res.delivered_before, 0);
  assert_int_equal(res.nfiles, 1);
  assert_string_equal(res.files[0], job.output);
  assert_int_equal(res.recorded, 1);
  nb_convert_result_free(&res);
  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(books, 1);
  assert_int_equal(articles, 2);
  /* 2: nothing new, nothing written */
  unlink(job.output);
  assert_int_not_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.outcome, NB_CONVERT_NOTHING_NEW);
  assert_int_equal(res.delivered_before, 2);
  assert_int_equal(S_size(job.output), -1);
  nb_convert_result_free(&res);
  /* 3: one more; the state asked but not recorded (no_record) */
  S_daily_article("3.md", 3, 200);
  dv.no_record = 1;
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.articles, 1);
  assert_int_equal(res.recorded, 0);
  nb_convert_result_free(&res);
  assert_int_equal(nb_state_count(st, &books, &articles, &err), 0);
  assert_int_equal(articles, 2);
  nb_state_close(st);

  /* Volumes: a budget the book is over gives whole books each within it */
  S_daily_article("4.md", 4, 90000);
  S_daily_article("5.md", 5, 90000);
  S_daily_article("6.md", 6, 90000);
  memset(&dv, 0, sizeof dv);
  dv.abi_version = NB_CONVERT_DELIVERY_ABI_VERSION;
  dv.max_book_bytes = 200000;
  job.output = S_path("big.epub");
  assert_int_equal(nb_convert_run(&job, &res, &err), 0);
  assert_int_equal(res.outcome, NB_CONVERT_WRITTEN);
  assert_int_equal(res.articles, 6);
  assert_true(res.nfiles >= 2);
  for (i = 0; i < res.nfiles; i++) {
    char want[600];
    snprintf(want, sizeof want, "%s/big-%zuof%zu.epub", S_dir, i + 1,
             res.nfiles);
    assert_string_equal(res.files[i], want);
    assert_true(res.file_bytes[i] > 0 && res.file_bytes[i] <= 200000);
  }
  assert_string_equal(res.output, res.files[0]);
  assert_int_equal(S_size(job.output), -1); /* no whole book beside them */
  nb_convert_result_free(&res);
  assert_null(res.files);
  assert_int_equal(res.nfiles, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check),      cmocka_unit_test(test_book_with_hooks),
      cmocka_unit_test(test_failures),   cmocka_unit_test(test_concurrent_jobs),
      cmocka_unit_test(test_find_style), cmocka_unit_test(test_json_and_urls),
      cmocka_unit_test(test_daily_loop),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
