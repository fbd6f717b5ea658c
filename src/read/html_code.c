/* Tags that are text. Authors name tags in prose ("拼接成代码置于 <script>
 * 标签中", "在表单 <input>、<textarea> 及 <select> 元素上") and feed
 * pipelines put source code into <pre> and <code> as it is ("#include
 * <stdio.h>", "List<String>", a Vue template's <div id="app">). A browser,
 * and libxml2, take those for tags: a <script> or <textarea> that is never
 * closed swallows the rest of the article, and a sample's tags vanish.
 * Before libxml2 parses a body, two passes turn such tags back into text
 * (their '<' written as "&lt;"):
 *
 *   1. nb_read__html_unclosed_tags: an element whose content the reader
 *      would drop or read as raw text (script, style, textarea, title,
 *      xmp, noscript, iframe, noembed, noframes, select, button, template,
 *      datalist, plaintext), opened and never closed anywhere after, or
 *      closed only past the end of the paragraph it was opened in, is the
 *      author's words: its opening tag becomes text and what follows stays
 *      article.
 *   2. nb_read__html_code_tags: inside <pre> (to its matching </pre>) and
 *      inside a <code> that is closed, only a highlighter's inline markup
 *      (span, a, b, i, em, strong, br, font, mark, sub, sup, u, s, del,
 *      ins, small, code and the like) is markup. Every other tag, comment,
 *      declaration or processing instruction there is the sample's text,
 *      escaped whole, attributes and all. The content of a <textarea> or
 *      <xmp> is text too, as HTML has it. In prose, a tag no HTML element
 *      has that is glued to a word ("Map<String, V>") or holds a dot
 *      ("<stdio.h>") is text as well.
 *
 * Tags are found the way Python's html.parser finds them (the tokenizer
 * ../shared/tools/fidelity.py counts text with, itself close to HTML's):
 * "<input v-model=<span class=\"s\">" is one tag whose attribute value is
 * "<span", and a <script> or <style> runs to its </script>, so the text
 * the checker expects is the text we keep. Every scan is linear: the
 * searches a hostile input could make quadratic ("<a<a<a...", a thousand
 * unclosed comments) remember their last answer. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/html.h"
#include "util/util.h"

/* ## Output: a copy made on the first change */

typedef struct S_out {
  const char *src;
  size_t len;
  nb_buf b;
  size_t copied; /* src[0, copied) is in b */
  int used;
  size_t count;
} S_out;

/* Write src[from, to) as text: '<' as "&lt;", and '&' as "&amp;" when
 * @p amp (a tag's source keeps its character references as written). */
static void S_escape(S_out *o, size_t from, size_t to, int amp) {
  size_t i, run;
  o->used = 1;
  nb_buf_append(&o->b, o->src + o->copied, from - o->copied);
  for (i = run = from; i < to; i++) {
    const char *rep = o->src[i] == '<'          ? "&lt;"
                      : amp && o->src[i] == '&' ? "&amp;"
                                                : NULL;
    if (rep) {
      nb_buf_append(&o->b, o->src + run, i - run);
      nb_buf_puts(&o->b, rep);
      run = i + 1;
    }
  }
  nb_buf_append(&o->b, o->src + run, to - run);
  o->copied = to;
  o->count++;
}

static char *S_finish(S_out *o, size_t *out_len, size_t *count) {
  *count = 0;
  if (!o->used)
    return NULL;
  nb_buf_append(&o->b, o->src + o->copied, o->len - o->copied);
  if (o->b.failed) {
    nb_buf_free(&o->b);
    return NULL;
  }
  *out_len = o->b.len;
  *count = o->count;
  return nb_buf_detach(&o->b);
}

static int S_word(unsigned char c) {
  return isalnum(c) || c == '_' || c >= 0x80;
}

/* 1 when s[0, n) starts with @p name, case-insensitively. */
static int S_starts(const char *s, size_t n, const char *name) {
  size_t k = strlen(name);
  return n >= k && strncasecmp(s, name, k) == 0;
}

