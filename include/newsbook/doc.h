/* The document model: one article's metadata and its tree of blocks and
 * inlines. Readers build it, writers walk it; neither knows the other.
 *
 * Ownership: an nb_doc owns everything in it. Nodes and strings live in the
 * document's arena and are freed together by nb_doc_free(); there is no
 * per-node free. Every `const char *` getter returns a borrowed string valid
 * until the document is freed. Setters copy their arguments.
 *
 * Trees are walked with nb_iter (ENTER/EXIT events, no recursion), so
 * arbitrarily deep input cannot exhaust the stack. */
#ifndef NEWSBOOK_DOC_H
#define NEWSBOOK_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_doc nb_doc;
typedef struct nb_node nb_node;
typedef struct nb_iter nb_iter;
struct nb_resource; /* resource.h */

/* ## Node kinds */

typedef enum nb_node_type {
  NB_NODE_NONE = 0,
  /* Blocks */
  NB_NODE_DOCUMENT,   /**< root: blocks */
  NB_NODE_HEADING,    /**< level 2..6 in a read document (see
                           nb_doc_normalize_headings): inlines */
  NB_NODE_PARAGRAPH,  /**< inlines */
  NB_NODE_LIST,       /**< ordered?, start: items */
  NB_NODE_ITEM,       /**< blocks */
  NB_NODE_BLOCKQUOTE, /**< blocks */
  NB_NODE_CODE_BLOCK, /**< leaf: literal text, info = language */
  NB_NODE_TABLE,      /**< rows */
  NB_NODE_TABLE_ROW,  /**< header?: cells */
  NB_NODE_TABLE_CELL, /**< header?, align, colspan: blocks */
  NB_NODE_FIGURE,     /**< one IMAGE, then an optional CAPTION */
  NB_NODE_CAPTION,    /**< inlines */
  NB_NODE_RULE,       /**< leaf */
  /* Inlines */
  NB_NODE_TEXT,      /**< leaf: literal */
  NB_NODE_EMPH,      /**< inlines */
  NB_NODE_STRONG,    /**< inlines */
  NB_NODE_UNDERLINE, /**< inlines */
  NB_NODE_STRIKE,    /**< inlines */
  NB_NODE_CODE,      /**< leaf: literal */
  NB_NODE_LINK,      /**< url, title: inlines */
  NB_NODE_IMAGE,     /**< leaf: url, alt, title, resource once resolved */
  NB_NODE_LINEBREAK, /**< leaf: a hard line break */
  NB_NODE_SUP,       /**< inlines */
  NB_NODE_SUB,       /**< inlines */
  NB_NODE_RUBY,      /**< inlines, then one RUBY_TEXT */
  NB_NODE_RUBY_TEXT, /**< inlines: the annotation */

  NB_NODE_FIRST_BLOCK = NB_NODE_DOCUMENT,
  NB_NODE_LAST_BLOCK = NB_NODE_RULE,
  NB_NODE_FIRST_INLINE = NB_NODE_TEXT,
  NB_NODE_LAST_INLINE = NB_NODE_RUBY_TEXT
} nb_node_type;

typedef enum nb_align {
  NB_ALIGN_NONE = 0,
  NB_ALIGN_LEFT,
  NB_ALIGN_CENTER,
  NB_ALIGN_RIGHT
} nb_align;

/** Lower-case name of a node kind ("paragraph", "table_cell"). Static. */
NB_EXPORT const char *nb_node_type_name(nb_node_type type);
/** 1 when @p type is a block kind, 0 otherwise. */
NB_EXPORT int nb_node_type_is_block(nb_node_type type);
/** 1 when @p type is an inline kind, 0 otherwise. */
NB_EXPORT int nb_node_type_is_inline(nb_node_type type);
/** 1 when a node of kind @p parent may hold a child of kind @p child. */
NB_EXPORT int nb_node_can_contain(nb_node_type parent, nb_node_type child);

/* ## Documents */

/** A new empty document with a DOCUMENT root. Free with nb_doc_free().
 * Returns NULL when out of memory. */
