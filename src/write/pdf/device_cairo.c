/* The Cairo PDF device: draws the writer's boxes on a cairo PDF surface
 * streaming into a FILE*. Text is drawn with fonts cut down beforehand to
 * the glyphs the document uses (fontsub.c: the writer announces its text
 * blocks through note_layout before drawing), falling back to
 * pango_cairo for what those cannot draw; either way fonts are embedded
 * as CFF/TrueType subsets with ToUnicode maps. JPEG images are passed
 * through untouched (cairo's JPEG mime data), PNGs that can go in as they
 * are (pdfimg.h), others are decoded with nb_image_decode and
 * downsampled to the requested resolution, decoded ahead and their
 * pixels deflated by a worker thread when they are opaque (ahead.h); an
 * image already written is not decoded again (S_stand_in). A running
 * head is written once, as a form every page refers to (furniture.h).
 *
 * It does not decide anything about layout: positions come from the
 * caller. */
#include "write/pdf/device.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include "util/util.h"
#include "write/pdf/ahead.h"
#include "write/pdf/fontsub.h"
#include "write/pdf/furniture.h"
#include "write/pdf/pdfimg.h"
#include "write/pdf/pdftags.h"

typedef struct img_cache {
  const nb_resource *res; /* resources without an id: matched by address */
  char id[sizeof((nb_resource *)0)->id]; /* the content id, or "" */
  cairo_surface_t *surface; /* NULL: not made yet, released, or failed */
  int failed;               /* could not be decoded */
  int on_page;              /* drawn on the current page */
  /* Cairo has written the image (a page with it has ended): a later use
   * needs only a blank surface of the size written, see S_stand_in */
  int written, width, height;
  cairo_format_t format;
} img_cache;

typedef struct cairo_dev {
  nb_dev base;
  FILE *fp;
  int write_failed;
  cairo_surface_t *surface;
  cairo_t *cr;
  img_cache *imgs;
  size_t nimgs, capimgs;
  nb_fontsub *fonts; /* subset fonts for draw_line, built at its first call */
  nb_furniture *furniture; /* running heads, written once (furniture.h) */
  GHashTable *img_index;   /* content id (owned copy) -> index + 1 in imgs */
  int in_page, pages;
  char *pending_tag; /* a tag begun before the first page */
  int proxy;         /* lines read as a column (nb_dev.proxy) */
  nb_proxy_col proxy_col;
  double vreach; /* nb_dev.vreach */
  double page_h;
  nb_pdf_tags tags; /* what Cairo cannot write: added at the end */
  nb_ahead ahead;   /* decoding and deflating on a worker (ahead.h) */
  /* images written compressed beforehand (pdfimg.h), by stand-in number:
   * PNGs as they are, and pixels deflated ahead (filled in once done) */
  nb_pdf_png *pngs;
  size_t npngs, cappngs;
  int no_direct; /* every image decoded and drawn by Cairo */
} cairo_dev;

static void S_rgb(cairo_t *cr, uint32_t rgb) {
  cairo_set_source_rgb(cr, ((rgb >> 16) & 255) / 255.0,
                       ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0);
}

