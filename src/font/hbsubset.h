/* HarfBuzz's subsetter, loaded at run time (hbsubset.c): libharfbuzz-subset
 * is an optional library, and without it the writers still work (the PDF
 * writer draws through Cairo's own subsetter, the EPUB writer embeds no
 * fonts). Shared by the PDF writer's glyph subsets and the EPUB writer's
 * embedded fonts. Internal to the library. */
#ifndef NB_FONT_HBSUBSET_H
#define NB_FONT_HBSUBSET_H

#include <hb-subset.h>
#include <hb.h>

/* The entry points the writers use, as function pointers. */
typedef struct nb_hb_subset_api {
  hb_subset_input_t *(*input_create)(void);
  void (*input_destroy)(hb_subset_input_t *input);
  hb_set_t *(*glyph_set)(hb_subset_input_t *input);
  hb_set_t *(*set)(hb_subset_input_t *input, hb_subset_sets_t which);
  void (*set_flags)(hb_subset_input_t *input, unsigned value);
  hb_subset_plan_t *(*plan_create)(hb_face_t *face,
                                   const hb_subset_input_t *input);
  hb_face_t *(*plan_execute)(hb_subset_plan_t *plan);
  void (*plan_destroy)(hb_subset_plan_t *plan);
  const hb_map_t *(*plan_map)(const hb_subset_plan_t *plan);
} nb_hb_subset_api;

/** The subsetter, loaded on the first call (thread-safe); NULL when
 * libharfbuzz-subset.so.0 or one of its entry points is missing. Static:
 * never freed. */
const nb_hb_subset_api *nb_hb_subset(void);

#endif
