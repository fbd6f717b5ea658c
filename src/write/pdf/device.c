/* Device wrappers (skip empty slots) and the trace device the unit tests
 * read: every call becomes one line of text, so a test can check where
 * lines end without parsing a PDF. */
#include "write/pdf/device.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void nb_dev_begin_page(nb_dev *dev, double width, double height) {
  if (dev && dev->begin_page)
    dev->begin_page(dev, width, height);
}
void nb_dev_end_page(nb_dev *dev) {
  if (dev && dev->end_page)
    dev->end_page(dev);
}
void nb_dev_draw_line(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                      uint32_t rgb) {
  if (dev && dev->draw_line && line)
    dev->draw_line(dev, line, x, y, rgb);
}
void nb_dev_draw_artifact(nb_dev *dev, PangoLayoutLine *line, double x,
                          double y, uint32_t rgb) {
  if (dev && dev->draw_artifact && line)
    dev->draw_artifact(dev, line, x, y, rgb);
}
void nb_dev_draw_vline(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                       uint32_t rgb) {
  if (dev && dev->draw_vline && line)
    dev->draw_vline(dev, line, x, y, rgb);
}
void nb_dev_draw_vartifact(nb_dev *dev, PangoLayoutLine *line, double x,
                           double y, uint32_t rgb) {
  if (dev && dev->draw_vartifact && line)
    dev->draw_vartifact(dev, line, x, y, rgb);
}
void nb_dev_vreach(nb_dev *dev, double y) {
  if (dev && dev->vreach)
    dev->vreach(dev, y);
}
void nb_dev_proxy(nb_dev *dev, int on, double x, double y, double xmin) {
  if (dev && dev->proxy)
    dev->proxy(dev, on, x, y, xmin);
}
int nb_dev_draw_image(nb_dev *dev, const nb_resource *res, double x, double y,
                      double w, double h, int max_dpi) {
  if (dev && dev->draw_image)
    return dev->draw_image(dev, res, x, y, w, h, max_dpi);
  return 0;
}
void nb_dev_fill_rect(nb_dev *dev, double x, double y, double w, double h,
                      uint32_t rgb) {
  if (dev && dev->fill_rect && w > 0 && h > 0)
    dev->fill_rect(dev, x, y, w, h, rgb);
}
void nb_dev_stroke_line(nb_dev *dev, double x0, double y0, double x1, double y1,
                        double width, uint32_t rgb, int dash) {
  if (dev && dev->stroke_line && width > 0)
    dev->stroke_line(dev, x0, y0, x1, y1, width, rgb, dash);
}
void nb_dev_link(nb_dev *dev, const char *uri, const char *dest, double x,
                 double y, double w, double h) {
  if (dev && dev->link && (uri || dest) && w > 0 && h > 0)
    dev->link(dev, uri, dest, x, y, w, h);
}
void nb_dev_add_dest(nb_dev *dev, const char *name, double x, double y) {
  if (dev && dev->add_dest && name)
    dev->add_dest(dev, name, x, y);
}
void nb_dev_begin_tag(nb_dev *dev, const char *tag, const char *alt,
                      const char *lang) {
  if (dev && dev->begin_tag)
    dev->begin_tag(dev, tag, alt, lang);
}
void nb_dev_end_tag(nb_dev *dev, const char *tag) {
  if (dev && dev->end_tag)
    dev->end_tag(dev, tag);
}
int nb_dev_add_outline(nb_dev *dev, int parent, const char *title, int page,
                       double y, int open) {
  if (dev && dev->add_outline && title)
    return dev->add_outline(dev, parent, title, page, y, open);
  return 0;
}
void nb_dev_page_label(nb_dev *dev, const char *label) {
  if (dev && dev->page_label && label)
    dev->page_label(dev, label);
}
void nb_dev_set_meta(nb_dev *dev, const nb_dev_meta *meta) {
  if (dev && dev->set_meta)
    dev->set_meta(dev, meta);
}
void nb_dev_note_layout(nb_dev *dev, PangoLayout *layout) {
  if (dev && dev->note_layout && layout)
    dev->note_layout(dev, layout);
}

void nb_dev_note_image(nb_dev *dev, const nb_resource *res) {
  if (dev && dev->note_image && res)
    dev->note_image(dev, res);
}
int nb_dev_close(nb_dev *dev, nb_error *err) {
  if (dev && dev->close)
    return dev->close(dev, err);
  return 0;
}
void nb_dev_free(nb_dev *dev) {
  if (dev && dev->free)
    dev->free(dev);
}

static int S_is_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 ||
         c == 0x2028 || c == 0x2029 || c == 0x00a0 || c == 0x200b ||
         c == 0x2060;
}

double nb_line_ink_right(PangoLayoutLine *line) {
  const char *text = pango_layout_get_text(line->layout);
  size_t tlen = strlen(text);
  GSList *l;
  /* 64-bit: a 300,000-glyph line overflows int Pango units. */
  long long x = 0, right = 0;
  for (l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    int i;
    for (i = 0; i < run->glyphs->num_glyphs; i++) {
      size_t idx = (size_t)(run->item->offset + run->glyphs->log_clusters[i]);
      uint32_t cp = ' ';
      x += run->glyphs->glyphs[i].geometry.width;
      if (idx < tlen)
        nb_utf8_decode((const unsigned char *)text + idx, tlen - idx, &cp);
      if (!S_is_space(cp))
        right = x;
    }
  }
  return (double)right / (double)PANGO_SCALE;
}

/* ## The trace device */

