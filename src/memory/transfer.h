/* transfer.h — moving one rank's data between the host, the device arrays
 * and the file's layout: the seam the run loop calls for everything that is
 * not launching a kernel or writing the file.
 *
 *   fill_inputs       a piece's inputs: nothing when the kernel decodes its
 *                     runs from the grid's table (copied to the device once,
 *                     at create); else decode the grid into the host-side
 *                     input arrays and copy them to the device;
 *   piece/item_args   the kernel's pointers and strides for a piece and one
 *                     of its windows;
 *   results_to_host   an item's saves and summaries in the file's layout:
 *                     reordered on the device (backend reorder_async) and
 *                     copied with one contiguous copy per block into the
 *                     pinned host mirrors, on the copy stream, while the
 *                     next item's kernel runs; where a device cannot
 *                     reorder, copied back and reordered by the host;
 *   records_to_host   a piece's status, counters and swept values, staged
 *                     per buffer set for the writer;
 *   host_results      what the writer writes for a buffer set.
 *
 * The copy of a piece's
 * inputs happens before its first launch, so inputs may be refilled as soon
 * as every kernel reading them has finished. It never writes the file,
 * never calls MPI and never decides chunking (that is chunk_arrays.h's).
 */
#ifndef CUBIE_TRANSFER_H
#define CUBIE_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "memory/chunk_arrays.h"
#include "plan/job.h"

/* A piece's per-run records on the host, as the file wants them. */
typedef struct cubie_staged_records {
  unsigned int *status;   /* [run] */
  unsigned long long *counters; /* [counter][run] */
  double *inputs;         /* [axis][run] swept values */
} cubie_staged_records;

/* An item's results on the host, in the file's layout. */
typedef struct cubie_host_results {
  const void *saves;      /* [output][run][save point] */
  const void *summaries;  /* [output × metric][run][summary window]; NULL without summaries */
  const cubie_staged_records *records;
} cubie_host_results;

typedef struct cubie_transfer {
  const cubie_job *job;
  cubie_backend *backend;
  cubie_chunk_arrays *arrays;
  double *seconds;       /* where host <-> device copy and reorder time is added */
  bool to_host;          /* results come back (false: calibration, inputs only) */
  void *reorder;         /* run-fastest devices without a device reorder: one chunk */
  cubie_memory_kind staged_kind; /* pinned where device memory is not host memory */
  cubie_staged_records staged[CUBIE_MAX_BUFFER_SETS];
} cubie_transfer;

/* Ready `t` for the chunk arrays `arrays` (already planned and allocated).
 * `to_host` false: only inputs and kernel arguments (nothing is allocated).
 * Copy and reorder time is added to *seconds. */
int cubie_transfer_create(cubie_transfer *t, const cubie_job *job, cubie_backend *backend,
                          cubie_chunk_arrays *arrays, bool to_host, double *seconds);
void cubie_transfer_free(cubie_transfer *t);

/* Decode runs [start, start + n) into the input arrays and copy them to
 * the device. Every kernel that read the previous inputs has finished. */
int cubie_transfer_fill_inputs(cubie_transfer *t, long long start, long long n);
/* The kernel arguments of a piece of n runs starting at grid run `start`:
 * the plan's scalars, the grid description or per-run inputs, records and
 * persisted state with their strides. */
void cubie_transfer_piece_args(const cubie_transfer *t, cubie_chunk_args *args, long long start,
                               long long n);
/* Point `args` at item `e`'s window and output buffer set, with strides. */
void cubie_transfer_item_args(const cubie_transfer *t, cubie_chunk_args *args,
                              const cubie_item_extent *e);
/* Bring item `e`'s saves (and summaries) to the host in the file's layout;
 * its kernel has finished. The copies run on the copy stream, beside the
 * next kernel. */
int cubie_transfer_results_to_host(cubie_transfer *t, const cubie_item_extent *e);
/* Stage the records of the piece item `e` ends (its last window; before
 * anything reuses the device's status) into buffer set e->buffer, and
 * count its failed runs into *failed. */
int cubie_transfer_records_to_host(cubie_transfer *t, const cubie_item_extent *e,
                                   long long *failed);
/* What buffer set `buffer` holds for the writer. */
void cubie_transfer_host_results(const cubie_transfer *t, int buffer, cubie_host_results *out);

#endif
