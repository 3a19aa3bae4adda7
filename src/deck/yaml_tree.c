/* yaml_tree.c — libyaml events → positioned node tree (see yaml_tree.h). */
#include "deck/yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/error.h"
#include "util/growable.h"

/* Deeper nesting than any deck needs; the limit keeps a hostile
 * "[[[[..." from exhausting the stack of the recursive builder. */
#define YAML_TREE_MAX_DEPTH 64

typedef struct tree_builder {
  const cubie_config *cfg;
  yaml_parser_t parser;
  const char *text;
  size_t length;
  int override_index;
} tree_builder;

static cubie_mark builder_mark(const tree_builder *b, yaml_mark_t m) {
  cubie_mark mark = {0, 0, b->override_index};
  if (b->override_index == 0) {
    mark.line = (int)m.line + 1;
    mark.column = (int)m.column + 1;
  }
  return mark;
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static yaml_mark_t mark_at_offset(const char *text, size_t length, size_t offset) {
  yaml_mark_t m = {0, 0, 0};
  for (size_t i = 0; i < offset && i < length; i++) {
    if (text[i] == '\n') {
      m.line++;
      m.column = 0;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      m.column++;
    }
  }
  m.index = offset;
  return m;
}

/* A word directly followed by '[' where a flow list wanted ',' or ']':
 * an unquoted "peaks[3]" in [mean, peaks[3]] (YAML reads [ as a list). */
static bool bracket_after_word(const tree_builder *b, size_t at) {
  if (at == 0 || at >= b->length || b->text[at] != '[') return false;
  char c = b->text[at - 1];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int syntax_error(tree_builder *b) {
  const yaml_parser_t *p = &b->parser;
  yaml_mark_t where = p->problem_mark;
  if (p->error == YAML_READER_ERROR) where = mark_at_offset(b->text, b->length, p->problem_offset);
  const char *problem = p->problem ? p->problem : "malformed YAML";
  if (p->error != YAML_READER_ERROR && bracket_after_word(b, where.index))
    return cubie_config_error_at(b->cfg, builder_mark(b, where),
                                 "YAML syntax error: %s; inside [...] a name with brackets must be "
                                 "quoted: \"peaks[3]\" (or write {peaks: 3})",
                                 problem);
  cubie_mark mark = builder_mark(b, where);
  if (b->override_index) {
    if (p->context)
      return cubie_config_error_at(b->cfg, mark, "YAML syntax error in the value: %s (%s, column %d)",
                                   problem, p->context, (int)where.column + 1);
    return cubie_config_error_at(b->cfg, mark, "YAML syntax error in the value: %s (column %d)",
                                 problem, (int)where.column + 1);
  }
  if (p->context)
    return cubie_config_error_at(b->cfg, mark, "YAML syntax error: %s (%s at line %d, column %d)",
                                 problem, p->context, (int)p->context_mark.line + 1,
                                 (int)p->context_mark.column + 1);
  return cubie_config_error_at(b->cfg, mark, "YAML syntax error: %s", problem);
}

static int next_event(tree_builder *b, yaml_event_t *ev) {
  if (!yaml_parser_parse(&b->parser, ev)) return syntax_error(b);
  return CUBIE_OK;
}

static int node_new(cubie_ynode_kind kind, cubie_mark mark, cubie_ynode **out) {
  cubie_ynode *node = calloc(1, sizeof *node);
  CUBIE_CHECK(node, CUBIE_ERR_MEMORY, "out of memory building the deck tree");
  node->kind = kind;
  node->mark = mark;
  *out = node;
  return CUBIE_OK;
}

static int scalar_new(const char *text, size_t length, cubie_yscalar_style style, cubie_mark mark,
                      cubie_ynode **out) {
  CUBIE_CALL(node_new(CUBIE_YNODE_SCALAR, mark, out));
  (*out)->text = malloc(length + 1);
  if (!(*out)->text) {
    cubie_ynode_destroy(out);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory building the deck tree");
  }
  memcpy((*out)->text, text, length);
  (*out)->text[length] = '\0';
  (*out)->length = length;
  (*out)->style = style;
  return CUBIE_OK;
}

/* Append an item (key == NULL) or a key/value pair; takes ownership of both. */
static int node_append(cubie_ynode *parent, cubie_ynode *key, cubie_ynode *value) {
  /* Keys and items grow alike: both start from the same capacity and need
   * the same room, so one capacity describes both. */
  size_t items_cap = parent->capacity, keys_cap = parent->capacity;
  int rc = CUBIE_GROW(parent->items, parent->n + 1, items_cap, "the deck tree");
  if (!rc && parent->kind == CUBIE_YNODE_MAPPING)
    rc = CUBIE_GROW(parent->keys, parent->n + 1, keys_cap, "the deck tree");
  if (rc) {
    cubie_ynode_destroy(&key);
    cubie_ynode_destroy(&value);
    return rc;
  }
  parent->capacity = items_cap;
  if (parent->kind == CUBIE_YNODE_MAPPING) parent->keys[parent->n] = key;
  parent->items[parent->n] = value;
  parent->n++;
  return CUBIE_OK;
}

void cubie_ynode_destroy(cubie_ynode **node) {
  if (!node || !*node) return;
  cubie_ynode *nd = *node;
  for (int i = 0; i < nd->n; i++) {
    if (nd->keys) cubie_ynode_destroy(&nd->keys[i]);
    cubie_ynode_destroy(&nd->items[i]);
  }
  free(nd->keys);
  free(nd->items);
  free(nd->text);
  free(nd);
  *node = NULL;
}

static cubie_yscalar_style scalar_style(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return CUBIE_YSCALAR_SINGLE_QUOTED;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return CUBIE_YSCALAR_DOUBLE_QUOTED;
    case YAML_LITERAL_SCALAR_STYLE: return CUBIE_YSCALAR_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE: return CUBIE_YSCALAR_FOLDED;
    default: return CUBIE_YSCALAR_PLAIN;
  }
}

/* What the deck language leaves out of YAML: anchors, aliases and explicit
 * tags would let one value mean two places, or a type the schema does not
 * read; rejecting them keeps every error pointing at one spot. */
static int reject_extras(tree_builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                         const yaml_char_t *tag, bool implicit_tag) {
  cubie_mark mark = builder_mark(b, ev->start_mark);
  if (anchor)
    return cubie_config_error_at(b->cfg, mark,
                                 "YAML anchors ('&%s') are not supported in decks; write the value out",
                                 (const char *)anchor);
  if (tag && !implicit_tag)
    return cubie_config_error_at(b->cfg, mark,
                                 "YAML tags ('%s') are not supported in decks; quote strings instead",
                                 (const char *)tag);
  return CUBIE_OK;
}

static int build_node(tree_builder *b, yaml_event_t *ev, int depth, cubie_ynode **out);

static int build_children(tree_builder *b, cubie_ynode *parent, yaml_event_type_t end, int depth) {
  for (;;) {
    yaml_event_t ev;
    CUBIE_CALL(next_event(b, &ev));
    if (ev.type == end) {
      yaml_event_delete(&ev);
      return CUBIE_OK;
    }
    cubie_ynode *key = NULL, *value = NULL;
    int rc = build_node(b, &ev, depth + 1, parent->kind == CUBIE_YNODE_MAPPING ? &key : &value);
    yaml_event_delete(&ev);
    if (rc) return rc;
    if (parent->kind == CUBIE_YNODE_MAPPING) {
      if (key->kind != CUBIE_YNODE_SCALAR) {
        cubie_mark mark = key->mark;
        cubie_ynode_destroy(&key);
        return cubie_config_error_at(b->cfg, mark, "mapping keys must be names, not a list or mapping");
      }
      for (int i = 0; i < parent->n; i++) {
        if (strcmp(parent->keys[i]->text, key->text) != 0) continue;
        cubie_mark first = parent->keys[i]->mark, mark = key->mark;
        int rc2 = first.line
                      ? cubie_config_error_at(b->cfg, mark, "duplicate key '%s' (first given at line %d)",
                                              key->text, first.line)
                      : cubie_config_error_at(b->cfg, mark, "duplicate key '%s'", key->text);
        cubie_ynode_destroy(&key);
        return rc2;
      }
      yaml_event_t vev;
      rc = next_event(b, &vev);
      if (!rc) {
        rc = build_node(b, &vev, depth + 1, &value);
        yaml_event_delete(&vev);
      }
      if (rc) {
        cubie_ynode_destroy(&key);
        return rc;
      }
    }
    CUBIE_CALL(node_append(parent, key, value));
  }
}

static int build_node(tree_builder *b, yaml_event_t *ev, int depth, cubie_ynode **out) {
  cubie_mark mark = builder_mark(b, ev->start_mark);
  if (depth > YAML_TREE_MAX_DEPTH)
    return cubie_config_error_at(b->cfg, mark, "the deck nests deeper than %d levels",
                                 YAML_TREE_MAX_DEPTH);
  switch (ev->type) {
    case YAML_ALIAS_EVENT:
      return cubie_config_error_at(b->cfg, mark,
                                   "YAML aliases ('*%s') are not supported in decks; write the value out",
                                   (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
      CUBIE_CALL(reject_extras(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag,
                               ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit));
      return scalar_new((const char *)ev->data.scalar.value, ev->data.scalar.length,
                        scalar_style(ev->data.scalar.style), mark, out);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
      bool is_map = ev->type == YAML_MAPPING_START_EVENT;
      CUBIE_CALL(reject_extras(b, ev, is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor,
                               is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag,
                               is_map ? ev->data.mapping_start.implicit : ev->data.sequence_start.implicit));
      CUBIE_CALL(node_new(is_map ? CUBIE_YNODE_MAPPING : CUBIE_YNODE_SEQUENCE, mark, out));
      int rc = build_children(b, *out, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth);
      if (rc) cubie_ynode_destroy(out);
      return rc;
    }
    default:
      return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "unexpected YAML event %d inside a document", (int)ev->type);
  }
}

/* stream-start, then nothing (no document) or exactly one document. */
static int build_stream(tree_builder *b, cubie_ynode **root) {
  yaml_event_t ev;
  CUBIE_CALL(next_event(b, &ev));
  yaml_event_delete(&ev); /* stream start */
  CUBIE_CALL(next_event(b, &ev));
  if (ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete(&ev);
    return CUBIE_OK;
  }
  yaml_event_delete(&ev); /* document start */
  CUBIE_CALL(next_event(b, &ev));
  int rc = build_node(b, &ev, 1, root);
  yaml_event_delete(&ev);
  if (rc) return rc;
  CUBIE_CALL(next_event(b, &ev)); /* document end */
  yaml_event_delete(&ev);
  CUBIE_CALL(next_event(b, &ev));
  bool second = ev.type == YAML_DOCUMENT_START_EVENT;
  cubie_mark mark = builder_mark(b, ev.start_mark);
  yaml_event_delete(&ev);
  if (second)
    return cubie_config_error_at(b->cfg, mark,
                                 "a deck holds one YAML document; this starts a second one");
  return CUBIE_OK;
}

int cubie_yaml_parse(const cubie_config *cfg, const char *text, size_t length, int override_index,
                     cubie_ynode **root) {
  *root = NULL;
  tree_builder b = {.cfg = cfg, .text = text, .length = length, .override_index = override_index};
  CUBIE_CHECK(yaml_parser_initialize(&b.parser), CUBIE_ERR_MEMORY, "cannot initialise the YAML parser");
  yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, length);
  int rc = build_stream(&b, root);
  yaml_parser_delete(&b.parser);
  if (rc) cubie_ynode_destroy(root);
  return rc;
}

