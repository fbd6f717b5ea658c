/* EPUB writer tests: a book built in C through the model API (Chinese
 * text, headings, lists, tables, code, figures, placeholders, links of every
 * kind, sections, a cover), written and read back: the zip layout, the
 * package metadata, the XHTML, and byte-identical output on a second run.
 * With NB_EPUB_SAMPLE=PATH set, the sample book is also written to PATH (the
 * e2e script runs the EPUB checkers on it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <zip.h>

#include "newsbook/book.h"
#include "newsbook/doc.h"
#include "newsbook/reader.h"
#include "newsbook/resource.h"
#include "newsbook/writer.h"
#include "util/util.h"

static const unsigned char S_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
    0x01, 0x03, 0x00, 0x00, 0x00, 0x48, 0x78, 0x9f, 0x67, 0x00, 0x00, 0x00,
    0x03, 0x50, 0x4c, 0x54, 0x45, 0xff, 0x00, 0x00, 0x19, 0xe2, 0x09, 0x37,
    0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x60,
    0x60, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x27, 0x34, 0x27, 0x0a,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
static const unsigned char S_jpg[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
    0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
    0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10, 0x0e, 0x0d, 0x0e, 0x12,
    0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
    0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40,
    0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51,
    0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79, 0x70, 0x64,
    0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x11, 0x12,
    0x12, 0x18, 0x15, 0x18, 0x2f, 0x1a, 0x1a, 0x2f, 0x63, 0x42, 0x38, 0x42,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
    0x15, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0xff, 0xc4, 0x00, 0x14,
    0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x15, 0x01, 0x01,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x04, 0x06, 0xff, 0xc4, 0x00, 0x14, 0x11, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11,
    0x03, 0x11, 0x00, 0x3f, 0x00, 0x8d, 0x01, 0x78, 0x2b, 0xff, 0xd9};

#include "font/hbsubset.h"
#include "write/epub/epub.h"

static nb_resource S_res_png, S_res_jpg, S_res_missing, S_res_webp;
static int S_warnings;

static void S_init_resources(void) {
  memset(&S_res_png, 0, sizeof S_res_png);
  S_res_png.url = "https://img.example.com/a.png";
  S_res_png.status = NB_RES_OK;
  S_res_png.origin = "mirror";
  S_res_png.data = S_png;
  S_res_png.size = sizeof S_png;
  S_res_png.media_type = "image/png";
  S_res_png.ext = "png";
  S_res_png.width = S_res_png.height = 2;
  snprintf(S_res_png.id, sizeof S_res_png.id, "img-0123456789abcdef");
  S_res_jpg = S_res_png;
  S_res_jpg.url = "https://img.example.com/cover.png"; /* really a JPEG */
  S_res_jpg.data = S_jpg;
  S_res_jpg.size = sizeof S_jpg;
  S_res_jpg.media_type = "image/jpeg";
  S_res_jpg.ext = "jpg";
  snprintf(S_res_jpg.id, sizeof S_res_jpg.id, "img-fedcba9876543210");
  memset(&S_res_missing, 0, sizeof S_res_missing);
  S_res_missing.url = "https://img.example.com/gone.jpg";
  S_res_missing.status = NB_RES_MISSING;
  S_res_missing.reason = "not in the mirror";
  S_res_webp = S_res_png;
  S_res_webp.url = "https://img.example.com/w.webp";
  S_res_webp.media_type = "image/webp";
  S_res_webp.ext = "webp";
  snprintf(S_res_webp.id, sizeof S_res_webp.id, "img-webp0000");
}

static void S_report(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (d->severity >= NB_SEV_WARNING)
    S_warnings++;
}

static const nb_diag S_diag = {NB_DIAG_ABI_VERSION, S_report, NULL};

static nb_node *S_add(nb_node *parent, nb_node_type type) {
  nb_node *n = nb_node_new(nb_node_get_doc(parent), type);
  assert_non_null(n);
  assert_int_equal(nb_node_append_child(parent, n), 1);
  return n;
}

static nb_node *S_text(nb_node *parent, const char *s) {
  nb_node *n = S_add(parent, NB_NODE_TEXT);
  assert_int_equal(nb_node_set_literal(n, s, strlen(s)), 1);
  return n;
}

static nb_node *S_para(nb_node *parent, const char *s) {
  nb_node *p = S_add(parent, NB_NODE_PARAGRAPH);
  S_text(p, s);
  return p;
}

static nb_node *S_image(nb_node *parent, const char *url, const char *alt,
                        const nb_resource *res) {
  nb_node *i = S_add(parent, NB_NODE_IMAGE);
  nb_node_set_url(i, url);
  if (alt)
    nb_node_set_alt(i, alt);
  nb_node_set_resource(i, res);
  return i;
}

static void S_meta(nb_doc *d, const char *title, const char *date,
                   const char *cat) {
  nb_doc_set_meta(d, "title", title);
  nb_doc_set_meta(d, "lang", "zh-CN");
  nb_doc_set_meta(d, "date", date);
  nb_doc_set_date(d, nb_date_parse(date));
  nb_doc_add_author(d, "财联社");
  nb_doc_add_category(d, "金融");
  nb_doc_add_category(d, cat);
}

