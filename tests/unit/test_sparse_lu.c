/* test_sparse_lu.c — the sparse LU's symbolic factorisation
 * (src/plan/sparse_lu.c) and the linear-solver choice (src/plan/
 * linear_solver.c), against independent brute force:
 *   - on random patterns (and banded, arrowhead, diagonal, full ones), the
 *     tables describe exactly Gaussian elimination without pivoting of
 *     M = c·I − J in the chosen order: every entry of the factors a dense
 *     boolean elimination in that order makes non-zero has a position, no
 *     other does, J's non-zeros and the pivots land where they belong, L
 *     and U rows are in elimination order, and each update's target is the
 *     entry (s, j) of the L entry (s, k) and U entry (k, j) it combines
 *     (found by the brute force's own bookkeeping, not the tables');
 *   - the operations count is the number of such updates; the order kept
 *     is the one with fewer of them (natural on a tie);
 *   - an arrowhead with its dense row and column first fills completely in
 *     the natural order and not at all under minimum degree, which is kept;
 *     a tridiagonal keeps the natural order with no fill;
 *   - a budget of entries too small for any order, and too many states,
 *     are CUBIE_ERR_UNAVAILABLE with the reason;
 *   - the `auto` rule: dense up to 8 states, sparse when its LU takes at
 *     most a quarter of the dense LU's multiply-adds and fits, dense
 *     otherwise when it fits, sparse when only it fits, krylov when no LU
 *     fits, none when nothing does;
 *     buffer bytes per solver from buffers.def.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan/linear_solver.h"
#include "plan/sparse_lu.h"

#define MAXN 40

static unsigned rng = 12345u;
static double uniform(void) {
  rng = rng * 1664525u + 1013904223u;
  return (rng >> 8) / 16777216.0;
}

/* A pattern from a boolean matrix (row-major entries). */
static int pattern_of(int n, const unsigned char a[MAXN][MAXN], cubie_model_jacobian_entry *p) {
  int k = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (a[i][j]) p[k].row = i, p[k].column = j, k++;
  return k;
}

/* Check lu's tables against boolean elimination of M's pattern in lu's order. */
static void check_tables(int n, const unsigned char a[MAXN][MAXN], const cubie_sparse_lu *lu) {
  static unsigned char f[MAXN][MAXN]; /* the pattern in elimination order, filled */
  static int pos[MAXN][MAXN];
  int q[MAXN];
  for (int s = 0; s < n; s++) q[lu->perm[s]] = s;
  for (int s = 0; s < n; s++) CHECK(lu->perm[s] >= 0 && lu->perm[s] < n);
  for (int s = 0; s < n; s++)
    for (int t = 0; t < n; t++) f[s][t] = a[lu->perm[s]][lu->perm[t]] || s == t;
  long long ops = 0;
  for (int k = 0; k < n; k++)
    for (int s = k + 1; s < n; s++)
      if (f[s][k])
        for (int j = k + 1; j < n; j++)
          if (f[k][j]) f[s][j] = 1, ops++;
  int nnz = 0, m_nnz = 0;
  for (int s = 0; s < n; s++)
    for (int t = 0; t < n; t++) {
      pos[s][t] = f[s][t] ? nnz++ : -1;
      m_nnz += a[lu->perm[s]][lu->perm[t]] || s == t;
    }
  CHECK_INT(lu->nnz, nnz);
  CHECK_INT(lu->fill, nnz - m_nnz);
  CHECK_INT(lu->operations, ops);
  /* Pivots, J's positions. */
  for (int s = 0; s < n; s++) CHECK_INT(lu->diag[s], pos[s][s]);
  int k = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (a[i][j]) {
        CHECK_INT(lu->j_pos[k], pos[q[i]][q[j]]);
        k++;
      }
  /* L and U rows, in elimination order, and the updates in the kernel's
   * order: L entries of each row ascending, each with U row k ascending. */
  int e = 0, u = 0, t = 0;
  for (int s = 0; s < n; s++) {
    CHECK_INT(lu->l_start[s], e);
    CHECK_INT(lu->u_start[s], u);
    for (int c = 0; c < s; c++)
      if (f[s][c]) {
        CHECK_INT(lu->l_pos[e], pos[s][c]);
        CHECK_INT(lu->l_step[e], c);
        CHECK_INT(lu->l_col[e], lu->perm[c]);
        for (int j = c + 1; j < n; j++)
          if (f[c][j]) {
            CHECK_INT(lu->update[t], pos[s][j]);
            t++;
          }
        e++;
      }
    for (int c = s + 1; c < n; c++)
      if (f[s][c]) {
        CHECK_INT(lu->u_pos[u], pos[s][c]);
        CHECK_INT(lu->u_col[u], lu->perm[c]);
        u++;
      }
  }
  CHECK_INT(lu->l_start[n], e);
  CHECK_INT(lu->u_start[n], u);
  CHECK_INT(lu->l_nnz, e);
  CHECK_INT(lu->u_nnz, u);
  CHECK_INT(t, ops);
}

