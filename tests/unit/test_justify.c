/* The line justifier, through the whole PDF layout drawn on the trace
 * device: full lines of CJK and mixed CJK/Latin paragraphs end flush at the
 * measure (within 0.5pt), last lines stay ragged, and no line starts with a
 * closing mark or ends with an opening one; then the parts of line
 * setting: the CJK-Latin space, quotes, hyphenation patterns, an English
 * paragraph broken and hyphenated, and the theme properties read. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/doc.h"
#include "newsbook/writer.h"
#include "style/css.h"
#include "util/util.h"
#include "write/pdf/device.h"
#include "write/pdf/justify.h"
#include "write/pdf/linebreak.h"
#include "write/pdf/pdf.h"

static const char *const S_paras[] = {
    "《科创板日报》8月10日讯（记者 "
    "黄心怡），过去几年的国内GPU赛道，可谓热得发烫，"
    "巨额融资不断刷新行业纪录。2022年7月以来，又有包括天数智芯、沐曦等企业官宣"
    "完成"
    "10亿元级别的融资。",
    "在资本热潮的背后，这批GPU公司如今已进入产品落地的关键节点，也是闯过国内GPU"
    "淘汰"
    "赛的第一关。",
    "成立三年后，壁仞科技在上海发布首款通用GPU芯片BR100系列。此外，壁仞科技还与"
    "浪潮"
    "共同发布OAM服务器海玄，以及原创芯片架构壁立仞、OAM模组壁砺100、PCIe板卡产"
    "品壁"
    "砺104、BIRENSUPA软件平台等。",
    "创道咨询合伙人步日欣介绍，壁仞、沐曦、登临、天数智芯、红山微电子、瀚博等，"
    "都从"
    "通用计算场景的GPGPU路线切入，不涉及图像渲染功能。国内走GPU路线的公司比较少"
    "，因"
    "其技术壁垒要更高。",
    "“在专利壁垒方面，起步早的全球GPU巨头们已筑建了层层专利保护墙。在生态方面，"
    "需要"
    "初创企业建立完善的软件开发团队，着重开发自身产品的软件开发平台、开发应用软"
    "件、"
    "中间件等软件产品，通过软件产品来建立更多的行业触达，丰富自身应用面，建立完"
    "善的"
    "生态体系。”",
    "流星雨（meteor "
    "shower）是在夜空中有许多的流星从天空中一个所谓的辐射点发射出来的"
    "天文现象。这些流星是宇宙中被称为流星体的碎片，在平行的轨道上运行时以极高速"
    "度投射"
    "进入地球大气层的流束。详见 "
    "https://www.imo.net/viewing-the-2014-may-camelopardalids/"
    " 以及 NASA 的 Meteoroid Environment Office 的预测。",
    "「这是测试，」他说，「标点（括号）【方括号】《书名号》、顿号；分号：冒号？"
    "问号！"
    "叹号……省略号——破折号。」再来一段：“引号‘单引号’”，（圆括号）和〔六角括号〕"
    "，"
    "以及『双引号』与〈单书名号〉。这些标点在行首行尾都有禁则，必须处理妥当，不"
    "能有例外。",
};

static nb_doc *S_doc(void) {
  nb_doc *doc = nb_doc_new();
  size_t i;
  assert_non_null(doc);
  nb_doc_set_meta(doc, "lang", "zh-CN");
  for (i = 0; i < sizeof S_paras / sizeof S_paras[0]; i++) {
    nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH);
    nb_node *t = nb_node_new(doc, NB_NODE_TEXT);
    assert_true(nb_node_set_literal(t, S_paras[i], strlen(S_paras[i])));
    assert_true(nb_node_append_child(p, t));
    assert_true(nb_node_append_child(nb_doc_root(doc), p));
  }
  return doc;
}

/* Drop WORD JOINERs the kinsoku fixer may have added. */
static void S_strip_wj(char *s) {
  char *r = s, *w = s;
  while (*r) {
    if (memcmp(r, "\xe2\x81\xa0", 3) == 0) {
      r += 3;
      continue;
    }
    *w++ = *r++;
  }
  *w = '\0';
}

static int S_is_suffix(const char *line) {
  size_t i, n = strlen(line);
  if (n == 0)
    return 1;
  for (i = 0; i < sizeof S_paras / sizeof S_paras[0]; i++) {
    size_t m = strlen(S_paras[i]);
    if (m >= n && strcmp(S_paras[i] + m - n, line) == 0)
      return 1;
  }
  return 0;
}

