/* Embedded fonts: subsets of the theme's body, heading and code faces,
 * holding only the characters the book shows, so that a reading system
 * without CJK fonts (or Kobo's "publisher default") shows the book as
 * designed.
 *
 * Which face draws which character is decided as a browser would: every
 * page the writer made is read back (libxml2), each text node takes the
 * role of its element (body text; headings; the sans of kickers, bylines
 * and CJK emphasis; code) and the page's language (Simplified,
 * Traditional, Hong Kong, Japanese or Korean faces, as the theme's :lang
 * rules choose them), the role's font-family list comes from the theme
 * (src/style), and each character goes to the first installed family in
 * the list that has it (fontconfig). Each face is then cut down to its
 * characters with HarfBuzz's subsetter (font/hbsubset.c), which keeps the
 * layout features the text needs (vertical forms among them), and declared
 * with @font-face under the family name the theme asks for, so the theme
 * picks the embedded face without change.
 *
 * Same book, same machine, same bytes: faces are listed in a fixed order
 * and the subsetter is deterministic. Nothing here fails the book: a face
 * that cannot be found or cut is left to the reading system, and said. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fontconfig/fontconfig.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "font/hbsubset.h"
#include "style/css.h"
#include "util/pool.h"
#include "write/epub/epub.h"

/* What a text node is set in. */
enum { S_BODY, S_HEADING, S_SANS, S_CODE, S_NROLES };
/* The regional faces, as the theme's :lang rules pick them. */
enum { S_SC, S_TC, S_HK, S_JP, S_KR, S_NVARIANTS };
static const char *const S_variant_suffix[S_NVARIANTS] = {"SC", "TC", "HK",
                                                          "JP", "KR"};

/* One installed face, and the characters it will hold. */
typedef struct S_face {
  char *file;
  int index;
  int weight;      /* CSS weight of the face found (400, 700...) */
  char *family;    /* the family name the theme asks for */
  hb_set_t *chars; /* what it draws */
  unsigned char *data;
  size_t size; /* the subset, once made */
  int cff;     /* OpenType with CFF outlines (.otf), else TrueType */
} S_face;

typedef struct S_fonts {
  nb_epub_book *ep;
  hb_set_t *uses[S_NROLES][S_NVARIANTS];
  S_face **faces;
  size_t nfaces, capfaces;
  const nb_hb_subset_api *hb;
} S_fonts;

/* ## Which characters each role shows */

static int S_variant(const char *lang) {
  if (!lang)
    return S_SC;
  if (strncasecmp(lang, "ja", 2) == 0)
    return S_JP;
  if (strncasecmp(lang, "ko", 2) == 0)
    return S_KR;
  if (strncasecmp(lang, "zh", 2) == 0) {
    const char *p;
    int hant = 0;
    for (p = lang + 2; *p == '-'; p += strcspn(p + 1, "-") + 1) {
      size_t n = strcspn(p + 1, "-");
      if (n == 2 && strncasecmp(p + 1, "HK", 2) == 0)
        return S_HK;
      if ((n == 2 && (strncasecmp(p + 1, "TW", 2) == 0 ||
                      strncasecmp(p + 1, "MO", 2) == 0)) ||
          (n == 4 && strncasecmp(p + 1, "Hant", 4) == 0))
        hant = 1;
    }
    return hant ? S_TC : S_SC;
  }
  return S_SC;
}

static int S_is(const xmlNode *e, const char *name) {
  return xmlStrcasecmp(e->name, (const xmlChar *)name) == 0;
}

static int S_has_class(const xmlNode *e, const char *cls) {
  xmlChar *v = xmlGetProp(e, (const xmlChar *)"class");
  int r = 0;
  if (v) {
    const char *p = (const char *)v;
    size_t n = strlen(cls);
    while ((p = strstr(p, cls)) != NULL) {
      if ((p == (const char *)v || p[-1] == ' ') &&
          (p[n] == '\0' || p[n] == ' ')) {
        r = 1;
        break;
      }
      p += n;
    }
    xmlFree(v);
  }
  return r;
}

/* The role of element @p e inside an element of role @p parent; -1 for
 * what is never shown (the head). */
