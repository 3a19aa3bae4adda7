/* model_codegen.c — the model printed as kernel C (see model.h for the
 * contract and docs/model.md for what the text looks like).
 *
 * Each function (rhs, outputs) prints only the nodes reachable from what it
 * returns. A non-leaf node used more than once becomes one `const
 * cubie_real` temporary, printed in ascending node order (a topological
 * order), and so does an observable's value (commented with its name);
 * everything else is inlined, fully parenthesised. An inlined
 * expression deeper than EMIT_MAX_DEPTH is cut into temporaries so no
 * compiler meets absurd nesting and the printer's recursion stays bounded.
 * User names appear only in comments, so no name can clash with C.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "model/model_emit.h"
#include "model/model_internal.h"
#include "util/strbuf.h"

#define EMIT_MAX_DEPTH 24

typedef cubie_model_emitter emitter; /* model_emit.h */

/* x^e with a literal e: how the power is printed. */
typedef enum power_form {
  POWER_CALL = 0, /* cubie_pow(x, e) */
  POWER_ONE,      /* e == 0: 1 */
  POWER_BASE,     /* e == 1: x */
  POWER_PRODUCT,  /* e in 2..4: x*x..., or 1/(x*x...) for -4..-1 */
  POWER_SQRT      /* e == +-0.5: cubie_sqrt(x), or 1/cubie_sqrt(x) */
} power_form;

static power_form power_form_of(const cubie_expr_graph *g, const cubie_expr_node *n, int *count,
                                int *reciprocal) {
  double e;
  *count = 1;
  *reciprocal = 0;
  if (n->op != CUBIE_EXPR_POW || !cubie_expr_graph_is_literal(g, n->child[1], &e))
    return POWER_CALL;
  *reciprocal = e < 0;
  double a = fabs(e);
  if (e == 0) return POWER_ONE;
  if (e == 1) return POWER_BASE;
  if (a == 0.5) return POWER_SQRT;
  if (a == floor(a) && a <= 4) {
    *count = (int)a;
    return POWER_PRODUCT;
  }
  *reciprocal = 0;
  return POWER_CALL;
}

/* The children a node's printed text names, and how many times each. */
static int printed_children(const cubie_expr_graph *g, int id, int *children, int *times) {
  const cubie_expr_node *n = &g->nodes[id];
  int count, reciprocal;
  switch (power_form_of(g, n, &count, &reciprocal)) {
    case POWER_ONE: return 0;
    case POWER_BASE:
    case POWER_SQRT:
      children[0] = n->child[0];
      times[0] = 1;
      return 1;
    case POWER_PRODUCT:
      children[0] = n->child[0];
      times[0] = count;
      return 1;
    case POWER_CALL: break;
  }
  for (int c = 0; c < n->n_children; c++) {
    children[c] = n->child[c];
    times[c] = 1;
  }
  return n->n_children;
}

/* Floating-point operations of one node's printed text. */
static long node_flops(const cubie_expr_graph *g, int id) {
  const cubie_expr_node *n = &g->nodes[id];
  int count, reciprocal;
  switch (n->op) {
    case CUBIE_EXPR_NEG:
    case CUBIE_EXPR_ADD:
    case CUBIE_EXPR_SUB:
    case CUBIE_EXPR_MUL:
    case CUBIE_EXPR_DIV: return 1;
    case CUBIE_EXPR_POW:
      switch (power_form_of(g, n, &count, &reciprocal)) {
        case POWER_ONE:
        case POWER_BASE: return reciprocal;
        case POWER_PRODUCT: return count - 1 + reciprocal;
        case POWER_SQRT: return 1 + reciprocal;
        case POWER_CALL: return 1;
      }
      return 1;
    default: return cubie_expr_op_get_info(n->op)->c_function ? 1 : 0;
  }
}

static int emitter_init(emitter *E, const cubie_model *m, cubie_strbuf *out) {
  memset(E, 0, sizeof *E);
  E->m = m;
  E->g = m->graph;
  E->out = out;
  size_t n = (size_t)(E->g->n_nodes > 0 ? E->g->n_nodes : 1);
  E->reachable = malloc(n);
  E->uses = malloc(n * sizeof *E->uses);
  E->temp = malloc(n * sizeof *E->temp);
  E->depth = malloc(n * sizeof *E->depth);
  E->observable_of = malloc(n * sizeof *E->observable_of);
  CUBIE_CHECK(E->reachable && E->uses && E->temp && E->depth && E->observable_of, CUBIE_ERR_MEMORY,
              "out of memory generating the model code");
  for (size_t i = 0; i < n; i++) E->observable_of[i] = -1;
  for (int k = m->n_symbols[CUBIE_SYMBOL_OBSERVABLE] - 1; k >= 0; k--)
    E->observable_of[m->observable[k]] = k;
  return CUBIE_OK;
}

