/* lorenz_handloop.c — the "speed of light" of the CPU benchmark: what a
 * skilled user writes by hand for one model and one method.
 *
 * Dormand–Prince 5(4) (HNW I, Table II.5.2) with FSAL, Hairer's error norm
 * (HNW I, II.4, eq. (4.11), scale atol + rtol max(|y|, |y_new|)), Hairer's
 * starting step, and a plain PI controller with cubie's default settings
 * (src/plan/algorithm.c: gains 0.7 / -0.4 on exponent 1/5, safety 0.9, step
 * ratio in [0.2, 10], no growth right after a rejection, history floored at
 * 1e-4) so that it takes the same steps cubie's `pi` controller should take.
 * No dense output: the last step is shortened to land on t_end. The model is
 * written out by hand with sigma and beta as compile-time constants. Runs
 * are spread over OpenMP threads in blocks of 32, dynamically scheduled.
 *
 * Compiled with the flags of cubie's CPU JIT (-std=c99 -O3 -fopenmp
 * -fno-math-errno, src/backends/cpu/backend_cpu.c); see tests/bench/CMakeLists.txt.
 */
#include <math.h>
#include <omp.h>

#include "bench_common.h"

#define MAX_STEPS 1000000L

static void lorenz_rhs(double rho, const double *y, double *f) {
  f[0] = BENCH_SIGMA * (y[1] - y[0]);
  f[1] = y[0] * (rho - y[2]) - y[1];
  f[2] = y[0] * y[1] - BENCH_BETA * y[2];
}

/* Hairer's starting step (HNW I, II.4), for a method of order 5. */
static double starting_step(double rho, const double *y, const double *f0, double span,
                            double rtol, double atol) {
  double d0 = 0.0, d1 = 0.0, d2 = 0.0, y1[3], f1[3];
  for (int n = 0; n < 3; n++) {
    const double sc = atol + rtol * fabs(y[n]);
    d0 += (y[n] / sc) * (y[n] / sc);
    d1 += (f0[n] / sc) * (f0[n] / sc);
  }
  d0 = sqrt(d0 / 3.0);
  d1 = sqrt(d1 / 3.0);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  if (h0 > span) h0 = span;
  for (int n = 0; n < 3; n++) y1[n] = y[n] + h0 * f0[n];
  lorenz_rhs(rho, y1, f1);
  for (int n = 0; n < 3; n++) {
    const double df = (f1[n] - f0[n]) / (atol + rtol * fabs(y[n]));
    d2 += df * df;
  }
  d2 = sqrt(d2 / 3.0) / h0;
  const double dmax = d1 > d2 ? d1 : d2;
  const double h1 = dmax <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dmax, 1.0 / 6.0);
  return fmin(fmin(100.0 * h0, h1), span);
}

/* Integrates one run from y (overwritten with the final state). Returns 0,
 * or -1 when the run did not reach t_end. */
