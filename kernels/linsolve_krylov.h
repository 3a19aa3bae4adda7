/* linsolve_krylov.h — the matrix-free implementation of the linear-solver
 * seam (linsolve.h): M x = b solved by restarted GMRES with the model's
 * generated J·v (cubie_model_jvp), M v = c·v − J·v, never forming J or M.
 *
 * Responsible for the iteration only: when J's point is taken and the
 * shift changes is the step family's policy. It never reads another run's
 * data and never allocates (its buffers are buffers.def rows of family
 * LINSOLVE_KRYLOV, owner LINSOLVE).
 *
 * Why GMRES (and not BiCGSTAB): one J·v per iteration (BiCGSTAB takes two),
 * a residual that never grows and whose norm comes free from the Givens
 * rotations (the stopping test costs nothing), no breakdown short of the
 * exact solution; its price, a basis of CUBIE_KRYLOV_DIM + 1 vectors per
 * run, is bounded by restarting (GMRES(m), m = CUBIE_KRYLOV_DIM,
 * linear_solvers.def) — the iteration matrices of stiff steps, scaled by
 * their diagonal, have their eigenvalues clustered near 1 and need few
 * iterations.
 *
 * Scaling and preconditioning (as SUNDIALS' SPGMR with its scaling vectors):
 * with W = diag(sc), sc_i = atol + rtol·|y_J,i| (the step's error weights at
 * the point J was taken; floored at 100 ε (1 + |y|) when a fixed-step run
 * gives no tolerances) and the Jacobi preconditioner D = diag(M) = c − J_ii
 * (J's diagonal from cubie_model_rhs_jacobian_diagonal; c where that is 0),
 * GMRES solves  Ã x̃ = b̃,  Ã = W⁻¹ D⁻¹ M W,  b̃ = W⁻¹ D⁻¹ b,  x = W x̃,
 * so the residual it minimises, ‖b̃ − Ã x̃‖₂ = ‖W⁻¹ D⁻¹ (b − M x)‖₂, is the
 * preconditioned residual in the step's own error norm. It stops when that
 * norm's RMS is at most tol (cubie_linsolve_accuracy: the family says how
 * small a fraction of its tolerance it needs) or at most 100 ε of the
 * right-hand side's (round-off: nothing better is reachable), after at most
 * CUBIE_KRYLOV_MAX_CYCLES restarts; otherwise the solve fails
 * (CUBIE_STEP_NEWTON_FAILED, x its best iterate), and the family rejects
 * the step (a smaller h moves M towards c·I, where one iteration suffices).
 *
 * Radau IIA's complex system ((α + iβ)·I − J)(x_r + i x_i) = b_r + i b_i is
 * solved as the equivalent real system of twice the size,
 *   [α − J, −β; β, α − J] (x_r; x_i) = (b_r; b_i),
 * by the same GMRES (two J·v per iteration), preconditioned by the complex
 * diagonal (α − J_ii) + iβ (the 2×2 blocks of that real system's diagonal).
 *
 * Counting: cubie_linsolve_jacobian counts a Jacobian (f and J's diagonal:
 * J itself is never formed) and an f; cubie_linsolve_factor, which only
 * records the shift and checks J's diagonal, counts one lu_factorizations
 * (the preconditioner's setup), so the families' counts keep their meaning;
 * every GMRES iteration counts one linear_iterations.
 */
#ifndef CUBIE_LINSOLVE_KRYLOV_H
#define CUBIE_LINSOLVE_KRYLOV_H

/* Restart cycles a solve may take (so at most 5 × CUBIE_KRYLOV_DIM
 * iterations). */
#define CUBIE_KRYLOV_MAX_CYCLES 5
/* A residual this small relative to the right-hand side's is round-off. */
#define CUBIE_KRYLOV_FLOOR (100.0 * CUBIE_REAL_EPSILON)

typedef struct cubie_linsolve_work {
  cubie_real *y_jac;   /* LINSOLVE.KRYLOV_POINT */
  cubie_real *diag;    /* LINSOLVE.KRYLOV_DIAGONAL: J_ii */
  cubie_real *basis;   /* LINSOLVE.KRYLOV_BASIS */
  cubie_real *work;    /* LINSOLVE.KRYLOV_WORK: b̃, then W v */
  cubie_real *hess;    /* LINSOLVE.KRYLOV_HESSENBERG */
#if CUBIE_LINSOLVE_COMPLEX
  cubie_real *basis_c; /* LINSOLVE.KRYLOV_BASIS_COMPLEX */
  cubie_real *work_c;  /* LINSOLVE.KRYLOV_WORK_COMPLEX */
#endif
  const cubie_real *p; /* the run's parameters, for J·v */
  double t_jac;        /* the time J was taken at */
  cubie_real c;        /* the real shift (cubie_linsolve_factor) */
  cubie_real alpha, beta; /* the complex shift (cubie_linsolve_factor_complex) */
  cubie_real atol, rtol, tol; /* cubie_linsolve_accuracy */
} cubie_linsolve_work;

