/* config_drivers.c — the `model.drivers` section: each driver's samples
 * (inline, or read from the files it names through driver_file.h), their
 * time grid, interpolation and what happens outside the samples (see
 * config_sections.h; docs/deck.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "deck/driver_file.h"
#include "util/error.h"

static const char *const driver_keys[] = {"file",          "values",  "series", "variable", "dt",
                                          "t0",            "interpolation", "outside", "units",
                                          "long_name"};
static const char *const interpolation_names[] = {"linear", "cubic"};
static const char *const outside_names[] = {"clamp", "periodic", "error"};

/* Fewest samples each interpolation takes (cubic: the not-a-knot spline's
 * two end intervals share one cubic with their neighbours). */
static long long min_samples(cubie_driver_interpolation interpolation) {
  return interpolation == CUBIE_DRIVER_CUBIC ? 4 : 2;
}

/* An inline list of numbers. */
static int read_values(cubie_config *cfg, const cubie_ynode *node, const char *what,
                       cubie_driver_series *s) {
  CUBIE_CALL(cubie_deck_node_list(cfg, node, what));
  if (node->n == 0)
    return cubie_config_error_at(cfg, node->mark, "%s is empty; give the samples", what);
  s->values = malloc((size_t)node->n * sizeof *s->values);
  CUBIE_CHECK(s->values, CUBIE_ERR_MEMORY, "out of memory reading %s", what);
  s->n = node->n;
  char item[320];
  for (int i = 0; i < node->n; i++) {
    snprintf(item, sizeof item, "%.290s[%d]", what, i);
    CUBIE_CALL(cubie_deck_node_number(cfg, node->items[i], item, &s->values[i]));
  }
  return CUBIE_OK;
}

/* One series: a file name (string) or a list of numbers. */
static int read_series(cubie_config *cfg, const cubie_ynode *node, const char *what,
                       const char *variable, cubie_mark variable_mark, cubie_driver_series *s,
                       bool *has_time) {
  *has_time = false;
  if (node->kind == CUBIE_YNODE_SEQUENCE) return read_values(cfg, node, what, s);
  char *name = NULL;
  CUBIE_CALL(cubie_deck_node_string(cfg, node, what, &name));
  int rc = cubie_driver_file_resolve(cfg, name, &s->source);
  free(name);
  CUBIE_CALL(rc);
  cubie_driver_samples samples;
  CUBIE_CALL(cubie_driver_file_read(cfg, s->source, variable, variable_mark, node->mark, &samples));
  s->values = samples.values;
  s->n = samples.n;
  if (samples.has_time) {
    s->t0 = samples.t0;
    s->dt = samples.dt;
    *has_time = true;
  }
  return CUBIE_OK;
}

