/* The web-page reader: the article kept and the page's chrome left out,
 * metadata from JSON-LD, Open Graph and markup, lazy images and absolute
 * links, the extract modes, and pages at the edges (tiny, empty, deep,
 * split in parts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/newsbook.h"
#include "read/page.h"
#include "util/util.h"

static const char S_para[] =
    "The council voted on Tuesday to extend the tram line to the harbour, "
    "a project that has been discussed for more than a decade, and work is "
    "expected to begin in the spring.";

/* A news page: chrome all around one article. */
static char *S_news_page(void) {
  nb_buf b = NB_BUF_INIT;
  int i;
  nb_buf_puts(
      &b, "<!DOCTYPE html><html lang=\"en-GB\"><head>"
          "<title>Tram line reaches the harbour | The Daily Example</title>"
          "<meta property=\"og:site_name\" content=\"The Daily Example\">"
          "<meta property=\"og:image\" content=\"/img/lead.jpg\">"
          "<meta property=\"article:published_time\" "
          "content=\"2024-03-05T09:30:00+01:00\">"
          "<meta name=\"author\" content=\"Ann Smith\">"
          "<link rel=\"canonical\" href=\"https://news.example/tram\">"
          "</head><body>"
          "<div class=\"cookie-banner\">We use cookies COOKIE_TEXT. "
          "<button>Accept</button></div>"
          "<header class=\"site-header\"><nav><ul>"
          "<li><a href=\"/\">Home NAV_TEXT</a></li><li><a href=\"/w\">World</a>"
          "</li><li><a href=\"/s\">Sport</a></li></ul></nav></header>"
          "<main><article><h1>Tram line reaches the harbour</h1>"
          "<div class=\"byline\">By Ann Smith</div>"
          "<div class=\"share-bar\"><a href=\"#\">Share SHARE_TEXT</a> "
          "<a href=\"#\">Tweet</a></div>"
          "<div class=\"article-body\">");
  for (i = 0; i < 6; i++) {
    nb_buf_printf(&b, "<p>Paragraph %d. %s</p>", i, S_para);
    if (i == 2)
      nb_buf_puts(&b, "<div class=\"ad-slot\">Advertisement AD_TEXT</div>"
                      "<h2>Section heading KEEP_HEADING</h2>"
                      "<p><img data-src=\"pics/tram.jpg\" "
                      "src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">"
                      "</p>");
  }
  nb_buf_puts(
      &b, "<p>Read the <a href=\"/docs/plan.pdf\">council's plan</a> for the "
          "details LINK_PARA.</p></div>"
          "<div class=\"related-articles\"><h3>Related</h3><ul>"
          "<li><a href=\"/a\">Bus fares rise again RELATED_TEXT</a></li>"
          "<li><a href=\"/b\">Harbour festival returns</a></li>"
          "<li><a href=\"/c\">New bridge opens</a></li></ul></div>"
          "</article>"
          "<section id=\"comments\" class=\"comments\"><h3>Comments</h3>"
          "<div class=\"comment\"><p>I have been waiting for this tram for "
          "years and years, finally it is happening COMMENT_TEXT, well done "
          "everybody.</p></div></section></main>"
          "<aside class=\"sidebar\"><h3>Most read</h3><ul>"
          "<li><a href=\"/x\">Story one SIDEBAR_TEXT</a></li>"
          "<li><a href=\"/y\">Story two</a></li></ul></aside>"
          "<footer class=\"site-footer\"><p>Copyright FOOTER_TEXT 2024. All "
          "rights reserved. Contact us at the address below.</p></footer>"
          "</body></html>");
  return nb_buf_detach(&b);
}

static nb_doc *S_read_page(const char *html, const char *url,
                           nb_extract_mode mode) {
  nb_read_options o;
  nb_error err;
  nb_doc *doc;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_READ_ABI_VERSION;
  o.extract = mode;
  doc =
      nb_read_page("page.html", url, html, strlen(html), NULL, &o, NULL, &err);
  assert_non_null(doc);
  return doc;
}

static char *S_text(nb_doc *doc) {
  char *t = nb_node_text(nb_doc_root(doc));
  assert_non_null(t);
  return t;
}

