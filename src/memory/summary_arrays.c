/* summary_arrays.c — summary metrics per summary window, laid out like the
 * saved outputs with (output, metric) pairs as the outer axis and summary
 * windows as the time axis. Absent (no buffer sets) when the deck asks for
 * no summaries. */
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
  long long pairs = (long long)p->n_outputs * p->n_summary_values;
  for (int b = 0; b < sum->n_buffers; b++)
    CUBIE_CALL(cubie_array_manager_add_results(&sum->manager, "summaries", b,
                                               cubie_plan_real_dtype(p), pairs, p->n_summaries,
                                               layout, &sum->summaries[b]));
  return cubie_array_manager_add_file_layout(&sum->manager, "summaries", cubie_plan_real_dtype(p),
                                             pairs, p->n_summaries, layout, &sum->file_layout);
}
