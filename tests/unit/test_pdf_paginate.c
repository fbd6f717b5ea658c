/* Pagination through the trace device: on a long document of paragraphs
 * of every length, headings and code blocks, no heading ends a page, no
 * page starts with a block's single last line (widow) and none ends with a
 * block's single first line (orphan). Images are kept with a one-line
 * caption and shrunk a little rather than leave a page part empty. */
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
#include "newsbook/resource.h"
#include "newsbook/writer.h"
#include "util/util.h"
#include "write/pdf/device.h"
#include "write/pdf/pdf.h"

#define NPARAS 160

static const char S_pool[] =
    "过去几年的国内GPU赛道可谓热得发烫巨额融资不断刷新行业纪录又有包括天数智芯沐曦"
    "等企业官宣完成十亿元级别的融资在资本热潮的背后这批公司如今已进入产品落地的关键"
    "节点也是闯过国内淘汰赛的第一关壁仞科技在成立三年后发布了首款通用芯片系列据内部"
    "人士透露其中的产品有望在年内量产出货预计今年第四季度开放邀测除了壁仞科技外过去"
    "一年来芯动科技天数智芯摩尔线程也相继发布了首款产品有芯片投资人告诉记者如今行业"
    "靠融资的时代已经过去更关注产品在实际应用的落地情况对于企业而言在产品发布后如何"
    "成功打入下游客户生态是决胜未来的关键";

static char *S_texts[NPARAS];
static int S_heading[NPARAS];
static int S_code[NPARAS];

/* A code block of 2 to 13 short lines, each naming its block. */
static char *S_code_text(int k, uint32_t x) {
  nb_buf b = NB_BUF_INIT;
  int i, n = 2 + (int)(x % 12);
  for (i = 0; i < n; i++)
    nb_buf_printf(&b, "%sblock%03d(line%02d);", i ? "\n" : "", k, i);
  return nb_buf_detach(&b);
}

/* A paragraph of @p chars characters taken from the pool at @p at, with a
 * unique tag in front so that every line can be traced to its paragraph. */
static char *S_para_text(int k, size_t chars, size_t at) {
  nb_buf b = NB_BUF_INIT;
  size_t pool_chars = (sizeof S_pool - 1) / 3, i;
  nb_buf_printf(&b, "第%03d段", k);
  for (i = 0; i < chars; i++)
    nb_buf_append(&b, S_pool + ((at + i) % pool_chars) * 3, 3);
  nb_buf_puts(&b, "。");
  return nb_buf_detach(&b);
}

static nb_doc *S_doc(void) {
  nb_doc *doc = nb_doc_new();
  uint32_t x = 7;
  int k;
  for (k = 0; k < NPARAS; k++) {
    nb_node *p, *t;
    size_t chars;
    x = x * 1103515245u + 12345u;
    S_code[k] = k % 7 == 3;
    S_heading[k] = k % 9 == 4 && !S_code[k];
    if (S_code[k]) {
      S_texts[k] = S_code_text(k, x >> 16);
      p = nb_node_new(doc, NB_NODE_CODE_BLOCK);
      nb_node_set_literal(p, S_texts[k], strlen(S_texts[k]));
      nb_node_append_child(nb_doc_root(doc), p);
      continue;
    }
    chars = S_heading[k] ? 8 : 10 + (x >> 16) % 200;
    S_texts[k] = S_para_text(k, chars, (x >> 8) % 97);
    p = nb_node_new(doc, S_heading[k] ? NB_NODE_HEADING : NB_NODE_PARAGRAPH);
    if (S_heading[k])
      nb_node_set_heading_level(p, 2);
    t = nb_node_new(doc, NB_NODE_TEXT);
    nb_node_set_literal(t, S_texts[k], strlen(S_texts[k]));
    nb_node_append_child(p, t);
    nb_node_append_child(nb_doc_root(doc), p);
  }
  return doc;
}

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

/* The paragraph a line's text belongs to, or -1. */
static int S_owner(const char *text, int hint) {
  int k;
  for (k = hint < 0 ? 0 : hint; k < NPARAS; k++)
    if (strstr(S_texts[k], text))
      return k;
  return -1;
}

typedef struct placed {
  int page, para;
} placed;

