/* Growable buffers and checked allocation. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void *nb_calloc(size_t n, size_t size) { return calloc(n ? n : 1, size ? size : 1); }

void *nb_reallocarray(void *p, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  return realloc(p, n * size == 0 ? 1 : n * size);
}

char *nb_strndup(const char *s, size_t n) {
  char *r;
  if (!s)
    return NULL;
  r = malloc(n + 1);
  if (!r)
    return NULL;
  memcpy(r, s, n);
  r[n] = '\0';
  return r;
}

char *nb_strdup(const char *s) { return s ? nb_strndup(s, strlen(s)) : NULL; }

int nb_buf_reserve(nb_buf *b, size_t extra) {
  size_t need, cap;
  char *p;
  if (b->failed)
    return 0;
  if (extra > SIZE_MAX - b->len - 1)
    goto fail;
  need = b->len + extra + 1;
  if (need <= b->cap)
    return 1;
  cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  p = realloc(b->data, cap);
  if (!p)
    goto fail;
  b->data = p;
  b->cap = cap;
  return 1;
fail:
  b->failed = 1;
  return 0;
}

int nb_buf_append(nb_buf *b, const void *s, size_t len) {
  if (!nb_buf_reserve(b, len))
    return 0;
  if (len)
    memcpy(b->data + b->len, s, len);
  b->len += len;
  b->data[b->len] = '\0';
  return 1;
}

int nb_buf_puts(nb_buf *b, const char *s) { return nb_buf_append(b, s, strlen(s)); }

int nb_buf_putc(nb_buf *b, char c) { return nb_buf_append(b, &c, 1); }

int nb_buf_printf(nb_buf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !nb_buf_reserve(b, (size_t)n))
    return 0;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 1;
}

char *nb_buf_detach(nb_buf *b) {
  char *r;
  if (b->failed) {
    nb_buf_free(b);
    return NULL;
  }
  r = b->data ? b->data : nb_strdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return r;
}

void nb_buf_free(nb_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}
