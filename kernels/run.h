/* run.h — the per-run loop: integrate run r of a chunk over the save points
 * [window_start, window_end) and leave its outputs, summaries, status,
 * counters and (between windows) its persisted state (design.md §8).
 *
 * Responsible for time: where steps start and end, which save points a step
 * covers, when a run stops and why. A step's arithmetic belongs to the step
 * family behind the contract of step.h (the only step names used here),
 * step-size decisions to controllers.h, statistics to summaries.h. It never
 * reads another run's data and never stops other runs.
 *
 * Time is double everywhere (also in float32 runs). Save point j is at
 * t_save_start + j·save_every computed from j (the last one is t_end
 * exactly). Adaptive methods with dense output step freely and interpolate
 * save points inside a step (the last step is shortened to end at t_end);
 * adaptive methods without dense output shorten the step that reaches the
 * next save point so that it ends exactly there. A step within 1% of its
 * target is stretched to it (as Hairer's codes treat x_end). After an
 * accepted shortened step the next proposal is at least the one before
 * shortening (Boost.Odeint's integrate_times rule), so dense save grids do
 * not shrink steps. Fixed step: step n ends at t0 + n·dt0 computed from n;
 * a save point between grid points ends a (shorter) step there and the grid
 * continues; a save point within 1e-9·dt (or rounding) of a grid point is
 * that grid point. The grid steps before the next save point run in one
 * inner loop (cubie_run_fixed_steps_to_save) that does exactly what the
 * general step would, with the loop's checks made once per save point: the
 * instructions of a step are its arithmetic (tests/cuda/sass_budget.py).
 *
 * Every call leaves, per run, its status word, counters and where it ended
 * (the time reached and the last accepted state: chunk_args.h final_state).
 *
 * Time windows. A step is committed to a window only if every save point it
 * covers is < window_end. When an accepted step also covers a save point >=
 * window_end, the saves < window_end are emitted (and accumulated), the step
 * is not committed, and the state from just before the attempt is persisted
 * together with next_save = window_end and the updated accumulators; the next
 * window redoes that attempt bit for bit. Between windows only committed
 * state is persisted, so results (saves, summaries, status, counters) are
 * byte-identical to a single window [0, n_saves) wherever the boundaries are.
 *
 * Stiffness. A step family that tests for stiffness (CUBIE_STEP_STIFF_TEST,
 * adaptive explicit methods: erk.h) judges each accepted step; the loop
 * counts the verdicts as Hairer's DOPRI5 and DOP853 do (HNW I, IV.2): from
 * the 1000th accepted step on, 15 stiff verdicts with never 6 non-stiff
 * ones in a row between them set
 * CUBIE_RUN_LOOKED_STIFF, a remark (status.def kind INFO) that never stops
 * the run. The counts are persisted between windows and only committed
 * steps are counted, so the bit does not depend on window boundaries.
 *
 * Events (events.h; only for a model with events, all behind
 * CUBIE_N_EVENTS > 0): after every accepted step the loop asks events.h
 * which events the step crossed; one that terminates or resets ends the
 * step at its time (saves up to then, from the same step), is acted on
 * (cubie_run_events_act) and the run goes on from there. The fixed-step
 * inner loop is not used then: every step looks for events.
 *
 * Persisted fields (run_state.h): persist.def (layout) — the loop's own, the counters the
 * step family can change (its methods.def row), the state, the step
 * family's region (cubie_step_persist_store/load), the summary
 * accumulators and the events' counts; CUBIE_PERSIST_FIELDS doubles in all, a count the
 * host computes from the same list (and every kernel build checks).
 * Parameters are read from `parameters` in every window.
 */
#ifndef CUBIE_RUN_H
#define CUBIE_RUN_H

#include "lists_generated.h"
#include "step.h"
#include "controllers.h"
#include "save_grid.h"
#include "summaries.h"
#include "events.h"
#include "run_state.h"

#define CUBIE_USE_DENSE (CUBIE_ADAPTIVE && CUBIE_STEP_DENSE)

