/* grid.h — the batch grid: which inputs each run gets.
 *
 * A grid is a set of sweep axes over states' initial values and parameters
 * (values / linspace / logspace), combined as a Cartesian product
 * (combinatorial: the last-listed axis varies fastest) or zipped (verbatim:
 * all axes have the same length). A run's inputs are decoded from its index
 * on demand, so a 10^9-run grid costs no memory. Everything not swept keeps
 * the deck's default value. The grid never allocates per-run storage.
 */
#ifndef CUBIE_GRID_H
#define CUBIE_GRID_H

#include <stdbool.h>

#include "deck/config.h"
#include "kernels/grid_decode.h"
#include "model/model.h"

typedef struct cubie_grid cubie_grid;

/* Validate the sweeps against the model (unknown names with suggestions,
 * constants or observables cannot be swept, an axis swept twice, empty or
 * mismatched axes, logspace with non-positive endpoints, total runs
 * overflowing 2^62) and build the grid. Errors are CUBIE_ERR_INPUT with deck
 * positions. */
int cubie_grid_create(const cubie_config *cfg, const cubie_model *model, cubie_grid **out);
void cubie_grid_destroy(cubie_grid **grid);

long long cubie_grid_total_runs(const cubie_grid *g);
int cubie_grid_n_axes(const cubie_grid *g);
/* What axis a sweeps: the symbol kind (STATE or PARAMETER) and its index. */
cubie_symbol_kind cubie_grid_axis_kind(const cubie_grid *g, int axis);
int cubie_grid_axis_index(const cubie_grid *g, int axis);
const char *cubie_grid_axis_name(const cubie_grid *g, int axis);
long long cubie_grid_axis_length(const cubie_grid *g, int axis);
/* Value of `axis` for run `run` (0 <= run < total_runs). */
double cubie_grid_axis_value(const cubie_grid *g, int axis, long long run);

/* Where the inputs of a block of `n` consecutive runs go: [variable][run]
 * rows of n values in the working precision (what the kernel reads), and
 * optionally the swept values as [axis][run] doubles (what the file
 * records per run). */
typedef struct cubie_grid_block {
  void *initial_values; /* n_states rows */
  void *parameters;     /* n_parameters rows */
  bool f32;             /* rows of float (else double) */
  double *swept;        /* n_axes rows, or NULL */
} cubie_grid_block;

/* Whether a kernel can decode this grid from cubie_grid_kernel_desc: at
 * most CUBIE_GRID_MAX_AXES axes and every logspace tabulated. Otherwise the
 * host decodes every chunk's inputs (cubie_grid_decode). */
bool cubie_grid_in_kernel(const cubie_grid *g);
/* The values a kernel's description indexes (defaults first); a kernel
 * reads a copy in its own memory. */
const double *cubie_grid_table(const cubie_grid *g);
long long cubie_grid_table_length(const cubie_grid *g);
/* The description a kernel decodes from (n_axes = -1 when it cannot); the
 * caller sets first_run and table. */
void cubie_grid_kernel_desc(const cubie_grid *g, cubie_grid_desc *out);

/* Decode runs [start, start + n) (inside [0, total_runs)) into `out`, row
 * by row: a variable no axis sweeps is its deck default in every run; an
 * axis value is decoded once per run. This is the one decoder: the run
 * loop fills every chunk's inputs with it (n = 1 gives one run's inputs as
 * plain vectors). */
void cubie_grid_decode(const cubie_grid *g, long long start, long long n,
                       const cubie_grid_block *out);

#endif
