/* The default page reader: a fetched web page read whole by the HTML
 * reader. It stands in for the article extractor (which plugs in through
 * nb_acquire_options.read_page) and so extracts nothing; it only does what
 * a page from the web needs beyond a local .html file: the HTTP charset
 * applied when the bytes are not UTF-8 (the HTML reader handles a page
 * that declares its legacy charset itself), the URL as the source instead
 * of a path, relative references made absolute. */
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newsbook/acquire.h"
#include "util/util.h"

/* @p data converted from @p charset to UTF-8, all or nothing; malloc'd,
 * NULL when iconv does not know the charset or a byte does not convert. */
static char *S_to_utf8(const char *charset, const char *data, size_t len,
                       size_t *out_len) {
  iconv_t cd = iconv_open("UTF-8", charset);
  char *out, *in = (char *)data, *o;
  size_t inleft = len, outleft, cap;
  if (cd == (iconv_t)-1)
    return NULL;
  if (len > (SIZE_MAX - 1) / 4) {
    iconv_close(cd);
    return NULL;
  }
  cap = len * 4 + 1;
  out = malloc(cap);
  if (!out) {
    iconv_close(cd);
    return NULL;
  }
  o = out;
  outleft = cap - 1;
  if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft) {
    free(out);
    iconv_close(cd);
    return NULL;
  }
  iconv_close(cd);
  *o = '\0';
  *out_len = (size_t)(o - out);
  return out;
}

nb_doc *nb_acquire_read_page(void *userdata, const char *url, const char *data,
                             size_t len, const char *charset,
                             const nb_read_options *opts, const nb_diag *diag,
                             nb_error *err) {
  char *converted = NULL;
  size_t clen = 0;
  nb_doc *doc;
  (void)userdata;
  if (charset && strcasecmp(charset, "utf-8") != 0 &&
      strcasecmp(charset, "utf8") != 0 && !nb_utf8_valid(data, len)) {
    converted = S_to_utf8(charset, data, len, &clen);
    if (converted) {
      data = converted;
      len = clen;
    } else {
      nb_diag_emit(diag, NB_SEV_WARNING, "encoding", url, 0, url,
                   "the page is not in %s, as its server says: read as "
                   "its own declaration or UTF-8",
                   charset);
    }
  }
  doc = nb_read_html(url, data, len, opts, diag, err);
  free(converted);
  if (!doc)
    return NULL;
  nb_doc_set_meta(doc, "path", NULL);
  if (url && !nb_doc_get_meta(doc, "source"))
    nb_doc_set_meta(doc, "source", url);
  if (url)
    nb_read_resolve_urls(doc, url);
  return doc;
}
