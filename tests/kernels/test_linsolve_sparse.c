/* test_linsolve_sparse.c — the sparse linear solver (kernels/
 * linsolve_sparse.h) behind the seam of linsolve.h, on the host's own
 * symbolic factorisations (src/plan/sparse_lu.c, through sparse_tables.c)
 * of random patterns, against the dense LU (lu_dense.h) and long-double
 * references (linsolve_cases.h says which systems).
 *
 * Built as a kernel translation unit of 12 states (a Rosenbrock method
 * selects the seam; CUBIE_LINSOLVE_COMPLEX is forced so Radau's complex
 * pair is compiled and tested too), for float64 and float32; the tables
 * are arrays filled at run time.
 *   - well-conditioned, stiff (κ up to ~1e8) and coupled stiff systems on
 *     60 random patterns each: the sparse solution x agrees with the dense
 *     LU's within 4N ε κ∞(M) ‖x‖ (a few ulps times the condition), and its
 *     residual ‖M x − b‖∞ <= 4N ε ‖M‖∞ ‖x‖∞ (backward stable); for the
 *     column-dominant stiff systems (no pivoting needed) with the natural
 *     order kept, within 4 ε ‖x‖ of dense (the same arithmetic);
 *   - the complex pair ((α + iβ) I − J) on the same patterns, against the
 *     dense complex LU, likewise;
 *   - outcomes: a zero pivot (J_ii = c on a diagonal pattern) is
 *     CUBIE_STEP_SINGULAR, and (α + iβ) I − J with J a rotation-scaling
 *     block of eigenvalues α ± iβ is singular in the complex
 *     factorisation; NaN or Inf in J or the shift is CUBIE_STEP_NONFINITE;
 *   - counters: a Jacobian counts one Jacobian and one f (f = J y), a
 *     factorisation one lu_factorizations, a solve one linear_iterations.
 */
#define TEST_N 12
#include "tu_prologue.h"
#include "pattern_model.h"
#include "sparse_tables.h"

/* The tables linsolve_sparse.h reads, from the host's analysis at run time. */
static test_sparse_tables T;
#define CUBIE_SPARSE_LU_NNZ (T.nnz)
#define CUBIE_SPARSE_JAC_NNZ test_jac_nnz
#define cubie_slu_perm T.perm
#define cubie_slu_diag T.diag
#define cubie_slu_j_pos T.j_pos
#define cubie_slu_j_start T.j_start
#define cubie_slu_l_start T.l_start
#define cubie_slu_l_pos T.l_pos
#define cubie_slu_l_step T.l_step
#define cubie_slu_l_col T.l_col
#define cubie_slu_u_start T.u_start
#define cubie_slu_u_pos T.u_pos
#define cubie_slu_u_col T.u_col
#define cubie_slu_update T.update

#include "step.h"
#include "linsolve_cases.h"

#include <stdio.h>
#include <stdlib.h>

#include "check.h"

#define N TEST_N
#define EPS CUBIE_REAL_EPSILON

static cubie_i64 counters[CUBIE_N_COUNTERS];
static cubie_real jx[N * N], lu[N * N], lu_c[2 * N * N];

/* The seam over the test's buffers, with the tables of the current pattern. */
static cubie_linsolve_work seam(void) {
  cubie_linsolve_work ls;
  ls.jx = jx;
  ls.lu = lu;
  ls.lu_re = lu_c;
  ls.lu_im = lu_c + T.nnz;
  return ls;
}

static int tables_for_pattern(void) {
  test_sparse_tables_free(&T);
  const int rc = test_sparse_tables_build(N, test_rows, test_cols, test_jac_nnz, &T);
  CHECK_INT(rc, 0);
  return rc == 0;
}

/* Take J (rounded to the working precision in p) into ls; J y must come back as f. */
static void take(cubie_linsolve_work *ls, const double *J) {
  cubie_real p[N * N], y[N], f[N];
  for (int k = 0; k < N * N; k++) p[k] = (cubie_real)J[k];
  for (int i = 0; i < N; i++) y[i] = (cubie_real)1;
  cubie_linsolve_jacobian(ls, 0.0, y, p, f, counters);
}

