/* PNG through libpng's simplified API: every colour type, bit depth,
 * palette, tRNS and interlacing come out as 8-bit BGRA, which is then
 * premultiplied for Cairo. Encoding un-premultiplies. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "resource/internal.h"

static int S_little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/* Convert straight 8-bit BGRA/ARGB bytes in place to premultiplied native
 * 32-bit ARGB. An opaque pixel is already that: BGRA bytes are native
 * ARGB on a little-endian machine and ARGB bytes on a big-endian one, so
 * only pixels with some transparency are rewritten, and an image libpng
 * found no alpha channel in is left as it is. */
static void S_premultiply(nb_pixmap *pm, int le) {
  int x, y;
  if (!pm->has_alpha)
    return;
  for (y = 0; y < pm->height; y++) {
    unsigned char *p = pm->pixels + (size_t)y * pm->stride;
    uint32_t *o = (uint32_t *)(void *)p;
    for (x = 0; x < pm->width; x++) {
      unsigned a, r, g, b;
      const unsigned char *q = p + 4 * x;
      a = le ? q[3] : q[0];
      if (a == 255)
        continue;
      if (le) {
        b = q[0];
        g = q[1];
        r = q[2];
      } else {
        r = q[1];
        g = q[2];
        b = q[3];
      }
      r = (r * a + 127) / 255;
      g = (g * a + 127) / 255;
      b = (b * a + 127) / 255;
      o[x] = (uint32_t)a << 24 | r << 16 | g << 8 | b;
    }
  }
}

static int S_any_pixel(const nb_pixmap *pm) {
  size_t i, n = (size_t)pm->stride * pm->height;
  for (i = 0; i < n; i++)
    if (pm->pixels[i])
      return 1;
  return 0;
}

int nb__png_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                   nb_pixmap *out, nb_error *err) {
  png_image img;
  int le = S_little_endian(), rc;
  memset(out, 0, sizeof *out);
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, data, size))
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0, "not a decodable PNG: %s",
                        img.message);
  if ((int64_t)img.width * img.height > max_pixels) {
    png_image_free(&img);
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%ux%u pixels is over the cap of %lld pixels",
                        img.width, img.height, (long long)max_pixels);
  }
  rc = nb__pixmap_alloc(out, (int)img.width, (int)img.height, max_pixels, err);
  if (rc != 0) {
    png_image_free(&img);
    return rc;
  }
  out->has_alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  img.format = le ? PNG_FORMAT_BGRA : PNG_FORMAT_ARGB;
  if (!png_image_finish_read(&img, NULL, out->pixels, out->stride, NULL)) {
    char msg[sizeof img.message + 1];
    memcpy(msg, img.message, sizeof img.message);
    msg[sizeof img.message] = '\0';
    png_image_free(&img);
    if (!S_any_pixel(out)) {
      nb_pixmap_free(out);
      return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                          "not a decodable PNG: %s", msg);
    }
    out->has_alpha = 1; /* the undecoded rest is transparent */
    S_premultiply(out, le);
    nb_error_set(err, NB_OK, NULL, 0, "damaged PNG (%s): kept what decodes",
                 msg);
    return 0;
  }
  png_image_free(&img);
  S_premultiply(out, le);
  return 0;
}

/* ## Checking without decoding
 *
 * An EPUB stores a PNG byte for byte; decoding it only proved that it was
 * whole, and inflating and converting every pixel of every PNG was the
 * costliest step of a large book. What goes wrong with images from the
 * web is truncation and damage in transit, and the format's own checks
 * find both without inflating anything: every chunk complete, each with
 * the CRC-32 it declares, IHDR first and sane, IDAT present, IEND last.
 * A file failing any of it goes to the full decoder, which keeps what
 * decodes and says so. */

static uint32_t S_crc_table[256];
static pthread_once_t S_crc_once = PTHREAD_ONCE_INIT;

static void S_crc_init(void) {
  uint32_t n, c;
  int k;
  for (n = 0; n < 256; n++) {
    c = n;
    for (k = 0; k < 8; k++)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    S_crc_table[n] = c;
  }
}

