/* linsolve_dense.h — the dense implementation of the linear-solver seam
 * (linsolve.h): J held as a row-major N×N matrix, M = c·I − J factored by
 * Gaussian elimination with partial pivoting (row interchanges), per run;
 * the arithmetic is lu_dense.h's.
 *
 * Responsible for forming M and calling the arithmetic: when J is taken and
 * M refactored is the step family's policy. It never reads another run's
 * data and never allocates (its buffers are buffers.def rows of family
 * LINSOLVE_DENSE, owner LINSOLVE).
 */
#ifndef CUBIE_LINSOLVE_DENSE_H
#define CUBIE_LINSOLVE_DENSE_H

#include "lu_dense.h"

/* ---- the seam (linsolve.h) ------------------------------------------------ */

CUBIE_INLINE int cubie_dense_lu_outcome(int rc) {
  return rc == CUBIE_LU_OK ? CUBIE_STEP_OK
                           : (rc == CUBIE_LU_SINGULAR ? CUBIE_STEP_SINGULAR : CUBIE_STEP_NONFINITE);
}


typedef struct cubie_linsolve_work {
  cubie_real *jac; /* LINSOLVE.JACOBIAN: J, row-major */
  cubie_real *lu;  /* LINSOLVE.LU: the factors of M = c·I − J */
  cubie_real *piv; /* LINSOLVE.PIVOTS */
#if CUBIE_LINSOLVE_COMPLEX
  cubie_real *lu_re, *lu_im; /* LINSOLVE.LU_COMPLEX: real parts, then imaginary parts */
  cubie_real *piv_c;         /* LINSOLVE.PIVOTS_COMPLEX */
#endif
} cubie_linsolve_work;

#if CUBIE_LINSOLVE_COMPLEX
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)             \
  CUBIE_BUFFER(LINSOLVE, LU_COMPLEX, ls##_lu_c_);       \
  CUBIE_BUFFER(LINSOLVE, PIVOTS_COMPLEX, ls##_piv_c_);  \
  ls.lu_re = ls##_lu_c_;                                \
  ls.lu_im = ls##_lu_c_ + CUBIE_N_STATES * CUBIE_N_STATES; \
  ls.piv_c = ls##_piv_c_
#else
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls) (void)0
#endif

#define CUBIE_LINSOLVE_DECLARE_WORK(ls)       \
  CUBIE_BUFFER(LINSOLVE, JACOBIAN, ls##_jac_); \
  CUBIE_BUFFER(LINSOLVE, LU, ls##_lu_);        \
  CUBIE_BUFFER(LINSOLVE, PIVOTS, ls##_piv_);   \
  cubie_linsolve_work ls;                      \
  ls.jac = ls##_jac_;                          \
  ls.lu = ls##_lu_;                            \
  ls.piv = ls##_piv_;                          \
  CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)

CUBIE_DEVICE void cubie_linsolve_jacobian(cubie_linsolve_work *ls, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          cubie_real *CUBIE_RESTRICT f, cubie_i64 *counters) {
  cubie_model_rhs_jacobian(t, y, p, f, ls->jac);
  counters[CUBIE_COUNTER_JACOBIAN_EVALS] += 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 1;
}

CUBIE_DEVICE int cubie_linsolve_factor(cubie_linsolve_work *ls, cubie_real c, cubie_i64 *counters) {
  const int n = CUBIE_N_STATES;
  for (int i = 0; i < n * n; i++) ls->lu[i] = -ls->jac[i];
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) ls->lu[i * n + i] += c;
  counters[CUBIE_COUNTER_LU] += 1;
  return cubie_dense_lu_outcome(cubie_dense_lu_factor(ls->lu, ls->piv));
}

CUBIE_INLINE int cubie_linsolve_solve(cubie_linsolve_work *ls, cubie_real *CUBIE_RESTRICT x,
                                      cubie_i64 *counters) {
  cubie_dense_lu_solve(ls->lu, ls->piv, x);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}

CUBIE_DEVICE cubie_real cubie_linsolve_jacobian_norm(const cubie_linsolve_work *ls) {
  const int n = CUBIE_N_STATES;
  cubie_real norm = (cubie_real)0;
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) {
    cubie_real row = (cubie_real)0;
    CUBIE_LU_UNROLL
    for (int j = 0; j < n; j++) row += cubie_fabs(ls->jac[i * n + j]);
    norm = row > norm ? row : norm;
  }
  return norm;
}

#if CUBIE_LINSOLVE_COMPLEX
CUBIE_DEVICE int cubie_linsolve_factor_complex(cubie_linsolve_work *ls, cubie_real alpha,
                                               cubie_real beta, cubie_i64 *counters) {
  const int n = CUBIE_N_STATES;
  for (int i = 0; i < n * n; i++) {
    ls->lu_re[i] = -ls->jac[i];
    ls->lu_im[i] = (cubie_real)0;
  }
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) {
    ls->lu_re[i * n + i] += alpha;
    ls->lu_im[i * n + i] = beta;
  }
  counters[CUBIE_COUNTER_LU] += 1;
  return cubie_dense_lu_outcome(cubie_dense_lu_factor_complex(ls->lu_re, ls->lu_im, ls->piv_c));
}

CUBIE_INLINE int cubie_linsolve_solve_complex(cubie_linsolve_work *ls,
                                              cubie_real *CUBIE_RESTRICT xr,
                                              cubie_real *CUBIE_RESTRICT xi, cubie_i64 *counters) {
  cubie_dense_lu_solve_complex(ls->lu_re, ls->lu_im, ls->piv_c, xr, xi);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}
#endif

#endif
