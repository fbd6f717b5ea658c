/* Decoding entry point and pixmap helpers.
 *
 * nb_image_decode sniffs the bytes, applies the pixel cap from the header
 * before any decoder allocates, and hands over to one decoder per format
 * (jpeg.c, png.c, gif.c, webp.c). Every decoder produces Cairo's ARGB32
 * (native-endian, premultiplied), so writers can hand pixmaps to Cairo
 * unchanged.
 *
 * A damaged image (truncated, corrupt scans) that still gave pixels is a
 * success: the function returns 0 and leaves a one-line description in
 * err->message with err->code NB_OK, so callers test err->message[0] to
 * warn. Undecoded areas are grey (JPEG) or transparent (PNG, GIF). */
#include <stdlib.h>
#include <string.h>

#include "resource/internal.h"

int nb__pixmap_alloc(nb_pixmap *pm, int w, int h, int64_t max_pixels,
                     nb_error *err) {
  memset(pm, 0, sizeof *pm);
  if (max_pixels <= 0)
    max_pixels = NB_DEFAULT_MAX_PIXELS;
  if (w <= 0 || h <= 0)
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "image has no pixels (%dx%d)", w, h);
  if ((int64_t)w * h > max_pixels)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%dx%d pixels is over the cap of %lld pixels", w, h,
                        (long long)max_pixels);
  if (w > (1 << 28) / 4)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0, "image too wide (%d)", w);
  pm->pixels = nb_calloc((size_t)h, (size_t)w * 4);
  if (!pm->pixels)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                        "out of memory for a %dx%d image", w, h);
  pm->width = w;
  pm->height = h;
  pm->stride = w * 4;
  return 0;
}

void nb_pixmap_free(nb_pixmap *pm) {
  if (!pm)
    return;
  free(pm->pixels);
  memset(pm, 0, sizeof *pm);
}

int nb__pixmap_scale(const nb_pixmap *src, int w, int h, nb_pixmap *dst,
                     nb_error *err) {
  int dx, dy, rc;
  uint64_t *acc;
  rc = nb__pixmap_alloc(dst, w, h, (int64_t)w * h + 1, err);
  if (rc != 0)
    return rc;
  dst->has_alpha = src->has_alpha;
  acc = nb_calloc((size_t)w, 4 * sizeof *acc);
  if (!acc) {
    nb_pixmap_free(dst);
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  /* Box filter over integer source spans: each source pixel lands in
   * exactly one destination pixel, so the mean is exact for downscaling. */
  for (dy = 0; dy < h; dy++) {
    int sy0 = (int)((int64_t)dy * src->height / h);
    int sy1 = (int)((int64_t)(dy + 1) * src->height / h);
    int sy;
    uint32_t *out = (uint32_t *)(void *)(dst->pixels + (size_t)dy * dst->stride);
    if (sy1 <= sy0)
      sy1 = sy0 + 1;
    memset(acc, 0, (size_t)w * 4 * sizeof *acc);
    for (dx = 0; dx < w; dx++) {
      int sx0 = (int)((int64_t)dx * src->width / w);
      int sx1 = (int)((int64_t)(dx + 1) * src->width / w);
      uint64_t *a = acc + 4 * dx;
      uint64_t cnt;
      int c;
      if (sx1 <= sx0)
        sx1 = sx0 + 1;
      for (sy = sy0; sy < sy1; sy++) {
        const uint32_t *row =
            (const uint32_t *)(const void *)(src->pixels + (size_t)sy * src->stride);
        int sx;
        for (sx = sx0; sx < sx1; sx++) {
          uint32_t px = row[sx];
          a[0] += (px >> 24) & 255;
          a[1] += (px >> 16) & 255;
          a[2] += (px >> 8) & 255;
          a[3] += px & 255;
        }
      }
      cnt = (uint64_t)(sy1 - sy0) * (uint64_t)(sx1 - sx0);
      for (c = 0; c < 4; c++)
        a[c] = (a[c] + cnt / 2) / cnt;
      out[dx] = (uint32_t)(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
    }
  }
  free(acc);
  return 0;
}

int nb_image_decode(const void *data, size_t size, int64_t max_pixels,
                    nb_pixmap *out, nb_error *err) {
  const char *mt;
  int w, h;
  memset(out, 0, sizeof *out);
  nb_error_clear(err);
  if (max_pixels <= 0)
    max_pixels = NB_DEFAULT_MAX_PIXELS;
  mt = nb_image_sniff(data, size);
  if (!mt)
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not an image: the bytes match no known format");
  if (nb_image_size(data, size, &w, &h) && (int64_t)w * h > max_pixels)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%dx%d pixels is over the cap of %lld pixels", w, h,
                        (long long)max_pixels);
  if (strcmp(mt, "image/jpeg") == 0)
    return nb__jpeg_decode(data, size, max_pixels, 1, out, err);
  if (strcmp(mt, "image/png") == 0)
    return nb__png_decode(data, size, max_pixels, out, err);
  if (strcmp(mt, "image/gif") == 0)
    return nb__gif_decode(data, size, max_pixels, out, err);
  if (strcmp(mt, "image/webp") == 0)
    return nb__webp_decode(data, size, max_pixels, out, err);
  return nb_error_set(err, NB_ERR_UNSUPPORTED, NULL, 0,
                      "%s images are not supported", mt);
}
