/* Character sets of pages: labels, the <meta> prescan, detection of real
 * text in each legacy encoding (made here with iconv from UTF-8), the
 * order of the sources, and a forgiving conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "newsbook/newsbook.h"
#include "read/charset.h"

/* Text in each language, as a page would hold it. */
static const char S_zh[] =
    "国内GPU芯片群雄逐鹿：壁仞携首款产品面世，下游生态成为关键。过去几年的国"
    "内GPU赛道可谓热得发烫，巨额融资不断刷新行业纪录。在资本热潮的背后，这批公"
    "司如今已进入产品落地的关键节点。";
static const char S_zh_hant[] =
    "台灣的半導體產業在過去幾年持續成長，許多公司都在這個領域投入大量資金。這"
    "些企業的發展對經濟有很大的影響，政府也表示將繼續支持相關的研究與人才培育"
    "。";
static const char S_ja[] =
    "日本の経済は今年も緩やかに回復しています。政府は来年の予算案を発表し、社"
    "会保障費の増加について説明しました。専門家によると、消費の動きはまだ弱い"
    "ということです。";
static const char S_ko[] =
    "한국 정부는 올해 경제 성장률이 예상보다 높을 것이라고 발표했습니다. 많은 "
    "기업들이 새로운 투자 계획을 세우고 있으며, 전문가들은 수출이 계속 늘어날 "
    "것으로 보고 있습니다.";
static const char S_fr[] =
    "Le gouvernement français a présenté hier son budget pour l'année "
    "prochaine. Les économistes s'inquiètent de la dette publique élevée et "
    "des dépenses de santé, qui augmentent plus vite que prévu.";
static const char S_de[] =
    "Die Bundesregierung hat am Mittwoch ihre Pläne für die Energiewende "
    "vorgestellt. Die Maßnahmen sollen künftig über Gebühren finanziert "
    "werden, erklärte der Minister in Berlin.";

/* @p utf8 converted to @p charset with iconv; malloc'd. */
static char *S_encode(const char *charset, const char *utf8, size_t *len) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap - 1;
  char *out = malloc(cap), *o = out, *in = (char *)utf8;
  assert_true(cd != (iconv_t)-1);
  assert_non_null(out);
  assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
  iconv_close(cd);
  *o = '\0'; /* none of the encodings here has a NUL in its text */
  *len = (size_t)(o - out);
  return out;
}

/* A page around @p text in @p charset, with or without a <meta>. */
static char *S_page(const char *charset, const char *text, const char *meta,
                    size_t *len) {
  char utf8[4096];
  snprintf(utf8, sizeof utf8,
           "<!DOCTYPE html><html><head>%s<title>t</title>"
           "<script>var a = 1;</script></head><body><div id=\"main\">"
           "<p>%s</p></div></body></html>",
           meta ? meta : "", text);
  return S_encode(charset, utf8, len);
}

static void test_labels(void **state) {
  (void)state;
  assert_string_equal(nb_charset_name("GB2312", (size_t)-1), "GB18030");
  assert_string_equal(nb_charset_name(" gbk ", (size_t)-1), "GB18030");
  assert_string_equal(nb_charset_name("x-sjis", (size_t)-1), "WINDOWS-31J");
  assert_string_equal(nb_charset_name("Shift_JIS", (size_t)-1), "WINDOWS-31J");
  assert_string_equal(nb_charset_name("euc-jp", (size_t)-1), "EUC-JP-MS");
  assert_string_equal(nb_charset_name("ks_c_5601-1987", (size_t)-1), "CP949");
  assert_string_equal(nb_charset_name("Big5", (size_t)-1), "BIG5-HKSCS");
  assert_string_equal(nb_charset_name("ISO-8859-1", (size_t)-1),
                      "WINDOWS-1252");
  assert_string_equal(nb_charset_name("iso-8859-2", (size_t)-1), "ISO-8859-2");
  assert_string_equal(nb_charset_name("windows-1251", (size_t)-1),
                      "WINDOWS-1251");
  assert_string_equal(nb_charset_name("\"utf8\"", (size_t)-1), "UTF-8");
  assert_string_equal(nb_charset_name("utf-8xyz", 5), "UTF-8");
  assert_null(nb_charset_name("klingon", (size_t)-1));
  assert_null(nb_charset_name("", (size_t)-1));
  assert_null(nb_charset_name(NULL, 0));
}

static void test_declared(void **state) {
  static const char a[] = "<html><head><meta charset=\"gbk\"></head>";
  static const char b[] =
      "<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; "
      "charset=Shift_JIS'></head>";
  static const char c[] = "<?xml version=\"1.0\" encoding=\"euc-kr\"?><html>";
  static const char d[] =
      "<html><script>document.write('<meta charset=big5>')</script>"
      "<!-- <meta charset=koi8-r> --><meta charset=utf-16le></html>";
  static const char e[] = "<html><head><meta name=x content=y></head>";
  (void)state;
  assert_string_equal(nb_charset_declared(a, sizeof a - 1), "GB18030");
  assert_string_equal(nb_charset_declared(b, sizeof b - 1), "WINDOWS-31J");
  assert_string_equal(nb_charset_declared(c, sizeof c - 1), "CP949");
  /* scripts and comments declare nothing; UTF-16 in a <meta> is UTF-8 */
  assert_string_equal(nb_charset_declared(d, sizeof d - 1), "UTF-8");
  assert_null(nb_charset_declared(e, sizeof e - 1));
}

