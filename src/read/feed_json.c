/* JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), one document
 * per item, read with json-c: the tokenizer's nesting depth is capped (a
 * feed needs five levels; a hostile one gets a clear error instead of deep
 * recursion), strings are copied without NULs and repaired to valid UTF-8.
 *
 * Each item maps to what RSS and Atom items give (feed.c): title; id to
 * "guid"; url to "source" (else an id that is a URL, else external_url);
 * content_html, else content_text, else summary as the body, and the
 * summary as "description" beside a content; date_published (else
 * date_modified); authors (1.1) or author (1.0), else the feed's; tags as
 * categories; image (else banner_image) as the lead image; language, else
 * the feed's. Relative URLs resolve against the item's url, else the
 * feed's address. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "read/read.h"
#include "util/util.h"

#define S_MAX_DEPTH 32

int nb_read__is_json_feed(const char *data, size_t len) {
  size_t i = 0;
  if (!data)
    return 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < len && isspace((unsigned char)data[i]))
    i++;
  if (i >= len || data[i] != '{')
    return 0;
  /* "version": "https://jsonfeed.org/version/1.1" (or https:\/\/...): the
   * key may come after the items, so look through the whole text */
  while (i + 12 <= len) {
    const char *j = memchr(data + i, 'j', len - i - 11);
    if (!j)
      return 0;
    if (memcmp(j, "jsonfeed.org", 12) == 0)
      return 1;
    i = (size_t)(j - data) + 1;
  }
  return 0;
}

/* How S_get copies a member. */
enum { S_LINE = 0, S_NUMBER = 1, S_LINES = 2 };

/* A string member of @p o (S_NUMBER: a number too, as ids may be), copied:
 * NULs dropped, invalid UTF-8 repaired, white space trimmed and, unless
 * S_LINES (bodies), every run of white space made one space (a title, a
 * name or a URL is one line). NULL when absent, not a string, or empty. */
static char *S_get(json_object *o, const char *key, int how) {
  json_object *v;
  const char *s;
  size_t n, i, start, end;
  nb_buf b = NB_BUF_INIT;
  json_type t;
  int sp = 0;
  if (!o || !json_object_object_get_ex(o, key, &v) || !v)
    return NULL;
  t = json_object_get_type(v);
  if (t != json_type_string &&
      !((how & S_NUMBER) && (t == json_type_int || t == json_type_double)))
    return NULL;
  s = json_object_get_string(v);
  if (!s)
    return NULL;
  n = t == json_type_string ? (size_t)json_object_get_string_len(v) : strlen(s);
  for (start = 0; start < n && isspace((unsigned char)s[start]); start++)
    ;
  for (end = n; end > start && isspace((unsigned char)s[end - 1]); end--)
    ;
  for (i = start; i < end; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\0')
      continue;
    if (!(how & S_LINES) && (isspace(c) || c < 0x20 || c == 0x7f)) {
      sp = 1;
      continue;
    }
    if (sp)
      nb_buf_putc(&b, ' ');
    sp = 0;
    nb_buf_putc(&b, (char)c);
  }
  if (b.failed || b.len == 0) {
    nb_buf_free(&b);
    return NULL;
  }
  if (!nb_utf8_valid(b.data, b.len)) {
    size_t fixes = 0, fixed_len = 0;
    char *r = nb_utf8_repair(b.data, b.len, &fixed_len, &fixes);
    nb_buf_free(&b);
    return r;
  }
  return nb_buf_detach(&b);
}

static json_object *S_member(json_object *o, const char *key, json_type t) {
  json_object *v;
  if (!o || !json_object_object_get_ex(o, key, &v) || !v ||
      json_object_get_type(v) != t)
    return NULL;
  return v;
}

/* Authors of @p o ("authors" objects in 1.1, "author" in 1.0) into @p doc.
 * Returns how many. */
