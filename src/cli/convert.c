/* The conversion pipeline: inputs → documents → book → writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <unistd.h>

#include "cli/cli.h"
#include "cli/pool.h"
#include "cli/progress.h"

typedef struct S_docs {
  nb_doc **v;
  size_t n, cap;
} S_docs;

static int S_push(S_docs *d, nb_doc *doc) {
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 64;
    nb_doc **p = nb_reallocarray(d->v, cap, sizeof *p);
    if (!p)
      return 0;
    d->v = p;
    d->cap = cap;
  }
  d->v[d->n++] = doc;
  return 1;
}

static int S_feed_item(void *ud, nb_doc *doc) {
  S_docs *d = ud;
  if (!S_push(d, doc)) {
    nb_doc_free(doc);
    return 1;
  }
  return 0;
}

static const char *S_format(const nb_cli *cli) {
  const char *dot;
  if (cli->to)
    return cli->to;
  dot = cli->output ? strrchr(cli->output, '.') : NULL;
  if (dot && strcasecmp(dot, ".epub") == 0)
    return "epub";
  if (dot && strcasecmp(dot, ".pdf") == 0)
    return "pdf";
  return NULL;
}

/* Same file by device and inode, so that ./a.md and a.md match too. */
static int S_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (strcmp(a, "-") == 0 || stat(a, &sa) != 0 || stat(b, &sb) != 0)
    return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static const char *S_find_style(const char *name, char *buf, size_t size) {
  const char *env = getenv("NEWSBOOK_DATADIR");
  const char *dirs[3];
  size_t i;
  struct stat st;
  if (!name)
    return NULL;
  if (strchr(name, '/') || (strlen(name) > 4 &&
                            strcasecmp(name + strlen(name) - 4, ".css") == 0))
    return name;
  dirs[0] = env;
  dirs[1] = NB_SRCDIR;
  dirs[2] = NB_DATADIR;
  for (i = 0; i < 3; i++) {
    if (!dirs[i])
      continue;
    snprintf(buf, size, "%s/styles/%s.css", dirs[i], name);
    if (stat(buf, &st) == 0)
      return buf;
  }
  return NULL;
}

static void S_human_size(char *buf, size_t size, long long bytes) {
  if (bytes >= 1024 * 1024)
    snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
  else
    snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
}

static int S_write_report(const nb_cli *cli, nb_cli_diag *d,
                          const nb_resources *set) {
  nb_buf b = NB_BUF_INIT;
  nb_atomic a;
  nb_error err;
  char *images = nb_resources_report_json(set);
  nb_buf_puts(&b, "{\n  \"images\": ");
  nb_buf_puts(&b, images ? images : "[]");
  free(images);
  nb_buf_puts(&b, ",\n  \"warnings\": [\n    ");
  pthread_mutex_lock(&d->lock);
  nb_buf_append(&b, d->json.data ? d->json.data : "", d->json.len);
  pthread_mutex_unlock(&d->lock);
  nb_buf_puts(&b, "\n  ]\n}\n");
  if (b.failed || nb_atomic_open(&a, cli->report, &err) != 0) {
    nb_buf_free(&b);
    nb_cli_error(d, &err);
    return 1;
  }
  fwrite(b.data, 1, b.len, a.fp);
  nb_buf_free(&b);
  if (nb_atomic_commit(&a, &err) != 0) {
    nb_cli_error(d, &err);
    return 1;
  }
  return 0;
}

/* ## Reading in parallel
 *
 * Each input is read and parsed by whichever worker takes it; results land
 * in the input's own slot, so the book's order never depends on timing. */

typedef struct S_slot {
  S_docs docs;
  int failed;
} S_slot;

typedef struct S_pool {
  nb_cli *cli;
  nb_cli_diag *d;
  nb_progress *prog;
  const nb_strvec *paths;
  const nb_select_options *sel;
  int prefilter;
  S_slot *slots;
} S_pool;

/* The YAML between a leading "---" line and the next "---" line. */
static int S_front_matter(const char *s, size_t len, const char **yaml,
                          size_t *ylen) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
      (unsigned char)s[2] == 0xBF)
    i = 3;
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    i++;
  if (len - i < 4 || strncmp(s + i, "---", 3) != 0)
    return 0;
  i += 3;
  while (i < len && s[i] != '\n')
    i++;
  *yaml = s + i;
  for (; i + 3 <= len; i++) {
    if (s[i] == '\n' && strncmp(s + i + 1, "---", 3) == 0) {
      *ylen = (size_t)(s + i - *yaml);
      return 1;
    }
  }
  return 0;
}

