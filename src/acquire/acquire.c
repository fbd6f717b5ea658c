/* A URL input, start to end: fetch it through the cache, let what came
 * back pick the reader (a feed: one document per item, with full text as
 * asked; a page: the page reader's document), and hand the documents over
 * in order. Failures that end the input are one-line errors naming the
 * URL; what only concerns an item is a warning (fulltext.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquire/internal.h"
#include "util/util.h"

/* The items of a feed, collected so that full text can be fetched for all
 * of them at once before they are handed over. */
typedef struct S_items {
  nb_doc **v;
  size_t n, cap;
  int failed;
} S_items;

static int S_collect(void *ud, nb_doc *doc) {
  S_items *it = ud;
  if (it->n == it->cap) {
    size_t ncap = it->cap ? it->cap * 2 : 16;
    nb_doc **nv = nb_reallocarray(it->v, ncap, sizeof *nv);
    if (!nv) {
      nb_doc_free(doc);
      it->failed = 1;
      return 1;
    }
    it->v = nv;
    it->cap = ncap;
  }
  it->v[it->n++] = doc;
  return 0;
}

static void S_items_free(S_items *it, size_t from) {
  size_t i;
  for (i = from; i < it->n; i++)
    nb_doc_free(it->v[i]);
  free(it->v);
}

static int S_feed(const nb_fetched *f, const nb_acquire_options *o,
                  const nb_diag *diag, nb_feed_item_fn fn, void *userdata,
                  nb_error *err) {
  S_items it = {NULL, 0, 0, 0};
  size_t i;
  int rc = nb_read_feed_url(f->url, f->charset, f->data, f->size, o->read, diag,
                            S_collect, &it, err);
  if (rc >= 0 && it.failed)
    rc = nb_error_set(err, NB_ERR_SYSTEM, f->url, 0, "out of memory");
  if (rc >= 0 && it.n > 0) {
    int ft = nb_acquire_full_text(it.v, it.n, o, diag, err);
    if (ft < 0)
      rc = ft;
  }
  if (rc < 0) {
    S_items_free(&it, 0);
    return rc;
  }
  for (i = 0; i < it.n; i++) {
    nb_doc *d = it.v[i];
    it.v[i] = NULL;
    if (fn(userdata, d) != 0) {
      i++;
      break;
    }
  }
  rc = (int)i;
  S_items_free(&it, i);
  return rc;
}

static int S_page(const nb_fetched *f, const nb_acquire_options *o,
                  const nb_diag *diag, nb_feed_item_fn fn, void *userdata,
                  nb_error *err) {
  nb_doc *doc;
  nb_error_clear(err);
  doc = o->read_page(o->read_page_data, f->url, f->data, f->size, f->charset,
                     o->read, diag, err);
  if (!doc) {
    if (!err || err->code == NB_OK)
      return nb_error_set(err, NB_ERR_FORMAT, f->url, 0,
                          "the page could not be read");
    return err->code;
  }
  fn(userdata, doc);
  return 1;
}

/* What to do about a URL that could not be fetched, for the error line. */
static const char *S_advice(const nb_fetched *f) {
  const char *r = f->reason;
  if (strstr(r, "offline"))
    return "run once without --offline to fetch it";
  if (strstr(r, "private"))
    return "add --allow-private to fetch from it";
  if (f->status == NB_RES_REFUSED)
    return "only http and https URLs are fetched";
  if (f->status == NB_RES_TOO_LARGE)
    return "raise --max-download if it is meant to be that large";
  if (strstr(r, "timed out"))
    return "raise --timeout, or try again later";
  if (strstr(r, "stalled") || strstr(r, "incomplete"))
    return "try again later";
  if (strstr(r, "redirects"))
    return "check the URL (a redirect loop?)";
  return "check the URL";
}

int nb_acquire_url(const char *url, const nb_acquire_options *opt,
                   const nb_diag *diag, nb_feed_item_fn fn, void *userdata,
                   nb_error *err) {
  nb_acquire_options o = nb__acquire_options(opt);
  nb_fetch_doc_options dopt;
  nb_fetched f;
  char why[300];
  int rc;
  if (!url || !fn)
    return nb_error_set(err, NB_ERR_ARGUMENT, url, 0, "no URL or callback");
  if (!nb_acquire_is_url(url))
    return nb_error_set(err, NB_ERR_ARGUMENT, url, 0,
                        "not an http:// or https:// URL");
  memset(&dopt, 0, sizeof dopt);
  dopt.abi_version = NB_FETCH_DOC_ABI_VERSION;
  dopt.max_per_host = o.max_per_host;
  rc = nb_fetch_document(url, o.net, &dopt, diag, &f, err);
  if (rc != 0) {
    if (err)
      snprintf(err->message, sizeof err->message, "%.700s — %s", f.reason,
               S_advice(&f));
    nb_fetched_clear(&f);
    return rc;
  }
  switch (nb_acquire_sniff(f.content_type, f.data, f.size, why, sizeof why)) {
  case NB_CONTENT_FEED: rc = S_feed(&f, &o, diag, fn, userdata, err); break;
  case NB_CONTENT_PAGE: rc = S_page(&f, &o, diag, fn, userdata, err); break;
  default:
    rc = nb_error_set(err, NB_ERR_UNSUPPORTED, url, 0,
                      "%s — give the URL of a feed or of an article's page",
                      why);
    break;
  }
  nb_fetched_clear(&f);
  return rc;
}
