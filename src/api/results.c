/* results.c — a finished output file's variables in memory (see results.h
 * and the public include/cubie/cubie.h). */
#include "api/results.h"

#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

int cubie_results_new(cubie_results **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "no place for the results (NULL pointer)");
  *out = calloc(1, sizeof **out);
  CUBIE_CHECK(*out, CUBIE_ERR_MEMORY, "out of memory");
  return CUBIE_OK;
}

static int type_of(nc_type t, cubie_type *type, size_t *size) {
  switch (t) {
    case NC_DOUBLE: *type = CUBIE_TYPE_FLOAT64; *size = 8; return 0;
    case NC_FLOAT: *type = CUBIE_TYPE_FLOAT32; *size = 4; return 0;
    case NC_INT: *type = CUBIE_TYPE_INT32; *size = 4; return 0;
    case NC_UINT: *type = CUBIE_TYPE_UINT32; *size = 4; return 0;
    case NC_INT64: *type = CUBIE_TYPE_INT64; *size = 8; return 0;
    case NC_UINT64: *type = CUBIE_TYPE_UINT64; *size = 8; return 0;
    case NC_CHAR: *type = CUBIE_TYPE_CHAR; *size = 1; return 0;
    default: return -1;
  }
}

static int read_failed(const char *path, int status, const char *what, const char *name) {
  if (name)
    return CUBIE_RAISE(CUBIE_ERR_NETCDF, "cannot read %s of '%s' in '%s': %s", what, name, path,
                       nc_strerror(status));
  return CUBIE_RAISE(CUBIE_ERR_NETCDF, "cannot read %s of '%s': %s", what, path,
                     nc_strerror(status));
}

#define NC_READ(call, what, name)                                     \
  do {                                                                \
    int nc_read_status_ = (call);                                     \
    if (nc_read_status_ != NC_NOERR) {                                \
      rc = read_failed(path, nc_read_status_, (what), (name));        \
      goto done;                                                      \
    }                                                                 \
  } while (0)

/* A text attribute of a variable, or NULL when it has none. */
static char *text_attribute(int ncid, int varid, const char *att) {
  nc_type t;
  size_t len;
  if (nc_inq_att(ncid, varid, att, &t, &len) != NC_NOERR || t != NC_CHAR) return NULL;
  char *s = calloc(len + 1, 1);
  if (s && nc_get_att_text(ncid, varid, att, s) != NC_NOERR) {
    free(s);
    return NULL;
  }
  return s;
}

static int read_variable(int ncid, int varid, const char *path, cubie_array *a) {
  int rc = CUBIE_OK, ndims = 0, dimids[NC_MAX_VAR_DIMS];
  char name[NC_MAX_NAME + 1];
  nc_type t;
  size_t elsize = 0;
  NC_READ(nc_inq_var(ncid, varid, name, &t, &ndims, dimids, NULL), "variable", (const char *)NULL);
  a->name = strdup(name);
  CUBIE_CHECK(a->name, CUBIE_ERR_MEMORY, "out of memory");
  if (type_of(t, &a->type, &elsize))
    return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "variable '%s' of '%s' has a type cubie does not write (%d)",
                       name, path, (int)t);
  CUBIE_CHECK(ndims <= CUBIE_ARRAY_MAX_DIMS, CUBIE_ERR_INTERNAL,
              "variable '%s' of '%s' has %d dimensions (at most %d expected)", name, path, ndims,
              CUBIE_ARRAY_MAX_DIMS);
  a->ndim = ndims;
  a->size = 1;
  for (int d = 0; d < ndims; d++) {
    char dim[NC_MAX_NAME + 1];
    NC_READ(nc_inq_dim(ncid, dimids[d], dim, &a->shape[d]), "a dimension", name);
    a->dims[d] = strdup(dim);
    CUBIE_CHECK(a->dims[d], CUBIE_ERR_MEMORY, "out of memory");
    a->size *= a->shape[d];
  }
  a->units = text_attribute(ncid, varid, "units");
  a->long_name = text_attribute(ncid, varid, "long_name");
  void *data = malloc(a->size * elsize + 1);
  CUBIE_CHECK(data, CUBIE_ERR_MEMORY, "out of memory reading '%s' of '%s' (%zu values)", name,
              path, a->size);
  a->data = data;
  if (a->size > 0) NC_READ(nc_get_var(ncid, varid, data), "the values", name);
