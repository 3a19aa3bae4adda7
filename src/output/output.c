/* output.c — creating, writing and closing the parallel output file (see
 * output.h; the layout itself is declared in output_define.c).
 *
 * Failures are agreed on across ranks wherever that is possible: a rank
 * that detects a problem still takes part in every collective call that
 * follows (with nothing to write), and create/close end with an agreement
 * step (cubie_mpi_agree) so every rank returns the same code and the
 * failing rank's message.
 */
#include "output/output_impl.h"

#include <errno.h>
#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpi/mpi_call.h"
#include "util/error.h"

/* What NetCDF would only report as an obscure HDF5 error (or not at all,
 * for an existing file) is checked on rank 0 before the collective create. */
static int check_path(const cubie_output_spec *spec) {
  const char *path = spec->path;
  struct stat st;
  if (stat(path, &st) == 0) {
    CUBIE_CHECK(!S_ISDIR(st.st_mode), CUBIE_ERR_INPUT, "output file '%s' is a directory", path);
    CUBIE_CHECK(spec->overwrite, CUBIE_ERR_INPUT,
                "output file '%s' already exists (use --force to overwrite it)", path);
    CUBIE_CHECK(access(path, W_OK) == 0, CUBIE_ERR_INPUT, "cannot overwrite output file '%s': %s",
                path, strerror(errno));
  } else if (errno != ENOENT) {
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': %s", path,
                       strerror(errno));
  }

  const char *slash = strrchr(path, '/');
  size_t dir_len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
  char *dir = malloc(dir_len + 1);
  CUBIE_CHECK(dir, CUBIE_ERR_MEMORY, "out of memory checking output path '%s'", path);
  memcpy(dir, slash ? path : ".", dir_len);
  dir[dir_len] = '\0';
  int rc = CUBIE_OK;
  if (stat(dir, &st) != 0)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': directory '%s': %s", path,
                     dir, strerror(errno));
  else if (!S_ISDIR(st.st_mode))
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': '%s' is not a directory",
                     path, dir);
  else if (access(dir, W_OK | X_OK) != 0)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                     "cannot create output file '%s': directory '%s' is not writable: %s", path,
                     dir, strerror(errno));
  free(dir);
  return rc;
}

static void output_free(cubie_output *o) {
  if (!o) return;
  if (o->comm != MPI_COMM_NULL) MPI_Comm_free(&o->comm);
  free(o->path);
  free(o->output_vars);
  free(o->summary_vars);
  free(o->input_vars);
  free(o->fixed_vars);
  free(o);
}

static int output_alloc(const cubie_output_spec *spec, cubie_output *o) {
  o->path = strdup(spec->path);
  o->output_vars = calloc((size_t)spec->n_outputs + 1, sizeof(int));
  o->summary_vars = calloc((size_t)spec->n_outputs * (size_t)spec->n_metrics + 1, sizeof(int));
  o->input_vars = calloc((size_t)spec->n_inputs + 1, sizeof(int));
  o->fixed_vars = calloc((size_t)spec->n_fixed + 1, sizeof(int));
  CUBIE_CHECK(o->path && o->output_vars && o->summary_vars && o->input_vars && o->fixed_vars,
              CUBIE_ERR_MEMORY, "out of memory creating output file '%s'", spec->path);
  return CUBIE_OK;
}

/* Write one hyperslab (start, count) of each variable in `varids` (all of
 * rank `ndims` <= 2), the v-th from data + v * (product of count) elements
 * of `elsize` bytes. Once this rank has failed (`rc` != 0), or when it has
 * nothing to write, collective mode still makes every call, with an empty
 * hyperslab, so the other ranks do not wait forever; independent mode
 * returns at once. Returns the first failure. */
