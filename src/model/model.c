/* model.c — the model's names, whole-model checks, observable substitution
 * and the public queries (see model.h). Code generation is in
 * model_codegen.c, the language itself in model_parser.c. */
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "model/model_internal.h"
#include "util/strbuf.h"

static const char *kind_noun(cubie_symbol_kind kind) {
  switch (kind) {
    case CUBIE_SYMBOL_STATE: return "state";
    case CUBIE_SYMBOL_PARAMETER: return "parameter";
    case CUBIE_SYMBOL_CONSTANT: return "constant";
    case CUBIE_SYMBOL_OBSERVABLE: return "observable";
    case CUBIE_SYMBOL_TIME: return "time";
    case CUBIE_SYMBOL_DRIVER: return "driver";
  }
  return "symbol";
}

/* A copy of `text` the model owns (NULL stays NULL). */
static int own_string(cubie_model *m, const char *text, const char **out) {
  *out = NULL;
  if (!text) return CUBIE_OK;
  CUBIE_CALL(CUBIE_GROW(m->owned_strings, m->n_owned_strings + 1, m->owned_strings_capacity,
                        "the model's names"));
  size_t n = strlen(text) + 1;
  char *copy = malloc(n);
  CUBIE_CHECK(copy, CUBIE_ERR_MEMORY, "out of memory building the model");
  memcpy(copy, text, n);
  m->owned_strings[m->n_owned_strings++] = copy;
  *out = copy;
  return CUBIE_OK;
}

static int is_identifier(const char *s) {
  if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return 0;
  return 1;
}

/* Copy one section of declarations and enter its names in the table. */
static int declare(cubie_model *m, const cubie_config *cfg, cubie_symbol_kind kind,
                   const cubie_symbol_decl *decls, int n) {
  m->symbols[kind] = calloc((size_t)(n > 0 ? n : 1), sizeof(cubie_model_symbol));
  CUBIE_CHECK(m->symbols[kind], CUBIE_ERR_MEMORY, "out of memory building the model");
  m->n_symbols[kind] = n;
  for (int i = 0; i < n; i++) {
    const cubie_symbol_decl *d = &decls[i];
    if (!is_identifier(d->name))
      return cubie_config_error_at(cfg, d->mark,
                                   "'%s' is not a valid %s name (use letters, digits and '_', "
                                   "not starting with a digit)",
                                   d->name ? d->name : "", kind_noun(kind));
    if (strcmp(d->name, "t") == 0)
      return cubie_config_error_at(
          cfg, d->mark, "'t' is reserved for time and cannot be declared as a %s", kind_noun(kind));
    const cubie_symtab_entry *e = cubie_symtab_find(&m->table, d->name);
    if (e) {
      cubie_mark first = m->symbols[e->kind][e->index].mark;
      return cubie_config_error_at(cfg, d->mark,
                                   "'%s' is declared twice: as a %s (line %d) and as a %s", d->name,
                                   kind_noun(e->kind), first.line, kind_noun(kind));
    }
    if (kind == CUBIE_SYMBOL_CONSTANT && !isfinite(d->value))
      return cubie_config_error_at(cfg, d->mark, "constant '%s' must be a finite number", d->name);
    cubie_model_symbol *s = &m->symbols[kind][i];
    CUBIE_CALL(own_string(m, d->name, &s->name));
    CUBIE_CALL(own_string(m, d->units, &s->units));
    CUBIE_CALL(own_string(m, d->long_name, &s->long_name));
    s->value = d->value;
    s->mark = d->mark;
    CUBIE_CALL(cubie_symtab_insert(&m->table, s->name, kind, i));
  }
  return CUBIE_OK;
}

/* The drivers' names (checked like every other name), their table records
 * and, for a driver with several series, its hidden selector parameter. */
