/* runner.h — one job from compiled kernel to complete file, on every rank.
 *
 * The runner picks and creates the backend, has rank 0 compile the kernel
 * and broadcasts the binary, creates the shared output file, takes this
 * rank's block of runs from the decomposer, and drives the chunk loop:
 * fill inputs, launch, copy back, write hyperslabs. Decisions that must be
 * the same on every rank (backend, chunk counts, errors) are agreed through
 * MPI (cubie_mpi_agree, mpi/mpi_call.h) before anyone acts on them, so no
 * rank is left waiting in a collective call. It prints nothing; it reports
 * through cubie_run_report.
 */
#ifndef CUBIE_RUNNER_H
#define CUBIE_RUNNER_H

#include <mpi.h>
#include <stdbool.h>

#include "kernel/buffer_registry.h"
#include "mpi/binding.h"
#include "run/chunk_loop.h"
#include "plan/job.h"
#include "util/strbuf.h"

typedef struct cubie_run_report cubie_run_report;

typedef struct cubie_run_settings {
  bool overwrite;            /* --force */
  bool sequential;           /* no writer thread: compute and write take turns */
  bool resume;               /* --resume: compute only the runs the file lacks */
  bool quiet;                /* no progress line */
  cubie_bench_phase phase;   /* benchmarks only: one half of the pipeline; never complete */
  const char *command_line;  /* recorded as provenance */
  /* Called on every rank once the backend is chosen, before the kernel is
   * built and any run starts (the report then has backend, device,
   * backend_reason, binding_warning); may be NULL. */
  void (*started)(void *ctx, const cubie_run_report *report);
  /* Rank 0's warnings while the job runs (a signal lead time shorter than
   * a work item); may be NULL. */
  void (*warn)(void *ctx, const char *message);
  void *ctx;
  double signal_lead;        /* > 0: seconds between a stop signal and the kill; 0: $CUBIE_SIGNAL_LEAD */
} cubie_run_settings;

struct cubie_run_report {
  long long total_runs;
  long long failed_runs;     /* runs whose status has a failure bit */
  int n_ranks;
  double seconds;            /* wall time of the whole job on rank 0 */
  double compile_seconds;    /* rank 0's compile (0 when the cache had it) */
  bool compiled_from_cache;
  char backend[32];
  char device[256];
  char backend_reason[512];  /* why this backend (auto selection) */
  char file[4096];
  bool resumed;              /* an existing file was reopened */
  bool already_complete;     /* --resume found a complete file: nothing was run */
  long long missing_runs;    /* resumed: runs the file lacked */
  long long computed_runs;   /* runs computed (and written) by this job, all ranks */
  cubie_strbuf timing_table; /* rank 0: per-rank timing table (--timing) */
  cubie_strbuf binding_table;/* rank 0: rank -> device table */
  char binding_warning[2048];/* rank 0: ranks sharing a device, or "" */
  size_t memory_budget;      /* bytes per rank the chunks were planned with */
  long long run_chunks;      /* chunks along the run axis (1 when windows are chunked) */
  long long windows;         /* time windows per run (1 when runs are chunked) */
  long long items;           /* rank 0's work items (pieces x windows) */
  double item_seconds;       /* the longest item expected once pieces were sized; 0 unknown */
  cubie_chunk_timing timing; /* this rank's compute / write / wait seconds */
};

/* Collective over `comm`. Free the report with cubie_run_report_free. */
int cubie_runner_run(const cubie_job *job, MPI_Comm comm, const cubie_run_settings *settings,
                     cubie_run_report *report);

/* Collective: the backend every rank runs (the deck's run.backend; `auto`
 * agreed across ranks), this rank's device binding, and the backend
 * created on that device. `why` says which backend and why. The one way
 * `cubie run` and `cubie check` open a backend. */
int cubie_runner_choose_backend(const cubie_job *job, MPI_Comm comm, cubie_backend **backend,
                                cubie_binding *binding, char *why, size_t why_size);

/* The kernel's buffer registry for this job (every kernel buffer with its
 * size, the deck's buffers: section applied, then the default heuristic). */
int cubie_runner_buffer_layout(const cubie_job *job, cubie_buffer_registry **out);

/* The kernel translation unit for `backend`: the buffer layout as its
 * prologue; the size checks and the backend's entry point as its epilogue. */
int cubie_runner_kernel_source(const cubie_job *job, cubie_buffer_registry *buffers,
                               const cubie_backend *backend, char **source);

void cubie_run_report_free(cubie_run_report *report);

#endif
