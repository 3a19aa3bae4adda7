/* events.h — event detection, location and bookkeeping for the per-run
 * loop (run.h): conditions g_e(t, y) = 0 crossed in a direction, found in
 * each accepted step, located inside it, recorded per run and acted on
 * (terminate the run, or reset states and restart the step family).
 *
 * The generated model (src/model/model_events.c) defines, only when the
 * deck has events: CUBIE_N_EVENTS, CUBIE_EVENT_RECORD_SLOTS,
 * CUBIE_EVENT_ANY_TERMINAL, CUBIE_EVENT_ANY_RESET, cubie_model_events(t, y,
 * p, g), cubie_model_event_reset(e, t, y, p, y_out) and per-event tables
 * (direction, terminal, resets, max_saved, record offset). Without events
 * CUBIE_N_EVENTS is 0 and nothing below is compiled: run.h's event hooks
 * are all inside `#if CUBIE_N_EVENTS > 0`, so such kernels are what they
 * were before events existed.
 *
 * Detection. After every accepted step from (t, y) to (t + h, y_new) every
 * g_e is evaluated at the step's end and compared with its value at the
 * step's start (kept in cubie_events_state, persisted between windows): an
 * `up` crossing goes from g < 0 to g >= 0, `down` from g > 0 to g <= 0,
 * `both` either. With dense output g is also evaluated at CUBIE_EVENT_SCAN
 * - 1 evenly spaced points inside the step (a smooth, exactly integrated
 * flight — a ball's parabola — may otherwise rise and fall within one
 * step); the first sub-interval that crosses brackets the event. Without
 * dense output only the step's ends are compared, so a crossing and
 * recrossing within one step is not seen (as in every solver that checks
 * signs at step ends).
 *
 * Location. The crossing is bracketed in θ ∈ (0, 1] and narrowed with the
 * Illinois variant of regula falsi on g(t + θh, y(θ)) until the bracket is
 * a few ulps of t wide (at most CUBIE_EVENT_MAX_ITERATIONS evaluations).
 * y(θ) is the step family's dense output when it has one (CUBIE_STEP_DENSE:
 * bs3, dopri5, tsit5, ...; order CUBIE_METHOD_DENSE_ORDER), else the cubic
 * Hermite interpolant through (t, y, f(t, y)) and (t + h, y_new,
 * f(t + h, y_new)) — third order, with two extra right-hand-side
 * evaluations per step that has a crossing (counted). The root of the
 * interpolant is found to rounding, so the event time's error is the
 * interpolant's error divided by |dg/dt|: of the order of the local error
 * the controller allows (atol + rtol·|y|) for the dense outputs, or of the
 * step's local error h⁴ for the Hermite cubic. The event time is the upper
 * end of the final bracket: the first point found on the far side of the
 * crossing, so the state there (reset or not) is never on the near side.
 *
 * Action. Of the events crossed in a step, the earliest that terminates or
 * resets (the lowest index on a tie) ends the step at its time; the others
 * crossed before (or at) it are recorded, those after it are not (the next
 * step sees them again if they still cross). A terminal event sets
 * CUBIE_RUN_EVENT_TERMINATED and stops the run: its state is the one at
 * the event, later save points are NaN (as a failed run's). A reset sets
 * y = reset(t_e, y(t_e)) — every value computed from the state before the
 * reset —, restarts the step family (cubie_step_start: FSAL's f(t, y) is
 * no longer valid) and continues from t_e as a run starts at t0: an
 * adaptive controller's history is cleared and the first step estimated
 * from the new state (Hairer's HINIT, initial_step.h; or the deck's dt);
 * on a fixed grid the next step ends at the next grid point. g's value after the action is what the next step
 * compares with. Save points at or before t_e use the state before the
 * event.
 *
 * Record (chunk_args.h `events`, CUBIE_EVENT_RECORD_SLOTS doubles per run):
 * per event its count, then its first max_saved times (NaN where none);
 * then, when some event is terminal, the time the run ended (t_end, or the
 * terminal event's time; NaN for a failed run). Counts are written at the
 * end of every window, times as they happen; nothing in this file decides
 * when saves happen.
 */
#ifndef CUBIE_EVENTS_H
#define CUBIE_EVENTS_H

#ifndef CUBIE_N_EVENTS
#define CUBIE_N_EVENTS 0
#endif

#if CUBIE_N_EVENTS > 0

/* Evaluations of g per located crossing at most (regula falsi usually
 * needs under 10; bisection steps guarantee the bracket halves). */
#define CUBIE_EVENT_MAX_ITERATIONS 100
/* With dense output, g is looked at in this many equal parts of a step. */
#define CUBIE_EVENT_SCAN 4

typedef struct cubie_events_state {
  cubie_real g[CUBIE_N_EVENTS];     /* g_e at the current point */
  cubie_i64 count[CUBIE_N_EVENTS];  /* crossings so far */
} cubie_events_state;

