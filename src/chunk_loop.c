/* chunk_loop.c — running the work items, with the writer thread
 * (see chunk_loop.h). */
#include "chunk_loop.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "runner.h"
#include "status.h"

/* One run chunk × one time window, ready to be written. */
typedef struct work_item {
  long long start, n;     /* file runs [start, start + n); n == 0: an empty collective write */
  long long k0, k1;       /* save points */
  long long s0, s1;       /* summary windows completed in [k0, k1) */
  int buffer;             /* which output buffer set holds the data */
  bool records;           /* also write this chunk's per-run records (staged) */
  bool stop;
} work_item;

typedef struct writer {
  cubie_chunk_loop *loop;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  work_item queue[2];
  int head, count;
  bool buffer_busy[2];
  int rc;
  /* Records staged per buffer set, so the next chunk may reuse the device's. */
  unsigned int *status[2], *counters[2];
  double *inputs[2];
} writer;

static double now(void) { return MPI_Wtime(); }

static void *array_data(cubie_array_manager *m, const char *label) {
  cubie_managed_array *a = cubie_array_manager_get(m, label);
  return a ? a->data : NULL;
}

/* Host-side (file layout) buffer of set b: the pinned mirror when the
 * device is not host memory, else the device array itself. */
static void *host_buffer(cubie_array_manager *m, const char *what, int b) {
  char label[48];
  snprintf(label, sizeof label, "host_%s.%d", what, b);
  void *host = array_data(m, label);
  if (host) return host;
  snprintf(label, sizeof label, "%s.%d", what, b);
  return array_data(m, label);
}

static void *device_buffer(cubie_array_manager *m, const char *what, int b) {
  char label[48];
  snprintf(label, sizeof label, "%s.%d", what, b);
  return array_data(m, label);
}

static int write_item(cubie_chunk_loop *loop, writer *w, const work_item *it) {
  if (loop->phase == CUBIE_PHASE_COMPUTE_ONLY) return CUBIE_OK;
  CUBIE_CALL(cubie_output_write_saves(loop->output, it->start, it->n, it->k0, it->k1,
                                      host_buffer(&loop->outputs, "saves", it->buffer)));
  /* Every rank has the same windows, so all skip (or make) this call alike. */
  if (it->s1 > it->s0)
    CUBIE_CALL(cubie_output_write_summaries(loop->output, it->start, it->n, it->s0, it->s1,
                                            host_buffer(&loop->summaries, "summaries", it->buffer)));
  if (it->records)
    CUBIE_CALL(cubie_output_write_runs(loop->output, it->start, it->n, w->status[it->buffer],
                                       w->counters[it->buffer], w->inputs[it->buffer]));
  return CUBIE_OK;
}

static void *writer_main(void *arg) {
  writer *w = arg;
  cubie_chunk_loop *loop = w->loop;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    while (w->count == 0) pthread_cond_wait(&w->changed, &w->lock);
    work_item it = w->queue[w->head];
    pthread_mutex_unlock(&w->lock);
    if (it.stop) break;
    double t = now();
    /* After a failure keep making the collective calls, with nothing in
     * them, so the other ranks are never left waiting. */
    work_item empty = it;
    if (w->rc) empty.n = 0;
    int rc = write_item(loop, w, &empty);
    loop->timing.write += now() - t;
    pthread_mutex_lock(&w->lock);
    if (rc && !w->rc) w->rc = rc;
    w->head = (w->head + 1) % 2;
    w->count--;
    w->buffer_busy[it.buffer] = false;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
  }
  return NULL;
}

static void writer_push(writer *w, const work_item *it) {
  pthread_mutex_lock(&w->lock);
  while (w->count == 2) pthread_cond_wait(&w->changed, &w->lock);
  w->queue[(w->head + w->count) % 2] = *it;
  w->count++;
  if (!it->stop) w->buffer_busy[it->buffer] = true;
  pthread_cond_broadcast(&w->changed);
  pthread_mutex_unlock(&w->lock);
}

static void writer_wait_free(writer *w, int b) {
  pthread_mutex_lock(&w->lock);
  while (w->buffer_busy[b]) pthread_cond_wait(&w->changed, &w->lock);
  pthread_mutex_unlock(&w->lock);
}

/* Decode the inputs of runs [start, start + n) into [var][run] arrays of the
 * working precision, and the swept values the file records. */
