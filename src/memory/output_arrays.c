/* output_arrays.c — saved variables at every save point. On the device the
 * layout is [output][time][run] (GPU: run fastest) or [output][run][time]
 * (CPU); the file wants [output][run][time], which the host mirrors hold.
 * With double buffering there are two of each ("saves.0", "saves.1"); a
 * device that reorders results on its side has one more device array in
 * the file's layout ("file_saves") they pass through. */
#include <string.h>

#include "memory/array_manager.h"

int cubie_output_arrays_init(cubie_output_arrays *out, const cubie_plan *p,
                             const cubie_array_layout *layout) {
  memset(out, 0, sizeof *out);
  cubie_array_manager_init(&out->manager, "outputs");
  CUBIE_CHECK(layout->output_buffers >= 1 && layout->output_buffers <= CUBIE_MAX_BUFFER_SETS,
              CUBIE_ERR_INTERNAL, "outputs: %d buffer sets", layout->output_buffers);
  out->n_buffers = layout->output_buffers;
  for (int b = 0; b < out->n_buffers; b++)
    CUBIE_CALL(cubie_array_manager_add_results(&out->manager, "saves", b, cubie_plan_real_dtype(p),
                                               p->n_outputs, p->n_saves, layout, &out->saves[b]));
  return cubie_array_manager_add_file_layout(&out->manager, "saves", cubie_plan_real_dtype(p),
                                             p->n_outputs, p->n_saves, layout, &out->file_layout);
}
