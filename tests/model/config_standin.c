/* config_standin.c — TEST-ONLY stand-ins for cubie_config_error_at and
 * cubie_config_equation_mark, which the deck loader (src/config.c) owns.
 * They follow the contract in src/config.h so the model tests can link
 * before the loader is merged. The lead deletes this file at merge and
 * drops it from tests/model/CMakeLists.txt.
 */
#include <stdarg.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

int cubie_config_error_at(const cubie_config *cfg, cubie_mark mark, const char *fmt, ...) {
  char message[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (mark.line > 0)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s:%d:%d: %s", cfg->path, mark.line, mark.column, message);
  if (mark.override > 0)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "--set #%d: %s", mark.override, message);
  return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s: %s", cfg->path, message);
}

cubie_mark cubie_config_equation_mark(const cubie_config *cfg, int eq_line, int eq_column) {
  const cubie_model_config *m = &cfg->model;
  if (eq_line >= 1 && eq_line <= m->n_equation_lines) {
    cubie_mark mark = {m->equation_line[eq_line - 1],
                       eq_column + m->equation_column_offset[eq_line - 1], 0};
    return mark;
  }
  return m->equations_mark;
}
