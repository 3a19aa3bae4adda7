/* test_deck.h — hand-built cubie_config decks for the model and grid tests
 * (the deck loader is another layer; these tests fill the plain struct
 * exactly as it documents).
 */
#ifndef CUBIE_TEST_DECK_H
#define CUBIE_TEST_DECK_H

#include "deck/config.h"
#include "model/model.h"

typedef struct test_deck {
  cubie_config cfg;
} test_deck;

/* An empty deck called `path` (messages start "path:LINE:COL: "). */
void test_deck_init(test_deck *d, const char *path);
void test_deck_free(test_deck *d);

/* Declare a state / parameter / constant, or observable metadata, with the
 * deck position of its name. */
void test_deck_declare(test_deck *d, cubie_symbol_kind kind, const char *name, double value,
                       int line, int column);
/* Declare several at once from "x=1 y=0.5 z" (value 0 when omitted); their
 * marks are line `line`, successive columns. */
void test_deck_declare_list(test_deck *d, cubie_symbol_kind kind, const char *list, int line);
void test_deck_units(test_deck *d, cubie_symbol_kind kind, const char *name, const char *units,
                     const char *long_name);

/* The equations as a YAML `|` block: text line i (1-based) is deck line
 * first_line + i - 1, indented by `indent` columns. The `equations:` key
 * itself sits at (first_line - 1, 3). */
void test_deck_equations(test_deck *d, const char *text, int first_line, int indent);

void test_deck_sweep_values(test_deck *d, const char *name, const double *values, long long n,
                            int line, int column);
void test_deck_sweep_space(test_deck *d, const char *name, cubie_sweep_kind kind, double start,
                           double stop, long long n, int line, int column);

/* Add `name` to output.save, written at line:column. */
void test_deck_save(test_deck *d, const char *name, int line, int column);

/* Check that the last error is CUBIE_ERR_INPUT at "path:line:column: " and
 * contains `needle`; prints what differs and returns 0 otherwise. */
int test_error_is(const test_deck *d, int rc, const char *needle, int line, int column);

/* cubie_model_create on the deck; on failure returns the code (model NULL). */
int test_deck_model(test_deck *d, cubie_model **model);

#endif
