/* The resource set: every reference a document makes, resolved once.
 *
 * A reference is looked up by a key (the normalised URL, or the article's
 * directory plus the path as written), loaded from the first place that has
 * it (data: URI, local file, mirror, cache, network), then checked and, where
 * readers need it, converted: CMYK JPEG and WebP to RGB JPEG or PNG, wide
 * images downscaled, damaged images re-encoded from what decoded, unsafe SVG
 * refused. Identical resulting bytes share one nb_resource (id "img-HASH").
 * Each failing reference warns exactly once (diagnostics are emitted with
 * the set's lock held: a diag callback must not call back into the set).
 *
 * Deliberately not here: how images are drawn or packed (the writers'
 * business), and placeholders (writers draw them for non-OK resources). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "resource/internal.h"

typedef struct S_res {
  nb_resource pub;
  char *url;
  char *reason;
  unsigned char *data;
} S_res;

typedef struct S_ref {
  char *key;
  char *written;
  S_res *res;
  const char *origin;
  int uses;
  int inflight; /* being downloaded by some thread, lock released */
} S_ref;

typedef struct S_lead {
  const nb_doc *doc;
  S_ref *ref;
} S_lead;

struct nb_resources {
  nb_resolve_options opt;
  const nb_diag *diag;
  char *cache_dir;
  pthread_mutex_t lock;
  pthread_cond_t settled; /* broadcast when in-flight downloads settle */
  S_res **res;
  size_t nres, capres;
  S_ref **refs;
  size_t nrefs, caprefs;
  size_t *ref_tab, ref_tab_cap; /* key -> index + 1 */
  size_t *id_tab, id_tab_cap;   /* OK resource id -> index + 1 */
  S_lead *leads;
  size_t nleads, capleads;
};

/* ## Hash tables (open addressing over indexes) */

static uint64_t S_strhash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

static const char *S_ref_key(const nb_resources *set, size_t i) {
  return set->refs[i]->key;
}

static const char *S_res_key(const nb_resources *set, size_t i) {
  return set->res[i]->pub.id;
}

typedef const char *(*S_keyfn)(const nb_resources *, size_t);

static size_t S_tab_find(const nb_resources *set, const size_t *tab, size_t cap,
                         S_keyfn fn, const char *key) {
  size_t i;
  if (cap == 0)
    return 0;
  for (i = (size_t)S_strhash(key) & (cap - 1); tab[i]; i = (i + 1) & (cap - 1))
    if (strcmp(fn(set, tab[i] - 1), key) == 0)
      return tab[i];
  return 0;
}

static int S_tab_add(nb_resources *set, size_t **tab, size_t *cap, size_t n,
                     S_keyfn fn, size_t idx) {
  size_t i;
  if ((n + 1) * 2 > *cap) {
    size_t ncap = *cap ? *cap * 2 : 64, j;
    size_t *nt = nb_calloc(ncap, sizeof *nt);
    if (!nt)
      return 0;
    for (j = 0; j < *cap; j++) {
      if (!(*tab)[j])
        continue;
      for (i = (size_t)S_strhash(fn(set, (*tab)[j] - 1)) & (ncap - 1); nt[i];
           i = (i + 1) & (ncap - 1))
        ;
      nt[i] = (*tab)[j];
    }
    free(*tab);
    *tab = nt;
    *cap = ncap;
  }
  for (i = (size_t)S_strhash(fn(set, idx)) & (*cap - 1); (*tab)[i];
       i = (i + 1) & (*cap - 1))
    ;
  (*tab)[i] = idx + 1;
  return 1;
}

/* ## The set */

nb_resources *nb_resources_new(const nb_resolve_options *opts,
                               const nb_diag *diag) {
  nb_resources *set = nb_calloc(1, sizeof *set);
  if (!set)
    return NULL;
  if (opts)
    set->opt = *opts;
  if (set->opt.max_bytes == 0)
    set->opt.max_bytes = NB_DEFAULT_MAX_BYTES;
  if (set->opt.max_pixels <= 0)
    set->opt.max_pixels = NB_DEFAULT_MAX_PIXELS;
  if (set->opt.connect_timeout_s <= 0)
    set->opt.connect_timeout_s = 10;
  if (set->opt.timeout_s <= 0)
    set->opt.timeout_s = 30;
  if (set->opt.max_parallel <= 0)
    set->opt.max_parallel = 8;
  if (set->opt.max_image_width < 0)
    set->opt.max_image_width = 0;
  set->diag = diag;
  set->cache_dir = nb__cache_dir(set->opt.cache_dir);
  /* mirror_dir and root_dir stay borrowed: the caller keeps its options
   * alive while it resolves */
  if (pthread_mutex_init(&set->lock, NULL) != 0) {
    free(set->cache_dir);
    free(set);
    return NULL;
  }
  if (pthread_cond_init(&set->settled, NULL) != 0) {
    pthread_mutex_destroy(&set->lock);
    free(set->cache_dir);
    free(set);
    return NULL;
  }
  return set;
}

