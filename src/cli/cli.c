/* cli.c — the `cubie` command line (see cli.h). */
#include "cli/cli.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mpi_start.h"
#include "api/problem.h"
#include "backends/backend.h"
#include "cli/cli_options.h"
#include "model/model_jacobian.h"
#include "mpi/launch_check.h"
#include "mpi/mpi_call.h"
#include "run/chunk_loop.h"
#include "util/error.h"
#include "plan/job.h"
#include "run/runner.h"
#include "mpi/signals.h"

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

static int report_error(int rank, int rc) {
  if (rank == 0) {
    fprintf(stderr, "cubie: %s: %s\n", rc == CUBIE_ERR_INPUT ? "error" : cubie_error_name((cubie_err)rc),
            cubie_error_message());
    if (getenv("CUBIE_DEBUG")) fprintf(stderr, "cubie: raised at %s\n", cubie_error_origin());
  }
  return cubie_error_exit_status((cubie_err)rc);
}

/* The problem the command line describes: the deck, its --set arguments
 * and the -o / --backend / --threads choices, through the library's own
 * problem object (src/api), so `cubie` and a program calling libcubie
 * prepare jobs the same way. */
static int problem_of(const cubie_cli_args *a, cubie_problem **out) {
  cubie_problem *p = NULL;
  CUBIE_CALL(cubie_problem_from_file(a->deck, &p));
  int rc = CUBIE_OK;
  for (int i = 0; !rc && i < a->n_set; i++) {
    /* --set KEY=VALUE: the first '=' ends the key (the parser checked there is one). */
    const char *eq = strchr(a->set[i], '=');
    char key[1024];
    snprintf(key, sizeof key, "%.*s", (int)(eq - a->set[i]), a->set[i]);
    rc = key[0] ? cubie_problem_set(p, key, eq + 1)
                : CUBIE_RAISE(CUBIE_ERR_INPUT, "--set '%s': no key before '='", a->set[i]);
  }
  if (!rc && a->output) rc = cubie_problem_set_output_file(p, a->output);
  if (!rc) rc = cubie_problem_set_backend(p, a->backend);
  if (!rc) rc = cubie_problem_set_threads(p, a->threads);
  if (rc) {
    cubie_problem_destroy(&p);
    return rc;
  }
  *out = p;
  return CUBIE_OK;
}

/* The problem's job, with its warnings printed once (rank 0). */
static int prepare(const cubie_cli_args *a, int rank, cubie_problem **problem,
                   const cubie_job **job) {
  CUBIE_CALL(problem_of(a, problem));
  CUBIE_CALL(cubie_problem_job(*problem, job));
  const char *warnings = (*problem)->warnings.data;
  for (const char *line = warnings; rank == 0 && *line;) {
    const char *end = strchr(line, '\n');
    int len = end ? (int)(end - line) : (int)strlen(line);
    fprintf(stderr, "cubie: warning: %.*s\n", len, line);
    line += len + (end ? 1 : 0);
  }
  return CUBIE_OK;
}

static int command_check(const cubie_cli_args *a, MPI_Comm comm, int rank) {
  cubie_problem *problem = NULL;
  const cubie_job *job = NULL;
  int rc = prepare(a, rank, &problem, &job);
  if (rc) {
    cubie_problem_destroy(&problem);
    return report_error(rank, rc);
  }
  cubie_strbuf text;
  cubie_strbuf_init(&text);
  rc = cubie_plan_describe(job->plan, job->cfg, job->model, job->grid, &text);
  cubie_buffer_registry *buffers = NULL;
  if (!rc) rc = cubie_runner_buffer_layout(job, &buffers);
  if (!rc) rc = cubie_buffer_registry_describe(buffers, job->plan->real_size, &text);
  /* Differentiating may refuse the model (exit 2), as `run` would with an
   * implicit method. */
  if (!rc && a->show_jacobian) rc = cubie_model_differentiate(job->model, job->cfg);
  if (!rc && a->show_jacobian) rc = cubie_model_describe_jacobian(job->model, &text);
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
  cubie_problem_destroy(&problem);
  if (rc) return report_error(rank, rc);
  return CUBIE_EXIT_SUCCESS;
}

/* What rank 0 says while a run goes on (settings.started / .warn). */
typedef struct run_voice {
  int rank;
  const cubie_cli_args *a;
} run_voice;

static void say_started(void *ctx, const cubie_run_report *report) {
  const run_voice *v = ctx;
  if (v->rank != 0 || v->a->quiet) return;
  fprintf(stderr, "cubie: backend %s\n", report->backend_reason);
  /* (With --timing the binding table at the end carries the warning itself.) */
  if (!v->a->timing && report->binding_warning[0])
    fprintf(stderr, "cubie: warning: %s\n", report->binding_warning);
  fflush(stderr);
}

