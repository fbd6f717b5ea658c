/* The whole conversion as one call: inputs → articles → book → output file.
 *
 * A caller fills an nb_convert_job (what to read, what to write, how to
 * choose and limit, the options of each stage) and calls nb_convert_run().
 * The run collects the inputs (directories walked, sorted), reads and
 * parses them in parallel (a front-matter look first when a selection can
 * rule an article out unread), keeps each article within its time budget,
 * hands each article to the caller's keep hook, assembles the book
 * (selection, duplicates, order, limit, sections), loads every image in
 * parallel, sets the book's metadata and cover, and writes the output
 * atomically. The command line, recipes and any embedding program all go
 * through this one call; the library never prints.
 *
 *     const char *in[] = {"article.md"};
 *     nb_convert_job job = {.abi_version = NB_CONVERT_ABI_VERSION};
 *     nb_error err;
 *     job.inputs = in;
 *     job.input_count = 1;
 *     job.output = "article.epub";
 *     if (nb_convert_run(&job, NULL, &err) != 0)
 *       fprintf(stderr, "%s: %s\n", err.file, err.message);
 *
 * (examples/convert.c is a complete program.)
 *
 * ## Ownership
 *
 * The job and everything it points to are borrowed for the duration of the
 * call and never modified. An nb_convert_result is the caller's struct; the
 * run fills it (overwriting it: free what an earlier run left in it first),
 * and nb_convert_result_free() releases what it holds (the struct itself
 * is not freed). Documents passed to hooks are borrowed for
 * the duration of the hook call.
 *
 * ## Threads
 *
 * nb_convert_run() blocks. It runs up to job->jobs worker threads of its
 * own and joins them before it returns. diag->report and progress->step
 * are called from those workers, several at once: they must be
 * thread-safe. progress->phase and every hook are called only on the
 * thread that called nb_convert_run(), never concurrently. Several jobs may
 * run at once in different threads; they share only process-wide state the
 * library initialises once (fontconfig, libcurl).
 *
 * ## Growing without breaking callers
 *
 * Every public struct here starts with abi_version. Fields are only ever
 * added at the end, with the version raised; the library reads the fields
 * a caller's version does not have as zero (their defaults), and fills
 * only the result fields the caller's version has. The option structs of
 * each stage are referenced, not copied, so that each grows on its own.
 *
 * Where the next features attach (none is implemented here):
 * - URL inputs (done): an input "http://..." or "https://..." is fetched
 *   in the read stage (src/pipeline/read.c) by nb_acquire_url(); options
 *   in job->acquire, extraction in nb_read_options.extract.
 * - JSON output (done): the "json" writer; no image is loaded for it.
 *
 * The daily loop (docs/DELIVERY.md) is job->deliver: the state leaves out
 * what an earlier book carried (right after the keep hook), a book too
 * large for the mail cap or the device's budget is written as volumes
 * (the write stage), each file is mailed, put on the OPDS shelf, and only
 * then recorded in the state, in one transaction (after the write stage).
 * The e-reader profile is nb_resolve_options.device; vertical writing and
 * embedded fonts are nb_write_options. */
#ifndef NEWSBOOK_CONVERT_H
#define NEWSBOOK_CONVERT_H

#include <stddef.h>

#include "acquire.h"
#include "book.h"
#include "deliver.h"
#include "doc.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "resource.h"
#include "state.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ## Progress */

/** Where a run says how far it got (the CLI draws its progress bar from
 * it). Both callbacks may be NULL. */
typedef struct nb_progress {
  int abi_version; /**< NB_PROGRESS_ABI_VERSION */
  /** A phase begins: "parse" (@p total inputs), "images" (@p total
   * articles), "write" (1 step). A NULL @p phase means the run is over.
   * Called on the calling thread. */
  void (*phase)(void *userdata, const char *phase, size_t total);
  /** @p n more steps of the current phase are done. Called from worker
   * threads, several at once: must be thread-safe. */
  void (*step)(void *userdata, size_t n);
  void *userdata;
} nb_progress;

#define NB_PROGRESS_ABI_VERSION 1

/* ## Hooks */

/** What the caller may decide or learn about each article. Every member
 * may be NULL. Hooks run on the calling thread, one at a time. */
