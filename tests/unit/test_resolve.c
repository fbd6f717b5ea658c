/* The resolver: mirror lookups (query strings, percent-encoding,
 * protocol-relative URLs), local paths confined to the root (.., absolute
 * paths, symlinks, file: URLs), data: URIs, deduplication, conversions,
 * the cache, resolve_doc's warnings and the report, address classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "newsbook/resource.h"
#include "resource/internal.h"
#include "util/util.h"

#define MIRROR NB_SHARED "/corpus/mirror"

typedef struct S_diags {
  int n;
  char last[1024];
  char urls[64][512];
} S_diags;

static void S_report(void *ud, const nb_diagnostic *d) {
  S_diags *s = ud;
  if (s->n < 64)
    snprintf(s->urls[s->n], sizeof s->urls[s->n], "%s", d->url ? d->url : "");
  snprintf(s->last, sizeof s->last, "%s", d->message);
  s->n++;
}

static char S_dir[256];

static void S_write(const char *rel, const void *data, size_t n) {
  char path[512];
  FILE *fp;
  snprintf(path, sizeof path, "%s/%s", S_dir, rel);
  fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(data, 1, n, fp), n);
  fclose(fp);
}

/* A tiny PNG of one colour. */
static unsigned char *S_png(uint32_t argb, size_t *n) {
  nb_pixmap pm;
  nb_error err;
  unsigned char *out;
  int i;
  assert_int_equal(nb__pixmap_alloc(&pm, 3, 2, 0, &err), 0);
  for (i = 0; i < 6; i++)
    ((uint32_t *)(void *)pm.pixels)[i] = argb;
  assert_int_equal(nb_image_encode_png(&pm, &out, n, &err), 0);
  nb_pixmap_free(&pm);
  return out;
}