/* A step within this fraction of its target is stretched to reach it. */
#define CUBIE_LANDING_STRETCH 1.01

/* Run r's parameters and, when `y` is not NULL (a fresh run), initial
 * values: decoded from the grid (grid_decode.h) — every input its default,
 * then each axis' value to the input it targets, which is what
 * cubie_grid_input gives input by input, with one copy of the decoder in
 * the kernel and the inputs kept in registers — or read from the per-run
 * arrays the host filled. With `swept`, the axis values are recorded too
 * (double, unrounded: what the file stores). */
CUBIE_DEVICE void cubie_run_inputs(const cubie_chunk_args *a, cubie_i64 r,
                                   cubie_real *CUBIE_RESTRICT y, cubie_real *CUBIE_RESTRICT p,
                                   double *swept) {
  if (a->grid.n_axes < 0) {
    const cubie_real *rows = (const cubie_real *)a->parameters;
    CUBIE_UNROLL
    for (int i = 0; i < CUBIE_N_PARAMETERS; i++)
      p[i] = rows[i * a->in_var_stride + r * a->in_run_stride];
    rows = (const cubie_real *)a->initial_values;
    CUBIE_UNROLL
    for (int n = 0; y && n < CUBIE_N_STATES; n++)
      y[n] = rows[n * a->in_var_stride + r * a->in_run_stride];
    return;
  }
  const double *table = a->grid.table;
  CUBIE_UNROLL
  for (int i = 0; i < CUBIE_N_PARAMETERS; i++) p[i] = (cubie_real)table[CUBIE_N_STATES + i];
  CUBIE_UNROLL
  for (int n = 0; y && n < CUBIE_N_STATES; n++) y[n] = (cubie_real)table[n];
  const cubie_i64 run = a->grid.first_run + r;
  for (int x = 0; x < a->grid.n_axes; x++) {
    const double v = cubie_grid_axis_run_value(&a->grid.axes[x], table, run);
    if (swept) swept[x * a->swept_axis_stride + r] = v;
    const int target = a->grid.axes[x].target;
    CUBIE_UNROLL
    for (int i = 0; i < CUBIE_N_PARAMETERS; i++)
      if (target == CUBIE_N_STATES + i) p[i] = (cubie_real)v;
    CUBIE_UNROLL
    for (int n = 0; y && n < CUBIE_N_STATES; n++)
      if (target == n) y[n] = (cubie_real)v;
  }
}

/* Emit save point j of run r from the state y_at at its time: outputs,
 * saves array, summaries. */
CUBIE_INLINE void cubie_emit_save(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 j,
                                  const cubie_real *CUBIE_RESTRICT y_at,
                                  const cubie_real *CUBIE_RESTRICT p,
                                  cubie_real *CUBIE_RESTRICT out,
                                  cubie_real *CUBIE_RESTRICT acc) {
  if (j < a->window_start || j >= a->window_end) return;
  cubie_model_outputs(cubie_save_time(a, j), y_at, p, out);
  cubie_real *saves = (cubie_real *)a->saves + r * a->save_run_stride +
                      (j - a->window_start) * a->save_time_stride;
  CUBIE_UNROLL
  for (int v = 0; v < CUBIE_N_OUTPUTS; v++) saves[v * a->save_var_stride] = out[v];
  cubie_summary_add(a, r, j, out, acc);
}

/* A failed run: NaN for every save point of this window from `from` on and
 * for the summary windows it can no longer complete. */
CUBIE_DEVICE void cubie_fill_failed(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 from) {
  if (from < a->window_start) from = a->window_start;
  for (cubie_i64 j = from; j < a->window_end; j++) {
    cubie_real *saves = (cubie_real *)a->saves + r * a->save_run_stride +
                        (j - a->window_start) * a->save_time_stride;
    for (int v = 0; v < CUBIE_N_OUTPUTS; v++) saves[v * a->save_var_stride] = cubie_nan();
  }
  cubie_summary_fill_nan(a, r, from);
}

