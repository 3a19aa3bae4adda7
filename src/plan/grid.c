/* grid.c — sweep axes and run-index decoding (see grid.h). */
#include "plan/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define GRID_MAX_RUNS (1ll << 62)

typedef struct grid_axis {
  cubie_symbol_kind kind; /* STATE or PARAMETER */
  int index;
  char *name;
  cubie_sweep_kind sweep;
  double *values;     /* CUBIE_SWEEP_VALUES */
  double start, stop; /* LINSPACE / LOGSPACE */
  long long n;
  long long stride; /* combinatorial: runs between consecutive values */
} grid_axis;

struct cubie_grid {
  cubie_grid_kind kind;
  long long total_runs;
  grid_axis *axes;
  int n_axes;
  double *defaults; /* n_states initial values, then n_parameters parameter values */
  int n_states, n_parameters;
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
    axis->sweep = s->kind;
    axis->n = s->n;
    axis->start = s->start;
    axis->stop = s->stop;
    if (s->kind == CUBIE_SWEEP_VALUES) {
      axis->values = malloc((size_t)s->n * sizeof *axis->values);
      CUBIE_CHECK(axis->values, CUBIE_ERR_MEMORY, "out of memory for the %lld values of sweep '%s'",
                  s->n, s->name);
      memcpy(axis->values, s->values, (size_t)s->n * sizeof *axis->values);
    }
  }
  /* Strides and the total, last axis fastest; the product is checked
   * before it is formed, so it cannot overflow. */
  long long total = 1;
  if (g->kind == CUBIE_GRID_VERBATIM) {
    total = b->n_sweeps > 0 ? g->axes[0].n : 1;
    for (int a = 0; a < g->n_axes; a++) g->axes[a].stride = 1;
  } else {
    for (int a = g->n_axes - 1; a >= 0; a--) {
      g->axes[a].stride = total;
      if (g->axes[a].n > GRID_MAX_RUNS / total)
        return cubie_config_error_at(cfg, b->sweeps[a].mark,
                                     "the batch grid has too many runs: the sweeps multiply to "
                                     "more than 2^62 (%lld); reduce the number of values",
                                     GRID_MAX_RUNS);
      total *= g->axes[a].n;
    }
  }
  if (total > GRID_MAX_RUNS)
    return cubie_config_error_at(cfg, b->sweeps[0].mark,
                                 "the batch grid has too many runs (more than 2^62)");
  g->total_runs = total;
  return CUBIE_OK;
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
  g->defaults = malloc((size_t)(g->n_states + g->n_parameters + 1) * sizeof *g->defaults);
  int rc = CUBIE_OK;
  if (!g->axes || !g->defaults)
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
  for (int a = 0; g->axes && a < g->n_axes; a++) {
    free(g->axes[a].name);
    free(g->axes[a].values);
  }
  free(g->axes);
  free(g->defaults);
  free(g);
  *grid = NULL;
}

long long cubie_grid_total_runs(const cubie_grid *g) { return g->total_runs; }
int cubie_grid_n_axes(const cubie_grid *g) { return g->n_axes; }
cubie_symbol_kind cubie_grid_axis_kind(const cubie_grid *g, int axis) { return g->axes[axis].kind; }
int cubie_grid_axis_index(const cubie_grid *g, int axis) { return g->axes[axis].index; }
const char *cubie_grid_axis_name(const cubie_grid *g, int axis) { return g->axes[axis].name; }
long long cubie_grid_axis_length(const cubie_grid *g, int axis) { return g->axes[axis].n; }

/* Value i of an axis: linspace and logspace hit both endpoints exactly. */
static double axis_point(const grid_axis *a, long long i) {
  if (a->sweep == CUBIE_SWEEP_VALUES) return a->values[i];
  if (a->n == 1 || i == 0) return a->start;
  if (i == a->n - 1) return a->stop;
  double steps = (double)(a->n - 1);
  if (a->sweep == CUBIE_SWEEP_LINSPACE) {
    double span = a->stop - a->start;
    if (isfinite(span)) return a->start + span * (double)i / steps;
    /* Endpoints near ±DBL_MAX: the span overflows, half of it does not, and
     * start + half·f + half·f stays between the endpoints all the way. */
    double half = (a->stop * 0.5 - a->start * 0.5) * ((double)i / steps);
    return a->start + half + half;
  }
  double log_start = log(a->start), log_stop = log(a->stop);
  return exp(log_start + (log_stop - log_start) * (double)i / steps);
}

double cubie_grid_axis_value(const cubie_grid *g, int axis, long long run) {
  const grid_axis *a = &g->axes[axis];
  /* Unsigned arithmetic keeps the index in range even for a run outside
   * [0, total_runs), which callers must not pass. */
  unsigned long long i =
      (unsigned long long)run / (unsigned long long)a->stride % (unsigned long long)a->n;
  return axis_point(a, (long long)i);
}

/* Value v at row `row`, run r of [variable][run] rows of n runs. */
static void put_input(void *rows, bool f32, long long row, long long n, long long r, double v) {
  if (f32) ((float *)rows)[row * n + r] = (float)v;
  else ((double *)rows)[row * n + r] = v;
}

void cubie_grid_decode(const cubie_grid *g, long long start, long long n,
                       const cubie_grid_block *out) {
  for (int k = 0; k < 2; k++) {
    cubie_symbol_kind kind = k == 0 ? CUBIE_SYMBOL_STATE : CUBIE_SYMBOL_PARAMETER;
    void *rows = k == 0 ? out->initial_values : out->parameters;
    int n_rows = k == 0 ? g->n_states : g->n_parameters;
    const double *defaults = k == 0 ? g->defaults : g->defaults + g->n_states;
    for (int i = 0; i < n_rows; i++) {
      int axis = -1;
      for (int a = 0; a < g->n_axes; a++)
        if (g->axes[a].kind == kind && g->axes[a].index == i) axis = a;
      if (axis < 0) {
        for (long long r = 0; r < n; r++) put_input(rows, out->f32, i, n, r, defaults[i]);
        continue;
      }
      double *swept = out->swept ? out->swept + (long long)axis * n : NULL;
      for (long long r = 0; r < n; r++) {
        double v = cubie_grid_axis_value(g, axis, start + r);
        put_input(rows, out->f32, i, n, r, v);
        if (swept) swept[r] = v;
      }
    }
  }
}