NB_EXPORT nb_doc *nb_doc_new(void);
/** Free @p doc, its nodes and strings. NULL is fine. */
NB_EXPORT void nb_doc_free(nb_doc *doc);
/** The DOCUMENT root. Borrowed. */
NB_EXPORT nb_node *nb_doc_root(const nb_doc *doc);

/** Copy @p len bytes of @p s (len = (size_t)-1: up to NUL) into the
 * document's arena, NUL-terminated. Returns NULL on out of memory. */
NB_EXPORT char *nb_doc_strndup(nb_doc *doc, const char *s, size_t len);
/** Allocate @p size zeroed bytes in the arena. Freed with the document. */
NB_EXPORT void *nb_doc_alloc(nb_doc *doc, size_t size);

/* ## Metadata
 *
 * Free-form string metadata by key. Keys readers set: "title", "author"
 * (the first; all in the author list), "date" (the string as written),
 * "lang" (BCP 47), "source" (the article's URL), "guid" (a feed item's or
 * front matter's unique id), "headimg", "thumbnail", "description", "path"
 * (the input file), "id" (stable content id), plus any --metadata
 * KEY=VALUE. */

/** Set @p key to a copy of @p value (NULL removes it). 1 on success, 0 on
 * out of memory. */
NB_EXPORT int nb_doc_set_meta(nb_doc *doc, const char *key, const char *value);
/** Borrowed value of @p key, or NULL. */
NB_EXPORT const char *nb_doc_get_meta(const nb_doc *doc, const char *key);
/** Number of metadata entries, and the i-th key/value (borrowed), for
 * writers that copy all of them. */
NB_EXPORT size_t nb_doc_meta_count(const nb_doc *doc);
NB_EXPORT const char *nb_doc_meta_key(const nb_doc *doc, size_t i);
NB_EXPORT const char *nb_doc_meta_value(const nb_doc *doc, size_t i);

/** What messages call @p doc: its input file ("path"), else, for a
 * document that came from the network and has no file, its URL ("source",
 * else its feed's "feed"). Borrowed; NULL when it has none of them. */
NB_EXPORT const char *nb_doc_origin(const nb_doc *doc);

/** Categories, from general to specific, as in front matter. */
NB_EXPORT int nb_doc_add_category(nb_doc *doc, const char *name);
NB_EXPORT size_t nb_doc_category_count(const nb_doc *doc);
NB_EXPORT const char *nb_doc_category(const nb_doc *doc, size_t i);

/** The label to set above the headline (the kicker): "kicker" metadata
 * when set ("" for none), else the most specific category that is not a
 * generic route word ("分类", "标签", "最新", "latest"...) and does not
 * name the byline (an author), generic routes aside ("香港 01 - 标签" is
 * "香港 01"). Borrowed; NULL for none. */
NB_EXPORT const char *nb_doc_kicker(const nb_doc *doc);
/** The length of @p label without a trailing generic route segment
 * ("香港 01 - 标签" is "香港 01", 5 bytes): what the label names. 0 when
 * the whole label is a generic word ("分类"). */
NB_EXPORT size_t nb_label_stem(const char *label);

/** Authors in order. The first is also "author" metadata. */
NB_EXPORT int nb_doc_add_author(nb_doc *doc, const char *name);
NB_EXPORT size_t nb_doc_author_count(const nb_doc *doc);
NB_EXPORT const char *nb_doc_author(const nb_doc *doc, size_t i);

/** A parsed date. `utc` is seconds since the epoch in UTC; `tz_minutes` the
 * offset the date was written in (kept for display). */
typedef struct nb_date {
  int valid;      /**< 0 when there is no (parsable) date */
  int has_time;   /**< 0 for a bare YYYY-MM-DD */
  int has_tz;     /**< 0 when no zone was written (taken as UTC) */
  int tz_minutes; /**< offset east of UTC, e.g. +480 for +08:00 */
  int64_t utc;
} nb_date;

NB_EXPORT void nb_doc_set_date(nb_doc *doc, nb_date date);
NB_EXPORT nb_date nb_doc_get_date(const nb_doc *doc);

