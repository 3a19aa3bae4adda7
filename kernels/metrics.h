/* metrics.h — what each summary metric of metrics.def computes: its update
 * at a save point and its values at the end of a summary window.
 *
 * For a metric ID with A accumulators and V values (its metrics.def row):
 *   cubie_metric_update_ID(acc, x, first)
 *       acc: its A accumulators for one saved quantity; x: the quantity at
 *       this save point; first: 1 at the window's first save point (acc
 *       holds the previous window's leftovers then: overwrite them).
 *   cubie_metric_finalize_ID(acc, inv_count, value)
 *       value: its V results for the window; inv_count = 1 / (save points
 *       per window).
 * Both run in the working precision, in save order, so results do not
 * depend on time windows or chunking. Windows, slots and storage are
 * summaries.h's; this file never reads the state or decides when a window
 * ends. Adding a metric: a metrics.def row and its two functions here.
 */
#ifndef CUBIE_METRICS_H
#define CUBIE_METRICS_H

CUBIE_DEVICE void cubie_metric_update_MEAN(cubie_real *acc, cubie_real x, int first) {
  acc[0] = first ? x : acc[0] + x;
}
CUBIE_DEVICE void cubie_metric_finalize_MEAN(const cubie_real *acc, cubie_real inv_count,
                                             cubie_real *value) {
  value[0] = acc[0] * inv_count;
}

CUBIE_DEVICE void cubie_metric_update_MAX(cubie_real *acc, cubie_real x, int first) {
  acc[0] = first ? x : cubie_fmax(acc[0], x);
}
CUBIE_DEVICE void cubie_metric_finalize_MAX(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  (void)inv_count;
  value[0] = acc[0];
}

CUBIE_DEVICE void cubie_metric_update_MIN(cubie_real *acc, cubie_real x, int first) {
  acc[0] = first ? x : cubie_fmin(acc[0], x);
}
CUBIE_DEVICE void cubie_metric_finalize_MIN(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  (void)inv_count;
  value[0] = acc[0];
}

/* The sum of squares; the root of its mean at the end. */
CUBIE_DEVICE void cubie_metric_update_RMS(cubie_real *acc, cubie_real x, int first) {
  acc[0] = first ? x * x : acc[0] + x * x;
}
CUBIE_DEVICE void cubie_metric_finalize_RMS(const cubie_real *acc, cubie_real inv_count,
                                            cubie_real *value) {
  value[0] = cubie_sqrt(acc[0] * inv_count);
}

#endif
