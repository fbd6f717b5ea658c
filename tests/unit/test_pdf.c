/* The PDF writer end to end through the library: a file that is a PDF,
 * identical bytes for identical input (no clock), a book with sections and
 * a contents page, every block kind, a missing image drawn as a
 * placeholder, bad options refused. The external checks (pdffonts, qpdf,
 * pdfinfo) are in tests/e2e/pdf_check.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/doc.h"
#include "newsbook/writer.h"
#include "util/util.h"
#include "write/pdf/device.h"
#include "write/pdf/layout.h"
#include "write/pdf/pdf.h"

static nb_node *S_add(nb_node *parent, nb_node_type t) {
  nb_node *n = nb_node_new(nb_node_get_doc(parent), t);
  assert_non_null(n);
  assert_true(nb_node_append_child(parent, n));
  return n;
}

static void S_text(nb_node *parent, const char *s) {
  nb_node *t = S_add(parent, NB_NODE_TEXT);
  assert_true(nb_node_set_literal(t, s, strlen(s)));
}

static nb_doc *S_doc(const char *title, int rich) {
  nb_doc *doc = nb_doc_new();
  nb_node *root = nb_doc_root(doc), *n, *m, *row;
  int i;
  nb_doc_set_meta(doc, "title", title);
  nb_doc_add_author(doc, "财联社");
  nb_doc_add_category(doc, "金融");
  nb_doc_set_meta(doc, "lang", "zh-CN");
  n = S_add(root, NB_NODE_PARAGRAPH);
  S_text(n, "过去几年的国内GPU赛道，可谓热得发烫，巨额融资不断刷新行业纪录。");
  m = S_add(n, NB_NODE_STRONG);
  S_text(m, "据内部人士透露，");
  m = S_add(n, NB_NODE_LINK);
  nb_node_set_url(m, "https://example.com/a?b=c&d='e'");
  S_text(m, "原文链接");
  if (!rich)
    return doc;
  n = S_add(root, NB_NODE_HEADING);
  nb_node_set_heading_level(n, 2);
  S_text(n, "通用计算GPGPU成角逐焦点");
  n = S_add(root, NB_NODE_LIST);
  nb_node_set_list(n, 1, 3);
  for (i = 0; i < 3; i++) {
    m = S_add(S_add(n, NB_NODE_ITEM), NB_NODE_PARAGRAPH);
    S_text(m, "列表项目，带一些文字。");
  }
  n = S_add(S_add(root, NB_NODE_BLOCKQUOTE), NB_NODE_PARAGRAPH);
  S_text(
      n,
      "引用的段落：没有产品却获巨额融资，曾是这批GPU初创公司饱受争议的地方。");
  n = S_add(root, NB_NODE_CODE_BLOCK);
  nb_node_set_literal(n, "int main(void) {\n  return 0; // 注释\n}\n", 38);
  n = S_add(root, NB_NODE_TABLE);
  for (i = 0; i < 40; i++) {
    row = S_add(n, NB_NODE_TABLE_ROW);
    nb_node_set_header(row, i == 0);
    m = S_add(row, NB_NODE_TABLE_CELL);
    S_text(S_add(m, NB_NODE_PARAGRAPH), i == 0 ? "名称" : "壁仞科技 BR100");
    m = S_add(row, NB_NODE_TABLE_CELL);
    S_text(S_add(m, NB_NODE_PARAGRAPH),
           i == 0 ? "说明"
                  : "单芯片峰值算力达到PFLOPS级别，峰值算力达到国际厂商"
                    "在售旗舰产品3倍以上。");
  }
  S_add(root, NB_NODE_RULE);
  n = S_add(root, NB_NODE_FIGURE);
  m = S_add(n, NB_NODE_IMAGE);
  nb_node_set_url(m, "https://img.example/missing.png");
  nb_node_set_alt(m, "一张找不到的图");
  S_text(S_add(n, NB_NODE_CAPTION), "图：说明文字");
  return doc;
}

static const void *S_find(const unsigned char *h, size_t n, const char *needle,
                          size_t m) {
  size_t i;
  for (i = 0; i + m <= n; i++)
    if (memcmp(h + i, needle, m) == 0)
      return h + i;
  return NULL;
}

static char *S_tmpdir(void) {
  char tmpl[] = "/tmp/nbpdfXXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return nb_strdup(d);
}

static unsigned char *S_slurp(const char *path, size_t *len) {
  char *data = NULL;
  assert_int_equal(nb_read_file(path, 0, &data, len, NULL), 0);
  return (unsigned char *)data;
}

static void test_single_deterministic(void **state) {
  char *dir = S_tmpdir(), a[512], b[512];
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_error err;
  unsigned char *x, *y;
  size_t nx, ny;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  unsetenv("SOURCE_DATE_EPOCH");
  assert_true(nb_book_add_doc(book, S_doc("国内GPU芯片群雄逐鹿", 1)));
  nb_book_finish(book);
  snprintf(a, sizeof a, "%s/a.pdf", dir);
  snprintf(b, sizeof b, "%s/b.pdf", dir);
  assert_int_equal(nb_write_pdf(book, &opts, a, NULL, &err), 0);
  sleep(1); /* a clock in the output would now differ */
  assert_int_equal(nb_write_pdf(book, &opts, b, NULL, &err), 0);
  x = S_slurp(a, &nx);
  y = S_slurp(b, &ny);
  assert_true(nx > 1000);
  assert_memory_equal(x, "%PDF-1.5", 8);
  assert_int_equal(nx, ny);
  assert_memory_equal(x, y, nx);
  assert_non_null(S_find(x, nx, "/StructTreeRoot", 15));
  assert_non_null(S_find(x, nx, "/Outlines", 9));
  assert_non_null(S_find(x, nx, "/URI", 4));
  free(x);
  free(y);
  unlink(a);
  unlink(b);
  rmdir(dir);
  free(dir);
  nb_book_free(book);
}

