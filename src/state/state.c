/* The state file: SQLite in WAL mode, one transaction per finished book.
 *
 * Opening never writes to a file that is not already known to be ours: a
 * file that exists and is not empty is first looked at through a
 * read-only connection (magic bytes, application_id, user_version,
 * quick_check), and only then opened for writing. A missing or empty file
 * is made a state file inside one IMMEDIATE transaction, so two runs
 * creating it at once agree on one schema.
 *
 * Deliberately not here: the content hash (hash.c) and any policy about
 * what to leave out of a book. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "newsbook/state.h"
#include "util/util.h"

struct nb_state {
  sqlite3 *db;
  char *path;
  int readonly;
  int lock_fd; /* FILE.lock held for a run, or -1 */
  /* nb_state_find's answer: strings copied out of the statement */
  nb_buf found;
};

static const char S_schema[] =
    "CREATE TABLE book("
    " id INTEGER PRIMARY KEY,"
    " book_id TEXT, path TEXT, title TEXT,"
    " made INTEGER NOT NULL,"
    " sent_to TEXT);"
    "CREATE TABLE article("
    " id INTEGER PRIMARY KEY,"
    " book INTEGER NOT NULL REFERENCES book(id),"
    " guid TEXT, url TEXT, hash TEXT, title TEXT, date INTEGER);"
    "CREATE INDEX article_guid ON article(guid);"
    "CREATE INDEX article_url ON article(url);"
    "CREATE INDEX article_hash ON article(hash);"
    "CREATE INDEX article_book ON article(book);"
    "CREATE INDEX book_made ON book(made);";

/* ## Errors */

static int S_dberr(sqlite3 *db, nb_error *err, const char *path, int code,
                   const char *what) {
  int ext = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
  if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0,
                        "%s: the state file stayed locked by another run past "
                        "the busy timeout (%s) — try again when it is done",
                        what, msg);
  if ((ext & 0xff) == SQLITE_NOTADB || (ext & 0xff) == SQLITE_CORRUPT)
    return nb_error_set(err, NB_ERR_FORMAT, path, 0,
                        "%s: the state file is damaged (%s); it was left as "
                        "it is — move it aside to start a new one",
                        what, msg);
  return nb_error_set(err, (nb_code)code, path, 0, "%s: %s", what, msg);
}

static int S_exec(nb_state *st, const char *sql, nb_error *err,
                  const char *what) {
  if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY, what);
  return 0;
}

/* ## Checking what the file is */

/* One integer from a pragma or query; 0 or a negative nb_code. */
static int S_int(sqlite3 *db, const char *sql, int64_t *v, const char *path,
                 nb_error *err) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
  *v = 0;
  if (rc == SQLITE_OK)
    rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    return S_dberr(db, err, path, NB_ERR_LIBRARY, "reading the state file");
  }
  *v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return 0;
}

typedef enum S_kind { S_EMPTY, S_OURS } S_kind;

/* What the database behind @p db is: an empty one (no schema at all), or
 * ours at a known version. Anything else is an error naming what it is. */
static int S_identify(sqlite3 *db, const char *path, S_kind *kind,
                      nb_error *err) {
  int64_t app = 0, ver = 0, objects = 0;
  int rc;
  if ((rc = S_int(db, "PRAGMA application_id", &app, path, err)) != 0 ||
      (rc = S_int(db, "PRAGMA user_version", &ver, path, err)) != 0 ||
      (rc = S_int(db, "SELECT count(*) FROM sqlite_master", &objects, path,
                  err)) != 0)
    return rc;
  if (app == 0 && ver == 0 && objects == 0) {
    *kind = S_EMPTY;
    return 0;
  }
  if (app != NB_STATE_APPLICATION_ID)
    return nb_error_set(err, NB_ERR_FORMAT, path, 0,
                        "not a newsbook state file: an SQLite database of "
                        "another program (application_id 0x%08llx) — it was "
                        "left as it is; give another path",
                        (unsigned long long)(uint32_t)app);
  if (ver > NB_STATE_SCHEMA_VERSION)
    return nb_error_set(err, NB_ERR_UNSUPPORTED, path, 0,
                        "the state file has schema version %lld, newer than "
                        "this newsbook knows (%d) — use a newer newsbook",
                        (long long)ver, NB_STATE_SCHEMA_VERSION);
  if (ver < 1)
    return nb_error_set(err, NB_ERR_FORMAT, path, 0,
                        "the state file has no schema version (damaged?) — "
                        "it was left as it is");
  *kind = S_OURS;
  return 0;
}