/* The rich article: one of every construct the writer knows. */
static nb_doc *S_doc_full(void) {
  nb_doc *d = nb_doc_new();
  nb_node *root, *h, *p, *l, *it, *t, *r, *c, *f, *cap, *a, *q, *cb, *e;
  assert_non_null(d);
  root = nb_doc_root(d);
  S_meta(d, "英伟达GPU：算力竞赛 <新> & \"旧\"",
         "Wed, 10 Aug 2022 12:38:31 GMT", "财联社");
  nb_doc_set_meta(d, "source", "https://www.cls.cn/detail/1095123");
  nb_doc_set_meta(d, "description", "一篇测试文章");
  S_para(root, "财联社8月10日讯，\x01控制字符\x7f之后的文字。");
  h = S_add(root, NB_NODE_HEADING);
  nb_node_set_heading_level(h, 2);
  S_text(h, "第一部分");
  p = S_add(root, NB_NODE_PARAGRAPH);
  S_text(p, "正文有");
  e = S_add(p, NB_NODE_STRONG);
  S_text(e, "加粗");
  e = S_add(p, NB_NODE_EMPH);
  S_text(e, "强调");
  e = S_add(p, NB_NODE_CODE);
  nb_node_set_literal(e, "x < y", 5);
  a = S_add(p, NB_NODE_LINK);
  nb_node_set_url(a, "https://example.com/路径 空格?q=1#frag#more");
  S_text(a, "外部链接");
  a = S_add(p, NB_NODE_LINK);
  nb_node_set_url(a, "javascript:alert(1)");
  S_text(a, "脚本链接");
  a = S_add(p, NB_NODE_LINK);
  nb_node_set_url(a, "#nb-h1");
  S_text(a, "跳到第一部分");
  a = S_add(p, NB_NODE_LINK);
  nb_node_set_url(a, "#nowhere");
  S_text(a, "断开的锚点");
  a = S_add(p, NB_NODE_LINK);
  nb_node_set_url(a, "/relative/page.html");
  S_text(a, "相对链接");
  S_add(p, NB_NODE_LINEBREAK);
  e = S_add(p, NB_NODE_SUP);
  S_text(e, "1");
  S_image(p, "https://img.example.com/gone.jpg", "丢失的图", &S_res_missing);
  S_image(p, "https://img.example.com/never.jpg", NULL, NULL);
  S_image(p, "https://img.example.com/w.webp", "", &S_res_webp);
  S_image(p, "https://img.example.com/a.png", "内联图", &S_res_png);

  l = S_add(root, NB_NODE_LIST);
  nb_node_set_list(l, 1, 3);
  it = S_add(l, NB_NODE_ITEM);
  S_para(it, "第三项");
  it = S_add(l, NB_NODE_ITEM);
  S_para(it, "第四项");
  l = S_add(it, NB_NODE_LIST);
  nb_node_set_list(l, 0, 1);
  it = S_add(l, NB_NODE_ITEM);
  S_para(it, "嵌套项目");

  t = S_add(root, NB_NODE_TABLE);
  r = S_add(t, NB_NODE_TABLE_ROW);
  nb_node_set_header(r, 1);
  c = S_add(r, NB_NODE_TABLE_CELL);
  nb_node_set_header(c, 1);
  S_para(c, "公司");
  c = S_add(r, NB_NODE_TABLE_CELL);
  nb_node_set_header(c, 1);
  nb_node_set_align(c, NB_ALIGN_RIGHT);
  S_para(c, "市值");
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_para(c, "英伟达");
  c = S_add(r, NB_NODE_TABLE_CELL);
  nb_node_set_align(c, NB_ALIGN_RIGHT);
  S_para(c, "4000亿");
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  nb_node_set_colspan(c, 2);
  S_para(c, "合计");

  cb = S_add(root, NB_NODE_CODE_BLOCK);
  nb_node_set_info(cb, "c extra");
  nb_node_set_literal(cb, "int main(void) {\n  return 0 < 1;\n}\n", 34);

  f = S_add(root, NB_NODE_FIGURE);
  S_image(f, "https://img.example.com/a.png", "图一", &S_res_png);
  cap = S_add(f, NB_NODE_CAPTION);
  S_text(cap, "图一：芯片");
  f = S_add(root, NB_NODE_FIGURE);
  S_image(f, "https://img.example.com/gone.jpg", NULL, &S_res_missing);

  q = S_add(root, NB_NODE_BLOCKQUOTE);
  S_para(q, "引用的话。");
  S_add(root, NB_NODE_RULE);
  h = S_add(root, NB_NODE_HEADING);
  nb_node_set_heading_level(h, 1);
  S_text(h, "结语");
  p = S_add(root, NB_NODE_PARAGRAPH);
  e = S_add(p, NB_NODE_RUBY);
  S_text(e, "漢");
  e = S_add(e, NB_NODE_RUBY_TEXT);
  S_text(e, "han");
  e = S_add(p, NB_NODE_RUBY); /* no annotation: not a <ruby> */
  S_text(e, "无注");
  f = S_add(root, NB_NODE_FIGURE); /* caption first: not a <figcaption> */
  cap = S_add(f, NB_NODE_CAPTION);
  S_text(cap, "前置图注");
  S_image(f, "https://img.example.com/a.png", "图二", &S_res_png);
  return d;
}

static nb_doc *S_doc_simple(const char *title, const char *date,
                            const char *cat) {
  nb_doc *d = nb_doc_new();
  assert_non_null(d);
  S_meta(d, title, date, cat);
  S_para(nb_doc_root(d), "这是一篇短文章的正文，用来测试目录。");
  return d;
}

static char *S_tmp(const char *name) {
  static char buf[4][512];
  static int k;
  char *b = buf[k++ % 4];
  const char *dir = getenv("TMPDIR");
  snprintf(b, 512, "%s/nb-test-epub-%ld-%s", dir && *dir ? dir : "/tmp",
           (long)getpid(), name);
  return b;
}

static unsigned char *S_zip_read(zip_t *za, const char *name, size_t *len) {
  zip_stat_t st;
  zip_file_t *zf;
  unsigned char *buf;
  if (zip_stat(za, name, 0, &st) < 0)
    return NULL;
  buf = malloc((size_t)st.size + 1);
  assert_non_null(buf);
  zf = zip_fopen(za, name, 0);
  assert_non_null(zf);
  assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
  zip_fclose(zf);
  buf[st.size] = 0;
  if (len)
    *len = (size_t)st.size;
  return buf;
}

static nb_book *S_single_book(void) {
  nb_book *b = nb_book_new();
  assert_non_null(b);
  assert_int_equal(nb_book_add_doc(b, S_doc_full()), 1);
  nb_book_set_cover(b, &S_res_jpg);
  nb_book_finish(b);
  return b;
}

static nb_book *S_sections_book(void) {
  nb_book *b = nb_book_new();
  assert_non_null(b);
  nb_book_set_meta(b, "title", "财联社周刊");
  nb_book_set_meta(b, "lang", "zh-CN");
  nb_book_add_section(b, "半导体");
  nb_book_add_doc(b, S_doc_full());
  nb_book_add_doc(
      b, S_doc_simple("第二篇：存储", "2022-08-11 09:00:00", "半导体"));
  nb_book_add_section(b, "外汇");
  nb_book_add_doc(
      b, S_doc_simple("第三篇：里拉", "2022-08-12T10:00:00+08:00", "外汇"));
  nb_book_add_section(b, "空的栏目");
  nb_book_finish(b);
  return b;
}

static int S_write(const nb_book *b, const char *cover_mode, const char *path) {
  nb_write_options o;
  nb_error err;
  int rc;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  o.cover_mode = cover_mode;
  rc = nb_write_epub(b, &o, path, &S_diag, &err);
  if (rc != 0)
    print_error("nb_write_epub: %s\n", err.message);
  return rc;
}

static char *S_xpath(xmlDocPtr x, const char *expr) {
  xmlXPathContextPtr ctx = xmlXPathNewContext(x);
  xmlXPathObjectPtr o;
  char *s;
  xmlXPathRegisterNs(ctx, BAD_CAST "opf",
                     BAD_CAST "http://www.idpf.org/2007/opf");
  xmlXPathRegisterNs(ctx, BAD_CAST "dc",
                     BAD_CAST "http://purl.org/dc/elements/1.1/");
  xmlXPathRegisterNs(ctx, BAD_CAST "h",
                     BAD_CAST "http://www.w3.org/1999/xhtml");
  xmlXPathRegisterNs(ctx, BAD_CAST "ncx",
                     BAD_CAST "http://www.daisy.org/z3986/2005/ncx/");
  xmlXPathRegisterNs(ctx, BAD_CAST "epub",
                     BAD_CAST "http://www.idpf.org/2007/ops");
  o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
  assert_non_null(o);
  s = (char *)xmlXPathCastToString(o);
  xmlXPathFreeObject(o);
  xmlXPathFreeContext(ctx);
  return s;
}

static void S_expect(xmlDocPtr x, const char *expr, const char *want) {
  char *got = S_xpath(x, expr);
  if (strcmp(got, want) != 0)
    print_error("%s: got \"%s\", want \"%s\"\n", expr, got, want);
  assert_string_equal(got, want);
  xmlFree(got);
}

