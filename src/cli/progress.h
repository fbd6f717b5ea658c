/* The terminal progress line, a client of the pipeline's progress
 * callbacks (see progress.c). Thread-safe. */
#ifndef NB_CLI_PROGRESS_H
#define NB_CLI_PROGRESS_H

#include <pthread.h>
#include <stddef.h>

#include "newsbook/convert.h"

typedef struct nb_cli_progress {
  pthread_mutex_t lock;
  int enabled, shown;
  const char *phase;
  size_t done, total;
  double start, last;
  nb_progress callbacks; /* hand to nb_convert_job.progress */
} nb_cli_progress;

void nb_cli_progress_init(nb_cli_progress *p, int verbosity);
/** Clear the line (before printing a message or a summary). */
void nb_cli_progress_end(nb_cli_progress *p);
void nb_cli_progress_free(nb_cli_progress *p);

#endif
