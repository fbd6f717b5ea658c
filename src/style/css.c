/* The small CSS reader (see css.h): a forgiving tokenizer that keeps rules
 * as (selector, raw declarations), and a cascade that turns the matching
 * declarations into an nb_style.
 *
 * Values stay raw strings until a style is computed, because em and
 * percentages depend on the element's parent. Input is untrusted (themes
 * are user files and the fuzzer feeds garbage): every loop advances, sizes
 * are capped, and anything not understood is dropped. */
#include "style/css.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define MAX_RULES 20000
#define MAX_DECLS 100000
#define MAX_COMPOUNDS 16
#define MAX_TOKEN 512

typedef struct compound {
  char name[32]; /* "" or "*": any element */
  char cls[4][32];
  int ncls;
  int child; /* combinator to the left is '>' */
} compound;

typedef struct selector {
  compound parts[MAX_COMPOUNDS];
  int nparts;
  int specificity;
} selector;

typedef struct decl {
  char *prop;
  char *value;
  int important;
} decl;

typedef struct rule {
  selector sel;
  size_t first_decl, ndecls;
  size_t order;
} rule;

struct nb_css {
  rule *rules;
  size_t nrules, caprules;
  decl *decls;
  size_t ndecls, capdecls;
  nb_css_page page;
};

/* ## Tokenizing */

typedef struct scanner {
  const char *s;
  size_t len, pos;
} scanner;

static void S_skip_ws_comments(scanner *sc) {
  while (sc->pos < sc->len) {
    unsigned char c = (unsigned char)sc->s[sc->pos];
    if (isspace(c) || c == 0) {
      sc->pos++;
    } else if (c == '/' && sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == '*') {
      const char *end;
      size_t i;
      sc->pos += 2;
      end = NULL;
      for (i = sc->pos; i + 1 < sc->len; i++)
        if (sc->s[i] == '*' && sc->s[i + 1] == '/') {
          end = sc->s + i;
          break;
        }
      sc->pos = end ? (size_t)(end - sc->s) + 2 : sc->len;
    } else if (c == '<' && sc->len - sc->pos >= 4 &&
               memcmp(sc->s + sc->pos, "<!--", 4) == 0) {
      sc->pos += 4;
    } else if (c == '-' && sc->len - sc->pos >= 3 &&
               memcmp(sc->s + sc->pos, "-->", 3) == 0) {
      sc->pos += 3;
    } else {
      break;
    }
  }
}

/* Copy the text up to (not including) one of @p stops at nesting level 0,
 * honouring quotes and comments, into @p b. Returns the stop character
 * found, or 0 at the end of input. Brackets and parentheses nest so that
 * "url(a;b)" stays whole. */
static char S_read_until(scanner *sc, const char *stops, nb_buf *b) {
  int depth = 0;
  while (sc->pos < sc->len) {
    char c = sc->s[sc->pos];
    if (c == '/' && sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == '*') {
      S_skip_ws_comments(sc);
      nb_buf_putc(b, ' ');
      continue;
    }
    if (depth == 0 && strchr(stops, c) && c != 0)
      return c;
    if (c == '"' || c == '\'') {
      char q = c;
      nb_buf_putc(b, c);
      sc->pos++;
      while (sc->pos < sc->len && sc->s[sc->pos] != q &&
             sc->s[sc->pos] != '\n') {
        if (sc->s[sc->pos] == '\\' && sc->pos + 1 < sc->len)
          nb_buf_putc(b, sc->s[sc->pos++]);
        nb_buf_putc(b, sc->s[sc->pos++]);
      }
      if (sc->pos < sc->len && sc->s[sc->pos] == q) {
        nb_buf_putc(b, q);
        sc->pos++;
      }
      continue;
    }
    if (c == '(' || c == '[')
      depth++;
    else if ((c == ')' || c == ']') && depth > 0)
      depth--;
    if (c != 0)
      nb_buf_putc(b, c);
    sc->pos++;
  }
  return 0;
}

/* Skip a balanced {...} block whose '{' is at sc->pos. */
static void S_skip_block(scanner *sc) {
  int depth = 0;
  while (sc->pos < sc->len) {
    char c = sc->s[sc->pos++];
    if (c == '{') {
      depth++;
    } else if (c == '}') {
      if (--depth <= 0)
        return;
    } else if (c == '"' || c == '\'') {
      while (sc->pos < sc->len && sc->s[sc->pos] != c && sc->s[sc->pos] != '\n')
        sc->pos++;
      if (sc->pos < sc->len)
        sc->pos++;
    }
  }
}

