/* Justification and kinsoku for CJK and mixed CJK/Latin lines.
 *
 * Pango 1.50 justifies by widening spaces, which leaves lines of Chinese
 * (that have no spaces) ragged and puts huge gaps in mixed lines with one
 * or two spaces. We lay lines out unjustified and then widen the glyph
 * advances ourselves, the way Pango's own cluster justification does, but
 * with weights: gaps next to CJK characters and spaces stretch, gaps inside
 * a Latin word only when the line has nothing else (a long URL). The extra
 * goes into the advance of the last glyph of each cluster, so Cairo draws
 * and extracts the text exactly as before, just spaced out. */
#include "write/pdf/justify.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const uint32_t S_no_start[] = {
    0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff1f, 0xff01, 0xff09, 0xff3d,
    0xff5d, 0x3015, 0x3009, 0x300b, 0x300d, 0x300f, 0x3011, 0x3019, 0x3017,
    0x301f, 0x2019, 0x201d, 0xff60, 0x00bb, 0x309d, 0x309e, 0x30fc, 0x30a1,
    0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30c3, 0x30e3, 0x30e5, 0x30e7, 0x30ee,
    0x30f5, 0x30f6, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083,
    0x3085, 0x3087, 0x308e, 0x3095, 0x3096, 0x3005, 0x303b, 0x2010, 0x30a0,
    0x2013, 0x301c, 0x003f, 0x0021, 0x203c, 0x2047, 0x2048, 0x2049, 0x30fb,
    0x003a, 0x003b, 0x002c, 0x002e, 0x0029, 0x005d, 0x007d, 0x0025, 0x2103,
    0xff0e, 0x2026, 0x2025, 0xff05, 0x00b7, 0xff64, 0xff61};

static const uint32_t S_no_end[] = {
    0xff08, 0xff3b, 0xff5b, 0x3014, 0x3008, 0x300a, 0x300c, 0x300e, 0x3010,
    0x3018, 0x3016, 0x301d, 0x2018, 0x201c, 0xff5f, 0x00ab, 0x0028, 0x005b,
    0x007b};

int nb_kinsoku_no_start(uint32_t cp) {
  size_t i;
  if (cp >= 0x31f0 && cp <= 0x31ff) /* small katakana extensions */
    return 1;
  for (i = 0; i < sizeof S_no_start / sizeof S_no_start[0]; i++)
    if (S_no_start[i] == cp)
      return 1;
  return 0;
}

int nb_kinsoku_no_end(uint32_t cp) {
  size_t i;
  for (i = 0; i < sizeof S_no_end / sizeof S_no_end[0]; i++)
    if (S_no_end[i] == cp)
      return 1;
  return 0;
}

static int S_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 ||
         c == 0x2028 || c == 0x2029 || c == 0x00a0 || c == 0x200b ||
         c == 0x2060;
}

/* The code point ending just before byte @p at of @p text. */
static uint32_t S_prev_cp(const char *text, size_t at) {
  size_t s = at;
  uint32_t cp = 0;
  if (at == 0)
    return 0;
  s--;
  while (s > 0 && ((unsigned char)text[s] & 0xc0) == 0x80)
    s--;
  nb_utf8_decode((const unsigned char *)text + s, at - s, &cp);
  return cp;
}

/* Full-width punctuation with blank space on its right: closing brackets
 * and quotes, comma, full stop, colon, semicolon, question and exclamation
 * marks. Where a font centres some of these (Traditional Chinese), its
 * 'halt' forms trim both sides instead: the font knows. */
static int S_punct_closing(uint32_t c) {
  switch (c) {
  case 0x3001: case 0x3002: case 0xff0c: case 0xff0e: case 0xff09:
  case 0xff3d: case 0xff5d: case 0x3009: case 0x300b: case 0x300d:
  case 0x300f: case 0x3011: case 0x3015: case 0x3017: case 0x3019:
  case 0x201d: case 0x2019: case 0xff1a: case 0xff1b: case 0xff1f:
  case 0xff01:
    return 1;
  default:
    return 0;
  }
}

/* Full-width opening brackets and quotes: blank half on the left. */
static int S_punct_opening(uint32_t c) {
  switch (c) {
  case 0xff08: case 0xff3b: case 0xff5b: case 0x3008: case 0x300a:
  case 0x300c: case 0x300e: case 0x3010: case 0x3014: case 0x3016:
  case 0x3018: case 0x201c: case 0x2018:
    return 1;
  default:
    return 0;
  }
}

typedef struct S_span {
  size_t start, end;
} S_span;