/* ## Pass 1: raw-text elements opened in prose and never closed */

/* The elements HTML reads as raw text, and those whose content the reader
 * would drop or replace: opened and never closed, they are words. */
static const char *const S_unclosed[] = {
    "script",   "style",    "textarea", "title",    "xmp",
    "noscript", "iframe",   "noembed",  "noframes", "select",
    "button",   "template", "datalist", "plaintext"};
#define S_NUNCLOSED (sizeof S_unclosed / sizeof *S_unclosed)

/* Elements that hold paragraphs: a real element's content closes none it
 * did not open. */
static const char *const S_blocks[] = {
    "article", "blockquote", "body", "dd",  "div", "dl", "dt",  "figure",
    "footer",  "h1",         "h2",   "h3",  "h4",  "h5", "h6",  "header",
    "html",    "li",         "main", "nav", "ol",  "p",  "pre", "section",
    "table",   "tbody",      "td",   "th",  "tr",  "ul"};
#define S_NBLOCKS (sizeof S_blocks / sizeof *S_blocks)

/* The index of the name in @p set that s[0, n) starts with, followed by a
 * non-word character, or -1. */
static long S_name_in(const char *s, size_t n, const char *const *set,
                      size_t count) {
  size_t k;
  for (k = 0; k < count; k++) {
    size_t l = strlen(set[k]);
    if (S_starts(s, n, set[k]) && (l == n || !S_word((unsigned char)s[l])))
      return (long)k;
  }
  return -1;
}

/* 1 when html[from, to) closes a block it did not open ("...</p><p>...")
 * : what a tag named in prose and closed much later encloses. @p budget
 * caps the bytes all calls look at (a hostile input must not make this
 * quadratic): past it, nothing crosses. */
static int S_crosses(const char *html, size_t from, size_t to, size_t *budget) {
  long open[S_NBLOCKS];
  size_t i;
  if (to - from > *budget)
    return 0;
  *budget -= to - from;
  memset(open, 0, sizeof open);
  for (i = from; i + 1 < to; i++) {
    const char *lt = memchr(html + i, '<', to - i);
    long b;
    int close;
    if (!lt)
      break;
    i = (size_t)(lt - html);
    close = i + 1 < to && html[i + 1] == '/';
    b = S_name_in(html + i + 1 + close, to - i - 1 - close, S_blocks,
                  S_NBLOCKS);
    if (b < 0)
      continue;
    if (!close)
      open[b]++;
    else if (--open[b] < 0)
      return 1;
  }
  return 0;
}

char *nb_read__html_unclosed_tags(const char *html, size_t len, size_t *out_len,
                                  size_t *count) {
  size_t next_close[S_NUNCLOSED], i, k, gt = 0;
  size_t budget = 16 * len + ((size_t)1 << 20);
  int have_gt = 0;
  S_out o;
  memset(&o, 0, sizeof o);
  o.src = html;
  o.len = len;
  *count = 0;
  for (k = 0; k < S_NUNCLOSED; k++)
    next_close[k] = 0; /* not looked for yet */
  for (i = 0; i + 1 < len;) {
    const char *lt = memchr(html + i, '<', len - i);
    size_t name_end, from;
    long kk;
    if (!lt)
      break;
    i = (size_t)(lt - html);
    kk = S_name_in(html + i + 1, len - i - 1, S_unclosed, S_NUNCLOSED);
    if (kk < 0) {
      i++;
      continue;
    }
    k = (size_t)kk;
    name_end = i + 1 + strlen(S_unclosed[k]);
    if (!have_gt || gt < name_end) {
      const char *g = memchr(html + name_end, '>', len - name_end);
      if (!g)
        break; /* no tag can end: nothing after is an opener either */
      gt = (size_t)(g - html);
      have_gt = 1;
    }
    /* its first closer ("</name" as a prefix, as the checker has it) */
    from = gt + 1;
    if (next_close[k] != len && next_close[k] < from + 1) {
      size_t p, l = strlen(S_unclosed[k]);
      next_close[k] = len;
      for (p = from; p + 2 + l <= len; p++) {
        const char *q = memchr(html + p, '<', len - p);
        if (!q)
          break;
        p = (size_t)(q - html);
        if (p + 2 + l <= len && html[p + 1] == '/' &&
            strncasecmp(html + p + 2, S_unclosed[k], l) == 0) {
          next_close[k] = p;
          break;
        }
      }
    }
    if (next_close[k] == len || S_crosses(html, from, next_close[k], &budget)) {
      S_escape(&o, i, gt + 1, 1);
      i = gt + 1;
    } else {
      i++;
    }
  }
  return S_finish(&o, out_len, count);
}

