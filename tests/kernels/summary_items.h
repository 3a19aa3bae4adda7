/* summary_items.h — the summary items the kernel tests build with, as the
 * host emits them (kernels/summaries.h): the same metrics for every output,
 * packed output by output. Include after the model (it needs
 * CUBIE_N_OUTPUTS, up to 4) and before run.h.
 *
 * CUBIE_TEST_METRICS picks the metrics (default 1):
 *   0  none: no summary code
 *   1  mean max min rms   (one accumulator and one value each)
 *   2  rms min
 *   3  every metric of metrics.def, peaks[3] and negative_peaks[2] counted
 * CUBIE_TEST_METRIC_LIST(X, o, acc, val) lists the set's items of output o
 * whose accumulators start at acc and values at val; CUBIE_TEST_ACC and
 * CUBIE_TEST_VALUES are one output's totals.
 */
#ifndef CUBIE_TEST_SUMMARY_ITEMS_H
#define CUBIE_TEST_SUMMARY_ITEMS_H

#ifndef CUBIE_TEST_METRICS
#define CUBIE_TEST_METRICS 1
#endif

#if CUBIE_TEST_METRICS == 1
#define CUBIE_TEST_METRIC_LIST(X, o, acc, val) \
  X(o, MEAN, 0, (acc) + 0, (val) + 0) X(o, MAX, 0, (acc) + 1, (val) + 1) \
  X(o, MIN, 0, (acc) + 2, (val) + 2) X(o, RMS, 0, (acc) + 3, (val) + 3)
#define CUBIE_TEST_ACC 4
#define CUBIE_TEST_VALUES 4
#elif CUBIE_TEST_METRICS == 2
#define CUBIE_TEST_METRIC_LIST(X, o, acc, val) \
  X(o, RMS, 0, (acc) + 0, (val) + 0) X(o, MIN, 0, (acc) + 1, (val) + 1)
#define CUBIE_TEST_ACC 2
#define CUBIE_TEST_VALUES 2
#elif CUBIE_TEST_METRICS == 3
/* Accumulators: 1 1 1 1 2 2 1 10 8 3 3 4 2 2 3 3 3 4 (peaks[3]: 4 + 6,
 * negative_peaks[2]: 4 + 4); values: 1 1 1 1 1 2 1 6 4 2 2 3 1 1 2 1 1 2. */
#define CUBIE_TEST_METRIC_LIST(X, o, acc, val)                                                   \
  X(o, MEAN, 0, (acc) + 0, (val) + 0) X(o, MAX, 0, (acc) + 1, (val) + 1)                        \
  X(o, MIN, 0, (acc) + 2, (val) + 2) X(o, RMS, 0, (acc) + 3, (val) + 3)                         \
  X(o, STD, 0, (acc) + 4, (val) + 4) X(o, EXTREMA, 0, (acc) + 6, (val) + 5)                     \
  X(o, MAX_MAGNITUDE, 0, (acc) + 8, (val) + 7) X(o, PEAKS, 3, (acc) + 9, (val) + 8)             \
  X(o, NEGATIVE_PEAKS, 2, (acc) + 19, (val) + 14) X(o, MEAN_STD, 0, (acc) + 27, (val) + 18)     \
  X(o, STD_RMS, 0, (acc) + 30, (val) + 20) X(o, MEAN_STD_RMS, 0, (acc) + 33, (val) + 22)        \
  X(o, DXDT_MAX, 0, (acc) + 37, (val) + 25) X(o, DXDT_MIN, 0, (acc) + 39, (val) + 26)           \
  X(o, DXDT_EXTREMA, 0, (acc) + 41, (val) + 27) X(o, D2XDT2_MAX, 0, (acc) + 44, (val) + 29)     \
  X(o, D2XDT2_MIN, 0, (acc) + 47, (val) + 30) X(o, D2XDT2_EXTREMA, 0, (acc) + 50, (val) + 31)
#define CUBIE_TEST_ACC 54
#define CUBIE_TEST_VALUES 33
#endif

#if CUBIE_TEST_METRICS > 0
#define CUBIE_TEST_ITEMS_OF_(o, X) \
  CUBIE_TEST_METRIC_LIST(X, o, (o) * CUBIE_TEST_ACC, (o) * CUBIE_TEST_VALUES)
#if CUBIE_N_OUTPUTS == 1
#define CUBIE_SUMMARY_ITEMS(X) CUBIE_TEST_ITEMS_OF_(0, X)
#elif CUBIE_N_OUTPUTS == 2
#define CUBIE_SUMMARY_ITEMS(X) CUBIE_TEST_ITEMS_OF_(0, X) CUBIE_TEST_ITEMS_OF_(1, X)
#elif CUBIE_N_OUTPUTS == 3
#define CUBIE_SUMMARY_ITEMS(X) \
  CUBIE_TEST_ITEMS_OF_(0, X) CUBIE_TEST_ITEMS_OF_(1, X) CUBIE_TEST_ITEMS_OF_(2, X)
#elif CUBIE_N_OUTPUTS == 4
#define CUBIE_SUMMARY_ITEMS(X)                                                  \
  CUBIE_TEST_ITEMS_OF_(0, X) CUBIE_TEST_ITEMS_OF_(1, X) CUBIE_TEST_ITEMS_OF_(2, X) \
  CUBIE_TEST_ITEMS_OF_(3, X)
#else
#error "summary_items.h: up to 4 outputs"
#endif
#else
#define CUBIE_TEST_VALUES 0
#endif

#endif
