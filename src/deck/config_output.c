/* config_output.c — the `output:` section: file, save grid, saved
 * variables and summaries (see config_sections.h). Saved names are
 * checked against the model later; here only their shape is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

static const char *const output_keys[] = {"file", "save_every", "save", "summaries", "compression"};

/* A non-empty list of distinct names; marks kept per item. */
static int read_name_list(const cubie_config *cfg, const cubie_ynode *list, const char *what, const char *kind,
                          const char *const *allowed, int n_allowed, char ***names, cubie_mark **marks,
                          int *n) {
  CUBIE_CALL(cubie_deck_node_list(cfg, list, what));
  if (list->n == 0) return cubie_config_error_at(cfg, list->mark, "%s is empty; list at least one %s", what, kind);
  *names = calloc((size_t)list->n, sizeof **names);
  *marks = calloc((size_t)list->n, sizeof **marks);
  CUBIE_CHECK(*names && *marks, CUBIE_ERR_MEMORY, "out of memory reading %s", what);
  for (int i = 0; i < list->n; i++) {
    const cubie_ynode *item = list->items[i];
    char item_what[256];
    snprintf(item_what, sizeof item_what, "%s[%d]", what, i);
    if (allowed) {
      int which = 0;
      CUBIE_CALL(cubie_deck_node_choice(cfg, item, item_what, kind, allowed, n_allowed, &which));
    } else if (item->kind != CUBIE_YNODE_SCALAR || cubie_ynode_is_null(item)) {
      char buf[96];
      return cubie_config_error_at(cfg, item->mark, "%s must be a name, not %s", item_what,
                                   cubie_deck_describe(item, buf, sizeof buf));
    }
    for (int j = 0; j < i; j++) {
      if (strcmp((*names)[j], item->text) == 0)
        return cubie_config_error_at(cfg, item->mark, "%s lists '%s' twice", what, item->text);
    }
    CUBIE_CALL(cubie_deck_strdup(item->text, &(*names)[i]));
    (*marks)[i] = item->mark;
    (*n)++;
  }
  return CUBIE_OK;
}

/* every state, in declaration order, blamed on its declaration */
static int default_save_list(cubie_config *cfg) {
  cubie_output_config *o = &cfg->output;
  int n = cfg->model.n_states;
  o->save = calloc((size_t)n, sizeof *o->save);
  o->save_marks = calloc((size_t)n, sizeof *o->save_marks);
  CUBIE_CHECK(o->save && o->save_marks, CUBIE_ERR_MEMORY, "out of memory listing saved states");
  for (int i = 0; i < n; i++) {
    CUBIE_CALL(cubie_deck_strdup(cfg->model.states[i].name, &o->save[i]));
    o->save_marks[i] = cfg->model.states[i].mark;
    o->n_save++;
  }
  return CUBIE_OK;
}

int cubie_config_read_output(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_output_config *o = &cfg->output;
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "output", &s));
  CUBIE_CALL(cubie_deck_check_keys(cfg, &s, output_keys, (int)(sizeof output_keys / sizeof *output_keys)));

  cubie_mark file_mark;
  CUBIE_CALL(cubie_deck_string(cfg, &s, "file", false, &o->file, &file_mark));
  if (o->file && !o->file[0])
    return cubie_config_error_at(cfg, file_mark, "output.file must not be empty (leave it out for <model name>.nc)");
  if (!o->file) {
    size_t len = strlen(cfg->model.name) + 4;
    o->file = malloc(len);
    CUBIE_CHECK(o->file, CUBIE_ERR_MEMORY, "out of memory naming the output file");
    snprintf(o->file, len, "%s.nc", cfg->model.name);
  }

  cubie_mark every_m = s.mark;
  CUBIE_CALL(cubie_deck_number(cfg, &s, "save_every", false, &o->save_every, &o->save_every_set, &every_m));
  if (o->save_every_set) {
    if (!(o->save_every > 0.0))
      return cubie_config_error_at(cfg, every_m, "output.save_every must be > 0, not %g", o->save_every);
    if (o->save_every > cfg->integrator.duration)
      return cubie_config_error_at(cfg, every_m, "output.save_every (%g) is longer than integrator.duration (%g)",
                                   o->save_every, cfg->integrator.duration);
    CUBIE_CALL(cubie_config_check_time_length(cfg, every_m, "output.save_every", o->save_every));
    /* Checked before anything converts it to an integer. */
    double saves = cfg->integrator.duration / o->save_every + 1.0;
    if (!(saves <= (double)CUBIE_MAX_SAVE_POINTS))
      return cubie_config_error_at(cfg, every_m,
                                   "output.save_every (%g) makes %.3g save points over "
                                   "integrator.duration (%g); at most %lld are possible",
                                   o->save_every, saves, cfg->integrator.duration,
                                   (long long)CUBIE_MAX_SAVE_POINTS);
  }

  const cubie_ynode *save = cubie_deck_get(&s, "save", NULL);
  if (cubie_deck_is_unset(save))
    CUBIE_CALL(default_save_list(cfg));
  else
    CUBIE_CALL(read_name_list(cfg, save, "output.save", "state or observable", NULL, 0, &o->save, &o->save_marks,
                              &o->n_save));

  CUBIE_CALL(cubie_config_read_summaries(cfg, &s));
  long long compression = 0;
  CUBIE_CALL(cubie_deck_integer(cfg, &s, "compression", 0, 9, &compression, NULL));
  o->compression = (int)compression;
  return CUBIE_OK;
}