static void emitter_free(emitter *E) {
  free(E->reachable);
  free(E->uses);
  free(E->temp);
  free(E->depth);
  free(E->observable_of);
}

/* Decide, for the function returning `roots`, which nodes it prints and
 * which of them become temporaries. */
static void plan(emitter *E, const int *roots, int n_roots) {
  const cubie_expr_graph *g = E->g;
  int n = g->n_nodes;
  memset(E->reachable, 0, (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; i++) {
    E->uses[i] = 0;
    E->temp[i] = -1;
    E->depth[i] = 0;
  }
  for (int r = 0; r < n_roots; r++) {
    E->reachable[roots[r]] = 1;
    E->uses[roots[r]]++;
  }
  int children[3], times[3];
  for (int id = n - 1; id >= 0; id--) {
    if (!E->reachable[id]) continue;
    int k = printed_children(g, id, children, times);
    for (int c = 0; c < k; c++) {
      E->reachable[children[c]] = 1;
      E->uses[children[c]] += times[c];
    }
  }
  int n_temps = 0;
  for (int id = 0; id < n; id++) {
    if (!E->reachable[id] || cubie_expr_op_is_leaf(g->nodes[id].op)) continue;
    int k = printed_children(g, id, children, times), d = 0;
    for (int c = 0; c < k; c++) {
      int child = children[c];
      if (E->temp[child] >= 0 || cubie_expr_op_is_leaf(g->nodes[child].op)) continue;
      if (E->depth[child] >= EMIT_MAX_DEPTH) {
        E->temp[child] = 1; /* numbered below */
        continue;
      }
      if (E->depth[child] > d) d = E->depth[child];
    }
    E->depth[id] = d + 1;
    /* Observables get their own named line too, so the text reads like the
     * equations (the compiler inlines it all the same). */
    if (E->uses[id] > 1 || E->observable_of[id] >= 0) E->temp[id] = 1;
  }
  for (int id = 0; id < n; id++)
    if (E->temp[id] >= 0) E->temp[id] = n_temps++;
}

static int print_expr(emitter *E, int id);

static int op_is_boolean(cubie_expr_op op) { return op >= CUBIE_EXPR_LT && op <= CUBIE_EXPR_NOT; }

/* `id` as a C condition (int), without the round trip through cubie_real
 * when it is an inlined comparison. */
static int print_condition(emitter *E, int id) {
  const cubie_expr_node *n = &E->g->nodes[id];
  cubie_strbuf *out = E->out;
  if (E->temp[id] >= 0 || !op_is_boolean(n->op)) {
    CUBIE_CALL(cubie_strbuf_append(out, "("));
    CUBIE_CALL(print_expr(E, id));
    return cubie_strbuf_append(out, " != (cubie_real)0)");
  }
  if (n->op == CUBIE_EXPR_NOT) {
    CUBIE_CALL(cubie_strbuf_append(out, "(!"));
    CUBIE_CALL(print_condition(E, n->child[0]));
    return cubie_strbuf_append(out, ")");
  }
  const char *op = cubie_expr_op_get_info(n->op)->name;
  CUBIE_CALL(cubie_strbuf_append(out, "("));
  if (n->op == CUBIE_EXPR_AND || n->op == CUBIE_EXPR_OR) {
    CUBIE_CALL(print_condition(E, n->child[0]));
    CUBIE_CALL(cubie_strbuf_printf(out, " %s ", op));
    CUBIE_CALL(print_condition(E, n->child[1]));
  } else {
    CUBIE_CALL(print_expr(E, n->child[0]));
    CUBIE_CALL(cubie_strbuf_printf(out, " %s ", op));
    CUBIE_CALL(print_expr(E, n->child[1]));
  }
  return cubie_strbuf_append(out, ")");
}

static int print_power(emitter *E, const cubie_expr_node *n) {
  cubie_strbuf *out = E->out;
  int count, reciprocal;
  power_form form = power_form_of(E->g, n, &count, &reciprocal);
  if (form == POWER_ONE) return cubie_strbuf_append(out, "(cubie_real)1");
  if (form == POWER_CALL) {
    CUBIE_CALL(cubie_strbuf_append(out, "cubie_pow("));
    CUBIE_CALL(print_expr(E, n->child[0]));
    CUBIE_CALL(cubie_strbuf_append(out, ", "));
    CUBIE_CALL(print_expr(E, n->child[1]));
    return cubie_strbuf_append(out, ")");
  }
  if (reciprocal) CUBIE_CALL(cubie_strbuf_append(out, "((cubie_real)1 / "));
  if (form == POWER_SQRT) {
    CUBIE_CALL(cubie_strbuf_append(out, "cubie_sqrt("));
    CUBIE_CALL(print_expr(E, n->child[0]));
    CUBIE_CALL(cubie_strbuf_append(out, ")"));
  } else if (form == POWER_BASE) {
    CUBIE_CALL(print_expr(E, n->child[0]));
  } else {
    CUBIE_CALL(cubie_strbuf_append(out, "("));
    for (int i = 0; i < count; i++) {
      if (i) CUBIE_CALL(cubie_strbuf_append(out, " * "));
      CUBIE_CALL(print_expr(E, n->child[0]));
    }
    CUBIE_CALL(cubie_strbuf_append(out, ")"));
  }
  if (reciprocal) CUBIE_CALL(cubie_strbuf_append(out, ")"));
  return CUBIE_OK;
}

/* The node's own text (ignoring whether it is a temporary). */
static int print_definition(emitter *E, int id) {
  const cubie_expr_node *n = &E->g->nodes[id];
  const cubie_expr_op_info *info = cubie_expr_op_get_info(n->op);
  cubie_strbuf *out = E->out;
  switch (n->op) {
    case CUBIE_EXPR_LITERAL:
      if (n->value < 0 || (n->value == 0 && signbit(n->value)))
        return cubie_strbuf_printf(out, "((cubie_real)%.17g)", n->value);
      return cubie_strbuf_printf(out, "(cubie_real)%.17g", n->value);
    case CUBIE_EXPR_STATE: return cubie_strbuf_printf(out, "y[%d]", n->index);
    case CUBIE_EXPR_PARAMETER: return cubie_strbuf_printf(out, "p[%d]", n->index);
    case CUBIE_EXPR_TIME: return cubie_strbuf_append(out, "(cubie_real)t");
    case CUBIE_EXPR_DIRECTION: return cubie_strbuf_printf(out, "v[%d]", n->index);
    case CUBIE_EXPR_DRIVER: return cubie_strbuf_printf(out, "driver_%d", n->index);
    case CUBIE_EXPR_DRIVER_RATE: return cubie_strbuf_printf(out, "driver_rate_%d", n->index);
    case CUBIE_EXPR_OBSERVABLE:
    case CUBIE_EXPR_DERIVATIVE:
      return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "%s leaf left in the final graph",
                         cubie_expr_op_get_info(n->op)->name);
    case CUBIE_EXPR_NEG:
      CUBIE_CALL(cubie_strbuf_append(out, "(-"));
      CUBIE_CALL(print_expr(E, n->child[0]));
      return cubie_strbuf_append(out, ")");
    case CUBIE_EXPR_ADD:
    case CUBIE_EXPR_SUB:
    case CUBIE_EXPR_MUL:
    case CUBIE_EXPR_DIV:
      CUBIE_CALL(cubie_strbuf_append(out, "("));
      CUBIE_CALL(print_expr(E, n->child[0]));
      CUBIE_CALL(cubie_strbuf_printf(out, " %s ", info->name));
      CUBIE_CALL(print_expr(E, n->child[1]));
      return cubie_strbuf_append(out, ")");
    case CUBIE_EXPR_POW: return print_power(E, n);
    case CUBIE_EXPR_SELECT:
      CUBIE_CALL(cubie_strbuf_append(out, "("));
      CUBIE_CALL(print_condition(E, n->child[0]));
      CUBIE_CALL(cubie_strbuf_append(out, " ? "));
      CUBIE_CALL(print_expr(E, n->child[1]));
      CUBIE_CALL(cubie_strbuf_append(out, " : "));
      CUBIE_CALL(print_expr(E, n->child[2]));
      return cubie_strbuf_append(out, ")");
    default:
      if (op_is_boolean(n->op)) {
        /* A temporary holds the condition as cubie_real; print_condition
         * would print the temporary's own name here. */
        CUBIE_CALL(cubie_strbuf_append(out, "(cubie_real)"));
        int saved = E->temp[id];
        E->temp[id] = -1;
        int rc = print_condition(E, id);
        E->temp[id] = saved;
        return rc;
      }
      CUBIE_CALL(cubie_strbuf_printf(out, "%s(", info->c_function));
      for (int c = 0; c < n->n_children; c++) {
        if (c) CUBIE_CALL(cubie_strbuf_append(out, ", "));
        CUBIE_CALL(print_expr(E, n->child[c]));
      }
      return cubie_strbuf_append(out, ")");
  }
}