static int same_arithmetic = 0; /* stiff cases in the natural order */
static double worst[N_CASE_KINDS][2]; /* (error / (ε κ ‖x‖)), residual / (ε ‖M‖ ‖x‖) */

static void real_case(int kind, double density) {
  unsigned char a[N][N];
  double J[N * N], c;
  case_pattern(density, kind == CASE_WELL ? 0.7 : 1.0, a);
  case_matrix(kind, a, J, &c);
  if (!tables_for_pattern()) return;
  /* The system in the working precision, and b = M x_true. */
  for (int k = 0; k < N * N; k++) J[k] = (double)(cubie_real)J[k];
  c = (double)(cubie_real)c;
  long double M[N * N], xt[N], bl[N], xref[N];
  case_iteration_matrix(J, c, M);
  for (int i = 0; i < N; i++) xt[i] = case_signed();
  cubie_real b[N], xs[N], xd[N];
  for (int i = 0; i < N; i++) {
    long double s = 0;
    for (int j = 0; j < N; j++) s += M[i * N + j] * xt[j];
    b[i] = (cubie_real)s;
    bl[i] = b[i];
  }
  case_exact_solve(M, bl, xref);
  const double kappa = case_condition(M);
  cubie_linsolve_work ls = seam();
  take(&ls, J);
  /* ‖J‖∞ (algorithm auto's test) over the pattern: the dense row sums. */
  double jnorm = 0;
  for (int i = 0; i < N; i++) {
    double row = 0;
    for (int j = 0; j < N; j++) row += fabs(J[i * N + j]);
    jnorm = row > jnorm ? row : jnorm;
  }
  CHECK(fabs((double)cubie_linsolve_jacobian_norm(&ls) - jnorm) <= N * EPS * jnorm);
  const int rc = cubie_linsolve_factor(&ls, (cubie_real)c, counters);
  CHECK_INT(rc, CUBIE_STEP_OK);
  if (rc != CUBIE_STEP_OK) return;
  memcpy(xs, b, sizeof xs);
  CHECK_INT(cubie_linsolve_solve(&ls, xs, counters), CUBIE_STEP_OK);
  CHECK_INT(case_dense_solve(J, c, b, xd), CUBIE_LU_OK);
  /* Agreement with dense and with the exact solution of the rounded system. */
  long double xdl[N];
  for (int i = 0; i < N; i++) xdl[i] = xd[i];
  const double err = case_relative(xs, xref), agree = case_relative(xs, xdl);
  const double bound = 4.0 * N * EPS * kappa;
  if (err / (EPS * kappa) > worst[kind][0]) worst[kind][0] = err / (EPS * kappa);
  if (!(err <= bound) || !(agree <= 2 * bound))
    fprintf(stderr, "%s (density %.2f, %s order, fill %d): error %.3g, vs dense %.3g, kappa %.3g\n",
            case_names[kind], density, T.order ? "min-degree" : "natural", T.fill, err, agree,
            kappa);
  CHECK(err <= bound);
  CHECK(agree <= 2 * bound);
  /* Backward stable: the residual is rounding of M's size. */
  long double r = 0, mnorm = 0, xnorm = 0;
  for (int i = 0; i < N; i++) {
    long double s = -bl[i], row = 0;
    for (int j = 0; j < N; j++) {
      s += M[i * N + j] * xs[j];
      row += fabsl(M[i * N + j]);
    }
    if (fabsl(s) > r) r = fabsl(s);
    if (row > mnorm) mnorm = row;
    if (fabsl((long double)xs[i]) > xnorm) xnorm = fabsl((long double)xs[i]);
  }
  const double residual = (double)(r / (mnorm * xnorm)) / EPS;
  if (residual > worst[kind][1]) worst[kind][1] = residual;
  CHECK(residual <= 4.0 * N);
  /* No pivoting needed and the natural order kept: dense's arithmetic. */
  if (kind == CASE_STIFF && !T.order) {
    CHECK(agree <= 4 * EPS);
    same_arithmetic++;
  }
}

