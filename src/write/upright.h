/* The rule both writers use for numbers set upright in one cell (縦中横,
 * text-combine-upright) in vertical writing. Internal to the library. */
#ifndef NB_WRITE_UPRIGHT_H
#define NB_WRITE_UPRIGHT_H

#include <stddef.h>

/** 1 when the digits s[a, b) of @p s (@p n bytes) are a number to set
 * upright in one cell: one to three of them, not part of a word ("5G",
 * "H264") or of a longer number ("3.14", "1,000", "10:30"), whose digits
 * lie sideways with the Latin text around them. */
int nb_upright_number(const char *s, size_t n, size_t a, size_t b);

#endif
