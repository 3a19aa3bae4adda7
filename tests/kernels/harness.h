/* harness.h — what the kernel tests share: a chunk of runs with its arrays,
 * filled the way the host fills cubie_chunk_args, run through
 * cubie_cpu_run_chunk in one or several time windows.
 *
 * Include after the kernel headers and the model (it needs cubie_real,
 * CUBIE_N_* and CUBIE_PERSIST_FIELDS). Arrays always hold the whole
 * trajectory; a window's call gets pointers offset to its first save point
 * and summary window, exactly as a host would hand it a slice.
 */
#ifndef CUBIE_TEST_KERNEL_HARNESS_H
#define CUBIE_TEST_KERNEL_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct harness {
  cubie_chunk_args a;
  cubie_i64 n_runs, n_saves, n_summaries;
  int run_fastest; /* layout: 1 run-fastest (GPU-like), 0 variable/time-fastest (CPU-like) */
  cubie_real *y0, *params, *saves, *summaries;
  cubie_u32 *status;
  cubie_u64 *counters;
  double *persist;
} harness;

/* A chunk of n_runs runs with n_saves save points from t_save_start every
 * save_every (the last one is t_end) and summaries every summary_every saves. */
static inline void harness_init(harness *h, cubie_i64 n_runs, cubie_i64 n_saves, double t0,
                         double t_save_start, double save_every, double t_end,
                         cubie_i64 summary_every, int run_fastest) {
  memset(h, 0, sizeof *h);
  h->n_runs = n_runs;
  h->n_saves = n_saves;
  h->run_fastest = run_fastest;
  h->n_summaries = summary_every > 0 ? (n_saves - 1) / summary_every : 0;
  const cubie_i64 n_in = CUBIE_N_STATES > CUBIE_N_PARAMETERS ? CUBIE_N_STATES : CUBIE_N_PARAMETERS;
  h->y0 = (cubie_real *)calloc((size_t)(n_runs * n_in + 1), sizeof(cubie_real));
  h->params = (cubie_real *)calloc((size_t)(n_runs * n_in + 1), sizeof(cubie_real));
  h->saves = (cubie_real *)calloc((size_t)(n_runs * n_saves * CUBIE_N_OUTPUTS + 1), sizeof(cubie_real));
  const cubie_i64 n_metrics = CUBIE_N_METRICS > 0 ? CUBIE_N_METRICS : 1;
  h->summaries = (cubie_real *)calloc(
      (size_t)(n_runs * (h->n_summaries + 1) * CUBIE_N_OUTPUTS * n_metrics + 1), sizeof(cubie_real));
  h->status = (cubie_u32 *)calloc((size_t)n_runs, sizeof(cubie_u32));
  h->counters = (cubie_u64 *)calloc((size_t)(n_runs * CUBIE_N_COUNTERS), sizeof(cubie_u64));
  h->persist = (double *)calloc((size_t)(n_runs * CUBIE_PERSIST_FIELDS), sizeof(double));

  cubie_chunk_args *a = &h->a;
  a->n_runs = n_runs;
  a->grid.n_axes = -1; /* the inputs are the per-run arrays below */
  a->initial_values = h->y0;
  a->parameters = h->params;
  const cubie_i64 nvm = CUBIE_N_OUTPUTS * n_metrics;
  if (run_fastest) {
    a->in_run_stride = 1, a->in_var_stride = n_runs;
    a->save_run_stride = 1, a->save_var_stride = n_runs, a->save_time_stride = n_runs * CUBIE_N_OUTPUTS;
    a->sum_run_stride = 1, a->sum_var_stride = n_runs, a->sum_time_stride = n_runs * nvm;
    a->counter_run_stride = 1, a->counter_slot_stride = n_runs;
    a->persist_run_stride = 1, a->persist_field_stride = n_runs;
  } else {
    a->in_run_stride = n_in, a->in_var_stride = 1;
    a->save_time_stride = CUBIE_N_OUTPUTS, a->save_var_stride = 1,
    a->save_run_stride = n_saves * CUBIE_N_OUTPUTS;
    a->sum_time_stride = nvm, a->sum_var_stride = 1, a->sum_run_stride = (h->n_summaries + 1) * nvm;
    a->counter_run_stride = CUBIE_N_COUNTERS, a->counter_slot_stride = 1;
    a->persist_run_stride = CUBIE_PERSIST_FIELDS, a->persist_field_stride = 1;
  }
  a->status = h->status;
  a->counters = h->counters;
  a->t0 = t0;
  a->t_save_start = t_save_start;
  a->save_every = save_every;
  a->t_end = t_end;
  a->n_saves = n_saves;
  a->dt0 = 0.0;
  a->dt_min = 0.0;
  a->dt_max = 0.0;
  a->atol = 1e-6;
  a->rtol = 1e-6;
  /* The defaults of kernels/controllers.def for the controller compiled in. */
  const double gains[3] = {CUBIE_CONTROLLER_DEFAULT_GAINS};
  const double limits[3] = {CUBIE_CONTROLLER_DEFAULT_LIMITS};
  for (int i = 0; i < 3; i++) a->gains[i] = gains[i];
  a->safety = limits[0];
  a->min_gain = limits[1];
  a->max_gain = limits[2];
  a->max_steps = 1000000;
  a->summary_every = summary_every;
  a->n_summaries = h->n_summaries;
}

