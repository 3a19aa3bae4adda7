/* stiff_cvode.c — the SUNDIALS CVODE contender of the stiff CPU benchmark
 * (tests/bench/cpu_stiff.py): ROBER or POLLU ensembles swept over their
 * rate constants.
 *
 * CVODE with BDF (CV_BDF, its default maximum order 5 and Newton iteration),
 * scalar tolerances, a serial N_Vector, the dense direct linear solver
 * (SUNDenseMatrix + SUNLinSol_Dense) and the hand-written analytic Jacobian
 * of stiff_models.h (CVodeSetJacFn), one integration per run to t_end with
 * CV_NORMAL and the stop time set to t_end. Everything else (Jacobian and
 * LU reuse, order and step selection, the initial step) is CVODE's default.
 *
 * Parallel like cubie's CPU backend and lorenz_arkode.c: runs spread over
 * OpenMP threads in blocks of 32, dynamically scheduled; each thread builds
 * ONE context, vector, matrix, linear solver and integrator (inside the
 * timed region) and reuses them for all its runs with CVodeReInit, setting
 * the stop time again after each.
 *
 * Usage:
 *   bench_stiff_cvode MODEL PARAMS_FILE OUT_FILE THREADS RTOL ATOL T_END
 *     PARAMS_FILE: runs x n_params float64 (the rate constants, deck order);
 *     OUT_FILE receives runs x n_states float64 final states; stdout gets
 *     bench_print's counter line and a second line with the Newton counters.
 *   bench_stiff_cvode check MODEL
 *     compares the analytic Jacobian with central differences; exit 1 when
 *     an entry is off.
 */
#include <math.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "bench_common.h"
#include "stiff_models.h"

typedef struct run_data {
  const stiff_model *model;
  const double *k; /* this run's rate constants */
} run_data;

