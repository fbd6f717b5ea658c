/* What stands in a book for what cannot be in it, and what describes an
 * image. Stateless helpers of the HTML walk (html.c): they read the DOM or
 * the model and make or describe nodes; the walk places them and reports.
 *
 *   - LeetCode's embedded slideshow marker ("!?!PATH:W,H!?!");
 *   - embedded frames and media (iframe, video, audio, embed, object): a
 *     figure whose image has no source, the placeholder both writers draw,
 *     saying what it was and its title, with its link as the caption;
 *   - image descriptions: which alt texts describe nothing ("image", a
 *     file name), and a description from the caption or the nearest text. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/html.h"
#include "util/util.h"

static int S_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ## Embedded slideshows */

#define S_EMBED_MARK "!?!"

const char *nb_read__slideshow_marker(const xmlNode *el, size_t *len) {
  const xmlNode *c = el->children;
  const char *s, *e, *colon, *p;
  if (!c || c->next || c->type != XML_TEXT_NODE || !c->content)
    return NULL;
  s = (const char *)c->content;
  e = s + strlen(s);
  while (s < e && S_space((unsigned char)*s))
    s++;
  while (e > s && S_space((unsigned char)e[-1]))
    e--;
  if (e - s < 11 || strncmp(s, S_EMBED_MARK, 3) != 0 ||
      strncmp(e - 3, S_EMBED_MARK, 3) != 0)
    return NULL;
  /* PATH:W,H with W and H numbers and a PATH without spaces or markers */
  for (colon = e - 4; colon > s + 3 && *colon != ':'; colon--)
    ;
  if (colon <= s + 3)
    return NULL;
  p = colon + 1;
  if (!isdigit((unsigned char)*p))
    return NULL;
  while (isdigit((unsigned char)*p))
    p++;
  if (*p++ != ',' || !isdigit((unsigned char)*p))
    return NULL;
  while (isdigit((unsigned char)*p))
    p++;
  if (p != e - 3)
    return NULL;
  for (p = s + 3; p < colon; p++)
    if ((unsigned char)*p <= ' ' || *p == '!')
      return NULL;
  *len = (size_t)(e - s);
  return s;
}

/* ## Embedded frames and media */

/* Hosts whose frames and plugins play video, and maps. */
static const char *const S_video_hosts[] = {
    "youtube.com",   "youtu.be",     "youtube-nocookie.com",
    "vimeo.com",     "bilibili.com", "v.qq.com",
    "youku.com",     "iqiyi.com",    "sohuplayer",
    "tv.sohu.com",   "ixigua.com",   "douyin.com",
    "dailymotion.",  "player.",      "/video",
    ".mp4",          ".m3u8",        ".flv",
    "ted.com/talks", "tiktok.com"};
static const char *const S_map_hosts[] = {"google.com/maps",   "maps.google.",
                                          "map.baidu.com",     "amap.com",
                                          "openstreetmap.org", "map.qq.com"};

static int S_url_has(const char *url, const char *const *set, size_t n) {
  size_t i;
  for (i = 0; url && i < n; i++)
    if (strstr(url, set[i]))
      return 1;
  return 0;
}

/* The URL an embed plays or shows (borrowed), or NULL. */
static const char *S_embed_url(const xmlNode *el) {
  const char *name = (const char *)el->name, *u;
  const xmlNode *c;
  if (strcasecmp(name, "object") == 0 || strcasecmp(name, "applet") == 0)
    return (u = nb_read__attr(el, "data")) && *u ? u : NULL;
  if ((u = nb_read__attr(el, "src")) && *u)
    return u;
  if ((u = nb_read__attr(el, "data-src")) && *u)
    return u;
  for (c = el->children; c; c = c->next) /* <video><source src> */
    if (c->type == XML_ELEMENT_NODE &&
        strcasecmp((const char *)c->name, "source") == 0 &&
        (u = nb_read__attr(c, "src")) && *u)
      return u;
  return NULL;
}