/* Run r's record slot `slot`. */
CUBIE_INLINE double *cubie_events_slot(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 slot) {
  return a->events + r * a->event_run_stride + slot * a->event_slot_stride;
}

/* A fresh run: g at the start, no events yet, an empty record. */
CUBIE_DEVICE void cubie_events_start(cubie_events_state *ev, const cubie_chunk_args *a,
                                     cubie_i64 r, double t, const cubie_real *CUBIE_RESTRICT y,
                                     const cubie_real *CUBIE_RESTRICT p) {
  cubie_model_events(t, y, p, ev->g);
  for (int e = 0; e < CUBIE_N_EVENTS; e++) ev->count[e] = 0;
  for (cubie_i64 k = 0; k < CUBIE_EVENT_RECORD_SLOTS; k++)
    *cubie_events_slot(a, r, k) = (double)cubie_nan();
  for (int e = 0; e < CUBIE_N_EVENTS; e++)
    *cubie_events_slot(a, r, cubie_model_event_offset(e)) = 0.0;
}

/* Counts (every window), and the run's end time when it has ended. */
CUBIE_DEVICE void cubie_events_write(const cubie_events_state *ev, const cubie_chunk_args *a,
                                     cubie_i64 r, double t, cubie_u32 status) {
  for (int e = 0; e < CUBIE_N_EVENTS; e++)
    *cubie_events_slot(a, r, cubie_model_event_offset(e)) = (double)ev->count[e];
#if CUBIE_EVENT_ANY_TERMINAL
  if (status & CUBIE_RUN_FAILURE_MASK)
    *cubie_events_slot(a, r, CUBIE_EVENT_RECORD_SLOTS - 1) = (double)cubie_nan();
  else if (status & (CUBIE_RUN_SUCCESS | CUBIE_RUN_EVENT_TERMINATED))
    *cubie_events_slot(a, r, CUBIE_EVENT_RECORD_SLOTS - 1) = t;
#else
  (void)t;
  (void)status;
#endif
}

/* 1 when g going from g0 to g1 crosses zero in direction `dir`. */
CUBIE_INLINE int cubie_event_crosses(int dir, cubie_real g0, cubie_real g1) {
  const int up = g0 < (cubie_real)0 && g1 >= (cubie_real)0;
  const int down = g0 > (cubie_real)0 && g1 <= (cubie_real)0;
  return dir > 0 ? up : dir < 0 ? down : (up || down);
}

/* The step being searched: the state at any θ of it. */
typedef struct cubie_event_step {
  double t, h;
  const cubie_real *y, *y_new, *p;
  cubie_step_state *st;
  cubie_step_work *w;
  cubie_i64 *counters;
#if !CUBIE_STEP_DENSE
  int have_slopes;
  cubie_real f0[CUBIE_N_STATES], f1[CUBIE_N_STATES], y_at[CUBIE_N_STATES];
#endif
} cubie_event_step;

/* y(t + θh): the family's dense output, or the Hermite cubic. */
CUBIE_DEVICE const cubie_real *cubie_event_state_at(cubie_event_step *s, double theta) {
  if (theta >= 1.0) return s->y_new;
#if CUBIE_STEP_DENSE
  return cubie_step_dense(s->st, s->w, s->t, s->h, theta, s->y, s->y_new, s->p, s->counters);
#else
  if (!s->have_slopes) {
    cubie_model_rhs(s->t, s->y, s->p, s->f0);
    cubie_model_rhs(s->t + s->h, s->y_new, s->p, s->f1);
    s->counters[CUBIE_COUNTER_RHS_EVALS] += 2;
    s->have_slopes = 1;
  }
  const cubie_real th = (cubie_real)theta, hr = (cubie_real)s->h;
  const cubie_real th2 = th * th, th3 = th2 * th;
  const cubie_real h00 = (cubie_real)2 * th3 - (cubie_real)3 * th2 + (cubie_real)1;
  const cubie_real h10 = (th3 - (cubie_real)2 * th2 + th) * hr;
  const cubie_real h01 = (cubie_real)3 * th2 - (cubie_real)2 * th3;
  const cubie_real h11 = (th3 - th2) * hr;
  for (int n = 0; n < CUBIE_N_STATES; n++)
    s->y_at[n] = h00 * s->y[n] + h10 * s->f0[n] + h01 * s->y_new[n] + h11 * s->f1[n];
  return s->y_at;
#endif
}

/* θ of event e's crossing in the step, bracketed by [lo, hi] (g0 at lo on
 * the near side, g1 at hi on the far side): the smallest θ found on the
 * far side. */
