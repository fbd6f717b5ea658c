/* Private to src/deliver/: the OPDS shelf's view of one book (opds.c lists
 * them, shelf_book.c reads them). Not public API. */
#ifndef NB_DELIVER_SHELF_H
#define NB_DELIVER_SHELF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "newsbook/error.h"

/* One entry of the shelf: NAME.epub and/or NAME.pdf. Strings malloc'd. */
typedef struct nb__shelf_book {
  char *stem;            /* file name without .epub/.pdf */
  int has_epub, has_pdf; /* which files exist */
  long long epub_size, pdf_size;
  time_t mtime; /* the newest of its files */
  char *title, *author, *lang, *date, *modified, *description, *id;
  char *cover, *cover_type; /* file name beside the book, media type */
  char *thumb;              /* file name of the thumbnail, or NULL */
  int64_t when;             /* sort key: UTC seconds */
} nb__shelf_book;

void nb__shelf_book_free(nb__shelf_book *b);
/** "DIR/NAME", malloc'd (NULL when out of memory). */
char *nb__shelf_join(const char *dir, const char *name);
/** Write @p len bytes to DIR/NAME through a temporary renamed into place. */
int nb__shelf_write_file(const char *dir, const char *name, const void *data,
                         size_t len, nb_error *err);
/** Fill @p b from DIR/STEM.epub's package document; extract its cover to
 * DIR/STEM.cover.EXT. Problems are warnings; @p b keeps what was read. */
void nb__shelf_read_epub(const char *dir, const nb_diag *diag,
                         nb__shelf_book *b);
/** Fill @p b from a sidecar DIR/STEM.opf and DIR/STEM.pdf's Info
 * dictionary; find a cover left beside it. */
void nb__shelf_read_pdf(const char *dir, const nb_diag *diag,
                        nb__shelf_book *b);
/** Make DIR/STEM.thumb.jpg, @p height pixels high, from b->cover (unless
 * fresh). Returns its malloc'd file name, or NULL. */
char *nb__shelf_thumbnail(const char *dir, nb__shelf_book *b, int height);

#endif
