/* Where a reference's bytes come from, short of the network: data: URIs,
 * local files (confined to a root: no "..", no symlink, no absolute path
 * may lead outside it) and an offline mirror in wget --mirror layout.
 *
 * Confinement is decided on real paths (realpath and a prefix check), not
 * on spelling, because only the file system knows where a symlink goes. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "resource/internal.h"

char *nb__percent_decode(const char *s, size_t len) {
  char *o = malloc(len + 1);
  size_t i, n = 0;
  if (!o)
    return NULL;
  for (i = 0; i < len; i++) {
    if (s[i] == '%' && i + 2 < len &&
        nb_hex_value((unsigned char)s[i + 1]) >= 0 &&
        nb_hex_value((unsigned char)s[i + 2]) >= 0) {
      int v = nb_hex_value((unsigned char)s[i + 1]) * 16 +
              nb_hex_value((unsigned char)s[i + 2]);
      if (v == 0) {
        free(o);
        return NULL;
      }
      o[n++] = (char)v;
      i += 2;
    } else {
      o[n++] = s[i];
    }
  }
  o[n] = '\0';
  return o;
}

nb_ref_kind nb__ref_classify(const char *ref, char **url) {
  const char *p = ref;
  size_t n;
  *url = NULL;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  if (p[0] == '/' && p[1] == '/') {
    nb_buf b = NB_BUF_INIT;
    nb_buf_puts(&b, "https:");
    nb_buf_append(&b, p, strcspn(p, "# \t\r\n"));
    *url = nb_buf_detach(&b);
    return NB_REF_REMOTE;
  }
  /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
  for (n = 0; isalpha((unsigned char)p[n]) ||
              (n > 0 && (isdigit((unsigned char)p[n]) || p[n] == '+' ||
                         p[n] == '-' || p[n] == '.'));
       n++)
    ;
  if (n == 0 || p[n] != ':')
    return NB_REF_LOCAL;
  if (n == 4 && strncasecmp(p, "data", 4) == 0)
    return NB_REF_DATA;
  if ((n == 4 && strncasecmp(p, "http", 4) == 0) ||
      (n == 5 && strncasecmp(p, "https", 5) == 0)) {
    nb_buf b = NB_BUF_INIT;
    size_t i;
    for (i = 0; i < n; i++)
      nb_buf_putc(&b, (char)tolower((unsigned char)p[i]));
    nb_buf_append(&b, p + n, strcspn(p + n, "# \t\r\n"));
    *url = nb_buf_detach(&b);
    return NB_REF_REMOTE;
  }
  return NB_REF_REFUSED;
}

static int S_b64(int c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

int nb__data_uri_decode(const char *uri, unsigned char **data, size_t *size,
                        nb_error *err) {
  const char *comma = strchr(uri, ',');
  const char *meta = uri + 5; /* after "data:" */
  char *payload;
  size_t plen, i, n = 0;
  int base64 = 0;
  *data = NULL;
  *size = 0;
  if (!comma)
    return nb_error_set(err, NB_ERR_SYNTAX, NULL, 0,
                        "malformed data: URI (no comma)");
  {
    const char *s;
    for (s = meta; s + 7 <= comma; s++)
      if (strncasecmp(s, ";base64", 7) == 0 && (s + 7 == comma || s[7] == ';'))
        base64 = 1;
  }
  /* base64 never contains '%', so decoding percent-escapes first is safe
   * for both kinds and lets %2B-style escaped base64 through. */
  payload = nb__percent_decode(comma + 1, strlen(comma + 1));
  if (!payload) {
    /* a %00 in a binary, non-base64 payload: decode by hand */
    const char *s = comma + 1;
    size_t len = strlen(s);
    unsigned char *o = malloc(len + 1);
    if (!o)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    for (i = 0; i < len; i++) {
      if (s[i] == '%' && i + 2 < len &&
          nb_hex_value((unsigned char)s[i + 1]) >= 0 &&
          nb_hex_value((unsigned char)s[i + 2]) >= 0) {
        o[n++] = (unsigned char)(nb_hex_value((unsigned char)s[i + 1]) * 16 +
                                 nb_hex_value((unsigned char)s[i + 2]));
        i += 2;
      } else {
        o[n++] = (unsigned char)s[i];
      }
    }
    if (base64) {
      free(o);
      return nb_error_set(err, NB_ERR_SYNTAX, NULL, 0,
                          "malformed base64 in data: URI");
    }
    *data = o;
    *size = n;
    return 0;
  }
  plen = strlen(payload);
  if (!base64) {
    *data = (unsigned char *)payload;
    *size = plen;
    return 0;
  }
  {
    unsigned char *o = malloc(plen / 4 * 3 + 3);
    uint32_t acc = 0;
    int bits = 0;
    if (!o) {
      free(payload);
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    }
    for (i = 0; i < plen; i++) {
      int v;
      unsigned char c = (unsigned char)payload[i];
      if (c == '=')
        break;
      if (isspace(c))
        continue;
      v = S_b64(c);
      if (v < 0) {
        free(o);
        free(payload);
        return nb_error_set(err, NB_ERR_SYNTAX, NULL, 0,
                            "malformed base64 in data: URI");
      }
      acc = (acc << 6) | (uint32_t)v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        o[n++] = (unsigned char)(acc >> bits);
        acc &= (1u << bits) - 1;
      }
    }
    free(payload);
    *data = o;
    *size = n;
  }
  return 0;
}

