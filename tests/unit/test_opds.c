/* The OPDS shelf: catalog.xml lists every book of the directory newest
 * first, with working relative links (acquisition, cover, thumbnail),
 * sizes and titles read from the books themselves; it is well-formed Atom
 * with what RFC 4287 requires of a feed and its entries; a broken book is
 * listed by name with a warning; rebuilding gives the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "newsbook/deliver.h"
#include "newsbook/newsbook.h"
#include "util/util.h"

#define ATOM "http://www.w3.org/2005/Atom"

static char S_dir[256];
static int S_warnings;

static void S_report(void *ud, const nb_diagnostic *d) {
  (void)ud;
  if (d->severity >= NB_SEV_WARNING)
    S_warnings++;
}
static const nb_diag S_diag = {NB_DIAG_ABI_VERSION, S_report, NULL};

static int S_setup(void **state) {
  (void)state;
  snprintf(S_dir, sizeof S_dir, "/tmp/nb-opds-XXXXXX");
  assert_non_null(mkdtemp(S_dir));
  setenv("XDG_CACHE_HOME", S_dir, 1);
  return 0;
}

static int S_teardown(void **state) {
  char cmd[300];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_dir);
  assert_int_equal(system(cmd), 0);
  return 0;
}

/* Write a book of two articles dated @p date as @p name (.epub or .pdf),
 * with a generated cover. */
static void S_make_book(const char *name, const char *title, const char *date) {
  char md[1024], path[400];
  nb_resolve_options ro;
  nb_resources *set;
  nb_book *book = nb_book_new();
  nb_error err;
  int i;
  memset(&ro, 0, sizeof ro);
  ro.abi_version = NB_RESOLVE_ABI_VERSION;
  ro.offline = 1;
  ro.cache_dir = "";
  set = nb_resources_new(&ro, NULL);
  assert_non_null(book);
  assert_non_null(set);
  for (i = 0; i < 2; i++) {
    nb_doc *d;
    snprintf(md, sizeof md,
             "---\ntitle: 第%d篇 article %d\ndate: %s\n---\n"
             "<p>正文第%d段，some text.</p>\n",
             i + 1, i + 1, date, i + 1);
    d = nb_read_article(NULL, md, strlen(md), NULL, NULL, &err);
    assert_non_null(d);
    assert_int_equal(nb_resources_resolve_doc(set, d, &err), 0);
    assert_true(nb_book_add_doc(book, d));
  }
  nb_book_set_resources(book, set);
  nb_book_set_meta(book, "title", title);
  nb_book_finish(book);
  assert_int_equal(nb_book_generate_cover(book, &err), 0);
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  if (strstr(name, ".pdf"))
    assert_int_equal(nb_write_pdf(book, NULL, path, NULL, &err), 0);
  else
    assert_int_equal(nb_write_epub(book, NULL, path, NULL, &err), 0);
  nb_book_free(book);
  nb_resources_free(set);
}

static void S_write(const char *name, const char *text) {
  char path[400];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* An EPUB whose package document points its cover outside the zip. */
static void S_make_hostile_epub(const char *name) {
  char path[400];
  int e;
  zip_t *z;
  static const char container[] =
      "<?xml version=\"1.0\"?><container version=\"1.0\" "
      "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
      "<rootfile full-path=\"content.opf\" "
      "media-type=\"application/oebps-package+xml\"/></rootfiles>"
      "</container>";
  static const char opf[] =
      "<?xml version=\"1.0\"?><!DOCTYPE package [<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">]><package "
      "xmlns=\"http://www.idpf.org/2007/opf\" "
      "version=\"3.0\"><metadata "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Hostile "
      "&x;</dc:title><dc:date>2001-01-01</dc:date></metadata><manifest>"
      "<item id=\"c\" href=\"../../../../etc/passwd\" media-type=\"image/png\" "
      "properties=\"cover-image\"/></manifest></package>";
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
  assert_non_null(z);
  assert_true(
      zip_file_add(z, "META-INF/container.xml",
                   zip_source_buffer(z, container, strlen(container), 0),
                   0) >= 0);
  assert_true(zip_file_add(z, "content.opf",
                           zip_source_buffer(z, opf, strlen(opf), 0), 0) >= 0);
  assert_int_equal(zip_close(z), 0);
}

