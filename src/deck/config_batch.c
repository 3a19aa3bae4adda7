/* config_batch.c — the `batch:` section: grid kind and sweep axes
 * (see config_sections.h). Names of swept symbols are checked later, by
 * the model; here only the axis definitions are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

static const char *const batch_keys[] = {"grid", "sweep"};
static const char *const grid_names[] = {"combinatorial", "verbatim"};
static const char *const sweep_kinds[] = {"values", "linspace", "logspace"};

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
                                 "logspace, not %s",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  }
  cubie_deck_section entry = {.map = node, .mark = key->mark};
  cubie_deck_join(entry.where, sizeof entry.where, "", what);
  CUBIE_CALL(cubie_deck_check_keys(cfg, &entry, sweep_kinds, 3));
  if (node->n == 0)
    return cubie_config_error_at(cfg, key->mark, "%s needs one of values, linspace or logspace", what);
  if (node->n > 1)
    return cubie_config_error_at(cfg, node->keys[1]->mark, "%s has both %s and %s; give exactly one", what,
                                 node->keys[0]->text, node->keys[1]->text);
  char where[256];
  cubie_deck_join(where, sizeof where, what, node->keys[0]->text);
  memcpy(what, where, sizeof what);
  for (int k = 0; k < 3; k++)
    if (strcmp(node->keys[0]->text, sweep_kinds[k]) == 0) sw->kind = (cubie_sweep_kind)k;
  if (sw->kind == CUBIE_SWEEP_VALUES) return read_values(cfg, node->items[0], what, sw);
  return read_space(cfg, node->items[0], what, sw);
}

int cubie_config_read_batch(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_batch_config *b = &cfg->batch;
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "batch", &s));
  CUBIE_CALL(cubie_deck_check_keys(cfg, &s, batch_keys, 2));
  int grid = CUBIE_GRID_COMBINATORIAL;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "grid", "grid", grid_names, 2, &grid, NULL));
  b->grid = (cubie_grid_kind)grid;

  cubie_deck_section sweeps;
  CUBIE_CALL(cubie_deck_section_open(cfg, &s, "sweep", &sweeps));
  if (!sweeps.map || sweeps.map->n == 0) return CUBIE_OK;
  b->sweeps = calloc((size_t)sweeps.map->n, sizeof *b->sweeps);
  CUBIE_CHECK(b->sweeps, CUBIE_ERR_MEMORY, "out of memory reading batch.sweep");
  for (int i = 0; i < sweeps.map->n; i++) {
    b->n_sweeps++;
    CUBIE_CALL(read_sweep(cfg, &sweeps, i, &b->sweeps[i]));
  }
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