/* The words the writer adds (the contents' heading, a missing picture's
 * placeholder) are in the book's and the article's language. */
static void test_words_in_language(void **state) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_error err;
  nb_dev *dev = nb_dev_trace_new();
  const char *t;
  int i;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  nb_book_set_meta(book, "title", "The week");
  nb_book_set_meta(book, "lang", "en");
  for (i = 0; i < 2; i++) {
    nb_doc *doc = nb_doc_new();
    nb_node *n;
    nb_doc_set_meta(doc, "title", i ? "Second" : "First");
    nb_doc_set_meta(doc, "lang", "en");
    S_text(S_add(nb_doc_root(doc), NB_NODE_PARAGRAPH), "A short paragraph.");
    n = S_add(S_add(nb_doc_root(doc), NB_NODE_FIGURE), NB_NODE_IMAGE);
    nb_node_set_url(n, "https://img.example/gone.png");
    assert_true(nb_book_add_doc(book, doc));
  }
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  t = nb_dev_trace_text(dev);
  assert_non_null(strstr(t, "text=Contents"));
  assert_null(strstr(t, "目录"));
  assert_non_null(
      strstr(t, "text=image unavailable: https://img.example/gone.png"));
  nb_dev_free(dev);
  nb_book_free(book);
  /* a Chinese article says it in Chinese, with its alt text */
  book = nb_book_new();
  dev = nb_dev_trace_new();
  assert_true(nb_book_add_doc(book, S_doc("第一篇", 1)));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  assert_non_null(
      strstr(nb_dev_trace_text(dev), "图片无法显示：一张找不到的图"));
  nb_dev_free(dev);
  nb_book_free(book);
}

static void test_book_with_contents(void **state) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_error err;
  nb_dev *dev = nb_dev_trace_new();
  const char *t;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = "B5";
  nb_book_set_meta(book, "title", "财联社 · 本周");
  assert_true(nb_book_add_section(book, "深度"));
  assert_true(nb_book_add_doc(book, S_doc("第一篇", 1)));
  assert_true(nb_book_add_doc(book, S_doc("第二篇", 0)));
  assert_true(nb_book_add_section(book, "快讯"));
  assert_true(nb_book_add_doc(book, S_doc("第三篇", 0)));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  t = nb_dev_trace_text(dev);
  /* the contents lists every article, the outline nests them */
  assert_non_null(strstr(t, "text=目录"));
  assert_non_null(strstr(t, "link dest=art-0"));
  assert_non_null(strstr(t, "link dest=art-2"));
  assert_non_null(strstr(t, "outline parent=0 page="));
  assert_non_null(strstr(t, " 深度\n"));
  assert_non_null(strstr(t, "第三篇\n"));
  assert_non_null(strstr(t, "tag TH"));
  assert_non_null(strstr(t, "text=图片无法显示：一张找不到的图"));
  assert_non_null(strstr(t, "page 1 498.90 708.66"));
  nb_dev_free(dev);
  nb_book_free(book);
}

