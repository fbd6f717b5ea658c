/* What HTML elements mean to the HTML reader (a sorted table, looked up
 * by name) and the attribute helpers it needs: which URL an <img> really
 * stands for (lazy loaders, srcset, <picture>), alignment, code language.
 * No state: the walk that uses them is html.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/html.h"
#include "util/util.h"

/* ## Element classes */

typedef struct S_elem {
  const char *name;
  nb_html_kind kind;
  nb_node_type type; /* for NB_HTML_INLINE */
} S_elem;

/* Sorted by name for bsearch. */
static const S_elem S_elems[] = {
    {"a", NB_HTML_INLINE, NB_NODE_LINK},
    {"address", NB_HTML_SOFT, NB_NODE_NONE},
    {"applet", NB_HTML_EMBED, NB_NODE_NONE},
    {"article", NB_HTML_SOFT, NB_NODE_NONE},
    {"aside", NB_HTML_SOFT, NB_NODE_NONE},
    {"audio", NB_HTML_EMBED, NB_NODE_NONE},
    {"b", NB_HTML_INLINE, NB_NODE_STRONG},
    {"base", NB_HTML_SKIP, NB_NODE_NONE},
    {"blockquote", NB_HTML_QUOTE, NB_NODE_NONE},
    {"body", NB_HTML_SOFT, NB_NODE_NONE},
    {"br", NB_HTML_BR, NB_NODE_NONE},
    {"button", NB_HTML_TRANSPARENT, NB_NODE_NONE},
    {"caption", NB_HTML_TCAPTION, NB_NODE_NONE},
    {"center", NB_HTML_SOFT, NB_NODE_NONE},
    {"cite", NB_HTML_INLINE, NB_NODE_EMPH},
    {"code", NB_HTML_INLINE, NB_NODE_CODE},
    {"datalist", NB_HTML_TRANSPARENT, NB_NODE_NONE},
    {"dd", NB_HTML_SOFT, NB_NODE_NONE},
    {"del", NB_HTML_INLINE, NB_NODE_STRIKE},
    {"details", NB_HTML_SOFT, NB_NODE_NONE},
    {"dfn", NB_HTML_INLINE, NB_NODE_EMPH},
    {"dir", NB_HTML_LIST, NB_NODE_NONE},
    {"div", NB_HTML_SOFT, NB_NODE_NONE},
    {"dl", NB_HTML_SOFT, NB_NODE_NONE},
    {"dt", NB_HTML_SOFT, NB_NODE_NONE},
    {"em", NB_HTML_INLINE, NB_NODE_EMPH},
    /* embed is void, but libxml2 2.9 nests what follows inside it: its
     * children are walked (the element itself is a placeholder) */
    {"embed", NB_HTML_EMBED, NB_NODE_NONE},
    {"fieldset", NB_HTML_SOFT, NB_NODE_NONE},
    {"figcaption", NB_HTML_FIGCAPTION, NB_NODE_NONE},
    {"figure", NB_HTML_FIGURE, NB_NODE_NONE},
    {"footer", NB_HTML_SOFT, NB_NODE_NONE},
    {"form", NB_HTML_SOFT, NB_NODE_NONE}, /* ASP.NET wraps whole pages */
    {"frame", NB_HTML_SKIP, NB_NODE_NONE},
    {"frameset", NB_HTML_TRANSPARENT, NB_NODE_NONE}, /* <noframes> */
    {"h1", NB_HTML_HEADING, NB_NODE_NONE},
    {"h2", NB_HTML_HEADING, NB_NODE_NONE},
    {"h3", NB_HTML_HEADING, NB_NODE_NONE},
    {"h4", NB_HTML_HEADING, NB_NODE_NONE},
    {"h5", NB_HTML_HEADING, NB_NODE_NONE},
    {"h6", NB_HTML_HEADING, NB_NODE_NONE},
    {"head", NB_HTML_SKIP, NB_NODE_NONE},
    {"header", NB_HTML_SOFT, NB_NODE_NONE},
    {"hgroup", NB_HTML_SOFT, NB_NODE_NONE},
    {"hr", NB_HTML_HR, NB_NODE_NONE},
    {"html", NB_HTML_SOFT, NB_NODE_NONE},
    {"i", NB_HTML_INLINE, NB_NODE_EMPH},
    {"iframe", NB_HTML_EMBED, NB_NODE_NONE},
    {"img", NB_HTML_IMG, NB_NODE_NONE},
    {"input", NB_HTML_CONTROL, NB_NODE_NONE},
    {"ins", NB_HTML_INLINE, NB_NODE_UNDERLINE},
    {"kbd", NB_HTML_INLINE, NB_NODE_CODE},
    {"legend", NB_HTML_SOFT, NB_NODE_NONE},
    {"li", NB_HTML_ITEM, NB_NODE_NONE},
    {"link", NB_HTML_SKIP, NB_NODE_NONE},
    {"listing", NB_HTML_PRE, NB_NODE_NONE},
    {"main", NB_HTML_SOFT, NB_NODE_NONE},
    {"menu", NB_HTML_LIST, NB_NODE_NONE},
    {"meta", NB_HTML_SKIP, NB_NODE_NONE},
    {"nav", NB_HTML_SOFT, NB_NODE_NONE},
    {"noscript", NB_HTML_TRANSPARENT, NB_NODE_NONE},
    {"object", NB_HTML_EMBED, NB_NODE_NONE},
    {"ol", NB_HTML_LIST, NB_NODE_NONE},
    {"optgroup", NB_HTML_CONTROL, NB_NODE_NONE},
    {"option", NB_HTML_CONTROL, NB_NODE_NONE},
    {"p", NB_HTML_PARA, NB_NODE_NONE},
    {"param", NB_HTML_SKIP, NB_NODE_NONE},
    {"plaintext", NB_HTML_PRE, NB_NODE_NONE},
    {"pre", NB_HTML_PRE, NB_NODE_NONE},
    {"rp", NB_HTML_SKIP, NB_NODE_NONE},
    {"rt", NB_HTML_INLINE, NB_NODE_RUBY_TEXT},
    {"ruby", NB_HTML_INLINE, NB_NODE_RUBY},
    {"s", NB_HTML_INLINE, NB_NODE_STRIKE},
    {"samp", NB_HTML_INLINE, NB_NODE_CODE},
    {"script", NB_HTML_SKIP, NB_NODE_NONE},
    {"section", NB_HTML_SOFT, NB_NODE_NONE},
    {"select", NB_HTML_CONTROL, NB_NODE_NONE},
    {"strike", NB_HTML_INLINE, NB_NODE_STRIKE},
    {"strong", NB_HTML_INLINE, NB_NODE_STRONG},
    {"style", NB_HTML_SKIP, NB_NODE_NONE},
    {"sub", NB_HTML_INLINE, NB_NODE_SUB},
    {"summary", NB_HTML_SOFT, NB_NODE_NONE},
    {"sup", NB_HTML_INLINE, NB_NODE_SUP},
    {"table", NB_HTML_TABLE, NB_NODE_NONE},
    {"td", NB_HTML_CELL, NB_NODE_NONE},
    {"template", NB_HTML_TRANSPARENT, NB_NODE_NONE},
    {"textarea", NB_HTML_PRE, NB_NODE_NONE},
    {"th", NB_HTML_CELL, NB_NODE_NONE},
    {"thead", NB_HTML_THEAD, NB_NODE_NONE},
    {"title", NB_HTML_TRANSPARENT, NB_NODE_NONE},
    {"tr", NB_HTML_ROW, NB_NODE_NONE},
    {"tt", NB_HTML_INLINE, NB_NODE_CODE},
    {"u", NB_HTML_INLINE, NB_NODE_UNDERLINE},
    {"ul", NB_HTML_LIST, NB_NODE_NONE},
    {"video", NB_HTML_EMBED, NB_NODE_NONE},
    {"xmp", NB_HTML_PRE, NB_NODE_NONE},
};

