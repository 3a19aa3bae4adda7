/* output_spec.c — the output file's contents from the job (see output_spec.h). */
#include "output/output_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output_impl.h"
#include "plan/driver_table.h"
#include "util/error.h"
#include "util/growable.h"

static int own(cubie_output_spec_storage *s, char *text, const char **out) {
  CUBIE_CHECK(text, CUBIE_ERR_MEMORY, "out of memory");
  int rc = CUBIE_GROW(s->owned, s->n_owned + 1, s->cap_owned, "the output's strings");
  if (rc) {
    free(text);
    return rc;
  }
  s->owned[s->n_owned++] = text;
  *out = text;
  return CUBIE_OK;
}

static int ownf(cubie_output_spec_storage *s, const char **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ownf(cubie_output_spec_storage *s, const char **out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *text = malloc((size_t)n + 1);
  CUBIE_CHECK(text, CUBIE_ERR_MEMORY, "out of memory");
  va_start(ap, fmt);
  vsnprintf(text, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return own(s, text, out);
}

static int add_attribute(cubie_output_spec_storage *s, const char *name, const char *value) {
  CUBIE_CHECK(s->spec.n_attributes < CUBIE_MAX_PROVENANCE, CUBIE_ERR_INTERNAL,
              "too many provenance attributes");
  s->attributes[s->spec.n_attributes].name = name;
  s->attributes[s->spec.n_attributes].value = value ? value : "";
  s->spec.n_attributes++;
  return CUBIE_OK;
}

static int add_provenance(const cubie_job *job, const cubie_run_report *report,
                          const cubie_run_settings *settings, cubie_output_spec_storage *s) {
  const cubie_config *cfg = job->cfg;
  const cubie_plan *p = job->plan;
  const char *v;
  CUBIE_CALL(ownf(s, &v, "cubie run of model '%s'", cubie_model_name(job->model)));
  CUBIE_CALL(add_attribute(s, "title", v));
  CUBIE_CALL(ownf(s, &v, "cubie %s", CUBIE_VERSION));
  CUBIE_CALL(add_attribute(s, "source", v));
  CUBIE_CALL(add_attribute(s, "cubie_version", CUBIE_VERSION));
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  CUBIE_CALL(ownf(s, &v, "%s %s", date, settings && settings->command_line ? settings->command_line : "cubie run"));
  CUBIE_CALL(add_attribute(s, "history", v));
  CUBIE_CALL(ownf(s, &v, "%s", host));
  CUBIE_CALL(add_attribute(s, "cubie_host", v));
  CUBIE_CALL(add_attribute(s, "cubie_backend", report->backend));
  CUBIE_CALL(add_attribute(s, "cubie_device", report->device));
  CUBIE_CALL(ownf(s, &v, "%d", report->n_ranks));
  CUBIE_CALL(add_attribute(s, "cubie_ranks", v));
  CUBIE_CALL(add_attribute(s, "cubie_model", cubie_model_name(job->model)));
  CUBIE_CALL(add_attribute(s, "cubie_algorithm", p->algorithm->name));
  CUBIE_CALL(add_attribute(s, "cubie_step_control", cubie_controller_name(p->controller)));
  CUBIE_CALL(add_attribute(s, "cubie_precision", p->precision == CUBIE_FLOAT32 ? "float32" : "float64"));
  CUBIE_CALL(ownf(s, &v, "%.17g", cfg->integrator.rtol));
  CUBIE_CALL(add_attribute(s, "cubie_rtol", v));
  CUBIE_CALL(ownf(s, &v, "%.17g", cfg->integrator.atol));
  CUBIE_CALL(add_attribute(s, "cubie_atol", v));
  CUBIE_CALL(add_attribute(s, "cubie_deck_path", cfg->path));
  CUBIE_CALL(add_attribute(s, "cubie_deck", cfg->text));
  /* The --set arguments, one per line, so the run can be repeated exactly
   * (and --resume can tell it is the same job). */
  char *joined = cubie_output_spec_overrides(cfg);
  CUBIE_CHECK(joined, CUBIE_ERR_MEMORY, "out of memory");
  CUBIE_CALL(own(s, joined, &v));
  CUBIE_CALL(add_attribute(s, "cubie_overrides", v));
  /* The drivers' data: the deck names their files, this says what they held. */
  if (p->driver_table_length > 0) {
    char hex[65];
    cubie_driver_table_digest(p->driver_table, p->driver_table_length, hex);
    CUBIE_CALL(ownf(s, &v, "%s", hex));
    CUBIE_CALL(add_attribute(s, "cubie_drivers_sha256", v));
  }
  return CUBIE_OK;
}

/* The units of a quantity in `units` per time unit (power 1 or 2), in
 * UDUNITS syntax: "m/s", "m/s2", "1/s"; "days since 2000-01-01" counts in
 * days ("d"). Time without units ("1") leaves the quantity's units. */
static int units_per_time(cubie_output_spec_storage *s, const char *units, const char *time_units,
                          int power, const char **out) {
  char unit[64];
  size_t len = strcspn(time_units, " ");
  snprintf(unit, sizeof unit, "%.*s", (int)len, time_units);
  if (strcmp(unit, "1") == 0) {
    *out = units;
    return CUBIE_OK;
  }
  return ownf(s, out, "%s/%s%s", units ? units : "1", cubie_output_cf_units(unit),
              power == 2 ? "2" : "");
}

/* The file's summary variables from the plan's (plan/summary_plan.c). */
static int build_summaries(const cubie_plan *p, cubie_output_spec_storage *s) {
  cubie_output_spec *sp = &s->spec;
  s->summaries = calloc((size_t)p->n_summary_vars + 1, sizeof *s->summaries);
  CUBIE_CHECK(s->summaries, CUBIE_ERR_MEMORY, "out of memory");
  for (int v = 0; v < p->n_summary_vars; v++) {
    const cubie_summary_var *pv = &p->summary_vars[v];
    const cubie_summary_item *it = &p->summary_items[pv->item];
    const cubie_metric_info *m = it->metric;
    const cubie_output_variable *of = &s->outputs[it->output];
    cubie_output_summary *sv = &s->summaries[v];
    sv->name = pv->name;
    sv->width = pv->width;
    if (m->counted) CUBIE_CALL(ownf(s, &sv->dim, "%s_%d", m->name, it->count));
    char word[64], metric[80];
    const char *method = cubie_metric_value_cell_method(m, pv->value, word, sizeof word);
    if (method) CUBIE_CALL(ownf(s, &sv->cell_method, "%s", method));
    if (m->counted)
      snprintf(metric, sizeof metric, "%s[%d]", m->name, it->count);
    else
      snprintf(metric, sizeof metric, "%s", m->name);
    if (m->values > 1) {
      char suffix[96];
      CUBIE_CALL(cubie_metric_value_name(m, pv->value, suffix, sizeof suffix));
      CUBIE_CALL(ownf(s, &sv->long_name, "%s %s of %s over each summary window", metric,
                      suffix + strlen(m->name) + 1, of->long_name ? of->long_name : of->name));
    } else {
      CUBIE_CALL(ownf(s, &sv->long_name, "%s of %s over each summary window", metric,
                      of->long_name ? of->long_name : of->name));
    }
    switch (cubie_metric_value_units(m, pv->value)) {
      case CUBIE_METRIC_UNITS_SAME: sv->units = of->units; break;
      case CUBIE_METRIC_UNITS_TIME: sv->units = sp->time_units; break;
      case CUBIE_METRIC_UNITS_PER_TIME:
        CUBIE_CALL(units_per_time(s, of->units, sp->time_units, 1, &sv->units));
        break;
      case CUBIE_METRIC_UNITS_PER_TIME2:
        CUBIE_CALL(units_per_time(s, of->units, sp->time_units, 2, &sv->units));
        break;
    }
  }
  sp->n_summary_vars = p->n_summary_vars;
  sp->summaries = s->summaries;
  return CUBIE_OK;
}

int cubie_output_spec_build(const cubie_job *job, const cubie_run_report *report,
                            const cubie_run_settings *settings, long long run_block,
                            cubie_output_spec_storage *s) {
  memset(s, 0, sizeof *s);
  const cubie_plan *p = job->plan;
  const cubie_model *m = job->model;
  const cubie_config *cfg = job->cfg;
  cubie_output_spec *sp = &s->spec;
  sp->path = cfg->output.file;
  sp->overwrite = settings && settings->overwrite;
  sp->collective = true;
  sp->precision = p->precision;
  sp->compression = cfg->output.compression;
  sp->total_runs = p->total_runs;
  sp->rank_weights = cfg->run.decomposition == CUBIE_DECOMP_WEIGHTED;
  sp->run_block = run_block > 0 ? run_block : 1;
  sp->n_saves = p->n_saves;
  sp->t_save_start = p->t_save_start;
  sp->save_every = p->save_every;
  sp->t_end = p->t_end;
  sp->time_units = cfg->model.time_units ? cfg->model.time_units : "1";

  s->outputs = calloc((size_t)p->n_outputs + 1, sizeof *s->outputs);
  s->inputs = calloc((size_t)p->n_inputs + 1, sizeof *s->inputs);
  s->fixed = calloc((size_t)p->n_fixed + 1, sizeof *s->fixed);
  CUBIE_CHECK(s->outputs && s->inputs && s->fixed, CUBIE_ERR_MEMORY, "out of memory");
  for (int i = 0; i < p->n_outputs; i++) {
    cubie_symbol_kind kind = p->outputs[i].kind;
    int index = p->outputs[i].index;
    s->outputs[i].name = p->output_names[i];
    s->outputs[i].units = cubie_model_symbol_units(m, kind, index);
    s->outputs[i].long_name = cubie_model_symbol_long_name(m, kind, index);
    if (!s->outputs[i].long_name) s->outputs[i].long_name = cubie_model_symbol_name(m, kind, index);
  }
  sp->n_outputs = p->n_outputs;
  sp->outputs = s->outputs;

  /* One summary variable per value of each metric (kernels/metrics.def). */
  CUBIE_CALL(build_summaries(p, s));
  sp->n_summaries = p->n_summaries;
  sp->summary_every = p->summary_every;

  const cubie_grid *g = job->grid;
  for (int a = 0; a < p->n_inputs; a++) {
    cubie_symbol_kind kind = cubie_grid_axis_kind(g, a);
    int index = cubie_grid_axis_index(g, a);
    const char *name = cubie_model_symbol_name(m, kind, index);
    const char *ln = cubie_model_symbol_long_name(m, kind, index);
    s->inputs[a].name = p->input_names[a];
    s->inputs[a].units = cubie_model_symbol_units(m, kind, index);
    if (kind == CUBIE_SYMBOL_STATE)
      CUBIE_CALL(ownf(s, &s->inputs[a].long_name, "initial value of %s", ln ? ln : name));
    else
      s->inputs[a].long_name = ln ? ln : name;
  }
  sp->n_inputs = p->n_inputs;
  sp->inputs = s->inputs;

  /* Where each run ended: the time reached, then the last accepted state. */
  s->finals = calloc((size_t)p->n_finals_states + 1, sizeof *s->finals);
  CUBIE_CHECK(s->finals, CUBIE_ERR_MEMORY, "out of memory");
  s->finals[0].name = p->final_names[0];
  s->finals[0].units = sp->time_units;
  s->finals[0].long_name = "time the run reached: t_end, or where it stopped (status says why)";
  for (int n = 0; n < p->n_finals_states; n++) {
    const char *name = cubie_model_symbol_name(m, CUBIE_SYMBOL_STATE, n);
    const char *ln = cubie_model_symbol_long_name(m, CUBIE_SYMBOL_STATE, n);
    s->finals[1 + n].name = p->final_names[1 + n];
    s->finals[1 + n].units = cubie_model_symbol_units(m, CUBIE_SYMBOL_STATE, n);
    CUBIE_CALL(ownf(s, &s->finals[1 + n].long_name, "%s at t_final (the last accepted step)",
                    ln ? ln : name));
  }
  sp->n_finals = 1 + p->n_finals_states;
  sp->finals = s->finals;

  /* Inputs no axis sweeps: units and long_name from the deck, as the
   * swept ones ("initial value of ..." for a state). */
  for (int i = 0; i < p->n_fixed; i++) {
    cubie_symbol_kind kind = (cubie_symbol_kind)p->fixed_kinds[i];
    int index = p->fixed_indices[i];
    const char *name = cubie_model_symbol_name(m, kind, index);
    const char *ln = cubie_model_symbol_long_name(m, kind, index);
    s->fixed[i].name = p->fixed_names[i];
    s->fixed[i].units = cubie_model_symbol_units(m, kind, index);
    if (kind == CUBIE_SYMBOL_STATE)
      CUBIE_CALL(ownf(s, &s->fixed[i].long_name, "initial value of %s", ln ? ln : name));
    else
      s->fixed[i].long_name = ln ? ln : name;
  }
  sp->n_fixed = p->n_fixed;
  sp->fixed = s->fixed;

  int n_events = cubie_model_n_events(m);
  if (n_events > 0) { /* kernels/events.h's record, as src/output/output_events.c writes it */
    s->event_names = calloc((size_t)n_events, sizeof *s->event_names);
    s->event_max_saved = calloc((size_t)n_events, sizeof *s->event_max_saved);
    CUBIE_CHECK(s->event_names && s->event_max_saved, CUBIE_ERR_MEMORY, "out of memory");
    for (int e = 0; e < n_events; e++) {
      s->event_names[e] = cubie_model_event_name(m, e);
      s->event_max_saved[e] = cubie_model_event_max_saved(m, e);
    }
    sp->n_events = n_events;
    sp->event_names = s->event_names;
    sp->event_max_saved = s->event_max_saved;
    sp->event_t_end = cubie_model_events_any_terminal(m) != 0;
  }
  sp->fixed_values = p->fixed_values;

  if (cfg->batch.grid == CUBIE_GRID_COMBINATORIAL && cubie_grid_n_axes(g) > 0 &&
      cubie_grid_n_axes(g) <= 64) {
    int dims = 0; /* a sampled design's axes move together: one dimension */
    for (int a = 0; a < cubie_grid_n_axes(g); a++)
      if (!cubie_grid_axis_zipped(g, a)) s->grid_shape[dims++] = cubie_grid_axis_length(g, a);
    sp->n_grid_axes = dims;
    sp->grid_shape = s->grid_shape;
  }
  CUBIE_CALL(add_provenance(job, report, settings, s));
  sp->attributes = s->attributes;
  return CUBIE_OK;
}

void cubie_output_spec_free(cubie_output_spec_storage *s) {
  for (int i = 0; i < s->n_owned; i++) free(s->owned[i]);
  free(s->owned);
  free(s->outputs);
  free(s->inputs);
  free(s->fixed);
  free(s->finals);
  free(s->summaries);
  free(s->event_names);
  free(s->event_max_saved);
  memset(s, 0, sizeof *s);
}

char *cubie_output_spec_overrides(const cubie_config *cfg) {
  size_t len = 1;
  for (int i = 0; i < cfg->n_overrides; i++) len += strlen(cfg->overrides[i]) + 1;
  char *joined = calloc(len, 1);
  if (!joined) return NULL;
  for (int i = 0; i < cfg->n_overrides; i++) {
    strcat(joined, cfg->overrides[i]);
    strcat(joined, "\n");
  }
  return joined;
}