typedef struct seen {
  int font_warnings;
  char last[1024];
} seen;

static void S_report(void *ud, const nb_diagnostic *d) {
  seen *s = ud;
  if (strcmp(d->kind, "font") == 0 && strstr(d->message, "U+10FFFD")) {
    s->font_warnings++;
    snprintf(s->last, sizeof s->last, "%s: %s", d->file ? d->file : "-",
             d->message);
  }
}

static void test_missing_glyphs_reported(void **state) {
  nb_book *book = nb_book_new();
  nb_doc *doc = nb_doc_new();
  nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH);
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  seen s;
  nb_diag diag = {NB_DIAG_ABI_VERSION, S_report, NULL};
  (void)state;
  memset(&s, 0, sizeof s);
  diag.userdata = &s;
  nb_doc_set_meta(doc, "title", "缺字");
  nb_doc_set_meta(doc, "path", "articles/missing.md");
  nb_node_append_child(nb_doc_root(doc), p);
  S_text(
      p,
      "这里有一个没有字体的字：\xf4\x8f\xbf\xbd，还有一次\xf4\x8f\xbf\xbd。");
  assert_true(nb_book_add_doc(book, doc));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, NULL, dev, &diag, &err), 0);
  assert_int_equal(s.font_warnings, 1); /* once per article, deduplicated */
  assert_non_null(strstr(s.last, "articles/missing.md"));
  nb_dev_free(dev);
  nb_book_free(book);
}

/* The CJK faces follow the article's language: Han characters take the
 * shapes their readers expect (直, 骨, 今 differ between JP, SC and TC). */
static void test_cjk_variant(void **state) {
  char out[256];
  (void)state;
  assert_string_equal(nb_pdf_cjk_variant(NULL), "SC");
  assert_string_equal(nb_pdf_cjk_variant("zh-CN"), "SC");
  assert_string_equal(nb_pdf_cjk_variant("zh"), "SC");
  assert_string_equal(nb_pdf_cjk_variant("zh-Hant"), "TC");
  assert_string_equal(nb_pdf_cjk_variant("zh-TW"), "TC");
  assert_string_equal(nb_pdf_cjk_variant("zh-hk"), "HK");
  assert_string_equal(nb_pdf_cjk_variant("ja-JP"), "JP");
  assert_string_equal(nb_pdf_cjk_variant("ko"), "KR");
  assert_string_equal(nb_pdf_cjk_variant("en"), "SC");
  nb_pdf_families("Noto Serif CJK SC, Source Han Serif SC,Songti SC,"
                  "DejaVu Serif,serif",
                  "JP", out, sizeof out);
  assert_string_equal(out, "Noto Serif CJK JP, Source Han Serif JP,Songti SC,"
                           "DejaVu Serif,serif");
  nb_pdf_families("Noto Sans CJK SC", "SC", out, sizeof out);
  assert_string_equal(out, "Noto Sans CJK SC");
  nb_pdf_families("", "TC", out, sizeof out);
  assert_string_equal(out, "");
}

static void test_bad_options(void **state) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_error err;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = "A99";
  assert_true(nb_book_add_doc(book, S_doc("x", 0)));
  nb_book_finish(book);
  assert_int_equal(nb_write_pdf(book, &opts, "/tmp/nb-never.pdf", NULL, &err),
                   NB_ERR_ARGUMENT);
  assert_int_equal(access("/tmp/nb-never.pdf", F_OK), -1);
  opts.page_size = NULL;
  opts.margin = "300mm";
  assert_int_equal(nb_write_pdf(book, &opts, "/tmp/nb-never.pdf", NULL, &err),
                   NB_ERR_ARGUMENT);
  opts.margin = NULL;
  opts.style_path = "/nonexistent/theme.css";
  assert_true(nb_write_pdf(book, &opts, "/tmp/nb-never.pdf", NULL, &err) < 0);
  nb_book_free(book);
}

/* What Cairo 1.16 cannot write, added once it has finished: the
 * catalog's /Lang and DisplayDocTitle, /Alt on the Figure, a passage in
 * another language, and page furniture out of the structure tree. */
