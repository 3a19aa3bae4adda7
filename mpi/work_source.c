/* work_source.c — static lists and dynamic claims (see work_source.h). */
#include "mpi/work_source.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_call.h"
#include "mpi/signals.h"
#include "util/error.h"

#define CLAIM_QUEUE 64

struct cubie_work_source {
  cubie_work_source_options o;
  /* Static: the list and how far every rank goes (the longest list). */
  cubie_run_piece *list;
  long long n, padded, next;
  cubie_stop_point stop;     /* written by the MPI thread under `lock` */
  /* Dynamic: pieces claimed for the computing thread. */
  pthread_mutex_t lock;
  pthread_cond_t changed;
  cubie_run_piece claims[CLAIM_QUEUE];
  int claim_head, claim_count;
  bool exhausted, cancelled, aborted;
  int stop_signal;           /* dynamic: the signal this rank caught */
};

/* Claim the next dynamic block and queue its pieces (the MPI thread). */
static int claim(cubie_work_source *s) {
  if (s->exhausted) return CUBIE_OK;
  cubie_run_block b = {0, 0};
  CUBIE_CALL(cubie_run_counter_claim(s->o.counter, &b));
  cubie_run_piece *pieces = NULL;
  long long n = 0;
  size_t cap = 0;
  int rc = CUBIE_OK;
  if (b.count > 0)
    rc = cubie_run_set_pieces(s->o.runs, b.start, b.count, s->o.piece_runs, &pieces, &n, &cap);
  pthread_mutex_lock(&s->lock);
  if (b.count == 0) s->exhausted = true;
  for (long long i = 0; !rc && i < n; i++) {
    if (s->claim_count == CLAIM_QUEUE) {
      rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "dynamic claim queue overflow");
      break;
    }
    s->claims[(s->claim_head + s->claim_count) % CLAIM_QUEUE] = pieces[i];
    s->claim_count++;
  }
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
  free(pieces);
  return rc;
}

int cubie_work_source_create(const cubie_work_source_options *o, cubie_work_source **out) {
  *out = NULL;
  cubie_work_source *s = calloc(1, sizeof *s);
  CUBIE_CHECK(s, CUBIE_ERR_MEMORY, "out of memory");
  s->o = *o;
  cubie_stop_point_init(&s->stop);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  *out = s;
  if (o->counter) {
    /* Two blocks ahead before the writer thread takes over MPI. */
    for (int i = 0; i < 2; i++) CUBIE_CALL(claim(s));
    return CUBIE_OK;
  }
  size_t cap = 0;
  int rc = cubie_run_set_pieces(o->runs, o->block.start, o->block.count, o->piece_runs, &s->list,
                                &s->n, &cap);
  /* Every rank takes part, even one whose list failed (it goes nowhere). */
  long long mine = rc ? 0 : s->n;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, &s->padded, 1, MPI_LONG_LONG, MPI_MAX, o->comm));
  return rc;
}

void cubie_work_source_destroy(cubie_work_source **s) {
  if (!s || !*s) return;
  free((*s)->list);
  pthread_mutex_destroy(&(*s)->lock);
  pthread_cond_destroy(&(*s)->changed);
  free(*s);
  *s = NULL;
}

bool cubie_work_source_next(cubie_work_source *s, cubie_run_piece *piece) {
  if (!s->o.counter) {
    if (s->next >= s->padded) return false;
    *piece = s->next < s->n ? s->list[s->next] : (cubie_run_piece){0, 0};
    s->next++;
    return true;
  }
  pthread_mutex_lock(&s->lock);
  while (s->o.threaded && s->claim_count == 0 && !s->exhausted && !s->aborted)
    pthread_cond_wait(&s->changed, &s->lock);
  bool got = s->claim_count > 0 && !s->aborted;
  if (got) {
    *piece = s->claims[s->claim_head];
    s->claim_head = (s->claim_head + 1) % CLAIM_QUEUE;
    s->claim_count--;
  }
  pthread_mutex_unlock(&s->lock);
  return got;
}

bool cubie_work_source_stopped_before(cubie_work_source *s, long long item) {
  if (s->o.counter) return false;
  pthread_mutex_lock(&s->lock);
  bool stopped = item > s->stop.last_item;
  pthread_mutex_unlock(&s->lock);
  return stopped;
}

int cubie_work_source_item_done(cubie_work_source *s, long long item, bool piece_done, bool ok) {
  if (!s->o.counter) {
    cubie_stop_point stop = s->stop;
    /* Depth 1: the computing thread may have the next item under way
     * already (pipelined, or launched before this one was handed over on a
     * GPU). */
    int rc = cubie_signals_agree_after_item(s->o.comm, item, 1, &stop);
    pthread_mutex_lock(&s->lock);
    s->stop = stop;
    pthread_mutex_unlock(&s->lock);
    return rc;
  }
  int rc = CUBIE_OK;
  if (!s->cancelled && cubie_signals_caught()) {
    s->cancelled = true;
    s->stop_signal = cubie_signals_caught();
    rc = cubie_run_counter_cancel(s->o.counter);
  }
  if (!rc && ok && piece_done) rc = claim(s);
  return rc;
}

bool cubie_work_source_polls(const cubie_work_source *s) { return s->o.counter != NULL; }

void cubie_work_source_poll(cubie_work_source *s) {
  /* A failed poll only delays other ranks' claims; the next claim or write
   * reports a broken MPI. */
  (void)cubie_run_counter_poll(s->o.counter);
}

void cubie_work_source_abort(cubie_work_source *s) {
  pthread_mutex_lock(&s->lock);
  s->aborted = true;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
}

int cubie_work_source_stop_signal(cubie_work_source *s) {
  if (s->o.counter) return s->stop_signal;
  pthread_mutex_lock(&s->lock);
  int signal = s->stop.signal;
  pthread_mutex_unlock(&s->lock);
  return signal;
}
