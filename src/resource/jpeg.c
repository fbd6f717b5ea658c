/* JPEG through libjpeg-turbo: decode (baseline, progressive, grey, CMYK and
 * YCCK, Adobe's inverted CMYK included) and encode.
 *
 * libjpeg reports fatal errors by longjmp. Everything that must survive the
 * jump lives in a state struct owned by the caller of the function that
 * calls setjmp, so no local of the setjmp frame is read after the jump
 * (C11 7.13.2.1: such locals are indeterminate unless volatile). */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "resource/internal.h"

typedef struct S_jerr {
  struct jpeg_error_mgr pub;
  jmp_buf jb;
  int damage;   /* warnings that mean lost pixels (truncation, corruption) */
  long warnings;
  char msg[JMSG_LENGTH_MAX];
} S_jerr;

static void S_error_exit(j_common_ptr c) {
  S_jerr *e = (S_jerr *)(void *)c->err;
  (*c->err->format_message)(c, e->msg);
  longjmp(e->jb, 1);
}

static void S_emit_message(j_common_ptr c, int level) {
  S_jerr *e = (S_jerr *)(void *)c->err;
  int code = c->err->msg_code;
  if (level >= 0)
    return; /* trace messages */
  /* A hostile file can raise a warning per MCU; past this many it is
   * noise, and decoding it would only burn time. */
  if (++e->warnings > 100000)
    S_error_exit(c);
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER ||
      code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC) {
    if (!e->damage)
      (*c->err->format_message)(c, e->msg);
    e->damage++;
  }
}

static void S_output_message(j_common_ptr c) { (void)c; }

static int S_little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

typedef struct S_jdec {
  struct jpeg_decompress_struct cinfo;
  S_jerr jerr;
  nb_pixmap pm;
  unsigned char *row; /* CMYK scanline */
  int rows;           /* scanlines delivered */
  int created;
} S_jdec;

static int S_decode_run(S_jdec *d, const unsigned char *data, size_t size,
                        int64_t max_pixels, int denom, nb_error *err) {
  struct jpeg_decompress_struct *ci = &d->cinfo;
  int cmyk, inverted;
  if (setjmp(d->jerr.jb))
    return -1;
  jpeg_create_decompress(ci);
  d->created = 1;
  jpeg_mem_src(ci, data, (unsigned long)size);
  jpeg_read_header(ci, TRUE);
  if ((int64_t)ci->image_width * ci->image_height > max_pixels)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%ux%u pixels is over the cap of %lld pixels",
                        ci->image_width, ci->image_height,
                        (long long)max_pixels);
  cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
  inverted = ci->saw_Adobe_marker;
  if (cmyk)
    ci->out_color_space = JCS_CMYK;
  else
    ci->out_color_space = S_little_endian() ? JCS_EXT_BGRA : JCS_EXT_ARGB;
  ci->scale_num = 1;
  ci->scale_denom = denom > 0 ? (unsigned)denom : 1;
  ci->dct_method = JDCT_ISLOW;
  jpeg_calc_output_dimensions(ci);
  if (nb__pixmap_alloc(&d->pm, (int)ci->output_width, (int)ci->output_height,
                       max_pixels, err) != 0)
    return err ? err->code : NB_ERR_SYSTEM;
  if (cmyk) {
    d->row = malloc((size_t)ci->output_width * 4);
    if (!d->row)
      return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  jpeg_start_decompress(ci);
  while (ci->output_scanline < ci->output_height) {
    unsigned char *dst = d->pm.pixels + (size_t)ci->output_scanline * d->pm.stride;
    JSAMPROW rp = cmyk ? d->row : dst;
    if (jpeg_read_scanlines(ci, &rp, 1) != 1)
      break;
    if (cmyk) {
      /* Naive CMYK -> RGB, as ImageMagick's -colorspace sRGB does without
       * a profile. Adobe writes the values inverted (0 = full ink). */
      uint32_t *o = (uint32_t *)(void *)dst;
      JDIMENSION x;
      for (x = 0; x < ci->output_width; x++) {
        unsigned c = d->row[4 * x], m = d->row[4 * x + 1],
                 y = d->row[4 * x + 2], k = d->row[4 * x + 3];
        unsigned r, g, b;
        if (!inverted) {
          c = 255 - c;
          m = 255 - m;
          y = 255 - y;
          k = 255 - k;
        }
        r = (c * k + 127) / 255;
        g = (m * k + 127) / 255;
        b = (y * k + 127) / 255;
        o[x] = 0xFF000000u | r << 16 | g << 8 | b;
      }
    }
    d->rows++;
  }
  jpeg_finish_decompress(ci);
  return 0;
}

