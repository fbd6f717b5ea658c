/* A progress line on stderr: phase, done/total, rate, ETA. Drawn only when
 * stderr is a terminal and not quiet, at most ten times a second, from
 * what the pipeline's progress callbacks tell. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void S_step(void *ud, size_t n) {
  nb_cli_progress *p = ud;
  double now, rate, eta;
  int width = 24, fill;
  char bar[32];
  if (!p->enabled)
    return;
  pthread_mutex_lock(&p->lock);
  p->done += n;
  now = S_now();
  if (p->done < p->total && now - p->last < 0.1) {
    pthread_mutex_unlock(&p->lock);
    return;
  }
  p->last = now;
  rate = now > p->start ? (double)p->done / (now - p->start) : 0;
  eta =
      rate > 0 && p->total > p->done ? (double)(p->total - p->done) / rate : 0;
  fill =
      p->total ? (int)((double)width * (double)p->done / (double)p->total) : 0;
  memset(bar, '#', (size_t)fill);
  memset(bar + fill, '.', (size_t)(width - fill));
  bar[width] = '\0';
  fprintf(stderr, "\r\033[K%-7s [%s] %zu/%zu  %.0f/s  ETA %.0fs", p->phase, bar,
          p->done, p->total, rate, eta);
  p->shown = 1;
  pthread_mutex_unlock(&p->lock);
}

static void S_phase(void *ud, const char *phase, size_t total) {
  nb_cli_progress *p = ud;
  if (!phase) {
    nb_cli_progress_end(p);
    return;
  }
  pthread_mutex_lock(&p->lock);
  p->phase = phase;
  p->total = total;
  p->done = 0;
  p->start = S_now();
  p->last = 0;
  pthread_mutex_unlock(&p->lock);
  S_step(p, 0);
}

void nb_cli_progress_init(nb_cli_progress *p, int verbosity) {
  memset(p, 0, sizeof *p);
  p->enabled = verbosity >= 1 && isatty(STDERR_FILENO);
  pthread_mutex_init(&p->lock, NULL);
  p->callbacks.abi_version = NB_PROGRESS_ABI_VERSION;
  p->callbacks.phase = S_phase;
  p->callbacks.step = S_step;
  p->callbacks.userdata = p;
}

void nb_cli_progress_end(nb_cli_progress *p) {
  if (p->enabled && p->shown)
    fprintf(stderr, "\r\033[K");
  p->shown = 0;
}

void nb_cli_progress_free(nb_cli_progress *p) {
  nb_cli_progress_end(p);
  pthread_mutex_destroy(&p->lock);
}