static int read_driver(cubie_config *cfg, const cubie_deck_section *list, int i,
                       cubie_driver_decl *d) {
  const cubie_ynode *key = list->map->keys[i], *node = list->map->items[i];
  CUBIE_CALL(cubie_deck_strdup(key->text, &d->name));
  d->mark = key->mark;
  d->outside = CUBIE_DRIVER_ERROR;
  char what[256], buf[96];
  cubie_deck_join(what, sizeof what, list->where, key->text);
  if (node->kind != CUBIE_YNODE_MAPPING)
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a mapping {file: ..., dt: ..., interpolation: ...}, "
                                 "not %s",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  cubie_deck_section entry = {.map = node, .mark = key->mark};
  cubie_deck_join(entry.where, sizeof entry.where, "", what);
  CUBIE_CALL(cubie_deck_check_keys(cfg, &entry, driver_keys,
                                   (int)(sizeof driver_keys / sizeof *driver_keys)));
  CUBIE_CALL(cubie_deck_string(cfg, &entry, "units", false, &d->units, NULL));
  CUBIE_CALL(cubie_deck_string(cfg, &entry, "long_name", false, &d->long_name, NULL));
  int choice = 0;
  cubie_mark interpolation_mark = key->mark, outside_mark = key->mark;
  if (!cubie_deck_is_unset(cubie_deck_get(&entry, "interpolation", NULL))) {
    CUBIE_CALL(cubie_deck_choice(cfg, &entry, "interpolation", "interpolation", interpolation_names,
                                 2, &choice, &interpolation_mark));
    d->interpolation = (cubie_driver_interpolation)choice;
  }
  if (!cubie_deck_is_unset(cubie_deck_get(&entry, "outside", NULL))) {
    CUBIE_CALL(cubie_deck_choice(cfg, &entry, "outside", "outside rule", outside_names, 3, &choice,
                                 &outside_mark));
    d->outside = (cubie_driver_outside)choice;
  }
  char *variable = NULL;
  cubie_mark variable_mark = key->mark;
  CUBIE_CALL(cubie_deck_string(cfg, &entry, "variable", false, &variable, &variable_mark));

  /* Exactly one source of samples. */
  const char *sources[3] = {"file", "values", "series"};
  const cubie_ynode *given[3];
  cubie_mark source_marks[3];
  int n_given = 0, which = -1;
  for (int k = 0; k < 3; k++) {
    given[k] = cubie_deck_get(&entry, sources[k], &source_marks[k]);
    if (cubie_deck_is_unset(given[k])) continue;
    if (n_given++) {
      free(variable);
      return cubie_config_error_at(cfg, source_marks[k],
                                   "%s has both '%s' and '%s'; give one source of samples", what,
                                   sources[which], sources[k]);
    }
    which = k;
  }
  if (which < 0) {
    free(variable);
    return cubie_config_error_at(cfg, key->mark,
                                 "driver '%s' has no samples: give file: NAME, values: [...] or "
                                 "series: [...]",
                                 d->name);
  }
  const cubie_ynode *items = given[which];
  int n_series = 1;
  if (which == 2) {
    int rc = cubie_deck_node_list(cfg, items, what);
    if (!rc && items->n == 0)
      rc = cubie_config_error_at(cfg, items->mark, "%s.series is empty", what);
    if (rc) {
      free(variable);
      return rc;
    }
    n_series = items->n;
    d->selectable = true;
  }
  d->series = calloc((size_t)n_series, sizeof *d->series);
  if (!d->series) free(variable);
  CUBIE_CHECK(d->series, CUBIE_ERR_MEMORY, "out of memory reading %s", what);
  int rc = CUBIE_OK, timed = 0;
  for (int k = 0; k < n_series && !rc; k++) {
    char item[320];
    const cubie_ynode *one = which == 2 ? items->items[k] : items;
    if (which == 2)
      snprintf(item, sizeof item, "%.280s.series[%d]", what, k);
    else
      snprintf(item, sizeof item, "%.280s.%s", what, sources[which]);
    bool has_time = false;
    d->n_series++;
    if (which == 1 && one->kind != CUBIE_YNODE_SEQUENCE)
      rc = cubie_deck_node_list(cfg, one, item);
    else if (which == 0 && one->kind == CUBIE_YNODE_SEQUENCE)
      rc = cubie_config_error_at(cfg, one->mark,
                                 "%s must be a file name; for several files use series: [...]",
                                 item);
    else
      rc = read_series(cfg, one, item, variable, variable_mark, &d->series[k], &has_time);
    timed += has_time;
    if (!rc && d->series[k].n < min_samples(d->interpolation))
      rc = cubie_config_error_at(cfg, one->mark,
                                 "%s has %lld sample%s; %s interpolation needs at least %lld",
                                 item, d->series[k].n, d->series[k].n == 1 ? "" : "s",
                                 interpolation_names[d->interpolation],
                                 min_samples(d->interpolation));
  }
  free(variable);
  CUBIE_CALL(rc);

  /* The time grid: from the deck (dt, t0) for series without a time axis. */
  double dt = 0.0, t0 = 0.0;
  bool dt_set = false, t0_set = false;
  cubie_mark dt_mark, t0_mark;
  CUBIE_CALL(cubie_deck_number(cfg, &entry, "dt", false, &dt, &dt_set, &dt_mark));
  CUBIE_CALL(cubie_deck_number(cfg, &entry, "t0", false, &t0, &t0_set, &t0_mark));
  if (dt_set && !(dt > 0.0))
    return cubie_config_error_at(cfg, dt_mark, "%s.dt must be > 0, not %g", what, dt);
  if (timed && (dt_set || t0_set))
    return cubie_config_error_at(cfg, dt_set ? dt_mark : t0_mark,
                                 "%s: the file gives the sample times (a time column or "
                                 "coordinate); leave out %s",
                                 what, dt_set ? "dt" : "t0");
  if (timed && timed < d->n_series)
    return cubie_config_error_at(cfg, key->mark,
                                 "driver '%s': some series have a time column and some not; give "
                                 "all of them times, or none (and dt in the deck)",
                                 d->name);
  if (!timed && !dt_set)
    return cubie_config_error_at(cfg, key->mark,
                                 "driver '%s' needs dt (the time between samples), or a file with "
                                 "a time column",
                                 d->name);
  if (!timed)
    for (int k = 0; k < d->n_series; k++) {
      d->series[k].t0 = t0;
      d->series[k].dt = dt;
    }
  (void)interpolation_mark;
  (void)outside_mark;
  return CUBIE_OK;
}

int cubie_config_read_drivers(cubie_config *cfg, const cubie_deck_section *model) {
  cubie_model_config *m = &cfg->model;
  cubie_deck_section list;
  CUBIE_CALL(cubie_deck_section_open(cfg, model, "drivers", &list));
  if (!list.map || list.map->n == 0) return CUBIE_OK;
  m->drivers = calloc((size_t)list.map->n, sizeof *m->drivers);
  CUBIE_CHECK(m->drivers, CUBIE_ERR_MEMORY, "out of memory reading %s", list.where);
  for (int i = 0; i < list.map->n; i++) {
    m->n_drivers++; /* counted as filled, so destroy frees exactly that */
    CUBIE_CALL(read_driver(cfg, &list, i, &m->drivers[i]));
  }
  return CUBIE_OK;
}