static int S_setup(void **state) {
  char path[512];
  unsigned char *png;
  size_t n;
  (void)state;
  snprintf(S_dir, sizeof S_dir, "/tmp/nb-resolve-XXXXXX");
  if (!mkdtemp(S_dir))
    return -1;
  snprintf(path, sizeof path, "%s/root", S_dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/root/sub", S_dir);
  mkdir(path, 0755);
  png = S_png(0xFF102030u, &n);
  S_write("root/a.png", png, n);
  S_write("root/sub/b c.png", png, n); /* a space, to be percent-encoded */
  S_write("outside.png", png, n);
  free(png);
  S_write("root/article.md", "---\ntitle: x\n---\n", 17);
  S_write("root/notimage.png", "<html>nope</html>", 17);
  snprintf(path, sizeof path, "%s/outside.png", S_dir);
  {
    char link[512];
    snprintf(link, sizeof link, "%s/root/link-out.png", S_dir);
    assert_int_equal(symlink(path, link), 0);
    snprintf(link, sizeof link, "%s/root/link-pw.png", S_dir);
    assert_int_equal(symlink("/etc/passwd", link), 0);
    snprintf(link, sizeof link, "%s/root/link-in.png", S_dir);
    assert_int_equal(symlink("a.png", link), 0);
  }
  return 0;
}

static int S_teardown(void **state) {
  char cmd[600];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", S_dir);
  return system(cmd) == 0 ? 0 : -1;
}

static nb_resources *S_set(S_diags *dg, nb_diag *diag, int webp_keep,
                           int maxw) {
  nb_resolve_options o;
  memset(&o, 0, sizeof o);
  memset(dg, 0, sizeof *dg);
  o.abi_version = NB_RESOLVE_ABI_VERSION;
  o.mirror_dir = MIRROR;
  o.cache_dir = "";
  o.offline = 1;
  o.webp_keep = webp_keep;
  o.max_image_width = maxw;
  diag->abi_version = NB_DIAG_ABI_VERSION;
  diag->report = S_report;
  diag->userdata = dg;
  return nb_resources_new(&o, diag);
}

static void test_mirror(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  const nb_resource *r, *r2;
  (void)state;
  /* a query string kept literally in the file name */
  r = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2019/4/24/16a4d7d10616b385?imageslim",
                       NULL, NULL);
  assert_non_null(r);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->origin, "mirror");
  assert_string_equal(r->media_type, "image/png");
  assert_int_equal(r->width, 480);
  assert_int_equal(r->uses, 1);
  /* the same again, with a fragment: same reference */
  r2 = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2019/4/24/16a4d7d10616b385?imageslim#x",
                        NULL, NULL);
  assert_ptr_equal(r, r2);
  assert_int_equal(r->uses, 2);
  /* '&' and '=' in the query */
  r = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2020/6/20/172d144898de3145?w=1300&h=1820&f=png&s=305759",
                       NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  /* protocol-relative, http and percent-encoded spellings */
  r = nb_resources_get(set, "//img.cls.cn/images/20210322/SG4G7dd5ie.jpg", NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->media_type, "image/jpeg");
  r2 = nb_resources_get(set, "http://img.cls.cn/images/20210322/%53G4G7dd5ie.jpg", NULL, NULL);
  assert_int_equal(r2->status, NB_RES_OK);
  assert_ptr_equal(r, r2); /* identical bytes: one resource */
  assert_string_equal(r->id, r2->id);
  assert_int_equal(strncmp(r->id, "img-", 4), 0);
  assert_int_equal(strlen(r->id), 4 + 32);
  /* absent: missing, offline, one warning naming the URL */
  assert_int_equal(dg.n, 0);
  r = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2019/4/24/16a4e2b56fc91f2a?imageslim",
                       NULL, NULL);
  assert_int_equal(r->status, NB_RES_MISSING);
  assert_int_equal(dg.n, 1);
  assert_string_equal(dg.urls[0], "https://user-gold-cdn.xitu.io/2019/4/24/16a4e2b56fc91f2a?imageslim");
  r = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2019/4/24/16a4e2b56fc91f2a?imageslim",
                       NULL, NULL);
  assert_int_equal(dg.n, 1); /* not again */
  /* no escaping the mirror */
  r = nb_resources_get(set, "https://img.cls.cn/../../../../etc/passwd", NULL, NULL);
  assert_int_not_equal(r->status, NB_RES_OK);
  r = nb_resources_get(set, "https://img.cls.cn/%2e%2e/%2e%2e/%2e%2e/etc/passwd", NULL, NULL);
  assert_int_not_equal(r->status, NB_RES_OK);
  nb_resources_free(set);
}