static xmlDocPtr S_parse(zip_t *za, const char *name) {
  size_t len;
  unsigned char *data = S_zip_read(za, name, &len);
  xmlDocPtr x;
  assert_non_null(data);
  x = xmlReadMemory((const char *)data, (int)len, name, NULL, XML_PARSE_NONET);
  if (!x)
    print_error("%s is not well-formed XML\n", name);
  assert_non_null(x);
  free(data);
  return x;
}

/* mimetype first and stored, no extra fields anywhere, fixed times. */
static void S_check_zip_layout(zip_t *za) {
  zip_stat_t st;
  zip_int64_t i, n = zip_get_num_entries(za, 0);
  size_t len;
  unsigned char *mt;
  assert_true(n > 5);
  assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
  assert_string_equal(st.name, "mimetype");
  assert_int_equal(st.comp_method, ZIP_CM_STORE);
  mt = S_zip_read(za, "mimetype", &len);
  assert_int_equal(len, 20);
  assert_memory_equal(mt, "application/epub+zip", 20);
  free(mt);
  for (i = 0; i < n; i++) {
    assert_int_equal(
        zip_file_extra_fields_count(za, (zip_uint64_t)i, ZIP_FL_LOCAL), 0);
    assert_int_equal(
        zip_file_extra_fields_count(za, (zip_uint64_t)i, ZIP_FL_CENTRAL), 0);
  }
}

static void test_single_article(void **state) {
  nb_book *b;
  const char *path = S_tmp("single.epub");
  zip_t *za;
  int zerr;
  xmlDocPtr opf, ch, nav;
  size_t len;
  char *xhtml;
  (void)state;
  S_warnings = 0;
  b = S_single_book();
  assert_int_equal(S_write(b, NULL, path), 0);
  /* the unresolved image and the WebP one are reported by the writer */
  assert_int_equal(S_warnings, 2);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  S_check_zip_layout(za);

  opf = S_parse(za, "OEBPS/content.opf");
  S_expect(opf, "string(/opf:package/@version)", "3.0");
  S_expect(opf, "string(//dc:title)", "英伟达GPU：算力竞赛 <新> & \"旧\"");
  S_expect(opf, "string(//dc:language)", "zh-CN");
  S_expect(opf, "string(//dc:creator)", "财联社");
  S_expect(opf, "string(//dc:date)", "2022-08-10T12:38:31Z");
  S_expect(opf, "string(count(//dc:subject))", "2");
  S_expect(opf, "string(//dc:subject[2])", "财联社");
  S_expect(opf, "string(//dc:source)", "https://www.cls.cn/detail/1095123");
  S_expect(opf, "string(//opf:meta[@property='dcterms:modified'])",
           "2022-08-10T12:38:31Z");
  S_expect(opf, "string(starts-with(//dc:identifier[@id='bookid'], 'urn:'))",
           "true");
  S_expect(opf,
           "string(count(//opf:meta[@property='schema:accessibilityHazard']))",
           "1");
  S_expect(opf, "string(count(//opf:meta[@property='schema:accessMode']))",
           "2");
  /* the cover, and the PNG used twice stored once; nothing for the missing,
   * unresolved or WebP images */
  S_expect(opf, "string(count(//opf:item[starts-with(@href,'images/')]))", "2");
  S_expect(opf, "string(//opf:item[@properties='cover-image']/@href)",
           "images/img-fedcba9876543210.jpg");
  S_expect(opf, "string(//opf:item[@properties='cover-image']/@media-type)",
           "image/jpeg");
  S_expect(opf, "string(//opf:meta[@name='cover']/@content)",
           "img-fedcba9876543210");
  S_expect(
      opf,
      "string(//opf:item[@href='images/img-0123456789abcdef.png']/@media-type)",
      "image/png");
  S_expect(opf, "string(//opf:item[@properties='nav']/@href)", "nav.xhtml");
  S_expect(opf, "string(//opf:spine/@toc)", "ncx");
  S_expect(opf, "string(//opf:spine/opf:itemref[1]/@idref)", "cover");
  S_expect(opf, "string(//opf:spine/opf:itemref[2]/@idref)", "ch0001");
  S_expect(opf, "string(count(//opf:spine/opf:itemref))", "2");
  xmlFreeDoc(opf);

  ch = S_parse(za, "OEBPS/chapter-0001.xhtml");
  S_expect(ch, "string(/h:html/@xml:lang)", "zh-CN");
  S_expect(ch, "string(/h:html/@lang)", "zh-CN");
  S_expect(ch, "string(//h:h1)", "英伟达GPU：算力竞赛 <新> & \"旧\"");
  S_expect(ch, "string(//h:p[@class='byline'])", "财联社");
  S_expect(ch, "string(//h:time/@datetime)", "2022-08-10T12:38:31Z");
  S_expect(ch, "string(//h:p[@class='source']/h:a/@href)",
           "https://www.cls.cn/detail/1095123");
  S_expect(ch, "string(//h:h2[1]/@id)", "nb-h1");
  S_expect(ch, "string(//h:h2[2])", "结语");
  S_expect(ch, "string(count(//h:h3))", "0");
  S_expect(ch, "string(//h:a[.='跳到第一部分']/@href)", "#nb-h1");
  S_expect(ch, "string(count(//h:a[.='脚本链接']))", "0");
  S_expect(ch, "string(count(//h:a[.='断开的锚点']))", "0");
  S_expect(ch, "string(count(//h:a[.='相对链接']))", "0");
  S_expect(ch, "string(//h:a[.='外部链接']/@href)",
           "https://example.com/"
           "%E8%B7%AF%E5%BE%84%20%E7%A9%BA%E6%A0%BC?q=1#frag%23more");
  S_expect(ch, "string(count(//h:*[@class='placeholder']))", "4");
  S_expect(ch, "string(//h:span[@class='placeholder'][1])", "图片无法显示：丢失的图");
  S_expect(ch, "string(//h:span[@class='placeholder'][2])", "图片无法显示");
  S_expect(ch, "string(//h:figure[2]/h:div[@class='placeholder']/@title)",
           "https://img.example.com/gone.jpg");
  S_expect(ch, "string(count(//h:img))", "3");
  S_expect(ch, "string(//h:figure[1]/h:img/@src)",
           "images/img-0123456789abcdef.png");
  S_expect(ch, "string(//h:figure[1]/h:figcaption)", "图一：芯片");
  S_expect(ch, "string(//h:ol/@start)", "3");
  S_expect(ch, "string(count(//h:ol/h:li[2]/h:ul/h:li))", "1");
  S_expect(ch, "string(count(//h:table/h:thead/h:tr/h:th))", "2");
  S_expect(ch, "string(count(//h:table/h:tbody/h:tr))", "2");
  S_expect(ch, "string(//h:td/@colspan)", "2");
  S_expect(ch, "string(//h:pre/h:code/@class)", "language-c");
  S_expect(ch, "string(//h:ruby/h:rt)", "han");
  S_expect(ch, "string(count(//h:ruby))", "1");
  S_expect(ch, "string(//h:figure[3]/h:div[@class='caption'])", "前置图注");
  S_expect(ch, "string(count(//h:figcaption))", "1");
  S_expect(ch, "string(count(//h:blockquote/h:p))", "1");
  xmlFreeDoc(ch);
  xhtml = (char *)S_zip_read(za, "OEBPS/chapter-0001.xhtml", &len);
  assert_null(strchr(xhtml, '\x01'));
  assert_null(strchr(xhtml, '\x7f'));
  assert_non_null(strstr(xhtml, "控制字符之后的文字"));
  assert_null(strstr(xhtml, "javascript"));
  assert_null(strstr(xhtml, "<p/>"));
  free(xhtml);

  nav = S_parse(za, "OEBPS/nav.xhtml");
  S_expect(nav, "string(count(//h:nav[@epub:type='toc']//h:a))", "1");
  S_expect(nav, "string(//h:nav[@epub:type='toc']//h:a/@href)",
           "chapter-0001.xhtml");
  S_expect(
      nav,
      "string(//h:nav[@epub:type='landmarks']//h:a[@epub:type='cover']/@href)",
      "cover.xhtml");
  xmlFreeDoc(nav);
  zip_close(za);
  unlink(path);
  nb_book_free(b);
}

