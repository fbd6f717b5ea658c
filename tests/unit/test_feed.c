/* The feed reader: JSON Feed 1.0/1.1 items as documents, what every item
 * keeps to be known again (GUID, link), links and images made absolute
 * against the feed's address and xml:base, the character set a fetched
 * feed is read in when the header, the declaration and the bytes disagree,
 * and clear errors for what is not a feed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "newsbook/reader.h"

#define S_MAX 16

typedef struct S_items {
  int n;
  nb_doc *docs[S_MAX];
} S_items;

static int S_take(void *ud, nb_doc *doc) {
  S_items *it = ud;
  if (it->n < S_MAX)
    it->docs[it->n++] = doc;
  else
    nb_doc_free(doc);
  return 0;
}

static void S_free(S_items *it) {
  int i;
  for (i = 0; i < it->n; i++)
    nb_doc_free(it->docs[i]);
  it->n = 0;
}

typedef struct S_diags {
  int n;
  char all[4096];
} S_diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  size_t l = strlen(s->all);
  snprintf(s->all + l, sizeof s->all - l, "%s|", d->message);
  s->n++;
}

static S_diags S_d;
static const nb_diag S_diag = {NB_DIAG_ABI_VERSION, S_report, &S_d};

static int S_read(const char *url, const char *charset, const char *data,
                  size_t len, S_items *it, nb_error *err) {
  memset(it, 0, sizeof *it);
  memset(&S_d, 0, sizeof S_d);
  if (url)
    return nb_read_feed_url(url, charset, data, len, NULL, &S_diag, S_take, it,
                            err);
  return nb_read_feed("feed.json", data, len, NULL, &S_diag, S_take, it, err);
}

static char *S_text(nb_doc *doc) {
  return nb_node_text(nb_doc_root(doc));
}

static int S_has_text(nb_doc *doc, const char *s) {
  char *t = S_text(doc);
  int r = t && strstr(t, s) != NULL;
  free(t);
  return r;
}

/* The URL of the first IMAGE (or LINK when @p link) in @p doc. */
static const char *S_first_url(nb_doc *doc, int link) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  const char *u = NULL;
  nb_event ev;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev == NB_EVENT_ENTER &&
        nb_node_get_type(n) == (link ? NB_NODE_LINK : NB_NODE_IMAGE)) {
      u = nb_node_get_url(n);
      break;
    }
  }
  nb_iter_free(it);
  return u;
}

static const char S_JSON11[] =
    "{\"version\": \"https://jsonfeed.org/version/1.1\",\n"
    " \"title\": \"JSON 频道\", \"language\": \"zh-CN\",\n"
    " \"home_page_url\": \"https://example.org/\",\n"
    " \"authors\": [{\"name\": \"频道作者\"}],\n"
    " \"items\": [\n"
    "  {\"id\": \"a1\", \"url\": \"/posts/1\", \"title\": \"第一篇\",\n"
    "   \"content_html\": \"<p>正文 BODY_ONE <img src=\\\"pic.jpg\\\"> <a "
    "href=\\\"../x\\\">x</a></p>\",\n"
    "   \"summary\": \"SUMMARY_ONE\", \"date_published\": "
    "\"2022-08-10T12:38:31+08:00\",\n"
    "   \"authors\": [{\"name\": \"甲\"}, {\"name\": \"乙\"}, {\"url\": "
    "\"nameless\"}],\n"
    "   \"tags\": [\"科技\", 7, \"测试\"], \"image\": \"/img/lead.jpg\",\n"
    "   \"banner_image\": \"/img/banner.jpg\", \"language\": \"ja\"},\n"
    "  {\"id\": 42, \"content_text\": \"TEXT_ONE <b>not bold</b> & co\\n"
    "line two\\n\\nTEXT_TWO\", \"date_modified\": \"2022-08-09\",\n"
    "   \"banner_image\": \"https://cdn.example.org/b.jpg\"},\n"
    "  {\"id\": \"https://example.org/p/3\", \"summary\": \"SUMMARY_ONLY\", "
    "\"title\": \"三\"},\n"
    "  {\"id\": \"e4\", \"external_url\": \"https://other.example/x\", "
    "\"title\": \"四\", \"content_html\": \"<p>EXT</p>\"},\n"
    "  17,\n"
    "  {\"id\": \"nul\", \"title\": \"NUL\\u0000TITLE\", \"content_html\": "
    "\"\"}\n"
    " ]}\n";