static uint32_t S_crc(const unsigned char *p, size_t n) {
  uint32_t c = 0xffffffffu;
  size_t i;
  for (i = 0; i < n; i++)
    c = S_crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint32_t S_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

int nb__png_check(const unsigned char *data, size_t size, int64_t max_pixels) {
  size_t pos = 8;
  int seen_idat = 0, idat_done = 0;

  if (size < 8 || png_sig_cmp(data, 0, 8) != 0)
    return 0;
  pthread_once(&S_crc_once, S_crc_init);
  while (size - pos >= 12) {
    uint32_t len = S_be32(data + pos);
    const unsigned char *type = data + pos + 4, *body = data + pos + 8;
    if (len > 0x7fffffffu || (uint64_t)len + 12 > size - pos)
      return 0; /* truncated */
    if (S_crc(type, (size_t)len + 4) != S_be32(body + len))
      return 0;
    if (pos == 8) {
      uint32_t w = S_be32(body), h = S_be32(body + 4);
      unsigned depth = body[8], ct = body[9];
      if (memcmp(type, "IHDR", 4) != 0 || len != 13 || w == 0 || h == 0 ||
          w > 0x7fffffffu || h > 0x7fffffffu || (int64_t)w * h > max_pixels ||
          body[10] != 0 || body[11] != 0 || body[12] > 1 ||
          (ct != 0 && ct != 2 && ct != 3 && ct != 4 && ct != 6))
        return 0;
      if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
        return 0;
    } else if (memcmp(type, "IDAT", 4) == 0) {
      if (idat_done)
        return 0; /* IDAT chunks must follow one another */
      seen_idat = 1;
    } else if (memcmp(type, "IEND", 4) == 0) {
      return seen_idat;
    } else if (seen_idat) {
      idat_done = 1;
    }
    pos += (size_t)len + 12;
  }
  return 0; /* no IEND: truncated */
}

int nb_image_encode_png(const nb_pixmap *pm, unsigned char **out, size_t *size,
                        nb_error *err) {
  png_image img;
  png_alloc_size_t len = 0;
  unsigned char *rgba, *buf;
  int x, y, ch;
  *out = NULL;
  *size = 0;
  if (!pm || !pm->pixels || pm->width <= 0 || pm->height <= 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "cannot encode an empty pixmap as PNG");
  ch = pm->has_alpha ? 4 : 3;
  rgba = nb_calloc((size_t)pm->height, (size_t)pm->width * ch);
  if (!rgba)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  for (y = 0; y < pm->height; y++) {
    const uint32_t *src =
        (const uint32_t *)(const void *)(pm->pixels + (size_t)y * pm->stride);
    unsigned char *d = rgba + (size_t)y * pm->width * ch;
    for (x = 0; x < pm->width; x++) {
      uint32_t px = src[x];
      unsigned a = px >> 24, r = (px >> 16) & 255, g = (px >> 8) & 255,
               b = px & 255;
      if (ch == 4) {
        if (a == 0) {
          r = g = b = 0;
        } else if (a != 255) {
          r = (r * 255 + a / 2) / a;
          g = (g * 255 + a / 2) / a;
          b = (b * 255 + a / 2) / a;
          if (r > 255)
            r = 255;
          if (g > 255)
            g = 255;
          if (b > 255)
            b = 255;
        }
        d[4 * x + 3] = (unsigned char)a;
      }
      d[ch * x] = (unsigned char)r;
      d[ch * x + 1] = (unsigned char)g;
      d[ch * x + 2] = (unsigned char)b;
    }
  }
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)pm->width;
  img.height = (png_uint_32)pm->height;
  img.format = ch == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  if (!png_image_write_get_memory_size(img, len, 0, rgba, 0, NULL)) {
    free(rgba);
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "PNG encoding failed: %s",
                        img.message);
  }
  buf = malloc(len ? len : 1);
  if (!buf) {
    free(rgba);
    png_image_free(&img);
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  if (!png_image_write_to_memory(&img, buf, &len, 0, rgba, 0, NULL)) {
    free(rgba);
    free(buf);
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "PNG encoding failed: %s",
                        img.message);
  }
  free(rgba);
  *out = buf;
  *size = len;
  return 0;
}
