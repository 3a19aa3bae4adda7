/* generate_kernel_lists.c — a build-time tool: writes the facts of
 * the kernels/ .def lists that the kernels need in #if, as plain #define lines.
 *
 * A list macro cannot define macros, and the kernels must test the selected
 * method's properties in #if (its family, whether it has dense output, its
 * error order) and know every buffer's size and default location before the
 * host says anything about it. This tool expands the lists once, at build
 * time, into
 *   lists_generated.h  the selected method's and controller's row (chosen by
 *                      CUBIE_ALGORITHM_<ID> / CUBIE_CONTROLLER_<ID>), every
 *                      method's row by name (CUBIE_METHOD_<ID>_<COLUMN>, for
 *                      a family that runs two methods), the selected
 *                      family's persisted-field count (and every family's
 *                      by name), metric kinds
 *                      with their accumulator and value counts, and every
 *                      buffer's size and default location;
 *   step_families.h    the #include of the selected family's header (and of
 *                      the families whose methods it runs as well).
 * Both are embedded into libcubie with kernels/ (cmake/EmbedKernels.cmake)
 * and found by the kernel tests on their include path. Expressions are
 * copied as text, so the kernels evaluate exactly what the host evaluates.
 * The tool knows no method, family or buffer by name.
 *
 * usage: generate_kernel_lists OUTPUT_DIR
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/lists.h"
#include "kernels/buffers.def"
#include "kernels/controllers.def"
#include "kernels/methods.def"
#include "kernels/metrics.def"

static const char *lower(const char *id, char *buf, size_t size) {
  size_t i = 0;
  for (; id[i] && i + 1 < size; i++) buf[i] = (char)tolower((unsigned char)id[i]);
  buf[i] = '\0';
  return buf;
}

static void write_methods(FILE *f) {
  fprintf(f, "/* ---- the selected method (methods.def): the host defines CUBIE_ALGORITHM_<ID> ---- */\n");
  const char *keyword = "#if";
#define CUBIE_GEN_METHOD_(ID, name, aliases, description, FAMILY, stages, order, error_order,   \
                          fsal, dense_order, dense_degree, jacobian, dense_stages)              \
  fprintf(f,                                                                                    \
          "%s defined(CUBIE_ALGORITHM_" #ID ")\n"                                               \
          "#define CUBIE_METHOD_NAME \"%s\"\n"                                                  \
          "#define CUBIE_STEP_FAMILY_" #FAMILY " 1\n"                                           \
          "#define CUBIE_METHOD_STAGES %d\n"                                                    \
          "#define CUBIE_METHOD_ORDER %d\n"                                                     \
          "#define CUBIE_METHOD_ERROR_ORDER %d\n"                                               \
          "#define CUBIE_METHOD_FSAL %d\n"                                                      \
          "#define CUBIE_METHOD_DENSE_ORDER %d\n"                                               \
          "#define CUBIE_METHOD_DENSE_DEGREE %d\n"                                              \
          "#define CUBIE_METHOD_JACOBIAN %d\n"                                                  \
          "#define CUBIE_METHOD_DENSE_STAGES %d\n",                                             \
          keyword, name, stages, order, error_order, fsal, dense_order, dense_degree, jacobian, \
          dense_stages);                                                                        \
  keyword = "#elif";
  CUBIE_METHODS(CUBIE_GEN_METHOD_)
  fprintf(f, "#else\n#error \"define one CUBIE_ALGORITHM_<ID> of kernels/methods.def:");
#define CUBIE_GEN_METHOD_ID_(ID, ...) fprintf(f, " " #ID);
  CUBIE_METHODS(CUBIE_GEN_METHOD_ID_)
  fprintf(f, "\"\n#endif\n\n");

  /* Every method's row by name, for a family that runs methods other than
   * the selected one (auto.h runs tsit5 and rodas5p): CUBIE_METHOD_<ID>_<COLUMN>. */
  fprintf(f, "/* ---- every method's row, by name (CUBIE_METHOD_ROW(ID, COLUMN)) ---- */\n");
