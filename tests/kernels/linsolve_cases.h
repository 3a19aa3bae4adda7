/* linsolve_cases.h — the systems the sparse and Krylov solvers' kernel tests
 * (test_linsolve_sparse.c, test_linsolve_krylov.c) solve, and what they
 * compare with: iteration matrices M = c·I − J of TEST_N states on random
 * structural patterns (pattern_model.h), the dense LU of lu_dense.h in the
 * same precision, M's ∞-norm condition number and residuals in long
 * double.
 *
 * Kinds of J (the diagonal always in the pattern unless said otherwise):
 *   WELL     entries uniform in [-1, 1], c = 1 + the largest row sum of |J|:
 *            M strictly diagonally dominant, κ(M) of order 1..10;
 *   STIFF    J_ii = −λ_i, λ_i = 10^(8u) (eigenvalues spread over 8 decades,
 *            as in stiff chemistry), off-diagonals u·λ_j/(2 n_j) (n_j: the
 *            column's entries): M column diagonally dominant, so dense
 *            partial pivoting keeps the diagonal; c = 1/(γh) for h from
 *            1e-3 to 10 (γ = 0.25), κ(M) up to ~1e8;
 *   COUPLED  J_ii = −λ_i as STIFF, off-diagonals u·sqrt(λ_i λ_j)/n_i: no
 *            dominance either way (dense pivots; a static order does not),
 *            the hardest of the three for a solver that never pivots.
 * u is uniform in [-1, 1]; the generator is a fixed LCG, so every run of a
 * test sees the same systems.
 */
#ifndef CUBIE_TEST_LINSOLVE_CASES_H
#define CUBIE_TEST_LINSOLVE_CASES_H

#include <complex.h>
#include <math.h>
#include <string.h>
#undef I /* (complex.h's; kernel code may name things I) */

#include "lu_dense.h"

enum { CASE_WELL, CASE_STIFF, CASE_COUPLED, N_CASE_KINDS };
static const char *const case_names[N_CASE_KINDS] = {"well", "stiff", "coupled"};

static unsigned case_rng = 2024u;
static double case_uniform(void) { /* [0, 1) */
  case_rng = case_rng * 1664525u + 1013904223u;
  return (case_rng >> 8) / 16777216.0;
}
static double case_signed(void) { return 2.0 * case_uniform() - 1.0; }

/* A random pattern of density d (the diagonal with probability diag) into
 * test_rows/test_cols/test_jac_nnz, row-major; a[i][j] says which. */
static void case_pattern(double d, double diag, unsigned char a[TEST_N][TEST_N]) {
  test_jac_nnz = 0;
  for (int i = 0; i < TEST_N; i++)
    for (int j = 0; j < TEST_N; j++) {
      a[i][j] = (unsigned char)(i == j ? case_uniform() < diag : case_uniform() < d);
      if (a[i][j]) {
        test_rows[test_jac_nnz] = i;
        test_cols[test_jac_nnz] = j;
        test_jac_nnz++;
      }
    }
}

/* J (row-major, zero outside the pattern) of `kind`, and the shift c. */
static void case_matrix(int kind, const unsigned char a[TEST_N][TEST_N], double *J, double *c) {
  double lambda[TEST_N];
  int in_col[TEST_N], in_row[TEST_N];
  for (int i = 0; i < TEST_N; i++) {
    lambda[i] = pow(10.0, 8.0 * case_uniform());
    in_col[i] = in_row[i] = 0;
  }
  for (int i = 0; i < TEST_N; i++)
    for (int j = 0; j < TEST_N; j++)
      if (a[i][j] && i != j) in_col[j]++, in_row[i]++;
  double row_max = 0.0;
  for (int i = 0; i < TEST_N; i++) {
    double row = 0.0;
    for (int j = 0; j < TEST_N; j++) {
      double v = 0.0;
      if (a[i][j]) {
        if (kind == CASE_WELL)
          v = case_signed();
        else if (i == j)
          v = -lambda[i];
        else if (kind == CASE_STIFF)
          v = case_signed() * lambda[j] / (2.0 * in_col[j]);
        else
          v = case_signed() * sqrt(lambda[i] * lambda[j]) / in_row[i];
      }
      J[i * TEST_N + j] = v;
      row += fabs(v);
    }
    if (row > row_max) row_max = row;
  }
  *c = kind == CASE_WELL ? 1.0 + row_max : 1.0 / (0.25 * pow(10.0, -3.0 + 4.0 * case_uniform()));
}

/* M = c·I − J in long double. */
static void case_iteration_matrix(const double *J, double c, long double *M) {
  for (int k = 0; k < TEST_N * TEST_N; k++) M[k] = -(long double)J[k];
  for (int i = 0; i < TEST_N; i++) M[i * TEST_N + i] += c;
}

/* x = M⁻¹ b by Gaussian elimination with partial pivoting in long double
 * (the accurate reference the conditioning and residuals are measured with). */
