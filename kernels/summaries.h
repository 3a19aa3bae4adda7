/* summaries.h — per-window statistics of the saved outputs, accumulated at
 * every emitted save point and written when a summary window's last save
 * point is emitted. What each metric computes is metrics.h's.
 *
 * Metric selection (compile time; the host emits it before the kernels):
 *
 *   #define CUBIE_N_METRICS 3                    number of metric slots, 0..8
 *   #define CUBIE_METRIC_0 CUBIE_METRIC_MEAN     kind of slot 0 (metrics.def)
 *   #define CUBIE_METRIC_1 CUBIE_METRIC_MAX      kind of slot 1
 *   #define CUBIE_METRIC_2 CUBIE_METRIC_RMS      kind of slot 2
 *
 * Slot m of a saved quantity keeps its metric's accumulators and writes its
 * metric's values, slots in order: for output v, the accumulators start at
 * v·CUBIE_SUMMARY_ACCUMULATORS + (those of slots < m) in LOOP.ACCUMULATORS,
 * and the values at summaries index v·CUBIE_SUMMARY_VALUES + (those of slots
 * < m) (chunk_args.h). CUBIE_N_METRICS 0 (or absent) compiles no summary
 * code.
 *
 * Summary window s covers save points s·E+1 … (s+1)·E, E = summary_every
 * (save 0, the initial state, is in none); a trailing partial window is never
 * written. Accumulators are cubie_real and updated in save order, so results
 * do not depend on time windows. This file never decides when saves happen
 * and never reads the state.
 */
#ifndef CUBIE_SUMMARIES_H
#define CUBIE_SUMMARIES_H

#include "lists_generated.h"
#include "metrics.def"
#include "metrics.h"

#ifndef CUBIE_N_METRICS
#define CUBIE_N_METRICS 0
#endif
#if CUBIE_N_METRICS > 8
#error "at most 8 summary metric slots (CUBIE_METRIC_0 .. CUBIE_METRIC_7)"
#endif
/* Slots beyond CUBIE_N_METRICS are empty (kind 0). */
#if CUBIE_N_METRICS < 1
#undef CUBIE_METRIC_0
#define CUBIE_METRIC_0 0
#endif
#if CUBIE_N_METRICS < 2
#undef CUBIE_METRIC_1
#define CUBIE_METRIC_1 0
#endif
#if CUBIE_N_METRICS < 3
#undef CUBIE_METRIC_2
#define CUBIE_METRIC_2 0
#endif
#if CUBIE_N_METRICS < 4
#undef CUBIE_METRIC_3
#define CUBIE_METRIC_3 0
#endif
#if CUBIE_N_METRICS < 5
#undef CUBIE_METRIC_4
#define CUBIE_METRIC_4 0
#endif
#if CUBIE_N_METRICS < 6
#undef CUBIE_METRIC_5
#define CUBIE_METRIC_5 0
#endif
#if CUBIE_N_METRICS < 7
#undef CUBIE_METRIC_6
#define CUBIE_METRIC_6 0
#endif
#if CUBIE_N_METRICS < 8
#undef CUBIE_METRIC_7
#define CUBIE_METRIC_7 0
#endif

/* Accumulators and values per saved quantity (macros: #if can use them). */
#define CUBIE_SLOTS_SUM_(WHAT)                                                             \
  (CUBIE_PASTE(WHAT, CUBIE_METRIC_0) + CUBIE_PASTE(WHAT, CUBIE_METRIC_1) +                 \
   CUBIE_PASTE(WHAT, CUBIE_METRIC_2) + CUBIE_PASTE(WHAT, CUBIE_METRIC_3) +                 \
   CUBIE_PASTE(WHAT, CUBIE_METRIC_4) + CUBIE_PASTE(WHAT, CUBIE_METRIC_5) +                 \
   CUBIE_PASTE(WHAT, CUBIE_METRIC_6) + CUBIE_PASTE(WHAT, CUBIE_METRIC_7))
