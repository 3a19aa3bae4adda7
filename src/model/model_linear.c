/* model_linear.c — derivatives defined as constant linear combinations of
 * other derivatives (`dy3 = dy2 - dy4`, `dy8 = -dy7`), found in the parse
 * graph and emitted as cubie_model_linear_derivatives (see model_internal.h).
 *
 * Such a line makes w·f(y) = 0 for every y (w = e3 − e2 + e4), hence
 * w·J = 0 and w·(∂f/∂t) = 0: the quantity w·y is conserved, and every
 * vector a Rosenbrock stage solves for, (c·I − J) u = f(Y) + Σ c_ij/h u_j
 * (+ γ h f_t), satisfies w·u = 0 exactly. The linear solve's rounding does
 * not keep it — it is relative to the largest components — so the
 * Rosenbrock family re-imposes the line on each stage solution
 * (kernels/rosenbrock.h); the update y + Σ m_i u_i then moves w·y only by
 * the rounding of the small components themselves (docs/algorithms.md,
 * "E5 with a Rosenbrock method").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_emit.h"
#include "model/model_internal.h"
#include "util/error.h"
#include "util/growable.h"

/* Deeper expressions are not searched: such lines are short. */
#define LINEAR_MAX_DEPTH 64

/* Add scale × (node id as a linear form in the derivatives) to coef. 0 when
 * the node is not a homogeneous linear combination of derivatives with
 * literal coefficients. */
static int linear_form(const cubie_model_parse *p, int id, double scale, double *coef, int depth) {
  if (depth > LINEAR_MAX_DEPTH) return 0;
  const cubie_expr_node *n = &p->graph->nodes[id];
  const cubie_expr_node *a = n->n_children > 0 ? &p->graph->nodes[n->child[0]] : NULL;
  const cubie_expr_node *b = n->n_children > 1 ? &p->graph->nodes[n->child[1]] : NULL;
  switch (n->op) {
    case CUBIE_EXPR_DERIVATIVE: coef[n->index] += scale; return 1;
    case CUBIE_EXPR_OBSERVABLE:
      return linear_form(p, p->defs[p->observable_def[n->index]].root, scale, coef, depth + 1);
    case CUBIE_EXPR_NEG: return linear_form(p, n->child[0], -scale, coef, depth + 1);
    case CUBIE_EXPR_ADD:
      return linear_form(p, n->child[0], scale, coef, depth + 1) &&
             linear_form(p, n->child[1], scale, coef, depth + 1);
    case CUBIE_EXPR_SUB:
      return linear_form(p, n->child[0], scale, coef, depth + 1) &&
             linear_form(p, n->child[1], -scale, coef, depth + 1);
    case CUBIE_EXPR_MUL:
      if (a->op == CUBIE_EXPR_LITERAL) return linear_form(p, n->child[1], scale * a->value, coef, depth + 1);
      if (b->op == CUBIE_EXPR_LITERAL) return linear_form(p, n->child[0], scale * b->value, coef, depth + 1);
      return 0;
    case CUBIE_EXPR_DIV:
      if (b->op == CUBIE_EXPR_LITERAL && b->value != 0.0)
        return linear_form(p, n->child[0], scale / b->value, coef, depth + 1);
      return 0;
    default: return 0;
  }
}

int cubie_model_find_linear_derivatives(cubie_model *m, const int *order, int n_order) {
  const cubie_model_parse *p = &m->parse;
  const int n_states = m->n_symbols[CUBIE_SYMBOL_STATE], n_obs = p->n_observables;
  double *coef = malloc((size_t)(n_states > 0 ? n_states : 1) * sizeof *coef);
  m->linear_state = malloc((size_t)(n_states > 0 ? n_states : 1) * sizeof *m->linear_state);
  m->linear_start = malloc((size_t)(n_states + 1) * sizeof *m->linear_start);
  if (!coef || !m->linear_state || !m->linear_start) {
    free(coef);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory looking for linear derivatives");
  }
  int n_terms = 0, rc = CUBIE_OK;
  size_t term_capacity = 0, coef_capacity = 0;
  m->n_linear = 0;
  m->linear_start[0] = 0;
  /* In dependency order: a line's terms are imposed before it is. */
  for (int k = 0; k < n_order && !rc; k++) {
    const int s = order[k] - n_obs;
    if (s < 0 || p->derivative_def[s] < 0) continue;
    for (int j = 0; j < n_states; j++) coef[j] = 0.0;
    if (!linear_form(p, p->defs[p->derivative_def[s]].root, 1.0, coef, 0)) continue;
    /* A coefficient that overflowed is no line to impose (f itself is not
     * finite there), not a term to drop. */
    int finite = 1;
    for (int j = 0; j < n_states; j++) finite &= isfinite(coef[j]) != 0;
    if (!finite) continue;
    const int first = n_terms;
    for (int j = 0; j < n_states && !rc; j++) {
      if (coef[j] == 0.0) continue;
      rc = CUBIE_GROW(m->linear_term, n_terms + 1, term_capacity, "the linear derivatives");
      if (!rc) rc = CUBIE_GROW(m->linear_coef, n_terms + 1, coef_capacity, "the linear derivatives");
      if (rc) break;
      m->linear_term[n_terms] = j;
      m->linear_coef[n_terms++] = coef[j];
    }
    if (rc || n_terms == first) continue;
    m->linear_state[m->n_linear++] = s;
    m->linear_start[m->n_linear] = n_terms;
  }
  free(coef);
  return rc;
}

void cubie_model_linear_free(cubie_model *m) {
  free(m->linear_state);
  free(m->linear_start);
  free(m->linear_term);
  free(m->linear_coef);
  m->linear_state = m->linear_start = m->linear_term = NULL;
  m->linear_coef = NULL;
  m->n_linear = 0;
}

int cubie_model_generate_linear_derivatives(const cubie_model *m, cubie_strbuf *out) {
  if (m->n_linear == 0) return CUBIE_OK;
  CUBIE_CALL(cubie_strbuf_printf(
      out,
      "/* Derivatives that are constant linear combinations of others: every\n"
      " * stage solution of a Rosenbrock step satisfies them exactly\n"
      " * (src/model/model_linear.c). */\n"
      "#define CUBIE_MODEL_N_LINEAR_DERIVATIVES %d\n"
      "CUBIE_DEVICE void cubie_model_linear_derivatives(cubie_real *v) {\n",
      m->n_linear));
  for (int k = 0; k < m->n_linear; k++) {
    CUBIE_CALL(cubie_strbuf_printf(out, "  v[%d] =", m->linear_state[k]));
    for (int q = m->linear_start[k]; q < m->linear_start[k + 1]; q++) {
      const double c = m->linear_coef[q];
      if (c == 1.0)
        CUBIE_CALL(cubie_strbuf_printf(out, " + v[%d]", m->linear_term[q]));
      else if (c == -1.0)
        CUBIE_CALL(cubie_strbuf_printf(out, " - v[%d]", m->linear_term[q]));
      else
        CUBIE_CALL(cubie_strbuf_printf(out, " + (cubie_real)%.17g * v[%d]", c, m->linear_term[q]));
    }
    CUBIE_CALL(cubie_strbuf_append(out, ";"));
    CUBIE_CALL(cubie_model_emit_comment_name(out, "d", m->symbols[CUBIE_SYMBOL_STATE][m->linear_state[k]].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  return cubie_strbuf_append(out, "}\n\n");
}
