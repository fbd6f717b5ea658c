/* Expanding a job's inputs: files as given, directories walked iteratively
 * (an explicit stack, never recursion; symlinked directories are not
 * followed, so link loops cannot trap us), entries sorted for reproducible
 * books; "-" and http(s) URLs passed on as they are (the read stage fetches
 * a URL). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pipeline/pipeline.h"

static int S_wanted(const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot)
    return 0;
  return strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0 ||
         strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
         strcasecmp(dot, ".xhtml") == 0;
}

static int S_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk @p root breadth-first by directory, depth-first in output order:
 * each directory's files and subdirectories are sorted together so that the
 * final list is the sorted list of relative paths. */
static int S_walk(const char *root, nb_strvec *out, nb_error *err) {
  nb_strvec stack = {0}, found = {0};
  int rc = 0;
  size_t i;
  if (!nb_strvec_push(&stack, root))
    return nb_error_set(err, NB_ERR_SYSTEM, root, 0, "out of memory");
  while (stack.n > 0) {
    char *dir = stack.v[--stack.n];
    DIR *dh = opendir(dir);
    struct dirent *de;
    if (!dh) {
      /* The root must open; an unreadable subdirectory is skipped. */
      if (strcmp(dir, root) == 0)
        rc = nb_error_set(err, NB_ERR_SYSTEM, dir, 0,
                          "cannot open directory: %s", strerror(errno));
      free(dir);
      if (rc)
        break;
      continue;
    }
    while ((de = readdir(dh)) != NULL) {
      nb_buf p = NB_BUF_INIT;
      int is_dir, is_file;
      if (de->d_name[0] == '.')
        continue;
      /* The entry's type from readdir spares an lstat per file (ten
       * thousand of them in an archive); only file systems that do not
       * say need the call. */
      is_dir = de->d_type == DT_DIR;
      is_file = de->d_type == DT_REG || de->d_type == DT_LNK;
      if (!is_dir && !is_file && de->d_type != DT_UNKNOWN)
        continue;
      if (!is_dir && de->d_type != DT_UNKNOWN && !S_wanted(de->d_name))
        continue;
      nb_buf_printf(&p, "%s/%s", dir, de->d_name);
      if (p.failed) {
        nb_buf_free(&p);
        continue;
      }
      if (de->d_type == DT_UNKNOWN) {
        struct stat st;
        if (lstat(p.data, &st) != 0) {
          nb_buf_free(&p);
          continue;
        }
        is_dir = S_ISDIR(st.st_mode);
        is_file = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode);
      }
      if (is_dir)
        nb_strvec_push(&stack, p.data);
      else if (is_file && S_wanted(de->d_name))
        nb_strvec_push(&found, p.data);
      nb_buf_free(&p);
    }
    closedir(dh);
    free(dir);
  }
  nb_strvec_free(&stack);
  if (found.n > 1)
    qsort(found.v, found.n, sizeof *found.v, S_cmp);
  for (i = 0; i < found.n && rc == 0; i++)
    if (!nb_strvec_push(out, found.v[i]))
      rc = nb_error_set(err, NB_ERR_SYSTEM, root, 0, "out of memory");
  nb_strvec_free(&found);
  return rc;
}

int nb_collect_inputs(const char *const *inputs, size_t n, nb_strvec *out,
                      nb_error *err) {
  size_t i;
  for (i = 0; i < n; i++) {
    const char *in = inputs[i];
    struct stat st;
    int rc;
    if (strcmp(in, "-") == 0 || nb_acquire_is_url(in)) {
      if (!nb_strvec_push(out, in))
        return nb_error_set(err, NB_ERR_SYSTEM, in, 0, "out of memory");
      continue;
    }
    if (stat(in, &st) != 0)
      return nb_error_set(err, NB_ERR_ARGUMENT, in, 0,
                          "cannot read input: %s — check the path",
                          strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      size_t before = out->n;
      if ((rc = S_walk(in, out, err)) != 0)
        return rc;
      if (out->n == before)
        return nb_error_set(err, NB_ERR_ARGUMENT, in, 0,
                            "no articles (.md, .markdown, .html) below this "
                            "directory — point at a folder of articles");
    } else if (!nb_strvec_push(out, in)) {
      return nb_error_set(err, NB_ERR_SYSTEM, in, 0, "out of memory");
    }
  }
  return 0;
}
