/* Images into the PDF compressed beforehand (see pdfimg.h): PNGs as
 * they are, and other opaque images deflated off the drawing thread.
 *
 * A PDF Flate stream with /Predictor 15 is a PNG's IDAT data: the rows,
 * each with its filter type byte, deflated. For an 8-bit grey or RGB PNG
 * without transparency or gamma, the samples a PDF reader gets from it
 * are the pixels libpng gives (png.c), so the page looks the same, and
 * neither the decoding nor Cairo's deflating of the pixels again (the
 * two costliest steps of a PDF with pictures) is done. Which images
 * qualify is decided from the whole file: every chunk's CRC, and the
 * compressed rows inflated (not kept) to exactly the rows with valid
 * filter types, so that a damaged PNG still goes to the decoder, which
 * keeps what decodes and says so.
 *
 * The stand-in Cairo draws is 1x3 pixels: two fixed colours and the
 * image's number. Cairo writes it as an image XObject like any other, at
 * the size and place of the image (a PDF image fills its unit square,
 * whatever its pixel count); afterwards the file is read back
 * (pdfread.c) and each stand-in's object is written again as the PNG's
 * XObject, its data copied from the PNG straight into the new file. */
#include "write/pdf/pdfimg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/util.h"
#include "write/pdf/pdfread.h"

#define MAGIC0 0xE0157Au
#define MAGIC1 0x2BD94Cu
#define MAX_SIDE (1 << 24)
/* the pixels nb_image_decode would decode at most (its default cap): no
 * more is inflated to check a PNG */
#define MAX_PIXELS ((uint64_t)50000000)

static uint32_t S_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

/* Walks the chunks of @p data; with @p crc, checks each one's CRC, and
 * with @p p, fills it. 1 when the file is such a PNG. */
static int S_walk(const unsigned char *data, size_t size, int crc,
                  nb_pdf_png *p) {
  static const unsigned char sig[8] = {0x89, 'P',  'N',  'G',
                                       0x0d, 0x0a, 0x1a, 0x0a};
  size_t pos = 8;
  int w = 0, h = 0, colors = 0, idat = 0, idat_done = 0, first = 1;
  if (!data || size < 8 || memcmp(data, sig, 8) != 0)
    return 0;
  while (size - pos >= 12) {
    uint32_t len = S_be32(data + pos);
    const unsigned char *type = data + pos + 4, *body = data + pos + 8;
    if (len > size - pos - 12)
      return 0;
    if (crc && S_be32(body + len) !=
                   (uint32_t)crc32(crc32(0L, Z_NULL, 0), type, len + 4))
      return 0;
    if (first != (memcmp(type, "IHDR", 4) == 0))
      return 0;
    if (first) {
      if (len != 13)
        return 0;
      w = (int)(S_be32(body) & 0x7fffffff);
      h = (int)(S_be32(body + 4) & 0x7fffffff);
      /* bit depth 8; grey (0) or RGB (2); compression, filter method and
       * interlace all 0 */
      if (S_be32(body) > MAX_SIDE || S_be32(body + 4) > MAX_SIDE || w <= 0 ||
          h <= 0 || (uint64_t)w * (uint64_t)h > MAX_PIXELS || body[8] != 8 ||
          (body[9] != 0 && body[9] != 2) || body[10] != 0 || body[11] != 0 ||
          body[12] != 0)
        return 0;
      colors = body[9] == 2 ? 3 : 1;
      first = 0;
    } else if (memcmp(type, "IDAT", 4) == 0) {
      if (idat_done)
        return 0; /* IDAT chunks are consecutive */
      idat = 1;
    } else if (memcmp(type, "IEND", 4) == 0) {
      if (!idat)
        return 0;
      if (p) {
        p->data = data;
        p->size = size;
        p->width = w;
        p->height = h;
        p->colors = colors;
      }
      return 1;
    } else {
      if (idat)
        idat_done = 1;
      /* what a decoder would apply to the samples, or would not know;
       * a gamma of 1/2.2 (sRGB's, as ImageMagick writes it) leaves them
       * as they are in libpng's sRGB output, and chromaticities only
       * matter to its conversions to grey */
      if (memcmp(type, "gAMA", 4) == 0 && (len != 4 || S_be32(body) != 45455))
        return 0;
      if (memcmp(type, "tRNS", 4) == 0 || memcmp(type, "iCCP", 4) == 0 ||
          memcmp(type, "sBIT", 4) == 0 || memcmp(type, "acTL", 4) == 0 ||
          (!(type[0] & 0x20) && memcmp(type, "PLTE", 4) != 0))
        return 0;
    }
    pos += 12 + (size_t)len;
  }
  return 0;
}

