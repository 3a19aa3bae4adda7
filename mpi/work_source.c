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
  /* Piece lengths (both modes): the next piece holds at most min(ramp, cut)
   * runs; ramp starts at the probe and doubles with every piece handed out,
   * cut follows the latest measured item (piece_runs until one is). */
  long long ramp, cut;
  double item_seconds;    /* expected item duration once sized (static: the most of any rank); 0 unknown */
  double measured_seconds; /* this rank's: the latest rate times the cut */
  /* Static: the list, where the next piece is cut from, how many pieces
   * this rank has handed out and how many the ranks have agreed to make
   * (padded; only grows), and how many of its handed pieces have had their
   * last item agreed on. */
  cubie_run_piece *list;
  long long n, next, offset, handed, padded, agreed;
  bool broken;            /* an agreement failed: nothing more is collective */
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
  s->cut = s->ramp = o->piece_runs > 0 ? o->piece_runs : 1;
  if (sizing(s) && o->first_piece_runs > 0 && o->first_piece_runs < s->cut)
    s->ramp = o->first_piece_runs;
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
  /* Sized: every rank hands out its probe piece (perhaps empty), and the
   * agreement after each item says how many pieces every rank makes. */
  if (sizing(s) && s->padded > 0) s->padded = 1;
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

/* The next piece's most runs, and the ramp after handing it out. */
static long long piece_cap(const cubie_work_source *s) { return s->ramp < s->cut ? s->ramp : s->cut; }
static void ramp_up(cubie_work_source *s) { s->ramp = s->ramp < s->cut / 2 ? 2 * s->ramp : s->cut; }

/* Static, under the lock: the next piece of the list (empty past its end). */
static cubie_run_piece cut_static(cubie_work_source *s) {
  cubie_run_piece piece = {0, 0};
  if (s->next < s->n) {
    const cubie_run_piece *from = &s->list[s->next];
    long long left = from->n - s->offset, cap = piece_cap(s);
    piece.start = from->start + s->offset;
    piece.n = left < cap ? left : cap;
    s->offset += piece.n;
    if (s->offset == from->n) {
      s->next++;
      s->offset = 0;
    }
    ramp_up(s);
  }
  s->handed++;
  return piece;
}

/* Static, under the lock: how many pieces this rank makes in all if the
 * rest of its list is cut as cut_static would cut it now. Handing a piece
 * out leaves it unchanged; a smaller cut only raises it. */
static long long planned_pieces(const cubie_work_source *s) {
  long long count = s->handed, ramp = s->ramp, cut = s->cut;
  for (long long i = s->next; i < s->n; i++) {
    long long left = s->list[i].n - (i == s->next ? s->offset : 0);
    while (left > 0) {
      if (ramp >= cut) {
        count += (left + cut - 1) / cut;
        break;
      }
      left -= left < ramp ? left : ramp;
      count++;
      ramp = ramp < cut / 2 ? 2 * ramp : cut;
    }
  }
  return count;
}

bool cubie_work_source_next(cubie_work_source *s, cubie_run_piece *piece) {
  pthread_mutex_lock(&s->lock);
  bool got = false;
  if (!s->o.counter) {
    /* Static: hand out up to the agreed count; at it, wait until every
     * piece handed out has been agreed on (a slower rank may still need
     * more pieces of everyone) — then the count is final. A failed writer
     * still makes every collective call, so agreements keep coming. */
    for (;;) {
      if (s->handed < s->padded) {
        *piece = cut_static(s);
        got = true;
        break;
      }
      if (!sizing(s) || s->agreed >= s->handed || s->broken) break;
      pthread_cond_wait(&s->changed, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return got;
  }
  while (s->o.threaded && s->claim_count == 0 && !s->exhausted && !s->aborted && !s->cancelled)
    pthread_cond_wait(&s->changed, &s->lock);
  got = s->claim_count > 0 && !s->aborted && !s->cancelled;
  if (got) {
    cubie_run_piece *head = &s->claims[s->claim_head];
    long long cap = piece_cap(s);
    *piece = *head;
    if (head->n > cap) {
      piece->n = cap;
      head->start += cap;
      head->n -= cap;
    } else {
      s->claim_head = (s->claim_head + 1) % CLAIM_QUEUE;
      s->claim_count--;
    }
    ramp_up(s);
  }
  pthread_mutex_unlock(&s->lock);
  return got;
}

bool cubie_work_source_flush_needed(cubie_work_source *s) {
  if (s->o.counter || !sizing(s)) return false;
  pthread_mutex_lock(&s->lock);
  bool needed = s->handed >= s->padded && s->agreed < s->handed && !s->broken;
  pthread_mutex_unlock(&s->lock);
  return needed;
}

void cubie_work_source_item_timed(cubie_work_source *s, long long item, long long runs,
                                  double seconds) {
  (void)item;
  if (!sizing(s) || runs <= 0 || !(seconds > 0.0)) return;
  /* The latest item predicts the next best (neighbouring runs cost alike);
   * the ramp keeps a piece from growing more than twice the last. */
  double per_run = seconds / (double)runs;
  pthread_mutex_lock(&s->lock);
  s->cut = cubie_work_source_piece_length(s->o.max_item_seconds, per_run, s->o.piece_runs);
  s->measured_seconds = per_run * (double)s->cut;
  if (s->o.counter) s->item_seconds = s->measured_seconds;
  pthread_mutex_unlock(&s->lock);
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
    /* One collective per item: the stop agreement, and (sized) the most
     * pieces any rank now plans. */
    pthread_mutex_lock(&s->lock);
    cubie_stop_point stop = s->stop;
    long long values[2] = {sizing(s) ? planned_pieces(s) : 0,
                           (long long)(s->measured_seconds * 1e6)};
    pthread_mutex_unlock(&s->lock);
    /* Depth 1: the computing thread may have the next item under way
     * already (pipelined, or launched before this one was handed over on a
     * GPU). */
    int rc = cubie_signals_agree_after_item(s->o.comm, item, 1, &stop, values, 2);
    pthread_mutex_lock(&s->lock);
    s->stop = stop;
    if (rc) s->broken = true;
    else if (values[0] > s->padded) s->padded = values[0];
    if (!rc) s->item_seconds = (double)values[1] * 1e-6;
    if (piece_done) s->agreed++;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return rc;
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
