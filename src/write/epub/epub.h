/* Private interface of the EPUB writer, shared by its files: xhtml.c turns
 * one document into an XHTML chapter with libxml2's xmlTextWriter, asking
 * text.c about links' names, pictures' descriptions and vertical numbers;
 * epub.c decides which pages exist (cover, title page, sections, chapters)
 * and writes the zip; css.c reads the theme and writes the style sheet;
 * fonts.c embeds subsets of the theme's faces; package.c writes the
 * navigation (nav, NCX) and the package document (OPF); xmlutil.c holds
 * what they share (clean text, URLs, languages, the writer's own words,
 * the image set, the XHTML page frame). Not public API. */
#ifndef NB_WRITE_EPUB_H
#define NB_WRITE_EPUB_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlwriter.h>

#include "model/words.h"
#include "newsbook/book.h"
#include "newsbook/error.h"
#include "newsbook/writer.h"
#include "util/util.h"

/* Images a book references, each stored once (keyed by resource id), in the
 * order first referenced: that order is the manifest's. */
typedef struct nb_epub_images {
  const nb_resource **items;
  size_t count, cap;
  size_t *slots; /* open-addressing table of index + 1; 0 = empty */
  size_t nslots;
  size_t without_alt; /* references written with no description: the model
                         gave no alt (alt "" marks a decorative image) */
  size_t animated;    /* images of more than one frame (animated GIFs) */
} nb_epub_images;

/** 1 when @p res can go into the EPUB as is: status OK, bytes present and a
 * core media type every reading system shows (JPEG, PNG, GIF). */
int nb_epub_image_usable(const nb_resource *res);
/** The file extension for a usable resource's media type ("jpg"...). */
const char *nb_epub_image_ext(const nb_resource *res);
/** 1 when @p data (@p size bytes) is a GIF of more than one frame. */
int nb_epub_gif_animated(const unsigned char *data, size_t size);
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
  int title_level;        /* the headline's h1 (alone) or h2 (in a section);
                             the article's headings follow below it */
  int vertical;           /* numbers of 1-3 digits in span.tcy */
} nb_epub_chapter;

/** Render @p ch as a complete XHTML document into @p out (appended).
 * 0 or a negative nb_code with @p err filled. */
int nb_epub_write_chapter(const nb_epub_chapter *ch, nb_buf *out,
                          nb_error *err);

/* ## Decisions about pieces of a document (text.c) */

/** What a link's content gives a reader that cannot see it. */
typedef enum nb_epub_link_text {
  NB_EPUB_LINK_TEXT = 0,   /* text, or an image with a description */
  NB_EPUB_LINK_IMAGES = 1, /* only images without one */
  NB_EPUB_LINK_EMPTY = 2   /* nothing at all */
} nb_epub_link_text;

/** What @p link's subtree holds; @p *image_url set to the URL of an image
 * without a description. Walks the subtree (call it for the outermost
 * link only, so that each node is visited once more at most). */
nb_epub_link_text nb_epub_link_content(nb_node *link, const char **image_url);
/** 1 when @p s holds something other than white space. */
int nb_epub_has_text(const char *s);
/** 1 when @p url names a picture file (by its path's extension). */
int nb_epub_image_url(const char *url);
/** The host of an http(s) URL into @p buf ("" when none). Returns @p buf. */
const char *nb_epub_url_host(const char *href, char *buf, size_t size);
/** 1 when picture @p img with alt @p alt (the model's) has no description,
 * for the package's accessibility claims: no alt, a placeholder word, a
 * file name or URL, or alt "" alone in its figure or paragraph. */
int nb_epub_undescribed(const nb_node *img, const char *alt);
/** Write text for vertical writing: numbers of one to three digits that
 * are not part of a word or a longer number in span.tcy, the rest as
 * nb_epub_text does. 0 or -1. */
int nb_epub_vertical_text(xmlTextWriterPtr w, const char *s, size_t n);

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

/** 1 when @p lang looks like a BCP 47 tag, copied into @p buf (with '_'
 * as '-'); 0 otherwise (@p buf then undefined). */
int nb_epub_lang_ok(const char *lang, char *buf, size_t size);

/** A copy of @p url fit for an href when it is an absolute http(s) or mailto
 * URL with a plain host (characters outside printable ASCII and the few
 * that URLs may not hold percent-encoded); NULL when it must not be a link
 * (other schemes, relative paths, malformed). malloc'd. */
char *nb_epub_safe_href(const char *url);

/* ## The book being packed (epub.c lays it out, package.c describes it) */

