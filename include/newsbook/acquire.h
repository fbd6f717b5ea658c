/* Acquisition: news taken from where it lives.
 *
 * An http(s) URL is fetched (nb_fetch_documents: the project's fetcher and
 * cache, with conditional GET), and what comes back decides the reader: an
 * RSS 2.0 / RSS 1.0 / Atom / JSON Feed feed gives one document per item
 * (nb_read_feed_url), an HTML page gives one document through the page
 * reader, anything else is refused with a one-line error. Feed items whose
 * content is only a summary get their full text from their links: fetched
 * in parallel (a few connections per host, within the article's time),
 * read by the page reader, their bodies replaced; on failure the summary
 * stays and a warning names the URL.
 *
 * The page reader is a function pointer in the options, so that the
 * article extractor (a reader like the others: bytes, URL and charset in,
 * one nb_doc out) plugs in without this module knowing it. The default,
 * nb_acquire_read_page(), reads the whole page with the HTML reader.
 *
 * Nothing here prints or exits: failures are nb_error values, warnings go
 * to the nb_diag callback (which must be thread-safe: full text is read on
 * several threads). */
#ifndef NEWSBOOK_ACQUIRE_H
#define NEWSBOOK_ACQUIRE_H

#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "resource.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ## What came back */

typedef enum nb_content_kind {
  NB_CONTENT_OTHER = 0, /**< neither: an image, a PDF, a sitemap, ... */
  NB_CONTENT_FEED,      /**< RSS 2.0, RSS 1.0, Atom or JSON Feed */
  NB_CONTENT_PAGE       /**< an HTML (or XHTML) page */
} nb_content_kind;

/** Decide what fetched bytes are from @p content_type (the media type
 * without parameters, or NULL) and the bytes themselves: a feed by its
 * root element or JSON Feed version whatever the type says (feeds are
 * often served as text/html or text/plain); a page when the type says
 * HTML, or when an untyped, text or XML body starts like HTML. For
 * NB_CONTENT_OTHER, @p why (may be NULL) gets one line: "image/png, not a
 * feed or a web page". */
NB_EXPORT nb_content_kind nb_acquire_sniff(const char *content_type,
                                           const char *data, size_t len,
                                           char *why, size_t why_size);

/** 1 when @p input is an http:// or https:// URL (case-insensitive). */
NB_EXPORT int nb_acquire_is_url(const char *input);

/* ## Options */

typedef enum nb_full_text_mode {
  NB_FULL_TEXT_AUTO = 0, /**< items with a short body, or one that ends in
                              a "read more" link or a "[…]" */
  NB_FULL_TEXT_ALWAYS,   /**< every item with a link */
  NB_FULL_TEXT_NEVER     /**< the feed's content as it is */
} nb_full_text_mode;

/** A page reader: the bytes of a whole web page (@p charset is the HTTP
 * charset parameter, lower case, or NULL; @p url the page's address after
 * redirects) to one document whose "source" is the page's canonical URL,
 * with relative references made absolute. NULL with @p err filled when it
 * cannot. Called from several threads at once. */
typedef nb_doc *(*nb_page_reader_fn)(void *userdata, const char *url,
                                     const char *data, size_t len,
                                     const char *charset,
                                     const nb_read_options *opts,
                                     const nb_diag *diag, nb_error *err);

