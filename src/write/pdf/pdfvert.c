/* Vertical fonts in a vertical book's PDF (see pdfvert.h, pdftags.h).
 *
 * Cairo 1.16 only writes horizontal fonts (Identity-H): a column of
 * upright glyphs drawn with one reads to text extractors as a stack of
 * one-character lines, each column's first characters side by side. A
 * vertical font (Identity-V) advances each glyph down its column, so
 * extractors read the column as a line, in order. Each glyph of such a
 * font is placed with its vertical origin (the current point) at a
 * position vector from its horizontal one: /W2 gives every glyph
 * (0, -NB_PDF_VERT_ORIGIN em), the foot of its em box, where pdftotext
 * takes a vertical glyph to end. Cairo placed each glyph by its
 * horizontal origin; so every content stream using such a font gets a
 * Td moving the text position by that vector before the font's glyphs
 * are shown, and back before another font's: each glyph lands exactly
 * where Cairo drew it, with the same pixels in every renderer. (The
 * range form of /W2 is misread by Ghostscript 10.0's PDF interpreter;
 * the array form is written.) The same fonts' ToUnicode maps get what
 * the glyphs Cairo drew inside ActualText spans stand for (below). */
#include "write/pdf/pdfvert.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "write/pdf/pdftags.h"

#define MAX_PAGES 1000000
#define MAX_CID 65535

void nb_pdfvert_free(nb_pdfvert *v) {
  size_t i, k;
  for (i = 0; i < v->npages; i++) {
    for (k = 0; k < v->pages[i].nnames; k++)
      free(v->pages[i].names[k]);
    free(v->pages[i].names);
    free(v->pages[i].objs);
  }
  free(v->pages);
  for (i = 0; i < v->nfonts; i++)
    if (v->chars[i])
      g_hash_table_destroy(v->chars[i]);
  free(v->chars);
  free(v->fonts);
  free(v->kind);
  memset(v, 0, sizeof *v);
}

static int S_delim(char c) {
  return c == '\0' || c == ' ' || c == '\n' || c == '\r' || c == '\t' ||
         c == '\f' || c == '/' || c == '[' || c == ']' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '{' || c == '}' || c == '%';
}

static int S_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
         c == '\0';
}

/* The name at @p p (after its '/') into @p out; the end, or NULL. */
static const char *S_name(const char *p, char *out, size_t size) {
  size_t n = 0;
  if (*p != '/')
    return NULL;
  for (p++; !S_delim(*p); p++)
    if (n + 1 < size)
      out[n++] = *p;
  out[n] = '\0';
  return p;
}

/* 1 when the name value after key @p key of dictionary @p d ends with the
 * vertical fonts' suffix. */
static int S_marked(const char *d, const char *key) {
  const char *p = nb_pdfr_key(d, key);
  char name[256];
  size_t n, s = strlen(NB_PDF_VERT_SUFFIX);
  if (!p || !S_name(nb_pdfr_ws(p), name, sizeof name))
    return 0;
  n = strlen(name);
  return n > s && strcmp(name + n - s, NB_PDF_VERT_SUFFIX) == 0;
}

/* 1 when object @p num is a vertical font (classified once). */
static int S_is_vfont(nb_pdfvert *v, nb_pdfr *r, int num, nb_buf *d) {
  if (num <= 0 || num >= r->size)
    return 0;
  if (!v->kind[num]) {
    v->kind[num] = 2;
    if (nb_pdfr_obj(r, num, d) == 0 && nb_pdfr_key(d->data, "/Type0") &&
        S_marked(d->data, "/BaseFont")) {
      if (v->nfonts == v->capfonts) {
        size_t cap = v->capfonts ? v->capfonts * 2 : 8;
        int *nf = nb_reallocarray(v->fonts, cap, sizeof *nf);
        GHashTable **nc;
        if (!nf)
          return -1;
        v->fonts = nf;
        if (!(nc = nb_reallocarray(v->chars, cap, sizeof *nc)))
          return -1;
        v->chars = nc;
        v->capfonts = cap;
      }
      v->chars[v->nfonts] = NULL;
      v->fonts[v->nfonts++] = num;
      v->kind[num] = 1;
    }
  }
  return v->kind[num] == 1;
}