static cubie_sparse_lu *analyse(int n, const unsigned char a[MAXN][MAXN], long long max_nnz) {
  static cubie_model_jacobian_entry p[MAXN * MAXN];
  int nnz = pattern_of(n, a, p);
  cubie_sparse_lu *lu = NULL;
  int rc = cubie_sparse_lu_create(n, p, nnz, max_nnz, &lu);
  if (rc == CUBIE_OK) {
    CHECK_INT(lu->jac_nnz, nnz);
    check_tables(n, a, lu);
    /* The kept order does the fewest operations. */
    const long long nat = lu->natural_operations, md = lu->minimum_degree_operations;
    CHECK(nat >= 0 || md >= 0);
    if (nat >= 0 && md >= 0)
      CHECK_INT(lu->order, md < nat ? CUBIE_SPARSE_ORDER_MINIMUM_DEGREE : CUBIE_SPARSE_ORDER_NATURAL);
    CHECK_INT(lu->operations, lu->order == CUBIE_SPARSE_ORDER_NATURAL ? nat : md);
  }
  return lu;
}

static void random_patterns(void) {
  static unsigned char a[MAXN][MAXN];
  const double densities[] = {0.03, 0.1, 0.25, 0.6};
  int md_wins = 0;
  for (int trial = 0; trial < 40; trial++) {
    const int n = 1 + (int)(uniform() * MAXN);
    const double d = densities[trial % 4];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) a[i][j] = uniform() < d || (i == j && uniform() < 0.5);
    cubie_sparse_lu *lu = analyse(n, a, 0);
    CHECK(lu != NULL);
    md_wins += lu && lu->order == CUBIE_SPARSE_ORDER_MINIMUM_DEGREE;
    cubie_sparse_lu_destroy(&lu);
    CHECK(lu == NULL);
  }
  /* Random unstructured patterns: minimum degree should win some. */
  CHECK(md_wins > 0);
}

static void structured_patterns(void) {
  static unsigned char a[MAXN][MAXN];
  const int n = 30;
  /* Arrowhead, dense row and column first. */
  memset(a, 0, sizeof a);
  for (int i = 0; i < n; i++) a[0][i] = a[i][0] = a[i][i] = 1;
  cubie_sparse_lu *lu = analyse(n, a, 0);
  CHECK(lu != NULL);
  if (lu) {
    CHECK_INT(lu->order, CUBIE_SPARSE_ORDER_MINIMUM_DEGREE);
    CHECK_INT(lu->fill, 0);
    /* Natural: the hub's row and column fill everything, sum of j² updates. */
    CHECK_INT(lu->natural_operations, (long long)(n - 1) * n * (2 * n - 1) / 6);
    CHECK_INT(lu->operations, n - 1); /* one update of the hub per leaf */
    CHECK(lu->perm[n - 1] == 0 || lu->perm[n - 2] == 0); /* the hub goes last (a tie at 2) */
  }
  cubie_sparse_lu_destroy(&lu);
  /* Tridiagonal: no fill in the natural order, kept. */
  memset(a, 0, sizeof a);
  for (int i = 0; i < n; i++) {
    a[i][i] = 1;
    if (i > 0) a[i][i - 1] = a[i - 1][i] = 1;
  }
  lu = analyse(n, a, 0);
  CHECK(lu != NULL);
  if (lu) {
    CHECK_INT(lu->order, CUBIE_SPARSE_ORDER_NATURAL);
    CHECK_INT(lu->fill, 0);
    CHECK_INT(lu->operations, n - 1);
    CHECK_INT(lu->nnz, 3 * n - 2);
  }
  cubie_sparse_lu_destroy(&lu);
  /* J with an empty diagonal and empty rows: M still has every pivot. */
  memset(a, 0, sizeof a);
  a[0][3] = a[5][1] = 1;
  lu = analyse(8, a, 0);
  CHECK(lu != NULL);
  if (lu) CHECK_INT(lu->nnz, 10);
  cubie_sparse_lu_destroy(&lu);
  /* Full: n² entries, no fill, n(n-1)(2n-1)/6 updates. */
  memset(a, 1, sizeof a);
  lu = analyse(12, a, 0);
  CHECK(lu != NULL);
  if (lu) {
    CHECK_INT(lu->nnz, 144);
    CHECK_INT(lu->operations, 11 * 12 * 23 / 6);
  }
  cubie_sparse_lu_destroy(&lu);
}

