/* output_ranks.c — the per-rank timing and binding record of a job
 * (docs/scaling.md §4): which variables hold it, and rank 0 writing it
 * serially once the parallel file is closed. */
#include <netcdf.h>
#include <string.h>

#include "util/error.h"
#include "output/output_impl.h"

const cubie_output_rank_var cubie_output_rank_vars[] = {
    {"mpi_rank", NC_INT, "1", "MPI rank"},
    {"timing_compile", NC_DOUBLE, "s", "seconds generating, compiling or receiving, and loading the kernel"},
    {"timing_compute", NC_DOUBLE, "s", "seconds decoding inputs and running kernels"},
    {"timing_transfer", NC_DOUBLE, "s", "seconds copying between host and device"},
    {"timing_write", NC_DOUBLE, "s", "seconds in NetCDF: create, writes, close"},
    {"timing_wait", NC_DOUBLE, "s", "seconds the compute thread waited for the writer"},
    {"timing_total", NC_DOUBLE, "s", "wall time of the job on this rank"},
    {"rank_runs", NC_INT64, "1", "runs this rank computed"},
    {"rank_node", NC_INT, "1", "node index (in the order of each node's lowest rank)"},
    {"rank_local_rank", NC_INT, "1", "rank among the ranks of its node"},
    {"rank_device", NC_INT, "1", "device ordinal among the visible devices (-1: cpu)"},
    {"rank_host", NC_CHAR, NULL, "host name"},
    {"rank_visible_devices", NC_CHAR, NULL,
     "the rank's device list: the value of its backend's visible-devices variable"},
    {"rank_weight", NC_DOUBLE, "s-1", "measured runs per second (weighted decomposition)"},
    {NULL, 0, NULL, NULL}};

static int put_var(int ncid, const char *path, const char *name, const void *data) {
  int varid, status = nc_inq_varid(ncid, name, &varid);
  if (status == NC_NOERR) status = nc_put_var(ncid, varid, data);
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "write", name);
  return CUBIE_OK;
}

static int put_strings(int ncid, const char *path, const char *name, int n,
                       const char *const *text) {
  int varid, status = nc_inq_varid(ncid, name, &varid);
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

int cubie_output_write_rank_records(int ncid, const char *path,
                                    const cubie_output_rank_records *r) {
  int dimid;
  size_t len = 0;
  if (!r || nc_inq_dimid(ncid, "rank", &dimid) != NC_NOERR) return CUBIE_OK;
  nc_inq_dimlen(ncid, dimid, &len);
  if ((int)len != r->n_ranks) return CUBIE_OK; /* resumed with another rank count */
  int ranks[r->n_ranks > 0 ? r->n_ranks : 1];
  for (int i = 0; i < r->n_ranks; i++) ranks[i] = i;
  CUBIE_CALL(put_var(ncid, path, "mpi_rank", ranks));
  static const char *const phases[CUBIE_OUTPUT_TIMING_PHASES] = {
      "timing_compile", "timing_compute", "timing_transfer",
      "timing_write",   "timing_wait",    "timing_total"};
  for (int p = 0; p < CUBIE_OUTPUT_TIMING_PHASES; p++)
    if (r->seconds[p]) CUBIE_CALL(put_var(ncid, path, phases[p], r->seconds[p]));
  if (r->runs) CUBIE_CALL(put_var(ncid, path, "rank_runs", r->runs));
  if (r->node) CUBIE_CALL(put_var(ncid, path, "rank_node", r->node));
  if (r->local_rank) CUBIE_CALL(put_var(ncid, path, "rank_local_rank", r->local_rank));
  if (r->device) CUBIE_CALL(put_var(ncid, path, "rank_device", r->device));
  if (r->weight) CUBIE_CALL(put_var(ncid, path, "rank_weight", r->weight));
  CUBIE_CALL(put_strings(ncid, path, "rank_host", r->n_ranks, r->host));
  CUBIE_CALL(put_strings(ncid, path, "rank_visible_devices", r->n_ranks, r->visible_devices));
  return CUBIE_OK;
}