cubie_ynode *cubie_ynode_get(const cubie_ynode *map, const char *key, cubie_ynode **key_node) {
  if (key_node) *key_node = NULL;
  if (!map || map->kind != CUBIE_YNODE_MAPPING) return NULL;
  for (int i = 0; i < map->n; i++) {
    if (strcmp(map->keys[i]->text, key) == 0) {
      if (key_node) *key_node = map->keys[i];
      return map->items[i];
    }
  }
  return NULL;
}

bool cubie_ynode_is_null(const cubie_ynode *node) {
  if (!node || node->kind != CUBIE_YNODE_SCALAR || node->style != CUBIE_YSCALAR_PLAIN) return false;
  const char *t = node->text;
  return t[0] == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
         strcmp(t, "NULL") == 0;
}

/* ---------------------------------------------------------------------------
 * --set overrides
 * ------------------------------------------------------------------------- */

/* Replace the value at index i of a mapping, or add key -> value. Takes
 * ownership of value. */
static int map_put(cubie_ynode *map, const char *key, cubie_mark mark, cubie_ynode *value,
                   cubie_ynode **placed) {
  for (int i = 0; i < map->n; i++) {
    if (strcmp(map->keys[i]->text, key) == 0) {
      cubie_ynode_destroy(&map->items[i]);
      map->items[i] = value;
      if (placed) *placed = value;
      return CUBIE_OK;
    }
  }
  cubie_ynode *key_node = NULL;
  int rc = scalar_new(key, strlen(key), CUBIE_YSCALAR_PLAIN, mark, &key_node);
  if (rc) {
    cubie_ynode_destroy(&value);
    return rc;
  }
  CUBIE_CALL(node_append(map, key_node, value));
  if (placed) *placed = value;
  return CUBIE_OK;
}

