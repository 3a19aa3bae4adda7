/* test_model_parse.c — the model language: what parses, what it means, and
 * every error with its exact deck line:column.
 *
 * The standard deck puts the declarations on lines 2-4 and the equations in
 * a `|` block whose text line 1 is deck line 6, indented 4 columns: an
 * error at equations line L, column C is reported at deck (5 + L):(4 + C).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "test_deck.h"

#define EQ_LINE(l) (5 + (l))
#define EQ_COL(c) (4 + (c))

/* states x (2:3) and y (2:6); parameters sigma (3:3) and rho (3:10);
 * constants c = 2 (4:3) and zero = 0 (4:6). */
static void standard_deck(test_deck *d, const char *equations) {
  test_deck_init(d, "deck.yaml");
  test_deck_declare_list(d, CUBIE_SYMBOL_STATE, "x=1 y=2", 2);
  test_deck_declare_list(d, CUBIE_SYMBOL_PARAMETER, "sigma=10 rho=28", 3);
  test_deck_declare_list(d, CUBIE_SYMBOL_CONSTANT, "c=2 zero=0", 4);
  test_deck_equations(d, equations, 6, 4);
}

/* The standard deck with `equations` fails with `needle` at line:column. */
static int fails(const char *equations, const char *needle, int line, int column) {
  test_deck d;
  standard_deck(&d, equations);
  cubie_model *m = NULL;
  int rc = test_deck_model(&d, &m);
  int ok = test_error_is(&d, rc, needle, line, column) && m == NULL;
  if (!ok) fprintf(stderr, "  equations:\n%s\n", equations);
  cubie_model_destroy(&m);
  test_deck_free(&d);
  return ok;
}

static int parses(const char *equations) {
  test_deck d;
  standard_deck(&d, equations);
  cubie_model *m = NULL;
  int rc = test_deck_model(&d, &m);
  if (rc)
    fprintf(stderr, "  unexpected error: %s\n  equations:\n%s\n", cubie_error_message(), equations);
  cubie_model_destroy(&m);
  test_deck_free(&d);
  return rc == CUBIE_OK;
}

