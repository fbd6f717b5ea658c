/* Reading inputs whole, and writing outputs atomically: a temporary in the
 * destination's directory, renamed into place once complete, so that a
 * crash or SIGKILL at any moment leaves either the old file or the new one,
 * never a partial one. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

/* A file is read with one open, one fstat and reads straight into a buffer
 * sized from the file's length: scanning an archive of ten thousand
 * articles is mostly these calls, so stdio's extra stat, its buffer and
 * the doubling copies all showed up in profiles. */
int nb_infile_open(nb_infile *f, const char *path, size_t max, nb_error *err) {
  struct stat st;
  memset(f, 0, sizeof *f);
  f->fd = -1;
  f->path = path;
  f->max = max;
  if (strcmp(path, "-") == 0) {
    f->fd = STDIN_FILENO;
    return 0;
  }
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * below anyway, and on regular files the flag changes nothing. */
  f->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f->fd < 0) {
    int e = errno;
    if (e == EISDIR)
      return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                          "is a directory — give a file");
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0,
                        "cannot open: %s — check the path", strerror(e));
  }
  if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int dir = fstat(f->fd, &st) == 0 && S_ISDIR(st.st_mode);
    close(f->fd);
    f->fd = -1;
    if (dir)
      return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                          "is a directory — give a file");
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "not a regular file — give an article file, or - "
                        "to read a stream from standard input");
  }
  if (st.st_size >= 0 && (uint64_t)st.st_size < (uint64_t)SIZE_MAX / 2)
    f->hint = (size_t)st.st_size + 2;
  f->dev = (uint64_t)st.st_dev;
  f->ino = (uint64_t)st.st_ino;
  return 0;
}

/* The next buffer size: the whole file as fstat saw it (and one byte more,
 * so that one read meets the end), but no more than a head when only a
 * head is wanted; doubling once the file has grown past what fstat said. */
static size_t S_next_cap(const nb_infile *f, size_t upto) {
  size_t cap = f->hint > f->len + 1 ? f->hint : (f->cap ? f->cap * 2 : 65536);
  if (upto != SIZE_MAX && cap > upto + 2 && upto + 2 > f->len + 1)
    cap = upto + 2 > 65536 ? upto + 2 : 65536;
  if (cap < 64)
    cap = 64;
  if (f->max && cap > f->max + 2)
    cap = f->max + 2;
  return cap > f->cap ? cap : f->cap + 64;
}

int nb_infile_read(nb_infile *f, size_t upto, nb_error *err) {
  while (!f->eof && f->len < upto) {
    ssize_t n;
    if (!f->data || f->len + 1 >= f->cap) {
      size_t cap = S_next_cap(f, upto);
      char *p = realloc(f->data, cap);
      if (!p)
        return nb_error_set(err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
      f->data = p;
      f->cap = cap;
    }
    n = read(f->fd, f->data + f->len, f->cap - f->len - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        /* standard input left non-blocking by someone else: wait */
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(f->fd, &rd);
        select(f->fd + 1, &rd, NULL, NULL, NULL);
        continue;
      }
      return nb_error_set(err, NB_ERR_SYSTEM, f->path, 0, "cannot read: %s",
                          strerror(errno));
    }
    if (n == 0)
      f->eof = 1;
    f->len += (size_t)n;
    f->data[f->len] = '\0';
    if (f->max && f->len > f->max)
      return nb_error_set(err, NB_ERR_LIMIT, f->path, 0,
                          "larger than the input limit of %zu bytes — raise "
                          "--max-input-bytes",
                          f->max);
  }
  if (!f->data) { /* nothing read yet (upto 0): still a string */
    if (!(f->data = malloc(1)))
      return nb_error_set(err, NB_ERR_SYSTEM, f->path, 0, "out of memory");
    f->data[0] = '\0';
    f->cap = 1;
  }
  return 0;
}

char *nb_infile_detach(nb_infile *f, size_t *len) {
  char *d = f->data;
  *len = f->len;
  f->data = NULL;
  f->len = f->cap = f->hint = 0;
  return d;
}

