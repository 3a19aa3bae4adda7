/* output_define.c — the layout of the output file (docs/output.md), declared
 * in define mode: spec validation, dimensions, variables, chunking,
 * compression, fill values and every attribute. */
#include "output/output_impl.h"

#include <netcdf.h>
#include <netcdf_par.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "plan/summary_metrics.h"

/* HDF5 chunks of about this size or less: large enough that a chunk is one
 * efficient MPI-IO request, small enough that compressing one (which
 * parallel HDF5 does on a single rank) and a reader's chunk cache stay cheap. */
#define CHUNK_TARGET_BYTES ((size_t)4 << 20)
/* Per-run variables hold 4-8 bytes a run: group several run blocks per chunk
 * so a billion-run file does not carry millions of tiny chunks. */
#define RUN_CHUNK_TARGET_BYTES ((size_t)1 << 20)

/* Counters and status bits as kernels/counters.def and status.def list them. */
#define COUNTER_NAME(ID, slot, name, long_name) name,
#define COUNTER_LONG_NAME(ID, slot, name, long_name) long_name,
static const char *const counter_names[CUBIE_N_COUNTERS] = {CUBIE_COUNTERS(COUNTER_NAME)};
static const char *const counter_long_names[CUBIE_N_COUNTERS] = {CUBIE_COUNTERS(COUNTER_LONG_NAME)};

#define STATUS_MASK(ID, bit, name, kind, meaning) bit,
#define STATUS_MEANING(ID, bit, name, kind, meaning) " " name
static const unsigned int status_masks[] = {CUBIE_STATUS_BITS(STATUS_MASK)};
/* CF flag_meanings: the names, blank separated (the first blank skipped). */
static const char status_meanings[] = CUBIE_STATUS_BITS(STATUS_MEANING);

/* Names this module gives variables and global attributes itself. */
static const char *const fixed_variable_names[] = {"run", "time", "summary_time",
                                                   "summary_time_bounds", "status"};
static const char *const reserved_attributes[] = {"Conventions", "total_runs", "grid_shape",
                                                  "complete"};

bool cubie_output_has_summaries(const cubie_output_spec *spec) {
  return spec->n_metrics > 0 && spec->n_summaries > 0;
}

int cubie_output_netcdf_error(const char *path, int status, const char *action,
                              const char *variable) {
  if (variable)
    return CUBIE_RAISE(CUBIE_ERR_NETCDF, "cannot %s variable '%s' of '%s': %s", action,
                       variable, path, nc_strerror(status));
  return CUBIE_RAISE(CUBIE_ERR_NETCDF, "cannot %s '%s': %s", action, path,
                     nc_strerror(status));
}

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

typedef struct named {
  char *name;
  const char *role;
} named;

