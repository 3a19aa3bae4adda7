/* pattern.h — the file the output tests write: a fixed spec and values that
 * are a formula of (variable, run, time index), so every reader (the C
 * readers here and check_output.py) can recompute what must be in the file.
 * Keep the formulas and names in step with check_output.py.
 *
 * Every value is a multiple of 1/4 below 2^13, so it is exact in float32 and
 * float64 alike and readers compare with ==.
 */
#ifndef CUBIE_TEST_OUTPUT_PATTERN_H
#define CUBIE_TEST_OUTPUT_PATTERN_H

#include <stdlib.h>

#include "output/output.h"
#include "kernels/status.h"

static const cubie_output_variable pattern_outputs[] = {
    {"x", "m", "position"},
    {"y", NULL, NULL}, /* written as units "1", long_name "y" */
};
static const char *const pattern_metrics[] = {"mean", "max", "rms"};
static const cubie_output_variable pattern_inputs[] = {
    {"rho", "1", "Rayleigh number"},
    {"x_initial", "m", "initial position"},
};
static const cubie_output_variable pattern_fixed[] = {
    {"sigma", "1", "Prandtl number"},
    {"beta", NULL, NULL},
};
static const double pattern_fixed_values[] = {10.0, 2.75};
static const cubie_output_attribute pattern_attributes[] = {
    {"title", "pattern test"},
    {"cubie_version", "0.1.0"},
    {"deck", "model:\n  name: pattern\n"},
};

#define PATTERN_N_OUTPUTS 2
#define PATTERN_N_METRICS 3
#define PATTERN_N_INPUTS 2

/* The spec every output test starts from; callers adjust fields. */
static inline cubie_output_spec pattern_spec(const char *path, long long total_runs,
                                             long long n_saves, long long n_summaries,
                                             long long summary_every) {
  cubie_output_spec s = {0};
  s.path = path;
  s.overwrite = true;
  s.collective = true;
  s.precision = CUBIE_FLOAT64;
  s.compression = 0;
  s.total_runs = total_runs;
  s.run_block = 4;
  s.n_saves = n_saves;
  s.t_save_start = 0.5;
  s.save_every = 0.25;
  s.time_units = "s";
  s.n_outputs = PATTERN_N_OUTPUTS;
  s.outputs = pattern_outputs;
  s.n_metrics = PATTERN_N_METRICS;
  s.metric_names = pattern_metrics;
  s.n_summaries = n_summaries;
  s.summary_every = summary_every;
  s.n_inputs = PATTERN_N_INPUTS;
  s.inputs = pattern_inputs;
  s.n_fixed = 2;
  s.fixed = pattern_fixed;
  s.fixed_values = pattern_fixed_values;
  s.n_attributes = 3;
  s.attributes = pattern_attributes;
  return s;
}

static inline double pattern_save(int v, long long run, long long k) {
  return 1000.0 * v + (double)run + 0.25 * (double)k;
}
/* j = v * n_metrics + m */
static inline double pattern_summary(int j, long long run, long long s) {
  return -(1000.0 * j + (double)run + 0.5 * (double)s);
}
static inline unsigned int pattern_status(long long run) {
  switch (run % 3) {
    case 0: return CUBIE_RUN_SUCCESS;
    case 1: return CUBIE_RUN_SUCCESS | CUBIE_RUN_DT_MIN_CLAMPED;
    default: return CUBIE_RUN_MAX_STEPS;
  }
}
/* Past 2^32 from the second counter on: the file must hold them whole. */
static inline unsigned long long pattern_counter(int c, long long run) {
  return 5000000000ull * (unsigned long long)c + (unsigned long long)run + 1ull;
}
static inline double pattern_input(int i, long long run) {
  return 0.5 * (double)run + 10.0 * i + 1.0;
}

static inline void pattern_store(void *buf, long long at, cubie_precision precision,
                                 double value) {
  if (precision == CUBIE_FLOAT32)
    ((float *)buf)[at] = (float)value;
  else
    ((double *)buf)[at] = value;
}

