/* Sending a book by e-mail through libcurl's SMTP.
 *
 * The message is built with libcurl's curl_mime API rather than by hand:
 * libcurl streams the attachment from the file and base64-encodes it in
 * standard 76-character lines, writes the boundaries and the part headers
 * (Content-Type, Content-Disposition with the file name,
 * Content-Transfer-Encoding) and adds MIME-Version, so a 50 MB book never
 * sits in memory and no encoder of ours can get it wrong. Only the
 * top-level headers (From, To, Subject in RFC 2047, Date, Message-ID) are
 * ours.
 *
 * Secrets: the password is read from the environment or an owner-only
 * netrc-style file, handed to libcurl through CURLOPT_PASSWORD, wiped
 * after the transfer, and scrubbed (plain and in the base64 forms AUTH
 * PLAIN and LOGIN send) from every text this file passes on. The server's
 * replies are captured through the debug callback (incoming lines only,
 * never what we send) for the error a final failure returns.
 *
 * Deliberately not here: making volumes (volume.c plans them, the pipeline
 * writes them) and deciding whom to send to. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib.h>

#include "deliver/creds.h"
#include "newsbook/deliver.h"
#include "util/util.h"

/* ## Server replies */

typedef struct S_replies {
  char last[2048]; /* the reply being read or last read (multi-line) */
  size_t len;
  int complete;   /* the last line held was "NNN text" (the reply's end) */
  char bad[2048]; /* the last complete reply of 400 or more, if any */
} S_replies;

static int S_debug(CURL *h, curl_infotype type, char *data, size_t size,
                   void *ud) {
  S_replies *r = ud;
  (void)h;
  if (type != CURLINFO_HEADER_IN)
    return 0;
  if (r->complete) {
    r->len = 0;
    r->complete = 0;
  }
  if (size > sizeof r->last - 1 - r->len)
    size = sizeof r->last - 1 - r->len;
  memcpy(r->last + r->len, data, size);
  r->len += size;
  r->last[r->len] = '\0';
  /* "250-..." continues, "250 ..." ends a reply */
  if (size >= 4 && data[3] == ' ') {
    r->complete = 1;
    if (data[0] >= '4' && data[0] <= '5')
      memcpy(r->bad, r->last, r->len + 1);
  }
  return 0;
}

/* The reply as one line: CR/LF and controls made spaces, trimmed. */
static void S_reply_line(const S_replies *r, char *out, size_t size) {
  const char *src = r->bad[0] ? r->bad : r->last;
  size_t i, o = 0, len = strlen(src);
  int space = 0;
  for (i = 0; i < len && o + 1 < size; i++) {
    unsigned char ch = (unsigned char)src[i];
    if (ch < 0x20 || ch == 0x7f) {
      space = o > 0;
      continue;
    }
    if (space && o + 2 < size) {
      out[o++] = ' ';
      space = 0;
    }
    out[o++] = (char)ch;
  }
  out[o] = '\0';
}

/* ## Headers */

/* 1 when @p a is a plain address we can put in a header and an SMTP
 * command: something@something, no spaces, brackets, quotes or
 * controls. */
static int S_address_ok(const char *a) {
  const char *at;
  size_t i;
  if (!a || !*a || strlen(a) > 320)
    return 0;
  for (i = 0; a[i]; i++) {
    unsigned char ch = (unsigned char)a[i];
    if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == '"' ||
        ch == ',' || ch == ';' || ch == '(' || ch == ')' || ch == '\\')
      return 0;
  }
  at = strrchr(a, '@');
  return at && at > a && at[1];
}

/* Subject: as is when short printable ASCII, else RFC 2047 encoded words
 * (UTF-8, base64, at most 75 characters each, never splitting a
 * character), folded onto continuation lines. */