#define CUBIE_GEN_METHOD_ROW_(ID, name, aliases, description, FAMILY, stages, order, error_order, \
                              fsal, dense_order, dense_degree, jacobian, dense_stages)          \
  fprintf(f,                                                                                    \
          "#define CUBIE_METHOD_" #ID "_STAGES %d\n#define CUBIE_METHOD_" #ID "_ORDER %d\n"     \
          "#define CUBIE_METHOD_" #ID "_ERROR_ORDER %d\n#define CUBIE_METHOD_" #ID "_FSAL %d\n"  \
          "#define CUBIE_METHOD_" #ID "_DENSE_ORDER %d\n"                                      \
          "#define CUBIE_METHOD_" #ID "_DENSE_DEGREE %d\n"                                     \
          "#define CUBIE_METHOD_" #ID "_JACOBIAN %d\n"                                         \
          "#define CUBIE_METHOD_" #ID "_DENSE_STAGES %d\n",                                    \
          stages, order, error_order, fsal, dense_order, dense_degree, jacobian, dense_stages);
  CUBIE_METHODS(CUBIE_GEN_METHOD_ROW_)
  fprintf(f, "#define CUBIE_METHOD_ROW(ID, COLUMN) CUBIE_METHOD_ROW_(ID, COLUMN)\n"
             "#define CUBIE_METHOD_ROW_(ID, COLUMN) CUBIE_METHOD_##ID##_##COLUMN\n\n");

  fprintf(f, "/* ---- the selected step family (methods.def) ---- */\n");
