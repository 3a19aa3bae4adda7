/* output_cf.c — the attributes that make the file read as CF metadata in
 * CF tools and xarray without help (docs/output.md "Reading the file"):
 * how units are spelt, which variables are time axes, and which variables
 * are coordinates of the `run` dimension. Declares attributes only (define
 * mode); never writes data, never calls MPI.
 */
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output_impl.h"
#include "util/error.h"

/* xarray turns a variable whose units are one of these words into
 * timedelta64 (so `ds.x.sel(time=5.0)` would fail); UDUNITS and CF read
 * the symbols as the same units, and xarray leaves those numbers alone. */
static const char *const spelled[][2] = {
    {"days", "d"},          {"hours", "h"},           {"minutes", "min"},
    {"seconds", "s"},       {"milliseconds", "ms"},   {"microseconds", "us"},
    {"nanoseconds", "ns"}};

const char *cubie_output_cf_units(const char *units) {
  if (!units || !units[0]) return "1";
  for (size_t i = 0; i < sizeof spelled / sizeof spelled[0]; i++)
    if (strcmp(units, spelled[i][0]) == 0) return spelled[i][1];
  return units;
}

/* CF-1.8's cell methods (Appendix E), the version the file declares:
 * later names (root_mean_square, ...) would make it invalid CF-1.8. */
static const char *const cf18_cell_methods[] = {"point", "sum", "maximum", "median", "mid_range",
                                                "minimum", "mean", "mode",
                                                "standard_deviation", "variance"};

bool cubie_output_cf_cell_method(const char *method) {
  for (size_t i = 0; i < sizeof cf18_cell_methods / sizeof cf18_cell_methods[0]; i++)
    if (strcmp(method, cf18_cell_methods[i]) == 0) return true;
  return false;
}

bool cubie_output_is_reference_time(const char *units) {
  return units && strstr(units, " since ") != NULL;
}

int cubie_output_cf_time_axis(int ncid, int varid, const char *path, const char *var,
                              const char *units) {
  /* A time axis in CF needs "UNIT since DATE" and a calendar; a model's
   * time (seconds, or no unit) is a plain coordinate, so it gets no
   * axis = "T" that CF checkers would then hold to that rule. */
  if (!cubie_output_is_reference_time(units)) return CUBIE_OK;
  int status = nc_put_att_text(ncid, varid, "axis", 1, "T");
  if (status == NC_NOERR) status = nc_put_att_text(ncid, varid, "calendar", 8, "standard");
  if (status != NC_NOERR)
    return cubie_output_netcdf_error(path, status, "write an attribute of", var);
  return CUBIE_OK;
}

int cubie_output_cf_run_coordinates(int ncid, const char *path, const cubie_output_spec *spec) {
  if (spec->n_inputs == 0) return CUBIE_OK;
  /* "rho x_initial": the swept inputs, which xarray then makes coordinates
   * of `run` (ds.x.where(ds.rho > 20), ds.swap_dims(run="rho")). */
  size_t len = 1;
  for (int i = 0; i < spec->n_inputs; i++) len += strlen(spec->inputs[i].name) + 1;
  char *list = calloc(len, 1);
  CUBIE_CHECK(list, CUBIE_ERR_MEMORY, "out of memory");
  for (int i = 0; i < spec->n_inputs; i++) {
    if (i) strcat(list, " ");
    strcat(list, spec->inputs[i].name);
  }
  int rc = CUBIE_OK, run_dim, n_vars, status = nc_inq_dimid(ncid, "run", &run_dim);
  if (status == NC_NOERR) status = nc_inq_nvars(ncid, &n_vars);
  if (status != NC_NOERR) n_vars = 0, rc = cubie_output_netcdf_error(path, status, "inspect", NULL);
  /* Every variable along `run` defined so far, whoever defined it, except
   * `run` itself and the inputs the list names. */
  for (int v = 0; v < n_vars && !rc; v++) {
    char name[NC_MAX_NAME + 1];
    int ndims, dims[NC_MAX_VAR_DIMS];
    if ((status = nc_inq_var(ncid, v, name, NULL, &ndims, dims, NULL))) {
      rc = cubie_output_netcdf_error(path, status, "inspect", NULL);
      break;
    }
    bool along_run = false;
    for (int d = 0; d < ndims; d++) along_run = along_run || dims[d] == run_dim;
    bool is_input = strcmp(name, "run") == 0;
    for (int i = 0; i < spec->n_inputs; i++) is_input = is_input || strcmp(name, spec->inputs[i].name) == 0;
    if (!along_run || is_input) continue;
    if ((status = nc_put_att_text(ncid, v, "coordinates", strlen(list), list)))
      rc = cubie_output_netcdf_error(path, status, "write an attribute of", name);
  }
  free(list);
  return rc;
}

int cubie_output_append_history(const char *path, const char *line) {
  if (!line || !line[0]) return CUBIE_OK;
  int ncid, status = nc_open(path, NC_WRITE, &ncid);
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "reopen (to add to its history)", NULL);
  size_t old_len = 0;
  nc_type type;
  if (nc_inq_att(ncid, NC_GLOBAL, "history", &type, &old_len) != NC_NOERR || type != NC_CHAR)
    old_len = 0;
  char *text = calloc(old_len + strlen(line) + 2, 1);
  if (!text) {
    nc_close(ncid);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  }
  if (old_len) nc_get_att_text(ncid, NC_GLOBAL, "history", text);
  /* Oldest first, one line per job that wrote the file. */
  if (old_len && text[old_len - 1] != '\n') strcat(text, "\n");
  strcat(text, line);
  status = nc_redef(ncid);
  if (status == NC_NOERR) status = nc_put_att_text(ncid, NC_GLOBAL, "history", strlen(text), text);
  free(text);
  int close_status = nc_close(ncid);
  if (status == NC_NOERR) status = close_status;
  if (status != NC_NOERR) return cubie_output_netcdf_error(path, status, "add to the history of", NULL);
  return CUBIE_OK;
}
