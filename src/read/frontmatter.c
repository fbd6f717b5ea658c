/* Front matter: the YAML block at the top of an article, into metadata.
 *
 * libyaml reads it when it is YAML. Feed-to-blog pipelines often write
 * front matter that is not (titles in stacked quotes, titles starting with
 * '@', a quoted word followed by more text), so when libyaml refuses the
 * block we read it line by line instead (key: value, "- item" lists,
 * indented continuation lines) and say so. Either way the result is a list
 * of keys with one or more string values, applied in one place. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "read/read.h"
#include "util/util.h"

/* Limits no real front matter reaches: past them libyaml's alias lookup
 * and every consumer of the category and author lists (EPUB subjects, book
 * sections) would be quadratic for nothing. */
#define NB_FM_MAX_ANCHORS 256
#define NB_FM_MAX_LIST 256

typedef struct S_field {
  char *key;
  char **values;
  size_t count, cap;
  int line;
} S_field;

typedef struct S_fields {
  S_field *items;
  size_t count, cap;
  int oom;
} S_fields;

static S_field *S_add_field(S_fields *fs, const char *key, size_t klen,
                            int line) {
  S_field *f;
  if (fs->count == fs->cap) {
    size_t ncap = fs->cap ? fs->cap * 2 : 16;
    S_field *ni = nb_reallocarray(fs->items, ncap, sizeof *ni);
    if (!ni) {
      fs->oom = 1;
      return NULL;
    }
    fs->items = ni;
    fs->cap = ncap;
  }
  f = &fs->items[fs->count];
  memset(f, 0, sizeof *f);
  f->key = nb_strndup(key, klen);
  f->line = line;
  if (!f->key) {
    fs->oom = 1;
    return NULL;
  }
  fs->count++;
  return f;
}

static int S_add_value(S_fields *fs, S_field *f, const char *v, size_t len) {
  char *copy;
  if (f->count == f->cap) {
    size_t ncap = f->cap ? f->cap * 2 : 4;
    char **nv = nb_reallocarray(f->values, ncap, sizeof *nv);
    if (!nv) {
      fs->oom = 1;
      return 0;
    }
    f->values = nv;
    f->cap = ncap;
  }
  copy = nb_strndup(v, len);
  if (!copy) {
    fs->oom = 1;
    return 0;
  }
  f->values[f->count++] = copy;
  return 1;
}

static void S_free_fields(S_fields *fs) {
  size_t i, j;
  for (i = 0; i < fs->count; i++) {
    for (j = 0; j < fs->items[i].count; j++)
      free(fs->items[i].values[j]);
    free(fs->items[i].values);
    free(fs->items[i].key);
  }
  free(fs->items);
}

/* ## libyaml */

/* One pass over the block, outside quotes: how deep [ / { flow brackets
 * nest, and how many anchors ("&name") it defines. libyaml's scanner is
 * quadratic in the depth (every open flow level keeps a possible simple key
 * it re-checks per token), so a few thousand brackets take minutes; no real
 * front matter nests past a few. And libyaml resolves each alias
 * by comparing it with every anchor so far, so 50,000 anchors and aliases
 * take seconds of strcmp: past a few hundred the block goes to the
 * line-wise reader (front matter uses none). */
static void S_scan(const char *s, size_t len, int *depth_out, size_t *anchors) {
  size_t i, n = 0;
  int depth = 0, max = 0;
  char quote = 0, prev = '\n';
  for (i = 0; i < len; prev = s[i], i++) {
    char c = s[i];
    if (quote) {
      if (c == quote || c == '\n')
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > max)
        max = depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    } else if (c == '&' && (prev == '\n' || prev == ' ' || prev == '\t' ||
                            prev == '[' || prev == '{' || prev == ',')) {
      n++;
    }
  }
  *depth_out = max;
  *anchors = n;
}

/* Read a YAML block whose root is a mapping. 0 on success, else -1 with
 * the problem in @p why (and its line in *line). */
