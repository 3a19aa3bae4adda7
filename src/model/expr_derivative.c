/* expr_derivative.c — one derivative rule per operation, applied forward
 * over the reachable nodes (see expr_derivative.h). */
#include "model/expr_derivative.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

struct cubie_expr_differentiator {
  cubie_expr_graph *g;
  int n_nodes;    /* nodes when created: the ones that have tangents */
  int *reachable; /* ascending ids of the nodes reachable from the roots */
  int n_reachable;
  int *parent_start; /* per node: its reachable parents are parents[start[id] .. start[id+1]) */
  int *parents;
  int *tangent; /* per node: a node, or CUBIE_EXPR_ZERO */
  int *touched; /* nodes whose tangent the last call set (reset by the next) */
  int n_touched;
  int *stamp; /* per node: the call that last collected it */
  int calls;
  int *stack;      /* walk stack, at most n_nodes deep */
  int *state_leaf; /* per state index: its leaf's id if reachable, else -1 */
  int n_state_leaves;
  int time_leaf; /* t's leaf if reachable, else -1 */
  /* Drivers are functions of t alone: their leaves are seeded by t too
   * (d driver/dt is the DRIVER_RATE leaf of the same index). */
  int *driver_leaf; /* ids of the reachable DRIVER leaves */
  int n_driver_leaves;
  int rate_reachable; /* a DRIVER_RATE leaf is reachable: no second time derivative */
};

/* ---- tangent arithmetic: CUBIE_EXPR_ZERO is an exact 0 ---------------- */

static int is_literal_value(const cubie_expr_graph *g, int id, double value) {
  double v;
  return id >= 0 && cubie_expr_graph_is_literal(g, id, &v) && v == value;
}

/* A literal 0 (of either sign) that folding produced is a structural zero. */
static int normalise(const cubie_expr_graph *g, int id) {
  return is_literal_value(g, id, 0.0) ? CUBIE_EXPR_ZERO : id;
}

static int apply1(cubie_expr_graph *g, cubie_expr_op op, int a, int *out) {
  int c[1] = {a};
  CUBIE_CALL(cubie_expr_graph_apply(g, op, c, out));
  *out = normalise(g, *out);
  return CUBIE_OK;
}

static int apply2(cubie_expr_graph *g, cubie_expr_op op, int a, int b, int *out) {
  int c[2] = {a, b};
  CUBIE_CALL(cubie_expr_graph_apply(g, op, c, out));
  *out = normalise(g, *out);
  return CUBIE_OK;
}

static int literal(cubie_expr_graph *g, double value, int *out) {
  return cubie_expr_graph_literal(g, value, out);
}

static int t_neg(cubie_expr_graph *g, int a, int *out) {
  if (a == CUBIE_EXPR_ZERO) {
    *out = CUBIE_EXPR_ZERO;
    return CUBIE_OK;
  }
  /* -(-x) is x exactly, and keeps the text free of double negations. */
  if (g->nodes[a].op == CUBIE_EXPR_NEG) {
    *out = g->nodes[a].child[0];
    return CUBIE_OK;
  }
  return apply1(g, CUBIE_EXPR_NEG, a, out);
}

static int t_add(cubie_expr_graph *g, int a, int b, int *out) {
  if (a == CUBIE_EXPR_ZERO || b == CUBIE_EXPR_ZERO) {
    *out = a == CUBIE_EXPR_ZERO ? b : a;
    return CUBIE_OK;
  }
  return apply2(g, CUBIE_EXPR_ADD, a, b, out);
}

static int t_sub(cubie_expr_graph *g, int a, int b, int *out) {
  if (b == CUBIE_EXPR_ZERO) {
    *out = a;
    return CUBIE_OK;
  }
  if (a == CUBIE_EXPR_ZERO) return t_neg(g, b, out);
  return apply2(g, CUBIE_EXPR_SUB, a, b, out);
}

