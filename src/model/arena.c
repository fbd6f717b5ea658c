/* Chunked bump allocation; large requests get a chunk of their own so that
 * a 10 MB paragraph does not waste a 10 MB chunk's tail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"

#define NB_CHUNK_SIZE (64 * 1024)

struct nb_arena_chunk {
  nb_arena_chunk *next;
  size_t used, size;
  _Alignas(16) unsigned char mem[];
};

void *nb_arena_alloc(nb_arena *a, size_t size) {
  nb_arena_chunk *c = a->head;
  void *p;
  size = (size + 15) & ~(size_t)15;
  if (size == 0)
    size = 16;
  if (!c || c->size - c->used < size) {
    size_t csize = size > NB_CHUNK_SIZE / 4 ? size : NB_CHUNK_SIZE;
    if (csize > SIZE_MAX - sizeof *c)
      return NULL;
    c = malloc(sizeof *c + csize);
    if (!c)
      return NULL;
    c->used = 0;
    c->size = csize;
    if (size > NB_CHUNK_SIZE / 4 && a->head) {
      /* keep the current chunk on top for further small allocations */
      c->next = a->head->next;
      a->head->next = c;
    } else {
      c->next = a->head;
      a->head = c;
    }
  }
  p = c->mem + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

void nb_arena_free(nb_arena *a) {
  nb_arena_chunk *c = a->head, *n;
  while (c) {
    n = c->next;
    free(c);
    c = n;
  }
  a->head = NULL;
}
