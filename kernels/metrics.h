/* metrics.h — what each summary metric of metrics.def computes from the
 * saved values of one quantity: its accumulators at every save point and
 * its values at the end of a summary window.
 *
 * For a metric ID with A accumulators and V values (its metrics.def row,
 * n its count: peaks[n]; 0 for metrics without one):
 *   cubie_metric_prime_ID(acc, x, n)
 *       Save point 0, the run's first, which belongs to no window: metrics
 *       that look back (derivatives, peaks) remember it; others ignore it.
 *   cubie_metric_start_ID(acc, x, at, n)
 *       The window's first save point: acc, its A accumulators (holding the
 *       previous save points' leftovers), from x (and what looks back).
 *   cubie_metric_update_ID(acc, x, at, n)
 *       Every later save point of the window.
 *   cubie_metric_finalize_ID(acc, w, n, value, stride)
 *       Its values for window w: value k at value[k * stride] (a counted
 *       metric's value group g, entry i: k = g·n + i).
 * All run in the working precision, in save order, so results do not depend
 * on time windows or chunking (accumulators are persisted). The exact
 * definitions (and why) are in docs/algorithms.md "Summaries". Windows,
 * offsets and storage are summaries.h's; this file never reads the state or
 * decides when a window ends. Adding a metric: a metrics.def row and its
 * four functions here.
 */
#ifndef CUBIE_METRICS_H
#define CUBIE_METRICS_H

#include "save_grid.h"

/* Where a save point is: its index j and the first save point of its
 * window (j - first: its place in the window, 0 .. E-1). */
typedef struct cubie_metric_at {
  cubie_i64 j, first;
} cubie_metric_at;

/* The window a metric's values are for. */
typedef struct cubie_metric_window {
  const cubie_chunk_args *a; /* the save grid: save_every, times of save points */
  cubie_i64 first, count;    /* its save points: first .. first + count - 1 */
  cubie_real inv_count;      /* 1 / count */
} cubie_metric_window;

#define CUBIE_METRIC_UNUSED_(acc, x, n) \
  (void)(acc);                          \
  (void)(x);                            \
  (void)(n)

/* ---- building blocks --------------------------------------------------- */

/* Welford's running mean and sum of squared deviations over the window
 * (acc[0] mean, acc[1] M2): no cancellation, unlike Σx² − (Σx)²/N. */
CUBIE_INLINE void cubie_metric_welford(cubie_real *acc, cubie_real x, const cubie_metric_at *at) {
  if (at->j == at->first) {
    acc[0] = x;
    acc[1] = (cubie_real)0;
    return;
  }
  const cubie_real k = (cubie_real)(at->j - at->first + 1);
  const cubie_real d = x - acc[0];
  acc[0] += d / k;
  acc[1] += d * (x - acc[0]);
}

/* Largest (acc[0]) and smallest (acc[1]) of the values a window sees;
 * `first` says this is the window's first one. */
CUBIE_INLINE void cubie_metric_extremes(cubie_real *acc, cubie_real v, int first) {
  acc[0] = first ? v : cubie_fmax(acc[0], v);
  acc[1] = first ? v : cubie_fmin(acc[1], v);
}

/* Backward difference x_j − x_(j−1) (acc[0] holds x_(j−1)) into the
 * extremes at acc + 1 (the largest, and with `both` the smallest); every
 * save point of a window has one (save 0 primes acc[0]). */
CUBIE_INLINE void cubie_metric_dxdt(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                    int both, int largest) {
  const cubie_real d = x - acc[0];
  const int first = at->j == at->first;
  if (both) {
    cubie_metric_extremes(acc + 1, d, first);
  } else if (largest) {
    acc[1] = first ? d : cubie_fmax(acc[1], d);
  } else {
    acc[1] = first ? d : cubie_fmin(acc[1], d);
  }
  acc[0] = x;
}

/* Second difference x_j − 2 x_(j−1) + x_(j−2) (acc[0] x_(j−1), acc[1]
 * x_(j−2)), the central difference at save point j − 1, for j >= 2, into the
 * extremes at acc + 2. The first one of a window is at its first save point,
 * or at save point 2 for window 0 when it starts at save point 1. */
