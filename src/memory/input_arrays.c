/* input_arrays.c — per-run inputs: initial values and parameters, laid out
 * [variable][run] (coalesced on a GPU, harmless on a CPU). Driver
 * coefficients, shared by every run, will be the unchunkable member: they
 * carry no total_runs. */
#include "memory/array_manager.h"

int cubie_input_arrays_init(cubie_array_manager *m, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout) {
  cubie_array_manager_init(m, "inputs");
  cubie_dtype dt = cubie_plan_real_dtype(p);
  long long runs = layout->total_runs;
  long long shape[2] = {n_states > 0 ? n_states : 1, runs};
  CUBIE_CALL(cubie_array_manager_add(m, "initial_values", dt, CUBIE_MEMORY_DEVICE, 2, shape, 1, -1,
                                     false, &runs));
  shape[0] = n_parameters > 0 ? n_parameters : 1;
  CUBIE_CALL(cubie_array_manager_add(m, "parameters", dt, CUBIE_MEMORY_DEVICE, 2, shape, 1, -1,
                                     false, &runs));
  if (layout->host_mirrors) {
    shape[0] = n_states > 0 ? n_states : 1;
    CUBIE_CALL(cubie_array_manager_add(m, "host_initial_values", dt, CUBIE_MEMORY_PINNED, 2, shape,
                                       1, -1, false, &runs));
    shape[0] = n_parameters > 0 ? n_parameters : 1;
    CUBIE_CALL(cubie_array_manager_add(m, "host_parameters", dt, CUBIE_MEMORY_PINNED, 2, shape, 1,
                                       -1, false, &runs));
  }
  return CUBIE_OK;
}
