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
 *   TABLE     table[offset + i]: a values list, a per-run table read from a
 *             file, and any design whose values the host computes once per
 *             axis (logspace, whose exp/log the device would not round like
 *             the host's libm);
 *   LINSPACE  start + (stop - start) i / (n - 1), both endpoints exact (a span
 *             beyond DBL_MAX, endpoints near +-DBL_MAX, in halves);
 *   LOGSPACE  exp of a linspace of logs (host only: a kernel never receives
 *             it; the host tabulates it, or decodes the grid itself when the
 *             table would be too large);
 * and the sampled designs, pure functions of (seed, i, dim) — nothing is
 * stored per point, so a 10^9-point design costs no memory and any run
 * decodes alone (sampling.h, sobol.h):
 *   SOBOL     point i of Sobol' dimension dim (scrambled unless option is
 *             0) mapped onto [start, stop);
 *   LATIN_HYPERCUBE  stratum s = a keyed bijection of i over [0, n), plus a
 *             keyed jitter inside it: [start, stop) cut into n strata
 *             B(s) = start + (stop - start) s / n, one point in each;
 *   RANDOM_*  uniform on (start, stop), normal (mean start, sd stop),
 *             lognormal (exp of a normal with mu start, sigma stop).
 * The sampled axes of a grid share one point index (the host gives them one
 * stride and n: they are zipped into one design). A new design is a
 * CUBIE_DESIGN_* number, a case in cubie_grid_axis_point, and the host's
 * mapping from the deck's sweep kind (grid.c: build_axes) — nothing else in
 * the host or the kernels changes. Per-run tables from files are TABLE axes
 * (or, too large for the device, decoded by the host as before).
 *
 * It never allocates, never reads anything but its arguments, and never
 * rounds to the working precision (callers do).
 */
#ifndef CUBIE_GRID_DECODE_H
#define CUBIE_GRID_DECODE_H

#include "types.h"
#include "sampling.h"
#include "sobol.h"

#if CUBIE_ON_DEVICE
#define CUBIE_GRID_FN static __device__ __forceinline__
/* The sampled designs' decoder runs once per run and axis, before the
 * integration: one out-of-line copy keeps its loops out of the kernel's
 * hot code and register allocation. */
#define CUBIE_GRID_SAMPLED_FN static __device__ __noinline__
#else
#include <math.h>
#define CUBIE_GRID_FN static inline
#define CUBIE_GRID_SAMPLED_FN static inline
#endif

/* Axes a kernel's argument block carries (a grid with more is decoded by the host). */
#define CUBIE_GRID_MAX_AXES 16

#define CUBIE_DESIGN_TABLE 0
#define CUBIE_DESIGN_LINSPACE 1
#define CUBIE_DESIGN_LOGSPACE 2 /* host only */
#define CUBIE_DESIGN_SOBOL 3
#define CUBIE_DESIGN_LATIN_HYPERCUBE 4
#define CUBIE_DESIGN_RANDOM_UNIFORM 5
#define CUBIE_DESIGN_RANDOM_NORMAL 6
#define CUBIE_DESIGN_RANDOM_LOGNORMAL 7

