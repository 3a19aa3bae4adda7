/* model_jacobian.c — differentiating the model: ∂f/∂y column by column,
 * ∂f/∂t, J·v, the pattern and the size bound (see model_jacobian.h). The
 * generated code is model_jacobian_codegen.c's. */
#include <stdlib.h>
#include <string.h>

#include "model/expr_derivative.h"
#include "model/model_internal.h"
#include "util/error.h"
#include "util/growable.h"

void cubie_model_derivatives_free(cubie_model_derivatives **d) {
  if (!d || !*d) return;
  free((*d)->entries);
  free((*d)->entry_node);
  free((*d)->jvp);
  free((*d)->dfdt);
  free(*d);
  *d = NULL;
}

/* A non-zero while the columns are collected. */
typedef struct entry {
  int row, column, node;
} entry;

static int compare_entries(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->row != y->row) return (x->row > y->row) - (x->row < y->row);
  return (x->column > y->column) - (x->column < y->column);
}

/* The one error a model's derivatives can raise. */
static int too_large(const cubie_model *m, const cubie_config *cfg, int f_nodes, int state) {
  return cubie_config_error_at(
      cfg, cfg->model.equations_mark,
      "the Jacobian of model '%s' cannot be formed: differentiating its %d equations would add "
      "more than %d expressions to the model's %d (cubie's limit for generated code, reached at "
      "the derivatives with respect to state '%s'); use an explicit method, or write the model "
      "with fewer states coupled through long shared expressions",
      cubie_model_name(m), m->n_symbols[CUBIE_SYMBOL_STATE], CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS,
      f_nodes, m->symbols[CUBIE_SYMBOL_STATE][state].name);
}

/* ∂f/∂y: one forward sweep per state, over the nodes that depend on it. */
static int jacobian_columns(cubie_model *m, const cubie_config *cfg, cubie_expr_differentiator *D,
                            int f_nodes, entry **entries, int *n_entries) {
  int n = m->n_symbols[CUBIE_SYMBOL_STATE];
  size_t capacity = 0;
  for (int j = 0; j < n; j++) {
    CUBIE_CALL(cubie_expr_differentiate_leaf(D, CUBIE_EXPR_STATE, j));
    for (int i = 0; i < n; i++) {
      int node = cubie_expr_tangent(D, m->derivative[i]);
      if (node == CUBIE_EXPR_ZERO) continue;
      CUBIE_CALL(CUBIE_GROW(*entries, *n_entries + 1, capacity, "the Jacobian"));
      (*entries)[(*n_entries)++] = (entry){i, j, node};
    }
    if (m->graph->n_nodes - f_nodes > CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS)
      return too_large(m, cfg, f_nodes, j);
  }
  return CUBIE_OK;
}

/* ∂f/∂t and J·v (the leaves v[k] seed the states). */
static int time_and_direction(cubie_model *m, cubie_expr_differentiator *D,
                              cubie_model_derivatives *d) {
  int n = m->n_symbols[CUBIE_SYMBOL_STATE];
  CUBIE_CALL(cubie_expr_differentiate_leaf(D, CUBIE_EXPR_TIME, 0));
  for (int i = 0; i < n; i++) d->dfdt[i] = cubie_expr_tangent(D, m->derivative[i]);
  int *seed = malloc((size_t)n * sizeof *seed);
  CUBIE_CHECK(seed, CUBIE_ERR_MEMORY, "out of memory differentiating the model");
  int rc = CUBIE_OK;
  for (int k = 0; k < n && !rc; k++) {
    seed[k] = CUBIE_EXPR_ZERO;
    if (cubie_expr_depends_on(D, CUBIE_EXPR_STATE, k))
      rc = cubie_expr_graph_leaf(m->graph, CUBIE_EXPR_DIRECTION, k, &seed[k]);
  }
  if (!rc) rc = cubie_expr_differentiate_seeded(D, seed, n, CUBIE_EXPR_ZERO);
  free(seed);
  CUBIE_CALL(rc);
  for (int i = 0; i < n; i++) d->jvp[i] = cubie_expr_tangent(D, m->derivative[i]);
  return CUBIE_OK;
}

int cubie_model_differentiate(cubie_model *m, const cubie_config *cfg) {
  if (m->derivatives) return CUBIE_OK;
  int n = m->n_symbols[CUBIE_SYMBOL_STATE], f_nodes = m->graph->n_nodes;
  cubie_model_derivatives *d = calloc(1, sizeof *d);
  CUBIE_CHECK(d, CUBIE_ERR_MEMORY, "out of memory differentiating the model");
  d->f_nodes = f_nodes;
  d->jvp = malloc((size_t)n * sizeof *d->jvp);
  d->dfdt = malloc((size_t)n * sizeof *d->dfdt);
  cubie_expr_differentiator *D = NULL;
  entry *entries = NULL;
  int n_entries = 0;
  int rc = d->jvp && d->dfdt
               ? CUBIE_OK
               : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory differentiating the model");
  if (!rc) rc = cubie_expr_differentiator_create(m->graph, m->derivative, n, &D);
  if (!rc) rc = jacobian_columns(m, cfg, D, f_nodes, &entries, &n_entries);
  if (!rc) d->jacobian_nodes = m->graph->n_nodes - f_nodes;
  if (!rc) rc = time_and_direction(m, D, d);
  if (!rc) {
    d->autonomous = !cubie_expr_depends_on(D, CUBIE_EXPR_TIME, 0);
    if (n_entries > 1) qsort(entries, (size_t)n_entries, sizeof *entries, compare_entries);
    d->n_entries = n_entries;
    d->entries = malloc((size_t)(n_entries > 0 ? n_entries : 1) * sizeof *d->entries);
    d->entry_node = malloc((size_t)(n_entries > 0 ? n_entries : 1) * sizeof *d->entry_node);
    if (!d->entries || !d->entry_node)
      rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory differentiating the model");
  }
  for (int k = 0; !rc && k < n_entries; k++) {
    d->entries[k].row = entries[k].row;
    d->entries[k].column = entries[k].column;
    d->entry_node[k] = entries[k].node;
  }
  free(entries);
  cubie_expr_differentiator_destroy(&D);
  if (rc) {
    cubie_model_derivatives_free(&d);
    return rc;
  }
  m->derivatives = d;
  return CUBIE_OK;
}

