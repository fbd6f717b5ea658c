/* libFuzzer harness: nb_read_markdown. The first two bytes choose the nesting
 * depth and the input cap (fuzz_common.h); the rest is the input. The
 * document built is walked and checked, then dumped with the tree writer
 * when the third byte is odd, so the writer side of the model is covered
 * too. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char S_out[64];

static void S_write_tree(nb_doc *doc) {
  nb_book *book;
  nb_error err;
  nb_write_options wo;
  memset(&wo, 0, sizeof wo);
  wo.abi_version = NB_WRITE_ABI_VERSION;
  if (!S_out[0]) {
    char dir[] = "/tmp/nb-fuzz-XXXXXX";
    if (!mkdtemp(dir))
      return;
    snprintf(S_out, sizeof S_out, "%s/out.tree", dir);
  }
  if (!(book = nb_book_new()))
    return;
  if (!nb_book_add_doc(book, doc)) {
    nb_book_free(book);
    nb_doc_free(doc);
    return;
  }
  nb_book_finish(book);
  nb_write_tree(book, &wo, S_out, &nb_fuzz_diag, &err);
  nb_book_free(book);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  nb_read_options opts;
  nb_error err;
  nb_doc *doc;
  uint8_t mode;
  nb_fuzz_read_options(&in, &opts);
  mode = nb_fuzz_byte(&in);
  doc = nb_read_markdown("fuzz.markdown", (const char *)in.data, in.size, &opts,
                   &nb_fuzz_diag, &err);
  if (!doc)
    return 0;
  nb_fuzz_check_doc(doc);
  if (mode & 1)
    S_write_tree(doc); /* the book owns the document */
  else
    nb_doc_free(doc);
  return 0;
}
