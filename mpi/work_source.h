/* work_source.h — which pieces of runs this rank computes, how long each
 * is, and when it stops.
 *
 * A piece is a contiguous range of real runs, at most one chunk long: what
 * one launch and one hyperslab write take (plan/run_set.h turns virtual
 * runs into pieces). Where they come from depends on the decomposition
 * (mpi/decomposer.h):
 *
 *  - static and weighted: the pieces of this rank's block, padded with
 *    empty pieces to the longest list of any rank, so every rank makes the
 *    same sequence of collective writes. After a stop signal the ranks
 *    agree after every item on the last item anyone computes.
 *  - dynamic: blocks claimed from the shared counter, queued for the
 *    computing thread; a stop signal cancels the counter and the rank
 *    hands out no more pieces (what it had claimed but not computed stays
 *    missing, for --resume).
 *
 * How long a piece is (max_item_seconds > 0): the chunking decision (the
 * memory manager's, once, for the largest piece) stays the most a piece
 * holds; pieces may be shorter. The first piece of every rank is a short
 * probe (first_piece_runs); from then on each piece holds at most twice the
 * runs of the one before (a ramp) and at most what the latest measured item
 * says fits in max_item_seconds — runs of a sweep differ in cost, and
 * neighbouring runs predict each other best — so a stop signal is acted on
 * within about that time. Static: with the stop agreement after every item
 * (one MPI_Allreduce, as before) the ranks also agree on the most pieces
 * any rank now plans; every rank hands out that many (padding with empty
 * ones), and a rank that reaches the count waits until its pieces are all
 * agreed on before it concludes it is done — so the collective write
 * sequence stays the same on every rank. Dynamic: each rank sizes its
 * pieces by itself, no agreement needed. Results never depend on where
 * pieces end.
 *
 * Threads: next(), flush_needed(), item_timed() and stopped_before()
 * belong to the thread that computes; item_done() and poll() to the one
 * thread that makes MPI calls (the writer thread while the loop runs);
 * abort() and item_seconds() to either. It never touches arrays, devices
 * or files.
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
  long long piece_runs;       /* the most runs one piece holds (the chunking decision) */
  double max_item_seconds;    /* > 0: size pieces so an item takes at most this; 0: whole pieces */
  long long first_piece_runs; /* the probe piece's runs (capped at piece_runs) when sizing */
  bool threaded;              /* another thread claims and plans: next() waits for it */
} cubie_work_source_options;

/* Collective over o->comm (static: agrees on the padded length; dynamic:
 * claims the first two blocks, one-sided). On failure *out may still hold
 * a source to destroy. */
int cubie_work_source_create(const cubie_work_source_options *o, cubie_work_source **out);
void cubie_work_source_destroy(cubie_work_source **s);

/* The next piece (n == 0: an empty one that keeps the collective writes in
 * step), or false when this rank has none left. Dynamic and threaded: waits
 * until the MPI thread has claimed one or the counter is exhausted.
 * Static and sized, at the agreed count: waits until every piece handed
 * out has been agreed on (its items handed to the writer first: see
 * flush_needed), then hands out more if a rank needs them. */
bool cubie_work_source_next(cubie_work_source *s, cubie_run_piece *piece);
/* True when next() may wait for agreements: the caller must first hand
 * every computed item to the writer (the agreement comes after it). */
bool cubie_work_source_flush_needed(cubie_work_source *s);
/* The computing thread measured item `item`: `runs` runs in `seconds`
 * (kernel launch to completion). Sizes the pieces that follow. */
void cubie_work_source_item_timed(cubie_work_source *s, long long item, long long runs,
                                  double seconds);
/* Static: whether item `item` comes after the last item the ranks agreed
 * to compute (read after the item's buffer is free: see mpi/signals.h).
 * Dynamic: never. */
bool cubie_work_source_stopped_before(cubie_work_source *s, long long item);
/* MPI thread, after item `item` was written (`ok`: without error; its
 * piece's last window when `piece_done`). Static: the collective stop
 * agreement, with the piece count (sized). Dynamic: cancels the counter
 * after a signal and claims the next block when few are queued. */
int cubie_work_source_item_done(cubie_work_source *s, long long item, bool piece_done, bool ok);
/* Whether the MPI thread must poll while idle (dynamic: software one-sided
 * MPI only progresses inside MPI calls), and the poll itself. */
bool cubie_work_source_polls(const cubie_work_source *s);
void cubie_work_source_poll(cubie_work_source *s);
/* A failure elsewhere: next() hands out no more dynamic pieces. */
void cubie_work_source_abort(cubie_work_source *s);
/* The signal the rank stopped for (the agreed one, static), or 0. */
int cubie_work_source_stop_signal(cubie_work_source *s);
/* How long an item is expected to take once pieces are sized (static: the
 * most of any rank at the last agreement; dynamic: this rank's latest);
 * 0 while unknown or when pieces are not sized. */
double cubie_work_source_item_seconds(cubie_work_source *s);

/* The runs of a piece that takes about `max_seconds` when one run takes
 * `seconds_per_run` (> 0): at least 1, at most `cap`. */
long long cubie_work_source_piece_length(double max_seconds, double seconds_per_run, long long cap);

#endif