static int S_authors(nb_doc *doc, json_object *o) {
  json_object *arr = S_member(o, "authors", json_type_array), *one;
  int n = 0;
  size_t i, len = arr ? json_object_array_length(arr) : 0;
  for (i = 0; i < len; i++) {
    char *name = S_get(json_object_array_get_idx(arr, i), "name", S_LINE);
    if (name && nb_doc_add_author(doc, name))
      n++;
    free(name);
  }
  if (n == 0 && (one = S_member(o, "author", json_type_object)) != NULL) {
    char *name = S_get(one, "name", S_LINE);
    if (name && nb_doc_add_author(doc, name))
      n++;
    free(name);
  }
  return n;
}

/* Plain text as HTML paragraphs: blank lines separate paragraphs, single
 * line breaks stay breaks, markup characters are escaped. */
static void S_text_html(const char *s, nb_buf *out) {
  const char *p = s;
  int open = 0;
  while (*p) {
    if (*p == '\n' || *p == '\r') {
      const char *q = p;
      int lines = 0;
      while (*q == '\n' || *q == '\r' || *q == ' ' || *q == '\t') {
        if (*q == '\n')
          lines++;
        q++;
      }
      if (lines == 0 && *p == '\r')
        lines = 1;
      if (open && (lines >= 2 || !*q)) {
        nb_buf_puts(out, "</p>");
        open = 0;
      } else if (open) {
        nb_buf_puts(out, "<br>");
      }
      p = q;
      continue;
    }
    if (!open) {
      nb_buf_puts(out, "<p>");
      open = 1;
    }
    switch (*p) {
    case '<': nb_buf_puts(out, "&lt;"); break;
    case '>': nb_buf_puts(out, "&gt;"); break;
    case '&': nb_buf_puts(out, "&amp;"); break;
    default: nb_buf_putc(out, *p);
    }
    p++;
  }
  if (open)
    nb_buf_puts(out, "</p>");
}

/* What the feed says for all its items. */
typedef struct S_feed {
  json_object *root;
  char *title, *language;
  char *base; /* the feed's own address: fetched URL, feed_url, home page */
} S_feed;

static int S_is_http(const char *s) {
  return s && (strncasecmp(s, "http://", 7) == 0 ||
               strncasecmp(s, "https://", 8) == 0);
}

/* @p ref made absolute against @p base when it is relative; malloc'd. */
static char *S_abs(const char *base, const char *ref) {
  char *abs = base ? nb_read__resolve_url(base, ref) : NULL;
  return abs ? abs : nb_strdup(ref);
}

static void S_set(nb_doc *doc, const char *key, char *value) {
  if (value)
    nb_doc_set_meta(doc, key, value);
  free(value);
}

/* Set @p key to a URL made absolute, when it is one worth keeping (http(s)
 * or relative: never javascript:, data:, file:). Takes @p value. */
static void S_set_url(nb_doc *doc, const char *key, char *value) {
  if (value && nb_read__url_ok(value))
    nb_doc_set_meta(doc, key, value);
  free(value);
}

