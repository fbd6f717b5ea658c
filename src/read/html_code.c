/* Code that feeds forgot to escape. Feed pipelines often put source code
 * into <pre> and <code> as it is: "#include <stdio.h>", "List<String>",
 * a Maven <dependency>, an HTML page's <body>. A browser, and libxml2,
 * take those for tags and the code loses them without a trace. Before
 * parsing, tags inside <pre> and <code> that cannot be markup there are
 * turned back into text:
 *   - a tag whose name no HTML element has (<stdio.h>, <String,>, <T>,
 *     <groupId>), a processing instruction (<?xml ... ?>);
 *   - tags that only open documents (<html>, <head>, <body>, <script>,
 *     <style>, <meta>, <link>, <title>, <template>, <!DOCTYPE>);
 *   - and, in a block that holds one of those (an HTML sample), every tag
 *     and comment but the ones syntax highlighters emit (<span>, <a>,
 *     <b>, <br> and the like).
 * Elsewhere nothing changes: markup in code that is markup stays so. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/html.h"

/* Every HTML element name, current and obsolete, sorted. */
static const char *const S_html[] = {
    "a",        "abbr",     "acronym",  "address",  "applet",   "area",
    "article",  "aside",    "audio",    "b",        "base",     "basefont",
    "bdi",      "bdo",      "big",      "blink",    "blockquote", "body",
    "br",       "button",   "canvas",   "caption",  "center",   "cite",
    "code",     "col",      "colgroup", "data",     "datalist", "dd",
    "del",      "details",  "dfn",      "dialog",   "dir",      "div",
    "dl",       "dt",       "em",       "embed",    "fieldset", "figcaption",
    "figure",   "font",     "footer",   "form",     "frame",    "frameset",
    "h1",       "h2",       "h3",       "h4",       "h5",       "h6",
    "head",     "header",   "hgroup",   "hr",       "html",     "i",
    "iframe",   "img",      "input",    "ins",      "kbd",      "label",
    "legend",   "li",       "link",     "main",     "map",      "mark",
    "marquee",  "math",     "menu",     "meta",     "meter",    "nav",
    "nobr",     "noembed",  "noframes", "noscript", "object",   "ol",
    "optgroup", "option",   "output",   "p",        "param",    "picture",
    "plaintext", "pre",     "progress", "q",        "rb",       "rp",
    "rt",       "rtc",      "ruby",     "s",        "samp",     "script",
    "search",   "section",  "select",   "slot",     "small",    "source",
    "span",     "strike",   "strong",   "style",    "sub",      "summary",
    "sup",      "svg",      "table",    "tbody",    "td",       "template",
    "textarea", "tfoot",    "th",       "thead",    "time",     "title",
    "tr",       "track",    "tt",       "u",        "ul",       "var",
    "video",    "wbr",      "xmp"};

/* Tags that open or furnish a document: never markup inside code. */
static const char *const S_docish[] = {"base", "body",   "head",  "html",
                                       "link", "meta",   "script", "style",
                                       "template", "title"};

/* What syntax highlighters put in code: kept even in an HTML sample. */
static const char *const S_highlight[] = {
    "a",    "b",    "br",   "code", "del",  "em",   "font", "i",   "ins",
    "kbd",  "mark", "s",    "samp", "small", "span", "strong", "sub",
    "sup",  "u",    "var"};

static int S_cmp(const void *key, const void *el) {
  return strcmp(key, *(const char *const *)el);
}

static int S_in(const char *name, const char *const *set, size_t n) {
  return bsearch(name, set, n, sizeof *set, S_cmp) != NULL;
}
#define S_IN(name, set) S_in(name, set, sizeof set / sizeof *set)

typedef enum tag_class {
  TAG_NONE,    /* not a tag: text already */
  TAG_MARKUP,  /* an element that may well be markup in code */
  TAG_HIGHLIGHT, /* what highlighters emit */
  TAG_DOC,     /* opens a document: code */
  TAG_FOREIGN  /* no HTML element: code */
} tag_class;

/* Classifies the tag starting at @p s ('<'), @p n bytes left; @p name gets
 * its lower-cased name (cut to fit, which no HTML name needs). */
