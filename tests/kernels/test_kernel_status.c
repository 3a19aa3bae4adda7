/* test_kernel_status.c — how runs end: status bits, counters, NaN fill, and
 * failing runs never touching healthy ones.
 *
 * Five runs of y' = a y² - b (y - cos t) on [0, 2], saves every 0.1,
 * summaries every 4 saves:
 *   0  healthy (a = 0, b = 1), exact solution (cos t + sin t - e^-t) / 2
 *   1  y' = y², y(0) = 1: blows up at t = 1
 *   2  stiff, b = 1e5: explicit stability needs h < ~3e-5 < dt_min
 *   3  y(0) so large that y² overflows: non-finite from the first stage
 *   4  healthy with a mild y² term
 * Adaptive variants run with dt_min = 1e-4: runs 1 and 2 end with
 * STEP_TOO_SMALL (and DT_MIN_CLAMPED), run 3 with NONFINITE. Fixed-step
 * (rk4, dt = 0.01): runs 1, 2 and 3 end with NONFINITE. Then max_steps,
 * an informational dt_min clamp on a run that succeeds, and a fixed step of
 * 0 (STEP_TOO_SMALL).
 */
#include "tu_prologue.h"
#include "trouble_model.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_RUNS 5
#define N_SAVES 21
#define SAVE_EVERY 0.1
#define SUMMARY_EVERY 4

#if defined(CUBIE_PRECISION_FLOAT32)
#define HUGE_Y0 1e30 /* y² = 1e60 overflows float */
#else
#define HUGE_Y0 1e200 /* y² = 1e400 overflows double */
#endif

static const double PARAMS[N_RUNS][2] = {{0.0, 1.0}, {1.0, 0.0}, {0.0, 1e5}, {1.0, 0.0}, {0.1, 2.0}};
static const double Y0[N_RUNS] = {0.0, 1.0, 0.0, HUGE_Y0, 0.5};

static void setup(harness *h, const int *runs, int n_runs) {
  harness_init(h, n_runs, N_SAVES, 0.0, 0.0, SAVE_EVERY, 2.0, SUMMARY_EVERY, 0);
  for (int i = 0; i < n_runs; i++) {
    harness_set_param(h, i, 0, PARAMS[runs[i]][0]);
    harness_set_param(h, i, 1, PARAMS[runs[i]][1]);
    harness_set_y0(h, i, 0, Y0[runs[i]]);
  }
#if CUBIE_ADAPTIVE
  h->a.dt_min = 1e-4;
#else
  h->a.dt0 = 0.01;
#endif
}

static double exact_healthy(double t) { return 0.5 * (cos(t) + sin(t) - exp(-t)); }

/* Saves before index `first_nan` are finite, from it on NaN; likewise the
 * summary windows (a window is NaN when its last save is). */
static void check_nan_fill(const harness *h, int r, int first_nan) {
  for (int j = 0; j < N_SAVES; j++) {
    const double v = harness_save(h, r, 0, j);
    if (j < first_nan)
      CHECK(isfinite(v));
    else
      CHECK(isnan(v));
  }
  for (int s = 0; s < h->n_summaries; s++)
    for (int m = 0; m < CUBIE_N_METRICS; m++) {
      const double v = harness_summary(h, r, 0, m, s);
      if ((s + 1) * SUMMARY_EVERY < first_nan)
        CHECK(isfinite(v));
      else
        CHECK(isnan(v));
    }
}

static int first_nan_save(const harness *h, int r) {
  for (int j = 0; j < N_SAVES; j++)
    if (isnan(harness_save(h, r, 0, j))) return j;
  return N_SAVES;
}

