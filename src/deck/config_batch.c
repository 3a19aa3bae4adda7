/* config_batch.c — the `batch:` section: grid kind, sweep axes, and the
 * sampled design's size and seed (see config_sections.h). Names of swept
 * symbols are checked later, by the model; here only the axis definitions
 * are. A `file` axis's column is read here (sweep_table.c), so every later
 * layer sees it as a list of values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "deck/sweep_table.h"
#include "kernels/sobol.h"
#include "util/error.h"

static const char *const batch_keys[] = {"grid", "sweep", "samples", "seed"};
static const char *const grid_names[] = {"combinatorial", "verbatim"};
/* In cubie_sweep_kind's order. */
static const char *const sweep_kinds[] = {"values", "linspace", "logspace", "sobol",
                                          "latin_hypercube", "random", "file"};
#define N_SWEEP_KINDS 7
static const char *const distribution_names[] = {"uniform", "normal", "lognormal"};
/* The two parameters of each distribution, in cubie_distribution's order. */
static const char *const distribution_keys[][2] = {{"low", "high"}, {"mean", "sd"}, {"mu", "sigma"}};
static const char *const random_keys[] = {"distribution", "low", "high", "mean", "sd", "mu", "sigma"};
static const char *const sobol_keys[] = {"low", "high", "scramble"};
static const char *const file_keys[] = {"path", "column"};
static const char *const bool_names[] = {"false", "true"};

/* The largest axis length: every index stays exact in a double (2^53). */
#define SWEEP_MAX_N 9007199254740992LL

static int read_values(const cubie_config *cfg, const cubie_ynode *list, const char *what, cubie_sweep *sw) {
  CUBIE_CALL(cubie_deck_node_list(cfg, list, what));
  if (list->n == 0)
    return cubie_config_error_at(cfg, list->mark, "%s is empty; give at least one value", what);
  sw->values = calloc((size_t)list->n, sizeof *sw->values);
  CUBIE_CHECK(sw->values, CUBIE_ERR_MEMORY, "out of memory reading %s", what);
  sw->n = list->n;
  for (int i = 0; i < list->n; i++) {
    char item[256];
    snprintf(item, sizeof item, "%s[%d]", what, i);
    CUBIE_CALL(cubie_deck_node_number(cfg, list->items[i], item, &sw->values[i]));
  }
  return CUBIE_OK;
}

/* [start, stop, n] */
static int read_space(const cubie_config *cfg, const cubie_ynode *list, const char *what, cubie_sweep *sw) {
  CUBIE_CALL(cubie_deck_node_list(cfg, list, what));
  if (list->n != 3)
    return cubie_config_error_at(cfg, list->mark, "%s must be [start, stop, n] (3 entries), not %d entr%s", what,
                                 list->n, list->n == 1 ? "y" : "ies");
  char item[256];
  snprintf(item, sizeof item, "%s start", what);
  CUBIE_CALL(cubie_deck_node_number(cfg, list->items[0], item, &sw->start));
  snprintf(item, sizeof item, "%s stop", what);
  CUBIE_CALL(cubie_deck_node_number(cfg, list->items[1], item, &sw->stop));
  snprintf(item, sizeof item, "%s n (the number of values)", what);
  CUBIE_CALL(cubie_deck_node_integer(cfg, list->items[2], item, 1, SWEEP_MAX_N, &sw->n));
  if (sw->kind == CUBIE_SWEEP_LOGSPACE) {
    if (!(sw->start > 0.0))
      return cubie_config_error_at(cfg, list->items[0]->mark,
                                   "%s start must be > 0 (logspace endpoints are the values themselves), not %g",
                                   what, sw->start);
    if (!(sw->stop > 0.0))
      return cubie_config_error_at(cfg, list->items[1]->mark,
                                   "%s stop must be > 0 (logspace endpoints are the values themselves), not %g",
                                   what, sw->stop);
  }
  return CUBIE_OK;
}