static void S_check(const char *page_size, double measure_right) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  char *trace, *line, *save = NULL;
  int full = 0, flush = 0, lines = 0;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = page_size;
  assert_true(nb_book_add_doc(book, S_doc()));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  trace = nb_strdup(nb_dev_trace_text(dev));
  for (line = strtok_r(trace, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    double x, y, right;
    char *text;
    uint32_t first = 0, last = 0;
    const unsigned char *p;
    if (sscanf(line, "line x=%lf y=%lf right=%lf", &x, &y, &right) != 3)
      continue;
    text = strstr(line, " text=");
    assert_non_null(text);
    text += 6;
    S_strip_wj(text);
    while (*text == ' ')
      text++;
    {
      size_t n = strlen(text);
      while (n > 0 && text[n - 1] == ' ')
        text[--n] = '\0';
    }
    if (!*text)
      continue;
    lines++;
    nb_utf8_decode((const unsigned char *)text, strlen(text), &first);
    p = (const unsigned char *)text + strlen(text);
    while (p > (const unsigned char *)text && (p[-1] & 0xc0) == 0x80)
      p--;
    if (p > (const unsigned char *)text)
      p--;
    nb_utf8_decode(p, strlen((const char *)p), &last);
    if (nb_kinsoku_no_start(first))
      fail_msg("line starts with a closing mark: %s", text);
    if (nb_kinsoku_no_end(last))
      fail_msg("line ends with an opening mark: %s", text);
    if (S_is_suffix(text))
      continue; /* a paragraph's last line */
    full++;
    if (fabs(right - measure_right) < 0.5)
      flush++;
    else
      fail_msg("full line ends at %.2f, not %.2f: %s", right, measure_right,
               text);
  }
  assert_true(lines >= 15);
  assert_true(full >= 8);
  assert_int_equal(full, flush);
  free(trace);
  nb_dev_free(dev);
  nb_book_free(book);
}

static void test_a4_flush(void **state) {
  (void)state;
  /* A4 with the theme's 20mm side margins */
  S_check("A4", 595.2756 - 20 * 72 / 25.4);
}

static void test_a5_flush(void **state) {
  (void)state;
  S_check("A5", 148 * 72 / 25.4 - 20 * 72 / 25.4);
}

static void test_kinsoku_tables(void **state) {
  (void)state;
  assert_true(nb_kinsoku_no_start(0xff0c));  /* ， */
  assert_true(nb_kinsoku_no_start(0x3002));  /* 。 */
  assert_true(nb_kinsoku_no_start(0x300d));  /* 」 */
  assert_true(nb_kinsoku_no_end(0x300c));    /* 「 */
  assert_true(nb_kinsoku_no_end(0x201c));    /* “ */
  assert_false(nb_kinsoku_no_start(0x4e2d)); /* 中 */
  assert_false(nb_kinsoku_no_end(0x4e2d));
}

/* Adjacent full-width marks: which get their half-width form, and that the
 * font does close the gap (one em of blank between "）" and "，" becomes
 * half); marks of different attributes are not paired. */
static void test_punct_compress(void **state) {
  const char *t = "（测试），《书》【注】「「引」」中，文";
  PangoAttrList *a = pango_attr_list_new(), *b;
  PangoFontMap *fm = nb_pdf_font_map_new(NULL);
  PangoContext *ctx = nb_pdf_context_new(fm, "zh-CN");
  PangoLayout *lay = pango_layout_new(ctx);
  PangoFontDescription *fd =
      pango_font_description_from_string("Noto Serif CJK SC 10");
  PangoAttribute *rise = pango_attr_rise_new(3000);
  int wide, tight;
  (void)state;
  /* ）， ，《 》【 】「 「「 」」: six pairs */
  assert_int_equal(nb_punct_compress(t, strlen(t), a), 6);
  pango_layout_set_font_description(lay, fd);
  pango_layout_set_text(lay, "），", -1);
  pango_layout_get_size(lay, &wide, NULL);
  b = pango_attr_list_new();
  assert_int_equal(nb_punct_compress("），", strlen("），"), b), 1);
  pango_layout_set_attributes(lay, b);
  pango_layout_get_size(lay, &tight, NULL);
  assert_true(tight < wide * 0.8 && tight > wide * 0.7);
  /* a superscript mark after a full stop is not its pair */
  rise->start_index = 3;
  rise->end_index = 6;
  pango_attr_list_unref(b);
  b = pango_attr_list_new();
  pango_attr_list_insert(b, rise);
  assert_int_equal(nb_punct_compress("。【", strlen("。【"), b), 0);
  assert_int_equal(nb_punct_compress("x", 1, b), 0);
  pango_attr_list_unref(a);
  pango_attr_list_unref(b);
  pango_font_description_free(fd);
  g_object_unref(lay);
  g_object_unref(ctx);
  g_object_unref(fm);
}

