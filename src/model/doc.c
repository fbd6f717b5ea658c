/* Documents: arena, metadata, categories, authors. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/node.h"
#include "util/util.h"

nb_doc *nb_doc_new(void) {
  nb_doc *doc = calloc(1, sizeof *doc);
  if (!doc)
    return NULL;
  doc->root = nb_node_new(doc, NB_NODE_DOCUMENT);
  if (!doc->root) {
    free(doc);
    return NULL;
  }
  return doc;
}

void nb_doc_free(nb_doc *doc) {
  if (!doc)
    return;
  free(doc->meta_keys.items);
  free(doc->meta_values.items);
  free(doc->categories.items);
  free(doc->authors.items);
  nb_arena_free(&doc->arena);
  free(doc);
}

nb_node *nb_doc_root(const nb_doc *doc) {
  return doc->root;
}

void *nb_doc_alloc(nb_doc *doc, size_t size) {
  return nb_arena_alloc(&doc->arena, size);
}

char *nb_doc_strndup(nb_doc *doc, const char *s, size_t len) {
  char *r;
  if (!s)
    return NULL;
  if (len == (size_t)-1)
    len = strlen(s);
  if (len == (size_t)-1)
    return NULL;
  r = nb_arena_alloc(&doc->arena, len + 1);
  if (!r)
    return NULL;
  memcpy(r, s, len);
  r[len] = '\0';
  return r;
}

/* An arena copy of @p s that is valid UTF-8 whatever the input was: every
 * writer and library (Pango, libxml2) may rely on metadata being UTF-8. */
static char *S_utf8_dup(nb_doc *doc, const char *s) {
  size_t len = strlen(s), out_len;
  char *fixed, *r;
  if (nb_utf8_valid(s, len))
    return nb_doc_strndup(doc, s, len);
  fixed = nb_utf8_repair(s, len, &out_len, NULL);
  if (!fixed)
    return NULL;
  r = nb_doc_strndup(doc, fixed, out_len);
  free(fixed);
  return r;
}

static int S_list_push(nb_strlist *l, char *s) {
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    char **p = realloc(l->items, cap * sizeof *p);
    if (!p)
      return 0;
    l->items = p;
    l->cap = cap;
  }
  l->items[l->count++] = s;
  return 1;
}

int nb_doc_set_meta(nb_doc *doc, const char *key, const char *value) {
  size_t i;
  char *v = NULL, *k;
  if (value && !(v = S_utf8_dup(doc, value)))
    return 0;
  for (i = 0; i < doc->meta_keys.count; i++) {
    if (strcmp(doc->meta_keys.items[i], key) == 0) {
      if (v) {
        doc->meta_values.items[i] = v;
      } else {
        memmove(doc->meta_keys.items + i, doc->meta_keys.items + i + 1,
                (doc->meta_keys.count - i - 1) * sizeof(char *));
        memmove(doc->meta_values.items + i, doc->meta_values.items + i + 1,
                (doc->meta_values.count - i - 1) * sizeof(char *));
        doc->meta_keys.count--;
        doc->meta_values.count--;
      }
      return 1;
    }
  }
  if (!v)
    return 1;
  k = nb_doc_strndup(doc, key, (size_t)-1);
  if (!k || !S_list_push(&doc->meta_keys, k))
    return 0;
  if (!S_list_push(&doc->meta_values, v)) {
    doc->meta_keys.count--;
    return 0;
  }
  return 1;
}

const char *nb_doc_get_meta(const nb_doc *doc, const char *key) {
  size_t i;
  for (i = 0; i < doc->meta_keys.count; i++)
    if (strcmp(doc->meta_keys.items[i], key) == 0)
      return doc->meta_values.items[i];
  return NULL;
}

const char *nb_doc_origin(const nb_doc *doc) {
  static const char *const keys[] = {"path", "source", "feed"};
  size_t i;
  for (i = 0; doc && i < sizeof keys / sizeof *keys; i++) {
    const char *v = nb_doc_get_meta(doc, keys[i]);
    if (v && *v)
      return v;
  }
  return NULL;
}

size_t nb_doc_meta_count(const nb_doc *doc) {
  return doc->meta_keys.count;
}
const char *nb_doc_meta_key(const nb_doc *doc, size_t i) {
  return i < doc->meta_keys.count ? doc->meta_keys.items[i] : NULL;
}
const char *nb_doc_meta_value(const nb_doc *doc, size_t i) {
  return i < doc->meta_values.count ? doc->meta_values.items[i] : NULL;
}