static void case_exact_solve(const long double *M, const long double *b, long double *x) {
  long double a[TEST_N][TEST_N + 1];
  for (int i = 0; i < TEST_N; i++) {
    for (int j = 0; j < TEST_N; j++) a[i][j] = M[i * TEST_N + j];
    a[i][TEST_N] = b[i];
  }
  for (int k = 0; k < TEST_N; k++) {
    int p = k;
    for (int i = k + 1; i < TEST_N; i++)
      if (fabsl(a[i][k]) > fabsl(a[p][k])) p = i;
    for (int j = 0; j <= TEST_N; j++) {
      long double s = a[k][j];
      a[k][j] = a[p][j];
      a[p][j] = s;
    }
    for (int i = k + 1; i < TEST_N; i++) {
      long double l = a[i][k] / a[k][k];
      for (int j = k; j <= TEST_N; j++) a[i][j] -= l * a[k][j];
    }
  }
  for (int i = TEST_N - 1; i >= 0; i--) {
    long double s = a[i][TEST_N];
    for (int j = i + 1; j < TEST_N; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
}

/* κ∞(M) = ‖M‖∞ ‖M⁻¹‖∞ (‖M⁻¹‖∞ from its columns). */
static double case_condition(const long double *M) {
  long double norm = 0, inv_rows[TEST_N];
  for (int i = 0; i < TEST_N; i++) {
    long double row = 0;
    for (int j = 0; j < TEST_N; j++) row += fabsl(M[i * TEST_N + j]);
    if (row > norm) norm = row;
    inv_rows[i] = 0;
  }
  for (int k = 0; k < TEST_N; k++) {
    long double e[TEST_N], col[TEST_N];
    for (int i = 0; i < TEST_N; i++) e[i] = i == k;
    case_exact_solve(M, e, col);
    for (int i = 0; i < TEST_N; i++) inv_rows[i] += fabsl(col[i]);
  }
  long double inv = 0;
  for (int i = 0; i < TEST_N; i++)
    if (inv_rows[i] > inv) inv = inv_rows[i];
  return (double)(norm * inv);
}

/* The complex pair: M = (α + iβ)·I − J, and its exact solves and κ∞ (moduli
 * as |re| + |im|, as the dense LU pivots). */
typedef long double _Complex case_complex;
static long double case_cabs1(case_complex z) { return fabsl(creall(z)) + fabsl(cimagl(z)); }

static void case_complex_matrix(const double *J, double alpha, double beta, case_complex *M) {
  for (int i = 0; i < TEST_N; i++)
    for (int j = 0; j < TEST_N; j++) {
      long double re = -(long double)J[i * TEST_N + j] + (i == j ? alpha : 0.0);
      M[i * TEST_N + j] = re + (i == j ? beta : 0.0) * (case_complex)_Complex_I;
    }
}

static void case_exact_solve_complex(const case_complex *M, const case_complex *b, case_complex *x) {
  case_complex a[TEST_N][TEST_N + 1];
  for (int i = 0; i < TEST_N; i++) {
    for (int j = 0; j < TEST_N; j++) a[i][j] = M[i * TEST_N + j];
    a[i][TEST_N] = b[i];
  }
  for (int k = 0; k < TEST_N; k++) {
    int p = k;
    for (int i = k + 1; i < TEST_N; i++)
      if (case_cabs1(a[i][k]) > case_cabs1(a[p][k])) p = i;
    for (int j = 0; j <= TEST_N; j++) {
      case_complex s = a[k][j];
      a[k][j] = a[p][j];
      a[p][j] = s;
    }
    for (int i = k + 1; i < TEST_N; i++) {
      case_complex l = a[i][k] / a[k][k];
      for (int j = k; j <= TEST_N; j++) a[i][j] -= l * a[k][j];
    }
  }
  for (int i = TEST_N - 1; i >= 0; i--) {
    case_complex s = a[i][TEST_N];
    for (int j = i + 1; j < TEST_N; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
}

static double case_condition_complex(const case_complex *M) {
  long double norm = 0, inv_rows[TEST_N];
  for (int i = 0; i < TEST_N; i++) {
    long double row = 0;
    for (int j = 0; j < TEST_N; j++) row += case_cabs1(M[i * TEST_N + j]);
    if (row > norm) norm = row;
    inv_rows[i] = 0;
  }
  for (int k = 0; k < TEST_N; k++) {
    case_complex e[TEST_N], col[TEST_N];
    for (int i = 0; i < TEST_N; i++) e[i] = i == k;
    case_exact_solve_complex(M, e, col);
    for (int i = 0; i < TEST_N; i++) inv_rows[i] += case_cabs1(col[i]);
  }
  long double inv = 0;
  for (int i = 0; i < TEST_N; i++)
    if (inv_rows[i] > inv) inv = inv_rows[i];
  return (double)(norm * inv);
}

/* ‖(xr + i xi) − y‖ / ‖y‖ (max of |re| + |im|) */
static double case_relative_complex(const cubie_real *xr, const cubie_real *xi, const case_complex *y) {
  long double d = 0, n = 0;
  for (int i = 0; i < TEST_N; i++) {
    case_complex x = xr[i] + xi[i] * (case_complex)_Complex_I;
    if (case_cabs1(x - y[i]) > d) d = case_cabs1(x - y[i]);
    if (case_cabs1(y[i]) > n) n = case_cabs1(y[i]);
  }
  return (double)(d / n);
}

/* ‖x − y‖∞ / ‖y‖∞ */
static double case_relative(const cubie_real *x, const long double *y) {
  long double d = 0, n = 0;
  for (int i = 0; i < TEST_N; i++) {
    if (fabsl((long double)x[i] - y[i]) > d) d = fabsl((long double)x[i] - y[i]);
    if (fabsl(y[i]) > n) n = fabsl(y[i]);
  }
  return (double)(d / n);
}

/* The dense LU's solution of M x = b in the working precision (lu_dense.h). */
static int case_dense_solve(const double *J, double c, const cubie_real *b, cubie_real *x) {
  static cubie_real lu[TEST_N * TEST_N], piv[TEST_N];
  for (int k = 0; k < TEST_N * TEST_N; k++) lu[k] = -(cubie_real)J[k];
  for (int i = 0; i < TEST_N; i++) lu[i * TEST_N + i] += (cubie_real)c;
  const int rc = cubie_dense_lu_factor(lu, piv);
  memcpy(x, b, sizeof(cubie_real) * TEST_N);
  if (rc == CUBIE_LU_OK) cubie_dense_lu_solve(lu, piv, x);
  return rc;
}

#endif
