/* summary_metrics.c — lookups over kernels/metrics.def (see
 * summary_metrics.h). */
#include "plan/summary_metrics.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "kernels/metrics.def"

/* Each row's accumulator count, its expression in the count n. */
#define METRIC_ACCUMULATORS(ID, name, counted, accumulators, ...) \
  static int accumulators_##ID(int n) {                            \
    (void)n;                                                       \
    return (accumulators);                                         \
  }
CUBIE_METRICS(METRIC_ACCUMULATORS)
#undef METRIC_ACCUMULATORS

#define METRIC_ROW(ID, name, counted, accumulators, values, value_names, cell_methods, units,   \
                   in_default, description)                                                     \
  {#ID,        name,  counted != 0, accumulators_##ID, values, value_names, cell_methods, units, \
   in_default != 0, description},
static const cubie_metric_info metrics[] = {CUBIE_METRICS(METRIC_ROW)};
#define N_METRICS ((int)(sizeof metrics / sizeof metrics[0]))

#define METRIC_NAME(ID, name, ...) name,
static const char *const metric_names[] = {CUBIE_METRICS(METRIC_NAME) NULL};

int cubie_metric_count(void) { return N_METRICS; }

const cubie_metric_info *cubie_metric_at(int i) {
  return (i >= 0 && i < N_METRICS) ? &metrics[i] : NULL;
}

const cubie_metric_info *cubie_metric_find(const char *name) {
  for (int i = 0; i < N_METRICS; i++)
    if (strcmp(metrics[i].name, name) == 0) return &metrics[i];
  return NULL;
}

const char *const *cubie_metric_names(void) { return metric_names; }

int cubie_metric_numbers(const cubie_metric_info *m, int n) {
  return m->values * (m->counted ? n : 1);
}

/* Word i of a space-separated list into buf; 0 when there is none. */
static int word_at(const char *words, int i, char *buf, size_t size) {
  const char *p = words;
  for (int k = 0;; k++) {
    while (*p == ' ') p++;
    if (!*p) return 0;
    size_t len = strcspn(p, " ");
    if (k == i) {
      snprintf(buf, size, "%.*s", (int)len, p);
      return 1;
    }
    p += len;
  }
}

int cubie_metric_value_name(const cubie_metric_info *m, int i, char *buf, size_t size) {
  CUBIE_CHECK(i >= 0 && i < m->values, CUBIE_ERR_INTERNAL, "metric %s has no value #%d", m->name, i);
  if (m->values == 1 && !m->value_names[0]) {
    snprintf(buf, size, "%s", m->name);
    return CUBIE_OK;
  }
  char word[64];
  CUBIE_CHECK(word_at(m->value_names, i, word, sizeof word), CUBIE_ERR_INTERNAL,
              "kernels/metrics.def: metric %s names fewer than its %d values", m->name, m->values);
  int len = snprintf(buf, size, "%s_%s", m->name, word);
  CUBIE_CHECK(len > 0 && (size_t)len < size, CUBIE_ERR_INTERNAL, "metric value name too long");
  return CUBIE_OK;
}

const char *cubie_metric_value_cell_method(const cubie_metric_info *m, int i, char *buf,
                                           size_t size) {
  if (!word_at(m->cell_methods, i, buf, size) || strcmp(buf, "-") == 0) return NULL;
  return buf;
}

cubie_metric_units cubie_metric_value_units(const cubie_metric_info *m, int i) {
  char word[16];
  if (!word_at(m->units, i, word, sizeof word)) return CUBIE_METRIC_UNITS_SAME;
  if (strcmp(word, "x/t") == 0) return CUBIE_METRIC_UNITS_PER_TIME;
  if (strcmp(word, "x/t2") == 0) return CUBIE_METRIC_UNITS_PER_TIME2;
  if (strcmp(word, "t") == 0) return CUBIE_METRIC_UNITS_TIME;
  return CUBIE_METRIC_UNITS_SAME;
}
