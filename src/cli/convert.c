/* A conversion as the command line runs it: the options of an nb_cli turned
 * into an nb_convert_job, one call to nb_convert_run, and what the user is
 * told: the reason nothing was written, or a one-line summary. The
 * pipeline itself (reading, images, the book, writing) is library code. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/progress.h"

void nb_cli_init(nb_cli *cli) {
  memset(cli, 0, sizeof *cli);
  cli->verbosity = 1;
  cli->article_time = NB_CLI_ARTICLE_TIME;
  cli->read.abi_version = NB_READ_ABI_VERSION;
  cli->resolve.abi_version = NB_RESOLVE_ABI_VERSION;
  cli->write.abi_version = NB_WRITE_ABI_VERSION;
  cli->acquire.abi_version = NB_ACQUIRE_ABI_VERSION;
}

int nb_cli_mode(const char *s) {
  static const char *const modes[] = {"auto", "always", "never"};
  int i;
  for (i = 0; s && i < 3; i++)
    if (strcmp(s, modes[i]) == 0)
      return i;
  return -1;
}

void nb_cli_free(nb_cli *cli) {
  nb_strvec_free(&cli->inputs);
  nb_strvec_free(&cli->metadata);
  nb_strvec_free(&cli->send_to);
}

/* The selection the options ask for. Choosing by category or date also
 * drops repeats and puts the newest first, unless --order says otherwise. */
static void S_select(const nb_cli *cli, nb_select_options *sel) {
  memset(sel, 0, sizeof *sel);
  sel->abi_version = NB_SELECT_ABI_VERSION;
  sel->category = cli->category;
  sel->limit = cli->limit;
  sel->since = nb_date_parse(cli->since);
  sel->until = nb_date_parse(cli->until);
  sel->dedupe = cli->category || cli->since || cli->until;
  sel->order = sel->dedupe ? NB_ORDER_NEWEST : NB_ORDER_INPUT;
  if (cli->order)
    sel->order = strcmp(cli->order, "oldest") == 0  ? NB_ORDER_OLDEST
                 : strcmp(cli->order, "input") == 0 ? NB_ORDER_INPUT
                                                    : NB_ORDER_NEWEST;
  if (cli->group_by)
    sel->group_by = strcmp(cli->group_by, "none") == 0       ? NB_GROUP_NONE
                    : strcmp(cli->group_by, "day") == 0      ? NB_GROUP_DAY
                    : strcmp(cli->group_by, "month") == 0    ? NB_GROUP_MONTH
                    : strcmp(cli->group_by, "category") == 0 ? NB_GROUP_CATEGORY
                                                             : NB_GROUP_AUTO;
}

/* --metadata KEY=VALUE entries split at the first '=' (pointing into the
 * strings of @p cli). malloc'd, or NULL when there are none or no memory. */
static nb_convert_meta *S_metadata(const nb_cli *cli) {
  nb_convert_meta *m;
  size_t i;
  if (cli->metadata.n == 0 || !(m = calloc(cli->metadata.n, sizeof *m)))
    return NULL;
  for (i = 0; i < cli->metadata.n; i++) {
    char *kv = cli->metadata.v[i], *eq = strchr(kv, '=');
    *eq = '\0'; /* the option parser made sure there is one */
    m[i].key = kv;
    m[i].value = eq + 1;
  }
  return m;
}