void nb_resources_free(nb_resources *set) {
  size_t i;
  if (!set)
    return;
  for (i = 0; i < set->nres; i++) {
    free(set->res[i]->url);
    free(set->res[i]->reason);
    free(set->res[i]->data);
    free(set->res[i]);
  }
  for (i = 0; i < set->nrefs; i++) {
    free(set->refs[i]->key);
    free(set->refs[i]->written);
    free(set->refs[i]);
  }
  free(set->res);
  free(set->refs);
  free(set->ref_tab);
  free(set->id_tab);
  free(set->leads);
  free(set->cache_dir);
  pthread_cond_destroy(&set->settled);
  pthread_mutex_destroy(&set->lock);
  free(set);
}

const char *nb_res_status_name(nb_res_status s) {
  static const char *const names[] = {"pending", "ok",      "missing",
                                      "broken",  "refused", "too-large"};
  return (size_t)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

static int S_grow(void **v, size_t *cap, size_t n, size_t elt) {
  void *p;
  size_t ncap;
  if (n < *cap)
    return 1;
  ncap = *cap ? *cap * 2 : 16;
  p = nb_reallocarray(*v, ncap, elt);
  if (!p)
    return 0;
  *v = p;
  *cap = ncap;
  return 1;
}

/* ## Interning */

static S_res *S_new_res(nb_resources *set, const char *url) {
  S_res *r;
  if (!S_grow((void **)&set->res, &set->capres, set->nres, sizeof *set->res))
    return NULL;
  r = nb_calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->url = nb_strdup(url ? url : "");
  if (!r->url) {
    free(r);
    return NULL;
  }
  r->pub.url = r->url;
  set->res[set->nres++] = r;
  return r;
}

/* Make the resource for @p ref from @p o (whose bytes it takes). */
static S_res *S_intern(nb_resources *set, S_ref *ref, nb_converted *o) {
  S_res *r;
  if (o->status == NB_RES_OK) {
    nb_hash h;
    char hex[33], id[40];
    size_t found;
    nb_hash_init(&h);
    nb_hash_update(&h, o->data, o->size);
    nb_hash_hex(&h, hex);
    snprintf(id, sizeof id, "img-%.32s", hex);
    found = S_tab_find(set, set->id_tab, set->id_tab_cap, S_res_key, id);
    if (found) {
      free(o->data);
      o->data = NULL;
      return set->res[found - 1];
    }
    r = S_new_res(set, ref->written);
    if (!r) {
      free(o->data);
      o->data = NULL;
      return NULL;
    }
    r->data = o->data;
    o->data = NULL;
    r->pub.data = r->data;
    r->pub.size = o->size;
    r->pub.status = NB_RES_OK;
    r->pub.origin = ref->origin;
    r->pub.media_type = o->mt;
    r->pub.ext = o->ext;
    r->pub.width = o->w;
    r->pub.height = o->h;
    r->pub.jpeg_components = o->comp;
    memcpy(r->pub.id, id, strlen(id) + 1);
    /* out of memory here leaves the resource usable, just not shared */
    (void)S_tab_add(set, &set->id_tab, &set->id_tab_cap, set->nres - 1,
                    S_res_key, set->nres - 1);
    return r;
  }
  r = S_new_res(set, ref->written);
  if (!r)
    return NULL;
  r->reason = nb_strdup(o->reason);
  r->pub.reason = r->reason;
  r->pub.status = o->status;
  r->pub.origin = ref->origin;
  r->pub.width = o->w;
  r->pub.height = o->h;
  return r;
}

/* A printable form of a reference: data: URIs can be megabytes long. */
static void S_short(const char *url, char *buf, size_t size) {
  size_t n = strlen(url);
  if (n <= 200)
    snprintf(buf, size, "%s", url);
  else
    snprintf(buf, size, "%.80s... (%zu characters)", url, n);
}

/* ## Settling: turning what was loaded into a resource happens in two
 * halves. S_prepare checks and converts the bytes (the slow part: decoding)
 * and needs no lock; S_publish interns the result and warns, under the
 * set's lock. */

/* ## Decorative images
 *
 * A spacer (at most 2x2 pixels, decoded or by its header) or a tiny image
 * that does not decode (a 1x1 GIF without a colour table, as hover
 * pop-ups carry) shows nothing: its nodes are left out with a note rather
 * than drawn as a placeholder box. */

#define S_TINY_BYTES 128

static int S_is_decorative(const nb_converted *o, size_t n) {
  if (o->status != NB_RES_OK && o->status != NB_RES_BROKEN)
    return 0;
  if (o->w > 0 && o->h > 0)
    return o->w <= 2 && o->h <= 2;
  return o->status == NB_RES_BROKEN && n <= S_TINY_BYTES;
}

static void S_prepare(const nb_resources *set, nb_res_status status,
                      const char *reason, unsigned char *raw, size_t n,
                      nb_converted *o) {
  if (status == NB_RES_OK) {
    nb__convert(&set->opt, raw, n, o);
    o->decorative = S_is_decorative(o, n);
  } else {
    memset(o, 0, sizeof *o);
    o->status = status;
    snprintf(o->reason, sizeof o->reason, "%s",
             reason ? reason : "unavailable");
    free(raw);
  }
}

static void S_publish(nb_resources *set, S_ref *ref, nb_converted *o,
                      const char *file, int line) {
  char shortu[320];
  ref->res = S_intern(set, ref, o);
  free(o->data);
  o->data = NULL;
  S_short(ref->written, shortu, sizeof shortu);
  if (!ref->res) {
    nb_diag_emit(set->diag, NB_SEV_WARNING, "image", file, line, shortu,
                 "image %s: out of memory — shown as a placeholder", shortu);
  } else if (o->decorative) {
    ref->res->pub.decorative = 1;
    if (o->w > 0)
      nb_diag_emit(set->diag, NB_SEV_NOTE, "image", file, line, shortu,
                   "image %s is decorative (%dx%d pixels): left out", shortu,
                   o->w, o->h);
    else
      nb_diag_emit(set->diag, NB_SEV_NOTE, "image", file, line, shortu,
                   "image %s is decorative (a tiny image that does not "
                   "decode: %s): left out",
                   shortu, o->reason);
  } else if (ref->res->pub.status != NB_RES_OK) {
    nb_diag_emit(set->diag, NB_SEV_WARNING, "image", file, line, shortu,
                 "image %s: %s — shown as a placeholder", shortu,
                 ref->res->pub.reason ? ref->res->pub.reason : "unavailable");
  } else if (o->note[0]) {
    nb_diag_emit(set->diag, NB_SEV_WARNING, "image", file, line, shortu,
                 "image %s: %s", shortu, o->note);
  }
}

/* Both halves at once, with the lock held (cheap cases, and bytes added by
 * the caller). */
static void S_settle(nb_resources *set, S_ref *ref, nb_res_status status,
                     const char *reason, unsigned char *raw, size_t n,
                     const char *file, int line) {
  nb_converted o;
  S_prepare(set, status, reason, raw, n, &o);
  S_publish(set, ref, &o, file, line);
}

/* ## Resolving
 *
 * A reference seen for the first time is claimed (in the key table,
 * marked in flight) under the lock, then loaded and converted by the
 * thread that claimed it with the lock released, so that several articles
 * resolve at once; threads needing a reference another one has in flight
 * wait on `settled`. A deadline (the article's time budget) is checked
 * before every load and every conversion, and caps download timeouts. */

static const char S_out_of_time[] = NB__OUT_OF_TIME;

typedef struct S_pending {
  S_ref *ref;
  nb_ref_kind kind;
  char *url; /* REMOTE: the absolute URL (owned) */
  const char *base_path;
  const char *file;
  int line;
  /* filled with the lock released */
  const char *origin;
  nb_res_status status;
  char reason[512];
  unsigned char *raw;
  size_t n;
  int fetch; /* waiting for the network */
  nb_converted conv;
} S_pending;

typedef struct S_batch {
  S_pending *v;
  size_t n, cap;
} S_batch;

static int64_t S_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int S_expired(int64_t deadline) {
  return deadline > 0 && S_now_ns() >= deadline;
}

/* Find or claim the reference for @p written. A new one is queued in
 * @p batch for loading (refused schemes settle at once). Lock held. */
static S_ref *S_lookup(nb_resources *set, const char *written,
                       const char *base_path, const char *file, int line,
                       S_batch *batch) {
  char *url = NULL, *key;
  nb_ref_kind kind = nb__ref_classify(written, &url);
  nb_buf kb = NB_BUF_INIT;
  size_t found;
  S_ref *ref;
  S_pending *p;

  if (kind == NB_REF_REMOTE) {
    nb_buf_puts(&kb, url);
  } else if (kind == NB_REF_LOCAL) {
    const char *slash = base_path ? strrchr(base_path, '/') : NULL;
    nb_buf_puts(&kb, "file:");
    if (slash)
      nb_buf_append(&kb, base_path, (size_t)(slash - base_path));
    nb_buf_putc(&kb, '\n');
    nb_buf_puts(&kb, written);
  } else {
    nb_buf_puts(&kb, written);
  }
  key = nb_buf_detach(&kb);
  if (!key) {
    free(url);
    return NULL;
  }
  found = S_tab_find(set, set->ref_tab, set->ref_tab_cap, S_ref_key, key);
  if (found) {
    free(key);
    free(url);
    return set->refs[found - 1];
  }
  if (!S_grow((void **)&set->refs, &set->caprefs, set->nrefs,
              sizeof *set->refs) ||
      !(ref = nb_calloc(1, sizeof *ref))) {
    free(key);
    free(url);
    return NULL;
  }
  ref->key = key;
  ref->written = nb_strdup(written);
  if (!ref->written) {
    free(key);
    free(ref);
    free(url);
    return NULL;
  }
  set->refs[set->nrefs++] = ref;
  if (!S_tab_add(set, &set->ref_tab, &set->ref_tab_cap, set->nrefs - 1,
                 S_ref_key, set->nrefs - 1)) {
    set->nrefs--;
    free(ref->key);
    free(ref->written);
    free(ref);
    free(url);
    return NULL;
  }
  if (kind == NB_REF_REFUSED) {
    ref->origin = NULL;
    S_settle(set, ref, NB_RES_REFUSED,
             strncasecmp(written, "file:", 5) == 0
                 ? "refused: file: URLs are not followed (use a relative path)"
                 : "refused: only http, https, data: and relative paths are "
                   "resolved",
             NULL, 0, file, line);
    free(url);
    return ref;
  }
  if (!S_grow((void **)&batch->v, &batch->cap, batch->n, sizeof *batch->v)) {
    S_settle(set, ref, NB_RES_MISSING, "out of memory", NULL, 0, file, line);
    free(url);
    return ref;
  }
  p = &batch->v[batch->n++];
  memset(p, 0, sizeof *p);
  p->ref = ref;
  p->kind = kind;
  p->url = url;
  p->base_path = base_path;
  p->file = file;
  p->line = line;
  ref->inflight = 1;
  return ref;
}

/* Load @p p from everything but the network (lock released). Sets
 * p->fetch when only the network is left. */
static void S_load(const nb_resources *set, S_pending *p) {
  nb_error err;
  int rc;
  const char *written = p->ref->written;
  nb_error_clear(&err);
  p->status = NB_RES_MISSING;
  switch (p->kind) {
  case NB_REF_DATA:
    p->origin = "data";
    rc = nb__data_uri_decode(written, &p->raw, &p->n, &err);
    if (rc == 0 && p->n > set->opt.max_bytes) {
      free(p->raw);
      p->raw = NULL;
      p->status = NB_RES_TOO_LARGE;
      snprintf(p->reason, sizeof p->reason,
               "data: URI larger than the byte cap (--max-download)");
    } else if (rc == 0) {
      p->status = NB_RES_OK;
    } else {
      p->status = NB_RES_BROKEN;
      snprintf(p->reason, sizeof p->reason, "%.500s", err.message);
    }
    return;
  case NB_REF_LOCAL:
    p->origin = "file";
    rc = nb__local_read(written, p->base_path, set->opt.root_dir,
                        set->opt.max_bytes, &p->raw, &p->n, &err);
    if (rc == 0) {
      p->status = NB_RES_OK;
    } else {
      p->status = rc == NB_ERR_ARGUMENT ? NB_RES_REFUSED
                  : rc == NB_ERR_LIMIT  ? NB_RES_TOO_LARGE
                                        : NB_RES_MISSING;
      snprintf(p->reason, sizeof p->reason, "%.500s", err.message);
    }
    return;
  case NB_REF_REMOTE:
    rc = nb__mirror_read(set->opt.mirror_dir, p->url, set->opt.max_bytes,
                         &p->raw, &p->n, &err);
    if (rc == 1) {
      p->origin = "mirror";
      p->status = NB_RES_OK;
      return;
    }
    if (rc < 0) {
      p->origin = "mirror";
      p->status = rc == NB_ERR_LIMIT ? NB_RES_TOO_LARGE : NB_RES_MISSING;
      snprintf(p->reason, sizeof p->reason, "%.500s", err.message);
      return;
    }
    if (nb__cache_get(set->cache_dir, p->url, set->opt.max_bytes, &p->raw,
                      &p->n)) {
      p->origin = "cache";
      p->status = NB_RES_OK;
      return;
    }
    if (set->opt.offline) {
      p->origin = NULL;
      snprintf(p->reason, sizeof p->reason, "%s",
               set->opt.mirror_dir ? "not in the mirror (offline)"
                                   : "not available offline");
      return;
    }
    p->origin = "network";
    p->fetch = 1;
    return;
  case NB_REF_REFUSED: return; /* settled in S_lookup */
  }
}

/* Download what S_load left to the network (lock released). */
static void S_fetch(const nb_resources *set, S_batch *batch,
                    const char *referer, int64_t deadline) {
  nb_fetch *items;
  nb_fetch_options fo;
  nb_error ferr;
  size_t i, k, n = 0;
  int rc;
  for (i = 0; i < batch->n; i++)
    n += batch->v[i].fetch;
  if (n == 0)
    return;
  items = nb_calloc(n, sizeof *items);
  if (!items) {
    for (i = 0; i < batch->n; i++)
      if (batch->v[i].fetch)
        snprintf(batch->v[i].reason, sizeof batch->v[i].reason,
                 "out of memory");
    return;
  }
  for (i = k = 0; i < batch->n; i++) {
    if (!batch->v[i].fetch)
      continue;
    items[k].url = batch->v[i].url;
    items[k].referer = referer;
    k++;
  }
  memset(&fo, 0, sizeof fo);
  fo.allow_private = set->opt.allow_private;
  fo.max_bytes = set->opt.max_bytes;
  fo.connect_timeout_s = set->opt.connect_timeout_s;
  fo.timeout_s = set->opt.timeout_s;
  fo.max_parallel = set->opt.max_parallel;
  fo.deadline_ns = deadline;
  nb_error_clear(&ferr);
  rc = nb__fetch_all(items, n, &fo, &ferr);
  for (i = k = 0; i < batch->n; i++) {
    S_pending *p = &batch->v[i];
    if (!p->fetch)
      continue;
    if (rc != 0) {
      snprintf(p->reason, sizeof p->reason, "%.500s",
               ferr.message[0] ? ferr.message : "no network");
    } else {
      if (items[k].status == NB_RES_OK &&
          nb_image_sniff(items[k].data, items[k].size))
        nb__cache_put(set->cache_dir, p->url, items[k].data, items[k].size);
      p->status = items[k].status;
      p->raw = items[k].data;
      p->n = items[k].size;
      items[k].data = NULL;
      snprintf(p->reason, sizeof p->reason, "%s", items[k].reason);
    }
    k++;
  }
  for (i = 0; i < n; i++)
    free(items[i].data);
  free(items);
}

/* Load, download and convert the batch with the lock released, then
 * publish it. Called with the lock held. Returns 1 when anything was left
 * unloaded for want of time. */
static int S_run_batch(nb_resources *set, S_batch *batch, const char *referer,
                       int64_t deadline) {
  size_t i;
  int cut = 0;
  if (batch->n == 0)
    return 0;
  pthread_mutex_unlock(&set->lock);
  for (i = 0; i < batch->n; i++) {
    S_pending *p = &batch->v[i];
    if (S_expired(deadline)) {
      p->status = NB_RES_MISSING;
      snprintf(p->reason, sizeof p->reason, "%s", S_out_of_time);
      continue;
    }
    S_load(set, p);
  }
  S_fetch(set, batch, referer, deadline);
  for (i = 0; i < batch->n; i++) {
    S_pending *p = &batch->v[i];
    if (p->status == NB_RES_OK && S_expired(deadline)) {
      free(p->raw);
      p->raw = NULL;
      p->status = NB_RES_MISSING;
      snprintf(p->reason, sizeof p->reason, "%s", S_out_of_time);
    }
    S_prepare(set, p->status, p->reason, p->raw, p->n, &p->conv);
    p->raw = NULL;
  }
  pthread_mutex_lock(&set->lock);
  for (i = 0; i < batch->n; i++) {
    S_pending *p = &batch->v[i];
    cut |= p->conv.status != NB_RES_OK &&
           strcmp(p->conv.reason, S_out_of_time) == 0;
    p->ref->origin = p->origin;
    S_publish(set, p->ref, &p->conv, p->file, p->line);
    p->ref->inflight = 0;
  }
  pthread_cond_broadcast(&set->settled);
  return cut;
}

static void S_batch_free(S_batch *b) {
  size_t i;
  for (i = 0; i < b->n; i++) {
    free(b->v[i].url);
    free(b->v[i].raw);
  }
  free(b->v);
}

typedef struct S_use {
  nb_node *node;
  S_ref *ref;
} S_use;

static int S_resolve(nb_resources *set, nb_doc *doc, int64_t deadline,
                     nb_error *err) {
  /* relative references are read beside the input file (a document from
   * the network has none: its references were made absolute); messages
   * name the document by its file, else its URL */
  const char *path = nb_doc_get_meta(doc, "path");
  const char *name = nb_doc_origin(doc);
  const char *referer = nb_doc_get_meta(doc, "source");
  const char *head = nb_doc_get_meta(doc, "headimg");
  S_batch batch = {NULL, 0, 0};
  S_use *uses = NULL;
  size_t nuses = 0, capuses = 0, i;
  S_ref *lead = NULL;
  nb_iter *it;
  nb_event ev;
  int rc = 0, late = 0;

  if (!set || !doc)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no set or document");
  /* feed-to-blog pipelines write the lead image as "thumbnail" */
  if (!head || !*head)
    head = nb_doc_get_meta(doc, "thumbnail");
  if (referer && strncmp(referer, "http://", 7) != 0 &&
      strncmp(referer, "https://", 8) != 0)
    referer = NULL;
  it = nb_iter_new(nb_doc_root(doc));
  if (!it)
    return nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory");
  pthread_mutex_lock(&set->lock);
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    const char *url;
    S_ref *ref;
    if (ev != NB_EVENT_ENTER || nb_node_get_type(n) != NB_NODE_IMAGE)
      continue;
    url = nb_node_get_url(n);
    if (!url || !*url)
      continue;
    ref = S_lookup(set, url, path, name, nb_node_get_line(n), &batch);
    if (!ref) {
      rc = nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory");
      goto cleanup;
    }
    ref->uses++;
    if (!S_grow((void **)&uses, &capuses, nuses, sizeof *uses)) {
      rc = nb_error_set(err, NB_ERR_SYSTEM, name, 0, "out of memory");
      goto cleanup;
    }
    uses[nuses].node = n;
    uses[nuses].ref = ref;
    nuses++;
  }
  if (head && *head) {
    lead = S_lookup(set, head, path, name, 0, &batch);
    if (lead) {
      lead->uses++;
      if (S_grow((void **)&uses, &capuses, nuses, sizeof *uses)) {
        uses[nuses].node = NULL;
        uses[nuses].ref = lead;
        nuses++;
      }
      if (S_grow((void **)&set->leads, &set->capleads, set->nleads,
                 sizeof *set->leads)) {
        set->leads[set->nleads].doc = doc;
        set->leads[set->nleads].ref = lead;
        set->nleads++;
      }
    }
  }
  late = S_run_batch(set, &batch, referer, deadline);
  for (i = 0; i < nuses; i++) {
    while (uses[i].ref->inflight && !late) {
      if (deadline > 0) {
        /* another article is loading it: wait, but not past our time */
        struct timespec until;
        int64_t left = deadline - S_now_ns();
        clock_gettime(CLOCK_REALTIME, &until);
        if (left <= 0) {
          late = 1;
          break;
        }
        until.tv_sec += (time_t)(left / 1000000000);
        until.tv_nsec += (long)(left % 1000000000);
        if (until.tv_nsec >= 1000000000) {
          until.tv_sec++;
          until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&set->settled, &set->lock, &until);
      } else {
        pthread_cond_wait(&set->settled, &set->lock);
      }
    }
  }
  for (i = 0; i < nuses; i++) {
    if (uses[i].ref->inflight)
      continue; /* out of time waiting for it: the node keeps no image */
    S_res *res = uses[i].ref->res;
    if (res && res->pub.decorative) {
      if (uses[i].node)
        nb_node_remove(uses[i].node); /* a spacer: nothing to show */
      continue;
    }
    if (res)
      res->pub.uses++;
    if (uses[i].node)
      nb_node_set_resource(uses[i].node, res ? &res->pub : NULL);
  }
  /* waiting for another article's download counts too: the time is this
   * article's either way */
  late = late || S_expired(deadline);
cleanup:
  /* after a failure above, nothing claimed may stay in flight: waiters
   * would hang (S_run_batch, when it ran, left nothing in flight) */
  for (i = 0; i < batch.n; i++) {
    if (batch.v[i].ref->inflight) {
      S_settle(set, batch.v[i].ref, NB_RES_MISSING, "out of memory", NULL, 0,
               name, 0);
      batch.v[i].ref->inflight = 0;
      pthread_cond_broadcast(&set->settled);
    }
  }
  pthread_mutex_unlock(&set->lock);
  S_batch_free(&batch);
  free(uses);
  nb_iter_free(it);
  if (rc == 0 && late)
    rc = nb_error_set(err, NB_ERR_LIMIT, name, 0,
                      "its images took longer than the time left to it");
  return rc;
}

