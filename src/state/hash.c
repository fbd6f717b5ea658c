/* The content hash of an article: SHA-256 (GLib's GChecksum) over its
 * normalised body text, so that the same article reached under two URLs,
 * re-wrapped or re-marked-up, is recognised as already delivered.
 *
 * Normalising is deliberately small and stable (a stored hash must keep
 * matching across versions): white space of every kind is dropped,
 * full-width ASCII forms (Ｇ，ＰＵ) fold to ASCII, ASCII is lower-cased.
 * Nothing else: no Unicode normalisation tables whose updates would change
 * old hashes. The tree is walked with the public iterator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "newsbook/state.h"
#include "util/util.h"

/* Below this many characters a body says too little to identify an
 * article on its own ("详见图片", "Read more"). */
enum { S_MIN_BODY_CHARS = 40 };

static int S_is_space(uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

/* Append the normalised form of @p len bytes of @p s; count characters. */
static void S_norm(nb_buf *b, const char *s, size_t len, size_t *chars) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    char enc[4];
    i += nb_utf8_decode(p + i, len - i, &cp);
    if (S_is_space(cp))
      continue;
    if (cp >= 0xFF01 && cp <= 0xFF5E)
      cp -= 0xFEE0;
    if (cp >= 'A' && cp <= 'Z')
      cp += 'a' - 'A';
    nb_buf_append(b, enc, nb_utf8_encode(cp, enc));
    (*chars)++;
  }
}

int nb_state_content_hash(const nb_doc *doc, char out[NB_STATE_HASH_SIZE]) {
  nb_buf body = NB_BUF_INIT, all = NB_BUF_INIT;
  nb_iter *it;
  nb_event ev;
  size_t chars = 0, tchars = 0;
  const char *title;
  GChecksum *ck;
  int ok = 0;

  out[0] = '\0';
  if (!doc || !(it = nb_iter_new(nb_doc_root(doc))))
    return 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type t = nb_node_get_type(n);
    if (ev == NB_EVENT_ENTER &&
        (t == NB_NODE_TEXT || t == NB_NODE_CODE || t == NB_NODE_CODE_BLOCK))
      S_norm(&body, nb_node_get_literal(n), nb_node_get_literal_len(n), &chars);
  }
  nb_iter_free(it);
  /* "b:" and "tb:" keep a body that happens to equal a title + body apart */
  if (chars < S_MIN_BODY_CHARS) {
    nb_buf_puts(&all, "tb:");
    title = nb_doc_get_meta(doc, "title");
    if (title)
      S_norm(&all, title, strlen(title), &tchars);
    nb_buf_putc(&all, '\x1f');
  } else {
    nb_buf_puts(&all, "b:");
  }
  if (body.len)
    nb_buf_append(&all, body.data, body.len);
  if (!body.failed && !all.failed && chars + tchars > 0 &&
      (ck = g_checksum_new(G_CHECKSUM_SHA256)) != NULL) {
    g_checksum_update(ck, (const guchar *)all.data, (gssize)all.len);
    snprintf(out, NB_STATE_HASH_SIZE, "sha256:%s", g_checksum_get_string(ck));
    g_checksum_free(ck);
    ok = 1;
  }
  nb_buf_free(&body);
  nb_buf_free(&all);
  return ok;
}

void nb_state_article_from_doc(const nb_doc *doc, nb_state_article *a,
                               char hash_buf[NB_STATE_HASH_SIZE]) {
  nb_date d;
  memset(a, 0, sizeof *a);
  hash_buf[0] = '\0';
  if (!doc)
    return;
  a->guid = nb_doc_get_meta(doc, "guid");
  a->url = nb_doc_get_meta(doc, "source");
  a->title = nb_doc_get_meta(doc, "title");
  d = nb_doc_get_date(doc);
  a->date = d.valid ? d.utc : 0;
  if (nb_state_content_hash(doc, hash_buf))
    a->hash = hash_buf;
}