static long long S_size(const char *name) {
  char path[600];
  struct stat sb;
  snprintf(path, sizeof path, "%s/%s", S_dir, name);
  return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* Percent-decode a relative href; it must not leave the directory. */
static void S_unhref(const char *href, char *out, size_t size) {
  size_t o = 0;
  assert_null(strchr(href, '/'));
  assert_null(strchr(href, ':'));
  for (; *href && o + 1 < size; href++) {
    if (*href == '%') {
      char hex[3] = {href[1], href[2], 0};
      out[o++] = (char)strtol(hex, NULL, 16);
      href += 2;
    } else {
      out[o++] = *href;
    }
  }
  out[o] = '\0';
}

static xmlNode *S_child(xmlNode *n, const char *ns, const char *name,
                        int *count) {
  xmlNode *c, *first = NULL;
  *count = 0;
  for (c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && c->ns &&
        strcmp((const char *)c->ns->href, ns) == 0 &&
        strcmp((const char *)c->name, name) == 0) {
      if (!first)
        first = c;
      (*count)++;
    }
  return first;
}

static char *S_content(xmlNode *n) {
  xmlChar *t = xmlNodeGetContent(n);
  char *s = strdup((const char *)t);
  xmlFree(t);
  return s;
}

/* RFC 3339 date-time as Atom needs it. */
static int S_rfc3339(const char *s) {
  int y, mo, d, h, mi, se;
  char z;
  return sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se,
                &z) == 7 &&
         (z == 'Z' || z == '+' || z == '-');
}

/* The feed and entry elements RFC 4287 requires, once each. */
static void S_check_atom_required(xmlNode *n) {
  int c;
  xmlNode *x = S_child(n, ATOM, "id", &c);
  assert_int_equal(c, 1);
  assert_true(strlen((const char *)x->children->content) > 0);
  S_child(n, ATOM, "title", &c);
  assert_int_equal(c, 1);
  x = S_child(n, ATOM, "updated", &c);
  assert_int_equal(c, 1);
  assert_true(S_rfc3339((const char *)x->children->content));
}

typedef struct S_entry {
  char title[256], updated[64], epub[256], pdf[256], cover[256], thumb[256];
  long long epub_len, pdf_len;
} S_entry;

static size_t S_read_catalog(S_entry *out, size_t max) {
  char path[400];
  xmlDoc *doc;
  xmlNode *root, *e;
  size_t n = 0;
  int c;
  snprintf(path, sizeof path, "%s/catalog.xml", S_dir);
  doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
  assert_non_null(doc);
  root = xmlDocGetRootElement(doc);
  assert_string_equal((const char *)root->name, "feed");
  assert_string_equal((const char *)root->ns->href, ATOM);
  S_check_atom_required(root);
  S_child(root, ATOM, "author", &c);
  assert_int_equal(c, 1);
  for (e = root->children; e; e = e->next) {
    xmlNode *l;
    S_entry *x;
    if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry"))
      continue;
    assert_true(n < max);
    x = &out[n++];
    memset(x, 0, sizeof *x);
    S_check_atom_required(e);
    {
      char *t = S_content(S_child(e, ATOM, "title", &c));
      snprintf(x->title, sizeof x->title, "%s", t);
      free(t);
      t = S_content(S_child(e, ATOM, "updated", &c));
      snprintf(x->updated, sizeof x->updated, "%s", t);
      free(t);
    }
    /* no content means an alternate link is required */
    S_child(e, ATOM, "content", &c);
    assert_int_equal(c, 1);
    S_child(e, ATOM, "summary", &c);
    assert_int_equal(c, 1);
    for (l = e->children; l; l = l->next) {
      xmlChar *rel, *href, *type, *len;
      char file[256];
      if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, "link"))
        continue;
      rel = xmlGetProp(l, BAD_CAST "rel");
      href = xmlGetProp(l, BAD_CAST "href");
      type = xmlGetProp(l, BAD_CAST "type");
      len = xmlGetProp(l, BAD_CAST "length");
      assert_non_null(rel);
      assert_non_null(href);
      assert_non_null(type);
      S_unhref((const char *)href, file, sizeof file);
      assert_true(S_size(file) > 0); /* the link works */
      if (!strcmp((const char *)rel, "http://opds-spec.org/acquisition")) {
        if (!strcmp((const char *)type, "application/epub+zip")) {
          snprintf(x->epub, sizeof x->epub, "%s", file);
          x->epub_len = atoll((const char *)len);
          assert_int_equal(x->epub_len, S_size(file));
        } else {
          assert_string_equal((const char *)type, "application/pdf");
          snprintf(x->pdf, sizeof x->pdf, "%s", file);
          x->pdf_len = atoll((const char *)len);
          assert_int_equal(x->pdf_len, S_size(file));
        }
      } else if (!strcmp((const char *)rel, "http://opds-spec.org/image")) {
        snprintf(x->cover, sizeof x->cover, "%s", file);
      } else if (!strcmp((const char *)rel,
                         "http://opds-spec.org/image/thumbnail")) {
        snprintf(x->thumb, sizeof x->thumb, "%s", file);
        assert_string_equal((const char *)type, "image/jpeg");
      }
      xmlFree(rel);
      xmlFree(href);
      xmlFree(type);
      xmlFree(len);
    }
    assert_true(x->epub[0] || x->pdf[0]);
  }
  xmlFreeDoc(doc);
  return n;
}

