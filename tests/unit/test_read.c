/* Readers: front matter oddities from the corpus, dates, chrome dropping,
 * tag soup, pathological nesting, CJK white space, Markdown, feeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "newsbook/book.h"
#include "newsbook/reader.h"
#include "newsbook/writer.h"
#include "util/util.h"

/* ## Helpers */

typedef struct diags {
  int count;
  int notes;
  char last_kind[64];
  char last[512];
} diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  diags *g = ud;
  g->count++;
  g->notes += d->severity == NB_SEV_NOTE;
  snprintf(g->last_kind, sizeof g->last_kind, "%s", d->kind);
  snprintf(g->last, sizeof g->last, "%s", d->message);
}

static nb_doc *S_read(const char *path, const char *src, diags *g) {
  nb_diag dg = {NB_DIAG_ABI_VERSION, S_report, g};
  nb_error err;
  nb_doc *doc;
  memset(&err, 0, sizeof err);
  doc = nb_read_article(path, src, strlen(src), NULL, &dg, &err);
  if (!doc)
    fprintf(stderr, "read failed: %s\n", err.message);
  assert_non_null(doc);
  return doc;
}

static nb_doc *S_read_file(const char *name, diags *g) {
  char path[1024];
  char *data;
  size_t len;
  nb_error err;
  nb_diag dg = {NB_DIAG_ABI_VERSION, S_report, g};
  nb_doc *doc;
  snprintf(path, sizeof path, "%s/corpus/%s", NB_SHARED, name);
  assert_int_equal(nb_read_file(path, 0, &data, &len, &err), 0);
  doc = nb_read_article(path, data, len, NULL, &dg, &err);
  free(data);
  assert_non_null(doc);
  return doc;
}

/* The document's text (caller frees). */
static char *S_text(nb_doc *doc) {
  char *t = nb_node_text(nb_doc_root(doc));
  assert_non_null(t);
  return t;
}

static void S_assert_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle)) {
    fprintf(stderr, "expected \"%s\" in \"%.300s\"\n", needle, hay);
    fail();
  }
}

static void S_assert_lacks(const char *hay, const char *needle) {
  if (strstr(hay, needle)) {
    fprintf(stderr, "did not expect \"%s\" in \"%.300s\"\n", needle, hay);
    fail();
  }
}

/* Count nodes of @p type. */
static int S_count(nb_doc *doc, nb_node_type type) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_event ev;
  int n = 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE)
    if (ev == NB_EVENT_ENTER && nb_node_get_type(nb_iter_node(it)) == type)
      n++;
  nb_iter_free(it);
  return n;
}

static nb_node *S_first(nb_doc *doc, nb_node_type type) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_event ev;
  nb_node *found = NULL;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE)
    if (ev == NB_EVENT_ENTER && nb_node_get_type(nb_iter_node(it)) == type) {
      found = nb_iter_node(it);
      break;
    }
  nb_iter_free(it);
  return found;
}

/* ## Front matter from the corpus */