static int put_variables(cubie_output *o, const int *varids, int n_vars, int ndims,
                         const size_t *start, const size_t *count, size_t elsize,
                         const void *data, int rc) {
  static const size_t none[2] = {0, 0};
  static const double nothing = 0.0; /* a valid pointer for empty writes */
  size_t per_var = 1;
  for (int d = 0; d < ndims; d++) per_var *= count[d];
  for (int v = 0; v < n_vars; v++) {
    bool empty = rc || per_var == 0;
    if (empty && !o->collective) return rc;
    const void *p = empty ? (const void *)&nothing
                          : (const char *)data + (size_t)v * per_var * elsize;
    int status = nc_put_vara(o->ncid, varids[v], empty ? none : start, empty ? none : count, p);
    if (status != NC_NOERR && !rc) {
      char name[NC_MAX_NAME + 1] = "?";
      nc_inq_varname(o->ncid, varids[v], name);
      rc = cubie_output_netcdf_error(o->path, status, "write", name);
    }
  }
  return rc;
}

/* NetCDF 4.9.0 answers NC_ENOTVAR to nc_var_par_access(ncid, NC_GLOBAL, ...)
 * (later releases accept it), so every variable is set one by one. */
static int set_access(cubie_output *o, int mode) {
  int n_vars = 0, status = nc_inq_nvars(o->ncid, &n_vars);
  for (int varid = 0; status == NC_NOERR && varid < n_vars; varid++)
    status = nc_var_par_access(o->ncid, varid, mode);
  if (status != NC_NOERR)
    return cubie_output_netcdf_error(o->path, status, "set the parallel access mode of", NULL);
  return CUBIE_OK;
}

/* The coordinates and fixed inputs, written once by rank 0. They are
 * switched to independent access first, so the other ranks need not join
 * (a scalar variable has no zero-count hyperslab to join with). */
static int write_coordinates(cubie_output *o, const cubie_output_spec *spec) {
  int ncid = o->ncid, status;
  const int coordinates[3] = {o->time_var, o->summary_time_var, o->summary_bounds_var};
  int n_coordinates = cubie_output_has_summaries(spec) ? 3 : 1;
  for (int i = 0; i < n_coordinates; i++)
    if ((status = nc_var_par_access(ncid, coordinates[i], NC_INDEPENDENT)))
      return cubie_output_netcdf_error(o->path, status, "set the access mode of",
                                       i == 0 ? "time" : "summary_time");
  for (int i = 0; i < spec->n_fixed; i++)
    if ((status = nc_var_par_access(ncid, o->fixed_vars[i], NC_INDEPENDENT)))
      return cubie_output_netcdf_error(o->path, status, "set the access mode of",
                                       spec->fixed[i].name);
  if (o->rank != 0) return CUBIE_OK;

  long long n = spec->n_saves > 2 * spec->n_summaries ? spec->n_saves : 2 * spec->n_summaries;
  double *values = malloc((size_t)n * sizeof *values);
  CUBIE_CHECK(values, CUBIE_ERR_MEMORY, "out of memory writing the time coordinate of '%s'",
              o->path);
  int rc = CUBIE_OK;
  /* From the index, not by accumulation, so save point k is exactly the
   * time the kernels aim at. */
  for (long long k = 0; k < spec->n_saves; k++)
    values[k] = spec->t_save_start + (double)k * spec->save_every;
  if ((status = nc_put_var_double(ncid, o->time_var, values)))
    rc = cubie_output_netcdf_error(o->path, status, "write", "time");
  if (!rc && cubie_output_has_summaries(spec)) {
    double window = (double)spec->summary_every * spec->save_every;
    for (long long s = 0; s < spec->n_summaries; s++)
      values[s] = spec->t_save_start + (double)(s + 1) * window;
    if ((status = nc_put_var_double(ncid, o->summary_time_var, values)))
      rc = cubie_output_netcdf_error(o->path, status, "write", "summary_time");
    for (long long s = 0; !rc && s < spec->n_summaries; s++) {
      values[2 * s] = spec->t_save_start + (double)s * window;
      values[2 * s + 1] = spec->t_save_start + (double)(s + 1) * window;
    }
    if (!rc && (status = nc_put_var_double(ncid, o->summary_bounds_var, values)))
      rc = cubie_output_netcdf_error(o->path, status, "write", "summary_time_bounds");
  }
  for (int i = 0; !rc && i < spec->n_fixed; i++)
    if ((status = nc_put_var_double(ncid, o->fixed_vars[i], &spec->fixed_values[i])))
      rc = cubie_output_netcdf_error(o->path, status, "write", spec->fixed[i].name);
  free(values);
  return rc;
}