static void test_widows_orphans_keeps(void **state) {
  nb_book *book = nb_book_new();
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_error err;
  char *trace, *line, *save = NULL;
  placed *pl = calloc(20000, sizeof *pl);
  int n = 0, page = 0, hint = 0, i, pages_split = 0;
  (void)state;
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = "A5";
  assert_true(nb_book_add_doc(book, S_doc()));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  trace = nb_strdup(nb_dev_trace_text(dev));
  for (line = strtok_r(trace, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char *text;
    int owner;
    if (strncmp(line, "page ", 5) == 0) {
      page++;
      continue;
    }
    if (strncmp(line, "line ", 5) != 0 || !(text = strstr(line, " text=")))
      continue;
    text += 6;
    S_strip_wj(text);
    if (!*text)
      continue;
    owner = S_owner(text, hint);
    if (owner < 0)
      continue; /* the title block */
    hint = owner;
    assert_true(n < 20000);
    pl[n].page = page;
    pl[n].para = owner;
    n++;
  }
  assert_true(page > 5);
  for (i = 0; i + 1 < n; i++) {
    if (pl[i].page == pl[i + 1].page)
      continue;
    /* a page ends after item i */
    if (S_heading[pl[i].para])
      fail_msg("page %d ends with heading %d", pl[i].page, pl[i].para);
    if (pl[i].para == pl[i + 1].para) {
      int before = 0, after = 0, j;
      pages_split++;
      for (j = i; j >= 0 && pl[j].para == pl[i].para; j--)
        before++;
      for (j = i + 1; j < n && pl[j].para == pl[i].para; j++)
        after++;
      if (before < 2)
        fail_msg("orphan: paragraph %d leaves 1 line on page %d",
                 pl[i].para, pl[i].page);
      if (after < 2)
        fail_msg("widow: paragraph %d carries 1 line to page %d", pl[i].para,
                 pl[i + 1].page);
    }
  }
  assert_true(pages_split > 0); /* the test did exercise splitting */
  for (i = 0; i + 1 < n; i++)
    if (pl[i].page != pl[i + 1].page && S_code[pl[i].para] &&
        pl[i].para == pl[i + 1].para)
      break;
  assert_true(i + 1 < n); /* and splitting code blocks */
  for (i = 0; i < NPARAS; i++)
    free(S_texts[i]);
  free(pl);
  free(trace);
  nb_dev_free(dev);
  nb_book_free(book);
}

/* Paragraphs of random length, each followed by a 400x600 px picture and a
 * one-line caption: every caption is on its picture's page, pictures keep
 * their aspect and at least NB_IMAGE_MIN_SCALE (0.6) of their size, and
 * some are shrunk to fill a page's end. */
static void test_images_captions(void **state) {
  nb_book *book = nb_book_new();
  nb_doc *doc = nb_doc_new();
  nb_write_options opts;
  nb_dev *dev = nb_dev_trace_new();
  nb_resource res;
  nb_error err;
  char *trace, *line, *save = NULL;
  double full = 0, hs[40];
  int pages[40], nimg = 0, page = 0, shrunk = 0, k;
  uint32_t x = 11;
  (void)state;
  memset(&res, 0, sizeof res);
  res.status = NB_RES_OK;
  res.url = "http://127.0.0.1/p.jpg";
  res.media_type = "image/jpeg";
  res.ext = "jpg";
  res.width = 400;
  res.height = 600;
  snprintf(res.id, sizeof res.id, "img-0123456789abcdef");
  for (k = 0; k < 40; k++) {
    nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH), *t, *img, *cap;
    char *body, num[32];
    x = x * 1103515245u + 12345u;
    body = S_para_text(k, 20 + (x >> 16) % 400, (x >> 8) % 97);
    t = nb_node_new(doc, NB_NODE_TEXT);
    nb_node_set_literal(t, body, strlen(body));
    free(body);
    nb_node_append_child(p, t);
    nb_node_append_child(nb_doc_root(doc), p);
    p = nb_node_new(doc, NB_NODE_PARAGRAPH); /* as readers give <p><img></p> */
    img = nb_node_new(doc, NB_NODE_IMAGE);
    nb_node_set_resource(img, &res);
    nb_node_append_child(p, img);
    nb_node_append_child(nb_doc_root(doc), p);
    cap = nb_node_new(doc, NB_NODE_PARAGRAPH);
    t = nb_node_new(doc, NB_NODE_TEXT);
    snprintf(num, sizeof num, "caption%02d", k);
    nb_node_set_literal(t, num, strlen(num));
    nb_node_append_child(cap, t);
    nb_node_append_child(nb_doc_root(doc), cap);
  }
  memset(&opts, 0, sizeof opts);
  opts.abi_version = NB_WRITE_ABI_VERSION;
  opts.page_size = "A5";
  assert_true(nb_book_add_doc(book, doc));
  nb_book_finish(book);
  assert_int_equal(nb_pdf_render(book, &opts, dev, NULL, &err), 0);
  trace = nb_strdup(nb_dev_trace_text(dev));
  for (line = strtok_r(trace, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    double ix, iy, iw, ih;
    const char *c;
    if (strncmp(line, "page ", 5) == 0) {
      page++;
    } else if (sscanf(line, "image x=%lf y=%lf w=%lf h=%lf", &ix, &iy, &iw,
                      &ih) == 4) {
      assert_true(nimg < 40);
      assert_true(fabs(iw / ih - 400.0 / 600.0) < 0.005);
      if (ih > full)
        full = ih;
      hs[nimg] = ih;
      pages[nimg++] = page;
    } else if ((c = strstr(line, "text=caption")) != NULL) {
      k = atoi(c + 12);
      assert_int_equal(k, nimg - 1);
      if (pages[k] != page)
        fail_msg("caption %d on page %d, its picture on page %d", k, page,
                 pages[k]);
    }
  }
  assert_int_equal(nimg, 40);
  for (k = 0; k < nimg; k++) {
    assert_true(hs[k] >= 0.6 * full - 0.01);
    if (hs[k] < full - 1)
      shrunk++;
  }
  assert_true(shrunk > 0);
  free(trace);
  nb_dev_free(dev);
  nb_book_free(book);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_widows_orphans_keeps),
      cmocka_unit_test(test_images_captions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
