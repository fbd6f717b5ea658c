/* Resources: every image an article refers to, resolved to bytes once.
 *
 * One resolver turns a reference (img src, srcset candidate, headimg, a
 * Markdown image) into bytes and a media type sniffed from those bytes,
 * trying in order: data: URI; a path relative to the article, confined to
 * the input root; the offline mirror (wget --mirror layout, HOST/PATH[?Q]);
 * the content-addressed cache; the network (libcurl, http/https only).
 *
 * An nb_resources set owns every nb_resource it hands out; identical bytes
 * are stored once (same id). Resources are freed with the set. */
#ifndef NEWSBOOK_RESOURCE_H
#define NEWSBOOK_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nb_res_status {
  NB_RES_PENDING = 0,
  NB_RES_OK,       /**< bytes available */
  NB_RES_MISSING,  /**< not found anywhere we looked (or offline) */
  NB_RES_BROKEN,   /**< bytes found but not a decodable image */
  NB_RES_REFUSED,  /**< refused by policy: file://, private address, escape */
  NB_RES_TOO_LARGE /**< over the byte or pixel cap */
} nb_res_status;

/** A resolved image. Read-only to writers. */
typedef struct nb_resource {
  const char *url;        /**< the reference as written (first seen) */
  nb_res_status status;
  const char *reason;     /**< why not OK: one line, or NULL */
  const char *origin;     /**< "data", "file", "mirror", "cache", "network" */
  const unsigned char *data; /**< bytes to embed (after any conversion) */
  size_t size;
  const char *media_type; /**< "image/jpeg", "image/png", "image/gif",
                               "image/webp", "image/svg+xml" */
  const char *ext;        /**< "jpg", "png", "gif", "webp", "svg" */
  int width, height;      /**< pixels (0 when unknown, e.g. SVG) */
  int jpeg_components;    /**< JPEG only: 1 grey, 3 RGB (4 CMYK is converted
                               before it gets here) */
  char id[40];            /**< "img-" + hash of the bytes: stable, unique
                               per content; also the EPUB file stem */
  int uses;               /**< how many references resolved to it */
  int decorative;         /**< 1: a spacer (at most 2x2 pixels) or a tiny
                               image that does not decode; its image nodes
                               were left out of the documents, with a note */
} nb_resource;

/** Resolver and image policy. Zero means "the default" for every number. */
typedef struct nb_resolve_options {
  int abi_version;          /**< NB_RESOLVE_ABI_VERSION */
  const char *mirror_dir;   /**< offline mirror root, or NULL */
  const char *cache_dir;    /**< NULL: $XDG_CACHE_HOME/newsbook; "" none */
  const char *root_dir;     /**< local paths must stay inside (NULL: the
                                 article's own directory) */
  int offline;              /**< 1: never use the network */
  int allow_private;        /**< 1: allow loopback/private/link-local */
  size_t max_bytes;         /**< per download, default 20 MiB */
  int64_t max_pixels;       /**< default 50,000,000 */
  int connect_timeout_s;    /**< default 10 */
  int timeout_s;            /**< total per download, default 30 */
  int max_parallel;         /**< concurrent downloads, default 8 */
  int webp_keep;            /**< 1: keep WebP in EPUB (else PNG/JPEG) */
  int max_image_width;      /**< downscale wider images (0: never) */
  const struct nb_device *device; /**< an e-reader profile (device.h):
                                       images fitted to its screen, grey
                                       for e-ink; NULL: images as found */
} nb_resolve_options;

#define NB_RESOLVE_ABI_VERSION 1

typedef struct nb_resources nb_resources;

/** A new empty set. @p opts and @p diag are copied / borrowed for the set's
 * lifetime (diag must outlive it). NULL on out of memory. */
NB_EXPORT nb_resources *nb_resources_new(const nb_resolve_options *opts,
                                         const nb_diag *diag);
/** Free the set and every resource in it. NULL is fine. */
NB_EXPORT void nb_resources_free(nb_resources *set);