static int fill_inputs(cubie_chunk_loop *loop, long long start, long long n) {
  const cubie_job *job = loop->job;
  int ns = cubie_model_n_states(job->model), np = cubie_model_n_parameters(job->model);
  bool mirrored = array_data(&loop->inputs, "host_initial_values") != NULL;
  void *y0_host = array_data(&loop->inputs, mirrored ? "host_initial_values" : "initial_values");
  void *p_host = array_data(&loop->inputs, mirrored ? "host_parameters" : "parameters");
  double *swept = array_data(&loop->records, "swept_inputs");
  double *y0 = malloc(sizeof(double) * (size_t)(ns + np + 1));
  CUBIE_CHECK(y0, CUBIE_ERR_MEMORY, "out of memory");
  double *par = y0 + ns;
  bool f32 = job->plan->precision == CUBIE_FLOAT32;
  for (long long r = 0; r < n; r++) {
    cubie_grid_decode(job->grid, start + r, y0, par);
    for (int i = 0; i < ns; i++) {
      if (f32) ((float *)y0_host)[(long long)i * n + r] = (float)y0[i];
      else ((double *)y0_host)[(long long)i * n + r] = y0[i];
    }
    for (int i = 0; i < np; i++) {
      if (f32) ((float *)p_host)[(long long)i * n + r] = (float)par[i];
      else ((double *)p_host)[(long long)i * n + r] = par[i];
    }
    for (int a = 0; a < job->plan->n_inputs; a++)
      swept[(long long)a * n + r] = cubie_grid_axis_value(job->grid, a, start + r);
  }
  free(y0);
  if (mirrored) {
    const cubie_backend_ops *ops = loop->backend->ops;
    size_t rs = job->plan->real_size;
    CUBIE_CALL(ops->copy_to_device(loop->backend->impl, array_data(&loop->inputs, "initial_values"),
                                   y0_host, (size_t)(n * ns) * rs));
    CUBIE_CALL(ops->copy_to_device(loop->backend->impl, array_data(&loop->inputs, "parameters"),
                                   p_host, (size_t)(n * np) * rs));
  }
  return CUBIE_OK;
}

/* [outer][rows][cols] -> [outer][cols][rows], element size `es`. */
static void transpose(void *dst, const void *src, long long outer, long long rows, long long cols,
                      size_t es) {
  const char *s = src;
  char *d = dst;
  for (long long o = 0; o < outer; o++)
    for (long long i = 0; i < rows; i++)
      for (long long j = 0; j < cols; j++)
        memcpy(d + ((o * cols + j) * rows + i) * (long long)es,
               s + ((o * rows + i) * cols + j) * (long long)es, es);
}

/* Bring an [outer][n_runs][n_time] block (file layout) to `host` from the
 * device buffer, which is [outer][n_time][n_runs] when runs are fastest. */
static int copy_back(cubie_chunk_loop *loop, void *host, void *dev, long long outer,
                     long long n_runs, long long n_time) {
  const cubie_backend_ops *ops = loop->backend->ops;
  size_t es = loop->job->plan->real_size;
  size_t bytes = (size_t)(outer * n_runs * n_time) * es;
  if (!ops->run_fastest) {
    if (dev == host) return CUBIE_OK;
    return ops->copy_to_host(loop->backend->impl, host, dev, bytes);
  }
  void *staging = malloc(bytes ? bytes : 1);
  CUBIE_CHECK(staging, CUBIE_ERR_MEMORY, "out of memory reordering results");
  int rc = ops->copy_to_host(loop->backend->impl, staging, dev, bytes);
  if (!rc) transpose(host, staging, outer, n_time, n_runs, es);
  free(staging);
  return rc;
}

/* Element strides of an [outer][run][time] (CPU) or [outer][time][run]
 * (GPU) block of n_runs x n_time. */
static void block_strides(bool run_fastest, long long n_runs, long long n_time, cubie_i64 *outer,
                          cubie_i64 *run, cubie_i64 *time) {
  *outer = n_runs * n_time;
  *run = run_fastest ? 1 : n_time;
  *time = run_fastest ? n_runs : 1;
}

static int compute_window(cubie_chunk_loop *loop, cubie_chunk_args *args, const work_item *it) {
  const cubie_plan *p = loop->job->plan;
  const cubie_backend_ops *ops = loop->backend->ops;
  int b = it->buffer;
  args->window_start = it->k0;
  args->window_end = it->k1;
  args->saves = device_buffer(&loop->outputs, "saves", b);
  block_strides(ops->run_fastest, it->n, it->k1 - it->k0, &args->save_var_stride,
                &args->save_run_stride, &args->save_time_stride);
  args->summary_start = it->s0;
  args->summary_end = it->s1;
  args->summaries = loop->summaries.n ? device_buffer(&loop->summaries, "summaries", b) : NULL;
  block_strides(ops->run_fastest, it->n, it->s1 - it->s0, &args->sum_var_stride,
                &args->sum_run_stride, &args->sum_time_stride);
  CUBIE_CALL(ops->launch(loop->backend->impl, args));
  CUBIE_CALL(ops->synchronize(loop->backend->impl));
  CUBIE_CALL(copy_back(loop, host_buffer(&loop->outputs, "saves", b), args->saves, p->n_outputs,
                       it->n, it->k1 - it->k0));
  if (it->s1 > it->s0)
    CUBIE_CALL(copy_back(loop, host_buffer(&loop->summaries, "summaries", b), args->summaries,
                         (long long)p->n_outputs * p->n_metrics, it->n, it->s1 - it->s0));
  return CUBIE_OK;
}