int nb_pdf_png_likely(const unsigned char *data, size_t size) {
  return S_walk(data, size, 0, NULL);
}

/* Calls @p fn for each IDAT chunk's data of @p p in order; stops at a
 * non-zero return and gives it. */
static int S_each_idat(const nb_pdf_png *p,
                       int (*fn)(void *ctx, const unsigned char *d, size_t n),
                       void *ctx) {
  size_t pos = 8;
  while (p->size - pos >= 12) {
    uint32_t len = S_be32(p->data + pos);
    if (memcmp(p->data + pos + 4, "IDAT", 4) == 0 && len > 0) {
      int rc = fn(ctx, p->data + pos + 8, len);
      if (rc)
        return rc;
    }
    if (memcmp(p->data + pos + 4, "IEND", 4) == 0)
      break;
    pos += 12 + (size_t)len;
  }
  return 0;
}

typedef struct S_inflating {
  z_stream z;
  uint64_t row, got, want; /* bytes in a row (with its filter byte) */
  int ended, bad;
  unsigned char out[65536];
} S_inflating;

static int S_inflate_some(void *ctx, const unsigned char *d, size_t n) {
  S_inflating *s = ctx;
  if (s->ended)
    return 1; /* data after the end of the stream */
  s->z.next_in = (Bytef *)(uintptr_t)d;
  s->z.avail_in = (uInt)n;
  while (s->z.avail_in > 0 && !s->ended) {
    int zr;
    size_t k, made;
    s->z.next_out = s->out;
    s->z.avail_out = sizeof s->out;
    zr = inflate(&s->z, Z_NO_FLUSH);
    if (zr != Z_OK && zr != Z_STREAM_END)
      return 1;
    made = sizeof s->out - s->z.avail_out;
    if (s->got + made > s->want)
      return 1;
    /* every row starts with a filter type, 0 to 4 */
    k = (size_t)((s->row - s->got % s->row) % s->row);
    for (; k < made; k += (size_t)s->row)
      if (s->out[k] > 4)
        return 1;
    s->got += made;
    if (zr == Z_STREAM_END) {
      s->ended = 1;
      if (s->z.avail_in > 0)
        return 1;
    } else if (made == 0 && s->z.avail_in > 0) {
      return 1; /* no progress */
    }
  }
  return 0;
}

int nb_pdf_png_direct(const unsigned char *data, size_t size, nb_pdf_png *p) {
  S_inflating *s;
  int ok;
  memset(p, 0, sizeof *p);
  if (!S_walk(data, size, 1, p))
    return 0;
  if (!(s = nb_calloc(1, sizeof *s)))
    return 0;
  s->row = 1 + (uint64_t)p->width * (uint64_t)p->colors;
  s->want = s->row * (uint64_t)p->height;
  if (inflateInit(&s->z) != Z_OK) {
    free(s);
    return 0;
  }
  ok = S_each_idat(p, S_inflate_some, s) == 0 && s->ended && s->got == s->want;
  inflateEnd(&s->z);
  free(s);
  if (!ok)
    memset(p, 0, sizeof *p);
  return ok;
}

/* ## Pixels deflated beforehand */

/* 1 when every pixel of the image is grey (r = g = b): Cairo then writes
 * one grey sample a pixel, and so do we. */
static int S_all_grey(const unsigned char *pixels, int width, int height,
                      int stride) {
  int x, y;
  for (y = 0; y < height; y++) {
    const uint32_t *row =
        (const uint32_t *)(const void *)(pixels + (size_t)y * stride);
    for (x = 0; x < width; x++) {
      uint32_t v = row[x];
      if (((v >> 16) & 255) != (v & 255) || ((v >> 8) & 255) != (v & 255))
        return 0;
    }
  }
  return 1;
}

/* Deflates @p n bytes at @p d into @p out, finishing the stream when
 * @p last. 0 or -1. */
static int S_deflate_some(z_stream *z, const unsigned char *d, size_t n,
                          int last, nb_buf *out) {
  int zr;
  z->next_in = (Bytef *)(uintptr_t)d;
  z->avail_in = (uInt)n;
  do {
    if (!nb_buf_reserve(out, 65536))
      return -1;
    z->next_out = (Bytef *)out->data + out->len;
    z->avail_out = (uInt)(out->cap - out->len - 1);
    zr = deflate(z, last ? Z_FINISH : Z_NO_FLUSH);
    out->len = (size_t)((char *)z->next_out - out->data);
    out->data[out->len] = '\0';
    if (zr == Z_STREAM_ERROR)
      return -1;
  } while (z->avail_in > 0 || (last && zr != Z_STREAM_END));
  return 0;
}

