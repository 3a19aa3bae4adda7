/* config_equations.c — where each line of `model.equations` sits in the
 * deck, so the model parser's errors name deck lines and columns.
 *
 * libyaml hands over the block's text with its indentation removed and
 * only the mark of the block's start; the rest is recovered from the raw
 * deck text (config.h: equation_line / equation_column_offset). */
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

/* Start of 1-based deck line `line` in text, or NULL past the end. */
static const char *deck_line_start(const char *text, int line) {
  const char *p = text;
  for (int l = 1; l < line; l++) {
    p = strchr(p, '\n');
    if (!p) return NULL;
    p++;
  }
  return p;
}

static int leading_spaces(const char *p, size_t n) {
  int k = 0;
  while ((size_t)k < n && p[k] == ' ') k++;
  return k;
}

static bool is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
  return true;
}

/* Indentation of a literal block: the first line with text, compared in
 * the deck and in the value (an explicit indentation indicator can leave
 * spaces in the value, and those belong to the text, not the offset). */
static int literal_indent(const cubie_config *cfg, const char *value, int first_deck_line) {
  const char *line = value;
  for (int i = 0; *line; i++) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (!is_blank(line, n)) {
      const char *raw = deck_line_start(cfg->text, first_deck_line + i);
      if (!raw) return 0;
      const char *raw_nl = strchr(raw, '\n');
      size_t raw_n = raw_nl ? (size_t)(raw_nl - raw) : strlen(raw);
      int indent = leading_spaces(raw, raw_n) - leading_spaces(line, n);
      return indent > 0 ? indent : 0;
    }
    if (!nl) break;
    line = nl + 1;
  }
  return 0;
}

int cubie_config_map_equations(cubie_config *cfg, const cubie_ynode *node) {
  cubie_model_config *m = &cfg->model;
  const char *text = node->text;
  int n = 0;
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    n++;
    if (!nl) break;
    p = nl + 1;
  }
  m->n_equation_lines = n;
  if (n == 0) return CUBIE_OK;
  m->equation_line = calloc((size_t)n, sizeof *m->equation_line);
  m->equation_column_offset = calloc((size_t)n, sizeof *m->equation_column_offset);
  CUBIE_CHECK(m->equation_line && m->equation_column_offset, CUBIE_ERR_MEMORY,
              "out of memory mapping the equations");
  cubie_mark start = node->mark;
  if (start.line == 0) return CUBIE_OK; /* from --set: no deck lines to map to */
  bool literal = node->style == CUBIE_YSCALAR_LITERAL;
  int indent = 0;
  if (literal && cfg->text) indent = literal_indent(cfg, text, start.line + 1);
  for (int i = 0; i < n; i++) {
    if (literal) {
      m->equation_line[i] = start.line + 1 + i;
      m->equation_column_offset[i] = indent;
    } else {
      /* One-line scalars map exactly; folded and multi-line flow scalars
       * lose their line structure in YAML, so they all point at the start. */
      bool quoted = node->style == CUBIE_YSCALAR_SINGLE_QUOTED || node->style == CUBIE_YSCALAR_DOUBLE_QUOTED;
      m->equation_line[i] = start.line;
      m->equation_column_offset[i] = start.column - 1 + (quoted ? 1 : 0);
    }
  }
  return CUBIE_OK;
}

cubie_mark cubie_config_equation_mark(const cubie_config *cfg, int eq_line, int eq_column) {
  cubie_mark none = {0, 0, 0};
  if (!cfg) return none;
  const cubie_model_config *m = &cfg->model;
  if (m->equations_mark.line == 0 || m->n_equation_lines == 0) return m->equations_mark;
  int i = eq_line - 1;
  if (i < 0) i = 0;
  if (i >= m->n_equation_lines) i = m->n_equation_lines - 1;
  cubie_mark mark = {m->equation_line[i], m->equation_column_offset[i] + (eq_column > 0 ? eq_column : 1), 0};
  return mark;
}
