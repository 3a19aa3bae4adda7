/* cli_options.c — commands, options and help of `cubie` (see cli_options.h). */
#include "cli/cli_options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "plan/algorithm.h"
#include "plan/summary_metrics.h"
#include "run/chunk_loop.h"
#include "util/error.h"
#include "util/suggest.h"

enum {
  OPT_OUTPUT = 'o',
  OPT_QUIET = 'q',
  OPT_HELP = 'h',
  OPT_SET = 256,
  OPT_BACKEND,
  OPT_THREADS,
  OPT_FORCE,
  OPT_RESUME,
  OPT_SEQUENTIAL,
  OPT_TIMING,
  OPT_BENCH_PHASE,
  OPT_SHOW
};

#define RUN CUBIE_CLI_RUN
#define CHECK CUBIE_CLI_CHECK
#define INFO CUBIE_CLI_INFO

typedef struct cli_option {
  const char *name;
  int id;            /* getopt_long's val: the short letter, or an OPT_* above */
  const char *arg;   /* the value's name in the help; NULL: a flag */
  unsigned commands; /* the commands it applies to */
  const char *help;  /* NULL: not listed (developer option) */
} cli_option;

/* Every option of every command. The help lists them in this order. */
static const cli_option options[] = {
    {"output", OPT_OUTPUT, "FILE", RUN | CHECK, "write to FILE instead of the deck's output.file"},
    {"set", OPT_SET, "KEY=VALUE", RUN | CHECK,
     "override a deck key (repeatable): --set integrator.rtol=1e-8"},
    {"backend", OPT_BACKEND, "B", RUN | CHECK, NULL /* written with the backends' names */},
    {"threads", OPT_THREADS, "N", RUN, "OpenMP threads of the cpu backend (overrides run.threads)"},
    {"force", OPT_FORCE, NULL, RUN, "overwrite an existing output file"},
    {"resume", OPT_RESUME, NULL, RUN,
     "continue an interrupted file: compute only the runs it lacks\n"
     "(the deck and --set arguments must be the ones it was written with)"},
    {"sequential", OPT_SEQUENTIAL, NULL, RUN | CHECK,
     "compute and write in turn instead of overlapping them"},
    {"quiet", OPT_QUIET, NULL, RUN, "no progress line; only errors, warnings and the summary"},
    {"timing", OPT_TIMING, NULL, RUN, "print the per-rank timing table and device binding"},
    {"bench-phase", OPT_BENCH_PHASE, "PHASE", RUN, NULL /* tests/bench: compute, write or both */},
    {"show", OPT_SHOW, "jacobian", CHECK,
     "also print the Jacobian's sparsity pattern and the sizes of\n"
     "the generated f, J, J*v and df/dt (docs/model.md)"},
    {"help", OPT_HELP, NULL, RUN | CHECK | INFO, "print this help and exit"},
};
#define N_OPTIONS ((int)(sizeof options / sizeof options[0]))

typedef struct cli_command_info {
  cubie_cli_command command;
  const char *word;
  const char *synopsis;
  const char *summary;
} cli_command_info;

static const cli_command_info commands[] = {
    {RUN, "run", "cubie run DECK [options]", "integrate every run of DECK into one NetCDF file"},
    {CHECK, "check", "cubie check DECK [options]",
     "validate DECK and print the plan (runs, saves, bytes, chunks, buffers); runs nothing"},
    {INFO, "info", "cubie info", "list the backends and devices usable here"},
};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

const char *cubie_cli_command_name(cubie_cli_command command) {
  switch (command) {
    case CUBIE_CLI_RUN: return "cubie run";
    case CUBIE_CLI_CHECK: return "cubie check";
    case CUBIE_CLI_INFO: return "cubie info";
    case CUBIE_CLI_NONE: break;
  }
  return "cubie";
}

static const cli_option *option_of(int id) {
  for (int i = 0; i < N_OPTIONS; i++)
    if (options[i].id == id) return &options[i];
  return NULL;
}

