/* JSON-LD for the page reader: what a page's structured data says about
 * its article (headline, authors, dates, image, articleBody).
 *
 * Pages write JSON-LD by hand or by template, and a good share of it is
 * not JSON: comments, trailing commas, raw newlines and HTML entities in
 * strings, two objects in one script. A strict parser would drop all of a
 * block for one of these; this reader is built to keep going, and only ever
 * needs a handful of strings, so it is a small tolerant tokenizer that
 * builds a tree (iteratively, with caps on depth and size) and a lookup of
 * the article object. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "read/html.h"
#include "read/page.h"
#include "util/util.h"

/* ## The tree */

typedef struct S_json S_json;
struct S_json {
  char kind; /* 'o' object, 'a' array, 's' string, 'x' other scalar */
  char *key; /* member name inside an object */
  char *str; /* 's': the decoded string */
  S_json *parent, *first, *last, *next;
  S_json *all; /* every node, for freeing */
};

#define S_MAX_DEPTH 64
#define S_MAX_NODES 50000

typedef struct S_parser {
  const char *p, *e;
  S_json *all;
  size_t nodes;
} S_parser;

static S_json *S_node(S_parser *ps, S_json *parent, char kind, char *key) {
  S_json *n;
  if (ps->nodes >= S_MAX_NODES || !(n = calloc(1, sizeof *n))) {
    free(key);
    return NULL;
  }
  ps->nodes++;
  n->kind = kind;
  n->key = key;
  n->parent = parent;
  n->all = ps->all;
  ps->all = n;
  if (parent) {
    if (parent->last)
      parent->last->next = n;
    else
      parent->first = n;
    parent->last = n;
  }
  return n;
}

static void S_free_all(S_json *all) {
  while (all) {
    S_json *next = all->all;
    free(all->key);
    free(all->str);
    free(all);
    all = next;
  }
}

/* Decode HTML character references in place: JSON-LD written by templates
 * often carries "&amp;", "&#8217;" or "&quot;". The decoded form is never
 * longer than the reference. */
static void S_entities(char *s) {
  char *r = s, *w = s;
  while (*r) {
    if (*r == '&') {
      char *semi = strchr(r, ';');
      uint32_t cp = 0;
      if (semi && semi - r <= 10 && semi - r >= 3) {
        if (r[1] == '#') {
          char *end;
          long v = (r[2] == 'x' || r[2] == 'X') ? strtol(r + 3, &end, 16)
                                                : strtol(r + 2, &end, 10);
          if (end == semi && v > 0 && v <= 0x10FFFF &&
              !(v >= 0xD800 && v <= 0xDFFF))
            cp = (uint32_t)v;
        } else {
          char name[12];
          const htmlEntityDesc *d;
          memcpy(name, r + 1, (size_t)(semi - r - 1));
          name[semi - r - 1] = '\0';
          d = htmlEntityLookup((const xmlChar *)name);
          if (d)
            cp = d->value;
        }
      }
      if (cp) {
        w += nb_utf8_encode(cp, w);
        r = semi + 1;
        continue;
      }
    }
    *w++ = *r++;
  }
  *w = '\0';
}

static int S_hex4(const char *p, const char *e, uint32_t *v) {
  int i;
  *v = 0;
  if (e - p < 4)
    return 0;
  for (i = 0; i < 4; i++) {
    int c = (unsigned char)p[i], d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return 0;
    *v = *v * 16 + (uint32_t)d;
  }
  return 1;
}

/* A string starting at the quote under ps->p; returns it decoded
 * (malloc'd, valid UTF-8 left as it was) and moves past the closing quote
 * (or to the end when there is none). */
