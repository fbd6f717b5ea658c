/* The EPUB writer's entry point and container: which pages a book gets
 * (cover, title page, section pages, one chapter per document), in which
 * reading order, in which language and writing mode, and the zip, with
 * the size budget checked. Chapters are xhtml.c's; the style sheet is
 * css.c's and embedded fonts fonts.c's; the navigation (nav, NCX) and the
 * package document are package.c's.
 *
 * Same book, same bytes: file names and ids are generated from positions and
 * content hashes, dates come from the book (or SOURCE_DATE_EPOCH, or a fixed
 * day), the zip carries fixed DOS times and no extra fields. The whole
 * archive is built in memory and written through nb_atomic, so the
 * destination appears only when complete. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <zip.h>

#include "newsbook/writer.h"
#include "write/epub/epub.h"

#define XC(s) ((const xmlChar *)(s))

/* Send to Kindle's limit for a book sent by mail. */
#define S_DEFAULT_MAX_BYTES ((size_t)50 * 1000 * 1000)

int nb_epub_oom(nb_epub_book *ep) {
  return nb_error_set(ep->err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
}

nb_epub_item *nb_epub_add_item(nb_epub_book *ep, const char *href,
                               const char *id, const char *media_type) {
  nb_epub_item *it;
  if (ep->nitems == ep->capitems) {
    size_t c = ep->capitems ? ep->capitems * 2 : 64;
    nb_epub_item *n = nb_reallocarray(ep->items, c, sizeof *n);
    if (!n)
      return NULL;
    ep->items = n;
    ep->capitems = c;
  }
  it = &ep->items[ep->nitems++];
  memset(it, 0, sizeof *it);
  snprintf(it->href, sizeof it->href, "%s", href);
  snprintf(it->id, sizeof it->id, "%s", id);
  it->media_type = media_type;
  return it;
}

static int S_add_spine(nb_epub_book *ep, size_t item, int linear) {
  if (ep->nspine == ep->capspine) {
    size_t c = ep->capspine ? ep->capspine * 2 : 64;
    nb_epub_spine *n = nb_reallocarray(ep->spine, c, sizeof *n);
    if (!n)
      return 0;
    ep->spine = n;
    ep->capspine = c;
  }
  ep->spine[ep->nspine].item = item;
  ep->spine[ep->nspine].linear = linear;
  ep->nspine++;
  return 1;
}

static int S_add_entry(nb_epub_book *ep, const char *label, size_t item,
                       int level) {
  char *l = nb_epub_clean_label(label);
  if (!l)
    return 0;
  if (!*l) {
    free(l);
    if (!(l = nb_strdup(ep->words->untitled)))
      return 0;
  }
  if (ep->nentries == ep->capentries) {
    size_t c = ep->capentries ? ep->capentries * 2 : 64;
    nb_epub_entry *n = nb_reallocarray(ep->entries, c, sizeof *n);
    if (!n) {
      free(l);
      return 0;
    }
    ep->entries = n;
    ep->capentries = c;
  }
  ep->entries[ep->nentries].label = l;
  ep->entries[ep->nentries].item = item;
  ep->entries[ep->nentries].level = level;
  ep->nentries++;
  return 1;
}

/* ## Dates */

/* The book's date as UTC seconds: its "date", else SOURCE_DATE_EPOCH, else
 * 1980-01-01 (the zip epoch). Never the wall clock. */
int64_t nb_epub_book_time(const nb_book *book) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  nb_date d = nb_date_parse(nb_book_get_meta(book, "date"));
  if (d.valid)
    return d.utc;
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (*end == '\0' && v >= 0)
      return (int64_t)v;
  }
  return 315532800; /* 1980-01-01T00:00:00Z */
}

void nb_epub_utc_iso(int64_t t, char *buf, size_t size) {
  nb_date d;
  memset(&d, 0, sizeof d);
  d.valid = d.has_time = d.has_tz = 1;
  d.utc = t;
  nb_date_format_iso(d, buf, size);
}

/* Zip entries carry MS-DOS local times; we write the UTC time as is, so no
 * time zone of the machine leaks into the bytes. */
static void S_dos_time(int64_t t, zip_uint16_t *dtime, zip_uint16_t *ddate) {
  struct tm tm;
  time_t tt;
  if (t < 315532800)
    t = 315532800;
  if (t > 4354819199LL) /* 2107-12-31T23:59:59Z */
    t = 4354819199LL;
  tt = (time_t)t;
  gmtime_r(&tt, &tm);
  *dtime =
      (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
  *ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) |
                          tm.tm_mday);
}