int nb_resources_resolve_doc(nb_resources *set, nb_doc *doc, nb_error *err) {
  return S_resolve(set, doc, 0, err);
}

int nb_resources_resolve_doc_within(nb_resources *set, nb_doc *doc,
                                    double seconds, nb_error *err) {
  int64_t deadline = 0;
  if (seconds > 0)
    deadline = S_now_ns() + (int64_t)(seconds * 1e9);
  else if (seconds < 0)
    deadline = S_now_ns(); /* nothing left: everything is late */
  return S_resolve(set, doc, deadline, err);
}

const nb_resource *nb_resources_get(nb_resources *set, const char *ref,
                                    const char *base_path,
                                    const char *referer) {
  S_batch batch = {NULL, 0, 0};
  S_ref *r;
  const nb_resource *out = NULL;
  if (!set || !ref)
    return NULL;
  pthread_mutex_lock(&set->lock);
  r = S_lookup(set, ref, base_path, base_path, 0, &batch);
  if (r) {
    r->uses++;
    S_run_batch(set, &batch, referer, 0);
    while (r->inflight)
      pthread_cond_wait(&set->settled, &set->lock);
    if (r->res) {
      r->res->pub.uses++;
      out = &r->res->pub;
    }
  }
  pthread_mutex_unlock(&set->lock);
  S_batch_free(&batch);
  return out;
}