/* The `run` coordinate is known at creation, like `time`: written whole
 * now, so even a file whose job died half-way has a valid run index (runs
 * never written have status 0, not a garbage index). Each rank writes an
 * equal share in pieces of at most RUN_PIECE runs; every rank makes the
 * same number of calls, as collective access requires. */
#define RUN_PIECE ((long long)1 << 20)
static int write_run_coordinate(cubie_output *o, int rc) {
  int size = 1;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_size(o->comm, &size));
  long long share = (o->total_runs + size - 1) / size;
  long long mine0 = share * o->rank < o->total_runs ? share * o->rank : o->total_runs;
  long long mine1 = mine0 + share < o->total_runs ? mine0 + share : o->total_runs;
  long long piece = share < RUN_PIECE ? share : RUN_PIECE;
  long long pieces = (share + piece - 1) / piece;
  long long *index = rc ? NULL : malloc((size_t)piece * sizeof *index);
  if (!rc && !index)
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory writing the run coordinate of '%s'",
                     o->path);
  for (long long p = 0; p < pieces; p++) {
    long long first = mine0 + p * piece;
    long long n = mine1 - first < piece ? mine1 - first : piece;
    if (n < 0 || rc) n = 0;
    for (long long i = 0; i < n; i++) index[i] = first + i;
    size_t start = n ? (size_t)first : 0, count = (size_t)n;
    rc = put_variables(o, &o->run_var, 1, 1, &start, &count, sizeof *index, index, rc);
  }
  free(index);
  return rc;
}

/* The handle both create and open start from: a validated spec, sizes from
 * it, our own communicator (errors returned, not fatal). */
static int output_init(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out) {
  /* Same spec on every rank, so a bad spec fails everywhere without talking. */
  CUBIE_CALL(cubie_output_validate(spec));
  cubie_output *o = calloc(1, sizeof *o);
  CUBIE_CHECK(o, CUBIE_ERR_MEMORY, "out of memory opening output file '%s'", spec->path);
  o->comm = MPI_COMM_NULL;
  o->ncid = -1;
  o->collective = spec->collective;
  o->rank_records = spec->n_ranks > 0;
  o->data_type = spec->precision == CUBIE_FLOAT32 ? NC_FLOAT : NC_DOUBLE;
  o->data_size = spec->precision == CUBIE_FLOAT32 ? sizeof(float) : sizeof(double);
  o->total_runs = spec->total_runs;
  o->n_saves = spec->n_saves;
  o->n_summaries = cubie_output_has_summaries(spec) ? spec->n_summaries : 0;
  o->n_outputs = spec->n_outputs;
  o->n_metrics = cubie_output_has_summaries(spec) ? spec->n_metrics : 0;
  o->n_inputs = spec->n_inputs;
  o->n_fixed = spec->n_fixed;
  o->summary_time_var = o->summary_bounds_var = -1;
  int rc = CUBIE_OK;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_dup(comm, &o->comm));
  if (rc) o->comm = MPI_COMM_NULL;
  if (!rc) CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_set_errhandler(o->comm, MPI_ERRORS_RETURN));
  if (!rc) CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_rank(o->comm, &o->rank));
  if (rc) {
    cubie_error_prefix("opening output file '%s': ", spec->path);
    output_free(o);
    return rc;
  }
  *out = o;
  return CUBIE_OK;
}

