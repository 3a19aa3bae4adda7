/* api_run.c — running a problem from a program (include/cubie/cubie.h,
 * cubie_mpi.h): MPI when the caller has none, a temporary file for
 * results wanted in memory only, the runner, and the read-back. The runner
 * itself is the one `cubie run` uses. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/mpi_start.h"
#include "api/problem.h"
#include "api/results.h"
#include "cubie/cubie_mpi.h"
#include "mpi/mpi_call.h"
#include "run/runner.h"
#include "util/error.h"

int cubie_last_error(const char **message) {
  if (message) *message = cubie_error_message();
  return CUBIE_OK;
}

int cubie_error_string(int code, const char **name) {
  CUBIE_CHECK(name, CUBIE_ERR_INTERNAL, "cubie_error_string: NULL name");
  *name = cubie_error_name((cubie_err)code);
  return CUBIE_OK;
}

int cubie_get_version(const char **version) {
  CUBIE_CHECK(version, CUBIE_ERR_INTERNAL, "cubie_get_version: NULL version");
  *version = CUBIE_VERSION;
  return CUBIE_OK;
}

/* Rank 0 makes a unique temporary file name and every rank learns it.
 * One process: $TMPDIR (or /tmp). Several: beside the deck's output file,
 * the one directory every rank of a cluster job is likely to share. */
static int temporary_path(MPI_Comm comm, const char *output_file, char *path, size_t size) {
  int rank, n_ranks, rc = CUBIE_OK;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(comm, &n_ranks));
  if (rank == 0) {
    char dir[2048];
    const char *tmp = getenv("TMPDIR");
    if (n_ranks == 1) {
      snprintf(dir, sizeof dir, "%s", tmp && tmp[0] ? tmp : "/tmp");
    } else {
      const char *slash = strrchr(output_file, '/');
      if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - output_file), output_file);
      else snprintf(dir, sizeof dir, ".");
    }
    int len = snprintf(path, size, "%s/cubie-results-XXXXXX", dir[0] ? dir : "/");
    int fd = len > 0 && (size_t)len < size ? mkstemp(path) : -1;
    if (fd < 0) rc = CUBIE_RAISE(CUBIE_ERR_IO, "cannot create a temporary results file in '%s'", dir);
    else close(fd);
  }
  rc = cubie_mpi_agree(comm, rc);
  if (!rc) CUBIE_MPI_CALL(MPI_Bcast(path, (int)size, MPI_CHAR, 0, comm));
  return rc;
}

static int run_job(cubie_problem *problem, MPI_Comm comm, unsigned flags, const char *file,
                   cubie_results *results) {
  const cubie_job *job = NULL;
  CUBIE_CALL(cubie_problem_job(problem, &job));
  int provided = MPI_THREAD_SINGLE;
  CUBIE_MPI_CALL(MPI_Query_thread(&provided));
  char command_line[128];
  snprintf(command_line, sizeof command_line, "libcubie %s: cubie_problem_run", CUBIE_VERSION);
  cubie_run_settings settings = {.overwrite = (flags & CUBIE_RUN_OVERWRITE) != 0 || !file,
                                 .resume = (flags & CUBIE_RUN_RESUME) != 0,
                                 .quiet = (flags & CUBIE_RUN_PROGRESS) == 0,
                                 .sequential = provided < MPI_THREAD_SERIALIZED,
                                 .phase = CUBIE_PHASE_BOTH,
                                 .command_line = command_line};
  cubie_run_report report;
  int rc = cubie_runner_run(job, comm, &settings, &report);
  results->total_runs = report.total_runs;
  results->failed_runs = report.failed_runs;
  cubie_run_report_free(&report);
  return rc;
}

int cubie_problem_run_on(cubie_problem *problem, MPI_Comm comm, unsigned flags,
                         cubie_results **results) {
  CUBIE_CHECK(problem, CUBIE_ERR_INTERNAL, "cubie_problem_run: NULL problem");
  if (results) *results = NULL;
  CUBIE_CHECK(results || !(flags & CUBIE_RUN_NO_FILE), CUBIE_ERR_INPUT,
              "CUBIE_RUN_NO_FILE keeps no file, so it needs somewhere to put the results "
              "(a non-NULL results argument)");
  CUBIE_CHECK(!((flags & CUBIE_RUN_RESUME) && (flags & (CUBIE_RUN_OVERWRITE | CUBIE_RUN_NO_FILE))),
              CUBIE_ERR_INPUT, "CUBIE_RUN_RESUME continues a file; it cannot be combined with "
              "CUBIE_RUN_OVERWRITE or CUBIE_RUN_NO_FILE");
  int initialized = 0;
  CUBIE_MPI_CALL(MPI_Initialized(&initialized));
  CUBIE_CHECK(initialized, CUBIE_ERR_INPUT,
              "cubie_problem_run_on needs MPI initialised (or use cubie_problem_run)");
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  const cubie_job *job = NULL;
  CUBIE_CALL(cubie_problem_job(problem, &job));

  cubie_results *r = NULL;
  CUBIE_CALL(cubie_results_new(&r));
  bool temporary = (flags & CUBIE_RUN_NO_FILE) != 0;
  char path[4096];
  snprintf(path, sizeof path, "%s", job->cfg->output.file);
  char *saved = NULL;
  bool made_temporary = false;
  int rc = CUBIE_OK;
  if (temporary) {
    rc = temporary_path(comm, job->cfg->output.file, path, sizeof path);
    made_temporary = rc == CUBIE_OK;
    /* The run writes the temporary file; the problem keeps its own choice. */
    if (!rc && problem->output_file && !(saved = strdup(problem->output_file)))
      rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
    if (!rc) rc = cubie_problem_set_output_file(problem, path);
  }
  if (!rc) rc = run_job(problem, comm, flags, temporary ? NULL : path, r);
  if (temporary) {
    int restore = cubie_problem_set_output_file(problem, saved);
    if (!rc) rc = restore;
    free(saved);
  }
  if (!rc && !temporary && !(r->file = strdup(path)))
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  if (!rc && results && rank == 0) rc = cubie_results_read(r, path);
  rc = cubie_mpi_agree(comm, rc);
  if (made_temporary && rank == 0) unlink(path);
  if (rc || !results) {
    cubie_results_destroy(&r);
    return rc;
  }
  *results = r;
  return CUBIE_OK;
}

int cubie_problem_run(cubie_problem *problem, unsigned flags, cubie_results **results) {
  int started = 0;
  CUBIE_CALL(cubie_mpi_ensure(&started));
  return cubie_problem_run_on(problem, MPI_COMM_WORLD, flags, results);
}
