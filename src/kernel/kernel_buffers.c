/* kernel_buffers.c — the kernels' scratch buffers, from kernels/buffers.def
 * (see kernel_buffers.h). */
#include "kernel/kernel_buffers.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "kernels/buffers.def"
#include "kernels/lists.h"
#include "kernels/methods.def"

/* The deck's name for the selected step family's buffer owner. */
#define STEP_OWNER_ALIAS "step"

typedef struct kernel_buffer {
  const char *family, *owner, *parent, *name;
  const char *kernel_size; /* buffers.def's expression, as the kernels evaluate it */
} kernel_buffer;

#define BUFFER_ROW(FAMILY, OWNER, PARENT, NAME, elements, what) \
  {#FAMILY, #OWNER, #PARENT, #NAME, #elements},
static const kernel_buffer kernel_buffers[] = {CUBIE_BUFFER_ROWS(BUFFER_ROW)};
#undef BUFFER_ROW
#define N_KERNEL_BUFFERS ((int)(sizeof kernel_buffers / sizeof kernel_buffers[0]))

void cubie_kernel_dims_of(const cubie_plan *plan, const cubie_model *model, cubie_kernel_dims *dims) {
  dims->n_states = cubie_model_n_states(model);
  dims->n_parameters = cubie_model_n_parameters(model);
  dims->n_outputs = plan->n_outputs;
  dims->accumulators = plan->n_summary_accumulators;
  dims->algorithm = plan->algorithm;
  const cubie_linear_solver_info *ls = cubie_linear_solver_at(plan->linear_solver);
  dims->linear_solver = ls ? ls->id : NULL;
  dims->real_size = plan->real_size;
}

/* Every method's stage counts by name (CUBIE_METHOD_<ID>_STAGES, ...), as
 * lists_generated.h gives them to the kernels: the rows of a family that
 * runs other methods than the selected one (AUTO) are sized by them. */
#define METHOD_STAGE_COUNTS(ID, name, aliases, description, FAMILY, stages, order, error_order, \
                            fsal, dense_order, dense_degree, jacobian, dense_stages)            \
  CUBIE_METHOD_##ID##_STAGES = stages, CUBIE_METHOD_##ID##_DENSE_STAGES = dense_stages,
enum { CUBIE_METHODS(METHOD_STAGE_COUNTS) };
#undef METHOD_STAGE_COUNTS

/* Each row's size for these dimensions: buffers.def's expression with the
 * names it may use. */
static void sizes_of(const cubie_kernel_dims *d, long long *sizes) {
#define CUBIE_N_STATES ((long long)d->n_states)
#define CUBIE_N_PARAMETERS ((long long)d->n_parameters)
#define CUBIE_N_OUTPUTS ((long long)d->n_outputs)
#define CUBIE_N_ACCUMULATORS ((long long)d->accumulators)
#define CUBIE_METHOD_STAGES ((long long)d->algorithm->stages)
#define CUBIE_METHOD_DENSE_STAGES ((long long)d->algorithm->dense_stages)
  int i = 0;
#define BUFFER_SIZE(FAMILY, OWNER, PARENT, NAME, elements, what) sizes[i++] = (elements);
  CUBIE_BUFFER_ROWS(BUFFER_SIZE)
#undef BUFFER_SIZE
#undef CUBIE_METHOD_DENSE_STAGES
#undef CUBIE_METHOD_STAGES
#undef CUBIE_N_ACCUMULATORS
#undef CUBIE_N_OUTPUTS
#undef CUBIE_N_PARAMETERS
#undef CUBIE_N_STATES
}

/* "ERK" -> "erk" */
static void lower_copy(char *dst, size_t size, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < size; i++) dst[i] = (char)tolower((unsigned char)src[i]);
  dst[i] = '\0';
}

/* LOOP rows, the selected family's, and the selected linear solver's
 * (LINSOLVE_<ID>; LINSOLVE_<ID>_COMPLEX only for a method with a complex
 * iteration matrix) when the method forms a Jacobian. */