static void S_detects(const char *encode_as, const char *text,
                      const char *want) {
  size_t len;
  char *page = S_page(encode_as, text, NULL, &len);
  const char *got = nb_charset_detect(page, len);
  if (strcmp(got, want) != 0)
    fail_msg("%s text detected as %s, not %s", encode_as, got, want);
  free(page);
}

static void test_detect(void **state) {
  (void)state;
  S_detects("UTF-8", S_zh, "UTF-8");
  S_detects("GB18030", S_zh, "GB18030");
  S_detects("GBK", S_zh, "GB18030");
  S_detects("BIG5", S_zh_hant, "BIG5-HKSCS");
  S_detects("SHIFT_JIS", S_ja, "WINDOWS-31J");
  S_detects("EUC-JP", S_ja, "EUC-JP-MS");
  S_detects("EUC-KR", S_ko, "CP949");
  S_detects("WINDOWS-1252", S_fr, "WINDOWS-1252");
  S_detects("ISO-8859-1", S_de, "WINDOWS-1252");
  /* a headline alone is enough for the common case */
  S_detects("GBK", "国内GPU芯片群雄逐鹿", "GB18030");
  assert_string_equal(nb_charset_detect("plain ASCII", 11), "UTF-8");
}

static void test_decide(void **state) {
  size_t gbk_len, utf8_len, len, bom;
  char *gbk = S_page("GBK", S_zh, "<meta charset=\"utf-8\">", &gbk_len);
  char *utf8 = S_page("UTF-8", S_zh, "<meta charset=\"gb2312\">", &utf8_len);
  char *sjis = S_page("SHIFT_JIS", S_ja, "<meta charset=\"shift_jis\">", &len);
  nb_charset_source src;
  (void)state;
  /* a page that says UTF-8 and is not: its bytes decide */
  assert_string_equal(nb_charset_decide(NULL, gbk, gbk_len, &src), "GB18030");
  assert_int_equal(src, NB_CHARSET_OVERRULED);
  /* one that says GB2312 and is valid UTF-8 throughout: UTF-8 */
  assert_string_equal(nb_charset_decide(NULL, utf8, utf8_len, &src), "UTF-8");
  assert_int_equal(src, NB_CHARSET_OVERRULED);
  /* nothing declared */
  assert_string_equal(nb_charset_decide(NULL, S_zh, strlen(S_zh), &src),
                      "UTF-8");
  assert_int_equal(src, NB_CHARSET_DETECTED);
  /* the HTTP header wins over the page */
  assert_string_equal(nb_charset_decide("euc-jp", sjis, len, &src),
                      "EUC-JP-MS");
  assert_int_equal(src, NB_CHARSET_HTTP);
  assert_string_equal(nb_charset_decide(NULL, sjis, len, &src), "WINDOWS-31J");
  assert_int_equal(src, NB_CHARSET_META);
  /* a BOM wins over everything */
  assert_string_equal(nb_charset_decide("gbk", "\xEF\xBB\xBFx", 4, &src),
                      "UTF-8");
  assert_int_equal(src, NB_CHARSET_BOM);
  assert_string_equal(nb_charset_bom("\xFF\xFEx", 3, &bom), "UTF-16LE");
  assert_int_equal(bom, 2);
  free(gbk);
  free(utf8);
  free(sjis);
}

static void test_convert(void **state) {
  size_t len = 0, bad = 0;
  char *s;
  (void)state;
  /* GBK 中文, a byte that is nothing in GBK, a NUL, then ASCII */
  s = nb_charset_to_utf8("GB18030",
                         "\xD6\xD0\xCE\xC4\xFF"
                         "a\0b",
                         8, &len, &bad);
  assert_non_null(s);
  assert_string_equal(s, "\xE4\xB8\xAD\xE6\x96\x87\xEF\xBF\xBD"
                         "ab");
  assert_int_equal(len, strlen(s));
  assert_int_equal(bad, 1);
  free(s);
  assert_null(nb_charset_to_utf8("NO-SUCH-CHARSET", "x", 1, &len, &bad));
}

static int S_warnings;
static void S_count(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (d->kind && strcmp(d->kind, "encoding") == 0)
    S_warnings++;
}

/* The page reader decodes an undeclared legacy page and says so. */
static void test_page_undeclared(void **state) {
  nb_diag diag = {NB_DIAG_ABI_VERSION, S_count, NULL};
  nb_error err;
  size_t len;
  char *page = S_page("BIG5", S_zh_hant, NULL, &len);
  nb_doc *doc;
  char *text;
  (void)state;
  S_warnings = 0;
  doc = nb_read_page("big5.html", NULL, page, len, NULL, NULL, &diag, &err);
  assert_non_null(doc);
  text = nb_node_text(nb_doc_root(doc));
  assert_non_null(strstr(text, "台灣的半導體產業"));
  assert_int_equal(S_warnings, 1);
  free(text);
  nb_doc_free(doc);
  free(page);
  /* the HTTP charset is honoured */
  page = S_page("EUC-KR", S_ko, NULL, &len);
  doc = nb_read_page(NULL, "https://example.kr/a", page, len, "euc-kr", NULL,
                     NULL, &err);
  assert_non_null(doc);
  text = nb_node_text(nb_doc_root(doc));
  assert_non_null(strstr(text, "한국 정부는"));
  free(text);
  nb_doc_free(doc);
  free(page);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_labels),  cmocka_unit_test(test_declared),
      cmocka_unit_test(test_detect),  cmocka_unit_test(test_decide),
      cmocka_unit_test(test_convert), cmocka_unit_test(test_page_undeclared)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
