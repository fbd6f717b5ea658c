/* E-reader profiles and the image transforms they ask for.
 *
 * The numbers are the screens of the best-selling current model of each
 * family, from the makers' specifications:
 *   kindle      Kindle Paperwhite (11th generation, 2021): 6.8", 300 ppi,
 *               1236x1648 (the basic Kindle of 2022 is 1072x1448: a
 *               Paperwhite-sized image is scaled down by 13% there)
 *   kobo        Kobo Clara 2E (2022): 6", 300 ppi, 1072x1448
 *   pocketbook  PocketBook Verse Pro (2023): 6", 300 ppi, 1072x1448
 *   tablet      iPad (10th generation, 2022): 10.9", 1640x2360, colour
 * E-ink screens show 16 greys: quality 70 greyscale JPEG is as good as the
 * screen there, and a grey JPEG is a third of the colour one's size. The
 * Kindle's book budget is Send to Kindle's 50 MB e-mail cap; the others
 * have no documented cap (mail-in services differ), so none.
 *
 * The transform (nb__device_convert) decodes once (JPEG at the smallest
 * 1/2^k scale still at least the target size: a 6000-pixel photo is read
 * at 1/4), flattens transparency on white for e-ink, scales to fit the
 * screen by area averaging, and encodes: JPEG for photos, PNG kept for
 * line art and transparency (grey 8-bit on e-ink) unless a JPEG is under
 * half its size. An image already fitting and already in the right form
 * keeps its bytes. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jpeglib.h>
#include <png.h>

#include "newsbook/device.h"
#include "resource/internal.h"

static const nb_device S_devices[] = {
    {NB_DEVICE_ABI_VERSION, "kindle",
     "Kindle Paperwhite (11th generation), 6.8\" 300 ppi e-ink", 1236, 1648, 1,
     70, 400 * 1000, (uint64_t)50 * 1000 * 1000},
    {NB_DEVICE_ABI_VERSION, "kobo", "Kobo Clara 2E, 6\" 300 ppi e-ink", 1072,
     1448, 1, 70, 400 * 1000, 0},
    {NB_DEVICE_ABI_VERSION, "pocketbook",
     "PocketBook Verse Pro, 6\" 300 ppi e-ink", 1072, 1448, 1, 70, 400 * 1000,
     0},
    {NB_DEVICE_ABI_VERSION, "tablet", "iPad (10th generation), 10.9\" colour",
     1640, 2360, 0, 80, 1000 * 1000, 0},
    {0, NULL, NULL, 0, 0, 0, 0, 0, 0}};

const nb_device *nb_devices(void) {
  return S_devices;
}

const nb_device *nb_device_find(const char *name) {
  const nb_device *d;
  if (!name)
    return NULL;
  for (d = S_devices; d->name; d++)
    if (strcasecmp(d->name, name) == 0)
      return d;
  return NULL;
}

/* ## Greyscale encoders (the public encoders write RGB) */

typedef struct S_jerr {
  struct jpeg_error_mgr pub;
  jmp_buf jb;
} S_jerr;

static void S_jerror_exit(j_common_ptr c) {
  longjmp(((S_jerr *)(void *)c->err)->jb, 1);
}
static void S_jquiet(j_common_ptr c) {
  (void)c;
}

typedef struct S_jgrey {
  struct jpeg_compress_struct ci;
  S_jerr jerr;
  unsigned char *buf;
  unsigned long len;
  int created;
} S_jgrey;

/* Everything the longjmp may skip lives in @p e (see jpeg.c). */
static int S_jgrey_run(S_jgrey *e, const unsigned char *g, int w, int h,
                       int quality) {
  if (setjmp(e->jerr.jb))
    return -1;
  jpeg_create_compress(&e->ci);
  e->created = 1;
  jpeg_mem_dest(&e->ci, &e->buf, &e->len);
  e->ci.image_width = (JDIMENSION)w;
  e->ci.image_height = (JDIMENSION)h;
  e->ci.input_components = 1;
  e->ci.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&e->ci);
  jpeg_set_quality(&e->ci, quality, TRUE);
  e->ci.optimize_coding = TRUE;
  jpeg_start_compress(&e->ci, TRUE);
  while (e->ci.next_scanline < e->ci.image_height) {
    JSAMPROW row = (JSAMPROW)(g + (size_t)e->ci.next_scanline * (size_t)w);
    jpeg_write_scanlines(&e->ci, &row, 1);
  }
  jpeg_finish_compress(&e->ci);
  return 0;
}

static int S_encode_grey_jpeg(const unsigned char *g, int w, int h, int quality,
                              unsigned char **out, size_t *len) {
  S_jgrey *e = nb_calloc(1, sizeof *e);
  int rc;
  *out = NULL;
  if (!e)
    return -1;
  e->ci.err = jpeg_std_error(&e->jerr.pub);
  e->jerr.pub.error_exit = S_jerror_exit;
  e->jerr.pub.output_message = S_jquiet;
  rc = S_jgrey_run(e, g, w, h, quality);
  if (e->created)
    jpeg_destroy_compress(&e->ci);
  if (rc == 0) {
    *out = e->buf;
    *len = e->len;
  } else {
    free(e->buf);
  }
  free(e);
  return rc;
}

