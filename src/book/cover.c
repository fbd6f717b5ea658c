/* Generated covers: a book title, the date range of its articles, the first
 * headlines and a lead photo, drawn with Cairo and Pango on a portrait
 * canvas and encoded in memory.
 *
 * Deliberately not here: choosing between a given cover, the lead image and
 * a generated one (the caller's policy), and image decoding (resource.h).
 * Output depends only on the book and the installed fonts: no clock, no
 * randomness, and Cairo's PNG encoder writes no timestamp chunk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "newsbook/book.h"
#include "newsbook/device.h"
#include "newsbook/resource.h"
#include "util/util.h"

/* Canvas and layout, in pixels. 2:3 is what e-book stores ask for; with an
 * e-reader profile the canvas takes the screen's shape instead (3:4 for a
 * Kindle), so the cover fills it. 1600 wide stays sharp on high-density
 * screens. */
enum {
  S_W = 1600,
  S_H = 2400,
  S_MARGIN = 120,
  S_BAND = 28,         /* accent bands at the top and bottom edges */
  S_IMAGE_MAX_H = 900, /* plus what a short title leaves free */
  S_IMAGE_MIN_H = 420, /* below this a photo is a smudge: leave it out */
  S_HEADLINE_STEP = 78,
  S_MAX_HEADLINES = 10,
  S_LEAD_SCAN_DOCS = 32 /* look no further for a photo: covers stay cheap */
};

#define S_SERIF "Noto Serif CJK SC, Noto Serif, DejaVu Serif, serif"
#define S_SANS "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"

typedef struct S_rgb {
  double r, g, b;
} S_rgb;

/* Newsprint white, ink and the vermilion of Chinese mastheads. */
static const S_rgb S_paper = {0.957, 0.937, 0.902};
static const S_rgb S_ink = {0.102, 0.102, 0.110};
static const S_rgb S_grey = {0.36, 0.36, 0.37};
static const S_rgb S_accent = {0.659, 0.196, 0.176};

typedef struct S_canvas {
  int h; /* the canvas height; the width is S_W */
  cairo_t *cr;
  PangoFontMap *fontmap;
  PangoContext *pango;
} S_canvas;

/* ## Text */

/* A copy of @p s with line breaks and tabs as spaces: titles written over
 * several lines in front matter must still wrap as one paragraph. */
static char *S_one_line(const char *s) {
  char *c = nb_strdup(s ? s : ""), *p;
  if (!c)
    return NULL;
  for (p = c; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';
  return c;
}

/* Lay out and draw @p text at (@p x, @p y) in a box @p width wide, at most
 * @p max_lines lines (ellipsised after that; 1 also means no wrapping).
 * Returns the height drawn, in pixels. */
static int S_text(S_canvas *cv, const char *text, const char *family,
                  PangoWeight weight, int px, S_rgb color, int x, int y,
                  int width, int max_lines, double spacing, int tracking) {
  PangoLayout *layout;
  PangoFontDescription *fd;
  PangoAttrList *attrs;
  char *clean = S_one_line(text);
  int w, h;

  if (!clean)
    return 0;
  layout = pango_layout_new(cv->pango);
  fd = pango_font_description_new();
  pango_font_description_set_family(fd, family);
  pango_font_description_set_weight(fd, weight);
  pango_font_description_set_absolute_size(fd, (double)px * PANGO_SCALE);
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(layout, width * PANGO_SCALE);
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height(layout, -max_lines);
  if (spacing > 0)
    pango_layout_set_line_spacing(layout, (float)spacing);
  if (tracking) {
    attrs = pango_attr_list_new();
    pango_attr_list_insert(
        attrs, pango_attr_letter_spacing_new(tracking * PANGO_SCALE));
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);
  }
  pango_layout_set_text(layout, clean, -1);
  free(clean);
  cairo_set_source_rgb(cv->cr, color.r, color.g, color.b);
  cairo_move_to(cv->cr, x, y);
  pango_cairo_show_layout(cv->cr, layout);
  pango_layout_get_pixel_size(layout, &w, &h);
  g_object_unref(layout);
  return h;
}

