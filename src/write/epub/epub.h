/* Private interface of the EPUB writer, shared by its two halves:
 * xhtml.c turns one document (or a generated page) into an XHTML content
 * document with libxml2's xmlTextWriter; epub.c decides which pages exist and
 * writes the package (OPF), the navigation (nav, NCX), the CSS and the zip.
 * Not public API. */
#ifndef NB_WRITE_EPUB_H
#define NB_WRITE_EPUB_H

#include <stddef.h>

#include <libxml/xmlwriter.h>

#include "newsbook/book.h"
#include "newsbook/error.h"
#include "util/util.h"

/* Images a book references, each stored once (keyed by resource id), in the
 * order first referenced: that order is the manifest's. */
typedef struct nb_epub_images {
  const nb_resource **items;
  size_t count, cap;
  size_t *slots; /* open-addressing table of index + 1; 0 = empty */
  size_t nslots;
  size_t without_alt; /* references written with an empty alt */
} nb_epub_images;

/** 1 when @p res can go into the EPUB as is: status OK, bytes present and a
 * core media type every reading system shows (JPEG, PNG, GIF). */
int nb_epub_image_usable(const nb_resource *res);
/** The file extension for a usable resource's media type ("jpg"...). */
const char *nb_epub_image_ext(const nb_resource *res);
/** Record @p res as referenced. 1, or 0 on out of memory. */
int nb_epub_images_add(nb_epub_images *set, const nb_resource *res);
void nb_epub_images_free(nb_epub_images *set);

/** What a chapter needs from the book beyond its document. */
typedef struct nb_epub_chapter {
  const nb_doc *doc;
  const char *book_lang; /* fallback when the document has no usable lang */
  const char *css_href;  /* "css/style.css" */
  const nb_diag *diag;
  nb_epub_images *images; /* filled with every image embedded */
} nb_epub_chapter;

/** Render @p ch as a complete XHTML document into @p out (appended).
 * 0 or a negative nb_code with @p err filled. */
int nb_epub_write_chapter(const nb_epub_chapter *ch, nb_buf *out,
                          nb_error *err);

/* ## Building blocks for the generated pages (cover, title, sections, nav) */

/** Start an XHTML document in a new memory writer: XML declaration, doctype,
 * <html> with namespaces and languages, <head> with @p title and the CSS
 * link (when @p css_href is not NULL), and an open <body>. Returns the writer
 * writing into @p xbuf, or NULL. */
xmlTextWriterPtr nb_epub_xhtml_begin(xmlBufferPtr xbuf, const char *lang,
                                     const char *title, const char *css_href,
                                     const char *body_class);
/** Close everything still open and append the bytes to @p out. Frees the
 * writer. 0 or a negative nb_code. */
int nb_epub_xhtml_end(xmlTextWriterPtr w, xmlBufferPtr xbuf, nb_buf *out,
                      nb_error *err);

/** Write text (as element content) cleaned for XML 1.0: invalid UTF-8
 * repaired, control characters other than tab and newline dropped. */
int nb_epub_text(xmlTextWriterPtr w, const char *s, size_t len);
/** Write an attribute, its value cleaned the same way. */
int nb_epub_attr(xmlTextWriterPtr w, const char *name, const char *value);
/** <name attrs...>text</name> convenience: one element holding text. */
int nb_epub_element(xmlTextWriterPtr w, const char *name,
                    const char *class_name, const char *text);

/** A copy of @p s cleaned for XML (see nb_epub_text) with white space runs
 * collapsed and ends trimmed, for titles and labels. malloc'd; NULL on out of
 * memory. */
char *nb_epub_clean_label(const char *s);

/** A language tag usable in xml:lang: @p lang when it looks like BCP 47
 * (underscores turned into hyphens), else @p fallback, else "en". Writes into
 * @p buf. */
const char *nb_epub_lang(const char *lang, const char *fallback, char *buf,
                         size_t size);

/** A copy of @p url fit for an href when it is an absolute http(s) or mailto
 * URL with a plain host (characters outside printable ASCII and the few
 * that URLs may not hold percent-encoded); NULL when it must not be a link
 * (other schemes, relative paths, malformed). malloc'd. */
char *nb_epub_safe_href(const char *url);

#endif
