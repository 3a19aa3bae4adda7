/* summaries.h — per-window statistics of the saved outputs, accumulated at
 * every emitted save point and written when a summary window's last save
 * point is emitted. What each metric computes is metrics.h's.
 *
 * Metric selection (compile time; the host emits it before the kernels): one
 * item per (saved quantity, metric), in the order the host lays them out,
 *
 *   #define CUBIE_SUMMARY_ITEMS(X) \
 *     X(0, MEAN, 0, 0, 0) X(0, PEAKS, 3, 1, 1) X(1, STD, 0, 11, 7)
 *
 * X(output, ID, n, accumulator offset, value offset): output `output`'s
 * metric CUBIE_METRIC_<ID> (metrics.def) with count n (peaks[n]; 0 for
 * metrics without one) keeps its accumulators from `accumulator offset` in
 * LOOP.ACCUMULATORS and writes its values from summary value `value offset`
 * (chunk_args.h: value i of run r, window s at summaries[i·sum_var_stride +
 * r·sum_run_stride + (s − summary_start)·sum_time_stride]). Any metric for
 * any saved quantity; no items (or none defined) compiles no summary code.
 * The counts CUBIE_N_ACCUMULATORS and CUBIE_N_SUMMARY_VALUES follow from the
 * items and metrics.def (lists_generated.h: CUBIE_METRIC_ACCUMULATORS_<ID>(n),
 * CUBIE_METRIC_VALUES_<ID>(n)); the host checks its own counts against them
 * in every kernel build.
 *
 * Summary window s covers save points s·E+1 … (s+1)·E, E = summary_every.
 * Save 0, the initial state, is in none, but metrics that look back
 * (derivatives, peaks) remember it. A trailing partial window is never
 * written. Accumulators are cubie_real and updated in save order, so results
 * do not depend on time windows. This file never decides when saves happen
 * and never reads the state.
 */
#ifndef CUBIE_SUMMARIES_H
#define CUBIE_SUMMARIES_H

#include "lists_generated.h"
#include "metrics.def"
#include "metrics.h"

#ifndef CUBIE_SUMMARY_ITEMS
#define CUBIE_SUMMARY_ITEMS(X)
#endif

/* Accumulators and values per run (macros: #if can use them). */
#define CUBIE_SUMMARY_ACCUMULATORS_OF_(o, ID, n, acc_at, value_at) +CUBIE_METRIC_ACCUMULATORS_##ID(n)
#define CUBIE_SUMMARY_VALUES_OF_(o, ID, n, acc_at, value_at) +CUBIE_METRIC_VALUES_##ID(n)
#define CUBIE_N_ACCUMULATORS (0 CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_ACCUMULATORS_OF_))
#define CUBIE_N_SUMMARY_VALUES (0 CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_VALUES_OF_))

/* Where value i for run r, summary window s, lives. */
CUBIE_INLINE cubie_real *cubie_summary_value(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 i,
                                             cubie_i64 s) {
  return (cubie_real *)a->summaries + i * a->sum_var_stride + r * a->sum_run_stride +
         (s - a->summary_start) * a->sum_time_stride;
}

CUBIE_INLINE int cubie_summary_in_range(const cubie_chunk_args *a, cubie_i64 s) {
  return s >= a->summary_start && s < a->summary_end && s < a->n_summaries;
}

#define CUBIE_SUMMARY_PRIME_(o, ID, n, acc_at, value_at) \
  cubie_metric_prime_##ID(acc + (acc_at), out[o], n);
#define CUBIE_SUMMARY_START_(o, ID, n, acc_at, value_at) \
  cubie_metric_start_##ID(acc + (acc_at), out[o], &at, n);
#define CUBIE_SUMMARY_UPDATE_(o, ID, n, acc_at, value_at) \
  cubie_metric_update_##ID(acc + (acc_at), out[o], &at, n);
#define CUBIE_SUMMARY_FINALIZE_(o, ID, n, acc_at, value_at)                              \
  cubie_metric_finalize_##ID(acc + (acc_at), &window, n, cubie_summary_value(a, r, value_at, s), \
                             a->sum_var_stride);

#if CUBIE_N_SUMMARY_VALUES > 0
/* Emit summary window s from the accumulators. */
CUBIE_DEVICE void cubie_summary_write(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 s,
                                      const cubie_real *CUBIE_RESTRICT acc) {
  cubie_metric_window window;
  window.a = a;
  window.first = s * a->summary_every + 1;
  window.count = a->summary_every;
  window.inv_count = (cubie_real)1 / (cubie_real)a->summary_every;
  CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_FINALIZE_)
}
#endif

/* Account save point j (outputs `out`): accumulate it into its summary
 * window and write the window when j is its last save point. */
CUBIE_INLINE void cubie_summary_add(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 j,
                                    const cubie_real *CUBIE_RESTRICT out,
                                    cubie_real *CUBIE_RESTRICT acc) {
#if CUBIE_N_SUMMARY_VALUES > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0) return;
  if (j < 1) { /* the run's first save point: remembered by those that look back */
    CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_PRIME_)
    return;
  }
  const cubie_i64 position = (j - 1) % every; /* 0: first save of its window */
  cubie_metric_at at;
  at.j = j;
  at.first = j - position;
  if (position == 0) {
    CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_START_)
  } else {
    CUBIE_SUMMARY_ITEMS(CUBIE_SUMMARY_UPDATE_)
  }
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
#if CUBIE_N_SUMMARY_VALUES > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0) return;
  cubie_i64 s = (next_save + every - 1) / every - 1;
  if (s < a->summary_start) s = a->summary_start;
  for (; cubie_summary_in_range(a, s); s++)
    for (int i = 0; i < CUBIE_N_SUMMARY_VALUES; i++) *cubie_summary_value(a, r, i, s) = cubie_nan();
#else
  (void)a;
  (void)r;
  (void)next_save;
#endif
}

#endif
