/* config.c — load, override and validate a deck; free it; report against
 * it (see config.h). The sections themselves are read by config_*.c. */
#include "deck/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"
#include "util/growable.h"
#include "deck/yaml_tree.h"

static const char *const top_keys[] = {"model", "integrator", "batch", "output", "run", "buffers"};

int cubie_config_error_at(const cubie_config *cfg, cubie_mark mark, const char *fmt, ...) {
  char message[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (cfg && mark.override > 0 && mark.override <= cfg->n_overrides)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "--set '%s': %s", cfg->overrides[mark.override - 1], message);
  const char *path = cfg && cfg->path ? cfg->path : "deck";
  if (mark.line > 0) return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s:%d:%d: %s", path, mark.line, mark.column, message);
  return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s: %s", path, message);
}

static void free_symbols(cubie_symbol_decl **decls, int *n) {
  for (int i = 0; i < *n; i++) {
    free((*decls)[i].name);
    free((*decls)[i].units);
    free((*decls)[i].long_name);
  }
  free(*decls);
  *decls = NULL;
  *n = 0;
}

static void free_strings(char ***list, int n) {
  for (int i = 0; i < n; i++) free((*list)[i]);
  free(*list);
  *list = NULL;
}

void cubie_config_destroy(cubie_config **cfg) {
  if (!cfg || !*cfg) return;
  cubie_config *c = *cfg;
  free(c->path);
  free(c->text);
  free_strings(&c->overrides, c->n_overrides);
  cubie_model_config *m = &c->model;
  free(m->name);
  free_symbols(&m->states, &m->n_states);
  free_symbols(&m->parameters, &m->n_parameters);
  free_symbols(&m->constants, &m->n_constants);
  free_symbols(&m->observables, &m->n_observables);
  for (int i = 0; i < m->n_drivers; i++) {
    cubie_driver_decl *d = &m->drivers[i];
    free(d->name);
    free(d->units);
    free(d->long_name);
    for (int k = 0; k < d->n_series; k++) {
      free(d->series[k].values);
      free(d->series[k].source);
    }
    free(d->series);
  }
  free(m->drivers);
  free(m->time_units);
  free(m->equations);
  free(m->equation_line);
  free(m->equation_column_offset);
  cubie_config_free_events(m);
  for (int i = 0; i < c->batch.n_sweeps; i++) {
    free(c->batch.sweeps[i].name);
    free(c->batch.sweeps[i].values);
  }
  free(c->batch.sweeps);
  cubie_output_config *o = &c->output;
  free(o->file);
  free_strings(&o->save, o->n_save);
  free(o->save_marks);
  for (int i = 0; i < o->n_summary_requests; i++) {
    free(o->summary_requests[i].variable);
    free(o->summary_requests[i].metric);
  }
  free(o->summary_requests);
  free(c->run.cache_dir);
  for (int i = 0; i < c->n_buffers; i++) free(c->buffers[i].name);
  free(c->buffers);
  free(c);
  *cfg = NULL;
}

/* Provenance and message context first, so every later error can name
 * the deck path or the --set argument. */
static int config_new(const char *path, const char *text, const char *const *overrides, int n_overrides,
                      cubie_config **out) {
  cubie_config *cfg = calloc(1, sizeof *cfg);
  CUBIE_CHECK(cfg, CUBIE_ERR_MEMORY, "out of memory loading a deck");
  *out = cfg;
  CUBIE_CALL(cubie_deck_strdup(path, &cfg->path));
  CUBIE_CALL(cubie_deck_strdup(text, &cfg->text));
  if (n_overrides > 0) {
    cfg->overrides = calloc((size_t)n_overrides, sizeof *cfg->overrides);
    CUBIE_CHECK(cfg->overrides, CUBIE_ERR_MEMORY, "out of memory copying --set arguments");
    for (int i = 0; i < n_overrides; i++) {
      CUBIE_CALL(cubie_deck_strdup(overrides[i] ? overrides[i] : "", &cfg->overrides[i]));
      cfg->n_overrides++;
    }
  }
  return CUBIE_OK;
}

