/* The article reader: the entry point for one input file. It cleans the
 * bytes (BOM, invalid UTF-8, NULs), splits off the front matter, decides
 * whether the body is HTML or Markdown and hands each part to its reader.
 * Also the reader table and option defaults. */
#include <ctype.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "read/page.h"
#include "read/read.h"
#include "util/util.h"

/* libxml2 creates its global locks lazily, and two threads that both get
 * there first deadlock (seen: both waiting in __xmlRandom under
 * xmlDictCreate). Initialising once, before any parse, closes the race;
 * every reader entry point passes here. */
static pthread_once_t S_xml_once = PTHREAD_ONCE_INIT;
static void S_xml_init(void) {
  xmlInitParser();
}

nb_read_options nb_read__options(const nb_read_options *opts) {
  nb_read_options o;
  pthread_once(&S_xml_once, S_xml_init);
  memset(&o, 0, sizeof o);
  if (opts)
    o = *opts;
  o.abi_version = NB_READ_ABI_VERSION;
  if (o.max_input_bytes == 0)
    o.max_input_bytes = NB_READ_DEFAULT_MAX_INPUT;
  if (o.max_depth <= 0)
    o.max_depth = NB_READ_DEFAULT_MAX_DEPTH;
  return o;
}

void nb_read__cap_title(nb_doc *doc, const char *path, int line,
                        const nb_diag *diag) {
  const char *t = nb_doc_get_meta(doc, "title");
  size_t len = t ? strlen(t) : 0, cut = NB_READ_MAX_TITLE;
  char *c;
  if (len <= NB_READ_MAX_TITLE)
    return;
  while (cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80)
    cut--;
  c = malloc(cut + sizeof "\xe2\x80\xa6");
  if (!c)
    return;
  memcpy(c, t, cut);
  memcpy(c + cut, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
  /* nothing is lost: the whole title opens the body as a paragraph */
  {
    nb_node *root = nb_doc_root(doc), *p = nb_node_new(doc, NB_NODE_PARAGRAPH),
            *tx = nb_node_new(doc, NB_NODE_TEXT);
    nb_node *first = root ? nb_node_first_child(root) : NULL;
    if (p && tx && nb_node_set_literal(tx, t, len) &&
        nb_node_append_child(p, tx)) {
      if (first)
        nb_node_insert_before(first, p);
      else if (root)
        nb_node_append_child(root, p);
    }
  }
  nb_diag_emit(diag, NB_SEV_WARNING, "limit", path, line, NULL,
               "the title is %zu bytes long: cut to its first %d bytes, and "
               "the whole of it opens the text — a title that long is not a "
               "title",
               len, NB_READ_MAX_TITLE);
  nb_doc_set_meta(doc, "title", c);
  free(c);
}

void nb_read__guess_lang(nb_doc *doc) {
  nb_buf b = NB_BUF_INIT;
  char *text;
  if (nb_doc_get_meta(doc, "lang"))
    return;
  if (nb_doc_get_meta(doc, "title"))
    nb_buf_puts(&b, nb_doc_get_meta(doc, "title"));
  text = nb_node_text(nb_doc_root(doc));
  if (text)
    nb_buf_puts(&b, text);
  free(text);
  nb_doc_set_meta(doc, "lang", nb_text_guess_lang(b.data ? b.data : "", b.len));
  nb_buf_free(&b);
}

/* Convert @p data from @p charset to UTF-8 with iconv, all or nothing.
 * Returns a malloc'd NUL-terminated string, or NULL when any byte does not
 * convert (then the guess was wrong). */
static char *S_iconv_all(const char *charset, const char *data, size_t len,
                         size_t *out_len) {
  iconv_t cd = iconv_open("UTF-8", charset);
  char *out, *in = (char *)data, *o;
  size_t inleft = len, outleft, cap;
  if (cd == (iconv_t)-1)
    return NULL;
  if (len > (SIZE_MAX - 1) / 4) {
    iconv_close(cd);
    return NULL;
  }
  cap = len * 4 + 1;
  out = malloc(cap);
  if (!out) {
    iconv_close(cd);
    return NULL;
  }
  o = out;
  outleft = cap - 1;
  if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft) {
    free(out);
    iconv_close(cd);
    return NULL;
  }
  iconv_close(cd);
  *o = '\0';
  *out_len = (size_t)(o - out);
  return out;
}

