/* summary_plan.c — which summary metrics of which saved quantities a job
 * computes, where each keeps its accumulators and values, and the file
 * variables they become (see plan.h: cubie_plan_resolve_summaries).
 *
 * Items are laid out output by output (in output order), each output's
 * metrics in the deck's order, accumulators and values packed in that
 * order: for one list for every output this is the layout the kernels
 * always had (output v's values from v·values-per-output). The counts come
 * from kernels/metrics.def through plan/summary_metrics.h, the same
 * expressions the kernels sum (kernel_source.c makes every build check
 * that they agree).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "util/error.h"

/* Does request `r` ask for output `v` (its model name)? */
static bool applies(const cubie_summary_request *r, const cubie_plan *p, const cubie_model *model,
                    int v) {
  if (!r->variable) return true;
  const char *name = cubie_model_symbol_name(model, p->outputs[v].kind, p->outputs[v].index);
  return strcmp(r->variable, name) == 0;
}

static int add_vars(cubie_plan *p, int item) {
  const cubie_summary_item *it = &p->summary_items[item];
  const cubie_metric_info *m = it->metric;
  int width = m->counted ? it->count : 1;
  for (int k = 0; k < m->values; k++) {
    cubie_summary_var *sv = &p->summary_vars[p->n_summary_vars];
    char suffix[96];
    CUBIE_CALL(cubie_metric_value_name(m, k, suffix, sizeof suffix));
    const char *out = p->output_names[it->output];
    size_t len = strlen(out) + strlen(suffix) + 2;
    sv->name = malloc(len);
    CUBIE_CHECK(sv->name, CUBIE_ERR_MEMORY, "out of memory naming summaries");
    snprintf(sv->name, len, "%s_%s", out, suffix);
    sv->item = item;
    sv->value = k;
    sv->first = it->value_offset + k * width;
    sv->width = width;
    p->n_summary_vars++;
  }
  return CUBIE_OK;
}

int cubie_plan_resolve_summaries(cubie_plan *p, const cubie_config *cfg, const cubie_model *model) {
  const cubie_output_config *oc = &cfg->output;
  if (!oc->summaries_set || oc->n_summary_requests == 0) return CUBIE_OK;
  size_t cap = (size_t)p->n_outputs * (size_t)oc->n_summary_requests + 1;
  p->summary_items = calloc(cap, sizeof *p->summary_items);
  CUBIE_CHECK(p->summary_items, CUBIE_ERR_MEMORY, "out of memory planning summaries");
  int n_vars = 0;
  for (int v = 0; v < p->n_outputs; v++) {
    for (int q = 0; q < oc->n_summary_requests; q++) {
      const cubie_summary_request *r = &oc->summary_requests[q];
      if (!applies(r, p, model, v)) continue;
      const cubie_metric_info *m = cubie_metric_find(r->metric);
      CUBIE_CHECK(m, CUBIE_ERR_INTERNAL, "unvalidated summary metric '%s'", r->metric);
      cubie_summary_item *it = &p->summary_items[p->n_summary_items++];
      it->output = v;
      it->metric = m;
      it->count = r->count;
      it->accumulator_offset = p->n_summary_accumulators;
      it->value_offset = p->n_summary_values;
      p->n_summary_accumulators += m->accumulators(r->count);
      p->n_summary_values += cubie_metric_numbers(m, r->count);
      n_vars += m->values;
    }
  }
  p->summary_vars = calloc((size_t)n_vars + 1, sizeof *p->summary_vars);
  CUBIE_CHECK(p->summary_vars, CUBIE_ERR_MEMORY, "out of memory planning summaries");
  for (int i = 0; i < p->n_summary_items; i++) CUBIE_CALL(add_vars(p, i));
  double ratio = oc->summary_every / p->save_every;
  p->summary_every = (long long)llround(ratio);
  CUBIE_CHECK(p->summary_every >= 1, CUBIE_ERR_INTERNAL, "summary window shorter than a save");
  /* Whole windows of the uniform grid: the short last interval to a t_end
   * that save_every does not divide is in none. */
  p->n_summaries = p->save_intervals / p->summary_every;
  return CUBIE_OK;
}

void cubie_plan_free_summaries(cubie_plan *p) {
  for (int i = 0; i < p->n_summary_vars; i++) free(p->summary_vars[i].name);
  free(p->summary_vars);
  free(p->summary_items);
  p->summary_vars = NULL;
  p->summary_items = NULL;
  p->n_summary_vars = p->n_summary_items = 0;
}

/* One output's metrics: "mean max peaks[3]". */
static int describe_output(const cubie_plan *p, int v, cubie_strbuf *out) {
  int n = 0;
  for (int i = 0; i < p->n_summary_items; i++) {
    const cubie_summary_item *it = &p->summary_items[i];
    if (it->output != v) continue;
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%s", n++ ? " " : "", it->metric->name));
    if (it->metric->counted) CUBIE_CALL(cubie_strbuf_printf(out, "[%d]", it->count));
  }
  return CUBIE_OK;
}

static bool same_metrics(const cubie_plan *p, int v, int w) {
  int i = 0, k = 0;
  for (;;) {
    while (i < p->n_summary_items && p->summary_items[i].output != v) i++;
    while (k < p->n_summary_items && p->summary_items[k].output != w) k++;
    if (i == p->n_summary_items || k == p->n_summary_items)
      return i == p->n_summary_items && k == p->n_summary_items;
    if (p->summary_items[i].metric != p->summary_items[k].metric ||
        p->summary_items[i].count != p->summary_items[k].count)
      return false;
    i++, k++;
  }
}

int cubie_plan_describe_summaries(const cubie_plan *p, cubie_strbuf *out) {
  bool uniform = true;
  for (int v = 1; v < p->n_outputs; v++) uniform = uniform && same_metrics(p, 0, v);
  if (uniform) return describe_output(p, 0, out); /* one list for every output */
  int groups = 0;
  for (int v = 0; v < p->n_outputs; v++) {
    bool any = false;
    for (int i = 0; i < p->n_summary_items; i++) any = any || p->summary_items[i].output == v;
    if (!any) continue;
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%s: ", groups++ ? "; " : "", p->output_names[v]));
    CUBIE_CALL(describe_output(p, v, out));
  }
  return CUBIE_OK;
}