/* low < high, both finite, read from section `d` (keys `lo_key`, `hi_key`). */
static int read_range(const cubie_config *cfg, const cubie_deck_section *d, const char *lo_key,
                      const char *hi_key, bool ordered, double *lo, double *hi) {
  cubie_mark lo_mark = d->mark, hi_mark = d->mark;
  CUBIE_CALL(cubie_deck_number(cfg, d, lo_key, true, lo, NULL, &lo_mark));
  CUBIE_CALL(cubie_deck_number(cfg, d, hi_key, true, hi, NULL, &hi_mark));
  if (ordered && !(*hi > *lo))
    return cubie_config_error_at(cfg, hi_mark, "%s.%s must be > %s (%g), not %g", d->where, hi_key, lo_key,
                                 *lo, *hi);
  if (!ordered && !(*hi > 0))
    return cubie_config_error_at(cfg, hi_mark, "%s.%s must be > 0, not %g", d->where, hi_key, *hi);
  return CUBIE_OK;
}

/* `sobol: {low, high, scramble}` and `latin_hypercube: {low, high}`. */
static int read_design(const cubie_config *cfg, const cubie_ynode *node, cubie_mark mark, const char *what,
                       cubie_sweep *sw) {
  cubie_deck_section d = {.map = node, .mark = mark};
  cubie_deck_join(d.where, sizeof d.where, "", what);
  if (node->kind != CUBIE_YNODE_MAPPING) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "%s must be a mapping {low: ..., high: ...}, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  }
  CUBIE_CALL(cubie_deck_check_keys(cfg, &d, sobol_keys, sw->kind == CUBIE_SWEEP_SOBOL ? 3 : 2));
  CUBIE_CALL(read_range(cfg, &d, "low", "high", true, &sw->start, &sw->stop));
  int scramble = 1;
  CUBIE_CALL(cubie_deck_choice(cfg, &d, "scramble", "value", bool_names, 2, &scramble, NULL));
  sw->scramble = scramble == 1;
  return CUBIE_OK;
}

/* `random: {distribution, <its two parameters>}`. */
static int read_random(const cubie_config *cfg, const cubie_ynode *node, cubie_mark mark, const char *what,
                       cubie_sweep *sw) {
  cubie_deck_section d = {.map = node, .mark = mark};
  cubie_deck_join(d.where, sizeof d.where, "", what);
  if (node->kind != CUBIE_YNODE_MAPPING) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a mapping {distribution: uniform | normal | lognormal, ...}, "
                                 "not %s",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  }
  CUBIE_CALL(cubie_deck_check_keys(cfg, &d, random_keys, 7));
  int dist = CUBIE_DISTRIBUTION_UNIFORM;
  CUBIE_CALL(cubie_deck_choice(cfg, &d, "distribution", "distribution", distribution_names, 3, &dist, NULL));
  sw->distribution = (cubie_distribution)dist;
  const char *const *own = distribution_keys[dist];
  for (int i = 0; i < node->n; i++) {
    const char *key = node->keys[i]->text;
    if (strcmp(key, "distribution") == 0 || strcmp(key, own[0]) == 0 || strcmp(key, own[1]) == 0) continue;
    return cubie_config_error_at(cfg, node->keys[i]->mark,
                                 "%s: '%s' is not a parameter of the %s distribution (it takes %s and %s)",
                                 what, key, distribution_names[dist], own[0], own[1]);
  }
  return read_range(cfg, &d, own[0], own[1], dist == CUBIE_DISTRIBUTION_UNIFORM, &sw->start, &sw->stop);
}

/* `file: PATH` or `file: {path: PATH, column: NAME}`; the column defaults
 * to the swept symbol's name. */
static int read_file_axis(const cubie_config *cfg, const cubie_ynode *node, cubie_mark mark, const char *what,
                          cubie_sweep *sw) {
  char *path = NULL, *column = NULL;
  cubie_mark at = node->mark;
  int rc = CUBIE_OK;
  if (node->kind == CUBIE_YNODE_MAPPING) {
    cubie_deck_section d = {.map = node, .mark = mark};
    cubie_deck_join(d.where, sizeof d.where, "", what);
    rc = cubie_deck_check_keys(cfg, &d, file_keys, 2);
    if (!rc) rc = cubie_deck_string(cfg, &d, "path", true, &path, &at);
    if (!rc) rc = cubie_deck_string(cfg, &d, "column", false, &column, NULL);
  } else {
    rc = cubie_deck_node_string(cfg, node, what, &path);
  }
  if (!rc && !column) rc = cubie_deck_strdup(sw->name, &column);
  if (!rc) rc = cubie_sweep_table_read(cfg, at, what, path, column, &sw->values, &sw->n);
  free(path);
  free(column);
  return rc;
}

