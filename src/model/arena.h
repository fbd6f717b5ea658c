/* A bump allocator: a document's nodes and strings, freed at once. */
#ifndef NB_ARENA_H
#define NB_ARENA_H

#include <stddef.h>

typedef struct nb_arena_chunk nb_arena_chunk;
typedef struct nb_arena {
  nb_arena_chunk *head;
} nb_arena;

/** Zeroed, 16-byte aligned memory that lives until nb_arena_free(). NULL
 * on out of memory. */
void *nb_arena_alloc(nb_arena *a, size_t size);
void nb_arena_free(nb_arena *a);

#endif