static void test_conversions(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  const nb_resource *r;
  nb_pixmap pm;
  nb_error err;
  (void)state;
  /* CMYK becomes an RGB JPEG with ImageMagick's colours */
  r = nb_resources_get(set, "https://img.cls.cn/images/20210322/g05e7HeIiA.jpg", NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->media_type, "image/jpeg");
  assert_string_equal(r->ext, "jpg");
  assert_int_equal(r->jpeg_components, 3);
  assert_int_equal(nb__jpeg_components(r->data, r->size), 3);
  assert_int_equal(nb_image_decode(r->data, r->size, 0, &pm, &err), 0);
  {
    double s[3] = {0, 0, 0};
    int x, y;
    for (y = 0; y < pm.height; y++)
      for (x = 0; x < pm.width; x++) {
        uint32_t p = ((uint32_t *)(void *)(pm.pixels + (size_t)y * pm.stride))[x];
        s[0] += (p >> 16) & 255;
        s[1] += (p >> 8) & 255;
        s[2] += p & 255;
      }
    s[0] /= (double)pm.width * pm.height;
    s[1] /= (double)pm.width * pm.height;
    s[2] /= (double)pm.width * pm.height;
    assert_true(s[0] > 111.5 && s[0] < 117.5);
    assert_true(s[1] > 168.9 && s[1] < 174.9);
    assert_true(s[2] > 174.9 && s[2] < 180.9);
  }
  nb_pixmap_free(&pm);
  /* RGB JPEG kept byte for byte */
  r = nb_resources_get(set, "https://img.cls.cn/images/20210322/SG4G7dd5ie.jpg", NULL, NULL);
  {
    char *d;
    size_t n;
    assert_int_equal(nb_read_file(MIRROR "/img.cls.cn/images/20210322/SG4G7dd5ie.jpg", 0, &d, &n, &err), 0);
    assert_int_equal(r->size, n);
    assert_memory_equal(r->data, d, n);
    free(d);
  }
  /* lossless WebP with alpha becomes PNG; lossy WebP becomes JPEG */
  r = nb_resources_get(set, "https://assets.leetcode.com/uploads/2021/02/19/tree.jpg", NULL, NULL);
  assert_string_equal(r->media_type, "image/png");
  assert_string_equal(r->ext, "png");
  assert_int_equal(r->width, 320);
  r = nb_resources_get(set, "https://user-gold-cdn.xitu.io/2019/4/24/16a4e2b56fa87b6a?imageslim", NULL, NULL);
  assert_string_equal(r->media_type, "image/jpeg");
  /* a GIF behind a .png URL stays a GIF */
  r = nb_resources_get(set, "https://oscimg.oschina.net/oscnet/up-bc66e7698915e47ee10f367449d36f5cfdc.png", NULL, NULL);
  assert_string_equal(r->media_type, "image/gif");
  assert_string_equal(r->ext, "gif");
  /* the truncated JPEG is kept from what decodes, with a warning */
  assert_int_equal(dg.n, 0);
  r = nb_resources_get(set, "https://oscimg.oschina.net/oscnet/da543c5d0d57baab0cecaa4670c8b68c521.jpg", NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_int_equal(r->width, 1080);
  assert_int_equal(dg.n, 1);
  assert_non_null(strstr(dg.last, "damaged"));
  nb_resources_free(set);

  /* --webp keep, --max-image-width */
  set = S_set(&dg, &diag, 1, 800);
  r = nb_resources_get(set, "https://assets.leetcode.com/uploads/2021/02/19/tree.jpg", NULL, NULL);
  assert_string_equal(r->media_type, "image/webp");
  r = nb_resources_get(set, "https://oscimg.oschina.net/oscnet/up-8115965e54f6cfa2b1c2e917a93afff1fae.png", NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->media_type, "image/jpeg");
  assert_int_equal(r->width, 800);
  assert_int_equal(r->height, 533);
  nb_resources_free(set);
}

static void test_local_confinement(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  char base[512], abs_out[512], abs_in[512];
  const nb_resource *r, *a;
  (void)state;
  snprintf(base, sizeof base, "%s/root/article.md", S_dir);
  snprintf(abs_out, sizeof abs_out, "%s/outside.png", S_dir);
  snprintf(abs_in, sizeof abs_in, "%s/root/a.png", S_dir);
  a = nb_resources_get(set, "a.png", base, NULL);
  assert_int_equal(a->status, NB_RES_OK);
  assert_string_equal(a->origin, "file");
  r = nb_resources_get(set, "sub/b%20c.png", base, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_ptr_equal(r, a); /* same bytes */
  r = nb_resources_get(set, "sub/../a.png", base, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  r = nb_resources_get(set, "link-in.png", base, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  r = nb_resources_get(set, abs_in, base, NULL);
  assert_int_equal(r->status, NB_RES_OK);

  r = nb_resources_get(set, "../outside.png", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "../../../../../../../etc/passwd", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "/etc/passwd", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, abs_out, base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "link-out.png", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "link-pw.png", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "%2e%2e/outside.png", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "file:///etc/passwd", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "FILE://localhost/etc/passwd", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "javascript:alert(1)", base, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  r = nb_resources_get(set, "missing.png", base, NULL);
  assert_int_equal(r->status, NB_RES_MISSING);
  r = nb_resources_get(set, "notimage.png", base, NULL);
  assert_int_equal(r->status, NB_RES_BROKEN);
  assert_non_null(strstr(r->reason, "HTML"));
  r = nb_resources_get(set, "sub", base, NULL);
  assert_int_not_equal(r->status, NB_RES_OK);
  /* with no article path there is nothing to be relative to */
  r = nb_resources_get(set, "a.png", NULL, NULL);
  assert_int_not_equal(r->status, NB_RES_OK);
  /* one warning per failing reference */
  assert_int_equal(dg.n, 14);
  nb_resources_free(set);

  /* a wider root lets ../ in, but only that far */
  {
    nb_resolve_options o;
    char root[512];
    memset(&o, 0, sizeof o);
    snprintf(root, sizeof root, "%s", S_dir);
    o.root_dir = root;
    o.cache_dir = "";
    o.offline = 1;
    set = nb_resources_new(&o, NULL);
    r = nb_resources_get(set, "../outside.png", base, NULL);
    assert_int_equal(r->status, NB_RES_OK);
    r = nb_resources_get(set, "../../etc/passwd", base, NULL);
    assert_int_equal(r->status, NB_RES_REFUSED);
    nb_resources_free(set);
  }
}

static void test_data_uri(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  const nb_resource *r, *a;
  unsigned char *png;
  size_t n, i;
  nb_buf b = NB_BUF_INIT;
  char base[512];
  static const char b64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  (void)state;
  png = S_png(0xFF102030u, &n);
  nb_buf_puts(&b, "data:image/png;base64,");
  for (i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)png[i] << 16 | (i + 1 < n ? (uint32_t)png[i + 1] << 8 : 0) |
                 (i + 2 < n ? png[i + 2] : 0);
    nb_buf_putc(&b, b64[v >> 18 & 63]);
    nb_buf_putc(&b, b64[v >> 12 & 63]);
    nb_buf_putc(&b, i + 1 < n ? b64[v >> 6 & 63] : '=');
    nb_buf_putc(&b, i + 2 < n ? b64[v & 63] : '=');
    if (i % 30 == 0)
      nb_buf_putc(&b, '\n'); /* line breaks are allowed */
  }
  r = nb_resources_get(set, b.data, NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->origin, "data");
  assert_string_equal(r->media_type, "image/png");
  assert_int_equal(r->size, n);
  assert_memory_equal(r->data, png, n);
  /* the same bytes from a file: one resource, two uses */
  snprintf(base, sizeof base, "%s/root/article.md", S_dir);
  a = nb_resources_get(set, "a.png", base, NULL);
  assert_ptr_equal(a, r);
  assert_int_equal(a->uses, 2);
  /* percent-encoded SVG */
  r = nb_resources_get(set,
                       "data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%20"
                       "width%3D%2210%22%3E%3Crect%20width%3D%2210%22%20height%3D%2210%22%2F%3E%3C%2Fsvg%3E",
                       NULL, NULL);
  assert_int_equal(r->status, NB_RES_OK);
  assert_string_equal(r->media_type, "image/svg+xml");
  assert_string_equal(r->ext, "svg");
  /* an SVG with a script is refused */
  r = nb_resources_get(set, "data:image/svg+xml,<svg><script>alert(1)</script></svg>", NULL, NULL);
  assert_int_equal(r->status, NB_RES_REFUSED);
  /* broken base64, and no comma */
  r = nb_resources_get(set, "data:image/png;base64,!!!!", NULL, NULL);
  assert_int_equal(r->status, NB_RES_BROKEN);
  r = nb_resources_get(set, "data:image/png;base64", NULL, NULL);
  assert_int_equal(r->status, NB_RES_BROKEN);
  r = nb_resources_get(set, "data:text/plain,hello", NULL, NULL);
  assert_int_equal(r->status, NB_RES_BROKEN);
  assert_int_equal(dg.n, 4);
  /* count: the PNG, the SVG, and one per failure */
  assert_int_equal(nb_resources_count(set), 6);
  nb_buf_free(&b);
  free(png);
  nb_resources_free(set);
}

static void test_resolve_doc(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  nb_doc *doc = nb_doc_new();
  nb_node *p = nb_node_new(doc, NB_NODE_PARAGRAPH), *imgs[6], *deep;
  nb_error err;
  char base[512], *json;
  const char *urls[6] = {
      "https://img.cls.cn/images/20210322/SG4G7dd5ie.jpg",
      "https://img.cls.cn/images/20210322/SG4G7dd5ie.jpg",
      "https://img.cls.cn/missing.png",
      "https://img.cls.cn/missing.png",
      "a.png",
      "//img.cls.cn/images/20210322/SG4G7dd5ie.jpg",
  };
  int i;
  (void)state;
  snprintf(base, sizeof base, "%s/root/article.md", S_dir);
  nb_doc_set_meta(doc, "path", base);
  nb_doc_set_meta(doc, "source", "https://www.cls.cn/detail/1");
  nb_doc_set_meta(doc, "headimg", "https://img.cls.cn/images/20210322/g05e7HeIiA.jpg");
  assert_int_equal(nb_node_append_child(nb_doc_root(doc), p), 1);
  for (i = 0; i < 6; i++) {
    imgs[i] = nb_node_new(doc, NB_NODE_IMAGE);
    nb_node_set_url(imgs[i], urls[i]);
    nb_node_set_line(imgs[i], 10 + i);
    assert_int_equal(nb_node_append_child(p, imgs[i]), 1);
  }
  /* an image deep inside nested quotes is found without recursion */
  {
    nb_node *parent = nb_doc_root(doc), *q, *pp;
    for (i = 0; i < 5000; i++) {
      q = nb_node_new(doc, NB_NODE_BLOCKQUOTE);
      nb_node_append_child(parent, q);
      parent = q;
    }
    pp = nb_node_new(doc, NB_NODE_PARAGRAPH);
    nb_node_append_child(parent, pp);
    deep = nb_node_new(doc, NB_NODE_IMAGE);
    nb_node_set_url(deep, "a.png");
    nb_node_append_child(pp, deep);
  }
  assert_int_equal(nb_resources_resolve_doc(set, doc, &err), 0);
  assert_non_null(nb_node_get_resource(imgs[0]));
  assert_ptr_equal(nb_node_get_resource(imgs[0]), nb_node_get_resource(imgs[1]));
  assert_ptr_equal(nb_node_get_resource(imgs[0]), nb_node_get_resource(imgs[5]));
  assert_int_equal(nb_node_get_resource(imgs[0])->uses, 3);
  assert_int_equal(nb_node_get_resource(imgs[2])->status, NB_RES_MISSING);
  assert_ptr_equal(nb_node_get_resource(deep), nb_node_get_resource(imgs[4]));
  assert_int_equal(nb_node_get_resource(deep)->uses, 2);
  /* exactly one warning per distinct failing URL */
  assert_int_equal(dg.n, 1);
  assert_string_equal(dg.urls[0], "https://img.cls.cn/missing.png");
  assert_non_null(strstr(dg.last, "https://img.cls.cn/missing.png"));
  /* the lead image */
  assert_non_null(nb_resources_lead(set, doc));
  assert_int_equal(nb_resources_lead(set, doc)->width, 640);
  /* the report lists every distinct reference */
  json = nb_resources_report_json(set);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"url\": \"https://img.cls.cn/missing.png\", \"status\": \"missing\""));
  assert_non_null(strstr(json, "\"uses\": 2"));
  assert_non_null(strstr(json, "\"origin\": \"mirror\""));
  assert_non_null(strstr(json, "\"media_type\": \"image/jpeg\""));
  free(json);
  /* resolving again adds no warnings */
  assert_int_equal(nb_resources_resolve_doc(set, doc, &err), 0);
  assert_int_equal(dg.n, 1);
  nb_doc_free(doc);
  nb_resources_free(set);
}

static void test_add_bytes(void **state) {
  S_diags dg;
  nb_diag diag;
  nb_resources *set = S_set(&dg, &diag, 0, 0);
  unsigned char *png;
  size_t n;
  const nb_resource *r, *r2;
  (void)state;
  png = S_png(0xFF00FF00u, &n);
  r = nb_resources_add_bytes(set, "cover.png", png, n);
  assert_non_null(r);
  assert_int_equal(r->status, NB_RES_OK);
  assert_int_equal(r->width, 3);
  r2 = nb_resources_add_bytes(set, "again.png", png, n);
  assert_ptr_equal(r, r2);
  r = nb_resources_add_bytes(set, "bad", "nope", 4);
  assert_int_equal(r->status, NB_RES_BROKEN);
  free(png);
  nb_resources_free(set);
  nb_resources_free(NULL);
}

static void test_cache(void **state) {
  char dir[512];
  unsigned char *d;
  size_t n;
  (void)state;
  snprintf(dir, sizeof dir, "%s/cache", S_dir);
  assert_int_equal(nb__cache_get(dir, "https://x.example/a.png", 0, &d, &n), 0);
  nb__cache_put(dir, "https://x.example/a.png", (const unsigned char *)"\x89PNGxyz", 7);
  nb__cache_put(dir, "https://x.example/b.png", (const unsigned char *)"\x89PNGxyz", 7);
  assert_int_equal(nb__cache_get(dir, "https://x.example/a.png", 0, &d, &n), 1);
  assert_int_equal(n, 7);
  assert_memory_equal(d, "\x89PNGxyz", 7);
  free(d);
  assert_int_equal(nb__cache_get(dir, "https://x.example/b.png", 0, &d, &n), 1);
  free(d);
  assert_int_equal(nb__cache_get(dir, "https://x.example/c.png", 0, &d, &n), 0);
  assert_null(nb__cache_dir(""));
  d = (unsigned char *)nb__cache_dir("/x/y");
  assert_string_equal((char *)d, "/x/y");
  free(d);
}

static int S_priv4(const char *a) {
  struct sockaddr_in in;
  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  assert_int_equal(inet_pton(AF_INET, a, &in.sin_addr), 1);
  return nb__addr_is_private(&in);
}

static int S_priv6(const char *a) {
  struct sockaddr_in6 in;
  memset(&in, 0, sizeof in);
  in.sin6_family = AF_INET6;
  assert_int_equal(inet_pton(AF_INET6, a, &in.sin6_addr), 1);
  return nb__addr_is_private(&in);
}

static void test_addresses(void **state) {
  (void)state;
  assert_true(S_priv4("127.0.0.1"));
  assert_true(S_priv4("127.1.2.3"));
  assert_true(S_priv4("10.1.2.3"));
  assert_true(S_priv4("172.16.0.1"));
  assert_true(S_priv4("172.31.255.255"));
  assert_true(S_priv4("192.168.1.1"));
  assert_true(S_priv4("169.254.169.254"));
  assert_true(S_priv4("0.0.0.0"));
  assert_true(S_priv4("100.64.0.1"));
  assert_true(S_priv4("224.0.0.1"));
  assert_true(S_priv4("255.255.255.255"));
  assert_false(S_priv4("8.8.8.8"));
  assert_false(S_priv4("172.32.0.1"));
  assert_false(S_priv4("93.184.216.34"));
  assert_true(S_priv6("::1"));
  assert_true(S_priv6("::"));
  assert_true(S_priv6("fe80::1"));
  assert_true(S_priv6("fc00::1"));
  assert_true(S_priv6("fd12:3456::1"));
  assert_true(S_priv6("ff02::1"));
  assert_true(S_priv6("::ffff:127.0.0.1"));
  assert_true(S_priv6("::ffff:192.168.0.1"));
  assert_true(S_priv6("64:ff9b::a9fe:a9fe"));
  assert_false(S_priv6("::ffff:8.8.8.8"));
  assert_false(S_priv6("2001:4860:4860::8888"));
}

static void test_classify(void **state) {
  char *u;
  (void)state;
  assert_int_equal(nb__ref_classify("//a.example/x.png#f", &u), NB_REF_REMOTE);
  assert_string_equal(u, "https://a.example/x.png");
  free(u);
  assert_int_equal(nb__ref_classify("HTTPS://a.example/x.png?q=1", &u), NB_REF_REMOTE);
  assert_string_equal(u, "https://a.example/x.png?q=1");
  free(u);
  assert_int_equal(nb__ref_classify("data:,x", &u), NB_REF_DATA);
  assert_int_equal(nb__ref_classify("img/x.png", &u), NB_REF_LOCAL);
  assert_int_equal(nb__ref_classify("C:x.png", &u), NB_REF_REFUSED);
  assert_int_equal(nb__ref_classify("ftp://a/x.png", &u), NB_REF_REFUSED);
  assert_int_equal(nb__ref_classify("file:///etc/passwd", &u), NB_REF_REFUSED);
  assert_null(u);
}

typedef struct S_job {
  nb_resources *set;
  nb_doc *doc;
  int rc;
} S_job;

static void *S_worker(void *arg) {
  S_job *j = arg;
  nb_error err;
  j->rc = nb_resources_resolve_doc(j->set, j->doc, &err);
  return NULL;
}

static void S_threaded_diag(void *ud, const nb_diagnostic *d) {
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  (void)d;
  pthread_mutex_lock(&m);
  (*(int *)ud)++;
  pthread_mutex_unlock(&m);
}

static void test_threads(void **state) {
  static const char *const urls[] = {
      "https://img.cls.cn/images/20210322/SG4G7dd5ie.jpg",
      "https://img.cls.cn/images/20210322/g05e7HeIiA.jpg",
      "https://assets.leetcode.com/uploads/2021/02/19/tree.jpg",
      "https://img.cls.cn/missing-1.png",
      "https://img.cls.cn/missing-2.png",
      "https://user-gold-cdn.xitu.io/2019/4/24/16a4d7d10616b385?imageslim",
  };
  nb_resolve_options o;
  nb_diag diag;
  int warnings = 0, t, k;
  S_job jobs[6];
  pthread_t th[6];
  nb_resources *set;
  (void)state;
  memset(&o, 0, sizeof o);
  o.mirror_dir = MIRROR;
  o.cache_dir = "";
  o.offline = 1;
  diag.abi_version = NB_DIAG_ABI_VERSION;
  diag.report = S_threaded_diag;
  diag.userdata = &warnings;
  set = nb_resources_new(&o, &diag);
  for (t = 0; t < 6; t++) {
    nb_node *p;
    jobs[t].set = set;
    jobs[t].doc = nb_doc_new();
    p = nb_node_new(jobs[t].doc, NB_NODE_PARAGRAPH);
    nb_node_append_child(nb_doc_root(jobs[t].doc), p);
    for (k = 0; k < 6; k++) {
      nb_node *img = nb_node_new(jobs[t].doc, NB_NODE_IMAGE);
      nb_node_set_url(img, urls[(t + k) % 6]);
      nb_node_append_child(p, img);
    }
    assert_int_equal(pthread_create(&th[t], NULL, S_worker, &jobs[t]), 0);
  }
  for (t = 0; t < 6; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(jobs[t].rc, 0);
  }
  assert_int_equal(warnings, 2);
  /* 4 distinct images and 2 failures */
  assert_int_equal(nb_resources_count(set), 6);
  for (t = 1; t < 6; t++) {
    nb_node *a = nb_node_first_child(nb_node_first_child(nb_doc_root(jobs[0].doc)));
    nb_node *b = nb_node_first_child(nb_node_first_child(nb_doc_root(jobs[t].doc)));
    for (k = 0; k < (6 - t) % 6; k++)
      b = nb_node_next(b); /* where urls[0] sits in document t */
    assert_ptr_equal(nb_node_get_resource(a), nb_node_get_resource(b));
  }
  assert_int_equal(nb_resources_at(set, 0)->uses, 6);
  for (t = 0; t < 6; t++)
    nb_doc_free(jobs[t].doc);
  nb_resources_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify),
      cmocka_unit_test(test_mirror),
      cmocka_unit_test(test_conversions),
      cmocka_unit_test(test_local_confinement),
      cmocka_unit_test(test_data_uri),
      cmocka_unit_test(test_resolve_doc),
      cmocka_unit_test(test_add_bytes),
      cmocka_unit_test(test_cache),
      cmocka_unit_test(test_addresses),
      cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
