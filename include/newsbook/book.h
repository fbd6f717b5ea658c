/* A book: documents grouped into sections, with book-level metadata, a cover
 * and the resource set their images were resolved in. Writers take a book;
 * a single article is a book of one untitled section with one document. */
#ifndef NEWSBOOK_BOOK_H
#define NEWSBOOK_BOOK_H

#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "export.h"
#include "resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nb_book nb_book;

/** A new empty book. Free with nb_book_free(). NULL on out of memory. */
NB_EXPORT nb_book *nb_book_new(void);
/** Free the book and every document it owns. Does not free the resource
 * set (borrowed). NULL is fine. */
NB_EXPORT void nb_book_free(nb_book *book);

/** Book metadata by key: "title", "author", "lang", "date" (ISO), "id",
 * "subject", "description", "publisher". Copies; NULL removes. 1 or 0. */
NB_EXPORT int nb_book_set_meta(nb_book *book, const char *key,
                               const char *value);
NB_EXPORT const char *nb_book_get_meta(const nb_book *book, const char *key);

/** Start a new section; later documents go into it. @p title may be NULL
 * (an untitled section: its documents are top-level chapters). 1 or 0. */
NB_EXPORT int nb_book_add_section(nb_book *book, const char *title);
/** Append @p doc to the last section (creating an untitled one when there
 * is none); the book takes ownership. 1, or 0 on out of memory (then the
 * caller still owns @p doc). */
NB_EXPORT int nb_book_add_doc(nb_book *book, nb_doc *doc);

NB_EXPORT size_t nb_book_section_count(const nb_book *book);
/** Title of section @p i, or NULL for an untitled one. Borrowed. */
NB_EXPORT const char *nb_book_section_title(const nb_book *book, size_t i);
NB_EXPORT size_t nb_book_section_doc_count(const nb_book *book, size_t i);
NB_EXPORT nb_doc *nb_book_section_doc(const nb_book *book, size_t i,
                                      size_t j);
/** All documents in reading order. */
NB_EXPORT size_t nb_book_doc_count(const nb_book *book);
NB_EXPORT nb_doc *nb_book_doc(const nb_book *book, size_t k);
/** Remove the @p k-th document (reading order) and free it; a section it
 * leaves empty goes too. For articles dropped after assembly (over their
 * time budget). 1, or 0 when there is no such document. */
NB_EXPORT int nb_book_remove_doc(nb_book *book, size_t k);
/** A book holding the documents of @p book whose entry in @p part_of
 * (one per document, in reading order) is @p part, each in its section (a
 * section's title is repeated in every part it reaches), with @p book's
 * metadata, cover and resource set: one volume of a book too large for
 * one file (see nb_volume_plan). The documents are borrowed: freeing the
 * part does not free them, so @p book must outlive it; removing one from
 * the part does not free it either. NULL on out of memory. */
NB_EXPORT nb_book *nb_book_new_part(const nb_book *book, const size_t *part_of,
                                    size_t part);
/** 1 when any section has a title (writers then nest section → article). */
NB_EXPORT int nb_book_has_sections(const nb_book *book);

/** The cover image (borrowed from the resource set), or NULL for none. */
NB_EXPORT void nb_book_set_cover(nb_book *book, const nb_resource *cover);
NB_EXPORT const nb_resource *nb_book_get_cover(const nb_book *book);
/** The resource set images were resolved in (borrowed; may be NULL). */
NB_EXPORT void nb_book_set_resources(nb_book *book, nb_resources *set);
NB_EXPORT nb_resources *nb_book_get_resources(const nb_book *book);

/** The oldest and newest valid article dates of @p book (either pointer may
 * be NULL). Returns 1, or 0 with both zeroed when no article is dated. */
NB_EXPORT int nb_book_date_range(const nb_book *book, nb_date *oldest,
                                 nb_date *newest);

/** Fill in what the caller did not set: title (the first document's),
 * author, lang (the first document's, else guessed from its text), date
 * (the newest document's, or SOURCE_DATE_EPOCH), and a stable "id" derived
 * from the content of every document. Call once before writing. */
NB_EXPORT void nb_book_finish(nb_book *book);


/* ## Assembling a book from many documents */

typedef enum nb_order {
  NB_ORDER_INPUT = 0, /**< as given */
  NB_ORDER_NEWEST,    /**< newest first (undated last) */
  NB_ORDER_OLDEST     /**< oldest first (undated last) */
} nb_order;

typedef enum nb_group_by {
  NB_GROUP_AUTO = 0, /**< sub-category below --category, else none */
  NB_GROUP_NONE,
  NB_GROUP_CATEGORY, /**< the most specific category (or the one below
                          the selected category) */
  NB_GROUP_DAY,
  NB_GROUP_MONTH
} nb_group_by;

typedef struct nb_select_options {
  int abi_version;      /**< NB_SELECT_ABI_VERSION */
  const char *category; /**< keep documents with this category at any
                             level, or a path "金融/财联社"; NULL: all */
  nb_date since, until; /**< inclusive bounds when valid */
  long limit;           /**< keep at most this many (after ordering); 0 all */
  nb_order order;
  nb_group_by group_by;
  int dedupe;           /**< kept for compatibility, no longer read: a book
                             holds an article once whatever the selection
                             (same source URL, same GUID, or same title,
                             date and text: see nb_book_assemble) */
} nb_select_options;

#define NB_SELECT_ABI_VERSION 1

/** 1 when @p doc passes the category and date filters of @p opts. Cheap:
 * only metadata is read, so it can run on front matter alone. */
NB_EXPORT int nb_select_match(const nb_doc *doc,
                              const nb_select_options *opts);

/** Filter, dedupe, order, limit and group @p docs into @p book. Takes
 * ownership of every document in @p docs (dropped ones are freed; the array
 * itself stays the caller's). An article is kept once: a later document
 * with the same source URL (scheme, fragment and trailing slash aside),
 * the same "guid", or the same title (quotes around it aside), date and
 * body text is dropped. Returns the number of documents kept, or -1 on
 * out of memory. @p diag hears about dropped duplicates. */
NB_EXPORT long nb_book_assemble(nb_book *book, nb_doc **docs, size_t n,
                                const nb_select_options *opts,
                                const nb_diag *diag);

/* ## Generated covers */

/** Draw a cover for @p book with Cairo and Pango: the book title (large,
 * wrapped), the date range of its articles, the first headlines and the
 * lead image of the first article that has a usable one, on a 1600×2400
 * portrait canvas. Same book, same bytes (no timestamps).
 *
 * On success *@p out is a malloc'd PNG or JPEG (a JPEG only when a photo
 * is on it and the JPEG encoder is available) that the caller frees,
 * *@p size its length and *@p media_type a static "image/png" or
 * "image/jpeg". Returns 0, or a negative nb_code with @p err filled. The
 * book is not changed, so a writer holding a const book may call it. */
NB_EXPORT int nb_book_render_cover(const nb_book *book, unsigned char **out,
                                   size_t *size, const char **media_type,
                                   nb_error *err);

/** Render a cover (nb_book_render_cover), add it to the book's resource
 * set with nb_resources_add_bytes and make it the book's cover. Call after
 * the documents' images are resolved (the lead image is looked up in the
 * set) and after metadata is set (the title is drawn). Returns 0, or a
 * negative nb_code: NB_ERR_ARGUMENT when the book has no resource set,
 * NB_ERR_SYSTEM when the set refused the bytes. The book's cover is only
 * changed on success. */
NB_EXPORT int nb_book_generate_cover(nb_book *book, nb_error *err);

#ifdef __cplusplus
}
#endif
#endif
