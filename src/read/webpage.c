/* The web-page reader: bytes of a whole page in, one nb_doc out — the
 * article, not the page.
 *
 *   bytes ─► charset (charset.c) ─► UTF-8 ─► libxml2 DOM
 *        ─► metadata (page_meta.c, page_jsonld.c)
 *        ─► real image addresses, absolute links (page_urls.c)
 *        ─► the article's part of the DOM (extract*.c)
 *        ─► serialised and read by the HTML reader (html.c) into the model
 *
 * The last step goes through HTML text on purpose: the HTML reader is the
 * one place that knows how markup becomes model nodes, and it takes bytes.
 * Serialising the article (a tenth of the page, usually) and parsing it
 * again costs about a millisecond.
 *
 * Nothing here reaches the network or knows about writers. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlsave.h>

#include "read/charset.h"
#include "read/html.h"
#include "read/page.h"
#include "read/read.h"
#include "util/util.h"

/* ## Is it a page? */

static int S_ieq(const char *p, const char *e, const char *lit) {
  size_t n = strlen(lit);
  return (size_t)(e - p) >= n && strncasecmp(p, lit, n) == 0;
}

int nb_is_page(const char *data, size_t len) {
  const char *p = data, *e = data + (len < 65536 ? len : 65536);
  if (!data)
    return 0;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  for (;;) {
    while (p < e && isspace((unsigned char)*p))
      p++;
    if (p >= e || *p != '<')
      return 0;
    if (S_ieq(p, e, "<!--")) {
      const char *q = p + 4;
      while (q + 2 < e && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
        q++;
      if (q + 2 >= e)
        return 0;
      p = q + 3;
    } else if (S_ieq(p, e, "<!doctype")) {
      const char *q = p + 9;
      while (q < e && isspace((unsigned char)*q))
        q++;
      return S_ieq(q, e, "html");
    } else if (S_ieq(p, e, "<?xml")) {
      const char *q = memchr(p, '>', (size_t)(e - p));
      if (!q)
        return 0;
      p = q + 1;
    } else {
      static const char *const tags[] = {"<html", "<head", "<body", NULL};
      size_t k;
      for (k = 0; tags[k]; k++)
        if (S_ieq(p, e, tags[k])) {
          const char *q = p + strlen(tags[k]);
          return q >= e || isspace((unsigned char)*q) || *q == '>' || *q == '/';
        }
      return 0;
    }
  }
}

/* ## Guards before libxml2 */

/* libxml2's HTML parser compares each attribute of a tag with all the
 * earlier ones, so one tag with 100,000 attributes costs minutes. Keep
 * the first S_MAX_ATTRS of each tag (the HTML reader's own guard does the
 * same for the fragments it parses). Returns a copy, or NULL when no tag
 * needs it or memory runs out. */
#define S_MAX_ATTRS 256

/* After a "<": the length of a tag name there (letters, digits, '-', ':')
 * when one is followed by a space, '/' or '>', else 0. */
static size_t S_tag_name(const char *s, size_t len) {
  size_t n = 0;
  if (!len || !isalpha((unsigned char)s[0]))
    return 0;
  while (n < len &&
         (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == ':'))
    n++;
  if (n < len && !isspace((unsigned char)s[n]) && s[n] != '/' && s[n] != '>')
    return 0;
  return n;
}

/* Where raw text that starts at @p i ends: past "</NAME" for script,
 * style, textarea, title and xmp, whose content holds no tags. */
static size_t S_raw_end(const char *s, size_t len, size_t i, const char *name,
                        size_t nlen) {
  static const char *const raw[] = {"script", "style", "textarea",
                                    "title",  "xmp",   NULL};
  size_t k;
  for (k = 0; raw[k]; k++)
    if (strlen(raw[k]) == nlen && strncasecmp(name, raw[k], nlen) == 0)
      break;
  if (!raw[k])
    return i;
  for (; i + 1 + nlen < len; i++)
    if (s[i] == '<' && s[i + 1] == '/' &&
        strncasecmp(s + i + 2, name, nlen) == 0)
      return i;
  return len;
}

static char *S_cap_attrs(const char *s, size_t len, size_t *out_len,
                         size_t *cut) {
  size_t i = 0, o = 0, attrs = 0, nlen = 0;
  const char *name = NULL;
  int in_tag = 0, gap = 0, skip = 0;
  char quote = 0, *out = NULL;
  *cut = 0;
  while (i < len) {
    char c = s[i];
    size_t from = i;
    if (!in_tag) {
      if (c == '<' && (nlen = S_tag_name(s + i + 1, len - i - 1)) > 0) {
        in_tag = 1;
        name = s + i + 1;
        attrs = 0;
        gap = skip = 0;
        i += 1 + nlen;
      } else if (c == '<' && len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
        const char *e = NULL;
        size_t k;
        for (k = i + 4; k + 2 < len; k++)
          if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>') {
            e = s + k + 3;
            break;
          }
        i = e ? (size_t)(e - s) : len;
      } else {
        i++;
      }
    } else if (quote) {
      if (c == quote)
        quote = 0;
      i++;
    } else if (c == '"' || c == '\'') {
      quote = c;
      i++;
    } else if (c == '>') {
      in_tag = skip = 0;
      i = S_raw_end(s, len, i + 1, name, nlen);
      if (i == from)
        i++;
    } else if (isspace((unsigned char)c)) {
      gap = 1;
      i++;
    } else if (gap && c != '/' && c != '=') {
      gap = 0;
      if (++attrs > S_MAX_ATTRS && !skip) {
        skip = 1;
        (*cut)++;
        if (!out) {
          if (!(out = malloc(len + 1)))
            return NULL;
          memcpy(out, s, i);
          o = i;
        }
      }
      i++;
    } else {
      gap = 0;
      i++;
    }
    if (out) {
      if (!skip) {
        memcpy(out + o, s + from, i - from);
        o += i - from;
      } else if (s[from] == '>') {
        out[o++] = '>';
      }
    }
  }
  if (!out)
    return NULL;
  out[o] = '\0';
  *out_len = o;
  return out;
}

