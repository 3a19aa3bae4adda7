/* grid.c — sweep axes and run-index decoding (see grid.h). */
#include "plan/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define GRID_MAX_RUNS (1ll << 62)

/* Tabulated logspace values (8 bytes each) the grid may hold in all; a
 * longer logspace is computed per run on the host (and its grid decoded by
 * the host, not the kernel). */
#define GRID_TABLE_MAX (1ll << 22)

typedef struct grid_axis {
  cubie_symbol_kind kind; /* STATE or PARAMETER */
  int index;
  char *name;
} grid_axis;

struct cubie_grid {
  cubie_grid_kind kind;
  long long total_runs;
  grid_axis *axes;
  cubie_grid_axis_desc *design; /* what kernels/grid_decode.h decodes, one per axis */
  int n_axes;
  /* Defaults (n_states initial values, then n_parameters parameter values),
   * then the TABLE axes' values. */
  double *table;
  long long table_len;
  double *defaults; /* the deck's values, copied to the head of the table */
  int n_states, n_parameters;
  bool in_kernel; /* a kernel can decode it (cubie_grid_kernel_desc) */
};

static const char *sweep_kind_name(cubie_sweep_kind kind) {
  return kind == CUBIE_SWEEP_LINSPACE   ? "linspace"
         : kind == CUBIE_SWEEP_LOGSPACE ? "logspace"
                                        : "values";
}

/* Which model quantity sweep `s` varies; errors say what to do instead. */
static int check_target(const cubie_config *cfg, const cubie_model *model, const cubie_sweep *s,
                        cubie_symbol_kind *kind, int *index) {
  const char *name = s->name ? s->name : "";
  if (!cubie_model_lookup(model, name, kind, index)) {
    const char *hint = cubie_model_suggest(model, name);
    if (hint)
      return cubie_config_error_at(
          cfg, s->mark, "cannot sweep unknown symbol '%s' (did you mean '%s'?)", name, hint);
    return cubie_config_error_at(cfg, s->mark,
                                 "cannot sweep unknown symbol '%s' (only states and parameters can "
                                 "be swept)",
                                 name);
  }
  switch (*kind) {
    case CUBIE_SYMBOL_STATE:
    case CUBIE_SYMBOL_PARAMETER: return CUBIE_OK;
    case CUBIE_SYMBOL_CONSTANT:
      return cubie_config_error_at(cfg, s->mark,
                                   "cannot sweep constant '%s' (constants are baked into the "
                                   "compiled model; declare it under model.parameters to sweep it)",
                                   name);
    case CUBIE_SYMBOL_OBSERVABLE:
      return cubie_config_error_at(cfg, s->mark,
                                   "cannot sweep observable '%s' (it is computed by the equations; "
                                   "sweep a parameter it depends on, or declare it under "
                                   "model.parameters)",
                                   name);
    case CUBIE_SYMBOL_TIME:
      return cubie_config_error_at(cfg, s->mark,
                                   "cannot sweep time 't' (set integrator.t0 and "
                                   "integrator.duration instead)");
  }
  return CUBIE_OK;
}

static int check_values(const cubie_config *cfg, const cubie_sweep *s) {
  const char *kind = sweep_kind_name(s->kind);
  if (s->n < 1)
    return cubie_config_error_at(
        cfg, s->mark, "sweep '%s' has no values (%s needs n >= 1, got %lld)", s->name, kind, s->n);
  if (s->kind == CUBIE_SWEEP_VALUES) {
    if (!s->values) return cubie_config_error_at(cfg, s->mark, "sweep '%s' has no values", s->name);
    for (long long i = 0; i < s->n; i++)
      if (!isfinite(s->values[i]))
        return cubie_config_error_at(cfg, s->mark, "sweep '%s': value %lld is not a finite number",
                                     s->name, i + 1);
    return CUBIE_OK;
  }
  if (!isfinite(s->start) || !isfinite(s->stop))
    return cubie_config_error_at(cfg, s->mark, "sweep '%s': %s endpoints must be finite numbers",
                                 s->name, kind);
  if (s->kind == CUBIE_SWEEP_LOGSPACE && (s->start <= 0 || s->stop <= 0))
    return cubie_config_error_at(cfg, s->mark,
                                 "sweep '%s': logspace endpoints must be > 0 (got %g and %g; they "
                                 "are the values themselves, not exponents)",
                                 s->name, s->start, s->stop);
  return CUBIE_OK;
}

/* The table: defaults, then each values list, then each logspace short
 * enough to tabulate (its values computed here once, by the decoder itself,
 * so an entry is exactly what the host would compute per run). */
