/* cli.c — the `cubie` command line (see cli.h). */
#include "cli/cli.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "mpi/mpi_call.h"
#include "run/chunk_loop.h"
#include "util/error.h"
#include "plan/algorithm.h"
#include "plan/job.h"
#include "plan/summary_metrics.h"
#include "run/outcomes.h"
#include "run/runner.h"
#include "mpi/signals.h"

static const char usage_head[] =
    "usage: cubie run DECK [options]     integrate every run of DECK into one NetCDF file\n"
    "       cubie check DECK [options]   validate DECK and print the plan; runs nothing\n"
    "       cubie info                   list the backends and devices usable here\n"
    "       cubie --help | --version\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   write to FILE instead of the deck's output.file\n"
    "  --set KEY=VALUE     override a deck key (repeatable): --set integrator.rtol=1e-8\n";
/* (the --backend line and the list of backends come from backends/backends.def) */
static const char usage_tail[] =
    "  --threads N         OpenMP threads of the cpu backend (overrides run.threads)\n"
    "  --force             overwrite an existing output file\n"
    "  --resume            continue an interrupted file: compute only the runs it lacks\n"
    "                      (the deck and --set arguments must be the ones it was written with)\n"
    "  --sequential        compute and write in turn instead of overlapping them\n"
    "  -q, --quiet         no progress line; only errors and the summary\n"
    "  --timing            print the per-rank timing table and device binding\n"
    "  --fail-on-run-error exit 4 when any run failed (its status has a failure bit)\n";
static const char usage_footer[] =
    "\n"
    "Run it under MPI to spread the runs over ranks: mpiexec -n 4 cubie run DECK\n"
    "Exit status: 0 success, 1 run-time failure, 2 bad input, 3 interrupted (resumable),\n"
    "4 some runs failed (only with --fail-on-run-error; the file is complete).\n"
    "Documentation: docs/deck.md, docs/output.md (in the source tree).\n";

static void print_usage(FILE *f) {
  char names[256];
  cubie_backend_kind_names(names, sizeof names);
  fputs(usage_head, f);
  fprintf(f, "  --backend B         %s (overrides run.backend)\n", names);
  fputs(usage_tail, f);
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
  fputs(usage_footer, f);
}

typedef struct cli_args {
  const char *command;
  const char *deck;
  const char *output;
  const char **set;
  int n_set;
  int backend;
  int threads;
  int force, sequential, quiet, timing, resume, fail_on_run_error;
  int phase;
} cli_args;

static int parse_int(const char *text, int *out) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 0 || v > 1 << 20) return -1;
  *out = (int)v;
  return 0;
}

