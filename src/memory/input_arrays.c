/* input_arrays.c — per-run inputs: initial values and parameters, laid out
 * [variable][run] (coalesced on a GPU, harmless on a CPU). When device
 * memory is not host memory each has a pinned mirror the host fills. Driver
 * coefficients, shared by every run, will be the unchunkable member: they
 * carry no total_runs. */
#include <string.h>

#include "memory/array_manager.h"

int cubie_input_arrays_init(cubie_input_arrays *in, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout) {
  memset(in, 0, sizeof *in);
  cubie_array_manager_init(&in->manager, "inputs");
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  long long y0_shape[2] = {n_states > 0 ? n_states : 1, runs};
  long long p_shape[2] = {n_parameters > 0 ? n_parameters : 1, runs};
  cubie_array_manager *m = &in->manager;
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
