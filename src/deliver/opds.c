/* An OPDS 1.2 shelf: catalog.xml, an Atom acquisition feed of the books in
 * a directory, rebuilt from the directory alone after each new book.
 *
 * What a book is comes from the book itself (shelf_book.c), so nothing but
 * the files has to survive between runs. NAME.epub and NAME.pdf are one
 * entry with two acquisition links. A book that cannot be read is listed
 * by its file name with a warning rather than failing the shelf. The feed
 * is written with libxml2's xmlTextWriter; its <updated> is the newest
 * book's date, so the same directory gives the same bytes.
 *
 * Deliberately not here: serving the directory (any static web server)
 * and deciding which books stay on the shelf. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "deliver/shelf.h"
#include "newsbook/deliver.h"
#include "newsbook/doc.h"
#include "util/util.h"

enum { S_MAX_BOOKS = 20000 };

typedef nb__shelf_book S_book;
#define S_ACQ_TYPE "application/atom+xml;profile=opds-catalog;kind=acquisition"

typedef struct S_shelf {
  const char *dir;
  const nb_opds_options *opts;
  const nb_diag *diag;
  S_book *v;
  size_t n, cap;
} S_shelf;

/* ## Scanning */

typedef struct S_file {
  char *stem;
  int epub;
  long long size;
  time_t mtime;
} S_file;

static int S_file_cmp(const void *a, const void *b) {
  const S_file *x = a, *y = b;
  int c = strcmp(x->stem, y->stem);
  return c ? c : x->epub - y->epub;
}

static int S_book_cmp(const void *key, const void *b) {
  return strcmp(key, ((const S_book *)b)->stem);
}

/* NAME.cover.EXT and NAME.thumb.jpg are ours: the stem of such a name, or
 * NULL. */
static char *S_derived_stem(const char *name) {
  static const char *const suffixes[] = {
      ".thumb.jpg", ".cover.jpg", ".cover.png", ".cover.gif", ".cover.webp"};
  size_t l = strlen(name), k;
  for (k = 0; k < sizeof suffixes / sizeof *suffixes; k++) {
    size_t sl = strlen(suffixes[k]);
    if (l > sl && strcmp(name + l - sl, suffixes[k]) == 0)
      return nb_strndup(name, l - sl);
  }
  return NULL;
}

/* Covers and thumbnails left by books no longer on the shelf go too. */
static void S_remove_orphans(S_shelf *sh, DIR *d) {
  struct dirent *e;
  rewinddir(d);
  while ((e = readdir(d)) != NULL) {
    char *stem = e->d_name[0] != '.' ? S_derived_stem(e->d_name) : NULL;
    if (stem && !bsearch(stem, sh->v, sh->n, sizeof *sh->v, S_book_cmp)) {
      char *path = nb__shelf_join(sh->dir, e->d_name);
      if (path && unlink(path) == 0)
        nb_diag_emit(sh->diag, NB_SEV_NOTE, "opds", path, 0, NULL,
                     "removed: its book is no longer on the shelf");
      free(path);
    }
    free(stem);
  }
}

/* Every .epub and .pdf of the directory, grouped by stem (sorted), into
 * sh->v. */