static const char *node_kind_words(const cubie_ynode *node) {
  if (node->kind == CUBIE_YNODE_SEQUENCE) return "a list";
  if (node->kind == CUBIE_YNODE_MAPPING) return "a mapping";
  return "a single value";
}

/* The key path of one override, split on '.'; under `buffers` the rest is
 * one key. Returns the number of segments (0 on a malformed path). */
static int split_path(char *path, char **segments, int max_segments) {
  int n = 0;
  char *p = path;
  for (;;) {
    if (n == max_segments) return 0;
    segments[n++] = p;
    if (n == 2 && strcmp(segments[0], "buffers") == 0) break;
    char *dot = strchr(p, '.');
    if (!dot) break;
    *dot = '\0';
    p = dot + 1;
  }
  for (int i = 0; i < n; i++)
    if (segments[i][0] == '\0') return 0;
  return n;
}

static int apply_path(const cubie_config *cfg, int index, cubie_ynode *root, char **seg, int n_seg,
                      cubie_ynode *value) {
  cubie_mark mark = {0, 0, index + 1};
  cubie_ynode *cur = root;
  for (int i = 0; i < n_seg - 1; i++) {
    cubie_ynode *child = cubie_ynode_get(cur, seg[i], NULL);
    /* batch.sweep.NAME.KIND: a new kind replaces the whole axis. */
    bool sweep_entry = i == 2 && strcmp(seg[0], "batch") == 0 && strcmp(seg[1], "sweep") == 0;
    if (!child || cubie_ynode_is_null(child) || sweep_entry) {
      cubie_ynode *fresh = NULL;
      int rc = node_new(CUBIE_YNODE_MAPPING, mark, &fresh);
      if (!rc) rc = map_put(cur, seg[i], mark, fresh, &child);
      if (rc) {
        cubie_ynode_destroy(&value);
        return rc;
      }
    } else if (child->kind != CUBIE_YNODE_MAPPING) {
      const char *words = node_kind_words(child);
      cubie_ynode_destroy(&value);
      return cubie_config_error_at(cfg, mark, "'%s' in the path is %s, not a mapping; cannot set '%s' inside it",
                                   seg[i], words, seg[i + 1]);
    }
    cur = child;
  }
  return map_put(cur, seg[n_seg - 1], mark, value, NULL);
}