int nb_pdf_pixels_deflate(const unsigned char *pixels, int width, int height,
                          int stride, nb_buf *out, int *colors) {
  unsigned char *row = NULL;
  z_stream z;
  int y, rc = -1, grey;
  size_t rowlen;
  char *fit;
  if (!pixels || width <= 0 || height <= 0 || stride / 4 < width)
    return -1;
  grey = S_all_grey(pixels, width, height, stride);
  *colors = grey ? 1 : 3;
  rowlen = (size_t)width * (size_t)*colors;
  memset(&z, 0, sizeof z);
  if (!(row = malloc(rowlen)) ||
      deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) {
    free(row);
    return -1;
  }
  for (y = 0; y < height; y++) {
    const uint32_t *px =
        (const uint32_t *)(const void *)(pixels + (size_t)y * stride);
    unsigned char *o = row;
    int x;
    if (grey)
      for (x = 0; x < width; x++)
        *o++ = (unsigned char)(px[x] & 255);
    else
      for (x = 0; x < width; x++) {
        *o++ = (unsigned char)((px[x] >> 16) & 255);
        *o++ = (unsigned char)((px[x] >> 8) & 255);
        *o++ = (unsigned char)(px[x] & 255);
      }
    if (S_deflate_some(&z, row, rowlen, y + 1 == height, out) != 0)
      goto done;
  }
  /* the stream is kept until the file is finished: no slack */
  if ((fit = realloc(out->data, out->len + 1)) != NULL) {
    out->data = fit;
    out->cap = out->len + 1;
  }
  rc = 0;
done:
  deflateEnd(&z);
  free(row);
  return rc;
}

cairo_surface_t *nb_pdf_png_stand_in(size_t index) {
  cairo_surface_t *s;
  unsigned char *d;
  int stride;
  if (index >= (size_t)1 << 24)
    return NULL;
  s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 3);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_surface_flush(s);
  d = cairo_image_surface_get_data(s);
  stride = cairo_image_surface_get_stride(s);
  *(uint32_t *)(void *)d = MAGIC0;
  *(uint32_t *)(void *)(d + stride) = MAGIC1;
  *(uint32_t *)(void *)(d + 2 * stride) = (uint32_t)index;
  cairo_surface_mark_dirty(s);
  return s;
}

/* ## Replacing the stand-ins */

typedef struct S_apply {
  const nb_pdf_png *pngs;
  int *index_of;            /* by object number: the PNG's index */
  unsigned char *interp_of; /* the stand-in asked for /Interpolate true */
} S_apply;

static int S_write_some(void *ctx, const unsigned char *d, size_t n) {
  return fwrite(d, 1, n, (FILE *)ctx) == n ? 0 : 1;
}

static int S_add_len(void *ctx, const unsigned char *d, size_t n) {
  (void)d;
  *(size_t *)ctx += n;
  return 0;
}

/* Form XObject @p num standing where its stand-in was: Cairo paints an
 * image through the unit square, its first row at the top, so the form's
 * matrix takes the stand-in's user space (1 by 3 pixels) onto that. */
static int S_write_form(const nb_pdf_png *p, int num, FILE *out) {
  fprintf(out,
          "%d 0 obj\n<< /Type /XObject\n   /Subtype /Form\n"
          "   /BBox [ %.3f %.3f %.3f %.3f ]\n"
          "   /Matrix [ 1 0 0 -0.3333333333 0 1 ]\n   /Resources << >>\n"
          "   /Filter /FlateDecode\n   /Length %zu\n>>\nstream\n",
          num, p->bbox[0], p->bbox[1], p->bbox[2], p->bbox[3], p->flate_len);
  if (S_write_some(out, p->flate, p->flate_len) != 0)
    return -1;
  fputs("\nendstream\nendobj\n", out);
  return ferror(out) ? -1 : 0;
}

