/* The conversion pipeline: inputs → documents → book → writer. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <unistd.h>

#include "cli/cli.h"
#include "util/pool.h"
#include "cli/progress.h"

typedef struct S_docs {
  nb_doc **v;
  double *secs; /* time each took to read and parse */
  size_t n, cap;
} S_docs;

static int S_push_timed(S_docs *d, nb_doc *doc, double secs) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 64;
    nb_doc **p = nb_reallocarray(d->v, cap, sizeof *p);
    double *t;
    if (!p)
      return 0;
    d->v = p;
    t = nb_reallocarray(d->secs, cap, sizeof *t);
    if (!t)
      return 0;
    d->secs = t;
    d->cap = cap;
  }
  d->secs[d->n] = secs;
  d->v[d->n++] = doc;
  return 1;
}

static int S_push(S_docs *d, nb_doc *doc) { return S_push_timed(d, doc, 0); }

static double S_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The one-line report of an article over its time budget. */
static void S_over_time(nb_cli_diag *d, const char *path, long limit,
                        int alone) {
  nb_error err;
  nb_error_set(&err, NB_ERR_LIMIT, path, 0,
               "took longer than %ld s (--max-article-time) — %s", limit,
               alone ? "nothing written; raise --max-article-time (0: no "
                       "limit) or check the image servers it uses"
                     : "skipped; raise --max-article-time (0: no limit) or "
                       "check the image servers it uses");
  nb_cli_error(d, &err);
}

static int S_feed_item(void *ud, nb_doc *doc) {
  S_docs *d = ud;
  if (!S_push(d, doc)) {
    nb_doc_free(doc);
    return 1;
  }
  return 0;
}

static const char *S_format(const nb_cli *cli) {
  const char *dot;
  if (cli->to)
    return cli->to;
  dot = cli->output ? strrchr(cli->output, '.') : NULL;
  if (dot && strcasecmp(dot, ".epub") == 0)
    return "epub";
  if (dot && strcasecmp(dot, ".pdf") == 0)
    return "pdf";
  return NULL;
}

/* Same file by device and inode, so that ./a.md and a.md match too. */
static int S_is_output(const char *path, const struct stat *out) {
  struct stat st;
  return strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
         st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

static const char *S_find_style(const char *name, char *buf, size_t size) {
  const char *env = getenv("NEWSBOOK_DATADIR");
  const char *dirs[3];
  size_t i;
  struct stat st;
  if (!name)
    return NULL;
  if (strchr(name, '/') || (strlen(name) > 4 &&
                            strcasecmp(name + strlen(name) - 4, ".css") == 0))
    return name;
  dirs[0] = env;
  dirs[1] = NB_SRCDIR;
  dirs[2] = NB_DATADIR;
  for (i = 0; i < 3; i++) {
    if (!dirs[i])
      continue;
    snprintf(buf, size, "%s/styles/%s.css", dirs[i], name);
    if (stat(buf, &st) == 0)
      return buf;
  }
  return NULL;
}

static void S_human_size(char *buf, size_t size, long long bytes) {
  if (bytes >= 1024 * 1024)
    snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
  else
    snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
}

static int S_write_report(const nb_cli *cli, nb_cli_diag *d,
                          const nb_resources *set) {
  nb_buf b = NB_BUF_INIT;
  nb_atomic a;
  nb_error err;
  char *images = nb_resources_report_json(set);
  nb_buf_puts(&b, "{\n  \"images\": ");
  nb_buf_puts(&b, images ? images : "[]");
  free(images);
  nb_buf_puts(&b, ",\n  \"warnings\": [\n    ");
  pthread_mutex_lock(&d->lock);
  nb_buf_append(&b, d->json.data ? d->json.data : "", d->json.len);
  pthread_mutex_unlock(&d->lock);
  nb_buf_puts(&b, "\n  ]\n}\n");
  if (b.failed || nb_atomic_open(&a, cli->report, &err) != 0) {
    nb_buf_free(&b);
    nb_cli_error(d, &err);
    return 1;
  }
  fwrite(b.data, 1, b.len, a.fp);
  nb_buf_free(&b);
  if (nb_atomic_commit(&a, &err) != 0) {
    nb_cli_error(d, &err);
    return 1;
  }
  return 0;
}

/* ## Reading in parallel
 *
 * Each input is read and parsed by whichever worker takes it; results land
 * in the input's own slot, so the book's order never depends on timing. */

typedef struct S_slot {
  S_docs docs;
  int failed;
  int is_output; /* this input is the output file: nothing may be written */
  int late;      /* over its time budget (already reported) */
} S_slot;

typedef struct S_pool {
  nb_cli *cli;
  nb_cli_diag *d;
  nb_progress *prog;
  const nb_strvec *paths;
  const nb_select_options *sel;
  int prefilter;
  const struct stat *out; /* the existing output file, or NULL */
  S_slot *slots;
} S_pool;

/* The YAML between a leading "---" line and the next "---" line. */
static int S_front_matter(const char *s, size_t len, const char **yaml,
                          size_t *ylen) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
      (unsigned char)s[2] == 0xBF)
    i = 3;
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    i++;
  if (len - i < 4 || strncmp(s + i, "---", 3) != 0)
    return 0;
  i += 3;
  while (i < len && s[i] != '\n')
    i++;
  *yaml = s + i;
  for (; i + 3 <= len; i++) {
    if (s[i] == '\n' && strncmp(s + i + 1, "---", 3) == 0) {
      *ylen = (size_t)(s + i - *yaml);
      return 1;
    }
  }
  return 0;
}