static int S_role(const xmlNode *e, int parent, int cjk) {
  if (S_is(e, "head") || S_is(e, "script") || S_is(e, "style"))
    return -1;
  if (S_is(e, "pre") || S_is(e, "code") || S_is(e, "kbd") || S_is(e, "samp"))
    return S_CODE;
  if (e->name[0] == 'h' && e->name[1] >= '1' && e->name[1] <= '6' &&
      e->name[2] == '\0')
    return S_HEADING;
  if (parent == S_BODY &&
      (S_has_class(e, "kicker") || S_has_class(e, "byline") ||
       S_has_class(e, "dateline") || S_has_class(e, "source")))
    return S_SANS;
  /* Han and kana have no italic: the theme sets emphasis in the sans */
  if (parent == S_BODY && cjk &&
      (S_is(e, "em") || S_is(e, "i") || S_is(e, "cite") || S_is(e, "dfn") ||
       S_is(e, "var")))
    return S_SANS;
  return parent;
}

static void S_add_text(hb_set_t *set, const xmlChar *s) {
  size_t n = strlen((const char *)s), i = 0;
  while (i < n) {
    uint32_t cp;
    i += nb_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (cp >= 0x20)
      hb_set_add(set, cp);
  }
}

/* Walk one page without recursion: a stack of roles follows the depth. */
static int S_scan_page(S_fonts *f, const nb_buf *page) {
  xmlDocPtr doc = xmlReadMemory(page->data, (int)page->len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_HUGE);
  xmlNode *root, *n;
  xmlChar *lang;
  int *roles = NULL, variant, cjk;
  size_t depth = 0, cap = 0;
  int ok = 1;
  if (!doc) {
    /* deeper than libxml2 reads back: the page stays as written */
    nb_diag_emit(f->ep->diag, NB_SEV_WARNING, "font", NULL, 0, NULL,
                 "a page is nested too deeply to be read back for its "
                 "characters: they are left to the reader's fonts");
    return 1;
  }
  root = xmlDocGetRootElement(doc);
  lang = root ? xmlGetProp(root, (const xmlChar *)"lang") : NULL;
  variant = S_variant((const char *)lang);
  cjk = lang && (strncasecmp((const char *)lang, "zh", 2) == 0 ||
                 strncasecmp((const char *)lang, "ja", 2) == 0 ||
                 strncasecmp((const char *)lang, "ko", 2) == 0);
  xmlFree(lang);
  n = root;
  while (n && ok) {
    int role = depth ? roles[depth - 1] : S_BODY;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (role >= 0 && n->content)
        S_add_text(f->uses[role][variant], n->content);
    } else if (n->type == XML_ELEMENT_NODE && n->children) {
      if (depth == cap) {
        size_t c = cap ? cap * 2 : 64;
        int *r = nb_reallocarray(roles, c, sizeof *r);
        if (!r) {
          ok = 0;
          break;
        }
        roles = r;
        cap = c;
      }
      roles[depth++] = role < 0 ? -1 : S_role(n, role, cjk);
      n = n->children;
      continue;
    }
    /* next sibling, or up until there is one */
    while (n && !n->next && n != root) {
      n = n->parent;
      if (depth)
        depth--;
    }
    n = n && n != root ? n->next : NULL;
  }
  free(roles);
  xmlFreeDoc(doc);
  return ok;
}

/* ## Which installed face draws which character */

/* The computed style of the last element of @p chain. */
static void S_style(const nb_css *css, const nb_css_node *chain, size_t n,
                    nb_style *out) {
  nb_style parent;
  size_t i;
  nb_style_init(&parent);
  for (i = 1; i <= n; i++) {
    nb_css_compute(css, chain, i, &parent, out);
    parent = *out;
  }
}

static int S_generic(const char *name) {
  static const char *const g[] = {"serif",    "sans-serif",    "monospace",
                                  "cursive",  "fantasy",       "system-ui",
                                  "ui-serif", "ui-sans-serif", "ui-monospace",
                                  "emoji",    "math"};
  size_t i;
  for (i = 0; i < sizeof g / sizeof g[0]; i++)
    if (strcasecmp(name, g[i]) == 0)
      return 1;
  return 0;
}

/* The family name @p name for @p variant: the theme names the Simplified
 * Chinese faces, whose siblings differ in the suffix ("Noto Serif CJK SC"
 * -> "Noto Serif CJK TC"), as its :lang rules do. */
