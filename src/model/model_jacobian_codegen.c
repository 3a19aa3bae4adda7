/* model_jacobian_codegen.c — the derivative functions printed as kernel C
 * (see model_jacobian.h for the contract, docs/model.md for the text).
 *
 * The same printer as the right-hand side (model_emit.h): each function
 * computes only what it returns, a node it names more than once is one
 * temporary, and cubie_model_rhs_jacobian plans f and J as one function so
 * the subexpressions they share (most of J's are f's own: exp(u) in
 * d exp(u) = exp(u) du) are computed once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/expr_derivative.h"
#include "model/model_emit.h"
#include "model/model_internal.h"
#include "util/error.h"

/* Up to this many states the zeros of J are written one by one, in order
 * with the non-zeros; beyond, one loop clears J first. */
#define EXPLICIT_ZEROS_MAX_STATES 16

static int n_states_of(const cubie_model *m) { return m->n_symbols[CUBIE_SYMBOL_STATE]; }

/* The roots of one generated function (caller frees). */
static int function_roots(const cubie_model *m, cubie_model_function fn, int **roots,
                          int *n_roots) {
  const cubie_model_derivatives *d = m->derivatives;
  int n = n_states_of(m), nnz = d ? d->n_entries : 0;
  *n_roots = 0;
  *roots = malloc((size_t)(n + nnz + 1) * sizeof **roots);
  CUBIE_CHECK(*roots, CUBIE_ERR_MEMORY, "out of memory generating the model code");
  CUBIE_CHECK(d || fn == CUBIE_MODEL_FUNCTION_RHS, CUBIE_ERR_INTERNAL,
              "the model's derivatives are used before cubie_model_differentiate");
  if (fn == CUBIE_MODEL_FUNCTION_RHS || fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN ||
      fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES ||
      fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL)
    for (int i = 0; i < n; i++) (*roots)[(*n_roots)++] = m->derivative[i];
  if (fn == CUBIE_MODEL_FUNCTION_JACOBIAN || fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN ||
      fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES)
    for (int k = 0; k < nnz; k++) (*roots)[(*n_roots)++] = d->entry_node[k];
  if (fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL)
    for (int k = 0; k < nnz; k++)
      if (d->entries[k].row == d->entries[k].column) (*roots)[(*n_roots)++] = d->entry_node[k];
  const int *per_state = fn == CUBIE_MODEL_FUNCTION_JVP    ? d->jvp
                         : fn == CUBIE_MODEL_FUNCTION_DFDT ? d->dfdt
                                                           : NULL;
  for (int i = 0; per_state && i < n; i++)
    if (per_state[i] != CUBIE_EXPR_ZERO) (*roots)[(*n_roots)++] = per_state[i];
  return CUBIE_OK;
}

static int plan_function(cubie_model_emitter *E, cubie_model_function fn) {
  int *roots, n_roots;
  CUBIE_CALL(function_roots(E->m, fn, &roots, &n_roots));
  cubie_model_emitter_plan(E, roots, n_roots);
  free(roots);
  return CUBIE_OK;
}

/* " /" "* d(dNAME)/d(WRT) *" "/": which derivative a line holds. */
static int comment_derivative(cubie_strbuf *out, const cubie_model *m, int row, const char *wrt) {
  const char *name = m->symbols[CUBIE_SYMBOL_STATE][row].name;
  size_t size = strlen(name) + strlen(wrt) + 8;
  char *text = malloc(size);
  CUBIE_CHECK(text, CUBIE_ERR_MEMORY, "out of memory generating the model code");
  snprintf(text, size, "%s)/d%s", name, wrt);
  int rc = cubie_model_emit_comment_name(out, "d(d", text);
  free(text);
  return rc;
}

static int emit_value_line(cubie_model_emitter *E, const char *array, int index, int node) {
  CUBIE_CALL(cubie_strbuf_printf(E->out, "  %s[%d] = ", array, index));
  if (node == CUBIE_EXPR_ZERO) return cubie_strbuf_append(E->out, "(cubie_real)0;");
  CUBIE_CALL(cubie_model_emit_expr(E, node));
  return cubie_strbuf_append(E->out, ";");
}

