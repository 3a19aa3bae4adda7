/* config_summaries.c — the `output.summaries` section: the window length
 * and which metrics of which saved variables (see config_sections.h and
 * docs/deck.md "Summaries").
 *
 * `metrics` is a list for every saved variable, or a mapping from saved
 * variables to lists. An item is a metric name, a counted metric as
 * "peaks[3]" (quoted inside a flow list: YAML reads [ ] there) or as the
 * one-key mapping {peaks: 3} (`- peaks: 3` in a block list). Everything is
 * checked here against kernels/metrics.def and output.save, each error at
 * the item's line and column; the model checks the saved names later.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "kernels/metrics.def"
#include "plan/summary_metrics.h"
#include "util/error.h"
#include "util/growable.h"
#include "util/suggest.h"

static const char *const summary_keys[] = {"every", "metrics"};

typedef struct request_list {
  cubie_summary_request *items;
  int n;
  size_t cap;
} request_list;

static int add_request(request_list *l, const char *variable, cubie_mark variable_mark,
                       const cubie_metric_info *m, int count, cubie_mark mark) {
  CUBIE_CALL(CUBIE_GROW(l->items, l->n + 1, l->cap, "the summary metrics"));
  cubie_summary_request *r = &l->items[l->n];
  memset(r, 0, sizeof *r);
  r->count = count;
  r->mark = mark;
  r->variable_mark = variable_mark;
  l->n++; /* owned from now on, freed with the config */
  CUBIE_CALL(cubie_deck_strdup(m->name, &r->metric));
  CUBIE_CALL(cubie_deck_strdup(variable, &r->variable));
  return CUBIE_OK;
}

/* The metric called `word` (the deck's spelling, for the message). */
static int find_metric(const cubie_config *cfg, cubie_mark mark, const char *word,
                       const cubie_metric_info **m) {
  *m = cubie_metric_find(word);
  if (*m) return CUBIE_OK;
  const char *const *names = cubie_metric_names();
  return cubie_deck_unknown_choice(cfg, mark, "summary metric", word, names, cubie_metric_count(),
                                   names, cubie_metric_count());
}

/* A count: a whole number 1 .. CUBIE_METRIC_MAX_COUNT, and only for
 * metrics that take one. */
static int check_count(const cubie_config *cfg, cubie_mark mark, const cubie_metric_info *m,
                       bool given, long long count) {
  if (!given && m->counted)
    return cubie_config_error_at(cfg, mark,
                                 "summary metric '%s' needs a count: \"%s[3]\" (quoted in a "
                                 "[...] list) or {%s: 3}",
                                 m->name, m->name, m->name);
  if (given && !m->counted)
    return cubie_config_error_at(cfg, mark, "summary metric '%s' takes no count; write %s", m->name,
                                 m->name);
  if (given && (count < 1 || count > CUBIE_METRIC_MAX_COUNT))
    return cubie_config_error_at(cfg, mark, "the count of '%s' must be 1 .. %d, not %lld", m->name,
                                 CUBIE_METRIC_MAX_COUNT, count);
  return CUBIE_OK;
}

/* "name" or "name[count]". */
static int parse_word(const cubie_config *cfg, const cubie_ynode *item, const cubie_metric_info **m,
                      int *count) {
  const char *text = item->text, *open = strchr(text, '[');
  char word[64];
  size_t len = open ? (size_t)(open - text) : strlen(text);
  if (len == 0 || len >= sizeof word)
    return cubie_config_error_at(cfg, item->mark, "'%s' is not a summary metric", text);
  memcpy(word, text, len);
  word[len] = '\0';
  CUBIE_CALL(find_metric(cfg, item->mark, word, m));
  long long n = 0;
  if (open) {
    char *end = NULL;
    n = strtoll(open + 1, &end, 10);
    if (end == open + 1 || !isdigit((unsigned char)open[1]) || strcmp(end, "]") != 0)
      return cubie_config_error_at(cfg, item->mark,
                                   "'%s': write a count as %s[3], a whole number in brackets",
                                   text, word);
  }
  CUBIE_CALL(check_count(cfg, item->mark, *m, open != NULL, n));
  *count = (int)n;
  return CUBIE_OK;
}

