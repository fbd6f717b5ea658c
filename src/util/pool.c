/* See pool.h. */
#include <pthread.h>
#include <unistd.h>

#include "util/pool.h"

typedef struct S_loop {
  size_t n, next;
  nb_pool_fn fn;
  void *ctx;
  pthread_mutex_t lock;
} S_loop;

static void *S_worker(void *arg) {
  S_loop *l = arg;
  for (;;) {
    size_t i;
    pthread_mutex_lock(&l->lock);
    i = l->next++;
    pthread_mutex_unlock(&l->lock);
    if (i >= l->n)
      return NULL;
    l->fn(l->ctx, i);
  }
}

void nb_pool_for(size_t n, int jobs, nb_pool_fn fn, void *ctx) {
  S_loop l;
  pthread_t threads[256];
  size_t i, want, started = 0;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  want = jobs > 0 ? (size_t)jobs : (size_t)(cores > 0 ? cores : 1);
  if (want > 256)
    want = 256;
  if (want > n)
    want = n;
  l.n = n;
  l.next = 0;
  l.fn = fn;
  l.ctx = ctx;
  pthread_mutex_init(&l.lock, NULL);
  for (i = 1; i < want; i++)
    if (pthread_create(&threads[started], NULL, S_worker, &l) == 0)
      started++;
  S_worker(&l);
  for (i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  pthread_mutex_destroy(&l.lock);
}
