/* The EPUB's navigation and package: nav.xhtml (table of contents, nested
 * section -> article, and landmarks), the EPUB 2 NCX, and the package
 * document (metadata, manifest, spine). They read the pages epub.c laid out;
 * they write no content of their own beyond labels. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "newsbook/book.h"
#include "write/epub/epub.h"

#define XC(s) ((const xmlChar *)(s))

/* ## Navigation */

static int S_nav_list(nb_epub_book *ep, xmlTextWriterPtr w) {
  size_t i;
  int open_inner = 0;
  if (xmlTextWriterStartElement(w, XC("ol")) < 0 ||
      xmlTextWriterWriteString(w, XC("\n")) < 0)
    return -1;
  for (i = 0; i < ep->nentries; i++) {
    const nb_epub_entry *e = &ep->entries[i];
    const nb_epub_entry *next =
        i + 1 < ep->nentries ? &ep->entries[i + 1] : NULL;
    if (xmlTextWriterStartElement(w, XC("li")) < 0 ||
        xmlTextWriterStartElement(w, XC("a")) < 0 ||
        nb_epub_attr(w, "href", ep->items[e->item].href) < 0 ||
        nb_epub_text(w, e->label, strlen(e->label)) < 0 ||
        xmlTextWriterFullEndElement(w) < 0)
      return -1;
    if (e->level == 0 && next && next->level == 1 &&
        strncmp(ep->items[e->item].href, "section-", 8) == 0) {
      /* a section: its documents follow as a nested list */
      if (xmlTextWriterWriteString(w, XC("\n")) < 0 ||
          xmlTextWriterStartElement(w, XC("ol")) < 0 ||
          xmlTextWriterWriteString(w, XC("\n")) < 0)
        return -1;
      open_inner = 1;
      continue;
    }
    if (xmlTextWriterFullEndElement(w) < 0 ||
        xmlTextWriterWriteString(w, XC("\n")) < 0)
      return -1;
    if (open_inner && (!next || next->level == 0)) {
      /* close the nested ol and the section's li */
      if (xmlTextWriterFullEndElement(w) < 0 ||
          xmlTextWriterFullEndElement(w) < 0 ||
          xmlTextWriterWriteString(w, XC("\n")) < 0)
        return -1;
      open_inner = 0;
    }
  }
  return xmlTextWriterFullEndElement(w) < 0 ? -1 : 0;
}

static int S_landmark(xmlTextWriterPtr w, const char *type, const char *href,
                      const char *label) {
  return xmlTextWriterStartElement(w, XC("li")) < 0 ||
                 xmlTextWriterStartElement(w, XC("a")) < 0 ||
                 nb_epub_attr(w, "epub:type", type) < 0 ||
                 nb_epub_attr(w, "href", href) < 0 ||
                 nb_epub_text(w, label, strlen(label)) < 0 ||
                 xmlTextWriterFullEndElement(w) < 0 ||
                 xmlTextWriterFullEndElement(w) < 0 ||
                 xmlTextWriterWriteString(w, XC("\n")) < 0
             ? -1
             : 0;
}

int nb_epub_write_nav(nb_epub_book *ep, size_t first_chapter) {
  xmlBufferPtr xbuf;
  xmlTextWriterPtr w;
  nb_epub_item *it;
  const char *toc = ep->words->toc;
  int ok;
  if (!(it = nb_epub_add_item(ep, "nav.xhtml", "nav", "application/xhtml+xml")))
    return nb_epub_oom(ep);
  it->properties = "nav";
  ep->nav_item = ep->nitems - 1;
  if (nb_epub_begin_page(ep, &xbuf, &w, toc) < 0)
    return -1;
  ok = xmlTextWriterStartElement(w, XC("nav")) >= 0 &&
       nb_epub_attr(w, "epub:type", "toc") >= 0 &&
       nb_epub_attr(w, "role", "doc-toc") >= 0 &&
       nb_epub_attr(w, "id", "toc") >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0 &&
       nb_epub_element(w, "h1", NULL, toc) >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0 && S_nav_list(ep, w) >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0 &&
       xmlTextWriterFullEndElement(w) >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0;
  ok = ok && xmlTextWriterStartElement(w, XC("nav")) >= 0 &&
       nb_epub_attr(w, "epub:type", "landmarks") >= 0 &&
       nb_epub_attr(w, "id", "landmarks") >= 0 &&
       nb_epub_attr(w, "hidden", "hidden") >= 0 &&
       nb_epub_element(w, "h2", NULL, ep->words->landmarks) >= 0 &&
       xmlTextWriterStartElement(w, XC("ol")) >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0;
  if (ok && ep->cover)
    ok = S_landmark(w, "cover", "cover.xhtml", ep->words->cover) >= 0;
  /* no "toc" landmark: the nav is not a spine item, and EPUBCheck allows
   * hyperlinks only to those */
  if (ok && nb_book_doc_count(ep->book) > 1)
    ok = S_landmark(w, "titlepage", "titlepage.xhtml", ep->words->titlepage) >=
         0;
  if (ok && first_chapter < ep->nitems)
    ok = S_landmark(w, "bodymatter", ep->items[first_chapter].href,
                    ep->words->start) >= 0;
  ok = ok && xmlTextWriterFullEndElement(w) >= 0 &&
       xmlTextWriterWriteString(w, XC("\n")) >= 0 &&
       xmlTextWriterFullEndElement(w) >= 0;
  return nb_epub_end_page(ep, xbuf, w, ok, it);
}