static void test_corpus_titles(void **state) {
  static const struct {
    const char *file, *title;
  } cases[] = {
      {"dev/035-cnbeta-nft-quotes.md",
       "NFT艺术品拍出6900万美元 作者本人惊叹泡沫之大"},
      {"dev/037-199it-title-only.md", "普华永道：5G对全球经济的影响"},
      {"dev/038-bishijie-multiline-title.md",
       "00_00 币世界晚行情：BTC回升至57000 USDT上方"},
      {"dev/039-hinatazaka-jp-title.md", "( ¨̮ )_≡①⓪⑥フルサイズ"},
      {"dev/045-xueqiu-at-title.md", "@大道无形我有型 关注了股票 英特尔"},
      {"dev/047-weex-quotes-short.md", "米国财爸，有点急"},
      {"dev/027-bostoncom-not-the-virus.md",
       "We are not the virus'_ Hundreds rally against anti-Asian racism in "
       "Atlanta"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    diags g = {0};
    nb_doc *doc = S_read_file(cases[i].file, &g);
    assert_string_equal(nb_doc_get_meta(doc, "title"), cases[i].title);
    assert_int_equal(nb_doc_category_count(doc), 2);
    assert_non_null(nb_doc_get_meta(doc, "path"));
    nb_doc_free(doc);
  }
}

static void test_corpus_empty_title(void **state) {
  diags g = {0};
  nb_doc *doc = S_read_file("dev/021-golangcn-empty-title.md", &g);
  (void)state;
  assert_string_equal(nb_doc_get_meta(doc, "title"),
                      "021-golangcn-empty-title");
  assert_true(g.count >= 1);
  assert_string_equal(nb_doc_category(doc, 1), "Go 语言中文网 - 周刊");
  assert_string_equal(nb_doc_author(doc, 0), "Go 语言中文网 - 周刊");
  assert_true(nb_doc_get_date(doc).valid);
  assert_null(nb_doc_get_meta(doc, "thumbnail"));
  nb_doc_free(doc);
}

static void test_corpus_metadata(void **state) {
  diags g = {0};
  nb_doc *doc = S_read_file("dev/035-cnbeta-nft-quotes.md", &g);
  nb_date d = nb_doc_get_date(doc);
  (void)state;
  assert_string_equal(nb_doc_get_meta(doc, "date"),
                      "Mon, 22 Mar 2021 02:59:29 GMT");
  assert_true(d.valid);
  assert_int_equal(d.utc, 1616381969);
  assert_string_equal(nb_doc_get_meta(doc, "thumbnail"),
                      "https://static.cnbetacdn.com/article/2021/0322/"
                      "440646d9b441ec9.jpg");
  assert_string_equal(nb_doc_get_meta(doc, "lang"), "zh-CN");
  assert_string_equal(nb_doc_category(doc, 0), "新媒体");
  /* libyaml refused it: one warning, and the line-wise reading. */
  assert_int_equal(g.count, 1);
  assert_string_equal(g.last_kind, "syntax");
  nb_doc_free(doc);
}

/* ## Front matter, inline cases */

static void test_front_matter_cases(void **state) {
  static const struct {
    const char *src, *title;
    int warnings;
  } cases[] = {
      {"---\ntitle: plain\n---\nbody", "plain", 0},
      {"---\ntitle: \"\"\"\"'stacked'\"\"\"\"\n---\nbody", "stacked", 1},
      {"---\ntitle: @handle said\n---\nbody", "@handle said", 1},
      {"---\ntitle: 'We are'_ here\n---\nbody", "We are'_ here", 1},
      {"---\ntitle: first\n   second line\n---\nbody", "first second line", 0},
      {"---\ntitle: \n---\nbody", "note", 1},
      {"---\ntitle: ''\n---\nbody", "note", 1},
      {"\xEF\xBB\xBF---\r\ntitle: crlf\r\n---\r\nbody", "crlf", 0},
      {"\n\n---\ntitle: blank lines first\n---\nbody", "blank lines first", 0},
      {"no front matter at all", "note", 1},
      {"---\ntitle: never closed\nbody", "note", 2},
      /* white space only (ideographic, no-break): no title */
      {"---\ntitle: '\xE3\x80\x80 \xC2\xA0'\n---\nbody", "note", 1},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    diags g = {0};
    nb_doc *doc = S_read("/some/dir/note.md", cases[i].src, &g);
    assert_string_equal(nb_doc_get_meta(doc, "title"), cases[i].title);
    if (g.count != cases[i].warnings)
      fprintf(stderr, "case %zu: %d warnings (%s)\n", i, g.count, g.last);
    assert_int_equal(g.count, cases[i].warnings);
    nb_doc_free(doc);
  }
}

/* The title fallback says what the book shows: a file name that is only
 * white space gives "Untitled", and the warning says so. */
static void test_title_fallback(void **state) {
  diags g = {0};
  nb_doc *doc = S_read("/dir/ .md", "---\ntitle: ' '\n---\nbody", &g);
  (void)state;
  assert_string_equal(nb_doc_get_meta(doc, "title"), "Untitled");
  assert_non_null(strstr(g.last, "\"Untitled\""));
  nb_doc_free(doc);
  memset(&g, 0, sizeof g);
  doc = S_read("/dir/kept.md", "---\ntitle: '\xE3\x80\x80'\n---\nbody", &g);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "kept");
  assert_non_null(strstr(g.last, "only white space; using \"kept\""));
  nb_doc_free(doc);
}

/* Markdown links in front-matter values show as their text; a GUID is
 * kept for telling repeats apart. The title is left as written. */
static void test_front_matter_links(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "a.md",
      "---\ntitle: '[PDF] report (2021)'\ncategories:\n  - 漫画\n"
      "  - Webtoons - [Naver](https://comic.naver.com)\n"
      "author: '[Ann](mailto:ann@example.com) and [Bo](/u/bo)'\n"
      "description: 'see [here](https://x.example/a) and [not a link](x y)'\n"
      "guid: tag:example.com,2021:7\n---\nbody",
      &g);
  (void)state;
  assert_string_equal(nb_doc_category(doc, 1), "Webtoons - Naver");
  assert_string_equal(nb_doc_author(doc, 0), "Ann and Bo");
  assert_string_equal(nb_doc_get_meta(doc, "description"),
                      "see here and [not a link](x y)");
  assert_string_equal(nb_doc_get_meta(doc, "title"), "[PDF] report (2021)");
  assert_string_equal(nb_doc_get_meta(doc, "guid"), "tag:example.com,2021:7");
  nb_doc_free(doc);
}