static int S_scan(S_shelf *sh, nb_error *err) {
  DIR *d = opendir(sh->dir);
  struct dirent *e;
  S_file *files = NULL;
  size_t nf = 0, capf = 0, i;
  int rc = 0;
  if (!d)
    return nb_error_set(err, NB_ERR_SYSTEM, sh->dir, 0,
                        "cannot read the shelf directory: %s", strerror(errno));
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    int epub = l > 5 && strcasecmp(e->d_name + l - 5, ".epub") == 0;
    int pdf = l > 4 && strcasecmp(e->d_name + l - 4, ".pdf") == 0;
    char *path;
    struct stat sb;
    if ((!epub && !pdf) || e->d_name[0] == '.')
      continue; /* .NAME.tmp-XXXXXX are books being written */
    path = nb__shelf_join(sh->dir, e->d_name);
    if (!path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
      free(path);
      continue;
    }
    free(path);
    if (nf == 2 * (size_t)S_MAX_BOOKS) {
      nb_diag_emit(sh->diag, NB_SEV_WARNING, "opds", sh->dir, 0, NULL,
                   "more than %d books: %s is not listed", S_MAX_BOOKS,
                   e->d_name);
      continue;
    }
    if (nf == capf) {
      size_t nc = capf ? capf * 2 : 64;
      S_file *nv = nb_reallocarray(files, nc, sizeof *nv);
      if (!nv) {
        rc = nb_error_set(err, NB_ERR_SYSTEM, sh->dir, 0, "out of memory");
        goto done;
      }
      files = nv;
      capf = nc;
    }
    files[nf].stem = nb_strndup(e->d_name, l - (epub ? 5 : 4));
    if (!files[nf].stem) {
      rc = nb_error_set(err, NB_ERR_SYSTEM, sh->dir, 0, "out of memory");
      goto done;
    }
    files[nf].epub = epub;
    files[nf].size = (long long)sb.st_size;
    files[nf].mtime = sb.st_mtime;
    nf++;
  }
  if (nf > 1)
    qsort(files, nf, sizeof *files, S_file_cmp);
  if (nf && !(sh->v = nb_calloc(nf, sizeof *sh->v))) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, sh->dir, 0, "out of memory");
    goto done;
  }
  for (i = 0; i < nf; i++) {
    S_book *b;
    if (!sh->n || strcmp(sh->v[sh->n - 1].stem, files[i].stem) != 0) {
      if (sh->n == S_MAX_BOOKS)
        break;
      b = &sh->v[sh->n++];
      b->stem = files[i].stem;
      files[i].stem = NULL;
    } else {
      b = &sh->v[sh->n - 1];
    }
    if (files[i].epub) {
      b->has_epub = 1;
      b->epub_size = files[i].size;
    } else {
      b->has_pdf = 1;
      b->pdf_size = files[i].size;
    }
    if (files[i].mtime > b->mtime)
      b->mtime = files[i].mtime;
  }
  sh->cap = nf;
  S_remove_orphans(sh, d);
done:
  for (i = 0; i < nf; i++)
    free(files[i].stem);
  free(files);
  closedir(d);
  return rc;
}

static int S_newest_first(const void *a, const void *b) {
  const S_book *x = a, *y = b;
  if (x->when != y->when)
    return x->when > y->when ? -1 : 1;
  return strcmp(x->stem, y->stem);
}

/* ## Writing the feed */

static void S_iso(int64_t t, char *buf, size_t size) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void S_human(long long n, char *buf, size_t size) {
  if (n >= 1000 * 1000)
    snprintf(buf, size, "%.1f MB", (double)n / 1e6);
  else if (n >= 1000)
    snprintf(buf, size, "%.0f kB", (double)n / 1e3);
  else
    snprintf(buf, size, "%lld bytes", n);
}

/* A file name as a relative URL: every byte outside [A-Za-z0-9-._~]
 * percent-encoded, so spaces, '#', '?' and non-ASCII survive. */
static char *S_href(const char *name) {
  nb_buf b = NB_BUF_INIT;
  const unsigned char *p;
  for (p = (const unsigned char *)name; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
        (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
        *p == '~')
      nb_buf_putc(&b, (char)*p);
    else
      nb_buf_printf(&b, "%%%02X", *p);
  }
  return nb_buf_detach(&b);
}

#define S_W(call)                                                              \
  do {                                                                         \
    if ((call) < 0)                                                            \
      ok = 0;                                                                  \
  } while (0)

static void S_link(xmlTextWriterPtr w, int *okp, const char *rel,
                   const char *file, const char *type, long long length,
                   const char *title) {
  int ok = *okp;
  char *href = S_href(file);
  char len[32];
  S_W(xmlTextWriterStartElement(w, BAD_CAST "link"));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "href",
                                  BAD_CAST(href ? href : "")));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type));
  if (length >= 0) {
    snprintf(len, sizeof len, "%lld", length);
    S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "length", BAD_CAST len));
  }
  if (title)
    S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "title", BAD_CAST title));
  S_W(xmlTextWriterEndElement(w));
  free(href);
  *okp = ok;
}

