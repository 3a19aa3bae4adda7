/* summaries.h — per-window statistics of the saved outputs (mean, max, min,
 * rms), accumulated at every emitted save point and written when a summary
 * window's last save point is emitted.
 *
 * Metric selection (compile time; the host emits it before this header):
 *
 *   #define CUBIE_N_METRICS 3                    number of metric slots, 0..8
 *   #define CUBIE_METRIC_0 CUBIE_METRIC_MEAN     kind of slot 0
 *   #define CUBIE_METRIC_1 CUBIE_METRIC_MAX      kind of slot 1
 *   #define CUBIE_METRIC_2 CUBIE_METRIC_RMS      kind of slot 2
 *
 * Kinds: CUBIE_METRIC_MEAN (1), CUBIE_METRIC_MAX (2), CUBIE_METRIC_MIN (3),
 * CUBIE_METRIC_RMS (4). Slot m of output v is summaries index
 * (v * CUBIE_N_METRICS + m) (chunk_args.h), and accumulator
 * v * CUBIE_N_METRICS + m of LOOP_ACCUMULATORS. CUBIE_N_METRICS 0 (or
 * absent) compiles no summary code.
 *
 * Summary window s covers save points s·E+1 … (s+1)·E, E = summary_every
 * (save 0, the initial state, is in none); a trailing partial window is never
 * written. Accumulators are cubie_real and summed in save order, so results
 * do not depend on time windows. This file never decides when saves happen
 * and never reads the state.
 */
#ifndef CUBIE_SUMMARIES_H
#define CUBIE_SUMMARIES_H

#define CUBIE_METRIC_MEAN 1
#define CUBIE_METRIC_MAX 2
#define CUBIE_METRIC_MIN 3
#define CUBIE_METRIC_RMS 4

#ifndef CUBIE_N_METRICS
#define CUBIE_N_METRICS 0
#endif
#if CUBIE_N_METRICS > 8
#error "at most 8 summary metric slots (CUBIE_METRIC_0 .. CUBIE_METRIC_7)"
#endif

#define CUBIE_N_ACCUMULATORS (CUBIE_N_OUTPUTS * CUBIE_N_METRICS)

/* The kind of metric slot m (a constant once loops are unrolled). */
CUBIE_DEVICE int cubie_metric_kind(int m) {
#if CUBIE_N_METRICS > 0
  if (m == 0) return CUBIE_METRIC_0;
#endif
#if CUBIE_N_METRICS > 1
  if (m == 1) return CUBIE_METRIC_1;
#endif
#if CUBIE_N_METRICS > 2
  if (m == 2) return CUBIE_METRIC_2;
#endif
#if CUBIE_N_METRICS > 3
  if (m == 3) return CUBIE_METRIC_3;
#endif
#if CUBIE_N_METRICS > 4
  if (m == 4) return CUBIE_METRIC_4;
#endif
#if CUBIE_N_METRICS > 5
  if (m == 5) return CUBIE_METRIC_5;
#endif
#if CUBIE_N_METRICS > 6
  if (m == 6) return CUBIE_METRIC_6;
#endif
#if CUBIE_N_METRICS > 7
  if (m == 7) return CUBIE_METRIC_7;
#endif
  (void)m;
  return 0;
}

/* Where metric slot m of output v for run r, summary window s, lives. */
CUBIE_DEVICE cubie_real *cubie_summary_slot(const cubie_chunk_args *a, cubie_i64 r, int v, int m,
                                            cubie_i64 s) {
  return (cubie_real *)a->summaries + (cubie_i64)(v * CUBIE_N_METRICS + m) * a->sum_var_stride +
         r * a->sum_run_stride + (s - a->summary_start) * a->sum_time_stride;
}

CUBIE_DEVICE int cubie_summary_in_range(const cubie_chunk_args *a, cubie_i64 s) {
  return s >= a->summary_start && s < a->summary_end && s < a->n_summaries;
}

/* Emit summary window s from the accumulators. */
CUBIE_DEVICE void cubie_summary_write(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 s,
                                      const cubie_real *CUBIE_RESTRICT acc) {
  const cubie_real inv_count = (cubie_real)1 / (cubie_real)a->summary_every;
  CUBIE_UNROLL
  for (int v = 0; v < CUBIE_N_OUTPUTS; v++) {
    CUBIE_UNROLL
    for (int m = 0; m < CUBIE_N_METRICS; m++) {
      const cubie_real x = acc[v * CUBIE_N_METRICS + m];
      const int kind = cubie_metric_kind(m);
      cubie_real value = x;
      if (kind == CUBIE_METRIC_MEAN) value = x * inv_count;
      if (kind == CUBIE_METRIC_RMS) value = cubie_sqrt(x * inv_count);
      *cubie_summary_slot(a, r, v, m, s) = value;
    }
  }
}

/* Account save point j (outputs `out`): accumulate it into its summary
 * window and write the window when j is its last save point. */
CUBIE_DEVICE void cubie_summary_add(const cubie_chunk_args *a, cubie_i64 r, cubie_i64 j,
                                    const cubie_real *CUBIE_RESTRICT out,
                                    cubie_real *CUBIE_RESTRICT acc) {
#if CUBIE_N_METRICS > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0 || j < 1) return;
  const cubie_i64 position = (j - 1) % every; /* 0: first save of its window */
  CUBIE_UNROLL
  for (int v = 0; v < CUBIE_N_OUTPUTS; v++) {
    const cubie_real x = out[v];
    CUBIE_UNROLL
    for (int m = 0; m < CUBIE_N_METRICS; m++) {
      cubie_real *slot = acc + v * CUBIE_N_METRICS + m;
      const int kind = cubie_metric_kind(m);
      if (position == 0) {
        *slot = (kind == CUBIE_METRIC_RMS) ? x * x : x;
      } else if (kind == CUBIE_METRIC_MEAN) {
        *slot += x;
      } else if (kind == CUBIE_METRIC_RMS) {
        *slot += x * x;
      } else if (kind == CUBIE_METRIC_MAX) {
        *slot = cubie_fmax(*slot, x);
      } else if (kind == CUBIE_METRIC_MIN) {
        *slot = cubie_fmin(*slot, x);
      }
    }
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
#if CUBIE_N_METRICS > 0
  const cubie_i64 every = a->summary_every;
  if (every <= 0) return;
  cubie_i64 s = (next_save + every - 1) / every - 1;
  if (s < a->summary_start) s = a->summary_start;
  for (; cubie_summary_in_range(a, s); s++)
    for (int v = 0; v < CUBIE_N_OUTPUTS; v++)
      for (int m = 0; m < CUBIE_N_METRICS; m++) *cubie_summary_slot(a, r, v, m, s) = cubie_nan();
#else
  (void)a;
  (void)r;
  (void)next_save;
#endif
}

#endif