/* An internal subset in the doctype (<!DOCTYPE html [ <!ENTITY ...> ]>):
 * HTML has none, and libxml2's HTML parser, not expecting one, reads the
 * declarations as the page's first text. Browsers ignore it; so do we.
 * Returns a copy without it, or NULL when there is none. */
static char *S_drop_subset(const char *s, size_t len, size_t *out_len) {
  const char *p = s, *e = s + len, *open, *close, *gt;
  char *out;
  while (p < e && (isspace((unsigned char)*p) || (unsigned char)*p >= 0x80))
    p++;
  if (S_ieq(p, e, "<?xml") && (gt = memchr(p, '>', (size_t)(e - p))))
    p = gt + 1;
  while (p < e && isspace((unsigned char)*p))
    p++;
  if (!S_ieq(p, e, "<!doctype"))
    return NULL;
  gt = memchr(p, '>', (size_t)(e - p));
  open = memchr(p, '[', (size_t)(e - p));
  if (!gt || !open || open > gt)
    return NULL;
  for (close = open; close + 1 < e; close++)
    if (close[0] == ']' && close[1] == '>')
      break;
  if (close + 1 >= e)
    return NULL;
  out = malloc(len);
  if (!out)
    return NULL;
  /* everything up to "<!DOCTYPE html", then what follows "]>" */
  memcpy(out, s, (size_t)(p - s));
  memcpy(out + (p - s), "<!DOCTYPE html>", 15);
  memcpy(out + (p - s) + 15, close + 2, (size_t)(e - close - 2));
  *out_len = (size_t)(p - s) + 15 + (size_t)(e - close - 2);
  return out;
}

/* ## Reading */

/* A file's name without directory or extension, the title of last resort;
 * "Untitled" for a URL. malloc'd. */
static char *S_stem(const char *name) {
  const char *b, *dot;
  if (!name || strstr(name, "://") || !*name)
    return nb_strdup("Untitled");
  b = strrchr(name, '/');
  b = b ? b + 1 : name;
  dot = strrchr(b, '.');
  if (!dot || dot == b)
    dot = b + strlen(b);
  return dot == b ? nb_strdup("Untitled") : nb_strndup(b, (size_t)(dot - b));
}