/* Metadata of one item (everything but its body) into @p doc. */
static void S_item_meta(nb_doc *doc, json_object *item, const S_feed *fd) {
  char *s;
  json_object *tags;
  size_t i, n;
  S_set(doc, "title", S_get(item, "title", S_LINE));
  S_set(doc, "guid", S_get(item, "id", S_NUMBER));
  if ((s = S_get(item, "url", S_LINE)) != NULL)
    S_set_url(doc, "source", S_abs(fd->base, s));
  free(s);
  if ((s = S_get(item, "external_url", S_LINE)) != NULL)
    S_set_url(doc, "external_url", S_abs(fd->base, s));
  free(s);
  if (!nb_doc_get_meta(doc, "source")) {
    const char *g = nb_doc_get_meta(doc, "guid");
    if (S_is_http(g))
      nb_doc_set_meta(doc, "source", g);
    else if (nb_doc_get_meta(doc, "external_url"))
      nb_doc_set_meta(doc, "source", nb_doc_get_meta(doc, "external_url"));
  }
  if ((s = S_get(item, "date_published", S_LINE)) == NULL)
    s = S_get(item, "date_modified", S_LINE);
  if (s) {
    nb_doc_set_meta(doc, "date", s);
    nb_doc_set_date(doc, nb_date_parse(s));
    free(s);
  }
  if (S_authors(doc, item) == 0)
    S_authors(doc, fd->root);
  tags = S_member(item, "tags", json_type_array);
  n = tags ? json_object_array_length(tags) : 0;
  for (i = 0; i < n; i++) {
    json_object *t = json_object_array_get_idx(tags, i);
    const char *v;
    if (!t || json_object_get_type(t) != json_type_string)
      continue;
    v = json_object_get_string(t);
    if (v && *v && nb_utf8_valid(v, strlen(v)))
      nb_doc_add_category(doc, v);
  }
  if ((s = S_get(item, "image", S_LINE)) != NULL)
    S_set_url(doc, "headimg", S_abs(fd->base, s));
  free(s);
  if ((s = S_get(item, "banner_image", S_LINE)) != NULL)
    S_set_url(doc, "banner_image", S_abs(fd->base, s));
  free(s);
  if (!nb_doc_get_meta(doc, "headimg") && nb_doc_get_meta(doc, "banner_image"))
    nb_doc_set_meta(doc, "headimg", nb_doc_get_meta(doc, "banner_image"));
  if ((s = S_get(item, "language", S_LINE)) != NULL)
    S_set(doc, "lang", s);
  else if (fd->language)
    nb_doc_set_meta(doc, "lang", fd->language);
  if (fd->title)
    nb_doc_set_meta(doc, "feed_title", fd->title);
}

/* One item to a document, handed over. 0 to go on, 1 to stop, or a
 * negative nb_code. */
static int S_item(nb_read__feed *f, json_object *item, const S_feed *fd) {
  nb_doc *doc = nb_doc_new();
  nb_buf html = NB_BUF_INIT;
  char *content_html, *content_text, *summary;
  const char *src, *base;
  int rc;
  if (!doc)
    return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
  S_item_meta(doc, item, fd);
  content_html = S_get(item, "content_html", S_LINES);
  content_text = content_html ? NULL : S_get(item, "content_text", S_LINES);
  summary = S_get(item, "summary", S_LINES);
  if (content_html)
    nb_buf_puts(&html, content_html);
  else if (content_text)
    S_text_html(content_text, &html);
  else if (summary)
    S_text_html(summary, &html);
  if ((content_html || content_text) && summary) {
    char *line = S_get(item, "summary", S_LINE);
    if (line && strlen(line) < 1024)
      nb_doc_set_meta(doc, "description", line);
    free(line);
  }
  free(content_html);
  free(content_text);
  free(summary);
  if (html.failed) {
    nb_buf_free(&html);
    nb_doc_free(doc);
    return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
  }
  src = nb_doc_get_meta(doc, "source");
  base = S_is_http(src) ? src : fd->base;
  rc = nb_read__feed_item(f, doc, html.data ? html.data : "", html.len, base, 0,
                          0);
  nb_buf_free(&html);
  return rc;
}

