/* URL inputs against a loopback site (tests/tools/webserver.py): what comes
 * back decides the reader (RSS, Atom, JSON Feed, a page, or a clear
 * refusal), summary-only items get their full text through the page
 * reader (a plug-in: the tests use their own as well as the default), a
 * second run against an unchanged site transfers no body, and hostile
 * answers (loops, bombs, endless bodies, private addresses, lying
 * charsets) end as one-line errors or warnings. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/acquire.h"
#include "webserver.h"

/* ## Diagnostics, collected (the callback may run on several threads) */

typedef struct S_diags {
  pthread_mutex_t lock;
  int n, fetch;
  char all[16384];
} S_diags;

static S_diags S_d = {PTHREAD_MUTEX_INITIALIZER, 0, 0, {0}};

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  size_t l;
  pthread_mutex_lock(&s->lock);
  l = strlen(s->all);
  snprintf(s->all + l, sizeof s->all - l, "[%s] %s%s%s\n",
           d->kind ? d->kind : "", d->message, d->url ? " @ " : "",
           d->url ? d->url : "");
  if (d->kind && strcmp(d->kind, "fetch") == 0)
    s->fetch++;
  s->n++;
  pthread_mutex_unlock(&s->lock);
}

static const nb_diag S_diag = {NB_DIAG_ABI_VERSION, S_report, &S_d};

static void S_diags_reset(void) {
  pthread_mutex_lock(&S_d.lock);
  S_d.n = S_d.fetch = 0;
  S_d.all[0] = '\0';
  pthread_mutex_unlock(&S_d.lock);
}

/* ## Documents, collected */

#define S_MAX 64

typedef struct S_docs {
  int n, stop_after;
  nb_doc *v[S_MAX];
} S_docs;

static int S_take(void *ud, nb_doc *doc) {
  S_docs *d = ud;
  if (d->n < S_MAX)
    d->v[d->n++] = doc;
  else
    nb_doc_free(doc);
  return d->stop_after > 0 && d->n >= d->stop_after;
}

static void S_docs_free(S_docs *d) {
  int i;
  for (i = 0; i < d->n; i++)
    nb_doc_free(d->v[i]);
  memset(d, 0, sizeof *d);
}

static int S_has_text(const nb_doc *doc, const char *s) {
  char *t = nb_node_text(nb_doc_root(doc));
  int r = t && strstr(t, s) != NULL;
  free(t);
  return r;
}

static const char *S_meta(const nb_doc *doc, const char *k) {
  const char *v = nb_doc_get_meta(doc, k);
  return v ? v : "(null)";
}

/* The document whose title starts with @p prefix. */
static nb_doc *S_find(const S_docs *d, const char *prefix) {
  int i;
  for (i = 0; i < d->n; i++) {
    const char *t = nb_doc_get_meta(d->v[i], "title");
    if (t && strncmp(t, prefix, strlen(prefix)) == 0)
      return d->v[i];
  }
  return NULL;
}

/* ## A page reader of the tests' own: the default one, plus the byline,
 * lead image and language an article extractor would find, and a count of
 * calls. */

static int S_calls;
static pthread_mutex_t S_calls_lock = PTHREAD_MUTEX_INITIALIZER;

static nb_doc *S_reader(void *ud, const char *url, const char *data, size_t len,
                        const char *charset, const nb_read_options *opts,
                        const nb_diag *diag, nb_error *err) {
  nb_doc *doc;
  (void)ud;
  pthread_mutex_lock(&S_calls_lock);
  S_calls++;
  pthread_mutex_unlock(&S_calls_lock);
  if (strstr(url, "/article/13.html"))
    return nb_error_set(err, NB_ERR_FORMAT, url, 0, "no article found"), NULL;
  doc = nb_acquire_read_page(NULL, url, data, len, charset, opts, diag, err);
  if (doc) {
    nb_doc_set_meta(doc, "headimg", "https://img.example/lead.jpg");
    nb_doc_set_meta(doc, "lang", "en");
    nb_doc_set_meta(doc, "source", "https://canonical.example/a");
  }
  return doc;
}

/* ## Options */