/** Parse RFC 2822 ("Wed, 10 Aug 2022 12:38:31 GMT"), ISO 8601
 * ("2022-08-10T12:38:31+08:00") and "YYYY-MM-DD[ HH:MM[:SS]]". Returns a date
 * with valid = 0 when @p s is none of these ("Invalid Date"). */
NB_EXPORT nb_date nb_date_parse(const char *s);
/** Write @p d as ISO 8601 in its own zone ("2022-08-10T12:38:31+08:00", or
 * "2022-08-10" without time) into @p buf. Returns @p buf. */
NB_EXPORT char *nb_date_format_iso(nb_date d, char *buf, size_t size);

/* ## Nodes */

/** A new unattached node owned by @p doc's arena. NULL on out of memory. */
NB_EXPORT nb_node *nb_node_new(nb_doc *doc, nb_node_type type);
/** Append @p child (unlinked first if attached) as @p parent's last child.
 * Returns 1, or 0 when @p parent cannot contain @p child (see
 * nb_node_can_contain); nothing changes then. */
NB_EXPORT int nb_node_append_child(nb_node *parent, nb_node *child);
/** Detach @p node like nb_node_unlink(), and with it the containers it
 * leaves empty: a paragraph, caption or inline holding nothing but white
 * space goes too, and a figure that loses its image keeps its caption as
 * a paragraph in its place. For what a reader or resolver decides not to
 * show (a decorative image). Does not free: the arena owns it. */
NB_EXPORT void nb_node_remove(nb_node *node);
/** Insert @p node before @p sibling, under the same parent. 1 or 0. */
NB_EXPORT int nb_node_insert_before(nb_node *sibling, nb_node *node);
/** Detach @p node (with its subtree) from its parent. Does not free: the
 * arena owns it. */
NB_EXPORT void nb_node_unlink(nb_node *node);

NB_EXPORT nb_node_type nb_node_get_type(const nb_node *node);
NB_EXPORT nb_doc *nb_node_get_doc(const nb_node *node);
NB_EXPORT nb_node *nb_node_parent(const nb_node *node);
NB_EXPORT nb_node *nb_node_first_child(const nb_node *node);
NB_EXPORT nb_node *nb_node_last_child(const nb_node *node);
NB_EXPORT nb_node *nb_node_next(const nb_node *node);
NB_EXPORT nb_node *nb_node_prev(const nb_node *node);

/** Source line (1-based; 0 unknown). */
NB_EXPORT int nb_node_get_line(const nb_node *node);
NB_EXPORT void nb_node_set_line(nb_node *node, int line);

/** Text of TEXT, CODE and CODE_BLOCK nodes (UTF-8, never NULL for those:
 * "" when empty; NULL for other kinds). */
NB_EXPORT const char *nb_node_get_literal(const nb_node *node);
NB_EXPORT size_t nb_node_get_literal_len(const nb_node *node);
/** Set the literal to a copy of @p len bytes of @p s. 1 or 0. */
NB_EXPORT int nb_node_set_literal(nb_node *node, const char *s, size_t len);
/** Append @p len bytes to the literal (readers joining text runs). The
 * buffer grows geometrically, so many appends stay linear. 1 or 0. */
NB_EXPORT int nb_node_append_literal(nb_node *node, const char *s,
                                     size_t len);

/** LINK and IMAGE: target URL as written. */
NB_EXPORT const char *nb_node_get_url(const nb_node *node);
NB_EXPORT int nb_node_set_url(nb_node *node, const char *url);
/** LINK and IMAGE: title attribute. */
NB_EXPORT const char *nb_node_get_title(const nb_node *node);
NB_EXPORT int nb_node_set_title(nb_node *node, const char *title);
/** IMAGE: alternative text. */
NB_EXPORT const char *nb_node_get_alt(const nb_node *node);
NB_EXPORT int nb_node_set_alt(nb_node *node, const char *alt);
/** IMAGE: the resolved resource (borrowed from the nb_resources that
 * resolved it), or NULL before resolution / when it could not be had. */
NB_EXPORT const struct nb_resource *nb_node_get_resource(const nb_node *node);
NB_EXPORT void nb_node_set_resource(nb_node *node,
                                    const struct nb_resource *res);
