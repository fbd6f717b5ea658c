/* The conversion pipeline's stages and the state of one run, shared by the
 * files of src/pipeline/ (not public API; the public face is
 * newsbook/convert.h):
 *
 *   inputs.c   the job's inputs expanded into files (directories walked)
 *   read.c     files read and parsed in parallel, with the front-matter
 *              look-ahead and the reading part of the time budget
 *   images.c   every article's images loaded in parallel, within the rest
 *              of its time budget
 *   report.c   diagnostics counted and collected for the JSON report
 *   convert.c  nb_convert_run: the stages in order, book metadata, cover,
 *              writing, the result
 *   volumes.c  the write stage of a book with a size budget: volumes
 *   deliver.c  the daily loop around the book: what an earlier book
 *              carried left out, mail, the OPDS shelf, the state record
 *
 * The pipeline is the only caller of readers, the resolver and book
 * assembly on behalf of a front end; it never prints. */
#ifndef NB_PIPELINE_H
#define NB_PIPELINE_H

#include <pthread.h>
#include <sys/stat.h>

#include "newsbook/convert.h"
#include "util/strvec.h"
#include "util/util.h"

/* ## Documents read, with the time each took (for the time budget) */

typedef struct nb_docs {
  nb_doc **v;
  double *secs; /* seconds spent reading and parsing each */
  size_t n, cap;
} nb_docs;

/** Append @p doc (owned by the list from then on). 1, or 0 on out of
 * memory (the caller still owns @p doc). */
int nb_docs_push(nb_docs *d, nb_doc *doc, double secs);
/** Free the documents still in the list and the list. */
void nb_docs_free(nb_docs *d);

/* ## Diagnostics of a run: forwarded to the caller's callback, errors
 * counted, warnings and notes kept as JSON for the report when one is
 * wanted. Thread-safe. */

typedef struct nb_run_diag {
  nb_diag diag; /* what the stages report to */
  const nb_diag *caller;
  pthread_mutex_t lock;
  int collect;   /* keep JSON for the report */
  size_t errors; /* NB_SEV_ERROR diagnostics sent */
  nb_buf json;   /* the report's "warnings" array items */
} nb_run_diag;

void nb_run_diag_init(nb_run_diag *d, const nb_diag *caller, int collect);
void nb_run_diag_free(nb_run_diag *d);
/** Send @p err as an NB_SEV_ERROR diagnostic of @p kind: an input or
 * article left out, the run going on. */
void nb_run_diag_error(nb_run_diag *d, const char *kind, const nb_error *err);
/** Write the JSON report (the images of @p set and the collected
 * warnings) to @p path atomically. 0 or a negative nb_code. */
int nb_run_report_write(nb_run_diag *d, const char *path,
                        const nb_resources *set, nb_error *err);

/* ## The state of one run */

typedef struct nb_run {
  /* The caller's job, normalised: fields its ABI version lacks are zero,
   * and the options it left NULL point at the defaults below. */
  nb_convert_job job;
  const nb_select_options *sel;
  const nb_read_options *read;
  const nb_resolve_options *resolve;
  const nb_write_options *write;
  struct {
    nb_select_options sel;
    nb_read_options read;
    nb_resolve_options resolve;
    nb_write_options write;
  } defaults;
  const nb_writer *writer;
  nb_run_diag diag;
  nb_convert_result *res;
  nb_error *err;

  int have_out;       /* the output exists already ... */
  struct stat out_st; /* ... and is this file */
  int prefilter;      /* a selection may rule articles out unread */
  int no_images;      /* the writer carries no images (JSON): none loaded */
  nb_acquire_options acquire; /* URL inputs and full text, defaults filled */
  nb_strvec paths;            /* the inputs, directories expanded */
  nb_docs docs;               /* articles read, in input order */
  size_t failed; /* inputs failed, over time while reading included */
  nb_book *book;
  nb_resources *set;

  /* The daily loop (deliver.c, volumes.c); all zero without job.deliver */
  const nb_convert_delivery *deliver;
  int generated_cover; /* the book's cover was generated (each volume
                          then gets its own) */
  size_t *volume_of;   /* each document's volume (0-based), when the book
                          was written as volumes; NULL: one file */
  size_t nvolumes;
  nb_strvec files;   /* the files written, in order */
  nb_strvec shelved; /* where each is on the shelf */
  char *sent_to;     /* the recipients, when mailed */
  int recorded;      /* the state recorded the book */
} nb_run;

