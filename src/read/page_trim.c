/* The article's edges, trimmed in the model: what the extractor's DOM
 * view cannot see because it has no element of its own (a "Tags" label
 * and its links in one <strong>, a lone "Advertisement", a WordPress
 * shortcode left in the text), and what only position gives away (the
 * short lines before the first paragraph of prose and after the last:
 * datelines, "You may also like...", "Tell us what you think").
 *
 * Each top-level block is measured (characters, CJK counted twice; link
 * characters; whether it ends like a sentence) and classed as prose,
 * boilerplate (link lists, interface phrases, shortcodes) or neither.
 * Boilerplate goes wherever it is; blocks that are neither go only at
 * the edges, before the first prose block and after the last. Headings
 * keep their place at the start, pictures and code anywhere. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/page.h"
#include "util/util.h"

typedef struct S_block {
  nb_node *node;
  nb_node_type type;
  size_t chars, link_chars;
  int sentence; /* ends with . ! ? 。 ！ ？ or a closing quote after one */
  double ld;    /* link characters / characters */
  int credits;  /* a newsroom credit line: no prose, no boilerplate */
  int boiler;
  int prose;
} S_block;

/* Interface phrases that are a whole block by themselves. Compared after
 * lower-casing ASCII and dropping trailing punctuation and spaces. */
static const char *const S_phrases[] = {
    "advertisement",
    "advert",
    "ad",
    "ads",
    "sponsored",
    "sponsored content",
    "continue reading",
    "continue reading below",
    "story continues below advertisement",
    "advertisement - continue reading below",
    "scroll to continue with content",
    "skip advertisement",
    "read more",
    "read more below",
    "comments",
    "comment",
    "leave a comment",
    "leave a reply",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "related coverage",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "more stories",
    "more from",
    "trending",
    "trending now",
    "most popular",
    "most read",
    "this slideshow requires javascript",
    "loading",
    "click here",
    "subscribe",
    "sign up",
    "follow us",
    "tags",
    "topics",
    "print",
    "email",
    "\xe5\xb9\xbf\xe5\x91\x8a",                         /* 广告 */
    "\xe7\x9b\xb8\xe5\x85\xb3\xe9\x98\x85\xe8\xaf\xbb", /* 相关阅读 */
    "\xe7\x9b\xb8\xe5\x85\xb3\xe6\x96\x87\xe7\xab\xa0", /* 相关文章 */
    "\xe7\x9b\xb8\xe5\x85\xb3\xe6\x96\xb0\xe9\x97\xbb", /* 相关新闻 */
    "\xe6\x8e\xa8\xe8\x8d\x90\xe9\x98\x85\xe8\xaf\xbb", /* 推荐阅读 */
    "\xe5\x88\x86\xe4\xba\xab",                         /* 分享 */
    "\xe5\x88\x86\xe4\xba\xab\xe5\x88\xb0",             /* 分享到 */
    NULL};

/* Openings of short blocks that point elsewhere. */
static const char *const S_openings[] = {
    "related:",      "read more:",  "see also:",    "also read:",
    "recommended:",  "tags:",       "topics:",      "filed under",
    "follow us",     "sign up for", "subscribe to", "click here to",
    "more on this:", "read next:",  "watch:",       "listen:",
    "advertisement", NULL};

/* Lower-cased copy of @p s (ASCII), trimmed of spaces and trailing
 * punctuation, at most @p size - 1 bytes. */
static void S_norm(const char *s, char *out, size_t size) {
  size_t n = 0;
  while (*s && isspace((unsigned char)*s))
    s++;
  for (; *s && n + 1 < size; s++)
    out[n++] = (char)tolower((unsigned char)*s);
  while (n > 0 && (isspace((unsigned char)out[n - 1]) || out[n - 1] == '.' ||
                   out[n - 1] == ':' || out[n - 1] == '!' ||
                   out[n - 1] == '>' || out[n - 1] == '|'))
    n--;
  /* "…" at the end */
  while (n >= 3 && memcmp(out + n - 3, "\xe2\x80\xa6", 3) == 0)
    n -= 3;
  out[n] = '\0';
}

