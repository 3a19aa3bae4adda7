/* transfer.c — inputs in, results out, in the file's layout (see transfer.h). */
#include "memory/transfer.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/status.h"
#include "memory/layout.h"
#include "util/clock.h"
#include "util/error.h"

static int n_inputs_of(const cubie_transfer *t) {
  int n = t->job->plan->n_inputs;
  return n ? n : 1;
}

int cubie_transfer_create(cubie_transfer *t, const cubie_job *job, cubie_backend *backend,
                          cubie_chunk_arrays *arrays, bool to_host, double *seconds) {
  memset(t, 0, sizeof *t);
  t->job = job;
  t->backend = backend;
  t->arrays = arrays;
  t->seconds = seconds;
  t->to_host = to_host;
  const cubie_managed_array *table = arrays->inputs.grid_table;
  if (table) { /* once: every kernel decodes its runs from it */
    double t0 = cubie_timing_now();
    CUBIE_CALL(backend->ops->copy_to_device(backend->impl, table->data, cubie_grid_table(job->grid),
                                            (size_t)job->plan->grid_table_length * sizeof(double)));
    *seconds += cubie_timing_now() - t0;
  }
  if (!to_host) return CUBIE_OK;
  size_t R = (size_t)cubie_chunk_arrays_piece_runs(arrays);
  /* Records come back into pinned memory where the device is not the host
   * (copies at full speed); the kind is remembered for the release. */
  t->staged_kind = backend->ops->host_is_device ? CUBIE_MEMORY_HOST : CUBIE_MEMORY_PINNED;
  for (int b = 0; b < arrays->outputs.n_buffers; b++) {
    cubie_staged_records *s = &t->staged[b];
    CUBIE_CALL(backend->ops->alloc(backend->impl, t->staged_kind, R * sizeof *s->status,
                                   (void **)&s->status));
    CUBIE_CALL(backend->ops->alloc(backend->impl, t->staged_kind,
                                   R * CUBIE_N_COUNTERS * sizeof *s->counters,
                                   (void **)&s->counters));
    CUBIE_CALL(backend->ops->alloc(backend->impl, t->staged_kind,
                                   R * (size_t)n_inputs_of(t) * sizeof *s->inputs,
                                   (void **)&s->inputs));
  }
  /* Run-fastest results the device cannot reorder itself come back into
   * this buffer and are reordered by the host. */
  if (backend->ops->run_fastest && !arrays->outputs.file_layout) {
    size_t bytes = cubie_managed_array_bytes(arrays->outputs.saves[0].device);
    if (arrays->summaries.n_buffers) {
      size_t sum = cubie_managed_array_bytes(arrays->summaries.summaries[0].device);
      if (sum > bytes) bytes = sum;
    }
    t->reorder = malloc(bytes ? bytes : 1);
    CUBIE_CHECK(t->reorder, CUBIE_ERR_MEMORY, "out of memory for the reorder buffer");
  }
  return CUBIE_OK;
}

void cubie_transfer_free(cubie_transfer *t) {
  for (int b = 0; t->backend && b < CUBIE_MAX_BUFFER_SETS; b++) {
    const cubie_backend_ops *ops = t->backend->ops;
    ops->release(t->backend->impl, t->staged_kind, t->staged[b].status);
    ops->release(t->backend->impl, t->staged_kind, t->staged[b].counters);
    ops->release(t->backend->impl, t->staged_kind, t->staged[b].inputs);
  }
  free(t->reorder);
  memset(t, 0, sizeof *t);
}

int cubie_transfer_fill_inputs(cubie_transfer *t, long long start, long long n) {
  const cubie_job *job = t->job;
  const cubie_input_arrays *in = &t->arrays->inputs;
  if (in->grid_table) return CUBIE_OK; /* the kernel decodes its runs itself */
  cubie_grid_block block = {.initial_values = in->initial_values.host->data,
                            .parameters = in->parameters.host->data,
                            .f32 = job->plan->precision == CUBIE_FLOAT32,
                            .swept = t->arrays->records.swept_inputs->data};
  cubie_grid_decode(job->grid, start, n, &block);
  if (in->initial_values.host == in->initial_values.device) return CUBIE_OK;
  double t0 = cubie_timing_now();
  const cubie_backend_ops *ops = t->backend->ops;
  size_t rs = job->plan->real_size;
  int ns = cubie_model_n_states(job->model), np = cubie_model_n_parameters(job->model);
  CUBIE_CALL(ops->copy_to_device(t->backend->impl, in->initial_values.device->data,
                                 in->initial_values.host->data, (size_t)(n * ns) * rs));
  CUBIE_CALL(ops->copy_to_device(t->backend->impl, in->parameters.device->data,
                                 in->parameters.host->data, (size_t)(n * np) * rs));
  *t->seconds += cubie_timing_now() - t0;
  return CUBIE_OK;
}

void cubie_transfer_piece_args(const cubie_transfer *t, cubie_chunk_args *args, long long start,
                               long long n) {
  const cubie_chunk_arrays *a = t->arrays;
  *args = t->job->plan->args;
  args->n_runs = n;
  if (a->inputs.grid_table) {
    args->grid.first_run = start;
    args->grid.table = (const double *)a->inputs.grid_table->data;
    args->swept = (double *)a->records.swept_inputs->data;
    args->swept_axis_stride = n;
  } else {
    args->initial_values = a->inputs.initial_values.device->data;
    args->parameters = a->inputs.parameters.device->data;
  }
  args->in_run_stride = 1;
  args->in_var_stride = n;
  args->status = a->records.status->data;
  args->counters = a->records.counters->data;
  args->counter_run_stride = 1;
  args->counter_slot_stride = n;
  args->persist = a->records.persist ? a->records.persist->data : NULL;
  args->persist_run_stride = 1;
  args->persist_field_stride = n;
}