/* 1 when @p want (one component of --category) cannot be among the
 * categories of front matter @p yaml: its bytes occur nowhere in it. Only
 * claimed when the text is taken literally by the reader: no YAML escape
 * (a backslash) could spell it otherwise, and no white space in the
 * component could have been folded across lines. Most articles of an
 * archive are ruled out here, before libyaml ever sees them. */
static int S_absent(const char *yaml, size_t ylen, const char *want,
                    size_t wlen) {
  size_t i;
  if (wlen == 0 || wlen > ylen)
    return wlen > ylen;
  for (i = 0; i < wlen; i++)
    if (want[i] == ' ' || want[i] == '\t' || want[i] == '\n' ||
        want[i] == '\r' || want[i] == '\\')
      return 0;
  return memmem(yaml, ylen, want, wlen) == NULL;
}

static int S_category_absent(const char *yaml, size_t ylen,
                             const char *category) {
  const char *c = category, *slash;
  if (!category || !*category || memchr(yaml, '\\', ylen))
    return 0;
  for (;; c = slash + 1) {
    slash = strchr(c, '/');
    if (S_absent(yaml, ylen, c, slash ? (size_t)(slash - c) : strlen(c)))
      return 1;
    if (!slash)
      return 0;
  }
}

/* 0 when the article's front matter rules it out of the selection, so its
 * body need not be read or parsed at all. *@p seen tells whether the front
 * matter was complete in @p data (else the answer is a "maybe"). */
static int S_may_match(const char *path, const char *data, size_t len,
                       const nb_select_options *sel, int *seen) {
  const char *yaml;
  size_t ylen;
  nb_doc *tmp;
  int ok = 1;
  *seen = 0;
  if (!S_front_matter(data, len, &yaml, &ylen))
    return 1;
  *seen = 1;
  if (S_category_absent(yaml, ylen, sel->category))
    return 0;
  if (!(tmp = nb_doc_new()))
    return 1;
  nb_read_front_matter(tmp, path, yaml, ylen, NULL);
  ok = nb_select_match(tmp, sel);
  nb_doc_free(tmp);
  return ok;
}

static void S_read_one_body(S_pool *pool, size_t i);

