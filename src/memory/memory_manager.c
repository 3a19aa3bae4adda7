/* memory_manager.c — chunk planning and allocation (see memory_manager.h). */
#include "memory/memory_manager.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

typedef struct owned_allocation {
  void *ptr;
  cubie_memory_kind kind;
} owned_allocation;

struct cubie_memory_manager {
  size_t budget;
  cubie_alloc_fn alloc;
  cubie_release_fn release;
  void *ctx;
  cubie_array_request queue[CUBIE_MAX_ARRAYS];
  int n_queued;
  owned_allocation *owned;
  int n_owned;
  size_t cap_owned;
  size_t last_chunk_bytes;
};

int cubie_memory_manager_create(size_t budget, cubie_alloc_fn alloc, cubie_release_fn release,
                                void *ctx, cubie_memory_manager **out) {
  *out = NULL;
  CUBIE_CHECK(budget > 0, CUBIE_ERR_INTERNAL, "memory manager: the budget must be positive");
  cubie_memory_manager *mm = calloc(1, sizeof *mm);
  CUBIE_CHECK(mm, CUBIE_ERR_MEMORY, "out of memory");
  mm->budget = budget;
  mm->alloc = alloc;
  mm->release = release;
  mm->ctx = ctx;
  *out = mm;
  return CUBIE_OK;
}

static void release_from(cubie_memory_manager *mm, int first) {
  for (int i = mm->n_owned - 1; i >= first; i--)
    if (mm->release) mm->release(mm->ctx, mm->owned[i].kind, mm->owned[i].ptr);
  mm->n_owned = first;
}

void cubie_memory_manager_destroy(cubie_memory_manager **mm) {
  if (!mm || !*mm) return;
  release_from(*mm, 0);
  free((*mm)->owned);
  free(*mm);
  *mm = NULL;
}

int cubie_memory_manager_queue(cubie_memory_manager *mm, const cubie_array_request *request) {
  CUBIE_CHECK(mm->n_queued < CUBIE_MAX_ARRAYS, CUBIE_ERR_INTERNAL,
              "memory manager: more than %d arrays queued", CUBIE_MAX_ARRAYS);
  for (int i = 0; i < mm->n_queued; i++)
    CUBIE_CHECK(strcmp(mm->queue[i].label, request->label) != 0, CUBIE_ERR_INTERNAL,
                "memory manager: array '%s' queued twice", request->label);
  mm->queue[mm->n_queued++] = *request;
  return CUBIE_OK;
}

int cubie_memory_manager_queue_length(const cubie_memory_manager *mm) { return mm->n_queued; }

size_t cubie_memory_manager_last_chunk_bytes(const cubie_memory_manager *mm) {
  return mm->last_chunk_bytes;
}

/* total_runs comes from the requests alone: the first that carries one sets
 * it, every other must agree, and at least one must carry it. */
static int extract_total_runs(const cubie_memory_manager *mm, long long *total_runs) {
  int first = -1;
  for (int i = 0; i < mm->n_queued; i++) {
    const cubie_array_request *r = &mm->queue[i];
    if (!r->has_total_runs) continue;
    if (first < 0) {
      first = i;
      continue;
    }
    CUBIE_CHECK(r->total_runs == mm->queue[first].total_runs, CUBIE_ERR_INTERNAL,
                "array requests disagree on total_runs: '%s' has %lld, '%s' has %lld",
                mm->queue[first].label, mm->queue[first].total_runs, r->label, r->total_runs);
  }
  if (first < 0) {
    char labels[512] = "";
    for (int i = 0; i < mm->n_queued && strlen(labels) < 400; i++) {
      strcat(labels, i ? ", " : "");
      strcat(labels, mm->queue[i].label);
    }
    return CUBIE_RAISE(CUBIE_ERR_INTERNAL,
                       "no array request carries total_runs, so the runs cannot be chunked "
                       "(queued: %s)",
                       labels);
  }
  *total_runs = mm->queue[first].total_runs;
  return CUBIE_OK;
}

/* Shape of request `r` when the chunk axis holds `length` of `extent`.
 * Returns whether the array is sliced along that axis. Arrays whose time
 * axis is shorter than the save grid (summary windows) are cut in
 * proportion, plus one for a window that straddles a chunk boundary. */
static bool chunked_shape(const cubie_array_request *r, cubie_chunk_axis axis, long long length,
                          long long extent, long long shape[CUBIE_MAX_DIMS], int *axis_index) {
  memcpy(shape, r->shape, sizeof r->shape);
  *axis_index = -1;
  if (r->unchunkable) return false;
  if (axis == CUBIE_CHUNK_AXIS_RUN && r->run_axis >= 0) {
    *axis_index = r->run_axis;
    if (length < shape[r->run_axis]) shape[r->run_axis] = length;
    return true;
  }
  if (axis == CUBIE_CHUNK_AXIS_TIME && r->time_axis >= 0) {
    long long t = shape[r->time_axis], scaled;
    long long len = t == extent ? length
                    : __builtin_mul_overflow(t, length, &scaled) || scaled > LLONG_MAX - extent
                        ? t /* no cut: the whole axis */
                        : (scaled + extent - 1) / extent + 1;
    if (len < t) shape[r->time_axis] = len;
    *axis_index = r->time_axis;
    return true;
  }
  return false;
}

