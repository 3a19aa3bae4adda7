/* kernel_linsolve.h — the implicit method's linear solver's share of the
 * kernel text, after the model's derivative functions: the sparse solver
 * gets cubie_model_rhs_jacobian_values and the symbolic factorisation as
 * the index tables kernels/linsolve_sparse.h follows; the Krylov solver
 * gets cubie_model_rhs_jacobian_diagonal; the dense solver nothing (its
 * kernels keep the text they always had).
 *
 * It only writes text; the choice of solver is the plan's
 * (plan/linear_solver.h).
 */
#ifndef CUBIE_KERNEL_LINSOLVE_H
#define CUBIE_KERNEL_LINSOLVE_H

#include "model/model.h"
#include "plan/plan.h"
#include "util/strbuf.h"

int cubie_kernel_linsolve_source(const cubie_plan *plan, const cubie_model *model, cubie_strbuf *out);

#endif
