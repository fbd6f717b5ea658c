/* Full text for summary-only feed items: which items want it, fetching
 * their pages (in parallel, a few per host, within the article's time),
 * reading them with the page reader on a pool of threads, and putting the
 * page's body under the item's own metadata.
 *
 * An item is a document of its own arena, so the page's body is copied
 * node by node (an iterative walk through the public accessors, as a
 * writer would see it) rather than moved. Each page is read and merged by
 * one worker on its own item: results go to per-item slots, so the outcome
 * never depends on timing. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acquire/internal.h"
#include "util/pool.h"
#include "util/util.h"

nb_acquire_options nb__acquire_options(const nb_acquire_options *opt) {
  nb_acquire_options o;
  memset(&o, 0, sizeof o);
  if (opt)
    o = *opt;
  o.abi_version = NB_ACQUIRE_ABI_VERSION;
  if (o.short_text == 0)
    o.short_text = NB_ACQUIRE_SHORT_TEXT;
  if (o.max_per_host <= 0)
    o.max_per_host = NB_ACQUIRE_MAX_PER_HOST;
  if (o.max_article_time < 0)
    o.max_article_time = 0;
  if (!o.read_page)
    o.read_page = nb_acquire_read_page;
  return o;
}

/* ## Which items want their full text */

/* 1 for a code point that carries text (letters, digits, ideographs), 0
 * for white space, punctuation and arrows that only decorate a link. */
static int S_is_word(uint32_t cp) {
  if (cp < 0x80)
    return isalnum((int)cp) != 0;
  if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
      (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
      (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xA0 || cp == 0xAB ||
      cp == 0xBB || cp == 0xB7)
    return 0;
  return 1;
}

static size_t S_weight(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  size_t w = 0;
  while (p < end) {
    uint32_t cp;
    size_t k = nb_utf8_decode(p, (size_t)(end - p), &cp);
    if (!(cp < 0x80 && isspace((int)cp)))
      w += nb_is_cjk(cp) ? 2 : 1;
    p += k;
  }
  return w;
}

size_t nb__acquire_text_weight(const nb_doc *doc) {
  char *t = nb_node_text(nb_doc_root(doc));
  size_t w = t ? S_weight(t, strlen(t)) : 0;
  free(t);
  return w;
}

/* @p s with white space and decoration removed, ASCII lower-cased, into
 * @p out (at most @p size bytes). */
static void S_squeeze(const char *s, char *out, size_t size) {
  const unsigned char *p = (const unsigned char *)s;
  size_t o = 0, len = strlen(s);
  while (*p && o + 5 < size) {
    uint32_t cp;
    size_t k =
        nb_utf8_decode(p, len - (size_t)(p - (const unsigned char *)s), &cp);
    if (S_is_word(cp) || cp == 0x2026 || cp == '.') {
      if (cp < 0x80)
        out[o++] = (char)tolower((int)cp);
      else
        o += nb_utf8_encode(cp, out + o);
    }
    p += k;
  }
  out[o] = '\0';
}

/* 1 when a link's text says "read the rest". */
static int S_read_more_text(const char *text) {
  static const char *const exact[] = {
      "more", "...",  "\xe2\x80\xa6", "全文",   "更多", "详情",
      "詳情", "原文", "続き",         "더보기", NULL};
  static const char *const within[] = {
      "readmore",    "continuereading", "readfull", "readtherest", "fullstory",
      "fullarticle", "keepreading",     "阅读全文", "继续阅读",    "查看全文",
      "阅读原文",    "閱讀全文",        "繼續閱讀", "查看原文",    "点击阅读",
      "続きを読む",  "もっと読む",      "계속읽기", "더보기",      "전체보기",
      NULL};
  char sq[256];
  size_t k;
  S_squeeze(text, sq, sizeof sq);
  if (!sq[0])
    return 0;
  for (k = 0; exact[k]; k++)
    if (strcmp(sq, exact[k]) == 0)
      return 1;
  for (k = 0; within[k]; k++)
    if (strstr(sq, within[k]))
      return 1;
  return 0;
}

/* 1 when @p a and @p b name the same page: fragment and a trailing slash
 * aside, scheme and host case aside. */
static int S_same_page(const char *a, const char *b) {
  size_t la = strcspn(a, "#"), lb = strcspn(b, "#");
  if (la > 0 && a[la - 1] == '/')
    la--;
  if (lb > 0 && b[lb - 1] == '/')
    lb--;
  if (la != lb)
    return 0;
  return strncasecmp(a, b, la) == 0;
}

/* 1 when the text ends in a link to @p source or a "read more" link (only
 * decoration after it), or in "[…]" / "[...]". */
static int S_ends_read_more(const nb_doc *doc, const char *source) {
  nb_iter *it = nb_iter_new(nb_doc_root(doc));
  nb_node *last = NULL;
  size_t after = 0;
  int in_link = 0, r = 0;
  nb_event ev;
  char *text;
  if (!it)
    return 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    nb_node_type t = nb_node_get_type(n);
    if (t == NB_NODE_LINK) {
      in_link += ev == NB_EVENT_ENTER ? 1 : -1;
      if (ev == NB_EVENT_ENTER) {
        last = n;
        after = 0;
      }
    } else if (ev == NB_EVENT_ENTER && !in_link &&
               (t == NB_NODE_TEXT || t == NB_NODE_CODE)) {
      const unsigned char *p = (const unsigned char *)nb_node_get_literal(n);
      const unsigned char *end = p + nb_node_get_literal_len(n);
      while (p < end) {
        uint32_t cp;
        size_t k = nb_utf8_decode(p, (size_t)(end - p), &cp);
        after += S_is_word(cp);
        p += k;
      }
    } else if (ev == NB_EVENT_ENTER && !in_link && t == NB_NODE_IMAGE) {
      after++;
    }
  }
  nb_iter_free(it);
  if (last && after == 0) {
    const char *u = nb_node_get_url(last);
    char *lt = nb_node_text(last);
    r = (u && source && S_same_page(u, source)) || (lt && S_read_more_text(lt));
    free(lt);
  }
  if (r)
    return 1;
  text = nb_node_text(nb_doc_root(doc));
  if (text) {
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
      n--;
    r = (n >= 5 && memcmp(text + n - 5, "[\xe2\x80\xa6]", 5) == 0) ||
        (n >= 5 && memcmp(text + n - 5, "[...]", 5) == 0);
    free(text);
  }
  return r;
}