#if CUBIE_N_EVENTS > 0
/* The events of the step just accepted from (t, y), size h, to (t_new,
 * y_new): g there, which crossed and where, and the one that ends the step
 * (events.h). Nothing is recorded yet: the step may still be redone in the
 * next window. */
CUBIE_DEVICE void cubie_run_events_find(cubie_run_state *s, cubie_event_step *es,
                                        cubie_step_work *w, double t, double h, double t_new,
                                        const cubie_real *y, const cubie_real *y_new,
                                        const cubie_real *p, cubie_real *g_new, int *crossed,
                                        double *theta, int *stop, double *theta_stop) {
  es->t = t;
  es->h = h;
  es->y = y;
  es->y_new = y_new;
  es->p = p;
  es->st = &s->step;
  es->w = w;
  es->counters = s->counters;
#if !CUBIE_STEP_DENSE
  es->have_slopes = 0;
#endif
  cubie_model_events(t_new, y_new, p, g_new);
  cubie_events_find(&s->ev, es, g_new, crossed, theta, stop, theta_stop);
}

/* The step is committed: record its events and act on the one that ends
 * it. Returns 0 when none does (g moves on to the step's end and the step
 * is accepted as usual); 1 when the run is now at the event, terminated, or
 * with its states reset and the step family restarted (FSAL invalidated):
 * the caller then only counts the step and proposes the next one. */
CUBIE_DEVICE int cubie_run_events_act(const cubie_chunk_args *a, cubie_i64 r, cubie_run_state *s,
                                      cubie_event_step *es, cubie_step_work *w,
                                      cubie_real *CUBIE_RESTRICT y, cubie_real *CUBIE_RESTRICT y_new,
                                      const cubie_real *CUBIE_RESTRICT p, const cubie_real *g_new,
                                      const int *crossed, const double *theta, int stop,
                                      double theta_stop, double t_new) {
  cubie_events_record(&s->ev, a, r, es->t, es->h, t_new, crossed, theta, theta_stop);
  if (stop < 0) {
    for (int e = 0; e < CUBIE_N_EVENTS; e++) s->ev.g[e] = g_new[e];
    return 0;
  }
  const double t_stop = theta_stop < 1.0 ? es->t + theta_stop * es->h : t_new;
  if (theta_stop < 1.0) {
    const cubie_real *y_at = cubie_event_state_at(es, theta_stop);
    for (int n = 0; n < CUBIE_N_STATES; n++) y_new[n] = y_at[n];
  }
  s->t = t_stop;
  if (cubie_model_event_terminal(stop)) {
    cubie_run_commit_state(y, y_new);
    s->status |= CUBIE_RUN_EVENT_TERMINATED;
  } else {
    cubie_model_event_reset(stop, t_stop, y_new, p, y);
    cubie_step_start(&s->step, w);
  }
  cubie_model_events(t_stop, y, p, s->ev.g);
  return 1;
}
#endif

#if CUBIE_ADAPTIVE
/* One attempt of an adaptive run. It either commits the attempt, or records
 * a rejection, or sets a failure bit, or (an accepted step reaching past
 * window_end) emits the saves of this window and leaves the pre-attempt
 * state untouched; the loop's checks then say what happens next. */