static void S_variant_name(const char *name, int variant, char *buf,
                           size_t size) {
  size_t n = strlen(name);
  if (variant != S_SC && n > 3 && strcmp(name + n - 3, " SC") == 0)
    snprintf(buf, size, "%.*s %s", (int)(n - 3), name,
             S_variant_suffix[variant]);
  else
    snprintf(buf, size, "%s", name);
}

static int S_css_weight(int fc_weight) {
  int w = FcWeightToOpenType(fc_weight);
  return w < 100 ? 400 : w > 900 ? 900 : w;
}

/* The installed face of family @p name (exactly: no fontconfig
 * substitute) at @p weight; its entry in @p f (made on first sight), or
 * NULL. @p *cs receives its character set (owned by @p *pat, which the
 * caller destroys). */
static S_face *S_find_face(S_fonts *f, const char *name, int bold,
                           FcPattern **pat, FcCharSet **cs) {
  FcPattern *p = FcPatternCreate();
  FcResult res;
  FcChar8 *fam, *file;
  int i, index = 0, weight = FC_WEIGHT_REGULAR, found = 0;
  size_t k;
  S_face *face;
  *pat = NULL;
  if (!p)
    return NULL;
  FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)name);
  FcPatternAddInteger(p, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddInteger(p, FC_SLANT, FC_SLANT_ROMAN);
  FcConfigSubstitute(NULL, p, FcMatchPattern);
  FcDefaultSubstitute(p);
  *pat = FcFontMatch(NULL, p, &res);
  FcPatternDestroy(p);
  if (!*pat)
    return NULL;
  for (i = 0; FcPatternGetString(*pat, FC_FAMILY, i, &fam) == FcResultMatch;
       i++)
    if (strcasecmp((const char *)fam, name) == 0)
      found = 1;
  if (!found || FcPatternGetString(*pat, FC_FILE, 0, &file) != FcResultMatch ||
      FcPatternGetCharSet(*pat, FC_CHARSET, 0, cs) != FcResultMatch)
    return NULL;
  FcPatternGetInteger(*pat, FC_INDEX, 0, &index);
  FcPatternGetInteger(*pat, FC_WEIGHT, 0, &weight);
  if (index < 0 || index > 0xffff) /* a named instance: not a face to cut */
    return NULL;
  for (k = 0; k < f->nfaces; k++)
    if (f->faces[k]->index == index &&
        strcmp(f->faces[k]->file, (const char *)file) == 0 &&
        strcmp(f->faces[k]->family, name) == 0)
      return f->faces[k];
  if (f->nfaces == f->capfaces) {
    size_t c = f->capfaces ? f->capfaces * 2 : 8;
    S_face **n = nb_reallocarray(f->faces, c, sizeof *n);
    if (!n)
      return NULL;
    f->faces = n;
    f->capfaces = c;
  }
  face = nb_calloc(1, sizeof *face);
  if (!face)
    return NULL;
  face->file = nb_strdup((const char *)file);
  face->family = nb_strdup(name);
  face->index = index;
  face->weight = S_css_weight(weight);
  face->chars = hb_set_create();
  if (!face->file || !face->family ||
      !hb_set_allocation_successful(face->chars)) {
    free(face->file);
    free(face->family);
    hb_set_destroy(face->chars);
    free(face);
    return NULL;
  }
  f->faces[f->nfaces++] = face;
  return face;
}

/* Give each character of @p chars to the first family of @p list (the
 * theme's, comma-separated) whose installed face has it. Returns how many
 * no face has. */
static size_t S_assign(S_fonts *f, const char *list, int bold, int variant,
                       const hb_set_t *chars) {
  hb_set_t *left = hb_set_copy(chars);
  const char *p = list;
  size_t missing;
  while (*p && !hb_set_is_empty(left)) {
    char name[256], vname[256];
    size_t n = strcspn(p, ",");
    const char *s = p;
    FcPattern *pat = NULL;
    FcCharSet *cs = NULL;
    S_face *face;
    p += n + (p[n] == ',');
    while (n && (*s == ' ' || *s == '"' || *s == '\''))
      s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == '\''))
      n--;
    if (!n || n >= sizeof name)
      continue;
    memcpy(name, s, n);
    name[n] = '\0';
    if (S_generic(name))
      continue;
    S_variant_name(name, variant, vname, sizeof vname);
    face = S_find_face(f, vname, bold, &pat, &cs);
    if (face) {
      hb_codepoint_t cp = HB_SET_VALUE_INVALID;
      while (hb_set_next(left, &cp))
        if (FcCharSetHasChar(cs, cp)) {
          hb_set_add(face->chars, cp);
          hb_set_del(left, cp);
        }
    }
    if (pat)
      FcPatternDestroy(pat);
  }
  missing = hb_set_get_population(left);
  hb_set_destroy(left);
  return missing;
}

