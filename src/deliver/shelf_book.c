/* Reading what a book on the shelf is, from the book itself: an EPUB's
 * package document (libzip finds it through META-INF/container.xml,
 * libxml2 reads it: title, creator, language, date, description,
 * identifier and the cover image, extracted beside the book), a PDF's Info
 * dictionary (read straight from the file's tail, where Cairo writes it
 * uncompressed) or a sidecar NAME.opf (calibre's metadata.opf shape); and
 * the thumbnail made from the cover.
 *
 * Every book file is untrusted: sizes are capped before anything is
 * inflated, XML is parsed without network or entity expansion, names from
 * inside a zip never become paths here (covers are written under the
 * book's own stem). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "deliver/shelf.h"
#include "newsbook/resource.h"
#include "util/util.h"

enum {
  S_MAX_XML = 4 * 1024 * 1024,
  S_MAX_COVER = 32 * 1024 * 1024,
  S_PDF_TAIL = 256 * 1024
};

#define S_NS_OPF "http://www.idpf.org/2007/opf"
#define S_NS_DC "http://purl.org/dc/elements/1.1/"

typedef nb__shelf_book S_book;

void nb__shelf_book_free(S_book *b) {
  free(b->stem);
  free(b->title);
  free(b->author);
  free(b->lang);
  free(b->date);
  free(b->modified);
  free(b->description);
  free(b->id);
  free(b->cover);
  free(b->cover_type);
  free(b->thumb);
}

char *nb__shelf_join(const char *dir, const char *name) {
  nb_buf b = NB_BUF_INIT;
  nb_buf_printf(&b, "%s/%s", dir, name);
  return nb_buf_detach(&b);
}

static void S_set(char **slot, const char *v) {
  if (!v || !*v || *slot)
    return;
  *slot = nb_strdup(v);
}

/* ## Package documents (EPUB OPF, sidecar .opf) */

