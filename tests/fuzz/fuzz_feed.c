/* libFuzzer harness: nb_read_feed / nb_read_feed_url (RSS 2.0 / Atom
 * through libxml2: no network, no entity expansion; JSON Feed through
 * json-c: nesting capped), nb_is_feed, and what the acquisition side asks
 * of fetched bytes and items (nb_acquire_sniff, the full-text rule). Every
 * item handed over is checked and freed; option bytes decide when to stop
 * early and whether the feed comes "from a URL" in some charset. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  int n, stop_after;
} S_state;

static int S_item(void *ud, nb_doc *doc) {
  S_state *st = ud;
  nb_acquire_options ao;
  nb_fuzz_check_doc(doc);
  memset(&ao, 0, sizeof ao);
  ao.abi_version = NB_ACQUIRE_ABI_VERSION;
  (void)nb_acquire_wants_full_text(doc, &ao);
  nb_doc_free(doc);
  return ++st->n >= st->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const charsets[] = {NULL,         "utf-8",          "gbk",
                                         "iso-8859-1", "shift_jis",      "big5",
                                         "utf-16",     "no-such-charset"};
  static const char *const types[] = {NULL, "text/html", "application/xml",
                                      "application/json"};
  nb_fuzz_in in = {data, size};
  nb_read_options opts;
  nb_error err;
  S_state st = {0, 0};
  uint8_t mode, how = 0;
  int n;
  nb_fuzz_read_options(&in, &opts);
  mode = nb_fuzz_byte(&in);
  st.stop_after = 1 + (mode & 0x7f);
  if (mode & 0x80) /* "fetched": one more byte picks the HTTP charset */
    how = nb_fuzz_byte(&in);
  (void)nb_is_feed((const char *)in.data, in.size);
  (void)nb_acquire_sniff(types[(how >> 3) & 3], (const char *)in.data, in.size,
                         NULL, 0);
  if (mode & 0x80)
    n = nb_read_feed_url("https://fuzz.example/feeds/feed", charsets[how & 7],
                         (const char *)in.data, in.size, &opts, &nb_fuzz_diag,
                         S_item, &st, &err);
  else
    n = nb_read_feed("fuzz.xml", (const char *)in.data, in.size, &opts,
                     &nb_fuzz_diag, S_item, &st, &err);
  if (n >= 0 && n < st.n)
    abort(); /* more items handed over than reported */
  return 0;
}
