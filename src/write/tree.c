/* The tree writer (`--to tree`): the first document of a book as an
 * indented dump of its metadata and node tree, the form spec tests compare
 * (as cmark's xml.c or pandoc's native writer). One node per line:
 *
 *   meta title "…"          metadata, in insertion order ("path" left out:
 *   category "…"            it names the machine, not the article)
 *   document
 *     heading level=2
 *       text "Hello"
 *
 * Strings are in double quotes with \" \\ \n \t and \xNN escapes, so the
 * dump is one line per node whatever the text holds. */
#include <stdio.h>
#include <string.h>

#include "newsbook/writer.h"
#include "util/util.h"

static void S_quote(nb_buf *b, const char *s, size_t len) {
  size_t i;
  nb_buf_putc(b, '"');
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      nb_buf_putc(b, '\\');
      nb_buf_putc(b, (char)c);
    } else if (c == '\n') {
      nb_buf_puts(b, "\\n");
    } else if (c == '\t') {
      nb_buf_puts(b, "\\t");
    } else if (c < 0x20 || c == 0x7F) {
      nb_buf_printf(b, "\\x%02X", c);
    } else {
      nb_buf_putc(b, (char)c);
    }
  }
  nb_buf_putc(b, '"');
}

static void S_attr(nb_buf *b, const char *key, const char *value) {
  if (!value)
    return;
  nb_buf_printf(b, " %s=", key);
  S_quote(b, value, strlen(value));
}

static void S_node(nb_buf *b, const nb_node *n, int depth) {
  static const char *const aligns[] = {"", "left", "center", "right"};
  nb_node_type t = nb_node_get_type(n);
  int i;
  for (i = 0; i < depth; i++)
    nb_buf_puts(b, "  ");
  nb_buf_puts(b, nb_node_type_name(t));
  switch (t) {
  case NB_NODE_HEADING:
    nb_buf_printf(b, " level=%d", nb_node_get_heading_level(n));
    break;
  case NB_NODE_LIST:
    if (nb_node_get_list_ordered(n))
      nb_buf_printf(b, " ordered start=%d", nb_node_get_list_start(n));
    break;
  case NB_NODE_TABLE_ROW:
    if (nb_node_get_header(n))
      nb_buf_puts(b, " header");
    break;
  case NB_NODE_TABLE_CELL:
    if (nb_node_get_header(n))
      nb_buf_puts(b, " header");
    if (nb_node_get_align(n) != NB_ALIGN_NONE)
      nb_buf_printf(b, " align=%s", aligns[nb_node_get_align(n) & 3]);
    if (nb_node_get_colspan(n) > 1)
      nb_buf_printf(b, " colspan=%d", nb_node_get_colspan(n));
    break;
  case NB_NODE_CODE_BLOCK: S_attr(b, "info", nb_node_get_info(n)); break;
  case NB_NODE_LINK:
    S_attr(b, "url", nb_node_get_url(n));
    S_attr(b, "title", nb_node_get_title(n));
    break;
  case NB_NODE_IMAGE:
    S_attr(b, "url", nb_node_get_url(n));
    S_attr(b, "alt", nb_node_get_alt(n));
    S_attr(b, "title", nb_node_get_title(n));
    break;
  default: break;
  }
  if (t == NB_NODE_TEXT || t == NB_NODE_CODE || t == NB_NODE_CODE_BLOCK) {
    nb_buf_putc(b, ' ');
    S_quote(b, nb_node_get_literal(n), nb_node_get_literal_len(n));
  }
  nb_buf_putc(b, '\n');
}

/* The dump of @p doc into @p b. */
static void S_dump(nb_buf *b, nb_doc *doc) {
  size_t i;
  int depth = 0;
  nb_iter *it;
  nb_event ev;
  nb_date d = nb_doc_get_date(doc);
  for (i = 0; i < nb_doc_meta_count(doc); i++) {
    const char *k = nb_doc_meta_key(doc, i), *v = nb_doc_meta_value(doc, i);
    if (strcmp(k, "path") == 0)
      continue;
    nb_buf_printf(b, "meta %s ", k);
    S_quote(b, v, strlen(v));
    nb_buf_putc(b, '\n');
  }
  if (d.valid) {
    char iso[64];
    nb_buf_printf(b, "date %s\n", nb_date_format_iso(d, iso, sizeof iso));
  }
  for (i = 0; i < nb_doc_author_count(doc); i++) {
    nb_buf_puts(b, "author ");
    S_quote(b, nb_doc_author(doc, i), strlen(nb_doc_author(doc, i)));
    nb_buf_putc(b, '\n');
  }
  for (i = 0; i < nb_doc_category_count(doc); i++) {
    nb_buf_puts(b, "category ");
    S_quote(b, nb_doc_category(doc, i), strlen(nb_doc_category(doc, i)));
    nb_buf_putc(b, '\n');
  }
  it = nb_iter_new(nb_doc_root(doc));
  if (!it) {
    b->failed = 1;
    return;
  }
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev == NB_EVENT_ENTER) {
      S_node(b, n, depth);
      if (!nb_node_type_is_leaf(nb_node_get_type(n)))
        depth++;
    } else if (ev == NB_EVENT_EXIT) {
      depth--;
    }
  }
  nb_iter_free(it);
}

int nb_write_tree(const nb_book *book, const nb_write_options *opts,
                  const char *path, const nb_diag *diag, nb_error *err) {
  nb_buf b = NB_BUF_INIT;
  nb_atomic a;
  int rc;
  (void)opts;
  (void)diag;
  if (!book || !path)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "no book or no output path");
  if (nb_book_doc_count(book) == 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "the book has no document to dump");
  S_dump(&b, nb_book_doc(book, 0));
  if (b.failed) {
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
  }
  if (strcmp(path, "-") == 0) {
    rc = fwrite(b.data ? b.data : "", 1, b.len, stdout) == b.len &&
                 fflush(stdout) == 0
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
  if (b.len && fwrite(b.data, 1, b.len, a.fp) != b.len) {
    nb_atomic_abort(&a);
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "write failed");
  }
  nb_buf_free(&b);
  return nb_atomic_commit(&a, err);
}