static cairo_status_t S_write(void *closure, const unsigned char *data,
                              unsigned int length) {
  cairo_dev *d = closure;
  if (length && fwrite(data, 1, length, d->fp) != length) {
    d->write_failed = 1;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

static void C_begin_page(nb_dev *dev, double w, double h) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_pdf_surface_set_size(d->surface, w, h);
  d->page_h = h;
  d->in_page = 1;
  d->pages++;
  if (d->pending_tag) {
    /* cairo 1.16 loses a tag begun before a page's set_size, and a tree
     * whose root it did not see is not reported as Tagged PDF */
    cairo_tag_begin(d->cr, d->pending_tag, NULL);
    free(d->pending_tag);
    d->pending_tag = NULL;
  }
}

static void C_end_page(nb_dev *dev) {
  cairo_dev *d = (cairo_dev *)dev;
  size_t i;
  cairo_show_page(d->cr);
  d->in_page = 0;
  /* Cairo has written this page's images now but holds them until the
   * document ends; finishing them frees their pixels, so that a book's
   * memory does not grow with its images. */
  for (i = 0; i < d->nimgs; i++)
    if (d->imgs[i].on_page && d->imgs[i].surface) {
      img_cache *e = &d->imgs[i];
      if (!e->written) {
        e->written = 1;
        e->width = cairo_image_surface_get_width(e->surface);
        e->height = cairo_image_surface_get_height(e->surface);
        e->format = cairo_image_surface_get_format(e->surface);
      }
      cairo_surface_finish(e->surface);
      cairo_surface_destroy(e->surface);
      e->surface = NULL;
      e->on_page = 0;
    }
}

static void C_draw_line(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                        uint32_t rgb) {
  cairo_dev *d = (cairo_dev *)dev;
  S_rgb(d->cr, rgb);
  nb_fontsub_build(d->fonts);
  if (d->proxy && nb_fontsub_show_line_proxied(d->fonts, d->cr, line, x, y,
                                               &d->proxy_col) == 0)
    return;
  if (nb_fontsub_show_line(d->fonts, d->cr, line, x, y) == 0)
    return;
  cairo_move_to(d->cr, x, y);
  pango_cairo_show_layout_line(d->cr, line);
}

/* A line of vertical text: its baseline runs down from (x, y). */
static void C_draw_vline(nb_dev *dev, PangoLayoutLine *line, double x, double y,
                         uint32_t rgb) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_save(d->cr);
  S_rgb(d->cr, rgb);
  cairo_translate(d->cr, x, y);
  cairo_rotate(d->cr, G_PI / 2);
  nb_fontsub_show_vline(d->fonts, d->cr, line,
                        d->vreach > 0 ? d->vreach - y : 0);
  cairo_restore(d->cr);
}

static cairo_surface_t *S_add_png(cairo_dev *d, const nb_resource *res,
                                  const nb_pdf_png *p);

static cairo_surface_t *S_add_form(void *ctx, const nb_pdf_png *form) {
  return S_add_png(ctx, NULL, form);
}

/* A line of page furniture at the user-space origin: a form written once
 * where it recurs (furniture.h), else its outlines. */
static void S_furniture(cairo_dev *d, PangoLayoutLine *line, uint32_t rgb) {
  if (!d->no_direct &&
      nb_furniture_paint(d->furniture, d->cr, line, rgb, S_add_form, d) == 0)
    return;
  S_rgb(d->cr, rgb);
  cairo_new_path(d->cr);
  cairo_move_to(d->cr, 0, 0);
  pango_cairo_layout_line_path(d->cr, line);
  cairo_fill(d->cr);
}

static void C_draw_vartifact(nb_dev *dev, PangoLayoutLine *line, double x,
                             double y, uint32_t rgb) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_save(d->cr);
  cairo_translate(d->cr, x, y);
  cairo_rotate(d->cr, G_PI / 2);
  S_furniture(d, line, rgb);
  cairo_restore(d->cr);
}

static void C_vreach(nb_dev *dev, double y) {
  ((cairo_dev *)dev)->vreach = y;
}

static void C_proxy(nb_dev *dev, int on, double x, double y, double xmin) {
  cairo_dev *d = (cairo_dev *)dev;
  d->proxy = on;
  d->proxy_col.x = x;
  d->proxy_col.y = d->proxy_col.ytop = y;
  d->proxy_col.ymax = d->page_h - 2;
  d->proxy_col.xmin = xmin;
}

static void C_note_layout(nb_dev *dev, PangoLayout *layout) {
  cairo_dev *d = (cairo_dev *)dev;
  nb_fontsub_note(d->fonts, layout);
}

static void C_draw_artifact(nb_dev *dev, PangoLayoutLine *line, double x,
                            double y, uint32_t rgb) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_save(d->cr);
  cairo_translate(d->cr, x, y);
  S_furniture(d, line, rgb);
  cairo_restore(d->cr);
}

static const cairo_user_data_key_t S_pixels_key;

/* A surface drawing the pixels of @p pm in place (Cairo's formats are the
 * pixmap's, row for row), which then owns them: no second buffer and no
 * copy. @p pm is emptied either way; NULL when Cairo refuses. */