/* Stage the chunk's records for the writer and count failed runs. */
static int stage_records(cubie_chunk_loop *loop, writer *w, const work_item *it, long long *failed) {
  const cubie_backend_ops *ops = loop->backend->ops;
  void *impl = loop->backend->impl;
  unsigned int *status = array_data(&loop->records, "status");
  unsigned int *counters = array_data(&loop->records, "counters");
  size_t n = (size_t)it->n;
  if (ops->host_is_device) {
    memcpy(w->status[it->buffer], status, n * sizeof *status);
    memcpy(w->counters[it->buffer], counters, n * CUBIE_N_COUNTERS * sizeof *counters);
  } else {
    CUBIE_CALL(ops->copy_to_host(impl, w->status[it->buffer], status, n * sizeof *status));
    CUBIE_CALL(ops->copy_to_host(impl, w->counters[it->buffer], counters,
                                 n * CUBIE_N_COUNTERS * sizeof *counters));
  }
  int n_inputs = loop->job->plan->n_inputs;
  memcpy(w->inputs[it->buffer], array_data(&loop->records, "swept_inputs"),
         n * (size_t)(n_inputs ? n_inputs : 1) * sizeof(double));
  for (size_t r = 0; r < n; r++)
    if (w->status[it->buffer][r] & CUBIE_RUN_FAILURE_MASK) (*failed)++;
  return CUBIE_OK;
}

static void summary_range(const cubie_plan *p, long long k0, long long k1, long long *s0,
                          long long *s1) {
  *s0 = *s1 = 0;
  if (p->n_metrics == 0 || p->n_summaries == 0) return;
  long long E = p->summary_every;
  /* Summary window s completes at save point (s + 1) * E. */
  *s0 = (k0 + E - 1) / E - 1;
  if (*s0 < 0) *s0 = 0;
  *s1 = (k1 - 1) / E;
  if (*s1 > p->n_summaries) *s1 = p->n_summaries;
  if (*s1 < *s0) *s1 = *s0;
}

static int writer_start(cubie_chunk_loop *loop, writer *w) {
  memset(w, 0, sizeof *w);
  w->loop = loop;
  size_t R = (size_t)loop->plan.run_chunk;
  int n_inputs = loop->job->plan->n_inputs;
  for (int b = 0; b < 2; b++) {
    w->status[b] = malloc(R * sizeof(unsigned int));
    w->counters[b] = malloc(R * CUBIE_N_COUNTERS * sizeof(unsigned int));
    w->inputs[b] = malloc(R * (size_t)(n_inputs ? n_inputs : 1) * sizeof(double));
    CUBIE_CHECK(w->status[b] && w->counters[b] && w->inputs[b], CUBIE_ERR_MEMORY,
                "out of memory staging run records");
  }
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->changed, NULL);
  if (loop->pipelined) {
    int rc = pthread_create(&w->thread, NULL, writer_main, w);
    CUBIE_CHECK(rc == 0, CUBIE_ERR_INTERNAL, "cannot start the writer thread");
  }
  return CUBIE_OK;
}

static void writer_free(writer *w) {
  for (int b = 0; b < 2; b++) {
    free(w->status[b]);
    free(w->counters[b]);
    free(w->inputs[b]);
  }
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->changed);
}

/* Write-only benchmarks write buffers no kernel filled: give them defined
 * contents (what is written does not change how long writing takes). */
static void clear_host_arrays(cubie_chunk_loop *loop) {
  cubie_array_manager *managers[3] = {&loop->outputs, &loop->summaries, &loop->records};
  bool device_is_host = loop->backend->ops->host_is_device;
  for (int m = 0; m < 3; m++)
    for (int i = 0; i < managers[m]->n; i++) {
      cubie_managed_array *a = &managers[m]->arrays[i];
      bool host = device_is_host || a->request.memory != CUBIE_MEMORY_DEVICE;
      if (!host || !a->data) continue;
      size_t bytes = cubie_dtype_size(a->request.dtype);
      for (int d = 0; d < a->request.ndim; d++) bytes *= (size_t)a->chunked_shape[d];
      memset(a->data, 0, bytes);
    }
}