static void test_shelf(void **state) {
  nb_opds_options o;
  nb_error err;
  S_entry e[10];
  size_t n, i;
  char *first = NULL, *second = NULL;
  size_t l1 = 0, l2 = 0;
  char path[800];
  (void)state;
  S_make_book("daily 2022-08-10.epub", "财联社 8月10日", "2022-08-10 09:00");
  S_make_book("daily 2022-08-10.pdf", "财联社 8月10日", "2022-08-10 09:00");
  S_make_book("daily-2022-08-12.epub", "财联社 8月12日", "2022-08-12 09:00");
  S_make_book("weekly.pdf", "Weekly #31", "2022-08-11 09:00");
  S_make_book("daily-2022-08-09.epub", "财联社 8月9日", "2022-08-09 09:00");
  S_write("broken.epub", "this is not a zip\n");
  S_write(".daily.epub.tmp-Ab12Cd", "being written");
  S_write("notes.txt", "not a book");
  S_make_hostile_epub("hostile.epub");

  memset(&o, 0, sizeof o);
  o.abi_version = NB_OPDS_ABI_VERSION;
  o.title = "My shelf";
  S_warnings = 0;
  assert_int_equal(nb_opds_update(S_dir, &o, &S_diag, &err), 0);
  assert_true(S_warnings >= 2); /* broken.epub; hostile.epub's cover */
  n = S_read_catalog(e, 10);
  assert_int_equal(n, 6);
  /* newest first: the broken one by its file time (today), then 08-12,
   * 08-11 (PDF), 08-10 (both formats), 08-09, and the hostile one of 2001 */
  assert_string_equal(e[0].title, "broken");
  assert_string_equal(e[1].title, "财联社 8月12日");
  assert_string_equal(e[2].title, "Weekly #31");
  assert_string_equal(e[3].title, "财联社 8月10日");
  assert_string_equal(e[4].title, "财联社 8月9日");
  assert_string_equal(e[5].epub, "hostile.epub");
  assert_string_equal(e[3].epub, "daily 2022-08-10.epub");
  assert_string_equal(e[3].pdf, "daily 2022-08-10.pdf");
  assert_string_equal(e[2].pdf, "weekly.pdf");
  assert_int_equal(e[2].epub[0], 0);
  for (i = 0; i + 1 < n; i++)
    assert_true(strcmp(e[i].updated, e[i + 1].updated) >= 0);
  /* covers come out of the EPUBs, with thumbnails made from them */
  assert_string_equal(e[1].cover, "daily-2022-08-12.cover.png");
  assert_string_equal(e[1].thumb, "daily-2022-08-12.thumb.jpg");
  assert_string_equal(e[3].cover, "daily 2022-08-10.cover.png");
  {
    int w, h;
    char *data = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", S_dir, e[1].thumb);
    assert_int_equal(nb_read_file(path, 0, &data, &len, &err), 0);
    assert_true(nb_image_size(data, len, &w, &h));
    assert_int_equal(h, 320);
    assert_true(w > 100 && w < 320);
    free(data);
  }
  for (i = 0; i < n; i++) {
    if (strcmp(e[i].epub, "broken.epub") == 0)
      assert_string_equal(e[i].title, "broken");
    if (strcmp(e[i].epub, "hostile.epub") == 0) {
      assert_null(strstr(e[i].title, "root:")); /* no entity expansion */
      assert_int_equal(e[i].cover[0], 0);
    }
  }
  /* the same directory, the same catalog */
  snprintf(path, sizeof path, "%s/catalog.xml", S_dir);
  assert_int_equal(nb_read_file(path, 0, &first, &l1, &err), 0);
  assert_int_equal(nb_opds_update(S_dir, &o, &S_diag, &err), 0);
  assert_int_equal(nb_read_file(path, 0, &second, &l2, &err), 0);
  assert_int_equal(l1, l2);
  assert_memory_equal(first, second, l1);
  free(first);
  free(second);
  /* a book removed is gone from the next catalog */
  snprintf(path, sizeof path, "%s/weekly.pdf", S_dir);
  unlink(path);
  assert_int_equal(nb_opds_update(S_dir, &o, &S_diag, &err), 0);
  assert_int_equal(S_read_catalog(e, 10), 5);
  /* and so are the cover and thumbnail extracted for it, nothing else */
  assert_true(S_size("daily-2022-08-09.cover.png") > 0);
  snprintf(path, sizeof path, "%s/daily-2022-08-09.epub", S_dir);
  unlink(path);
  assert_int_equal(nb_opds_update(S_dir, &o, &S_diag, &err), 0);
  assert_int_equal(S_read_catalog(e, 10), 4);
  assert_int_equal(S_size("daily-2022-08-09.cover.png"), -1);
  assert_int_equal(S_size("daily-2022-08-09.thumb.jpg"), -1);
  assert_true(S_size("daily-2022-08-12.thumb.jpg") > 0);
  assert_true(S_size("notes.txt") > 0);
  /* no temporary left behind */
  assert_int_equal(S_size(".daily.epub.tmp-Ab12Cd"), 13);
}

