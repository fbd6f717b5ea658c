/* Language guess by script: enough to tag Chinese, Japanese, Korean and
 * everything else as English for xml:lang, dc:language and font choice. */
#include "newsbook/doc.h"
#include "util/util.h"

const char *nb_text_guess_lang(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, han = 0, kana = 0, hangul = 0, latin = 0;
  uint32_t cp;
  while (i < len) {
    i += nb_utf8_decode(p + i, len - i, &cp);
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))
      han++;
    else if (cp >= 0x3040 && cp <= 0x30FF)
      kana++;
    else if (cp >= 0xAC00 && cp <= 0xD7AF)
      hangul++;
    else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
      latin++;
  }
  /* A Han character carries about a word; a Latin word about five letters. */
  if ((han + kana + hangul) * 5 < latin || han + kana + hangul == 0)
    return "en";
  if (kana * 10 >= han && kana > 0)
    return "ja";
  if (hangul > han)
    return "ko";
  return "zh-CN";
}