CUBIE_INLINE void cubie_run_adaptive_attempt(const cubie_chunk_args *a, cubie_i64 r,
                                            cubie_run_state *s, cubie_real *CUBIE_RESTRICT y,
                                            cubie_real *CUBIE_RESTRICT y_new,
                                            const cubie_real *CUBIE_RESTRICT p,
                                            cubie_step_work *w,
                                            cubie_real *CUBIE_RESTRICT out,
                                            cubie_real *CUBIE_RESTRICT acc) {
  const double t = s->t;
  const double dt_proposed = s->dt;
#if CUBIE_USE_DENSE
  const double target = a->t_end;
#else
  const double target = cubie_save_time(a, s->next_save);
#endif
  double h = dt_proposed;
  int lands = 0;
  const int may_stretch = a->dt_max <= 0.0 || target - t <= a->dt_max;
  if (t + h >= target || (may_stretch && t + CUBIE_LANDING_STRETCH * h >= target)) {
    h = target - t;
    lands = 1;
  }
  if (!(t + h > t)) { /* below the resolution of time: stop, saying why it got there */
    const int why = s->ctl.rejected_last;
    s->status |= why > 1 ? (cubie_u32)why : (cubie_u32)CUBIE_RUN_STEP_TOO_SMALL;
    return;
  }
  cubie_step_begin(&s->step, w, t, h, y, p, s->counters);
#if CUBIE_USE_DENSE
  cubie_i64 counters_before[CUBIE_N_COUNTERS];
  CUBIE_UNROLL
  for (int c = 0; c < CUBIE_N_COUNTERS; c++) counters_before[c] = s->counters[c];
#endif
  cubie_real err = (cubie_real)0;
  const int outcome = cubie_step_attempt(&s->step, w, t, h, y, p, y_new, a, &err, s->counters);
  cubie_controller_state ctl = s->ctl;
  cubie_real factor;
  /* A failed attempt's err is negative (step.h): rejected with min_gain. */
  if (!cubie_controller_judge(&ctl, err, h, a, &factor)) {
    s->counters[CUBIE_COUNTER_REJECTED] += 1;
    s->ctl = ctl;
    if (outcome != CUBIE_STEP_OK) s->ctl.rejected_last = (int)cubie_step_stop_bit(outcome);
    cubie_step_reject(&s->step, w, outcome);
    if (a->dt_min > 0.0 && dt_proposed <= a->dt_min) {
      s->status |= cubie_step_stop_bit(outcome);
      return;
    }
    s->dt = cubie_controller_limit(cubie_step_propose(&s->step, h, h * (double)factor, 0), a,
                                   &s->status);
    return;
  }
  /* Right after a non-finite attempt, an accepted step that leaves the
   * state exactly as it was means the run sits at the edge of where its
   * model is finite, closer than its precision resolves: every step long
   * enough to move it is non-finite. float64 shrinks its steps to dt_min
   * there; float32 crept on with steps below its resolution until
   * max_steps. A run that never meets a non-finite value never gets here,
   * so finite runs are unchanged bit for bit. */
  if (s->ctl.rejected_last == (int)CUBIE_RUN_NONFINITE && cubie_run_state_unchanged(y, y_new)) {
    s->status |= CUBIE_RUN_NONFINITE;
    return;
  }
  const double t_new = lands ? target : t + h;
#if CUBIE_N_EVENTS > 0
  /* Events crossed in the step; one that terminates or resets ends it at
   * t_stop (events.h). */
  cubie_event_step es;
  int crossed[CUBIE_N_EVENTS], stop_event;
  double theta[CUBIE_N_EVENTS], theta_stop;
  cubie_real g_new[CUBIE_N_EVENTS];
  cubie_run_events_find(s, &es, w, t, h, t_new, y, y_new, p, g_new, crossed, theta, &stop_event,
                        &theta_stop);
  const double t_stop = theta_stop < 1.0 ? t + theta_stop * h : t_new;
#else
  const double t_stop = t_new;
#endif
#if CUBIE_USE_DENSE
#if CUBIE_STEP_DENSE_EXTRA
  /* A step redone at the start of a window whose earlier save points the
   * previous window interpolated: the uninterrupted run evaluated the
   * interpolant's extra stages for them, so evaluate (and count) them here
   * too — counters never depend on window boundaries. */
  if (s->next_save == a->window_start && s->next_save > 0) {
    const double ts_before = cubie_save_time(a, s->next_save - 1);
    if (ts_before > t)
      (void)cubie_step_dense(&s->step, w, t, h, (ts_before - t) / h, y, y_new, p, s->counters);
  }
#endif
  while (s->next_save < a->n_saves) {
    const cubie_i64 j = s->next_save;
    const double ts = cubie_save_time(a, j);
    if (ts > t_stop) break;
    if (j >= a->window_end) { /* not committed: the next window redoes it */
      CUBIE_UNROLL
      for (int c = 0; c < CUBIE_N_COUNTERS; c++) s->counters[c] = counters_before[c];
      return;
    }
    /* At the step's end the state itself; inside it, the family's dense output. */
    const cubie_real *y_at =
        ts == t_new ? y_new
                    : cubie_step_dense(&s->step, w, t, h, (ts - t) / h, y, y_new, p, s->counters);
    cubie_emit_save(a, r, j, y_at, p, out, acc);
    s->next_save = j + 1;
  }
#else
  if (lands && t_stop == t_new) { /* a landing step never covers a save beyond the window (see the loop) */
    cubie_emit_save(a, r, s->next_save, y_new, p, out, acc);
    s->next_save += 1;
  }
#endif
#if CUBIE_N_EVENTS > 0
  if (cubie_run_events_act(a, r, s, &es, w, y, y_new, p, g_new, crossed, theta, stop_event,
                           theta_stop, t_new)) {
    /* After a reset the run starts afresh at the event: controller
     * history cleared, first step estimated from the new state (or the
     * deck's dt), as at t0. */
    s->counters[CUBIE_COUNTER_ACCEPTED] += 1;
    cubie_controller_init(&s->ctl);
    if (!(s->status & CUBIE_RUN_EVENT_TERMINATED)) {
      const double dt0 = a->dt0 > 0.0 ? a->dt0
                                       : cubie_step_first_step(&s->step, w, s->t, y, p, a,
                                                               s->counters);
      s->dt = cubie_controller_limit(dt0, a, &s->status);
    }
    return;
  }
#endif
  s->counters[CUBIE_COUNTER_ACCEPTED] += 1;
  cubie_step_accept(&s->step, w, t_new, y_new, p, s->counters);
#if CUBIE_STEP_STIFF_TEST
  if (s->stiff_steps > 0 || s->counters[CUBIE_COUNTER_ACCEPTED] % CUBIE_STIFF_TEST_EVERY == 0)
    cubie_run_count_stiffness(s, cubie_step_looked_stiff(&s->step));
#endif
#if CUBIE_STEP_SWITCHES
  /* A new method (auto.h): the remembered error norms were the other's. */
  if (cubie_step_switched(&s->step)) cubie_controller_init(&ctl);
#endif
  cubie_run_commit_state(y, y_new);
  s->t = t_new;
  s->ctl = ctl;
  double dt_next = cubie_step_propose(&s->step, h, h * (double)factor, 1);
  if (lands && dt_next < dt_proposed) dt_next = dt_proposed;
  s->dt = cubie_controller_limit(dt_next, a, &s->status);
}
#else
/* Fixed step: step n of the grid ends at t0 + n·dt, computed from n. */
CUBIE_INLINE double cubie_run_grid_time(const cubie_chunk_args *a, double n) {
  return a->t0 + n * a->dt0;
}

