/* UTF-8 decoding, repair and script classes. */
#include <stdlib.h>

#include "util/util.h"

size_t nb_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
  uint32_t c;
  size_t n, i;
  if (len == 0) {
    *cp = 0xFFFD;
    return 1;
  }
  c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    c &= 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    c &= 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    c &= 0x07;
  } else {
    *cp = 0xFFFD;
    return 1;
  }
  if (len < n) {
    *cp = 0xFFFD;
    return 1;
  }
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    c = (c << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF)) {
    *cp = 0xFFFD;
    return 1;
  }
  *cp = c;
  return n;
}

size_t nb_utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int nb_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n;
  uint32_t cp;
  while (i < len) {
    if (p[i] == 0)
      return 0;
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    n = nb_utf8_decode(p + i, len - i, &cp);
    if (cp == 0xFFFD && n == 1)
      return 0;
    i += n;
  }
  return 1;
}

char *nb_utf8_repair(const char *s, size_t len, size_t *out_len,
                     size_t *repaired) {
  const unsigned char *p = (const unsigned char *)s;
  char *out, *o;
  size_t i = 0, n, fixes = 0;
  uint32_t cp;
  if (len > (SIZE_MAX - 1) / 3)
    return NULL;
  out = malloc(len * 3 + 1);
  if (!out)
    return NULL;
  o = out;
  while (i < len) {
    if (p[i] < 0x80) {
      if (p[i])
        *o++ = (char)p[i];
      else
        fixes++;
      i++;
      continue;
    }
    n = nb_utf8_decode(p + i, len - i, &cp);
    if (cp == 0xFFFD && n == 1)
      fixes++;
    o += nb_utf8_encode(cp, o);
    i += n;
  }
  *o = '\0';
  if (out_len)
    *out_len = (size_t)(o - out);
  if (repaired)
    *repaired = fixes;
  return out;
}

int nb_is_cjk(uint32_t c) {
  return (c >= 0x2E80 && c <= 0x2FDF) || /* radicals */
         (c >= 0x3000 && c <= 0x303F) || /* CJK punctuation */
         (c >= 0x3040 && c <= 0x30FF) || /* kana */
         (c >= 0x3100 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

int nb_hex_value(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}
