/* test_docs_lists — the docs name exactly what the lists hold.
 *
 * Each kernels/ .def list that a user sees has a block in the docs,
 * marked for this test (HTML comments, invisible when rendered):
 *
 *   <!-- list: methods -->
 *   | `tsit5` | ... |
 *   <!-- end list -->
 *
 * In a block, a table row contributes the `backticked` words of its first
 * cell, any other line all its backticked words. The words of every block
 * must be exactly the list's names: a list row the docs miss fails, and so
 * does a name the docs give that no list has (a removed or misspelt one).
 *   docs/algorithms.md  methods, controllers, metrics, status bits, counters
 *   docs/deck.md        methods (with their aliases), controllers (with the
 *                       number of gains each takes), metrics, linear solvers
 *                       (`auto` and kernels/linear_solvers.def)
 *   docs/gpu.md         buffers (owner.name)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/lists.h"
#include "kernels/buffers.def"
#include "kernels/controllers.def"
#include "kernels/counters.def"
#include "kernels/linear_solvers.def"
#include "kernels/methods.def"
#include "kernels/metrics.def"
#include "kernels/status.def"

#define MAX_WORDS 256

typedef struct words {
  int n;
  char word[MAX_WORDS][64];
  char extra[MAX_WORDS][64]; /* the next table cell, for rows */
} words;

static void add(words *w, const char *word, const char *extra) {
  if (w->n >= MAX_WORDS) return;
  snprintf(w->word[w->n], sizeof w->word[0], "%s", word);
  snprintf(w->extra[w->n], sizeof w->extra[0], "%s", extra ? extra : "");
  w->n++;
}

static int has(const words *w, const char *word) {
  for (int i = 0; i < w->n; i++)
    if (strcmp(w->word[i], word) == 0) return i;
  return -1;
}

static char *read_file(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/docs/%s", CUBIE_SOURCE_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = calloc((size_t)size + 1, 1);
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) text[0] = '\0';
  fclose(f);
  return text;
}

/* Backticked words of [p, end) into w; `extra` the text of the cell after. */
static void backticked(const char *p, const char *end, const char *extra, words *w) {
  while (p < end) {
    const char *open = memchr(p, '`', (size_t)(end - p));
    if (!open) break;
    const char *close = memchr(open + 1, '`', (size_t)(end - open - 1));
    if (!close) break;
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(close - open - 1), open + 1);
    add(w, word, extra);
    p = close + 1;
  }
}

/* The words of block `list` in doc `name`; 0 when the block is missing. */
static int block_words(const char *name, const char *list, words *w) {
  memset(w, 0, sizeof *w);
  char *text = read_file(name);
  CHECK(text != NULL);
  if (!text) return 0;
  char begin[128];
  snprintf(begin, sizeof begin, "<!-- list: %s -->", list);
  char *p = strstr(text, begin);
  char *end = p ? strstr(p, "<!-- end list -->") : NULL;
  if (!p || !end) {
    printf("FAIL docs/%s has no block '%s'\n", name, begin);
    free(text);
    return 0;
  }
  p = strchr(p, '\n');
  while (p && p < end) {
    p++;
    char *eol = strchr(p, '\n');
    if (!eol || eol > end) eol = end;
    if (*p == '|') {
      char *cell_end = memchr(p + 1, '|', (size_t)(eol - p - 1));
      const int separator = p[1] == '-' || (p[1] == ' ' && p[2] == '-'); /* |---|---| */
      if (cell_end && !separator) {
        char *next_end = memchr(cell_end + 1, '|', (size_t)(eol - cell_end - 1));
        char extra[64] = "";
        if (next_end) {
          const char *a = cell_end + 1, *b = next_end;
          while (a < b && *a == ' ') a++;
          while (b > a && b[-1] == ' ') b--;
          snprintf(extra, sizeof extra, "%.*s", (int)(b - a), a);
        }
        backticked(p + 1, cell_end, extra, w);
      }
    } else {
      backticked(p, eol, NULL, w);
    }
    p = eol;
  }
  free(text);
  return 1;
}

