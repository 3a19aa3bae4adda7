/* run_state.h — one run's state as the per-run loop (run.h) keeps it
 * between attempts, and what it writes of it: the persisted fields between
 * time windows (persist.def: their layout and count, store and load), the
 * status word and counters, the final state, the stiffness verdict count.
 *
 * Owns the layout of `persist` on the kernel side (the host evaluates the
 * same persist.def: src/kernel/kernel_source.c, src/memory/persist_field.h).
 * Never steps, saves or decides anything: run.h does.
 */
#ifndef CUBIE_RUN_STATE_H
#define CUBIE_RUN_STATE_H

#include "lists_generated.h"
#include "step.h"
#include "controllers.h"
#include "summaries.h"
#include "events.h"
#include "persist.def"

/* Where each persisted field starts (persist.def): each field begins where
 * the one above ends. */
#define CUBIE_PERSIST_OFFSET_(NAME, count, what) \
  CUBIE_PERSIST_##NAME, CUBIE_PERSIST_##NAME##_LAST_ = CUBIE_PERSIST_##NAME + (count)-1,
enum cubie_persist_field { CUBIE_PERSIST_LAYOUT(CUBIE_PERSIST_OFFSET_) CUBIE_PERSIST_END_ };
/* Doubles per run, as a macro so the host's check (#if) can read it. */
#define CUBIE_PERSIST_COUNT_(NAME, count, what) +(count)
#define CUBIE_PERSIST_FIELDS (0 CUBIE_PERSIST_LAYOUT(CUBIE_PERSIST_COUNT_))

/* Hairer's counts (dopri5.f, dop853.f: NSTIFF, IASTI, NONSTI): the test
 * is made at every CUBIE_STIFF_TEST_EVERY-th accepted step, and at every
 * accepted step while stiff verdicts are being counted; this many stiff
 * verdicts make a run look stiff, unless this many non-stiff ones in a row
 * come between them. Testing only from step 1000 on keeps short runs quiet:
 * a run that has settled onto a fixed point is held at the stability limit
 * too (stiff by definition), but with so few steps that a stiff method would
 * not help. */
#define CUBIE_STIFF_TEST_EVERY 1000
#define CUBIE_STIFF_VERDICTS 15
#define CUBIE_NONSTIFF_RESET 6

/* The loop's view of one run between attempts. */
typedef struct cubie_run_state {
  double t;
  double dt;
  cubie_i64 next_save;
  cubie_i64 grid_index;
  cubie_i64 counters[CUBIE_N_COUNTERS];
  cubie_u32 status;
  int stiff_steps;    /* stiffness test: stiff verdicts since the last reset */
  int nonstiff_steps; /* ... and non-stiff ones in a row (at most CUBIE_NONSTIFF_RESET) */
  cubie_step_state step; /* the step family's (step.h) */
  cubie_controller_state ctl;
#if CUBIE_N_EVENTS > 0
  cubie_events_state ev; /* events.h */
#endif
} cubie_run_state;

/* Run r's persisted fields after its window; loaded at the next window's
 * start, so a run goes on exactly as if it had not stopped. */
CUBIE_DEVICE void cubie_run_persist_store(const cubie_chunk_args *a, cubie_i64 r,
                                          const cubie_run_state *s,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_step_work *w,
                                          const cubie_real *CUBIE_RESTRICT acc) {
  double *base = a->persist + r * a->persist_run_stride;
  const cubie_i64 fs = a->persist_field_stride;
  base[CUBIE_PERSIST_T * fs] = s->t;
  base[CUBIE_PERSIST_DT * fs] = s->dt;
  base[CUBIE_PERSIST_STATUS * fs] = (double)s->status;
  base[CUBIE_PERSIST_NEXT_SAVE * fs] = (double)s->next_save;
  base[CUBIE_PERSIST_GRID_INDEX * fs] = (double)s->grid_index;
  base[CUBIE_PERSIST_H_PREV * fs] = s->ctl.h_prev;
  base[CUBIE_PERSIST_LOG_E1 * fs] = (double)s->ctl.log_e1;
  base[CUBIE_PERSIST_LOG_E2 * fs] = (double)s->ctl.log_e2;
  base[CUBIE_PERSIST_REJECTED * fs] = (double)s->ctl.rejected_last;
  base[CUBIE_PERSIST_STIFF_STEPS * fs] = (double)s->stiff_steps;
  base[CUBIE_PERSIST_NONSTIFF_STEPS * fs] = (double)s->nonstiff_steps;
  CUBIE_UNROLL
  for (int c = 0; c < CUBIE_STEP_PERSIST_COUNTERS; c++)
    base[(CUBIE_PERSIST_COUNTERS + c) * fs] = (double)s->counters[c];
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) base[(CUBIE_PERSIST_STATE + n) * fs] = (double)y[n];
  cubie_step_persist_store(&s->step, w, base + CUBIE_PERSIST_STEP * fs, fs);
  CUBIE_UNROLL
  for (int i = 0; i < CUBIE_N_ACCUMULATORS; i++)
    base[(CUBIE_PERSIST_ACCUMULATORS + i) * fs] = (double)acc[i];
#if CUBIE_N_EVENTS > 0
  for (int e = 0; e < CUBIE_N_EVENTS; e++) {
    base[(CUBIE_PERSIST_EVENTS + 2 * e) * fs] = (double)s->ev.count[e];
    base[(CUBIE_PERSIST_EVENTS + 2 * e + 1) * fs] = (double)s->ev.g[e];
  }