/* The first image URL of @p doc, or NULL. */
static const char *S_first_image(nb_doc *doc) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  const char *url = NULL;
  nb_event ev;
  while (!url && (ev = nb_iter_next(it)) != NB_EVENT_DONE)
    if (ev == NB_EVENT_ENTER &&
        nb_node_get_type(nb_iter_node(it)) == NB_NODE_IMAGE)
      url = nb_node_get_url(nb_iter_node(it));
  nb_iter_free(it);
  return url;
}

static void test_article_not_page(void **state) {
  char *html = S_news_page(), *text;
  nb_doc *doc = S_read_page(html, NULL, NB_EXTRACT_AUTO);
  static const char *const gone[] = {"COOKIE_TEXT",  "NAV_TEXT",
                                     "SHARE_TEXT",   "AD_TEXT",
                                     "RELATED_TEXT", "COMMENT_TEXT",
                                     "SIDEBAR_TEXT", "FOOTER_TEXT",
                                     "By Ann Smith", NULL};
  size_t i;
  (void)state;
  text = S_text(doc);
  for (i = 0; i < 6; i++) {
    char want[32];
    snprintf(want, sizeof want, "Paragraph %zu.", i);
    assert_non_null(strstr(text, want));
  }
  assert_non_null(strstr(text, "KEEP_HEADING"));
  assert_non_null(strstr(text, "LINK_PARA"));
  for (i = 0; gone[i]; i++)
    if (strstr(text, gone[i]))
      fail_msg("%s was kept", gone[i]);
  /* the headline is the title, not a heading of the body */
  assert_null(strstr(text, "Tram line reaches the harbour"));
  free(text);
  nb_doc_free(doc);
  /* never: the page is read whole */
  doc = S_read_page(html, NULL, NB_EXTRACT_NEVER);
  text = S_text(doc);
  assert_non_null(strstr(text, "NAV_TEXT"));
  assert_non_null(strstr(text, "Paragraph 5."));
  free(text);
  nb_doc_free(doc);
  free(html);
}

static void test_metadata(void **state) {
  char *html = S_news_page();
  nb_doc *doc =
      S_read_page(html, "https://news.example/tram?utm=x", NB_EXTRACT_AUTO);
  nb_date d = nb_doc_get_date(doc);
  (void)state;
  assert_string_equal(nb_doc_get_meta(doc, "title"),
                      "Tram line reaches the harbour");
  assert_string_equal(nb_doc_get_meta(doc, "author"), "Ann Smith");
  assert_string_equal(nb_doc_get_meta(doc, "lang"), "en-GB");
  assert_string_equal(nb_doc_get_meta(doc, "source"),
                      "https://news.example/tram");
  assert_string_equal(nb_doc_get_meta(doc, "headimg"),
                      "https://news.example/img/lead.jpg");
  assert_string_equal(nb_doc_get_meta(doc, "site"), "The Daily Example");
  assert_true(d.valid);
  assert_int_equal(d.tz_minutes, 60);
  /* the lazy picture, absolute against the page's URL */
  assert_string_equal(S_first_image(doc), "https://news.example/pics/tram.jpg");
  nb_doc_free(doc);
  free(html);
}

static void test_jsonld(void **state) {
  static const char page[] =
      "<html><head><title>Site name - x</title>"
      "<script type=\"application/ld+json\">\n"
      "// a comment\n"
      "{\"@context\": \"https://schema.org\", \"@graph\": [\n"
      "  {\"@type\": \"WebSite\", \"name\": \"Site name\"},\n"
      "  {\"@type\": [\"NewsArticle\"], \"headline\": \"Rock &amp; "
      "roll\\u2019s \\\"return\\\"\",\n"
      "   \"datePublished\": \"2019-11-19T10:00:00Z\",\n"
      "   \"author\": [{\"@type\": \"Person\", \"name\": \"A. Writer\"},\n"
      "              {\"@type\": \"Person\", \"name\": \"B. Writer\"},],\n"
      "   \"image\": {\"@type\": \"ImageObject\", \"url\": "
      "\"https://cdn.example/p.jpg\"},\n"
      "   \"articleBody\": \"<p>The body.</p>\"\n"
      "  }]}\n"
      "</script></head><body><p>Body text that is long enough to be "
      "an article paragraph on its own.</p></body></html>";
  nb_doc *doc = S_read_page(page, NULL, NB_EXTRACT_AUTO);
  nb_jsonld ld;
  (void)state;
  assert_string_equal(nb_doc_get_meta(doc, "title"),
                      "Rock & roll\xe2\x80\x99s \"return\"");
  assert_int_equal(nb_doc_author_count(doc), 2);
  assert_string_equal(nb_doc_author(doc, 1), "B. Writer");
  assert_string_equal(nb_doc_get_meta(doc, "date"), "2019-11-19T10:00:00Z");
  assert_string_equal(nb_doc_get_meta(doc, "headimg"),
                      "https://cdn.example/p.jpg");
  nb_doc_free(doc);
  /* junk never crashes and yields nothing */
  memset(&ld, 0, sizeof ld);
  nb_page__jsonld_parse("{{{[[\"\\u12", 11, &ld);
  nb_page__jsonld_parse("}]}]\"@type\":", 12, &ld);
  assert_null(ld.headline);
  nb_page__jsonld_free(&ld);
}

