/* libFuzzer harness: nb_read_article. The first two bytes choose the nesting depth
 * and the input cap, the third whether the tree writer dumps the result
 * (fuzz_common.h); the rest is the input. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return nb_fuzz_reader(nb_read_article, "fuzz.article", data, size);
}