static void S_read_one(void *ctx, size_t i) {
  S_pool *pool = ctx;
  S_read_one_body(pool, i);
  nb_progress_step(pool->prog, 1);
}

/* How much of an archive's file is read before its front matter decides
 * whether the rest is wanted: front matter is a few hundred bytes. */
#define S_HEAD_BYTES 16384

static void S_read_one_body(S_pool *pool, size_t i) {
  const char *p = pool->paths->v[i];
  nb_cli *cli = pool->cli;
  S_slot *slot = &pool->slots[i];
  char *data = NULL;
  size_t len = 0;
  nb_error err;
  nb_doc *doc;
  nb_infile f;
  int seen = 0;
  double secs;
  struct timespec t0;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&err, 0, sizeof err);
  if (nb_infile_open(&f, p, cli->read.max_input_bytes
                                ? cli->read.max_input_bytes
                                : 64u * 1024 * 1024,
                     &err) != 0) {
    /* an input that cannot be read may still be the output's path */
    if (pool->out && S_is_output(p, pool->out))
      slot->is_output = 1;
    else
      nb_cli_error(pool->d, &err);
    slot->failed = 1;
    return;
  }
  /* Every input is opened anyway: its identity is compared here rather
   * than with a stat of its own (ten thousand of them in an archive). */
  if (pool->out && f.dev == (uint64_t)pool->out->st_dev &&
      f.ino == (uint64_t)pool->out->st_ino && strcmp(p, "-") != 0) {
    nb_infile_close(&f);
    slot->is_output = 1;
    slot->failed = 1;
    return;
  }
  if (pool->prefilter && strcmp(p, "-") != 0) {
    if (nb_infile_read(&f, S_HEAD_BYTES, &err) != 0)
      goto read_failed;
    if (!S_may_match(p, f.data, f.len, pool->sel, &seen)) {
      nb_infile_close(&f);
      return;
    }
  }
  if (nb_infile_read(&f, SIZE_MAX, &err) != 0)
    goto read_failed;
  data = nb_infile_detach(&f, &len);
  nb_infile_close(&f);
  if (strcmp(p, "-") == 0) /* waiting for a pipe is not the article's time */
    clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!seen && nb_is_feed(data, len)) {
    int items = nb_read_feed(p, data, len, &cli->read, &pool->d->diag,
                             S_feed_item, &slot->docs, &err);
    if (items < 0) {
      nb_cli_error(pool->d, &err);
      slot->failed = 1;
    } else if (items == 0) {
      nb_error_set(&err, NB_ERR_FORMAT, p, 0,
                   "the feed has no items — nothing to convert from it");
      nb_cli_error(pool->d, &err);
      slot->failed = 1;
    }
    free(data);
    return;
  }
  if (pool->prefilter && !seen && !S_may_match(p, data, len, pool->sel, &seen)) {
    free(data);
    return;
  }
  doc = nb_read_article(strcmp(p, "-") == 0 ? "stdin" : p, data, len,
                        &cli->read, &pool->d->diag, &err);
  free(data);
  if (!doc) {
    nb_cli_error(pool->d, &err);
    slot->failed = 1;
    return;
  }
  /* the first safe point of the article's time budget: reading and
   * parsing are done, images not started */
  secs = S_since(&t0);
  if (cli->article_time > 0 && secs >= (double)cli->article_time) {
    S_over_time(pool->d, p, cli->article_time, pool->paths->n == 1);
    nb_doc_free(doc);
    slot->failed = 1;
    slot->late = 1;
    return;
  }
  if (!S_push_timed(&slot->docs, doc, secs)) {
    nb_doc_free(doc);
    slot->failed = 1;
  }
  return;
read_failed:
  nb_infile_close(&f);
  nb_cli_error(pool->d, &err);
  slot->failed = 1;
}

/* Read and parse every path with cli->jobs workers; append the documents
 * to @p out in input order. Returns the number of inputs that failed;
 * *@p clash is set when one of them is the existing output file @p ost. */