void nb_infile_close(nb_infile *f) {
  if (f->fd > STDIN_FILENO)
    close(f->fd);
  f->fd = -1;
  free(f->data);
  f->data = NULL;
  f->len = f->cap = 0;
}

int nb_read_file(const char *path, size_t max, char **data, size_t *len,
                 nb_error *err) {
  nb_infile f;
  int rc;
  *data = NULL;
  *len = 0;
  if ((rc = nb_infile_open(&f, path, max, err)) != 0)
    return rc;
  if ((rc = nb_infile_read(&f, SIZE_MAX, err)) == 0)
    *data = nb_infile_detach(&f, len);
  nb_infile_close(&f);
  return rc;
}

int nb_atomic_open(nb_atomic *a, const char *dest, nb_error *err) {
  char *dcopy, *bcopy, *dir, *base;
  int fd;
  nb_buf t = NB_BUF_INIT;
  struct stat st;

  memset(a, 0, sizeof *a);
  dcopy = nb_strdup(dest);
  bcopy = nb_strdup(dest);
  if (!dcopy || !bcopy) {
    free(dcopy);
    free(bcopy);
    return nb_error_set(err, NB_ERR_SYSTEM, dest, 0, "out of memory");
  }
  dir = dirname(dcopy);
  base = basename(bcopy);
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    nb_error_set(err, NB_ERR_SYSTEM, dest, 0,
                 "output directory %s does not exist — create it first", dir);
    free(dcopy);
    free(bcopy);
    return NB_ERR_SYSTEM;
  }
  nb_buf_printf(&t, "%s/.%s.tmp-XXXXXX", dir, base);
  free(dcopy);
  free(bcopy);
  if (t.failed) {
    nb_buf_free(&t);
    return nb_error_set(err, NB_ERR_SYSTEM, dest, 0, "out of memory");
  }
  fd = mkstemp(t.data);
  if (fd < 0) {
    int e = errno;
    nb_buf_free(&t);
    return nb_error_set(err, NB_ERR_SYSTEM, dest, 0,
                        "cannot create a file beside it: %s — check the "
                        "directory's permissions",
                        strerror(e));
  }
  a->fp = fdopen(fd, "wb");
  a->tmp = nb_buf_detach(&t);
  a->dest = nb_strdup(dest);
  if (!a->fp || !a->dest) {
    if (!a->fp)
      close(fd);
    nb_atomic_abort(a);
    return nb_error_set(err, NB_ERR_SYSTEM, dest, 0, "out of memory");
  }
  return 0;
}

int nb_atomic_commit(nb_atomic *a, nb_error *err) {
  int rc = 0;
  mode_t um;
  if (!a->tmp)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no open output");
  if (a->fp) {
    if (fflush(a->fp) != 0 || fsync(fileno(a->fp)) != 0)
      rc = nb_error_set(err, NB_ERR_SYSTEM, a->dest, 0,
                        "cannot write: %s — check free space", strerror(errno));
    if (fclose(a->fp) != 0 && rc == 0)
      rc = nb_error_set(err, NB_ERR_SYSTEM, a->dest, 0, "cannot write: %s",
                        strerror(errno));
    a->fp = NULL;
  }
  if (rc == 0) {
    um = umask(0);
    umask(um);
    chmod(a->tmp, 0666 & ~um);
    if (rename(a->tmp, a->dest) != 0)
      rc = nb_error_set(err, NB_ERR_SYSTEM, a->dest, 0,
                        "cannot move the finished file into place: %s — "
                        "choose another output path",
                        strerror(errno));
  }
  if (rc != 0) {
    nb_atomic_abort(a);
    return rc;
  }
  free(a->tmp);
  free(a->dest);
  a->tmp = a->dest = NULL;
  return 0;
}

void nb_atomic_abort(nb_atomic *a) {
  if (a->fp)
    fclose(a->fp);
  if (a->tmp)
    unlink(a->tmp);
  free(a->tmp);
  free(a->dest);
  a->fp = NULL;
  a->tmp = a->dest = NULL;
}