/* Hand an item over: to the writer thread, or write it here. */
static void submit(cubie_chunk_loop *loop, writer *w, const work_item *it) {
  if (loop->pipelined) {
    writer_push(w, it);
    return;
  }
  if (it->stop) return;
  double t = now();
  work_item empty = *it;
  if (w->rc) empty.n = 0;
  int rc = write_item(loop, w, &empty);
  loop->timing.write += now() - t;
  if (rc && !w->rc) w->rc = rc;
}

int cubie_chunk_loop_run(cubie_chunk_loop *loop, long long *failed) {
  *failed = 0;
  double loop_start = now();
  const cubie_plan *p = loop->job->plan;
  const cubie_chunk_plan *cp = &loop->plan;
  writer w;
  int rc = writer_start(loop, &w);
  if (rc) {
    writer_free(&w);
    return cubie_runner_agree(loop->comm, rc);
  }
  int local_rc = CUBIE_OK;
  int n_buffers = loop->pipelined ? 2 : 1;
  if (loop->phase == CUBIE_PHASE_WRITE_ONLY) clear_host_arrays(loop);
  long long item_index = 0;
  cubie_managed_array *run_axis = cubie_array_manager_get(&loop->inputs, "initial_values");
  cubie_managed_array *time_axis = cubie_array_manager_get(&loop->outputs, "saves.0");
  for (long long c = 0; c < cp->n_run_chunks; c++) {
    cubie_array_slice rs;
    cubie_chunk_args args = p->args;
    long long rel = 0, len = cp->runs_planned;
    if (cp->axis == CUBIE_CHUNK_AXIS_RUN) {
      if (!local_rc) local_rc = cubie_managed_array_chunk_slice(run_axis, c, &rs);
      rel = rs.start[1];
      len = rs.shape[1];
    }
    long long n = loop->block.count - rel;
    if (n > len) n = len;
    if (n < 0) n = 0;
    long long start = loop->block.start + (n > 0 ? rel : 0);
    double t = now();
    if (!local_rc && n > 0) {
      local_rc = fill_inputs(loop, start, n);
      args.n_runs = n;
      args.initial_values = array_data(&loop->inputs, "initial_values");
      args.parameters = array_data(&loop->inputs, "parameters");
      args.in_run_stride = 1;
      args.in_var_stride = n;
      args.status = array_data(&loop->records, "status");
      args.counters = array_data(&loop->records, "counters");
      args.counter_run_stride = 1;
      args.counter_slot_stride = n;
      args.persist = cp->persist_fields ? array_data(&loop->records, "persist") : NULL;
      args.persist_run_stride = 1;
      args.persist_field_stride = n;
    }
    loop->timing.compute += now() - t;
    for (long long win = 0; win < cp->n_windows; win++) {
      work_item it;
      memset(&it, 0, sizeof it);
      it.k0 = 0;
      it.k1 = p->n_saves;
      if (cp->axis == CUBIE_CHUNK_AXIS_TIME) {
        cubie_array_slice ts;
        if (!local_rc) local_rc = cubie_managed_array_chunk_slice(time_axis, win, &ts);
        int ax = time_axis->request.time_axis;
        it.k0 = ts.start[ax];
        it.k1 = ts.start[ax] + ts.shape[ax];
      }
      summary_range(p, it.k0, it.k1, &it.s0, &it.s1);
      it.buffer = (int)(item_index % n_buffers);
      it.start = start;
      it.records = win == cp->n_windows - 1;
      t = now();
      writer_wait_free(&w, it.buffer);
      loop->timing.wait += now() - t;
      t = now();
      if (!local_rc && n > 0) {
        it.n = n;
        if (loop->phase != CUBIE_PHASE_WRITE_ONLY) local_rc = compute_window(loop, &args, &it);
        if (!local_rc && it.records) local_rc = stage_records(loop, &w, &it, failed);
      }
      loop->timing.compute += now() - t;
      if (local_rc) it.n = 0;
      submit(loop, &w, &it);
      item_index++;
    }
  }
  work_item stop = {.stop = true};
  submit(loop, &w, &stop);
  if (loop->pipelined) pthread_join(w.thread, NULL);
  if (loop->backend->ops->kernel_seconds && !local_rc)
    local_rc = loop->backend->ops->kernel_seconds(loop->backend->impl, &loop->timing.kernel);
  rc = local_rc ? local_rc : w.rc;
  writer_free(&w);
  loop->timing.loop = now() - loop_start;
  return cubie_runner_agree(loop->comm, rc);
}
