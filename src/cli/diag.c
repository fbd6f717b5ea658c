/* Diagnostics as the user sees them: one line each, counted. An article or
 * input the pipeline left out (an NB_SEV_ERROR diagnostic) is always shown,
 * even with -q; warnings unless -q; notes with -v. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"

/* Print @p s with control characters (a newline in a file name, say) shown
 * as '?', so that every message stays one line. */
static void S_put(const char *s) {
  for (; s && *s; s++)
    fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, stderr);
}

static void S_put_where(const char *file, int line) {
  if (!file || !*file)
    return;
  S_put(file);
  if (line > 0)
    fprintf(stderr, ":%d", line);
  fputs(": ", stderr);
}

/* `newsbook: [PREFIX]FILE[:LINE]: message`, under the lock. */
static void S_line(nb_cli_diag *d, const char *prefix, const char *file,
                   int line, const char *message) {
  if (d->progress)
    nb_cli_progress_end(d->progress);
  fputs("newsbook: ", stderr);
  if (prefix)
    fputs(prefix, stderr);
  S_put_where(file, line);
  S_put(message);
  fputc('\n', stderr);
}

static void S_report(void *ud, const nb_diagnostic *x) {
  nb_cli_diag *d = ud;
  pthread_mutex_lock(&d->lock);
  if (x->severity == NB_SEV_ERROR) {
    d->errors++;
    S_line(d, NULL, x->file, x->line, x->message);
  } else {
    int show = d->verbosity >= 2 ||
               (d->verbosity >= 1 && x->severity == NB_SEV_WARNING);
    if (x->severity == NB_SEV_WARNING)
      d->warnings++;
    if (show)
      S_line(d, x->severity == NB_SEV_WARNING ? "warning: " : "note: ", x->file,
             x->line, x->message);
  }
  pthread_mutex_unlock(&d->lock);
}

void nb_cli_diag_init(nb_cli_diag *d, int verbosity) {
  memset(d, 0, sizeof *d);
  pthread_mutex_init(&d->lock, NULL);
  d->verbosity = verbosity;
  d->diag.abi_version = NB_DIAG_ABI_VERSION;
  d->diag.report = S_report;
  d->diag.userdata = d;
}

void nb_cli_diag_free(nb_cli_diag *d) {
  pthread_mutex_destroy(&d->lock);
}

void nb_cli_error(nb_cli_diag *d, const char *prefix, const nb_error *err) {
  pthread_mutex_lock(&d->lock);
  d->errors++;
  S_line(d, prefix, err->file, err->line, err->message);
  pthread_mutex_unlock(&d->lock);
}
