/* The article in a web page: which part of the DOM holds it.
 *
 * Every block of text of at least X_PARA_MIN characters votes for its
 * block ancestors (fully for its container, half for the one above, less
 * further up), with more weight for longer text and more commas — prose,
 * not link lists. Containers start from what their tag and their class or
 * id say (article-body, entry-content: yes; sidebar, comments, share:
 * no), and end scaled by how little of their text is links. The best
 * container then grows to its parent when the parent is clearly the
 * article (several good candidates below it, or a better score), and
 * takes along siblings that are also article text (an article cut in
 * parts by advertisements). This is the shape of Readability's scorer;
 * what differs is in the passes and the checks around it:
 *
 * - elements are excluded, not deleted, so a pass that finds too little
 *   can rerun with fewer exclusions at no cost;
 * - nothing that holds most of the page's prose is excluded for its class
 *   name (a wrapper called "main-sidebar-layout" is not a sidebar);
 * - the article's own text marker (itemprop=articleBody and its
 *   conventional class names) and the page's JSON-LD articleBody both
 *   steer the choice when present;
 * - the chosen part is pruned of boilerplate (extract_clean.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/extract.h"
#include "read/html.h"
#include "read/page.h"
#include "util/util.h"

/* ## Passes */

enum {
  S_STRIP_UNLIKELY = 1, /* leave out unlikely candidates (by class/id) */
  S_WEIGHT_CLASSES = 2, /* let class/id hints weigh on scores */
  S_CLEAN = 4           /* prune the result */
};

static int S_class_weight(const x_el *e) {
  int w = 0;
  if (e->hints & X_HINT_POS)
    w += 25;
  if (e->hints & X_HINT_NEG)
    w -= 25;
  if (e->hints & X_HINT_BODY)
    w += 40;
  return w;
}

static double S_tag_base(const x_el *e) {
  switch (e->tag) {
  case X_DIV: return 5;
  case X_PRE:
  case X_TD:
  case X_QUOTE: return 3;
  case X_LIST:
  case X_LI:
  case X_FORM: return -3;
  case X_HEADING: return -5;
  default: return 0;
  }
}

static void S_init_candidate(x_page *pg, size_t i, int flags) {
  x_sum *s = &pg->sum[i];
  if (s->candidate)
    return;
  s->candidate = 1;
  s->score = S_tag_base(&pg->els[i]);
  if (flags & S_WEIGHT_CLASSES)
    s->score += S_class_weight(&pg->els[i]);
}

/* 1 when element @p i may hold text that votes: paragraph-like blocks. */
static int S_votes(const x_el *e) {
  switch (e->tag) {
  case X_P:
  case X_PRE:
  case X_TD:
  case X_DIV:
  case X_QUOTE:
  case X_OTHER: return 1;
  default: return 0;
  }
}

static void S_score(x_page *pg, int flags) {
  size_t i;
  for (i = 0; i < pg->n; i++) {
    pg->sum[i].candidate = 0;
    pg->sum[i].score = 0;
  }
  for (i = 1; i < pg->n; i++) {
    const x_el *e = &pg->els[i];
    double content;
    long a;
    int level;
    if (pg->sum[i].excluded || !S_votes(e) || e->own_chars < X_PARA_MIN)
      continue;
    content =
        1 + e->own_commas + fmin(floor((double)e->own_chars / 100.0), 3.0);
    /* link-heavy text votes less: a list of headlines is no article */
    if (e->own_link_chars)
      content *= 1.0 - (double)e->own_link_chars / e->own_chars;
    /* loose text beside blocks is a paragraph of this element's own, as
     * if wrapped in a <p>: it votes for the element itself first */
    a = e->tag != X_P && e->has_block_child ? (long)i : e->parent;
    for (level = 0; a >= 0 && level < 5; a = pg->els[a].parent) {
      if (!pg->els[a].block)
        continue;
      S_init_candidate(pg, (size_t)a, flags);
      pg->sum[a].score += level == 0   ? content
                          : level == 1 ? content / 2
                                       : content / (level * 3);
      level++;
    }
  }
  for (i = 0; i < pg->n; i++)
    if (pg->sum[i].candidate)
      pg->sum[i].score *= 1.0 - x_link_density(pg, i);
}

#define S_TOP_N 5