static int build_table(cubie_grid *g, const cubie_config *cfg) {
  long long len = g->n_states + g->n_parameters, logspace = 0;
  for (int a = 0; a < g->n_axes; a++) {
    cubie_grid_axis_desc *d = &g->design[a];
    bool tabulate = d->kind == CUBIE_DESIGN_LOGSPACE && logspace + d->n <= GRID_TABLE_MAX;
    if (tabulate) logspace += d->n;
    if (tabulate || d->kind == CUBIE_DESIGN_TABLE) len += d->n;
    d->offset = d->kind == CUBIE_DESIGN_LOGSPACE && !tabulate ? -1 : 0;
  }
  g->table = malloc((size_t)len * sizeof *g->table);
  CUBIE_CHECK(g->table, CUBIE_ERR_MEMORY, "out of memory for the batch grid's %lld values", len);
  memcpy(g->table, g->defaults, (size_t)(g->n_states + g->n_parameters) * sizeof *g->table);
  long long at = g->n_states + g->n_parameters;
  bool all_tabulated = true;
  for (int a = 0; a < g->n_axes; a++) {
    cubie_grid_axis_desc *d = &g->design[a];
    if (d->offset < 0) { /* a logspace too long to tabulate: the host computes it per run */
      all_tabulated = false;
      continue;
    }
    if (d->kind == CUBIE_DESIGN_LOGSPACE) {
      for (long long i = 0; i < d->n; i++) g->table[at + i] = cubie_grid_axis_point(d, g->table, i);
      d->kind = CUBIE_DESIGN_TABLE;
    } else if (d->kind == CUBIE_DESIGN_TABLE) {
      memcpy(g->table + at, cfg->batch.sweeps[a].values, (size_t)d->n * sizeof *g->table);
    } else {
      continue;
    }
    d->offset = at;
    at += d->n;
  }
  g->table_len = at;
  g->in_kernel = all_tabulated && g->n_axes <= CUBIE_GRID_MAX_AXES;
  return CUBIE_OK;
}

static int build_axes(cubie_grid *g, const cubie_config *cfg, const cubie_model *model) {
  const cubie_batch_config *b = &cfg->batch;
  for (int a = 0; a < b->n_sweeps; a++) {
    const cubie_sweep *s = &b->sweeps[a];
    grid_axis *axis = &g->axes[a];
    CUBIE_CALL(check_target(cfg, model, s, &axis->kind, &axis->index));
    for (int prev = 0; prev < a; prev++)
      if (g->axes[prev].kind == axis->kind && g->axes[prev].index == axis->index)
        return cubie_config_error_at(cfg, s->mark, "'%s' is swept twice (first at line %d)",
                                     s->name, b->sweeps[prev].mark.line);
    CUBIE_CALL(check_values(cfg, s));
    if (g->kind == CUBIE_GRID_VERBATIM && a > 0 && s->n != b->sweeps[0].n)
      return cubie_config_error_at(cfg, s->mark,
                                   "verbatim grid: sweep '%s' has %lld values but '%s' has %lld "
                                   "(every axis of a verbatim grid pairs up run by run, so all "
                                   "must have the same length; use grid: combinatorial for every "
                                   "combination)",
                                   s->name, s->n, b->sweeps[0].name, b->sweeps[0].n);
    size_t len = strlen(s->name) + 1;
    axis->name = malloc(len);
    CUBIE_CHECK(axis->name, CUBIE_ERR_MEMORY, "out of memory building the batch grid");
    memcpy(axis->name, s->name, len);
    cubie_grid_axis_desc *d = &g->design[a];
    d->target = axis->kind == CUBIE_SYMBOL_STATE ? axis->index : g->n_states + axis->index;
    d->n = s->n;
    d->start = s->start;
    d->stop = s->stop;
    d->kind = s->kind == CUBIE_SWEEP_LINSPACE   ? CUBIE_DESIGN_LINSPACE
              : s->kind == CUBIE_SWEEP_LOGSPACE ? CUBIE_DESIGN_LOGSPACE
                                                : CUBIE_DESIGN_TABLE;
  }
  /* Strides and the total, last axis fastest; the product is checked
   * before it is formed, so it cannot overflow. */
  long long total = 1;
  if (g->kind == CUBIE_GRID_VERBATIM) {
    total = b->n_sweeps > 0 ? g->design[0].n : 1;
    for (int a = 0; a < g->n_axes; a++) g->design[a].stride = 1;
  } else {
    for (int a = g->n_axes - 1; a >= 0; a--) {
      g->design[a].stride = total;
      if (g->design[a].n > GRID_MAX_RUNS / total)
        return cubie_config_error_at(cfg, b->sweeps[a].mark,
                                     "the batch grid has too many runs: the sweeps multiply to "
                                     "more than 2^62 (%lld); reduce the number of values",
                                     GRID_MAX_RUNS);
      total *= g->design[a].n;
    }
  }
  if (total > GRID_MAX_RUNS)
    return cubie_config_error_at(cfg, b->sweeps[0].mark,
                                 "the batch grid has too many runs (more than 2^62)");
  g->total_runs = total;
  return build_table(g, cfg);
}