/* Returns CUBIE_OK or CUBIE_ERR_INPUT with a message. */
static int parse_args(int argc, char **argv, cli_args *a) {
  memset(a, 0, sizeof *a);
  a->backend = -1;
  a->threads = -1;
  a->set = calloc((size_t)argc + 1, sizeof *a->set);
  CUBIE_CHECK(a->set, CUBIE_ERR_MEMORY, "out of memory");
  CUBIE_CHECK(argc >= 2, CUBIE_ERR_INPUT, "no command given");
  a->command = argv[1];
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
      CUBIE_CHECK(next, CUBIE_ERR_INPUT, "%s needs a file name", arg);
      a->output = next;
      i++;
    } else if (strcmp(arg, "--set") == 0) {
      CUBIE_CHECK(next, CUBIE_ERR_INPUT, "--set needs KEY=VALUE");
      a->set[a->n_set++] = next;
      i++;
    } else if (strncmp(arg, "--set=", 6) == 0) {
      a->set[a->n_set++] = arg + 6;
    } else if (strcmp(arg, "--backend") == 0) {
      char names[256];
      cubie_backend_kind_names(names, sizeof names);
      CUBIE_CHECK(next, CUBIE_ERR_INPUT, "--backend needs %s", names);
      cubie_backend_kind kind = CUBIE_BACKEND_AUTO;
      if (cubie_backend_kind_parse(next, &kind) != CUBIE_OK) {
        cubie_error_prefix("--backend: ");
        return CUBIE_ERR_INPUT;
      }
      a->backend = (int)kind;
      i++;
    } else if (strcmp(arg, "--threads") == 0) {
      CUBIE_CHECK(next && parse_int(next, &a->threads) == 0, CUBIE_ERR_INPUT,
                  "--threads needs a non-negative integer");
      i++;
    } else if (strcmp(arg, "--force") == 0) {
      a->force = 1;
    } else if (strcmp(arg, "--resume") == 0) {
      a->resume = 1;
    } else if (strcmp(arg, "--bench-phase") == 0) {
      /* Developer option for tests/bench: time one half of the pipeline. */
      CUBIE_CHECK(next, CUBIE_ERR_INPUT, "--bench-phase needs compute, write or both");
      if (strcmp(next, "compute") == 0) a->phase = CUBIE_PHASE_COMPUTE_ONLY;
      else if (strcmp(next, "write") == 0) a->phase = CUBIE_PHASE_WRITE_ONLY;
      else if (strcmp(next, "both") == 0) a->phase = CUBIE_PHASE_BOTH;
      else return CUBIE_RAISE(CUBIE_ERR_INPUT, "--bench-phase: '%s' is not compute, write or both", next);
      i++;
    } else if (strcmp(arg, "--sequential") == 0) {
      a->sequential = 1;
    } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
      a->quiet = 1;
    } else if (strcmp(arg, "--timing") == 0) {
      a->timing = 1;
    } else if (strcmp(arg, "--fail-on-run-error") == 0) {
      a->fail_on_run_error = 1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown option '%s' (see cubie --help)", arg);
    } else {
      CUBIE_CHECK(!a->deck, CUBIE_ERR_INPUT, "more than one deck given ('%s' and '%s')", a->deck,
                  arg);
      a->deck = arg;
    }
  }
  return CUBIE_OK;
}

static char *joined_command_line(int argc, char **argv) {
  size_t len = 1;
  for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
  char *s = calloc(len, 1);
  if (!s) return NULL;
  for (int i = 0; i < argc; i++) {
    if (i) strcat(s, " ");
    strcat(s, argv[i]);
  }
  return s;
}

/* MPI at the thread level the writer thread needs, and this process's rank. */
static int start_mpi(int *argc, char ***argv, int *provided, int *rank) {
  CUBIE_MPI_CALL(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, provided));
  CUBIE_MPI_CALL(MPI_Comm_rank(MPI_COMM_WORLD, rank));
  return CUBIE_OK;
}

static int report_error(int rank, int rc) {
  if (rank == 0) {
    fprintf(stderr, "cubie: %s: %s\n", rc == CUBIE_ERR_INPUT ? "error" : cubie_error_name((cubie_err)rc),
            cubie_error_message());
    if (getenv("CUBIE_DEBUG")) fprintf(stderr, "cubie: raised at %s\n", cubie_error_origin());
  }
  return cubie_error_exit_status((cubie_err)rc);
}

static cubie_job_overrides overrides_of(const cli_args *a) {
  cubie_job_overrides ov = {.set = a->set, .n_set = a->n_set, .output_file = a->output,
                            .backend = a->backend, .threads = a->threads};
  return ov;
}