static int S_subject(nb_buf *b, const char *subject) {
  const unsigned char *s = (const unsigned char *)subject;
  size_t n = strlen(subject), i = 0;
  int ascii = n < 900;
  for (i = 0; i < n && ascii; i++)
    ascii = s[i] >= 0x20 && s[i] < 0x7f;
  nb_buf_puts(b, "Subject: ");
  if (ascii && !strstr(subject, "=?"))
    return nb_buf_puts(b, subject);
  i = 0;
  while (i < n) {
    size_t start = i, chunk;
    gchar *enc;
    /* 45 bytes encode to 60 characters: "=?UTF-8?B?" + 60 + "?=" = 72 */
    while (i < n) {
      size_t clen = 1;
      if (s[i] >= 0xF0)
        clen = 4;
      else if (s[i] >= 0xE0)
        clen = 3;
      else if (s[i] >= 0xC0)
        clen = 2;
      if (i + clen > n)
        clen = n - i;
      if (i - start + clen > 45)
        break;
      i += clen;
    }
    chunk = i - start;
    if (chunk == 0) { /* cannot happen with clen <= 4; stay safe */
      i++;
      continue;
    }
    enc = g_base64_encode(s + start, chunk);
    if (!enc)
      return 0;
    if (start > 0)
      nb_buf_puts(b, "\r\n ");
    nb_buf_printf(b, "=?UTF-8?B?%s?=", enc);
    g_free(enc);
  }
  return !b->failed;
}

static void S_rfc5322_date(time_t t, char *out, size_t size) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
}

/* ## Attachment names */

size_t nb_mail_attachment_name(const char *title, const char *date, int volume,
                               int volumes, const char *ext, char *out,
                               size_t size) {
  nb_buf b = NB_BUF_INIT;
  char slug[49];
  size_t i, s = 0, n;
  int dash = 0;

  if (!out || size == 0)
    return 0;
  out[0] = '\0';
  title = title ? title : "";
  for (i = 0; title[i] && s < sizeof slug - 1; i++) {
    char ch = title[i];
    if (ch >= 'A' && ch <= 'Z')
      ch = (char)(ch + 32);
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (dash && s > 0 && s < sizeof slug - 2)
        slug[s++] = '-';
      slug[s++] = ch;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  slug[s] = '\0';
  if (s == 0) {
    nb_hash h;
    char hex[33];
    nb_hash_init(&h);
    nb_hash_update(&h, title, strlen(title));
    nb_hash_hex(&h, hex);
    snprintf(slug, sizeof slug, "%.8s", hex);
  }
  nb_buf_puts(&b, "newsbook");
  if (date && strlen(date) >= 10) {
    int ok = 1;
    for (i = 0; i < 10; i++)
      ok &= (i == 4 || i == 7) ? date[i] == '-'
                               : (date[i] >= '0' && date[i] <= '9');
    if (ok)
      nb_buf_printf(&b, "-%.10s", date);
  }
  nb_buf_printf(&b, "-%s", slug);
  if (volumes > 1 && volume >= 1 && volume <= volumes)
    nb_buf_printf(&b, "-%dof%d", volume, volumes);
  if (ext && *ext) {
    nb_buf_putc(&b, '.');
    for (i = 0; ext[i] && i < 8; i++) {
      char ch = ext[i];
      if (ch >= 'A' && ch <= 'Z')
        ch = (char)(ch + 32);
      if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
        nb_buf_putc(&b, ch);
    }
  }
  if (b.failed || b.len + 1 > size) {
    nb_buf_free(&b);
    return 0;
  }
  memcpy(out, b.data, b.len + 1);
  n = b.len;
  nb_buf_free(&b);
  return n;
}

uint64_t nb_mail_message_size(uint64_t book_bytes) {
  /* 57 bytes per 76-character line plus CRLF; 16 KiB is ample for the
   * headers, the text part and the boundaries */
  return (book_bytes + 56) / 57 * 78 + 16384;
}

/* ## Sending */

static const char *S_ext_of(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash : path, '.');
  return dot && dot[1] ? dot + 1 : "";
}

static const char *S_media_type(const char *ext) {
  if (strcasecmp(ext, "epub") == 0)
    return "application/epub+zip";
  if (strcasecmp(ext, "pdf") == 0)
    return "application/pdf";
  return "application/octet-stream";
}

