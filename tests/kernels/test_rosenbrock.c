/* test_rosenbrock.c — the Rosenbrock family against the exact solution of
 * a nonlinear, non-autonomous problem (nonauto_model.h), and its
 * Jacobian/LU reuse counted.
 *
 * Built per (method, controller) variant:
 *   FIXED: the measured order — least-squares slope of log(max error)
 *     against log(dt) — is within ±0.2 of the method's order (so the
 *     Jacobian and ∂f/∂t terms are right: without them the order drops);
 *     the counters are exactly what the reuse policy gives: a Jacobian and
 *     an LU per step (Rosenbrock methods proper), or one per
 *     CUBIE_ROS_JACOBIAN_MAX_AGE steps with the LU reused while h stays
 *     (W-methods); one solve per stage.
 *   adaptive: at rtol = atol = τ (1e-4, 1e-6, 1e-8) the global error is
 *     below MULTIPLE·τ and falls with τ; Jacobians are taken once per
 *     accepted step (Rosenbrock proper) or fewer (W-methods), LUs once per
 *     attempt or fewer; methods with dense output: one step from the exact
 *     state, the interpolant's error at θ = 0.37 converges with order
 *     dense_order + 1 (−0.2, +0.4: see DENSE_STEPS).
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

static void setup(harness *h, cubie_i64 n_saves, double save_every, double t_end) {
  harness_init(h, N_RUNS, n_saves, 0.0, 0.0, save_every, t_end, 0, 0);
  for (int r = 0; r < N_RUNS; r++) {
    for (int i = 0; i < 5; i++) harness_set_y0(h, r, i, Y0[r][i]);
    for (int i = 0; i < 2; i++) harness_set_param(h, r, i, PARAMS[r][i]);
  }
}

/* Largest error over runs, components and save points. */
static double max_error(const harness *h) {
  double err = 0.0;
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(h->status[r], CUBIE_RUN_SUCCESS);
    for (cubie_i64 j = 0; j < h->n_saves; j++) {
      double exact[5];
      const double t = cubie_save_time(&h->a, j);
      nonauto_exact(t, 0.0, Y0[r], PARAMS[r], exact);
      for (int i = 0; i < 5; i++) {
        const double e = fabs(harness_save(h, r, i, j) - exact[i]);
        if (!(e <= err)) err = e;
      }
    }
  }
  return err;
}

#if !CUBIE_ADAPTIVE || CUBIE_STEP_DENSE
static double slope_of(const double *x, const double *y, int n) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++) sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i];
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
#endif

#if !CUBIE_ADAPTIVE
/* Steps per save interval: errors between ~1e-2 and ~1e-11 (measured). */
#if defined(CUBIE_ALGORITHM_ROS23)
#define STEPS_PER_SAVE {8, 16, 32, 64, 128}
#elif defined(CUBIE_ALGORITHM_ROS3P)
#define STEPS_PER_SAVE {4, 8, 16, 32, 64}
#else
#define STEPS_PER_SAVE {2, 4, 8, 16}
#endif

static void fixed_step_checks(void) {
  static const int steps_per_save[] = STEPS_PER_SAVE;
  const int levels = (int)(sizeof steps_per_save / sizeof steps_per_save[0]);
  double x[8], y[8];
  for (int l = 0; l < levels; l++) {
    const int m = steps_per_save[l];
    harness h;
    setup(&h, N_SAVES, SAVE_EVERY, T_END);
    h.a.dt0 = SAVE_EVERY / m;
    CHECK_INT(harness_run(&h), 0);
    const double err = max_error(&h);
    printf("dt = %-10.6g max error = %.4e\n", h.a.dt0, err);
    x[l] = log(h.a.dt0);
    y[l] = log(err);
    const long steps = (long)m * (N_SAVES - 1);
    for (int r = 0; r < N_RUNS; r++) {
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED), steps);
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_REJECTED), 0);
      /* f(t, y) (with the Jacobian or alone) and one f per later stage. */
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_RHS_EVALS), CUBIE_ROS_SOLUTION_STAGES * steps);
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_LINEAR), CUBIE_ROS_SOLUTION_STAGES * steps);
#if CUBIE_ROS_W_METHOD
      /* A Jacobian serves CUBIE_ROS_JACOBIAN_MAX_AGE steps; h never changes
       * (dt divides save_every), so each Jacobian needs one LU. */
      const long jacobians = (steps + CUBIE_ROS_JACOBIAN_MAX_AGE - 1) / CUBIE_ROS_JACOBIAN_MAX_AGE;
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS), jacobians);
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_LU), jacobians);
#else
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS), steps);
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_LU), steps);
#endif
    }
    harness_free(&h);
  }
  const double slope = slope_of(x, y, levels);
  printf("measured order %.3f (theory %d)\n", slope, CUBIE_METHOD_ORDER);
  CHECK_NEAR(slope, (double)CUBIE_METHOD_ORDER, 0.2);
}
#endif

