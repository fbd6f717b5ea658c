/* What every harness shares: options taken from the leading bytes, a
 * diagnostics callback that holds messages to the house rules, and a tree
 * walk that checks the model's invariants on whatever a reader built.
 *
 * A broken invariant aborts, so that libFuzzer records the input: a
 * diagnostic that is empty or spans lines, a node its parent may not
 * contain, text that is not valid UTF-8 or holds a NUL. */
#ifndef NB_FUZZ_COMMON_H
#define NB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsbook/newsbook.h"

/* Bytes that pick options are consumed from the front of the input. */
typedef struct nb_fuzz_in {
  const uint8_t *data;
  size_t size;
} nb_fuzz_in;

static inline uint8_t nb_fuzz_byte(nb_fuzz_in *in) {
  uint8_t b;
  if (in->size == 0)
    return 0;
  b = in->data[0];
  in->data++;
  in->size--;
  return b;
}

static inline int S_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned c = p[i], n, cp, k;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      n = 3, cp = c & 0x07;
    else
      return 0;
    for (k = 1; k <= n; k++) {
      if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    i += n + 1;
  }
  return 1;
}

/* Diagnostics must be one non-empty line: the CLI prints each as one. */
static void S_fuzz_report(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (!d->message || !d->message[0] || strchr(d->message, '\n'))
    abort();
  if (d->kind && !d->kind[0])
    abort();
}

static const nb_diag nb_fuzz_diag = {NB_DIAG_ABI_VERSION, S_fuzz_report, NULL};

/* Walk @p doc iteratively; every parent/child pair must be allowed, every
 * literal valid UTF-8 (readers repair input), every string readable. */
static inline void nb_fuzz_check_doc(nb_doc *doc) {
  nb_iter *it;
  nb_event ev;
  size_t i;
  char *text;
  if (!doc)
    return;
  for (i = 0; i < nb_doc_meta_count(doc); i++) {
    const char *k = nb_doc_meta_key(doc, i), *v = nb_doc_meta_value(doc, i);
    if (!k || !v || !S_utf8_valid(v, strlen(v)))
      abort();
  }
  for (i = 0; i < nb_doc_category_count(doc); i++)
    if (!S_utf8_valid(nb_doc_category(doc, i), strlen(nb_doc_category(doc, i))))
      abort();
  for (i = 0; i < nb_doc_author_count(doc); i++)
    if (!S_utf8_valid(nb_doc_author(doc, i), strlen(nb_doc_author(doc, i))))
      abort();
  it = nb_iter_new(nb_doc_root(doc));
  if (!it)
    return;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it), *parent;
    const char *lit;
    if (ev != NB_EVENT_ENTER)
      continue;
    parent = nb_node_parent(n);
    if (parent &&
        !nb_node_can_contain(nb_node_get_type(parent), nb_node_get_type(n)))
      abort();
    lit = nb_node_get_literal(n);
    if (lit && (!S_utf8_valid(lit, nb_node_get_literal_len(n)) ||
                memchr(lit, 0, nb_node_get_literal_len(n))))
      abort();
    if (nb_node_get_url(n))
      (void)strlen(nb_node_get_url(n));
    if (nb_node_get_alt(n))
      (void)strlen(nb_node_get_alt(n));
  }
  nb_iter_free(it);
  text = nb_node_text(nb_doc_root(doc));
  if (text && !S_utf8_valid(text, strlen(text)))
    abort();
  free(text);
}

/* Read options from two leading bytes: depth (small depths find the
 * flattening paths) and an input cap (small caps find the limit paths). */
static inline void nb_fuzz_read_options(nb_fuzz_in *in, nb_read_options *o) {
  uint8_t a = nb_fuzz_byte(in), b = nb_fuzz_byte(in);
  memset(o, 0, sizeof *o);
  o->abi_version = NB_READ_ABI_VERSION;
  o->max_depth = (a & 0x80) ? 0 : 1 + (a & 0x3f);
  o->max_input_bytes = (b & 0x80) ? 0 : 16 + (size_t)(b & 0x7f) * 64;
}

/* The reader harnesses' shared body: options from the leading bytes, read
 * with @p read, check the model, and dump it with the tree writer when the
 * next byte is odd so that the writer side of the model is covered too. */
static char S_fuzz_out_dir[32];

/* @p doc (owned) as a one-article book through @p write, into a file
 * @p name in a temporary folder made once per process. */
static inline void nb_fuzz_write_with(nb_doc *doc, nb_writer_fn write,
                                      const char *name) {
  nb_book *book;
  nb_error err;
  nb_write_options wo;
  char out[64];
  memset(&wo, 0, sizeof wo);
  wo.abi_version = NB_WRITE_ABI_VERSION;
  if (!S_fuzz_out_dir[0]) {
    char dir[] = "/tmp/nb-fuzz-XXXXXX";
    if (!mkdtemp(dir)) {
      nb_doc_free(doc);
      return;
    }
    snprintf(S_fuzz_out_dir, sizeof S_fuzz_out_dir, "%s", dir);
  }
  snprintf(out, sizeof out, "%s/%s", S_fuzz_out_dir, name);
  if (!(book = nb_book_new())) {
    nb_doc_free(doc);
    return;
  }
  if (!nb_book_add_doc(book, doc)) {
    nb_book_free(book);
    nb_doc_free(doc);
    return;
  }
  nb_book_finish(book);
  write(book, &wo, out, &nb_fuzz_diag, &err);
  nb_book_free(book); /* the book owns the document */
}

static inline void nb_fuzz_write_tree(nb_doc *doc) {
  nb_fuzz_write_with(doc, nb_write_tree, "out.tree");
}

static inline int nb_fuzz_reader(nb_reader_fn read, const char *name,
                                 const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  nb_read_options opts;
  nb_error err;
  nb_doc *doc;
  uint8_t mode;
  nb_fuzz_read_options(&in, &opts);
  mode = nb_fuzz_byte(&in);
  doc = read(name, (const char *)in.data, in.size, &opts, &nb_fuzz_diag, &err);
  if (!doc)
    return 0;
  nb_fuzz_check_doc(doc);
  if (mode & 1)
    nb_fuzz_write_tree(doc);
  else
    nb_doc_free(doc);
  return 0;
}

#endif