static char *S_string(S_parser *ps) {
  char q = *ps->p++;
  nb_buf b = NB_BUF_INIT;
  while (ps->p < ps->e && *ps->p != q) {
    char c = *ps->p++;
    if (c != '\\' || ps->p >= ps->e) {
      nb_buf_putc(&b, c);
      continue;
    }
    c = *ps->p++;
    switch (c) {
    case 'n': nb_buf_putc(&b, '\n'); break;
    case 't': nb_buf_putc(&b, '\t'); break;
    case 'r': nb_buf_putc(&b, '\r'); break;
    case 'b':
    case 'f': nb_buf_putc(&b, ' '); break;
    case 'u': {
      uint32_t v, lo;
      char u[4];
      if (!S_hex4(ps->p, ps->e, &v)) {
        nb_buf_putc(&b, 'u');
        break;
      }
      ps->p += 4;
      if (v >= 0xD800 && v <= 0xDBFF && ps->e - ps->p >= 6 &&
          ps->p[0] == '\\' && ps->p[1] == 'u' &&
          S_hex4(ps->p + 2, ps->e, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        ps->p += 6;
      } else if (v >= 0xD800 && v <= 0xDFFF) {
        v = 0xFFFD;
      }
      if (v == 0)
        break;
      nb_buf_append(&b, u, nb_utf8_encode(v, u));
      break;
    }
    default: nb_buf_putc(&b, c); break; /* \" \\ \/ and anything else */
    }
  }
  if (ps->p < ps->e)
    ps->p++;
  if (b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  if (!b.data)
    return nb_strdup("");
  S_entities(b.data);
  return nb_buf_detach(&b);
}

/* Skip white space and comments. */
static void S_skip(S_parser *ps) {
  while (ps->p < ps->e) {
    if (isspace((unsigned char)*ps->p)) {
      ps->p++;
    } else if (*ps->p == '/' && ps->e - ps->p >= 2 && ps->p[1] == '/') {
      while (ps->p < ps->e && *ps->p != '\n')
        ps->p++;
    } else if (*ps->p == '/' && ps->e - ps->p >= 2 && ps->p[1] == '*') {
      ps->p += 2;
      while (ps->e - ps->p >= 2 && !(ps->p[0] == '*' && ps->p[1] == '/'))
        ps->p++;
      ps->p = ps->e - ps->p >= 2 ? ps->p + 2 : ps->e;
    } else if (ps->e - ps->p >= 4 && memcmp(ps->p, "<!--", 4) == 0) {
      ps->p += 4; /* an old habit: the script wrapped in an HTML comment */
    } else if (ps->e - ps->p >= 3 && memcmp(ps->p, "-->", 3) == 0) {
      ps->p += 3;
    } else {
      return;
    }
  }
}

/* Parse everything in [s, s+len) under a virtual array root. Returns the
 * root, or NULL on out of memory; *all gets every node for freeing. */
static S_json *S_parse(const char *s, size_t len, S_json **all) {
  S_parser ps;
  S_json *root, *cur;
  char *key = NULL;
  int depth = 0, skip_depth = 0;
  ps.p = s;
  ps.e = s + len;
  ps.all = NULL;
  ps.nodes = 0;
  root = cur = S_node(&ps, NULL, 'a', NULL);
  if (!root)
    return NULL;
  while (ps.p < ps.e) {
    char c;
    S_skip(&ps);
    if (ps.p >= ps.e)
      break;
    c = *ps.p;
    if (skip_depth) {
      /* a container past the depth cap: counted, not kept */
      if (c == '"' || c == '\'')
        free(S_string(&ps));
      else {
        skip_depth += (c == '{' || c == '[') - (c == '}' || c == ']');
        ps.p++;
      }
      continue;
    }
    if (c == ',' || c == ':') {
      ps.p++;
      continue;
    }
    if (c == '}' || c == ']') {
      ps.p++;
      free(key);
      key = NULL;
      if (cur != root) {
        cur = cur->parent;
        depth--;
      }
      continue;
    }
    if (c == '{' || c == '[') {
      S_json *n;
      ps.p++;
      if (depth >= S_MAX_DEPTH) {
        skip_depth = 1;
        free(key);
        key = NULL;
        continue;
      }
      n = S_node(&ps, cur, c == '{' ? 'o' : 'a', key);
      key = NULL;
      if (!n)
        break;
      cur = n;
      depth++;
      continue;
    }
    if (c == '"' || c == '\'') {
      char *str = S_string(&ps);
      S_json *n;
      if (!str)
        break;
      if (cur->kind == 'o' && !key) {
        /* a name, when a colon follows; a stray value otherwise */
        S_skip(&ps);
        if (ps.p < ps.e && *ps.p == ':') {
          key = str;
          continue;
        }
      }
      n = S_node(&ps, cur, 's', key);
      key = NULL;
      if (!n) {
        free(str);
        break;
      }
      n->str = str;
      continue;
    }
    /* numbers, true, false, null, or junk: one token */
    while (ps.p < ps.e && !isspace((unsigned char)*ps.p) && *ps.p != ',' &&
           *ps.p != '}' && *ps.p != ']' && *ps.p != ':')
      ps.p++;
    if (ps.p < ps.e && *ps.p == ':' && cur->kind == 'o' && !key)
      continue; /* an unquoted name: not worth keeping */
    if (!S_node(&ps, cur, 'x', key)) {
      key = NULL;
      break;
    }
    key = NULL;
  }
  free(key);
  *all = ps.all;
  return root;
}

/* ## Queries */

static S_json *S_member(const S_json *o, const char *key) {
  S_json *c;
  if (!o || o->kind != 'o')
    return NULL;
  for (c = o->first; c; c = c->next)
    if (c->key && strcmp(c->key, key) == 0)
      return c;
  return NULL;
}

/* A string value, or the first string of an array, or an object's
 * @p inner member ("name", "url"). */
static const char *S_text_of(const S_json *v, const char *inner) {
  int hops;
  for (hops = 0; v && hops < 4; hops++) {
    if (v->kind == 's')
      return v->str && *v->str ? v->str : NULL;
    if (v->kind == 'a')
      v = v->first;
    else if (v->kind == 'o' && inner) {
      const S_json *m = S_member(v, inner);
      if (!m && strcmp(inner, "url") == 0)
        m = S_member(v, "contentUrl");
      if (!m)
        m = S_member(v, "@id");
      v = m;
    } else
      return NULL;
  }
  return NULL;
}

static int S_type_is_article(const char *t) {
  static const char *const kinds[] = {"Article",
                                      "BlogPosting",
                                      "LiveBlogPosting",
                                      "SocialMediaPosting",
                                      "DiscussionForumPosting",
                                      "Report",
                                      "NewsArticle",
                                      NULL};
  size_t n = strlen(t), i;
  const char *slash = strrchr(t, '/');
  if (slash) /* "http://schema.org/NewsArticle" */
    t = slash + 1, n = strlen(t);
  for (i = 0; kinds[i]; i++) {
    size_t k = strlen(kinds[i]);
    if (n >= k && strcmp(t + n - k, kinds[i]) == 0)
      return 1;
  }
  return 0;
}

/* 2 for an article kind, 1 for a web page, 0 otherwise. */
static int S_rank(const S_json *o) {
  const S_json *t = S_member(o, "@type"), *c;
  int best = 0;
  if (!t)
    return 0;
  for (c = t->kind == 'a' ? t->first : t; c;
       c = t->kind == 'a' ? c->next : NULL) {
    if (c->kind != 's' || !c->str)
      continue;
    if (S_type_is_article(c->str))
      return 2;
    if (strstr(c->str, "WebPage"))
      best = 1;
  }
  return best;
}

static char *S_dup(const char *s) {
  return s ? nb_strdup(s) : NULL;
}

/* Tags out, white space collapsed: articleBody is sometimes HTML. */
static char *S_plain(const char *s) {
  nb_buf b = NB_BUF_INIT;
  int sp = 0, in_tag = 0;
  for (; *s; s++) {
    if (in_tag) {
      if (*s == '>')
        in_tag = 0;
      continue;
    }
    if (*s == '<' && (isalpha((unsigned char)s[1]) || s[1] == '/')) {
      in_tag = 1;
      sp = b.len > 0;
      continue;
    }
    if (isspace((unsigned char)*s)) {
      sp = b.len > 0;
      continue;
    }
    if (sp)
      nb_buf_putc(&b, ' ');
    sp = 0;
    nb_buf_putc(&b, *s);
  }
  if (b.failed || !b.len) {
    nb_buf_free(&b);
    return NULL;
  }
  return nb_buf_detach(&b);
}

static void S_add_author(nb_jsonld *ld, const char *name) {
  char **v;
  size_t i;
  if (!name || !*name || strncmp(name, "http", 4) == 0 || strlen(name) > 200 ||
      ld->nauthors >= 16)
    return;
  for (i = 0; i < ld->nauthors; i++)
    if (strcmp(ld->authors[i], name) == 0)
      return;
  v = realloc(ld->authors, (ld->nauthors + 1) * sizeof *v);
  if (!v)
    return;
  ld->authors = v;
  if ((v[ld->nauthors] = nb_strdup(name)) != NULL)
    ld->nauthors++;
}

static void S_take(nb_jsonld *ld, const S_json *o) {
  const S_json *a = S_member(o, "author"), *c;
  const char *s;
  if (!ld->type && (s = S_text_of(S_member(o, "@type"), NULL)))
    ld->type = S_dup(s);
  if (!ld->headline && (s = S_text_of(S_member(o, "headline"), NULL)))
    ld->headline = S_dup(s);
  if (!ld->headline && (s = S_text_of(S_member(o, "name"), NULL)))
    ld->headline = S_dup(s);
  if (!ld->date_published &&
      ((s = S_text_of(S_member(o, "datePublished"), NULL)) ||
       (s = S_text_of(S_member(o, "dateCreated"), NULL))))
    ld->date_published = S_dup(s);
  if (!ld->date_modified && (s = S_text_of(S_member(o, "dateModified"), NULL)))
    ld->date_modified = S_dup(s);
  if (!ld->image && (s = S_text_of(S_member(o, "image"), "url")))
    ld->image = S_dup(s);
  if (!ld->body && (s = S_text_of(S_member(o, "articleBody"), NULL)))
    ld->body = S_plain(s);
  if (!ld->description && (s = S_text_of(S_member(o, "description"), NULL)))
    ld->description = S_dup(s);
  if (!ld->publisher &&
      (s = S_text_of(S_member(o, "publisher"), "name")) != NULL &&
      strncmp(s, "http", 4) != 0)
    ld->publisher = S_dup(s);
  if (!ld->url && (s = S_text_of(S_member(o, "url"), NULL)))
    ld->url = S_dup(s);
  if (!ld->url && (s = S_text_of(S_member(o, "mainEntityOfPage"), "@id")))
    ld->url = S_dup(s);
  if (!ld->lang && (s = S_text_of(S_member(o, "inLanguage"), "name")))
    ld->lang = S_dup(s);
  if (!ld->nauthors && a) {
    for (c = a->kind == 'a' ? a->first : a; c;
         c = a->kind == 'a' ? c->next : NULL)
      S_add_author(ld, S_text_of(c, "name"));
  }
}

/* The object to read: the first article (one with a body preferred), else
 * the first web page. Objects are visited in document order without
 * recursion. */
static void S_extract(const S_json *root, nb_jsonld *ld) {
  const S_json *n = root, *article = NULL, *with_body = NULL, *page = NULL;
  while (n) {
    if (n->kind == 'o') {
      int r = S_rank(n);
      if (r == 2 && !article)
        article = n;
      if (r == 2 && !with_body && S_member(n, "articleBody"))
        with_body = n;
      if (r == 1 && !page)
        page = n;
    }
    if (n->first) {
      n = n->first;
      continue;
    }
    while (n && !n->next)
      n = n->parent;
    if (n)
      n = n->next;
  }
  if (with_body)
    S_take(ld, with_body);
  if (article)
    S_take(ld, article);
  if (page && !article) {
    S_take(ld, page);
    free(ld->body); /* a page's "body" is not an article's */
    ld->body = NULL;
  }
}

void nb_page__jsonld_parse(const char *s, size_t len, nb_jsonld *ld) {
  S_json *all = NULL, *root = S_parse(s, len, &all);
  if (root)
    S_extract(root, ld);
  S_free_all(all);
}

void nb_page__jsonld(const xmlNode *root, nb_jsonld *ld) {
  const xmlNode *n = root;
  while (n) {
    if (n->type == XML_ELEMENT_NODE && nb_page__is(n, "script")) {
      const char *type = nb_read__attr(n, "type");
      const xmlNode *t;
      if (type && strcasecmp(type, "application/ld+json") == 0)
        for (t = n->children; t; t = t->next)
          if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) &&
              t->content)
            nb_page__jsonld_parse((const char *)t->content,
                                  strlen((const char *)t->content), ld);
    } else if (n->children && n->type == XML_ELEMENT_NODE) {
      n = n->children;
      continue;
    }
    while (n && n != root && !n->next)
      n = n->parent;
    if (!n || n == root)
      break;
    n = n->next;
  }
}

void nb_page__jsonld_free(nb_jsonld *ld) {
  size_t i;
  free(ld->type);
  free(ld->headline);
  free(ld->date_published);
  free(ld->date_modified);
  for (i = 0; i < ld->nauthors; i++)
    free(ld->authors[i]);
  free(ld->authors);
  free(ld->image);
  free(ld->body);
  free(ld->description);
  free(ld->publisher);
  free(ld->url);
  free(ld->lang);
  memset(ld, 0, sizeof *ld);
}