/* The legacy encoding a non-UTF-8 input is in, or NULL: UTF-16 by its BOM;
 * GB18030 (a superset of GBK and GB2312) when the text declares one of
 * them, or when most of its non-ASCII bytes are not UTF-8 at all (a file
 * with a few damaged bytes is still UTF-8 and gets repaired instead). */
static const char *S_legacy_charset(const char *data, size_t len,
                                    size_t invalid) {
  size_t i, high = 0, scan = len < 8192 ? len : 8192;
  if (len >= 2 && (unsigned char)data[0] == 0xFF &&
      (unsigned char)data[1] == 0xFE)
    return "UTF-16LE";
  if (len >= 2 && (unsigned char)data[0] == 0xFE &&
      (unsigned char)data[1] == 0xFF)
    return "UTF-16BE";
  for (i = 0; i + 6 <= scan; i++) {
    if ((data[i] | 0x20) == 'g' && (data[i + 1] | 0x20) == 'b' &&
        (strncasecmp(data + i, "gbk", 3) == 0 ||
         strncasecmp(data + i, "gb2312", 6) == 0 ||
         strncasecmp(data + i, "gb18030", 7 <= scan - i ? 7 : 6) == 0))
      return "GB18030";
  }
  for (i = 0; i < len; i++)
    high += (unsigned char)data[i] >= 0x80;
  return high && invalid * 4 >= high ? "GB18030" : NULL;
}

/* Clean input: the limit, a BOM, invalid UTF-8 and NULs. Returns the bytes
 * to read (*owned is set when they were copied and must be freed), or NULL
 * with @p err filled. */
static const char *S_clean_input(const char *path, const char *data, size_t len,
                                 const nb_read_options *o, const nb_diag *diag,
                                 size_t *out_len, char **owned, nb_error *err) {
  *owned = NULL;
  if (!data && len)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0, "no data"), NULL;
  if (!data)
    data = "";
  if (len > o->max_input_bytes) {
    nb_error_set(err, NB_ERR_LIMIT, path, 0,
                 "input is %zu bytes, more than the limit of %zu; raise "
                 "the limit or split the input",
                 len, o->max_input_bytes);
    return NULL;
  }
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  if (!nb_utf8_valid(data, len)) {
    size_t repaired = 0, conv_len = 0, orig_len = len;
    const char *charset;
    char *conv = NULL;
    *owned = nb_utf8_repair(data, len, &len, &repaired);
    if (!*owned) {
      nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
      return NULL;
    }
    charset = S_legacy_charset(data, orig_len, repaired);
    if (charset)
      conv = S_iconv_all(charset, data, orig_len, &conv_len);
    if (conv && !nb_utf8_valid(conv, conv_len)) {
      free(conv);
      conv = NULL;
    }
    if (conv) {
      free(*owned);
      *owned = conv;
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", path, 0, NULL,
                   "not UTF-8: read as %s and converted — save articles "
                   "as UTF-8 to avoid the guess",
                   charset);
      *out_len = conv_len;
      return conv;
    }
    nb_diag_emit(diag, NB_SEV_WARNING, "encoding", path, 0, NULL,
                 "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced",
                 repaired);
    data = *owned;
  }
  *out_len = len;
  return data;
}

/* Find the front matter: optional blank lines, a "---" line, the block,
 * and a closing "---" (or "...") line. Sets the block and the body, and
 * the body's first line. Returns 1 when there is front matter, 0 when none,
 * -1 when it is never closed. */