/* The best candidate, grown as far as the evidence goes. */
static long S_top(x_page *pg) {
  long top[S_TOP_N];
  size_t i, k, ntop = 0;
  long best, parent;
  double last, threshold;
  for (i = 1; i < pg->n; i++) {
    if (!pg->sum[i].candidate || pg->sum[i].excluded)
      continue;
    for (k = 0; k < ntop; k++)
      if (pg->sum[i].score > pg->sum[top[k]].score)
        break;
    if (k < S_TOP_N) {
      size_t m = ntop < S_TOP_N ? ntop : S_TOP_N - 1;
      memmove(top + k + 1, top + k, (m - k) * sizeof *top);
      top[k] = (long)i;
      if (ntop < S_TOP_N)
        ntop++;
    }
  }
  if (!ntop)
    return 0;
  best = top[0];
  /* several strong candidates under one ancestor: that ancestor */
  {
    long alt[S_TOP_N];
    size_t nalt = 0;
    for (k = 1; k < ntop; k++)
      if (pg->sum[top[k]].score >= 0.75 * pg->sum[best].score)
        alt[nalt++] = top[k];
    if (nalt >= 2) {
      for (parent = pg->els[best].parent; parent > 0;
           parent = pg->els[parent].parent) {
        size_t hits = 0;
        for (k = 0; k < nalt; k++)
          hits += x_contains(pg, parent, alt[k]);
        if (hits >= 2) {
          best = parent;
          break;
        }
      }
    }
  }
  /* climb while the parent scores better (or not much worse) */
  last = pg->sum[best].score;
  threshold = last / 3;
  for (parent = pg->els[best].parent; parent > 0;
       parent = pg->els[parent].parent) {
    double ps;
    if (!pg->sum[parent].candidate)
      continue;
    ps = pg->sum[parent].score;
    if (ps < threshold)
      break;
    if (ps > last) {
      best = parent;
      break;
    }
    last = ps;
  }
  /* an only child is as good as its parent */
  for (parent = pg->els[best].parent; parent > 0;
       parent = pg->els[parent].parent) {
    xmlNode *c;
    int elements = 0;
    for (c = pg->els[parent].node->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE)
        elements++;
    if (elements != 1)
      break;
    best = parent;
  }
  return best;
}

/* ## Growing */

/* The lowest common ancestor of @p a and @p b. */
static long S_common(const x_page *pg, long a, long b) {
  while (a != b) {
    if (pg->els[a].depth >= pg->els[b].depth)
      a = pg->els[a].parent;
    else
      b = pg->els[b].parent;
  }
  return a;
}

/* An article cut into parts (by advertisement rails, by "chunks" the
 * template wraps one by one) leaves the best candidate holding one part,
 * and another strong candidate holding the next. Take the two together
 * when their common ancestor adds little else: its added prose at least
 * twice its added other text (links, short lines, headings). */
static long S_grow(const x_page *pg, long best) {
  const x_sum *b = &pg->sum[best];
  long pick = best;
  size_t i;
  for (i = 1; i < pg->n; i++) {
    const x_sum *c = &pg->sum[i];
    long a;
    uint64_t prose0, other0, dp, dother;
    if (!c->candidate || c->excluded || c->score < 0.3 * b->score ||
        c->para_chars * 10 < (uint64_t)b->para_chars * 3 ||
        x_contains(pg, pick, (long)i) || x_contains(pg, (long)i, pick))
      continue;
    a = S_common(pg, pick, (long)i);
    prose0 = pg->sum[pick].para_chars;
    other0 = pg->sum[pick].chars - prose0;
    dp = pg->sum[a].para_chars - prose0;
    dother = (pg->sum[a].chars - pg->sum[a].para_chars) - other0;
    if (dp >= 2 * dother)
      pick = a;
  }
  return pick;
}

/* ## Siblings */

static int S_same_class(const xmlNode *a, const xmlNode *b) {
  const char *ca = nb_read__attr(a, "class"), *cb = nb_read__attr(b, "class");
  return ca && cb && *ca && strcmp(ca, cb) == 0;
}

/* Ends like a sentence: ". " or "." at the end (or the CJK full stop). */
static int S_sentence_end(const xmlNode *n) {
  char *t = nb_page__text(n, 4096);
  size_t len = t ? strlen(t) : 0;
  int yes = len && (t[len - 1] == '.' || strstr(t, ". ") ||
                    (len >= 3 && strcmp(t + len - 3, "\xE3\x80\x82") == 0));
  free(t);
  return yes;
}

