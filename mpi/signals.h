/* signals.h — stopping a job cleanly on SIGTERM / SIGUSR1.
 *
 * Slurm warns a job before its time limit with a signal (sbatch
 * --signal=B:USR1@120, forwarded to the ranks by slurm/run.sbatch) and
 * scancel sends SIGTERM. The handlers installed here only record the
 * signal in a sig_atomic_t flag; nothing else is safe in a handler. At the
 * next chunk boundary the ranks agree (MPI_Allreduce, MAX) whether any of
 * them caught one, so all stop together after the same chunk, close the
 * file as resumable and exit with CUBIE_EXIT_INTERRUPTED (3). This module
 * never prints, never exits, and never touches files.
 */
#ifndef CUBIE_SIGNALS_H
#define CUBIE_SIGNALS_H

#include <mpi.h>

/* Install the flag-setting handlers for SIGTERM and SIGUSR1 (SA_RESTART,
 * so interrupted system calls resume) and clear the flag. Call once, after
 * MPI_Init_thread (some MPI launchers install their own handlers while
 * initialising). */
int cubie_signals_install(void);

/* Put back the handlers that were there before cubie_signals_install. */
void cubie_signals_restore(void);

/* The last signal this process caught since install/clear, or 0. Local. */
int cubie_signals_caught(void);

void cubie_signals_clear(void);

/* Collective over `comm`: *stop_signal = 0 on every rank when no rank has
 * caught a signal, else the (largest) signal number caught by any rank,
 * the same on every rank. Every rank must call it at the same points (a
 * chunk boundary every rank passes in the same order). */
int cubie_signals_agree_stop(MPI_Comm comm, int *stop_signal);

/* Where a pipelined chunk loop stops. The agreement is made by the thread
 * that writes (the writer thread: the only one inside MPI during the loop)
 * after each work item it has written; every rank writes the same items in
 * the same order, so every rank agrees at the same items. The compute
 * thread may be `depth` items ahead of the writer (1 with double buffering,
 * 0 when compute and write take turns). A stop agreed after item k
 * therefore means: items up to k + depth are computed and written, no item
 * after that — the same last item on every rank, whichever rank's compute
 * thread was ahead. Rule for the compute thread: before computing item j
 * (after its buffer is free), read last_item under the lock that guards it
 * (mpi/work_source.c) and stop if j > last_item. Rule for the writer:
 * agree before marking the item's buffer free (so the compute thread,
 * waiting for that buffer, sees the result). */
typedef struct cubie_stop_point {
  long long last_item; /* CUBIE_NO_STOP until a stop is agreed */
  int signal;          /* the agreed signal, 0 while none */
} cubie_stop_point;

#define CUBIE_NO_STOP 0x7fffffffffffffffLL

void cubie_stop_point_init(cubie_stop_point *stop);

/* Collective: cubie_signals_agree_stop after item `item` was written;
 * the first agreed stop sets last_item = item + depth, later ones keep it.
 * `values` (n >= 0 of them; may be NULL when n is 0) are reduced with MAX
 * in the same collective, for a caller that agrees on more per item. */
int cubie_signals_agree_after_item(MPI_Comm comm, long long item, int depth,
                                   cubie_stop_point *stop, long long *values, int n);

/* Raise CUBIE_ERR_INTERRUPTED with the message the user sees: which signal
 * stopped the job, how many of its runs were written, and that `cubie run
 * --resume` continues `file`. */
int cubie_signals_interrupted(int signum, long long written, long long total, const char *file);

#endif