/* quick_check: every page and index reachable and sane. */
static int S_quick_check(sqlite3 *db, const char *path, nb_error *err) {
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(5)", -1, &s, NULL);
  const char *msg;
  if (rc == SQLITE_OK)
    rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(s);
    return S_dberr(db, err, path, NB_ERR_FORMAT, "checking the state file");
  }
  msg = (const char *)sqlite3_column_text(s, 0);
  if (!msg || strcmp(msg, "ok") != 0) {
    nb_error_set(err, NB_ERR_FORMAT, path, 0,
                 "the state file is damaged (%.200s); it was left as it is "
                 "— move it aside to start a new one",
                 msg ? msg : "?");
    sqlite3_finalize(s);
    return NB_ERR_FORMAT;
  }
  sqlite3_finalize(s);
  return 0;
}

/* Before SQLite sees a non-empty file: is it SQLite at all? A text file
 * handed to a read-write connection is not written to, but saying "not a
 * database" ourselves gives the clearer message. Sets *@p fresh for a
 * missing or empty file. */
static int S_sniff(const char *path, int *fresh, nb_error *err) {
  static const char magic[16] = "SQLite format 3";
  char head[16];
  struct stat sb;
  ssize_t got;
  int fd;

  *fresh = 0;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT) {
      *fresh = 1;
      return 0;
    }
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "%s", strerror(errno));
  }
  if (!S_ISREG(sb.st_mode))
    return nb_error_set(err, NB_ERR_ARGUMENT, path, 0,
                        "the state file must be a regular file");
  if (sb.st_size == 0) {
    *fresh = 1;
    return 0;
  }
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "%s", strerror(errno));
  got = read(fd, head, sizeof head);
  close(fd);
  if (got != (ssize_t)sizeof head || memcmp(head, magic, sizeof head) != 0)
    return nb_error_set(err, NB_ERR_FORMAT, path, 0,
                        "not a newsbook state file (not an SQLite database) "
                        "— it was left as it is; give another path");
  return 0;
}

/* Look at an existing file through a read-only connection. */
static int S_validate_readonly(const char *path, int busy_ms, S_kind *kind,
                               nb_error *err) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    rc = S_dberr(db, err, path, NB_ERR_SYSTEM, "opening the state file");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, busy_ms);
  rc = S_identify(db, path, kind, err);
  if (rc == 0 && *kind == S_OURS)
    rc = S_quick_check(db, path, err);
  sqlite3_close(db);
  return rc;
}

/* Make an empty database a state file, or accept it when a concurrent run
 * did first. */