CUBIE_DEVICE double cubie_event_locate(cubie_event_step *s, int e, double lo, cubie_real g0,
                                       double hi, cubie_real g1) {
  const int rising = g0 < (cubie_real)0;
  double glo = (double)g0, ghi = (double)g1;
  int side = 0; /* which end moved last: -1 lo, +1 hi (Illinois) */
  const double t_scale = fabs(s->t) > fabs(s->t + s->h) ? fabs(s->t) : fabs(s->t + s->h);
  const double width = 8.0 * 2.220446049250313e-16 * (t_scale > 0.0 ? t_scale : 1.0);
  cubie_real g[CUBIE_N_EVENTS];
  for (int it = 0; it < CUBIE_EVENT_MAX_ITERATIONS && (hi - lo) * s->h > width; it++) {
    double theta = hi - ghi * (hi - lo) / (ghi - glo);
    /* Outside the bracket, or too close to an end: bisect. */
    if (!(theta > lo + 0.01 * (hi - lo) && theta < hi - 0.01 * (hi - lo))) theta = 0.5 * (lo + hi);
    if (!(theta > lo && theta < hi)) break; /* the bracket is as narrow as doubles allow */
    cubie_model_events(s->t + theta * s->h, cubie_event_state_at(s, theta), s->p, g);
    const double gm = (double)g[e];
    const int far = rising ? gm >= 0.0 : gm <= 0.0;
    if (far) {
      hi = theta;
      ghi = gm;
      if (side == 1) glo *= 0.5;
      side = 1;
    } else {
      lo = theta;
      glo = gm;
      if (side == -1) ghi *= 0.5;
      side = -1;
    }
  }
  return hi;
}

/* What an accepted step from t (size h) to y_new holds: for every event
 * whether it crossed and where (crossed[e], theta[e]), and the event that
 * ends the step (*stop: -1 none) at *theta_stop. g_new: g at the step's
 * end. With dense output g is also looked at in CUBIE_EVENT_SCAN - 1
 * evenly spaced points inside the step, so a step that crosses and
 * recrosses (a ball's whole flight in one step of an exactly integrated
 * parabola) is still seen; the first sub-interval with a crossing in the
 * event's direction is the bracket. */
CUBIE_DEVICE void cubie_events_find(const cubie_events_state *ev, cubie_event_step *s,
                                    const cubie_real *g_new, int *crossed, double *theta,
                                    int *stop, double *theta_stop) {
  *stop = -1;
  *theta_stop = 1.0;
#if CUBIE_STEP_DENSE
  cubie_real g_scan[CUBIE_EVENT_SCAN - 1][CUBIE_N_EVENTS];
  for (int k = 1; k < CUBIE_EVENT_SCAN; k++) {
    const double th = (double)k / (double)CUBIE_EVENT_SCAN;
    cubie_model_events(s->t + th * s->h, cubie_event_state_at(s, th), s->p, g_scan[k - 1]);
  }
#endif
  for (int e = 0; e < CUBIE_N_EVENTS; e++) {
    const int dir = cubie_model_event_direction(e);
    crossed[e] = 0;
    theta[e] = 1.0;
    double lo = 0.0, hi = 1.0;
    cubie_real g0 = ev->g[e], g1 = g_new[e];
#if CUBIE_STEP_DENSE
    for (int k = 1; k <= CUBIE_EVENT_SCAN; k++) {
      const cubie_real gk = k < CUBIE_EVENT_SCAN ? g_scan[k - 1][e] : g_new[e];
      const double th = (double)k / (double)CUBIE_EVENT_SCAN;
      if (cubie_event_crosses(dir, g0, gk)) {
        hi = th;
        g1 = gk;
        crossed[e] = 1;
        break;
      }
      /* g at exactly zero keeps the side it came from. */
      if (gk != (cubie_real)0) {
        lo = th;
        g0 = gk;
      }
    }
#else
    crossed[e] = cubie_event_crosses(dir, g0, g1);
#endif
    if (!crossed[e]) continue;
    theta[e] = cubie_event_locate(s, e, lo, g0, hi, g1);
    const int acts = cubie_model_event_terminal(e) || cubie_model_event_resets(e);
    if (acts && (*stop < 0 || theta[e] < *theta_stop)) {
      *stop = e;
      *theta_stop = theta[e];
    }
  }
}

/* Record the crossings at or before the step's end point θ_stop (the step
 * from t, of size h, ends at t_new when θ = 1). */
CUBIE_DEVICE void cubie_events_record(cubie_events_state *ev, const cubie_chunk_args *a,
                                      cubie_i64 r, double t, double h, double t_new,
                                      const int *crossed, const double *theta, double theta_stop) {
  for (int e = 0; e < CUBIE_N_EVENTS; e++) {
    if (!crossed[e] || theta[e] > theta_stop) continue;
    const cubie_i64 k = ev->count[e];
    if (k < cubie_model_event_max_saved(e))
      *cubie_events_slot(a, r, cubie_model_event_offset(e) + 1 + k) =
          theta[e] >= 1.0 ? t_new : t + theta[e] * h;
    ev->count[e] = k + 1;
  }
}

#endif /* CUBIE_N_EVENTS > 0 */

#endif