/* a * b; x * 1 and x * -1 are exact, so they need no product node. */
static int t_mul(cubie_expr_graph *g, int a, int b, int *out) {
  if (a == CUBIE_EXPR_ZERO || b == CUBIE_EXPR_ZERO) {
    *out = CUBIE_EXPR_ZERO;
    return CUBIE_OK;
  }
  if (is_literal_value(g, a, 1.0) || is_literal_value(g, b, 1.0)) {
    *out = is_literal_value(g, a, 1.0) ? b : a;
    return CUBIE_OK;
  }
  if (is_literal_value(g, a, -1.0) || is_literal_value(g, b, -1.0))
    return t_neg(g, is_literal_value(g, a, -1.0) ? b : a, out);
  return apply2(g, CUBIE_EXPR_MUL, a, b, out);
}

static int t_div(cubie_expr_graph *g, int a, int b, int *out) {
  if (a == CUBIE_EXPR_ZERO || is_literal_value(g, b, 1.0)) {
    *out = a;
    return CUBIE_OK;
  }
  return apply2(g, CUBIE_EXPR_DIV, a, b, out);
}

/* A tangent as a node (a branch of a select must be one). */
static int materialise(cubie_expr_graph *g, int a, int *out) {
  if (a != CUBIE_EXPR_ZERO) {
    *out = a;
    return CUBIE_OK;
  }
  return literal(g, 0.0, out);
}

/* cond ? da : db, for min, max and ifelse. */
static int t_select(cubie_expr_graph *g, int cond, int da, int db, int *out) {
  if (da == db) {
    *out = da;
    return CUBIE_OK;
  }
  int c[3] = {cond, -1, -1};
  CUBIE_CALL(materialise(g, da, &c[1]));
  CUBIE_CALL(materialise(g, db, &c[2]));
  CUBIE_CALL(cubie_expr_graph_apply(g, CUBIE_EXPR_SELECT, c, out));
  *out = normalise(g, *out);
  return CUBIE_OK;
}

/* ---- the rules -------------------------------------------------------- */

/* 1 + s * u * u (s = +1 or -1): tan', tanh', atan' and asin''s radicand. */
static int one_plus_square(cubie_expr_graph *g, int u, double s, int *out) {
  int sq, one;
  CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, u, u, &sq));
  CUBIE_CALL(literal(g, 1.0, &one));
  return apply2(g, s > 0 ? CUBIE_EXPR_ADD : CUBIE_EXPR_SUB, one, sq, out);
}

/* d(u^v) for node `id` = u^v. */
static int pow_rule(cubie_expr_graph *g, int id, int u, int v, int du, int dv, int *out) {
  int base_term = CUBIE_EXPR_ZERO, exponent_term = CUBIE_EXPR_ZERO, k, w;
  double c;
  if (du != CUBIE_EXPR_ZERO) {
    if (cubie_expr_graph_is_literal(g, v, &c)) {
      /* c u^(c-1) du, with u^0 = 1 and u^1 = u needing no power node. */
      if (c != 0) {
        if (c - 1 == 0)
          CUBIE_CALL(literal(g, 1.0, &w));
        else if (c - 1 == 1)
          w = u;
        else {
          CUBIE_CALL(literal(g, c - 1, &k));
          CUBIE_CALL(apply2(g, CUBIE_EXPR_POW, u, k, &w));
        }
        CUBIE_CALL(literal(g, c, &k));
        CUBIE_CALL(t_mul(g, k, w, &w));
        CUBIE_CALL(t_mul(g, w, du, &base_term));
      }
    } else {
      int one, vm1;
      CUBIE_CALL(literal(g, 1.0, &one));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_SUB, v, one, &vm1));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_POW, u, vm1, &w));
      CUBIE_CALL(t_mul(g, v, w, &w));
      CUBIE_CALL(t_mul(g, w, du, &base_term));
    }
  }
  if (dv != CUBIE_EXPR_ZERO) {
    int zero, positive, log_u, term;
    CUBIE_CALL(literal(g, 0.0, &zero));
    CUBIE_CALL(apply2(g, CUBIE_EXPR_GT, u, zero, &positive));
    CUBIE_CALL(apply1(g, CUBIE_EXPR_LOG, u, &log_u));
    CUBIE_CALL(t_mul(g, id, log_u, &term));
    CUBIE_CALL(t_select(g, positive, term, CUBIE_EXPR_ZERO, &term));
    CUBIE_CALL(t_mul(g, term, dv, &exponent_term));
  }
  return t_add(g, base_term, exponent_term, out);
}