int cubie_output_create(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "cubie_output_create: no place for the result");
  *out = NULL;
  cubie_output *o = NULL;
  CUBIE_CALL(output_init(comm, spec, &o));
  int status;

  int rc = output_alloc(spec, o);
  if (!rc && o->rank == 0) rc = check_path(spec);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;

  int mode = NC_NETCDF4 | (spec->overwrite ? NC_CLOBBER : NC_NOCLOBBER);
  status = nc_create_par(spec->path, mode, o->comm, MPI_INFO_NULL, &o->ncid);
  if (status != NC_NOERR) rc = cubie_output_netcdf_error(spec->path, status, "create", NULL);
  /* HDF5 creates collectively and fails on every rank together; if one
   * rank alone failed, the others cannot close without it, and their
   * handle is abandoned (nc_close would wait for the missing rank). */
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;

  /* Define mode only edits NetCDF's in-memory metadata; agree before
   * nc_enddef so no rank writes metadata another rank does not have. */
  rc = cubie_output_define(o, spec);
  if ((rc = cubie_mpi_agree(o->comm, rc))) {
    nc_abort(o->ncid); /* collective; deletes the half-defined file */
    goto fail;
  }
  status = nc_enddef(o->ncid);
  if (status != NC_NOERR)
    rc = cubie_output_netcdf_error(spec->path, status, "end define mode of", NULL);
  if (!rc) rc = set_access(o, spec->collective ? NC_COLLECTIVE : NC_INDEPENDENT);
  if (!rc) rc = write_coordinates(o, spec);
  /* Collective in collective mode: every rank joins, failed or not. */
  rc = write_run_coordinate(o, rc);
  /* Put the metadata on disk now: from here on only raw data is written,
   * so a job killed later leaves a readable file (complete = 0). */
  if (!rc && (status = nc_sync(o->ncid)) != NC_NOERR)
    rc = cubie_output_netcdf_error(spec->path, status, "flush", NULL);
  if ((rc = cubie_mpi_agree(o->comm, rc))) {
    nc_close(o->ncid); /* collective; the file stays with complete = 0 */
    goto fail;
  }
  *out = o;
  return CUBIE_OK;

fail:
  output_free(o);
  return rc;
}

/* The id of variable `name`, checking its dimension lengths. */
static int lookup_var(cubie_output *o, const char *name, int ndims, const long long *lengths,
                      int *varid) {
  int status = nc_inq_varid(o->ncid, name, varid);
  if (status != NC_NOERR)
    return CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "cannot resume '%s': it has no variable '%s' (was it written by "
                       "another deck?)",
                       o->path, name);
  int have = -1, dims[NC_MAX_VAR_DIMS];
  nc_inq_varndims(o->ncid, *varid, &have);
  CUBIE_CHECK(have == ndims, CUBIE_ERR_INPUT, "cannot resume '%s': variable '%s' has %d dimensions, not %d",
              o->path, name, have, ndims);
  nc_inq_vardimid(o->ncid, *varid, dims);
  for (int d = 0; d < ndims; d++) {
    size_t len = 0;
    nc_inq_dimlen(o->ncid, dims[d], &len);
    CUBIE_CHECK((long long)len == lengths[d], CUBIE_ERR_INPUT,
                "cannot resume '%s': variable '%s' has extent %zu along dimension %d where "
                "this deck needs %lld",
                o->path, name, len, d, lengths[d]);
  }
  return CUBIE_OK;
}

