/* A run's diagnostics: every one is forwarded to the caller's callback;
 * errors (inputs and articles left out) are counted, so that the run can
 * tell whether a failure was already explained; warnings and notes are
 * kept as JSON when the job asks for a report. */
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline.h"

/* Append @p s to @p b as a JSON string literal. */
static void S_json_string(nb_buf *b, const char *s) {
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

static void S_collect(nb_run_diag *d, const nb_diagnostic *x) {
  const char *sev = x->severity == NB_SEV_WARNING ? "warning" : "note";
  if (d->json.len)
    nb_buf_puts(&d->json, ",\n    ");
  nb_buf_puts(&d->json, "{\"severity\": ");
  S_json_string(&d->json, sev);
  nb_buf_puts(&d->json, ", \"kind\": ");
  S_json_string(&d->json, x->kind);
  nb_buf_puts(&d->json, ", \"file\": ");
  S_json_string(&d->json, x->file);
  nb_buf_printf(&d->json, ", \"line\": %d, \"url\": ", x->line);
  S_json_string(&d->json, x->url);
  nb_buf_puts(&d->json, ", \"message\": ");
  S_json_string(&d->json, x->message);
  nb_buf_putc(&d->json, '}');
}

static void S_report(void *ud, const nb_diagnostic *x) {
  nb_run_diag *d = ud;
  pthread_mutex_lock(&d->lock);
  if (x->severity == NB_SEV_ERROR)
    d->errors++;
  else if (d->collect)
    S_collect(d, x);
  pthread_mutex_unlock(&d->lock);
  if (d->caller && d->caller->report)
    d->caller->report(d->caller->userdata, x);
}

void nb_run_diag_init(nb_run_diag *d, const nb_diag *caller, int collect) {
  memset(d, 0, sizeof *d);
  pthread_mutex_init(&d->lock, NULL);
  d->caller = caller;
  d->collect = collect;
  d->diag.abi_version = NB_DIAG_ABI_VERSION;
  d->diag.report = S_report;
  d->diag.userdata = d;
}

void nb_run_diag_free(nb_run_diag *d) {
  nb_buf_free(&d->json);
  pthread_mutex_destroy(&d->lock);
}

void nb_run_diag_error(nb_run_diag *d, const char *kind, const nb_error *err) {
  nb_diag_emit(&d->diag, NB_SEV_ERROR, kind, err->file[0] ? err->file : NULL,
               err->line, NULL, "%s", err->message);
}

int nb_run_report_write(nb_run_diag *d, const char *path,
                        const nb_resources *set, nb_error *err) {
  nb_buf b = NB_BUF_INIT;
  nb_atomic a;
  int rc;
  char *images = nb_resources_report_json(set);
  nb_buf_puts(&b, "{\n  \"images\": ");
  nb_buf_puts(&b, images ? images : "[]");
  free(images);
  nb_buf_puts(&b, ",\n  \"warnings\": [\n    ");
  pthread_mutex_lock(&d->lock);
  nb_buf_append(&b, d->json.data ? d->json.data : "", d->json.len);
  pthread_mutex_unlock(&d->lock);
  nb_buf_puts(&b, "\n  ]\n}\n");
  if (b.failed) {
    nb_buf_free(&b);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
  }
  if ((rc = nb_atomic_open(&a, path, err)) != 0) {
    nb_buf_free(&b);
    return rc;
  }
  fwrite(b.data, 1, b.len, a.fp);
  nb_buf_free(&b);
  return nb_atomic_commit(&a, err);
}
