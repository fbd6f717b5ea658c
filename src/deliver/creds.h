/* Private to src/deliver/: SMTP credentials (creds.c). Not public API. */
#ifndef NB_DELIVER_CREDS_H
#define NB_DELIVER_CREDS_H

#include "newsbook/error.h"

typedef struct nb__creds {
  char *user, *password; /* malloc'd; NULL when not given */
} nb__creds;

/** Credentials for @p host: from the netrc-syntax @p file when it is given
 * (refused with NB_ERR_ARGUMENT unless owner-only), else from
 * NEWSBOOK_SMTP_USER / NEWSBOOK_SMTP_PASSWORD (both may be unset: no
 * AUTH). 0 or a negative nb_code; free with nb__creds_free. */
int nb__creds_get(const char *file, const char *host, nb__creds *c,
                  nb_error *err);
/** Wipe and free. */
void nb__creds_free(nb__creds *c);
/** Replace the password in @p s, plain and in the base64 forms AUTH PLAIN
 * and AUTH LOGIN send, by "***", in place. */
void nb__creds_scrub(char *s, const nb__creds *c);

#endif
