/* nb_convert_run: a job's stages in order — check, collect the inputs,
 * read, let the caller keep or leave out each article, assemble the book,
 * load images, set metadata and cover, write, report — and the result.
 *
 * Each stage either hands the next what it needs or ends the run with an
 * outcome and a one-line error; per-input problems are diagnostics, never
 * printed here (the library never prints). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "newsbook/device.h"
#include "pipeline/pipeline.h"

/* ## The job */

static int S_bad_version(int v, int current) {
  return v < 1 || v > current;
}

/* The writer the job asks for: its format, else the output's extension. */
static const nb_writer *S_writer(const nb_convert_job *job) {
  const char *fmt = job->format, *dot;
  const nb_writer *w;
  if (!fmt) {
    dot = job->output ? strrchr(job->output, '.') : NULL;
    if (dot && strcasecmp(dot, ".epub") == 0)
      fmt = "epub";
    else if (dot && strcasecmp(dot, ".pdf") == 0)
      fmt = "pdf";
    else if (dot && strcasecmp(dot, ".json") == 0)
      fmt = "json";
  }
  for (w = nb_writers(); fmt && w->name; w++)
    if (strcmp(w->name, fmt) == 0)
      return w;
  return NULL;
}

int nb_convert_check(const nb_convert_job *job, nb_error *err) {
  if (!job || S_bad_version(job->abi_version, NB_CONVERT_ABI_VERSION))
    return nb_error_set(err, NB_ERR_ARGUMENT, "", 0,
                        "the job's abi_version (%d) is not one this library "
                        "knows (1 to %d) — build against its headers",
                        job ? job->abi_version : 0, NB_CONVERT_ABI_VERSION);
  if ((job->progress &&
       S_bad_version(job->progress->abi_version, NB_PROGRESS_ABI_VERSION)) ||
      (job->hooks &&
       S_bad_version(job->hooks->abi_version, NB_CONVERT_HOOKS_ABI_VERSION)))
    return nb_error_set(err, NB_ERR_ARGUMENT, "", 0,
                        "the job's progress or hooks have an abi_version "
                        "this library does not know — build against its "
                        "headers");
  if (!job->inputs || job->input_count == 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, "", 0,
                        "no input given — name an article, a directory, a URL "
                        "or -");
  if (!job->output || !*job->output)
    return nb_error_set(err, NB_ERR_ARGUMENT, "", 0,
                        "no output given — name a .epub, .pdf or .json file");
  if (!S_writer(job))
    return nb_error_set(err, NB_ERR_ARGUMENT, job->output, 0,
                        "cannot tell the output format — name the output "
                        ".epub, .pdf or .json, or give --to epub|pdf|json");
  return 0;
}

