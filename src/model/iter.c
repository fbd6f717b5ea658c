/* ENTER/EXIT traversal over parent/sibling links, cmark's iterator: no
 * stack, so depth costs nothing. */
#include <stdlib.h>

#include "model/node.h"

struct nb_iter {
  nb_node *root;
  nb_node *node;
  nb_event ev;
  nb_node *next_node;
  nb_event next_ev;
};

nb_iter *nb_iter_new(nb_node *root) {
  nb_iter *it;
  if (!root)
    return NULL;
  it = calloc(1, sizeof *it);
  if (!it)
    return NULL;
  it->root = root;
  it->next_node = root;
  it->next_ev = NB_EVENT_ENTER;
  return it;
}

void nb_iter_free(nb_iter *it) { free(it); }

nb_event nb_iter_next(nb_iter *it) {
  nb_event ev = it->next_ev;
  nb_node *n = it->next_node;
  it->ev = ev;
  it->node = n;
  if (ev == NB_EVENT_DONE || ev == NB_EVENT_NONE)
    return ev;
  if (ev == NB_EVENT_ENTER && !nb_node_type_is_leaf(n->type)) {
    if (n->first) {
      it->next_node = n->first;
      it->next_ev = NB_EVENT_ENTER;
    } else {
      it->next_ev = NB_EVENT_EXIT;
    }
  } else if (n == it->root) {
    it->next_node = NULL;
    it->next_ev = NB_EVENT_DONE;
  } else if (n->next) {
    it->next_node = n->next;
    it->next_ev = NB_EVENT_ENTER;
  } else if (n->parent) {
    it->next_node = n->parent;
    it->next_ev = NB_EVENT_EXIT;
  } else {
    it->next_node = NULL;
    it->next_ev = NB_EVENT_DONE;
  }
  return ev;
}

nb_node *nb_iter_node(const nb_iter *it) { return it->node; }

void nb_iter_reset(nb_iter *it, nb_node *node, nb_event ev) {
  it->next_node = node;
  it->next_ev = ev;
  nb_iter_next(it);
}