static int cvode_rhs(realtype t, N_Vector y, N_Vector ydot, void *user_data) {
  (void)t;
  const run_data *d = user_data;
  d->model->rhs(d->k, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return 0;
}

static int cvode_jac(realtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *user_data,
                     N_Vector tmp1, N_Vector tmp2, N_Vector tmp3) {
  (void)t;
  (void)fy;
  (void)tmp1;
  (void)tmp2;
  (void)tmp3;
  const run_data *d = user_data;
  SUNMatZero(J); /* CVODE hands back the matrix it last used */
  d->model->jac(d->k, N_VGetArrayPointer(y), SM_DATA_D(J));
  return 0;
}

/* One thread's integrator, built once and reinitialised per run. */
typedef struct thread_solver {
  SUNContext ctx;
  N_Vector y;
  SUNMatrix A;
  SUNLinearSolver ls;
  void *mem;
  run_data d;
} thread_solver;

typedef struct stiff_counts {
  long long jacobians, lu, newton;
} stiff_counts;

static int solver_create(thread_solver *s, const stiff_model *m, double rtol, double atol) {
  memset(s, 0, sizeof *s);
  s->d.model = m;
  s->d.k = m->nominal;
  if (SUNContext_Create(NULL, &s->ctx)) return -1;
  s->y = N_VNew_Serial(m->n_states, s->ctx);
  if (!s->y) return -1;
  memcpy(N_VGetArrayPointer(s->y), m->y0, (size_t)m->n_states * sizeof(double));
  s->A = SUNDenseMatrix(m->n_states, m->n_states, s->ctx);
  if (!s->A) return -1;
  s->ls = SUNLinSol_Dense(s->y, s->A, s->ctx);
  if (!s->ls) return -1;
  s->mem = CVodeCreate(CV_BDF, s->ctx);
  if (!s->mem) return -1;
  int rc = 0;
  rc |= CVodeInit(s->mem, cvode_rhs, 0.0, s->y);
  rc |= CVodeSStolerances(s->mem, rtol, atol);
  rc |= CVodeSetLinearSolver(s->mem, s->ls, s->A);
  rc |= CVodeSetJacFn(s->mem, cvode_jac);
  rc |= CVodeSetMaxNumSteps(s->mem, 1000000); /* cubie's default max_steps */
  rc |= CVodeSetUserData(s->mem, &s->d);
  return rc ? -1 : 0;
}

static void solver_destroy(thread_solver *s) {
  if (s->mem) CVodeFree(&s->mem);
  if (s->ls) SUNLinSolFree(s->ls);
  if (s->A) SUNMatDestroy(s->A);
  if (s->y) N_VDestroy(s->y);
  if (s->ctx) SUNContext_Free(&s->ctx);
}

/* Integrates one run with rate constants k; its final state goes to out. */
static int solver_run(thread_solver *s, const double *k, double t_end, double *out,
                      bench_counts *c, stiff_counts *sc) {
  const int n = s->d.model->n_states;
  s->d.k = k;
  memcpy(N_VGetArrayPointer(s->y), s->d.model->y0, (size_t)n * sizeof(double));
  if (CVodeReInit(s->mem, 0.0, s->y)) return -1;
  if (CVodeSetStopTime(s->mem, t_end)) return -1;
  realtype t = 0.0;
  const int flag = CVode(s->mem, t_end, s->y, &t, CV_NORMAL);
  long steps = 0, error_fails = 0, solve_fails = 0, nfe = 0, nfe_ls = 0, nje = 0, nsetups = 0,
       nni = 0;
  CVodeGetNumSteps(s->mem, &steps);
  CVodeGetNumErrTestFails(s->mem, &error_fails);
  CVodeGetNumStepSolveFails(s->mem, &solve_fails);
  CVodeGetNumRhsEvals(s->mem, &nfe);
  CVodeGetNumLinRhsEvals(s->mem, &nfe_ls); /* 0 with an analytic Jacobian */
  CVodeGetNumJacEvals(s->mem, &nje);
  CVodeGetNumLinSolvSetups(s->mem, &nsetups);
  CVodeGetNumNonlinSolvIters(s->mem, &nni);
  c->accepted += steps;
  c->rejected += error_fails + solve_fails;
  c->rhs += nfe + nfe_ls;
  sc->jacobians += nje;
  sc->lu += nsetups; /* each linear-solver setup factorises I - gamma J */
  sc->newton += nni;
  memcpy(out, N_VGetArrayPointer(s->y), (size_t)n * sizeof(double));
  return (flag < 0 || t != t_end) ? -1 : 0;
}

/* Analytic Jacobian against central differences at states in [0.5, 1.5]
 * and rate constants 0.5 to 2 times the nominal ones. Both models are at
 * most quadratic in y, so a central difference is exact up to rounding for
 * any h; the rounding bound scales with |f|, a few ulps of it, so that a
 * forgotten k17 = 0.0175 beside POLLU's 4.44e11 term in row 3 is still
 * found (8x over the bound, while the correct Jacobians stay under 0.1x). */
static int check_jacobian(const stiff_model *m) {
  const int n = m->n_states;
  double k[32], y[STIFF_MAX_STATES], yp[STIFF_MAX_STATES], fp[STIFF_MAX_STATES],
      fm[STIFF_MAX_STATES], J[STIFF_MAX_STATES * STIFF_MAX_STATES];
  const double h = 0.5;
  double worst = 0.0;
  int bad = 0;
  unsigned seed = 12345u;
  for (int trial = 0; trial < 8; trial++) {
    for (int p = 0; p < m->n_params; p++) {
      seed = seed * 1103515245u + 12345u;
      k[p] = m->nominal[p] * (0.5 + 1.5 * (double)(seed >> 8) / 16777216.0);
    }
    for (int i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      y[i] = 0.5 + (double)(seed >> 8) / 16777216.0;
    }
    memset(J, 0, sizeof J);
    m->jac(k, y, J);
    for (int j = 0; j < n; j++) {
      memcpy(yp, y, sizeof y);
      yp[j] = y[j] + h;
      m->rhs(k, yp, fp);
      yp[j] = y[j] - h;
      m->rhs(k, yp, fm);
      for (int i = 0; i < n; i++) {
        const double fd = (fp[i] - fm[i]) / (2.0 * h);
        const double scale = 1e-12 * fabs(J[i + n * j]) + 4e-15 * (fabs(fp[i]) + fabs(fm[i])) / h;
        const double off = fabs(fd - J[i + n * j]);
        if (off > scale) {
          if (bad++ < 10)
            fprintf(stderr, "%s: J[%d][%d] = %.17g, central difference %.17g\n", m->name, i + 1,
                    j + 1, J[i + n * j], fd);
        }
        if (off / (scale + 1e-300) > worst) worst = off / (scale + 1e-300);
      }
    }
  }
  printf("%s: Jacobian %s (largest difference %.2g of its bound)\n", m->name,
         bad ? "WRONG" : "matches central differences", worst);
  return bad ? 1 : 0;
}

static void usage(const char *prog) {
  fprintf(stderr,
          "usage: %s MODEL PARAMS_FILE OUT_FILE THREADS RTOL ATOL T_END\n"
          "       %s check MODEL\n(MODEL: rober or pollu)\n",
          prog, prog);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "check") == 0) {
    const stiff_model *m = stiff_model_find(argv[2]);
    if (!m) {
      usage(argv[0]);
      return 2;
    }
    return check_jacobian(m);
  }
  if (argc != 8) {
    usage(argv[0]);
    return 2;
  }
  const stiff_model *m = stiff_model_find(argv[1]);
  const int threads_wanted = atoi(argv[4]);
  const double rtol = atof(argv[5]), atol = atof(argv[6]), t_end = atof(argv[7]);
  if (!m || threads_wanted < 0 || !(rtol > 0.0) || !(atol > 0.0) || !(t_end > 0.0)) {
    usage(argv[0]);
    return 2;
  }
  long n_values = 0;
  double *k = bench_read_doubles(argv[2], &n_values);
  if (!k) return 1;
  if (n_values % m->n_params) {
    fprintf(stderr, "%s: %ld values are not whole runs of %d rate constants\n", argv[2], n_values,
            m->n_params);
    free(k);
    return 1;
  }
  const long n_runs = n_values / m->n_params;
  double *y = malloc((size_t)n_runs * (size_t)m->n_states * sizeof *y);
  if (!y) {
    free(k);
    return 1;
  }
  if (threads_wanted > 0) omp_set_num_threads(threads_wanted);
  long long accepted = 0, rejected = 0, rhs = 0, failed = 0, jacobians = 0, lu = 0, newton = 0;
  int threads = 1, setup_failed = 0;

  const double start = omp_get_wtime();