/* Whether the step ending at grid time t_grid reaches save time t_save:
 * rounding of t0 + n·dt against t_save_start + j·save_every. */
CUBIE_INLINE int cubie_run_save_due(const cubie_chunk_args *a, double t_save, double t_grid) {
  const double tol = 1e-9 * a->dt0 + 16.0 * 2.220446049250313e-16 * fabs(t_grid);
  return t_save <= t_grid + tol;
}

/* One step of a fixed-step run (or a failure bit). */
CUBIE_INLINE void cubie_run_fixed_step(const cubie_chunk_args *a, cubie_i64 r, cubie_run_state *s,
                                      cubie_real *CUBIE_RESTRICT y,
                                      cubie_real *CUBIE_RESTRICT y_new,
                                      const cubie_real *CUBIE_RESTRICT p,
                                      cubie_step_work *w,
                                      cubie_real *CUBIE_RESTRICT out,
                                      cubie_real *CUBIE_RESTRICT acc) {
  const double t = s->t;
  const double dt = a->dt0;
  const double t_grid = cubie_run_grid_time(a, (double)s->grid_index);
  const double t_save = cubie_save_time(a, s->next_save);
  const double tol = 1e-9 * dt + 16.0 * 2.220446049250313e-16 * fabs(t_grid);
  double t_new = t_grid;
  int on_grid = 1, on_save = 0;
  if (cubie_run_save_due(a, t_save, t_grid)) {
    t_new = t_save;
    on_save = 1;
    on_grid = (t_save >= t_grid - tol);
  }
  const double h = t_new - t;
  if (!(h > 0.0) || !(t + h > t)) {
    s->status |= CUBIE_RUN_STEP_TOO_SMALL;
    return;
  }
  cubie_step_begin(&s->step, w, t, h, y, p, s->counters);
  cubie_real err = (cubie_real)0;
  const int outcome = cubie_step_attempt(&s->step, w, t, h, y, p, y_new, a, &err, s->counters);
  if (outcome != CUBIE_STEP_OK) { /* no smaller step to retry with */
    s->status |= cubie_step_stop_bit(outcome);
    return;
  }
#if CUBIE_N_EVENTS > 0
  {
    cubie_event_step es;
    int crossed[CUBIE_N_EVENTS], stop_event;
    double theta[CUBIE_N_EVENTS], theta_stop;
    cubie_real g_new[CUBIE_N_EVENTS];
    cubie_run_events_find(s, &es, w, t, h, t_new, y, y_new, p, g_new, crossed, theta, &stop_event,
                          &theta_stop);
    if (theta_stop < 1.0) on_grid = on_save = 0; /* the step ends inside: the grid continues */
    if (on_save) {
      cubie_emit_save(a, r, s->next_save, y_new, p, out, acc);
      s->next_save += 1;
      on_save = 0;
    }
    if (cubie_run_events_act(a, r, s, &es, w, y, y_new, p, g_new, crossed, theta, stop_event,
                             theta_stop, t_new)) {
      s->counters[CUBIE_COUNTER_ACCEPTED] += 1;
      if (on_grid) s->grid_index += 1;
      return;
    }
  }
#endif
  s->counters[CUBIE_COUNTER_ACCEPTED] += 1;
  cubie_step_accept(&s->step, w, t_new, y_new, p, s->counters);
  cubie_run_commit_state(y, y_new);
  s->t = t_new;
  if (on_grid) s->grid_index += 1;
  if (on_save) {
    cubie_emit_save(a, r, s->next_save, y, p, out, acc);
    s->next_save += 1;
  }
}

