/* array_manager.c — the shared part of every array manager (see array_manager.h). */
#include "memory/array_manager.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"

void cubie_array_manager_init(cubie_array_manager *m, const char *name) {
  memset(m, 0, sizeof *m);
  m->name = name;
}

int cubie_array_manager_add(cubie_array_manager *m, const char *label, cubie_dtype dtype,
                            cubie_memory_kind memory, int ndim, const long long *shape,
                            int run_axis, int time_axis, bool unchunkable,
                            const long long *total_runs, cubie_managed_array **handle) {
  *handle = NULL;
  CUBIE_CHECK(m->n < CUBIE_MAX_MANAGED, CUBIE_ERR_INTERNAL, "%s: too many arrays", m->name);
  cubie_array_request r;
  CUBIE_CALL(cubie_array_request_init(&r, label, dtype, memory, ndim, shape, run_axis, time_axis,
                                      unchunkable, total_runs));
  cubie_managed_array_init(&m->arrays[m->n], &r);
  *handle = &m->arrays[m->n++];
  return CUBIE_OK;
}

int cubie_array_manager_add_results(cubie_array_manager *m, const char *what, int b,
                                    cubie_dtype dtype, long long outer, long long n_time,
                                    const cubie_array_layout *layout, cubie_mirrored_array *a) {
  long long runs = layout->total_runs;
  bool rf = layout->run_fastest;
  char label[CUBIE_LABEL_MAX];
  long long shape[3] = {outer, rf ? n_time : runs, rf ? runs : n_time};
  snprintf(label, sizeof label, "%s.%d", what, b);
  CUBIE_CALL(cubie_array_manager_add(m, label, dtype, CUBIE_MEMORY_DEVICE, 3, shape, rf ? 2 : 1,
                                     rf ? 1 : 2, false, &runs, &a->device));
  a->host = a->device;
  if (!layout->host_mirrors) return CUBIE_OK;
  long long host_shape[3] = {outer, runs, n_time};
  snprintf(label, sizeof label, "host_%s.%d", what, b);
  return cubie_array_manager_add(m, label, dtype, CUBIE_MEMORY_PINNED, 3, host_shape, 1, 2, false,
                                 &runs, &a->host);
}

int cubie_array_manager_add_file_layout(cubie_array_manager *m, const char *what,
                                        cubie_dtype dtype, long long outer, long long n_time,
                                        const cubie_array_layout *layout, cubie_managed_array **a) {
  *a = NULL;
  if (!layout->device_reorder) return CUBIE_OK;
  long long runs = layout->total_runs;
  long long shape[3] = {outer, runs, n_time};
  char label[CUBIE_LABEL_MAX];
  snprintf(label, sizeof label, "file_%s", what);
  return cubie_array_manager_add(m, label, dtype, CUBIE_MEMORY_DEVICE, 3, shape, 1, 2, false, &runs,
                                 a);
}

int cubie_array_manager_queue(const cubie_array_manager *m, cubie_memory_manager *mm) {
  for (int i = 0; i < m->n; i++) CUBIE_CALL(cubie_memory_manager_queue(mm, &m->arrays[i].request));
  return CUBIE_OK;
}

void cubie_array_manager_apply(cubie_array_manager *m, const cubie_array_response *resp) {
  for (int i = 0; i < m->n; i++) cubie_managed_array_apply(&m->arrays[i], resp);
}

cubie_dtype cubie_plan_real_dtype(const cubie_plan *p) {
  return p->precision == CUBIE_FLOAT32 ? CUBIE_DTYPE_FLOAT32 : CUBIE_DTYPE_FLOAT64;
}