int nb__jpeg_decode(const unsigned char *data, size_t size,
                    int64_t max_pixels, int denom, nb_pixmap *out,
                    nb_error *err) {
  S_jdec *d = nb_calloc(1, sizeof *d);
  int rc;
  memset(out, 0, sizeof *out);
  if (!d)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  if (max_pixels <= 0)
    max_pixels = NB_DEFAULT_MAX_PIXELS;
  d->cinfo.err = jpeg_std_error(&d->jerr.pub);
  d->jerr.pub.error_exit = S_error_exit;
  d->jerr.pub.emit_message = S_emit_message;
  d->jerr.pub.output_message = S_output_message;
  rc = S_decode_run(d, data, size, max_pixels, denom, err);
  if (rc == -1) {
    /* longjmp: a fatal libjpeg error */
    if (d->rows > 0 && d->pm.pixels) {
      nb_error_set(err, NB_OK, NULL, 0,
                   "damaged JPEG (%s): kept the first %d of %d rows",
                   d->jerr.msg, d->rows, d->pm.height);
      rc = 0;
    } else {
      rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0, "not a decodable JPEG: %s",
                        d->jerr.msg);
    }
  } else if (rc == 0 && d->jerr.damage) {
    nb_error_set(err, NB_OK, NULL, 0, "damaged JPEG (%s): kept what decodes",
                 d->jerr.msg);
  }
  if (d->created)
    jpeg_destroy_decompress(&d->cinfo);
  free(d->row);
  if (rc == 0)
    *out = d->pm;
  else
    nb_pixmap_free(&d->pm);
  free(d);
  return rc;
}

typedef struct S_jenc {
  struct jpeg_compress_struct cinfo;
  S_jerr jerr;
  unsigned char *buf;
  unsigned long len;
  unsigned char *row;
  int created;
} S_jenc;

static int S_encode_run(S_jenc *e, const nb_pixmap *pm, int quality) {
  struct jpeg_compress_struct *ci = &e->cinfo;
  if (setjmp(e->jerr.jb))
    return -1;
  jpeg_create_compress(ci);
  e->created = 1;
  jpeg_mem_dest(ci, &e->buf, &e->len);
  ci->image_width = (JDIMENSION)pm->width;
  ci->image_height = (JDIMENSION)pm->height;
  ci->input_components = 3;
  ci->in_color_space = JCS_RGB;
  jpeg_set_defaults(ci);
  jpeg_set_quality(ci, quality, TRUE);
  ci->optimize_coding = TRUE;
  jpeg_start_compress(ci, TRUE);
  while (ci->next_scanline < ci->image_height) {
    const uint32_t *src = (const uint32_t *)(const void *)(
        pm->pixels + (size_t)ci->next_scanline * pm->stride);
    JSAMPROW rp = e->row;
    int x;
    for (x = 0; x < pm->width; x++) {
      /* JPEG has no alpha: composite the premultiplied pixel onto white */
      uint32_t px = src[x];
      unsigned a = px >> 24, bg = 255 - a;
      e->row[3 * x] = (unsigned char)(((px >> 16) & 255) + bg);
      e->row[3 * x + 1] = (unsigned char)(((px >> 8) & 255) + bg);
      e->row[3 * x + 2] = (unsigned char)((px & 255) + bg);
    }
    jpeg_write_scanlines(ci, &rp, 1);
  }
  jpeg_finish_compress(ci);
  return 0;
}

int nb_image_encode_jpeg(const nb_pixmap *pm, int quality, unsigned char **out,
                         size_t *size, nb_error *err) {
  S_jenc *e;
  int rc;
  *out = NULL;
  *size = 0;
  if (!pm || !pm->pixels || pm->width <= 0 || pm->height <= 0 ||
      pm->width > 65500 || pm->height > 65500)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "cannot encode this pixmap as JPEG");
  if (quality < 1)
    quality = 1;
  if (quality > 100)
    quality = 100;
  e = nb_calloc(1, sizeof *e);
  if (!e)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  e->row = malloc((size_t)pm->width * 3);
  if (!e->row) {
    free(e);
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  e->cinfo.err = jpeg_std_error(&e->jerr.pub);
  e->jerr.pub.error_exit = S_error_exit;
  e->jerr.pub.emit_message = S_emit_message;
  e->jerr.pub.output_message = S_output_message;
  rc = S_encode_run(e, pm, quality);
  if (rc != 0)
    rc = nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "JPEG encoding failed: %s",
                      e->jerr.msg);
  if (e->created)
    jpeg_destroy_compress(&e->cinfo);
  if (rc == 0) {
    *out = e->buf;
    *size = e->len;
  } else {
    free(e->buf);
  }
  free(e->row);
  free(e);
  return rc;
}
