/* controllers.h — step-size control: accept or reject an attempt from its
 * error norm and propose the next step.
 *
 * The host selects one controller of controllers.def with
 * `#define CUBIE_CONTROLLER_<ID> 1`; its gains and limits are run-time
 * values in cubie_chunk_args (defaults: controllers.def). With k = q + 1
 * (q = CUBIE_STEP_ERROR_ORDER, the step family's controller order, step.h)
 * and E_n the error norm of the current attempt,
 * an accepted attempt (E_n <= 1) proposes h_new = h * factor with
 *   I           factor = safety (1/E_n)^(β1/k)
 *   PI          factor = safety (1/E_n)^(β1/k) (1/E_{n-1})^(β2/k)
 *   PID         factor = safety (1/E_n)^(β1/k) (1/E_{n-1})^(β2/k) (1/E_{n-2})^(β3/k)
 *   GUSTAFSSON  factor = min( safety (1/E_n)^(1/k),
 *                             safety (h_n/h_{n-1}) (1/E_n)^(β1/k) (1/E_{n-1})^(β2/k) )
 * (E_{n-i}: norms of the previous accepted steps, 1 before there are any;
 * Gustafsson's predictive term only once a previous step exists, as in
 * Hairer's RADAU5, HNW II, IV.8, eq. (8.25)), then clamped to
 * [min_gain, max_gain] and to at most 1 right after a rejection. A rejected
 * attempt proposes factor = safety (1/E_n)^(β1/k) (Gustafsson: exponent 1/k,
 * the elementary controller, as RADAU5 does), clamped to [min_gain, 1];
 * a non-finite estimate rejects with factor = min_gain.
 * Floors keep the logarithms finite: E_n >= 1e-10 (RADAU5), stored history
 * E_{n-i} >= 1e-4 (DOPRI5's FACOLD) or >= 1e-2 for Gustafsson (RADAU5's ERRACC).
 *
 * It never advances time and never touches the state; run.h applies the
 * dt_min / dt_max limits (cubie_controller_limit) and the status bits; the
 * first step is the step family's (step.h, initial_step.h).
 * Everything here is per step, never per stage: one log and one exp.
 */
#ifndef CUBIE_CONTROLLERS_H
#define CUBIE_CONTROLLERS_H

#include "step.h"

/* 1: steps are judged by the error estimate; 0: fixed step. */
#define CUBIE_ADAPTIVE CUBIE_CONTROLLER_ADAPTIVE
#if CUBIE_ADAPTIVE && CUBIE_STEP_ERROR_ORDER == 0
#error "an adaptive controller needs a method with an error estimate; use CUBIE_CONTROLLER_FIXED"
#endif

/* log of the history floor: log(1e-2) for Gustafsson, log(1e-4) otherwise. */
#if defined(CUBIE_CONTROLLER_GUSTAFSSON)
#define CUBIE_CONTROLLER_LOG_HISTORY_FLOOR (-4.605170185988091)
#else
#define CUBIE_CONTROLLER_LOG_HISTORY_FLOOR (-9.210340371976184)
#endif
#define CUBIE_CONTROLLER_ERROR_FLOOR 1e-10

/* What the controller remembers between steps (persisted by run.h). */
typedef struct cubie_controller_state {
  double h_prev;           /* last accepted step; 0 before the first */
  cubie_real log_e1;       /* log E_{n-1} (floored); 0 = "E = 1" before history exists */
  cubie_real log_e2;       /* log E_{n-2} */
  int rejected_last;       /* why the last attempt was rejected: 0 it was not, 1 error too
                            * large, else the status bit of its failed outcome (run.h) */
} cubie_controller_state;

CUBIE_DEVICE void cubie_controller_init(cubie_controller_state *c) {
  c->h_prev = 0.0;
  c->log_e1 = (cubie_real)0;
  c->log_e2 = (cubie_real)0;
  c->rejected_last = 0;
}

#if CUBIE_ADAPTIVE
/* Judge an attempt of size h with error norm err (negative: not finite).
 * Returns 1 when accepted; *factor receives the proposed h_new / h. */
CUBIE_INLINE int cubie_controller_judge(cubie_controller_state *c, cubie_real err, double h,
                                        const cubie_chunk_args *a, cubie_real *factor) {
  const cubie_real inv_k = (cubie_real)(1.0 / (CUBIE_STEP_ERROR_ORDER + 1));
  const cubie_real safety = (cubie_real)a->safety;
  const cubie_real min_gain = (cubie_real)a->min_gain;
  const cubie_real max_gain = (cubie_real)a->max_gain;
  const cubie_real b1 = (cubie_real)a->gains[0];
  if (!(err >= (cubie_real)0)) { /* not finite */
    *factor = min_gain;
    c->rejected_last = 1;
    return 0;
  }
  const cubie_real le = cubie_log(cubie_max(err, (cubie_real)CUBIE_CONTROLLER_ERROR_FLOOR));
  cubie_real f;
  if (err > (cubie_real)1) {
#if defined(CUBIE_CONTROLLER_GUSTAFSSON)
    f = safety * cubie_exp(-le * inv_k);
#else
    f = safety * cubie_exp(-b1 * le * inv_k);
#endif
    f = cubie_min(cubie_max(f, min_gain), (cubie_real)1);
    *factor = f;
    c->rejected_last = 1;
    return 0;
  }
#if defined(CUBIE_CONTROLLER_I)
  f = safety * cubie_exp(-b1 * le * inv_k);
#elif defined(CUBIE_CONTROLLER_PI)
  f = safety * cubie_exp(-(b1 * le + (cubie_real)a->gains[1] * c->log_e1) * inv_k);
#elif defined(CUBIE_CONTROLLER_PID)
  f = safety * cubie_exp(-(b1 * le + (cubie_real)a->gains[1] * c->log_e1 +
                           (cubie_real)a->gains[2] * c->log_e2) *
                         inv_k);
#else /* GUSTAFSSON */
  f = safety * cubie_exp(-le * inv_k);
  if (c->h_prev > 0.0) {
    const cubie_real predictive =
        safety * (cubie_real)(h / c->h_prev) *
        cubie_exp(-(b1 * le + (cubie_real)a->gains[1] * c->log_e1) * inv_k);
    f = cubie_min(f, predictive);
  }
#endif
  f = cubie_min(cubie_max(f, min_gain), max_gain);
  if (c->rejected_last) f = cubie_min(f, (cubie_real)1);
  *factor = f;
  c->log_e2 = c->log_e1;
  c->log_e1 = cubie_max(le, (cubie_real)CUBIE_CONTROLLER_LOG_HISTORY_FLOOR);
  c->h_prev = h;
  c->rejected_last = 0;
  return 1;
}

#endif /* CUBIE_ADAPTIVE */

/* Apply dt_max and dt_min (either <= 0: no limit) to a proposed step. A
 * step the controller wants below dt_min is raised to dt_min and marks the
 * run CUBIE_RUN_DT_MIN_CLAMPED. */
CUBIE_INLINE double cubie_controller_limit(double dt, const cubie_chunk_args *a, cubie_u32 *status) {
  if (a->dt_max > 0.0 && dt > a->dt_max) dt = a->dt_max;
  if (a->dt_min > 0.0 && dt < a->dt_min) {
    dt = a->dt_min;
    *status |= CUBIE_RUN_DT_MIN_CLAMPED;
  }
  return dt;
}

#endif
