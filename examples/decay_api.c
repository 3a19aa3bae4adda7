/* decay_api.c — a program using libcubie through its public API only
 * (docs/api.md): exponential decay dy/dt = -k y, y(0) = 1, swept over k,
 * checked against the exact solution y = exp(-k t).
 *
 *   decay_api memory          a problem built key by key in code; results in
 *                             memory only (no file is left)
 *   decay_api file OUT.nc     a problem from deck text; results in OUT.nc and
 *                             in memory; a broken deck's error message
 *   decay_api mpi OUT.nc      the program starts MPI itself and runs on its
 *                             own communicator (run it under mpiexec)
 *
 * Exits 0 when every value matches the exact solution, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cubie/cubie_mpi.h> /* includes cubie/cubie.h and mpi.h */

static int failures = 0;

/* Report a failed call with cubie's message and give up. */
#define CALL(expr)                                                           \
  do {                                                                       \
    int rc_ = (expr);                                                        \
    if (rc_ != CUBIE_OK) {                                                   \
      const char *msg_, *name_;                                              \
      cubie_last_error(&msg_);                                               \
      cubie_error_string(rc_, &name_);                                       \
      fprintf(stderr, "decay_api: %s: %s: %s\n", #expr, name_, msg_);        \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

/* y(run, time) against exp(-k t), with k and t from the results. */
static void check_decay(const cubie_results *results, const char *what) {
  cubie_array y, k, t;
  CALL(cubie_results_find(results, "y", &y));
  CALL(cubie_results_find(results, "k", &k));
  CALL(cubie_results_find(results, "time", &t));
  if (y.type != CUBIE_TYPE_FLOAT64 || y.ndim != 2 || strcmp(y.dims[0], "run") != 0 ||
      strcmp(y.dims[1], "time") != 0 || y.shape[0] != k.size || y.shape[1] != t.size) {
    fprintf(stderr, "%s: y has an unexpected layout\n", what);
    failures++;
    return;
  }
  const double *yv = y.data, *kv = k.data, *tv = t.data;
  double worst = 0.0;
  for (size_t r = 0; r < y.shape[0]; r++)
    for (size_t j = 0; j < y.shape[1]; j++) {
      double exact = exp(-kv[r] * tv[j]);
      double err = fabs(yv[r * y.shape[1] + j] - exact);
      if (err > worst) worst = err;
    }
  long long total = 0, failed = 0;
  CALL(cubie_results_summary(results, &total, &failed));
  printf("%s: %lld runs x %zu save points, %lld failed, largest error %.3g (units of y: %s)\n",
         what, total, t.size, failed, worst, y.units ? y.units : "none");
  if (worst > 1e-6 || failed != 0 || total != (long long)k.size) failures++;
}

/* A problem built in code: every key by its path, as `cubie run --set`. */
static void in_memory(void) {
  cubie_problem *p = NULL;
  CALL(cubie_problem_create(&p));
  CALL(cubie_problem_set(p, "model.name", "decay"));
  CALL(cubie_problem_set(p, "model.states.y", "{value: 1.0, units: mol/L}"));
  CALL(cubie_problem_set(p, "model.parameters.k", "1.0"));
  CALL(cubie_problem_set(p, "model.equations", "dy = -k * y"));
  CALL(cubie_problem_set(p, "integrator.duration", "2.0"));
  CALL(cubie_problem_set(p, "integrator.rtol", "1e-10"));
  CALL(cubie_problem_set(p, "integrator.atol", "1e-12"));
  CALL(cubie_problem_set(p, "batch.sweep.k", "{linspace: [0.5, 3.0, 6]}"));
  CALL(cubie_problem_set(p, "output.save_every", "0.25"));
  CALL(cubie_problem_set(p, "run.backend", "cpu"));
  long long runs = 0;
  CALL(cubie_problem_total_runs(p, &runs));
  cubie_results *r = NULL;
  CALL(cubie_problem_run(p, CUBIE_RUN_NO_FILE, &r));
  const char *file = "";
  CALL(cubie_results_file(r, &file));
  if (file != NULL || runs != 6) failures++;
  check_decay(r, "in memory");
  cubie_results_destroy(&r);
  cubie_problem_destroy(&p);
}

static const char deck[] =
    "model:\n"
    "  name: decay\n"
    "  states: {y: 1.0}\n"
    "  parameters: {k: 1.0}\n"
    "  equations: |\n"
    "    dy = -k * y\n"
    "integrator: {duration: 1.0, rtol: 1.0e-10, atol: 1.0e-12}\n"
    "batch:\n"
    "  sweep:\n"
    "    k: {values: [0.1, 1.0, 10.0]}\n"
    "output: {save_every: 0.1}\n"
    "run: {backend: cpu}\n";

/* The same from deck text; the file is kept and read back too. */
static void in_file(const char *path) {
  cubie_problem *p = NULL;
  CALL(cubie_problem_from_string(deck, "decay.yaml", &p));
  CALL(cubie_problem_set_output_file(p, path));
  cubie_results *r = NULL;
  CALL(cubie_problem_run(p, CUBIE_RUN_OVERWRITE, &r));
  const char *file = NULL;
  CALL(cubie_results_file(r, &file));
  if (!file || strcmp(file, path) != 0) failures++;
  check_decay(r, "in the file");
  cubie_results_destroy(&r);
  cubie_problem_destroy(&p);

  /* A deck error comes back as the command line reports it. */
  CALL(cubie_problem_from_string("model:\n  states: {y: 1.0}\n  equations: dy = -y\n"
                                 "integrator:\n  duration: -1\n",
                                 "broken.yaml", &p));
  int rc = cubie_problem_check(p);
  const char *message = "";
  cubie_last_error(&message);
  printf("a broken deck: error %d: %s\n", rc, message);
  if (rc != CUBIE_ERR_INPUT || strncmp(message, "broken.yaml:5:", 14) != 0) failures++;
  cubie_problem_destroy(&p);
}

/* The program's own MPI: run on its communicator. */
static void on_own_communicator(const char *path) {
  int provided = 0, rank = 0, size = 0;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
  MPI_Comm comm;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  cubie_problem *p = NULL;
  CALL(cubie_problem_from_string(deck, "decay.yaml", &p));
  CALL(cubie_problem_set_output_file(p, path));
  cubie_results *r = NULL;
  CALL(cubie_problem_run_on(p, comm, CUBIE_RUN_OVERWRITE, &r));
  int count = 0;
  CALL(cubie_results_count(r, &count));
  if (rank == 0) {
    char what[64];
    snprintf(what, sizeof what, "on %d rank%s", size, size == 1 ? "" : "s");
    check_decay(r, what);
  } else if (count != 0) {
    failures++; /* in-memory results are rank 0's */
  }
  cubie_results_destroy(&r);
  cubie_problem_destroy(&p);
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_SUM, comm);
  MPI_Comm_free(&comm);
  MPI_Finalize();
}

int main(int argc, char **argv) {
  const char *version = "";
  CALL(cubie_get_version(&version));
  const char *mode = argc > 1 ? argv[1] : "memory";
  if (strcmp(mode, "memory") == 0) {
    in_memory();
  } else if (strcmp(mode, "file") == 0 && argc > 2) {
    in_file(argv[2]);
  } else if (strcmp(mode, "mpi") == 0 && argc > 2) {
    on_own_communicator(argv[2]);
  } else {
    fprintf(stderr, "usage: decay_api memory | file OUT.nc | mpi OUT.nc\n");
    return 2;
  }
  CALL(cubie_finalize());
  if (failures) fprintf(stderr, "decay_api (libcubie %s): %d check(s) failed\n", version, failures);
  return failures ? 1 : 0;
}
