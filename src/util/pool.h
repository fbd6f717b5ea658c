/* A parallel for-loop over [0, n) with a fixed number of threads. Items are
 * handed out one at a time, so uneven work balances itself; results must go
 * to per-item slots so that the outcome never depends on timing. */
#ifndef NB_UTIL_POOL_H
#define NB_UTIL_POOL_H

#include <stddef.h>

typedef void (*nb_pool_fn)(void *ctx, size_t i);

/** Run fn(ctx, i) for every i < n on @p jobs threads (0: one per core; the
 * calling thread works too). Returns when all are done. */
void nb_pool_for(size_t n, int jobs, nb_pool_fn fn, void *ctx);

#endif