int cubie_model_has_jacobian(const cubie_model *m) { return m->derivatives != NULL; }

int cubie_model_jacobian_nnz(const cubie_model *m) {
  return m->derivatives ? m->derivatives->n_entries : 0;
}

const cubie_model_jacobian_entry *cubie_model_jacobian_pattern(const cubie_model *m) {
  return m->derivatives ? m->derivatives->entries : NULL;
}

int cubie_model_is_autonomous(const cubie_model *m) {
  return m->derivatives ? m->derivatives->autonomous : 0;
}

/* ---- `cubie check --show jacobian` -------------------------------------- */

static int describe_pattern(const cubie_model *m, cubie_strbuf *out) {
  const cubie_model_derivatives *d = m->derivatives;
  int n = m->n_symbols[CUBIE_SYMBOL_STATE];
  const char *indent = "             ";
  if (n <= CUBIE_MODEL_PATTERN_MAX_DRAWN) {
    CUBIE_CALL(cubie_strbuf_printf(out,
                                   "%spattern: row i is f_i, column j is y_j (j mod 10 above); "
                                   "'#' non-zero, '.' zero\n%s%23s",
                                   indent, indent, ""));
    for (int j = 0; j < n; j++) CUBIE_CALL(cubie_strbuf_printf(out, "%d", j % 10));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    int k = 0;
    for (int i = 0; i < n; i++) {
      CUBIE_CALL(cubie_strbuf_printf(out, "%s  %4d %-15.15s ", indent, i,
                                     m->symbols[CUBIE_SYMBOL_STATE][i].name));
      for (int j = 0; j < n; j++) {
        int nonzero = k < d->n_entries && d->entries[k].row == i && d->entries[k].column == j;
        CUBIE_CALL(cubie_strbuf_append(out, nonzero ? "#" : "."));
        k += nonzero;
      }
      CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    }
    return CUBIE_OK;
  }
  /* Too wide to draw: what a solver choice needs to know. */
  int min_row = n, max_row = 0, lower = 0, upper = 0, diagonal = 0, k = 0;
  for (int i = 0; i < n; i++) {
    int count = 0;
    for (; k < d->n_entries && d->entries[k].row == i; k++, count++) {
      int j = d->entries[k].column;
      if (i - j > lower) lower = i - j;
      if (j - i > upper) upper = j - i;
      diagonal += i == j;
    }
    if (count < min_row) min_row = count;
    if (count > max_row) max_row = count;
  }
  return cubie_strbuf_printf(out,
                             "%spattern not drawn (more than %d states): non-zeros per row min %d, "
                             "mean %.1f, max %d;\n%slower bandwidth %d, upper bandwidth %d; %d of "
                             "%d diagonal entries non-zero\n",
                             indent, CUBIE_MODEL_PATTERN_MAX_DRAWN, min_row,
                             (double)d->n_entries / n, max_row, indent, lower, upper, diagonal, n);
}

int cubie_model_describe_jacobian(const cubie_model *m, cubie_strbuf *out) {
  const cubie_model_derivatives *d = m->derivatives;
  CUBIE_CHECK(d, CUBIE_ERR_INTERNAL, "cubie_model_describe_jacobian before differentiating");
  int n = m->n_symbols[CUBIE_SYMBOL_STATE];
  CUBIE_CALL(cubie_strbuf_printf(
      out,
      "jacobian:    df/dy is %d x %d with %d structural non-zeros "
      "(%.1f%%); %s\n",
      n, n, d->n_entries, 100.0 * d->n_entries / ((double)n * n),
      d->autonomous ? "autonomous (df/dt = 0)" : "not autonomous (f depends on t)"));
  CUBIE_CALL(cubie_strbuf_printf(out,
                                 "             df/dy added %d expressions to the model's %d (limit %d)\n",
                                 d->jacobian_nodes, d->f_nodes,
                                 CUBIE_MODEL_JACOBIAN_MAX_EXPRESSIONS));
  CUBIE_CALL(describe_pattern(m, out));
  static const char *const labels[CUBIE_MODEL_N_FUNCTIONS] = {
      "f (rhs)",          "J (jacobian)",         "f and J (rhs_jacobian)",
      "J*v (jvp)",        "df/dt (dfdt)",         "f, J non-zeros (sparse)",
      "f, J diagonal (krylov)"};
  CUBIE_CALL(cubie_strbuf_append(
      out, "             generated code              expressions  temporaries\n"));
  for (int fn = 0; fn < CUBIE_MODEL_N_FUNCTIONS; fn++) {
    int expressions, temporaries;
    CUBIE_CALL(cubie_model_code_size(m, (cubie_model_function)fn, &expressions, &temporaries));
    CUBIE_CALL(cubie_strbuf_printf(out, "               %-24s %11d  %11d\n", labels[fn],
                                   expressions, temporaries));
  }
  return CUBIE_OK;
}