static void test_json_feed_11(void **state) {
  S_items it;
  nb_error err;
  nb_doc *d;
  nb_date date;
  (void)state;
  assert_true(nb_is_feed(S_JSON11, sizeof S_JSON11 - 1));
  assert_int_equal(S_read("https://example.org/feed.json", NULL, S_JSON11,
                          sizeof S_JSON11 - 1, &it, &err),
                   5);
  assert_int_equal(it.n, 5);
  assert_non_null(strstr(S_d.all, "item 5 is not an object"));

  d = it.docs[0];
  assert_string_equal(nb_doc_get_meta(d, "title"), "第一篇");
  assert_string_equal(nb_doc_get_meta(d, "guid"), "a1");
  assert_string_equal(nb_doc_get_meta(d, "source"),
                      "https://example.org/posts/1");
  assert_string_equal(nb_doc_get_meta(d, "feed"),
                      "https://example.org/feed.json");
  assert_null(nb_doc_get_meta(d, "path"));
  assert_string_equal(nb_doc_get_meta(d, "feed_title"), "JSON 频道");
  assert_string_equal(nb_doc_get_meta(d, "description"), "SUMMARY_ONE");
  assert_string_equal(nb_doc_get_meta(d, "headimg"),
                      "https://example.org/img/lead.jpg");
  assert_string_equal(nb_doc_get_meta(d, "banner_image"),
                      "https://example.org/img/banner.jpg");
  assert_string_equal(nb_doc_get_meta(d, "lang"), "ja");
  date = nb_doc_get_date(d);
  assert_true(date.valid);
  assert_int_equal(date.tz_minutes, 480);
  assert_int_equal(nb_doc_author_count(d), 2);
  assert_string_equal(nb_doc_author(d, 1), "乙");
  assert_int_equal(nb_doc_category_count(d), 2);
  assert_string_equal(nb_doc_category(d, 1), "测试");
  assert_true(S_has_text(d, "BODY_ONE"));
  /* relative references resolve against the item's url */
  assert_string_equal(S_first_url(d, 0), "https://example.org/posts/pic.jpg");
  assert_string_equal(S_first_url(d, 1), "https://example.org/x");

  d = it.docs[1];
  assert_string_equal(nb_doc_get_meta(d, "guid"), "42");
  assert_null(nb_doc_get_meta(d, "source"));
  /* no title: the start of the text, without a warning (optional here) */
  assert_string_equal(nb_doc_get_meta(d, "title"),
                      "TEXT_ONE <b>not bold</b> & co");
  assert_null(strstr(S_d.all, "without a title"));
  assert_true(S_has_text(d, "<b>not bold</b> & co"));
  assert_true(S_has_text(d, "TEXT_TWO"));
  assert_string_equal(nb_doc_author(d, 0), "频道作者"); /* the feed's */
  assert_string_equal(nb_doc_get_meta(d, "lang"), "zh-CN");
  assert_string_equal(nb_doc_get_meta(d, "headimg"),
                      "https://cdn.example.org/b.jpg");
  assert_true(nb_doc_get_date(d).valid);
  {
    /* a line break in content_text stays one, a blank line parts blocks */
    nb_node *p1 = nb_node_first_child(nb_doc_root(d)), *c;
    int breaks = 0;
    assert_int_equal(nb_node_get_type(p1), NB_NODE_PARAGRAPH);
    for (c = nb_node_first_child(p1); c; c = nb_node_next(c))
      breaks += nb_node_get_type(c) == NB_NODE_LINEBREAK;
    assert_int_equal(breaks, 1);
    assert_non_null(nb_node_next(p1));
  }

  d = it.docs[2];
  assert_string_equal(nb_doc_get_meta(d, "source"), "https://example.org/p/3");
  assert_true(S_has_text(d, "SUMMARY_ONLY"));
  assert_null(nb_doc_get_meta(d, "description"));

  d = it.docs[3];
  assert_string_equal(nb_doc_get_meta(d, "external_url"),
                      "https://other.example/x");
  assert_string_equal(nb_doc_get_meta(d, "source"), "https://other.example/x");

  d = it.docs[4];
  assert_string_equal(nb_doc_get_meta(d, "title"), "NULTITLE");
  S_free(&it);
}