static int S_phrase(const char *text) {
  char norm[96];
  size_t i;
  if (strlen(text) > 90)
    return 0;
  S_norm(text, norm, sizeof norm);
  for (i = 0; S_phrases[i]; i++)
    if (strcmp(norm, S_phrases[i]) == 0)
      return 1;
  if (strlen(text) < 150)
    for (i = 0; S_openings[i]; i++)
      if (strncmp(norm, S_openings[i], strlen(S_openings[i])) == 0)
        return 1;
  return 0;
}

/* Lines a site adds to every article: "Copyright © 2019 Example. All
 * rights reserved.", "Follow us on Twitter", "Follow him on Instagram". */
static int S_site_line(const char *text) {
  static const char *const nets[] = {"twitter", "facebook", "instagram",
                                     "youtube", "linkedin", "tiktok",
                                     NULL};
  char norm[512];
  const char *f;
  size_t len = strlen(text), k;
  if (len > 500)
    return 0;
  S_norm(text, norm, sizeof norm);
  if (len < 200 &&
      (strncmp(norm, "copyright", 9) == 0 ||
       strncmp(norm, "\xc2\xa9", 2) == 0 || strncmp(norm, "(c) ", 4) == 0 ||
       strstr(norm, "all rights reserved")))
    return 1;
  /* "follow X on <network>" anywhere in a short block */
  for (f = strstr(norm, "follow "); f; f = strstr(f + 7, "follow ")) {
    const char *on = strstr(f + 7, " on ");
    if (!on || on - f > 40)
      continue;
    for (k = 0; nets[k]; k++)
      if (strncmp(on + 4, nets[k], strlen(nets[k])) == 0)
        return 1;
  }
  return 0;
}

/* The newsroom's credits under a story: "(Reporting by ...; Editing by
 * ...)", "X contributed to this report." Not boilerplate in the middle of
 * a text, but no prose either: they go when they trail it. */
static int S_credits(const char *text) {
  static const char *const starts[] = {
      "(reporting by", "reporting by", "additional reporting", "editing by",
      "(editing by",   "writing by",   "compiled by",          NULL};
  static const char *const has[] = {"contributed to this report",
                                    "contributed reporting",
                                    "contributed to this story", NULL};
  char norm[320];
  size_t k;
  if (strlen(text) >= 300)
    return 0;
  S_norm(text, norm, sizeof norm);
  for (k = 0; starts[k]; k++)
    if (strncmp(norm, starts[k], strlen(starts[k])) == 0)
      return 1;
  for (k = 0; has[k]; k++)
    if (strstr(norm, has[k]))
      return 1;
  return 0;
}

/* "[button link=...]Send us[/button]": a WordPress shortcode the page
 * printed instead of running. */
static int S_shortcode(const char *t) {
  while (isspace((unsigned char)*t))
    t++;
  return *t == '[' && isalpha((unsigned char)t[1]) && strchr(t, ']') &&
         (strstr(t, "[/") || strchr(t, '=')) && strlen(t) < 400;
}

/* "<img height=1 src=...>": markup a page escaped by mistake (a tracking
 * pixel in a <noscript> written as text), not words. */
static int S_escaped_markup(const char *t) {
  static const char *const tags[] = {
      "img",      "a",      "div",     "span",      "p",      "script",
      "iframe",   "link",   "meta",    "style",     "br",     "input",
      "noscript", "object", "embed",   "video",     "source", "picture",
      "table",    "ins",    "amp-img", "amp-pixel", NULL};
  size_t n, k, name = 0;
  while (isspace((unsigned char)*t))
    t++;
  n = strlen(t);
  while (n > 0 && isspace((unsigned char)t[n - 1]))
    n--;
  if (n < 3 || n >= 4000 || t[0] != '<' || t[n - 1] != '>')
    return 0;
  t += t[1] == '/' ? 2 : 1;
  while (isalnum((unsigned char)t[name]) || t[name] == '-')
    name++;
  if (!name ||
      !(isspace((unsigned char)t[name]) || t[name] == '>' || t[name] == '/'))
    return 0;
  for (k = 0; tags[k]; k++)
    if (strlen(tags[k]) == name && strncasecmp(t, tags[k], name) == 0)
      return 1;
  return 0;
}

