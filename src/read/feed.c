/* The feed reader: RSS 2.0, RSS 1.0 (RDF) and Atom, one document per item;
 * JSON Feed is feed_json.c's, behind the same entry points. libxml2's XML
 * parser reads the feed with no network, no DTD loading and no entity
 * expansion (a feed cannot make us fetch or balloon); each item's HTML
 * content goes through the HTML reader like any article body. Feeds are
 * shallow, so the walk only looks at children of children.
 *
 * Each item keeps what a later run needs to know it again: its GUID (RSS
 * guid, Atom id, rdf:about) and its link, made absolute against xml:base
 * or the feed's URL. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "read/read.h"
#include "util/util.h"

static int S_is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->name &&
         strcmp((const char *)n->name, name) == 0;
}

static const char *S_ns(const xmlNode *n) {
  return n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

/* The text below @p n, entity references left as written ("&x;") rather
 * than expanded: xmlNodeGetContent() would expand them, recursively, which
 * is exactly the billion-laughs exposure NOENT is off to avoid. Iterative.
 * Appends to @p out. */
static void S_raw_content(const xmlNode *n, nb_buf *out) {
  const xmlNode *c = n ? n->children : NULL;
  while (c) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content)
        nb_buf_puts(out, (const char *)c->content);
    } else if (c->type == XML_ENTITY_REF_NODE) {
      nb_buf_printf(out, "&%s;", c->name ? (const char *)c->name : "");
    } else if (c->type == XML_ELEMENT_NODE && c->children) {
      c = c->children;
      continue;
    }
    while (c && !c->next) {
      c = c->parent;
      if (c == n)
        return;
    }
    if (c)
      c = c->next;
  }
}

/* Text content with white space collapsed and trimmed; malloc'd. */
static char *S_text(const xmlNode *n) {
  nb_buf raw = NB_BUF_INIT, b = NB_BUF_INIT;
  const char *p;
  int sp = 0;
  S_raw_content(n, &raw);
  if (!raw.data)
    return NULL;
  for (p = raw.data; *p; p++) {
    if (isspace((unsigned char)*p)) {
      sp = 1;
      continue;
    }
    if (sp && b.len)
      nb_buf_putc(&b, ' ');
    sp = 0;
    nb_buf_putc(&b, *p);
  }
  nb_buf_free(&raw);
  if (!b.data)
    return NULL;
  return nb_buf_detach(&b);
}

static const char *S_attr(const xmlNode *n, const char *name) {
  const xmlAttr *a;
  for (a = n->properties; a; a = a->next)
    if (a->name && strcmp((const char *)a->name, name) == 0 && a->children &&
        a->children->type == XML_TEXT_NODE)
      return (const char *)a->children->content;
  return NULL;
}

/* The HTML of an item's content element into @p out. */
static void S_content_html(xmlDoc *xdoc, const xmlNode *n, nb_buf *out) {
  const char *type = S_attr(n, "type");
  if (type && strcmp(type, "xhtml") == 0) {
    /* Atom XHTML content: serialise the element children. */
    xmlBuffer *xb = xmlBufferCreate();
    const xmlNode *c;
    if (!xb)
      return;
    for (c = n->children; c; c = c->next)
      xmlNodeDump(xb, xdoc, (xmlNode *)c, 0, 0);
    nb_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    return;
  }
  {
    nb_buf raw = NB_BUF_INIT;
    S_raw_content(n, &raw);
    if (!raw.data)
      return;
    if (type && strcmp(type, "text") == 0) {
      const char *p;
      nb_buf_puts(out, "<pre style=\"white-space:pre-wrap\">");
      for (p = raw.data; *p; p++)
        if (*p == '<')
          nb_buf_puts(out, "&lt;");
        else if (*p == '&')
          nb_buf_puts(out, "&amp;");
        else
          nb_buf_putc(out, *p);
      nb_buf_puts(out, "</pre>");
    } else {
      nb_buf_append(out, raw.data, raw.len);
    }
    nb_buf_free(&raw);
  }
}