static void test_json_feed_10(void **state) {
  static const char v10[] =
      "\xEF\xBB\xBF  {\"items\": [{\"id\": \"1\", \"title\": \"T\", "
      "\"content_html\": \"<p>B <img src='i.png'></p>\", \"author\": "
      "{\"name\": \"旧作者\"}}, {\"id\": \"2\", \"title\": \"U\", "
      "\"content_text\": \"x\"}], \"author\": {\"name\": \"频道\"},"
      "\"feed_url\": \"https://example.com/f/feed.json\", "
      "\"version\": \"https:\\/\\/jsonfeed.org\\/version\\/1\"}";
  S_items it;
  nb_error err;
  (void)state;
  assert_true(nb_is_feed(v10, sizeof v10 - 1));
  /* a file: relative references resolve against feed_url */
  assert_int_equal(S_read(NULL, NULL, v10, sizeof v10 - 1, &it, &err), 2);
  assert_string_equal(nb_doc_author(it.docs[0], 0), "旧作者");
  assert_string_equal(nb_doc_author(it.docs[1], 0), "频道");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "path"), "feed.json");
  assert_string_equal(S_first_url(it.docs[0], 0),
                      "https://example.com/f/i.png");
  S_free(&it);
}

static void test_json_errors(void **state) {
  S_items it;
  nb_error err;
  char deep[400];
  static const char notfeed[] = "{\"jsonfeed.org\": 1, \"version\": 2}";
  static const char trunc[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [";
  static const char noitems[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"x\"}";
  static const char baditems[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": 3}";
  static const char trailing[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": "
      "[{\"id\":\"1\",\"title\":\"t\"}]} garbage";
  static const char invalid[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\",\n\n \"items\": "
      "[{\"id\": 1,, }]}";
  static const char badutf8[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": "
      "[{\"id\":\"1\",\"title\":\"a\xff\xfe b\"}]}";
  size_t i;
  (void)state;
  assert_false(nb_is_feed("{\"a\": 1}", 8));
  assert_false(nb_is_feed("[\"jsonfeed.org\"]", 16));
  assert_int_equal(S_read(NULL, NULL, notfeed, sizeof notfeed - 1, &it, &err),
                   NB_ERR_FORMAT);
  assert_non_null(strstr(err.message, "not a JSON Feed"));
  assert_int_equal(S_read(NULL, NULL, trunc, sizeof trunc - 1, &it, &err),
                   NB_ERR_SYNTAX);
  assert_non_null(strstr(err.message, "truncated"));
  assert_int_equal(err.line, 2);
  assert_int_equal(S_read(NULL, NULL, noitems, sizeof noitems - 1, &it, &err),
                   0);
  assert_int_equal(S_read(NULL, NULL, baditems, sizeof baditems - 1, &it, &err),
                   NB_ERR_FORMAT);
  assert_int_equal(S_read(NULL, NULL, trailing, sizeof trailing - 1, &it, &err),
                   1);
  assert_non_null(strstr(S_d.all, "after the end of the JSON Feed ignored"));
  S_free(&it);
  assert_int_equal(S_read(NULL, NULL, invalid, sizeof invalid - 1, &it, &err),
                   NB_ERR_SYNTAX);
  assert_non_null(strstr(err.message, "not valid JSON"));
  assert_int_equal(err.line, 3);
  assert_int_equal(S_read(NULL, NULL, badutf8, sizeof badutf8 - 1, &it, &err),
                   1);
  assert_non_null(strstr(S_d.all, "invalid UTF-8"));
  assert_non_null(strstr(nb_doc_get_meta(it.docs[0], "title"), "\xEF\xBF\xBD"));
  S_free(&it);
  /* nesting beyond the cap is refused, not recursed into */
  strcpy(deep, "{\"version\": \"https://jsonfeed.org/version/1.1\", \"x\": ");
  for (i = strlen(deep); i < 300; i++)
    deep[i] = '[';
  deep[i] = '\0';
  assert_int_equal(S_read(NULL, NULL, deep, strlen(deep), &it, &err),
                   NB_ERR_LIMIT);
  assert_non_null(strstr(err.message, "deeper than"));
}

/* Titles, names, ids and links are one line (control characters and line
 * breaks become spaces); a link with a scheme other than http(s) is not
 * kept; bodies keep their lines. An XML declaration whose encoding is not
 * a name is no declaration. */
static void test_one_line(void **state) {
  static const char j[] =
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": "
      "[{\"id\": \"a\\nb\", \"title\": \"T1\\n\\tT2\\u0001T3\", "
      "\"url\": \"https://e.com/a\\u0007b\", \"external_url\": "
      "\"data:text/html,x\", \"authors\": [{\"name\": \"A\\r\\nB\"}], "
      "\"content_text\": \"L1\\nL2\", \"summary\": \"S1\\nS2\"}]}";
  static const char x[] =
      "<?xml version=\"1.0\" encoding=\"x\n\"?><rss><channel><item><title>"
      "OK</title></item></channel></rss>";
  S_items it;
  nb_error err;
  (void)state;
  assert_int_equal(S_read(NULL, NULL, j, sizeof j - 1, &it, &err), 1);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "title"), "T1 T2 T3");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "guid"), "a b");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "source"),
                      "https://e.com/a b");
  assert_null(nb_doc_get_meta(it.docs[0], "external_url"));
  assert_string_equal(nb_doc_author(it.docs[0], 0), "A B");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "description"), "S1 S2");
  S_free(&it);
  assert_int_equal(S_read("https://e.com/f", "gbk", x, sizeof x - 1, &it, &err),
                   1);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "title"), "OK");
  assert_null(strchr(S_d.all, '\n'));
  S_free(&it);
}

