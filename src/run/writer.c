/* writer.c — the writer thread (see writer.h). */
#include "run/writer.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/error.h"

static int write_item(cubie_writer *w, const cubie_work_item *it) {
  cubie_chunk_loop *loop = w->loop;
  if (loop->phase == CUBIE_PHASE_COMPUTE_ONLY) return CUBIE_OK;
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
                                       host.records->counters, host.records->inputs,
                                       host.records->finals));
  return CUBIE_OK;
}

/* Everything done with one written item; all the loop's MPI calls. */
static int after_compute(cubie_writer *w, const cubie_work_item *it) {
  cubie_chunk_loop *loop = w->loop;
  double t = cubie_timing_now();
  /* After a failure keep making the collective calls, with nothing in
   * them, so the other ranks are never left waiting. */
  cubie_work_item empty = *it;
  if (w->rc) empty.e.n = 0;
  int rc = write_item(w, &empty);
  loop->timing.write += cubie_timing_now() - t;
  if (!rc && it->records && empty.e.n > 0) {
    w->runs_written += empty.e.n;
    if (loop->progress) rc = cubie_progress_add(loop->progress, empty.e.n);
  }
  int wrc = cubie_work_source_item_done(w->work, it->index, it->records, rc == CUBIE_OK);
  return rc ? rc : wrc;
}

static void note_failure(cubie_writer *w, int rc) {
  if (!rc || w->rc) return;
  w->rc = rc;
  cubie_work_source_abort(w->work);
}

/* Wait for the next item; while idle, let the work source poll. */
static cubie_work_item next_item(cubie_writer *w) {
  pthread_mutex_lock(&w->lock);
  while (w->count == 0) {
    if (!cubie_work_source_polls(w->work)) {
      pthread_cond_wait(&w->changed, &w->lock);
      continue;
    }
    /* Software one-sided MPI progresses only inside MPI calls: poll about
     * every millisecond so the other ranks' claims on a counter this rank
     * may host go through. */
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
      cubie_work_source_poll(w->work);
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

int cubie_writer_start(cubie_writer *w, cubie_chunk_loop *loop, cubie_work_source *work,
                       const cubie_transfer *transfer) {
  memset(w, 0, sizeof *w);
  w->loop = loop;
  w->work = work;
  w->transfer = transfer;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->changed, NULL);
  if (!loop->pipelined) return CUBIE_OK;
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
    if (!it->stop) note_failure(w, after_compute(w, it));
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
  return w->rc;
}

void cubie_writer_free(cubie_writer *w) {
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->changed);
}
