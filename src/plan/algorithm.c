/* algorithm.c — lookups over kernels/methods.def, kernels/controllers.def and
 * kernels/linear_solvers.def (see algorithm.h). */
#include "plan/algorithm.h"

#include <string.h>

#include "kernels/lists.h"
#include "kernels/methods.def"
#include "kernels/status.h"

#define ALGORITHM_ROW(ID, name, aliases, description, FAMILY, stages, order, error_order, fsal, \
                      dense_order, dense_degree, jacobian, dense_stages)                        \
  {#ID,   name,         aliases,      description, #FAMILY,         stages,  order,             \
   error_order, fsal != 0, dense_order, dense_degree, jacobian != 0, dense_stages, jacobian == 2},
static const cubie_algorithm_info algorithms[] = {CUBIE_METHODS(ALGORITHM_ROW)};
#define N_ALGORITHMS ((int)(sizeof algorithms / sizeof algorithms[0]))

#define CONTROLLER_ROW(ID, name, adaptive, gains, beta1, beta2, beta3, safety, min_gain,    \
                       max_gain, description)                                                \
  {#ID, name, adaptive != 0, gains, {beta1, beta2, beta3}, safety, min_gain, max_gain, description},
static const cubie_controller_info controllers[] = {CUBIE_CONTROLLERS(CONTROLLER_ROW)};

#define CONTROLLER_NAME(ID, name, ...) name,
static const char *const controller_names[] = {CUBIE_CONTROLLERS(CONTROLLER_NAME) NULL};

#define LINEAR_SOLVER_ROW(ID, name, available, description) {#ID, name, available != 0, description},
static const cubie_linear_solver_info linear_solvers[] = {CUBIE_LINEAR_SOLVERS(LINEAR_SOLVER_ROW)};
#define LINEAR_SOLVER_NAME(ID, name, ...) name,
static const char *const linear_solver_names[] = {"auto", CUBIE_LINEAR_SOLVERS(LINEAR_SOLVER_NAME) NULL};

int cubie_algorithm_count(void) { return N_ALGORITHMS; }

const cubie_algorithm_info *cubie_algorithm_at(int i) {
  return (i >= 0 && i < N_ALGORITHMS) ? &algorithms[i] : NULL;
}

static bool alias_matches(const char *aliases, const char *name) {
  size_t n = strlen(name);
  const char *p = aliases;
  while (*p) {
    while (*p == ' ') p++;
    const char *end = p;
    while (*end && *end != ' ') end++;
    if ((size_t)(end - p) == n && strncmp(p, name, n) == 0) return true;
    p = end;
  }
  return false;
}

const cubie_algorithm_info *cubie_algorithm_find(const char *name) {
  for (int i = 0; i < N_ALGORITHMS; i++)
    if (strcmp(algorithms[i].name, name) == 0 || alias_matches(algorithms[i].aliases, name))
      return &algorithms[i];
  return NULL;
}

bool cubie_algorithm_is_adaptive(const cubie_algorithm_info *a) { return a->error_order > 0; }

cubie_controller cubie_algorithm_default_controller(const cubie_algorithm_info *a) {
  if (!cubie_algorithm_is_adaptive(a)) return CUBIE_CONTROLLER_FIXED;
  /* The family row's choice. */
#define FAMILY_CONTROLLER(ID, persist, counters, controller, description) \
  if (strcmp(a->family, #ID) == 0) return CUBIE_CONTROLLER_##controller;
  CUBIE_STEP_FAMILIES(FAMILY_CONTROLLER)
#undef FAMILY_CONTROLLER
  return CUBIE_CONTROLLER_PI;
}

int cubie_algorithm_persist_fields(const cubie_algorithm_info *a, int n_states) {
  /* The family row's expression, evaluated with the names it may use. */
#define CUBIE_N_STATES n_states
#define FAMILY_PERSIST(ID, persist, counters, controller, description) \
  if (strcmp(a->family, #ID) == 0) return (persist);
  CUBIE_STEP_FAMILIES(FAMILY_PERSIST)
#undef FAMILY_PERSIST
#undef CUBIE_N_STATES
  return 0;
}

int cubie_algorithm_persist_counters(const cubie_algorithm_info *a) {
#define FAMILY_COUNTERS(ID, persist, counters, controller, description) \
  if (strcmp(a->family, #ID) == 0) return (counters);
  CUBIE_STEP_FAMILIES(FAMILY_COUNTERS)
#undef FAMILY_COUNTERS
  return CUBIE_N_COUNTERS;
}

const cubie_linear_solver_info *cubie_linear_solver_at(cubie_linear_solver k) {
  return ((int)k > 0 && (int)k < CUBIE_LINEAR_SOLVER_KINDS) ? &linear_solvers[k - 1] : NULL;
}

const char *const *cubie_linear_solver_names(void) { return linear_solver_names; }

cubie_linear_solver cubie_linear_solver_resolve(cubie_linear_solver requested,
                                                const cubie_algorithm_info *a, int n_states) {
  (void)n_states;
  if (!a->jacobian) return CUBIE_LINEAR_SOLVER_AUTO;
  return requested == CUBIE_LINEAR_SOLVER_AUTO ? CUBIE_LINEAR_SOLVER_DENSE : requested;
}

const cubie_controller_info *cubie_controller_at(cubie_controller c) {
  return ((int)c >= 0 && (int)c < CUBIE_N_CONTROLLERS) ? &controllers[c] : NULL;
}

const char *cubie_controller_name(cubie_controller c) {
  const cubie_controller_info *info = cubie_controller_at(c);
  return info ? info->name : "?";
}

const char *const *cubie_controller_names(void) { return controller_names; }

int cubie_controller_gain_count(cubie_controller c) {
  const cubie_controller_info *info = cubie_controller_at(c);
  return info ? info->gains : 0;
}

/* Gains are the exponents beta_i applied as
 *   factor = safety * prod_i (1 / E_{n-i})^(beta_i / k),  k = error_order + 1
 * (Gustafsson additionally multiplies by h_n / h_{n-1} and takes the minimum
 * with the elementary factor); see kernels/controllers.h and
 * docs/algorithms.md for the formulas, kernels/controllers.def for the
 * defaults and their poles. They do not depend on the algorithm. */
void cubie_controller_default_gains(cubie_controller c, const cubie_algorithm_info *a,
                                    double gains[3]) {
  (void)a;
  const cubie_controller_info *info = cubie_controller_at(c);
  for (int i = 0; i < 3; i++) gains[i] = info ? info->default_gains[i] : 0.0;
}

void cubie_controller_default_limits(cubie_controller c, const cubie_algorithm_info *a,
                                     double *safety, double *min_gain, double *max_gain) {
  (void)a;
  const cubie_controller_info *info = cubie_controller_at(c);
  *safety = info ? info->safety : 0.9;
  *min_gain = info ? info->min_gain : 0.2;
  *max_gain = info ? info->max_gain : 10.0;
}