static int declare_drivers(cubie_model *m, const cubie_config *cfg) {
  const cubie_model_config *mc = &cfg->model;
  if (mc->n_drivers == 0) return CUBIE_OK;
  m->drivers = calloc((size_t)mc->n_drivers, sizeof *m->drivers);
  CUBIE_CHECK(m->drivers, CUBIE_ERR_MEMORY, "out of memory building the model");
  int n_params = m->n_symbols[CUBIE_SYMBOL_PARAMETER], selectors = 0, record = 0;
  for (int i = 0; i < mc->n_drivers; i++) selectors += mc->drivers[i].selectable;
  if (selectors) {
    cubie_model_symbol *grown = realloc(m->symbols[CUBIE_SYMBOL_PARAMETER],
                                        (size_t)(n_params + selectors) * sizeof *grown);
    CUBIE_CHECK(grown, CUBIE_ERR_MEMORY, "out of memory building the model");
    memset(grown + n_params, 0, (size_t)selectors * sizeof *grown);
    m->symbols[CUBIE_SYMBOL_PARAMETER] = grown;
  }
  for (int i = 0; i < mc->n_drivers; i++) {
    const cubie_driver_decl *d = &mc->drivers[i];
    if (!is_identifier(d->name))
      return cubie_config_error_at(cfg, d->mark,
                                   "'%s' is not a valid driver name (use letters, digits and '_', "
                                   "not starting with a digit)",
                                   d->name ? d->name : "");
    if (strcmp(d->name, "t") == 0)
      return cubie_config_error_at(cfg, d->mark,
                                   "'t' is reserved for time and cannot be declared as a driver");
    const cubie_symtab_entry *e = cubie_symtab_find(&m->table, d->name);
    if (e) {
      cubie_mark first = e->kind == CUBIE_SYMBOL_DRIVER ? m->drivers[e->index].mark
                                                        : m->symbols[e->kind][e->index].mark;
      return cubie_config_error_at(cfg, d->mark,
                                   "'%s' is declared twice: as a %s (line %d) and as a driver",
                                   d->name, kind_noun(e->kind), first.line);
    }
    cubie_model_driver *md = &m->drivers[i];
    CUBIE_CALL(own_string(m, d->name, &md->name));
    md->mark = d->mark;
    md->interpolation = (int)d->interpolation;
    md->outside = (int)d->outside;
    md->n_series = d->n_series;
    md->record = record;
    record += d->n_series;
    md->selector = -1;
    if (d->selectable) {
      md->selector = m->n_symbols[CUBIE_SYMBOL_PARAMETER]++;
      cubie_model_symbol *s = &m->symbols[CUBIE_SYMBOL_PARAMETER][md->selector];
      s->name = md->name;
      s->long_name = "index of the driver series the run uses";
      s->units = "1";
      s->mark = d->mark;
      s->value = 0.0;
    }
    m->n_drivers++;
    CUBIE_CALL(cubie_symtab_insert(&m->table, md->name, CUBIE_SYMBOL_DRIVER, i));
  }
  return CUBIE_OK;
}

/* Every state needs `dNAME = ...`; a near-miss observable name is the
 * likely culprit ("dxx" for state "x"). */
static int check_derivatives(const cubie_model *m, const cubie_config *cfg) {
  const cubie_model_parse *p = &m->parse;
  int n_obs = p->n_observables;
  const char **names = malloc((size_t)(n_obs > 0 ? n_obs : 1) * sizeof *names);
  CUBIE_CHECK(names, CUBIE_ERR_MEMORY, "out of memory checking the model");
  for (int i = 0; i < n_obs; i++) names[i] = p->defs[p->observable_def[i]].name;
  int rc = CUBIE_OK;
  for (int s = 0; s < m->n_symbols[CUBIE_SYMBOL_STATE] && !rc; s++) {
    if (p->derivative_def[s] >= 0) continue;
    const cubie_model_symbol *state = &m->symbols[CUBIE_SYMBOL_STATE][s];
    char wanted[256];
    snprintf(wanted, sizeof wanted, "d%s", state->name);
    const char *hint = cubie_symtab_suggest_from(wanted, names, (size_t)n_obs);
    if (hint) {
      const cubie_symtab_entry *e = cubie_symtab_find(&m->table, hint);
      rc = cubie_config_error_at(cfg, state->mark,
                                 "state '%s' has no derivative: no line '%s = ...' (did you mean "
                                 "'%s' at line %d?)",
                                 state->name, wanted, hint,
                                 p->defs[p->observable_def[e->index]].mark.line);
    } else {
      rc = cubie_config_error_at(cfg, state->mark,
                                 "state '%s' has no derivative: add a line '%s = ...' to the "
                                 "equations",
                                 state->name, wanted);
    }
  }
  free(names);
  return rc;
}

