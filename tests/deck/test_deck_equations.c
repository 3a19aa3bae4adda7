/* test_deck_equations — positions inside model.equations map back to deck
 * lines and columns: literal blocks (with indentation, blank lines, chomping
 * and explicit indentation indicators), one-line plain and quoted scalars,
 * folded blocks (all at the start), --set equations, and clamping. */
#include <string.h>

#include "check.h"
#include "deck/config.h"

#define I "integrator: {duration: 1}\n"

static cubie_config *load(const char *deck) {
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("eq.yaml", deck, NULL, 0, &cfg));
  return cfg;
}

static void check_mark(cubie_mark m, int line, int column) {
  CHECK_INT(m.line, line);
  CHECK_INT(m.column, column);
  CHECK_INT(m.override, 0);
}

static void test_literal_block(void) {
  cubie_config *cfg = load(
      "model:\n"              /* 1 */
      "  states: {x: 1}\n"    /* 2 */
      "  equations: |\n"      /* 3 */
      "      dx = -x\n"       /* 4: indented by 6 */
      "\n"                    /* 5: blank, still maps */
      "      y = 2 * x\n"     /* 6 */
      "   \n"                 /* 7: blank with a few spaces */
      "      z = y\n"         /* 8 */
      "\n"
      I);
  if (!cfg) return;
  CHECK_STR(cfg->model.equations, "dx = -x\n\ny = 2 * x\n\nz = y\n");
  CHECK_INT(cfg->model.n_equation_lines, 5);
  for (int i = 0; i < cfg->model.n_equation_lines; i++) {
    CHECK_INT(cfg->model.equation_line[i], 4 + i);
    CHECK_INT(cfg->model.equation_column_offset[i], 6);
  }
  check_mark(cfg->model.equations_mark, 3, 14);
  check_mark(cubie_config_equation_mark(cfg, 1, 1), 4, 7);   /* the 'd' of dx */
  check_mark(cubie_config_equation_mark(cfg, 3, 5), 6, 11);  /* the '2' */
  check_mark(cubie_config_equation_mark(cfg, 5, 5), 8, 11);  /* the 'y' of z = y */
  check_mark(cubie_config_equation_mark(cfg, 2, 1), 5, 7);   /* blank line */
  check_mark(cubie_config_equation_mark(cfg, 99, 3), 8, 9);  /* clamped to the last line */
  check_mark(cubie_config_equation_mark(cfg, 0, 1), 4, 7);   /* and to the first */
  cubie_config_destroy(&cfg);
}

/* |2: the content indentation is the parent's (2) + 2, so 2 of the 6 spaces
 * belong to the text; |- strips, leading blank lines map too. */
static void test_indicators(void) {
  cubie_config *cfg = load(
      "model:\n"
      "  states: {x: 1}\n"
      "  equations: |2\n"     /* 3 */
      "      dx = -x\n"       /* 4: text "  dx = -x" */
      "    dy = 0\n"          /* 5 */
      I);
  if (cfg) {
    CHECK_STR(cfg->model.equations, "  dx = -x\ndy = 0\n");
    check_mark(cubie_config_equation_mark(cfg, 1, 3), 4, 7); /* text column 3 is the 'd' at deck column 7 */
    check_mark(cubie_config_equation_mark(cfg, 2, 1), 5, 5);
    cubie_config_destroy(&cfg);
  }
  cfg = load(
      "model:\n"
      "  states: {x: 1}\n"
      "  equations: |-\n"     /* 3 */
      "\n"                    /* 4 */
      "   dx = -x\n"          /* 5: indented by 3 */
      I);
  if (cfg) {
    CHECK_STR(cfg->model.equations, "\ndx = -x");
    CHECK_INT(cfg->model.n_equation_lines, 2);
    check_mark(cubie_config_equation_mark(cfg, 2, 6), 5, 9);
    cubie_config_destroy(&cfg);
  }
  cfg = load(
      "model:\n"
      "  states: {x: 1}\n"
      "  equations: |+  # a comment after the indicator\n" /* 3 */
      "    dx = -x\n"                                      /* 4 */
      "\n"                                                 /* 5: kept */
      I);
  if (cfg) {
    CHECK_STR(cfg->model.equations, "dx = -x\n\n");
    CHECK_INT(cfg->model.n_equation_lines, 2);
    check_mark(cubie_config_equation_mark(cfg, 2, 1), 5, 5);
    cubie_config_destroy(&cfg);
  }
}

static void test_one_line_scalars(void) {
  /* "  equations: dx = -x": the 'd' is at column 14 */
  cubie_config *cfg = load("model:\n  states: {x: 1}\n  equations: dx = -x\n" I);
  if (cfg) {
    CHECK_INT(cfg->model.n_equation_lines, 1);
    check_mark(cubie_config_equation_mark(cfg, 1, 1), 3, 14);
    check_mark(cubie_config_equation_mark(cfg, 1, 6), 3, 19); /* the '-' */
    cubie_config_destroy(&cfg);
  }
  cfg = load("model:\n  states: {x: 1}\n  equations: \"dx = -x\"\n" I);
  if (cfg) {
    check_mark(cubie_config_equation_mark(cfg, 1, 1), 3, 15); /* past the quote */
    cubie_config_destroy(&cfg);
  }
  cfg = load("model: {states: {x: 1}, equations: 'dx = -x'}\n" I);
  if (cfg) {
    check_mark(cubie_config_equation_mark(cfg, 1, 6), 1, 42);
    cubie_config_destroy(&cfg);
  }
}

static void test_folded_and_crlf(void) {
  cubie_config *cfg = load(
      "model:\n"
      "  states: {x: 1}\n"
      "  equations: >\n"       /* 3: every line maps here */
      "    dx = -x\n"
      "    + 0\n"
      I);
  if (cfg) {
    CHECK_STR(cfg->model.equations, "dx = -x + 0\n");
    CHECK_INT(cubie_config_equation_mark(cfg, 1, 9).line, 3);
    cubie_config_destroy(&cfg);
  }
  cfg = load("model:\r\n  states: {x: 1}\r\n  equations: |\r\n    dx = -x\r\n    dy = 1\r\nintegrator: {duration: 1}\r\n");
  if (cfg) {
    CHECK_STR(cfg->model.equations, "dx = -x\ndy = 1\n");
    check_mark(cubie_config_equation_mark(cfg, 2, 4), 5, 8);
    cubie_config_destroy(&cfg);
  }
}

static void test_equations_from_set(void) {
  const char *set[] = {"model.equations=dx = -2 * x"};
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("eq.yaml", "model:\n  states: {x: 1}\n  equations: dx = -x\n" I, set, 1, &cfg));
  if (!cfg) return;
  CHECK_STR(cfg->model.equations, "dx = -2 * x");
  cubie_mark m = cubie_config_equation_mark(cfg, 1, 6);
  CHECK_INT(m.line, 0);
  CHECK_INT(m.override, 1);
  /* and a message reported there names the --set argument */
  CHECK_INT(cubie_config_error_at(cfg, m, "unknown symbol 'q'"), CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "--set 'model.equations=dx = -2 * x': unknown symbol 'q'");
  cubie_config_destroy(&cfg);
}

int main(void) {
  test_literal_block();
  test_indicators();
  test_one_line_scalars();
  test_folded_and_crlf();
  test_equations_from_set();
  CHECK_DONE();
}