int nb_epub_write_ncx(nb_epub_book *ep) {
  xmlBufferPtr xbuf = xmlBufferCreate();
  xmlTextWriterPtr w = xbuf ? xmlNewTextWriterMemory(xbuf, 0) : NULL;
  nb_epub_item *it;
  size_t i, order = 0;
  int ok, open_section = 0;
  char num[32];
  if (!w || !(it = nb_epub_add_item(ep, "toc.ncx", "ncx",
                                    "application/x-dtbncx+xml"))) {
    if (w)
      xmlFreeTextWriter(w);
    if (xbuf)
      xmlBufferFree(xbuf);
    return nb_epub_oom(ep);
  }
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, XC("  "));
  ok = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 &&
       xmlTextWriterStartElement(w, XC("ncx")) >= 0 &&
       nb_epub_attr(w, "xmlns", "http://www.daisy.org/z3986/2005/ncx/") >= 0 &&
       nb_epub_attr(w, "version", "2005-1") >= 0 &&
       nb_epub_attr(w, "xml:lang", ep->lang) >= 0 &&
       xmlTextWriterStartElement(w, XC("head")) >= 0;
  {
    const char *names[4] = {"dtb:uid", "dtb:depth", "dtb:totalPageCount",
                            "dtb:maxPageNumber"};
    const char *vals[4];
    vals[0] = ep->identifier;
    vals[1] = ep->has_sections ? "2" : "1";
    vals[2] = vals[3] = "0";
    for (i = 0; ok && i < 4; i++)
      ok = xmlTextWriterStartElement(w, XC("meta")) >= 0 &&
           nb_epub_attr(w, "name", names[i]) >= 0 &&
           nb_epub_attr(w, "content", vals[i]) >= 0 &&
           xmlTextWriterEndElement(w) >= 0;
  }
  ok = ok && xmlTextWriterEndElement(w) >= 0 &&
       xmlTextWriterStartElement(w, XC("docTitle")) >= 0 &&
       nb_epub_element(w, "text", NULL, ep->title) >= 0 &&
       xmlTextWriterEndElement(w) >= 0 &&
       xmlTextWriterStartElement(w, XC("navMap")) >= 0;
  for (i = 0; ok && i < ep->nentries; i++) {
    const nb_epub_entry *e = &ep->entries[i];
    if (open_section && e->level == 0) {
      ok = xmlTextWriterEndElement(w) >= 0;
      open_section = 0;
    }
    snprintf(num, sizeof num, "np%zu", ++order);
    ok = ok && xmlTextWriterStartElement(w, XC("navPoint")) >= 0 &&
         nb_epub_attr(w, "id", num) >= 0;
    snprintf(num, sizeof num, "%zu", order);
    ok = ok && nb_epub_attr(w, "playOrder", num) >= 0 &&
         xmlTextWriterStartElement(w, XC("navLabel")) >= 0 &&
         nb_epub_element(w, "text", NULL, e->label) >= 0 &&
         xmlTextWriterEndElement(w) >= 0 &&
         xmlTextWriterStartElement(w, XC("content")) >= 0 &&
         nb_epub_attr(w, "src", ep->items[e->item].href) >= 0 &&
         xmlTextWriterEndElement(w) >= 0;
    if (ok && e->level == 0 &&
        strncmp(ep->items[e->item].href, "section-", 8) == 0)
      open_section = 1; /* children follow; closed at the next top entry */
    else
      ok = ok && xmlTextWriterEndElement(w) >= 0;
  }
  if (ok && open_section)
    ok = xmlTextWriterEndElement(w) >= 0;
  ok = ok && xmlTextWriterEndDocument(w) >= 0;
  xmlFreeTextWriter(w);
  if (ok)
    nb_buf_append(&it->data, xmlBufferContent(xbuf),
                  (size_t)xmlBufferLength(xbuf));
  xmlBufferFree(xbuf);
  if (!ok || it->data.failed)
    return nb_error_set(ep->err, NB_ERR_LIBRARY, NULL, 0,
                        "cannot write the NCX (out of memory?)");
  return 0;
}

