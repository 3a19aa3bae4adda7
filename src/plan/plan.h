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

/* The longest variable name the output file can hold (NetCDF's
 * NC_MAX_NAME; output_define.c checks they agree). */
#define CUBIE_MAX_FILE_NAME 256

/* One summary metric of one saved quantity: an item of the kernel's
 * CUBIE_SUMMARY_ITEMS (kernels/summaries.h). */
typedef struct cubie_summary_item {
  int output;                        /* index into the plan's outputs */
  const cubie_metric_info *metric;   /* its kernels/metrics.def row */
  int count;                         /* peaks[count]; 0 for metrics without one */
  int accumulator_offset;            /* its first accumulator of the run's */
  int value_offset;                  /* its first summary value of the run's */
} cubie_summary_item;

/* A summary file variable: value `value` of item `item`, summary values
 * first .. first + width - 1 (width > 1: a counted metric's extra
 * dimension). */
typedef struct cubie_summary_var {
  int item, value;
  char *name;                        /* "x_mean", "x_peaks_time" */
  int first, width;
} cubie_summary_var;

typedef struct cubie_plan {
  long long total_runs;
  cubie_precision precision;
  size_t real_size;                        /* 4 or 8 bytes */
  const cubie_algorithm_info *algorithm;
  cubie_controller controller;
  cubie_linear_solver linear_solver;       /* resolved (never auto) for implicit methods; auto: none */
  /* The sparse LU's symbolic factorisation (plan/sparse_lu.h) when
   * linear_solver is sparse, else NULL; and why the solver was chosen (for
   * `cubie check`). Both set by cubie_plan_choose_linear_solver
   * (plan/linear_solver.h), once the model's Jacobian is known. */
  struct cubie_sparse_lu *sparse_lu;
  char linear_solver_why[320];

  /* Save grid: save point k at t_save_start + k * save_every for k <=
   * save_intervals; the last one (k = n_saves - 1) is t_end exactly. When
   * save_every does not divide the duration, t_end is one more save point,
   * after a shorter last interval (n_saves = save_intervals + 2). */
  long long n_saves;
  long long save_intervals;                /* whole save_every intervals in the duration */
  double t0, t_save_start, save_every, t_end;
  bool final_only;                         /* only the final state is saved */
  bool duration_not_multiple;              /* t_end follows the last whole interval */

  /* What every save point writes, in order, and the file's names for it. */
  int n_outputs;
  cubie_model_output *outputs;
  char **output_names;

  /* Summaries (plan/summary_plan.c): the items in output order, each
   * output's metrics in the deck's order, ... */
  int n_summary_items;
  cubie_summary_item *summary_items;
  int n_summary_accumulators;              /* per run, all items: CUBIE_N_ACCUMULATORS */
  int n_summary_values;                    /* per run and window: CUBIE_N_SUMMARY_VALUES */
  /* ... and the file variables they write, in value order. */
  int n_summary_vars;
  cubie_summary_var *summary_vars;
  long long summary_every;                 /* save points per window */
  long long n_summaries;

  /* Where each run ended (file variables (run)): "t_final", then
   * "<state>_final" for every state, in the model's order. */
  int n_finals_states;
  char **final_names;                      /* 1 + n_finals_states names */
  /* Events (model.events): how many, and the doubles of each run's event
   * record (kernels/events.h; 0 without events). */
  int n_events;
  long long event_slots;

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

  /* The drivers' table (kernels/drivers.h, plan/driver_table.h), shared by
   * every run; NULL and 0 when the model has none. */
  double *driver_table;
  long long driver_table_length;

  /* Scalar kernel arguments (time grid, step control, summaries); the
   * runner copies this and fills in pointers, strides and windows. */
  cubie_chunk_args args;
} cubie_plan;

/* The most data a file may hold: no file system stores more, and every
 * size derived from it stays far from overflowing 64 bits. A plan beyond
 * it is refused at creation (CUBIE_ERR_INPUT at the sweep). */
#define CUBIE_MAX_FILE_BYTES (1ULL << 60)

int cubie_plan_create(const cubie_config *cfg, const cubie_model *model, const cubie_grid *grid,
                      cubie_plan **out);

/* Bytes the output file's variables need uncompressed (saves, summaries,
 * per-run records and coordinates), overflow-checked; false (and
 * *bytes = ULLONG_MAX) when 64 bits cannot hold it. */
bool cubie_plan_file_bytes(const cubie_plan *p, unsigned long long *bytes);
/* The summary items and variables of `p` (its outputs resolved) from the
 * deck's requests; errors at the request's deck position (summary_plan.c). */
int cubie_plan_resolve_summaries(cubie_plan *p, const cubie_config *cfg, const cubie_model *model);
void cubie_plan_free_summaries(cubie_plan *p);
/* "x: mean max; energy: peaks[3]" for `cubie check`. */
int cubie_plan_describe_summaries(const cubie_plan *p, cubie_strbuf *out);
void cubie_plan_destroy(cubie_plan **plan);

/* Human-readable description for `cubie check`. */
int cubie_plan_describe(const cubie_plan *p, const cubie_config *cfg, const cubie_model *model,
                        const cubie_grid *grid, cubie_strbuf *out);

#endif
