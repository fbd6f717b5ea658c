/* Private to src/resource/: the pieces the resolver (resources.c) puts
 * together — decoders per format, the safe fetcher, the on-disk cache and
 * the reference classifiers. Not public API. */
#ifndef NB_RESOURCE_INTERNAL_H
#define NB_RESOURCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "newsbook/resource.h"
#include "util/util.h"

#define NB_DEFAULT_MAX_PIXELS ((int64_t)50000000)
#define NB_DEFAULT_MAX_BYTES ((size_t)20 * 1024 * 1024)

/* ## Pixmaps */

/** Allocate @p pm (w x h, zeroed = transparent). NB_ERR_LIMIT over
 * @p max_pixels, NB_ERR_SYSTEM when out of memory. */
int nb__pixmap_alloc(nb_pixmap *pm, int w, int h, int64_t max_pixels,
                     nb_error *err);
/** Area-average @p src down to @p w x @p h into @p dst (premultiplied, so
 * edges of transparent areas do not darken). 0 or a negative nb_code. */
int nb__pixmap_scale(const nb_pixmap *src, int w, int h, nb_pixmap *dst,
                     nb_error *err);

/* ## Decoders. Each returns 0 (err->message set, code NB_OK, when the image
 * was damaged and only partly decoded) or a negative nb_code. @p denom
 * (JPEG only) decodes at 1/denom scale: 8 is enough to validate a file
 * quickly. */
int nb__jpeg_decode(const unsigned char *data, size_t size,
                    int64_t max_pixels, int denom, nb_pixmap *out,
                    nb_error *err);
/** Components of a JPEG's frame (1, 3, 4), or 0 when unreadable. */
int nb__jpeg_components(const unsigned char *data, size_t size);
int nb__png_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                   nb_pixmap *out, nb_error *err);
/** 1 when the PNG (at most @p max_pixels) is structurally whole without
 * decoding it: every chunk complete with a correct CRC-32, a sane IHDR
 * first, IDAT present, IEND last. 0 means "decode it to find out". */
int nb__png_check(const unsigned char *data, size_t size, int64_t max_pixels);
int nb__gif_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                   nb_pixmap *out, nb_error *err);
int nb__webp_decode(const unsigned char *data, size_t size,
                    int64_t max_pixels, nb_pixmap *out, nb_error *err);
/** 1 when the WebP has an alpha channel (header only). */
int nb__webp_has_alpha(const unsigned char *data, size_t size);

/* ## SVG */

/** NULL when the SVG is safe to embed as-is (no script, no event handler,
 * no external reference, no DTD); else a static reason. */
const char *nb__svg_unsafe(const unsigned char *data, size_t size);

/* ## Conversion (convert.c) */

typedef struct nb_converted {
  nb_res_status status;
  char reason[512];
  char note[512]; /* kept, but worth a warning (damaged) */
  unsigned char *data; /* malloc'd bytes to store when OK */
  size_t size;
  const char *mt, *ext; /* static */
  int w, h, comp;
  int decorative; /* spacer-sized or a tiny undecodable image (set by
                     resources.c): left out, with a note */
} nb_converted;

/** Check @p raw (@p n bytes, consumed: kept in @p o or freed) and convert
 * it to what is stored, per @p opt. Never fails: the outcome is o->status. */
void nb__convert(const nb_resolve_options *opt, unsigned char *raw, size_t n,
                 nb_converted *o);

/* ## E-reader profiles (device.c) */

/** 1 when @p opt's device profile changes an image of type @p mt and size
 * @p w x @p h (0 x 0: unknown): every raster image for e-ink; on a colour
 * screen JPEGs and images larger than the screen. */
int nb__device_wants(const nb_resolve_options *opt, const char *mt, int w,
                     int h);
/** Convert @p raw (consumed) for opt->device: fitted to the screen, grey
 * for e-ink, JPEG quality for size. o->w and o->h hold the size read from
 * the header (0 when unknown). Never fails: the outcome is o->status. */
void nb__device_convert(const nb_resolve_options *opt, unsigned char *raw,
                        size_t n, const char *mt, nb_converted *o);

/* ## References */

typedef enum nb_ref_kind {
  NB_REF_DATA,
  NB_REF_LOCAL,
  NB_REF_REMOTE,
  NB_REF_REFUSED /* file:, javascript:, ... */
} nb_ref_kind;

/** Classify @p ref. For NB_REF_REMOTE, *url gets a malloc'd absolute
 * http(s) URL (protocol-relative made https, fragment dropped). */
nb_ref_kind nb__ref_classify(const char *ref, char **url);

/** Decode a data: URI into malloc'd bytes. 0 or a negative nb_code. */
int nb__data_uri_decode(const char *uri, unsigned char **data, size_t *size,
                        nb_error *err);

/** Percent-decode @p s (len bytes) into a malloc'd string; NULL on out of
 * memory or when the result would contain a NUL. */
char *nb__percent_decode(const char *s, size_t len);