CUBIE_INLINE void cubie_metric_d2xdt2(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                      int both, int largest) {
  if (at->j >= 2) {
    const cubie_real d = x - (cubie_real)2 * acc[0] + acc[1];
    const int first = at->j == (at->first > 2 ? at->first : 2);
    if (both) {
      cubie_metric_extremes(acc + 2, d, first);
    } else if (largest) {
      acc[2] = first ? d : cubie_fmax(acc[2], d);
    } else {
      acc[2] = first ? d : cubie_fmin(acc[2], d);
    }
  }
  acc[1] = acc[0];
  acc[0] = x;
}

/* Second differences a window has: none in window 0 of one save point. */
CUBIE_INLINE int cubie_metric_has_d2(const cubie_metric_window *w) {
  return w->first + w->count - 1 >= 2;
}

/* Peaks (sign 1) or negative peaks (sign −1) of y = sign·x. A peak is a
 * plateau y_i = … = y_k (i <= k, usually i = k) with y_(i−1) < y_i and
 * y_k > y_(k+1): it is confirmed at save point k + 1, counted in the window
 * of that save point (the first n per window), and reported with y_i's
 * value and time. acc: [0] y of the last save point, [1] 1 while climbing
 * onto a possible peak (after a strict rise, through equal values), [2] the
 * save points since that rise, [3] peaks so far in the window, [4 .. 4+n)
 * their values, [4+n .. 4+2n) their save points relative to the window's
 * first (small integers: exact in float32). */
CUBIE_INLINE void cubie_metric_peaks_prime(cubie_real *acc, cubie_real x, cubie_real sign) {
  acc[0] = sign * x;
  acc[1] = (cubie_real)0;
  acc[2] = (cubie_real)0;
  acc[3] = (cubie_real)0;
}

CUBIE_INLINE void cubie_metric_peaks_step(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n, cubie_real sign) {
  const cubie_real y = sign * x, prev = acc[0];
  if (at->j == at->first) acc[3] = (cubie_real)0; /* a new window */
  if (y > prev) {
    acc[1] = (cubie_real)1;
    acc[2] = (cubie_real)0;
  } else if (y == prev) {
    acc[2] += (cubie_real)1; /* on a plateau: its first save point stays the candidate */
  } else {
    /* y < prev confirms a peak we climbed onto; NaN confirms nothing. */
    if (acc[1] != (cubie_real)0 && y < prev && acc[3] < (cubie_real)n) {
      const int c = (int)acc[3];
      acc[4 + c] = sign * prev;
      acc[4 + n + c] = (cubie_real)(at->j - 1 - at->first) - acc[2];
      acc[3] += (cubie_real)1;
    }
    acc[1] = (cubie_real)0;
  }
  acc[0] = y;
}

CUBIE_INLINE void cubie_metric_peaks_finalize(const cubie_real *acc, const cubie_metric_window *w,
                                              int n, cubie_real *value, cubie_i64 stride) {
  const int found = (int)acc[3];
  for (int i = 0; i < n; i++) {
    if (i < found) {
      value[i * stride] = acc[4 + i];
      value[(n + i) * stride] =
          (cubie_real)cubie_save_time(w->a, w->first + (cubie_i64)acc[4 + n + i]);
    } else {
      value[i * stride] = cubie_nan();
      value[(n + i) * stride] = cubie_nan();
    }
  }
}

/* ---- the metrics ------------------------------------------------------- */