/* A byline named after the feed drops its generic route ("香港 01 - 标签"
 * is 香港 01); the categories stay as written, for selection. */
static void test_byline_route(void **state) {
  diags g = {0};
  nb_doc *doc = S_read("a.md",
                       "---\ntitle: t\ncategories:\n  - 传统媒体\n"
                       "  - 香港 01 - 标签\nauthor: 香港 01 - 标签\n---\nbody",
                       &g);
  (void)state;
  assert_string_equal(nb_doc_author(doc, 0), "香港 01");
  assert_string_equal(nb_doc_category(doc, 1), "香港 01 - 标签");
  assert_string_equal(nb_doc_kicker(doc), "传统媒体");
  nb_doc_free(doc);
}

/* An image with no description and nothing near it to give one is
 * reported (the --report lists it); one with a caption is not. */
static void test_image_description_report(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "i.md", "---\ntitle: t\n---\n<p><img src=\"x.png\" alt=\"image\"></p>",
      &g);
  (void)state;
  assert_string_equal(g.last_kind, "accessibility");
  assert_non_null(strstr(g.last, "x.png has no description"));
  assert_string_equal(nb_node_get_alt(S_first(doc, NB_NODE_IMAGE)), "image");
  nb_doc_free(doc);
  memset(&g, 0, sizeof g);
  doc = S_read("i.md",
               "---\ntitle: t\n---\n<figure><img src=\"x.png\">"
               "<figcaption>Cap</figcaption></figure>",
               &g);
  assert_int_equal(g.count, 0);
  assert_string_equal(nb_node_get_alt(S_first(doc, NB_NODE_IMAGE)), "Cap");
  nb_doc_free(doc);
}

/* Tags named in prose: never closed, or closed only past their paragraph,
 * they are words; the article after them is kept whole. */
static void test_tags_named_in_prose(void **state) {
  diags g = {0};
  nb_doc *doc =
      S_read("p.html",
             "<p>代码置于 <script> 标签中。</p><p>其后<b>全部</b>保留。</p>"
             "<p>表单 <textarea> 与 <select> 元素。</p><p>中间段落。</p>"
             "<pre><code><textarea></textarea><select></select></code></pre>"
             "<p>页面的 <title> 和 <xmp> 与 <iframe> 也一样。</p><p>结尾。</p>",
             &g);
  char *t = S_text(doc);
  (void)state;
  S_assert_contains(t, "代码置于 <script> 标签中。");
  S_assert_contains(t, "其后全部保留。");
  S_assert_contains(t, "表单 <textarea> 与 <select> 元素。");
  S_assert_contains(t, "中间段落。");
  S_assert_contains(t, "<textarea></textarea><select></select>");
  S_assert_contains(t, "页面的 <title> 和 <xmp> 与 <iframe> 也一样。");
  S_assert_contains(t, "结尾。");
  assert_int_equal(S_count(doc, NB_NODE_STRONG), 1);
  assert_int_equal(S_count(doc, NB_NODE_CODE_BLOCK), 1);
  free(t);
  nb_doc_free(doc);
}

/* A hostile input cannot make the tag passes quadratic: a hundred
 * thousand unclosed openers, would-be tags and comments. */
static void test_tag_passes_linear(void **state) {
  diags g = {0};
  nb_buf b = NB_BUF_INIT;
  nb_doc *doc;
  int i;
  (void)state;
  nb_buf_puts(&b, "<p>");
  for (i = 0; i < 100000; i++)
    nb_buf_puts(&b, "<textarea>a</p><p><pre><a<a<!--x");
  nb_buf_puts(&b, "</textarea></pre>end</p>");
  doc = S_read("h.html", b.data, &g);
  nb_buf_free(&b);
  nb_doc_free(doc);
}

static void test_front_matter_fields(void **state) {
  diags g = {0};
  nb_doc *doc =
      S_read("a.md",
             "---\ntitle: T\ncategories: 单个分类\nauthor:\n  - 甲\n  - 乙\n"
             "date: 2022-08-10T12:38:31+08:00\nlink: https://example.com/a\n"
             "description: 摘要\nheadimg: https://example.com/h.jpg\n---\n正文",
             &g);
  nb_date d = nb_doc_get_date(doc);
  (void)state;
  assert_int_equal(nb_doc_category_count(doc), 1);
  assert_string_equal(nb_doc_category(doc, 0), "单个分类");
  assert_int_equal(nb_doc_author_count(doc), 2);
  assert_string_equal(nb_doc_get_meta(doc, "author"), "甲");
  assert_true(d.valid && d.has_tz);
  assert_int_equal(d.tz_minutes, 480);
  assert_int_equal(d.utc, 1660106311);
  assert_string_equal(nb_doc_get_meta(doc, "source"), "https://example.com/a");
  assert_string_equal(nb_doc_get_meta(doc, "description"), "摘要");
  assert_string_equal(nb_doc_get_meta(doc, "headimg"),
                      "https://example.com/h.jpg");
  assert_int_equal(g.count, 0);
  nb_doc_free(doc);
}

