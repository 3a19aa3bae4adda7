/* pipeline.c — the order of work in the chunk loop: fill inputs, launch,
 * copy back, hand over (see chunk_loop.h).
 *
 * Each piece from the work source is integrated window by window; each
 * (piece, window) item fills output buffer set k mod 2 while the writer
 * writes the other. On a GPU the kernel of item k runs while item k-1 is
 * copied back; on the CPU, where a launch blocks, item k-1 is handed to the
 * writer before item k is computed. The main thread never calls MPI while
 * the writer thread runs (MPI_THREAD_SERIALIZED).
 */
#include <stdlib.h>
#include <string.h>

#include "memory/transfer.h"
#include "mpi/mpi_call.h"
#include "run/chunk_loop.h"
#include "mpi/work_source.h"
#include "run/writer.h"
#include "util/clock.h"
#include "util/error.h"

static double now(void) { return cubie_timing_now(); }

/* Start the kernel of item `e` (returns before it finishes on a GPU). */
static int launch(cubie_chunk_loop *loop, const cubie_transfer *t, cubie_chunk_args *args,
                  const cubie_item_extent *e) {
  cubie_transfer_item_args(t, args, e);
  return loop->backend->ops->launch(loop->backend->impl, args);
}

/* The item waiting for its copy back (GPU) or its hand-over (CPU). */
typedef struct pending_item {
  bool valid;
  cubie_work_item it;
} pending_item;

static void finish_pending(cubie_chunk_loop *loop, cubie_transfer *t, cubie_writer *w,
                           pending_item *pending, int *local_rc) {
  if (!pending->valid) return;
  pending->valid = false;
  cubie_work_item it = pending->it;
  if (!*local_rc && it.e.n > 0 && loop->phase != CUBIE_PHASE_WRITE_ONLY)
    *local_rc = cubie_transfer_results_to_host(t, &it.e);
  if (*local_rc) it.e.n = 0;
  cubie_writer_submit(w, &it);
}

/* Every item of one piece, window by window. Returns false when the ranks
 * agreed to stop before one of them. */
static bool run_piece(cubie_chunk_loop *loop, cubie_work_source *work, cubie_transfer *t,
                      cubie_writer *w, const cubie_run_piece *piece, cubie_u64 *runs_counter,
                      long long *item_index, pending_item *pending, int *local_rc,
                      long long *failed) {
  const cubie_backend_ops *ops = loop->backend->ops;
  int n_buffers = loop->pipelined ? 2 : 1;
  long long n_windows = cubie_chunk_arrays_windows(&loop->arrays);
  cubie_chunk_args args;
  cubie_transfer_piece_args(t, &args, piece->start, piece->n);
  args.runs_done = runs_counter;
  double t0 = now(), transfer0 = loop->timing.transfer;
  /* Every kernel has finished (each is synchronized), so the inputs may
   * be replaced while the previous item still waits for its copy back. */
  if (!*local_rc && piece->n > 0) *local_rc = cubie_transfer_fill_inputs(t, piece->start, piece->n);
  loop->timing.compute += now() - t0 - (loop->timing.transfer - transfer0);
  for (long long win = 0; win < n_windows; win++) {
    cubie_work_item it;
    memset(&it, 0, sizeof it);
    it.index = *item_index;
    /* Even after a failure: the window decides which collective writes
     * every rank makes. */
    int wrc = cubie_chunk_arrays_window(&loop->arrays, loop->job->plan, win, &it.e);
    if (!*local_rc) *local_rc = wrc;
    it.e.buffer = (int)(*item_index % n_buffers);
    it.start = piece->start;
    it.records = win == n_windows - 1;
    t0 = now();
    cubie_writer_wait_free(w, it.e.buffer);
    loop->timing.wait += now() - t0;
    /* Static decomposition: every rank stops after the same agreed item. */
    if (cubie_work_source_stopped_before(work, it.index)) return false;
    bool compute = !*local_rc && piece->n > 0 && loop->phase != CUBIE_PHASE_WRITE_ONLY;
    it.e.n = *local_rc ? 0 : piece->n;
    t0 = now();
    transfer0 = loop->timing.transfer;
    /* On the CPU the launch blocks: hand the previous item over first so
     * it is written while this one computes. On a GPU launch first, then
     * copy the previous item back while this kernel runs — unless both use
     * the one buffer set (not pipelined), which this kernel overwrites. */
    bool copy_first = ops->host_is_device ||
                      (pending->valid && pending->it.e.buffer == it.e.buffer);
    if (copy_first) finish_pending(loop, t, w, pending, local_rc);
    double launched = now();
    if (compute) *local_rc = launch(loop, t, &args, &it.e);
    if (!copy_first) finish_pending(loop, t, w, pending, local_rc);
    if (compute && !*local_rc) *local_rc = ops->synchronize(loop->backend->impl);
    /* Launch to completion: what sizes the pieces after the probe. */
    if (compute && !*local_rc)
      cubie_work_source_item_timed(work, it.index, it.e.n, now() - launched);
    if (!*local_rc && it.records && it.e.n > 0)
      *local_rc = cubie_transfer_records_to_host(t, &it.e, failed);
    loop->timing.compute += now() - t0 - (loop->timing.transfer - transfer0);
    if (*local_rc) it.e.n = 0;
    pending->valid = true;
    pending->it = it;
    (*item_index)++;
  }
  return true;
}

