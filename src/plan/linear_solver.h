/* linear_solver.h — which linear solver an implicit method's kernel uses
 * (kernels/linear_solvers.def), decided once per job when the model's
 * Jacobian pattern is known: the deck's choice checked against what a run
 * can hold, or `auto` resolved by size and pattern.
 *
 * Every solver keeps its scratch per run (buffers.def rows of family
 * LINSOLVE_<ID>). On a GPU that scratch is the thread's local memory,
 * which NVIDIA's GPUs cap at 512 KiB a thread; the CPU backend keeps it on
 * its OpenMP threads' stacks (8 MiB with the usual `ulimit -s`, shared
 * with everything else a run declares). A deck must run on either, so a
 * solver whose buffers need more than CUBIE_LINEAR_SOLVER_RUN_BYTES is one
 * that "cannot hold the system": named, at its deck position, before
 * anything compiles.
 *
 * `auto` (docs/algorithms.md has the measurements behind the numbers):
 *   1. dense when N <= CUBIE_LINEAR_SOLVER_AUTO_DENSE_STATES: the dense LU
 *      is unrolled into straight-line code there (lu_dense.h's
 *      CUBIE_LU_UNROLL_MAX; registers on a GPU), faster than following
 *      index tables (measured on the Brusselator, CPU: dense 1.7x faster
 *      at 6 states; sparse 0.7x of dense at 8);
 *   2. sparse when its factorisation takes at most
 *      CUBIE_LINEAR_SOLVER_AUTO_SPARSE_WORK of the dense LU's multiply-adds
 *      (N(N−1)(2N−1)/6) and fits (measured: 3x faster than dense from 10
 *      states on a banded pattern, 25x at 128);
 *   3. dense when it fits;
 *   4. sparse when it fits (however much work);
 *   5. krylov when it fits;
 *   6. otherwise no solver can hold the system: an error.
 * It never compiles or touches memory beyond the plan.
 */
#ifndef CUBIE_LINEAR_SOLVER_H
#define CUBIE_LINEAR_SOLVER_H

#include <stdbool.h>

#include "deck/config.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/strbuf.h"

#define CUBIE_LINEAR_SOLVER_RUN_BYTES (512LL * 1024)
#define CUBIE_LINEAR_SOLVER_AUTO_DENSE_STATES 8
#define CUBIE_LINEAR_SOLVER_AUTO_SPARSE_WORK 0.25

/* Bytes per run of solver `k`'s buffers (its buffers.def rows, the complex
 * pair's too when complex_pair) for n states, J's jac_nnz non-zeros and a
 * sparse LU of lu_nnz entries. */
long long cubie_linear_solver_bytes(cubie_linear_solver k, bool complex_pair, int n, int jac_nnz,
                                    int lu_nnz, size_t real_size);

/* What `auto` decides from. */
typedef struct cubie_linear_solver_facts {
  int n_states;
  long long dense_bytes, krylov_bytes;
  long long sparse_bytes;   /* < 0: no sparse factorisation (sparse_why says why) */
  long long sparse_operations; /* its multiply-adds per factorisation */
  const char *sparse_why;
  long long budget;         /* CUBIE_LINEAR_SOLVER_RUN_BYTES */
} cubie_linear_solver_facts;

/* The `auto` rule above; CUBIE_LINEAR_SOLVER_AUTO when nothing fits. `why`
 * gets one line. */
cubie_linear_solver cubie_linear_solver_auto(const cubie_linear_solver_facts *f, char *why,
                                             size_t why_size);

/* Decide p->linear_solver (and p->sparse_lu, p->linear_solver_why) for an
 * implicit method, after cubie_model_differentiate; nothing for an explicit
 * one. CUBIE_ERR_INPUT at integrator.linear_solver (or, for `auto`, at
 * integrator.algorithm) when the solver cannot hold the system. */
int cubie_plan_choose_linear_solver(cubie_plan *p, const cubie_config *cfg, const cubie_model *m);

#endif
