/* HarfBuzz's subsetter, loaded on first use; see hbsubset.h for why. */
#include "font/hbsubset.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t S_once = PTHREAD_ONCE_INIT;
static nb_hb_subset_api S_hb;
static int S_hb_ok;

static int S_sym(void *lib, const char *name, void *fn, size_t size) {
  void *p = dlsym(lib, name);
  if (!p)
    return 0;
  /* ISO C has no cast from object to function pointer; POSIX guarantees
   * the representations agree */
  memcpy(fn, &p, size);
  return 1;
}

static void S_load(void) {
  void *lib = dlopen("libharfbuzz-subset.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return;
  if (!S_sym(lib, "hb_subset_input_create_or_fail", &S_hb.input_create,
             sizeof S_hb.input_create) ||
      !S_sym(lib, "hb_subset_input_destroy", &S_hb.input_destroy,
             sizeof S_hb.input_destroy) ||
      !S_sym(lib, "hb_subset_input_glyph_set", &S_hb.glyph_set,
             sizeof S_hb.glyph_set) ||
      !S_sym(lib, "hb_subset_input_set", &S_hb.set, sizeof S_hb.set) ||
      !S_sym(lib, "hb_subset_input_set_flags", &S_hb.set_flags,
             sizeof S_hb.set_flags) ||
      !S_sym(lib, "hb_subset_plan_create_or_fail", &S_hb.plan_create,
             sizeof S_hb.plan_create) ||
      !S_sym(lib, "hb_subset_plan_execute_or_fail", &S_hb.plan_execute,
             sizeof S_hb.plan_execute) ||
      !S_sym(lib, "hb_subset_plan_destroy", &S_hb.plan_destroy,
             sizeof S_hb.plan_destroy) ||
      !S_sym(lib, "hb_subset_plan_old_to_new_glyph_mapping", &S_hb.plan_map,
             sizeof S_hb.plan_map))
    return; /* the library stays loaded: harmless */
  S_hb_ok = 1;
}

const nb_hb_subset_api *nb_hb_subset(void) {
  pthread_once(&S_once, S_load);
  return S_hb_ok ? &S_hb : NULL;
}
