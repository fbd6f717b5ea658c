/* `newsbook build RECIPE.yaml`: the same choices as the command line, kept
 * in a file so that a daily or weekly book is one command.
 *
 * A recipe is a YAML mapping read with libyaml. Relative paths in it
 * (inputs, mirror, cache, cover, style files, outputs) are taken from the
 * recipe's own directory, so a recipe means the same thing wherever it is
 * run from; inputs that are http(s) URLs stay URLs. Each output is one run of
 * the ordinary conversion pipeline (nb_cli_convert); this file only turns the
 * recipe into an nb_cli.
 *
 * Deliberately not here: any conversion logic of its own. A recipe can say
 * nothing the command line cannot. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yaml.h>

#include "cli/cli.h"
#include "util/util.h"

/* Everything a recipe may say. Strings are malloc'd (paths already
 * resolved against the recipe's directory) and freed by S_recipe_free. */
typedef struct S_recipe {
  const char *path; /* the recipe file, as given */
  char *dir;        /* its directory, for relative paths */
  nb_strvec inputs, outputs, metadata;
  char *title, *author, *lang, *category, *since, *until, *order, *group_by;
  char *cover, *style, *page_size, *margin, *mirror, *cache, *webp;
  long limit, max_article_time; /* -1: not given */
  int jobs, duplex, offline, strict, no_cache, image_dpi, max_image_width;
  int outputs_line; /* where outputs: was, for messages about them */
  /* news from the web: extract and full_text as "auto", "always" or
   * "never" (NULL: not given), max_per_host 0 when not given */
  char *extract, *full_text;
  int max_per_host, allow_private;
  /* the daily loop */
  char *state, *smtp, *mail_from, *smtp_credentials, *opds, *device;
  nb_strvec send_to;
  int only_new, smtp_require_tls, vertical, embed_fonts;
  unsigned long long max_attachment, max_book_size;
} S_recipe;

static const char S_build_usage[] =
    "Usage: newsbook build [OPTIONS] RECIPE.yaml\n"
    "\n"
    "Make the books a recipe describes: its inputs, selection, metadata and\n"
    "every output it lists (.epub, .pdf or .json). Relative paths in the\n"
    "recipe are taken from the recipe's directory; inputs that are http(s)\n"
    "URLs are fetched (keys extract, full_text, max_per_host, allow_private\n"
    "as the options of newsbook --help). See samples/recipes/ for examples.\n"
    "\n"
    "  -o, --output FILE      write FILE instead of the recipe's outputs\n"
    "                         (repeatable; relative to the current directory)\n"
    "      --output-dir DIR   put the recipe's relative outputs in DIR\n"
    "  -j, --jobs N           worker threads (overrides the recipe's jobs)\n"
    "  -q, --quiet            print errors only\n"
    "  -v, --verbose          print notes too\n"
    "  -h, --help             show this help\n";

static const char *const S_known_keys =
    "title, author, lang, metadata, inputs, category, since, until, limit, "
    "order, group_by, cover, style, page_size, margin, duplex, image_dpi, "
    "mirror, offline, cache, no_cache, webp, max_image_width, outputs, jobs, "
    "strict, max_article_time, extract, full_text, max_per_host, "
    "allow_private, state, only_new, send_to, smtp, mail_from, "
    "smtp_credentials, smtp_require_tls, max_attachment, max_book_size, "
    "opds, device, vertical, embed_fonts";

/* ## Messages: `newsbook: RECIPE:LINE: what — what to do` */

static int S_fail(const S_recipe *r, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int S_fail(const S_recipe *r, int line, const char *fmt, ...) {
  va_list ap;
  if (line > 0)
    fprintf(stderr, "newsbook: %s:%d: ", r->path, line);
  else
    fprintf(stderr, "newsbook: %s: ", r->path);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 0;
}

static int S_line(const yaml_node_t *n) {
  return (int)n->start_mark.line + 1;
}

/* ## Paths */

/* @p p taken from the recipe's directory (absolute paths, "-" and "~/"
 * paths are kept as the user meant them). malloc'd, or NULL. */
static char *S_resolve(const char *dir, const char *p) {
  nb_buf b = NB_BUF_INIT;
  if (p[0] == '/' || strcmp(p, "-") == 0 || !dir || !*dir ||
      strcmp(dir, ".") == 0 || nb_acquire_is_url(p))
    return nb_strdup(p);
  if (p[0] == '~' && p[1] == '/' && getenv("HOME")) {
    nb_buf_puts(&b, getenv("HOME"));
    nb_buf_puts(&b, p + 1);
  } else {
    nb_buf_puts(&b, dir);
    nb_buf_putc(&b, '/');
    nb_buf_puts(&b, p);
  }
  return b.failed ? (nb_buf_free(&b), NULL) : nb_buf_detach(&b);
}

static char *S_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return nb_strdup(".");
  if (slash == path)
    return nb_strdup("/");
  return nb_strndup(path, (size_t)(slash - path));
}