/* PDFs whose Info dictionary is missing, truncated or lies: listed by
 * their file names or what could be read, never a crash. */
static void test_hostile_pdfs(void **state) {
  char dir[300], cmd[400], path[400];
  nb_error err;
  FILE *f;
  int i;
  static const char *const pdfs[] = {
      "%PDF-1.4\n1 0 obj\n<< /Title (unterminated \\( string\ntrailer\n"
      "<< /Info 1 0 R >>\n",
      "%PDF-1.4\ntrailer << /Info 99999 0 R >>\n%%EOF\n",
      "%PDF-1.4\n7 0 obj << /Title <FEFFD800D800DC0041> /CreationDate "
      "(D:2) /ModDate (D:99999999999999) >> endobj\ntrailer << /Info 7 0 R "
      ">>\n",
      "%PDF-1.4\n3 0 obj << /Title (\\101\\102\\0) /Author <4> >>\n"
      "trailer << /Info 3 0 R >>",
      "\x00\x01/Info/Info/Info 1 0 R 1 0 obj<<>>",
  };
  (void)state;
  snprintf(dir, sizeof dir, "%s/hostile", S_dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  assert_int_equal(system(cmd), 0);
  for (i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/h%d.pdf", dir, i);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(pdfs[i], 1, strlen(pdfs[i]), f);
    fclose(f);
  }
  assert_int_equal(nb_opds_update(dir, NULL, NULL, &err), 0);
  snprintf(path, sizeof path, "%s/catalog.xml", dir);
  {
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    xmlNode *e;
    int n = 0;
    assert_non_null(doc);
    for (e = xmlDocGetRootElement(doc)->children; e; e = e->next)
      n += e->type == XML_ELEMENT_NODE &&
           !strcmp((const char *)e->name, "entry");
    assert_int_equal(n, 5);
    xmlFreeDoc(doc);
  }
}

static void test_missing_dir(void **state) {
  nb_error err;
  (void)state;
  assert_int_not_equal(nb_opds_update("/nonexistent/shelf", NULL, NULL, &err),
                       0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shelf),
      cmocka_unit_test(test_hostile_pdfs),
      cmocka_unit_test(test_missing_dir),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