/* 0 when the article's front matter rules it out of the selection, so its
 * body need not be parsed at all. */
static int S_may_match(const char *path, const char *data, size_t len,
                       const nb_select_options *sel) {
  const char *yaml;
  size_t ylen;
  nb_doc *tmp;
  int ok = 1;
  if (!S_front_matter(data, len, &yaml, &ylen) || !(tmp = nb_doc_new()))
    return 1;
  nb_read_front_matter(tmp, path, yaml, ylen, NULL);
  ok = nb_select_match(tmp, sel);
  nb_doc_free(tmp);
  return ok;
}

static void S_read_one_body(S_pool *pool, size_t i);

static void S_read_one(void *ctx, size_t i) {
  S_pool *pool = ctx;
  S_read_one_body(pool, i);
  nb_progress_step(pool->prog, 1);
}

static void S_read_one_body(S_pool *pool, size_t i) {
  const char *p = pool->paths->v[i];
  nb_cli *cli = pool->cli;
  S_slot *slot = &pool->slots[i];
  char *data = NULL;
  size_t len = 0;
  nb_error err;
  nb_doc *doc;

  memset(&err, 0, sizeof err);
  if (nb_read_file(p, cli->read.max_input_bytes ? cli->read.max_input_bytes
                                                : 64u * 1024 * 1024,
                   &data, &len, &err) != 0) {
    nb_cli_error(pool->d, &err);
    slot->failed = 1;
    return;
  }
  if (nb_is_feed(data, len)) {
    int items = nb_read_feed(p, data, len, &cli->read, &pool->d->diag,
                             S_feed_item, &slot->docs, &err);
    if (items < 0) {
      nb_cli_error(pool->d, &err);
      slot->failed = 1;
    } else if (items == 0) {
      nb_error_set(&err, NB_ERR_FORMAT, p, 0,
                   "the feed has no items — nothing to convert from it");
      nb_cli_error(pool->d, &err);
      slot->failed = 1;
    }
    free(data);
    return;
  }
  if (pool->prefilter && !S_may_match(p, data, len, pool->sel)) {
    free(data);
    return;
  }
  doc = nb_read_article(strcmp(p, "-") == 0 ? "stdin" : p, data, len,
                        &cli->read, &pool->d->diag, &err);
  free(data);
  if (!doc) {
    nb_cli_error(pool->d, &err);
    slot->failed = 1;
    return;
  }
  if (!S_push(&slot->docs, doc)) {
    nb_doc_free(doc);
    slot->failed = 1;
  }
}

/* Read and parse every path with cli->jobs workers; append the documents
 * to @p out in input order. Returns the number of inputs that failed. */
static size_t S_read_all(nb_cli *cli, nb_cli_diag *d, nb_progress *prog,
                         const nb_strvec *paths, const nb_select_options *sel,
                         S_docs *out) {
  S_pool pool;
  size_t i, j, failed = 0;

  memset(&pool, 0, sizeof pool);
  pool.cli = cli;
  pool.d = d;
  pool.prog = prog;
  pool.paths = paths;
  pool.sel = sel;
  pool.prefilter = sel->dedupe; /* a selection is active */
  pool.slots = nb_calloc(paths->n ? paths->n : 1, sizeof *pool.slots);
  if (!pool.slots)
    return paths->n;
  nb_pool_for(paths->n, cli->jobs, S_read_one, &pool);
  for (i = 0; i < paths->n; i++) {
    S_slot *slot = &pool.slots[i];
    failed += slot->failed != 0;
    for (j = 0; j < slot->docs.n; j++)
      if (!S_push(out, slot->docs.v[j])) {
        nb_doc_free(slot->docs.v[j]);
        failed++;
      }
    free(slot->docs.v);
  }
  free(pool.slots);
  return failed;
}

/* ## Resolving images in parallel (the set is thread-safe; writers walk
 * documents in order, so the output does not depend on who came first). */

typedef struct S_resolve_ctx {
  nb_book *book;
  nb_resources *set;
  nb_cli_diag *d;
  nb_progress *prog;
  pthread_mutex_t lock;
  int failed;
} S_resolve_ctx;

static void S_resolve_one(void *ctx, size_t i) {
  S_resolve_ctx *rc = ctx;
  nb_error err;
  memset(&err, 0, sizeof err);
  if (nb_resources_resolve_doc(rc->set, nb_book_doc(rc->book, i), &err) < 0) {
    nb_cli_error(rc->d, &err);
    pthread_mutex_lock(&rc->lock);
    rc->failed = 1;
    pthread_mutex_unlock(&rc->lock);
  }
  nb_progress_step(rc->prog, 1);
}

