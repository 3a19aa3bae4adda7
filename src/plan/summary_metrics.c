/* summary_metrics.c — lookups over kernels/metrics.def (see
 * summary_metrics.h). */
#include "plan/summary_metrics.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "kernels/metrics.def"

#define METRIC_ROW(ID, name, accumulators, values, value_names, cell_methods, in_default, \
                   description)                                                           \
  {#ID, name, accumulators, values, value_names, cell_methods, in_default != 0, description},
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

const char *cubie_metric_value_cell_method(const char *value_name, char *buf, size_t size) {
  for (int m = 0; m < N_METRICS; m++) {
    for (int i = 0; i < metrics[m].values; i++) {
      char name[128];
      if (cubie_metric_value_name(&metrics[m], i, name, sizeof name) != CUBIE_OK) continue;
      if (strcmp(name, value_name) != 0) continue;
      if (!word_at(metrics[m].cell_methods, i, buf, size) || strcmp(buf, "-") == 0) return NULL;
      return buf;
    }
  }
  return NULL;
}
