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

/* A driver as the generated code needs it (the samples stay in the config;
 * plan/driver_table.c turns them into the job's table). */
typedef struct cubie_model_driver {
  const char *name;
  cubie_mark mark;
  int interpolation; /* cubie_driver_interpolation */
  int outside;       /* cubie_driver_outside */
  int n_series;
  int record;        /* its first series' record in the table (kernels/drivers.h) */
  int selector;      /* parameter index of the series selector, or -1 */
} cubie_model_driver;
/* One event (model_events.c): its condition and resets as expressions of
 * the model's expression list below. */
typedef struct cubie_model_event {
  char *name;       /* a copy of the deck's (cfg->model.events) */
  int direction;    /* +1 up, -1 down, 0 both */
  int terminal;
  long long max_saved;
  int when;         /* index into expr_parse / expr_node */
  int n_resets;
  int *reset_state; /* per reset: the state it sets */
  int *reset_expr;  /* per reset: index into expr_parse / expr_node */
} cubie_model_event;

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
  cubie_model_driver *drivers;
  int n_drivers;
  /* Expressions from outside the equations (events): parse-graph roots,
   * and after cubie_model_resolve their nodes in the final graph. */
  int n_exprs;
  int *expr_parse, *expr_node;
  size_t exprs_capacity;
  cubie_model_event *events;
  int n_events;
  /* Derivatives that are constant linear combinations of other derivatives
   * (model_linear.c), in dependency order: state linear_state[k]'s is
   * Σ linear_coef[q] · d(state linear_term[q]) over q in
   * [linear_start[k], linear_start[k + 1]). */
  int n_linear;
  int *linear_state, *linear_start, *linear_term;
  double *linear_coef;
};

/* Parse and check cfg->model.events into m->events (model_events.c):
 * after the equations, before cubie_model_resolve. */
int cubie_model_parse_events(cubie_model *m, const cubie_config *cfg);
void cubie_model_events_free(cubie_model *m);
/* The events' part of the kernel text (nothing when there are none). */
int cubie_model_generate_events(const cubie_model *m, cubie_strbuf *src);

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
/* From the parse graph (before cubie_model_resolve frees it), the
 * definitions in dependency order (resolver vertices: observables, then
 * derivatives). */
int cubie_model_find_linear_derivatives(cubie_model *m, const int *order, int n_order);
void cubie_model_linear_free(cubie_model *m);
/* CUBIE_MODEL_N_LINEAR_DERIVATIVES and cubie_model_linear_derivatives(v),
 * which sets each such component of v from the others; nothing for a model
 * without such lines. */
int cubie_model_generate_linear_derivatives(const cubie_model *m, cubie_strbuf *out);

#endif