typedef struct nb_convert_hooks {
  int abi_version; /**< NB_CONVERT_HOOKS_ABI_VERSION */
  /** Each article read (a feed gives one per item), in input order, after
   * the reading and before the book is assembled (so before selection,
   * duplicates, order and limit). Return 1 to keep it, 0 to leave it out
   * (it is freed and counted in nb_convert_result.left_out). The seam for
   * "only what an earlier book did not carry": the document's metadata
   * ("source", "path", "title", the date) identifies it. */
  int (*keep)(void *userdata, const nb_doc *doc);
  /** Each article of the book, in reading order, once the output file is
   * complete and everything else asked succeeded; not called when
   * nb_convert_run() fails. The seam for recording what a book carried.
   * Copy what you need: @p doc is freed when the run returns. */
  void (*written)(void *userdata, const nb_doc *doc);
  void *userdata;
} nb_convert_hooks;

#define NB_CONVERT_HOOKS_ABI_VERSION 1

/* ## Delivery: the daily loop */

/** What happens to the book beyond writing it: memory across runs, e-mail,
 * the OPDS shelf, volumes (docs/DELIVERY.md). Zero means "not asked" for
 * every member. Every step runs only when the ones before succeeded, and
 * the state records the book only when all did: a run that fails, or is
 * killed, records nothing, so the next run carries the same articles. */
typedef struct nb_convert_delivery {
  int abi_version; /**< NB_CONVERT_DELIVERY_ABI_VERSION */
  /** The state (borrowed, open; nb_state_open with run_lock set, so that
   * overlapping runs take turns): every article of the book is recorded
   * in it once the book is written and delivered. NULL: none. */
  nb_state *state;
  /** 1: leave out each article the state says an earlier book carried
   * (same GUID, canonical URL or text), right after the keep hook; when
   * that leaves none, nothing is written and the outcome is
   * NB_CONVERT_NOTHING_NEW. Needs state. */
  int only_new;
  /** 1: ask the state but do not record this book (a caller making one
   * book in several formats records with the last). */
  int no_record;
  /** Send each file written to these recipients (borrowed; NULL: not
   * mailed). The book is split into volumes whose messages fit
   * mail->max_message_bytes. A final failure ends the run with the
   * server's reply; the book stays on disk. */
  const nb_mail_options *mail;
  /** Put each file written on the shelf in this directory (created when
   * missing; its parent must exist) and rebuild its OPDS catalog.xml: a
   * file already in it stays where it is, any other is linked (or
   * copied) in under its ASCII name, "newsbook-DATE-TITLE[-VofN].EXT",
   * so that yesterday's issue stays on the shelf when today's replaces
   * the output. NULL: no shelf. */
  const char *opds_dir;
  const nb_opds_options *opds; /**< the catalog's options; NULL: defaults */
  /** A book larger than this (bytes) is written as volumes, each a whole
   * book ("TITLE (1/2)", its own cover), as NAME-1of2.EXT... beside the
   * output. 0: no budget of its own; the mail cap and the device's
   * max_book_bytes (nb_resolve_options.device) still apply. */
  uint64_t max_book_bytes;
} nb_convert_delivery;

#define NB_CONVERT_DELIVERY_ABI_VERSION 1

/* ## The job */

/** A metadata entry set on the book ("publisher", "subject", ...; see
 * nb_book_set_meta). On a book of one article it is set on the article
 * too, so that its title block shows it. */
typedef struct nb_convert_meta {
  const char *key;
  const char *value;
} nb_convert_meta;

/** Everything one conversion needs. Zero (or NULL) means the default for
 * every field except abi_version, inputs and output. */