static int command_check(const cli_args *a, MPI_Comm comm, int rank) {
  cubie_job *job = NULL;
  cubie_job_overrides ov = overrides_of(a);
  int rc = cubie_job_prepare(a->deck, &ov, &job);
  if (rc) return report_error(rank, rc);
  cubie_strbuf text;
  cubie_strbuf_init(&text);
  rc = cubie_plan_describe(job->plan, job->cfg, job->model, job->grid, &text);
  cubie_buffer_registry *buffers = NULL;
  if (!rc) rc = cubie_runner_buffer_layout(job, &buffers);
  if (!rc) rc = cubie_buffer_registry_describe(buffers, job->plan->real_size, &text);
  cubie_buffer_registry_destroy(&buffers);
  char why[512] = "";
  cubie_backend *backend = NULL;
  cubie_binding binding;
  memset(&binding, 0, sizeof binding);
  rc = cubie_mpi_agree(comm, rc);
  if (!rc) rc = cubie_runner_choose_backend(job, comm, &backend, &binding, why, sizeof why);
  if (!rc) rc = cubie_strbuf_printf(&text, "backend:     %s\n             %s\n", why, backend->description);
  cubie_chunk_loop loop;
  memset(&loop, 0, sizeof loop);
  int n_ranks = 1;
  if (!rc) CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_size(comm, &n_ranks));
  if (!rc) {
    loop.job = job;
    loop.backend = backend;
    loop.comm = comm;
    loop.memory_sharers = binding.self.memory_sharers;
    loop.pipelined = !a->sequential;
    loop.block = cubie_decomposer_static_block(job->plan->total_runs, n_ranks, rank);
    rc = cubie_chunk_loop_prepare(&loop, false);
  }
  if (!rc) {
    /* The memory manager's decision, as it gave it. */
    const cubie_array_response *r = &loop.arrays.response;
    bool by_run = r->chunk_axis == CUBIE_CHUNK_AXIS_RUN;
    char budget[32], chunk[32];
    cubie_format_bytes((double)loop.budget, budget, sizeof budget);
    cubie_format_bytes((double)cubie_chunk_arrays_chunk_bytes(&loop.arrays), chunk, sizeof chunk);
    rc = cubie_strbuf_printf(&text, "memory:      budget %s per rank%s; chunk axis %s: %lld chunk%s of %lld %s, %s each\n",
                             budget, job->cfg->run.memory_limit > 0 ? " (run.memory_limit)" : "",
                             by_run ? "run" : "time", r->chunks, r->chunks == 1 ? "" : "s",
                             r->chunk_length, by_run ? "runs" : "save points", chunk);
    for (int i = 0; !rc && i < r->n_arrays; i++) {
      const cubie_array_allocation *al = &r->arrays[i];
      char shape[128] = "", size[32];
      for (int d = 0; d < al->ndim; d++)
        snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%lld", d ? " x " : "",
                 al->chunked_shape[d]);
      cubie_format_bytes((double)al->bytes, size, sizeof size);
      rc = cubie_strbuf_printf(&text, "             %-22s %-24s %s\n", al->label, shape, size);
    }
  }
  cubie_chunk_loop_free(&loop);
  cubie_backend_destroy(&backend);
  cubie_binding_free(&binding);
  if (!rc && rank == 0) fputs(text.data, stdout);
  cubie_strbuf_free(&text);
  cubie_job_destroy(&job);
  if (rc) return report_error(rank, rc);
  return CUBIE_EXIT_SUCCESS;
}

