/* work_source.h — which pieces of runs this rank computes, and when it
 * stops.
 *
 * A piece is a contiguous range of real runs, at most one chunk long: what
 * one launch and one hyperslab write take (plan/run_set.h turns virtual
 * runs into pieces). Where they come from depends on the decomposition
 * (mpi/decomposer.h):
 *
 *  - static and weighted: the pieces of this rank's block, listed up front
 *    and padded with empty pieces to the longest list of any rank, so every
 *    rank makes the same sequence of collective writes. After a stop signal
 *    the ranks agree after every item on the last item anyone computes.
 *  - dynamic: blocks claimed from the shared counter, queued for the
 *    computing thread; a stop signal cancels the counter, and ranks finish
 *    the blocks they hold.
 *
 * Threads: next() and stopped_before() belong to the thread that computes;
 * item_done() and poll() to the one thread that makes MPI calls (the
 * writer thread while the loop runs); abort() to either. It never touches
 * arrays, devices or files.
 */
#ifndef CUBIE_WORK_SOURCE_H
#define CUBIE_WORK_SOURCE_H

#include <mpi.h>
#include <stdbool.h>

#include "mpi/decomposer.h"
#include "plan/run_set.h"

typedef struct cubie_work_source cubie_work_source;

typedef struct cubie_work_source_options {
  MPI_Comm comm;
  const cubie_run_set *runs;  /* the job's runs, indexed 0..M-1 (virtual) */
  cubie_run_block block;      /* static/weighted: this rank's virtual runs */
  cubie_run_counter *counter; /* dynamic: blocks are claimed from it; else NULL */
  long long piece_runs;       /* the most runs one piece holds */
  bool threaded;              /* another thread claims: next() waits for its claims */
} cubie_work_source_options;

/* Collective over o->comm (static: agrees on the padded length; dynamic:
 * claims the first two blocks, one-sided). On failure *out may still hold
 * a source to destroy. */
int cubie_work_source_create(const cubie_work_source_options *o, cubie_work_source **out);
void cubie_work_source_destroy(cubie_work_source **s);

/* The next piece (n == 0: an empty one that keeps the collective writes in
 * step), or false when this rank has none left. Dynamic and threaded: waits
 * until the MPI thread has claimed one or the counter is exhausted. */
bool cubie_work_source_next(cubie_work_source *s, cubie_run_piece *piece);
/* Static: whether item `item` comes after the last item the ranks agreed
 * to compute (read after the item's buffer is free: see mpi/signals.h).
 * Dynamic: never. */
bool cubie_work_source_stopped_before(cubie_work_source *s, long long item);
/* MPI thread, after item `item` was written (`ok`: without error; its
 * piece's last window when `piece_done`). Static: the collective stop
 * agreement. Dynamic: cancels the counter after a signal and claims the
 * next block when a piece is done. */
int cubie_work_source_item_done(cubie_work_source *s, long long item, bool piece_done, bool ok);
/* Whether the MPI thread must poll while idle (dynamic: software one-sided
 * MPI only progresses inside MPI calls), and the poll itself. */
bool cubie_work_source_polls(const cubie_work_source *s);
void cubie_work_source_poll(cubie_work_source *s);
/* A failure elsewhere: next() hands out no more dynamic pieces. */
void cubie_work_source_abort(cubie_work_source *s);
/* The signal the rank stopped for (the agreed one, static), or 0. */
int cubie_work_source_stop_signal(cubie_work_source *s);

#endif