/* The dictionary value of key @p key in @p d: inline ("<<...>>", copied
 * to @p out) or a reference (read into @p out). 0 or -1. */
static int S_subdict(nb_pdfr *r, const char *d, const char *key, nb_buf *out) {
  const char *p = nb_pdfr_key(d, key);
  int ref;
  if (!p)
    return -1;
  p = nb_pdfr_ws(p);
  if (p[0] == '<' && p[1] == '<') {
    int depth = 0;
    const char *q = p;
    for (; *q; q++) {
      if (q[0] == '<' && q[1] == '<') {
        depth++;
        q++;
      } else if (q[0] == '>' && q[1] == '>') {
        q++;
        if (--depth == 0)
          break;
      }
    }
    if (!*q)
      return -1;
    out->len = 0;
    nb_buf_append(out, p, (size_t)(q + 1 - p));
    return out->failed ? -1 : 0;
  }
  ref = nb_pdfr_ref(p, NULL);
  return ref > 0 ? nb_pdfr_obj(r, ref, out) : -1;
}

/* Page @p page: note it when its resources have vertical fonts. */
static int S_page(nb_pdfvert *v, nb_pdfr *r, int page, nb_buf *d, nb_buf *res,
                  nb_buf *fonts) {
  const char *p, *c;
  nb_vpage *vp = NULL;
  int contents;
  if (nb_pdfr_obj(r, page, d) != 0 || !(c = nb_pdfr_key(d->data, "/Contents")))
    return 0;
  contents = nb_pdfr_ref(c, NULL);
  if (S_subdict(r, d->data, "/Resources", res) != 0 ||
      S_subdict(r, res->data, "/Font", fonts) != 0)
    return 0;
  p = nb_pdfr_ws(fonts->data + 2);
  while (*p == '/') {
    char name[128];
    const char *e;
    int num;
    p = S_name(p, name, sizeof name);
    if (!p || (num = nb_pdfr_ref(p, &e)) <= 0)
      break;
    p = nb_pdfr_ws(e);
    switch (S_is_vfont(v, r, num, d)) {
    case -1: return -1;
    case 0: continue;
    default: break;
    }
    if (contents <= 0)
      return -1; /* drawn with a vertical font, but not by a stream we read */
    if (!vp) {
      if (v->npages == v->cappages) {
        size_t cap = v->cappages ? v->cappages * 2 : 64;
        nb_vpage *np = nb_reallocarray(v->pages, cap, sizeof *np);
        if (!np)
          return -1;
        v->pages = np;
        v->cappages = cap;
      }
      vp = &v->pages[v->npages++];
      memset(vp, 0, sizeof *vp);
      vp->page = page;
      vp->contents = contents;
    }
    {
      char **nn = nb_reallocarray(vp->names, vp->nnames + 1, sizeof *nn);
      int *no;
      if (!nn)
        return -1;
      vp->names = nn;
      if (!(no = nb_reallocarray(vp->objs, vp->nnames + 1, sizeof *no)))
        return -1;
      vp->objs = no;
      if (!(vp->names[vp->nnames] = nb_strdup(name)))
        return -1;
      vp->objs[vp->nnames] = num;
      vp->nnames++;
    }
  }
  return 0;
}