typedef struct nb_convert_job {
  int abi_version; /**< NB_CONVERT_ABI_VERSION */

  /* What to read */
  const char *const *inputs; /**< input_count inputs: an article (.md,
                                  .markdown with YAML front matter, .html,
                                  .htm, .xhtml), an RSS/Atom/JSON feed (one
                                  article per item), a directory (every
                                  article below it, sorted; hidden entries
                                  and symlinked directories skipped), "-"
                                  for standard input, or an http:// or
                                  https:// URL of a feed or a web page
                                  (fetched as job->acquire says) */
  size_t input_count;

  /* What to write */
  const char *output; /**< the file to write; it is written to a temporary
                           beside it and renamed into place when complete,
                           and refused when it is one of the inputs */
  const char *format; /**< a writer's name from nb_writers() ("epub",
                           "pdf", "tree", "json"); NULL: from the output's
                           extension (.epub, .pdf, .json). No image is
                           loaded for "json", which carries none */
  const char *report; /**< also write a JSON report to this file: every
                           image's outcome ("images", as
                           nb_resources_report_json) and every warning and
                           note ("warnings"); NULL: none */

  /* The book's metadata (NULL: derived) */
  const char *title;  /**< NULL: for a book of several articles the last
                           level of select->category, else the name of the
                           one input directory, else the first article's
                           title; for one article, its title */
  const char *author; /**< NULL: the articles' authors, summarised */
  const char *lang;   /**< BCP 47; NULL: the first article's, or guessed */
  const nb_convert_meta *metadata; /**< metadata_count entries */
  size_t metadata_count;
  const char *cover; /**< an image file (JPEG, PNG) for the cover; NULL: a
                          single article's lead image, or a cover generated
                          for a book of several (none when write->cover_mode
                          is "none") */

  /* Choosing articles */
  const nb_select_options *select; /**< category, dates, duplicates,
                                        order, limit, sections; NULL: every
                                        article in input order */
  int strict;            /**< 1: write nothing when any input could not be
                              read or any article ran out of time (else
                              they are left out of the book and reported) */
  long max_article_time; /**< seconds an article may take to be read,
                              parsed and have its images loaded; an article
                              over it is left out (alone: nothing is
                              written). 0: no limit (the CLI's default is
                              60) */
  int jobs;              /**< worker threads; 0: one per core */

  /* The options of each stage (borrowed; NULL: the defaults) */
  const nb_read_options *read;
  const nb_resolve_options *resolve;
  const nb_write_options *write;

  /* Where the run reports (borrowed; NULL: nowhere) */
  const nb_diag *diag; /**< warnings, and one NB_SEV_ERROR diagnostic per
                            input or article left out because it failed
                            (kind "input") or ran out of time (kind
                            "time"); file names the input */
  const nb_progress *progress;
  const nb_convert_hooks *hooks;

  /* Version 2: news from the web and the daily loop */
  /** How URL inputs are fetched and read, and which feed items get their
   * full text from their pages: full_text, short_text, max_per_host,
   * read_page. Its fields left zero or NULL take the job's own: net the
   * resolve options (offline, allow_private, cache, download caps),
   * read the read options, max_article_time and jobs the job's. NULL:
   * the defaults (full text for summary-only items, 4 transfers per
   * host). Borrowed. */
  const nb_acquire_options *acquire;
  /** 1: items of feeds read from files or standard input get their full
   * text too, as acquire->full_text says; 0 (default): only those of
   * feeds fetched from a URL, so that converting files never reaches the
   * network for text on its own. */
  int full_text_files;
  const nb_convert_delivery *deliver; /**< the daily loop; NULL: the book
                                           is only written */
} nb_convert_job;

#define NB_CONVERT_ABI_VERSION 2

/* ## The result */

/** What happened to the book. */
typedef enum nb_convert_outcome {
  NB_CONVERT_WRITTEN = 0,      /**< the output was written */
  NB_CONVERT_REFUSED,          /**< the job cannot run: an input that does
                                    not exist, an output that is a
                                    directory or one of the inputs */
  NB_CONVERT_NOTHING_READ,     /**< no input gave an article */
  NB_CONVERT_NOTHING_SELECTED, /**< the keep hook or the selection left no
                                    article */
  NB_CONVERT_NOTHING_IN_TIME,  /**< every article ran out of time */
  NB_CONVERT_STRICT,           /**< articles failed and job->strict is set */
  NB_CONVERT_FAILED,           /**< out of memory, a cover that is not an
                                    image, the writer failed */
  NB_CONVERT_NOTHING_NEW,      /**< deliver->only_new left out every
                                    article: an earlier book carried them
                                    all (nothing written; not a failure
                                    for a daily run) */
  NB_CONVERT_NOT_DELIVERED     /**< the book was written (the files are
                                    listed) but mailing, shelving or
                                    recording it failed: nothing was
                                    recorded */
} nb_convert_outcome;