static void S_halt(PangoAttrList *attrs, size_t start, size_t end) {
  PangoAttribute *a = pango_attr_font_features_new("halt");
  a->start_index = (guint)start;
  a->end_index = (guint)end;
  pango_attr_list_insert(attrs, a);
}

/* 1 when bytes [@p from, @p to) lie in one run of @p attrs: marks of
 * different attributes (a superscript note after a full stop) are not set
 * as a pair. @p it walks forward over calls; made on first use. */
static int S_one_run(PangoAttrIterator **it, PangoAttrList *attrs,
                     size_t from, size_t to) {
  int s0 = 0, e0 = 0;
  if (!*it)
    *it = pango_attr_list_get_iterator(attrs);
  pango_attr_iterator_range(*it, &s0, &e0);
  while ((size_t)e0 <= to && pango_attr_iterator_next(*it))
    pango_attr_iterator_range(*it, &s0, &e0);
  return (size_t)s0 <= from;
}

int nb_punct_compress(const char *text, size_t len, PangoAttrList *attrs) {
  PangoAttrIterator *it = NULL;
  GArray *marks = NULL;
  size_t i = 0, pstart = 0;
  int n = 0;
  uint32_t prev = 0;
  while (i < len) {
    uint32_t c = 0;
    size_t k = nb_utf8_decode((const unsigned char *)text + i, len - i, &c);
    S_span m = {0, 0};
    if (k == 0)
      k = 1;
    /* a closing mark before any mark loses its right blank; an opening
     * mark after an opening mark loses its left one */
    if (S_punct_closing(prev) && (S_punct_closing(c) || S_punct_opening(c))) {
      m.start = pstart;
      m.end = i;
    } else if (S_punct_opening(prev) && S_punct_opening(c)) {
      m.start = i;
      m.end = i + k;
    }
    if (m.end > m.start && S_one_run(&it, attrs, pstart, i)) {
      /* inserted once the walk is over: insertion moves the iterator */
      if (!marks)
        marks = g_array_new(FALSE, FALSE, sizeof(S_span));
      g_array_append_val(marks, m);
    }
    prev = c;
    pstart = i;
    i += k;
  }
  if (it)
    pango_attr_iterator_destroy(it);
  if (!marks)
    return 0;
  for (i = 0; i < marks->len; i++) {
    S_span *m = &g_array_index(marks, S_span, i);
    S_halt(attrs, m->start, m->end);
  }
  n = (int)marks->len;
  g_array_free(marks, TRUE);
  return n;
}

int nb_kinsoku_find_violation(PangoLayout *layout) {
  const char *text = pango_layout_get_text(layout);
  size_t len = strlen(text);
  GSList *l = pango_layout_get_lines_readonly(layout);
  int first = 1;
  for (; l; l = l->next) {
    PangoLayoutLine *line = l->data;
    size_t at = (size_t)line->start_index;
    uint32_t cur = 0, prev;
    if (first || line->is_paragraph_start || at == 0 || at >= len) {
      first = 0;
      continue;
    }
    nb_utf8_decode((const unsigned char *)text + at, len - at, &cur);
    prev = S_prev_cp(text, at);
    if (cur == 0x2060)
      continue;
    {
      /* A line ending in a hyphen-minus after a word ("Syn- dyne",
       * "e-mail"): text extractors take it for a hyphenation and drop the
       * hyphen, so keep the hyphen's line going. */
      size_t e = at;
      uint32_t c = prev;
      while (e > 0 && S_space(c) && c != 0x2028 && c != '\n') {
        e -= c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        c = S_prev_cp(text, e);
      }
      if (c == '-' && e >= 2 && !S_space(S_prev_cp(text, e - 1)) &&
          S_prev_cp(text, e - 1) != '-')
        return (int)at;
    }
    if (S_space(prev) || S_space(cur) || prev == 0x2060)
      continue;
    if (nb_kinsoku_no_start(cur) || nb_kinsoku_no_end(prev))
      return (int)at;
  }
  return -1;
}

int nb_line_is_last(PangoLayout *layout, int line_no, int nlines) {
  PangoLayoutLine *next;
  const char *text;
  size_t end;
  uint32_t cp;
  if (line_no >= nlines - 1)
    return 1;
  next = pango_layout_get_line_readonly(layout, line_no + 1);
  if (!next || next->is_paragraph_start)
    return 1;
  text = pango_layout_get_text(layout);
  end = (size_t)next->start_index;
  cp = S_prev_cp(text, end);
  return cp == 0x2028 || cp == '\n';
}

