/* decomposer.h — which runs each rank computes.
 *
 * Static decomposition gives every rank one contiguous block of runs; the
 * remainder of total_runs / ranks goes one each to the first ranks. Every
 * run belongs to exactly one rank and the blocks are in rank order, so the
 * result never depends on the number of ranks. This module only does
 * arithmetic (and, for other modes, talks to MPI); it never touches files.
 */
#ifndef CUBIE_DECOMPOSER_H
#define CUBIE_DECOMPOSER_H

typedef struct cubie_run_block {
  long long start;
  long long count;
} cubie_run_block;

/* The block of `rank` among `n_ranks` for runs [0, total_runs). */
cubie_run_block cubie_decomposer_static_block(long long total_runs, int n_ranks, int rank);

#endif
