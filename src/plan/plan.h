/* plan.h — the run plan: everything derived from the deck, the model and
 * the grid that the rest of a job needs, decided once, before any array is
 * sized: the save grid, which quantities are written and under which file
 * names, summaries, the kernel's scalar arguments and the per-run byte
 * counts the memory manager plans with.
 *
 * The plan validates what needs the model to check (save names, summary
 * metrics) and reports it at the deck position. It owns no device memory
 * and never changes after creation; chunking decisions live in the memory
 * manager's response, not here.
 */
#ifndef CUBIE_PLAN_H
#define CUBIE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/config.h"
#include "plan/grid.h"
#include "model/model.h"
#include "plan/summary_metrics.h"
#include "kernels/chunk_args.h"
#include "util/strbuf.h"

/* Metric slots a kernel has (kernels/summaries.h) and summary values per
 * saved quantity the plan can name. */
#define CUBIE_MAX_METRICS 8
#define CUBIE_MAX_SUMMARY_VALUES 32

typedef struct cubie_plan {
  long long total_runs;
  cubie_precision precision;
  size_t real_size;                        /* 4 or 8 bytes */
  const cubie_algorithm_info *algorithm;
  cubie_controller controller;
  cubie_linear_solver linear_solver;       /* resolved (never auto) for implicit methods; auto: none */

  /* Save grid: save point k at t_save_start + k * save_every. */
  long long n_saves;
  double t0, t_save_start, save_every, t_end;
  bool final_only;                         /* only the final state is saved */
  bool duration_not_multiple;              /* last save before t0 + settling + duration */

  /* What every save point writes, in order, and the file's names for it. */
  int n_outputs;
  cubie_model_output *outputs;
  char **output_names;

  /* Summaries: the deck's metrics in slot order (kernels/summaries.h) ... */
  int n_metrics;
  const char *metrics[CUBIE_MAX_METRICS];
  const cubie_metric_info *metric_rows[CUBIE_MAX_METRICS];
  int summary_accumulators;                /* per saved quantity, all slots */
  /* ... and the values they write per saved quantity, slots in order: the
   * summary variables <output>_<value name> of the file. */
  int n_summary_values;
  const char *summary_value_names[CUBIE_MAX_SUMMARY_VALUES];
  char summary_value_storage[CUBIE_MAX_SUMMARY_VALUES][64];
  long long summary_every;                 /* save points per window */
  long long n_summaries;

  /* Swept inputs (file variables (run)) and fixed ones (scalars). */
  int n_inputs;
  char **input_names;                      /* "rho", "x_initial" */
  int n_fixed;
  char **fixed_names;
  double *fixed_values;
  int *fixed_kinds;                        /* cubie_symbol_kind of each fixed input */
  int *fixed_indices;                      /* its index among the model's states or parameters */

  /* Doubles of the grid's table (defaults, values lists, tabulated
   * logspaces) a kernel decodes its inputs from when args.grid.n_axes >= 0;
   * otherwise the host decodes every chunk's inputs. */
  long long grid_table_length;

  /* Scalar kernel arguments (time grid, step control, summaries); the
   * runner copies this and fills in pointers, strides and windows. */
  cubie_chunk_args args;
} cubie_plan;

int cubie_plan_create(const cubie_config *cfg, const cubie_model *model, const cubie_grid *grid,
                      cubie_plan **out);
void cubie_plan_destroy(cubie_plan **plan);

/* Human-readable description for `cubie check`. */
int cubie_plan_describe(const cubie_plan *p, const cubie_config *cfg, const cubie_model *model,
                        const cubie_grid *grid, cubie_strbuf *out);

#endif
