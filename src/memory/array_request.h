/* array_request.h — how an array manager asks for memory (design.md §4.1;
 * the answer is array_response.h).
 *
 * An ArrayRequest describes one array: label, shape, dtype, memory kind,
 * which axis is its run axis and which its time axis, whether it can be
 * chunked at all, and — carried by the request itself — the total number of
 * runs it spans. Arrays that are not chunked along runs (unchunkable ones,
 * e.g. driver coefficients shared by every run) carry no total_runs. The
 * memory manager never looks beyond the requests for that number.
 *
 * This header only describes; it allocates nothing.
 */
#ifndef CUBIE_ARRAY_REQUEST_H
#define CUBIE_ARRAY_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "deck/config.h"

#define CUBIE_MAX_DIMS 4
#define CUBIE_LABEL_MAX 48

typedef enum cubie_dtype {
  CUBIE_DTYPE_FLOAT32 = 0,
  CUBIE_DTYPE_FLOAT64,
  CUBIE_DTYPE_UINT32,
  CUBIE_DTYPE_INT64,
  CUBIE_DTYPE_UINT64
} cubie_dtype;

size_t cubie_dtype_size(cubie_dtype t);

typedef struct cubie_array_request {
  char label[CUBIE_LABEL_MAX];
  int ndim;
  long long shape[CUBIE_MAX_DIMS];
  cubie_dtype dtype;
  cubie_memory_kind memory;
  int run_axis;          /* axis indexing runs; -1: none */
  int time_axis;         /* axis indexing save points (or summary windows); -1: none */
  bool unchunkable;      /* never sliced: allocated whole */
  bool has_total_runs;   /* false: "none" */
  long long total_runs;  /* meaningful only when has_total_runs */
} cubie_array_request;

/* Fill a request. `total_runs` is NULL for "none"; a value <= 0 is rejected
 * (CUBIE_ERR_INTERNAL: a request is built by code, not by users), as are an
 * unchunkable request that carries total_runs, axes out of range and
 * non-positive extents. */
int cubie_array_request_init(cubie_array_request *r, const char *label, cubie_dtype dtype,
                             cubie_memory_kind memory, int ndim, const long long *shape,
                             int run_axis, int time_axis, bool unchunkable,
                             const long long *total_runs);
/* Bytes of an array of `ndim` extents `shape` holding `dtype`. */
size_t cubie_array_bytes(cubie_dtype dtype, int ndim, const long long *shape);

#endif
