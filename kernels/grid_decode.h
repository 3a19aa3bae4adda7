/* grid_decode.h — a run's inputs from its index in the batch grid, written
 * once for the host and the kernels (the common subset of C99 and CUDA C++).
 *
 * The host describes its grid (src/plan/grid.c) as design axes plus one
 * table of doubles, and decodes with these functions (cubie_grid_decode,
 * cubie_grid_axis_value); a kernel receives the same description in its
 * argument block (cubie_chunk_args.grid, at most CUBIE_GRID_MAX_AXES axes,
 * the table in device memory) and decodes its own run with the same
 * functions, so no per-run input array is built or copied for a generated
 * grid, and host and device values agree bit for bit. Everything here is
 * IEEE arithmetic that no compiler may reorder or contract (no a*b+c
 * pattern): a division's result is added, never a product's.
 *
 * Axes combine as the grid says through their strides: axis value index =
 * (run / stride) mod n (combinatorial: the last axis has stride 1 and the
 * others the product of the lengths after them; verbatim: every stride is
 * 1). An input no axis sweeps keeps its default, the table's first entries.
 *
 * Design kinds (how value i of an axis of n is made):
 *   TABLE     table[offset + i]: a values list, and any design whose values
 *             the host computes once per axis (logspace, whose exp/log the
 *             device would not round like the host's libm);
 *   LINSPACE  start + (stop - start) i / (n - 1), both endpoints exact;
 *   LOGSPACE  exp of a linspace of logs (host only: a kernel never receives
 *             it; the host tabulates it, or decodes the grid itself when the
 *             table would be too large).
 * A new design (a counter-based random or Sobol sequence, a Latin
 * hypercube) is a CUBIE_DESIGN_* number, a case in cubie_grid_axis_point,
 * and the host's mapping from the deck's sweep kind (grid.c: describe_axis)
 * — nothing else in the host or the kernels changes. Per-run tables from
 * files are TABLE axes of a verbatim grid (or, too large for the device,
 * decoded by the host as before).
 *
 * It never allocates, never reads anything but its arguments, and never
 * rounds to the working precision (callers do).
 */
#ifndef CUBIE_GRID_DECODE_H
#define CUBIE_GRID_DECODE_H

#include "types.h"

#if CUBIE_ON_DEVICE
#define CUBIE_GRID_FN static __device__ __forceinline__
#else
#include <math.h>
#define CUBIE_GRID_FN static inline
#endif

/* Axes a kernel's argument block carries (a grid with more is decoded by the host). */
#define CUBIE_GRID_MAX_AXES 16

#define CUBIE_DESIGN_TABLE 0
#define CUBIE_DESIGN_LINSPACE 1
#define CUBIE_DESIGN_LOGSPACE 2 /* host only */

typedef struct cubie_grid_axis_desc {
  int kind;         /* CUBIE_DESIGN_* */
  int target;       /* input: state n is n, parameter i is n_states + i */
  cubie_i64 n;      /* values along the axis */
  cubie_i64 stride; /* runs between consecutive values */
  cubie_i64 offset; /* TABLE: where its values start in the table */
  double start, stop;
} cubie_grid_axis_desc;

/* What a kernel decodes its runs from. n_axes < 0: the host filled per-run
 * input arrays instead (cubie_chunk_args.initial_values / parameters). */
typedef struct cubie_grid_desc {
  int n_axes;
  int n_inputs;        /* states + parameters: the table's first entries are their defaults */
  cubie_i64 first_run; /* grid index of the chunk's run 0 */
  const double *table;
  cubie_grid_axis_desc axes[CUBIE_GRID_MAX_AXES];
} cubie_grid_desc;

/* Index along `ax` of grid run `run` (0 <= run < total runs). Unsigned, so
 * even a run outside the grid stays inside the axis. */
CUBIE_GRID_FN cubie_i64 cubie_grid_axis_value_index(const cubie_grid_axis_desc *ax, cubie_i64 run) {
  unsigned long long i = (unsigned long long)run;
  if (ax->stride != 1) i /= (unsigned long long)ax->stride;
  if (i >= (unsigned long long)ax->n) i %= (unsigned long long)ax->n;
  return (cubie_i64)i;
}

/* Value i (0 <= i < n) of axis `ax`. */
CUBIE_GRID_FN double cubie_grid_axis_point(const cubie_grid_axis_desc *ax, const double *table,
                                           cubie_i64 i) {
  if (ax->kind == CUBIE_DESIGN_TABLE) return table[ax->offset + i];
  if (ax->n == 1 || i == 0) return ax->start;
  if (i == ax->n - 1) return ax->stop;
  const double steps = (double)(ax->n - 1);
#if !CUBIE_ON_DEVICE
  if (ax->kind == CUBIE_DESIGN_LOGSPACE) {
    const double log_start = log(ax->start), log_stop = log(ax->stop);
    return exp(log_start + (log_stop - log_start) * (double)i / steps);
  }
#endif
  return ax->start + (ax->stop - ax->start) * (double)i / steps;
}

/* Value of axis `ax` in grid run `run`. */
CUBIE_GRID_FN double cubie_grid_axis_run_value(const cubie_grid_axis_desc *ax, const double *table,
                                               cubie_i64 run) {
  return cubie_grid_axis_point(ax, table, cubie_grid_axis_value_index(ax, run));
}

/* Input `input` (state n: n; parameter i: n_states + i) of grid run `run`:
 * its axis' value, or its default. */
CUBIE_GRID_FN double cubie_grid_input(const cubie_grid_axis_desc *axes, int n_axes,
                                      const double *table, int input, cubie_i64 run) {
  double v = table[input];
  for (int a = 0; a < n_axes; a++)
    if (axes[a].target == input) v = cubie_grid_axis_run_value(&axes[a], table, run);
  return v;
}

#endif