static void test_sections_nav_ncx(void **state) {
  nb_book *b = S_sections_book();
  const char *path = S_tmp("sections.epub");
  zip_t *za;
  int zerr;
  xmlDocPtr x;
  (void)state;
  assert_int_equal(S_write(b, "none", path), 0);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  S_check_zip_layout(za);
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x, "string(//opf:spine/opf:itemref[1]/@idref)", "titlepage");
  S_expect(x, "string(//opf:spine/opf:itemref[2]/@idref)", "sec0001");
  S_expect(x, "string(count(//opf:spine/opf:itemref))", "7");
  S_expect(x, "string(count(//opf:item[@properties='cover-image']))", "0");
  S_expect(x, "string(count(//dc:subject))", "4");
  S_expect(x, "string(//dc:title)", "财联社周刊");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/nav.xhtml");
  S_expect(x, "string(count(//h:nav[@epub:type='toc']/h:ol/h:li))", "3");
  S_expect(x, "string(count(//h:nav[@epub:type='toc']/h:ol/h:li[1]/h:ol/h:li))",
           "2");
  S_expect(x, "string(//h:nav[@epub:type='toc']/h:ol/h:li[2]/h:ol/h:li/h:a)",
           "第三篇：里拉");
  S_expect(x, "string(//h:nav[@epub:type='toc']/h:ol/h:li[3]/h:a/@href)",
           "section-0003.xhtml");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/toc.ncx");
  S_expect(x, "string(count(//ncx:navPoint))", "6");
  S_expect(x, "string(count(/ncx:ncx/ncx:navMap/ncx:navPoint))", "3");
  S_expect(
      x,
      "string(/ncx:ncx/ncx:navMap/ncx:navPoint[1]/ncx:navPoint[2]/@playOrder)",
      "3");
  S_expect(x, "string(//ncx:meta[@name='dtb:depth']/@content)", "2");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/titlepage.xhtml");
  S_expect(x, "string(//h:h1[@class='book-title'])", "财联社周刊");
  S_expect(x, "string(//h:p[@class='book-dates'])", "2022-08-10 – 2022-08-12");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/section-0002.xhtml");
  S_expect(x, "string(//h:h1)", "外汇");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);
  nb_book_free(b);
}

static void test_deterministic(void **state) {
  nb_book *b = S_sections_book();
  const char *p1 = S_tmp("det1.epub"), *p2 = S_tmp("det2.epub");
  char *d1, *d2;
  size_t l1, l2;
  (void)state;
  nb_book_set_cover(b, &S_res_jpg);
  assert_int_equal(S_write(b, NULL, p1), 0);
  assert_int_equal(S_write(b, NULL, p2), 0);
  assert_int_equal(nb_read_file(p1, 0, &d1, &l1, NULL), 0);
  assert_int_equal(nb_read_file(p2, 0, &d2, &l2, NULL), 0);
  assert_int_equal(l1, l2);
  assert_memory_equal(d1, d2, l1);
  free(d1);
  free(d2);
  unlink(p1);
  unlink(p2);
  nb_book_free(b);
}

static void test_failure_leaves_nothing(void **state) {
  nb_book *b = S_single_book();
  nb_error err;
  (void)state;
  assert_true(nb_write_epub(b, NULL, "/nonexistent-dir/x.epub", NULL, &err) <
              0);
  assert_int_equal(access("/nonexistent-dir/x.epub", F_OK), -1);
  nb_book_free(b);
  b = nb_book_new();
  assert_true(nb_write_epub(b, NULL, S_tmp("empty.epub"), NULL, &err) < 0);
  assert_int_equal(access(S_tmp("empty.epub"), F_OK), -1);
  nb_book_free(b);
}

static void test_deep_nesting(void **state) {
  nb_book *b = nb_book_new();
  nb_doc *d = nb_doc_new();
  nb_node *n;
  const char *path = S_tmp("deep.epub");
  int i;
  (void)state;
  n = nb_doc_root(d);
  nb_doc_set_meta(d, "title", "deep");
  for (i = 0; i < 20000; i++)
    n = S_add(n, NB_NODE_BLOCKQUOTE);
  S_para(n, "底部 bottom 12");
  nb_book_add_doc(b, d);
  nb_book_finish(b);
  assert_int_equal(S_write(b, NULL, path), 0);
  {
    /* vertical text and embedded fonts walk the same depth */
    nb_write_options o;
    nb_error err;
    memset(&o, 0, sizeof o);
    o.abi_version = NB_WRITE_ABI_VERSION;
    o.vertical = o.embed_fonts = 1;
    assert_int_equal(nb_write_epub(b, &o, path, &S_diag, &err), 0);
  }
  unlink(path);
  nb_book_free(b);
}