/* ## Pass 2: code regions
 *
 * A tokenizer after Python's html.parser: start tags as its
 * locatestarttagend_tolerant finds them, end tags, comments,
 * declarations, processing instructions, and the raw content of <script>
 * and <style>. */

/* What highlighters put in code: the only markup inside <pre> and
 * <code> (fidelity.py's list). Sorted. */
static const char *const S_markup[] = {
    "a",    "b",      "big", "br",   "code", "del", "em",   "font",
    "i",    "ins",    "kbd", "mark", "pre",  "s",   "samp", "small",
    "span", "strong", "sub", "sup",  "tt",   "u",   "var",  "wbr"};

static int S_cmp(const void *key, const void *el) {
  return strcmp(key, *(const char *const *)el);
}

static int S_is_markup(const char *name) {
  return bsearch(name, S_markup, sizeof S_markup / sizeof *S_markup,
                 sizeof *S_markup, S_cmp) != NULL;
}

/* Every HTML element name, current and obsolete, sorted. */
static const char *const S_html[] = {
    "a",         "abbr",    "acronym",  "address",  "applet",     "area",
    "article",   "aside",   "audio",    "b",        "base",       "basefont",
    "bdi",       "bdo",     "big",      "blink",    "blockquote", "body",
    "br",        "button",  "canvas",   "caption",  "center",     "cite",
    "code",      "col",     "colgroup", "data",     "datalist",   "dd",
    "del",       "details", "dfn",      "dialog",   "dir",        "div",
    "dl",        "dt",      "em",       "embed",    "fieldset",   "figcaption",
    "figure",    "font",    "footer",   "form",     "frame",      "frameset",
    "h1",        "h2",      "h3",       "h4",       "h5",         "h6",
    "head",      "header",  "hgroup",   "hr",       "html",       "i",
    "iframe",    "img",     "input",    "ins",      "kbd",        "label",
    "legend",    "li",      "link",     "main",     "map",        "mark",
    "marquee",   "math",    "menu",     "meta",     "meter",      "nav",
    "nobr",      "noembed", "noframes", "noscript", "object",     "ol",
    "optgroup",  "option",  "output",   "p",        "param",      "picture",
    "plaintext", "pre",     "progress", "q",        "rb",         "rp",
    "rt",        "rtc",     "ruby",     "s",        "samp",       "script",
    "search",    "section", "select",   "slot",     "small",      "source",
    "span",      "strike",  "strong",   "style",    "sub",        "summary",
    "sup",       "svg",     "table",    "tbody",    "td",         "template",
    "textarea",  "tfoot",   "th",       "thead",    "time",       "title",
    "tr",        "track",   "tt",       "u",        "ul",         "var",
    "video",     "wbr",     "xmp"};

static int S_is_html(const char *name) {
  return bsearch(name, S_html, sizeof S_html / sizeof *S_html, sizeof *S_html,
                 S_cmp) != NULL;
}

/* A tag in prose that cannot be markup: a name no HTML element has, glued
 * to the word before it ("List<String>", "Map<K, V>") or with a dot in it
 * ("#include <stdio.h>"). Custom elements (<x-foo>), namespaced ones
 * (<o:p>) and anything after a space or a tag stay markup. */
