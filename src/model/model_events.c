/* model_events.c — the model's events: each `when` condition g(t, y) and
 * reset value parsed with the equations' language (same symbols: states,
 * parameters, constants, observables, `dNAME`, `t`), checked, and printed
 * as kernel C beside the right-hand side (see model_internal.h; the kernel
 * side is kernels/events.h, the deck side src/deck/config_events.c).
 *
 * A model without events gets no text at all, so its kernels are exactly
 * what they were before events existed.
 */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "model/model_emit.h"
#include "model/model_internal.h"

/* Parse one expression into the model's list; *index is its place there. */
static int add_expression(cubie_model *m, const cubie_config *cfg, const char *text,
                          cubie_mark mark, int *index) {
  int root;
  CUBIE_CALL(cubie_model_parse_expression(cfg, &m->table, &m->parse, text, mark, &root));
  CUBIE_CALL(CUBIE_GROW(m->expr_parse, m->n_exprs + 1, m->exprs_capacity, "the events"));
  size_t capacity = m->exprs_capacity;
  int *nodes = realloc(m->expr_node, capacity * sizeof *nodes);
  CUBIE_CHECK(nodes, CUBIE_ERR_MEMORY, "out of memory reading the events");
  m->expr_node = nodes;
  m->expr_parse[m->n_exprs] = root;
  m->expr_node[m->n_exprs] = -1;
  *index = m->n_exprs++;
  return CUBIE_OK;
}

static const char *kind_noun(cubie_symbol_kind kind) {
  switch (kind) {
    case CUBIE_SYMBOL_PARAMETER: return "a parameter";
    case CUBIE_SYMBOL_CONSTANT: return "a constant";
    case CUBIE_SYMBOL_OBSERVABLE: return "an observable";
    case CUBIE_SYMBOL_TIME: return "time";
    default: return "a state";
  }
}

/* The state a reset sets: a declared state, else an error at its name. */
static int reset_target(const cubie_model *m, const cubie_config *cfg, const cubie_event_decl *d,
                        const cubie_event_reset *r, int *state) {
  const cubie_symtab_entry *e = cubie_symtab_find(&m->table, r->state);
  if (e && e->kind == CUBIE_SYMBOL_STATE) {
    *state = e->index;
    return CUBIE_OK;
  }
  if (e)
    return cubie_config_error_at(cfg, r->state_mark,
                                 "event '%s' cannot reset '%s': it is %s, and an event resets "
                                 "only states",
                                 d->name, r->state, kind_noun(e->kind));
  int n = m->n_symbols[CUBIE_SYMBOL_STATE];
  const char **names = malloc((size_t)(n > 0 ? n : 1) * sizeof *names);
  CUBIE_CHECK(names, CUBIE_ERR_MEMORY, "out of memory checking the events");
  for (int i = 0; i < n; i++) names[i] = m->symbols[CUBIE_SYMBOL_STATE][i].name;
  const char *hint = cubie_symtab_suggest_from(r->state, names, (size_t)n);
  int rc = hint ? cubie_config_error_at(cfg, r->state_mark,
                                        "event '%s' resets unknown state '%s' (did you mean "
                                        "'%s'?)",
                                        d->name, r->state, hint)
                : cubie_config_error_at(cfg, r->state_mark,
                                        "event '%s' resets unknown state '%s' (only states can be "
                                        "reset)",
                                        d->name, r->state);
  free(names);
  return rc;
}

int cubie_model_parse_events(cubie_model *m, const cubie_config *cfg) {
  const cubie_model_config *mc = &cfg->model;
  if (mc->n_events == 0) return CUBIE_OK;
  m->events = calloc((size_t)mc->n_events, sizeof *m->events);
  CUBIE_CHECK(m->events, CUBIE_ERR_MEMORY, "out of memory reading the events");
  for (int k = 0; k < mc->n_events; k++) {
    const cubie_event_decl *d = &mc->events[k];
    cubie_model_event *ev = &m->events[m->n_events++];
    ev->name = strdup(d->name); /* the model outlives nothing of the deck's */
    CUBIE_CHECK(ev->name, CUBIE_ERR_MEMORY, "out of memory reading the events");
    ev->direction = d->direction;
    ev->terminal = d->terminal;
    ev->max_saved = d->max_saved;
    for (int j = 0; j < k; j++)
      CUBIE_CHECK(strcmp(mc->events[j].name, d->name) != 0, CUBIE_ERR_INTERNAL,
                  "event '%s' twice", d->name); /* YAML keys are unique */
    CUBIE_CALL(add_expression(m, cfg, d->when, d->when_mark, &ev->when));
    if (d->n_resets == 0) continue;
    ev->reset_state = malloc((size_t)d->n_resets * sizeof *ev->reset_state);
    ev->reset_expr = malloc((size_t)d->n_resets * sizeof *ev->reset_expr);
    CUBIE_CHECK(ev->reset_state && ev->reset_expr, CUBIE_ERR_MEMORY,
                "out of memory reading the events");
    for (int r = 0; r < d->n_resets; r++) {
      CUBIE_CALL(reset_target(m, cfg, d, &d->resets[r], &ev->reset_state[r]));
      CUBIE_CALL(add_expression(m, cfg, d->resets[r].expression, d->resets[r].expression_mark,
                                &ev->reset_expr[r]));
      ev->n_resets++;
    }
  }
  return CUBIE_OK;
}

