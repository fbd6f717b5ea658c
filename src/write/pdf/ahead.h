/* Work on pictures done ahead by one worker thread (ahead.c), for the
 * Cairo device (device_cairo.c). Internal to the PDF writer.
 *
 * Decoding ahead: images announced before they are drawn (the device's
 * note_image) are decoded in that order while the page before them is
 * being drawn and compressed (or, for a PNG that may go into the file as
 * it is, checked: pdfimg.h); the device takes the result when it reaches
 * the image, waits if the worker is on it, and does the work itself for
 * one the worker has not started. Decoded pixels not yet taken stay under
 * NB_PDF_AHEAD_BYTES; the results are what doing the work on the spot
 * would give, so the output does not depend on timing.
 *
 * Deflating ahead: the pixels of an opaque image that Cairo would
 * compress when its page ends are deflated by the worker instead, as
 * Cairo would deflate them, while the pages after it are drawn, and the
 * device draws a stand-in; the finished file gets the deflated samples in
 * its place (pdfimg.h). Decoding goes first: its results are waited for,
 * these only when the file is finished. */
#ifndef NB_PDF_AHEAD_H
#define NB_PDF_AHEAD_H

#include <pthread.h>
#include <stddef.h>

#include <cairo.h>

#include "newsbook/resource.h"
#include "util/util.h"
#include "write/pdf/pdfimg.h"

#define NB_PDF_AHEAD_BYTES ((size_t)48 << 20)

typedef struct nb_ahead_job {
  const nb_resource *res;
  int state;
  int check; /* 1: nb_pdf_png_direct, 0: nb_image_decode */
  int rc;    /* nb_image_decode's or nb_pdf_png_direct's result */
  nb_pixmap pm;
  nb_pdf_png png;
} nb_ahead_job;

typedef struct nb_deflate_job {
  cairo_surface_t *src; /* the pixels (RGB24), let go once deflated */
  nb_buf flate;         /* the deflated samples */
  int colors;           /* 1 grey, 3 RGB */
  int state;            /* as a decoding job's */
  int rc;               /* nb_pdf_pixels_deflate's result */
  size_t png;           /* the stand-in's number */
} nb_deflate_job;

typedef struct nb_ahead {
  pthread_mutex_t lock;
  pthread_cond_t cond; /* a job done, a job queued, pixels taken, stop */
  pthread_t thread;
  int started, stop, failed; /* failed: no thread, work on the spot */
  nb_ahead_job *jobs;
  size_t n, cap, next; /* next: the first job the worker has not looked at */
  size_t held;         /* bytes of decoded pixels not yet taken or deflated */
  nb_deflate_job *z;
  size_t nz, capz, znext; /* znext: the first one not started */
} nb_ahead;

/** Set up @p a (zeroed) for a worker when @p on: 0, or -1 when there is
 * none to have (not @p on, or no lock): every call then does nothing. */
int nb_ahead_init(nb_ahead *a, int on);
/** Stop the worker and free what it holds. */
void nb_ahead_free(nb_ahead *a);
/** 1 when @p a takes work. */
int nb_ahead_usable(const nb_ahead *a);

/** Queue @p res for the worker: to check (@p check, nb_pdf_png_direct) or
 * decode (nb_image_decode), unless it is queued and not taken. */
void nb_ahead_queue(nb_ahead *a, const nb_resource *res, int check);
/** The worker's result for @p res (@p check: its check, else its decoded
 * pixels): 1 with *@p rc and *@p pm or *@p png set, or 0 when it has not
 * got it (the caller does the work). */
int nb_ahead_take(nb_ahead *a, const nb_resource *res, int check, int *rc,
                  nb_pixmap *pm, nb_pdf_png *png);

/** Room for one more image to deflate, the worker running: 0, or -1 when
 * there is none (nothing changed). */
int nb_ahead_deflate_reserve(nb_ahead *a);
/** The worker deflates @p s (RGB24, taken over) for stand-in number
 * @p png; after nb_ahead_deflate_reserve succeeded. */
void nb_ahead_deflate(nb_ahead *a, cairo_surface_t *s, size_t png);
/** Wait until every image given is deflated and put the samples in their
 * stand-ins' places in @p pngs: 0, or -1 when one failed (out of
 * memory). */
int nb_ahead_deflated(nb_ahead *a, nb_pdf_png *pngs);

#endif