/* ## Generated pages */

int nb_epub_begin_page(nb_epub_book *ep, xmlBufferPtr *xbuf,
                       xmlTextWriterPtr *w, const char *title) {
  *xbuf = xmlBufferCreate();
  *w = *xbuf ? nb_epub_xhtml_begin(*xbuf, ep->lang, title, ep->css_href, NULL)
             : NULL;
  if (!*w) {
    if (*xbuf)
      xmlBufferFree(*xbuf);
    return nb_epub_oom(ep);
  }
  return 0;
}

int nb_epub_end_page(nb_epub_book *ep, xmlBufferPtr xbuf, xmlTextWriterPtr w,
                     int ok, nb_epub_item *it) {
  int rc;
  if (!ok) {
    xmlFreeTextWriter(w);
    xmlBufferFree(xbuf);
    return nb_error_set(ep->err, NB_ERR_LIBRARY, NULL, 0,
                        "cannot write XHTML (out of memory?)");
  }
  rc = nb_epub_xhtml_end(w, xbuf, &it->data, ep->err);
  xmlBufferFree(xbuf);
  return rc;
}

static int S_cover_page(nb_epub_book *ep) {
  xmlBufferPtr xbuf;
  xmlTextWriterPtr w;
  nb_epub_item *it;
  char src[80];
  int ok;
  if (!(it = nb_epub_add_item(ep, "cover.xhtml", "cover",
                              "application/xhtml+xml")) ||
      !S_add_spine(ep, ep->nitems - 1, 1))
    return nb_epub_oom(ep);
  if (nb_epub_begin_page(ep, &xbuf, &w, ep->title) < 0)
    return -1;
  snprintf(src, sizeof src, "images/%s.%s", ep->cover->id,
           nb_epub_image_ext(ep->cover));
  ok = xmlTextWriterStartElement(w, XC("section")) >= 0 &&
       nb_epub_attr(w, "class", "cover") >= 0 &&
       xmlTextWriterStartElement(w, XC("img")) >= 0 &&
       nb_epub_attr(w, "src", src) >= 0 &&
       nb_epub_attr(w, "alt", ep->words->cover) >= 0 &&
       xmlTextWriterEndElement(w) >= 0 && xmlTextWriterFullEndElement(w) >= 0;
  return nb_epub_end_page(ep, xbuf, w, ok, it);
}

static void S_display_day(nb_date d, char *buf, size_t size) {
  char iso[64];
  nb_date_format_iso(d, iso, sizeof iso);
  snprintf(buf, size, "%.10s", iso);
}

static int S_title_page(nb_epub_book *ep) {
  const nb_book *book = ep->book;
  xmlBufferPtr xbuf;
  xmlTextWriterPtr w;
  nb_epub_item *it;
  size_t n = nb_book_doc_count(book);
  nb_date lo, hi;
  const char *author = nb_book_get_meta(book, "author");
  char line[160];
  int ok;

  nb_book_date_range(book, &lo, &hi);
  if (!(it = nb_epub_add_item(ep, "titlepage.xhtml", "titlepage",
                              "application/xhtml+xml")) ||
      !S_add_spine(ep, ep->nitems - 1, 1))
    return nb_epub_oom(ep);
  if (nb_epub_begin_page(ep, &xbuf, &w, ep->title) < 0)
    return -1;
  ok = xmlTextWriterStartElement(w, XC("section")) >= 0 &&
       nb_epub_attr(w, "class", "titlepage") >= 0 &&
       nb_epub_element(w, "h1", "book-title", ep->title) >= 0;
  if (ok && author && *author)
    ok = nb_epub_element(w, "p", "book-author", author) >= 0;
  if (ok && lo.valid) {
    char a[32], b[32];
    S_display_day(lo, a, sizeof a);
    S_display_day(hi, b, sizeof b);
    if (strcmp(a, b) == 0)
      snprintf(line, sizeof line, "%s", a);
    else
      snprintf(line, sizeof line, "%s – %s", a, b);
    ok = nb_epub_element(w, "p", "book-dates", line) >= 0;
  }
  if (ok) {
    snprintf(line, sizeof line, ep->words->articles, n);
    ok = nb_epub_element(w, "p", "book-count", line) >= 0;
  }
  ok = ok && xmlTextWriterFullEndElement(w) >= 0;
  return nb_epub_end_page(ep, xbuf, w, ok, it);
}