static int S_is(const xmlNode *n, const char *ns, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
         strcmp((const char *)n->ns->href, ns) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

static char *S_text(const xmlNode *n) {
  xmlChar *t = xmlNodeGetContent(n);
  char *s = NULL, *a, *z;
  if (!t)
    return NULL;
  /* trim, and make any run of white space one space */
  a = (char *)t;
  while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
    a++;
  s = nb_strdup(a);
  xmlFree(t);
  if (!s)
    return NULL;
  for (a = z = s; *a; a++) {
    int ws = *a == ' ' || *a == '\t' || *a == '\n' || *a == '\r';
    if (ws && (z == s || z[-1] == ' '))
      continue;
    *z++ = ws ? ' ' : *a;
  }
  while (z > s && z[-1] == ' ')
    z--;
  *z = '\0';
  return s;
}

static char *S_attr(const xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  char *s = v ? nb_strdup((const char *)v) : NULL;
  xmlFree(v);
  return s;
}

static xmlDoc *S_parse(const char *data, size_t len, const char *name) {
  if (len > S_MAX_XML)
    return NULL;
  return xmlReadMemory(data, (int)len, name, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING);
}

/* Metadata of a package document into @p b; *@p cover_href gets the cover
 * image's href (relative to the package document) and its type. */
static int S_read_opf(const char *data, size_t len, S_book *b,
                      char **cover_href, char **cover_type) {
  xmlDoc *doc = S_parse(data, len, "package.opf");
  xmlNode *root, *sec, *n;
  char *uid = NULL, *cover_id = NULL;

  *cover_href = *cover_type = NULL;
  if (!doc)
    return 0;
  root = xmlDocGetRootElement(doc);
  if (!root || !S_is(root, S_NS_OPF, "package")) {
    xmlFreeDoc(doc);
    return 0;
  }
  uid = S_attr(root, "unique-identifier");
  for (sec = root->children; sec; sec = sec->next) {
    if (S_is(sec, S_NS_OPF, "metadata")) {
      for (n = sec->children; n; n = n->next) {
        char *t;
        if (n->type != XML_ELEMENT_NODE)
          continue;
        if (S_is(n, S_NS_OPF, "meta")) {
          char *prop = S_attr(n, "property"), *name = S_attr(n, "name");
          if (prop && strcmp(prop, "dcterms:modified") == 0 &&
              (t = S_text(n)) != NULL) {
            S_set(&b->modified, t);
            free(t);
          }
          if (name && strcmp(name, "cover") == 0 && !cover_id)
            cover_id = S_attr(n, "content");
          free(prop);
          free(name);
          continue;
        }
        if (!n->ns || !n->ns->href ||
            strcmp((const char *)n->ns->href, S_NS_DC) != 0)
          continue;
        if (!(t = S_text(n)))
          continue;
        if (strcmp((const char *)n->name, "title") == 0)
          S_set(&b->title, t);
        else if (strcmp((const char *)n->name, "creator") == 0)
          S_set(&b->author, t);
        else if (strcmp((const char *)n->name, "language") == 0)
          S_set(&b->lang, t);
        else if (strcmp((const char *)n->name, "date") == 0)
          S_set(&b->date, t);
        else if (strcmp((const char *)n->name, "description") == 0)
          S_set(&b->description, t);
        else if (strcmp((const char *)n->name, "identifier") == 0) {
          char *id = S_attr(n, "id");
          if (!b->id || (id && uid && strcmp(id, uid) == 0)) {
            free(b->id);
            b->id = nb_strdup(t);
          }
          free(id);
        }
        free(t);
      }
    } else if (S_is(sec, S_NS_OPF, "manifest")) {
      for (n = sec->children; n; n = n->next) {
        char *props, *id;
        if (!S_is(n, S_NS_OPF, "item"))
          continue;
        props = S_attr(n, "properties");
        id = S_attr(n, "id");
        /* EPUB 3's cover-image property wins over EPUB 2's meta */
        if ((props && strstr(props, "cover-image")) ||
            (!*cover_href && cover_id && id && strcmp(id, cover_id) == 0)) {
          free(*cover_href);
          free(*cover_type);
          *cover_href = S_attr(n, "href");
          *cover_type = S_attr(n, "media-type");
        }
        free(props);
        free(id);
      }
    }
  }
  free(uid);
  free(cover_id);
  xmlFreeDoc(doc);
  return 1;
}

/* ## EPUB */

/* Read a zip member of at most @p max bytes into a malloc'd buffer. */
static char *S_zip_read(zip_t *z, const char *name, size_t max, size_t *len) {
  zip_stat_t st;
  zip_file_t *f;
  char *data;
  zip_int64_t got;
  zip_int64_t idx = zip_name_locate(z, name, 0);
  if (idx < 0 || zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE) || st.size > max)
    return NULL;
  if (!(f = zip_fopen_index(z, (zip_uint64_t)idx, 0)))
    return NULL;
  data = malloc((size_t)st.size + 1);
  got = data ? zip_fread(f, data, st.size) : -1;
  zip_fclose(f);
  if (got < 0 || (zip_uint64_t)got != st.size) {
    free(data);
    return NULL;
  }
  data[got] = '\0';
  *len = (size_t)got;
  return data;
}

/* The package document's path from META-INF/container.xml. */
static char *S_rootfile(zip_t *z) {
  size_t len;
  char *data = S_zip_read(z, "META-INF/container.xml", S_MAX_XML, &len);
  xmlDoc *doc;
  xmlNode *n;
  char *path = NULL;
  if (!data)
    return NULL;
  doc = S_parse(data, len, "container.xml");
  free(data);
  if (!doc)
    return NULL;
  /* container > rootfiles > rootfile: two levels, walked without
   * recursion */
  for (n = xmlDocGetRootElement(doc); n && !path;) {
    xmlNode *c;
    xmlNode *next = NULL;
    for (c = n->children; c && !path; c = c->next) {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp((const char *)c->name, "rootfile") == 0)
        path = S_attr(c, "full-path");
      else if (strcmp((const char *)c->name, "rootfiles") == 0)
        next = c;
    }
    n = next;
  }
  xmlFreeDoc(doc);
  return path;
}

