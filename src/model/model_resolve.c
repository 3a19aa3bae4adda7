/* model_resolve.c — observables and derivatives in dependency order,
 * substituted into each other (see model_internal.h).
 *
 * The parse graph still holds observables, and references `dNAME` to a
 * state's derivative, as leaves, because a line may use a definition below
 * it. Here the definitions' order is found (a cycle is an error naming
 * it), and every definition is copied into the final graph with each such
 * leaf replaced by the value it names. The copy goes through interning and
 * folding again, so subexpressions that only became equal or constant
 * through substitution are shared or folded too.
 *
 * The definitions are numbered as one list: observable i is vertex i, the
 * derivative of state s is vertex n_observables + s. Observables are
 * ordered first, then derivatives in state order, so a model without
 * derivative references is built exactly as before they existed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "model/model_internal.h"
#include "util/strbuf.h"

/* A growable int stack: the walks are iterative because their depth is the
 * user's to choose. */
typedef struct int_stack {
  int *data;
  int n;
  size_t capacity;
} int_stack;

static int stack_push(int_stack *s, int v) {
  CUBIE_CALL(CUBIE_GROW(s->data, s->n + 1, s->capacity, "ordering the observables"));
  s->data[s->n++] = v;
  return CUBIE_OK;
}

typedef struct resolver {
  cubie_model *m;
  const cubie_config *cfg;
  const cubie_model_parse *p;
  int n_vertices; /* observables, then derivatives */
  /* Vertex i uses vertices deps[dep_start[i] .. dep_start[i+1]). */
  int *dep_start;
  int_stack deps;
  int_stack order; /* vertices, each after those it uses */
  int *memo;       /* parse-graph node -> final-graph node, or -1 */
  int_stack walk;
} resolver;

/* The definition (in R->p->defs) of vertex v. */
static const cubie_model_definition *vertex_def(const resolver *R, int v) {
  int n_obs = R->p->n_observables;
  return &R->p->defs[v < n_obs ? R->p->observable_def[v] : R->p->derivative_def[v - n_obs]];
}

/* The observables and derivatives each definition uses directly. */
static int collect_dependencies(resolver *R) {
  const cubie_expr_graph *g = R->p->graph;
  int n_obs = R->p->n_observables;
  int *stamp = calloc((size_t)(g->n_nodes > 0 ? g->n_nodes : 1), sizeof *stamp);
  R->dep_start = malloc((size_t)(R->n_vertices + 1) * sizeof *R->dep_start);
  int rc = CUBIE_OK;
  if (!stamp || !R->dep_start) {
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory ordering the observables");
    goto done;
  }
  for (int i = 0; i < R->n_vertices; i++) {
    R->dep_start[i] = R->deps.n;
    R->walk.n = 0;
    CUBIE_CALL_GOTO(rc, stack_push(&R->walk, vertex_def(R, i)->root), done);
    while (R->walk.n > 0) {
      int id = R->walk.data[--R->walk.n];
      if (stamp[id] == i + 1) continue;
      stamp[id] = i + 1;
      const cubie_expr_node *node = &g->nodes[id];
      if (node->op == CUBIE_EXPR_OBSERVABLE)
        CUBIE_CALL_GOTO(rc, stack_push(&R->deps, node->index), done);
      if (node->op == CUBIE_EXPR_DERIVATIVE)
        CUBIE_CALL_GOTO(rc, stack_push(&R->deps, n_obs + node->index), done);
      for (int c = 0; c < node->n_children; c++)
        CUBIE_CALL_GOTO(rc, stack_push(&R->walk, node->child[c]), done);
    }
  }
  R->dep_start[R->n_vertices] = R->deps.n;
done:
  free(stamp);
  return rc;
}

