/* test_linsolve_krylov.c — the Krylov linear solver (kernels/
 * linsolve_krylov.h, gmres.h) behind the seam of linsolve.h, against the
 * dense LU (lu_dense.h) and long-double references on the systems of
 * linsolve_cases.h.
 *
 * Built as a kernel translation unit of 12 states (a Rosenbrock method
 * selects the seam; CUBIE_LINSOLVE_COMPLEX is forced so Radau's complex
 * pair is compiled and tested too), for float64 and float32.
 *   - well-conditioned, stiff and coupled stiff systems on random
 *     patterns, at a tolerance far below round-off: the solution agrees
 *     with the dense LU's within 64 N ε κ∞(M) (round-off, amplified by
 *     the condition as a direct solver's is), and with a loose tolerance
 *     its scaled, preconditioned residual is within that tolerance —
 *     what cubie_linsolve_accuracy asks for, checked independently
 *     (weights atol + rtol |y_J|, diagonal c − J_ii);
 *   - GMRES(10) on 12 states restarts: M = I + 0.4 P (P a cyclic shift)
 *     needs more than 10 iterations to reach round-off in either
 *     precision, and gets there (its solution is known in closed form);
 *     every solve counts its iterations in linear_iterations (one J·v
 *     each), at most 5 restart cycles;
 *   - the complex pair against the dense complex LU, likewise;
 *   - outcomes: the cyclic shift M = c·I − J with J = c·I − P (P a cyclic
 *     permutation, zero diagonal in M) stagnates under GMRES(10) on 12
 *     states and reports CUBIE_STEP_NEWTON_FAILED after all 50
 *     iterations; a NaN on J's diagonal is CUBIE_STEP_NONFINITE at
 *     factorisation, a NaN off it at the solve; b = 0 gives x = 0 with
 *     no iteration;
 *   - counters: a Jacobian counts one Jacobian and one f, a
 *     factorisation (the preconditioner's setup) one lu_factorizations.
 */
#define TEST_N 12
#include "tu_prologue.h"
#include "pattern_model.h"
#include "step.h"
#include "linsolve_cases.h"

#include <stdio.h>
#include <stdlib.h>

#include "check.h"

#define N TEST_N
#define EPS CUBIE_REAL_EPSILON

static cubie_i64 counters[CUBIE_N_COUNTERS];
static cubie_real y_jac[N], diag[N], basis[(CUBIE_KRYLOV_DIM + 1) * N], work[2 * N];
static cubie_real hess[(CUBIE_KRYLOV_DIM + 1) * (CUBIE_KRYLOV_DIM + 3)];
static cubie_real basis_c[2 * (CUBIE_KRYLOV_DIM + 1) * N], work_c[4 * N];
static cubie_real params[N * N];

static cubie_linsolve_work seam(void) {
  cubie_linsolve_work ls;
  memset(&ls, 0, sizeof ls);
  ls.y_jac = y_jac;
  ls.diag = diag;
  ls.basis = basis;
  ls.work = work;
  ls.hess = hess;
  ls.basis_c = basis_c;
  ls.work_c = work_c;
  return ls;
}

/* Take J (into the parameters J·v reads) at y = (1, ..., 1). */
static void take(cubie_linsolve_work *ls, const double *J) {
  cubie_real y[N], f[N];
  for (int k = 0; k < N * N; k++) params[k] = (cubie_real)J[k];
  for (int i = 0; i < N; i++) y[i] = (cubie_real)1;
  cubie_linsolve_jacobian(ls, 0.0, y, params, f, counters);
}

static int restarted = 0;