/* @p href (percent-encoded, relative to @p opf_path) as a zip name. */
static char *S_resolve_href(const char *opf_path, const char *href) {
  const char *slash = strrchr(opf_path, '/');
  nb_buf b = NB_BUF_INIT;
  char *dec, *out;
  size_t i;
  if (!href || strchr(href, ':') || href[0] == '/')
    return NULL;
  if (slash)
    nb_buf_append(&b, opf_path, (size_t)(slash - opf_path) + 1);
  /* percent-decode */
  for (i = 0; href[i] && href[i] != '#' && href[i] != '?'; i++) {
    if (href[i] == '%' && href[i + 1] && href[i + 2]) {
      char hex[3] = {href[i + 1], href[i + 2], 0};
      char *end;
      long v = strtol(hex, &end, 16);
      if (*end == '\0' && v > 0) {
        nb_buf_putc(&b, (char)v);
        i += 2;
        continue;
      }
    }
    nb_buf_putc(&b, href[i]);
  }
  dec = nb_buf_detach(&b);
  if (!dec)
    return NULL;
  /* fold "dir/../" segments, refusing to climb out of the zip's root */
  out = nb_calloc(strlen(dec) + 1, 1);
  if (out) {
    char *seg = dec, *o = out;
    int bad = 0;
    while (*seg && !bad) {
      size_t l = strcspn(seg, "/");
      if (l == 2 && seg[0] == '.' && seg[1] == '.') {
        if (o == out)
          bad = 1;
        else {
          o[-1] = '\0';
          o = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
          *o = '\0';
        }
      } else if (!(l == 1 && seg[0] == '.') && l > 0) {
        memcpy(o, seg, l);
        o += l;
        if (seg[l] == '/')
          *o++ = '/';
        *o = '\0';
      }
      seg += l + (seg[l] == '/');
    }
    if (bad) {
      free(out);
      out = NULL;
    }
  }
  free(dec);
  return out;
}

static const char *S_image_ext(const char *type) {
  if (type && strcmp(type, "image/jpeg") == 0)
    return "jpg";
  if (type && strcmp(type, "image/png") == 0)
    return "png";
  if (type && strcmp(type, "image/gif") == 0)
    return "gif";
  if (type && strcmp(type, "image/webp") == 0)
    return "webp";
  return NULL;
}

/* Write @p len bytes to @p dir/@p name atomically. */
int nb__shelf_write_file(const char *dir, const char *name, const void *data,
                         size_t len, nb_error *err) {
  char *path = nb__shelf_join(dir, name);
  nb_atomic a;
  int rc;
  if (!path)
    return nb_error_set(err, NB_ERR_SYSTEM, dir, 0, "out of memory");
  rc = nb_atomic_open(&a, path, err);
  if (rc == 0) {
    if (fwrite(data, 1, len, a.fp) != len) {
      nb_atomic_abort(&a);
      rc = nb_error_set(err, NB_ERR_SYSTEM, path, 0, "%s", strerror(errno));
    } else {
      rc = nb_atomic_commit(&a, err);
    }
  }
  free(path);
  return rc;
}

/* 1 when @p dir/@p name exists and is at least as new as @p t. */
static int S_fresh(const char *dir, const char *name, time_t t) {
  char *path = nb__shelf_join(dir, name);
  struct stat sb;
  int ok =
      path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_mtime >= t;
  free(path);
  return ok;
}