static int print_expr(emitter *E, int id) {
  if (E->temp[id] >= 0) return cubie_strbuf_printf(E->out, "cse_%d", E->temp[id]);
  return print_definition(E, id);
}

/* Names go into comments only; keep anything that could end one out. */
static int print_name(cubie_strbuf *out, const char *name) {
  for (const char *c = name; *c; c++) {
    char ch = (c[0] == '*' && c[1] == '/') || (unsigned char)*c < 0x20 ? '_' : *c;
    CUBIE_CALL(cubie_strbuf_append_n(out, &ch, 1));
  }
  return CUBIE_OK;
}

static int print_comment_name(cubie_strbuf *out, const char *prefix, const char *name) {
  CUBIE_CALL(cubie_strbuf_printf(out, " /* %s", prefix));
  CUBIE_CALL(print_name(out, name));
  return cubie_strbuf_append(out, " */");
}

/* The table record of driver d's series in this run: its first series'
 * record, plus the run's selector parameter when it has several. */
static int print_driver_record(cubie_strbuf *out, const cubie_model_driver *d) {
  if (d->selector < 0) return cubie_strbuf_printf(out, "%d", d->record);
  return cubie_strbuf_printf(out, "%d + (int)p[%d]", d->record, d->selector);
}

/* Each driver value (or rate) the function uses, read once at its top from
 * the job's table (kernels/drivers.h) at the function's time t. */
