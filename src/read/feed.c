/* The feed reader: RSS 2.0, RSS 1.0 (RDF) and Atom, one document per item.
 * libxml2's XML parser reads the feed with no network, no DTD loading and
 * no entity expansion (a feed cannot make us fetch or balloon); each item's
 * HTML content goes through the HTML reader like any article body. Feeds
 * are shallow, so the walk only looks at children of children. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
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

/* One item or entry to a document. NULL on failure (err filled). */
static nb_doc *S_item(xmlDoc *xdoc, const xmlNode *item, const char *path,
                      const nb_read_options *o, const nb_diag *diag,
                      nb_error *err) {
  nb_doc *doc = nb_doc_new();
  const xmlNode *c, *content = NULL, *encoded = NULL, *desc = NULL,
                    *summary = NULL;
  nb_buf html = NB_BUF_INIT;
  char *t;
  if (!doc) {
    nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
    return NULL;
  }
  for (c = item->children; c; c = c->next) {
    const char *name = (const char *)c->name, *ns;
    if (c->type != XML_ELEMENT_NODE)
      continue;
    ns = S_ns(c);
    if (strcmp(name, "title") == 0) {
      if ((t = S_text(c)) != NULL && !nb_doc_get_meta(doc, "title"))
        nb_doc_set_meta(doc, "title", t);
      free(t);
    } else if (strcmp(name, "link") == 0) {
      const char *href = S_attr(c, "href"), *rel = S_attr(c, "rel");
      if (href) {
        if ((!rel || strcmp(rel, "alternate") == 0) &&
            !nb_doc_get_meta(doc, "source"))
          nb_doc_set_meta(doc, "source", href);
      } else if ((t = S_text(c)) != NULL) {
        if (!nb_doc_get_meta(doc, "source"))
          nb_doc_set_meta(doc, "source", t);
        free(t);
      }
    } else if (strcmp(name, "guid") == 0 || strcmp(name, "id") == 0) {
      t = S_text(c);
      if (t && *t && !nb_doc_get_meta(doc, "guid"))
        nb_doc_set_meta(doc, "guid", t); /* a book keeps an item once */
      if (t &&
          (strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) &&
          !nb_doc_get_meta(doc, "source"))
        nb_doc_set_meta(doc, "source", t);
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
    } else if (strcmp(name, "encoded") == 0 && strcmp(ns, S_NS_CONTENT) == 0) {
      encoded = c;
    } else if (strcmp(name, "content") == 0) {
      content = c;
    } else if (strcmp(name, "description") == 0) {
      desc = c;
    } else if (strcmp(name, "summary") == 0) {
      summary = c;
    }
  }
  if (encoded)
    S_content_html(xdoc, encoded, &html);
  else if (desc)
    S_content_html(xdoc, desc, &html);
  else if (content)
    S_content_html(xdoc, content, &html);
  else if (summary)
    S_content_html(xdoc, summary, &html);
  if ((encoded || content) && (desc || summary)) {
    t = S_text(desc ? desc : summary);
    if (t && *t && strlen(t) < 1024)
      nb_doc_set_meta(doc, "description", t);
    free(t);
  }
  if (html.failed || nb_read__html_into(doc, path, html.data ? html.data : "",
                                        html.len, 0, 0, o, diag, err) != 0) {
    if (html.failed)
      nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
    nb_buf_free(&html);
    nb_doc_free(doc);
    return NULL;
  }
  nb_buf_free(&html);
  if (!nb_doc_get_meta(doc, "title") ||
      nb_read__blank(nb_doc_get_meta(doc, "title"))) {
    nb_diag_emit(diag, NB_SEV_WARNING, "metadata", path, (int)item->line, NULL,
                 "feed item without a title; using \"Untitled\"");
    nb_doc_set_meta(doc, "title", "Untitled");
  }
  nb_read__cap_title(doc, path, (int)item->line, diag);
  if (path)
    nb_doc_set_meta(doc, "path", path);
  nb_read__guess_lang(doc);
  return doc;
}

