/* chunk_plan.c — deciding the chunking before anything is sized
 * (cubie_chunk_loop_prepare; see chunk_loop.h).
 *
 * Every rank plans with the same inputs — the smallest budget of any rank
 * and the largest block of runs of any rank — so every rank reaches the
 * same decision and makes the same sequence of collective writes. The
 * persisted per-run state is only needed when the time axis is chunked, so
 * the decision is taken once without it and, if it says "time", once more
 * with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/chunk_loop.h"
#include "util/error.h"
#include "kernel/kernel_source.h"
#include "run/runner.h"

/* How many ranks of this node draw on the same memory as this one: those
 * with the same key (the same physical GPU), or all of them (the host). */
static int memory_sharers(MPI_Comm comm, const char *key) {
  enum { KEY = 128 };
  MPI_Comm node;
  int n = 1;
  if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS)
    return 1;
  MPI_Comm_size(node, &n);
  char mine[KEY] = "";
  snprintf(mine, sizeof mine, "%s", key ? key : "");
  char *all = malloc((size_t)n * KEY);
  int sharers = n;
  if (all && MPI_Allgather(mine, KEY, MPI_CHAR, all, KEY, MPI_CHAR, node) == MPI_SUCCESS) {
    sharers = 0;
    for (int r = 0; r < n; r++) sharers += strncmp(all + (size_t)r * KEY, mine, KEY) == 0;
  }
  free(all);
  MPI_Comm_free(&node);
  return sharers > 0 ? sharers : 1;
}

static int backend_alloc(void *ctx, cubie_memory_kind kind, size_t bytes, void **ptr) {
  cubie_backend *b = ctx;
  return b->ops->alloc(b->impl, kind, bytes, ptr);
}

static void backend_release(void *ctx, cubie_memory_kind kind, void *ptr) {
  cubie_backend *b = ctx;
  b->ops->release(b->impl, kind, ptr);
}

static int build_managers(cubie_chunk_loop *loop, const cubie_array_layout *layout, int persist) {
  const cubie_job *job = loop->job;
  CUBIE_CALL(cubie_input_arrays_init(&loop->inputs, job->plan, cubie_model_n_states(job->model),
                                     cubie_model_n_parameters(job->model), layout));
  CUBIE_CALL(cubie_output_arrays_init(&loop->outputs, job->plan, layout));
  CUBIE_CALL(cubie_summary_arrays_init(&loop->summaries, job->plan, layout));
  CUBIE_CALL(cubie_record_arrays_init(&loop->records, job->plan, layout, persist));
  return CUBIE_OK;
}

static int queue_all(cubie_chunk_loop *loop, cubie_memory_manager *mm) {
  CUBIE_CALL(cubie_array_manager_queue(&loop->inputs.manager, mm));
  CUBIE_CALL(cubie_array_manager_queue(&loop->outputs.manager, mm));
  CUBIE_CALL(cubie_array_manager_queue(&loop->summaries.manager, mm));
  CUBIE_CALL(cubie_array_manager_queue(&loop->records.manager, mm));
  return CUBIE_OK;
}

/* One planning pass: queue every manager's requests and let the memory
 * manager decide (allocating when `mm` has an allocator). */
static int plan_pass(cubie_chunk_loop *loop, const cubie_array_layout *layout, int persist,
                     cubie_chunk_axis axis, cubie_memory_manager *mm, cubie_array_response *resp) {
  CUBIE_CALL(build_managers(loop, layout, persist));
  CUBIE_CALL(queue_all(loop, mm));
  return cubie_memory_manager_allocate_queue(mm, axis, resp);
}