static void test_tagged_entries(void **state) {
  char *dir = S_tmpdir(), a[512];
  nb_book *book = nb_book_new();
  nb_doc *doc = S_doc("国内GPU芯片群雄逐鹿", 1);
  nb_write_options opts;
  nb_error err;
  unsigned char *x;
  size_t nx;
  nb_node *p;
  (void)state;
  p = S_add(nb_doc_root(doc), NB_NODE_PARAGRAPH);
  S_text(p, "This paragraph is written in English, in a Chinese article.");
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  assert_true(nb_book_add_doc(book, doc));
  nb_book_finish(book);
  snprintf(a, sizeof a, "%s/t.pdf", dir);
  assert_int_equal(nb_write_pdf(book, &opts, a, NULL, &err), 0);
  x = S_slurp(a, &nx);
  /* written again in place: one cross-reference table, one end */
  assert_null(S_find(x, nx, "/Prev ", 6));
  assert_ptr_equal(S_find(x, nx, "%%EOF", 5), x + nx - 6);
  assert_non_null(S_find(x, nx, "/Lang (zh-CN)", 13));
  assert_non_null(S_find(x, nx, "/DisplayDocTitle true", 21));
  /* 一张找不到的图 as UTF-16 */
  assert_non_null(S_find(x, nx, "/Alt <FEFF4E00", 14));
  assert_non_null(S_find(x, nx, "/Lang (en)", 10));
  free(x);
  unlink(a);
  rmdir(dir);
  free(dir);
  nb_book_free(book);
}

/* The contents' page number of article @p title in trace @p t: the line
 * drawn just before the entry's (the number goes with its last line), or
 * -1. */
static int S_contents_page(const char *t, const char *title) {
  char key[128];
  const char *p, *q;
  snprintf(key, sizeof key, " text=%s\n", title);
  if (!(p = strstr(t, key)))
    return -1;
  /* back over this line to the one before it */
  while (p > t && p[-1] != '\n')
    p--;
  if (p == t)
    return -1;
  q = p - 1;
  while (q > t && q[-1] != '\n')
    q--;
  if (strncmp(q, "line ", 5) != 0 || !(q = strstr(q, " text=")) || q > p)
    return -1;
  return atoi(q + 6);
}

/* The page article @p title's outline entry points at in trace @p t. */
static int S_outline_page(const char *t, const char *title) {
  char key[128];
  const char *p = t, *q;
  size_t n;
  snprintf(key, sizeof key, " %s\n", title);
  n = strlen(key);
  while ((p = strstr(p, "outline parent=")) != NULL) {
    const char *nl = strchr(p, '\n');
    if (!nl)
      break;
    if ((size_t)(nl + 1 - p) >= n && memcmp(nl + 1 - n, key, n) == 0 &&
        (q = strstr(p, " page=")) != NULL && q < nl)
      return atoi(q + 6);
    p = nl + 1;
  }
  return -1;
}

/* Every article of a book is laid out once, however many there are and
 * however much text they hold: the layout that counted an article's pages
 * for the contents is the one drawn (there is no size past which
 * articles are laid out again). The contents then give each article the
 * page its outline entry points at, in horizontal and vertical books. */
static void test_book_laid_out_once(void **state) {
  int vertical;
  (void)state;
  for (vertical = 0; vertical < 2; vertical++) {
    nb_book *book = nb_book_new();
    nb_write_options opts;
    nb_error err;
    nb_dev *dev = nb_dev_trace_new();
    size_t before, k, n = vertical ? 6 : 40;
    const char *t;
    char title[64];
    memset(&opts, 0, sizeof opts);
    opts.abi_version = NB_WRITE_ABI_VERSION;
    opts.vertical = vertical;
    nb_book_set_meta(book, "title", "一本书");
    for (k = 0; k < n; k++) {
      if (k % (n / 2) == 0)
        assert_true(nb_book_add_section(book, k ? "后半" : "前半"));
      snprintf(title, sizeof title, "第%zu篇文章", k + 1);
      /* some articles of several pages (a long table), most of one */
      assert_true(nb_book_add_doc(book, S_doc(title, k % 5 == 1)));
    }
    nb_book_finish(book);
    before = nb_pdf_article_layouts();
    assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
    assert_int_equal(nb_pdf_article_layouts() - before, n);
    t = nb_dev_trace_text(dev);
    {
      /* a book too big to hold: articles past the limit are laid out
       * again when drawn, and the pages are the same */
      nb_dev *again = nb_dev_trace_new();
      nb_pdf_set_hold_limit(1);
      before = nb_pdf_article_layouts();
      assert_int_equal(nb_pdf_render(book, &opts, again, NULL, &err), 0);
      nb_pdf_set_hold_limit(0);
      assert_int_equal(nb_pdf_article_layouts() - before, 2 * n);
      assert_string_equal(nb_dev_trace_text(again), t);
      nb_dev_free(again);
    }
    for (k = 0; k < n; k++) {
      int page;
      snprintf(title, sizeof title, "第%zu篇文章", k + 1);
      page = S_outline_page(t, title);
      assert_true(page > 1);
      if (!vertical) /* vertical contents lines are columns: not read here */
        assert_int_equal(S_contents_page(t, title), page);
    }
    nb_dev_free(dev);
    nb_book_free(book);
  }
}