typedef struct cubie_grid_axis_desc {
  int kind;         /* CUBIE_DESIGN_* */
  int target;       /* input: state n is n, parameter i is n_states + i */
  int dim;          /* sampled designs: the axis' dimension among its design's axes */
  int option;       /* SOBOL: 1 scrambled, 0 plain */
  cubie_i64 n;      /* values along the axis */
  cubie_i64 stride; /* runs between consecutive values */
  cubie_i64 offset; /* TABLE: where its values start in the table */
  double start, stop; /* RANDOM_NORMAL: mean, sd; RANDOM_LOGNORMAL: mu, sigma */
  cubie_u64 seed;      /* sampled designs: the key of every random choice */
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

/* Point i (0 <= i < n) of a sampled design axis. Every product is divided
 * before it is added (or fused explicitly), so no compiler contracts it. */
CUBIE_GRID_SAMPLED_FN double cubie_grid_sampled_point(const cubie_grid_axis_desc *ax, cubie_i64 i) {
  const cubie_u64 index = (cubie_u64)i;
  const double span = ax->stop - ax->start;
  switch (ax->kind) {
    case CUBIE_DESIGN_SOBOL: {
      cubie_u64 x = cubie_sobol_bits(index, ax->dim);
      if (ax->option) x = cubie_sobol_scramble(x, ax->dim, ax->seed);
      return ax->start + (span * cubie_bits53(x)) / CUBIE_TWO_53;
    }
    case CUBIE_DESIGN_LATIN_HYPERCUBE: {
      const cubie_u64 key =
          cubie_random_bits(ax->seed, 0, CUBIE_STREAM(CUBIE_STREAM_LHS_PERMUTATION, ax->dim), 0, 0);
      const double s = (double)cubie_permute(index, (cubie_u64)ax->n, key);
      const cubie_u64 bits =
          cubie_random_bits(ax->seed, index, CUBIE_STREAM(CUBIE_STREAM_LHS_JITTER, ax->dim), 0, 0);
      const double n = (double)ax->n;
      double t = s + cubie_bits53(bits) / CUBIE_TWO_53; /* in [s, s + 1) unless it rounds up */
      if (!(t < s + 1.0)) t = s;
      const double v = ax->start + (span * t) / n;
      /* the stratum is [B(s), B(s + 1)), both computed as v is */
      return v < ax->start + (span * (s + 1.0)) / n ? v : ax->start + (span * s) / n;
    }
    case CUBIE_DESIGN_RANDOM_UNIFORM: {
      const cubie_u64 bits =
          cubie_random_bits(ax->seed, index, CUBIE_STREAM(CUBIE_STREAM_RANDOM, ax->dim), 0, 0);
      return ax->start + (span * (cubie_bits53(bits) + 0.5)) / CUBIE_TWO_53;
    }
    case CUBIE_DESIGN_RANDOM_NORMAL:
      return fma(ax->stop, cubie_standard_normal(ax->seed, index, CUBIE_STREAM(CUBIE_STREAM_RANDOM, ax->dim)),
                 ax->start);
    default: /* CUBIE_DESIGN_RANDOM_LOGNORMAL */
      return cubie_sampling_exp(fma(
          ax->stop, cubie_standard_normal(ax->seed, index, CUBIE_STREAM(CUBIE_STREAM_RANDOM, ax->dim)),
          ax->start));
  }
}

/* Value i (0 <= i < n) of axis `ax`. */
CUBIE_GRID_FN double cubie_grid_axis_point(const cubie_grid_axis_desc *ax, const double *table,
                                           cubie_i64 i) {
  if (ax->kind == CUBIE_DESIGN_TABLE) return table[ax->offset + i];
  if (ax->kind >= CUBIE_DESIGN_SOBOL) return cubie_grid_sampled_point(ax, i);
  if (ax->n == 1 || i == 0) return ax->start;
  if (i == ax->n - 1) return ax->stop;
  const double steps = (double)(ax->n - 1);
#if !CUBIE_ON_DEVICE
  if (ax->kind == CUBIE_DESIGN_LOGSPACE) {
    const double log_start = log(ax->start), log_stop = log(ax->stop);
    return exp(log_start + (log_stop - log_start) * (double)i / steps);
  }
#endif
  const double span = ax->stop - ax->start;
  if (span <= 1.7976931348623157e308 && span >= -1.7976931348623157e308)
    return ax->start + span * (double)i / steps;
  /* Endpoints near +-DBL_MAX: the span overflows, half of it does not, and
   * start + half f + half f stays between the endpoints all the way. */
  const double half = (ax->stop * 0.5 - ax->start * 0.5) * ((double)i / steps);
  return ax->start + half + half;
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