static int S_initialise(nb_state *st, nb_error *err) {
  S_kind kind = S_EMPTY;
  int rc;
  char sql[160];
  if ((rc = S_exec(st, "BEGIN IMMEDIATE", err, "creating the state file")))
    return rc;
  rc = S_identify(st->db, st->path, &kind, err);
  if (rc == 0 && kind == S_EMPTY) {
    snprintf(sql, sizeof sql,
             "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             NB_STATE_APPLICATION_ID, NB_STATE_SCHEMA_VERSION);
    if ((rc = S_exec(st, sql, err, "creating the state file")) == 0)
      rc = S_exec(st, S_schema, err, "creating the state file");
  }
  if (rc == 0)
    return S_exec(st, "COMMIT", err, "creating the state file");
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* Take FILE.lock exclusively, polling so the wait can end. */
static int S_run_lock(nb_state *st, int timeout_s, nb_error *err) {
  nb_buf b = NB_BUF_INIT;
  struct timespec step = {0, 100 * 1000 * 1000};
  long waited_ms = 0;
  nb_buf_printf(&b, "%s.lock", st->path);
  if (b.failed)
    return nb_error_set(err, NB_ERR_SYSTEM, st->path, 0, "out of memory");
  st->lock_fd = open(b.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (st->lock_fd < 0) {
    nb_error_set(err, NB_ERR_SYSTEM, b.data, 0, "cannot lock the state: %s",
                 strerror(errno));
    nb_buf_free(&b);
    return NB_ERR_SYSTEM;
  }
  while (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      nb_error_set(err, NB_ERR_SYSTEM, b.data, 0, "cannot lock the state: %s",
                   strerror(errno));
      nb_buf_free(&b);
      return NB_ERR_SYSTEM;
    }
    if (waited_ms >= (long)timeout_s * 1000) {
      nb_error_set(err, NB_ERR_LIMIT, st->path, 0,
                   "another run has held the state for %d s — it may be "
                   "stuck; try again when it is done",
                   timeout_s);
      nb_buf_free(&b);
      return NB_ERR_LIMIT;
    }
    nanosleep(&step, NULL);
    waited_ms += 100;
  }
  nb_buf_free(&b);
  return 0;
}

int nb_state_open(const char *path, const nb_state_options *opts,
                  nb_state **out, nb_error *err) {
  nb_state *st;
  S_kind kind = S_EMPTY;
  int fresh, rc,
      busy_ms =
          opts && opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : 60000;
  int readonly = opts ? opts->readonly : 0;
  int flags;

  *out = NULL;
  if (!path || !*path)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no state file given");
  if ((rc = S_sniff(path, &fresh, err)) != 0)
    return rc;
  if (fresh && readonly)
    return nb_error_set(
        err, NB_ERR_ARGUMENT, path, 0, "no state file here (%s)",
        access(path, F_OK) == 0 ? "it is empty" : "it does not exist");
  if (!fresh && (rc = S_validate_readonly(path, busy_ms, &kind, err)) != 0)
    return rc;

  if (!(st = nb_calloc(1, sizeof *st)) || !(st->path = nb_strdup(path))) {
    free(st);
    return nb_error_set(err, NB_ERR_SYSTEM, path, 0, "out of memory");
  }
  st->readonly = readonly;
  st->lock_fd = -1;
  if (opts && opts->run_lock && !readonly &&
      (rc = S_run_lock(
           st, opts->run_lock_timeout_s > 0 ? opts->run_lock_timeout_s : 3600,
           err)) != 0) {
    nb_state_close(st);
    return rc;
  }
  flags = readonly ? SQLITE_OPEN_READONLY
                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    rc = S_dberr(st->db, err, path, NB_ERR_SYSTEM, "opening the state file");
    nb_state_close(st);
    return rc;
  }
  sqlite3_busy_timeout(st->db, busy_ms);
  sqlite3_extended_result_codes(st->db, 1);
  if (!readonly) {
    /* WAL: readers never wait for the writer, and a killed writer leaves
     * only uncommitted frames that the next opener ignores. FULL syncs
     * each commit, so a recorded book survives a power cut too. */
    if ((rc = S_exec(st, "PRAGMA journal_mode=WAL", err,
                     "opening the state file")) != 0 ||
        (rc = S_exec(st, "PRAGMA synchronous=FULL", err,
                     "opening the state file")) != 0 ||
        (kind == S_EMPTY && (rc = S_initialise(st, err)) != 0)) {
      nb_state_close(st);
      return rc;
    }
  }
  *out = st;
  return 0;
}

void nb_state_close(nb_state *st) {
  if (!st)
    return;
  sqlite3_close(st->db);
  if (st->lock_fd >= 0)
    close(st->lock_fd); /* releases the lock */
  nb_buf_free(&st->found);
  free(st->path);
  free(st);
}

/* ## URLs */

/* The stored form of a URL: scheme and host lower-cased, the default
 * port, the fragment and utm_* tracking parameters dropped. Other
 * parameters stay (they often name the article). malloc'd or NULL. */
static char *S_url_key(const char *url) {
  nb_buf b = NB_BUF_INIT;
  const char *p = url, *colon, *host, *hend, *path, *q, *end;

  if (!url || !*url)
    return NULL;
  end = url + strcspn(url, "#");
  colon = strstr(url, "://");
  if (!colon || colon > end || strcspn(url, ":/?") != (size_t)(colon - url))
    return nb_strndup(url, (size_t)(end - url));
  for (; p < colon; p++)
    nb_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
  nb_buf_puts(&b, "://");
  host = colon + 3;
  hend = host + strcspn(host, "/?#");
  if (hend > end)
    hend = end;
  path = hend;
  /* drop the default port of http and https */
  {
    const char *pc = NULL;
    for (q = host; q < hend; q++)
      if (*q == ':')
        pc = q;
    if (pc && ((b.len == 7 && strncmp(b.data, "http", 4) == 0 &&
                hend - pc == 3 && strncmp(pc, ":80", 3) == 0) ||
               (b.len == 8 && strncmp(b.data, "https", 5) == 0 &&
                hend - pc == 4 && strncmp(pc, ":443", 4) == 0)))
      hend = pc;
  }
  for (q = host; q < hend; q++)
    nb_buf_putc(&b, (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q));
  q = path + strcspn(path, "?");
  if (q > end)
    q = end;
  nb_buf_append(&b, path, (size_t)(q - path));
  if (q < end) {
    /* the query, parameter by parameter */
    int first = 1;
    const char *a = q + 1;
    while (a < end) {
      const char *z = a + strcspn(a, "&");
      if (z > end)
        z = end;
      if (z > a && !(z - a >= 4 && strncasecmp(a, "utm_", 4) == 0)) {
        nb_buf_putc(&b, first ? '?' : '&');
        nb_buf_append(&b, a, (size_t)(z - a));
        first = 0;
      }
      a = z < end ? z + 1 : end;
    }
  }
  return nb_buf_detach(&b);
}

/* ## Recording */

static void S_bind_text(sqlite3_stmt *s, int i, const char *v) {
  if (v && *v)
    sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(s, i);
}

/* Insert @p book and its @p n articles with the prepared statements
 * (inside the caller's transaction). 0, or a negative nb_code. */
static int S_insert_book(nb_state *st, sqlite3_stmt *sb, sqlite3_stmt *sa,
                         const nb_state_book *book,
                         const nb_state_article *articles, size_t n,
                         nb_error *err) {
  sqlite3_int64 book_row;
  size_t i;
  int rc;
  sqlite3_reset(sb);
  S_bind_text(sb, 1, book->id);
  S_bind_text(sb, 2, book->path);
  S_bind_text(sb, 3, book->title);
  sqlite3_bind_int64(sb, 4, book->time ? book->time : (int64_t)time(NULL));
  S_bind_text(sb, 5, book->sent_to);
  if (sqlite3_step(sb) != SQLITE_DONE)
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY, "recording the book");
  book_row = sqlite3_last_insert_rowid(st->db);
  for (i = 0; i < n; i++) {
    const nb_state_article *a = &articles[i];
    char *url = S_url_key(a->url);
    if (a->url && *a->url && !url)
      return nb_error_set(err, NB_ERR_SYSTEM, st->path, 0, "out of memory");
    sqlite3_reset(sa);
    sqlite3_bind_int64(sa, 1, book_row);
    S_bind_text(sa, 2, a->guid);
    S_bind_text(sa, 3, url);
    S_bind_text(sa, 4, a->hash);
    S_bind_text(sa, 5, a->title);
    if (a->date)
      sqlite3_bind_int64(sa, 6, a->date);
    else
      sqlite3_bind_null(sa, 6);
    rc = sqlite3_step(sa);
    free(url);
    if (rc != SQLITE_DONE)
      return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY,
                     "recording the book");
  }
  return 0;
}