static int S_prose_code_tag(const char *html, size_t at, const char *name) {
  char before = at > 0 ? html[at - 1] : ' ';
  if (!name[0] || S_is_html(name) || strchr(name, '-') || strchr(name, ':'))
    return 0;
  return strchr(name, '.') != NULL || isalnum((unsigned char)before) ||
         before == '_';
}

static int S_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* a tag name's characters: [^\t\n\r\f />\x00] */
static int S_name_stop(char c) {
  return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ' ' ||
         c == '/' || c == '>' || c == '\0';
}

typedef enum S_kind {
  K_TEXT,   /* not markup: [at, end) is text */
  K_START,  /* a start tag */
  K_END,    /* an end tag */
  K_OTHER,  /* comment, declaration, processing instruction */
  K_IGNORED /* "</>": nothing */
} S_kind;

typedef struct S_tok {
  const char *s;
  size_t n;
  /* memo: the first '>' at or after gt_from is at gt_at (n: none) */
  size_t gt_from, gt_at;
  /* memo: a start tag's name from any '<' in [nm_from, nm_end) ends at
   * nm_end, and what follows it there scans to at_end (kind at_kind) */
  size_t nm_from, nm_end, at_end;
  int at_kind, at_self, nm_valid;
  /* memo: the first "--\s*>" at or after cm_from ends at cm_end (0 none)
   * and starts at cm_at */
  size_t cm_from, cm_at, cm_end;
  int cm_valid;
} S_tok;

static size_t S_next_gt(S_tok *t, size_t from) {
  const char *g;
  if (from >= t->n)
    return t->n;
  if (t->gt_from <= from && from <= t->gt_at && t->gt_from != (size_t)-1)
    return t->gt_at;
  g = memchr(t->s + from, '>', t->n - from);
  t->gt_from = from;
  t->gt_at = g ? (size_t)(g - t->s) : t->n;
  return t->gt_at;
}

static size_t S_next_lt(const S_tok *t, size_t from) {
  const char *l;
  if (from >= t->n)
    return t->n;
  l = memchr(t->s + from, '<', t->n - from);
  return l ? (size_t)(l - t->s) : t->n;
}

/* What goahead() makes of a construct it cannot finish: text up to and
 * including the next '>', else up to the next '<'. */
static size_t S_incomplete_end(S_tok *t, size_t at) {
  size_t g = S_next_gt(t, at + 1);
  if (g < t->n)
    return g + 1;
  return S_next_lt(t, at + 1);
}

/* Attributes after a start tag's name, from @p j: where the tag ends.
 * *kind is K_START (*self set for "/>") or K_TEXT (not a tag: data, or a
 * tag that never ends). */
