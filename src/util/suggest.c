/* suggest.c — nearest-name suggestions (see suggest.h). */
#include "util/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SUGGEST_MAX_LEN 128

int cubie_edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN) return (int)(n > m ? n : m);
  /* Three rolling rows of the optimal-string-alignment table. */
  int rows[3][SUGGEST_MAX_LEN + 1];
  int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= m; j++) {
      int cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
      int best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (prev[j - 1] + cost < best) best = prev[j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          prev2[j - 2] + 1 < best)
        best = prev2[j - 2] + 1;
      cur[j] = best;
    }
    int *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

const char *cubie_suggest(const char *word, const char *const *candidates, size_t n_candidates) {
  size_t len = strlen(word);
  /* Allow one edit for short words, two up to 8 characters, three beyond. */
  int limit = len <= 3 ? 1 : (len <= 8 ? 2 : 3);
  const char *best = NULL;
  int best_d = limit + 1;
  for (size_t i = 0; i < n_candidates; i++) {
    if (!candidates[i]) continue;
    int d = cubie_edit_distance(word, candidates[i]);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  return best;
}