static void test_helpers(void **state) {
  char buf[40], *s;
  (void)state;
  assert_string_equal(nb_epub_lang("zh_CN", NULL, buf, sizeof buf), "zh-CN");
  assert_string_equal(nb_epub_lang("en", NULL, buf, sizeof buf), "en");
  assert_string_equal(nb_epub_lang("zh-Hans-CN", NULL, buf, sizeof buf),
                      "zh-Hans-CN");
  assert_string_equal(nb_epub_lang("中文", "ja", buf, sizeof buf), "ja");
  assert_string_equal(nb_epub_lang("1x", "-", buf, sizeof buf), "en");
  assert_string_equal(nb_epub_lang("", NULL, buf, sizeof buf), "en");
  assert_null(nb_epub_safe_href("javascript:alert(1)"));
  assert_null(nb_epub_safe_href("file:///etc/passwd"));
  assert_null(nb_epub_safe_href("//cdn.example.com/x"));
  assert_null(nb_epub_safe_href("http://"));
  assert_null(nb_epub_safe_href("http://exa mple.com/"));
  assert_null(nb_epub_safe_href("http://例子.com/"));
  assert_null(nb_epub_safe_href("http://a.com:x/"));
  s = nb_epub_safe_href("HTTPS://Example.COM:8080/a b?x=<1>");
  assert_string_equal(s, "https://example.com:8080/a%20b?x=%3C1%3E");
  free(s);
  s = nb_epub_safe_href("http://a.com/100%/%41");
  assert_string_equal(s, "http://a.com/100%25/%41");
  free(s);
  s = nb_epub_safe_href("mailto:a@b.com");
  assert_string_equal(s, "mailto:a@b.com");
  free(s);
  {
    /* two frames, then one: only the first is animated */
    static const unsigned char frame[] = {0x2C, 0, 0, 0, 0,    1,    0, 1,
                                          0,    0, 2, 2, 0x44, 0x01, 0};
    static const unsigned char head[] = {
        'G', 'I', 'F', '8', '9', 'a',  1,    0, 1, 0, 0x80, 0, 0, 0,
        0,   0,   255, 255, 255, 0x21, 0xF9, 4, 0, 0, 0,    0, 0};
    unsigned char gif[128];
    size_t n = 0;
    memcpy(gif, head, sizeof head), n = sizeof head;
    memcpy(gif + n, frame, sizeof frame), n += sizeof frame;
    memcpy(gif + n, frame, sizeof frame), n += sizeof frame;
    gif[n++] = 0x3B;
    assert_int_equal(nb_epub_gif_animated(gif, n), 1);
    n = sizeof head + sizeof frame;
    gif[n++] = 0x3B;
    assert_int_equal(nb_epub_gif_animated(gif, n), 0);
    assert_int_equal(nb_epub_gif_animated(gif, 5), 0);
    assert_int_equal(nb_epub_gif_animated(S_png, sizeof S_png), 0);
  }
  s = nb_epub_clean_label("  a \n\t b\x02 ");
  assert_string_equal(s, "a b");
  free(s);
}

/* A one-article book written with @p opts, opened for reading. */
static zip_t *S_write_open(nb_doc *d, const nb_write_options *opts,
                           const char *path) {
  nb_book *b = nb_book_new();
  nb_error err;
  int zerr;
  zip_t *za;
  nb_book_add_doc(b, d);
  nb_book_finish(b);
  if (nb_write_epub(b, opts, path, &S_diag, &err) != 0)
    fail_msg("nb_write_epub: %s", err.message);
  nb_book_free(b);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  return za;
}

static nb_node *S_heading(nb_node *root, int level, const char *text) {
  nb_node *h = S_add(root, NB_NODE_HEADING);
  nb_node_set_heading_level(h, level);
  S_text(h, text);
  return h;
}

/* What DAISY Ace failed the writer on, checked without Ace: the nav's
 * role, headings in order under the headline, links a screen reader can
 * name, cell alignment that beats the theme, and accessibility metadata
 * that claims only what the book has. */
static void test_accessibility(void **state) {
  const char *path = S_tmp("a11y.epub");
  nb_doc *d = nb_doc_new();
  nb_node *root = nb_doc_root(d), *p, *a, *t, *r, *c;
  nb_write_options o;
  zip_t *za;
  xmlDocPtr x;
  (void)state;
  S_meta(d, "无障碍", "2022-08-10", "测试");
  /* source levels 3 5 4 2 6 6 1: none may skip below the h1 headline */
  S_heading(root, 3, "甲");
  S_heading(root, 5, "乙");
  S_heading(root, 4, "丙");
  S_heading(root, 2, "丁");
  S_heading(root, 6, "戊");
  S_heading(root, 6, "己");
  S_heading(root, 1, "庚");
  p = S_add(root, NB_NODE_PARAGRAPH);
  a = S_add(p, NB_NODE_LINK); /* a picture linking to itself: no link */
  nb_node_set_url(a, "https://img.example.com/a.png");
  S_image(a, "https://img.example.com/a.png", NULL, &S_res_png);
  a = S_add(p, NB_NODE_LINK); /* to a larger picture elsewhere: no link */
  nb_node_set_url(a, "https://cdn.example.org/big/A.JPG?x=1");
  S_image(a, "https://img.example.com/a.png", "", &S_res_png);
  a = S_add(p, NB_NODE_LINK); /* a page: named by its host */
  nb_node_set_url(a, "https://music.163.com/#/song?id=1");
  S_image(a, "https://img.example.com/a.png", "", &S_res_png);
  a = S_add(p, NB_NODE_LINK); /* ... or by its title */
  nb_node_set_url(a, "https://example.com/page");
  nb_node_set_title(a, "示例页面");
  S_image(a, "https://img.example.com/a.png", "", &S_res_png);
  a = S_add(p, NB_NODE_LINK); /* nothing in it: no link */
  nb_node_set_url(a, "https://example.com/empty");
  S_text(a, "  ");
  a = S_add(p, NB_NODE_LINK); /* text: as it is */
  nb_node_set_url(a, "https://example.com/text");
  S_text(a, "文字链接");
  t = S_add(root, NB_NODE_TABLE);
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  nb_node_set_align(c, NB_ALIGN_RIGHT);
  S_para(c, "4000亿");

  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  za = S_write_open(d, &o, path);
  x = S_parse(za, "OEBPS/chapter-0001.xhtml");
  S_expect(x, "string(//h:h1)", "无障碍");
  S_expect(x, "string(count(//h:h1))", "1");
  S_expect(x, "string(//h:*[.='甲']/@id)", "nb-h1");
  S_expect(x, "local-name(//h:*[.='甲'])", "h2");
  S_expect(x, "local-name(//h:*[.='乙'])", "h3");
  S_expect(x, "local-name(//h:*[.='丙'])", "h3");
  S_expect(x, "local-name(//h:*[.='丁'])", "h2");
  S_expect(x, "local-name(//h:*[.='戊'])", "h3");
  S_expect(x, "local-name(//h:*[.='己'])", "h3");
  S_expect(x, "local-name(//h:*[.='庚'])", "h2");
  S_expect(x, "string(count(//h:p/h:img))", "2");
  S_expect(x, "string(count(//h:a))", "3");
  S_expect(x, "string(//h:a[starts-with(@href,'https://music')]/@aria-label)",
           "music.163.com");
  S_expect(x, "string(//h:a[@href='https://example.com/page']/@aria-label)",
           "示例页面");
  S_expect(x, "string(count(//h:a[.='文字链接']/@aria-label))", "0");
  S_expect(x, "string(//h:td/@style)", "text-align: right");
  S_expect(x, "string(//h:td/h:p/@style)", "text-align: right");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/nav.xhtml");
  S_expect(x, "string(//h:nav[@epub:type='toc']/@role)", "doc-toc");
  xmlFreeDoc(x);
  /* one picture has no description: no claim, text alone not enough */
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x, "string(count(//opf:meta[@property='dcterms:conformsTo']))", "0");
  S_expect(x,
           "string(count(//opf:meta[@property='schema:accessModeSufficient']))",
           "1");
  S_expect(x, "string(//opf:meta[@property='schema:accessModeSufficient'])",
           "textual,visual");
  S_expect(x,
           "string(count(//opf:meta[@property='schema:accessibilityFeature' "
           "and .='alternativeText']))",
           "0");
  S_expect(x, "string(//opf:meta[@property='schema:accessibilityHazard'])",
           "none");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);

  /* every picture described or decorative: the claim is made */
  d = nb_doc_new();
  root = nb_doc_root(d);
  S_meta(d, "有图", "2022-08-10", "测试");
  p = S_add(root, NB_NODE_PARAGRAPH);
  S_image(p, "https://img.example.com/a.png", "芯片", &S_res_png);
  S_image(p, "https://img.example.com/a.png", "", &S_res_png);
  za = S_write_open(d, &o, path);
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x, "string(//opf:meta[@property='dcterms:conformsTo'])",
           "EPUB Accessibility 1.1 - WCAG 2.1 Level AA");
  S_expect(x,
           "string(count(//opf:meta[@property='schema:accessModeSufficient' "
           "and .='textual']))",
           "1");
  S_expect(x,
           "string(count(//opf:meta[@property='schema:accessibilityFeature' "
           "and .='alternativeText']))",
           "1");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);

  /* a placeholder word, a file name, or alt "" alone in a figure: not a
   * description, whatever the model kept */
  {
    static const char *const alts[] = {"image", "图片", "IMG_2041.JPG", ""};
    size_t k;
    for (k = 0; k < sizeof alts / sizeof alts[0]; k++) {
      nb_node *f;
      d = nb_doc_new();
      root = nb_doc_root(d);
      S_meta(d, "无描述", "2022-08-10", "测试");
      S_para(root, "正文。");
      f = S_add(root, NB_NODE_FIGURE);
      S_image(f, "https://img.example.com/a.png", alts[k], &S_res_png);
      za = S_write_open(d, &o, path);
      x = S_parse(za, "OEBPS/content.opf");
      S_expect(x, "string(count(//opf:meta[@property='dcterms:conformsTo']))",
               "0");
      xmlFreeDoc(x);
      zip_close(za);
    }
    unlink(path);
  }

  /* the same with a theme of the user's own: no claim */
  d = nb_doc_new();
  S_meta(d, "自定主题", "2022-08-10", "测试");
  S_para(nb_doc_root(d), "正文。");
  o.style_path = NB_SRCDIR "/styles/default.css";
  za = S_write_open(d, &o, path);
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x, "string(count(//opf:meta[@property='dcterms:conformsTo']))", "0");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);
}

