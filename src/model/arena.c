/* Chunked bump allocation; large requests get a chunk of their own so that
 * a 10 MB paragraph does not waste a 10 MB chunk's tail. Chunks start small
 * and double up to NB_CHUNK_SIZE: a book holds one arena per article, and
 * 100,000 feed items of a line each once took 64 KiB apiece (1.2 GB). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"

#define NB_CHUNK_SIZE (64 * 1024)
#define NB_CHUNK_FIRST 1024

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
    size_t csize = !c ? NB_CHUNK_FIRST
                   : c->size >= NB_CHUNK_SIZE / 2 ? NB_CHUNK_SIZE
                                                  : c->size * 2;
    if (size > NB_CHUNK_SIZE / 4)
      csize = size;
    while (csize < size)
      csize *= 2;
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
