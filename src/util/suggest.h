/* suggest.h — "did you mean ...?" for misspelt keys and symbols.
 *
 * Picks the candidate with the smallest Damerau-Levenshtein (optimal string
 * alignment) distance to the word, if that distance is small relative to the
 * word's length; ties go to the earliest candidate. Pure function of its
 * inputs; no allocation escapes.
 */
#ifndef CUBIE_SUGGEST_H
#define CUBIE_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b (insert, delete, substitute, transpose). */
int cubie_edit_distance(const char *a, const char *b);

/* Best candidate for `word`, or NULL when none is close enough. */
const char *cubie_suggest(const char *word, const char *const *candidates, size_t n_candidates);

#endif
