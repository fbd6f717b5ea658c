/* URLs of a web page: which picture each <img> really shows, and links
 * made absolute.
 *
 * Pages load their pictures late: the <img> carries a placeholder (a data:
 * GIF, "blank.gif", "lazy.png") in src and the real address in data-src,
 * data-original, data-lazy-src, a srcset or a <picture>'s <source>, with a
 * plain <img> in <noscript> for browsers without scripts. Here each <img>
 * gets one absolute src, the attributes it came from are removed (so that
 * later readers do not choose again), and a <noscript> fallback replaces a
 * placeholder or, standing alone, is kept as the picture. Resolution is
 * libxml2's (RFC 3986). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "read/html.h"
#include "read/page.h"
#include "util/util.h"

char *nb_page__absolute(const char *ref, const char *base) {
  xmlChar *u;
  char *r;
  while (ref && isspace((unsigned char)*ref))
    ref++;
  if (!ref)
    return NULL;
  if (!base || !*ref || *ref == '#' || strncasecmp(ref, "data:", 5) == 0 ||
      strncasecmp(ref, "javascript:", 11) == 0 ||
      strncasecmp(ref, "mailto:", 7) == 0 || strncasecmp(ref, "tel:", 4) == 0)
    return nb_strdup(ref);
  if (strncmp(ref, "//", 2) == 0 && strncmp(base, "http:", 5) != 0 &&
      strncmp(base, "https:", 6) != 0) {
    /* a scheme-relative URL on a page read from disk */
    size_t n = strlen(ref);
    r = malloc(n + 7);
    if (r) {
      memcpy(r, "https:", 6);
      memcpy(r + 6, ref, n + 1);
    }
    return r;
  }
  u = xmlBuildURI((const xmlChar *)ref, (const xmlChar *)base);
  if (!u)
    return nb_strdup(ref);
  r = nb_strdup((const char *)u);
  xmlFree(u);
  return r;
}

/* ## Pictures */

static int S_icontains(const char *s, const char *sub) {
  size_t n = strlen(sub);
  for (; *s; s++)
    if (strncasecmp(s, sub, n) == 0)
      return 1;
  return 0;
}

/* A src that only holds the place of the real picture. */
static int S_placeholder(const char *src) {
  static const char *const marks[] = {
      "blank.", "spacer.",      "placeholder", "lazy",   "loading", "1x1",
      "pixel.", "transparent.", "grey.gif",    "empty.", NULL};
  size_t i;
  if (!src || !*src)
    return 1;
  if (strncasecmp(src, "data:", 5) == 0)
    return strlen(src) < 2048; /* a tiny inline GIF; a real image is big */
  for (i = 0; marks[i]; i++)
    if (S_icontains(src, marks[i]))
      return 1;
  return 0;
}

/* The candidate of a srcset a reader wants: with widths, the smallest one
 * at least 1000 px wide (a page-width picture on a tablet, not a 4K
 * original), else the widest; with densities, the one closest to 2x. */
static char *S_srcset_pick(const char *set) {
  const char *p = set;
  char *pick = NULL;
  double pick_v = -1;
  int by_width = 0;
  while (p && *p) {
    const char *u, *ue;
    double v = 1;
    int w = 0;
    while (*p && (isspace((unsigned char)*p) || *p == ','))
      p++;
    if (!*p)
      break;
    u = p;
    while (*p && !isspace((unsigned char)*p))
      p++;
    ue = p;
    if (ue > u && ue[-1] == ',') {
      ue--; /* "a.jpg, b.jpg 2x": no descriptor */
    } else {
      while (*p && isspace((unsigned char)*p))
        p++;
      if (*p && *p != ',') {
        char *end;
        v = strtod(p, &end);
        if (end == p)
          v = 1;
        else
          w = *end == 'w' || *end == 'W';
      }
      while (*p && *p != ',')
        p++;
    }
    if (ue == u)
      continue;
    if (w)
      by_width = 1;
    {
      int better;
      if (pick_v < 0)
        better = 1;
      else if (by_width)
        better = (pick_v < 1000 && v > pick_v) || (v >= 1000 && v < pick_v);
      else
        better = (v <= 2 && v > pick_v) || (pick_v > 2 && v < pick_v);
      if (better) {
        char *c = nb_strndup(u, (size_t)(ue - u));
        if (c) {
          free(pick);
          pick = c;
          pick_v = v;
        }
      }
    }
  }
  return pick;
}

/* The srcset of a <picture>'s <source> for @p img (which libxml2 may have
 * put inside the <source>, not knowing it is void). Borrowed or NULL. */
static const char *S_picture_set(const xmlNode *img) {
  const xmlNode *a = img->parent;
  int up;
  for (up = 0; a && up < 3 && a->type == XML_ELEMENT_NODE;
       up++, a = a->parent) {
    const xmlNode *s;
    const char *set;
    if (nb_page__is(a, "source") && ((set = nb_read__attr(a, "srcset")) ||
                                     (set = nb_read__attr(a, "data-srcset"))))
      return set;
    if (!nb_page__is(a, "picture"))
      continue;
    for (s = a->children; s; s = s->next)
      if (nb_page__is(s, "source") && ((set = nb_read__attr(s, "srcset")) ||
                                       (set = nb_read__attr(s, "data-srcset"))))
        return set;
  }
  return NULL;
}