/* One list of metrics for `variable` (NULL: every saved variable). */
static int read_list(const cubie_config *cfg, const cubie_ynode *list, const char *what,
                     const char *variable, cubie_mark variable_mark, request_list *out) {
  CUBIE_CALL(cubie_deck_node_list(cfg, list, what));
  if (list->n == 0)
    return cubie_config_error_at(cfg, list->mark, "%s is empty; list at least one summary metric",
                                 what);
  int first = out->n;
  for (int i = 0; i < list->n; i++) {
    const cubie_ynode *item = list->items[i];
    const cubie_metric_info *m = NULL;
    int count = 0;
    if (item->kind == CUBIE_YNODE_SCALAR && !cubie_ynode_is_null(item)) {
      CUBIE_CALL(parse_word(cfg, item, &m, &count));
    } else if (item->kind == CUBIE_YNODE_MAPPING && item->n == 1) {
      /* {peaks: 3} */
      CUBIE_CALL(find_metric(cfg, item->keys[0]->mark, item->keys[0]->text, &m));
      char item_what[300];
      snprintf(item_what, sizeof item_what, "the count of %s", m->name);
      long long n = 0;
      if (!m->counted)
        return cubie_config_error_at(cfg, item->mark, "summary metric '%s' takes no count; write %s",
                                     m->name, m->name);
      CUBIE_CALL(cubie_deck_node_integer(cfg, item->items[0], item_what, 1, CUBIE_METRIC_MAX_COUNT,
                                         &n));
      count = (int)n;
    } else {
      char buf[96];
      return cubie_config_error_at(cfg, item->mark,
                                   "%s[%d] must be a metric name, \"name[count]\" or {name: count}, "
                                   "not %s",
                                   what, i, cubie_deck_describe(item, buf, sizeof buf));
    }
    /* Twice (even with other counts) would name two file variables alike. */
    for (int k = first; k < out->n; k++)
      if (strcmp(out->items[k].metric, m->name) == 0)
        return cubie_config_error_at(cfg, item->mark, "%s lists '%s' twice (first at %d:%d)",
                                     what, m->name, out->items[k].mark.line,
                                     out->items[k].mark.column);
    CUBIE_CALL(add_request(out, variable, variable ? variable_mark : item->mark, m, count,
                           item->mark));
  }
  return CUBIE_OK;
}

static bool is_saved(const cubie_output_config *o, const char *name) {
  for (int i = 0; i < o->n_save; i++)
    if (strcmp(o->save[i], name) == 0) return true;
  return false;
}

/* Every in_default metric of metrics.def for every saved variable, blamed
 * on the summaries key. */
static int default_requests(cubie_mark mark, request_list *out) {
  for (int i = 0; i < cubie_metric_count(); i++)
    if (cubie_metric_at(i)->in_default)
      CUBIE_CALL(add_request(out, NULL, mark, cubie_metric_at(i), 0, mark));
  return CUBIE_OK;
}