static char *S_trim(char *s) {
  char *e;
  while (*s && isspace((unsigned char)*s))
    s++;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1]))
    *--e = '\0';
  return s;
}

static void S_lower(char *s) {
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z')
      *s = (char)(*s - 'A' + 'a');
}

/* ## Selectors */

static int S_ident_char(char c) {
  return isalnum((unsigned char)c) || c == '-' || c == '_' ||
         (unsigned char)c >= 0x80;
}

/* Parse one complex selector. Returns 0 for selectors we cannot match
 * (ids, attributes, pseudo-classes, sibling combinators): such a rule can
 * never apply to our fixed element set, so it is dropped. */
static int S_parse_selector(const char *s, selector *out) {
  compound *cur = NULL;
  int pending_child = 0;
  memset(out, 0, sizeof *out);
  while (*s) {
    if (isspace((unsigned char)*s)) {
      s++;
      cur = NULL;
      continue;
    }
    if (*s == '>') {
      pending_child = 1;
      cur = NULL;
      s++;
      continue;
    }
    if (strncmp(s, ":root", 5) == 0 && !S_ident_char(s[5]) && s[5] != '(') {
      /* the document element: html, as a pseudo-class weighs */
      if (!cur) {
        if (out->nparts >= MAX_COMPOUNDS)
          return 0;
        cur = &out->parts[out->nparts++];
        cur->child = pending_child;
        pending_child = 0;
      }
      if (cur->name[0] && strcmp(cur->name, "html") != 0)
        return 0;
      strcpy(cur->name, "html");
      out->specificity += 100;
      s += 5;
      continue;
    }
    if (*s == '+' || *s == '~' || *s == '#' || *s == '[' || *s == ':')
      return 0;
    if (!cur) {
      if (out->nparts >= MAX_COMPOUNDS)
        return 0;
      cur = &out->parts[out->nparts++];
      cur->child = pending_child;
      pending_child = 0;
    }
    if (*s == '*') {
      s++;
      continue;
    }
    if (*s == '.') {
      size_t n = 0;
      s++;
      if (cur->ncls >= 4)
        return 0;
      while (S_ident_char(*s)) {
        if (n + 1 >= sizeof cur->cls[0])
          return 0;
        cur->cls[cur->ncls][n++] = *s++;
      }
      if (n == 0)
        return 0;
      cur->cls[cur->ncls][n] = '\0';
      cur->ncls++;
      out->specificity += 100;
      continue;
    }
    if (S_ident_char(*s)) {
      size_t n = 0;
      if (cur->name[0])
        return 0;
      while (S_ident_char(*s)) {
        if (n + 1 >= sizeof cur->name)
          return 0;
        cur->name[n++] = (char)tolower((unsigned char)*s++);
      }
      cur->name[n] = '\0';
      out->specificity += 1;
      continue;
    }
    return 0;
  }
  return out->nparts > 0 && !pending_child;
}