static int memory_budget(cubie_chunk_loop *loop, size_t *budget) {
  const cubie_run_config *run = &loop->job->cfg->run;
  size_t bytes = 0;
  if (run->memory_limit > 0) {
    bytes = (size_t)run->memory_limit;
  } else {
    CUBIE_CALL(loop->backend->ops->memory_budget(loop->backend->impl, &bytes));
    /* The node's ranks share its host memory (cpu); only the ranks bound to
     * the same physical GPU share that GPU's memory (cuda). */
    bytes /= (size_t)memory_sharers(loop->comm, loop->backend->ops->host_is_device
                                                    ? NULL : loop->memory_key);
  }
  unsigned long long mine = bytes, least = 0;
  MPI_Allreduce(&mine, &least, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, loop->comm);
  *budget = (size_t)least;
  return CUBIE_OK;
}

int cubie_chunk_loop_prepare(cubie_chunk_loop *loop, bool allocate) {
  const cubie_job *job = loop->job;
  const cubie_plan *p = job->plan;
  cubie_chunk_plan *cp = &loop->plan;
  memset(cp, 0, sizeof *cp);
  int rc = cubie_runner_agree(loop->comm, memory_budget(loop, &cp->budget));
  if (rc) return rc;
  long long mine = loop->block.count, most = 0;
  MPI_Allreduce(&mine, &most, 1, MPI_LONG_LONG, MPI_MAX, loop->comm);
  cp->runs_planned = most > 0 ? most : 1;

  const cubie_backend_ops *ops = loop->backend->ops;
  cubie_array_layout layout = {.run_fastest = ops->run_fastest,
                               .host_mirrors = !ops->host_is_device,
                               .output_buffers = loop->pipelined ? 2 : 1,
                               .total_runs = cp->runs_planned};
  cubie_memory_manager *planner = NULL;
  cubie_array_response first;
  memset(&first, 0, sizeof first);
  rc = cubie_memory_manager_create(cp->budget > 0 ? cp->budget : 1, NULL, NULL, NULL, &planner);
  if (!rc) rc = plan_pass(loop, &layout, 0, job->cfg->run.chunk_axis, planner, &first);
  cubie_memory_manager_destroy(&planner);
  if (!rc && first.chunk_axis == CUBIE_CHUNK_AXIS_TIME && first.chunks > 1)
    cp->persist_fields = cubie_kernel_persist_fields(p, cubie_model_n_states(job->model));

  if (!rc)
    rc = cubie_memory_manager_create(cp->budget > 0 ? cp->budget : 1,
                                     allocate ? backend_alloc : NULL,
                                     allocate ? backend_release : NULL, loop->backend, &loop->mm);
  if (!rc)
    rc = plan_pass(loop, &layout, cp->persist_fields, first.chunk_axis, loop->mm, &loop->response);
  if (!rc) {
    cp->chunk_bytes = cubie_memory_manager_last_chunk_bytes(loop->mm);
    cubie_array_manager_apply(&loop->inputs.manager, &loop->response);
    cubie_array_manager_apply(&loop->outputs.manager, &loop->response);
    cubie_array_manager_apply(&loop->summaries.manager, &loop->response);
    cubie_array_manager_apply(&loop->records.manager, &loop->response);
    const cubie_array_response *r = &loop->response;
    cp->axis = r->chunk_axis;
    if (r->chunk_axis == CUBIE_CHUNK_AXIS_RUN) {
      cp->run_chunk = r->chunk_length;
      cp->n_run_chunks = r->chunks;
      cp->window = p->n_saves;
      cp->n_windows = 1;
    } else {
      cp->run_chunk = cp->runs_planned;
      cp->n_run_chunks = 1;
      cp->window = r->chunk_length;
      cp->n_windows = r->chunks;
    }
    cubie_managed_array *sum = loop->summaries.n_buffers ? loop->summaries.summaries[0].device : NULL;
    if (sum) {
      int t_axis = sum->request.time_axis;
      cp->summaries_per_window = sum->chunked_shape[t_axis];
    }
  }
  return cubie_runner_agree(loop->comm, rc);
}

void cubie_chunk_loop_free(cubie_chunk_loop *loop) {
  cubie_memory_manager_destroy(&loop->mm);
}