static xmlDoc *S_parse(const char *html, size_t len, const char *name,
                       const nb_diag *diag) {
  htmlParserCtxtPtr ctxt;
  xmlDoc *dom;
  char *code = NULL, *capped = NULL, *plain = NULL;
  size_t code_len = 0, escaped = 0, capped_len = 0, cut = 0, plain_len = 0;
  if ((plain = S_drop_subset(html, len, &plain_len))) {
    nb_diag_emit(diag, NB_SEV_WARNING, "html", name, 0, NULL,
                 "the doctype declares entities, which HTML has not: "
                 "ignored, as browsers do");
    html = plain;
    len = plain_len;
  }
  if ((code = nb_read__html_code_tags(html, len, &code_len, &escaped))) {
    html = code;
    len = code_len;
  }
  if ((capped = S_cap_attrs(html, len, &capped_len, &cut))) {
    nb_diag_emit(diag, NB_SEV_WARNING, "limit", name, 0, NULL,
                 "%zu tag(s) with more than %d attributes: the rest dropped",
                 cut, S_MAX_ATTRS);
    html = capped;
    len = capped_len;
  }
  ctxt = htmlNewParserCtxt();
  if (!ctxt) {
    free(plain);
    free(code);
    free(capped);
    return NULL;
  }
  /* No network, no entities beyond HTML's own, no switching encoding on
   * a <meta> (the bytes are UTF-8 by now); XML_PARSE_HUGE lifts libxml2's
   * depth limit of 256 past which it silently drops the rest: our walks
   * are iterative and the HTML reader flattens deep markup. */
  dom = htmlCtxtReadMemory(
      ctxt, len ? html : " ", len ? (int)len : 1, name, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
          HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
  htmlFreeParserCtxt(ctxt);
  free(plain);
  free(code);
  free(capped);
  return dom;
}

static xmlNode *S_body(xmlDoc *dom) {
  xmlNode *root = xmlDocGetRootElement(dom), *c;
  if (!root)
    return NULL;
  for (c = root->children; c; c = c->next)
    if (nb_page__is(c, "body"))
      return c;
  return root;
}

/* The children of @p box as HTML text, malloc'd. */
static char *S_serialise(xmlDoc *dom, xmlNode *box, size_t *out_len) {
  xmlBufferPtr buf = xmlBufferCreate();
  xmlSaveCtxtPtr save;
  xmlNode *c;
  char *out = NULL;
  if (!buf)
    return NULL;
  save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_AS_HTML | XML_SAVE_NO_DECL);
  if (!save) {
    xmlBufferFree(buf);
    return NULL;
  }
  (void)dom;
  for (c = box->children; c; c = c->next)
    xmlSaveTree(save, c);
  xmlSaveClose(save);
  out = nb_strndup((const char *)xmlBufferContent(buf),
                   (size_t)xmlBufferLength(buf));
  *out_len = out ? (size_t)xmlBufferLength(buf) : 0;
  xmlBufferFree(buf);
  return out;
}

static void S_set_meta(nb_doc *doc, const nb_page_meta *m) {
  size_t i;
  if (m->title && *m->title && !nb_doc_get_meta(doc, "title"))
    nb_doc_set_meta(doc, "title", m->title);
  if (!nb_doc_author_count(doc))
    for (i = 0; i < m->nauthors; i++)
      nb_doc_add_author(doc, m->authors[i]);
  if (m->date && !nb_doc_get_meta(doc, "date")) {
    nb_doc_set_meta(doc, "date", m->date);
    nb_doc_set_date(doc, nb_date_parse(m->date));
  }
  if (m->image && !nb_doc_get_meta(doc, "headimg") &&
      !nb_doc_get_meta(doc, "thumbnail"))
    nb_doc_set_meta(doc, "headimg", m->image);
  if (m->lang && !nb_doc_get_meta(doc, "lang"))
    nb_doc_set_meta(doc, "lang", m->lang);
  if (m->canonical && !nb_doc_get_meta(doc, "source"))
    nb_doc_set_meta(doc, "source", m->canonical);
  if (m->description && !nb_doc_get_meta(doc, "description"))
    nb_doc_set_meta(doc, "description", m->description);
  if (m->site_name && !nb_doc_get_meta(doc, "site"))
    nb_doc_set_meta(doc, "site", m->site_name);
}

int nb_read__page_into(nb_doc *doc, const char *name, const char *url,
                       const char *html, size_t len, nb_extract_mode mode,
                       const nb_read_options *opts, const nb_diag *diag,
                       nb_error *err) {
  xmlDoc *dom;
  xmlNode *box = NULL;
  nb_page_meta m;
  char *text;
  size_t text_len = 0;
  nb_node *before;
  int rc, extracted;

  if (len > (size_t)INT_MAX)
    return nb_error_set(err, NB_ERR_LIMIT, name, 0,
                        "the page is larger than 2 GiB; split it");
  dom = S_parse(html, len, name, diag);
  if (!dom)
    return 0; /* nothing parsable: an empty page */
  nb_page__meta(dom, url, &m);
  S_set_meta(doc, &m);
  nb_page__fix_urls(xmlDocGetRootElement(dom), m.base);
  if (mode != NB_EXTRACT_NEVER) {
    nb_extract_hints h;
    memset(&h, 0, sizeof h);
    h.force = mode == NB_EXTRACT_ALWAYS;
    h.title = nb_doc_get_meta(doc, "title");
    h.ld_body = m.ld_body;
    box = nb_extract(dom, &h);
    if (box && h.page_chars > h.kept_chars)
      nb_diag_emit(
          diag, NB_SEV_NOTE, "extract", name, 0, NULL,
          "kept the article, %zu%% of the page's text: navigation, "
          "sidebars, comments and other page chrome left out (read "
          "with extraction off to keep the whole page)",
          (size_t)((double)h.kept_chars * 100.0 / (double)h.page_chars));
  }
  extracted = box != NULL;
  if (!box)
    box = S_body(dom);
  text = box ? S_serialise(dom, box, &text_len) : NULL;
  xmlFreeDoc(dom);
  nb_page__meta_free(&m);
  if (box && !text)
    return nb_error_set(err, NB_ERR_SYSTEM, name, 0,
                        "out of memory reading the page");
  before = nb_node_last_child(nb_doc_root(doc));
  rc = text ? nb_read__html_into(doc, name, text, text_len, 0, 0, opts, diag,
                                 err)
            : 0;
  free(text);
  if (rc == 0 && extracted)
    nb_page__trim(doc, before);
  return rc;
}