/* A one-line layout of @p text in Noto Serif CJK SC 10pt. */
static PangoLayout *S_layout(PangoContext *ctx, const char *text) {
  PangoLayout *lay = pango_layout_new(ctx);
  PangoFontDescription *fd =
      pango_font_description_from_string("Noto Serif CJK SC 10");
  pango_layout_set_font_description(lay, fd);
  pango_font_description_free(fd);
  pango_layout_set_text(lay, text, -1);
  return lay;
}

static double S_width(PangoLayout *lay) {
  return nb_line_ink_right(pango_layout_get_line_readonly(lay, 0));
}

/* Where Pango may break @p t (in language @p lang) once @p mark has
 * marked its attributes: one flag per character, g_free'd. */
static gboolean *S_breaks(const char *lang, const char *t,
                          int (*mark)(const char *, size_t, PangoAttrList *)) {
  PangoFontMap *fm = nb_pdf_font_map_new(NULL);
  PangoContext *ctx = nb_pdf_context_new(fm, lang);
  PangoAttrList *a = pango_attr_list_new();
  PangoLayout *lay = S_layout(ctx, t);
  const PangoLogAttr *la;
  gboolean *br;
  int n, i;
  mark(t, strlen(t), a);
  pango_layout_set_attributes(lay, a);
  la = pango_layout_get_log_attrs_readonly(lay, &n);
  br = g_new0(gboolean, n);
  for (i = 0; i < n; i++)
    br[i] = la[i].is_line_break;
  pango_attr_list_unref(a);
  g_object_unref(lay);
  g_object_unref(ctx);
  g_object_unref(fm);
  return br;
}

/* A number grouped by spaces is not broken between its groups
 * (0.055 459 was set "0.055" at a line's end, "459" on the next): Pango's
 * log attributes lose those breaks and keep the others; and its spaces
 * are not widened. */
static void test_digit_groups(void **state) {
  const char *t = "距离地球 0.055 459 天文单位 12 345 678 2014 年 1234 567";
  PangoAttrList *a = pango_attr_list_new();
  gboolean *br;
  int i, k;
  const char *p;
  (void)state;
  assert_int_equal(nb_digit_groups(t, strlen(t), a), 3);
  assert_int_equal(nb_digit_groups("1\xe2\x80\x89"
                                   "000",
                                   7, a),
                   1);
  assert_int_equal(nb_digit_groups("12 3456 7", 9, a), 0);
  pango_attr_list_unref(a);
  br = S_breaks("zh-CN", t, nb_digit_groups);
  /* the character index of each group's start: no break there */
  for (p = t, i = 0, k = 0; *p; i++, p = g_utf8_next_char(p)) {
    if (p > t && p[-1] == ' ' &&
        (strncmp(p, "459", 3) == 0 || strncmp(p, "345", 3) == 0 ||
         strncmp(p, "678", 3) == 0)) {
      assert_false(br[i]);
      k++;
    }
    /* a year before a word, and a group after four digits, still break */
    if (p > t && p[-1] == ' ' &&
        (strncmp(p, "年", 3) == 0 || strncmp(p, "567", 3) == 0))
      assert_true(br[i]);
  }
  assert_int_equal(k, 3);
  g_free(br);
  /* and a justified line does not widen the space inside a number */
  assert_int_equal(nb_gap_kind(NB_CC_LATIN, NB_CC_SPACE, NB_CC_LATIN, '5', '4'),
                   NB_GAP_NONE);
  assert_int_equal(nb_gap_kind(NB_CC_LATIN, NB_CC_SPACE, NB_CC_LATIN, 'a', '4'),
                   NB_GAP_SPACE);
}