/** Resolve every IMAGE node of @p doc and its "headimg" (kept as the lead
 * image), fetching what is remote in parallel, and set each node's
 * resource. Failures are warnings (with the URL and the reason) and leave
 * the node's resource NULL or not OK: writers then draw a placeholder.
 * Returns 0, or a negative nb_code only for a system failure. */
NB_EXPORT int nb_resources_resolve_doc(nb_resources *set, nb_doc *doc,
                                       nb_error *err);

/** nb_resources_resolve_doc() within a time budget of @p seconds (0: none),
 * the rest of an article's time: loading stops when it runs out (what was
 * not loaded is MISSING, "the article ran out of time"), downloads get at
 * most the time left, and waiting for an image another thread is loading
 * stops too. Returns 0; NB_ERR_LIMIT with @p err filled when the time ran
 * out (the document may then lack images: the caller is expected to drop
 * it); or another negative nb_code for a system failure. */
NB_EXPORT int nb_resources_resolve_doc_within(nb_resources *set, nb_doc *doc,
                                              double seconds, nb_error *err);

/** Resolve one reference made from the article at @p base_path (may be
 * NULL). Returns the resource (owned by the set; check status), or NULL on
 * out of memory. Blocking. */
NB_EXPORT const nb_resource *nb_resources_get(nb_resources *set,
                                              const char *ref,
                                              const char *base_path,
                                              const char *referer);

/** Add bytes made by the caller (a generated cover). The set copies them.
 * Returns the resource or NULL. */
NB_EXPORT const nb_resource *nb_resources_add_bytes(nb_resources *set,
                                                    const char *name,
                                                    const void *data,
                                                    size_t size);

/** Every resource in the order first seen (for reports and manifests). */
NB_EXPORT size_t nb_resources_count(const nb_resources *set);
NB_EXPORT const nb_resource *nb_resources_at(const nb_resources *set,
                                             size_t i);

/** The lead image resolved for @p doc's "headimg", or NULL. */
NB_EXPORT const nb_resource *nb_resources_lead(const nb_resources *set,
                                               const nb_doc *doc);

/** A malloc'd JSON array describing every distinct reference: url, status,
 * reason, origin, media_type, width, height, bytes, id, uses. The caller
 * frees it. NULL on out of memory. */
NB_EXPORT char *nb_resources_report_json(const nb_resources *set);

/** Name of a status ("ok", "missing", ...). Static. */
NB_EXPORT const char *nb_res_status_name(nb_res_status status);

/* ## Documents
 *
 * Feeds and web pages, fetched by the same fetcher as images (http and
 * https only, at most 5 redirects each re-checked, loopback and private
 * addresses refused unless allow_private, the byte cap counted on the
 * decoded bytes, a total and a stall time limit, compression, a User-Agent
 * naming newsbook and its version) and kept in the same cache with their
 * validators. A document already cached is asked for with If-None-Match /
 * If-Modified-Since, and a 304 answer reuses the cached body: a second run
 * against an unchanged feed transfers no body. Offline, the cached copy is
 * used as it is. A damaged cache entry is reported (kind "cache") and
 * ignored. */

/** One fetched document. Everything is malloc'd and freed by
 * nb_fetched_clear(). */
typedef struct nb_fetched {
  nb_res_status status; /**< NB_RES_OK, or MISSING, REFUSED, TOO_LARGE */
  char reason[256];     /**< why not OK: one line without the URL */
  char *data;           /**< the body, NUL-terminated (it may hold NULs) */
  size_t size;
  char *url;            /**< the final URL after redirects */
  char *content_type;   /**< media type in lower case without parameters
                             ("text/html"), or NULL when none was sent */
  char *charset;        /**< Content-Type's charset parameter in lower case
                             ("gbk"), or NULL */
  long http_status;     /**< 2xx; 304 when the cached copy was revalidated;
                             0 when it was used without asking (offline) */
  const char *origin;   /**< "network" or "cache" (static) */
} nb_fetched;

/** How documents are fetched, beyond the resolver's network options. Zero
 * means the default for every field. */