#define S_NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define S_NS_DC "http://purl.org/dc/elements/1.1/"
#define S_NS_MEDIA "http://search.yahoo.com/mrss/"

/* @p ref made absolute against @p n's base (xml:base, else the document's
 * URL) when that gives an http(s) URL; else a copy of @p ref. malloc'd. */
static char *S_abs(xmlDoc *xdoc, const xmlNode *n, const char *ref) {
  xmlChar *base = xmlNodeGetBase(xdoc, n);
  char *abs = base ? nb_read__resolve_url((const char *)base, ref) : NULL;
  xmlFree(base);
  return abs ? abs : nb_strdup(ref);
}

/* Set @p key to @p ref made absolute, when it is a link worth keeping
 * (http(s) or relative: never javascript:, data:, file:). */
static void S_set_abs(nb_doc *doc, const char *key, xmlDoc *xdoc,
                      const xmlNode *n, const char *ref) {
  char *abs = S_abs(xdoc, n, ref);
  if (abs && nb_read__url_ok(abs))
    nb_doc_set_meta(doc, key, abs);
  free(abs);
}

/* An image enclosure or Media RSS thumbnail/content as the lead image. */
static void S_lead_image(nb_doc *doc, xmlDoc *xdoc, const xmlNode *c,
                         const char *name, const char *ns) {
  const char *url = S_attr(c, "url"), *type = S_attr(c, "type"),
             *medium = S_attr(c, "medium");
  int image = type && strncasecmp(type, "image/", 6) == 0;
  if (!url || !*url || nb_doc_get_meta(doc, "headimg"))
    return;
  if (strcmp(ns, S_NS_MEDIA) == 0)
    image = image || strcmp(name, "thumbnail") == 0 ||
            (medium && strcmp(medium, "image") == 0);
  if (image)
    S_set_abs(doc, "headimg", xdoc, c, url);
}

/* Elements of an item that carry its body. */
typedef struct S_bodies {
  const xmlNode *content, *encoded, *desc, *summary;
} S_bodies;

/* Metadata from one child element of an item. */
static void S_item_child(nb_doc *doc, xmlDoc *xdoc, const xmlNode *c,
                         S_bodies *b) {
  const char *name = (const char *)c->name, *ns = S_ns(c);
  char *t;
  if (strcmp(name, "title") == 0) {
    if ((t = S_text(c)) != NULL && *t && !nb_doc_get_meta(doc, "title"))
      nb_doc_set_meta(doc, "title", t);
    free(t);
  } else if (strcmp(name, "link") == 0) {
    const char *href = S_attr(c, "href"), *rel = S_attr(c, "rel");
    if (href) {
      if ((!rel || strcmp(rel, "alternate") == 0) &&
          !nb_doc_get_meta(doc, "source"))
        S_set_abs(doc, "source", xdoc, c, href);
    } else if ((t = S_text(c)) != NULL) {
      if (*t && !nb_doc_get_meta(doc, "source"))
        S_set_abs(doc, "source", xdoc, c, t);
      free(t);
    }
  } else if (strcmp(name, "guid") == 0 || strcmp(name, "id") == 0) {
    t = S_text(c);
    if (t && *t && !nb_doc_get_meta(doc, "guid"))
      nb_doc_set_meta(doc, "guid", t);
    free(t);
  } else if (strcmp(name, "pubDate") == 0 || strcmp(name, "published") == 0 ||
             strcmp(name, "updated") == 0 ||
             (strcmp(name, "date") == 0 && strcmp(ns, S_NS_DC) == 0)) {
    /* The first date given wins: published before updated in Atom. */
    t = S_text(c);
    if (t &&
        (!nb_doc_get_meta(doc, "date") || strcmp(name, "published") == 0)) {
      nb_doc_set_meta(doc, "date", t);
      nb_doc_set_date(doc, nb_date_parse(t));
    }
    free(t);
  } else if (strcmp(name, "author") == 0 || strcmp(name, "creator") == 0) {
    const xmlNode *a = NULL;
    for (a = c->children; a; a = a->next)
      if (S_is(a, "name"))
        break;
    t = S_text(a ? a : c);
    if (t && *t)
      nb_doc_add_author(doc, t);
    free(t);
  } else if (strcmp(name, "category") == 0) {
    const char *term = S_attr(c, "term");
    const char *label = S_attr(c, "label");
    if (label || term)
      nb_doc_add_category(doc, label ? label : term);
    else if ((t = S_text(c)) != NULL) {
      if (*t)
        nb_doc_add_category(doc, t);
      free(t);
    }
  } else if (strcmp(name, "enclosure") == 0 ||
             (strcmp(ns, S_NS_MEDIA) == 0 && (strcmp(name, "thumbnail") == 0 ||
                                              strcmp(name, "content") == 0))) {
    S_lead_image(doc, xdoc, c, name, ns);
  } else if (strcmp(name, "encoded") == 0 && strcmp(ns, S_NS_CONTENT) == 0) {
    b->encoded = c;
  } else if (strcmp(name, "content") == 0) {
    b->content = c;
  } else if (strcmp(name, "description") == 0) {
    b->desc = c;
  } else if (strcmp(name, "summary") == 0) {
    b->summary = c;
  }
}

