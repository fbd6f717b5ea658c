/* The line justifier, through the whole PDF layout drawn on the trace
 * device: full lines of CJK and mixed CJK/Latin paragraphs end flush at the
 * measure (within 0.5pt), last lines stay ragged, and no line starts with a
 * closing mark or ends with an opening one. */
#include <math.h>
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
#include "util/util.h"
#include "write/pdf/device.h"
#include "write/pdf/justify.h"
#include "write/pdf/pdf.h"

static const char *const S_paras[] = {
    "《科创板日报》8月10日讯（记者 黄心怡），过去几年的国内GPU赛道，可谓热得发烫，"
    "巨额融资不断刷新行业纪录。2022年7月以来，又有包括天数智芯、沐曦等企业官宣完成"
    "10亿元级别的融资。",
    "在资本热潮的背后，这批GPU公司如今已进入产品落地的关键节点，也是闯过国内GPU淘汰"
    "赛的第一关。",
    "成立三年后，壁仞科技在上海发布首款通用GPU芯片BR100系列。此外，壁仞科技还与浪潮"
    "共同发布OAM服务器海玄，以及原创芯片架构壁立仞、OAM模组壁砺100、PCIe板卡产品壁"
    "砺104、BIRENSUPA软件平台等。",
    "创道咨询合伙人步日欣介绍，壁仞、沐曦、登临、天数智芯、红山微电子、瀚博等，都从"
    "通用计算场景的GPGPU路线切入，不涉及图像渲染功能。国内走GPU路线的公司比较少，因"
    "其技术壁垒要更高。",
    "“在专利壁垒方面，起步早的全球GPU巨头们已筑建了层层专利保护墙。在生态方面，需要"
    "初创企业建立完善的软件开发团队，着重开发自身产品的软件开发平台、开发应用软件、"
    "中间件等软件产品，通过软件产品来建立更多的行业触达，丰富自身应用面，建立完善的"
    "生态体系。”",
    "流星雨（meteor shower）是在夜空中有许多的流星从天空中一个所谓的辐射点发射出来的"
    "天文现象。这些流星是宇宙中被称为流星体的碎片，在平行的轨道上运行时以极高速度投射"
    "进入地球大气层的流束。详见 https://www.imo.net/viewing-the-2014-may-camelopardalids/"
    " 以及 NASA 的 Meteoroid Environment Office 的预测。",
    "「这是测试，」他说，「标点（括号）【方括号】《书名号》、顿号；分号：冒号？问号！"
    "叹号……省略号——破折号。」再来一段：“引号‘单引号’”，（圆括号）和〔六角括号〕，"
    "以及『双引号』与〈单书名号〉。这些标点在行首行尾都有禁则，必须处理妥当，不能有例外。",
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
  assert_true(nb_kinsoku_no_start(0xff0c)); /* ， */
  assert_true(nb_kinsoku_no_start(0x3002)); /* 。 */
  assert_true(nb_kinsoku_no_start(0x300d)); /* 」 */
  assert_true(nb_kinsoku_no_end(0x300c));   /* 「 */
  assert_true(nb_kinsoku_no_end(0x201c));   /* “ */
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinsoku_tables),
      cmocka_unit_test(test_punct_compress),
      cmocka_unit_test(test_a4_flush),
      cmocka_unit_test(test_a5_flush),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
