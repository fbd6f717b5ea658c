/* The extractor's view of a page (extract.h): each element listed once in
 * document order, what kind of element it is, what its class and id hint
 * at, and how much text it holds — and the sums that flow up the tree for
 * one pass of the scorer. No recursion: the list is built by an iterative
 * walk and summed backwards. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/extract.h"
#include "read/html.h"
#include "read/page.h"
#include "util/util.h"

/* ## Tags */

typedef struct S_tag {
  const char *name;
  x_tag tag;
} S_tag;

/* Sorted by name for bsearch. */
static const S_tag S_tags[] = {
    {"a", X_A},
    {"abbr", X_INLINE},
    {"address", X_DIV},
    {"applet", X_JUNK},
    {"article", X_DIV},
    {"aside", X_ASIDE},
    {"audio", X_JUNK},
    {"b", X_INLINE},
    {"bdi", X_INLINE},
    {"bdo", X_INLINE},
    {"big", X_INLINE},
    {"blockquote", X_QUOTE},
    {"br", X_BR},
    {"button", X_JUNK},
    {"canvas", X_JUNK},
    {"caption", X_FIGCAPTION},
    {"center", X_DIV},
    {"cite", X_INLINE},
    {"code", X_INLINE},
    {"datalist", X_JUNK},
    {"dd", X_LI},
    {"del", X_INLINE},
    {"details", X_DIV},
    {"dfn", X_INLINE},
    {"dialog", X_JUNK},
    {"div", X_DIV},
    {"dl", X_LIST},
    {"dt", X_LI},
    {"em", X_INLINE},
    {"embed", X_JUNK},
    {"fieldset", X_FORM},
    {"figcaption", X_FIGCAPTION},
    {"figure", X_FIGURE},
    {"font", X_INLINE},
    {"footer", X_FOOTER},
    {"form", X_FORM},
    {"frame", X_JUNK},
    {"frameset", X_JUNK},
    {"h1", X_HEADING},
    {"h2", X_HEADING},
    {"h3", X_HEADING},
    {"h4", X_HEADING},
    {"h5", X_HEADING},
    {"h6", X_HEADING},
    {"head", X_JUNK},
    {"header", X_HEADER},
    {"hgroup", X_DIV},
    {"hr", X_HR},
    {"i", X_INLINE},
    {"iframe", X_JUNK},
    {"img", X_IMG},
    {"input", X_JUNK},
    {"ins", X_INLINE},
    {"kbd", X_INLINE},
    {"label", X_INLINE},
    {"li", X_LI},
    {"link", X_JUNK},
    {"main", X_DIV},
    {"map", X_JUNK},
    {"mark", X_INLINE},
    {"math", X_INLINE},
    {"menu", X_LIST},
    {"meta", X_JUNK},
    {"meter", X_JUNK},
    {"nav", X_NAV},
    {"noscript", X_JUNK},
    {"object", X_JUNK},
    {"ol", X_LIST},
    {"option", X_JUNK},
    {"output", X_JUNK},
    {"p", X_P},
    {"param", X_JUNK},
    {"picture", X_INLINE},
    {"pre", X_PRE},
    {"progress", X_JUNK},
    {"q", X_INLINE},
    {"rp", X_INLINE},
    {"rt", X_INLINE},
    {"ruby", X_INLINE},
    {"s", X_INLINE},
    {"samp", X_INLINE},
    {"script", X_JUNK},
    {"section", X_DIV},
    {"select", X_JUNK},
    {"small", X_INLINE},
    {"source", X_INLINE},
    {"span", X_INLINE},
    {"strike", X_INLINE},
    {"strong", X_INLINE},
    {"style", X_JUNK},
    {"sub", X_INLINE},
    {"summary", X_DIV},
    {"sup", X_INLINE},
    {"svg", X_JUNK},
    {"table", X_TABLE},
    {"tbody", X_OTHER},
    {"td", X_TD},
    {"template", X_JUNK},
    {"textarea", X_JUNK},
    {"tfoot", X_OTHER},
    {"th", X_TD},
    {"thead", X_OTHER},
    {"time", X_INLINE},
    {"title", X_JUNK},
    {"tr", X_TR},
    {"tt", X_INLINE},
    {"u", X_INLINE},
    {"ul", X_LIST},
    {"var", X_INLINE},
    {"video", X_JUNK},
    {"wbr", X_INLINE},
};