static int S_section_page(nb_epub_book *ep, size_t s, const char *title) {
  xmlBufferPtr xbuf;
  xmlTextWriterPtr w;
  nb_epub_item *it;
  char href[64], id[48];
  char *label = nb_epub_clean_label(title);
  int ok;
  if (!label)
    return nb_epub_oom(ep);
  snprintf(href, sizeof href, "section-%04zu.xhtml", s + 1);
  snprintf(id, sizeof id, "sec%04zu", s + 1);
  if (!(it = nb_epub_add_item(ep, href, id, "application/xhtml+xml")) ||
      !S_add_spine(ep, ep->nitems - 1, 1) ||
      !S_add_entry(ep, label, ep->nitems - 1, 0)) {
    free(label);
    return nb_epub_oom(ep);
  }
  if (nb_epub_begin_page(ep, &xbuf, &w, *label ? label : ep->words->untitled) <
      0) {
    free(label);
    return -1;
  }
  ok = xmlTextWriterStartElement(w, XC("section")) >= 0 &&
       nb_epub_attr(w, "class", "section-page") >= 0 &&
       nb_epub_element(w, "h1", "section-title",
                       *label ? label : ep->words->untitled) >= 0 &&
       xmlTextWriterFullEndElement(w) >= 0;
  free(label);
  return nb_epub_end_page(ep, xbuf, w, ok, it);
}

static int S_chapter(nb_epub_book *ep, size_t k, const nb_doc *doc, int level) {
  nb_epub_chapter ch;
  nb_epub_item *it;
  char href[64], id[48];
  snprintf(href, sizeof href, "chapter-%04zu.xhtml", k + 1);
  snprintf(id, sizeof id, "ch%04zu", k + 1);
  if (!(it = nb_epub_add_item(ep, href, id, "application/xhtml+xml")) ||
      !S_add_spine(ep, ep->nitems - 1, 1) ||
      !S_add_entry(ep, nb_doc_get_meta(doc, "title"), ep->nitems - 1, level))
    return nb_epub_oom(ep);
  memset(&ch, 0, sizeof ch);
  ch.doc = doc;
  ch.book_lang = ep->lang;
  ch.css_href = ep->css_href;
  ch.diag = ep->diag;
  ch.images = &ep->images;
  ch.title_level = level ? 2 : 1;
  ch.vertical = ep->vertical;
  return nb_epub_write_chapter(&ch, &it->data, ep->err);
}

/* ## Zip
 *
 * Deflating the chapters was the one long step of a large book that ran
 * on one core. Entries to deflate are therefore compressed in parallel,
 * each worker into an archive of its own in memory, and the final archive
 * copies the compressed bytes over unchanged (libzip's ZIP_FL_COMPRESSED),
 * in the book's order. Every entry goes through that path whatever the
 * number of workers, and deflate is deterministic, so the bytes never
 * depend on the machine. */

/* What one entry of the archive holds. */
typedef struct S_entry {
  char name[96];
  const void *data;
  size_t size;
  int store;
  int part;        /* which worker's archive deflated it (deflated only) */
  zip_int64_t idx; /* its index there */
} S_entry;

typedef struct S_part {
  S_entry *entries;
  size_t n, first, step; /* entries first, first+step, ... */
  zip_source_t *mem;     /* the worker's archive, once closed */
  zip_t *za;             /* reopened for reading by the final archive */
  int failed;
} S_part;

/* Fixed attributes of every entry: same book, same bytes. */
static int S_zip_attrs(zip_t *za, zip_int64_t idx, int store, int64_t mtime) {
  zip_uint16_t dtime, ddate;
  S_dos_time(mtime, &dtime, &ddate);
  return zip_set_file_compression(za, (zip_uint64_t)idx,
                                  store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                  store ? 0 : 6) < 0 ||
                 zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) <
                     0 ||
                 zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
                                                  ZIP_OPSYS_UNIX,
                                                  0100644u << 16) < 0
             ? -1
             : 0;
}

