/* test_radau.c — the Radau IIA family (radau.h) against the exact solution
 * of a nonlinear, non-autonomous problem (nonauto_model.h), with its
 * Newton iteration and Jacobian/LU reuse counted.
 *
 * Built per controller (FIXED, PI, GUSTAFSSON) for radau5:
 *   the collocation polynomial (dense output and starting values)
 *     reproduces a cubic exactly (it is the cubic through 0 and the three
 *     stages), so the interpolant and the predictor are the method's;
 *   FIXED: the measured order — least-squares slope of log(max error)
 *     against log(dt) — is within ±0.2 of 5; the counters add up: three f
 *     per Newton iteration plus the f that comes with each Jacobian, two
 *     solves (real and complex) per iteration, two LUs per Jacobian (h
 *     fixed: the LUs are redone only when J is), J kept over steps whose
 *     Newton iteration converged fast, at most 7 iterations per step;
 *     a step too large for Newton (the fast oscillator) stops the run with
 *     newton_failed;
 *   adaptive: at rtol = atol = τ (1e-4, 1e-6, 1e-8) the global error is
 *     below 10τ and falls with τ; over the runs fewer Jacobians than steps
 *     and fewer LU pairs than attempts (the reuse policy works), LUs in
 *     pairs; steps
 *     held at dt_max keep J and the LUs; the step Newton fails on is
 *     retried smaller and the run succeeds.
 */
#include "tu_prologue.h"
#include "nonauto_model.h"
#define CUBIE_TEST_METRICS 0 /* no summaries: these tests check states and counters */
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_RUNS 3
#define T_END 2.0
#define SAVE_EVERY 0.1
#define N_SAVES 21

/* (κ, λ) and (a, b, c, x, y) at t = 0. */
static const double PARAMS[N_RUNS][2] = {{0.5, -2.0}, {-0.3, -10.0}, {1.0, -0.5}};
static const double Y0[N_RUNS][5] = {
    {0.5, 1.0, 0.0, 1.0, 0.0}, {0.8, 2.0, 0.2, 0.6, 0.8}, {0.3, 0.5, -0.1, 0.9, -0.3}};

static void setup(harness *h, const double (*y0)[5]) {
  harness_init(h, N_RUNS, N_SAVES, 0.0, 0.0, SAVE_EVERY, T_END, 0, 0);
  for (int r = 0; r < N_RUNS; r++) {
    for (int i = 0; i < 5; i++) harness_set_y0(h, r, i, y0[r][i]);
    for (int i = 0; i < 2; i++) harness_set_param(h, r, i, PARAMS[r][i]);
  }
}

static double max_error(const harness *h) {
  double err = 0.0;
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(h->status[r], CUBIE_RUN_SUCCESS);
    for (cubie_i64 j = 0; j < h->n_saves; j++) {
      double exact[5];
      nonauto_exact(cubie_save_time(&h->a, j), 0.0, Y0[r], PARAMS[r], exact);
      for (int i = 0; i < 5; i++) {
        const double e = fabs(harness_save(h, r, i, j) - exact[i]);
        if (!(e <= err)) err = e;
      }
    }
  }
  return err;
}

static long counter(const harness *h, int r, int c) { return (long)harness_counter(h, r, c); }

/* Z_i = u(c_i h) − u(0) for a cubic u: the dense output at every θ and the
 * predictor at the next step's nodes (from CONT, as after an accept) are
 * u itself, to round-off. */