static int S_is_http(const char *s) {
  return s && (strncasecmp(s, "http://", 7) == 0 ||
               strncasecmp(s, "https://", 8) == 0);
}

int nb_acquire_wants_full_text(const nb_doc *doc,
                               const nb_acquire_options *opt) {
  nb_acquire_options o = nb__acquire_options(opt);
  const char *src = doc ? nb_doc_get_meta(doc, "source") : NULL;
  if (!doc || o.full_text == NB_FULL_TEXT_NEVER || !S_is_http(src))
    return 0;
  if (o.full_text == NB_FULL_TEXT_ALWAYS)
    return 1;
  return nb__acquire_text_weight(doc) < o.short_text ||
         S_ends_read_more(doc, src);
}

/* ## Copying a page's body into the item */

static nb_node *S_clone(nb_doc *dst, const nb_node *n) {
  nb_node_type t = nb_node_get_type(n);
  nb_node *c = nb_node_new(dst, t);
  const char *s;
  int ok = 1;
  if (!c)
    return NULL;
  nb_node_set_line(c, nb_node_get_line(n));
  if ((s = nb_node_get_literal(n)) != NULL)
    ok = ok && nb_node_set_literal(c, s, nb_node_get_literal_len(n));
  if (t == NB_NODE_LINK || t == NB_NODE_IMAGE) {
    if ((s = nb_node_get_url(n)) != NULL)
      ok = ok && nb_node_set_url(c, s);
    if ((s = nb_node_get_title(n)) != NULL)
      ok = ok && nb_node_set_title(c, s);
  }
  if (t == NB_NODE_IMAGE && (s = nb_node_get_alt(n)) != NULL)
    ok = ok && nb_node_set_alt(c, s);
  if (t == NB_NODE_CODE_BLOCK && (s = nb_node_get_info(n)) != NULL)
    ok = ok && nb_node_set_info(c, s);
  if (t == NB_NODE_HEADING)
    ok = ok && nb_node_set_heading_level(c, nb_node_get_heading_level(n));
  if (t == NB_NODE_LIST)
    ok = ok && nb_node_set_list(c, nb_node_get_list_ordered(n),
                                nb_node_get_list_start(n));
  if (t == NB_NODE_TABLE_ROW || t == NB_NODE_TABLE_CELL)
    ok = ok && nb_node_set_header(c, nb_node_get_header(n));
  if (t == NB_NODE_TABLE_CELL)
    ok = ok && nb_node_set_align(c, nb_node_get_align(n)) &&
         nb_node_set_colspan(c, nb_node_get_colspan(n));
  if ((s = nb_node_get_id(n)) != NULL)
    ok = ok && nb_node_set_id(c, s);
  return ok ? c : NULL;
}