static void *S_deflate_part(void *arg) {
  S_part *pt = arg;
  zip_error_t ze;
  zip_t *za;
  size_t i;
  zip_error_init(&ze);
  pt->mem = zip_source_buffer_create(NULL, 0, 0, &ze);
  if (!pt->mem)
    goto fail;
  /* one reference for the archive (dropped when it closes), one kept */
  zip_source_keep(pt->mem);
  za = zip_open_from_source(pt->mem, ZIP_CREATE | ZIP_TRUNCATE, &ze);
  if (!za) {
    zip_source_free(pt->mem); /* not taken: drop the archive's reference */
    goto fail;
  }
  for (i = pt->first; i < pt->n; i += pt->step) {
    S_entry *e = &pt->entries[i];
    zip_source_t *src;
    if (e->store)
      continue;
    src = zip_source_buffer(za, e->data, e->size, 0);
    if (!src ||
        (e->idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8)) < 0) {
      zip_source_free(src);
      zip_discard(za);
      goto fail;
    }
    if (S_zip_attrs(za, e->idx, 0, 0) < 0) {
      zip_discard(za);
      goto fail;
    }
  }
  if (zip_close(za) < 0) {
    zip_discard(za);
    goto fail;
  }
  zip_error_fini(&ze);
  return NULL;
fail:
  zip_error_fini(&ze);
  pt->failed = 1;
  return NULL;
}

static int S_nworkers(size_t deflated) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t n = cores > 0 ? (size_t)cores : 1;
  if (n > 8)
    n = 8;
  /* small books: one archive is quicker than starting threads */
  if (deflated < 64)
    n = 1;
  return (int)n;
}