/* The tangent of node `id` from its children's tangents. */
static int rule(cubie_expr_differentiator *d, int id, int *out) {
  cubie_expr_graph *g = d->g;
  const cubie_expr_node n = g->nodes[id]; /* a copy: the rules grow the graph */
  int u = n.child[0], v = n.child[1];
  int du = n.n_children > 0 ? d->tangent[u] : CUBIE_EXPR_ZERO;
  int dv = n.n_children > 1 ? d->tangent[v] : CUBIE_EXPR_ZERO;
  int a, b;
  *out = CUBIE_EXPR_ZERO;
  if (n.op == CUBIE_EXPR_SELECT) {
    /* The condition's tangent plays no part. */
    du = d->tangent[v];
    dv = d->tangent[n.child[2]];
    return t_select(g, u, du, dv, out);
  }
  if (du == CUBIE_EXPR_ZERO && dv == CUBIE_EXPR_ZERO) return CUBIE_OK;
  switch (n.op) {
    case CUBIE_EXPR_NEG: return t_neg(g, du, out);
    case CUBIE_EXPR_ADD: return t_add(g, du, dv, out);
    case CUBIE_EXPR_SUB: return t_sub(g, du, dv, out);
    case CUBIE_EXPR_MUL:
      CUBIE_CALL(t_mul(g, du, v, &a));
      CUBIE_CALL(t_mul(g, u, dv, &b));
      return t_add(g, a, b, out);
    case CUBIE_EXPR_DIV:
      /* (du - (u/v) dv) / v: u/v is this very node. */
      CUBIE_CALL(t_mul(g, id, dv, &a));
      CUBIE_CALL(t_sub(g, du, a, &a));
      return t_div(g, a, v, out);
    case CUBIE_EXPR_POW: return pow_rule(g, id, u, v, du, dv, out);
    case CUBIE_EXPR_SIN: CUBIE_CALL(apply1(g, CUBIE_EXPR_COS, u, &a)); return t_mul(g, a, du, out);
    case CUBIE_EXPR_COS:
      CUBIE_CALL(apply1(g, CUBIE_EXPR_SIN, u, &a));
      CUBIE_CALL(t_mul(g, a, du, &a));
      return t_neg(g, a, out);
    case CUBIE_EXPR_TAN: CUBIE_CALL(one_plus_square(g, id, 1, &a)); return t_mul(g, a, du, out);
    case CUBIE_EXPR_ASIN:
    case CUBIE_EXPR_ACOS:
      CUBIE_CALL(one_plus_square(g, u, -1, &a));
      CUBIE_CALL(apply1(g, CUBIE_EXPR_SQRT, a, &a));
      if (n.op == CUBIE_EXPR_ACOS) CUBIE_CALL(t_neg(g, du, &du));
      return t_div(g, du, a, out);
    case CUBIE_EXPR_ATAN: CUBIE_CALL(one_plus_square(g, u, 1, &a)); return t_div(g, du, a, out);
    case CUBIE_EXPR_ATAN2: {
      /* atan2(u, v): (v du - u dv) / (u^2 + v^2) */
      int uu, vv;
      CUBIE_CALL(t_mul(g, v, du, &a));
      CUBIE_CALL(t_mul(g, u, dv, &b));
      CUBIE_CALL(t_sub(g, a, b, &a));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, u, u, &uu));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, v, v, &vv));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_ADD, uu, vv, &b));
      return t_div(g, a, b, out);
    }
    case CUBIE_EXPR_SINH:
    case CUBIE_EXPR_COSH:
      CUBIE_CALL(apply1(g, n.op == CUBIE_EXPR_SINH ? CUBIE_EXPR_COSH : CUBIE_EXPR_SINH, u, &a));
      return t_mul(g, a, du, out);
    case CUBIE_EXPR_TANH: CUBIE_CALL(one_plus_square(g, id, -1, &a)); return t_mul(g, a, du, out);
    case CUBIE_EXPR_EXP: return t_mul(g, id, du, out);
    case CUBIE_EXPR_LOG: return t_div(g, du, u, out);
    case CUBIE_EXPR_LOG10:
      CUBIE_CALL(literal(g, log(10.0), &a));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, u, a, &a));
      return t_div(g, du, a, out);
    case CUBIE_EXPR_SQRT:
    case CUBIE_EXPR_CBRT:
      /* du / (2 sqrt(u)), du / (3 cbrt(u)^2) */
      if (n.op == CUBIE_EXPR_SQRT)
        b = id;
      else
        CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, id, id, &b));
      CUBIE_CALL(literal(g, n.op == CUBIE_EXPR_SQRT ? 2.0 : 3.0, &a));
      CUBIE_CALL(apply2(g, CUBIE_EXPR_MUL, a, b, &a));
      return t_div(g, du, a, out);
    case CUBIE_EXPR_ABS: CUBIE_CALL(apply1(g, CUBIE_EXPR_SIGN, u, &a)); return t_mul(g, a, du, out);
    case CUBIE_EXPR_MIN:
    case CUBIE_EXPR_MAX:
      CUBIE_CALL(apply2(g, n.op == CUBIE_EXPR_MIN ? CUBIE_EXPR_LE : CUBIE_EXPR_GE, u, v, &a));
      return t_select(g, a, du, dv, out);
    case CUBIE_EXPR_LT:
    case CUBIE_EXPR_LE:
    case CUBIE_EXPR_GT:
    case CUBIE_EXPR_GE:
    case CUBIE_EXPR_EQ:
    case CUBIE_EXPR_NE:
    case CUBIE_EXPR_AND:
    case CUBIE_EXPR_OR:
    case CUBIE_EXPR_NOT:
    case CUBIE_EXPR_FLOOR:
    case CUBIE_EXPR_CEIL:
    case CUBIE_EXPR_SIGN: return CUBIE_OK; /* piecewise constant */
    default:
      return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "no derivative rule for '%s'",
                         cubie_expr_op_get_info(n.op)->name);
  }
}