static int read_sections(cubie_config *cfg, cubie_ynode *root) {
  cubie_mark start = {1, 1, 0};
  if (!root || cubie_ynode_is_null(root))
    return cubie_config_error_at(cfg, root ? root->mark : start,
                                 "the deck is empty; it needs at least the sections model and integrator");
  if (root->kind != CUBIE_YNODE_MAPPING)
    return cubie_config_error_at(cfg, root->mark,
                                 "the deck must be a mapping of sections (model:, integrator:, ...), not %s",
                                 root->kind == CUBIE_YNODE_SEQUENCE ? "a list" : "a single value");
  for (int i = 0; i < cfg->n_overrides; i++) CUBIE_CALL(cubie_yaml_apply_override(cfg, i, root));
  cubie_deck_section top = {.map = root, .mark = root->mark, .where = ""};
  CUBIE_CALL(cubie_deck_check_keys(cfg, &top, top_keys, (int)(sizeof top_keys / sizeof *top_keys)));
  CUBIE_CALL(cubie_config_read_model(cfg, &top));
  CUBIE_CALL(cubie_config_read_integrator(cfg, &top));
  CUBIE_CALL(cubie_config_read_batch(cfg, &top));
  CUBIE_CALL(cubie_config_read_output(cfg, &top));
  CUBIE_CALL(cubie_config_read_run(cfg, &top));
  CUBIE_CALL(cubie_config_read_buffers(cfg, &top));
  return CUBIE_OK;
}

int cubie_config_load_text(const char *path, const char *text, const char *const *overrides, int n_overrides,
                           cubie_config **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "cubie_config_load_text: no output pointer");
  *out = NULL;
  CUBIE_CHECK(path && text, CUBIE_ERR_INTERNAL, "cubie_config_load_text: NULL path or text");
  CUBIE_CHECK(n_overrides == 0 || overrides, CUBIE_ERR_INTERNAL, "cubie_config_load_text: NULL overrides");
  cubie_config *cfg = NULL;
  cubie_ynode *root = NULL;
  int rc = config_new(path, text, overrides, n_overrides, &cfg);
  if (!rc) rc = cubie_yaml_parse(cfg, text, strlen(text), 0, &root);
  if (!rc) rc = read_sections(cfg, root);
  cubie_ynode_destroy(&root);
  if (rc) {
    cubie_config_destroy(&cfg);
    return rc;
  }
  *out = cfg;
  return CUBIE_OK;
}

int cubie_config_read_file(const char *path, char **text) {
  *text = NULL;
  FILE *f = fopen(path, "rb");
  CUBIE_CHECK(f, CUBIE_ERR_INPUT, "cannot read '%s': %s", path, strerror(errno));
  size_t cap = 0, len = 0;
  char *buf = NULL;
  int err = 0, rc = CUBIE_OK;
  for (;;) {
    /* Room for at least 4 KiB more and the terminator (a pipe has no size). */
    rc = CUBIE_GROW(buf, len + 4096, cap, "the deck's text");
    if (rc) break;
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) err = errno ? errno : EIO;
      break;
    }
  }
  fclose(f);
  if (rc) {
    free(buf);
    return rc;
  }
  if (err) {
    free(buf);
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot read '%s': %s", path, strerror(err));
  }
  if (memchr(buf, '\0', len)) {
    free(buf);
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot read '%s': it contains NUL bytes (not a text file)", path);
  }
  buf[len] = '\0';
  *text = buf;
  return CUBIE_OK;
}

int cubie_config_load(const char *path, const char *const *overrides, int n_overrides, cubie_config **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "cubie_config_load: no output pointer");
  *out = NULL;
  CUBIE_CHECK(path, CUBIE_ERR_INTERNAL, "cubie_config_load: NULL path");
  char *text = NULL;
  CUBIE_CALL(cubie_config_read_file(path, &text));
  int rc = cubie_config_load_text(path, text, overrides, n_overrides, out);
  free(text);
  return rc;
}
