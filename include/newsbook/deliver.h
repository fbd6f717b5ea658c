/* Delivery: a finished book sent by e-mail (Send to Kindle, Kobo and
 * PocketBook mail-in, any inbox), split into volumes that each fit a mail
 * service's cap, and shelved in an OPDS catalog.
 *
 * Delivery takes files that are already written and renamed into place; it
 * never reaches into writers, and it never deletes a book: a failed
 * delivery leaves the book on disk.
 *
 * Threading: every function here is reentrant; nothing is shared between
 * calls. nb_mail_send() and nb_opds_update() block (network, disk). */
#ifndef NEWSBOOK_DELIVER_H
#define NEWSBOOK_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nb_resources; /* resource.h */

/* ## E-mail
 *
 * The message is MIME (libcurl's curl_mime: the book is streamed from
 * disk and base64-encoded by libcurl, never held whole in memory): a short
 * UTF-8 text part, then the book as an attachment with its media type and
 * an ASCII file name (nb_mail_attachment_name), under an RFC 2047 subject.
 *
 * The user name and password come from the environment
 * (NEWSBOOK_SMTP_USER, NEWSBOOK_SMTP_PASSWORD) or from a credentials file
 * in netrc syntax ("machine HOST login USER password PASS", or "default
 * login USER password PASS") that must belong to the user and be readable
 * by nobody else — never from the options, never from the URL. Neither is
 * ever put in an error, a diagnostic or a log: texts from the server and
 * from libcurl are scrubbed of them (plain and base64) before they are
 * shown. Without either, no AUTH is attempted (a local relay). */

typedef struct nb_mail_options {
  int abi_version;       /**< NB_MAIL_ABI_VERSION */
  const char *url;       /**< "smtp://HOST[:PORT]" (STARTTLS when the server
                              offers it) or "smtps://HOST[:PORT]" (TLS from the
                              start); no user or password in it */
  const char *from;      /**< From: and envelope sender (Send to Kindle only
                              takes approved senders); NULL: the user name when
                              it is an address */
  const char *const *to; /**< recipients' addresses */
  size_t nto;
  const char *credentials_file; /**< netrc-syntax file, owner-only; NULL:
                                     the environment only */
  int require_tls;              /**< 1: refuse to send over smtp:// when the
                                     server offers no STARTTLS */
  const char *ca_file;          /**< CA bundle; NULL: the system's */
  int tries;                    /**< attempts in all, default 4 */
  int retry_delay_ms;           /**< wait before the 2nd try, doubled for
                                     each later one; default 5000 */
  int connect_timeout_s;        /**< default 30 */
  int timeout_s;                /**< per attempt, default 600 */
  uint64_t max_message_bytes;   /**< refuse to send a message larger than
                                     this, attachment encoded (split into
                                     volumes first); 0: NB_MAIL_DEFAULT_CAP */
} nb_mail_options;

#define NB_MAIL_ABI_VERSION 1
/** Send to Kindle's cap on an e-mailed document: 50 MB. */
#define NB_MAIL_DEFAULT_CAP ((uint64_t)50 * 1000 * 1000)

/** The book to send. Strings are borrowed for the call. */
typedef struct nb_mail_book {
  const char *path;       /**< the book file (read, never changed) */
  const char *title;      /**< the subject and the file name's slug */
  const char *date;       /**< "YYYY-MM-DD" (more is ignored), or NULL */
  const char *media_type; /**< NULL: from the extension (.epub
                               application/epub+zip, .pdf application/pdf) */
  const char *text;       /**< the text part; NULL: a one-line default */
  int volume, volumes;    /**< 1..volumes when the book is one volume of
                               several ("Title (1/2)"); 0, 0 otherwise */
} nb_mail_book;

/** Send @p book to every recipient in one message. Transient failures
 * (no connection, timeouts, 4xx replies) are retried with exponential
 * backoff, each retry reported to @p diag as a warning; a permanent one
 * (5xx, refused login) is not. Returns 0, or a negative nb_code with
 * @p err carrying the server's last reply: NB_ERR_ARGUMENT (bad options,
 * an unsafe credentials file), NB_ERR_LIMIT (larger than
 * max_message_bytes), NB_ERR_SYSTEM (the book cannot be read, or the
 * server could not be reached), NB_ERR_LIBRARY (the server refused). */
NB_EXPORT int nb_mail_send(const nb_mail_options *opts,
                           const nb_mail_book *book, const nb_diag *diag,
                           nb_error *err);

/** Check @p opts without sending anything: the URL, the recipients, the
 * credentials (an unsafe credentials file is refused) and a sender
 * address. A front end calls it before making the book, so that what can
 * never be sent is a usage error, not a failure after the work. 0, or
 * NB_ERR_ARGUMENT (or NB_ERR_SYSTEM when the credentials file cannot be
 * read) with @p err saying what to fix; never a secret in it. */
NB_EXPORT int nb_mail_check(const nb_mail_options *opts, nb_error *err);