/* Read a regular file of at most max bytes. */
static int S_read_capped(const char *path, size_t max, unsigned char **data,
                         size_t *size, nb_error *err) {
  struct stat st;
  char *d = NULL;
  size_t len = 0;
  int rc;
  if (stat(path, &st) != 0)
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "%s", strerror(errno));
  if (!S_ISREG(st.st_mode))
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0, "not a regular file");
  if (max && (uint64_t)st.st_size > (uint64_t)max)
    return nb_error_set(err, NB_ERR_LIMIT, path, 0,
                        "%lld bytes is over the cap of %zu bytes",
                        (long long)st.st_size, max);
  rc = nb_read_file(path, max, &d, &len, err);
  if (rc != 0)
    return rc;
  *data = (unsigned char *)d;
  *size = len;
  return 0;
}

/* 1 when real path @p p is @p root or below it. */
static int S_inside(const char *p, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/')
    return 1;
  return strncmp(p, root, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* Collapse "." and ".." segments of absolute path @p p in place, without
 * touching the file system: ".." above "/" stays at "/". */
static void S_normalize(char *p) {
  char *out = p, *in = p;
  while (*in) {
    char *seg;
    size_t n;
    while (*in == '/')
      in++;
    seg = in;
    while (*in && *in != '/')
      in++;
    n = (size_t)(in - seg);
    if (n == 0 || (n == 1 && seg[0] == '.'))
      continue;
    if (n == 2 && seg[0] == '.' && seg[1] == '.') {
      while (out > p && *--out != '/')
        ;
      continue;
    }
    *out++ = '/';
    memmove(out, seg, n);
    out += n;
  }
  if (out == p)
    *out++ = '/';
  *out = '\0';
}

int nb__local_read(const char *ref, const char *base_path, const char *root_dir,
                   size_t max_bytes, unsigned char **data, size_t *size,
                   nb_error *err) {
  char base[PATH_MAX], rroot[PATH_MAX], real[PATH_MAX];
  const char *slash;
  int attempt;

  *data = NULL;
  *size = 0;
  if (!base_path && !root_dir)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "a relative path with no article directory to "
                        "resolve it against");
  if (base_path) {
    slash = strrchr(base_path, '/');
    if (slash)
      snprintf(base, sizeof base, "%.*s",
               (int)(slash - base_path + (slash == base_path)), base_path);
    else
      snprintf(base, sizeof base, ".");
  } else {
    snprintf(base, sizeof base, "%s", root_dir);
  }
  if (!realpath(root_dir ? root_dir : base, rroot))
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                        "the input root %s is not accessible: %s",
                        root_dir ? root_dir : base, strerror(errno));
  if (!realpath(base, real))
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                        "the article's directory %s is not accessible: %s",
                        base, strerror(errno));
  snprintf(base, sizeof base, "%s", real);
  /* Try the path as written, then percent-decoded without query and
   * fragment (Markdown writers escape spaces and CJK). */
  for (attempt = 0; attempt < 2; attempt++) {
    char *cand = NULL, *path = NULL;
    nb_buf b = NB_BUF_INIT;
    if (attempt == 0) {
      cand = nb_strdup(ref);
    } else {
      size_t n = strcspn(ref, "?#");
      cand = nb__percent_decode(ref, n);
      if (cand && strcmp(cand, ref) == 0) {
        free(cand);
        break;
      }
    }
    if (!cand)
      continue;
    if (cand[0] == '/') {
      nb_buf_puts(&b, cand);
    } else {
      nb_buf_puts(&b, base);
      nb_buf_putc(&b, '/');
      nb_buf_puts(&b, cand);
    }
    free(cand);
    path = nb_buf_detach(&b);
    if (!path)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    /* refuse what leads outside by its spelling alone, before asking
     * the file system whether it exists there */
    S_normalize(path);
    if (!S_inside(path, rroot)) {
      free(path);
      return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                          "refused: the path leads outside the input root %s",
                          rroot);
    }
    if (!realpath(path, real)) {
      free(path);
      continue;
    }
    free(path);
    if (!S_inside(real, rroot))
      return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                          "refused: the path leads outside the input "
                          "root %s",
                          rroot);
    return S_read_capped(real, max_bytes, data, size, err);
  }
  return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                      "no such file next to the article");
}