/* An embedded video or frame, as the HTML reader gives it: a figure whose
 * image has no source (its alt says what it was) and whose caption is its
 * link. A visible placeholder with the title, and the link. */
static void test_media_placeholder(void **state) {
  const char *path = S_tmp("media.epub");
  nb_doc *d = nb_doc_new();
  nb_node *root = nb_doc_root(d), *f, *img, *cap, *a;
  nb_write_options o;
  zip_t *za;
  xmlDocPtr x;
  (void)state;
  S_meta(d, "视频", "2022-08-10", "测试");
  S_para(root, "前文。");
  f = S_add(root, NB_NODE_FIGURE);
  img = S_add(f, NB_NODE_IMAGE);
  nb_node_set_alt(img, "Video not included:\xC2\xA0发布会现场");
  cap = S_add(f, NB_NODE_CAPTION);
  a = S_add(cap, NB_NODE_LINK);
  nb_node_set_url(a, "https://tv.sohu.com/v/abc.html");
  S_text(a, "https://tv.sohu.com/v/abc.html");
  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  S_warnings = 0;
  za = S_write_open(d, &o, path);
  assert_int_equal(S_warnings, 0); /* the reader has said it already */
  x = S_parse(za, "OEBPS/chapter-0001.xhtml");
  S_expect(x, "string(//h:figure/h:div[@class='placeholder'])",
           "Video not included:\xC2\xA0发布会现场");
  S_expect(x, "string(//h:figure/h:figcaption/h:a/@href)",
           "https://tv.sohu.com/v/abc.html");
  S_expect(x, "string(count(//h:img))", "0");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);
}

/* Under a section page the headline is an h2 and the article's headings
 * start at h3. */
static void test_section_headings(void **state) {
  nb_book *b = S_sections_book();
  const char *path = S_tmp("sechead.epub");
  zip_t *za;
  int zerr;
  xmlDocPtr x;
  (void)state;
  assert_int_equal(S_write(b, "none", path), 0);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  x = S_parse(za, "OEBPS/chapter-0001.xhtml");
  S_expect(x, "string(count(//h:h1))", "0");
  S_expect(x, "string(//h:h2[@class='article-title'])",
           "英伟达GPU：算力竞赛 <新> & \"旧\"");
  S_expect(x, "local-name(//h:*[.='第一部分'])", "h3");
  S_expect(x, "local-name(//h:*[.='结语'])", "h3");
  xmlFreeDoc(x);
  x = S_parse(za, "OEBPS/section-0001.xhtml");
  S_expect(x, "string(//h:h1)", "半导体");
  xmlFreeDoc(x);
  zip_close(za);
  unlink(path);
  nb_book_free(b);
}

/* Kindle's rules the writer keeps by construction: custom properties out
 * of the CSS, a language always, a warning over the size budget. */
static void test_css_filter(void **state) {
  static const char in[] =
      ":root { --main: #333; color: red; }\n"
      "a { color: var(--main); text-decoration: underline }\n"
      "@media screen { p { --x: 1; margin: 0 } }\n"
      "p::before { content: \"--a; var(x)\"; /* --c: 1; */ }\n"
      "q { color: VAR( --y ) }\n"
      "r { /* note */ --z: 2; margin: 0 }";
  static const char want[] =
      ":root { color: red; }\n"
      "a { text-decoration: underline }\n"
      "@media screen { p { margin: 0 } }\n"
      "p::before { content: \"--a; var(x)\"; /* --c: 1; */ }\n"
      "q {}\n"
      "r { margin: 0 }";
  nb_buf out = NB_BUF_INIT;
  (void)state;
  assert_int_equal(nb_epub_css_filter(in, sizeof in - 1, &out), 5);
  nb_buf_putc(&out, '\0');
  assert_string_equal(out.data, want);
  nb_buf_free(&out);
}

static char *S_opf_text(const char *path) {
  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
  char *opf;
  assert_non_null(za);
  opf = (char *)S_zip_read(za, "OEBPS/content.opf", NULL);
  zip_close(za);
  return opf;
}

static void test_book_language(void **state) {
  const char *path = S_tmp("lang.epub");
  const char *langs[] = {"ja", "zh-TW", NULL, "zh_TW", "ja", "zh-TW"};
  nb_book *b = nb_book_new();
  nb_doc *d;
  size_t i;
  char *opf;
  (void)state;
  for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
    d = S_doc_simple("题", "2022-08-10", "类");
    nb_doc_set_meta(d, "lang", langs[i]);
    nb_book_add_doc(b, d);
  }
  /* nb_book_finish() would give the book the first article's language:
   * without it the writer decides, by majority */
  assert_int_equal(S_write(b, NULL, path), 0);
  opf = S_opf_text(path);
  assert_non_null(strstr(opf, "<dc:language>zh-TW</dc:language>"));
  free(opf);
  nb_book_free(b);
  /* no language anywhere: guessed from the text */
  b = nb_book_new();
  d = nb_doc_new();
  nb_doc_set_meta(d, "title", "Nur ein Titel");
  S_para(nb_doc_root(d), "这是一篇没有语言标记的文章。");
  nb_book_add_doc(b, d);
  assert_int_equal(S_write(b, NULL, path), 0);
  opf = S_opf_text(path);
  assert_non_null(strstr(opf, "<dc:language>zh"));
  free(opf);
  nb_book_free(b);
  unlink(path);
}

