/* The on-disk image cache: DIR/objects/XX/HASH holds bytes as downloaded,
 * named by their content hash; DIR/urls/XX/URLHASH names the object a URL
 * gave. Content addressing lets hosts share one cache read-only and makes
 * a torn or tampered object detectable (its name must match its hash).
 * Every write goes to a temporary renamed into place. Failures are silent:
 * a cache only saves time. */
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
  if (access(ipath, R_OK) != 0 || nb_read_file(ipath, 4096, &idx, &ilen, &err) != 0) {
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
  free(opath);
  S_hash_hex(obj, olen, got);
  if (strcmp(got, oh) != 0) {
    free(obj);
    return 0;
  }
  *data = (unsigned char *)obj;
  *size = olen;
  return 1;
}

void nb__cache_put(const char *dir, const char *url,
                   const unsigned char *data, size_t size) {
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