/** What a run did, for the caller to inspect afterwards. The caller sets
 * abi_version; nb_convert_run() fills the rest. Release with
 * nb_convert_result_free(). */
typedef struct nb_convert_result {
  int abi_version; /**< NB_CONVERT_RESULT_ABI_VERSION */
  nb_convert_outcome outcome;
  /** 1 when the failure's causes were each already sent to job->diag as
   * NB_SEV_ERROR diagnostics (every input failed; a single article ran out
   * of time), so that the error nb_convert_run() returns only sums them
   * up: a front end that shows diagnostics need not show it too. */
  int error_reported;

  /* Articles: read = failed inputs aside, what the inputs gave; each read
   * article is then left out (by the hook, the selection, its time) or in
   * the book. */
  size_t inputs;     /**< files to read, directories expanded */
  size_t read;       /**< articles read (a feed gives one per item) */
  size_t failed;     /**< inputs that could not be read or parsed */
  size_t over_time;  /**< articles left out over their time budget */
  size_t left_out;   /**< articles the keep hook left out */
  size_t unselected; /**< articles or inputs the selection left out
                          (category, dates, duplicates, limit) */
  size_t articles;   /**< articles in the book */

  /* Images (every distinct one the book refers to, cover included) */
  size_t images_embedded; /**< loaded and usable */
  size_t images_missing;  /**< missing, broken, refused or too large: each
                               drawn as a placeholder and reported */

  /* The book written (all NULL / 0 unless outcome is NB_CONVERT_WRITTEN
   * or NB_CONVERT_NOT_DELIVERED) */
  const char *output;          /**< job->output (borrowed from the job),
                                    or the first volume (files[0]) */
  long long output_bytes;      /**< its size */
  char *title, *author, *lang; /**< the book's metadata as written */
  char *date;                  /**< the book's date, ISO 8601 */

  /** The images the run loaded (owned by the result), for reports; NULL
   * when the run stopped before loading images. */
  nb_resources *resources;

  /* Version 2: delivery */
  size_t delivered_before; /**< articles deliver->only_new left out */
  /** The files written, in order: one, or the volumes (then output is
   * files[0] and output_bytes their sum). Owned by the result. */
  size_t nfiles;
  char **files;
  long long *file_bytes;
  char **shelved; /**< nfiles paths on the shelf (deliver->opds_dir), or
                       NULL */
  char *sent_to;  /**< the recipients, ", "-separated, when mailed */
  int recorded;   /**< 1: the state recorded the book */
} nb_convert_result;

#define NB_CONVERT_RESULT_ABI_VERSION 2

/* ## Running */

/** Check @p job without reading anything: its ABI version, that it has
 * inputs and an output, and that the output format is known. Returns 0, or
 * NB_ERR_ARGUMENT with @p err filled (the message names the output and
 * says what to do). nb_convert_run() makes the same checks first; a front
 * end calls this to tell a usage error from a failed conversion. */
NB_EXPORT int nb_convert_check(const nb_convert_job *job, nb_error *err);

/** Run @p job end to end. Returns 0 when the output was written (and the
 * report, when asked); else a negative nb_code with @p err filled: one
 * line naming the file concerned and saying what to do. Per-input failures
 * along the way are diagnostics (see job->diag), not failures, unless
 * job->strict is set. @p result (may be NULL) is filled in either case.
 * @p err may be NULL. */
NB_EXPORT int nb_convert_run(const nb_convert_job *job,
                             nb_convert_result *result, nb_error *err);

/** Free what @p result holds (not the struct itself) and zero it, keeping
 * its abi_version. NULL is fine; so is a result never filled, once zeroed. */
NB_EXPORT void nb_convert_result_free(nb_convert_result *result);

/** The CSS file of a theme: @p name is looked up as styles/NAME.css in
 * $NEWSBOOK_DATADIR, the source tree and the installed data directory; a
 * name with a '/' or ending in ".css" is a file and returned as it is.
 * Returns @p name or @p buf (filled), or NULL when there is no such theme.
 * Put the answer in nb_write_options.style_path. */
NB_EXPORT const char *nb_convert_find_style(const char *name, char *buf,
                                            size_t size);

#ifdef __cplusplus
}
#endif
#endif
