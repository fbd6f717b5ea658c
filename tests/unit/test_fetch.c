/* The document fetcher against a loopback site (tests/tools/webserver.py):
 * private addresses refused before anything is sent, redirects counted and
 * re-checked, compression, the byte cap on decoded bytes, total and stall
 * time limits, a lying Content-Length, at most so many transfers per host,
 * and the cache: a second fetch of an unchanged document is a conditional
 * GET answered 304 with no body, a damaged entry is reported and never
 * trusted, offline uses what is cached. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "newsbook/resource.h"
#include "resource/internal.h"
#include "webserver.h"

typedef struct S_diags {
  int n, cache;
  char last[1024];
} S_diags;

static S_diags S_d;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  snprintf(s->last, sizeof s->last, "%s", d->message);
  if (d->kind && strcmp(d->kind, "cache") == 0)
    s->cache++;
  s->n++;
}

static const nb_diag S_diag = {NB_DIAG_ABI_VERSION, S_report, &S_d};

static nb_resolve_options S_net(const char *cache_dir) {
  nb_resolve_options o;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_RESOLVE_ABI_VERSION;
  o.allow_private = 1;
  o.cache_dir = cache_dir ? cache_dir : "";
  o.timeout_s = 20;
  return o;
}

/* Fetch @p path with @p net; the outcome in @p out (cleared by caller). */
static int S_get(const char *path, const nb_resolve_options *net,
                 nb_fetched *out) {
  nb_error err;
  memset(&S_d, 0, sizeof S_d);
  return nb_fetch_document(nb_web_url(path), net, NULL, &S_diag, out, &err);
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

static void test_feed_and_metadata(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetched f;
  nb_web_req r;
  (void)state;
  assert_int_equal(S_get("/feed.xml", &net, &f), 0);
  assert_int_equal(f.status, NB_RES_OK);
  assert_true(f.size > 1000);
  assert_int_equal((int)strlen(f.data), (int)f.size); /* NUL-terminated */
  assert_non_null(strstr(f.data, "<rss"));
  assert_string_equal(f.content_type, "application/rss+xml");
  assert_string_equal(f.charset, "utf-8");
  assert_string_equal(f.url, nb_web_url("/feed.xml"));
  assert_int_equal(f.http_status, 200);
  assert_string_equal(f.origin, "network");
  nb_fetched_clear(&f);
  assert_true(nb_web_requests("/feed.xml", &r, 1) >= 1);
  assert_non_null(strstr(r.ua, "newsbook/"));
  assert_non_null(strstr(r.ae, "gzip")); /* compression offered */
  assert_non_null(strstr(r.accept, "application/rss+xml"));
  /* a fragment is not sent and does not split the cache */
  assert_int_equal(S_get("/atom.xml#frag", &net, &f), 0);
  assert_string_equal(f.content_type, "application/atom+xml");
  assert_null(f.charset);
  nb_fetched_clear(&f);
}

static void test_private_refused(void **state) {
  nb_resolve_options net = S_net(NULL);
  const char *hosts[] = {"127.0.0.1",  "localhost",          "127.1",
                         "0x7f000001", "[::ffff:127.0.0.1]", "2130706433"};
  size_t i;
  (void)state;
  net.allow_private = 0;
  for (i = 0; i < sizeof hosts / sizeof *hosts; i++) {
    char url[256];
    nb_fetched f;
    nb_error err;
    int rc;
    snprintf(url, sizeof url, "http://%s:%d/feed.xml?private=%zu", hosts[i],
             nb_web.port, i);
    rc = nb_fetch_document(url, &net, NULL, &S_diag, &f, &err);
    assert_int_not_equal(rc, 0);
    if (f.status != NB_RES_REFUSED)
      print_error("%s: %s\n", url, f.reason);
    assert_int_equal(f.status, NB_RES_REFUSED);
    assert_non_null(strstr(f.reason, "private"));
    assert_non_null(strstr(err.message, "--allow-private"));
    assert_string_equal(err.file, url);
    nb_fetched_clear(&f);
  }
  {
    /* no options at all: the defaults refuse loopback too */
    nb_fetched f;
    nb_error err;
    assert_int_equal(nb_fetch_document(nb_web_url("/feed.xml?private=d"), NULL,
                                       NULL, NULL, &f, &err),
                     NB_ERR_ARGUMENT);
    assert_int_equal(f.status, NB_RES_REFUSED);
    nb_fetched_clear(&f);
    assert_int_equal(nb_web_requests("/feed.xml?private=d", NULL, 0), 0);
  }
  /* nothing reached the server */
  for (i = 0; i < sizeof hosts / sizeof *hosts; i++) {
    char path[64];
    snprintf(path, sizeof path, "/feed.xml?private=%zu", i);
    assert_int_equal(nb_web_requests(path, NULL, 0), 0);
  }
}

static void test_not_http(void **state) {
  nb_resolve_options net = S_net(NULL);
  const char *urls[] = {"file:///etc/passwd", "ftp://127.0.0.1/x",
                        "gopher://127.0.0.1/", "/etc/passwd", ""};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof urls / sizeof *urls; i++) {
    nb_fetched f;
    nb_error err;
    assert_int_equal(nb_fetch_document(urls[i], &net, NULL, &S_diag, &f, &err),
                     NB_ERR_ARGUMENT);
    assert_int_equal(f.status, NB_RES_REFUSED);
    assert_non_null(strstr(f.reason, "http"));
    nb_fetched_clear(&f);
  }
}

