/* input_arrays.c — what the kernel reads its runs' inputs from.
 *
 * A grid the kernel decodes itself (plan args.grid.n_axes >= 0,
 * kernels/grid_decode.h) needs only its table of values on the device: one
 * small array shared by every run, the unchunkable member (no total_runs).
 * Otherwise (a grid the kernel cannot decode) the host decodes per-run
 * inputs, laid out [variable][run] (coalesced on a GPU, harmless on a CPU),
 * and when device memory is not host memory each has a pinned mirror the
 * host fills. Driver coefficients, shared by every run, will be unchunkable
 * members too. */
#include <string.h>

#include "memory/array_manager.h"

int cubie_input_arrays_init(cubie_input_arrays *in, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout) {
  memset(in, 0, sizeof *in);
  cubie_array_manager_init(&in->manager, "inputs");
  cubie_array_manager *m = &in->manager;
  if (p->args.grid.n_axes >= 0) {
    long long shape[1] = {p->grid_table_length > 0 ? p->grid_table_length : 1};
    return cubie_array_manager_add(m, "grid_table", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 1,
                                   shape, -1, -1, true, NULL, &in->grid_table);
  }
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  long long y0_shape[2] = {n_states > 0 ? n_states : 1, runs};
  long long p_shape[2] = {n_parameters > 0 ? n_parameters : 1, runs};
  CUBIE_CALL(cubie_array_manager_add(m, "initial_values", dt, CUBIE_MEMORY_DEVICE, 2, y0_shape, 1,
                                     -1, false, &runs, &in->initial_values.device));
  CUBIE_CALL(cubie_array_manager_add(m, "parameters", dt, CUBIE_MEMORY_DEVICE, 2, p_shape, 1, -1,
                                     false, &runs, &in->parameters.device));
  in->initial_values.host = in->initial_values.device;
  in->parameters.host = in->parameters.device;
  if (layout->host_mirrors) {
    CUBIE_CALL(cubie_array_manager_add(m, "host_initial_values", dt, CUBIE_MEMORY_PINNED, 2,
                                       y0_shape, 1, -1, false, &runs, &in->initial_values.host));
    CUBIE_CALL(cubie_array_manager_add(m, "host_parameters", dt, CUBIE_MEMORY_PINNED, 2, p_shape, 1,
                                       -1, false, &runs, &in->parameters.host));
  }
  return CUBIE_OK;
}