/* The block's words must be exactly `expected`. */
static void check_block(const char *doc, const char *list, const words *expected) {
  words got;
  if (!block_words(doc, list, &got)) {
    CHECK(0);
    return;
  }
  int ok = 1;
  for (int i = 0; i < expected->n; i++)
    if (has(&got, expected->word[i]) < 0) {
      printf("FAIL docs/%s, %s: misses `%s`\n", doc, list, expected->word[i]);
      ok = 0;
    }
  for (int i = 0; i < got.n; i++)
    if (has(expected, got.word[i]) < 0) {
      printf("FAIL docs/%s, %s: names `%s`, which kernels/ lists do not hold\n", doc, list,
             got.word[i]);
      ok = 0;
    }
  if (ok) printf("ok   docs/%s, %s: %d names\n", doc, list, expected->n);
  CHECK(ok);
}

/* Space-separated words (aliases) into w. */
static void add_words(words *w, const char *text) {
  while (*text) {
    while (*text == ' ') text++;
    size_t len = strcspn(text, " ");
    if (len) {
      char word[64];
      snprintf(word, sizeof word, "%.*s", (int)len, text);
      add(w, word, NULL);
    }
    text += len;
  }
}

int main(void) {
  words methods = {0}, methods_and_aliases = {0}, controllers = {0}, metrics = {0},
        status = {0}, counters = {0}, buffers = {0}, linear_solvers = {0};
#define METHOD_WORDS(ID, name, aliases, ...) \
  add(&methods, name, NULL);                 \
  add(&methods_and_aliases, name, NULL);     \
  add_words(&methods_and_aliases, aliases);
  CUBIE_METHODS(METHOD_WORDS)
  char gains[16];
#define CONTROLLER_WORDS(ID, name, adaptive, n_gains, ...) \
  snprintf(gains, sizeof gains, "%d", n_gains);            \
  add(&controllers, name, gains);
  CUBIE_CONTROLLERS(CONTROLLER_WORDS)
#define METRIC_WORDS(ID, name, ...) add(&metrics, name, NULL);
  CUBIE_METRICS(METRIC_WORDS)
#define STATUS_WORDS(ID, bit, name, ...) add(&status, name, NULL);
  CUBIE_STATUS_BITS(STATUS_WORDS)
#define COUNTER_WORDS(ID, slot, name, ...) add(&counters, name, NULL);
  CUBIE_COUNTERS(COUNTER_WORDS)
  add(&linear_solvers, "auto", NULL);
#define LINEAR_SOLVER_WORDS(ID, name, ...) add(&linear_solvers, name, NULL);
  CUBIE_LINEAR_SOLVERS(LINEAR_SOLVER_WORDS)
  char buffer[64];
#define BUFFER_WORDS(FAMILY, OWNER, PARENT, NAME, ...)                  \
  snprintf(buffer, sizeof buffer, "%s.%s", #OWNER, #NAME);               \
  for (char *c = buffer; *c; c++) *c = (char)tolower((unsigned char)*c); \
  add(&buffers, buffer, NULL);
  CUBIE_BUFFER_ROWS(BUFFER_WORDS)

  /* Counter slots are the rows' positions (counters.def says so). */
  int position = 0;
#define COUNTER_SLOT(ID, slot, ...) \
  CHECK_INT(slot, position);        \
  position++;
  CUBIE_COUNTERS(COUNTER_SLOT)

  check_block("algorithms.md", "methods", &methods);
  check_block("algorithms.md", "controllers", &controllers);
  check_block("algorithms.md", "metrics", &metrics);
  check_block("algorithms.md", "status", &status);
  check_block("algorithms.md", "counters", &counters);
  check_block("deck.md", "methods", &methods_and_aliases);
  check_block("deck.md", "controllers", &controllers);
  check_block("deck.md", "metrics", &metrics);
  check_block("deck.md", "linear-solvers", &linear_solvers);
  check_block("gpu.md", "buffers", &buffers);

  /* deck.md's controller table gives each controller's number of gains. */
  words got;
  if (block_words("deck.md", "controllers", &got)) {
    for (int i = 0; i < controllers.n; i++) {
      int k = has(&got, controllers.word[i]);
      if (k < 0) continue;
      if (strcmp(got.extra[k], controllers.extra[i]) != 0)
        printf("FAIL docs/deck.md: `%s` takes %s gains, the docs say '%s'\n",
               controllers.word[i], controllers.extra[i], got.extra[k]);
      CHECK_STR(got.extra[k], controllers.extra[i]);
    }
  }
  CHECK_DONE();
}