static int S_encode_grey_png(const unsigned char *g, int w, int h,
                             unsigned char **out, size_t *len) {
  png_image img;
  png_alloc_size_t size = 0;
  unsigned char *buf;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)w;
  img.height = (png_uint_32)h;
  img.format = PNG_FORMAT_GRAY;
  *out = NULL;
  if (!png_image_write_get_memory_size(img, size, 0, g, 0, NULL))
    return -1;
  if (!(buf = malloc(size ? size : 1))) {
    png_image_free(&img);
    return -1;
  }
  if (!png_image_write_to_memory(&img, buf, &size, 0, g, 0, NULL)) {
    free(buf);
    return -1;
  }
  *out = buf;
  *len = size;
  return 0;
}

/* ## Pixels */

/* The premultiplied pixmap composited on white, as BT.601 luma (the
 * weights JPEG's YCbCr uses), one byte per pixel. */
static unsigned char *S_to_grey(const nb_pixmap *pm) {
  unsigned char *g = nb_calloc((size_t)pm->height, (size_t)pm->width);
  int x, y;
  if (!g)
    return NULL;
  for (y = 0; y < pm->height; y++) {
    const uint32_t *src =
        (const uint32_t *)(const void *)(pm->pixels + (size_t)y * pm->stride);
    unsigned char *d = g + (size_t)y * pm->width;
    for (x = 0; x < pm->width; x++) {
      uint32_t px = src[x];
      unsigned a = pm->has_alpha ? px >> 24 : 255, bg = 255 - a;
      unsigned r = ((px >> 16) & 255) + bg, gr = ((px >> 8) & 255) + bg,
               b = (px & 255) + bg;
      if (r > 255)
        r = 255;
      if (gr > 255)
        gr = 255;
      if (b > 255)
        b = 255;
      d[x] = (unsigned char)((299 * r + 587 * gr + 114 * b + 500) / 1000);
    }
  }
  return g;
}

/* 1 when any pixel is not fully opaque. */
static int S_has_transparency(const nb_pixmap *pm) {
  int x, y;
  if (!pm->has_alpha)
    return 0;
  for (y = 0; y < pm->height; y++) {
    const uint32_t *src =
        (const uint32_t *)(const void *)(pm->pixels + (size_t)y * pm->stride);
    for (x = 0; x < pm->width; x++)
      if ((src[x] >> 24) != 255)
        return 1;
  }
  return 0;
}

/* The size that fits @p w x @p h inside the box, keeping the shape, never
 * larger than it was. */
static void S_fit(int w, int h, int bw, int bh, int *ow, int *oh) {
  *ow = w;
  *oh = h;
  if (bw > 0 && *ow > bw) {
    *oh = (int)((int64_t)*oh * bw / *ow);
    *ow = bw;
  }
  if (bh > 0 && *oh > bh) {
    *ow = (int)((int64_t)*ow * bh / *oh);
    *oh = bh;
  }
  if (*ow < 1)
    *ow = 1;
  if (*oh < 1)
    *oh = 1;
}

/* ## Encoding to a size */

typedef struct S_enc {
  unsigned char *data;
  size_t len;
  const char *mt;
  int comp; /* JPEG components */
} S_enc;

/* JPEG at the profile's quality, stepped down by 10 (to 40) while over
 * the per-image budget. */
static int S_jpeg_sized(const nb_device *dev, const nb_pixmap *pm,
                        const unsigned char *grey, S_enc *out, nb_error *err) {
  int q = dev->jpeg_quality > 0 && dev->jpeg_quality <= 100 ? dev->jpeg_quality
                                                            : 75;
  for (;;) {
    unsigned char *d = NULL;
    size_t len = 0;
    int rc = grey ? S_encode_grey_jpeg(grey, pm->width, pm->height, q, &d, &len)
                  : nb_image_encode_jpeg(pm, q, &d, &len, err);
    if (rc != 0) {
      free(d);
      return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "JPEG encoding failed");
    }
    free(out->data);
    out->data = d;
    out->len = len;
    out->mt = "image/jpeg";
    out->comp = grey ? 1 : 3;
    if (dev->max_image_bytes == 0 || len <= dev->max_image_bytes || q <= 40)
      return 0;
    q = q - 10 < 40 ? 40 : q - 10;
  }
}

/* PNG (grey 8-bit on e-ink, RGB(A) otherwise). */
static int S_png(const nb_pixmap *pm, const unsigned char *grey, S_enc *out,
                 nb_error *err) {
  unsigned char *d = NULL;
  size_t len = 0;
  int rc = grey ? S_encode_grey_png(grey, pm->width, pm->height, &d, &len)
                : nb_image_encode_png(pm, &d, &len, err);
  if (rc != 0) {
    free(d);
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "PNG encoding failed");
  }
  out->data = d;
  out->len = len;
  out->mt = "image/png";
  out->comp = 0;
  return 0;
}

