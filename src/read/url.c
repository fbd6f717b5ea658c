/* Relative references made absolute against the address a document came
 * from (RFC 3986 resolution by libxml2's xmlBuildURI). Only a result that
 * is http or https replaces the reference: a base that is a local path
 * leaves references to the resolver's own rules (relative to the file,
 * confined to its directory), and no base (xml:base="file:///etc/",
 * "javascript:...") can turn a reference into anything but the web. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include "read/read.h"
#include "util/util.h"

static int S_is_http(const char *s) {
  return strncasecmp(s, "http://", 7) == 0 ||
         strncasecmp(s, "https://", 8) == 0;
}

/* 1 when @p ref starts with a scheme ("mailto:", "data:"). */
static int S_has_scheme(const char *ref) {
  const char *p = ref;
  if (!isalpha((unsigned char)*p))
    return 0;
  while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':';
}

int nb_read__url_ok(const char *ref) {
  const unsigned char *p;
  while (ref && (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r'))
    ref++;
  if (!ref || !*ref || (S_has_scheme(ref) && !S_is_http(ref)))
    return 0;
  for (p = (const unsigned char *)ref; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return 0; /* a link is one line */
  return 1;
}

char *nb_read__resolve_url(const char *base, const char *ref) {
  xmlChar *r, *esc = NULL;
  char *out = NULL;
  const char *p = ref;
  if (!base || !ref || !S_is_http(base))
    return NULL;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  if (!*p || *p == '#' || S_has_scheme(p))
    return NULL;
  r = xmlBuildURI((const xmlChar *)p, (const xmlChar *)base);
  if (!r) {
    /* spaces, non-ASCII: escape what a URI cannot hold, keep the rest */
    esc = xmlURIEscapeStr((const xmlChar *)p,
                          (const xmlChar *)":/?#[]@!$&'()*+,;=%~");
    if (esc)
      r = xmlBuildURI(esc, (const xmlChar *)base);
  }
  if (r && S_is_http((const char *)r))
    out = nb_strdup((const char *)r);
  xmlFree(r);
  xmlFree(esc);
  return out;
}

/* Resolve one metadata value in place. */
static void S_meta(nb_doc *doc, const char *key, const char *base) {
  const char *v = nb_doc_get_meta(doc, key);
  char *abs = v ? nb_read__resolve_url(base, v) : NULL;
  if (abs)
    nb_doc_set_meta(doc, key, abs);
  free(abs);
}

int nb_read_resolve_urls(nb_doc *doc, const char *base) {
  nb_iter *it;
  nb_event ev;
  static const char *const keys[] = {
      "source", "headimg", "thumbnail", "banner_image", "external_url", NULL};
  size_t k;
  if (!doc || !base || !S_is_http(base))
    return 0;
  for (k = 0; keys[k]; k++)
    S_meta(doc, keys[k], base);
  it = nb_iter_new(nb_doc_root(doc));
  if (!it)
    return 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type t = nb_node_get_type(n);
    const char *u;
    char *abs;
    if (ev != NB_EVENT_ENTER || (t != NB_NODE_LINK && t != NB_NODE_IMAGE))
      continue;
    u = nb_node_get_url(n);
    abs = u ? nb_read__resolve_url(base, u) : NULL;
    if (abs && !nb_node_set_url(n, abs)) {
      free(abs);
      nb_iter_free(it);
      return 0;
    }
    free(abs);
  }
  nb_iter_free(it);
  return 1;
}
