/* See strvec.h. */
#include <stdlib.h>
#include <string.h>

#include "util/strvec.h"
#include "util/util.h"

int nb_strvec_push(nb_strvec *s, const char *str) {
  char *c;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    char **p = nb_reallocarray(s->v, cap, sizeof *p);
    if (!p)
      return 0;
    s->v = p;
    s->cap = cap;
  }
  if (!(c = nb_strdup(str)))
    return 0;
  s->v[s->n++] = c;
  return 1;
}

void nb_strvec_free(nb_strvec *s) {
  size_t i;
  for (i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}
