/* The newsbook command line: options, the conversion pipeline, and the
 * printing of diagnostics. The library never prints; this is where the
 * project decides what a user sees. */
#ifndef NB_CLI_H
#define NB_CLI_H

#include <pthread.h>
#include <stdio.h>

#include "newsbook/newsbook.h"
#include "util/util.h"

typedef struct nb_strvec {
  char **v;
  size_t n, cap;
} nb_strvec;

int nb_strvec_push(nb_strvec *s, const char *str);
/* One line for an unknown option or a missing value (getopt's '?'/':'). */
int nb_cli_option_error(int c, int argc, char **argv, const char *prog);
void nb_strvec_free(nb_strvec *s);

/* The per-article time budget when none is given (--max-article-time). */
#define NB_CLI_ARTICLE_TIME 60

typedef struct nb_cli {
  /* what to read */
  nb_strvec inputs;
  const char *output;
  const char *to;
  /* book metadata */
  const char *title, *author, *lang;
  nb_strvec metadata; /* KEY=VALUE */
  const char *style, *cover;
  /* selection (books from archives) */
  const char *category, *since, *until, *order, *group_by;
  long limit;
  int strict;
  int jobs;
  /* seconds an article may take, parse and images (0: no limit) */
  long article_time;
  /* options handed to the library */
  nb_read_options read;
  nb_resolve_options resolve;
  nb_write_options write;
  int no_cache;
  const char *report;
  /* verbosity: 0 quiet, 1 normal, 2 verbose */
  int verbosity;
} nb_cli;

/* ## Diagnostics: printed as `newsbook: FILE[:LINE]: message`, counted,
 * and kept for --report. Thread-safe. */
typedef struct nb_cli_diag {
  pthread_mutex_t lock;
  int verbosity;
  size_t warnings, errors;
  nb_buf json; /* the report's "warnings" array items */
  struct nb_progress *progress; /* cleared before a message, when shown */
  nb_diag diag;
} nb_cli_diag;

void nb_cli_diag_init(nb_cli_diag *d, int verbosity);
void nb_cli_diag_free(nb_cli_diag *d);

/** Print an error about @p file in the house format and count it. */
void nb_cli_error(nb_cli_diag *d, const nb_error *err);

/** Append @p s to @p b as a JSON string literal. */
void nb_json_string(nb_buf *b, const char *s);

/* ## Inputs */

/** Expand the command line's INPUTs into article/feed paths (directories
 * walked iteratively, sorted, hidden entries skipped). "-" stays "-".
 * Returns 0, or a negative nb_code with @p err filled. */
int nb_cli_collect_inputs(const nb_strvec *inputs, nb_strvec *out,
                          nb_error *err);

/** Run the conversion. Returns the process exit status (0, 1). */
int nb_cli_convert(nb_cli *cli, nb_cli_diag *d);

#endif