static int S_elem_cmp(const void *key, const void *elem) {
  return strcasecmp((const char *)key, ((const S_elem *)elem)->name);
}

nb_html_kind nb_read__html_kind(const xmlNode *el, nb_node_type *type) {
  const S_elem *e = NULL;
  if (el->name)
    e = bsearch(el->name, S_elems, sizeof S_elems / sizeof *S_elems,
                sizeof *S_elems, S_elem_cmp);
  *type = e ? e->type : NB_NODE_NONE;
  return e ? e->kind : NB_HTML_TRANSPARENT;
}

const char *nb_read__attr(const xmlNode *el, const char *name) {
  const xmlAttr *a;
  for (a = el->properties; a; a = a->next)
    if (a->name && strcasecmp((const char *)a->name, name) == 0 &&
        a->children && a->children->type == XML_TEXT_NODE)
      return (const char *)a->children->content;
  return NULL;
}

/* A width or height attribute of 2 or less: a tracking pixel, a spacer. */
int nb_read__tiny(const char *v) {
  char *end;
  long n;
  if (!v)
    return 0;
  n = strtol(v, &end, 10);
  return end != v && n <= 2 && (*end == '\0' || strcmp(end, "px") == 0);
}

/* The best candidate of a srcset: the widest (w) or densest (x). Returns a
 * malloc'd URL or NULL. */