/* The indices of @p top and of its siblings that are article text too. */
static size_t S_siblings(x_page *pg, long top, long *out, size_t cap) {
  long parent = pg->els[top].parent;
  double threshold = fmax(10, pg->sum[top].score * 0.2);
  size_t n = 0;
  xmlNode *c;
  if (parent < 0) {
    out[n++] = top;
    return n;
  }
  for (c = pg->els[parent].node->children; c && n < cap; c = c->next) {
    long i;
    int take = 0;
    if (c->type != XML_ELEMENT_NODE || !c->_private)
      continue;
    i = (long)(intptr_t)c->_private - 1;
    if (i == top) {
      out[n++] = i;
      continue;
    }
    if (pg->sum[i].excluded ||
        ((pg->els[i].hints &
          (X_HINT_BOILER | X_HINT_COMMENTS | X_HINT_CAPTION)) &&
         !(pg->els[i].hints & X_HINT_BODY)))
      continue;
    if (pg->sum[i].candidate) {
      double bonus =
          S_same_class(c, pg->els[top].node) ? pg->sum[top].score * 0.2 : 0;
      take = pg->sum[i].score + bonus >= threshold;
    }
    if (!take && (pg->els[i].tag == X_P ||
                  ((pg->els[i].tag == X_DIV || pg->els[i].tag == X_OTHER) &&
                   !pg->els[i].has_block_child))) {
      double ld = x_link_density(pg, (size_t)i);
      uint64_t len = pg->sum[i].chars;
      take = (len > 80 && ld < 0.25) ||
             (len > 0 && len <= 80 && ld == 0 && S_sentence_end(c));
    }
    if (take)
      out[n++] = i;
  }
  return n;
}

/* ## Exclusions */

/* Exclude what the flags say, but never an element that holds most of
 * the page's prose: its class name is wrong about it. */
static void S_exclude(x_page *pg, const uint32_t *prose, int flags) {
  size_t i;
  uint32_t all = prose[0];
  for (i = 0; i < pg->n; i++) {
    const x_el *e = &pg->els[i];
    int ex = 0;
    pg->sum[i].excluded = 0;
    if (i == 0)
      continue;
    if (e->hints & X_HINT_HIDDEN)
      ex = 1;
    if ((flags & S_STRIP_UNLIKELY) &&
        ((e->hints & X_HINT_UNLIKELY) || e->tag == X_NAV || e->tag == X_ASIDE ||
         e->tag == X_FOOTER))
      ex = 1;
    if ((flags & S_STRIP_UNLIKELY) && (e->hints & X_HINT_COMMENTS) &&
        !(e->hints & X_HINT_BODY))
      ex = 2;
    if (ex == 1 && (uint64_t)prose[i] * 2 > all)
      ex = 0;
    if (ex == 2 && (uint64_t)prose[i] * 10 > (uint64_t)all * 9)
      ex = 0;
    pg->sum[i].excluded = ex ? 1 : 0;
  }
}

/* ## The article */

typedef struct S_pick {
  long roots[64];
  size_t nroots;
  uint64_t chars;
} S_pick;

static void S_run(x_page *pg, const uint32_t *prose, int flags, S_pick *pk) {
  long top;
  size_t k;
  S_exclude(pg, prose, flags);
  x_sums(pg);
  S_score(pg, flags);
  top = S_top(pg);
  if (top > 0)
    top = S_grow(pg, top);
  pk->nroots = top > 0 ? S_siblings(pg, top, pk->roots, 64) : 0;
  if (top <= 0) {
    pk->roots[0] = 0;
    pk->nroots = 1;
  }
  pk->chars = 0;
  for (k = 0; k < pk->nroots; k++)
    pk->chars += pg->sum[pk->roots[k]].chars;
}

/* Does the page have anything to leave out? Navigation, a header, a
 * footer, an aside or a form; an element whose class or id names
 * boilerplate; or a link-heavy body. A document without any is a plain
 * article someone wrote as HTML, and extraction could only lose from it. */
static int S_has_chrome(x_page *pg) {
  size_t i;
  for (i = 1; i < pg->n; i++) {
    const x_el *e = &pg->els[i];
    if (e->tag == X_NAV || e->tag == X_HEADER || e->tag == X_FOOTER ||
        e->tag == X_ASIDE || e->tag == X_FORM ||
        (e->hints & (X_HINT_UNLIKELY | X_HINT_BOILER | X_HINT_COMMENTS |
                     X_HINT_NEG | X_HINT_HIDDEN)))
      return 1;
  }
  x_sums(pg);
  return x_link_density(pg, 0) >= 0.25;
}