/* --metadata KEY=VALUE on a one-article book also sets the article's own
 * metadata (its title block shows it). */
static void S_apply_metadata(const nb_cli *cli, nb_doc *doc) {
  size_t m;
  for (m = 0; m < cli->metadata.n; m++) {
    const char *kv = cli->metadata.v[m];
    const char *eq = strchr(kv, '=');
    char *key = nb_strndup(kv, (size_t)(eq - kv));
    if (key)
      nb_doc_set_meta(doc, key, eq + 1);
    free(key);
  }
}

int nb_cli_convert(nb_cli *cli, nb_cli_diag *d) {
  nb_strvec paths = {0};
  S_docs docs = {0};
  nb_error err;
  nb_resources *set = NULL;
  nb_book *book = NULL;
  const nb_writer *w;
  const char *fmt = S_format(cli);
  char stylebuf[4096];
  size_t i, failed = 0, images_ok = 0, images_bad = 0;
  int status = 1;
  nb_select_options sel;
  struct timespec t0, t1;
  long kept;
  nb_progress prog;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&err, 0, sizeof err);
  nb_progress_init(&prog, cli->verbosity);
  d->progress = &prog;
  for (w = nb_writers(); w->name; w++)
    if (fmt && strcmp(w->name, fmt) == 0)
      break;
  if (!w->name) {
    fprintf(stderr, "newsbook: %s: cannot tell the output format — name the "
                    "output .epub or .pdf, or give --to epub|pdf\n",
            cli->output);
    return 2;
  }
  if (cli->style) {
    cli->write.style_path = S_find_style(cli->style, stylebuf, sizeof stylebuf);
    if (!cli->write.style_path) {
      fprintf(stderr, "newsbook: %s: no such style — give a CSS file or a "
                      "name from styles/\n",
              cli->style);
      return 2;
    }
  }
  {
    struct stat ost;
    if (stat(cli->output, &ost) == 0 && S_ISDIR(ost.st_mode)) {
      fprintf(stderr, "newsbook: %s: is a directory — give a file name "
                      "such as %s/book.%s\n",
              cli->output, cli->output, fmt);
      status = 1;
      goto cleanup;
    }
  }
  if (nb_cli_collect_inputs(&cli->inputs, &paths, &err) != 0) {
    nb_cli_error(d, &err);
    status = 1;
    goto cleanup;
  }
  for (i = 0; i < paths.n; i++) {
    if (S_same_file(paths.v[i], cli->output)) {
      fprintf(stderr, "newsbook: %s: the output is also an input — choose "
                      "another output path (the input was not touched)\n",
              cli->output);
      status = 1;
      goto cleanup;
    }
  }
  memset(&sel, 0, sizeof sel);
  sel.abi_version = NB_SELECT_ABI_VERSION;
  sel.category = cli->category;
  sel.limit = cli->limit;
  sel.since = nb_date_parse(cli->since);
  sel.until = nb_date_parse(cli->until);
  sel.dedupe = cli->category || cli->since || cli->until;
  sel.order = sel.dedupe ? NB_ORDER_NEWEST : NB_ORDER_INPUT;
  if (cli->order)
    sel.order = strcmp(cli->order, "oldest") == 0 ? NB_ORDER_OLDEST
                : strcmp(cli->order, "input") == 0 ? NB_ORDER_INPUT
                                                    : NB_ORDER_NEWEST;
  if (cli->group_by)
    sel.group_by = strcmp(cli->group_by, "none") == 0       ? NB_GROUP_NONE
                   : strcmp(cli->group_by, "day") == 0      ? NB_GROUP_DAY
                   : strcmp(cli->group_by, "month") == 0    ? NB_GROUP_MONTH
                   : strcmp(cli->group_by, "category") == 0 ? NB_GROUP_CATEGORY
                                                            : NB_GROUP_AUTO;

  nb_progress_phase(&prog, "parse", paths.n);
  failed = S_read_all(cli, d, &prog, &paths, &sel, &docs);
  nb_progress_end(&prog);
  if (docs.n == 0) {
    if (d->errors == 0) /* else the reasons are already on screen */
      fprintf(stderr, "newsbook: no article could be read — nothing "
                      "written; check the inputs\n");
    goto cleanup;
  }
  if (failed && cli->strict) {
    fprintf(stderr, "newsbook: note: %s: not written: %zu input%s failed and "
                    "--strict is set — fix them or drop --strict\n",
            cli->output, failed, failed == 1 ? "" : "s");
    goto cleanup;
  }

  book = nb_book_new();
  set = nb_resources_new(&cli->resolve, &d->diag);
  if (!book || !set) {
    fprintf(stderr, "newsbook: out of memory\n");
    goto cleanup;
  }
  kept = nb_book_assemble(book, docs.v, docs.n, &sel, &d->diag);
  docs.n = 0; /* the book owns them now */
  if (kept <= 0) {
    fprintf(stderr, "newsbook: no article matches the selection — nothing "
                    "written; widen --category, --since or --until\n");
    goto cleanup;
  }
  nb_book_set_resources(book, set);
  if (nb_book_doc_count(book) == 1)
    S_apply_metadata(cli, nb_book_doc(book, 0));
  nb_progress_phase(&prog, "images", nb_book_doc_count(book));
  {
    S_resolve_ctx rc;
    rc.book = book;
    rc.set = set;
    rc.d = d;
    rc.prog = &prog;
    rc.failed = 0;
    pthread_mutex_init(&rc.lock, NULL);
    nb_pool_for(nb_book_doc_count(book), cli->jobs, S_resolve_one, &rc);
    pthread_mutex_destroy(&rc.lock);
    if (rc.failed)
      goto cleanup;
  }
  for (i = 0; i < cli->metadata.n; i++) {
    char *eq = strchr(cli->metadata.v[i], '=');
    *eq = '\0';
    nb_book_set_meta(book, cli->metadata.v[i], eq + 1);
    *eq = '=';
  }
  if (cli->title)
    nb_book_set_meta(book, "title", cli->title);
  if (cli->author)
    nb_book_set_meta(book, "author", cli->author);
  if (cli->lang)
    nb_book_set_meta(book, "lang", cli->lang);
  if (cli->cover && strcmp(cli->cover, "none") == 0) {
    cli->write.cover_mode = "none";
  } else if (cli->cover) {
    char *data = NULL;
    size_t len = 0;
    const nb_resource *r;
    if (nb_read_file(cli->cover, 64u * 1024 * 1024, &data, &len, &err) != 0) {
      nb_cli_error(d, &err);
      goto cleanup;
    }
    r = nb_resources_add_bytes(set, cli->cover, data, len);
    free(data);
    if (!r || r->status != NB_RES_OK) {
      fprintf(stderr, "newsbook: %s: not a usable cover image (%s) — give a "
                      "JPEG or PNG\n",
              cli->cover, r && r->reason ? r->reason : "unreadable");
      goto cleanup;
    }
    nb_book_set_cover(book, r);
  }
  nb_book_finish(book);
  /* A book of many articles gets a generated cover (title, dates,
   * headlines, lead photo) unless one was given or refused; a single
   * article keeps its lead image, which the writers pick themselves. */
  if (!cli->cover && nb_book_doc_count(book) > 1 &&
      nb_book_generate_cover(book, &err) != 0)
    nb_diag_emit(&d->diag, NB_SEV_WARNING, "image", NULL, 0, NULL,
                 "%s — the book has no generated cover", err.message);
  nb_progress_phase(&prog, "write", 1);

  if (w->write(book, &cli->write, cli->output, &d->diag, &err) != 0) {
    nb_progress_end(&prog);
    nb_cli_error(d, &err);
    goto cleanup;
  }
  status = failed && cli->strict ? 1 : 0;