static size_t S_attrs(S_tok *t, size_t j, int *kind, int *self) {
  const char *s = t->s;
  size_t n = t->n, p = j;
  int slash_in_value = 0;
  /* [\s/]* */
  while (p < n && (S_space(s[p]) || s[p] == '/'))
    p++;
  for (;;) {
    size_t q;
    char prev = p > 0 ? s[p - 1] : 0;
    if (!(prev == '\'' || prev == '"' || prev == '/' || S_space(prev)))
      break;
    if (p >= n || S_space(s[p]) || s[p] == '/' || s[p] == '>')
      break;
    /* attribute name */
    p++;
    while (p < n && !S_space(s[p]) && s[p] != '/' && s[p] != '=' && s[p] != '>')
      p++;
    /* an optional value */
    q = p;
    while (q < n && S_space(s[q]))
      q++;
    if (q < n && s[q] == '=') {
      int ok = 1;
      while (q < n && s[q] == '=')
        q++;
      while (q < n && S_space(s[q]))
        q++;
      if (q < n && (s[q] == '\'' || s[q] == '"')) {
        const char *e = memchr(s + q + 1, s[q], n - q - 1);
        if (e)
          q = (size_t)(e - s) + 1;
        else
          ok = 0;
      } else {
        size_t v = q;
        while (q < n && s[q] != '>' && !S_space(s[q]))
          q++;
        slash_in_value = q > v && s[q - 1] == '/';
      }
      if (ok) {
        while (q < n && S_space(s[q]))
          q++;
        p = q;
      }
    }
    /* (?:\s|/(?!>))* */
    while (p < n &&
           (S_space(s[p]) || (s[p] == '/' && !(p + 1 < n && s[p + 1] == '>'))))
      p++;
  }
  while (p < n && S_space(s[p]))
    p++;
  *self = 0;
  if (p >= n) {
    *kind = K_TEXT; /* never ends */
    return (size_t)-1;
  }
  if (s[p] == '>') {
    *kind = K_START;
    /* "<br/>": the slash before '>' closes it, unless it ended a bare
     * value (<a href=x/> is an open <a>) */
    *self = p > j && s[p - 1] == '/' && !slash_in_value;
    return p + 1;
  }
  if (s[p] == '/') {
    if (p + 1 < n && s[p + 1] == '>') {
      *kind = K_START;
      *self = 1;
      return p + 2;
    }
    *kind = K_TEXT;
    return (size_t)-1;
  }
  if (isalpha((unsigned char)s[p]) || s[p] == '=') {
    *kind = K_TEXT;
    return (size_t)-1;
  }
  *kind = K_TEXT; /* data: the tag's text up to here */
  return p;
}

/* The construct at t->s[at] == '<': its kind and end; @p name gets a start
 * or end tag's lower-cased name (cut to fit), @p self a "/>". */
static S_kind S_token(S_tok *t, size_t at, size_t *end, char *name, size_t size,
                      int *self) {
  const char *s = t->s;
  size_t n = t->n, p;
  *self = 0;
  name[0] = '\0';
  if (at + 1 >= n) {
    *end = n;
    return K_TEXT;
  }
  if (isalpha((unsigned char)s[at + 1])) {
    size_t ne, k = 0, stop;
    int kind;
    if (t->nm_valid && t->nm_from <= at + 2 && at + 2 <= t->nm_end) {
      ne = t->nm_end;
    } else {
      for (ne = at + 2; ne < n && !S_name_stop(s[ne]); ne++)
        ;
      t->nm_from = at + 1;
      t->nm_end = ne;
      t->nm_valid = 1;
      t->at_end = S_attrs(t, ne, &t->at_kind, &t->at_self);
    }
    for (p = at + 1; p < ne && k + 1 < size; p++)
      name[k++] = (char)tolower((unsigned char)s[p]);
    name[k] = '\0';
    if (ne - (at + 1) >= size)
      name[0] = '\0'; /* too long for any name we know */
    kind = t->at_kind;
    stop = t->at_end;
    if (kind == K_START) {
      *self = t->at_self;
      *end = stop;
      return K_START;
    }
    *end = stop == (size_t)-1 ? S_incomplete_end(t, at) : stop;
    return K_TEXT;
  }
  if (s[at + 1] == '/') {
    size_t g = S_next_gt(t, at + 1), k = 0;
    if (g >= n) {
      *end = S_next_lt(t, at + 1);
      return K_TEXT;
    }
    *end = g + 1;
    p = at + 2;
    while (p < g && S_space(s[p]))
      p++;
    if (p < g && isalpha((unsigned char)s[p])) {
      /* "</name ...>": the name as the tolerant rule reads it */
      size_t q = p;
      while (q < n && !S_name_stop(s[q]))
        q++;
      if (p != at + 2) {
        /* "</ name>" matches only the strict form */
        size_t r = p;
        while (r < g && (isalnum((unsigned char)s[r]) || s[r] == '-' ||
                         s[r] == '.' || s[r] == ':' || s[r] == '_'))
          r++;
        while (r < g && S_space(s[r]))
          r++;
        if (r != g)
          return K_OTHER; /* a bogus comment */
        q = p;
        while (q < g && !S_space(s[q]))
          q++;
      }
      for (; p < q && k + 1 < size; p++)
        name[k++] = (char)tolower((unsigned char)s[p]);
      name[k] = '\0';
      return K_END;
    }
    if (at + 2 < n && s[at + 2] == '>') {
      *end = at + 3;
      return K_IGNORED;
    }
    /* a bogus comment, to '>'; "</<span class=\"hljs-name\">li" is a
     * highlighter's split end tag: *self marks it */
    *self = at + 2 < n && s[at + 2] == '<';
    return K_OTHER;
  }
  if (s[at + 1] == '!' && at + 3 < n && s[at + 2] == '-' && s[at + 3] == '-') {
    /* a comment, to "--\s*>" */
    size_t from = at + 4, c;
    if (t->cm_valid && t->cm_from <= from && from <= t->cm_at) {
      c = t->cm_end;
    } else {
      c = 0;
      for (p = from; p + 1 < n; p++) {
        size_t q;
        if (s[p] != '-' || s[p + 1] != '-')
          continue;
        for (q = p + 2; q < n && S_space(s[q]); q++)
          ;
        if (q < n && s[q] == '>') {
          c = q + 1;
          break;
        }
      }
      t->cm_valid = 1;
      t->cm_from = from;
      t->cm_at = c ? p : n;
      t->cm_end = c;
    }
    if (!c) {
      *end = S_incomplete_end(t, at);
      return K_TEXT;
    }
    *end = c;
    return K_OTHER;
  }
  if (s[at + 1] == '?' || s[at + 1] == '!') {
    size_t g = S_next_gt(t, at + 2);
    if (g >= n) {
      *end = S_incomplete_end(t, at);
      return K_TEXT;
    }
    *end = g + 1;
    return K_OTHER;
  }
  *end = at + 1;
  return K_TEXT;
}

