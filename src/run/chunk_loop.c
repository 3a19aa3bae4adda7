/* chunk_loop.c — running the work items, with the writer thread
 * (see chunk_loop.h).
 *
 * Work comes in pieces (contiguous real runs, at most one chunk long) — a
 * fixed list for the static and weighted decompositions, claimed blocks for
 * the dynamic one — and each piece is integrated window by window. The main
 * thread computes; the writer thread writes, and is the only thread that
 * calls MPI while the loop runs (MPI_THREAD_SERIALIZED): it also feeds the
 * progress counter, agrees on stopping after a signal, and claims the next
 * dynamic block. On a GPU the kernel of item k runs while item k-1 is
 * copied back; on the CPU item k-1 is handed to the writer before item k is
 * computed.
 */
#include "run/chunk_loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpi/decomposer.h"
#include "util/error.h"
#include "run/runner.h"
#include "mpi/signals.h"
#include "kernels/status.h"
#include "mpi/timing.h"

/* One piece × one time window. */
typedef struct work_item {
  long long index;        /* position in this rank's item sequence */
  long long start, n;     /* real runs [start, start + n); n == 0: an empty collective write */
  long long k0, k1;       /* save points */
  long long s0, s1;       /* summary windows completed in [k0, k1) */
  int buffer;             /* which output buffer set holds the data */
  bool records;           /* last window: also write the piece's per-run records (staged) */
  bool stop;
} work_item;

#define CLAIM_QUEUE 64

typedef struct writer {
  cubie_chunk_loop *loop;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  work_item queue[2];
  int head, count;
  bool buffer_busy[2];
  int rc;
  /* Records staged per buffer set, so the next piece may reuse the device's. */
  unsigned int *status[2], *counters[2];
  double *inputs[2];
  /* Static: the stop point every rank agrees on after each item. */
  cubie_stop_point stop;
  /* Dynamic: pieces claimed for the main thread. */
  cubie_run_piece claims[CLAIM_QUEUE];
  int claim_head, claim_count;
  bool exhausted, cancelled;
  int stop_signal;
  long long runs_written;
} writer;

static double now(void) { return cubie_timing_now(); }

static void *array_data(cubie_array_manager *m, const char *label) {
  cubie_managed_array *a = cubie_array_manager_get(m, label);
  return a ? a->data : NULL;
}

static size_t array_bytes(cubie_array_manager *m, const char *label) {
  cubie_managed_array *a = cubie_array_manager_get(m, label);
  if (!a) return 0;
  return cubie_array_bytes(a->request.dtype, a->request.ndim, a->chunked_shape);
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

/* ------------------------------------------------------------------------ */
/* The writer side                                                          */
/* ------------------------------------------------------------------------ */

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

/* Claim the next dynamic block and queue its pieces for the main thread.
 * Writer thread (or the main thread before the writer starts). */
static int claim_next(cubie_chunk_loop *loop, writer *w) {
  if (w->exhausted) return CUBIE_OK;
  cubie_run_block b = {0, 0};
  CUBIE_CALL(cubie_run_counter_claim(loop->counter, &b));
  cubie_run_piece *pieces = NULL;
  long long n = 0, cap = 0;
  int rc = CUBIE_OK;
  if (b.count > 0)
    rc = cubie_run_set_pieces(loop->runs, b.start, b.count, loop->plan.run_chunk, &pieces, &n, &cap);
  pthread_mutex_lock(&w->lock);
  if (b.count == 0) w->exhausted = true;
  for (long long i = 0; !rc && i < n; i++) {
    if (w->claim_count == CLAIM_QUEUE) {
      rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "dynamic claim queue overflow");
      break;
    }
    w->claims[(w->claim_head + w->claim_count) % CLAIM_QUEUE] = pieces[i];
    w->claim_count++;
  }
  pthread_cond_broadcast(&w->changed);
  pthread_mutex_unlock(&w->lock);
  free(pieces);
  return rc;
}