/* ## Values */

static const char *S_scalar(const yaml_node_t *n) {
  return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                     : NULL;
}

static int S_is_null(const yaml_node_t *n) {
  const char *s = S_scalar(n);
  return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

static int S_string(const S_recipe *r, const char *key, const yaml_node_t *n,
                    char **out) {
  const char *s = S_scalar(n);
  if (!s)
    return S_fail(r, S_line(n),
                  "%s: expected a single value — write "
                  "%s: VALUE",
                  key, key);
  free(*out);
  *out = nb_strdup(s);
  return *out != NULL;
}

static int S_path(const S_recipe *r, const char *key, const yaml_node_t *n,
                  char **out) {
  const char *s = S_scalar(n);
  if (!s || !*s)
    return S_fail(r, S_line(n),
                  "%s: expected a path — write %s: PATH "
                  "(relative to the recipe's directory)",
                  key, key);
  free(*out);
  *out = S_resolve(r->dir, s);
  return *out != NULL;
}

static int S_bool(const S_recipe *r, const char *key, const yaml_node_t *n,
                  int *out) {
  static const char *const yes[] = {"true", "yes", "on", "1", NULL};
  static const char *const no[] = {"false", "no", "off", "0", NULL};
  const char *s = S_scalar(n);
  size_t i;
  for (i = 0; s && yes[i]; i++)
    if (strcasecmp(s, yes[i]) == 0)
      return *out = 1;
  for (i = 0; s && no[i]; i++)
    if (strcasecmp(s, no[i]) == 0)
      return (*out = 0) == 0;
  return S_fail(r, S_line(n),
                "%s: '%s' is not true or false — write "
                "%s: true or %s: false",
                key, s ? s : "(a list)", key, key);
}

static int S_long(const S_recipe *r, const char *key, const yaml_node_t *n,
                  long lo, long hi, long *out) {
  const char *s = S_scalar(n);
  char *end;
  long v;
  errno = 0;
  v = s ? strtol(s, &end, 10) : 0;
  if (!s || errno || end == s || *end || v < lo || v > hi) {
    if (hi == LONG_MAX)
      return S_fail(r, S_line(n),
                    "%s: '%s' is not a whole number of at "
                    "least %ld — write e.g. %s: %ld",
                    key, s ? s : "(a list)", lo, key, lo > 50 ? lo : 50);
    return S_fail(r, S_line(n),
                  "%s: '%s' is not a whole number from %ld to "
                  "%ld",
                  key, s ? s : "(a list)", lo, hi);
  }
  *out = v;
  return 1;
}

static int S_int(const S_recipe *r, const char *key, const yaml_node_t *n,
                 int lo, int hi, int *out) {
  long v;
  if (!S_long(r, key, n, lo, hi, &v))
    return 0;
  *out = (int)v;
  return 1;
}

static int S_one_of(const S_recipe *r, const char *key, const yaml_node_t *n,
                    const char *const *set, const char *hint, char **out) {
  const char *s = S_scalar(n);
  size_t i;
  for (i = 0; s && set[i]; i++)
    if (strcmp(s, set[i]) == 0)
      return S_string(r, key, n, out);
  return S_fail(r, S_line(n), "%s: '%s' is not %s — write %s: %s", key,
                s ? s : "(a list)", hint, key, set[0]);
}

/* A day as YYYY-MM-DD, from a date or a day relative to today: "today",
 * "yesterday", "-7d" (SOURCE_DATE_EPOCH stands for now when set, so a
 * recipe run stays reproducible). */
static int S_day(const S_recipe *r, const char *key, const yaml_node_t *n,
                 char **out) {
  const char *s = S_scalar(n);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  time_t now = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
  long back = -1;
  char buf[32];
  struct tm tm;

  if (s && strcmp(s, "today") == 0)
    back = 0;
  else if (s && strcmp(s, "yesterday") == 0)
    back = 1;
  else if (s && s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
    char *end;
    back = strtol(s + 1, &end, 10);
    if (strcmp(end, "d") != 0 || back > 100000)
      back = -1;
  }
  if (back >= 0) {
    now -= (time_t)back * 86400;
    if (!gmtime_r(&now, &tm))
      return S_fail(r, S_line(n), "%s: the date is out of range", key);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
    free(*out);
    return (*out = nb_strdup(buf)) != NULL;
  }
  if (!s || !nb_date_parse(s).valid)
    return S_fail(r, S_line(n),
                  "%s: '%s' is not a date — write YYYY-MM-DD, "
                  "today, yesterday or -Nd (N days ago)",
                  key, s ? s : "(a list)");
  return S_string(r, key, n, out);
}

/* A path or a list of paths, appended to @p out resolved. */
static int S_paths(const S_recipe *r, yaml_document_t *doc, const char *key,
                   const yaml_node_t *n, int resolve, nb_strvec *out) {
  yaml_node_item_t *it;
  if (S_scalar(n)) {
    char *p = resolve ? S_resolve(r->dir, S_scalar(n)) : nb_strdup(S_scalar(n));
    int ok = p && *S_scalar(n) && nb_strvec_push(out, p);
    free(p);
    return ok ? 1
              : S_fail(r, S_line(n),
                       "%s: expected a path or a list of "
                       "paths",
                       key);
  }
  if (n->type != YAML_SEQUENCE_NODE)
    return S_fail(r, S_line(n),
                  "%s: expected a list of paths — write "
                  "%s: [a, b] or one '- path' per line",
                  key, key);
  for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
       it++) {
    yaml_node_t *item = yaml_document_get_node(doc, *it);
    const char *s = item ? S_scalar(item) : NULL;
    char *p;
    int ok;
    if (!s || !*s)
      return S_fail(r, item ? S_line(item) : S_line(n),
                    "%s: every item must "
                    "be a path",
                    key);
    p = resolve ? S_resolve(r->dir, s) : nb_strdup(s);
    ok = p && nb_strvec_push(out, p);
    free(p);
    if (!ok)
      return 0;
  }
  return 1;
}