static int read_metrics(cubie_config *cfg, const cubie_deck_section *sum, request_list *out) {
  cubie_mark key_mark = sum->mark;
  const cubie_ynode *metrics = cubie_deck_get(sum, "metrics", &key_mark);
  if (cubie_deck_is_unset(metrics)) return default_requests(sum->mark, out);
  if (metrics->kind != CUBIE_YNODE_MAPPING)
    return read_list(cfg, metrics, "output.summaries.metrics", NULL, metrics->mark, out);
  /* Per variable: {x: [mean, std], energy: ["peaks[3]"]}. */
  const cubie_output_config *o = &cfg->output;
  if (metrics->n == 0)
    return cubie_config_error_at(cfg, metrics->mark,
                                 "output.summaries.metrics is empty; list metrics, or map saved "
                                 "variables to lists of metrics");
  for (int i = 0; i < metrics->n; i++) {
    const cubie_ynode *key = metrics->keys[i];
    const cubie_metric_info *as_metric = cubie_metric_find(key->text);
    if (!is_saved(o, key->text) && as_metric) {
      /* {peaks: 3} as the whole mapping reads as a variable 'peaks' */
      char fix[160];
      if (as_metric->counted)
        snprintf(fix, sizeof fix, "[%s: 3] or [\"%s[3]\"]", key->text, key->text);
      else
        snprintf(fix, sizeof fix, "[%s]", key->text);
      return cubie_config_error_at(cfg, key->mark,
                                   "output.summaries.metrics: '%s' is a summary metric, not a saved "
                                   "variable (a mapping here maps saved variables to lists); for "
                                   "every saved variable write %s",
                                   key->text, fix);
    }
    if (!is_saved(o, key->text)) {
      char saved[512] = "";
      for (int k = 0; k < o->n_save && strlen(saved) < sizeof saved - 80; k++)
        snprintf(saved + strlen(saved), sizeof saved - strlen(saved), "%s%s", k ? ", " : "",
                 o->save[k]);
      const char *hint = cubie_suggest(key->text, (const char *const *)o->save, (size_t)o->n_save);
      return cubie_config_error_at(cfg, key->mark,
                                   "output.summaries.metrics: '%s' is not a saved variable%s%s%s "
                                   "(output.save: %s); summaries are of saved variables",
                                   key->text, hint ? "; did you mean '" : "", hint ? hint : "",
                                   hint ? "'?" : "", saved);
    }
    char what[300];
    snprintf(what, sizeof what, "output.summaries.metrics.%s", key->text);
    CUBIE_CALL(read_list(cfg, metrics->items[i], what, key->text, key->mark, out));
  }
  return CUBIE_OK;
}

int cubie_config_read_summaries(cubie_config *cfg, const cubie_deck_section *s) {
  cubie_output_config *o = &cfg->output;
  cubie_deck_section sum;
  CUBIE_CALL(cubie_deck_section_open(cfg, s, "summaries", &sum));
  if (!sum.map) return CUBIE_OK;
  CUBIE_CALL(cubie_deck_check_keys(cfg, &sum, summary_keys, 2));
  if (!o->save_every_set)
    return cubie_config_error_at(cfg, sum.mark,
                                 "output.summaries needs output.save_every (summaries accumulate at save points)");
  o->summaries_set = true;
  cubie_mark every_m = sum.mark;
  CUBIE_CALL(cubie_deck_number(cfg, &sum, "every", true, &o->summary_every, NULL, &every_m));
  if (!(o->summary_every > 0.0))
    return cubie_config_error_at(cfg, every_m, "output.summaries.every must be > 0, not %g", o->summary_every);
  if (o->summary_every > cfg->integrator.duration)
    return cubie_config_error_at(cfg, every_m, "output.summaries.every (%g) is longer than integrator.duration (%g)",
                                 o->summary_every, cfg->integrator.duration);
  /* Tolerate the rounding of decimal inputs (0.3 / 0.1 = 2.9999999999999996). */
  double ratio = o->summary_every / o->save_every, whole = round(ratio);
  if (whole < 1.0 || fabs(ratio - whole) > 1e-9 * ratio)
    return cubie_config_error_at(cfg, every_m,
                                 "output.summaries.every (%g) must be a whole multiple of output.save_every (%g)",
                                 o->summary_every, o->save_every);
  request_list list = {0};
  int rc = read_metrics(cfg, &sum, &list);
  o->summary_requests = list.items;
  o->n_summary_requests = list.n;
  return rc;
}
