/* Nodes: creation, containment rules, tree edits, attributes. */
#include <stdlib.h>
#include <string.h>

#include "model/node.h"
#include "util/util.h"

static const char *const S_names[] = {
    "none",       "document",   "heading",    "paragraph", "list",
    "item",       "blockquote", "code_block", "table",     "table_row",
    "table_cell", "figure",     "caption",    "rule",      "text",
    "emph",       "strong",     "underline",  "strike",    "code",
    "link",       "image",      "linebreak",  "sup",       "sub",
    "ruby",       "ruby_text"};

const char *nb_node_type_name(nb_node_type type) {
  if ((size_t)type < sizeof S_names / sizeof *S_names)
    return S_names[type];
  return "unknown";
}

int nb_node_type_is_block(nb_node_type t) {
  return t >= NB_NODE_FIRST_BLOCK && t <= NB_NODE_LAST_BLOCK;
}

int nb_node_type_is_inline(nb_node_type t) {
  return t >= NB_NODE_FIRST_INLINE && t <= NB_NODE_LAST_INLINE;
}

int nb_node_type_is_leaf(nb_node_type t) {
  switch (t) {
  case NB_NODE_TEXT:
  case NB_NODE_CODE:
  case NB_NODE_CODE_BLOCK:
  case NB_NODE_IMAGE:
  case NB_NODE_LINEBREAK:
  case NB_NODE_RULE: return 1;
  default: return 0;
  }
}

/* Blocks that may stand in a flow (document, item, quote, cell). */
static int S_is_flow_block(nb_node_type t) {
  switch (t) {
  case NB_NODE_HEADING:
  case NB_NODE_PARAGRAPH:
  case NB_NODE_LIST:
  case NB_NODE_BLOCKQUOTE:
  case NB_NODE_CODE_BLOCK:
  case NB_NODE_TABLE:
  case NB_NODE_FIGURE:
  case NB_NODE_RULE: return 1;
  default: return 0;
  }
}

int nb_node_can_contain(nb_node_type parent, nb_node_type child) {
  switch (parent) {
  case NB_NODE_DOCUMENT:
  case NB_NODE_ITEM:
  case NB_NODE_BLOCKQUOTE:
  case NB_NODE_TABLE_CELL: return S_is_flow_block(child);
  case NB_NODE_LIST: return child == NB_NODE_ITEM;
  case NB_NODE_TABLE: return child == NB_NODE_TABLE_ROW;
  case NB_NODE_TABLE_ROW: return child == NB_NODE_TABLE_CELL;
  case NB_NODE_FIGURE:
    return child == NB_NODE_IMAGE || child == NB_NODE_CAPTION;
  case NB_NODE_RUBY: return nb_node_type_is_inline(child);
  case NB_NODE_HEADING:
  case NB_NODE_PARAGRAPH:
  case NB_NODE_CAPTION:
  case NB_NODE_EMPH:
  case NB_NODE_STRONG:
  case NB_NODE_UNDERLINE:
  case NB_NODE_STRIKE:
  case NB_NODE_LINK:
  case NB_NODE_SUP:
  case NB_NODE_SUB:
  case NB_NODE_RUBY_TEXT:
    return nb_node_type_is_inline(child) && child != NB_NODE_RUBY_TEXT;
  default: return 0;
  }
}

nb_node *nb_node_new(nb_doc *doc, nb_node_type type) {
  nb_node *n = nb_doc_alloc(doc, sizeof *n);
  if (!n)
    return NULL;
  n->doc = doc;
  n->type = type;
  n->colspan = 1;
  if (type == NB_NODE_HEADING)
    n->level = 1;
  if (type == NB_NODE_LIST)
    n->start = 1;
  return n;
}

void nb_node_unlink(nb_node *n) {
  if (!n)
    return;
  if (n->prev)
    n->prev->next = n->next;
  else if (n->parent)
    n->parent->first = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else if (n->parent)
    n->parent->last = n->prev;
  n->parent = n->next = n->prev = NULL;
}

/* 1 when @p n holds nothing a reader sees: no children, or only TEXT of
 * spaces (ASCII, no-break, ideographic). */
static int S_is_empty(const nb_node *n) {
  const nb_node *c;
  for (c = n->first; c; c = c->next) {
    size_t i;
    if (c->type != NB_NODE_TEXT)
      return 0;
    for (i = 0; i < c->len; i++) {
      unsigned char b = (unsigned char)c->literal[i];
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r')
        continue;
      if (b == 0xC2 && i + 1 < c->len &&
          (unsigned char)c->literal[i + 1] == 0xA0) {
        i++;
        continue;
      }
      if (b == 0xE3 && i + 2 < c->len &&
          (unsigned char)c->literal[i + 1] == 0x80 &&
          (unsigned char)c->literal[i + 2] == 0x80) {
        i += 2;
        continue;
      }
      return 0;
    }
  }
  return 1;
}

