/* kernel_source.h — assembling one kernel translation unit.
 *
 * The unit is: the compile-time settings as #define lines (precision,
 * algorithm, controller, summary metrics, buffer layout), then the kernel
 * files from kernels/ (headers, .def lists and the list macros generated
 * from them) with their quoted includes inlined (each file once), the
 * generated model code, the per-run loop, the check that the kernels'
 * persisted-field count is the host's, and the backend's entry point.
 * The result is self-contained text: the same for the host compiler and
 * NVRTC apart from the epilogue, and kept on disk for inspection. This
 * module only builds text; it never compiles.
 */
#ifndef CUBIE_KERNEL_SOURCE_H
#define CUBIE_KERNEL_SOURCE_H

#include "model/model.h"
#include "plan/plan.h"

typedef struct cubie_kernel_source_options {
  const char *prologue;      /* extra #define lines (buffer layout); may be NULL */
  const char *epilogue;      /* the backend's entry include, e.g. "#include \"entry_cpu.h\"" */
} cubie_kernel_source_options;

int cubie_kernel_source_build(const cubie_plan *plan, const cubie_model *model,
                              const cubie_kernel_source_options *opts, char **source);

/* Append kernel file `name` (e.g. "run.h") to `out` with its quoted
 * includes of other kernel files inlined; `seen` tracks files already
 * inlined (pass a zeroed array of cubie_kernel_file_count() flags). */
int cubie_kernel_source_inline(const char *name, unsigned char *seen, cubie_strbuf *out);
int cubie_kernel_file_count(void);

/* Doubles per run the kernel persists between time windows: the counts of
 * kernels/persist.def, which the kernels sum into CUBIE_PERSIST_FIELDS. */
int cubie_kernel_persist_fields(const cubie_plan *plan, int n_states);
/* The #if/#error lines that make a kernel build fail unless its
 * CUBIE_PERSIST_FIELDS equals host_fields; cubie_kernel_source_build puts
 * them after the kernels. */
int cubie_kernel_persist_check(int host_fields, cubie_strbuf *out);

#endif
