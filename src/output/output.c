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
#include "output/output_path.h"
#include "util/error.h"

static void output_free(cubie_output *o) {
  if (!o) return;
  if (o->comm != MPI_COMM_NULL) MPI_Comm_free(&o->comm);
  free(o->path);
  free(o->output_vars);
  free(o->summary_vars);
  free(o->summary_widths);
  free(o->input_vars);
  free(o->fixed_vars);
  free(o->final_vars);
  cubie_output_events_free(o);
  free(o);
}

static int output_alloc(const cubie_output_spec *spec, cubie_output *o) {
  o->path = strdup(spec->path);
  o->output_vars = calloc((size_t)spec->n_outputs + 1, sizeof(int));
  o->summary_vars = calloc((size_t)spec->n_summary_vars + 1, sizeof(int));
  o->summary_widths = calloc((size_t)spec->n_summary_vars + 1, sizeof(int));
  o->input_vars = calloc((size_t)spec->n_inputs + 1, sizeof(int));
  o->fixed_vars = calloc((size_t)spec->n_fixed + 1, sizeof(int));
  o->final_vars = calloc((size_t)spec->n_finals + 1, sizeof(int));
  CUBIE_CHECK(o->path && o->output_vars && o->summary_vars && o->summary_widths && o->input_vars &&
                  o->fixed_vars &&
                  o->final_vars,
              CUBIE_ERR_MEMORY, "out of memory creating output file '%s'", spec->path);
  return CUBIE_OK;
}

/* Write one hyperslab (start, count) of each variable in `varids` (all of
 * rank `ndims` <= 3), the v-th from data + v * (product of count) elements
 * of `elsize` bytes. Once this rank has failed (`rc` != 0), or when it has
 * nothing to write, collective mode still makes every call, with an empty
 * hyperslab, so the other ranks do not wait forever; independent mode
 * returns at once. Returns the first failure. */
