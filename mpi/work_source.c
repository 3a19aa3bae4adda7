/* work_source.c — static lists and dynamic claims, cut into pieces of a
 * bounded duration (see work_source.h). */
#include "mpi/work_source.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_call.h"
#include "mpi/signals.h"
#include "util/error.h"

#define CLAIM_QUEUE 64
/* Dynamic: claim another block when fewer pieces than this are queued
 * (two blocks ahead, as before pieces were cut shorter). */
#define CLAIMS_AHEAD 2

struct cubie_work_source {
  cubie_work_source_options o;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  long long cut;          /* the most runs the next piece gets (piece_runs when not sizing) */
  double item_seconds;    /* expected item duration once sized; 0 unknown */
  /* Static: the list, where the next piece is cut from, and how far every
   * rank goes (the padded count of pieces; unknown until planned). */
  cubie_run_piece *list;
  long long n, next, offset, handed, padded;
  bool planned;
  double probe_seconds;   /* the probe item's measured time, and its runs */
  long long probe_runs;
  cubie_stop_point stop;  /* written by the MPI thread under `lock` */
  /* Dynamic: pieces claimed for the computing thread. */
  cubie_run_piece claims[CLAIM_QUEUE];
  int claim_head, claim_count;
  bool exhausted, cancelled, aborted;
  int stop_signal;        /* dynamic: the signal this rank caught */
};

long long cubie_work_source_piece_length(double max_seconds, double seconds_per_run, long long cap) {
  if (cap < 1) return 1;
  if (!(seconds_per_run > 0.0) || !(max_seconds > 0.0)) return cap;
  double fit = floor(max_seconds / seconds_per_run);
  if (fit < 1.0) return 1;
  return fit >= (double)cap ? cap : (long long)fit;
}

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

static bool sizing(const cubie_work_source *s) { return s->o.max_item_seconds > 0.0; }

int cubie_work_source_create(const cubie_work_source_options *o, cubie_work_source **out) {
  *out = NULL;
  cubie_work_source *s = calloc(1, sizeof *s);
  CUBIE_CHECK(s, CUBIE_ERR_MEMORY, "out of memory");
  s->o = *o;
  cubie_stop_point_init(&s->stop);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  s->cut = o->piece_runs > 0 ? o->piece_runs : 1;
  if (sizing(s) && o->first_piece_runs > 0 && o->first_piece_runs < s->cut)
    s->cut = o->first_piece_runs;
  *out = s;
  if (o->counter) {
    /* Two blocks ahead before the writer thread takes over MPI. */
    for (int i = 0; i < CLAIMS_AHEAD; i++) CUBIE_CALL(claim(s));
    return CUBIE_OK;
  }
  size_t cap = 0;
  int rc = cubie_run_set_pieces(o->runs, o->block.start, o->block.count, o->piece_runs, &s->list,
                                &s->n, &cap);
  /* Every rank takes part, even one whose list failed (it goes nowhere). */
  long long mine = rc ? 0 : s->n;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, &s->padded, 1, MPI_LONG_LONG, MPI_MAX, o->comm));
  /* Whole pieces, or nobody has anything: the list is the plan. Otherwise
   * every rank hands out one probe piece (perhaps empty), then waits for
   * the plan made after the probe item. */
  s->planned = !sizing(s) || s->padded == 0;
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

/* Static, under the lock: the next piece, at most `cut` runs. */
static cubie_run_piece cut_static(cubie_work_source *s) {
  cubie_run_piece piece = {0, 0};
  if (s->next < s->n) {
    const cubie_run_piece *from = &s->list[s->next];
    long long left = from->n - s->offset;
    piece.start = from->start + s->offset;
    piece.n = left < s->cut ? left : s->cut;
    s->offset += piece.n;
    if (s->offset == from->n) {
      s->next++;
      s->offset = 0;
    }
  }
  s->handed++;
  return piece;
}

