/* test_expr_graph.c — interning, canonical operand order and constant
 * folding, on the graph directly and through the model language. */
#include <stdlib.h>

#include "check.h"
#include "model/expr_graph.h"
#include "model/model_internal.h"
#include "test_deck.h"

static int count_op(const cubie_expr_graph *g, cubie_expr_op op) {
  int n = 0;
  for (int i = 0; i < g->n_nodes; i++) n += g->nodes[i].op == op;
  return n;
}

static void test_direct(void) {
  cubie_expr_graph *g = NULL;
  CHECK_OK(cubie_expr_graph_create(&g));
  int x, y, x2, y2, a, b, c;
  CHECK_OK(cubie_expr_graph_leaf(g, CUBIE_EXPR_STATE, 0, &x));
  CHECK_OK(cubie_expr_graph_leaf(g, CUBIE_EXPR_PARAMETER, 0, &y));
  CHECK_OK(cubie_expr_graph_leaf(g, CUBIE_EXPR_STATE, 0, &x2));
  CHECK_OK(cubie_expr_graph_leaf(g, CUBIE_EXPR_PARAMETER, 0, &y2));
  CHECK_INT(x, x2);
  CHECK_INT(y, y2);
  CHECK(x != y); /* same index, different kind */

  /* Commutative operands are ordered: x*y and y*x are one node. */
  int xy[2] = {x, y}, yx[2] = {y, x};
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_MUL, xy, &a));
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_MUL, yx, &b));
  CHECK_INT(a, b);
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_ADD, yx, &c));
  CHECK(c != a);
  int add2;
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_ADD, xy, &add2));
  CHECK_INT(c, add2);
  /* ... but not the non-commutative ones. */
  int s1, s2, d1, d2;
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_SUB, xy, &s1));
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_SUB, yx, &s2));
  CHECK(s1 != s2);
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_DIV, xy, &d1));
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_DIV, yx, &d2));
  CHECK(d1 != d2);
  CHECK_INT(g->nodes[s1].child[0], x);
  CHECK_INT(g->nodes[s2].child[0], y);
  /* Children are older than parents: ascending index is topological. */
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_children; k++) CHECK(g->nodes[i].child[k] < i);

  /* Literal folding. */
  int two, three, r;
  double v;
  CHECK_OK(cubie_expr_graph_literal(g, 2.0, &two));
  CHECK_OK(cubie_expr_graph_literal(g, 3.0, &three));
  int ops[2] = {two, three};
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_POW, ops, &r));
  CHECK(cubie_expr_graph_is_literal(g, r, &v) && v == 8.0);
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_LT, ops, &r));
  CHECK(cubie_expr_graph_is_literal(g, r, &v) && v == 1.0);
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_NEG, &two, &r));
  CHECK(cubie_expr_graph_is_literal(g, r, &v) && v == -2.0);
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_SQRT, &two, &r));
  CHECK(cubie_expr_graph_is_literal(g, r, &v) && v == sqrt(2.0));
  /* Equal literals are one node; 0.0 and -0.0 are not (1/x differs). */
  int again, zero, negzero;
  CHECK_OK(cubie_expr_graph_literal(g, 2.0, &again));
  CHECK_INT(again, two);
  CHECK_OK(cubie_expr_graph_literal(g, 0.0, &zero));
  CHECK_OK(cubie_expr_graph_literal(g, -0.0, &negzero));
  CHECK(zero != negzero);
  /* A non-finite result is not folded: it has no C literal. */
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_LOG, &zero, &r));
  CHECK(!cubie_expr_graph_is_literal(g, r, NULL));
  CHECK_INT(g->nodes[r].op, CUBIE_EXPR_LOG);
  /* A literal condition picks a branch even when the branches are not
   * literals; a literal-only operation with a symbol stays. */
  int sel[3] = {zero, x, y};
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_SELECT, sel, &r));
  CHECK_INT(r, y);
  sel[0] = three;
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_SELECT, sel, &r));
  CHECK_INT(r, x);
  int x_plus_2[2] = {x, two};
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_ADD, x_plus_2, &r));
  CHECK(!cubie_expr_graph_is_literal(g, r, NULL));

  /* Interning survives growth (many rehashes). */
  int first = -1, n_before;
  for (int i = 0; i < 5000; i++) {
    int lit, sum;
    CHECK_OK(cubie_expr_graph_literal(g, (double)i + 0.5, &lit));
    int ops2[2] = {x, lit};
    CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_MUL, ops2, &sum));
    if (i == 0) first = sum;
  }
  n_before = g->n_nodes;
  int lit0, again0;
  CHECK_OK(cubie_expr_graph_literal(g, 0.5, &lit0));
  int ops3[2] = {lit0, x};
  CHECK_OK(cubie_expr_graph_apply(g, CUBIE_EXPR_MUL, ops3, &again0));
  CHECK_INT(again0, first);
  CHECK_INT(g->n_nodes, n_before);
  cubie_expr_graph_destroy(&g);
  CHECK(g == NULL);
}