/* ## Package document */

static int S_meta(xmlTextWriterPtr w, const char *prop, const char *value) {
  return xmlTextWriterStartElement(w, XC("meta")) < 0 ||
                 nb_epub_attr(w, "property", prop) < 0 ||
                 nb_epub_text(w, value, strlen(value)) < 0 ||
                 xmlTextWriterEndElement(w) < 0
             ? -1
             : 0;
}

static int S_dc(xmlTextWriterPtr w, const char *name, const char *id,
                const char *value) {
  char *v = nb_epub_clean_label(value);
  int rc;
  if (!v)
    return -1;
  if (!*v) {
    free(v);
    return 0;
  }
  rc = xmlTextWriterStartElement(w, XC(name)) < 0 ||
               (id && nb_epub_attr(w, "id", id) < 0) ||
               nb_epub_text(w, v, strlen(v)) < 0 ||
               xmlTextWriterEndElement(w) < 0
           ? -1
           : 0;
  free(v);
  return rc;
}

/* Distinct strings, in first-seen order (linear: small sets). */
typedef struct S_strs {
  const char **v;
  size_t n, cap;
} S_strs;

static int S_strs_add(S_strs *s, const char *str) {
  size_t i;
  if (!str || !*str)
    return 1;
  for (i = 0; i < s->n; i++)
    if (strcmp(s->v[i], str) == 0)
      return 1;
  if (s->n == s->cap) {
    size_t c = s->cap ? s->cap * 2 : 16;
    const char **n = nb_reallocarray((void *)s->v, c, sizeof *n);
    if (!n)
      return 0;
    s->v = n;
    s->cap = c;
  }
  s->v[s->n++] = str;
  return 1;
}

/* ## Accessibility metadata (EPUB Accessibility 1.1, schema.org terms)
 *
 * Declared from what this book is, never as a blanket claim: the images
 * decide the access modes and the alternativeText feature, animated
 * pictures the flashing hazard, and the conformance claim is made only
 * when every check this writer can make holds: headings in order under
 * the headline, every navigation element labelled, links named and
 * underlined, text at 4.5:1 or more (the default theme's colours), every
 * image described or marked decorative, nothing that may flash. A theme of
 * the user's own is not ours to vouch for: no claim then. */

/* The conformance statement Ace and EPUBCheck know (EPUB Accessibility
 * 1.1, section 3.2). */
#define S_CONFORMS "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

int nb_epub_conforms(const nb_epub_book *ep) {
  int own_theme = ep->opts && ep->opts->style_path;
  return !own_theme && ep->images.without_alt == 0 && ep->images.animated == 0;
}