/* One axis: `name: [v, ...]` or `name: {values|linspace|logspace: ...}`. */
static int read_sweep(const cubie_config *cfg, const cubie_deck_section *sweeps, int i, cubie_sweep *sw) {
  const cubie_ynode *key = sweeps->map->keys[i], *node = sweeps->map->items[i];
  CUBIE_CALL(cubie_deck_strdup(key->text, &sw->name));
  sw->mark = key->mark;
  char what[256];
  cubie_deck_join(what, sizeof what, sweeps->where, key->text);
  if (node->kind == CUBIE_YNODE_SEQUENCE) {
    sw->kind = CUBIE_SWEEP_VALUES;
    return read_values(cfg, node, what, sw);
  }
  if (node->kind != CUBIE_YNODE_MAPPING) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a list of values or a mapping with one of values, linspace, "
                                 "logspace, not %s (or a sampled design: sobol, latin_hypercube, random, "
                                 "file)",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  }
  cubie_deck_section entry = {.map = node, .mark = key->mark};
  cubie_deck_join(entry.where, sizeof entry.where, "", what);
  CUBIE_CALL(cubie_deck_check_keys(cfg, &entry, sweep_kinds, N_SWEEP_KINDS));
  if (node->n == 0)
    return cubie_config_error_at(cfg, key->mark,
                                 "%s needs one of values, linspace or logspace (or a sampled design: "
                                 "sobol, latin_hypercube, random, file)",
                                 what);
  if (node->n > 1)
    return cubie_config_error_at(cfg, node->keys[1]->mark, "%s has both %s and %s; give exactly one", what,
                                 node->keys[0]->text, node->keys[1]->text);
  char where[256];
  cubie_deck_join(where, sizeof where, what, node->keys[0]->text);
  memcpy(what, where, sizeof what);
  for (int k = 0; k < N_SWEEP_KINDS; k++)
    if (strcmp(node->keys[0]->text, sweep_kinds[k]) == 0) sw->kind = (cubie_sweep_kind)k;
  const cubie_ynode *value = node->items[0];
  switch (sw->kind) {
    case CUBIE_SWEEP_VALUES: return read_values(cfg, value, what, sw);
    case CUBIE_SWEEP_LINSPACE:
    case CUBIE_SWEEP_LOGSPACE: return read_space(cfg, value, what, sw);
    case CUBIE_SWEEP_SOBOL:
    case CUBIE_SWEEP_LATIN_HYPERCUBE: return read_design(cfg, value, node->keys[0]->mark, what, sw);
    case CUBIE_SWEEP_RANDOM: return read_random(cfg, value, node->keys[0]->mark, what, sw);
    case CUBIE_SWEEP_FILE: return read_file_axis(cfg, value, node->keys[0]->mark, what, sw);
  }
  return CUBIE_OK;
}

/* The sampled design: batch.samples points shared by every sampled axis
 * (a file axis brings its row count), batch.seed, at most
 * CUBIE_SOBOL_MAX_DIM sobol axes. Sampled axes get n = samples. */