static int compare_named(const void *a, const void *b) {
  return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

static int add_name(named *list, int *n, const char *name, const char *suffix, const char *role) {
  size_t len = strlen(name) + (suffix ? strlen(suffix) + 1 : 0) + 1;
  char *copy = malloc(len);
  CUBIE_CHECK(copy, CUBIE_ERR_MEMORY, "out of memory listing output variable names");
  if (suffix)
    snprintf(copy, len, "%s_%s", name, suffix);
  else
    snprintf(copy, len, "%s", name);
  list[*n].name = copy;
  list[*n].role = role;
  (*n)++;
  return CUBIE_OK;
}

/* Two variables with one name would make nc_def_var fail half-way through
 * define mode with a bare "NC_ENAMEINUSE"; say which two collide instead. */
static int check_unique_names(const cubie_output_spec *spec) {
  int n_rank_vars = 0;
  while (cubie_output_rank_vars[n_rank_vars].name) n_rank_vars++;
  int capacity = 5 + CUBIE_N_COUNTERS + spec->n_outputs * (1 + spec->n_metrics) +
                 spec->n_inputs + spec->n_fixed + n_rank_vars;
  named *list = calloc((size_t)capacity, sizeof *list);
  CUBIE_CHECK(list, CUBIE_ERR_MEMORY, "out of memory listing output variable names");
  int n = 0, rc = CUBIE_OK;
  for (int i = 0; i < 5 && !rc; i++)
    rc = add_name(list, &n, fixed_variable_names[i], NULL, "a coordinate or status variable");
  for (int c = 0; c < CUBIE_N_COUNTERS && !rc; c++)
    rc = add_name(list, &n, counter_names[c], NULL, "a step counter");
  for (int v = 0; v < spec->n_outputs && !rc; v++)
    rc = add_name(list, &n, spec->outputs[v].name, NULL, "a saved output");
  if (cubie_output_has_summaries(spec))
    for (int v = 0; v < spec->n_outputs && !rc; v++)
      for (int m = 0; m < spec->n_metrics && !rc; m++)
        rc = add_name(list, &n, spec->outputs[v].name, spec->metric_names[m], "a summary");
  for (int i = 0; i < spec->n_inputs && !rc; i++)
    rc = add_name(list, &n, spec->inputs[i].name, NULL, "a swept input");
  for (int i = 0; i < spec->n_fixed && !rc; i++)
    rc = add_name(list, &n, spec->fixed[i].name, NULL, "a fixed input");
  for (int i = 0; spec->n_ranks > 0 && cubie_output_rank_vars[i].name && !rc; i++)
    if (spec->rank_weights || strcmp(cubie_output_rank_vars[i].name, "rank_weight") != 0)
      rc = add_name(list, &n, cubie_output_rank_vars[i].name, NULL, "a per-rank record");
  if (!rc) {
    qsort(list, (size_t)n, sizeof *list, compare_named);
    for (int i = 1; i < n && !rc; i++)
      if (strcmp(list[i - 1].name, list[i].name) == 0)
        rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                         "two variables of output file '%s' would both be named '%s' (%s and %s); "
                         "rename the model symbol",
                         spec->path, list[i].name, list[i - 1].role, list[i].role);
  }
  for (int i = 0; i < n; i++) free(list[i].name);
  free(list);
  return rc;
}

static int check_variables(const char *what, int n, const cubie_output_variable *vars) {
  CUBIE_CHECK(n >= 0 && (n == 0 || vars), CUBIE_ERR_INTERNAL, "output spec: %d %s but no list",
              n, what);
  for (int i = 0; i < n; i++)
    CUBIE_CHECK(vars[i].name && vars[i].name[0], CUBIE_ERR_INTERNAL,
                "output spec: %s #%d has no name", what, i);
  return CUBIE_OK;
}

