/* output_arrays.c — saved variables at every save point. On the device the
 * layout is [output][time][run] (GPU: run fastest) or [output][run][time]
 * (CPU); the file wants [output][run][time], which the host mirrors hold.
 * With double buffering there are two of each ("saves.0", "saves.1"). */
#include <stdio.h>

#include <string.h>

#include "memory/array_manager.h"

int cubie_output_arrays_init(cubie_output_arrays *out, const cubie_plan *p,
                             const cubie_array_layout *layout) {
  memset(out, 0, sizeof *out);
  cubie_array_manager_init(&out->manager, "outputs");
  CUBIE_CHECK(layout->output_buffers >= 1 && layout->output_buffers <= CUBIE_MAX_BUFFER_SETS,
              CUBIE_ERR_INTERNAL, "outputs: %d buffer sets", layout->output_buffers);
  out->n_buffers = layout->output_buffers;
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  for (int b = 0; b < layout->output_buffers; b++) {
    cubie_mirrored_array *saves = &out->saves[b];
    char label[32];
    long long shape[3] = {p->n_outputs, layout->run_fastest ? p->n_saves : runs,
                          layout->run_fastest ? runs : p->n_saves};
    snprintf(label, sizeof label, "saves.%d", b);
    CUBIE_CALL(cubie_array_manager_add(&out->manager, label, dt, CUBIE_MEMORY_DEVICE, 3, shape,
                                       layout->run_fastest ? 2 : 1, layout->run_fastest ? 1 : 2,
                                       false, &runs, &saves->device));
    saves->host = saves->device;
    if (layout->host_mirrors) {
      long long host_shape[3] = {p->n_outputs, runs, p->n_saves};
      snprintf(label, sizeof label, "host_saves.%d", b);
      CUBIE_CALL(cubie_array_manager_add(&out->manager, label, dt, CUBIE_MEMORY_PINNED, 3,
                                         host_shape, 1, 2, false, &runs, &saves->host));
    }
  }
  return CUBIE_OK;
}