bool cubie_work_source_next(cubie_work_source *s, cubie_run_piece *piece) {
  pthread_mutex_lock(&s->lock);
  bool got = false;
  if (!s->o.counter) {
    while (!s->planned && s->handed >= 1 && !s->aborted) pthread_cond_wait(&s->changed, &s->lock);
    /* Unplanned after an abort: MPI is broken, nothing more is collective. */
    if (s->planned || s->handed == 0) {
      got = s->planned ? s->handed < s->padded : true;
      if (got) *piece = cut_static(s);
    }
    pthread_mutex_unlock(&s->lock);
    return got;
  }
  while (s->o.threaded && s->claim_count == 0 && !s->exhausted && !s->aborted && !s->cancelled)
    pthread_cond_wait(&s->changed, &s->lock);
  got = s->claim_count > 0 && !s->aborted && !s->cancelled;
  if (got) {
    cubie_run_piece *head = &s->claims[s->claim_head];
    *piece = *head;
    if (head->n > s->cut) {
      piece->n = s->cut;
      head->start += s->cut;
      head->n -= s->cut;
    } else {
      s->claim_head = (s->claim_head + 1) % CLAIM_QUEUE;
      s->claim_count--;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return got;
}

bool cubie_work_source_flush_needed(cubie_work_source *s) {
  if (s->o.counter) return false;
  pthread_mutex_lock(&s->lock);
  bool needed = !s->planned && s->handed >= 1;
  pthread_mutex_unlock(&s->lock);
  return needed;
}

void cubie_work_source_item_timed(cubie_work_source *s, long long item, long long runs,
                                  double seconds) {
  if (!sizing(s) || runs <= 0 || !(seconds > 0.0)) return;
  pthread_mutex_lock(&s->lock);
  if (s->o.counter) {
    double per_run = seconds / (double)runs;
    s->cut = cubie_work_source_piece_length(s->o.max_item_seconds, per_run, s->o.piece_runs);
    s->item_seconds = per_run * (double)s->cut;
  } else if (item == 0) {
    s->probe_runs = runs;
    s->probe_seconds = seconds;
  }
  pthread_mutex_unlock(&s->lock);
}

bool cubie_work_source_stopped_before(cubie_work_source *s, long long item) {
  if (s->o.counter) return false;
  pthread_mutex_lock(&s->lock);
  bool stopped = item > s->stop.last_item;
  pthread_mutex_unlock(&s->lock);
  return stopped;
}

/* Static, the MPI thread, after the probe item: cut this rank's remaining
 * runs by its measured rate, and agree on the padded number of pieces
 * (and the longest expected item) with every rank. */
static int plan(cubie_work_source *s) {
  pthread_mutex_lock(&s->lock);
  double per_run = s->probe_runs > 0 ? s->probe_seconds / (double)s->probe_runs : 0.0;
  long long cut = cubie_work_source_piece_length(s->o.max_item_seconds, per_run, s->o.piece_runs);
  long long count = s->handed;
  for (long long i = s->next; i < s->n; i++) {
    long long left = s->list[i].n - (i == s->next ? s->offset : 0);
    count += (left + cut - 1) / cut;
  }
  pthread_mutex_unlock(&s->lock);
  /* Counts are far below 2^53: one MAX over doubles carries both. */
  double mine[2] = {(double)count, per_run * (double)cut}, most[2] = {0.0, 0.0};
  int mpi_rc = MPI_Allreduce(mine, most, 2, MPI_DOUBLE, MPI_MAX, s->o.comm);
  pthread_mutex_lock(&s->lock);
  s->cut = cut;
  s->padded = mpi_rc == MPI_SUCCESS ? (long long)most[0] : s->handed;
  s->item_seconds = mpi_rc == MPI_SUCCESS ? most[1] : 0.0;
  s->planned = true;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
  if (mpi_rc != MPI_SUCCESS) return CUBIE_MPI_ERROR(mpi_rc, "MPI_Allreduce (sizing the pieces)");
  return CUBIE_OK;
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
    bool planned = s->planned;
    pthread_mutex_unlock(&s->lock);
    /* Every rank's item 0 is its probe: all plan here, together. */
    int prc = !planned && item == 0 ? plan(s) : CUBIE_OK;
    return rc ? rc : prc;
  }
  int rc = CUBIE_OK;
  if (!s->cancelled && cubie_signals_caught()) {
    pthread_mutex_lock(&s->lock);
    s->cancelled = true;
    s->stop_signal = cubie_signals_caught();
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    rc = cubie_run_counter_cancel(s->o.counter);
  }
  pthread_mutex_lock(&s->lock);
  bool low = s->claim_count < CLAIMS_AHEAD;
  pthread_mutex_unlock(&s->lock);
  if (!rc && ok && piece_done && low) rc = claim(s);
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
  pthread_mutex_lock(&s->lock);
  int signal = s->o.counter ? s->stop_signal : s->stop.signal;
  pthread_mutex_unlock(&s->lock);
  return signal;
}

double cubie_work_source_item_seconds(cubie_work_source *s) {
  pthread_mutex_lock(&s->lock);
  double seconds = s->item_seconds;
  pthread_mutex_unlock(&s->lock);
  return seconds;
}
