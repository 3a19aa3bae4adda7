/* progress.c — cross-rank progress counter and report (see progress.h). */
#include "mpi/progress.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "mpi/mpi_call.h"
#include "mpi/timing.h"

/* A terminal line is redrawn at most this often (seconds): faster is
 * flicker, and each redraw reads the counter. */
#define REDRAW_INTERVAL 0.1

/* The two counters on rank 0 (see progress.h). */
enum { WRITTEN = 0, ESTIMATE = 1, N_COUNTERS = 2 };

struct cubie_progress {
  MPI_Comm comm;
  int rank;
  MPI_Win win;
  long long *counter;              /* rank 0: [WRITTEN, ESTIMATE] over all ranks (as delivered) */
  long long pending[N_COUNTERS];   /* this rank: counted but not yet sent */
  long long in_flight[N_COUNTERS]; /* origin buffer of the outstanding MPI_Raccumulate */
  long long written, estimate;     /* this rank's totals so far */
  MPI_Request request;             /* MPI_REQUEST_NULL when none is outstanding */
  double start, last_push, last_report;
  cubie_progress_options opt;
  int terminal;
  int printed; /* rank 0 has printed something */
};

static double now(const cubie_progress *p) {
  return p->opt.clock ? p->opt.clock() : cubie_timing_now();
}

cubie_progress_options cubie_progress_defaults(long long total_runs, FILE *stream) {
  cubie_progress_options o;
  memset(&o, 0, sizeof o);
  o.total_runs = total_runs;
  o.interval = 30.0;
  o.stream = stream;
  o.terminal = -1;
  o.push_interval = 1.0;
  return o;
}

/* "42s", "3m07s", "2h05m", "4d03h". */
static void format_duration(char *buf, size_t size, double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e9) {
    snprintf(buf, size, "?");
    return;
  }
  long long s = (long long)(seconds + 0.5);
  if (s < 60)
    snprintf(buf, size, "%llds", s);
  else if (s < 3600)
    snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
  else if (s < 86400)
    snprintf(buf, size, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  else
    snprintf(buf, size, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

void cubie_progress_format(char *buf, size_t size, long long done, long long total, double elapsed,
                           bool final) {
  double percent = total > 0 ? 100.0 * (double)done / (double)total : 100.0;
  double rate = elapsed > 0.0 ? (double)done / elapsed : 0.0;
  char when[32];
  if (final) {
    format_duration(when, sizeof when, elapsed);
    snprintf(buf, size, "cubie: %lld / %lld runs (%.1f%%) in %s, %.4g runs/s", done, total, percent,
             when, rate);
    return;
  }
  if (rate > 0.0)
    format_duration(when, sizeof when, (double)(total - done) / rate);
  else
    snprintf(when, sizeof when, "?");
  snprintf(buf, size, "cubie: %lld / %lld runs (%.1f%%), %.4g runs/s, ETA %s", done, total, percent,
           rate, when);
}

int cubie_progress_create(MPI_Comm comm, const cubie_progress_options *options,
                          cubie_progress **progress) {
  *progress = NULL;
  cubie_progress *p = calloc(1, sizeof *p);
  int rc =
      p ? CUBIE_OK : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory creating the progress counter");
  /* Everyone must reach MPI_Win_allocate, or nobody. */
  rc = cubie_mpi_agree(comm, rc);
  if (rc) {
    free(p);
    return rc;
  }
  p->comm = comm;
  p->opt = *options;
  p->request = MPI_REQUEST_NULL;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &p->rank));
  MPI_Aint size = p->rank == 0 ? (MPI_Aint)(N_COUNTERS * sizeof(long long)) : 0;
  int mpi_rc =
      MPI_Win_allocate(size, (int)sizeof(long long), MPI_INFO_NULL, comm, &p->counter, &p->win);
  if (mpi_rc != MPI_SUCCESS) {
    free(p);
    return CUBIE_MPI_ERROR(mpi_rc, "MPI_Win_allocate of the progress counter");
  }
  if (p->rank == 0) {
    CUBIE_MPI_CALL(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, p->win));
    for (int i = 0; i < N_COUNTERS; i++) p->counter[i] = 0;
    CUBIE_MPI_CALL(MPI_Win_unlock(0, p->win));
  }
  CUBIE_MPI_CALL(MPI_Barrier(comm));
  CUBIE_MPI_CALL(MPI_Win_lock_all(MPI_MODE_NOCHECK, p->win));
  p->terminal = p->opt.terminal;
  if (p->terminal < 0) p->terminal = p->opt.stream ? isatty(fileno(p->opt.stream)) : 0;
  if (!(p->opt.interval > 0.0)) p->opt.interval = 30.0;
  p->start = p->last_push = p->last_report = now(p);
  *progress = p;
  return CUBIE_OK;
}