static nb_resolve_options S_net;
static nb_acquire_options S_opt;

static void S_options(const char *cache_dir) {
  memset(&S_net, 0, sizeof S_net);
  S_net.abi_version = NB_RESOLVE_ABI_VERSION;
  S_net.allow_private = 1;
  S_net.cache_dir = cache_dir ? cache_dir : "";
  S_net.timeout_s = 20;
  memset(&S_opt, 0, sizeof S_opt);
  S_opt.abi_version = NB_ACQUIRE_ABI_VERSION;
  S_opt.net = &S_net;
  S_opt.jobs = 2;
}

static int S_acquire(const char *path, S_docs *d, nb_error *err) {
  memset(d, 0, sizeof *d);
  S_diags_reset();
  nb_error_clear(err);
  return nb_acquire_url(nb_web_url(path), &S_opt, &S_diag, S_take, d, err);
}

static int S_setup(void **state) {
  (void)state;
  return nb_web_start(1.0) == 0 ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  nb_web_stop();
  return 0;
}

/* ## Tests */

static void test_sniff(void **state) {
  char why[200];
  static const char rss[] = "<?xml version=\"1.0\"?><rss version=\"2.0\">";
  static const char html[] = "\xEF\xBB\xBF\n  <!doctype html><html>";
  (void)state;
  assert_int_equal(nb_acquire_sniff("text/html", rss, sizeof rss - 1, NULL, 0),
                   NB_CONTENT_FEED);
  assert_int_equal(nb_acquire_sniff("text/plain", rss, sizeof rss - 1, NULL, 0),
                   NB_CONTENT_FEED);
  assert_int_equal(nb_acquire_sniff(NULL,
                                    "{\"version\": "
                                    "\"https://jsonfeed.org/version/1\"}",
                                    46, NULL, 0),
                   NB_CONTENT_FEED);
  assert_int_equal(nb_acquire_sniff("text/html", "hello", 5, NULL, 0),
                   NB_CONTENT_PAGE);
  assert_int_equal(nb_acquire_sniff(NULL, html, sizeof html - 1, NULL, 0),
                   NB_CONTENT_PAGE);
  assert_int_equal(
      nb_acquire_sniff("application/octet-stream", "<p>x</p>", 8, NULL, 0),
      NB_CONTENT_PAGE);
  assert_int_equal(nb_acquire_sniff("application/xhtml+xml",
                                    "<?xml version=\"1.0\"?><html>", 27, NULL,
                                    0),
                   NB_CONTENT_PAGE);
  assert_int_equal(nb_acquire_sniff("image/png", "\x89PNG", 4, why, sizeof why),
                   NB_CONTENT_OTHER);
  assert_string_equal(why, "image/png, not a feed or a web page");
  /* an image labelled as one is not read as a page */
  assert_int_equal(nb_acquire_sniff("image/jpeg", "<html>", 6, why, sizeof why),
                   NB_CONTENT_OTHER);
  assert_int_equal(
      nb_acquire_sniff("application/json", "{\"a\":1}", 7, why, sizeof why),
      NB_CONTENT_OTHER);
  assert_non_null(strstr(why, "not a JSON Feed"));
  assert_int_equal(
      nb_acquire_sniff("application/rss+xml", "<html>", 6, why, sizeof why),
      NB_CONTENT_OTHER);
  assert_non_null(strstr(why, "labelled application/rss+xml"));
  assert_int_equal(
      nb_acquire_sniff("application/xml", "<urlset/>", 9, why, sizeof why),
      NB_CONTENT_OTHER);
  assert_int_equal(nb_acquire_sniff(NULL, "plain words", 11, why, sizeof why),
                   NB_CONTENT_OTHER);
  assert_string_equal(why, "neither a feed nor a web page");
  assert_int_equal(nb_acquire_sniff("text/html", "", 0, why, sizeof why),
                   NB_CONTENT_OTHER);
  assert_true(nb_acquire_is_url("HTTPS://x"));
  assert_false(nb_acquire_is_url("file:///x"));
  assert_false(nb_acquire_is_url("feed.xml"));
}

