/* The small CSS reader: the subset of CSS a theme file uses for print.
 *
 * It reads rules (element, .class, element.class, descendant and child
 * combinators, selector lists), declarations with !important, and @page.
 * Everything else (unknown properties, @media, pseudo-classes, attribute
 * selectors, malformed input) is skipped without error: a theme never makes
 * a conversion fail. It computes styles for a chain of (element, class)
 * pairs with the cascade's specificity and source order and CSS inheritance.
 *
 * It deliberately does not do layout, counters, generated content, or
 * anything that depends on a box tree. Internal to the library. */
#ifndef NB_STYLE_CSS_H
#define NB_STYLE_CSS_H

#include <stddef.h>
#include <stdint.h>

typedef struct nb_css nb_css;

typedef enum nb_text_align {
  NB_TA_LEFT = 0,
  NB_TA_RIGHT,
  NB_TA_CENTER,
  NB_TA_JUSTIFY
} nb_text_align;

typedef enum nb_break {
  NB_BREAK_AUTO = 0,
  NB_BREAK_AVOID,
  NB_BREAK_ALWAYS
} nb_break;

typedef enum nb_border_style {
  NB_BORDER_NONE = 0,
  NB_BORDER_SOLID,
  NB_BORDER_DASHED,
  NB_BORDER_DOTTED
} nb_border_style;

/** Sides, in CSS shorthand order. */
enum { NB_TOP = 0, NB_RIGHT = 1, NB_BOTTOM = 2, NB_LEFT = 3 };

/** A computed style. Lengths are in points. */
typedef struct nb_style {
  char font_family[256]; /**< comma-separated family list, no quotes */
  double font_size;
  int bold, italic;
  double line_height; /**< a multiple of font_size */
  double text_indent;
  nb_text_align text_align;
  uint32_t color; /**< 0xRRGGBB */
  int has_background;
  uint32_t background;
  double margin[4];
  double margin_pct[4]; /**< fraction of the containing width (0: none) */
  double padding[4];
  double border_width[4];
  nb_border_style border_style[4];
  uint32_t border_color[4];
  nb_break break_before, break_after, break_inside;
  int widows, orphans;
  int underline, strike;
  int pre;                /**< white-space: pre / pre-wrap */
  int hyphens;            /**< 1: `hyphens: auto` (break words by the language's
                               patterns); 0: manual or none */
  double cjk_latin_space; /**< em of space between Han/kana and Latin
                               letters or digits: `text-autospace` (none:
                               0, else 0.25) or the theme's
                               `-newsbook-cjk-latin-space` length */
  int heading;  /**< set by the PDF writer for headings and titles: their
                     lines are spread to the margin only when nearly full */
  int vertical; /**< `writing-mode` (or its -epub-/-webkit- forms) is
                     vertical-rl or vertical-lr; inherited */
  int upright;  /**< set by the PDF writer: text laid out in horizontal
                     lines even in a vertical book (code, table cells) */
  double root_font_size; /**< for rem */
} nb_style;

/** One element in the chain a style is computed for. @p cls may be NULL and
 * may hold several space-separated classes. */
typedef struct nb_css_node {
  const char *name;
  const char *cls;
} nb_css_node;

/** The @page rule. Zero sizes mean "not given". */
typedef struct nb_css_page {
  double width, height; /**< points */
  int has_margin;
  double margin[4];
} nb_css_page;

/** Parse @p len bytes of CSS (NUL bytes and invalid UTF-8 are tolerated).
 * Never fails on content; returns NULL only when out of memory. Free with
 * nb_css_free(). */
nb_css *nb_css_parse(const char *text, size_t len);
/** Free @p css. NULL is fine. */
void nb_css_free(nb_css *css);
/** Number of rules kept (for tests). */
size_t nb_css_rule_count(const nb_css *css);

/** The initial style (before any rule): 12pt serif, black, left. */
void nb_style_init(nb_style *s);

/** Compute the style of the last element of @p chain (@p depth >= 1,
 * root first) given its parent's computed style @p parent (NULL: the
 * initial style). @p css may be NULL (only inheritance happens). */
void nb_css_compute(const nb_css *css, const nb_css_node *chain, size_t depth,
                    const nb_style *parent, nb_style *out);

/** Fill @p out from the @p css's @page rules (zeros when absent). */
void nb_css_get_page(const nb_css *css, nb_css_page *out);

/** Apply one declaration (@p prop lower-case, @p value as written) to
 * @p s. @p parent_size is what em means for font-size; every other em is
 * @p s's own font size, so apply font-size first. Unknown properties and
 * values are ignored. */
void nb_css_apply(nb_style *s, const char *prop, const char *value,
                  double parent_size);

/** Parse a CSS length such as "12pt", "1.5em", "20mm", "0". @p em is the
 * font size in points that em refers to. 1 on success, 0 when @p s is not
 * a length (percentages are not lengths here). */
int nb_css_length(const char *s, double em, double *pt);

/** Parse a page size: "A4", "A5", "B5", "Letter", "Legal", "WxHmm" (or
 * two CSS lengths "210mm 297mm"), optionally followed by "landscape". 1 on
 * success with width/height in points, else 0. */
int nb_css_page_size(const char *s, double *width, double *height);

/** Parse a margin shorthand ("20mm", "20mm 15mm", 1-4 lengths) into
 * top/right/bottom/left points. 1 or 0. */
int nb_css_margins(const char *s, double em, double out[4]);

#endif