static void test_dates(void **state) {
  static const struct {
    const char *date;
    int valid;
    int64_t utc;
  } cases[] = {
      {"Wed, 10 Aug 2022 12:38:31 GMT", 1, 1660135111},
      {"2021-03-21 16:40:55", 1, 1616344855},
      {"2022-08-10", 1, 1660089600},
      {"Invalid Date", 0, 0},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    diags g = {0};
    char src[256];
    nb_doc *doc;
    snprintf(src, sizeof src, "---\ntitle: t\ndate: %s\n---\nx", cases[i].date);
    doc = S_read("d.md", src, &g);
    assert_int_equal(nb_doc_get_date(doc).valid, cases[i].valid);
    if (cases[i].valid)
      assert_int_equal(nb_doc_get_date(doc).utc, cases[i].utc);
    else
      assert_int_equal(g.count, 1); /* "not a date" */
    assert_string_equal(nb_doc_get_meta(doc, "date"), cases[i].date);
    nb_doc_free(doc);
  }
}

/* ## Input cleaning and limits */

static void test_invalid_utf8(void **state) {
  static const char src[] = "---\ntitle: bad\xff\n---\n<p>a\0b\xc3(</p>";
  nb_diag dg;
  diags g = {0};
  nb_error err;
  nb_doc *doc;
  char *t;
  (void)state;
  dg.abi_version = NB_DIAG_ABI_VERSION;
  dg.report = S_report;
  dg.userdata = &g;
  doc = nb_read_article("u.md", src, sizeof src - 1, NULL, &dg, &err);
  assert_non_null(doc);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "bad\xEF\xBF\xBD");
  t = S_text(doc);
  assert_string_equal(t, "ab\xEF\xBF\xBD(");
  assert_int_equal(g.count, 1);
  assert_string_equal(g.last_kind, "encoding");
  free(t);
  nb_doc_free(doc);
}

static void test_input_limit(void **state) {
  nb_read_options o = {NB_READ_ABI_VERSION, 16, 0, NB_EXTRACT_AUTO};
  nb_error err;
  (void)state;
  memset(&err, 0, sizeof err);
  assert_null(
      nb_read_article("big.md", "0123456789abcdefXYZ", 19, &o, NULL, &err));
  assert_int_equal(err.code, NB_ERR_LIMIT);
  assert_string_equal(err.file, "big.md");
}

/* ## HTML bodies */

/* Chrome goes (scripts, styles, tracking pixels); what form controls,
 * frames, <noscript> and <template> hold is the author's text and stays. */
static void test_chrome_dropped(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "c.html",
      "<script>alert(1)</script><style>p{}</style><p onclick=\"x()\">kept"
      "<iframe src=\"https://ads\">frame</iframe><img src=\"pixel.gif\" "
      "width=\"1\" height=\"1\"><img src=\"real.png\" alt=\"r\"></p>"
      "<form><input value=\"v\"><button>Go</button><select><option>opt1"
      "</option><option>opt2</option></select></form><noscript>ns</noscript>"
      "<template>tpl</template><object><embed src=\"x.swf\"></object>",
      &g);
  char *t = S_text(doc);
  (void)state;
  S_assert_contains(t, "kept");
  S_assert_lacks(t, "alert");
  S_assert_lacks(t, "p{}");
  S_assert_contains(t, "frame");
  S_assert_contains(t, "Go");
  S_assert_contains(t, "opt1 opt2");
  S_assert_contains(t, "ns");
  S_assert_contains(t, "tpl");
  /* the picture, and placeholders for the frame and the object's embed */
  assert_int_equal(S_count(doc, NB_NODE_IMAGE), 3);
  assert_string_equal(nb_node_get_alt(S_first(doc, NB_NODE_IMAGE)),
                      "Embedded page not included");
  assert_true(g.notes > 0); /* the pixel, left out with a note */
  free(t);
  nb_doc_free(doc);
}

