/* chunk_loop.h — this rank's share of runs, chunk by chunk, pipelined.
 *
 * Before anything is sized, the memory manager decides the chunk axis, the
 * number of chunks and chunk_length from the array managers' requests; that
 * response is the only place the loop reads them from (design.md §4.2).
 * Then, for each work item (a run chunk × a time window): decode inputs,
 * launch, copy back, and hand the item to the writer thread, which writes
 * the hyperslabs while the next item computes (double-buffered outputs).
 * During the loop only the writer thread calls MPI/NetCDF. Every rank makes
 * the same sequence of collective writes; a rank with fewer runs, or one
 * that failed, writes empty hyperslabs, and errors are agreed at the end.
 */
#ifndef CUBIE_CHUNK_LOOP_H
#define CUBIE_CHUNK_LOOP_H

#include <mpi.h>
#include <stdbool.h>

#include "memory/array_manager.h"
#include "backends/backend.h"
#include "mpi/decomposer.h"
#include "plan/job.h"
#include "memory/memory_manager.h"
#include "output/output.h"
#include "mpi/progress.h"
#include "plan/run_set.h"

typedef struct cubie_chunk_plan {
  cubie_chunk_axis axis;        /* resolved: RUN or TIME */
  long long runs_planned;       /* runs per rank the arrays are sized for (max over ranks) */
  long long run_chunk;          /* runs per chunk */
  long long n_run_chunks;
  long long window;             /* save points per window */
  long long n_windows;
  long long summaries_per_window;
  int persist_fields;           /* doubles per run carried between windows; 0 with one window */
  size_t budget;                /* bytes the manager planned with (min over ranks) */
  size_t chunk_bytes;           /* device bytes of one chunk's arrays */
} cubie_chunk_plan;

typedef struct cubie_chunk_timing {
  double compute;   /* main thread: fill inputs, kernels */
  double transfer;  /* main thread: host <-> device copies and reordering */
  double write;     /* writer thread: NetCDF writes */
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
  const char *memory_key;        /* ranks of a node with the same key share one memory
                                    (the physical GPU; NULL: the host's, shared by all) */
  bool pipelined;                /* writer thread + double buffering */
  cubie_bench_phase phase;

  cubie_chunk_plan plan;
  cubie_array_response response; /* the memory manager's decision */
  cubie_memory_manager *mm;
  cubie_input_arrays inputs;
  cubie_output_arrays outputs;
  cubie_summary_arrays summaries;
  cubie_record_arrays records;
  cubie_chunk_timing timing;

  /* Results of cubie_chunk_loop_run. */
  long long runs_done;           /* runs whose records this rank wrote */
  int stop_signal;               /* the agreed signal when interrupted; 0 otherwise */
} cubie_chunk_loop;

/* Decide the chunking (collective: every rank gets the same plan) and, when
 * `allocate`, allocate every array. */
int cubie_chunk_loop_prepare(cubie_chunk_loop *loop, bool allocate);
/* Run every work item; *failed receives this rank's number of failed runs.
 * Stops early, at an item every rank agrees on, when a stop signal arrives
 * (loop->stop_signal is then set). */
int cubie_chunk_loop_run(cubie_chunk_loop *loop, long long *failed);
/* Compute virtual runs [v_start, v_start + count) into the first buffer
 * set without writing anything (weighted decomposition's calibration). */
int cubie_chunk_loop_compute_only(cubie_chunk_loop *loop, long long v_start, long long count);
void cubie_chunk_loop_free(cubie_chunk_loop *loop);

#endif
