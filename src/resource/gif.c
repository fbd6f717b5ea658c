/* GIF through giflib: the first frame only (an animation's later frames
 * have no place in a book), with its transparency, on a transparent
 * canvas of the logical screen size. Frames are read record by record
 * instead of DGifSlurp, so a 1000-frame animation costs one frame. */
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>

#include "resource/internal.h"

typedef struct S_src {
  const unsigned char *p;
  size_t n, off;
} S_src;

static int S_read(GifFileType *gif, GifByteType *buf, int len) {
  S_src *s = gif->UserData;
  size_t k = len < 0 ? 0 : (size_t)len;
  if (k > s->n - s->off)
    k = s->n - s->off;
  memcpy(buf, s->p + s->off, k);
  s->off += k;
  return (int)k;
}

int nb__gif_decode(const unsigned char *data, size_t size, int64_t max_pixels,
                   nb_pixmap *out, nb_error *err) {
  S_src src;
  GifFileType *gif;
  GifRecordType type;
  int gerr = 0, transparent = -1, rc = 0, rows = 0, damaged = 0;
  GifByteType *line = NULL;

  memset(out, 0, sizeof *out);
  src.p = data;
  src.n = size;
  src.off = 0;
  gif = DGifOpen(&src, S_read, &gerr);
  if (!gif)
    return nb_error_set(err, NB_ERR_FORMAT, NULL, 0, "not a decodable GIF: %s",
                        GifErrorString(gerr));
  for (;;) {
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
      rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable GIF: %s (no image)",
                        GifErrorString(gif->Error));
      goto cleanup;
    }
    if (type == TERMINATE_RECORD_TYPE) {
      rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0, "GIF without an image");
      goto cleanup;
    }
    if (type == EXTENSION_RECORD_TYPE) {
      int code;
      GifByteType *ext = NULL;
      if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) {
        rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                          "not a decodable GIF: bad extension");
        goto cleanup;
      }
      if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4)
        transparent = (ext[1] & 1) ? ext[4] : -1;
      while (ext) {
        if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) {
          rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                            "not a decodable GIF: bad extension");
          goto cleanup;
        }
      }
      continue;
    }
    if (type == IMAGE_DESC_RECORD_TYPE)
      break;
  }
  if (DGifGetImageDesc(gif) == GIF_ERROR) {
    rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                      "not a decodable GIF: bad image descriptor");
    goto cleanup;
  }
  {
    int fw = gif->Image.Width, fh = gif->Image.Height;
    int fl = gif->Image.Left, ft = gif->Image.Top;
    int cw = gif->SWidth > 0 ? gif->SWidth : fl + fw;
    int ch = gif->SHeight > 0 ? gif->SHeight : ft + fh;
    ColorMapObject *cmap =
        gif->Image.ColorMap ? gif->Image.ColorMap : gif->SColorMap;
    static const int ioff[4] = {0, 4, 2, 1}, istep[4] = {8, 8, 4, 2};
    int pass, npass = gif->Image.Interlace ? 4 : 1;
    if (fw <= 0 || fh <= 0 || !cmap) {
      rc = nb_error_set(err, NB_ERR_FORMAT, NULL, 0,
                        "not a decodable GIF: empty frame or no palette");
      goto cleanup;
    }
    if ((int64_t)fw * fh > max_pixels) {
      rc = nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "%dx%d pixels is over the cap of %lld pixels", fw, fh,
                        (long long)max_pixels);
      goto cleanup;
    }
    rc = nb__pixmap_alloc(out, cw, ch, max_pixels, err);
    if (rc != 0)
      goto cleanup;
    /* transparent where the frame leaves the canvas uncovered, or where
     * a pixel takes the transparent index (or none): a GIF that declares
     * a transparent colour and never uses it is opaque, and is drawn and
     * converted without an alpha channel */
    out->has_alpha = fl > 0 || ft > 0 || fw < cw || fh < ch;
    line = malloc((size_t)fw);
    if (!line) {
      rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
      goto cleanup;
    }
    for (pass = 0; pass < npass && !damaged; pass++) {
      int y0 = npass == 4 ? ioff[pass] : 0, dy = npass == 4 ? istep[pass] : 1;
      int y;
      for (y = y0; y < fh; y += dy) {
        int x, ty = ft + y;
        uint32_t *o;
        if (DGifGetLine(gif, line, fw) == GIF_ERROR) {
          damaged = 1;
          break;
        }
        rows++;
        if (ty < 0 || ty >= ch)
          continue;
        o = (uint32_t *)(void *)(out->pixels + (size_t)ty * out->stride);
        for (x = 0; x < fw; x++) {
          int tx = fl + x, idx = line[x];
          GifColorType c;
          if (tx >= cw)
            continue;
          if (idx == transparent || idx >= cmap->ColorCount) {
            out->has_alpha = 1;
            continue;
          }
          c = cmap->Colors[idx];
          o[tx] = 0xFF000000u | (uint32_t)c.Red << 16 | (uint32_t)c.Green << 8 |
                  c.Blue;
        }
      }
    }
    if (damaged) {
      if (rows == 0) {
        nb_pixmap_free(out);
        rc =
            nb_error_set(err, NB_ERR_FORMAT, NULL, 0, "not a decodable GIF: %s",
                         GifErrorString(gif->Error));
        goto cleanup;
      }
      out->has_alpha = 1;
      nb_error_set(err, NB_OK, NULL, 0,
                   "damaged GIF (%s): kept the first %d rows",
                   GifErrorString(gif->Error), rows);
    }
  }
cleanup:
  free(line);
  DGifCloseFile(gif, &gerr);
  if (rc != 0)
    nb_pixmap_free(out);
  return rc;
}