static void test_symbols(void) {
  test_deck d;
  standard_deck(&d,
                "# the Lorenz-like test model\n"
                "dx = sigma * (y - x)   # comment after a statement\n"
                "\n"
                "dy = x * (rho - c) - y + energy\n"
                "energy = x*x + y*y\n"
                "dq = t * x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_OBSERVABLE, "energy", 0, 5, 3);
  test_deck_units(&d, CUBIE_SYMBOL_OBSERVABLE, "energy", "J", "total energy");
  test_deck_units(&d, CUBIE_SYMBOL_STATE, "x", "m", NULL);
  cubie_model *m = NULL;
  CHECK_OK(test_deck_model(&d, &m));
  if (!m) {
    test_deck_free(&d);
    return;
  }
  CHECK_INT(cubie_model_n_states(m), 2);
  CHECK_INT(cubie_model_n_parameters(m), 2);
  /* `dq` names no state, so it is an observable like `energy`, numbered
   * in line order. */
  CHECK_INT(cubie_model_n_observables(m), 2);
  CHECK_STR(cubie_model_name(m), "test");
  CHECK_STR(cubie_model_symbol_name(m, CUBIE_SYMBOL_OBSERVABLE, 0), "energy");
  CHECK_STR(cubie_model_symbol_name(m, CUBIE_SYMBOL_OBSERVABLE, 1), "dq");
  CHECK_STR(cubie_model_symbol_units(m, CUBIE_SYMBOL_OBSERVABLE, 0), "J");
  CHECK_STR(cubie_model_symbol_long_name(m, CUBIE_SYMBOL_OBSERVABLE, 0), "total energy");
  CHECK(cubie_model_symbol_units(m, CUBIE_SYMBOL_OBSERVABLE, 1) == NULL);
  CHECK_STR(cubie_model_symbol_units(m, CUBIE_SYMBOL_STATE, 0), "m");
  CHECK(cubie_model_symbol_long_name(m, CUBIE_SYMBOL_STATE, 0) == NULL);
  CHECK_STR(cubie_model_symbol_name(m, CUBIE_SYMBOL_PARAMETER, 1), "rho");
  CHECK_STR(cubie_model_symbol_name(m, CUBIE_SYMBOL_CONSTANT, 1), "zero");
  CHECK_STR(cubie_model_symbol_name(m, CUBIE_SYMBOL_TIME, 0), "t");
  CHECK(cubie_model_default_value(m, CUBIE_SYMBOL_STATE, 1) == 2.0);
  CHECK(cubie_model_default_value(m, CUBIE_SYMBOL_PARAMETER, 1) == 28.0);

  cubie_symbol_kind kind;
  int index;
  CHECK(cubie_model_lookup(m, "y", &kind, &index) && kind == CUBIE_SYMBOL_STATE && index == 1);
  CHECK(cubie_model_lookup(m, "sigma", &kind, &index) && kind == CUBIE_SYMBOL_PARAMETER &&
        index == 0);
  CHECK(cubie_model_lookup(m, "zero", &kind, &index) && kind == CUBIE_SYMBOL_CONSTANT &&
        index == 1);
  CHECK(cubie_model_lookup(m, "dq", &kind, &index) && kind == CUBIE_SYMBOL_OBSERVABLE &&
        index == 1);
  CHECK(cubie_model_lookup(m, "t", &kind, &index) && kind == CUBIE_SYMBOL_TIME);
  CHECK(!cubie_model_lookup(m, "dx", &kind, &index));
  CHECK(!cubie_model_lookup(m, "sigm", &kind, &index));
  CHECK_STR(cubie_model_suggest(m, "sigmaa"), "sigma");
  CHECK_STR(cubie_model_suggest(m, "enrgy"), "energy");
  CHECK(cubie_model_suggest(m, "completely_different") == NULL);
  cubie_model_destroy(&m);
  CHECK(m == NULL);
  test_deck_free(&d);
}

static void test_accepted_forms(void) {
  /* Observables in any order, chained. */
  CHECK(parses("dx = b\ndy = a\nb = a * 2\na = x + 1\n"));
  /* Continuation lines inside parentheses, comments inside them too. */
  CHECK(
      parses("dx = sigma * (y   # first part\n"
             "      - x)\n"
             "dy = max(x,\n   y, 3)\n"));
  /* Every number form, every operator, every function. */
  CHECK(
      parses("dx = 123 + 1.5 + .5 + 5. + 1e-3 + 1.5E+2 + 0x1F + 2.5f + 3F + 1e3f\n"
             "dy = -x^2 + x**-2 + +y - !x + (x < y) + (x <= y) + (x > y) + (x >= y)"
             " + (x == y) + (x != y) + (x && y) + (x || !y)\n"
             "f1 = sin(x) + cos(x) + tan(x) + asin(x) + acos(x) + atan(x) + atan2(x, y)\n"
             "f2 = sinh(x) + cosh(x) + tanh(x) + exp(x) + log(x) + log10(x) + sqrt(x)\n"
             "f3 = cbrt(x) + pow(x, y) + abs(x) + fabs(x) + min(x, y) + max(x, y, 1)\n"
             "f4 = floor(x) + ceil(x) + sign(x) + ifelse(x > 0, 1, 2) + piecewise(x < 0, -1, x < "
             "1, 0, 1)\n"));
  /* Windows line ends and a missing final newline. */
  CHECK(parses("dx = y\r\ndy = x"));
  /* Names that are C keywords or look like generated identifiers are fine
   * in the language (codegen tests check they compile). */
  CHECK(parses("dx = y\ndy = x\nint = x + 1\nreturn = int * 2\ncse_0 = return\n"));
}

static void test_syntax_errors(void) {
  /* An unclosed '(' stops at its own line because the next line starts a
   * new definition. */
  CHECK(fails("dx = (x + y\ndy = x\n", "expected ')' to close the '(' at 6:10, found end of line",
              EQ_LINE(1), EQ_COL(12)));
  CHECK(fails("dx = (x + y", "expected ')' to close the '(' at 6:10, found end of the equations",
              EQ_LINE(1), EQ_COL(12)));
  CHECK(fails("dx = x +\ndy = x\n", "expected an expression after '+', found end of line",
              EQ_LINE(1), EQ_COL(9)));
  /* An unfinished last line: the end is where its last token ends. */
  CHECK(fails("dx = y\ndy = (x +\n\n",
              "expected an expression after '+', found end of the equations", EQ_LINE(2),
              EQ_COL(10)));
  CHECK(fails("dx = y\ndy =\n", "expected an expression after '=', found end of line", EQ_LINE(2),
              EQ_COL(5)));
  CHECK(fails("dx = x y\ndy = x\n", "unexpected 'y' after the expression (missing operator?)",
              EQ_LINE(1), EQ_COL(8)));
  CHECK(fails("dx = x)\ndy = x\n", "unexpected ')' (no '(' to close)", EQ_LINE(1), EQ_COL(7)));
  CHECK(fails("dx = y\ndy = 2x\n", "malformed number '2x'", EQ_LINE(2), EQ_COL(6)));
  CHECK(fails("dx = 1e+\ndy = x\n", "malformed number '1e+'", EQ_LINE(1), EQ_COL(6)));
  CHECK(fails("dx = 1e999\ndy = x\n", "number '1e999' is out of range", EQ_LINE(1), EQ_COL(6)));
  CHECK(fails("dx = x $ y\ndy = x\n", "unexpected character '$'", EQ_LINE(1), EQ_COL(8)));
  CHECK(
      fails("dx = x & y\ndy = x\n", "unexpected '&' (did you mean '&&'?)", EQ_LINE(1), EQ_COL(8)));
  CHECK(
      fails("dx = x | y\ndy = x\n", "unexpected '|' (did you mean '||'?)", EQ_LINE(1), EQ_COL(8)));
  CHECK(fails("dx x\ndy = x\n", "expected '=' after 'dx', found 'x'", EQ_LINE(1), EQ_COL(4)));
  CHECK(fails("dx == x\ndy = x\n", "expected '=' after 'dx', found '=='", EQ_LINE(1), EQ_COL(4)));
  CHECK(fails("dx = y\n  (x) = 1\n", "expected a definition 'NAME = expression', found '('",
              EQ_LINE(2), EQ_COL(3)));
  CHECK(fails("dx = x = y\ndy = x\n", "unexpected '=' (write '==' to compare)", EQ_LINE(1),
              EQ_COL(8)));
  CHECK(fails("dx = sin(x, \ndy = x\n", "expected an expression after ',', found end of line",
              EQ_LINE(1), EQ_COL(13)));
  CHECK(fails("dx = sin(x y)\ndy = x\n",
              "expected ',' or ')' in the call of 'sin' opened at 6:13, found 'y'", EQ_LINE(1),
              EQ_COL(12)));
  /* The error is on the continuation line, where the bad token is. */
  CHECK(fails("dx = (y\n    - xq)\ndy = x\n", "unknown symbol 'xq'", EQ_LINE(2), EQ_COL(7)));

  char deep[1024] = "dx = ";
  for (int i = 0; i < 300; i++) strcat(deep, "(");
  strcat(deep, "x");
  for (int i = 0; i < 300; i++) strcat(deep, ")");
  strcat(deep, "\ndy = x\n");
  CHECK(fails(deep, "expression nested too deeply", EQ_LINE(1), EQ_COL(6 + 200)));

  test_deck d;
  standard_deck(&d, "# nothing but a comment\n\n   \n");
  cubie_model *m = NULL;
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "the equations are empty", 5, 3));
  test_deck_free(&d);
  standard_deck(&d, "");
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "the equations are empty", 5, 3));
  test_deck_free(&d);
}

