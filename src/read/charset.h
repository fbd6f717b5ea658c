/* Character sets of web pages: what the bytes declare, what they look
 * like, and their conversion to UTF-8 (glibc's iconv).
 *
 * Internal API of the library, shared by the page reader and the fetch
 * layer (which knows the HTTP Content-Type charset and may want to decide
 * before it hands a page or a feed on). Names are iconv names: labels as
 * pages write them ("gb2312", "x-sjis", "ks_c_5601-1987", "latin1") are
 * mapped to the superset a browser really decodes with, as the WHATWG
 * Encoding Standard does (GB18030, WINDOWS-31J, CP949, WINDOWS-1252...).
 *
 * Nothing here allocates except nb_charset_to_utf8(); every returned name
 * is a static string. */
#ifndef NB_READ_CHARSET_H
#define NB_READ_CHARSET_H

#include <stddef.h>

/** Where the charset a page was decoded with came from. */
typedef enum nb_charset_source {
  NB_CHARSET_BOM = 0,  /**< a byte-order mark (always wins) */
  NB_CHARSET_HTTP,     /**< the caller's (HTTP Content-Type) */
  NB_CHARSET_META,     /**< <meta charset>, http-equiv or <?xml encoding?> */
  NB_CHARSET_DETECTED, /**< byte-pattern scoring: nothing was declared */
  NB_CHARSET_OVERRULED /**< byte-pattern scoring: what was declared (by
                          HTTP or the page) the bytes contradict */
} nb_charset_source;

/** The iconv name for a charset @p label (case and surrounding space
 * ignored, at most @p len bytes, len = (size_t)-1: up to NUL), or NULL
 * when iconv has no such converter. Labels that are aliases of a
 * well-known web encoding map to its superset ("gbk" → "GB18030",
 * "iso-8859-1" → "WINDOWS-1252", "utf-16" in a <meta> → "UTF-8" is the
 * caller's business). Other labels are returned when iconv knows them,
 * upper-cased, from a small static table of results, else NULL. */
const char *nb_charset_name(const char *label, size_t len);

/** The charset a UTF-8/UTF-16 byte-order mark at the start of @p data
 * names ("UTF-8", "UTF-16LE", "UTF-16BE"), or NULL; *@p bom_len gets its
 * length. */
const char *nb_charset_bom(const char *data, size_t len, size_t *bom_len);

/** The charset the start of an HTML page declares, by the HTML Standard's
 * prescan (extended to the first 16 KiB, since pages put their <meta>
 * after long scripts): <meta charset=X>, <meta http-equiv=Content-Type
 * content="...; charset=X">, or an XML declaration's encoding. NULL when
 * none is declared or the label is unknown. A declared UTF-16 means UTF-8
 * (a page that were UTF-16 would have had a BOM). */
const char *nb_charset_declared(const char *data, size_t len);

/** Guess the charset of @p data from its bytes: "UTF-8" when it is valid
 * UTF-8 (ASCII included); otherwise the candidate — GB18030, BIG5-HKSCS,
 * WINDOWS-31J (Shift_JIS), EUC-JP-MS, CP949 (EUC-KR), WINDOWS-1252 — whose
 * decoding looks most like text: few undecodable sequences, many of the
 * language's most frequent characters or kana, letters rather than
 * symbols. Looks at the first 64 KiB of non-ASCII text. Never NULL. */
const char *nb_charset_detect(const char *data, size_t len);

/** Decide a page's charset: a BOM, then @p http (the Content-Type
 * charset, may be NULL), then the page's own declaration, then detection.
 * A declaration that is UTF-8 but whose bytes are not (a lying page) gives
 * way to detection, and so does a legacy one on bytes that are valid
 * UTF-8 with many multi-byte characters. *@p source (may be NULL) tells
 * which one decided. */
const char *nb_charset_decide(const char *http, const char *data, size_t len,
                              nb_charset_source *source);

/** Convert @p len bytes of @p data from @p charset to UTF-8: a malloc'd,
 * NUL-terminated string the caller frees, *@p out_len its length.
 * Undecodable bytes become U+FFFD and are counted in *@p bad (may be NULL);
 * NUL bytes are dropped. NULL when iconv has no such converter or memory
 * runs out. */
char *nb_charset_to_utf8(const char *charset, const char *data, size_t len,
                         size_t *out_len, size_t *bad);

#endif
