/* CSS values: lengths and units, page sizes, colours, box shorthands,
 * borders, fonts, and one declaration applied to a computed style. Every
 * parser here returns "not understood" rather than guessing, so a bad value
 * leaves the inherited or initial one in place. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "style/css.h"
#include "util/util.h"

static void S_lower(char *s) {
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z')
      *s = (char)(*s - 'A' + 'a');
}

/* ## Values */

int nb_css_length(const char *s, double em, double *pt) {
  char *end;
  double v;
  while (*s == ' ')
    s++;
  v = strtod(s, &end);
  if (end == s || v != v || v > 1e6 || v < -1e6)
    return 0;
  if (*end == '\0' || *end == ' ') {
    if (v != 0)
      return 0; /* unitless non-zero: not a length */
    *pt = 0;
    return 1;
  }
  if (strncmp(end, "pt", 2) == 0)
    *pt = v;
  else if (strncmp(end, "px", 2) == 0)
    *pt = v * 0.75;
  else if (strncmp(end, "rem", 3) == 0)
    *pt = v * 10.5;
  else if (strncmp(end, "em", 2) == 0)
    *pt = v * em;
  else if (strncmp(end, "ex", 2) == 0)
    *pt = v * em * 0.5;
  else if (strncmp(end, "mm", 2) == 0)
    *pt = v * 72 / 25.4;
  else if (strncmp(end, "cm", 2) == 0)
    *pt = v * 72 / 2.54;
  else if (strncmp(end, "in", 2) == 0)
    *pt = v * 72;
  else if (strncmp(end, "pc", 2) == 0)
    *pt = v * 12;
  else if (*end == 'q' || *end == 'Q')
    *pt = v * 72 / 101.6;
  else
    return 0;
  return 1;
}

int nb_css_page_size(const char *s, double *width, double *height) {
  char buf[128], *p, *tok, *save = NULL;
  double w = 0, h = 0, a, b;
  int landscape = 0;
  if (strlen(s) >= sizeof buf)
    return 0;
  strcpy(buf, s);
  S_lower(buf);
  for (tok = strtok_r(buf, " \t", &save); tok;
       tok = strtok_r(NULL, " \t", &save)) {
    if (strcmp(tok, "landscape") == 0) {
      landscape = 1;
    } else if (strcmp(tok, "portrait") == 0 || strcmp(tok, "auto") == 0) {
      continue;
    } else if (strcmp(tok, "a4") == 0) {
      w = 210, h = 297;
      w *= 72 / 25.4, h *= 72 / 25.4;
    } else if (strcmp(tok, "a5") == 0) {
      w = 148 * 72 / 25.4, h = 210 * 72 / 25.4;
    } else if (strcmp(tok, "a3") == 0) {
      w = 297 * 72 / 25.4, h = 420 * 72 / 25.4;
    } else if (strcmp(tok, "b5") == 0) {
      w = 176 * 72 / 25.4, h = 250 * 72 / 25.4;
    } else if (strcmp(tok, "letter") == 0) {
      w = 612, h = 792;
    } else if (strcmp(tok, "legal") == 0) {
      w = 612, h = 1008;
    } else if ((p = strchr(tok, 'x')) != NULL && p > tok) {
      /* "148x210mm" or "148mmx210mm" */
      char *end;
      const char *unit;
      double u = 72 / 25.4;
      a = strtod(tok, &end);
      if (end == tok)
        return 0;
      b = strtod(p + 1, &end);
      if (end == p + 1)
        return 0;
      unit = end;
      if (strcmp(unit, "in") == 0)
        u = 72;
      else if (strcmp(unit, "cm") == 0)
        u = 72 / 2.54;
      else if (strcmp(unit, "pt") == 0)
        u = 1;
      else if (strcmp(unit, "mm") != 0 && *unit)
        return 0;
      w = a * u, h = b * u;
    } else if (nb_css_length(tok, 12, &a)) {
      if (w == 0)
        w = a, h = a;
      else
        h = a;
    } else {
      return 0;
    }
  }
  if (!(w >= 72 && h >= 72 && w <= 14400 && h <= 14400))
    return 0;
  if (landscape && w < h) {
    a = w;
    w = h;
    h = a;
  }
  *width = w;
  *height = h;
  return 1;
}

