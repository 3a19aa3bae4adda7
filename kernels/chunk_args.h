/* chunk_args.h — the one argument block a kernel launch receives.
 *
 * The host fills it (src/) and both entry points read it (kernels/
 * entry_cpu.h, entry_cuda.h): the CPU backend passes a pointer, the CUDA
 * backend passes it by value as the kernel parameter. Every member has a
 * fixed size so the layout is identical for gcc and NVRTC. Array pointers are
 * `void *` because the host is compiled once for both precisions; the kernel
 * casts them to cubie_real. All strides count elements, not bytes, so the
 * host can lay arrays out run-fastest (coalesced on a GPU) or
 * variable-fastest (cache-friendly on a CPU) without the kernel changing.
 *
 * The kernel integrates runs [0, n_runs) of one chunk over the save points
 * [window_start, window_end). window_start == 0 starts fresh runs from their
 * inputs; otherwise the run continues from `persist`. Results never depend on
 * where window boundaries fall.
 */
#ifndef CUBIE_CHUNK_ARGS_H
#define CUBIE_CHUNK_ARGS_H

#include "types.h"
#include "grid_decode.h"

typedef struct cubie_chunk_args {
  cubie_i64 n_runs;

  /* Inputs. A kernel decodes run r's inputs itself from `grid` (run
   * grid.first_run + r of the batch grid, grid_decode.h); only when
   * grid.n_axes < 0 did the host fill per-run arrays (cubie_real), element
   * (run r, index i) at base[i * in_var_stride + r * in_run_stride]. */
  cubie_grid_desc grid;
  const void *initial_values;  /* CUBIE_N_STATES per run */
  const void *parameters;      /* CUBIE_N_PARAMETERS per run */
  cubie_i64 in_run_stride, in_var_stride;

  /* Saved outputs (cubie_real). Output v of run r at save point j
   * (window_start <= j < window_end) at
   * saves[v * save_var_stride + r * save_run_stride + (j - window_start) * save_time_stride]. */
  void *saves;
  cubie_i64 save_run_stride, save_var_stride, save_time_stride;

  /* Summaries (cubie_real). Metric m of output v for run r, summary window s
   * (summary_start <= s < summary_end) at
   * summaries[(v * CUBIE_N_METRICS + m) * sum_var_stride + r * sum_run_stride
   *           + (s - summary_start) * sum_time_stride].
   * Summary window s covers save points s*summary_every+1 ... (s+1)*summary_every
   * and is written when its last save point is produced. */
  void *summaries;
  cubie_i64 sum_run_stride, sum_var_stride, sum_time_stride;
  cubie_i64 summary_start, summary_end;

  /* Status word (CUBIE_RUN_* bits) and counters (CUBIE_COUNTER_* slots). */
  cubie_u32 *status;           /* status[r] */
  cubie_u64 *counters;         /* counters[c * counter_slot_stride + r * counter_run_stride] */
  cubie_i64 counter_run_stride, counter_slot_stride;

  /* The swept values the file records per run (double): axis x of run r at
   * swept[x * swept_axis_stride + r], written in the first window when the
   * kernel decodes its inputs; NULL: not wanted (the host has them). */
  double *swept;
  cubie_i64 swept_axis_stride;

  /* Per-run state carried between time windows; NULL when the whole
   * trajectory is one window. Field f of run r at
   * persist[f * persist_field_stride + r * persist_run_stride]; the kernel
   * defines the fields (CUBIE_PERSIST_FIELDS in run.h). */
  double *persist;
  cubie_i64 persist_run_stride, persist_field_stride;

  cubie_i64 window_start, window_end;

  /* Progress: when not NULL, the entry point adds the runs of each block
   * of runs it has finished (this window) to *runs_done, atomically, while
   * the launch is still going, so the host can report progress during a
   * long chunk. The host reads it concurrently; on a GPU it lives in mapped
   * pinned host memory. Never read by the integration itself: it cannot
   * change results. */
  cubie_u64 *runs_done;

  /* Time grid: save point j is at t_save_start + j * save_every (computed
   * in double, never accumulated). */
  double t0;            /* integration starts here */
  double t_save_start;  /* t0 + settling_time (or t_end when only the final state is saved) */
  double save_every;    /* 0 when n_saves == 1 */
  double t_end;         /* time of the last save point; integration stops here */
  cubie_i64 n_saves;

  /* Step control. */
  double dt0;           /* fixed step, or first step; <= 0: estimate it */
  double dt_min, dt_max;
  double atol, rtol;
  double safety, min_gain, max_gain;
  double gains[3];
  cubie_i64 max_steps;  /* accepted + rejected steps per run */

  cubie_i64 summary_every; /* save points per summary window; 0: no summaries */
  cubie_i64 n_summaries;
} cubie_chunk_args;

#endif