static tag_class S_class(const char *s, size_t n, char *name, size_t size) {
  size_t i = 1, k = 0;
  int long_name = 0;
  if (i < n && s[i] == '/')
    i++;
  if (i < n && (s[i] == '?' || (s[i] == '!' && i == 1)))
    return s[i] == '?' ? TAG_FOREIGN
                       : (n > 9 && strncasecmp(s + 2, "doctype", 7) == 0
                              ? TAG_DOC
                              : TAG_MARKUP); /* a comment */
  if (i >= n || !isalpha((unsigned char)s[i]))
    return TAG_NONE;
  for (; i < n && !isspace((unsigned char)s[i]) && s[i] != '/' &&
         s[i] != '>' && s[i] != '<';
       i++) {
    if (k + 1 < size)
      name[k++] = (char)tolower((unsigned char)s[i]);
    else
      long_name = 1;
  }
  name[k] = '\0';
  if (long_name || !S_IN(name, S_html))
    return TAG_FOREIGN;
  if (S_IN(name, S_docish))
    return TAG_DOC;
  return S_IN(name, S_highlight) ? TAG_HIGHLIGHT : TAG_MARKUP;
}

/* The closing tag of the code region a tag at @p s opens ("</pre" for
 * <pre ...>, "</code" for <code ...>), or NULL for any other tag. */
static int S_name_end(char c) {
  return c == '>' || c == '/' || c == '<' || isspace((unsigned char)c);
}

static const char *S_opener(const char *s, size_t n) {
  if (n > 4 && strncasecmp(s + 1, "pre", 3) == 0 && S_name_end(s[4]))
    return "</pre";
  if (n > 5 && strncasecmp(s + 1, "code", 4) == 0 && S_name_end(s[5]))
    return "</code";
  return NULL;
}

/* Where the code region opened at @p open ends: its first </pre or </code,
 * whichever the opener was, or the end. */
static size_t S_region_end(const char *html, size_t len, size_t from,
                           const char *closer) {
  size_t m = strlen(closer), i;
  for (i = from; i + m <= len; i++)
    if (html[i] == '<' && strncasecmp(html + i, closer, m) == 0)
      return i;
  return len;
}

/* Appends html[from, to) to @p out, '<' of code tags made "&lt;". */
static void S_rewrite(const char *html, size_t from, size_t to, int sample,
                      char *out, size_t *o, size_t *count) {
  size_t i;
  char name[16];
  for (i = from; i < to; i++) {
    tag_class c = html[i] == '<'
                      ? S_class(html + i, to - i, name, sizeof name)
                      : TAG_NONE;
    if (c == TAG_FOREIGN || c == TAG_DOC || (sample && c == TAG_MARKUP)) {
      memcpy(out + *o, "&lt;", 4);
      *o += 4;
      (*count)++;
    } else {
      out[(*o)++] = html[i];
    }
  }
}

char *nb_read__html_code_tags(const char *html, size_t len, size_t *out_len,
                              size_t *count) {
  size_t i = 0, o = 0, copied = 0;
  char *out = NULL, name[16];
  *count = 0;
  while (i < len) {
    const char *closer;
    size_t start, end, k;
    int literal = 0, sample = 0;
    const char *lt = memchr(html + i, '<', len - i);
    if (!lt)
      break;
    i = (size_t)(lt - html);
    if (!(closer = S_opener(lt, len - i))) {
      i++;
      continue;
    }
    start = i + 1;
    while (start < len && html[start] != '>')
      start++;
    if (start < len)
      start++;
    end = S_region_end(html, len, start, closer);
    for (k = start; k < end; k++) {
      tag_class c;
      if (html[k] != '<')
        continue;
      c = S_class(html + k, end - k, name, sizeof name);
      literal |= c == TAG_FOREIGN || c == TAG_DOC;
      sample |= c == TAG_DOC;
    }
    if (literal) {
      if (!out) {
        /* a rewritten tag is 2 bytes at least and grows by 3 */
        out = malloc(len + 3 * (len / 2) + 1);
        if (!out)
          return NULL;
      }
      memcpy(out + o, html + copied, start - copied);
      o += start - copied;
      S_rewrite(html, start, end, sample, out, &o, count);
      copied = end;
    }
    i = end;
  }
  if (!out)
    return NULL;
  memcpy(out + o, html + copied, len - copied);
  o += len - copied;
  out[o] = '\0';
  *out_len = o;
  return out;
}
