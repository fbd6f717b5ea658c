/* The default page reader of fetched pages: the web-page reader
 * (nb_read_page: charset from the bytes, the HTTP header and <meta>; the
 * article extracted from the page; links and images made absolute), with
 * the URL as the source when the page names no canonical one, and no
 * file path (the document came from the network). A caller may plug in
 * another through nb_acquire_options.read_page. */
#include "newsbook/acquire.h"

nb_doc *nb_acquire_read_page(void *userdata, const char *url, const char *data,
                             size_t len, const char *charset,
                             const nb_read_options *opts, const nb_diag *diag,
                             nb_error *err) {
  nb_doc *doc;
  (void)userdata;
  doc = nb_read_page(url, url, data, len, charset, opts, diag, err);
  if (!doc)
    return NULL;
  nb_doc_set_meta(doc, "path", NULL);
  if (url && !nb_doc_get_meta(doc, "source"))
    nb_doc_set_meta(doc, "source", url);
  return doc;
}