static bool any_pending(const cubie_progress *p) {
  return p->pending[WRITTEN] != 0 || p->pending[ESTIMATE] != 0;
}

/* Hand this rank's pending counts to MPI without waiting on rank 0: a new
 * MPI_Raccumulate only once the previous one has completed locally (its
 * origin buffer is free); remote completion comes at the next flush. */
static int push(cubie_progress *p) {
  if (p->request != MPI_REQUEST_NULL) {
    int done = 0;
    CUBIE_MPI_CALL(MPI_Test(&p->request, &done, MPI_STATUS_IGNORE));
    if (!done) return CUBIE_OK;
  }
  if (!any_pending(p)) return CUBIE_OK;
  for (int i = 0; i < N_COUNTERS; i++) {
    p->in_flight[i] = p->pending[i];
    p->pending[i] = 0;
  }
  CUBIE_MPI_CALL(MPI_Raccumulate(p->in_flight, N_COUNTERS, MPI_LONG_LONG, 0, 0, N_COUNTERS,
                                 MPI_LONG_LONG, MPI_SUM, p->win, &p->request));
  return CUBIE_OK;
}

/* Rank 0's own counts go in through the same atomic op; the flush targets
 * rank 0 itself, so it waits on no one. */
static int add_locally(cubie_progress *p) {
  if (!any_pending(p)) return CUBIE_OK;
  long long mine[N_COUNTERS];
  for (int i = 0; i < N_COUNTERS; i++) {
    mine[i] = p->pending[i];
    p->pending[i] = 0;
  }
  CUBIE_MPI_CALL(MPI_Accumulate(mine, N_COUNTERS, MPI_LONG_LONG, 0, 0, N_COUNTERS, MPI_LONG_LONG,
                                MPI_SUM, p->win));
  CUBIE_MPI_CALL(MPI_Win_flush(0, p->win));
  return CUBIE_OK;
}

/* Rank 0: an atomic read of both counters (same_op_no_op: NO_OP mixes
 * with the ranks' SUMs). */
static int read_counters(cubie_progress *p, long long value[N_COUNTERS]) {
  CUBIE_MPI_CALL(MPI_Get_accumulate(NULL, 0, MPI_LONG_LONG, value, N_COUNTERS, MPI_LONG_LONG, 0, 0,
                                    N_COUNTERS, MPI_LONG_LONG, MPI_NO_OP, p->win));
  CUBIE_MPI_CALL(MPI_Win_flush(0, p->win));
  return CUBIE_OK;
}

static void draw(cubie_progress *p, long long done, bool final) {
  if (!p->opt.stream) return;
  char line[256];
  cubie_progress_format(line, sizeof line, done, p->opt.total_runs, now(p) - p->start, final);
  if (p->terminal)
    fprintf(p->opt.stream, "\r%s\033[K%s", line, final ? "\n" : "");
  else
    fprintf(p->opt.stream, "%s\n", line);
  fflush(p->opt.stream);
  p->printed = 1;
}