static int print_drivers(emitter *E) {
  for (int id = 0; id < E->g->n_nodes; id++) {
    const cubie_expr_node *n = &E->g->nodes[id];
    if (!E->reachable[id] || (n->op != CUBIE_EXPR_DRIVER && n->op != CUBIE_EXPR_DRIVER_RATE))
      continue;
    const cubie_model_driver *d = &E->m->drivers[n->index];
    int rate = n->op == CUBIE_EXPR_DRIVER_RATE;
    CUBIE_CALL(cubie_strbuf_printf(E->out, "  const cubie_real %s%d = cubie_driver_%s(CUBIE_DRIVER_TABLE, ",
                                   rate ? "driver_rate_" : "driver_", n->index,
                                   rate ? "rate" : "value"));
    CUBIE_CALL(print_driver_record(E->out, d));
    CUBIE_CALL(cubie_strbuf_printf(E->out, ", t, %d, %d);", d->interpolation, d->outside));
    CUBIE_CALL(print_comment_name(E->out, rate ? "d/dt " : "", d->name));
    CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
  }
  return CUBIE_OK;
}

static int print_temporaries(emitter *E) {
  CUBIE_CALL(print_drivers(E));
  for (int id = 0; id < E->g->n_nodes; id++) {
    if (E->temp[id] < 0) continue;
    CUBIE_CALL(cubie_strbuf_printf(E->out, "  const cubie_real cse_%d = ", E->temp[id]));
    CUBIE_CALL(print_definition(E, id));
    CUBIE_CALL(cubie_strbuf_append(E->out, ";"));
    if (E->observable_of[id] >= 0)
      CUBIE_CALL(print_comment_name(
          E->out, "", E->m->symbols[CUBIE_SYMBOL_OBSERVABLE][E->observable_of[id]].name));
    CUBIE_CALL(cubie_strbuf_append(E->out, "\n"));
  }
  return CUBIE_OK;
}

/* ---- the printer for the other generators (model_emit.h) -------------- */

const char *const cubie_model_signature_head =
    "(double t, const cubie_real *CUBIE_RESTRICT y, const cubie_real *CUBIE_RESTRICT p,\n"
    "    cubie_real *CUBIE_RESTRICT ";

