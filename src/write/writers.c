/* The writer table, as pandoc's Writers.hs: the CLI picks by name. */
#include <stddef.h>

#include "newsbook/writer.h"

const nb_writer *nb_writers(void) {
  static const nb_writer table[] = {{"epub", nb_write_epub},
                                    {"pdf", nb_write_pdf},
                                    {"tree", nb_write_tree},
                                    {"json", nb_write_json},
                                    {NULL, NULL}};
  return table;
}
