/* config_model.c — the `model:` section: symbols, metadata and the
 * equations text with its position map (see config_sections.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

static const char *const model_keys[] = {"name",      "time_units",  "states",  "parameters",
                                         "constants", "observables", "drivers", "equations",
                                         "events"};
static const char *const symbol_keys[] = {"value", "units", "long_name"};
static const char *const observable_keys[] = {"units", "long_name"};

/* One declaration: `name: number` or `name: {value, units, long_name}`
 * (observables: `name: {units, long_name}` or nothing). */
static int read_symbol(cubie_config *cfg, const cubie_deck_section *list, int i, bool is_observable,
                       cubie_symbol_decl *decl) {
  const cubie_ynode *key = list->map->keys[i], *node = list->map->items[i];
  CUBIE_CALL(cubie_deck_strdup(key->text, &decl->name));
  decl->mark = key->mark;
  char what[256], buf[96];
  cubie_deck_join(what, sizeof what, list->where, key->text);
  if (!is_observable && node->kind == CUBIE_YNODE_SCALAR && !cubie_ynode_is_null(node))
    return cubie_deck_node_number(cfg, node, what, &decl->value);
  if (is_observable && cubie_ynode_is_null(node)) return CUBIE_OK;
  if (node->kind != CUBIE_YNODE_MAPPING) {
    if (is_observable)
      return cubie_config_error_at(cfg, node->mark, "%s must be a mapping {units: ..., long_name: ...}, not %s",
                                   what, cubie_deck_describe(node, buf, sizeof buf));
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a number or a mapping {value: ..., units: ..., long_name: ...}, not %s",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  }
  cubie_deck_section entry = {.map = node, .mark = key->mark};
  cubie_deck_join(entry.where, sizeof entry.where, "", what);
  if (is_observable) {
    CUBIE_CALL(cubie_deck_check_keys(cfg, &entry, observable_keys, 2));
  } else {
    CUBIE_CALL(cubie_deck_check_keys(cfg, &entry, symbol_keys, 3));
    CUBIE_CALL(cubie_deck_number(cfg, &entry, "value", true, &decl->value, NULL, NULL));
  }
  CUBIE_CALL(cubie_deck_string(cfg, &entry, "units", false, &decl->units, NULL));
  CUBIE_CALL(cubie_deck_string(cfg, &entry, "long_name", false, &decl->long_name, NULL));
  return CUBIE_OK;
}

static int read_symbols(cubie_config *cfg, const cubie_deck_section *model, const char *key, bool is_observable,
                        cubie_symbol_decl **decls, int *n) {
  cubie_deck_section list;
  CUBIE_CALL(cubie_deck_section_open(cfg, model, key, &list));
  if (!list.map || list.map->n == 0) return CUBIE_OK;
  *decls = calloc((size_t)list.map->n, sizeof **decls);
  CUBIE_CHECK(*decls, CUBIE_ERR_MEMORY, "out of memory reading %s", list.where);
  /* Count as we go so destroy frees exactly what was filled. */
  for (int i = 0; i < list.map->n; i++) {
    (*n)++;
    CUBIE_CALL(read_symbol(cfg, &list, i, is_observable, &(*decls)[i]));
  }
  return CUBIE_OK;
}

/* The deck file's base name without its extension: "runs/lorenz.yaml" → "lorenz". */
static int default_model_name(const char *path, char **out) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strlen(base);
  const char *dot = strrchr(base, '.');
  if (dot && dot != base) len = (size_t)(dot - base);
  if (len == 0) return cubie_deck_strdup("model", out);
  *out = strndup(base, len);
  CUBIE_CHECK(*out, CUBIE_ERR_MEMORY, "out of memory naming the model");
  return CUBIE_OK;
}

int cubie_config_read_model(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_model_config *m = &cfg->model;
  cubie_deck_section model;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "model", &model));
  if (!model.map) return cubie_deck_missing(cfg, top, "model");
  CUBIE_CALL(cubie_deck_check_keys(cfg, &model, model_keys, (int)(sizeof model_keys / sizeof *model_keys)));

  cubie_mark name_mark;
  CUBIE_CALL(cubie_deck_string(cfg, &model, "name", false, &m->name, &name_mark));
  if (m->name && !m->name[0])
    return cubie_config_error_at(cfg, name_mark, "model.name must not be empty (leave it out for the file's name)");
  if (!m->name) CUBIE_CALL(default_model_name(cfg->path, &m->name));
  CUBIE_CALL(cubie_deck_string(cfg, &model, "time_units", false, &m->time_units, NULL));
  if (!m->time_units) CUBIE_CALL(cubie_deck_strdup("1", &m->time_units));

  cubie_mark states_mark;
  const cubie_ynode *states = cubie_deck_get(&model, "states", &states_mark);
  if (!states) return cubie_deck_missing(cfg, &model, "states");
  CUBIE_CALL(read_symbols(cfg, &model, "states", false, &m->states, &m->n_states));
  if (m->n_states == 0)
    return cubie_config_error_at(cfg, states_mark, "model.states is empty; declare at least one state (name: initial value)");
  CUBIE_CALL(read_symbols(cfg, &model, "parameters", false, &m->parameters, &m->n_parameters));
  CUBIE_CALL(read_symbols(cfg, &model, "constants", false, &m->constants, &m->n_constants));
  CUBIE_CALL(read_symbols(cfg, &model, "observables", true, &m->observables, &m->n_observables));

  CUBIE_CALL(cubie_config_read_drivers(cfg, &model));

  cubie_mark eq_key_mark;
  const cubie_ynode *eq = cubie_deck_get(&model, "equations", &eq_key_mark);
  if (!eq) return cubie_deck_missing(cfg, &model, "equations");
  if (eq->kind != CUBIE_YNODE_SCALAR || cubie_ynode_is_null(eq)) {
    char buf[96];
    return cubie_config_error_at(cfg, eq->mark,
                                 "model.equations must be text (a `|` block of lines 'dx = ...'), not %s",
                                 cubie_deck_describe(eq, buf, sizeof buf));
  }
  CUBIE_CALL(cubie_deck_strdup(eq->text, &m->equations));
  m->equations_mark = eq->mark;
  CUBIE_CALL(cubie_config_map_equations(cfg, eq));
  return cubie_config_read_events(cfg, &model);
}
