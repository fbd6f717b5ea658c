/* Choosing and arranging articles for a book: category and date filters,
 * duplicates, order, limit, sections. Pure metadata work: no bodies are
 * looked at, so the scan of a large archive can run on front matter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsbook/book.h"
#include "util/util.h"

/* Index of the category path @p want ("a/b") inside @p doc's categories,
 * returning the index just after the match, or -1. */
static long S_category_end(const nb_doc *doc, const char *want) {
  size_t n = nb_doc_category_count(doc), i, j;
  for (i = 0; i < n; i++) {
    const char *w = want;
    for (j = i; j < n; j++) {
      const char *c = nb_doc_category(doc, j);
      size_t cl = strlen(c);
      if (strncmp(w, c, cl) != 0 || (w[cl] != '/' && w[cl] != '\0'))
        break;
      w += cl;
      if (*w == '\0')
        return (long)(j + 1);
      w++;
    }
  }
  return -1;
}

int nb_select_match(const nb_doc *doc, const nb_select_options *o) {
  nb_date d = nb_doc_get_date(doc);
  if (o->category && *o->category && S_category_end(doc, o->category) < 0)
    return 0;
  if (o->since.valid && (!d.valid || d.utc < o->since.utc))
    return 0;
  if (o->until.valid) {
    /* A bare date as upper bound includes that whole day. */
    int64_t end = o->until.utc + (o->until.has_time ? 0 : 86399);
    if (!d.valid || d.utc > end)
      return 0;
  }
  return 1;
}

typedef struct {
  nb_doc *doc;
  size_t index;
  char *group;
  const char *source, *title; /* borrowed from doc, for duplicates */
  nb_date date;
  nb_order order; /* for the comparator: books may be sorted at once in
                     several threads */
} S_entry;

/* ## Duplicates: an open-addressing table of kept entries per key (source
 * URL; title with date), so that a thousand articles cost a thousand
 * look-ups rather than half a million comparisons. */

typedef struct {
  size_t *slot; /* entry index + 1, 0 when empty */
  size_t cap;   /* a power of two, at least twice the entries */
} S_seen;