#if CUBIE_ADAPTIVE
/* The global error allowed at tolerance τ (measured with PI):
 * rodas4 and rodas5p stay near τ (measured <= 2.3τ). ros23 propagates its
 * 2nd-order solution (as ode23s): each step's error is ~τ and there are
 * ~τ^(-1/3) steps, so the error grows like τ^(2/3) (measured <= 1.02
 * τ^(2/3)). ros3p's embedded estimate does not see the error of linear
 * autonomous components (docs/algorithms.md), which b and c partly are
 * (measured 4τ .. 16.5τ). */
#if defined(CUBIE_ALGORITHM_ROS23)
#define ALLOWED(tau) (5.0 * pow(tau, 2.0 / 3.0))
#elif defined(CUBIE_ALGORITHM_ROS3P)
#define ALLOWED(tau) (50.0 * (tau))
#else
#define ALLOWED(tau) (10.0 * (tau))
#endif

static void tolerance_checks(void) {
  const double taus[3] = {1e-4, 1e-6, 1e-8};
  double previous = INFINITY;
  for (int i = 0; i < 3; i++) {
    harness h;
    setup(&h, N_SAVES, SAVE_EVERY, T_END);
    h.a.atol = h.a.rtol = taus[i];
    CHECK_INT(harness_run(&h), 0);
    const double err = max_error(&h);
    long acc = 0, rej = 0, jac = 0, lu = 0, lin = 0;
    for (int r = 0; r < N_RUNS; r++) {
      const long a = (long)harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED);
      const long rj = (long)harness_counter(&h, r, CUBIE_COUNTER_REJECTED);
      const long j = (long)harness_counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS);
      const long l = (long)harness_counter(&h, r, CUBIE_COUNTER_LU);
      acc += a, rej += rj, jac += j, lu += l;
      lin += (long)harness_counter(&h, r, CUBIE_COUNTER_LINEAR);
      /* Every attempt solves every stage (no factorisation failed here). */
      CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_LINEAR), CUBIE_METHOD_STAGES * (a + rj));
#if CUBIE_ROS_W_METHOD
      CHECK(j <= a);      /* kept only while h stays (rare here: see clamped_checks) */
      CHECK(l <= a + rj); /* at most one per attempt */
#else
      CHECK_INT(j, a);      /* one per step: every accepted step began at a new point */
      CHECK_INT(l, a + rj); /* a fresh J each step, a new h each attempt */
#endif
    }
    printf("tau = %-8.1e max error = %.3e = %.2f tau; %ld accepted, %ld rejected, %ld Jacobians, "
           "%ld LUs, %ld solves\n",
           taus[i], err, err / taus[i], acc, rej, jac, lu, lin);
    CHECK(err <= ALLOWED(taus[i]));
    CHECK(err < previous);
    previous = err;
    harness_free(&h);
  }
}

/* Steps held at dt_max (the controller would take larger ones): W-methods
 * keep J and its LU over up to CUBIE_ROS_JACOBIAN_MAX_AGE such steps,
 * the others take both every step; the error stays within tolerance. */
