/* The on-disk cache of images and documents: DIR/objects/XX/HASH holds
 * bytes as downloaded, named by their content hash; DIR/urls/XX/URLHASH
 * names the object a URL gave. Content addressing lets hosts share one
 * cache read-only and makes a torn or tampered object detectable (its name
 * must match its hash). Every write goes to a temporary renamed into place.
 * Failures to write are silent: a cache only saves time.
 *
 * A document's URL record (feeds and pages, revalidated on every use) adds,
 * after the object's name, lines that say what it is and what the server
 * said, for the next conditional GET:
 *
 *     OBJECTHASH
 *     newsbook-cache 1
 *     url URL
 *     etag "..."            (each of these four only when known)
 *     last-modified ...
 *     content-type ...
 *     final-url ...
 *
 * Image lookups read only the first 32 characters, so both kinds share one
 * index. A document record that does not parse, names another URL, or whose
 * object is missing or does not match its name is reported as damaged and
 * never trusted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resource/internal.h"

char *nb__cache_dir(const char *opt) {
  nb_buf b = NB_BUF_INIT;
  const char *x;
  if (opt)
    return *opt ? nb_strdup(opt) : NULL;
  x = getenv("XDG_CACHE_HOME");
  if (x && *x == '/') {
    nb_buf_puts(&b, x);
  } else {
    x = getenv("HOME");
    if (!x || !*x)
      return NULL;
    nb_buf_puts(&b, x);
    nb_buf_puts(&b, "/.cache");
  }
  nb_buf_puts(&b, "/newsbook");
  return nb_buf_detach(&b);
}

static void S_hash_hex(const void *data, size_t size, char hex[33]) {
  nb_hash h;
  nb_hash_init(&h);
  nb_hash_update(&h, data, size);
  nb_hash_hex(&h, hex);
}

static char *S_path(const char *dir, const char *kind, const char *hex) {
  nb_buf b = NB_BUF_INIT;
  nb_buf_printf(&b, "%s/%s/%.2s/%s", dir, kind, hex, hex);
  return nb_buf_detach(&b);
}

/* mkdir -p for the parent of @p path. */
static int S_mkdirs(const char *path) {
  char *p = nb_strdup(path), *s;
  if (!p)
    return -1;
  s = strrchr(p, '/');
  if (s)
    *s = '\0';
  for (s = p + 1; *s; s++) {
    if (*s == '/') {
      *s = '\0';
      if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        free(p);
        return -1;
      }
      *s = '/';
    }
  }
  if (mkdir(p, 0755) != 0 && errno != EEXIST) {
    free(p);
    return -1;
  }
  free(p);
  return 0;
}

static void S_write_atomic(const char *path, const void *data, size_t size) {
  nb_buf t = NB_BUF_INIT;
  char *tmp;
  int fd;
  const unsigned char *p = data;
  size_t off = 0;
  if (S_mkdirs(path) != 0)
    return;
  nb_buf_printf(&t, "%s.tmp.XXXXXX", path);
  tmp = nb_buf_detach(&t);
  if (!tmp)
    return;
  fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return;
  }
  while (off < size) {
    ssize_t w = write(fd, p + off, size - off);
    if (w <= 0) {
      if (w < 0 && errno == EINTR)
        continue;
      break;
    }
    off += (size_t)w;
  }
  fchmod(fd, 0644);
  if (close(fd) != 0 || off != size || rename(tmp, path) != 0)
    unlink(tmp);
  free(tmp);
}

int nb__cache_get(const char *dir, const char *url, size_t max_bytes,
                  unsigned char **data, size_t *size) {
  char uh[33], oh[33], got[33];
  char *ipath, *opath, *idx = NULL, *obj = NULL;
  size_t ilen = 0, olen = 0;
  nb_error err;
  *data = NULL;
  *size = 0;
  if (!dir)
    return 0;
  S_hash_hex(url, strlen(url), uh);
  ipath = S_path(dir, "urls", uh);
  if (!ipath)
    return 0;
  if (access(ipath, R_OK) != 0 ||
      nb_read_file(ipath, 4096, &idx, &ilen, &err) != 0) {
    free(ipath);
    return 0;
  }
  free(ipath);
  if (ilen < 32) {
    free(idx);
    return 0;
  }
  memcpy(oh, idx, 32);
  oh[32] = '\0';
  free(idx);
  if (strspn(oh, "0123456789abcdef") != 32)
    return 0;
  opath = S_path(dir, "objects", oh);
  if (!opath)
    return 0;
  if (access(opath, R_OK) != 0 ||
      nb_read_file(opath, max_bytes, &obj, &olen, &err) != 0) {
    free(opath);
    return 0;
  }
  S_hash_hex(obj, olen, got);
  if (strcmp(got, oh) != 0) {
    unlink(opath); /* proven bad: let the next download replace it */
    free(opath);
    free(obj);
    return 0;
  }
  free(opath);
  *data = (unsigned char *)obj;
  *size = olen;
  return 1;
}

void nb__cache_put(const char *dir, const char *url, const unsigned char *data,
                   size_t size) {
  char uh[33], oh[33];
  char *ipath, *opath;
  struct stat st;
  if (!dir)
    return;
  S_hash_hex(data, size, oh);
  S_hash_hex(url, strlen(url), uh);
  opath = S_path(dir, "objects", oh);
  ipath = S_path(dir, "urls", uh);
  if (opath && ipath) {
    if (stat(opath, &st) != 0 || (size_t)st.st_size != size)
      S_write_atomic(opath, data, size);
    S_write_atomic(ipath, oh, 32);
  }
  free(opath);
  free(ipath);
}

