/* model_jacobian.h — the model's derivatives for the implicit (stiff)
 * methods: the Jacobian ∂f/∂y with its structural sparsity pattern, J·v and
 * ∂f/∂t, differentiated symbolically from the model's expression graph
 * (expr_derivative.h), and the generated code that computes them.
 *
 * The derivatives live in the same hash-consed graph as f, so they share
 * every common subexpression with it and with each other, and observables,
 * intermediates and derivative references are already substituted. They
 * are built only when asked for (an implicit method, `cubie check --show
 * jacobian`); a model used with an explicit method never differentiates
 * and its generated code is unchanged.
 *
 * "The Jacobian cannot be formed" means, for cubie: ∂f/∂y would add more
 * than CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS expressions to the model's
 * graph (beyond that the generated kernel no longer compiles in reasonable
 * time). That is one CUBIE_ERR_INPUT at the deck position of
 * `model.equations`, raised by cubie_model_differentiate, so `cubie check`
 * fails exactly when `cubie run` would. Every operation of the model
 * language has a derivative (piecewise functions piecewise), so nothing else
 * can stop it; J·v and ∂f/∂t need no bound of their own, because each rule
 * adds a bounded number of expressions per node of f (they are at most a
 * few times f's size) while ∂f/∂y needs one such sweep per state.
 *
 * It never touches files, MPI or backends.
 */
#ifndef CUBIE_MODEL_JACOBIAN_H
#define CUBIE_MODEL_JACOBIAN_H

#include "model/model.h"

/* Expressions (graph nodes) ∂f/∂y may add to f's. Measured (gcc -O3, one
 * core): a function of ~10 000 such expressions compiles in ~10 s, ~13 000
 * in ~35 s, growing faster than linearly; a 1 000-state method-of-lines
 * Brusselator adds 3 002, HIRES 9. */
#define CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS 20000

/* One structural non-zero of ∂f/∂y: d f_row / d y_column. */
typedef struct cubie_model_jacobian_entry {
  int row;
  int column;
} cubie_model_jacobian_entry;

/* Differentiate the model (∂f/∂y, J·v, ∂f/∂t). Does nothing when already
 * done. CUBIE_ERR_INPUT (at cfg's `model.equations`) when ∂f/∂y would
 * exceed CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS; the model then
 * stays without derivatives (f and its code are unchanged). */
int cubie_model_differentiate(cubie_model *m, const cubie_config *cfg);
/* 1 once cubie_model_differentiate succeeded. */
int cubie_model_has_jacobian(const cubie_model *m);

/* After cubie_model_differentiate: the structural non-zeros of ∂f/∂y in
 * row-major order (what a sparse LU can follow), their count, and whether
 * f does not depend on t at all (then ∂f/∂t = 0). */
int cubie_model_jacobian_nnz(const cubie_model *m);
const cubie_model_jacobian_entry *cubie_model_jacobian_pattern(const cubie_model *m);
int cubie_model_is_autonomous(const cubie_model *m);

/* Append the derivative functions to `src` (after cubie_model_generate's
 * text, which defines CUBIE_N_STATES):
 *   #define CUBIE_MODEL_HAS_JACOBIAN 1
 *   #define CUBIE_MODEL_AUTONOMOUS 0|1
 *   #define CUBIE_JAC_NNZ <structural non-zeros>
 *   cubie_model_jacobian(t, y, p, J)          J[i*N + j] = df_i/dy_j, zeros written
 *   cubie_model_rhs_jacobian(t, y, p, f, J)   f and J, temporaries computed once
 *   cubie_model_jvp(t, y, p, v, Jv)           Jv = J v, without forming J
 *   cubie_model_dfdt(t, y, p, dfdt)           df/dt (zeros when autonomous)
 * (signatures in docs/model.md). Needs cubie_model_differentiate first. */
int cubie_model_generate_jacobian(const cubie_model *m, cubie_strbuf *src);

/* The generated functions, for their sizes. The last two only a linear
 * solver that needs them gets (cubie_model_generate_solver_function). */
typedef enum cubie_model_function {
  CUBIE_MODEL_FUNCTION_RHS = 0,
  CUBIE_MODEL_FUNCTION_JACOBIAN,
  CUBIE_MODEL_FUNCTION_RHS_JACOBIAN,
  CUBIE_MODEL_FUNCTION_JVP,
  CUBIE_MODEL_FUNCTION_DFDT,
  CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES,
  CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL,
  CUBIE_MODEL_N_FUNCTIONS
} cubie_model_function;

/* Append one function a linear solver needs besides cubie_model_generate_jacobian's
 * (after that text), planned like them (f's subexpressions shared):
 *   RHS_JACOBIAN_VALUES    cubie_model_rhs_jacobian_values(t, y, p, f, Jx):
 *                          f and J's structural non-zeros, Jx[k] the k-th
 *                          of cubie_model_jacobian_pattern (the sparse LU)
 *   RHS_JACOBIAN_DIAGONAL  cubie_model_rhs_jacobian_diagonal(t, y, p, f, D):
 *                          f and J's diagonal D[i] = df_i/dy_i, zeros
 *                          written (the Krylov solver's preconditioner)
 * Needs cubie_model_differentiate first. */
int cubie_model_generate_solver_function(const cubie_model *m, cubie_model_function fn,
                                         cubie_strbuf *src);

/* Operations a generated function computes (each printed operation once:
 * arithmetic, calls, comparisons, selections) and how many of them are
 * `cse_N` temporaries. The derivative functions need
 * cubie_model_differentiate first. */
int cubie_model_code_size(const cubie_model *m, cubie_model_function fn, int *expressions,
                          int *temporaries);

/* `cubie check --show jacobian`: the pattern (a character matrix up to
 * CUBIE_MODEL_PATTERN_MAX_DRAWN states, counts and bandwidths beyond) and
 * the generated functions' sizes. Needs cubie_model_differentiate first. */
#define CUBIE_MODEL_PATTERN_MAX_DRAWN 60
int cubie_model_describe_jacobian(const cubie_model *m, cubie_strbuf *out);

#endif
