/* chunk_arrays.h — every array one rank's chunks use, and the one chunking
 * decision they were sized by.
 *
 * The four array managers (inputs, outputs, summaries, records) describe
 * whole arrays; one memory manager decides the chunk axis, the number of
 * chunks and chunk_length, allocates, and answers with its response; each
 * manager copies the decision into its managed arrays. Whatever the run
 * loop needs to know about the chunking — runs per piece, time windows, a
 * window's save points and summary windows — is read back here from those
 * arrays and that response, never kept in a copy (design.md §4.2). It
 * allocates only through the callbacks it is given; no MPI, no files.
 */
#ifndef CUBIE_CHUNK_ARRAYS_H
#define CUBIE_CHUNK_ARRAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "memory/array_manager.h"
#include "memory/memory_manager.h"
#include "plan/plan.h"

typedef struct cubie_chunk_arrays {
  cubie_input_arrays inputs;
  cubie_output_arrays outputs;
  cubie_summary_arrays summaries;
  cubie_record_arrays records;
  cubie_memory_manager *mm;      /* owns the allocations */
  cubie_array_response response; /* the decision, as the memory manager gave it */
} cubie_chunk_arrays;

/* What one work item (a piece of runs × a time window) occupies in the
 * arrays. */
typedef struct cubie_item_extent {
  int buffer;         /* output buffer set */
  long long n;        /* runs; 0: an item with nothing in it (an empty collective write) */
  long long k0, k1;   /* save points [k0, k1) */
  long long s0, s1;   /* summary windows completed in [k0, k1) */
} cubie_item_extent;

/* Size every array for `layout` (with `persist_fields` doubles per run
 * carried between windows) and let a memory manager with `budget` bytes
 * decide along `axis`; it allocates through alloc/release/ctx, or only
 * plans when alloc is NULL. `a` must be zeroed or freed. Not to be copied
 * afterwards (the managers' handles point into it). */
int cubie_chunk_arrays_plan(cubie_chunk_arrays *a, const cubie_plan *p, int n_states,
                            int n_parameters, const cubie_array_layout *layout,
                            int persist_fields, cubie_chunk_axis axis, size_t budget,
                            cubie_alloc_fn alloc, cubie_release_fn release, void *ctx);
/* Release every allocation and zero `a`. */
void cubie_chunk_arrays_free(cubie_chunk_arrays *a);

/* The most runs one piece (one launch, one hyperslab) holds: the chunked
 * run extent of the saved outputs. */
long long cubie_chunk_arrays_piece_runs(const cubie_chunk_arrays *a);
/* Chunks along the run axis (1 when the time axis is chunked). */
long long cubie_chunk_arrays_run_chunks(const cubie_chunk_arrays *a);
/* Time windows per piece (1 when the run axis is chunked). */
long long cubie_chunk_arrays_windows(const cubie_chunk_arrays *a);
/* The save points of window `win` (all of them when the run axis is
 * chunked), from the chunk slice of the saved outputs, and the summary
 * windows they complete (p->summary_every save points each); sets k0, k1,
 * s0, s1 of *e. */
int cubie_chunk_arrays_window(const cubie_chunk_arrays *a, const cubie_plan *p, long long win,
                              cubie_item_extent *e);
/* Device bytes of one chunk of every array (what `cubie check` reports). */
size_t cubie_chunk_arrays_chunk_bytes(const cubie_chunk_arrays *a);
/* Zero every array the host can reach (`device_is_host`: all of them):
 * write-only benchmarks write buffers no kernel filled. */
void cubie_chunk_arrays_clear_host(cubie_chunk_arrays *a, bool device_is_host);

#endif