static void test_symbol_errors(void) {
  CHECK(fails("dx = sigmaa * (y - x)\ndy = x\n", "unknown symbol 'sigmaa' (did you mean 'sigma'?)",
              EQ_LINE(1), EQ_COL(6)));
  /* Observables defined anywhere are candidates too. */
  CHECK(fails("dx = enrgy\ndy = x\nenergy = x * x\n",
              "unknown symbol 'enrgy' (did you mean 'energy'?)", EQ_LINE(1), EQ_COL(6)));
  CHECK(fails("dx = y\n  dy = x + qwerty\n",
              "unknown symbol 'qwerty' (not a state, parameter, constant, observable or 't')",
              EQ_LINE(2), EQ_COL(12)));
  /* A one-letter name is not "corrected" into another one-letter name. */
  CHECK(fails("dx = -k * x\ndy = x\n",
              "unknown symbol 'k' (not a state, parameter, constant, observable or 't')",
              EQ_LINE(1), EQ_COL(7)));
  CHECK(fails("dx = sine(x)\ndy = x\n", "unknown function 'sine' (did you mean 'sin'?)", EQ_LINE(1),
              EQ_COL(6)));
  CHECK(fails("dx = y\ndy = frobnicate(x)\n",
              "unknown function 'frobnicate' (the functions are sin", EQ_LINE(2), EQ_COL(6)));
  CHECK(fails("dx = sigma(x)\ndy = x\n", "'sigma' is a parameter, not a function", EQ_LINE(1),
              EQ_COL(6)));
  CHECK(fails("dx = sin + x\ndy = x\n", "'sin' is a function: call it as sin(...)", EQ_LINE(1),
              EQ_COL(6)));
  CHECK(fails("dx = atan2(x)\ndy = x\n", "'atan2' takes 2 arguments, but 1 was given", EQ_LINE(1),
              EQ_COL(6)));
  CHECK(fails("dx = y\ndy = sin(x, y)\n", "'sin' takes 1 argument, but 2 were given", EQ_LINE(2),
              EQ_COL(6)));
  CHECK(fails("dx = y\ndy = exp()\n", "'exp' takes 1 argument, but 0 were given", EQ_LINE(2),
              EQ_COL(6)));
  CHECK(fails("dx = min(x)\ndy = x\n", "'min' takes at least 2 arguments, but 1 was given",
              EQ_LINE(1), EQ_COL(6)));
  CHECK(fails("dx = ifelse(x > 0, 1)\ndy = x\n", "'ifelse' takes 3 arguments, but 2 were given",
              EQ_LINE(1), EQ_COL(6)));
  CHECK(fails("dx = piecewise(x < 0, 1, x < 1, 2)\ndy = x\n",
              "'piecewise' takes condition, value pairs and then a default value", EQ_LINE(1),
              EQ_COL(6)));
}

