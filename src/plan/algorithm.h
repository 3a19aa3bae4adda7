/* algorithm.h — the host's view of the integration methods, step
 * controllers and linear solvers: the rows of kernels/methods.def,
 * kernels/controllers.def and kernels/linear_solvers.def as tables the host
 * can search (deck names, validation, defaults, buffer sizes, `cubie check`).
 *
 * The numerical content (coefficients, controller formulas) lives only in
 * kernels/, and every fact about a method or controller only in its list
 * row; this module adds lookups, never facts.
 */
#ifndef CUBIE_ALGORITHM_H
#define CUBIE_ALGORITHM_H

#include <stdbool.h>

#include "kernels/controllers.def"
#include "kernels/linear_solvers.def"
#include "kernels/methods.def"

#define CUBIE_CONTROLLER_AS_ENUM_(ID, ...) CUBIE_CONTROLLER_##ID,
typedef enum cubie_controller {
  CUBIE_CONTROLLERS(CUBIE_CONTROLLER_AS_ENUM_) CUBIE_N_CONTROLLERS
} cubie_controller;

/* One row of kernels/methods.def (see there for each column's meaning). */
typedef struct cubie_algorithm_info {
  const char *id;           /* "TSIT5": the kernel selector CUBIE_ALGORITHM_<id> */
  const char *name;         /* canonical deck name, e.g. "tsit5" */
  const char *aliases;      /* space-separated alternative deck names */
  const char *description;  /* "Tsitouras 5(4)" */
  const char *family;       /* "ERK": the step family (kernels/<family>.h, its buffers) */
  int stages;               /* stage derivatives kept per step, FSAL stage included */
  int order;                /* order of the propagated solution */
  int error_order;          /* controller order q; 0: fixed-step only */
  bool fsal;                /* first stage of a step = last stage of the previous */
  int dense_order;          /* order of the dense output; 0: none (steps land on save times) */
  int dense_degree;         /* degree of the dense-output weights */
  bool jacobian;            /* evaluates the Jacobian of the model (jacobian column > 0) */
  int dense_stages;         /* stages the dense output adds (extra stage rows in the buffer) */
  bool complex_pair;        /* also factors a complex iteration matrix (column 2: Radau IIA) */
} cubie_algorithm_info;

/* Every method's stage counts by name (CUBIE_METHOD_<ID>_STAGES,
 * CUBIE_METHOD_<ID>_DENSE_STAGES), as lists_generated.h gives them to the
 * kernels: buffers.def sizes the rows of a family that runs other methods
 * than the selected one (AUTO) by them, and every host reader of its
 * expressions needs the names. */
#define CUBIE_METHOD_STAGE_COUNTS_(ID, name, aliases, description, FAMILY, stages, order,     \
                                   error_order, fsal, dense_order, dense_degree, jacobian,   \
                                   dense_stages)                                             \
  CUBIE_METHOD_##ID##_STAGES = stages, CUBIE_METHOD_##ID##_DENSE_STAGES = dense_stages,
enum { CUBIE_METHODS(CUBIE_METHOD_STAGE_COUNTS_) };
#undef CUBIE_METHOD_STAGE_COUNTS_

/* integrator.linear_solver: `auto`, then one constant per row of
 * kernels/linear_solvers.def (CUBIE_LINEAR_SOLVER_<ID>, in the list's order). */
#define CUBIE_LINEAR_SOLVER_AS_ENUM_(ID, ...) CUBIE_LINEAR_SOLVER_##ID,
typedef enum cubie_linear_solver {
  CUBIE_LINEAR_SOLVER_AUTO = 0,
  CUBIE_LINEAR_SOLVERS(CUBIE_LINEAR_SOLVER_AS_ENUM_) CUBIE_LINEAR_SOLVER_KINDS /* `auto` included */
} cubie_linear_solver;

/* One row of kernels/linear_solvers.def. */
typedef struct cubie_linear_solver_info {
  const char *id;          /* "DENSE": the kernel selector CUBIE_LINSOLVE_<id> */
  const char *name;        /* deck name */
  bool available;          /* 0: refused as "not available yet" */
  const char *description;
} cubie_linear_solver_info;

/* One row of kernels/controllers.def. */
typedef struct cubie_controller_info {
  const char *id;          /* "PI": the kernel selector CUBIE_CONTROLLER_<id> */
  const char *name;        /* deck name */
  bool adaptive;           /* needs the method's error estimate */
  int gains;               /* how many gains it takes */
  double default_gains[3]; /* unused ones 0 */
  double safety, min_gain, max_gain;
  const char *description;
} cubie_controller_info;

int cubie_algorithm_count(void);
const cubie_algorithm_info *cubie_algorithm_at(int i);
/* Look up by canonical name or alias; NULL when unknown. */
const cubie_algorithm_info *cubie_algorithm_find(const char *name);
bool cubie_algorithm_is_adaptive(const cubie_algorithm_info *a);
/* The controller used when the deck does not name one: fixed for methods
 * without an error estimate, else the family row's (kernels/methods.def). */
cubie_controller cubie_algorithm_default_controller(const cubie_algorithm_info *a);
/* Doubles per run the algorithm's step family persists between time
 * windows (its kernels/methods.def family row) for a model of n_states. */
int cubie_algorithm_persist_fields(const cubie_algorithm_info *a, int n_states);
/* How many leading counters (kernels/counters.def) the algorithm's family
 * can change, and so are persisted between time windows (its family row). */
int cubie_algorithm_persist_counters(const cubie_algorithm_info *a);

/* The row of a linear solver kind; NULL for `auto`. */
const cubie_linear_solver_info *cubie_linear_solver_at(cubie_linear_solver k);
/* The deck names: "auto", then every row, in enum order (for validation). */
const char *const *cubie_linear_solver_names(void);
/* The solver a method uses before its model's Jacobian is known: the one
 * asked for, dense for `auto`; explicit methods use none (AUTO is
 * returned). cubie_plan_choose_linear_solver (plan/linear_solver.h) makes
 * the final choice from the Jacobian's pattern. */
cubie_linear_solver cubie_linear_solver_resolve(cubie_linear_solver requested,
                                                const cubie_algorithm_info *a, int n_states);

const cubie_controller_info *cubie_controller_at(cubie_controller c);
const char *cubie_controller_name(cubie_controller c);
/* The deck names of every controller, in list order (for validation). */
const char *const *cubie_controller_names(void);
/* Number of gains the controller takes (0 for fixed) and their defaults for
 * an algorithm; safety factor and step-ratio limits likewise. */
int cubie_controller_gain_count(cubie_controller c);
void cubie_controller_default_gains(cubie_controller c, const cubie_algorithm_info *a,
                                    double gains[3]);
void cubie_controller_default_limits(cubie_controller c, const cubie_algorithm_info *a,
                                     double *safety, double *min_gain, double *max_gain);

#endif
