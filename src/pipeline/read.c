/* Reading in parallel: each input is opened, looked at, read and parsed by
 * whichever worker takes it; results land in the input's own slot, so the
 * book's order never depends on timing. A URL input is fetched instead of
 * opened (nb_acquire_url: the cache and conditional GET, then a feed's
 * items with their full text, or a page's article).
 *
 * When a selection is active, the front matter alone (the first 16 KiB)
 * decides whether the rest of a file is wanted: most articles of an archive
 * are ruled out here, before any parser sees their bodies. The time an
 * article may take starts with its reading: one over its budget once
 * parsed is dropped here, and what it spent is what its images may no
 * longer take. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/pipeline.h"
#include "util/pool.h"

int nb_docs_push(nb_docs *d, nb_doc *doc, double secs) {
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

void nb_docs_free(nb_docs *d) {
  size_t i;
  for (i = 0; i < d->n; i++)
    nb_doc_free(d->v[i]);
  free(d->v);
  free(d->secs);
  memset(d, 0, sizeof *d);
}

static double S_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ## The front-matter look-ahead */

/* The YAML between a leading "---" line and the next "---" line. */
static int S_front_matter(const char *s, size_t len, const char **yaml,
                          size_t *ylen) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
      (unsigned char)s[2] == 0xBF)
    i = 3;
  while (i < len &&
         (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
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

/* 1 when @p want (one component of the category) cannot be among the
 * categories of front matter @p yaml: its bytes occur nowhere in it. Only
 * claimed when the text is taken literally by the reader: no YAML escape
 * (a backslash) could spell it otherwise, and no white space in the
 * component could have been folded across lines. */
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

/* ## One input */

typedef struct S_slot {
  nb_docs docs;
  int failed;
  int is_output;     /* this input is the output file: nothing may be written */
  int late;          /* over its time budget (already reported) */
  size_t unselected; /* ruled out by their front matter or feed fields:
                        the input, or that many of a feed's items */
} S_slot;

typedef struct S_pool {
  nb_run *run;
  S_slot *slots;
} S_pool;

/* How much of an archive's file is read before its front matter decides
 * whether the rest is wanted: front matter is a few hundred bytes. */
#define S_HEAD_BYTES 16384

static int S_feed_item(void *ud, nb_doc *doc) {
  nb_docs *d = ud;
  if (!nb_docs_push(d, doc, 0)) {
    nb_doc_free(doc);
    return 1;
  }
  return 0;
}

/* Same file by device and inode, so that ./a.md and a.md match too. */
static int S_is_output(const char *path, const struct stat *out) {
  struct stat st;
  return strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
         st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

static void S_failed(S_pool *pool, S_slot *slot, const nb_error *err) {
  nb_run_diag_error(&pool->run->diag, "input", err);
  slot->failed = 1;
}

static void S_no_items(S_pool *pool, S_slot *slot, const char *p) {
  nb_error err;
  nb_error_set(&err, NB_ERR_FORMAT, p, 0,
               "the feed has no items — nothing to convert from it");
  S_failed(pool, slot, &err);
}

/* 1 when the document of input @p p, @p secs after its start, is still in
 * its time budget; else it is reported, and the slot marked late. */
static int S_in_time(S_pool *pool, S_slot *slot, const char *p, double secs) {
  nb_run *run = pool->run;
  if (run->job.max_article_time <= 0 ||
      secs < (double)run->job.max_article_time)
    return 1;
  nb_run_over_time(run, p, run->paths.n == 1);
  slot->failed = 1;
  slot->late = 1;
  return 0;
}

/* Under a selection, the feed items of @p slot it rules out are dropped
 * (counted as unselected) before their full text is fetched: a daily book
 * from a feed of fifty items fetches the pages of the day's items only.
 * An item keeps its feed's date, categories and title whatever its page
 * says, so the selection's answer is the same before and after. */
static void S_select_items(nb_run *run, S_slot *slot) {
  size_t i, kept = 0;
  if (!run->prefilter)
    return;
  for (i = 0; i < slot->docs.n; i++) {
    if (nb_select_match(slot->docs.v[i], run->sel)) {
      slot->docs.v[kept] = slot->docs.v[i];
      slot->docs.secs[kept++] = slot->docs.secs[i];
    } else {
      nb_doc_free(slot->docs.v[i]);
      slot->unselected++;
    }
  }
  slot->docs.n = kept;
}

/* The full text of the items of @p slot, from feed @p p; a failure that
 * concerns them all is a warning, the items keeping the feed's text. */
static void S_full_text(nb_run *run, S_slot *slot, const char *p) {
  nb_error err;
  memset(&err, 0, sizeof err);
  if (slot->docs.n > 0 &&
      nb_acquire_full_text(slot->docs.v, slot->docs.n, &run->acquire,
                           &run->diag.diag, &err) < 0)
    nb_diag_emit(&run->diag.diag, NB_SEV_WARNING, "fetch", p, 0, NULL,
                 "%s — the items keep the feed's text", err.message);
}

/* A feed's items, each a document of the slot; full text from the items'
 * pages only when the job asks it of feed files (never on its own: a
 * folder of files does not start fetching). */
static void S_read_feed(S_pool *pool, S_slot *slot, const char *p,
                        const char *data, size_t len) {
  nb_run *run = pool->run;
  nb_error err;
  int items;
  memset(&err, 0, sizeof err);
  items = nb_read_feed(p, data, len, run->read, &run->diag.diag, S_feed_item,
                       &slot->docs, &err);
  if (items < 0) {
    S_failed(pool, slot, &err);
  } else if (items == 0) {
    S_no_items(pool, slot, p);
  } else if (run->job.full_text_files) {
    S_select_items(run, slot);
    S_full_text(run, slot, p);
  }
}

/* A URL input: fetched, and what came back read. A feed's items take no
 * time of their own here (each full-text page had max_article_time to
 * arrive); a page is one article, and its fetching and reading count
 * against its budget as a file's reading does. */
static void S_read_url(S_pool *pool, S_slot *slot, const char *url,
                       const struct timespec *t0) {
  nb_run *run = pool->run;
  nb_acquire_options a = run->acquire;
  nb_error err;
  int n;
  memset(&err, 0, sizeof err);
  /* under a selection, full text waits until it has ruled items out */
  if (run->prefilter)
    a.full_text = NB_FULL_TEXT_NEVER;
  n = nb_acquire_url(url, &a, &run->diag.diag, S_feed_item, &slot->docs, &err);
  if (n < 0) {
    S_failed(pool, slot, &err);
  } else if (n == 0 || slot->docs.n == 0) {
    S_no_items(pool, slot, url);
  } else if (nb_doc_get_meta(slot->docs.v[0], "feed")) {
    if (run->prefilter) {
      S_select_items(run, slot);
      S_full_text(run, slot, url);
    }
  } else if (slot->docs.n == 1) {
    double secs = S_since(t0);
    if (S_in_time(pool, slot, url, secs)) {
      slot->docs.secs[0] = secs;
    } else {
      nb_doc_free(slot->docs.v[0]);
      slot->docs.n = 0;
    }
  }
}

/* The bytes of input @p p, or NULL (the slot says why: failed, the output,
 * or ruled out by its front matter). */
static char *S_load(S_pool *pool, S_slot *slot, const char *p, size_t *len,
                    int *seen) {
  nb_run *run = pool->run;
  nb_error err;
  nb_infile f;
  char *data;
  memset(&err, 0, sizeof err);
  if (nb_infile_open(&f, p,
                     run->read->max_input_bytes ? run->read->max_input_bytes
                                                : 64u * 1024 * 1024,
                     &err) != 0) {
    /* an input that cannot be read may still be the output's path */
    if (run->have_out && S_is_output(p, &run->out_st))
      slot->is_output = 1;
    else
      nb_run_diag_error(&run->diag, "input", &err);
    slot->failed = 1;
    return NULL;
  }
  /* Every input is opened anyway: its identity is compared here rather
   * than with a stat of its own (ten thousand of them in an archive). */
  if (run->have_out && f.dev == (uint64_t)run->out_st.st_dev &&
      f.ino == (uint64_t)run->out_st.st_ino && strcmp(p, "-") != 0) {
    nb_infile_close(&f);
    slot->is_output = 1;
    slot->failed = 1;
    return NULL;
  }
  if (run->prefilter && strcmp(p, "-") != 0) {
    if (nb_infile_read(&f, S_HEAD_BYTES, &err) != 0)
      goto read_failed;
    if (!S_may_match(p, f.data, f.len, run->sel, seen)) {
      nb_infile_close(&f);
      slot->unselected = 1;
      return NULL;
    }
  }
  if (nb_infile_read(&f, SIZE_MAX, &err) != 0)
    goto read_failed;
  data = nb_infile_detach(&f, len);
  nb_infile_close(&f);
  return data;
read_failed:
  nb_infile_close(&f);
  S_failed(pool, slot, &err);
  return NULL;
}

static void S_read_input(S_pool *pool, size_t i) {
  nb_run *run = pool->run;
  const char *p = run->paths.v[i];
  S_slot *slot = &pool->slots[i];
  char *data;
  size_t len = 0;
  nb_error err;
  nb_doc *doc;
  int seen = 0;
  double secs;
  struct timespec t0;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&err, 0, sizeof err);
  if (nb_acquire_is_url(p)) {
    S_read_url(pool, slot, p, &t0);
    return;
  }
  if (!(data = S_load(pool, slot, p, &len, &seen)))
    return;
  if (strcmp(p, "-") == 0) /* waiting for a pipe is not the article's time */
    clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!seen && nb_is_feed(data, len)) {
    S_read_feed(pool, slot, p, data, len);
    free(data);
    return;
  }
  if (run->prefilter && !seen && !S_may_match(p, data, len, run->sel, &seen)) {
    free(data);
    slot->unselected = 1;
    return;
  }
  doc = nb_read_article(strcmp(p, "-") == 0 ? "stdin" : p, data, len, run->read,
                        &run->diag.diag, &err);
  free(data);
  if (!doc) {
    S_failed(pool, slot, &err);
    return;
  }
  /* the first safe point of the article's time budget: reading and
   * parsing are done, images not started */
  secs = S_since(&t0);
  if (!S_in_time(pool, slot, p, secs)) {
    nb_doc_free(doc);
    return;
  }
  if (!nb_docs_push(&slot->docs, doc, secs)) {
    nb_doc_free(doc);
    slot->failed = 1;
  }
}

static void S_read_one(void *ctx, size_t i) {
  S_pool *pool = ctx;
  S_read_input(pool, i);
  nb_run_step(pool->run, 1);
}

int nb_run_read(nb_run *run) {
  S_pool pool;
  size_t i, j, n = run->paths.n;
  int clash = 0;
  nb_convert_result *res = run->res;

  pool.run = run;
  pool.slots = nb_calloc(n ? n : 1, sizeof *pool.slots);
  if (!pool.slots) {
    run->failed = n;
    res->failed = n;
    return 0;
  }
  nb_pool_for(n, run->job.jobs, S_read_one, &pool);
  for (i = 0; i < n; i++) {
    S_slot *slot = &pool.slots[i];
    run->failed += slot->failed != 0;
    res->failed += slot->failed && !slot->late && !slot->is_output;
    res->over_time += slot->late != 0;
    res->unselected += slot->unselected;
    clash |= slot->is_output;
    for (j = 0; j < slot->docs.n; j++) {
      res->read++;
      if (!nb_docs_push(&run->docs, slot->docs.v[j], slot->docs.secs[j])) {
        nb_doc_free(slot->docs.v[j]);
        run->failed++;
        res->failed++;
      }
    }
    free(slot->docs.v);
    free(slot->docs.secs);
  }
  res->read += res->over_time; /* read, then over their time */
  free(pool.slots);
  return clash;
}