static int integrate(double rho, double *y, double t_end, double rtol, double atol,
                     bench_counts *c) {
  static const double a21 = 1.0 / 5.0;
  static const double a31 = 3.0 / 40.0, a32 = 9.0 / 40.0;
  static const double a41 = 44.0 / 45.0, a42 = -56.0 / 15.0, a43 = 32.0 / 9.0;
  static const double a51 = 19372.0 / 6561.0, a52 = -25360.0 / 2187.0, a53 = 64448.0 / 6561.0,
                      a54 = -212.0 / 729.0;
  static const double a61 = 9017.0 / 3168.0, a62 = -355.0 / 33.0, a63 = 46732.0 / 5247.0,
                      a64 = 49.0 / 176.0, a65 = -5103.0 / 18656.0;
  static const double b1 = 35.0 / 384.0, b3 = 500.0 / 1113.0, b4 = 125.0 / 192.0,
                      b5 = -2187.0 / 6784.0, b6 = 11.0 / 84.0;
  /* b - b_hat */
  static const double e1 = 71.0 / 57600.0, e3 = -71.0 / 16695.0, e4 = 71.0 / 1920.0,
                      e5 = -17253.0 / 339200.0, e6 = 22.0 / 525.0, e7 = -1.0 / 40.0;
  const double safety = 0.9, min_gain = 0.2, max_gain = 10.0, beta1 = 0.7, beta2 = -0.4;
  const double inv_k = 1.0 / 5.0, log_floor = log(1e-4);

  double k1[3], k2[3], k3[3], k4[3], k5[3], k6[3], k7[3], ys[3], yn[3];
  double t = 0.0;
  lorenz_rhs(rho, y, k1);
  double h = starting_step(rho, y, k1, t_end, rtol, atol);
  c->rhs += 2;
  double log_e1 = 0.0;
  int rejected_last = 0;
  long steps = 0;
  while (t < t_end) {
    if (++steps > MAX_STEPS) return -1;
    int last = 0;
    if (t + 1.01 * h >= t_end) {
      h = t_end - t;
      last = 1;
    }
    for (int n = 0; n < 3; n++) ys[n] = y[n] + h * a21 * k1[n];
    lorenz_rhs(rho, ys, k2);
    for (int n = 0; n < 3; n++) ys[n] = y[n] + h * (a31 * k1[n] + a32 * k2[n]);
    lorenz_rhs(rho, ys, k3);
    for (int n = 0; n < 3; n++) ys[n] = y[n] + h * (a41 * k1[n] + a42 * k2[n] + a43 * k3[n]);
    lorenz_rhs(rho, ys, k4);
    for (int n = 0; n < 3; n++)
      ys[n] = y[n] + h * (a51 * k1[n] + a52 * k2[n] + a53 * k3[n] + a54 * k4[n]);
    lorenz_rhs(rho, ys, k5);
    for (int n = 0; n < 3; n++)
      ys[n] = y[n] + h * (a61 * k1[n] + a62 * k2[n] + a63 * k3[n] + a64 * k4[n] + a65 * k5[n]);
    lorenz_rhs(rho, ys, k6);
    for (int n = 0; n < 3; n++)
      yn[n] = y[n] + h * (b1 * k1[n] + b3 * k3[n] + b4 * k4[n] + b5 * k5[n] + b6 * k6[n]);
    lorenz_rhs(rho, yn, k7);
    c->rhs += 6;
    double sum = 0.0;
    for (int n = 0; n < 3; n++) {
      const double err =
          h * (e1 * k1[n] + e3 * k3[n] + e4 * k4[n] + e5 * k5[n] + e6 * k6[n] + e7 * k7[n]);
      const double r = err / (atol + rtol * fmax(fabs(y[n]), fabs(yn[n])));
      sum += r * r;
    }
    const double e = sqrt(sum / 3.0);
    if (!isfinite(e)) return -1;
    const double le = log(fmax(e, 1e-10));
    double factor;
    if (e <= 1.0) {
      c->accepted++;
      t = last ? t_end : t + h;
      for (int n = 0; n < 3; n++) {
        y[n] = yn[n];
        k1[n] = k7[n];
      }
      factor = safety * exp(-(beta1 * le + beta2 * log_e1) * inv_k);
      factor = fmin(fmax(factor, min_gain), max_gain);
      if (rejected_last) factor = fmin(factor, 1.0);
      log_e1 = fmax(le, log_floor);
      rejected_last = 0;
    } else {
      c->rejected++;
      factor = fmin(fmax(safety * exp(-beta1 * le * inv_k), min_gain), 1.0);
      rejected_last = 1;
    }
    h *= factor;
  }
  return 0;
}

int main(int argc, char **argv) {
  bench_args a;
  long n_runs = 0;
  double *rho = NULL, *y = NULL;
  int status = bench_start(argc, argv, &a, &rho, &n_runs, &y);
  if (status) return status;
  long long accepted = 0, rejected = 0, rhs = 0, failed = 0;
  int threads = 1;

  const double start = omp_get_wtime();
#pragma omp parallel reduction(+ : accepted, rejected, rhs, failed)
  {
#pragma omp single
    threads = omp_get_num_threads();
#pragma omp for schedule(dynamic, 32)
    for (long r = 0; r < n_runs; r++) {
      bench_counts c = {0, 0, 0, 0};
      /* The state lives on the thread's stack; only the result is stored, so
       * threads never share a cache line while they integrate. */
      double yr[3] = {1.0, 0.0, 0.0};
      if (integrate(rho[r], yr, a.t_end, a.rtol, a.atol, &c)) failed++;
      for (int n = 0; n < BENCH_N_STATES; n++) y[r * BENCH_N_STATES + n] = yr[n];
      accepted += c.accepted;
      rejected += c.rejected;
      rhs += c.rhs;
    }
  }
  const double seconds = omp_get_wtime() - start;

  bench_counts total = {accepted, rejected, rhs, failed};
  bench_print(seconds, threads, n_runs, &total);
  int rc = bench_write_states(a.out_path, y, n_runs);
  free(y);
  free(rho);
  return rc ? 1 : 0;
}
