/* libFuzzer harness: the image decoders behind nb_image_sniff,
 * nb_image_size and nb_image_decode (JPEG, PNG, GIF, WebP). The first byte
 * picks the pixel cap (small caps reach the refusal paths, and keep each
 * run fast) and whether a decoded image is re-encoded; the rest is the
 * image. A decoded pixmap must agree with the size read from the header
 * and fit under the cap. The PDF writer's check of a PNG that may go into
 * the file as it is (write/pdf/pdfimg.c) runs on every input too: when it
 * says yes and the decoder decodes the image, both see the same size. */
#include "fuzz_common.h"

#include "write/pdf/pdfimg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nb_fuzz_in in = {data, size};
  uint8_t mode = nb_fuzz_byte(&in);
  /* 256 .. 1 M pixels: each pixel costs instrumented loops in the decoders
   * and encoders, and at 8 M pixels the harness ran 6 inputs a second; the
   * hostile suite's bombs and huge claims cover the default cap. */
  int64_t cap = (int64_t)1 << (8 + (mode & 0x0f) * 12 / 15);
  nb_pixmap pm;
  nb_pdf_png direct;
  int is_direct;
  nb_error err;
  int w = 0, h = 0, have_size;
  (void)nb_image_sniff(in.data, in.size);
  have_size = nb_image_size(in.data, in.size, &w, &h);
  if (have_size && (w <= 0 || h <= 0))
    abort(); /* a size is reported only when it is real */
  is_direct = nb_pdf_png_direct(in.data, in.size, &direct);
  if (is_direct && (direct.width <= 0 || direct.height <= 0 ||
                    (direct.colors != 1 && direct.colors != 3)))
    abort();
  memset(&pm, 0, sizeof pm);
  if (nb_image_decode(in.data, in.size, cap, &pm, &err) == 0 && pm.pixels) {
    if (is_direct && (pm.width != direct.width || pm.height != direct.height))
      abort();
    if (pm.width <= 0 || pm.height <= 0 ||
        (int64_t)pm.width * pm.height > cap || pm.stride < pm.width * 4)
      abort();
    /* Touch every row: a short buffer shows up under ASan. */
    {
      volatile unsigned sum = 0;
      int y;
      for (y = 0; y < pm.height; y++)
        sum +=
            pm.pixels[(size_t)y * (size_t)pm.stride + (size_t)pm.width * 4 - 1];
      (void)sum;
    }
    if (mode & 0x10) {
      unsigned char *out = NULL;
      size_t n = 0;
      if (mode & 0x20)
        nb_image_encode_jpeg(&pm, 1 + (mode >> 6) * 30, &out, &n, &err);
      else
        nb_image_encode_png(&pm, &out, &n, &err);
      free(out);
    }
  }
  nb_pixmap_free(&pm);
  return 0;
}
