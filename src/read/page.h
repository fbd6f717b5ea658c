/* The web-page reader's parts, private to src/read/: metadata from the
 * page's head and JSON-LD (page_meta.c, page_jsonld.c), URL repair
 * (page_urls.c) and the extractor that finds the article in the page's
 * DOM (extract*.c). webpage.c ties them together. */
#ifndef NB_READ_PAGE_H
#define NB_READ_PAGE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "newsbook/doc.h"
#include "newsbook/reader.h"

/* ## Text of a DOM */

/** The text below @p node (text nodes only, script and style skipped),
 * white space collapsed to single spaces and trimmed, at most @p max bytes
 * (cut between characters). malloc'd, or NULL on out of memory. */
char *nb_page__text(const xmlNode *node, size_t max);

/** 1 when element @p el is named @p name (lower-case ASCII). */
int nb_page__is(const xmlNode *el, const char *name);

/* ## JSON-LD */

/** What the page's JSON-LD says about its article: the first object whose
 * @type is an article kind (NewsArticle, BlogPosting...), or else a
 * WebPage. Every field malloc'd or NULL. */
typedef struct nb_jsonld {
  char *type;
  char *headline;
  char *date_published;
  char *date_modified;
  char **authors;
  size_t nauthors;
  char *image;
  char *body; /* articleBody, tags stripped */
  char *description;
  char *publisher;
  char *url;
  char *lang;
} nb_jsonld;

/** Read every <script type="application/ld+json"> below @p root into
 * @p ld (which starts zeroed). Tolerant of what pages write: comments,
 * trailing commas, raw control characters and HTML entities in strings,
 * several objects in one script, @graph. Never fails: what cannot be read
 * is skipped. */
void nb_page__jsonld(const xmlNode *root, nb_jsonld *ld);
void nb_page__jsonld_free(nb_jsonld *ld);

/** Parse one JSON-LD text (for tests and the fuzzer): as above. */
void nb_page__jsonld_parse(const char *s, size_t len, nb_jsonld *ld);

/* ## Metadata */

typedef struct nb_page_meta {
  char *title; /* the headline, site name removed */
  char *site_name;
  char **authors;
  size_t nauthors;
  char *date;      /* as written, for nb_date_parse */
  char *image;     /* lead image URL, absolute when it could be made so */
  char *lang;      /* BCP 47 */
  char *canonical; /* absolute URL */
  char *description;
  char *base;    /* the base URL relative links resolve against */
  char *ld_body; /* JSON-LD articleBody: a hint for the extractor */
} nb_page_meta;

/** Collect the metadata of the page @p dom. @p url is where the page came
 * from (may be NULL). */
void nb_page__meta(xmlDoc *dom, const char *url, nb_page_meta *m);
void nb_page__meta_free(nb_page_meta *m);

/** Clean a title: drop the site name part ("Headline | Site", "Site -
 * Headline") when it is @p site_name; the <h1> when @p title holds it.
 * With @p guess (a <title>, not a headline field), also guess: the one
 * part clearly longer than the others, or all but a short last part.
 * malloc'd. */
char *nb_page__clean_title(const char *title, const char *site_name,
                           const char *h1, int guess);

/* ## URLs */

/** Below @p root: make each <img> show the picture a browser would (lazy
 * loaders' data-src and friends, srcset and <picture>, a <noscript>
 * fallback), and every href/src absolute against @p base (may be NULL:
 * only the lazy images are fixed). */
void nb_page__fix_urls(xmlNode *root, const char *base);

/** @p ref resolved against @p base, malloc'd; a copy of @p ref when it
 * cannot be (or @p base is NULL). NULL only on out of memory. */
char *nb_page__absolute(const char *ref, const char *base);

/* ## Extraction */

typedef struct nb_extract_hints {
  const char *title;   /* the page's title, to drop its repeat */
  const char *ld_body; /* JSON-LD articleBody */
  int force;           /* extract even from a page without chrome */
  /* set by nb_extract: the text of the page and of the article kept
   * (characters, CJK counted twice) */
  size_t page_chars, kept_chars;
} nb_extract_hints;

/** Find the article in @p dom and strip everything else from the tree:
 * afterwards the <body> holds only the article's blocks. Returns the
 * element whose content is the article (the caller serialises its
 * children), or NULL when the page has no body, or when it has no chrome
 * to leave out (no navigation, header, footer, aside, form, no element
 * whose class names boilerplate, few links) and hints->force is not set:
 * a plain document is its own article. Works in place; the tree is
 * walked iteratively. */
xmlNode *nb_extract(xmlDoc *dom, nb_extract_hints *hints);

/** Trim the article's edges in the model: boilerplate blocks (link lists,
 * interface phrases like "Advertisement" or "Related", shortcodes)
 * anywhere, and short non-prose blocks before the first and after the
 * last block of prose. Only the root's children after @p after (NULL: all)
 * are looked at. */
void nb_page__trim(nb_doc *doc, nb_node *after);

/** The readers' entry for HTML that may be a whole page: metadata into
 * @p doc where not set yet, then the article appended to its root: the
 * whole body with NB_EXTRACT_NEVER, the article of a page that has chrome
 * with NB_EXTRACT_AUTO, the article in any case with NB_EXTRACT_ALWAYS.
 * @p html is UTF-8. */
int nb_read__page_into(nb_doc *doc, const char *name, const char *url,
                       const char *html, size_t len, nb_extract_mode mode,
                       const nb_read_options *opts, const nb_diag *diag,
                       nb_error *err);

#endif
