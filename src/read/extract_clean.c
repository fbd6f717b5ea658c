/* Pruning the chosen article (extract.h: x_clean): what sits inside the
 * article's container but is not the article — share bars, related-story
 * lists, newsletter boxes, bylines and datelines, captions and credits,
 * comment threads, navigation, forms, link lists — and the headline's
 * repeat at the top.
 *
 * Decisions use the sums of the pass that chose the article; an element
 * whose class says "boilerplate" is still kept when it holds a large share
 * of the article's prose (templates put "share" or "meta" in the class of
 * wrappers). The tests on blocks are Readability's conditional cleaning
 * (images against paragraphs, list items against paragraphs, link
 * density by class weight), applied to the blocks that may hold
 * boilerplate. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/extract.h"
#include "read/page.h"
#include "util/util.h"

static void S_trash(x_page *pg, xmlNode *n) {
  if (pg->ntrash == pg->trash_cap) {
    size_t ncap = pg->trash_cap ? pg->trash_cap * 2 : 32;
    xmlNode **v = nb_reallocarray(pg->trash, ncap, sizeof *v);
    if (!v)
      return; /* kept: an extra paragraph is better than a leak */
    pg->trash = v;
    pg->trash_cap = ncap;
  }
  xmlUnlinkNode(n);
  pg->trash[pg->ntrash++] = n;
}

/* Same text, ignoring case (ASCII), spaces and punctuation. */
static int S_same_text(const char *a, const char *b) {
  while (*a || *b) {
    while (*a && (isspace((unsigned char)*a) || ispunct((unsigned char)*a)))
      a++;
    while (*b && (isspace((unsigned char)*b) || ispunct((unsigned char)*b)))
      b++;
    if (!*a || !*b)
      return !*a && !*b;
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return 0;
    a++;
    b++;
  }
  return 1;
}

static int S_class_weight(const x_el *e) {
  int w = 0;
  if (e->hints & X_HINT_POS)
    w += 25;
  if (e->hints & X_HINT_NEG)
    w -= 25;
  return w;
}

static int S_in_figure(const x_page *pg, long i) {
  for (i = pg->els[i].parent; i >= 0; i = pg->els[i].parent)
    if (pg->els[i].tag == X_FIGURE)
      return 1;
  return 0;
}

/* Readability's conditional cleaning of a block that may hold boilerplate. */
static int S_conditional(const x_page *pg, long i) {
  const x_el *e = &pg->els[i];
  const x_sum *s = &pg->sum[i];
  int weight = S_class_weight(e);
  int is_list = e->tag == X_LIST ||
                (s->chars && (double)s->li_chars / (double)s->chars > 0.9);
  double ld = x_link_density(pg, (size_t)i);
  double heading_density =
      s->chars ? (double)s->heading_chars / (double)s->chars : 0;
  long p = s->ps, img = s->imgs, li = (long)s->lis - 100;
  uint64_t len = s->chars;
  switch (e->tag) {
  case X_TABLE:
  case X_LIST:
  case X_DIV:
  case X_FORM:
  case X_HEADER: break;
  default: return 0;
  }
  if (e->hints & X_HINT_BODY)
    return 0;
  if (weight + s->score < 0)
    return 1;
  if (s->commas >= 10)
    return 0;
  if (img > 1 && (double)p / (double)img < 0.5 && !S_in_figure(pg, i))
    return 1;
  if (!is_list && li > p)
    return 1;
  if (!is_list && heading_density < 0.9 && len < X_PARA_MIN &&
      (img == 0 || img > 2) && !S_in_figure(pg, i))
    return 1;
  if (!is_list && weight < 25 && ld > 0.2 + 0.0)
    return 1;
  if (weight >= 25 && ld > 0.5)
    return 1;
  if (is_list && ld > 0.5)
    return 1;
  return 0;
}

/* The <figure> above @p i, or -1. */
static long S_figure_of(const x_page *pg, long i) {
  for (i = pg->els[i].parent; i >= 0; i = pg->els[i].parent)
    if (pg->els[i].tag == X_FIGURE)
      return i;
  return -1;
}

void x_clean(x_page *pg, long root, uint64_t article_prose) {
  size_t j, end;
  const x_sum *rs = &pg->sum[root];
  uint64_t all = rs->chars ? rs->chars : 1;
  uint64_t prose = article_prose > rs->para_chars ? article_prose
                   : rs->para_chars               ? rs->para_chars
                                                  : 1;
  int root_depth = pg->els[root].depth, title_done = 0;
  unsigned char *gone;
  for (end = (size_t)root + 1; end < pg->n; end++)
    if (pg->els[end].depth <= root_depth)
      break;
  gone = calloc(end - (size_t)root, 1);
  if (!gone)
    return;
  for (j = (size_t)root + 1; j < end; j++) {
    const x_el *e = &pg->els[j];
    const x_sum *s = &pg->sum[j];
    int drop = 0;
    long par = e->parent;
    if (par > root && gone[par - root]) {
      gone[j - (size_t)root] = 1;
      continue;
    }
    if ((uint64_t)s->para_chars * 2 > prose)
      continue; /* most of the article: whatever its class says */
    if (s->excluded)
      drop = 1;
    else if (e->hints & X_HINT_HIDDEN)
      drop = (uint64_t)s->para_chars * 2 < prose;
    else if (e->tag == X_NAV || e->tag == X_ASIDE || e->tag == X_FOOTER)
      drop = s->chars * 3 < all;
    else if (e->hints & X_HINT_COMMENTS && !(e->hints & X_HINT_BODY))
      drop = s->chars * 2 < all;
    else if (e->hints & (X_HINT_BOILER | X_HINT_UNLIKELY | X_HINT_CAPTION) &&
             !(e->hints & X_HINT_BODY))
      drop = (uint64_t)s->para_chars * 4 < prose;
    if (!drop && e->tag == X_HEADING && pg->title && !title_done) {
      char *t = nb_page__text(e->node, 4096);
      if (t && S_same_text(t, pg->title)) {
        drop = 1;
        title_done = 1;
      }
      free(t);
    }
    if (!drop && e->tag == X_HEADING && (e->hints & X_HINT_NEG))
      drop = 1;
    if (!drop && e->tag == X_FIGCAPTION) {
      /* a caption whose figure shows no picture (a video, an embed) has
       * nothing left to caption */
      long fig = S_figure_of(pg, (long)j);
      drop = fig >= 0 && pg->sum[fig].imgs == 0;
    }
    if (!drop && S_conditional(pg, (long)j))
      drop = 1;
    if (drop) {
      gone[j - (size_t)root] = 1;
      S_trash(pg, e->node);
    }
  }
  free(gone);
}
