/* summary_metrics.h — the host's view of the summary metrics: the rows of
 * kernels/metrics.def as a table the host can search (deck validation and
 * defaults, the plan's accumulator and value counts, file variable names and
 * their CF cell_methods).
 *
 * What a metric computes lives only in kernels/metrics.h, and every fact
 * about it only in its metrics.def row; this module adds lookups and the
 * naming rule for metrics with several values, never facts.
 */
#ifndef CUBIE_SUMMARY_METRICS_H
#define CUBIE_SUMMARY_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* One row of kernels/metrics.def (see there for each column's meaning). */
typedef struct cubie_metric_info {
  const char *id;           /* "MEAN": the kernel's kind CUBIE_METRIC_<id> */
  const char *name;         /* deck word and file-variable suffix */
  int accumulators;         /* per saved quantity, kept between save points */
  int values;               /* per saved quantity and summary window */
  const char *value_names;  /* "" for one value; else one word per value */
  const char *cell_methods; /* one CF word per value; "-": none */
  bool in_default;          /* computed when a deck lists no metrics */
  const char *description;
} cubie_metric_info;

int cubie_metric_count(void);
const cubie_metric_info *cubie_metric_at(int i);
/* NULL when unknown. */
const cubie_metric_info *cubie_metric_find(const char *name);
/* Every deck name, in list order, NULL-terminated (for validation). */
const char *const *cubie_metric_names(void);

/* The suffix of value i of metric m in file variable names: the metric's
 * name for a one-value metric, "<name>_<value word>" otherwise. */
int cubie_metric_value_name(const cubie_metric_info *m, int i, char *buf, size_t size);
/* The CF cell_methods word of the summary value named `value_name` (as
 * cubie_metric_value_name makes it); NULL when it has none. `buf` holds the
 * word. */
const char *cubie_metric_value_cell_method(const char *value_name, char *buf, size_t size);

#endif