/* Send (other ranks, batched by push_interval) or add (rank 0) what is
 * pending; rank 0 then prints a line when one is due. */
static int deliver_and_report(cubie_progress *p) {
  double t = now(p);
  if (p->rank != 0) {
    if (t - p->last_push >= p->opt.push_interval) {
      p->last_push = t;
      CUBIE_CALL(push(p));
    }
    return CUBIE_OK;
  }
  CUBIE_CALL(add_locally(p));
  double due = p->terminal ? REDRAW_INTERVAL : p->opt.interval;
  if (!p->opt.stream || t - p->last_report < due) return CUBIE_OK;
  p->last_report = t;
  long long value[N_COUNTERS] = {0, 0};
  CUBIE_CALL(read_counters(p, value));
  long long done = value[ESTIMATE] > value[WRITTEN] ? value[ESTIMATE] : value[WRITTEN];
  /* An estimate never claims the job is over: only written runs finish it. */
  if (done >= p->opt.total_runs && value[WRITTEN] < p->opt.total_runs)
    done = p->opt.total_runs > 0 ? p->opt.total_runs - 1 : 0;
  draw(p, done, false);
  return CUBIE_OK;
}

/* Raise this rank's estimate to `runs` (never lower it). */
static void raise_estimate(cubie_progress *p, long long runs) {
  if (runs <= p->estimate) return;
  p->pending[ESTIMATE] += runs - p->estimate;
  p->estimate = runs;
}

int cubie_progress_add(cubie_progress *p, long long runs) {
  if (runs > 0) {
    p->written += runs;
    p->pending[WRITTEN] += runs;
    raise_estimate(p, p->written);
  }
  return deliver_and_report(p);
}

int cubie_progress_estimate(cubie_progress *p, long long runs) {
  raise_estimate(p, runs);
  return deliver_and_report(p);
}

int cubie_progress_finish(cubie_progress *p, long long *done) {
  if (done) *done = 0;
  int rc = CUBIE_OK;
  /* Everything this rank counted goes out, then completes at rank 0. */
  if (p->request != MPI_REQUEST_NULL) {
    int mpi_rc = MPI_Wait(&p->request, MPI_STATUS_IGNORE);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Wait");
  }
  if (!rc && any_pending(p)) {
    long long mine[N_COUNTERS] = {p->pending[WRITTEN], p->pending[ESTIMATE]};
    p->pending[WRITTEN] = p->pending[ESTIMATE] = 0;
    int mpi_rc = MPI_Accumulate(mine, N_COUNTERS, MPI_LONG_LONG, 0, 0, N_COUNTERS, MPI_LONG_LONG,
                                MPI_SUM, p->win);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Accumulate");
  }
  if (!rc) {
    int mpi_rc = MPI_Win_flush(0, p->win);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Win_flush");
  }
  /* Agreeing is also the barrier that orders every flush before rank 0's read. */
  rc = cubie_mpi_agree(p->comm, rc);
  if (rc) return rc;
  if (p->rank != 0) return CUBIE_OK;
  long long value[N_COUNTERS] = {0, 0};
  CUBIE_CALL(read_counters(p, value));
  if (done) *done = value[WRITTEN];
  if (p->opt.stream && (p->printed || p->opt.total_runs > 0)) draw(p, value[WRITTEN], true);
  return CUBIE_OK;
}

int cubie_progress_destroy(cubie_progress **progress) {
  cubie_progress *p = *progress;
  if (!p) return CUBIE_OK;
  *progress = NULL;
  int rc = CUBIE_OK;
  if (p->request != MPI_REQUEST_NULL) CUBIE_MPI_CALL_KEEP(rc, MPI_Wait(&p->request, MPI_STATUS_IGNORE));
  CUBIE_MPI_CALL_KEEP(rc, MPI_Win_unlock_all(p->win));
  CUBIE_MPI_CALL_KEEP(rc, MPI_Win_free(&p->win));
  free(p);
  return rc;
}
