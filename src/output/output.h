/* output.h — the job's one NetCDF-4 file, written in parallel.
 *
 * Every rank opens the same file with nc_create_par (HDF5 MPI-IO; also in a
 * one-process run) and writes the hyperslabs of its own runs. Dimensions are
 * fixed-size (no unlimited dimension); every variable, attribute and the
 * provenance are defined once, in define mode, before nc_enddef. Data
 * variables are NC_NOFILL; the per-run status has fill value 0 so "never
 * computed" is visible (resume reads it). The global attribute `complete`
 * is 0 until cubie_output_close(..., complete = true) has closed the file
 * cleanly and set it to 1. The layout is documented in docs/output.md.
 *
 * In collective mode every rank must call each write function the same
 * number of times, in the same order, with n_runs = 0 when it has nothing
 * to write; skipping a call hangs HDF5. Independent mode (dynamic
 * scheduling) lifts that rule for the data writes.
 */
#ifndef CUBIE_OUTPUT_H
#define CUBIE_OUTPUT_H

#include <mpi.h>
#include <stdbool.h>

#include "deck/config.h"

typedef struct cubie_output_variable {
  const char *name;
  const char *units;      /* NULL: written as "1" */
  const char *long_name;  /* NULL: the name */
} cubie_output_variable;

typedef struct cubie_output_attribute {
  const char *name;
  const char *value;
} cubie_output_attribute;

typedef struct cubie_output_spec {
  const char *path;
  bool overwrite;                 /* false: an existing file is an input error */
  bool collective;                /* collective (static) or independent (dynamic) data access */
  cubie_precision precision;      /* NC_FLOAT or NC_DOUBLE data variables */
  int compression;                /* deflate level 0..9 (0: off) */

  long long total_runs;
  long long run_block;            /* typical runs per write: HDF5 chunk extent along `run` */

  long long n_saves;              /* length of `time` */
  double t_save_start, save_every;
  const char *time_units;

  int n_outputs;                  /* saved states/observables: variables (run, time) */
  const cubie_output_variable *outputs;

  int n_metrics;                  /* summaries: variables <output>_<metric> (run, summary_time) */
  const char *const *metric_names;
  long long n_summaries;
  long long summary_every;        /* in save points */

  int n_inputs;                   /* swept inputs: variables (run), double */
  const cubie_output_variable *inputs;

  int n_fixed;                    /* inputs that are not swept: scalar variables */
  const cubie_output_variable *fixed;
  const double *fixed_values;

  int n_grid_axes;                /* combinatorial grid shape, slowest axis first (0: verbatim) */
  const long long *grid_shape;

  int n_ranks;                    /* > 0: per-rank timing and binding variables (dim `rank`) */
  bool rank_weights;              /* the rank_weight variable too (weighted decomposition) */

  int n_attributes;               /* provenance and settings: global text attributes */
  const cubie_output_attribute *attributes;
} cubie_output_spec;

typedef struct cubie_output cubie_output;

/* Collective over `comm`. Creates the file with every dimension, variable
 * and attribute, `complete = 0`, and the `run`, `time` and `summary_time`
 * coordinates (`run` whole, so a file left by a dead job still has a valid
 * run index). */
int cubie_output_create(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out);

/* Saved outputs of runs [run_start, run_start + n_runs) at save points
 * [k0, k1): data is [n_outputs][n_runs][k1 - k0] in C order, float or double
 * per the spec's precision. */
int cubie_output_write_saves(cubie_output *o, long long run_start, long long n_runs,
                             long long k0, long long k1, const void *data);

/* Summaries of those runs for summary windows [s0, s1): data is
 * [n_outputs * n_metrics][n_runs][s1 - s0] (metric fastest among the first
 * index: output v, metric m at v * n_metrics + m). */
int cubie_output_write_summaries(cubie_output *o, long long run_start, long long n_runs,
                                 long long s0, long long s1, const void *data);

/* Per-run records of those runs: status[n_runs],
 * counters[CUBIE_N_COUNTERS][n_runs] and the swept inputs[n_inputs][n_runs]. */
int cubie_output_write_runs(cubie_output *o, long long run_start, long long n_runs,
                            const unsigned int *status, const unsigned long long *counters,
                            const double *inputs);

/* Collective. Reopen an existing file for writing (cubie run --resume): the
 * variables of `spec` must be there with the same extents; nothing is
 * defined or written. */
int cubie_output_open(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out);

/* Collective. Close the file; when `complete`, mark it complete (only after
 * it was closed cleanly). *o is set to NULL either way. */
int cubie_output_close(cubie_output **o, bool complete);

/* What a job records per rank (docs/scaling.md §4), gathered on rank 0. */
#define CUBIE_OUTPUT_TIMING_PHASES 7 /* compile compute transfer write write_wait wait total */
typedef struct cubie_output_rank_records {
  int n_ranks;
  const double *seconds[CUBIE_OUTPUT_TIMING_PHASES]; /* seconds[phase][rank] */
  double elapsed;                /* this job's wall time (the slowest rank's total) */
  const long long *runs;
  const int *node, *local_rank, *device;
  const char *const *host, *const *visible_devices;
  const double *weight;          /* NULL unless the decomposition was weighted */
} cubie_output_rank_records;

/* cubie_output_close that also has rank 0 write `records` (used on rank 0
 * only; may be NULL) into the rank variables, adding this job's timing and
 * runs to those of earlier attempts — whether the file is complete or was
 * stopped to be resumed (a file with rank variables is reopened serially
 * either way) — and skipped when the file's `rank` dimension has another
 * length (a resumed file written by another rank count). */
int cubie_output_close_with_records(cubie_output **o, bool complete,
                                    const cubie_output_rank_records *records);

#endif
