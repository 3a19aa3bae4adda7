/* expr_graph.h — the model's expressions as one hash-consed DAG.
 *
 * Every expression the model language can write is a node in one array:
 * an operation, up to three children (by index into the same array), and a
 * literal value or leaf index. Nodes are interned: asking for a node that
 * already exists returns the existing one, so structurally identical
 * subexpressions are one node and common-subexpression elimination is free.
 * The operands of commutative + * == != are put in a canonical order first,
 * so a*b and b*a are the same node. Operations whose operands are all
 * literals are folded to a literal when the result is finite.
 *
 * Children are always created before their parents, so a node's index is
 * larger than its children's: ascending index order is a topological order,
 * which code generation and (later) differentiation rely on.
 *
 * The graph knows nothing about names, decks or positions and never raises
 * anything but CUBIE_ERR_MEMORY; the caller decides what is an error (for
 * example division by a literal zero) before asking for the node.
 *
 * Symbolic differentiation (expr_derivative.h, for the stiff solvers'
 * Jacobians) is a function d(node, wrt) over this graph: it visits the
 * nodes reachable from a root in ascending index order and builds each
 * derivative from the derivatives of its children with
 * cubie_expr_graph_apply (one rule per op, e.g. d(sin u) = cos(u) * du),
 * memoised per node id. Because the rules go through the same interning,
 * derivative expressions share nodes with the function itself and with each
 * other; literal 0/1 folding keeps them small.
 */
#ifndef CUBIE_EXPR_GRAPH_H
#define CUBIE_EXPR_GRAPH_H

#include <stddef.h>

typedef enum cubie_expr_op {
  /* Leaves. */
  CUBIE_EXPR_LITERAL = 0,
  CUBIE_EXPR_STATE,     /* index: state */
  CUBIE_EXPR_PARAMETER, /* index: parameter */
  CUBIE_EXPR_TIME,
  CUBIE_EXPR_OBSERVABLE, /* index: observable; only while parsing, before substitution */
  CUBIE_EXPR_DERIVATIVE, /* index: state whose derivative `dNAME` is used; only while parsing */
  CUBIE_EXPR_DIRECTION,  /* index: component of the vector v of J·v (derivatives only) */
  /* Arithmetic. */
  CUBIE_EXPR_NEG,
  CUBIE_EXPR_ADD,
  CUBIE_EXPR_SUB,
  CUBIE_EXPR_MUL,
  CUBIE_EXPR_DIV,
  CUBIE_EXPR_POW,
  /* Comparisons and logic: the value is 1 or 0. */
  CUBIE_EXPR_LT,
  CUBIE_EXPR_LE,
  CUBIE_EXPR_GT,
  CUBIE_EXPR_GE,
  CUBIE_EXPR_EQ,
  CUBIE_EXPR_NE,
  CUBIE_EXPR_AND,
  CUBIE_EXPR_OR,
  CUBIE_EXPR_NOT,
  CUBIE_EXPR_SELECT, /* child[0] != 0 ? child[1] : child[2] */
  /* Functions. */
  CUBIE_EXPR_SIN,
  CUBIE_EXPR_COS,
  CUBIE_EXPR_TAN,
  CUBIE_EXPR_ASIN,
  CUBIE_EXPR_ACOS,
  CUBIE_EXPR_ATAN,
  CUBIE_EXPR_ATAN2,
  CUBIE_EXPR_SINH,
  CUBIE_EXPR_COSH,
  CUBIE_EXPR_TANH,
  CUBIE_EXPR_EXP,
  CUBIE_EXPR_LOG,
  CUBIE_EXPR_LOG10,
  CUBIE_EXPR_SQRT,
  CUBIE_EXPR_CBRT,
  CUBIE_EXPR_ABS,
  CUBIE_EXPR_MIN,
  CUBIE_EXPR_MAX,
  CUBIE_EXPR_FLOOR,
  CUBIE_EXPR_CEIL,
  CUBIE_EXPR_SIGN,
  CUBIE_EXPR_N_OPS
} cubie_expr_op;

typedef struct cubie_expr_op_info {
  const char *name;       /* "+", "<", "sin" (for messages and debugging) */
  int arity;              /* number of children */
  const char *c_function; /* prelude.h name for function ops ("cubie_sin"), else NULL */
} cubie_expr_op_info;

typedef struct cubie_expr_node {
  cubie_expr_op op;
  int n_children;
  int child[3];
  int index;    /* leaves: which state / parameter / observable; else 0 */
  double value; /* CUBIE_EXPR_LITERAL: the value; else 0 */
} cubie_expr_node;

typedef struct cubie_expr_graph {
  cubie_expr_node *nodes; /* ascending index = topological order */
  int n_nodes;
  size_t capacity;
  int *slots;     /* open-addressing intern table: node index or -1 */
  size_t n_slots; /* a power of two, at least twice n_nodes */
} cubie_expr_graph;

const cubie_expr_op_info *cubie_expr_op_get_info(cubie_expr_op op);
/* 1 for the leaf ops (no children). */
int cubie_expr_op_is_leaf(cubie_expr_op op);

int cubie_expr_graph_create(cubie_expr_graph **out);
void cubie_expr_graph_destroy(cubie_expr_graph **g);

/* The node for a literal value (interned by bit pattern). */
int cubie_expr_graph_literal(cubie_expr_graph *g, double value, int *id);
/* The node for a leaf: STATE / PARAMETER / OBSERVABLE / DERIVATIVE / DIRECTION
 * with its index, or TIME. */
int cubie_expr_graph_leaf(cubie_expr_graph *g, cubie_expr_op op, int index, int *id);
/* The node for `op` applied to children[0 .. arity-1]: canonicalised,
 * folded when every operand is a literal and the result is finite (a SELECT
 * with a literal condition becomes the chosen branch), then interned. */
int cubie_expr_graph_apply(cubie_expr_graph *g, cubie_expr_op op, const int *children, int *id);

/* 1 (and *value) when node `id` is a literal. */
int cubie_expr_graph_is_literal(const cubie_expr_graph *g, int id, double *value);

#endif