static void test_tag_soup(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "s.html",
      "<foo>unknown <bar>tags</bar></foo> <a href=\"u\"><div>block in "
      "link</div></a><span><p>para in span</p></span><p>a<b>b<div>c</div>"
      "d</b>e<p>unclosed <b>bold <i>both</p> after</b></i> <li>stray "
      "item<td>stray cell</td><table>in table<tr>row text</tr></table>"
      "</ul></p></div>&amp; &lt;tag&gt; &nbsp;end",
      &g);
  char *t = S_text(doc);
  (void)state;
  S_assert_contains(t, "unknown tags");
  S_assert_contains(t, "block in link");
  S_assert_contains(t, "para in span");
  S_assert_contains(t, "abcde");
  S_assert_contains(t, "unclosed bold both");
  S_assert_contains(t, "after");
  S_assert_contains(t, "stray item");
  S_assert_contains(t, "stray cell");
  S_assert_contains(t, "in table");
  S_assert_contains(t, "row text");
  S_assert_contains(t, "& <tag>");
  S_assert_contains(t, "end");
  assert_string_equal(nb_node_get_url(S_first(doc, NB_NODE_LINK)), "u");
  free(t);
  nb_doc_free(doc);
}

/* Code the feed forgot to escape keeps its tags as text; markup in code
 * (highlighters' spans) and outside code stays markup. */
static void test_unescaped_code(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "c.html",
      "<p>Use <code>List<String></code> and <foo>x</foo>.</p>"
      "<pre><code class=\"c\"><span class=\"m\">#include <stdio.h></span>\n"
      "<span>Map<K, V> m;</span>\n</code></pre>"
      "<pre><code><!DOCTYPE html>\n<body>\n  <div id=\"app\"></div>\n"
      "  <script "
      "src=\"x.js\"></script>\n</body>\n<span>kept</span></code></pre>"
      "<pre><?xml version=\"1.0\"?>\n<dependency><groupId>g</groupId>"
      "</dependency></pre><pre>a <b>bold</b> <div>c</div></pre>",
      &g);
  char *t = S_text(doc);
  (void)state;
  S_assert_contains(t, "List<String>");
  S_assert_lacks(t, "<foo>");
  S_assert_contains(t, "#include <stdio.h>");
  S_assert_contains(t, "Map<K, V> m;");
  S_assert_contains(t, "<!DOCTYPE html>\n<body>\n  <div id=\"app\"></div>\n"
                       "  <script src=\"x.js\"></script>\n</body>\nkept");
  S_assert_contains(t, "<?xml version=\"1.0\"?>\n<dependency><groupId>g"
                       "</groupId></dependency>");
  /* only a highlighter's markup is markup in code */
  S_assert_contains(t, "a bold <div>c</div>");
  S_assert_lacks(t, "<b>");
  assert_int_equal(S_count(doc, NB_NODE_CODE_BLOCK), 4);
  free(t);
  nb_doc_free(doc);
}

static void test_structure(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "t.html",
      "<h2>Title</h2><ol start=\"3\"><li>x</li></ol><table><thead><tr>"
      "<th>A</th><th align=\"right\">B</th></tr></thead><tr><td colspan=2>"
      "c</td></tr></table><figure><img data-src=\"real.jpg\" "
      "src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"><figcaption>Cap"
      "</figcaption></figure><p><img src=\"alone.png\"></p><pre "
      "class=\"language-c\">int  x;\n<b>y</b></pre><p>a<br>b</p>"
      "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby><hr>",
      &g);
  nb_node *n;
  (void)state;
  n = S_first(doc, NB_NODE_HEADING);
  assert_int_equal(nb_node_get_heading_level(n), 2);
  n = S_first(doc, NB_NODE_LIST);
  assert_int_equal(nb_node_get_list_ordered(n), 1);
  assert_int_equal(nb_node_get_list_start(n), 3);
  n = S_first(doc, NB_NODE_TABLE_ROW);
  assert_int_equal(nb_node_get_header(n), 1);
  n = nb_node_last_child(n);
  assert_int_equal(nb_node_get_align(n), NB_ALIGN_RIGHT);
  n = S_first(doc, NB_NODE_TABLE_CELL);
  n = nb_node_first_child(
      nb_node_last_child(nb_node_parent(nb_node_parent(n))));
  assert_int_equal(nb_node_get_colspan(n), 2);
  assert_int_equal(S_count(doc, NB_NODE_FIGURE), 2);
  assert_int_equal(S_count(doc, NB_NODE_CAPTION), 1);
  n = S_first(doc, NB_NODE_IMAGE);
  assert_string_equal(nb_node_get_url(n), "real.jpg");
  n = S_first(doc, NB_NODE_CODE_BLOCK);
  assert_string_equal(nb_node_get_literal(n), "int  x;\ny");
  assert_string_equal(nb_node_get_info(n), "c");
  assert_int_equal(S_count(doc, NB_NODE_LINEBREAK), 1);
  assert_int_equal(S_count(doc, NB_NODE_RUBY_TEXT), 1);
  assert_int_equal(S_count(doc, NB_NODE_RULE), 1);
  nb_doc_free(doc);
}