void nb_node_remove(nb_node *n) {
  nb_node *p;
  if (!n)
    return;
  p = n->parent;
  nb_node_unlink(n);
  while (p && p->type != NB_NODE_DOCUMENT) {
    nb_node *up = p->parent;
    if (p->type == NB_NODE_FIGURE) {
      /* a figure without its image: its caption stays, as a paragraph */
      nb_node *cap = p->first, *para;
      while (cap && cap->type != NB_NODE_CAPTION)
        cap = cap->next;
      if (cap && !S_is_empty(cap) &&
          (para = nb_node_new(p->doc, NB_NODE_PARAGRAPH)) != NULL &&
          nb_node_insert_before(p, para)) {
        para->line = cap->line;
        while (cap->first)
          if (!nb_node_append_child(para, cap->first))
            nb_node_unlink(cap->first);
      }
    } else if (!(p->type == NB_NODE_PARAGRAPH || p->type == NB_NODE_CAPTION ||
                 (nb_node_type_is_inline(p->type) &&
                  p->type != NB_NODE_TEXT)) ||
               !S_is_empty(p)) {
      break;
    }
    nb_node_unlink(p);
    p = up;
  }
}

/* A childless node is nobody's ancestor but its own, so the walk up (O(depth))
 * only happens when moving a subtree, never when building a tree. */
static int S_is_ancestor(const nb_node *a, const nb_node *n) {
  if (!a->first)
    return a == n;
  for (; n; n = n->parent)
    if (n == a)
      return 1;
  return 0;
}

int nb_node_append_child(nb_node *parent, nb_node *child) {
  if (!parent || !child || !nb_node_can_contain(parent->type, child->type) ||
      S_is_ancestor(child, parent))
    return 0;
  nb_node_unlink(child);
  child->parent = parent;
  child->prev = parent->last;
  if (parent->last)
    parent->last->next = child;
  else
    parent->first = child;
  parent->last = child;
  return 1;
}

int nb_node_insert_before(nb_node *sib, nb_node *node) {
  nb_node *p;
  if (!sib || !node || !(p = sib->parent) ||
      !nb_node_can_contain(p->type, node->type) || S_is_ancestor(node, sib))
    return 0;
  nb_node_unlink(node);
  node->parent = p;
  node->next = sib;
  node->prev = sib->prev;
  if (sib->prev)
    sib->prev->next = node;
  else
    p->first = node;
  sib->prev = node;
  return 1;
}

nb_node_type nb_node_get_type(const nb_node *n) {
  return n ? n->type : NB_NODE_NONE;
}
nb_doc *nb_node_get_doc(const nb_node *n) {
  return n ? n->doc : NULL;
}
nb_node *nb_node_parent(const nb_node *n) {
  return n ? n->parent : NULL;
}
nb_node *nb_node_first_child(const nb_node *n) {
  return n ? n->first : NULL;
}
nb_node *nb_node_last_child(const nb_node *n) {
  return n ? n->last : NULL;
}
nb_node *nb_node_next(const nb_node *n) {
  return n ? n->next : NULL;
}
nb_node *nb_node_prev(const nb_node *n) {
  return n ? n->prev : NULL;
}
int nb_node_get_line(const nb_node *n) {
  return n ? n->line : 0;
}
void nb_node_set_line(nb_node *n, int line) {
  if (n)
    n->line = line;
}

static int S_has_literal(const nb_node *n) {
  return n && (n->type == NB_NODE_TEXT || n->type == NB_NODE_CODE ||
               n->type == NB_NODE_CODE_BLOCK);
}

const char *nb_node_get_literal(const nb_node *n) {
  if (!S_has_literal(n))
    return NULL;
  return n->literal ? n->literal : "";
}

size_t nb_node_get_literal_len(const nb_node *n) {
  return S_has_literal(n) ? n->len : 0;
}

int nb_node_set_literal(nb_node *n, const char *s, size_t len) {
  if (!S_has_literal(n))
    return 0;
  n->len = n->cap = 0;
  n->literal = NULL;
  return nb_node_append_literal(n, s, len);
}

int nb_node_append_literal(nb_node *n, const char *s, size_t len) {
  if (!S_has_literal(n))
    return 0;
  if (len > SIZE_MAX / 4 - n->len)
    return 0;
  if (!n->literal || n->len + len + 1 > n->cap) {
    size_t cap = n->cap ? n->cap : 16;
    char *p;
    while (cap < n->len + len + 1)
      cap *= 2;
    p = nb_doc_alloc(n->doc, cap);
    if (!p)
      return 0;
    if (n->len)
      memcpy(p, n->literal, n->len);
    n->literal = p;
    n->cap = cap;
  }
  if (len)
    memcpy(n->literal + n->len, s, len);
  n->len += len;
  n->literal[n->len] = '\0';
  return 1;
}