static int command_run(const cli_args *a, MPI_Comm comm, int rank, char *command_line) {
  cubie_job *job = NULL;
  cubie_job_overrides ov = overrides_of(a);
  int rc = cubie_job_prepare(a->deck, &ov, &job);
  if (rc) return report_error(rank, rc);
  if (a->resume && a->force) {
    cubie_job_destroy(&job);
    if (rank == 0)
      fprintf(stderr, "cubie: error: --resume continues a file and --force replaces it; use one\n");
    return CUBIE_EXIT_BAD_INPUT;
  }
  cubie_run_settings settings = {.overwrite = a->force, .sequential = a->sequential,
                                 .resume = a->resume, .quiet = a->quiet,
                                 .phase = (cubie_bench_phase)a->phase,
                                 .command_line = command_line};
  cubie_run_report report;
  rc = cubie_runner_run(job, comm, &settings, &report);
  if (rank == 0 && !a->quiet && report.backend[0])
    fprintf(stderr, "cubie: backend %s\n", report.backend_reason);
  /* (With --timing the binding table below carries the warning itself.) */
  if (rank == 0 && !a->quiet && !a->timing && report.binding_warning[0])
    fprintf(stderr, "cubie: warning: %s\n", report.binding_warning);
  if (rank == 0 && a->timing && report.binding_table.data && report.binding_table.length)
    fprintf(stderr, "%s", report.binding_table.data);
  if (rank == 0 && a->timing && report.timing_table.data && report.timing_table.length)
    fprintf(stderr, "%s", report.timing_table.data);
  if (rank == 0 && report.resumed && !report.already_complete)
    fprintf(stderr, "cubie: resumed %s: %lld of %lld runs were missing; computed %lld\n",
            report.file, report.missing_runs, report.total_runs, report.computed_runs);
  if (rc) {
    int status = report_error(rank, rc);
    cubie_run_report_free(&report);
    cubie_job_destroy(&job);
    return status;
  }
  if (rank == 0 && report.already_complete) {
    printf("cubie: %s is already complete; nothing to do\n", report.file);
    cubie_run_report_free(&report);
    cubie_job_destroy(&job);
    return CUBIE_EXIT_SUCCESS;
  }
  if (rank == 0) {
    if (a->timing) {
      char budget[32];
      cubie_format_bytes((double)report.memory_budget, budget, sizeof budget);
      fprintf(stderr, "cubie: memory budget %s per rank, %lld run chunk(s) x %lld window(s)\n",
              budget, report.run_chunks, report.windows);
    }
    if (a->timing)
      fprintf(stderr,
              "cubie: timing (rank 0): compile %.3f s%s, chunk loop %.3f s: compute %.3f s, "
              "write %.3f s, waiting for the writer %.3f s; in kernels %.6f s\n",
              report.compile_seconds, report.compiled_from_cache ? " (cached)" : "",
              report.timing.loop, report.timing.compute, report.timing.write, report.timing.wait,
              report.timing.kernel);
    printf("cubie: %lld runs, %lld failed, %.2f s, %s on %d rank%s -> %s\n", report.total_runs,
           report.failed_runs, report.seconds, report.backend, report.n_ranks,
           report.n_ranks == 1 ? "" : "s", report.file);
    if (report.failed_runs > 0) {
      /* By cause, e.g. "1204 runs max_steps, 12 step_too_small" (run/outcomes.h). */
      cubie_strbuf causes;
      if (cubie_strbuf_init(&causes) == CUBIE_OK &&
          cubie_outcomes_describe(&report.outcomes, &causes) == CUBIE_OK && causes.length)
        fprintf(stderr, "cubie: failed: %s\n", causes.data);
      cubie_strbuf_free(&causes);
      fprintf(stderr,
              "cubie: %lld run(s) did not reach the end time; status says why, t_final and "
              "<state>_final where they stopped (see docs/output.md)\n",
              report.failed_runs);
    }
  }
  bool runs_failed = report.failed_runs > 0;
  cubie_run_report_free(&report);
  cubie_job_destroy(&job);
  return a->fail_on_run_error && runs_failed ? CUBIE_EXIT_RUNS_FAILED : CUBIE_EXIT_SUCCESS;
}

/* Every backend of the list: usable or why not, its devices, and what
 * `auto` would take. */