#define CUBIE_SUMMARY_ACCUMULATORS CUBIE_SLOTS_SUM_(CUBIE_METRIC_ACCUMULATORS_OF_)
#define CUBIE_SUMMARY_VALUES CUBIE_SLOTS_SUM_(CUBIE_METRIC_VALUES_OF_)
#define CUBIE_N_ACCUMULATORS (CUBIE_N_OUTPUTS * CUBIE_SUMMARY_ACCUMULATORS)

/* The kind of metric slot m (a constant once loops are unrolled). */
CUBIE_INLINE int cubie_metric_kind(int m) {
  if (m == 0) return CUBIE_METRIC_0;
  if (m == 1) return CUBIE_METRIC_1;
  if (m == 2) return CUBIE_METRIC_2;
  if (m == 3) return CUBIE_METRIC_3;
  if (m == 4) return CUBIE_METRIC_4;
  if (m == 5) return CUBIE_METRIC_5;
  if (m == 6) return CUBIE_METRIC_6;
  if (m == 7) return CUBIE_METRIC_7;
  return 0;
}

#define CUBIE_METRIC_ACCUMULATORS_CASE_(ID, name, accumulators, ...) \
  if (kind == CUBIE_METRIC_##ID) return accumulators;
#define CUBIE_METRIC_VALUES_CASE_(ID, name, accumulators, values, ...) \
  if (kind == CUBIE_METRIC_##ID) return values;
CUBIE_INLINE int cubie_metric_accumulators(int kind) {
  CUBIE_METRICS(CUBIE_METRIC_ACCUMULATORS_CASE_)
  return 0;
}
CUBIE_INLINE int cubie_metric_values(int kind) {
  CUBIE_METRICS(CUBIE_METRIC_VALUES_CASE_)
  return 0;
}

/* Where slot m's accumulators / values start within one saved quantity's. */
CUBIE_INLINE int cubie_slot_accumulator_offset(int m) {
  int offset = 0;
  CUBIE_UNROLL
  for (int i = 0; i < 8; i++)
    if (i < m) offset += cubie_metric_accumulators(cubie_metric_kind(i));
  return offset;
}
CUBIE_INLINE int cubie_slot_value_offset(int m) {
  int offset = 0;
  CUBIE_UNROLL
  for (int i = 0; i < 8; i++)
    if (i < m) offset += cubie_metric_values(cubie_metric_kind(i));
  return offset;
}

/* Where value i of output v for run r, summary window s, lives. */
CUBIE_INLINE cubie_real *cubie_summary_value(const cubie_chunk_args *a, cubie_i64 r, int v, int i,
                                             cubie_i64 s) {
  return (cubie_real *)a->summaries +
         (cubie_i64)(v * CUBIE_SUMMARY_VALUES + i) * a->sum_var_stride + r * a->sum_run_stride +
         (s - a->summary_start) * a->sum_time_stride;
}

CUBIE_INLINE int cubie_summary_in_range(const cubie_chunk_args *a, cubie_i64 s) {
  return s >= a->summary_start && s < a->summary_end && s < a->n_summaries;
}

#define CUBIE_METRIC_START_CASE_(ID, ...) \
  if (kind == CUBIE_METRIC_##ID) cubie_metric_start_##ID(slot, x);
#define CUBIE_METRIC_UPDATE_CASE_(ID, ...) \
  if (kind == CUBIE_METRIC_##ID) cubie_metric_update_##ID(slot, x);
#define CUBIE_METRIC_FINALIZE_CASE_(ID, ...) \
  if (kind == CUBIE_METRIC_##ID) cubie_metric_finalize_##ID(slot, inv_count, values);

/* Emit summary window s from the accumulators. */
CUBIE_DEVICE void cubie_summary_write(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 s,
                                      const cubie_real *CUBIE_RESTRICT acc) {
  const cubie_real inv_count = (cubie_real)1 / (cubie_real)a->summary_every;
  CUBIE_UNROLL
  for (int v = 0; v < CUBIE_N_OUTPUTS; v++) {
    CUBIE_UNROLL
    for (int m = 0; m < CUBIE_N_METRICS; m++) {
      const int kind = cubie_metric_kind(m);
      const cubie_real *slot =
          acc + v * CUBIE_SUMMARY_ACCUMULATORS + cubie_slot_accumulator_offset(m);
      cubie_real values[CUBIE_NZ(CUBIE_SUMMARY_VALUES)];
      CUBIE_METRICS(CUBIE_METRIC_FINALIZE_CASE_)
      const int first_value = cubie_slot_value_offset(m);
      CUBIE_UNROLL
      for (int i = 0; i < cubie_metric_values(kind); i++)
        *cubie_summary_value(a, r, v, first_value + i, s) = values[i];
    }
  }
}

/* Every metric slot of every output, with its accumulators `slot` and the
 * output's value `x` in scope; CASE is the per-kind statement list
 * (CUBIE_METRIC_START_CASE_ or CUBIE_METRIC_UPDATE_CASE_). */
#define CUBIE_SUMMARY_FOR_EACH_SLOT_(out, acc, CASE)                                    \
  CUBIE_UNROLL                                                                         \
  for (int v = 0; v < CUBIE_N_OUTPUTS; v++) {                                          \
    const cubie_real x = (out)[v];                                                     \
    CUBIE_UNROLL                                                                       \
    for (int m = 0; m < CUBIE_N_METRICS; m++) {                                        \
      const int kind = cubie_metric_kind(m);                                           \
      cubie_real *slot = (acc) + v * CUBIE_SUMMARY_ACCUMULATORS +                      \
                         cubie_slot_accumulator_offset(m);                             \
      CUBIE_METRICS(CASE)                                                              \
    }                                                                                  \
  }

/* Start the accumulators from the window's first save point's outputs. */
CUBIE_INLINE void cubie_summary_start(const cubie_real *CUBIE_RESTRICT out,
                                      cubie_real *CUBIE_RESTRICT acc) {
  CUBIE_SUMMARY_FOR_EACH_SLOT_(out, acc, CUBIE_METRIC_START_CASE_)
}

/* Add a later save point's outputs to the accumulators. */
CUBIE_INLINE void cubie_summary_update(const cubie_real *CUBIE_RESTRICT out,
                                       cubie_real *CUBIE_RESTRICT acc) {
  CUBIE_SUMMARY_FOR_EACH_SLOT_(out, acc, CUBIE_METRIC_UPDATE_CASE_)
}

/* Account save point j (outputs `out`): accumulate it into its summary
 * window and write the window when j is its last save point. */
CUBIE_INLINE void cubie_summary_add(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 j,
                                    const cubie_real *CUBIE_RESTRICT out,
                                    cubie_real *CUBIE_RESTRICT acc) {
#if CUBIE_N_METRICS > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0 || j < 1) return;
  const cubie_i64 position = (j - 1) % every; /* 0: first save of its window */
  if (position == 0)
    cubie_summary_start(out, acc);
  else
    cubie_summary_update(out, acc);
  if (position == every - 1) {
    const cubie_i64 s = (j - 1) / every;
    if (cubie_summary_in_range(a, s)) cubie_summary_write(a, r, s, acc);
  }
#else
  (void)a;
  (void)r;
  (void)j;
  (void)out;
  (void)acc;
#endif
}

/* A failed run: NaN for every summary window of this call that the run can
 * no longer complete, i.e. whose last save point is >= next_save. */
CUBIE_DEVICE void cubie_summary_fill_nan(const cubie_chunk_args *a, cubie_i64 r,
                                         cubie_i64 next_save) {
#if CUBIE_N_METRICS > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0) return;
  cubie_i64 s = (next_save + every - 1) / every - 1;
  if (s < a->summary_start) s = a->summary_start;
  for (; cubie_summary_in_range(a, s); s++)
    for (int v = 0; v < CUBIE_N_OUTPUTS; v++)
      for (int i = 0; i < CUBIE_SUMMARY_VALUES; i++)
        *cubie_summary_value(a, r, v, i, s) = cubie_nan();
#else
  (void)a;
  (void)r;
  (void)next_save;
#endif
}

#endif
