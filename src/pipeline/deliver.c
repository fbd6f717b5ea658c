/* The daily loop around the book (docs/DELIVERY.md): what an earlier book
 * carried left out before assembly; after the book is written, each file
 * mailed, put on the OPDS shelf, and only then the book recorded in the
 * state, in one transaction. A step runs only when the ones before it
 * succeeded, so a run that fails (or is killed) records nothing and the
 * next run carries the same articles again.
 *
 * Deliberately not here: opening the state or checking the mail options
 * (the caller's, before the work), writing the book (volumes.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/pipeline.h"

/* ## Leaving out what was delivered */

static const char *S_key_name(nb_state_key k) {
  return k == NB_STATE_BY_GUID  ? "feed id"
         : k == NB_STATE_BY_URL ? "URL"
                                : "text";
}

int nb_run_keep_new(nb_run *run) {
  const nb_convert_delivery *dv = run->deliver;
  nb_docs *d = &run->docs;
  size_t i, kept = 0;
  int rc = 0;
  if (!dv || !dv->only_new || !dv->state)
    return 0;
  for (i = 0; i < d->n; i++) {
    nb_state_article a;
    nb_state_entry found;
    char hash[NB_STATE_HASH_SIZE];
    const char *t;
    if (rc == 0) {
      nb_state_article_from_doc(d->v[i], &a, hash);
      rc = nb_state_find(dv->state, &a, &found, run->err);
    }
    if (rc == 0) {
      d->v[kept] = d->v[i];
      d->secs[kept++] = d->secs[i];
      continue;
    }
    if (rc == 1) {
      t = nb_doc_get_meta(d->v[i], "title");
      nb_diag_emit(&run->diag.diag, NB_SEV_NOTE, "state", found.book_path, 0,
                   NULL, "\"%.200s\": delivered before (same %s) — left out",
                   t ? t : "(untitled)", S_key_name(found.matched));
      run->res->delivered_before++;
      rc = 0;
    }
    nb_doc_free(d->v[i]); /* delivered before, or the state failed */
  }
  d->n = kept; /* the kept ones are still the list's to free */
  if (rc < 0) {
    run->res->outcome = NB_CONVERT_FAILED;
    return rc;
  }
  if (kept == 0) {
    run->res->outcome = NB_CONVERT_NOTHING_NEW;
    return nb_error_set(run->err, NB_ERR_LIMIT, "", 0,
                        "nothing new: every article read (%zu) went into an "
                        "earlier book — no book made",
                        run->res->delivered_before);
  }
  return 0;
}

/* ## After the book is written */

/* The book's date as "YYYY-MM-DD" into @p out (empty when unknown). */
static const char *S_day(const nb_run *run, char out[16]) {
  const char *d = nb_book_get_meta(run->book, "date");
  out[0] = '\0';
  if (d && strlen(d) >= 10) {
    memcpy(out, d, 10);
    out[10] = '\0';
  }
  return out;
}

static const char *S_ext(const char *path) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  return dot && (!slash || dot > slash) ? dot + 1 : "epub";
}

/* Fail the delivery: the outcome, and @p why with what it means. */
static int S_undelivered(nb_run *run, const nb_error *why, const char *what) {
  nb_error e = *why;
  run->res->outcome = NB_CONVERT_NOT_DELIVERED;
  return nb_error_set(run->err, e.code ? e.code : NB_ERR_SYSTEM,
                      e.file[0] ? e.file : "", e.line,
                      "%s: %s — the book stays on disk; nothing was "
                      "recorded, so the next run carries these articles "
                      "again",
                      what, e.message);
}

static int S_mail(nb_run *run) {
  const nb_mail_options *mo = run->deliver->mail;
  const char *title = nb_book_get_meta(run->book, "title");
  char day[16];
  nb_buf to = NB_BUF_INIT;
  nb_error err;
  size_t i, n = run->files.n;
  for (i = 0; i < mo->nto; i++)
    nb_buf_printf(&to, "%s%s", i ? ", " : "", mo->to[i]);
  if (to.failed)
    return nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
  run->sent_to = nb_buf_detach(&to);
  S_day(run, day);
  nb_run_phase(run, "mail", n);
  for (i = 0; i < n; i++) {
    nb_mail_book mb;
    memset(&mb, 0, sizeof mb);
    mb.path = run->files.v[i];
    mb.title = title ? title : "newsbook";
    mb.date = day[0] ? day : NULL;
    if (n > 1) {
      mb.volume = (int)i + 1;
      mb.volumes = (int)n;
    }
    memset(&err, 0, sizeof err);
    if (nb_mail_send(mo, &mb, &run->diag.diag, &err) != 0)
      return S_undelivered(run, &err, "not sent");
    nb_run_step(run, 1);
  }
  return 0;
}