static void complex_case(int kind, double density) {
  unsigned char a[N][N];
  double J[N * N], c;
  case_pattern(density, 1.0, a);
  case_matrix(kind, a, J, &c);
  if (!tables_for_pattern()) return;
  for (int k = 0; k < N * N; k++) J[k] = (double)(cubie_real)J[k];
  const double alpha = (double)(cubie_real)c, beta = (double)(cubie_real)(0.8 * c);
  cubie_real br[N], bi[N], xr[N], xi[N];
  for (int i = 0; i < N; i++) {
    br[i] = (cubie_real)case_signed();
    bi[i] = (cubie_real)case_signed();
  }
  cubie_linsolve_work ls = seam();
  take(&ls, J);
  const int rc = cubie_linsolve_factor_complex(&ls, (cubie_real)alpha, (cubie_real)beta, counters);
  CHECK_INT(rc, CUBIE_STEP_OK);
  if (rc != CUBIE_STEP_OK) return;
  memcpy(xr, br, sizeof xr);
  memcpy(xi, bi, sizeof xi);
  CHECK_INT(cubie_linsolve_solve_complex(&ls, xr, xi, counters), CUBIE_STEP_OK);
  /* The dense complex LU of the same matrix. */
  static cubie_real dr[N * N], di[N * N], piv[N];
  for (int k = 0; k < N * N; k++) {
    dr[k] = -(cubie_real)J[k];
    di[k] = (cubie_real)0;
  }
  for (int i = 0; i < N; i++) {
    dr[i * N + i] += (cubie_real)alpha;
    di[i * N + i] = (cubie_real)beta;
  }
  CHECK_INT(cubie_dense_lu_factor_complex(dr, di, piv), CUBIE_LU_OK);
  cubie_real yr[N], yi[N];
  memcpy(yr, br, sizeof yr);
  memcpy(yi, bi, sizeof yi);
  cubie_dense_lu_solve_complex(dr, di, piv, yr, yi);
  /* Agreement with dense and the exact solution, within κ; the residual. */
  case_complex M[N * N], b[N], xref[N], yd[N];
  case_complex_matrix(J, alpha, beta, M);
  for (int i = 0; i < N; i++) b[i] = br[i] + bi[i] * (case_complex)_Complex_I;
  case_exact_solve_complex(M, b, xref);
  for (int i = 0; i < N; i++) yd[i] = yr[i] + yi[i] * (case_complex)_Complex_I;
  const double kappa = case_condition_complex(M);
  const double err = case_relative_complex(xr, xi, xref), agree = case_relative_complex(xr, xi, yd);
  CHECK(err <= 8.0 * N * EPS * kappa);
  CHECK(agree <= 16.0 * N * EPS * kappa);
  long double r = 0, mnorm = 0, xnorm = 0;
  for (int i = 0; i < N; i++) {
    case_complex s = -b[i];
    long double row = 0;
    for (int j = 0; j < N; j++) {
      s += M[i * N + j] * (xr[j] + xi[j] * (case_complex)_Complex_I);
      row += case_cabs1(M[i * N + j]);
    }
    if (case_cabs1(s) > r) r = case_cabs1(s);
    if (row > mnorm) mnorm = row;
    if (fabsl((long double)xr[i]) + fabsl((long double)xi[i]) > xnorm)
      xnorm = fabsl((long double)xr[i]) + fabsl((long double)xi[i]);
  }
  CHECK((double)(r / (mnorm * xnorm)) / EPS <= 8.0 * N);
  if (!(err <= 8.0 * N * EPS * kappa))
    fprintf(stderr, "complex %s: error %.3g, kappa %.3g\n", case_names[kind], err, kappa);
}

