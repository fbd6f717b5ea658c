/* Page furniture written once (furniture.c). A running head is drawn as
 * outlines, so that text extraction does not read it into the text
 * (device.h, draw_artifact); the outlines of forty CJK glyphs are some
 * 25 KB of path operators, and the same head on every page made three
 * quarters of each page's content, formatted and compressed by Cairo
 * every time. Here a line of furniture seen again is made once into a
 * form XObject's content and painted as a stand-in image that the
 * finished file has the form in place of (pdfimg.h), one object every
 * page refers to. Cairo 1.16 cannot do it itself: a recording surface
 * painted inside a structure tag fails the whole document. Internal to
 * the PDF writer. */
#ifndef NB_PDF_FURNITURE_H
#define NB_PDF_FURNITURE_H

#include <stdint.h>

#include <cairo.h>
#include <pango/pango.h>

#include "write/pdf/pdfimg.h"

typedef struct nb_furniture nb_furniture;

/** Register @p form (its bytes stay valid until nb_furniture_free) and
 * return a new reference to the stand-in to paint for it, or NULL. */
typedef cairo_surface_t *(*nb_furniture_add)(void *ctx, const nb_pdf_png *form);

/** A new, empty set; NULL on out of memory. */
nb_furniture *nb_furniture_new(void);
/** Free the set, and the forms' bytes: only once the file is finished.
 * NULL is a no-op. */
void nb_furniture_free(nb_furniture *f);

/** Paint @p line in @p rgb with its baseline starting at the user-space
 * origin of @p cr, as a form when a line with the same glyphs in the same
 * fonts and colour was painted recently (the form is made on its second
 * sighting, with @p add). Returns 0, or -1 having painted nothing (first
 * sighting, or out of memory): the caller draws the outlines itself. */
int nb_furniture_paint(nb_furniture *f, cairo_t *cr, PangoLayoutLine *line,
                       uint32_t rgb, nb_furniture_add add, void *ctx);

#endif
