/* cli_options.h — the `cubie` command line's words: which commands there
 * are, which options each takes, and each command's help text.
 *
 * One table lists every option with the commands it applies to; the parser
 * (getopt_long: `--opt=value` and `--opt value`, options and the deck in
 * any order, `--` ends options) and the help text are both made from it, so
 * a command's help lists exactly what it accepts. An option given to a
 * command it does not apply to is an input error naming the command. The
 * parser prints nothing and never touches MPI: it fills cubie_cli_args or
 * raises CUBIE_ERR_INPUT with a one-line message; cli.c decides who prints.
 */
#ifndef CUBIE_CLI_OPTIONS_H
#define CUBIE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef enum cubie_cli_command {
  CUBIE_CLI_NONE = 0,   /* top level: `cubie --help`, `cubie --version` */
  CUBIE_CLI_RUN = 1,
  CUBIE_CLI_CHECK = 2,
  CUBIE_CLI_INFO = 4
} cubie_cli_command;

typedef struct cubie_cli_args {
  cubie_cli_command command;
  bool help;            /* print the command's help (or the overview) and exit 0 */
  bool version;         /* print the version and exit 0 */
  const char *deck;
  const char *output;   /* -o FILE */
  const char **set;     /* --set arguments, in order */
  int n_set;
  int backend;          /* a cubie_backend_kind, or -1 for the deck's */
  int threads;          /* -1 for the deck's */
  bool force, resume, sequential, quiet, timing;
  bool show_jacobian;   /* check --show jacobian */
  int phase;            /* --bench-phase (a cubie_bench_phase; developer option) */
} cubie_cli_args;

/* Parse argv into *a (free with cubie_cli_args_free). CUBIE_ERR_INPUT with a
 * message for an unknown command or option, an option that does not apply
 * to the command, a missing or malformed value, a missing or second deck. */
int cubie_cli_parse(int argc, char **argv, cubie_cli_args *a);
void cubie_cli_args_free(cubie_cli_args *a);

/* The help of `command` (CUBIE_CLI_NONE: the overview of all commands,
 * with the backends, methods, controllers and metrics this cubie knows). */
void cubie_cli_print_help(FILE *f, cubie_cli_command command);

/* "cubie run" for CUBIE_CLI_RUN, ... ("cubie" for CUBIE_CLI_NONE). */
const char *cubie_cli_command_name(cubie_cli_command command);

#endif