/* One item or entry to a document, handed over. 0 to go on, 1 to stop, or
 * a negative nb_code. */
static int S_item(nb_read__feed *f, xmlDoc *xdoc, const xmlNode *item,
                  const char *feed_title) {
  nb_doc *doc = nb_doc_new();
  const xmlNode *c, *body;
  const char *about;
  S_bodies b = {NULL, NULL, NULL, NULL};
  nb_buf html = NB_BUF_INIT;
  xmlChar *base;
  char *t;
  int rc;
  if (!doc)
    return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
  for (c = item->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && c->name)
      S_item_child(doc, xdoc, c, &b);
  /* RSS 1.0 names each item by its rdf:about */
  about = S_attr(item, "about");
  if (about && *about && !nb_doc_get_meta(doc, "guid"))
    nb_doc_set_meta(doc, "guid", about);
  if (!nb_doc_get_meta(doc, "source")) {
    const char *g = nb_doc_get_meta(doc, "guid");
    if (g && (strncmp(g, "http://", 7) == 0 || strncmp(g, "https://", 8) == 0))
      nb_doc_set_meta(doc, "source", g);
  }
  if (feed_title && *feed_title)
    nb_doc_set_meta(doc, "feed_title", feed_title);
  body = b.encoded   ? b.encoded
         : b.desc    ? b.desc
         : b.content ? b.content
                     : b.summary;
  if (body)
    S_content_html(xdoc, body, &html);
  if ((b.encoded || b.content) && (b.desc || b.summary)) {
    t = S_text(b.desc ? b.desc : b.summary);
    if (t && *t && strlen(t) < 1024)
      nb_doc_set_meta(doc, "description", t);
    free(t);
  }
  if (html.failed) {
    nb_buf_free(&html);
    nb_doc_free(doc);
    return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
  }
  base = xmlNodeGetBase(xdoc, body ? body : item);
  rc = nb_read__feed_item(f, doc, html.data ? html.data : "", html.len,
                          (const char *)base, (int)item->line, 1);
  xmlFree(base);
  nb_buf_free(&html);
  return rc;
}

/* A title made from the start of the document's text: its first block up
 * to a line break, at most 60 characters (then "…"), white space collapsed.
 * malloc'd, or NULL when there is no text. */
