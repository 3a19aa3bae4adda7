/* model_internal.h — the inside of a cubie_model, shared by model.c (which
 * builds and checks it) and model_codegen.c (which prints it). Nothing
 * outside the model's own files includes this.
 */
#ifndef CUBIE_MODEL_INTERNAL_H
#define CUBIE_MODEL_INTERNAL_H

#include "model/expr_graph.h"
#include "model/model.h"
#include "model/model_jacobian.h"
#include "model/model_parser.h"
#include "model/symbol_table.h"

typedef struct cubie_model_symbol {
  const char *name;      /* owned by the model (observables: by parse.defs) */
  const char *units;     /* NULL when not given */
  const char *long_name; /* NULL when not given */
  double value;          /* deck default (states, parameters) or value (constants) */
  cubie_mark mark;
} cubie_model_symbol;

struct cubie_model {
  char *name;
  cubie_model_symbol *symbols[4]; /* by cubie_symbol_kind: STATE .. OBSERVABLE */
  int n_symbols[4];
  char **owned_strings; /* copies of the deck's names, units, long names */
  int n_owned_strings;
  size_t owned_strings_capacity;
  cubie_symtab table;      /* every name, plus `t` */
  cubie_model_parse parse; /* definitions (its graph is freed once substituted) */
  cubie_expr_graph *graph; /* the final graph: no observable leaves */
  int *derivative;         /* per state: node of d(state)/dt */
  int *observable;         /* per observable: node of its value */
  struct cubie_model_derivatives *derivatives; /* NULL until cubie_model_differentiate */
};

/* The model's symbolic derivatives, in the same graph as f (model_jacobian.c). */
typedef struct cubie_model_derivatives {
  int n_entries;                       /* structural non-zeros of df/dy */
  cubie_model_jacobian_entry *entries; /* row-major (row, then column) */
  int *entry_node;                     /* per entry: the node of df_row/dy_column */
  int *jvp;                            /* per state: node of (J v)_i, or CUBIE_EXPR_ZERO */
  int *dfdt;                           /* per state: node of df_i/dt, or CUBIE_EXPR_ZERO */
  int autonomous;                      /* f does not depend on t */
  int f_nodes;                         /* graph nodes before differentiation */
  int jacobian_nodes;                  /* nodes df/dy added */
} cubie_model_derivatives;

void cubie_model_derivatives_free(cubie_model_derivatives **d);

/* Order the observables and derivatives (reporting a cycle among them),
 * substitute them into each other, and build m->graph, m->derivative and
 * m->observable from m->parse (model_resolve.c). */
int cubie_model_resolve(cubie_model *m, const cubie_config *cfg);

#endif