int cubie_model_emitter_init(emitter *E, const cubie_model *m, cubie_strbuf *out) {
  return emitter_init(E, m, out);
}
void cubie_model_emitter_free(emitter *E) { emitter_free(E); }
void cubie_model_emitter_plan(emitter *E, const int *roots, int n_roots) {
  plan(E, roots, n_roots);
}
int cubie_model_emit_temporaries(emitter *E) { return print_temporaries(E); }
int cubie_model_emit_expr(emitter *E, int id) { return print_expr(E, id); }
int cubie_model_emit_comment_name(cubie_strbuf *out, const char *prefix, const char *name) {
  return print_comment_name(out, prefix, name);
}

void cubie_model_emitter_count(const emitter *E, int *expressions, int *temporaries) {
  *expressions = *temporaries = 0;
  for (int id = 0; id < E->g->n_nodes; id++) {
    if (!E->reachable[id] || cubie_expr_op_is_leaf(E->g->nodes[id].op)) continue;
    ++*expressions;
    if (E->temp[id] >= 0) ++*temporaries;
  }
}

static int emit_rhs(emitter *E) {
  const cubie_model *m = E->m;
  int n_states = m->n_symbols[CUBIE_SYMBOL_STATE];
  cubie_strbuf *out = E->out;
  plan(E, m->derivative, n_states);
  CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_rhs%sdydt) {\n",
                                 cubie_model_signature_head));
  CUBIE_CALL(cubie_strbuf_append(out, "  (void)t;\n  (void)y;\n  (void)p;\n"));
  CUBIE_CALL(print_temporaries(E));
  for (int s = 0; s < n_states; s++) {
    CUBIE_CALL(cubie_strbuf_printf(out, "  dydt[%d] = ", s));
    CUBIE_CALL(print_expr(E, m->derivative[s]));
    CUBIE_CALL(cubie_strbuf_append(out, ";"));
    CUBIE_CALL(print_comment_name(out, "d", m->symbols[CUBIE_SYMBOL_STATE][s].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  return cubie_strbuf_append(out, "}\n\n");
}

static int emit_outputs(emitter *E, const cubie_model_output *outputs, int n_outputs) {
  const cubie_model *m = E->m;
  cubie_strbuf *out = E->out;
  int *roots = malloc((size_t)(n_outputs > 0 ? n_outputs : 1) * sizeof *roots);
  CUBIE_CHECK(roots, CUBIE_ERR_MEMORY, "out of memory generating the model code");
  int n_roots = 0;
  for (int k = 0; k < n_outputs; k++)
    if (outputs[k].kind == CUBIE_SYMBOL_OBSERVABLE)
      roots[n_roots++] = m->observable[outputs[k].index];
  plan(E, roots, n_roots);
  free(roots);
  CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_outputs%sout) {\n",
                                 cubie_model_signature_head));
  CUBIE_CALL(cubie_strbuf_append(out, "  (void)t;\n  (void)y;\n  (void)p;\n  (void)out;\n"));
  CUBIE_CALL(print_temporaries(E));
  for (int k = 0; k < n_outputs; k++) {
    const cubie_model_output *o = &outputs[k];
    CUBIE_CALL(cubie_strbuf_printf(out, "  out[%d] = ", k));
    if (o->kind == CUBIE_SYMBOL_STATE)
      CUBIE_CALL(cubie_strbuf_printf(out, "y[%d]", o->index));
    else
      CUBIE_CALL(print_expr(E, m->observable[o->index]));
    CUBIE_CALL(cubie_strbuf_append(out, ";"));
    CUBIE_CALL(print_comment_name(out, "", m->symbols[o->kind][o->index].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  return cubie_strbuf_append(out, "}\n");
}

/* A run whose drivers with `outside: error` do not cover its whole span
 * [t0, t_end] fails at its start (CUBIE_RUN_DRIVER_OUTSIDE, run.h): the
 * check the loop makes when CUBIE_DRIVERS_CHECK_OUTSIDE is defined. Only
 * drivers the equations use are checked. */
static int emit_driver_check(const cubie_model *m, cubie_strbuf *out) {
  int checked = 0;
  for (int d = 0; d < m->n_drivers; d++) {
    if (m->drivers[d].outside != CUBIE_DRIVER_ERROR) continue;
    int used = 0;
    for (int id = 0; id < m->graph->n_nodes && !used; id++)
      used = m->graph->nodes[id].op == CUBIE_EXPR_DRIVER && m->graph->nodes[id].index == d;
    if (!used) continue;
    if (!checked++)
      CUBIE_CALL(cubie_strbuf_append(
          out, "#define CUBIE_DRIVERS_CHECK_OUTSIDE 1\n"
               "CUBIE_DEVICE int cubie_model_drivers_cover(double t0, double t1,\n"
               "    const cubie_real *CUBIE_RESTRICT p) {\n  (void)p;\n"));
    CUBIE_CALL(cubie_strbuf_append(out, "  if (!cubie_driver_covers(CUBIE_DRIVER_TABLE, "));
    CUBIE_CALL(print_driver_record(out, &m->drivers[d]));
    CUBIE_CALL(cubie_strbuf_append(out, ", t0, t1)) return 0;"));
    CUBIE_CALL(print_comment_name(out, "", m->drivers[d].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  if (checked) CUBIE_CALL(cubie_strbuf_append(out, "  return 1;\n}\n"));
  return CUBIE_OK;
}

static int emit_header(const cubie_model *m, int n_outputs, cubie_strbuf *out) {
  CUBIE_CALL(cubie_strbuf_append(out, "/* Model code generated by cubie for model '"));
  CUBIE_CALL(print_name(out, m->name));
  CUBIE_CALL(cubie_strbuf_append(out, "'; do not edit.\n"));
  const char *arrays[2] = {"y", "p"};
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < m->n_symbols[k]; i++) {
      CUBIE_CALL(cubie_strbuf_printf(out, " * %s[%d]: ", arrays[k], i));
      CUBIE_CALL(print_name(out, m->symbols[k][i].name));
      CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    }
  for (int d = 0; d < m->n_drivers; d++) {
    CUBIE_CALL(cubie_strbuf_printf(out, " * driver %d: ", d));
    CUBIE_CALL(print_name(out, m->drivers[d].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  CUBIE_CALL(cubie_strbuf_append(out, " */\n"));
  if (m->n_drivers > 0) CUBIE_CALL(emit_driver_check(m, out));
  return cubie_strbuf_printf(out,
                             "#define CUBIE_N_STATES %d\n#define CUBIE_N_PARAMETERS %d\n"
                             "#define CUBIE_N_OUTPUTS %d\n\n",
                             m->n_symbols[CUBIE_SYMBOL_STATE], m->n_symbols[CUBIE_SYMBOL_PARAMETER],
                             n_outputs);
}

int cubie_model_generate(const cubie_model *m, const cubie_model_output *outputs, int n_outputs,
                         cubie_strbuf *src) {
  CUBIE_CHECK(n_outputs >= 0 && (n_outputs == 0 || outputs), CUBIE_ERR_INTERNAL,
              "cubie_model_generate: bad output list");
  for (int k = 0; k < n_outputs; k++) {
    cubie_symbol_kind kind = outputs[k].kind;
    CUBIE_CHECK((kind == CUBIE_SYMBOL_STATE || kind == CUBIE_SYMBOL_OBSERVABLE) &&
                    outputs[k].index >= 0 && outputs[k].index < m->n_symbols[kind],
                CUBIE_ERR_INTERNAL, "cubie_model_generate: output %d is not a state or observable",
                k);
  }
  emitter E;
  int rc = emitter_init(&E, m, src);
  if (!rc) rc = emit_header(m, n_outputs, src);
  if (!rc) rc = emit_rhs(&E);
  if (!rc) rc = cubie_model_generate_linear_derivatives(m, src);
  if (!rc) rc = emit_outputs(&E, outputs, n_outputs);
  emitter_free(&E);
  /* Events (model_events.c): no text at all for a model without them. */
  if (!rc && m->n_events > 0) rc = cubie_model_generate_events(m, src);
  return rc;
}

long cubie_model_rhs_flops(const cubie_model *m) {
  emitter E;
  cubie_strbuf unused = {NULL, 0, 0};
  if (emitter_init(&E, m, &unused)) {
    emitter_free(&E);
    return -1;
  }
  plan(&E, m->derivative, m->n_symbols[CUBIE_SYMBOL_STATE]);
  long flops = 0;
  for (int id = 0; id < m->graph->n_nodes; id++)
    if (E.reachable[id]) flops += node_flops(m->graph, id);
  emitter_free(&E);
  return flops;
}
