/* Images whose samples go into the PDF already compressed (pdfimg.c).
 * The compressed rows of an 8-bit grey or RGB PNG are a PDF Flate stream
 * with the PNG predictors, so such an image needs neither decoding nor
 * Cairo's compressing its pixels again; and the pixels of any other
 * opaque image can be deflated away from the thread that draws, as Cairo
 * would deflate them, instead of by Cairo when the page ends. Cairo 1.16
 * cannot embed either, so the device draws a small stand-in image
 * carrying the image's number, and once Cairo has finished, the
 * stand-ins' objects are replaced by the compressed data. A running head
 * written once as a form XObject goes the same way (furniture.h).
 * Internal to the library. */
#ifndef NB_PDF_PDFIMG_H
#define NB_PDF_PDFIMG_H

#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

#include "newsbook/error.h"
#include "util/util.h"

/* An image that goes into the PDF compressed beforehand (bytes borrowed):
 * a PNG (data, whose IDAT rows are the samples with the PNG predictors),
 * or samples deflated without a predictor (flate, data NULL). Or, with
 * form set, no image but a form XObject (page furniture, furniture.h):
 * flate is its content stream deflated, in the user space the stand-in
 * was painted in (the stand-in's pixels at (0, 0) to (1, 3)), and bbox
 * (x0, y0, x1, y1) encloses what it draws there. */
typedef struct nb_pdf_png {
  const unsigned char *data;
  size_t size;
  int width, height, colors; /* colors: 1 grey, 3 RGB */
  const unsigned char *flate;
  size_t flate_len;
  int form;
  double bbox[4];
} nb_pdf_png;

/** 1 when @p data is a whole PNG (every chunk's CRC right, IHDR first,
 * IDAT, IEND) whose pixels are exactly its IDAT rows for a PDF reader:
 * 8-bit grey or RGB, not interlaced, no transparency, no gamma other
 * than sRGB's, no colour profile or significant bits, and its
 * compressed rows inflate to exactly its rows with valid filter types;
 * *@p p filled. 0 otherwise: it is decoded and drawn as before. */
int nb_pdf_png_direct(const unsigned char *data, size_t size, nb_pdf_png *p);

/** 1 when @p data looks like such a PNG from its chunks alone (no CRC or
 * inflating): nb_pdf_png_direct will probably take it. */
int nb_pdf_png_likely(const unsigned char *data, size_t size);

/** The pixels of an opaque Cairo RGB24 image (@p stride bytes a row)
 * deflated as a PDF image's samples, as Cairo's PDF surface writes them:
 * 8-bit grey when every pixel is grey, else 8-bit RGB (*@p colors 1 or
 * 3), at zlib's default level, into @p out (the caller frees it). 0, or
 * -1 when out of memory. */
int nb_pdf_pixels_deflate(const unsigned char *pixels, int width, int height,
                          int stride, nb_buf *out, int *colors);

/** The stand-in for image number @p index: a 1x3 RGB24 surface whose
 * pixels say "newsbook PNG @p index", or NULL. */
cairo_surface_t *nb_pdf_png_stand_in(size_t index);

/** Replace, in the PDF Cairo wrote at @p path (open as @p out), every
 * stand-in by its image of @p pngs (@p n of them). 0 when none is left
 * (or there were none), 1 when the file could not be rewritten (it is
 * then as Cairo wrote it, stand-ins and all), or a negative nb_code. */
int nb_pdf_png_apply(const char *path, FILE *out, const nb_pdf_png *pngs,
                     size_t n, nb_error *err);

#endif