/* Copy @p src to @p dest through a temporary renamed into place. */
static int S_copy(const char *src, const char *dest, nb_error *err) {
  nb_atomic a;
  char buf[65536];
  size_t got;
  FILE *in = fopen(src, "rb");
  int rc;
  if (!in)
    return nb_error_set(err, NB_ERR_SYSTEM, src, 0, "cannot read: %s",
                        strerror(errno));
  if ((rc = nb_atomic_open(&a, dest, err)) != 0) {
    fclose(in);
    return rc;
  }
  while ((got = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, got, a.fp) != got)
      break;
  if (ferror(in) || ferror(a.fp)) {
    fclose(in);
    nb_atomic_abort(&a);
    return nb_error_set(err, NB_ERR_SYSTEM, dest, 0, "cannot copy the book");
  }
  fclose(in);
  return nb_atomic_commit(&a, err);
}

/* Put @p file on the shelf @p dir: where it is when it is in @p dir
 * already, else linked (or copied) in as @p name, replacing an older file
 * of that name atomically. The shelf's path, malloc'd, or NULL. */
static char *S_shelve(const char *dir, const char *file, const char *name,
                      nb_error *err) {
  char rdir[PATH_MAX], rfile[PATH_MAX], *slash;
  nb_buf dest = NB_BUF_INIT, tmp = NB_BUF_INIT;
  if (realpath(dir, rdir) && realpath(file, rfile) &&
      (slash = strrchr(rfile, '/')) != NULL) {
    *slash = '\0';
    if (strcmp(rdir, rfile[0] ? rfile : "/") == 0)
      return nb_strdup(file);
  }
  nb_buf_printf(&dest, "%s/%s", dir, name);
  nb_buf_printf(&tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
  if (dest.failed || tmp.failed) {
    nb_buf_free(&dest);
    nb_buf_free(&tmp);
    nb_error_set(err, NB_ERR_SYSTEM, "", 0, "out of memory");
    return NULL;
  }
  unlink(tmp.data);
  if (link(file, tmp.data) == 0) {
    int renamed = rename(tmp.data, dest.data) == 0, e = errno;
    /* already the same file under both names: rename did nothing */
    unlink(tmp.data);
    if (!renamed) {
      nb_error_set(err, NB_ERR_SYSTEM, dest.data, 0, "cannot shelve: %s",
                   strerror(e));
      nb_buf_free(&dest);
      nb_buf_free(&tmp);
      return NULL;
    }
  } else if (S_copy(file, dest.data, err) != 0) {
    nb_buf_free(&dest);
    nb_buf_free(&tmp);
    return NULL;
  }
  nb_buf_free(&tmp);
  return nb_buf_detach(&dest);
}

static int S_shelf(nb_run *run) {
  const nb_convert_delivery *dv = run->deliver;
  const char *title = nb_book_get_meta(run->book, "title");
  char day[16], name[256];
  nb_error err;
  size_t i, n = run->files.n;
  memset(&err, 0, sizeof err);
  if (mkdir(dv->opds_dir, 0755) != 0 && errno != EEXIST) {
    nb_error_set(&err, NB_ERR_SYSTEM, dv->opds_dir, 0,
                 "cannot make the shelf directory: %s", strerror(errno));
    return S_undelivered(run, &err, "not shelved");
  }
  S_day(run, day);
  for (i = 0; i < n; i++) {
    char *at;
    if (!nb_mail_attachment_name(title ? title : "newsbook",
                                 day[0] ? day : NULL, n > 1 ? (int)i + 1 : 0,
                                 n > 1 ? (int)n : 0, S_ext(run->files.v[i]),
                                 name, sizeof name))
      snprintf(name, sizeof name, "newsbook-%zu.%s", i + 1,
               S_ext(run->files.v[i]));
    if (!(at = S_shelve(dv->opds_dir, run->files.v[i], name, &err)))
      return S_undelivered(run, &err, "not shelved");
    if (!nb_strvec_push(&run->shelved, at)) {
      free(at);
      return nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
    }
    free(at);
  }
  if (nb_opds_update(dv->opds_dir, dv->opds, &run->diag.diag, &err) != 0)
    return S_undelivered(run, &err, "the shelf's catalog was not updated");
  return 0;
}

/* Every file's book and articles, recorded in one transaction. */
static int S_record(nb_run *run) {
  size_t n = nb_book_doc_count(run->book), nb = run->files.n, k, b;
  nb_state_book *books = calloc(nb, sizeof *books);
  nb_state_article *arts = calloc(n ? n : 1, sizeof *arts);
  const nb_state_article **per = calloc(nb, sizeof *per);
  size_t *counts = calloc(nb, sizeof *counts);
  char(*hashes)[NB_STATE_HASH_SIZE] = calloc(n ? n : 1, sizeof *hashes);
  char(*titles)[1024] = calloc(nb, sizeof *titles);
  char(*ids)[512] = calloc(nb, sizeof *ids);
  const char *title = nb_book_get_meta(run->book, "title");
  const char *id = nb_book_get_meta(run->book, "id");
  nb_error err;
  size_t at = 0;
  int rc = 0;
  if (!books || !arts || !per || !counts || !hashes || !titles || !ids) {
    rc = nb_error_set(run->err, NB_ERR_SYSTEM, "", 0, "out of memory");
    goto cleanup;
  }
  /* the articles in volume order: the documents of volume b, in reading
   * order, one run of arts each */
  for (b = 0; b < nb; b++) {
    per[b] = arts + at;
    for (k = 0; k < n; k++) {
      if (run->volume_of && run->volume_of[k] != b)
        continue;
      nb_state_article_from_doc(nb_book_doc(run->book, k), &arts[at],
                                hashes[at]);
      at++;
      counts[b]++;
    }
    nb_volume_title(title ? title : "", (int)b + 1, (int)nb, titles[b],
                    sizeof titles[b]);
    if (nb > 1)
      snprintf(ids[b], sizeof ids[b], "%s-v%zu", id ? id : "", b + 1);
    else
      snprintf(ids[b], sizeof ids[b], "%s", id ? id : "");
    books[b].id = ids[b];
    books[b].path = run->files.v[b];
    books[b].title = titles[b];
    books[b].sent_to = run->sent_to;
  }
  memset(&err, 0, sizeof err);
  if ((rc = nb_state_record_books(run->deliver->state, books, per, counts, nb,
                                  &err)) != 0)
    rc = S_undelivered(run, &err, "not recorded in the state");
  else
    run->recorded = 1;
cleanup:
  free(books);
  free(arts);
  free(per);
  free(counts);
  free(hashes);
  free(titles);
  free(ids);
  return rc;
}

int nb_run_deliver(nb_run *run) {
  const nb_convert_delivery *dv = run->deliver;
  int rc;
  if (!dv || run->files.n == 0)
    return 0;
  if (dv->mail && (rc = S_mail(run)) != 0)
    return rc;
  if (dv->opds_dir && (rc = S_shelf(run)) != 0)
    return rc;
  if (dv->state && !dv->no_record && (rc = S_record(run)) != 0)
    return rc;
  return 0;
}

/* ## The result */

void nb_run_deliver_result(nb_run *run) {
  nb_convert_result *res = run->res;
  size_t i, n = run->files.n;
  long long sum = 0;
  if (n == 0)
    return;
  res->file_bytes = calloc(n, sizeof *res->file_bytes);
  if (!res->file_bytes)
    return;
  for (i = 0; i < n; i++) {
    struct stat st;
    res->file_bytes[i] = stat(run->files.v[i], &st) == 0 ? st.st_size : 0;
    sum += res->file_bytes[i];
  }
  res->nfiles = n;
  res->files = run->files.v; /* the result owns them now */
  memset(&run->files, 0, sizeof run->files);
  res->output = res->files[0];
  res->output_bytes = sum;
  if (run->shelved.n == n) {
    res->shelved = run->shelved.v;
    memset(&run->shelved, 0, sizeof run->shelved);
  }
  res->sent_to = run->sent_to;
  run->sent_to = NULL;
  res->recorded = run->recorded;
}

void nb_run_deliver_free(nb_run *run) {
  nb_strvec_free(&run->files);
  nb_strvec_free(&run->shelved);
  free(run->volume_of);
  free(run->sent_to);
  run->volume_of = NULL;
  run->sent_to = NULL;
}

void nb__convert_result_free_delivery(nb_convert_result *r) {
  size_t i;
  for (i = 0; i < r->nfiles; i++) {
    free(r->files[i]);
    if (r->shelved)
      free(r->shelved[i]);
  }
  free(r->files);
  free(r->shelved);
  free(r->file_bytes);
  free(r->sent_to);
  r->files = r->shelved = NULL;
  r->file_bytes = NULL;
  r->sent_to = NULL;
  r->nfiles = 0;
}