static void test_definition_errors(void) {
  /* A missing derivative points at the state's declaration. */
  CHECK(fails("dx = y\n", "state 'y' has no derivative: add a line 'dy = ...'", 2, 6));
  CHECK(fails("dx = y\ndyy = x\n",
              "state 'y' has no derivative: no line 'dy = ...' (did you mean 'dyy' at line 7?)", 2,
              6));
  CHECK(fails("dx = y\ndy = x\ndx = 1\n",
              "the derivative of state 'x' is defined twice (first at line 6)", EQ_LINE(3),
              EQ_COL(1)));
  CHECK(fails("e = x\ndx = e\ndy = x\n  e = y\n",
              "observable 'e' is defined twice (first at line 6)", EQ_LINE(4), EQ_COL(3)));
  CHECK(fails("sigma = 1\ndx = y\ndy = x\n", "cannot assign to parameter 'sigma'", EQ_LINE(1),
              EQ_COL(1)));
  CHECK(fails("dx = y\ndy = x\nc = 3\n", "cannot assign to constant 'c'", EQ_LINE(3), EQ_COL(1)));
  CHECK(fails("dx = y\nx = 1\ndy = x\n", "cannot assign to state 'x' (write 'dx = ...'", EQ_LINE(2),
              EQ_COL(1)));
  CHECK(fails("dx = y\ndy = x\nt = 1\n", "cannot assign to time 't'", EQ_LINE(3), EQ_COL(1)));
  /* Errors come in line order: the syntax error on line 1 is reported
   * before the duplicate on line 3. */
  CHECK(fails("dx = y +\ndy = x\ndy = 2\n", "expected an expression after '+'", EQ_LINE(1),
              EQ_COL(9)));

  /* Cycles are named and reported at the first definition in the cycle. */
  CHECK(fails("dx = a\ndy = b\na = b + 1\nb = 2 * a\n",
              "observables depend on each other in a cycle: a -> b -> a", EQ_LINE(3), EQ_COL(1)));
  CHECK(fails("dx = a\ndy = x\na = a + 1\n", "in a cycle: a -> a", EQ_LINE(3), EQ_COL(1)));
  CHECK(fails("dx = a\ndy = x\na = b\nb = cc * 2\ncc = sin(b)\n", "in a cycle: b -> cc -> b",
              EQ_LINE(4), EQ_COL(1)));

  /* Division by zero: a literal, constants folding to 0, an observable
   * that folds to 0; the position is the divisor's first token. */
  CHECK(fails("dx = x / 0\ndy = x\n", "division by zero", EQ_LINE(1), EQ_COL(10)));
  CHECK(fails("dx = y\ndy = x / (c - 2)\n", "division by zero", EQ_LINE(2), EQ_COL(10)));
  CHECK(fails("dx = x / zero\ndy = x\n", "division by zero", EQ_LINE(1), EQ_COL(10)));
  CHECK(fails("z = c * zero\ndx = x / z\ndy = x\n", "division by zero (observable 'z' is always 0)",
              EQ_LINE(2), EQ_COL(10)));
  CHECK(parses("dx = x / 2\ndy = x / (c - 1) + 0 / x\n"));
}