/* ## Cutting the faces */

static void S_cut(void *ctx, size_t i) {
  S_fonts *f = ctx;
  S_face *face = f->faces[i];
  /* what CJK text asks of a font beyond HarfBuzz's default features:
   * vertical forms and kana, and the proportional and half-width forms
   * punctuation spacing uses */
  static const char feats[][5] = {"vert", "vrt2", "vkna", "vhal", "vpal",
                                  "halt", "palt", "chws", "vchw"};
  hb_blob_t *src, *blob = NULL, *cff;
  hb_face_t *hf, *out = NULL;
  hb_subset_input_t *in;
  hb_subset_plan_t *plan = NULL;
  const char *data;
  unsigned len = 0;
  size_t k;
  hb_set_add(face->chars, 0x20); /* a space of its own, always */
  src = hb_blob_create_from_file_or_fail(face->file);
  if (!src)
    return;
  hf = hb_face_create(src, (unsigned)face->index);
  in = f->hb->input_create();
  if (in) {
    hb_set_union(f->hb->set(in, HB_SUBSET_SETS_UNICODE), face->chars);
    for (k = 0; k < sizeof feats / sizeof feats[0]; k++)
      hb_set_add(f->hb->set(in, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG),
                 hb_tag_from_string(feats[k], 4));
    /* hints are for low-resolution screens of another age: most of a
     * TrueType face's bytes, none of its shapes */
    f->hb->set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    plan = f->hb->plan_create(hf, in);
  }
  if (plan)
    out = f->hb->plan_execute(plan);
  if (out) {
    blob = hb_face_reference_blob(out);
    data = hb_blob_get_data(blob, &len);
    if (data && len && (face->data = malloc(len)) != NULL) {
      memcpy(face->data, data, len);
      face->size = len;
    }
    cff = hb_face_reference_table(out, HB_TAG('C', 'F', 'F', ' '));
    face->cff = hb_blob_get_length(cff) > 0;
    hb_blob_destroy(cff);
  }
  hb_blob_destroy(blob);
  hb_face_destroy(out);
  if (plan)
    f->hb->plan_destroy(plan);
  if (in)
    f->hb->input_destroy(in);
  hb_face_destroy(hf);
  hb_blob_destroy(src);
}

static int S_by_name(const void *a, const void *b) {
  const S_face *x = *(S_face *const *)a, *y = *(S_face *const *)b;
  int c = strcmp(x->family, y->family);
  return c ? c : x->weight - y->weight;
}

/* A file name from the family: ASCII letters and digits only. */
static void S_file_name(const S_face *face, size_t i, char *buf, size_t size) {
  char base[40];
  size_t n = 0;
  const char *s;
  for (s = face->family; *s && n + 1 < sizeof base; s++)
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
        (*s >= '0' && *s <= '9'))
      base[n++] = *s;
  base[n] = '\0';
  snprintf(buf, size, "fonts/%02zu-%s-%d.%s", i + 1, n ? base : "font",
           face->weight, face->cff ? "otf" : "ttf");
}

/* ## The writer's entry */

