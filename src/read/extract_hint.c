/* The page's own account of its article (JSON-LD articleBody) as a check
 * on the scorer (extract.h: x_ld_check).
 *
 * Many news pages repeat the article's text in their structured data.
 * That copy is not the article we want (it lacks headings, lists, links
 * and pictures, and is sometimes cut short or includes captions), but it
 * says where the article is: the element whose text shares the most word
 * triples with it. When the scorer's choice covers little of that text
 * and another element clearly matches it better, the other element wins.
 *
 * Words are runs of letters and digits (ASCII lower-cased), each CJK
 * character a word of its own; triples are hashed into an open-addressing
 * set. Text nodes are matched one by one (a triple across two nodes is not
 * counted on either side of the comparison), and their counts flow up the
 * element list backwards, as the other sums do. */
#include <stdlib.h>
#include <string.h>

#include "read/extract.h"
#include "util/util.h"

typedef struct S_set {
  uint64_t *v;
  size_t mask, n;
} S_set;

static int S_set_init(S_set *s, size_t want) {
  size_t cap = 64;
  while (cap < want * 2)
    cap *= 2;
  s->v = calloc(cap, sizeof *s->v);
  s->mask = cap - 1;
  s->n = 0;
  return s->v != NULL;
}

/* 0 is the empty slot: hashes are made odd. */
static void S_set_add(S_set *s, uint64_t h) {
  size_t i = (size_t)(h * 0x9E3779B97F4A7C15ull) & s->mask;
  while (s->v[i] && s->v[i] != h)
    i = (i + 1) & s->mask;
  if (!s->v[i]) {
    s->v[i] = h;
    s->n++;
  }
}

static int S_set_has(const S_set *s, uint64_t h) {
  size_t i = (size_t)(h * 0x9E3779B97F4A7C15ull) & s->mask;
  while (s->v[i]) {
    if (s->v[i] == h)
      return 1;
    i = (i + 1) & s->mask;
  }
  return 0;
}

/* Calls @p fn with the hash of each word triple of @p s. */
typedef void (*S_gram_fn)(void *ud, uint64_t h);

static void S_grams(const char *s, size_t len, S_gram_fn fn, void *ud) {
  uint64_t w[3] = {0, 0, 0}, cur = 1469598103934665603ull;
  size_t i = 0, words = 0;
  int in_word = 0;
  while (i <= len) {
    uint32_t cp = 0;
    size_t k = 1;
    int letter, single = 0;
    if (i < len)
      k = nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp < 0x80) {
      letter = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
               (cp >= 'A' && cp <= 'Z');
      if (cp >= 'A' && cp <= 'Z')
        cp += 32;
    } else {
      single = nb_is_cjk(cp) && !(cp >= 0x3000 && cp <= 0x303F) &&
               !(cp >= 0xFF00 && cp <= 0xFF20);
      letter = !single && cp != 0xA0 && cp != 0x2019 && cp != 0x2018 &&
               cp != 0x201C && cp != 0x201D && cp != 0x2014 && cp != 0x2013 &&
               cp != 0x2026 && !(cp >= 0x3000 && cp <= 0x303F) &&
               !(cp >= 0xFF00 && cp <= 0xFF20);
    }
    if (letter) {
      cur = (cur ^ cp) * 1099511628211ull;
      in_word = 1;
    }
    if ((!letter || i >= len || single) && in_word) {
      /* a word ends */
      w[0] = w[1];
      w[1] = w[2];
      w[2] = cur;
      if (++words >= 3)
        fn(ud, ((w[0] * 31 + w[1]) * 31 + w[2]) | 1);
      cur = 1469598103934665603ull;
      in_word = 0;
    }
    if (single) {
      w[0] = w[1];
      w[1] = w[2];
      w[2] = cp * 0x100000001B3ull + 7;
      if (++words >= 3)
        fn(ud, ((w[0] * 31 + w[1]) * 31 + w[2]) | 1);
    }
    i += k;
  }
}

static void S_add_cb(void *ud, uint64_t h) {
  S_set_add(ud, h);
}

static void S_count_cb(void *ud, uint64_t h) {
  (void)h;
  (*(size_t *)ud)++;
}

typedef struct S_match {
  const S_set *set;
  uint32_t grams, hits;
} S_match;

static void S_match_cb(void *ud, uint64_t h) {
  S_match *m = ud;
  m->grams++;
  m->hits += S_set_has(m->set, h);
}

static double S_f(uint64_t hits, uint64_t grams, uint64_t ld) {
  return grams + ld ? 2.0 * (double)hits / (double)(grams + ld) : 0;
}

long x_ld_check(x_page *pg, const long *roots, size_t nroots) {
  S_set set;
  size_t ld_grams = 0, i, t;
  uint32_t *grams = NULL, *hits = NULL;
  long best = -1;
  double fbest = 0, fcur;
  uint64_t cur_hits = 0, cur_grams = 0;
  if (!pg->ld_body)
    return -1;
  S_grams(pg->ld_body, strlen(pg->ld_body), S_count_cb, &ld_grams);
  if (ld_grams < 50 || !S_set_init(&set, ld_grams))
    return -1; /* too short a summary to say anything */
  S_grams(pg->ld_body, strlen(pg->ld_body), S_add_cb, &set);
  grams = calloc(pg->n, sizeof *grams);
  hits = calloc(pg->n, sizeof *hits);
  if (!grams || !hits)
    goto done;
  /* text nodes are the element list's children: walk each element's */
  for (i = 0; i < pg->n; i++) {
    xmlNode *c;
    if (pg->sum[i].excluded)
      continue;
    for (c = pg->els[i].node->children; c; c = c->next)
      if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
          c->content) {
        S_match m = {&set, 0, 0};
        S_grams((const char *)c->content, strlen((const char *)c->content),
                S_match_cb, &m);
        grams[i] += m.grams;
        hits[i] += m.hits;
      }
  }
  for (i = pg->n; i-- > 1;)
    if (!pg->sum[i].excluded) {
      grams[pg->els[i].parent] += grams[i];
      hits[pg->els[i].parent] += hits[i];
    }
  for (t = 0; t < nroots; t++) {
    cur_hits += hits[roots[t]];
    cur_grams += grams[roots[t]];
  }
  fcur = S_f(cur_hits, cur_grams, set.n);
  if (cur_hits * 10 >= (uint64_t)set.n * 6)
    goto done; /* the scorer's choice holds most of it: agreed */
  for (i = 0; i < pg->n; i++) {
    double f = S_f(hits[i], grams[i], set.n);
    if (!pg->sum[i].excluded && f > fbest) {
      fbest = f;
      best = (long)i;
    }
  }
  if (fbest < 0.5 || fbest < fcur + 0.2)
    best = -1;
done:
  free(grams);
  free(hits);
  free(set.v);
  return best;
}