/* Copies of @p src's children appended to @p dst_parent (of @p dst), in
 * one walk with an explicit stack. 1, or 0 when out of memory. */
static int S_copy_children(nb_doc *dst, nb_node *dst_parent,
                           nb_node *src_parent) {
  nb_iter *it = nb_iter_new(src_parent);
  nb_node **stack = NULL;
  size_t depth = 0, cap = 0;
  nb_event ev;
  int ok = it != NULL;
  while (ok && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it), *c;
    nb_node *top = depth ? stack[depth - 1] : dst_parent;
    if (n == src_parent)
      continue;
    if (ev == NB_EVENT_EXIT) {
      depth--;
      continue;
    }
    c = S_clone(dst, n);
    if (!c || !nb_node_append_child(top, c)) {
      ok = 0;
      break;
    }
    if (!nb_node_type_is_leaf(nb_node_get_type(n))) {
      if (depth == cap) {
        size_t ncap = cap ? cap * 2 : 32;
        nb_node **ns = nb_reallocarray(stack, ncap, sizeof *ns);
        if (!ns) {
          ok = 0;
          break;
        }
        stack = ns;
        cap = ncap;
      }
      stack[depth++] = c;
    }
  }
  nb_iter_free(it);
  free(stack);
  return ok;
}

/* The page's body under the item's metadata. 1, or 0 (the item is left as
 * it was) when out of memory. */
static int S_merge(nb_doc *item, const nb_doc *page, const char *page_url) {
  nb_node *root = nb_doc_root(item), *tmp = nb_node_new(item, NB_NODE_DOCUMENT);
  nb_node *c;
  const char *v, *src = nb_doc_get_meta(item, "source");
  size_t i;
  if (!tmp || !S_copy_children(item, tmp, nb_doc_root(page)))
    return 0;
  while ((c = nb_node_first_child(root)) != NULL)
    nb_node_unlink(c);
  while ((c = nb_node_first_child(tmp)) != NULL)
    nb_node_append_child(root, c);
  if (nb_doc_author_count(item) == 0)
    for (i = 0; i < nb_doc_author_count(page); i++)
      nb_doc_add_author(item, nb_doc_author(page, i));
  if (!nb_doc_get_meta(item, "headimg") &&
      !nb_doc_get_meta(item, "thumbnail")) {
    if ((v = nb_doc_get_meta(page, "headimg")) != NULL ||
        (v = nb_doc_get_meta(page, "thumbnail")) != NULL)
      nb_doc_set_meta(item, "headimg", v);
  }
  if ((v = nb_doc_get_meta(page, "lang")) != NULL)
    nb_doc_set_meta(item, "lang", v);
  if ((v = nb_doc_get_meta(page, "source")) != NULL && src &&
      !S_same_page(v, src))
    nb_doc_set_meta(item, "canonical", v);
  nb_doc_set_meta(item, "full_text", page_url);
  return 1;
}

/* ## Fetching and reading */

typedef struct S_job {
  nb_doc **slot;   /* the item */
  const char *url; /* its link (borrowed from the item) */
  nb_fetched page;
  int done; /* got its full text */
} S_job;

typedef struct S_ctx {
  S_job *jobs;
  const nb_acquire_options *opt;
  const nb_diag *diag;
} S_ctx;

static void S_warn(const S_ctx *x, const S_job *j, const char *why) {
  const nb_doc *d = *j->slot;
  const char *file = nb_doc_get_meta(d, "path");
  if (!file)
    file = nb_doc_get_meta(d, "feed");
  nb_diag_emit(x->diag, NB_SEV_WARNING, "fetch", file, 0, j->url,
               "full text of \"%.200s\" not had from %.500s: %.500s — the "
               "feed's summary is kept",
               nb_doc_get_meta(d, "title") ? nb_doc_get_meta(d, "title") : "",
               j->url, why);
}