#pragma omp parallel reduction(+ : accepted, rejected, rhs, failed, jacobians, lu, newton, setup_failed)
  {
#pragma omp single
    threads = omp_get_num_threads();
    thread_solver s;
    const int ok = solver_create(&s, m, rtol, atol) == 0;
    if (!ok) setup_failed++;
#pragma omp for schedule(dynamic, 32)
    for (long r = 0; r < n_runs; r++) {
      bench_counts c = {0, 0, 0, 0};
      stiff_counts sc = {0, 0, 0};
      if (!ok || solver_run(&s, k + r * m->n_params, t_end, y + r * m->n_states, &c, &sc))
        failed++;
      accepted += c.accepted;
      rejected += c.rejected;
      rhs += c.rhs;
      jacobians += sc.jacobians;
      lu += sc.lu;
      newton += sc.newton;
    }
    solver_destroy(&s);
  }
  const double seconds = omp_get_wtime() - start;
  if (setup_failed) fprintf(stderr, "%s: cannot set up CVODE\n", argv[0]);

  bench_counts total = {accepted, rejected, rhs, failed};
  bench_print(seconds, threads, n_runs, &total);
  printf("jacobians=%lld lu=%lld newton=%lld\n", jacobians, lu, newton);
  int rc = bench_write_doubles(argv[3], y, n_runs * m->n_states);
  free(y);
  free(k);
  return (rc || setup_failed) ? 1 : 0;
}
