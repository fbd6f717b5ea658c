/* Loading images in parallel: one worker per article at a time, each
 * within what is left of the article's time budget. The resource set is
 * thread-safe, and writers walk documents in order, so the output does not
 * depend on which worker came first. */
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline.h"
#include "util/pool.h"

/* Time already spent on each document (reading and parsing), found by
 * address once the book has reordered them. */
typedef struct S_spent {
  const nb_doc *doc;
  double secs;
} S_spent;

struct nb_spent {
  S_spent *v;
  size_t n;
};

static int S_spent_cmp(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)((const S_spent *)a)->doc,
            y = (uintptr_t)((const S_spent *)b)->doc;
  return x < y ? -1 : x > y;
}

nb_spent *nb_spent_new(const nb_docs *docs, long budget) {
  nb_spent *s;
  size_t i;
  if (budget <= 0 || !(s = nb_calloc(1, sizeof *s)))
    return NULL;
  if (!(s->v = nb_calloc(docs->n ? docs->n : 1, sizeof *s->v))) {
    free(s);
    return NULL;
  }
  for (i = 0; i < docs->n; i++) {
    s->v[i].doc = docs->v[i];
    s->v[i].secs = docs->secs[i];
  }
  s->n = docs->n;
  qsort(s->v, s->n, sizeof *s->v, S_spent_cmp);
  return s;
}

void nb_spent_free(nb_spent *spent) {
  if (spent)
    free(spent->v);
  free(spent);
}

static double S_spent_on(const nb_spent *s, const nb_doc *doc) {
  S_spent key, *hit;
  if (!s)
    return 0;
  key.doc = doc;
  hit = bsearch(&key, s->v, s->n, sizeof *s->v, S_spent_cmp);
  return hit ? hit->secs : 0;
}

typedef struct S_ctx {
  nb_run *run;
  const nb_spent *spent;
  int alone;  /* the only article: running out of time writes nothing */
  char *late; /* per document: over its time budget */
  pthread_mutex_t lock;
  int failed; /* a system failure; the first one's error is in run->err */
} S_ctx;

static void S_load_one(void *ctx, size_t i) {
  S_ctx *c = ctx;
  nb_run *run = c->run;
  nb_doc *doc = nb_book_doc(run->book, i);
  long budget = run->job.max_article_time;
  nb_error err;
  int r;
  memset(&err, 0, sizeof err);
  if (budget > 0) {
    double left = (double)budget - S_spent_on(c->spent, doc);
    r = nb_resources_resolve_doc_within(run->set, doc, left > 0 ? left : -1,
                                        &err);
  } else {
    r = nb_resources_resolve_doc(run->set, doc, &err);
  }
  if (r == NB_ERR_LIMIT) {
    nb_run_over_time(run, nb_doc_origin(doc), c->alone);
    c->late[i] = 1;
  } else if (r < 0) {
    nb_run_diag_error(&run->diag, "input", &err);
    pthread_mutex_lock(&c->lock);
    if (!c->failed && run->err)
      *run->err = err;
    run->res->error_reported = 1;
    c->failed = 1;
    pthread_mutex_unlock(&c->lock);
  }
  nb_run_step(run, 1);
}

int nb_run_images(nb_run *run, const nb_spent *spent, size_t *over) {
  S_ctx c;
  size_t i, n = nb_book_doc_count(run->book);

  *over = 0;
  memset(&c, 0, sizeof c);
  c.run = run;
  c.spent = spent;
  c.alone = n == 1;
  if (!(c.late = nb_calloc(n ? n : 1, 1)))
    return nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
  pthread_mutex_init(&c.lock, NULL);
  nb_pool_for(n, run->job.jobs, S_load_one, &c);
  pthread_mutex_destroy(&c.lock);
  /* Articles over their time are dropped like broken ones, from the last
   * so that the indexes of the others stay put. */
  for (i = n; i-- > 0;)
    if (c.late[i]) {
      nb_book_remove_doc(run->book, i);
      (*over)++;
    }
  free(c.late);
  return c.failed ? NB_ERR_SYSTEM : 0;
}
