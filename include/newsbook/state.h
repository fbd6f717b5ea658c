/* Memory across runs: which articles went into which book.
 *
 * A state file is an SQLite database (WAL mode) that newsbook alone writes:
 * its header carries newsbook's application id and a schema version, and a
 * file that is not one (another program's SQLite database, a text file, a
 * truncated or damaged database) is refused with NB_ERR_FORMAT and left
 * byte for byte as it was — it is never "repaired", migrated or replaced.
 *
 * One finished book is recorded in one transaction
 * (nb_state_record_book): a run that fails or is killed before that call
 * returns leaves the file as it was. Several processes may use one file at
 * once: writers wait for each other (a busy timeout), readers never block;
 * two runs that both ask before either records may both carry an article,
 * unless they take turns (nb_state_options.run_lock).
 *
 * Threading: an nb_state handle belongs to one thread at a time (SQLite's
 * connection rules); open one handle per thread or process.
 *
 * Deliberately not here: deciding what a book holds (the pipeline asks
 * nb_state_find for each candidate article and leaves out what was
 * delivered) and formatting listings (the CLI prints what
 * nb_state_list hands it). */
#ifndef NEWSBOOK_STATE_H
#define NEWSBOOK_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_state nb_state;

/* ## Opening */

typedef struct nb_state_options {
  int abi_version;        /**< NB_STATE_ABI_VERSION */
  int readonly;           /**< 1: never write (listing); the file must exist */
  int busy_timeout_ms;    /**< how long to wait for another process's write
                               transaction; 0: 60000 */
  int run_lock;           /**< 1: hold an exclusive lock (FILE.lock, flock)
                               from open to close, waiting for another run
                               that holds it: runs that overlap (a slow cron
                               job) then take turns, and the second leaves out
                               what the first delivered instead of sending it
                               again */
  int run_lock_timeout_s; /**< how long to wait for that lock before
                               NB_ERR_LIMIT; 0: 3600 */
} nb_state_options;

#define NB_STATE_ABI_VERSION 1

/** The schema version this library writes (PRAGMA user_version). */
#define NB_STATE_SCHEMA_VERSION 1
/** PRAGMA application_id of a state file: "nbST". */
#define NB_STATE_APPLICATION_ID 0x6e625354

/** Open (creating when absent, unless readonly) the state file @p path.
 * A missing or empty file becomes a new state file. Anything else must be
 * a newsbook state file of a schema version this library knows and must
 * pass SQLite's quick_check: otherwise NB_ERR_FORMAT (or NB_ERR_UNSUPPORTED
 * for a newer schema) and the file is not touched. @p opts may be NULL.
 * On success *@p out is a handle to close with nb_state_close(). */
NB_EXPORT int nb_state_open(const char *path, const nb_state_options *opts,
                            nb_state **out, nb_error *err);
/** Close @p st (NULL is fine). Never fails: nothing is pending between
 * calls, since every write is its own transaction. */
NB_EXPORT void nb_state_close(nb_state *st);

/* ## What is recorded */

/** One article put into a book. Strings are borrowed; NULL or "" means
 * unknown. At least one of guid, url, hash should be set, or the article
 * can never be recognised again. */
typedef struct nb_state_article {
  const char *guid;  /**< the feed's id (RSS guid, Atom id). RSS guids
                          that are not URLs are only unique within their
                          feed ("1234"): qualify those with the feed's
                          URL ("FEEDURL#1234") before recording */
  const char *url;   /**< canonical URL; stored normalised (scheme and host
                          lower-cased, default port, fragment and utm_*
                          parameters dropped) */
  const char *hash;  /**< nb_state_content_hash() of the article */
  const char *title; /**< for listings only */
  int64_t date;      /**< the article's date, UTC seconds; 0 unknown */
} nb_state_article;

/** The book the articles went into. */
typedef struct nb_state_book {
  const char *id;   /**< the book's identifier (its "id" metadata) */
  const char *path; /**< where it was written */
  const char *title;
  int64_t time;        /**< when it was made, UTC seconds; 0: now */
  const char *sent_to; /**< recipients it was delivered to, or NULL */
} nb_state_book;