#endif
}

CUBIE_DEVICE void cubie_run_persist_load(const cubie_chunk_args *a, cubie_i64 r,
                                         cubie_run_state *s, cubie_real *CUBIE_RESTRICT y,
                                         cubie_step_work *w, cubie_real *CUBIE_RESTRICT acc) {
  const double *base = a->persist + r * a->persist_run_stride;
  const cubie_i64 fs = a->persist_field_stride;
  s->t = base[CUBIE_PERSIST_T * fs];
  s->dt = base[CUBIE_PERSIST_DT * fs];
  s->status = (cubie_u32)base[CUBIE_PERSIST_STATUS * fs];
  s->next_save = (cubie_i64)base[CUBIE_PERSIST_NEXT_SAVE * fs];
  s->grid_index = (cubie_i64)base[CUBIE_PERSIST_GRID_INDEX * fs];
  s->ctl.h_prev = base[CUBIE_PERSIST_H_PREV * fs];
  s->ctl.log_e1 = (cubie_real)base[CUBIE_PERSIST_LOG_E1 * fs];
  s->ctl.log_e2 = (cubie_real)base[CUBIE_PERSIST_LOG_E2 * fs];
  s->ctl.rejected_last = (int)base[CUBIE_PERSIST_REJECTED * fs];
  s->stiff_steps = (int)base[CUBIE_PERSIST_STIFF_STEPS * fs];
  s->nonstiff_steps = (int)base[CUBIE_PERSIST_NONSTIFF_STEPS * fs];
  /* Counters the family cannot change (methods.def) stayed 0. */
  CUBIE_UNROLL
  for (int c = 0; c < CUBIE_N_COUNTERS; c++)
    s->counters[c] =
        c < CUBIE_STEP_PERSIST_COUNTERS ? (cubie_i64)base[(CUBIE_PERSIST_COUNTERS + c) * fs] : 0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) y[n] = (cubie_real)base[(CUBIE_PERSIST_STATE + n) * fs];
  cubie_step_persist_load(&s->step, w, base + CUBIE_PERSIST_STEP * fs, fs);
  CUBIE_UNROLL
  for (int i = 0; i < CUBIE_N_ACCUMULATORS; i++)
    acc[i] = (cubie_real)base[(CUBIE_PERSIST_ACCUMULATORS + i) * fs];
#if CUBIE_N_EVENTS > 0
  for (int e = 0; e < CUBIE_N_EVENTS; e++) {
    s->ev.count[e] = (cubie_i64)base[(CUBIE_PERSIST_EVENTS + 2 * e) * fs];
    s->ev.g[e] = (cubie_real)base[(CUBIE_PERSIST_EVENTS + 2 * e + 1) * fs];
  }
#endif
}

/* Status word and counters (64-bit, as the file holds them) of run r. */
CUBIE_DEVICE void cubie_run_write_status(const cubie_chunk_args *a, cubie_i64 r,
                                         const cubie_run_state *s) {
  a->status[r] = s->status;
  CUBIE_UNROLL
  for (int c = 0; c < CUBIE_N_COUNTERS; c++) {
    a->counters[c * a->counter_slot_stride + r * a->counter_run_stride] = (cubie_u64)s->counters[c];
  }
}

/* Where run r ended (so far): the time reached and the last accepted
 * state. A failed run's saves after the failure are NaN; this says how far
 * it got. */
CUBIE_DEVICE void cubie_run_write_final(const cubie_chunk_args *a, cubie_i64 r, double t,
                                        const cubie_real *CUBIE_RESTRICT y) {
  double *base = a->final_state + r * a->final_run_stride;
  const cubie_i64 fs = a->final_field_stride;
  base[0] = t;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) base[(1 + n) * fs] = (double)y[n];
}

/* Copy the accepted proposal into the state. */
CUBIE_INLINE void cubie_run_commit_state(cubie_real *CUBIE_RESTRICT y,
                                         const cubie_real *CUBIE_RESTRICT y_new) {
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) y[n] = y_new[n];
}

/* 1 when the proposal is the state, bit for bit. */
CUBIE_INLINE int cubie_run_state_unchanged(const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT y_new) {
  int same = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) same &= y_new[n] == y[n];
  return same;
}

#if CUBIE_STEP_STIFF_TEST
/* Count the family's verdict on the step just accepted (dopri5.f's IASTI
 * and NONSTI; NONSTI is capped, which changes nothing: only its reaching
 * CUBIE_NONSTIFF_RESET matters). */
CUBIE_INLINE void cubie_run_count_stiffness(cubie_run_state *s, int stiff) {
  if (stiff) {
    s->nonstiff_steps = 0;
    if (s->stiff_steps < CUBIE_STIFF_VERDICTS) s->stiff_steps += 1;
    if (s->stiff_steps == CUBIE_STIFF_VERDICTS) s->status |= CUBIE_RUN_LOOKED_STIFF;
  } else if (s->nonstiff_steps < CUBIE_NONSTIFF_RESET) {
    s->nonstiff_steps += 1;
    if (s->nonstiff_steps == CUBIE_NONSTIFF_RESET) s->stiff_steps = 0;
  }
}
#endif

#endif
