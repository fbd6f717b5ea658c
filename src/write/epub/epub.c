/* STUB: replaced by the epub writer. */
#include "newsbook/writer.h"

int nb_write_epub(const nb_book *book, const nb_write_options *opts,
                const char *path, const nb_diag *diag, nb_error *err) {
  (void)book; (void)opts; (void)diag;
  return nb_error_set(err, NB_ERR_UNSUPPORTED, path, 0, "epub writer not implemented");
}
