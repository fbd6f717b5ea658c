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

#endif
