/* deck_read.c — typed reads of deck values (see deck_read.h). */
#include "deck/deck_read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/suggest.h"

void cubie_deck_join(char *buf, size_t cap, const char *where, const char *key) {
  int n = snprintf(buf, cap, "%s%s%s", where, where[0] ? "." : "", key);
  (void)n; /* a cut name only shortens a message */
}

static void key_name(const cubie_deck_section *s, const char *key, char *buf, size_t cap) {
  cubie_deck_join(buf, cap, s->where, key);
}

int cubie_deck_strdup(const char *text, char **out) {
  *out = NULL;
  if (!text) return CUBIE_OK;
  *out = strdup(text);
  CUBIE_CHECK(*out, CUBIE_ERR_MEMORY, "out of memory copying a deck value");
  return CUBIE_OK;
}

bool cubie_deck_is_unset(const cubie_ynode *node) { return !node || cubie_ynode_is_null(node); }

const cubie_ynode *cubie_deck_get(const cubie_deck_section *s, const char *key, cubie_mark *key_mark) {
  cubie_ynode *key_node = NULL;
  const cubie_ynode *value = cubie_ynode_get(s->map, key, &key_node);
  if (key_mark) *key_mark = key_node ? key_node->mark : s->mark;
  return value;
}

int cubie_deck_missing(const cubie_config *cfg, const cubie_deck_section *s, const char *key) {
  if (!s->where[0]) return cubie_config_error_at(cfg, s->mark, "missing required section '%s'", key);
  return cubie_config_error_at(cfg, s->mark, "missing required key '%s' in %s", key, s->where);
}

const char *cubie_deck_describe(const cubie_ynode *node, char *buf, int cap) {
  if (!node || cubie_ynode_is_null(node)) return "null";
  if (node->kind == CUBIE_YNODE_SEQUENCE) return "a list";
  if (node->kind == CUBIE_YNODE_MAPPING) return "a mapping";
  /* Long values (an equations block) are cut so the message stays one line. */
  const char *nl = strchr(node->text, '\n');
  int len = nl ? (int)(nl - node->text) : (int)node->length;
  const char *more = len < (int)node->length || len > 40 ? "..." : "";
  if (len > 40) len = 40;
  if (node->style == CUBIE_YSCALAR_PLAIN)
    snprintf(buf, (size_t)cap, "'%.*s%s'", len, node->text, more);
  else
    snprintf(buf, (size_t)cap, "the quoted string \"%.*s%s\"", len, node->text, more);
  return buf;
}

int cubie_deck_section_open(const cubie_config *cfg, const cubie_deck_section *parent, const char *key,
                            cubie_deck_section *child) {
  cubie_mark key_mark;
  const cubie_ynode *node = cubie_deck_get(parent, key, &key_mark);
  child->map = NULL;
  child->mark = key_mark;
  key_name(parent, key, child->where, sizeof child->where);
  if (cubie_deck_is_unset(node)) return CUBIE_OK;
  if (node->kind != CUBIE_YNODE_MAPPING) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "%s must be a mapping (key: value lines), not %s",
                                 child->where, cubie_deck_describe(node, buf, sizeof buf));
  }
  child->map = node;
  return CUBIE_OK;
}

int cubie_deck_check_keys(const cubie_config *cfg, const cubie_deck_section *s,
                          const char *const *allowed, int n_allowed) {
  if (!s->map) return CUBIE_OK;
  for (int i = 0; i < s->map->n; i++) {
    const cubie_ynode *key = s->map->keys[i];
    bool known = false;
    for (int k = 0; k < n_allowed && !known; k++) known = strcmp(key->text, allowed[k]) == 0;
    if (known) continue;
    const char *hint = cubie_suggest(key->text, allowed, (size_t)n_allowed);
    char where[272];
    if (s->where[0])
      snprintf(where, sizeof where, "in %s", s->where);
    else
      snprintf(where, sizeof where, "at the top level of the deck");
    if (hint)
      return cubie_config_error_at(cfg, key->mark, "unknown key '%s' %s; did you mean '%s'?", key->text,
                                   where, hint);
    return cubie_config_error_at(cfg, key->mark, "unknown key '%s' %s", key->text, where);
  }
  return CUBIE_OK;
}