/* ---- walking ---------------------------------------------------------- */

int cubie_expr_differentiator_create(cubie_expr_graph *g, const int *roots, int n_roots,
                                     cubie_expr_differentiator **out) {
  *out = NULL;
  cubie_expr_differentiator *d = calloc(1, sizeof *d);
  CUBIE_CHECK(d, CUBIE_ERR_MEMORY, "out of memory differentiating the model");
  d->g = g;
  d->n_nodes = g->n_nodes;
  d->time_leaf = -1;
  size_t n = (size_t)(d->n_nodes > 0 ? d->n_nodes : 1);
  char *reach = calloc(n, 1);
  d->reachable = malloc(n * sizeof *d->reachable);
  d->parent_start = calloc(n + 1, sizeof *d->parent_start);
  d->tangent = malloc(n * sizeof *d->tangent);
  d->touched = malloc(n * sizeof *d->touched);
  d->stamp = calloc(n, sizeof *d->stamp);
  d->stack = malloc(n * sizeof *d->stack);
  d->driver_leaf = malloc(n * sizeof *d->driver_leaf);
  int rc = CUBIE_OK;
  if (!reach || !d->reachable || !d->parent_start || !d->tangent || !d->touched || !d->stamp ||
      !d->stack || !d->driver_leaf) {
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory differentiating the model");
    goto done;
  }
  for (int r = 0; r < n_roots; r++) reach[roots[r]] = 1;
  int max_state = -1, n_edges = 0;
  for (int id = d->n_nodes - 1; id >= 0; id--) {
    if (!reach[id]) continue;
    const cubie_expr_node *node = &g->nodes[id];
    for (int c = 0; c < node->n_children; c++) reach[node->child[c]] = 1;
    n_edges += node->n_children;
    if (node->op == CUBIE_EXPR_STATE && node->index > max_state) max_state = node->index;
  }
  d->parents = malloc((size_t)(n_edges > 0 ? n_edges : 1) * sizeof *d->parents);
  d->n_state_leaves = max_state + 1;
  d->state_leaf = malloc((size_t)(max_state >= 0 ? max_state + 1 : 1) * sizeof *d->state_leaf);
  if (!d->parents || !d->state_leaf) {
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory differentiating the model");
    goto done;
  }
  for (int k = 0; k <= max_state; k++) d->state_leaf[k] = -1;
  for (int id = 0; id < d->n_nodes; id++) {
    d->tangent[id] = CUBIE_EXPR_ZERO;
    if (!reach[id]) continue;
    d->reachable[d->n_reachable++] = id;
    const cubie_expr_node *node = &g->nodes[id];
    if (node->op == CUBIE_EXPR_STATE) d->state_leaf[node->index] = id;
    if (node->op == CUBIE_EXPR_TIME) d->time_leaf = id;
    if (node->op == CUBIE_EXPR_DRIVER) d->driver_leaf[d->n_driver_leaves++] = id;
    if (node->op == CUBIE_EXPR_DRIVER_RATE) d->rate_reachable = 1;
    for (int c = 0; c < node->n_children; c++) d->parent_start[node->child[c] + 1]++;
  }
  /* Parents by child, in CSR form (counts, prefix sums, fill). */
  for (int id = 0; id < d->n_nodes; id++) d->parent_start[id + 1] += d->parent_start[id];
  int *fill = d->stack; /* free until the first walk */
  memcpy(fill, d->parent_start, n * sizeof *fill);
  for (int k = 0; k < d->n_reachable; k++) {
    const cubie_expr_node *node = &g->nodes[d->reachable[k]];
    for (int c = 0; c < node->n_children; c++) d->parents[fill[node->child[c]]++] = d->reachable[k];
  }
done:
  free(reach);
  if (rc) cubie_expr_differentiator_destroy(&d);
  *out = d;
  return rc;
}