int cubie_output_validate(const cubie_output_spec *spec) {
  CUBIE_CHECK(spec, CUBIE_ERR_INTERNAL, "output spec is NULL");
  CUBIE_CHECK(spec->path && spec->path[0], CUBIE_ERR_INTERNAL, "output spec has no file path");
  CUBIE_CHECK(spec->precision == CUBIE_FLOAT32 || spec->precision == CUBIE_FLOAT64,
              CUBIE_ERR_INTERNAL, "output spec: unknown precision %d", (int)spec->precision);
  CUBIE_CHECK(spec->compression >= 0 && spec->compression <= 9, CUBIE_ERR_INTERNAL,
              "output spec: compression level %d is not in 0..9", spec->compression);
  /* A fixed dimension of length 0 would be NC_UNLIMITED. */
  CUBIE_CHECK(spec->total_runs >= 1, CUBIE_ERR_INTERNAL,
              "output spec: total_runs = %lld, need at least 1", spec->total_runs);
  CUBIE_CHECK(spec->n_saves >= 1, CUBIE_ERR_INTERNAL,
              "output spec: n_saves = %lld, need at least 1", spec->n_saves);
  CUBIE_CHECK(spec->run_block >= 1, CUBIE_ERR_INTERNAL,
              "output spec: run_block = %lld, need at least 1", spec->run_block);
  CUBIE_CALL(check_variables("outputs", spec->n_outputs, spec->outputs));
  CUBIE_CALL(check_variables("inputs", spec->n_inputs, spec->inputs));
  CUBIE_CALL(check_variables("fixed inputs", spec->n_fixed, spec->fixed));
  CUBIE_CHECK(spec->n_fixed == 0 || spec->fixed_values, CUBIE_ERR_INTERNAL,
              "output spec: fixed inputs without values");
  CUBIE_CHECK(spec->n_metrics >= 0 && (spec->n_metrics == 0 || spec->metric_names),
              CUBIE_ERR_INTERNAL, "output spec: %d metrics but no names", spec->n_metrics);
  for (int m = 0; m < spec->n_metrics; m++)
    CUBIE_CHECK(spec->metric_names[m] && spec->metric_names[m][0], CUBIE_ERR_INTERNAL,
                "output spec: metric #%d has no name", m);
  CUBIE_CHECK(spec->n_summaries >= 0, CUBIE_ERR_INTERNAL, "output spec: n_summaries = %lld",
              spec->n_summaries);
  CUBIE_CHECK(!cubie_output_has_summaries(spec) || spec->summary_every >= 1, CUBIE_ERR_INTERNAL,
              "output spec: summary_every = %lld save points, need at least 1",
              spec->summary_every);
  CUBIE_CHECK(spec->n_grid_axes >= 0 && (spec->n_grid_axes == 0 || spec->grid_shape),
              CUBIE_ERR_INTERNAL, "output spec: %d grid axes but no shape", spec->n_grid_axes);
  CUBIE_CHECK(spec->n_attributes >= 0 && (spec->n_attributes == 0 || spec->attributes),
              CUBIE_ERR_INTERNAL, "output spec: %d attributes but no list", spec->n_attributes);
  for (int a = 0; a < spec->n_attributes; a++) {
    const cubie_output_attribute *att = &spec->attributes[a];
    CUBIE_CHECK(att->name && att->name[0] && att->value, CUBIE_ERR_INTERNAL,
                "output spec: attribute #%d has no name or value", a);
    for (size_t r = 0; r < sizeof reserved_attributes / sizeof reserved_attributes[0]; r++)
      CUBIE_CHECK(strcmp(att->name, reserved_attributes[r]) != 0, CUBIE_ERR_INTERNAL,
                  "output spec: global attribute '%s' is written by the output module itself",
                  att->name);
    for (int b = 0; b < a; b++)
      CUBIE_CHECK(strcmp(att->name, spec->attributes[b].name) != 0, CUBIE_ERR_INTERNAL,
                  "output spec: global attribute '%s' is given twice", att->name);
  }
  /* Parallel HDF5 compresses only in collective writes; an independent
   * write to a deflated variable fails deep inside HDF5. */
  CUBIE_CHECK(spec->compression == 0 || spec->collective, CUBIE_ERR_INPUT,
              "output compression (level %d) needs collective writes, which dynamic "
              "decomposition does not do; use decomposition: static, or compression: 0",
              spec->compression);
  return check_unique_names(spec);
}

/* ------------------------------------------------------------------------ */
/* Definitions                                                              */
/* ------------------------------------------------------------------------ */

static long long min_ll(long long a, long long b) { return a < b ? a : b; }
static long long max_ll(long long a, long long b) { return a > b ? a : b; }

/* Run extent of a (run, time) chunk: one run block (the runs one write
 * covers), so a collective write touches whole chunks, unless one run block
 * of a single save point is already over the target size. */
static long long run_chunk_2d(const cubie_output_spec *spec, size_t elsize) {
  long long cap = max_ll(1, (long long)(CHUNK_TARGET_BYTES / elsize));
  return min_ll(min_ll(spec->run_block, spec->total_runs), cap);
}

/* Time extent of a (run, time) chunk: as many points as fit the target. */
static long long time_chunk(long long n_time, long long run_extent, size_t elsize) {
  long long fit = (long long)(CHUNK_TARGET_BYTES / elsize) / run_extent;
  return max_ll(1, min_ll(n_time, fit));
}

/* Run extent of a per-run variable: a whole number of run blocks, about
 * RUN_CHUNK_TARGET_BYTES (at least one block, at most the chunk target). */
