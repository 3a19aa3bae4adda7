/* plan.c — deriving the run plan (see plan.h). */
#include "plan/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "kernels/status.h"

/* Names the output file uses for its own variables; user quantities that
 * collide with them get a trailing underscore in the file. */
static const char *const reserved_names[] = {
    "run", "time", "summary_time", "summary_time_bounds", "nv", "status", "rank", "mpi_rank",
    "timing_compile", "timing_compute", "timing_transfer", "timing_write", "timing_write_wait",
    "timing_wait", "timing_total", "timing_attempts", "timing_elapsed", "rank_runs", "rank_node",
    "rank_local_rank", "rank_device", "rank_host",
    "rank_visible_devices", "rank_weight", NULL};
#define COUNTER_NAME(ID, slot, name, long_name) name,
static const char *const counter_names[] = {CUBIE_COUNTERS(COUNTER_NAME) NULL};

static bool name_taken(const char *name, char **names, int n) {
  for (int i = 0; reserved_names[i]; i++)
    if (strcmp(reserved_names[i], name) == 0) return true;
  for (int i = 0; counter_names[i]; i++)
    if (strcmp(counter_names[i], name) == 0) return true;
  for (int i = 0; i < n; i++)
    if (names[i] && strcmp(names[i], name) == 0) return true;
  return false;
}

/* A file variable name for `base` not yet used by `names[0..n)`. */
static int unique_name(const char *base, char **names, int n, char **out) {
  size_t len = strlen(base);
  char *name = malloc(len + 16);
  CUBIE_CHECK(name, CUBIE_ERR_MEMORY, "out of memory");
  memcpy(name, base, len + 1);
  while (name_taken(name, names, n)) strcat(name, "_");
  *out = name;
  return CUBIE_OK;
}

static int resolve_outputs(cubie_plan *p, const cubie_config *cfg, const cubie_model *model) {
  /* The model checks the names (unknown, parameter, constant, t, twice). */
  CUBIE_CALL(cubie_model_select_outputs(model, cfg, &p->outputs, &p->n_outputs));
  p->output_names = calloc((size_t)p->n_outputs + 1, sizeof *p->output_names);
  CUBIE_CHECK(p->output_names, CUBIE_ERR_MEMORY, "out of memory");
  for (int i = 0; i < p->n_outputs; i++) {
    const char *base = cubie_model_symbol_name(model, p->outputs[i].kind, p->outputs[i].index);
    CUBIE_CALL(unique_name(base, p->output_names, i, &p->output_names[i]));
  }
  return CUBIE_OK;
}

