/* STUB: replaced by the resources' implementation. */
#include <stdlib.h>
#include <string.h>

#include "newsbook/resource.h"

struct nb_resources { int unused; };

nb_resources *nb_resources_new(const nb_resolve_options *opts, const nb_diag *diag) {
  (void)opts; (void)diag;
  return calloc(1, sizeof(nb_resources));
}
void nb_resources_free(nb_resources *set) { free(set); }
int nb_resources_resolve_doc(nb_resources *set, nb_doc *doc, nb_error *err) {
  (void)set; (void)doc; (void)err;
  return 0;
}
const nb_resource *nb_resources_get(nb_resources *set, const char *ref,
                                    const char *base_path, const char *referer) {
  (void)set; (void)ref; (void)base_path; (void)referer;
  return NULL;
}
const nb_resource *nb_resources_add_bytes(nb_resources *set, const char *name,
                                          const void *data, size_t size) {
  (void)set; (void)name; (void)data; (void)size;
  return NULL;
}
size_t nb_resources_count(const nb_resources *set) { (void)set; return 0; }
const nb_resource *nb_resources_at(const nb_resources *set, size_t i) {
  (void)set; (void)i;
  return NULL;
}
const nb_resource *nb_resources_lead(const nb_resources *set, const nb_doc *doc) {
  (void)set; (void)doc;
  return NULL;
}
const char *nb_res_status_name(nb_res_status s) {
  static const char *const names[] = {"pending", "ok", "missing", "broken",
                                      "refused", "too-large"};
  return (size_t)s < sizeof names / sizeof *names ? names[s] : "unknown";
}
const char *nb_image_sniff(const void *data, size_t size) { (void)data; (void)size; return NULL; }
int nb_image_size(const void *data, size_t size, int *w, int *h) {
  (void)data; (void)size; *w = *h = 0;
  return 0;
}
int nb_image_decode(const void *data, size_t size, int64_t max_pixels,
                    nb_pixmap *out, nb_error *err) {
  (void)data; (void)size; (void)max_pixels;
  memset(out, 0, sizeof *out);
  return nb_error_set(err, NB_ERR_UNSUPPORTED, NULL, 0, "decoder not implemented");
}
void nb_pixmap_free(nb_pixmap *pm) { if (pm) { free(pm->pixels); pm->pixels = NULL; } }
int nb_image_encode_png(const nb_pixmap *pm, unsigned char **out, size_t *size, nb_error *err) {
  (void)pm; *out = NULL; *size = 0;
  return nb_error_set(err, NB_ERR_UNSUPPORTED, NULL, 0, "encoder not implemented");
}
int nb_image_encode_jpeg(const nb_pixmap *pm, int q, unsigned char **out, size_t *size, nb_error *err) {
  (void)pm; (void)q; *out = NULL; *size = 0;
  return nb_error_set(err, NB_ERR_UNSUPPORTED, NULL, 0, "encoder not implemented");
}
char *nb_resources_report_json(const nb_resources *set) {
  (void)set;
  char *s = malloc(3);
  if (s)
    strcpy(s, "[]");
  return s;
}