static int S_yaml(S_fields *fs, const char *yaml, size_t len, char *why,
                  size_t whysize, int *line) {
  yaml_parser_t parser;
  yaml_document_t ydoc;
  yaml_node_t *root;
  yaml_node_pair_t *pair;
  int rc = 0, depth;
  size_t anchors;

  S_scan(yaml, len, &depth, &anchors);
  if (depth > 32) {
    snprintf(why, whysize, "brackets nested more than 32 deep");
    *line = 0;
    return -1;
  }
  if (anchors > NB_FM_MAX_ANCHORS) {
    snprintf(why, whysize, "more than %d anchors", NB_FM_MAX_ANCHORS);
    *line = 0;
    return -1;
  }
  if (!yaml_parser_initialize(&parser)) {
    snprintf(why, whysize, "libyaml could not start");
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  if (!yaml_parser_load(&parser, &ydoc)) {
    snprintf(why, whysize, "%s", parser.problem ? parser.problem : "error");
    *line = (int)parser.problem_mark.line + 1;
    yaml_parser_delete(&parser);
    return -1;
  }
  root = yaml_document_get_root_node(&ydoc);
  if (!root) {
    /* An empty block: no fields. */
  } else if (root->type != YAML_MAPPING_NODE) {
    snprintf(why, whysize, "not a mapping of keys to values");
    *line = (int)root->start_mark.line + 1;
    rc = -1;
  } else {
    for (pair = root->data.mapping.pairs.start;
         pair < root->data.mapping.pairs.top; pair++) {
      yaml_node_t *k = yaml_document_get_node(&ydoc, pair->key);
      yaml_node_t *v = yaml_document_get_node(&ydoc, pair->value);
      S_field *f;
      if (!k || k->type != YAML_SCALAR_NODE || !v)
        continue;
      f = S_add_field(fs, (const char *)k->data.scalar.value,
                      k->data.scalar.length, (int)k->start_mark.line + 1);
      if (!f)
        break;
      if (v->type == YAML_SCALAR_NODE) {
        S_add_value(fs, f, (const char *)v->data.scalar.value,
                    v->data.scalar.length);
      } else if (v->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it;
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
          yaml_node_t *e = yaml_document_get_node(&ydoc, *it);
          /* Only scalars: nested structure is not metadata we use. */
          if (e && e->type == YAML_SCALAR_NODE)
            S_add_value(fs, f, (const char *)e->data.scalar.value,
                        e->data.scalar.length);
        }
      }
    }
  }
  yaml_document_delete(&ydoc);
  yaml_parser_delete(&parser);
  return rc;
}

/* ## Line by line */

static int S_isblank_line(const char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    if (!isspace((unsigned char)s[i]))
      return 0;
  return 1;
}

/* The fallback: "key: value" at column 0, "- item" lines and indented
 * continuation lines below it. Quotes are stripped later. */
static void S_linewise(S_fields *fs, const char *yaml, size_t len) {
  const char *p = yaml, *end = yaml + len;
  S_field *cur = NULL;
  int line = 0;
  int cont = 0; /* the current value may continue on indented lines */
  while (p < end && !fs->oom) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *q, *le;
    if (!eol)
      eol = end;
    le = eol;
    if (le > p && le[-1] == '\r')
      le--;
    line++;
    q = p;
    p = eol < end ? eol + 1 : end;
    if (S_isblank_line(q, (size_t)(le - q)) || *q == '#')
      continue;
    if (!isspace((unsigned char)*q) && *q != '-') {
      const char *colon = q;
      while (colon < le && *colon != ':' && !isspace((unsigned char)*colon))
        colon++;
      if (colon < le && *colon == ':' && colon > q) {
        const char *v = colon + 1;
        while (v < le && isspace((unsigned char)*v))
          v++;
        cur = S_add_field(fs, q, (size_t)(colon - q), line);
        cont = 1;
        if (cur && le - v >= 2 && *v == '[' && le[-1] == ']') {
          /* A flow list, "[a, b]": its items. */
          const char *a = v + 1, *e = le - 1;
          while (a < e) {
            const char *c = memchr(a, ',', (size_t)(e - a));
            const char *ie = c ? c : e;
            while (a < ie && isspace((unsigned char)*a))
              a++;
            if (ie > a)
              S_add_value(fs, cur, a, (size_t)(ie - a));
            a = c ? c + 1 : e;
          }
          cont = 0;
        } else if (cur && v < le) {
          S_add_value(fs, cur, v, (size_t)(le - v));
        }
        continue;
      }
    }
    if (!cur)
      continue;
    while (q < le && isspace((unsigned char)*q))
      q++;
    if (*q == '-' && (q + 1 == le || isspace((unsigned char)q[1]))) {
      q++;
      while (q < le && isspace((unsigned char)*q))
        q++;
      S_add_value(fs, cur, q, (size_t)(le - q));
      cont = 0;
    } else if (cont) {
      /* A plain scalar running over several lines folds with spaces. */
      if (cur->count == 0) {
        S_add_value(fs, cur, q, (size_t)(le - q));
      } else {
        char **last = &cur->values[cur->count - 1];
        size_t a = strlen(*last), b = (size_t)(le - q);
        char *joined = malloc(a + 1 + b + 1);
        if (!joined) {
          fs->oom = 1;
          return;
        }
        memcpy(joined, *last, a);
        joined[a] = ' ';
        memcpy(joined + a + 1, q, b);
        joined[a + 1 + b] = '\0';
        free(*last);
        *last = joined;
      }
    }
  }
}