static void check_mixed_chunk(void) {
  const int all[N_RUNS] = {0, 1, 2, 3, 4};
  harness h;
  setup(&h, all, N_RUNS);
  CHECK_INT(harness_run(&h), 0);
  for (int r = 0; r < N_RUNS; r++)
    printf("run %d: status %#x, accepted %llu, rejected %llu, evaluations %llu, first NaN save %d\n", r,
           h.status[r], harness_counter(&h, r, 0), harness_counter(&h, r, 1),
           harness_counter(&h, r, 2), first_nan_save(&h, r));

  /* Healthy runs succeed and are accurate (rtol = atol = 1e-6). */
  CHECK(h.status[0] & CUBIE_RUN_SUCCESS);
  CHECK(h.status[4] == CUBIE_RUN_SUCCESS);
  CHECK(!(h.status[0] & CUBIE_RUN_FAILURE_MASK));
  for (int j = 0; j < N_SAVES; j++)
    CHECK_NEAR(harness_save(&h, 0, 0, j), exact_healthy(SAVE_EVERY * j),
               CUBIE_ADAPTIVE ? 2e-5 : 1e-7);

#if CUBIE_ADAPTIVE
  /* Run 1 follows 1/(1 - t) until the steps hit dt_min near t = 1. */
  CHECK_INT(h.status[1], CUBIE_RUN_STEP_TOO_SMALL | CUBIE_RUN_DT_MIN_CLAMPED);
  CHECK_INT(first_nan_save(&h, 1), 10);
  for (int j = 0; j < 10; j++)
    CHECK_NEAR(harness_save(&h, 1, 0, j) * (1.0 - SAVE_EVERY * j), 1.0, 1e-4);
  CHECK_INT(h.status[2], CUBIE_RUN_STEP_TOO_SMALL | CUBIE_RUN_DT_MIN_CLAMPED);
  CHECK_INT(harness_counter(&h, 2, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK(harness_counter(&h, 2, CUBIE_COUNTER_REJECTED) >= 1);
  /* Run 3: every attempt is non-finite, rejected down to dt_min. */
  CHECK_INT(h.status[3] & CUBIE_RUN_FAILURE_MASK, CUBIE_RUN_NONFINITE);
  CHECK_INT(harness_counter(&h, 3, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK(harness_counter(&h, 3, CUBIE_COUNTER_REJECTED) >= 2);
  check_nan_fill(&h, 1, 10);
  check_nan_fill(&h, 2, 1);
#else
  /* Fixed step: the state overflows and the run stops at once. */
  CHECK_INT(h.status[1], CUBIE_RUN_NONFINITE);
  const int f1 = first_nan_save(&h, 1);
  CHECK(f1 >= 10 && f1 <= 12); /* the discrete solution passes t = 1 before overflowing */
  for (int j = 0; j < 10; j++)
    CHECK_NEAR(harness_save(&h, 1, 0, j) * (1.0 - SAVE_EVERY * j), 1.0, 1e-4);
  check_nan_fill(&h, 1, f1);
  /* Run 2 grows by |R(-1000)| ~ 4e10 per step: overflow within ~30 steps. */
  CHECK_INT(h.status[2], CUBIE_RUN_NONFINITE);
  const int f2 = first_nan_save(&h, 2);
  CHECK(f2 >= 1 && f2 <= 5);
  check_nan_fill(&h, 2, f2);
  CHECK_INT(h.status[3], CUBIE_RUN_NONFINITE);
  CHECK_INT(harness_counter(&h, 3, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK_INT(harness_counter(&h, 3, CUBIE_COUNTER_RHS_EVALS), CUBIE_METHOD_STAGES - CUBIE_METHOD_FSAL + CUBIE_ERK_FSAL_IN_ATTEMPT);
#endif
  /* A run that fails at the first step keeps save 0 (the initial state) and
   * its counters; everything after is NaN. */
  check_nan_fill(&h, 3, 1);
  for (int r = 1; r < 4; r++) CHECK(harness_counter(&h, r, CUBIE_COUNTER_RHS_EVALS) > 0);

  /* The healthy runs alone give bitwise the same results. */
  const int healthy[2] = {0, 4};
  harness alone;
  setup(&alone, healthy, 2);
  CHECK_INT(harness_run(&alone), 0);
  for (int i = 0; i < 2; i++) {
    const int r = healthy[i];
    CHECK(alone.status[i] == h.status[r]);
    for (int c = 0; c < CUBIE_N_COUNTERS; c++)
      CHECK(harness_counter(&alone, i, c) == harness_counter(&h, r, c));
    for (int j = 0; j < N_SAVES; j++) CHECK(harness_save(&alone, i, 0, j) == harness_save(&h, r, 0, j));
    for (int s = 0; s < h.n_summaries; s++)
      for (int m = 0; m < CUBIE_N_METRICS; m++)
        CHECK(harness_summary(&alone, i, 0, m, s) == harness_summary(&h, r, 0, m, s));
  }
  harness_free(&alone);

  /* Failures, NaN fill and counters are the same in time windows, also in
   * windows after the one a run failed in. */
  harness windows;
  setup(&windows, all, N_RUNS);
  const cubie_i64 bounds[] = {0, 1, 3, 9, 10, 11, 16, N_SAVES};
  CHECK_INT(harness_run_windows(&windows, bounds, (int)(sizeof bounds / sizeof bounds[0])), 0);
  CHECK(harness_identical(&h, &windows));
  harness_free(&windows);
  harness_free(&h);
}

/* max_steps: accepted + rejected reaches it, the run stops there. */
static void check_max_steps(void) {
  const int healthy[2] = {0, 4};
  harness h;
  setup(&h, healthy, 2);
  h.a.max_steps = 7;
  CHECK_INT(harness_run(&h), 0);
  for (int r = 0; r < 2; r++) {
    CHECK_INT(h.status[r] & ~CUBIE_RUN_DT_MIN_CLAMPED, CUBIE_RUN_MAX_STEPS);
    CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED) +
                  harness_counter(&h, r, CUBIE_COUNTER_REJECTED),
              7);
    const int f = first_nan_save(&h, r);
    CHECK(f >= 1 && f < N_SAVES);
    check_nan_fill(&h, r, f);
  }
  harness_free(&h);
}

#if CUBIE_ADAPTIVE
/* A step the controller wants below dt_min is raised to it and flagged; the
 * run still succeeds when steps of dt_min are accurate enough. dt_max caps
 * steps. */
static void check_dt_min_clamp(void) {
  const int healthy[1] = {0};
  harness h;
  setup(&h, healthy, 1);
  h.a.dt0 = 1e-6;
  h.a.dt_min = 0.02;
  CHECK_INT(harness_run(&h), 0);
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS | CUBIE_RUN_DT_MIN_CLAMPED);
  CHECK_NEAR(harness_save(&h, 0, 0, N_SAVES - 1), exact_healthy(2.0), 2e-5);
  /* Without dt_min the same run is never clamped. */
  harness free_run;
  setup(&free_run, healthy, 1);
  free_run.a.dt0 = 1e-6;
  free_run.a.dt_min = 0.0;
  CHECK_INT(harness_run(&free_run), 0);
  CHECK_INT(free_run.status[0], CUBIE_RUN_SUCCESS);
  CHECK(harness_counter(&free_run, 0, CUBIE_COUNTER_ACCEPTED) >
        harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED));
  /* dt_max caps every step: at least 2 / 0.05 steps, and more than free. */
  harness capped;
  setup(&capped, healthy, 1);
  capped.a.dt_max = 0.05;
  CHECK_INT(harness_run(&capped), 0);
  CHECK(capped.status[0] & CUBIE_RUN_SUCCESS);
  CHECK(harness_counter(&capped, 0, CUBIE_COUNTER_ACCEPTED) >= 40);
  CHECK(harness_counter(&free_run, 0, CUBIE_COUNTER_ACCEPTED) < 40);
  CHECK_NEAR(harness_save(&capped, 0, 0, N_SAVES - 1), exact_healthy(2.0), 2e-5);
  harness_free(&capped);
  harness_free(&free_run);
  harness_free(&h);
}
#else
/* A fixed-step run needs dt0 > 0. */
static void check_zero_step(void) {
  const int healthy[1] = {0};
  harness h;
  setup(&h, healthy, 1);
  h.a.dt0 = 0.0;
  CHECK_INT(harness_run(&h), 0);
  CHECK_INT(h.status[0], CUBIE_RUN_STEP_TOO_SMALL);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_RHS_EVALS), 0);
  check_nan_fill(&h, 0, 1);
  harness_free(&h);
}
#endif

int main(void) {
  check_mixed_chunk();
  check_max_steps();
#if CUBIE_ADAPTIVE
  check_dt_min_clamp();
#else
  check_zero_step();
#endif
  CHECK_DONE();
}