/* Feed items read from text, for the full-text rule. */
static nb_doc *S_item(const char *description, const char *link) {
  char feed[8192];
  S_docs d;
  nb_error err;
  memset(&d, 0, sizeof d);
  snprintf(feed, sizeof feed,
           "<rss><channel><item><title>T</title>%s%s%s<description><![CDATA[%s"
           "]]></description></item></channel></rss>",
           link ? "<link>" : "", link ? link : "", link ? "</link>" : "",
           description);
  assert_int_equal(
      nb_read_feed("f.xml", feed, strlen(feed), NULL, NULL, S_take, &d, &err),
      1);
  return d.v[0];
}

static void test_wants_full_text(void **state) {
  nb_acquire_options o;
  char long_en[4000], long_zh[4000], buf[4500];
  size_t i;
  nb_doc *d;
  (void)state;
  memset(&o, 0, sizeof o);
  for (i = 0; i < 80; i++)
    memcpy(long_en + i * 10, "long text ", 10);
  long_en[800] = '\0';
  long_zh[0] = '\0';
  for (i = 0; i < 260; i++)
    strcat(long_zh, "长");
#define S_WANTS(desc, link, want)                                              \
  do {                                                                         \
    d = S_item(desc, link);                                                    \
    assert_int_equal(nb_acquire_wants_full_text(d, &o), want);                 \
    nb_doc_free(d);                                                            \
  } while (0)
  S_WANTS("<p>short</p>", "https://e.com/a", 1);
  S_WANTS("<p>short</p>", NULL, 0);             /* nothing to fetch */
  S_WANTS("<p>short</p>", "mailto:x@e.com", 0); /* not the web */
  S_WANTS(long_en, "https://e.com/a", 0);
  S_WANTS(long_zh, "https://e.com/a", 0); /* 260 CJK weigh 520 */
  snprintf(buf, sizeof buf,
           "<p>%s</p><p><a href=\"https://e.com/a/\">x</a></p>", long_en);
  S_WANTS(buf, "https://e.com/a", 1); /* ends in a link to the item */
  snprintf(buf, sizeof buf, "<p>%s <a href=\"/elsewhere\">阅读全文 »</a></p>",
           long_zh);
  S_WANTS(buf, "https://e.com/a", 1);
  snprintf(buf, sizeof buf, "<p>%s <a href=\"/x\">Continue reading →</a></p>",
           long_en);
  S_WANTS(buf, "https://e.com/a", 1);
  snprintf(buf, sizeof buf, "<p>%s <a href=\"/x\">…</a></p>", long_en);
  S_WANTS(buf, "https://e.com/a", 1);
  snprintf(buf, sizeof buf, "<p>%s [&#8230;]</p>", long_en);
  S_WANTS(buf, "https://e.com/a", 1);
  /* a link in the middle of a long text is no "read more" */
  snprintf(buf, sizeof buf,
           "<p><a href=\"https://e.com/a\">阅读全文</a> %s</p>", long_en);
  S_WANTS(buf, "https://e.com/a", 0);
  snprintf(buf, sizeof buf, "<p>%s <a href=\"/other\">a source</a></p>",
           long_en);
  S_WANTS(buf, "https://e.com/a", 0);
  o.full_text = NB_FULL_TEXT_ALWAYS;
  S_WANTS(long_en, "https://e.com/a", 1);
  S_WANTS(long_en, NULL, 0);
  o.full_text = NB_FULL_TEXT_NEVER;
  S_WANTS("<p>short</p>", "https://e.com/a", 0);
  o.full_text = NB_FULL_TEXT_AUTO;
  o.short_text = 10;
  S_WANTS("<p>short text here</p>", "https://e.com/a", 0);
#undef S_WANTS
}