/* ## The transform */

int nb__device_wants(const nb_resolve_options *opt, const char *mt, int w,
                     int h) {
  const nb_device *dev = opt->device;
  int bw = dev->width;
  if (strcmp(mt, "image/svg+xml") == 0)
    return 0;
  if (dev->grey || strcmp(mt, "image/jpeg") == 0 || w <= 0 || h <= 0)
    return 1;
  if (opt->max_image_width > 0 && opt->max_image_width < bw)
    bw = opt->max_image_width;
  return w > bw || h > dev->height;
}

void nb__device_convert(const nb_resolve_options *opt, unsigned char *raw,
                        size_t n, const char *mt, nb_converted *o) {
  const nb_device *dev = opt->device;
  int is_jpeg = strcmp(mt, "image/jpeg") == 0;
  int bw = dev->width, bh = dev->height, w = o->w, h = o->h, tw, th, rc;
  int denom = 1, comp = is_jpeg ? nb__jpeg_components(raw, n) : 0;
  nb_pixmap pm, scaled;
  nb_error err;
  unsigned char *grey = NULL;
  S_enc jpg, png;

  memset(&pm, 0, sizeof pm);
  memset(&scaled, 0, sizeof scaled);
  memset(&jpg, 0, sizeof jpg);
  memset(&png, 0, sizeof png);
  nb_error_clear(&err);
  if (opt->max_image_width > 0 && opt->max_image_width < bw)
    bw = opt->max_image_width;
  /* a JPEG already fitting, in the right colours and within the byte
   * budget keeps its bytes (no generation loss), once proven whole */
  if (is_jpeg && w > 0 && h > 0 && w <= bw && h <= bh &&
      (dev->grey ? comp == 1 : (comp == 1 || comp == 3)) &&
      (dev->max_image_bytes == 0 || n <= dev->max_image_bytes)) {
    rc = nb__jpeg_decode(raw, n, opt->max_pixels, 8, &pm, &err);
    nb_pixmap_free(&pm);
    if (rc == 0 && !err.message[0]) {
      o->status = NB_RES_OK;
      o->data = raw;
      o->size = n;
      o->mt = "image/jpeg";
      o->ext = "jpg";
      o->comp = comp;
      return;
    }
    nb_error_clear(&err);
  }
  if (is_jpeg) {
    if (w > 0 && h > 0) {
      S_fit(w, h, bw, bh, &tw, &th);
      while (denom < 8 && w / (denom * 2) >= tw && h / (denom * 2) >= th)
        denom *= 2;
    }
    rc = nb__jpeg_decode(raw, n, opt->max_pixels, denom, &pm, &err);
  } else {
    rc = nb_image_decode(raw, n, opt->max_pixels, &pm, &err);
  }
  if (rc != 0 || !pm.pixels)
    goto fail;
  if (err.message[0])
    snprintf(o->note, sizeof o->note, "%.500s", err.message);
  S_fit(pm.width, pm.height, bw, bh, &tw, &th);
  if (tw != pm.width || th != pm.height) {
    if (nb__pixmap_scale(&pm, tw, th, &scaled, &err) != 0)
      goto fail;
    nb_pixmap_free(&pm);
    pm = scaled;
    memset(&scaled, 0, sizeof scaled);
  }
  if (dev->grey && !(grey = S_to_grey(&pm))) {
    nb_error_set(&err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto fail;
  }
  if (is_jpeg) {
    if (S_jpeg_sized(dev, &pm, grey, &jpg, &err) != 0)
      goto fail;
  } else {
    /* Line art and screenshots stay PNG; a photo kept as PNG becomes a
     * JPEG when that is under half the size. Transparency stays PNG on
     * a colour screen (e-ink has it flattened on white already). */
    int keep_alpha = !dev->grey && S_has_transparency(&pm);
    if (S_png(&pm, grey, &png, &err) != 0)
      goto fail;
    if (!keep_alpha && S_jpeg_sized(dev, &pm, grey, &jpg, &err) == 0 &&
        jpg.len * 2 < png.len) {
      free(png.data);
      png.data = NULL;
    } else {
      free(jpg.data);
      jpg = png;
      png.data = NULL;
    }
  }
  free(raw);
  free(grey);
  o->status = NB_RES_OK;
  o->data = jpg.data;
  o->size = jpg.len;
  o->mt = jpg.mt;
  o->ext = jpg.mt && strcmp(jpg.mt, "image/jpeg") == 0 ? "jpg" : "png";
  o->comp = jpg.comp;
  o->w = pm.width;
  o->h = pm.height;
  nb_pixmap_free(&pm);
  return;
fail:
  free(raw);
  free(grey);
  free(jpg.data);
  free(png.data);
  nb_pixmap_free(&pm);
  nb_pixmap_free(&scaled);
  o->status = err.code == NB_ERR_LIMIT ? NB_RES_TOO_LARGE : NB_RES_BROKEN;
  snprintf(o->reason, sizeof o->reason, "%.500s",
           err.message[0] ? err.message : "the image could not be converted");
}