static size_t S_weight(const char *s, size_t len) {
  size_t i = 0, c = 0;
  while (i < len) {
    uint32_t cp;
    size_t k = nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    i += k;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0)
      continue;
    c += nb_is_cjk(cp) ? 2 : 1;
  }
  return c;
}

static int S_sentence_end(const char *t) {
  size_t n = strlen(t);
  uint32_t cp = 0;
  int back;
  while (n > 0 && isspace((unsigned char)t[n - 1]))
    n--;
  for (back = 0; back < 2 && n > 0; back++) {
    size_t s = n - 1;
    while (s > 0 && ((unsigned char)t[s] & 0xC0) == 0x80)
      s--;
    nb_utf8_decode((const unsigned char *)t + s, n - s, &cp);
    if (cp == '.' || cp == '!' || cp == '?' || cp == 0x3002 || cp == 0xFF01 ||
        cp == 0xFF1F)
      return 1;
    /* a closing quote or bracket after the full stop */
    if (!(cp == '"' || cp == 0x201D || cp == 0x2019 || cp == '\'' ||
          cp == ')' || cp == 0x300D || cp == 0x300F))
      return 0;
    n = s;
  }
  return 0;
}

static void S_measure(S_block *b) {
  nb_iter *it = nb_iter_new(b->node);
  nb_event ev;
  int in_link = 0;
  char *text;
  b->type = nb_node_get_type(b->node);
  if (it) {
    while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
      nb_node *n = nb_iter_node(it);
      nb_node_type t = nb_node_get_type(n);
      if (t == NB_NODE_LINK)
        in_link += ev == NB_EVENT_ENTER ? 1 : -1;
      else if (ev == NB_EVENT_ENTER &&
               (t == NB_NODE_TEXT || t == NB_NODE_CODE ||
                t == NB_NODE_CODE_BLOCK)) {
        size_t w = S_weight(nb_node_get_literal(n), nb_node_get_literal_len(n));
        b->chars += w;
        if (in_link)
          b->link_chars += w;
      }
    }
    nb_iter_free(it);
  }
  text = nb_node_text(b->node);
  if (text) {
    b->sentence = S_sentence_end(text);
    b->credits = b->type == NB_NODE_PARAGRAPH && S_credits(text);
    if (b->type != NB_NODE_FIGURE && b->type != NB_NODE_CODE_BLOCK &&
        (S_phrase(text) || S_shortcode(text) || S_escaped_markup(text) ||
         S_site_line(text)))
      b->boiler = 1;
    free(text);
  }
  if (b->type == NB_NODE_PARAGRAPH || b->type == NB_NODE_HEADING ||
      b->type == NB_NODE_LIST) {
    double ld = b->chars ? (double)b->link_chars / (double)b->chars : 0;
    /* a list of headlines, not a sentence with a link in it; a list's
     * last item ending in a full stop says nothing of the others */
    if (ld >= 0.8 || (ld >= 0.5 && (!b->sentence || b->type == NB_NODE_LIST)))
      b->boiler = 1;
    b->ld = ld;
  }
  if (!b->boiler && !b->credits) {
    switch (b->type) {
    case NB_NODE_LIST:
      /* a list is prose when it is not mostly links */
      b->prose =
          b->ld < 0.3 && (b->chars >= 80 || (b->chars >= 40 && b->sentence));
      break;
    case NB_NODE_PARAGRAPH:
    case NB_NODE_BLOCKQUOTE:
      b->prose = b->chars >= 80 || (b->chars >= 40 && b->sentence);
      break;
    case NB_NODE_CODE_BLOCK:
    case NB_NODE_TABLE: b->prose = b->chars >= 40; break;
    default: break;
    }
  }
}

/* Blocks that stay at an edge whatever they hold. */
static int S_keep_at_edge(const S_block *b, int leading) {
  if (b->boiler)
    return 0;
  switch (b->type) {
  case NB_NODE_FIGURE:
  case NB_NODE_CODE_BLOCK:
  case NB_NODE_TABLE: return 1;
  case NB_NODE_HEADING:
    /* a level-1 heading before the text is the headline: the title has it */
    return leading && nb_node_get_heading_level(b->node) > 1;
  default: return 0;
  }
}