static char *S_srcset_best(const char *set) {
  const char *p = set;
  char *best = NULL;
  double best_v = -1;
  while (p && *p) {
    const char *u, *ue;
    double v = 1;
    while (*p && (isspace((unsigned char)*p) || *p == ','))
      p++;
    if (!*p)
      break;
    u = p;
    while (*p && !isspace((unsigned char)*p) && *p != ',')
      p++;
    ue = p;
    /* A comma may belong to the URL (data: URIs); a descriptor follows
     * white space. */
    while (*p && isspace((unsigned char)*p))
      p++;
    if (*p && *p != ',') {
      char *end;
      v = strtod(p, &end);
      if (end == p)
        v = 1;
      while (*p && *p != ',')
        p++;
    }
    if (v > best_v) {
      free(best);
      best = nb_strndup(u, (size_t)(ue - u));
      best_v = v;
    }
  }
  return best;
}

char *nb_read__img_src(const xmlNode *el) {
  static const char *const lazy[] = {"data-src", "data-original",
                                     "data-actualsrc", "data-lazy-src"};
  const char *src = nb_read__attr(el, "src");
  const char *set;
  size_t i;
  if (src)
    while (isspace((unsigned char)*src))
      src++;
  /* Lazy loaders keep the real URL in a data- attribute and put a
   * placeholder (a data: GIF, "loading.gif") in src: the data- one wins. */
  for (i = 0; i < sizeof lazy / sizeof *lazy; i++) {
    const char *v = nb_read__attr(el, lazy[i]);
    if (v && *v && strncasecmp(v, "data:", 5) != 0)
      return nb_strdup(v);
  }
  if (src && *src && strncasecmp(src, "data:", 5) != 0)
    return nb_strdup(src);
  set = nb_read__attr(el, "srcset");
  if (!set)
    set = nb_read__attr(el, "data-srcset");
  if (set && *set)
    return S_srcset_best(set);
  /* <picture><source srcset><img></picture>: libxml2 does not know
   * <source> is void, so the <img> may even end up inside it. */
  {
    const xmlNode *a = el->parent;
    int up;
    for (up = 0; a && up < 2; up++, a = a->parent) {
      const xmlNode *s;
      if (a->type != XML_ELEMENT_NODE || !a->name)
        break;
      if (strcasecmp((const char *)a->name, "source") == 0 &&
          (set = nb_read__attr(a, "srcset")) != NULL && *set)
        return S_srcset_best(set);
      if (strcasecmp((const char *)a->name, "picture") != 0)
        continue;
      for (s = a->children; s; s = s->next)
        if (s->type == XML_ELEMENT_NODE && s->name &&
            strcasecmp((const char *)s->name, "source") == 0 &&
            (set = nb_read__attr(s, "srcset")) != NULL && *set)
          return S_srcset_best(set);
    }
  }
  if (src && *src)
    return nb_strdup(src);
  return NULL;
}

/* The value of text-align in an inline style ("TEXT-ALIGN : -webkit-center"
 * too), copied into @p buf; NULL when none. */