static void test_rss_full_text(void **state) {
  S_docs d;
  nb_error err;
  nb_doc *x;
  (void)state;
  S_options(NULL);
  S_opt.read_page = S_reader;
  S_calls = 0;
  assert_int_equal(S_acquire("/feed.xml", &d, &err), 4);
  assert_int_equal(S_calls, 2); /* the missing page never reached a reader */
  /* order kept */
  assert_non_null(strstr(S_meta(d.v[0], "title"), "FULL_ITEM"));
  assert_non_null(strstr(S_meta(d.v[3], "title"), "SUMMARY_MISSING"));
  /* the full item is left alone */
  x = d.v[0];
  assert_true(S_has_text(x, "FULL_ITEM_BODY_7"));
  assert_null(nb_doc_get_meta(x, "full_text"));
  assert_string_equal(S_meta(x, "guid"), "urn:test:full");
  assert_string_equal(S_meta(x, "feed"), nb_web_url("/feed.xml"));
  assert_string_equal(S_meta(x, "feed_title"), "测试频道");
  /* a summary: the page's body, the item's own metadata */
  x = d.v[1];
  assert_true(S_has_text(x, "PAGE_1_PARA_6"));
  assert_false(S_has_text(x, "SUMMARY_ONE_TEXT"));
  assert_string_equal(S_meta(x, "title"), "SUMMARY_ONE 摘要条目");
  assert_string_equal(S_meta(x, "guid"), "urn:test:one");
  assert_string_equal(S_meta(x, "source"), nb_web_url("/article/1.html"));
  assert_string_equal(S_meta(x, "full_text"), nb_web_url("/article/1.html"));
  assert_string_equal(S_meta(x, "canonical"), "https://canonical.example/a");
  assert_string_equal(S_meta(x, "date"), "Wed, 10 Aug 2022 11:00:00 GMT");
  assert_true(nb_doc_get_date(x).valid);
  /* the item had none: the page's byline (its <meta name="author">) */
  assert_string_equal(S_meta(x, "author"), "页面作者 1");
  assert_string_equal(S_meta(x, "headimg"), "https://img.example/lead.jpg");
  assert_string_equal(S_meta(x, "lang"), "en");
  /* the page's images, made absolute */
  {
    nb_iter *it = nb_iter_new(nb_doc_root(x));
    nb_event ev;
    int imgs = 0;
    while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
      nb_node *n = nb_iter_node(it);
      if (ev == NB_EVENT_ENTER && nb_node_get_type(n) == NB_NODE_IMAGE) {
        assert_string_equal(nb_node_get_url(n), nb_web_url("/img/body-1.jpg"));
        imgs++;
      }
    }
    nb_iter_free(it);
    assert_int_equal(imgs, 1);
  }
  /* a long summary ending in 阅读全文: its feed author stays */
  x = d.v[2];
  assert_true(S_has_text(x, "PAGE_2_PARA_1"));
  assert_string_equal(S_meta(x, "author"),
                      "feed-author@example.com (频道作者)");
  assert_int_equal(nb_doc_author_count(x), 1);
  /* a page that is not there: the summary stays, one warning with the URL */
  x = d.v[3];
  assert_true(S_has_text(x, "SUMMARY_MISSING_TEXT"));
  assert_null(nb_doc_get_meta(x, "full_text"));
  assert_int_equal(S_d.fetch, 1);
  assert_non_null(strstr(S_d.all, "HTTP 404"));
  assert_non_null(strstr(S_d.all, nb_web_url("/missing.html")));
  assert_non_null(strstr(S_d.all, "summary is kept"));
  S_docs_free(&d);
}

/* A second run against an unchanged site: every request is conditional and
 * answered 304, no body crosses, and the documents are the same. */