static void test_titles(void **state) {
  char *t;
  (void)state;
  t = nb_page__clean_title("Headline here | Site", "Site", NULL, 1);
  assert_string_equal(t, "Headline here");
  free(t);
  t = nb_page__clean_title("Site - Headline here", "Site", NULL, 0);
  assert_string_equal(t, "Headline here");
  free(t);
  t = nb_page__clean_title(
      "Opinion | Why the long headline wins here - The Paper", NULL, NULL, 1);
  assert_string_equal(t, "Why the long headline wins here");
  free(t);
  t = nb_page__clean_title("A plain title", NULL, NULL, 1);
  assert_string_equal(t, "A plain title");
  free(t);
  /* a headline field is not guessed at */
  t = nb_page__clean_title("Trump - the untold story of a presidency", NULL,
                           NULL, 0);
  assert_string_equal(t, "Trump - the untold story of a presidency");
  free(t);
  t = nb_page__clean_title("Big news today - Example", NULL, "Big news today",
                           1);
  assert_string_equal(t, "Big news today");
  free(t);
}

static void test_images_and_links(void **state) {
  static const char page[] =
      "<html><head><base href=\"https://cdn.example/base/\"></head><body>"
      "<article><p>First paragraph of the story, long enough to be prose "
      "and to be kept as such by the extractor.</p>"
      "<p><img src=\"data:image/gif;base64,R0lGOD\" "
      "srcset=\"s.jpg 320w, m.jpg 1024w, l.jpg 2048w\"></p>"
      "<picture><source srcset=\"p1.webp 1x, p2.webp 2x\">"
      "<img src=\"placeholder.png\"></picture>"
      "<p><img class=\"lazy\" data-src=\"\" src=\"blank.gif\">"
      "<noscript><img src=\"real.jpg\"></noscript></p>"
      "<p>Second paragraph with <a href=\"../other.html\">a link</a> in "
      "it, and more words to make it a paragraph.</p></article>"
      "</body></html>";
  nb_doc *doc =
      S_read_page(page, "https://site.example/a/b.html", NB_EXTRACT_AUTO);
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  const char *urls[8];
  size_t n = 0;
  nb_event ev;
  (void)state;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE && n < 8) {
    nb_node *x = nb_iter_node(it);
    if (ev == NB_EVENT_ENTER && (nb_node_get_type(x) == NB_NODE_IMAGE ||
                                 nb_node_get_type(x) == NB_NODE_LINK))
      urls[n++] = nb_node_get_url(x);
  }
  nb_iter_free(it);
  assert_int_equal(n, 4);
  assert_string_equal(urls[0], "https://cdn.example/base/m.jpg");
  assert_string_equal(urls[1], "https://cdn.example/base/p2.webp");
  assert_string_equal(urls[2], "https://cdn.example/base/real.jpg");
  assert_string_equal(urls[3], "https://cdn.example/other.html");
  nb_doc_free(doc);
}

/* An article cut in two by an advertisement rail comes out whole. */
static void test_split_article(void **state) {
  nb_buf b = NB_BUF_INIT;
  nb_doc *doc;
  char *text;
  int part, i;
  (void)state;
  nb_buf_puts(&b, "<html><body><nav><a href=\"/\">Home</a></nav>"
                  "<div class=\"chunks\">");
  for (part = 0; part < 2; part++) {
    nb_buf_puts(&b, "<div class=\"grid\"><div class=\"article-body\">");
    for (i = 0; i < 5; i++)
      nb_buf_printf(&b, "<p>Part %d paragraph %d. %s</p>", part, i, S_para);
    nb_buf_puts(&b, "</div><div class=\"rail\"><a href=\"/ad\">Buy</a></div>"
                    "</div>");
  }
  nb_buf_puts(&b, "</div><div class=\"more\"><a href=\"/1\">More one</a>"
                  "<a href=\"/2\">More two</a></div></body></html>");
  doc = S_read_page(b.data, NULL, NB_EXTRACT_AUTO);
  text = S_text(doc);
  assert_non_null(strstr(text, "Part 0 paragraph 0."));
  assert_non_null(strstr(text, "Part 1 paragraph 4."));
  assert_null(strstr(text, "More one"));
  free(text);
  nb_doc_free(doc);
  nb_buf_free(&b);
}

