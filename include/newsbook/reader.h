/* Readers: bytes in some input format to nb_doc. A reader knows nothing of
 * writers. */
#ifndef NEWSBOOK_READER_H
#define NEWSBOOK_READER_H

#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Whether readers keep only the article of a whole web page. */
typedef enum nb_extract_mode {
  NB_EXTRACT_AUTO = 0, /**< whole pages (an .html/.htm file that is a
                            complete document, anything nb_read_page()
                            reads) give their article, unless they have no
                            chrome at all (no navigation, header, footer,
                            aside, form, boilerplate class names, few
                            links: someone's article written as HTML);
                            article bodies and fragments are kept whole */
  NB_EXTRACT_ALWAYS,   /**< every HTML file and HTML article body read by
                            nb_read_article() or nb_read_html() is treated
                            as a page and gives only its article (feed
                            items are not) */
  NB_EXTRACT_NEVER     /**< nothing is extracted: a page is read whole
                            (still decoded by its charset, its metadata
                            still read) */
} nb_extract_mode;

/** Limits and defaults for readers. Zero means the default. */
typedef struct nb_read_options {
  int abi_version;        /**< NB_READ_ABI_VERSION */
  size_t max_input_bytes; /**< default 64 MiB */
  int max_depth;          /**< element nesting kept, default 96: deeper
                               structure is flattened, its text kept */
  nb_extract_mode extract; /**< default NB_EXTRACT_AUTO */
} nb_read_options;

#define NB_READ_ABI_VERSION 1

/** Read an article: YAML front matter (optional) and an HTML or Markdown
 * body (detected). @p path names the input for messages and relative image
 * paths (may be NULL); @p data need not be NUL-terminated. Invalid UTF-8 is
 * repaired (U+FFFD) with a warning. The title falls back to the file name.
 * Returns a new document the caller frees, or NULL with @p err filled. */
NB_EXPORT nb_doc *nb_read_article(const char *path, const char *data,
                                  size_t len, const nb_read_options *opts,
                                  const nb_diag *diag, nb_error *err);

/** Read an HTML document or fragment (libxml2, recovering, no network, no
 * entity expansion). */
NB_EXPORT nb_doc *nb_read_html(const char *path, const char *data,
                               size_t len, const nb_read_options *opts,
                               const nb_diag *diag, nb_error *err);

/** Read a whole web page, as fetched: decode it (a byte-order mark, else
 * @p charset — the HTTP Content-Type's, may be NULL —, else its <meta>,
 * else detection: GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR, windows-1252),
 * parse it with libxml2, take its metadata (title without the site's name,
 * authors, published date, lead image as "headimg", language, canonical
 * URL as "source", "description", "site") and keep only the article:
 * navigation, headers and footers, share bars, related lists, comments,
 * ads and cookie banners are left out (opts->extract NB_EXTRACT_NEVER
 * keeps the whole body). Lazy images get their real address
 * (data-src, srcset, <picture>, <noscript>), and links and images are
 * made absolute against <base href>, else @p url, else the canonical URL.
 *
 * @p name names the input in messages (NULL: @p url); @p url (may be
 * NULL) is where the page came from. @p data need not be NUL-terminated.
 * Returns a new document the caller frees, or NULL with @p err filled
 * (NB_ERR_LIMIT beyond opts->max_input_bytes). */
NB_EXPORT nb_doc *nb_read_page(const char *name, const char *url,
                               const char *data, size_t len,
                               const char *charset,
                               const nb_read_options *opts,
                               const nb_diag *diag, nb_error *err);

/** 1 when @p data looks like a whole HTML document (its first markup,
 * after any BOM, comments, doctype or XML declaration, is <html>, <head>
 * or <body>), 0 for a fragment or anything else. */
NB_EXPORT int nb_is_page(const char *data, size_t len);