/* A spaced dash after a word does not begin a line (Russian and English
 * set it at the end of the line before); a dash after Han, or starting
 * the text, is left alone. */
static void test_dash_glue(void **state) {
  const char *t = "вкусно – не значит дорого, he said — and left";
  PangoAttrList *a = pango_attr_list_new();
  gboolean *br;
  const char *p;
  int i, dashes = 0;
  (void)state;
  assert_int_equal(nb_dash_glue(t, strlen(t), a), 2);
  assert_int_equal(nb_dash_glue("– начало", strlen("– начало"), a), 0);
  assert_int_equal(nb_dash_glue("中文 — 中文", strlen("中文 — 中文"), a), 0);
  pango_attr_list_unref(a);
  br = S_breaks("ru", t, nb_dash_glue);
  for (p = t, i = 0; *p; i++, p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == 0x2013 || c == 0x2014) {
      assert_false(br[i]);    /* not before the dash */
      assert_true(br[i + 2]); /* after its space */
      dashes++;
    }
  }
  assert_int_equal(dashes, 2);
  g_free(br);
}

/* A quarter em between Han and Latin letters or digits, made by glyph
 * positioning (the text is unchanged); none beside punctuation or where a
 * space already is (the space becomes the quarter em); none inside Latin
 * words, however short the line. */
static void test_cjk_latin_space(void **state) {
  PangoFontMap *fm = nb_pdf_font_map_new(NULL);
  PangoContext *ctx = nb_pdf_context_new(fm, "zh-CN");
  nb_space_opts o = {10, 0.25};
  const char *t1 = "测试GPU芯片2022年";
  PangoLayout *a = S_layout(ctx, t1), *b, *c, *d;
  double w0, w1;
  (void)state;
  w0 = S_width(a);
  assert_true(
      nb_justify_line(pango_layout_get_line_readonly(a, 0), 400, 0, 0, &o));
  w1 = S_width(a);
  /* four boundaries: 试|GPU|芯, 片|2022|年 */
  assert_true(fabs(w1 - w0 - 4 * 2.5) < 0.05);
  assert_string_equal(pango_layout_get_text(a), t1);
  /* beside punctuation: nothing */
  b = S_layout(ctx, "测试，GPU。");
  w0 = S_width(b);
  nb_justify_line(pango_layout_get_line_readonly(b, 0), 400, 0, 0, &o);
  assert_true(fabs(S_width(b) - w0) < 0.05);
  /* an existing space becomes the quarter em */
  c = S_layout(ctx, "测试 GPU");
  nb_justify_line(pango_layout_get_line_readonly(c, 0), 400, 0, 0, &o);
  d = S_layout(ctx, "测试GPU");
  nb_justify_line(pango_layout_get_line_readonly(d, 0), 400, 0, 0, &o);
  assert_true(fabs(S_width(c) - S_width(d)) < 0.3);
  g_object_unref(d);
  /* a space beside a full-width mark's blank half takes no room, and
   * stays in the text; between Latin words it is a word space */
  {
    PangoLayout *e = S_layout(ctx, "预测： 彗星 （注）"),
                *f = S_layout(ctx, "预测：彗星（注）");
    nb_justify_line(pango_layout_get_line_readonly(e, 0), 400, 0, 0, &o);
    nb_justify_line(pango_layout_get_line_readonly(f, 0), 400, 0, 0, &o);
    assert_true(fabs(S_width(e) - S_width(f)) < 0.05);
    assert_string_equal(pango_layout_get_text(e), "预测： 彗星 （注）");
    g_object_unref(e);
    g_object_unref(f);
  }
  assert_int_equal(nb_space_beside_mark(0xff1a, 0x5f57), 1);
  assert_int_equal(nb_space_beside_mark('a', 0x3010), 1);
  assert_int_equal(nb_space_beside_mark(0x201d, 'a'), 0);
  assert_int_equal(nb_space_beside_mark('a', 0x201c), 0);
  /* a Latin word alone is never letter-spaced to fill a line */
  d = S_layout(ctx, "Supercalifragilistic");
  w0 = S_width(d);
  nb_justify_line(pango_layout_get_line_readonly(d, 0), w0 + 20, w0, 1, &o);
  assert_true(fabs(S_width(d) - w0) < 0.05);
  /* off in the theme */
  o.autospace = 0;
  g_object_unref(a);
  a = S_layout(ctx, t1);
  w0 = S_width(a);
  nb_justify_line(pango_layout_get_line_readonly(a, 0), 400, 0, 0, &o);
  assert_true(fabs(S_width(a) - w0) < 0.05);
  g_object_unref(a);
  g_object_unref(b);
  g_object_unref(c);
  g_object_unref(d);
  g_object_unref(ctx);
  g_object_unref(fm);
}