static void S_rect(cairo_t *cr, S_rgb c, double x, double y, double w,
                   double h) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}

/* ## What the cover says */

/* The day @p d falls on where it was written, as YYYY-MM-DD. */
static void S_day(nb_date d, char buf[32]) {
  time_t t = (time_t)(d.utc + (d.has_tz ? (int64_t)d.tz_minutes * 60 : 0));
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    buf[0] = '\0';
    return;
  }
  snprintf(buf, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday);
}

/* "2022-08-01 – 2022-08-10" (one day: just that day; no dates: ""). */
static void S_date_range(const nb_book *book, char *buf, size_t size) {
  nb_date lo, hi;
  char a[32], b[32];

  buf[0] = '\0';
  if (!nb_book_date_range(book, &lo, &hi))
    return;
  S_day(lo, a);
  S_day(hi, b);
  if (strcmp(a, b) == 0)
    snprintf(buf, size, "%s", a);
  else
    snprintf(buf, size, "%s \xE2\x80\x93 %s", a, b);
}

/* 1 when the book reads as Chinese or Japanese: its language, else its
 * title's script. Decides the labels' language. */
static int S_cjk_book(const nb_book *book, const char *title) {
  const char *lang = nb_book_get_meta(book, "lang");
  const unsigned char *s = (const unsigned char *)title;
  size_t len = strlen(title), i = 0;
  nb_doc *first = nb_book_doc(book, 0);
  if (!lang && first)
    lang = nb_doc_get_meta(first, "lang");
  if (lang && *lang)
    return strncmp(lang, "zh", 2) == 0 || strncmp(lang, "ja", 2) == 0;
  while (i < len) {
    uint32_t cp;
    i += nb_utf8_decode(s + i, len - i, &cp);
    if (nb_is_cjk(cp))
      return 1;
  }
  return 0;
}

static const char *S_book_title(const nb_book *book) {
  const char *t = nb_book_get_meta(book, "title");
  nb_doc *first = nb_book_doc(book, 0);
  if ((!t || !*t) && first)
    t = nb_doc_get_meta(first, "title");
  return t && *t ? t : "newsbook";
}

/* ## The lead photo */

static int S_usable(const nb_resource *r) {
  return r && r->status == NB_RES_OK && r->data && r->size > 0 &&
         (!r->media_type || strcmp(r->media_type, "image/svg+xml") != 0) &&
         (r->width == 0 || (r->width >= 320 && r->height >= 200));
}

/* Decode @p r into an image surface the caller destroys, or NULL. */
static cairo_surface_t *S_decode(const nb_resource *r) {
  nb_pixmap pm;
  nb_error err;
  cairo_surface_t *s;
  cairo_format_t fmt;
  int y, stride;

  memset(&pm, 0, sizeof pm);
  if (nb_image_decode(r->data, r->size, 0, &pm, &err) != 0 || !pm.pixels) {
    nb_pixmap_free(&pm);
    return NULL;
  }
  if (pm.width < 320 || pm.height < 200) {
    nb_pixmap_free(&pm);
    return NULL;
  }
  fmt = pm.has_alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24;
  s = cairo_image_surface_create(fmt, pm.width, pm.height);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    nb_pixmap_free(&pm);
    return NULL;
  }
  /* Copy rather than wrap: the strides may differ, and the surface then
   * owns its pixels outright. */
  cairo_surface_flush(s);
  stride = cairo_image_surface_get_stride(s);
  for (y = 0; y < pm.height; y++)
    memcpy(cairo_image_surface_get_data(s) + (size_t)y * (size_t)stride,
           pm.pixels + (size_t)y * (size_t)pm.stride, (size_t)pm.width * 4);
  cairo_surface_mark_dirty(s);
  nb_pixmap_free(&pm);
  return s;
}

