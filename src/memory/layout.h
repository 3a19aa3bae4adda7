/* layout.h — where an element of a block of results lives, and the reorder
 * from the device's layout to the file's.
 *
 * A block is `outer` variables × n_runs × n_time values. The file (and the
 * CPU kernel) lays it out [outer][run][time]; a GPU kernel writes
 * [outer][time][run] so that neighbouring threads (runs) write neighbouring
 * addresses. Pure arithmetic on memory the caller owns: no allocation, no
 * device, no timing. A device that reorders results itself
 * (backend reorder_async) never needs the host's transpose; it is the
 * fallback for one that cannot.
 */
#ifndef CUBIE_LAYOUT_H
#define CUBIE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/types.h"

/* Element strides of an [outer][run][time] block (run_fastest false) or an
 * [outer][time][run] one (true) of n_runs × n_time. */
void cubie_block_strides(bool run_fastest, long long n_runs, long long n_time, cubie_i64 *outer,
                         cubie_i64 *run, cubie_i64 *time);

/* [outer][rows][cols] -> [outer][cols][rows] of `element_size`-byte values
 * (4 or 8); dst and src do not overlap. One row or one column is already in
 * order: a plain copy. Cache-blocked (32 x 32 tiles) and, for blocks of a
 * million elements or more, spread over up to 8 threads. */
void cubie_transpose(void *dst, const void *src, long long outer, long long rows, long long cols,
                     size_t element_size);

#endif
