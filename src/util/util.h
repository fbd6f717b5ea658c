/* Internal helpers shared by every module: growable buffers, checked
 * allocation, hashing, atomic output files, UTF-8. Not public API. */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "newsbook/error.h"

/* ## Buffers: a growable byte string, always NUL-terminated. */
typedef struct nb_buf {
  char *data;
  size_t len, cap;
  int failed; /* set once an allocation failed; later appends are no-ops */
} nb_buf;

#define NB_BUF_INIT {NULL, 0, 0, 0}

int nb_buf_reserve(nb_buf *b, size_t extra);
int nb_buf_append(nb_buf *b, const void *s, size_t len);
int nb_buf_puts(nb_buf *b, const char *s);
int nb_buf_putc(nb_buf *b, char c);
int nb_buf_printf(nb_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Hand the string to the caller (who frees it); the buffer is reset. */
char *nb_buf_detach(nb_buf *b);
void nb_buf_free(nb_buf *b);

/* ## Allocation: abort-free wrappers returning NULL on failure, with
 * overflow checks. */
void *nb_calloc(size_t n, size_t size);
void *nb_reallocarray(void *p, size_t n, size_t size);
char *nb_strdup(const char *s);
char *nb_strndup(const char *s, size_t n);

/* ## Hashing: 128-bit non-cryptographic content hash (two FNV-1a-style
 * 64-bit lanes, finalised with a mixer); stable across runs and hosts. */
typedef struct nb_hash {
  uint64_t a, b;
} nb_hash;
void nb_hash_init(nb_hash *h);
void nb_hash_update(nb_hash *h, const void *data, size_t len);
/** Write 32 lower-case hex digits and a NUL into @p hex (33 bytes). */
void nb_hash_hex(const nb_hash *h, char hex[33]);

/* ## Files */

/** Read a whole file (max @p max bytes; 0 = no cap) into a malloc'd,
 * NUL-terminated buffer. 0 or a negative nb_code with @p err filled. */
int nb_read_file(const char *path, size_t max, char **data, size_t *len,
                 nb_error *err);

/** A file read in steps: the head first (say, to look at its front
 * matter), the rest only when wanted, from the same descriptor. "-" is
 * standard input; anything else must be a regular file (a FIFO or device
 * would block or never end). data is NUL-terminated and owned by the
 * struct until detached. */
typedef struct nb_infile {
  int fd;
  const char *path; /* borrowed */
  size_t max;       /* 0: no cap */
  char *data;
  size_t len, cap;
  size_t hint; /* the size fstat saw, plus 2 (0: unknown) */
  int eof;
  uint64_t dev, ino; /* the file's identity (0, 0 for standard input) */
} nb_infile;

/** Open @p path. 0 or a negative nb_code with @p err filled. */
int nb_infile_open(nb_infile *f, const char *path, size_t max, nb_error *err);
/** Read until at least @p upto bytes are in (SIZE_MAX: all) or the end.
 * NB_ERR_LIMIT when the file is larger than max. */
int nb_infile_read(nb_infile *f, size_t upto, nb_error *err);
/** Hand data (NUL-terminated, @p len bytes) to the caller, who frees it. */
char *nb_infile_detach(nb_infile *f, size_t *len);
/** Close the descriptor and free what was not detached. */
void nb_infile_close(nb_infile *f);

/** An output file written to a temporary beside @p dest and renamed into
 * place on commit, so that no reader ever sees a partial file. */
typedef struct nb_atomic {
  char *dest;
  char *tmp;  /* the temporary's path */
  FILE *fp;   /* open for writing on the temporary */
} nb_atomic;

/** Create the temporary. Refuses a missing directory with a clear error. */
int nb_atomic_open(nb_atomic *a, const char *dest, nb_error *err);
/** Flush, fsync, close and rename into place. 0 or a negative nb_code (the
 * temporary is removed then). */
int nb_atomic_commit(nb_atomic *a, nb_error *err);
/** Close and remove the temporary. Safe after commit (no-op). */
void nb_atomic_abort(nb_atomic *a);

/* ## UTF-8 */

/** Decode one code point at @p s (of @p len bytes); returns its byte length
 * (>= 1) and stores the code point, or U+FFFD with length 1 when invalid. */
size_t nb_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/** Encode @p cp into @p out (>= 4 bytes); returns the length. */
size_t nb_utf8_encode(uint32_t cp, char *out);
/** 1 when @p s is valid UTF-8 with no NUL. */
int nb_utf8_valid(const char *s, size_t len);
/** A valid-UTF-8 copy of @p s: invalid sequences become U+FFFD, NULs are
 * dropped; *repaired counts the repairs. malloc'd, or NULL. */
char *nb_utf8_repair(const char *s, size_t len, size_t *out_len,
                     size_t *repaired);
/** The value of hex digit @p c (0-9, a-f, A-F), or -1. */
int nb_hex_value(int c);
/** 1 for code points of CJK scripts (Han, kana, Hangul, CJK punctuation,
 * full-width forms). */
int nb_is_cjk(uint32_t cp);

#endif