static const char *S_style_align(const char *style, char *buf, size_t size) {
  const char *p;
  size_t n = 0;
  for (p = style; *p; p++) {
    const char *q;
    if (strncasecmp(p, "text-align", 10) != 0 ||
        (p > style && (isalnum((unsigned char)p[-1]) || p[-1] == '-')))
      continue;
    q = p + 10;
    while (*q == ' ' || *q == '\t')
      q++;
    if (*q != ':')
      continue;
    q++;
    while (*q == ' ' || *q == '\t')
      q++;
    if (strncasecmp(q, "-webkit-", 8) == 0) /* -webkit-center */
      q += 8;
    else if (strncasecmp(q, "-moz-", 5) == 0)
      q += 5;
    while (n < size - 1 && isalpha((unsigned char)q[n])) {
      buf[n] = q[n];
      n++;
    }
    buf[n] = '\0';
    return buf;
  }
  return NULL;
}

static nb_align S_align_of(const xmlNode *el) {
  const char *a = nb_read__attr(el, "align");
  const char *style = nb_read__attr(el, "style");
  char buf[16];
  if (style) {
    const char *s = S_style_align(style, buf, sizeof buf);
    if (s)
      a = s; /* CSS wins over the attribute */
  }
  if (!a)
    return NB_ALIGN_NONE;
  if (strcasecmp(a, "left") == 0 || strcasecmp(a, "start") == 0)
    return NB_ALIGN_LEFT;
  if (strcasecmp(a, "center") == 0 || strcasecmp(a, "middle") == 0)
    return NB_ALIGN_CENTER;
  if (strcasecmp(a, "right") == 0 || strcasecmp(a, "end") == 0)
    return NB_ALIGN_RIGHT;
  return NB_ALIGN_NONE;
}

nb_align nb_read__align(const xmlNode *el) {
  nb_align a = S_align_of(el);
  const xmlNode *p = el->parent;
  /* a cell without its own alignment takes its row's, then its row
   * group's */
  if (a == NB_ALIGN_NONE && p && p->type == XML_ELEMENT_NODE && p->name &&
      strcasecmp((const char *)p->name, "tr") == 0) {
    a = S_align_of(p);
    p = p->parent;
    if (a == NB_ALIGN_NONE && p && p->type == XML_ELEMENT_NODE && p->name &&
        (strcasecmp((const char *)p->name, "tbody") == 0 ||
         strcasecmp((const char *)p->name, "thead") == 0 ||
         strcasecmp((const char *)p->name, "tfoot") == 0))
      a = S_align_of(p);
  }
  return a;
}

int nb_read__int_attr(const xmlNode *el, const char *name, int def, int lo,
                      int hi) {
  const char *v = nb_read__attr(el, name);
  char *end;
  long n;
  if (!v)
    return def;
  n = strtol(v, &end, 10);
  if (end == v)
    return def;
  return n < lo ? lo : n > hi ? hi : (int)n;
}

/* The language of a <pre>/<code>: class="language-x" or "lang-x". */
void nb_read__code_lang(nb_node *cb, const xmlNode *el) {
  const char *cls = nb_read__attr(el, "class");
  const char *p;
  if (!cls || nb_node_get_info(cb))
    return;
  for (p = cls; *p;) {
    const char *w = p, *e;
    while (*p && !isspace((unsigned char)*p))
      p++;
    e = p;
    while (*p && isspace((unsigned char)*p))
      p++;
    if (e - w > 9 && strncmp(w, "language-", 9) == 0)
      w += 9;
    else if (e - w > 5 && strncmp(w, "lang-", 5) == 0)
      w += 5;
    else
      continue;
    {
      char lang[64];
      size_t n =
          (size_t)(e - w) < sizeof lang - 1 ? (size_t)(e - w) : sizeof lang - 1;
      memcpy(lang, w, n);
      lang[n] = '\0';
      nb_node_set_info(cb, lang);
    }
    return;
  }
}