static void say_warning(void *ctx, const char *message) {
  const run_voice *v = ctx;
  if (v->rank != 0 || v->a->quiet) return;
  fprintf(stderr, "cubie: warning: %s\n", message);
  fflush(stderr);
}

static int command_run(const cubie_cli_args *a, MPI_Comm comm, int rank, char *command_line) {
  cubie_problem *problem = NULL;
  const cubie_job *job = NULL;
  int rc = prepare(a, rank, &problem, &job);
  if (rc) {
    cubie_problem_destroy(&problem);
    return report_error(rank, rc);
  }
  run_voice voice = {rank, a};
  cubie_run_settings settings = {.overwrite = a->force, .sequential = a->sequential,
                                 .resume = a->resume, .quiet = a->quiet,
                                 .phase = (cubie_bench_phase)a->phase,
                                 .command_line = command_line,
                                 .started = say_started, .warn = say_warning, .ctx = &voice};
  cubie_run_report report;
  rc = cubie_runner_run(job, comm, &settings, &report);
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
    cubie_problem_destroy(&problem);
    return status;
  }
  if (rank == 0 && report.already_complete) {
    printf("cubie: %s is already complete; nothing to do\n", report.file);
    cubie_run_report_free(&report);
    cubie_problem_destroy(&problem);
    return CUBIE_EXIT_SUCCESS;
  }
  if (rank == 0) {
    if (a->timing) {
      char budget[32];
      cubie_format_bytes((double)report.memory_budget, budget, sizeof budget);
      fprintf(stderr, "cubie: memory budget %s per rank, %lld run chunk(s) x %lld window(s); "
              "rank 0: %lld work item(s), about %.3g s each at most\n",
              budget, report.run_chunks, report.windows, report.items, report.item_seconds);
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
    if (report.failed_runs > 0)
      fprintf(stderr,
              "cubie: %lld run(s) did not reach the end time; their status variable says why "
              "(see docs/output.md)\n",
              report.failed_runs);
  }
  cubie_run_report_free(&report);
  cubie_problem_destroy(&problem);
  return CUBIE_EXIT_SUCCESS;
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

/* A bad command line: the message and where to look, once (rank 0). The
 * usage itself is printed only when asked for (--help). */
static int report_usage_error(int rank, const cubie_cli_args *a) {
  if (rank == 0) {
    const char *cmd = cubie_cli_command_name(a->command);
    fprintf(stderr, "cubie: error: %s\nTry '%s --help' for more information.\n",
            cubie_error_message(), cmd);
  }
  return CUBIE_EXIT_BAD_INPUT;
}

int cubie_cli_main(int argc, char **argv) {
  cubie_cli_args a;
  int rc = cubie_cli_parse(argc, argv, &a);
  /* Help and the version need no MPI (and no deck). */
  if (!rc && (a.help || a.version)) {
    if (a.help) cubie_cli_print_help(stdout, a.command);
    else printf("cubie %s\n", CUBIE_VERSION);
    cubie_cli_args_free(&a);
    return CUBIE_EXIT_SUCCESS;
  }
  char *command_line = joined_command_line(argc, argv);
  int provided = 0, rank = 0, status;
  int mpi_rc = cubie_mpi_start(&argc, &argv, &provided);
  if (!mpi_rc) CUBIE_MPI_CALL_KEEP(mpi_rc, MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  if (mpi_rc) {
    cubie_cli_args_free(&a);
    free(command_line);
    return report_error(0, mpi_rc);
  }
  if (rc) {
    status = report_usage_error(rank, &a);
  } else if (a.command == CUBIE_CLI_INFO) {
    status = command_info(rank);
  } else if (a.command == CUBIE_CLI_RUN) {
    if (provided < MPI_THREAD_SERIALIZED) a.sequential = true;
    /* SIGTERM / SIGUSR1 only set a flag; the chunk loop stops at an item
     * every rank agrees on and leaves a resumable file (exit 3). */
    cubie_signals_install();
    /* Every task the launcher started must be a rank of one MPI job. */
    int lrc = cubie_mpi_agree(MPI_COMM_WORLD, cubie_launch_check(MPI_COMM_WORLD));
    status = lrc ? report_error(rank, lrc) : command_run(&a, MPI_COMM_WORLD, rank, command_line);
    cubie_signals_restore();
  } else {
    status = command_check(&a, MPI_COMM_WORLD, rank);
  }
  cubie_cli_args_free(&a);
  free(command_line);
  int end_rc = CUBIE_OK;
  CUBIE_MPI_CALL_KEEP(end_rc, MPI_Finalize());
  if (end_rc && status == CUBIE_EXIT_SUCCESS) status = report_error(rank, end_rc);
  return status;
}