typedef struct nb_fetch_doc_options {
  int abi_version;    /**< NB_FETCH_DOC_ABI_VERSION */
  int max_per_host;   /**< at most this many transfers to one host at a
                           time, default 4 */
  double time_limit;  /**< seconds each document may take, when less than
                           the resolve options' timeout_s (an article's time
                           budget); 0: timeout_s */
  int want_page;      /**< 1: an article's web page is wanted (Accept
                           prefers HTML); 0: a feed or a page */
} nb_fetch_doc_options;

#define NB_FETCH_DOC_ABI_VERSION 1

/** Fetch @p n documents at once (at most net->max_parallel transfers, and
 * max_per_host to one host) into @p out[0..n) (each zeroed first). @p net
 * gives offline, allow_private, cache_dir, max_bytes, connect_timeout_s,
 * timeout_s and max_parallel (NULL: defaults); @p dopt may be NULL. The
 * outcome of each is its status: OK with the body, or a reason. Returns 0,
 * or a negative nb_code (with @p err filled) when nothing could be tried
 * (libcurl not initialised, out of memory). */
NB_EXPORT int nb_fetch_documents(const char *const *urls, size_t n,
                                 const nb_resolve_options *net,
                                 const nb_fetch_doc_options *dopt,
                                 const nb_diag *diag, nb_fetched *out,
                                 nb_error *err);

/** nb_fetch_documents() for one URL. Returns 0 when @p out holds the body;
 * otherwise a negative nb_code with @p err saying "URL: reason" in one line
 * (NB_ERR_ARGUMENT refused by policy, NB_ERR_LIMIT over the byte cap or
 * out of time, NB_ERR_SYSTEM not reachable or an HTTP error); @p out must
 * still be cleared. */
NB_EXPORT int nb_fetch_document(const char *url, const nb_resolve_options *net,
                                const nb_fetch_doc_options *dopt,
                                const nb_diag *diag, nb_fetched *out,
                                nb_error *err);

/** Free what @p f holds and zero it. NULL is fine. */
NB_EXPORT void nb_fetched_clear(nb_fetched *f);

/** The User-Agent every request sends ("newsbook/VERSION (+URL)"). Static. */
NB_EXPORT const char *nb_fetch_user_agent(void);

/* ## Images */

/** Decoded pixels in Cairo's ARGB32 layout: native-endian 32-bit,
 * premultiplied alpha, @p stride bytes per row. */
typedef struct nb_pixmap {
  int width, height, stride;
  int has_alpha;
  unsigned char *pixels; /**< malloc'd; free with nb_pixmap_free() */
} nb_pixmap;

/** Sniff a media type from the first bytes ("image/png"...), or NULL. */
NB_EXPORT const char *nb_image_sniff(const void *data, size_t size);

/** Read width and height without decoding. 1 on success, 0 if unknown. */
NB_EXPORT int nb_image_size(const void *data, size_t size, int *width,
                            int *height);

/** Decode JPEG (incl. progressive, grey, CMYK/YCCK), PNG (all kinds), GIF
 * (first frame) or WebP into @p out. Refuses images over @p max_pixels
 * (0: default 50 MP) before allocating. A truncated image keeps what
 * decoded and reports it in @p err with NB_OK... see the implementation.
 * Returns 0 or a negative nb_code. */
NB_EXPORT int nb_image_decode(const void *data, size_t size,
                              int64_t max_pixels, nb_pixmap *out,
                              nb_error *err);
NB_EXPORT void nb_pixmap_free(nb_pixmap *pm);

/** Encode @p pm as PNG / JPEG (quality 1..100) into a malloc'd buffer the
 * caller frees. 0 or a negative nb_code. */
NB_EXPORT int nb_image_encode_png(const nb_pixmap *pm, unsigned char **out,
                                  size_t *size, nb_error *err);
NB_EXPORT int nb_image_encode_jpeg(const nb_pixmap *pm, int quality,
                                   unsigned char **out, size_t *size,
                                   nb_error *err);

#ifdef __cplusplus
}
#endif
#endif
