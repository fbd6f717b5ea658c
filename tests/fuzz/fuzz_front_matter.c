/* libFuzzer harness: YAML front matter (nb_read_front_matter), which must
 * never fail on bad YAML and must keep alias bombs and deep nesting cheap.
 * The first byte says whether the input is first made valid UTF-8, as
 * nb_read_article does before it hands front matter over (then the
 * metadata must be valid UTF-8 too), or passed raw (then it must merely
 * not crash). */
#include "fuzz_common.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  uint8_t mode = nb_fuzz_byte(&in);
  nb_doc *doc = nb_doc_new();
  char *fixed = NULL;
  size_t len = in.size, repaired = 0;
  if (!doc)
    return 0;
  if (!(mode & 1)) {
    fixed = nb_utf8_repair((const char *)in.data, in.size, &len, &repaired);
    if (!fixed) {
      nb_doc_free(doc);
      return 0;
    }
  }
  nb_read_front_matter(doc, "fuzz.md",
                       fixed ? fixed : (const char *)in.data, len,
                       &nb_fuzz_diag);
  if (fixed)
    nb_fuzz_check_doc(doc);
  (void)nb_doc_get_date(doc);
  nb_doc_free(doc);
  free(fixed);
  return 0;
}