/* The right-hand side the standard deck with `equations` generates (the
 * caller frees it), or NULL when the model does not build. */
static char *rhs_text(const char *equations) {
  test_deck d;
  standard_deck(&d, equations);
  cubie_model *m = NULL;
  char *text = NULL;
  cubie_strbuf sb;
  if (test_deck_model(&d, &m) == CUBIE_OK && cubie_strbuf_init(&sb) == CUBIE_OK) {
    if (cubie_model_generate(m, NULL, 0, &sb) == CUBIE_OK) text = cubie_strbuf_release(&sb);
    cubie_strbuf_free(&sb);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);
  return text;
}

/* Cut the linear-derivative function (model_linear.c) out of generated
 * text, in place; 1 when there was one. */
static int strip_linear(char *text) {
  char *start = text ? strstr(text, "/* Derivatives that are constant linear") : NULL;
  char *end = start ? strstr(start, "}\n\n") : NULL;
  if (!end) return 0;
  memmove(start, end + 3, strlen(end + 3) + 1);
  return 1;
}

/* `dNAME` of a state in an expression is that state's derivative,
 * substituted like an observable (in any line order); cycles are errors. */
static void test_derivative_references(void) {
  /* dy = -dx with dx = sigma * y is dy = -(sigma * y): the same graph, so
   * the same right-hand side, as writing it out; the reference also
   * states the conserved x + y (model_linear.c). */
  char *referenced = rhs_text("dy = -dx\ndx = sigma * y\n");
  char *written = rhs_text("dx = sigma * y\ndy = -(sigma * y)\n");
  CHECK(referenced && strstr(referenced, "  v[1] = - v[0]; /* dy */\n"));
  CHECK(strip_linear(referenced));
  CHECK(!strip_linear(written));
  CHECK(referenced && written && strcmp(referenced, written) == 0);
  CHECK(referenced && strstr(referenced, "dydt[1] = (-cse_0); /* dy */"));
  free(referenced);
  free(written);
  /* Through an observable, and a derivative used by an observable. */
  referenced = rhs_text("dx = y\ndy = rate * 2\nrate = dx + x\n");
  written = rhs_text("dx = y\ndy = rate * 2\nrate = y + x\n");
  CHECK(referenced && written && strcmp(referenced, written) == 0);
  free(referenced);
  free(written);
  /* A declared name wins over a derivative reference: with a parameter
   * called `dy`, `dy` in an expression is that parameter. */
  test_deck d;
  cubie_model *m = NULL;
  standard_deck(&d, "dx = dy\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_PARAMETER, "dy", 3.0, 3, 20);
  CHECK_OK(test_deck_model(&d, &m));
  cubie_strbuf sb;
  CHECK_OK(cubie_strbuf_init(&sb));
  CHECK_OK(cubie_model_generate(m, NULL, 0, &sb));
  CHECK(sb.data && strstr(sb.data, "dydt[0] = p[2]; /* dx */"));
  cubie_strbuf_free(&sb);
  cubie_model_destroy(&m);
  test_deck_free(&d);

  /* Cycles: reported at the first definition in the cycle, named. */
  CHECK(fails("dx = dy\ndy = dx\n", "derivatives depend on each other in a cycle: dx -> dy -> dx",
              EQ_LINE(1), EQ_COL(1)));
  CHECK(fails("dx = y\ndy = 2 * dy\n", "the derivative 'dy' is defined in terms of itself: dy -> dy",
              EQ_LINE(2), EQ_COL(1)));
  CHECK(fails("dx = a\ndy = x\na = dx * 2\n",
              "derivatives and observables depend on each other in a cycle: a -> dx -> a",
              EQ_LINE(3), EQ_COL(1)));
  /* A derivative that folds to 0 used as a divisor. */
  CHECK(fails("dx = zero * c\ndy = x / dx\n", "division by zero (the derivative 'dx' is always 0)",
              EQ_LINE(2), EQ_COL(10)));
  /* A reference to the derivative of a state that has none is reported as
   * the missing derivative. */
  CHECK(fails("dx = dy\n", "state 'y' has no derivative", 2, 6));
}

static void test_declaration_errors(void) {
  test_deck d;
  cubie_model *m = NULL;
  standard_deck(&d, "dx = y\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_PARAMETER, "x", 1.0, 3, 20);
  CHECK(test_error_is(&d, test_deck_model(&d, &m),
                      "'x' is declared twice: as a state (line 2) and as a parameter", 3, 20));
  test_deck_free(&d);

  standard_deck(&d, "dx = y\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_CONSTANT, "t", 1.0, 4, 20);
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "'t' is reserved for time", 4, 20));
  test_deck_free(&d);

  standard_deck(&d, "dx = y\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_STATE, "2z", 1.0, 2, 20);
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "'2z' is not a valid state name", 2, 20));
  test_deck_free(&d);

  standard_deck(&d, "dx = y\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_CONSTANT, "big", HUGE_VAL, 4, 20);
  CHECK(
      test_error_is(&d, test_deck_model(&d, &m), "constant 'big' must be a finite number", 4, 20));
  test_deck_free(&d);

  standard_deck(&d, "dx = y\ndy = x\nenergy = x * y\n");
  test_deck_declare(&d, CUBIE_SYMBOL_OBSERVABLE, "enrgy", 0.0, 5, 9);
  CHECK(test_error_is(&d, test_deck_model(&d, &m),
                      "observable 'enrgy' is not defined by the equations (did you mean 'energy'?)",
                      5, 9));
  test_deck_free(&d);

  standard_deck(&d, "dx = y\ndy = x\n");
  test_deck_declare(&d, CUBIE_SYMBOL_OBSERVABLE, "x", 0.0, 5, 9);
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "'x' is a state, not an observable", 5, 9));
  test_deck_free(&d);

  test_deck_init(&d, "deck.yaml");
  test_deck_equations(&d, "q = 1\n", 6, 4);
  CHECK(test_error_is(&d, test_deck_model(&d, &m), "the model declares no states", 5, 3));
  test_deck_free(&d);
  CHECK(m == NULL);
}