/** Tell the caller's progress callbacks (NULL phase: the run is over). */
void nb_run_phase(nb_run *run, const char *phase, size_t total);
void nb_run_step(nb_run *run, size_t n);

/** The one-line report of an article over its time budget (alone: nothing
 * will be written). */
void nb_run_over_time(nb_run *run, const char *path, int alone);

/* ## Stages */

/** Expand @p inputs into the files to read, appended to @p out: files as
 * given, directories walked iteratively (sorted, hidden entries and
 * symlinked directories skipped), "-" and http(s) URLs kept. 0, or a
 * negative nb_code with @p err filled. */
int nb_collect_inputs(const char *const *inputs, size_t n, nb_strvec *out,
                      nb_error *err);

/** Read and parse run->paths with run->job.jobs workers into run->docs, in
 * input order (a URL is fetched with run->acquire: a feed gives its items,
 * a page its article). Returns 1 when one of the inputs is the existing output
 * file (nothing may be written then), else 0. Counts go to run->res and
 * run->failed. */
int nb_run_read(nb_run *run);

/** The time each document of @p docs already took, looked up by document
 * once assembly has reordered them. NULL (nothing spent) without a time
 * budget or memory. */
typedef struct nb_spent nb_spent;
nb_spent *nb_spent_new(const nb_docs *docs, long budget);
void nb_spent_free(nb_spent *spent);

/** Load the images of every document of run->book in parallel, each
 * within what is left of its time budget. Articles over their time are
 * removed from the book and counted in *@p over. Returns 0, or a negative
 * nb_code with run->err filled: out of memory, or a system failure while
 * loading (each already reported as an error diagnostic: then
 * run->res->error_reported is set). */
int nb_run_images(nb_run *run, const nb_spent *spent, size_t *over);

/* ## The daily loop (deliver.c, volumes.c) */

/** The state's part of the keep stage: each article of run->docs the state
 * has seen is left out (deliver->only_new). 0, or a negative nb_code with the
 * outcome set (NB_CONVERT_NOTHING_NEW when every article was delivered before).
 */
int nb_run_keep_new(nb_run *run);

/** The largest book the run may write in one file (bytes): the smallest of
 * the mail cap's budget, the device's (even without job.deliver) and the
 * job's; 0 for none. */
uint64_t nb_run_book_budget(const nb_run *run);

/** The write stage: the book written to the output, or, when it is over
 * the budget, planned into volumes that each fit it, each written as a
 * whole book (title "T (1/2)", its own id and cover) to NAME-1of2.EXT...
 * (planned again smaller while a written volume is still over). The files
 * go to run->files. 0 or a negative nb_code with the outcome set. */
int nb_run_write_volumes(nb_run *run);

/** The book's files mailed, shelved, then recorded in the state, each
 * only when asked and when the steps before succeeded. 0, or a negative
 * nb_code with the outcome NB_CONVERT_NOT_DELIVERED. */
int nb_run_deliver(nb_run *run);

/** Fill the result's delivery fields (the files written, where shelved,
 * to whom sent), after the book's own. */
void nb_run_deliver_result(nb_run *run);

/** Free what the daily loop kept. */
void nb_run_deliver_free(nb_run *run);
/** Free the result's delivery fields (version 2), leaving the rest. */
void nb__convert_result_free_delivery(nb_convert_result *r);

#endif
