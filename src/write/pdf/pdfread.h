/* Cairo's PDF read back and written again (pdfread.c), for what Cairo
 * 1.16 cannot write itself (pdftags.c, pdfvert.c). Cairo writes a classic
 * cross-reference table and leaves dictionaries uncompressed; objects are
 * read by their offsets, dictionaries as text. Internal to the library. */
#ifndef NB_PDF_PDFREAD_H
#define NB_PDF_PDFREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "newsbook/error.h"
#include "util/util.h"

/* The file being read. */
typedef struct nb_pdfr {
  FILE *in;
  long *off; /* object offsets by number (0: free) */
  int size;
  int root, info;
  long startxref;
} nb_pdfr;

/* Objects to write in place of Cairo's: their text, one after another;
 * and those written by a callback straight into the new file (large
 * streams that are not held in memory): @p ext_of[num] non-zero for them. */
typedef struct nb_pdfu {
  nb_buf body;
  int *nums;
  long *offs;
  size_t n, cap;
  int (*ext)(void *ctx, int num, FILE *out); /* 0 or -1 */
  void *ext_ctx;
  const unsigned char *ext_of; /* by object number, r->size entries */
} nb_pdfu;

/** Open @p path as Cairo writes a PDF (one xref table, no /Prev, no
 * encryption). 0, or -1 when it is not such a file. */
int nb_pdfr_open(nb_pdfr *r, const char *path);
/** The value after key @p key in dictionary text @p d, or NULL. */
const char *nb_pdfr_key(const char *d, const char *key);
/** @p p past white space. */
const char *nb_pdfr_ws(const char *p);
/** "N 0 R" at @p p: N (and *@p end after it), or -1. */
int nb_pdfr_ref(const char *p, const char **end);
/** The dictionary text of object @p num (without "N 0 obj", with its
 * "<<" and ">>") into @p out. 0, or -1 (a stream, not found). */
int nb_pdfr_obj(nb_pdfr *r, int num, nb_buf *out);
/** The first bytes of object @p num (from "N 0 obj"), at most @p n - 1,
 * NUL-terminated into @p buf. Their count, or -1. */
long nb_pdfr_head(nb_pdfr *r, int num, char *buf, size_t n);
/** Content stream @p num (one Flate stream, as Cairo writes them)
 * decoded into @p data. 0 or -1. */
int nb_pdfr_content(nb_pdfr *r, int num, nb_buf *data);

/** Add object @p num to @p u as @p dict (@p dict_len bytes, without its
 * final ">>") plus @p add and ">>"; @p base is where @p u would start
 * in the file. 0 or -1. */
int nb_pdfu_emit(nb_pdfu *u, long base, int num, const char *dict,
                 size_t dict_len, const char *add);
/** Code point @p cp as the hex digits of its UTF-16BE form (a text
 * string's, a ToUnicode map's) into @p b. */
void nb_pdfu_utf16(nb_buf *b, uint32_t cp);
/** Add stream object @p num holding @p data, compressed. 0 or -1. */
int nb_pdfu_stream(nb_pdfu *u, long base, int num, const nb_buf *data);
/** Write the file of @p r again with the objects of @p u in place of
 * Cairo's, over @p out (the same file). 0, 1 when nothing was written
 * (Cairo's file is left as it is), or a negative nb_code. */
int nb_pdfu_rewrite(nb_pdfr *r, const nb_pdfu *u, long base, const char *path,
                    FILE *out, nb_error *err);

#endif
