/* array_request.c — validating requests (see array_request.h). */
#include "memory/array_request.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"

size_t cubie_dtype_size(cubie_dtype t) {
  switch (t) {
    case CUBIE_DTYPE_FLOAT32: return 4;
    case CUBIE_DTYPE_FLOAT64: return 8;
    case CUBIE_DTYPE_UINT32: return 4;
    case CUBIE_DTYPE_INT64: return 8;
    case CUBIE_DTYPE_UINT64: return 8;
  }
  return 0;
}

int cubie_array_request_init(cubie_array_request *r, const char *label, cubie_dtype dtype,
                             cubie_memory_kind memory, int ndim, const long long *shape,
                             int run_axis, int time_axis, bool unchunkable,
                             const long long *total_runs) {
  memset(r, 0, sizeof *r);
  CUBIE_CHECK(label && strlen(label) < CUBIE_LABEL_MAX, CUBIE_ERR_INTERNAL,
              "array request: label missing or longer than %d characters", CUBIE_LABEL_MAX - 1);
  CUBIE_CHECK(ndim >= 1 && ndim <= CUBIE_MAX_DIMS, CUBIE_ERR_INTERNAL,
              "array request '%s': %d dimensions (1..%d allowed)", label, ndim, CUBIE_MAX_DIMS);
  CUBIE_CHECK(run_axis >= -1 && run_axis < ndim && time_axis >= -1 && time_axis < ndim &&
                  (run_axis < 0 || run_axis != time_axis),
              CUBIE_ERR_INTERNAL, "array request '%s': bad run axis %d / time axis %d", label,
              run_axis, time_axis);
  for (int i = 0; i < ndim; i++)
    CUBIE_CHECK(shape[i] >= 1, CUBIE_ERR_INTERNAL,
                "array request '%s': extent %lld on axis %d (must be >= 1)", label, shape[i], i);
  if (total_runs) {
    CUBIE_CHECK(*total_runs >= 1, CUBIE_ERR_INTERNAL,
                "array request '%s': total_runs must be a positive integer, not %lld", label,
                *total_runs);
    CUBIE_CHECK(!unchunkable, CUBIE_ERR_INTERNAL,
                "array request '%s': an unchunkable array carries no total_runs", label);
  }
  snprintf(r->label, sizeof r->label, "%s", label);
  r->ndim = ndim;
  memcpy(r->shape, shape, (size_t)ndim * sizeof *shape);
  r->dtype = dtype;
  r->memory = memory;
  r->run_axis = run_axis;
  r->time_axis = time_axis;
  r->unchunkable = unchunkable;
  r->has_total_runs = total_runs != NULL;
  r->total_runs = total_runs ? *total_runs : 0;
  return CUBIE_OK;
}

size_t cubie_array_bytes(cubie_dtype dtype, int ndim, const long long *shape) {
  size_t n = cubie_dtype_size(dtype);
  for (int i = 0; i < ndim; i++) n *= (size_t)shape[i];
  return n;
}