static int report_cycle(const resolver *R, const int_stack *frames, int closing) {
  cubie_strbuf path;
  CUBIE_CALL(cubie_strbuf_init(&path));
  int from = 0;
  /* frames holds (vertex, next dependency) pairs. */
  for (int f = 0; f < frames->n; f += 2)
    if (frames->data[f] == closing) from = f;
  int rc = CUBIE_OK, observables = 0, derivatives = 0;
  for (int f = from; f < frames->n && !rc; f += 2) {
    if (frames->data[f] < R->p->n_observables) observables++;
    else derivatives++;
    rc = cubie_strbuf_append(&path, vertex_def(R, frames->data[f])->name);
    if (!rc) rc = cubie_strbuf_append(&path, " -> ");
  }
  const cubie_model_definition *first = vertex_def(R, closing);
  if (!rc) rc = cubie_strbuf_append(&path, first->name);
  if (rc) {
    cubie_strbuf_free(&path);
    return rc;
  }
  if (derivatives == 1 && observables == 0)
    rc = cubie_config_error_at(R->cfg, first->mark,
                               "the derivative '%s' is defined in terms of itself: %s", first->name,
                               path.data);
  else
    rc = cubie_config_error_at(R->cfg, first->mark, "%s depend on each other in a cycle: %s",
                               derivatives == 0   ? "observables"
                               : observables == 0 ? "derivatives"
                                                  : "derivatives and observables",
                               path.data);
  cubie_strbuf_free(&path);
  return rc;
}

/* Depth-first topological order; a back edge is a cycle. */
static int order_definitions(resolver *R) {
  int n_vertices = R->n_vertices;
  char *color = calloc((size_t)(n_vertices > 0 ? n_vertices : 1), 1); /* 0 new, 1 open, 2 done */
  CUBIE_CHECK(color, CUBIE_ERR_MEMORY, "out of memory ordering the observables");
  int_stack frames = {NULL, 0, 0};
  int rc = CUBIE_OK;
  for (int start = 0; start < n_vertices && !rc; start++) {
    if (color[start]) continue;
    color[start] = 1;
    CUBIE_CALL_GOTO(rc, stack_push(&frames, start), done);
    CUBIE_CALL_GOTO(rc, stack_push(&frames, R->dep_start[start]), done);
    while (frames.n > 0) {
      int v = frames.data[frames.n - 2];
      int next = frames.data[frames.n - 1];
      if (next < R->dep_start[v + 1]) {
        frames.data[frames.n - 1]++;
        int w = R->deps.data[next];
        if (color[w] == 1) {
          rc = report_cycle(R, &frames, w);
          goto done;
        }
        if (color[w] == 0) {
          color[w] = 1;
          CUBIE_CALL_GOTO(rc, stack_push(&frames, w), done);
          CUBIE_CALL_GOTO(rc, stack_push(&frames, R->dep_start[w]), done);
        }
      } else {
        color[v] = 2;
        CUBIE_CALL_GOTO(rc, stack_push(&R->order, v), done);
        frames.n -= 2;
      }
    }
  }
done:
  free(color);
  free(frames.data);
  return rc;
}

/* Copy parse-graph node `root` into the final graph, observables and
 * derivative references replaced. */
