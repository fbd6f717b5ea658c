/* Character sets of web pages (charset.h): labels to iconv names, the
 * HTML prescan for a declared charset, detection by byte-pattern scoring,
 * and a forgiving conversion to UTF-8.
 *
 * Detection decodes a sample with each candidate and scores what comes
 * out, rather than keeping per-encoding byte-pair tables: a right guess
 * yields the language's most frequent characters (的 是 了, の に は, 이 다
 * 의) and letters between ASCII words; a wrong one yields undecodable
 * sequences, rare ideographs, half-width katakana, private-use characters
 * and runs of accented capitals. The frequent characters are written once,
 * in UTF-8, below. */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/charset.h"
#include "util/util.h"

/* ## Labels */

typedef struct S_label {
  const char *label;
  const char *name;
} S_label;

/* The WHATWG Encoding Standard's labels for the encodings pages use, each
 * mapped to the iconv converter that decodes what browsers decode. */
static const S_label S_labels[] = {
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"utf-16", "UTF-16LE"},
    {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"unicode", "UTF-16LE"},
    {"us-ascii", "WINDOWS-1252"},
    {"ascii", "WINDOWS-1252"},
    {"ansi_x3.4-1968", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},
    {"l1", "WINDOWS-1252"},
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"iso-ir-100", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"},
    {"cp1252", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"},
    {"windows-1252", "WINDOWS-1252"},
    {"iso-8859-9", "WINDOWS-1254"},
    {"latin5", "WINDOWS-1254"},
    {"iso-8859-11", "WINDOWS-874"},
    {"tis-620", "WINDOWS-874"},
    {"windows-874", "WINDOWS-874"},
    {"gb2312", "GB18030"},
    {"gb_2312", "GB18030"},
    {"gb_2312-80", "GB18030"},
    {"gbk", "GB18030"},
    {"gb18030", "GB18030"},
    {"x-gbk", "GB18030"},
    {"cp936", "GB18030"},
    {"ms936", "GB18030"},
    {"windows-936", "GB18030"},
    {"chinese", "GB18030"},
    {"csgb2312", "GB18030"},
    {"iso-ir-58", "GB18030"},
    {"euc-cn", "GB18030"},
    {"hz-gb-2312", "HZ"},
    {"big5", "BIG5-HKSCS"},
    {"big5-hkscs", "BIG5-HKSCS"},
    {"cn-big5", "BIG5-HKSCS"},
    {"csbig5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"cp950", "BIG5-HKSCS"},
    {"shift_jis", "WINDOWS-31J"},
    {"shift-jis", "WINDOWS-31J"},
    {"sjis", "WINDOWS-31J"},
    {"x-sjis", "WINDOWS-31J"},
    {"ms_kanji", "WINDOWS-31J"},
    {"ms932", "WINDOWS-31J"},
    {"cp932", "WINDOWS-31J"},
    {"windows-31j", "WINDOWS-31J"},
    {"csshiftjis", "WINDOWS-31J"},
    {"euc-jp", "EUC-JP-MS"},
    {"euc-jp-ms", "EUC-JP-MS"},
    {"x-euc-jp", "EUC-JP-MS"},
    {"cseucpkdfmtjapanese", "EUC-JP-MS"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"euc-kr", "CP949"},
    {"cseuckr", "CP949"},
    {"korean", "CP949"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"csksc56011987", "CP949"},
    {"iso-ir-149", "CP949"},
    {"windows-949", "CP949"},
    {"cp949", "CP949"},
    {"uhc", "CP949"},
    {"koi8-r", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"cskoi8r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"koi8-ru", "KOI8-U"},
    {"ibm866", "IBM866"},
    {"cp866", "IBM866"},
    {"866", "IBM866"},
    {"macintosh", "MACINTOSH"},
    {"mac", "MACINTOSH"},
    {"x-mac-roman", "MACINTOSH"},
    {"csmacintosh", "MACINTOSH"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"x-mac-ukrainian", "MAC-CYRILLIC"},
};

/* windows-125N and ISO-8859-N by number: one pattern each instead of
 * forty table rows. */
static const char *S_numbered(const char *l) {
  static const char *const win[] = {
      "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252",
      "WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1255",
      "WINDOWS-1256", "WINDOWS-1257", "WINDOWS-1258"};
  static const char *const iso[] = {
      NULL,         "WINDOWS-1252", "ISO-8859-2",  "ISO-8859-3",
      "ISO-8859-4", "ISO-8859-5",   "ISO-8859-6",  "ISO-8859-7",
      "ISO-8859-8", "WINDOWS-1254", "ISO-8859-10", "WINDOWS-874",
      NULL,         "ISO-8859-13",  "ISO-8859-14", "ISO-8859-15",
      "ISO-8859-16"};
  const char *p = NULL;
  char *end;
  long n;
  if (strncmp(l, "windows-125", 11) == 0)
    p = l + 11;
  else if (strncmp(l, "x-cp125", 7) == 0)
    p = l + 7;
  else if (strncmp(l, "cp125", 5) == 0)
    p = l + 5;
  if (p) {
    if (*p >= '0' && *p <= '8' && p[1] == '\0')
      return win[*p - '0'];
    return NULL;
  }
  if (strncmp(l, "iso-8859-", 9) == 0 || strncmp(l, "iso_8859-", 9) == 0)
    p = l + 9;
  else if (strncmp(l, "iso8859-", 8) == 0)
    p = l + 8;
  else if (strncmp(l, "iso8859", 7) == 0)
    p = l + 7;
  if (!p || *p < '0' || *p > '9')
    return NULL;
  n = strtol(p, &end, 10);
  /* "iso-8859-8-i" is ISO-8859-8 read in logical order */
  if ((*end && strcmp(end, "-i") != 0 && strncmp(end, ":", 1) != 0) || n < 1 ||
      n > 16)
    return NULL;
  return iso[n];
}

const char *nb_charset_name(const char *label, size_t len) {
  char l[48];
  size_t i, n = 0;
  if (!label)
    return NULL;
  if (len == (size_t)-1)
    len = strlen(label);
  while (len && (*label == ' ' || *label == '\t' || *label == '"' ||
                 *label == '\'' || *label == '\n' || *label == '\r')) {
    label++;
    len--;
  }
  while (len && (label[len - 1] == ' ' || label[len - 1] == '\t' ||
                 label[len - 1] == '"' || label[len - 1] == '\'' ||
                 label[len - 1] == '\n' || label[len - 1] == '\r'))
    len--;
  if (len == 0 || len >= sizeof l)
    return NULL;
  for (i = 0; i < len; i++) {
    char c = label[i];
    l[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  l[n] = '\0';
  for (i = 0; i < sizeof S_labels / sizeof *S_labels; i++)
    if (strcmp(l, S_labels[i].label) == 0)
      return S_labels[i].name;
  return S_numbered(l);
}

const char *nb_charset_bom(const char *data, size_t len, size_t *bom_len) {
  const unsigned char *d = (const unsigned char *)data;
  *bom_len = 0;
  if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
    *bom_len = 3;
    return "UTF-8";
  }
  if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
    *bom_len = 2;
    return "UTF-16LE";
  }
  if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
    *bom_len = 2;
    return "UTF-16BE";
  }
  return NULL;
}

/* ## The prescan */

static int S_lower(int c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int S_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Case-insensitive: does [p, e) start with @p lit? */
static int S_starts(const char *p, const char *e, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(e - p) < n)
    return 0;
  while (*lit)
    if (S_lower((unsigned char)*p++) != *lit++)
      return 0;
  return 1;
}

/* The charset in a Content-Type value ("text/html; charset=gbk"). */
static const char *S_content_type_charset(const char *v, size_t len) {
  const char *p = v, *e = v + len;
  while (p < e) {
    if (S_starts(p, e, "charset")) {
      const char *s;
      p += 7;
      while (p < e && S_space((unsigned char)*p))
        p++;
      if (p >= e || *p != '=')
        continue;
      p++;
      while (p < e && (S_space((unsigned char)*p) || *p == '"' || *p == '\''))
        p++;
      s = p;
      while (p < e && !S_space((unsigned char)*p) && *p != ';' && *p != '"' &&
             *p != '\'')
        p++;
      return nb_charset_name(s, (size_t)(p - s));
    }
    p++;
  }
  return NULL;
}

/* One attribute of a tag at @p p (before @p e): sets name and value spans
 * and returns where the next one starts, or NULL at the tag's end. */
static const char *S_attr(const char *p, const char *e, const char **name,
                          size_t *nlen, const char **value, size_t *vlen) {
  while (p < e && (S_space((unsigned char)*p) || *p == '/'))
    p++;
  if (p >= e || *p == '>')
    return NULL;
  *name = p;
  while (p < e && !S_space((unsigned char)*p) && *p != '=' && *p != '>' &&
         *p != '/')
    p++;
  *nlen = (size_t)(p - *name);
  *value = p;
  *vlen = 0;
  while (p < e && S_space((unsigned char)*p))
    p++;
  if (p >= e || *p != '=')
    return p;
  p++;
  while (p < e && S_space((unsigned char)*p))
    p++;
  if (p < e && (*p == '"' || *p == '\'')) {
    char q = *p++;
    *value = p;
    while (p < e && *p != q)
      p++;
    *vlen = (size_t)(p - *value);
    return p < e ? p + 1 : p;
  }
  *value = p;
  while (p < e && !S_space((unsigned char)*p) && *p != '>')
    p++;
  *vlen = (size_t)(p - *value);
  return p;
}

static int S_name_is(const char *n, size_t len, const char *lit) {
  return strlen(lit) == len && S_starts(n, n + len, lit);
}

/* A <meta> tag starting after "<meta": its charset, or NULL. */
static const char *S_meta(const char *p, const char *e) {
  const char *name, *value, *charset = NULL, *content = NULL;
  size_t nlen, vlen, content_len = 0;
  int http_equiv_ct = 0;
  while ((p = S_attr(p, e, &name, &nlen, &value, &vlen)) != NULL) {
    if (S_name_is(name, nlen, "charset") && !charset)
      charset = nb_charset_name(value, vlen);
    else if (S_name_is(name, nlen, "http-equiv"))
      http_equiv_ct = S_name_is(value, vlen, "content-type");
    else if (S_name_is(name, nlen, "content")) {
      content = value;
      content_len = vlen;
    }
  }
  if (charset)
    return charset;
  if (http_equiv_ct && content)
    return S_content_type_charset(content, content_len);
  return NULL;
}

#define S_PRESCAN_BYTES 16384

const char *nb_charset_declared(const char *data, size_t len) {
  const char *p = data,
             *e = data + (len < S_PRESCAN_BYTES ? len : S_PRESCAN_BYTES);
  const char *found = NULL;
  if (!data)
    return NULL;
  if (S_starts(p, e, "<?xml")) {
    const char *q = memchr(p, '>', (size_t)(e - p));
    const char *end = q ? q : e, *s;
    for (s = p; s < end; s++)
      if (S_starts(s, end, "encoding")) {
        const char *name, *value;
        size_t nlen, vlen;
        if (S_attr(s, end, &name, &nlen, &value, &vlen) && vlen) {
          found = nb_charset_name(value, vlen);
          break;
        }
      }
  }
  while (!found && p < e) {
    const char *lt = memchr(p, '<', (size_t)(e - p));
    if (!lt)
      break;
    p = lt + 1;
    if (S_starts(p, e, "!--")) {
      const char *q = p + 3;
      while (q + 2 < e && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
        q++;
      p = q;
    } else if (S_starts(p, e, "meta") && p + 4 < e &&
               (S_space((unsigned char)p[4]) || p[4] == '/')) {
      found = S_meta(p + 4, e);
    } else if (S_starts(p, e, "script") || S_starts(p, e, "style")) {
      /* skip to the end tag: "<meta" in a script is no declaration */
      const char *close = S_lower((unsigned char)*p) == 's' &&
                                  S_lower((unsigned char)p[1]) == 'c'
                              ? "</script"
                              : "</style";
      const char *q = p;
      while (q < e && !S_starts(q, e, close))
        q++;
      p = q;
    }
  }
  if (found && strncmp(found, "UTF-16", 6) == 0)
    return "UTF-8";
  return found;
}

/* ## Conversion */

char *nb_charset_to_utf8(const char *charset, const char *data, size_t len,
                         size_t *out_len, size_t *bad) {
  iconv_t cd;
  char *out, *in = (char *)data, *o;
  size_t inleft = len, outleft, cap, nbad = 0, i, w;
  if (bad)
    *bad = 0;
  if (!charset || (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
    return NULL;
  if (len > (SIZE_MAX - 64) / 2) {
    iconv_close(cd);
    return NULL;
  }
  cap = len + len / 2 + 64;
  out = malloc(cap);
  if (!out) {
    iconv_close(cd);
    return NULL;
  }
  o = out;
  outleft = cap - 1;
  while (inleft > 0) {
    size_t r = iconv(cd, &in, &inleft, &o, &outleft);
    if (r != (size_t)-1)
      break;
    if (errno == E2BIG || outleft < 8) {
      size_t used = (size_t)(o - out), ncap;
      char *grown;
      if (cap > (SIZE_MAX - 64) / 2) {
        free(out);
        iconv_close(cd);
        return NULL;
      }
      ncap = cap * 2;
      grown = realloc(out, ncap);
      if (!grown) {
        free(out);
        iconv_close(cd);
        return NULL;
      }
      out = grown;
      cap = ncap;
      o = out + used;
      outleft = cap - 1 - used;
      continue;
    }
    /* EILSEQ or EINVAL (cut short at the end): one replacement character
     * for one byte, and start afresh after it */
    memcpy(o, "\xEF\xBF\xBD", 3);
    o += 3;
    outleft -= 3;
    in++;
    inleft--;
    nbad++;
    iconv(cd, NULL, NULL, NULL, NULL);
  }
  /* flush a stateful encoding's final shift sequence */
  if (outleft >= 8)
    iconv(cd, NULL, NULL, &o, &outleft);
  iconv_close(cd);
  /* NULs would end C strings early: drop them */
  for (i = w = 0; out + i < o; i++)
    if (out[i] != '\0')
      out[w++] = out[i];
  out[w] = '\0';
  *out_len = w;
  if (bad)
    *bad = nbad;
  return out;
}

/* ## Detection */

/* The most frequent characters of each language, by rough corpus
 * frequency. Chinese lists both simplified and traditional forms: which of
 * GB18030 and Big5 decodes right shows in how many of them come out, not
 * in which form. */
static const char S_common_zh[] =
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生"
    "能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都"
    "同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军"
    "者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由"
    "问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话"
    "合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真"
    "论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受"
    "目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空"
    "决治展马科司五基书非则白却界达光放强即像难且权思王象完设式色路记南品"
    "住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带"
    "导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转"
    "这個們來時說會對為與發開後過還進點現經於動種裡問學樣從當著見機關長實"
    "兩麼業變應無間頭門體將個國說們這裏讓經濟報導記者價證資務總統員區亞";

static const char S_common_ko[] =
    "이다의는에하고을가로지서기한사대리도자있어정나시국인일해들수것그보아게"
    "적면라전위요상여주제부내음장구만성동원과비회관소학중방미경문연세신무생"
    "개실결계선식통용화단공물분러드우터점업임발법없까저합같받현후함때작명를"
    "했된되않말등년월또및더니습입며게려데른치속조체히안외진득반당영교출행산"
    "강북남역처술초준최번련감확료근특목포예차활노건약파육격운민청와님두알록"
    "던럼크트스프레테";

/* Japanese: kana carry it; these kanji only break ties. */
static const char S_common_ja[] = "日本人年大中出上会時見行事自者生分方手国"
                                  "前後間明気思東来言実新社的";

enum { S_ZH, S_KO, S_JA, S_NSETS };

static uint8_t S_sets[S_NSETS][65536 / 8];
static pthread_once_t S_sets_once = PTHREAD_ONCE_INIT;

static void S_fill(uint8_t *set, const char *s) {
  size_t i = 0, len = strlen(s);
  while (i < len) {
    uint32_t cp;
    i += nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (cp < 65536)
      set[cp >> 3] |= (uint8_t)(1u << (cp & 7));
  }
}

static void S_sets_init(void) {
  S_fill(S_sets[S_ZH], S_common_zh);
  S_fill(S_sets[S_KO], S_common_ko);
  S_fill(S_sets[S_JA], S_common_ja);
}

static int S_in(int set, uint32_t cp) {
  return cp < 65536 && (S_sets[set][cp >> 3] >> (cp & 7)) & 1;
}

static int S_han(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}
static int S_kana(uint32_t c) {
  return c >= 0x3041 && c <= 0x30FA;
}
static int S_hangul(uint32_t c) {
  return c >= 0xAC00 && c <= 0xD7A3;
}
static int S_cjk_punct(uint32_t c) {
  return (c >= 0x3000 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) ||
         (c >= 0xFF01 && c <= 0xFF5E) || c == 0x2014 || c == 0x2026 ||
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
         c == 0x00B7 || c == 0x30FB || c == 0x30FC;
}

/* Points for one decoded non-ASCII character under a CJK guess. */
static int S_cjk_points(int lang, uint32_t c) {
  if (c == 0xFFFD)
    return -12;
  if (lang == S_JA && S_kana(c))
    return 6;
  if (S_in(lang, c))
    return 6;
  if (S_cjk_punct(c))
    return 2;
  if (lang == S_KO)
    return S_hangul(c) ? 0 : S_han(c) ? -1 : -4;
  if (S_han(c))
    return 0;
  if (lang == S_ZH && S_kana(c))
    return -2;
  return -4; /* half-width katakana, private use, Cyrillic, box drawing */
}

static int S_latin_letter(uint32_t c) {
  return (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7) || c == 0x152 ||
         c == 0x153 || c == 0x160 || c == 0x161 || c == 0x17D || c == 0x17E ||
         c == 0x178;
}
static int S_latin_punct(uint32_t c) {
  return c == 0xA0 || c == 0x2019 || c == 0x2018 || c == 0x201C ||
         c == 0x201D || c == 0x2013 || c == 0x2014 || c == 0x2026 ||
         c == 0x2022 || c == 0x20AC || c == 0x2122 || c == 0xA9 || c == 0xAE ||
         c == 0xB0 || c == 0xAB || c == 0xBB || c == 0xB7 || c == 0xA3 ||
         c == 0xA1 || c == 0xBF;
}

typedef struct S_guess {
  const char *name;
  int lang; /* S_ZH/S_KO/S_JA, or -1 for windows-1252 */
} S_guess;

static const S_guess S_guesses[] = {
    {"GB18030", S_ZH},     {"BIG5-HKSCS", S_ZH}, {"CP949", S_KO},
    {"WINDOWS-31J", S_JA}, {"EUC-JP-MS", S_JA},  {"WINDOWS-1252", -1},
};

/* Average points per decoded non-ASCII character of @p s under @p g,
 * scaled by 100; INT_MIN-ish when nothing non-ASCII came out. */
static long S_score(const S_guess *g, const char *s, size_t len) {
  size_t i = 0, n = 0;
  long pts = 0;
  uint32_t prev = ' ', cp, next;
  while (i < len) {
    size_t k = nb_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    i += k;
    if (cp < 0x80) {
      prev = cp;
      continue;
    }
    n++;
    if (g->lang >= 0) {
      pts += S_cjk_points(g->lang, cp);
    } else {
      next = ' ';
      if (i < len)
        nb_utf8_decode((const unsigned char *)s + i, len - i, &next);
      if (cp == 0xFFFD)
        pts -= 12;
      else if (S_latin_punct(cp))
        pts += 4;
      else if (S_latin_letter(cp))
        /* accented letters stand alone between ASCII letters: café */
        pts += prev < 0x80 && next < 0x80 ? 4 : -2;
      else
        pts -= 4;
    }
    prev = cp;
  }
  return n ? pts * 100 / (long)n : -100000;
}

#define S_SAMPLE_BYTES 65536

/* Count the multi-byte sequences and the invalid bytes of @p data read
 * as UTF-8 (a sequence cut short by the end of the sample is neither). */
static void S_utf8_stats(const char *data, size_t len, size_t *multi,
                         size_t *bad) {
  size_t i = 0;
  *multi = *bad = 0;
  while (i < len) {
    uint32_t cp;
    size_t k;
    if ((unsigned char)data[i] < 0x80) {
      i++;
      continue;
    }
    k = nb_utf8_decode((const unsigned char *)data + i, len - i, &cp);
    if (cp == 0xFFFD && k == 1) {
      if (len - i < 4)
        break;
      (*bad)++;
    } else {
      (*multi)++;
    }
    i += k;
  }
}

/* 1 when @p data is UTF-8 but for a few damaged sequences. */
static int S_mostly_utf8(const char *data, size_t len) {
  size_t multi, bad;
  S_utf8_stats(data, len, &multi, &bad);
  return bad == 0 || (multi >= 20 && bad * 50 <= multi);
}

const char *nb_charset_detect(const char *data, size_t len) {
  const char *best = "WINDOWS-1252";
  long best_score = -1000000;
  size_t i, start = 0, n;
  if (!data || len == 0)
    return "UTF-8";
  while (start < len && (unsigned char)data[start] < 0x80)
    start++;
  if (start == len)
    return "UTF-8";
  /* From a little before the first non-ASCII byte, so that a sequence is
   * not cut in half; at a character boundary for ASCII-compatible sets. */
  start = start > 64 ? start - 64 : 0;
  n = len - start < S_SAMPLE_BYTES ? len - start : S_SAMPLE_BYTES;
  if (S_mostly_utf8(data + start, n))
    return "UTF-8";
  pthread_once(&S_sets_once, S_sets_init);
  for (i = 0; i < sizeof S_guesses / sizeof *S_guesses; i++) {
    size_t olen = 0;
    char *u =
        nb_charset_to_utf8(S_guesses[i].name, data + start, n, &olen, NULL);
    long sc;
    if (!u)
      continue;
    sc = S_score(&S_guesses[i], u, olen);
    free(u);
    if (sc > best_score) {
      best_score = sc;
      best = S_guesses[i].name;
    }
  }
  return best;
}

const char *nb_charset_decide(const char *http, const char *data, size_t len,
                              nb_charset_source *source) {
  size_t bom_len;
  const char *cs = nb_charset_bom(data, len, &bom_len);
  nb_charset_source src = NB_CHARSET_BOM;
  if (!cs && http && (cs = nb_charset_name(http, (size_t)-1)) != NULL)
    src = NB_CHARSET_HTTP;
  if (!cs && (cs = nb_charset_declared(data, len)) != NULL)
    src = NB_CHARSET_META;
  if (cs && src != NB_CHARSET_BOM) {
    size_t multi, bad;
    S_utf8_stats(data, len < 4 * S_SAMPLE_BYTES ? len : 4 * S_SAMPLE_BYTES,
                 &multi, &bad);
    if (strcmp(cs, "UTF-8") == 0 &&
        !(bad == 0 || (multi >= 20 && bad * 50 <= multi))) {
      /* declared UTF-8, but the bytes say otherwise */
      cs = nb_charset_detect(data, len);
      src = NB_CHARSET_OVERRULED;
    } else if (strcmp(cs, "UTF-8") != 0 && strncmp(cs, "UTF-16", 6) != 0 &&
               bad == 0 && multi >= 8) {
      /* declared legacy, but valid UTF-8 with many multi-byte characters,
       * which no legacy text is by accident: the declaration lies */
      cs = "UTF-8";
      src = NB_CHARSET_OVERRULED;
    }
  }
  if (!cs) {
    cs = nb_charset_detect(data, len);
    src = NB_CHARSET_DETECTED;
  }
  if (source)
    *source = src;
  return cs;
}