/* The page's JSON-LD articleBody settles where the article is when the
 * scorer alone would pick a longer block of prose elsewhere. */
static void test_jsonld_body_hint(void **state) {
  static const char *const mine[] = {
      "Harbour trams will run every ten minutes from the spring onwards.",
      "The council expects twelve thousand passengers on an ordinary day.",
      "Construction of the last stretch begins after the summer holidays.",
      "Residents along the route were consulted twice during the planning.",
      "Fares stay the same as on the buses that the new line replaces soon.",
      "A second line towards the airport is being studied by the engineers."};
  nb_buf b = NB_BUF_INIT;
  nb_doc *doc;
  char *text;
  int i, with_ld;
  (void)state;
  for (with_ld = 0; with_ld < 2; with_ld++) {
    nb_buf_puts(&b, "<html><head>");
    if (with_ld) {
      nb_buf_puts(&b, "<script type=\"application/ld+json\">{\"@type\": "
                      "\"NewsArticle\", \"articleBody\": \"");
      for (i = 0; i < 6; i++)
        nb_buf_printf(&b, "%s ", mine[i]);
      nb_buf_puts(&b, "\"}</script>");
    }
    nb_buf_puts(&b, "</head><body><nav><a href=\"/\">Home</a></nav>"
                    "<div class=\"x\">");
    for (i = 0; i < 6; i++)
      nb_buf_printf(&b, "<p>%s</p>", mine[i]);
    nb_buf_puts(&b, "</div><div class=\"y\">");
    for (i = 0; i < 16; i++)
      nb_buf_printf(&b, "<p>Letter %d. %s</p>", i, S_para);
    nb_buf_puts(&b, "</div></body></html>");
    doc = S_read_page(b.data, NULL, NB_EXTRACT_AUTO);
    text = S_text(doc);
    if (with_ld) {
      assert_non_null(strstr(text, "every ten minutes"));
      assert_null(strstr(text, "Letter 3."));
    } else {
      assert_non_null(strstr(text, "Letter 3."));
    }
    free(text);
    nb_doc_free(doc);
    nb_buf_free(&b);
  }
}

/* A document without chrome is someone's article written as HTML: kept
 * whole in auto mode, its short first and last lines too. */
static void test_plain_document(void **state) {
  nb_buf b = NB_BUF_INIT;
  nb_doc *doc;
  char *text;
  (void)state;
  nb_buf_printf(&b,
                "<!DOCTYPE html><html><head><title>Notes</title></head>"
                "<body><p>Dear reader,</p><p>%s</p><p>%s</p><p>Bye!</p>"
                "</body></html>",
                S_para, S_para);
  doc = S_read_page(b.data, NULL, NB_EXTRACT_AUTO);
  text = S_text(doc);
  assert_non_null(strstr(text, "Dear reader,"));
  assert_non_null(strstr(text, "Bye!"));
  free(text);
  nb_doc_free(doc);
  /* always: extracted all the same */
  doc = S_read_page(b.data, NULL, NB_EXTRACT_ALWAYS);
  text = S_text(doc);
  assert_null(strstr(text, "Dear reader,"));
  assert_non_null(strstr(text, "tram line"));
  free(text);
  nb_doc_free(doc);
  nb_buf_free(&b);
}

static void test_small_pages(void **state) {
  nb_doc *doc;
  char *text;
  (void)state;
  doc = S_read_page("<html><body><p>Just one line.</p></body></html>", NULL,
                    NB_EXTRACT_AUTO);
  text = S_text(doc);
  assert_string_equal(text, "Just one line.");
  free(text);
  nb_doc_free(doc);
  doc = S_read_page("", NULL, NB_EXTRACT_AUTO);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "page");
  nb_doc_free(doc);
  doc = S_read_page("<html><head><title>Only a head</title></head></html>",
                    NULL, NB_EXTRACT_AUTO);
  assert_string_equal(nb_doc_get_meta(doc, "title"), "Only a head");
  nb_doc_free(doc);
}