void cubie_expr_differentiator_destroy(cubie_expr_differentiator **d) {
  if (!d || !*d) return;
  cubie_expr_differentiator *x = *d;
  free(x->reachable);
  free(x->parent_start);
  free(x->parents);
  free(x->tangent);
  free(x->touched);
  free(x->stamp);
  free(x->stack);
  free(x->state_leaf);
  free(x->driver_leaf);
  free(x);
  *d = NULL;
}

static void reset(cubie_expr_differentiator *d) {
  for (int k = 0; k < d->n_touched; k++) d->tangent[d->touched[k]] = CUBIE_EXPR_ZERO;
  d->n_touched = 0;
}

static int compare_ids(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Tangents of d->touched[1 ..] in ascending order (touched[0], the seed
 * leaf, is set by the caller). */
static int sweep(cubie_expr_differentiator *d, int first) {
  for (int k = first; k < d->n_touched; k++) {
    int id = d->touched[k];
    if (cubie_expr_op_is_leaf(d->g->nodes[id].op)) continue;
    CUBIE_CALL(rule(d, id, &d->tangent[id]));
  }
  return CUBIE_OK;
}

int cubie_expr_differentiate_leaf(cubie_expr_differentiator *d, cubie_expr_op op, int index) {
  reset(d);
  int leaf = -1;
  if (op == CUBIE_EXPR_TIME)
    leaf = d->time_leaf;
  else if (op == CUBIE_EXPR_STATE && index >= 0 && index < d->n_state_leaves)
    leaf = d->state_leaf[index];
  else if (op != CUBIE_EXPR_STATE)
    return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "differentiation with respect to '%s'",
                       cubie_expr_op_get_info(op)->name);
  int drivers = op == CUBIE_EXPR_TIME ? d->n_driver_leaves : 0;
  CUBIE_CHECK(!(op == CUBIE_EXPR_TIME && d->rate_reachable), CUBIE_ERR_INTERNAL,
              "the second time derivative of a driver is not available (its interpolant's "
              "derivative is not differentiated again)");
  if (leaf < 0 && drivers == 0) return CUBIE_OK; /* nothing depends on it */
  /* The nodes that depend on the leaf (and, for t, on the drivers): a walk
   * up the parent lists. */
  d->calls++;
  int top = 0;
  if (leaf >= 0) {
    d->stack[top++] = leaf;
    d->stamp[leaf] = d->calls;
  }
  for (int k = 0; k < drivers; k++) {
    d->stack[top++] = d->driver_leaf[k];
    d->stamp[d->driver_leaf[k]] = d->calls;
  }
  while (top > 0) {
    int id = d->stack[--top];
    d->touched[d->n_touched++] = id;
    for (int k = d->parent_start[id]; k < d->parent_start[id + 1]; k++) {
      int parent = d->parents[k];
      if (d->stamp[parent] == d->calls) continue;
      d->stamp[parent] = d->calls;
      d->stack[top++] = parent;
    }
  }
  if (d->n_touched > 1) qsort(d->touched, (size_t)d->n_touched, sizeof *d->touched, compare_ids);
  if (leaf >= 0) CUBIE_CALL(literal(d->g, 1.0, &d->tangent[leaf]));
  for (int k = 0; k < drivers; k++) {
    int id = d->driver_leaf[k];
    CUBIE_CALL(cubie_expr_graph_leaf(d->g, CUBIE_EXPR_DRIVER_RATE, d->g->nodes[id].index,
                                     &d->tangent[id]));
  }
  return sweep(d, 0);
}

