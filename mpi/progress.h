/* progress.h — runs done / total, rate and ETA on rank 0's stderr.
 *
 * Every rank adds what it has done to two counters that live in an MPI-3
 * window on rank 0 (passive target: MPI_Raccumulate under
 * MPI_Win_lock_all, never a flush that would wait on rank 0), and rank 0
 * reads them (MPI_Get_accumulate with MPI_NO_OP) when it reports:
 *   - written: runs whose records this rank has written (exact; the final
 *     line and the count cubie_progress_finish returns);
 *   - estimate: runs done including those still in flight — the kernel's
 *     progress counter during a long chunk (src/run/writer.c feeds it) —
 *     never less than written on any rank. Lines during the job show it,
 *     so they move while a single chunk runs.
 * No rank ever waits for another during the chunk loop: the only
 * synchronisation is in create and finish. Rank 0 redraws one line
 * (carriage return) when its stream is a terminal, else prints a line every
 * `interval` seconds, and ends with a final line and a newline; with no
 * stream (--quiet) it prints nothing. The stream is the caller's choice:
 * this module prints only to the FILE it is given and never decides what
 * the user sees otherwise.
 *
 * Threads: MPI is initialised MPI_THREAD_SERIALIZED and during the chunk
 * loop the writer thread is inside MPI-IO, so cubie_progress_add and
 * cubie_progress_estimate (the only calls made during the loop) must be
 * made by the thread that makes the NetCDF calls — the writer thread — or
 * under the lock that serialises MPI in --sequential mode. create, finish
 * and destroy are collective and are made by the main thread before the
 * writer thread starts and after it is joined.
 */
#ifndef CUBIE_PROGRESS_H
#define CUBIE_PROGRESS_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cubie_progress cubie_progress;

typedef struct cubie_progress_options {
  long long total_runs;  /* runs this job computes (the denominator) */
  double interval;       /* seconds between lines when not a terminal (run.progress_interval) */
  FILE *stream;          /* rank 0: where to print (stderr); NULL prints nothing (--quiet) */
  int terminal;          /* -1: isatty(fileno(stream)); 0: periodic lines; 1: redrawn line */
  double push_interval;  /* seconds a rank other than 0 batches its count between
                            accumulates (0: every add); bounds rank 0's traffic */
  double (*clock)(void); /* NULL: cubie_timing_now; tests pass a fake clock */
} cubie_progress_options;

/* Defaults: interval 30 s, terminal -1, push_interval 1 s. */
cubie_progress_options cubie_progress_defaults(long long total_runs, FILE *stream);

/* Collective over `comm`: allocate the counter window (on rank 0), start
 * the clock. Only rank 0's stream/terminal/interval are used. */
int cubie_progress_create(MPI_Comm comm, const cubie_progress_options *options,
                          cubie_progress **progress);

/* `runs` more runs finished and written on this rank (>= 0; 0 just lets
 * rank 0 report). Never blocks on another rank. On rank 0 it may print a
 * line. */
int cubie_progress_add(cubie_progress *progress, long long runs);

/* This rank has done about `runs` runs of this job so far, counting those
 * still in flight (a value below an earlier one, or below what was added,
 * changes nothing). Never blocks on another rank; on rank 0 it may print. */
int cubie_progress_estimate(cubie_progress *progress, long long runs);

/* Collective: deliver every rank's outstanding count, then rank 0 reads
 * the exact total of written runs and prints the final line and a newline.
 * *done (may be NULL) receives that total on rank 0 and 0 elsewhere. */
int cubie_progress_finish(cubie_progress *progress, long long *done);

/* Collective: free the window. Sets *progress to NULL. */
int cubie_progress_destroy(cubie_progress **progress);

/* The text of one report (no newline, no carriage return):
 * "cubie: 1234 / 10000 runs (12.3%), 456 runs/s, ETA 19s", or with `final`
 * "cubie: 10000 / 10000 runs (100.0%) in 21s, 476 runs/s". */
void cubie_progress_format(char *buf, size_t size, long long done, long long total, double elapsed,
                           bool final);

#endif
