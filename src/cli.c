/* cli.c — placeholder until the run path lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cubie_cli_main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("cubie %s\n", CUBIE_VERSION);
    return 0;
  }
  fprintf(stderr, "cubie: not implemented yet\n");
  return 1;
}