static void clamped_checks(void) {
  harness h;
  setup(&h, N_SAVES, SAVE_EVERY, T_END);
  h.a.atol = h.a.rtol = 1e-4;
  h.a.dt0 = 0.01;
  h.a.dt_max = 0.01;
  CHECK_INT(harness_run(&h), 0);
  const double err = max_error(&h);
  printf("dt_max 0.01, tau 1e-4: max error %.3e\n", err);
  CHECK(err <= ALLOWED(1e-4));
  for (int r = 0; r < N_RUNS; r++) {
    const long a = (long)harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED);
    const long j = (long)harness_counter(&h, r, CUBIE_COUNTER_JACOBIAN_EVALS);
    const long l = (long)harness_counter(&h, r, CUBIE_COUNTER_LU);
    printf("  run %d: %ld accepted, %ld rejected, %ld Jacobians, %ld LUs\n", r, a,
           (long)harness_counter(&h, r, CUBIE_COUNTER_REJECTED), j, l);
    CHECK(a >= 200); /* every step held at dt_max */
#if CUBIE_ROS_W_METHOD
    CHECK(j <= a / CUBIE_ROS_JACOBIAN_MAX_AGE + 2);
    CHECK_INT(l, j);
#else
    CHECK_INT(j, a);
#endif
  }
  harness_free(&h);
}

#if CUBIE_STEP_DENSE
/* One step of size H from the exact state at t = 0.3; the save point at
 * 0.37·H comes from the interpolant. Huge tolerances accept the step. */
static double dense_error(double H) {
  harness h;
  const double t0 = 0.3, theta = 0.37;
  harness_init(&h, N_RUNS, 3, t0, t0, theta * H, t0 + H, 0, 0);
  double start[N_RUNS][5];
  for (int r = 0; r < N_RUNS; r++) {
    nonauto_exact(t0, 0.0, Y0[r], PARAMS[r], start[r]);
    for (int i = 0; i < 5; i++) {
      harness_set_y0(&h, r, i, start[r][i]);
      start[r][i] = (double)(cubie_real)start[r][i];
    }
    for (int i = 0; i < 2; i++) harness_set_param(&h, r, i, PARAMS[r][i]);
  }
  h.a.dt0 = H;
  h.a.dt_max = H;
  h.a.atol = h.a.rtol = 1e3;
  CHECK_INT(harness_run(&h), 0);
  double err = 0.0;
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(h.status[r], CUBIE_RUN_SUCCESS);
    CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED), 1);
    double exact[5];
    nonauto_exact(t0 + theta * H, t0, start[r], PARAMS[r], exact);
    for (int i = 0; i < 5; i++) {
      const double e = fabs(harness_save(&h, r, i, 1) - exact[i]);
      if (!(e <= err)) err = e;
    }
  }
  harness_free(&h);
  return err;
}

/* Step sizes: errors between ~1e-7 and ~1e-13, above round-off. The local
 * error of an interpolant of order q is C h^(q+1) + D h^(q+2) + ...; on
 * this problem D h is not yet small against C for RODAS4 (its order-4
 * residuals are 1e-4 .. 2e-2 at θ = 0.37, the order-5 ones as large), so
 * the slope may exceed q + 1 (measured 4.31); below q + 1 − 0.2 it fails. */
#if defined(CUBIE_ALGORITHM_RODAS5P)
#define DENSE_STEPS {0.05, 0.025, 0.0125, 0.00625}
#else
#define DENSE_STEPS {0.02, 0.01, 0.005, 0.0025}
#endif

static void dense_output_checks(void) {
  const double Hs[4] = DENSE_STEPS;
  double x[4], y[4];
  for (int i = 0; i < 4; i++) {
    const double e = dense_error(Hs[i]);
    printf("dense output, one step H = %-6g error at 0.37 H = %.4e\n", Hs[i], e);
    x[i] = log(Hs[i]);
    y[i] = log(e);
  }
  const double slope = slope_of(x, y, 4);
  printf("dense output: local order %.3f (theory %d + 1)\n", slope, CUBIE_METHOD_DENSE_ORDER);
  CHECK(slope >= CUBIE_METHOD_DENSE_ORDER + 1 - 0.2 && slope <= CUBIE_METHOD_DENSE_ORDER + 1 + 0.4);
}
#endif
#endif

int main(void) {
#if CUBIE_ADAPTIVE
  tolerance_checks();
  clamped_checks();
#if CUBIE_STEP_DENSE
  dense_output_checks();
#endif
#else
  fixed_step_checks();
#endif
  CHECK_DONE();
}