/* One file of the package. */
typedef struct nb_epub_item {
  char href[64]; /* relative to OEBPS/ */
  char id[48];
  const char *media_type;
  const char *properties;     /* static, or NULL */
  nb_buf data;                /* generated content (owned) ... */
  const unsigned char *bytes; /* ... or borrowed bytes (images) */
  size_t size;
  int store; /* already compressed: no deflate */
} nb_epub_item;

typedef struct nb_epub_spine {
  size_t item;
  int linear;
} nb_epub_spine;

/* A navigation entry: a section (with children) or a document. */
typedef struct nb_epub_entry {
  char *label;
  size_t item; /* the page it points at */
  int level;   /* 0 top, 1 inside a section */
} nb_epub_entry;

typedef struct nb_epub_book {
  const nb_book *book;
  const nb_write_options *opts;
  const nb_diag *diag;
  nb_error *err;
  char lang[40];
  char *title;
  const char *identifier;
  const char *css_href;
  const nb_words *words;
  nb_epub_item *items;
  size_t nitems, capitems;
  nb_epub_spine *spine;
  size_t nspine, capspine;
  nb_epub_entry *entries;
  size_t nentries, capentries;
  nb_epub_images images;
  const nb_resource *cover;
  size_t nav_item;
  int has_sections;
  int vertical;     /* vertical-rl, pages turning right to left */
  int embed_fonts;  /* subsets of the theme's faces in fonts/ */
  size_t max_bytes; /* the size budget (SIZE_MAX: none) */
  nb_buf font_css;  /* @font-face rules for the embedded fonts */
  nb_buf theme;     /* the theme's CSS, filtered (nb_epub_read_theme) */
  unsigned char **font_data; /* embedded font subsets (owned) */
  size_t nfont_data;
  int theme_vertical; /* the theme sets a vertical writing mode */
} nb_epub_book;

/** Set the book's error to "out of memory"; returns NB_ERR_SYSTEM. */
int nb_epub_oom(nb_epub_book *ep);
/** Append a manifest item (zeroed, href and id copied). NULL on out of
 * memory. The pointer is valid until the next call. */
nb_epub_item *nb_epub_add_item(nb_epub_book *ep, const char *href,
                               const char *id, const char *media_type);
/** Start a generated XHTML page in the book's language, with its CSS. */
int nb_epub_begin_page(nb_epub_book *ep, xmlBufferPtr *xbuf,
                       xmlTextWriterPtr *w, const char *title);
/** Finish a page begun with nb_epub_begin_page into @p it's data; @p ok 0
 * means a write already failed (everything is freed, an error set). */
int nb_epub_end_page(nb_epub_book *ep, xmlBufferPtr xbuf, xmlTextWriterPtr w,
                     int ok, nb_epub_item *it);
/** The book's time: its "date", else SOURCE_DATE_EPOCH, else 1980-01-01. */
int64_t nb_epub_book_time(const nb_book *book);
/** @p t as "YYYY-MM-DDThh:mm:ssZ". */
void nb_epub_utc_iso(int64_t t, char *buf, size_t size);

/** Copy @p len bytes of CSS to @p out without the declarations Kindle
 * rejects (custom properties and var()); returns how many were left out. */
size_t nb_epub_css_filter(const char *css, size_t len, nb_buf *out);

/** Read the theme (or the built-in style) into ep->theme, filtered, and
 * note whether it asks for vertical writing. 0 or a negative nb_code. */
int nb_epub_read_theme(nb_epub_book *ep);
/** css/style.css: ep->theme, then the vertical rules when the book is
 * vertical, then ep->font_css. */
int nb_epub_write_css(nb_epub_book *ep);

/** With ep->embed_fonts: subsets of the theme's faces for the characters
 * of every page written so far, added to the manifest under fonts/, their
 * @font-face rules in ep->font_css, the size reported as a note. Call
 * after the last page and before nb_epub_write_css. A face that cannot be
 * found or cut is a warning, not a failure. 0 or a negative nb_code. */
int nb_epub_embed_fonts(nb_epub_book *ep);

/** nav.xhtml: the toc (nested section -> article) and the landmarks. */
int nb_epub_write_nav(nb_epub_book *ep, size_t first_chapter);
/** toc.ncx for EPUB 2 reading systems, the same tree as the nav. */
int nb_epub_write_ncx(nb_epub_book *ep);
/** 1 when the book meets EPUB Accessibility 1.1 / WCAG 2.1 AA as far as
 * the writer can tell (see package.c); call once every page is written. */
int nb_epub_conforms(const nb_epub_book *ep);
/** The package document into @p out. */
int nb_epub_write_opf(nb_epub_book *ep, nb_buf *out);

#endif