int nb_epub_embed_fonts(nb_epub_book *ep) {
  static const nb_css_node body[] = {{"html", NULL}, {"body", "article"}};
  static const nb_css_node heading[] = {{"html", NULL},
                                        {"body", "article"},
                                        {"header", "article-head"},
                                        {"h1", "article-title"}};
  static const nb_css_node sans[] = {{"html", NULL},
                                     {"body", "article"},
                                     {"header", "article-head"},
                                     {"p", "kicker"}};
  static const nb_css_node code[] = {
      {"html", NULL}, {"body", "article"}, {"pre", NULL}, {"code", NULL}};
  const nb_css_node *chains[S_NROLES] = {body, heading, sans, code};
  const size_t depths[S_NROLES] = {2, 4, 4, 4};
  S_fonts f;
  nb_style styles[S_NROLES];
  nb_css *css;
  size_t i, missing = 0, total = 0, kept = 0, nitems = ep->nitems;
  int r, v, rc = 0;

  memset(&f, 0, sizeof f);
  f.ep = ep;
  f.hb = nb_hb_subset();
  if (!f.hb) {
    nb_diag_emit(ep->diag, NB_SEV_WARNING, "font", NULL, 0, NULL,
                 "fonts are not embedded: HarfBuzz's subsetter "
                 "(libharfbuzz-subset0) is not installed");
    return 0;
  }
  css = nb_css_parse(ep->theme.data ? ep->theme.data : "", ep->theme.len);
  if (!css)
    return nb_epub_oom(ep);
  for (r = 0; r < S_NROLES; r++) {
    S_style(css, chains[r], depths[r], &styles[r]);
    for (v = 0; v < S_NVARIANTS; v++)
      f.uses[r][v] = hb_set_create();
  }
  nb_css_free(css);
  for (i = 0; i < nitems && rc == 0; i++)
    if (strcmp(ep->items[i].media_type, "application/xhtml+xml") == 0 &&
        !S_scan_page(&f, &ep->items[i].data))
      rc = nb_epub_oom(ep);
  for (r = 0; r < S_NROLES && rc == 0; r++)
    for (v = 0; v < S_NVARIANTS; v++)
      if (!hb_set_is_empty(f.uses[r][v]))
        missing += S_assign(&f, styles[r].font_family, styles[r].bold, v,
                            f.uses[r][v]);
  if (rc == 0 && f.nfaces) {
    qsort(f.faces, f.nfaces, sizeof *f.faces, S_by_name);
    nb_pool_for(f.nfaces, 0, S_cut, &f);
  }
  /* the subsets' bytes belong to the book from here (nb_write_epub frees
   * them), so that manifest items can borrow them */
  if (rc == 0 && f.nfaces &&
      !(ep->font_data = nb_calloc(f.nfaces, sizeof *ep->font_data)))
    rc = nb_epub_oom(ep);
  for (i = 0; rc == 0 && i < f.nfaces; i++) {
    S_face *face = f.faces[i];
    nb_epub_item *it;
    char href[96], id[32];
    if (!face->data) {
      if (!hb_set_is_empty(face->chars))
        nb_diag_emit(ep->diag, NB_SEV_WARNING, "font", face->file, 0, NULL,
                     "cannot cut %s (%d) down to the book's characters: "
                     "not embedded",
                     face->family, face->weight);
      continue;
    }
    ep->font_data[ep->nfont_data++] = face->data;
    face->data = NULL;
    S_file_name(face, kept, href, sizeof href);
    snprintf(id, sizeof id, "font%02zu", kept + 1);
    if (!(it = nb_epub_add_item(ep, href, id,
                                face->cff ? "font/otf" : "font/ttf"))) {
      rc = nb_epub_oom(ep);
      break;
    }
    it->bytes = ep->font_data[ep->nfont_data - 1];
    it->size = face->size;
    nb_buf_printf(&ep->font_css,
                  "@font-face {\n  font-family: \"%s\";\n  font-weight: "
                  "%d;\n  font-style: normal;\n  src: url(\"../%s\");\n}\n",
                  face->family, face->weight, href);
    total += face->size;
    kept++;
  }
  if (rc == 0 && ep->font_css.failed)
    rc = nb_epub_oom(ep);
  if (rc == 0 && kept)
    nb_diag_emit(ep->diag, NB_SEV_NOTE, "font", NULL, 0, NULL,
                 "embedded %zu font subset%s, %.0f KB before compression%s",
                 kept, kept == 1 ? "" : "s", (double)total / 1000.0,
                 missing ? "; some characters are in none of the theme's "
                           "installed faces and are left to the reader"
                         : "");
  for (i = 0; i < f.nfaces; i++) {
    free(f.faces[i]->data);
    free(f.faces[i]->file);
    free(f.faces[i]->family);
    hb_set_destroy(f.faces[i]->chars);
    free(f.faces[i]);
  }
  free(f.faces);
  for (r = 0; r < S_NROLES; r++)
    for (v = 0; v < S_NVARIANTS; v++)
      hb_set_destroy(f.uses[r][v]);
  return rc;
}