/* J, dense row-major, zeros included. */
static int emit_jacobian_entries(cubie_model_emitter *E) {
  const cubie_model *m = E->m;
  const cubie_model_derivatives *d = m->derivatives;
  int n = n_states_of(m), explicit_zeros = n <= EXPLICIT_ZEROS_MAX_STATES;
  if (!explicit_zeros && d->n_entries < n * n)
    CUBIE_CALL(cubie_strbuf_append(
        E->out,
        "  for (int k = 0; k < CUBIE_N_STATES * CUBIE_N_STATES; k++) J[k] = (cubie_real)0;\n"));
  int k = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      int nonzero = k < d->n_entries && d->entries[k].row == i && d->entries[k].column == j;
      if (!nonzero && !explicit_zeros) continue;
      CUBIE_CALL(emit_value_line(E, "J", i * n + j, nonzero ? d->entry_node[k] : CUBIE_EXPR_ZERO));
      char wrt[512];
      snprintf(wrt, sizeof wrt, "(%s)", m->symbols[CUBIE_SYMBOL_STATE][j].name);
      CUBIE_CALL(comment_derivative(E->out, m, i, wrt));
      CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
      if (nonzero) k++;
    }
  return CUBIE_OK;
}

/* J's structural non-zeros, in the pattern's (row-major) order. */
static int emit_jacobian_values(cubie_model_emitter *E) {
  const cubie_model *m = E->m;
  const cubie_model_derivatives *d = m->derivatives;
  for (int k = 0; k < d->n_entries; k++) {
    CUBIE_CALL(emit_value_line(E, "Jx", k, d->entry_node[k]));
    char wrt[512];
    snprintf(wrt, sizeof wrt, "(%s)", m->symbols[CUBIE_SYMBOL_STATE][d->entries[k].column].name);
    CUBIE_CALL(comment_derivative(E->out, m, d->entries[k].row, wrt));
    CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
  }
  return CUBIE_OK;
}

/* J's diagonal, zeros written. */
static int emit_jacobian_diagonal(cubie_model_emitter *E) {
  const cubie_model *m = E->m;
  const cubie_model_derivatives *d = m->derivatives;
  int k = 0;
  for (int i = 0; i < n_states_of(m); i++) {
    while (k < d->n_entries && d->entries[k].row < i) k++;
    int node = CUBIE_EXPR_ZERO;
    for (int q = k; q < d->n_entries && d->entries[q].row == i; q++)
      if (d->entries[q].column == i) node = d->entry_node[q];
    CUBIE_CALL(emit_value_line(E, "D", i, node));
    char wrt[512];
    snprintf(wrt, sizeof wrt, "(%s)", m->symbols[CUBIE_SYMBOL_STATE][i].name);
    CUBIE_CALL(comment_derivative(E->out, m, i, wrt));
    CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
  }
  return CUBIE_OK;
}

static int emit_per_state(cubie_model_emitter *E, const char *array, const int *nodes,
                          const char *wrt) {
  const cubie_model *m = E->m;
  for (int i = 0; i < n_states_of(m); i++) {
    CUBIE_CALL(emit_value_line(E, array, i, nodes ? nodes[i] : CUBIE_EXPR_ZERO));
    if (wrt)
      CUBIE_CALL(comment_derivative(E->out, m, i, wrt));
    else
      CUBIE_CALL(
          cubie_model_emit_comment_name(E->out, "d", m->symbols[CUBIE_SYMBOL_STATE][i].name));
    CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
  }
  return CUBIE_OK;
}

static const char *const jvp_signature =
    "(double t, const cubie_real *CUBIE_RESTRICT y, const cubie_real *CUBIE_RESTRICT p,\n"
    "    const cubie_real *CUBIE_RESTRICT v, cubie_real *CUBIE_RESTRICT Jv) {\n";