static void test_redirects(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetched f;
  (void)state;
  assert_int_equal(S_get("/redirect/5/feed.xml", &net, &f), 0);
  assert_string_equal(f.url, nb_web_url("/feed.xml"));
  nb_fetched_clear(&f);
  assert_int_not_equal(S_get("/redirect/6/feed.xml", &net, &f), 0);
  assert_string_equal(f.reason, "more than 5 redirects");
  nb_fetched_clear(&f);
  assert_int_not_equal(S_get("/loop", &net, &f), 0);
  assert_string_equal(f.reason, "more than 5 redirects");
  assert_int_equal(nb_web_requests("/loop", NULL, 0), 6);
  nb_fetched_clear(&f);
  assert_int_equal(S_get("/to-file", &net, &f), NB_ERR_ARGUMENT);
  assert_int_equal(f.status, NB_RES_REFUSED);
  assert_non_null(strstr(f.reason, "not http or https"));
  nb_fetched_clear(&f);
}

static void test_status_and_empty(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetched f;
  nb_error err;
  (void)state;
  assert_int_equal(nb_fetch_document(nb_web_url("/status/404"), &net, NULL,
                                     &S_diag, &f, &err),
                   NB_ERR_SYSTEM);
  assert_string_equal(f.reason, "the server answered HTTP 404");
  assert_int_equal(f.http_status, 404);
  assert_null(strchr(err.message, '\n'));
  nb_fetched_clear(&f);
  assert_int_not_equal(S_get("/status/500", &net, &f), 0);
  assert_string_equal(f.reason, "the server answered HTTP 500");
  nb_fetched_clear(&f);
  assert_int_not_equal(S_get("/empty", &net, &f), 0);
  assert_string_equal(f.reason, "the server sent no bytes");
  nb_fetched_clear(&f);
  /* nobody listens on port 1 */
  assert_int_not_equal(
      nb_fetch_document("http://127.0.0.1:1/", &net, NULL, &S_diag, &f, &err),
      0);
  assert_int_equal(f.status, NB_RES_MISSING);
  assert_non_null(strstr(f.reason, "download failed"));
  nb_fetched_clear(&f);
}

static void test_gzip(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetched plain, z;
  nb_web_req r;
  (void)state;
  assert_int_equal(S_get("/feed.xml", &net, &plain), 0);
  assert_int_equal(S_get("/gzip/feed.xml", &net, &z), 0);
  assert_int_equal((int)z.size, (int)plain.size);
  assert_memory_equal(z.data, plain.data, plain.size);
  assert_int_equal(nb_web_requests("/gzip/feed.xml", &r, 1), 1);
  assert_string_equal(r.cenc, "gzip");
  assert_true(atoi(r.bytes) < (int)plain.size); /* compressed on the wire */
  nb_fetched_clear(&plain);
  nb_fetched_clear(&z);
}

/* The cap counts decoded bytes: 100 MB of zeros in 100 kB of gzip stop at
 * the cap, and so do a 100 MB page, a chunked one and an endless one. */
