/* kernel_source.c — building the kernel translation unit (see kernel_source.h). */
#include "kernel/kernel_source.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "kernel/kernel_files.h"
#include "kernel/kernel_linsolve.h"
#include "model/model_jacobian.h"
#include "kernels/status.h"
#include "kernels/persist.def"

int cubie_kernel_file_count(void) {
  int n = 0;
  while (cubie_kernel_files[n].name) n++;
  return n;
}

static int find_kernel_file(const char *name, size_t len) {
  for (int i = 0; cubie_kernel_files[i].name; i++)
    if (strlen(cubie_kernel_files[i].name) == len &&
        strncmp(cubie_kernel_files[i].name, name, len) == 0)
      return i;
  return -1;
}

/* If `line` is `#include "x.h"` naming a kernel file, return its index. */
static int quoted_kernel_include(const char *line, const char *end) {
  const char *p = line;
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  if (p >= end || *p != '#') return -1;
  p++;
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  if ((size_t)(end - p) < 7 || strncmp(p, "include", 7) != 0) return -1;
  p += 7;
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  if (p >= end || *p != '"') return -1;
  const char *name = ++p;
  while (p < end && *p != '"') p++;
  if (p >= end) return -1;
  return find_kernel_file(name, (size_t)(p - name));
}

static int inline_text(const char *text, const char *within, unsigned char *seen,
                       cubie_strbuf *out);

static int inline_file(int index, unsigned char *seen, cubie_strbuf *out) {
  if (seen[index]) return CUBIE_OK;
  seen[index] = 1;
  CUBIE_CALL(cubie_strbuf_printf(out, "/* ---- kernels/%s ---- */\n", cubie_kernel_files[index].name));
  return inline_text(cubie_kernel_files[index].text, cubie_kernel_files[index].name, seen, out);
}

/* Copy `text` line by line, replacing each quoted include of a kernel file
 * by that file (once); `within` names the file the text is from, for the
 * marker that says where the copy resumes (NULL: no marker). */
static int inline_text(const char *text, const char *within, unsigned char *seen,
                       cubie_strbuf *out) {
  while (*text) {
    const char *end = strchr(text, '\n');
    if (!end) end = text + strlen(text);
    int inc = quoted_kernel_include(text, end);
    if (inc >= 0) {
      CUBIE_CALL(inline_file(inc, seen, out));
      if (within)
        CUBIE_CALL(cubie_strbuf_printf(out, "/* ---- (back in kernels/%s) ---- */\n", within));
    } else {
      CUBIE_CALL(cubie_strbuf_append_n(out, text, (size_t)(end - text)));
      CUBIE_CALL(cubie_strbuf_append(out, "\n"));
    }
    text = *end ? end + 1 : end;
  }
  return CUBIE_OK;
}

int cubie_kernel_source_inline(const char *name, unsigned char *seen, cubie_strbuf *out) {
  int index = find_kernel_file(name, strlen(name));
  CUBIE_CHECK(index >= 0, CUBIE_ERR_INTERNAL, "kernel file '%s' is not embedded in this build",
              name);
  return inline_file(index, seen, out);
}

/* The kernel's compile-time choices: precision, the method and controller
 * rows (kernels/methods.def, controllers.def: lists_generated.h turns
 * CUBIE_ALGORITHM_<ID> into the row's constants), the linear solver of an
 * implicit method (kernels/linear_solvers.def, read by linsolve.h) and the
 * summary items (kernels/summaries.h), with the host's totals for the
 * kernels to check. */
static int emit_settings(const cubie_plan *plan, cubie_strbuf *out) {
  CUBIE_CALL(cubie_strbuf_printf(out, "/* cubie %s kernel: %s, %s, %s */\n", CUBIE_VERSION,
                                 plan->algorithm->name, cubie_controller_name(plan->controller),
                                 plan->precision == CUBIE_FLOAT32 ? "float32" : "float64"));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define %s 1\n",
                                 plan->precision == CUBIE_FLOAT32 ? "CUBIE_PRECISION_FLOAT32"
                                                                  : "CUBIE_PRECISION_FLOAT64"));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_ALGORITHM_%s 1\n", plan->algorithm->id));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_CONTROLLER_%s 1\n",
                                 cubie_controller_at(plan->controller)->id));
  const cubie_linear_solver_info *ls = cubie_linear_solver_at(plan->linear_solver);
  if (ls) CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_LINSOLVE_%s 1\n", ls->id));
  CUBIE_CALL(cubie_strbuf_append(out, "#define CUBIE_SUMMARY_ITEMS(X)"));
  for (int i = 0; i < plan->n_summary_items; i++) {
    const cubie_summary_item *it = &plan->summary_items[i];
    CUBIE_CALL(cubie_strbuf_printf(out, " \\\n  X(%d, %s, %d, %d, %d)", it->output, it->metric->id,
                                   it->count, it->accumulator_offset, it->value_offset));
  }
  CUBIE_CALL(cubie_strbuf_printf(out, "\n#define CUBIE_HOST_SUMMARY_VALUES %d\n",
                                 plan->n_summary_values));
  return CUBIE_OK;
}