void nb__shelf_read_epub(const char *dir, const nb_diag *diag, S_book *b) {
  char *path, *opf_path = NULL, *opf = NULL, *href = NULL, *type = NULL;
  char *member = NULL, *cover = NULL, name[1200];
  size_t len = 0, clen = 0;
  int zerr = 0;
  zip_t *z;
  nb_error err;

  snprintf(name, sizeof name, "%s.epub", b->stem);
  path = nb__shelf_join(dir, name);
  z = path ? zip_open(path, ZIP_RDONLY, &zerr) : NULL;
  if (!z) {
    nb_diag_emit(diag, NB_SEV_WARNING, "opds", path, 0, NULL,
                 "not a readable EPUB (zip error %d): listed by its file "
                 "name only",
                 zerr);
    free(path);
    return;
  }
  if (!(opf_path = S_rootfile(z)) ||
      !(opf = S_zip_read(z, opf_path, S_MAX_XML, &len)) ||
      !S_read_opf(opf, len, b, &href, &type)) {
    nb_diag_emit(diag, NB_SEV_WARNING, "opds", path, 0, NULL,
                 "the EPUB has no readable package document: listed by its "
                 "file name only");
    goto done;
  }
  if (href && S_image_ext(type) && !(member = S_resolve_href(opf_path, href)))
    nb_diag_emit(diag, NB_SEV_WARNING, "opds", path, 0, NULL,
                 "the EPUB's cover is not inside the book: listed without "
                 "a cover");
  if (member) {
    snprintf(name, sizeof name, "%s.cover.%s", b->stem, S_image_ext(type));
    if (S_fresh(dir, name, b->mtime) ||
        ((cover = S_zip_read(z, member, S_MAX_COVER, &clen)) != NULL &&
         nb_image_sniff(cover, clen) &&
         strcmp(nb_image_sniff(cover, clen), type) == 0 &&
         nb__shelf_write_file(dir, name, cover, clen, &err) == 0)) {
      b->cover = nb_strdup(name);
      b->cover_type = nb_strdup(type);
    } else {
      nb_diag_emit(diag, NB_SEV_WARNING, "opds", path, 0, NULL,
                   "the EPUB's cover image could not be extracted: listed "
                   "without a cover");
    }
  }
done:
  zip_discard(z);
  free(path);
  free(opf_path);
  free(opf);
  free(href);
  free(type);
  free(member);
  free(cover);
}

/* ## PDF */

/* A PDF string at @p p (literal or hex) as UTF-8; *@p end after it. */
static char *S_pdf_string(const char *p, const char *lim, const char **end) {
  nb_buf raw = NB_BUF_INIT, out = NB_BUF_INIT;
  size_t i;
  if (p < lim && *p == '(') {
    int depth = 1;
    for (p++; p < lim && depth > 0; p++) {
      char c = *p;
      if (c == '\\' && p + 1 < lim) {
        char e = *++p;
        if (e >= '0' && e <= '7') {
          int v = 0, k;
          for (k = 0; k < 3 && p < lim && *p >= '0' && *p <= '7'; k++, p++)
            v = v * 8 + (*p - '0');
          p--;
          nb_buf_putc(&raw, (char)v);
        } else {
          nb_buf_putc(&raw, e == 'n'   ? '\n'
                            : e == 'r' ? '\r'
                            : e == 't' ? '\t'
                            : e == 'b' ? '\b'
                            : e == 'f' ? '\f'
                                       : e);
        }
        continue;
      }
      if (c == '(')
        depth++;
      else if (c == ')' && --depth == 0)
        break;
      nb_buf_putc(&raw, c);
    }
  } else if (p < lim && *p == '<') {
    int hi = -1;
    for (p++; p < lim && *p != '>'; p++) {
      int v = *p >= '0' && *p <= '9'   ? *p - '0'
              : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
              : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                       : -1;
      if (v < 0)
        continue;
      if (hi < 0)
        hi = v;
      else {
        nb_buf_putc(&raw, (char)(hi * 16 + v));
        hi = -1;
      }
    }
  } else {
    return NULL;
  }
  *end = p < lim ? p + 1 : lim;
  if (raw.failed) {
    nb_buf_free(&raw);
    return NULL;
  }
  if (raw.len >= 2 && (unsigned char)raw.data[0] == 0xFE &&
      (unsigned char)raw.data[1] == 0xFF) {
    for (i = 2; i + 1 < raw.len; i += 2) {
      uint32_t cp =
          ((unsigned char)raw.data[i] << 8) | (unsigned char)raw.data[i + 1];
      char enc[4];
      if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < raw.len) {
        uint32_t lo = ((unsigned char)raw.data[i + 2] << 8) |
                      (unsigned char)raw.data[i + 3];
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 2;
        }
      }
      if (cp >= 0xD800 && cp < 0xE000)
        cp = 0xFFFD;
      if (cp)
        nb_buf_append(&out, enc, nb_utf8_encode(cp, enc));
    }
  } else {
    for (i = 0; i < raw.len; i++) { /* PDFDocEncoding ~ Latin-1 */
      char enc[4];
      uint32_t cp = (unsigned char)raw.data[i];
      if (cp >= 0x20 || cp == '\t')
        nb_buf_append(&out, enc, nb_utf8_encode(cp, enc));
    }
  }
  nb_buf_free(&raw);
  return nb_buf_detach(&out);
}

