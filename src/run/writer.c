/* writer.c — the writer thread (see writer.h). */
#include "run/writer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mpi/mpi_call.h"
#include "util/clock.h"
#include "util/error.h"

/* Seconds between progress estimates read from the kernel's counter: well
 * under the 2 s a watcher should wait for a line to move, and far too
 * rare to cost anything. */
#define TICK_SECONDS 0.1

static void sleep_seconds(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

/* Hand the progress report this rank's estimate: written runs plus the
 * run-windows the kernel has finished since the loop started, as runs.
 * The caller is the thread that may call MPI now. */
static int tick(cubie_writer *w) {
  cubie_chunk_loop *loop = w->loop;
  if (!loop->progress || !w->runs_counter) return CUBIE_OK;
  double t = cubie_timing_now();
  if (t - w->last_tick < TICK_SECONDS) return CUBIE_OK;
  w->last_tick = t;
  cubie_u64 now = __atomic_load_n(w->runs_counter, __ATOMIC_RELAXED);
  long long runs = (long long)(now - w->counter_base) / (w->windows > 0 ? w->windows : 1);
  return cubie_progress_estimate(loop->progress, runs);
}

static int write_item(cubie_writer *w, const cubie_work_item *it) {
  cubie_chunk_loop *loop = w->loop;
  const cubie_item_extent *e = &it->e;
  cubie_host_results host;
  cubie_transfer_host_results(w->transfer, e->buffer, &host);
  CUBIE_CALL(cubie_output_write_saves(loop->output, it->start, e->n, e->k0, e->k1, host.saves));
  /* Every rank has the same windows, so all skip (or make) this call alike. */
  if (e->s1 > e->s0)
    CUBIE_CALL(cubie_output_write_summaries(loop->output, it->start, e->n, e->s0, e->s1,
                                            host.summaries));
  if (it->records)
    CUBIE_CALL(cubie_output_write_runs(loop->output, it->start, e->n, host.records->status,
                                       host.records->counters, host.records->inputs));
  return CUBIE_OK;
}

/* Collective writes: wait until every rank has arrived (a non-blocking
 * barrier, tested about every half millisecond, with progress ticks in
 * between), so rank 0 waiting for a slower rank is write_wait, not write. */
static int wait_for_other_ranks(cubie_writer *w) {
  MPI_Request request = MPI_REQUEST_NULL;
  CUBIE_MPI_CALL(MPI_Ibarrier(w->loop->comm, &request));
  int done = 0, rc = CUBIE_OK;
  while (!done) {
    CUBIE_MPI_CALL(MPI_Test(&request, &done, MPI_STATUS_IGNORE));
    if (done) break;
    if (!rc) rc = tick(w); /* a failed tick must not leave the barrier behind */
    sleep_seconds(0.0005);
  }
  return rc;
}

/* Once the pieces are sized: a stop signal that comes less than an item
 * before the kill may not be acted on in time. */
static void warn_if_items_outlast_signal(cubie_writer *w) {
  cubie_chunk_loop *loop = w->loop;
  if (w->item_checked || !loop->warn || !(loop->signal_lead > 0.0)) return;
  double seconds = cubie_work_source_item_seconds(w->work);
  if (!(seconds > 0.0)) return;
  w->item_checked = true;
  if (seconds <= loop->signal_lead) return;
  char message[512];
  snprintf(message, sizeof message,
           "a work item takes about %.0f s, longer than the %.0f s between the stop signal and "
           "the time limit (CUBIE_SIGNAL_LEAD): the job may be killed before it stops cleanly; "
           "lower run.max_item_seconds or send the signal earlier (sbatch --signal=B:USR1@N)",
           seconds, loop->signal_lead);
  loop->warn(loop->warn_ctx, message);
}

/* Everything done with one written item; all the loop's MPI calls. */
static int after_compute(cubie_writer *w, const cubie_work_item *it) {
  cubie_chunk_loop *loop = w->loop;
  /* After a failure keep making the collective calls, with nothing in
   * them, so the other ranks are never left waiting. */
  cubie_work_item empty = *it;
  if (w->rc) empty.e.n = 0;
  int rc = CUBIE_OK;
  if (loop->phase != CUBIE_PHASE_COMPUTE_ONLY) {
    double t = cubie_timing_now();
    if (w->collective) rc = wait_for_other_ranks(w);
    double arrived = cubie_timing_now();
    loop->timing.write_wait += arrived - t;
    int wrc = write_item(w, &empty);
    if (!rc) rc = wrc;
    loop->timing.write += cubie_timing_now() - arrived;
  }
  if (!rc && it->records && empty.e.n > 0) {
    w->runs_written += empty.e.n;
    if (loop->progress) rc = cubie_progress_add(loop->progress, empty.e.n);
  }
  int wrc = cubie_work_source_item_done(w->work, it->index, it->records, rc == CUBIE_OK);
  warn_if_items_outlast_signal(w);
  return rc ? rc : wrc;
}

static void note_failure(cubie_writer *w, int rc) {
  if (!rc || w->rc) return;
  w->rc = rc;
  cubie_work_source_abort(w->work);
}

/* Wait for the next item; while idle, let the work source poll and the
 * progress report read the kernel's counter. */
static cubie_work_item next_item(cubie_writer *w) {
  pthread_mutex_lock(&w->lock);
  while (w->count == 0) {
    bool polls = cubie_work_source_polls(w->work);
    bool ticks = w->loop->progress && w->runs_counter;
    if (!polls && !ticks) {
      pthread_cond_wait(&w->changed, &w->lock);
      continue;
    }
    /* Software one-sided MPI progresses only inside MPI calls: poll about
     * every millisecond so the other ranks' claims on a counter this rank
     * may host go through. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += polls ? 1000000 : (long)(TICK_SECONDS * 1e9);
    while (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    int wait = pthread_cond_timedwait(&w->changed, &w->lock, &until);
    if (wait == ETIMEDOUT && w->count == 0) {
      pthread_mutex_unlock(&w->lock);
      if (polls) cubie_work_source_poll(w->work);
      note_failure(w, tick(w));
      pthread_mutex_lock(&w->lock);
    }
  }
  cubie_work_item it = w->queue[w->head];
  pthread_mutex_unlock(&w->lock);
  return it;
}

static void *writer_main(void *arg) {
  cubie_writer *w = arg;
  for (;;) {
    cubie_work_item it = next_item(w);
    if (it.stop) break;
    int rc = after_compute(w, &it);
    pthread_mutex_lock(&w->lock);
    note_failure(w, rc);
    w->head = (w->head + 1) % 2;
    w->count--;
    w->buffer_busy[it.e.buffer] = false;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
  }
  return NULL;
}

/* Not pipelined: progress while the computing thread is inside a launch. */
static void *ticker_main(void *arg) {
  cubie_writer *w = arg;
  for (;;) {
    sleep_seconds(TICK_SECONDS);
    pthread_mutex_lock(&w->mpi_lock);
    bool stop = w->ticker_stop;
    int rc = stop ? CUBIE_OK : tick(w);
    pthread_mutex_unlock(&w->mpi_lock);
    /* A failed tick only stops the ticks; the next write reports a broken MPI. */
    if (stop || rc) break;
  }
  return NULL;
}

int cubie_writer_start(cubie_writer *w, cubie_chunk_loop *loop, cubie_work_source *work,
                       const cubie_transfer *transfer, const cubie_u64 *runs_counter) {
  memset(w, 0, sizeof *w);
  w->loop = loop;
  w->work = work;
  w->transfer = transfer;
  w->runs_counter = runs_counter;
  if (runs_counter) w->counter_base = __atomic_load_n(runs_counter, __ATOMIC_RELAXED);
  w->windows = cubie_chunk_arrays_windows(&loop->arrays);
  w->last_tick = cubie_timing_now();
  int n_ranks = 1;
  CUBIE_MPI_CALL(MPI_Comm_size(loop->comm, &n_ranks));
  w->collective = n_ranks > 1 && !cubie_work_source_polls(work);
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->changed, NULL);
  pthread_mutex_init(&w->mpi_lock, NULL);
  if (!loop->pipelined) {
    int provided = MPI_THREAD_SINGLE;
    CUBIE_MPI_CALL(MPI_Query_thread(&provided));
    if (loop->progress && runs_counter && provided >= MPI_THREAD_SERIALIZED &&
        pthread_create(&w->ticker, NULL, ticker_main, w) == 0)
      w->ticking = true;
    return CUBIE_OK;
  }
  CUBIE_CHECK(pthread_create(&w->thread, NULL, writer_main, w) == 0, CUBIE_ERR_INTERNAL,
              "cannot start the writer thread");
  w->started = true;
  return CUBIE_OK;
}

void cubie_writer_wait_free(cubie_writer *w, int buffer) {
  pthread_mutex_lock(&w->lock);
  while (w->buffer_busy[buffer]) pthread_cond_wait(&w->changed, &w->lock);
  pthread_mutex_unlock(&w->lock);
}

void cubie_writer_submit(cubie_writer *w, const cubie_work_item *it) {
  if (!w->started) {
    if (it->stop) return;
    pthread_mutex_lock(&w->mpi_lock);
    note_failure(w, after_compute(w, it));
    pthread_mutex_unlock(&w->mpi_lock);
    return;
  }
  pthread_mutex_lock(&w->lock);
  while (w->count == 2) pthread_cond_wait(&w->changed, &w->lock);
  w->queue[(w->head + w->count) % 2] = *it;
  w->count++;
  if (!it->stop) w->buffer_busy[it->e.buffer] = true;
  pthread_cond_broadcast(&w->changed);
  pthread_mutex_unlock(&w->lock);
}

int cubie_writer_finish(cubie_writer *w) {
  cubie_work_item stop;
  memset(&stop, 0, sizeof stop);
  stop.stop = true;
  cubie_writer_submit(w, &stop);
  if (w->started) pthread_join(w->thread, NULL);
  w->started = false;
  if (w->ticking) {
    pthread_mutex_lock(&w->mpi_lock);
    w->ticker_stop = true;
    pthread_mutex_unlock(&w->mpi_lock);
    pthread_join(w->ticker, NULL);
    w->ticking = false;
  }
  return w->rc;
}

void cubie_writer_free(cubie_writer *w) {
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->changed);
  pthread_mutex_destroy(&w->mpi_lock);
}
