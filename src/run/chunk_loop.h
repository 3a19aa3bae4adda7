/* chunk_loop.h — this rank's share of runs, chunk by chunk, pipelined: the
 * object the runner (and `cubie check`) drive, and its three steps.
 *
 *   prepare   (chunk_plan.c) agree on the memory budget and plan the chunk
 *             arrays: the memory manager decides the chunk axis, the number
 *             of chunks and chunk_length, and `arrays` is the only place
 *             anyone reads them from (design.md §4.2);
 *   run       (pipeline.c) for each work item (a piece of runs × a time
 *             window): fill inputs, launch, copy back, hand over to the
 *             writer thread, which writes while the next item computes;
 *   compute_only (pipeline.c) compute runs and discard them (calibration).
 *
 * The pieces come from the work source (mpi/work_source.h), the data movement
 * is the memory layer's (memory/transfer.h), the writing the writer's
 * (writer.h). Every rank makes the same sequence of collective writes; a
 * rank with fewer runs, or one that failed, writes empty hyperslabs, and
 * errors are agreed at the end.
 */
#ifndef CUBIE_CHUNK_LOOP_H
#define CUBIE_CHUNK_LOOP_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "memory/chunk_arrays.h"
#include "mpi/decomposer.h"
#include "mpi/progress.h"
#include "output/output.h"
#include "plan/job.h"
#include "plan/run_set.h"

typedef struct cubie_chunk_timing {
  double compute;   /* main thread: fill inputs, kernels */
  double transfer;  /* main thread: host <-> device copies and reordering */
  double write;     /* writer thread: NetCDF writes, once every rank has arrived */
  double write_wait; /* writer thread: waiting for the other ranks to reach a collective write */
  double wait;      /* main thread waiting for a free buffer set */
  double loop;      /* wall time of the whole chunk loop */
  double kernel;    /* inside kernels (the backend's kernel_seconds; part of compute) */
} cubie_chunk_timing;

/* For benchmarks: run only one half of the pipeline. */
typedef enum cubie_bench_phase {
  CUBIE_PHASE_BOTH = 0,     /* normal */
  CUBIE_PHASE_COMPUTE_ONLY, /* launch and copy back, never write */
  CUBIE_PHASE_WRITE_ONLY    /* write the buffers as they are, never launch */
} cubie_bench_phase;

typedef struct cubie_chunk_loop {
  const cubie_job *job;
  cubie_backend *backend;
  cubie_output *output;          /* NULL: plan only (cubie check) */
  MPI_Comm comm;
  const cubie_run_set *runs;     /* the job's runs, indexed 0..M-1 (virtual) */
  cubie_run_block block;         /* this rank's virtual runs (dynamic: the planning size) */
  cubie_run_counter *counter;    /* dynamic decomposition: blocks are claimed; else NULL */
  cubie_progress *progress;      /* may be NULL */
  int memory_sharers;            /* ranks sharing this rank's memory, itself included
                                    (the binding's count; 0 is taken as 1) */
  bool pipelined;                /* writer thread + double buffering */
  cubie_bench_phase phase;
  double max_item_seconds;       /* > 0: pieces sized so an item takes at most this (run.max_item_seconds) */
  double signal_lead;            /* > 0: seconds between a stop signal and the kill (warned about) */
  /* Rank 0's warnings while the loop runs (may be NULL): called from the
   * writer thread. */
  void (*warn)(void *ctx, const char *message);
  void *warn_ctx;

  /* Set by prepare. */
  size_t budget;                 /* bytes per rank the arrays were planned with (least of any rank) */
  cubie_chunk_arrays arrays;     /* every array, and the chunking decision */
  cubie_chunk_timing timing;

  /* Results of cubie_chunk_loop_run. */
  long long runs_done;           /* runs whose records this rank wrote */
  double item_seconds;           /* expected longest item once pieces were sized; 0 unknown */
  long long items;               /* work items this rank went through (empty ones included) */
  int stop_signal;               /* the agreed signal when interrupted; 0 otherwise */
} cubie_chunk_loop;

/* Decide the chunking (collective: every rank gets the same decision) and,
 * when `allocate`, allocate every array. */
int cubie_chunk_loop_prepare(cubie_chunk_loop *loop, bool allocate);
/* Run every work item; *failed receives this rank's number of failed runs.
 * Stops early, at an item every rank agrees on, when a stop signal arrives
 * (loop->stop_signal is then set). Collective. */
int cubie_chunk_loop_run(cubie_chunk_loop *loop, long long *failed);
/* Compute virtual runs [v_start, v_start + count) into the first buffer
 * set without writing anything (weighted decomposition's calibration).
 * Local: no MPI calls. */
int cubie_chunk_loop_compute_only(cubie_chunk_loop *loop, long long v_start, long long count);
void cubie_chunk_loop_free(cubie_chunk_loop *loop);

#endif