int cubie_grid_create(const cubie_config *cfg, const cubie_model *model, cubie_grid **out) {
  *out = NULL;
  cubie_grid *g = calloc(1, sizeof *g);
  CUBIE_CHECK(g, CUBIE_ERR_MEMORY, "out of memory building the batch grid");
  g->kind = cfg->batch.grid;
  g->n_axes = cfg->batch.n_sweeps > 0 ? cfg->batch.n_sweeps : 0;
  g->n_states = cubie_model_n_states(model);
  g->n_parameters = cubie_model_n_parameters(model);
  g->axes = calloc((size_t)(g->n_axes > 0 ? g->n_axes : 1), sizeof *g->axes);
  g->design = calloc((size_t)(g->n_axes > 0 ? g->n_axes : 1), sizeof *g->design);
  g->defaults = malloc((size_t)(g->n_states + g->n_parameters + 1) * sizeof *g->defaults);
  int rc = CUBIE_OK;
  if (!g->axes || !g->design || !g->defaults)
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory building the batch grid");
  for (int i = 0; !rc && i < g->n_states; i++)
    g->defaults[i] = cubie_model_default_value(model, CUBIE_SYMBOL_STATE, i);
  for (int i = 0; !rc && i < g->n_parameters; i++)
    g->defaults[g->n_states + i] = cubie_model_default_value(model, CUBIE_SYMBOL_PARAMETER, i);
  if (!rc) rc = build_axes(g, cfg, model);
  if (rc) {
    cubie_grid_destroy(&g);
    return rc;
  }
  *out = g;
  return CUBIE_OK;
}

void cubie_grid_destroy(cubie_grid **grid) {
  if (!grid || !*grid) return;
  cubie_grid *g = *grid;
  for (int a = 0; g->axes && a < g->n_axes; a++) free(g->axes[a].name);
  free(g->axes);
  free(g->design);
  free(g->table);
  free(g->defaults);
  free(g);
  *grid = NULL;
}

long long cubie_grid_total_runs(const cubie_grid *g) { return g->total_runs; }
int cubie_grid_n_axes(const cubie_grid *g) { return g->n_axes; }
cubie_symbol_kind cubie_grid_axis_kind(const cubie_grid *g, int axis) { return g->axes[axis].kind; }
int cubie_grid_axis_index(const cubie_grid *g, int axis) { return g->axes[axis].index; }
const char *cubie_grid_axis_name(const cubie_grid *g, int axis) { return g->axes[axis].name; }
long long cubie_grid_axis_length(const cubie_grid *g, int axis) { return g->design[axis].n; }
bool cubie_grid_in_kernel(const cubie_grid *g) { return g->in_kernel; }
const double *cubie_grid_table(const cubie_grid *g) { return g->table; }
long long cubie_grid_table_length(const cubie_grid *g) { return g->table_len; }

void cubie_grid_kernel_desc(const cubie_grid *g, cubie_grid_desc *out) {
  memset(out, 0, sizeof *out);
  out->n_inputs = g->n_states + g->n_parameters;
  out->n_axes = g->in_kernel ? g->n_axes : -1;
  for (int a = 0; a < g->n_axes && a < CUBIE_GRID_MAX_AXES; a++) out->axes[a] = g->design[a];
}

double cubie_grid_axis_value(const cubie_grid *g, int axis, long long run) {
  return cubie_grid_axis_run_value(&g->design[axis], g->table, run);
}

/* Value v at row `row`, run r of [variable][run] rows of n runs. */
static void put_input(void *rows, bool f32, long long row, long long n, long long r, double v) {
  if (f32) ((float *)rows)[row * n + r] = (float)v;
  else ((double *)rows)[row * n + r] = v;
}

void cubie_grid_decode(const cubie_grid *g, long long start, long long n,
                       const cubie_grid_block *out) {
  /* Row by row what cubie_grid_input gives one (input, run) at a time in a
   * kernel: the input's axis decoded per run, or its default. */
  for (int input = 0; input < g->n_states + g->n_parameters; input++) {
    bool state = input < g->n_states;
    void *rows = state ? out->initial_values : out->parameters;
    int row = state ? input : input - g->n_states;
    int axis = -1;
    for (int a = 0; a < g->n_axes; a++)
      if (g->design[a].target == input) axis = a;
    if (axis < 0) {
      for (long long r = 0; r < n; r++) put_input(rows, out->f32, row, n, r, g->table[input]);
      continue;
    }
    double *swept = out->swept ? out->swept + (long long)axis * n : NULL;
    const cubie_grid_axis_desc *d = &g->design[axis];
    for (long long r = 0; r < n; r++) {
      double v = cubie_grid_axis_run_value(d, g->table, start + r);
      put_input(rows, out->f32, row, n, r, v);
      if (swept) swept[r] = v;
    }
  }
}
