/* Documents (feeds, web pages) fetched through the cache: the cached copy
 * of a URL is revalidated with its validators (If-None-Match,
 * If-Modified-Since) and reused on a 304; a fresh body is stored with the
 * response's validators, Content-Type and final URL. The transfers
 * themselves are fetch.c's (the same rules as images), the records
 * cache.c's.
 *
 * Deliberately not here: deciding what a document is (feed or page) and
 * reading it; that is the caller's, from the body and the Content-Type
 * this returns. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resource/internal.h"

static const char S_ACCEPT_ANY[] =
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, "
    "text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.5";
static const char S_ACCEPT_PAGE[] =
    "text/html, application/xhtml+xml;q=0.9, */*;q=0.8";

void nb_fetched_clear(nb_fetched *f) {
  if (!f)
    return;
  free(f->data);
  free(f->url);
  free(f->content_type);
  free(f->charset);
  memset(f, 0, sizeof *f);
}

/* 1 when @p s is an HTTP token (a charset name): nothing that could turn
 * a message into two lines or name a file. */
static int S_token(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n > 64)
    return 0;
  for (i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("!#$%&'*+.^_`|~-:", s[i]))
      return 0;
  return 1;
}

/* Split a Content-Type value into its media type and charset parameter,
 * both lower-cased (malloc'd; NULL when absent or not made of HTTP
 * tokens). */