/* The first usable image in @p doc's body, in reading order, or NULL. */
static const nb_resource *S_first_image(nb_doc *doc) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  const nb_resource *found = NULL;
  nb_event ev;
  if (!it)
    return NULL;
  while (!found && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev == NB_EVENT_ENTER && nb_node_get_type(n) == NB_NODE_IMAGE &&
        S_usable(nb_node_get_resource(n)))
      found = nb_node_get_resource(n);
  }
  nb_iter_free(it);
  return found;
}

/* The lead image of the first article that has a decodable one (its
 * headimg, else the first picture in its body). NULL: a cover of type. */
static cairo_surface_t *S_lead_photo(const nb_book *book) {
  nb_resources *set = nb_book_get_resources(book);
  size_t k, n = nb_book_doc_count(book);
  if (n > S_LEAD_SCAN_DOCS)
    n = S_LEAD_SCAN_DOCS;
  for (k = 0; k < n; k++) {
    nb_doc *doc = nb_book_doc(book, k);
    const nb_resource *r = set ? nb_resources_lead(set, doc) : NULL;
    cairo_surface_t *s = NULL;
    if (S_usable(r))
      s = S_decode(r);
    if (!s && (r = S_first_image(doc)) != NULL)
      s = S_decode(r);
    if (s)
      return s;
  }
  return NULL;
}