static void real_case(int kind, double density) {
  unsigned char a[N][N];
  double J[N * N], c;
  case_pattern(density, kind == CASE_WELL ? 0.7 : 1.0, a);
  case_matrix(kind, a, J, &c);
  for (int k = 0; k < N * N; k++) J[k] = (double)(cubie_real)J[k];
  c = (double)(cubie_real)c;
  long double M[N * N], bl[N], xref[N];
  case_iteration_matrix(J, c, M);
  cubie_real b[N], x[N], xd[N];
  for (int i = 0; i < N; i++) {
    b[i] = (cubie_real)case_signed();
    bl[i] = b[i];
  }
  case_exact_solve(M, bl, xref);
  const double kappa = case_condition(M);
  cubie_linsolve_work ls = seam();
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  /* As accurate as round-off allows (the relative floor ends it). */
  cubie_linsolve_accuracy(&ls, (cubie_real)1, (cubie_real)0, (cubie_real)1e-30);
  memcpy(x, b, sizeof x);
  const cubie_i64 before = counters[CUBIE_COUNTER_LINEAR];
  const int rc = cubie_linsolve_solve(&ls, x, counters);
  const cubie_i64 iterations = counters[CUBIE_COUNTER_LINEAR] - before;
  CHECK(iterations >= 1 && iterations <= 5 * CUBIE_KRYLOV_DIM);
  restarted += iterations > CUBIE_KRYLOV_DIM;
  CHECK_INT(case_dense_solve(J, c, b, xd), CUBIE_LU_OK);
  long double xdl[N];
  for (int i = 0; i < N; i++) xdl[i] = xd[i];
  const double err = case_relative(x, xref), agree = case_relative(x, xdl);
  if (rc != CUBIE_STEP_OK || !(err <= 64.0 * N * EPS * kappa))
    fprintf(stderr, "%s (density %.2f): rc %d after %lld iterations, error %.3g, vs dense %.3g, kappa %.3g\n",
            case_names[kind], density, rc, (long long)iterations, err, agree, kappa);
  CHECK_INT(rc, CUBIE_STEP_OK);
  CHECK(err <= 64.0 * N * EPS * kappa);
  CHECK(agree <= 128.0 * N * EPS * kappa);

  /* A step's tolerance: the scaled, preconditioned residual is within it. */
  const double atol = 1e-6, rtol = 1e-3, tol = 1e-2;
  cubie_linsolve_accuracy(&ls, (cubie_real)atol, (cubie_real)rtol, (cubie_real)tol);
  memcpy(x, b, sizeof x);
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_OK);
  long double sum = 0, bsum = 0;
  for (int i = 0; i < N; i++) {
    long double r = bl[i];
    for (int j = 0; j < N; j++) r -= M[i * N + j] * x[j];
    const long double scale = (atol + rtol * 1.0) * M[i * N + i]; /* y_J = 1 */
    sum += (r / scale) * (r / scale);
    bsum += (bl[i] / scale) * (bl[i] / scale);
  }
  const double rms = (double)sqrtl(sum / N), floor = 100.0 * EPS * (double)sqrtl(bsum / N);
  CHECK(rms <= 1.0001 * (tol > floor ? tol : floor) + 64.0 * EPS * (double)sqrtl(bsum / N));
}

static void complex_case(int kind, double density) {
  unsigned char a[N][N];
  double J[N * N], c;
  case_pattern(density, 1.0, a);
  case_matrix(kind, a, J, &c);
  for (int k = 0; k < N * N; k++) J[k] = (double)(cubie_real)J[k];
  const double alpha = (double)(cubie_real)c, beta = (double)(cubie_real)(0.8 * c);
  cubie_real xr[N], xi[N];
  case_complex M[N * N], b[N], xref[N];
  for (int i = 0; i < N; i++) {
    xr[i] = (cubie_real)case_signed();
    xi[i] = (cubie_real)case_signed();
    b[i] = xr[i] + xi[i] * (case_complex)_Complex_I;
  }
  case_complex_matrix(J, alpha, beta, M);
  case_exact_solve_complex(M, b, xref);
  const double kappa = case_condition_complex(M);
  cubie_linsolve_work ls = seam();
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)alpha, (cubie_real)beta, counters),
            CUBIE_STEP_OK);
  cubie_linsolve_accuracy(&ls, (cubie_real)1, (cubie_real)0, (cubie_real)1e-30);
  const int rc = cubie_linsolve_solve_complex(&ls, xr, xi, counters);
  const double err = case_relative_complex(xr, xi, xref);
  if (rc != CUBIE_STEP_OK || !(err <= 64.0 * N * EPS * kappa))
    fprintf(stderr, "complex %s (density %.2f): rc %d, error %.3g, kappa %.3g\n", case_names[kind],
            density, rc, err, kappa);
  CHECK_INT(rc, CUBIE_STEP_OK);
  CHECK(err <= 64.0 * N * EPS * kappa);
}