static int S_a11y(nb_epub_book *ep, xmlTextWriterPtr w) {
  const nb_epub_images *im = &ep->images;
  int described = im->without_alt == 0;
  nb_buf sum = NB_BUF_INIT;
  int ok;

  ok = S_meta(w, "schema:accessMode", "textual") >= 0 &&
       (!im->count || S_meta(w, "schema:accessMode", "visual") >= 0);
  /* text alone suffices when no picture lacks its words */
  ok = ok &&
       (!described ||
        S_meta(w, "schema:accessModeSufficient", "textual") >= 0) &&
       (!im->count ||
        S_meta(w, "schema:accessModeSufficient", "textual,visual") >= 0);
  ok = ok &&
       S_meta(w, "schema:accessibilityFeature", "structuralNavigation") >= 0 &&
       S_meta(w, "schema:accessibilityFeature", "tableOfContents") >= 0 &&
       S_meta(w, "schema:accessibilityFeature", "readingOrder") >= 0 &&
       S_meta(w, "schema:accessibilityFeature", "displayTransformability") >= 0;
  if (ok && im->count && described)
    ok = S_meta(w, "schema:accessibilityFeature", "alternativeText") >= 0;
  if (ok && ep->vertical)
    ok = S_meta(w, "schema:accessibilityFeature", "verticalWriting") >= 0;
  if (ok && im->animated)
    ok =
        S_meta(w, "schema:accessibilityHazard", "unknownFlashingHazard") >= 0 &&
        S_meta(w, "schema:accessibilityHazard", "noMotionSimulationHazard") >=
            0 &&
        S_meta(w, "schema:accessibilityHazard", "noSoundHazard") >= 0;
  else if (ok)
    ok = S_meta(w, "schema:accessibilityHazard", "none") >= 0;

  nb_buf_puts(&sum, "Reflowable text with a table of contents and headings "
                    "in order.");
  if (!(ep->opts && ep->opts->style_path))
    nb_buf_puts(&sum, " Links are underlined.");
  if (im->count && described)
    nb_buf_puts(&sum, " Every image has a text alternative or is marked "
                      "decorative.");
  else if (im->count)
    nb_buf_puts(&sum, " Some images have no text alternative.");
  if (im->animated)
    nb_buf_puts(&sum, " Some images are animated and were not checked for "
                      "flashing.");
  nb_buf_puts(&sum, " Pictures, frames and media that could not be included "
                    "are shown as labelled placeholders.");
  if (nb_epub_conforms(ep))
    nb_buf_puts(&sum, " Meets EPUB Accessibility 1.1 and WCAG 2.1 AA as "
                      "checked by the program that made it.");
  else if (ep->opts && ep->opts->style_path)
    nb_buf_puts(&sum, " Styled with a theme of the user's own, whose "
                      "colours were not checked.");
  nb_buf_putc(&sum, '\0');
  ok = ok && !sum.failed &&
       S_meta(w, "schema:accessibilitySummary", sum.data) >= 0;
  nb_buf_free(&sum);
  if (ok && nb_epub_conforms(ep))
    ok = S_meta(w, "dcterms:conformsTo", S_CONFORMS) >= 0;
  return ok ? 0 : -1;
}

/* Creators listed in the package; readers show the first few. */
#define S_MAX_CREATORS 32

static int S_metadata(nb_epub_book *ep, xmlTextWriterPtr w) {
  const nb_book *book = ep->book;
  size_t k, i, n = nb_book_doc_count(book);
  S_strs authors = {NULL, 0, 0}, subjects = {NULL, 0, 0};
  const char *s;
  char iso[64], id[32];
  int ok = 1;
  nb_date bd = nb_date_parse(nb_book_get_meta(book, "date"));

  if (!nb_book_get_meta(book, "author-summary"))
    ok = S_strs_add(&authors, nb_book_get_meta(book, "author"));
  for (k = 0; ok && k < n; k++) {
    const nb_doc *d = nb_book_doc(book, k);
    for (i = 0; ok && i < nb_doc_author_count(d) && authors.n < S_MAX_CREATORS;
         i++)
      ok = S_strs_add(&authors, nb_doc_author(d, i));
    for (i = 0; ok && i < nb_doc_category_count(d); i++)
      ok = S_strs_add(&subjects, nb_doc_category(d, i));
  }
  if (ok)
    ok = S_strs_add(&subjects, nb_book_get_meta(book, "subject"));
  ok = ok && xmlTextWriterStartElement(w, XC("metadata")) >= 0 &&
       nb_epub_attr(w, "xmlns:dc", "http://purl.org/dc/elements/1.1/") >= 0 &&
       S_dc(w, "dc:identifier", "bookid", ep->identifier) >= 0 &&
       S_dc(w, "dc:title", "title", ep->title) >= 0 &&
       S_dc(w, "dc:language", NULL, ep->lang) >= 0;
  for (i = 0; ok && i < authors.n; i++) {
    snprintf(id, sizeof id, "creator%zu", i + 1);
    ok = S_dc(w, "dc:creator", id, authors.v[i]) >= 0;
  }
  if (ok && bd.valid) {
    nb_epub_utc_iso(bd.utc, iso, sizeof iso);
    ok = S_dc(w, "dc:date", NULL, iso) >= 0;
  }
  for (i = 0; ok && i < subjects.n; i++)
    ok = S_dc(w, "dc:subject", NULL, subjects.v[i]) >= 0;
  s = nb_book_get_meta(book, "description");
  if (!s && n == 1)
    s = nb_doc_get_meta(nb_book_doc(book, 0), "description");
  if (ok && s)
    ok = S_dc(w, "dc:description", NULL, s) >= 0;
  s = nb_book_get_meta(book, "publisher");
  if (ok && s)
    ok = S_dc(w, "dc:publisher", NULL, s) >= 0;
  if (ok && n == 1 && (s = nb_doc_get_meta(nb_book_doc(book, 0), "source")))
    ok = S_dc(w, "dc:source", NULL, s) >= 0;
  nb_epub_utc_iso(nb_epub_book_time(book), iso, sizeof iso);
  ok = ok && S_meta(w, "dcterms:modified", iso) >= 0;

  ok = ok && S_a11y(ep, w) >= 0;
  /* Kindle takes the writing mode from here, not from the CSS */
  if (ok && ep->vertical)
    ok = xmlTextWriterStartElement(w, XC("meta")) >= 0 &&
         nb_epub_attr(w, "name", "primary-writing-mode") >= 0 &&
         nb_epub_attr(w, "content", "vertical-rl") >= 0 &&
         xmlTextWriterEndElement(w) >= 0;
  if (ok && ep->cover) /* EPUB 2 reading systems find the cover by this */
    ok = xmlTextWriterStartElement(w, XC("meta")) >= 0 &&
         nb_epub_attr(w, "name", "cover") >= 0 &&
         nb_epub_attr(w, "content", ep->cover->id) >= 0 &&
         xmlTextWriterEndElement(w) >= 0;
  ok = ok && xmlTextWriterEndElement(w) >= 0;
  free((void *)authors.v);
  free((void *)subjects.v);
  return ok ? 0 : -1;
}