static cairo_surface_t *S_surface_of(nb_pixmap *pm) {
  cairo_format_t fmt = pm->has_alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24;
  cairo_surface_t *s = NULL;
  if (pm->stride == cairo_format_stride_for_width(fmt, pm->width)) {
    s = cairo_image_surface_create_for_data(pm->pixels, fmt, pm->width,
                                            pm->height, pm->stride);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
        cairo_surface_set_user_data(s, &S_pixels_key, pm->pixels, free) ==
            CAIRO_STATUS_SUCCESS) {
      memset(pm, 0, sizeof *pm); /* the surface frees them */
      return s;
    }
    cairo_surface_destroy(s);
    s = NULL;
  }
  nb_pixmap_free(pm);
  return s;
}

/* A cairo surface for @p res, at most @p max_px pixels wide. JPEG (grey or
 * RGB) becomes a blank RGB24 surface of the right size carrying the JPEG
 * bytes as mime data: cairo's PDF backend then embeds the bytes as they
 * are and never reads the (untouched, lazily zeroed) pixels. */
static int S_passes_through(const nb_resource *res) {
  return res->media_type && strcmp(res->media_type, "image/jpeg") == 0 &&
         (res->jpeg_components == 1 || res->jpeg_components == 3) &&
         res->width > 0 && res->height > 0 && res->width <= 32767 &&
         res->height <= 32767;
}

static void C_note_image(nb_dev *dev, const nb_resource *res) {
  cairo_dev *d = (cairo_dev *)dev;
  if (!nb_ahead_usable(&d->ahead) || res->status != NB_RES_OK || !res->data ||
      S_passes_through(res))
    return;
  if (res->id[0] && d->img_index && g_hash_table_lookup(d->img_index, res->id))
    return; /* drawn before: written, on this page, or failed */
  nb_ahead_queue(&d->ahead, res,
                 !d->no_direct && nb_pdf_png_likely(res->data, res->size));
}

/* A stand-in for @p p, written compressed beforehand (pdfimg.h), as
 * image @p res (NULL for a form); NULL when out of memory. */
static cairo_surface_t *S_add_png(cairo_dev *d, const nb_resource *res,
                                  const nb_pdf_png *p) {
  cairo_surface_t *s;
  if (d->npngs == d->cappngs) {
    size_t cap = d->cappngs ? d->cappngs * 2 : 16;
    nb_pdf_png *n = nb_reallocarray(d->pngs, cap, sizeof *n);
    if (!n)
      return NULL;
    d->pngs = n;
    d->cappngs = cap;
  }
  if (!(s = nb_pdf_png_stand_in(d->npngs)))
    return NULL;
  d->pngs[d->npngs++] = *p;
  if (res)
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID,
                                (const unsigned char *)res->id, strlen(res->id),
                                NULL, NULL);
  return s;
}

/* The stand-in of @p res when it is a PNG that goes into the PDF as it is
 * (pdfimg.h), at most @p max_px pixels wide; NULL when it is not one. */
static cairo_surface_t *S_direct(cairo_dev *d, const nb_resource *res,
                                 int max_px) {
  nb_pdf_png p;
  int ok;
  if (d->no_direct || !res->data || !nb_pdf_png_likely(res->data, res->size))
    return NULL;
  if (!nb_ahead_take(&d->ahead, res, 1, &ok, NULL, &p))
    ok = nb_pdf_png_direct(res->data, res->size, &p);
  if (!ok || (max_px > 0 && max_px < p.width))
    return NULL;
  return S_add_png(d, res, &p);
}

/* A stand-in for the opaque image @p s of @p res, whose pixels the worker
 * deflates (taking @p s over); NULL, @p s untouched, when it cannot. What
 * Cairo would have spent compressing the pixels when the page ends (the
 * costliest step of an image it decodes) is then spent on the worker
 * while the next pages are drawn. */
static cairo_surface_t *S_deflate_ahead(cairo_dev *d, const nb_resource *res,
                                        cairo_surface_t *s) {
  nb_pdf_png p;
  cairo_surface_t *in;
  if (d->no_direct || cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24)
    return NULL;
  memset(&p, 0, sizeof p);
  p.width = cairo_image_surface_get_width(s);
  p.height = cairo_image_surface_get_height(s);
  if (p.width <= 0 || p.height <= 0 ||
      nb_ahead_deflate_reserve(&d->ahead) != 0 || !(in = S_add_png(d, res, &p)))
    return NULL;
  nb_ahead_deflate(&d->ahead, s, d->npngs - 1);
  return in;
}

