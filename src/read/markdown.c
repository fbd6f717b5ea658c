/* The Markdown reader: md4c parses, and its callbacks write plain HTML that
 * the HTML reader then turns into the model. Going through HTML costs a
 * little but means raw HTML blocks and spans in Markdown (common in feeds)
 * meet exactly the same rules as HTML bodies, and there is one model
 * builder to get right, not two. Soft line breaks are written as "\n", so
 * the HTML reader's white-space rule (no space between two CJK characters
 * across a line break) applies to them too. */
#include <stdlib.h>
#include <string.h>

#include <md4c.h>

#include "read/read.h"
#include "util/util.h"

typedef struct S_out {
  nb_buf buf;
  int img_depth; /* inside ![...]: text becomes the alt attribute */
} S_out;

static void S_escape(nb_buf *b, const char *s, size_t len, int attr) {
  size_t i, start = 0;
  for (i = 0; i < len; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = attr ? "&quot;" : NULL; break;
    default: break;
    }
    if (rep) {
      nb_buf_append(b, s + start, i - start);
      nb_buf_puts(b, rep);
      start = i + 1;
    }
  }
  nb_buf_append(b, s + start, len - start);
}

/* An attribute md4c hands over in pieces (text, entities, NULs). */
static void S_attribute(nb_buf *b, const MD_ATTRIBUTE *a) {
  unsigned i;
  if (!a->text)
    return;
  for (i = 0; a->substr_offsets[i] < a->size; i++) {
    MD_OFFSET off = a->substr_offsets[i];
    MD_SIZE n = a->substr_offsets[i + 1] - off;
    if (a->substr_types[i] == MD_TEXT_ENTITY)
      nb_buf_append(b, a->text + off, n); /* already an HTML entity */
    else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
      nb_buf_puts(b, "\xEF\xBF\xBD");
    else
      S_escape(b, a->text + off, n, 1);
  }
}

static const char *S_align(MD_ALIGN a) {
  switch (a) {
  case MD_ALIGN_LEFT: return " align=\"left\"";
  case MD_ALIGN_CENTER: return " align=\"center\"";
  case MD_ALIGN_RIGHT: return " align=\"right\"";
  default: return "";
  }
}

static int S_enter_block(MD_BLOCKTYPE type, void *detail, void *ud) {
  nb_buf *b = &((S_out *)ud)->buf;
  switch (type) {
  case MD_BLOCK_DOC: break;
  case MD_BLOCK_QUOTE: nb_buf_puts(b, "<blockquote>\n"); break;
  case MD_BLOCK_UL: nb_buf_puts(b, "<ul>\n"); break;
  case MD_BLOCK_OL:
    nb_buf_printf(b, "<ol start=\"%u\">\n",
                  ((MD_BLOCK_OL_DETAIL *)detail)->start);
    break;
  case MD_BLOCK_LI: nb_buf_puts(b, "<li>"); break;
  case MD_BLOCK_HR: nb_buf_puts(b, "<hr>\n"); break;
  case MD_BLOCK_H:
    nb_buf_printf(b, "<h%u>", ((MD_BLOCK_H_DETAIL *)detail)->level);
    break;
  case MD_BLOCK_CODE: {
    MD_BLOCK_CODE_DETAIL *d = detail;
    nb_buf_puts(b, "<pre><code");
    if (d->lang.text && d->lang.size) {
      nb_buf_puts(b, " class=\"language-");
      S_attribute(b, &d->lang);
      nb_buf_putc(b, '"');
    }
    nb_buf_putc(b, '>');
    break;
  }
  case MD_BLOCK_HTML: break;
  case MD_BLOCK_P: nb_buf_puts(b, "<p>"); break;
  case MD_BLOCK_TABLE: nb_buf_puts(b, "<table>\n"); break;
  case MD_BLOCK_THEAD: nb_buf_puts(b, "<thead>\n"); break;
  case MD_BLOCK_TBODY: nb_buf_puts(b, "<tbody>\n"); break;
  case MD_BLOCK_TR: nb_buf_puts(b, "<tr>"); break;
  case MD_BLOCK_TH:
  case MD_BLOCK_TD:
    nb_buf_printf(b, "<%s%s>", type == MD_BLOCK_TH ? "th" : "td",
                  S_align(((MD_BLOCK_TD_DETAIL *)detail)->align));
    break;
  }
  return b->failed ? -1 : 0;
}

static int S_leave_block(MD_BLOCKTYPE type, void *detail, void *ud) {
  nb_buf *b = &((S_out *)ud)->buf;
  switch (type) {
  case MD_BLOCK_DOC: break;
  case MD_BLOCK_QUOTE: nb_buf_puts(b, "</blockquote>\n"); break;
  case MD_BLOCK_UL: nb_buf_puts(b, "</ul>\n"); break;
  case MD_BLOCK_OL: nb_buf_puts(b, "</ol>\n"); break;
  case MD_BLOCK_LI: nb_buf_puts(b, "</li>\n"); break;
  case MD_BLOCK_HR: break;
  case MD_BLOCK_H:
    nb_buf_printf(b, "</h%u>\n", ((MD_BLOCK_H_DETAIL *)detail)->level);
    break;
  case MD_BLOCK_CODE: nb_buf_puts(b, "</code></pre>\n"); break;
  case MD_BLOCK_HTML: nb_buf_putc(b, '\n'); break;
  case MD_BLOCK_P: nb_buf_puts(b, "</p>\n"); break;
  case MD_BLOCK_TABLE: nb_buf_puts(b, "</table>\n"); break;
  case MD_BLOCK_THEAD: nb_buf_puts(b, "</thead>\n"); break;
  case MD_BLOCK_TBODY: nb_buf_puts(b, "</tbody>\n"); break;
  case MD_BLOCK_TR: nb_buf_puts(b, "</tr>\n"); break;
  case MD_BLOCK_TH: nb_buf_puts(b, "</th>"); break;
  case MD_BLOCK_TD: nb_buf_puts(b, "</td>"); break;
  }
  return b->failed ? -1 : 0;
}