static int S_metadata(const S_recipe *r, yaml_document_t *doc,
                      const yaml_node_t *n, nb_strvec *out) {
  yaml_node_pair_t *p;
  if (n->type != YAML_MAPPING_NODE)
    return S_fail(r, S_line(n),
                  "metadata: expected a mapping — write "
                  "'metadata:' then '  key: value' lines");
  for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    yaml_node_t *v = yaml_document_get_node(doc, p->value);
    nb_buf b = NB_BUF_INIT;
    int ok;
    if (!k || !v || !S_scalar(k) || !*S_scalar(k) || !S_scalar(v))
      return S_fail(r, k ? S_line(k) : S_line(n),
                    "metadata: every entry "
                    "must be 'key: value'");
    nb_buf_printf(&b, "%s=%s", S_scalar(k), S_scalar(v));
    ok = !b.failed && nb_strvec_push(out, b.data);
    nb_buf_free(&b);
    if (!ok)
      return 0;
  }
  return 1;
}

static int S_size(const S_recipe *r, const char *key, const yaml_node_t *n,
                  unsigned long long *out) {
  const char *s = S_scalar(n);
  if (!s || !nb_cli_parse_size(s, out) || *out < 100000)
    return S_fail(r, S_line(n),
                  "%s: '%s' is not a size of at least 100kB — write e.g. "
                  "%s: 50MB",
                  key, s ? s : "(a list)", key);
  return 1;
}

/* ## The recipe */

static const char *const S_orders[] = {"newest", "oldest", "input", NULL};
static const char *const S_groups[] = {"category", "day", "month", "none",
                                       NULL};
static const char *const S_webps[] = {"keep", "convert", NULL};
static const char *const S_modes[] = {"auto", "always", "never", NULL};