/* RSS guid, Atom id and rdf:about are kept as "guid"; the link as the
 * source, made absolute against xml:base and the feed's URL. */
static void test_guid_and_links(void **state) {
  static const char rss[] =
      "<?xml version=\"1.0\"?><rss version=\"2.0\" "
      "xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>"
      "<title>频道</title>"
      "<item><title>A</title><link>/a.html</link><guid "
      "isPermaLink=\"false\">urn:a</guid><description>&lt;img "
      "src=\"i/a.jpg\"&gt;&lt;a href=\"#top\"&gt;t&lt;/a&gt;</description>"
      "<enclosure url=\"/e.mp3\" type=\"audio/mpeg\"/>"
      "<enclosure url=\"/e.jpg\" type=\"image/jpeg\"/></item>"
      "<item><description>only &lt;b&gt;text&lt;/b&gt; here</description>"
      "<guid>https://example.net/b</guid>"
      "<media:thumbnail url=\"thumb.png\"/></item>"
      "</channel></rss>";
  static const char atom[] =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xml:base=\"https://example.com/blog/\"><title>T</title>"
      "<entry><id>tag:x,2022:1</id><title>E</title>"
      "<link rel=\"alternate\" href=\"2022/e.html\"/>"
      "<content type=\"html\" xml:base=\"https://cdn.example.com/\">"
      "&lt;img src=\"e.png\"&gt;</content></entry></feed>";
  static const char rdf[] =
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
      "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>R</title></channel>"
      "<item rdf:about=\"https://example.org/r1\"><title>R1</title>"
      "<description>d</description></item></rdf:RDF>";
  S_items it;
  nb_error err;
  (void)state;
  assert_int_equal(S_read("http://example.net/feed/rss.xml", NULL, rss,
                          sizeof rss - 1, &it, &err),
                   2);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "guid"), "urn:a");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "source"),
                      "http://example.net/a.html");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "headimg"),
                      "http://example.net/e.jpg");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "feed_title"), "频道");
  assert_string_equal(S_first_url(it.docs[0], 0),
                      "http://example.net/feed/i/a.jpg");
  assert_string_equal(S_first_url(it.docs[0], 1), "#top");
  assert_string_equal(nb_doc_get_meta(it.docs[1], "guid"),
                      "https://example.net/b");
  assert_string_equal(nb_doc_get_meta(it.docs[1], "source"),
                      "https://example.net/b");
  assert_string_equal(nb_doc_get_meta(it.docs[1], "headimg"),
                      "http://example.net/feed/thumb.png");
  /* RSS items should have titles: one from the text, with a warning */
  assert_string_equal(nb_doc_get_meta(it.docs[1], "title"), "only text here");
  assert_non_null(strstr(S_d.all, "without a title; using \"only text here\""));
  S_free(&it);

  assert_int_equal(S_read("https://example.com/feed.atom", NULL, atom,
                          sizeof atom - 1, &it, &err),
                   1);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "guid"), "tag:x,2022:1");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "source"),
                      "https://example.com/blog/2022/e.html");
  assert_string_equal(S_first_url(it.docs[0], 0),
                      "https://cdn.example.com/e.png");
  S_free(&it);

  assert_int_equal(S_read("https://example.org/index.rdf", NULL, rdf,
                          sizeof rdf - 1, &it, &err),
                   1);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "guid"),
                      "https://example.org/r1");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "source"),
                      "https://example.org/r1");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "feed_title"), "R");
  S_free(&it);

  /* a file: local references stay as written; the path is kept */
  memset(&it, 0, sizeof it);
  assert_int_equal(nb_read_feed("/srv/feeds/rss.xml", rss, sizeof rss - 1, NULL,
                                NULL, S_take, &it, &err),
                   2);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "source"), "/a.html");
  assert_string_equal(S_first_url(it.docs[0], 0), "i/a.jpg");
  assert_string_equal(nb_doc_get_meta(it.docs[0], "path"),
                      "/srv/feeds/rss.xml");
  assert_null(nb_doc_get_meta(it.docs[0], "feed"));
  S_free(&it);
}