static uint64_t S_hash_str(uint64_t h, const char *s) {
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

static uint64_t S_key_hash(const S_entry *e, int by_title) {
  uint64_t h = 0xcbf29ce484222325ULL;
  if (!by_title)
    return S_hash_str(h, e->source);
  h = S_hash_str(h, e->title);
  h = (h ^ (uint64_t)e->date.valid) * 0x100000001b3ULL;
  return (h ^ (uint64_t)e->date.utc) * 0x100000001b3ULL;
}

static int S_same_key(const S_entry *a, const S_entry *b, int by_title) {
  if (!by_title)
    return strcmp(a->source, b->source) == 0;
  return strcmp(a->title, b->title) == 0 && a->date.valid == b->date.valid &&
         a->date.utc == b->date.utc;
}

/* The slot of @p e's key in @p t: holding an equal entry, or empty. */
static size_t S_seen_find(const S_seen *t, const S_entry *all,
                          const S_entry *e, int by_title) {
  size_t i = (size_t)S_key_hash(e, by_title) & (t->cap - 1);
  while (t->slot[i] && !S_same_key(&all[t->slot[i] - 1], e, by_title))
    i = (i + 1) & (t->cap - 1);
  return i;
}

static int S_cmp(const void *pa, const void *pb) {
  const S_entry *a = pa, *b = pb;
  nb_order order = a->order;
  nb_date da = nb_doc_get_date(a->doc), db = nb_doc_get_date(b->doc);
  if (order != NB_ORDER_INPUT && da.valid != db.valid)
    return da.valid ? -1 : 1;
  if (order != NB_ORDER_INPUT && da.valid && da.utc != db.utc) {
    int newer = da.utc > db.utc ? -1 : 1;
    return order == NB_ORDER_NEWEST ? newer : -newer;
  }
  return a->index < b->index ? -1 : a->index > b->index;
}

static char *S_group_of(const nb_doc *doc, const nb_select_options *o,
                        nb_group_by g) {
  char buf[64];
  nb_date d = nb_doc_get_date(doc);
  size_t n = nb_doc_category_count(doc);
  switch (g) {
  case NB_GROUP_DAY:
  case NB_GROUP_MONTH:
    if (!d.valid)
      return nb_strdup("undated");
    d.has_time = 0;
    nb_date_format_iso(d, buf, sizeof buf);
    if (g == NB_GROUP_MONTH)
      buf[7] = '\0';
    return nb_strdup(buf);
  case NB_GROUP_CATEGORY:
    if (o->category && *o->category) {
      long end = S_category_end(doc, o->category);
      if (end >= 0 && (size_t)end < n)
        return nb_strdup(nb_doc_category(doc, (size_t)end));
      return nb_strdup(strrchr(o->category, '/') ? strrchr(o->category, '/') + 1
                                                 : o->category);
    }
    return nb_strdup(n ? nb_doc_category(doc, n - 1) : "uncategorised");
  default:
    return NULL;
  }
}

long nb_book_assemble(nb_book *book, nb_doc **docs, size_t n,
                      const nb_select_options *o, const nb_diag *diag) {
  S_entry *e = nb_calloc(n ? n : 1, sizeof *e);
  size_t i, j, kept = 0;
  nb_group_by g = o->group_by;
  long limit = o->limit;
  S_seen bysrc, bytitle;
  if (!e) {
    for (i = 0; i < n; i++)
      nb_doc_free(docs[i]);
    return -1;
  }
  if (g == NB_GROUP_AUTO)
    g = o->category && *o->category ? NB_GROUP_CATEGORY : NB_GROUP_NONE;
  {
    size_t cap = 16;
    while (cap < 2 * n + 2)
      cap *= 2;
    bysrc.cap = bytitle.cap = cap;
    bysrc.slot = o->dedupe ? nb_calloc(cap, sizeof *bysrc.slot) : NULL;
    bytitle.slot = o->dedupe ? nb_calloc(cap, sizeof *bytitle.slot) : NULL;
  }
  for (i = 0; i < n; i++) {
    nb_doc *d = docs[i];
    S_entry *en = &e[kept];
    size_t si = 0, ti = 0;
    int dup = 0;
    if (!nb_select_match(d, o)) {
      nb_doc_free(d);
      continue;
    }
    en->doc = d;
    en->index = i;
    en->source = nb_doc_get_meta(d, "source");
    en->title = nb_doc_get_meta(d, "title");
    en->date = nb_doc_get_date(d);
    int tables = o->dedupe && bysrc.slot && bytitle.slot;
    if (tables) {
      if (en->source) {
        si = S_seen_find(&bysrc, e, en, 0);
        dup = bysrc.slot[si] != 0;
      }
      if (!dup && en->title) {
        ti = S_seen_find(&bytitle, e, en, 1);
        dup = bytitle.slot[ti] != 0;
      }
    } else if (o->dedupe) {
      /* no memory for the tables: compare with every kept entry */
      for (j = 0; j < kept && !dup; j++)
        dup = (en->source && e[j].source && S_same_key(en, &e[j], 0)) ||
              (en->title && e[j].title && S_same_key(en, &e[j], 1));
    }
    if (dup) {
      nb_diag_emit(diag, NB_SEV_NOTE, "duplicate", nb_doc_get_meta(d, "path"),
                   0, NULL,
                   "duplicate of an article already in the book, dropped");
      nb_doc_free(d);
      continue;
    }
    if (tables && en->source)
      bysrc.slot[si] = kept + 1;
    if (tables && en->title)
      bytitle.slot[ti] = kept + 1;
    kept++;
  }
  free(bysrc.slot);
  free(bytitle.slot);
  for (i = 0; i < kept; i++)
    e[i].order = o->order;
  qsort(e, kept, sizeof *e, S_cmp);
  if (limit > 0 && (size_t)limit < kept) {
    for (i = (size_t)limit; i < kept; i++)
      nb_doc_free(e[i].doc);
    kept = (size_t)limit;
  }
  for (i = 0; i < kept; i++)
    e[i].group = S_group_of(e[i].doc, o, g);
  if (g != NB_GROUP_NONE) {
    /* Sections in order of first appearance; documents keep their order
     * inside a section. */
    char *done_mark = nb_calloc(kept ? kept : 1, 1);
    for (i = 0; i < kept; i++) {
      if (done_mark[i])
        continue;
      nb_book_add_section(book, e[i].group ? e[i].group : "");
      for (j = i; j < kept; j++) {
        if (done_mark[j])
          continue;
        if ((e[i].group == NULL && e[j].group == NULL) ||
            (e[i].group && e[j].group && strcmp(e[i].group, e[j].group) == 0)) {
          nb_book_add_doc(book, e[j].doc);
          done_mark[j] = 1;
        }
      }
    }
    free(done_mark);
  } else {
    for (i = 0; i < kept; i++)
      nb_book_add_doc(book, e[i].doc);
  }
  for (i = 0; i < kept; i++)
    free(e[i].group);
  free(e);
  return (long)kept;
}