static void test_cjk_whitespace_html(void **state) {
  diags g = {0};
  nb_doc *doc =
      S_read("w.html", "<p>  中文\n  中文 English\nword  中文 中文 </p>", &g);
  char *t = S_text(doc);
  (void)state;
  /* A line break between CJK characters vanishes; a typed space stays. */
  assert_string_equal(t, "中文中文 English word 中文 中文");
  free(t);
  nb_doc_free(doc);
}

/* Deep nesting: no crash, no stack growth, text kept, one warning. */
static void test_deep_nesting(void **state) {
  static const char *const open[] = {"<div>", "<b>", "<ul><li>",
                                     "<table><tr><td>", "<blockquote>"};
  size_t k;
  (void)state;
  for (k = 0; k < sizeof open / sizeof *open; k++) {
    nb_buf b = NB_BUF_INIT;
    diags g = {0};
    nb_diag dg = {NB_DIAG_ABI_VERSION, S_report, &g};
    nb_error err;
    nb_doc *doc;
    char *t;
    int i;
    clock_t t0 = clock();
    for (i = 0; i < 100000; i++) {
      nb_buf_puts(&b, open[k]);
      if (i % 1000 == 0)
        nb_buf_puts(&b, "x");
    }
    nb_buf_puts(&b, "deep text");
    doc = nb_read_html("deep.html", b.data, b.len, NULL, &dg, &err);
    assert_non_null(doc);
    t = S_text(doc);
    S_assert_contains(t, "deep text");
    assert_int_equal((int)(strlen(t) - strlen("deep text")), 100);
    assert_int_equal(g.count, 2); /* flattened; no title */
    fprintf(stderr, "  %s x 100000: %.2f s\n", open[k],
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(t);
    nb_doc_free(doc);
    nb_buf_free(&b);
  }
}

/* A <table> straight inside a <table> opens a row and a cell as well: the
 * depth limit holds for the model, not only for elements, so that the XHTML
 * written from it stays within what XML parsers accept. */
static void test_model_depth(void **state) {
  nb_buf b = NB_BUF_INIT;
  diags g = {0};
  nb_diag dg = {NB_DIAG_ABI_VERSION, S_report, &g};
  nb_error err;
  nb_doc *doc;
  nb_iter *it;
  nb_event ev;
  int i, depth = 0, max = 0;
  char *t;
  (void)state;
  for (i = 0; i < 10000; i++)
    nb_buf_puts(&b, "<table>");
  nb_buf_puts(&b, "nested text");
  doc = nb_read_html("tables.html", b.data, b.len, NULL, &dg, &err);
  assert_non_null(doc);
  it = nb_iter_new(nb_doc_root(doc));
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev != NB_EVENT_ENTER)
      continue;
    for (depth = 0; n; n = nb_node_parent(n))
      depth++;
    if (depth > max)
      max = depth;
  }
  nb_iter_free(it);
  assert_true(max <= 96 + 8); /* + implicit row, cell, paragraph, text */
  t = S_text(doc);
  S_assert_contains(t, "nested text");
  free(t);
  nb_doc_free(doc);
  nb_buf_free(&b);
}

/* LeetCode's slideshow marker becomes a placeholder that keeps it; text
 * that merely looks like one stays text. */
static void test_embed_marker(void **state) {
  static const char *const not_markers[] = {"<p>!?!x!?!</p>",
                                            "<p>see !?!a/b.json:1,2!?!</p>",
                                            "<p>!?!a b.json:1,2!?!</p>",
                                            "<p>!?!a.json:1,x!?!</p>",
                                            "<p>!?!<b>a.json:1,2</b>!?!</p>",
                                            "<p>!?!a.json:1,2!?! tail</p>"};
  diags g = {0};
  nb_doc *doc;
  nb_node *fig, *img;
  char *t;
  size_t k;
  (void)state;
  doc = S_read("lc.md",
               "---\ntitle: LC\n---\n\n<p>before</p>\n"
               "<p>!?!../Documents/105_LIS.json:1008,542!?!</p>\n"
               "<p>after</p>\n",
               &g);
  assert_int_equal(S_count(doc, NB_NODE_IMAGE), 1);
  fig = S_first(doc, NB_NODE_FIGURE);
  img = S_first(doc, NB_NODE_IMAGE);
  assert_non_null(fig);
  assert_ptr_equal(nb_node_parent(img), fig);
  assert_null(nb_node_get_url(img));
  S_assert_contains(nb_node_get_alt(img),
                    "!?!../Documents/105_LIS.json:1008,542!?!");
  assert_true(nb_node_get_alt(img)[0] != '!');
  assert_int_equal(nb_node_get_line(img), 6);
  assert_int_equal(g.count, 1);
  assert_string_equal(g.last_kind, "image");
  S_assert_contains(g.last, "../Documents/105_LIS.json");
  t = S_text(doc);
  S_assert_contains(t, "before");
  S_assert_contains(t, "after");
  free(t);
  nb_doc_free(doc);
  for (k = 0; k < sizeof not_markers / sizeof *not_markers; k++) {
    diags h = {0};
    doc = S_read("x.html", not_markers[k], &h);
    assert_int_equal(S_count(doc, NB_NODE_IMAGE), 0);
    t = S_text(doc);
    S_assert_contains(t, "!?!");
    free(t);
    nb_doc_free(doc);
  }
}