static void test_byte_cap(void **state) {
  nb_resolve_options net = S_net(NULL);
  const char *paths[] = {"/gzip-bomb", "/huge", "/huge-chunked", "/endless"};
  size_t i;
  (void)state;
  net.max_bytes = 1 << 20;
  for (i = 0; i < sizeof paths / sizeof *paths; i++) {
    nb_fetched f;
    nb_error err;
    assert_int_equal(
        nb_fetch_document(nb_web_url(paths[i]), &net, NULL, &S_diag, &f, &err),
        NB_ERR_LIMIT);
    assert_int_equal(f.status, NB_RES_TOO_LARGE);
    assert_non_null(strstr(f.reason, "download cap of 1048576 bytes"));
    assert_null(f.data);
    nb_fetched_clear(&f);
  }
}

static void test_lying_length(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetched f;
  (void)state;
  assert_int_not_equal(S_get("/lying-length", &net, &f), 0);
  assert_int_equal(f.status, NB_RES_MISSING);
  assert_non_null(strstr(f.reason, "incomplete"));
  nb_fetched_clear(&f);
}

static void test_time_limits(void **state) {
  nb_resolve_options net = S_net(NULL);
  nb_fetch_doc_options d;
  nb_fetched f;
  nb_fetch it;
  nb_fetch_options fo;
  nb_error err;
  (void)state;
  /* the total limit: --timeout */
  net.timeout_s = 2;
  assert_int_equal(S_get("/slow", &net, &f), NB_ERR_LIMIT);
  assert_true(strstr(f.reason, "timed out") || strstr(f.reason, "stalled"));
  nb_fetched_clear(&f);
  /* an article's time budget caps the document's */
  net.timeout_s = 60;
  memset(&d, 0, sizeof d);
  d.abi_version = NB_FETCH_DOC_ABI_VERSION;
  d.time_limit = 1.5;
  assert_int_equal(
      nb_fetch_document(nb_web_url("/slow"), &net, &d, &S_diag, &f, &err),
      NB_ERR_LIMIT);
  assert_true(strstr(f.reason, "timed out") || strstr(f.reason, "stalled"));
  nb_fetched_clear(&f);
  /* a stall is told apart from a slow whole */
  memset(&it, 0, sizeof it);
  memset(&fo, 0, sizeof fo);
  it.url = nb_web_url("/slow");
  fo.allow_private = 1;
  fo.max_bytes = 1 << 20;
  fo.connect_timeout_s = 10;
  fo.timeout_s = 60;
  fo.stall_s = 1;
  assert_int_equal(nb__fetch_all(&it, 1, &fo, &err), 0);
  assert_int_equal(it.status, NB_RES_MISSING);
  assert_non_null(strstr(it.reason, "stalled: nothing arrived for 1 s"));
  nb__fetch_clear(&it);
}

static void test_conditional_get(void **state) {
  const char *dir = nb_web_tmpdir("cache-cond");
  nb_resolve_options net = S_net(dir);
  nb_fetched a, b;
  nb_web_req r[2];
  (void)state;
  assert_int_equal(S_get("/feed.json", &net, &a), 0);
  assert_string_equal(a.origin, "network");
  assert_int_equal(S_get("/feed.json", &net, &b), 0);
  assert_string_equal(b.origin, "cache");
  assert_int_equal(b.http_status, 304);
  assert_int_equal((int)b.size, (int)a.size);
  assert_memory_equal(a.data, b.data, a.size);
  assert_string_equal(b.content_type, "application/feed+json");
  assert_string_equal(b.url, a.url);
  assert_int_equal(S_d.n, 0);
  nb_fetched_clear(&a);
  nb_fetched_clear(&b);
  assert_int_equal(nb_web_requests("/feed.json", r, 2), 2);
  assert_string_equal(r[0].status, "200");
  assert_string_equal(r[0].inm, "-");
  assert_string_equal(r[1].status, "304");
  assert_string_equal(r[1].bytes, "0");
  assert_true(r[1].inm[0] == '"');
  assert_string_equal(r[1].ims, "Wed, 10 Aug 2022 12:38:31 GMT");

  /* Last-Modified alone is enough */
  assert_int_equal(S_get("/lm-only.xml", &net, &a), 0);
  assert_int_equal(S_get("/lm-only.xml", &net, &b), 0);
  assert_int_equal(b.http_status, 304);
  assert_int_equal(nb_web_requests("/lm-only.xml", r, 2), 2);
  assert_string_equal(r[1].inm, "-");
  assert_string_equal(r[1].status, "304");
  nb_fetched_clear(&a);
  nb_fetched_clear(&b);

  /* no validators: fetched whole again, and still cached for offline */
  assert_int_equal(S_get("/no-validators.xml", &net, &a), 0);
  assert_int_equal(S_get("/no-validators.xml", &net, &b), 0);
  assert_int_equal(b.http_status, 200);
  assert_string_equal(b.origin, "network");
  nb_fetched_clear(&a);
  nb_fetched_clear(&b);

  /* a document that changed replaces the cached one */
  assert_int_equal(S_get("/changing.xml", &net, &a), 0);
  assert_int_equal(S_get("/changing.xml", &net, &b), 0);
  assert_int_equal(b.http_status, 200);
  assert_non_null(strstr(a.data, "CHANGING_"));
  assert_string_not_equal(a.data, b.data);
  nb_fetched_clear(&a);
  nb_fetched_clear(&b);

  /* through redirects: the final URL comes back from the cache too */
  assert_int_equal(S_get("/redirect/2/atom.xml", &net, &a), 0);
  assert_int_equal(S_get("/redirect/2/atom.xml", &net, &b), 0);
  assert_int_equal(b.http_status, 304);
  assert_string_equal(b.url, nb_web_url("/atom.xml"));
  nb_fetched_clear(&a);
  nb_fetched_clear(&b);
}