/* "编码" in GBK, and the same feed in UTF-8 and GBK, with and without an
 * XML declaration. */
#define S_GBK "\xB1\xE0\xC2\xEB"
#define S_UTF8 "\xE7\xBC\x96\xE7\xA0\x81"

static int S_title_is(const char *url, const char *charset, const char *data,
                      const char *want) {
  S_items it;
  nb_error err;
  int ok;
  if (S_read(url, charset, data, strlen(data), &it, &err) != 1)
    return 0;
  ok = strcmp(nb_doc_get_meta(it.docs[0], "title"), want) == 0;
  if (!ok)
    print_error("title %s\n", nb_doc_get_meta(it.docs[0], "title"));
  S_free(&it);
  return ok;
}

static void test_charsets(void **state) {
  const char *u = "http://example.com/f.xml";
  (void)state;
  /* UTF-8 bytes are UTF-8, whatever the header says */
  assert_true(S_title_is(u, "iso-8859-1",
                         "<rss><channel><item><title>" S_UTF8
                         "</title></item></channel></rss>",
                         S_UTF8));
  assert_non_null(strstr(S_d.all, "bytes are UTF-8"));
  /* ... or the declaration */
  assert_true(
      S_title_is(u, NULL,
                 "<?xml version=\"1.0\" encoding=\"GBK\"?><rss><channel>"
                 "<item><title>" S_UTF8 "</title></item></channel></rss>",
                 S_UTF8));
  assert_non_null(strstr(S_d.all, "XML declaration"));
  /* GBK bytes declared GBK, whatever the header says */
  assert_true(
      S_title_is(u, "utf-8",
                 "<?xml version=\"1.0\" encoding=\"GBK\"?><rss><channel>"
                 "<item><title>" S_GBK "</title></item></channel></rss>",
                 S_UTF8));
  assert_int_equal(S_d.n, 0);
  /* GBK bytes with no declaration: the header */
  assert_true(S_title_is(u, "gbk",
                         "<rss><channel><item><title>" S_GBK
                         "</title></item></channel></rss>",
                         S_UTF8));
  /* a declaration of UTF-8 that the bytes disprove: the header */
  assert_true(S_title_is(u, "gb18030",
                         "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>"
                         "<channel><item><title>" S_GBK
                         "</title></item></channel></rss>",
                         S_UTF8));
  assert_non_null(strstr(S_d.all, "as the HTTP Content-Type says"));
  /* a charset nobody knows: repaired as UTF-8, with a warning */
  assert_true(S_title_is(u, "x-no-such-charset",
                         "<rss><channel><item><title>a\xff"
                         "b</title></item></channel></rss>",
                         "a\xEF\xBF\xBD"
                         "b"));
  assert_non_null(strstr(S_d.all, "unknown here"));
  /* nothing to go by: repaired, with a warning */
  assert_true(S_title_is(u, NULL,
                         "<rss><channel><item><title>a\xff"
                         "b</title></item></channel></rss>",
                         "a\xEF\xBF\xBD"
                         "b"));
  assert_non_null(strstr(S_d.all, "invalid UTF-8"));
}

