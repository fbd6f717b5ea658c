/* Private to src/acquire/: option defaults and the pieces acquire.c and
 * fulltext.c share. Not public API. */
#ifndef NB_ACQUIRE_INTERNAL_H
#define NB_ACQUIRE_INTERNAL_H

#include "newsbook/acquire.h"

#define NB_ACQUIRE_SHORT_TEXT 500
#define NB_ACQUIRE_MAX_PER_HOST 4

/** @p opt with every default filled in (a NULL @p opt gives all defaults);
 * net and read stay NULL when not given (their users default them). */
nb_acquire_options nb__acquire_options(const nb_acquire_options *opt);

/** How much text @p doc holds: characters that are not white space, CJK
 * characters counting two. */
size_t nb__acquire_text_weight(const nb_doc *doc);

#endif
