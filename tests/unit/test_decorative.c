/* Decorative images: a spacer (2x2 pixels or less, decoded or by its
 * header) or a tiny image that does not decode (a 1x1 GIF without a
 * colour table, as hover pop-ups carry) is left out of the document with a
 * note, not drawn as a placeholder; its figure's caption stays. Real
 * images, even small ones, stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/reader.h"
#include "newsbook/resource.h"
#include "resource/internal.h"
#include "util/util.h"

typedef struct S_diags {
  int notes, warnings;
} S_diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  if (d->severity == NB_SEV_NOTE && strstr(d->message, "decorative"))
    s->notes++;
  else if (d->severity == NB_SEV_WARNING)
    s->warnings++;
}

static void S_b64(nb_buf *b, const unsigned char *p, size_t n) {
  static const char t[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i;
  for (i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 |
                 (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    nb_buf_putc(b, t[v >> 18 & 63]);
    nb_buf_putc(b, t[v >> 12 & 63]);
    nb_buf_putc(b, i + 1 < n ? t[v >> 6 & 63] : '=');
    nb_buf_putc(b, i + 2 < n ? t[v & 63] : '=');
  }
}

/* A PNG of w x h pixels as a data: URI appended to @p b. */
static void S_png_uri(nb_buf *b, int w, int h) {
  nb_pixmap pm;
  nb_error err;
  unsigned char *out;
  size_t n;
  int i;
  assert_int_equal(nb__pixmap_alloc(&pm, w, h, 0, &err), 0);
  for (i = 0; i < w * h; i++)
    ((uint32_t *)(void *)pm.pixels)[i] = 0xFF336699u;
  assert_int_equal(nb_image_encode_png(&pm, &out, &n, &err), 0);
  nb_pixmap_free(&pm);
  nb_buf_puts(b, "data:image/png;base64,");
  S_b64(b, out, n);
  free(out);
}

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

static void test_spacers_left_out(void **state) {
  /* GIF89a, 1x1, no global or local colour table */
  static const char gif[] =
      "data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAACAkQBADs=";
  S_diags g = {0, 0};
  nb_diag diag = {NB_DIAG_ABI_VERSION, S_report, &g};
  nb_resolve_options ro;
  nb_resources *set;
  nb_buf html = NB_BUF_INIT;
  nb_error err;
  nb_doc *doc;
  char *text, *report;
  (void)state;
  nb_buf_puts(&html, "---\ntitle: t\n---\n<p>before <img src=\"");
  nb_buf_puts(&html, gif);
  nb_buf_puts(&html, "\"> after</p><figure><img src=\"");
  S_png_uri(&html, 1, 1);
  nb_buf_puts(&html, "\"><figcaption>the caption stays</figcaption></figure>"
                     "<p><img src=\"data:image/gif;base64,R0lGODlh\"></p>"
                     "<p><img src=\"");
  S_png_uri(&html, 8, 8);
  nb_buf_puts(&html, "\"></p><p><img src=\"");
  S_png_uri(&html, 2, 2);
  nb_buf_puts(&html, "\"></p>");
  doc = nb_read_article("a.md", html.data, html.len, NULL, NULL, &err);
  assert_non_null(doc);
  assert_int_equal(S_count(doc, NB_NODE_IMAGE), 5);
  memset(&ro, 0, sizeof ro);
  ro.abi_version = NB_RESOLVE_ABI_VERSION;
  ro.offline = 1;
  ro.cache_dir = "";
  set = nb_resources_new(&ro, &diag);
  assert_non_null(set);
  assert_int_equal(nb_resources_resolve_doc(set, doc, &err), 0);
  /* only the 8x8 picture is left; no placeholder warning for the rest */
  assert_int_equal(S_count(doc, NB_NODE_IMAGE), 1);
  assert_int_equal(S_count(doc, NB_NODE_FIGURE), 1);
  assert_int_equal(g.notes, 4);
  assert_int_equal(g.warnings, 0);
  text = nb_node_text(nb_doc_root(doc));
  assert_non_null(strstr(text, "before"));
  assert_non_null(strstr(text, "after"));
  assert_non_null(strstr(text, "the caption stays"));
  free(text);
  report = nb_resources_report_json(set);
  assert_non_null(strstr(report, "\"decorative\": true"));
  free(report);
  nb_resources_free(set);
  nb_doc_free(doc);
  nb_buf_free(&html);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spacers_left_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