/* The host of an smtp:// or smtps:// URL, into @p host; 0 or an error. */
static int S_parse_url(const char *url, char *host, size_t size,
                       nb_error *err) {
  const char *h, *end, *at;
  size_t n;
  if (!url || (strncasecmp(url, "smtp://", 7) != 0 &&
               strncasecmp(url, "smtps://", 8) != 0))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "the SMTP server must be given as smtp://HOST[:PORT] "
                        "or smtps://HOST[:PORT]");
  h = strstr(url, "://") + 3;
  end = h + strcspn(h, "/?#");
  at = memchr(h, '@', (size_t)(end - h));
  if (at)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "the SMTP URL must not carry a user name or "
                        "password: set NEWSBOOK_SMTP_USER and "
                        "NEWSBOOK_SMTP_PASSWORD, or use a credentials file");
  if (*h == '[') {
    const char *rb = memchr(h, ']', (size_t)(end - h));
    n = rb ? (size_t)(rb - h - 1) : 0;
    h++;
  } else {
    const char *colon = memchr(h, ':', (size_t)(end - h));
    n = (size_t)((colon ? colon : end) - h);
  }
  if (n == 0 || n >= size)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "the SMTP URL has no host name");
  memcpy(host, h, n);
  host[n] = '\0';
  return 0;
}

/* What one attempt did. */
typedef struct S_attempt {
  CURLcode code;
  long reply; /* the last SMTP reply code, 0 when none */
  char curl_msg[CURL_ERROR_SIZE];
  S_replies replies;
} S_attempt;

typedef struct S_msg {
  const nb_mail_options *o;
  const nb_mail_book *book;
  const nb__creds *creds;
  const char *from;
  char name[128];
  char *subject_hdr, *to_hdr, *text;
  const char *media_type;
} S_msg;

static int S_attempt_once(const S_msg *m, S_attempt *a) {
  CURL *h = curl_easy_init();
  curl_mime *mime = NULL;
  curl_mimepart *part;
  struct curl_slist *rcpt = NULL, *hdrs = NULL, *tmp;
  char from_cmd[400], date[64], mid[160], date_hdr[80];
  nb_hash hh;
  char hex[33];
  size_t i;
  int ok = 1;

  memset(a, 0, sizeof *a);
  if (!h) {
    a->code = CURLE_OUT_OF_MEMORY;
    return 0;
  }
  snprintf(from_cmd, sizeof from_cmd, "<%s>", m->from);
  for (i = 0; i < m->o->nto; i++) {
    char r[400];
    snprintf(r, sizeof r, "<%s>", m->o->to[i]);
    if (!(tmp = curl_slist_append(rcpt, r)))
      ok = 0;
    else
      rcpt = tmp;
  }
  S_rfc5322_date(time(NULL), date, sizeof date);
  snprintf(date_hdr, sizeof date_hdr, "Date: %s", date);
  nb_hash_init(&hh);
  nb_hash_update(&hh, m->name, strlen(m->name));
  nb_hash_update(&hh, date, strlen(date));
  {
    pid_t pid = getpid();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    nb_hash_update(&hh, &pid, sizeof pid);
    nb_hash_update(&hh, &ts, sizeof ts);
  }
  nb_hash_hex(&hh, hex);
  snprintf(mid, sizeof mid, "Message-ID: <%s.newsbook@%s>", hex,
           strrchr(m->from, '@') + 1);
  {
    char fh[400];
    snprintf(fh, sizeof fh, "From: %s", m->from);
    const char *lines[] = {date_hdr, fh, m->to_hdr, m->subject_hdr, mid};
    for (i = 0; i < sizeof lines / sizeof *lines; i++) {
      if (!(tmp = curl_slist_append(hdrs, lines[i])))
        ok = 0;
      else
        hdrs = tmp;
    }
  }
  mime = curl_mime_init(h);
  if (!mime || !ok) {
    a->code = CURLE_OUT_OF_MEMORY;
    goto cleanup;
  }
  part = curl_mime_addpart(mime);
  if (!part || curl_mime_data(part, m->text, CURL_ZERO_TERMINATED) ||
      curl_mime_type(part, "text/plain; charset=UTF-8") ||
      curl_mime_encoder(part, "quoted-printable")) {
    a->code = CURLE_OUT_OF_MEMORY;
    goto cleanup;
  }
  part = curl_mime_addpart(mime);
  if (!part || curl_mime_filedata(part, m->book->path) != CURLE_OK ||
      curl_mime_filename(part, m->name) ||
      curl_mime_type(part, m->media_type) ||
      curl_mime_encoder(part, "base64")) {
    a->code = CURLE_READ_ERROR;
    goto cleanup;
  }

  curl_easy_setopt(h, CURLOPT_URL, m->o->url);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, ""); /* mail goes direct */
  curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
  curl_easy_setopt(h, CURLOPT_USE_SSL,
                   m->o->require_tls ? (long)CURLUSESSL_ALL
                                     : (long)CURLUSESSL_TRY);
  if (m->o->ca_file)
    curl_easy_setopt(h, CURLOPT_CAINFO, m->o->ca_file);
  if (m->creds->user)
    curl_easy_setopt(h, CURLOPT_USERNAME, m->creds->user);
  if (m->creds->password)
    curl_easy_setopt(h, CURLOPT_PASSWORD, m->creds->password);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from_cmd);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt(
      h, CURLOPT_CONNECTTIMEOUT,
      (long)(m->o->connect_timeout_s > 0 ? m->o->connect_timeout_s : 30));
  curl_easy_setopt(h, CURLOPT_TIMEOUT,
                   (long)(m->o->timeout_s > 0 ? m->o->timeout_s : 600));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, a->curl_msg);
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, S_debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &a->replies);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* feeds the debug callback */
  a->code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->reply);
  if (a->code != CURLE_OK && !a->curl_msg[0])
    snprintf(a->curl_msg, sizeof a->curl_msg, "%s",
             curl_easy_strerror(a->code));
  nb__creds_scrub(a->curl_msg, m->creds);
  nb__creds_scrub(a->replies.last, m->creds);
  nb__creds_scrub(a->replies.bad, m->creds);
  a->replies.len = strlen(a->replies.last);