/** CODE_BLOCK: info string (language). */
NB_EXPORT const char *nb_node_get_info(const nb_node *node);
NB_EXPORT int nb_node_set_info(nb_node *node, const char *info);

/** HEADING: 1..6. Readers hand over documents whose body headings start at
 * 2 and never skip a level (nb_doc_normalize_headings): level 1 is the
 * article's title, which writers set above the body (h1, or h2 under a
 * book's section, the body then shifted one level down). */
NB_EXPORT int nb_node_get_heading_level(const nb_node *node);
NB_EXPORT int nb_node_set_heading_level(nb_node *node, int level);
/** LIST: ordered (1) or bullet (0), and the first number. */
NB_EXPORT int nb_node_get_list_ordered(const nb_node *node);
NB_EXPORT int nb_node_get_list_start(const nb_node *node);
NB_EXPORT int nb_node_set_list(nb_node *node, int ordered, int start);
/** TABLE_ROW and TABLE_CELL: header (1) or body (0). */
NB_EXPORT int nb_node_get_header(const nb_node *node);
NB_EXPORT int nb_node_set_header(nb_node *node, int header);
/** TABLE_CELL: alignment and column span (>= 1). */
NB_EXPORT nb_align nb_node_get_align(const nb_node *node);
NB_EXPORT int nb_node_set_align(nb_node *node, nb_align align);
NB_EXPORT int nb_node_get_colspan(const nb_node *node);
NB_EXPORT int nb_node_set_colspan(nb_node *node, int colspan);

/** A stable id for @p node inside its document ("h3" for the 3rd heading),
 * for anchors; NULL when the node has none. Set by writers or readers. */
NB_EXPORT const char *nb_node_get_id(const nb_node *node);
NB_EXPORT int nb_node_set_id(nb_node *node, const char *id);

/** Renumber the body's headings in document order so that the top level
 * is 2 and none is skipped: each heading goes one level below the nearest
 * earlier heading of a higher source level, or to 2 when there is none
 * (h2 h4 h4 h3 h2 becomes 2 3 3 3 2; a body whose first heading is h3 or
 * h1 starts at 2). Levels past 6 stay 6. The readers call it on every
 * document they make. */
NB_EXPORT void nb_doc_normalize_headings(nb_doc *doc);

/* ## Traversal */

typedef enum nb_event {
  NB_EVENT_NONE = 0,
  NB_EVENT_DONE,
  NB_EVENT_ENTER,
  NB_EVENT_EXIT
} nb_event;

/** An iterator over the subtree at @p root. Containers give ENTER then EXIT;
 * leaves (TEXT, CODE, CODE_BLOCK, IMAGE, LINEBREAK, RULE) give ENTER only.
 * Free with nb_iter_free(). NULL on out of memory. The tree must not be
 * changed while iterating except through nb_iter_reset(). */
NB_EXPORT nb_iter *nb_iter_new(nb_node *root);
NB_EXPORT void nb_iter_free(nb_iter *iter);
/** Advance; returns the event, NB_EVENT_DONE at the end. */
NB_EXPORT nb_event nb_iter_next(nb_iter *iter);
NB_EXPORT nb_node *nb_iter_node(const nb_iter *iter);
/** Continue from @p node as if @p event had just been returned for it
 * (EXIT skips a subtree). */
NB_EXPORT void nb_iter_reset(nb_iter *iter, nb_node *node, nb_event event);
/** 1 when a node kind is a leaf (no EXIT event). */
NB_EXPORT int nb_node_type_is_leaf(nb_node_type type);

/* ## Text helpers */

/** Concatenate the text of @p node's subtree (TEXT, CODE, CODE_BLOCK
 * literals, IMAGE alt) into a new malloc'd string the caller frees. */
NB_EXPORT char *nb_node_text(const nb_node *node);

/** Guess a BCP 47 language from UTF-8 text by script: "zh-CN" when Han
 * dominates, "ja" with kana, "ko" with Hangul, else "en". Static string. */
NB_EXPORT const char *nb_text_guess_lang(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