/* Text for XML: invalid UTF-8 repaired, control characters dropped. */
static char *S_clean(const char *s) {
  size_t len = 0, fixed = 0;
  char *r = nb_utf8_repair(s ? s : "", strlen(s ? s : ""), &len, &fixed);
  char *p, *q;
  if (!r)
    return NULL;
  for (p = q = r; *p; p++)
    if ((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t')
      *q++ = *p;
  *q = '\0';
  return r;
}

static void S_elem(xmlTextWriterPtr w, int *okp, const char *name,
                   const char *text) {
  int ok = *okp;
  char *c = S_clean(text);
  S_W(xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST(c ? c : "")));
  free(c);
  *okp = ok;
}

static int S_entry(xmlTextWriterPtr w, const S_book *b, const char *id) {
  int ok = 1;
  char updated[64], sz[32], summary[512], file[1200];
  nb_buf fmt = NB_BUF_INIT;
  S_iso(b->when, updated, sizeof updated);
  S_W(xmlTextWriterStartElement(w, BAD_CAST "entry"));
  S_elem(w, &ok, "title", b->title ? b->title : b->stem);
  S_elem(w, &ok, "id", id);
  S_elem(w, &ok, "updated", updated);
  if (b->author) {
    S_W(xmlTextWriterStartElement(w, BAD_CAST "author"));
    S_elem(w, &ok, "name", b->author);
    S_W(xmlTextWriterEndElement(w));
  }
  if (b->lang)
    S_elem(w, &ok, "dc:language", b->lang);
  if (b->date)
    S_elem(w, &ok, "dc:issued", b->date);
  if (b->has_epub) {
    S_human(b->epub_size, sz, sizeof sz);
    nb_buf_printf(&fmt, "EPUB, %s", sz);
  }
  if (b->has_pdf) {
    S_human(b->pdf_size, sz, sizeof sz);
    nb_buf_printf(&fmt, "%sPDF, %s", fmt.len ? "; " : "", sz);
  }
  snprintf(summary, sizeof summary, "%s%s%.10s%s%s", fmt.data ? fmt.data : "",
           b->date ? " — " : "", b->date ? b->date : "", b->lang ? " — " : "",
           b->lang ? b->lang : "");
  nb_buf_free(&fmt);
  S_W(xmlTextWriterStartElement(w, BAD_CAST "summary"));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "text"));
  {
    char *c = S_clean(summary);
    S_W(xmlTextWriterWriteString(w, BAD_CAST(c ? c : "")));
    free(c);
  }
  S_W(xmlTextWriterEndElement(w));
  /* content too: an Atom entry without content needs an alternate link */
  S_W(xmlTextWriterStartElement(w, BAD_CAST "content"));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "text"));
  {
    char *c = S_clean(b->description ? b->description : summary);
    S_W(xmlTextWriterWriteString(w, BAD_CAST(c ? c : "")));
    free(c);
  }
  S_W(xmlTextWriterEndElement(w));
  if (b->cover)
    S_link(w, &ok, "http://opds-spec.org/image", b->cover, b->cover_type, -1,
           NULL);
  if (b->thumb)
    S_link(w, &ok, "http://opds-spec.org/image/thumbnail", b->thumb,
           "image/jpeg", -1, NULL);
  if (b->has_epub) {
    snprintf(file, sizeof file, "%s.epub", b->stem);
    S_link(w, &ok, "http://opds-spec.org/acquisition", file,
           "application/epub+zip", b->epub_size, "EPUB");
  }
  if (b->has_pdf) {
    snprintf(file, sizeof file, "%s.pdf", b->stem);
    S_link(w, &ok, "http://opds-spec.org/acquisition", file, "application/pdf",
           b->pdf_size, "PDF");
  }
  S_W(xmlTextWriterEndElement(w));
  return ok;
}