/* Through the language: the final graph of a model. */
static cubie_model *model_of(test_deck *d, const char *equations) {
  test_deck_init(d, "graph.yaml");
  test_deck_declare_list(d, CUBIE_SYMBOL_STATE, "x=1 y=2", 2);
  test_deck_declare_list(d, CUBIE_SYMBOL_PARAMETER, "k=3", 3);
  test_deck_declare_list(d, CUBIE_SYMBOL_CONSTANT, "c=2 half=0.5", 4);
  test_deck_equations(d, equations, 6, 4);
  cubie_model *m = NULL;
  CHECK_OK(test_deck_model(d, &m));
  return m;
}

static void test_through_model(void) {
  test_deck d;
  /* x*y appears four times, written both ways round, across two lines and
   * an observable: one MUL node. */
  cubie_model *m = model_of(&d,
                            "dx = sin(x*y) + cos(y*x)\n"
                            "dy = e + x*y\n"
                            "e = y * x\n");
  if (m) {
    CHECK_INT(count_op(m->graph, CUBIE_EXPR_MUL), 1);
    CHECK_INT(count_op(m->graph, CUBIE_EXPR_SIN), 1);
    /* dy = e + x*y with e = x*y is (x*y) + (x*y): the observable's node is
     * the very node the derivative adds to itself. */
    const cubie_expr_node *dy = &m->graph->nodes[m->derivative[1]];
    CHECK_INT(dy->op, CUBIE_EXPR_ADD);
    CHECK_INT(dy->child[0], m->observable[0]);
    CHECK_INT(dy->child[1], m->observable[0]);
    /* No observable leaf survives substitution. */
    CHECK_INT(count_op(m->graph, CUBIE_EXPR_OBSERVABLE), 0);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);

  /* Constants are literals and fold: c^2 * half + 1 = 3, through an
   * observable too; t stays a leaf. */
  m = model_of(&d,
               "dx = c^2 * half + 1\n"
               "dy = a * t\n"
               "a = (c + 1) * 2 - ifelse(c > 1, 6, x)\n");
  if (m) {
    double v = 0;
    CHECK(cubie_expr_graph_is_literal(m->graph, m->derivative[0], &v) && v == 3.0);
    CHECK(cubie_expr_graph_is_literal(m->graph, m->observable[0], &v) && v == 0.0);
    /* dy = 0 * t: folding does not simplify 0 * symbol (it is not 0 for
     * t = inf), so the product stays. */
    CHECK_INT(m->graph->nodes[m->derivative[1]].op, CUBIE_EXPR_MUL);
    CHECK_INT(count_op(m->graph, CUBIE_EXPR_TIME), 1);
    CHECK_INT(count_op(m->graph, CUBIE_EXPR_STATE), 0); /* x only in the dead ifelse branch */
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);

  /* Unary minus folds into literals, so x^-2 has the literal exponent -2;
   * -x^2 is -(x^2). */
  m = model_of(&d, "dx = x^-2\ndy = -x^2\n");
  if (m) {
    const cubie_expr_node *p = &m->graph->nodes[m->derivative[0]];
    double e = 0;
    CHECK_INT(p->op, CUBIE_EXPR_POW);
    CHECK(cubie_expr_graph_is_literal(m->graph, p->child[1], &e) && e == -2.0);
    const cubie_expr_node *n = &m->graph->nodes[m->derivative[1]];
    CHECK_INT(n->op, CUBIE_EXPR_NEG);
    CHECK_INT(m->graph->nodes[n->child[0]].op, CUBIE_EXPR_POW);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);

  /* Right-associative power: 2^3^2 = 2^9 = 512, and ** is the same. */
  m = model_of(&d, "dx = 2^3^2\ndy = 2**3**2 - 2^(3^2)\n");
  if (m) {
    double v = 0;
    CHECK(cubie_expr_graph_is_literal(m->graph, m->derivative[0], &v) && v == 512.0);
    CHECK(cubie_expr_graph_is_literal(m->graph, m->derivative[1], &v) && v == 0.0);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);
}

int main(void) {
  test_direct();
  test_through_model();
  CHECK_DONE();
}