const nb_resource *nb_resources_add_bytes(nb_resources *set, const char *name,
                                          const void *data, size_t size) {
  S_ref *ref;
  unsigned char *copy;
  const nb_resource *out = NULL;
  if (!set || (!data && size))
    return NULL;
  copy = malloc(size ? size : 1);
  if (!copy)
    return NULL;
  if (size)
    memcpy(copy, data, size);
  pthread_mutex_lock(&set->lock);
  if (!S_grow((void **)&set->refs, &set->caprefs, set->nrefs,
              sizeof *set->refs) ||
      !(ref = nb_calloc(1, sizeof *ref))) {
    pthread_mutex_unlock(&set->lock);
    free(copy);
    return NULL;
  }
  {
    /* not in the key table: every call is its own reference */
    nb_buf kb = NB_BUF_INIT;
    nb_buf_printf(&kb, "bytes:%zu:%s", set->nrefs, name ? name : "");
    ref->key = nb_buf_detach(&kb);
  }
  ref->written = nb_strdup(name ? name : "");
  if (!ref->key || !ref->written) {
    free(ref->key);
    free(ref->written);
    free(ref);
    pthread_mutex_unlock(&set->lock);
    free(copy);
    return NULL;
  }
  ref->origin = "file";
  ref->uses = 1;
  set->refs[set->nrefs++] = ref;
  S_settle(set, ref, NB_RES_OK, NULL, copy, size, name, 0);
  if (ref->res) {
    ref->res->pub.uses++;
    out = &ref->res->pub;
  }
  pthread_mutex_unlock(&set->lock);
  return out;
}