/* "D:YYYYMMDDHHmmSS..." as ISO 8601 UTC (the offset is ignored). */
static char *S_pdf_date(const char *s) {
  int v[6] = {0, 1, 1, 0, 0, 0}, widths[6] = {4, 2, 2, 2, 2, 2}, k, i;
  char buf[32];
  if (!s)
    return NULL;
  if (strncmp(s, "D:", 2) == 0)
    s += 2;
  for (k = 0; k < 6; k++) {
    int x = 0;
    for (i = 0; i < widths[k]; i++, s++) {
      if (*s < '0' || *s > '9')
        break;
      x = x * 10 + (*s - '0');
    }
    if (i < widths[k]) {
      if (k == 0)
        return NULL;
      break;
    }
    v[k] = x;
  }
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", v[0], v[1], v[2],
           v[3], v[4], v[5]);
  return nb_strdup(buf);
}

/* The Info dictionary, from the last S_PDF_TAIL bytes of the file. */
static void S_read_pdf_info(const char *path, S_book *b) {
  FILE *f = fopen(path, "rb");
  char *tail, *p, *obj, *dict, *dend, marker[64];
  long size, from;
  size_t n;
  long num, gen;
  if (!f)
    return;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  from = size > S_PDF_TAIL ? size - S_PDF_TAIL : 0;
  fseek(f, from, SEEK_SET);
  tail = malloc((size_t)(size - from) + 1);
  n = tail ? fread(tail, 1, (size_t)(size - from), f) : 0;
  fclose(f);
  if (!tail)
    return;
  tail[n] = '\0';
  /* NULs in binary streams would stop strstr: make them spaces */
  for (p = tail; p < tail + n; p++)
    if (!*p)
      *p = ' ';
  /* the last "/Info N G R" (trailer or cross-reference stream) */
  obj = NULL;
  for (p = tail; (p = strstr(p, "/Info")) != NULL; p += 5)
    obj = p;
  if (!obj || sscanf(obj + 5, " %ld %ld R", &num, &gen) != 2) {
    free(tail);
    return;
  }
  snprintf(marker, sizeof marker, "%ld %ld obj", num, gen);
  obj = NULL;
  for (p = tail; (p = strstr(p, marker)) != NULL; p++)
    if (p == tail || p[-1] == '\n' || p[-1] == '\r' || p[-1] == ' ')
      obj = p;
  if (!obj || !(dict = strstr(obj, "<<")) || !(dend = strstr(dict, ">>"))) {
    free(tail);
    return;
  }
  for (p = dict + 2; p < dend; p++) {
    static const char *const keys[] = {"/Title", "/Author", "/CreationDate",
                                       "/ModDate"};
    size_t k;
    if (*p != '/')
      continue;
    for (k = 0; k < sizeof keys / sizeof *keys; k++) {
      size_t kl = strlen(keys[k]);
      const char *q = p + kl, *end;
      char *v;
      if (strncmp(p, keys[k], kl) != 0 ||
          ((q[0] >= 'A' && q[0] <= 'Z') || (q[0] >= 'a' && q[0] <= 'z')))
        continue;
      while (q < dend && (*q == ' ' || *q == '\n' || *q == '\r'))
        q++;
      /* strings may hold ">>": read them to their real end */
      v = S_pdf_string(q, tail + n, &end);
      if (!v)
        continue;
      if (k == 0)
        S_set(&b->title, v);
      else if (k == 1)
        S_set(&b->author, v);
      else {
        char *iso = S_pdf_date(v);
        if (iso)
          S_set(k == 2 ? &b->date : &b->modified, iso);
        free(iso);
      }
      free(v);
      if (end > dend && (dend = strstr(end, ">>")) == NULL)
        dend = (char *)end;
      p = (char *)end - 1;
      break;
    }
  }
  free(tail);
}

