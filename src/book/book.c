/* Books: sections of documents, book metadata, cover, and the defaults
 * derived from the documents (title, language, date, stable id). */
#include <stdlib.h>
#include <string.h>

#include "model/node.h"
#include "newsbook/book.h"
#include "util/util.h"

typedef struct nb_section {
  char *title;
  nb_doc **docs;
  size_t count, cap;
} nb_section;

struct nb_book {
  nb_section *sections;
  size_t count, cap;
  char **keys, **values;
  size_t meta_count, meta_cap;
  const nb_resource *cover;
  nb_resources *resources;
  int borrowed; /* a part (nb_book_new_part): the documents are not ours */
};

nb_book *nb_book_new(void) {
  return calloc(1, sizeof(nb_book));
}

void nb_book_free(nb_book *b) {
  size_t i, j;
  if (!b)
    return;
  for (i = 0; i < b->count; i++) {
    for (j = 0; j < b->sections[i].count && !b->borrowed; j++)
      nb_doc_free(b->sections[i].docs[j]);
    free(b->sections[i].docs);
    free(b->sections[i].title);
  }
  for (i = 0; i < b->meta_count; i++) {
    free(b->keys[i]);
    free(b->values[i]);
  }
  free(b->keys);
  free(b->values);
  free(b->sections);
  free(b);
}

int nb_book_set_meta(nb_book *b, const char *key, const char *value) {
  size_t i;
  char *v = NULL;
  if (value && !(v = nb_strdup(value)))
    return 0;
  for (i = 0; i < b->meta_count; i++) {
    if (strcmp(b->keys[i], key) == 0) {
      free(b->values[i]);
      if (v) {
        b->values[i] = v;
      } else {
        free(b->keys[i]);
        b->meta_count--;
        b->keys[i] = b->keys[b->meta_count];
        b->values[i] = b->values[b->meta_count];
      }
      return 1;
    }
  }
  if (!v)
    return 1;
  if (b->meta_count == b->meta_cap) {
    size_t cap = b->meta_cap ? b->meta_cap * 2 : 8;
    char **k = nb_reallocarray(b->keys, cap, sizeof *k);
    char **vv;
    if (!k) {
      free(v);
      return 0;
    }
    b->keys = k;
    vv = nb_reallocarray(b->values, cap, sizeof *vv);
    if (!vv) {
      free(v);
      return 0;
    }
    b->values = vv;
    b->meta_cap = cap;
  }
  b->keys[b->meta_count] = nb_strdup(key);
  if (!b->keys[b->meta_count]) {
    free(v);
    return 0;
  }
  b->values[b->meta_count++] = v;
  return 1;
}

const char *nb_book_get_meta(const nb_book *b, const char *key) {
  size_t i;
  for (i = 0; i < b->meta_count; i++)
    if (strcmp(b->keys[i], key) == 0)
      return b->values[i];
  return NULL;
}

int nb_book_add_section(nb_book *b, const char *title) {
  nb_section *s;
  if (b->count == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4;
    nb_section *p = nb_reallocarray(b->sections, cap, sizeof *p);
    if (!p)
      return 0;
    b->sections = p;
    b->cap = cap;
  }
  s = &b->sections[b->count];
  memset(s, 0, sizeof *s);
  if (title && !(s->title = nb_strdup(title)))
    return 0;
  b->count++;
  return 1;
}

int nb_book_add_doc(nb_book *b, nb_doc *doc) {
  nb_section *s;
  if (b->count == 0 && !nb_book_add_section(b, NULL))
    return 0;
  s = &b->sections[b->count - 1];
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    nb_doc **p = nb_reallocarray(s->docs, cap, sizeof *p);
    if (!p)
      return 0;
    s->docs = p;
    s->cap = cap;
  }
  s->docs[s->count++] = doc;
  return 1;
}