/* ## Applying fields */

/* A value as metadata: white space collapsed, stacked quotes around it
 * removed (feeds wrap titles in """""'…'"""""), trimmed. malloc'd. */
static char *S_clean(const char *v) {
  nb_buf b = NB_BUF_INIT;
  const char *s = v, *e = v + strlen(v);
  int sp = 0;
  while (s < e && (isspace((unsigned char)*s) || *s == '"' || *s == '\''))
    s++;
  while (e > s &&
         (isspace((unsigned char)e[-1]) || e[-1] == '"' || e[-1] == '\''))
    e--;
  for (; s < e; s++) {
    if (isspace((unsigned char)*s)) {
      sp = 1;
      continue;
    }
    if (sp && b.len)
      nb_buf_putc(&b, ' ');
    sp = 0;
    nb_buf_putc(&b, *s);
  }
  if (!b.data)
    return nb_strdup("");
  return nb_buf_detach(&b);
}

/* The title keeps its own quotes when the whole of it was not quoted
 * (libyaml already removed YAML quoting); only stacked quotes that YAML
 * could not parse are stripped. */
static char *S_clean_scalar(const char *v, int from_yaml) {
  if (from_yaml) {
    nb_buf b = NB_BUF_INIT;
    const char *s;
    int sp = 0;
    for (s = v; *s; s++) {
      if (isspace((unsigned char)*s)) {
        sp = 1;
        continue;
      }
      if (sp && b.len)
        nb_buf_putc(&b, ' ');
      sp = 0;
      nb_buf_putc(&b, *s);
    }
    if (!b.data)
      return nb_strdup("");
    return nb_buf_detach(&b);
  }
  return S_clean(v);
}

/* 1 when s[0, n) is a link target: a URL with a scheme, a path, an
 * anchor, an address. */
static int S_link_target(const char *s, size_t n) {
  size_t i;
  if (n == 0)
    return 0;
  for (i = 0; i < n; i++)
    if (isspace((unsigned char)s[i]))
      return 0;
  if (s[0] == '/' || s[0] == '#' || (n > 4 && strncmp(s, "www.", 4) == 0) ||
      (n > 7 && strncmp(s, "mailto:", 7) == 0))
    return 1;
  for (i = 0; i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' ||
                        s[i] == '-' || s[i] == '.');
       i++)
    ;
  return i > 0 && i + 3 <= n && memcmp(s + i, "://", 3) == 0;
}

/* Markdown links in a value shown as their text, in place: feeds name
 * themselves "Webtoons - [Naver](https://comic.naver.com)", and a byline
 * or a category is no place for the URL. */
static void S_unlink_markdown(char *v) {
  char *r = v, *w = v;
  while (*r) {
    char *close, *paren_end;
    if (*r == '[' && (close = strchr(r + 1, ']')) != NULL && close[1] == '(' &&
        (paren_end = strchr(close + 2, ')')) != NULL &&
        S_link_target(close + 2, (size_t)(paren_end - close - 2)) &&
        !memchr(r + 1, '[', (size_t)(close - r - 1))) {
      size_t n = (size_t)(close - r - 1);
      if (w > v && w[-1] == '!')
        w--; /* an image: its alt text */
      memmove(w, r + 1, n);
      w += n;
      r = paren_end + 1;
      continue;
    }
    *w++ = *r++;
  }
  *w = '\0';
}

static int S_key_is(const S_field *f, const char *const *names) {
  for (; *names; names++)
    if (strcasecmp(f->key, *names) == 0)
      return 1;
  return 0;
}