static void test_second_run(void **state) {
  const char *dir = nb_web_tmpdir("cache-acquire");
  S_docs a, b;
  nb_error err;
  int i, before_pages;
  nb_web_req r[2];
  (void)state;
  S_options(dir);
  assert_int_equal(S_acquire("/feed.json", &a, &err), 4);
  before_pages = nb_web_requests("/article/4.html", NULL, 0);
  assert_int_equal(S_acquire("/feed.json", &b, &err), 4);
  assert_int_equal(nb_web_requests("/feed.json", r, 2) >= 2, 1);
  assert_string_equal(r[1].status, "304");
  assert_string_equal(r[1].bytes, "0");
  assert_int_equal(nb_web_requests("/article/4.html", r, 1), before_pages + 1);
  assert_string_equal(r[0].status, "304");
  assert_string_equal(r[0].bytes, "0");
  for (i = 0; i < 4; i++) {
    char *ta = nb_node_text(nb_doc_root(a.v[i]));
    char *tb = nb_node_text(nb_doc_root(b.v[i]));
    assert_string_equal(ta, tb);
    assert_string_equal(S_meta(a.v[i], "title"), S_meta(b.v[i], "title"));
    assert_string_equal(S_meta(a.v[i], "full_text"),
                        S_meta(b.v[i], "full_text"));
    free(ta);
    free(tb);
  }
  S_docs_free(&a);
  S_docs_free(&b);
  /* offline, everything comes from the cache */
  S_net.offline = 1;
  i = nb_web_requests("/feed.json", NULL, 0);
  assert_int_equal(S_acquire("/feed.json", &a, &err), 4);
  assert_int_equal(nb_web_requests("/feed.json", NULL, 0), i);
  assert_true(S_has_text(S_find(&a, "JSON_SUMMARY"), "PAGE_4_PARA_1"));
  S_docs_free(&a);
  assert_int_equal(S_acquire("/atom.xml?not-cached", &a, &err), NB_ERR_SYSTEM);
  assert_non_null(strstr(err.message, "not available offline"));
  assert_non_null(strstr(err.message, "without --offline"));
}

static void test_json_feed(void **state) {
  S_docs d;
  nb_error err;
  nb_doc *x;
  (void)state;
  S_options(NULL);
  assert_int_equal(S_acquire("/gzip/feed.json", &d, &err), 4);
  x = S_find(&d, "JSON_FULL");
  assert_non_null(x);
  assert_null(nb_doc_get_meta(x, "full_text"));
  assert_string_equal(S_meta(x, "guid"), "json-full");
  assert_int_equal(nb_doc_category_count(x), 2);
  x = S_find(&d, "JSON_SUMMARY");
  assert_string_equal(S_meta(x, "guid"), "42");
  assert_string_equal(S_meta(x, "full_text"), nb_web_url("/article/4.html"));
  assert_true(S_has_text(x, "PAGE_4_PARA_3"));
  assert_string_equal(S_meta(x, "headimg"), nb_web_url("/img/banner-4.jpg"));
  x = S_find(&d, "JSON_TEXT");
  assert_null(nb_doc_get_meta(x, "source"));
  assert_true(S_has_text(x, "JSON_TEXT_PARA_TWO"));
  x = S_find(&d, "JSON_EXTERNAL");
  assert_string_equal(S_meta(x, "source"), nb_web_url("/article/5.html"));
  S_docs_free(&d);
  /* JSON Feed 1.0, served as application/json */
  assert_int_equal(S_acquire("/feed-1.0.json", &d, &err), 1);
  assert_string_equal(S_meta(d.v[0], "author"), "条目旧作者");
  S_docs_free(&d);
}

static void test_atom_and_page(void **state) {
  S_docs d;
  nb_error err;
  nb_doc *x;
  (void)state;
  S_options(NULL);
  assert_int_equal(S_acquire("/redirect/2/atom.xml", &d, &err), 2);
  x = S_find(&d, "ATOM_ONE");
  assert_string_equal(S_meta(x, "source"), nb_web_url("/article/3.html"));
  assert_string_equal(S_meta(x, "feed"), nb_web_url("/atom.xml"));
  assert_true(S_has_text(x, "PAGE_3_PARA_2"));
  x = S_find(&d, "ATOM_TWO");
  assert_string_equal(S_meta(x, "source"), nb_web_url("/article/11.html"));
  assert_null(nb_doc_get_meta(x, "full_text"));
  S_docs_free(&d);
  /* a page URL: one document from the page reader */
  assert_int_equal(S_acquire("/article/7.html", &d, &err), 1);
  assert_true(S_has_text(d.v[0], "PAGE_7_PARA_1"));
  assert_string_equal(S_meta(d.v[0], "source"), nb_web_url("/article/7.html"));
  assert_null(nb_doc_get_meta(d.v[0], "path"));
  S_docs_free(&d);
  /* a feed served as text/html is still a feed */
  assert_int_equal(S_acquire("/feed-as-html", &d, &err), 4);
  S_docs_free(&d);
}