static int read_design_size(const cubie_config *cfg, const cubie_deck_section *s, cubie_batch_config *b) {
  long long samples = 0, seed = 0;
  cubie_mark samples_mark = s->mark, seed_mark = s->mark;
  const cubie_ynode *samples_node = cubie_deck_get(s, "samples", &samples_mark);
  const cubie_ynode *seed_node = cubie_deck_get(s, "seed", &seed_mark);
  CUBIE_CALL(cubie_deck_integer(cfg, s, "samples", 1, SWEEP_MAX_N, &samples, &samples_mark));
  CUBIE_CALL(cubie_deck_integer(cfg, s, "seed", 0, SWEEP_MAX_N - 1, &seed, &seed_mark));
  const cubie_sweep *first = NULL, *file = NULL;
  int n_sobol = 0;
  for (int i = 0; i < b->n_sweeps; i++) {
    const cubie_sweep *sw = &b->sweeps[i];
    if (!CUBIE_SWEEP_SAMPLED(sw->kind)) continue;
    if (!first) first = sw;
    if (sw->kind == CUBIE_SWEEP_SOBOL && ++n_sobol > CUBIE_SOBOL_MAX_DIM)
      return cubie_config_error_at(cfg, sw->mark,
                                   "'%s' is sobol axis %d; direction numbers are built in for %d "
                                   "dimensions (use latin_hypercube or random for more)",
                                   sw->name, n_sobol, CUBIE_SOBOL_MAX_DIM);
    if (sw->kind != CUBIE_SWEEP_FILE) continue;
    if (file && sw->n != file->n)
      return cubie_config_error_at(cfg, sw->mark,
                                   "file axes are one table, a row per run: '%s' has %lld rows, '%s' has %lld",
                                   file->name, file->n, sw->name, sw->n);
    if (!file) file = sw;
  }
  if (!cubie_deck_is_unset(samples_node) && !first)
    return cubie_config_error_at(cfg, samples_mark,
                                 "batch.samples is the number of points of a sampled design, but no axis "
                                 "of batch.sweep is sobol, latin_hypercube, random or file");
  if (!cubie_deck_is_unset(seed_node) && !first)
    return cubie_config_error_at(cfg, seed_mark,
                                 "batch.seed keys a sampled design, but no axis of batch.sweep is sobol, "
                                 "latin_hypercube or random");
  if (!first) return CUBIE_OK;
  if (file && !cubie_deck_is_unset(samples_node) && samples != file->n)
    return cubie_config_error_at(cfg, samples_mark,
                                 "batch.samples is %lld but the table of '%s' has %lld rows (one per point; "
                                 "leave samples out to take the table's)",
                                 samples, file->name, file->n);
  if (file) samples = file->n;
  if (samples == 0)
    return cubie_config_error_at(cfg, first->mark,
                                 "'%s' is a %s design: set batch.samples, its number of points (every "
                                 "sampled axis shares them)",
                                 first->name, sweep_kinds[first->kind]);
  b->samples = samples;
  b->samples_mark = samples_mark;
  b->seed = (unsigned long long)seed;
  for (int i = 0; i < b->n_sweeps; i++)
    if (CUBIE_SWEEP_SAMPLED(b->sweeps[i].kind)) b->sweeps[i].n = samples;
  return CUBIE_OK;
}

int cubie_config_read_batch(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_batch_config *b = &cfg->batch;
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "batch", &s));
  CUBIE_CALL(cubie_deck_check_keys(cfg, &s, batch_keys, 4));
  int grid = CUBIE_GRID_COMBINATORIAL;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "grid", "grid", grid_names, 2, &grid, NULL));
  b->grid = (cubie_grid_kind)grid;

  cubie_deck_section sweeps;
  CUBIE_CALL(cubie_deck_section_open(cfg, &s, "sweep", &sweeps));
  if (!sweeps.map || sweeps.map->n == 0) return read_design_size(cfg, &s, b);
  b->sweeps = calloc((size_t)sweeps.map->n, sizeof *b->sweeps);
  CUBIE_CHECK(b->sweeps, CUBIE_ERR_MEMORY, "out of memory reading batch.sweep");
  for (int i = 0; i < sweeps.map->n; i++) {
    b->n_sweeps++;
    CUBIE_CALL(read_sweep(cfg, &sweeps, i, &b->sweeps[i]));
  }
  CUBIE_CALL(read_design_size(cfg, &s, b));
  if (b->grid == CUBIE_GRID_VERBATIM) {
    for (int i = 1; i < b->n_sweeps; i++) {
      if (b->sweeps[i].n != b->sweeps[0].n)
        return cubie_config_error_at(cfg, b->sweeps[i].mark,
                                     "a verbatim grid zips its axes, so they need equal lengths: '%s' has %lld "
                                     "values, '%s' has %lld",
                                     b->sweeps[0].name, b->sweeps[0].n, b->sweeps[i].name, b->sweeps[i].n);
    }
  }
  return CUBIE_OK;
}
