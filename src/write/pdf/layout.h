/* The PDF writer's layout: a document becomes a flat list of items (lines,
 * spaces, images, rules, table rows, structure tags, destinations), each
 * with its height and horizontal position inside the text block. The
 * paginator (paginate.c) then assigns items to pages, honouring keeps,
 * widows and orphans, and draws them through a device.
 *
 * Vertical writing (nb_pdf.vertical) uses the same items in logical
 * terms: "horizontal" is along a column (physically down) and "vertical"
 * across columns (physically right to left), so the text block's logical
 * width is its physical height and the paginator turns every box a
 * quarter turn when it draws it. Code and tables stay horizontal there:
 * they are laid out in a flow of their own (IT_BLOCK). Internal. */
#ifndef NB_PDF_LAYOUT_H
#define NB_PDF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <pango/pango.h>

#include "newsbook/book.h"
#include "newsbook/doc.h"
#include "newsbook/error.h"
#include "newsbook/resource.h"
#include "style/css.h"
#include "util/util.h"
#include "write/pdf/device.h"

typedef enum item_kind {
  IT_SPACE = 0, /* vertical space, dropped at a page top */
  IT_LINE,      /* one line of a text block */
  IT_IMAGE,     /* an image (or its placeholder when res is NULL/not OK) */
  IT_RULE,      /* a horizontal rule at the item's middle */
  IT_ROW,       /* a table row, unsplittable */
  IT_BREAK,     /* a forced page break */
  IT_TAG,       /* begin a structure tag */
  IT_ENDTAG,    /* end it */
  IT_DEST,      /* a named destination */
  IT_OUTLINE,   /* an outline entry */
  IT_BLOCK      /* vertical writing: one page's worth of a horizontal flow
                   (code, a table) set upright in the columns */
} item_kind;

/* A decoration of an enclosing block, repeated on every item inside it so
 * that a block split across pages is decorated on both. */
typedef struct nb_deco {
  double x, w; /* relative to the text block's left edge */
  uint32_t rgb;
  int bar; /* 1: a left bar of width w; 0: a background fill */
} nb_deco;

#define NB_MAX_DECOS 4

typedef struct nb_link {
  int start, end; /* byte range in the layout's text */
  char *uri;      /* malloc'd; "#dest" links are internal */
} nb_link;

/* A text block laid out by Pango; items of kind IT_LINE point into it. */
typedef struct nb_para {
  PangoLayout *layout;
  nb_link *links;
  size_t nlinks;
  uint32_t color;
} nb_para;

typedef struct nb_cell {
  nb_para *para;
  double x, w; /* the cell box, relative to the table's left */
  double pad[4];
  int header;
  nb_text_align align;
} nb_cell;

typedef struct nb_row {
  nb_cell *cells;
  size_t ncells;
  int header;
  uint32_t border, header_bg;
  int has_header_bg;
  double border_w;
} nb_row;

/* A flow holds one of these for every line, space, tag... of a book until
 * the book is drawn: what only one kind of item needs shares its room
 * with what the others need (anonymous unions: read a field only for its
 * kind), and the fields are ordered so that none is padded. */
typedef struct nb_item {
  item_kind kind;
  int keep_next;        /* never break between this item and the next */
  double h;             /* vertical advance */
  double x, w;          /* horizontal box, relative to the text block's left */
  const nb_deco *decos; /* ndecos of them (owned by the flow, shared by
                           the items of a block: see nb_item_decos) */
  int ndecos;
  int level;  /* IT_OUTLINE */
  char *text; /* owned: IT_IMAGE and IT_TAG, the text alternative;
                 IT_DEST, the name; IT_OUTLINE, the title */
  /* IT_LINE and IT_IMAGE: a list marker drawn beside the item */
  nb_para *marker;
  double marker_x;
  union {
    struct {           /* IT_SPACE */
      int keep_at_top; /* stays at a page top (padding) */
      int break_ok;    /* a good place for a page break */
    };
    struct { /* IT_LINE */
      nb_para *para;
      int line_no, nlines, widows, orphans;
      double base; /* baseline, from the item's top */
    };
    struct { /* IT_IMAGE */
      const nb_resource *res;
      nb_para *alt; /* placeholder text */
    };
    struct { /* IT_RULE */
      uint32_t rgb;
      int dash;
      double rule_w;
    };
    struct { /* IT_ROW */
      nb_row *row;
      long header_item; /* the table's header row to repeat, or -1 */
    };
    struct { /* IT_TAG / IT_ENDTAG */
      const char *tag;
      const char *lang; /* IT_TAG: a passage's language (borrowed, static
                           or the document's), or NULL */
    };
    struct { /* IT_BLOCK: the flow (owned by the enclosing flow)
                and its page */
      struct nb_flow *sub;
      int sub_page;
    };
  };
} nb_item;