/* "-o, --output FILE" or "    --force" */
static void option_label(const cli_option *o, char *buf, size_t cap) {
  char letter[8] = "    ";
  if (o->id < 256) snprintf(letter, sizeof letter, "-%c, ", (char)o->id);
  snprintf(buf, cap, "%s--%s%s%s", letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_option(FILE *f, const cli_option *o, const char *help) {
  char label[64];
  option_label(o, label, sizeof label);
  /* Continuation lines of a help text line up under its first line. */
  fprintf(f, "  %-22s", label);
  for (const char *line = help; *line;) {
    const char *end = strchr(line, '\n');
    int len = end ? (int)(end - line) : (int)strlen(line);
    fprintf(f, "%s%.*s\n", line == help ? "" : "                        ", len, line);
    line = end ? end + 1 : line + len;
  }
}

static void print_options(FILE *f, cubie_cli_command command) {
  for (int i = 0; i < N_OPTIONS; i++) {
    const cli_option *o = &options[i];
    if (!(o->commands & (unsigned)command)) continue;
    if (o->id == OPT_BACKEND) {
      char names[256], help[512];
      cubie_backend_kind_names(names, sizeof names);
      snprintf(help, sizeof help, "%s (overrides run.backend)", names);
      print_option(f, o, help);
    } else if (o->help) {
      print_option(f, o, o->help);
    }
  }
}

static void print_lists(FILE *f) {
  fputs("\nbackends (auto takes the usable one of highest priority):\n", f);
  for (int i = 0; i < cubie_backend_count(); i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    fprintf(f, "  %-18s  %s\n", e->name, e->description);
  }
  fputs("\nintegrator.algorithm (docs/algorithms.md):\n", f);
  for (int i = 0; i < cubie_algorithm_count(); i++) {
    const cubie_algorithm_info *a = cubie_algorithm_at(i);
    fprintf(f, "  %-18s  %s%s\n", a->name, a->description,
            cubie_algorithm_is_adaptive(a) ? "" : " (fixed step)");
  }
  fputs("integrator.step_control:", f);
  for (const char *const *c = cubie_controller_names(); *c; c++) fprintf(f, " %s", *c);
  fputs("\noutput.summaries.metrics:", f);
  for (const char *const *m = cubie_metric_names(); *m; m++) fprintf(f, " %s", *m);
  fputs("\n", f);
}

static const char exit_statuses[] =
    "Exit status: 0 success, 1 run-time failure, 2 bad input, 3 interrupted (resumable).\n";

void cubie_cli_print_help(FILE *f, cubie_cli_command command) {
  if (command == CUBIE_CLI_NONE) {
    fputs("usage: cubie COMMAND [options]\n\ncommands:\n", f);
    for (int i = 0; i < N_COMMANDS; i++)
      fprintf(f, "  %-28s %s\n", commands[i].synopsis, commands[i].summary);
    fputs("  cubie COMMAND --help         the options of COMMAND\n"
          "  cubie --version              print the version\n",
          f);
    print_lists(f);
    fputs("\nRun it under MPI to spread the runs over ranks: mpiexec -n 4 cubie run DECK\n", f);
    fputs(exit_statuses, f);
    fputs("Documentation: docs/deck.md, docs/output.md, docs/api.md (in the source tree).\n", f);
    return;
  }
  for (int i = 0; i < N_COMMANDS; i++) {
    if (commands[i].command != command) continue;
    fprintf(f, "usage: %s\n\n%c%s.\n\noptions:\n", commands[i].synopsis,
            commands[i].summary[0] - 'a' + 'A', commands[i].summary + 1);
  }
  print_options(f, command);
  if (command == CUBIE_CLI_RUN)
    fputs("\nRun it under MPI to spread the runs over ranks: mpiexec -n 4 cubie run DECK\n", f);
  if (command != CUBIE_CLI_INFO) fputs(exit_statuses, f);
}

static int parse_int(const char *text, int *out) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 0 || v > 1 << 20) return -1;
  *out = (int)v;
  return 0;
}

