/* A growable list of malloc'd strings (input paths, recipe values). Not
 * public API. */
#ifndef NB_UTIL_STRVEC_H
#define NB_UTIL_STRVEC_H

#include <stddef.h>

typedef struct nb_strvec {
  char **v;
  size_t n, cap;
} nb_strvec;

/** Append a copy of @p str. 1, or 0 on out of memory (nothing added). */
int nb_strvec_push(nb_strvec *s, const char *str);
/** Free every string and the list, and zero @p s. */
void nb_strvec_free(nb_strvec *s);

#endif
