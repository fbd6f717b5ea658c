/* nb_error and diagnostics. */
#include <stdio.h>
#include <string.h>

#include "newsbook/error.h"
#include "newsbook/newsbook.h"

int nb_error_set(nb_error *err, nb_code code, const char *file, int line,
                 const char *fmt, ...) {
  va_list ap;
  if (!err)
    return code;
  err->code = code;
  err->line = line;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

void nb_error_clear(nb_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

const char *nb_code_name(nb_code code) {
  switch (code) {
  case NB_OK: return "ok";
  case NB_ERR_SYSTEM: return "system error";
  case NB_ERR_LIBRARY: return "library error";
  case NB_ERR_ARGUMENT: return "invalid argument";
  case NB_ERR_LIMIT: return "limit reached";
  case NB_ERR_UNSUPPORTED: return "unsupported";
  case NB_ERR_FORMAT: return "format error";
  case NB_ERR_SYNTAX: return "syntax error";
  }
  return "error";
}

void nb_diag_emit(const nb_diag *diag, nb_severity sev, const char *kind,
                  const char *file, int line, const char *url, const char *fmt,
                  ...) {
  char msg[2048];
  nb_diagnostic d;
  va_list ap;
  if (!diag || !diag->report)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* One line, whatever the input put in a URL or a name it quotes. */
  for (char *c = msg; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = ' ';
  d.severity = sev;
  d.kind = kind;
  d.file = file;
  d.line = line;
  d.url = url;
  d.message = msg;
  diag->report(diag->userdata, &d);
}

const char *nb_version(void) {
  return NB_VERSION;
}
