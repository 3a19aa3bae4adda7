/* kernel_source.c — building the kernel translation unit (see kernel_source.h). */
#include "kernel/kernel_source.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "kernel/kernel_files.h"
#include "kernels/status.h"

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

static const char *controller_macro(cubie_controller c) {
  switch (c) {
    case CUBIE_CONTROLLER_FIXED: return "CUBIE_CONTROLLER_FIXED";
    case CUBIE_CONTROLLER_I: return "CUBIE_CONTROLLER_I";
    case CUBIE_CONTROLLER_PI: return "CUBIE_CONTROLLER_PI";
    case CUBIE_CONTROLLER_PID: return "CUBIE_CONTROLLER_PID";
    case CUBIE_CONTROLLER_GUSTAFSSON: return "CUBIE_CONTROLLER_GUSTAFSSON";
  }
  return "CUBIE_CONTROLLER_UNKNOWN";
}

static int emit_settings(const cubie_plan *plan, cubie_strbuf *out) {
  CUBIE_CALL(cubie_strbuf_printf(out, "/* cubie %s kernel: %s, %s, %s */\n", CUBIE_VERSION,
                                 plan->algorithm->name, cubie_controller_name(plan->controller),
                                 plan->precision == CUBIE_FLOAT32 ? "float32" : "float64"));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define %s 1\n",
                                 plan->precision == CUBIE_FLOAT32 ? "CUBIE_PRECISION_FLOAT32"
                                                                  : "CUBIE_PRECISION_FLOAT64"));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define %s 1\n", plan->algorithm->macro));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define %s 1\n", controller_macro(plan->controller)));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_N_METRICS %d\n", plan->n_metrics));
  for (int i = 0; i < plan->n_metrics; i++) {
    char upper[16];
    size_t k = 0;
    for (; plan->metrics[i][k] && k < sizeof upper - 1; k++)
      upper[k] = (char)(plan->metrics[i][k] - ('a' <= plan->metrics[i][k] && plan->metrics[i][k] <= 'z' ? 32 : 0));
    upper[k] = '\0';
    CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_METRIC_%d CUBIE_METRIC_%s\n", i, upper));
  }
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
  if (!rc) rc = cubie_strbuf_append(&out, "/* ---- generated model ---- */\n");
  if (!rc) rc = cubie_model_generate(model, plan->outputs, plan->n_outputs, &out);
  if (!rc) rc = cubie_kernel_source_inline("run.h", seen, &out);
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
  /* kernels/run.h: 10 scalars (t, dt, status, next save, grid index, FSAL
   * flag, controller history), CUBIE_N_COUNTERS counters, the state, the
   * FSAL derivative, and CUBIE_N_OUTPUTS x CUBIE_N_METRICS accumulators.
   * tests/kernels checks this against CUBIE_PERSIST_FIELDS. */
  return 10 + CUBIE_N_COUNTERS + 2 * n_states + plan->n_outputs * plan->n_metrics;
}