size_t nb_resources_count(const nb_resources *set) {
  size_t n;
  if (!set)
    return 0;
  pthread_mutex_lock((pthread_mutex_t *)&set->lock);
  n = set->nres;
  pthread_mutex_unlock((pthread_mutex_t *)&set->lock);
  return n;
}

const nb_resource *nb_resources_at(const nb_resources *set, size_t i) {
  const nb_resource *r = NULL;
  if (!set)
    return NULL;
  pthread_mutex_lock((pthread_mutex_t *)&set->lock);
  if (i < set->nres)
    r = &set->res[i]->pub;
  pthread_mutex_unlock((pthread_mutex_t *)&set->lock);
  return r;
}

const nb_resource *nb_resources_lead(const nb_resources *set,
                                     const nb_doc *doc) {
  const nb_resource *r = NULL;
  size_t i;
  if (!set || !doc)
    return NULL;
  pthread_mutex_lock((pthread_mutex_t *)&set->lock);
  for (i = 0; i < set->nleads; i++) {
    if (set->leads[i].doc == doc) {
      S_res *res = set->leads[i].ref->res;
      if (res && res->pub.status == NB_RES_OK && !res->pub.decorative)
        r = &res->pub;
      break;
    }
  }
  pthread_mutex_unlock((pthread_mutex_t *)&set->lock);
  return r;
}