#define CUBIE_GEN_FAMILY_(ID, persist, counters, controller, description)                                    \
  fprintf(f,                                                                                    \
          "#if defined(CUBIE_STEP_FAMILY_" #ID ")\n#define CUBIE_STEP_PERSIST_FIELDS (%s)\n"      \
          "#define CUBIE_STEP_PERSIST_COUNTERS (%s)\n#endif\n",                                 \
          #persist, #counters);
  CUBIE_STEP_FAMILIES(CUBIE_GEN_FAMILY_)
  /* The parts of the selected family (methods.def CUBIE_STEP_PARTS). */
#define CUBIE_GEN_PART_(FAMILY, PART, METHOD)                                                  \
  fprintf(f,                                                                                    \
          "#if defined(CUBIE_STEP_FAMILY_" #FAMILY ")\n#define CUBIE_STEP_USES_" #PART " 1\n"  \
          "#define CUBIE_" #PART "_METHOD " #METHOD "\n#define CUBIE_ALGORITHM_" #METHOD " 1\n" \
          "#endif\n");
  CUBIE_STEP_PARTS(CUBIE_GEN_PART_)
  /* Every family's count by name, for a family built on others (auto.h). */
#define CUBIE_GEN_FAMILY_FIELDS_(ID, persist, counters, controller, description)                \
  fprintf(f, "#define CUBIE_STEP_PERSIST_FIELDS_" #ID " (%s)\n", #persist);
  CUBIE_STEP_FAMILIES(CUBIE_GEN_FAMILY_FIELDS_)
  fprintf(f, "\n");
}

static void write_controllers(FILE *f) {
  fprintf(f, "/* ---- the selected controller (controllers.def): the host defines CUBIE_CONTROLLER_<ID> ---- */\n");
  const char *keyword = "#if";
#define CUBIE_GEN_CONTROLLER_(ID, name, adaptive, gains, beta1, beta2, beta3, safety, min_gain, \
                              max_gain, description)                                            \
  fprintf(f,                                                                                    \
          "%s defined(CUBIE_CONTROLLER_" #ID ")\n"                                              \
          "#define CUBIE_CONTROLLER_NAME \"%s\"\n"                                              \
          "#define CUBIE_CONTROLLER_ADAPTIVE %d\n"                                              \
          "#define CUBIE_CONTROLLER_GAINS %d\n"                                                 \
          "#define CUBIE_CONTROLLER_DEFAULT_GAINS %s, %s, %s\n"                                 \
          "#define CUBIE_CONTROLLER_DEFAULT_LIMITS %s, %s, %s\n",                               \
          keyword, name, adaptive, gains, #beta1, #beta2, #beta3, #safety, #min_gain, #max_gain); \
  keyword = "#elif";
  CUBIE_CONTROLLERS(CUBIE_GEN_CONTROLLER_)
  fprintf(f, "#else\n#error \"define one CUBIE_CONTROLLER_<ID> of kernels/controllers.def:");
#define CUBIE_GEN_CONTROLLER_ID_(ID, ...) fprintf(f, " " #ID);
  CUBIE_CONTROLLERS(CUBIE_GEN_CONTROLLER_ID_)
  fprintf(f, "\"\n#endif\n\n");
}

static void write_metrics(FILE *f) {
  fprintf(f, "/* ---- summary metrics (metrics.def): kind, and accumulators and values per\n"
             " * saved quantity for a count n (summaries.h sums them over the items) ---- */\n");
  int kind = 0;
#define CUBIE_GEN_METRIC_(ID, name, counted, accumulators, values, value_names, cell_methods,    \
                          units, in_default, description)                                       \
  kind++;                                                                                       \
  fprintf(f,                                                                                    \
          "#define CUBIE_METRIC_" #ID " %d\n"                                                   \
          "#define CUBIE_METRIC_ACCUMULATORS_" #ID "(n) (%s)\n"                                 \
          "#define CUBIE_METRIC_VALUES_" #ID "(n) (%d * %s)\n",                                  \
          kind, #accumulators, values, (counted) ? "(n)" : "1");
  CUBIE_METRICS(CUBIE_GEN_METRIC_)
  fprintf(f, "#define CUBIE_METRIC_KINDS %d\n\n", kind);
}

static void write_buffers(FILE *f) {
  fprintf(f, "/* ---- buffer sizes (buffers.def) and default locations: local unless the host's\n"
             " * layout, emitted before the kernels, says otherwise ---- */\n");
#define CUBIE_GEN_BUFFER_(FAMILY, OWNER, PARENT, NAME, elements, what)                           \
  fprintf(f,                                                                                    \
          "#define CUBIE_BUF_" #OWNER "_" #NAME "_SIZE (%s)\n"                                  \
          "#ifndef CUBIE_BUF_" #OWNER "_" #NAME "_LOC\n"                                        \
          "#define CUBIE_BUF_" #OWNER "_" #NAME "_LOC CUBIE_LOC_LOCAL\n"                        \
          "#define CUBIE_BUF_" #OWNER "_" #NAME "_OFFSET 0\n"                                   \
          "#endif\n",                                                                           \
          #elements);
  CUBIE_BUFFER_ROWS(CUBIE_GEN_BUFFER_)
  fprintf(f, "\n");
}

static void write_families(FILE *f) {
  char buf[64];
  /* A family's header is also included for a family that runs one of its
   * methods (CUBIE_STEP_USES_<ID>). The host inlines each kernel file once,
   * at its first #include, so that first #include must sit under a
   * condition true for every kernel that needs the file: here, not inside
   * the other family's header. */
#define CUBIE_GEN_INCLUDE_(ID, persist, counters, controller, description)                                  \
  fprintf(f,                                                                                    \
          "#if defined(CUBIE_STEP_FAMILY_" #ID ") || defined(CUBIE_STEP_USES_" #ID ")\n"        \
          "#include \"%s.h\"\n#endif\n",                                                      \
          lower(#ID, buf, sizeof buf));
  CUBIE_STEP_FAMILIES(CUBIE_GEN_INCLUDE_)
}

static FILE *open_output(const char *dir, const char *name, char *path, size_t size) {
  snprintf(path, size, "%s/%s.tmp", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) perror(path);
  return f;
}

/* Replace `name` only when its content changed, so unchanged lists do not
 * rebuild everything that embeds them. */
static int commit(const char *dir, const char *name, const char *tmp) {
  char final[4096];
  snprintf(final, sizeof final, "%s/%s", dir, name);
  FILE *a = fopen(tmp, "rb"), *b = fopen(final, "rb");
  int same = a && b;
  while (same) {
    int x = fgetc(a), y = fgetc(b);
    if (x != y) same = 0;
    if (x == EOF || y == EOF) break;
  }
  if (a) fclose(a);
  if (b) fclose(b);
  if (same) return remove(tmp);
  return rename(tmp, final);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: generate_kernel_lists OUTPUT_DIR\n");
    return 2;
  }
  char path[4096];
  FILE *f = open_output(argv[1], "lists_generated.h", path, sizeof path);
  if (!f) return 1;
  fprintf(f, "/* lists_generated.h — GENERATED at build time by cmake/generate_kernel_lists.c\n"
             " * from the kernels/ .def lists: the rows the kernels need in #if. Do not edit. */\n"
             "#ifndef CUBIE_LISTS_GENERATED_H\n#define CUBIE_LISTS_GENERATED_H\n\n");
  write_methods(f);
  write_controllers(f);
  write_metrics(f);
  write_buffers(f);
  fprintf(f, "#endif\n");
  if (fclose(f) != 0 || commit(argv[1], "lists_generated.h", path) != 0) return 1;

  f = open_output(argv[1], "step_families.h", path, sizeof path);
  if (!f) return 1;
  fprintf(f, "/* step_families.h — GENERATED at build time by cmake/generate_kernel_lists.c\n"
             " * from kernels/methods.def: the selected step family's header. Do not edit. */\n");
  write_families(f);
  if (fclose(f) != 0 || commit(argv[1], "step_families.h", path) != 0) return 1;
  return 0;
}
