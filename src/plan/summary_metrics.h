/* summary_metrics.h — the host's view of the summary metrics: the rows of
 * kernels/metrics.def as a table the host can search (deck validation and
 * defaults, the plan's accumulator and value counts, file variable names,
 * units and their CF cell_methods).
 *
 * What a metric computes lives only in kernels/metrics.h, and every fact
 * about it only in its metrics.def row; this module adds lookups and the
 * naming rule for metrics with several values, never facts.
 */
#ifndef CUBIE_SUMMARY_METRICS_H
#define CUBIE_SUMMARY_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* How a value's units follow from the saved quantity's (metrics.def). */
typedef enum cubie_metric_units {
  CUBIE_METRIC_UNITS_SAME = 0,   /* x: the quantity's units */
  CUBIE_METRIC_UNITS_PER_TIME,   /* x/t */
  CUBIE_METRIC_UNITS_PER_TIME2,  /* x/t2 */
  CUBIE_METRIC_UNITS_TIME        /* t: the model's time units */
} cubie_metric_units;

/* One row of kernels/metrics.def (see there for each column's meaning). */
typedef struct cubie_metric_info {
  const char *id;           /* "MEAN": the kernel's kind CUBIE_METRIC_<id> */
  const char *name;         /* deck word */
  bool counted;             /* takes a count n: "peaks[n]" */
  int (*accumulators)(int n); /* per saved quantity, kept between save points */
  int values;               /* file variables per saved quantity */
  const char *value_names;  /* "" for one value; else one word per value */
  const char *cell_methods; /* one CF word per value; "-": none */
  const char *units;        /* one of x, x/t, x/t2, t per value */
  bool in_default;          /* computed when a deck lists no metrics */
  const char *description;
} cubie_metric_info;

int cubie_metric_count(void);
const cubie_metric_info *cubie_metric_at(int i);
/* NULL when unknown. */
const cubie_metric_info *cubie_metric_find(const char *name);
/* Every deck name, in list order, NULL-terminated (for validation). */
const char *const *cubie_metric_names(void);

/* Numbers per saved quantity per summary window for count n: values, times
 * n for a counted metric (the kernel's CUBIE_METRIC_VALUES_<ID>(n)). */
int cubie_metric_numbers(const cubie_metric_info *m, int n);

/* The suffix of value variable i of metric m in file variable names: the
 * metric's name for a one-value metric, "<name>_<value word>" otherwise
 * (x_mean, x_extrema_max, x_peaks_time). */
int cubie_metric_value_name(const cubie_metric_info *m, int i, char *buf, size_t size);
/* The CF cell_methods word of value i (NULL: none); `buf` holds it. */
const char *cubie_metric_value_cell_method(const cubie_metric_info *m, int i, char *buf,
                                           size_t size);
/* How value i's units follow from the quantity's. */
cubie_metric_units cubie_metric_value_units(const cubie_metric_info *m, int i);

#endif
