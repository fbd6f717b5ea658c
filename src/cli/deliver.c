/* The delivery options of a run (--state, --only-new, --send-to, --smtp,
 * --opds, --device...) turned into the job's nb_convert_delivery, checked
 * before any work: what can never be sent or stored is a usage error, not
 * a failure after the book is made. The password is never an option: it
 * comes from NEWSBOOK_SMTP_PASSWORD or the credentials file, which the
 * library reads; nothing here prints it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "newsbook/device.h"

int nb_cli_parse_size(const char *s, unsigned long long *out) {
  static const struct {
    const char *unit;
    unsigned long long mult;
  } units[] = {{"", 1},
               {"b", 1},
               {"k", 1000},
               {"kb", 1000},
               {"m", 1000000},
               {"mb", 1000000},
               {"g", 1000000000},
               {"gb", 1000000000},
               {"kib", 1024},
               {"mib", 1024 * 1024},
               {"gib", 1024ULL * 1024 * 1024}};
  char *end;
  double v;
  size_t i;
  if (!s || !*s || *s == '-')
    return 0;
  v = strtod(s, &end);
  if (end == s || v < 0 || v > 1e15)
    return 0;
  while (*end == ' ')
    end++;
  for (i = 0; i < sizeof units / sizeof *units; i++)
    if (strcasecmp(end, units[i].unit) == 0) {
      *out = (unsigned long long)(v * (double)units[i].mult + 0.5);
      return 1;
    }
  return 0;
}

static int S_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "newsbook: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'newsbook --help' for more information.\n");
  return 2;
}

static int S_device(nb_cli *cli) {
  const nb_device *dev;
  if (!cli->device)
    return -1;
  if (!(dev = nb_device_find(cli->device)))
    return S_usage("--device: '%s' is not one of kindle, kobo, pocketbook, "
                   "tablet",
                   cli->device);
  cli->resolve.device = dev;
  return -1;
}

static int S_mail(nb_cli *cli, nb_cli_deliver *dv) {
  nb_mail_options *m = &dv->mail;
  nb_error err;
  if (cli->send_to.n == 0) {
    if (cli->smtp || cli->mail_from || cli->smtp_credentials)
      return S_usage("%s", "--smtp, --mail-from and --smtp-credentials "
                           "need --send-to ADDRESS");
    return -1;
  }
  if (!cli->smtp)
    return S_usage("%s", "--send-to needs --smtp smtp[s]://HOST[:PORT], the "
                         "server to send through");
  memset(m, 0, sizeof *m);
  m->abi_version = NB_MAIL_ABI_VERSION;
  m->url = cli->smtp;
  m->from = cli->mail_from;
  m->to = (const char *const *)cli->send_to.v;
  m->nto = cli->send_to.n;
  m->credentials_file = cli->smtp_credentials;
  m->require_tls = cli->smtp_require_tls;
  m->max_message_bytes = cli->max_attachment;
  memset(&err, 0, sizeof err);
  if (nb_mail_check(m, &err) != 0) {
    fprintf(stderr, "newsbook: %s%s%s\n", err.file[0] ? err.file : "",
            err.file[0] ? ": " : "", err.message);
    return 2;
  }
  dv->deliver.mail = m;
  return -1;
}

static int S_state(nb_cli *cli, nb_cli_deliver *dv) {
  nb_state_options so;
  nb_error err;
  if (cli->state_open) {
    dv->deliver.state = cli->state_open;
    dv->deliver.only_new = cli->only_new;
    dv->deliver.no_record = cli->no_record;
    return -1;
  }
  if (!cli->state) {
    if (cli->only_new)
      return S_usage("%s", "--only-new needs --state FILE, where the "
                           "articles of earlier books are kept");
    return -1;
  }
  memset(&so, 0, sizeof so);
  so.abi_version = NB_STATE_ABI_VERSION;
  so.run_lock = 1; /* overlapping runs take turns, never deliver twice */
  memset(&err, 0, sizeof err);
  if (nb_state_open(cli->state, &so, &dv->state, &err) != 0) {
    fprintf(stderr, "newsbook: %s: %s\n", err.file[0] ? err.file : cli->state,
            err.message);
    return 1;
  }
  dv->deliver.state = dv->state;
  dv->deliver.only_new = cli->only_new;
  dv->deliver.no_record = cli->no_record;
  return -1;
}

int nb_cli_deliver_init(nb_cli *cli, nb_cli_deliver *dv) {
  int status;
  memset(dv, 0, sizeof *dv);
  dv->deliver.abi_version = NB_CONVERT_DELIVERY_ABI_VERSION;
  if ((status = S_device(cli)) >= 0 || (status = S_mail(cli, dv)) >= 0 ||
      (status = S_state(cli, dv)) >= 0)
    return status;
  dv->deliver.opds_dir = cli->opds;
  dv->deliver.max_book_bytes = cli->max_book_size;
  dv->used = dv->deliver.state || dv->deliver.mail || dv->deliver.opds_dir ||
             dv->deliver.max_book_bytes;
  return -1;
}

void nb_cli_deliver_free(nb_cli_deliver *dv) {
  nb_state_close(dv->state);
  dv->state = NULL;
}
