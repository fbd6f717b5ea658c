/* The style sheet an EPUB ships: the theme, without what e-book stores
 * reject, followed by the rules the writer itself needs (vertical writing,
 * embedded fonts: see epub.c). Kindle's conversion refuses CSS custom
 * properties, so declarations of them (--name: value) and declarations
 * using them (var(--name)) are left out, and said so. Everything else is
 * copied byte for byte: this is a filter over the text, not a CSS
 * parser, and it never fails on content. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "write/epub/epub.h"

/* 1 when the declaration @p d (@p n bytes, between '{' or ';' and ';' or
 * '}') declares a custom property or uses one. */
static int S_custom(const char *d, size_t n) {
  size_t i = 0, k;
  while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
                   d[i] == '\r' || d[i] == '\f'))
    i++;
  if (i + 1 < n && d[i] == '-' && d[i + 1] == '-')
    return 1;
  for (k = i; k + 4 <= n; k++) {
    if (d[k] == '"' || d[k] == '\'') { /* strings are text, not calls */
      char q = d[k];
      for (k++; k < n && d[k] != q; k++)
        if (d[k] == '\\')
          k++;
      continue;
    }
    if (d[k] == '/' && d[k + 1] == '*') {
      for (k += 2; k + 1 < n && !(d[k] == '*' && d[k + 1] == '/'); k++)
        ;
      k++;
      continue;
    }
    if (strncasecmp(d + k, "var(", 4) == 0 &&
        (k == 0 || !((d[k - 1] >= 'a' && d[k - 1] <= 'z') ||
                     (d[k - 1] >= 'A' && d[k - 1] <= 'Z') ||
                     (d[k - 1] >= '0' && d[k - 1] <= '9') || d[k - 1] == '-' ||
                     d[k - 1] == '_')))
      return 1;
  }
  return 0;
}

size_t nb_epub_css_filter(const char *css, size_t len, nb_buf *out) {
  size_t i = 0, seg = 0, dropped = 0;
  int depth = 0, paren = 0;
  while (i < len) {
    char c = css[i];
    if (c == '/' && i + 1 < len && css[i + 1] == '*') {
      const char *end = NULL;
      size_t j;
      for (j = i + 2; j + 1 < len; j++)
        if (css[j] == '*' && css[j + 1] == '/') {
          end = css + j + 2;
          break;
        }
      i = end ? (size_t)(end - css) : len;
      continue;
    }
    if (c == '"' || c == '\'') {
      for (i++; i < len && css[i] != c && css[i] != '\n'; i++)
        if (css[i] == '\\' && i + 1 < len)
          i++;
      if (i < len)
        i++;
      continue;
    }
    if (c == '(') {
      paren++;
    } else if (c == ')' && paren > 0) {
      paren--;
    } else if (paren == 0 && c == '{') {
      /* what came before was a selector or an at-rule's prelude */
      depth++;
      nb_buf_append(out, css + seg, i + 1 - seg);
      seg = i + 1;
    } else if (paren == 0 && (c == ';' || c == '}')) {
      size_t end = c == ';' ? i + 1 : i; /* '}' is copied with the next */
      if (depth > 0 && S_custom(css + seg, i - seg)) {
        dropped++;
      } else {
        nb_buf_append(out, css + seg, end - seg);
      }
      seg = end;
      if (c == '}') {
        nb_buf_putc(out, '}');
        seg = i + 1;
        if (depth > 0)
          depth--;
      }
    }
    i++;
  }
  if (seg < len) {
    if (depth > 0 && S_custom(css + seg, len - seg))
      dropped++;
    else
      nb_buf_append(out, css + seg, len - seg);
  }
  return dropped;
}