static cairo_surface_t *S_make_surface(cairo_dev *d, const nb_resource *res,
                                       int max_px) {
  cairo_surface_t *s;
  nb_pixmap pm;
  nb_error err;
  int rc;
  if (S_passes_through(res)) {
    /* Cairo writes the JPEG's data and never reads these pixels: one
     * pixel stands for them (drawn scaled to the image's box), as a blank
     * of the JPEG's size would be copied whole when finished (see
     * S_stand_in): 96 MB for a 6000x4000 photograph */
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
      cairo_surface_destroy(s);
      return NULL;
    }
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, res->data, res->size,
                                NULL, NULL);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID,
                                (const unsigned char *)res->id, strlen(res->id),
                                NULL, NULL);
    return s;
  }
  memset(&pm, 0, sizeof pm);
  if (!res->data)
    return NULL;
  if (!nb_ahead_take(&d->ahead, res, 0, &rc, &pm, NULL))
    rc = nb_image_decode(res->data, res->size, 0, &pm, &err);
  if (rc != 0 || !pm.pixels || pm.width <= 0 || pm.height <= 0) {
    nb_pixmap_free(&pm);
    return NULL;
  }
  s = S_surface_of(&pm);
  if (s && max_px > 0 && max_px < cairo_image_surface_get_width(s)) {
    /* downsample to the resolution the page can show */
    int w0 = cairo_image_surface_get_width(s),
        h0 = cairo_image_surface_get_height(s);
    int w1 = max_px, h1 = (int)((double)h0 * w1 / w0 + 0.5);
    cairo_surface_t *small;
    cairo_t *cr;
    if (h1 < 1)
      h1 = 1;
    small =
        cairo_image_surface_create(cairo_image_surface_get_format(s), w1, h1);
    cr = cairo_create(small);
    cairo_scale(cr, (double)w1 / w0, (double)h1 / h0);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    s = small;
  }
  if (s) {
    cairo_surface_t *in = S_deflate_ahead(d, res, s);
    if (in)
      return in;
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID,
                                (const unsigned char *)res->id, strlen(res->id),
                                NULL, NULL);
  }
  return s;
}

/* A stand-in for an image Cairo has already written. Cairo's PDF surface
 * finds a source by its CAIRO_MIME_TYPE_UNIQUE_ID before anything else
 * and then only references the image object it wrote, with that object's
 * size, never reading the stand-in's pixels; so a book that shows one
 * picture in many articles decodes it once. Only opaque formats: the
 * transparency analysis of an ARGB32 source reads its pixels, and a blank
 * one would be analysed differently. */
static cairo_surface_t *S_stand_in(const img_cache *e) {
  cairo_surface_t *s;
  /* Cairo bounds the drawing by the stand-in's own extents (its clip), so
   * a stand-in has the shape of what it stands for: an image written
   * compressed beforehand was drawn as a 1x3 stand-in (pdfimg.h) and is
   * drawn again as one of that shape; a full-size image Cairo wrote
   * itself (without the worker: one core, or the retry without
   * stand-ins) needs a blank of its size, which Cairo copies when it is
   * freed: past 16 million pixels it is decoded again instead. */
  if (e->format != CAIRO_FORMAT_RGB24 || e->width <= 0 || e->height <= 0 ||
      (int64_t)e->width * e->height > ((int64_t)16 << 20))
    return NULL;
  s = cairo_image_surface_create(e->format, e->width, e->height);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID,
                              (const unsigned char *)e->id, strlen(e->id), NULL,
                              NULL);
  return s;
}