/* Where the raw content of @p elem ("script") opened before @p from ends:
 * the next "</\s*elem\s*>", or the end. */
static size_t S_raw_end(const S_tok *t, size_t from, const char *elem) {
  size_t p, k = strlen(elem);
  for (p = from; p + 1 < t->n; p++) {
    size_t q;
    const char *l = memchr(t->s + p, '<', t->n - p);
    if (!l)
      break;
    p = (size_t)(l - t->s);
    if (p + 1 >= t->n || t->s[p + 1] != '/')
      continue;
    for (q = p + 2; q < t->n && S_space(t->s[q]); q++)
      ;
    if (!S_starts(t->s + q, t->n - q, elem))
      continue;
    for (q += k; q < t->n && S_space(t->s[q]); q++)
      ;
    if (q < t->n && t->s[q] == '>')
      return p;
  }
  return t->n;
}

/* The last "</code" (any case), or -1: a <code> is a region only when it
 * is closed, so that "<code>" written in prose does not make the rest of
 * the article text. */
static size_t S_last_closer(const char *s, size_t n, const char *closer) {
  size_t k = strlen(closer), p = n;
  while (p >= k) {
    p--;
    if (s[p] == '<' && p + k <= n && strncasecmp(s + p, closer, k) == 0)
      return p;
    if (p == 0)
      break;
  }
  return (size_t)-1;
}