cleanup:
  nb_progress_end(&prog);
  d->progress = NULL;
  if (set) {
    for (i = 0; i < nb_resources_count(set); i++) {
      const nb_resource *r = nb_resources_at(set, i);
      if (r->status == NB_RES_OK)
        images_ok++;
      else
        images_bad++;
    }
    if (cli->report && S_write_report(cli, d, set) != 0)
      status = 1;
  }
  if (status == 0 && cli->verbosity >= 1) {
    struct stat st;
    char size[32] = "?";
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stat(cli->output, &st) == 0)
      S_human_size(size, sizeof size, (long long)st.st_size);
    fprintf(stderr,
            "newsbook: wrote %s: %zu article%s, %zu image%s embedded, %zu "
            "missing, %zu warning%s, %s, %.2f s\n",
            cli->output, nb_book_doc_count(book),
            nb_book_doc_count(book) == 1 ? "" : "s", images_ok,
            images_ok == 1 ? "" : "s", images_bad, d->warnings,
            d->warnings == 1 ? "" : "s", size,
            (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  for (i = 0; i < docs.n; i++)
    nb_doc_free(docs.v[i]);
  free(docs.v);
  nb_book_free(book);
  nb_resources_free(set);
  nb_strvec_free(&paths);
  nb_progress_free(&prog);
  return status;
}
