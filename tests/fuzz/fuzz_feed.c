/* libFuzzer harness: nb_read_feed (RSS 2.0 / Atom through libxml2: no
 * network, no entity expansion) and nb_is_feed. Every item handed over is
 * checked and freed; a byte of the input decides when to stop early. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  int n, stop_after;
} S_state;

static int S_item(void *ud, nb_doc *doc) {
  S_state *st = ud;
  nb_fuzz_check_doc(doc);
  nb_doc_free(doc);
  return ++st->n >= st->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  nb_read_options opts;
  nb_error err;
  S_state st = {0, 0};
  int n;
  nb_fuzz_read_options(&in, &opts);
  st.stop_after = 1 + nb_fuzz_byte(&in);
  (void)nb_is_feed((const char *)in.data, in.size);
  n = nb_read_feed("fuzz.xml", (const char *)in.data, in.size, &opts,
                   &nb_fuzz_diag, S_item, &st, &err);
  if (n >= 0 && n < st.n)
    abort(); /* more items handed over than reported */
  return 0;
}
