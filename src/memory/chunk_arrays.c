/* chunk_arrays.c — sizing the chunk arrays and reading the decision back
 * (see chunk_arrays.h). */
#include "memory/chunk_arrays.h"

#include <string.h>

#include "util/error.h"

static cubie_array_manager *manager(cubie_chunk_arrays *a, int i) {
  cubie_array_manager *all[4] = {&a->inputs.manager, &a->outputs.manager, &a->summaries.manager,
                                 &a->records.manager};
  return all[i];
}

int cubie_chunk_arrays_plan(cubie_chunk_arrays *a, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout,
                            int persist_fields, cubie_chunk_axis axis, size_t budget,
                            cubie_alloc_fn alloc, cubie_release_fn release, void *ctx) {
  CUBIE_CALL(cubie_input_arrays_init(&a->inputs, p, n_states, n_parameters, layout));
  CUBIE_CALL(cubie_output_arrays_init(&a->outputs, p, layout));
  CUBIE_CALL(cubie_summary_arrays_init(&a->summaries, p, layout));
  CUBIE_CALL(cubie_record_arrays_init(&a->records, p, layout, persist_fields));
  CUBIE_CALL(cubie_memory_manager_create(budget, alloc, release, ctx, &a->mm));
  /* Queued in this order (inputs, outputs, summaries, records), which is
   * the order of the response and of `cubie check`'s listing. */
  for (int i = 0; i < 4; i++) CUBIE_CALL(cubie_array_manager_queue(manager(a, i), a->mm));
  CUBIE_CALL(cubie_memory_manager_allocate_queue(a->mm, axis, &a->response));
  for (int i = 0; i < 4; i++) cubie_array_manager_apply(manager(a, i), &a->response);
  return CUBIE_OK;
}

void cubie_chunk_arrays_free(cubie_chunk_arrays *a) {
  cubie_memory_manager_destroy(&a->mm);
  memset(a, 0, sizeof *a);
}

long long cubie_chunk_arrays_piece_runs(const cubie_chunk_arrays *a) {
  const cubie_managed_array *saves = a->outputs.saves[0].device;
  return saves->chunked_shape[saves->request.run_axis];
}

long long cubie_chunk_arrays_run_chunks(const cubie_chunk_arrays *a) {
  return a->response.chunk_axis == CUBIE_CHUNK_AXIS_RUN ? a->response.chunks : 1;
}

long long cubie_chunk_arrays_windows(const cubie_chunk_arrays *a) {
  const cubie_managed_array *saves = a->outputs.saves[0].device;
  return a->response.chunk_axis == CUBIE_CHUNK_AXIS_TIME && saves->has_chunks ? saves->num_chunks
                                                                              : 1;
}

/* Summary window s completes at save point (s + 1) * E: the windows
 * completed by save points [k0, k1). */
static void summary_range(const cubie_plan *p, long long k0, long long k1, long long *s0,
                          long long *s1) {
  *s0 = *s1 = 0;
  if (p->n_summary_items == 0 || p->n_summaries == 0) return;
  long long E = p->summary_every;
  *s0 = (k0 + E - 1) / E - 1;
  if (*s0 < 0) *s0 = 0;
  *s1 = (k1 - 1) / E;
  if (*s1 > p->n_summaries) *s1 = p->n_summaries;
  if (*s1 < *s0) *s1 = *s0;
}

int cubie_chunk_arrays_window(const cubie_chunk_arrays *a, const cubie_plan *p, long long win,
                              cubie_item_extent *e) {
  e->k0 = 0;
  e->k1 = p->n_saves;
  if (a->response.chunk_axis == CUBIE_CHUNK_AXIS_TIME) {
    const cubie_managed_array *saves = a->outputs.saves[0].device;
    cubie_array_slice ts;
    CUBIE_CALL(cubie_managed_array_chunk_slice(saves, win, &ts));
    int ax = saves->request.time_axis;
    e->k0 = ts.start[ax];
    e->k1 = ts.start[ax] + ts.shape[ax];
  }
  summary_range(p, e->k0, e->k1, &e->s0, &e->s1);
  return CUBIE_OK;
}

size_t cubie_chunk_arrays_chunk_bytes(const cubie_chunk_arrays *a) {
  return a->mm ? cubie_memory_manager_last_chunk_bytes(a->mm) : 0;
}

void cubie_chunk_arrays_clear_host(cubie_chunk_arrays *a, bool device_is_host) {
  for (int m = 1; m < 4; m++) {
    cubie_array_manager *am = manager(a, m);
    for (int i = 0; i < am->n; i++) {
      cubie_managed_array *arr = &am->arrays[i];
      bool host = device_is_host || arr->request.memory != CUBIE_MEMORY_DEVICE;
      if (host && arr->data) memset(arr->data, 0, cubie_managed_array_bytes(arr));
    }
  }
}