/* Lists and anchors past any real front matter: capped and reported, and
 * fast (libyaml's alias lookup is quadratic in the anchors). */
static void test_front_matter_limits(void **state) {
  nb_buf b = NB_BUF_INIT;
  diags g = {0};
  nb_doc *doc;
  int i;
  clock_t t0 = clock();
  (void)state;
  nb_buf_puts(&b, "---\ntitle: many\ncategories:\n");
  for (i = 0; i < 1000; i++)
    nb_buf_printf(&b, " - c%d\n", i);
  nb_buf_puts(&b, "---\n\nbody\n");
  doc = S_read("cats.md", b.data, &g);
  assert_int_equal((int)nb_doc_category_count(doc), 256);
  assert_string_equal(nb_doc_category(doc, 255), "c255");
  assert_int_equal(g.count, 1);
  S_assert_contains(g.last, "256");
  nb_doc_free(doc);
  nb_buf_free(&b);

  memset(&g, 0, sizeof g);
  nb_buf_puts(&b, "---\ntitle: anchors\n");
  for (i = 0; i < 20000; i++)
    nb_buf_printf(&b, "k%d: &a%d v\nr%d: *a%d\n", i, i, i, i);
  nb_buf_puts(&b, "---\n\nbody\n");
  doc = S_read("anchors.md", b.data, &g);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "anchors");
  S_assert_contains(g.last, "anchors");
  assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
  nb_doc_free(doc);
  nb_buf_free(&b);
}

/* ## Markdown bodies */

static void test_markdown(void **state) {
  diags g = {0};
  nb_doc *doc = S_read(
      "m.md",
      "---\ntitle: md\n---\n# 标题\n\n中文第一行\n中文第二行\nand English\n\n"
      "| a | b |\n|:--|--:|\n| 1 | ~~2~~ |\n\n```go\nfmt.Println()\n```\n\n"
      "- *em* and **strong**\n- <span>raw <b>html</b></span>\n\n"
      "<div>block html</div>\n\n![图表](img.png \"t\")\n",
      &g);
  char *t = S_text(doc);
  nb_node *n;
  (void)state;
  S_assert_contains(t, "中文第一行中文第二行 and English");
  S_assert_contains(t, "raw html");
  S_assert_contains(t, "block html");
  assert_int_equal(S_count(doc, NB_NODE_TABLE), 1);
  assert_int_equal(S_count(doc, NB_NODE_TABLE_CELL), 4);
  assert_int_equal(S_count(doc, NB_NODE_STRIKE), 1);
  n = S_first(doc, NB_NODE_CODE_BLOCK);
  assert_string_equal(nb_node_get_info(n), "go");
  assert_string_equal(nb_node_get_literal(n), "fmt.Println()");
  assert_int_equal(S_count(doc, NB_NODE_FIGURE), 1);
  n = S_first(doc, NB_NODE_IMAGE);
  assert_string_equal(nb_node_get_alt(n), "图表");
  assert_string_equal(nb_node_get_title(n), "t");
  assert_int_equal(S_count(doc, NB_NODE_HEADING), 1);
  free(t);
  nb_doc_free(doc);
}

/* ## Feeds */

typedef struct items {
  int n;
  char first_title[256];
  int dated;
} items;

static int S_item(void *ud, nb_doc *doc) {
  items *it = ud;
  if (it->n++ == 0)
    snprintf(it->first_title, sizeof it->first_title, "%s",
             nb_doc_get_meta(doc, "title"));
  if (nb_doc_get_date(doc).valid)
    it->dated++;
  nb_doc_free(doc);
  return 0;
}

static int S_feed_file(const char *name, items *it) {
  char path[1024];
  char *data;
  size_t len;
  nb_error err;
  int rc;
  snprintf(path, sizeof path, "%s/corpus/feeds/%s", NB_SHARED, name);
  assert_int_equal(nb_read_file(path, 0, &data, &len, &err), 0);
  assert_true(nb_is_feed(data, len));
  rc = nb_read_feed(path, data, len, NULL, NULL, S_item, it, &err);
  free(data);
  return rc;
}

