/* expr_graph.c — interning, canonical order and constant folding (see expr_graph.h). */
#include "model/expr_graph.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

static const cubie_expr_op_info op_table[CUBIE_EXPR_N_OPS] = {
    [CUBIE_EXPR_LITERAL] = {"literal", 0, NULL},
    [CUBIE_EXPR_STATE] = {"state", 0, NULL},
    [CUBIE_EXPR_PARAMETER] = {"parameter", 0, NULL},
    [CUBIE_EXPR_TIME] = {"t", 0, NULL},
    [CUBIE_EXPR_OBSERVABLE] = {"observable", 0, NULL},
    [CUBIE_EXPR_DERIVATIVE] = {"derivative", 0, NULL},
    [CUBIE_EXPR_DIRECTION] = {"v", 0, NULL},
    [CUBIE_EXPR_NEG] = {"neg", 1, NULL},
    [CUBIE_EXPR_ADD] = {"+", 2, NULL},
    [CUBIE_EXPR_SUB] = {"-", 2, NULL},
    [CUBIE_EXPR_MUL] = {"*", 2, NULL},
    [CUBIE_EXPR_DIV] = {"/", 2, NULL},
    [CUBIE_EXPR_POW] = {"^", 2, "cubie_pow"},
    [CUBIE_EXPR_LT] = {"<", 2, NULL},
    [CUBIE_EXPR_LE] = {"<=", 2, NULL},
    [CUBIE_EXPR_GT] = {">", 2, NULL},
    [CUBIE_EXPR_GE] = {">=", 2, NULL},
    [CUBIE_EXPR_EQ] = {"==", 2, NULL},
    [CUBIE_EXPR_NE] = {"!=", 2, NULL},
    [CUBIE_EXPR_AND] = {"&&", 2, NULL},
    [CUBIE_EXPR_OR] = {"||", 2, NULL},
    [CUBIE_EXPR_NOT] = {"!", 1, NULL},
    [CUBIE_EXPR_SELECT] = {"ifelse", 3, NULL},
    [CUBIE_EXPR_SIN] = {"sin", 1, "cubie_sin"},
    [CUBIE_EXPR_COS] = {"cos", 1, "cubie_cos"},
    [CUBIE_EXPR_TAN] = {"tan", 1, "cubie_tan"},
    [CUBIE_EXPR_ASIN] = {"asin", 1, "cubie_asin"},
    [CUBIE_EXPR_ACOS] = {"acos", 1, "cubie_acos"},
    [CUBIE_EXPR_ATAN] = {"atan", 1, "cubie_atan"},
    [CUBIE_EXPR_ATAN2] = {"atan2", 2, "cubie_atan2"},
    [CUBIE_EXPR_SINH] = {"sinh", 1, "cubie_sinh"},
    [CUBIE_EXPR_COSH] = {"cosh", 1, "cubie_cosh"},
    [CUBIE_EXPR_TANH] = {"tanh", 1, "cubie_tanh"},
    [CUBIE_EXPR_EXP] = {"exp", 1, "cubie_exp"},
    [CUBIE_EXPR_LOG] = {"log", 1, "cubie_log"},
    [CUBIE_EXPR_LOG10] = {"log10", 1, "cubie_log10"},
    [CUBIE_EXPR_SQRT] = {"sqrt", 1, "cubie_sqrt"},
    [CUBIE_EXPR_CBRT] = {"cbrt", 1, "cubie_cbrt"},
    [CUBIE_EXPR_ABS] = {"abs", 1, "cubie_fabs"},
    [CUBIE_EXPR_MIN] = {"min", 2, "cubie_fmin"},
    [CUBIE_EXPR_MAX] = {"max", 2, "cubie_fmax"},
    [CUBIE_EXPR_FLOOR] = {"floor", 1, "cubie_floor"},
    [CUBIE_EXPR_CEIL] = {"ceil", 1, "cubie_ceil"},
    [CUBIE_EXPR_SIGN] = {"sign", 1, "cubie_sign"},
};

const cubie_expr_op_info *cubie_expr_op_get_info(cubie_expr_op op) { return &op_table[op]; }

int cubie_expr_op_is_leaf(cubie_expr_op op) { return op <= CUBIE_EXPR_DIRECTION; }

/* Operand order does not change the IEEE result of these. */
static int op_is_commutative(cubie_expr_op op) {
  return op == CUBIE_EXPR_ADD || op == CUBIE_EXPR_MUL || op == CUBIE_EXPR_EQ || op == CUBIE_EXPR_NE;
}