/** Record @p book and its @p n articles in one transaction, after the book
 * is written (and delivered, when it is sent: a book that never reached
 * its reader should not keep its articles out of the next one). Waits up
 * to the busy timeout for other writers. 0, or a negative nb_code with
 * nothing recorded. */
NB_EXPORT int nb_state_record_book(nb_state *st, const nb_state_book *book,
                                   const nb_state_article *articles, size_t n,
                                   nb_error *err);

/** Record several books at once, in one transaction: the volumes of one
 * book too large for one file, which were delivered together. Book i
 * carries the @p counts[i] articles of @p articles[i]. 0, or a negative
 * nb_code with nothing recorded. */
NB_EXPORT int nb_state_record_books(nb_state *st, const nb_state_book *books,
                                    const nb_state_article *const *articles,
                                    const size_t *counts, size_t nbooks,
                                    nb_error *err);

/* ## Asking */

typedef enum nb_state_key {
  NB_STATE_NONE = 0,
  NB_STATE_BY_GUID,   /**< same feed id */
  NB_STATE_BY_URL,    /**< same canonical URL */
  NB_STATE_BY_CONTENT /**< same normalised text, maybe under another URL */
} nb_state_key;

/** One recorded article with the book it went into, as nb_state_find and
 * nb_state_list report it. Strings are borrowed for the duration of the
 * call (find: until the next call on @p st); NULL when unknown. */
typedef struct nb_state_entry {
  nb_state_key matched; /**< find: which key matched */
  const char *guid, *url, *hash, *title;
  int64_t date;
  const char *book_id, *book_path, *book_title, *sent_to;
  int64_t book_time;
} nb_state_entry;

/** Was @p a already delivered? Looks by GUID, then URL, then content hash
 * (each only when set). Returns 1 with *@p found filled (may be NULL),
 * 0 when not, or a negative nb_code. */
NB_EXPORT int nb_state_find(nb_state *st, const nb_state_article *a,
                            nb_state_entry *found, nb_error *err);

/** Call @p fn for every recorded article, oldest book first; stop early
 * when it returns non-zero. 0, or a negative nb_code. */
NB_EXPORT int nb_state_list(nb_state *st,
                            int (*fn)(void *userdata, const nb_state_entry *e),
                            void *userdata, nb_error *err);

/** Counts, for a summary line. */
NB_EXPORT int nb_state_count(nb_state *st, int64_t *books, int64_t *articles,
                             nb_error *err);

/** Forget every book made before @p before (UTC seconds) and its
 * articles, in one transaction; *@p removed (may be NULL) gets the number
 * of articles forgotten. 0, or a negative nb_code. */
NB_EXPORT int nb_state_forget_before(nb_state *st, int64_t before,
                                     int64_t *removed, nb_error *err);

/* ## From a document */

/** Size of a content hash: "sha256:" + 64 hex digits + NUL. */
#define NB_STATE_HASH_SIZE 72

/** Hash @p doc's normalised text into @p out: the text of its body in
 * reading order (TEXT, CODE and CODE_BLOCK literals; not image alt text,
 * not link targets), with every white space dropped, full-width ASCII
 * forms folded to ASCII and ASCII lower-cased, so that the same article
 * under two URLs, re-wrapped or re-marked-up, hashes the same. When the
 * body has fewer than 40 characters the title is hashed with it (a bare
 * "see the picture" must not match every other one). Returns 1, or 0 when
 * there is no text at all (out is "" then) or on out of memory. */
NB_EXPORT int nb_state_content_hash(const nb_doc *doc,
                                    char out[NB_STATE_HASH_SIZE]);

/** Fill @p a from @p doc: guid from the "guid" metadata, url from
 * "source", title, date, and the hash written into @p hash_buf (which @p a
 * then borrows, as it borrows @p doc's strings). */
NB_EXPORT void nb_state_article_from_doc(const nb_doc *doc, nb_state_article *a,
                                         char hash_buf[NB_STATE_HASH_SIZE]);

#ifdef __cplusplus
}
#endif
#endif