/* Chinese set vertically quotes with corner brackets (GB/T 15834), byte
 * for byte in place; quotes between Latin words stay. */
static void test_quotes_vertical(void **state) {
  char *v;
  (void)state;
  v = nb_quotes_vertical("他说：“好”。‘单引号’",
                         strlen("他说：“好”。‘单引号’"));
  assert_non_null(v);
  assert_string_equal(v, "他说：『好』。「单引号」");
  free(v);
  v = nb_quotes_vertical("He said “hi” to him, 他的 it’s",
                         strlen("He said “hi” to him, 他的 it’s"));
  assert_null(v);
  assert_null(nb_quotes_vertical("没有引号", strlen("没有引号")));
}

/* Quote marks between Latin words take the Latin face; beside Han text
 * the CJK face's full-width forms stay. */
static void test_quotes(void **state) {
  PangoAttrList *a = pango_attr_list_new();
  char fam[256];
  (void)state;
  /* counterculture’s, ‘yes’ */
  assert_int_equal(nb_quotes_latin("the counterculture\xe2\x80\x99s "
                                   "\xe2\x80\x98yes\xe2\x80\x99",
                                   strlen("the counterculture\xe2\x80\x99s "
                                          "\xe2\x80\x98yes\xe2\x80\x99"),
                                   a, "DejaVu Serif"),
                   3);
  /* 他说“你好”。 and “GPU”芯片: a CJK neighbour keeps the full-width form */
  assert_int_equal(nb_quotes_latin("他说“你好”。", strlen("他说“你好”。"), a,
                                   "DejaVu Serif"),
                   0);
  assert_int_equal(
      nb_quotes_latin("“GPU”芯片", strlen("“GPU”芯片"), a, "DejaVu Serif"),
      1); /* the opening one, after nothing and before G */
  pango_attr_list_unref(a);
  nb_latin_families("Noto Serif CJK SC, Source Han Serif SC, Songti SC, "
                    "DejaVu Serif, serif",
                    fam, sizeof fam);
  assert_string_equal(fam, "DejaVu Serif");
  nb_latin_families("serif", fam, sizeof fam);
  assert_string_equal(fam, "");
}

/* libhyphen's patterns: English for English and for the Latin words of
 * CJK text, none for a language without patterns; read in the background,
 * and there once asked for (by several threads at once, too). */
static void *S_dict_of(void *lang) {
  return nb_hyphen_dict(nb_hyphen_load(lang));
}

static void test_hyphen_patterns(void **state) {
  pthread_t t[4];
  void *got[4];
  int i;
  (void)state;
  for (i = 0; i < 4; i++)
    assert_int_equal(pthread_create(&t[i], NULL, S_dict_of, "fr-FR"), 0);
  for (i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(t[i], &got[i]), 0);
    assert_non_null(got[i]);
    assert_ptr_equal(got[i], got[0]);
  }
  assert_non_null(nb_hyphen_load("en"));
  assert_non_null(nb_hyphen_dict(nb_hyphen_load("en")));
  assert_non_null(nb_hyphen_load("en-GB"));
  assert_ptr_equal(nb_hyphen_load("zh-CN"), nb_hyphen_load("en-US"));
  assert_non_null(nb_hyphen_load("de-DE"));
  assert_null(nb_hyphen_load("xx"));
  assert_null(nb_hyphen_load(NULL));
  assert_null(nb_hyphen_dict(NULL));
}

/* An English paragraph on a narrow measure: full lines flush, word spaces
 * under 0.7 em, hyphenated where that helps (a soft hyphen at the break,
 * nowhere else), and the text otherwise as it was. */