/* Split @p s on blanks outside parentheses into at most @p max tokens. */
static int S_split(char *s, char **tok, int max) {
  int n = 0, depth = 0;
  char *p = s;
  while (*p && n < max) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      *p++ = '\0';
    if (!*p)
      break;
    tok[n++] = p;
    while (*p && (depth > 0 ||
                  !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))) {
      if (*p == '(')
        depth++;
      else if (*p == ')' && depth > 0)
        depth--;
      p++;
    }
  }
  return n;
}

int nb_css_margins(const char *s, double em, double out[4]) {
  char buf[256];
  char *tok[4];
  double v[4] = {0, 0, 0, 0};
  int n, i;
  if (strlen(s) >= sizeof buf)
    return 0;
  strcpy(buf, s);
  n = S_split(buf, tok, 4);
  if (n == 0)
    return 0;
  for (i = 0; i < n; i++)
    if (!nb_css_length(tok[i], em, &v[i]))
      return 0;
  out[0] = v[0];
  out[1] = n > 1 ? v[1] : v[0];
  out[2] = n > 2 ? v[2] : v[0];
  out[3] = n > 3 ? v[3] : out[1];
  return 1;
}

static const struct {
  const char *name;
  uint32_t rgb;
} S_colors[] = {
    {"black", 0x000000},     {"white", 0xffffff},     {"gray", 0x808080},
    {"grey", 0x808080},      {"silver", 0xc0c0c0},    {"red", 0xff0000},
    {"maroon", 0x800000},    {"green", 0x008000},     {"lime", 0x00ff00},
    {"blue", 0x0000ff},      {"navy", 0x000080},      {"teal", 0x008080},
    {"purple", 0x800080},    {"orange", 0xffa500},    {"yellow", 0xffff00},
    {"olive", 0x808000},     {"aqua", 0x00ffff},      {"fuchsia", 0xff00ff},
    {"darkgray", 0xa9a9a9},  {"lightgray", 0xd3d3d3}, {"whitesmoke", 0xf5f5f5},
    {"gainsboro", 0xdcdcdc},
};

/* 1 with *rgb set, 0 for "transparent" (or rgba with alpha 0), -1 when
 * not a colour. */