static int substitute(resolver *R, int root, int *out) {
  const cubie_expr_graph *raw = R->p->graph;
  cubie_model *m = R->m;
  R->walk.n = 0;
  CUBIE_CALL(stack_push(&R->walk, root));
  while (R->walk.n > 0) {
    int id = R->walk.data[R->walk.n - 1];
    if (R->memo[id] >= 0) {
      R->walk.n--;
      continue;
    }
    const cubie_expr_node *node = &raw->nodes[id];
    int mapped[3] = {-1, -1, -1}, pending = 0;
    /* Children pushed last-first are mapped first-first, which keeps the
     * final graph's ids (and so the printed operand order) as written. */
    for (int c = node->n_children - 1; c >= 0; c--) {
      mapped[c] = R->memo[node->child[c]];
      if (mapped[c] < 0) {
        CUBIE_CALL(stack_push(&R->walk, node->child[c]));
        pending = 1;
      }
    }
    if (pending) continue;
    int result = -1;
    switch (node->op) {
      case CUBIE_EXPR_LITERAL:
        CUBIE_CALL(cubie_expr_graph_literal(m->graph, node->value, &result));
        break;
      case CUBIE_EXPR_OBSERVABLE:
        result = m->observable[node->index];
        CUBIE_CHECK(result >= 0, CUBIE_ERR_INTERNAL, "observable %d used before it was resolved",
                    node->index);
        break;
      case CUBIE_EXPR_DERIVATIVE:
        result = m->derivative[node->index];
        CUBIE_CHECK(result >= 0, CUBIE_ERR_INTERNAL, "derivative %d used before it was resolved",
                    node->index);
        break;
      case CUBIE_EXPR_STATE:
      case CUBIE_EXPR_PARAMETER:
      case CUBIE_EXPR_TIME:
      case CUBIE_EXPR_DIRECTION:
      case CUBIE_EXPR_DRIVER:
      case CUBIE_EXPR_DRIVER_RATE:
        CUBIE_CALL(cubie_expr_graph_leaf(m->graph, node->op, node->index, &result));
        break;
      default: {
        double divisor;
        if (node->op == CUBIE_EXPR_DIV &&
            cubie_expr_graph_is_literal(m->graph, mapped[1], &divisor) && divisor == 0.0) {
          const cubie_expr_node *d = &raw->nodes[node->child[1]];
          if (d->op == CUBIE_EXPR_OBSERVABLE)
            return cubie_config_error_at(R->cfg, R->p->node_marks[id],
                                         "division by zero (observable '%s' is always 0)",
                                         m->symbols[CUBIE_SYMBOL_OBSERVABLE][d->index].name);
          if (d->op == CUBIE_EXPR_DERIVATIVE)
            return cubie_config_error_at(R->cfg, R->p->node_marks[id],
                                         "division by zero (the derivative 'd%s' is always 0)",
                                         m->symbols[CUBIE_SYMBOL_STATE][d->index].name);
          return cubie_config_error_at(R->cfg, R->p->node_marks[id],
                                       "division by zero (this divisor is always 0)");
        }
        CUBIE_CALL(cubie_expr_graph_apply(m->graph, node->op, mapped, &result));
      }
    }
    R->memo[id] = result;
    R->walk.n--;
  }
  *out = R->memo[root];
  return CUBIE_OK;
}

static int resolve(resolver *R) {
  cubie_model *m = R->m;
  const cubie_model_parse *p = R->p;
  int n_obs = p->n_observables, n_states = m->n_symbols[CUBIE_SYMBOL_STATE];
  R->n_vertices = n_obs + n_states;
  CUBIE_CALL(collect_dependencies(R));
  CUBIE_CALL(order_definitions(R));

  CUBIE_CALL(cubie_expr_graph_create(&m->graph));
  m->observable = malloc((size_t)(n_obs > 0 ? n_obs : 1) * sizeof *m->observable);
  m->derivative = malloc((size_t)(n_states > 0 ? n_states : 1) * sizeof *m->derivative);
  R->memo = malloc((size_t)(p->graph->n_nodes > 0 ? p->graph->n_nodes : 1) * sizeof *R->memo);
  CUBIE_CHECK(m->observable && m->derivative && R->memo, CUBIE_ERR_MEMORY,
              "out of memory resolving the observables");
  for (int i = 0; i < n_obs; i++) m->observable[i] = -1;
  for (int s = 0; s < n_states; s++) m->derivative[s] = -1;
  for (int i = 0; i < p->graph->n_nodes; i++) R->memo[i] = -1;
  for (int k = 0; k < R->order.n; k++) {
    int v = R->order.data[k];
    int *slot = v < n_obs ? &m->observable[v] : &m->derivative[v - n_obs];
    CUBIE_CALL(substitute(R, vertex_def(R, v)->root, slot));
  }
  /* Expressions from outside the equations (events), once every
   * definition they may name is known. */
  for (int k = 0; k < m->n_exprs; k++) CUBIE_CALL(substitute(R, m->expr_parse[k], &m->expr_node[k]));
  return CUBIE_OK;
}

int cubie_model_resolve(cubie_model *m, const cubie_config *cfg) {
  resolver R;
  memset(&R, 0, sizeof R);
  R.m = m;
  R.cfg = cfg;
  R.p = &m->parse;
  int rc = resolve(&R);
  if (!rc) rc = cubie_model_find_linear_derivatives(m, R.order.data, R.order.n);
  free(R.dep_start);
  free(R.deps.data);
  free(R.order.data);
  free(R.memo);
  free(R.walk.data);
  if (!rc) {
    /* The parse graph has served its purpose; the definitions stay (they
     * own the observables' names). */
    cubie_expr_graph_destroy(&m->parse.graph);
    free(m->parse.node_marks);
    m->parse.node_marks = NULL;
  }
  return rc;
}
