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

/* ## Source passes before parsing (html_code.c) */

/** A copy of @p html whose tags keep at most NB_MAX_ATTRS attributes (the
 * rest dropped: we use a handful at most; libxml2 checks each attribute
 * against all earlier ones, so 100,000 take minutes); @p dropped gets how
 * many tags lost some. NULL when no tag needs it, or on out of memory. */
#define NB_MAX_ATTRS 256
char *nb_read__html_cap_attributes(const char *html, size_t len,
                                   size_t *out_len, size_t *dropped);

/* ## Element predicates (html_elems.c) */

/** 1 when an attribute of @p el is a template's (v-model, :value, @input). */
int nb_read__template_attrs(const xmlNode *el);
/** 1 when the <select> @p el holds an <option> (in an <optgroup> too). */
int nb_read__has_option(const xmlNode *el);
/** 1 when @p el is tags the author wrote as words: a <title> in the body,
 * a <template> holding only text ("写在 <template> 和 </template> 之间"). */
int nb_read__tag_words(const xmlNode *el);
/** 1 for a MathJax <script type="math/tex">: its TeX is the author's. */
int nb_read__math_script(const xmlNode *el);

/* ## Stand-ins and descriptions (html_media.c) */

/** The marker text when @p el holds nothing but a LeetCode slideshow marker
 * ("!?!PATH:W,H!?!"), else NULL (borrowed; *len is its length without
 * surrounding white space). */
const char *nb_read__slideshow_marker(const xmlNode *el, size_t *len);

/** What an embedded frame or media element is. */
typedef struct nb_read_embed {
  const char *url;   /**< what it plays or shows, borrowed; or NULL */
  const char *title; /**< its title or aria-label, borrowed; or NULL */
  const char *what;  /**< "Video", "Audio", "Map", "Embedded page",
                          "Embedded object" (static) */
  int fallback_text; /**< an <object> whose fallback is text: that text is
                          what it shows, no placeholder */
  int hidden;        /**< hidden or pixel-sized: an ad or tracker */
} nb_read_embed;

/** Fill @p e for the iframe, video, audio, embed or object @p el. 0 when
 * it stands for nothing (neither a URL nor a title). */
int nb_read__embed_info(const xmlNode *el, nb_read_embed *e);
/** A figure standing for embed @p e (of element @p el, on input line
 * @p line): an image without a source whose alt says what it was and its
 * title, and, when it has a link a reader may follow (http(s) or
 * relative), a caption with that link (*link gets it, borrowed from the
 * model). NULL on out of memory. */
nb_node *nb_read__embed_figure(nb_doc *doc, const xmlNode *el,
                               const nb_read_embed *e, int line,
                               const char **link);

/** 1 when @p alt describes nothing: none, "image", "图片", "img_2", a file
 * name, the URL (@p url) or its last segment. */
int nb_read__alt_meaningless(const char *alt, const char *url);
/** A short description for @p img from what is around it: its figure's
 * caption, else its paragraph's own text, else the block before it, else
 * the one after; the first sentence or clause, at most 50 characters.
 * malloc'd, or NULL when there is none. */
char *nb_read__describe_image(nb_node *img);

#endif