char *nb_read__head_title(const xmlNode *html) {
  const xmlNode *h, *t;
  for (h = html ? html->children : NULL; h; h = h->next)
    if (h->type == XML_ELEMENT_NODE &&
        strcasecmp((const char *)h->name, "head") == 0)
      for (t = h->children; t; t = t->next)
        if (t->type == XML_ELEMENT_NODE &&
            strcasecmp((const char *)t->name, "title") == 0) {
          /* HTML has no entity references left to expand here. */
          xmlChar *s = xmlNodeGetContent(t);
          nb_buf b = NB_BUF_INIT;
          const char *p;
          int sp = 0;
          if (!s)
            return NULL;
          for (p = (const char *)s; *p; p++) {
            if (isspace((unsigned char)*p)) {
              sp = b.len > 0;
              continue;
            }
            if (sp)
              nb_buf_putc(&b, ' ');
            sp = 0;
            nb_buf_putc(&b, *p);
          }
          xmlFree(s);
          return b.len ? nb_buf_detach(&b) : (nb_buf_free(&b), NULL);
        }
  return NULL;
}

/* ## Hidden content and tags shown as text */

/* 1 when @p style (an inline style attribute) sets @p prop to @p value,
 * ignoring case and white space ("display : none"). */
static int S_style_is(const char *style, const char *prop, const char *value) {
  size_t pl = strlen(prop), vl = strlen(value);
  const char *p = style;
  while (p && *p) {
    const char *q;
    while (*p && (isspace((unsigned char)*p) || *p == ';'))
      p++;
    if (strncasecmp(p, prop, pl) == 0) {
      q = p + pl;
      while (isspace((unsigned char)*q))
        q++;
      if (*q == ':') {
        q++;
        while (isspace((unsigned char)*q))
          q++;
        if (strncasecmp(q, value, vl) == 0 && !isalnum((unsigned char)q[vl]) &&
            q[vl] != '-')
          return 1;
      }
    }
    p = strchr(p, ';');
  }
  return 0;
}

int nb_read__hidden(const xmlNode *el) {
  const char *v;
  if (nb_read__attr(el, "hidden"))
    return 1;
  if ((v = nb_read__attr(el, "aria-hidden")) && strcasecmp(v, "true") == 0)
    return 1;
  v = nb_read__attr(el, "style");
  return v && (S_style_is(v, "display", "none") ||
               S_style_is(v, "visibility", "hidden"));
}

