/* Writers: a book to an output file. A writer knows nothing of readers.
 * Every writer writes to a temporary file beside the destination and
 * renames it into place only when complete. */
#ifndef NEWSBOOK_WRITER_H
#define NEWSBOOK_WRITER_H

#include <stddef.h>

#include "book.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_write_options {
  int abi_version;        /**< NB_WRITE_ABI_VERSION */
  const char *style_path; /**< theme CSS file; NULL: the default theme */
  const char *cover_mode; /**< NULL/"auto": given or lead or generated;
                               "none": no cover */
  /* PDF */
  const char *page_size;  /**< "A4" (default), "A5", "B5", "Letter",
                               "WxHmm" */
  const char *margin;     /**< CSS-like "20mm" or "20mm 15mm"; NULL: the
                               theme's @page */
  int duplex;             /**< mirror inner/outer margins */
  int image_dpi;          /**< downsample above this, default 300 */
  /* EPUB (NB_WRITE_ABI_VERSION 2) */
  size_t max_bytes;       /**< report (a warning) when the EPUB is larger;
                               0: 50 MB, Send to Kindle's limit for a
                               mailed book; SIZE_MAX: no budget */
  int vertical;           /**< vertical writing (vertical-rl): columns
                               right to left, pages turned right to left;
                               images, tables and code stay upright */
  int embed_fonts;        /**< embed subsets (only the characters the book
                               uses) of the theme's body, heading and code
                               faces, so readers without CJK fonts show
                               the book as designed; the size added is
                               reported as a note */
} nb_write_options;

#define NB_WRITE_ABI_VERSION 2

/** Write @p book as EPUB 3 (with NCX) to @p path. 0 or a negative nb_code
 * with @p err filled; @p path is untouched on failure. */
NB_EXPORT int nb_write_epub(const nb_book *book,
                            const nb_write_options *opts, const char *path,
                            const nb_diag *diag, nb_error *err);

/** Write @p book as a paginated PDF to @p path. 0 or a negative nb_code. */
NB_EXPORT int nb_write_pdf(const nb_book *book, const nb_write_options *opts,
                           const char *path, const nb_diag *diag,
                           nb_error *err);

/** Write the first document of @p book as an indented tree dump (the
 * `--to tree` format tests compare against). 0 or a negative nb_code. */
NB_EXPORT int nb_write_tree(const nb_book *book,
                            const nb_write_options *opts, const char *path,
                            const nb_diag *diag, nb_error *err);

/** Write @p book as one JSON object: book "title", "author", "date",
 * "lang", and "articles", each {"title", "byline", "date", "url",
 * "lead_image", "categories", "text", "images"} with "text" the body as
 * plain text (blank lines between blocks) and "images" its pictures as
 * {"url", "alt", "caption"}. Keys always present (null when unknown),
 * same book, same bytes. "-" writes to standard output. 0 or a negative
 * nb_code. */
NB_EXPORT int nb_write_json(const nb_book *book,
                            const nb_write_options *opts, const char *path,
                            const nb_diag *diag, nb_error *err);

typedef int (*nb_writer_fn)(const nb_book *book,
                            const nb_write_options *opts, const char *path,
                            const nb_diag *diag, nb_error *err);
typedef struct nb_writer {
  const char *name; /**< "epub", "pdf", "tree", "json" */
  nb_writer_fn write;
} nb_writer;
/** NULL-terminated writer table. */
NB_EXPORT const nb_writer *nb_writers(void);

#ifdef __cplusplus
}
#endif
#endif