static void polynomial_checks(void) {
  cubie_real z[3 * CUBIE_N_STATES], wt[3 * CUBIE_N_STATES], cont[3 * CUBIE_N_STATES];
  cubie_real stage[CUBIE_N_STATES], y_new[CUBIE_N_STATES];
  cubie_radau_work w;
  w.z = z;
  w.wt = wt;
  w.cont = cont;
  w.stage = stage;
  const double h = 0.3, c[3] = {CUBIE_RADAU_C1, CUBIE_RADAU_C2, 1.0};
  double worst = 0.0;
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    /* u(τ) = u0 + a τ + b τ² + d τ³, τ from the step's start. */
    const double u0 = 0.3 + n, a = 1.0 - 0.5 * n, b = 0.7 * n - 1.1, d = 2.0 - 0.3 * n;
#define CUBIC(tau) (u0 + (tau) * (a + (tau) * (b + (tau) * d)))
    for (int i = 0; i < 3; i++) z[i * CUBIE_N_STATES + n] = (cubie_real)(CUBIC(c[i] * h) - u0);
    y_new[n] = (cubie_real)CUBIC(h);
  }
  cubie_radau_state st;
  for (int k = 1; k < 10; k++) {
    const double theta = 0.1 * k;
    const cubie_real *out = cubie_radau_dense_output(&st, &w, 0.0, h, theta, NULL, y_new, NULL, NULL);
    for (int n = 0; n < CUBIE_N_STATES; n++) {
      const double u0 = 0.3 + n, a = 1.0 - 0.5 * n, b = 0.7 * n - 1.1, d = 2.0 - 0.3 * n;
      const double e = fabs(out[n] - CUBIC(theta * h));
      if (!(e <= worst)) worst = e;
    }
  }
  /* The predictor of radau5.f from CONT (cubie_radau_accept's) for a next
   * step of 0.7 h: Z_i ≈ u(h + c_i 0.7h) − u(h). */
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real a1, a2, a3;
    cubie_radau_poly(z, n, &a1, &a2, &a3);
    const double u0 = 0.3 + n, a = 1.0 - 0.5 * n, b = 0.7 * n - 1.1, d = 2.0 - 0.3 * n;
    for (int i = 0; i < 3; i++) {
      const double q = c[i] * 0.7, c2m1 = CUBIE_RADAU_C2M1, c1m1 = CUBIE_RADAU_C1M1;
      const double zi = q * (a1 + (q - c2m1) * (a2 + (q - c1m1) * a3));
      const double e = fabs(zi - (CUBIC(h + q * h) - CUBIC(h)));
      if (!(e <= worst)) worst = e;
    }
#undef CUBIC
  }
  printf("collocation polynomial: largest deviation from the cubic %.2e\n", worst);
  CHECK(worst <= 1e-13);
}

#if !CUBIE_ADAPTIVE
static void fixed_step_checks(void) {
  static const int steps_per_save[] = {2, 4, 8, 16};
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int l = 0; l < 4; l++) {
    const int m = steps_per_save[l];
    harness h;
    setup(&h, Y0);
    h.a.dt0 = SAVE_EVERY / m;
    h.a.atol = h.a.rtol = 0.0; /* Newton to CUBIE_RADAU_TOL_FLOOR */
    CHECK_INT(harness_run(&h), 0);
    const double err = max_error(&h);
    const long steps = (long)m * (N_SAVES - 1);
    long newton = 0, jac = 0;
    for (int r = 0; r < N_RUNS; r++) {
      const long nw = counter(&h, r, CUBIE_COUNTER_NEWTON), j = counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS);
      newton += nw, jac += j;
      CHECK_INT(counter(&h, r, CUBIE_COUNTER_ACCEPTED), steps);
      CHECK_INT(counter(&h, r, CUBIE_COUNTER_REJECTED), 0);
      CHECK_INT(counter(&h, r, CUBIE_COUNTER_RHS_EVALS), 3 * nw + j);
      CHECK_INT(counter(&h, r, CUBIE_COUNTER_LINEAR), 2 * nw);
      CHECK_INT(counter(&h, r, CUBIE_COUNTER_LU), 2 * j);
      CHECK(nw >= steps && nw <= CUBIE_RADAU_NEWTON_MAX * steps);
      CHECK(j >= 1 && j <= steps);
    }
    printf("dt = %-10.6g max error = %.4e; %.2f Newton iterations per step, %ld Jacobians for "
           "%ld steps\n",
           h.a.dt0, err, (double)newton / (N_RUNS * steps), jac, N_RUNS * steps);
    const double x = log(h.a.dt0), y = log(err);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
    harness_free(&h);
  }
  const double slope = (4 * sxy - sx * sy) / (4 * sxx - sx * sx);
  printf("measured order %.3f (theory %d)\n", slope, CUBIE_METHOD_ORDER);
  CHECK_NEAR(slope, (double)CUBIE_METHOD_ORDER, 0.2);
}
#endif

/* The oscillator x' = −y r², y' = x r² at r = 3 (angular speed 9): a
 * step of 0.5 turns it by 4.5 radians, too far for the Newton iteration. */
static const double FAST[N_RUNS][5] = {
    {0.5, 1.0, 0.0, 3.0, 0.0}, {0.8, 2.0, 0.2, 0.6, 0.8}, {0.3, 0.5, -0.1, 0.9, -0.3}};