static void test_modes_and_reader_failures(void **state) {
  S_docs d;
  nb_error err;
  int pages;
  (void)state;
  S_options(NULL);
  S_opt.full_text = NB_FULL_TEXT_NEVER;
  pages = nb_web_requests("/article/1.html", NULL, 0);
  assert_int_equal(S_acquire("/feed.xml", &d, &err), 4);
  assert_int_equal(nb_web_requests("/article/1.html", NULL, 0), pages);
  assert_true(S_has_text(d.v[1], "SUMMARY_ONE_TEXT"));
  assert_int_equal(S_d.n, 0);
  S_docs_free(&d);
  S_opt.full_text = NB_FULL_TEXT_ALWAYS;
  assert_int_equal(S_acquire("/feed.xml", &d, &err), 4);
  assert_true(S_has_text(d.v[0], "PAGE_10_PARA_1"));
  S_docs_free(&d);
  /* a page reader that finds nothing: the item keeps its body, warned */
  S_opt.read_page = S_reader;
  S_opt.full_text = NB_FULL_TEXT_ALWAYS;
  assert_int_equal(S_acquire("/feed.json?x", &d, &err), 4);
  {
    /* the full item links to /article/12.html, read; none to 13 here */
    nb_doc *x = S_find(&d, "JSON_FULL");
    assert_string_equal(S_meta(x, "full_text"), nb_web_url("/article/12.html"));
    /* a feed author wins over the page's byline */
    assert_string_equal(S_meta(x, "author"), "条目作者");
    assert_string_equal(S_meta(x, "headimg"), nb_web_url("/img/json-full.jpg"));
  }
  S_docs_free(&d);
}

static void test_parallel_per_host(void **state) {
  S_docs d;
  nb_error err;
  nb_fetched stats;
  int i, seen;
  const char *m;
  (void)state;
  S_options(NULL);
  S_opt.max_per_host = 2;
  assert_int_equal(
      nb_fetch_document(nb_web_url("/stats"), &S_net, NULL, NULL, &stats, &err),
      0);
  nb_fetched_clear(&stats);
  assert_int_equal(S_acquire("/many.xml?n=6", &d, &err), 6);
  for (i = 0; i < 6; i++)
    assert_non_null(nb_doc_get_meta(d.v[i], "full_text"));
  assert_int_equal(
      nb_fetch_document(nb_web_url("/stats"), &S_net, NULL, NULL, &stats, &err),
      0);
  m = strstr(stats.data, "\"max_in_flight\": ");
  assert_non_null(m);
  seen = atoi(m + 17);
  assert_true(seen >= 1 && seen <= 2);
  nb_fetched_clear(&stats);
  S_docs_free(&d);
}

static void test_time_budget(void **state) {
  S_docs d;
  nb_error err;
  (void)state;
  S_options(NULL);
  S_opt.max_article_time = 1;
  assert_int_equal(S_acquire("/slow-feed.xml", &d, &err), 1);
  assert_true(S_has_text(d.v[0], "SLOW_ITEM_SUMMARY"));
  assert_int_equal(S_d.fetch, 1);
  assert_true(strstr(S_d.all, "timed out") || strstr(S_d.all, "stalled"));
  S_docs_free(&d);
}