int cubie_chunk_loop_run(cubie_chunk_loop *loop, long long *failed) {
  *failed = 0;
  loop->runs_done = 0;
  loop->stop_signal = 0;
  double loop_start = now();
  const cubie_backend_ops *ops = loop->backend->ops;
  long long piece_runs = cubie_chunk_arrays_piece_runs(&loop->arrays);
  /* The probe: enough runs to fill the device (a GPU's threads, or blocks
   * for the CPU's threads) for a meaningful rate, few enough to be quick —
   * and an eighth of a piece at most, so a small job is sized too. */
  long long probe = ops->run_fastest ? 65536 : 1024;
  if (probe > piece_runs / 8) probe = piece_runs / 8 > 0 ? piece_runs / 8 : 1;
  cubie_work_source_options wo = {.comm = loop->comm,
                                  .runs = loop->runs,
                                  .block = loop->block,
                                  .counter = loop->counter,
                                  .piece_runs = piece_runs,
                                  .max_item_seconds = loop->max_item_seconds,
                                  .first_piece_runs = probe,
                                  .threaded = loop->pipelined};
  cubie_work_source *work = NULL;
  cubie_transfer transfer;
  cubie_writer writer;
  memset(&transfer, 0, sizeof transfer);
  /* The work source first: its collective is made by every rank. */
  int rc = cubie_work_source_create(&wo, &work);
  if (!rc)
    rc = cubie_transfer_create(&transfer, loop->job, loop->backend, &loop->arrays, true,
                               &loop->timing.transfer);
  /* The kernel's progress counter, read by the writer during a chunk. */
  cubie_u64 *counter_host = NULL, *counter_device = NULL;
  if (!rc && loop->progress && ops->runs_counter)
    rc = ops->runs_counter(loop->backend->impl, &counter_host, &counter_device);
  if (!rc) rc = cubie_writer_start(&writer, loop, work, &transfer, counter_host);
  if (rc) {
    cubie_transfer_free(&transfer);
    cubie_work_source_destroy(&work);
    return cubie_mpi_agree(loop->comm, rc);
  }
  int local_rc = CUBIE_OK;
  long long item_index = 0;
  pending_item pending = {false, {0}};
  if (loop->phase == CUBIE_PHASE_WRITE_ONLY)
    cubie_chunk_arrays_clear_host(&loop->arrays, loop->backend->ops->host_is_device);
  cubie_run_piece piece;
  for (;;) {
    /* The plan after the probe needs the probe item written: hand it over
     * now rather than after the next launch (once per job). */
    if (cubie_work_source_flush_needed(work))
      finish_pending(loop, &transfer, &writer, &pending, &local_rc);
    if (!cubie_work_source_next(work, &piece)) break;
    if (!run_piece(loop, work, &transfer, &writer, &piece, counter_device, &item_index, &pending,
                   &local_rc, failed))
      break;
  }
  finish_pending(loop, &transfer, &writer, &pending, &local_rc);
  int wrc = cubie_writer_finish(&writer);
  if (ops->kernel_seconds && !local_rc)
    local_rc = ops->kernel_seconds(loop->backend->impl, &loop->timing.kernel);
  rc = local_rc ? local_rc : wrc;
  loop->runs_done = writer.runs_written;
  loop->stop_signal = cubie_work_source_stop_signal(work);
  loop->item_seconds = cubie_work_source_item_seconds(work);
  loop->items = item_index;
  cubie_writer_free(&writer);
  cubie_transfer_free(&transfer);
  cubie_work_source_destroy(&work);
  loop->timing.loop = now() - loop_start;
  return cubie_mpi_agree(loop->comm, rc);
}

int cubie_chunk_loop_compute_only(cubie_chunk_loop *loop, long long v_start, long long count) {
  cubie_run_piece *pieces = NULL;
  long long n = 0;
  size_t cap = 0;
  cubie_transfer t;
  memset(&t, 0, sizeof t);
  int rc = cubie_run_set_pieces(loop->runs, v_start, count,
                                cubie_chunk_arrays_piece_runs(&loop->arrays), &pieces, &n, &cap);
  if (!rc)
    rc = cubie_transfer_create(&t, loop->job, loop->backend, &loop->arrays, false,
                               &loop->timing.transfer);
  long long n_windows = cubie_chunk_arrays_windows(&loop->arrays);
  for (long long i = 0; !rc && i < n; i++) {
    cubie_chunk_args args;
    cubie_transfer_piece_args(&t, &args, pieces[i].start, pieces[i].n);
    rc = cubie_transfer_fill_inputs(&t, pieces[i].start, pieces[i].n);
    for (long long win = 0; !rc && win < n_windows; win++) {
      cubie_item_extent e;
      memset(&e, 0, sizeof e);
      e.n = pieces[i].n;
      rc = cubie_chunk_arrays_window(&loop->arrays, loop->job->plan, win, &e);
      if (!rc) rc = launch(loop, &t, &args, &e);
      if (!rc) rc = loop->backend->ops->synchronize(loop->backend->impl);
    }
  }
  cubie_transfer_free(&t);
  free(pieces);
  return rc;
}