typedef struct trace_dev {
  nb_dev base;
  nb_buf out;
  int page;
  int next_id;
} trace_dev;

static void T_begin_page(nb_dev *dev, double w, double h) {
  trace_dev *t = (trace_dev *)dev;
  t->page++;
  nb_buf_printf(&t->out, "page %d %.2f %.2f\n", t->page, w, h);
}

static void T_end_page(nb_dev *dev) {
  trace_dev *t = (trace_dev *)dev;
  nb_buf_printf(&t->out, "endpage %d\n", t->page);
}

/* "KIND x=X y=Y END=E text=TEXT": a line and where its ink ends, across
 * the page ("right", x + ink) or down it ("bottom", y + ink). */
static void T_line(trace_dev *t, PangoLayoutLine *line, double x, double y,
                   int down) {
  const char *text = pango_layout_get_text(line->layout);
  size_t len = strlen(text), s = (size_t)line->start_index,
         n = (size_t)line->length;
  double ink = nb_line_ink_right(line);
  if (s > len)
    s = len;
  if (n > len - s)
    n = len - s;
  nb_buf_printf(&t->out,
                down ? "vline x=%.3f y=%.3f bottom=%.3f text="
                     : "line x=%.3f y=%.3f right=%.3f text=",
                x, y, down ? y + ink : x + ink);
  nb_buf_append(&t->out, text + s, n);
  nb_buf_putc(&t->out, '\n');
}

static void T_draw_line(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                        uint32_t rgb) {
  (void)rgb;
  T_line((trace_dev *)dev, line, x, y, 0);
}

static void T_draw_vline(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                         uint32_t rgb) {
  (void)rgb;
  T_line((trace_dev *)dev, line, x, y, 1);
}

static void T_draw_vartifact(nb_dev *dev, PangoLayoutLine *line, double x,
                             double y, uint32_t rgb) {
  trace_dev *t = (trace_dev *)dev;
  (void)rgb;
  nb_buf_printf(&t->out, "vartifact x=%.3f y=%.3f text=%s\n", x, y,
                pango_layout_get_text(line->layout));
}

static void T_draw_artifact(nb_dev *dev, PangoLayoutLine *line, double x,
                            double y, uint32_t rgb) {
  trace_dev *t = (trace_dev *)dev;
  const char *text = pango_layout_get_text(line->layout);
  (void)rgb;
  nb_buf_printf(&t->out, "artifact x=%.3f y=%.3f text=%s\n", x, y, text);
}

static int T_draw_image(nb_dev *dev, const nb_resource *res, double x, double y,
                        double w, double h, int max_dpi) {
  trace_dev *t = (trace_dev *)dev;
  (void)max_dpi;
  nb_buf_printf(&t->out, "image x=%.2f y=%.2f w=%.2f h=%.2f %s\n", x, y, w, h,
                res && res->media_type ? res->media_type : "?");
  return 0;
}

static void T_fill_rect(nb_dev *dev, double x, double y, double w, double h,
                        uint32_t rgb) {
  trace_dev *t = (trace_dev *)dev;
  nb_buf_printf(&t->out, "rect x=%.2f y=%.2f w=%.2f h=%.2f #%06x\n", x, y, w, h,
                (unsigned)rgb);
}

static void T_link(nb_dev *dev, const char *uri, const char *dest, double x,
                   double y, double w, double h) {
  trace_dev *t = (trace_dev *)dev;
  nb_buf_printf(&t->out, "link %s=%s x=%.2f y=%.2f w=%.2f h=%.2f\n",
                uri ? "uri" : "dest", uri ? uri : dest, x, y, w, h);
}

static void T_begin_tag(nb_dev *dev, const char *tag, const char *alt,
                        const char *lang) {
  trace_dev *t = (trace_dev *)dev;
  nb_buf_printf(&t->out, "tag %s%s%s%s%s\n", tag, alt ? " alt=" : "",
                alt ? alt : "", lang ? " lang=" : "", lang ? lang : "");
}

static void T_end_tag(nb_dev *dev, const char *tag) {
  trace_dev *t = (trace_dev *)dev;
  nb_buf_printf(&t->out, "endtag %s\n", tag);
}

static int T_add_outline(nb_dev *dev, int parent, const char *title, int page,
                         double y, int open) {
  trace_dev *t = (trace_dev *)dev;
  (void)open;
  nb_buf_printf(&t->out, "outline parent=%d page=%d y=%.2f %s\n", parent, page,
                y, title);
  return ++t->next_id;
}

static void T_free(nb_dev *dev) {
  trace_dev *t = (trace_dev *)dev;
  if (!t)
    return;
  nb_buf_free(&t->out);
  free(t);
}

nb_dev *nb_dev_trace_new(void) {
  trace_dev *t = nb_calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->base.begin_page = T_begin_page;
  t->base.end_page = T_end_page;
  t->base.draw_line = T_draw_line;
  t->base.draw_artifact = T_draw_artifact;
  t->base.draw_vline = T_draw_vline;
  t->base.draw_vartifact = T_draw_vartifact;
  t->base.draw_image = T_draw_image;
  t->base.fill_rect = T_fill_rect;
  t->base.link = T_link;
  t->base.begin_tag = T_begin_tag;
  t->base.end_tag = T_end_tag;
  t->base.add_outline = T_add_outline;
  t->base.free = T_free;
  nb_buf_puts(&t->out, "");
  return &t->base;
}

const char *nb_dev_trace_text(nb_dev *dev) {
  trace_dev *t = (trace_dev *)dev;
  return t && t->out.data ? t->out.data : "";
}
