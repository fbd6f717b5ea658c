/* The style sheet an EPUB ships: the theme, without what e-book stores
 * reject, followed by the rules the writer itself needs (vertical writing
 * from styles/vertical.css, @font-face rules for embedded fonts). Kindle's
 * conversion refuses CSS custom properties, so declarations of them
 * (--name: value) and declarations using them (var(--name)) are left out,
 * and said so. Everything else is copied byte for byte: this is a filter
 * over the text, not a CSS parser, and it never fails on content. The
 * theme also says whether it asks for vertical writing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsbook/writer.h"
#include "write/epub/epub.h"

/* 1 when the declaration @p d (@p n bytes, between '{' or ';' and ';' or
 * '}') declares a custom property or uses one. */
static int S_custom(const char *d, size_t n) {
  size_t i = 0, k;
  for (;;) { /* white space and comments before the property */
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' ||
                     d[i] == '\r' || d[i] == '\f'))
      i++;
    if (!(i + 1 < n && d[i] == '/' && d[i + 1] == '*'))
      break;
    for (i += 2; i + 1 < n && !(d[i] == '*' && d[i + 1] == '/'); i++)
      ;
    i += 2;
  }
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

/* ## The style sheet */

/* The fallbacks when a style file cannot be read: enough to read
 * comfortably (links underlined, as the theme has them), and enough to
 * read vertically. */
static const char S_builtin_css[] =
    "body { line-height: 1.75; text-align: justify; }\n"
    "p { text-indent: 2em; margin: 0 0 0.5em 0; }\n"
    "h1, h2, h3, h4, h5, h6 { text-indent: 0; text-align: left; }\n"
    "a { text-decoration: underline; }\n"
    "img { max-width: 100%; height: auto; }\n"
    "pre { white-space: pre-wrap; }\n"
    "table { border-collapse: collapse; }\n"
    "th, td { border: 1px solid #999999; padding: 0.2em 0.4em; }\n"
    ".placeholder { display: block; border: 1px dashed #999999; "
    "text-align: center; text-indent: 0; }\n"
    "section.cover, section.titlepage { text-align: center; }\n";

static const char S_builtin_vertical[] =
    "html { writing-mode: vertical-rl; -epub-writing-mode: vertical-rl; "
    "-webkit-writing-mode: vertical-rl; }\n"
    "span.tcy { text-combine-upright: all; -epub-text-combine: horizontal; "
    "-webkit-text-combine: horizontal; }\n"
    "p { margin: 0; }\n"
    "pre, table { writing-mode: horizontal-tb; "
    "-epub-writing-mode: horizontal-tb; "
    "-webkit-writing-mode: horizontal-tb; }\n"
    "img { max-width: none; max-height: 100%; }\n";

/* Append the style file @p path to @p out, filtered. 1 when it was read,
 * 0 when it could not be (@p why says why). */
static int S_append_file(nb_epub_book *ep, const char *path, nb_buf *out,
                         const char **why, nb_error *rerr) {
  char *data = NULL;
  size_t len = 0, dropped;
  if (nb_read_file(path, 4u << 20, &data, &len, rerr) != 0) {
    *why = rerr->message;
    return 0;
  }
  if (!nb_utf8_valid(data, len)) {
    free(data);
    *why = "not UTF-8 text";
    return 0;
  }
  dropped = nb_epub_css_filter(data, len, out);
  free(data);
  if (out->len && out->data[out->len - 1] != '\n')
    nb_buf_putc(out, '\n');
  if (dropped)
    nb_diag_emit(ep->diag, NB_SEV_WARNING, "style", path, 0, NULL,
                 "%zu declaration%s of CSS custom properties (--name, "
                 "var()) left out of the EPUB's style sheet: Kindle "
                 "rejects them",
                 dropped, dropped == 1 ? "" : "s");
  return 1;
}

/* A style file shipped in styles/: from the source tree (a build that has
 * not been installed), else from the installed data. */
static int S_append_shipped(nb_epub_book *ep, const char *name, nb_buf *out) {
  const char *dirs[2];
  size_t i, n = 0;
  char path[1024];
  const char *why = NULL;
  nb_error rerr;
#ifdef NB_SRCDIR
  dirs[n++] = NB_SRCDIR "/styles/";
#endif
#ifdef NB_DATADIR
  dirs[n++] = NB_DATADIR "/styles/";
#endif
  for (i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s%s", dirs[i], name);
    if (S_append_file(ep, path, out, &why, &rerr))
      return 1;
  }
  return 0;
}

/* Trim @p s[0, n) of white space; the trimmed length, *@p s moved. */
static size_t S_trim(const char **s, size_t n) {
  while (n && strchr(" \t\r\n\f", **s))
    (*s)++, n--;
  while (n && strchr(" \t\r\n\f", (*s)[n - 1]))
    n--;
  return n;
}

/* 1 when a selector list @p sel (@p n bytes) names the root: html, body or
 * :root, alone. */