static int lookup_all(cubie_output *o, const cubie_output_spec *spec) {
  long long run_time[2] = {o->total_runs, o->n_saves};
  long long run_sum[2] = {o->total_runs, o->n_summaries};
  CUBIE_CALL(lookup_var(o, "run", 1, run_time, &o->run_var));
  CUBIE_CALL(lookup_var(o, "time", 1, run_time + 1, &o->time_var));
  CUBIE_CALL(lookup_var(o, "status", 1, run_time, &o->status_var));
#define COUNTER_NAME(ID, slot, name, long_name) name,
  static const char *const counters[CUBIE_N_COUNTERS] = {CUBIE_COUNTERS(COUNTER_NAME)};
#undef COUNTER_NAME
  for (int c = 0; c < CUBIE_N_COUNTERS; c++)
    CUBIE_CALL(lookup_var(o, counters[c], 1, run_time, &o->counter_vars[c]));
  for (int v = 0; v < o->n_outputs; v++)
    CUBIE_CALL(lookup_var(o, spec->outputs[v].name, 2, run_time, &o->output_vars[v]));
  for (int v = 0; v < o->n_outputs && o->n_metrics; v++)
    for (int m = 0; m < o->n_metrics; m++) {
      char name[NC_MAX_NAME + 1];
      snprintf(name, sizeof name, "%s_%s", spec->outputs[v].name, spec->metric_names[m]);
      CUBIE_CALL(lookup_var(o, name, 2, run_sum, &o->summary_vars[v * o->n_metrics + m]));
    }
  for (int i = 0; i < o->n_inputs; i++)
    CUBIE_CALL(lookup_var(o, spec->inputs[i].name, 1, run_time, &o->input_vars[i]));
  return CUBIE_OK;
}

int cubie_output_open(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "cubie_output_open: no place for the result");
  *out = NULL;
  cubie_output *o = NULL;
  CUBIE_CALL(output_init(comm, spec, &o));
  int rc = output_alloc(spec, o);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;
  /* The resuming job's line in `history`, before the parallel open (which
   * never goes back to define mode). */
  for (int a = 0; o->rank == 0 && a < spec->n_attributes; a++)
    if (strcmp(spec->attributes[a].name, "history") == 0)
      rc = cubie_output_append_history(spec->path, spec->attributes[a].value);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;
  int status = nc_open_par(spec->path, NC_WRITE, o->comm, MPI_INFO_NULL, &o->ncid);
  if (status != NC_NOERR) rc = cubie_output_netcdf_error(spec->path, status, "reopen", NULL);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;
  /* Looking names up reads metadata every rank has: the same answer everywhere. */
  rc = lookup_all(o, spec);
  if (!rc) rc = set_access(o, spec->collective ? NC_COLLECTIVE : NC_INDEPENDENT);
  if ((rc = cubie_mpi_agree(o->comm, rc))) {
    nc_close(o->ncid);
    goto fail;
  }
  *out = o;
  return CUBIE_OK;

fail:
  output_free(o);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Writes                                                                   */
/* ------------------------------------------------------------------------ */

static int check_block(const cubie_output *o, const char *function, long long run_start,
                       long long n_runs, const char *axis, long long i0, long long i1,
                       long long n_axis) {
  CUBIE_CHECK(run_start >= 0 && n_runs >= 0 && run_start <= o->total_runs - n_runs,
              CUBIE_ERR_INTERNAL, "%s: runs [%lld, %lld) are outside the %lld runs of '%s'",
              function, run_start, run_start + n_runs, o->total_runs, o->path);
  if (axis)
    CUBIE_CHECK(i0 >= 0 && i0 <= i1 && i1 <= n_axis, CUBIE_ERR_INTERNAL,
                "%s: %s [%lld, %lld) are outside the %lld of '%s'", function, axis, i0, i1,
                n_axis, o->path);
  return CUBIE_OK;
}

int cubie_output_write_saves(cubie_output *o, long long run_start, long long n_runs,
                             long long k0, long long k1, const void *data) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_saves: no output file");
  int rc = check_block(o, "cubie_output_write_saves", run_start, n_runs, "save points", k0, k1,
                       o->n_saves);
  if (!rc && n_runs > 0 && k1 > k0 && o->n_outputs > 0 && !data)
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "cubie_output_write_saves: no data for '%s'", o->path);
  size_t start[2] = {(size_t)run_start, (size_t)k0};
  size_t count[2] = {(size_t)n_runs, (size_t)(k1 - k0)};
  return put_variables(o, o->output_vars, o->n_outputs, 2, start, count, o->data_size, data, rc);
}