/* Append the mirror path for (host, path-and-query) to @p b. */
static void S_mirror_path(nb_buf *b, const char *dir, const char *host,
                          size_t hlen, const char *rest) {
  nb_buf_puts(b, dir);
  if (b->len && b->data[b->len - 1] != '/')
    nb_buf_putc(b, '/');
  nb_buf_append(b, host, hlen);
  if (*rest == '\0' || *rest == '?')
    nb_buf_putc(b, '/');
  nb_buf_puts(b, rest);
  if (b->len && b->data[b->len - 1] == '/')
    nb_buf_puts(b, "index.html");
}

/* 1 when a mirror-relative path has a ".." segment (or NUL tricks). */
static int S_dotdot(const char *s) {
  const char *p = s;
  while ((p = strstr(p, "..")) != NULL) {
    int start = p == s || p[-1] == '/';
    int end = p[2] == '\0' || p[2] == '/' || p[2] == '?';
    if (start && end)
      return 1;
    p += 2;
  }
  return 0;
}

int nb__mirror_read(const char *mirror_dir, const char *url, size_t max_bytes,
                    unsigned char **data, size_t *size, nb_error *err) {
  const char *h = strstr(url, "://"), *rest, *at;
  size_t hlen, plen;
  int attempt;
  *data = NULL;
  *size = 0;
  if (!mirror_dir || !*mirror_dir || !h)
    return 0;
  h += 3;
  hlen = strcspn(h, "/?#");
  rest = h + hlen;
  /* drop any userinfo: wget does */
  at = memchr(h, '@', hlen);
  if (at) {
    hlen -= (size_t)(at + 1 - h);
    h = at + 1;
  }
  if (hlen == 0 || memchr(h, '/', hlen))
    return 0;
  plen = strcspn(rest, "#");
  for (attempt = 0; attempt < 4; attempt++) {
    nb_buf b = NB_BUF_INIT;
    char *r, *path;
    size_t hl = hlen;
    const char *colon = memchr(h, ':', hlen);
    if (attempt >= 2) {
      /* wget names the directory host:port only for a non-default port */
      if (!colon)
        break;
      hl = (size_t)(colon - h);
    }
    r = attempt % 2 == 0 ? nb_strndup(rest, plen)
                         : nb__percent_decode(rest, plen);
    if (!r)
      continue;
    if (attempt % 2 == 1 && strncmp(r, rest, plen) == 0 && strlen(r) == plen) {
      free(r);
      continue;
    }
    if (S_dotdot(r) || (hl == 2 && h[0] == '.' && h[1] == '.') ||
        (hl == 1 && h[0] == '.')) {
      free(r);
      continue;
    }
    S_mirror_path(&b, mirror_dir, h, hl, r);
    free(r);
    path = nb_buf_detach(&b);
    if (!path)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    {
      struct stat st;
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        int rc = S_read_capped(path, max_bytes, data, size, err);
        free(path);
        return rc == 0 ? 1 : rc;
      }
    }
    free(path);
  }
  return 0;
}
