/* E-reader profiles: what a book's images should be for one kind of
 * screen.
 *
 * A profile is plain data. Giving one to the resolver
 * (nb_resolve_options.device) makes every raster image fit the screen
 * (scaled down, never up, keeping its shape), grey for e-ink screens
 * (8-bit greyscale JPEG or PNG, transparency flattened on white: e-ink
 * shows 16 greys and no alpha), photos re-encoded at the profile's JPEG
 * quality, lowered step by step while an image is over max_image_bytes.
 * SVG is kept as it is (vector). Without a profile nothing changes.
 *
 * Threading: profiles are immutable static data; share them freely. */
#ifndef NEWSBOOK_DEVICE_H
#define NEWSBOOK_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "book.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_device {
  int abi_version;         /**< NB_DEVICE_ABI_VERSION */
  const char *name;        /**< "kindle", "kobo", "pocketbook", "tablet" */
  const char *model;       /**< the screen the numbers are for */
  int width, height;       /**< screen pixels, portrait */
  int grey;                /**< 1: an e-ink screen: greyscale images */
  int jpeg_quality;        /**< for re-encoded photos, 1..100 */
  size_t max_image_bytes;  /**< per image: JPEG quality steps down (to 40
                                at least) while an image is larger */
  uint64_t max_book_bytes; /**< book size budget: a larger book should be
                                made in volumes (nb_volume_plan); 0: none */
} nb_device;

#define NB_DEVICE_ABI_VERSION 1

/** The built-in profile called @p name (case-insensitive), or NULL. */
NB_EXPORT const nb_device *nb_device_find(const char *name);

/** Built-in profiles, terminated by one whose name is NULL. */
NB_EXPORT const nb_device *nb_devices(void);

/** nb_book_generate_cover() on a canvas of the device's aspect ratio
 * (1600 pixels wide), so the cover fills its screen; the resource set then
 * fits it to the screen and makes it grey as it does every image. @p device
 * NULL: the default 2:3 cover. 0 or a negative nb_code. */
NB_EXPORT int nb_book_generate_cover_for(nb_book *book, const nb_device *device,
                                         nb_error *err);

#ifdef __cplusplus
}
#endif
#endif