int nb_pdfvert_scan(nb_pdfvert *v, nb_pdfr *r, const char *cat) {
  nb_buf d = NB_BUF_INIT, res = NB_BUF_INIT, fonts = NB_BUF_INIT;
  int *stack = NULL, rc = -1, root;
  size_t sp = 0, cap = 0, seen = 0;
  const char *p = nb_pdfr_key(cat, "/Pages");
  memset(v, 0, sizeof *v);
  if (!p || (root = nb_pdfr_ref(p, NULL)) <= 0 || root >= r->size ||
      !(v->kind = nb_calloc((size_t)r->size, 1)))
    goto done;
  /* the page tree, depth first, in order; kind[] marks visited nodes 3 */
  if (!(stack = nb_reallocarray(NULL, 64, sizeof *stack)))
    goto done;
  cap = 64;
  stack[sp++] = root;
  while (sp > 0) {
    int node = stack[--sp], ref;
    const char *k, *e;
    size_t first = sp, i;
    if (node <= 0 || node >= r->size || v->kind[node] || ++seen > MAX_PAGES ||
        nb_pdfr_obj(r, node, &d) != 0)
      goto done;
    v->kind[node] = 3;
    if (!(k = nb_pdfr_key(d.data, "/Kids"))) {
      /* a page; its fonts are classified afresh */
      v->kind[node] = 2;
      if (S_page(v, r, node, &d, &res, &fonts) != 0)
        goto done;
      continue;
    }
    k = nb_pdfr_ws(k);
    if (*k != '[')
      goto done;
    for (k++; *(k = nb_pdfr_ws(k)) != ']'; k = e) {
      if ((ref = nb_pdfr_ref(k, &e)) <= 0)
        goto done;
      if (sp == cap) {
        int *ns = nb_reallocarray(stack, cap * 2, sizeof *ns);
        if (!ns)
          goto done;
        stack = ns;
        cap *= 2;
      }
      stack[sp++] = ref;
    }
    /* the kids in order: first on top */
    for (i = 0; first + i < sp - 1 - i; i++) {
      int t = stack[first + i];
      stack[first + i] = stack[sp - 1 - i];
      stack[sp - 1 - i] = t;
    }
  }
  rc = 0;
done:
  free(stack);
  nb_buf_free(&d);
  nb_buf_free(&res);
  nb_buf_free(&fonts);
  return rc;
}

nb_vpage *nb_pdfvert_page(const nb_pdfvert *v, int page) {
  size_t i;
  for (i = 0; i < v->npages; i++)
    if (v->pages[i].page == page)
      return &v->pages[i];
  return NULL;
}

/* ## The fonts */

/* @p d (a dictionary's text, "<<...>>") into @p out without its final
 * ">>", the suffix taken off the name after @p key (when there is one)
 * and @p from replaced by @p to (when given and found). 0 or -1. */
static int S_edit(const char *d, const char *key, const char *from,
                  const char *to, nb_buf *out) {
  const char *end = strrchr(d, '>'), *p, *cut = NULL, *rep = NULL;
  size_t s = strlen(NB_PDF_VERT_SUFFIX), i;
  out->len = 0;
  if (!end || end == d || end[-1] != '>')
    return -1;
  end--;
  if ((p = nb_pdfr_key(d, key)) != NULL) {
    p = nb_pdfr_ws(p);
    if (*p == '/') {
      for (p++; !S_delim(*p); p++)
        ;
      if ((size_t)(p - d) > s && strncmp(p - s, NB_PDF_VERT_SUFFIX, s) == 0)
        cut = p - s;
    }
  }
  if (from)
    rep = nb_pdfr_key(d, from) ? strstr(d, from) : NULL;
  for (i = 0; d + i < end; i++) {
    if (d + i == cut) {
      i += s - 1;
      continue;
    }
    if (d + i == rep) {
      nb_buf_puts(out, to);
      i += strlen(from) - 1;
      continue;
    }
    nb_buf_putc(out, d[i]);
  }
  return out->failed ? -1 : 0;
}

/* The highest CID of a CIDFont's /W array (@p d its dictionary), or -1. */
static long S_max_cid(const char *d) {
  const char *p = nb_pdfr_key(d, "/W");
  long max = -1;
  char *e;
  if (!p || *(p = nb_pdfr_ws(p)) != '[')
    return -1;
  for (p++;;) {
    long c;
    p = nb_pdfr_ws(p);
    if (*p == ']')
      return max;
    c = strtol(p, &e, 10);
    if (e == p || c < 0)
      return -1;
    p = nb_pdfr_ws(e);
    if (*p == '[') {
      long n = 0;
      for (p++; *(p = nb_pdfr_ws(p)) != ']'; p = e, n++) {
        strtod(p, &e);
        if (e == p)
          return -1;
      }
      p++;
      if (n > 0 && c + n - 1 > max)
        max = c + n - 1;
    } else {
      long c2 = strtol(p, &e, 10);
      if (e == p)
        return -1;
      p = nb_pdfr_ws(e);
      strtod(p, &e);
      if (e == p)
        return -1;
      p = e;
      if (c2 > max)
        max = c2;
    }
    if (max > MAX_CID)
      return -1;
  }
}

