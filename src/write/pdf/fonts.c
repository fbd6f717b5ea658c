/* Fonts for the PDF writer: a fontconfig configuration made of the system
 * one plus the project's snippet (fonts/newsbook-fonts.conf), built once per
 * process, and Pango font maps and contexts set up for print: unhinted,
 * unrounded metrics so that what we measure is what Cairo draws. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include "util/util.h"
#include "write/pdf/justify.h"

static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static FcConfig *S_config;
static int S_snippet_loaded;

static void S_build_config(void) {
  static const char *const dirs[] = {
#ifdef NB_SRCDIR
      NB_SRCDIR "/fonts/newsbook-fonts.conf",
#endif
#ifdef NB_DATADIR
      NB_DATADIR "/fonts/newsbook-fonts.conf",
#endif
      NULL};
  FcConfig *cfg = FcInitLoadConfig();
  size_t i;
  if (!cfg)
    return;
  for (i = 0; dirs[i]; i++)
    if (access(dirs[i], R_OK) == 0 &&
        FcConfigParseAndLoad(cfg, (const FcChar8 *)dirs[i], FcFalse)) {
      S_snippet_loaded = 1;
      break;
    }
  if (!FcConfigBuildFonts(cfg)) {
    FcConfigDestroy(cfg);
    return;
  }
  S_config = cfg;
}

PangoFontMap *nb_pdf_font_map_new(const nb_diag *diag) {
  PangoFontMap *fm;
  pthread_once(&S_once, S_build_config);
  fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  if (!fm)
    return NULL;
  if (S_config)
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), S_config);
  if (!S_snippet_loaded)
    nb_diag_emit(diag, NB_SEV_WARNING, "font", NULL, 0, NULL,
                 "fonts/newsbook-fonts.conf not found: using the system's "
                 "font configuration as it is");
  return fm;
}

PangoContext *nb_pdf_context_new(PangoFontMap *fm, const char *lang) {
  PangoContext *ctx = pango_font_map_create_context(fm);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_cairo_context_set_resolution(ctx, 72);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  pango_context_set_language(ctx,
                             pango_language_from_string(lang ? lang : "zh-cn"));
  return ctx;
}