/** Read a Markdown body (md4c, tables and strikethrough). */
NB_EXPORT nb_doc *nb_read_markdown(const char *path, const char *data,
                                   size_t len, const nb_read_options *opts,
                                   const nb_diag *diag, nb_error *err);

/** Parse YAML front matter @p yaml into @p doc's metadata. Never fails on
 * bad YAML: falls back to a line-wise reading, with a warning. */
NB_EXPORT int nb_read_front_matter(nb_doc *doc, const char *path,
                                   const char *yaml, size_t len,
                                   const nb_diag *diag);

/** Called once per article of a feed; takes ownership of @p doc. Return 0
 * to go on, non-zero to stop. */
typedef int (*nb_feed_item_fn)(void *userdata, nb_doc *doc);

/** Read an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed (1.0, 1.1) feed; each
 * item becomes a document handed to @p fn, in the feed's order. XML is
 * read with no network, no DTD and no entity expansion; JSON with json-c,
 * nesting capped. Besides the article metadata (title, author list, date,
 * categories, lang, "description" for a summary beside the content), each
 * item's document holds:
 *   - "guid": the item's identity as the feed gives it (RSS <guid>, Atom
 *     <id>, RSS 1.0 rdf:about, JSON Feed "id"), when it gives one;
 *   - "source": its link (RSS <link>, Atom rel=alternate, JSON Feed "url";
 *     else a guid/id that is an http(s) URL; else JSON Feed
 *     "external_url"), the article's canonical URL;
 *   - "feed_title": the feed's title; "headimg": its image (RSS enclosure
 *     or media:thumbnail/content, JSON Feed "image" then "banner_image");
 *     "external_url" (JSON Feed).
 * An item without a title gets the start of its text (RSS and Atom items
 * warn; JSON Feed titles are optional). Returns the number of items, or a
 * negative nb_code. */
NB_EXPORT int nb_read_feed(const char *path, const char *data, size_t len,
                           const nb_read_options *opts, const nb_diag *diag,
                           nb_feed_item_fn fn, void *userdata,
                           nb_error *err);

/** nb_read_feed() for a feed fetched from @p url (its address after
 * redirects), which also names it in messages. Items' links, images and
 * lead images are made absolute against xml:base or @p url; "feed" holds
 * @p url and no "path" is set. @p charset is the HTTP charset parameter
 * (NULL when none): an XML feed is read in it when its bytes are not UTF-8
 * and its XML declaration names no other encoding; bytes that are valid
 * UTF-8 are read as UTF-8 whatever the header or the declaration claim
 * (a warning says so). */
NB_EXPORT int nb_read_feed_url(const char *url, const char *charset,
                               const char *data, size_t len,
                               const nb_read_options *opts,
                               const nb_diag *diag, nb_feed_item_fn fn,
                               void *userdata, nb_error *err);

/** 1 when @p data looks like a feed: RSS, RDF or Atom by its root element,
 * a JSON Feed by its "version". */
NB_EXPORT int nb_is_feed(const char *data, size_t len);

/** Make the relative references of @p doc absolute against @p base (an
 * http(s) URL): LINK and IMAGE targets and the "source", "headimg",
 * "thumbnail", "banner_image" and "external_url" metadata. A reference
 * that would not resolve to http(s) stays as written. 1, or 0 when out of
 * memory or @p base is not http(s). */
NB_EXPORT int nb_read_resolve_urls(nb_doc *doc, const char *base);

/** The reader table, as pandoc's Readers.hs. */
typedef nb_doc *(*nb_reader_fn)(const char *path, const char *data,
                                size_t len, const nb_read_options *opts,
                                const nb_diag *diag, nb_error *err);
typedef struct nb_reader {
  const char *name;
  nb_reader_fn read;
} nb_reader;
/** NULL-terminated table {"article", "html", "markdown"}. */
NB_EXPORT const nb_reader *nb_readers(void);

#ifdef __cplusplus
}
#endif
#endif
