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
 * "The Jacobian cannot be formed" means, for cubie: differentiating would
 * create more than CUBIE_MODEL_DERIVATIVE_MAX_EXPRESSIONS new expressions
 * (a size that the generated kernel can no longer be compiled in
 * reasonable time and memory). That is one CUBIE_ERR_INPUT at the deck
 * position of `model.equations`, raised by cubie_model_differentiate, so
 * `cubie check` fails exactly when `cubie run` would. Every operation of
 * the model language has a derivative (piecewise functions piecewise), so
 * nothing else can stop it.
 *
 * It never touches files, MPI or backends.
 */
#ifndef CUBIE_MODEL_JACOBIAN_H
#define CUBIE_MODEL_JACOBIAN_H

#include "model/model.h"

/* Expressions (graph nodes) differentiation may add to f's: ∂f/∂y, J·v
 * and ∂f/∂t together. A 100-state method-of-lines Brusselator adds about
 * 1 000, POLLU about 300; 100 000 new expressions compile in ~1 minute
 * (host cc -O2, float64). */
#define CUBIE_MODEL_DERIVATIVE_MAX_EXPRESSIONS 100000

/* One structural non-zero of ∂f/∂y: d f_row / d y_column. */
typedef struct cubie_model_jacobian_entry {
  int row;
  int column;
} cubie_model_jacobian_entry;

/* Differentiate the model (∂f/∂y, J·v, ∂f/∂t). Does nothing when already
 * done. CUBIE_ERR_INPUT (at cfg's `model.equations`) when the derivatives
 * would exceed CUBIE_MODEL_DERIVATIVE_MAX_EXPRESSIONS; the model then
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

/* The generated functions, for their sizes. */
typedef enum cubie_model_function {
  CUBIE_MODEL_FUNCTION_RHS = 0,
  CUBIE_MODEL_FUNCTION_JACOBIAN,
  CUBIE_MODEL_FUNCTION_RHS_JACOBIAN,
  CUBIE_MODEL_FUNCTION_JVP,
  CUBIE_MODEL_FUNCTION_DFDT,
  CUBIE_MODEL_N_FUNCTIONS
} cubie_model_function;

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