static int S_write_catalog(S_shelf *sh, nb_error *err) {
  xmlBufferPtr buf = xmlBufferCreate();
  xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
  const char *title = sh->opts && sh->opts->title && *sh->opts->title
                          ? sh->opts->title
                          : "newsbook";
  char updated[64], hex[33], shelf_id[64];
  nb_hash h;
  size_t i, j;
  int ok = 1, rc;

  if (!w) {
    if (buf)
      xmlBufferFree(buf);
    return nb_error_set(err, NB_ERR_SYSTEM, sh->dir, 0, "out of memory");
  }
  nb_hash_init(&h);
  nb_hash_update(&h, title, strlen(title));
  nb_hash_hex(&h, hex);
  snprintf(shelf_id, sizeof shelf_id, "urn:newsbook:shelf:%.32s", hex);
  /* the feed changed when its newest book did: no clock in the output */
  S_iso(sh->n ? sh->v[0].when : 0, updated, sizeof updated);
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, BAD_CAST "  ");
  S_W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
  S_W(xmlTextWriterStartElement(w, BAD_CAST "feed"));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
                                  BAD_CAST "http://www.w3.org/2005/Atom"));
  S_W(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:dc",
                                  BAD_CAST "http://purl.org/dc/terms/"));
  S_W(xmlTextWriterWriteAttribute(
      w, BAD_CAST "xmlns:opds", BAD_CAST "http://opds-spec.org/2010/catalog"));
  S_elem(w, &ok, "id", shelf_id);
  S_elem(w, &ok, "title", title);
  S_elem(w, &ok, "updated", updated);
  S_W(xmlTextWriterStartElement(w, BAD_CAST "author"));
  S_elem(w, &ok, "name", "newsbook");
  S_W(xmlTextWriterEndElement(w));
  S_link(w, &ok, "self", "catalog.xml", S_ACQ_TYPE, -1, NULL);
  S_link(w, &ok, "start", "catalog.xml", S_ACQ_TYPE, -1, NULL);
  for (i = 0; i < sh->n && ok; i++) {
    const S_book *b = &sh->v[i];
    char id[1400];
    int dup = 0;
    /* an id must name one entry: a second book with the same identifier
     * (rebuilt under another name) gets its file name appended */
    for (j = 0; j < i && b->id; j++)
      dup |= sh->v[j].id && strcmp(sh->v[j].id, b->id) == 0;
    if (b->id && !dup)
      snprintf(id, sizeof id, "%s", b->id);
    else {
      nb_hash_init(&h);
      nb_hash_update(&h, b->stem, strlen(b->stem));
      nb_hash_hex(&h, hex);
      snprintf(id, sizeof id, "urn:newsbook:book:%.32s", hex);
    }
    ok = S_entry(w, b, id);
  }
  S_W(xmlTextWriterEndElement(w));
  S_W(xmlTextWriterEndDocument(w));
  xmlFreeTextWriter(w);
  if (!ok) {
    xmlBufferFree(buf);
    return nb_error_set(err, NB_ERR_LIBRARY, sh->dir, 0,
                        "libxml2 could not write the catalog");
  }
  rc = nb__shelf_write_file(sh->dir, "catalog.xml", xmlBufferContent(buf),
                            (size_t)xmlBufferLength(buf), err);
  xmlBufferFree(buf);
  return rc;
}

/* ## Public */

int nb_opds_update(const char *dir, const nb_opds_options *opts,
                   const nb_diag *diag, nb_error *err) {
  S_shelf sh;
  char *lock_path;
  int lock_fd, rc;
  size_t i;
  int th = opts && opts->thumb_height > 0 ? opts->thumb_height : 320;

  if (!dir || !*dir)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no shelf directory");
  memset(&sh, 0, sizeof sh);
  sh.dir = dir;
  sh.opts = opts;
  sh.diag = diag;
  lock_path = nb__shelf_join(dir, ".catalog.lock");
  if (!lock_path)
    return nb_error_set(err, NB_ERR_SYSTEM, dir, 0, "out of memory");
  lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  free(lock_path);
  if (lock_fd < 0)
    return nb_error_set(err, NB_ERR_SYSTEM, dir, 0, "cannot lock the shelf: %s",
                        strerror(errno));
  while (flock(lock_fd, LOCK_EX) != 0 && errno == EINTR)
    ;
  if ((rc = S_scan(&sh, err)) != 0)
    goto cleanup;
  for (i = 0; i < sh.n; i++) {
    S_book *b = &sh.v[i];
    nb_date d;
    if (b->has_epub)
      nb__shelf_read_epub(dir, diag, b);
    if (b->has_pdf)
      nb__shelf_read_pdf(dir, diag, b);
    if (b->cover)
      b->thumb = nb__shelf_thumbnail(dir, b, th);
    d = nb_date_parse(b->modified ? b->modified : b->date);
    if (!d.valid && b->date)
      d = nb_date_parse(b->date);
    b->when = d.valid ? d.utc : (int64_t)b->mtime;
  }
  if (sh.n > 1)
    qsort(sh.v, sh.n, sizeof *sh.v, S_newest_first);
  rc = S_write_catalog(&sh, err);
cleanup:
  for (i = 0; i < sh.n; i++)
    nb__shelf_book_free(&sh.v[i]);
  free(sh.v);
  flock(lock_fd, LOCK_UN);
  close(lock_fd);
  return rc;
}
