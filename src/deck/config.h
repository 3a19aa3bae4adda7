/* config.h — the validated configuration of one job (the deck, after
 * defaults, --set overrides and range checks).
 *
 * cubie_config_load reads a YAML deck with libyaml, applies `--set
 * section.key=value` overrides, rejects unknown keys (with a suggestion),
 * checks types and ranges and fills every default documented in
 * docs/deck.md. Every error is CUBIE_ERR_INPUT with a message that starts
 * "FILE:LINE:COLUMN: ". The result is plain data: later layers (model, grid,
 * plan) read it and never change it. This module knows nothing about the
 * meaning of the equations; it only carries their text and where each line
 * came from, so the model parser can report deck positions.
 */
#ifndef CUBIE_CONFIG_H
#define CUBIE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/algorithm.h"

/* A position in the deck (1-based). line == 0: unknown / not from the deck
 * (for values that came from --set, `override` is the 1-based index of the
 * --set argument instead). */
typedef struct cubie_mark {
  int line;
  int column;
  int override;
} cubie_mark;

typedef enum cubie_precision { CUBIE_FLOAT32 = 0, CUBIE_FLOAT64 = 1 } cubie_precision;
/* run.backend: `auto`, then one constant per line of backends/backends.def
 * (CUBIE_BACKEND_<ID>, in the list's order). */
typedef enum cubie_backend_kind {
  CUBIE_BACKEND_AUTO = 0,
#define CUBIE_BACKEND(ID, name, ops, priority, description) CUBIE_BACKEND_##ID,
#include "backends/backends.def"
#undef CUBIE_BACKEND
  CUBIE_BACKEND_KINDS /* how many kinds, `auto` included */
} cubie_backend_kind;
typedef enum cubie_chunk_axis { CUBIE_CHUNK_AXIS_AUTO = 0, CUBIE_CHUNK_AXIS_RUN, CUBIE_CHUNK_AXIS_TIME } cubie_chunk_axis;
typedef enum cubie_decomposition { CUBIE_DECOMP_STATIC = 0, CUBIE_DECOMP_WEIGHTED, CUBIE_DECOMP_DYNAMIC } cubie_decomposition;
typedef enum cubie_grid_kind { CUBIE_GRID_COMBINATORIAL = 0, CUBIE_GRID_VERBATIM } cubie_grid_kind;
typedef enum cubie_sweep_kind { CUBIE_SWEEP_VALUES = 0, CUBIE_SWEEP_LINSPACE, CUBIE_SWEEP_LOGSPACE } cubie_sweep_kind;
typedef enum cubie_buffer_location {
  CUBIE_LOCATION_LOCAL = 0,
  CUBIE_LOCATION_SHARED = 1,
  CUBIE_LOCATION_PERSISTENT_LOCAL = 2
} cubie_buffer_location;

/* A named model quantity declared in the deck (state, parameter, constant,
 * or observable metadata). */
typedef struct cubie_symbol_decl {
  char *name;
  double value;      /* default initial value / parameter value / constant value; 0 for observables */
  char *units;       /* NULL when not given */
  char *long_name;   /* NULL when not given */
  cubie_mark mark;   /* position of the name */
} cubie_symbol_decl;

typedef struct cubie_model_config {
  char *name;                        /* default: the deck file's base name without extension */
  cubie_symbol_decl *states;         int n_states;      /* declaration order = state index */
  cubie_symbol_decl *parameters;     int n_parameters;
  cubie_symbol_decl *constants;      int n_constants;
  cubie_symbol_decl *observables;    int n_observables; /* metadata only (units, long_name) */
  char *time_units;                  /* default "1" */
  char *equations;                   /* the equations text as YAML delivered it */
  cubie_mark equations_mark;         /* position of the `equations` value */
  /* Where line i (0-based) of `equations` sits in the deck: deck line
   * equation_line[i], and deck column = column-in-that-line + equation_column_offset[i]. */
  int *equation_line;
  int *equation_column_offset;
  int n_equation_lines;
} cubie_model_config;