/** The attachment's file name, which Send to Kindle accepts:
 * "newsbook-DATE-SLUG[-VofN].EXT" with only [a-z0-9.-]: SLUG is the
 * title's ASCII letters and digits lower-cased, other runs made one '-',
 * at most 48 characters; a title without any ASCII letter or digit (a
 * Chinese one) gets an 8-hex-digit hash of the title instead, so each
 * book still has its own stable name. DATE is left out when unknown.
 * Writes at most @p size bytes (NUL included) into @p out; returns the
 * length, or 0 when @p size is too small (out is "" then). */
NB_EXPORT size_t nb_mail_attachment_name(const char *title, const char *date,
                                         int volume, int volumes,
                                         const char *ext, char *out,
                                         size_t size);

/** The size of a message carrying @p book_bytes of attachment, base64
 * encoded in 76-character lines, plus headers and the text part. */
NB_EXPORT uint64_t nb_mail_message_size(uint64_t book_bytes);

/* ## Volumes
 *
 * A book too large for one message is made as several books ("volumes"),
 * each a whole book with its own cover, contents and metadata, each sent
 * as its own message. Which articles go into which volume is decided here;
 * making the books is the pipeline's work:
 *
 *   1. estimate each article's share of the book (nb_volume_doc_size) and
 *      the per-book overhead (styles, cover: the cover resource's size
 *      plus 64 kB);
 *   2. nb_volume_plan(sizes, n, overhead, nb_volume_budget(cap), ...);
 *   3. when it gives more than one volume, write volume v (1-based) with
 *      the articles planned into it, titled nb_volume_title(title, v, N)
 *      and its own id (the book id + "-v1"...), then send each with
 *      nb_mail_book.volume = v, .volumes = N;
 *   4. estimates can be wrong: when nb_mail_send still answers
 *      NB_ERR_LIMIT for a volume, plan again with a budget 20% smaller. */

/** The largest book (file bytes) whose message stays within
 * @p max_message_bytes (0: NB_MAIL_DEFAULT_CAP). */
NB_EXPORT uint64_t nb_volume_budget(uint64_t max_message_bytes);

/** An estimate of what @p doc adds to a book, for nb_volume_plan: its
 * text (zipped XHTML takes about half the bytes of the UTF-8 text) plus
 * every distinct image it shows, as stored (nb_resource.size: after any
 * device profile), its lead image from @p set (may be NULL), plus 2 kB of
 * markup and navigation. Call after its images are resolved. */
NB_EXPORT uint64_t nb_volume_doc_size(const nb_doc *doc,
                                      const struct nb_resources *set);

/** Partition @p n articles, in order, into the fewest volumes each at most
 * @p budget bytes (@p overhead + its articles' @p sizes), balanced so the
 * largest volume is as small as it can be. @p volume_of[i] gets article
 * i's volume (0-based), *@p nvolumes their number (at least 1 when n > 0).
 * An article that cannot fit even alone is put in a volume of its own and
 * the call returns NB_ERR_LIMIT with @p err naming it (the plan is still
 * filled). 0, or a negative nb_code. */
NB_EXPORT int nb_volume_plan(const uint64_t *sizes, size_t n, uint64_t overhead,
                             uint64_t budget, size_t *volume_of,
                             size_t *nvolumes, nb_error *err);

/** "TITLE (V/N)" into @p out (just TITLE when N <= 1). Returns @p out. */
NB_EXPORT char *nb_volume_title(const char *title, int volume, int volumes,
                                char *out, size_t size);

/* ## OPDS shelf */

typedef struct nb_opds_options {
  int abi_version;   /**< NB_OPDS_ABI_VERSION */
  const char *title; /**< the catalog's title; NULL: "newsbook" */
  int thumb_height;  /**< thumbnail height in pixels; 0: 320 */
} nb_opds_options;

#define NB_OPDS_ABI_VERSION 1

/** Rebuild @p dir/catalog.xml, an OPDS 1.2 acquisition feed (Atom) of
 * every .epub and .pdf in @p dir, newest first, from the directory alone:
 * title, language, date, description and cover are read from each EPUB's
 * package document (libzip + libxml2) and from a PDF's Info dictionary
 * or a sidecar NAME.opf beside it. Covers are extracted next to their
 * book as NAME.cover.EXT, thumbnails made as NAME.thumb.jpg (only when
 * missing or older than the book); those of a book no longer in the
 * directory are removed. Links are relative, so the directory
 * can be served by any static web server. The catalog is written to a
 * temporary file and renamed into place, under a lock
 * (@p dir/.catalog.lock) so two runs do not interleave. A book that cannot
 * be read is left out with a warning. 0, or a negative nb_code. */
NB_EXPORT int nb_opds_update(const char *dir, const nb_opds_options *opts,
                             const nb_diag *diag, nb_error *err);

#ifdef __cplusplus
}
#endif
#endif
