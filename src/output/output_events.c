/* output_events.c — the events' variables of the output file
 * (docs/output.md "Events"): per event `<name>_count` (run, uint64) and,
 * when it keeps any, `<name>_times` (run, event_index) — the first
 * max_saved event times, NaN (its _FillValue) where there were fewer —,
 * and `t_end` (run) when some event is terminal. Defined with the other
 * per-run variables, written with the per-run records from the kernel's
 * event record (kernels/events.h), found again on resume. Nothing here
 * exists for a file without events.
 */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_impl.h"
#include "util/error.h"

struct cubie_output_events {
  int n_events;
  long long *max_saved;  /* per event */
  long long index_length; /* the event_index dimension: the largest max_saved */
  int *count_vars, *times_vars; /* per event; times -1 when it keeps none */
  int t_end_var;                /* -1 without terminal events */
  long long slots;              /* record doubles per run */
};

static int nc_check(const cubie_output *o, int status, const char *action, const char *name) {
  return status == NC_NOERR ? CUBIE_OK : cubie_output_netcdf_error(o->path, status, action, name);
}

static int init(cubie_output *o, const cubie_output_spec *spec) {
  struct cubie_output_events *ev = calloc(1, sizeof *ev);
  CUBIE_CHECK(ev, CUBIE_ERR_MEMORY, "out of memory for the events of '%s'", o->path);
  o->events = ev;
  ev->n_events = spec->n_events;
  ev->max_saved = calloc((size_t)spec->n_events, sizeof *ev->max_saved);
  ev->count_vars = calloc((size_t)spec->n_events, sizeof *ev->count_vars);
  ev->times_vars = calloc((size_t)spec->n_events, sizeof *ev->times_vars);
  CUBIE_CHECK(ev->max_saved && ev->count_vars && ev->times_vars, CUBIE_ERR_MEMORY,
              "out of memory for the events of '%s'", o->path);
  for (int e = 0; e < spec->n_events; e++) {
    ev->max_saved[e] = spec->event_max_saved[e];
    if (ev->max_saved[e] > ev->index_length) ev->index_length = ev->max_saved[e];
    ev->slots += 1 + ev->max_saved[e];
    ev->times_vars[e] = -1;
  }
  ev->t_end_var = -1;
  if (spec->event_t_end) ev->slots += 1;
  return CUBIE_OK;
}

static int put_text(const cubie_output *o, int varid, const char *var, const char *att,
                    const char *value) {
  return nc_check(o, nc_put_att_text(o->ncid, varid, att, strlen(value), value),
                  "write an attribute of", var);
}

/* Per-run layout as output_define.c gives it: contiguous uncompressed, else
 * chunked by whole runs and deflated. */
static int layout(const cubie_output *o, const cubie_output_spec *spec, int varid,
                  const char *name, const size_t *chunks) {
  if (spec->compression == 0)
    return nc_check(o, nc_def_var_chunking(o->ncid, varid, NC_CONTIGUOUS, NULL),
                    "set the layout of", name);
  CUBIE_CALL(nc_check(o, nc_def_var_chunking(o->ncid, varid, NC_CHUNKED, chunks),
                      "set the chunking of", name));
  return nc_check(o, nc_def_var_deflate(o->ncid, varid, 1, 1, spec->compression),
                  "set the compression of", name);
}

static size_t run_chunk(const cubie_output_spec *spec, long long per_run_bytes) {
  long long runs = spec->run_block < spec->total_runs ? spec->run_block : spec->total_runs;
  long long cap = ((long long)4 << 20) / (per_run_bytes > 0 ? per_run_bytes : 1);
  if (runs > cap) runs = cap;
  return (size_t)(runs > 0 ? runs : 1);
}

