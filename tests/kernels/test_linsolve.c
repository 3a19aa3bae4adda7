/* test_linsolve.c — the linear-solver seam (kernels/linsolve.h) with the
 * dense LU, against systems with known solutions.
 *
 * Built as a kernel translation unit (a Rosenbrock method selects the
 * seam; CUBIE_LINSOLVE_COMPLEX is forced so Radau's complex pair is
 * compiled and tested too), for float64 and float32. The model's Jacobian is
 * its parameters (matrix_model.h), so each case chooses J:
 *   - M = c·I − J whose first pivot is 0: the solve needs a row
 *     interchange (the pivot chosen is the largest), and returns the known x;
 *   - M with two equal rows, and one of rank 2 (rows multiples of each
 *     other): CUBIE_STEP_SINGULAR; J with a NaN or an Inf:
 *     CUBIE_STEP_NONFINITE;
 *   - complex M = (α + iβ)·I − J: the known complex x, with pivoting; J with
 *     the eigenvalue α + iβ: CUBIE_STEP_SINGULAR;
 *   - counters: cubie_linsolve_jacobian counts a Jacobian and an f (and
 *     returns f = J y), each factorisation one lu_factorizations, each solve
 *     one linear_iterations.
 */
#include "tu_prologue.h"
#include "matrix_model.h"
#include "run.h"

#include <stdio.h>

#include "check.h"

#define N 4
#if defined(CUBIE_PRECISION_FLOAT32)
#define TOL 2e-5
#else
#define TOL 1e-13
#endif

/* The seam's buffers as a kernel declares them. */
#define DECLARE(ls)                          \
  cubie_real *shared_scratch = NULL;         \
  cubie_real *persistent_scratch = NULL;     \
  (void)shared_scratch;                      \
  (void)persistent_scratch;                  \
  CUBIE_LINSOLVE_DECLARE_WORK(ls)

static cubie_i64 counters[CUBIE_N_COUNTERS];

/* Take J (the parameters) into ls. */
static void take(cubie_linsolve_work *ls, const double *J) {
  cubie_real p[16], y[N] = {1, 1, 1, 1}, f[N];
  for (int i = 0; i < 16; i++) p[i] = (cubie_real)J[i];
  cubie_linsolve_jacobian(ls, 0.0, y, p, f, counters);
  for (int i = 0; i < N; i++) {
    double row = 0.0;
    for (int j = 0; j < N; j++) row += J[i * N + j];
    if (isfinite(row)) CHECK_NEAR(f[i], row, TOL * 10);
  }
}

static void real_system(void) {
  DECLARE(ls);
  const double c = 2.0;
  /* J[0][0] = c: M's first column is (0, -1, 0, 3). */
  const double J[16] = {2, 1, 0, 3, 1, -1, 2, 0, 0, 4, 1, -2, -3, 0, 1, 5};
  const double x[N] = {1, -2, 0.5, 3};
  for (int k = 0; k < CUBIE_N_COUNTERS; k++) counters[k] = 0;
  take(&ls, J);
  CHECK_INT(counters[CUBIE_COUNTER_JACOBIAN_EVALS], 1);
  CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], 1);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LU], 1);
  CHECK_INT((int)ls.piv[0], 3); /* |3| is the largest of the first column */
  cubie_real b[N];
  for (int i = 0; i < N; i++) {
    double s = c * x[i];
    for (int j = 0; j < N; j++) s -= J[i * N + j] * x[j];
    b[i] = (cubie_real)s;
  }
  CHECK_INT(cubie_linsolve_solve(&ls, b, counters), CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LINEAR], 1);
  for (int i = 0; i < N; i++) CHECK_NEAR(b[i], x[i], TOL * 10);
  /* A second right-hand side with the same factors: unit vectors give M⁻¹'s
   * columns, and M times them is the identity. */
  for (int k = 0; k < N; k++) {
    cubie_real e[N] = {0, 0, 0, 0};
    e[k] = 1;
    cubie_linsolve_solve(&ls, e, counters);
    for (int i = 0; i < N; i++) {
      double s = c * e[i];
      for (int j = 0; j < N; j++) s -= J[i * N + j] * e[j];
      CHECK_NEAR(s, i == k ? 1.0 : 0.0, TOL * 10);
    }
  }
  CHECK_INT(counters[CUBIE_COUNTER_LINEAR], 1 + N);
}