size_t nb_book_section_count(const nb_book *b) {
  return b->count;
}
const char *nb_book_section_title(const nb_book *b, size_t i) {
  return i < b->count ? b->sections[i].title : NULL;
}
size_t nb_book_section_doc_count(const nb_book *b, size_t i) {
  return i < b->count ? b->sections[i].count : 0;
}
nb_doc *nb_book_section_doc(const nb_book *b, size_t i, size_t j) {
  return i < b->count && j < b->sections[i].count ? b->sections[i].docs[j]
                                                  : NULL;
}

size_t nb_book_doc_count(const nb_book *b) {
  size_t i, n = 0;
  for (i = 0; i < b->count; i++)
    n += b->sections[i].count;
  return n;
}

nb_doc *nb_book_doc(const nb_book *b, size_t k) {
  size_t i;
  for (i = 0; i < b->count; i++) {
    if (k < b->sections[i].count)
      return b->sections[i].docs[k];
    k -= b->sections[i].count;
  }
  return NULL;
}

int nb_book_remove_doc(nb_book *b, size_t k) {
  size_t i;
  for (i = 0; i < b->count; i++) {
    nb_section *s = &b->sections[i];
    if (k >= s->count) {
      k -= s->count;
      continue;
    }
    if (!b->borrowed)
      nb_doc_free(s->docs[k]);
    memmove(s->docs + k, s->docs + k + 1, (s->count - k - 1) * sizeof *s->docs);
    s->count--;
    if (s->count == 0) { /* a section heading over nothing would mislead */
      free(s->docs);
      free(s->title);
      memmove(b->sections + i, b->sections + i + 1,
              (b->count - i - 1) * sizeof *b->sections);
      b->count--;
    }
    return 1;
  }
  return 0;
}

int nb_book_has_sections(const nb_book *b) {
  size_t i;
  for (i = 0; i < b->count; i++)
    if (b->sections[i].title)
      return 1;
  return 0;
}

nb_book *nb_book_new_part(const nb_book *b, const size_t *part_of,
                          size_t part) {
  nb_book *p = nb_book_new();
  size_t i, j, k = 0;
  if (!p)
    return NULL;
  p->borrowed = 1;
  p->cover = b->cover;
  p->resources = b->resources;
  for (i = 0; i < b->meta_count; i++)
    if (!nb_book_set_meta(p, b->keys[i], b->values[i]))
      goto oom;
  for (i = 0; i < b->count; i++) {
    int opened = 0;
    for (j = 0; j < b->sections[i].count; j++, k++) {
      if (part_of[k] != part)
        continue;
      /* the section's heading in each part it reaches */
      if (!opened && !nb_book_add_section(p, b->sections[i].title))
        goto oom;
      opened = 1;
      if (!nb_book_add_doc(p, b->sections[i].docs[j]))
        goto oom;
    }
  }
  return p;
oom:
  nb_book_free(p);
  return NULL;
}

void nb_book_set_cover(nb_book *b, const nb_resource *cover) {
  b->cover = cover;
}
const nb_resource *nb_book_get_cover(const nb_book *b) {
  return b->cover;
}
void nb_book_set_resources(nb_book *b, nb_resources *set) {
  b->resources = set;
}
nb_resources *nb_book_get_resources(const nb_book *b) {
  return b->resources;
}

static void S_hash_tree(nb_hash *h, nb_node *root) {
  nb_iter *it = nb_iter_new(root);
  nb_event ev;
  if (!it)
    return;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    unsigned char tag[2];
    tag[0] = (unsigned char)n->type;
    tag[1] = (unsigned char)ev;
    nb_hash_update(h, tag, 2);
    if (n->literal)
      nb_hash_update(h, n->literal, n->len);
    if (n->url)
      nb_hash_update(h, n->url, strlen(n->url));
  }
  nb_iter_free(it);
}

int nb_book_date_range(const nb_book *b, nb_date *oldest, nb_date *newest) {
  size_t k, n = nb_book_doc_count(b);
  nb_date lo, hi;
  memset(&lo, 0, sizeof lo);
  memset(&hi, 0, sizeof hi);
  for (k = 0; k < n; k++) {
    nb_date d = nb_doc_get_date(nb_book_doc(b, k));
    if (!d.valid)
      continue;
    if (!lo.valid || d.utc < lo.utc)
      lo = d;
    if (!hi.valid || d.utc > hi.utc)
      hi = d;
  }
  if (oldest)
    *oldest = lo;
  if (newest)
    *newest = hi;
  return lo.valid;
}

