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
 * ones carry none. Each keeps a typed handle to every array it asked for
 * (cubie_input_arrays.parameters.device, cubie_output_arrays.saves[b].host,
 * ...): nobody looks an array up by its label, which only names it in
 * requests, messages and `cubie check`.
 */
#ifndef CUBIE_ARRAY_MANAGER_H
#define CUBIE_ARRAY_MANAGER_H

#include <stdbool.h>

#include "util/error.h"
#include "memory/managed_array.h"
#include "memory/memory_manager.h"
#include "plan/plan.h"

#define CUBIE_MAX_MANAGED 8
#define CUBIE_MAX_BUFFER_SETS 2

/* The requests of one manager and, once a response is applied, their
 * decisions. Managers are never copied once initialised: the typed handles
 * below point into `arrays`. */
typedef struct cubie_array_manager {
  const char *name;
  int n;
  cubie_managed_array arrays[CUBIE_MAX_MANAGED];
} cubie_array_manager;

/* An array the kernel reads or writes, and where the host reads or writes
 * its contents in the file's layout: its pinned mirror when device memory is
 * not host memory, else the device array itself. */
typedef struct cubie_mirrored_array {
  cubie_managed_array *device;
  cubie_managed_array *host;
} cubie_mirrored_array;

/* How the arrays are laid out and how many buffer sets the writer needs. */
typedef struct cubie_array_layout {
  bool run_fastest;      /* [var][time][run] on the device (GPU) vs [var][run][time] (CPU) */
  bool host_mirrors;     /* device memory is not host memory: add pinned host copies */
  bool device_reorder;   /* results reach the file's layout on the device (a staging array) */
  int output_buffers;    /* 1, or 2 for double buffering */
  long long total_runs;  /* runs this rank plans for */
} cubie_array_layout;

/* What the kernel reads inputs from: the grid's table when it decodes its
 * runs itself (then the per-run arrays are NULL), else per-run inputs,
 * [variable][run], the host decoded (then grid_table is NULL). */
typedef struct cubie_input_arrays {
  cubie_array_manager manager;
  cubie_managed_array *grid_table; /* device: [value], unchunkable */
  cubie_mirrored_array initial_values, parameters;
} cubie_input_arrays;

/* Saved outputs, one buffer set per writer buffer, and — when the device
 * reorders results — one device array in the file's layout that an item's
 * saves pass through on their way to the host mirror. */
typedef struct cubie_output_arrays {
  cubie_array_manager manager;
  int n_buffers;
  cubie_mirrored_array saves[CUBIE_MAX_BUFFER_SETS];
  cubie_managed_array *file_layout; /* device [output][run][time]; NULL unless device_reorder */
} cubie_output_arrays;

/* Summary metrics per summary window; n_buffers == 0 when the deck asks
 * for none. */
typedef struct cubie_summary_arrays {
  cubie_array_manager manager;
  int n_buffers;
  cubie_mirrored_array summaries[CUBIE_MAX_BUFFER_SETS];
  cubie_managed_array *file_layout; /* as cubie_output_arrays.file_layout */
} cubie_summary_arrays;

/* What every run ends with. */
typedef struct cubie_record_arrays {
  cubie_array_manager manager;
  cubie_managed_array *status;       /* device: [run] */
  cubie_managed_array *counters;     /* device: [counter][run] */
  cubie_managed_array *persist;      /* device: [field][run]; NULL unless windows persist state */
  /* [axis][run], what the file records: on the device, written by the
   * kernel, when it decodes its inputs; else on the host, by the host. */
  cubie_managed_array *swept_inputs;
} cubie_record_arrays;

void cubie_array_manager_init(cubie_array_manager *m, const char *name);
/* Add a request; *handle receives the managed array (the manager's typed
 * handle to it). */
int cubie_array_manager_add(cubie_array_manager *m, const char *label, cubie_dtype dtype,
                            cubie_memory_kind memory, int ndim, const long long *shape,
                            int run_axis, int time_axis, bool unchunkable,
                            const long long *total_runs, cubie_managed_array **handle);
/* Buffer set `b` of a block of results the kernel writes: "<what>.<b>",
 * `outer` × runs × `n_time` in the device's layout, and — when device
 * memory is not host memory — its pinned mirror "host_<what>.<b>" in the
 * file's [outer][run][time] layout. Fills *a. */
int cubie_array_manager_add_results(cubie_array_manager *m, const char *what, int b,
                                    cubie_dtype dtype, long long outer, long long n_time,
                                    const cubie_array_layout *layout, cubie_mirrored_array *a);
/* With layout->device_reorder: the device array "file_<what>" of `outer` ×
 * runs × `n_time` in the file's layout, one for all buffer sets (items
 * are copied back one at a time); else *a = NULL. */
int cubie_array_manager_add_file_layout(cubie_array_manager *m, const char *what,
                                        cubie_dtype dtype, long long outer, long long n_time,
                                        const cubie_array_layout *layout, cubie_managed_array **a);
int cubie_array_manager_queue(const cubie_array_manager *m, cubie_memory_manager *mm);
void cubie_array_manager_apply(cubie_array_manager *m, const cubie_array_response *resp);

cubie_dtype cubie_plan_real_dtype(const cubie_plan *p);

int cubie_input_arrays_init(cubie_input_arrays *in, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout);
int cubie_output_arrays_init(cubie_output_arrays *out, const cubie_plan *p,
                             const cubie_array_layout *layout);
int cubie_summary_arrays_init(cubie_summary_arrays *sum, const cubie_plan *p,
                              const cubie_array_layout *layout);
int cubie_record_arrays_init(cubie_record_arrays *rec, const cubie_plan *p,
                             const cubie_array_layout *layout, int persist_fields);

#endif