/** Zero means the default for every field. */
typedef struct nb_acquire_options {
  int abi_version; /**< NB_ACQUIRE_ABI_VERSION */
  /** The network policy shared with images: offline (then only the cache
   * is used), allow_private, cache_dir, max_bytes (per document),
   * connect_timeout_s, timeout_s, max_parallel. NULL: the defaults
   * (loopback and private addresses refused). Borrowed. */
  const nb_resolve_options *net;
  /** Reader limits (NULL: defaults). Borrowed. */
  const nb_read_options *read;
  nb_full_text_mode full_text; /**< default AUTO */
  /** AUTO: a body is short under this much text, in characters with CJK
   * characters counting two (so 500 is about 500 Latin letters or 250
   * Chinese characters). Default 500. */
  size_t short_text;
  /** Seconds a full-text page may take to arrive (the --max-article-time
   * budget; the download's timeout is cut to it). 0: no limit beyond
   * net->timeout_s. */
  double max_article_time;
  int max_per_host; /**< concurrent transfers to one host, default 4 */
  int jobs;         /**< threads reading full-text pages, 0: one per core */
  /** The page reader, for URL inputs that are pages and for full text.
   * NULL: nb_acquire_read_page(). */
  nb_page_reader_fn read_page;
  void *read_page_data; /**< its userdata */
} nb_acquire_options;

#define NB_ACQUIRE_ABI_VERSION 1

/* ## Reading a URL */

/** Read the document at @p url: fetch it (through the cache; a second run
 * against an unchanged feed gets a 304 and transfers no body), decide its
 * reader from what came back, and hand each resulting document to @p fn in
 * order (ownership passes; a non-zero return stops, and the documents not
 * handed over are freed). A feed gives one document per item, full text
 * fetched as @p opt says; a page gives one document from the page reader.
 * Every document has "source" (its canonical URL) and, from a feed,
 * "guid", "feed" (the feed's URL) and "feed_title" (see nb_read_feed).
 *
 * Returns the number of documents (0 for a feed with no items), or a
 * negative nb_code with @p err filled — one line naming the URL and what
 * to do: refused (not http(s), a private address without allow_private),
 * not fetched (HTTP error, timeout, over the byte cap), or neither a feed
 * nor a page. Items whose full text could not be had keep their summary
 * and are warned about (kind "fetch"), never an error. */
NB_EXPORT int nb_acquire_url(const char *url, const nb_acquire_options *opt,
                             const nb_diag *diag, nb_feed_item_fn fn,
                             void *userdata, nb_error *err);

/* ## Full text of feed items */

/** 1 when @p doc (a feed item) should get its full text under @p opt's
 * mode: it has an http(s) "source", and (AUTO) its text is shorter than
 * short_text or ends in a link to the item or a "read more" link ("read
 * more", "continue reading", "阅读全文", "继续阅读", "…", ...), or in "[…]". */
NB_EXPORT int nb_acquire_wants_full_text(const nb_doc *doc,
                                         const nb_acquire_options *opt);

/** Give the items of @p docs that want it (nb_acquire_wants_full_text)
 * their full text: their links are fetched in parallel (max_parallel at
 * once, max_per_host to one host, each within max_article_time) and read
 * by the page reader on @p opt->jobs threads. An item whose page was read
 * gets the page's body; it keeps its own title, date, GUID, link,
 * categories and authors, and takes the page's byline and lead image when
 * it has none, and the page's language; "full_text" holds the page's URL
 * and "canonical" the page's own canonical URL when it differs from the
 * item's link. A page that could not be fetched or read, or has less text
 * than the summary, leaves the item as it was and warns (kind "fetch",
 * with the URL). Returns how many items got their full text, or a
 * negative nb_code when nothing could be tried (out of memory, libcurl
 * not initialised). */
NB_EXPORT int nb_acquire_full_text(nb_doc **docs, size_t n,
                                   const nb_acquire_options *opt,
                                   const nb_diag *diag, nb_error *err);

/** The default page reader: the whole page through nb_read_html() (a
 * legacy charset from @p charset or the page's own declaration
 * converted first), "source" set to @p url, relative references made
 * absolute. It extracts nothing: navigation and footers stay. Matches
 * nb_page_reader_fn (@p userdata is unused). */
NB_EXPORT nb_doc *nb_acquire_read_page(void *userdata, const char *url,
                                       const char *data, size_t len,
                                       const char *charset,
                                       const nb_read_options *opts,
                                       const nb_diag *diag, nb_error *err);

#ifdef __cplusplus
}
#endif
#endif
