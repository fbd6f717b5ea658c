/* Downloads through libcurl's multi interface, for images and documents
 * (feeds, pages) alike: http and https only (also after redirects, at most
 * 5), a total time limit and a stall limit, a byte cap enforced on the
 * decoded bytes as they arrive (so a gzip bomb stops at the cap too),
 * compression, at most so many transfers per host, and no connection to
 * loopback, private, link-local, unique-local, multicast or unspecified
 * addresses unless allowed. Documents also send conditional-GET validators
 * and keep the response's metadata (final URL, Content-Type, validators).
 *
 * The address check sits in CURLOPT_OPENSOCKETFUNCTION, so it judges the
 * address curl is about to connect to, after DNS and after every redirect,
 * not the host name (which could resolve anywhere, or change between a
 * check and the connect: DNS rebinding). CURLOPT_PREREQFUNCTION checks the
 * connected peer once more before each request is sent, reused
 * connections included. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <curl/header.h>

#include "resource/internal.h"

#ifndef NB_VERSION
#define NB_VERSION "0"
#endif

static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static CURLcode S_init_rc = CURLE_FAILED_INIT;

static void S_global_init(void) {
  S_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *nb_fetch_user_agent(void) {
  return "newsbook/" NB_VERSION " (+https://github.com/newsbook)";
}

static int S_v4_private(uint32_t a) {
  unsigned o1 = a >> 24, o2 = (a >> 16) & 255, o3 = (a >> 8) & 255;
  return o1 == 0 ||                           /* "this" network */
         o1 == 10 ||                          /* private */
         (o1 == 100 && (o2 & 0xC0) == 64) ||  /* CGNAT 100.64/10 */
         o1 == 127 ||                         /* loopback */
         (o1 == 169 && o2 == 254) ||          /* link-local */
         (o1 == 172 && (o2 & 0xF0) == 16) ||  /* private */
         (o1 == 192 && o2 == 0 && o3 == 0) || /* IETF protocol */
         (o1 == 192 && o2 == 168) ||          /* private */
         (o1 == 198 && (o2 & 0xFE) == 18) ||  /* benchmarking */
         o1 >= 224;                           /* multicast, reserved */
}

int nb__addr_is_private(const void *sockaddr) {
  const struct sockaddr *sa = sockaddr;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = sockaddr;
    return S_v4_private(ntohl(in->sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = sockaddr;
    const unsigned char *b = in6->sin6_addr.s6_addr;
    static const unsigned char zero[16] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0,
                                            0, 0,    0,    0,    0, 0};
    uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
                  (uint32_t)b[14] << 8 | b[15];
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
      return S_v4_private(v4);
    if (b[0] == 0x20 && b[1] == 0x02) /* 6to4 2002:V4ADDR::/48 */
      return S_v4_private((uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 |
                          (uint32_t)b[4] << 8 | b[5]);
    if (memcmp(b, zero, 12) == 0)
      return 1; /* ::, ::1 and the deprecated v4-compatible form */
    if ((b[0] & 0xFE) == 0xFC)
      return 1; /* unique local fc00::/7 */
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
      return 1; /* link-local fe80::/10 */
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
      return 1; /* site-local fec0::/10 (deprecated) */
    if (b[0] == 0xFF)
      return 1; /* multicast */
    return 0;
  }
  return 1; /* anything else (AF_UNIX...) is never a web server */
}

typedef struct S_xfer {
  nb_fetch *item;
  const nb_fetch_options *opt;
  CURL *h;
  struct curl_slist *headers;
  nb_buf body;
  size_t host;  /* index into the host table (per-host limit) */
  int started;  /* handed to curl (or settled without it) */
  int over;     /* byte cap hit while receiving */
  int refused;  /* a private address was refused */
  int capped;   /* the timeout was cut to the article's time left */
  long stall_s; /* the stall limit in force */
  char addr[INET6_ADDRSTRLEN];
  char errbuf[CURL_ERROR_SIZE];
} S_xfer;

void nb__cache_meta_clear(nb_cache_meta *m) {
  free(m->etag);
  free(m->last_modified);
  free(m->content_type);
  free(m->final_url);
  memset(m, 0, sizeof *m);
}

void nb__fetch_clear(nb_fetch *f) {
  free(f->data);
  f->data = NULL;
  f->size = 0;
  nb__cache_meta_clear(&f->meta);
}

static size_t S_write(char *ptr, size_t size, size_t nmemb, void *userdata) {
  S_xfer *x = userdata;
  size_t n = size * nmemb;
  if (x->body.len + n > x->opt->max_bytes) {
    x->over = 1;
    return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
  }
  if (!nb_buf_append(&x->body, ptr, n))
    return 0;
  return n;
}

static void S_refuse(S_xfer *x, int family, const void *raw) {
  if (!raw || !inet_ntop(family, raw, x->addr, sizeof x->addr))
    snprintf(x->addr, sizeof x->addr, "?");
  x->refused = 1;
}

static curl_socket_t S_opensocket(void *clientp, curlsocktype purpose,
                                  struct curl_sockaddr *address) {
  S_xfer *x = clientp;
  (void)purpose;
  if (!x->opt->allow_private && nb__addr_is_private(&address->addr)) {
    const void *raw = NULL;
    if (address->family == AF_INET)
      raw =
          &((const struct sockaddr_in *)(const void *)&address->addr)->sin_addr;
    else if (address->family == AF_INET6)
      raw = &((const struct sockaddr_in6 *)(const void *)&address->addr)
                 ->sin6_addr;
    S_refuse(x, address->family, raw);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

/* The peer of the connection a request is about to go out on, new or
 * reused: the same rule as S_opensocket, on what was actually connected. */
static int S_prereq(void *clientp, char *primary_ip, char *local_ip,
                    int primary_port, int local_port) {
  S_xfer *x = clientp;
  struct sockaddr_storage ss;
  (void)local_ip;
  (void)primary_port;
  (void)local_port;
  if (x->opt->allow_private)
    return CURL_PREREQFUNC_OK;
  memset(&ss, 0, sizeof ss);
  if (primary_ip && strchr(primary_ip, ':')) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&ss;
    in6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, primary_ip, &in6->sin6_addr) != 1)
      goto refuse;
  } else {
    struct sockaddr_in *in = (struct sockaddr_in *)(void *)&ss;
    in->sin_family = AF_INET;
    if (!primary_ip || inet_pton(AF_INET, primary_ip, &in->sin_addr) != 1)
      goto refuse;
  }
  if (!nb__addr_is_private(&ss))
    return CURL_PREREQFUNC_OK;
refuse:
  snprintf(x->addr, sizeof x->addr, "%s", primary_ip ? primary_ip : "?");
  x->refused = 1;
  return CURL_PREREQFUNC_ABORT;
}

