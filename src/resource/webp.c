/* WebP through libwebp: lossy, lossless and alpha decode straight into a
 * premultiplied Cairo buffer; an animation gives its first frame through
 * the demux library's WebPAnimDecoder (which composites it for us). */
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>

#include "resource/internal.h"

static int S_little_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

int nb__webp_has_alpha(const unsigned char *data, size_t size) {
  WebPBitstreamFeatures f;
  if (WebPGetFeatures(data, size, &f) != VP8_STATUS_OK)
    return 0;
  return f.has_alpha != 0;
}

static int S_first_frame(const unsigned char *data, size_t size,
                         int64_t max_pixels, nb_pixmap *out, nb_error *err) {
  WebPData wd;
  WebPAnimDecoderOptions opts;
  WebPAnimDecoder *dec;
  WebPAnimInfo info;
  uint8_t *buf = NULL;
  int ts = 0, rc, x, y;
  wd.bytes = data;
  wd.size = size;
  if (!WebPAnimDecoderOptionsInit(&opts))
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "libwebp version mismatch");
  opts.color_mode = MODE_bgrA;
  opts.use_threads = 0;
  dec = WebPAnimDecoderNew(&wd, &opts);
  if (!dec)
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable animated WebP");
  if (!WebPAnimDecoderGetInfo(dec, &info)) {
    WebPAnimDecoderDelete(dec);
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable animated WebP");
  }
  rc = nb__pixmap_alloc(out, (int)info.canvas_width, (int)info.canvas_height,
                        max_pixels, err);
  if (rc != 0) {
    WebPAnimDecoderDelete(dec);
    return rc;
  }
  if (!WebPAnimDecoderGetNext(dec, &buf, &ts) || !buf) {
    WebPAnimDecoderDelete(dec);
    nb_pixmap_free(out);
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "animated WebP: first frame does not decode");
  }
  for (y = 0; y < out->height; y++) {
    const uint8_t *s = buf + (size_t)y * out->width * 4;
    uint32_t *o = (uint32_t *)(void *)(out->pixels + (size_t)y * out->stride);
    for (x = 0; x < out->width; x++)
      o[x] = (uint32_t)s[4 * x + 3] << 24 | (uint32_t)s[4 * x + 2] << 16 |
             (uint32_t)s[4 * x + 1] << 8 | s[4 * x];
  }
  out->has_alpha = 1;
  WebPAnimDecoderDelete(dec);
  return 0;
}

int nb__webp_decode(const unsigned char *data, size_t size,
                    int64_t max_pixels, nb_pixmap *out, nb_error *err) {
  WebPDecoderConfig cfg;
  VP8StatusCode st;
  int rc;
  memset(out, 0, sizeof *out);
  if (!WebPInitDecoderConfig(&cfg))
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "libwebp version mismatch");
  st = WebPGetFeatures(data, size, &cfg.input);
  if (st != VP8_STATUS_OK)
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable WebP (status %d)", (int)st);
  if ((int64_t)cfg.input.width * cfg.input.height > max_pixels)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%dx%d pixels is over the cap of %lld pixels",
                        cfg.input.width, cfg.input.height,
                        (long long)max_pixels);
  if (cfg.input.has_animation)
    return S_first_frame(data, size, max_pixels, out, err);
  rc = nb__pixmap_alloc(out, cfg.input.width, cfg.input.height, max_pixels,
                        err);
  if (rc != 0)
    return rc;
  out->has_alpha = cfg.input.has_alpha != 0;
  cfg.output.colorspace = S_little_endian() ? MODE_bgrA : MODE_Argb;
  cfg.output.is_external_memory = 1;
  cfg.output.u.RGBA.rgba = out->pixels;
  cfg.output.u.RGBA.stride = out->stride;
  cfg.output.u.RGBA.size = (size_t)out->stride * out->height;
  st = WebPDecode(data, size, &cfg);
  WebPFreeDecBuffer(&cfg.output);
  if (st != VP8_STATUS_OK) {
    nb_pixmap_free(out);
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable WebP (status %d%s)", (int)st,
                        st == VP8_STATUS_NOT_ENOUGH_DATA ? ", truncated" : "");
  }
  return 0;
}
