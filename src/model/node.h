/* The node and document structs, private to the model. */
#ifndef NB_MODEL_NODE_H
#define NB_MODEL_NODE_H

#include "model/arena.h"
#include "newsbook/doc.h"

struct nb_node {
  nb_doc *doc;
  nb_node *parent, *first, *last, *next, *prev;
  nb_node_type type;
  int line;
  /* TEXT, CODE, CODE_BLOCK */
  char *literal;
  size_t len, cap;
  /* LINK, IMAGE, CODE_BLOCK (info) */
  char *url, *title, *alt, *info, *id;
  const struct nb_resource *resource;
  /* by kind: heading level; list ordered/start; row/cell header, align,
   * colspan */
  int level, ordered, start, header, colspan;
  nb_align align;
};

typedef struct nb_strlist {
  char **items;
  size_t count, cap;
} nb_strlist;

struct nb_doc {
  nb_arena arena;
  nb_node *root;
  nb_strlist meta_keys, meta_values, categories, authors;
  nb_date date;
};

#endif