static void outcomes(void) {
  unsigned char a[N][N];
  memset(a, 0, sizeof a);
  double J[N * N];
  /* M = c I − J = P, the cyclic shift e_i -> e_(i+1): GMRES(m < N) makes no progress. */
  const double c = 2.0;
  memset(J, 0, sizeof J);
  for (int i = 0; i < N; i++) {
    J[i * N + i] = c;
    J[((i + 1) % N) * N + i] = -1.0;
  }
  cubie_linsolve_work ls = seam();
  for (int k = 0; k < CUBIE_N_COUNTERS; k++) counters[k] = 0;
  take(&ls, J);
  CHECK_INT(counters[CUBIE_COUNTER_JACOBIAN_EVALS], 1);
  CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], 1);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LU], 1);
  cubie_linsolve_accuracy(&ls, (cubie_real)1e-6, (cubie_real)1e-6, (cubie_real)1e-3);
  cubie_real x[N];
  for (int i = 0; i < N; i++) x[i] = (cubie_real)(i == 0);
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_NEWTON_FAILED);
  CHECK_INT(counters[CUBIE_COUNTER_LINEAR], 5 * CUBIE_KRYLOV_DIM);
  /* M = I + 0.4 P: the residual falls by about 0.4^10 a cycle, so the
   * round-off floor takes more than one cycle in either precision, and
   * the restarted iteration reaches it. */
  for (int i = 0; i < N; i++) {
    J[i * N + i] = c - 1.0;
    J[((i + 1) % N) * N + i] = -0.4;
  }
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  cubie_linsolve_accuracy(&ls, (cubie_real)1, (cubie_real)0, (cubie_real)1e-30);
  for (int i = 0; i < N; i++) x[i] = (cubie_real)(i == 0);
  cubie_i64 before = counters[CUBIE_COUNTER_LINEAR];
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_OK);
  const cubie_i64 iterations = counters[CUBIE_COUNTER_LINEAR] - before;
  CHECK(iterations > CUBIE_KRYLOV_DIM && iterations < 5 * CUBIE_KRYLOV_DIM);
  /* x = (I + 0.4 P)⁻¹ e_0: x_k = (−0.4)^k / (1 − (−0.4)^N). */
  for (int k = 0; k < N; k++)
    CHECK_NEAR(x[k], pow(-0.4, k) / (1.0 - pow(-0.4, N)), 1000 * EPS);
  for (int i = 0; i < N; i++) {
    J[i * N + i] = c;
    J[((i + 1) % N) * N + i] = -1.0;
  }
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  /* b = 0: x = 0 at once. */
  before = counters[CUBIE_COUNTER_LINEAR];
  for (int i = 0; i < N; i++) x[i] = (cubie_real)0;
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LINEAR], before);
  for (int i = 0; i < N; i++) CHECK(x[i] == (cubie_real)0);
  /* NaN on the diagonal: at factorisation; off it: at the solve. */
  J[3 * N + 3] = NAN;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_NONFINITE);
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)c, (cubie_real)1, counters),
            CUBIE_STEP_NONFINITE);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)INFINITY, counters), CUBIE_STEP_NONFINITE);
  J[3 * N + 3] = c;
  J[4 * N + 7] = NAN;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  for (int i = 0; i < N; i++) x[i] = (cubie_real)1;
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_NONFINITE);
}

int main(void) {
  const double densities[] = {0.05, 0.15, 0.3, 0.6};
  for (int kind = 0; kind < N_CASE_KINDS; kind++)
    for (int trial = 0; trial < 40; trial++) real_case(kind, densities[trial % 4]);
  for (int kind = 0; kind < N_CASE_KINDS; kind++)
    for (int trial = 0; trial < 20; trial++) complex_case(kind, densities[trial % 4]);
  printf("random systems whose solve restarted: %d of %d\n", restarted, 3 * 40);
  outcomes();
  CHECK_DONE();
}