static int C_draw_image(nb_dev *dev, const nb_resource *res, double x, double y,
                        double w, double h, int max_dpi) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_surface_t *s = NULL;
  size_t i;
  int pw, ph;
  if (!res || res->status != NB_RES_OK)
    return -1;
  int max_px = max_dpi > 0 ? (int)ceil(w / 72.0 * max_dpi) : 0;
  img_cache *e = NULL;
  if (res->id[0] && d->img_index) {
    i = GPOINTER_TO_SIZE(g_hash_table_lookup(d->img_index, res->id));
    if (i)
      e = &d->imgs[i - 1];
  } else {
    for (i = 0; i < d->nimgs; i++)
      if (d->imgs[i].res == res) {
        e = &d->imgs[i];
        break;
      }
  }
  if (!e) {
    if (d->nimgs == d->capimgs) {
      size_t cap = d->capimgs ? d->capimgs * 2 : 16;
      img_cache *n = nb_reallocarray(d->imgs, cap, sizeof *n);
      if (!n)
        return -1;
      d->imgs = n;
      d->capimgs = cap;
    }
    e = &d->imgs[d->nimgs++];
    memset(e, 0, sizeof *e);
    e->res = res;
    snprintf(e->id, sizeof e->id, "%s", res->id);
    if (e->id[0] && d->img_index)
      g_hash_table_insert(d->img_index, g_strdup(e->id),
                          GSIZE_TO_POINTER(d->nimgs));
  }
  if (e->failed)
    return -1;
  if (!e->surface && e->written && e->id[0])
    e->surface = S_stand_in(e);
  if (!e->surface)
    e->surface = S_direct(d, res, max_px);
  if (!e->surface) {
    e->surface = S_make_surface(d, res, max_px);
    if (!e->surface) {
      e->failed = 1;
      return -1;
    }
  }
  e->on_page = 1;
  s = e->surface;
  /* a stand-in is drawn at the size of the image it stands for */
  pw = e->written ? e->width : cairo_image_surface_get_width(s);
  ph = e->written ? e->height : cairo_image_surface_get_height(s);
  if (pw <= 0 || ph <= 0)
    return -1;
  cairo_save(d->cr);
  cairo_rectangle(d->cr, x, y, w, h);
  cairo_clip(d->cr);
  cairo_translate(d->cr, x, y);
  cairo_scale(d->cr, w / pw, h / ph);
  cairo_set_source_surface(d->cr, s, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(d->cr), CAIRO_FILTER_GOOD);
  cairo_paint(d->cr);
  cairo_restore(d->cr);
  return 0;
}

static void C_fill_rect(nb_dev *dev, double x, double y, double w, double h,
                        uint32_t rgb) {
  cairo_dev *d = (cairo_dev *)dev;
  S_rgb(d->cr, rgb);
  cairo_rectangle(d->cr, x, y, w, h);
  cairo_fill(d->cr);
}

static void C_stroke_line(nb_dev *dev, double x0, double y0, double x1,
                          double y1, double width, uint32_t rgb, int dash) {
  cairo_dev *d = (cairo_dev *)dev;
  double dashes[2];
  cairo_save(d->cr);
  S_rgb(d->cr, rgb);
  cairo_set_line_width(d->cr, width);
  if (dash) {
    dashes[0] = dash == 1 ? 3 * width + 1 : width;
    dashes[1] = dash == 1 ? 2 * width + 1 : width * 1.5;
    cairo_set_dash(d->cr, dashes, 2, 0);
  }
  cairo_move_to(d->cr, x0, y0);
  cairo_line_to(d->cr, x1, y1);
  cairo_stroke(d->cr);
  cairo_restore(d->cr);
}

/* A valid UTF-8 version of @p s: @p s itself, or a repaired copy left in
 * @p tmp for the caller to free. Cairo refuses invalid strings and then
 * fails the whole document. */
static const char *S_valid(const char *s, char **tmp) {
  size_t n = 0, rep = 0;
  *tmp = NULL;
  if (!s || nb_utf8_valid(s, strlen(s)))
    return s;
  *tmp = nb_utf8_repair(s, strlen(s), &n, &rep);
  return *tmp ? *tmp : "";
}

/* Cairo tag attributes quote strings with '...' and backslash escapes. */
static void S_quote(nb_buf *b, const char *s_in) {
  char *tmp;
  const char *s = S_valid(s_in, &tmp);
  nb_buf_putc(b, '\'');
  for (; *s; s++) {
    if (*s == '\'' || *s == '\\')
      nb_buf_putc(b, '\\');
    if ((unsigned char)*s >= 0x20)
      nb_buf_putc(b, *s);
  }
  nb_buf_putc(b, '\'');
  free(tmp);
}