static void S_work(void *ctx, size_t i) {
  S_ctx *x = ctx;
  S_job *j = &x->jobs[i];
  nb_doc *page;
  nb_error err;
  char why[300];
  if (j->page.status != NB_RES_OK) {
    S_warn(x, j, j->page.reason);
    return;
  }
  if (nb_acquire_sniff(j->page.content_type, j->page.data, j->page.size, why,
                       sizeof why) != NB_CONTENT_PAGE) {
    char msg[400];
    snprintf(msg, sizeof msg, "not a web page (%s)", why[0] ? why : "a feed");
    S_warn(x, j, msg);
    return;
  }
  nb_error_clear(&err);
  page = x->opt->read_page(x->opt->read_page_data, j->page.url, j->page.data,
                           j->page.size, j->page.charset, x->opt->read, x->diag,
                           &err);
  if (!page) {
    S_warn(x, j, err.message[0] ? err.message : "the page could not be read");
    return;
  }
  if (nb__acquire_text_weight(page) < nb__acquire_text_weight(*j->slot)) {
    S_warn(x, j, "the page has less text than the feed's summary");
  } else if (!S_merge(*j->slot, page, j->page.url)) {
    S_warn(x, j, "out of memory");
  } else {
    j->done = 1;
  }
  nb_doc_free(page);
}

int nb_acquire_full_text(nb_doc **docs, size_t n, const nb_acquire_options *opt,
                         const nb_diag *diag, nb_error *err) {
  nb_acquire_options o = nb__acquire_options(opt);
  nb_fetch_doc_options dopt;
  size_t *want = NULL, nwant = 0, i, chunk, at;
  S_job *jobs = NULL;
  const char **urls = NULL;
  nb_fetched *fetched = NULL;
  int got = 0, rc = 0;
  if (!docs || n == 0 || o.full_text == NB_FULL_TEXT_NEVER)
    return 0;
  want = nb_calloc(n, sizeof *want);
  if (!want)
    return nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
  for (i = 0; i < n; i++)
    if (docs[i] && nb_acquire_wants_full_text(docs[i], &o))
      want[nwant++] = i;
  if (nwant == 0)
    goto cleanup;
  memset(&dopt, 0, sizeof dopt);
  dopt.abi_version = NB_FETCH_DOC_ABI_VERSION;
  dopt.max_per_host = o.max_per_host;
  dopt.time_limit = o.max_article_time;
  dopt.want_page = 1;
  /* pages are held in memory a chunk at a time */
  chunk =
      o.net && o.net->max_parallel > 0 ? (size_t)o.net->max_parallel * 4 : 32;
  if (chunk < 16)
    chunk = 16;
  if (chunk > nwant)
    chunk = nwant;
  jobs = nb_calloc(chunk, sizeof *jobs);
  urls = nb_calloc(chunk, sizeof *urls);
  fetched = nb_calloc(chunk, sizeof *fetched);
  if (!jobs || !urls || !fetched) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto cleanup;
  }
  for (at = 0; at < nwant; at += chunk) {
    size_t m = nwant - at < chunk ? nwant - at : chunk, k;
    S_ctx x;
    for (k = 0; k < m; k++)
      urls[k] = nb_doc_get_meta(docs[want[at + k]], "source");
    rc = nb_fetch_documents(urls, m, o.net, &dopt, diag, fetched, err);
    if (rc != 0)
      goto cleanup;
    for (k = 0; k < m; k++) {
      jobs[k].slot = &docs[want[at + k]];
      jobs[k].url = urls[k];
      jobs[k].page = fetched[k];
      jobs[k].done = 0;
      memset(&fetched[k], 0, sizeof fetched[k]);
    }
    x.jobs = jobs;
    x.opt = &o;
    x.diag = diag;
    nb_pool_for(m, o.jobs, S_work, &x);
    for (k = 0; k < m; k++) {
      got += jobs[k].done;
      nb_fetched_clear(&jobs[k].page);
    }
  }
cleanup:
  free(want);
  free(jobs);
  free(urls);
  free(fetched);
  return rc < 0 ? rc : got;
}