static inline void harness_free(harness *h) {
  free(h->y0);
  free(h->params);
  free(h->saves);
  free(h->summaries);
  free(h->status);
  free(h->counters);
  free(h->persist);
}

static inline void harness_set_y0(harness *h, cubie_i64 r, int i, double v) {
  h->y0[i * h->a.in_var_stride + r * h->a.in_run_stride] = (cubie_real)v;
}
static inline void harness_set_param(harness *h, cubie_i64 r, int i, double v) {
  h->params[i * h->a.in_var_stride + r * h->a.in_run_stride] = (cubie_real)v;
}
static inline double harness_save(const harness *h, cubie_i64 r, int v, cubie_i64 j) {
  const cubie_chunk_args *a = &h->a;
  return (double)h->saves[v * a->save_var_stride + r * a->save_run_stride + j * a->save_time_stride];
}
static inline double harness_summary(const harness *h, cubie_i64 r, int v, int m, cubie_i64 s) {
  const cubie_chunk_args *a = &h->a;
  const int nm = CUBIE_N_METRICS > 0 ? CUBIE_N_METRICS : 1;
  return (double)h->summaries[(v * nm + m) * a->sum_var_stride + r * a->sum_run_stride +
                              s * a->sum_time_stride];
}
static inline cubie_u64 harness_counter(const harness *h, cubie_i64 r, int c) {
  return h->counters[c * h->a.counter_slot_stride + r * h->a.counter_run_stride];
}

/* Run every window [bounds[i], bounds[i+1]) in turn (bounds[0] = 0, the last
 * = n_saves), through `entry` (cubie_cpu_run_chunk or a renamed variant). */
typedef int (*harness_entry)(const cubie_chunk_args *, int, int);
static inline int harness_run_windows_with(harness *h, harness_entry entry, const cubie_i64 *bounds,
                                    int n_bounds, int threads, int block_size) {
  cubie_chunk_args w = h->a;
  w.persist = n_bounds > 2 ? h->persist : NULL;
  for (int i = 0; i + 1 < n_bounds; i++) {
    const cubie_i64 ws = bounds[i], we = bounds[i + 1];
    w.window_start = ws;
    w.window_end = we;
    w.saves = h->saves + ws * h->a.save_time_stride;
    /* Summary windows whose last save point (s+1)·E lies in [ws, we). */
    if (h->a.summary_every > 0) {
      const cubie_i64 E = h->a.summary_every;
      cubie_i64 s0 = (ws + E - 1) / E - 1, s1 = (we - 1) / E; /* [s0, s1) */
      if (s0 < 0) s0 = 0;
      if (s1 > h->n_summaries) s1 = h->n_summaries;
      if (s1 < s0) s1 = s0;
      w.summary_start = s0;
      w.summary_end = s1;
      w.summaries = h->summaries + s0 * h->a.sum_time_stride;
    } else {
      w.summaries = h->summaries;
    }
    const int rc = entry(&w, threads, block_size);
    if (rc != 0) return rc;
  }
  return 0;
}

static inline int harness_run_windows(harness *h, const cubie_i64 *bounds, int n_bounds) {
  return harness_run_windows_with(h, cubie_cpu_run_chunk, bounds, n_bounds, 2, 3);
}

static inline int harness_run(harness *h) {
  const cubie_i64 bounds[2] = {0, h->n_saves};
  return harness_run_windows(h, bounds, 2);
}

/* Bitwise equality of everything a run leaves (saves, summaries, status,
 * counters) between two harnesses of the same shape, whatever their layouts. */
static inline int harness_identical(const harness *x, const harness *y) {
  int same = x->n_runs == y->n_runs && x->n_saves == y->n_saves && x->n_summaries == y->n_summaries;
  for (cubie_i64 r = 0; same && r < x->n_runs; r++) {
    same = same && x->status[r] == y->status[r];
    for (int c = 0; c < CUBIE_N_COUNTERS; c++)
      same = same && harness_counter(x, r, c) == harness_counter(y, r, c);
    for (int v = 0; v < CUBIE_N_OUTPUTS; v++) {
      for (cubie_i64 j = 0; j < x->n_saves; j++) {
        const cubie_real a = (cubie_real)harness_save(x, r, v, j), b = (cubie_real)harness_save(y, r, v, j);
        same = same && memcmp(&a, &b, sizeof a) == 0;
      }
      for (int m = 0; m < CUBIE_N_METRICS; m++)
        for (cubie_i64 s = 0; s < x->n_summaries; s++) {
          const cubie_real a = (cubie_real)harness_summary(x, r, v, m, s);
          const cubie_real b = (cubie_real)harness_summary(y, r, v, m, s);
          same = same && memcmp(&a, &b, sizeof a) == 0;
        }
    }
  }
  return same;
}

#endif