/* Fill the box with @p img, scaled to cover it and cropped centred. */
static void S_draw_photo(cairo_t *cr, cairo_surface_t *img, double x, double y,
                         double w, double h) {
  double iw = cairo_image_surface_get_width(img);
  double ih = cairo_image_surface_get_height(img);
  double scale = w / iw > h / ih ? w / iw : h / ih;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  cairo_translate(cr, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
}

/* ## Drawing */

/* How many documents have a title to list. */
static size_t S_titled(const nb_book *book, size_t max) {
  size_t k, n = nb_book_doc_count(book), c = 0;
  for (k = 0; k < n && c < max; k++) {
    const char *t = nb_doc_get_meta(nb_book_doc(book, k), "title");
    c += t && *t;
  }
  return c;
}

/* Top down: dates, rule, title, byline. Bottom up: the headlines, anchored
 * to the foot of the page as a magazine's contents strip. The photo, when
 * there is one, fills what is between. */
static void S_draw(S_canvas *cv, const nb_book *book, cairo_surface_t *photo) {
  cairo_t *cr = cv->cr;
  const char *title = S_book_title(book);
  const char *author = nb_book_get_meta(book, "author");
  int cjk = S_cjk_book(book, title);
  int x = S_MARGIN, width = S_W - 2 * S_MARGIN, y, top, hl_y, more;
  size_t k, n = nb_book_doc_count(book), shown = 0, listed;
  char dates[80], line[512];

  S_rect(cr, S_paper, 0, 0, S_W, cv->h);
  S_rect(cr, S_accent, 0, 0, S_W, S_BAND);
  S_rect(cr, S_accent, 0, cv->h - S_BAND, S_W, S_BAND);

  y = photo ? 150 : 220;
  S_date_range(book, dates, sizeof dates);
  if (dates[0])
    y += S_text(cv, dates, S_SANS, PANGO_WEIGHT_BOLD, 40, S_accent, x, y, width,
                1, 0, 4) +
         28;
  S_rect(cr, S_ink, x, y, width, 6);
  y += 6 + 56;

  y += S_text(cv, title, S_SERIF, PANGO_WEIGHT_BOLD,
              strlen(title) > 90 ? 92
              : photo            ? 118
                                 : 136,
              S_ink, x, y, width, photo ? 4 : 5, 1.18, 0);
  y += 40;

  if (n > 1 || (author && *author)) {
    char count[64];
    if (n > 1)
      snprintf(count, sizeof count, cjk ? "共 %zu 篇" : "%zu articles", n);
    else
      count[0] = '\0';
    snprintf(line, sizeof line, "%s%s%s", author && *author ? author : "",
             author && *author && count[0] ? "  ·  " : "", count);
    y += S_text(cv, line, S_SANS, PANGO_WEIGHT_NORMAL, 40, S_grey, x, y, width,
                1, 0, 1) +
         20;
  }
  y += 50;
  top = y;

  /* A single article's cover needs no contents strip. */
  listed = n > 1 ? S_titled(book, photo ? 5 : S_MAX_HEADLINES) : 0;
  more = n > listed && listed > 0;
  hl_y = cv->h - S_BAND - 130 -
         (listed ? 100 + (int)(listed + (size_t)more) * S_HEADLINE_STEP : 0);
  /* Fewer headlines when the title ran long, never into it. */
  while (listed > 1 && hl_y < top + (photo ? S_IMAGE_MIN_H + 60 : 40)) {
    listed--;
    more = 1;
    hl_y += S_HEADLINE_STEP;
  }

  /* The photo keeps its shape, cropped only when taller than the room
   * left; a wide one is not blown up into a crop of its middle. */
  if (photo) {
    int h = hl_y - 60 - top;
    int natural = (int)((double)width * cairo_image_surface_get_height(photo) /
                        cairo_image_surface_get_width(photo));
    if (h > S_IMAGE_MAX_H + 300)
      h = S_IMAGE_MAX_H + 300;
    if (h > natural)
      h = natural;
    if (h >= S_IMAGE_MIN_H / 2)
      S_draw_photo(cr, photo, x, top + (hl_y - 60 - top - h) / 2, width, h);
  }

  if (listed) {
    y = hl_y;
    S_rect(cr, S_ink, x, y, width, 2);
    y += 36;
    S_rect(cr, S_accent, x, y + 10, 12, 34);
    y +=
        S_text(cv, cjk ? "本书要目" : "IN THIS BOOK", S_SANS, PANGO_WEIGHT_BOLD,
               34, S_accent, x + 32, y, width - 32, 1, 0, cjk ? 6 : 3) +
        30;
    for (k = 0; k < n && shown < listed; k++) {
      const char *t = nb_doc_get_meta(nb_book_doc(book, k), "title");
      if (!t || !*t)
        continue;
      S_rect(cr, S_ink, x + 2, y + 27, 10, 10);
      S_text(cv, t, S_SANS, PANGO_WEIGHT_NORMAL, 42, S_ink, x + 32, y,
             width - 32, 1, 0, 0);
      y += S_HEADLINE_STEP;
      shown++;
    }
    if (more) {
      if (cjk)
        snprintf(line, sizeof line, "…… 等 %zu 篇", n);
      else
        snprintf(line, sizeof line, "… and %zu more", n - shown);
      S_text(cv, line, S_SANS, PANGO_WEIGHT_NORMAL, 38, S_grey, x + 32, y,
             width - 32, 1, 0, 0);
    }
  }
}

/* ## Encoding */

static cairo_status_t S_png_sink(void *closure, const unsigned char *data,
                                 unsigned int len) {
  return nb_buf_append(closure, data, len) ? CAIRO_STATUS_SUCCESS
                                           : CAIRO_STATUS_WRITE_ERROR;
}

/* A photo compresses far better as JPEG; type and rules stay crisp enough
 * at quality 90. Falls back to PNG when there is no JPEG encoder. */
static int S_encode(cairo_surface_t *surface, int photo, unsigned char **out,
                    size_t *size, const char **media_type, nb_error *err) {
  nb_buf b = NB_BUF_INIT;
  cairo_surface_flush(surface);
  if (photo) {
    nb_pixmap pm;
    nb_error jerr;
    pm.width = cairo_image_surface_get_width(surface);
    pm.height = cairo_image_surface_get_height(surface);
    pm.stride = cairo_image_surface_get_stride(surface);
    pm.has_alpha = 0;
    pm.pixels = cairo_image_surface_get_data(surface);
    if (nb_image_encode_jpeg(&pm, 90, out, size, &jerr) == 0 && *out) {
      *media_type = "image/jpeg";
      return 0;
    }
  }
  if (cairo_surface_write_to_png_stream(surface, S_png_sink, &b) !=
          CAIRO_STATUS_SUCCESS ||
      b.failed) {
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0,
                        "cover: could not encode the PNG");
  }
  *size = b.len;
  *out = (unsigned char *)nb_buf_detach(&b);
  *media_type = "image/png";
  return 0;
}

