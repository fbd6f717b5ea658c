/* Reading inputs whole, and writing outputs atomically: a temporary in the
 * destination's directory, renamed into place once complete, so that a
 * crash or SIGKILL at any moment leaves either the old file or the new one,
 * never a partial one. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

int nb_read_file(const char *path, size_t max, char **data, size_t *len,
                 nb_error *err) {
  FILE *fp;
  nb_buf b = NB_BUF_INIT;
  char chunk[65536];
  size_t n;
  struct stat st;

  *data = NULL;
  *len = 0;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                          "is a directory — give a file");
    /* A FIFO or device would block or never end: only stdin ("-") may be a
     * stream. */
    if (!S_ISREG(st.st_mode))
      return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                          "not a regular file — give an article file, or - "
                          "to read a stream from standard input");
  }
  fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!fp)
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "cannot open: %s — check the path",
                        strerror(errno));
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (max && b.len + n > max) {
      if (fp != stdin)
        fclose(fp);
      nb_buf_free(&b);
      return nb_error_set(err, NB_ERR_LIMIT, path, 0,
                          "larger than the input limit of %zu bytes — raise "
                          "--max-input-bytes",
                          max);
    }
    if (!nb_buf_append(&b, chunk, n))
      break;
  }
  if (ferror(fp) || b.failed) {
    int e = errno;
    if (fp != stdin)
      fclose(fp);
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "cannot read: %s",
                        strerror(e));
  }
  if (fp != stdin)
    fclose(fp);
  *len = b.len;
  *data = nb_buf_detach(&b);
  return *data ? 0 : nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
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
