/* STUB: replaced by the readers' implementation. */
#include "newsbook/reader.h"

nb_doc *nb_read_article(const char *path, const char *data, size_t len,
                        const nb_read_options *opts, const nb_diag *diag,
                        nb_error *err) {
  (void)data; (void)len; (void)opts; (void)diag;
  nb_error_set(err, NB_ERR_UNSUPPORTED, path, 0, "reader not implemented");
  return NULL;
}
nb_doc *nb_read_html(const char *path, const char *data, size_t len,
                     const nb_read_options *opts, const nb_diag *diag,
                     nb_error *err) {
  return nb_read_article(path, data, len, opts, diag, err);
}
nb_doc *nb_read_markdown(const char *path, const char *data, size_t len,
                         const nb_read_options *opts, const nb_diag *diag,
                         nb_error *err) {
  return nb_read_article(path, data, len, opts, diag, err);
}
int nb_read_front_matter(nb_doc *doc, const char *path, const char *yaml,
                         size_t len, const nb_diag *diag) {
  (void)doc; (void)path; (void)yaml; (void)len; (void)diag;
  return 0;
}
int nb_read_feed(const char *path, const char *data, size_t len,
                 const nb_read_options *opts, const nb_diag *diag,
                 nb_feed_item_fn fn, void *userdata, nb_error *err) {
  (void)data; (void)len; (void)opts; (void)diag; (void)fn; (void)userdata;
  return nb_error_set(err, NB_ERR_UNSUPPORTED, path, 0, "feeds not implemented");
}
int nb_is_feed(const char *data, size_t len) { (void)data; (void)len; return 0; }
const nb_reader *nb_readers(void) {
  static const nb_reader table[] = {{"article", nb_read_article},
                                    {"html", nb_read_html},
                                    {"markdown", nb_read_markdown},
                                    {NULL, NULL}};
  return table;
}
