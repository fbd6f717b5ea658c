/* A stable 128-bit content hash for ids and cache keys. Not cryptographic:
 * ids only need to be stable and collision-unlikely among one book's
 * contents. */
#include "util/util.h"

static uint64_t S_mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

void nb_hash_init(nb_hash *h) {
  h->a = 0xcbf29ce484222325ULL;
  h->b = 0x84222325cbf29ce4ULL;
}

void nb_hash_update(nb_hash *h, const void *data, size_t len) {
  const unsigned char *p = data;
  size_t i;
  for (i = 0; i < len; i++) {
    h->a = (h->a ^ p[i]) * 0x100000001b3ULL;
    h->b = (h->b ^ p[i]) * 0x1000193ULL + (h->b >> 29);
  }
}

void nb_hash_hex(const nb_hash *h, char hex[33]) {
  static const char digits[] = "0123456789abcdef";
  uint64_t v[2];
  int i, j;
  v[0] = S_mix(h->a ^ S_mix(h->b));
  v[1] = S_mix(h->b + v[0]);
  for (i = 0; i < 2; i++)
    for (j = 0; j < 16; j++)
      hex[i * 16 + j] = digits[(v[i] >> (60 - 4 * j)) & 15];
  hex[32] = '\0';
}