/* Type0 font @p num, its CIDFont and descriptor, made vertical. */
static int S_font(nb_pdfr *r, nb_pdfu *u, long base, int num) {
  nb_buf d = NB_BUF_INIT, e = NB_BUF_INIT, add = NB_BUF_INIT;
  const char *p;
  int cid, desc, rc = -1;
  long max, i;
  if (nb_pdfr_obj(r, num, &d) != 0 ||
      !(p = nb_pdfr_key(d.data, "/DescendantFonts")))
    goto done;
  p = nb_pdfr_ws(p);
  if (*p == '[')
    p++;
  if ((cid = nb_pdfr_ref(p, NULL)) <= 0 ||
      S_edit(d.data, "/BaseFont", "/Identity-H", "/Identity-V", &e) != 0 ||
      !strstr(e.data ? e.data : "", "/Identity-V") ||
      nb_pdfu_emit(u, base, num, e.data, e.len, "") != 0)
    goto done;
  if (nb_pdfr_obj(r, cid, &d) != 0 || nb_pdfr_key(d.data, "/W2") ||
      (max = S_max_cid(d.data)) < 0 ||
      !(p = nb_pdfr_key(d.data, "/FontDescriptor")) ||
      (desc = nb_pdfr_ref(p, NULL)) <= 0)
    goto done;
  /* every glyph a full em down its column, its current point at the foot
   * of its em box */
  nb_buf_puts(&add, " /W2 [ 0 [");
  for (i = 0; i <= max; i++)
    nb_buf_printf(&add, "%s-1000 0 %d", i % 8 ? " " : "\n",
                  (int)lround(-NB_PDF_VERT_ORIGIN * 1000));
  nb_buf_puts(&add, " ] ]\n");
  if (add.failed || S_edit(d.data, "/BaseFont", NULL, NULL, &e) != 0 ||
      nb_pdfu_emit(u, base, cid, e.data, e.len, add.data) != 0)
    goto done;
  if (nb_pdfr_obj(r, desc, &d) != 0 ||
      S_edit(d.data, "/FontName", NULL, NULL, &e) != 0 ||
      nb_pdfu_emit(u, base, desc, e.data, e.len, "") != 0)
    goto done;
  rc = 0;
done:
  nb_buf_free(&d);
  nb_buf_free(&e);
  nb_buf_free(&add);
  return rc;
}

int nb_pdfvert_fonts(const nb_pdfvert *v, nb_pdfr *r, nb_pdfu *u, long base) {
  size_t i;
  for (i = 0; i < v->nfonts; i++)
    if (S_font(r, u, base, v->fonts[i]) != 0)
      return -1;
  return 0;
}

/* ## What glyphs drawn in ActualText spans stand for
 *
 * Cairo draws a cluster of several glyphs (an upright number between two
 * blanks, fontsub_vert.c) as a span whose ActualText is the cluster's
 * text, and maps each of those glyphs to U+FFFD in the font's ToUnicode:
 * pdftotext reads the ActualText, but MuPDF 1.21 and Preview read the
 * glyphs. The spans say what each glyph is: the characters in order,
 * the blank around them read as a space. */

#define SPAN_MAX 256

typedef struct span {
  int open;                     /* inside one: its nesting depth */
  uint32_t text[SPAN_MAX];      /* its ActualText */
  int ntext;                    /* -1: none, or too long */
  unsigned codes[SPAN_MAX + 2]; /* the codes drawn in it */
  int ncodes;                   /* -1: too many */
  int font;                     /* their font; -1 none, -2 several */
} span;

/* The bytes of hex string [@p p, @p e) into @p out (at most @p max): how
 * many, or -1. */
