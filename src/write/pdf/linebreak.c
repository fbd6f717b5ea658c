/* Total-fit line breaking (see linebreak.h).
 *
 * Pango breaks lines greedily: each line takes all it can, and the next
 * pays for it (a line spread 0.13 em per character because the next word
 * would not fit). Here the paragraph Pango laid out gives its break
 * opportunities (PangoLogAttr) and glyph advances; every line a break
 * could make gets a badness from how far its gaps would have to move,
 * in the order CLREQ and JLREQ give: punctuation at a line's edges loses
 * its blank half first, then the CJK-Latin spaces shrink (to an eighth of
 * an em), then word spaces; a short line widens word and CJK-Latin spaces
 * and, a little, the space between CJK characters, never the letters of a
 * Latin word. A dynamic program over the break candidates then picks the
 * breaks with the least total (Knuth and Plass's demerits), and Pango is
 * told to break exactly there: an allow-breaks=false attribute over each
 * chosen line and a layout width so small that every allowed break is
 * taken. The gaps themselves are set afterwards by nb_justify_line. */
#include "write/pdf/linebreak.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "write/pdf/justify.h"
#include "write/pdf/vertical.h"

#define F_FORCED 1u /* a mandatory break, the paragraph's start or end */
#define F_HYPH 2u   /* a hyphenation point: a hyphen is drawn */
#define F_EXHYPH 4u /* after an existing hyphen */
#define F_CHAR 8u   /* inside a word too long for a line */

#define LB_INF 1e30
/* Shrinking costs as much as stretching four times as far: a line
 * squeezed to its limit sets its CJK-Latin spaces at an eighth of an em,
 * which reads as cramped next to lines at a quarter (031 had a line at
 * 0.16 em with twice the cost), while widening the space between CJK
 * characters a little is invisible. Pango's greedy lines squeezed past a
 * quarter of what they may give go to total fit. */
#define NB_LB_SHRINK_COST 4.0
#define NB_LB_MAX_BYTES (256u << 10)

typedef struct cand {
  int pos; /* break before character pos */
  unsigned flags;
} cand;

typedef struct lb {
  int n;              /* characters */
  int *offs;          /* byte offset of each character, n + 1 */
  uint32_t *cp;       /* the characters */
  unsigned char *cls; /* their classes (nb_char_class) */
  double *adv;        /* advance of each character, pango units */
  /* prefix sums over characters of what each contributes: its advance
   * plus the gap before it (base), and that gap's stretch, cap and
   * shrink; [i] covers characters before i */
  double *pw, *pst, *pcap, *psh_glue, *psh_space;
  /* the gap before each character alone, to drop at a line start */
  double *gw, *gst, *gcap, *gsh_glue, *gsh_space;
} lb;

static void S_lb_free(lb *b) {
  free(b->offs);
  free(b->cp);
  free(b->cls);
  free(b->adv);
  free(b->pw);
  free(b->gw);
}

static int S_lb_alloc(lb *b, int n) {
  size_t m = (size_t)n + 1;
  memset(b, 0, sizeof *b);
  b->n = n;
  b->offs = nb_calloc(m, sizeof *b->offs);
  b->cp = nb_calloc(m, sizeof *b->cp);
  b->cls = nb_calloc(m, 1);
  b->adv = nb_calloc(m, sizeof *b->adv);
  /* one block for the prefix sums, one for the gaps */
  b->pw = nb_calloc(m * 5, sizeof *b->pw);
  b->gw = nb_calloc(m * 5, sizeof *b->gw);
  if (!b->offs || !b->cp || !b->cls || !b->adv || !b->pw || !b->gw) {
    S_lb_free(b);
    return -1;
  }
  b->pst = b->pw + m;
  b->pcap = b->pw + 2 * m;
  b->psh_glue = b->pw + 3 * m;
  b->psh_space = b->pw + 4 * m;
  b->gst = b->gw + m;
  b->gcap = b->gw + 2 * m;
  b->gsh_glue = b->gw + 3 * m;
  b->gsh_space = b->gw + 4 * m;
  return 0;
}