/* One key of the top mapping. 1 on success (unknown keys are warnings). */
static int S_key(S_recipe *r, yaml_document_t *doc, const char *key,
                 const yaml_node_t *k, const yaml_node_t *v) {
  if (S_is_null(v) && strcmp(key, "metadata") != 0)
    return 1; /* "key:" with nothing: the default */
  if (!strcmp(key, "title"))
    return S_string(r, key, v, &r->title);
  if (!strcmp(key, "author"))
    return S_string(r, key, v, &r->author);
  if (!strcmp(key, "lang"))
    return S_string(r, key, v, &r->lang);
  if (!strcmp(key, "category"))
    return S_string(r, key, v, &r->category);
  if (!strcmp(key, "since"))
    return S_day(r, key, v, &r->since);
  if (!strcmp(key, "until"))
    return S_day(r, key, v, &r->until);
  if (!strcmp(key, "limit"))
    return S_long(r, key, v, 1, LONG_MAX, &r->limit);
  if (!strcmp(key, "order"))
    return S_one_of(r, key, v, S_orders, "newest, oldest or input", &r->order);
  if (!strcmp(key, "group_by") || !strcmp(key, "group-by"))
    return S_one_of(r, key, v, S_groups, "category, day, month or none",
                    &r->group_by);
  if (!strcmp(key, "cover")) {
    const char *s = S_scalar(v);
    if (s && (!strcmp(s, "none") || !strcmp(s, "auto"))) {
      free(r->cover);
      return (r->cover = nb_strdup(s)) != NULL;
    }
    return S_path(r, key, v, &r->cover);
  }
  if (!strcmp(key, "style")) {
    const char *s = S_scalar(v);
    size_t n = s ? strlen(s) : 0;
    /* A name from styles/ stays a name; a file is the recipe's. */
    if (s && (strchr(s, '/') || (n > 4 && !strcasecmp(s + n - 4, ".css"))))
      return S_path(r, key, v, &r->style);
    return S_string(r, key, v, &r->style);
  }
  if (!strcmp(key, "page_size") || !strcmp(key, "page-size"))
    return S_string(r, key, v, &r->page_size);
  if (!strcmp(key, "margin"))
    return S_string(r, key, v, &r->margin);
  if (!strcmp(key, "duplex"))
    return S_bool(r, key, v, &r->duplex);
  if (!strcmp(key, "image_dpi"))
    return S_int(r, key, v, 10, 10000, &r->image_dpi);
  if (!strcmp(key, "mirror"))
    return S_path(r, key, v, &r->mirror);
  if (!strcmp(key, "offline"))
    return S_bool(r, key, v, &r->offline);
  if (!strcmp(key, "cache"))
    return S_path(r, key, v, &r->cache);
  if (!strcmp(key, "no_cache"))
    return S_bool(r, key, v, &r->no_cache);
  if (!strcmp(key, "webp"))
    return S_one_of(r, key, v, S_webps, "keep or convert", &r->webp);
  if (!strcmp(key, "max_image_width"))
    return S_int(r, key, v, 1, 100000, &r->max_image_width);
  if (!strcmp(key, "jobs"))
    return S_int(r, key, v, 1, 256, &r->jobs);
  if (!strcmp(key, "strict"))
    return S_bool(r, key, v, &r->strict);
  if (!strcmp(key, "max_article_time") || !strcmp(key, "max-article-time"))
    return S_long(r, key, v, 0, 86400 * 7, &r->max_article_time);
  if (!strcmp(key, "extract"))
    return S_one_of(r, key, v, S_modes, "auto, always or never", &r->extract);
  if (!strcmp(key, "full_text") || !strcmp(key, "full-text"))
    return S_one_of(r, key, v, S_modes, "auto, always or never", &r->full_text);
  if (!strcmp(key, "max_per_host") || !strcmp(key, "max-per-host"))
    return S_int(r, key, v, 1, 64, &r->max_per_host);
  if (!strcmp(key, "allow_private") || !strcmp(key, "allow-private"))
    return S_bool(r, key, v, &r->allow_private);
  if (!strcmp(key, "inputs") || !strcmp(key, "input"))
    return S_paths(r, doc, key, v, 1, &r->inputs);
  if (!strcmp(key, "outputs") || !strcmp(key, "output")) {
    r->outputs_line = S_line(v);
    return S_paths(r, doc, key, v, 0, &r->outputs);
  }
  if (!strcmp(key, "metadata"))
    return S_is_null(v) ? 1 : S_metadata(r, doc, v, &r->metadata);
  if (!strcmp(key, "state"))
    return S_path(r, key, v, &r->state);
  if (!strcmp(key, "only_new") || !strcmp(key, "only-new"))
    return S_bool(r, key, v, &r->only_new);
  if (!strcmp(key, "send_to") || !strcmp(key, "send-to"))
    return S_paths(r, doc, key, v, 0, &r->send_to);
  if (!strcmp(key, "smtp"))
    return S_string(r, key, v, &r->smtp);
  if (!strcmp(key, "mail_from") || !strcmp(key, "mail-from"))
    return S_string(r, key, v, &r->mail_from);
  if (!strcmp(key, "smtp_credentials") || !strcmp(key, "smtp-credentials"))
    return S_path(r, key, v, &r->smtp_credentials);
  if (!strcmp(key, "smtp_require_tls") || !strcmp(key, "smtp-require-tls"))
    return S_bool(r, key, v, &r->smtp_require_tls);
  if (!strcmp(key, "max_attachment") || !strcmp(key, "max-attachment"))
    return S_size(r, key, v, &r->max_attachment);
  if (!strcmp(key, "max_book_size") || !strcmp(key, "max-book-size"))
    return S_size(r, key, v, &r->max_book_size);
  if (!strcmp(key, "opds"))
    return S_path(r, key, v, &r->opds);
  if (!strcmp(key, "device"))
    return S_string(r, key, v, &r->device);
  if (!strcmp(key, "vertical"))
    return S_bool(r, key, v, &r->vertical);
  if (!strcmp(key, "embed_fonts") || !strcmp(key, "embed-fonts"))
    return S_bool(r, key, v, &r->embed_fonts);
  if (strstr(key, "password") || strstr(key, "passwd"))
    return S_fail(r, S_line(k),
                  "%s: a password never goes in a recipe — set "
                  "NEWSBOOK_SMTP_PASSWORD or give smtp_credentials: FILE "
                  "(chmod 600)",
                  key);
  fprintf(stderr,
          "newsbook: warning: %s:%d: unknown key '%s' — ignored "
          "(known keys: %s)\n",
          r->path, S_line(k), key, S_known_keys);
  return 1;
}