#if CUBIE_LINSOLVE_COMPLEX
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)                    \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_BASIS_COMPLEX, ls##_basis_c_); \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_WORK_COMPLEX, ls##_work_c_);   \
  ls.basis_c = ls##_basis_c_;                                  \
  ls.work_c = ls##_work_c_
#else
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls) (void)0
#endif

#define CUBIE_LINSOLVE_DECLARE_WORK(ls)                  \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_POINT, ls##_y_jac_);     \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_DIAGONAL, ls##_diag_);   \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_BASIS, ls##_basis_);     \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_WORK, ls##_work_);       \
  CUBIE_BUFFER(LINSOLVE, KRYLOV_HESSENBERG, ls##_hess_); \
  cubie_linsolve_work ls;                                \
  ls.y_jac = ls##_y_jac_;                                \
  ls.diag = ls##_diag_;                                  \
  ls.basis = ls##_basis_;                                \
  ls.work = ls##_work_;                                  \
  ls.hess = ls##_hess_;                                  \
  ls.p = NULL;                                           \
  ls.t_jac = 0.0;                                        \
  ls.c = ls.alpha = ls.beta = (cubie_real)0;             \
  ls.atol = ls.rtol = (cubie_real)0;                     \
  ls.tol = (cubie_real)1e-3;                             \
  CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)

#include "gmres.h"

/* ---- the seam (linsolve.h) ------------------------------------------------ */

CUBIE_DEVICE void cubie_linsolve_jacobian(cubie_linsolve_work *ls, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          cubie_real *CUBIE_RESTRICT f, cubie_i64 *counters) {
  cubie_model_rhs_jacobian_diagonal(t, y, p, f, ls->diag);
  for (int n = 0; n < CUBIE_N_STATES; n++) ls->y_jac[n] = y[n];
  ls->t_jac = t;
  ls->p = p;
  counters[CUBIE_COUNTER_JACOBIAN_EVALS] += 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 1;
}

CUBIE_INLINE void cubie_linsolve_accuracy(cubie_linsolve_work *ls, cubie_real atol, cubie_real rtol,
                                          cubie_real tol) {
  ls->atol = atol;
  ls->rtol = rtol;
  /* (A Newton iteration without tolerances asks for an infinite one.) */
  ls->tol = (cubie_real_isfinite(tol) && tol > (cubie_real)0) ? tol : (cubie_real)1e-3;
}

/* Whether J's diagonal and the shifts are finite. */
CUBIE_INLINE int cubie_krylov_finite(const cubie_linsolve_work *ls, cubie_real a, cubie_real b) {
  int finite = cubie_real_isfinite(a) && cubie_real_isfinite(b);
  for (int n = 0; n < CUBIE_N_STATES; n++) finite &= cubie_real_isfinite(ls->diag[n]);
  return finite;
}

CUBIE_DEVICE int cubie_linsolve_factor(cubie_linsolve_work *ls, cubie_real c, cubie_i64 *counters) {
  counters[CUBIE_COUNTER_LU] += 1;
  ls->c = c;
  return cubie_krylov_finite(ls, c, (cubie_real)0) ? CUBIE_STEP_OK : CUBIE_STEP_NONFINITE;
}

CUBIE_DEVICE int cubie_linsolve_solve(cubie_linsolve_work *ls, cubie_real *CUBIE_RESTRICT x,
                                      cubie_i64 *counters) {
  return cubie_gmres(ls, 0, x, NULL, ls->basis, ls->work, counters);
}

#if CUBIE_LINSOLVE_COMPLEX
CUBIE_DEVICE int cubie_linsolve_factor_complex(cubie_linsolve_work *ls, cubie_real alpha,
                                               cubie_real beta, cubie_i64 *counters) {
  counters[CUBIE_COUNTER_LU] += 1;
  ls->alpha = alpha;
  ls->beta = beta;
  return cubie_krylov_finite(ls, alpha, beta) ? CUBIE_STEP_OK : CUBIE_STEP_NONFINITE;
}

CUBIE_DEVICE int cubie_linsolve_solve_complex(cubie_linsolve_work *ls, cubie_real *CUBIE_RESTRICT xr,
                                              cubie_real *CUBIE_RESTRICT xi, cubie_i64 *counters) {
  return cubie_gmres(ls, 1, xr, xi, ls->basis_c, ls->work_c, counters);
}
#endif

#endif
