/* Choosing and arranging articles for a book: category and date filters,
 * duplicates, order, limit, sections. The filters are metadata work, so
 * the scan of a large archive can run on front matter; only telling two
 * articles of the same title and date apart looks at their text. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
  /* duplicate keys (malloc'd; NULL for none) */
  char *source, *guid, *title;
  nb_date date;
  int hashed;     /* body hash computed */
  char body[33];  /* hash of the body's text without white space */
  nb_order order; /* for the comparator: books may be sorted at once in
                     several threads */
} S_entry;

/* ## Duplicates
 *
 * A book holds an article once, however it got in: the archive keeps the
 * same article under several paths (its title with and without stacked
 * quotes), a directory and a file name it twice, a feed repeats an item.
 * Two documents are the same article when they have the same source URL,
 * the same GUID, or the same title, date and body text. Each key has an
 * open-addressing table of kept entries, so that a thousand articles cost
 * a thousand look-ups rather than half a million comparisons. */

typedef enum { S_BY_SOURCE, S_BY_GUID, S_BY_TITLE, S_NKEYS } S_key;

typedef struct {
  size_t *slot; /* entry index + 1, 0 when empty */
  size_t cap;   /* a power of two, at least twice the entries */
} S_seen;

static int S_quote_cp(uint32_t cp) {
  return cp == '"' || cp == '\'' || cp == 0x201C || cp == 0x201D ||
         cp == 0x2018 || cp == 0x2019 || cp == 0x300C || cp == 0x300D ||
         cp == 0x300E || cp == 0x300F || cp == 0xFF02 || cp == 0xFF07;
}

static int S_space_cp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 ||
         cp == 0x3000;
}

/* A title as a key: quotes and spaces around it gone (feeds stack quotes
 * around some titles and not others), inner white space one space. */
static char *S_title_key(const char *t) {
  const unsigned char *s = (const unsigned char *)t;
  size_t len = strlen(t), a = 0, b = len, i;
  nb_buf out = NB_BUF_INIT;
  int sp = 0;
  for (;;) { /* leading quotes and spaces */
    uint32_t cp;
    size_t k = nb_utf8_decode(s + a, len - a, &cp);
    if (a >= len || !(S_quote_cp(cp) || S_space_cp(cp)))
      break;
    a += k ? k : 1;
  }
  while (b > a) { /* trailing ones */
    size_t k = b - 1;
    uint32_t cp;
    while (k > a && (s[k] & 0xC0) == 0x80)
      k--;
    nb_utf8_decode(s + k, b - k, &cp);
    if (!(S_quote_cp(cp) || S_space_cp(cp)))
      break;
    b = k;
  }
  for (i = a; i < b;) {
    uint32_t cp;
    size_t k = nb_utf8_decode(s + i, b - i, &cp);
    if (!k)
      k = 1;
    if (S_space_cp(cp)) {
      sp = 1;
    } else {
      if (sp)
        nb_buf_putc(&out, ' ');
      sp = 0;
      nb_buf_append(&out, s + i, k);
    }
    i += k;
  }
  if (!out.data)
    return nb_strdup("");
  return nb_buf_detach(&out);
}

/* A source URL as a key: without scheme, fragment or trailing slash, the
 * host in lower case ("http://Example.com/a/#x" is "example.com/a"). */
static char *S_source_key(const char *u) {
  const char *p = u, *host_end;
  char *k;
  size_t n, i;
  if (strncasecmp(p, "https://", 8) == 0)
    p += 8;
  else if (strncasecmp(p, "http://", 7) == 0)
    p += 7;
  else if (strncmp(p, "//", 2) == 0)
    p += 2;
  n = strcspn(p, "#");
  while (n > 0 && p[n - 1] == '/')
    n--;
  k = nb_strndup(p, n);
  if (!k)
    return NULL;
  host_end = strchr(k, '/');
  for (i = 0; k[i] && (!host_end || k + i < host_end); i++)
    k[i] = (char)tolower((unsigned char)k[i]);
  return k;
}

/* The body's hash (its text without white space), computed once. */
static const char *S_body(S_entry *e) {
  if (!e->hashed) {
    char *t = nb_node_text(nb_doc_root(e->doc));
    nb_hash h;
    const char *p;
    nb_hash_init(&h);
    for (p = t ? t : ""; *p; p++)
      if (!isspace((unsigned char)*p))
        nb_hash_update(&h, p, 1);
    nb_hash_hex(&h, e->body);
    free(t);
    e->hashed = 1;
  }
  return e->body;
}