static int S_limit_warnings;
static void S_count_limits(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (d->severity == NB_SEV_WARNING && strcmp(d->kind, "limit") == 0)
    S_limit_warnings++;
}

static void test_size_budget(void **state) {
  const nb_diag diag = {NB_DIAG_ABI_VERSION, S_count_limits, NULL};
  const char *path = S_tmp("budget.epub");
  nb_book *b = S_single_book();
  nb_write_options o;
  nb_error err;
  (void)state;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  S_limit_warnings = 0;
  assert_int_equal(nb_write_epub(b, &o, path, &diag, &err), 0);
  assert_int_equal(S_limit_warnings, 0); /* under the 50 MB default */
  o.max_bytes = 1000;
  assert_int_equal(nb_write_epub(b, &o, path, &diag, &err), 0);
  assert_int_equal(S_limit_warnings, 1); /* written, and said so */
  assert_int_equal(access(path, F_OK), 0);
  unlink(path);
  nb_book_free(b);
}

/* Vertical writing: the markers Kindle, Kobo and EPUB 3 readers look for,
 * and short numbers upright in one cell; asked for by the option, the
 * book's metadata or the theme. */
static void S_vertical_doc(nb_doc *d) {
  nb_node *root = nb_doc_root(d), *t, *r, *c, *cb;
  S_meta(d, "第15屆：5G與2024年", "2022-08-10", "测试");
  nb_doc_set_meta(d, "lang", "zh-TW");
  S_para(root, "第15日，5G與2024年，3.14和1,000，共168人，H264，10:30開始，"
               "8月9日");
  t = S_add(root, NB_NODE_TABLE);
  r = S_add(t, NB_NODE_TABLE_ROW);
  c = S_add(r, NB_NODE_TABLE_CELL);
  S_para(c, "表內12");
  cb = S_add(root, NB_NODE_CODE_BLOCK);
  nb_node_set_literal(cb, "x = 42\n", 7);
}

static void S_expect_vertical(const char *path, int vertical) {
  int zerr;
  zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
  xmlDocPtr x;
  char *css;
  assert_non_null(za);
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x, "string(//opf:spine/@page-progression-direction)",
           vertical ? "rtl" : "");
  S_expect(x, "string(//opf:meta[@name='primary-writing-mode']/@content)",
           vertical ? "vertical-rl" : "");
  xmlFreeDoc(x);
  css = (char *)S_zip_read(za, "OEBPS/css/style.css", NULL);
  assert_true((strstr(css, "text-combine-upright: all") != NULL) == vertical);
  assert_true((strstr(css, "-epub-writing-mode: vertical-rl") != NULL) ==
              vertical);
  free(css);
  x = S_parse(za, "OEBPS/chapter-0001.xhtml");
  if (vertical) {
    S_expect(x, "string(count(//h:span[@class='tcy']))", "5");
    S_expect(x, "string(//h:h1/h:span[@class='tcy'])", "15");
    S_expect(x, "string(//h:body/h:p[1]/h:span[@class='tcy'][1])", "15");
    S_expect(x, "string(//h:body/h:p[1]/h:span[@class='tcy'][2])", "168");
    S_expect(x, "string(//h:body/h:p[1]/h:span[@class='tcy'][3])", "8");
    S_expect(x, "string(//h:body/h:p[1]/h:span[@class='tcy'][4])", "9");
  } else {
    S_expect(x, "string(count(//h:span))", "0");
  }
  S_expect(x, "string(count(//h:td//h:span))", "0");
  S_expect(x, "string(count(//h:pre//h:span))", "0");
  S_expect(x, "string(//h:body/h:p[1])",
           "第15日，5G與2024年，3.14和1,000，共168人，H264，10:30開始，"
           "8月9日");
  xmlFreeDoc(x);
  zip_close(za);
}

static void test_vertical(void **state) {
  const char *path = S_tmp("vertical.epub");
  const char *css_path = S_tmp("vertical-theme.css");
  nb_write_options o;
  nb_book *b;
  nb_doc *d;
  nb_error err;
  FILE *fp;
  (void)state;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  d = nb_doc_new();
  S_vertical_doc(d);
  o.vertical = 1;
  zip_close(S_write_open(d, &o, path));
  S_expect_vertical(path, 1);
  /* not asked: nothing of it */
  d = nb_doc_new();
  S_vertical_doc(d);
  o.vertical = 0;
  zip_close(S_write_open(d, &o, path));
  S_expect_vertical(path, 0);
  /* asked by the book's metadata */
  b = nb_book_new();
  d = nb_doc_new();
  S_vertical_doc(d);
  nb_book_add_doc(b, d);
  nb_book_set_meta(b, "writing-mode", "vertical-rl");
  nb_book_finish(b);
  assert_int_equal(nb_write_epub(b, &o, path, &S_diag, &err), 0);
  nb_book_free(b);
  S_expect_vertical(path, 1);
  /* asked by the theme, for the root, after a comment */
  fp = fopen(css_path, "w");
  assert_non_null(fp);
  fputs("/* a vertical theme */ html, body { -epub-writing-mode: vertical-rl; "
        "writing-mode: vertical-rl }\np { text-indent: 1em }\n",
        fp);
  fclose(fp);
  d = nb_doc_new();
  S_vertical_doc(d);
  o.style_path = css_path;
  zip_close(S_write_open(d, &o, path));
  S_expect_vertical(path, 1);
  /* ... but not for a part of the page, nor inside @media */
  fp = fopen(css_path, "w");
  assert_non_null(fp);
  fputs("pre { writing-mode: vertical-rl }\n"
        "@media print { html { writing-mode: vertical-rl } }\n",
        fp);
  fclose(fp);
  d = nb_doc_new();
  S_vertical_doc(d);
  zip_close(S_write_open(d, &o, path));
  S_expect_vertical(path, 0);
  unlink(css_path);
  unlink(path);
}

/* Embedded fonts: subsets of the theme's faces under fonts/, declared
 * with @font-face under the theme's family names, holding the book's
 * characters and not the rest of the face. Skipped without HarfBuzz's
 * subsetter or the Noto CJK faces. */
static int S_font_notes;
static void S_count_font_notes(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (d->severity == NB_SEV_NOTE && strcmp(d->kind, "font") == 0 &&
      strstr(d->message, "embedded"))
    S_font_notes++;
}

static int S_have_family(const char *family) {
  char cmd[256], out[256] = "";
  FILE *p;
  snprintf(cmd, sizeof cmd, "fc-match -f '%%{family}' '%s' 2>/dev/null",
           family);
  p = popen(cmd, "r");
  if (!p)
    return 0;
  if (!fgets(out, sizeof out, p))
    out[0] = '\0';
  pclose(p);
  return strstr(out, family) != NULL;
}