/* The character at byte @p idx (or the one containing it). */
static int S_char_at(const lb *b, int idx) {
  int lo = 0, hi = b->n;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (b->offs[mid] <= idx)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/* Advances from Pango's lines; 0, or -1 for right-to-left text. */
static int S_advances(lb *b, PangoLayout *layout, double em) {
  GSList *l;
  double space_w = 0;
  int i;
  for (l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoLayoutLine *line = l->data;
    GSList *r;
    for (r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      int g;
      if (run->item->analysis.level % 2)
        return -1;
      if (nb_tcy_layout(run) || nb_tcy_rest(run)) {
        /* a number upright in one cell (vertical.h): a Han character
         * for spacing, its other digits nothing */
        int c0 = S_char_at(b, run->item->offset), c;
        for (c = c0;
             c < b->n && b->offs[c] < run->item->offset + run->item->length;
             c++)
          b->cls[c] = nb_tcy_layout(run) && c == c0 ? NB_CC_HAN : NB_CC_ZERO;
      }
      for (g = 0; g < run->glyphs->num_glyphs; g++) {
        int idx = run->item->offset + run->glyphs->log_clusters[g];
        int c = S_char_at(b, idx);
        if (c < b->n)
          b->adv[c] += run->glyphs->glyphs[g].geometry.width;
      }
    }
  }
  /* Pango zeroes the white space ending each of its lines */
  for (i = 0; i < b->n && space_w <= 0; i++)
    if (b->cp[i] == ' ' && b->adv[i] > 0)
      space_w = b->adv[i];
  if (space_w <= 0)
    space_w = 0.25 * em;
  for (i = 0; i < b->n; i++) {
    if (b->adv[i] > 0)
      continue;
    if (b->cls[i] == NB_CC_SPACE)
      b->adv[i] = space_w;
    else if (b->cls[i] == NB_CC_IDSP)
      b->adv[i] = em;
  }
  return 0;
}

/* The gap before each character, by the kinds of justify.h, and the
 * prefix sums the line costs are read from. */
static void S_gaps(lb *b, double em, double as, int justify) {
  int i, prev = NB_CC_ZERO;
  uint32_t prev_cp = 0;
  for (i = 0; i < b->n; i++) {
    int c = b->cls[i], next = NB_CC_ZERO, kind, k;
    uint32_t next_cp = 0;
    if (c == NB_CC_SPACE)
      for (k = i + 1; k < b->n; k++)
        if (b->cls[k] != NB_CC_ZERO) {
          next = b->cls[k];
          next_cp = b->cp[k];
          break;
        }
    kind = i == 0 ? NB_GAP_NONE : nb_gap_kind(prev, c, next, prev_cp, next_cp);
    if (c != NB_CC_ZERO) {
      prev = c;
      prev_cp = b->cp[i];
    }
    if (kind == NB_GAP_GLUESPACE && as <= 0)
      kind = NB_GAP_SPACE;
    switch (kind) {
    case NB_GAP_CJK:
      b->gst[i] = NB_CJK_STRETCH * em;
      b->gcap[i] = NB_CJK_CAP * em;
      break;
    case NB_GAP_GLUE:
    case NB_GAP_GLUESPACE:
      if (as <= 0)
        break;
      b->gw[i] = kind == NB_GAP_GLUE ? as : as - b->adv[i];
      b->gsh_glue[i] = as > NB_GLUE_MIN * em ? as - NB_GLUE_MIN * em : 0;
      b->gst[i] = NB_GLUE_STRETCH * em;
      b->gcap[i] = NB_GLUE_CAP * em;
      break;
    case NB_GAP_MARKSPACE: b->gw[i] = -b->adv[i]; break;
    case NB_GAP_SPACE:
      b->gst[i] = NB_SPACE_STRETCH * b->adv[i];
      b->gcap[i] =
          NB_SPACE_MAX * em > b->adv[i] ? NB_SPACE_MAX * em - b->adv[i] : 0;
      b->gsh_space[i] = justify ? NB_SPACE_SHRINK * b->adv[i] : 0;
      break;
    default: break;
    }
  }
  for (i = 0; i < b->n; i++) {
    b->pw[i + 1] = b->pw[i] + b->adv[i] + b->gw[i];
    b->pst[i + 1] = b->pst[i] + b->gst[i];
    b->pcap[i + 1] = b->pcap[i] + b->gcap[i];
    b->psh_glue[i + 1] = b->psh_glue[i] + b->gsh_glue[i];
    b->psh_space[i + 1] = b->psh_space[i] + b->gsh_space[i];
  }
}

static int S_is_alpha(const lb *b, int i) {
  return i >= 0 && i < b->n && b->cls[i] == NB_CC_LATIN &&
         !(b->cp[i] >= '0' && b->cp[i] <= '9');
}

/* 1 when the letters [@p i, @p j) stand as a word of prose, not as part
 * of a URL, a path, an address or an identifier. */
static int S_plain_word(const lb *b, int i, int j) {
  static const char before[] = "/\\_@#.:=&%~", after[] = "/\\_@#=~";
  if (i > 0 && b->cp[i - 1] < 128 && b->cp[i - 1] &&
      strchr(before, (int)b->cp[i - 1]))
    return 0;
  if (j < b->n && b->cp[j] < 128 && b->cp[j] && strchr(after, (int)b->cp[j]))
    return 0;
  if (j < b->n && b->cls[j] == NB_CC_LATIN)
    return 0; /* letters run into digits */
  if (j + 1 < b->n && (b->cp[j] == '.' || b->cp[j] == ':') &&
      b->cls[j + 1] == NB_CC_LATIN)
    return 0;
  return 1;
}

/* Hyphenation points of the Latin words, as 1 in @p hy at the character
 * a line would start with. Words in URLs, paths, code, acronyms and
 * CamelCase are left whole. */
static void S_hyphenate(const lb *b, HyphenDict *dict, unsigned char *hy) {
  char word[256], hyph[256 + 5];
  int map[256];
  int i = 0;
  while (i < b->n) {
    int j = i, upper = 0, wl = 0, k;
    size_t bl = 0;
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (!S_is_alpha(b, i)) {
      i++;
      continue;
    }
    while (j < b->n && S_is_alpha(b, j)) {
      if (j > i && g_unichar_isupper(b->cp[j]))
        upper = 1;
      j++;
    }
    wl = j - i;
    if (wl < 5 || wl > 60 || upper || !S_plain_word(b, i, j)) {
      i = j;
      continue;
    }
    for (k = i; k < j; k++) {
      char enc[8];
      size_t n = nb_utf8_encode((uint32_t)g_unichar_tolower(b->cp[k]), enc);
      size_t m;
      if (bl + n >= sizeof word - 1)
        break;
      for (m = 0; m < n; m++) {
        map[bl] = k - i;
        word[bl++] = enc[m];
      }
    }
    if (k < j) {
      i = j;
      continue;
    }
    word[bl] = '\0';
    memset(hyph, 0, sizeof hyph);
    if (hnj_hyphen_hyphenate2(dict, word, (int)bl, hyph, NULL, &rep, &pos,
                              &cut) == 0) {
      size_t m;
      for (m = 0; m + 1 < bl; m++) {
        int after;
        if (!(hyph[m] & 1) || (rep && rep[m]))
          continue;
        if (((unsigned char)word[m + 1] & 0xc0) == 0x80)
          continue;         /* inside a character */
        after = map[m] + 1; /* characters before the break */
        if (after >= 2 && wl - after >= 3)
          hy[i + after] = 1;
      }
    }
    if (rep) {
      size_t m;
      for (m = 0; m < bl; m++)
        free(rep[m]);
      free(rep);
      free(pos);
      free(cut);
    }
    i = j;
  }
}

/* Kinsoku: no line starts with a closing mark or ends with an opening
 * one (a space on either side frees the break). */
static int S_kinsoku_ok(const lb *b, int p) {
  uint32_t prev = b->cp[p - 1], cur = b->cp[p];
  if (cur == 0x2060 || prev == 0x2060)
    return 0; /* a WORD JOINER says so */
  if (b->cls[p - 1] == NB_CC_SPACE || b->cls[p] == NB_CC_SPACE ||
      b->cls[p - 1] == NB_CC_IDSP)
    return 1;
  return !nb_kinsoku_no_start(cur) && !nb_kinsoku_no_end(prev);
}

/* The break candidates in order, the paragraph's start and end included;
 * NULL when out of memory. */
static cand *S_candidates(const lb *b, const PangoLogAttr *la,
                          const nb_lb_opts *o, HyphenDict *hyph, int *ncand) {
  unsigned char *mark = nb_calloc((size_t)b->n + 1, 1);
  unsigned char *hy = nb_calloc((size_t)b->n + 1, 1);
  cand *c = NULL;
  int p, nc = 0, last = 0;
  double w = o->width * PANGO_SCALE - o->indent * PANGO_SCALE;
  if (!mark || !hy) {
    free(mark);
    free(hy);
    return NULL;
  }
  if (hyph)
    S_hyphenate(b, hyph, hy);
  for (p = 1; p < b->n; p++) {
    if (la[p].is_mandatory_break)
      mark[p] = F_FORCED;
    else if (la[p].is_line_break && S_kinsoku_ok(b, p))
      mark[p] = b->cp[p - 1] == '-' && S_is_alpha(b, p - 2) ? F_EXHYPH : 16;
    else if (hy[p])
      mark[p] = F_HYPH;
  }
  free(hy);
  mark[b->n] = F_FORCED;
  /* a word wider than a line may break between any two characters */
  for (p = 1; p <= b->n; p++) {
    if (!mark[p])
      continue;
    if (b->pw[p] - b->pw[last] > w) {
      int q;
      for (q = last + 1; q < p; q++)
        if (la[q].is_char_break && !mark[q] && S_kinsoku_ok(b, q))
          mark[q] = F_CHAR;
    }
    last = p;
  }
  for (p = 0; p <= b->n; p++)
    if (p == 0 || mark[p])
      nc++;
  c = nb_calloc((size_t)nc, sizeof *c);
  if (c) {
    nc = 0;
    for (p = 0; p <= b->n; p++)
      if (p == 0 || mark[p]) {
        c[nc].pos = p;
        c[nc].flags = p == 0 ? F_FORCED : (mark[p] & 15u);
        nc++;
      }
  }
  free(mark);
  *ncand = nc;
  return c;
}

/* First character after @p i's paragraph separator: such lines take the
 * indent, as Pango sets it. */
static int S_para_start(const lb *b, int i) {
  uint32_t c;
  if (i == 0)
    return 1;
  c = b->cp[i - 1];
  return c == '\n' || c == '\r' || c == 0x2029;
}

/* The end of the visible part of a line ending before @p j (trailing
 * white space and invisible characters hang in the margin). */
static int S_trim(const lb *b, int i, int j) {
  while (j > i && (b->cls[j - 1] == NB_CC_SPACE ||
                   b->cls[j - 1] == NB_CC_ZERO || b->cls[j - 1] == NB_CC_IDSP))
    j--;
  return j;
}

/* What the line from @p i to @p j would look like. */
typedef struct line_fit {
  double bad;               /* badness; LB_INF: impossible */
  double short_by;          /* < 0: too long by that much */
  int halt_end, halt_start; /* edge punctuation to compress */
} line_fit;

static line_fit S_fit(const lb *b, const nb_lb_opts *o, int i, int j,
                      unsigned jflags, int nearest) {
  line_fit f = {0, 0, 0, 0};
  double em = o->em * PANGO_SCALE;
  double w = (o->width - (S_para_start(b, i) ? o->indent : 0)) * PANGO_SCALE;
  int jj = S_trim(b, i, j);
  double nat, st, cap, sh, e_end = 0, e_start = 0, d;
  if (jj <= i)
    return f; /* only white space */
  nat = b->pw[jj] - b->pw[i] - b->gw[i];
  st = b->pst[jj] - b->pst[i] - b->gst[i];
  cap = b->pcap[jj] - b->pcap[i] - b->gcap[i];
  sh = b->psh_glue[jj] - b->psh_glue[i] - b->gsh_glue[i];
  if (o->justify)
    sh += b->psh_space[jj] - b->psh_space[i] - b->gsh_space[i];
  if (jflags & F_HYPH)
    nat += 0.33 * em;
  /* A closing mark ending a line keeps its blank half: compressed, it
   * reads to pdftotext and MuPDF as a line half an em short of the
   * margin; total fit finds a break that needs no squeezing. */
  if (o->compress_edges && nb_punct_opening(b->cp[i]) &&
      b->adv[i] >= 0.9 * em && jj > i + 1)
    e_start = 0.5 * em;
  d = w - nat;
  f.short_by = d;
  if (d < 0) {
    double s = -d;
    if (s > sh + e_end + e_start + 0.5) {
      /* overfull: only when nothing else is possible */
      f.bad = nearest ? 1e8 + 1e6 * s / em : LB_INF;
      f.halt_end = e_end > 0;
      f.halt_start = e_start > 0;
      return f;
    }
    /* the edges give first; but a half-width mark at a line's end still
     * has its full width in the PDF's font metrics, which text tools
     * take for the line's end (past the margin): a line that can be set
     * otherwise at small cost is */
    if (e_end > 0) {
      f.halt_end = 1;
      f.bad += 100;
      s -= e_end;
    }
    if (s > 0 && e_start > 0) {
      f.halt_start = 1;
      f.bad += 100;
      s -= e_start;
    }
    if (s > 0 && sh > 0) {
      double r = NB_LB_SHRINK_COST * s / sh;
      f.bad += 100 * r * r * r;
    }
    return f;
  }
  if (jflags & F_FORCED) {
    /* a paragraph's last line may be short, but one or two characters
     * left alone on it ("一关。") read as an accident */
    if (o->justify && i > 0 && !S_para_start(b, i) && jj - i <= 3 &&
        b->cls[i] != NB_CC_LATIN)
      f.bad = 400;
    return f;
  }
  if (!o->justify) {
    double r = d / (3 * em);
    f.bad = r > 3 ? 2700 : 100 * r * r * r;
    return f;
  }
  if (d <= 0.01 * em)
    return f;
  if (st > 0) {
    double r = d / st;
    f.bad = r > 50 ? 1.25e7 : 100 * r * r * r;
  } else {
    f.bad = 1e4;
  }
  if (d > cap + 0.5)
    f.bad += 1e4 + 1e3 * (d - cap) / em; /* loose or ragged: avoid */
  return f;
}

static double S_penalty(unsigned iflags, unsigned jflags) {
  double p = 0;
  if (jflags & F_HYPH)
    p += 100.0 * 100;
  if (jflags & F_EXHYPH)
    p += 1000.0 * 1000; /* pdftotext drops a hyphen ending a line */
  if (jflags & F_CHAR)
    p += 1e6;
  if ((iflags & (F_HYPH | F_EXHYPH)) && (jflags & (F_HYPH | F_EXHYPH)))
    p += 10000; /* TeX's \doublehyphendemerits */
  if ((iflags & F_HYPH) && (jflags & F_FORCED))
    p += 5000; /* a hyphen on the paragraph's last full line */
  return p;
}

/* The candidate at character @p pos, or -1. */
static int S_cand_at(const cand *c, int nc, int pos) {
  int lo = 0, hi = nc - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (c[mid].pos == pos)
      return mid;
    if (c[mid].pos < pos)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

/* 1 when Pango's own lines are good enough to keep: every break a
 * candidate and no line worse than comfortably stretched or shrunk
 * (TeX's first pass, its pretolerance). Laying the paragraph out again
 * costs a second shaping; most paragraphs do not need it. */
static int S_greedy_ok(const lb *b, const nb_lb_opts *o, const cand *c, int nc,
                       PangoLayout *layout) {
  GSList *l = pango_layout_get_lines_readonly(layout);
  int prev = 0;
  for (; l; l = l->next) {
    PangoLayoutLine *pl = l->data;
    int end =
        l->next ? S_char_at(b, ((PangoLayoutLine *)l->next->data)->start_index)
                : b->n;
    int ic = S_cand_at(c, nc, prev), jc = S_cand_at(c, nc, end);
    line_fit f;
    (void)pl;
    if (ic < 0 || jc < 0 || (c[jc].flags & (F_HYPH | F_CHAR)))
      return 0;
    f = S_fit(b, o, prev, end, c[jc].flags, 0);
    if (f.bad > 100 || f.halt_end || f.halt_start)
      return 0;
    prev = end;
  }
  return prev == b->n;
}

/* The dynamic program: @p from gets, for each candidate, the candidate
 * its line starts at on the best way there. */
static void S_best(const lb *b, const nb_lb_opts *o, const cand *c, int nc,
                   int *from) {
  double *best = nb_calloc((size_t)nc, sizeof *best);
  double em = o->em * PANGO_SCALE;
  int jc;
  if (!best) {
    for (jc = 1; jc < nc; jc++)
      from[jc] = jc - 1;
    return;
  }
  for (jc = 1; jc < nc; jc++) {
    int ic;
    double wmin = o->justify && !(c[jc].flags & F_FORCED)
                      ? 0.5 * o->width * PANGO_SCALE
                      : 0;
    best[jc] = LB_INF;
    from[jc] = jc - 1;
    for (ic = jc - 1; ic >= 0; ic--) {
      line_fit f;
      /* a full line under half the measure is never the best: skip the
       * short ones (the nearest, a forced start are still tried) */
      if (ic < jc - 1 && !(c[ic].flags & F_FORCED) &&
          b->pw[c[jc].pos] - b->pw[c[ic].pos] < wmin)
        continue;
      f = S_fit(b, o, c[ic].pos, c[jc].pos, c[jc].flags, ic == jc - 1);
      if (f.bad < LB_INF && best[ic] < LB_INF) {
        double dem =
            (10 + f.bad) * (10 + f.bad) + S_penalty(c[ic].flags, c[jc].flags);
        if (best[ic] + dem < best[jc]) {
          best[jc] = best[ic] + dem;
          from[jc] = ic;
        }
      }
      if (c[ic].flags & F_FORCED)
        break; /* a line never runs over a forced break */
      if (f.short_by < -(2 * em) && f.bad >= LB_INF)
        break; /* longer lines only get worse */
    }
  }
  free(best);
}

/* Inserts @p ins (bytes) at byte @p at of @p text, moving @p attrs and
 * @p links. 0 or -1. */
static int S_insert(nb_buf *text, size_t at, const char *ins, size_t n,
                    PangoAttrList *attrs, nb_link *links, size_t nlinks) {
  size_t k;
  if (!nb_buf_reserve(text, n))
    return -1;
  memmove(text->data + at + n, text->data + at, text->len - at + 1);
  memcpy(text->data + at, ins, n);
  text->len += n;
  pango_attr_list_update(attrs, (int)at, 0, (int)n);
  for (k = 0; k < nlinks; k++) {
    if ((size_t)links[k].start >= at)
      links[k].start += (int)n;
    if ((size_t)links[k].end > at)
      links[k].end += (int)n;
  }
  return 0;
}

static void S_attr(PangoAttrList *attrs, PangoAttribute *a, int start,
                   int end) {
  a->start_index = (guint)start;
  a->end_index = (guint)end;
  pango_attr_list_insert(attrs, a);
}

/* Makes Pango break exactly at the chosen candidates @p line (count
 * @p nl, each line's first candidate index; the last is the end). */
static int S_impose(PangoLayout *layout, nb_buf *text, PangoAttrList *attrs,
                    nb_link *links, size_t nlinks, const lb *b, const cand *c,
                    const int *line, int nl, const line_fit *fits,
                    const char *latin) {
  int k, shift = 0;
  int *start = nb_calloc((size_t)nl + 1, sizeof *start);
  if (!start)
    return -1;
  /* soft hyphens at the hyphenated breaks, from the first on */
  for (k = 0; k <= nl; k++) {
    const cand *ck = &c[line[k]];
    if (k > 0 && (ck->flags & F_HYPH)) {
      int at = b->offs[ck->pos] + shift;
      if (S_insert(text, (size_t)at, "\xc2\xad", 2, attrs, links, nlinks) !=
          0) {
        free(start);
        return -1;
      }
      /* the hyphen Pango draws there comes from the soft hyphen's face:
       * a CJK face's U+2010 is a full em wide */
      if (latin && *latin)
        S_attr(attrs, pango_attr_family_new(latin), at, at + 2);
      shift += 2;
    }
    start[k] = b->offs[ck->pos] + shift;
  }
  for (k = 0; k < nl; k++) {
    const cand *a0 = &c[line[k]];
    const cand *a1 = &c[line[k + 1]];
    int s = start[k], e = start[k + 1];
    if (e - s > 1)
      S_attr(attrs, pango_attr_allow_breaks_new(FALSE), s, e);
    if (fits[k].halt_end) {
      int jj = S_trim(b, a0->pos, a1->pos) - 1;
      int off = b->offs[jj] + (s - b->offs[a0->pos]);
      S_attr(attrs, pango_attr_font_features_new("halt"), off,
             off + (b->offs[jj + 1] - b->offs[jj]));
    }
    if (fits[k].halt_start)
      S_attr(attrs, pango_attr_font_features_new("halt"), s,
             s + (b->offs[a0->pos + 1] - b->offs[a0->pos]));
  }
  pango_layout_set_text(layout, text->data, (int)text->len);
  pango_layout_set_attributes(layout, attrs);
  /* every allowed break is taken when nothing fits (breaking by
   * characters: Pango 1.50's word mode fails an assertion on some of
   * these lines, and the characters between are joined anyway) */
  pango_layout_set_wrap(layout, PANGO_WRAP_CHAR);
  pango_layout_set_width(layout, 1);
  free(start);
  return 0;
}

/* 1 when Pango's lines are good enough as they are, measured from their
 * glyphs without building the per-character tables: no kinsoku fault and
 * every line within comfortable stretch or shrink, as S_greedy_ok judges
 * them. Most blocks end here (headings, captions, cells, and many
 * paragraphs), at the cost of one pass over their glyphs. */
static int S_quick_ok(PangoLayout *layout, const nb_lb_opts *o) {
  nb_space_opts so;
  double em = o->em * PANGO_SCALE;
  int nlines = pango_layout_get_line_count(layout), i = 0;
  GSList *l;
  so.em = o->em;
  so.autospace = o->autospace;
  if (nlines > 1 && nb_kinsoku_find_violation(layout) >= 0)
    return 0;
  for (l = pango_layout_get_lines_readonly(layout); l; l = l->next, i++) {
    PangoLayoutLine *line = l->data;
    nb_line_stats st;
    int first = i == 0 || line->is_paragraph_start;
    double w = (o->width - (first ? o->indent : 0)) * PANGO_SCALE, d, r;
    if (nb_line_measure(line, &so, &st) != 0)
      continue;
    d = w - st.natural;
    if (d < 0) {
      double sh = st.shrink_glue + (o->justify ? st.shrink_space : 0);
      if (-d > sh)
        return 0;
      r = NB_LB_SHRINK_COST * -d / sh;
    } else if (nb_line_is_last(layout, i, nlines)) {
      if (o->justify && !first && st.visible <= 3)
        return 0;
      r = 0;
    } else if (!o->justify) {
      r = d / (3 * em);
    } else if (d <= 0.01 * em) {
      r = 0;
    } else {
      if (st.stretch <= 0 || d > st.cap + 0.5)
        return 0;
      r = d / st.stretch;
    }
    if (r > 1)
      return 0; /* badness over 100 */
  }
  return 1;
}

int nb_linebreak(PangoLayout *layout, nb_buf *text, PangoAttrList *attrs,
                 nb_link *links, size_t nlinks, const nb_lb_opts *o) {
  lb b;
  int nla = 0, n, i, nc = 0, nl = 0, k, rc = -1, same;
  HyphenDict *dict;
  const PangoLogAttr *la;
  const char *t;
  cand *c = NULL;
  int *from = NULL, *line = NULL;
  line_fit *fits = NULL;
  double em = o->em * PANGO_SCALE;
  GSList *l;
  if (!text->data || text->len == 0 || S_quick_ok(layout, o))
    return 0;
  /* a block of hundreds of kilobytes (hostile input, a pasted log) would
   * take a hundred bytes a character here: Pango's lines do */
  if (text->len > NB_LB_MAX_BYTES)
    return -1;
  la = pango_layout_get_log_attrs_readonly(layout, &nla);
  n = nla - 1;
  if (n <= 0)
    return 0;
  if (S_lb_alloc(&b, n) != 0)
    return -1;
  t = text->data;
  for (i = 0, k = 0; i < n && (size_t)k < text->len; i++) {
    uint32_t cp = 0;
    size_t m = nb_utf8_decode((const unsigned char *)t + k,
                              text->len - (size_t)k, &cp);
    b.offs[i] = k;
    b.cp[i] = cp;
    b.cls[i] = (unsigned char)nb_char_class(cp);
    k += m ? (int)m : 1;
  }
  if (i != n)
    goto done; /* Pango counted otherwise: leave its lines */
  b.offs[n] = (int)text->len;
  if (S_advances(&b, layout, o->em * PANGO_SCALE) != 0)
    goto done;
  S_gaps(&b, em, o->autospace * em, o->justify);
  /* hyphenation only for paragraphs Pango did not set well */
  c = S_candidates(&b, la, o, NULL, &nc);
  if (!c || nc < 2)
    goto done;
  if (S_greedy_ok(&b, o, c, nc, layout)) {
    rc = 0;
    goto done;
  }
  if ((dict = nb_hyphen_dict(o->hyph)) != NULL) {
    free(c);
    c = S_candidates(&b, la, o, dict, &nc);
    if (!c || nc < 2)
      goto done;
  }
  from = nb_calloc((size_t)nc, sizeof *from);
  line = nb_calloc((size_t)nc + 1, sizeof *line);
  fits = nb_calloc((size_t)nc, sizeof *fits);
  if (!from || !line || !fits)
    goto done;
  S_best(&b, o, c, nc, from);
  /* the chosen candidates, first to last */
  for (k = nc - 1; k > 0; k = from[k])
    nl++;
  for (i = nl, k = nc - 1; i >= 0; i--) {
    line[i] = k;
    if (k > 0)
      k = from[k];
  }
  /* is it what Pango did? */
  same = 1;
  for (k = 0; k < nl; k++) {
    const cand *a0 = &c[line[k]], *a1 = &c[line[k + 1]];
    fits[k] = S_fit(&b, o, a0->pos, a1->pos, a1->flags, 0);
    if ((k + 1 < nl && (a1->flags & F_HYPH)) || fits[k].halt_end ||
        fits[k].halt_start)
      same = 0;
  }
  for (k = 0, l = pango_layout_get_lines_readonly(layout); l && same;
       l = l->next, k++) {
    PangoLayoutLine *pl = l->data;
    if (k >= nl || pl->start_index != b.offs[c[line[k]].pos])
      same = 0;
  }
  if (k != nl)
    same = 0;
  rc = 0;
  if (!same)
    rc = S_impose(layout, text, attrs, links, nlinks, &b, c, line, nl, fits,
                  o->latin_family);
done:
  free(c);
  free(from);
  free(line);
  free(fits);
  S_lb_free(&b);
  return rc;
}

/* Loaded patterns, kept for the process: a book switches languages
 * article by article, and reading a pattern file costs milliseconds. */
#define MAX_DICTS 8
struct nb_hyph {
  char path[96];
  HyphenDict *dict; /* NULL: not read (yet, or the file could not be) */
  int reading;
};
static pthread_mutex_t S_dict_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t S_dict_read = PTHREAD_COND_INITIALIZER;
static nb_hyph S_dicts[MAX_DICTS];
static int S_ndicts;

static void *S_read(void *arg) {
  nb_hyph *h = arg;
  HyphenDict *d = NULL;
  /* libhyphen may complain on stderr about a file it cannot open: open
   * it here */
  FILE *f = fopen(h->path, "r");
  if (f) {
    d = hnj_hyphen_load_file(f);
    fclose(f);
  }
  pthread_mutex_lock(&S_dict_lock);
  h->dict = d;
  h->reading = 0;
  pthread_cond_broadcast(&S_dict_read);
  pthread_mutex_unlock(&S_dict_lock);
  return NULL;
}

/* The patterns of @p path, being read on a thread of their own (or read
 * here when no thread can be made); NULL when there is no such file or
 * eight languages are kept already. */
static nb_hyph *S_load(const char *path) {
  nb_hyph *h = NULL;
  pthread_attr_t attr;
  pthread_t t;
  int i, made = 0, started = 0;
  pthread_mutex_lock(&S_dict_lock);
  for (i = 0; i < S_ndicts; i++)
    if (strcmp(S_dicts[i].path, path) == 0) {
      h = &S_dicts[i];
      goto done;
    }
  if (S_ndicts == MAX_DICTS || access(path, R_OK) != 0)
    goto done; /* no such file, or a ninth language: not hyphenated */
  h = &S_dicts[S_ndicts++];
  snprintf(h->path, sizeof h->path, "%s", path);
  h->reading = 1;
  made = 1;
  if (pthread_attr_init(&attr) == 0) {
    started =
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
        pthread_create(&t, &attr, S_read, h) == 0;
    pthread_attr_destroy(&attr);
  }
done:
  pthread_mutex_unlock(&S_dict_lock);
  if (made && !started)
    S_read(h);
  return h;
}

HyphenDict *nb_hyphen_dict(nb_hyph *h) {
  HyphenDict *d;
  if (!h)
    return NULL;
  pthread_mutex_lock(&S_dict_lock);
  while (h->reading)
    pthread_cond_wait(&S_dict_read, &S_dict_lock);
  d = h->dict;
  pthread_mutex_unlock(&S_dict_lock);
  return d;
}

nb_hyph *nb_hyphen_load(const char *lang) {
  char l[16], path[96];
  size_t i;
  nb_hyph *d;
  if (!lang || !*lang)
    return NULL;
  for (i = 0; lang[i] && i + 1 < sizeof l; i++)
    l[i] = lang[i] == '-' ? '_' : lang[i];
  l[i] = '\0';
  if (strncmp(l, "zh", 2) == 0 || strncmp(l, "ja", 2) == 0 ||
      strncmp(l, "ko", 2) == 0)
    snprintf(l, sizeof l, "en_US");
  /* "en_GB" as given, then the language alone, then its usual region */
  if (strlen(l) > 2) {
    int n = (int)strcspn(l, "_");
    if (l[n] == '_' && l[n + 1]) {
      l[n + 1] = (char)g_ascii_toupper(l[n + 1]);
      if (l[n + 2])
        l[n + 2] = (char)g_ascii_toupper(l[n + 2]);
    }
    snprintf(path, sizeof path, "/usr/share/hyphen/hyph_%s.dic", l);
    if ((d = S_load(path)) != NULL)
      return d;
  }
  l[strcspn(l, "_")] = '\0';
  for (i = 0; l[i]; i++)
    l[i] = (char)g_ascii_tolower(l[i]);
  snprintf(path, sizeof path, "/usr/share/hyphen/hyph_%s.dic", l);
  if ((d = S_load(path)) != NULL)
    return d;
  if (strcmp(l, "en") == 0)
    return S_load("/usr/share/hyphen/hyph_en_US.dic");
  return NULL;
}
