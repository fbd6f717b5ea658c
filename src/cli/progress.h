/* Terminal progress line (see progress.c). Thread-safe. */
#ifndef NB_CLI_PROGRESS_H
#define NB_CLI_PROGRESS_H

#include <pthread.h>
#include <stddef.h>

typedef struct nb_progress {
  pthread_mutex_t lock;
  int enabled, shown;
  const char *phase;
  size_t done, total;
  double start, last;
} nb_progress;

void nb_progress_init(nb_progress *p, int verbosity);
void nb_progress_phase(nb_progress *p, const char *phase, size_t total);
void nb_progress_step(nb_progress *p, size_t n);
/** Clear the line (before printing a summary). */
void nb_progress_end(nb_progress *p);
void nb_progress_free(nb_progress *p);

#endif
