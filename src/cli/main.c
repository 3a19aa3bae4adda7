/* main.c — the `cubie` executable: everything happens in cli.c. */
#include "cli/cli.h"

int main(int argc, char **argv) { return cubie_cli_main(argc, argv); }