/* ## Report */

static void S_json_str(nb_buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  if (!s) {
    nb_buf_puts(b, "null");
    return;
  }
  nb_buf_putc(b, '"');
  for (; *p; p++) {
    if (*p == '"' || *p == '\\') {
      nb_buf_putc(b, '\\');
      nb_buf_putc(b, (char)*p);
    } else if (*p < 0x20) {
      nb_buf_printf(b, "\\u%04x", *p);
    } else {
      nb_buf_putc(b, (char)*p);
    }
  }
  nb_buf_putc(b, '"');
}

char *nb_resources_report_json(const nb_resources *set) {
  nb_buf b = NB_BUF_INIT;
  size_t i;
  nb_buf_puts(&b, "[");
  if (set) {
    pthread_mutex_lock((pthread_mutex_t *)&set->lock);
    for (i = 0; i < set->nrefs; i++) {
      const S_ref *ref = set->refs[i];
      const nb_resource *r = ref->res ? &ref->res->pub : NULL;
      char shortu[320];
      int ok = r && r->status == NB_RES_OK;
      S_short(ref->written, shortu, sizeof shortu);
      nb_buf_puts(&b, i ? ",\n    {\"url\": " : "\n    {\"url\": ");
      S_json_str(&b, shortu);
      nb_buf_puts(&b, ", \"status\": ");
      S_json_str(&b, nb_res_status_name(r ? r->status : NB_RES_PENDING));
      nb_buf_puts(&b, ", \"reason\": ");
      S_json_str(&b, r ? r->reason : "not resolved");
      nb_buf_puts(&b, ", \"origin\": ");
      S_json_str(&b, ref->origin);
      nb_buf_puts(&b, ", \"media_type\": ");
      S_json_str(&b, ok ? r->media_type : NULL);
      nb_buf_printf(&b,
                    ", \"width\": %d, \"height\": %d, \"bytes\": %zu, \"id\": ",
                    r ? r->width : 0, r ? r->height : 0, ok ? r->size : 0);
      S_json_str(&b, ok ? r->id : NULL);
      nb_buf_printf(
          &b, ", \"uses\": %d%s}", ref->uses,
          ref->res && ref->res->pub.decorative ? ", \"decorative\": true" : "");
    }
    pthread_mutex_unlock((pthread_mutex_t *)&set->lock);
  }
  nb_buf_puts(&b, set && set->nrefs ? "\n  ]" : "]");
  if (b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  return nb_buf_detach(&b);
}