static void test_english_paragraph(void **state) {
  static const char *const text =
      "The need for understanding how new ideas and hunches are created "
      "that may subsequently lead to new theories or models has never "
      "been greater for academics and practitioners. Abduction provides "
      "a mode of reasoning for achieving this. It is a form of generative "
      "reasoning that begins with observing and confirming an anomaly, "
      "generating and evaluating hunches that may explain the anomaly, "
      "for subsequent deductive constructing and inductive testing.";
  nb_book *book = nb_book_new();
  nb_doc *doc = nb_doc_new();
  nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH);
  nb_node *t = nb_node_new(doc, NB_NODE_TEXT);
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  char *trace, *line, *save = NULL, joined[4096] = "";
  int full = 0, hyph = 0;
  double right_max = 0;
  (void)state;
  nb_doc_set_meta(doc, "lang", "en");
  assert_true(nb_node_set_literal(t, text, strlen(text)));
  assert_true(nb_node_append_child(p, t));
  assert_true(nb_node_append_child(nb_doc_root(doc), p));
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = "A5";
  assert_true(nb_book_add_doc(book, doc));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  trace = nb_strdup(nb_dev_trace_text(dev));
  for (line = strtok_r(trace, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    double x, y, right;
    char *s;
    size_t n;
    if (sscanf(line, "line x=%lf y=%lf right=%lf", &x, &y, &right) != 3)
      continue;
    s = strstr(line, " text=") + 6;
    if (strstr(s, "Abduction") == s || strncmp(s, "The need", 8) == 0 ||
        strstr(text, s) || strlen(s) > 20) {
      n = strlen(s);
      if (n >= 2 && memcmp(s + n - 2, "\xc2\xad", 2) == 0) {
        hyph++;
        s[n - 2] = '\0';
      } else if (n > 0 && s[n - 1] == ' ') {
        /* a word space ends the line */
      }
      if (strlen(joined) + strlen(s) + 1 < sizeof joined)
        strcat(joined, s);
      full++;
      if (right > right_max)
        right_max = right;
    }
  }
  /* the text read back is the paragraph's */
  {
    char *r = joined, *w = joined;
    for (; *r; r++)
      if (*r != ' ')
        *w++ = *r;
    *w = '\0';
  }
  {
    char want[1024], *w = want;
    const char *r;
    for (r = text; *r; r++)
      if (*r != ' ')
        *w++ = *r;
    *w = '\0';
    assert_string_equal(joined, want);
  }
  assert_true(full >= 6);
  assert_true(hyph >= 1 && hyph <= full / 2);
  assert_true(right_max < 148 * 72 / 25.4 - 20 * 72 / 25.4 + 0.5);
  free(trace);
  nb_dev_free(dev);
  nb_book_free(book);
}

/* The theme's properties for line setting. */
static void test_css_properties(void **state) {
  static const char css_text[] =
      "body { hyphens: auto; text-autospace: ideograph-alpha; }\n"
      "p.tight { -newsbook-cjk-latin-space: 0.125em; }\n"
      "p.none { text-autospace: no-autospace; hyphens: manual; }\n";
  nb_css *css = nb_css_parse(css_text, strlen(css_text));
  nb_css_node chain[2] = {{"body", NULL}, {"p", "tight"}};
  nb_style body, st;
  (void)state;
  nb_css_compute(css, chain, 1, NULL, &body);
  assert_int_equal(body.hyphens, 1);
  assert_true(fabs(body.cjk_latin_space - 0.25) < 1e-9);
  nb_css_compute(css, chain, 2, &body, &st);
  assert_true(fabs(st.cjk_latin_space - 0.125) < 1e-9);
  assert_int_equal(st.hyphens, 1); /* inherited */
  chain[1].cls = "none";
  nb_css_compute(css, chain, 2, &body, &st);
  assert_true(st.cjk_latin_space == 0);
  assert_int_equal(st.hyphens, 0);
  nb_css_free(css);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinsoku_tables),
      cmocka_unit_test(test_punct_compress),
      cmocka_unit_test(test_a4_flush),
      cmocka_unit_test(test_a5_flush),
      cmocka_unit_test(test_cjk_latin_space),
      cmocka_unit_test(test_quotes),
      cmocka_unit_test(test_quotes_vertical),
      cmocka_unit_test(test_digit_groups),
      cmocka_unit_test(test_dash_glue),
      cmocka_unit_test(test_hyphen_patterns),
      cmocka_unit_test(test_english_paragraph),
      cmocka_unit_test(test_css_properties),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