static int S_root_selector(const char *sel, size_t n) {
  while (n) {
    const char *one = sel;
    size_t k = 0, m;
    while (k < n && sel[k] != ',')
      k++;
    m = S_trim(&one, k);
    if ((m == 4 && strncasecmp(one, "html", 4) == 0) ||
        (m == 4 && strncasecmp(one, "body", 4) == 0) ||
        (m == 5 && strncasecmp(one, ":root", 5) == 0))
      return 1;
    sel += k < n ? k + 1 : k;
    n -= k < n ? k + 1 : k;
  }
  return 0;
}

/* 1 when the declarations @p d (@p n bytes) set a vertical writing mode. */
static int S_vertical_decl(const char *d, size_t n) {
  static const char *const props[] = {"writing-mode", "-epub-writing-mode",
                                      "-webkit-writing-mode"};
  size_t i = 0;
  while (i < n) {
    const char *decl = d + i, *colon, *prop, *val;
    size_t k = 0, plen, vlen, p;
    while (i + k < n && d[i + k] != ';')
      k++;
    colon = memchr(decl, ':', k);
    i += k + 1;
    if (!colon)
      continue;
    prop = decl;
    plen = S_trim(&prop, (size_t)(colon - decl));
    val = colon + 1;
    vlen = S_trim(&val, k - (size_t)(colon + 1 - decl));
    for (p = 0; p < sizeof props / sizeof props[0]; p++)
      if (plen == strlen(props[p]) && strncasecmp(prop, props[p], plen) == 0 &&
          vlen >= 8 && strncasecmp(val, "vertical", 8) == 0)
        return 1;
  }
  return 0;
}

/* "The theme may ask": a rule for the root, outside any at-rule, setting
 * a vertical writing mode. Comments and strings are not looked into. */
static int S_theme_vertical(const char *css, size_t len) {
  size_t i = 0, start = 0;
  int depth = 0, at = 0;
  size_t sel = 0, sel_len = 0, body = 0;
  while (i < len) {
    char c = css[i];
    if (c == '/' && i + 1 < len && css[i + 1] == '*') {
      const char *e = NULL;
      size_t j;
      for (j = i + 2; j + 1 < len; j++)
        if (css[j] == '*' && css[j + 1] == '/') {
          e = css + j + 2;
          break;
        }
      if (depth == 0) { /* a comment before a selector is not part of it */
        const char *p = css + start;
        if (S_trim(&p, i - start) == 0)
          start = e ? (size_t)(e - css) : len;
      }
      i = e ? (size_t)(e - css) : len;
      continue;
    }
    if (c == '"' || c == '\'') {
      for (i++; i < len && css[i] != c && css[i] != '\n'; i++)
        if (css[i] == '\\' && i + 1 < len)
          i++;
      i++;
      continue;
    }
    if (c == '{') {
      if (depth == 0) {
        const char *p = css + start;
        sel = start;
        sel_len = i - start;
        at = S_trim(&p, sel_len) && *p == '@';
        body = i + 1;
      }
      depth++;
    } else if (c == '}') {
      if (depth == 1 && !at && S_root_selector(css + sel, sel_len) &&
          S_vertical_decl(css + body, i - body))
        return 1;
      if (depth > 0)
        depth--;
      if (depth == 0)
        start = i + 1;
    } else if (c == ';' && depth == 0) {
      start = i + 1; /* @import ...; @charset ...; */
    }
    i++;
  }
  return 0;
}

int nb_epub_read_theme(nb_epub_book *ep) {
  const char *given = ep->opts ? ep->opts->style_path : NULL;
  const char *why = NULL;
  nb_error rerr;
  if (given) {
    if (!S_append_file(ep, given, &ep->theme, &why, &rerr)) {
      nb_diag_emit(ep->diag, NB_SEV_WARNING, "style", given, 0, NULL,
                   "cannot use the style sheet (%s): using the built-in "
                   "style instead",
                   why);
      nb_buf_puts(&ep->theme, S_builtin_css);
    }
  } else if (!S_append_shipped(ep, "default.css", &ep->theme)) {
    nb_diag_emit(ep->diag, NB_SEV_WARNING, "style", NULL, 0, NULL,
                 "the default theme styles/default.css was not found: using "
                 "the built-in style");
    nb_buf_puts(&ep->theme, S_builtin_css);
  }
  if (ep->theme.failed)
    return nb_epub_oom(ep);
  ep->theme_vertical = S_theme_vertical(ep->theme.data, ep->theme.len);
  return 0;
}

int nb_epub_write_css(nb_epub_book *ep) {
  nb_epub_item *it = nb_epub_add_item(ep, "css/style.css", "css", "text/css");
  if (!it)
    return nb_epub_oom(ep);
  nb_buf_append(&it->data, ep->theme.data, ep->theme.len);
  if (ep->vertical) {
    nb_buf_puts(&it->data, "\n");
    if (!S_append_shipped(ep, "vertical.css", &it->data))
      nb_buf_puts(&it->data, S_builtin_vertical);
  }
  if (ep->font_css.len) {
    nb_buf_puts(&it->data, "\n");
    nb_buf_append(&it->data, ep->font_css.data, ep->font_css.len);
  }
  return it->data.failed ? nb_epub_oom(ep) : 0;
}