static int S_enter_span(MD_SPANTYPE type, void *detail, void *ud) {
  S_out *o = ud;
  nb_buf *b = &o->buf;
  if (o->img_depth) {
    /* Markup inside an image description is flattened into its alt. */
    if (type == MD_SPAN_IMG)
      o->img_depth++;
    return 0;
  }
  switch (type) {
  case MD_SPAN_EM: nb_buf_puts(b, "<em>"); break;
  case MD_SPAN_STRONG: nb_buf_puts(b, "<strong>"); break;
  case MD_SPAN_U: nb_buf_puts(b, "<u>"); break;
  case MD_SPAN_DEL: nb_buf_puts(b, "<del>"); break;
  case MD_SPAN_CODE: nb_buf_puts(b, "<code>"); break;
  case MD_SPAN_LATEXMATH:
  case MD_SPAN_LATEXMATH_DISPLAY: nb_buf_puts(b, "<code>"); break;
  case MD_SPAN_WIKILINK: break;
  case MD_SPAN_A: {
    MD_SPAN_A_DETAIL *d = detail;
    nb_buf_puts(b, "<a href=\"");
    S_attribute(b, &d->href);
    nb_buf_putc(b, '"');
    if (d->title.text && d->title.size) {
      nb_buf_puts(b, " title=\"");
      S_attribute(b, &d->title);
      nb_buf_putc(b, '"');
    }
    nb_buf_putc(b, '>');
    break;
  }
  case MD_SPAN_IMG: {
    MD_SPAN_IMG_DETAIL *d = detail;
    nb_buf_puts(b, "<img src=\"");
    S_attribute(b, &d->src);
    nb_buf_putc(b, '"');
    if (d->title.text && d->title.size) {
      nb_buf_puts(b, " title=\"");
      S_attribute(b, &d->title);
      nb_buf_putc(b, '"');
    }
    nb_buf_puts(b, " alt=\"");
    o->img_depth = 1;
    break;
  }
  }
  return b->failed ? -1 : 0;
}

static int S_leave_span(MD_SPANTYPE type, void *detail, void *ud) {
  S_out *o = ud;
  nb_buf *b = &o->buf;
  (void)detail;
  if (o->img_depth) {
    if (type == MD_SPAN_IMG && --o->img_depth == 0)
      nb_buf_puts(b, "\">");
    return 0;
  }
  switch (type) {
  case MD_SPAN_EM: nb_buf_puts(b, "</em>"); break;
  case MD_SPAN_STRONG: nb_buf_puts(b, "</strong>"); break;
  case MD_SPAN_U: nb_buf_puts(b, "</u>"); break;
  case MD_SPAN_DEL: nb_buf_puts(b, "</del>"); break;
  case MD_SPAN_CODE:
  case MD_SPAN_LATEXMATH:
  case MD_SPAN_LATEXMATH_DISPLAY: nb_buf_puts(b, "</code>"); break;
  case MD_SPAN_A: nb_buf_puts(b, "</a>"); break;
  case MD_SPAN_WIKILINK:
  case MD_SPAN_IMG: break;
  }
  return b->failed ? -1 : 0;
}

static int S_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size,
                  void *ud) {
  S_out *o = ud;
  nb_buf *b = &o->buf;
  switch (type) {
  case MD_TEXT_NULLCHAR: nb_buf_puts(b, "\xEF\xBF\xBD"); break;
  case MD_TEXT_BR: nb_buf_puts(b, o->img_depth ? " " : "<br>\n"); break;
  case MD_TEXT_SOFTBR: nb_buf_putc(b, '\n'); break;
  case MD_TEXT_ENTITY: nb_buf_append(b, text, size); break;
  case MD_TEXT_HTML:
    if (o->img_depth)
      S_escape(b, text, size, 1);
    else
      nb_buf_append(b, text, size);
    break;
  default: S_escape(b, text, size, o->img_depth > 0); break;
  }
  return b->failed ? -1 : 0;
}

int nb_read__markdown_to_html(const char *md, size_t len, char **out,
                              size_t *out_len) {
  MD_PARSER parser;
  S_out o;
  memset(&parser, 0, sizeof parser);
  memset(&o, 0, sizeof o);
  parser.abi_version = 0;
  parser.flags =
      MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
  parser.enter_block = S_enter_block;
  parser.leave_block = S_leave_block;
  parser.enter_span = S_enter_span;
  parser.leave_span = S_leave_span;
  parser.text = S_text;
  if (len > (size_t)(MD_SIZE)-1 ||
      md_parse(md ? md : "", (MD_SIZE)len, &parser, &o) != 0 || o.buf.failed) {
    nb_buf_free(&o.buf);
    return NB_ERR_SYSTEM;
  }
  *out_len = o.buf.len;
  *out = o.buf.data ? nb_buf_detach(&o.buf) : nb_strdup("");
  return *out ? 0 : NB_ERR_SYSTEM;
}