static void limits(void) {
  static unsigned char a[MAXN][MAXN];
  memset(a, 1, sizeof a);
  cubie_sparse_lu *lu = NULL;
  cubie_model_jacobian_entry p[MAXN * MAXN];
  int nnz = pattern_of(20, a, p);
  CHECK_FAILS(cubie_sparse_lu_create(20, p, nnz, 399, &lu), CUBIE_ERR_UNAVAILABLE);
  CHECK_CONTAINS(cubie_error_message(), "more than 399 entries");
  CHECK(lu == NULL);
  CHECK_OK(cubie_sparse_lu_create(20, p, nnz, 400, &lu));
  cubie_sparse_lu_destroy(&lu);
  CHECK_FAILS(cubie_sparse_lu_create(CUBIE_SPARSE_LU_MAX_STATES + 1, p, 0, 0, &lu),
              CUBIE_ERR_UNAVAILABLE);
  CHECK_CONTAINS(cubie_error_message(), "up to 8192 states");
}

static void auto_rule(void) {
  char why[256];
  /* 20 states: the dense LU does 20·19·39/6 = 2470 multiply-adds. */
  cubie_linear_solver_facts f = {.n_states = 8, .dense_bytes = 1088, .krylov_bytes = 3000,
                                 .sparse_bytes = 300, .sparse_operations = 10, .sparse_why = "",
                                 .budget = CUBIE_LINEAR_SOLVER_RUN_BYTES};
  /* Up to 8 states: dense (unrolled), even with a sparse pattern. */
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_DENSE);
  CHECK_CONTAINS(why, "at most 8");
  /* 20 states: sparse while its LU takes at most a quarter of the dense work. */
  f.n_states = 20;
  f.dense_bytes = 6560;
  f.sparse_operations = 617; /* 24.98% */
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_SPARSE);
  CHECK_CONTAINS(why, "more than 8");
  f.sparse_operations = 618; /* 25.02% */
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_DENSE);
  CHECK_CONTAINS(why, "more than 25%");
  /* Dense too big: sparse, however much work. */
  f.dense_bytes = f.budget + 1;
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_SPARSE);
  /* No sparse LU either: krylov; then nothing. */
  f.sparse_bytes = -1;
  f.sparse_why = "too many operations";
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_KRYLOV);
  f.sparse_bytes = f.budget + 1;
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_KRYLOV);
  f.krylov_bytes = f.budget + 1;
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_AUTO);
  /* Few states but a dense LU that does not fit: no small-N shortcut. */
  f = (cubie_linear_solver_facts){.n_states = 4, .dense_bytes = f.budget + 1, .krylov_bytes = 10,
                                  .sparse_bytes = -1, .sparse_why = "x", .budget = f.budget};
  CHECK_INT(cubie_linear_solver_auto(&f, why, sizeof why), CUBIE_LINEAR_SOLVER_KRYLOV);

  /* Buffer bytes (buffers.def): dense 2N² + N, its complex pair 2N² + N
   * more; sparse nnz(J) + nnz(LU), complex 2 nnz(LU) more; krylov
   * (m + 5) N + (m + 1)(m + 3), complex 2 (m + 1) N + 4N more. */
  const int n = 100, m = CUBIE_KRYLOV_DIM;
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_DENSE, false, n, 300, 0, 8), 8 * (2 * n * n + n));
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_DENSE, true, n, 300, 0, 8), 8 * (4 * n * n + 2 * n));
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_SPARSE, false, n, 300, 500, 4), 4 * 800);
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_SPARSE, true, n, 300, 500, 4), 4 * 1800);
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_KRYLOV, false, n, 300, 0, 8),
            8 * ((m + 5) * n + (m + 1) * (m + 3)));
  CHECK_INT(cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_KRYLOV, true, n, 300, 0, 8),
            8 * ((m + 5) * n + (m + 1) * (m + 3) + 2 * (m + 1) * n + 4 * n));
}

int main(void) {
  random_patterns();
  structured_patterns();
  limits();
  auto_rule();
  CHECK_DONE();
}
