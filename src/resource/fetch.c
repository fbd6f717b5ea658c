/* Downloads through libcurl's multi interface: http and https only (also
 * after redirects, at most 5), timeouts, a byte cap enforced while bytes
 * arrive, and no connection to loopback, private, link-local, unique-local,
 * multicast or unspecified addresses unless allowed.
 *
 * The address check sits in CURLOPT_OPENSOCKETFUNCTION, so it judges the
 * address curl is about to connect to, after DNS and after every redirect,
 * not the host name (which could resolve anywhere, or change between a
 * check and the connect). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "resource/internal.h"

#ifndef NB_VERSION
#define NB_VERSION "0"
#endif

static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static CURLcode S_init_rc = CURLE_FAILED_INIT;

static void S_global_init(void) { S_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static int S_v4_private(uint32_t a) {
  unsigned o1 = a >> 24, o2 = (a >> 16) & 255, o3 = (a >> 8) & 255;
  return o1 == 0 ||                               /* "this" network */
         o1 == 10 ||                              /* private */
         (o1 == 100 && (o2 & 0xC0) == 64) ||      /* CGNAT 100.64/10 */
         o1 == 127 ||                             /* loopback */
         (o1 == 169 && o2 == 254) ||              /* link-local */
         (o1 == 172 && (o2 & 0xF0) == 16) ||      /* private */
         (o1 == 192 && o2 == 0 && o3 == 0) ||     /* IETF protocol */
         (o1 == 192 && o2 == 168) ||              /* private */
         (o1 == 198 && (o2 & 0xFE) == 18) ||      /* benchmarking */
         o1 >= 224;                               /* multicast, reserved */
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
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0,
                                            0, 0, 0, 0, 0, 0};
    uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
                  (uint32_t)b[14] << 8 | b[15];
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
      return S_v4_private(v4);
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
  nb_buf body;
  int over;    /* byte cap hit while receiving */
  int refused; /* a private address was refused */
  int capped;  /* the timeout was cut to the article's time left */
  char addr[INET6_ADDRSTRLEN];
  char errbuf[CURL_ERROR_SIZE];
} S_xfer;

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

static curl_socket_t S_opensocket(void *clientp, curlsocktype purpose,
                                  struct curl_sockaddr *address) {
  S_xfer *x = clientp;
  (void)purpose;
  if (!x->opt->allow_private && nb__addr_is_private(&address->addr)) {
    const void *raw = NULL;
    if (address->family == AF_INET)
      raw = &((const struct sockaddr_in *)(const void *)&address->addr)->sin_addr;
    else if (address->family == AF_INET6)
      raw = &((const struct sockaddr_in6 *)(const void *)&address->addr)->sin6_addr;
    if (!raw || !inet_ntop(address->family, raw, x->addr, sizeof x->addr))
      snprintf(x->addr, sizeof x->addr, "?");
    x->refused = 1;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

static int64_t S_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int S_setup(S_xfer *x, CURLM *m) {
  CURL *h = curl_easy_init();
  const nb_fetch_options *o = x->opt;
  if (!h)
    return -1;
  x->h = h;
  curl_easy_setopt(h, CURLOPT_URL, x->item->url);
  curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)x);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, S_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)x);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, S_opensocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)x);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  {
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
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, conn_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  }
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
  curl_easy_setopt(h, CURLOPT_USERAGENT,
                   "newsbook/" NB_VERSION " (+https://github.com/newsbook)");
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (x->item->referer && *x->item->referer)
    curl_easy_setopt(h, CURLOPT_REFERER, x->item->referer);
  if (curl_multi_add_handle(m, h) != CURLM_OK) {
    curl_easy_cleanup(h);
    x->h = NULL;
    return -1;
  }
  return 0;
}

static void S_finish(S_xfer *x, CURLcode rc) {
  nb_fetch *it = x->item;
  long code = 0;
  curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
  it->status = NB_RES_MISSING;
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
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    snprintf(it->reason, sizeof it->reason,
             "timed out (limit %d s; --timeout raises it)", x->opt->timeout_s);
  } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
    snprintf(it->reason, sizeof it->reason, "more than 5 redirects");
  } else if (rc != CURLE_OK) {
    snprintf(it->reason, sizeof it->reason, "download failed: %.200s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
  } else if (code < 200 || code > 299) {
    snprintf(it->reason, sizeof it->reason, "the server answered HTTP %ld",
             code);
  } else if (x->body.len == 0) {
    snprintf(it->reason, sizeof it->reason, "the server sent no bytes");
  } else if (x->body.failed) {
    snprintf(it->reason, sizeof it->reason, "out of memory");
  } else {
    it->status = NB_RES_OK;
    it->size = x->body.len;
    it->data = (unsigned char *)nb_buf_detach(&x->body);
    it->reason[0] = '\0';
  }
  nb_buf_free(&x->body);
}

int nb__fetch_all(nb_fetch *items, size_t n, const nb_fetch_options *opt,
                  nb_error *err) {
  CURLM *m;
  S_xfer *xs;
  size_t next = 0, active = 0, i;
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
    items[i].status = NB_RES_PENDING;
    items[i].data = NULL;
    items[i].size = 0;
    items[i].reason[0] = '\0';
  }
  while (next < n || active > 0) {
    int running = 0, left;
    CURLMsg *msg;
    while (next < n && active < (size_t)limit) {
      if (opt->deadline_ns > 0 && S_now_ns() >= opt->deadline_ns) {
        /* the article's time is up: what has not started never will */
        items[next].status = NB_RES_MISSING;
        snprintf(items[next].reason, sizeof items[next].reason, "%s",
                 NB__OUT_OF_TIME);
      } else if (S_setup(&xs[next], m) != 0) {
        items[next].status = NB_RES_MISSING;
        snprintf(items[next].reason, sizeof items[next].reason,
                 "could not start the download");
      } else {
        active++;
      }
      next++;
    }
    if (active == 0)
      continue;
    curl_multi_perform(m, &running);
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
      S_xfer *x = NULL;
      if (msg->msg != CURLMSG_DONE)
        continue;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)(void *)&x);
      S_finish(x, msg->data.result);
      curl_multi_remove_handle(m, x->h);
      curl_easy_cleanup(x->h);
      x->h = NULL;
      active--;
    }
    if (active > 0 && running > 0)
      curl_multi_poll(m, NULL, 0, 500, NULL);
  }
  curl_multi_cleanup(m);
  for (i = 0; i < n; i++)
    nb_buf_free(&xs[i].body);
  free(xs);
  return 0;
}
