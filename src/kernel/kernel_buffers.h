/* kernel_buffers.h — the scratch buffers cubie's kernels declare, entered
 * into a buffer registry.
 *
 * Mirrors the list in kernels/buffers.h: owner `loop` (the per-run loop,
 * kernels/run.h) and its child `step` (the step algorithm). Registers them
 * with their sizes for one job, applies the deck's `buffers:` section and
 * then the default placement heuristic. It also writes preprocessor checks
 * that make the kernel compilation fail loudly if a kernel header declares a
 * buffer with another size than the one registered here (a stale mirror
 * would otherwise corrupt shared memory silently).
 */
#ifndef CUBIE_KERNEL_BUFFERS_H
#define CUBIE_KERNEL_BUFFERS_H

#include <stddef.h>

#include "kernel/buffer_registry.h"
#include "deck/config.h"
#include "util/strbuf.h"

/* The sizes the buffers depend on. */
typedef struct cubie_kernel_dims {
  int n_states, n_parameters, n_outputs, n_metrics;
  int stages;       /* stage derivatives the step keeps (CUBIE_RK_STAGES) */
  size_t real_size; /* bytes per element: 4 or 8 */
} cubie_kernel_dims;

/* A registry holding every kernel buffer; `cfg` (may be NULL) supplies the
 * `buffers:` section. Unknown names there are CUBIE_ERR_INPUT at their deck
 * position. */
int cubie_kernel_buffers_create(const cubie_kernel_dims *dims, const cubie_config *cfg,
                                cubie_buffer_registry **out);

/* #if/#error lines comparing each registered size with the kernels' own
 * expression; they belong after the kernel headers (before the entry). */
int cubie_kernel_buffers_checks(cubie_buffer_registry *reg, cubie_strbuf *out);

#endif
