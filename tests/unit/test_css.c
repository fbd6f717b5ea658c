/* The small CSS reader: selectors and the cascade, shorthands, units,
 * @page, and garbage that must never crash or hang it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "style/css.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 0.01)

static nb_css *S_parse(const char *s) {
  nb_css *css = nb_css_parse(s, strlen(s));
  assert_non_null(css);
  return css;
}

static void S_style(const nb_css *css, const char *const *names,
                    const char *const *classes, size_t n, nb_style *out) {
  nb_css_node chain[8];
  nb_style parent, cur;
  size_t i;
  nb_style_init(&parent);
  for (i = 0; i < n; i++) {
    chain[i].name = names[i];
    chain[i].cls = classes ? classes[i] : NULL;
    nb_css_compute(css, chain, i + 1, &parent, &cur);
    parent = cur;
  }
  *out = cur;
}

static void test_units(void **state) {
  double pt;
  (void)state;
  assert_true(nb_css_length("12pt", 10, &pt));
  NEAR(pt, 12);
  assert_true(nb_css_length("16px", 10, &pt));
  NEAR(pt, 12);
  assert_true(nb_css_length("2em", 10.5, &pt));
  NEAR(pt, 21);
  assert_true(nb_css_length("25.4mm", 10, &pt));
  NEAR(pt, 72);
  assert_true(nb_css_length("2.54cm", 10, &pt));
  NEAR(pt, 72);
  assert_true(nb_css_length("1in", 10, &pt));
  NEAR(pt, 72);
  assert_true(nb_css_length("0", 10, &pt));
  NEAR(pt, 0);
  assert_false(nb_css_length("12", 10, &pt)); /* unitless non-zero */
  assert_false(nb_css_length("abc", 10, &pt));
  assert_false(nb_css_length("12furlongs", 10, &pt));
}

static void test_page_sizes(void **state) {
  double w, h, m[4];
  (void)state;
  assert_true(nb_css_page_size("A4", &w, &h));
  NEAR(w, 595.28);
  NEAR(h, 841.89);
  assert_true(nb_css_page_size("b5", &w, &h));
  NEAR(w, 176 * 72 / 25.4);
  NEAR(h, 250 * 72 / 25.4);
  assert_true(nb_css_page_size("Letter", &w, &h));
  NEAR(w, 612);
  assert_true(nb_css_page_size("150x220mm", &w, &h));
  NEAR(w, 150 * 72 / 25.4);
  NEAR(h, 220 * 72 / 25.4);
  assert_true(nb_css_page_size("A4 landscape", &w, &h));
  assert_true(w > h);
  assert_false(nb_css_page_size("A99", &w, &h));
  assert_false(nb_css_page_size("0x0mm", &w, &h));
  assert_true(nb_css_margins("20mm", 12, m));
  NEAR(m[0], 56.69);
  NEAR(m[3], 56.69);
  assert_true(nb_css_margins("10pt 20pt", 12, m));
  NEAR(m[0], 10);
  NEAR(m[1], 20);
  NEAR(m[2], 10);
  NEAR(m[3], 20);
  assert_true(nb_css_margins("1pt 2pt 3pt", 12, m));
  NEAR(m[1], 2);
  NEAR(m[2], 3);
  NEAR(m[3], 2);
  assert_true(nb_css_margins("1pt 2pt 3pt 4pt", 12, m));
  NEAR(m[3], 4);
  assert_false(nb_css_margins("wide", 12, m));
}

static void test_at_page(void **state) {
  nb_css *css = S_parse("@import url(x.css);\n"
                        "@page { size: A5; margin: 10mm 15mm; }\n"
                        "@page :first { margin: 0 }\n"
                        "@media print { p { color: red } }\n");
  nb_css_page pg;
  (void)state;
  nb_css_get_page(css, &pg);
  NEAR(pg.width, 148 * 72 / 25.4);
  assert_true(pg.has_margin);
  NEAR(pg.margin[NB_TOP], 10 * 72 / 25.4);
  NEAR(pg.margin[NB_LEFT], 15 * 72 / 25.4);
  assert_int_equal(nb_css_rule_count(css), 0); /* @media skipped */
  nb_css_free(css);
}