static int S_write_zip(nb_epub_book *ep, const nb_buf *opf, const char *path) {
  static const char mimetype[] = "application/epub+zip";
  static const char container[] =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<container version=\"1.0\" "
      "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
      "  <rootfiles>\n"
      "    <rootfile full-path=\"OEBPS/content.opf\" "
      "media-type=\"application/oebps-package+xml\"/>\n"
      "  </rootfiles>\n"
      "</container>\n";
  zip_error_t ze;
  zip_source_t *mem = NULL;
  zip_t *za = NULL;
  zip_stat_t st;
  nb_atomic at;
  unsigned char *bytes = NULL;
  int64_t mtime = nb_epub_book_time(ep->book);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  S_entry *entries;
  S_part parts[8];
  pthread_t threads[8];
  int started[8];
  size_t i, n = 0, deflated = 0;
  int rc = 0, nparts, t;

  if (sde && *sde) /* the zip's times follow SOURCE_DATE_EPOCH when set */
    mtime = strtoll(sde, NULL, 10);
  entries = nb_calloc(ep->nitems + 3, sizeof *entries);
  if (!entries)
    return nb_epub_oom(ep);
  /* mimetype first and stored (OCF); the container is a fixed text */
  snprintf(entries[n].name, sizeof entries[n].name, "mimetype");
  entries[n].data = mimetype;
  entries[n].size = sizeof mimetype - 1;
  entries[n++].store = 1;
  snprintf(entries[n].name, sizeof entries[n].name, "META-INF/container.xml");
  entries[n].data = container;
  entries[n++].size = sizeof container - 1;
  snprintf(entries[n].name, sizeof entries[n].name, "OEBPS/content.opf");
  entries[n].data = opf->data;
  entries[n++].size = opf->len;
  for (i = 0; i < ep->nitems; i++, n++) {
    const nb_epub_item *it = &ep->items[i];
    snprintf(entries[n].name, sizeof entries[n].name, "OEBPS/%s", it->href);
    entries[n].data = it->bytes ? (const void *)it->bytes : it->data.data;
    entries[n].size = it->bytes ? it->size : it->data.len;
    entries[n].store = it->bytes ? it->store : 0;
  }
  for (i = 0; i < n; i++)
    deflated += !entries[i].store;

  /* Deflate: entries dealt round-robin to the workers (chapters differ in
   * size; interleaving evens the load out). */
  nparts = S_nworkers(deflated);
  memset(parts, 0, sizeof parts);
  memset(started, 0, sizeof started);
  for (t = 0; t < nparts; t++) {
    parts[t].entries = entries;
    parts[t].n = n;
    parts[t].first = (size_t)t;
    parts[t].step = (size_t)nparts;
  }
  for (i = 0; i < n; i++)
    entries[i].part = (int)(i % (size_t)nparts);
  for (t = 1; t < nparts; t++)
    started[t] =
        pthread_create(&threads[t], NULL, S_deflate_part, &parts[t]) == 0;
  S_deflate_part(&parts[0]);
  for (t = 1; t < nparts; t++) {
    if (started[t])
      pthread_join(threads[t], NULL);
    else
      S_deflate_part(&parts[t]); /* no thread: do it here */
  }
  for (t = 0; t < nparts && rc == 0; t++) {
    if (parts[t].failed) {
      rc = nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0,
                        "zip: cannot compress the book's files");
      break;
    }
    zip_error_init(&ze);
    zip_source_keep(parts[t].mem); /* the reading archive's reference */
    parts[t].za = zip_open_from_source(parts[t].mem, ZIP_RDONLY, &ze);
    if (!parts[t].za) {
      zip_source_free(parts[t].mem);
      rc = nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0, "zip: %s",
                        zip_error_strerror(&ze));
    }
    zip_error_fini(&ze);
  }

  /* The archive itself, in the book's order. */
  zip_error_init(&ze);
  if (rc == 0 && !(mem = zip_source_buffer_create(NULL, 0, 0, &ze)))
    rc = nb_epub_oom(ep);
  if (rc == 0) {
    zip_source_keep(mem);
    za = zip_open_from_source(mem, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!za) {
      zip_source_free(mem); /* not taken: drop the archive's reference */
      rc = nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0, "zip: %s",
                        zip_error_strerror(&ze));
    }
  }
  for (i = 0; rc == 0 && i < n; i++) {
    S_entry *e = &entries[i];
    zip_source_t *src =
        e->store ? zip_source_buffer(za, e->data, e->size, 0)
                 : zip_source_zip(za, parts[e->part].za, (zip_uint64_t)e->idx,
                                  ZIP_FL_COMPRESSED, 0, -1);
    zip_int64_t idx;
    if (!src || (idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8)) < 0) {
      zip_source_free(src);
      rc = -1;
    } else if (S_zip_attrs(za, idx, e->store, mtime) < 0) {
      rc = -1;
    }
    if (rc < 0)
      rc = nb_error_set(ep->err, NB_ERR_LIBRARY, e->name, 0, "zip: %s",
                        zip_strerror(za));
  }
  if (rc == 0 && zip_close(za) < 0) {
    rc = nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0, "zip: %s",
                      zip_strerror(za));
  } else if (rc == 0) {
    za = NULL; /* closed */
  }
  if (za)
    zip_discard(za);
  zip_error_fini(&ze);
  for (t = 0; t < nparts; t++) {
    if (parts[t].za)
      zip_discard(parts[t].za);
    if (parts[t].mem)
      zip_source_free(parts[t].mem);
  }
  free(entries);
  if (rc < 0) {
    if (mem)
      zip_source_free(mem);
    return rc;
  }
  if (zip_source_stat(mem, &st) < 0 || zip_source_open(mem) < 0) {
    zip_source_free(mem);
    return nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0,
                        "zip: cannot read the archive back");
  }
  bytes = malloc(st.size ? (size_t)st.size : 1);
  if (!bytes || zip_source_read(mem, bytes, st.size) != (zip_int64_t)st.size) {
    zip_source_close(mem);
    zip_source_free(mem);
    free(bytes);
    return bytes ? nb_error_set(ep->err, NB_ERR_LIBRARY, path, 0,
                                "zip: cannot read the archive back")
                 : nb_epub_oom(ep);
  }
  zip_source_close(mem);
  zip_source_free(mem);
  if ((zip_uint64_t)st.size > ep->max_bytes)
    nb_diag_emit(ep->diag, NB_SEV_WARNING, "limit", path, 0, NULL,
                 "the EPUB is %.1f MB, over the budget of %.1f MB (Send to "
                 "Kindle takes mailed books up to 50 MB): fewer articles or "
                 "smaller images would fit",
                 (double)st.size / 1e6, (double)ep->max_bytes / 1e6);
  rc = nb_atomic_open(&at, path, ep->err);
  if (rc == 0) {
    if (fwrite(bytes, 1, (size_t)st.size, at.fp) != (size_t)st.size) {
      nb_atomic_abort(&at);
      rc = nb_error_set(ep->err, NB_ERR_SYSTEM, path, 0, "cannot write");
    } else {
      rc = nb_atomic_commit(&at, ep->err);
    }
  }
  free(bytes);
  return rc;
}

/* ## The writer */

