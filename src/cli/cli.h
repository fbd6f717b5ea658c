/* The newsbook command line: options into a conversion job, one call to the
 * library's pipeline (newsbook/convert.h), and what the user sees of it:
 * diagnostics, a progress line, a summary, the exit status. The library
 * never prints; this is where the project decides what a user sees. */
#ifndef NB_CLI_H
#define NB_CLI_H

#include <pthread.h>
#include <stdio.h>

#include "newsbook/convert.h"
#include "util/strvec.h"

/** One line for an unknown option or a missing value (getopt's '?'/':'). */
int nb_cli_option_error(int c, int argc, char **argv, const char *prog);

/* The per-article time budget when none is given (--max-article-time). */
#define NB_CLI_ARTICLE_TIME 60

/* What the command line (or a recipe) asked for, as given. */
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
  /* options handed to the library as they are */
  nb_read_options read;
  nb_resolve_options resolve;
  nb_write_options write;
  const char *report;
  /* verbosity: 0 quiet, 1 normal, 2 verbose */
  int verbosity;
  /* URL inputs and full text (--full-text, --max-per-host); full text for
   * feed files only when --full-text was given */
  nb_acquire_options acquire;
  int full_text_files;
  /* the daily loop (deliver.c; docs/DELIVERY.md) */
  const char *state;     /* --state FILE */
  int only_new;          /* --only-new */
  int no_record;         /* a recipe's outputs but the last: the state
                            is asked, the last one records the book */
  nb_state *state_open;  /* the state already open (a recipe's, held with its
                            run lock across its outputs); borrowed; NULL:
                            opened from state */
  nb_strvec send_to;     /* --send-to ADDRESS... */
  const char *smtp;      /* --smtp smtp[s]://HOST[:PORT] */
  const char *mail_from; /* --mail-from ADDRESS */
  const char *smtp_credentials;      /* --smtp-credentials FILE */
  int smtp_require_tls;              /* --smtp-require-tls */
  unsigned long long max_attachment; /* --max-attachment; 0: 50 MB */
  unsigned long long max_book_size;  /* --max-book-size; 0: none */
  const char *opds;                  /* --opds DIR */
  const char *device;                /* --device NAME */
} nb_cli;

/** An nb_cli with the library's option structs versioned and the CLI's
 * defaults (verbosity 1, the article time budget). */
void nb_cli_init(nb_cli *cli);
/** Free the lists an nb_cli holds (not the strings it borrows). */
void nb_cli_free(nb_cli *cli);

/** "auto", "always", "never" as 0, 1, 2 (the order of both nb_extract_mode
 * and nb_full_text_mode), -1 for anything else. */
int nb_cli_mode(const char *s);

/** Run the conversion @p cli describes: build the job, check it, run it,
 * print its outcome. Returns the process exit status: 0 written, 1 the
 * conversion failed, 2 the job is not usable as given (format, style). */
int nb_cli_convert(nb_cli *cli);

/** `newsbook build RECIPE.yaml` (argv[0] is "build"). Exit status. */
int nb_cli_build(int argc, char **argv);

/* ## The daily loop (deliver.c, state.c) */

/** A size: digits with an optional unit, k/K/kB/KB 1000, M/MB 10^6,
 * G/GB 10^9, KiB/MiB/GiB powers of 1024. 1, or 0 when it is not one. */
int nb_cli_parse_size(const char *s, unsigned long long *out);

/** What the delivery options of a run need beyond the job, owned. */
typedef struct nb_cli_deliver {
  nb_convert_delivery deliver;
  nb_mail_options mail;
  nb_state *state; /* opened here (closed by nb_cli_deliver_free) */
  int used;        /* job.deliver points here */
} nb_cli_deliver;

/** Check @p cli's delivery options and make @p dv from them: the device
 * set on cli->resolve, the mail options checked, the state opened (a run
 * lock held until nb_cli_deliver_free). Returns -1 to go on, else the
 * exit status after printing why (2: usage, 1: the state file). */
int nb_cli_deliver_init(nb_cli *cli, nb_cli_deliver *dv);
void nb_cli_deliver_free(nb_cli_deliver *dv);

/** `newsbook state FILE [--forget-before DATE]` (argv[0] is "state"). */
int nb_cli_state(int argc, char **argv);

/* ## Diagnostics: printed as `newsbook: [warning: ]FILE[:LINE]: message`
 * and counted. Thread-safe. */
typedef struct nb_cli_diag {
  pthread_mutex_t lock;
  int verbosity;
  size_t warnings, errors;
  struct nb_cli_progress *progress; /* cleared before a message */
  nb_diag diag;
} nb_cli_diag;

void nb_cli_diag_init(nb_cli_diag *d, int verbosity);
void nb_cli_diag_free(nb_cli_diag *d);

/** Print @p err in the house format, `newsbook: [PREFIX]FILE[:LINE]:
 * message` (@p prefix may be NULL), and count it. */
void nb_cli_error(nb_cli_diag *d, const char *prefix, const nb_error *err);

#endif
