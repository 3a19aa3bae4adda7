/* output_arrays.c — saved variables at every save point. On the device the
 * layout is [output][time][run] (GPU: run fastest) or [output][run][time]
 * (CPU); the file wants [output][run][time], which the host mirrors hold.
 * With double buffering there are two of each, "saves.0" and "saves.1". */
#include <stdio.h>

#include "memory/array_manager.h"

int cubie_output_arrays_init(cubie_array_manager *m, const cubie_plan *p,
                             const cubie_array_layout *layout) {
  cubie_array_manager_init(m, "outputs");
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  for (int b = 0; b < layout->output_buffers; b++) {
    char label[32];
    long long shape[3] = {p->n_outputs, layout->run_fastest ? p->n_saves : runs,
                          layout->run_fastest ? runs : p->n_saves};
    snprintf(label, sizeof label, "saves.%d", b);
    CUBIE_CALL(cubie_array_manager_add(m, label, dt, CUBIE_MEMORY_DEVICE, 3, shape,
                                       layout->run_fastest ? 2 : 1, layout->run_fastest ? 1 : 2,
                                       false, &runs));
    if (layout->host_mirrors) {
      long long host_shape[3] = {p->n_outputs, runs, p->n_saves};
      snprintf(label, sizeof label, "host_saves.%d", b);
      CUBIE_CALL(cubie_array_manager_add(m, label, dt, CUBIE_MEMORY_PINNED, 3, host_shape, 1, 2,
                                         false, &runs));
    }
  }
  return CUBIE_OK;
}
