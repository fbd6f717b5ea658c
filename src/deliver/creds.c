/* SMTP credentials: read from the environment or an owner-only file in
 * netrc syntax, wiped when done, and scrubbed from any text shown.
 *
 * The file is checked on the descriptor that is read (fstat after open):
 * a regular file of the effective user, with no group or other permission
 * bits, else it is refused before a byte is read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deliver/creds.h"
#include "util/util.h"

static void S_wipe(char *s) {
  if (s) {
    explicit_bzero(s, strlen(s));
    free(s);
  }
}

void nb__creds_free(nb__creds *c) {
  S_wipe(c->user);
  S_wipe(c->password);
  c->user = c->password = NULL;
}

/* The next netrc token of @p s at *@p pos into @p out (size @p size):
 * white-space separated, or "double-quoted" with backslash escapes. */
static int S_token(const char *s, size_t len, size_t *pos, char *out,
                   size_t size) {
  size_t i = *pos, o = 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                     s[i] == '\r' || s[i] == '#')) {
    if (s[i] == '#') /* a comment to the end of the line */
      while (i < len && s[i] != '\n')
        i++;
    else
      i++;
  }
  if (i >= len)
    return 0;
  if (s[i] == '"') {
    for (i++; i < len && s[i] != '"'; i++) {
      if (s[i] == '\\' && i + 1 < len)
        i++;
      if (o + 1 < size)
        out[o++] = s[i];
    }
    i++;
  } else {
    for (;
         i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r';
         i++)
      if (o + 1 < size)
        out[o++] = s[i];
  }
  out[o] = '\0';
  *pos = i;
  return 1;
}

/* Read login and password for @p host from the netrc-syntax @p path, after
 * checking that only its owner (us) can read it. */
static int S_creds_file(const char *path, const char *host, nb__creds *c,
                        nb_error *err) {
  struct stat sb;
  char buf[65536], tok[1024];
  ssize_t got;
  size_t len = 0, pos = 0;
  int fd, rc = 0, in_match = 0, matched = 0;
  char *user = NULL, *pass = NULL;

  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "cannot read the SMTP credentials file: %s",
                        strerror(errno));
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "the SMTP credentials file is not a regular file");
  }
  if (sb.st_uid != geteuid() || (sb.st_mode & (S_IRWXG | S_IRWXO))) {
    close(fd);
    return nb_error_set(
        err, NB_ERR_ARGUMENT, path, 0,
        "the SMTP credentials file can be read by others (mode %03o, "
        "owner %ld) — it must be the user's own and private: chmod 600 %s",
        (unsigned)(sb.st_mode & 0777), (long)sb.st_uid, path);
  }
  while (len < sizeof buf - 1 &&
         (got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t)got;
  close(fd);
  buf[len] = '\0';
  /* netrc: "machine NAME" or "default" start an entry; "login" and
   * "password" belong to the current one. The first entry for the host
   * wins, "default" only when none matches. */
  while (!matched && S_token(buf, len, &pos, tok, sizeof tok)) {
    if (strcmp(tok, "machine") == 0) {
      if (in_match == 1 && (user || pass))
        matched = 1;
      else if (S_token(buf, len, &pos, tok, sizeof tok))
        in_match = strcasecmp(tok, host) == 0 ? 1 : 0;
    } else if (strcmp(tok, "default") == 0) {
      if (in_match == 1 && (user || pass))
        matched = 1;
      else
        in_match = (user || pass) ? 0 : 2;
    } else if ((strcmp(tok, "login") == 0 || strcmp(tok, "password") == 0) &&
               in_match) {
      int is_login = tok[0] == 'l';
      if (S_token(buf, len, &pos, tok, sizeof tok)) {
        char **slot = is_login ? &user : &pass;
        S_wipe(*slot);
        *slot = nb_strdup(tok);
      }
    } else if (strcmp(tok, "macdef") == 0) {
      /* a macro runs to an empty line: skip it */
      const char *end = strstr(buf + pos, "\n\n");
      pos = end ? (size_t)(end - buf) + 2 : len;
    }
  }
  explicit_bzero(buf, sizeof buf);
  explicit_bzero(tok, sizeof tok);
  if (!user && !pass) {
    rc = nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                      "no \"machine %s\" (or \"default\") entry with a login "
                      "and password in the SMTP credentials file",
                      host);
  } else {
    c->user = user;
    c->password = pass;
  }
  return rc;
}

int nb__creds_get(const char *file, const char *host, nb__creds *c,
                  nb_error *err) {
  const char *u, *p;
  memset(c, 0, sizeof *c);
  if (file && *file)
    return S_creds_file(file, host, c, err);
  u = getenv("NEWSBOOK_SMTP_USER");
  p = getenv("NEWSBOOK_SMTP_PASSWORD");
  if (u && *u && !(c->user = nb_strdup(u)))
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  if (p && *p && !(c->password = nb_strdup(p))) {
    nb__creds_free(c);
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  }
  if (c->password && !c->user) {
    nb__creds_free(c);
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "NEWSBOOK_SMTP_PASSWORD is set but "
                        "NEWSBOOK_SMTP_USER is not");
  }
  return 0;
}

/* ## Scrubbing */

static void S_b64(const unsigned char *in, size_t n, char *out) {
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i, o = 0;
  for (i = 0; i + 2 < n; i += 3) {
    out[o++] = tab[in[i] >> 2];
    out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
    out[o++] = tab[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
    out[o++] = tab[in[i + 2] & 63];
  }
  if (i < n) {
    out[o++] = tab[in[i] >> 2];
    if (i + 1 < n) {
      out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
      out[o++] = tab[(in[i + 1] & 15) << 2];
    } else {
      out[o++] = tab[(in[i] & 3) << 4];
      out[o++] = '=';
    }
    out[o++] = '=';
  }
  out[o] = '\0';
}

static void S_replace_all(char *s, const char *secret) {
  size_t n = strlen(secret);
  char *p;
  if (n == 0)
    return;
  while ((p = strstr(s, secret)) != NULL) {
    size_t tail = strlen(p + n);
    memcpy(p, "***", 3);
    memmove(p + 3, p + n, tail + 1);
    if (n < 3) /* never grow: the buffer is what it is */
      break;
  }
}

/* Remove the password, plain and as AUTH PLAIN / AUTH LOGIN send it, from
 * @p s in place. */
void nb__creds_scrub(char *s, const nb__creds *c) {
  char *plain, *b64;
  size_t ul, pl;
  if (!s || !c->password || !*c->password)
    return;
  ul = c->user ? strlen(c->user) : 0;
  pl = strlen(c->password);
  if (pl >= 3)
    S_replace_all(s, c->password);
  plain = malloc(ul + pl + 2);
  b64 = malloc((ul + pl + 2) / 3 * 4 + 8);
  if (plain && b64) {
    plain[0] = '\0';
    memcpy(plain + 1, c->user ? c->user : "", ul);
    plain[1 + ul] = '\0';
    memcpy(plain + 2 + ul, c->password, pl);
    S_b64((unsigned char *)plain, ul + pl + 2, b64);
    S_replace_all(s, b64);
    S_b64((const unsigned char *)c->password, pl, b64);
    S_replace_all(s, b64);
  }
  if (plain)
    explicit_bzero(plain, ul + pl + 2);
  free(plain);
  free(b64);
}
