/* array_manager.h — the arrays one part of a run needs, sized from the run
 * plan, handed to the memory manager as requests, and holding the chunk
 * metadata of its response.
 *
 * Four managers exist (one file each): inputs (initial values, parameters;
 * driver coefficients would be the unchunkable member), outputs (saved
 * variables, double-buffered for the pipelined writer), summaries, and
 * per-run records (status, counters, persisted state, swept values for the
 * file). A manager never decides sizes: it describes whole arrays and reads
 * the decision back; every chunkable request carries total_runs, unchunkable
 * ones carry none.
 */
#ifndef CUBIE_ARRAY_MANAGER_H
#define CUBIE_ARRAY_MANAGER_H

#include <stdbool.h>

#include "util/error.h"
#include "memory/managed_array.h"
#include "memory/memory_manager.h"
#include "plan/plan.h"

#define CUBIE_MAX_MANAGED 8

typedef struct cubie_array_manager {
  const char *name;
  int n;
  cubie_managed_array arrays[CUBIE_MAX_MANAGED];
} cubie_array_manager;

/* How the arrays are laid out and how many buffer sets the writer needs. */
typedef struct cubie_array_layout {
  bool run_fastest;      /* [var][time][run] on the device (GPU) vs [var][run][time] (CPU) */
  bool host_mirrors;     /* device memory is not host memory: add pinned host copies */
  int output_buffers;    /* 1, or 2 for double buffering */
  long long total_runs;  /* runs this rank plans for */
} cubie_array_layout;

void cubie_array_manager_init(cubie_array_manager *m, const char *name);
int cubie_array_manager_add(cubie_array_manager *m, const char *label, cubie_dtype dtype,
                            cubie_memory_kind memory, int ndim, const long long *shape,
                            int run_axis, int time_axis, bool unchunkable,
                            const long long *total_runs);
int cubie_array_manager_queue(const cubie_array_manager *m, cubie_memory_manager *mm);
void cubie_array_manager_apply(cubie_array_manager *m, const cubie_array_response *resp);
/* The managed array labelled `label`, or NULL. */
cubie_managed_array *cubie_array_manager_get(cubie_array_manager *m, const char *label);

cubie_dtype cubie_plan_real_dtype(const cubie_plan *p);

int cubie_input_arrays_init(cubie_array_manager *m, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout);
int cubie_output_arrays_init(cubie_array_manager *m, const cubie_plan *p,
                             const cubie_array_layout *layout);
int cubie_summary_arrays_init(cubie_array_manager *m, const cubie_plan *p,
                              const cubie_array_layout *layout);
int cubie_record_arrays_init(cubie_array_manager *m, const cubie_plan *p,
                             const cubie_array_layout *layout, int persist_fields);

#endif