static uint64_t node_hash(const cubie_expr_node *n) {
  uint64_t bits;
  memcpy(&bits, &n->value, sizeof bits);
  uint64_t h = 1469598103934665603ull;
  uint64_t parts[6] = {(uint64_t)n->op,
                       (uint64_t)(uint32_t)n->child[0],
                       (uint64_t)(uint32_t)n->child[1],
                       (uint64_t)(uint32_t)n->child[2],
                       (uint64_t)(uint32_t)n->index,
                       bits};
  for (int i = 0; i < 6; i++) {
    h ^= parts[i];
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return h;
}

static int node_equal(const cubie_expr_node *a, const cubie_expr_node *b) {
  /* Literals compare by bit pattern: 0.0 and -0.0 stay distinct. */
  return a->op == b->op && a->child[0] == b->child[0] && a->child[1] == b->child[1] &&
         a->child[2] == b->child[2] && a->index == b->index &&
         memcmp(&a->value, &b->value, sizeof a->value) == 0;
}

static int graph_rehash(cubie_expr_graph *g, size_t n_slots) {
  int *slots = malloc(n_slots * sizeof *slots);
  CUBIE_CHECK(slots, CUBIE_ERR_MEMORY, "out of memory for the expression graph");
  for (size_t i = 0; i < n_slots; i++) slots[i] = -1;
  for (int id = 0; id < g->n_nodes; id++) {
    size_t s = (size_t)node_hash(&g->nodes[id]) & (n_slots - 1);
    while (slots[s] >= 0) s = (s + 1) & (n_slots - 1);
    slots[s] = id;
  }
  free(g->slots);
  g->slots = slots;
  g->n_slots = n_slots;
  return CUBIE_OK;
}

int cubie_expr_graph_create(cubie_expr_graph **out) {
  *out = NULL;
  cubie_expr_graph *g = calloc(1, sizeof *g);
  CUBIE_CHECK(g, CUBIE_ERR_MEMORY, "out of memory for the expression graph");
  int rc = graph_rehash(g, 64);
  if (rc) {
    free(g);
    return rc;
  }
  *out = g;
  return CUBIE_OK;
}

void cubie_expr_graph_destroy(cubie_expr_graph **g) {
  if (!g || !*g) return;
  free((*g)->nodes);
  free((*g)->slots);
  free(*g);
  *g = NULL;
}

/* Find `key` or append it. */
static int graph_intern(cubie_expr_graph *g, const cubie_expr_node *key, int *id) {
  size_t s = (size_t)node_hash(key) & (g->n_slots - 1);
  while (g->slots[s] >= 0) {
    if (node_equal(&g->nodes[g->slots[s]], key)) {
      *id = g->slots[s];
      return CUBIE_OK;
    }
    s = (s + 1) & (g->n_slots - 1);
  }
  CUBIE_CHECK(g->n_nodes < INT32_MAX / 2, CUBIE_ERR_MEMORY,
              "the expression graph is too large (%d nodes)", g->n_nodes);
  CUBIE_CALL(CUBIE_GROW(g->nodes, g->n_nodes + 1, g->capacity, "the expression graph"));
  g->slots[s] = g->n_nodes;
  g->nodes[g->n_nodes] = *key;
  *id = g->n_nodes++;
  if ((size_t)g->n_nodes * 2 > g->n_slots) CUBIE_CALL(graph_rehash(g, 2 * g->n_slots));
  return CUBIE_OK;
}

int cubie_expr_graph_literal(cubie_expr_graph *g, double value, int *id) {
  cubie_expr_node key = {CUBIE_EXPR_LITERAL, 0, {-1, -1, -1}, 0, value};
  return graph_intern(g, &key, id);
}

int cubie_expr_graph_leaf(cubie_expr_graph *g, cubie_expr_op op, int index, int *id) {
  CUBIE_CHECK(cubie_expr_op_is_leaf(op) && op != CUBIE_EXPR_LITERAL, CUBIE_ERR_INTERNAL,
              "cubie_expr_graph_leaf: op %d is not a symbol leaf", (int)op);
  cubie_expr_node key = {op, 0, {-1, -1, -1}, op == CUBIE_EXPR_TIME ? 0 : index, 0.0};
  return graph_intern(g, &key, id);
}

int cubie_expr_graph_is_literal(const cubie_expr_graph *g, int id, double *value) {
  if (g->nodes[id].op != CUBIE_EXPR_LITERAL) return 0;
  if (value) *value = g->nodes[id].value;
  return 1;
}

static double sign_of(double x) { return (double)((x > 0) - (x < 0)); }

/* The value of `op` on literal operands, in double precision. */
static double fold(cubie_expr_op op, const double *v) {
  switch (op) {
    case CUBIE_EXPR_NEG: return -v[0];
    case CUBIE_EXPR_ADD: return v[0] + v[1];
    case CUBIE_EXPR_SUB: return v[0] - v[1];
    case CUBIE_EXPR_MUL: return v[0] * v[1];
    case CUBIE_EXPR_DIV: return v[0] / v[1];
    case CUBIE_EXPR_POW: return pow(v[0], v[1]);
    case CUBIE_EXPR_LT: return v[0] < v[1];
    case CUBIE_EXPR_LE: return v[0] <= v[1];
    case CUBIE_EXPR_GT: return v[0] > v[1];
    case CUBIE_EXPR_GE: return v[0] >= v[1];
    case CUBIE_EXPR_EQ: return v[0] == v[1];
    case CUBIE_EXPR_NE: return v[0] != v[1];
    case CUBIE_EXPR_AND: return v[0] != 0 && v[1] != 0;
    case CUBIE_EXPR_OR: return v[0] != 0 || v[1] != 0;
    case CUBIE_EXPR_NOT: return v[0] == 0;
    case CUBIE_EXPR_SELECT: return v[0] != 0 ? v[1] : v[2];
    case CUBIE_EXPR_SIN: return sin(v[0]);
    case CUBIE_EXPR_COS: return cos(v[0]);
    case CUBIE_EXPR_TAN: return tan(v[0]);
    case CUBIE_EXPR_ASIN: return asin(v[0]);
    case CUBIE_EXPR_ACOS: return acos(v[0]);
    case CUBIE_EXPR_ATAN: return atan(v[0]);
    case CUBIE_EXPR_ATAN2: return atan2(v[0], v[1]);
    case CUBIE_EXPR_SINH: return sinh(v[0]);
    case CUBIE_EXPR_COSH: return cosh(v[0]);
    case CUBIE_EXPR_TANH: return tanh(v[0]);
    case CUBIE_EXPR_EXP: return exp(v[0]);
    case CUBIE_EXPR_LOG: return log(v[0]);
    case CUBIE_EXPR_LOG10: return log10(v[0]);
    case CUBIE_EXPR_SQRT: return sqrt(v[0]);
    case CUBIE_EXPR_CBRT: return cbrt(v[0]);
    case CUBIE_EXPR_ABS: return fabs(v[0]);
    case CUBIE_EXPR_MIN: return fmin(v[0], v[1]);
    case CUBIE_EXPR_MAX: return fmax(v[0], v[1]);
    case CUBIE_EXPR_FLOOR: return floor(v[0]);
    case CUBIE_EXPR_CEIL: return ceil(v[0]);
    case CUBIE_EXPR_SIGN: return sign_of(v[0]);
    default: return NAN; /* leaves never reach here */
  }
}

int cubie_expr_graph_apply(cubie_expr_graph *g, cubie_expr_op op, const int *children, int *id) {
  CUBIE_CHECK(op < CUBIE_EXPR_N_OPS && !cubie_expr_op_is_leaf(op), CUBIE_ERR_INTERNAL,
              "cubie_expr_graph_apply: op %d is not an operation", (int)op);
  int arity = op_table[op].arity;
  cubie_expr_node key = {op, arity, {-1, -1, -1}, 0, 0.0};
  for (int i = 0; i < arity; i++) {
    CUBIE_CHECK(children[i] >= 0 && children[i] < g->n_nodes, CUBIE_ERR_INTERNAL,
                "cubie_expr_graph_apply: child %d out of range", children[i]);
    key.child[i] = children[i];
  }

  /* A literal condition picks its branch whatever the branches are. */
  double cond;
  if (op == CUBIE_EXPR_SELECT && cubie_expr_graph_is_literal(g, key.child[0], &cond)) {
    *id = cond != 0 ? key.child[1] : key.child[2];
    return CUBIE_OK;
  }

  double v[3] = {0, 0, 0};
  int all_literal = 1;
  for (int i = 0; i < arity; i++)
    if (!cubie_expr_graph_is_literal(g, key.child[i], &v[i])) all_literal = 0;
  if (all_literal) {
    /* A non-finite result stays an operation: it has no C literal. */
    double r = fold(op, v);
    if (isfinite(r)) return cubie_expr_graph_literal(g, r, id);
  }

  if (op_is_commutative(op) && key.child[0] > key.child[1]) {
    int tmp = key.child[0];
    key.child[0] = key.child[1];
    key.child[1] = tmp;
  }
  return graph_intern(g, &key, id);
}