typedef struct cubie_integrator_config {
  const cubie_algorithm_info *algorithm;  cubie_mark algorithm_mark;  /* default tsit5 */
  cubie_controller step_control;          /* default: the algorithm's default controller */
  cubie_linear_solver linear_solver;      /* default auto (implicit methods only) */
  cubie_mark linear_solver_mark;
  double atol, rtol;                      /* default 1e-6, 1e-6 */
  double dt;          bool dt_set;        /* fixed step, or first step of an adaptive run (auto when unset) */
  double dt_min, dt_max;                  /* defaults 1e-12 and the integration span */
  bool dt_max_set;
  double duration;                        /* required, > 0 */
  double t0;                              /* default 0 */
  double settling_time;                   /* default 0 */
  cubie_precision precision;              /* default float64 */
  long long max_steps;                    /* default 1000000 per run (accepted + rejected) */
  double safety, min_gain, max_gain;      /* defaults: see algorithm.h */
  double gains[3];                        /* controller gains (kI, kP, kD meaning per controller) */
  bool gains_set;
} cubie_integrator_config;

typedef struct cubie_sweep {
  char *name;            /* a state (initial value) or parameter name */
  cubie_sweep_kind kind;
  double *values;        /* kind == VALUES: the n values */
  double start, stop;    /* kind == LINSPACE / LOGSPACE: endpoints (logspace: the values themselves, not exponents) */
  long long n;           /* number of values on this axis, >= 1 */
  cubie_mark mark;       /* position of the sweep's name */
} cubie_sweep;

typedef struct cubie_batch_config {
  cubie_grid_kind grid;          /* default combinatorial */
  cubie_sweep *sweeps;   int n_sweeps;
} cubie_batch_config;

typedef struct cubie_output_config {
  char *file;                    /* default "<model name>.nc" in the working directory */
  double save_every;  bool save_every_set; /* unset: only the final state is saved */
  char **save;  cubie_mark *save_marks;  int n_save;  /* default: every state */
  bool summaries_set;
  double summary_every;          /* must be a whole multiple of save_every */
  char **summary_metrics;  cubie_mark *summary_metric_marks;  int n_summary_metrics;
  int compression;               /* deflate level 0..9, default 0 (off) */
} cubie_output_config;

typedef struct cubie_run_config {
  cubie_backend_kind backend;        /* default auto */
  cubie_chunk_axis chunk_axis;       /* default auto */
  long long memory_limit;            /* bytes; 0 = no limit (default) */
  cubie_decomposition decomposition; /* default static */
  int threads;                       /* CPU backend OpenMP threads; 0 = all (default) */
  int block_size;                    /* runs per block (GPU threads per block); 0 = auto */
  long long dynamic_block;           /* runs per claimed block in dynamic mode; 0 = auto */
  char *cache_dir;                   /* JIT cache; NULL = $CUBIE_CACHE_DIR, $XDG_CACHE_HOME/cubie or ~/.cache/cubie */
  double progress_interval;          /* seconds between progress lines when stderr is not a terminal; default 30 */
  double max_item_seconds;           /* pieces sized so a work item takes at most this; default 60; 0 = whole chunks */
} cubie_run_config;

typedef struct cubie_buffer_override {
  char *name;                        /* "owner.buffer", e.g. "loop.state" */
  cubie_buffer_location location;
  cubie_mark mark;
} cubie_buffer_override;

typedef struct cubie_config {
  char *path;                        /* the deck path as given */
  char *text;                        /* the deck file's full text (provenance) */
  char **overrides;  int n_overrides;/* the --set arguments, verbatim */
  cubie_model_config model;
  cubie_integrator_config integrator;
  cubie_batch_config batch;
  cubie_output_config output;
  cubie_run_config run;
  cubie_buffer_override *buffers;  int n_buffers;
} cubie_config;

/* Read, override, validate. On failure *out is NULL and the error message
 * names the file, line and column. */
int cubie_config_load(const char *path, const char *const *overrides, int n_overrides,
                      cubie_config **out);
/* The same from text already in memory (`path` only names it in messages). */
int cubie_config_load_text(const char *path, const char *text, const char *const *overrides,
                           int n_overrides, cubie_config **out);
void cubie_config_destroy(cubie_config **cfg);
/* A deck file's whole text, NUL-terminated (the caller frees it);
 * CUBIE_ERR_INPUT naming the file when it cannot be read or is not text. */
int cubie_config_read_file(const char *path, char **text);

/* Raise CUBIE_ERR_INPUT with "FILE:LINE:COL: " (or "--set 'ARG': " for a
 * mark from the N-th --set argument, "FILE: " for line 0) prefixed to
 * the formatted message; for use by later layers that validate meaning
 * (unknown symbol in a sweep, ...). Returns CUBIE_ERR_INPUT. */
int cubie_config_error_at(const cubie_config *cfg, cubie_mark mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Map a position inside the equations text (1-based line and column within
 * that text) to a deck mark. */
cubie_mark cubie_config_equation_mark(const cubie_config *cfg, int eq_line, int eq_column);

#endif