void nb__shelf_read_pdf(const char *dir, const nb_diag *diag, S_book *b) {
  char name[1200], *path, *data = NULL, *href = NULL, *type = NULL;
  size_t len = 0;
  nb_error err;
  static const char *const exts[] = {"jpg", "png"};
  size_t k;

  /* a sidecar first: it says what the PDF itself cannot */
  snprintf(name, sizeof name, "%s.opf", b->stem);
  path = nb__shelf_join(dir, name);
  if (path && nb_read_file(path, S_MAX_XML, &data, &len, &err) == 0) {
    if (S_read_opf(data, len, b, &href, &type) && href && S_image_ext(type) &&
        !strchr(href, '/') && !strchr(href, '%') && href[0] != '.' &&
        S_fresh(dir, href, 0)) {
      b->cover = nb_strdup(href);
      b->cover_type = nb_strdup(type);
    }
    free(data);
  }
  free(path);
  free(href);
  free(type);
  snprintf(name, sizeof name, "%s.pdf", b->stem);
  path = nb__shelf_join(dir, name);
  if (path)
    S_read_pdf_info(path, b);
  free(path);
  if (!b->title)
    nb_diag_emit(diag, NB_SEV_NOTE, "opds", name, 0, NULL,
                 "no title in the PDF's Info dictionary nor in a sidecar "
                 "%s.opf: listed by its file name",
                 b->stem);
  /* a cover left beside it (by an earlier EPUB of the same name, or by
   * hand) */
  for (k = 0; k < 2 && !b->cover; k++) {
    snprintf(name, sizeof name, "%s.cover.%s", b->stem, exts[k]);
    if (S_fresh(dir, name, 0)) {
      b->cover = nb_strdup(name);
      b->cover_type = nb_strdup(k == 0 ? "image/jpeg" : "image/png");
    }
  }
}

/* ## Thumbnails */

/* NAME.thumb.jpg, @p height pixels high, from the cover; NULL when the
 * cover cannot be decoded. */
char *nb__shelf_thumbnail(const char *dir, S_book *b, int height) {
  char name[1200], *path, *data = NULL;
  size_t len = 0, out_len = 0;
  nb_pixmap pm, th;
  nb_error err;
  unsigned char *jpg = NULL;
  cairo_surface_t *src = NULL, *dst = NULL;
  cairo_t *cr;
  int w;

  snprintf(name, sizeof name, "%s.thumb.jpg", b->stem);
  if (S_fresh(dir, name, b->mtime))
    return nb_strdup(name);
  path = nb__shelf_join(dir, b->cover);
  memset(&pm, 0, sizeof pm);
  if (!path || nb_read_file(path, S_MAX_COVER, &data, &len, &err) != 0 ||
      nb_image_decode(data, len, 0, &pm, &err) != 0 || !pm.pixels ||
      pm.height <= 0) {
    free(path);
    free(data);
    nb_pixmap_free(&pm);
    return NULL;
  }
  free(path);
  free(data);
  if (height > pm.height)
    height = pm.height;
  w = (int)((int64_t)pm.width * height / pm.height);
  if (w < 1)
    w = 1;
  src = cairo_image_surface_create_for_data(
      pm.pixels, pm.has_alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
      pm.width, pm.height, pm.stride);
  dst = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, height);
  cr = cairo_create(dst);
  cairo_set_source_rgb(cr, 1, 1, 1); /* transparency on white */
  cairo_paint(cr);
  cairo_scale(cr, (double)w / pm.width, (double)height / pm.height);
  cairo_set_source_surface(cr, src, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(dst);
  th.width = w;
  th.height = height;
  th.stride = cairo_image_surface_get_stride(dst);
  th.has_alpha = 0;
  th.pixels = cairo_image_surface_get_data(dst);
  if (cairo_surface_status(dst) != CAIRO_STATUS_SUCCESS ||
      nb_image_encode_jpeg(&th, 80, &jpg, &out_len, &err) != 0 ||
      nb__shelf_write_file(dir, name, jpg, out_len, &err) != 0) {
    free(jpg);
    cairo_surface_destroy(src);
    cairo_surface_destroy(dst);
    nb_pixmap_free(&pm);
    return NULL;
  }
  free(jpg);
  cairo_surface_destroy(src);
  cairo_surface_destroy(dst);
  nb_pixmap_free(&pm);
  return nb_strdup(name);
}