static int S_has_class(const char *list, const char *cls) {
  size_t n = strlen(cls);
  const char *p = list;
  if (!list)
    return 0;
  while (*p) {
    while (*p == ' ')
      p++;
    if (strncmp(p, cls, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
      return 1;
    while (*p && *p != ' ')
      p++;
  }
  return 0;
}

static int S_compound_matches(const compound *c, const nb_css_node *n) {
  int i;
  if (c->name[0] && (!n->name || strcmp(c->name, n->name) != 0))
    return 0;
  for (i = 0; i < c->ncls; i++)
    if (!S_has_class(n->cls, c->cls[i]))
      return 0;
  return 1;
}

/* Right to left, greedy for descendants: enough for the handful of
 * compounds themes use (the chain is at most a few elements deep). */
static int S_selector_matches(const selector *sel, const nb_css_node *chain,
                              size_t depth) {
  int p = sel->nparts - 1;
  size_t i = depth;
  if (depth == 0 || !S_compound_matches(&sel->parts[p], &chain[depth - 1]))
    return 0;
  i = depth - 1;
  while (p > 0) {
    int child = sel->parts[p].child;
    p--;
    if (child) {
      if (i == 0 || !S_compound_matches(&sel->parts[p], &chain[i - 1]))
        return 0;
      i--;
    } else {
      for (;;) {
        if (i == 0)
          return 0;
        i--;
        if (S_compound_matches(&sel->parts[p], &chain[i]))
          break;
      }
    }
  }
  return 1;
}

/* ## Declarations */

static int S_add_decl(nb_css *css, const char *prop, const char *value,
                      int important) {
  decl *d;
  if (css->ndecls >= MAX_DECLS)
    return 0;
  if (css->ndecls == css->capdecls) {
    size_t cap = css->capdecls ? css->capdecls * 2 : 64;
    decl *nd = nb_reallocarray(css->decls, cap, sizeof *nd);
    if (!nd)
      return 0;
    css->decls = nd;
    css->capdecls = cap;
  }
  d = &css->decls[css->ndecls];
  d->prop = nb_strdup(prop);
  d->value = nb_strdup(value);
  if (!d->prop || !d->value) {
    free(d->prop);
    free(d->value);
    return 0;
  }
  d->important = important;
  css->ndecls++;
  return 1;
}

/* Parse "prop: value; ..." from the block body @p body into css->decls. */
static void S_parse_decls(nb_css *css, const char *body) {
  scanner sc;
  sc.s = body;
  sc.len = strlen(body);
  sc.pos = 0;
  while (sc.pos < sc.len) {
    nb_buf b = NB_BUF_INIT;
    char *colon, *prop, *value, *bang;
    int important = 0;
    S_read_until(&sc, ";", &b);
    if (sc.pos < sc.len)
      sc.pos++;
    if (b.failed || !b.data) {
      nb_buf_free(&b);
      continue;
    }
    colon = strchr(b.data, ':');
    if (colon && b.len < 4096) {
      *colon = '\0';
      prop = S_trim(b.data);
      value = S_trim(colon + 1);
      bang = strrchr(value, '!');
      if (bang) {
        char *imp = S_trim(bang + 1);
        S_lower(imp);
        if (strcmp(imp, "important") == 0) {
          important = 1;
          *bang = '\0';
          value = S_trim(value);
        }
      }
      S_lower(prop);
      if (*prop && *value)
        S_add_decl(css, prop, value, important);
    }
    nb_buf_free(&b);
  }
}

static void S_add_rules(nb_css *css, const char *selectors, size_t first,
                        size_t count) {
  char *copy = nb_strdup(selectors), *p, *comma;
  if (!copy)
    return;
  p = copy;
  for (;;) {
    selector sel;
    comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    if (S_parse_selector(S_trim(p), &sel) && css->nrules < MAX_RULES) {
      if (css->nrules == css->caprules) {
        size_t cap = css->caprules ? css->caprules * 2 : 32;
        rule *nr = nb_reallocarray(css->rules, cap, sizeof *nr);
        if (!nr)
          break;
        css->rules = nr;
        css->caprules = cap;
      }
      css->rules[css->nrules].sel = sel;
      css->rules[css->nrules].first_decl = first;
      css->rules[css->nrules].ndecls = count;
      css->rules[css->nrules].order = css->nrules;
      css->nrules++;
    }
    if (!comma)
      break;
    p = comma + 1;
  }
  free(copy);
}

static void S_parse_page(nb_css *css, size_t first, size_t n) {
  size_t i;
  for (i = first; i < first + n; i++) {
    const decl *d = &css->decls[i];
    double v;
    if (strcmp(d->prop, "size") == 0) {
      nb_css_page_size(d->value, &css->page.width, &css->page.height);
    } else if (strcmp(d->prop, "margin") == 0) {
      if (nb_css_margins(d->value, 12, css->page.margin))
        css->page.has_margin = 1;
    } else if (strncmp(d->prop, "margin-", 7) == 0 &&
               nb_css_length(d->value, 12, &v)) {
      const char *side = d->prop + 7;
      int k = strcmp(side, "top") == 0      ? NB_TOP
              : strcmp(side, "right") == 0  ? NB_RIGHT
              : strcmp(side, "bottom") == 0 ? NB_BOTTOM
              : strcmp(side, "left") == 0   ? NB_LEFT
                                            : -1;
      if (k >= 0) {
        if (!css->page.has_margin) {
          int j;
          for (j = 0; j < 4; j++)
            css->page.margin[j] = 72 * 20 / 25.4;
        }
        css->page.margin[k] = v;
        css->page.has_margin = 1;
      }
    }
  }
}

nb_css *nb_css_parse(const char *text, size_t len) {
  nb_css *css = nb_calloc(1, sizeof *css);
  scanner sc;
  if (!css)
    return NULL;
  sc.s = text ? text : "";
  sc.len = text ? len : 0;
  sc.pos = 0;
  while (sc.pos < sc.len) {
    nb_buf sel = NB_BUF_INIT;
    char stop;
    S_skip_ws_comments(&sc);
    if (sc.pos >= sc.len)
      break;
    if (sc.s[sc.pos] == '}') { /* stray closer */
      sc.pos++;
      continue;
    }
    stop = S_read_until(&sc, "{;}", &sel);
    if (stop == ';' || stop == '}') { /* @import ...; or garbage */
      sc.pos++;
      nb_buf_free(&sel);
      continue;
    }
    if (stop == 0) {
      nb_buf_free(&sel);
      break;
    }
    {
      char *name = sel.data ? S_trim(sel.data) : (char *)"";
      if (name[0] == '@') {
        S_lower(name);
        if (strncmp(name, "@page", 5) == 0 &&
            (name[5] == '\0' || isspace((unsigned char)name[5]) ||
             name[5] == ':')) {
          nb_buf body = NB_BUF_INIT;
          size_t first = css->ndecls;
          sc.pos++; /* '{' */
          S_read_until(&sc, "}", &body);
          if (sc.pos < sc.len)
            sc.pos++;
          /* @page :first and friends: only the plain rule counts */
          if (name[5] == '\0' && body.data) {
            S_parse_decls(css, body.data);
            S_parse_page(css, first, css->ndecls - first);
          }
          nb_buf_free(&body);
        } else {
          S_skip_block(&sc); /* @media, @font-face, ...: not for us */
        }
      } else {
        nb_buf body = NB_BUF_INIT;
        size_t first = css->ndecls;
        sc.pos++;
        stop = S_read_until(&sc, "{}", &body);
        if (stop == '{') {
          /* a nested block where declarations belong: skip the lot */
          S_skip_block(&sc);
          if (sc.pos < sc.len && sc.s[sc.pos] == '}')
            sc.pos++;
        } else {
          if (sc.pos < sc.len)
            sc.pos++;
          if (body.data && sel.data && sel.len < 4096) {
            S_parse_decls(css, body.data);
            if (css->ndecls > first)
              S_add_rules(css, name, first, css->ndecls - first);
          }
        }
        nb_buf_free(&body);
      }
    }
    nb_buf_free(&sel);
  }
  return css;
}

void nb_css_free(nb_css *css) {
  size_t i;
  if (!css)
    return;
  for (i = 0; i < css->ndecls; i++) {
    free(css->decls[i].prop);
    free(css->decls[i].value);
  }
  free(css->decls);
  free(css->rules);
  free(css);
}

size_t nb_css_rule_count(const nb_css *css) {
  return css ? css->nrules : 0;
}

void nb_css_get_page(const nb_css *css, nb_css_page *out) {
  memset(out, 0, sizeof *out);
  if (css)
    *out = css->page;
}

typedef struct match {
  const decl *d;
  int key;      /* important, specificity */
  size_t order; /* rule order, then declaration order */
} match;

static int S_match_cmp(const void *a, const void *b) {
  const match *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

void nb_css_compute(const nb_css *css, const nb_css_node *chain, size_t depth,
                    const nb_style *parent, nb_style *out) {
  nb_style init;
  match *m = NULL;
  size_t nm = 0, cap = 0, i, j;
  double parent_size;
  if (!parent) {
    nb_style_init(&init);
    parent = &init;
  }
  /* inherited properties */
  *out = *parent;
  /* the rest start from their initial values */
  memset(out->margin, 0, sizeof out->margin);
  memset(out->margin_pct, 0, sizeof out->margin_pct);
  memset(out->padding, 0, sizeof out->padding);
  memset(out->border_width, 0, sizeof out->border_width);
  memset(out->border_style, 0, sizeof out->border_style);
  out->has_background = 0;
  out->break_before = out->break_after = out->break_inside = NB_BREAK_AUTO;
  parent_size = parent->font_size;
  if (!css || depth == 0)
    return;
  for (i = 0; i < css->nrules; i++) {
    const rule *r = &css->rules[i];
    if (!S_selector_matches(&r->sel, chain, depth))
      continue;
    for (j = 0; j < r->ndecls; j++) {
      const decl *d = &css->decls[r->first_decl + j];
      if (nm == cap) {
        size_t nc = cap ? cap * 2 : 32;
        match *n2 = nb_reallocarray(m, nc, sizeof *n2);
        if (!n2)
          goto done;
        m = n2;
        cap = nc;
      }
      m[nm].d = d;
      m[nm].key = d->important * 1000000 + r->sel.specificity;
      m[nm].order = r->order * 100000 + j;
      nm++;
    }
  }
  if (nm > 1)
    qsort(m, nm, sizeof *m, S_match_cmp);
  /* font-size first: every other em depends on it */
  for (i = 0; i < nm; i++)
    if (strcmp(m[i].d->prop, "font-size") == 0)
      nb_css_apply(out, m[i].d->prop, m[i].d->value, parent_size);
  for (i = 0; i < nm; i++)
    if (strcmp(m[i].d->prop, "font-size") != 0)
      nb_css_apply(out, m[i].d->prop, m[i].d->value, parent_size);
done:
  free(m);
}
