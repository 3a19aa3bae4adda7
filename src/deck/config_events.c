/* config_events.c — the `model.events` section: per event its condition
 * text, direction, action (terminal, resets) and how many event times a run
 * keeps (see config.h, docs/deck.md "Events").
 *
 * Only the deck's shape is checked here: names, keys, types, the direction
 * word and the range of max_saved. What the expressions mean (unknown
 * symbols, a reset of something that is not a state) is the model's to
 * check (src/model/model_events.c), at the positions recorded here.
 */
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

static const char *const event_keys[] = {"when", "direction", "reset", "terminal", "max_saved"};
static const char *const directions[] = {"both", "up", "down"};
static const char *const booleans[] = {"false", "true"};

/* The most event times one run keeps per event: the record is per run in
 * device memory, and a million is already far beyond "the first few". */
#define MAX_SAVED_LIMIT 1000000

/* Where the text of scalar `node` begins: a quoted scalar one column after
 * its opening quote; a block scalar (`|`, `>`) on the line after its
 * indicator, column unknown (its first column is the best guess). */
static cubie_mark text_mark(const cubie_ynode *node) {
  cubie_mark mark = node->mark;
  if (mark.line == 0) return mark;
  if (node->style == CUBIE_YSCALAR_SINGLE_QUOTED || node->style == CUBIE_YSCALAR_DOUBLE_QUOTED)
    mark.column += 1;
  return mark;
}

static int is_identifier(const char *s) {
  if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return 0;
  return 1;
}

/* An expression: any non-empty scalar (a number is an expression too). */
static int read_expression(cubie_config *cfg, const cubie_ynode *node, const char *what,
                           char **text, cubie_mark *mark) {
  char buf[96];
  if (node->kind != CUBIE_YNODE_SCALAR || cubie_ynode_is_null(node))
    return cubie_config_error_at(cfg, node->mark, "%s must be an expression, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  CUBIE_CALL(cubie_deck_strdup(node->text, text));
  *mark = text_mark(node);
  return CUBIE_OK;
}

static int read_resets(cubie_config *cfg, const cubie_deck_section *event, cubie_event_decl *e) {
  cubie_deck_section reset;
  CUBIE_CALL(cubie_deck_section_open(cfg, event, "reset", &reset));
  if (!reset.map || reset.map->n == 0) return CUBIE_OK;
  e->resets = calloc((size_t)reset.map->n, sizeof *e->resets);
  CUBIE_CHECK(e->resets, CUBIE_ERR_MEMORY, "out of memory reading %s", reset.where);
  for (int i = 0; i < reset.map->n; i++) {
    const cubie_ynode *key = reset.map->keys[i], *value = reset.map->items[i];
    cubie_event_reset *r = &e->resets[e->n_resets++];
    char what[256];
    cubie_deck_join(what, sizeof what, reset.where, key->text);
    CUBIE_CALL(cubie_deck_strdup(key->text, &r->state));
    r->state_mark = key->mark;
    CUBIE_CALL(read_expression(cfg, value, what, &r->expression, &r->expression_mark));
  }
  return CUBIE_OK;
}

static int read_event(cubie_config *cfg, const cubie_deck_section *list, int i,
                      cubie_event_decl *e) {
  const cubie_ynode *key = list->map->keys[i], *node = list->map->items[i];
  CUBIE_CALL(cubie_deck_strdup(key->text, &e->name));
  e->mark = key->mark;
  e->max_saved = 16;
  char what[256], buf[96];
  cubie_deck_join(what, sizeof what, list->where, key->text);
  if (!is_identifier(e->name))
    return cubie_config_error_at(cfg, key->mark,
                                 "'%s' is not a valid event name (use letters, digits and '_', "
                                 "not starting with a digit: it names the file's variables "
                                 "<event>_times and <event>_count)",
                                 e->name);
  if (node->kind != CUBIE_YNODE_MAPPING)
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a mapping {when: expression, direction: up | down | "
                                 "both, reset: {state: expression}, terminal: true | false, "
                                 "max_saved: N}, not %s",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  cubie_deck_section event = {.map = node, .mark = key->mark};
  cubie_deck_join(event.where, sizeof event.where, "", what);
  CUBIE_CALL(cubie_deck_check_keys(cfg, &event, event_keys,
                                   (int)(sizeof event_keys / sizeof *event_keys)));
  const cubie_ynode *when = cubie_deck_get(&event, "when", NULL);
  if (!when) return cubie_deck_missing(cfg, &event, "when");
  char when_what[300];
  cubie_deck_join(when_what, sizeof when_what, event.where, "when");
  CUBIE_CALL(read_expression(cfg, when, when_what, &e->when, &e->when_mark));
  int direction = 0, terminal = 0;
  CUBIE_CALL(cubie_deck_choice(cfg, &event, "direction", "direction", directions, 3, &direction,
                               NULL));
  e->direction = direction == 1 ? 1 : direction == 2 ? -1 : 0;
  CUBIE_CALL(cubie_deck_choice(cfg, &event, "terminal", "value (true or false)", booleans, 2,
                               &terminal, NULL));
  e->terminal = terminal == 1;
  CUBIE_CALL(cubie_deck_integer(cfg, &event, "max_saved", 0, MAX_SAVED_LIMIT, &e->max_saved, NULL));
  CUBIE_CALL(read_resets(cfg, &event, e));
  if (e->terminal && e->n_resets > 0)
    return cubie_config_error_at(cfg, key->mark,
                                 "%s is terminal and also resets states: a terminal event stops "
                                 "the run, so its reset would never be used (remove one)",
                                 what);
  return CUBIE_OK;
}

int cubie_config_read_events(cubie_config *cfg, const cubie_deck_section *model) {
  cubie_model_config *m = &cfg->model;
  cubie_deck_section list;
  CUBIE_CALL(cubie_deck_section_open(cfg, model, "events", &list));
  if (!list.map || list.map->n == 0) return CUBIE_OK;
  m->events = calloc((size_t)list.map->n, sizeof *m->events);
  CUBIE_CHECK(m->events, CUBIE_ERR_MEMORY, "out of memory reading %s", list.where);
  /* Count as we go so the release frees exactly what was filled. */
  for (int i = 0; i < list.map->n; i++) {
    m->n_events++;
    CUBIE_CALL(read_event(cfg, &list, i, &m->events[i]));
  }
  return CUBIE_OK;
}

void cubie_config_free_events(cubie_model_config *m) {
  for (int i = 0; i < m->n_events; i++) {
    cubie_event_decl *e = &m->events[i];
    free(e->name);
    free(e->when);
    for (int k = 0; k < e->n_resets; k++) {
      free(e->resets[k].state);
      free(e->resets[k].expression);
    }
    free(e->resets);
  }
  free(m->events);
  m->events = NULL;
  m->n_events = 0;
}