int cubie_expr_differentiate_seeded(cubie_expr_differentiator *d, const int *state_seed,
                                    int n_states, int time_seed) {
  reset(d);
  for (int k = 0; k < d->n_reachable; k++) {
    int id = d->reachable[k];
    const cubie_expr_node *node = &d->g->nodes[id];
    d->touched[d->n_touched++] = id;
    if (node->op == CUBIE_EXPR_STATE && node->index < n_states)
      d->tangent[id] = normalise(d->g, state_seed[node->index]);
    else if (node->op == CUBIE_EXPR_TIME)
      d->tangent[id] = normalise(d->g, time_seed);
    else if (node->op == CUBIE_EXPR_DRIVER && normalise(d->g, time_seed) != CUBIE_EXPR_ZERO) {
      CUBIE_CHECK(!d->rate_reachable, CUBIE_ERR_INTERNAL,
                  "the second time derivative of a driver is not available");
      int rate, factors[2];
      CUBIE_CALL(cubie_expr_graph_leaf(d->g, CUBIE_EXPR_DRIVER_RATE, node->index, &rate));
      factors[0] = rate;
      factors[1] = time_seed;
      CUBIE_CALL(cubie_expr_graph_apply(d->g, CUBIE_EXPR_MUL, factors, &d->tangent[id]));
    }
  }
  return sweep(d, 0);
}

int cubie_expr_tangent(const cubie_expr_differentiator *d, int id) {
  return id >= 0 && id < d->n_nodes ? d->tangent[id] : CUBIE_EXPR_ZERO;
}

int cubie_expr_depends_on(const cubie_expr_differentiator *d, cubie_expr_op op, int index) {
  if (op == CUBIE_EXPR_TIME) return d->time_leaf >= 0 || d->n_driver_leaves > 0;
  return op == CUBIE_EXPR_STATE && index >= 0 && index < d->n_state_leaves &&
         d->state_leaf[index] >= 0;
}