typedef struct cluster {
  PangoGlyphString *gs;
  int last_glyph; /* glyph index whose advance takes the extra */
  int width;      /* pango units */
  uint32_t first_cp, last_cp;
} cluster;

static int S_cjkish(uint32_t c) {
  return nb_is_cjk(c) || (c >= 0x2000 && c <= 0x206f) /* general punct. */;
}

int nb_justify_line(PangoLayoutLine *line, double width, double max_ratio) {
  const char *text = pango_layout_get_text(line->layout);
  size_t tlen = strlen(text);
  cluster stack_cl[256], *cl = stack_cl;
  size_t ncl = 0, cap = 256, k, last = 0;
  GSList *l;
  long natural = 0, target, shortfall;
  double total_w = 0, acc = 0;
  int found = 0, changed = 0, any_weight = 0;
  for (l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    PangoGlyphString *gs = run->glyphs;
    int i;
    if (run->item->analysis.level % 2)
      goto done; /* right-to-left text: leave it to Pango */
    for (i = 0; i < gs->num_glyphs; i++) {
      size_t idx = (size_t)(run->item->offset + gs->log_clusters[i]);
      uint32_t cp = ' ';
      int new_cluster = i == 0 || gs->log_clusters[i] != gs->log_clusters[i - 1];
      if (idx < tlen)
        nb_utf8_decode((const unsigned char *)text + idx, tlen - idx, &cp);
      if (new_cluster) {
        if (ncl == cap) {
          cluster *n;
          cap *= 2;
          if (cl == stack_cl) {
            n = nb_reallocarray(NULL, cap, sizeof *n);
            if (n)
              memcpy(n, stack_cl, sizeof stack_cl);
          } else {
            n = nb_reallocarray(cl, cap, sizeof *n);
          }
          if (!n)
            goto done;
          cl = n;
        }
        cl[ncl].gs = gs;
        cl[ncl].width = 0;
        cl[ncl].first_cp = cp;
        ncl++;
      }
      cl[ncl - 1].last_glyph = i;
      cl[ncl - 1].width += gs->glyphs[i].geometry.width;
      /* the cluster's last character: the one before the next cluster */
      {
        size_t e = (size_t)run->item->offset +
                   (size_t)(i + 1 < gs->num_glyphs &&
                                    gs->log_clusters[i + 1] != gs->log_clusters[i]
                                ? gs->log_clusters[i + 1]
                                : (i + 1 < gs->num_glyphs ? gs->log_clusters[i]
                                                          : run->item->length));
        if (e > tlen)
          e = tlen;
        cl[ncl - 1].last_cp = S_prev_cp(text, e);
      }
    }
  }
  for (k = 0; k < ncl; k++)
    if (!S_space(cl[k].first_cp)) {
      last = k;
      found = 1;
    }
  if (!found || last == 0)
    goto done;
  for (k = 0; k <= last; k++)
    natural += cl[k].width;
  target = (long)(width * PANGO_SCALE + 0.5);
  shortfall = target - natural;
  if (shortfall <= 0 || shortfall > width * max_ratio * PANGO_SCALE)
    goto done;
  /* weights per gap k (between cluster k and k+1) */
  for (k = 0; k < last; k++) {
    uint32_t a = cl[k].last_cp, b = cl[k + 1].first_cp;
    double w = 0;
    if (a == 0x3000 || b == 0x3000)
      w = 0; /* already a full em: more would read as a column gap */
    else if (S_space(a))
      w = 1;
    else if (S_space(b))
      w = 0;
    else if (S_cjkish(a) || S_cjkish(b))
      w = 1;
    if (w > 0)
      any_weight = 1;
    total_w += w;
  }
  if (!any_weight)
    total_w = (double)last;
  if (total_w <= 0)
    goto done;
  {
    long given = 0;
    for (k = 0; k < last; k++) {
      uint32_t a = cl[k].last_cp, b = cl[k + 1].first_cp;
      double w;
      long upto, extra;
      if (!any_weight)
        w = 1;
      else if (a == 0x3000 || b == 0x3000)
        w = 0;
      else if (S_space(a))
        w = 1;
      else if (S_space(b))
        w = 0;
      else if (S_cjkish(a) || S_cjkish(b))
        w = 1;
      else
        w = 0;
      acc += w;
      upto = (long)((double)shortfall * acc / total_w + 0.5);
      extra = upto - given;
      given = upto;
      if (extra)
        cl[k].gs->glyphs[cl[k].last_glyph].geometry.width += (int)extra;
    }
    changed = 1;
  }
done:
  if (cl != stack_cl)
    free(cl);
  return changed;
}
