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
#include "write/pdf/vertical.h"

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

static const uint32_t S_no_end[] = {0xff08, 0xff3b, 0xff5b, 0x3014, 0x3008,
                                    0x300a, 0x300c, 0x300e, 0x3010, 0x3018,
                                    0x3016, 0x301d, 0x2018, 0x201c, 0xff5f,
                                    0x00ab, 0x0028, 0x005b, 0x007b};

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
  case 0x3001:
  case 0x3002:
  case 0xff0c:
  case 0xff0e:
  case 0xff09:
  case 0xff3d:
  case 0xff5d:
  case 0x3009:
  case 0x300b:
  case 0x300d:
  case 0x300f:
  case 0x3011:
  case 0x3015:
  case 0x3017:
  case 0x3019:
  case 0x201d:
  case 0x2019:
  case 0xff1a:
  case 0xff1b:
  case 0xff1f:
  case 0xff01: return 1;
  default: return 0;
  }
}

/* Full-width opening brackets and quotes: blank half on the left. */
static int S_punct_opening(uint32_t c) {
  switch (c) {
  case 0xff08:
  case 0xff3b:
  case 0xff5b:
  case 0x3008:
  case 0x300a:
  case 0x300c:
  case 0x300e:
  case 0x3010:
  case 0x3014:
  case 0x3016:
  case 0x3018:
  case 0x201c:
  case 0x2018: return 1;
  default: return 0;
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
static int S_one_run(PangoAttrIterator **it, PangoAttrList *attrs, size_t from,
                     size_t to) {
  int s0 = 0, e0 = 0;
  if (!*it)
    *it = pango_attr_list_get_iterator(attrs);
  pango_attr_iterator_range(*it, &s0, &e0);
  while ((size_t)e0 <= to && pango_attr_iterator_next(*it))
    pango_attr_iterator_range(*it, &s0, &e0);
  return (size_t)s0 <= from;
}

/* The bytes of the space grouping digits at @p s (a space, a thin
 * space), or 0. */
static size_t S_group_space(const char *s, size_t n) {
  if (n >= 1 && s[0] == ' ')
    return 1;
  if (n >= 3 && memcmp(s, "\xe2\x80\x89", 3) == 0)
    return 3;
  return 0;
}

static int S_digit(char c) {
  return c >= '0' && c <= '9';
}

/* No line break inside bytes [@p start, @p end) of the text. */
static void S_no_break(PangoAttrList *attrs, size_t start, size_t end) {
  PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
  a->start_index = (guint)start;
  a->end_index = (guint)end;
  pango_attr_list_insert(attrs, a);
}

int nb_digit_groups(const char *text, size_t len, PangoAttrList *attrs) {
  size_t i = 0;
  int n = 0;
  while (i < len) {
    size_t run = 0;
    while (i < len && S_digit(text[i])) {
      i++;
      run++;
    }
    /* groups of three after a run of one to three: 12 345 678,
     * 0.055 459 */
    while (run >= 1 && run <= 3 && i < len) {
      size_t sp = S_group_space(text + i, len - i), g = i + sp, e = g;
      if (!sp)
        break;
      while (e < len && S_digit(text[e]))
        e++;
      if (e - g != 3)
        break;
      S_no_break(attrs, i - 1, g + 1);
      n++;
      i = e;
      run = 3;
    }
    if (run == 0)
      i++;
  }
  return n;
}

int nb_dash_glue(const char *text, size_t len, PangoAttrList *attrs) {
  size_t i;
  int n = 0;
  for (i = 2; i + 3 <= len; i++) {
    uint32_t prev;
    int cls;
    if (text[i] != '\xe2' || text[i + 1] != '\x80' ||
        (text[i + 2] != '\x93' && text[i + 2] != '\x94') ||
        text[i - 1] != ' ' || (i + 3 < len && text[i + 3] != ' '))
      continue;
    prev = S_prev_cp(text, i - 1);
    cls = nb_char_class(prev);
    if (!prev || cls == NB_CC_SPACE || cls == NB_CC_HAN || cls == NB_CC_ZERO)
      continue;
    S_no_break(attrs, i - 1, i + 3);
    n++;
  }
  return n;
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

int nb_punct_closing(uint32_t cp) {
  return S_punct_closing(cp);
}
int nb_punct_opening(uint32_t cp) {
  return S_punct_opening(cp);
}

int nb_space_beside_mark(uint32_t before, uint32_t after) {
  return (before >= 0x3000 && S_punct_closing(before)) ||
         (after >= 0x3000 && S_punct_opening(after));
}

int nb_char_class(uint32_t c) {
  if (c == ' ' || c == '\t' || c == 0xa0)
    return NB_CC_SPACE;
  if (c == 0x3000)
    return NB_CC_IDSP;
  if (c == 0x200b || c == 0x2060 || c == 0xad || c == 0xfeff || c == 0x200c ||
      c == 0x200d || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029)
    return NB_CC_ZERO;
  if (c < 0x80)
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
               ? NB_CC_LATIN
               : NB_CC_OTHER;
  if ((c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
      (c >= 0x370 && c <= 0x3ff) || (c >= 0x400 && c <= 0x4ff) ||
      (c >= 0x1e00 && c <= 0x1eff))
    return NB_CC_LATIN;
  if (nb_is_cjk(c)) {
    if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xfe30 && c <= 0xfe4f) ||
        (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
        (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
        c == 0x30fb)
      return NB_CC_PUNCT;
    return NB_CC_HAN;
  }
  return NB_CC_OTHER;
}

int nb_gap_kind(int a, int b, int c, uint32_t before, uint32_t after) {
  if (b == NB_CC_SPACE) {
    if ((a == NB_CC_HAN && c == NB_CC_LATIN) ||
        (a == NB_CC_LATIN && c == NB_CC_HAN))
      return NB_GAP_GLUESPACE;
    /* between digits (0.055 459): part of the number, it keeps its width */
    if (before >= '0' && before <= '9' && after >= '0' && after <= '9')
      return NB_GAP_NONE;
    return nb_space_beside_mark(before, after) ? NB_GAP_MARKSPACE
                                               : NB_GAP_SPACE;
  }
  if (a == NB_CC_IDSP || b == NB_CC_IDSP || a == NB_CC_ZERO ||
      b == NB_CC_ZERO || a == NB_CC_SPACE)
    return NB_GAP_NONE;
  if ((a == NB_CC_HAN && b == NB_CC_LATIN) ||
      (a == NB_CC_LATIN && b == NB_CC_HAN))
    return NB_GAP_GLUE;
  if (a == NB_CC_HAN || a == NB_CC_PUNCT || b == NB_CC_HAN || b == NB_CC_PUNCT)
    return NB_GAP_CJK;
  return NB_GAP_NONE;
}

typedef struct cluster {
  PangoGlyphString *gs;
  int last_glyph; /* glyph index whose advance takes the extra */
  int width;      /* pango units */
  uint32_t first_cp, last_cp;
} cluster;

/* One adjustable gap of a line: the glyph that takes the change, the
 * change at natural width (the CJK-Latin space) and how far it may go
 * each way, in pango units. */
typedef struct adj {
  PangoGlyphInfo *glyph;
  int kind;
  double base, shrink, stretch, cap, delta;
} adj;

/* The line's clusters in visual (= logical, left-to-right) order; NULL
 * for right-to-left text or when out of memory. */
static cluster *S_clusters(PangoLayoutLine *line, const char *text, size_t tlen,
                           cluster *stack_cl, size_t stack_n, size_t *ncl_out) {
  cluster *cl = stack_cl;
  size_t ncl = 0, cap = stack_n;
  GSList *l;
  for (l = line->runs; l; l = l->next) {
    PangoGlyphItem *run = l->data;
    PangoGlyphString *gs = run->glyphs;
    int i;
    if (run->item->analysis.level % 2)
      goto fail; /* right-to-left text: leave it to Pango */
    for (i = 0; i < gs->num_glyphs; i++) {
      size_t idx = (size_t)(run->item->offset + gs->log_clusters[i]), e;
      uint32_t cp = ' ';
      int new_cluster =
          i == 0 || gs->log_clusters[i] != gs->log_clusters[i - 1];
      if (idx < tlen)
        nb_utf8_decode((const unsigned char *)text + idx, tlen - idx, &cp);
      if (new_cluster) {
        if (ncl == cap) {
          cluster *n;
          cap *= 2;
          if (cl == stack_cl) {
            n = nb_reallocarray(NULL, cap, sizeof *n);
            if (n)
              memcpy(n, stack_cl, stack_n * sizeof *n);
          } else {
            n = nb_reallocarray(cl, cap, sizeof *n);
          }
          if (!n)
            goto fail;
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
      e = (size_t)run->item->offset +
          (size_t)(i + 1 < gs->num_glyphs &&
                           gs->log_clusters[i + 1] != gs->log_clusters[i]
                       ? gs->log_clusters[i + 1]
                       : (i + 1 < gs->num_glyphs ? gs->log_clusters[i]
                                                 : run->item->length));
      if (e > tlen)
        e = tlen;
      cl[ncl - 1].last_cp = S_prev_cp(text, e);
    }
    /* a number upright in one cell (vertical.h) spaces as a Han
     * character; its other digits take no room */
    if (ncl > 0 && gs->num_glyphs > 0 && nb_tcy_layout(run))
      cl[ncl - 1].first_cp = cl[ncl - 1].last_cp = 0x4e00;
    else if (ncl > 0 && gs->num_glyphs > 0 && nb_tcy_rest(run))
      cl[ncl - 1].first_cp = cl[ncl - 1].last_cp = 0x200b;
  }
  *ncl_out = ncl;
  return cl;
fail:
  if (cl != stack_cl)
    free(cl);
  return NULL;
}

/* Gives @p want (pango units, > 0) to the gaps of @p a by weight, none
 * past its cap; returns what could not be given. */
static double S_spread(adj *a, size_t n, double want) {
  int round;
  for (round = 0; round < 8 && want > 0.5; round++) {
    double w = 0, lambda;
    size_t k;
    int capped = 0;
    for (k = 0; k < n; k++)
      if (a[k].stretch > 0 && a[k].delta < a[k].cap)
        w += a[k].stretch;
    if (w <= 0)
      break;
    lambda = want / w;
    for (k = 0; k < n; k++) {
      double room, give;
      if (a[k].stretch <= 0 || a[k].delta >= a[k].cap)
        continue;
      room = a[k].cap - a[k].delta;
      give = lambda * a[k].stretch;
      if (give >= room) {
        give = room;
        capped = 1;
      }
      a[k].delta += give;
      want -= give;
    }
    if (!capped)
      break;
  }
  return want;
}

/* Takes @p want (pango units, > 0) from the gaps of kind @p kind in
 * proportion to what each may lose; returns what is left to take. */
static double S_tighten(adj *a, size_t n, int kind, double want) {
  double total = 0, f;
  size_t k;
  for (k = 0; k < n; k++)
    if (a[k].kind == kind)
      total += a[k].shrink;
  if (total <= 0)
    return want;
  f = want >= total ? 1 : want / total;
  for (k = 0; k < n; k++)
    if (a[k].kind == kind)
      a[k].delta -= a[k].shrink * f;
  return want - total * f;
}

/* The adjustable gaps of a line (its clusters @p cl up to @p last) into
 * @p a; returns the line's natural width with the CJK-Latin spaces. */
static double S_line_gaps(const cluster *cl, size_t last,
                          const nb_space_opts *o, adj *a, size_t *na_out) {
  double em = o->em * PANGO_SCALE, as = o->autospace * em, natural = 0;
  size_t k, na = 0;
  int prev_cls = NB_CC_ZERO;
  uint32_t prev_cp = 0;
  for (k = 0; k <= last; k++) {
    int b = nb_char_class(cl[k].first_cp), kind, c = NB_CC_ZERO;
    uint32_t next_cp = 0;
    size_t m;
    adj *g;
    natural += cl[k].width;
    if (b == NB_CC_SPACE)
      for (m = k + 1; m <= last; m++) {
        c = nb_char_class(cl[m].first_cp);
        next_cp = cl[m].first_cp;
        if (c != NB_CC_ZERO)
          break;
      }
    kind = k == 0 ? NB_GAP_NONE : nb_gap_kind(prev_cls, b, c, prev_cp, next_cp);
    if (b != NB_CC_ZERO) {
      prev_cls = b == NB_CC_SPACE ? NB_CC_SPACE : nb_char_class(cl[k].last_cp);
      prev_cp = b == NB_CC_SPACE ? ' ' : cl[k].last_cp;
    }
    if (kind == NB_GAP_NONE)
      continue;
    g = &a[na++];
    memset(g, 0, sizeof *g);
    g->kind = kind;
    /* a gap before a cluster widens the glyph before it; a space widens
     * itself */
    g->glyph = b == NB_CC_SPACE ? &cl[k].gs->glyphs[cl[k].last_glyph]
                                : &cl[k - 1].gs->glyphs[cl[k - 1].last_glyph];
    switch (kind) {
    case NB_GAP_CJK:
      g->stretch = NB_CJK_STRETCH * em;
      g->cap = NB_CJK_CAP * em;
      break;
    case NB_GAP_GLUESPACE:
      if (as <= 0) {
        g->kind = kind = NB_GAP_SPACE;
      } else {
        g->base = as - cl[k].width; /* the space becomes the glue */
        g->shrink = as > NB_GLUE_MIN * em ? as - NB_GLUE_MIN * em : 0;
        g->stretch = NB_GLUE_STRETCH * em;
        g->cap = NB_GLUE_CAP * em;
        break;
      }
      /* fall through */
    case NB_GAP_SPACE:
      g->stretch = NB_SPACE_STRETCH * cl[k].width;
      g->cap = NB_SPACE_MAX * em - cl[k].width;
      if (g->cap < 0)
        g->cap = 0;
      g->shrink = NB_SPACE_SHRINK * cl[k].width;
      break;
    case NB_GAP_MARKSPACE:
      g->base = -cl[k].width; /* no stretch, no shrink: no room at all */
      break;
    case NB_GAP_GLUE:
      if (as <= 0) {
        na--;
        continue;
      }
      g->base = as;
      g->shrink = as > NB_GLUE_MIN * em ? as - NB_GLUE_MIN * em : 0;
      g->stretch = NB_GLUE_STRETCH * em;
      g->cap = NB_GLUE_CAP * em;
      break;
    }
    g->delta = g->base;
    natural += g->base;
  }
  *na_out = na;
  return natural;
}

/* The clusters of @p line and the index of its last visible one; NULL
 * when it has none (or for right-to-left text, or out of memory). */
static cluster *S_visible(PangoLayoutLine *line, cluster *stack_cl,
                          size_t *last_out) {
  const char *text = pango_layout_get_text(line->layout);
  size_t ncl = 0, k, last = 0;
  int found = 0;
  cluster *cl = S_clusters(line, text, strlen(text), stack_cl, 256, &ncl);
  if (!cl)
    return NULL;
  /* the last visible cluster: a soft hyphen's is the hyphen drawn at a
   * hyphenated line's end */
  for (k = 0; k < ncl; k++)
    if (nb_char_class(cl[k].first_cp) != NB_CC_SPACE &&
        (nb_char_class(cl[k].first_cp) != NB_CC_ZERO || cl[k].width > 0)) {
      last = k;
      found = 1;
    }
  if (!found) {
    if (cl != stack_cl)
      free(cl);
    return NULL;
  }
  *last_out = last;
  return cl;
}

int nb_line_measure(PangoLayoutLine *line, const nb_space_opts *o,
                    nb_line_stats *st) {
  cluster stack_cl[256], *cl;
  adj stack_a[256], *a = stack_a;
  size_t last = 0, na = 0, k;
  memset(st, 0, sizeof *st);
  cl = S_visible(line, stack_cl, &last);
  if (!cl)
    return -1;
  if (last + 1 > 256 && !(a = nb_reallocarray(NULL, last + 1, sizeof *a))) {
    if (cl != stack_cl)
      free(cl);
    return -1;
  }
  st->natural = S_line_gaps(cl, last, o, a, &na);
  for (k = 0; k < na; k++) {
    st->stretch += a[k].stretch;
    st->cap += a[k].cap;
    if (a[k].kind == NB_GAP_SPACE)
      st->shrink_space += a[k].shrink;
    else
      st->shrink_glue += a[k].shrink;
  }
  st->visible = (int)last + 1;
  if (cl != stack_cl)
    free(cl);
  if (a != stack_a)
    free(a);
  return 0;
}

int nb_justify_line(PangoLayoutLine *line, double width, double max_short,
                    int fill, const nb_space_opts *o) {
  cluster stack_cl[256], *cl;
  adj stack_a[256], *a = stack_a;
  size_t k, last = 0, na = 0;
  double natural, short_by;
  int changed = 0;
  cl = S_visible(line, stack_cl, &last);
  if (!cl)
    return 0;
  if (last + 1 > 256 && !(a = nb_reallocarray(NULL, last + 1, sizeof *a))) {
    a = stack_a;
    goto done;
  }
  natural = S_line_gaps(cl, last, o, a, &na);
  short_by = width * PANGO_SCALE - natural;
  if (short_by < 0) {
    /* too long: the CJK-Latin spaces give first, then word spaces */
    double want = -short_by;
    want = S_tighten(a, na, NB_GAP_GLUE, want);
    want = S_tighten(a, na, NB_GAP_GLUESPACE, want);
    S_tighten(a, na, NB_GAP_SPACE, want);
  } else if (fill && short_by > 0.5 && short_by <= max_short * PANGO_SCALE) {
    /* the extra goes only where it fits: a line whose gaps cannot take
     * it within their caps is left short, never letter-spaced */
    double room = 0;
    for (k = 0; k < na; k++)
      room += a[k].cap - a[k].delta > 0 ? a[k].cap - a[k].delta : 0;
    if (room >= short_by - 0.5)
      S_spread(a, na, short_by);
  }
  {
    /* rounded as a running sum, so that the line ends where it should */
    double acc = 0;
    long given = 0;
    for (k = 0; k < na; k++) {
      long upto, d;
      acc += a[k].delta;
      upto = (long)(acc >= 0 ? acc + 0.5 : acc - 0.5);
      d = upto - given;
      given = upto;
      if (d) {
        a[k].glyph->geometry.width += (int)d;
        changed = 1;
      }
    }
  }
done:
  if (cl != stack_cl)
    free(cl);
  if (a != stack_a)
    free(a);
  return changed;
}

static int S_is_quote(uint32_t c) {
  return c == 0x2018 || c == 0x2019 || c == 0x201c || c == 0x201d;
}

/* The class of the character next to byte range [@p at, @p end) in
 * direction @p dir (-1 before, +1 after), looking through other quote
 * marks; NB_CC_SPACE at the text's ends. */
static int S_quote_neighbour(const char *text, size_t len, size_t at,
                             size_t end, int dir) {
  for (;;) {
    uint32_t c = 0;
    if (dir < 0) {
      if (at == 0)
        return NB_CC_SPACE;
      c = S_prev_cp(text, at);
      at -= c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    } else {
      size_t k;
      if (end >= len)
        return NB_CC_SPACE;
      k = nb_utf8_decode((const unsigned char *)text + end, len - end, &c);
      end += k ? k : 1;
    }
    if (!S_is_quote(c))
      return nb_char_class(c);
  }
}

/* 1 when the quote mark at bytes [@p i, @p i + @p k) of @p text stands
 * between Latin words, not beside CJK text. */
static int S_quote_latin(const char *text, size_t len, size_t i, size_t k) {
  int a = S_quote_neighbour(text, len, i, i + k, -1);
  int b = S_quote_neighbour(text, len, i, i + k, 1);
  int cjk_a = a == NB_CC_HAN || a == NB_CC_PUNCT || a == NB_CC_IDSP;
  int cjk_b = b == NB_CC_HAN || b == NB_CC_PUNCT || b == NB_CC_IDSP;
  return !cjk_a && !cjk_b && (a == NB_CC_LATIN || b == NB_CC_LATIN);
}

char *nb_quotes_vertical(const char *text, size_t len) {
  char *out = NULL;
  size_t i = 0;
  while (i < len) {
    uint32_t c = 0, to;
    size_t k = nb_utf8_decode((const unsigned char *)text + i, len - i, &c);
    if (k == 0)
      k = 1;
    to = c == 0x201c   ? 0x300e
         : c == 0x201d ? 0x300f
         : c == 0x2018 ? 0x300c
         : c == 0x2019 ? 0x300d
                       : 0;
    if (to && k == 3 && !S_quote_latin(text, len, i, k)) {
      if (!out && !(out = nb_strndup(text, len)))
        return NULL;
      nb_utf8_encode(to, out + i);
    }
    i += k;
  }
  return out;
}

int nb_quotes_latin(const char *text, size_t len, PangoAttrList *attrs,
                    const char *family) {
  size_t i = 0;
  int n = 0;
  if (!family || !*family)
    return 0;
  while (i < len) {
    uint32_t c = 0;
    size_t k = nb_utf8_decode((const unsigned char *)text + i, len - i, &c);
    if (k == 0)
      k = 1;
    if (S_is_quote(c)) {
      if (S_quote_latin(text, len, i, k)) {
        PangoAttribute *at = pango_attr_family_new(family);
        at->start_index = (guint)i;
        at->end_index = (guint)(i + k);
        pango_attr_list_insert(attrs, at);
        n++;
      }
    }
    i += k;
  }
  return n;
}

void nb_latin_families(const char *families, char *out, size_t size) {
  static const char *const cjk[] = {
      "CJK",    "Source Han", "Songti",   "PingFang", "Hiragino", "Mincho",
      "Gothic", "Myungjo",    "Apple SD", "Heiti",    "Kaiti",    "Ming"};
  const char *p = families;
  size_t o = 0;
  if (size == 0)
    return;
  out[0] = '\0';
  for (;;) {
    size_t n = strcspn(p, ","), lead = strspn(p, " "), i;
    int skip = 0;
    char one[128];
    if (lead > n)
      lead = n;
    if (n - lead < sizeof one) {
      memcpy(one, p + lead, n - lead);
      one[n - lead] = '\0';
      for (i = 0; i < sizeof cjk / sizeof cjk[0]; i++)
        if (strstr(one, cjk[i]))
          skip = 1;
      /* the generic families lead to CJK faces in our configuration */
      if (strcmp(one, "serif") == 0 || strcmp(one, "sans-serif") == 0)
        skip = 1;
      if (!skip && one[0] && o + strlen(one) + 2 < size) {
        if (o)
          out[o++] = ',';
        memcpy(out + o, one, strlen(one) + 1);
        o += strlen(one);
      }
    }
    if (!p[n])
      break;
    p += n + 1;
  }
}
