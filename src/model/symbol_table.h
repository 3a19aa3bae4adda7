/* symbol_table.h — the model's names: which quantity a name means.
 *
 * Maps a name (states, parameters, constants, observables, `t`) to its kind
 * and index in O(1). It borrows the name strings (the model owns them) and
 * decides nothing about validity: callers check for duplicates with
 * cubie_symtab_find before inserting.
 */
#ifndef CUBIE_SYMBOL_TABLE_H
#define CUBIE_SYMBOL_TABLE_H

#include <stddef.h>

#include "model/model.h"

typedef struct cubie_symtab_entry {
  const char *name; /* borrowed */
  cubie_symbol_kind kind;
  int index;
} cubie_symtab_entry;

typedef struct cubie_symtab {
  cubie_symtab_entry *entries; /* insertion order */
  int n_entries;
  size_t capacity;
  int *slots; /* open addressing: entry index or -1 */
  size_t n_slots;
} cubie_symtab;

int cubie_symtab_init(cubie_symtab *st);
void cubie_symtab_free(cubie_symtab *st);
/* Add a name (which must not be present yet). */
int cubie_symtab_insert(cubie_symtab *st, const char *name, cubie_symbol_kind kind, int index);
/* The entry for `name`, or NULL. */
const cubie_symtab_entry *cubie_symtab_find(const cubie_symtab *st, const char *name);
/* The same for the first `length` bytes of `name` (a token in the source text). */
const cubie_symtab_entry *cubie_symtab_find_n(const cubie_symtab *st, const char *name,
                                              size_t length);

/* cubie_suggest, except a "suggestion" that rewrites the whole word ('k'
 * for 'x') is no suggestion. */
const char *cubie_symtab_suggest_from(const char *word, const char *const *candidates,
                                      size_t n_candidates);
/* The closest name in the table, under the same rule. */
const char *cubie_symtab_suggest(const cubie_symtab *st, const char *word);

#endif