int cubie_output_write_summaries(cubie_output *o, long long run_start, long long n_runs,
                                 long long s0, long long s1, const void *data) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_summaries: no output file");
  int rc = check_block(o, "cubie_output_write_summaries", run_start, n_runs, "summary windows",
                       s0, s1, o->n_summaries);
  int n_vars = o->n_outputs * o->n_metrics;
  if (!rc && n_runs > 0 && s1 > s0 && n_vars > 0 && !data)
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "cubie_output_write_summaries: no data for '%s'",
                     o->path);
  size_t start[2] = {(size_t)run_start, (size_t)s0};
  size_t count[2] = {(size_t)n_runs, (size_t)(s1 - s0)};
  return put_variables(o, o->summary_vars, n_vars, 2, start, count, o->data_size, data, rc);
}

int cubie_output_write_runs(cubie_output *o, long long run_start, long long n_runs,
                            const unsigned int *status, const unsigned long long *counters,
                            const double *inputs) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_runs: no output file");
  int rc = check_block(o, "cubie_output_write_runs", run_start, n_runs, NULL, 0, 0, 0);
  if (!rc && n_runs > 0 && (!status || !counters || (o->n_inputs > 0 && !inputs)))
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL,
                     "cubie_output_write_runs: status, counters or inputs missing for '%s'",
                     o->path);
  size_t start = (size_t)run_start, count = (size_t)n_runs;
  rc = put_variables(o, &o->status_var, 1, 1, &start, &count, sizeof *status, status, rc);
  rc = put_variables(o, o->counter_vars, CUBIE_N_COUNTERS, 1, &start, &count, sizeof *counters,
                     counters, rc);
  return put_variables(o, o->input_vars, o->n_inputs, 1, &start, &count, sizeof *inputs, inputs,
                       rc);
}

/* ------------------------------------------------------------------------ */
/* Close                                                                    */
/* ------------------------------------------------------------------------ */

/* Rank 0, after the collective close: reopen serially, add this job's
 * records and, when complete, flip the flag. The attribute already exists
 * with the same type and size, so this only rewrites it in place. */
static int reopen_and_record(const char *path, bool complete,
                             const cubie_output_rank_records *records) {
  int ncid, status;
  if ((status = nc_open(path, NC_WRITE, &ncid)))
    return cubie_output_netcdf_error(path, status, "reopen (to record the job's timing)", NULL);
  int rc = cubie_output_write_rank_records(ncid, path, records);
  if (rc || !complete) {
    status = nc_close(ncid);
    if (!rc && status) rc = cubie_output_netcdf_error(path, status, "close (after recording the timing)", NULL);
    return rc;
  }
  int flag = 1;
  if (!(status = nc_redef(ncid)))
    status = nc_put_att_int(ncid, NC_GLOBAL, "complete", NC_INT, 1, &flag);
  if (status) {
    nc_close(ncid);
    return cubie_output_netcdf_error(path, status, "mark complete", NULL);
  }
  if ((status = nc_close(ncid)))
    return cubie_output_netcdf_error(path, status, "close (after marking it complete)", NULL);
  return CUBIE_OK;
}

int cubie_output_close(cubie_output **po, bool complete) {
  return cubie_output_close_with_records(po, complete, NULL);
}

int cubie_output_close_with_records(cubie_output **po, bool complete,
                                    const cubie_output_rank_records *records) {
  if (!po || !*po) return CUBIE_OK;
  cubie_output *o = *po;
  *po = NULL;
  int rc = CUBIE_OK;
  int status = nc_close(o->ncid);
  if (status != NC_NOERR) rc = cubie_output_netcdf_error(o->path, status, "close", NULL);
  rc = cubie_mpi_agree(o->comm, rc);
  /* rank_records is the same on every rank (it comes from the spec). */
  if (!rc && (complete || o->rank_records)) {
    if (o->rank == 0) rc = reopen_and_record(o->path, complete, records);
    /* The agreement waits for rank 0, so no rank returns before the flag
     * is on disk (or before it knows why it is not). */
    rc = cubie_mpi_agree(o->comm, rc);
  }
  output_free(o);
  return rc;
}
