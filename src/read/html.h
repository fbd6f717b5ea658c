/* The HTML reader's vocabulary: what each element means, and which URL an
 * <img> stands for. Private to src/read/. */
#ifndef NB_READ_HTML_H
#define NB_READ_HTML_H

#include <libxml/tree.h>

#include "newsbook/doc.h"

typedef enum nb_html_kind {
  NB_HTML_TRANSPARENT = 0, /* span, font, unknown: only their content counts */
  NB_HTML_SKIP,            /* chrome: dropped with everything inside */
  NB_HTML_SOFT,            /* div & co: a block boundary, no node of its own */
  NB_HTML_PARA,
  NB_HTML_HEADING,
  NB_HTML_QUOTE,
  NB_HTML_LIST,
  NB_HTML_ITEM,
  NB_HTML_PRE,
  NB_HTML_TABLE,
  NB_HTML_THEAD,
  NB_HTML_ROW,
  NB_HTML_CELL,
  NB_HTML_TCAPTION,
  NB_HTML_FIGURE,
  NB_HTML_FIGCAPTION,
  NB_HTML_HR,
  NB_HTML_BR,
  NB_HTML_IMG,
  NB_HTML_CONTROL, /* input, select, option: what they show is kept */
  NB_HTML_EMBED,   /* iframe, video, audio, embed, object: a placeholder */
  NB_HTML_INLINE
} nb_html_kind;

/** What element @p el does and, for NB_HTML_INLINE, the node kind it makes.
 * Unknown elements are NB_HTML_TRANSPARENT. */
nb_html_kind nb_read__html_kind(const xmlNode *el, nb_node_type *type);

/** Attribute @p name of @p el (case-insensitive), borrowed, or NULL. */
const char *nb_read__attr(const xmlNode *el, const char *name);
/** An integer attribute clamped to [lo, hi], or @p def. */
int nb_read__int_attr(const xmlNode *el, const char *name, int def, int lo,
                      int hi);
/** Cell alignment from align= or style="text-align:" (the style wins;
 * any case, -webkit- and -moz- values, start/end), else the row's, else
 * the row group's. */
nb_align nb_read__align(const xmlNode *el);
/** Set @p cb's info from class="language-x" / "lang-x" unless set. */
void nb_read__code_lang(nb_node *cb, const xmlNode *el);
/** 1 for a width or height of 2 or less: a tracking pixel or a spacer. */
int nb_read__tiny(const char *v);
/** 1 when @p el hides its content: the hidden attribute,
 * aria-hidden="true", or an inline display:none / visibility:hidden. */
int nb_read__hidden(const xmlNode *el);
/** 1 when @p table lays text out rather than holding data: role
 * presentation, one column (a one-cell box included), or a cell holding a
 * heading or another table; never with th, thead, tfoot, caption, col or a
 * summary. Its rows and cells are then read as blocks. */
int nb_read__layout_table(const xmlNode *table);
/** 1 when @p el is a page control, chrome by what it is: it holds nothing
 * but a control's label ("复制代码", "展开全文", "Share"), or it is a share
 * link or a share bar. */
int nb_read__page_control(const xmlNode *el);
/** The start tag of @p el as text ("<select name=\"x\">"), for a tag
 * the author wrote as a word; malloc'd or NULL. */
char *nb_read__tag_text(const xmlNode *el);
/** The URL an <img> shows: src, lazy-loading attributes, srcset, an
 * enclosing <picture>. malloc'd, or NULL for none. */
char *nb_read__img_src(const xmlNode *el);
/** The text of <head><title> below @p html, white space collapsed;
 * malloc'd or NULL. */
char *nb_read__head_title(const xmlNode *html);
/** A copy of @p html in which the opening tag of a raw-text element
 * (script, style, textarea, title...) that is never closed after it is
 * escaped as text: the author named the tag in prose (html_code.c);
 * @p count gets how many. NULL when none is, or on out of memory (then
 * @p count is 0 too). */
char *nb_read__html_unclosed_tags(const char *html, size_t len,
                                  size_t *out_len, size_t *count);
/** A copy of @p html in which every tag, comment and declaration inside
 * <pre> and a closed <code> that is not a highlighter's inline markup is
 * escaped as text (#include <stdio.h>, List<String>, an HTML sample's
 * <div id="app">), and so is the content of <textarea> and <xmp>
 * (html_code.c); @p count gets how many. NULL when none is, or on out of
 * memory (then @p count is 0 too). */
char *nb_read__html_code_tags(const char *html, size_t len, size_t *out_len,
                              size_t *count);

#endif