/* mean: Σx (acc[0]) times 1/E. */
CUBIE_INLINE void cubie_metric_prime_MEAN(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MEAN(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n) {
  (void)at, (void)n;
  acc[0] = x;
}
CUBIE_INLINE void cubie_metric_update_MEAN(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                           int n) {
  (void)at, (void)n;
  acc[0] += x;
}
CUBIE_INLINE void cubie_metric_finalize_MEAN(const cubie_real *acc, const cubie_metric_window *w,
                                             int n, cubie_real *value, cubie_i64 stride) {
  (void)n, (void)stride;
  value[0] = acc[0] * w->inv_count;
}

/* max, min: the largest / smallest saved value (NaN-ignoring fmax/fmin). */
CUBIE_INLINE void cubie_metric_prime_MAX(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MAX(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                         int n) {
  (void)at, (void)n;
  acc[0] = x;
}
CUBIE_INLINE void cubie_metric_update_MAX(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n) {
  (void)at, (void)n;
  acc[0] = cubie_fmax(acc[0], x);
}
CUBIE_INLINE void cubie_metric_finalize_MAX(const cubie_real *acc, const cubie_metric_window *w,
                                            int n, cubie_real *value, cubie_i64 stride) {
  (void)w, (void)n, (void)stride;
  value[0] = acc[0];
}

CUBIE_INLINE void cubie_metric_prime_MIN(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MIN(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                         int n) {
  (void)at, (void)n;
  acc[0] = x;
}
CUBIE_INLINE void cubie_metric_update_MIN(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n) {
  (void)at, (void)n;
  acc[0] = cubie_fmin(acc[0], x);
}
CUBIE_INLINE void cubie_metric_finalize_MIN(const cubie_real *acc, const cubie_metric_window *w,
                                            int n, cubie_real *value, cubie_i64 stride) {
  (void)w, (void)n, (void)stride;
  value[0] = acc[0];
}

/* rms: sqrt(Σx² · 1/E). */
CUBIE_INLINE void cubie_metric_prime_RMS(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_RMS(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                         int n) {
  (void)at, (void)n;
  acc[0] = x * x;
}
CUBIE_INLINE void cubie_metric_update_RMS(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n) {
  (void)at, (void)n;
  acc[0] += x * x;
}
CUBIE_INLINE void cubie_metric_finalize_RMS(const cubie_real *acc, const cubie_metric_window *w,
                                            int n, cubie_real *value, cubie_i64 stride) {
  (void)n, (void)stride;
  value[0] = cubie_sqrt(acc[0] * w->inv_count);
}

/* std: Welford (acc[0] mean, acc[1] M2); sqrt(M2 · 1/E), the population
 * standard deviation (numpy's std, ddof = 0). */
CUBIE_INLINE void cubie_metric_prime_STD(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_STD(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                         int n) {
  (void)n;
  cubie_metric_welford(acc, x, at);
}
CUBIE_INLINE void cubie_metric_update_STD(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                          int n) {
  (void)n;
  cubie_metric_welford(acc, x, at);
}
CUBIE_INLINE void cubie_metric_finalize_STD(const cubie_real *acc, const cubie_metric_window *w,
                                            int n, cubie_real *value, cubie_i64 stride) {
  (void)n, (void)stride;
  value[0] = cubie_sqrt(acc[1] * w->inv_count);
}

/* extrema: max and min (acc[0], acc[1]), the same numbers as max and min. */
CUBIE_INLINE void cubie_metric_prime_EXTREMA(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_EXTREMA(cubie_real *acc, cubie_real x,
                                             const cubie_metric_at *at, int n) {
  (void)at, (void)n;
  cubie_metric_extremes(acc, x, 1);
}
CUBIE_INLINE void cubie_metric_update_EXTREMA(cubie_real *acc, cubie_real x,
                                              const cubie_metric_at *at, int n) {
  (void)at, (void)n;
  cubie_metric_extremes(acc, x, 0);
}
CUBIE_INLINE void cubie_metric_finalize_EXTREMA(const cubie_real *acc, const cubie_metric_window *w,
                                                int n, cubie_real *value, cubie_i64 stride) {
  (void)w, (void)n;
  value[0] = acc[0];
  value[stride] = acc[1];
}

/* max_magnitude: the largest |x|. */
CUBIE_INLINE void cubie_metric_prime_MAX_MAGNITUDE(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MAX_MAGNITUDE(cubie_real *acc, cubie_real x,
                                                   const cubie_metric_at *at, int n) {
  (void)at, (void)n;
  acc[0] = cubie_fabs(x);
}
CUBIE_INLINE void cubie_metric_update_MAX_MAGNITUDE(cubie_real *acc, cubie_real x,
                                                    const cubie_metric_at *at, int n) {
  (void)at, (void)n;
  acc[0] = cubie_fmax(acc[0], cubie_fabs(x));
}
CUBIE_INLINE void cubie_metric_finalize_MAX_MAGNITUDE(const cubie_real *acc,
                                                      const cubie_metric_window *w, int n,
                                                      cubie_real *value, cubie_i64 stride) {
  (void)w, (void)n, (void)stride;
  value[0] = acc[0];
}

/* peaks[n], negative_peaks[n]: see cubie_metric_peaks_step. */
CUBIE_INLINE void cubie_metric_prime_PEAKS(cubie_real *acc, cubie_real x, int n) {
  (void)n;
  cubie_metric_peaks_prime(acc, x, (cubie_real)1);
}
CUBIE_INLINE void cubie_metric_start_PEAKS(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                           int n) {
  cubie_metric_peaks_step(acc, x, at, n, (cubie_real)1);
}
CUBIE_INLINE void cubie_metric_update_PEAKS(cubie_real *acc, cubie_real x, const cubie_metric_at *at,
                                            int n) {
  cubie_metric_peaks_step(acc, x, at, n, (cubie_real)1);
}
CUBIE_INLINE void cubie_metric_finalize_PEAKS(const cubie_real *acc, const cubie_metric_window *w,
                                              int n, cubie_real *value, cubie_i64 stride) {
  cubie_metric_peaks_finalize(acc, w, n, value, stride);
}

CUBIE_INLINE void cubie_metric_prime_NEGATIVE_PEAKS(cubie_real *acc, cubie_real x, int n) {
  (void)n;
  cubie_metric_peaks_prime(acc, x, (cubie_real)-1);
}
CUBIE_INLINE void cubie_metric_start_NEGATIVE_PEAKS(cubie_real *acc, cubie_real x,
                                                    const cubie_metric_at *at, int n) {
  cubie_metric_peaks_step(acc, x, at, n, (cubie_real)-1);
}
CUBIE_INLINE void cubie_metric_update_NEGATIVE_PEAKS(cubie_real *acc, cubie_real x,
                                                     const cubie_metric_at *at, int n) {
  cubie_metric_peaks_step(acc, x, at, n, (cubie_real)-1);
}
CUBIE_INLINE void cubie_metric_finalize_NEGATIVE_PEAKS(const cubie_real *acc,
                                                       const cubie_metric_window *w, int n,
                                                       cubie_real *value, cubie_i64 stride) {
  cubie_metric_peaks_finalize(acc, w, n, value, stride);
}

/* mean_std: acc[0] Σx as mean, acc[1..2] Welford as std: the numbers of
 * mean and std. */
CUBIE_INLINE void cubie_metric_prime_MEAN_STD(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MEAN_STD(cubie_real *acc, cubie_real x,
                                              const cubie_metric_at *at, int n) {
  (void)n;
  acc[0] = x;
  cubie_metric_welford(acc + 1, x, at);
}
CUBIE_INLINE void cubie_metric_update_MEAN_STD(cubie_real *acc, cubie_real x,
                                               const cubie_metric_at *at, int n) {
  (void)n;
  acc[0] += x;
  cubie_metric_welford(acc + 1, x, at);
}
CUBIE_INLINE void cubie_metric_finalize_MEAN_STD(const cubie_real *acc,
                                                 const cubie_metric_window *w, int n,
                                                 cubie_real *value, cubie_i64 stride) {
  (void)n;
  value[0] = acc[0] * w->inv_count;
  value[stride] = cubie_sqrt(acc[2] * w->inv_count);
}

/* std_rms: acc[0..1] Welford as std, acc[2] Σx² as rms. */
CUBIE_INLINE void cubie_metric_prime_STD_RMS(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_STD_RMS(cubie_real *acc, cubie_real x,
                                             const cubie_metric_at *at, int n) {
  (void)n;
  cubie_metric_welford(acc, x, at);
  acc[2] = x * x;
}
CUBIE_INLINE void cubie_metric_update_STD_RMS(cubie_real *acc, cubie_real x,
                                              const cubie_metric_at *at, int n) {
  (void)n;
  cubie_metric_welford(acc, x, at);
  acc[2] += x * x;
}
CUBIE_INLINE void cubie_metric_finalize_STD_RMS(const cubie_real *acc, const cubie_metric_window *w,
                                                int n, cubie_real *value, cubie_i64 stride) {
  (void)n;
  value[0] = cubie_sqrt(acc[1] * w->inv_count);
  value[stride] = cubie_sqrt(acc[2] * w->inv_count);
}

/* mean_std_rms: acc[0] Σx, acc[1..2] Welford, acc[3] Σx². */
CUBIE_INLINE void cubie_metric_prime_MEAN_STD_RMS(cubie_real *acc, cubie_real x, int n) {
  CUBIE_METRIC_UNUSED_(acc, x, n);
}
CUBIE_INLINE void cubie_metric_start_MEAN_STD_RMS(cubie_real *acc, cubie_real x,
                                                  const cubie_metric_at *at, int n) {
  (void)n;
  acc[0] = x;
  cubie_metric_welford(acc + 1, x, at);
  acc[3] = x * x;
}
CUBIE_INLINE void cubie_metric_update_MEAN_STD_RMS(cubie_real *acc, cubie_real x,
                                                   const cubie_metric_at *at, int n) {
  (void)n;
  acc[0] += x;
  cubie_metric_welford(acc + 1, x, at);
  acc[3] += x * x;
}
CUBIE_INLINE void cubie_metric_finalize_MEAN_STD_RMS(const cubie_real *acc,
                                                     const cubie_metric_window *w, int n,
                                                     cubie_real *value, cubie_i64 stride) {
  (void)n;
  value[0] = acc[0] * w->inv_count;
  value[stride] = cubie_sqrt(acc[2] * w->inv_count);
  value[2 * stride] = cubie_sqrt(acc[3] * w->inv_count);
}

/* dxdt_max, dxdt_min, dxdt_extrema: acc[0] the previous save point's x,
 * then the extreme backward differences; divided by save_every at the end
 * (division by a positive number keeps the order, so this is the extreme
 * of (x_j − x_(j−1)) / save_every). */
#define CUBIE_METRIC_DXDT_(ID, both, largest)                                                     \
  CUBIE_INLINE void cubie_metric_prime_##ID(cubie_real *acc, cubie_real x, int n) {              \
    (void)n;                                                                                      \
    acc[0] = x;                                                                                   \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_start_##ID(cubie_real *acc, cubie_real x,                        \
                                            const cubie_metric_at *at, int n) {                   \
    (void)n;                                                                                      \
    cubie_metric_dxdt(acc, x, at, both, largest);                                                 \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_update_##ID(cubie_real *acc, cubie_real x,                       \
                                             const cubie_metric_at *at, int n) {                  \
    (void)n;                                                                                      \
    cubie_metric_dxdt(acc, x, at, both, largest);                                                 \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_finalize_##ID(const cubie_real *acc,                             \
                                               const cubie_metric_window *w, int n,               \
                                               cubie_real *value, cubie_i64 stride) {             \
    (void)n;                                                                                      \
    const cubie_real dt = (cubie_real)w->a->save_every;                                           \
    value[0] = acc[1] / dt;                                                                       \
    if (both) value[stride] = acc[2] / dt;                                                        \
  }
CUBIE_METRIC_DXDT_(DXDT_MAX, 0, 1)
CUBIE_METRIC_DXDT_(DXDT_MIN, 0, 0)
CUBIE_METRIC_DXDT_(DXDT_EXTREMA, 1, 1)

/* d2xdt2_max, d2xdt2_min, d2xdt2_extrema: acc[0], acc[1] the two previous
 * save points' x, then the extreme second differences; divided by
 * save_every² at the end. NaN for a window without any (window 0 of one
 * save point). */
#define CUBIE_METRIC_D2XDT2_(ID, both, largest)                                                   \
  CUBIE_INLINE void cubie_metric_prime_##ID(cubie_real *acc, cubie_real x, int n) {              \
    (void)n;                                                                                      \
    acc[0] = x;                                                                                   \
    acc[1] = x;                                                                                   \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_start_##ID(cubie_real *acc, cubie_real x,                        \
                                            const cubie_metric_at *at, int n) {                   \
    (void)n;                                                                                      \
    cubie_metric_d2xdt2(acc, x, at, both, largest);                                               \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_update_##ID(cubie_real *acc, cubie_real x,                       \
                                             const cubie_metric_at *at, int n) {                  \
    (void)n;                                                                                      \
    cubie_metric_d2xdt2(acc, x, at, both, largest);                                               \
  }                                                                                               \
  CUBIE_INLINE void cubie_metric_finalize_##ID(const cubie_real *acc,                             \
                                               const cubie_metric_window *w, int n,               \
                                               cubie_real *value, cubie_i64 stride) {             \
    (void)n;                                                                                      \
    const cubie_real dt = (cubie_real)w->a->save_every;                                           \
    const int has = cubie_metric_has_d2(w);                                                       \
    value[0] = has ? acc[2] / (dt * dt) : cubie_nan();                                            \
    if (both) value[stride] = has ? acc[3] / (dt * dt) : cubie_nan();                             \
  }
CUBIE_METRIC_D2XDT2_(D2XDT2_MAX, 0, 1)
CUBIE_METRIC_D2XDT2_(D2XDT2_MIN, 0, 0)
CUBIE_METRIC_D2XDT2_(D2XDT2_EXTREMA, 1, 1)

#endif