nb_doc *nb_read_page(const char *name, const char *url, const char *data,
                     size_t len, const char *charset,
                     const nb_read_options *opts, const nb_diag *diag,
                     nb_error *err) {
  nb_read_options o = nb_read__options(opts);
  nb_charset_source src;
  const char *cs;
  char *owned = NULL;
  const char *html = data;
  size_t hlen = len, bom = 0;
  nb_doc *doc;

  if (!name)
    name = url ? url : "page";
  if (!data && len)
    return nb_error_set(err, NB_ERR_ARGUMENT, name, 0, "no data"), NULL;
  if (!data)
    data = html = "";
  if (len > o.max_input_bytes) {
    nb_error_set(err, NB_ERR_LIMIT, name, 0,
                 "the page is %zu bytes, more than the limit of %zu; raise "
                 "the limit (--max-input-bytes) or skip the page",
                 len, o.max_input_bytes);
    return NULL;
  }
  cs = nb_charset_decide(charset, data, len, &src);
  nb_charset_bom(data, len, &bom);
  if (src == NB_CHARSET_OVERRULED && strcmp(cs, "UTF-8") == 0)
    nb_diag_emit(diag, NB_SEV_NOTE, "encoding", name, 0, NULL,
                 "the page declares another charset but is valid UTF-8: "
                 "read as UTF-8");
  if (strcmp(cs, "UTF-8") == 0) {
    if (!nb_utf8_valid(data + bom, len - bom)) {
      size_t fixed = 0;
      owned = nb_utf8_repair(data + bom, len - bom, &hlen, &fixed);
      if (!owned)
        return nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory"), NULL;
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", name, 0, NULL,
                   "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced",
                   fixed);
      html = owned;
    } else {
      html = data + bom;
      hlen = len - bom;
    }
  } else {
    size_t bad = 0;
    owned = nb_charset_to_utf8(cs, data + bom, len - bom, &hlen, &bad);
    if (!owned) {
      /* a converter iconv lacks: read the bytes as UTF-8, repaired */
      size_t fixed = 0;
      owned = nb_utf8_repair(data, len, &hlen, &fixed);
      if (!owned)
        return nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory"), NULL;
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", name, 0, NULL,
                   "cannot decode the page's charset %s: read as UTF-8", cs);
    } else if (src == NB_CHARSET_DETECTED || src == NB_CHARSET_OVERRULED) {
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", name, 0, NULL,
                   "%s: read as %s (detected)%s",
                   src == NB_CHARSET_DETECTED
                       ? "no charset declared and not UTF-8"
                       : "declared UTF-8 but is not UTF-8",
                   cs, bad ? ", some bytes replaced" : "");
    } else if (bad) {
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", name, 0, NULL,
                   "%zu byte(s) that are not %s replaced", bad, cs);
    }
    html = owned;
  }
  doc = nb_doc_new();
  if (!doc) {
    free(owned);
    return nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory"), NULL;
  }
  if (nb_read__page_into(doc, name, url, html, hlen, o.extract, &o, diag,
                         err) != 0) {
    nb_doc_free(doc);
    free(owned);
    return NULL;
  }
  free(owned);
  if (!nb_doc_get_meta(doc, "title")) {
    char *stem = S_stem(name);
    nb_diag_emit(diag, NB_SEV_WARNING, "metadata", name, 0, NULL,
                 "the page has no title; using \"%s\"",
                 stem ? stem : "Untitled");
    nb_doc_set_meta(doc, "title", stem ? stem : "Untitled");
    free(stem);
  }
  nb_read__cap_title(doc, name, 0, diag);
  nb_read__guess_lang(doc);
  return doc;
}
