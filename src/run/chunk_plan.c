/* chunk_plan.c — deciding the chunking before anything is sized
 * (cubie_chunk_loop_prepare; see chunk_loop.h).
 *
 * Every rank plans with the same inputs — the smallest budget of any rank
 * and the largest block of runs of any rank — so every rank reaches the
 * same decision and makes the same sequence of collective writes. The
 * persisted per-run state is only needed when the time axis is chunked, so
 * the decision is taken once without it and, if it says "time", once more
 * with it. The decision itself lives in loop->arrays (memory/chunk_arrays.h);
 * nothing here keeps a copy of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel_source.h"
#include "mpi/mpi_call.h"
#include "run/chunk_loop.h"
#include "util/error.h"

static int backend_alloc(void *ctx, cubie_memory_kind kind, size_t bytes, void **ptr) {
  cubie_backend *b = ctx;
  return b->ops->alloc(b->impl, kind, bytes, ptr);
}

static void backend_release(void *ctx, cubie_memory_kind kind, void *ptr) {
  cubie_backend *b = ctx;
  b->ops->release(b->impl, kind, ptr);
}

/* Collective: the least budget of any rank. A rank whose backend cannot
 * say still takes part in every collective call (with 0 bytes). */
static int memory_budget(cubie_chunk_loop *loop, size_t *budget) {
  const cubie_run_config *run = &loop->job->cfg->run;
  size_t bytes = 0;
  int rc = CUBIE_OK;
  if (run->memory_limit > 0) {
    bytes = (size_t)run->memory_limit;
  } else {
    rc = loop->backend->ops->memory_budget(loop->backend->impl, &bytes);
    if (rc) bytes = 0;
    /* Ranks on one memory (one physical device, or the host) split it;
     * mpi/binding.c counts them. */
    if (loop->memory_sharers > 1) bytes /= (size_t)loop->memory_sharers;
  }
  unsigned long long mine = bytes, least = 0;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, &least, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, loop->comm));
  *budget = (size_t)least;
  return rc;
}

int cubie_chunk_loop_prepare(cubie_chunk_loop *loop, bool allocate) {
  const cubie_job *job = loop->job;
  const cubie_plan *p = job->plan;
  int n_states = cubie_model_n_states(job->model);
  int n_parameters = cubie_model_n_parameters(job->model);
  loop->budget = 0;
  int rc = cubie_mpi_agree(loop->comm, memory_budget(loop, &loop->budget));
  if (rc) return rc;
  long long mine = loop->block.count, most = 0;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, &most, 1, MPI_LONG_LONG, MPI_MAX, loop->comm));

  const cubie_backend_ops *ops = loop->backend->ops;
  cubie_array_layout layout = {.run_fastest = ops->run_fastest,
                               .host_mirrors = !ops->host_is_device,
                               .device_reorder = ops->run_fastest && !ops->host_is_device &&
                                                 ops->reorder_async != NULL,
                               .output_buffers = loop->pipelined ? 2 : 1,
                               .total_runs = most > 0 ? most : 1};
  size_t budget = loop->budget > 0 ? loop->budget : 1;
  /* First without the persisted state, planning only; a plan that chunks
   * the time axis needs it, so the decision is taken once more with it. */
  cubie_chunk_arrays first;
  memset(&first, 0, sizeof first);
  rc = cubie_chunk_arrays_plan(&first, p, n_states, n_parameters, &layout, 0,
                               job->cfg->run.chunk_axis, budget, NULL, NULL, NULL);
  cubie_chunk_axis axis = first.response.chunk_axis;
  int persist = 0;
  if (!rc && axis == CUBIE_CHUNK_AXIS_TIME && first.response.chunks > 1)
    persist = cubie_kernel_persist_fields(p, n_states);
  cubie_chunk_arrays_free(&first);
  if (!rc)
    rc = cubie_chunk_arrays_plan(&loop->arrays, p, n_states, n_parameters, &layout, persist, axis,
                                 budget, allocate ? backend_alloc : NULL,
                                 allocate ? backend_release : NULL, loop->backend);
  return cubie_mpi_agree(loop->comm, rc);
}

void cubie_chunk_loop_free(cubie_chunk_loop *loop) { cubie_chunk_arrays_free(&loop->arrays); }