/* 1 when the XML declaration names an encoding other than UTF-8. */
static int S_declares_other_encoding(const char *data, size_t len) {
  size_t i, n = len < 256 ? len : 256;
  for (i = 0; i + 9 < n; i++) {
    if (strncmp(data + i, "encoding=", 9) == 0) {
      const char *v = data + i + 9;
      if (*v == '"' || *v == '\'')
        v++;
      return !(v + 5 <= data + len && strncasecmp(v, "utf-8", 5) == 0) &&
             !(v + 4 <= data + len && strncasecmp(v, "utf8", 4) == 0);
    }
  }
  return 0;
}

int nb_read_feed(const char *path, const char *data, size_t len,
                 const nb_read_options *opts, const nb_diag *diag,
                 nb_feed_item_fn fn, void *userdata, nb_error *err) {
  nb_read_options o = nb_read__options(opts);
  xmlDoc *xdoc;
  xmlNode *root, *c, *items_parent;
  int count = 0;
  char *repaired = NULL;
  if (!data || !fn)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0, "no data or callback");
  if (len > o.max_input_bytes || len > (size_t)INT_MAX)
    return nb_error_set(err, NB_ERR_LIMIT, path, 0,
                        "feed is %zu bytes, more than the limit of %zu", len,
                        o.max_input_bytes);
  /* libxml2's recover mode passes invalid UTF-8 through into text: repair
   * it first, unless the prolog declares another encoding (libxml2 converts
   * those itself). */
  if (!S_declares_other_encoding(data, len) && !nb_utf8_valid(data, len)) {
    size_t fixes = 0, fixed_len = 0;
    repaired = nb_utf8_repair(data, len, &fixed_len, &fixes);
    if (!repaired)
      return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
    nb_diag_emit(diag, NB_SEV_WARNING, "encoding", path, 0, NULL,
                 "%zu invalid UTF-8 sequence(s) or NUL byte(s) replaced",
                 fixes);
    data = repaired;
    len = fixed_len;
  }
  /* No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD, no network.
   * NOCDATA merges CDATA sections (content:encoded) into text. */
  xdoc = xmlReadMemory(data, (int)len, path, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_RECOVER |
                           XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  free(repaired);
  repaired = NULL;
  root = xdoc ? xmlDocGetRootElement(xdoc) : NULL;
  if (!root) {
    if (xdoc)
      xmlFreeDoc(xdoc);
    return nb_error_set(err, NB_ERR_FORMAT, path, 0,
                        "not a feed: the XML could not be read");
  }
  if (S_is(root, "rss")) {
    for (items_parent = root->children; items_parent;
         items_parent = items_parent->next)
      if (S_is(items_parent, "channel"))
        break;
  } else if (S_is(root, "feed") || S_is(root, "RDF")) {
    items_parent = root;
  } else {
    int rc = nb_error_set(err, NB_ERR_FORMAT, path, 0,
                          "not an RSS or Atom feed (root element <%s>)",
                          (const char *)root->name);
    xmlFreeDoc(xdoc);
    return rc;
  }
  /* RDF feeds keep items beside the channel; RSS 2.0 inside it. */
  for (c = items_parent ? items_parent->children : NULL; c; c = c->next) {
    nb_doc *doc;
    if (!S_is(c, "item") && !S_is(c, "entry"))
      continue;
    doc = S_item(xdoc, c, path, &o, diag, err);
    if (!doc) {
      xmlFreeDoc(xdoc);
      return err ? err->code : NB_ERR_SYSTEM;
    }
    count++;
    if (fn(userdata, doc) != 0)
      break;
  }
  xmlFreeDoc(xdoc);
  return count;
}

int nb_is_feed(const char *data, size_t len) {
  size_t i = 0;
  if (!data)
    return 0;
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