char *nb_read__html_code_tags(const char *html, size_t len, size_t *out_len,
                              size_t *count) {
  S_tok t;
  S_out o;
  size_t i = 0, last_code;
  long pre = 0, code = 0;
  char name[24];
  memset(&t, 0, sizeof t);
  memset(&o, 0, sizeof o);
  t.s = o.src = html;
  t.n = o.len = len;
  t.gt_from = (size_t)-1;
  *count = 0;
  last_code = S_last_closer(html, len, "</code");
  while (i < len) {
    size_t end, at;
    S_kind kind;
    int self, region = pre > 0 || code > 0;
    const char *lt = memchr(html + i, '<', len - i);
    if (!lt)
      break;
    at = (size_t)(lt - html);
    kind = S_token(&t, at, &end, name, sizeof name, &self);
    i = end > at ? end : at + 1;
    switch (kind) {
    case K_START: {
      int markup = name[0] && S_is_markup(name);
      int raw = strcmp(name, "script") == 0 || strcmp(name, "style") == 0;
      int rcdata = strcmp(name, "textarea") == 0 || strcmp(name, "xmp") == 0;
      if (region && !markup) {
        S_escape(&o, at, end, 1);
        if (raw && !self) {
          /* its content runs to </script>, all text */
          size_t e = S_raw_end(&t, end, name);
          if (e > end)
            S_escape(&o, end, e, 1);
          i = e;
        }
        break;
      }
      if (!region && S_prose_code_tag(html, at, name)) {
        S_escape(&o, at, end, 1);
        break;
      }
      if (self)
        break;
      if (raw) {
        i = S_raw_end(&t, end, name); /* a real script: skipped */
      } else if (rcdata) {
        /* a <textarea> or <xmp> holds text only */
        size_t e = S_raw_end(&t, end, name);
        size_t l = S_next_lt(&t, end);
        if (l < e)
          S_escape(&o, end, e, 0);
        i = e;
      } else if (strcmp(name, "pre") == 0) {
        pre++;
      } else if (strcmp(name, "code") == 0 && pre == 0 &&
                 last_code != (size_t)-1 && last_code > at) {
        code++;
      }
      break;
    }
    case K_END:
      if (region && !(name[0] && S_is_markup(name))) {
        S_escape(&o, at, end, 1);
        break;
      }
      if (strcmp(name, "pre") == 0 && pre > 0)
        pre--;
      else if (strcmp(name, "code") == 0 && code > 0 && pre == 0)
        code--;
      break;
    case K_OTHER:
      if (region && self) {
        /* "</" is the text; the highlighter's span after it stays markup
         * (HTML would drop both into a comment, and "</li>" read "li>") */
        S_escape(&o, at, at + 2, 0);
        i = at + 2;
        break;
      }
      /* fall through */
    case K_TEXT:
      if (region)
        S_escape(&o, at, end, kind == K_OTHER);
      break;
    case K_IGNORED: break;
    }
  }
  return S_finish(&o, out_len, count);
}

/* ## Attributes past a limit
 *
 * libxml2's HTML parser checks each attribute against all earlier ones of
 * the same tag, so a tag with 100,000 attributes takes minutes. */

char *nb_read__html_cap_attributes(const char *html, size_t len,
                                   size_t *out_len, size_t *dropped) {
  size_t i, o = 0, attrs = 0;
  int in_tag = 0, in_space = 0, skipping = 0;
  char quote = 0, *out = NULL;
  *dropped = 0;
  for (i = 0; i < len; i++) {
    char c = html[i];
    if (!in_tag) {
      if (c == '<' && i + 1 < len &&
          ((html[i + 1] | 0x20) >= 'a' && (html[i + 1] | 0x20) <= 'z')) {
        in_tag = 1;
        attrs = 0;
        in_space = 0;
        skipping = 0;
      }
    } else if (quote) {
      if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      in_tag = skipping = 0;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      in_space = 1;
    } else if (in_space && c != '/' && c != '=') {
      in_space = 0;
      if (++attrs > NB_MAX_ATTRS && !skipping) {
        skipping = 1;
        (*dropped)++;
        if (!out) {
          out = malloc(len + 1);
          if (!out)
            return NULL;
          memcpy(out, html, i);
          o = i;
        }
      }
    } else {
      in_space = 0;
    }
    if (out && !(skipping && c != '>'))
      out[o++] = c;
  }
  if (!out)
    return NULL;
  out[o] = '\0';
  *out_len = o;
  return out;
}