static void S_split_type(const char *value, char **type, char **charset) {
  const char *p = value, *semi, *slash;
  size_t n;
  *type = NULL;
  *charset = NULL;
  if (!value)
    return;
  while (*p == ' ' || *p == '\t')
    p++;
  semi = strchr(p, ';');
  n = semi ? (size_t)(semi - p) : strlen(p);
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  slash = n > 0 && n < 128 ? memchr(p, '/', n) : NULL;
  if (slash && S_token(p, (size_t)(slash - p)) &&
      S_token(slash + 1, n - (size_t)(slash - p) - 1) &&
      (*type = nb_strndup(p, n)) != NULL) {
    char *c;
    for (c = *type; *c; c++)
      *c = (char)tolower((unsigned char)*c);
  }
  while (semi) {
    const char *k = semi + 1, *eq, *v, *e;
    while (*k == ' ' || *k == '\t')
      k++;
    semi = strchr(k, ';');
    eq = strchr(k, '=');
    if (!eq || (semi && eq > semi))
      continue;
    if ((size_t)(eq - k) != 7 || strncasecmp(k, "charset", 7) != 0)
      continue;
    v = eq + 1;
    e = semi ? semi : v + strlen(v);
    while (v < e && (*v == ' ' || *v == '"' || *v == '\''))
      v++;
    while (e > v &&
           (e[-1] == ' ' || e[-1] == '"' || e[-1] == '\'' || e[-1] == '\t'))
      e--;
    if (e > v && !*charset && S_token(v, (size_t)(e - v)) &&
        (*charset = nb_strndup(v, (size_t)(e - v)))) {
      char *c;
      for (c = *charset; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    }
  }
}

/* Fill @p out from a body and what is known about it. Takes @p data. */
static void S_settle(nb_fetched *out, const char *url, unsigned char *data,
                     size_t size, const nb_cache_meta *meta, long http,
                     const char *origin) {
  out->status = NB_RES_OK;
  out->reason[0] = '\0';
  out->data = (char *)data;
  out->size = size;
  out->url = nb_strdup(meta && meta->final_url ? meta->final_url : url);
  S_split_type(meta ? meta->content_type : NULL, &out->content_type,
               &out->charset);
  out->http_status = http;
  out->origin = origin;
}

/* The part of @p url before any fragment, malloc'd: a fragment is never
 * sent, so it must not split the cache. */
static char *S_strip_fragment(const char *url) {
  const char *h = strchr(url, '#');
  return h ? nb_strndup(url, (size_t)(h - url)) : nb_strdup(url);
}

static int S_is_http(const char *url) {
  return url && (strncasecmp(url, "http://", 7) == 0 ||
                 strncasecmp(url, "https://", 8) == 0);
}

/* What one URL needs between the cache lookup and the transfer. */
typedef struct S_doc {
  char *url;             /* without fragment: the request and the cache key */
  unsigned char *cached; /* the cached body, when there is one */
  size_t cached_size;
  nb_cache_meta meta; /* its record */
  int fetch;          /* goes to the network */
} S_doc;

static void S_lookup(S_doc *d, const char *cache_dir, size_t max_bytes,
                     const nb_diag *diag) {
  int rc = nb__cache_doc_get(cache_dir, d->url, max_bytes, &d->cached,
                             &d->cached_size, &d->meta);
  if (rc < 0)
    nb_diag_emit(diag, NB_SEV_WARNING, "cache", NULL, 0, d->url,
                 "the cached copy of %s is damaged: ignored, fetched afresh",
                 d->url);
}

/* Merge the validators of a 304 into the cached record (a server may send
 * new ones) and rewrite it. */
static void S_refresh(const char *cache_dir, S_doc *d, nb_fetch *f) {
  int changed = 0;
  if (f->meta.etag && (!d->meta.etag || strcmp(f->meta.etag, d->meta.etag))) {
    free(d->meta.etag);
    d->meta.etag = f->meta.etag;
    f->meta.etag = NULL;
    changed = 1;
  }
  if (f->meta.last_modified &&
      (!d->meta.last_modified ||
       strcmp(f->meta.last_modified, d->meta.last_modified))) {
    free(d->meta.last_modified);
    d->meta.last_modified = f->meta.last_modified;
    f->meta.last_modified = NULL;
    changed = 1;
  }
  if (changed)
    nb__cache_doc_put(cache_dir, d->url, d->cached, d->cached_size, &d->meta);
}

static nb_fetch_options S_fetch_options(const nb_resolve_options *net,
                                        const nb_fetch_doc_options *dopt) {
  nb_fetch_options fo;
  memset(&fo, 0, sizeof fo);
  fo.allow_private = net->allow_private;
  fo.max_bytes = net->max_bytes > 0 ? net->max_bytes : NB_DEFAULT_MAX_BYTES;
  fo.connect_timeout_s =
      net->connect_timeout_s > 0 ? net->connect_timeout_s : 10;
  fo.timeout_s = net->timeout_s > 0 ? net->timeout_s : 30;
  fo.max_parallel = net->max_parallel > 0 ? net->max_parallel : 8;
  fo.max_per_host = dopt && dopt->max_per_host > 0 ? dopt->max_per_host : 4;
  if (dopt && dopt->time_limit > 0 && dopt->time_limit < fo.timeout_s) {
    fo.timeout_s = (int)dopt->time_limit;
    if (fo.timeout_s < 1)
      fo.timeout_s = 1;
  }
  if (fo.connect_timeout_s > fo.timeout_s)
    fo.connect_timeout_s = fo.timeout_s;
  return fo;
}

/* Hand the transfer's outcome for @p d to @p out. */
static void S_take(const char *cache_dir, S_doc *d, nb_fetch *f,
                   nb_fetched *out) {
  if (f->status == NB_RES_OK && f->not_modified && d->cached) {
    S_refresh(cache_dir, d, f);
    S_settle(out, d->url, d->cached, d->cached_size, &d->meta, 304, "cache");
    d->cached = NULL;
  } else if (f->status == NB_RES_OK && f->data) {
    nb__cache_doc_put(cache_dir, d->url, f->data, f->size, &f->meta);
    S_settle(out, d->url, f->data, f->size, &f->meta, f->http_code, "network");
    f->data = NULL;
  } else {
    out->status = f->status == NB_RES_OK ? NB_RES_MISSING : f->status;
    snprintf(out->reason, sizeof out->reason, "%s",
             f->reason[0] ? f->reason : "the server sent no body");
    out->http_status = f->http_code;
    out->url = nb_strdup(f->meta.final_url ? f->meta.final_url : d->url);
  }
}

int nb_fetch_documents(const char *const *urls, size_t n,
                       const nb_resolve_options *net,
                       const nb_fetch_doc_options *dopt, const nb_diag *diag,
                       nb_fetched *out, nb_error *err) {
  nb_resolve_options defaults;
  nb_fetch_options fo;
  char *cache_dir;
  S_doc *docs;
  nb_fetch *items;
  size_t i, k, nfetch = 0;
  int rc = 0;
  if (n == 0)
    return 0;
  if (!urls || !out)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no URLs or results");
  if (!net) {
    memset(&defaults, 0, sizeof defaults);
    defaults.abi_version = NB_RESOLVE_ABI_VERSION;
    net = &defaults;
  }
  fo = S_fetch_options(net, dopt);
  for (i = 0; i < n; i++)
    memset(&out[i], 0, sizeof out[i]);
  docs = nb_calloc(n, sizeof *docs);
  items = nb_calloc(n, sizeof *items);
  cache_dir = nb__cache_dir(net->cache_dir);
  if (!docs || !items) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto cleanup;
  }
  for (i = 0; i < n; i++) {
    S_doc *d = &docs[i];
    out[i].status = NB_RES_MISSING;
    if (!S_is_http(urls[i])) {
      out[i].status = NB_RES_REFUSED;
      snprintf(out[i].reason, sizeof out[i].reason,
               "refused: not an http or https URL");
      continue;
    }
    d->url = S_strip_fragment(urls[i]);
    if (!d->url) {
      snprintf(out[i].reason, sizeof out[i].reason, "out of memory");
      continue;
    }
    S_lookup(d, cache_dir, fo.max_bytes, diag);
    if (net->offline) {
      if (d->cached) {
        S_settle(&out[i], d->url, d->cached, d->cached_size, &d->meta, 0,
                 "cache");
        d->cached = NULL;
      } else {
        snprintf(out[i].reason, sizeof out[i].reason,
                 "not available offline (not in the cache)");
      }
      continue;
    }
    d->fetch = 1;
    items[nfetch].url = d->url;
    items[nfetch].document = 1;
    items[nfetch].accept =
        dopt && dopt->want_page ? S_ACCEPT_PAGE : S_ACCEPT_ANY;
    if (d->cached) {
      items[nfetch].etag = d->meta.etag;
      items[nfetch].last_modified = d->meta.last_modified;
    }
    nfetch++;
  }
  if (nfetch > 0) {
    rc = nb__fetch_all(items, nfetch, &fo, err);
    if (rc != 0)
      goto cleanup;
  }
  for (i = k = 0; i < n; i++) {
    if (!docs[i].fetch)
      continue;
    S_take(cache_dir, &docs[i], &items[k], &out[i]);
    k++;
  }
cleanup:
  for (i = 0; items && i < nfetch; i++)
    nb__fetch_clear(&items[i]);
  for (i = 0; docs && i < n; i++) {
    free(docs[i].url);
    free(docs[i].cached);
    nb__cache_meta_clear(&docs[i].meta);
  }
  free(items);
  free(docs);
  free(cache_dir);
  return rc;
}

int nb_fetch_document(const char *url, const nb_resolve_options *net,
                      const nb_fetch_doc_options *dopt, const nb_diag *diag,
                      nb_fetched *out, nb_error *err) {
  int rc = nb_fetch_documents(&url, 1, net, dopt, diag, out, err);
  if (rc != 0)
    return rc;
  if (out->status == NB_RES_OK)
    return 0;
  return nb_error_set(err,
                      out->status == NB_RES_REFUSED     ? NB_ERR_ARGUMENT
                      : out->status == NB_RES_TOO_LARGE ? NB_ERR_LIMIT
                      : strstr(out->reason, "time")     ? NB_ERR_LIMIT
                                                        : NB_ERR_SYSTEM,
                      url, 0, "%s", out->reason);
}