int nb_doc_add_category(nb_doc *doc, const char *name) {
  char *s = S_utf8_dup(doc, name);
  return s && S_list_push(&doc->categories, s);
}
size_t nb_doc_category_count(const nb_doc *doc) {
  return doc->categories.count;
}
const char *nb_doc_category(const nb_doc *doc, size_t i) {
  return i < doc->categories.count ? doc->categories.items[i] : NULL;
}

int nb_doc_add_author(nb_doc *doc, const char *name) {
  char *s = S_utf8_dup(doc, name);
  if (!s || !S_list_push(&doc->authors, s))
    return 0;
  if (doc->authors.count == 1)
    return nb_doc_set_meta(doc, "author", s);
  return 1;
}
size_t nb_doc_author_count(const nb_doc *doc) {
  return doc->authors.count;
}
const char *nb_doc_author(const nb_doc *doc, size_t i) {
  return i < doc->authors.count ? doc->authors.items[i] : NULL;
}

void nb_doc_set_date(nb_doc *doc, nb_date date) {
  doc->date = date;
}
nb_date nb_doc_get_date(const nb_doc *doc) {
  return doc->date;
}

/* Each heading takes the level one below the nearest earlier heading of a
 * higher source level (2 when there is none), so the body's top level is
 * 2 and no level is skipped: h2 h4 h4 h3 h2 is 2 3 3 3 2, a lone h3 is 2.
 * The stack holds at most one entry per source level. */
void nb_doc_normalize_headings(nb_doc *doc) {
  int src[7], dst[7], depth = 0;
  nb_iter *it;
  nb_event ev;
  if (!doc || !(it = nb_iter_new(doc->root)))
    return;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    int level;
    if (ev != NB_EVENT_ENTER || n->type != NB_NODE_HEADING)
      continue;
    level = n->level;
    while (depth > 0 && src[depth - 1] >= level)
      depth--;
    n->level = depth > 0 ? dst[depth - 1] + 1 : 2;
    if (n->level > 6)
      n->level = 6;
    src[depth] = level;
    dst[depth] = n->level;
    depth++;
  }
  nb_iter_free(it);
}

/* ## Labels: kicker and byline
 *
 * Feed-to-blog pipelines name the author and the most specific category
 * after the feed: "香港 01 - 标签", "cnBeta - 最新", a path segment such
 * as "分类". Those route words say nothing of the article. */

static const char *const S_generic[] = {
    "分类",          "标签",   "最新",     "最新消息",   "最新更新",
    "最近更新",      "首页",   "首页更新", "热门",       "推荐",
    "全部",          "默认",   "文章",     "资讯",       "新闻",
    "动态",          "频道",   "订阅",     "分类订阅",   "专栏",
    "专栏文章",      "更新",   "列表",     "其他",       "其它",
    "未分类",        "latest", "news",     "all",        "home",
    "index",         "feed",   "rss",      "articles",   "posts",
    "tag",           "tags",   "category", "categories", "default",
    "uncategorized", "misc",   "general"};

static int S_is_generic(const char *s, size_t n) {
  size_t i;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  for (i = 0; i < sizeof S_generic / sizeof *S_generic; i++)
    if (strlen(S_generic[i]) == n && strncasecmp(s, S_generic[i], n) == 0)
      return 1;
  return 0;
}

size_t nb_label_stem(const char *label) {
  size_t n = label ? strlen(label) : 0;
  const char *dash;
  if (n == 0 || S_is_generic(label, n))
    return 0;
  /* "SITE - ROUTE": the route alone is generic */
  dash = NULL;
  {
    const char *p;
    for (p = label; (p = strstr(p, " - ")) != NULL; p += 3)
      dash = p;
  }
  if (dash && dash > label && S_is_generic(dash + 3, strlen(dash + 3)))
    return (size_t)(dash - label);
  return n;
}

/* 1 when labels @p a and @p b name the same thing, generic routes aside. */
static int S_same_label(const char *a, const char *b) {
  size_t na = nb_label_stem(a), nbl = nb_label_stem(b);
  return na == nbl && strncasecmp(a, b, na) == 0;
}

const char *nb_doc_kicker(const nb_doc *doc) {
  const char *k = nb_doc_get_meta(doc, "kicker");
  size_t i, j;
  if (k)
    return *k ? k : NULL;
  for (i = doc->categories.count; i-- > 0;) {
    const char *c = doc->categories.items[i];
    int byline = 0;
    if (nb_label_stem(c) == 0)
      continue; /* a generic word */
    for (j = 0; j < doc->authors.count && !byline; j++)
      byline = S_same_label(c, doc->authors.items[j]);
    if (!byline)
      return c;
  }
  return NULL;
}