static int64_t S_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* 1 when @p v may go into a request header: printable, no CR/LF (a cache
 * file is input too). */
static int S_header_safe(const char *v) {
  const unsigned char *p;
  if (!v || !*v || strlen(v) > 1024)
    return 0;
  for (p = (const unsigned char *)v; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return 0;
  return 1;
}

static int S_add_header(S_xfer *x, const char *name, const char *value) {
  nb_buf b = NB_BUF_INIT;
  struct curl_slist *l;
  nb_buf_printf(&b, "%s: %s", name, value);
  if (b.failed)
    return 0;
  l = curl_slist_append(x->headers, b.data);
  nb_buf_free(&b);
  if (!l)
    return 0;
  x->headers = l;
  return 1;
}

static void S_timeouts(S_xfer *x, CURL *h) {
  const nb_fetch_options *o = x->opt;
  long conn_ms = (long)o->connect_timeout_s * 1000,
       total_ms = (long)o->timeout_s * 1000;
  if (o->deadline_ns > 0) {
    int64_t left = (o->deadline_ns - S_now_ns()) / 1000000;
    if (left < 1)
      left = 1;
    if (left < total_ms) {
      total_ms = (long)left;
      x->capped = 1;
    }
    if (left < conn_ms)
      conn_ms = (long)left;
  }
  x->stall_s = o->stall_s > 0 ? o->stall_s : 15;
  if (x->stall_s > o->timeout_s)
    x->stall_s = o->timeout_s;
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, conn_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, x->stall_s);
}

static int S_setup(S_xfer *x, CURLM *m) {
  CURL *h = curl_easy_init();
  const nb_fetch *it = x->item;
  if (!h)
    return -1;
  x->h = h;
  curl_easy_setopt(h, CURLOPT_URL, it->url);
  curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)x);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, S_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)x);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, S_opensocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)x);
  curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, S_prereq);
  curl_easy_setopt(h, CURLOPT_PREREQDATA, (void *)x);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  S_timeouts(x, h);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->opt->max_bytes);
  curl_easy_setopt(h, CURLOPT_USERAGENT, nb_fetch_user_agent());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (it->referer && *it->referer)
    curl_easy_setopt(h, CURLOPT_REFERER, it->referer);
  if (it->document) {
    if ((S_header_safe(it->accept) && !S_add_header(x, "Accept", it->accept)) ||
        (S_header_safe(it->etag) &&
         !S_add_header(x, "If-None-Match", it->etag)) ||
        (S_header_safe(it->last_modified) &&
         !S_add_header(x, "If-Modified-Since", it->last_modified)))
      goto fail;
    if (x->headers)
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
  }
  if (curl_multi_add_handle(m, h) != CURLM_OK)
    goto fail;
  return 0;