/* Units and long names declared for observables must name one. */
static int attach_observable_metadata(cubie_model *m, const cubie_config *cfg) {
  for (int i = 0; i < cfg->model.n_observables; i++) {
    const cubie_symbol_decl *d = &cfg->model.observables[i];
    const cubie_symtab_entry *e = d->name ? cubie_symtab_find(&m->table, d->name) : NULL;
    if (!e || e->kind != CUBIE_SYMBOL_OBSERVABLE) {
      const char *hint = NULL;
      if (!e && d->name) {
        int n = m->n_symbols[CUBIE_SYMBOL_OBSERVABLE];
        const char **names = malloc((size_t)(n > 0 ? n : 1) * sizeof *names);
        CUBIE_CHECK(names, CUBIE_ERR_MEMORY, "out of memory checking the model");
        for (int k = 0; k < n; k++) names[k] = m->symbols[CUBIE_SYMBOL_OBSERVABLE][k].name;
        hint = cubie_symtab_suggest_from(d->name, names, (size_t)n);
        free(names);
      }
      if (e)
        return cubie_config_error_at(cfg, d->mark,
                                     "'%s' is a %s, not an observable: give its units with the "
                                     "%s's declaration",
                                     d->name, kind_noun(e->kind), kind_noun(e->kind));
      if (hint)
        return cubie_config_error_at(cfg, d->mark,
                                     "observable '%s' is not defined by the equations (did you "
                                     "mean '%s'?)",
                                     d->name ? d->name : "", hint);
      return cubie_config_error_at(cfg, d->mark,
                                   "observable '%s' is not defined by the equations (write a line "
                                   "'%s = ...')",
                                   d->name ? d->name : "", d->name ? d->name : "");
    }
    cubie_model_symbol *s = &m->symbols[CUBIE_SYMBOL_OBSERVABLE][e->index];
    CUBIE_CALL(own_string(m, d->units, &s->units));
    CUBIE_CALL(own_string(m, d->long_name, &s->long_name));
  }
  return CUBIE_OK;
}

int cubie_model_create(const cubie_config *cfg, cubie_model **out) {
  *out = NULL;
  cubie_model *m = calloc(1, sizeof *m);
  CUBIE_CHECK(m, CUBIE_ERR_MEMORY, "out of memory building the model");
  const cubie_model_config *mc = &cfg->model;
  int rc = cubie_symtab_init(&m->table);
  const char *name = NULL;
  if (!rc) rc = own_string(m, mc->name ? mc->name : "model", &name);
  m->name = (char *)name;
  if (!rc) rc = declare(m, cfg, CUBIE_SYMBOL_STATE, mc->states, mc->n_states);
  if (!rc) rc = declare(m, cfg, CUBIE_SYMBOL_PARAMETER, mc->parameters, mc->n_parameters);
  if (!rc) rc = declare(m, cfg, CUBIE_SYMBOL_CONSTANT, mc->constants, mc->n_constants);
  if (!rc) rc = declare_drivers(m, cfg);
  if (!rc && mc->n_states == 0)
    rc = cubie_config_error_at(cfg, mc->equations_mark,
                               "the model declares no states (list them under model.states)");
  if (!rc) rc = cubie_symtab_insert(&m->table, "t", CUBIE_SYMBOL_TIME, 0);
  if (!rc) rc = cubie_model_parse_equations(cfg, &m->table, &m->parse);
  if (!rc) {
    int n = m->parse.n_observables;
    m->symbols[CUBIE_SYMBOL_OBSERVABLE] =
        calloc((size_t)(n > 0 ? n : 1), sizeof(cubie_model_symbol));
    if (!m->symbols[CUBIE_SYMBOL_OBSERVABLE])
      rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory building the model");
    m->n_symbols[CUBIE_SYMBOL_OBSERVABLE] = n;
    for (int i = 0; i < n && !rc; i++) {
      const cubie_model_definition *d = &m->parse.defs[m->parse.observable_def[i]];
      m->symbols[CUBIE_SYMBOL_OBSERVABLE][i].name = d->name;
      m->symbols[CUBIE_SYMBOL_OBSERVABLE][i].mark = d->mark;
    }
  }
  if (!rc) rc = check_derivatives(m, cfg);
  if (!rc) rc = attach_observable_metadata(m, cfg);
  if (!rc) rc = cubie_model_parse_events(m, cfg);
  if (!rc) rc = cubie_model_resolve(m, cfg);
  if (rc) {
    cubie_model_destroy(&m);
    return rc;
  }
  *out = m;
  return CUBIE_OK;
}

void cubie_model_destroy(cubie_model **model) {
  if (!model || !*model) return;
  cubie_model *m = *model;
  for (int k = 0; k < 4; k++) free(m->symbols[k]);
  for (int i = 0; i < m->n_owned_strings; i++) free(m->owned_strings[i]);
  free(m->owned_strings);
  cubie_symtab_free(&m->table);
  cubie_model_parse_free(&m->parse);
  cubie_model_derivatives_free(&m->derivatives);
  cubie_model_events_free(m);
  cubie_model_linear_free(m);
  cubie_expr_graph_destroy(&m->graph);
  free(m->drivers);
  free(m->derivative);
  free(m->observable);
  free(m);
  *model = NULL;
}