static void test_offline(void **state) {
  const char *dir = nb_web_tmpdir("cache-offline");
  nb_resolve_options net = S_net(dir);
  nb_fetched f;
  int before;
  (void)state;
  assert_int_equal(S_get("/atom.xml", &net, &f), 0);
  nb_fetched_clear(&f);
  before = nb_web_requests("/atom.xml", NULL, 0);
  net.offline = 1;
  assert_int_equal(S_get("/atom.xml", &net, &f), 0);
  assert_string_equal(f.origin, "cache");
  assert_int_equal(f.http_status, 0);
  assert_string_equal(f.content_type, "application/atom+xml");
  assert_non_null(strstr(f.data, "<feed"));
  nb_fetched_clear(&f);
  assert_int_equal(nb_web_requests("/atom.xml", NULL, 0), before);
  assert_int_not_equal(S_get("/feed.xml?never", &net, &f), 0);
  assert_string_equal(f.reason, "not available offline (not in the cache)");
  nb_fetched_clear(&f);
}

/* Overwrite the one file under DIR/KIND (objects or urls) with @p bytes,
 * or flip its first byte when @p bytes is NULL. */
static void S_damage(const char *dir, const char *kind, const char *bytes) {
  char cmd[1024];
  if (bytes)
    snprintf(cmd, sizeof cmd,
             "f=$(find '%s/%s' -type f | head -1) && printf '%%s' '%s' > "
             "\"$f\"",
             dir, kind, bytes);
  else
    snprintf(cmd, sizeof cmd,
             "f=$(find '%s/%s' -type f | head -1) && printf 'X' | dd "
             "of=\"$f\" bs=1 count=1 conv=notrunc 2>/dev/null",
             dir, kind);
  assert_int_equal(system(cmd), 0);
}

static void S_damaged_case(const char *name, const char *kind,
                           const char *bytes) {
  const char *dir = nb_web_tmpdir(name);
  nb_resolve_options net = S_net(dir);
  nb_fetched f;
  nb_web_req r;
  char path[64];
  snprintf(path, sizeof path, "/feed.xml?%s", name);
  assert_int_equal(S_get(path, &net, &f), 0);
  nb_fetched_clear(&f);
  S_damage(dir, kind, bytes);
  assert_int_equal(S_get(path, &net, &f), 0);
  assert_int_equal(S_d.cache, 1);
  assert_non_null(strstr(S_d.last, "damaged"));
  assert_string_equal(f.origin, "network");
  assert_int_equal(f.http_status, 200);
  assert_non_null(strstr(f.data, "</rss>"));
  nb_fetched_clear(&f);
  /* the damaged entry's validators were not sent */
  assert_int_equal(nb_web_requests(path, &r, 1), 2);
  assert_string_equal(r.inm, "-");
  assert_string_equal(r.status, "200");
  /* and the entry is whole again */
  assert_int_equal(S_get(path, &net, &f), 0);
  assert_int_equal(f.http_status, 304);
  assert_int_equal(S_d.cache, 0);
  nb_fetched_clear(&f);
}

