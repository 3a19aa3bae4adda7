/* managed_array.c — chunk metadata and slicing (see managed_array.h). */
#include "memory/managed_array.h"

#include <string.h>

#include "util/error.h"

void cubie_managed_array_init(cubie_managed_array *a, const cubie_array_request *request) {
  memset(a, 0, sizeof *a);
  a->request = *request;
  a->chunk_axis_index = -1;
  memcpy(a->chunked_shape, request->shape, sizeof a->chunked_shape);
}

void cubie_managed_array_apply(cubie_managed_array *a, const cubie_array_response *resp) {
  const cubie_array_allocation *alloc = cubie_array_response_find(resp, a->request.label);
  if (!alloc) return;
  a->data = alloc->data;
  memcpy(a->chunked_shape, alloc->chunked_shape, sizeof a->chunked_shape);
  if (!alloc->chunked) return;
  a->has_chunks = true;
  a->num_chunks = resp->chunks;
  a->chunk_length = alloc->chunked_shape[alloc->chunk_axis_index];
  a->chunk_axis_index = alloc->chunk_axis_index;
}

size_t cubie_managed_array_bytes(const cubie_managed_array *a) {
  return cubie_array_bytes(a->request.dtype, a->request.ndim, a->chunked_shape);
}

int cubie_managed_array_chunk_slice(const cubie_managed_array *a, long long k,
                                    cubie_array_slice *slice) {
  memset(slice, 0, sizeof *slice);
  slice->ndim = a->request.ndim;
  memcpy(slice->shape, a->request.shape, sizeof slice->shape);
  if (!a->has_chunks) return CUBIE_OK;
  CUBIE_CHECK(k >= 0 && k < a->num_chunks, CUBIE_ERR_INTERNAL,
              "array '%s': chunk %lld out of range (0..%lld)", a->request.label, k,
              a->num_chunks - 1);
  int ax = a->chunk_axis_index;
  long long extent = a->request.shape[ax];
  long long start = k * a->chunk_length;
  long long len = extent - start < a->chunk_length ? extent - start : a->chunk_length;
  CUBIE_CHECK(len > 0, CUBIE_ERR_INTERNAL, "array '%s': chunk %lld is empty", a->request.label, k);
  slice->start[ax] = start;
  slice->shape[ax] = len;
  return CUBIE_OK;
}