static void test_cascade(void **state) {
  nb_css *css = S_parse(
      "/* theme */ body { font-family: \"Noto Serif CJK SC\", serif; "
      "font-size: 10pt; line-height: 1.5; color: #123; }\n"
      "p { text-indent: 2em; margin: 0 0 0.5em 0; text-align: justify }\n"
      "li p, td p { text-indent: 0 }\n"
      "p.byline { font-size: 0.8em; color: rgb(10, 20, 30); }\n"
      "header.article-head > h1 { font-weight: bold; font-size: 2em }\n"
      "h1 { font-size: 1.5em !important; }\n"
      "a:hover { color: red }\n"
      "#id { color: red }\n"
      "blockquote { border-left: 3px solid #ccc; padding: 0 0 0 1em; "
      "margin: 1em 2em }\n"
      "hr { margin: 1em 20% }\n");
  const char *n1[] = {"body", "p"};
  const char *n2[] = {"body", "ul", "li", "p"};
  const char *n3[] = {"body", "p"};
  const char *c3[] = {NULL, "byline"};
  const char *n4[] = {"body", "header", "h1"};
  const char *c4[] = {NULL, "article-head", NULL};
  const char *n5[] = {"body", "blockquote"};
  const char *n6[] = {"body", "hr"};
  nb_style s;
  (void)state;
  S_style(css, n1, NULL, 2, &s);
  assert_string_equal(s.font_family, "Noto Serif CJK SC,serif");
  NEAR(s.font_size, 10);
  NEAR(s.line_height, 1.5);
  NEAR(s.text_indent, 20);
  NEAR(s.margin[NB_BOTTOM], 5);
  assert_int_equal(s.text_align, NB_TA_JUSTIFY);
  assert_int_equal(s.color, 0x112233);
  S_style(css, n2, NULL, 4, &s);
  NEAR(s.text_indent, 0); /* descendant selector wins by specificity */
  S_style(css, n3, c3, 2, &s);
  NEAR(s.font_size, 8);
  assert_int_equal(s.color, 0x0a141e);
  NEAR(s.text_indent, 16); /* 2em of its own 8pt */
  S_style(css, n4, c4, 3, &s);
  assert_true(s.bold);
  NEAR(s.font_size, 15); /* !important beats specificity */
  S_style(css, n5, NULL, 2, &s);
  assert_int_equal(s.border_style[NB_LEFT], NB_BORDER_SOLID);
  NEAR(s.border_width[NB_LEFT], 2.25);
  assert_int_equal(s.border_color[NB_LEFT], 0xcccccc);
  NEAR(s.padding[NB_LEFT], 10);
  NEAR(s.margin[NB_LEFT], 20);
  NEAR(s.margin[NB_TOP], 10);
  assert_int_equal(s.color, 0x112233); /* inherited, :hover/#id dropped */
  S_style(css, n6, NULL, 2, &s);
  NEAR(s.margin_pct[NB_LEFT], 0.2);
  nb_css_free(css);
}

static void test_default_theme(void **state) {
  char path[4096];
  FILE *fp;
  char *buf;
  long n;
  nb_css *css;
  nb_css_page pg;
  const char *n1[] = {"html", "body", "p"};
  nb_style s;
  (void)state;
  snprintf(path, sizeof path, "%s/styles/default.css", NB_SRCDIR);
  fp = fopen(path, "rb");
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  css = nb_css_parse(buf, (size_t)n);
  free(buf);
  nb_css_get_page(css, &pg);
  assert_true(pg.width > 500);
  assert_true(pg.has_margin);
  S_style(css, n1, NULL, 3, &s);
  NEAR(s.text_indent, 2 * s.font_size);
  assert_int_equal(s.text_align, NB_TA_JUSTIFY);
  assert_true(nb_css_rule_count(css) > 20);
  nb_css_free(css);
}

static void test_garbage(void **state) {
  static const char *const bad[] = {
      "", "{", "}", "}}}{{{", "p {", "p { color: ", "p { color: #zzzzzz }",
      "p { margin: 1em 2em 3em 4em 5em 6em }", "@page {", "@media {{{{",
      "p { font-family: \"unterminated }", "/* never closed", "a > > b { }",
      ".{}", "p..x { color: red }", "p { : ; ; :: }", "@page { size: }",
      "p { font-size: -5pt; line-height: -1 }", "p{margin:1e308pt}",
      "p { color: rgb( }", "@@@@", "<!-- p { color: red } -->"};
  size_t i;
  unsigned char noise[4096];
  uint32_t x = 12345;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    nb_css *css = nb_css_parse(bad[i], strlen(bad[i]));
    const char *n1[] = {"body", "p"};
    nb_style s;
    assert_non_null(css);
    S_style(css, n1, NULL, 2, &s);
    assert_true(s.font_size >= 1 && s.font_size <= 400);
    nb_css_free(css);
  }
  for (i = 0; i < 200; i++) {
    size_t k;
    nb_css *css;
    const char *n1[] = {"body", "p"};
    nb_style s;
    for (k = 0; k < sizeof noise; k++) {
      x = x * 1103515245u + 12345u;
      noise[k] = (unsigned char)"p{}:;.#@ \"'/*>,aemx0123456789(%)"[(x >> 16) %
                                                                      32];
      if ((x >> 8) % 97 == 0)
        noise[k] = (unsigned char)(x >> 3);
    }
    css = nb_css_parse((const char *)noise, sizeof noise);
    assert_non_null(css);
    S_style(css, n1, NULL, 2, &s);
    nb_css_free(css);
  }
  nb_css_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units),   cmocka_unit_test(test_page_sizes),
      cmocka_unit_test(test_at_page), cmocka_unit_test(test_cascade),
      cmocka_unit_test(test_default_theme), cmocka_unit_test(test_garbage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
