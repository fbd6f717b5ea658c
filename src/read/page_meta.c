/* Metadata of a web page: title, authors, date, lead image, language,
 * canonical URL, description, from the sources pages actually fill in,
 * best first: JSON-LD, Open Graph and article: properties, other <meta>
 * conventions (Dublin Core, Parse.ly, Sailthru, citation_*), microdata,
 * and the markup itself (<title>, <h1>, <time>, <html lang>, bylines). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/html.h"
#include "read/page.h"
#include "util/util.h"

/* ## DOM helpers */

int nb_page__is(const xmlNode *el, const char *name) {
  return el && el->type == XML_ELEMENT_NODE && el->name &&
         strcmp((const char *)el->name, name) == 0;
}

char *nb_page__text(const xmlNode *node, size_t max) {
  nb_buf b = NB_BUF_INIT;
  const xmlNode *n = node;
  int sp = 0;
  if (!node)
    return NULL;
  if (node->type == XML_TEXT_NODE)
    n = node;
  else if (!(n = node->children))
    return nb_strdup("");
  while (n && b.len < max) {
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
        n->content) {
      const char *s = (const char *)n->content;
      for (; *s && b.len < max; s++) {
        if (isspace((unsigned char)*s)) {
          sp = b.len > 0;
          continue;
        }
        if (sp)
          nb_buf_putc(&b, ' ');
        sp = 0;
        nb_buf_putc(&b, *s);
      }
    } else if (n->type == XML_ELEMENT_NODE && n->children &&
               !nb_page__is(n, "script") && !nb_page__is(n, "style")) {
      n = n->children;
      continue;
    }
    if (n == node)
      break;
    while (n && n != node && !n->next)
      n = n->parent;
    if (!n || n == node)
      break;
    n = n->next;
  }
  if (b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  if (b.len >= max) {
    /* cut between characters */
    size_t cut = max;
    while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
      cut--;
    b.data[cut] = '\0';
    b.len = cut;
  }
  return b.data ? nb_buf_detach(&b) : nb_strdup("");
}

/* ## Collecting */

typedef struct S_found {
  /* <meta> conventions, each the first value seen */
  const char *og_title, *og_site, *og_image, *og_url, *og_desc, *og_locale;
  const char *tw_title, *tw_image, *desc, *published, *meta_date, *meta_author,
      *art_author, *content_lang, *app_name, *image_src;
  const char *itemprop_date, *itemprop_headline;
  const char *canonical, *base_href, *html_lang;
  const xmlNode *title_el, *h1, *time_el, *time_pub, *byline_el;
  const char *citation_authors[8];
  size_t ncitation;
} S_found;

static const char *S_nonempty(const char *s) {
  while (s && isspace((unsigned char)*s))
    s++;
  return s && *s ? s : NULL;
}

#define S_SET(field, v)                                                        \
  do {                                                                         \
    if (!f->field)                                                             \
      f->field = S_nonempty(v);                                                \
  } while (0)

