/* libFuzzer harness: the web-page reader (nb_read_page), and with it the
 * charset detector, the JSON-LD reader and the JSON writer.
 *
 * Bytes 0 and 1 choose the nesting depth and the input cap (fuzz_common.h);
 * byte 2: bits 0-1 the extract mode (auto, always, never), bit 2 pass an
 * HTTP charset (bits 3-5 pick which, some of them wrong for the bytes),
 * bit 6 pass a page URL, bit 7 write the result as JSON (else dump it with
 * the tree writer). The rest is the page. */
#include "fuzz_common.h"

#include "read/charset.h"
#include "read/page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const S_charsets[] = {
    "utf-8",  "gbk",        "big5",     "shift_jis",
    "euc-kr", "iso-8859-1", "utf-16le", "no-such-charset"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  nb_read_options opts;
  nb_error err;
  nb_doc *doc;
  nb_jsonld ld;
  uint8_t mode;
  const char *charset = NULL, *url = NULL, *cs;
  nb_fuzz_read_options(&in, &opts);
  mode = nb_fuzz_byte(&in);
  opts.extract = (nb_extract_mode)(mode & 3) % 3;
  if (mode & 4)
    charset = S_charsets[(mode >> 3) & 7];
  if (mode & 0x40)
    url = "https://example.com/news/2024/page.html?id=1#top";

  /* the detector alone: a known charset name, never NULL */
  cs = nb_charset_detect((const char *)in.data, in.size);
  if (!cs || !nb_charset_name(cs, (size_t)-1))
    abort();
  /* the JSON-LD reader alone, on the raw bytes */
  memset(&ld, 0, sizeof ld);
  nb_page__jsonld_parse((const char *)in.data, in.size, &ld);
  nb_page__jsonld_free(&ld);

  doc = nb_read_page("fuzz.html", url, (const char *)in.data, in.size, charset,
                     &opts, &nb_fuzz_diag, &err);
  if (!doc)
    return 0;
  nb_fuzz_check_doc(doc);
  if (mode & 0x80)
    nb_fuzz_write_with(doc, nb_write_json, "out.json");
  else
    nb_fuzz_write_tree(doc);
  return 0;
}