/* The grid index of the first step that reaches the next save point, found
 * with the very predicate cubie_run_fixed_step tests each step (it holds
 * from some index on: grid and tolerance only grow with n); -1 when the
 * estimate from (t_save - t0) / dt is too far off to trust. */
CUBIE_DEVICE cubie_i64 cubie_run_first_save_step(const cubie_chunk_args *a, double t_save,
                                                 cubie_i64 from) {
  cubie_i64 n = from;
  const double estimate = (t_save - a->t0) / a->dt0;
  if (estimate > (double)from + 2.0 && estimate < 4.0e15) n = (cubie_i64)estimate - 2;
  for (int k = 0; n > from && cubie_run_save_due(a, t_save, cubie_run_grid_time(a, (double)(n - 1)));
       k++, n--)
    if (k == 64) return -1;
  for (int k = 0; !cubie_run_save_due(a, t_save, cubie_run_grid_time(a, (double)n)); k++, n++)
    if (k == 64) return -1;
  return n;
}

/* The plain grid steps before the next save point (none covers a save, so
 * none can end the window, and max_steps is counted in advance), each
 * exactly what cubie_run_fixed_step would do, without its per-step
 * bookkeeping: time is t0 + n·dt from a double step counter, the checks of
 * the run loop are made once, before them. A step that cannot be taken
 * (time does not advance, a non-finite state) stops them with the failure
 * bit, as in cubie_run_fixed_step. Returns the number of steps taken (0:
 * the next step is the one that reaches the save point, or the
 * unusual case of a save time beyond t_end: cubie_run_fixed_step takes it). */