static void S_recipe_free(S_recipe *r) {
  char **s[] = {&r->dir,       &r->title,
                &r->author,    &r->lang,
                &r->category,  &r->since,
                &r->until,     &r->order,
                &r->group_by,  &r->cover,
                &r->style,     &r->page_size,
                &r->margin,    &r->mirror,
                &r->cache,     &r->webp,
                &r->extract,   &r->full_text,
                &r->state,     &r->smtp,
                &r->mail_from, &r->smtp_credentials,
                &r->opds,      &r->device};
  size_t i;
  for (i = 0; i < sizeof s / sizeof *s; i++) {
    free(*s[i]);
    *s[i] = NULL;
  }
  nb_strvec_free(&r->inputs);
  nb_strvec_free(&r->outputs);
  nb_strvec_free(&r->metadata);
  nb_strvec_free(&r->send_to);
}

/* Read and check the recipe at @p path into @p r. 1, or 0 after printing
 * what is wrong. */
static int S_load(S_recipe *r, const char *path) {
  yaml_parser_t parser;
  yaml_document_t doc;
  yaml_node_t *root;
  yaml_node_pair_t *p;
  char *data = NULL;
  size_t len = 0;
  nb_error err;
  int ok = 1;

  memset(r, 0, sizeof *r);
  r->path = path;
  r->max_article_time = -1;
  if (!(r->dir = S_dirname(path)))
    return 0;
  if (nb_read_file(path, 1024 * 1024, &data, &len, &err) != 0) {
    S_fail(r, 0, "cannot read the recipe: %s%s", err.message,
           strstr(err.message, "\xE2\x80\x94") ? "" : " — check the path");
    return 0;
  }
  if (!yaml_parser_initialize(&parser)) {
    free(data);
    return S_fail(r, 0, "out of memory");
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
  if (!yaml_parser_load(&parser, &doc)) {
    S_fail(r, (int)parser.problem_mark.line + 1,
           "not valid YAML: %s%s%s — fix the recipe's syntax (indent with "
           "spaces, 'key: value' per line)",
           parser.problem ? parser.problem : "syntax error",
           parser.context ? " " : "", parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    free(data);
    return 0;
  }
  root = yaml_document_get_root_node(&doc);
  if (!root || root->type != YAML_MAPPING_NODE) {
    ok = S_fail(r, root ? S_line(root) : 0,
                "a recipe is a mapping of 'key: value' lines (title, inputs, "
                "outputs, ...) — see samples/recipes/ for examples");
    goto cleanup;
  }
  for (p = root->data.mapping.pairs.start;
       ok && p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&doc, p->value);
    if (!k || !v || !S_scalar(k)) {
      ok = S_fail(r, k ? S_line(k) : 0,
                  "keys must be plain words such as "
                  "title or inputs");
      break;
    }
    ok = S_key(r, &doc, S_scalar(k), k, v);
  }
  if (ok && r->inputs.n == 0)
    ok = S_fail(r, 0,
                "no inputs — add 'inputs:' with the archive "
                "directories, articles or feeds to read");

cleanup:
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  free(data);
  return ok;
}

/* ## Running it */

static int S_format_ok(const char *out) {
  const char *dot = strrchr(out, '.');
  return dot && (!strcasecmp(dot, ".epub") || !strcasecmp(dot, ".pdf") ||
                 !strcasecmp(dot, ".json"));
}

/* One output: an nb_cli filled as main() would from the same options. */
static int S_convert(const S_recipe *r, const char *output, int verbosity,
                     int jobs, int last, nb_state *st) {
  nb_cli cli;
  size_t i;
  int status;

  nb_cli_init(&cli);
  cli.verbosity = verbosity;
  for (i = 0; i < r->inputs.n; i++)
    if (!nb_strvec_push(&cli.inputs, r->inputs.v[i]))
      goto oom;
  for (i = 0; i < r->metadata.n; i++)
    if (!nb_strvec_push(&cli.metadata, r->metadata.v[i]))
      goto oom;
  for (i = 0; i < r->send_to.n; i++)
    if (!nb_strvec_push(&cli.send_to, r->send_to.v[i]))
      goto oom;
  cli.output = output;
  cli.title = r->title;
  cli.author = r->author;
  cli.lang = r->lang;
  cli.style = r->style;
  cli.cover = r->cover && strcmp(r->cover, "auto") != 0 ? r->cover : NULL;
  cli.category = r->category;
  cli.since = r->since;
  cli.until = r->until;
  cli.order = r->order;
  cli.group_by = r->group_by;
  cli.limit = r->limit;
  cli.strict = r->strict;
  cli.jobs = jobs ? jobs : r->jobs;
  cli.article_time =
      r->max_article_time >= 0 ? r->max_article_time : NB_CLI_ARTICLE_TIME;
  cli.resolve.mirror_dir = r->mirror;
  cli.resolve.offline = r->offline;
  cli.resolve.cache_dir = r->no_cache ? "" : r->cache;
  cli.resolve.webp_keep = r->webp && strcmp(r->webp, "keep") == 0;
  cli.resolve.max_image_width = r->max_image_width;
  cli.write.page_size = r->page_size;
  cli.write.margin = r->margin;
  cli.write.duplex = r->duplex;
  cli.write.image_dpi = r->image_dpi;
  if (r->extract)
    cli.read.extract = (nb_extract_mode)nb_cli_mode(r->extract);
  if (r->full_text) {
    cli.acquire.full_text = (nb_full_text_mode)nb_cli_mode(r->full_text);
    cli.full_text_files = 1;
  }
  cli.acquire.max_per_host = r->max_per_host;
  cli.resolve.allow_private = r->allow_private;
  cli.write.vertical = r->vertical;
  cli.write.embed_fonts = r->embed_fonts;
  cli.state = r->state;
  cli.only_new = r->only_new;
  /* a book in several formats is recorded once, with the last: the
   * earlier ones must still see its articles as new */
  cli.no_record = !last;
  cli.state_open = st;
  cli.smtp = r->smtp;
  cli.mail_from = r->mail_from;
  cli.smtp_credentials = r->smtp_credentials;
  cli.smtp_require_tls = r->smtp_require_tls;
  cli.max_attachment = r->max_attachment;
  cli.max_book_size = r->max_book_size;
  cli.opds = r->opds;
  cli.device = r->device;

  status = nb_cli_convert(&cli);
  nb_cli_free(&cli);
  return status;
oom:
  nb_cli_free(&cli);
  fprintf(stderr, "newsbook: out of memory\n");
  return 1;
}

int nb_cli_build(int argc, char **argv) {
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"output-dir", required_argument, NULL, 'd'},
      {"jobs", required_argument, NULL, 'j'},
      {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  nb_strvec given = {0};
  const char *outdir = NULL;
  int c, verbosity = 1, jobs = 0, status = 0, from_cli = 0;
  size_t i;
  S_recipe r;
  nb_state *st = NULL;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:j:qvh", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      if (!nb_strvec_push(&given, optarg))
        return 1;
      break;
    case 'd': outdir = optarg; break;
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 1 || n > 256) {
        fprintf(stderr,
                "newsbook: build: --jobs: '%s' is not a number from "
                "1 to 256\n",
                optarg);
        nb_strvec_free(&given);
        return 2;
      }
      jobs = (int)n;
      break;
    }
    case 'q': verbosity = 0; break;
    case 'v': verbosity = 2; break;
    case 'h':
      fputs(S_build_usage, stdout);
      nb_strvec_free(&given);
      return 0;
    default:
      nb_strvec_free(&given);
      return nb_cli_option_error(c, argc, argv, "newsbook build");
    }
  }
  if (argc - optind != 1) {
    fprintf(stderr,
            "newsbook: build: %s — usage: newsbook build "
            "RECIPE.yaml\n",
            argc - optind < 1 ? "no recipe given"
                              : "give one recipe at a time");
    nb_strvec_free(&given);
    return 2;
  }
  if (!S_load(&r, argv[optind])) {
    S_recipe_free(&r);
    nb_strvec_free(&given);
    return 2;
  }
  if (given.n == 0 && r.outputs.n == 0) {
    S_fail(&r, 0,
           "no outputs — add 'outputs:' with book.epub and/or "
           "book.pdf, or give -o FILE");
    status = 2;
  }
  /* Outputs from the recipe go beside it (or into --output-dir); -o paths
   * are the user's own, relative to where they stand. */
  if (!status && given.n == 0) {
    for (i = 0; i < r.outputs.n; i++) {
      char *p = S_resolve(outdir ? outdir : r.dir, r.outputs.v[i]);
      if (!p) {
        status = 1;
        break;
      }
      free(r.outputs.v[i]);
      r.outputs.v[i] = p;
    }
  } else if (!status) {
    nb_strvec_free(&r.outputs);
    r.outputs = given;
    from_cli = 1;
    memset(&given, 0, sizeof given);
  }
  for (i = 0; !status && i < r.outputs.n; i++) {
    if (!S_format_ok(r.outputs.v[i])) {
      S_fail(&r, from_cli ? 0 : r.outputs_line,
             "outputs: '%s' is not "
             ".epub, .pdf or .json — name each output book.epub, book.pdf or "
             "book.json",
             r.outputs.v[i]);
      status = 2;
    }
  }
  /* Every output is attempted even after one fails: the EPUB of a daily
   * book is still worth having when its PDF could not be made. */
  /* Several outputs of one book share one state handle, so that its run
   * lock is held from the first to the last: an overlapping run cannot
   * slip in between and see the book's articles as new. */
  if (status == 0 && r.state && r.outputs.n > 1) {
    nb_state_options so;
    nb_error err;
    memset(&so, 0, sizeof so);
    memset(&err, 0, sizeof err);
    so.abi_version = NB_STATE_ABI_VERSION;
    so.run_lock = 1;
    if (nb_state_open(r.state, &so, &st, &err) != 0) {
      fprintf(stderr, "newsbook: %s: %s\n", err.file[0] ? err.file : r.state,
              err.message);
      status = 1;
    }
  }
  if (status == 0) {
    for (i = 0; i < r.outputs.n; i++) {
      int s = S_convert(&r, r.outputs.v[i], verbosity, jobs,
                        i + 1 == r.outputs.n, st);
      if (s > status)
        status = s;
    }
  }
  nb_state_close(st);
  S_recipe_free(&r);
  nb_strvec_free(&given);
  return status;
}