static void S_human_size(char *buf, size_t size, long long bytes) {
  if (bytes <= 0)
    snprintf(buf, size, "?");
  else if (bytes >= 1024 * 1024)
    snprintf(buf, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
  else
    snprintf(buf, size, "%.1f KiB", (double)bytes / 1024.0);
}

static double S_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Why nothing (or not everything) was written, unless the diagnostics
 * already said it; a refusal by --strict is a note, since the failures
 * behind it were shown as they happened. */
static void S_failure(nb_cli_diag *d, const nb_convert_result *res,
                      const nb_error *err) {
  if (res->error_reported)
    return;
  nb_cli_error(d, res->outcome == NB_CONVERT_STRICT ? "note: " : NULL, err);
}

/* One line, suited to cron mail: what was written, and with the daily
 * loop how many articles were new, in how many volumes, to whom it went
 * and where it is shelved. */
static void S_summary(const nb_cli_diag *d, const nb_convert_result *res,
                      const nb_cli *cli, const struct timespec *t0) {
  char size[32], vols[48] = "", before[64] = "";
  const char *new_ = cli->only_new ? " new" : "";
  S_human_size(size, sizeof size, res->output_bytes);
  if (res->nfiles > 1)
    snprintf(vols, sizeof vols, " in %zu volumes", res->nfiles);
  if (cli->only_new)
    snprintf(before, sizeof before, " (%zu delivered before)",
             res->delivered_before);
  fprintf(stderr,
          "newsbook: wrote %s%s: %zu%s article%s%s, %zu image%s embedded, "
          "%zu missing, %zu warning%s, %s",
          res->output, vols, res->articles, new_, res->articles == 1 ? "" : "s",
          before, res->images_embedded, res->images_embedded == 1 ? "" : "s",
          res->images_missing, d->warnings, d->warnings == 1 ? "" : "s", size);
  if (res->sent_to)
    fprintf(stderr, ", sent to %s", res->sent_to);
  if (res->shelved)
    fprintf(stderr, ", shelved in %s", cli->opds);
  fprintf(stderr, ", %.2f s\n", S_since(t0));
}

int nb_cli_convert(nb_cli *cli) {
  nb_convert_job job;
  nb_convert_result res;
  nb_select_options sel;
  nb_convert_meta *meta = NULL;
  nb_cli_diag d;
  nb_cli_progress prog;
  nb_cli_deliver dv;
  nb_error err;
  char stylebuf[4096];
  struct timespec t0;
  int status = 2;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&dv, 0, sizeof dv);
  memset(&err, 0, sizeof err);
  memset(&res, 0, sizeof res);
  res.abi_version = NB_CONVERT_RESULT_ABI_VERSION;
  nb_cli_diag_init(&d, cli->verbosity);
  nb_cli_progress_init(&prog, cli->verbosity);
  d.progress = &prog;
  S_select(cli, &sel);
  if (cli->metadata.n && !(meta = S_metadata(cli))) {
    fprintf(stderr, "newsbook: out of memory\n");
    status = 1;
    goto cleanup;
  }

  memset(&job, 0, sizeof job);
  job.abi_version = NB_CONVERT_ABI_VERSION;
  job.inputs = (const char *const *)cli->inputs.v;
  job.input_count = cli->inputs.n;
  job.output = cli->output;
  job.format = cli->to;
  job.report = cli->report;
  job.title = cli->title;
  job.author = cli->author;
  job.lang = cli->lang;
  job.metadata = meta;
  job.metadata_count = meta ? cli->metadata.n : 0;
  job.select = &sel;
  job.strict = cli->strict;
  job.max_article_time = cli->article_time;
  job.jobs = cli->jobs;
  job.read = &cli->read;
  job.resolve = &cli->resolve;
  job.write = &cli->write;
  job.diag = &d.diag;
  job.progress = &prog.callbacks;
  job.acquire = &cli->acquire;
  job.full_text_files = cli->full_text_files;
  if (cli->cover && strcmp(cli->cover, "none") == 0)
    cli->write.cover_mode = "none";
  else
    job.cover = cli->cover;

  /* What cannot work as given is a usage error (exit 2). */
  if (nb_convert_check(&job, &err) != 0) {
    nb_cli_error(&d, NULL, &err);
    goto cleanup;
  }
  if (cli->style) {
    cli->write.style_path =
        nb_convert_find_style(cli->style, stylebuf, sizeof stylebuf);
    if (!cli->write.style_path) {
      fprintf(stderr,
              "newsbook: %s: no such style — give a CSS file or a "
              "name from styles/\n",
              cli->style);
      goto cleanup;
    }
  }

  /* The daily loop: checked (and the state opened) before any work. */
  if ((status = nb_cli_deliver_init(cli, &dv)) >= 0)
    goto cleanup;
  if (dv.used)
    job.deliver = &dv.deliver;

  status = nb_convert_run(&job, &res, &err) == 0 ? 0 : 1;
  nb_cli_progress_end(&prog);
  if (status != 0 && res.outcome == NB_CONVERT_NOTHING_NEW) {
    /* not a failure for a daily run: yesterday's articles only */
    status = 0;
    if (cli->verbosity >= 1)
      fprintf(stderr, "newsbook: %s\n", err.message);
  } else if (status != 0) {
    S_failure(&d, &res, &err);
  } else if (cli->verbosity >= 1) {
    S_summary(&d, &res, cli, &t0);
  }

cleanup:
  nb_cli_deliver_free(&dv);
  nb_convert_result_free(&res);
  nb_cli_progress_free(&prog);
  nb_cli_diag_free(&d);
  free(meta);
  return status;
}
