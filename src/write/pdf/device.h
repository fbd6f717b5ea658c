/* The PDF writer's output device (MuPDF's fz_device, in small): layout
 * computes boxes once and draws them through this table of function
 * pointers. Implementations: Cairo's PDF surface (device_cairo.c) and a
 * trace device that records what was drawn as text for the unit tests
 * (device_trace.c). Any slot may be NULL; callers go through the nb_dev_*
 * wrappers, which skip empty slots.
 *
 * Coordinates are PDF points with the origin at the page's top-left corner
 * and y growing downwards (Cairo's user space). `close` flushes and may
 * fail; `free` never fails and does not close. Internal to the library. */
#ifndef NB_PDF_DEVICE_H
#define NB_PDF_DEVICE_H

#include <stdint.h>
#include <stdio.h>

#include <pango/pango.h>

#include "newsbook/error.h"
#include "newsbook/resource.h"

typedef struct nb_dev nb_dev;

/** Document metadata the device records (strings borrowed for the call). */
typedef struct nb_dev_meta {
  const char *title, *author, *subject, *keywords, *creator;
  const char *date; /**< "YYYY-MM-DDTHH:MM:SS" (UTC) or NULL */
  const char *lang; /**< the document's language (BCP 47) or NULL */
  int vertical;     /**< vertical writing: pages turn right to left */
} nb_dev_meta;

struct nb_dev {
  void (*begin_page)(nb_dev *dev, double width, double height);
  void (*end_page)(nb_dev *dev);
  /** Draw one laid-out line with its left end at @p x and baseline at @p y,
   * in @p rgb unless the text's attributes say otherwise. The glyph
   * widths in @p line already include any justification. */
  void (*draw_line)(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                    uint32_t rgb);
  /** Draw a line of page furniture (running header, folio) as outlines:
   * seen, but not extracted as text, as an Artifact should be. */
  void (*draw_artifact)(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                        uint32_t rgb);
  /** Draw one line of vertical writing (laid out with vertical gravity):
   * its baseline runs down the page from (@p x, @p y), a quarter turn
   * clockwise from draw_line's. CJK glyphs stand upright in their
   * vertical forms, Latin runs lie sideways centred on the column, and
   * short numbers marked by nb_tcy_* stand upright in one cell. */
  void (*draw_vline)(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                     uint32_t rgb);
  /** From now on, text extraction reads a line drawn by draw_vline that
   * ends above @p y (a page's y; 0: none) as running on down its empty
   * column to @p y, where it can: pdftotext takes a column that ends
   * above the first-line indent of the columns beside it for one to be
   * read before the indented ones to its right. */
  void (*vreach)(nb_dev *dev, double y);
  /** draw_artifact for a line of vertical writing. */
  void (*draw_vartifact)(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                         uint32_t rgb);
  /** From @p on until it is turned off, draw_line draws lines that stand
   * horizontal in a vertical book (code, tables) so that text extraction
   * reads their text as a column at @p x, each line at its baseline's
   * height but none above @p y (a full column goes on in another to its
   * left, not left of @p xmin): among the vertical columns, in order. */
  void (*proxy)(nb_dev *dev, int on, double x, double y, double xmin);
  /** Draw @p res scaled into the box; @p max_dpi caps the embedded
   * resolution of images that are decoded (JPEG passes through). Returns
   * 0, or -1 when the image cannot be drawn (the caller then draws a
   * placeholder). */
  int (*draw_image)(nb_dev *dev, const nb_resource *res, double x, double y,
                    double w, double h, int max_dpi);
  void (*fill_rect)(nb_dev *dev, double x, double y, double w, double h,
                    uint32_t rgb);
  /** A stroked line; @p dash 0 solid, 1 dashed, 2 dotted. */
  void (*stroke_line)(nb_dev *dev, double x0, double y0, double x1, double y1,
                      double width, uint32_t rgb, int dash);
  /** A link over the rectangle: either @p uri (external) or @p dest (a name
   * given to add_dest). */
  void (*link)(nb_dev *dev, const char *uri, const char *dest, double x,
               double y, double w, double h);
  /** A named destination at (x, y) of the current page. */
  void (*add_dest)(nb_dev *dev, const char *name, double x, double y);
  /** Structure tags (Tagged PDF): "Document", "H1", "P", "L", "LI",
   * "Table", "TR", "TH", "TD", "Figure"... They nest. @p alt (a Figure's
   * text alternative) and @p lang (BCP 47, a passage in another
   * language) may be NULL. "Artifact" marks page furniture and decoration:
   * no structure element, only content marked as an artifact. */
  void (*begin_tag)(nb_dev *dev, const char *tag, const char *alt,
                    const char *lang);
  void (*end_tag)(nb_dev *dev, const char *tag);
  /** An outline entry under @p parent (0: the root) pointing at @p page
   * (1-based) and @p y. Returns its id for children, or 0. */
  int (*add_outline)(nb_dev *dev, int parent, const char *title, int page,
                     double y, int open);
  /** The label of the current page ("iii", "12"). */
  void (*page_label)(nb_dev *dev, const char *label);
  void (*set_meta)(nb_dev *dev, const nb_dev_meta *meta);
  /** Announce a laid-out text block that draw_line will draw (borrowed
   * for the call). Blocks announced before the first line is drawn let a
   * device prepare its fonts for exactly the glyphs used; announcing is
   * never required for correct output. */
  void (*note_layout)(nb_dev *dev, PangoLayout *layout);
  /** Announce an image that draw_image will draw soon, in the order they
   * will be drawn (borrowed until drawn or the device is freed): a device
   * may decode it ahead on another thread. Never required. */
  void (*note_image)(nb_dev *dev, const nb_resource *res);
  int (*close)(nb_dev *dev, nb_error *err);
  void (*free)(nb_dev *dev);
};