static char *S_title_from_text(const nb_doc *doc) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_buf b = NB_BUF_INIT;
  size_t chars = 0;
  int sp = 0, more = 0, done = 0;
  nb_event ev;
  if (!it)
    return NULL;
  while (!done && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type t = nb_node_get_type(n);
    const unsigned char *p, *end;
    if (ev == NB_EVENT_EXIT && nb_node_type_is_block(t) && b.len) {
      done = 1; /* the end of the first block with text */
    } else if (ev == NB_EVENT_ENTER && t == NB_NODE_LINEBREAK && b.len) {
      done = 1; /* the first line is a title as it is */
    } else if (ev == NB_EVENT_ENTER &&
               (t == NB_NODE_TEXT || t == NB_NODE_CODE)) {
      p = (const unsigned char *)nb_node_get_literal(n);
      end = p + nb_node_get_literal_len(n);
      while (p < end) {
        uint32_t cp;
        size_t k = nb_utf8_decode(p, (size_t)(end - p), &cp);
        if (isspace(*p)) {
          sp = b.len > 0;
          p++;
          continue;
        }
        if (chars == 60) {
          more = done = 1;
          break;
        }
        if (sp)
          nb_buf_putc(&b, ' ');
        sp = 0;
        nb_buf_append(&b, p, k);
        p += k;
        chars++;
      }
    }
  }
  nb_iter_free(it);
  if (more && b.len)
    nb_buf_puts(&b, "\xe2\x80\xa6");
  if (!b.len || b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  return nb_buf_detach(&b);
}

int nb_read__feed_item(nb_read__feed *f, nb_doc *doc, const char *html,
                       size_t len, const char *base, int line,
                       int title_expected) {
  if (nb_read__html_into(doc, f->path, html, len, 0, 0, f->opts, f->diag,
                         f->err) != 0) {
    nb_doc_free(doc);
    return f->err && f->err->code ? f->err->code : NB_ERR_SYSTEM;
  }
  if (base)
    nb_read_resolve_urls(doc, base);
  if (!nb_doc_get_meta(doc, "title") ||
      nb_read__blank(nb_doc_get_meta(doc, "title"))) {
    char *t = S_title_from_text(doc);
    if (title_expected)
      nb_diag_emit(f->diag, NB_SEV_WARNING, "metadata", f->path, line,
                   nb_doc_get_meta(doc, "source"),
                   "feed item without a title; using \"%s\"",
                   t ? t : "Untitled");
    nb_doc_set_meta(doc, "title", t ? t : "Untitled");
    free(t);
  }
  nb_read__cap_title(doc, f->path, line, f->diag);
  if (f->url)
    nb_doc_set_meta(doc, "feed", f->url);
  else if (f->path)
    nb_doc_set_meta(doc, "path", f->path);
  nb_read__guess_lang(doc);
  f->count++;
  return f->fn(f->userdata, doc) != 0 ? 1 : 0;
}

/* ## Character sets */

static int S_is_utf8_name(const char *s) {
  return strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0;
}

/* The encoding named by an XML declaration at the start of @p data, into
 * @p out. 1 when there is one. */
static int S_declared_encoding(const char *data, size_t len, char *out,
                               size_t size) {
  size_t i = 0, end, k;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  if (len - i < 6 || memcmp(data + i, "<?xml", 5) != 0 ||
      !isspace((unsigned char)data[i + 5]))
    return 0;
  for (end = i + 5; end + 1 < len && end < 512; end++)
    if (data[end] == '?' && data[end + 1] == '>')
      break;
  for (k = i + 5; k + 9 < end; k++) {
    size_t v, e;
    char q;
    if (!isspace((unsigned char)data[k]) ||
        memcmp(data + k + 1, "encoding", 8) != 0)
      continue;
    v = k + 9;
    while (v < end && isspace((unsigned char)data[v]))
      v++;
    if (v >= end || data[v] != '=')
      continue;
    v++;
    while (v < end && isspace((unsigned char)data[v]))
      v++;
    if (v >= end || (data[v] != '"' && data[v] != '\''))
      continue;
    q = data[v++];
    for (e = v; e < end && data[e] != q; e++)
      ;
    if (e >= end || e == v || e - v >= size)
      return 0;
    for (k = v; k < e; k++) /* EncName: [A-Za-z] ([A-Za-z0-9._] | '-')* */
      if (!isalnum((unsigned char)data[k]) && data[k] != '.' &&
          data[k] != '_' && data[k] != '-')
        return 0;
    memcpy(out, data + v, e - v);
    out[e - v] = '\0';
    return 1;
  }
  return 0;
}