/* ## Documents */

#define S_DOC_MAGIC "newsbook-cache 1"
#define S_MAX_RECORD 16384

/* 1 when @p v can be a header value kept in a record: non-empty, no
 * control characters (a record is one line per value, and values go back
 * into request headers). */
static int S_value_ok(const char *v, size_t n) {
  size_t i;
  if (n == 0 || n > 4096)
    return 0;
  for (i = 0; i < n; i++)
    if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
      return 0;
  return 1;
}

/* Parse a document record into @p meta (its object's hash into @p oh). 1
 * when it is a document record for @p url, 0 when it is an image's record
 * (not a document's), -1 when damaged. */
static int S_parse_record(const char *rec, size_t len, const char *url,
                          char oh[33], nb_cache_meta *meta) {
  const char *p = rec, *end = rec + len;
  int line = 0, url_ok = 0;
  if (len < 32 || memchr(rec, '\0', len))
    return -1;
  memcpy(oh, rec, 32);
  oh[32] = '\0';
  if (strspn(oh, "0123456789abcdef") != 32)
    return -1;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    char **slot = NULL;
    if (line == 0) {
      if (n != 32)
        return -1;
    } else if (line == 1) {
      if (n != strlen(S_DOC_MAGIC) || memcmp(p, S_DOC_MAGIC, n) != 0)
        return -1;
    } else if (n > 0) {
      sp = memchr(p, ' ', n);
      if (!sp || !S_value_ok(sp + 1, n - (size_t)(sp + 1 - p)))
        return -1;
#define S_KEY(k) ((size_t)(sp - p) == strlen(k) && memcmp(p, k, strlen(k)) == 0)
      if (S_KEY("url"))
        url_ok = strlen(url) == n - 4 && memcmp(sp + 1, url, n - 4) == 0;
      else if (S_KEY("etag"))
        slot = &meta->etag;
      else if (S_KEY("last-modified"))
        slot = &meta->last_modified;
      else if (S_KEY("content-type"))
        slot = &meta->content_type;
      else if (S_KEY("final-url"))
        slot = &meta->final_url;
#undef S_KEY
      if (slot) {
        free(*slot);
        *slot = nb_strndup(sp + 1, n - (size_t)(sp + 1 - p));
      }
    }
    line++;
    if (!nl)
      break;
    p = nl + 1;
  }
  if (line < 2)
    return 0; /* an image record: the object's name alone */
  return url_ok ? 1 : -1;
}

int nb__cache_doc_get(const char *dir, const char *url, size_t max_bytes,
                      unsigned char **data, size_t *size, nb_cache_meta *meta) {
  char uh[33], oh[33], got[33];
  char *ipath, *opath, *rec = NULL, *obj = NULL;
  size_t rlen = 0, olen = 0;
  nb_error err;
  int rc;
  *data = NULL;
  *size = 0;
  memset(meta, 0, sizeof *meta);
  if (!dir || !url)
    return 0;
  S_hash_hex(url, strlen(url), uh);
  ipath = S_path(dir, "urls", uh);
  if (!ipath)
    return 0;
  if (access(ipath, F_OK) != 0) {
    free(ipath);
    return 0;
  }
  rc = nb_read_file(ipath, S_MAX_RECORD, &rec, &rlen, &err);
  free(ipath);
  if (rc != 0)
    return -1;
  rc = S_parse_record(rec, rlen, url, oh, meta);
  free(rec);
  if (rc <= 0) {
    nb__cache_meta_clear(meta);
    return rc;
  }
  opath = S_path(dir, "objects", oh);
  if (!opath || nb_read_file(opath, max_bytes, &obj, &olen, &err) != 0) {
    free(opath);
    nb__cache_meta_clear(meta);
    return -1;
  }
  S_hash_hex(obj, olen, got);
  if (strcmp(got, oh) != 0 || olen == 0) {
    unlink(opath); /* proven bad (a read-only cache keeps it, unused) */
    free(opath);
    free(obj);
    nb__cache_meta_clear(meta);
    return -1;
  }
  free(opath);
  *data = (unsigned char *)obj;
  *size = olen;
  return 1;
}

static void S_put_line(nb_buf *b, const char *key, const char *v) {
  if (v && S_value_ok(v, strlen(v)))
    nb_buf_printf(b, "%s %s\n", key, v);
}

void nb__cache_doc_put(const char *dir, const char *url,
                       const unsigned char *data, size_t size,
                       const nb_cache_meta *meta) {
  char uh[33], oh[33];
  char *ipath, *opath;
  nb_buf rec = NB_BUF_INIT;
  struct stat st;
  if (!dir || !url || !data || size == 0 || !S_value_ok(url, strlen(url)))
    return;
  S_hash_hex(data, size, oh);
  S_hash_hex(url, strlen(url), uh);
  opath = S_path(dir, "objects", oh);
  ipath = S_path(dir, "urls", uh);
  nb_buf_printf(&rec, "%s\n%s\nurl %s\n", oh, S_DOC_MAGIC, url);
  if (meta) {
    S_put_line(&rec, "etag", meta->etag);
    S_put_line(&rec, "last-modified", meta->last_modified);
    S_put_line(&rec, "content-type", meta->content_type);
    S_put_line(&rec, "final-url", meta->final_url);
  }
  if (opath && ipath && !rec.failed) {
    if (stat(opath, &st) != 0 || (size_t)st.st_size != size)
      S_write_atomic(opath, data, size);
    S_write_atomic(ipath, rec.data, rec.len);
  }
  nb_buf_free(&rec);
  free(opath);
  free(ipath);
}
