/* summary_arrays.c — summary metrics per summary window, laid out like the
 * saved outputs with (output, metric) pairs as the outer axis and summary
 * windows as the time axis. Absent (no buffer sets) when the deck asks for
 * no summaries. */
#include <stdio.h>

#include <string.h>

#include "memory/array_manager.h"

int cubie_summary_arrays_init(cubie_summary_arrays *sum, const cubie_plan *p,
                              const cubie_array_layout *layout) {
  memset(sum, 0, sizeof *sum);
  cubie_array_manager_init(&sum->manager, "summaries");
  if (p->n_metrics == 0 || p->n_summaries == 0) return CUBIE_OK;
  CUBIE_CHECK(layout->output_buffers >= 1 && layout->output_buffers <= CUBIE_MAX_BUFFER_SETS,
              CUBIE_ERR_INTERNAL, "summaries: %d buffer sets", layout->output_buffers);
  sum->n_buffers = layout->output_buffers;
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  long long pairs = (long long)p->n_outputs * p->n_metrics;
  for (int b = 0; b < layout->output_buffers; b++) {
    cubie_mirrored_array *s = &sum->summaries[b];
    char label[32];
    long long shape[3] = {pairs, layout->run_fastest ? p->n_summaries : runs,
                          layout->run_fastest ? runs : p->n_summaries};
    snprintf(label, sizeof label, "summaries.%d", b);
    CUBIE_CALL(cubie_array_manager_add(&sum->manager, label, dt, CUBIE_MEMORY_DEVICE, 3, shape,
                                       layout->run_fastest ? 2 : 1, layout->run_fastest ? 1 : 2,
                                       false, &runs, &s->device));
    s->host = s->device;
    if (layout->host_mirrors) {
      long long host_shape[3] = {pairs, runs, p->n_summaries};
      snprintf(label, sizeof label, "host_summaries.%d", b);
      CUBIE_CALL(cubie_array_manager_add(&sum->manager, label, dt, CUBIE_MEMORY_PINNED, 3,
                                         host_shape, 1, 2, false, &runs, &s->host));
    }
  }
  return CUBIE_OK;
}