/* output.save resolved against the model. */
static int save_fails(const char *name, const char *needle) {
  test_deck d;
  standard_deck(&d, "dx = y\ndy = x\nenergy = x * y\n");
  test_deck_save(&d, "x", 30, 11);
  test_deck_save(&d, name, 30, 14);
  cubie_model *m = NULL;
  cubie_model_output *outputs = NULL;
  int n = -1, ok = 0;
  CHECK_OK(test_deck_model(&d, &m));
  if (m) {
    int rc = cubie_model_select_outputs(m, &d.cfg, &outputs, &n);
    ok = test_error_is(&d, rc, needle, 30, 14) && outputs == NULL && n == 0;
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);
  return ok;
}

static void test_select_outputs(void) {
  test_deck d;
  standard_deck(&d, "dx = y\ndy = x\nenergy = x * y\npower = energy * 2\n");
  test_deck_save(&d, "power", 30, 11);
  test_deck_save(&d, "y", 30, 18);
  test_deck_save(&d, "energy", 30, 21);
  cubie_model *m = NULL;
  cubie_model_output *outputs = NULL;
  int n = 0;
  CHECK_OK(test_deck_model(&d, &m));
  if (m) {
    CHECK_OK(cubie_model_select_outputs(m, &d.cfg, &outputs, &n));
    CHECK_INT(n, 3);
    if (outputs && n == 3) {
      CHECK(outputs[0].kind == CUBIE_SYMBOL_OBSERVABLE && outputs[0].index == 1);
      CHECK(outputs[1].kind == CUBIE_SYMBOL_STATE && outputs[1].index == 1);
      CHECK(outputs[2].kind == CUBIE_SYMBOL_OBSERVABLE && outputs[2].index == 0);
    }
    free(outputs);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);

  CHECK(save_fails("enrgy", "cannot save unknown symbol 'enrgy' (did you mean 'energy'?)"));
  CHECK(save_fails("qwerty", "cannot save unknown symbol 'qwerty' (only states and observables"));
  CHECK(save_fails("sigma", "cannot save parameter 'sigma'"));
  CHECK(save_fails("c", "cannot save constant 'c'"));
  CHECK(save_fails("t", "'t' need not be saved"));
}