/** Read a local reference relative to @p base_path, confined to
 * @p root_dir (NULL: the article's directory). 0 with malloc'd bytes, or
 * NB_ERR_ARGUMENT (refused: escape, absolute outside), NB_ERR_SYSTEM
 * (missing), NB_ERR_LIMIT (over max_bytes); err says why. */
int nb__local_read(const char *ref, const char *base_path,
                   const char *root_dir, size_t max_bytes,
                   unsigned char **data, size_t *size, nb_error *err);

/** Look @p url up in a wget --mirror tree. 1 with malloc'd bytes, 0 when
 * absent, negative on a read failure or over max_bytes. */
int nb__mirror_read(const char *mirror_dir, const char *url, size_t max_bytes,
                    unsigned char **data, size_t *size, nb_error *err);

/* ## Cache: content-addressed objects plus a URL index. */

/** The cache directory for @p opt (malloc'd), or NULL when disabled. */
char *nb__cache_dir(const char *opt);
/** 1 with malloc'd bytes when @p url is cached, else 0. */
int nb__cache_get(const char *dir, const char *url, size_t max_bytes,
                  unsigned char **data, size_t *size);
/** Store; failures are ignored (a cache is an optimisation). */
void nb__cache_put(const char *dir, const char *url,
                   const unsigned char *data, size_t size);

/** What the cache keeps beside a document's body (a feed or a page): the
 * validators for a conditional GET and what the response said about the
 * body. Every string is malloc'd or NULL; nb__cache_meta_clear frees. */
typedef struct nb_cache_meta {
  char *etag;          /* ETag as sent, quotes and W/ kept */
  char *last_modified; /* Last-Modified as sent */
  char *content_type;  /* Content-Type as sent, parameters kept */
  char *final_url;     /* where the redirects ended */
} nb_cache_meta;

void nb__cache_meta_clear(nb_cache_meta *m);

/** Look a document up: 1 with the body (malloc'd, NUL-terminated) and its
 * metadata; 0 when nothing is cached for @p url; -1 when an entry exists but
 * is damaged (unreadable record, a record for another URL, a missing body
 * or one whose bytes do not match their name, a header value with control
 * characters) — the caller warns and fetches afresh. */
int nb__cache_doc_get(const char *dir, const char *url, size_t max_bytes,
                      unsigned char **data, size_t *size, nb_cache_meta *meta);
/** Store a document's body and metadata for @p url (the body under its
 * content hash, the record written last and renamed into place, so that a
 * reader sees the old entry or the new one). Failures are ignored. */
void nb__cache_doc_put(const char *dir, const char *url,
                       const unsigned char *data, size_t size,
                       const nb_cache_meta *meta);

/* ## Fetching */

typedef struct nb_fetch {
  /* in */
  const char *url;
  const char *referer; /* or NULL */
  /* A document (feed or page) rather than an image: @p accept is sent as
   * Accept, the validators as If-None-Match / If-Modified-Since, a 304 is
   * a success (not_modified), and the response's metadata is kept in the
   * out fields below. Images leave all of this zero. */
  int document;
  const char *accept;        /* or NULL */
  const char *etag;          /* validator to send, or NULL */
  const char *last_modified; /* validator to send, or NULL */
  /* out */
  unsigned char *data; /* malloc'd body on success (NUL-terminated) */
  size_t size;
  nb_res_status status; /* OK, MISSING, REFUSED, TOO_LARGE */
  char reason[256];
  long http_code;   /* the last response's status; 0 when none came */
  int not_modified; /* 304 to a conditional request: OK without data */
  nb_cache_meta meta; /* documents only: malloc'd strings (nb__fetch_clear) */
} nb_fetch;

/** Free what a fetch returned (data and metadata) and zero those fields. */
void nb__fetch_clear(nb_fetch *f);

/* The reason of an image not loaded because its article's time budget ran
 * out; the resolver recognises it to call the article late. */
#define NB__OUT_OF_TIME \
  "not loaded: the article ran out of time (--max-article-time)"

/* Zero in every field means its default; callers memset the struct. */
typedef struct nb_fetch_options {
  int allow_private;
  size_t max_bytes;
  int connect_timeout_s, timeout_s, max_parallel;
  /* CLOCK_MONOTONIC nanoseconds after which nothing more is started and
   * transfers still running are stopped (an article's time budget); 0:
   * none. Timeouts are capped to the time left. */
  int64_t deadline_ns;
  /* A transfer that moves less than a byte a second for this long is
   * stalled and stopped (default 15 s, never more than timeout_s). */
  int stall_s;
  /* At most this many transfers to one host (name and port) at a time; 0:
   * no limit beyond max_parallel. */
  int max_per_host;
} nb_fetch_options;

/** Download every item, at most max_parallel at a time (and max_per_host
 * to one host). Per-item outcomes go into the items; returns 0, or a
 * negative nb_code when curl itself could not be set up. */
int nb__fetch_all(nb_fetch *items, size_t n, const nb_fetch_options *opt,
                  nb_error *err);

/** 1 when the address must be refused without allow_private (loopback,
 * private, link-local, unique-local, multicast, unspecified...). */
int nb__addr_is_private(const void *sockaddr);

#endif
