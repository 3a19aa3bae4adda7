/* output_ranks.c — the per-rank timing and binding record of a job
 * (docs/scaling.md §4): which variables hold it, and rank 0 writing it
 * serially once the parallel file is closed. */
#include <netcdf.h>
#include <stdbool.h>
#include <string.h>

#include "util/error.h"
#include "output/output_impl.h"

const cubie_output_rank_var cubie_output_rank_vars[] = {
    {"mpi_rank", NC_INT, "1", "MPI rank", 0},
    {"timing_compile", NC_DOUBLE, "s", "seconds generating, compiling or receiving, and loading the kernel", 0},
    {"timing_compute", NC_DOUBLE, "s", "seconds decoding inputs and running kernels", 0},
    {"timing_transfer", NC_DOUBLE, "s", "seconds copying between host and device", 0},
    {"timing_write", NC_DOUBLE, "s", "seconds in NetCDF once every rank has arrived: create, writes, close", 0},
    {"timing_write_wait", NC_DOUBLE, "s", "seconds waiting for the other ranks to reach a collective write or the close", 0},
    {"timing_wait", NC_DOUBLE, "s", "seconds the compute thread waited for the writer", 0},
    {"timing_total", NC_DOUBLE, "s", "wall time of the job on this rank", 0},
    {"rank_runs", NC_INT64, "1", "runs this rank computed", 0},
    {"rank_node", NC_INT, "1", "node index (in the order of each node's lowest rank)", 0},
    {"rank_local_rank", NC_INT, "1", "rank among the ranks of its node", 0},
    {"rank_device", NC_INT, "1", "device ordinal among the visible devices (-1: cpu)", 0},
    {"rank_host", NC_CHAR, NULL, "host name", 0},
    {"rank_visible_devices", NC_CHAR, NULL,
     "the rank's device list: the value of its backend's visible-devices variable", 0},
    {"rank_weight", NC_DOUBLE, "s-1", "measured runs per second (weighted decomposition)", 0},
    {"timing_attempts", NC_INT, "1",
     "jobs whose timing and runs the per-rank records add up (a first start and its resumes)", 1},
    {"timing_elapsed", NC_DOUBLE, "s",
     "wall time of those jobs, added up (each job: its slowest rank's total)", 1},
    {NULL, 0, NULL, NULL, 0}};

/* A variable an older file may lack (it was created before the variable
 * existed): absent is not an error. */
static bool has_var(int ncid, const char *name, int *varid) {
  return nc_inq_varid(ncid, name, varid) == NC_NOERR;
}

static int put_var(int ncid, const char *path, const char *name, const void *data) {
  int varid;
  if (!has_var(ncid, name, &varid)) return CUBIE_OK;
  int status = nc_put_var(ncid, varid, data);
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "write", name);
  return CUBIE_OK;
}

static int put_strings(int ncid, const char *path, const char *name, int n,
                       const char *const *text) {
  int varid;
  if (!has_var(ncid, name, &varid)) return CUBIE_OK;
  int status = NC_NOERR;
  for (int r = 0; status == NC_NOERR && r < n; r++) {
    char row[CUBIE_OUTPUT_RANK_STRLEN];
    memset(row, 0, sizeof row);
    if (text && text[r]) strncpy(row, text[r], sizeof row - 1);
    size_t start[2] = {(size_t)r, 0}, count[2] = {1, CUBIE_OUTPUT_RANK_STRLEN};
    status = nc_put_vara_text(ncid, varid, start, count, row);
  }
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "write", name);
  return CUBIE_OK;
}

/* How many jobs the records already add up: 0 for a fresh file (the
 * variable still holds its fill value) or a file without the variable,
 * whose records are then replaced as before attempts were counted. */
static int earlier_attempts(int ncid) {
  int varid, value = 0;
  if (!has_var(ncid, "timing_attempts", &varid) || nc_get_var_int(ncid, varid, &value) != NC_NOERR)
    return 0;
  return value > 0 && value != NC_FILL_INT ? value : 0;
}

/* `mine` plus what an earlier attempt recorded, into `sum` (n values). */
static int add_earlier_double(int ncid, const char *path, const char *name, int n,
                              const double *mine, double *sum) {
  int varid;
  for (int i = 0; i < n; i++) sum[i] = mine[i];
  if (!has_var(ncid, name, &varid)) return CUBIE_OK;
  double old[n > 0 ? n : 1];
  int status = nc_get_var_double(ncid, varid, old);
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "read", name);
  for (int i = 0; i < n; i++)
    if (old[i] != NC_FILL_DOUBLE) sum[i] += old[i];
  return CUBIE_OK;
}

int cubie_output_write_rank_records(int ncid, const char *path,
                                    const cubie_output_rank_records *r) {
  int dimid;
  size_t len = 0;
  if (!r || nc_inq_dimid(ncid, "rank", &dimid) != NC_NOERR) return CUBIE_OK;
  nc_inq_dimlen(ncid, dimid, &len);
  if ((int)len != r->n_ranks) return CUBIE_OK; /* resumed with another rank count */
  int n = r->n_ranks;
  int ranks[n > 0 ? n : 1];
  for (int i = 0; i < n; i++) ranks[i] = i;
  CUBIE_CALL(put_var(ncid, path, "mpi_rank", ranks));
  int before = earlier_attempts(ncid);
  static const char *const phases[CUBIE_OUTPUT_TIMING_PHASES] = {
      "timing_compile",    "timing_compute", "timing_transfer", "timing_write",
      "timing_write_wait", "timing_wait",    "timing_total"};
  double sum[n > 0 ? n : 1];
  for (int p = 0; p < CUBIE_OUTPUT_TIMING_PHASES; p++) {
    if (!r->seconds[p]) continue;
    if (before > 0) {
      CUBIE_CALL(add_earlier_double(ncid, path, phases[p], n, r->seconds[p], sum));
      CUBIE_CALL(put_var(ncid, path, phases[p], sum));
    } else {
      CUBIE_CALL(put_var(ncid, path, phases[p], r->seconds[p]));
    }
  }
  if (r->runs) {
    long long runs[n > 0 ? n : 1];
    int varid;
    for (int i = 0; i < n; i++) runs[i] = r->runs[i];
    if (before > 0 && has_var(ncid, "rank_runs", &varid)) {
      long long old[n > 0 ? n : 1];
      int status = nc_get_var_longlong(ncid, varid, old);
      if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "read", "rank_runs");
      for (int i = 0; i < n; i++)
        if (old[i] != NC_FILL_INT64) runs[i] += old[i];
    }
    CUBIE_CALL(put_var(ncid, path, "rank_runs", runs));
  }
  double elapsed = r->elapsed;
  if (before > 0) CUBIE_CALL(add_earlier_double(ncid, path, "timing_elapsed", 1, &r->elapsed, &elapsed));
  CUBIE_CALL(put_var(ncid, path, "timing_elapsed", &elapsed));
  int attempts = before + 1;
  CUBIE_CALL(put_var(ncid, path, "timing_attempts", &attempts));
  if (r->node) CUBIE_CALL(put_var(ncid, path, "rank_node", r->node));
  if (r->local_rank) CUBIE_CALL(put_var(ncid, path, "rank_local_rank", r->local_rank));
  if (r->device) CUBIE_CALL(put_var(ncid, path, "rank_device", r->device));
  if (r->weight) CUBIE_CALL(put_var(ncid, path, "rank_weight", r->weight));
  CUBIE_CALL(put_strings(ncid, path, "rank_host", n, r->host));
  CUBIE_CALL(put_strings(ncid, path, "rank_visible_devices", n, r->visible_devices));
  return CUBIE_OK;
}