static int S_tag_cmp(const void *key, const void *e) {
  return strcmp((const char *)key, ((const S_tag *)e)->name);
}

static x_tag S_tag_of(const xmlNode *el) {
  const S_tag *t;
  if (!el->name)
    return X_OTHER;
  if (el->ns && el->ns->prefix)
    return X_JUNK; /* <xi:include>, <fb:like>: not HTML */
  t = bsearch(el->name, S_tags, sizeof S_tags / sizeof *S_tags, sizeof *S_tags,
              S_tag_cmp);
  /* an element HTML does not define (a custom element, <hl-source>) is
   * inline, as a browser displays it */
  return t ? t->tag : X_INLINE;
}

static int S_is_block(x_tag t) {
  return t != X_INLINE && t != X_A && t != X_IMG && t != X_BR;
}

/* ## Hints */

/* Words of class and id, lower-cased, separated by single spaces, with
 * a space at both ends, so that " word " finds a whole word. */
static size_t S_words(const xmlNode *el, char *buf, size_t size) {
  const char *attrs[2];
  size_t n = 0, k;
  attrs[0] = nb_read__attr(el, "class");
  attrs[1] = nb_read__attr(el, "id");
  buf[n++] = ' ';
  for (k = 0; k < 2; k++) {
    const char *p = attrs[k];
    if (!p)
      continue;
    for (; *p && n + 2 < size; p++) {
      char c = (char)tolower((unsigned char)*p);
      if (isspace((unsigned char)c)) {
        if (buf[n - 1] != ' ')
          buf[n++] = ' ';
      } else {
        buf[n++] = c;
      }
    }
    if (buf[n - 1] != ' ')
      buf[n++] = ' ';
  }
  buf[n] = '\0';
  return n;
}

static int S_any(const char *s, const char *const *subs) {
  for (; *subs; subs++)
    if (strstr(s, *subs))
      return 1;
  return 0;
}

/* Whole words after splitting on anything that is not a letter or digit:
 * "ad" in "ad-slot top-ad" but not in "header" or "read". */
static int S_token(const char *s, const char *const *words) {
  const char *p = s;
  while (*p) {
    const char *w;
    size_t len, k;
    while (*p && !isalnum((unsigned char)*p))
      p++;
    w = p;
    while (isalnum((unsigned char)*p))
      p++;
    len = (size_t)(p - w);
    if (!len)
      continue;
    for (k = 0; words[k]; k++)
      if (strlen(words[k]) == len && memcmp(words[k], w, len) == 0)
        return 1;
  }
  return 0;
}

static const char *const S_pos[] = {
    "article", "body", "content", "entry", "hentry", "h-entry", "main",
    "page",    "post", "text",    "blog",  "story",  NULL};
static const char *const S_neg[] = {
    "hidden",  "banner",     "combx",    "comment",  "com-",     "contact",
    "foot",    "gdpr",       "masthead", "meta",     "outbrain", "promo",
    "related", "scroll",     "share",    "shoutbox", "sidebar",  "skyscraper",
    "sponsor", "shopping",   "tags",     "tool",     "widget",   "social",
    "subscri", "newsletter", "popup",    "modal",    "cookie",   "breadcrumb",
    "taboola", "recommend",  "trending", "popular",  "nav",      "menu",
    "signup",  "sign-up",    "login",    NULL};
static const char *const S_neg_words[] = {"ad", "ads", "advert", NULL};
static const char *const S_unlikely[] = {
    "-ad-",         "ai2html",    "banner",  "breadcrumbs", "combx",  "comment",
    "community",    "cover-wrap", "disqus",  "extra",       "footer", "gdpr",
    "header",       "legends",    "menu",    "related",     "remark", "replies",
    "rss",          "shoutbox",   "sidebar", "skyscraper",  "social", "sponsor",
    "supplemental", "ad-break",   "agegate", "pagination",  "pager",  "popup",
    "yom-remote",   "newsletter", "cookie",  "consent",     NULL};
static const char *const S_maybe[] = {"and",     "article", "body",   "column",
                                      "content", "main",    "shadow", NULL};
