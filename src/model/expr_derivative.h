/* expr_derivative.h — symbolic differentiation over the expression graph.
 *
 * Forward mode. Every leaf gets a derivative ("tangent"): for ∂/∂y_j state
 * j has tangent 1 and every other leaf 0; for ∂/∂t time has 1; for J·v
 * state k has the leaf v[k]. The tangent of every other node reachable
 * from the roots is built from its children's tangents by one rule per
 * operation, memoised per node, in ascending node order (a topological
 * order). The rules create their nodes with cubie_expr_graph_apply, so
 * derivatives are interned and folded together with the function itself:
 * d(exp(u)) = exp(u) * du names the very node of exp(u) that f computes.
 *
 * A structural zero — a tangent that is 0 whatever the values — is
 * CUBIE_EXPR_ZERO, not a node. Rules skip zero terms and multiply by a
 * literal 1 or -1 without a product node, and a tangent that folds to a
 * literal 0 is a structural zero, so the non-zero tangents are exactly the
 * structural non-zeros of the derivative.
 *
 * Piecewise functions differentiate piecewise, each piece's derivative
 * where that piece is taken (the kinks take a convention; docs/model.md):
 *   abs(u)          sign(u) du          (0 at u = 0)
 *   min(a, b)       a <= b ? da : db    (a tie takes the first argument)
 *   max(a, b)       a >= b ? da : db    (likewise)
 *   ifelse(c, a, b) c ? da : db         (the condition contributes nothing)
 *   floor, ceil, sign, comparisons, && || !: 0 (their jumps are not seen)
 *   u^v             v u^(v-1) du + (u > 0 ? u^v log(u) : 0) dv
 *                   (the exponent's term is 0 where the base is not
 *                   positive: there u^v is 0 or defined at isolated v only)
 *
 * It raises only CUBIE_ERR_MEMORY and CUBIE_ERR_INTERNAL; how large the
 * derivatives may grow is the caller's decision (it can watch g->n_nodes).
 */
#ifndef CUBIE_EXPR_DERIVATIVE_H
#define CUBIE_EXPR_DERIVATIVE_H

#include "model/expr_graph.h"

/* The tangent of a node that is 0 whatever the values. */
#define CUBIE_EXPR_ZERO (-1)

typedef struct cubie_expr_differentiator cubie_expr_differentiator;

/* A differentiator for the nodes reachable from roots[0 .. n_roots-1]
 * (nodes created later have no tangent of their own). */
int cubie_expr_differentiator_create(cubie_expr_graph *g, const int *roots, int n_roots,
                                     cubie_expr_differentiator **out);
void cubie_expr_differentiator_destroy(cubie_expr_differentiator **d);

/* Tangents with respect to one leaf: CUBIE_EXPR_STATE `index`, or
 * CUBIE_EXPR_TIME. Only the nodes that depend on the leaf are visited, so
 * a column of a sparse Jacobian costs what it creates. */
int cubie_expr_differentiate_leaf(cubie_expr_differentiator *d, cubie_expr_op op, int index);

/* Tangents under seeds: state k's tangent is state_seed[k] (a node, or
 * CUBIE_EXPR_ZERO; states from n_states on have 0), time's is time_seed.
 * Visits every reachable node (J·v: state_seed[k] = the leaf v[k]). */
int cubie_expr_differentiate_seeded(cubie_expr_differentiator *d, const int *state_seed,
                                    int n_states, int time_seed);

/* The tangent of node `id` (a root, or any node reachable from one) from
 * the last differentiation: a node, or CUBIE_EXPR_ZERO. */
int cubie_expr_tangent(const cubie_expr_differentiator *d, int id);

/* 1 when a leaf `op` (`index`) is reachable from the roots: the function
 * depends on it structurally (TIME: the model is not autonomous). */
int cubie_expr_depends_on(const cubie_expr_differentiator *d, cubie_expr_op op, int index);

#endif
