/* From bytes as found to bytes as stored: sniff, check, convert.
 *
 * JPEG (RGB or grey), PNG and GIF are kept byte for byte when they decode
 * cleanly; CMYK/YCCK JPEG becomes RGB JPEG (old readers invert it), WebP
 * becomes PNG (alpha) or JPEG unless kept, wider-than-allowed images are
 * downscaled, damaged ones re-encoded from what decoded, SVG kept only when
 * safe; with an e-reader profile, device.c fits images to its screen and
 * makes them grey for e-ink. Everything is proven to decode (a file that does
 * not is BROKEN here rather than a blank in a reader): JPEG at 1/8 scale, PNG
 * by reading its rows through without a pixmap, the rest by decoding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resource/internal.h"

static const char *S_ext(const char *mt) {
  if (strcmp(mt, "image/jpeg") == 0)
    return "jpg";
  if (strcmp(mt, "image/png") == 0)
    return "png";
  if (strcmp(mt, "image/gif") == 0)
    return "gif";
  if (strcmp(mt, "image/webp") == 0)
    return "webp";
  if (strcmp(mt, "image/svg+xml") == 0)
    return "svg";
  return "bin";
}

/* What a non-image body most likely was, for a useful reason. */
static const char *S_what(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n && i < 512 && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' ||
                              p[i] == '\t'))
    i++;
  if (n - i >= 5 && (strncasecmp((const char *)p + i, "<!doc", 5) == 0 ||
                     strncasecmp((const char *)p + i, "<html", 5) == 0))
    return "an HTML page";
  if (n - i >= 1 && (p[i] == '{' || p[i] == '['))
    return "JSON";
  return "no known image format";
}

void nb__convert(const nb_resolve_options *opt, unsigned char *raw, size_t n,
                 nb_converted *o) {
  const char *mt = nb_image_sniff(raw, n);
  nb_pixmap pm, scaled;
  nb_error err;
  int rc, reencode = 0, to_png = 0, maxw = opt->max_image_width;

  memset(o, 0, sizeof *o);
  memset(&pm, 0, sizeof pm);
  memset(&scaled, 0, sizeof scaled);
  o->status = NB_RES_BROKEN;
  if (!mt) {
    snprintf(o->reason, sizeof o->reason, "not an image: the bytes are %s",
             S_what(raw, n));
    free(raw);
    return;
  }
  if (strcmp(mt, "image/svg+xml") == 0) {
    const char *why = nb__svg_unsafe(raw, n);
    if (why) {
      o->status = NB_RES_REFUSED;
      snprintf(o->reason, sizeof o->reason, "refused: %s", why);
      free(raw);
      return;
    }
    o->status = NB_RES_OK;
    o->data = raw;
    o->size = n;
    o->mt = mt;
    o->ext = "svg";
    return;
  }
  if (strcmp(mt, "image/jpeg") != 0 && strcmp(mt, "image/png") != 0 &&
      strcmp(mt, "image/gif") != 0 && strcmp(mt, "image/webp") != 0) {
    snprintf(o->reason, sizeof o->reason, "unsupported image format %s", mt);
    free(raw);
    return;
  }
  if (nb_image_size(raw, n, &o->w, &o->h) &&
      (int64_t)o->w * o->h > opt->max_pixels) {
    o->status = NB_RES_TOO_LARGE;
    snprintf(o->reason, sizeof o->reason,
             "%dx%d pixels is over the cap of %lld pixels (--max-image-pixels)",
             o->w, o->h, (long long)opt->max_pixels);
    free(raw);
    return;
  }
  if (opt->device && nb__device_wants(opt, mt, o->w, o->h)) {
    nb__device_convert(opt, raw, n, mt, o);
    return;
  }
  if (strcmp(mt, "image/jpeg") == 0) {
    o->comp = nb__jpeg_components(raw, n);
    reencode = o->comp == 4 || (maxw > 0 && o->w > maxw);
    if (!reencode) {
      /* validating at 1/8 scale finds truncation and corruption as well,
       * at a fraction of the cost of a 24-megapixel decode */
      nb_error_clear(&err);
      rc = nb__jpeg_decode(raw, n, opt->max_pixels, 8, &pm, &err);
      if (rc == 0 && err.message[0])
        reencode = 1;
      nb_pixmap_free(&pm);
      if (rc != 0)
        goto fail;
    }
    if (reencode) {
      nb_error_clear(&err);
      rc = nb__jpeg_decode(raw, n, opt->max_pixels, 1, &pm, &err);
    }
  } else if (strcmp(mt, "image/png") == 0 && o->w > 0 &&
             !(maxw > 0 && o->w > maxw) &&
             nb__png_check(raw, n, opt->max_pixels)) {
    rc = 0; /* sound and kept as is: no pixmap needed (see png.c) */
    nb_error_clear(&err);
  } else {
    rc = nb_image_decode(raw, n, opt->max_pixels, &pm, &err);
  }
  if (rc != 0)
    goto fail;
  if (!reencode && pm.pixels && err.message[0])
    reencode = 1; /* damaged PNG/GIF: keep what decoded */
  if (err.message[0])
    snprintf(o->note, sizeof o->note, "%.500s", err.message);
  if (pm.pixels) {
    o->w = pm.width;
    o->h = pm.height;
  }
  if (strcmp(mt, "image/webp") == 0 && !opt->webp_keep) {
    reencode = 1;
    to_png = pm.has_alpha;
  } else if (strcmp(mt, "image/png") == 0 || strcmp(mt, "image/gif") == 0 ||
             strcmp(mt, "image/webp") == 0) {
    to_png = 1;
  }
  if (maxw > 0 && pm.pixels && pm.width > maxw) {
    int nh = (int)((int64_t)pm.height * maxw / pm.width);
    if (nh < 1)
      nh = 1;
    if (nb__pixmap_scale(&pm, maxw, nh, &scaled, &err) == 0) {
      nb_pixmap_free(&pm);
      pm = scaled;
      reencode = 1;
    }
  }
  if (reencode) {
    unsigned char *enc = NULL;
    size_t elen = 0;
    rc = to_png ? nb_image_encode_png(&pm, &enc, &elen, &err)
                : nb_image_encode_jpeg(&pm, 90, &enc, &elen, &err);
    if (rc != 0)
      goto fail;
    free(raw);
    raw = enc;
    n = elen;
    mt = to_png ? "image/png" : "image/jpeg";
    o->comp = to_png ? 0 : 3;
    o->w = pm.width;
    o->h = pm.height;
  }
  nb_pixmap_free(&pm);
  o->status = NB_RES_OK;
  o->data = raw;
  o->size = n;
  o->mt = mt;
  o->ext = S_ext(mt);
  if (strcmp(mt, "image/jpeg") != 0)
    o->comp = 0;
  return;
fail:
  nb_pixmap_free(&pm);
  free(raw);
  o->status = err.code == NB_ERR_LIMIT ? NB_RES_TOO_LARGE : NB_RES_BROKEN;
  snprintf(o->reason, sizeof o->reason, "%.500s", err.message);
}