static int resolve_inputs(cubie_plan *p, const cubie_model *model, const cubie_grid *grid) {
  int n_states = cubie_model_n_states(model), n_params = cubie_model_n_parameters(model);
  int n_axes = cubie_grid_n_axes(grid);
  int n_all = n_states + n_params;
  p->input_names = calloc((size_t)(n_axes ? n_axes : 1), sizeof *p->input_names);
  p->fixed_names = calloc((size_t)(n_all ? n_all : 1), sizeof *p->fixed_names);
  p->fixed_values = calloc((size_t)(n_all ? n_all : 1), sizeof *p->fixed_values);
  p->fixed_kinds = calloc((size_t)(n_all ? n_all : 1), sizeof *p->fixed_kinds);
  p->fixed_indices = calloc((size_t)(n_all ? n_all : 1), sizeof *p->fixed_indices);
  CUBIE_CHECK(p->input_names && p->fixed_names && p->fixed_values && p->fixed_kinds &&
              p->fixed_indices, CUBIE_ERR_MEMORY, "out of memory");
  /* Every name the file will hold so far (outputs, then inputs). */
  int cap = p->n_outputs + n_axes + n_all;
  char **taken = calloc((size_t)(cap ? cap : 1), sizeof *taken);
  CUBIE_CHECK(taken, CUBIE_ERR_MEMORY, "out of memory");
  int n_taken = 0;
  for (int i = 0; i < p->n_outputs; i++) taken[n_taken++] = p->output_names[i];

  char base[512];
  int rc = CUBIE_OK;
  for (int a = 0; a < n_axes && !rc; a++) {
    cubie_symbol_kind kind = cubie_grid_axis_kind(grid, a);
    const char *name = cubie_grid_axis_name(grid, a);
    snprintf(base, sizeof base, kind == CUBIE_SYMBOL_STATE ? "%s_initial" : "%s", name);
    rc = unique_name(base, taken, n_taken, &p->input_names[a]);
    if (!rc) taken[n_taken++] = p->input_names[a];
  }
  p->n_inputs = n_axes;
  /* Inputs that no axis sweeps are the same for every run: scalars. */
  for (int k = 0; k < 2 && !rc; k++) {
    cubie_symbol_kind kind = k == 0 ? CUBIE_SYMBOL_STATE : CUBIE_SYMBOL_PARAMETER;
    int count = k == 0 ? n_states : n_params;
    for (int i = 0; i < count && !rc; i++) {
      bool swept = false;
      for (int a = 0; a < n_axes; a++)
        if (cubie_grid_axis_kind(grid, a) == kind && cubie_grid_axis_index(grid, a) == i)
          swept = true;
      if (swept) continue;
      const char *name = cubie_model_symbol_name(model, kind, i);
      snprintf(base, sizeof base, kind == CUBIE_SYMBOL_STATE ? "%s_initial" : "%s", name);
      rc = unique_name(base, taken, n_taken, &p->fixed_names[p->n_fixed]);
      if (rc) break;
      taken[n_taken++] = p->fixed_names[p->n_fixed];
      p->fixed_values[p->n_fixed] = cubie_model_default_value(model, kind, i);
      p->fixed_kinds[p->n_fixed] = (int)kind;
      p->fixed_indices[p->n_fixed] = i;
      p->n_fixed++;
    }
  }
  free(taken);
  return rc;
}

static int resolve_summaries(cubie_plan *p, const cubie_config *cfg) {
  const cubie_output_config *oc = &cfg->output;
  if (!oc->summaries_set || oc->n_summary_metrics == 0) return CUBIE_OK;
  CUBIE_CHECK(oc->n_summary_metrics <= CUBIE_MAX_METRICS, CUBIE_ERR_INPUT,
              "%s: at most %d summary metrics", cfg->path, CUBIE_MAX_METRICS);
  for (int i = 0; i < oc->n_summary_metrics; i++) {
    const cubie_metric_info *m = cubie_metric_find(oc->summary_metrics[i]);
    CUBIE_CHECK(m, CUBIE_ERR_INTERNAL, "unvalidated summary metric '%s'", oc->summary_metrics[i]);
    p->metric_rows[p->n_metrics] = m;
    p->metrics[p->n_metrics++] = m->name;
    p->summary_accumulators += m->accumulators;
    for (int v = 0; v < m->values; v++) {
      CUBIE_CHECK(p->n_summary_values < CUBIE_MAX_SUMMARY_VALUES, CUBIE_ERR_INPUT,
                  "%s: the summary metrics write more than %d values per saved quantity",
                  cfg->path, CUBIE_MAX_SUMMARY_VALUES);
      char *name = p->summary_value_storage[p->n_summary_values];
      CUBIE_CALL(cubie_metric_value_name(m, v, name, sizeof p->summary_value_storage[0]));
      p->summary_value_names[p->n_summary_values++] = name;
    }
  }
  double ratio = oc->summary_every / p->save_every;
  p->summary_every = (long long)llround(ratio);
  CUBIE_CHECK(p->summary_every >= 1, CUBIE_ERR_INTERNAL, "summary window shorter than a save");
  p->n_summaries = (p->n_saves - 1) / p->summary_every;
  return CUBIE_OK;
}