static long long run_chunk_1d(const cubie_output_spec *spec, size_t elsize) {
  long long per_block = spec->run_block;
  long long blocks = max_ll(1, (long long)(RUN_CHUNK_TARGET_BYTES / elsize) / per_block);
  long long cap = max_ll(1, (long long)(CHUNK_TARGET_BYTES / elsize));
  return min_ll(min_ll(per_block * blocks, spec->total_runs), cap);
}

typedef struct definer {
  cubie_output *o;
  const cubie_output_spec *spec;
  int dim_run, dim_time, dim_summary, dim_nv;
} definer;

#define NC_TRY(d, call, action, name)                                                     \
  do {                                                                                    \
    int nc_try_status_ = (call);                                                          \
    if (nc_try_status_ != NC_NOERR)                                                       \
      return cubie_output_netcdf_error((d)->o->path, nc_try_status_, (action), (name));   \
  } while (0)

static int put_text(const definer *d, int varid, const char *var, const char *att,
                    const char *value) {
  NC_TRY(d, nc_put_att_text(d->o->ncid, varid, att, strlen(value), value),
         "write an attribute of", var ? var : "(global)");
  return CUBIE_OK;
}

static int put_units_long_name(const definer *d, int varid, const char *var, const char *units,
                               const char *long_name) {
  CUBIE_CALL(put_text(d, varid, var, "units", cubie_output_cf_units(units)));
  CUBIE_CALL(put_text(d, varid, var, "long_name", long_name ? long_name : var));
  return CUBIE_OK;
}

/* The storage of a per-run variable. Uncompressed: contiguous, so the file
 * holds no chunk index that a rank killed mid-write could leave half
 * updated — the metadata is complete once the file is created, and a
 * crashed job's file stays readable and resumable. Compressed: chunked
 * (deflate needs chunks), with `chunks` per chunk. */
static int def_layout(const definer *d, int varid, const char *name, const size_t *chunks) {
  int ncid = d->o->ncid;
  if (d->spec->compression == 0) {
    NC_TRY(d, nc_def_var_chunking(ncid, varid, NC_CONTIGUOUS, NULL), "set the layout of", name);
    return CUBIE_OK;
  }
  NC_TRY(d, nc_def_var_chunking(ncid, varid, NC_CHUNKED, chunks), "set the chunking of", name);
  NC_TRY(d, nc_def_var_deflate(ncid, varid, 1, 1, d->spec->compression),
         "set the compression of", name);
  return CUBIE_OK;
}

/* A variable whose every value the writer supplies: no fill pass (a fill
 * would double the I/O of a huge file). */
static int def_data_var(const definer *d, const char *name, nc_type type, int ndims,
                        const int *dims, const size_t *chunks, int *varid) {
  int ncid = d->o->ncid;
  NC_TRY(d, nc_def_var(ncid, name, type, ndims, dims, varid), "define", name);
  CUBIE_CALL(def_layout(d, *varid, name, chunks));
  NC_TRY(d, nc_def_var_fill(ncid, *varid, NC_NOFILL, NULL), "set the fill mode of", name);
  return CUBIE_OK;
}

/* A small variable written once at creation (a coordinate or a fixed input):
 * contiguous, never compressed. */
static int def_contiguous(const definer *d, const char *name, int ndims, const int *dims,
                          int *varid) {
  int ncid = d->o->ncid;
  NC_TRY(d, nc_def_var(ncid, name, NC_DOUBLE, ndims, dims, varid), "define", name);
  if (ndims > 0)
    NC_TRY(d, nc_def_var_chunking(ncid, *varid, NC_CONTIGUOUS, NULL), "set the layout of", name);
  NC_TRY(d, nc_def_var_fill(ncid, *varid, NC_NOFILL, NULL), "set the fill mode of", name);
  return CUBIE_OK;
}

