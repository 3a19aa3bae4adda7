/* deck_read.h — typed reads of deck values, with positioned errors.
 *
 * The config walker (config*.c) reads every key through these helpers, so
 * one place decides what a number, an integer, a string, a list or a choice
 * from a fixed set looks like in a deck, and how a wrong one is reported
 * ("integrator.atol must be a number, not a list" at the value's line and
 * column). A key that is absent or null is "unset": readers leave the output
 * untouched and report set = false; only the caller knows the default.
 * These helpers never allocate anything the caller did not ask for and
 * never look at more than the node they are given.
 */
#ifndef CUBIE_DECK_READ_H
#define CUBIE_DECK_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/config.h"
#include "deck/yaml_tree.h"

/* A mapping being walked: its node (NULL when the section is absent or
 * null), the position to blame for a missing key, and its dotted name
 * for messages ("integrator", "model.states.y", "" for the top level). */
typedef struct cubie_deck_section {
  const cubie_ynode *map;
  cubie_mark mark;
  char where[256];
} cubie_deck_section;

/* Open `key` of `parent` as a sub-section; a present value that is neither
 * a mapping nor null is an error. */
int cubie_deck_section_open(const cubie_config *cfg, const cubie_deck_section *parent, const char *key,
                            cubie_deck_section *child);
/* Every key of the section must be in `allowed`; an unknown one is an
 * error with a suggestion. */
int cubie_deck_check_keys(const cubie_config *cfg, const cubie_deck_section *s,
                          const char *const *allowed, int n_allowed);
/* The raw value of `key` (NULL when absent); *key_mark gets the key's
 * position when present, else the section's. */
const cubie_ynode *cubie_deck_get(const cubie_deck_section *s, const char *key, cubie_mark *key_mark);
/* Absent or null. */
bool cubie_deck_is_unset(const cubie_ynode *node);
/* The error for a required key that is absent (at the section's mark). */
int cubie_deck_missing(const cubie_config *cfg, const cubie_deck_section *s, const char *key);

/* "a list", "a mapping", "null", "the quoted string \"1.0\"", "'abc'". */
const char *cubie_deck_describe(const cubie_ynode *node, char *buf, int cap);

/* Value readers: `what` names the value in messages ("integrator.atol").
 * The node must not be unset (check with cubie_deck_is_unset first, or let
 * the *_key variants below do it). */
int cubie_deck_node_number(const cubie_config *cfg, const cubie_ynode *node, const char *what, double *out);
int cubie_deck_node_integer(const cubie_config *cfg, const cubie_ynode *node, const char *what,
                            long long lo, long long hi, long long *out);
int cubie_deck_node_string(const cubie_config *cfg, const cubie_ynode *node, const char *what, char **out);
/* One of names[0..n): *index; an unknown word is "unknown KIND 'x'; did
 * you mean 'y'?" (suggesting from candidates, which may hold aliases too),
 * or "...; expected one of: a, b, c" when nothing is close. */
int cubie_deck_node_choice(const cubie_config *cfg, const cubie_ynode *node, const char *what,
                           const char *kind, const char *const *names, int n, int *index);
int cubie_deck_unknown_choice(const cubie_config *cfg, cubie_mark mark, const char *kind, const char *word,
                              const char *const *candidates, int n_candidates,
                              const char *const *listed, int n_listed);
/* A sequence; anything else is "WHAT must be a list, not ...". */
int cubie_deck_node_list(const cubie_config *cfg, const cubie_ynode *node, const char *what);

/* Keyed variants: read s[key] when set; *set (optional) says whether it
 * was, *mark (optional) receives the value's position. Required keys give
 * the "missing" error when absent and the type error when null. */
int cubie_deck_number(const cubie_config *cfg, const cubie_deck_section *s, const char *key, bool required,
                      double *out, bool *set, cubie_mark *mark);
int cubie_deck_integer(const cubie_config *cfg, const cubie_deck_section *s, const char *key,
                       long long lo, long long hi, long long *out, cubie_mark *mark);
int cubie_deck_string(const cubie_config *cfg, const cubie_deck_section *s, const char *key, bool required,
                      char **out, cubie_mark *mark);
int cubie_deck_choice(const cubie_config *cfg, const cubie_deck_section *s, const char *key,
                      const char *kind, const char *const *names, int n, int *index, cubie_mark *mark);

/* "where.key" (or "key" at the top level) into buf, cut to fit. */
void cubie_deck_join(char *buf, size_t cap, const char *where, const char *key);

/* Duplicate a string (NULL in, NULL out) or raise CUBIE_ERR_MEMORY. */
int cubie_deck_strdup(const char *text, char **out);

#endif
