/* timing.h — the per-rank timing record of a job, for --timing and for
 * scaling studies.
 *
 * Each rank accumulates seconds per phase (compile, compute, transfer,
 * write, write_wait, wait, total) and the number of runs it computed in a plain struct;
 * at the end of the job one collective gathers every rank's record on the
 * root, as one contiguous array per phase (ready to be written as
 * timing_<phase>(rank) in the output file, see docs/scaling.md), and can
 * format them as a table. The clock is monotonic and needs no MPI, so any
 * thread may read it. This module never prints and never writes files.
 */
#ifndef CUBIE_TIMING_H
#define CUBIE_TIMING_H

#include <mpi.h>

#include "util/clock.h" /* cubie_timing_now, which every phase is timed with */
#include "util/strbuf.h"

typedef enum cubie_timing_phase {
  CUBIE_TIMING_COMPILE = 0, /* kernel source, compile (rank 0) or receive, load */
  CUBIE_TIMING_COMPUTE,     /* input decoding, kernel launches to completion */
  CUBIE_TIMING_TRANSFER,    /* host<->device copies (0 on the cpu backend) */
  CUBIE_TIMING_WRITE,       /* NetCDF writes: create, hyperslabs, close (once every rank arrived) */
  CUBIE_TIMING_WRITE_WAIT,  /* waiting for the other ranks to reach a collective write */
  CUBIE_TIMING_WAIT,        /* compute thread idle, waiting for the writer */
  CUBIE_TIMING_TOTAL,       /* wall time of the whole job on this rank */
  CUBIE_TIMING_N_PHASES
} cubie_timing_phase;

typedef struct cubie_rank_timing {
  double seconds[CUBIE_TIMING_N_PHASES];
  long long runs; /* runs this rank computed */
} cubie_rank_timing;

/* Every rank's record, on the root only (n_ranks == 0 elsewhere). */
typedef struct cubie_timing_table {
  int n_ranks;
  double *seconds[CUBIE_TIMING_N_PHASES]; /* seconds[phase][rank] */
  long long *runs;                        /* runs[rank] */
} cubie_timing_table;

/* "compile", "compute", "transfer", "write", "write_wait", "wait", "total". */
const char *cubie_timing_phase_name(cubie_timing_phase phase);

/* Add seconds to a phase: `t0` from cubie_timing_now() at its start. */
void cubie_timing_add_since(cubie_rank_timing *t, cubie_timing_phase phase, double t0);

/* Collective over `comm`: gather every rank's record into `table` on
 * `root`. On other ranks `table` is left empty. Free with
 * cubie_timing_table_free on every rank. */
int cubie_timing_gather(MPI_Comm comm, int root, const cubie_rank_timing *mine,
                        cubie_timing_table *table);

/* Append a table (one row per rank, then min / mean / max, and the load
 * imbalance max/mean of compute) to `text`. With more than `max_rows` ranks
 * (0 = no limit) only the `max_rows` slowest ranks by total are listed. */
int cubie_timing_format(const cubie_timing_table *table, int max_rows, cubie_strbuf *text);

void cubie_timing_table_free(cubie_timing_table *table);

#endif
