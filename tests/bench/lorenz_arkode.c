/* lorenz_arkode.c — the SUNDIALS ARKODE contender of the CPU benchmark.
 *
 * ERKStep with the Dormand–Prince 5(4) table (ARKODE_DORMAND_PRINCE_7_4_5),
 * scalar tolerances, a serial N_Vector of length 3, one integration per run
 * to t_end with ARK_NORMAL and the stop time set to t_end. The controller is
 * ARKODE's PI controller with its default parameters
 * (ERKStepSetAdaptivityMethod(mem, 1, 1, 0, NULL)): the same family as
 * cubie's `pi`, but ARKODE's own error bias, safety factor and growth limits.
 *
 * Parallel like cubie's CPU backend: runs spread over OpenMP threads in
 * blocks of 32, dynamically scheduled. Each thread creates ONE SUNContext,
 * vector and ERKStep integrator and reuses it for all its runs with
 * ERKStepReInit (then sets the stop time again, so no version-dependent
 * "stop time is cleared once reached" rule matters); this setup is inside
 * the timed region, once per thread.
 */
#include <arkode/arkode_erkstep.h>
#include <nvector/nvector_serial.h>
#include <omp.h>

#include "bench_common.h"

typedef struct run_parameters {
  double sigma, rho, beta;
} run_parameters;

static int lorenz_rhs(realtype t, N_Vector y, N_Vector ydot, void *user_data) {
  (void)t;
  const run_parameters *p = user_data;
  const realtype *u = N_VGetArrayPointer(y);
  realtype *f = N_VGetArrayPointer(ydot);
  f[0] = p->sigma * (u[1] - u[0]);
  f[1] = u[0] * (p->rho - u[2]) - u[1];
  f[2] = u[0] * u[1] - p->beta * u[2];
  return 0;
}

/* One thread's integrator, built once and reinitialised per run. */
typedef struct thread_solver {
  SUNContext ctx;
  N_Vector y;
  void *mem;
  run_parameters p;
} thread_solver;

static int solver_create(thread_solver *s, const bench_args *a) {
  memset(s, 0, sizeof *s);
  s->p.sigma = BENCH_SIGMA;
  s->p.beta = BENCH_BETA;
  if (SUNContext_Create(NULL, &s->ctx)) return -1;
  s->y = N_VNew_Serial(BENCH_N_STATES, s->ctx);
  if (!s->y) return -1;
  N_VConst(0.0, s->y);
  NV_Ith_S(s->y, 0) = 1.0;
  s->mem = ERKStepCreate(lorenz_rhs, 0.0, s->y, s->ctx);
  if (!s->mem) return -1;
  int rc = 0;
  rc |= ERKStepSetTableNum(s->mem, ARKODE_DORMAND_PRINCE_7_4_5);
  rc |= ERKStepSStolerances(s->mem, a->rtol, a->atol);
  rc |= ERKStepSetAdaptivityMethod(s->mem, 1 /* PI */, 1 /* default parameters */,
                                   0 /* embedding order */, NULL);
  rc |= ERKStepSetMaxNumSteps(s->mem, 1000000);
  rc |= ERKStepSetUserData(s->mem, &s->p);
  return rc ? -1 : 0;
}

static void solver_destroy(thread_solver *s) {
  if (s->mem) ERKStepFree(&s->mem);
  if (s->y) N_VDestroy(s->y);
  if (s->ctx) SUNContext_Free(&s->ctx);
}

/* Integrates one run; its final state goes to out[0..2]. */
static int solver_run(thread_solver *s, double rho, double t_end, double *out, bench_counts *c) {
  s->p.rho = rho;
  NV_Ith_S(s->y, 0) = 1.0;
  NV_Ith_S(s->y, 1) = 0.0;
  NV_Ith_S(s->y, 2) = 0.0;
  if (ERKStepReInit(s->mem, lorenz_rhs, 0.0, s->y)) return -1;
  if (ERKStepSetStopTime(s->mem, t_end)) return -1;
  realtype t = 0.0;
  int flag = ERKStepEvolve(s->mem, t_end, s->y, &t, ARK_NORMAL);
  long steps = 0, fails = 0, nfe = 0;
  ERKStepGetNumSteps(s->mem, &steps);
  ERKStepGetNumErrTestFails(s->mem, &fails);
  ERKStepGetNumRhsEvals(s->mem, &nfe);
  c->accepted += steps;
  c->rejected += fails;
  c->rhs += nfe;
  for (int n = 0; n < BENCH_N_STATES; n++) out[n] = NV_Ith_S(s->y, n);
  return (flag < 0 || t != t_end) ? -1 : 0;
}

int main(int argc, char **argv) {
  bench_args a;
  long n_runs = 0;
  double *rho = NULL, *y = NULL;
  int status = bench_start(argc, argv, &a, &rho, &n_runs, &y);
  if (status) return status;
  long long accepted = 0, rejected = 0, rhs = 0, failed = 0;
  int threads = 1, setup_failed = 0;

  const double start = omp_get_wtime();
#pragma omp parallel reduction(+ : accepted, rejected, rhs, failed, setup_failed)
  {
#pragma omp single
    threads = omp_get_num_threads();
    thread_solver s;
    const int ok = solver_create(&s, &a) == 0;
    if (!ok) setup_failed++;
#pragma omp for schedule(dynamic, 32)
    for (long r = 0; r < n_runs; r++) {
      bench_counts c = {0, 0, 0, 0};
      if (!ok || solver_run(&s, rho[r], a.t_end, y + r * BENCH_N_STATES, &c)) failed++;
      accepted += c.accepted;
      rejected += c.rejected;
      rhs += c.rhs;
    }
    solver_destroy(&s);
  }
  const double seconds = omp_get_wtime() - start;
  if (setup_failed) fprintf(stderr, "%s: cannot set up ARKODE\n", argv[0]);

  bench_counts total = {accepted, rejected, rhs, failed};
  bench_print(seconds, threads, n_runs, &total);
  int rc = bench_write_states(a.out_path, y, n_runs);
  free(y);
  free(rho);
  return (rc || setup_failed) ? 1 : 0;
}