static const char *const S_boiler[] = {"share",
                                       "sharing",
                                       "social",
                                       "related",
                                       "recommend",
                                       "newsletter",
                                       "subscri",
                                       "signup",
                                       "sign-up",
                                       "byline",
                                       "author",
                                       "tag-list",
                                       "taglist",
                                       "breadcrumb",
                                       "promo",
                                       "advert",
                                       "ad-slot",
                                       "ad-container",
                                       "adsbygoogle",
                                       "ad-unit",
                                       "adunit",
                                       "sponsor",
                                       "outbrain",
                                       "taboola",
                                       "comment",
                                       "disqus",
                                       "toolbar",
                                       "rating",
                                       "more-stories",
                                       "read-more",
                                       "readmore",
                                       "most-popular",
                                       "mostpopular",
                                       "trending",
                                       "timestamp",
                                       "dateline",
                                       "pagination",
                                       "cookie",
                                       "consent",
                                       "paywall",
                                       "print-",
                                       "follow",
                                       "feedback",
                                       "donate",
                                       "jp-relatedposts",
                                       "post-meta",
                                       "entry-meta",
                                       "article-meta",
                                       "meta-data",
                                       "metadata",
                                       "further-reading",
                                       "see-also",
                                       "disclaimer",
                                       "bio",
                                       "about-the-author",
                                       NULL};
static const char *const S_boiler_words[] = {"ad",   "ads",   "tags",  "nav",
                                             "meta", "date",  "print", "tools",
                                             "hide", "share", "cta",   NULL};
static const char *const S_caption[] = {"caption", "credit", NULL};
static const char *const S_comments[] = {"comment", "disqus", "respond",
                                         "replies", NULL};
static const char *const S_body[] = {
    "articlebody",    "article-body",    "article__body",
    "article_body",   "article-content", "article__content",
    "articlecontent", "entry-content",   "post-content",
    "post-body",      "postbody",        "story-body",
    "articletext",    "article-text",    "post-entry",
    "storycontent",   "story-content",   "body-text",
    "post_content",   "content-body",    NULL};

/* A class that hides its element from readers: whole class names only
 * ("field--label-hidden" hides a label, "hidden-xs" hides on phones). */
static int S_hidden_class(const char *cls) {
  static const char *const hide[] = {"hidden",
                                     "hide",
                                     "is-hidden",
                                     "d-none",
                                     "sr-only",
                                     "visually-hidden",
                                     "visuallyhidden",
                                     "screen-reader-text",
                                     "invisible",
                                     "offscreen",
                                     NULL};
  const char *p = cls;
  while (p && *p) {
    const char *w;
    size_t n, k;
    while (isspace((unsigned char)*p))
      p++;
    w = p;
    while (*p && !isspace((unsigned char)*p))
      p++;
    n = (size_t)(p - w);
    for (k = 0; n && hide[k]; k++)
      if (strlen(hide[k]) == n && strncasecmp(w, hide[k], n) == 0)
        return 1;
  }
  return 0;
}

/* A marker of the article's text that ends its class name, or is
 * followed only by a BEM modifier ("article-body--wide") or a BEM element
 * that is more of the same ("article-body__content"): in
 * "article-body__newsletter" it names the block the newsletter sits in,
 * not the newsletter. */
static int S_marker(const char *w, const char *const *markers) {
  static const char *const same[] = {"content",   "text", "inner", "wrapper",
                                     "container", "body", "main",  NULL};
  for (; *markers; markers++) {
    const char *p = w;
    size_t n = strlen(*markers);
    while ((p = strstr(p, *markers)) != NULL) {
      const char *after = p + n;
      size_t k;
      p = after;
      if (*after == ' ' || (after[0] == '-' && after[1] == '-'))
        return 1;
      if (after[0] != '_' || after[1] != '_')
        continue;
      for (k = 0; same[k]; k++) {
        size_t m = strlen(same[k]);
        if (strncmp(after + 2, same[k], m) == 0 &&
            (after[2 + m] == ' ' || after[2 + m] == '-' || after[2 + m] == '_'))
          return 1;
      }
    }
  }
  return 0;
}