/* The line of byte @p off, for messages. */
static int S_line_of(const char *data, size_t off) {
  int line = 1;
  size_t i;
  for (i = 0; i < off; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

/* Parse @p data into the root object. NULL with f->err filled. */
static json_object *S_parse(nb_read__feed *f, const char *data, size_t len) {
  json_tokener *tok = json_tokener_new_ex(S_MAX_DEPTH);
  json_object *root;
  enum json_tokener_error jerr;
  size_t end;
  if (!tok) {
    nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
    return NULL;
  }
  root = json_tokener_parse_ex(tok, data, (int)len);
  jerr = json_tokener_get_error(tok);
  end = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (jerr == json_tokener_error_depth) {
    nb_error_set(f->err, NB_ERR_LIMIT, f->path, S_line_of(data, end),
                 "the JSON Feed nests deeper than %d levels — not a feed",
                 S_MAX_DEPTH);
    json_object_put(root);
    return NULL;
  }
  if (jerr == json_tokener_continue) {
    nb_error_set(f->err, NB_ERR_SYNTAX, f->path, S_line_of(data, len),
                 "the JSON Feed ends in the middle (truncated?) — fetch or "
                 "save it again");
    json_object_put(root);
    return NULL;
  }
  if (jerr != json_tokener_success || !root) {
    nb_error_set(f->err, NB_ERR_SYNTAX, f->path, S_line_of(data, end),
                 "the JSON Feed is not valid JSON: %s — fix it or fetch it "
                 "again",
                 json_tokener_error_desc(jerr));
    json_object_put(root);
    return NULL;
  }
  while (end < len && isspace((unsigned char)data[end]))
    end++;
  if (end < len)
    nb_diag_emit(f->diag, NB_SEV_WARNING, "syntax", f->path,
                 S_line_of(data, end), f->url,
                 "%zu bytes after the end of the JSON Feed ignored", len - end);
  return root;
}

int nb_read__json_feed(nb_read__feed *f, const char *data, size_t len) {
  json_object *root, *items;
  S_feed fd;
  char *version;
  size_t i, n;
  int rc = 0;
  memset(&fd, 0, sizeof fd);
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3; /* json-c does not skip a BOM */
    len -= 3;
  }
  root = S_parse(f, data, len);
  if (!root)
    return f->err && f->err->code ? f->err->code : NB_ERR_SYNTAX;
  version = json_object_get_type(root) == json_type_object
                ? S_get(root, "version", S_LINE)
                : NULL;
  if (!version || (strncmp(version, "https://jsonfeed.org/version/", 29) != 0 &&
                   strncmp(version, "http://jsonfeed.org/version/", 28) != 0)) {
    rc = nb_error_set(f->err, NB_ERR_FORMAT, f->path, 0,
                      "not a JSON Feed: no \"version\": "
                      "\"https://jsonfeed.org/version/1.1\" — give the "
                      "feed's own URL or file");
    goto cleanup;
  }
  fd.root = root;
  fd.title = S_get(root, "title", S_LINE);
  fd.language = S_get(root, "language", S_LINE);
  if (f->url) {
    fd.base = nb_strdup(f->url);
  } else {
    char *u = S_get(root, "feed_url", S_LINE);
    if (!S_is_http(u)) {
      free(u);
      u = S_get(root, "home_page_url", S_LINE);
    }
    fd.base = S_is_http(u) ? u : (free(u), NULL);
  }
  if (!json_object_object_get_ex(root, "items", &items) || !items) {
    rc = 0; /* a feed with no items: nothing to read */
    goto cleanup;
  }
  if (json_object_get_type(items) != json_type_array) {
    rc = nb_error_set(f->err, NB_ERR_FORMAT, f->path, 0,
                      "the JSON Feed's \"items\" is not an array — "
                      "nothing to read; check the feed");
    goto cleanup;
  }
  n = json_object_array_length(items);
  for (i = 0; i < n; i++) {
    json_object *it = json_object_array_get_idx(items, i);
    if (!it || json_object_get_type(it) != json_type_object) {
      nb_diag_emit(f->diag, NB_SEV_WARNING, "syntax", f->path, 0, f->url,
                   "JSON Feed item %zu is not an object: skipped", i + 1);
      continue;
    }
    rc = S_item(f, it, &fd);
    if (rc != 0)
      break;
  }
  rc = rc < 0 ? rc : f->count;
cleanup:
  free(version);
  free(fd.title);
  free(fd.language);
  free(fd.base);
  json_object_put(root);
  return rc;
}