static int S_write_png(void *ctx, int num, FILE *out) {
  S_apply *a = ctx;
  const nb_pdf_png *p = &a->pngs[a->index_of[num]];
  size_t len = 0;
  if (p->form)
    return S_write_form(p, num, out);
  if (p->data)
    S_each_idat(p, S_add_len, &len);
  else
    len = p->flate_len;
  fprintf(out,
          "%d 0 obj\n<< /Type /XObject\n   /Subtype /Image\n   /Width %d\n"
          "   /Height %d\n   /ColorSpace /%s\n%s   /BitsPerComponent 8\n"
          "   /Filter /FlateDecode\n",
          num, p->width, p->height, p->colors == 3 ? "DeviceRGB" : "DeviceGray",
          a->interp_of[num] ? "   /Interpolate true\n" : "");
  if (p->data)
    fprintf(out,
            "   /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent 8 "
            "/Columns %d >>\n",
            p->colors, p->width);
  fprintf(out, "   /Length %zu\n>>\nstream\n", len);
  if (p->data ? S_each_idat(p, S_write_some, out) != 0
              : S_write_some(out, p->flate, p->flate_len) != 0)
    return -1;
  fputs("\nendstream\nendobj\n", out);
  return ferror(out) ? -1 : 0;
}

/* 1 and its index when object @p num is a stand-in. */
static int S_stand_in_of(nb_pdfr *r, int num, size_t n, int *index,
                         int *interp) {
  char head[1024];
  const char *v, *end;
  nb_buf data = NB_BUF_INIT;
  int ok = 0;
  if (nb_pdfr_head(r, num, head, sizeof head) <= 0)
    return 0;
  /* the bytes read may run into the next object: only this one's */
  if ((end = strstr(head, "endobj")) != NULL)
    head[end - head] = '\0';
  if ((end = strstr(head, "stream")) == NULL)
    return 0;
  head[end - head] = '\0';
  if (!nb_pdfr_key(head, "/XObject") || !strstr(head, "/Subtype /Image") ||
      !(v = nb_pdfr_key(head, "/Width")) || strtol(v, NULL, 10) != 1 ||
      !(v = nb_pdfr_key(head, "/Height")) || strtol(v, NULL, 10) != 3 ||
      !strstr(head, "/DeviceRGB") || nb_pdfr_key(head, "/SMask"))
    return 0;
  if (nb_pdfr_content(r, num, &data) == 0 && data.len == 9) {
    const unsigned char *d = (const unsigned char *)data.data;
    uint32_t m0 = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
    uint32_t m1 = (uint32_t)d[3] << 16 | (uint32_t)d[4] << 8 | d[5];
    uint32_t i = (uint32_t)d[6] << 16 | (uint32_t)d[7] << 8 | d[8];
    if (m0 == MAGIC0 && m1 == MAGIC1 && i < n) {
      *index = (int)i;
      *interp = strstr(head, "/Interpolate true") != NULL;
      ok = 1;
    }
  }
  nb_buf_free(&data);
  return ok;
}

int nb_pdf_png_apply(const char *path, FILE *out, const nb_pdf_png *pngs,
                     size_t n, nb_error *err) {
  nb_pdfr r;
  nb_pdfu u;
  S_apply a;
  unsigned char *ext_of = NULL;
  unsigned char *seen = NULL;
  long base;
  size_t k;
  int num, rc = 1;
  memset(&r, 0, sizeof r);
  memset(&u, 0, sizeof u);
  memset(&a, 0, sizeof a);
  if (n == 0)
    return 0;
  if (!out || nb_pdfr_open(&r, path) != 0)
    goto done;
  if (fseek(out, 0, SEEK_END) != 0 || (base = ftell(out)) <= 0 ||
      !(ext_of = nb_calloc((size_t)r.size, 1)) ||
      !(a.index_of = nb_calloc((size_t)r.size, sizeof *a.index_of)) ||
      !(a.interp_of = nb_calloc((size_t)r.size, 1)) ||
      !(seen = nb_calloc(n, 1)))
    goto done;
  for (num = 1; num < r.size; num++) {
    int index, interp;
    if (S_stand_in_of(&r, num, n, &index, &interp)) {
      ext_of[num] = 1;
      a.index_of[num] = index;
      a.interp_of[num] = (unsigned char)interp;
      seen[index] = 1;
    }
  }
  /* every image the device stood in for was drawn: all must be found */
  for (k = 0; k < n; k++)
    if (!seen[k])
      goto done;
  a.pngs = pngs;
  u.ext = S_write_png;
  u.ext_ctx = &a;
  u.ext_of = ext_of;
  rc = nb_pdfu_rewrite(&r, &u, base, path, out, err);
done:
  if (r.in)
    fclose(r.in);
  free(r.off);
  free(ext_of);
  free(seen);
  free(a.index_of);
  free(a.interp_of);
  return rc;
}