/* ## Captions written as paragraphs */

/* Same words, ignoring case (ASCII), spaces and punctuation. */
static int S_same_words(const char *a, const char *b) {
  while (*a || *b) {
    while (*a && !isalnum((unsigned char)*a) && (unsigned char)*a < 0x80)
      a++;
    while (*b && !isalnum((unsigned char)*b) && (unsigned char)*b < 0x80)
      b++;
    if (!*a || !*b)
      return !*a && !*b;
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return 0;
    a++;
    b++;
  }
  return 1;
}

/* Credit lines: "Photo: AP", "© Getty Images", "(Credit: NASA)". */
static int S_credit(const char *t) {
  static const char *const marks[] = {
      "\xc2\xa9",     "photo:", "photo by",  "photograph:", "credit:", "image:",
      "getty images", "/ afp",  "(ap photo", "source:",     NULL};
  char norm[400];
  size_t k;
  S_norm(t, norm, sizeof norm);
  for (k = 0; marks[k]; k++)
    if (strstr(norm, marks[k]))
      return 1;
  return 0;
}

/* A picture followed by a credit line, or by its own alt text again: that
 * line is the caption the page wrote as a paragraph. It goes into the figure (a
 * caption in the book, not running text). */
static void S_captions(nb_doc *doc, nb_node *first) {
  nb_node *c, *next;
  for (c = first; c; c = next) {
    nb_node *img, *para, *cap, *k;
    const char *alt, *title;
    char *text;
    int take;
    size_t w;
    next = nb_node_next(c);
    if (nb_node_get_type(c) != NB_NODE_FIGURE)
      continue;
    img = nb_node_first_child(c);
    para = next;
    if (!img || nb_node_next(img) || !para ||
        nb_node_get_type(para) != NB_NODE_PARAGRAPH)
      continue; /* captioned already, or nothing after it */
    text = nb_node_text(para);
    if (!text)
      continue;
    w = S_weight(text, strlen(text));
    alt = nb_node_get_alt(img);
    title = nb_node_get_title(img);
    take = (alt && *alt && S_same_words(text, alt)) ||
           (title && *title && S_same_words(text, title)) ||
           (w < 300 && S_credit(text));
    free(text);
    if (!take || !(cap = nb_node_new(doc, NB_NODE_CAPTION)) ||
        !nb_node_append_child(c, cap))
      continue;
    while ((k = nb_node_first_child(para)) != NULL)
      if (!nb_node_append_child(cap, k))
        nb_node_unlink(k);
    next = nb_node_next(para);
    nb_node_unlink(para);
  }
}

void nb_page__trim(nb_doc *doc, nb_node *after) {
  nb_node *root = nb_doc_root(doc), *c;
  S_block *v = NULL;
  size_t n = 0, cap = 0, i, first, last;
  if (!root)
    return;
  S_captions(doc, after ? nb_node_next(after) : nb_node_first_child(root));
  for (c = after ? nb_node_next(after) : nb_node_first_child(root); c;
       c = nb_node_next(c)) {
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      S_block *nv = nb_reallocarray(v, ncap, sizeof *nv);
      if (!nv) {
        free(v);
        return;
      }
      v = nv;
      cap = ncap;
    }
    memset(&v[n], 0, sizeof v[n]);
    v[n].node = c;
    S_measure(&v[n]);
    n++;
  }
  for (first = 0; first < n && !v[first].prose; first++)
    ;
  if (first == n) {
    /* no prose at all (a page of short lines): only boilerplate goes */
    for (i = 0; i < n; i++)
      if (v[i].boiler)
        nb_node_unlink(v[i].node);
    free(v);
    return;
  }
  for (last = n - 1; last > first && !v[last].prose; last--)
    ;
  for (i = 0; i < n; i++) {
    int drop = v[i].boiler;
    if (i < first && !v[i].prose)
      drop = drop || !S_keep_at_edge(&v[i], 1);
    if (i > last)
      drop = drop || !S_keep_at_edge(&v[i], 0);
    if (drop)
      nb_node_unlink(v[i].node);
  }
  free(v);
}