/* Random token soup never crashes and never fails in any other way than
 * bad input with a deck position. */
static void test_garbage(void) {
  static const char *const pieces[] = {
      "dx",        "dy", "x", "y",     "sigma", "c",    "=",  "==",  "(",   ")",
      "+",         "-",  "*", "/",     "^",     "**",   ",",  "sin", "min", "ifelse",
      "piecewise", "1",  "0", "2.5e3", ".5",    "0x1F", "\n", "\n",  "#",   "&&",
      "||",        "!",  "<", "e",     "e",     "$",    "1e", "t",   " "};
  const int n_pieces = (int)(sizeof pieces / sizeof pieces[0]);
  unsigned state = 12345u;
  for (int trial = 0; trial < 3000; trial++) {
    char text[512] = "";
    int n = 1 + trial % 40;
    for (int i = 0; i < n; i++) {
      state = state * 1103515245u + 12345u;
      strcat(text, pieces[(state >> 16) % (unsigned)n_pieces]);
      strcat(text, " ");
    }
    test_deck d;
    standard_deck(&d, text);
    cubie_model *m = NULL;
    int rc = test_deck_model(&d, &m);
    if (rc != CUBIE_OK &&
        (rc != CUBIE_ERR_INPUT || strncmp(cubie_error_message(), "deck.yaml:", 10) != 0)) {
      fprintf(stderr, "garbage %d: rc %d \"%s\" for:\n%s\n", trial, rc, cubie_error_message(),
              text);
      check_failures++;
    }
    CHECK((rc == CUBIE_OK) == (m != NULL));
    cubie_model_destroy(&m);
    test_deck_free(&d);
  }
}

int main(void) {
  test_garbage();
  test_select_outputs();
  test_symbols();
  test_accepted_forms();
  test_syntax_errors();
  test_symbol_errors();
  test_definition_errors();
  test_derivative_references();
  test_declaration_errors();
  CHECK_DONE();
}