static int emit_function(cubie_model_emitter *E, cubie_model_function fn) {
  const cubie_model_derivatives *d = E->m->derivatives;
  cubie_strbuf *out = E->out;
  CUBIE_CALL(plan_function(E, fn));
  switch (fn) {
    case CUBIE_MODEL_FUNCTION_JACOBIAN:
      CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_jacobian%sJ) {\n",
                                     cubie_model_signature_head));
      break;
    case CUBIE_MODEL_FUNCTION_RHS_JACOBIAN:
      CUBIE_CALL(cubie_strbuf_printf(
          out, "CUBIE_DEVICE void cubie_model_rhs_jacobian%sf, cubie_real *CUBIE_RESTRICT J) {\n",
          cubie_model_signature_head));
      break;
    case CUBIE_MODEL_FUNCTION_JVP:
      CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_jvp%s", jvp_signature));
      break;
    case CUBIE_MODEL_FUNCTION_DFDT:
      CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_dfdt%sdfdt) {\n",
                                     cubie_model_signature_head));
      break;
    case CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES:
      CUBIE_CALL(cubie_strbuf_printf(
          out,
          "CUBIE_DEVICE void cubie_model_rhs_jacobian_values%sf, cubie_real *CUBIE_RESTRICT Jx) {\n",
          cubie_model_signature_head));
      break;
    case CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL:
      CUBIE_CALL(cubie_strbuf_printf(
          out,
          "CUBIE_DEVICE void cubie_model_rhs_jacobian_diagonal%sf, cubie_real *CUBIE_RESTRICT D) {\n",
          cubie_model_signature_head));
      break;
    default: return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "emit_function: not a derivative function");
  }
  CUBIE_CALL(cubie_strbuf_append(out, "  (void)t;\n  (void)y;\n  (void)p;\n"));
  if (fn == CUBIE_MODEL_FUNCTION_JVP) CUBIE_CALL(cubie_strbuf_append(out, "  (void)v;\n"));
  CUBIE_CALL(cubie_model_emit_temporaries(E));
  if (fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN || fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES ||
      fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL)
    CUBIE_CALL(emit_per_state(E, "f", E->m->derivative, NULL));
  if (fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES) CUBIE_CALL(emit_jacobian_values(E));
  if (fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL) CUBIE_CALL(emit_jacobian_diagonal(E));
  if (fn == CUBIE_MODEL_FUNCTION_JACOBIAN || fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN)
    CUBIE_CALL(emit_jacobian_entries(E));
  if (fn == CUBIE_MODEL_FUNCTION_JVP) CUBIE_CALL(emit_per_state(E, "Jv", d->jvp, "(y) v"));
  if (fn == CUBIE_MODEL_FUNCTION_DFDT) CUBIE_CALL(emit_per_state(E, "dfdt", d->dfdt, "t"));
  return cubie_strbuf_append(out, "}\n\n");
}

int cubie_model_generate_jacobian(const cubie_model *m, cubie_strbuf *src) {
  const cubie_model_derivatives *d = m->derivatives;
  CUBIE_CHECK(d, CUBIE_ERR_INTERNAL,
              "cubie_model_generate_jacobian before cubie_model_differentiate");
  CUBIE_CALL(cubie_strbuf_printf(src,
                                 "\n/* The model's derivatives (generated by cubie): J[i * "
                                 "CUBIE_N_STATES + j] = d f_i / d y_j. */\n"
                                 "#define CUBIE_MODEL_HAS_JACOBIAN 1\n"
                                 "#define CUBIE_MODEL_AUTONOMOUS %d\n"
                                 "#define CUBIE_JAC_NNZ %d\n\n",
                                 d->autonomous, d->n_entries));
  cubie_model_emitter E;
  int rc = cubie_model_emitter_init(&E, m, src);
  const cubie_model_function order[] = {CUBIE_MODEL_FUNCTION_JACOBIAN,
                                        CUBIE_MODEL_FUNCTION_RHS_JACOBIAN, CUBIE_MODEL_FUNCTION_JVP,
                                        CUBIE_MODEL_FUNCTION_DFDT};
  for (int k = 0; k < 4 && !rc; k++) rc = emit_function(&E, order[k]);
  cubie_model_emitter_free(&E);
  return rc;
}

int cubie_model_generate_solver_function(const cubie_model *m, cubie_model_function fn,
                                         cubie_strbuf *src) {
  CUBIE_CHECK(m->derivatives, CUBIE_ERR_INTERNAL,
              "cubie_model_generate_solver_function before cubie_model_differentiate");
  CUBIE_CHECK(fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_VALUES ||
                  fn == CUBIE_MODEL_FUNCTION_RHS_JACOBIAN_DIAGONAL,
              CUBIE_ERR_INTERNAL, "cubie_model_generate_solver_function: not a solver's function");
  cubie_model_emitter E;
  int rc = cubie_model_emitter_init(&E, m, src);
  if (!rc) rc = emit_function(&E, fn);
  cubie_model_emitter_free(&E);
  return rc;
}

int cubie_model_code_size(const cubie_model *m, cubie_model_function fn, int *expressions,
                          int *temporaries) {
  *expressions = *temporaries = 0;
  CUBIE_CHECK(fn >= 0 && fn < CUBIE_MODEL_N_FUNCTIONS, CUBIE_ERR_INTERNAL,
              "cubie_model_code_size: no function %d", (int)fn);
  cubie_strbuf unused = {NULL, 0, 0};
  cubie_model_emitter E;
  int rc = cubie_model_emitter_init(&E, m, &unused);
  if (!rc) rc = plan_function(&E, fn);
  if (!rc) cubie_model_emitter_count(&E, expressions, temporaries);
  cubie_model_emitter_free(&E);
  return rc;
}