static int S_hex_bytes(const char *p, const char *e, unsigned char *out,
                       int max) {
  int n = 0, hi = -1;
  for (; p < e; p++) {
    int h = nb_hex_value((unsigned char)*p);
    if (h < 0) {
      if (S_ws(*p))
        continue;
      return -1;
    }
    if (hi < 0) {
      hi = h;
      continue;
    }
    if (n == max)
      return -1;
    out[n++] = (unsigned char)(hi << 4 | h);
    hi = -1;
  }
  if (hi >= 0 && n < max)
    out[n++] = (unsigned char)(hi << 4);
  return n;
}

/* ActualText [@p p, @p e) (UTF-16BE, its mark) into @p sp. */
static void S_span_text(span *sp, const char *p, const char *e) {
  unsigned char b[4 * SPAN_MAX + 2];
  int n = S_hex_bytes(p, e, b, (int)sizeof b), i = 0;
  sp->ntext = -1;
  if (n < 2 || n % 2)
    return;
  if (b[0] == 0xfe && b[1] == 0xff)
    i = 2;
  sp->ntext = 0;
  while (i + 1 < n) {
    uint32_t c = (uint32_t)b[i] << 8 | b[i + 1];
    i += 2;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t lo = (uint32_t)b[i] << 8 | b[i + 1];
      i += 2;
      c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (sp->ntext == SPAN_MAX) {
      sp->ntext = -1;
      return;
    }
    sp->text[sp->ntext++] = c;
  }
}

/* The two-byte codes of a string operand [@p p, @p e) drawn in font
 * @p font, into @p sp. */
static void S_span_codes(span *sp, int font, const char *p, const char *e) {
  unsigned char b[2 * (SPAN_MAX + 2)];
  int n = S_hex_bytes(p, e, b, (int)sizeof b), i;
  if (sp->ncodes < 0)
    return;
  if (n < 0 || n % 2) {
    sp->ncodes = -1;
    return;
  }
  if (n && sp->font != font)
    sp->font = sp->font == -1 ? font : -2;
  for (i = 0; i + 1 < n; i += 2) {
    if (sp->ncodes == SPAN_MAX + 2) {
      sp->ncodes = -1;
      return;
    }
    sp->codes[sp->ncodes++] = (unsigned)b[i] << 8 | b[i + 1];
  }
}

static void S_note(nb_pdfvert *v, int font, unsigned code, uint32_t c) {
  gpointer old;
  GHashTable *t = v->chars[font];
  if (!t && !(t = v->chars[font] = g_hash_table_new(NULL, NULL)))
    return;
  if (g_hash_table_lookup_extended(t, GUINT_TO_POINTER(code), NULL, &old)) {
    if (GPOINTER_TO_UINT(old) != c) /* two meanings: neither */
      g_hash_table_insert(t, GUINT_TO_POINTER(code),
                          GUINT_TO_POINTER(0xffffffffu));
    return;
  }
  g_hash_table_insert(t, GUINT_TO_POINTER(code), GUINT_TO_POINTER(c));
}

/* A character that draws no glyph (a soft hyphen, a zero-width space or
 * joiner). */
static int S_invisible(uint32_t c) {
  return c == 0xad || (c >= 0x200b && c <= 0x200d) || c == 0x2060 ||
         c == 0xfeff;
}

/* A span ended: its glyphs are its visible characters, one each, between
 * two blanks (a space: the blank of a face without an ideographic space
 * is its space glyph, which draws the text's spaces too) or not. */
static void S_span_end(nb_pdfvert *v, span *sp) {
  uint32_t vis[SPAN_MAX];
  int k, n = 0, first = 0;
  if (sp->font < 0 || sp->ntext <= 0 || sp->ncodes < 0)
    return;
  for (k = 0; k < sp->ntext; k++)
    if (!S_invisible(sp->text[k]))
      vis[n++] = sp->text[k];
  if (sp->ncodes == n + 2 && sp->codes[0] == sp->codes[sp->ncodes - 1]) {
    S_note(v, sp->font, sp->codes[0], ' ');
    first = 1;
  } else if (sp->ncodes != n) {
    return;
  }
  for (k = 0; k < n; k++)
    S_note(v, sp->font, sp->codes[first + k], vis[k]);
}