static void C_link(nb_dev *dev, const char *uri, const char *dest, double x,
                   double y, double w, double h) {
  cairo_dev *d = (cairo_dev *)dev;
  nb_buf b = NB_BUF_INIT;
  if (uri) {
    nb_buf_puts(&b, "uri=");
    S_quote(&b, uri);
  } else {
    nb_buf_puts(&b, "dest=");
    S_quote(&b, dest);
  }
  nb_buf_printf(&b, " rect=[%.2f %.2f %.2f %.2f]", x, y, w, h);
  if (!b.failed) {
    cairo_tag_begin(d->cr, CAIRO_TAG_LINK, b.data);
    cairo_tag_end(d->cr, CAIRO_TAG_LINK);
    nb_pdf_tags_add(&d->tags, "Link", NULL, NULL); /* an element too */
  }
  nb_buf_free(&b);
}

static void C_add_dest(nb_dev *dev, const char *name, double x, double y) {
  cairo_dev *d = (cairo_dev *)dev;
  nb_buf b = NB_BUF_INIT;
  nb_buf_puts(&b, "name=");
  S_quote(&b, name);
  nb_buf_printf(&b, " x=%.2f y=%.2f", x, y);
  if (!b.failed) {
    cairo_tag_begin(d->cr, CAIRO_TAG_DEST, b.data);
    cairo_tag_end(d->cr, CAIRO_TAG_DEST);
  }
  nb_buf_free(&b);
}

static void C_begin_tag(nb_dev *dev, const char *tag, const char *alt,
                        const char *lang) {
  cairo_dev *d = (cairo_dev *)dev;
  /* cairo 1.16 structure tags take no attributes: noted for later. It
   * cannot mark artifacts either (and fails on such a tag): they begin as
   * Spans, which pdftags.c takes out of the tree and marks /Artifact */
  if (strcmp(tag, "Artifact") == 0) {
    nb_pdf_tags_add(&d->tags, "Span", NULL, NULL);
    if (!d->tags.failed)
      d->tags.tags[d->tags.n - 1].artifact = 1;
    tag = "Span";
  } else {
    nb_pdf_tags_add(&d->tags, tag, alt, lang);
  }
  if (d->pages == 0 && !d->pending_tag && strcmp(tag, "Document") == 0) {
    d->pending_tag = nb_strdup(tag);
    return;
  }
  cairo_tag_begin(d->cr, tag, NULL);
}

static void C_end_tag(nb_dev *dev, const char *tag) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_tag_end(d->cr, strcmp(tag, "Artifact") == 0 ? "Span" : tag);
}

static int C_add_outline(nb_dev *dev, int parent, const char *title, int page,
                         double y, int open) {
  cairo_dev *d = (cairo_dev *)dev;
  char link[96];
  char *tmp;
  int id;
  snprintf(link, sizeof link, "page=%d pos=[0 %.2f]", page, y);
  id = cairo_pdf_surface_add_outline(
      d->surface, parent, S_valid(title, &tmp), link,
      open ? CAIRO_PDF_OUTLINE_FLAG_OPEN : (cairo_pdf_outline_flags_t)0);
  free(tmp);
  return id;
}

static void C_page_label(nb_dev *dev, const char *label) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_pdf_surface_set_page_label(d->surface, label);
}

static void S_meta(cairo_dev *d, cairo_pdf_metadata_t key, const char *v) {
  char *tmp;
  if (!v)
    return;
  cairo_pdf_surface_set_metadata(d->surface, key, S_valid(v, &tmp));
  free(tmp);
}

static void C_set_meta(nb_dev *dev, const nb_dev_meta *m) {
  cairo_dev *d = (cairo_dev *)dev;
  S_meta(d, CAIRO_PDF_METADATA_TITLE, m->title);
  S_meta(d, CAIRO_PDF_METADATA_AUTHOR, m->author);
  S_meta(d, CAIRO_PDF_METADATA_SUBJECT, m->subject);
  S_meta(d, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
  S_meta(d, CAIRO_PDF_METADATA_CREATOR, m->creator);
  snprintf(d->tags.lang, sizeof d->tags.lang, "%s", m->lang ? m->lang : "");
  d->tags.display_title = m->title && *m->title;
  d->tags.vertical = m->vertical;
  if (m->vertical)
    nb_fontsub_set_vertical(d->fonts);
  if (m->date) {
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   m->date);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_MOD_DATE,
                                   m->date);
  }
}

