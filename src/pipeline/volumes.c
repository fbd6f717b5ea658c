/* The write stage of a run: the book in one file, or in volumes when it
 * would be over the run's size budget (the mail cap's, the device's, the
 * job's).
 *
 * Sizes are estimated before writing (nb_volume_doc_size); a written file
 * is then measured, and when it is still over the budget the book is
 * planned again with a smaller estimate budget and written again, so no
 * file the run hands on is over it (unless one article alone is, which is
 * reported). Deliberately not here: sending or recording (deliver.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsbook/device.h"
#include "pipeline/pipeline.h"

/* Tries at planning again when a written file is over the budget. */
#define S_TRIES 6

uint64_t nb_run_book_budget(const nb_run *run) {
  const nb_convert_delivery *dv = run->deliver;
  const nb_device *dev = run->resolve->device;
  uint64_t b = dv ? dv->max_book_bytes : 0;
  if (dv && dv->mail) {
    uint64_t m = nb_volume_budget(dv->mail->max_message_bytes);
    if (!b || m < b)
      b = m;
  }
  if (dev && dev->max_book_bytes && (!b || dev->max_book_bytes < b))
    b = dev->max_book_bytes;
  return b;
}

static long long S_file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* "DIR/STEM-VofN.EXT" for @p output. malloc'd, or NULL. */
static char *S_volume_path(const char *output, size_t v, size_t n) {
  const char *slash = strrchr(output, '/');
  const char *dot = strrchr(output, '.');
  nb_buf b = NB_BUF_INIT;
  if (!dot || (slash && dot < slash))
    dot = output + strlen(output);
  nb_buf_append(&b, output, (size_t)(dot - output));
  nb_buf_printf(&b, "-%zuof%zu%s", v, n, dot);
  return b.failed ? (nb_buf_free(&b), NULL) : nb_buf_detach(&b);
}

/* Write @p book to @p path and note the file. 0 or a negative nb_code. */
static int S_write_one(nb_run *run, nb_book *book, const char *path) {
  int rc =
      run->writer->write(book, run->write, path, &run->diag.diag, run->err);
  if (rc != 0)
    return rc;
  if (!nb_strvec_push(&run->files, path))
    return nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
  return 0;
}

static void S_unlink_files(nb_run *run) {
  size_t i;
  for (i = 0; i < run->files.n; i++)
    unlink(run->files.v[i]);
  nb_strvec_free(&run->files);
}

/* Volume @p v (0-based) of @p nvol as a book of its own, written. */
static int S_write_volume(nb_run *run, size_t v, size_t nvol) {
  const char *title = nb_book_get_meta(run->book, "title");
  const char *id = nb_book_get_meta(run->book, "id");
  char tbuf[1024], ibuf[512];
  nb_book *part;
  char *path;
  nb_error cerr;
  int rc;
  part = nb_book_new_part(run->book, run->volume_of, v);
  path = S_volume_path(run->job.output, v + 1, nvol);
  if (!part || !path) {
    nb_book_free(part);
    free(path);
    return nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
  }
  nb_book_set_meta(part, "title",
                   nb_volume_title(title ? title : "newsbook", (int)v + 1,
                                   (int)nvol, tbuf, sizeof tbuf));
  snprintf(ibuf, sizeof ibuf, "%s-v%zu", id ? id : "newsbook", v + 1);
  nb_book_set_meta(part, "id", ibuf);
  memset(&cerr, 0, sizeof cerr);
  /* each volume stands alone: its own cover, with its own title */
  if (run->generated_cover &&
      nb_book_generate_cover_for(part, run->resolve->device, &cerr) != 0)
    nb_diag_emit(&run->diag.diag, NB_SEV_WARNING, "image", path, 0, NULL,
                 "%s — this volume has the whole book's cover", cerr.message);
  rc = S_write_one(run, part, path);
  nb_book_free(part);
  free(path);
  return rc;
}

/* The book planned into volumes of at most @p est bytes each (estimated),
 * written. 0 or a negative nb_code. */
static int S_write_planned(nb_run *run, const uint64_t *sizes, size_t n,
                           uint64_t overhead, uint64_t est) {
  nb_error perr;
  size_t v;
  int rc;
  memset(&perr, 0, sizeof perr);
  rc = nb_volume_plan(sizes, n, overhead, est, run->volume_of, &run->nvolumes,
                      &perr);
  if (rc == NB_ERR_LIMIT)
    nb_diag_emit(&run->diag.diag, NB_SEV_WARNING, "limit", run->job.output, 0,
                 NULL, "%s — its volume will be over the size budget",
                 perr.message);
  else if (rc != 0) {
    *run->err = perr;
    return rc;
  }
  if (run->nvolumes <= 1)
    return S_write_one(run, run->book, run->job.output);
  for (v = 0; v < run->nvolumes; v++)
    if ((rc = S_write_volume(run, v, run->nvolumes)) != 0)
      return rc;
  return 0;
}

int nb_run_write_volumes(nb_run *run) {
  uint64_t budget = nb_run_book_budget(run), est, overhead = 64 * 1024;
  const nb_resource *cover = nb_book_get_cover(run->book);
  size_t n = nb_book_doc_count(run->book), k, i;
  uint64_t *sizes = NULL;
  int rc = 0, tries;

  if (budget == 0 || n < 2) {
    rc = S_write_one(run, run->book, run->job.output);
    if (rc == 0 && budget && (uint64_t)S_file_size(run->job.output) > budget)
      nb_diag_emit(&run->diag.diag, NB_SEV_WARNING, "limit", run->job.output, 0,
                   NULL,
                   "the book is %lld bytes, over the size budget of %llu, "
                   "and it has one article: it cannot be split",
                   S_file_size(run->job.output), (unsigned long long)budget);
    goto done;
  }
  sizes = calloc(n, sizeof *sizes);
  run->volume_of = calloc(n, sizeof *run->volume_of);
  if (!sizes || !run->volume_of) {
    rc = nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
    goto done;
  }
  for (k = 0; k < n; k++)
    sizes[k] = nb_volume_doc_size(nb_book_doc(run->book, k), run->set);
  if (cover)
    overhead += cover->size;
  est = budget;
  for (tries = 0; tries < S_TRIES; tries++) {
    long long worst = 0;
    if ((rc = S_write_planned(run, sizes, n, overhead, est)) != 0)
      break;
    for (i = 0; i < run->files.n; i++) {
      long long sz = S_file_size(run->files.v[i]);
      if (sz > worst)
        worst = sz;
    }
    if ((uint64_t)worst <= budget || run->nvolumes >= n)
      break;
    /* the estimate was low: scale it by what the largest file took */
    S_unlink_files(run);
    est = (uint64_t)((double)est * (double)budget / (double)worst * 0.95);
  }
  if (rc == 0 && run->nvolumes > 1)
    nb_diag_emit(&run->diag.diag, NB_SEV_NOTE, "limit", run->job.output, 0,
                 NULL, "over %llu bytes: written as %zu volumes",
                 (unsigned long long)budget, run->nvolumes);
done:
  free(sizes);
  if (rc != 0)
    run->res->outcome = NB_CONVERT_FAILED;
  if (run->nvolumes <= 1) {
    free(run->volume_of);
    run->volume_of = NULL;
    run->nvolumes = 0;
  }
  return rc;
}
