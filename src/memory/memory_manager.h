/* memory_manager.h — one rank's local memory manager: decides how the
 * rank's share of runs fits in memory, and chunks it along the run axis or
 * the time axis (design.md §4.1–4.2).
 *
 * Array managers queue ArrayRequests; allocate_queue reads total_runs from
 * the queued requests only (never from whoever queued them), resolves the
 * chunk axis once, picks the number of chunks from the memory budget,
 * allocates every array at its chunked size and answers with one
 * ArrayResponse. Only DEVICE requests count against the budget (on the CPU
 * backend that is host memory); PINNED/HOST mirrors are sized alike but not
 * counted. The manager owns what it allocates until it is destroyed.
 */
#ifndef CUBIE_MEMORY_MANAGER_H
#define CUBIE_MEMORY_MANAGER_H

#include "memory/array_response.h"

typedef int (*cubie_alloc_fn)(void *ctx, cubie_memory_kind kind, size_t bytes, void **ptr);
typedef void (*cubie_release_fn)(void *ctx, cubie_memory_kind kind, void *ptr);

typedef struct cubie_memory_manager cubie_memory_manager;

/* `budget` bytes of DEVICE memory may be used (> 0). alloc/release may be
 * NULL to plan without allocating (cubie check, tests). */
int cubie_memory_manager_create(size_t budget, cubie_alloc_fn alloc, cubie_release_fn release,
                                void *ctx, cubie_memory_manager **out);
void cubie_memory_manager_destroy(cubie_memory_manager **mm);

int cubie_memory_manager_queue(cubie_memory_manager *mm, const cubie_array_request *request);
int cubie_memory_manager_queue_length(const cubie_memory_manager *mm);

/* Decide and allocate. An empty queue returns CUBIE_OK at once and leaves
 * *resp untouched. Errors: no request carries total_runs; requests disagree
 * on total_runs (naming both); a run-axis extent that is not total_runs;
 * `axis` RUN when one run does not fit; nothing fits even one save point at
 * a time. The queue is empty afterwards. */
int cubie_memory_manager_allocate_queue(cubie_memory_manager *mm, cubie_chunk_axis axis,
                                        cubie_array_response *resp);

/* Bytes one chunk of the planned arrays needs (for `cubie check`). */
size_t cubie_memory_manager_last_chunk_bytes(const cubie_memory_manager *mm);

#endif