static int command_info(int rank) {
  if (rank != 0) return CUBIE_EXIT_SUCCESS;
  printf("cubie %s\n", CUBIE_VERSION);
  int width = (int)strlen("auto:");
  for (int i = 0; i < cubie_backend_count(); i++) {
    int w = (int)strlen(cubie_backend_entry_at(i)->name) + 1;
    if (w > width) width = w;
  }
  for (int i = 0; i < cubie_backend_count(); i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    char label[64], why[512];
    snprintf(label, sizeof label, "%s:", e->name);
    bool ok = cubie_backend_usable(e, why, sizeof why);
    printf("%-*s %s%s%s\n", width, label, ok ? "available" : "not available", why[0] ? ": " : "",
           why);
    cubie_strbuf devices;
    if (cubie_strbuf_init(&devices) != CUBIE_OK) continue;
    if (cubie_backend_list_devices(e, &devices) != CUBIE_OK) {
      cubie_strbuf_printf(&devices, "devices cannot be listed: %s\n", cubie_error_message());
      cubie_error_clear();
    }
    for (char *line = devices.data; *line;) {
      char *end = strchr(line, '\n');
      if (!end) end = line + strlen(line);
      printf("%*s %.*s\n", width, "", (int)(end - line), line);
      line = *end ? end + 1 : end;
    }
    cubie_strbuf_free(&devices);
  }
  const cubie_backend_ops *ops = NULL;
  char why[1024];
  if (cubie_backend_select(CUBIE_BACKEND_AUTO, &ops, why, sizeof why) == CUBIE_OK)
    printf("%-*s takes %s\n", width, "auto:", why);
  else {
    printf("%-*s %s\n", width, "auto:", cubie_error_message());
    cubie_error_clear();
  }
  return CUBIE_EXIT_SUCCESS;
}

int cubie_cli_main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    print_usage(stdout);
    return CUBIE_EXIT_SUCCESS;
  }
  if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
    printf("cubie %s\n", CUBIE_VERSION);
    return CUBIE_EXIT_SUCCESS;
  }
  char *command_line = joined_command_line(argc, argv);
  /* Started without mpiexec/srun (a singleton) there is no other process to
   * talk to: Open MPI's default UCX transport then only costs start-up time
   * (0.35 s against 0.15 s with ob1 on our test machine). The user's own
   * OMPI_MCA_pml, and every launched job, are left alone. */
  if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK") &&
      !getenv("OMPI_MCA_pml"))
    setenv("OMPI_MCA_pml", "ob1", 0);
  int provided = 0, rank = 0;
  int rc = start_mpi(&argc, &argv, &provided, &rank);
  if (rc) {
    free(command_line);
    return report_error(0, rc);
  }
  cli_args a;
  int status;
  rc = parse_args(argc, argv, &a);
  if (rc) {
    if (rank == 0) {
      fprintf(stderr, "cubie: error: %s\n", cubie_error_message());
      print_usage(stderr);
    }
    status = CUBIE_EXIT_BAD_INPUT;
  } else if (strcmp(a.command, "info") == 0) {
    status = command_info(rank);
  } else if (strcmp(a.command, "run") == 0 || strcmp(a.command, "check") == 0) {
    if (!a.deck) {
      if (rank == 0) {
        fprintf(stderr, "cubie: error: %s needs a deck file\n", a.command);
        print_usage(stderr);
      }
      status = CUBIE_EXIT_BAD_INPUT;
    } else if (strcmp(a.command, "run") == 0) {
      if (provided < MPI_THREAD_SERIALIZED) a.sequential = 1;
      /* SIGTERM / SIGUSR1 only set a flag; the chunk loop stops at an item
       * every rank agrees on and leaves a resumable file (exit 3). */
      cubie_signals_install();
      status = command_run(&a, MPI_COMM_WORLD, rank, command_line);
      cubie_signals_restore();
    } else {
      status = command_check(&a, MPI_COMM_WORLD, rank);
    }
  } else {
    if (rank == 0) {
      fprintf(stderr, "cubie: error: unknown command '%s'\n", a.command);
      print_usage(stderr);
    }
    status = CUBIE_EXIT_BAD_INPUT;
  }
  free(a.set);
  free(command_line);
  int end_rc = CUBIE_OK;
  CUBIE_MPI_CALL_KEEP(end_rc, MPI_Finalize());
  if (end_rc && status == CUBIE_EXIT_SUCCESS) status = report_error(rank, end_rc);
  return status;
}