/* ## The pages' text positions */

typedef struct tstate {
  int vert;    /* the current font is vertical */
  double size; /* its size (Tf) */
  int font;    /* that font's index in nb_pdfvert.fonts, or -1 */
} tstate;

int nb_pdfvert_content(nb_pdfvert *v, const nb_vpage *vp, nb_buf *content) {
  const char *d = content->data;
  size_t n = content->len, i = 0, opstart = 0, copied = 0, k;
  nb_buf out = NB_BUF_INIT;
  tstate cur = {0, 1, -1}, stack[64];
  int sp = 0, at_next = 0, nstr = 0, marked = 0;
  double applied = 0, num = 1;
  char name[128] = "";
  span at = {0}, pending = {0};
  const char *str[16], *str_end[16]; /* string operands since the last
                                        operator */
  pending.ntext = -1;
  if (!d)
    return 0;
  while (i < n) {
    char c = d[i];
    size_t start;
    if (S_ws(c)) {
      i++;
      continue;
    }
    if (c == '%') {
      while (i < n && d[i] != '\n' && d[i] != '\r')
        i++;
      continue;
    }
    if (c == '(') {
      int depth = 0;
      for (; i < n; i++) {
        if (d[i] == '\\') {
          i++;
          continue;
        }
        if (d[i] == '(')
          depth++;
        else if (d[i] == ')' && --depth == 0)
          break;
      }
      i++;
      continue;
    }
    if (c == '<') {
      size_t from = i + 1;
      if (i + 1 < n && d[i + 1] == '<') {
        i += 2;
        continue;
      }
      while (i < n && d[i] != '>')
        i++;
      if (at_next)
        S_span_text(&pending, d + from, d + i);
      else if (nstr < 16) {
        str[nstr] = d + from;
        str_end[nstr++] = d + i;
      }
      at_next = 0;
      i++;
      continue;
    }
    if (c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == ')') {
      i++;
      continue;
    }
    if (c == '/') {
      size_t m = 0;
      for (i++; i < n && !S_delim(d[i]); i++)
        if (m + 1 < sizeof name)
          name[m++] = d[i];
      name[m] = '\0';
      at_next = strcmp(name, "ActualText") == 0;
      continue;
    }
    start = i;
    while (i < n && !S_delim(d[i]))
      i++;
    if (i == start) {
      i++;
      continue;
    }
    if ((d[start] >= '0' && d[start] <= '9') || d[start] == '-' ||
        d[start] == '+' || d[start] == '.') {
      num = strtod(d + start, NULL);
      continue;
    }
    /* an operator */
#define OP(s)                                                                  \
  (i - start == sizeof(s) - 1 && memcmp(d + start, s, i - start) == 0)
    if (OP("true") || OP("false") || OP("null"))
      continue; /* operands, inside dictionaries */
    if (OP("BT") || OP("ET") || OP("Tm")) {
      applied = 0;
    } else if (OP("BDC") || OP("BMC")) {
      marked++;
      if (!at.open && OP("BDC") && pending.ntext > 0) {
        at = pending;
        at.open = marked;
        at.ncodes = 0;
        at.font = -1;
      }
      pending.ntext = -1;
    } else if (OP("EMC")) {
      if (at.open && at.open == marked)
        S_span_end(v, &at);
      if (at.open >= marked)
        at.open = 0;
      if (marked > 0)
        marked--;
    } else if (OP("Tf")) {
      size_t f;
      cur.size = num;
      cur.vert = 0;
      cur.font = -1;
      for (k = 0; k < vp->nnames; k++)
        if (strcmp(name, vp->names[k]) == 0) {
          cur.vert = 1;
          for (f = 0; f < v->nfonts; f++)
            if (v->fonts[f] == vp->objs[k])
              cur.font = (int)f;
        }
    } else if (OP("q")) {
      if (sp < (int)(sizeof stack / sizeof stack[0]))
        stack[sp] = cur;
      sp++;
    } else if (OP("Q")) {
      if (sp > 0 && --sp < (int)(sizeof stack / sizeof stack[0]))
        cur = stack[sp];
    } else if (OP("Tj") || OP("TJ") || OP("'") || OP("\"")) {
      double want = cur.vert ? -NB_PDF_VERT_ORIGIN * cur.size : 0;
      int m;
      if (at.open)
        for (m = 0; m < nstr; m++)
          S_span_codes(&at, cur.vert ? cur.font : -2, str[m], str_end[m]);
      if (fabs(want - applied) > 1e-9) {
        nb_buf_append(&out, d + copied, opstart - copied);
        nb_buf_printf(&out, "\n0 %.6g Td", want - applied);
        copied = opstart;
        applied = want;
      }
    } else if (OP("BI")) {
      /* an inline image: its data run to EI */
      while (i + 2 < n && !(S_ws(d[i]) && d[i + 1] == 'E' && d[i + 2] == 'I' &&
                            (i + 3 >= n || S_delim(d[i + 3]))))
        i++;
      i += 3;
    }
#undef OP
    opstart = i;
    nstr = 0;
    at_next = 0;
  }
  if (copied == 0) {
    nb_buf_free(&out);
    return 0;
  }
  nb_buf_append(&out, d + copied, n - copied);
  if (out.failed) {
    nb_buf_free(&out);
    return -1;
  }
  nb_buf_free(content);
  *content = out;
  return 0;
}