static bool registered(const kernel_buffer *b, const cubie_kernel_dims *d) {
  if (strcmp(b->family, "LOOP") == 0 || strcmp(b->family, d->algorithm->family) == 0) return true;
  static const char prefix[] = "LINSOLVE_";
  if (!d->algorithm->jacobian || !d->linear_solver ||
      strncmp(b->family, prefix, sizeof prefix - 1) != 0)
    return false;
  const char *kind = b->family + sizeof prefix - 1;
  const size_t n = strlen(d->linear_solver);
  if (strncmp(kind, d->linear_solver, n) != 0) return false;
  if (kind[n] == '\0') return true;
  return strcmp(kind + n, "_COMPLEX") == 0 && d->algorithm->complex_pair;
}

static int fill(cubie_buffer_registry *reg, const cubie_kernel_dims *dims, const cubie_config *cfg) {
  long long sizes[N_KERNEL_BUFFERS];
  sizes_of(dims, sizes);
  for (int i = 0; i < N_KERNEL_BUFFERS; i++) {
    const kernel_buffer *b = &kernel_buffers[i];
    if (!registered(b, dims)) continue;
    char owner[CUBIE_BUFFER_NAME_MAX], parent[CUBIE_BUFFER_NAME_MAX], name[CUBIE_BUFFER_NAME_MAX];
    lower_copy(owner, sizeof owner, b->owner);
    lower_copy(parent, sizeof parent, b->parent);
    lower_copy(name, sizeof name, b->name);
    /* A child's buffers live inside the region its parent reserves. */
    if (!cubie_buffer_registry_has_owner(reg, owner)) {
      CUBIE_CALL(cubie_buffer_registry_add_owner(reg, owner,
                                                 strcmp(b->parent, "NONE") == 0 ? NULL : parent));
      if (strcmp(b->owner, dims->algorithm->family) == 0)
        CUBIE_CALL(cubie_buffer_registry_alias_owner(reg, STEP_OWNER_ALIAS, owner));
    }
    CUBIE_CALL(cubie_buffer_registry_register(reg, owner, name, sizes[i], CUBIE_LOCATION_LOCAL));
  }
  if (cfg) CUBIE_CALL(cubie_buffer_registry_apply_config(reg, cfg));
  return cubie_buffer_registry_place_default(reg, dims->real_size);
}

int cubie_kernel_buffers_create(const cubie_kernel_dims *dims, const cubie_config *cfg,
                                cubie_buffer_registry **out) {
  *out = NULL;
  cubie_buffer_registry *reg = NULL;
  CUBIE_CALL(cubie_buffer_registry_create(&reg));
  int rc = fill(reg, dims, cfg);
  if (rc) {
    cubie_buffer_registry_destroy(&reg);
    return rc;
  }
  *out = reg;
  return CUBIE_OK;
}

int cubie_kernel_buffers_checks(cubie_buffer_registry *reg, cubie_strbuf *out) {
  CUBIE_CALL(cubie_strbuf_append(out, "/* ---- buffer sizes the host registered (kernels/buffers.def) ---- */\n"));
  for (int i = 0; i < N_KERNEL_BUFFERS; i++) {
    const kernel_buffer *b = &kernel_buffers[i];
    char owner[CUBIE_BUFFER_NAME_MAX], name[CUBIE_BUFFER_NAME_MAX], full[2 * CUBIE_BUFFER_NAME_MAX];
    lower_copy(owner, sizeof owner, b->owner);
    lower_copy(name, sizeof name, b->name);
    snprintf(full, sizeof full, "%s.%s", owner, name);
    cubie_buffer_slot slot;
    if (!cubie_buffer_registry_has_buffer(reg, full)) continue; /* another family's */
    CUBIE_CALL(cubie_buffer_registry_slot(reg, full, &slot));
    CUBIE_CALL(cubie_strbuf_printf(out,
                                   "#if CUBIE_BUF_%s_%s_SIZE != %lld\n#error \"buffer %s: the host "
                                   "registered %lld elements but the kernels declare %s\"\n"
                                   "#endif\n",
                                   b->owner, b->name, slot.size, full, slot.size, b->kernel_size));
  }
  return CUBIE_OK;
}
