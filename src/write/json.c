/* The JSON writer (`--to json`): a book as one JSON object for pipelines,
 * and the form article extraction is scored in:
 *
 *   {"title": …, "author": …, "date": …, "lang": …,
 *    "articles": [{"title", "byline", "date", "url", "lead_image",
 *                  "categories": [...], "text",
 *                  "images": [{"url", "alt", "caption"}]}]}
 *
 * Every key is always present (null when unknown), in this order, so the
 * same book gives the same bytes. "text" is the body as plain text: one
 * block per paragraph, heading, code block or caption, blocks separated by a
 * blank line; list items and table rows one per line (cells joined by a
 * tab); line breaks kept; figures (a picture and its caption) and images,
 * which are not running text, left out of it. They are in "images", in
 * reading order: each picture's address, text alternative and, in a
 * figure, the figure's caption (null where there is none).
 *
 * Strings are escaped per RFC 8259 (plus U+2028/U+2029, so the output is
 * also a JavaScript literal); bytes that are not UTF-8 (readers repair
 * input, but a writer does not rely on it) become U+FFFD. No libxml2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsbook/writer.h"
#include "util/util.h"

/* ## Strings */

static void S_string(nb_buf *b, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  nb_buf_putc(b, '"');
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      uint32_t cp;
      size_t n = nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
      if (cp == 0xFFFD && n == 1)
        nb_buf_puts(b, "\xEF\xBF\xBD"); /* a stray byte */
      else if (cp == 0x2028 || cp == 0x2029)
        nb_buf_printf(b, "\\u%04x", (unsigned)cp);
      else
        nb_buf_append(b, s + i, n);
      i += n;
      continue;
    }
    switch (c) {
    case '"': nb_buf_puts(b, "\\\""); break;
    case '\\': nb_buf_puts(b, "\\\\"); break;
    case '\b': nb_buf_puts(b, "\\b"); break;
    case '\f': nb_buf_puts(b, "\\f"); break;
    case '\n': nb_buf_puts(b, "\\n"); break;
    case '\r': nb_buf_puts(b, "\\r"); break;
    case '\t': nb_buf_puts(b, "\\t"); break;
    default:
      if (c < 0x20 || c == 0x7F) {
        char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        nb_buf_puts(b, u);
      } else {
        nb_buf_putc(b, (char)c);
      }
    }
    i++;
  }
  nb_buf_putc(b, '"');
}

/* "key": value-or-null, after a comma unless first. */
static void S_member(nb_buf *b, const char *indent, const char *key,
                     const char *value, int first) {
  nb_buf_puts(b, first ? "" : ",\n");
  nb_buf_printf(b, "%s\"%s\": ", indent, key);
  if (value)
    S_string(b, value, strlen(value));
  else
    nb_buf_puts(b, "null");
}

/* ## Plain text of a body */

typedef struct S_text {
  nb_buf out;
  int sep;  /* separator owed before the next text: 0, 1 \n, 2 \n\n */
  int cell; /* cells of the open row already written */
} S_text;

static void S_owe(S_text *t, int sep) {
  if (t->out.len && t->sep < sep)
    t->sep = sep;
}

static void S_put(S_text *t, const char *s, size_t len) {
  if (!len)
    return;
  if (t->out.len && t->sep)
    nb_buf_append(&t->out, "\n\n", (size_t)t->sep);
  t->sep = 0;
  nb_buf_append(&t->out, s, len);
}

/* The separator a block kind owes after it (and before it): blank lines
 * between blocks, single newlines between items and rows. */
static int S_block_sep(nb_node_type type, const nb_node *n) {
  const nb_node *p = nb_node_parent(n);
  if (type == NB_NODE_ITEM || type == NB_NODE_TABLE_ROW)
    return 1;
  /* the first block of an item continues the item's line */
  if (p && nb_node_get_type(p) == NB_NODE_ITEM)
    return 1;
  if (p && nb_node_get_type(p) == NB_NODE_TABLE_CELL)
    return 0;
  return 2;
}

static void S_render_node(S_text *t, nb_node *n, nb_event ev) {
  nb_node_type type = nb_node_get_type(n);
  if (ev == NB_EVENT_ENTER) {
    switch (type) {
    case NB_NODE_TEXT:
    case NB_NODE_CODE:
      S_put(t, nb_node_get_literal(n), nb_node_get_literal_len(n));
      return;
    case NB_NODE_CODE_BLOCK:
      S_owe(t, S_block_sep(type, n));
      S_put(t, nb_node_get_literal(n), nb_node_get_literal_len(n));
      S_owe(t, S_block_sep(type, n));
      return;
    case NB_NODE_LINEBREAK: S_owe(t, 1); return;
    case NB_NODE_RULE: S_owe(t, 2); return;
    case NB_NODE_TABLE_ROW: t->cell = 0; break;
    case NB_NODE_TABLE_CELL:
      if (t->cell++ > 0 && t->out.len) {
        t->sep = 0; /* what a cell's blocks owe ends at the tab */
        nb_buf_putc(&t->out, '\t');
      }
      return;
    default: break;
    }
    if (nb_node_type_is_block(type) && type != NB_NODE_DOCUMENT)
      S_owe(t, S_block_sep(type, n));
    return;
  }
  if (nb_node_type_is_block(type) && type != NB_NODE_DOCUMENT &&
      type != NB_NODE_TABLE_CELL)
    S_owe(t, S_block_sep(type, n));
}