const char *nb_convert_find_style(const char *name, char *buf, size_t size) {
  const char *env = getenv("NEWSBOOK_DATADIR");
  const char *dirs[3];
  size_t i;
  struct stat st;
  if (!name)
    return NULL;
  if (strchr(name, '/') ||
      (strlen(name) > 4 && strcasecmp(name + strlen(name) - 4, ".css") == 0))
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

/* How much of an nb_convert_job a caller of version @p v has: version 1
 * ends before the fields of version 2 (acquire). */
static size_t S_job_size(int v) {
  return v >= 2 ? sizeof(nb_convert_job) : offsetof(nb_convert_job, acquire);
}

/* URL inputs and full text: the caller's acquisition options, their
 * fields left zero taking the job's own. */
static void S_setup_acquire(nb_run *run) {
  const nb_convert_job *job = &run->job;
  nb_acquire_options *a = &run->acquire;
  memset(a, 0, sizeof *a);
  if (job->acquire)
    *a = *job->acquire; /* version 1 is the whole struct */
  a->abi_version = NB_ACQUIRE_ABI_VERSION;
  if (!a->net)
    a->net = run->resolve;
  if (!a->read)
    a->read = run->read;
  if (a->max_article_time <= 0)
    a->max_article_time = (double)job->max_article_time;
  if (a->jobs <= 0)
    a->jobs = job->jobs;
}

/* Copy the caller's job and point every option at the caller's or at a
 * default. Version 1 is the whole struct; a later version copies the
 * prefix an older caller's abi_version has and leaves the rest zero. */
static void S_setup(nb_run *run, const nb_convert_job *job,
                    nb_convert_result *res, nb_error *err) {
  memset(run, 0, sizeof *run);
  /* A version 1 job ends before acquire: copy only what the caller has. */
  memcpy(&run->job, job, S_job_size(job->abi_version));
  run->res = res;
  run->err = err;
  run->defaults.sel.abi_version = NB_SELECT_ABI_VERSION;
  run->defaults.read.abi_version = NB_READ_ABI_VERSION;
  run->defaults.resolve.abi_version = NB_RESOLVE_ABI_VERSION;
  run->defaults.write.abi_version = NB_WRITE_ABI_VERSION;
  run->sel = job->select ? job->select : &run->defaults.sel;
  run->read = job->read ? job->read : &run->defaults.read;
  run->resolve = job->resolve ? job->resolve : &run->defaults.resolve;
  run->write = job->write ? job->write : &run->defaults.write;
  run->writer = S_writer(job);
  /* JSON carries no images: none is loaded, fetched or made into a cover */
  run->no_images = strcmp(run->writer->name, "json") == 0;
  S_setup_acquire(run);
  run->deliver = run->job.deliver;
  /* A selection that looks at front matter may rule articles out before
   * their bodies are read. */
  run->prefilter =
      run->sel->category || run->sel->since.valid || run->sel->until.valid;
  nb_run_diag_init(&run->diag, job->diag, job->report != NULL);
}

/* ## Reporting to the caller */

void nb_run_phase(nb_run *run, const char *phase, size_t total) {
  const nb_progress *p = run->job.progress;
  if (p && p->phase)
    p->phase(p->userdata, phase, total);
}

void nb_run_step(nb_run *run, size_t n) {
  const nb_progress *p = run->job.progress;
  if (p && p->step)
    p->step(p->userdata, n);
}

void nb_run_over_time(nb_run *run, const char *path, int alone) {
  nb_error err;
  nb_error_set(&err, NB_ERR_LIMIT, path, 0,
               "took longer than %ld s (--max-article-time) — %s",
               run->job.max_article_time,
               alone ? "nothing written; raise --max-article-time (0: no "
                       "limit) or check the image servers it uses"
                     : "skipped; raise --max-article-time (0: no limit) or "
                       "check the image servers it uses");
  nb_run_diag_error(&run->diag, "time", &err);
}

/* End the run with @p outcome and a one-line error. Returns @p code. */
static int S_fail(nb_run *run, nb_convert_outcome outcome, nb_code code,
                  const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int S_fail(nb_run *run, nb_convert_outcome outcome, nb_code code,
                  const char *file, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  run->res->outcome = outcome;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return nb_error_set(run->err, code, file, 0, "%s", msg);
}

#define S_OOM(run)                                                             \
  S_fail(run, NB_CONVERT_FAILED, NB_ERR_SYSTEM, "", "out of memory")

/* ## Stages up to the book */

/* The output's state, and the inputs expanded into files. */
static int S_collect(nb_run *run) {
  const nb_convert_job *job = &run->job;
  nb_error err;
  memset(&err, 0, sizeof err);
  run->have_out = stat(job->output, &run->out_st) == 0;
  if (run->have_out && S_ISDIR(run->out_st.st_mode))
    return S_fail(run, NB_CONVERT_REFUSED, NB_ERR_ARGUMENT, job->output,
                  "is a directory — give a file name such as %s/book.%s",
                  job->output, run->writer->name);
  if (nb_collect_inputs(job->inputs, job->input_count, &run->paths, &err) !=
      0) {
    run->res->outcome = NB_CONVERT_REFUSED;
    if (run->err)
      *run->err = err;
    return err.code ? err.code : NB_ERR_SYSTEM;
  }
  run->res->inputs = run->paths.n;
  return 0;
}

/* Every input read; refusals and failures that leave nothing to write. */
static int S_read(nb_run *run) {
  const nb_convert_job *job = &run->job;
  nb_convert_result *res = run->res;
  int clash;
  nb_run_phase(run, "parse", run->paths.n);
  clash = nb_run_read(run);
  if (clash)
    return S_fail(run, NB_CONVERT_REFUSED, NB_ERR_ARGUMENT, job->output,
                  "the output is also an input — choose another output "
                  "path (the input was not touched)");
  if (run->docs.n == 0) {
    /* each input that failed said why already */
    res->error_reported = run->diag.errors > 0;
    if (res->over_time > 0 && res->failed == 0)
      return S_fail(run, NB_CONVERT_NOTHING_IN_TIME, NB_ERR_LIMIT, "",
                    "no article was converted in time — nothing written; "
                    "raise --max-article-time");
    /* everything read was ruled out unread (front matter, feed fields) */
    if (res->unselected > 0 && res->failed == 0 && res->over_time == 0)
      return S_fail(run, NB_CONVERT_NOTHING_SELECTED, NB_ERR_LIMIT, "",
                    "no article matches the selection — nothing written; "
                    "widen --category, --since or --until");
    return S_fail(run, NB_CONVERT_NOTHING_READ, NB_ERR_FORMAT, "",
                  "no article could be read — nothing written; check the "
                  "inputs");
  }
  if (run->failed && job->strict)
    return S_fail(run, NB_CONVERT_STRICT, NB_ERR_LIMIT, job->output,
                  "not written: %zu input%s failed and --strict is set — "
                  "fix them or drop --strict",
                  run->failed, run->failed == 1 ? "" : "s");
  return 0;
}

/* The caller's keep hook, on each article in input order. */
static int S_keep(nb_run *run) {
  const nb_convert_hooks *h = run->job.hooks;
  nb_docs *d = &run->docs;
  size_t i, kept = 0;
  if (!h || !h->keep)
    return 0;
  for (i = 0; i < d->n; i++) {
    if (h->keep(h->userdata, d->v[i])) {
      d->v[kept] = d->v[i];
      d->secs[kept++] = d->secs[i];
    } else {
      nb_doc_free(d->v[i]);
      run->res->left_out++;
    }
  }
  d->n = kept;
  if (kept == 0)
    return S_fail(run, NB_CONVERT_NOTHING_SELECTED, NB_ERR_LIMIT, "",
                  "every article was left out by the job's keep hook — "
                  "nothing written");
  return 0;
}

/* A metadata entry on a one-article book also goes on the article (its
 * title block shows it). */
static void S_article_metadata(nb_run *run, nb_doc *doc) {
  size_t i;
  for (i = 0; i < run->job.metadata_count; i++)
    nb_doc_set_meta(doc, run->job.metadata[i].key, run->job.metadata[i].value);
}

/* The book: selection, duplicates, order, limit, sections; then every
 * image, within each article's time. */
static int S_assemble(nb_run *run) {
  const nb_convert_job *job = &run->job;
  nb_convert_result *res = run->res;
  nb_spent *spent;
  size_t n = run->docs.n, over = 0, count;
  long kept;
  int rc;

  run->book = nb_book_new();
  run->set = nb_resources_new(run->resolve, &run->diag.diag);
  if (!run->book || !run->set)
    return S_OOM(run);
  spent = nb_spent_new(&run->docs, job->max_article_time);
  kept = nb_book_assemble(run->book, run->docs.v, run->docs.n, run->sel,
                          &run->diag.diag);
  run->docs.n = 0; /* the book owns them now */
  res->unselected += n - (kept > 0 ? (size_t)kept : 0);
  if (kept <= 0) {
    nb_spent_free(spent);
    return S_fail(run, NB_CONVERT_NOTHING_SELECTED, NB_ERR_LIMIT, "",
                  "no article matches the selection — nothing written; "
                  "widen --category, --since or --until");
  }
  nb_book_set_resources(run->book, run->set);
  if (nb_book_doc_count(run->book) == 1)
    S_article_metadata(run, nb_book_doc(run->book, 0));
  count = nb_book_doc_count(run->book);
  rc = 0;
  if (!run->no_images) {
    nb_run_phase(run, "images", count);
    rc = nb_run_images(run, spent, &over);
  }
  nb_spent_free(spent);
  if (rc < 0) {
    res->outcome = NB_CONVERT_FAILED;
    return rc;
  }
  run->failed += over;
  res->over_time += over;
  if (nb_book_doc_count(run->book) == 0) {
    res->error_reported = count == 1; /* its own message said so */
    return S_fail(run, NB_CONVERT_NOTHING_IN_TIME, NB_ERR_LIMIT, "",
                  "no article was converted in time — nothing written; "
                  "raise --max-article-time");
  }
  if (over && job->strict)
    return S_fail(run, NB_CONVERT_STRICT, NB_ERR_LIMIT, job->output,
                  "not written: %zu article%s ran out of time and --strict "
                  "is set — raise --max-article-time or drop --strict",
                  over, over == 1 ? "" : "s");
  return 0;
}

/* ## The finished book */

/* A book's title when none was given: what the user chose it by, the
 * category's last level ("金融/财联社" gives 财联社), else the one input
 * directory's name, else the one input feed's title (a file's or a URL's,
 * as a day's book from a feed is called); NULL leaves nb_book_finish's
 * choice (the first article's title), right for a handful of files named
 * one by one. */
static char *S_default_title(const nb_run *run) {
  const char *c = run->sel->category, *slash;
  struct stat st;
  if (c && *c) {
    while ((slash = strchr(c, '/')) != NULL && slash[1])
      c = slash + 1;
    return nb_strndup(c, strcspn(c, "/"));
  }
  if (run->job.input_count == 1 && stat(run->job.inputs[0], &st) == 0 &&
      S_ISDIR(st.st_mode)) {
    const char *p = run->job.inputs[0];
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
  if (run->job.input_count == 1) {
    const char *t = nb_doc_get_meta(nb_book_doc(run->book, 0), "feed_title");
    if (t && *t)
      return nb_strdup(t);
  }
  return NULL;
}

static void S_metadata(nb_run *run) {
  const nb_convert_job *job = &run->job;
  nb_book *book = run->book;
  size_t i;
  for (i = 0; i < job->metadata_count; i++)
    nb_book_set_meta(book, job->metadata[i].key, job->metadata[i].value);
  if (job->title) {
    nb_book_set_meta(book, "title", job->title);
  } else if (nb_book_doc_count(book) > 1 && !nb_book_get_meta(book, "title")) {
    char *t = S_default_title(run);
    if (t)
      nb_book_set_meta(book, "title", t);
    free(t);
  }
  if (job->author)
    nb_book_set_meta(book, "author", job->author);
  if (job->lang)
    nb_book_set_meta(book, "lang", job->lang);
}

/* The cover the job names, read and checked. */
static int S_given_cover(nb_run *run) {
  const char *path = run->job.cover;
  char *data = NULL;
  size_t len = 0;
  const nb_resource *r;
  int rc;
  if ((rc = nb_read_file(path, 64u * 1024 * 1024, &data, &len, run->err)) !=
      0) {
    run->res->outcome = NB_CONVERT_FAILED;
    return rc;
  }
  r = nb_resources_add_bytes(run->set, path, data, len);
  free(data);
  if (!r || r->status != NB_RES_OK)
    return S_fail(run, NB_CONVERT_FAILED, NB_ERR_FORMAT, path,
                  "not a usable cover image (%s) — give a JPEG or PNG",
                  r && r->reason ? r->reason : "unreadable");
  nb_book_set_cover(run->book, r);
  return 0;
}

static int S_finish(nb_run *run) {
  const char *mode = run->write->cover_mode;
  int no_cover = mode && strcmp(mode, "none") == 0;
  nb_error err;
  int rc;
  S_metadata(run);
  if (run->no_images)
    no_cover = 1;
  else if (run->job.cover && (rc = S_given_cover(run)) != 0)
    return rc;
  nb_book_finish(run->book);
  /* A book of many articles gets a generated cover (title, dates,
   * headlines, lead photo) unless one was given or refused; a single
   * article keeps its lead image, which the writers pick themselves. */
  /* With a device profile even one article gets a generated cover, of the
   * screen's shape, so that it fills the screen. */
  memset(&err, 0, sizeof err);
  if (!run->job.cover && !no_cover &&
      (nb_book_doc_count(run->book) > 1 || run->resolve->device)) {
    if (nb_book_generate_cover_for(run->book, run->resolve->device, &err) != 0)
      nb_diag_emit(&run->diag.diag, NB_SEV_WARNING, "image", NULL, 0, NULL,
                   "%s — the book has no generated cover", err.message);
    else
      run->generated_cover = 1;
  }
  return 0;
}

static int S_write(nb_run *run) {
  int rc;
  nb_run_phase(run, "write", 1);
  rc = nb_run_write_volumes(run);
  nb_run_step(run, 1);
  if (rc != 0)
    run->res->outcome = NB_CONVERT_FAILED;
  return rc;
}

/* ## The result */

static char *S_meta_copy(const nb_book *book, const char *key) {
  const char *v = nb_book_get_meta(book, key);
  return v ? nb_strdup(v) : NULL;
}

/* Image counts and the report, whenever images were loaded (a run that
 * failed later still reports them). @p rc: the run's status so far. */
static int S_images_and_report(nb_run *run, int rc) {
  nb_convert_result *res = run->res;
  nb_error rerr;
  size_t i;
  int r;
  if (!run->set)
    return rc;
  for (i = 0; i < nb_resources_count(run->set); i++) {
    if (nb_resources_at(run->set, i)->status == NB_RES_OK)
      res->images_embedded++;
    else
      res->images_missing++;
  }
  if (!run->job.report)
    return rc;
  memset(&rerr, 0, sizeof rerr);
  r = nb_run_report_write(&run->diag, run->job.report, run->set, &rerr);
  if (r == 0)
    return rc;
  if (rc == 0) {
    if (run->err)
      *run->err = rerr;
    return r;
  }
  /* the run's own failure is the error; this one is told on the side */
  nb_run_diag_error(&run->diag, "report", &rerr);
  return rc;
}

/* The book as written; @p hooks: everything asked succeeded, so the
 * written hook hears of each article. */
static void S_written(nb_run *run, int hooks) {
  nb_convert_result *res = run->res;
  const nb_convert_hooks *h = run->job.hooks;
  struct stat st;
  size_t i, n = nb_book_doc_count(run->book);
  if (res->outcome != NB_CONVERT_NOT_DELIVERED)
    res->outcome = NB_CONVERT_WRITTEN;
  res->articles = n;
  res->output = run->job.output;
  if (stat(run->job.output, &st) == 0)
    res->output_bytes = (long long)st.st_size;
  res->title = S_meta_copy(run->book, "title");
  res->author = S_meta_copy(run->book, "author");
  res->lang = S_meta_copy(run->book, "lang");
  res->date = S_meta_copy(run->book, "date");
  if (hooks && h && h->written)
    for (i = 0; i < n; i++)
      h->written(h->userdata, nb_book_doc(run->book, i));
}

void nb_convert_result_free(nb_convert_result *r) {
  int v;
  if (!r)
    return;
  v = r->abi_version;
  if (v >= 2)
    nb__convert_result_free_delivery(r);
  free(r->title);
  free(r->author);
  free(r->lang);
  free(r->date);
  nb_resources_free(r->resources);
  memset(r, 0, sizeof *r);
  r->abi_version = v;
}

int nb_convert_run(const nb_convert_job *job, nb_convert_result *result,
                   nb_error *err) {
  nb_convert_result res;
  nb_run run;
  int rc;

  memset(&res, 0, sizeof res);
  res.abi_version = NB_CONVERT_RESULT_ABI_VERSION;
  if (result &&
      S_bad_version(result->abi_version, NB_CONVERT_RESULT_ABI_VERSION))
    return nb_error_set(err, NB_ERR_ARGUMENT, "", 0,
                        "the result's abi_version (%d) is not one this "
                        "library knows (1 to %d) — build against its headers",
                        result->abi_version, NB_CONVERT_RESULT_ABI_VERSION);
  if ((rc = nb_convert_check(job, err)) != 0) {
    if (result)
      result->outcome = NB_CONVERT_REFUSED;
    return rc;
  }
  S_setup(&run, job, &res, err);
  if ((rc = S_collect(&run)) == 0 && (rc = S_read(&run)) == 0 &&
      (rc = S_keep(&run)) == 0 && (rc = nb_run_keep_new(&run)) == 0 &&
      (rc = S_assemble(&run)) == 0 && (rc = S_finish(&run)) == 0 &&
      (rc = S_write(&run)) == 0)
    rc = nb_run_deliver(&run);
  nb_run_phase(&run, NULL, 0);
  rc = S_images_and_report(&run, rc);
  /* Every failure sets its outcome: one still "written" is a report that
   * failed after the book was written. */
  if (res.outcome == NB_CONVERT_WRITTEN ||
      res.outcome == NB_CONVERT_NOT_DELIVERED) {
    S_written(&run, rc == 0 && res.outcome == NB_CONVERT_WRITTEN);
    nb_run_deliver_result(&run);
  }

  nb_run_deliver_free(&run);
  nb_book_free(run.book);
  nb_docs_free(&run.docs);
  nb_strvec_free(&run.paths);
  nb_run_diag_free(&run.diag);
  if (result) {
    /* Version 1 is the whole struct; a later version fills only the
     * prefix the caller's abi_version has. */
    res.abi_version = result->abi_version;
    res.resources = run.set;
    if (result->abi_version >= 2) {
      *result = res;
    } else {
      if (res.nfiles)
        res.output = run.job.output; /* files[0] goes with the rest */
      memcpy(result, &res, offsetof(nb_convert_result, delivered_before));
      nb__convert_result_free_delivery(&res);
    }
  } else {
    nb__convert_result_free_delivery(&res);
    nb_convert_result_free(&res);
    nb_resources_free(run.set);
  }
  return rc;
}