cleanup:
  curl_mime_free(mime);
  curl_slist_free_all(rcpt);
  curl_slist_free_all(hdrs);
  /* the handle holds a copy of the password: cleanup frees it */
  curl_easy_cleanup(h);
  return a->code == CURLE_OK;
}

/* Worth another try: the server or the network may do better later. */
static int S_transient(const S_attempt *a) {
  if (a->reply >= 400 && a->reply < 500)
    return 1;
  if (a->reply >= 500)
    return 0;
  switch (a->code) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_SSL_CONNECT_ERROR: return 1;
  default: return 0;
  }
}

static void S_sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* At least one recipient, each a usable address. */
static int S_check_recipients(const nb_mail_options *o, nb_error *err) {
  size_t i;
  if (o->nto == 0 || !o->to)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "no recipient to send the book to");
  for (i = 0; i < o->nto; i++)
    if (!S_address_ok(o->to[i]))
      return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                          "\"%.200s\" is not a usable e-mail address",
                          o->to[i] ? o->to[i] : "");
  return 0;
}

/* Check the options and the book and fill @p m (everything but creds). */
static int S_prepare(const nb_mail_options *o, const nb_mail_book *book,
                     const nb__creds *creds, S_msg *m, nb_error *err) {
  struct stat sb;
  nb_buf b = NB_BUF_INIT;
  uint64_t cap =
      o->max_message_bytes ? o->max_message_bytes : NB_MAIL_DEFAULT_CAP;
  const char *title = book->title && *book->title ? book->title : "newsbook";
  char vt[1024];
  size_t i;
  int rc;

  memset(m, 0, sizeof *m);
  m->o = o;
  m->book = book;
  m->creds = creds;
  m->from = o->from && *o->from ? o->from : creds->user;
  if (!S_address_ok(m->from))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "no usable sender address: give one (Send to Kindle "
                        "takes mail only from approved senders)");
  if ((rc = S_check_recipients(o, err)) != 0)
    return rc;
  if (!book->path || stat(book->path, &sb) != 0 || !S_ISREG(sb.st_mode))
    return nb_error_set(err, NB_ERR_SYSTEM, book->path, 0,
                        "cannot send the book: %s",
                        book->path ? strerror(errno) : "no path");
  if (nb_mail_message_size((uint64_t)sb.st_size) > cap)
    return nb_error_set(
        err, NB_ERR_LIMIT, book->path, 0,
        "the book (%lld bytes) makes a message of about %llu bytes, over "
        "the cap of %llu — make it in volumes (nb_volume_plan) or raise the "
        "cap",
        (long long)sb.st_size,
        (unsigned long long)nb_mail_message_size((uint64_t)sb.st_size),
        (unsigned long long)cap);
  m->media_type =
      book->media_type ? book->media_type : S_media_type(S_ext_of(book->path));
  if (!nb_mail_attachment_name(title, book->date, book->volume, book->volumes,
                               S_ext_of(book->path), m->name, sizeof m->name))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "cannot make an attachment name");
  nb_volume_title(title, book->volume, book->volumes, vt, sizeof vt);
  S_subject(&b, vt);
  m->subject_hdr = nb_buf_detach(&b);
  nb_buf_puts(&b, "To: ");
  for (i = 0; i < o->nto; i++)
    nb_buf_printf(&b, "%s%s", i ? ",\r\n " : "", o->to[i]);
  m->to_hdr = nb_buf_detach(&b);
  if (book->text)
    nb_buf_puts(&b, book->text);
  else
    nb_buf_printf(&b, "%s%s%s\r\n\r\nSent by newsbook as %s.\r\n", vt,
                  book->date ? " — " : "", book->date ? book->date : "",
                  m->name);
  m->text = nb_buf_detach(&b);
  if (!m->subject_hdr || !m->to_hdr || !m->text)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  return 0;
}

