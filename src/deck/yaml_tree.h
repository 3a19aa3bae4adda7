/* yaml_tree.h — the deck as a small tree of YAML nodes that remember where
 * they came from.
 *
 * libyaml delivers events; the config walker wants to look keys up, report
 * unknown ones and point at the exact line and column of a bad value. This
 * part turns the events of one YAML document into scalars, sequences and
 * mappings, each with its 1-based deck mark (or the index of the --set
 * argument it came from), and applies `--set path=value` overrides to that
 * tree. It rejects what the deck language does not use (duplicate keys,
 * anchors/aliases, tags, several documents, non-scalar keys) with a
 * positioned CUBIE_ERR_INPUT. It knows nothing about the deck's schema
 * (except that `buffers` keys and sweep entries are addressed specially by
 * --set paths, see cubie_yaml_apply_override) and never interprets scalars.
 */
#ifndef CUBIE_YAML_TREE_H
#define CUBIE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/config.h"

typedef enum cubie_ynode_kind {
  CUBIE_YNODE_SCALAR = 0,
  CUBIE_YNODE_SEQUENCE,
  CUBIE_YNODE_MAPPING
} cubie_ynode_kind;

typedef enum cubie_yscalar_style {
  CUBIE_YSCALAR_PLAIN = 0,
  CUBIE_YSCALAR_SINGLE_QUOTED,
  CUBIE_YSCALAR_DOUBLE_QUOTED,
  CUBIE_YSCALAR_LITERAL,  /* `|` block */
  CUBIE_YSCALAR_FOLDED    /* `>` block */
} cubie_yscalar_style;

typedef struct cubie_ynode {
  cubie_ynode_kind kind;
  cubie_mark mark;               /* where the node starts (a block scalar: its indicator) */
  /* scalars */
  char *text;                    /* NUL-terminated */
  size_t length;
  cubie_yscalar_style style;
  /* sequences (items) and mappings (keys[i] -> items[i]; keys are scalars) */
  struct cubie_ynode **keys;     /* NULL for sequences */
  struct cubie_ynode **items;
  int n;
  size_t capacity;
} cubie_ynode;

/* Parse one YAML document from `text` (length bytes). *root is NULL when
 * the text holds no document (empty, or only comments). Node marks are deck
 * positions when override_index == 0, else {0, 0, override_index}; error
 * messages are prefixed accordingly through cubie_config_error_at(cfg, ...),
 * so cfg->path and cfg->overrides must already be set. */
int cubie_yaml_parse(const cubie_config *cfg, const char *text, size_t length, int override_index,
                     cubie_ynode **root);
void cubie_ynode_destroy(cubie_ynode **node);

/* Apply cfg->overrides[index] ("a.b.c=value", value parsed as YAML) to the
 * mapping *root: intermediate mappings are created (or replace a null), the
 * last key's value is replaced or added. Two paths are addressed specially:
 * under `buffers` the rest of the path is one key ("buffers.loop.state"),
 * and a path that goes inside a sweep entry ("batch.sweep.rho.linspace")
 * replaces that entry as a whole, so switching an axis's kind works. */
int cubie_yaml_apply_override(const cubie_config *cfg, int index, cubie_ynode *root);

/* The value under `key` in a mapping (NULL when absent); *key_node, when
 * not NULL, receives the key's node. */
cubie_ynode *cubie_ynode_get(const cubie_ynode *map, const char *key, cubie_ynode **key_node);
/* A plain scalar `~`, `null`, `Null`, `NULL` or empty. */
bool cubie_ynode_is_null(const cubie_ynode *node);

#endif