/* DEVICE bytes of every queued array for a chunk of `length`. */
static size_t chunk_bytes(const cubie_memory_manager *mm, cubie_chunk_axis axis, long long length,
                          long long extent) {
  size_t total = 0;
  for (int i = 0; i < mm->n_queued; i++) {
    const cubie_array_request *r = &mm->queue[i];
    if (r->memory != CUBIE_MEMORY_DEVICE) continue;
    long long shape[CUBIE_MAX_DIMS];
    int ax;
    chunked_shape(r, axis, length, extent, shape, &ax);
    size_t bytes = cubie_array_bytes(r->dtype, r->ndim, shape);
    if (__builtin_add_overflow(total, bytes, &total)) return SIZE_MAX; /* saturate */
  }
  return total;
}

/* Largest length in [1, extent] whose chunk fits the budget (chunk bytes
 * grow with length); the caller has checked that length 1 fits. */
static long long largest_fitting(const cubie_memory_manager *mm, cubie_chunk_axis axis,
                                 long long extent) {
  long long lo = 1, hi = extent;
  while (lo < hi) {
    long long mid = lo + (hi - lo + 1) / 2;
    if (chunk_bytes(mm, axis, mid, extent) <= mm->budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

static int decide(cubie_memory_manager *mm, cubie_chunk_axis axis, long long total_runs,
                  long long time_extent, cubie_array_response *resp) {
  bool one_run_fits = chunk_bytes(mm, CUBIE_CHUNK_AXIS_RUN, 1, total_runs) <= mm->budget;
  if (axis == CUBIE_CHUNK_AXIS_AUTO)
    axis = (one_run_fits || time_extent == 0) ? CUBIE_CHUNK_AXIS_RUN : CUBIE_CHUNK_AXIS_TIME;
  long long extent = axis == CUBIE_CHUNK_AXIS_RUN ? total_runs : time_extent;
  CUBIE_CHECK(axis == CUBIE_CHUNK_AXIS_RUN || time_extent > 0, CUBIE_ERR_INTERNAL,
              "chunking along time, but no array has a time axis");
  long long chunks = 1;
  if (chunk_bytes(mm, axis, extent, extent) > mm->budget) {
    if (axis == CUBIE_CHUNK_AXIS_RUN)
      CUBIE_CHECK(one_run_fits, CUBIE_ERR_INPUT,
                  "one run's whole trajectory needs %zu bytes but the memory budget is %zu "
                  "bytes; chunk along time instead (run.chunk_axis: time or auto) or raise "
                  "run.memory_limit",
                  chunk_bytes(mm, axis, 1, extent), mm->budget);
    else
      CUBIE_CHECK(chunk_bytes(mm, axis, 1, extent) <= mm->budget, CUBIE_ERR_INPUT,
                  "%lld runs need %zu bytes even one save point at a time, but the memory "
                  "budget is %zu bytes; use more ranks or raise run.memory_limit",
                  total_runs, chunk_bytes(mm, axis, 1, extent), mm->budget);
    long long fit = largest_fitting(mm, axis, extent);
    chunks = (extent + fit - 1) / fit;
  }
  resp->chunk_axis = axis;
  resp->chunks = chunks;
  resp->chunk_length = (extent + chunks - 1) / chunks;
  resp->extent = extent;
  return CUBIE_OK;
}

int cubie_memory_manager_allocate_queue(cubie_memory_manager *mm, cubie_chunk_axis axis,
                                        cubie_array_response *resp) {
  if (mm->n_queued == 0) return CUBIE_OK;
  long long total_runs = 0, time_extent = 0;
  int rc = extract_total_runs(mm, &total_runs);
  for (int i = 0; !rc && i < mm->n_queued; i++) {
    const cubie_array_request *r = &mm->queue[i];
    if (!r->unchunkable && r->run_axis >= 0 && r->shape[r->run_axis] != total_runs)
      rc = CUBIE_RAISE(CUBIE_ERR_INTERNAL,
                       "array '%s' spans %lld runs along its run axis but total_runs is %lld",
                       r->label, r->shape[r->run_axis], total_runs);
    if (r->time_axis >= 0 && r->shape[r->time_axis] > time_extent)
      time_extent = r->shape[r->time_axis];
  }
  cubie_array_response decided;
  memset(&decided, 0, sizeof decided);
  if (!rc) rc = decide(mm, axis, total_runs, time_extent, &decided);
  int first_owned = mm->n_owned;
  for (int i = 0; !rc && i < mm->n_queued; i++) {
    const cubie_array_request *r = &mm->queue[i];
    cubie_array_allocation *a = &decided.arrays[decided.n_arrays++];
    snprintf(a->label, sizeof a->label, "%s", r->label);
    a->ndim = r->ndim;
    a->chunked = chunked_shape(r, decided.chunk_axis, decided.chunk_length, decided.extent,
                               a->chunked_shape, &a->chunk_axis_index);
    a->bytes = cubie_array_bytes(r->dtype, r->ndim, a->chunked_shape);
    if (!mm->alloc) continue;
    rc = CUBIE_GROW(mm->owned, mm->n_owned + 1, mm->cap_owned, "the list of allocations");
    if (rc) break;
    rc = mm->alloc(mm->ctx, r->memory, a->bytes, &a->data);
    if (rc) {
      cubie_error_prefix("allocating '%s' (%zu bytes): ", r->label, a->bytes);
      break;
    }
    mm->owned[mm->n_owned].ptr = a->data;
    mm->owned[mm->n_owned].kind = r->memory;
    mm->n_owned++;
  }
  if (rc) {
    release_from(mm, first_owned);
  } else {
    mm->last_chunk_bytes =
        chunk_bytes(mm, decided.chunk_axis, decided.chunk_length, decided.extent);
    *resp = decided;
  }
  mm->n_queued = 0;
  return rc;
}
