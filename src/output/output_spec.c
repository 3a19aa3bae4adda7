/* output_spec.c — the output file's contents from the job (see output_spec.h). */
#include "output/output_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
  sp->n_metrics = p->n_summary_values;
  sp->metric_names = p->summary_value_names;
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
    for (int a = 0; a < cubie_grid_n_axes(g); a++) s->grid_shape[a] = cubie_grid_axis_length(g, a);
    sp->n_grid_axes = cubie_grid_n_axes(g);
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