static int S_build(nb_epub_book *ep) {
  const nb_book *book = ep->book;
  size_t s, j, k = 0, ns = nb_book_section_count(book);
  size_t ndocs = nb_book_doc_count(book), first_chapter = (size_t)-1;
  const char *cover_mode = ep->opts ? ep->opts->cover_mode : NULL;
  int none = cover_mode && strcmp(cover_mode, "none") == 0;
  const nb_resource *cover = nb_book_get_cover(book);

  if (!cover && !none && ndocs > 0)
    cover =
        nb_resources_lead(nb_book_get_resources(book), nb_book_doc(book, 0));
  if (cover && !nb_epub_image_usable(cover)) {
    nb_diag_emit(
        ep->diag, NB_SEV_WARNING, "image", NULL, 0, cover->url,
        "the cover image %s cannot be used (%s): the book has no "
        "cover",
        cover->url ? cover->url : "",
        cover->status != NB_RES_OK
            ? nb_res_status_name(cover->status)
            : (cover->media_type ? cover->media_type : "unknown type"));
    cover = NULL;
  }
  ep->cover = cover;
  if (cover && !nb_epub_images_add(&ep->images, cover))
    return nb_epub_oom(ep);
  if (cover && S_cover_page(ep) < 0)
    return -1;
  if (ndocs > 1 && S_title_page(ep) < 0)
    return -1;
  for (s = 0; s < ns; s++) {
    const char *st = nb_book_section_title(book, s);
    int titled = ep->has_sections && st != NULL;
    if (titled && S_section_page(ep, s, st) < 0)
      return -1;
    for (j = 0; j < nb_book_section_doc_count(book, s); j++, k++) {
      if (first_chapter == (size_t)-1)
        first_chapter = ep->nitems;
      if (S_chapter(ep, k, nb_book_section_doc(book, s, j), titled) < 0)
        return -1;
    }
  }
  if (nb_epub_write_nav(ep, first_chapter) < 0)
    return -1;
  /* The navigation document stays out of the spine: reading systems show
   * it as their contents, and in the reading order it would repeat every
   * title once more between the title page and the first chapter (which
   * also confuses text-order checks). */
  if (nb_epub_write_ncx(ep) < 0 ||
      (ep->embed_fonts && nb_epub_embed_fonts(ep) < 0) ||
      nb_epub_write_css(ep) < 0)
    return -1;
  for (s = 0; s < ep->images.count; s++) {
    const nb_resource *r = ep->images.items[s];
    char href[64];
    nb_epub_item *it;
    snprintf(href, sizeof href, "images/%s.%s", r->id, nb_epub_image_ext(r));
    if (!(it = nb_epub_add_item(ep, href, r->id, r->media_type)))
      return nb_epub_oom(ep);
    it->bytes = r->data;
    it->size = r->size;
    it->store = 1; /* JPEG, PNG and GIF are compressed already */
    if (r == cover || (cover && strcmp(r->id, cover->id) == 0))
      it->properties = "cover-image";
  }
  return 0;
}

/* The book's language, which every e-book store requires (Send to Kindle
 * rejects a book without dc:language): the book's own, else the language
 * most of its articles are in (the first of those in a tie), else one
 * guessed from the first article's title and text. Never empty. */
static void S_book_lang(const nb_book *book, char *buf, size_t size) {
  size_t i, j, n = nb_book_doc_count(book), best_count = 0;
  char a[40], b[40];
  if (nb_epub_lang_ok(nb_book_get_meta(book, "lang"), buf, size))
    return;
  /* each distinct language counted where first met: quadratic in the
   * number of articles only when every one differs, and books are read
   * whole before writing anyway */
  for (i = 0; i < n; i++) {
    size_t count = 1;
    if (!nb_epub_lang_ok(nb_doc_get_meta(nb_book_doc(book, i), "lang"), a,
                         sizeof a))
      continue;
    for (j = 0; j < i; j++)
      if (nb_epub_lang_ok(nb_doc_get_meta(nb_book_doc(book, j), "lang"), b,
                          sizeof b) &&
          strcmp(a, b) == 0)
        break;
    if (j < i)
      continue;
    for (j = i + 1; j < n; j++)
      if (nb_epub_lang_ok(nb_doc_get_meta(nb_book_doc(book, j), "lang"), b,
                          sizeof b) &&
          strcmp(a, b) == 0)
        count++;
    if (count > best_count) {
      best_count = count;
      snprintf(buf, size, "%s", a);
    }
    if (best_count * 2 > n)
      break; /* a majority: no other can win */
  }
  if (best_count)
    return;
  {
    char *text = n ? nb_node_text(nb_doc_root(nb_book_doc(book, 0))) : NULL;
    const char *title =
        n ? nb_doc_get_meta(nb_book_doc(book, 0), "title") : NULL;
    nb_buf probe = NB_BUF_INIT;
    if (title)
      nb_buf_puts(&probe, title);
    if (text)
      nb_buf_append(&probe, text, strnlen(text, 64u << 10));
    snprintf(buf, size, "%s",
             nb_text_guess_lang(probe.data ? probe.data : "", probe.len));
    nb_buf_free(&probe);
    free(text);
  }
}

