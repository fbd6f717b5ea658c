/* Diagnostics as the user sees them. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"

int nb_strvec_push(nb_strvec *s, const char *str) {
  char *c;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    char **p = nb_reallocarray(s->v, cap, sizeof *p);
    if (!p)
      return 0;
    s->v = p;
    s->cap = cap;
  }
  if (!(c = nb_strdup(str)))
    return 0;
  s->v[s->n++] = c;
  return 1;
}

void nb_strvec_free(nb_strvec *s) {
  size_t i;
  for (i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

void nb_json_string(nb_buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  nb_buf_putc(b, '"');
  for (; *p; p++) {
    switch (*p) {
    case '"': nb_buf_puts(b, "\\\""); break;
    case '\\': nb_buf_puts(b, "\\\\"); break;
    case '\n': nb_buf_puts(b, "\\n"); break;
    case '\r': nb_buf_puts(b, "\\r"); break;
    case '\t': nb_buf_puts(b, "\\t"); break;
    default:
      if (*p < 0x20)
        nb_buf_printf(b, "\\u%04x", *p);
      else
        nb_buf_putc(b, (char)*p);
    }
  }
  nb_buf_putc(b, '"');
}

/* Print @p s with control characters (a newline in a file name, say) shown
 * as '?', so that every message stays one line. */
static void S_put(const char *s) {
  for (; s && *s; s++)
    fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, stderr);
}

static void S_put_where(const char *file, int line) {
  if (!file || !*file)
    return;
  S_put(file);
  if (line > 0)
    fprintf(stderr, ":%d", line);
  fputs(": ", stderr);
}

static void S_report(void *ud, const nb_diagnostic *x) {
  nb_cli_diag *d = ud;
  const char *sev = x->severity == NB_SEV_ERROR     ? "error"
                    : x->severity == NB_SEV_WARNING ? "warning"
                                                    : "note";
  pthread_mutex_lock(&d->lock);
  if (x->severity == NB_SEV_ERROR)
    d->errors++;
  else if (x->severity == NB_SEV_WARNING)
    d->warnings++;
  if (d->json.len)
    nb_buf_puts(&d->json, ",\n    ");
  nb_buf_puts(&d->json, "{\"severity\": ");
  nb_json_string(&d->json, sev);
  nb_buf_puts(&d->json, ", \"kind\": ");
  nb_json_string(&d->json, x->kind);
  nb_buf_puts(&d->json, ", \"file\": ");
  nb_json_string(&d->json, x->file);
  nb_buf_printf(&d->json, ", \"line\": %d, \"url\": ", x->line);
  nb_json_string(&d->json, x->url);
  nb_buf_puts(&d->json, ", \"message\": ");
  nb_json_string(&d->json, x->message);
  nb_buf_putc(&d->json, '}');
  if (d->verbosity >= 2 || (d->verbosity >= 1 && x->severity != NB_SEV_NOTE)) {
    if (d->progress)
      nb_progress_end(d->progress);
    fprintf(stderr, "newsbook: %s: ", sev);
    S_put_where(x->file, x->line);
    S_put(x->message);
    fputc('\n', stderr);
  }
  pthread_mutex_unlock(&d->lock);
}

void nb_cli_diag_init(nb_cli_diag *d, int verbosity) {
  memset(d, 0, sizeof *d);
  pthread_mutex_init(&d->lock, NULL);
  d->verbosity = verbosity;
  d->diag.abi_version = NB_DIAG_ABI_VERSION;
  d->diag.report = S_report;
  d->diag.userdata = d;
}

void nb_cli_diag_free(nb_cli_diag *d) {
  nb_buf_free(&d->json);
  pthread_mutex_destroy(&d->lock);
}

void nb_cli_error(nb_cli_diag *d, const nb_error *err) {
  pthread_mutex_lock(&d->lock);
  d->errors++;
  fputs("newsbook: ", stderr);
  S_put_where(err->file, err->line);
  S_put(err->message);
  fputc('\n', stderr);
  pthread_mutex_unlock(&d->lock);
}