static int command_of(const char *word, cubie_cli_command *out) {
  for (int i = 0; i < N_COMMANDS; i++)
    if (strcmp(word, commands[i].word) == 0) {
      *out = commands[i].command;
      return CUBIE_OK;
    }
  const char *words[N_COMMANDS + 1];
  for (int i = 0; i < N_COMMANDS; i++) words[i] = commands[i].word;
  words[N_COMMANDS] = "help";
  if (word[0] == '-')
    return CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "'%s' before the command: the command comes first (cubie run DECK [options])",
                       word);
  const char *near = cubie_suggest(word, words, N_COMMANDS + 1);
  if (near)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown command '%s'; did you mean '%s'?", word, near);
  return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown command '%s'; the commands are run, check and info",
                     word);
}

/* The option the user typed for a getopt error: argv[optind - 1] is the
 * word getopt_long was looking at. */
static const char *typed(char **argv, int index, int argc) {
  return index > 0 && index <= argc ? argv[index - 1] : "?";
}

static int apply_option(cubie_cli_args *a, const cli_option *o, const char *value) {
  const char *cmd = cubie_cli_command_name(a->command);
  if (!(o->commands & (unsigned)a->command))
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "option --%s does not apply to '%s'", o->name, cmd);
  switch (o->id) {
    case OPT_OUTPUT: a->output = value; break;
    case OPT_SET:
      CUBIE_CHECK(strchr(value, '='), CUBIE_ERR_INPUT,
                  "--set needs KEY=VALUE (for example --set integrator.rtol=1e-8), not '%s'", value);
      a->set[a->n_set++] = value;
      break;
    case OPT_BACKEND: {
      cubie_backend_kind kind = CUBIE_BACKEND_AUTO;
      if (cubie_backend_kind_parse(value, &kind) != CUBIE_OK) return cubie_error_prefix("--backend: ");
      a->backend = (int)kind;
      break;
    }
    case OPT_THREADS:
      CUBIE_CHECK(parse_int(value, &a->threads) == 0, CUBIE_ERR_INPUT,
                  "--threads needs a non-negative integer, not '%s'", value);
      break;
    case OPT_FORCE: a->force = true; break;
    case OPT_RESUME: a->resume = true; break;
    case OPT_SEQUENTIAL: a->sequential = true; break;
    case OPT_QUIET: a->quiet = true; break;
    case OPT_TIMING: a->timing = true; break;
    case OPT_HELP: a->help = true; break;
    case OPT_SHOW:
      CUBIE_CHECK(strcmp(value, "jacobian") == 0, CUBIE_ERR_INPUT,
                  "--show: cannot show '%s' (cubie check can show: jacobian)", value);
      a->show_jacobian = true;
      break;
    case OPT_BENCH_PHASE:
      /* Developer option for tests/bench: time one half of the pipeline. */
      if (strcmp(value, "compute") == 0) a->phase = CUBIE_PHASE_COMPUTE_ONLY;
      else if (strcmp(value, "write") == 0) a->phase = CUBIE_PHASE_WRITE_ONLY;
      else if (strcmp(value, "both") == 0) a->phase = CUBIE_PHASE_BOTH;
      else return CUBIE_RAISE(CUBIE_ERR_INPUT, "--bench-phase: '%s' is not compute, write or both", value);
      break;
    default: return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "option --%s has no handler", o->name);
  }
  return CUBIE_OK;
}