static uint64_t S_hash_str(uint64_t h, const char *s) {
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

/* The title key hashes the body too: a feed of 100,000 items with one
 * title and date must not chain them all in one run of the table. */
static uint64_t S_key_hash(S_entry *e, S_key key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  if (key == S_BY_SOURCE)
    return S_hash_str(h, e->source);
  if (key == S_BY_GUID)
    return S_hash_str(h, e->guid);
  h = S_hash_str(h, e->title);
  h = S_hash_str(h, S_body(e));
  h = (h ^ (uint64_t)e->date.valid) * 0x100000001b3ULL;
  return (h ^ (uint64_t)e->date.utc) * 0x100000001b3ULL;
}

static const char *S_key_of(const S_entry *e, S_key key) {
  return key == S_BY_SOURCE ? e->source : key == S_BY_GUID ? e->guid : e->title;
}

static int S_same_key(S_entry *a, S_entry *b, S_key key) {
  if (key != S_BY_TITLE)
    return strcmp(S_key_of(a, key), S_key_of(b, key)) == 0;
  return strcmp(a->title, b->title) == 0 && a->date.valid == b->date.valid &&
         a->date.utc == b->date.utc && strcmp(S_body(a), S_body(b)) == 0;
}

/* The slot of @p e's key in @p t: holding an equal entry, or empty. */
static size_t S_seen_find(const S_seen *t, S_entry *all, S_entry *e,
                          S_key key) {
  size_t i = (size_t)S_key_hash(e, key) & (t->cap - 1);
  while (t->slot[i] && !S_same_key(&all[t->slot[i] - 1], e, key))
    i = (i + 1) & (t->cap - 1);
  return i;
}

static void S_entry_free_keys(S_entry *e) {
  free(e->source);
  free(e->guid);
  free(e->title);
  e->source = e->guid = e->title = NULL;
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
  default: return NULL;
  }
}

long nb_book_assemble(nb_book *book, nb_doc **docs, size_t n,
                      const nb_select_options *o, const nb_diag *diag) {
  S_entry *e = nb_calloc(n ? n : 1, sizeof *e);
  size_t i, j, kept = 0;
  nb_group_by g = o->group_by;
  long limit = o->limit;
  S_seen seen[S_NKEYS];
  int tables = 1, k;
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
    for (k = 0; k < S_NKEYS; k++) {
      seen[k].cap = cap;
      seen[k].slot = nb_calloc(cap, sizeof *seen[k].slot);
      tables = tables && seen[k].slot;
    }
  }
  for (i = 0; i < n; i++) {
    nb_doc *d = docs[i];
    S_entry *en = &e[kept];
    size_t at[S_NKEYS];
    const char *v;
    int dup = 0;
    if (!nb_select_match(d, o)) {
      nb_doc_free(d);
      continue;
    }
    memset(en, 0, sizeof *en);
    en->doc = d;
    en->index = i;
    en->order = o->order;
    if ((v = nb_doc_get_meta(d, "source")) != NULL && *v)
      en->source = S_source_key(v);
    if ((v = nb_doc_get_meta(d, "guid")) != NULL && *v)
      en->guid = nb_strdup(v);
    if ((v = nb_doc_get_meta(d, "title")) != NULL)
      en->title = S_title_key(v);
    en->date = nb_doc_get_date(d);
    for (k = 0; k < S_NKEYS && !dup; k++) {
      if (!S_key_of(en, (S_key)k))
        continue;
      if (tables) {
        at[k] = S_seen_find(&seen[k], e, en, (S_key)k);
        dup = seen[k].slot[at[k]] != 0;
      } else {
        /* no memory for the tables: compare with every kept entry */
        for (j = 0; j < kept && !dup; j++)
          dup = S_key_of(&e[j], (S_key)k) && S_same_key(en, &e[j], (S_key)k);
      }
    }
    if (dup) {
      nb_diag_emit(diag, NB_SEV_NOTE, "duplicate", nb_doc_origin(d), 0, NULL,
                   "the same article is already in the book (same %s): "
                   "dropped",
                   k - 1 == S_BY_SOURCE ? "source URL"
                   : k - 1 == S_BY_GUID ? "GUID"
                                        : "title, date and text");
      S_entry_free_keys(en);
      nb_doc_free(d);
      continue;
    }
    if (tables)
      for (k = 0; k < S_NKEYS; k++)
        if (S_key_of(en, (S_key)k))
          seen[k].slot[at[k]] = kept + 1;
    kept++;
  }
  for (k = 0; k < S_NKEYS; k++)
    free(seen[k].slot);
  qsort(e, kept, sizeof *e, S_cmp);
  if (limit > 0 && (size_t)limit < kept) {
    for (i = (size_t)limit; i < kept; i++) {
      nb_doc_free(e[i].doc);
      S_entry_free_keys(&e[i]);
    }
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
  for (i = 0; i < kept; i++) {
    free(e[i].group);
    S_entry_free_keys(&e[i]);
  }
  free(e);
  return (long)kept;
}