static void failures(void) {
  DECLARE(ls);
  const double c = 1.0;
  /* M = c I - J with rows 1 and 2 equal. */
  const double M_equal[16] = {4, 1, 0, 2, 1, 3, -1, 0, 1, 3, -1, 0, 0, 2, 1, 5};
  /* M of rank 2: rows 1 and 3 are multiples of row 0 (exactly, in binary). */
  const double M_rank2[16] = {1, 2, 3, 4, 2, 4, 6, 8, 0, 1, 1, 1, 0.5, 1, 1.5, 2};
  const double *cases[2] = {M_equal, M_rank2};
  for (int k = 0; k < 2; k++) {
    double J[16];
    for (int i = 0; i < 16; i++) J[i] = (i % 5 == 0 ? c : 0.0) - cases[k][i];
    take(&ls, J);
    CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)c, counters), CUBIE_STEP_SINGULAR);
  }
  double J[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  J[6] = NAN;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)3, counters), CUBIE_STEP_NONFINITE);
  J[6] = 0.0;
  J[0] = INFINITY;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)3, counters), CUBIE_STEP_NONFINITE);
  /* The shift alone (J = 0) is regular. */
  for (int i = 0; i < 16; i++) J[i] = 0.0;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)3, counters), CUBIE_STEP_OK);
}

static void complex_system(void) {
  DECLARE(ls);
  const double alpha = 1.5, beta = 0.75;
  const double J[16] = {0.5, -2, 1, 0, 4, 1, 0, -1, 0, 3, -2, 2, 1, 0, 5, 0.25};
  const double xr[N] = {1, 0, -1, 2}, xi[N] = {0.5, -1, 0, 3};
  take(&ls, J);
  const cubie_i64 lu_before = counters[CUBIE_COUNTER_LU];
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)alpha, (cubie_real)beta, counters),
            CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LU], lu_before + 1);
  CHECK_INT((int)ls.piv_c[0], 1); /* |4| + 0 beats |1 - 0.5| + 0.75 */
  /* b = ((α + iβ) I - J) x */
  cubie_real br[N], bi[N];
  for (int i = 0; i < N; i++) {
    double sr = alpha * xr[i] - beta * xi[i], si = alpha * xi[i] + beta * xr[i];
    for (int j = 0; j < N; j++) {
      sr -= J[i * N + j] * xr[j];
      si -= J[i * N + j] * xi[j];
    }
    br[i] = (cubie_real)sr;
    bi[i] = (cubie_real)si;
  }
  CHECK_INT(cubie_linsolve_solve_complex(&ls, br, bi, counters), CUBIE_STEP_OK);
  for (int i = 0; i < N; i++) {
    CHECK_NEAR(br[i], xr[i], TOL * 20);
    CHECK_NEAR(bi[i], xi[i], TOL * 20);
  }
  /* The real factorisation beside it is untouched: factor, then solve both. */
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)alpha, counters), CUBIE_STEP_OK);
  /* J with the eigenvalues α ± iβ (a rotation-scaling block): singular. */
  const double Js[16] = {alpha, -beta, 0, 0, beta, alpha, 0, 0, 0, 0, 2, 1, 0, 0, 0, 3};
  take(&ls, Js);
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)alpha, (cubie_real)beta, counters),
            CUBIE_STEP_SINGULAR);
}

int main(void) {
  real_system();
  failures();
  complex_system();
  CHECK_DONE();
}