static int S_has_high_bytes(const char *data, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    if ((unsigned char)data[i] >= 0x80)
      return 1;
  return 0;
}

/* The encoding to make libxml2 read @p data in (NULL: its own reading of
 * a BOM or the declaration); *repair when the bytes are to be repaired as
 * UTF-8 first. Bytes that are valid UTF-8 are UTF-8, whatever the header
 * or the declaration claim: text in a legacy encoding is almost never
 * valid UTF-8 by chance, while servers and generators mislabel UTF-8 all
 * the time. */
static const char *S_xml_encoding(nb_read__feed *f, const char *data,
                                  size_t len, const char *charset,
                                  int *repair) {
  char decl[64];
  int has_decl = S_declared_encoding(data, len, decl, sizeof decl);
  *repair = 0;
  if (len >= 2 &&
      (((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF) ||
       ((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE)))
    return NULL; /* UTF-16 by its BOM */
  if (nb_utf8_valid(data, len)) {
    int decl_other = has_decl && !S_is_utf8_name(decl);
    int http_other = charset && !S_is_utf8_name(charset);
    if ((decl_other || http_other) && S_has_high_bytes(data, len))
      nb_diag_emit(f->diag, NB_SEV_WARNING, "encoding", f->path, 0, f->url,
                   "the feed says it is %s (%s) but its bytes are UTF-8: "
                   "read as UTF-8",
                   decl_other ? decl : charset,
                   decl_other ? "XML declaration" : "HTTP Content-Type");
    return "UTF-8";
  }
  if (has_decl && !S_is_utf8_name(decl))
    return NULL; /* libxml2 converts from the declared encoding */
  if (charset && !S_is_utf8_name(charset)) {
    xmlCharEncodingHandler *h = xmlFindCharEncodingHandler(charset);
    if (!h) {
      nb_diag_emit(f->diag, NB_SEV_WARNING, "encoding", f->path, 0, f->url,
                   "the server names a character set unknown here (%.60s): "
                   "the feed is read as UTF-8",
                   charset);
      *repair = 1;
      return "UTF-8";
    }
    xmlCharEncCloseFunc(h);
    if (has_decl)
      nb_diag_emit(f->diag, NB_SEV_WARNING, "encoding", f->path, 0, f->url,
                   "the feed's XML declaration says UTF-8 but its bytes are "
                   "not: read as %s, as the HTTP Content-Type says",
                   charset);
    return charset;
  }
  *repair = 1;
  return "UTF-8";
}

/* ## XML feeds */

static const xmlNode *S_child(const xmlNode *n, const char *name) {
  const xmlNode *c;
  for (c = n ? n->children : NULL; c; c = c->next)
    if (S_is(c, name))
      return c;
  return NULL;
}

/* libxml2's last error for @p ctxt, one line, into @p buf. */
static void S_parse_error(xmlParserCtxt *ctxt, char *buf, size_t size,
                          int *line) {
  const char *m = ctxt->lastError.message;
  size_t n = m ? strcspn(m, "\r\n") : 0;
  *line = ctxt->lastError.line;
  if (n == 0) {
    snprintf(buf, size, "libxml2 stopped");
    return;
  }
  snprintf(buf, size, "%.*s", (int)(n > 200 ? 200 : n), m);
  if (strstr(buf, "entity") || strstr(buf, "Entity"))
    snprintf(buf + strlen(buf), size - strlen(buf), ": an entity bomb?");
}

/* xmlReadMemory() step by step, to see whether the parser halted: no
 * XML_PARSE_NOENT (entities stay unexpanded), no DTD loading, no network;
 * NOCDATA merges CDATA sections (content:encoded) into text. Recovering,
 * libxml2 only stops for what it will not go through (an entity bomb, a
 * limit): what follows that point is lost, and *halted says so. */
/* libxml2 reports some errors with no parser context to tell (an encoder
 * error: bytes that are not in the encoding a feed is read in) through its
 * generic handler, which prints to stderr. The library never prints: they
 * are dropped (what they cost shows in the document, and a halt is
 * reported as a diagnostic). */
static void S_quiet(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

static xmlDoc *S_parse_xml(const nb_read__feed *f, const char *data, size_t len,
                           const char *enc, int *halted, char *stop,
                           size_t stop_size, int *stop_line) {
  xmlParserCtxt *ctxt;
  xmlDoc *xdoc;
  /* per thread: libxml2 keeps the handler in thread-local state */
  xmlSetGenericErrorFunc(NULL, S_quiet);
  ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
  *halted = 0;
  if (!ctxt)
    return NULL;
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
                              XML_PARSE_RECOVER | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING);
  if (enc) {
    xmlCharEncodingHandler *h = xmlFindCharEncodingHandler(enc);
    if (h)
      xmlSwitchToEncoding(ctxt, h);
  }
  if (ctxt->input && !ctxt->input->filename && (f->url || f->path))
    ctxt->input->filename =
        (char *)xmlStrdup((const xmlChar *)(f->url ? f->url : f->path));
  xmlParseDocument(ctxt);
  xdoc = ctxt->myDoc;
  ctxt->myDoc = NULL;
  *halted = ctxt->disableSAX != 0;
  if (*halted)
    S_parse_error(ctxt, stop, stop_size, stop_line);
  xmlFreeParserCtxt(ctxt);
  return xdoc;
}

/* A copy of @p data with its prolog's DOCTYPE declaration (internal
 * subset and all) blanked out, line breaks kept so that lines still
 * count; NULL when there is none. */
static char *S_without_doctype(const char *data, size_t len) {
  size_t i = 0, start, end, k;
  char *copy;
  while (i < len && i < 65536) {
    const char *gt;
    while (i < len && (isspace((unsigned char)data[i]) || data[i] == '\xEF' ||
                       data[i] == '\xBB' || data[i] == '\xBF'))
      i++;
    if (i + 1 >= len || data[i] != '<' ||
        (data[i + 1] != '?' && data[i + 1] != '!'))
      return NULL;
    if (len - i >= 9 && memcmp(data + i, "<!DOCTYPE", 9) == 0)
      break;
    if (len - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
      for (k = i + 4; k + 2 < len && memcmp(data + k, "-->", 3) != 0; k++)
        ;
      i = k + 3;
      continue;
    }
    gt = memchr(data + i, '>', len - i);
    if (!gt)
      return NULL;
    i = (size_t)(gt - data) + 1;
  }
  if (i >= len || len - i < 9 || memcmp(data + i, "<!DOCTYPE", 9) != 0)
    return NULL;
  start = i;
  for (end = i; end < len && data[end] != '>' && data[end] != '['; end++)
    ;
  if (end < len && data[end] == '[') {
    while (end < len && data[end] != ']')
      end++;
    while (end < len && data[end] != '>')
      end++;
  }
  if (end >= len)
    return NULL;
  copy = nb_strndup(data, len);
  if (!copy)
    return NULL;
  for (k = start; k <= end; k++)
    if (copy[k] != '\n')
      copy[k] = ' ';
  return copy;
}

static int S_read_xml(nb_read__feed *f, const char *data, size_t len,
                      const char *charset) {
  xmlDoc *xdoc;
  char stop[300] = "", *blank;
  int halted = 0, stop_line = 0;
  xmlNode *root, *c, *items_parent;
  char *repaired = NULL, *feed_title = NULL;
  const char *enc;
  int repair = 0, rc = 0;
  enc = S_xml_encoding(f, data, len, charset, &repair);
  /* libxml2's recover mode passes invalid UTF-8 through into text: repair
   * it first */
  if (repair) {
    size_t fixes = 0, fixed_len = 0;
    repaired = nb_utf8_repair(data, len, &fixed_len, &fixes);
    if (!repaired)
      return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
    nb_diag_emit(f->diag, NB_SEV_WARNING, "encoding", f->path, 0, f->url,
                 "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced",
                 fixes);
    data = repaired;
    len = fixed_len;
  }
  xdoc = S_parse_xml(f, data, len, enc, &halted, stop, sizeof stop, &stop_line);
  if (halted && (blank = S_without_doctype(data, len)) != NULL) {
    /* Entities are never expanded here (an entity reference is kept as
     * written, and the HTML reader knows the HTML ones), so a DTD that
     * makes libxml2 stop can go, and the text after the bomb stays. */
    char stop2[300];
    int halted2 = 0, line2 = 0;
    xmlDoc *again =
        S_parse_xml(f, blank, len, enc, &halted2, stop2, sizeof stop2, &line2);
    if (again && !halted2) {
      nb_diag_emit(f->diag, NB_SEV_WARNING, "limit", f->path, stop_line, f->url,
                   "the feed's DTD stops the XML parser (%s): read without "
                   "it, its entities left as written",
                   stop);
      if (xdoc)
        xmlFreeDoc(xdoc);
      xdoc = again;
      halted = 0;
    } else if (again) {
      xmlFreeDoc(again);
    }
    free(blank);
  }
  free(repaired);
  root = xdoc ? xmlDocGetRootElement(xdoc) : NULL;
  if (!root) {
    if (xdoc)
      xmlFreeDoc(xdoc);
    if (halted)
      return nb_error_set(f->err, NB_ERR_FORMAT, f->path, stop_line,
                          "not a feed: the XML could not be read (%s) — check "
                          "that it is an RSS, Atom or JSON feed",
                          stop);
    return nb_error_set(f->err, NB_ERR_FORMAT, f->path, 0,
                        "not a feed: the XML could not be read — check that "
                        "it is an RSS, Atom or JSON feed");
  }
  if (S_is(root, "rss")) {
    items_parent = (xmlNode *)S_child(root, "channel");
    feed_title = S_text(S_child(items_parent, "title"));
  } else if (S_is(root, "feed") || S_is(root, "RDF")) {
    items_parent = root;
    feed_title = S_text(
        S_child(S_is(root, "RDF") ? S_child(root, "channel") : root, "title"));
  } else {
    rc = nb_error_set(f->err, NB_ERR_FORMAT, f->path, 0,
                      "not an RSS or Atom feed (root element <%s>)",
                      (const char *)root->name);
    xmlFreeDoc(xdoc);
    return rc;
  }
  /* RDF feeds keep items beside the channel; RSS 2.0 inside it. */
  for (c = items_parent ? items_parent->children : NULL; c; c = c->next) {
    if (!S_is(c, "item") && !S_is(c, "entry"))
      continue;
    rc = S_item(f, xdoc, c, feed_title);
    if (rc != 0)
      break;
  }
  free(feed_title);
  xmlFreeDoc(xdoc);
  if (rc >= 0 && halted && f->count == 0)
    return nb_error_set(f->err, NB_ERR_FORMAT, f->path, stop_line,
                        "the feed's XML stops before its first item (%s) — "
                        "nothing to read",
                        stop);
  if (rc >= 0 && halted)
    nb_diag_emit(f->diag, NB_SEV_WARNING, "syntax", f->path, stop_line, f->url,
                 "the feed's XML stops here (%s): the items after it "
                 "are lost",
                 stop);
  return rc < 0 ? rc : f->count;
}

static int S_read(nb_read__feed *f, const char *data, size_t len,
                  const char *charset) {
  if (!data || !f->fn)
    return nb_error_set(f->err, NB_ERR_ARGUMENT, f->path, 0,
                        "no data or callback");
  if (len > f->opts->max_input_bytes || len > (size_t)INT_MAX)
    return nb_error_set(f->err, NB_ERR_LIMIT, f->path, 0,
                        "feed is %zu bytes, more than the limit of %zu", len,
                        f->opts->max_input_bytes);
  if (nb_read__is_json_feed(data, len)) {
    char *repaired = NULL;
    int rc;
    if (!nb_utf8_valid(data, len)) {
      size_t fixes = 0, fixed_len = 0;
      repaired = nb_utf8_repair(data, len, &fixed_len, &fixes);
      if (!repaired)
        return nb_error_set(f->err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
      nb_diag_emit(f->diag, NB_SEV_WARNING, "encoding", f->path, 0, f->url,
                   "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced "
                   "(a JSON Feed is UTF-8%s%s)",
                   fixes, charset ? ", whatever the server says: " : "",
                   charset ? charset : "");
      data = repaired;
      len = fixed_len;
    }
    rc = nb_read__json_feed(f, data, len);
    free(repaired);
    return rc;
  }
  return S_read_xml(f, data, len, charset);
}

int nb_read_feed(const char *path, const char *data, size_t len,
                 const nb_read_options *opts, const nb_diag *diag,
                 nb_feed_item_fn fn, void *userdata, nb_error *err) {
  nb_read_options o = nb_read__options(opts);
  nb_read__feed f;
  memset(&f, 0, sizeof f);
  f.path = path;
  f.opts = &o;
  f.diag = diag;
  f.fn = fn;
  f.userdata = userdata;
  f.err = err;
  return S_read(&f, data, len, NULL);
}

int nb_read_feed_url(const char *url, const char *charset, const char *data,
                     size_t len, const nb_read_options *opts,
                     const nb_diag *diag, nb_feed_item_fn fn, void *userdata,
                     nb_error *err) {
  nb_read_options o = nb_read__options(opts);
  nb_read__feed f;
  memset(&f, 0, sizeof f);
  f.path = url;
  f.url = url && (strncasecmp(url, "http://", 7) == 0 ||
                  strncasecmp(url, "https://", 8) == 0)
              ? url
              : NULL;
  f.opts = &o;
  f.diag = diag;
  f.fn = fn;
  f.userdata = userdata;
  f.err = err;
  return S_read(&f, data, len, charset && *charset ? charset : NULL);
}

int nb_is_feed(const char *data, size_t len) {
  size_t i = 0;
  if (!data)
    return 0;
  if (nb_read__is_json_feed(data, len))
    return 1;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  /* Skip the prolog: declaration, comments, doctype, white space. */
  while (i < len && i < 65536) {
    while (i < len && isspace((unsigned char)data[i]))
      i++;
    if (i + 1 >= len || data[i] != '<')
      return 0;
    if (data[i + 1] == '?' || data[i + 1] == '!') {
      const char *end;
      if (len - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
        size_t k = i + 4;
        while (k + 2 < len && memcmp(data + k, "-->", 3) != 0)
          k++;
        i = k + 3;
        continue;
      }
      end = memchr(data + i, '>', len - i);
      if (!end)
        return 0;
      {
        /* a DOCTYPE's internal subset holds '>' of its own */
        const char *open = memchr(data + i, '[', (size_t)(end - data) - i);
        if (open) {
          const char *close = memchr(open, ']', len - (size_t)(open - data));
          if (!close)
            return 0;
          end = memchr(close, '>', len - (size_t)(close - data));
          if (!end)
            return 0;
        }
      }
      i = (size_t)(end - data) + 1;
      continue;
    }
    i++;
    {
      static const char *const roots[] = {"rss", "feed", "rdf:RDF", "RDF",
                                          NULL};
      size_t k;
      for (k = 0; roots[k]; k++) {
        size_t n = strlen(roots[k]);
        if (len - i > n && memcmp(data + i, roots[k], n) == 0 &&
            (isspace((unsigned char)data[i + n]) || data[i + n] == '>' ||
             data[i + n] == '/'))
          return 1;
      }
      return 0;
    }
  }
  return 0;
}