/* The plain text of @p doc's body into @p out. 1, or 0 on out of memory. */
static int S_body_text(nb_doc *doc, nb_buf *out) {
  S_text t;
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_event ev;
  memset(&t, 0, sizeof t);
  if (!it)
    return 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev == NB_EVENT_ENTER && nb_node_get_type(n) == NB_NODE_FIGURE) {
      /* a picture and its caption: not running text */
      S_owe(&t, 2);
      nb_iter_reset(it, n, NB_EVENT_EXIT);
      continue;
    }
    S_render_node(&t, n, ev);
  }
  nb_iter_free(it);
  if (t.out.failed) {
    nb_buf_free(&t.out);
    return 0;
  }
  *out = t.out;
  return 1;
}

/* The pictures of @p doc's body as a JSON array into @p b. */
static void S_images(nb_buf *b, nb_doc *doc) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_event ev;
  int first = 1;
  if (!it) {
    b->failed = 1;
    return;
  }
  nb_buf_puts(b, ",\n      \"images\": [");
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it), *fig, *c;
    char *caption = NULL;
    if (ev != NB_EVENT_ENTER || nb_node_get_type(n) != NB_NODE_IMAGE)
      continue;
    for (fig = nb_node_parent(n);
         fig && nb_node_get_type(fig) != NB_NODE_FIGURE;
         fig = nb_node_parent(fig))
      ;
    for (c = fig ? nb_node_first_child(fig) : NULL; c && !caption;
         c = nb_node_next(c))
      if (nb_node_get_type(c) == NB_NODE_CAPTION)
        caption = nb_node_text(c);
    nb_buf_puts(b, first ? "\n        {" : ",\n        {");
    S_member(b, "", "url", nb_node_get_url(n), 1);
    nb_buf_puts(b, ", ");
    S_member(b, "", "alt", nb_node_get_alt(n), 1);
    nb_buf_puts(b, ", ");
    S_member(b, "", "caption", caption && *caption ? caption : NULL, 1);
    nb_buf_putc(b, '}');
    free(caption);
    first = 0;
  }
  nb_buf_puts(b, first ? "]" : "\n      ]");
  nb_iter_free(it);
}

/* ## Document */

static void S_article(nb_buf *b, nb_doc *doc, int first) {
  nb_date d = nb_doc_get_date(doc);
  char iso[64];
  const char *date = nb_doc_get_meta(doc, "date");
  const char *lead = nb_doc_get_meta(doc, "headimg");
  nb_buf byline = NB_BUF_INIT, text = NB_BUF_INIT;
  size_t i;
  if (d.valid)
    date = nb_date_format_iso(d, iso, sizeof iso);
  if (!lead)
    lead = nb_doc_get_meta(doc, "thumbnail");
  for (i = 0; i < nb_doc_author_count(doc); i++) {
    if (i)
      nb_buf_puts(&byline, ", ");
    nb_buf_puts(&byline, nb_doc_author(doc, i));
  }
  nb_buf_puts(b, first ? "\n    {\n" : ",\n    {\n");
  S_member(b, "      ", "title", nb_doc_get_meta(doc, "title"), 1);
  S_member(b, "      ", "byline", byline.len ? byline.data : NULL, 0);
  S_member(b, "      ", "date", date, 0);
  S_member(b, "      ", "url", nb_doc_get_meta(doc, "source"), 0);
  S_member(b, "      ", "lead_image", lead, 0);
  nb_buf_puts(b, ",\n      \"categories\": [");
  for (i = 0; i < nb_doc_category_count(doc); i++) {
    const char *c = nb_doc_category(doc, i);
    if (i)
      nb_buf_puts(b, ", ");
    S_string(b, c, strlen(c));
  }
  nb_buf_puts(b, "]");
  if (!S_body_text(doc, &text))
    b->failed = 1;
  S_member(b, "      ", "text", text.data ? text.data : "", 0);
  S_images(b, doc);
  nb_buf_puts(b, "\n    }");
  nb_buf_free(&byline);
  nb_buf_free(&text);
}

static void S_book(nb_buf *b, const nb_book *book) {
  size_t k, n = nb_book_doc_count(book);
  nb_buf_puts(b, "{\n");
  S_member(b, "  ", "title", nb_book_get_meta(book, "title"), 1);
  S_member(b, "  ", "author", nb_book_get_meta(book, "author"), 0);
  S_member(b, "  ", "date", nb_book_get_meta(book, "date"), 0);
  S_member(b, "  ", "lang", nb_book_get_meta(book, "lang"), 0);
  nb_buf_puts(b, ",\n  \"articles\": [");
  for (k = 0; k < n; k++)
    S_article(b, nb_book_doc(book, k), k == 0);
  nb_buf_puts(b, n ? "\n  ]\n}\n" : "]\n}\n");
}

int nb_write_json(const nb_book *book, const nb_write_options *opts,
                  const char *path, const nb_diag *diag, nb_error *err) {
  nb_buf b = NB_BUF_INIT;
  nb_atomic a;
  int rc;
  (void)opts;
  (void)diag;
  if (!book || !path)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "no book or no output path");
  S_book(&b, book);
  if (b.failed) {
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
  }
  if (strcmp(path, "-") == 0) {
    rc = fwrite(b.data, 1, b.len, stdout) == b.len && fflush(stdout) == 0
             ? 0
             : nb_error_set(err, NB_ERR_SYSTEM, path, 0,
                            "could not write to standard output");
    nb_buf_free(&b);
    return rc;
  }
  rc = nb_atomic_open(&a, path, err);
  if (rc != 0) {
    nb_buf_free(&b);
    return rc;
  }
  if (fwrite(b.data, 1, b.len, a.fp) != b.len) {
    nb_atomic_abort(&a);
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "write failed");
  }
  nb_buf_free(&b);
  return nb_atomic_commit(&a, err);
}