static int S_color(const char *s, uint32_t *rgb) {
  size_t i, n = strlen(s);
  if (s[0] == '#') {
    int d[6];
    for (i = 1; i < n; i++)
      if (nb_hex_value((unsigned char)s[i]) < 0)
        return -1;
    if (n == 4 || n == 5) {
      for (i = 0; i < 3; i++)
        d[i] = nb_hex_value((unsigned char)s[1 + i]);
      *rgb = (uint32_t)((d[0] * 17) << 16 | (d[1] * 17) << 8 | d[2] * 17);
      return 1;
    }
    if (n == 7 || n == 9) {
      for (i = 0; i < 6; i++)
        d[i] = nb_hex_value((unsigned char)s[1 + i]);
      *rgb = (uint32_t)((d[0] << 20) | (d[1] << 16) | (d[2] << 12) |
                        (d[3] << 8) | (d[4] << 4) | d[5]);
      return 1;
    }
    return -1;
  }
  if (strncmp(s, "rgb", 3) == 0) {
    const char *p = strchr(s, '(');
    double c[4] = {0, 0, 0, 1};
    int k;
    if (!p)
      return -1;
    p++;
    for (k = 0; k < 4; k++) {
      char *end;
      while (*p == ' ' || *p == ',' || *p == '/')
        p++;
      c[k] = strtod(p, &end);
      if (end == p)
        break;
      if (*end == '%') {
        c[k] = k < 3 ? c[k] * 2.55 : c[k] / 100;
        end++;
      }
      p = end;
    }
    if (k < 3)
      return -1;
    if (k == 4 && c[3] <= 0)
      return 0;
    for (k = 0; k < 3; k++)
      c[k] = c[k] < 0 ? 0 : c[k] > 255 ? 255 : c[k];
    *rgb =
        (uint32_t)((uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | (uint32_t)c[2]);
    return 1;
  }
  if (strcmp(s, "transparent") == 0)
    return 0;
  for (i = 0; i < sizeof S_colors / sizeof S_colors[0]; i++)
    if (strcmp(s, S_colors[i].name) == 0) {
      *rgb = S_colors[i].rgb;
      return 1;
    }
  return -1;
}

static int S_side(const char *suffix) {
  if (strcmp(suffix, "top") == 0)
    return NB_TOP;
  if (strcmp(suffix, "right") == 0)
    return NB_RIGHT;
  if (strcmp(suffix, "bottom") == 0)
    return NB_BOTTOM;
  if (strcmp(suffix, "left") == 0)
    return NB_LEFT;
  return -1;
}

/* margin / padding with 1-4 values; percentages allowed for margins. */
static void S_box(const char *value, double em, double *len, double *pct,
                  int only) {
  char buf[256];
  char *tok[4];
  double v[4] = {0, 0, 0, 0}, p[4] = {0, 0, 0, 0};
  int n, i, map[4];
  if (strlen(value) >= sizeof buf)
    return;
  strcpy(buf, value);
  n = S_split(buf, tok, 4);
  if (n == 0)
    return;
  for (i = 0; i < n; i++) {
    size_t l = strlen(tok[i]);
    if (strcmp(tok[i], "auto") == 0) {
      v[i] = 0;
    } else if (l > 1 && tok[i][l - 1] == '%' && pct) {
      p[i] = strtod(tok[i], NULL) / 100;
      if (!(p[i] >= 0 && p[i] <= 0.5))
        p[i] = 0;
    } else if (!nb_css_length(tok[i], em, &v[i])) {
      return;
    }
  }
  map[0] = 0;
  map[1] = n > 1 ? 1 : 0;
  map[2] = n > 2 ? 2 : 0;
  map[3] = n > 3 ? 3 : map[1];
  for (i = 0; i < 4; i++) {
    if (only >= 0 && i != only)
      continue;
    len[i] = only >= 0 ? v[0] : v[map[i]];
    if (pct)
      pct[i] = only >= 0 ? p[0] : p[map[i]];
  }
}

static void S_border(nb_style *s, const char *value, int only) {
  char buf[256];
  char *tok[6];
  int n, i, k;
  double w = 1;
  nb_border_style st = NB_BORDER_NONE;
  uint32_t col = s->color;
  if (strlen(value) >= sizeof buf)
    return;
  strcpy(buf, value);
  S_lower(buf);
  n = S_split(buf, tok, 6);
  for (i = 0; i < n; i++) {
    uint32_t c;
    double l;
    if (strcmp(tok[i], "none") == 0 || strcmp(tok[i], "hidden") == 0)
      st = NB_BORDER_NONE;
    else if (strcmp(tok[i], "solid") == 0 || strcmp(tok[i], "double") == 0 ||
             strcmp(tok[i], "groove") == 0 || strcmp(tok[i], "ridge") == 0)
      st = NB_BORDER_SOLID;
    else if (strcmp(tok[i], "dashed") == 0)
      st = NB_BORDER_DASHED;
    else if (strcmp(tok[i], "dotted") == 0)
      st = NB_BORDER_DOTTED;
    else if (strcmp(tok[i], "thin") == 0)
      w = 0.75;
    else if (strcmp(tok[i], "medium") == 0)
      w = 2.25;
    else if (strcmp(tok[i], "thick") == 0)
      w = 3.75;
    else if (nb_css_length(tok[i], s->font_size, &l))
      w = l < 0 ? 0 : l > 72 ? 72 : l;
    else if (S_color(tok[i], &c) > 0)
      col = c;
  }
  for (k = 0; k < 4; k++) {
    if (only >= 0 && k != only)
      continue;
    s->border_style[k] = st;
    s->border_width[k] = st == NB_BORDER_NONE ? 0 : w;
    s->border_color[k] = col;
  }
}

static nb_break S_break(const char *v) {
  if (strcmp(v, "always") == 0 || strcmp(v, "page") == 0 ||
      strcmp(v, "left") == 0 || strcmp(v, "right") == 0 ||
      strcmp(v, "recto") == 0 || strcmp(v, "verso") == 0)
    return NB_BREAK_ALWAYS;
  if (strncmp(v, "avoid", 5) == 0)
    return NB_BREAK_AVOID;
  return NB_BREAK_AUTO;
}

static void S_font_family(nb_style *s, const char *value) {
  nb_buf b = NB_BUF_INIT;
  const char *p = value;
  while (*p) {
    const char *start;
    size_t n;
    while (*p == ' ' || *p == ',' || *p == '\t')
      p++;
    if (!*p)
      break;
    if (*p == '"' || *p == '\'') {
      char q = *p++;
      start = p;
      while (*p && *p != q)
        p++;
      n = (size_t)(p - start);
      if (*p)
        p++;
    } else {
      start = p;
      while (*p && *p != ',')
        p++;
      n = (size_t)(p - start);
      while (n > 0 && isspace((unsigned char)start[n - 1]))
        n--;
    }
    if (n == 0 || memchr(start, ';', n) || memchr(start, '"', n))
      continue;
    if (b.len)
      nb_buf_putc(&b, ',');
    nb_buf_append(&b, start, n);
  }
  if (!b.failed && b.len > 0 && b.len < sizeof s->font_family)
    memcpy(s->font_family, b.data, b.len + 1);
  nb_buf_free(&b);
}

static void S_font_size(nb_style *s, const char *v, double parent) {
  double pt;
  size_t n = strlen(v);
  static const struct {
    const char *k;
    double f;
  } kw[] = {{"xx-small", 0.6}, {"x-small", 0.75},  {"small", 0.89},
            {"medium", 1.0},   {"large", 1.2},     {"x-large", 1.5},
            {"xx-large", 2.0}, {"smaller", -0.83}, {"larger", -1.2}};
  size_t i;
  for (i = 0; i < sizeof kw / sizeof kw[0]; i++)
    if (strcmp(v, kw[i].k) == 0) {
      pt = kw[i].f < 0 ? parent * -kw[i].f : s->root_font_size * kw[i].f;
      goto set;
    }
  if (n > 1 && v[n - 1] == '%')
    pt = strtod(v, NULL) / 100 * parent;
  else if (!nb_css_length(v, parent, &pt))
    return;
set:
  if (pt >= 1 && pt <= 400)
    s->font_size = pt;
}

/* Apply one declaration to @p s. @p parent_size is what em means for
 * font-size; for every other property em is the element's own size. */
void nb_css_apply(nb_style *s, const char *prop, const char *value_in,
                  double parent_size) {
  char v[512];
  double pt;
  uint32_t rgb;
  int k;
  if (strlen(value_in) >= sizeof v)
    return;
  strcpy(v, value_in);
  if (strcmp(prop, "font-family") == 0) {
    S_font_family(s, v);
    return;
  }
  S_lower(v);
  if (strcmp(prop, "font-size") == 0) {
    S_font_size(s, v, parent_size);
  } else if (strcmp(prop, "font-weight") == 0) {
    if (strcmp(v, "bold") == 0 || strcmp(v, "bolder") == 0)
      s->bold = 1;
    else if (strcmp(v, "normal") == 0 || strcmp(v, "lighter") == 0)
      s->bold = 0;
    else if (v[0] >= '1' && v[0] <= '9')
      s->bold = atoi(v) >= 600;
  } else if (strcmp(prop, "font-style") == 0) {
    s->italic = strcmp(v, "italic") == 0 || strncmp(v, "oblique", 7) == 0;
  } else if (strcmp(prop, "font") == 0) {
    /* too rich to parse in full; the weight and style words are enough */
    if (strstr(v, "bold"))
      s->bold = 1;
    if (strstr(v, "italic"))
      s->italic = 1;
  } else if (strcmp(prop, "line-height") == 0) {
    char *end;
    double f = strtod(v, &end);
    size_t n = strlen(v);
    if (strcmp(v, "normal") == 0)
      s->line_height = 1.2;
    else if (end != v && *end == '\0' && f > 0)
      s->line_height = f;
    else if (n > 1 && v[n - 1] == '%' && f > 0)
      s->line_height = f / 100;
    else if (nb_css_length(v, s->font_size, &pt) && pt > 0)
      s->line_height = pt / s->font_size;
    if (s->line_height < 0.5)
      s->line_height = 0.5;
    if (s->line_height > 5)
      s->line_height = 5;
  } else if (strcmp(prop, "text-indent") == 0) {
    size_t n = strlen(v);
    if (n > 1 && v[n - 1] == '%')
      s->text_indent = 0;
    else if (nb_css_length(v, s->font_size, &pt) && pt > -200 && pt < 200)
      s->text_indent = pt;
  } else if (strcmp(prop, "text-align") == 0) {
    if (strcmp(v, "left") == 0 || strcmp(v, "start") == 0)
      s->text_align = NB_TA_LEFT;
    else if (strcmp(v, "right") == 0 || strcmp(v, "end") == 0)
      s->text_align = NB_TA_RIGHT;
    else if (strcmp(v, "center") == 0)
      s->text_align = NB_TA_CENTER;
    else if (strcmp(v, "justify") == 0)
      s->text_align = NB_TA_JUSTIFY;
  } else if (strcmp(prop, "color") == 0) {
    if (S_color(v, &rgb) > 0)
      s->color = rgb;
  } else if (strcmp(prop, "background-color") == 0 ||
             strcmp(prop, "background") == 0) {
    char *tok[8];
    int n = S_split(v, tok, 8), i, r;
    for (i = 0; i < n; i++) {
      r = S_color(tok[i], &rgb);
      if (r > 0) {
        s->has_background = 1;
        s->background = rgb;
      } else if (r == 0 || strcmp(tok[i], "none") == 0) {
        s->has_background = 0;
      }
    }
  } else if (strcmp(prop, "margin") == 0) {
    S_box(v, s->font_size, s->margin, s->margin_pct, -1);
  } else if (strncmp(prop, "margin-", 7) == 0 && (k = S_side(prop + 7)) >= 0) {
    S_box(v, s->font_size, s->margin, s->margin_pct, k);
  } else if (strcmp(prop, "padding") == 0) {
    S_box(v, s->font_size, s->padding, NULL, -1);
  } else if (strncmp(prop, "padding-", 8) == 0 && (k = S_side(prop + 8)) >= 0) {
    S_box(v, s->font_size, s->padding, NULL, k);
  } else if (strcmp(prop, "border") == 0) {
    S_border(s, v, -1);
  } else if (strncmp(prop, "border-", 7) == 0 && (k = S_side(prop + 7)) >= 0) {
    S_border(s, v, k);
  } else if (strcmp(prop, "page-break-before") == 0 ||
             strcmp(prop, "break-before") == 0) {
    s->break_before = S_break(v);
  } else if (strcmp(prop, "page-break-after") == 0 ||
             strcmp(prop, "break-after") == 0) {
    s->break_after = S_break(v);
  } else if (strcmp(prop, "page-break-inside") == 0 ||
             strcmp(prop, "break-inside") == 0) {
    s->break_inside = S_break(v);
  } else if (strcmp(prop, "widows") == 0) {
    int n = atoi(v);
    if (n >= 1 && n <= 10)
      s->widows = n;
  } else if (strcmp(prop, "orphans") == 0) {
    int n = atoi(v);
    if (n >= 1 && n <= 10)
      s->orphans = n;
  } else if (strcmp(prop, "text-decoration") == 0 ||
             strcmp(prop, "text-decoration-line") == 0) {
    s->underline = strstr(v, "underline") != NULL;
    s->strike = strstr(v, "line-through") != NULL;
  } else if (strcmp(prop, "hyphens") == 0) {
    if (strcmp(v, "auto") == 0)
      s->hyphens = 1;
    else if (strcmp(v, "manual") == 0 || strcmp(v, "none") == 0)
      s->hyphens = 0;
  } else if (strcmp(prop, "text-autospace") == 0) {
    /* CSS Text 4: "no-autospace" turns the CJK-Latin space off; any
     * other value asks for it at the theme's width */
    if (strcmp(v, "no-autospace") == 0)
      s->cjk_latin_space = 0;
    else if (s->cjk_latin_space <= 0)
      s->cjk_latin_space = 0.25;
  } else if (strcmp(prop, "-newsbook-cjk-latin-space") == 0) {
    /* a length in em of the font (or points, turned into em); a vendor
     * property, not a custom one (--x): Kindle and Kobo refuse custom
     * properties, and the EPUB writer strips them */
    if (nb_css_length(v, s->font_size, &pt) && pt >= 0 && pt <= s->font_size)
      s->cjk_latin_space = pt / s->font_size;
  } else if (strcmp(prop, "white-space") == 0) {
    s->pre = strncmp(v, "pre", 3) == 0 || strcmp(v, "break-spaces") == 0;
  } else if (strcmp(prop, "writing-mode") == 0 ||
             strcmp(prop, "-epub-writing-mode") == 0 ||
             strcmp(prop, "-webkit-writing-mode") == 0) {
    /* vertical-rl, vertical-lr, and the SVG 1.1 / IE names tb-rl, tb */
    s->vertical = strncmp(v, "vertical", 8) == 0 || strncmp(v, "tb", 2) == 0;
  }
}

void nb_style_init(nb_style *s) {
  memset(s, 0, sizeof *s);
  strcpy(s->font_family, "serif");
  s->font_size = 12;
  s->root_font_size = 12;
  s->line_height = 1.2;
  s->text_align = NB_TA_LEFT;
  s->color = 0x000000;
  s->widows = 2;
  s->orphans = 2;
  s->cjk_latin_space = 0.25;
}