fail:
  curl_easy_cleanup(h);
  x->h = NULL;
  return -1;
}

/* A response header of the last request (after redirects), malloc'd. */
static char *S_header(CURL *h, const char *name) {
  struct curl_header *hh = NULL;
  if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK || !hh ||
      !hh->value || !*hh->value)
    return NULL;
  return nb_strdup(hh->value);
}

static void S_keep_meta(S_xfer *x) {
  nb_fetch *it = x->item;
  char *s = NULL;
  nb__cache_meta_clear(&it->meta);
  if (curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
    it->meta.final_url = nb_strdup(s);
  s = NULL;
  if (curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
    it->meta.content_type = nb_strdup(s);
  it->meta.etag = S_header(x->h, "ETag");
  it->meta.last_modified = S_header(x->h, "Last-Modified");
}

/* The one-line reason of a failed transfer, into the item. */
static void S_fail_reason(S_xfer *x, CURLcode rc, long code) {
  nb_fetch *it = x->item;
  if (x->refused) {
    it->status = NB_RES_REFUSED;
    snprintf(it->reason, sizeof it->reason,
             "refused: the server's address %s is loopback/private "
             "(--allow-private permits it)",
             x->addr);
  } else if (x->over || rc == CURLE_FILESIZE_EXCEEDED) {
    it->status = NB_RES_TOO_LARGE;
    snprintf(it->reason, sizeof it->reason,
             "larger than the download cap of %zu bytes (--max-download)",
             x->opt->max_bytes);
  } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    it->status = NB_RES_REFUSED;
    snprintf(it->reason, sizeof it->reason,
             "refused: redirected to a URL that is not http or https");
  } else if (rc == CURLE_OPERATION_TIMEDOUT && x->capped) {
    snprintf(it->reason, sizeof it->reason, "%s", NB__OUT_OF_TIME);
  } else if (rc == CURLE_OPERATION_TIMEDOUT &&
             strstr(x->errbuf, "too slow") != NULL) {
    snprintf(it->reason, sizeof it->reason,
             "stalled: nothing arrived for %ld s (the server stopped "
             "sending)",
             x->stall_s);
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    snprintf(it->reason, sizeof it->reason,
             "timed out (limit %d s; --timeout raises it)", x->opt->timeout_s);
  } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
    snprintf(it->reason, sizeof it->reason, "more than 5 redirects");
  } else if (rc == CURLE_PARTIAL_FILE) {
    snprintf(it->reason, sizeof it->reason,
             "incomplete: the connection closed before the end of the body "
             "(%.120s)",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
  } else if (rc != CURLE_OK) {
    snprintf(it->reason, sizeof it->reason, "download failed: %.200s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
  } else if (x->body.failed) {
    snprintf(it->reason, sizeof it->reason, "out of memory");
  } else if (code < 200 || code > 299) {
    snprintf(it->reason, sizeof it->reason, "the server answered HTTP %ld",
             code);
  } else {
    snprintf(it->reason, sizeof it->reason, "the server sent no bytes");
  }
}

static void S_finish(S_xfer *x, CURLcode rc) {
  nb_fetch *it = x->item;
  long code = 0;
  curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
  it->http_code = code;
  it->status = NB_RES_MISSING;
  if (it->document)
    S_keep_meta(x);
  if (rc == CURLE_OK && !x->refused && code == 304 && it->document &&
      (it->etag || it->last_modified)) {
    it->status = NB_RES_OK;
    it->not_modified = 1;
  } else if (rc == CURLE_OK && !x->refused && !x->over && code >= 200 &&
             code <= 299 && x->body.len > 0 && !x->body.failed) {
    it->status = NB_RES_OK;
    it->size = x->body.len;
    it->data = (unsigned char *)nb_buf_detach(&x->body);
    it->reason[0] = '\0';
  } else {
    S_fail_reason(x, rc, code);
  }
  nb_buf_free(&x->body);
}

/* ## Scheduling: at most max_parallel transfers, max_per_host per host. */

typedef struct S_hosts {
  char **names;
  int *active;
  size_t n, cap;
} S_hosts;

/* The host table index of @p url's "host:port" (one shared slot for URLs
 * curl cannot parse: they fail at once anyway). */
static size_t S_host_of(S_hosts *t, const char *url) {
  CURLU *u = curl_url();
  char *host = NULL, *port = NULL, *key = NULL;
  size_t i;
  if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  }
  {
    nb_buf b = NB_BUF_INIT;
    nb_buf_printf(&b, "%s:%s", host ? host : "", port ? port : "");
    key = nb_buf_detach(&b);
  }
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  for (i = 0; key && i < t->n; i++)
    if (strcmp(t->names[i], key) == 0) {
      free(key);
      return i;
    }
  if (!key)
    return 0; /* out of memory: share slot 0 (the table is never empty) */
  if (t->n == t->cap) {
    size_t ncap = t->cap ? t->cap * 2 : 8;
    char **nn = nb_reallocarray(t->names, ncap, sizeof *nn);
    int *na;
    if (nn)
      t->names = nn;
    na = nn ? nb_reallocarray(t->active, ncap, sizeof *na) : NULL;
    if (!na) {
      free(key);
      return 0;
    }
    t->active = na;
    t->cap = ncap;
  }
  t->names[t->n] = key;
  t->active[t->n] = 0;
  return t->n++;
}

static void S_hosts_free(S_hosts *t) {
  size_t i;
  for (i = 0; i < t->n; i++)
    free(t->names[i]);
  free(t->names);
  free(t->active);
}

/* Start what may start now; returns how many are running. */
static size_t S_start_more(S_xfer *xs, size_t n, size_t *first, size_t active,
                           int limit, S_hosts *hosts, CURLM *m) {
  const nb_fetch_options *opt = xs[0].opt;
  size_t i;
  while (*first < n && xs[*first].started)
    (*first)++;
  for (i = *first; i < n && active < (size_t)limit; i++) {
    S_xfer *x = &xs[i];
    if (x->started)
      continue;
    if (opt->max_per_host > 0 && hosts->n > 0 &&
        hosts->active[x->host] >= opt->max_per_host)
      continue;
    x->started = 1;
    if (opt->deadline_ns > 0 && S_now_ns() >= opt->deadline_ns) {
      /* the article's time is up: what has not started never will */
      x->item->status = NB_RES_MISSING;
      snprintf(x->item->reason, sizeof x->item->reason, "%s", NB__OUT_OF_TIME);
    } else if (S_setup(x, m) != 0) {
      x->item->status = NB_RES_MISSING;
      snprintf(x->item->reason, sizeof x->item->reason,
               "could not start the download");
    } else {
      active++;
      if (hosts->n > 0)
        hosts->active[x->host]++;
    }
  }
  return active;
}

int nb__fetch_all(nb_fetch *items, size_t n, const nb_fetch_options *opt,
                  nb_error *err) {
  CURLM *m;
  S_xfer *xs;
  S_hosts hosts = {NULL, NULL, 0, 0};
  size_t first = 0, active = 0, i;
  int limit = opt->max_parallel > 0 ? opt->max_parallel : 8;
  if (n == 0)
    return 0;
  pthread_once(&S_once, S_global_init);
  if (S_init_rc != CURLE_OK)
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0,
                        "libcurl could not be initialised");
  xs = nb_calloc(n, sizeof *xs);
  m = curl_multi_init();
  if (!xs || !m) {
    free(xs);
    if (m)
      curl_multi_cleanup(m);
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  for (i = 0; i < n; i++) {
    xs[i].item = &items[i];
    xs[i].opt = opt;
    if (opt->max_per_host > 0)
      xs[i].host = S_host_of(&hosts, items[i].url);
    items[i].status = NB_RES_PENDING;
    items[i].data = NULL;
    items[i].size = 0;
    items[i].reason[0] = '\0';
    items[i].http_code = 0;
    items[i].not_modified = 0;
    memset(&items[i].meta, 0, sizeof items[i].meta);
  }
  for (;;) {
    int running = 0, left;
    CURLMsg *msg;
    active = S_start_more(xs, n, &first, active, limit, &hosts, m);
    if (active == 0)
      break; /* everything started has finished, and nothing else can */
    curl_multi_perform(m, &running);
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
      S_xfer *x = NULL;
      if (msg->msg != CURLMSG_DONE)
        continue;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
                        (char **)(void *)&x);
      S_finish(x, msg->data.result);
      curl_multi_remove_handle(m, x->h);
      curl_easy_cleanup(x->h);
      curl_slist_free_all(x->headers);
      x->headers = NULL;
      x->h = NULL;
      if (hosts.n > 0)
        hosts.active[x->host]--;
      active--;
    }
    if (active > 0 && running > 0)
      curl_multi_poll(m, NULL, 0, 500, NULL);
  }
  curl_multi_cleanup(m);
  for (i = 0; i < n; i++)
    nb_buf_free(&xs[i].body);
  S_hosts_free(&hosts);
  free(xs);
  return 0;
}