int cubie_output_events_define(cubie_output *o, const cubie_output_spec *spec, int dim_run) {
  if (spec->n_events == 0) return CUBIE_OK;
  CUBIE_CALL(init(o, spec));
  struct cubie_output_events *ev = o->events;
  int ncid = o->ncid, dim_index = -1;
  if (ev->index_length > 0)
    CUBIE_CALL(nc_check(o, nc_def_dim(ncid, "event_index", (size_t)ev->index_length, &dim_index),
                        "define dimension", "event_index"));
  const char *units = spec->time_units ? spec->time_units : "1";
  const double fill = NAN;
  for (int e = 0; e < spec->n_events; e++) {
    const char *event = spec->event_names[e];
    char name[NC_MAX_NAME + 1], text[NC_MAX_NAME + 128];
    int len = snprintf(name, sizeof name, "%s_count", event);
    CUBIE_CHECK(len > 0 && (size_t)len < sizeof name - 1, CUBIE_ERR_INPUT,
                "event name '%s' is too long for NetCDF's %d characters", event, NC_MAX_NAME);
    size_t chunk = run_chunk(spec, 8);
    CUBIE_CALL(nc_check(o, nc_def_var(ncid, name, NC_UINT64, 1, &dim_run, &ev->count_vars[e]),
                        "define", name));
    CUBIE_CALL(layout(o, spec, ev->count_vars[e], name, &chunk));
    CUBIE_CALL(nc_check(o, nc_def_var_fill(ncid, ev->count_vars[e], NC_NOFILL, NULL),
                        "set the fill mode of", name));
    CUBIE_CALL(put_text(o, ev->count_vars[e], name, "units", "1"));
    snprintf(text, sizeof text, "number of %s events", event);
    CUBIE_CALL(put_text(o, ev->count_vars[e], name, "long_name", text));
    if (ev->max_saved[e] == 0) continue;
    snprintf(name, sizeof name, "%s_times", event);
    int dims[2] = {dim_run, dim_index};
    size_t chunks[2] = {run_chunk(spec, 8 * ev->index_length), (size_t)ev->index_length};
    CUBIE_CALL(nc_check(o, nc_def_var(ncid, name, NC_DOUBLE, 2, dims, &ev->times_vars[e]),
                        "define", name));
    CUBIE_CALL(layout(o, spec, ev->times_vars[e], name, chunks));
    /* Every value is written (NaN where a run had fewer events), so no
     * fill pass; _FillValue says what NaN means to readers. */
    CUBIE_CALL(nc_check(o, nc_def_var_fill(ncid, ev->times_vars[e], NC_NOFILL, &fill),
                        "set the fill mode of", name));
    CUBIE_CALL(nc_check(o, nc_put_att_double(ncid, ev->times_vars[e], "_FillValue", NC_DOUBLE, 1,
                                             &fill),
                        "write an attribute of", name));
    CUBIE_CALL(put_text(o, ev->times_vars[e], name, "units", cubie_output_cf_units(units)));
    snprintf(text, sizeof text, "times of the first %lld %s events", ev->max_saved[e], event);
    CUBIE_CALL(put_text(o, ev->times_vars[e], name, "long_name", text));
  }
  if (!spec->event_t_end) return CUBIE_OK;
  size_t chunk = run_chunk(spec, 8);
  CUBIE_CALL(nc_check(o, nc_def_var(ncid, "t_end", NC_DOUBLE, 1, &dim_run, &ev->t_end_var),
                      "define", "t_end"));
  CUBIE_CALL(layout(o, spec, ev->t_end_var, "t_end", &chunk));
  CUBIE_CALL(nc_check(o, nc_def_var_fill(ncid, ev->t_end_var, NC_NOFILL, &fill),
                      "set the fill mode of", "t_end"));
  CUBIE_CALL(nc_check(o, nc_put_att_double(ncid, ev->t_end_var, "_FillValue", NC_DOUBLE, 1, &fill),
                      "write an attribute of", "t_end"));
  CUBIE_CALL(put_text(o, ev->t_end_var, "t_end", "units", cubie_output_cf_units(units)));
  return put_text(o, ev->t_end_var, "t_end", "long_name",
                  "time the run ended: a terminal event's time, or the end time (NaN: the run "
                  "failed)");
}