/* 1 when @p el holds text (looked for within a budget of nodes). */
static int S_holds_text(const xmlNode *el) {
  const xmlNode *n = el->children;
  int budget = 256;
  while (n && budget-- > 0) {
    if (n->type == XML_TEXT_NODE && n->content &&
        strspn((const char *)n->content, " \t\r\n") !=
            strlen((const char *)n->content))
      return 1;
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
  return 0;
}

/* 1 for a link a reader may follow: http(s), protocol-relative, or a
 * relative path (no javascript:, data:, file: and the like). */
static int S_linkable(const char *url) {
  const char *p = url;
  if (strncasecmp(url, "http://", 7) == 0 ||
      strncasecmp(url, "https://", 8) == 0 || strncmp(url, "//", 2) == 0)
    return 1;
  while (*p &&
         (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
    p++;
  return *p != ':'; /* no scheme */
}

int nb_read__embed_info(const xmlNode *el, nb_read_embed *e) {
  const char *name = (const char *)el->name;
  memset(e, 0, sizeof *e);
  e->url = S_embed_url(el);
  if ((strcasecmp(name, "object") == 0 || strcasecmp(name, "applet") == 0) &&
      S_holds_text(el)) {
    e->fallback_text = 1;
    return 1;
  }
  e->title = nb_read__attr(el, "title");
  if (!e->title || !*e->title)
    e->title = nb_read__attr(el, "aria-label");
  if (e->title && !*e->title)
    e->title = NULL;
  if (!e->url && !e->title)
    return 0;
  e->hidden = nb_read__hidden(el) ||
              nb_read__tiny(nb_read__attr(el, "width")) ||
              nb_read__tiny(nb_read__attr(el, "height"));
  if (strcasecmp(name, "video") == 0 ||
      S_url_has(e->url, S_video_hosts,
                sizeof S_video_hosts / sizeof *S_video_hosts))
    e->what = "Video";
  else if (strcasecmp(name, "audio") == 0)
    e->what = "Audio";
  else if (S_url_has(e->url, S_map_hosts,
                     sizeof S_map_hosts / sizeof *S_map_hosts))
    e->what = "Map";
  else if (strcasecmp(name, "iframe") == 0)
    e->what = "Embedded page";
  else
    e->what = "Embedded object";
  return 1;
}

/* A new node of @p type on @p line, with @p el's id when it has a usable
 * one. */
static nb_node *S_node(nb_doc *doc, nb_node_type type, int line,
                       const xmlNode *el) {
  nb_node *n = nb_node_new(doc, type);
  if (n && line > 0)
    nb_node_set_line(n, line);
  if (n && el) {
    const char *id = nb_read__attr(el, "id");
    if (id && *id && strlen(id) < 128)
      nb_node_set_id(n, id);
  }
  return n;
}

nb_node *nb_read__embed_figure(nb_doc *doc, const xmlNode *el,
                               const nb_read_embed *e, int line,
                               const char **link) {
  nb_buf alt = NB_BUF_INIT, href = NB_BUF_INIT;
  nb_node *fig = NULL, *img, *cap, *a, *t;
  int ok;
  *link = NULL;
  /* U+00A0: the label and the title stay on one line */
  nb_buf_printf(&alt, "%s not included", e->what);
  if (e->title) {
    nb_buf_puts(&alt, ":\xC2\xA0");
    nb_buf_puts(&alt, e->title);
  }
  if (e->url && S_linkable(e->url)) {
    if (strncmp(e->url, "//", 2) == 0)
      nb_buf_puts(&href, "https:");
    nb_buf_puts(&href, e->url);
  }
  fig = S_node(doc, NB_NODE_FIGURE, line, el);
  img = S_node(doc, NB_NODE_IMAGE, line, el);
  ok = fig && img && !alt.failed && !href.failed &&
       nb_node_set_alt(img, alt.data) && nb_node_append_child(fig, img);
  if (ok && href.data) {
    cap = S_node(doc, NB_NODE_CAPTION, 0, NULL);
    a = S_node(doc, NB_NODE_LINK, 0, NULL);
    t = S_node(doc, NB_NODE_TEXT, 0, NULL);
    ok = cap && a && t && nb_node_set_url(a, href.data) &&
         nb_node_set_literal(t, href.data, href.len) &&
         nb_node_append_child(a, t) && nb_node_append_child(cap, a) &&
         nb_node_append_child(fig, cap);
    if (ok)
      *link = nb_node_get_url(a);
  }
  nb_buf_free(&alt);
  nb_buf_free(&href);
  return ok ? fig : NULL;
}

/* ## Image descriptions */

int nb_read__alt_meaningless(const char *alt, const char *url) {
  static const char *const words[] = {
      "image", "img",  "picture", "pic",        "photo",    "figure",
      "graph", "图片", "图",      "配图",       "插图",     "图像",
      "照片",  "截图", "示意图",  "screenshot", "untitled", "undefined",
      "null",  "alt",  "无标题",  "default"};
  const char *base, *dot;
  size_t n, i, k;
  if (!alt)
    return 1;
  while (*alt == ' ')
    alt++;
  n = strlen(alt);
  while (n > 0 && alt[n - 1] == ' ')
    n--;
  if (n == 0)
    return 1;
  for (i = 0; i < sizeof words / sizeof *words; i++) {
    k = strlen(words[i]);
    /* the word alone or numbered: "image", "图片1", "img_02" */
    if (n >= k && strncasecmp(alt, words[i], k) == 0 &&
        strspn(alt + k, "0123456789-_ ") >= n - k)
      return 1;
  }
  /* a file name, the URL or its last segment */
  dot = memchr(alt, '.', n) ? alt + n : NULL;
  while (dot && dot > alt && dot[-1] != '.')
    dot--;
  if (dot && n - (size_t)(dot - alt) <= 5 && n - (size_t)(dot - alt) >= 3) {
    static const char *const ext[] = {"jpg", "jpeg", "png",   "gif",  "webp",
                                      "bmp", "svg",  "image", "awebp"};
    for (i = 0; i < sizeof ext / sizeof *ext; i++)
      if (n - (size_t)(dot - alt) == strlen(ext[i]) &&
          strncasecmp(dot, ext[i], strlen(ext[i])) == 0)
        return 1;
  }
  if (strncasecmp(alt, "http://", 7) == 0 ||
      strncasecmp(alt, "https://", 8) == 0)
    return 1;
  if (url && (base = strrchr(url, '/')) != NULL && strlen(base + 1) == n &&
      strncmp(base + 1, alt, n) == 0)
    return 1;
  return 0;
}

#define S_BLURB_CHARS 50

static int S_sentence_end(uint32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '.' ||
         cp == '!' || cp == '?';
}

static int S_clause_end(uint32_t cp) {
  return cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF1A || cp == 0x3001 ||
         cp == ',' || cp == ';' || cp == ':';
}

/* The text of @p n (its text and code, not other images' alt), white space
 * collapsed, as a short description: whole when it has at most
 * S_BLURB_CHARS characters, else up to its first sentence's end or clause
 * past the 15th character, else cut at S_BLURB_CHARS, "…" marking a cut.
 * malloc'd, NULL when there is none. @p whole (may be NULL) is set to 1
 * when the description is all of the text. */
static char *S_blurb_of(nb_node *n, int *whole) {
  nb_iter *it = nb_iter_new(n);
  nb_buf b = NB_BUF_INIT;
  size_t chars = 0, stop = 0;
  int sp = 0, more = 0, stop_sentence = 0,
      budget = 512; /* nodes: a block of 50,000 images must not make this
                       quadratic */
  nb_event ev;
  if (!it)
    return NULL;
  while (!more && budget-- > 0 && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *c = nb_iter_node(it);
    const char *t;
    size_t len, i = 0;
    if (ev != NB_EVENT_ENTER || (nb_node_get_type(c) != NB_NODE_TEXT &&
                                 nb_node_get_type(c) != NB_NODE_CODE))
      continue;
    t = nb_node_get_literal(c);
    len = nb_node_get_literal_len(c);
    while (i < len) {
      uint32_t cp;
      size_t k = nb_utf8_decode((const unsigned char *)t + i, len - i, &cp);
      if (!k)
        k = 1;
      if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 ||
          cp == 0x3000) {
        sp = b.len > 0;
      } else if (chars == S_BLURB_CHARS) {
        more = 1;
        break;
      } else {
        if (sp)
          nb_buf_putc(&b, ' ');
        sp = 0;
        if (chars >= 15 && !stop && (S_sentence_end(cp) || S_clause_end(cp))) {
          stop = S_clause_end(cp) ? b.len : b.len + k;
          stop_sentence = S_sentence_end(cp);
        }
        nb_buf_append(&b, t + i, k);
        chars++;
      }
      i += k;
    }
  }
  nb_iter_free(it);
  if (whole)
    *whole = !more && budget >= 0;
  if (more && stop) {
    b.len = stop; /* the first sentence, or clause */
    if (!stop_sentence)
      nb_buf_puts(&b, "\xE2\x80\xA6");
  } else if (more) {
    nb_buf_puts(&b, "\xE2\x80\xA6");
  }
  if (!b.len || b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  b.data[b.len] = '\0';
  return nb_buf_detach(&b);
}

static char *S_blurb(nb_node *n) {
  return S_blurb_of(n, NULL);
}

static int S_text_block(const nb_node *n) {
  nb_node_type t = n ? nb_node_get_type(n) : NB_NODE_NONE;
  return t == NB_NODE_PARAGRAPH || t == NB_NODE_HEADING;
}

/* 1 when @p n is a figure or paragraph of pictures without text of its
 * own (a caption is text), each picture without alt text or with
 * @p label's: pictures that @p label (or nothing yet) describes. */
static int S_pictures_of(nb_node *n, const char *label) {
  nb_node_type t = nb_node_get_type(n);
  nb_node *c;
  if (t != NB_NODE_FIGURE && t != NB_NODE_PARAGRAPH)
    return 0;
  for (c = nb_node_first_child(n); c; c = nb_node_next(c)) {
    nb_node_type ct = nb_node_get_type(c);
    if (ct == NB_NODE_IMAGE) {
      const char *alt = nb_node_get_alt(c);
      if (alt && *alt && (!label || strcmp(alt, label) != 0))
        return 0;
    } else if (ct == NB_NODE_TEXT) {
      const char *tx = nb_node_get_literal(c);
      size_t i, len = nb_node_get_literal_len(c);
      for (i = 0; i < len; i++)
        if (tx[i] != ' ' && tx[i] != '\n' && tx[i] != '\t' && tx[i] != '\r')
          return 0;
    } else if (ct != NB_NODE_LINEBREAK) {
      return 0;
    }
  }
  return 1;
}

/* A description for @p img from what is around it; malloc'd or NULL. */
char *nb_read__describe_image(nb_node *img) {
  nb_node *block = nb_node_parent(img), *c;
  char *d;
  int whole = 0, k;
  while (block && nb_node_type_is_inline(nb_node_get_type(block)))
    block = nb_node_parent(block);
  if (!block)
    return NULL;
  if (nb_node_get_type(block) == NB_NODE_FIGURE) {
    for (c = nb_node_first_child(block); c; c = nb_node_next(c))
      if (nb_node_get_type(c) == NB_NODE_CAPTION && (d = S_blurb(c)))
        return d;
  } else if (S_text_block(block) && (d = S_blurb_of(block, &whole))) {
    /* its paragraph's own text ("效果如下：<img>"); when that text is all
     * the paragraph says, it is read right beside the picture, and alt
     * text repeating it would be heard twice: "" then (WCAG H2) */
    if (whole)
      *d = '\0';
    return d;
  }
  /* the text before it; in a run of pictures ("PC端" and then three
   * screenshots), the text before the run, when it describes the
   * pictures before this one too */
  for (c = nb_node_prev(block), k = 0; c && k < 16; c = nb_node_prev(c), k++) {
    if (S_text_block(c) && (d = S_blurb(c))) {
      nb_node *p;
      for (p = nb_node_next(c); p && p != block; p = nb_node_next(p))
        if (!S_pictures_of(p, d))
          break;
      if (p == block)
        return d;
      free(d);
      break;
    }
    if (nb_node_get_type(c) != NB_NODE_FIGURE &&
        nb_node_get_type(c) != NB_NODE_PARAGRAPH)
      break;
  }
  if (S_text_block(nb_node_next(block)) && (d = S_blurb(nb_node_next(block))))
    return d;
  return NULL;
}