static size_t S_read_all(nb_cli *cli, nb_cli_diag *d, nb_progress *prog,
                         const nb_strvec *paths, const nb_select_options *sel,
                         const struct stat *ost, int *clash, size_t *late,
                         S_docs *out) {
  S_pool pool;
  size_t i, j, failed = 0;

  memset(&pool, 0, sizeof pool);
  pool.cli = cli;
  pool.d = d;
  pool.prog = prog;
  pool.paths = paths;
  pool.sel = sel;
  pool.prefilter = sel->dedupe; /* a selection is active */
  pool.out = ost;
  pool.slots = nb_calloc(paths->n ? paths->n : 1, sizeof *pool.slots);
  if (!pool.slots)
    return paths->n;
  nb_pool_for(paths->n, cli->jobs, S_read_one, &pool);
  for (i = 0; i < paths->n; i++) {
    S_slot *slot = &pool.slots[i];
    failed += slot->failed != 0;
    *clash |= slot->is_output;
    *late += slot->late;
    for (j = 0; j < slot->docs.n; j++)
      if (!S_push_timed(out, slot->docs.v[j], slot->docs.secs[j])) {
        nb_doc_free(slot->docs.v[j]);
        failed++;
      }
    free(slot->docs.v);
    free(slot->docs.secs);
  }
  free(pool.slots);
  return failed;
}

/* ## Resolving images in parallel (the set is thread-safe; writers walk
 * documents in order, so the output does not depend on who came first). */

/* Time already spent on each document (reading and parsing), found by
 * address once the book has reordered them. */
typedef struct S_spent {
  const nb_doc *doc;
  double secs;
} S_spent;

static int S_spent_cmp(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const S_spent *)a)->doc,
            y = (uintptr_t)((const S_spent *)b)->doc;
  return x < y ? -1 : x > y;
}

static double S_spent_on(const S_spent *v, size_t n, const nb_doc *doc) {
  S_spent key, *hit;
  if (!v)
    return 0;
  key.doc = doc;
  hit = bsearch(&key, v, n, sizeof *v, S_spent_cmp);
  return hit ? hit->secs : 0;
}

typedef struct S_resolve_ctx {
  nb_book *book;
  nb_resources *set;
  nb_cli_diag *d;
  nb_progress *prog;
  long article_time;
  const S_spent *spent;
  size_t nspent;
  int alone; /* the only article: running out of time writes nothing */
  char *late; /* per document: over its time budget */
  pthread_mutex_t lock;
  int failed;
} S_resolve_ctx;

static void S_resolve_one(void *ctx, size_t i) {
  S_resolve_ctx *rc = ctx;
  nb_doc *doc = nb_book_doc(rc->book, i);
  nb_error err;
  int r;
  memset(&err, 0, sizeof err);
  if (rc->article_time > 0) {
    double left = (double)rc->article_time -
                  S_spent_on(rc->spent, rc->nspent, doc);
    r = nb_resources_resolve_doc_within(rc->set, doc, left > 0 ? left : -1,
                                        &err);
  } else {
    r = nb_resources_resolve_doc(rc->set, doc, &err);
  }
  if (r == NB_ERR_LIMIT) {
    S_over_time(rc->d, nb_doc_get_meta(doc, "path"), rc->article_time,
                rc->alone);
    rc->late[i] = 1;
  } else if (r < 0) {
    nb_cli_error(rc->d, &err);
    pthread_mutex_lock(&rc->lock);
    rc->failed = 1;
    pthread_mutex_unlock(&rc->lock);
  }
  nb_progress_step(rc->prog, 1);
}

/* --metadata KEY=VALUE on a one-article book also sets the article's own
 * metadata (its title block shows it). */
