/* decomposer.h — which runs each rank computes.
 *
 * Three ways to split the run index space [0, total_runs) over ranks:
 *
 * - static: one contiguous block per rank, in rank order; the remainder of
 *   total_runs / ranks goes one each to the first ranks.
 * - weighted: one contiguous block per rank, in rank order, sized in
 *   proportion to a per-rank weight (a measured rate in runs per second);
 *   the weights are agreed with MPI_Allgather and rounded by largest
 *   remainder, so the sizes add up to total_runs exactly.
 * - dynamic: ranks claim blocks of run_block runs from a counter on rank 0
 *   (MPI-3 one-sided fetch-and-add) until the counter passes total_runs.
 *
 * In every mode every run is computed by exactly one rank, so results never
 * depend on the number of ranks or the mode. This module only does
 * arithmetic and the MPI calls named here; it never touches files, never
 * prints, and never decides anything about chunking or output.
 */
#ifndef CUBIE_DECOMPOSER_H
#define CUBIE_DECOMPOSER_H

#include <mpi.h>

typedef struct cubie_run_block {
  long long start;
  long long count;
} cubie_run_block;

/* ---- static ------------------------------------------------------------ */

/* The block of `rank` among `n_ranks` for runs [0, total_runs). */
cubie_run_block cubie_decomposer_static_block(long long total_runs, int n_ranks, int rank);

/* ---- weighted ---------------------------------------------------------- */

/* Contiguous blocks in rank order, blocks[r].count proportional to
 * weights[r] (largest-remainder rounding, ties to the lower rank; the counts
 * sum to total_runs exactly). Weights must be finite and >= 0; a weight of 0
 * gets no runs; all weights 0 falls back to the static split. Pure
 * arithmetic: the same weights give the same blocks on every rank. */
int cubie_decomposer_weighted_blocks(long long total_runs, int n_ranks, const double *weights,
                                     cubie_run_block *blocks);

/* Collective over `comm`: gathers every rank's `weight` (MPI_Allgather) and
 * returns this rank's weighted block. `weights_out`, when not NULL, receives
 * the n_ranks agreed weights (for the log and the output file). An invalid
 * weight on any rank fails on every rank with the same error. */
int cubie_decomposer_weighted_block(MPI_Comm comm, long long total_runs, double weight,
                                    cubie_run_block *block, double *weights_out);

/* Calibration for `weighted`: computes runs [start, start + count) through
 * the caller's callback and measures this rank's rate. The callback must
 * compute and discard those runs and make no MPI calls (each rank calls it
 * on its own, at its own pace). It is called twice: once untimed on at most
 * CUBIE_CALIBRATE_WARMUP_RUNS runs (first launch, page faults, lazy module
 * loads), then timed on all `count`. *runs_per_second > 0 on success.
 * Local: no MPI calls. */
#define CUBIE_CALIBRATE_WARMUP_RUNS 64
typedef int (*cubie_calibrate_fn)(void *ctx, long long start, long long count);
int cubie_decomposer_measure_rate(cubie_calibrate_fn compute, void *ctx, long long start,
                                  long long count, double *runs_per_second);

/* The sample every rank times during calibration: the same runs on every
 * rank (so the rates compare devices, not runs), taken from the middle of
 * the sweep, min(total_runs, requested) long; requested 0 means
 * min(total_runs, max(256, total_runs / 1000)). Pass one chunk's runs
 * (the plan's run_chunk) so the sample fills the device as the real
 * chunks will. */
cubie_run_block cubie_decomposer_calibration_sample(long long total_runs, long long requested);

/* Collective: measure this rank's rate on the calibration sample, agree
 * errors (a failing callback on any rank fails every rank), and return this
 * rank's weighted block. `rates_out` (n_ranks doubles, may be NULL) receives
 * every rank's measured runs/second. */
int cubie_decomposer_calibrate(MPI_Comm comm, long long total_runs, long long sample_runs,
                               cubie_calibrate_fn compute, void *ctx, cubie_run_block *block,
                               double *rates_out);

/* ---- dynamic ----------------------------------------------------------- */

/* Runs per claimed block. `requested` > 0 (run.dynamic_block) is used as
 * given, capped at `max_block` (the most runs one chunk's arrays hold; 0 =
 * no cap). `requested` == 0 chooses ceil(total_runs / (CUBIE_DYNAMIC_BLOCKS_PER_RANK
 * * n_ranks)), raised to `min_block` (the runs that fill the device; 0 = 1)
 * and capped at max_block: about 16 claims per rank bound the tail
 * imbalance to ~1/16 of a rank's share while keeping the counter traffic
 * at 16 * n_ranks atomics in the whole job. Always >= 1. */
#define CUBIE_DYNAMIC_BLOCKS_PER_RANK 16
long long cubie_decomposer_dynamic_block_length(long long total_runs, int n_ranks,
                                                long long requested, long long min_block,
                                                long long max_block);

typedef struct cubie_run_counter cubie_run_counter;

/* Collective over `comm`: a shared counter of run blocks on rank 0, set to
 * 0, opened for passive-target access (MPI_Win_lock_all) until destroyed. */
int cubie_run_counter_create(MPI_Comm comm, long long total_runs, long long block_runs,
                             cubie_run_counter **counter);

/* Claim the next block: one MPI_Fetch_and_op(1, MPI_SUM) on the counter.
 * block->count == 0 (start == total_runs) once every block is claimed or
 * the counter was cancelled; claiming further keeps returning empty. Not
 * collective; call from the one thread that makes MPI calls. */
int cubie_run_counter_claim(cubie_run_counter *counter, cubie_run_block *block);

/* Let MPI serve the other ranks' claims now. With hardware atomics (UCX,
 * shared memory) a claim never waits for rank 0; with software one-sided
 * MPI (Open MPI's osc/pt2pt, e.g. over TCP) it waits until rank 0 next
 * enters the MPI library. So the thread that makes rank 0's MPI calls
 * calls this whenever it would otherwise sit idle for long (the writer
 * thread waiting for the next item: wait on its condition variable with a
 * timeout of about 1 ms and poll on every timeout). One MPI_Iprobe on a
 * private communicator nothing is ever sent on: it only drives progress.
 * Cheap (microseconds); a no-op on other ranks. Not collective. */
int cubie_run_counter_poll(cubie_run_counter *counter);

/* Exhaust the counter (MPI_Fetch_and_op with MPI_REPLACE of the block
 * count) so every rank's next claim comes back empty: how a rank that
 * caught SIGTERM/SIGUSR1 stops the whole dynamic job without a collective.
 * Blocks never claimed stay unwritten (resume computes them). Not
 * collective. */
int cubie_run_counter_cancel(cubie_run_counter *counter);

/* Blocks this rank has claimed (non-empty) so far. */
long long cubie_run_counter_claimed(const cubie_run_counter *counter);

/* Collective: MPI_Win_unlock_all + MPI_Win_free. Sets *counter to NULL. */
int cubie_run_counter_destroy(cubie_run_counter **counter);

#endif
