/* Media types from magic bytes and dimensions from headers.
 *
 * CDNs mislabel formats (".png" URLs that are JPEG, "image/jpeg" bodies that
 * are WebP), so neither the URL nor Content-Type is ever trusted: the first
 * bytes decide. Sizes come from headers only, so a pixel cap can be applied
 * before any decoder allocates. */
#include <string.h>

#include <webp/decode.h>

#include "resource/internal.h"

static int S_has_prefix(const unsigned char *p, size_t n, const char *magic,
                        size_t mlen) {
  return n >= mlen && memcmp(p, magic, mlen) == 0;
}

/* SVG is text: skip a BOM, whitespace, the XML declaration, comments and a
 * doctype, and look for the root element. */
static int S_is_svg(const unsigned char *p, size_t n) {
  size_t i = 0, lim = n < 4096 ? n : 4096;
  if (lim >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
    i = 3;
  while (i < lim) {
    while (i < lim && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                       p[i] == '\n'))
      i++;
    if (i >= lim || p[i] != '<')
      return 0;
    if (lim - i >= 4 && (memcmp(p + i, "<svg", 4) == 0) &&
        (lim - i == 4 || p[i + 4] == ' ' || p[i + 4] == '>' ||
         p[i + 4] == '\n' || p[i + 4] == '\r' || p[i + 4] == '\t' ||
         p[i + 4] == ':'))
      return 1;
    if (lim - i >= 2 && (p[i + 1] == '?' || p[i + 1] == '!')) {
      /* declaration, comment or doctype: skip to its end */
      const unsigned char *e;
      if (lim - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
        size_t j;
        for (j = i + 4; j + 3 <= lim; j++)
          if (memcmp(p + j, "-->", 3) == 0)
            break;
        if (j + 3 > lim)
          return 0;
        i = j + 3;
        continue;
      }
      e = memchr(p + i, '>', lim - i);
      if (!e)
        return 0;
      i = (size_t)(e - p) + 1;
      continue;
    }
    return 0;
  }
  return 0;
}

const char *nb_image_sniff(const void *data, size_t size) {
  const unsigned char *p = data;
  if (!p)
    return NULL;
  if (size >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
    return "image/jpeg";
  if (S_has_prefix(p, size, "\x89PNG\r\n\x1a\n", 8))
    return "image/png";
  if (S_has_prefix(p, size, "GIF87a", 6) || S_has_prefix(p, size, "GIF89a", 6))
    return "image/gif";
  if (size >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (S_has_prefix(p, size, "BM", 2) && size >= 26)
    return "image/bmp";
  if (S_has_prefix(p, size, "II*\0", 4) || S_has_prefix(p, size, "MM\0*", 4))
    return "image/tiff";
  if (size >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
      (memcmp(p + 8, "avif", 4) == 0 || memcmp(p + 8, "avis", 4) == 0))
    return "image/avif";
  if (size >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
      (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
       memcmp(p + 8, "mif1", 4) == 0))
    return "image/heic";
  if (S_has_prefix(p, size, "\0\0\1\0", 4) && size >= 6)
    return "image/x-icon";
  if (S_is_svg(p, size))
    return "image/svg+xml";
  return NULL;
}

static unsigned S_be16(const unsigned char *p) {
  return ((unsigned)p[0] << 8) | p[1];
}

static uint32_t S_be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

/* Walk the JPEG marker segments up to the first SOFn. Returns a pointer to
 * the SOF payload (precision, height, width, components) or NULL. */
static const unsigned char *S_jpeg_sof(const unsigned char *p, size_t n) {
  size_t i = 2;
  while (i + 4 <= n) {
    unsigned m, len;
    if (p[i] != 0xFF) {
      i++; /* tolerate garbage between segments, as decoders do */
      continue;
    }
    m = p[i + 1];
    if (m == 0xFF) {
      i++;
      continue;
    }
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      i += 2;
      continue;
    }
    if (m == 0xD9 || m == 0xDA)
      return NULL; /* no frame header before the scan */
    len = S_be16(p + i + 2);
    if (len < 2)
      return NULL;
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
      return i + 4 + 6 <= n ? p + i + 4 : NULL;
    i += 2 + (size_t)len;
  }
  return NULL;
}

int nb__jpeg_components(const unsigned char *data, size_t size) {
  const unsigned char *sof = S_jpeg_sof(data, size);
  return sof ? sof[5] : 0;
}

int nb_image_size(const void *data, size_t size, int *width, int *height) {
  const unsigned char *p = data;
  const char *mt = nb_image_sniff(data, size);
  long w = 0, h = 0;
  *width = *height = 0;
  if (!mt)
    return 0;
  if (strcmp(mt, "image/jpeg") == 0) {
    const unsigned char *sof = S_jpeg_sof(p, size);
    if (!sof)
      return 0;
    h = (long)S_be16(sof + 1);
    w = (long)S_be16(sof + 3);
  } else if (strcmp(mt, "image/png") == 0) {
    if (size < 24 || memcmp(p + 12, "IHDR", 4) != 0)
      return 0;
    w = (long)S_be32(p + 16);
    h = (long)S_be32(p + 20);
    if (w > 0x7fffffffL || h > 0x7fffffffL)
      return 0;
  } else if (strcmp(mt, "image/gif") == 0) {
    if (size < 10)
      return 0;
    w = (long)(p[6] | (p[7] << 8));
    h = (long)(p[8] | (p[9] << 8));
  } else if (strcmp(mt, "image/webp") == 0) {
    int ww, hh;
    if (!WebPGetInfo(p, size, &ww, &hh))
      return 0;
    w = ww;
    h = hh;
  } else if (strcmp(mt, "image/bmp") == 0) {
    long bw = (long)(int32_t)((uint32_t)p[18] | ((uint32_t)p[19] << 8) |
                              ((uint32_t)p[20] << 16) | ((uint32_t)p[21] << 24));
    long bh = (long)(int32_t)((uint32_t)p[22] | ((uint32_t)p[23] << 8) |
                              ((uint32_t)p[24] << 16) | ((uint32_t)p[25] << 24));
    w = bw < 0 ? -bw : bw;
    h = bh < 0 ? -bh : bh;
  } else {
    return 0;
  }
  if (w <= 0 || h <= 0)
    return 0;
  *width = (int)w;
  *height = (int)h;
  return 1;
}
