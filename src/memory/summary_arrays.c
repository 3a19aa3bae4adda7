/* summary_arrays.c — summary metrics per summary window, laid out like the
 * saved outputs with (output, metric) pairs as the outer axis and summary
 * windows as the time axis. Absent when the deck asks for no summaries. */
#include <stdio.h>

#include "memory/array_manager.h"

int cubie_summary_arrays_init(cubie_array_manager *m, const cubie_plan *p,
                              const cubie_array_layout *layout) {
  cubie_array_manager_init(m, "summaries");
  if (p->n_metrics == 0 || p->n_summaries == 0) return CUBIE_OK;
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  long long pairs = (long long)p->n_outputs * p->n_summary_values;
  for (int b = 0; b < layout->output_buffers; b++) {
    char label[32];
    long long shape[3] = {pairs, layout->run_fastest ? p->n_summaries : runs,
                          layout->run_fastest ? runs : p->n_summaries};
    snprintf(label, sizeof label, "summaries.%d", b);
    CUBIE_CALL(cubie_array_manager_add(m, label, dt, CUBIE_MEMORY_DEVICE, 3, shape,
                                       layout->run_fastest ? 2 : 1, layout->run_fastest ? 1 : 2,
                                       false, &runs));
    if (layout->host_mirrors) {
      long long host_shape[3] = {pairs, runs, p->n_summaries};
      snprintf(label, sizeof label, "host_summaries.%d", b);
      CUBIE_CALL(cubie_array_manager_add(m, label, dt, CUBIE_MEMORY_PINNED, 3, host_shape, 1, 2,
                                         false, &runs));
    }
  }
  return CUBIE_OK;
}