static void fill_args(cubie_plan *p, const cubie_config *cfg, const cubie_grid *grid) {
  const cubie_integrator_config *ic = &cfg->integrator;
  cubie_chunk_args *a = &p->args;
  memset(a, 0, sizeof *a);
  cubie_grid_kernel_desc(grid, &a->grid);
  p->grid_table_length = cubie_grid_table_length(grid);
  a->t0 = p->t0;
  a->t_save_start = p->t_save_start;
  a->save_every = p->save_every;
  a->t_end = p->t_end;
  a->n_saves = p->n_saves;
  a->dt0 = ic->dt_set ? ic->dt : 0.0;
  a->dt_min = ic->dt_min;
  a->dt_max = ic->dt_max_set ? ic->dt_max : (p->t_end - p->t0);
  a->atol = ic->atol;
  a->rtol = ic->rtol;
  a->safety = ic->safety;
  a->min_gain = ic->min_gain;
  a->max_gain = ic->max_gain;
  for (int i = 0; i < 3; i++) a->gains[i] = ic->gains[i];
  a->max_steps = ic->max_steps;
  a->summary_every = p->n_metrics ? p->summary_every : 0;
  a->n_summaries = p->n_metrics ? p->n_summaries : 0;
}

int cubie_plan_create(const cubie_config *cfg, const cubie_model *model, const cubie_grid *grid,
                      cubie_plan **out) {
  *out = NULL;
  cubie_plan *p = calloc(1, sizeof *p);
  CUBIE_CHECK(p, CUBIE_ERR_MEMORY, "out of memory");
  const cubie_integrator_config *ic = &cfg->integrator;
  p->total_runs = cubie_grid_total_runs(grid);
  p->precision = ic->precision;
  p->real_size = ic->precision == CUBIE_FLOAT32 ? 4 : 8;
  p->algorithm = ic->algorithm;
  p->controller = ic->step_control;
  p->linear_solver =
      cubie_linear_solver_resolve(ic->linear_solver, ic->algorithm, cubie_model_n_states(model));
  p->t0 = ic->t0;
  p->t_save_start = ic->t0 + ic->settling_time;
  if (cfg->output.save_every_set) {
    double ratio = ic->duration / cfg->output.save_every;
    long long intervals = (long long)floor(ratio + 1e-9 * (ratio > 1 ? ratio : 1));
    p->n_saves = intervals + 1;
    p->save_every = cfg->output.save_every;
    p->t_end = p->t_save_start + (double)intervals * p->save_every;
    p->duration_not_multiple =
        fabs((double)intervals * p->save_every - ic->duration) > 1e-9 * ic->duration;
  } else {
    p->final_only = true;
    p->n_saves = 1;
    p->save_every = 0.0;
    p->t_save_start = p->t_end = ic->t0 + ic->settling_time + ic->duration;
  }
  int rc = CUBIE_OK;
  if (cfg->run.decomposition == CUBIE_DECOMP_DYNAMIC && cfg->output.compression > 0)
    rc = cubie_config_error_at(cfg, (cubie_mark){0, 0, 0},
                               "output.compression needs collective writes, which "
                               "run.decomposition: dynamic cannot make (ranks claim different "
                               "numbers of blocks); use static or weighted, or no compression");
  if (!rc) rc = resolve_outputs(p, cfg, model);
  if (!rc) rc = resolve_inputs(p, model, grid);
  if (!rc) rc = resolve_summaries(p, cfg);
  if (rc) {
    cubie_plan_destroy(&p);
    return rc;
  }
  fill_args(p, cfg, grid);
  *out = p;
  return CUBIE_OK;
}

