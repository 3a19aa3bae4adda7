/* linsolve.h — the linear-solver seam: how an implicit step family
 * (Rosenbrock, SDIRK/ESDIRK, Radau IIA) gets its Jacobian, factors its
 * iteration matrix and solves with it, whatever the solver.
 *
 * The iteration matrix is always M = c·I − J, J = ∂f/∂y (Rosenbrock and
 * SDIRK: c = 1/(γh); Radau IIA: γ/h real and (α + iβ)/h complex). One
 * implementation is compiled in, chosen by the host from
 * integrator.linear_solver (linear_solvers.def): CUBIE_LINSOLVE_DENSE
 * (linsolve_dense.h), CUBIE_LINSOLVE_SPARSE (linsolve_sparse.h, with the
 * host's symbolic factorisation emitted as tables) or CUBIE_LINSOLVE_KRYLOV
 * (linsolve_krylov.h, matrix-free). A kernel built without the host (the
 * kernel tests) gets the dense one unless it asks for another. Each
 * implementation provides the same names:
 *
 *   typedef struct { ... } cubie_linsolve_work;
 *       Pointers to the solver's scratch (buffers.def rows of family
 *       LINSOLVE_<ID>, owner LINSOLVE). Part of the family's work struct.
 *   CUBIE_LINSOLVE_DECLARE_WORK(ls)
 *       Declares the buffers with CUBIE_BUFFER and a cubie_linsolve_work
 *       `ls` pointing at them (use inside the family's DECLARE_WORK).
 *   void cubie_linsolve_jacobian(cubie_linsolve_work *ls, double t,
 *           const cubie_real *y, const cubie_real *p, cubie_real *f,
 *           cubie_i64 *counters)
 *       Takes the Jacobian at (t, y) — dense: J = ∂f/∂y into its buffer
 *       (cubie_model_rhs_jacobian); sparse: J's structural non-zeros
 *       (cubie_model_rhs_jacobian_values); Krylov: records the point and
 *       p for J·v, and J's diagonal for its preconditioner
 *       (cubie_model_rhs_jacobian_diagonal) — and f(t, y) into f
 *       (scratch if the caller does not need it). Counts one Jacobian and
 *       one right-hand-side evaluation. Every later factor/solve uses this
 *       J until the next call, so a family may keep it across steps
 *       (W-methods). Called with the same arguments it reproduces J bit for
 *       bit (how a family restores J in a new time window).
 *   int cubie_linsolve_factor(cubie_linsolve_work *ls, cubie_real c,
 *           cubie_i64 *counters)
 *       Forms and factors M = c·I − J (Krylov: forms its preconditioner).
 *       Returns CUBIE_STEP_OK, CUBIE_STEP_SINGULAR (a zero pivot) or
 *       CUBIE_STEP_NONFINITE (J or c not finite); the factors are then
 *       unusable. Counts one lu_factorizations.
 *   int cubie_linsolve_solve(cubie_linsolve_work *ls, cubie_real *x,
 *           cubie_i64 *counters)
 *       x ← M⁻¹ x, in place. Returns CUBIE_STEP_OK, or (iterative solvers)
 *       why no solution was found: CUBIE_STEP_NEWTON_FAILED (the iteration
 *       did not reach its tolerance; x is its best iterate) or
 *       CUBIE_STEP_NONFINITE. Counts linear_iterations (a direct solve:
 *       one; Krylov: one per Krylov iteration).
 *   void cubie_linsolve_accuracy(cubie_linsolve_work *ls, cubie_real atol,
 *           cubie_real rtol, cubie_real tol)
 *       How accurate the family needs the next solves: an iterative solver
 *       stops when its residual, scaled by the weights atol + rtol·|y_J|
 *       (y_J: the point J was taken at) and its preconditioner, has RMS
 *       norm <= tol (so tol is a fraction of the step's tolerance). Direct
 *       solvers ignore it: their solves are exact to round-off. Called by
 *       each family at the start of an attempt.
 *   cubie_real cubie_linsolve_jacobian_norm(const cubie_linsolve_work *ls)
 *       ‖J‖∞ (the largest absolute row sum) of the J last taken: a bound on
 *       the size of every eigenvalue of J (auto.h's test for the end of
 *       stiffness; no other family calls it). Counts nothing. A matrix-free
 *       solver that cannot form it returns a bound of its own (e.g. from
 *       J·v products) or refuses the methods that call it at the host.
 *   Only when CUBIE_LINSOLVE_COMPLEX (the method's jacobian column is 2:
 *   Radau IIA's complex pair; its buffers are rows of family
 *   LINSOLVE_<ID>_COMPLEX), a second, complex factorisation kept beside the
 *   real one:
 *   int cubie_linsolve_factor_complex(cubie_linsolve_work *ls,
 *           cubie_real alpha, cubie_real beta, cubie_i64 *counters)
 *       M = (α + iβ)·I − J, factored in complex arithmetic (real and
 *       imaginary parts in separate arrays: half the work and storage of
 *       the equivalent 2N real system). Outcomes and counting as
 *       cubie_linsolve_factor.
 *   int cubie_linsolve_solve_complex(cubie_linsolve_work *ls, cubie_real *xr,
 *           cubie_real *xi, cubie_i64 *counters)
 *       (xr + i·xi) ← M⁻¹ (xr + i·xi), in place.
 *
 * The seam never decides when J is refreshed or M refactored (the family's
 * policy), never persists anything (the family persists the point J was
 * taken at and rebuilds J from it) and never touches another run's data.
 * A solver is linsolve_<id>.h with its linear_solvers.def row and
 * buffers.def rows; no family knows which one it uses.
 */
#ifndef CUBIE_LINSOLVE_H
#define CUBIE_LINSOLVE_H

#include "step.h"
#include "linear_solvers.def"

#if !defined(CUBIE_LINSOLVE_DENSE) && !defined(CUBIE_LINSOLVE_SPARSE) && !defined(CUBIE_LINSOLVE_KRYLOV)
#define CUBIE_LINSOLVE_DENSE 1
#endif

/* Radau IIA's complex pair (methods.def: jacobian = 2). */
#ifndef CUBIE_LINSOLVE_COMPLEX /* (tests of the seam force it) */
#define CUBIE_LINSOLVE_COMPLEX (CUBIE_METHOD_JACOBIAN == 2)
#endif

#if defined(CUBIE_LINSOLVE_DENSE)
#include "linsolve_dense.h"
#elif defined(CUBIE_LINSOLVE_SPARSE)
#include "linsolve_sparse.h"
#elif defined(CUBIE_LINSOLVE_KRYLOV)
#include "linsolve_krylov.h"
#endif

/* Direct solvers are exact to round-off whatever the tolerance. */
#if !defined(CUBIE_LINSOLVE_KRYLOV)
CUBIE_INLINE void cubie_linsolve_accuracy(cubie_linsolve_work *ls, cubie_real atol, cubie_real rtol,
                                          cubie_real tol) {
  (void)ls;
  (void)atol;
  (void)rtol;
  (void)tol;
}
#endif

#endif