static int define_dimensions(definer *d) {
  const cubie_output_spec *spec = d->spec;
  int ncid = d->o->ncid;
  NC_TRY(d, nc_def_dim(ncid, "run", (size_t)spec->total_runs, &d->dim_run), "define dimension",
         "run");
  NC_TRY(d, nc_def_dim(ncid, "time", (size_t)spec->n_saves, &d->dim_time), "define dimension",
         "time");
  if (cubie_output_has_summaries(spec)) {
    NC_TRY(d, nc_def_dim(ncid, "summary_time", (size_t)spec->n_summaries, &d->dim_summary),
           "define dimension", "summary_time");
    NC_TRY(d, nc_def_dim(ncid, "nv", 2, &d->dim_nv), "define dimension", "nv");
  }
  return CUBIE_OK;
}

static int define_coordinates(definer *d) {
  const cubie_output_spec *spec = d->spec;
  cubie_output *o = d->o;
  size_t run_chunk = (size_t)run_chunk_1d(spec, sizeof(long long));
  CUBIE_CALL(def_data_var(d, "run", NC_INT64, 1, &d->dim_run, &run_chunk, &o->run_var));
  CUBIE_CALL(put_units_long_name(d, o->run_var, "run", "1", "run index"));

  CUBIE_CALL(def_contiguous(d, "time", 1, &d->dim_time, &o->time_var));
  CUBIE_CALL(put_units_long_name(d, o->time_var, "time", spec->time_units, "time"));
  CUBIE_CALL(cubie_output_cf_time_axis(o->ncid, o->time_var, o->path, "time", spec->time_units));

  if (!cubie_output_has_summaries(spec)) return CUBIE_OK;
  CUBIE_CALL(def_contiguous(d, "summary_time", 1, &d->dim_summary, &o->summary_time_var));
  CUBIE_CALL(put_units_long_name(d, o->summary_time_var, "summary_time", spec->time_units,
                                 "end of summary window"));
  CUBIE_CALL(cubie_output_cf_time_axis(o->ncid, o->summary_time_var, o->path, "summary_time",
                                       spec->time_units));
  CUBIE_CALL(put_text(d, o->summary_time_var, "summary_time", "bounds", "summary_time_bounds"));
  int bounds_dims[2] = {d->dim_summary, d->dim_nv};
  CUBIE_CALL(def_contiguous(d, "summary_time_bounds", 2, bounds_dims, &o->summary_bounds_var));
  /* CF 7.1: bounds take their units from the coordinate; none of their own. */
  CUBIE_CALL(put_text(d, o->summary_bounds_var, "summary_time_bounds", "long_name",
                      "start and end of summary window"));
  return CUBIE_OK;
}

static int define_outputs(definer *d) {
  const cubie_output_spec *spec = d->spec;
  cubie_output *o = d->o;
  nc_type type = (nc_type)o->data_type;
  size_t runs = (size_t)run_chunk_2d(spec, o->data_size);
  size_t save_chunks[2] = {runs, (size_t)time_chunk(spec->n_saves, (long long)runs, o->data_size)};
  int save_dims[2] = {d->dim_run, d->dim_time};
  for (int v = 0; v < spec->n_outputs; v++) {
    const cubie_output_variable *out = &spec->outputs[v];
    CUBIE_CALL(def_data_var(d, out->name, type, 2, save_dims, save_chunks, &o->output_vars[v]));
    CUBIE_CALL(put_units_long_name(d, o->output_vars[v], out->name, out->units, out->long_name));
  }
  if (!cubie_output_has_summaries(spec)) return CUBIE_OK;

  size_t summary_chunks[2] = {runs,
                              (size_t)time_chunk(spec->n_summaries, (long long)runs, o->data_size)};
  int summary_dims[2] = {d->dim_run, d->dim_summary};
  for (int v = 0; v < spec->n_outputs; v++) {
    const cubie_output_variable *out = &spec->outputs[v];
    const char *of = out->long_name ? out->long_name : out->name;
    for (int m = 0; m < spec->n_metrics; m++) {
      const char *metric = spec->metric_names[m];
      char name[NC_MAX_NAME + 1];
      int len = snprintf(name, sizeof name, "%s_%s", out->name, metric);
      CUBIE_CHECK(len > 0 && (size_t)len < sizeof name, CUBIE_ERR_INPUT,
                  "summary variable name '%s_%s' is longer than NetCDF's %d characters",
                  out->name, metric, NC_MAX_NAME);
      int *varid = &o->summary_vars[v * spec->n_metrics + m];
      CUBIE_CALL(def_data_var(d, name, type, 2, summary_dims, summary_chunks, varid));
      size_t text_len = strlen(metric) + strlen(of) + 64;
      char *long_name = malloc(text_len);
      CUBIE_CHECK(long_name, CUBIE_ERR_MEMORY, "out of memory naming '%s'", name);
      snprintf(long_name, text_len, "%s of %s over each summary window", metric, of);
      int rc = put_units_long_name(d, *varid, name, out->units, long_name);
      free(long_name);
      CUBIE_CALL(rc);
      /* The metric's CF word (kernels/metrics.def); none rather than a made-up one. */
      char word[64];
      const char *method = cubie_metric_value_cell_method(metric, word, sizeof word);
      if (method && cubie_output_cf_cell_method(method)) {
        char cell[128];
        snprintf(cell, sizeof cell, "summary_time: %s", method);
        CUBIE_CALL(put_text(d, *varid, name, "cell_methods", cell));
      }
    }
  }
  return CUBIE_OK;
}

