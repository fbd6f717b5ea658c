/* Convert articles to an EPUB (or PDF) book through libnewsbook's public
 * API: one job, one call. Copy this file to start a program of your own.
 *
 *   cc convert.c -o convert $(pkg-config --cflags --libs newsbook)
 *   ./convert article.md article.epub
 *   ./convert archive/ book.pdf
 *
 * The library never prints: warnings come through the diagnostics
 * callback, a failure as an nb_error, and what was written in the
 * result. */
#include <stdio.h>

#include <newsbook/newsbook.h>

/* Called from the library's worker threads, possibly several at once: a
 * single fprintf per message keeps lines whole. */
static void show(void *userdata, const nb_diagnostic *d) {
  (void)userdata;
  fprintf(stderr, "%s: %s%s%s\n",
          d->severity == NB_SEV_ERROR     ? "skipped"
          : d->severity == NB_SEV_WARNING ? "warning"
                                          : "note",
          d->file ? d->file : "", d->file ? ": " : "", d->message);
}

int main(int argc, char **argv) {
  nb_diag diag = {.abi_version = NB_DIAG_ABI_VERSION, .report = show};
  nb_convert_job job = {.abi_version = NB_CONVERT_ABI_VERSION};
  nb_convert_result result = {.abi_version = NB_CONVERT_RESULT_ABI_VERSION};
  nb_resolve_options images = {.abi_version = NB_RESOLVE_ABI_VERSION};
  nb_error err;

  if (argc != 3) {
    fprintf(stderr, "usage: %s ARTICLE|DIRECTORY OUTPUT.epub|OUTPUT.pdf\n",
            argv[0]);
    return 2;
  }
  images.offline = 1; /* images from data: URIs and local files only */

  job.inputs = (const char *const *)&argv[1];
  job.input_count = 1;
  job.output = argv[2]; /* the format follows the extension */
  job.resolve = &images;
  job.diag = &diag;

  if (nb_convert_run(&job, &result, &err) != 0) {
    fprintf(stderr, "%s%s%s\n", err.file, err.file[0] ? ": " : "", err.message);
    nb_convert_result_free(&result);
    return 1;
  }
  printf("%s: \"%s\", %zu article%s, %zu image%s, %lld bytes\n", result.output,
         result.title ? result.title : "", result.articles,
         result.articles == 1 ? "" : "s", result.images_embedded,
         result.images_embedded == 1 ? "" : "s", result.output_bytes);
  nb_convert_result_free(&result);
  return 0;
}