static void free_names(char **names, int n) {
  if (!names) return;
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

void cubie_plan_destroy(cubie_plan **plan) {
  if (!plan || !*plan) return;
  cubie_plan *p = *plan;
  free(p->outputs);
  free_names(p->output_names, p->n_outputs);
  free_names(p->input_names, p->n_inputs);
  free_names(p->fixed_names, p->n_fixed);
  free(p->fixed_values);
  free(p->fixed_kinds);
  free(p->fixed_indices);
  free(p);
  *plan = NULL;
}

/* Bytes of saved data one run produces (saves and summaries). */
static size_t output_bytes_per_run(const cubie_plan *p) {
  size_t saves = (size_t)p->n_saves * (size_t)p->n_outputs * p->real_size;
  size_t summaries = (size_t)p->n_summaries * (size_t)p->n_outputs *
                     (size_t)p->n_summary_values * p->real_size;
  return saves + summaries;
}

int cubie_plan_describe(const cubie_plan *p, const cubie_config *cfg, const cubie_model *model,
                        const cubie_grid *grid, cubie_strbuf *out) {
  const cubie_integrator_config *ic = &cfg->integrator;
  CUBIE_CALL(cubie_strbuf_printf(out, "deck:        %s\n", cfg->path));
  int ns = cubie_model_n_states(model), np = cubie_model_n_parameters(model),
      no = cubie_model_n_observables(model);
  CUBIE_CALL(cubie_strbuf_printf(out, "model:       %s (%d state%s, %d parameter%s, %d observable%s)\n",
                                 cubie_model_name(model), ns, ns == 1 ? "" : "s", np,
                                 np == 1 ? "" : "s", no, no == 1 ? "" : "s"));
  CUBIE_CALL(cubie_strbuf_printf(out, "algorithm:   %s (%s), step control %s", p->algorithm->name,
                                 p->algorithm->description, cubie_controller_name(p->controller)));
  if (p->controller == CUBIE_CONTROLLER_FIXED)
    CUBIE_CALL(cubie_strbuf_printf(out, ", dt %g", ic->dt));
  else
    CUBIE_CALL(cubie_strbuf_printf(out, ", rtol %g, atol %g", ic->rtol, ic->atol));
  CUBIE_CALL(cubie_strbuf_printf(out, ", %s", p->precision == CUBIE_FLOAT32 ? "float32" : "float64"));
  const cubie_linear_solver_info *ls = cubie_linear_solver_at(p->linear_solver);
  if (ls) CUBIE_CALL(cubie_strbuf_printf(out, ", linear solver %s", ls->name));
  CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  CUBIE_CALL(cubie_strbuf_printf(out, "runs:        %lld", p->total_runs));
  int n_axes = cubie_grid_n_axes(grid);
  if (n_axes > 0) {
    CUBIE_CALL(cubie_strbuf_append(out, " ("));
    for (int a = 0; a < n_axes; a++)
      CUBIE_CALL(cubie_strbuf_printf(out, "%s%s: %lld", a ? ", " : "", cubie_grid_axis_name(grid, a),
                                     cubie_grid_axis_length(grid, a)));
    CUBIE_CALL(cubie_strbuf_printf(out, "; %s)", cfg->batch.grid == CUBIE_GRID_VERBATIM
                                                     ? "verbatim"
                                                     : "combinatorial"));
  }
  CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  if (p->final_only)
    CUBIE_CALL(cubie_strbuf_printf(out, "saves:       final state only, at t = %g\n", p->t_end));
  else
    CUBIE_CALL(cubie_strbuf_printf(out, "saves:       %lld points, t = %g .. %g every %g%s\n",
                                   p->n_saves, p->t_save_start, p->t_end, p->save_every,
                                   p->duration_not_multiple
                                       ? " (duration is not a multiple of save_every; "
                                         "integration stops at the last save)"
                                       : ""));
  if (ic->settling_time > 0)
    CUBIE_CALL(cubie_strbuf_printf(out, "settling:    t = %g .. %g integrated, not saved\n", p->t0,
                                   p->t0 + ic->settling_time));
  CUBIE_CALL(cubie_strbuf_append(out, "outputs:     "));
  for (int i = 0; i < p->n_outputs; i++)
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%s", i ? ", " : "", p->output_names[i]));
  CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  if (p->n_metrics) {
    CUBIE_CALL(cubie_strbuf_printf(out, "summaries:   %lld windows of %lld saves:", p->n_summaries,
                                   p->summary_every));
    for (int i = 0; i < p->n_metrics; i++)
      CUBIE_CALL(cubie_strbuf_printf(out, " %s", p->metrics[i]));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  char size[64];
  cubie_format_bytes((double)p->total_runs * (double)output_bytes_per_run(p), size,
              sizeof size);
  CUBIE_CALL(cubie_strbuf_printf(out, "output:      %s, %s of saved data\n", cfg->output.file, size));
  return CUBIE_OK;
}