static int define_per_run(definer *d) {
  const cubie_output_spec *spec = d->spec;
  cubie_output *o = d->o;
  int ncid = o->ncid;
  size_t uint_chunk = (size_t)run_chunk_1d(spec, sizeof(unsigned int));
  size_t counter_chunk = (size_t)run_chunk_1d(spec, sizeof(unsigned long long));
  size_t double_chunk = (size_t)run_chunk_1d(spec, sizeof(double));

  /* status: the one per-run variable with a fill value, so a run nobody
   * wrote reads as 0 = "never computed" (what resume looks for). */
  NC_TRY(d, nc_def_var(ncid, "status", NC_UINT, 1, &d->dim_run, &o->status_var), "define",
         "status");
  CUBIE_CALL(def_layout(d, o->status_var, "status", &uint_chunk));
  unsigned int never_computed = 0;
  NC_TRY(d, nc_def_var_fill(ncid, o->status_var, NC_FILL, &never_computed),
         "set the fill value of", "status");
  CUBIE_CALL(put_text(d, o->status_var, "status", "long_name",
                      "run status flags (0: never computed)"));
  NC_TRY(d, nc_put_att_uint(ncid, o->status_var, "flag_masks", NC_UINT,
                            sizeof status_masks / sizeof status_masks[0], status_masks),
         "write an attribute of", "status");
  CUBIE_CALL(put_text(d, o->status_var, "status", "flag_meanings", status_meanings + 1));

  for (int c = 0; c < CUBIE_N_COUNTERS; c++) {
    CUBIE_CALL(def_data_var(d, counter_names[c], NC_UINT64, 1, &d->dim_run, &counter_chunk,
                            &o->counter_vars[c]));
    CUBIE_CALL(put_units_long_name(d, o->counter_vars[c], counter_names[c], "1",
                                   counter_long_names[c]));
  }
  for (int i = 0; i < spec->n_inputs; i++) {
    const cubie_output_variable *in = &spec->inputs[i];
    CUBIE_CALL(def_data_var(d, in->name, NC_DOUBLE, 1, &d->dim_run, &double_chunk,
                            &o->input_vars[i]));
    CUBIE_CALL(put_units_long_name(d, o->input_vars[i], in->name, in->units, in->long_name));
  }
  for (int i = 0; i < spec->n_fixed; i++) {
    const cubie_output_variable *fx = &spec->fixed[i];
    CUBIE_CALL(def_contiguous(d, fx->name, 0, NULL, &o->fixed_vars[i]));
    CUBIE_CALL(put_units_long_name(d, o->fixed_vars[i], fx->name, fx->units, fx->long_name));
  }
  return CUBIE_OK;
}