char *nb_read__tag_text(const xmlNode *el) {
  nb_buf b = NB_BUF_INIT;
  const xmlAttr *a;
  nb_buf_putc(&b, '<');
  nb_buf_puts(&b, el->name ? (const char *)el->name : "");
  for (a = el->properties; a; a = a->next) {
    nb_buf_putc(&b, ' ');
    nb_buf_puts(&b, (const char *)a->name);
    if (a->children && a->children->type == XML_TEXT_NODE &&
        a->children->content) {
      nb_buf_puts(&b, "=\"");
      nb_buf_puts(&b, (const char *)a->children->content);
      nb_buf_putc(&b, '"');
    }
  }
  nb_buf_putc(&b, '>');
  if (b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  return nb_buf_detach(&b);
}

/* ## Page controls
 *
 * Sites leave their controls in article markup: a code block's copy
 * button ("复制代码" at the end of every 掘金 block), "展开全文", share
 * links. They are chrome by what they are, whatever the site: an element
 * that holds nothing but a control's label, or a share link or bar. */

/* Labels of page controls, lower case, without trailing colons. */
static const char *const S_control_labels[] = {
    "复制代码",   "复制",         "拷贝代码",   "copy",        "copy code",
    "copied",     "copied!",      "已复制",     "展开全文",    "展开阅读全文",
    "展开",       "收起",         "收起全文",   "展开更多",    "点击展开",
    "显示全部",   "查看全部",     "read more",  "show more",   "show less",
    "expand",     "collapse",     "分享",       "分享到",      "share",
    "share this", "tweet",        "分享到微博", "分享到微信",  "分享到朋友圈",
    "分享到qq",   "分享到qq空间", "分享至",     "打开app阅读", "在app内打开"};

/* Where sites share a page: an <a> pointing there is a share button. */
static const char *const S_share_urls[] = {"service.weibo.com/share",
                                           "facebook.com/sharer",
                                           "twitter.com/intent/tweet",
                                           "twitter.com/share",
                                           "connect.qq.com/widget/shareqq",
                                           "sns.qzone.qq.com/cgi-bin/qzshare",
                                           "linkedin.com/sharing",
                                           "linkedin.com/sharearticle",
                                           "reddit.com/submit",
                                           "pinterest.com/pin/create",
                                           "addthis.com/bookmark",
                                           "share.baidu.com",
                                           "widget.renren.com/dialog/share",
                                           "douban.com/share"};

/* The element's text, white space collapsed, when it is short (at most
 * @p cap - 1 bytes, seen within a node budget); NULL otherwise. */
static char *S_short_text(const xmlNode *el, char *buf, size_t cap) {
  const xmlNode *n = el->children;
  size_t len = 0, budget = 64;
  int sp = 0;
  while (n) {
    if (--budget == 0)
      return NULL;
    if (n->type == XML_TEXT_NODE && n->content) {
      const unsigned char *p;
      for (p = n->content; *p; p++) {
        if (isspace(*p)) {
          sp = len > 0;
          continue;
        }
        if (len + 2 >= cap)
          return NULL;
        if (sp)
          buf[len++] = ' ';
        sp = 0;
        buf[len++] = (char)tolower(*p);
      }
    }
    if (n->type == XML_ELEMENT_NODE && n->children) {
      n = n->children;
      continue;
    }
    while (n && !n->next && n != el)
      n = n->parent;
    if (!n || n == el)
      break;
    n = n->next;
  }
  while (len > 0 && (buf[len - 1] == ':' || buf[len - 1] == ' '))
    len--;
  /* a full-width colon "：" */
  if (len >= 3 && memcmp(buf + len - 3, "\xEF\xBC\x9A", 3) == 0)
    len -= 3;
  buf[len] = '\0';
  return buf;
}

/* 1 when a class or id of @p el names a share bar ("share", "bdsharebuttonbox",
 * "social-share"). */
static int S_share_box(const xmlNode *el) {
  static const char *const names[] = {"class", "id"};
  size_t i;
  for (i = 0; i < 2; i++) {
    const char *v = nb_read__attr(el, names[i]);
    const char *p = v;
    while (p && *p) {
      const char *w = p, *e;
      while (*p && !isspace((unsigned char)*p))
        p++;
      e = p;
      while (*p && isspace((unsigned char)*p))
        p++;
      if ((e - w == 5 && strncasecmp(w, "share", 5) == 0) ||
          (e - w >= 6 && (strncasecmp(w, "share-", 6) == 0 ||
                          strncasecmp(e - 6, "-share", 6) == 0)) ||
          (e - w >= 7 && strncasecmp(w, "sharing", 7) == 0) ||
          (e - w == 16 && strncasecmp(w, "bdsharebuttonbox", 16) == 0))
        return 1;
    }
  }
  return 0;
}

int nb_read__page_control(const xmlNode *el) {
  char buf[64];
  const char *text = S_short_text(el, buf, sizeof buf);
  size_t i;
  if (el->name && strcasecmp((const char *)el->name, "a") == 0) {
    const char *href = nb_read__attr(el, "href");
    for (i = 0; href && i < sizeof S_share_urls / sizeof *S_share_urls; i++)
      if (strstr(href, S_share_urls[i]))
        return text != NULL; /* a share link, its label short */
  }
  if (!text)
    return 0;
  for (i = 0; i < sizeof S_control_labels / sizeof *S_control_labels; i++)
    if (strcmp(text, S_control_labels[i]) == 0)
      return 1;
  /* a share bar: its few words are the services' names */
  return S_share_box(el) && strlen(text) <= 40;
}

/* ## Layout tables
 *
 * Pages lay text out in tables: a one-cell box, a single column of
 * blocks, cells holding headings or further tables. Read as a table, a
 * heading in such a cell would end up as a cell's text; read as blocks,
 * it stays a heading. A table is data when it says so (th, thead, tfoot,
 * caption, col, a summary). */

static int S_is(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->name &&
         strcasecmp((const char *)n->name, name) == 0;
}

/* 1 when a cell below @p cell holds a heading or a table (looked for
 * within *budget nodes, which it uses up). */
static int S_cell_has_structure(const xmlNode *cell, int *budget) {
  const xmlNode *n = cell->children;
  while (n && (*budget)-- > 0) {
    if (n->type == XML_ELEMENT_NODE && n->name) {
      const char *nm = (const char *)n->name;
      if (strcasecmp(nm, "table") == 0 ||
          ((nm[0] == 'h' || nm[0] == 'H') && nm[1] >= '1' && nm[1] <= '6' &&
           nm[2] == '\0'))
        return 1;
      if (n->children) {
        n = n->children;
        continue;
      }
    }
    while (n && !n->next && n != cell)
      n = n->parent;
    if (!n || n == cell)
      break;
    n = n->next;
  }
  return 0;
}

typedef struct S_grid {
  int rows, cols, th, structure, budget, seen;
} S_grid;

/* Count the cells of row @p tr into @p g. */
static void S_grid_row(const xmlNode *tr, S_grid *g) {
  const xmlNode *cell;
  int n = 0;
  g->rows++;
  for (cell = tr->children; cell && g->seen++ < 10000; cell = cell->next) {
    if (S_is(cell, "th"))
      g->th = 1;
    if (!S_is(cell, "td"))
      continue;
    n += nb_read__int_attr(cell, "colspan", 1, 1, 1000);
    if (!g->structure && g->budget > 0)
      g->structure = S_cell_has_structure(cell, &g->budget);
  }
  if (n > g->cols)
    g->cols = n;
}

int nb_read__layout_table(const xmlNode *table) {
  const char *v;
  const xmlNode *c, *r;
  S_grid g = {0, 0, 0, 0, 2000, 0};
  if ((v = nb_read__attr(table, "role")) &&
      (strcasecmp(v, "presentation") == 0 || strcasecmp(v, "none") == 0))
    return 1;
  if ((v = nb_read__attr(table, "datatable")) && strcmp(v, "0") == 0)
    return 1;
  if (nb_read__attr(table, "summary"))
    return 0;
  for (c = table->children; c && g.seen++ < 10000 && !g.th; c = c->next) {
    if (S_is(c, "caption") || S_is(c, "thead") || S_is(c, "tfoot") ||
        S_is(c, "colgroup") || S_is(c, "col"))
      return 0;
    if (S_is(c, "tr"))
      S_grid_row(c, &g);
    else if (S_is(c, "tbody"))
      for (r = c->children; r && g.seen < 10000 && !g.th; r = r->next)
        if (S_is(r, "tr"))
          S_grid_row(r, &g);
  }
  if (g.th || g.rows == 0 || g.cols == 0)
    return 0;
  return g.cols == 1 || g.structure;
}

/* ## Element predicates the walk asks about */

int nb_read__template_attrs(const xmlNode *el) {
  const xmlAttr *a;
  for (a = el->properties; a; a = a->next)
    if (a->name && (strncmp((const char *)a->name, "v-", 2) == 0 ||
                    a->name[0] == ':' || a->name[0] == '@'))
      return 1;
  return 0;
}

int nb_read__has_option(const xmlNode *el) {
  const xmlNode *c, *g;
  for (c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (strcasecmp((const char *)c->name, "option") == 0)
      return 1;
    if (strcasecmp((const char *)c->name, "optgroup") == 0)
      for (g = c->children; g; g = g->next)
        if (g->type == XML_ELEMENT_NODE &&
            strcasecmp((const char *)g->name, "option") == 0)
          return 1;
  }
  return 0;
}

int nb_read__tag_words(const xmlNode *el) {
  const xmlNode *c;
  if (strcasecmp((const char *)el->name, "title") == 0)
    return 1;
  if (strcasecmp((const char *)el->name, "template") != 0)
    return 0;
  for (c = el->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      return 0;
  return 1;
}

int nb_read__math_script(const xmlNode *el) {
  const char *type;
  if (strcasecmp((const char *)el->name, "script") != 0)
    return 0;
  type = nb_read__attr(el, "type");
  return type && strncasecmp(type, "math/tex", 8) == 0;
}
