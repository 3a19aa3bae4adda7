/* model.h — the ODE model: the deck's equations parsed into a hash-consed
 * expression graph, checked, and printed as kernel C code.
 *
 * The model owns the meaning of names: states (declaration order = index),
 * parameters, constants (baked into the generated code), time `t`, and
 * observables (every `NAME = expr` line that is not a derivative; they may
 * also serve as intermediates of other lines, in any order, as long as they
 * form no cycle). It reports every problem in the user's terms with the
 * deck's line and column. It never touches files, MPI or backends; the
 * generated text is the whole of its output.
 */
#ifndef CUBIE_MODEL_H
#define CUBIE_MODEL_H

#include "deck/config.h"
#include "util/strbuf.h"

typedef enum cubie_symbol_kind {
  CUBIE_SYMBOL_STATE = 0,
  CUBIE_SYMBOL_PARAMETER,
  CUBIE_SYMBOL_CONSTANT,
  CUBIE_SYMBOL_OBSERVABLE,
  CUBIE_SYMBOL_TIME
} cubie_symbol_kind;

/* One quantity the kernel writes at every save point, in output order. */
typedef struct cubie_model_output {
  cubie_symbol_kind kind;  /* STATE or OBSERVABLE */
  int index;
} cubie_model_output;

typedef struct cubie_model cubie_model;

/* Parse cfg->model.equations against the declared symbols and check it.
 * Errors (CUBIE_ERR_INPUT) name the deck position: syntax errors, unknown
 * symbols (with a suggestion), states without a derivative, duplicate
 * definitions, cycles among observables, division by a literal zero, ... */
int cubie_model_create(const cubie_config *cfg, cubie_model **out);
void cubie_model_destroy(cubie_model **model);

int cubie_model_n_states(const cubie_model *m);
int cubie_model_n_parameters(const cubie_model *m);
int cubie_model_n_observables(const cubie_model *m);
const char *cubie_model_name(const cubie_model *m);

/* Name, units and long_name of a symbol (units/long_name may be NULL). */
const char *cubie_model_symbol_name(const cubie_model *m, cubie_symbol_kind kind, int index);
const char *cubie_model_symbol_units(const cubie_model *m, cubie_symbol_kind kind, int index);
const char *cubie_model_symbol_long_name(const cubie_model *m, cubie_symbol_kind kind, int index);
/* Default value of a state (initial value) or parameter from the deck. */
double cubie_model_default_value(const cubie_model *m, cubie_symbol_kind kind, int index);

/* Find a name among states, parameters, constants, observables and `t`.
 * Returns 1 and fills kind/index when found, 0 otherwise (raises nothing). */
int cubie_model_lookup(const cubie_model *m, const char *name, cubie_symbol_kind *kind,
                       int *index);
/* The closest known name to `name` (for "did you mean"), or NULL. */
const char *cubie_model_suggest(const cubie_model *m, const char *name);

/* The outputs the deck saves (cfg->output.save, in that order), checked
 * against the model: unknown names (with a suggestion), parameters,
 * constants and `t` are errors at the name's deck position. The caller
 * frees *outputs. */
int cubie_model_select_outputs(const cubie_model *m, const cubie_config *cfg,
                               cubie_model_output **outputs, int *n_outputs);

/* Append the model's part of a kernel translation unit to `src`:
 *   #define CUBIE_N_STATES, CUBIE_N_PARAMETERS, CUBIE_N_OUTPUTS
 *   CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y,
 *                                     const cubie_real *p, cubie_real *dydt)
 *   CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y,
 *                                         const cubie_real *p, cubie_real *out)
 * where `out` receives exactly `outputs` in order (states copied, observables
 * computed; nothing else is evaluated). Common subexpressions are computed
 * once; constants are literals. The text uses only prelude.h names. */
int cubie_model_generate(const cubie_model *m, const cubie_model_output *outputs, int n_outputs,
                         cubie_strbuf *src);

/* The derivative functions an implicit method needs are appended by
 * cubie_model_generate_jacobian (model_jacobian.h) after this text. */

/* Floating-point operations in one right-hand-side evaluation (for the
 * benchmark's floor estimate; a transcendental function counts as 1). */
long cubie_model_rhs_flops(const cubie_model *m);

#endif