int nb_mail_check(const nb_mail_options *o, nb_error *err) {
  char host[256];
  nb__creds creds;
  const char *from;
  int rc;
  if (!o)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_mail_check: no options");
  if ((rc = S_parse_url(o->url, host, sizeof host, err)) != 0)
    return rc;
  if ((rc = S_check_recipients(o, err)) != 0)
    return rc;
  if ((rc = nb__creds_get(o->credentials_file, host, &creds, err)) != 0)
    return rc;
  from = o->from && *o->from ? o->from : creds.user;
  if (!S_address_ok(from))
    rc = nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                      "no usable sender address: give one (Send to Kindle "
                      "takes mail only from approved senders)");
  nb__creds_free(&creds);
  return rc;
}

int nb_mail_send(const nb_mail_options *o, const nb_mail_book *book,
                 const nb_diag *diag, nb_error *err) {
  char host[256], reply[1200];
  nb__creds creds;
  S_msg m;
  S_attempt a;
  int tries, t, rc;
  long delay;

  if (!o || !book)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_mail_send: no options or book");
  if ((rc = S_parse_url(o->url, host, sizeof host, err)) != 0)
    return rc;
  if ((rc = nb__creds_get(o->credentials_file, host, &creds, err)) != 0)
    return rc;
  if ((rc = S_prepare(o, book, &creds, &m, err)) != 0)
    goto done;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    rc = nb_error_set(err, NB_ERR_LIBRARY, NULL, 0, "libcurl did not start");
    goto done;
  }
  tries = o->tries > 0 ? o->tries : 4;
  delay = o->retry_delay_ms > 0 ? o->retry_delay_ms : 5000;
  for (t = 1;; t++) {
    if (S_attempt_once(&m, &a)) {
      rc = 0;
      break;
    }
    S_reply_line(&a.replies, reply, sizeof reply);
    if (t >= tries || !S_transient(&a)) {
      char after[32] = "";
      if (t > 1)
        snprintf(after, sizeof after, " after %d tries", t);
      rc = nb_error_set(
          err, a.reply >= 400 ? NB_ERR_LIBRARY : NB_ERR_SYSTEM, book->path, 0,
          "sending %s to %s%s through %s failed%s: %s%s%s", m.name, o->to[0],
          o->nto > 1 ? " and others" : "", host, after, a.curl_msg,
          reply[0] ? " — the server said: " : "", reply);
      if (err)
        nb__creds_scrub(err->message, &creds);
      break;
    }
    nb_diag_emit(diag, NB_SEV_WARNING, "mail", book->path, 0, NULL,
                 "sending %s through %s: try %d of %d failed (%s%s%s); "
                 "trying again in %.1f s",
                 m.name, host, t, tries, a.curl_msg, reply[0] ? ": " : "",
                 reply, (double)delay / 1000.0);
    S_sleep_ms(delay);
    if (delay < 3600L * 1000 / 2)
      delay *= 2;
  }
  if (rc == 0)
    nb_diag_emit(diag, NB_SEV_NOTE, "mail", book->path, 0, NULL,
                 "sent %s to %zu recipient%s through %s", m.name, o->nto,
                 o->nto == 1 ? "" : "s", host);
done:
  free(m.subject_hdr);
  free(m.to_hdr);
  free(m.text);
  nb__creds_free(&creds);
  return rc;
}