/* libxml2 stops at an entity bomb without expanding it; the feed is read
 * again without its DTD (entities are never expanded anyway), so nothing
 * after the bomb is lost, and the bomb is told. */
static void test_entity_bomb(void **state) {
  char bomb[4096];
  const char *names = "abcdefghi";
  size_t i;
  S_items it;
  nb_error err;
  (void)state;
  strcpy(bomb, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a "
               "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n");
  for (i = 1; i < 9; i++) {
    size_t k;
    snprintf(bomb + strlen(bomb), sizeof bomb - strlen(bomb), "<!ENTITY %c \"",
             names[i]);
    for (k = 0; k < 20; k++)
      snprintf(bomb + strlen(bomb), sizeof bomb - strlen(bomb), "&%c;",
               names[i - 1]);
    strcat(bomb, "\">\n");
  }
  strcat(bomb, "]>\n<rss><channel><item><title>BEFORE</title>"
               "<description>BEFORE_BODY</description></item>\n"
               "<title>&i;</title><item><title>AFTER</title></item>"
               "</channel></rss>");
  assert_int_equal(S_read(NULL, NULL, bomb, strlen(bomb), &it, &err), 2);
  assert_string_equal(nb_doc_get_meta(it.docs[0], "title"), "BEFORE");
  assert_string_equal(nb_doc_get_meta(it.docs[1], "title"), "AFTER");
  assert_non_null(strstr(S_d.all, "DTD stops the XML parser"));
  assert_non_null(strstr(S_d.all, "entity"));
  S_free(&it);
}

static void test_resolve_urls(void **state) {
  nb_doc *d = nb_doc_new();
  nb_node *p = nb_node_new(d, NB_NODE_PARAGRAPH);
  nb_node *img = nb_node_new(d, NB_NODE_IMAGE), *img2, *a, *m;
  (void)state;
  nb_node_append_child(nb_doc_root(d), p);
  nb_node_set_url(img, "a b/c.jpg");
  nb_node_append_child(p, img);
  img2 = nb_node_new(d, NB_NODE_IMAGE);
  nb_node_set_url(img2, "data:image/png;base64,AAAA");
  nb_node_append_child(p, img2);
  a = nb_node_new(d, NB_NODE_LINK);
  nb_node_set_url(a, "//cdn.example.org/x?y=1");
  nb_node_append_child(p, a);
  m = nb_node_new(d, NB_NODE_LINK);
  nb_node_set_url(m, "mailto:x@example.org");
  nb_node_append_child(p, m);
  nb_doc_set_meta(d, "headimg", "../lead.jpg");
  nb_doc_set_meta(d, "source", "javascript:alert(1)");
  assert_int_equal(nb_read_resolve_urls(d, "https://example.org/a/b.html"), 1);
  assert_string_equal(nb_node_get_url(img),
                      "https://example.org/a/a%20b/c.jpg");
  assert_string_equal(nb_node_get_url(img2), "data:image/png;base64,AAAA");
  assert_string_equal(nb_node_get_url(a), "https://cdn.example.org/x?y=1");
  assert_string_equal(nb_node_get_url(m), "mailto:x@example.org");
  assert_string_equal(nb_doc_get_meta(d, "headimg"),
                      "https://example.org/lead.jpg");
  assert_string_equal(nb_doc_get_meta(d, "source"), "javascript:alert(1)");
  /* only an http(s) base is a base */
  assert_int_equal(nb_read_resolve_urls(d, "file:///etc/"), 0);
  nb_doc_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_feed_11),
      cmocka_unit_test(test_json_feed_10),
      cmocka_unit_test(test_json_errors),
      cmocka_unit_test(test_one_line),
      cmocka_unit_test(test_guid_and_links),
      cmocka_unit_test(test_charsets),
      cmocka_unit_test(test_entity_bomb),
      cmocka_unit_test(test_resolve_urls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
