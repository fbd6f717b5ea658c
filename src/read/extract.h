/* The extractor's shared state, private to src/read/extract*.c.
 *
 * The page's elements are listed once, in document order, with their
 * parent's index: a parent always comes before its children, so walking
 * the list backwards visits children before parents (sums flow up without
 * recursion), and forwards visits parents first (flags flow down). Per
 * element: what it is (tag kind, class/id hints) and what text it holds
 * (characters, of which in links, commas). Nothing here is freed
 * separately from the list. */
#ifndef NB_READ_EXTRACT_H
#define NB_READ_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

/* Tag kinds the extractor tells apart. */
typedef enum x_tag {
  X_OTHER = 0, /* a block of no other kind here (tbody, thead, tfoot) */
  X_INLINE,    /* span, b, em, a (see X_A)... */
  X_A,
  X_P,
  X_DIV, /* div, section, article, main, center */
  X_HEADING,
  X_LIST, /* ul, ol, dl */
  X_LI,   /* li, dd, dt */
  X_PRE,
  X_QUOTE,
  X_TABLE,
  X_TR,
  X_TD,
  X_FIGURE,
  X_FIGCAPTION,
  X_IMG,
  X_BR,
  X_HR,
  X_FORM,
  X_HEADER,
  X_FOOTER,
  X_NAV,
  X_ASIDE,
  X_JUNK /* script, style, svg, iframe, inputs...: never content */
} x_tag;

/* Class/id hint bits. */
enum {
  X_HINT_POS = 1,       /* article, content, entry, post, story, body... */
  X_HINT_NEG = 2,       /* comment, sidebar, footer, related, share... */
  X_HINT_UNLIKELY = 4,  /* readability's unlikely candidates */
  X_HINT_BOILER = 8,    /* removed inside the article: share bars,
                           related lists, newsletters, bylines, captions */
  X_HINT_HIDDEN = 16,   /* hidden, aria-hidden, display:none */
  X_HINT_BODY = 32,     /* itemprop=articleBody, article-body, entry-content:
                           this is the article's text */
  X_HINT_CAPTION = 64,  /* a caption or a credit */
  X_HINT_COMMENTS = 128 /* a comment thread */
};

typedef struct x_el {
  xmlNode *node;
  long parent; /* index, -1 for the root */
  x_tag tag;
  unsigned hints;
  int depth;
  /* text directly inside (and in inline descendants up to the next block):
   * characters, CJK counted twice (one CJK character says about as much
   * as two Latin ones), commas (ASCII and CJK) */
  uint32_t own_chars, own_link_chars, own_commas;
  int in_link;         /* inside an <a> */
  int block;           /* a block-level element */
  int has_block_child; /* some child element is a block */
  long block_owner;    /* the nearest block ancestor-or-self */
} x_el;

/* Per-pass sums (recomputed when what counts changes). */
typedef struct x_sum {
  uint64_t chars, link_chars, commas;
  uint32_t paras;      /* text blocks of >= X_PARA_MIN characters */
  uint32_t para_chars; /* characters in <p>-like blocks */
  uint32_t ps, imgs, lis, headings;
  uint64_t heading_chars, li_chars;
  double score;
  int candidate;
  int excluded; /* left out of this pass (removed or unlikely) */
} x_sum;

#define X_PARA_MIN 25

typedef struct x_page {
  xmlDoc *dom;
  xmlNode *body;
  x_el *els;
  size_t n, cap;
  x_sum *sum; /* n entries */
  const char *title;
  const char *ld_body;
  xmlNode **trash; /* unlinked by x_clean, freed last */
  size_t ntrash, trash_cap;
} x_page;

/* extract_dom.c: listing and measuring */

/** List the elements below @p body into @p pg (tags, hints, own text).
 * 0, or -1 on out of memory. */
int x_list(x_page *pg);
/** Recompute pg->sum, leaving out elements whose excluded flag is set
 * (and their subtrees). */
void x_sums(x_page *pg);
/** The class/id hints of an element. */
unsigned x_hints(const xmlNode *el);
/** Link density of element @p i: link characters / characters. */
double x_link_density(const x_page *pg, size_t i);
/** 1 when element @p a is @p b or an ancestor of it. */
int x_contains(const x_page *pg, long a, long b);

/* extract_clean.c: pruning inside the chosen article */

/** Remove boilerplate below element @p root (one of the article's parts,
 * whose parts hold @p article_prose characters of prose in all): share bars,
 * related lists, bylines and captions, link-dense blocks, forms, the title's
 * repeat. Elements are unlinked from the DOM into pg->trash (their list entries
 * stay valid until the caller frees the trash). */
void x_clean(x_page *pg, long root, uint64_t article_prose);

/* extract_hint.c: the page's JSON-LD articleBody as a check */

/** When pg->ld_body is long enough to judge by and the elements @p roots
 * hold less than 60% of its word triples, the element that matches it
 * clearly better (by F-measure, at least 0.5 and 0.2 above the roots');
 * else -1. */
long x_ld_check(x_page *pg, const long *roots, size_t nroots);

#endif