/* ## Wrappers: NULL slots and a NULL device are no-ops */

void nb_dev_begin_page(nb_dev *dev, double width, double height);
void nb_dev_end_page(nb_dev *dev);
void nb_dev_draw_line(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                      uint32_t rgb);
void nb_dev_draw_artifact(nb_dev *dev, PangoLayoutLine *line, double x,
                          double y, uint32_t rgb);
void nb_dev_draw_vline(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                       uint32_t rgb);
void nb_dev_draw_vartifact(nb_dev *dev, PangoLayoutLine *line, double x,
                           double y, uint32_t rgb);
void nb_dev_proxy(nb_dev *dev, int on, double x, double y, double xmin);
void nb_dev_vreach(nb_dev *dev, double y);
int nb_dev_draw_image(nb_dev *dev, const nb_resource *res, double x, double y,
                      double w, double h, int max_dpi);
void nb_dev_fill_rect(nb_dev *dev, double x, double y, double w, double h,
                      uint32_t rgb);
void nb_dev_stroke_line(nb_dev *dev, double x0, double y0, double x1, double y1,
                        double width, uint32_t rgb, int dash);
void nb_dev_link(nb_dev *dev, const char *uri, const char *dest, double x,
                 double y, double w, double h);
void nb_dev_add_dest(nb_dev *dev, const char *name, double x, double y);
void nb_dev_begin_tag(nb_dev *dev, const char *tag, const char *alt,
                      const char *lang);
void nb_dev_end_tag(nb_dev *dev, const char *tag);
int nb_dev_add_outline(nb_dev *dev, int parent, const char *title, int page,
                       double y, int open);
void nb_dev_page_label(nb_dev *dev, const char *label);
void nb_dev_set_meta(nb_dev *dev, const nb_dev_meta *meta);
void nb_dev_note_layout(nb_dev *dev, PangoLayout *layout);
void nb_dev_note_image(nb_dev *dev, const nb_resource *res);
/** Close (flush) the device: 0 or a negative nb_code. */
int nb_dev_close(nb_dev *dev, nb_error *err);
void nb_dev_free(nb_dev *dev);

/* ## Implementations */

/** A device writing a PDF to @p fp (borrowed; the caller closes it after
 * nb_dev_close). @p width/@p height is the first page's size. NULL on
 * failure. */
nb_dev *nb_dev_cairo_new(FILE *fp, double width, double height);

/** For a Cairo device, after nb_dev_close: append to the PDF at @p path
 * (open as @p fp, at its end) the tag entries Cairo 1.16 cannot write
 * (see pdftags.h). 0 or a negative nb_code; does nothing for other
 * devices. */
/** Once the device is closed and the file flushed: write the PNGs drawn
 * as they are (pdfimg.h) over their stand-ins in the file at @p path
 * (open as @p fp). 0 (nothing to do, or done), 1 when they could not be:
 * the file must be written again without them (nb_dev_cairo_set_direct
 * off), or a negative nb_code. */
int nb_dev_cairo_finish_images(nb_dev *dev, const char *path, FILE *fp,
                               nb_error *err);
/** With @p on, PNGs that can go into the file as they are (pdfimg.h) are
 * drawn as stand-ins, and nb_dev_cairo_finish_images must then be called
 * on the finished file; off (the default), every image is decoded and
 * drawn by Cairo. */
void nb_dev_cairo_set_direct(nb_dev *dev, int on);
int nb_dev_cairo_finish_tags(nb_dev *dev, const char *path, FILE *fp,
                             nb_error *err);

/** A device that records every call as one text line ("line x=.. y=..
 * right=.. text=..."), for tests. */
nb_dev *nb_dev_trace_new(void);
/** The trace so far (borrowed, NUL-terminated). */
const char *nb_dev_trace_text(nb_dev *dev);

/** The right edge of @p line's last visible (non-space) glyph relative to
 * the line's left end, in points, from its glyph widths. */
double nb_line_ink_right(PangoLayoutLine *line);

#endif
