/* `newsbook build RECIPE.yaml`: the same choices as the command line, kept
 * in a file so that a daily book is one command. */
#include <stdio.h>

#include "cli/cli.h"

int nb_cli_build(int argc, char **argv);

int nb_cli_build(int argc, char **argv) {
  (void)argv;
  if (argc < 2) {
    fprintf(stderr, "newsbook: build: no recipe given — usage: newsbook build RECIPE.yaml\n");
    return 2;
  }
  fprintf(stderr, "newsbook: build: recipes are not implemented yet\n");
  return 2;
}