static void newton_failure_checks(void) {
  harness h;
  setup(&h, FAST);
  h.a.dt0 = 0.5;
  h.a.atol = h.a.rtol = 1e-6;
  CHECK_INT(harness_run(&h), 0);
  printf("fast oscillator from dt = 0.5: status 0x%x, %ld accepted, %ld rejected, %ld Newton "
         "iterations\n",
         h.status[0], counter(&h, 0, CUBIE_COUNTER_ACCEPTED), counter(&h, 0, CUBIE_COUNTER_REJECTED),
         counter(&h, 0, CUBIE_COUNTER_NEWTON));
#if CUBIE_ADAPTIVE
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS);
  CHECK(counter(&h, 0, CUBIE_COUNTER_REJECTED) >= 1);
  double exact[5];
  nonauto_exact(T_END, 0.0, FAST[0], PARAMS[0], exact);
  CHECK(fabs(harness_save(&h, 0, 3, N_SAVES - 1) - exact[3]) <= 1e-3);
#else
  CHECK_INT(h.status[0], CUBIE_RUN_NEWTON_FAILED);
  CHECK_INT(counter(&h, 0, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK(isnan(harness_save(&h, 0, 3, N_SAVES - 1)));
#endif
  CHECK_INT(h.status[1], CUBIE_RUN_SUCCESS); /* the runs beside it never notice */
  harness_free(&h);
}

#if CUBIE_ADAPTIVE
static void tolerance_checks(void) {
  const double taus[3] = {1e-4, 1e-6, 1e-8};
  double previous = INFINITY;
  for (int i = 0; i < 3; i++) {
    harness h;
    setup(&h, Y0);
    h.a.atol = h.a.rtol = taus[i];
    CHECK_INT(harness_run(&h), 0);
    const double err = max_error(&h);
    long acc = 0, rej = 0, jac = 0, lu = 0, newton = 0;
    for (int r = 0; r < N_RUNS; r++) {
      const long a = counter(&h, r, CUBIE_COUNTER_ACCEPTED), rj = counter(&h, r, CUBIE_COUNTER_REJECTED);
      const long j = counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS), l = counter(&h, r, CUBIE_COUNTER_LU);
      const long nw = counter(&h, r, CUBIE_COUNTER_NEWTON);
      acc += a, rej += rj, jac += j, lu += l, newton += nw;
      CHECK_INT(l % 2, 0);          /* the real and the complex matrix together */
      CHECK(nw >= a + rj && nw <= CUBIE_RADAU_NEWTON_MAX * (a + rj));
      /* two solves per iteration, one or two per error estimate */
      const long lin = counter(&h, r, CUBIE_COUNTER_LINEAR);
      CHECK(lin >= 2 * nw + a && lin <= 2 * nw + 2 * (a + rj));
    }
    printf("tau = %-8.1e max error = %.3e = %.2f tau; %ld accepted, %ld rejected, %ld Jacobians, "
           "%ld LUs, %ld Newton iterations\n",
           taus[i], err, err / taus[i], acc, rej, jac, lu, newton);
    CHECK(jac < acc);          /* J kept over steps */
    CHECK(lu / 2 < acc + rej); /* LUs kept where h stays (RADAU5's QUOT1, QUOT2) */
    CHECK(err <= 10.0 * taus[i]);
    CHECK(err < previous);
    previous = err;
    harness_free(&h);
  }
}

/* Steps held at dt_max: h stays, so J and both LUs serve step after step. */
static void clamped_checks(void) {
  harness h;
  setup(&h, Y0);
  h.a.atol = h.a.rtol = 1e-4;
  h.a.dt0 = 0.01;
  h.a.dt_max = 0.01;
  CHECK_INT(harness_run(&h), 0);
  const double err = max_error(&h);
  printf("dt_max 0.01, tau 1e-4: max error %.3e\n", err);
  CHECK(err <= 1e-3);
  for (int r = 0; r < N_RUNS; r++) {
    const long a = counter(&h, r, CUBIE_COUNTER_ACCEPTED), j = counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS);
    const long l = counter(&h, r, CUBIE_COUNTER_LU);
    printf("  run %d: %ld accepted, %ld rejected, %ld Jacobians, %ld LUs\n", r, a,
           counter(&h, r, CUBIE_COUNTER_REJECTED), j, l);
    CHECK(a >= 200);
    CHECK(j < a / 2);
    CHECK_INT(l, 2 * j);
  }
  harness_free(&h);
}
#endif

int main(void) {
  polynomial_checks();
#if CUBIE_ADAPTIVE
  tolerance_checks();
  clamped_checks();
#else
  fixed_step_checks();
#endif
  newton_failure_checks();
  CHECK_DONE();
}