int nb_state_record_books(nb_state *st, const nb_state_book *books,
                          const nb_state_article *const *articles,
                          const size_t *counts, size_t nbooks, nb_error *err) {
  sqlite3_stmt *sb = NULL, *sa = NULL;
  size_t i;
  int rc = 0;

  if (!st || (nbooks && (!books || !articles || !counts)))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_state_record_books: no state or books");
  for (i = 0; i < nbooks; i++)
    if (counts[i] && !articles[i])
      return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                          "nb_state_record_books: a book without its "
                          "articles");
  if (st->readonly)
    return nb_error_set(err, NB_ERR_ARGUMENT, st->path, 0,
                        "the state file was opened read-only");
  if ((rc = S_exec(st, "BEGIN IMMEDIATE", err, "recording the book")))
    return rc;
  if (sqlite3_prepare_v2(st->db,
                         "INSERT INTO book(book_id,path,title,made,sent_to) "
                         "VALUES(?,?,?,?,?)",
                         -1, &sb, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(st->db,
                         "INSERT INTO article(book,guid,url,hash,title,date) "
                         "VALUES(?,?,?,?,?,?)",
                         -1, &sa, NULL) != SQLITE_OK) {
    rc = S_dberr(st->db, err, st->path, NB_ERR_LIBRARY, "recording the book");
    goto fail;
  }
  for (i = 0; i < nbooks; i++)
    if ((rc = S_insert_book(st, sb, sa, &books[i], articles[i], counts[i],
                            err)) != 0)
      goto fail;
  sqlite3_finalize(sb);
  sqlite3_finalize(sa);
  sb = sa = NULL;
  if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    rc = S_dberr(st->db, err, st->path, NB_ERR_LIBRARY, "recording the book");
    goto fail;
  }
  return 0;