static void test_deep(void **state) {
  nb_buf b = NB_BUF_INIT;
  nb_doc *doc;
  char *text;
  int i;
  (void)state;
  nb_buf_puts(&b, "<html><body>");
  for (i = 0; i < 10000; i++)
    nb_buf_puts(&b, "<div>");
  nb_buf_printf(&b, "<p>DEEP_TEXT %s</p>", S_para);
  for (i = 0; i < 10000; i++)
    nb_buf_puts(&b, "</div>");
  nb_buf_puts(&b, "</body></html>");
  doc = S_read_page(b.data, NULL, NB_EXTRACT_AUTO);
  text = S_text(doc);
  assert_non_null(strstr(text, "DEEP_TEXT"));
  free(text);
  nb_doc_free(doc);
  nb_buf_free(&b);
}

static void test_is_page(void **state) {
  (void)state;
  assert_true(nb_is_page("<!DOCTYPE html><p>x", 19));
  assert_true(nb_is_page("\xEF\xBB\xBF <!-- c --> <html lang=en>", 30));
  assert_true(nb_is_page("<?xml version=\"1.0\"?>\n<html>", 28));
  assert_true(nb_is_page("<body>", 6));
  assert_false(nb_is_page("<p>fragment</p>", 15));
  assert_false(nb_is_page("<htmlx>", 7));
  assert_false(nb_is_page("---\ntitle: x\n---\n<html>", 23));
  assert_false(nb_is_page("", 0));
}

/* Through nb_read_article: auto extracts .html pages, leaves article
 * bodies alone; always extracts those too. */
static void test_modes(void **state) {
  static const char md[] =
      "---\ntitle: An article\n---\n"
      "<div class=\"nav\"><a href=\"/\">Home</a> <a href=\"/x\">X</a></div>"
      "<p>Body paragraph one of the article, with enough words in it to "
      "count as prose for any extractor.</p><p>Second body paragraph, also "
      "long enough to be prose in the eyes of the scorer.</p>";
  char *html = S_news_page(), *text;
  nb_read_options o;
  nb_error err;
  nb_doc *doc;
  (void)state;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_READ_ABI_VERSION;
  doc = nb_read_article("news.html", html, strlen(html), &o, NULL, &err);
  assert_non_null(doc);
  text = S_text(doc);
  assert_null(strstr(text, "NAV_TEXT"));
  assert_string_equal(nb_doc_get_meta(doc, "path"), "news.html");
  free(text);
  nb_doc_free(doc);
  doc = nb_read_article("a.md", md, sizeof md - 1, &o, NULL, &err);
  text = S_text(doc);
  assert_non_null(strstr(text, "Home"));
  free(text);
  nb_doc_free(doc);
  o.extract = NB_EXTRACT_ALWAYS;
  doc = nb_read_article("a.md", md, sizeof md - 1, &o, NULL, &err);
  text = S_text(doc);
  assert_null(strstr(text, "Home"));
  assert_non_null(strstr(text, "Second body paragraph"));
  assert_string_equal(nb_doc_get_meta(doc, "title"), "An article");
  free(text);
  nb_doc_free(doc);
  free(html);
}

static void test_limit(void **state) {
  nb_read_options o;
  nb_error err;
  (void)state;
  memset(&o, 0, sizeof o);
  o.abi_version = NB_READ_ABI_VERSION;
  o.max_input_bytes = 10;
  assert_null(nb_read_page("big.html", NULL, "<html><body>0123456789", 22, NULL,
                           &o, NULL, &err));
  assert_int_equal(err.code, NB_ERR_LIMIT);
  assert_non_null(strstr(err.message, "limit"));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_article_not_page),
                                     cmocka_unit_test(test_metadata),
                                     cmocka_unit_test(test_jsonld),
                                     cmocka_unit_test(test_titles),
                                     cmocka_unit_test(test_images_and_links),
                                     cmocka_unit_test(test_split_article),
                                     cmocka_unit_test(test_jsonld_body_hint),
                                     cmocka_unit_test(test_plain_document),
                                     cmocka_unit_test(test_small_pages),
                                     cmocka_unit_test(test_deep),
                                     cmocka_unit_test(test_is_page),
                                     cmocka_unit_test(test_modes),
                                     cmocka_unit_test(test_limit)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