static void outcomes(void) {
  unsigned char a[N][N];
  /* A diagonal pattern with J_33 = c: M_33 = 0 in any order. */
  memset(a, 0, sizeof a);
  test_jac_nnz = 0;
  for (int i = 0; i < N; i++) {
    a[i][i] = 1;
    test_rows[test_jac_nnz] = test_cols[test_jac_nnz] = i;
    test_jac_nnz++;
  }
  if (!tables_for_pattern()) return;
  double J[N * N];
  memset(J, 0, sizeof J);
  for (int i = 0; i < N; i++) J[i * N + i] = -1.0 - i;
  J[3 * N + 3] = 2.0;
  cubie_linsolve_work ls = seam();
  for (int k = 0; k < CUBIE_N_COUNTERS; k++) counters[k] = 0;
  take(&ls, J);
  CHECK_INT(counters[CUBIE_COUNTER_JACOBIAN_EVALS], 1);
  CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], 1);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)2, counters), CUBIE_STEP_SINGULAR);
  CHECK_INT(counters[CUBIE_COUNTER_LU], 1);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)3, counters), CUBIE_STEP_OK);
  cubie_real x[N];
  for (int i = 0; i < N; i++) x[i] = (cubie_real)(3.0 - J[i * N + i]); /* M x = b for x = 1 */
  CHECK_INT(cubie_linsolve_solve(&ls, x, counters), CUBIE_STEP_OK);
  CHECK_INT(counters[CUBIE_COUNTER_LINEAR], 1);
  for (int i = 0; i < N; i++) CHECK_NEAR(x[i], 1.0, 4 * EPS);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)NAN, counters), CUBIE_STEP_NONFINITE);
  J[5 * N + 5] = INFINITY;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)3, counters), CUBIE_STEP_NONFINITE);
  J[5 * N + 5] = NAN;
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)3, (cubie_real)1, counters),
            CUBIE_STEP_NONFINITE);
  CHECK_INT(counters[CUBIE_COUNTER_LU], 5);
  /* Complex: J with the block [α −β; β α] on states 0, 1 (eigenvalues α ± iβ),
   * in a pattern with that block: (α + iβ) I − J is singular. */
  const double alpha = 1.5, beta = 0.5;
  memset(a, 0, sizeof a);
  test_jac_nnz = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      if (i == j || (i < 2 && j < 2)) {
        test_rows[test_jac_nnz] = i;
        test_cols[test_jac_nnz] = j;
        test_jac_nnz++;
      }
  if (!tables_for_pattern()) return;
  memset(J, 0, sizeof J);
  for (int i = 2; i < N; i++) J[i * N + i] = -2.0;
  J[0] = alpha, J[1] = -beta, J[N] = beta, J[N + 1] = alpha;
  ls = seam();
  take(&ls, J);
  CHECK_INT(cubie_linsolve_factor_complex(&ls, (cubie_real)alpha, (cubie_real)beta, counters),
            CUBIE_STEP_SINGULAR);
  /* Its real factorisation beside it is regular. */
  CHECK_INT(cubie_linsolve_factor(&ls, (cubie_real)alpha + 1, counters), CUBIE_STEP_OK);
}

int main(void) {
  const double densities[] = {0.05, 0.15, 0.3, 0.6};
  for (int kind = 0; kind < N_CASE_KINDS; kind++)
    for (int trial = 0; trial < 60; trial++) real_case(kind, densities[trial % 4]);
  for (int kind = 0; kind < N_CASE_KINDS; kind++)
    for (int trial = 0; trial < 20; trial++) complex_case(kind, densities[trial % 4]);
  CHECK(same_arithmetic > 0);
  printf("stiff systems in the natural order: %d, each within 4 eps of dense\n", same_arithmetic);
  outcomes();
  for (int kind = 0; kind < N_CASE_KINDS; kind++)
    printf("%-8s worst error %.2f eps kappa, worst residual %.2f eps |M| |x|\n",
           case_names[kind], worst[kind][0], worst[kind][1]);
  test_sparse_tables_free(&T);
  CHECK_DONE();
}