/* Per-rank timing and binding (docs/scaling.md §4): defined now, written
 * by rank 0 when the file is completed. */
static int define_ranks(definer *d) {
  const cubie_output_spec *spec = d->spec;
  if (spec->n_ranks <= 0) return CUBIE_OK;
  int ncid = d->o->ncid, dim_rank, dim_str, varid;
  NC_TRY(d, nc_def_dim(ncid, "rank", (size_t)spec->n_ranks, &dim_rank), "define dimension", "rank");
  NC_TRY(d, nc_def_dim(ncid, "rank_strlen", CUBIE_OUTPUT_RANK_STRLEN, &dim_str), "define dimension",
         "rank_strlen");
  int dims[2] = {dim_rank, dim_str};
  for (int i = 0; cubie_output_rank_vars[i].name; i++) {
    const cubie_output_rank_var *rv = &cubie_output_rank_vars[i];
    if (!spec->rank_weights && strcmp(rv->name, "rank_weight") == 0) continue;
    int ndims = rv->scalar ? 0 : rv->type == NC_CHAR ? 2 : 1;
    NC_TRY(d, nc_def_var(ncid, rv->name, rv->type, ndims, dims, &varid), "define", rv->name);
    if (rv->type == NC_CHAR) { /* text: a long_name, no units; xarray reads it as str */
      CUBIE_CALL(put_text(d, varid, rv->name, "long_name", rv->long_name));
      CUBIE_CALL(put_text(d, varid, rv->name, "_Encoding", "utf-8"));
    } else
      CUBIE_CALL(put_units_long_name(d, varid, rv->name, rv->units, rv->long_name));
  }
  return CUBIE_OK;
}

static int define_global_attributes(definer *d) {
  const cubie_output_spec *spec = d->spec;
  int ncid = d->o->ncid;
  const char *title = "cubie output";
  for (int a = 0; a < spec->n_attributes; a++)
    if (strcmp(spec->attributes[a].name, "title") == 0) title = spec->attributes[a].value;
  /* CF-1.8: the newest version the CF checker (cfchecker 4.1) knows, and
   * the file uses nothing newer. */
  CUBIE_CALL(put_text(d, NC_GLOBAL, NULL, "Conventions", "CF-1.8"));
  CUBIE_CALL(put_text(d, NC_GLOBAL, NULL, "title", title));
  for (int a = 0; a < spec->n_attributes; a++)
    if (strcmp(spec->attributes[a].name, "title") != 0)
      CUBIE_CALL(put_text(d, NC_GLOBAL, NULL, spec->attributes[a].name,
                          spec->attributes[a].value));
  NC_TRY(d, nc_put_att_longlong(ncid, NC_GLOBAL, "total_runs", NC_INT64, 1, &spec->total_runs),
         "write an attribute of", "(global)");
  if (spec->n_grid_axes > 0)
    NC_TRY(d, nc_put_att_longlong(ncid, NC_GLOBAL, "grid_shape", NC_INT64,
                                  (size_t)spec->n_grid_axes, spec->grid_shape),
           "write an attribute of", "(global)");
  int incomplete = 0;
  NC_TRY(d, nc_put_att_int(ncid, NC_GLOBAL, "complete", NC_INT, 1, &incomplete),
         "write an attribute of", "(global)");
  return CUBIE_OK;
}

int cubie_output_define(cubie_output *o, const cubie_output_spec *spec) {
  definer d = {.o = o, .spec = spec, .dim_run = -1, .dim_time = -1, .dim_summary = -1,
               .dim_nv = -1};
  CUBIE_CALL(define_dimensions(&d));
  CUBIE_CALL(define_coordinates(&d));
  CUBIE_CALL(define_outputs(&d));
  CUBIE_CALL(define_per_run(&d));
  CUBIE_CALL(define_ranks(&d));
  CUBIE_CALL(cubie_output_cf_run_coordinates(o->ncid, o->path, spec));
  CUBIE_CALL(define_global_attributes(&d));
  return CUBIE_OK;
}