fail:
  sqlite3_finalize(sb);
  sqlite3_finalize(sa);
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int nb_state_record_book(nb_state *st, const nb_state_book *book,
                         const nb_state_article *articles, size_t n,
                         nb_error *err) {
  if (!st || !book || (n && !articles))
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_state_record_book: no state or book");
  return nb_state_record_books(st, book, &articles, &n, 1, err);
}

/* ## Asking */

static const char S_entry_cols[] =
    "a.guid, a.url, a.hash, a.title, a.date, b.book_id, b.path, b.title, "
    "b.sent_to, b.made FROM article a JOIN book b ON b.id = a.book ";

/* Copy a row's text columns into @p buf and point @p e at them. */
static int S_row_entry(sqlite3_stmt *s, nb_buf *buf, nb_state_entry *e) {
  size_t off[10];
  int present[10], c;
  buf->len = 0;
  for (c = 0; c < 10; c++) {
    const unsigned char *t = sqlite3_column_text(s, c);
    present[c] = sqlite3_column_type(s, c) != SQLITE_NULL && t;
    off[c] = buf->len;
    if (present[c])
      nb_buf_append(buf, t, (size_t)sqlite3_column_bytes(s, c) + 1);
  }
  if (buf->failed)
    return 0;
#define S_STR(i) (present[i] ? buf->data + off[i] : NULL)
  e->guid = S_STR(0);
  e->url = S_STR(1);
  e->hash = S_STR(2);
  e->title = S_STR(3);
  e->date = sqlite3_column_int64(s, 4);
  e->book_id = S_STR(5);
  e->book_path = S_STR(6);
  e->book_title = S_STR(7);
  e->sent_to = S_STR(8);
  e->book_time = sqlite3_column_int64(s, 9);
#undef S_STR
  return 1;
}

/* 1 with @p e filled when a row has @p col = @p value; 0; negative. */
static int S_find_by(nb_state *st, const char *col, const char *value,
                     nb_state_entry *e, nb_error *err) {
  char sql[512];
  sqlite3_stmt *s = NULL;
  int rc;
  snprintf(sql, sizeof sql, "SELECT %s WHERE a.%s = ? ORDER BY b.made LIMIT 1",
           S_entry_cols, col);
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY,
                   "reading the state file");
  }
  sqlite3_bind_text(s, 1, value, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    nb_state_entry tmp;
    if (!S_row_entry(s, &st->found, e ? e : &tmp)) {
      sqlite3_finalize(s);
      return nb_error_set(err, NB_ERR_SYSTEM, st->path, 0, "out of memory");
    }
    sqlite3_finalize(s);
    return 1;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE)
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY,
                   "reading the state file");
  return 0;
}