/* Everything shared while laying out one output file. */
typedef struct nb_pdf {
  const nb_diag *diag;
  nb_css *css;
  PangoFontMap *fm;
  PangoContext *ctx;  /* horizontal lines */
  PangoContext *vctx; /* vertical lines (upright CJK, sideways Latin), or
                         NULL when the book is horizontal */
  int vertical;       /* vertical writing: columns right to left, pages
                         turning right to left */
  double page_w, page_h;
  double margin[4];
  int duplex;
  int image_dpi;
  double text_w, text_h; /* the text block, logical: in vertical writing
                            text_w is a column's length (the block's
                            height) and text_h the block's width */
  nb_style body;         /* body's computed style */
  nb_style code_inline;  /* code inside a paragraph */
  uint32_t link_color;
  /* the running header laid out for the last page that had one: most
   * pages of a book repeat it (owned; freed by nb_pdf_render) */
  PangoLayout *header_layout;
  char *header_text;
  /* missing glyphs of the current article */
  const char *article;       /* its path or title, for messages */
  int cjk_article;           /* its language is Chinese, Japanese or Korean */
  const char *cjk_variant;   /* "SC", "TC", "HK", "JP", "KR": the region of
                                the Noto / Source Han CJK faces it takes */
  char cjk_emph_family[256]; /* the face <em> takes in such an article */
  const char *book_lang;     /* the document's language (the catalog's) */
  const char *article_lang;  /* the current article's, or NULL */
  int heading_shift;         /* 1 under a book's sections: the title is H2 */
  nb_buf missing;
  size_t nmissing;
  /* hyphenation patterns of the current article's language (borrowed,
   * see nb_hyphen_load) */
  struct nb_hyph *hyph;
  char hyph_lang[32];
} nb_pdf;

/* One article's (or front page's) items. */
typedef struct nb_flow {
  nb_pdf *pdf;
  nb_item *items;
  size_t n, cap;
  nb_para **paras;
  size_t np, capp;
  nb_row **rows;
  size_t nr, capr;
  double pending_space;
  nb_para *marker; /* a list marker waiting for its item's first line */
  double marker_x;
  int heading_seq;
  int para_seq;
  int failed; /* out of memory */
  /* where its items fall on pages, once paginated (paginate.c; owned) */
  struct nb_pages *pages;
  /* horizontal flows set upright in a vertical one (IT_BLOCK; owned) */
  struct nb_flow **subs;
  size_t nsubs, capsubs;
  /* the decorations items point to (owned), one array per block */
  nb_deco **decos;
  size_t ndecos, capdecos;
  int last_ndecos; /* how many the last array has */
} nb_flow;

void nb_flow_init(nb_flow *f, nb_pdf *pdf);
void nb_flow_free(nb_flow *f);
/** Give back the spare room of @p f's arrays (a flow kept for drawing
 * while the rest of a book is laid out); it may still grow after. */
void nb_flow_trim(nb_flow *f);
/** About how many bytes @p f holds, its Pango layouts included (some 90
 * bytes a character: glyphs, clusters, attributes, lines). */
size_t nb_flow_bytes(const nb_flow *f);
/** Append an item (copied); returns it or NULL on out of memory. */
nb_item *nb_flow_add(nb_flow *f, const nb_item *it);
/** Give @p it the @p ndecos decorations @p decos (copied into @p f, shared
 * with the items before it that have the same). */
void nb_item_decos(nb_flow *f, nb_item *it, const nb_deco *decos, int ndecos);
/** Vertical space with CSS margin collapsing. */
void nb_flow_space(nb_flow *f, double top);
void nb_flow_tag(nb_flow *f, const char *tag, const char *alt, int end);

/** Style of an element chain (root first) with the body as parent. In
 * vertical writing its margins, padding and borders are turned into the
 * logical sides (top: the physical right, left: the physical top...), as
 * CSS maps a vertical-rl box, except for what is laid out upright
 * (st->upright, inherited), whose padding and borders stay physical. */
void nb_pdf_style(nb_pdf *pdf, const nb_css_node *chain, size_t n,
                  const nb_style *parent, nb_style *out);
/** nb_pdf_style for an element laid out in horizontal lines even in a
 * vertical book (pre, table): @p out gets upright = 1. */
void nb_pdf_style_upright(nb_pdf *pdf, const nb_css_node *chain, size_t n,
                          const nb_style *parent, nb_style *out);
/** Turn the physical box sides of @p st into a vertical-rl box's logical
 * ones (@p all: margins, padding and borders; else margins only). */
void nb_pdf_style_logical(nb_style *st, int all);

/** A new empty flow owned by @p f, for a block set upright in vertical
 * writing; NULL (and f->failed) when out of memory. */
