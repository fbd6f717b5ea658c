/* What the readers share and nobody else needs: the HTML-to-model walk that
 * the article, Markdown and feed readers all end in, and option defaults.
 * Private to src/read/. */
#ifndef NB_READ_READ_H
#define NB_READ_READ_H

#include <stddef.h>

#include "newsbook/reader.h"

#define NB_READ_DEFAULT_MAX_INPUT ((size_t)64 << 20)
/* Deep enough for any real article; shallow enough that the XHTML we write
 * (tables cost four XML levels per three model levels) stays under the 256
 * levels that libxml2-based e-readers accept. */
#define NB_READ_DEFAULT_MAX_DEPTH 96

/** Options with defaults filled in (a NULL @p opts gives all defaults). */
nb_read_options nb_read__options(const nb_read_options *opts);

/** Parse @p html (UTF-8, need not be NUL-terminated) with libxml2's HTML
 * parser and append its content, as model blocks, to @p doc's root.
 * @p line0 is the input line the HTML starts on (for node lines). When
 * @p take_title is set and @p doc has no "title", the document's <title>
 * becomes it. 0, or a negative nb_code with @p err filled. */
int nb_read__html_into(nb_doc *doc, const char *path, const char *html,
                       size_t len, int line0, int take_title,
                       const nb_read_options *opts, const nb_diag *diag,
                       nb_error *err);

/** Render Markdown @p md to HTML with md4c's callbacks into a malloc'd,
 * NUL-terminated string (*out, *out_len). Raw HTML passes through, so the
 * HTML reader sees everything. 0 or a negative nb_code. */
int nb_read__markdown_to_html(const char *md, size_t len, char **out,
                              size_t *out_len);

/** nb_read_front_matter() for a block whose first line is line @p line0 of
 * the input, so that messages point at the right line. */
int nb_read__front_matter(nb_doc *doc, const char *path, const char *yaml,
                          size_t len, int line0, const nb_diag *diag);

/** 1 when @p s (UTF-8, NULL too) shows nothing: only white space (any
 * Unicode space, ideographic included), control or zero-width characters.
 * Such a title falls back like a missing one. */
int nb_read__blank(const char *s);

/** Set "lang" from the title and body text when it is not set yet. */
void nb_read__guess_lang(nb_doc *doc);
/* Titles longer than this are cut (with a warning): a title is set as a
 * heading, a running head, a contents line and an outline entry, and a
 * megabyte of "title" is an attack on all of them, not a title. */
#define NB_READ_MAX_TITLE 2048
void nb_read__cap_title(nb_doc *doc, const char *path, int line,
                        const nb_diag *diag);

/* ## URLs (url.c) */

/** @p ref resolved against @p base (http or https), malloc'd; NULL when
 * @p ref is already absolute, a fragment, empty, or would not resolve to an
 * http(s) URL (then it stays as written). */
char *nb_read__resolve_url(const char *base, const char *ref);

/** 1 when @p ref may be kept as an article's link or image: http(s), or
 * relative (no scheme); 0 for javascript:, data:, file:, mailto:... */
int nb_read__url_ok(const char *ref);

/* ## Feeds (feed.c for RSS and Atom, feed_json.c for JSON Feed) */

/** One feed being read: where it came from and where its items go. */
typedef struct nb_read__feed {
  const char *path; /* names the input in messages: a file or the URL */
  const char *url;  /* the feed's own URL when fetched, else NULL */
  const nb_read_options *opts; /* defaults filled in */
  const nb_diag *diag;
  nb_feed_item_fn fn;
  void *userdata;
  nb_error *err;
  int count; /* items handed over */
} nb_read__feed;

/** Finish an item whose metadata @p doc already holds: read @p html (its
 * body, UTF-8) into it, make relative references absolute against
 * @p base (NULL: none), give it a title when it has none (from its text,
 * warning when @p title_expected), and hand it to the feed's callback.
 * Takes @p doc. Returns 0 to go on, 1 when the callback said stop, or a
 * negative nb_code (f->err filled). */
int nb_read__feed_item(nb_read__feed *f, nb_doc *doc, const char *html,
                       size_t len, const char *base, int line,
                       int title_expected);

/** Read a JSON Feed (1.0 or 1.1; valid UTF-8) into items. Returns the
 * number of items, or a negative nb_code (f->err filled). */
int nb_read__json_feed(nb_read__feed *f, const char *data, size_t len);

/** 1 when @p data (after a BOM and white space) is a JSON object that
 * names a JSON Feed version near its start. */
int nb_read__is_json_feed(const char *data, size_t len);

#endif