void cubie_model_events_free(cubie_model *m) {
  for (int k = 0; k < m->n_events; k++) {
    free(m->events[k].name);
    free(m->events[k].reset_state);
    free(m->events[k].reset_expr);
  }
  free(m->events);
  free(m->expr_parse);
  free(m->expr_node);
  m->events = NULL;
  m->expr_parse = m->expr_node = NULL;
  m->n_events = m->n_exprs = 0;
}

/* ---- queries (model.h) --------------------------------------------------- */

int cubie_model_n_events(const cubie_model *m) { return m->n_events; }
const char *cubie_model_event_name(const cubie_model *m, int e) { return m->events[e].name; }
int cubie_model_event_terminal(const cubie_model *m, int e) { return m->events[e].terminal; }
long long cubie_model_event_max_saved(const cubie_model *m, int e) {
  return m->events[e].max_saved;
}

int cubie_model_events_any_terminal(const cubie_model *m) {
  for (int e = 0; e < m->n_events; e++)
    if (m->events[e].terminal) return 1;
  return 0;
}

long long cubie_model_event_record_offset(const cubie_model *m, int e) {
  long long offset = 0;
  for (int k = 0; k < e; k++) offset += 1 + m->events[k].max_saved;
  return offset;
}

long long cubie_model_event_record_slots(const cubie_model *m) {
  if (m->n_events == 0) return 0;
  return cubie_model_event_record_offset(m, m->n_events) + cubie_model_events_any_terminal(m);
}

/* ---- kernel text ------------------------------------------------------ */