/* ## The fonts' ToUnicode maps */

/* ToUnicode map @p in with each "<code> <fffd>" whose code @p t knows
 * mapped to it instead, into @p out. How many were. */
static int S_remap(const nb_buf *in, GHashTable *t, nb_buf *out) {
  static const char tail[] = "> <fffd>";
  const char *p = in->data, *end = in->data + in->len, *q;
  int n = 0;
  out->len = 0;
  while ((q = strstr(p, tail)) != NULL && q < end) {
    const char *open = q;
    unsigned code = 0;
    gpointer c;
    int ok = 1;
    while (open > p && open[-1] != '<')
      open--;
    if (open == p || q - open < 2 || q - open > 8)
      ok = 0;
    for (const char *h = open; ok && h < q; h++)
      if (nb_hex_value((unsigned char)*h) < 0)
        ok = 0;
      else
        code = code << 4 | (unsigned)nb_hex_value((unsigned char)*h);
    if (ok &&
        g_hash_table_lookup_extended(t, GUINT_TO_POINTER(code), NULL, &c) &&
        GPOINTER_TO_UINT(c) != 0xffffffffu) {
      nb_buf_append(out, p, (size_t)(q - p));
      nb_buf_puts(out, "> <");
      nb_pdfu_utf16(out, GPOINTER_TO_UINT(c));
      nb_buf_putc(out, '>');
      n++;
    } else {
      nb_buf_append(out, p, (size_t)(q + sizeof tail - 1 - p));
    }
    p = q + sizeof tail - 1;
  }
  nb_buf_append(out, p, (size_t)(end - p));
  return n;
}

int nb_pdfvert_to_unicode(const nb_pdfvert *v, nb_pdfr *r, nb_pdfu *u,
                          long base) {
  nb_buf d = NB_BUF_INIT, map = NB_BUF_INIT, out = NB_BUF_INIT;
  size_t i;
  int rc = 0;
  for (i = 0; i < v->nfonts && rc == 0; i++) {
    const char *p;
    int tu;
    if (!v->chars[i] || g_hash_table_size(v->chars[i]) == 0)
      continue;
    /* a map that is not as Cairo writes it stays as it is */
    if (nb_pdfr_obj(r, v->fonts[i], &d) != 0 ||
        !(p = nb_pdfr_key(d.data, "/ToUnicode")) ||
        (tu = nb_pdfr_ref(p, NULL)) <= 0 || nb_pdfr_content(r, tu, &map) != 0)
      continue;
    if (S_remap(&map, v->chars[i], &out) > 0)
      rc = out.failed ? -1 : nb_pdfu_stream(u, base, tu, &out);
  }
  nb_buf_free(&d);
  nb_buf_free(&map);
  nb_buf_free(&out);
  return rc;
}