/* Everything the writer does with one item; the MPI calls of the loop. */
static int after_compute(cubie_chunk_loop *loop, writer *w, const work_item *it) {
  double t = now();
  /* After a failure keep making the collective calls, with nothing in
   * them, so the other ranks are never left waiting. */
  work_item empty = *it;
  if (w->rc) empty.n = 0;
  int rc = write_item(loop, w, &empty);
  loop->timing.write += now() - t;
  if (!rc && it->records && empty.n > 0) {
    w->runs_written += empty.n;
    if (loop->progress) rc = cubie_progress_add(loop->progress, empty.n);
  }
  if (loop->counter) {
    if (!w->cancelled && cubie_signals_caught()) {
      w->cancelled = true;
      w->stop_signal = cubie_signals_caught();
      int crc = cubie_run_counter_cancel(loop->counter);
      if (!rc) rc = crc;
    }
    if (!rc && it->records) rc = claim_next(loop, w);
  } else {
    cubie_stop_point stop = w->stop;
    /* Depth 1: the main thread may have the next item under way already
     * (pipelined, or launched before this one was handed over on a GPU). */
    int src = cubie_signals_agree_after_item(loop->comm, it->index, 1, &stop);
    pthread_mutex_lock(&w->lock);
    w->stop = stop;
    pthread_mutex_unlock(&w->lock);
    if (!rc) rc = src;
  }
  return rc;
}