static int S_split(const char *s, size_t len, const char **fm, size_t *fm_len,
                   const char **body, size_t *body_len, int *body_line,
                   int *fm_line) {
  size_t i = 0, line_start;
  int line = 1;
  while (i < len && isspace((unsigned char)s[i])) {
    if (s[i] == '\n')
      line++;
    i++;
  }
  /* Back to the start of the line the first text is on. */
  while (i > 0 && s[i - 1] != '\n')
    i--;
  if (len - i < 3 || memcmp(s + i, "---", 3) != 0)
    return 0;
  i += 3;
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
    i++;
  if (i < len && s[i] != '\n')
    return 0; /* "----" or "--- x": not a front matter fence */
  i++;
  line++;
  *fm = s + i;
  *fm_line = line;
  for (line_start = i; line_start < len;) {
    const char *eol = memchr(s + line_start, '\n', len - line_start);
    size_t end = eol ? (size_t)(eol - s) : len, e = end;
    while (e > line_start &&
           (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
      e--;
    if (e - line_start == 3 && (memcmp(s + line_start, "---", 3) == 0 ||
                                memcmp(s + line_start, "...", 3) == 0)) {
      *fm_len = line_start - (size_t)(*fm - s);
      *body = eol ? eol + 1 : s + len;
      *body_len = (size_t)(s + len - *body);
      *body_line = line + 1;
      return 1;
    }
    line++;
    line_start = eol ? end + 1 : len;
  }
  return -1;
}

/* HTML or Markdown? HTML when the body starts with a tag, or when
 * block-level tags are about as many as the lines of text. */
static int S_looks_html(const char *s, size_t len) {
  static const char *const tags[] = {
      "p",   "div",     "br",      "h1", "h2",         "h3",
      "h4",  "h5",      "h6",      "ul", "ol",         "table",
      "img", "section", "article", "li", "blockquote", NULL};
  size_t i = 0, ntags = 0, nlines = 0;
  int in_line = 0;
  while (i < len && isspace((unsigned char)s[i]))
    i++;
  if (i + 1 < len && s[i] == '<' &&
      (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '!'))
    return 1;
  for (; i < len; i++) {
    if (s[i] == '\n') {
      in_line = 0;
      continue;
    }
    if (!in_line && !isspace((unsigned char)s[i])) {
      in_line = 1;
      nlines++;
    }
    if (s[i] == '<' && i + 1 < len) {
      size_t k;
      for (k = 0; tags[k]; k++) {
        size_t n = strlen(tags[k]);
        if (i + 1 + n < len && strncasecmp(s + i + 1, tags[k], n) == 0 &&
            !isalnum((unsigned char)s[i + 1 + n])) {
          ntags++;
          break;
        }
      }
    }
  }
  return ntags > 0 && ntags * 2 >= nlines;
}

static int S_has_ext(const char *path, const char *ext) {
  size_t n, e = strlen(ext);
  if (!path)
    return 0;
  n = strlen(path);
  return n > e && strcasecmp(path + n - e, ext) == 0;
}

int nb_read__blank(const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t len = strlen((const char *)p), i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = nb_utf8_decode(p + i, len - i, &cp);
    if (!(cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 ||
          (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 ||
          cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 ||
          cp == 0xFEFF || cp == 0xFFFD))
      return 0;
    i += n ? n : 1;
  }
  return 1;
}

/* The file name without directory or extension: the title of last resort. */
static char *S_stem(const char *path) {
  const char *b, *dot;
  if (!path || !*path || strcmp(path, "-") == 0)
    return nb_strdup("Untitled");
  b = strrchr(path, '/');
  b = b ? b + 1 : path;
  dot = strrchr(b, '.');
  if (!dot || dot == b)
    dot = b + strlen(b);
  if (dot == b)
    return nb_strdup("Untitled");
  {
    char *stem = nb_strndup(b, (size_t)(dot - b));
    if (stem && nb_read__blank(stem)) {
      free(stem);
      return nb_strdup("Untitled");
    }
    return stem;
  }
}

static int S_read_body(nb_doc *doc, const char *path, const char *body,
                       size_t len, int line0, int html,
                       const nb_read_options *o, const nb_diag *diag,
                       nb_error *err) {
  char *h = NULL;
  size_t hlen = 0;
  int rc;
  if (html && o->extract == NB_EXTRACT_ALWAYS)
    return nb_read__page_into(doc, path, NULL, body, len, NB_EXTRACT_ALWAYS,
                              o, diag, err);
  if (html)
    return nb_read__html_into(doc, path, body, len, line0, 1, o, diag, err);
  if (nb_read__markdown_to_html(body, len, &h, &hlen) != 0)
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0,
                        "could not read the Markdown body (out of memory)");
  rc = nb_read__html_into(doc, path, h, hlen, 0, 0, o, diag, err);
  free(h);
  return rc;
}

/* 0: detect, 1: HTML, 2: Markdown */
static nb_doc *S_read(const char *path, const char *data, size_t len,
                      const nb_read_options *opts, const nb_diag *diag,
                      nb_error *err, int want) {
  nb_read_options o = nb_read__options(opts);
  char *owned = NULL;
  const char *s, *fm = NULL, *body;
  size_t slen = 0, fm_len = 0, body_len;
  int body_line = 1, fm_line = 2, split, html;
  nb_doc *doc;

  /* A whole web page (.html/.htm with <html>, <head> or <body>) goes to
   * the page reader: its own charset rules, metadata and extraction. */
  if (!want && (S_has_ext(path, ".html") || S_has_ext(path, ".htm")) &&
      nb_is_page(data, len)) {
    doc = nb_read_page(path, NULL, data, len, NULL, &o, diag, err);
    if (doc && path)
      nb_doc_set_meta(doc, "path", path);
    return doc;
  }
  s = S_clean_input(path, data, len, &o, diag, &slen, &owned, err);
  if (!s)
    return NULL;
  doc = nb_doc_new();
  if (!doc) {
    free(owned);
    nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
    return NULL;
  }
  body = s;
  body_len = slen;
  split = want ? 0
               : S_split(s, slen, &fm, &fm_len, &body, &body_len, &body_line,
                         &fm_line);
  if (split < 0) {
    nb_diag_emit(diag, NB_SEV_WARNING, "syntax", path, 1, NULL,
                 "front matter is never closed by a \"---\" line; the whole "
                 "file is read as the body");
    body = s;
    body_len = slen;
    body_line = 1;
  } else if (split > 0) {
    nb_read__front_matter(doc, path, fm, fm_len, fm_line, diag);
  }
  if (want)
    html = want == 1;
  else if (split <= 0 && (S_has_ext(path, ".html") || S_has_ext(path, ".htm")))
    html = 1;
  else
    html = S_looks_html(body, body_len);
  if (S_read_body(doc, path, body, body_len, body_line, html, &o, diag, err) !=
      0) {
    nb_doc_free(doc);
    free(owned);
    return NULL;
  }
  free(owned);
  if (!nb_doc_get_meta(doc, "title") ||
      nb_read__blank(nb_doc_get_meta(doc, "title"))) {
    /* the message names what the book will show */
    char *stem = S_stem(path);
    nb_diag_emit(diag, NB_SEV_WARNING, "metadata", path, 0, NULL,
                 "%s; using \"%s\"",
                 nb_doc_get_meta(doc, "title") ? "the title is only white space"
                                               : "no title",
                 stem ? stem : "Untitled");
    nb_doc_set_meta(doc, "title", stem ? stem : "Untitled");
    free(stem);
  }
  nb_read__cap_title(doc, path, 0, diag);
  if (path)
    nb_doc_set_meta(doc, "path", path);
  nb_read__guess_lang(doc);
  return doc;
}

nb_doc *nb_read_article(const char *path, const char *data, size_t len,
                        const nb_read_options *opts, const nb_diag *diag,
                        nb_error *err) {
  return S_read(path, data, len, opts, diag, err, 0);
}

nb_doc *nb_read_html(const char *path, const char *data, size_t len,
                     const nb_read_options *opts, const nb_diag *diag,
                     nb_error *err) {
  return S_read(path, data, len, opts, diag, err, 1);
}

nb_doc *nb_read_markdown(const char *path, const char *data, size_t len,
                         const nb_read_options *opts, const nb_diag *diag,
                         nb_error *err) {
  return S_read(path, data, len, opts, diag, err, 2);
}

const nb_reader *nb_readers(void) {
  static const nb_reader table[] = {{"article", nb_read_article},
                                    {"html", nb_read_html},
                                    {"markdown", nb_read_markdown},
                                    {NULL, NULL}};
  return table;
}