static void S_meta(S_found *f, const xmlNode *el) {
  const char *key = nb_read__attr(el, "property");
  const char *content = nb_read__attr(el, "content");
  const char *equiv = nb_read__attr(el, "http-equiv");
  const char *itemprop = nb_read__attr(el, "itemprop");
  char k[64];
  size_t i;
  if (!content)
    return;
  if (equiv && strcasecmp(equiv, "content-language") == 0)
    S_SET(content_lang, content);
  if (itemprop && strcasecmp(itemprop, "datePublished") == 0)
    S_SET(itemprop_date, content);
  if (itemprop && strcasecmp(itemprop, "headline") == 0)
    S_SET(itemprop_headline, content);
  if (!key)
    key = nb_read__attr(el, "name");
  if (!key || strlen(key) >= sizeof k)
    return;
  for (i = 0; key[i]; i++)
    k[i] = (char)tolower((unsigned char)key[i]);
  k[i] = '\0';
  if (strcmp(k, "og:title") == 0)
    S_SET(og_title, content);
  else if (strcmp(k, "og:site_name") == 0)
    S_SET(og_site, content);
  else if (strcmp(k, "og:image") == 0 || strcmp(k, "og:image:url") == 0 ||
           strcmp(k, "og:image:secure_url") == 0)
    S_SET(og_image, content);
  else if (strcmp(k, "og:url") == 0)
    S_SET(og_url, content);
  else if (strcmp(k, "og:description") == 0)
    S_SET(og_desc, content);
  else if (strcmp(k, "og:locale") == 0)
    S_SET(og_locale, content);
  else if (strcmp(k, "twitter:title") == 0)
    S_SET(tw_title, content);
  else if (strcmp(k, "twitter:image") == 0 ||
           strcmp(k, "twitter:image:src") == 0)
    S_SET(tw_image, content);
  else if (strcmp(k, "description") == 0)
    S_SET(desc, content);
  else if (strcmp(k, "article:published_time") == 0 ||
           strcmp(k, "og:article:published_time") == 0)
    S_SET(published, content);
  else if (strcmp(k, "date") == 0 || strcmp(k, "pubdate") == 0 ||
           strcmp(k, "publishdate") == 0 || strcmp(k, "publish-date") == 0 ||
           strcmp(k, "publish_date") == 0 || strcmp(k, "dc.date") == 0 ||
           strcmp(k, "dc.date.issued") == 0 || strcmp(k, "dcterms.date") == 0 ||
           strcmp(k, "dcterms.created") == 0 ||
           strcmp(k, "sailthru.date") == 0 ||
           strcmp(k, "parsely-pub-date") == 0 ||
           strcmp(k, "citation_publication_date") == 0 ||
           strcmp(k, "citation_date") == 0 ||
           strcmp(k, "article.published") == 0)
    S_SET(meta_date, content);
  else if (strcmp(k, "author") == 0 || strcmp(k, "parsely-author") == 0 ||
           strcmp(k, "sailthru.author") == 0 || strcmp(k, "byl") == 0 ||
           strcmp(k, "dc.creator") == 0)
    S_SET(meta_author, content);
  else if (strcmp(k, "article:author") == 0)
    S_SET(art_author, content);
  else if (strcmp(k, "citation_author") == 0 && f->ncitation < 8)
    f->citation_authors[f->ncitation++] = content;
  else if (strcmp(k, "application-name") == 0)
    S_SET(app_name, content);
}

static int S_has_word(const char *list, const char *word) {
  size_t n = strlen(word);
  const char *p = list;
  while (p && *p) {
    while (isspace((unsigned char)*p))
      p++;
    if (strncasecmp(p, word, n) == 0 &&
        (p[n] == '\0' || isspace((unsigned char)p[n])))
      return 1;
    while (*p && !isspace((unsigned char)*p))
      p++;
  }
  return 0;
}

/* A class or id that marks a byline ("byline", "author-name"). */
static int S_byline_hint(const xmlNode *el) {
  const char *c = nb_read__attr(el, "class");
  const char *i = nb_read__attr(el, "id");
  const char *r = nb_read__attr(el, "rel");
  const char *ip = nb_read__attr(el, "itemprop");
  if (r && S_has_word(r, "author"))
    return 1;
  if (ip && strcasecmp(ip, "author") == 0)
    return 1;
  return (c && (strstr(c, "byline") || strstr(c, "author-name") ||
                strstr(c, "author_name"))) ||
         (i && strstr(i, "byline"));
}