/* ## Public */

static int S_render(const nb_book *book, int height, unsigned char **out,
                    size_t *size, const char **media_type, nb_error *err) {
  cairo_surface_t *surface = NULL, *photo = NULL;
  cairo_font_options_t *fo = NULL;
  S_canvas cv;
  int rc;

  *out = NULL;
  *size = 0;
  *media_type = NULL;
  memset(&cv, 0, sizeof cv);
  cv.h = height;
  if (!book)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "cover: no book");
  surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, S_W, cv.h);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                      "cover: out of memory for a %dx%d canvas", S_W, cv.h);
    goto cleanup;
  }
  cv.cr = cairo_create(surface);
  /* A private font map: no state shared with other threads' layouts, and
   * everything is released when the cover is done. */
  cv.fontmap = pango_cairo_font_map_new();
  cv.pango = pango_font_map_create_context(cv.fontmap);
  /* Unhinted outlines: the same glyph shapes whatever the host's
   * fontconfig hinting defaults say. */
  fo = cairo_font_options_create();
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(cv.pango, fo);
  pango_cairo_update_context(cv.cr, cv.pango);

  photo = S_lead_photo(book);
  S_draw(&cv, book, photo);
  if (cairo_status(cv.cr) != CAIRO_STATUS_SUCCESS) {
    rc = nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "cover: drawing failed: %s",
                      cairo_status_to_string(cairo_status(cv.cr)));
    goto cleanup;
  }
  rc = S_encode(surface, photo != NULL, out, size, media_type, err);

cleanup:
  if (fo)
    cairo_font_options_destroy(fo);
  if (cv.pango)
    g_object_unref(cv.pango);
  if (cv.fontmap)
    g_object_unref(cv.fontmap);
  if (cv.cr)
    cairo_destroy(cv.cr);
  if (photo)
    cairo_surface_destroy(photo);
  cairo_surface_destroy(surface);
  return rc;
}

int nb_book_render_cover(const nb_book *book, unsigned char **out, size_t *size,
                         const char **media_type, nb_error *err) {
  return S_render(book, S_H, out, size, media_type, err);
}

static int S_generate(nb_book *book, int height, nb_error *err) {
  nb_resources *set = book ? nb_book_get_resources(book) : NULL;
  const nb_resource *r;
  const char *type;
  unsigned char *data;
  size_t size;
  int rc;

  if (!set)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "cover: the book has no resource set to keep the "
                        "cover in — call nb_book_set_resources first");
  rc = S_render(book, height, &data, &size, &type, err);
  if (rc != 0)
    return rc;
  r = nb_resources_add_bytes(
      set, type && strcmp(type, "image/jpeg") == 0 ? "cover.jpg" : "cover.png",
      data, size);
  free(data);
  if (!r || r->status != NB_RES_OK)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0,
                        "cover: the resource set did not take the generated "
                        "cover (%s)",
                        r && r->reason ? r->reason : "out of memory");
  nb_book_set_cover(book, r);
  return 0;
}

int nb_book_generate_cover(nb_book *book, nb_error *err) {
  return S_generate(book, S_H, err);
}

int nb_book_generate_cover_for(nb_book *book, const nb_device *device,
                               nb_error *err) {
  int h = S_H;
  if (device && device->width > 0 && device->height > 0) {
    /* the screen's shape, within sane bounds (square to 1:2) */
    h = (int)(((int64_t)S_W * device->height + device->width / 2) /
              device->width);
    if (h < S_W)
      h = S_W;
    if (h > 2 * S_W)
      h = 2 * S_W;
  }
  return S_generate(book, h, err);
}