int cubie_yaml_apply_override(const cubie_config *cfg, int index, cubie_ynode *root) {
  cubie_mark mark = {0, 0, index + 1};
  const char *arg = cfg->overrides[index];
  const char *eq = strchr(arg, '=');
  if (!eq)
    return cubie_config_error_at(cfg, mark, "expected section.key=value (no '=' found)");
  size_t path_len = (size_t)(eq - arg);
  if (path_len == 0) return cubie_config_error_at(cfg, mark, "the key path before '=' is empty");
  char *path = malloc(path_len + 1);
  CUBIE_CHECK(path, CUBIE_ERR_MEMORY, "out of memory reading --set");
  memcpy(path, arg, path_len);
  path[path_len] = '\0';
  char *segments[16];
  int n_seg = split_path(path, segments, 16);
  if (n_seg == 0) {
    free(path);
    return cubie_config_error_at(cfg, mark,
                                 "malformed key path (empty name between dots, or deeper than 16 keys)");
  }
  cubie_ynode *value = NULL;
  int rc = cubie_yaml_parse(cfg, eq + 1, strlen(eq + 1), index + 1, &value);
  if (!rc && !value) rc = scalar_new("", 0, CUBIE_YSCALAR_PLAIN, mark, &value);
  if (!rc) rc = apply_path(cfg, index, root, segments, n_seg, value);
  free(path);
  return rc;
}