/* One pass over the whole tree, in document order, iteratively. */
static void S_collect(const xmlNode *root, S_found *f) {
  const xmlNode *n = root;
  if (root) {
    S_SET(html_lang, nb_read__attr(root, "lang"));
    S_SET(html_lang, nb_read__attr(root, "xml:lang"));
  }
  while (n) {
    int descend = 1;
    if (n->type == XML_ELEMENT_NODE && n->name) {
      const char *name = (const char *)n->name;
      if (strcmp(name, "meta") == 0) {
        S_meta(f, n);
      } else if (strcmp(name, "link") == 0) {
        const char *rel = nb_read__attr(n, "rel");
        if (rel && S_has_word(rel, "canonical"))
          S_SET(canonical, nb_read__attr(n, "href"));
        else if (rel && S_has_word(rel, "image_src"))
          S_SET(image_src, nb_read__attr(n, "href"));
      } else if (strcmp(name, "base") == 0) {
        S_SET(base_href, nb_read__attr(n, "href"));
      } else if (strcmp(name, "title") == 0) {
        if (!f->title_el && n->parent && nb_page__is(n->parent, "head"))
          f->title_el = n;
        descend = 0;
      } else if (strcmp(name, "h1") == 0) {
        if (!f->h1)
          f->h1 = n;
      } else if (strcmp(name, "time") == 0 && nb_read__attr(n, "datetime")) {
        const char *ip = nb_read__attr(n, "itemprop");
        const char *cls = nb_read__attr(n, "class");
        if (!f->time_el)
          f->time_el = n;
        if (!f->time_pub && (nb_read__attr(n, "pubdate") ||
                             (ip && strcasecmp(ip, "datePublished") == 0) ||
                             (cls && strstr(cls, "publish"))))
          f->time_pub = n;
      } else if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
        descend = 0;
      } else if (!f->byline_el && S_byline_hint(n)) {
        f->byline_el = n;
      }
      if (n->children && descend) {
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

/* ## Choosing */

/* "By Jane Doe and John Roe" → "Jane Doe", "John Roe". */
static void S_add_authors(nb_page_meta *m, const char *s) {
  char *copy, *p, *part;
  if (!s || m->nauthors)
    return;
  while (isspace((unsigned char)*s))
    s++;
  if (strncasecmp(s, "by ", 3) == 0 || strncasecmp(s, "by:", 3) == 0)
    s += 3;
  while (isspace((unsigned char)*s) || *s == ':')
    s++;
  if (!*s || strlen(s) > 200 || strncmp(s, "http", 4) == 0 || strchr(s, '@'))
    return;
  copy = nb_strdup(s);
  if (!copy)
    return;
  /* " and " and "," separate names; "|" ends them */
  if ((p = strchr(copy, '|')) != NULL)
    *p = '\0';
  p = copy;
  while (p && *p && m->nauthors < 16) {
    char *sep = strstr(p, " and "), *comma = strchr(p, ','), *end, **v;
    size_t skip = 5;
    if (comma && (!sep || comma < sep)) {
      sep = comma;
      skip = 1;
    }
    end = sep ? sep : p + strlen(p);
    part = p;
    p = sep ? sep + skip : NULL;
    while (end > part && isspace((unsigned char)end[-1]))
      end--;
    while (part < end && isspace((unsigned char)*part))
      part++;
    if (end == part)
      continue;
    v = realloc(m->authors, (m->nauthors + 1) * sizeof *v);
    if (!v)
      break;
    m->authors = v;
    if ((v[m->nauthors] = nb_strndup(part, (size_t)(end - part))) != NULL)
      m->nauthors++;
  }
  free(copy);
}

static int S_date_ok(const char *s) {
  return s && nb_date_parse(s).valid;
}

/* "en_US" → "en-US"; NULL when it does not look like a language tag. */
static char *S_lang(const char *s) {
  char *l;
  size_t i, n;
  if (!s)
    return NULL;
  while (isspace((unsigned char)*s))
    s++;
  n = strcspn(s, " ,;");
  if (n < 2 || n > 35)
    return NULL;
  for (i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
      return NULL;
  if (!isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
    return NULL;
  l = nb_strndup(s, n);
  for (i = 0; l && l[i]; i++)
    if (l[i] == '_')
      l[i] = '-';
  return l;
}

/* Title separators: " | ", " - ", " – ", " — ", " :: ", " · ", " » ", "_",
 * and their full-width forms. Returns the separator's length at @p p, or
 * 0. */
static size_t S_sep(const char *p) {
  static const char *const seps[] = {" | ",
                                     " - ",
                                     " \xE2\x80\x93 ",
                                     " \xE2\x80\x94 ",
                                     " :: ",
                                     " \xC2\xB7 ",
                                     " \xC2\xBB ",
                                     " \xE2\x80\xBA ",
                                     "\xEF\xBD\x9C",
                                     " / ",
                                     "_",
                                     "\xE2\x80\x94\xE2\x80\x94",
                                     NULL};
  size_t i;
  for (i = 0; seps[i]; i++)
    if (strncmp(p, seps[i], strlen(seps[i])) == 0)
      return strlen(seps[i]);
  return 0;
}

/* Case-insensitive ASCII comparison of two spans, ignoring a leading
 * "the ". */
static int S_same(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  if (alen > 4 && strncasecmp(a, "the ", 4) == 0)
    a += 4, alen -= 4;
  if (blen > 4 && strncasecmp(b, "the ", 4) == 0)
    b += 4, blen -= 4;
  return alen == blen && strncasecmp(a, b, alen) == 0;
}

char *nb_page__clean_title(const char *title, const char *site_name,
                           const char *h1, int guess) {
  const char *segs[16];
  size_t lens[16], nseg = 0, i, best = 0, second = 0, bi = 0;
  const char *p, *start;
  if (!title)
    return NULL;
  if (h1 && *h1 && strlen(h1) >= 10 && strstr(title, h1))
    return nb_strdup(h1); /* the <title> holds the <h1>: that is it */
  start = p = title;
  while (*p && nseg < 15) {
    size_t k = S_sep(p);
    if (k) {
      segs[nseg] = start;
      lens[nseg++] = (size_t)(p - start);
      p += k;
      start = p;
    } else {
      p++;
    }
  }
  segs[nseg] = start;
  lens[nseg++] = strlen(start);
  if (nseg == 1)
    return nb_strdup(title);
  /* the site's name is a segment at either end: drop it */
  if (site_name && *site_name) {
    if (S_same(segs[nseg - 1], lens[nseg - 1], site_name))
      nseg--;
    else if (S_same(segs[0], lens[0], site_name)) {
      memmove(segs, segs + 1, (nseg - 1) * sizeof *segs);
      memmove(lens, lens + 1, (nseg - 1) * sizeof *lens);
      nseg--;
    }
  }
  if (nseg == 1)
    return nb_strndup(segs[0], lens[0]);
  if (!guess) /* a headline field: only the site's name is known not to be */
    return nb_strndup(segs[0],
                      (size_t)(segs[nseg - 1] + lens[nseg - 1] - segs[0]));
  /* one segment clearly longer than the rest is the headline ("Opinion |
   * Headline - Paper"); else the site's name is the last part */
  for (i = 0; i < nseg; i++)
    if (lens[i] > best) {
      second = best;
      best = lens[i];
      bi = i;
    } else if (lens[i] > second)
      second = lens[i];
  if (best >= 2 * second && best >= 16)
    return nb_strndup(segs[bi], lens[bi]);
  if (!site_name && lens[nseg - 1] <= 30 && lens[nseg - 1] < best)
    /* "Headline - Site": the short last part is most often the site */
    return nb_strndup(segs[0],
                      (size_t)(segs[nseg - 2] + lens[nseg - 2] - segs[0]));
  return nb_strndup(segs[0],
                    (size_t)(segs[nseg - 1] + lens[nseg - 1] - segs[0]));
}

static char *S_abs(const char *ref, const char *base) {
  return ref ? nb_page__absolute(ref, base) : NULL;
}

void nb_page__meta(xmlDoc *dom, const char *url, nb_page_meta *m) {
  xmlNode *root = xmlDocGetRootElement(dom);
  S_found f;
  nb_jsonld ld;
  char *h1 = NULL, *title = NULL;
  const char *site, *s;
  size_t i;

  memset(m, 0, sizeof *m);
  memset(&f, 0, sizeof f);
  memset(&ld, 0, sizeof ld);
  if (!root)
    return;
  S_collect(root, &f);
  nb_page__jsonld(root, &ld);

  /* where relative URLs point: <base>, the page's URL, its canonical */
  m->canonical = S_abs(f.canonical ? f.canonical : f.og_url, url);
  if (!m->canonical && ld.url)
    m->canonical = S_abs(ld.url, url);
  if (m->canonical && strncmp(m->canonical, "http", 4) != 0) {
    free(m->canonical); /* a relative canonical with nothing to resolve it */
    m->canonical = NULL;
  }
  if (!m->canonical && url)
    m->canonical = nb_strdup(url);
  if (f.base_href)
    m->base = S_abs(f.base_href, url ? url : m->canonical);
  else if (url || m->canonical)
    m->base = nb_strdup(url ? url : m->canonical);

  site = f.og_site ? f.og_site : ld.publisher ? ld.publisher : f.app_name;
  m->site_name = site ? nb_strdup(site) : NULL;
  if (f.h1)
    h1 = nb_page__text(f.h1, 2048);
  if (ld.headline)
    m->title = nb_page__clean_title(ld.headline, site, NULL, 0);
  else if ((s = f.og_title   ? f.og_title
                : f.tw_title ? f.tw_title
                             : f.itemprop_headline))
    m->title = nb_page__clean_title(s, site, h1, 0);
  else if (f.title_el && (title = nb_page__text(f.title_el, 4096)) && *title)
    m->title = nb_page__clean_title(title, site, h1, 1);
  else if (h1 && *h1)
    m->title = nb_strdup(h1);

  for (i = 0; i < ld.nauthors; i++)
    S_add_authors(m, ld.authors[i]);
  if (ld.nauthors > 1 && m->nauthors == 1) {
    /* each JSON-LD author is one name */
    for (i = 1; i < ld.nauthors; i++) {
      char **v = realloc(m->authors, (m->nauthors + 1) * sizeof *v);
      if (!v)
        break;
      m->authors = v;
      if ((v[m->nauthors] = nb_strdup(ld.authors[i])) != NULL)
        m->nauthors++;
    }
  }
  S_add_authors(m, f.meta_author);
  if (f.art_author && strncmp(f.art_author, "http", 4) != 0)
    S_add_authors(m, f.art_author);
  for (i = 0; i < f.ncitation && !m->nauthors; i++)
    S_add_authors(m, f.citation_authors[i]);
  if (!m->nauthors && f.byline_el) {
    char *b = nb_page__text(f.byline_el, 256);
    if (b && strlen(b) < 100)
      S_add_authors(m, b);
    free(b);
  }

  {
    const char *dates[5];
    char *tval = NULL;
    dates[0] = ld.date_published;
    dates[1] = f.published;
    dates[2] = f.meta_date;
    dates[3] = f.itemprop_date;
    dates[4] = NULL;
    for (i = 0; i < 4 && !m->date; i++)
      if (S_date_ok(dates[i]))
        m->date = nb_strdup(dates[i]);
    if (!m->date && (f.time_pub || f.time_el))
      tval = nb_strdup(
          nb_read__attr(f.time_pub ? f.time_pub : f.time_el, "datetime"));
    if (!m->date && S_date_ok(tval))
      m->date = tval;
    else
      free(tval);
  }

  s = f.og_image   ? f.og_image
      : f.tw_image ? f.tw_image
      : ld.image   ? ld.image
                   : f.image_src;
  if (s)
    m->image = S_abs(s, m->base);

  m->lang = S_lang(f.html_lang);
  if (!m->lang)
    m->lang = S_lang(f.content_lang);
  if (!m->lang)
    m->lang = S_lang(f.og_locale);
  if (!m->lang)
    m->lang = S_lang(ld.lang);

  s = f.desc ? f.desc : f.og_desc ? f.og_desc : ld.description;
  m->description = s ? nb_strdup(s) : NULL;
  if (ld.body) {
    m->ld_body = ld.body;
    ld.body = NULL;
  }
  free(h1);
  free(title);
  nb_page__jsonld_free(&ld);
}

void nb_page__meta_free(nb_page_meta *m) {
  size_t i;
  free(m->title);
  free(m->site_name);
  for (i = 0; i < m->nauthors; i++)
    free(m->authors[i]);
  free(m->authors);
  free(m->date);
  free(m->image);
  free(m->lang);
  free(m->canonical);
  free(m->description);
  free(m->base);
  free(m->ld_body);
  memset(m, 0, sizeof *m);
}