/* Vertical writing asked for by the book's metadata ("writing-mode:
 * vertical-rl", as --metadata or a recipe's metadata set it), besides
 * the option and the theme. */
static int S_meta_vertical(const nb_book *book) {
  const char *m = nb_book_get_meta(book, "writing-mode");
  return m && (strcmp(m, "vertical-rl") == 0 || strcmp(m, "vertical") == 0);
}

int nb_write_epub(const nb_book *book, const nb_write_options *opts,
                  const char *path, const nb_diag *diag, nb_error *err) {
  nb_epub_book ep;
  nb_buf opf = NB_BUF_INIT;
  size_t i, n;
  const char *id;
  int rc;
  char idbuf[64];

  if (!book || !path)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "nb_write_epub: no book or no output path");
  n = nb_book_doc_count(book);
  if (n == 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "the book has no articles to write");
  memset(&ep, 0, sizeof ep);
  ep.book = book;
  ep.opts = opts;
  ep.diag = diag;
  ep.err = err;
  ep.css_href = "css/style.css";
  /* fields of ABI version 2 are read only from callers that have them */
  if (opts && opts->abi_version >= 2) {
    ep.vertical = opts->vertical != 0;
    ep.embed_fonts = opts->embed_fonts != 0;
    ep.max_bytes = opts->max_bytes;
  }
  if (ep.max_bytes == 0)
    ep.max_bytes = S_DEFAULT_MAX_BYTES;
  ep.has_sections = nb_book_has_sections(book);
  S_book_lang(book, ep.lang, sizeof ep.lang);
  ep.words = nb_words_for(ep.lang);
  ep.title =
      nb_epub_clean_label(nb_book_get_meta(book, "title")
                              ? nb_book_get_meta(book, "title")
                              : nb_doc_get_meta(nb_book_doc(book, 0), "title"));
  if (ep.title && !*ep.title) {
    free(ep.title);
    ep.title = nb_strdup(ep.words->untitled);
  }
  id = nb_book_get_meta(book, "id");
  if (!id || !*id) {
    /* nb_book_finish() was not called: derive one from the titles */
    nb_hash h;
    char hex[33];
    nb_hash_init(&h);
    for (i = 0; i < n; i++) {
      const char *t = nb_doc_get_meta(nb_book_doc(book, i), "title");
      if (t)
        nb_hash_update(&h, t, strlen(t) + 1);
    }
    nb_hash_hex(&h, hex);
    snprintf(idbuf, sizeof idbuf, "urn:newsbook:%s", hex);
    id = idbuf;
  }
  ep.identifier = id;
  if (!ep.title) {
    rc = nb_epub_oom(&ep);
    goto cleanup;
  }
  rc = nb_epub_read_theme(&ep);
  if (rc == 0)
    ep.vertical = ep.vertical || ep.theme_vertical || S_meta_vertical(book);
  if (rc == 0)
    rc = S_build(&ep);
  if (rc == 0)
    rc = nb_epub_write_opf(&ep, &opf);
  if (rc == 0)
    rc = S_write_zip(&ep, &opf, path);

cleanup:
  for (i = 0; i < ep.nitems; i++)
    nb_buf_free(&ep.items[i].data);
  for (i = 0; i < ep.nentries; i++)
    free(ep.entries[i].label);
  free(ep.items);
  free(ep.spine);
  free(ep.entries);
  nb_epub_images_free(&ep.images);
  nb_buf_free(&opf);
  nb_buf_free(&ep.font_css);
  nb_buf_free(&ep.theme);
  for (i = 0; i < ep.nfont_data; i++)
    free(ep.font_data[i]);
  free(ep.font_data);
  free(ep.title);
  return rc < 0 ? rc : 0;
}
