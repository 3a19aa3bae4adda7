/* output_impl.h — what output.c (create, writes, close) and output_define.c
 * (the file's layout, defined in define mode) share. Private to those two
 * files: nothing else includes it.
 *
 * The define part only declares things in NetCDF's in-memory metadata and
 * validates the spec; it never writes data and never makes an MPI call, so a
 * failure there is the same on every rank (same spec, same library).
 */
#ifndef CUBIE_OUTPUT_IMPL_H
#define CUBIE_OUTPUT_IMPL_H

#include <mpi.h>
#include <stdbool.h>

#include "output/output.h"
#include "kernels/status.h"

struct cubie_output {
  MPI_Comm comm;      /* our duplicate of the caller's communicator */
  int rank;
  int ncid;
  char *path;
  bool collective;
  int data_type;      /* NC_FLOAT or NC_DOUBLE */
  size_t data_size;   /* bytes per data element */

  long long total_runs;
  long long n_saves;
  long long n_summaries; /* 0 when the file has no summary_time dimension */
  int n_outputs, n_metrics, n_inputs;

  /* Variable ids, in the order they are written. */
  int run_var, time_var, summary_time_var, summary_bounds_var;
  int status_var;
  int counter_vars[CUBIE_N_COUNTERS];
  int *output_vars;   /* [n_outputs] */
  int *summary_vars;  /* [n_outputs * n_metrics], metric fastest; NULL without summaries */
  int *input_vars;    /* [n_inputs] */
  int *fixed_vars;    /* [n_fixed] */
  int n_fixed;
  bool rank_records;  /* the file has the per-rank variables (spec n_ranks > 0) */
};

/* True when the spec asks for a summary_time dimension. */
bool cubie_output_has_summaries(const cubie_output_spec *spec);

/* Check the spec for internal consistency and name clashes before anything
 * touches the file system. Identical on every rank. */
int cubie_output_validate(const cubie_output_spec *spec);

/* Define every dimension, variable and attribute of `spec` in o->ncid
 * (which must be in define mode) and fill in o's variable ids. Does not call
 * nc_enddef. */
int cubie_output_define(cubie_output *o, const cubie_output_spec *spec);

/* The per-rank variables (output_ranks.c), terminated by a NULL name. */
#define CUBIE_OUTPUT_RANK_STRLEN 128
typedef struct cubie_output_rank_var {
  const char *name;
  int type;            /* nc_type */
  const char *units;
  const char *long_name;
  int scalar;          /* one value for the file (no `rank` dimension) */
} cubie_output_rank_var;
extern const cubie_output_rank_var cubie_output_rank_vars[];

/* Rank 0, serially, in a file open in data mode: write `records` into the
 * rank variables (nothing when the file has no `rank` dimension of that
 * length). Timing and runs add up over the jobs that wrote the file (a
 * first start and its resumes), counted in timing_attempts. */
int cubie_output_write_rank_records(int ncid, const char *path,
                                    const cubie_output_rank_records *records);

/* CF spelling and roles (output_cf.c). The units written for `units`
 * (NULL or "": "1"; "seconds": "s", ... so xarray keeps the numbers). */
const char *cubie_output_cf_units(const char *units);
/* A cell method of the CF version the file declares (CF-1.8). */
bool cubie_output_cf_cell_method(const char *method);
/* "UNIT since DATE": a calendar time. */
bool cubie_output_is_reference_time(const char *units);
/* axis = "T" and a calendar for a coordinate in calendar time; nothing
 * for model time. */
int cubie_output_cf_time_axis(int ncid, int varid, const char *path, const char *var,
                              const char *units);
/* `coordinates` = the swept inputs on every variable along `run` defined so
 * far (call after the last of them). */
int cubie_output_cf_run_coordinates(int ncid, const char *path, const cubie_output_spec *spec);
/* Serially (rank 0, file closed elsewhere): add `line` to the global
 * `history` of the file at `path` (a resumed job's own line). */
int cubie_output_append_history(const char *path, const char *line);

/* Raise CUBIE_ERR_NETCDF for a failed NetCDF call: the action, the variable
 * (NULL: the file itself), the path and nc_strerror(status). */
int cubie_output_netcdf_error(const char *path, int status, const char *action,
                              const char *variable);

#endif