done:
  return rc;
}

int cubie_results_read(cubie_results *r, const char *path) {
  int ncid, status = nc_open(path, NC_NOWRITE, &ncid);
  if (status != NC_NOERR)
    return CUBIE_RAISE(CUBIE_ERR_NETCDF, "cannot open '%s' to read its results: %s", path,
                       nc_strerror(status));
  int n = 0, rc = CUBIE_OK;
  NC_READ(nc_inq_nvars(ncid, &n), "the variables", (const char *)NULL);
  r->arrays = calloc((size_t)n + 1, sizeof *r->arrays);
  if (!r->arrays) {
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
    goto done;
  }
  for (int v = 0; v < n && !rc; v++) {
    rc = read_variable(ncid, v, path, &r->arrays[v]);
    r->n_arrays = v + 1; /* freed with the rest, even half read */
  }
done:
  nc_close(ncid);
  return rc;
}

int cubie_results_count(const cubie_results *r, int *count) {
  CUBIE_CHECK(r && count, CUBIE_ERR_INTERNAL, "cubie_results_count: NULL argument");
  *count = r->n_arrays;
  return CUBIE_OK;
}

int cubie_results_array(const cubie_results *r, int index, cubie_array *array) {
  CUBIE_CHECK(r && array, CUBIE_ERR_INTERNAL, "cubie_results_array: NULL argument");
  CUBIE_CHECK(index >= 0 && index < r->n_arrays, CUBIE_ERR_INPUT,
              "cubie_results_array: index %d is outside the %d arrays", index, r->n_arrays);
  *array = r->arrays[index];
  return CUBIE_OK;
}

int cubie_results_find(const cubie_results *r, const char *name, cubie_array *array) {
  CUBIE_CHECK(r && name && array, CUBIE_ERR_INTERNAL, "cubie_results_find: NULL argument");
  for (int i = 0; i < r->n_arrays; i++)
    if (strcmp(r->arrays[i].name, name) == 0) {
      *array = r->arrays[i];
      return CUBIE_OK;
    }
  if (r->n_arrays == 0)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "no array '%s': these results hold no arrays (in-memory "
                       "results are on rank 0, and only when asked for)", name);
  return CUBIE_RAISE(CUBIE_ERR_INPUT, "no array '%s' in the results (docs/output.md lists the "
                     "variables)", name);
}

int cubie_results_summary(const cubie_results *r, long long *total_runs, long long *failed_runs) {
  CUBIE_CHECK(r, CUBIE_ERR_INTERNAL, "cubie_results_summary: NULL results");
  if (total_runs) *total_runs = r->total_runs;
  if (failed_runs) *failed_runs = r->failed_runs;
  return CUBIE_OK;
}

int cubie_results_file(const cubie_results *r, const char **path) {
  CUBIE_CHECK(r && path, CUBIE_ERR_INTERNAL, "cubie_results_file: NULL argument");
  *path = r->file;
  return CUBIE_OK;
}

int cubie_results_destroy(cubie_results **results) {
  if (!results || !*results) return CUBIE_OK;
  cubie_results *r = *results;
  for (int i = 0; i < r->n_arrays; i++) {
    cubie_array *a = &r->arrays[i];
    free((void *)a->name);
    for (int d = 0; d < a->ndim; d++) free((void *)a->dims[d]);
    free((void *)a->units);
    free((void *)a->long_name);
    free((void *)a->data);
  }
  free(r->arrays);
  free(r->file);
  free(r);
  *results = NULL;
  return CUBIE_OK;
}
