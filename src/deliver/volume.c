/* Volumes: which articles go into which book when one book would be too
 * large for a mail service's cap. Only the plan and the names are here;
 * the pipeline writes each volume as a whole book.
 *
 * The plan keeps reading order, uses the fewest volumes greedy filling
 * allows (greedy is optimal for an ordered partition), then balances them:
 * the largest volume is made as small as it can be with that many volumes
 * (a binary search on the load, each step a greedy pass), so a 60 MB book
 * under a 36 MB budget becomes 30 + 30, not 36 + 24. */
#include <stdio.h>
#include <string.h>

#include "newsbook/deliver.h"
#include "newsbook/resource.h"

uint64_t nb_volume_doc_size(const nb_doc *doc, const nb_resources *set) {
  nb_iter *it;
  nb_event ev;
  uint64_t text = 0, images = 0;
  const nb_resource *seen[64];
  size_t nseen = 0, i;
  if (!doc || !(it = nb_iter_new(nb_doc_root(doc))))
    return 0;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    const nb_resource *r;
    int dup = 0;
    if (ev != NB_EVENT_ENTER)
      continue;
    text += nb_node_get_literal_len(n);
    if (nb_node_get_type(n) != NB_NODE_IMAGE ||
        !(r = nb_node_get_resource(n)) || r->status != NB_RES_OK)
      continue;
    /* the same picture twice is stored once; past 64 distinct ones a
     * repeat may be counted again, which only over-estimates */
    for (i = 0; i < nseen && !dup; i++)
      dup = seen[i] == r;
    if (dup)
      continue;
    if (nseen < sizeof seen / sizeof *seen)
      seen[nseen++] = r;
    images += r->size;
  }
  nb_iter_free(it);
  {
    const nb_resource *lead = set ? nb_resources_lead(set, doc) : NULL;
    int dup = 0;
    for (i = 0; i < nseen && !dup; i++)
      dup = seen[i] == lead;
    if (lead && lead->status == NB_RES_OK && !dup)
      images += lead->size;
  }
  return text / 2 + images + 2048;
}

uint64_t nb_volume_budget(uint64_t max_message_bytes) {
  uint64_t cap = max_message_bytes ? max_message_bytes : NB_MAIL_DEFAULT_CAP;
  if (cap <= 16384)
    return 0;
  return (cap - 16384) / 78 * 57;
}

/* Volumes a greedy pass makes when each holds at most @p load bytes of
 * articles; articles larger than @p load alone still get one each. */
static size_t S_greedy(const uint64_t *sizes, size_t n, uint64_t load,
                       size_t *volume_of) {
  size_t i, v = 0;
  uint64_t used = 0;
  int open = 0;
  for (i = 0; i < n; i++) {
    if (open && used + sizes[i] > load) {
      v++;
      used = 0;
    }
    used += sizes[i];
    open = 1;
    if (volume_of)
      volume_of[i] = v;
  }
  return n ? v + 1 : 0;
}

int nb_volume_plan(const uint64_t *sizes, size_t n, uint64_t overhead,
                   uint64_t budget, size_t *volume_of, size_t *nvolumes,
                   nb_error *err) {
  uint64_t room, lo = 0, hi = 0, biggest = 0;
  size_t i, k, too_big = (size_t)-1;

  if (nvolumes)
    *nvolumes = 0;
  if ((n && (!sizes || !volume_of)) || !nvolumes)
    return nb_error_set(err, NB_ERR_ARGUMENT, NULL, 0,
                        "nb_volume_plan: missing arrays");
  if (n == 0)
    return 0;
  room = budget > overhead ? budget - overhead : 0;
  for (i = 0; i < n; i++) {
    if (sizes[i] > biggest)
      biggest = sizes[i];
    if (sizes[i] > room && too_big == (size_t)-1)
      too_big = i;
    hi = hi + sizes[i] < hi ? UINT64_MAX : hi + sizes[i];
  }
  k = S_greedy(sizes, n, room, NULL);
  /* the smallest load that still needs no more than k volumes */
  lo = biggest > room ? room : biggest;
  if (hi > room)
    hi = room;
  if (lo > hi)
    lo = hi;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (S_greedy(sizes, n, mid, NULL) <= k)
      hi = mid;
    else
      lo = mid + 1;
  }
  *nvolumes = S_greedy(sizes, n, hi, volume_of);
  if (too_big != (size_t)-1)
    return nb_error_set(err, NB_ERR_LIMIT, NULL, 0,
                        "article %zu (%llu bytes) does not fit in a volume "
                        "of %llu bytes even alone: it gets a volume of its "
                        "own, too large to send — shrink its images "
                        "(--device, --max-image-width) or raise the cap",
                        too_big + 1, (unsigned long long)sizes[too_big],
                        (unsigned long long)room);
  return 0;
}

char *nb_volume_title(const char *title, int volume, int volumes, char *out,
                      size_t size) {
  if (!out || size == 0)
    return out;
  if (volumes > 1)
    snprintf(out, size, "%s (%d/%d)", title ? title : "", volume, volumes);
  else
    snprintf(out, size, "%s", title ? title : "");
  return out;
}