static void *writer_main(void *arg) {
  writer *w = arg;
  cubie_chunk_loop *loop = w->loop;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    while (w->count == 0) {
      if (loop->counter) {
        /* Idle: give software one-sided MPI a chance to progress other
         * ranks' claims on the counter we may host. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 1000000;
        if (until.tv_nsec >= 1000000000) {
          until.tv_sec++;
          until.tv_nsec -= 1000000000;
        }
        int wait = pthread_cond_timedwait(&w->changed, &w->lock, &until);
        if (wait == ETIMEDOUT && w->count == 0) {
          pthread_mutex_unlock(&w->lock);
          cubie_run_counter_poll(loop->counter);
          pthread_mutex_lock(&w->lock);
        }
      } else {
        pthread_cond_wait(&w->changed, &w->lock);
      }
    }
    work_item it = w->queue[w->head];
    pthread_mutex_unlock(&w->lock);
    if (it.stop) break;
    int rc = after_compute(loop, w, &it);
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

/* Hand an item over: to the writer thread, or do its part here. */
static void submit(cubie_chunk_loop *loop, writer *w, const work_item *it) {
  if (loop->pipelined) {
    writer_push(w, it);
    return;
  }
  if (it->stop) return;
  int rc = after_compute(loop, w, it);
  if (rc && !w->rc) w->rc = rc;
}

static int writer_start(cubie_chunk_loop *loop, writer *w) {
  memset(w, 0, sizeof *w);
  w->loop = loop;
  cubie_stop_point_init(&w->stop);
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->changed, NULL);
  size_t R = (size_t)loop->plan.run_chunk;
  int n_inputs = loop->job->plan->n_inputs;
  for (int b = 0; b < 2; b++) {
    w->status[b] = malloc(R * sizeof(unsigned int));
    w->counters[b] = malloc(R * CUBIE_N_COUNTERS * sizeof(unsigned int));
    w->inputs[b] = malloc(R * (size_t)(n_inputs ? n_inputs : 1) * sizeof(double));
    CUBIE_CHECK(w->status[b] && w->counters[b] && w->inputs[b], CUBIE_ERR_MEMORY,
                "out of memory staging run records");
  }
  return CUBIE_OK;
}

static int writer_launch(cubie_chunk_loop *loop, writer *w) {
  if (!loop->pipelined) return CUBIE_OK;
  int rc = pthread_create(&w->thread, NULL, writer_main, w);
  CUBIE_CHECK(rc == 0, CUBIE_ERR_INTERNAL, "cannot start the writer thread");
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

/* ------------------------------------------------------------------------ */
/* The compute side                                                         */
/* ------------------------------------------------------------------------ */

/* Store value v at row `row`, run r of a [var][run] array of the working precision. */
static void put_input(void *base, bool f32, long long row, long long n, long long r, double v) {
  if (f32) ((float *)base)[row * n + r] = (float)v;
  else ((double *)base)[row * n + r] = v;
}

/* The inputs of runs [start, start + n) as [var][run] arrays of the working
 * precision, and the swept values the file records. Row by row: a variable
 * no axis sweeps is its default in every run; each axis value is decoded
 * once per run (from the run index, cubie_grid_axis_value). */
static int fill_inputs(cubie_chunk_loop *loop, long long start, long long n) {
  const cubie_job *job = loop->job;
  const cubie_grid *g = job->grid;
  int ns = cubie_model_n_states(job->model), np = cubie_model_n_parameters(job->model);
  bool mirrored = array_data(&loop->inputs, "host_initial_values") != NULL;
  void *y0_host = array_data(&loop->inputs, mirrored ? "host_initial_values" : "initial_values");
  void *p_host = array_data(&loop->inputs, mirrored ? "host_parameters" : "parameters");
  double *swept = array_data(&loop->records, "swept_inputs");
  bool f32 = job->plan->precision == CUBIE_FLOAT32;
  int n_axes = cubie_grid_n_axes(g);
  for (int k = 0; k < 2; k++) {
    cubie_symbol_kind kind = k == 0 ? CUBIE_SYMBOL_STATE : CUBIE_SYMBOL_PARAMETER;
    void *base = k == 0 ? y0_host : p_host;
    for (int i = 0; i < (k == 0 ? ns : np); i++) {
      int axis = -1;
      for (int a = 0; a < n_axes; a++)
        if (cubie_grid_axis_kind(g, a) == kind && cubie_grid_axis_index(g, a) == i) axis = a;
      if (axis >= 0) {
        for (long long r = 0; r < n; r++) {
          double v = cubie_grid_axis_value(g, axis, start + r);
          put_input(base, f32, i, n, r, v);
          swept[(long long)axis * n + r] = v;
        }
      } else {
        double v = cubie_model_default_value(job->model, kind, i);
        for (long long r = 0; r < n; r++) put_input(base, f32, i, n, r, v);
      }
    }
  }
  if (mirrored) {
    double t = now();
    const cubie_backend_ops *ops = loop->backend->ops;
    size_t rs = job->plan->real_size;
    CUBIE_CALL(ops->copy_to_device(loop->backend->impl, array_data(&loop->inputs, "initial_values"),
                                   y0_host, (size_t)(n * ns) * rs));
    CUBIE_CALL(ops->copy_to_device(loop->backend->impl, array_data(&loop->inputs, "parameters"),
                                   p_host, (size_t)(n * np) * rs));
    loop->timing.transfer += now() - t;
  }
  return CUBIE_OK;
}

/* [outer][rows][cols] -> [outer][cols][rows], element size `es` (4 or 8).
 * One row or one column is already in order: a plain copy. */
static void transpose(void *dst, const void *src, long long outer, long long rows, long long cols,
                      size_t es) {
  if (rows == 1 || cols == 1) {
    memcpy(dst, src, (size_t)(outer * rows * cols) * es);
    return;
  }
  for (long long o = 0; o < outer; o++) {
    long long off = o * rows * cols;
    if (es == sizeof(float)) {
      const float *s = (const float *)src + off;
      float *d = (float *)dst + off;
      for (long long i = 0; i < rows; i++)
        for (long long j = 0; j < cols; j++) d[j * rows + i] = s[i * cols + j];
    } else {
      const double *s = (const double *)src + off;
      double *d = (double *)dst + off;
      for (long long i = 0; i < rows; i++)
        for (long long j = 0; j < cols; j++) d[j * rows + i] = s[i * cols + j];
    }
  }
}

/* Element strides of an [outer][run][time] (CPU) or [outer][time][run]
 * (GPU) block of n_runs x n_time. */
static void block_strides(bool run_fastest, long long n_runs, long long n_time, cubie_i64 *outer,
                          cubie_i64 *run, cubie_i64 *time) {
  *outer = n_runs * n_time;
  *run = run_fastest ? 1 : n_time;
  *time = run_fastest ? n_runs : 1;
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

/* The save points of time window `win` (all of them when the run axis is
 * chunked) — read from the chunked saves array, the one place the window
 * length is decided — and the summary windows they complete. */
static int window_of(cubie_chunk_loop *loop, long long win, work_item *it) {
  const cubie_plan *p = loop->job->plan;
  it->k0 = 0;
  it->k1 = p->n_saves;
  if (loop->plan.axis == CUBIE_CHUNK_AXIS_TIME) {
    cubie_managed_array *time_axis = cubie_array_manager_get(&loop->outputs, "saves.0");
    cubie_array_slice ts;
    CUBIE_CALL(cubie_managed_array_chunk_slice(time_axis, win, &ts));
    int ax = time_axis->request.time_axis;
    it->k0 = ts.start[ax];
    it->k1 = ts.start[ax] + ts.shape[ax];
  }
  summary_range(p, it->k0, it->k1, &it->s0, &it->s1);
  return CUBIE_OK;
}

/* Start the kernel of `it` (returns before it finishes on a GPU). */
static int launch(cubie_chunk_loop *loop, cubie_chunk_args *args, const work_item *it) {
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
  return ops->launch(loop->backend->impl, args);
}

/* Stage the piece's records for the writer (right after its last window's
 * kernel, before anything reuses the device's status) and count failures. */
static int stage_records(cubie_chunk_loop *loop, writer *w, const work_item *it, long long *failed) {
  const cubie_backend_ops *ops = loop->backend->ops;
  void *impl = loop->backend->impl;
  unsigned int *status = array_data(&loop->records, "status");
  unsigned int *counters = array_data(&loop->records, "counters");
  size_t n = (size_t)it->n;
  double t = now();
  if (ops->host_is_device) {
    memcpy(w->status[it->buffer], status, n * sizeof *status);
    memcpy(w->counters[it->buffer], counters, n * CUBIE_N_COUNTERS * sizeof *counters);
  } else {
    CUBIE_CALL(ops->copy_to_host(impl, w->status[it->buffer], status, n * sizeof *status));
    CUBIE_CALL(ops->copy_to_host(impl, w->counters[it->buffer], counters,
                                 n * CUBIE_N_COUNTERS * sizeof *counters));
  }
  loop->timing.transfer += now() - t;
  int n_inputs = loop->job->plan->n_inputs;
  memcpy(w->inputs[it->buffer], array_data(&loop->records, "swept_inputs"),
         n * (size_t)(n_inputs ? n_inputs : 1) * sizeof(double));
  for (size_t r = 0; r < n; r++)
    if (w->status[it->buffer][r] & CUBIE_RUN_FAILURE_MASK) (*failed)++;
  return CUBIE_OK;
}

/* Bring an item's saves (and summaries) to the host in the file's layout.
 * The copies run on the copy stream, beside the next kernel. */
static int copy_back(cubie_chunk_loop *loop, const work_item *it, void *staging) {
  const cubie_plan *p = loop->job->plan;
  const cubie_backend_ops *ops = loop->backend->ops;
  void *impl = loop->backend->impl;
  if (ops->host_is_device && !ops->run_fastest) return CUBIE_OK;
  double t = now();
  size_t es = p->real_size;
  struct {
    cubie_array_manager *m;
    const char *what;
    long long outer, n_time;
  } parts[2] = {{&loop->outputs, "saves", p->n_outputs, it->k1 - it->k0},
                {&loop->summaries, "summaries", (long long)p->n_outputs * p->n_summary_values,
                 it->s1 - it->s0}};
  for (int k = 0; k < 2; k++) {
    if (k == 1 && it->s1 <= it->s0) break;
    size_t bytes = (size_t)(parts[k].outer * it->n * parts[k].n_time) * es;
    void *host = host_buffer(parts[k].m, parts[k].what, it->buffer);
    void *dev = device_buffer(parts[k].m, parts[k].what, it->buffer);
    void *dst = ops->run_fastest ? staging : host;
    CUBIE_CALL(ops->copy_to_host_async(impl, dst, dev, bytes));
    CUBIE_CALL(ops->synchronize_copies(impl));
    if (ops->run_fastest) transpose(host, staging, parts[k].outer, parts[k].n_time, it->n, es);
  }
  loop->timing.transfer += now() - t;
  return CUBIE_OK;
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
      if (host && a->data) memset(a->data, 0, array_bytes(managers[m], a->request.label));
    }
}

/* The next piece of this rank, or false when there is none. Static: the
 * list, padded with empty pieces up to the longest list of any rank (every
 * rank makes the same collective calls). Dynamic: what the writer claimed. */
typedef struct piece_source {
  cubie_run_piece *list;
  long long n, padded, next;
} piece_source;

static bool next_piece(cubie_chunk_loop *loop, writer *w, piece_source *src, cubie_run_piece *p) {
  if (!loop->counter) {
    if (src->next >= src->padded) return false;
    *p = src->next < src->n ? src->list[src->next] : (cubie_run_piece){0, 0};
    src->next++;
    return true;
  }
  pthread_mutex_lock(&w->lock);
  while (w->claim_count == 0 && !w->exhausted && !w->rc) {
    if (!loop->pipelined) break;
    pthread_cond_wait(&w->changed, &w->lock);
  }
  bool got = w->claim_count > 0 && !w->rc;
  if (got) {
    *p = w->claims[w->claim_head];
    w->claim_head = (w->claim_head + 1) % CLAIM_QUEUE;
    w->claim_count--;
  }
  pthread_mutex_unlock(&w->lock);
  return got;
}

static int list_pieces(cubie_chunk_loop *loop, piece_source *src) {
  memset(src, 0, sizeof *src);
  if (loop->counter) return CUBIE_OK;
  long long cap = 0;
  CUBIE_CALL(cubie_run_set_pieces(loop->runs, loop->block.start, loop->block.count,
                                  loop->plan.run_chunk, &src->list, &src->n, &cap));
  long long most = 0;
  MPI_Allreduce(&src->n, &most, 1, MPI_LONG_LONG, MPI_MAX, loop->comm);
  src->padded = most;
  return CUBIE_OK;
}

/* The kernel arguments of a piece (pointers and strides; windows per item). */
static void piece_args(cubie_chunk_loop *loop, cubie_chunk_args *args, long long n) {
  *args = loop->job->plan->args;
  args->n_runs = n;
  args->initial_values = array_data(&loop->inputs, "initial_values");
  args->parameters = array_data(&loop->inputs, "parameters");
  args->in_run_stride = 1;
  args->in_var_stride = n;
  args->status = array_data(&loop->records, "status");
  args->counters = array_data(&loop->records, "counters");
  args->counter_run_stride = 1;
  args->counter_slot_stride = n;
  args->persist = loop->plan.persist_fields ? array_data(&loop->records, "persist") : NULL;
  args->persist_run_stride = 1;
  args->persist_field_stride = n;
}

/* The item waiting for its copy back (GPU) or its hand-over (CPU). */
typedef struct pending_item {
  bool valid;
  work_item it;
} pending_item;

static int finish_pending(cubie_chunk_loop *loop, writer *w, pending_item *pending, void *staging,
                          int *local_rc) {
  if (!pending->valid) return CUBIE_OK;
  pending->valid = false;
  work_item it = pending->it;
  if (!*local_rc && it.n > 0 && loop->phase != CUBIE_PHASE_WRITE_ONLY)
    *local_rc = copy_back(loop, &it, staging);
  if (*local_rc) it.n = 0;
  submit(loop, w, &it);
  return CUBIE_OK;
}

int cubie_chunk_loop_run(cubie_chunk_loop *loop, long long *failed) {
  *failed = 0;
  loop->runs_done = 0;
  loop->stop_signal = 0;
  double loop_start = now();
  const cubie_chunk_plan *cp = &loop->plan;
  const cubie_backend_ops *ops = loop->backend->ops;
  writer w;
  piece_source src;
  int rc = writer_start(loop, &w);
  if (!rc) rc = list_pieces(loop, &src);
  /* Dynamic: two blocks claimed before the writer takes over MPI. */
  for (int i = 0; !rc && loop->counter && i < 2; i++) rc = claim_next(loop, &w);
  size_t staging_bytes = 0;
  void *staging = NULL;
  if (!rc && ops->run_fastest) {
    staging_bytes = array_bytes(&loop->outputs, "saves.0");
    size_t sum = array_bytes(&loop->summaries, "summaries.0");
    if (sum > staging_bytes) staging_bytes = sum;
    staging = malloc(staging_bytes ? staging_bytes : 1);
    if (!staging) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory for the reorder buffer");
  }
  if (!rc) rc = writer_launch(loop, &w);
  if (rc) {
    free(staging);
    free(src.list);
    writer_free(&w);
    return cubie_runner_agree(loop->comm, rc);
  }
  int local_rc = CUBIE_OK;
  int n_buffers = loop->pipelined ? 2 : 1;
  long long item_index = 0;
  bool stopped = false;
  pending_item pending = {false, {0}};
  if (loop->phase == CUBIE_PHASE_WRITE_ONLY) clear_host_arrays(loop);
  cubie_run_piece piece;
  while (!stopped && next_piece(loop, &w, &src, &piece)) {
    cubie_chunk_args args;
    piece_args(loop, &args, piece.n);
    double t = now(), transfer0 = loop->timing.transfer;
    /* Every kernel has finished (each is synchronized), so the inputs may
     * be replaced while the previous item still waits for its copy back. */
    if (!local_rc && piece.n > 0) local_rc = fill_inputs(loop, piece.start, piece.n);
    loop->timing.compute += now() - t - (loop->timing.transfer - transfer0);
    for (long long win = 0; win < cp->n_windows && !stopped; win++) {
      work_item it;
      memset(&it, 0, sizeof it);
      it.index = item_index;
      /* Even after a failure: the window decides which collective writes
       * every rank makes. */
      int wrc = window_of(loop, win, &it);
      if (!local_rc) local_rc = wrc;
      it.buffer = (int)(item_index % n_buffers);
      it.start = piece.start;
      it.records = win == cp->n_windows - 1;
      t = now();
      writer_wait_free(&w, it.buffer);
      loop->timing.wait += now() - t;
      /* Static decomposition: every rank stops after the same agreed item. */
      pthread_mutex_lock(&w.lock);
      bool stop_now = !loop->counter && it.index > w.stop.last_item;
      pthread_mutex_unlock(&w.lock);
      if (stop_now) {
        stopped = true;
        break;
      }
      bool compute = !local_rc && piece.n > 0 && loop->phase != CUBIE_PHASE_WRITE_ONLY;
      it.n = local_rc ? 0 : piece.n;
      t = now();
      transfer0 = loop->timing.transfer;
      /* On the CPU the launch blocks: hand the previous item over first so
       * it is written while this one computes. On a GPU launch first, then
       * copy the previous item back while this kernel runs. */
      if (ops->host_is_device) finish_pending(loop, &w, &pending, staging, &local_rc);
      if (compute) local_rc = launch(loop, &args, &it);
      if (!ops->host_is_device) finish_pending(loop, &w, &pending, staging, &local_rc);
      if (compute && !local_rc) local_rc = ops->synchronize(loop->backend->impl);
      if (!local_rc && it.records && it.n > 0) local_rc = stage_records(loop, &w, &it, failed);
      loop->timing.compute += now() - t - (loop->timing.transfer - transfer0);
      if (local_rc) it.n = 0;
      pending.valid = true;
      pending.it = it;
      item_index++;
    }
  }
  finish_pending(loop, &w, &pending, staging, &local_rc);
  work_item stop = {.stop = true};
  submit(loop, &w, &stop);
  if (loop->pipelined) pthread_join(w.thread, NULL);
  if (ops->kernel_seconds && !local_rc)
    local_rc = ops->kernel_seconds(loop->backend->impl, &loop->timing.kernel);
  rc = local_rc ? local_rc : w.rc;
  loop->runs_done = w.runs_written;
  loop->stop_signal = loop->counter ? w.stop_signal : w.stop.signal;
  free(staging);
  free(src.list);
  writer_free(&w);
  loop->timing.loop = now() - loop_start;
  return cubie_runner_agree(loop->comm, rc);
}

int cubie_chunk_loop_compute_only(cubie_chunk_loop *loop, long long v_start, long long count) {
  const cubie_chunk_plan *cp = &loop->plan;
  cubie_run_piece *pieces = NULL;
  long long n = 0, cap = 0;
  CUBIE_CALL(cubie_run_set_pieces(loop->runs, v_start, count, cp->run_chunk, &pieces, &n, &cap));
  int rc = CUBIE_OK;
  for (long long i = 0; !rc && i < n; i++) {
    cubie_chunk_args args;
    piece_args(loop, &args, pieces[i].n);
    rc = fill_inputs(loop, pieces[i].start, pieces[i].n);
    for (long long win = 0; !rc && win < cp->n_windows; win++) {
      work_item it;
      memset(&it, 0, sizeof it);
      it.n = pieces[i].n;
      rc = window_of(loop, win, &it);
      if (!rc) rc = launch(loop, &args, &it);
      if (!rc) rc = loop->backend->ops->synchronize(loop->backend->impl);
    }
  }
  free(pieces);
  return rc;
}