static const char *const S_lazy[] = {"data-src",          "data-original",
                                     "data-lazy-src",     "data-actualsrc",
                                     "data-url",          "data-hi-res-src",
                                     "data-full-src",     "data-lazy",
                                     "data-original-src", NULL};

/* The address @p img shows, malloc'd, or NULL when it has none. */
static char *S_img_src(const xmlNode *img) {
  const char *src = nb_read__attr(img, "src"), *set;
  size_t i;
  for (i = 0; S_lazy[i]; i++) {
    const char *v = nb_read__attr(img, S_lazy[i]);
    if (v && *v && !S_placeholder(v))
      return nb_strdup(v);
  }
  if ((set = nb_read__attr(img, "data-srcset")) ||
      (set = nb_read__attr(img, "data-lazy-srcset")))
    return S_srcset_pick(set);
  if (src && !S_placeholder(src))
    return nb_strdup(src);
  if ((set = nb_read__attr(img, "srcset")) || (set = S_picture_set(img)))
    return S_srcset_pick(set);
  return NULL;
}

static void S_unset(xmlNode *el, const char *name) {
  xmlAttr *a = el->properties;
  while (a) {
    xmlAttr *next = a->next;
    if (a->name && strcasecmp((const char *)a->name, name) == 0)
      xmlRemoveProp(a);
    a = next;
  }
}

static void S_set(xmlNode *el, const char *name, const char *value) {
  xmlSetProp(el, (const xmlChar *)name, (const xmlChar *)value);
}

/* The first <img> below @p ns (a <noscript>), or NULL. */
static xmlNode *S_first_img(xmlNode *ns) {
  xmlNode *n = ns->children;
  while (n) {
    if (nb_page__is(n, "img"))
      return n;
    if (n->children && n->type == XML_ELEMENT_NODE) {
      n = n->children;
      continue;
    }
    while (n && n != ns && !n->next)
      n = n->parent;
    if (!n || n == ns)
      break;
    n = n->next;
  }
  return NULL;
}

/* The <img> a <noscript> stands in for: just before it, or the last one in
 * the element before it, if that picture has no real address. */
static xmlNode *S_lazy_twin(xmlNode *ns) {
  xmlNode *p = ns->prev;
  while (p && p->type == XML_TEXT_NODE && p->content &&
         strspn((const char *)p->content, " \t\r\n") ==
             strlen((const char *)p->content))
    p = p->prev;
  if (!p || p->type != XML_ELEMENT_NODE)
    return NULL;
  if (nb_page__is(p, "img"))
    return p;
  if (p->last && nb_page__is(p->last, "img"))
    return p->last;
  return NULL;
}

static void S_fix_img(xmlNode *img, const char *base) {
  char *src = S_img_src(img), *abs;
  size_t i;
  if (!src)
    return;
  abs = nb_page__absolute(src, base);
  free(src);
  if (!abs)
    return;
  for (i = 0; S_lazy[i]; i++)
    S_unset(img, S_lazy[i]);
  S_unset(img, "srcset");
  S_unset(img, "data-srcset");
  S_unset(img, "data-lazy-srcset");
  S_unset(img, "sizes");
  S_set(img, "src", abs);
  free(abs);
}

/* A <noscript> with a picture: fill its lazy twin's address, or stand in
 * for the picture itself. Returns what to continue the walk from. */
static xmlNode *S_noscript(xmlNode *ns, const char *base) {
  xmlNode *img = S_first_img(ns), *twin, *c;
  if (!img)
    return ns;
  twin = S_lazy_twin(ns);
  if (twin) {
    char *have = S_img_src(twin);
    const char *fallback = nb_read__attr(img, "src");
    if (!have && fallback && *fallback) {
      /* the twin was visited already: its address is made absolute here */
      char *abs = nb_page__absolute(fallback, base);
      if (abs)
        S_set(twin, "src", abs);
      free(abs);
    }
    free(have);
    return ns; /* the walk skips the <noscript> (and its duplicate) */
  }
  /* alone: its content is the picture, so it takes its place */
  while ((c = ns->children) != NULL) {
    xmlUnlinkNode(c);
    xmlAddPrevSibling(ns, c);
  }
  return ns;
}

void nb_page__fix_urls(xmlNode *root, const char *base) {
  xmlNode *n = root;
  while (n) {
    if (n->type == XML_ELEMENT_NODE && n->name) {
      if (nb_page__is(n, "noscript")) {
        xmlNode *first = n->prev;
        S_noscript(n, base);
        /* what moved out of it comes before it: visit that next */
        if (n->prev != first) {
          n = first ? first->next : n->parent->children;
          continue;
        }
      } else if (nb_page__is(n, "img")) {
        S_fix_img(n, base);
      } else if (base && (nb_page__is(n, "a") || nb_page__is(n, "area"))) {
        const char *href = nb_read__attr(n, "href");
        if (href && *href && *href != '#') {
          char *abs = nb_page__absolute(href, base);
          if (abs)
            S_set(n, "href", abs);
          free(abs);
        }
      }
      if (n->children && !nb_page__is(n, "noscript") &&
          !nb_page__is(n, "script") && !nb_page__is(n, "style")) {
        n = n->children;
        continue;
      }
    }
    while (n && n != root && !n->next)
      n = n->parent;
    if (!n || n == root)
      break;
    n = n->next;
  }
}
