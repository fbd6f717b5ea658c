/* What fetched bytes are: a feed, a web page, or something newsbook does
 * not read. The bytes speak first for feeds (servers label RSS text/html,
 * text/plain or application/octet-stream all the time), the Content-Type
 * for pages, and an untyped or generic body is sniffed for HTML the way
 * browsers do (WHATWG MIME Sniffing, "text/html" patterns). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "newsbook/acquire.h"

int nb_acquire_is_url(const char *input) {
  return input && (strncasecmp(input, "http://", 7) == 0 ||
                   strncasecmp(input, "https://", 8) == 0);
}

static int S_type_is(const char *type, const char *want) {
  return type && strcasecmp(type, want) == 0;
}

static int S_type_prefix(const char *type, const char *prefix) {
  return type && strncasecmp(type, prefix, strlen(prefix)) == 0;
}

static int S_type_suffix(const char *type, const char *suffix) {
  size_t n = type ? strlen(type) : 0, k = strlen(suffix);
  return n > k && strcasecmp(type + n - k, suffix) == 0;
}

/* 1 when the body starts (after a BOM and white space) with one of the
 * WHATWG "text/html" patterns: a tag name followed by a space or ">". */
static int S_looks_html(const char *data, size_t len) {
  static const char *const tags[] = {"!DOCTYPE HTML",
                                     "HTML",
                                     "HEAD",
                                     "SCRIPT",
                                     "IFRAME",
                                     "H1",
                                     "DIV",
                                     "FONT",
                                     "TABLE",
                                     "A",
                                     "STYLE",
                                     "TITLE",
                                     "B",
                                     "BODY",
                                     "BR",
                                     "P",
                                     "!--",
                                     "META",
                                     "LINK",
                                     "ARTICLE",
                                     NULL};
  size_t i = 0, k;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  /* an XML declaration may open an XHTML page */
  while (i < len && isspace((unsigned char)data[i]))
    i++;
  if (len - i >= 5 && memcmp(data + i, "<?xml", 5) == 0) {
    const char *end = memchr(data + i, '>', len - i);
    if (!end)
      return 0;
    i = (size_t)(end - data) + 1;
    while (i < len && isspace((unsigned char)data[i]))
      i++;
  }
  if (i >= len || data[i] != '<')
    return 0;
  i++;
  for (k = 0; tags[k]; k++) {
    size_t n = strlen(tags[k]);
    char after;
    if (len - i <= n || strncasecmp(data + i, tags[k], n) != 0)
      continue;
    after = data[i + n];
    if (after == ' ' || after == '>' || after == '\t' || after == '\n' ||
        after == '\r' || strcmp(tags[k], "!--") == 0)
      return 1;
  }
  return 0;
}

static nb_content_kind S_other(char *why, size_t size, const char *fmt,
                               const char *type) {
  if (why && size)
    snprintf(why, size, fmt, type ? type : "");
  return NB_CONTENT_OTHER;
}

nb_content_kind nb_acquire_sniff(const char *type, const char *data, size_t len,
                                 char *why, size_t why_size) {
  if (why && why_size)
    why[0] = '\0';
  if (!data || len == 0)
    return S_other(why, why_size, "empty%s", "");
  if (nb_is_feed(data, len))
    return NB_CONTENT_FEED;
  if (S_type_is(type, "text/html") || S_type_is(type, "application/xhtml+xml"))
    return NB_CONTENT_PAGE;
  if (S_type_is(type, "application/rss+xml") ||
      S_type_is(type, "application/atom+xml") ||
      S_type_is(type, "application/feed+json") ||
      S_type_is(type, "application/rdf+xml"))
    return S_other(why, why_size,
                   "labelled %s, but not an RSS, Atom or JSON feed", type);
  if (S_type_is(type, "application/json") || S_type_suffix(type, "+json"))
    return S_other(why, why_size,
                   "%s, but not a JSON Feed (no \"version\": "
                   "\"https://jsonfeed.org/version/1.1\")",
                   type);
  if (type && !S_type_prefix(type, "text/") &&
      !S_type_is(type, "application/xml") && !S_type_suffix(type, "+xml") &&
      !S_type_is(type, "application/octet-stream") &&
      !S_type_is(type, "binary/octet-stream") &&
      !S_type_is(type, "application/unknown"))
    return S_other(why, why_size, "%s, not a feed or a web page", type);
  if (S_looks_html(data, len))
    return NB_CONTENT_PAGE;
  if (S_type_is(type, "application/xml") || S_type_is(type, "text/xml") ||
      S_type_suffix(type, "+xml"))
    return S_other(why, why_size,
                   "%s, but neither an RSS, Atom or JSON feed nor a web page",
                   type);
  if (why && why_size)
    snprintf(why, why_size, "%s%sneither a feed nor a web page",
             type ? type : "", type ? ", " : "");
  return NB_CONTENT_OTHER;
}