static void test_damaged_cache(void **state) {
  (void)state;
  S_damaged_case("flipped-body", "objects", NULL);
  S_damaged_case("truncated-body", "objects", "<rss>");
  S_damaged_case("garbage-record", "urls", "not a record at all");
  S_damaged_case("other-url-record", "urls",
                 "0123456789abcdef0123456789abcdef\nnewsbook-cache 1\nurl "
                 "http://elsewhere.example/\n");
  S_damaged_case("header-injection", "urls",
                 "0123456789abcdef0123456789abcdef\nnewsbook-cache 1\nurl x\n"
                 "etag \x01\n");
}

/* At most max_per_host transfers to one host at a time. */
static void test_per_host(void **state) {
  const char *urls[6];
  char bufs[6][128];
  nb_resolve_options net = S_net(NULL);
  nb_fetch_doc_options d;
  nb_fetched out[6];
  nb_fetched stats;
  nb_error err;
  int i, limit;
  (void)state;
  for (limit = 1; limit <= 3; limit += 2) {
    for (i = 0; i < 6; i++) {
      snprintf(bufs[i], sizeof bufs[i], "%s/slow-article/%d.html?l=%d",
               nb_web.base, i, limit);
      urls[i] = bufs[i];
    }
    memset(&d, 0, sizeof d);
    d.abi_version = NB_FETCH_DOC_ABI_VERSION;
    d.max_per_host = limit;
    d.want_page = 1;
    assert_int_equal(S_get("/stats", &net, &stats), 0); /* resets */
    nb_fetched_clear(&stats);
    assert_int_equal(nb_fetch_documents(urls, 6, &net, &d, &S_diag, out, &err),
                     0);
    for (i = 0; i < 6; i++) {
      assert_int_equal(out[i].status, NB_RES_OK);
      assert_non_null(strstr(out[i].data, "PAGE_"));
      nb_fetched_clear(&out[i]);
    }
    assert_int_equal(S_get("/stats", &net, &stats), 0);
    {
      const char *m = strstr(stats.data, "\"max_in_flight\": ");
      int seen;
      assert_non_null(m);
      seen = atoi(m + 17);
      assert_true(seen >= 1 && seen <= limit);
      /* one second per page leaves them all time to overlap */
      assert_int_equal(seen, limit);
    }
    nb_fetched_clear(&stats);
  }
  {
    nb_web_req r;
    assert_int_equal(nb_web_requests("/slow-article/0.html?l=1", &r, 1), 1);
    assert_non_null(strstr(r.accept, "text/html"));
  }
}

static int S_v6_private(const char *s) {
  struct sockaddr_in6 in;
  memset(&in, 0, sizeof in);
  in.sin6_family = AF_INET6;
  assert_int_equal(inet_pton(AF_INET6, s, &in.sin6_addr), 1);
  return nb__addr_is_private(&in);
}

static void test_addresses(void **state) {
  (void)state;
  assert_true(S_v6_private("2002:7f00:1::1"));  /* 6to4 of 127.0.0.1 */
  assert_true(S_v6_private("2002:c0a8:101::")); /* 6to4 of 192.168.1.1 */
  assert_false(S_v6_private("2002:0808:0808::1"));
  assert_true(S_v6_private("::ffff:10.0.0.1"));
  assert_true(S_v6_private("64:ff9b::a9fe:a9fe")); /* NAT64 of 169.254... */
  assert_false(S_v6_private("2606:4700::1111"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_addresses),
      cmocka_unit_test(test_feed_and_metadata),
      cmocka_unit_test(test_private_refused),
      cmocka_unit_test(test_not_http),
      cmocka_unit_test(test_redirects),
      cmocka_unit_test(test_status_and_empty),
      cmocka_unit_test(test_gzip),
      cmocka_unit_test(test_byte_cap),
      cmocka_unit_test(test_lying_length),
      cmocka_unit_test(test_time_limits),
      cmocka_unit_test(test_conditional_get),
      cmocka_unit_test(test_offline),
      cmocka_unit_test(test_damaged_cache),
      cmocka_unit_test(test_per_host),
  };
  if (system("python3 -c '' >/dev/null 2>&1") != 0) {
    printf("no python3: the loopback server cannot run; skipped\n");
    return 0;
  }
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
