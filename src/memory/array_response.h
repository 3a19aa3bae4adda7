/* array_response.h — the memory manager's answer to the queued requests
 * (design.md §4.1): the allocated arrays, the chunk axis, the number of
 * chunks, chunk_length and every chunked array's chunked shape. Array
 * managers copy what concerns their arrays into their managed arrays; this
 * is the one place the chunk decision is read from. It allocates nothing.
 */
#ifndef CUBIE_ARRAY_RESPONSE_H
#define CUBIE_ARRAY_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "memory/array_request.h"

#define CUBIE_MAX_ARRAYS 32

typedef struct cubie_array_allocation {
  char label[CUBIE_LABEL_MAX];
  int ndim;
  long long chunked_shape[CUBIE_MAX_DIMS]; /* shape of one (full-size) chunk */
  bool chunked;                            /* false: allocated whole */
  int chunk_axis_index;                    /* axis the chunks slice; -1 when not chunked */
  void *data;
  size_t bytes;
} cubie_array_allocation;

typedef struct cubie_array_response {
  cubie_chunk_axis chunk_axis;  /* RUN or TIME, never AUTO */
  long long chunks;             /* number of chunks along the chunk axis */
  long long chunk_length;       /* ceil(extent / chunks) */
  long long extent;             /* total_runs (run axis) or save points (time axis) */
  int n_arrays;
  cubie_array_allocation arrays[CUBIE_MAX_ARRAYS];
} cubie_array_response;

/* The allocation labelled `label` in a response, or NULL. */
const cubie_array_allocation *cubie_array_response_find(const cubie_array_response *resp,
                                                        const char *label);

#endif
