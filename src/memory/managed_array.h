/* managed_array.h — an array an array manager owns, with the chunk
 * metadata it copied from the memory manager's response.
 *
 * Until a response arrives a managed array has no chunk metadata: it
 * reports "none" (has_chunks == false; num_chunks is not 1) and its chunk
 * slice is the whole array. Afterwards chunk_slice(k) is the k-th slice
 * along the chunk axis: chunk_length elements for chunks 0..n-2 and the
 * remainder for the last (the "dangling" chunk).
 */
#ifndef CUBIE_MANAGED_ARRAY_H
#define CUBIE_MANAGED_ARRAY_H

#include <stdbool.h>

#include "memory/array_response.h"

typedef struct cubie_managed_array {
  cubie_array_request request;   /* full (unchunked) shape */
  void *data;                    /* this rank's allocation (chunk-sized when chunked) */
  bool has_chunks;               /* false: no metadata yet ("none") */
  long long num_chunks;
  long long chunk_length;
  int chunk_axis_index;
  long long chunked_shape[CUBIE_MAX_DIMS];
} cubie_managed_array;

typedef struct cubie_array_slice {
  int ndim;
  long long start[CUBIE_MAX_DIMS];
  long long shape[CUBIE_MAX_DIMS];
} cubie_array_slice;

void cubie_managed_array_init(cubie_managed_array *a, const cubie_array_request *request);
/* Copy the response's decision for this array (matched by label): data,
 * num_chunks, chunk_length, chunk axis, chunked shape. Arrays the response
 * does not slice keep "none". */
void cubie_managed_array_apply(cubie_managed_array *a, const cubie_array_response *resp);
/* Bytes of one chunk of the array (of the whole array without metadata). */
size_t cubie_managed_array_bytes(const cubie_managed_array *a);
/* The k-th chunk's slice of the full array (0 <= k < num_chunks); with no
 * metadata, the whole array for any k. */
int cubie_managed_array_chunk_slice(const cubie_managed_array *a, long long k,
                                    cubie_array_slice *slice);

#endif
