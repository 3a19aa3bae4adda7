/* test_deck.c — see test_deck.h. */
#include "test_deck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

void test_deck_init(test_deck *d, const char *path) {
  memset(d, 0, sizeof *d);
  d->cfg.path = copy(path);
  d->cfg.model.name = copy("test");
  d->cfg.batch.grid = CUBIE_GRID_COMBINATORIAL;
}

static void free_decls(cubie_symbol_decl *decls, int n) {
  for (int i = 0; i < n; i++) {
    free(decls[i].name);
    free(decls[i].units);
    free(decls[i].long_name);
  }
  free(decls);
}

void test_deck_free(test_deck *d) {
  cubie_model_config *m = &d->cfg.model;
  free(d->cfg.path);
  free(m->name);
  free_decls(m->states, m->n_states);
  free_decls(m->parameters, m->n_parameters);
  free_decls(m->constants, m->n_constants);
  free_decls(m->observables, m->n_observables);
  free(m->equations);
  free(m->equation_line);
  free(m->equation_column_offset);
  for (int i = 0; i < d->cfg.batch.n_sweeps; i++) {
    free(d->cfg.batch.sweeps[i].name);
    free(d->cfg.batch.sweeps[i].values);
  }
  free(d->cfg.batch.sweeps);
  for (int i = 0; i < d->cfg.output.n_save; i++) free(d->cfg.output.save[i]);
  free(d->cfg.output.save);
  free(d->cfg.output.save_marks);
  memset(d, 0, sizeof *d);
}

static void section(test_deck *d, cubie_symbol_kind kind, cubie_symbol_decl ***decls, int **n) {
  cubie_model_config *m = &d->cfg.model;
  switch (kind) {
    case CUBIE_SYMBOL_STATE:
      *decls = &m->states;
      *n = &m->n_states;
      break;
    case CUBIE_SYMBOL_PARAMETER:
      *decls = &m->parameters;
      *n = &m->n_parameters;
      break;
    case CUBIE_SYMBOL_CONSTANT:
      *decls = &m->constants;
      *n = &m->n_constants;
      break;
    default:
      *decls = &m->observables;
      *n = &m->n_observables;
      break;
  }
}

void test_deck_declare(test_deck *d, cubie_symbol_kind kind, const char *name, double value,
                       int line, int column) {
  cubie_symbol_decl **decls;
  int *n;
  section(d, kind, &decls, &n);
  *decls = realloc(*decls, (size_t)(*n + 1) * sizeof **decls);
  cubie_symbol_decl *s = &(*decls)[(*n)++];
  memset(s, 0, sizeof *s);
  s->name = copy(name);
  s->value = value;
  s->mark.line = line;
  s->mark.column = column;
}

void test_deck_declare_list(test_deck *d, cubie_symbol_kind kind, const char *list, int line) {
  char *text = copy(list), *save = NULL;
  int column = 3;
  for (char *item = strtok_r(text, " ", &save); item; item = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(item, '=');
    double value = 0.0;
    if (eq) {
      *eq = '\0';
      value = strtod(eq + 1, NULL);
    }
    test_deck_declare(d, kind, item, value, line, column);
    column += (int)strlen(item) + 2;
  }
  free(text);
}

void test_deck_units(test_deck *d, cubie_symbol_kind kind, const char *name, const char *units,
                     const char *long_name) {
  cubie_symbol_decl **decls;
  int *n;
  section(d, kind, &decls, &n);
  for (int i = 0; i < *n; i++)
    if (strcmp((*decls)[i].name, name) == 0) {
      (*decls)[i].units = copy(units);
      (*decls)[i].long_name = copy(long_name);
    }
}

void test_deck_equations(test_deck *d, const char *text, int first_line, int indent) {
  cubie_model_config *m = &d->cfg.model;
  free(m->equations);
  free(m->equation_line);
  free(m->equation_column_offset);
  m->equations = copy(text);
  int lines = 1;
  for (const char *c = text; *c; c++) lines += *c == '\n';
  m->n_equation_lines = lines;
  m->equation_line = malloc((size_t)lines * sizeof(int));
  m->equation_column_offset = malloc((size_t)lines * sizeof(int));
  for (int i = 0; i < lines; i++) {
    m->equation_line[i] = first_line + i;
    m->equation_column_offset[i] = indent;
  }
  m->equations_mark.line = first_line - 1;
  m->equations_mark.column = 3;
}

static cubie_sweep *add_sweep(test_deck *d, const char *name, int line, int column) {
  cubie_batch_config *b = &d->cfg.batch;
  b->sweeps = realloc(b->sweeps, (size_t)(b->n_sweeps + 1) * sizeof *b->sweeps);
  cubie_sweep *s = &b->sweeps[b->n_sweeps++];
  memset(s, 0, sizeof *s);
  s->name = copy(name);
  s->mark.line = line;
  s->mark.column = column;
  return s;
}

void test_deck_sweep_values(test_deck *d, const char *name, const double *values, long long n,
                            int line, int column) {
  cubie_sweep *s = add_sweep(d, name, line, column);
  s->kind = CUBIE_SWEEP_VALUES;
  s->n = n;
  s->values = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
  if (n > 0) memcpy(s->values, values, (size_t)n * sizeof(double));
}

void test_deck_sweep_space(test_deck *d, const char *name, cubie_sweep_kind kind, double start,
                           double stop, long long n, int line, int column) {
  cubie_sweep *s = add_sweep(d, name, line, column);
  s->kind = kind;
  s->start = start;
  s->stop = stop;
  s->n = n;
}

void test_deck_save(test_deck *d, const char *name, int line, int column) {
  cubie_output_config *o = &d->cfg.output;
  o->save = realloc(o->save, (size_t)(o->n_save + 1) * sizeof *o->save);
  o->save_marks = realloc(o->save_marks, (size_t)(o->n_save + 1) * sizeof *o->save_marks);
  o->save[o->n_save] = copy(name);
  o->save_marks[o->n_save].line = line;
  o->save_marks[o->n_save].column = column;
  o->save_marks[o->n_save].override = 0;
  o->n_save++;
}

int test_error_is(const test_deck *d, int rc, const char *needle, int line, int column) {
  char prefix[512];
  snprintf(prefix, sizeof prefix, "%s:%d:%d: ", d->cfg.path, line, column);
  const char *msg = cubie_error_message();
  int ok = rc == CUBIE_ERR_INPUT && strncmp(msg, prefix, strlen(prefix)) == 0 &&
           strstr(msg, needle) != NULL;
  if (!ok)
    fprintf(stderr, "  expected CUBIE_ERR_INPUT \"%s...%s...\"\n  got rc=%d \"%s\"\n", prefix,
            needle, rc, msg);
  return ok;
}

int test_deck_model(test_deck *d, cubie_model **model) {
  cubie_error_clear();
  return cubie_model_create(&d->cfg, model);
}