/* A book's author when none was given: the articles' one author, or the
 * first three in order of appearance and "等" / "et al." for the rest, so
 * that a book of many sources is not credited to its first article's. */
static void S_default_author(nb_book *b) {
  size_t k, n = nb_book_doc_count(b), distinct = 0;
  const char *lang = nb_book_get_meta(b, "lang");
  int cjk =
      lang && (strncmp(lang, "zh", 2) == 0 || strncmp(lang, "ja", 2) == 0 ||
               strncmp(lang, "ko", 2) == 0);
  const char *seen[3] = {NULL, NULL, NULL};
  nb_buf out = NB_BUF_INIT;
  for (k = 0; k < n; k++) {
    const char *a = nb_doc_get_meta(nb_book_doc(b, k), "author");
    size_t j;
    int dup = 0;
    if (!a || !*a)
      continue;
    for (j = 0; j < distinct && j < 3; j++)
      if (strcmp(seen[j], a) == 0)
        dup = 1;
    if (dup)
      continue;
    if (distinct < 3) {
      seen[distinct] = a;
      if (distinct)
        nb_buf_puts(&out, cjk ? "\xe3\x80\x81" : ", ");
      nb_buf_puts(&out, a);
    }
    distinct++;
  }
  if (distinct > 3)
    nb_buf_puts(&out, cjk ? " \xe7\xad\x89" : " et al.");
  if (out.len && !out.failed) {
    nb_book_set_meta(b, "author", out.data);
    /* a summary for covers and title pages; a package that lists every
     * article's author need not list it too */
    if (distinct > 1)
      nb_book_set_meta(b, "author-summary", "1");
  }
  nb_buf_free(&out);
}

void nb_book_finish(nb_book *b) {
  size_t k, n = nb_book_doc_count(b);
  nb_doc *first = nb_book_doc(b, 0);
  nb_date newest;
  char buf[64];
  nb_hash h;

  nb_book_date_range(b, NULL, &newest);
  if (!nb_book_get_meta(b, "title") && first) {
    const char *t = nb_doc_get_meta(first, "title");
    nb_book_set_meta(b, "title", t ? t : "Untitled");
  }
  if (!nb_book_get_meta(b, "lang")) {
    const char *l = first ? nb_doc_get_meta(first, "lang") : NULL;
    nb_book_set_meta(b, "lang", l ? l : "en");
  }
  if (!nb_book_get_meta(b, "author"))
    S_default_author(b);
  nb_hash_init(&h);
  for (k = 0; k < n; k++) {
    nb_doc *d = nb_book_doc(b, k);
    const char *t = nb_doc_get_meta(d, "title");
    if (t)
      nb_hash_update(&h, t, strlen(t) + 1);
    S_hash_tree(&h, nb_doc_root(d));
  }
  if (!nb_book_get_meta(b, "date")) {
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
      nb_date d;
      memset(&d, 0, sizeof d);
      d.valid = d.has_time = d.has_tz = 1;
      d.utc = strtoll(sde, NULL, 10);
      nb_book_set_meta(b, "date", nb_date_format_iso(d, buf, sizeof buf));
    } else if (newest.valid) {
      newest.tz_minutes = 0;
      newest.has_time = 1;
      nb_book_set_meta(b, "date", nb_date_format_iso(newest, buf, sizeof buf));
    }
  }
  if (!nb_book_get_meta(b, "id")) {
    char hex[33], uuid[64];
    nb_hash_hex(&h, hex);
    /* A name-based UUID shape (version nibble 5, variant 10xx). */
    snprintf(uuid, sizeof uuid, "urn:uuid:%.8s-%.4s-5%.3s-%c%.3s-%.12s", hex,
             hex + 8, hex + 13, "89ab"[hex[16] % 4], hex + 17, hex + 20);
    nb_book_set_meta(b, "id", uuid);
  }
}
