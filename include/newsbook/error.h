/* Errors as values and warnings through a callback.
 *
 * The library never prints and never exits: a function that fails returns 0,
 * a negative value or NULL and fills an nb_error; anything worth telling that
 * is not a failure (a missing image, a font without a glyph, a limit hit) goes
 * to the caller's nb_diag callback. */
#ifndef NEWSBOOK_ERROR_H
#define NEWSBOOK_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Error classes, as MuPDF groups them. */
typedef enum nb_code {
  NB_OK = 0,
  NB_ERR_SYSTEM = -1,      /**< I/O, memory: errno tells more */
  NB_ERR_LIBRARY = -2,     /**< a library we use failed */
  NB_ERR_ARGUMENT = -3,    /**< the caller passed something invalid */
  NB_ERR_LIMIT = -4,       /**< a configured limit was hit */
  NB_ERR_UNSUPPORTED = -5, /**< a feature or format we do not handle */
  NB_ERR_FORMAT = -6,      /**< input is not what it claims to be */
  NB_ERR_SYNTAX = -7       /**< input is malformed beyond recovery */
} nb_code;

/** A failure: what, where (file, line; 0 when unknown). */
typedef struct nb_error {
  nb_code code;
  int line;
  char file[1024];
  char message[1024];
} nb_error;

/** Fill @p err (NULL is fine: nothing happens). Returns @p code, so that
 * `return nb_error_set(err, NB_ERR_LIMIT, path, 0, "...")` reads well. */
NB_EXPORT int nb_error_set(nb_error *err, nb_code code, const char *file,
                           int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** Clear @p err to NB_OK. */
NB_EXPORT void nb_error_clear(nb_error *err);

/** A short name for @p code ("system error", "limit", ...). Static string. */
NB_EXPORT const char *nb_code_name(nb_code code);

/* ## Diagnostics */

typedef enum nb_severity {
  NB_SEV_NOTE = 0,
  NB_SEV_WARNING = 1,
  NB_SEV_ERROR = 2 /**< an article was dropped; the run goes on */
} nb_severity;

/** One diagnostic. Every pointer is borrowed for the duration of the call. */
typedef struct nb_diagnostic {
  nb_severity severity;
  const char *kind;    /**< "image", "font", "limit", "syntax", "encoding"... */
  const char *file;    /**< the input it concerns, or NULL */
  int line;            /**< 1-based, 0 when unknown */
  const char *url;     /**< the resource it concerns, or NULL */
  const char *message; /**< one line, no trailing newline */
} nb_diagnostic;

/** Where diagnostics go. May be called from worker threads: the callback
 * must be thread-safe (the CLI's takes a mutex). */
typedef struct nb_diag {
  int abi_version; /**< set to NB_DIAG_ABI_VERSION */
  void (*report)(void *userdata, const nb_diagnostic *d);
  void *userdata;
} nb_diag;

#define NB_DIAG_ABI_VERSION 1

/** Format and send a diagnostic. @p diag may be NULL (dropped). */
NB_EXPORT void nb_diag_emit(const nb_diag *diag, nb_severity sev,
                            const char *kind, const char *file, int line,
                            const char *url, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