static void test_refusals(void **state) {
  S_docs d;
  nb_error err;
  (void)state;
  S_options(NULL);
  assert_int_equal(S_acquire("/image.png", &d, &err), NB_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "image/png, not a feed or a web page"));
  assert_string_equal(err.file, nb_web_url("/image.png"));
  assert_int_equal(S_acquire("/sitemap.xml", &d, &err), NB_ERR_UNSUPPORTED);
  assert_int_equal(S_acquire("/not-a-feed.json", &d, &err), NB_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "not a JSON Feed"));
  assert_int_equal(S_acquire("/status/404", &d, &err), NB_ERR_SYSTEM);
  assert_non_null(strstr(err.message, "HTTP 404 — check the URL"));
  assert_int_equal(S_acquire("/loop", &d, &err), NB_ERR_SYSTEM);
  assert_non_null(strstr(err.message, "more than 5 redirects"));
  assert_int_equal(S_acquire("/to-file", &d, &err), NB_ERR_ARGUMENT);
  S_net.max_bytes = 1 << 20;
  assert_int_equal(S_acquire("/endless", &d, &err), NB_ERR_LIMIT);
  assert_int_equal(S_acquire("/huge", &d, &err), NB_ERR_LIMIT);
  assert_non_null(strstr(err.message, "--max-download"));
  assert_int_equal(S_acquire("/gzip-bomb", &d, &err), NB_ERR_LIMIT);
  assert_int_equal(S_acquire("/lying-length", &d, &err), NB_ERR_SYSTEM);
  assert_non_null(strstr(err.message, "incomplete"));
  S_net.allow_private = 0;
  assert_int_equal(S_acquire("/feed.xml?private", &d, &err), NB_ERR_ARGUMENT);
  assert_non_null(strstr(err.message, "--allow-private"));
  assert_null(strchr(err.message, '\n'));
  assert_int_equal(nb_web_requests("/feed.xml?private", NULL, 0), 0);
  assert_int_equal(
      nb_acquire_url("ftp://127.0.0.1/x", &S_opt, &S_diag, S_take, &d, &err),
      NB_ERR_ARGUMENT);
  assert_int_equal(d.n, 0);
}

static void test_hostile_feeds(void **state) {
  S_docs d;
  nb_error err;
  char *t;
  (void)state;
  S_options(NULL);
  /* billion laughs: never expanded; libxml2 stops at it, and the feed is
   * read again without its DTD, with a warning */
  assert_int_equal(S_acquire("/bomb.xml", &d, &err), 1);
  t = nb_node_text(nb_doc_root(d.v[0]));
  assert_non_null(strstr(t, "BOMB_BODY"));
  assert_true(strlen(t) < 10000);
  free(t);
  assert_true(strlen(S_meta(d.v[0], "title")) < 10000);
  assert_non_null(strstr(S_d.all, "entity bomb"));
  S_docs_free(&d);
  /* lying charsets */
  assert_int_equal(S_acquire("/charset/utf8-says-latin1.xml", &d, &err), 1);
  assert_string_equal(S_meta(d.v[0], "title"), "CHARSET_TITLE 标题");
  assert_true(S_has_text(d.v[0], "编码测试"));
  assert_non_null(strstr(S_d.all, "bytes are UTF-8"));
  S_docs_free(&d);
  assert_int_equal(S_acquire("/charset/gbk-decl-says-utf8.xml", &d, &err), 1);
  assert_string_equal(S_meta(d.v[0], "title"), "CHARSET_TITLE 标题");
  S_docs_free(&d);
  assert_int_equal(S_acquire("/charset/gbk-header.xml", &d, &err), 1);
  assert_string_equal(S_meta(d.v[0], "title"), "CHARSET_TITLE 标题");
  assert_true(S_has_text(d.v[0], "编码测试"));
  S_docs_free(&d);
  assert_int_equal(S_acquire("/charset/gbk-page.html", &d, &err), 1);
  assert_true(S_has_text(d.v[0], "编码测试"));
  S_docs_free(&d);
  /* the callback may stop early; what was not handed over is freed */
  memset(&d, 0, sizeof d);
  d.stop_after = 1;
  S_opt.full_text = NB_FULL_TEXT_NEVER;
  assert_int_equal(nb_acquire_url(nb_web_url("/feed.xml"), &S_opt, &S_diag,
                                  S_take, &d, &err),
                   1);
  assert_int_equal(d.n, 1);
  S_docs_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sniff),
      cmocka_unit_test(test_wants_full_text),
      cmocka_unit_test(test_rss_full_text),
      cmocka_unit_test(test_second_run),
      cmocka_unit_test(test_json_feed),
      cmocka_unit_test(test_atom_and_page),
      cmocka_unit_test(test_modes_and_reader_failures),
      cmocka_unit_test(test_parallel_per_host),
      cmocka_unit_test(test_time_budget),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_hostile_feeds),
  };
  if (system("python3 -c '' >/dev/null 2>&1") != 0) {
    printf("no python3: the loopback server cannot run; skipped\n");
    return 0;
  }
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