static void test_embed_fonts(void **state) {
  const nb_diag diag = {NB_DIAG_ABI_VERSION, S_count_font_notes, NULL};
  const char *path = S_tmp("fonts.epub");
  nb_doc *d = nb_doc_new();
  nb_node *root = nb_doc_root(d), *p, *e, *cb;
  nb_book *b = nb_book_new();
  nb_write_options o;
  nb_error err;
  zip_t *za;
  int zerr;
  xmlDocPtr x;
  char *css, *serif;
  size_t n, len;
  (void)state;
  if (!nb_hb_subset() || !S_have_family("Noto Serif CJK SC") ||
      !S_have_family("Noto Sans CJK SC")) {
    skip();
    return;
  }
  S_meta(d, "字体嵌入", "2022-08-10", "测试");
  p = S_para(root, "正文用宋体。");
  e = S_add(p, NB_NODE_EMPH);
  S_text(e, "强调");
  cb = S_add(root, NB_NODE_CODE_BLOCK);
  nb_node_set_literal(cb, "x = 1;\n", 7);
  nb_book_add_doc(b, d);
  nb_book_finish(b);
  memset(&o, 0, sizeof o);
  o.abi_version = NB_WRITE_ABI_VERSION;
  o.embed_fonts = 1;
  S_font_notes = 0;
  assert_int_equal(nb_write_epub(b, &o, path, &diag, &err), 0);
  assert_int_equal(S_font_notes, 1);
  nb_book_free(b);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  x = S_parse(za, "OEBPS/content.opf");
  S_expect(x,
           "string(count(//opf:item[starts-with(@href,'fonts/') and "
           "(@media-type='font/otf' or @media-type='font/ttf')]) >= 3)",
           "true");
  serif = S_xpath(x, "string(//opf:item[contains(@href,'NotoSerifCJKSC-400')]"
                     "/@href)");
  xmlFreeDoc(x);
  assert_true(serif[0] != '\0');
  css = (char *)S_zip_read(za, "OEBPS/css/style.css", NULL);
  assert_non_null(strstr(css, "font-family: \"Noto Serif CJK SC\";"));
  assert_non_null(strstr(css, "font-family: \"Noto Sans CJK SC\";"));
  assert_non_null(strstr(css, "font-weight: 700;")); /* the headline */
  free(css);
  {
    /* the body face holds the body's characters, and little else */
    char zname[160];
    unsigned char *font;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_set_t *cps = hb_set_create();
    snprintf(zname, sizeof zname, "OEBPS/%s", serif);
    font = S_zip_read(za, zname, &len);
    assert_non_null(font);
    assert_true(len < 200000);
    blob = hb_blob_create((const char *)font, (unsigned)len,
                          HB_MEMORY_MODE_READONLY, NULL, NULL);
    face = hb_face_create(blob, 0);
    hb_face_collect_unicodes(face, cps);
    assert_true(hb_set_has(cps, 0x5B8B));  /* 宋 (body) */
    assert_true(hb_set_has(cps, 0x6B63));  /* 正 */
    assert_false(hb_set_has(cps, 0x9F98)); /* 龘: not in the book */
    assert_false(hb_set_has(cps, 0x5F3A)); /* 强: emphasis, in the sans */
    n = hb_set_get_population(cps);
    assert_true(n < 40);
    hb_set_destroy(cps);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(font);
  }
  xmlFree(serif);
  zip_close(za);
  unlink(path);
}

/* Golden files: the unzipped text of two books, compared byte for byte
 * with tests/golden/epub/NAME/ (NB_UPDATE_GOLDEN=1 rewrites them). The id
 * and date are fixed so that only this writer's output is under test. */
static void S_golden(nb_book *b, const char *name, const char *const *files) {
  const char *path = S_tmp("golden.epub");
  const char *update = getenv("NB_UPDATE_GOLDEN");
  zip_t *za;
  int zerr;
  size_t i;
  nb_book_set_meta(b, "id", "urn:uuid:00000000-0000-5000-8000-000000000000");
  nb_book_set_meta(b, "date", "2022-08-12T02:00:00Z");
  assert_int_equal(S_write(b, NULL, path), 0);
  za = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(za);
  for (i = 0; files[i]; i++) {
    char gpath[1024], zname[128], *want;
    size_t glen, wlen;
    unsigned char *got;
    snprintf(gpath, sizeof gpath, "%s/tests/golden/epub/%s/%s", NB_SRCDIR, name,
             files[i]);
    snprintf(zname, sizeof zname, "OEBPS/%s", files[i]);
    got = S_zip_read(za, zname, &glen);
    assert_non_null(got);
    if (update && *update) {
      FILE *fp = fopen(gpath, "wb");
      assert_non_null(fp);
      assert_int_equal(fwrite(got, 1, glen, fp), glen);
      fclose(fp);
    } else {
      if (nb_read_file(gpath, 0, &want, &wlen, NULL) != 0)
        fail_msg("missing golden file %s (NB_UPDATE_GOLDEN=1 writes it)",
                 gpath);
      if (wlen != glen || memcmp(want, got, glen) != 0)
        fail_msg("%s differs from %s (NB_UPDATE_GOLDEN=1 rewrites it)", zname,
                 gpath);
      free(want);
    }
    free(got);
  }
  zip_close(za);
  unlink(path);
}

static void test_golden(void **state) {
  static const char *const single[] = {"chapter-0001.xhtml", "content.opf",
                                       "nav.xhtml",          "toc.ncx",
                                       "cover.xhtml",        NULL};
  static const char *const sections[] = {
      "content.opf",        "nav.xhtml",          "toc.ncx", "titlepage.xhtml",
      "section-0001.xhtml", "chapter-0002.xhtml", NULL};
  nb_book *b;
  (void)state;
  b = S_single_book();
  S_golden(b, "single", single);
  nb_book_free(b);
  b = S_sections_book();
  S_golden(b, "sections", sections);
  nb_book_free(b);
}

/* Not a test: writes the sample books for the e2e checker script. */
static void S_write_samples(const char *dir) {
  char p[1024];
  nb_book *b = S_single_book();
  snprintf(p, sizeof p, "%s/unit-single.epub", dir);
  if (S_write(b, NULL, p) != 0)
    exit(1);
  nb_book_free(b);
  b = S_sections_book();
  nb_book_set_cover(b, &S_res_jpg);
  snprintf(p, sizeof p, "%s/unit-sections.epub", dir);
  if (S_write(b, NULL, p) != 0)
    exit(1);
  nb_book_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_helpers),
      cmocka_unit_test(test_single_article),
      cmocka_unit_test(test_sections_nav_ncx),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_failure_leaves_nothing),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_golden),
      cmocka_unit_test(test_accessibility),
      cmocka_unit_test(test_section_headings),
      cmocka_unit_test(test_media_placeholder),
      cmocka_unit_test(test_css_filter),
      cmocka_unit_test(test_book_language),
      cmocka_unit_test(test_size_budget),
      cmocka_unit_test(test_vertical),
      cmocka_unit_test(test_embed_fonts),
  };
  const char *sample = getenv("NB_EPUB_SAMPLE_DIR");
  S_init_resources();
  if (sample && *sample) {
    S_write_samples(sample);
    return 0;
  }
  return cmocka_run_group_tests(tests, NULL, NULL);
}