unsigned x_hints(const xmlNode *el) {
  char w[512];
  unsigned h = 0;
  const char *v;
  if ((v = nb_read__attr(el, "hidden")) != NULL)
    h |= X_HINT_HIDDEN;
  if ((v = nb_read__attr(el, "aria-hidden")) && strcasecmp(v, "true") == 0)
    h |= X_HINT_HIDDEN;
  if ((v = nb_read__attr(el, "style")) != NULL) {
    char s[256];
    size_t i, n = 0;
    for (i = 0; v[i] && n + 1 < sizeof s; i++)
      if (!isspace((unsigned char)v[i]))
        s[n++] = (char)tolower((unsigned char)v[i]);
    s[n] = '\0';
    if (strstr(s, "display:none") || strstr(s, "visibility:hidden"))
      h |= X_HINT_HIDDEN;
  }
  if ((v = nb_read__attr(el, "itemprop")) && strcasecmp(v, "articleBody") == 0)
    h |= X_HINT_BODY | X_HINT_POS;
  if ((v = nb_read__attr(el, "role")) != NULL) {
    if (strcasecmp(v, "navigation") == 0 || strcasecmp(v, "banner") == 0 ||
        strcasecmp(v, "contentinfo") == 0 ||
        strcasecmp(v, "complementary") == 0 || strcasecmp(v, "search") == 0 ||
        strcasecmp(v, "dialog") == 0 || strcasecmp(v, "alertdialog") == 0 ||
        strcasecmp(v, "menu") == 0 || strcasecmp(v, "menubar") == 0)
      h |= X_HINT_UNLIKELY | X_HINT_NEG | X_HINT_BOILER;
    if (strcasecmp(v, "article") == 0 || strcasecmp(v, "main") == 0)
      h |= X_HINT_POS;
  }
  if (S_words(el, w, sizeof w) <= 1)
    return h;
  if (S_hidden_class(nb_read__attr(el, "class")))
    h |= X_HINT_HIDDEN;
  if (S_any(w, S_pos))
    h |= X_HINT_POS;
  if (S_any(w, S_neg) || S_token(w, S_neg_words))
    h |= X_HINT_NEG;
  if (S_any(w, S_unlikely) && !S_any(w, S_maybe))
    h |= X_HINT_UNLIKELY;
  if (S_any(w, S_boiler) || S_token(w, S_boiler_words))
    h |= X_HINT_BOILER;
  if (S_any(w, S_caption))
    h |= X_HINT_CAPTION;
  if (S_any(w, S_comments))
    h |= X_HINT_COMMENTS;
  if (S_marker(w, S_body))
    h |= X_HINT_BODY;
  return h;
}

/* ## Listing */

/* Characters and commas of a text: CJK characters count twice. */
static void S_count(const char *s, uint32_t *chars, uint32_t *commas) {
  size_t i = 0, len = strlen(s);
  uint32_t c = 0, k = 0;
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    uint32_t cp;
    if (b < 0x80) {
      if (!isspace(b))
        c++;
      if (b == ',')
        k++;
      i++;
      continue;
    }
    i += nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp == 0xA0 || cp == 0x3000 || cp == 0x200B)
      continue;
    if (cp == 0xFF0C || cp == 0x3001)
      k++;
    c += nb_is_cjk(cp) ? 2 : 1;
  }
  *chars += c;
  *commas += k;
}

static int S_push(x_page *pg, xmlNode *node, long parent) {
  x_el *e;
  if (pg->n == pg->cap) {
    size_t ncap = pg->cap ? pg->cap * 2 : 256;
    x_el *v = nb_reallocarray(pg->els, ncap, sizeof *v);
    if (!v)
      return 0;
    pg->els = v;
    pg->cap = ncap;
  }
  e = &pg->els[pg->n];
  memset(e, 0, sizeof *e);
  e->node = node;
  e->parent = parent;
  e->tag = S_tag_of(node);
  e->block = S_is_block(e->tag);
  e->hints = e->tag == X_JUNK ? 0 : x_hints(node);
  if (parent >= 0 && e->block)
    pg->els[parent].has_block_child = 1;
  if (parent >= 0) {
    const x_el *p = &pg->els[parent];
    e->depth = p->depth + 1;
    e->in_link = p->in_link || e->tag == X_A;
    e->block_owner = e->block ? (long)pg->n : p->block_owner;
  } else {
    e->in_link = e->tag == X_A;
    e->block_owner = (long)pg->n;
  }
  node->_private = (void *)(intptr_t)(pg->n + 1);
  pg->n++;
  return 1;
}

