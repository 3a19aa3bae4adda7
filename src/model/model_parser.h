/* model_parser.h — the equations text parsed into an expression graph.
 *
 * Reads cfg->model.equations statement by statement (`dNAME = expr` for a
 * state's derivative, `NAME = expr` for an observable) into one interned
 * expression graph, in which a reference to an observable is still an
 * CUBIE_EXPR_OBSERVABLE leaf and a reference `dNAME` to a state's derivative
 * a CUBIE_EXPR_DERIVATIVE leaf: both may be used before the line that
 * defines them, so they are substituted afterwards (model_resolve.c), once
 * the order is known to be acyclic. Constants become literals here.
 *
 * It reports, in line order and with the deck position of the offending
 * token, every error a single statement can show: syntax, unknown symbols
 * and functions (with suggestions), wrong arity, assignments to inputs,
 * duplicate definitions, division by a literal zero, empty equations. What
 * needs the whole model (missing derivatives, cycles) is model.c's job.
 */
#ifndef CUBIE_MODEL_PARSER_H
#define CUBIE_MODEL_PARSER_H

#include "deck/config.h"
#include "model/expr_graph.h"
#include "model/symbol_table.h"

typedef struct cubie_model_definition {
  char *name;        /* the left-hand side as written (owned) */
  int is_derivative; /* 1: `dNAME` of state `index`; 0: observable `index` */
  int index;
  int root;        /* the right-hand side in the parse graph */
  cubie_mark mark; /* deck position of the left-hand side */
} cubie_model_definition;

typedef struct cubie_model_parse {
  cubie_expr_graph *graph;      /* observables appear as leaves */
  cubie_mark *node_marks;       /* deck position where each node was first written */
  cubie_model_definition *defs; /* in line order */
  int n_defs;
  size_t defs_capacity;
  int *derivative_def; /* per state: index into defs, or -1 */
  int *observable_def; /* per observable: index into defs */
  int n_observables;   /* observables are numbered in line order */
  size_t observables_capacity;
} cubie_model_parse;

/* `symbols` holds the declared states, parameters, constants and `t` on
 * entry; the parser adds the observables (their names point into
 * out->defs). */
int cubie_model_parse_equations(const cubie_config *cfg, cubie_symtab *symbols,
                                cubie_model_parse *out);
void cubie_model_parse_free(cubie_model_parse *p);

#endif