int cubie_kernel_source_build(const cubie_plan *plan, const cubie_model *model,
                              const cubie_kernel_source_options *opts, char **source) {
  *source = NULL;
  cubie_strbuf out;
  CUBIE_CALL(cubie_strbuf_init(&out));
  unsigned char *seen = calloc((size_t)cubie_kernel_file_count() + 1, 1);
  int rc = seen ? CUBIE_OK : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
  if (!rc) rc = emit_settings(plan, &out);
  if (!rc && opts && opts->prologue) rc = cubie_strbuf_append(&out, opts->prologue);
  const char *const front[] = {"prelude.h", "status.h", "chunk_args.h", "buffers.h", NULL};
  for (int i = 0; front[i] && !rc; i++) rc = cubie_kernel_source_inline(front[i], seen, &out);
  /* Only a model with drivers reads the drivers' table: other kernels keep
   * their text (and their cache entries). */
  if (!rc && plan->driver_table_length > 0) {
    rc = cubie_strbuf_printf(&out, "#define CUBIE_DRIVER_TABLE_LENGTH %lld\n",
                             plan->driver_table_length);
    if (!rc) rc = cubie_kernel_source_inline("drivers.h", seen, &out);
  }
  if (!rc) rc = cubie_strbuf_append(&out, "/* ---- generated model ---- */\n");
  if (!rc) rc = cubie_model_generate(model, plan->outputs, plan->n_outputs, &out);
  /* Only a method that evaluates the Jacobian gets the derivative functions
   * (kernels/methods.def's jacobian column): explicit kernels stay as they were. */
  if (!rc && plan->algorithm->jacobian) rc = cubie_model_generate_jacobian(model, &out);
  if (!rc) rc = cubie_kernel_linsolve_source(plan, model, &out);
  if (!rc) rc = cubie_kernel_source_inline("run.h", seen, &out);
  if (!rc)
    rc = cubie_kernel_persist_check(cubie_kernel_persist_fields(plan, cubie_model_n_states(model)),
                                    &out);
  if (!rc && opts && opts->epilogue) rc = inline_text(opts->epilogue, NULL, seen, &out);
  free(seen);
  if (rc) {
    cubie_strbuf_free(&out);
    return rc;
  }
  *source = cubie_strbuf_release(&out);
  return CUBIE_OK;
}

int cubie_kernel_persist_fields(const cubie_plan *plan, int n_states) {
  /* kernels/persist.def's counts, evaluated with the names they may use. */
#define CUBIE_N_EVENTS plan->n_events
#define CUBIE_N_STATES n_states
#define CUBIE_N_ACCUMULATORS (plan->n_summary_accumulators)
#define CUBIE_STEP_PERSIST_FIELDS cubie_algorithm_persist_fields(plan->algorithm, n_states)
#define CUBIE_STEP_PERSIST_COUNTERS cubie_algorithm_persist_counters(plan->algorithm)
#define PERSIST_COUNT(NAME, count, what) +(count)
  return 0 CUBIE_PERSIST_LAYOUT(PERSIST_COUNT);
#undef PERSIST_COUNT
#undef CUBIE_STEP_PERSIST_COUNTERS
#undef CUBIE_STEP_PERSIST_FIELDS
#undef CUBIE_N_ACCUMULATORS
#undef CUBIE_N_STATES
#undef CUBIE_N_EVENTS
}

int cubie_kernel_persist_check(int host_fields, cubie_strbuf *out) {
  return cubie_strbuf_printf(
      out,
      "/* ---- persisted fields the host counted (kernels/persist.def) ---- */\n"
      "#if CUBIE_PERSIST_FIELDS != %d\n"
      "#error \"persisted fields: the host allocates %d doubles per run but the kernels "
      "store CUBIE_PERSIST_FIELDS (kernels/persist.def, src/kernel/kernel_source.c)\"\n"
      "#endif\n"
      "/* ---- summary values the host allocates per run and window (kernels/metrics.def) ---- */\n"
      "#if defined(CUBIE_HOST_SUMMARY_VALUES) && CUBIE_N_SUMMARY_VALUES != CUBIE_HOST_SUMMARY_VALUES\n"
      "#error \"summary values: the host allocates CUBIE_HOST_SUMMARY_VALUES per run and window but "
      "the summary items write CUBIE_N_SUMMARY_VALUES (kernels/summaries.h, src/plan/summary_plan.c)\"\n"
      "#endif\n",
      host_fields, host_fields);
}