CUBIE_INLINE cubie_i64 cubie_run_fixed_steps_to_save(const cubie_chunk_args *a, cubie_run_state *s,
                                                    cubie_real *CUBIE_RESTRICT y,
                                                    cubie_real *CUBIE_RESTRICT y_new,
                                                    const cubie_real *CUBIE_RESTRICT p,
                                                    cubie_step_work *w) {
#if CUBIE_N_EVENTS > 0
  /* Every step looks for events: cubie_run_fixed_step takes them one by one. */
  (void)a;
  (void)s;
  (void)y;
  (void)y_new;
  (void)p;
  (void)w;
  return 0;
#endif
  const double t_save = cubie_save_time(a, s->next_save);
  if (!(t_save <= a->t_end)) return 0;
  const cubie_i64 first_save = cubie_run_first_save_step(a, t_save, s->grid_index);
  cubie_i64 steps = first_save - s->grid_index;
  if (first_save < 0 || steps <= 0) return 0;
  if (a->max_steps > 0) {
    const cubie_i64 room = a->max_steps - s->counters[CUBIE_COUNTER_ACCEPTED] -
                           s->counters[CUBIE_COUNTER_REJECTED];
    if (steps > room) steps = room;
  }
  double t = s->t;
  double n = (double)s->grid_index; /* exact: grid indices stay far below 2^53 */
  cubie_i64 taken = 0;
  for (; taken < steps; taken++, n += 1.0) {
    const double t_new = cubie_run_grid_time(a, n);
    /* t_new > t is what cubie_run_fixed_step's h > 0 && t + h > t comes to
     * for h = t_new - t: the rounded difference of two doubles is positive
     * exactly when they differ, and then is at least t's spacing. */
    if (!(t_new > t)) {
      s->status |= CUBIE_RUN_STEP_TOO_SMALL;
      break;
    }
    const double h = t_new - t;
    cubie_step_begin(&s->step, w, t, h, y, p, s->counters);
    cubie_real err = (cubie_real)0;
    const int outcome = cubie_step_attempt(&s->step, w, t, h, y, p, y_new, a, &err, s->counters);
    if (outcome != CUBIE_STEP_OK) {
      s->status |= cubie_step_stop_bit(outcome);
      break;
    }
    cubie_step_accept(&s->step, w, t_new, y_new, p, s->counters);
    cubie_run_commit_state(y, y_new);
    t = t_new;
  }
  s->t = t;
  s->counters[CUBIE_COUNTER_ACCEPTED] += taken;
  s->grid_index += taken;
  return taken > 0 || (s->status & CUBIE_RUN_FAILURE_MASK) ? 1 : 0;
}
#endif

/* Integrate run r of the chunk over save points [window_start, window_end).
 * shared_scratch is this run's CUBIE_SHARED_PER_RUN slice of shared memory. */