/* [n_outputs][n_runs][k1 - k0] in the spec's precision (caller frees). */
static inline void *pattern_saves(const cubie_output_spec *s, long long r0, long long n,
                                  long long k0, long long k1) {
  size_t el = s->precision == CUBIE_FLOAT32 ? sizeof(float) : sizeof(double);
  long long nk = k1 - k0;
  void *buf = malloc(el * (size_t)(s->n_outputs * n * nk) + 1);
  for (int v = 0; v < s->n_outputs; v++)
    for (long long r = 0; r < n; r++)
      for (long long k = 0; k < nk; k++)
        pattern_store(buf, (v * n + r) * nk + k, s->precision, pattern_save(v, r0 + r, k0 + k));
  return buf;
}

/* [n_outputs * n_metrics][n_runs][s1 - s0] (caller frees). */
static inline void *pattern_summaries(const cubie_output_spec *s, long long r0, long long n,
                                      long long s0, long long s1) {
  size_t el = s->precision == CUBIE_FLOAT32 ? sizeof(float) : sizeof(double);
  long long ns = s1 - s0, nj = (long long)s->n_outputs * s->n_metrics;
  void *buf = malloc(el * (size_t)(nj * n * ns) + 1);
  for (long long j = 0; j < nj; j++)
    for (long long r = 0; r < n; r++)
      for (long long w = 0; w < ns; w++)
        pattern_store(buf, (j * n + r) * ns + w, s->precision,
                      pattern_summary((int)j, r0 + r, s0 + w));
  return buf;
}

/* Per-run records of runs [r0, r0 + n) written with cubie_output_write_runs. */
static inline int pattern_write_runs(cubie_output *o, const cubie_output_spec *s, long long r0,
                                     long long n) {
  unsigned int *status = malloc(sizeof *status * (size_t)n + 1);
  unsigned long long *counters = malloc(sizeof *counters * (size_t)(CUBIE_N_COUNTERS * n) + 1);
  double *inputs = malloc(sizeof *inputs * (size_t)(s->n_inputs * n) + 1);
  for (long long r = 0; r < n; r++) {
    status[r] = pattern_status(r0 + r);
    for (int c = 0; c < CUBIE_N_COUNTERS; c++) counters[c * n + r] = pattern_counter(c, r0 + r);
    for (int i = 0; i < s->n_inputs; i++) inputs[i * n + r] = pattern_input(i, r0 + r);
  }
  int rc = cubie_output_write_runs(o, r0, n, status, counters, inputs);
  free(status);
  free(counters);
  free(inputs);
  return rc;
}

/* Saves in windows [0, k_split) and [k_split, n_saves), all summaries, and
 * the per-run records of runs [r0, r0 + n): 4 write calls, whatever n is. */
static inline int pattern_write_block(cubie_output *o, const cubie_output_spec *s, long long r0,
                                      long long n, long long k_split) {
  void *a = pattern_saves(s, r0, n, 0, k_split);
  void *b = pattern_saves(s, r0, n, k_split, s->n_saves);
  long long ns = (s->n_metrics > 0) ? s->n_summaries : 0;
  void *c = pattern_summaries(s, r0, n, 0, ns);
  /* Every call is made even after a failure: in collective mode the other
   * ranks are waiting in them. */
  int rc[4];
  rc[0] = cubie_output_write_saves(o, r0, n, 0, k_split, a);
  rc[1] = cubie_output_write_saves(o, r0, n, k_split, s->n_saves, b);
  rc[2] = cubie_output_write_summaries(o, r0, n, 0, ns, c);
  rc[3] = pattern_write_runs(o, s, r0, n);
  free(a);
  free(b);
  free(c);
  for (int i = 0; i < 4; i++)
    if (rc[i]) return rc[i];
  return 0;
}

#endif