static void S_apply(nb_doc *doc, const char *path, const S_fields *fs,
                    int from_yaml, int line0, const nb_diag *diag) {
  static const char *const title_k[] = {"title", NULL};
  static const char *const author_k[] = {"author", "authors", "creator", NULL};
  static const char *const cat_k[] = {"categories", "category", NULL};
  static const char *const date_k[] = {"date", "pubDate", "published", NULL};
  static const char *const source_k[] = {"link",     "url",          "source",
                                         "original", "original_url", NULL};
  static const char *const lang_k[] = {"lang", "language", NULL};
  static const char *const guid_k[] = {"guid", "uuid", NULL};
  static const char *const simple_k[] = {"headimg", "thumbnail", "description",
                                         NULL};
  size_t i, j;
  for (i = 0; i < fs->count; i++) {
    const S_field *f = &fs->items[i];
    char *v;
    if (f->count == 0)
      continue;
    if (S_key_is(f, cat_k) || S_key_is(f, author_k)) {
      int cat = S_key_is(f, cat_k);
      size_t have = cat ? nb_doc_category_count(doc) : nb_doc_author_count(doc);
      for (j = 0; j < f->count; j++) {
        if (have >= NB_FM_MAX_LIST) {
          nb_diag_emit(diag, NB_SEV_WARNING, "limit", path, line0 + f->line - 1,
                       NULL, "%s: only the first %d of %zu entries kept",
                       f->key, NB_FM_MAX_LIST, f->count);
          break;
        }
        v = S_clean_scalar(f->values[j], from_yaml);
        if (v)
          S_unlink_markdown(v);
        if (v && strlen(v) > NB_READ_MAX_TITLE) {
          /* a name or a category of kilobytes is an attack on every
           * byline, contents line and subject it would be set in */
          size_t cut = NB_READ_MAX_TITLE;
          while (cut > 0 && ((unsigned char)v[cut] & 0xc0) == 0x80)
            cut--;
          nb_diag_emit(diag, NB_SEV_WARNING, "limit", path, line0 + f->line - 1,
                       NULL, "%s: an entry of %zu bytes cut to its first %d",
                       f->key, strlen(v), NB_READ_MAX_TITLE);
          v[cut] = '\0';
        }
        if (v && !cat) {
          /* a byline named after the feed: "香港 01 - 标签" is 香港 01 */
          size_t stem = nb_label_stem(v);
          if (stem > 0)
            v[stem] = '\0';
        }
        if (v && *v) {
          if (cat ? nb_doc_add_category(doc, v) : nb_doc_add_author(doc, v))
            have++;
        }
        free(v);
      }
      continue;
    }
    /* Everything else is one string; a list joins with spaces. */
    {
      nb_buf b = NB_BUF_INIT;
      for (j = 0; j < f->count; j++) {
        if (j)
          nb_buf_putc(&b, ' ');
        nb_buf_puts(&b, f->values[j]);
      }
      v = S_clean_scalar(b.data ? b.data : "", from_yaml);
      nb_buf_free(&b);
    }
    if (!v)
      continue;
    if (!*v) {
      free(v);
      continue;
    }
    if (S_key_is(f, title_k)) {
      if (!nb_doc_get_meta(doc, "title"))
        nb_doc_set_meta(doc, "title", v);
    } else if (S_key_is(f, date_k)) {
      if (!nb_doc_get_meta(doc, "date")) {
        nb_date d = nb_date_parse(v);
        nb_doc_set_meta(doc, "date", v);
        nb_doc_set_date(doc, d);
        if (!d.valid)
          nb_diag_emit(diag, NB_SEV_WARNING, "metadata", path,
                       line0 + f->line - 1, NULL,
                       "date \"%s\" is not a date; the article is "
                       "treated as undated",
                       v);
      }
    } else if (S_key_is(f, source_k)) {
      if (!nb_doc_get_meta(doc, "source"))
        nb_doc_set_meta(doc, "source", v);
    } else if (S_key_is(f, guid_k)) {
      if (!nb_doc_get_meta(doc, "guid"))
        nb_doc_set_meta(doc, "guid", v);
    } else if (S_key_is(f, lang_k)) {
      nb_doc_set_meta(doc, "lang", v);
    } else if (S_key_is(f, simple_k)) {
      if (strcasecmp(f->key, "description") == 0)
        S_unlink_markdown(v);
      nb_doc_set_meta(doc, f->key, v);
    } else if (strcasecmp(f->key, "summary") == 0) {
      if (!nb_doc_get_meta(doc, "description"))
        nb_doc_set_meta(doc, "description", v);
    }
    free(v);
  }
}

int nb_read__front_matter(nb_doc *doc, const char *path, const char *yaml,
                          size_t len, int line0, const nb_diag *diag) {
  S_fields fs;
  char why[256];
  int line = 0, from_yaml = 1;
  if (!doc)
    return 0;
  memset(&fs, 0, sizeof fs);
  if (S_yaml(&fs, yaml ? yaml : "", yaml ? len : 0, why, sizeof why, &line) !=
      0) {
    S_free_fields(&fs);
    memset(&fs, 0, sizeof fs);
    nb_diag_emit(diag, NB_SEV_WARNING, "syntax", path, line0 + line - 1, NULL,
                 "front matter is not valid YAML (%s); read line by line", why);
    S_linewise(&fs, yaml ? yaml : "", yaml ? len : 0);
    from_yaml = 0;
  }
  S_apply(doc, path, &fs, from_yaml, line0, diag);
  S_free_fields(&fs);
  return fs.oom ? 0 : 1;
}

int nb_read_front_matter(nb_doc *doc, const char *path, const char *yaml,
                         size_t len, const nb_diag *diag) {
  /* Without the file around it, assume the usual "---" on line 1. */
  return nb_read__front_matter(doc, path, yaml, len, 2, diag);
}
