/* kernel_buffers.h — the scratch buffers cubie's kernels declare, entered
 * into a buffer registry.
 *
 * The buffers are the rows of kernels/buffers.def: the loop's always, a step
 * family's when one of its methods is selected (its owner then also answers
 * to `step` in the deck), a linear solver's when an implicit method uses it. Registers them with their sizes for one job,
 * applies the deck's `buffers:` section and then the default placement
 * heuristic. It also writes preprocessor checks that make the kernel
 * compilation fail loudly if the kernels size a buffer differently from the
 * host (the same buffers.def expression evaluated with other dimensions
 * would otherwise corrupt shared memory silently).
 */
#ifndef CUBIE_KERNEL_BUFFERS_H
#define CUBIE_KERNEL_BUFFERS_H

#include <stddef.h>

#include "kernel/buffer_registry.h"
#include "deck/config.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/strbuf.h"

/* The sizes the buffers depend on. */
typedef struct cubie_kernel_dims {
  int n_states, n_parameters, n_outputs;
  int accumulators;                       /* summary accumulators per run (all items) */
  const cubie_algorithm_info *algorithm;  /* its family's buffers and stage count */
  const char *linear_solver;              /* "DENSE": its LINSOLVE_DENSE rows; NULL: none */
  int jacobian_nnz;                       /* J's structural non-zeros (CUBIE_JAC_NNZ) */
  int sparse_lu_nnz;                      /* the sparse LU's entries (CUBIE_SPARSE_LU_NNZ); 0: none */
  size_t real_size;                       /* bytes per element: 4 or 8 */
} cubie_kernel_dims;

/* The dimensions of a job's kernel. */
void cubie_kernel_dims_of(const cubie_plan *plan, const cubie_model *model, cubie_kernel_dims *dims);

/* A registry holding every kernel buffer; `cfg` (may be NULL) supplies the
 * `buffers:` section. Unknown names there are CUBIE_ERR_INPUT at their deck
 * position. */
int cubie_kernel_buffers_create(const cubie_kernel_dims *dims, const cubie_config *cfg,
                                cubie_buffer_registry **out);

/* #if/#error lines comparing each registered size with the kernels' own
 * expression; they belong after the kernel headers (before the entry). */
int cubie_kernel_buffers_checks(cubie_buffer_registry *reg, cubie_strbuf *out);

#endif