CUBIE_DEVICE void cubie_integrate_run(const cubie_chunk_args *args, cubie_i64 r,
                                      cubie_real *shared_scratch) {
#if CUBIE_ON_DEVICE
  const cubie_chunk_args *a = args; /* kernel parameters: constant-bank operands */
#else
  /* A private copy: the host compiler then knows the stores to saves and
   * persist cannot change the settings, and keeps them in registers instead
   * of reloading them every step. */
  const cubie_chunk_args settings = *args;
  const cubie_chunk_args *a = &settings;
#endif
  cubie_real persistent_scratch[CUBIE_NZ(CUBIE_PERSISTENT_PER_RUN)];
  CUBIE_BUFFER(LOOP, STATE, y);
  CUBIE_BUFFER(LOOP, PROPOSAL, y_new);
  CUBIE_BUFFER(LOOP, PARAMETERS, p);
  CUBIE_BUFFER(LOOP, OUTPUTS, out);
  CUBIE_BUFFER(LOOP, ACCUMULATORS, acc);
  CUBIE_STEP_DECLARE_WORK(w);
  (void)shared_scratch;
  (void)persistent_scratch;

  /* Parameters in every window; initial values (and the swept record) only
   * in the first. */
  const int fresh = a->window_start == 0;
  cubie_run_inputs(a, r, fresh ? y : NULL, p, fresh ? a->swept : NULL);

  cubie_run_state s;
  if (fresh) {
    CUBIE_UNROLL
    for (int i = 0; i < CUBIE_N_ACCUMULATORS; i++) acc[i] = (cubie_real)0;
    s.t = a->t0;
    s.dt = a->dt0;
    s.next_save = 0;
    s.grid_index = 1;
    CUBIE_UNROLL
    for (int c = 0; c < CUBIE_N_COUNTERS; c++) s.counters[c] = 0;
    s.status = 0u;
    s.stiff_steps = 0;
    s.nonstiff_steps = 0;
#ifdef CUBIE_DRIVERS_CHECK_OUTSIDE
    /* A driver that must not be extrapolated and does not cover the run's
     * whole span: the run fails before its first step (drivers.h). */
    if (!cubie_model_drivers_cover(a->t0, a->t_end, p)) s.status |= CUBIE_RUN_DRIVER_OUTSIDE;
#endif
    cubie_controller_init(&s.ctl);
    cubie_step_start(&s.step, &w);
#if CUBIE_N_EVENTS > 0
    cubie_events_start(&s.ev, a, r, s.t, y, p);
#endif
    if (a->n_saves > 0 && cubie_save_time(a, 0) == s.t) {
      cubie_emit_save(a, r, 0, y, p, out, acc);
      s.next_save = 1;
    }
    if (s.t < a->t_end) {
#if CUBIE_ADAPTIVE
      if (!(s.dt > 0.0)) s.dt = cubie_step_first_step(&s.step, &w, s.t, y, p, a, s.counters);
      s.dt = cubie_controller_limit(s.dt, a, &s.status);
#else
      if (!(a->dt0 > 0.0)) s.status |= CUBIE_RUN_STEP_TOO_SMALL;
#endif
    }
  } else {
    cubie_run_persist_load(a, r, &s, y, &w, acc);
  }

  for (;;) {
    if (s.status & CUBIE_RUN_FAILURE_MASK) break;
#if CUBIE_N_EVENTS > 0
    if (s.status & CUBIE_RUN_EVENT_TERMINATED) break;
#endif
    if (s.t >= a->t_end) {
      s.status |= CUBIE_RUN_SUCCESS;
      break;
    }
    if (s.next_save >= a->window_end || s.next_save >= a->n_saves) break;
    if (a->max_steps > 0 &&
        s.counters[CUBIE_COUNTER_ACCEPTED] + s.counters[CUBIE_COUNTER_REJECTED] >= a->max_steps) {
      s.status |= CUBIE_RUN_MAX_STEPS;
      break;
    }
#if CUBIE_ADAPTIVE
    cubie_run_adaptive_attempt(a, r, &s, y, y_new, p, &w, out, acc);
#else
    /* The plain grid steps up to the next save point in one go; then the
     * loop's checks again, and the step that reaches the save point. */
    if (cubie_run_fixed_steps_to_save(a, &s, y, y_new, p, &w)) continue;
    cubie_run_fixed_step(a, r, &s, y, y_new, p, &w, out, acc);
#endif
  }

  if (s.status & CUBIE_RUN_FAILURE_MASK) cubie_fill_failed(a, r, s.next_save);
#if CUBIE_N_EVENTS > 0
  /* After a terminal event the later saves are NaN, as a failed run's. */
  if (s.status & CUBIE_RUN_EVENT_TERMINATED) cubie_fill_failed(a, r, s.next_save);
  cubie_events_write(&s.ev, a, r, s.t, s.status);
#endif
  cubie_run_write_status(a, r, &s);
  if (a->final_state) cubie_run_write_final(a, r, s.t, y);
  if (a->persist) cubie_run_persist_store(a, r, &s, y, &w, acc);
}

#endif
