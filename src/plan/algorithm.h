/* algorithm.h — the host's table of integration algorithms and step
 * controllers: names users write in the deck, the kernel selector macro for
 * each, their orders, and the default controller settings.
 *
 * The numerical content (Butcher tableaus, controller formulas) lives only in
 * kernels/; this table only describes it so the host can validate a deck,
 * choose defaults, size buffers and print plans. Keep it in step with
 * kernels/tableaus.h.
 */
#ifndef CUBIE_ALGORITHM_H
#define CUBIE_ALGORITHM_H

#include <stdbool.h>

typedef enum cubie_controller {
  CUBIE_CONTROLLER_FIXED = 0,
  CUBIE_CONTROLLER_I,
  CUBIE_CONTROLLER_PI,
  CUBIE_CONTROLLER_PID,
  CUBIE_CONTROLLER_GUSTAFSSON
} cubie_controller;

typedef struct cubie_algorithm_info {
  const char *name;         /* canonical deck name, e.g. "tsit5" */
  const char *aliases;      /* space-separated alternative deck names */
  const char *description;  /* "Tsitouras 5(4)" */
  const char *macro;        /* kernel selector, e.g. "CUBIE_ALGORITHM_TSIT5" */
  int stages;               /* right-hand-side evaluations per step, FSAL stage included */
  int order;                /* order of the propagated solution */
  /* Controller order q: the local error estimate behaves like h^(q+1), so
   * the elementary controller's exponent is 1/(q+1) (Hairer & Wanner I,
   * II.4). For most pairs q = min(p, p_hat); DOP853 uses q = 7 (its
   * "8(5,3)" estimate is scaled to behave like h^8). 0: fixed-step only. */
  int error_order;
  bool fsal;                /* first stage of a step = last stage of the previous */
  int dense_order;          /* order of the dense-output interpolant; 0: none (steps land on save times) */
} cubie_algorithm_info;

int cubie_algorithm_count(void);
const cubie_algorithm_info *cubie_algorithm_at(int i);
/* Look up by canonical name or alias; NULL when unknown. */
const cubie_algorithm_info *cubie_algorithm_find(const char *name);
bool cubie_algorithm_is_adaptive(const cubie_algorithm_info *a);
/* The controller used when the deck does not name one. */
cubie_controller cubie_algorithm_default_controller(const cubie_algorithm_info *a);

const char *cubie_controller_name(cubie_controller c);
/* Look up "fixed" | "i" | "pi" | "pid" | "gustafsson"; returns -1 when unknown. */
int cubie_controller_find(const char *name);
/* Number of gains the controller takes (0 for fixed) and their defaults for
 * an algorithm; safety factor and step-ratio limits likewise. */
int cubie_controller_gain_count(cubie_controller c);
void cubie_controller_default_gains(cubie_controller c, const cubie_algorithm_info *a,
                                    double gains[3]);
void cubie_controller_default_limits(cubie_controller c, const cubie_algorithm_info *a,
                                     double *safety, double *min_gain, double *max_gain);

#endif