int cubie_output_put_variables(cubie_output *o, const int *varids, int n_vars, int ndims,
                               const size_t *start, const size_t *count, size_t elsize,
                               const void *data, int rc) {
  static const size_t none[3] = {0, 0, 0};
  static const double nothing = 0.0; /* a valid pointer for empty writes */
  size_t per_var = 1;
  for (int d = 0; d < ndims; d++) per_var *= count[d];
  for (int v = 0; v < n_vars; v++) {
    bool empty = rc || per_var == 0;
    if (empty && !o->collective) return rc;
    const void *p = empty ? (const void *)&nothing
                          : (const char *)data + (size_t)v * per_var * elsize;
    int status = nc_put_vara(o->ncid, varids[v], empty ? none : start, empty ? none : count, p);
    if (status != NC_NOERR) o->write_failed = true;
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
#define COORDINATE_PIECE ((long long)1 << 20)
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

  /* In pieces: up to 2^31 save points must not need 16 GiB at once. */
  long long longest = spec->n_saves > spec->n_summaries ? spec->n_saves : spec->n_summaries;
  long long piece = longest < COORDINATE_PIECE ? longest : COORDINATE_PIECE;
  double *values = malloc((size_t)(2 * piece + 2) * sizeof *values);
  CUBIE_CHECK(values, CUBIE_ERR_MEMORY, "out of memory writing the time coordinate of '%s'",
              o->path);
  int rc = CUBIE_OK;
  /* From the index, not by accumulation, so save point k is exactly the
   * time the kernels aim at. */
  for (long long k0 = 0; !rc && k0 < spec->n_saves; k0 += piece) {
    long long n = spec->n_saves - k0 < piece ? spec->n_saves - k0 : piece;
    for (long long k = 0; k < n; k++) values[k] = spec->t_save_start + (double)(k0 + k) * spec->save_every;
    /* The last save point is t_end, also when save_every does not divide
     * the duration (src/plan/plan.h). */
    if (spec->n_saves > 1 && k0 + n == spec->n_saves) values[n - 1] = spec->t_end;
    size_t start = (size_t)k0, count = (size_t)n;
    if ((status = nc_put_vara_double(ncid, o->time_var, &start, &count, values)))
      rc = cubie_output_netcdf_error(o->path, status, "write", "time");
  }
  if (!rc && cubie_output_has_summaries(spec)) {
    double window = (double)spec->summary_every * spec->save_every;
    for (long long s0 = 0; !rc && s0 < spec->n_summaries; s0 += piece) {
      long long n = spec->n_summaries - s0 < piece ? spec->n_summaries - s0 : piece;
      for (long long s = 0; s < n; s++) values[s] = spec->t_save_start + (double)(s0 + s + 1) * window;
      size_t start = (size_t)s0, count = (size_t)n;
      if ((status = nc_put_vara_double(ncid, o->summary_time_var, &start, &count, values)))
        rc = cubie_output_netcdf_error(o->path, status, "write", "summary_time");
      for (long long s = 0; !rc && s < n; s++) {
        values[2 * s] = spec->t_save_start + (double)(s0 + s) * window;
        values[2 * s + 1] = spec->t_save_start + (double)(s0 + s + 1) * window;
      }
      size_t starts[2] = {(size_t)s0, 0}, counts[2] = {(size_t)n, 2};
      if (!rc && (status = nc_put_vara_double(ncid, o->summary_bounds_var, starts, counts, values)))
        rc = cubie_output_netcdf_error(o->path, status, "write", "summary_time_bounds");
    }
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
static int write_run_coordinate(cubie_output *o, const cubie_output_spec *spec, int rc) {
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
  /* The loop is bounded by runs that exist and ends on every rank at once:
   * after a failure anywhere nobody makes the remaining (empty) writes,
   * and a stop signal (2^40 runs are a million pieces) ends it too. */
  rc = cubie_mpi_agree(o->comm, rc);
  for (long long p = 0; !rc && p < pieces; p++) {
    long long first = mine0 + p * piece;
    long long n = mine1 - first < piece ? mine1 - first : piece;
    if (n < 0) n = 0;
    for (long long i = 0; i < n; i++) index[i] = first + i;
    size_t start = n ? (size_t)first : 0, count = (size_t)n;
    rc = cubie_output_put_variables(o, &o->run_var, 1, 1, &start, &count, sizeof *index, index, rc);
    if (!rc && spec->interrupted && spec->interrupted())
      rc = CUBIE_RAISE(CUBIE_ERR_INTERRUPTED,
                       "stopped by a signal while creating '%s'; no run was computed", o->path);
    rc = cubie_mpi_agree(o->comm, rc);
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
  o->n_summary_vars = cubie_output_has_summaries(spec) ? spec->n_summary_vars : 0;
  o->n_inputs = spec->n_inputs;
  o->n_fixed = spec->n_fixed;
  o->n_finals = spec->n_finals;
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

/* Set when HDF5 could not close a file: its handle is half destroyed and
 * HDF5's own clean-up at MPI_Finalize would crash on it. */
static volatile int left_open = 0;

bool cubie_output_left_open(void) { return left_open != 0; }

/* Drop o's file without flushing it (collective). */
static int abort_file(cubie_output *o) {
  int status = nc_abort(o->ncid);
  if (status != NC_NOERR) left_open = 1;
  return status;
}

/* Rank 0's temporary name, on every rank (a malloc'd copy). */
static int share_name(cubie_output *o, char **name) {
  int rc = CUBIE_OK;
  long long len = o->rank == 0 ? (long long)strlen(*name) : 0;
  CUBIE_MPI_CALL(MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, o->comm));
  if (o->rank != 0) {
    *name = calloc((size_t)len + 1, 1);
    if (!*name) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory creating '%s'", o->path);
  }
  CUBIE_CALL(cubie_mpi_agree(o->comm, rc));
  CUBIE_MPI_CALL(MPI_Bcast(*name, (int)len, MPI_CHAR, 0, o->comm));
  return CUBIE_OK;
}

int cubie_output_create(MPI_Comm comm, const cubie_output_spec *spec, cubie_output **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "cubie_output_create: no place for the result");
  *out = NULL;
  cubie_output *o = NULL;
  CUBIE_CALL(output_init(comm, spec, &o));
  int status;
  char *temp = NULL;

  /* The file is made under a temporary name beside spec->path and moved
   * there only once it is completely defined and on disk, so a failure
   * here never costs an existing file (output_path.h). */
  int rc = output_alloc(spec, o);
  if (!rc && o->rank == 0) rc = cubie_output_path_check(spec->path, spec->overwrite);
  if (!rc && o->rank == 0) rc = cubie_output_temp_create(spec->path, &temp);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;
  if ((rc = share_name(o, &temp))) goto fail;

  status = nc_create_par(temp, NC_NETCDF4 | NC_CLOBBER, o->comm, MPI_INFO_NULL, &o->ncid);
  if (status != NC_NOERR) rc = cubie_output_netcdf_error(spec->path, status, "create", NULL);
  /* HDF5 creates collectively and fails on every rank together; if one
   * rank alone failed, the others cannot close without it, and their
   * handle is abandoned (nc_close would wait for the missing rank). */
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto fail;

  /* Define mode only edits NetCDF's in-memory metadata; agree before
   * nc_enddef so no rank writes metadata another rank does not have. */
  rc = cubie_output_define(o, spec);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto abort;
  status = nc_enddef(o->ncid);
  if (status != NC_NOERR)
    rc = cubie_output_netcdf_error(spec->path, status, "end define mode of", NULL);
  if (!rc) rc = set_access(o, spec->collective ? NC_COLLECTIVE : NC_INDEPENDENT);
  if (!rc) rc = write_coordinates(o, spec);
  /* Collective in collective mode: every rank joins, failed or not. */
  rc = write_run_coordinate(o, spec, rc);
  /* Put the metadata on disk now: from here on only raw data is written,
   * so a job killed later leaves a readable file (complete = 0). */
  if (!rc && (status = nc_sync(o->ncid)) != NC_NOERR)
    rc = cubie_output_netcdf_error(spec->path, status, "flush", NULL);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto abort;
  if (o->rank == 0) rc = cubie_output_temp_commit(temp, spec->path, spec->overwrite);
  if ((rc = cubie_mpi_agree(o->comm, rc))) goto abort;
  free(temp);
  *out = o;
  return CUBIE_OK;

abort:
  /* Collective. A file whose writes failed (a full disk) cannot be closed
   * cleanly; nc_abort drops it without flushing. */
  abort_file(o);
fail:
  if (temp && o->rank == 0) unlink(temp);
  free(temp);
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
  for (int v = 0; v < o->n_summary_vars; v++) {
    const cubie_output_summary *sv = &spec->summaries[v];
    long long extents[3] = {o->total_runs, o->n_summaries, sv->width};
    CUBIE_CALL(lookup_var(o, sv->name, sv->width > 1 ? 3 : 2, extents, &o->summary_vars[v]));
    o->summary_widths[v] = sv->width;
  }
  for (int i = 0; i < o->n_inputs; i++)
    CUBIE_CALL(lookup_var(o, spec->inputs[i].name, 1, run_time, &o->input_vars[i]));
  for (int i = 0; i < o->n_finals; i++)
    CUBIE_CALL(lookup_var(o, spec->finals[i].name, 1, run_time, &o->final_vars[i]));
  return cubie_output_events_lookup(o, spec);
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
  return cubie_output_put_variables(o, o->output_vars, o->n_outputs, 2, start, count, o->data_size, data, rc);
}

int cubie_output_write_summaries(cubie_output *o, long long run_start, long long n_runs,
                                 long long s0, long long s1, const void *data) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_summaries: no output file");
  int rc = check_block(o, "cubie_output_write_summaries", run_start, n_runs, "summary windows",
                       s0, s1, o->n_summaries);
  if (!rc && n_runs > 0 && s1 > s0 && o->n_summary_vars > 0 && !data)
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "cubie_output_write_summaries: no data for '%s'",
                     o->path);
  /* Value by value: a counted metric's variable gets its `width` values
   * along its third dimension, one (run, window) slab each. */
  size_t start[3] = {(size_t)run_start, (size_t)s0, 0};
  size_t count[3] = {(size_t)n_runs, (size_t)(s1 - s0), 1};
  size_t slab = count[0] * count[1] * o->data_size, offset = 0;
  for (int v = 0; v < o->n_summary_vars; v++) {
    int width = o->summary_widths[v];
    for (int k = 0; k < width; k++, offset += slab) {
      start[2] = (size_t)k;
      const void *at = data ? (const char *)data + offset : NULL;
      rc = cubie_output_put_variables(o, &o->summary_vars[v], 1, width > 1 ? 3 : 2, start, count, o->data_size,
                         at, rc);
    }
  }
  return rc;
}

int cubie_output_write_runs(cubie_output *o, long long run_start, long long n_runs,
                            const unsigned int *status, const unsigned long long *counters,
                            const double *inputs, const double *finals) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_runs: no output file");
  int rc = check_block(o, "cubie_output_write_runs", run_start, n_runs, NULL, 0, 0, 0);
  if (!rc && n_runs > 0 &&
      (!status || !counters || (o->n_inputs > 0 && !inputs) || (o->n_finals > 0 && !finals)))
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL,
                     "cubie_output_write_runs: status, counters, inputs or final states missing "
                     "for '%s'",
                     o->path);
  size_t start = (size_t)run_start, count = (size_t)n_runs;
  rc = cubie_output_put_variables(o, &o->status_var, 1, 1, &start, &count, sizeof *status, status, rc);
  rc = cubie_output_put_variables(o, o->counter_vars, CUBIE_N_COUNTERS, 1, &start, &count, sizeof *counters,
                     counters, rc);
  rc = cubie_output_put_variables(o, o->final_vars, o->n_finals, 1, &start, &count, sizeof *finals, finals, rc);
  return cubie_output_put_variables(o, o->input_vars, o->n_inputs, 1, &start, &count, sizeof *inputs, inputs,
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
  /* After a refused write the flush of a close fails too, and NetCDF
   * 4.9.0 then crashes listing the file's open objects: drop the file
   * instead (the write's own error was reported). What was written stays
   * readable (only raw data is written after creation): complete = 0,
   * resumable. */
  int status = o->write_failed ? abort_file(o) : nc_close(o->ncid);
  if (status != NC_NOERR && !o->write_failed) {
    rc = cubie_output_netcdf_error(o->path, status, "close", NULL);
    /* A close whose flush failed (a full disk) leaves the handle open:
     * drop it without flushing. */
    abort_file(o);
  }
  if (!rc && complete && o->write_failed)
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "'%s' lost writes but was to be marked complete",
                     o->path);
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