static int find(cubie_output *o, const char *name, int *varid) {
  if (nc_inq_varid(o->ncid, name, varid) == NC_NOERR) return CUBIE_OK;
  return CUBIE_RAISE(CUBIE_ERR_INPUT,
                     "cannot resume '%s': it has no variable '%s' (was it written by another "
                     "deck?)",
                     o->path, name);
}

int cubie_output_events_lookup(cubie_output *o, const cubie_output_spec *spec) {
  if (spec->n_events == 0) return CUBIE_OK;
  CUBIE_CALL(init(o, spec));
  struct cubie_output_events *ev = o->events;
  for (int e = 0; e < spec->n_events; e++) {
    char name[NC_MAX_NAME + 1];
    snprintf(name, sizeof name, "%s_count", spec->event_names[e]);
    CUBIE_CALL(find(o, name, &ev->count_vars[e]));
    if (ev->max_saved[e] == 0) continue;
    snprintf(name, sizeof name, "%s_times", spec->event_names[e]);
    CUBIE_CALL(find(o, name, &ev->times_vars[e]));
  }
  if (spec->event_t_end) CUBIE_CALL(find(o, "t_end", &ev->t_end_var));
  return CUBIE_OK;
}

void cubie_output_events_free(cubie_output *o) {
  if (!o->events) return;
  free(o->events->max_saved);
  free(o->events->count_vars);
  free(o->events->times_vars);
  free(o->events);
  o->events = NULL;
}

int cubie_output_write_events(cubie_output *o, long long run_start, long long n_runs,
                              const double *record) {
  CUBIE_CHECK(o, CUBIE_ERR_INTERNAL, "cubie_output_write_events: no output file");
  const struct cubie_output_events *ev = o->events;
  if (!ev) return CUBIE_OK;
  CUBIE_CHECK(run_start >= 0 && n_runs >= 0 && run_start + n_runs <= o->total_runs,
              CUBIE_ERR_INTERNAL, "cubie_output_write_events: runs [%lld, %lld) outside '%s'",
              run_start, run_start + n_runs, o->path);
  size_t n = (size_t)n_runs;
  long long width = ev->index_length > 0 ? ev->index_length : 1;
  unsigned long long *counts = malloc((n ? n : 1) * sizeof *counts);
  double *times = malloc((n ? n : 1) * (size_t)width * sizeof *times);
  int rc = counts && times ? CUBIE_OK
                           : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory writing the events");
  if (n_runs > 0 && !record && !rc)
    rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL, "cubie_output_write_events: no record for '%s'",
                     o->path);
  size_t start[2] = {(size_t)run_start, 0}, count[2] = {n, 0};
  long long offset = 0;
  for (int e = 0; e < ev->n_events; e++) {
    /* The record is [slot][run]; the file wants each event's [run][index]. */
    for (size_t r = 0; !rc && r < n; r++) counts[r] = (unsigned long long)record[offset * n_runs + (long long)r];
    rc = cubie_output_put_variables(o, &ev->count_vars[e], 1, 1, start, count, sizeof *counts,
                                    counts, rc);
    long long k_max = ev->max_saved[e];
    if (k_max > 0) {
      for (size_t r = 0; !rc && r < n; r++)
        for (long long k = 0; k < width; k++)
          times[r * (size_t)width + (size_t)k] =
              k < k_max ? record[(offset + 1 + k) * n_runs + (long long)r] : NAN;
      count[1] = (size_t)width;
      rc = cubie_output_put_variables(o, &ev->times_vars[e], 1, 2, start, count, sizeof *times,
                                      times, rc);
      count[1] = 0;
    }
    offset += 1 + k_max;
  }
  if (ev->t_end_var >= 0)
    rc = cubie_output_put_variables(o, &ev->t_end_var, 1, 1, start, count, sizeof(double),
                                    record ? record + offset * n_runs : NULL, rc);
  free(counts);
  free(times);
  return rc;
}
