/* record_arrays.c — what every run ends with: its status word and counters
 * (on the device; the run loop stages them to the host per piece), the
 * state carried between time windows (only when the time axis is chunked),
 * and the swept input values the file records per run (written by the
 * kernel on the device when it decodes its inputs, else by the host). */
#include <string.h>

#include "memory/array_manager.h"
#include "kernels/status.h"

int cubie_record_arrays_init(cubie_record_arrays *rec, const cubie_plan *p,
                             const cubie_array_layout *layout, int persist_fields) {
  memset(rec, 0, sizeof *rec);
  cubie_array_manager *m = &rec->manager;
  cubie_array_manager_init(m, "records");
  long long runs = layout->total_runs;
  long long shape[2] = {runs, 1};
  CUBIE_CALL(cubie_array_manager_add(m, "status", CUBIE_DTYPE_UINT32, CUBIE_MEMORY_DEVICE, 1, shape,
                                     0, -1, false, &runs, &rec->status));
  long long cshape[2] = {CUBIE_N_COUNTERS, runs};
  CUBIE_CALL(cubie_array_manager_add(m, "counters", CUBIE_DTYPE_UINT64, CUBIE_MEMORY_DEVICE, 2,
                                     cshape, 1, -1, false, &runs, &rec->counters));
  if (persist_fields > 0) {
    long long pshape[2] = {persist_fields, runs};
    CUBIE_CALL(cubie_array_manager_add(m, "persist", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 2,
                                       pshape, 1, -1, false, &runs, &rec->persist));
  }
  long long ishape[2] = {p->n_inputs > 0 ? p->n_inputs : 1, runs};
  cubie_memory_kind where = p->args.grid.n_axes >= 0 ? CUBIE_MEMORY_DEVICE : CUBIE_MEMORY_HOST;
  CUBIE_CALL(cubie_array_manager_add(m, "swept_inputs", CUBIE_DTYPE_FLOAT64, where, 2, ishape, 1,
                                     -1, false, &runs, &rec->swept_inputs));
  return CUBIE_OK;
}