/* YAML's spellings of infinity and not-a-number, which strtod does not
 * know, plus the C ones it does. */
static bool is_nonfinite_word(const char *t) {
  if (*t == '+' || *t == '-') t++;
  if (*t == '.') t++;
  const char *words[] = {"inf", "Inf", "INF", "nan", "NaN", "NAN", "infinity", "Infinity", "INFINITY"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(t, words[i]) == 0) return true;
  return false;
}

int cubie_deck_node_number(const cubie_config *cfg, const cubie_ynode *node, const char *what, double *out) {
  char buf[96];
  if (node->kind != CUBIE_YNODE_SCALAR || cubie_ynode_is_null(node))
    return cubie_config_error_at(cfg, node->mark, "%s must be a number, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  if (node->style != CUBIE_YSCALAR_PLAIN)
    return cubie_config_error_at(cfg, node->mark,
                                 "%s must be a number, not %s (quoted values are strings; remove the quotes)",
                                 what, cubie_deck_describe(node, buf, sizeof buf));
  if (is_nonfinite_word(node->text))
    return cubie_config_error_at(cfg, node->mark, "%s must be a finite number, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  char *end = NULL;
  errno = 0;
  double v = strtod(node->text, &end);
  if (end == node->text || *end != '\0')
    return cubie_config_error_at(cfg, node->mark, "%s must be a number, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  if (!isfinite(v))
    return cubie_config_error_at(cfg, node->mark, "%s must be a finite number, not %s (out of range)", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  *out = v;
  return CUBIE_OK;
}

int cubie_deck_node_integer(const cubie_config *cfg, const cubie_ynode *node, const char *what,
                            long long lo, long long hi, long long *out) {
  double v = 0.0;
  CUBIE_CALL(cubie_deck_node_number(cfg, node, what, &v));
  char buf[96];
  if (v != floor(v))
    return cubie_config_error_at(cfg, node->mark, "%s must be a whole number, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  /* Compare as doubles: hi may be beyond what a double holds exactly, and
   * the cast below is only defined inside the range. */
  if (v < (double)lo || v > (double)hi) {
    if (hi == LLONG_MAX)
      return cubie_config_error_at(cfg, node->mark, "%s must be an integer >= %lld, not %s", what, lo,
                                   cubie_deck_describe(node, buf, sizeof buf));
    return cubie_config_error_at(cfg, node->mark, "%s must be an integer from %lld to %lld, not %s", what,
                                 lo, hi, cubie_deck_describe(node, buf, sizeof buf));
  }
  *out = (long long)v;
  return CUBIE_OK;
}

int cubie_deck_node_string(const cubie_config *cfg, const cubie_ynode *node, const char *what, char **out) {
  if (node->kind != CUBIE_YNODE_SCALAR) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "%s must be a string, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  }
  return cubie_deck_strdup(node->text, out);
}

int cubie_deck_unknown_choice(const cubie_config *cfg, cubie_mark mark, const char *kind, const char *word,
                              const char *const *candidates, int n_candidates,
                              const char *const *listed, int n_listed) {
  const char *hint = cubie_suggest(word, candidates, (size_t)n_candidates);
  if (hint) return cubie_config_error_at(cfg, mark, "unknown %s '%s'; did you mean '%s'?", kind, word, hint);
  cubie_strbuf list;
  CUBIE_CALL(cubie_strbuf_init(&list));
  int rc = CUBIE_OK;
  for (int i = 0; i < n_listed && !rc; i++) rc = cubie_strbuf_printf(&list, "%s%s", i ? ", " : "", listed[i]);
  if (!rc) rc = cubie_config_error_at(cfg, mark, "unknown %s '%s'; expected one of: %s", kind, word, list.data);
  cubie_strbuf_free(&list);
  return rc;
}

int cubie_deck_node_choice(const cubie_config *cfg, const cubie_ynode *node, const char *what,
                           const char *kind, const char *const *names, int n, int *index) {
  if (node->kind != CUBIE_YNODE_SCALAR) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "%s must be a name, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  }
  for (int i = 0; i < n; i++) {
    if (strcmp(node->text, names[i]) == 0) {
      *index = i;
      return CUBIE_OK;
    }
  }
  return cubie_deck_unknown_choice(cfg, node->mark, kind, node->text, names, n, names, n);
}

int cubie_deck_node_list(const cubie_config *cfg, const cubie_ynode *node, const char *what) {
  if (node->kind == CUBIE_YNODE_SEQUENCE) return CUBIE_OK;
  char buf[96];
  return cubie_config_error_at(cfg, node->mark, "%s must be a list, not %s", what,
                               cubie_deck_describe(node, buf, sizeof buf));
}

/* The value of s[key] for a keyed reader: NULL when unset (after the
 * required-key checks), with its qualified name in `what`. */
static int keyed_value(const cubie_config *cfg, const cubie_deck_section *s, const char *key, bool required,
                       char *what, size_t cap, const cubie_ynode **value) {
  key_name(s, key, what, cap);
  const cubie_ynode *node = cubie_deck_get(s, key, NULL);
  *value = NULL;
  if (!node) return required ? cubie_deck_missing(cfg, s, key) : CUBIE_OK;
  if (cubie_ynode_is_null(node) && !required) return CUBIE_OK;
  *value = node;
  return CUBIE_OK;
}

int cubie_deck_number(const cubie_config *cfg, const cubie_deck_section *s, const char *key, bool required,
                      double *out, bool *set, cubie_mark *mark) {
  char what[256];
  const cubie_ynode *node;
  CUBIE_CALL(keyed_value(cfg, s, key, required, what, sizeof what, &node));
  if (set) *set = node != NULL;
  if (!node) return CUBIE_OK;
  if (mark) *mark = node->mark;
  return cubie_deck_node_number(cfg, node, what, out);
}

int cubie_deck_integer(const cubie_config *cfg, const cubie_deck_section *s, const char *key,
                       long long lo, long long hi, long long *out, cubie_mark *mark) {
  char what[256];
  const cubie_ynode *node;
  CUBIE_CALL(keyed_value(cfg, s, key, false, what, sizeof what, &node));
  if (!node) return CUBIE_OK;
  if (mark) *mark = node->mark;
  return cubie_deck_node_integer(cfg, node, what, lo, hi, out);
}

int cubie_deck_string(const cubie_config *cfg, const cubie_deck_section *s, const char *key, bool required,
                      char **out, cubie_mark *mark) {
  char what[256];
  const cubie_ynode *node;
  CUBIE_CALL(keyed_value(cfg, s, key, required, what, sizeof what, &node));
  if (!node) return CUBIE_OK;
  if (mark) *mark = node->mark;
  if (required && cubie_ynode_is_null(node)) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "%s must be a string, not %s", what,
                                 cubie_deck_describe(node, buf, sizeof buf));
  }
  char *text = NULL;
  CUBIE_CALL(cubie_deck_node_string(cfg, node, what, &text));
  free(*out);
  *out = text;
  return CUBIE_OK;
}

int cubie_deck_choice(const cubie_config *cfg, const cubie_deck_section *s, const char *key,
                      const char *kind, const char *const *names, int n, int *index, cubie_mark *mark) {
  char what[256];
  const cubie_ynode *node;
  CUBIE_CALL(keyed_value(cfg, s, key, false, what, sizeof what, &node));
  if (!node) return CUBIE_OK;
  if (mark) *mark = node->mark;
  return cubie_deck_node_choice(cfg, node, what, kind, names, n, index);
}
