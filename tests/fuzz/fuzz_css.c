/* libFuzzer harness: the CSS reader (src/style/css.h), which must never
 * fail on content. The input is parsed as a style sheet; then styles are
 * computed for a few element chains, @page is read, and the input's first
 * line goes through the length, page-size and margin parsers. */
#include "fuzz_common.h"
#include "style/css.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const nb_css_node chain[] = {
      {"html", NULL}, {"body", "chapter"}, {"section", "a b"},
      {"p", "lead"},  {"strong", NULL},    {"td", "x"}};
  nb_css *css = nb_css_parse((const char *)data, size);
  nb_style parent, style;
  nb_css_page page;
  char line[256];
  size_t i, n;
  double w, h, m[4];
  nb_style_init(&parent);
  for (i = 1; i <= sizeof chain / sizeof chain[0]; i++) {
    nb_css_compute(css, chain, i, &parent, &style);
    if (style.font_family[sizeof style.font_family - 1] != '\0')
      abort();
    parent = style;
  }
  nb_css_get_page(css, &page);
  (void)nb_css_rule_count(css);
  nb_css_free(css);
  for (n = 0; n < size && n < sizeof line - 1 && data[n] != '\n'; n++)
    line[n] = (char)data[n];
  line[n] = '\0';
  (void)nb_css_length(line, 12, &w);
  (void)nb_css_page_size(line, &w, &h);
  (void)nb_css_margins(line, 12, m);
  return 0;
}