nb_flow *nb_flow_sub(nb_flow *f);
/** Lay out horizontal flow @p sub (built at @p width points wide) in
 * pages @p avail high and add one IT_BLOCK per page to @p f at @p x.
 * The blocks keep together with what follows when @p keep_next. */
void nb_flow_add_blocks(nb_flow *f, nb_flow *sub, double x, double avail,
                        const nb_deco *decos, int ndecos, int keep_next);

/** Lay out @p text (with @p attrs, may be NULL; consumed) in @p st at
 * @p width, justified as the style asks, with kinsoku fixed. @p links
 * (may be NULL) is taken over. Returns a paragraph owned by @p f. */
nb_para *nb_flow_text(nb_flow *f, const nb_style *st, nb_buf *text,
                      PangoAttrList *attrs, nb_link *links, size_t nlinks,
                      double width, int justify_ok);

/** Add a paragraph's lines as items at horizontal offset @p x. */
void nb_flow_lines(nb_flow *f, nb_para *p, const nb_style *st, double x,
                   double width, const nb_deco *decos, int ndecos,
                   int keep_next);

/** Hand the pending list marker (if any) to @p it. */
void nb_flow_take_marker(nb_flow *f, nb_item *it);
/** An image (or, for a missing one, a placeholder box with @p alt) fitted
 * to @p width and the page height, centred, inside a Figure tag. @p url
 * is the image's address: an embed the reader left without one (a video,
 * a frame) has an @p alt that says what it was by itself. */
void nb_flow_image(nb_flow *f, const nb_resource *res, const char *url,
                   const char *alt, double x, double width,
                   const nb_deco *decos, int ndecos, int keep_next);

/** Lay out a whole document's body (the title block is separate). */
void nb_layout_doc(nb_flow *f, nb_doc *doc);
/** The article title block: title, author, date, source. */
void nb_layout_title_block(nb_flow *f, nb_doc *doc, const char *dest);

/** One line of a book's printed contents. */
typedef struct nb_toc_entry {
  const char *title;
  int level; /**< 0 section, 1 article */
  int page;  /**< printed (= physical) page */
  int doc;   /**< article index, or -1 */
} nb_toc_entry;

/** A book's title page: title, author, the dates it covers (front.c). */
void nb_layout_title_page(nb_flow *f, const nb_book *book);
/** A book's printed table of contents, @p n entries (front.c). */
void nb_layout_toc(nb_flow *f, const nb_toc_entry *e, size_t n);

/** The text of @p node's subtree as one string with attributes (blocks
 * separated by line separators, images by their alt text), for table
 * cells. @p text and @p attrs become the caller's. */
void nb_flow_gather(nb_flow *f, nb_node *node, nb_buf *text,
                    PangoAttrList **attrs);

/** Lay out a TABLE node into row items at @p x / @p width. */
void nb_layout_table(nb_flow *f, nb_node *table, double x, double width,
                     const nb_style *parent, const nb_deco *decos, int ndecos);

/** Font description for a style (caller frees), its CJK faces those of
 * the current article's language (see nb_pdf_cjk_variant). */
PangoFontDescription *nb_pdf_font(const nb_pdf *pdf, const nb_style *st);
/** The region variant of CJK faces for language @p lang (BCP 47): "JP",
 * "KR", "TC" (zh-Hant, zh-TW, zh-MO), "HK" (zh-HK) or "SC". Han characters
 * take different shapes in each, as their readers expect. */
const char *nb_pdf_cjk_variant(const char *lang);
/** @p families (a CSS font-family list) with its Simplified Chinese Noto
 * and Source Han faces ("Noto Serif CJK SC") changed to @p variant's. */
void nb_pdf_families(const char *families, const char *variant, char *out,
                     size_t size);

/* ## Pagination and drawing (paginate.c) */

typedef struct nb_page_ctx {
  nb_dev *dev;         /* NULL: count pages only */
  int first_page;      /* 1-based number of the flow's first page */
  const char *header;  /* running header text, or NULL */
  int number_offset;   /* printed number = page - number_offset */
  int roman;           /* print roman numbers (front matter) */
  int no_header_first; /* no running header on the flow's first page */
  int outline_parent;  /* outline id the flow's entries go under */
  int no_furniture;    /* no running header or page number (cover) */
} nb_page_ctx;

/** Paginate @p f (once: a flow keeps its pages) and, with a device, draw
 * it. Returns the number of pages, or -1 when out of memory. */
int nb_flow_render(nb_flow *f, nb_page_ctx *pc);
/** Free a flow's pagination (NULL is fine). */
void nb_flow_pages_free(struct nb_pages *pg);

/** Report characters no font had, collected while laying out. */
void nb_pdf_report_missing(nb_pdf *pdf);

#endif
