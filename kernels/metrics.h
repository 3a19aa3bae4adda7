/* metrics.h — what each summary metric of metrics.def computes: its update
 * at a save point and its values at the end of a summary window.
 *
 * For a metric ID with A accumulators and V values (its metrics.def row):
 *   cubie_metric_start_ID(acc, x)
 *       The window's first save point: acc, its A accumulators for one saved
 *       quantity (holding the previous window's leftovers), from x alone.
 *   cubie_metric_update_ID(acc, x)
 *       Every later save point of the window: add x.
 *   cubie_metric_finalize_ID(acc, inv_count, value)
 *       value: its V results for the window; inv_count = 1 / (save points
 *       per window).
 * Both run in the working precision, in save order, so results do not
 * depend on time windows or chunking. Windows, slots and storage are
 * summaries.h's; this file never reads the state or decides when a window
 * ends. Adding a metric: a metrics.def row and its three functions here.
 */
#ifndef CUBIE_METRICS_H
#define CUBIE_METRICS_H

CUBIE_INLINE void cubie_metric_start_MEAN(cubie_real *acc, cubie_real x) { acc[0] = x; }
CUBIE_INLINE void cubie_metric_update_MEAN(cubie_real *acc, cubie_real x) { acc[0] += x; }
CUBIE_INLINE void cubie_metric_finalize_MEAN(const cubie_real *acc, cubie_real inv_count,
                                             cubie_real *value) {
  value[0] = acc[0] * inv_count;
}

CUBIE_INLINE void cubie_metric_start_MAX(cubie_real *acc, cubie_real x) { acc[0] = x; }
CUBIE_INLINE void cubie_metric_update_MAX(cubie_real *acc, cubie_real x) {
  acc[0] = cubie_fmax(acc[0], x);
}
CUBIE_INLINE void cubie_metric_finalize_MAX(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  (void)inv_count;
  value[0] = acc[0];
}

CUBIE_INLINE void cubie_metric_start_MIN(cubie_real *acc, cubie_real x) { acc[0] = x; }
CUBIE_INLINE void cubie_metric_update_MIN(cubie_real *acc, cubie_real x) {
  acc[0] = cubie_fmin(acc[0], x);
}
CUBIE_INLINE void cubie_metric_finalize_MIN(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  (void)inv_count;
  value[0] = acc[0];
}

/* The sum of squares; the root of its mean at the end. */
CUBIE_INLINE void cubie_metric_start_RMS(cubie_real *acc, cubie_real x) { acc[0] = x * x; }
CUBIE_INLINE void cubie_metric_update_RMS(cubie_real *acc, cubie_real x) { acc[0] += x * x; }
CUBIE_INLINE void cubie_metric_finalize_RMS(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  value[0] = cubie_sqrt(acc[0] * inv_count);
}

#endif
