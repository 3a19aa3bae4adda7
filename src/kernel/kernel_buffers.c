/* kernel_buffers.c — the kernels' scratch buffers (see kernel_buffers.h). */
#include "kernel/kernel_buffers.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"

typedef enum dim_kind { DIM_STATES, DIM_PARAMETERS, DIM_OUTPUTS, DIM_ACCUMULATORS, DIM_STAGES } dim_kind;

/* Keep in step with the list in kernels/buffers.h. */
static const struct {
  const char *owner, *name;
  dim_kind size;
  const char *kernel_size; /* the same size as the kernels compute it */
} kernel_buffers[] = {
    {"loop", "state", DIM_STATES, "CUBIE_N_STATES"},
    {"loop", "proposal", DIM_STATES, "CUBIE_N_STATES"},
    {"loop", "error", DIM_STATES, "CUBIE_N_STATES"},
    {"loop", "parameters", DIM_PARAMETERS, "CUBIE_N_PARAMETERS"},
    {"loop", "outputs", DIM_OUTPUTS, "CUBIE_N_OUTPUTS"},
    {"loop", "accumulators", DIM_ACCUMULATORS, "(CUBIE_N_OUTPUTS * CUBIE_N_METRICS)"},
    {"step", "stages", DIM_STAGES, "(CUBIE_RK_STAGES * CUBIE_N_STATES)"},
    {"step", "stage_state", DIM_STATES, "CUBIE_N_STATES"},
};
#define N_KERNEL_BUFFERS ((int)(sizeof kernel_buffers / sizeof kernel_buffers[0]))

static long long size_of(const cubie_kernel_dims *d, dim_kind kind) {
  switch (kind) {
    case DIM_STATES: return d->n_states;
    case DIM_PARAMETERS: return d->n_parameters;
    case DIM_OUTPUTS: return d->n_outputs;
    case DIM_ACCUMULATORS: return (long long)d->n_outputs * d->n_metrics;
    case DIM_STAGES: return (long long)d->stages * d->n_states;
  }
  return 0;
}

static int fill(cubie_buffer_registry *reg, const cubie_kernel_dims *dims, const cubie_config *cfg) {
  /* The step's buffers live inside the region the loop reserves for it. */
  CUBIE_CALL(cubie_buffer_registry_add_owner(reg, "loop", NULL));
  CUBIE_CALL(cubie_buffer_registry_add_owner(reg, "step", "loop"));
  for (int i = 0; i < N_KERNEL_BUFFERS; i++)
    CUBIE_CALL(cubie_buffer_registry_register(reg, kernel_buffers[i].owner, kernel_buffers[i].name,
                                              size_of(dims, kernel_buffers[i].size),
                                              CUBIE_LOCATION_LOCAL));
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
  CUBIE_CALL(cubie_strbuf_append(out, "/* ---- buffer sizes the host registered (src/kernel/kernel_buffers.c) ---- */\n"));
  for (int i = 0; i < N_KERNEL_BUFFERS; i++) {
    char full[2 * CUBIE_BUFFER_NAME_MAX];
    snprintf(full, sizeof full, "%s.%s", kernel_buffers[i].owner, kernel_buffers[i].name);
    cubie_buffer_slot slot;
    CUBIE_CALL(cubie_buffer_registry_slot(reg, full, &slot));
    CUBIE_CALL(cubie_strbuf_printf(out,
                                   "#if %s != %lld\n#error \"buffer %s: the host registered %lld "
                                   "elements but the kernels declare %s (update src/kernel/kernel_buffers.c)\"\n"
                                   "#endif\n",
                                   kernel_buffers[i].kernel_size, slot.size, full, slot.size,
                                   kernel_buffers[i].kernel_size));
  }
  return CUBIE_OK;
}