/* The trace device hears page furniture and rules as artifacts. */
static void test_artifacts_traced(void **state) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  const char *t;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  assert_true(nb_book_add_doc(book, S_doc("国内GPU芯片群雄逐鹿", 1)));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  t = nb_dev_trace_text(dev);
  assert_non_null(strstr(t, "tag Artifact"));
  assert_non_null(strstr(t, "tag Figure alt=一张找不到的图"));
  nb_dev_free(dev);
  nb_book_free(book);
}

/* Vertical writing asked through nb_write_options.vertical: pages turn
 * right to left, upright glyphs are drawn with vertical (Identity-V)
 * fonts, the structure tree, outline and links are kept (code and a long
 * table stay horizontal in the flow), and the bytes are the same on a
 * second run; the trace device hears vertical lines, the next column to
 * the left. A horizontal book says nothing of direction. */
static void test_vertical_option(void **state) {
  char *dir = S_tmpdir(), a[512], b[512], h[512];
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  unsigned char *x, *y, *z;
  size_t nx, ny, nz;
  const char *t, *l1, *l2;
  double x1, x2;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.vertical = 1;
  assert_true(nb_book_add_doc(book, S_doc("国内GPU芯片群雄逐鹿", 1)));
  nb_book_finish(book);
  snprintf(a, sizeof a, "%s/v.pdf", dir);
  snprintf(b, sizeof b, "%s/w.pdf", dir);
  snprintf(h, sizeof h, "%s/h.pdf", dir);
  assert_int_equal(nb_write_pdf(book, &opts, a, NULL, &err), 0);
  assert_int_equal(nb_write_pdf(book, &opts, b, NULL, &err), 0);
  x = S_slurp(a, &nx);
  y = S_slurp(b, &ny);
  assert_int_equal(nx, ny);
  assert_memory_equal(x, y, nx);
  assert_non_null(S_find(x, nx, "/Direction /R2L", 15));
  assert_non_null(S_find(x, nx, "/Identity-V", 11));
  assert_non_null(S_find(x, nx, "/StructTreeRoot", 15));
  assert_non_null(S_find(x, nx, "/Outlines", 9));
  assert_non_null(S_find(x, nx, "/URI", 4));
  opts.vertical = 0;
  assert_int_equal(nb_write_pdf(book, &opts, h, NULL, &err), 0);
  z = S_slurp(h, &nz);
  assert_null(S_find(z, nz, "/Direction", 10));
  assert_null(S_find(z, nz, "/Identity-V", 11));
  opts.vertical = 1;
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  t = nb_dev_trace_text(dev);
  l1 = strstr(t, "vline x=");
  assert_non_null(l1);
  l2 = strstr(l1 + 1, "vline x=");
  assert_non_null(l2);
  x1 = strtod(l1 + 8, NULL);
  x2 = strtod(l2 + 8, NULL);
  assert_true(x2 < x1); /* the next column is to the left */
  free(x);
  free(y);
  free(z);
  unlink(a);
  unlink(b);
  unlink(h);
  rmdir(dir);
  free(dir);
  nb_dev_free(dev);
  nb_book_free(book);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_deterministic),
      cmocka_unit_test(test_book_with_contents),
      cmocka_unit_test(test_words_in_language),
      cmocka_unit_test(test_book_laid_out_once),
      cmocka_unit_test(test_missing_glyphs_reported),
      cmocka_unit_test(test_cjk_variant),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_tagged_entries),
      cmocka_unit_test(test_artifacts_traced),
      cmocka_unit_test(test_vertical_option),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