int nb_epub_write_opf(nb_epub_book *ep, nb_buf *out) {
  xmlBufferPtr xbuf = xmlBufferCreate();
  xmlTextWriterPtr w = xbuf ? xmlNewTextWriterMemory(xbuf, 0) : NULL;
  size_t i;
  int ok;
  if (!w) {
    if (xbuf)
      xmlBufferFree(xbuf);
    return nb_epub_oom(ep);
  }
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, XC("  "));
  ok = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) >= 0 &&
       xmlTextWriterStartElement(w, XC("package")) >= 0 &&
       nb_epub_attr(w, "xmlns", "http://www.idpf.org/2007/opf") >= 0 &&
       nb_epub_attr(w, "version", "3.0") >= 0 &&
       nb_epub_attr(w, "unique-identifier", "bookid") >= 0 &&
       nb_epub_attr(w, "xml:lang", ep->lang) >= 0 && S_metadata(ep, w) >= 0 &&
       xmlTextWriterStartElement(w, XC("manifest")) >= 0;
  for (i = 0; ok && i < ep->nitems; i++) {
    const nb_epub_item *it = &ep->items[i];
    ok = xmlTextWriterStartElement(w, XC("item")) >= 0 &&
         nb_epub_attr(w, "id", it->id) >= 0 &&
         nb_epub_attr(w, "href", it->href) >= 0 &&
         nb_epub_attr(w, "media-type", it->media_type) >= 0 &&
         (!it->properties ||
          nb_epub_attr(w, "properties", it->properties) >= 0) &&
         xmlTextWriterEndElement(w) >= 0;
  }
  ok = ok && xmlTextWriterEndElement(w) >= 0 &&
       xmlTextWriterStartElement(w, XC("spine")) >= 0 &&
       nb_epub_attr(w, "toc", "ncx") >= 0 &&
       (!ep->vertical ||
        nb_epub_attr(w, "page-progression-direction", "rtl") >= 0);
  for (i = 0; ok && i < ep->nspine; i++) {
    ok = xmlTextWriterStartElement(w, XC("itemref")) >= 0 &&
         nb_epub_attr(w, "idref", ep->items[ep->spine[i].item].id) >= 0 &&
         (ep->spine[i].linear || nb_epub_attr(w, "linear", "no") >= 0) &&
         xmlTextWriterEndElement(w) >= 0;
  }
  ok =
      ok && xmlTextWriterEndElement(w) >= 0 && xmlTextWriterEndDocument(w) >= 0;
  xmlFreeTextWriter(w);
  if (ok)
    nb_buf_append(out, xmlBufferContent(xbuf), (size_t)xmlBufferLength(xbuf));
  xmlBufferFree(xbuf);
  if (!ok || out->failed)
    return nb_error_set(ep->err, NB_ERR_LIBRARY, NULL, 0,
                        "cannot write the package document (out of memory?)");
  return 0;
}