static int parse_command_options(int argc, char **argv, cubie_cli_args *a) {
  struct option longs[N_OPTIONS + 1];
  /* '-': words that are not options (the deck) come back in order as 1, so
   * the deck may stand anywhere; ':': a missing value comes back as ':'. */
  char shorts[2 * N_OPTIONS + 4] = "-:";
  memset(longs, 0, sizeof longs);
  for (int i = 0; i < N_OPTIONS; i++) {
    longs[i].name = options[i].name;
    longs[i].has_arg = options[i].arg ? required_argument : no_argument;
    longs[i].val = options[i].id;
    if (options[i].id < 256) {
      size_t n = strlen(shorts);
      shorts[n] = (char)options[i].id;
      shorts[n + 1] = options[i].arg ? ':' : '\0';
      shorts[n + 2] = '\0';
    }
  }
  const char *cmd = cubie_cli_command_name(a->command);
  opterr = 0;
  optind = 1;
  for (;;) {
    int c = getopt_long(argc, argv, shorts, longs, NULL);
    if (c == -1) break;
    if (c == 1) { /* a word that is not an option: the deck */
      CUBIE_CHECK(a->command != CUBIE_CLI_INFO, CUBIE_ERR_INPUT,
                  "'cubie info' takes no deck ('%s')", optarg);
      CUBIE_CHECK(!a->deck, CUBIE_ERR_INPUT, "more than one deck given ('%s' and '%s')", a->deck,
                  optarg);
      a->deck = optarg;
      continue;
    }
    if (c == '?') {
      const char *word = typed(argv, optind, argc);
      if (optopt && optopt < 256 && word[0] == '-' && word[1] != '-')
        return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown option '-%c' for '%s'", optopt, cmd);
      /* An ambiguous prefix or an unknown name; a flag given a value. */
      const char *eq = strchr(word, '=');
      for (int i = 0; eq && i < N_OPTIONS; i++)
        if (!options[i].arg && strncmp(word + 2, options[i].name, (size_t)(eq - word - 2)) == 0)
          return CUBIE_RAISE(CUBIE_ERR_INPUT, "option --%s takes no value ('%s')",
                             options[i].name, word);
      return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown option '%s' for '%s'", word, cmd);
    }
    if (c == ':') {
      const cli_option *o = option_of(optopt);
      return CUBIE_RAISE(CUBIE_ERR_INPUT, "option --%s needs a value (%s)",
                         o ? o->name : typed(argv, optind, argc), o && o->arg ? o->arg : "?");
    }
    const cli_option *o = option_of(c);
    CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "getopt_long returned unknown option %d", c);
    CUBIE_CALL(apply_option(a, o, optarg));
  }
  /* Words after `--` are decks too (a deck named like an option). */
  for (; optind < argc; optind++) {
    CUBIE_CHECK(!a->deck, CUBIE_ERR_INPUT, "more than one deck given ('%s' and '%s')", a->deck,
                argv[optind]);
    a->deck = argv[optind];
  }
  if (a->help) return CUBIE_OK;
  if (a->command != CUBIE_CLI_INFO && !a->deck)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "'%s' needs a deck file: %s DECK [options]", cmd, cmd);
  CUBIE_CHECK(!(a->resume && a->force), CUBIE_ERR_INPUT,
              "--resume continues a file and --force replaces it; use one");
  return CUBIE_OK;
}

int cubie_cli_parse(int argc, char **argv, cubie_cli_args *a) {
  memset(a, 0, sizeof *a);
  a->backend = -1;
  a->threads = -1;
  a->set = calloc((size_t)argc + 1, sizeof *a->set);
  CUBIE_CHECK(a->set, CUBIE_ERR_MEMORY, "out of memory");
  CUBIE_CHECK(argc >= 2, CUBIE_ERR_INPUT, "no command given (cubie run DECK, cubie check DECK, cubie info)");
  const char *word = argv[1];
  if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 || strcmp(word, "help") == 0) {
    a->help = true;
    if (argc >= 3 && strcmp(word, "help") == 0) CUBIE_CALL(command_of(argv[2], &a->command));
    CUBIE_CHECK(argc <= (strcmp(word, "help") == 0 ? 3 : 2), CUBIE_ERR_INPUT,
                "'cubie %s' takes no other arguments", word);
    return CUBIE_OK;
  }
  if (strcmp(word, "--version") == 0) {
    CUBIE_CHECK(argc == 2, CUBIE_ERR_INPUT, "'cubie --version' takes no other arguments");
    a->version = true;
    return CUBIE_OK;
  }
  CUBIE_CALL(command_of(word, &a->command));
  /* getopt_long sees "cubie run" as its program name and the rest as
   * arguments. */
  return parse_command_options(argc - 1, argv + 1, a);
}

void cubie_cli_args_free(cubie_cli_args *a) {
  free(a->set);
  a->set = NULL;
  a->n_set = 0;
}