void cubie_transfer_item_args(const cubie_transfer *t, cubie_chunk_args *args,
                              const cubie_item_extent *e) {
  const cubie_chunk_arrays *a = t->arrays;
  bool run_fastest = t->backend->ops->run_fastest;
  args->window_start = e->k0;
  args->window_end = e->k1;
  args->saves = a->outputs.saves[e->buffer].device->data;
  cubie_block_strides(run_fastest, e->n, e->k1 - e->k0, &args->save_var_stride,
                      &args->save_run_stride, &args->save_time_stride);
  args->summary_start = e->s0;
  args->summary_end = e->s1;
  args->summaries = a->summaries.n_buffers ? a->summaries.summaries[e->buffer].device->data : NULL;
  cubie_block_strides(run_fastest, e->n, e->s1 - e->s0, &args->sum_var_stride,
                      &args->sum_run_stride, &args->sum_time_stride);
}

/* One block of an item's results (saves or summaries: `outer` × e->n runs ×
 * n_time) from the device into `mirror`'s host side in the file's layout:
 * reordered on the device into `file_layout` and copied with one
 * contiguous copy, or (no device reorder) copied and reordered here. A
 * block with one run or one time point is in the file's layout already. */
static int block_to_host(cubie_transfer *t, const cubie_mirrored_array *mirror,
                         const cubie_managed_array *file_layout, long long outer,
                         long long n_time, long long n_runs) {
  const cubie_backend_ops *ops = t->backend->ops;
  void *impl = t->backend->impl;
  size_t es = t->job->plan->real_size;
  size_t bytes = (size_t)(outer * n_runs * n_time) * es;
  void *host = mirror->host->data;
  const void *device = mirror->device->data;
  bool reorder = ops->run_fastest && n_time > 1 && n_runs > 1;
  if (reorder && file_layout) {
    CUBIE_CALL(ops->reorder_async(impl, file_layout->data, device, outer, n_time, n_runs, es));
    return ops->copy_to_host_async(impl, host, file_layout->data, bytes);
  }
  if (!reorder) return ops->copy_to_host_async(impl, host, device, bytes);
  CUBIE_CALL(ops->copy_to_host_async(impl, t->reorder, device, bytes));
  CUBIE_CALL(ops->synchronize_copies(impl));
  cubie_transpose(host, t->reorder, outer, n_time, n_runs, es);
  return CUBIE_OK;
}

int cubie_transfer_results_to_host(cubie_transfer *t, const cubie_item_extent *e) {
  const cubie_plan *p = t->job->plan;
  const cubie_backend_ops *ops = t->backend->ops;
  /* The kernel wrote the file's layout straight into host memory. */
  if (ops->host_is_device && !ops->run_fastest) return CUBIE_OK;
  double t0 = cubie_timing_now();
  const cubie_chunk_arrays *a = t->arrays;
  CUBIE_CALL(block_to_host(t, &a->outputs.saves[e->buffer], a->outputs.file_layout, p->n_outputs,
                           e->k1 - e->k0, e->n));
  if (e->s1 > e->s0)
    CUBIE_CALL(block_to_host(t, &a->summaries.summaries[e->buffer], a->summaries.file_layout,
                             (long long)p->n_outputs * p->n_summary_values, e->s1 - e->s0, e->n));
  /* Both blocks' copies were queued before waiting for either. */
  CUBIE_CALL(ops->synchronize_copies(t->backend->impl));
  *t->seconds += cubie_timing_now() - t0;
  return CUBIE_OK;
}

int cubie_transfer_records_to_host(cubie_transfer *t, const cubie_item_extent *e,
                                   long long *failed) {
  const cubie_backend_ops *ops = t->backend->ops;
  void *impl = t->backend->impl;
  const cubie_record_arrays *rec = &t->arrays->records;
  const cubie_staged_records *s = &t->staged[e->buffer];
  size_t n = (size_t)e->n;
  size_t status_bytes = n * sizeof *s->status;
  size_t counter_bytes = n * CUBIE_N_COUNTERS * sizeof *s->counters;
  double t0 = cubie_timing_now();
  if (ops->host_is_device) {
    memcpy(s->status, rec->status->data, status_bytes);
    memcpy(s->counters, rec->counters->data, counter_bytes);
  } else {
    CUBIE_CALL(ops->copy_to_host(impl, s->status, rec->status->data, status_bytes));
    CUBIE_CALL(ops->copy_to_host(impl, s->counters, rec->counters->data, counter_bytes));
  }
  /* The swept values: written by the kernel when it decoded its inputs
   * (device memory), else by the host when it decoded them. */
  size_t swept_bytes = n * (size_t)t->job->plan->n_inputs * sizeof *s->inputs;
  if (t->arrays->inputs.grid_table && !ops->host_is_device)
    CUBIE_CALL(ops->copy_to_host(impl, s->inputs, rec->swept_inputs->data, swept_bytes));
  else
    memcpy(s->inputs, rec->swept_inputs->data, swept_bytes);
  *t->seconds += cubie_timing_now() - t0;
  for (size_t r = 0; r < n; r++)
    if (s->status[r] & CUBIE_RUN_FAILURE_MASK) (*failed)++;
  return CUBIE_OK;
}

void cubie_transfer_host_results(const cubie_transfer *t, int buffer, cubie_host_results *out) {
  const cubie_chunk_arrays *a = t->arrays;
  out->saves = a->outputs.saves[buffer].host->data;
  out->summaries = a->summaries.n_buffers ? a->summaries.summaries[buffer].host->data : NULL;
  out->records = &t->staged[buffer];
}