static int S_set_str(nb_node *n, char **field, const char *s) {
  if (!s) {
    *field = NULL;
    return 1;
  }
  *field = nb_doc_strndup(n->doc, s, (size_t)-1);
  return *field != NULL;
}

const char *nb_node_get_url(const nb_node *n) {
  return n ? n->url : NULL;
}
int nb_node_set_url(nb_node *n, const char *s) {
  return n && (n->type == NB_NODE_LINK || n->type == NB_NODE_IMAGE) &&
         S_set_str(n, &n->url, s);
}
const char *nb_node_get_title(const nb_node *n) {
  return n ? n->title : NULL;
}
int nb_node_set_title(nb_node *n, const char *s) {
  return n && (n->type == NB_NODE_LINK || n->type == NB_NODE_IMAGE) &&
         S_set_str(n, &n->title, s);
}
const char *nb_node_get_alt(const nb_node *n) {
  return n ? n->alt : NULL;
}
int nb_node_set_alt(nb_node *n, const char *s) {
  return n && n->type == NB_NODE_IMAGE && S_set_str(n, &n->alt, s);
}
const char *nb_node_get_info(const nb_node *n) {
  return n ? n->info : NULL;
}
int nb_node_set_info(nb_node *n, const char *s) {
  return n && n->type == NB_NODE_CODE_BLOCK && S_set_str(n, &n->info, s);
}
const char *nb_node_get_id(const nb_node *n) {
  return n ? n->id : NULL;
}
int nb_node_set_id(nb_node *n, const char *s) {
  return n && S_set_str(n, &n->id, s);
}

const struct nb_resource *nb_node_get_resource(const nb_node *n) {
  return n ? n->resource : NULL;
}
void nb_node_set_resource(nb_node *n, const struct nb_resource *r) {
  if (n && n->type == NB_NODE_IMAGE)
    n->resource = r;
}

int nb_node_get_heading_level(const nb_node *n) {
  return n && n->type == NB_NODE_HEADING ? n->level : 0;
}
int nb_node_set_heading_level(nb_node *n, int level) {
  if (!n || n->type != NB_NODE_HEADING || level < 1 || level > 6)
    return 0;
  n->level = level;
  return 1;
}
int nb_node_get_list_ordered(const nb_node *n) {
  return n && n->type == NB_NODE_LIST ? n->ordered : 0;
}
int nb_node_get_list_start(const nb_node *n) {
  return n && n->type == NB_NODE_LIST ? n->start : 0;
}
int nb_node_set_list(nb_node *n, int ordered, int start) {
  if (!n || n->type != NB_NODE_LIST)
    return 0;
  n->ordered = ordered != 0;
  n->start = start;
  return 1;
}
int nb_node_get_header(const nb_node *n) {
  return n ? n->header : 0;
}
int nb_node_set_header(nb_node *n, int header) {
  if (!n || (n->type != NB_NODE_TABLE_ROW && n->type != NB_NODE_TABLE_CELL))
    return 0;
  n->header = header != 0;
  return 1;
}
nb_align nb_node_get_align(const nb_node *n) {
  return n ? n->align : NB_ALIGN_NONE;
}
int nb_node_set_align(nb_node *n, nb_align a) {
  if (!n || n->type != NB_NODE_TABLE_CELL)
    return 0;
  n->align = a;
  return 1;
}
int nb_node_get_colspan(const nb_node *n) {
  return n ? n->colspan : 1;
}
int nb_node_set_colspan(nb_node *n, int c) {
  if (!n || n->type != NB_NODE_TABLE_CELL || c < 1)
    return 0;
  n->colspan = c > 1000 ? 1000 : c;
  return 1;
}

char *nb_node_text(const nb_node *node) {
  nb_buf b = NB_BUF_INIT;
  nb_iter *it = nb_iter_new((nb_node *)node);
  nb_event ev;
  if (!it)
    return NULL;
  while ((ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev != NB_EVENT_ENTER)
      continue;
    if (n->type == NB_NODE_TEXT || n->type == NB_NODE_CODE ||
        n->type == NB_NODE_CODE_BLOCK)
      nb_buf_append(&b, n->literal ? n->literal : "", n->len);
    else if (n->type == NB_NODE_IMAGE && n->alt)
      nb_buf_puts(&b, n->alt);
    else if (n->type == NB_NODE_LINEBREAK)
      nb_buf_putc(&b, ' ');
  }
  nb_iter_free(it);
  return nb_buf_detach(&b);
}