static void S_release(cairo_dev *d) {
  size_t i;
  for (i = 0; i < d->nimgs; i++)
    if (d->imgs[i].surface)
      cairo_surface_destroy(d->imgs[i].surface);
  free(d->imgs);
  d->imgs = NULL;
  if (d->img_index)
    g_hash_table_destroy(d->img_index);
  d->img_index = NULL;
  d->nimgs = d->capimgs = 0;
  if (d->cr)
    cairo_destroy(d->cr);
  d->cr = NULL;
  nb_fontsub_free(d->fonts);
  d->fonts = NULL;
  if (d->surface)
    cairo_surface_destroy(d->surface);
  d->surface = NULL;
}

static int C_close(nb_dev *dev, nb_error *err) {
  cairo_dev *d = (cairo_dev *)dev;
  cairo_status_t st;
  if (!d->surface)
    return 0;
  st = cairo_status(d->cr);
  cairo_surface_finish(d->surface);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status(d->surface);
  S_release(d);
  if (d->write_failed)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                        "writing the PDF failed (disk full?)");
  if (st != CAIRO_STATUS_SUCCESS)
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "cairo: %s",
                        cairo_status_to_string(st));
  return 0;
}

static void C_free(nb_dev *dev) {
  cairo_dev *d = (cairo_dev *)dev;
  if (!d)
    return;
  free(d->pending_tag);
  nb_pdf_tags_free(&d->tags);
  nb_ahead_free(&d->ahead);
  free(d->pngs);
  S_release(d);
  nb_furniture_free(d->furniture); /* the forms' bytes, written by now */
  free(d);
}

int nb_dev_cairo_finish_tags(nb_dev *dev, const char *path, FILE *fp,
                             nb_error *err) {
  int rc;
  if (!dev || dev->close != C_close)
    return 0;
  rc = nb_pdf_tags_apply(path, fp, &((cairo_dev *)dev)->tags, err);
  return rc > 0 ? 0 : rc;
}

int nb_dev_cairo_finish_images(nb_dev *dev, const char *path, FILE *fp,
                               nb_error *err) {
  cairo_dev *d = (cairo_dev *)dev;
  if (!dev || dev->close != C_close || d->npngs == 0)
    return 0;
  if (nb_ahead_deflated(&d->ahead, d->pngs) != 0)
    return 1;
  return nb_pdf_png_apply(path, fp, d->pngs, d->npngs, err);
}

void nb_dev_cairo_set_direct(nb_dev *dev, int on) {
  if (dev && dev->close == C_close)
    ((cairo_dev *)dev)->no_direct = !on;
}

nb_dev *nb_dev_cairo_new(FILE *fp, double width, double height) {
  cairo_dev *d = nb_calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->fp = fp;
  d->surface = cairo_pdf_surface_create_for_stream(S_write, d, width, height);
  if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(d->surface);
    free(d);
    return NULL;
  }
  cairo_pdf_surface_restrict_to_version(d->surface, CAIRO_PDF_VERSION_1_5);
  d->cr = cairo_create(d->surface);
  d->fonts = nb_fontsub_new();
  d->furniture = nb_furniture_new();
  d->img_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  d->no_direct = 1; /* until nb_dev_cairo_set_direct */
  d->base.begin_page = C_begin_page;
  d->base.end_page = C_end_page;
  d->base.draw_line = C_draw_line;
  d->base.draw_artifact = C_draw_artifact;
  d->base.draw_vline = C_draw_vline;
  d->base.draw_vartifact = C_draw_vartifact;
  d->base.proxy = C_proxy;
  d->base.vreach = C_vreach;
  d->base.draw_image = C_draw_image;
  d->base.fill_rect = C_fill_rect;
  d->base.stroke_line = C_stroke_line;
  d->base.link = C_link;
  d->base.add_dest = C_add_dest;
  d->base.begin_tag = C_begin_tag;
  d->base.end_tag = C_end_tag;
  d->base.add_outline = C_add_outline;
  d->base.page_label = C_page_label;
  d->base.set_meta = C_set_meta;
  d->base.note_layout = C_note_layout;
  if (nb_ahead_init(&d->ahead, sysconf(_SC_NPROCESSORS_ONLN) > 1) == 0)
    d->base.note_image = C_note_image;
  d->base.close = C_close;
  d->base.free = C_free;
  return &d->base;
}