int x_list(x_page *pg) {
  xmlNode *n;
  long cur = 0; /* the element whose children are being walked */
  pg->n = 0;
  if (!pg->body)
    return 0;
  if (!S_push(pg, pg->body, -1))
    return -1;
  n = pg->body->children;
  while (n) {
    xmlNode *next = n->next;
    if (n->type == XML_ELEMENT_NODE) {
      if (S_tag_of(n) == X_JUNK) {
        /* never content: out of the tree now, so no pass sees it */
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        n = NULL;
      } else {
        if (!S_push(pg, n, cur))
          return -1;
        if (n->children) {
          cur = (long)pg->n - 1;
          n = n->children;
          continue;
        }
      }
    } else if ((n->type == XML_TEXT_NODE ||
                n->type == XML_CDATA_SECTION_NODE) &&
               n->content) {
      x_el *e = &pg->els[cur], *owner = &pg->els[e->block_owner];
      uint32_t c = 0, k = 0;
      S_count((const char *)n->content, &c, &k);
      owner->own_chars += c;
      owner->own_commas += k;
      if (e->in_link)
        owner->own_link_chars += c;
    }
    /* on to the next sibling, climbing out of finished elements */
    while (!next) {
      xmlNode *up = pg->els[cur].node;
      if (cur == 0)
        return 0;
      next = up->next;
      cur = pg->els[cur].parent;
    }
    n = next;
  }
  return 0;
}

void x_sums(x_page *pg) {
  size_t i;
  x_sum *s = pg->sum;
  /* exclusion flows down */
  for (i = 1; i < pg->n; i++)
    if (s[pg->els[i].parent].excluded)
      s[i].excluded = 2; /* by an ancestor */
  for (i = 0; i < pg->n; i++) {
    int ex = s[i].excluded;
    double score = s[i].score;
    int cand = s[i].candidate;
    memset(&s[i], 0, sizeof s[i]);
    s[i].excluded = ex;
    s[i].score = score;
    s[i].candidate = cand;
  }
  for (i = pg->n; i-- > 0;) {
    const x_el *e = &pg->els[i];
    x_sum *t = &s[i];
    if (t->excluded)
      continue;
    t->chars += e->own_chars;
    t->link_chars += e->own_link_chars;
    t->commas += e->own_commas;
    if (e->block && e->own_chars >= X_PARA_MIN &&
        (e->tag == X_P || e->tag == X_DIV || e->tag == X_TD ||
         e->tag == X_PRE || e->tag == X_QUOTE || e->tag == X_OTHER ||
         e->tag == X_LI)) {
      t->paras++;
      if (e->own_link_chars * 2 < e->own_chars)
        t->para_chars += e->own_chars;
    }
    /* a <div> of text is a paragraph too (Readability turns them into
     * <p> before counting) */
    t->ps += e->tag == X_P || ((e->tag == X_DIV || e->tag == X_OTHER) &&
                               !e->has_block_child && e->own_chars > 0);
    t->imgs += e->tag == X_IMG;
    t->lis += e->tag == X_LI;
    t->headings += e->tag == X_HEADING;
    if (e->tag == X_HEADING)
      t->heading_chars = t->chars;
    if (e->tag == X_LI)
      t->li_chars = t->chars;
    if (e->parent >= 0) {
      x_sum *p = &s[e->parent];
      p->chars += t->chars;
      p->link_chars += t->link_chars;
      p->commas += t->commas;
      p->paras += t->paras;
      p->para_chars += t->para_chars;
      p->ps += t->ps;
      p->imgs += t->imgs;
      p->lis += t->lis;
      p->headings += t->headings;
      p->heading_chars += t->heading_chars;
      p->li_chars += t->li_chars;
    }
  }
}

double x_link_density(const x_page *pg, size_t i) {
  const x_sum *s = &pg->sum[i];
  return s->chars ? (double)s->link_chars / (double)s->chars : 0;
}

int x_contains(const x_page *pg, long a, long b) {
  while (b >= 0) {
    if (b == a)
      return 1;
    if (pg->els[b].depth <= (a >= 0 ? pg->els[a].depth : -1))
      return 0;
    b = pg->els[b].parent;
  }
  return 0;
}