static void S_apply_metadata(const nb_cli *cli, nb_doc *doc) {
  size_t m;
  for (m = 0; m < cli->metadata.n; m++) {
    const char *kv = cli->metadata.v[m];
    const char *eq = strchr(kv, '=');
    char *key = nb_strndup(kv, (size_t)(eq - kv));
    if (key)
      nb_doc_set_meta(doc, key, eq + 1);
    free(key);
  }
}

/* A book's title when none was given: what the user chose it by, the
 * --category's last level ("金融/财联社" gives 财联社), else the one
 * archive directory's name; NULL leaves nb_book_finish's choice (the first
 * article's title), right for a handful of files named one by one. */
static char *S_default_title(const nb_cli *cli) {
  const char *c = cli->category, *slash;
  struct stat st;
  if (c && *c) {
    while ((slash = strchr(c, '/')) != NULL && slash[1])
      c = slash + 1;
    return nb_strndup(c, strcspn(c, "/"));
  }
  if (cli->inputs.n == 1 && stat(cli->inputs.v[0], &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    const char *p = cli->inputs.v[0];
    size_t len = strlen(p), start;
    while (len > 1 && p[len - 1] == '/')
      len--;
    start = len;
    while (start > 0 && p[start - 1] != '/')
      start--;
    if (len > start && !(len - start == 1 && p[start] == '.') &&
        !(len - start == 2 && p[start] == '.' && p[start + 1] == '.'))
      return nb_strndup(p + start, len - start);
  }
  return NULL;
}

int nb_cli_convert(nb_cli *cli, nb_cli_diag *d) {
  nb_strvec paths = {0};
  S_docs docs = {0};
  nb_error err;
  nb_resources *set = NULL;
  nb_book *book = NULL;
  const nb_writer *w;
  const char *fmt = S_format(cli);
  char stylebuf[4096];
  size_t i, failed = 0, images_ok = 0, images_bad = 0;
  int status = 1;
  nb_select_options sel;
  struct timespec t0, t1;
  struct stat ost;
  int have_out, clash = 0;
  size_t late = 0, nspent = 0;
  S_spent *spent = NULL;
  long kept;
  nb_progress prog;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&err, 0, sizeof err);
  nb_progress_init(&prog, cli->verbosity);
  d->progress = &prog;
  for (w = nb_writers(); w->name; w++)
    if (fmt && strcmp(w->name, fmt) == 0)
      break;
  if (!w->name) {
    fprintf(stderr, "newsbook: %s: cannot tell the output format — name the "
                    "output .epub or .pdf, or give --to epub|pdf\n",
            cli->output);
    return 2;
  }
  if (cli->style) {
    cli->write.style_path = S_find_style(cli->style, stylebuf, sizeof stylebuf);
    if (!cli->write.style_path) {
      fprintf(stderr, "newsbook: %s: no such style — give a CSS file or a "
                      "name from styles/\n",
              cli->style);
      return 2;
    }
  }
  have_out = stat(cli->output, &ost) == 0;
  if (have_out && S_ISDIR(ost.st_mode)) {
    fprintf(stderr, "newsbook: %s: is a directory — give a file name "
                    "such as %s/book.%s\n",
            cli->output, cli->output, fmt);
    status = 1;
    goto cleanup;
  }
  if (nb_cli_collect_inputs(&cli->inputs, &paths, &err) != 0) {
    nb_cli_error(d, &err);
    status = 1;
    goto cleanup;
  }
  memset(&sel, 0, sizeof sel);
  sel.abi_version = NB_SELECT_ABI_VERSION;
  sel.category = cli->category;
  sel.limit = cli->limit;
  sel.since = nb_date_parse(cli->since);
  sel.until = nb_date_parse(cli->until);
  sel.dedupe = cli->category || cli->since || cli->until;
  sel.order = sel.dedupe ? NB_ORDER_NEWEST : NB_ORDER_INPUT;
  if (cli->order)
    sel.order = strcmp(cli->order, "oldest") == 0 ? NB_ORDER_OLDEST
                : strcmp(cli->order, "input") == 0 ? NB_ORDER_INPUT
                                                    : NB_ORDER_NEWEST;
  if (cli->group_by)
    sel.group_by = strcmp(cli->group_by, "none") == 0       ? NB_GROUP_NONE
                   : strcmp(cli->group_by, "day") == 0      ? NB_GROUP_DAY
                   : strcmp(cli->group_by, "month") == 0    ? NB_GROUP_MONTH
                   : strcmp(cli->group_by, "category") == 0 ? NB_GROUP_CATEGORY
                                                            : NB_GROUP_AUTO;

  nb_progress_phase(&prog, "parse", paths.n);
  failed = S_read_all(cli, d, &prog, &paths, &sel, have_out ? &ost : NULL,
                      &clash, &late, &docs);
  nb_progress_end(&prog);
  if (clash) {
    fprintf(stderr, "newsbook: %s: the output is also an input — choose "
                    "another output path (the input was not touched)\n",
            cli->output);
    status = 1;
    goto cleanup;
  }
  if (docs.n == 0) {
    if (d->errors == 0) /* else the reasons are already on screen */
      fprintf(stderr, "newsbook: no article could be read — nothing "
                      "written; check the inputs\n");
    goto cleanup;
  }
  if (failed && cli->strict) {
    fprintf(stderr, "newsbook: note: %s: not written: %zu input%s failed and "
                    "--strict is set — fix them or drop --strict\n",
            cli->output, failed, failed == 1 ? "" : "s");
    goto cleanup;
  }

  book = nb_book_new();
  set = nb_resources_new(&cli->resolve, &d->diag);
  if (!book || !set) {
    fprintf(stderr, "newsbook: out of memory\n");
    goto cleanup;
  }
  if (cli->article_time > 0 && (spent = nb_calloc(docs.n, sizeof *spent))) {
    for (i = 0; i < docs.n; i++) {
      spent[i].doc = docs.v[i];
      spent[i].secs = docs.secs[i];
    }
    qsort(spent, docs.n, sizeof *spent, S_spent_cmp);
  }
  nspent = docs.n;
  kept = nb_book_assemble(book, docs.v, docs.n, &sel, &d->diag);
  docs.n = 0; /* the book owns them now */
  if (kept <= 0) {
    fprintf(stderr, "newsbook: no article matches the selection — nothing "
                    "written; widen --category, --since or --until\n");
    goto cleanup;
  }
  nb_book_set_resources(book, set);
  if (nb_book_doc_count(book) == 1)
    S_apply_metadata(cli, nb_book_doc(book, 0));
  nb_progress_phase(&prog, "images", nb_book_doc_count(book));
  {
    S_resolve_ctx rc;
    size_t n = nb_book_doc_count(book), over = 0;
    rc.book = book;
    rc.set = set;
    rc.d = d;
    rc.prog = &prog;
    rc.article_time = cli->article_time;
    rc.spent = spent;
    rc.nspent = nspent;
    rc.alone = n == 1;
    rc.failed = 0;
    rc.late = nb_calloc(n, 1);
    if (!rc.late) {
      fprintf(stderr, "newsbook: out of memory\n");
      goto cleanup;
    }
    pthread_mutex_init(&rc.lock, NULL);
    nb_pool_for(n, cli->jobs, S_resolve_one, &rc);
    pthread_mutex_destroy(&rc.lock);
    /* Articles over their time are dropped like broken ones, from the
     * last so that the indexes of the others stay put. */
    for (i = n; i-- > 0;)
      if (rc.late[i]) {
        nb_book_remove_doc(book, i);
        over++;
      }
    free(rc.late);
    if (rc.failed)
      goto cleanup;
    failed += over;
    if (nb_book_doc_count(book) == 0) {
      if (n > 1)
        fprintf(stderr, "newsbook: no article was converted in time — "
                        "nothing written; raise --max-article-time\n");
      goto cleanup;
    }
    if (over && cli->strict) {
      fprintf(stderr, "newsbook: note: %s: not written: %zu article%s ran "
                      "out of time and --strict is set — raise "
                      "--max-article-time or drop --strict\n",
              cli->output, over, over == 1 ? "" : "s");
      goto cleanup;
    }
  }
  for (i = 0; i < cli->metadata.n; i++) {
    char *eq = strchr(cli->metadata.v[i], '=');
    *eq = '\0';
    nb_book_set_meta(book, cli->metadata.v[i], eq + 1);
    *eq = '=';
  }
  if (cli->title) {
    nb_book_set_meta(book, "title", cli->title);
  } else if (nb_book_doc_count(book) > 1 && !nb_book_get_meta(book, "title")) {
    char *t = S_default_title(cli);
    if (t)
      nb_book_set_meta(book, "title", t);
    free(t);
  }
  if (cli->author)
    nb_book_set_meta(book, "author", cli->author);
  if (cli->lang)
    nb_book_set_meta(book, "lang", cli->lang);
  if (cli->cover && strcmp(cli->cover, "none") == 0) {
    cli->write.cover_mode = "none";
  } else if (cli->cover) {
    char *data = NULL;
    size_t len = 0;
    const nb_resource *r;
    if (nb_read_file(cli->cover, 64u * 1024 * 1024, &data, &len, &err) != 0) {
      nb_cli_error(d, &err);
      goto cleanup;
    }
    r = nb_resources_add_bytes(set, cli->cover, data, len);
    free(data);
    if (!r || r->status != NB_RES_OK) {
      fprintf(stderr, "newsbook: %s: not a usable cover image (%s) — give a "
                      "JPEG or PNG\n",
              cli->cover, r && r->reason ? r->reason : "unreadable");
      goto cleanup;
    }
    nb_book_set_cover(book, r);
  }
  nb_book_finish(book);
  /* A book of many articles gets a generated cover (title, dates,
   * headlines, lead photo) unless one was given or refused; a single
   * article keeps its lead image, which the writers pick themselves. */
  if (!cli->cover && nb_book_doc_count(book) > 1 &&
      nb_book_generate_cover(book, &err) != 0)
    nb_diag_emit(&d->diag, NB_SEV_WARNING, "image", NULL, 0, NULL,
                 "%s — the book has no generated cover", err.message);
  nb_progress_phase(&prog, "write", 1);

  if (w->write(book, &cli->write, cli->output, &d->diag, &err) != 0) {
    nb_progress_end(&prog);
    nb_cli_error(d, &err);
    goto cleanup;
  }
  status = failed && cli->strict ? 1 : 0;

cleanup:
  nb_progress_end(&prog);
  d->progress = NULL;
  if (set) {
    for (i = 0; i < nb_resources_count(set); i++) {
      const nb_resource *r = nb_resources_at(set, i);
      if (r->status == NB_RES_OK)
        images_ok++;
      else
        images_bad++;
    }
    if (cli->report && S_write_report(cli, d, set) != 0)
      status = 1;
  }
  if (status == 0 && cli->verbosity >= 1) {
    struct stat st;
    char size[32] = "?";
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stat(cli->output, &st) == 0)
      S_human_size(size, sizeof size, (long long)st.st_size);
    fprintf(stderr,
            "newsbook: wrote %s: %zu article%s, %zu image%s embedded, %zu "
            "missing, %zu warning%s, %s, %.2f s\n",
            cli->output, nb_book_doc_count(book),
            nb_book_doc_count(book) == 1 ? "" : "s", images_ok,
            images_ok == 1 ? "" : "s", images_bad, d->warnings,
            d->warnings == 1 ? "" : "s", size,
            (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  for (i = 0; i < docs.n; i++)
    nb_doc_free(docs.v[i]);
  free(docs.v);
  free(docs.secs);
  free(spent);
  nb_book_free(book);
  nb_resources_free(set);
  nb_strvec_free(&paths);
  nb_progress_free(&prog);
  return status;
}