static xmlNode *S_find_body(xmlDoc *dom) {
  xmlNode *root = xmlDocGetRootElement(dom), *c;
  if (!root)
    return NULL;
  if (nb_page__is(root, "body"))
    return root;
  for (c = root->children; c; c = c->next)
    if (nb_page__is(c, "body"))
      return c;
  return root;
}

xmlNode *nb_extract(xmlDoc *dom, nb_extract_hints *hints) {
  static const int passes[] = {S_STRIP_UNLIKELY | S_WEIGHT_CLASSES | S_CLEAN,
                               S_WEIGHT_CLASSES | S_CLEAN, S_CLEAN, 0};
  x_page pg;
  uint32_t *prose = NULL;
  S_pick pick, best;
  size_t i, p;
  xmlNode *box = NULL;
  int best_flags = 0;
  uint64_t prose_all = 0;

  memset(&pg, 0, sizeof pg);
  pg.dom = dom;
  pg.body = S_find_body(dom);
  if (hints) {
    pg.title = hints->title;
    pg.ld_body = hints->ld_body;
  }
  if (!pg.body)
    return NULL;
  if (x_list(&pg) != 0 || !(pg.sum = calloc(pg.n, sizeof *pg.sum)) ||
      !(prose = malloc(pg.n * sizeof *prose)))
    goto cleanup;
  if (!(hints && hints->force) && !S_has_chrome(&pg))
    goto cleanup; /* a plain document: all of it is the article */
  /* prose per element with nothing excluded, for the wrapper check */
  x_sums(&pg);
  for (i = 0; i < pg.n; i++)
    prose[i] = pg.sum[i].para_chars;
  prose_all = pg.sum[0].chars;

  memset(&best, 0, sizeof best);
  for (p = 0; p < sizeof passes / sizeof *passes; p++) {
    S_run(&pg, prose, passes[p], &pick);
    if (pick.chars > best.chars) {
      best = pick;
      best_flags = passes[p];
    }
    /* enough text, or all the page has: done */
    if (pick.chars >= 500 || pick.chars * 2 >= pg.sum[0].chars)
      break;
  }
  if (best.nroots == 0)
    goto cleanup;
  if (p >= sizeof passes / sizeof *passes || passes[p] != best_flags)
    S_run(&pg, prose, best_flags, &pick);
  else
    pick = best;

  {
    /* the page's own copy of the article's text, when it has one, checks
     * the choice */
    long alt = x_ld_check(&pg, pick.roots, pick.nroots);
    if (alt >= 0) {
      pick.roots[0] = alt;
      pick.nroots = 1;
    }
  }
  if (best_flags & S_CLEAN) {
    uint64_t article_prose = 0;
    for (i = 0; i < pick.nroots; i++)
      article_prose += pg.sum[pick.roots[i]].para_chars;
    for (i = 0; i < pick.nroots; i++)
      x_clean(&pg, pick.roots[i], article_prose);
  }
  if (hints) {
    uint64_t kept = 0;
    for (i = 0; i < pick.nroots; i++)
      kept += pg.sum[pick.roots[i]].chars;
    for (i = 0; i < pg.ntrash; i++) {
      long t = (long)(intptr_t)pg.trash[i]->_private - 1;
      if (t >= 0 && (uint64_t)pg.sum[t].chars <= kept)
        kept -= pg.sum[t].chars;
    }
    hints->page_chars = (size_t)prose_all;
    hints->kept_chars = (size_t)kept;
  }

  /* the article's parts, in order, into one box at the end of <body> */
  box = xmlNewDocNode(dom, NULL, (const xmlChar *)"div", NULL);
  if (!box)
    goto cleanup;
  for (i = 0; i < pick.nroots; i++) {
    xmlNode *n = pg.els[pick.roots[i]].node;
    if (n == pg.body) {
      /* the whole body: move its children */
      xmlNode *c;
      while ((c = pg.body->children) != NULL) {
        xmlUnlinkNode(c);
        xmlAddChild(box, c);
      }
      break;
    }
    xmlUnlinkNode(n);
    xmlAddChild(box, n);
  }
  xmlAddChild(pg.body, box);

cleanup:
  for (i = 0; i < pg.n; i++)
    pg.els[i].node->_private = NULL;
  for (i = 0; i < pg.ntrash; i++)
    xmlFreeNode(pg.trash[i]);
  free(pg.trash);
  free(prose);
  free(pg.sum);
  free(pg.els);
  return box;
}