/* `CUBIE_INLINE TYPE NAME(int e)` returning value(e) for each event. */
static int emit_table(const cubie_model *m, cubie_strbuf *out, const char *type, const char *name,
                      long long (*value)(const cubie_model *, int)) {
  CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_INLINE %s %s(int e) {\n  (void)e;\n", type, name));
  for (int e = 0; e + 1 < m->n_events; e++)
    CUBIE_CALL(cubie_strbuf_printf(out, "  if (e == %d) return (%s)%lld;\n", e, type,
                                   value(m, e)));
  return cubie_strbuf_printf(out, "  return (%s)%lld;\n}\n", type, value(m, m->n_events - 1));
}

static long long direction_of(const cubie_model *m, int e) { return m->events[e].direction; }
static long long terminal_of(const cubie_model *m, int e) { return m->events[e].terminal; }
static long long resets_of(const cubie_model *m, int e) { return m->events[e].n_resets > 0; }
static long long max_saved_of(const cubie_model *m, int e) { return m->events[e].max_saved; }
static long long offset_of(const cubie_model *m, int e) {
  return cubie_model_event_record_offset(m, e);
}

static int emit_conditions(cubie_model_emitter *E) {
  const cubie_model *m = E->m;
  cubie_strbuf *out = E->out;
  int *roots = malloc((size_t)m->n_events * sizeof *roots);
  CUBIE_CHECK(roots, CUBIE_ERR_MEMORY, "out of memory generating the events");
  for (int e = 0; e < m->n_events; e++) roots[e] = m->expr_node[m->events[e].when];
  cubie_model_emitter_plan(E, roots, m->n_events);
  free(roots);
  CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_events%sg) {\n",
                                 cubie_model_signature_head));
  CUBIE_CALL(cubie_strbuf_append(out, "  (void)t;\n  (void)y;\n  (void)p;\n"));
  CUBIE_CALL(cubie_model_emit_temporaries(E));
  for (int e = 0; e < m->n_events; e++) {
    CUBIE_CALL(cubie_strbuf_printf(out, "  g[%d] = ", e));
    CUBIE_CALL(cubie_model_emit_expr(E, m->expr_node[m->events[e].when]));
    CUBIE_CALL(cubie_strbuf_append(out, ";"));
    CUBIE_CALL(cubie_model_emit_comment_name(out, "", m->events[e].name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
  }
  return cubie_strbuf_append(out, "}\n");
}

/* y_out = y, then event e's resets, every value computed from y (the state
 * just before the reset), so resets never see each other. */
static int emit_resets(cubie_model_emitter *E) {
  const cubie_model *m = E->m;
  cubie_strbuf *out = E->out;
  CUBIE_CALL(cubie_strbuf_printf(out, "CUBIE_DEVICE void cubie_model_event_reset(int e, %sy_out) {\n",
                                 cubie_model_signature_head + 1));
  CUBIE_CALL(cubie_strbuf_append(out, "  (void)t;\n  (void)p;\n  CUBIE_UNROLL\n"
                                      "  for (int n = 0; n < CUBIE_N_STATES; n++) y_out[n] = y[n];\n"));
  for (int e = 0; e < m->n_events; e++) {
    const cubie_model_event *ev = &m->events[e];
    if (ev->n_resets == 0) continue;
    int *roots = malloc((size_t)ev->n_resets * sizeof *roots);
    CUBIE_CHECK(roots, CUBIE_ERR_MEMORY, "out of memory generating the events");
    for (int r = 0; r < ev->n_resets; r++) roots[r] = m->expr_node[ev->reset_expr[r]];
    cubie_model_emitter_plan(E, roots, ev->n_resets);
    free(roots);
    CUBIE_CALL(cubie_strbuf_printf(out, "  if (e == %d) {", e));
    CUBIE_CALL(cubie_model_emit_comment_name(out, "", ev->name));
    CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    CUBIE_CALL(cubie_model_emit_temporaries(E));
    for (int r = 0; r < ev->n_resets; r++) {
      CUBIE_CALL(cubie_strbuf_printf(out, "    y_out[%d] = ", ev->reset_state[r]));
      CUBIE_CALL(cubie_model_emit_expr(E, m->expr_node[ev->reset_expr[r]]));
      CUBIE_CALL(cubie_strbuf_append(out, ";"));
      CUBIE_CALL(cubie_model_emit_comment_name(
          out, "", m->symbols[CUBIE_SYMBOL_STATE][ev->reset_state[r]].name));
      CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    }
    CUBIE_CALL(cubie_strbuf_append(out, "  }\n"));
  }
  return cubie_strbuf_append(out, "}\n");
}

int cubie_model_generate_events(const cubie_model *m, cubie_strbuf *src) {
  if (m->n_events == 0) return CUBIE_OK;
  int any_reset = 0;
  for (int e = 0; e < m->n_events; e++) any_reset |= m->events[e].n_resets > 0;
  CUBIE_CALL(cubie_strbuf_printf(src,
                                 "\n/* Events (model.events; kernels/events.h) */\n"
                                 "#define CUBIE_N_EVENTS %d\n"
                                 "#define CUBIE_EVENT_RECORD_SLOTS %lld\n"
                                 "#define CUBIE_EVENT_ANY_TERMINAL %d\n"
                                 "#define CUBIE_EVENT_ANY_RESET %d\n",
                                 m->n_events, cubie_model_event_record_slots(m),
                                 cubie_model_events_any_terminal(m), any_reset));
  CUBIE_CALL(emit_table(m, src, "int", "cubie_model_event_direction", direction_of));
  CUBIE_CALL(emit_table(m, src, "int", "cubie_model_event_terminal", terminal_of));
  CUBIE_CALL(emit_table(m, src, "int", "cubie_model_event_resets", resets_of));
  CUBIE_CALL(emit_table(m, src, "cubie_i64", "cubie_model_event_max_saved", max_saved_of));
  CUBIE_CALL(emit_table(m, src, "cubie_i64", "cubie_model_event_offset", offset_of));
  cubie_model_emitter E;
  int rc = cubie_model_emitter_init(&E, m, src);
  if (!rc) rc = emit_conditions(&E);
  if (!rc) rc = emit_resets(&E);
  cubie_model_emitter_free(&E);
  return rc;
}