int cubie_model_n_states(const cubie_model *m) { return m->n_symbols[CUBIE_SYMBOL_STATE]; }
int cubie_model_n_parameters(const cubie_model *m) { return m->n_symbols[CUBIE_SYMBOL_PARAMETER]; }
int cubie_model_n_observables(const cubie_model *m) {
  return m->n_symbols[CUBIE_SYMBOL_OBSERVABLE];
}
const char *cubie_model_name(const cubie_model *m) { return m->name; }
int cubie_model_n_drivers(const cubie_model *m) { return m->n_drivers; }
int cubie_model_driver_selector(const cubie_model *m, int driver) {
  return driver >= 0 && driver < m->n_drivers ? m->drivers[driver].selector : -1;
}
int cubie_model_driver_series(const cubie_model *m, int driver) {
  return driver >= 0 && driver < m->n_drivers ? m->drivers[driver].n_series : 0;
}

static const cubie_model_symbol *symbol_at(const cubie_model *m, cubie_symbol_kind kind,
                                           int index) {
  if (kind > CUBIE_SYMBOL_OBSERVABLE || index < 0 || index >= m->n_symbols[kind]) return NULL;
  return &m->symbols[kind][index];
}

const char *cubie_model_symbol_name(const cubie_model *m, cubie_symbol_kind kind, int index) {
  if (kind == CUBIE_SYMBOL_TIME) return "t";
  if (kind == CUBIE_SYMBOL_DRIVER)
    return index >= 0 && index < m->n_drivers ? m->drivers[index].name : NULL;
  const cubie_model_symbol *s = symbol_at(m, kind, index);
  return s ? s->name : NULL;
}

const char *cubie_model_symbol_units(const cubie_model *m, cubie_symbol_kind kind, int index) {
  const cubie_model_symbol *s = symbol_at(m, kind, index);
  return s ? s->units : NULL;
}

const char *cubie_model_symbol_long_name(const cubie_model *m, cubie_symbol_kind kind, int index) {
  const cubie_model_symbol *s = symbol_at(m, kind, index);
  return s ? s->long_name : NULL;
}

double cubie_model_default_value(const cubie_model *m, cubie_symbol_kind kind, int index) {
  const cubie_model_symbol *s = symbol_at(m, kind, index);
  return s && kind != CUBIE_SYMBOL_OBSERVABLE ? s->value : 0.0;
}

int cubie_model_lookup(const cubie_model *m, const char *name, cubie_symbol_kind *kind,
                       int *index) {
  const cubie_symtab_entry *e = name ? cubie_symtab_find(&m->table, name) : NULL;
  if (!e) return 0;
  if (kind) *kind = e->kind;
  if (index) *index = e->index;
  return 1;
}

const char *cubie_model_suggest(const cubie_model *m, const char *name) {
  return name ? cubie_symtab_suggest(&m->table, name) : NULL;
}

int cubie_model_select_outputs(const cubie_model *m, const cubie_config *cfg,
                               cubie_model_output **outputs, int *n_outputs) {
  *outputs = NULL;
  *n_outputs = 0;
  const cubie_output_config *o = &cfg->output;
  cubie_model_output *list = malloc((size_t)(o->n_save > 0 ? o->n_save : 1) * sizeof *list);
  CUBIE_CHECK(list, CUBIE_ERR_MEMORY, "out of memory listing the saved outputs");
  for (int k = 0; k < o->n_save; k++) {
    const char *name = o->save[k] ? o->save[k] : "";
    cubie_mark mark = o->save_marks ? o->save_marks[k] : cfg->model.equations_mark;
    cubie_symbol_kind kind;
    int index, rc = CUBIE_OK;
    if (!cubie_model_lookup(m, name, &kind, &index)) {
      const char *hint = cubie_model_suggest(m, name);
      if (hint)
        rc = cubie_config_error_at(
            cfg, mark, "cannot save unknown symbol '%s' (did you mean '%s'?)", name, hint);
      else
        rc = cubie_config_error_at(cfg, mark,
                                   "cannot save unknown symbol '%s' (only states and observables "
                                   "can be saved)",
                                   name);
    } else if (kind == CUBIE_SYMBOL_TIME) {
      rc = cubie_config_error_at(cfg, mark,
                                 "'t' need not be saved: the output file always has the time "
                                 "coordinate");
    } else if (kind == CUBIE_SYMBOL_DRIVER) {
      rc = cubie_config_error_at(cfg, mark,
                                 "cannot save driver '%s' directly; define an observable "
                                 "('%s_value = %s') and save that",
                                 name, name, name);
    } else if (kind == CUBIE_SYMBOL_PARAMETER || kind == CUBIE_SYMBOL_CONSTANT) {
      rc = cubie_config_error_at(cfg, mark,
                                 "cannot save %s '%s': it does not change during a run (swept "
                                 "parameters are stored once per run); only states and observables "
                                 "are saved",
                                 kind_noun(kind), name);
    }
    if (rc) {
      free(list);
      return rc;
    }
    list[k].kind = kind;
    list[k].index = index;
  }
  *outputs = list;
  *n_outputs = o->n_save;
  return CUBIE_OK;
}
