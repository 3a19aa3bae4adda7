/* symbol_table.c — open-addressing name table (see symbol_table.h). */
#include "model/symbol_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "util/suggest.h"

static uint64_t name_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static int symtab_rehash(cubie_symtab *st, size_t n_slots) {
  int *slots = malloc(n_slots * sizeof *slots);
  CUBIE_CHECK(slots, CUBIE_ERR_MEMORY, "out of memory for the symbol table");
  for (size_t i = 0; i < n_slots; i++) slots[i] = -1;
  for (int e = 0; e < st->n_entries; e++) {
    const char *name = st->entries[e].name;
    size_t s = (size_t)name_hash(name, strlen(name)) & (n_slots - 1);
    while (slots[s] >= 0) s = (s + 1) & (n_slots - 1);
    slots[s] = e;
  }
  free(st->slots);
  st->slots = slots;
  st->n_slots = n_slots;
  return CUBIE_OK;
}

int cubie_symtab_init(cubie_symtab *st) {
  memset(st, 0, sizeof *st);
  return symtab_rehash(st, 32);
}

void cubie_symtab_free(cubie_symtab *st) {
  free(st->entries);
  free(st->slots);
  memset(st, 0, sizeof *st);
}

const cubie_symtab_entry *cubie_symtab_find_n(const cubie_symtab *st, const char *name,
                                              size_t length) {
  size_t s = (size_t)name_hash(name, length) & (st->n_slots - 1);
  while (st->slots[s] >= 0) {
    const cubie_symtab_entry *e = &st->entries[st->slots[s]];
    if (strncmp(e->name, name, length) == 0 && e->name[length] == '\0') return e;
    s = (s + 1) & (st->n_slots - 1);
  }
  return NULL;
}

const cubie_symtab_entry *cubie_symtab_find(const cubie_symtab *st, const char *name) {
  return cubie_symtab_find_n(st, name, strlen(name));
}

int cubie_symtab_insert(cubie_symtab *st, const char *name, cubie_symbol_kind kind, int index) {
  CUBIE_CHECK(!cubie_symtab_find(st, name), CUBIE_ERR_INTERNAL, "symbol '%s' inserted twice", name);
  CUBIE_CALL(CUBIE_GROW(st->entries, st->n_entries + 1, st->capacity, "the symbol table"));
  st->entries[st->n_entries].name = name;
  st->entries[st->n_entries].kind = kind;
  st->entries[st->n_entries].index = index;
  st->n_entries++;
  if ((size_t)st->n_entries * 2 > st->n_slots) return symtab_rehash(st, 2 * st->n_slots);
  size_t s = (size_t)name_hash(name, strlen(name)) & (st->n_slots - 1);
  while (st->slots[s] >= 0) s = (s + 1) & (st->n_slots - 1);
  st->slots[s] = st->n_entries - 1;
  return CUBIE_OK;
}

const char *cubie_symtab_suggest_from(const char *word, const char *const *candidates,
                                      size_t n_candidates) {
  const char *hint = cubie_suggest(word, candidates, n_candidates);
  if (hint && cubie_edit_distance(word, hint) >= (int)strlen(word)) return NULL;
  return hint;
}

const char *cubie_symtab_suggest(const cubie_symtab *st, const char *word) {
  const char **names = malloc((size_t)(st->n_entries > 0 ? st->n_entries : 1) * sizeof *names);
  if (!names) return NULL; /* a suggestion is a courtesy: none when out of memory */
  for (int i = 0; i < st->n_entries; i++) names[i] = st->entries[i].name;
  const char *hint = cubie_symtab_suggest_from(word, names, (size_t)st->n_entries);
  free(names);
  return hint;
}
