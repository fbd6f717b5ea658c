/* Numbers upright in vertical writing (see upright.h). */
#include "write/upright.h"

#include <string.h>

static int S_digit(char c) {
  return c >= '0' && c <= '9';
}

static int S_alnum(char c) {
  return S_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int nb_upright_number(const char *s, size_t n, size_t a, size_t b) {
  if (b - a > 3)
    return 0;
  if (a > 0 && (S_alnum(s[a - 1]) ||
                (strchr(".,:", s[a - 1]) && a > 1 && S_digit(s[a - 2]))))
    return 0;
  if (b < n && (S_alnum(s[b]) ||
                (strchr(".,:", s[b]) && b + 1 < n && S_digit(s[b + 1]))))
    return 0;
  return 1;
}
