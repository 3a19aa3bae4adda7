/* plan.c — deriving the run plan (see plan.h). */
#include "plan/plan.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/driver_table.h"
#include "plan/linear_solver.h"
#include "plan/sparse_lu.h"
#include "util/error.h"
#include "kernels/status.h"

/* Names the output file uses for its own variables; user quantities that
 * collide with them get a trailing underscore in the file. */
static const char *const reserved_names[] = {
    "run", "time", "summary_time", "summary_time_bounds", "nv", "status", "rank", "mpi_rank",
    "t_final",
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

/* t_final and <state>_final for every state, named unlike anything the
 * file already holds. */
static int resolve_finals(cubie_plan *p, const cubie_model *model) {
  int n_states = cubie_model_n_states(model);
  p->final_names = calloc((size_t)n_states + 1, sizeof *p->final_names);
  int cap = p->n_outputs + p->n_inputs + p->n_fixed + n_states + 1;
  char **taken = calloc((size_t)cap, sizeof *taken);
  CUBIE_CHECK(p->final_names && taken, CUBIE_ERR_MEMORY, "out of memory");
  int n_taken = 0, rc = CUBIE_OK;
  for (int i = 0; i < p->n_outputs; i++) taken[n_taken++] = p->output_names[i];
  for (int i = 0; i < p->n_inputs; i++) taken[n_taken++] = p->input_names[i];
  for (int i = 0; i < p->n_fixed; i++) taken[n_taken++] = p->fixed_names[i];
  p->final_names[0] = strdup("t_final");
  if (!p->final_names[0]) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  char base[512];
  for (int n = 0; n < n_states && !rc; n++) {
    snprintf(base, sizeof base, "%s_final", cubie_model_symbol_name(model, CUBIE_SYMBOL_STATE, n));
    rc = unique_name(base, taken, n_taken, &p->final_names[1 + n]);
    if (!rc) taken[n_taken++] = p->final_names[1 + n];
    if (!rc) p->n_finals_states = n + 1;
  }
  free(taken);
  return rc;
}

/* Every variable name the file will hold fits NetCDF (checked here, so
 * `cubie check` finds it, not the run after compiling); blamed on the
 * deck entry the name comes from. */
static int check_name(const cubie_config *cfg, cubie_mark mark, const char *what, const char *name,
                      const char *suffix) {
  size_t len = strlen(name) + (suffix ? 1 + strlen(suffix) : 0);
  if (len <= CUBIE_MAX_FILE_NAME) return CUBIE_OK;
  return cubie_config_error_at(cfg, mark,
                               "%s '%.40s...%s%s' would be a %zu-character variable name in the "
                               "output file; NetCDF allows at most %d (use a shorter name)",
                               what, name, suffix ? "_" : "", suffix ? suffix : "", len,
                               CUBIE_MAX_FILE_NAME);
}

static int check_names(const cubie_plan *p, const cubie_config *cfg, const cubie_model *model,
                       const cubie_grid *grid) {
  const cubie_output_config *oc = &cfg->output;
  for (int i = 0; i < p->n_outputs; i++) {
    cubie_mark mark = i < oc->n_save && oc->save_marks ? oc->save_marks[i] : cfg->model.equations_mark;
    CUBIE_CALL(check_name(cfg, mark, "saved quantity", p->output_names[i], NULL));
  }
  for (int v = 0; v < p->n_summary_vars; v++) {
    int i = p->summary_items[p->summary_vars[v].item].output;
    cubie_mark mark = i < oc->n_save && oc->save_marks ? oc->save_marks[i] : cfg->model.equations_mark;
    CUBIE_CALL(check_name(cfg, mark, "summary", p->summary_vars[v].name, NULL));
  }
  for (int n = 0; n < p->n_finals_states; n++) {
    cubie_mark mark = n < cfg->model.n_states ? cfg->model.states[n].mark : cfg->model.equations_mark;
    CUBIE_CALL(check_name(cfg, mark, "final state", p->final_names[1 + n], NULL));
  }
  for (int a = 0; a < p->n_inputs && a < cfg->batch.n_sweeps; a++)
    CUBIE_CALL(check_name(cfg, cfg->batch.sweeps[a].mark, "swept input", p->input_names[a], NULL));
  /* Fixed inputs: the unswept states, then the unswept parameters, in the
   * order resolve_inputs named them. */
  int fixed = 0;
  for (int k = 0; k < 2; k++) {
    cubie_symbol_kind kind = k == 0 ? CUBIE_SYMBOL_STATE : CUBIE_SYMBOL_PARAMETER;
    int count = k == 0 ? cubie_model_n_states(model) : cubie_model_n_parameters(model);
    const cubie_symbol_decl *decls = k == 0 ? cfg->model.states : cfg->model.parameters;
    int n_decls = k == 0 ? cfg->model.n_states : cfg->model.n_parameters;
    for (int i = 0; i < count && fixed < p->n_fixed; i++) {
      bool swept = false;
      for (int a = 0; a < cubie_grid_n_axes(grid); a++)
        if (cubie_grid_axis_kind(grid, a) == kind && cubie_grid_axis_index(grid, a) == i)
          swept = true;
      if (swept) continue;
      cubie_mark mark = i < n_decls ? decls[i].mark : cfg->model.equations_mark;
      CUBIE_CALL(check_name(cfg, mark, "input", p->fixed_names[fixed++], NULL));
    }
  }
  return CUBIE_OK;
}

bool cubie_plan_file_bytes(const cubie_plan *p, unsigned long long *bytes) {
  *bytes = ULLONG_MAX;
  unsigned long long real = p->real_size, per_run = 0, part;
  /* Per run: saves, summaries, status (4 bytes), counters (8 bytes each),
   * the swept inputs, the run coordinate, t_final and the final states (8
   * bytes each at most). */
  unsigned long long records = 4ULL + 8ULL * CUBIE_N_COUNTERS +
                               8ULL * (unsigned long long)(p->n_inputs + 2 + p->n_finals_states);
  if (__builtin_mul_overflow((unsigned long long)p->n_saves, (unsigned long long)p->n_outputs, &part) ||
      __builtin_mul_overflow(part, real, &part) || __builtin_add_overflow(per_run, part, &per_run))
    return false;
  if (__builtin_mul_overflow((unsigned long long)p->n_summaries, (unsigned long long)p->n_summary_values, &part) ||
      __builtin_mul_overflow(part, real, &part) || __builtin_add_overflow(per_run, part, &per_run) ||
      __builtin_add_overflow(per_run, records, &per_run))
    return false;
  return !__builtin_mul_overflow(per_run, (unsigned long long)p->total_runs, bytes);
}

/* A plan whose file cannot exist is refused before anything is sized or
 * compiled (a 2^62-run sweep planned "0 B" chunks and hung). */
static int check_file_size(const cubie_plan *p, const cubie_config *cfg) {
  unsigned long long bytes;
  bool fits = cubie_plan_file_bytes(p, &bytes);
  if (fits && bytes <= CUBIE_MAX_FILE_BYTES) return CUBIE_OK;
  cubie_mark mark = cfg->batch.n_sweeps > 0 ? cfg->batch.sweeps[0].mark : cfg->model.equations_mark;
  char size[32];
  cubie_format_bytes(fits ? (double)bytes : 18446744073709551616.0, size, sizeof size);
  return cubie_config_error_at(cfg, mark,
                               "this plan cannot be written: %lld runs would fill an output file of "
                               "%s%s, more than the %s any file system holds; sweep fewer runs or "
                               "save less per run",
                               p->total_runs, fits ? "" : "more than ", size, "1 EiB");
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
  a->summary_every = p->n_summary_items ? p->summary_every : 0;
  a->n_summaries = p->n_summary_items ? p->n_summaries : 0;
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
  snprintf(p->linear_solver_why, sizeof p->linear_solver_why, "%s",
           ic->linear_solver == CUBIE_LINEAR_SOLVER_AUTO ? "auto" : "integrator.linear_solver");
  p->n_events = cubie_model_n_events(model);
  p->event_slots = cubie_model_event_record_slots(model);
  p->t0 = ic->t0;
  p->t_save_start = ic->t0 + ic->settling_time;
  if (cfg->output.save_every_set) {
    double ratio = ic->duration / cfg->output.save_every;
    long long intervals = (long long)floor(ratio + 1e-9 * (ratio > 1 ? ratio : 1));
    p->save_every = cfg->output.save_every;
    p->save_intervals = intervals;
    p->duration_not_multiple =
        fabs((double)intervals * p->save_every - ic->duration) > 1e-9 * ic->duration;
    /* t_end is always saved: when save_every does not divide the duration,
     * as one more save point after the last whole interval (docs/output.md). */
    p->n_saves = intervals + 1 + (p->duration_not_multiple ? 1 : 0);
    p->t_end = p->duration_not_multiple ? p->t_save_start + ic->duration
                                        : p->t_save_start + (double)intervals * p->save_every;
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
  if (!rc) rc = resolve_finals(p, model);
  if (!rc) rc = cubie_plan_resolve_summaries(p, cfg, model);
  if (!rc) rc = cubie_driver_table_build(cfg, &p->driver_table, &p->driver_table_length);
  if (!rc) rc = check_names(p, cfg, model, grid);
  if (!rc) rc = check_file_size(p, cfg);
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
  cubie_plan_free_summaries(p);
  cubie_sparse_lu_destroy(&p->sparse_lu);
  free(p->driver_table);
  free(p->outputs);
  free_names(p->output_names, p->n_outputs);
  free_names(p->input_names, p->n_inputs);
  free_names(p->fixed_names, p->n_fixed);
  if (p->final_names) free_names(p->final_names, 1 + p->n_finals_states);
  free(p->fixed_values);
  free(p->fixed_kinds);
  free(p->fixed_indices);
  free(p);
  *plan = NULL;
}

/* Bytes of saved data one run produces (saves and summaries). */
static size_t output_bytes_per_run(const cubie_plan *p) {
  size_t saves = (size_t)p->n_saves * (size_t)p->n_outputs * p->real_size;
  size_t summaries = (size_t)p->n_summaries * (size_t)p->n_summary_values * p->real_size;
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
  CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  const cubie_linear_solver_info *ls = cubie_linear_solver_at(p->linear_solver);
  if (ls) CUBIE_CALL(cubie_strbuf_printf(out, "linear solver: %s (%s)\n", ls->name, p->linear_solver_why));
  const cubie_sparse_lu *lu = p->sparse_lu;
  if (lu) {
    char other[64] = "";
    long long alt = lu->order == CUBIE_SPARSE_ORDER_NATURAL ? lu->minimum_degree_operations
                                                            : lu->natural_operations;
    if (alt >= 0)
      snprintf(other, sizeof other, "; %s order: %lld",
               cubie_sparse_order_name(lu->order == CUBIE_SPARSE_ORDER_NATURAL
                                           ? CUBIE_SPARSE_ORDER_MINIMUM_DEGREE
                                           : CUBIE_SPARSE_ORDER_NATURAL),
               alt);
    CUBIE_CALL(cubie_strbuf_printf(out,
                                   "             %s order: factors of %d entries (%d of them "
                                   "fill), %lld multiply-adds per factorisation%s\n",
                                   cubie_sparse_order_name(lu->order), lu->nnz, lu->fill,
                                   lu->operations, other));
  }
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
  if (cfg->batch.samples > 0) { /* the sampled axes: one design, its points shared */
    static const char *const kinds[] = {"", "", "", "sobol", "latin_hypercube", "random", "file"};
    static const char *const dists[] = {"uniform", "normal", "lognormal"};
    CUBIE_CALL(cubie_strbuf_printf(out, "design:      %lld samples, seed %llu:", cfg->batch.samples,
                                   cfg->batch.seed));
    for (int a = 0, first = 1; a < cfg->batch.n_sweeps; a++) {
      const cubie_sweep *sw = &cfg->batch.sweeps[a];
      if (!CUBIE_SWEEP_SAMPLED(sw->kind)) continue;
      CUBIE_CALL(cubie_strbuf_printf(out, "%s %s %s%s%s", first ? "" : ",", sw->name, kinds[sw->kind],
                                     sw->kind == CUBIE_SWEEP_RANDOM ? " " : "",
                                     sw->kind == CUBIE_SWEEP_RANDOM ? dists[sw->distribution]
                                     : sw->kind == CUBIE_SWEEP_SOBOL && !sw->scramble ? " (unscrambled)"
                                                                                       : ""));
      first = 0;
    }
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  if (p->final_only)
    CUBIE_CALL(cubie_strbuf_printf(out, "saves:       final state only, at t = %g\n", p->t_end));
  else
    CUBIE_CALL(cubie_strbuf_printf(out, "saves:       %lld points, t = %g .. %g every %g%s\n",
                                   p->n_saves, p->t_save_start, p->t_end, p->save_every,
                                   p->duration_not_multiple
                                       ? " (duration is not a multiple of save_every: the "
                                         "last save point is t_end, after a shorter interval)"
                                       : ""));
  if (ic->settling_time > 0)
    CUBIE_CALL(cubie_strbuf_printf(out, "settling:    t = %g .. %g integrated, not saved\n", p->t0,
                                   p->t0 + ic->settling_time));
  CUBIE_CALL(cubie_strbuf_append(out, "outputs:     "));
  for (int i = 0; i < p->n_outputs; i++)
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%s", i ? ", " : "", p->output_names[i]));
  CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  if (p->n_summary_items) {
    CUBIE_CALL(cubie_strbuf_printf(out, "summaries:   %lld windows of %lld saves: ", p->n_summaries,
                                   p->summary_every));
    CUBIE_CALL(cubie_plan_describe_summaries(p, out));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  char size[64];
  cubie_format_bytes((double)p->total_runs * (double)output_bytes_per_run(p), size,
              sizeof size);
  CUBIE_CALL(cubie_strbuf_printf(out, "output:      %s, %s of saved data\n", cfg->output.file, size));
  return CUBIE_OK;
}