int nb_state_find(nb_state *st, const nb_state_article *a,
                  nb_state_entry *found, nb_error *err) {
  int rc = 0;
  if (!st || !a)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_state_find: no state or article");
  if (found)
    memset(found, 0, sizeof *found);
  if (a->guid && *a->guid &&
      (rc = S_find_by(st, "guid", a->guid, found, err)) != 0) {
    if (rc > 0 && found)
      found->matched = NB_STATE_BY_GUID;
    return rc;
  }
  if (a->url && *a->url) {
    char *key = S_url_key(a->url);
    if (!key)
      return nb_error_set(err, NB_ERR_SYSTEM, st->path, 0, "out of memory");
    rc = S_find_by(st, "url", key, found, err);
    free(key);
    if (rc != 0) {
      if (rc > 0 && found)
        found->matched = NB_STATE_BY_URL;
      return rc;
    }
  }
  if (a->hash && *a->hash &&
      (rc = S_find_by(st, "hash", a->hash, found, err)) != 0) {
    if (rc > 0 && found)
      found->matched = NB_STATE_BY_CONTENT;
    return rc;
  }
  return 0;
}

int nb_state_list(nb_state *st,
                  int (*fn)(void *userdata, const nb_state_entry *e),
                  void *userdata, nb_error *err) {
  char sql[512];
  sqlite3_stmt *s = NULL;
  nb_buf buf = NB_BUF_INIT;
  int rc;
  if (!st || !fn)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_state_list: no state or callback");
  snprintf(sql, sizeof sql, "SELECT %s ORDER BY b.made, b.id, a.id",
           S_entry_cols);
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY,
                   "reading the state file");
  }
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    nb_state_entry e;
    memset(&e, 0, sizeof e);
    if (!S_row_entry(s, &buf, &e)) {
      sqlite3_finalize(s);
      nb_buf_free(&buf);
      return nb_error_set(err, NB_ERR_SYSTEM, st->path, 0, "out of memory");
    }
    if (fn(userdata, &e) != 0) {
      rc = SQLITE_DONE;
      break;
    }
  }
  sqlite3_finalize(s);
  nb_buf_free(&buf);
  if (rc != SQLITE_DONE)
    return S_dberr(st->db, err, st->path, NB_ERR_LIBRARY,
                   "reading the state file");
  return 0;
}

int nb_state_count(nb_state *st, int64_t *books, int64_t *articles,
                   nb_error *err) {
  int64_t v = 0;
  int rc;
  if (!st)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no state");
  if (books) {
    if ((rc = S_int(st->db, "SELECT count(*) FROM book", &v, st->path, err)))
      return rc;
    *books = v;
  }
  if (articles) {
    if ((rc = S_int(st->db, "SELECT count(*) FROM article", &v, st->path, err)))
      return rc;
    *articles = v;
  }
  return 0;
}

int nb_state_forget_before(nb_state *st, int64_t before, int64_t *removed,
                           nb_error *err) {
  sqlite3_stmt *s = NULL;
  int rc;
  int64_t gone = 0;
  if (removed)
    *removed = 0;
  if (!st)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0, "no state");
  if (st->readonly)
    return nb_error_set(err, NB_ERR_ARGUMENT, st->path, 0,
                        "the state file was opened read-only");
  if ((rc = S_exec(st, "BEGIN IMMEDIATE", err, "forgetting old books")))
    return rc;
  if (sqlite3_prepare_v2(st->db,
                         "DELETE FROM article WHERE book IN "
                         "(SELECT id FROM book WHERE made < ?1)",
                         -1, &s, NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_int64(s, 1, before);
  if (sqlite3_step(s) != SQLITE_DONE)
    goto dberr;
  gone = sqlite3_changes(st->db);
  sqlite3_finalize(s);
  s = NULL;
  if (sqlite3_prepare_v2(st->db, "DELETE FROM book WHERE made < ?1", -1, &s,
                         NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_int64(s, 1, before);
  if (sqlite3_step(s) != SQLITE_DONE)
    goto dberr;
  sqlite3_finalize(s);
  s = NULL;
  if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto dberr;
  if (removed)
    *removed = gone;
  return 0;
dberr:
  rc = S_dberr(st->db, err, st->path, NB_ERR_LIBRARY, "forgetting old books");
  sqlite3_finalize(s);
  sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}
