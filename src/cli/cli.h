/* cli.h — the `cubie` command line: parses arguments, runs the chosen
 * subcommand, prints errors and the summary line, and maps error codes to
 * exit statuses (0 success, 1 run-time failure, 2 bad input, 3 interrupted,
 * 4 runs failed with --fail-on-run-error).
 * It is the only place that decides what the user sees on stderr.
 */
#ifndef CUBIE_CLI_H
#define CUBIE_CLI_H

int cubie_cli_main(int argc, char **argv);

#endif