static void test_feeds(void **state) {
  items it;
  nb_error err;
  (void)state;
  memset(&it, 0, sizeof it);
  assert_int_equal(S_feed_file("001-rsshub-rss2-bilibili-user-video.xml", &it),
                   10);
  assert_int_equal(it.n, 10);
  assert_int_equal(it.dated, 10);
  S_assert_contains(it.first_title, "BLEACH");
  memset(&it, 0, sizeof it);
  assert_int_equal(S_feed_file("002-jekyll-atom-empty-feed.xml", &it), 0);
  assert_false(nb_is_feed("---\ntitle: x\n---\n", 18));
  assert_false(nb_is_feed("<html><body>", 12));
  {
    const char *f = "<?xml version=\"1.0\"?>\n<!-- c -->\n<feed>";
    assert_true(nb_is_feed(f, strlen(f)));
  }
  assert_true(
      nb_read_feed("x.xml", "<html/>", 7, NULL, NULL, S_item, &it, &err) < 0);
}

static int S_keep(void *ud, nb_doc *doc) {
  nb_doc **slot = ud;
  if (*slot)
    nb_doc_free(*slot);
  *slot = doc;
  return 0;
}

/* An Atom entry: fields, HTML content, and an internal entity that must
 * not be expanded. */
static void test_atom_entry(void **state) {
  static const char atom[] =
      "<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY x \"EXPANDED\">]>"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>E1</title>"
      "<link rel=\"alternate\" href=\"https://e/1\"/><published>"
      "2022-08-10T12:38:31+08:00</published><author><name>Ann</name>"
      "</author><category term=\"tech\"/><content type=\"html\">&lt;p&gt;"
      "Hello &x;&lt;/p&gt;</content></entry></feed>";
  nb_doc *doc = NULL;
  nb_error err;
  char *t;
  (void)state;
  assert_int_equal(nb_read_feed("a.xml", atom, sizeof atom - 1, NULL, NULL,
                                S_keep, &doc, &err),
                   1);
  assert_non_null(doc);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "E1");
  assert_string_equal(nb_doc_get_meta(doc, "source"), "https://e/1");
  assert_int_equal(nb_doc_get_date(doc).utc, 1660106311);
  assert_string_equal(nb_doc_author(doc, 0), "Ann");
  assert_string_equal(nb_doc_category(doc, 0), "tech");
  assert_int_equal(S_count(doc, NB_NODE_PARAGRAPH), 1);
  t = S_text(doc);
  S_assert_contains(t, "Hello");
  S_assert_lacks(t, "EXPANDED");
  free(t);
  nb_doc_free(doc);
}

/* ## The tree writer */

static void test_tree_writer(void **state) {
  diags g = {0};
  nb_doc *doc =
      S_read("t.md", "---\ntitle: \"q\\\"t\"\n---\n<p>a\tb<br>c</p>", &g);
  nb_book *book = nb_book_new();
  nb_error err;
  char path[] = "/tmp/nb-tree-XXXXXX";
  char *data;
  size_t len;
  int fd = mkstemp(path);
  (void)state;
  assert_true(fd >= 0);
  close(fd);
  assert_true(nb_book_add_doc(book, doc));
  assert_int_equal(nb_write_tree(book, NULL, path, NULL, &err), 0);
  assert_int_equal(nb_read_file(path, 0, &data, &len, &err), 0);
  assert_string_equal(data, "meta title \"q\\\"t\"\nmeta lang \"en\"\n"
                            "document\n  paragraph\n    text \"a b\"\n"
                            "    linebreak\n    text \"c\"\n");
  free(data);
  unlink(path);
  nb_book_free(book);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus_titles),
      cmocka_unit_test(test_corpus_empty_title),
      cmocka_unit_test(test_corpus_metadata),
      cmocka_unit_test(test_front_matter_cases),
      cmocka_unit_test(test_front_matter_fields),
      cmocka_unit_test(test_title_fallback),
      cmocka_unit_test(test_front_matter_links),
      cmocka_unit_test(test_byline_route),
      cmocka_unit_test(test_tags_named_in_prose),
      cmocka_unit_test(test_image_description_report),
      cmocka_unit_test(test_tag_passes_linear),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_input_limit),
      cmocka_unit_test(test_chrome_dropped),
      cmocka_unit_test(test_tag_soup),
      cmocka_unit_test(test_unescaped_code),
      cmocka_unit_test(test_structure),
      cmocka_unit_test(test_cjk_whitespace_html),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_model_depth),
      cmocka_unit_test(test_embed_marker),
      cmocka_unit_test(test_front_matter_limits),
      cmocka_unit_test(test_markdown),
      cmocka_unit_test(test_feeds),
      cmocka_unit_test(test_atom_entry),
      cmocka_unit_test(test_tree_writer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
