/* test_kernel_saves.c — where and what the kernel saves.
 *
 *  - settling: no save before t0 + settling, the first save is the state
 *    there, and every save is at exactly t_save_start + j·save_every (the
 *    outputs function receives that time; the last save is t_end);
 *  - save 0 at t0 (no settling) is the initial state itself;
 *  - fixed step: steps land on save points between grid points, grid points
 *    that coincide with save points (up to rounding) are not split;
 *  - final state only (n_saves = 1): one save at t_end; for dense-output
 *    methods bitwise equal to the last save of a run with many saves (their
 *    steps never depend on the save grid);
 *  - summaries equal the statistics computed here from the saved series, a
 *    trailing partial summary window is never written, and the metric
 *    selection macros decide which statistic sits in which slot.
 * Runs: x' = v, v' = -ω² x with outputs (x, v, t, energy), three runs.
 */
#include "tu_prologue.h"
#include "clock_model.h"
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_RUNS 3
static const double OMEGA[N_RUNS] = {6.283185307179586, 3.0, 4.5};
static const double X0[N_RUNS][2] = {{1.0, 0.0}, {0.0, 3.0}, {0.6, -3.6}};

#if defined(CUBIE_PRECISION_FLOAT32)
#define TOL 1e-5
#define ACCURACY 2e-4 /* see test_kernel_accuracy.c's float32 bound */
#define SUMMARY_RTOL 1e-5 /* float sums of <= 7 terms vs double */
#else
#define TOL 1e-8
#define ACCURACY 1e-6 /* 10x the global error measured at τ = 1e-8 (test_kernel_accuracy.c) */
#define SUMMARY_RTOL 1e-13 /* the same sums, in double on both sides */
#endif

static void setup(harness *h, cubie_i64 n_saves, double t0, double t_save_start,
                  double save_every, double t_end, cubie_i64 summary_every) {
  harness_init(h, N_RUNS, n_saves, t0, t_save_start, save_every, t_end, summary_every, 1);
  for (int r = 0; r < N_RUNS; r++) {
    harness_set_param(h, r, 0, OMEGA[r]);
    harness_set_y0(h, r, 0, X0[r][0]);
    harness_set_y0(h, r, 1, X0[r][1]);
  }
  h->a.atol = h->a.rtol = TOL;
#if !CUBIE_ADAPTIVE
  h->a.dt0 = 0.03 / 8; /* see check_fixed_grid */
#endif
}

static void exact(int r, double t, double t0, double *x, double *v) {
  const double w = (double)(cubie_real)OMEGA[r], s = t - t0;
  const double x0 = (double)(cubie_real)X0[r][0], v0 = (double)(cubie_real)X0[r][1];
  *x = x0 * cos(w * s) + v0 / w * sin(w * s);
  *v = -x0 * w * sin(w * s) + v0 * cos(w * s);
}

/* Every right-hand-side evaluation is counted: the first-step estimate (2,
 * adaptive with dt0 = 0) or the first k_0 (1), the stages of every attempt,
 * FSAL stages evaluated after acceptance (DOP853), and k_0 at the start of
 * every step after an accepted one for methods without FSAL. A dense output
 * with extra stages (DOP853: 3, Verner 7: 6) adds them once for every
 * accepted step with a save point inside it, n of them: DOP853 3n; Verner 7
 * 6n, less the n (or n - 1, when the last step is one of them) k_0 it
 * provides for the step after (erk.h). n is not known here, but it is
 * between 1 and the accepted steps when save points are denser than steps,
 * and the count must have one of those forms (test_dense_order.c counts a
 * single step exactly). */
static void check_evaluation_count(const harness *h, int r) {
  const long accepted = (long)harness_counter(h, r, CUBIE_COUNTER_ACCEPTED);
  const long attempts = accepted + (long)harness_counter(h, r, CUBIE_COUNTER_REJECTED);
  const long start = (CUBIE_ADAPTIVE && h->a.dt0 <= 0.0) ? 2 : 1;
  const long per_attempt = CUBIE_ERK_BODY_STAGES - 1 + CUBIE_ERK_FSAL_IN_ATTEMPT;
  const long after_accept = (CUBIE_METHOD_FSAL && !CUBIE_ERK_FSAL_IN_ATTEMPT) ? accepted : 0;
  const long restart = CUBIE_METHOD_FSAL ? 0 : accepted - 1;
  const long base = start + per_attempt * attempts + after_accept + restart;
  const long evals = (long)harness_counter(h, r, CUBIE_COUNTER_RHS_EVALS);
#if CUBIE_USE_DENSE && CUBIE_METHOD_DENSE_STAGES > 0
  int matches = 0;
  for (long n = 1; n <= accepted; n++) {
    const long extra = CUBIE_METHOD_FSAL ? CUBIE_METHOD_DENSE_STAGES * n
                                         : CUBIE_METHOD_DENSE_STAGES * n - n;
    matches |= evals == base + extra || (!CUBIE_METHOD_FSAL && evals == base + extra + 1);
  }
  CHECK(matches);
#else
  CHECK_INT(evals, base);
#endif
}

/* Settling 1.25 after t0 = 0.5; saves every 0.1 up to t_end = 4.75. */
static void check_settling_and_save_times(void) {
  const double t0 = 0.5, t_save_start = 1.75, every = 0.1, t_end = 4.75;
  const cubie_i64 n = 31;
  harness h;
  setup(&h, n, t0, t_save_start, every, t_end, 0);
  CHECK_INT(harness_run(&h), 0);
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(h.status[r], CUBIE_RUN_SUCCESS);
    for (cubie_i64 j = 0; j < n; j++) {
      const double ts = (j == n - 1) ? t_end : t_save_start + (double)j * every;
      CHECK(harness_save(&h, r, 2, j) == (double)(cubie_real)ts); /* exactly */
      double x, v;
      exact(r, ts, t0, &x, &v);
      CHECK_NEAR(harness_save(&h, r, 0, j), x, ACCURACY);
      CHECK_NEAR(harness_save(&h, r, 1, j) / OMEGA[r], v / OMEGA[r], ACCURACY);
    }
    /* The first save is the state after settling, not the initial state. */
    CHECK(fabs(harness_save(&h, r, 0, 0) - X0[r][0]) > 0.01 ||
          fabs(harness_save(&h, r, 1, 0) - X0[r][1]) > 0.01);
    CHECK(harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED) > 0);
    check_evaluation_count(&h, r);
  }
  harness_free(&h);
}

/* Without settling save 0 is the initial state, bit for bit, at t0. */
static void check_initial_save(void) {
  harness h;
  setup(&h, 11, 0.25, 0.25, 0.2, 2.25, 0);
  CHECK_INT(harness_run(&h), 0);
  for (int r = 0; r < N_RUNS; r++) {
    CHECK(harness_save(&h, r, 0, 0) == (double)(cubie_real)X0[r][0]);
    CHECK(harness_save(&h, r, 1, 0) == (double)(cubie_real)X0[r][1]);
    CHECK(harness_save(&h, r, 2, 0) == 0.25);
  }
  harness_free(&h);
}

#if !CUBIE_ADAPTIVE
/* Fixed step 0.03/8 from t0 = 0.5, saves every 0.1 from 1.75: in units of
 * 0.01/8 the grid is 400 + 3n and the saves 1400 + 80j, so every third save
 * point is a grid point (up to rounding) and the others add one step each. */
static void check_fixed_grid(void) {
  const cubie_i64 n = 31;
  harness h;
  setup(&h, n, 0.5, 1.75, 0.1, 4.75, 0);
  CHECK_INT(harness_run(&h), 0);
  long expected = 0;
  for (long g = 403; g <= 3800; g += 3) expected++; /* grid points in (t0, t_end] */
  for (long j = 0; j < n; j++)
    if ((1400 + 80 * j - 400) % 3 != 0) expected++; /* save points off the grid */
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(harness_counter(&h, r, CUBIE_COUNTER_ACCEPTED), expected);
    CHECK_INT(h.status[r], CUBIE_RUN_SUCCESS);
  }
  harness_free(&h);
}
#endif

/* n_saves = 1: the final state only, at t_end. */
static void check_final_state_only(void) {
  const double t0 = 0.0, t_end = 3.3;
  harness one;
  setup(&one, 1, t0, t_end, 0.0, t_end, 0);
  CHECK_INT(harness_run(&one), 0);
  harness many;
  setup(&many, 34, t0, t0, 0.1, t_end, 0);
  CHECK_INT(harness_run(&many), 0);
  for (int r = 0; r < N_RUNS; r++) {
    CHECK_INT(one.status[r], CUBIE_RUN_SUCCESS);
    CHECK(harness_save(&one, r, 2, 0) == (double)(cubie_real)t_end);
    double x, v;
    exact(r, t_end, t0, &x, &v);
    CHECK_NEAR(harness_save(&one, r, 0, 0), x, ACCURACY);
#if CUBIE_USE_DENSE
    for (int o = 0; o < CUBIE_N_OUTPUTS; o++)
      CHECK(harness_save(&one, r, o, 0) == harness_save(&many, r, o, 33));
    CHECK_INT(harness_counter(&one, r, CUBIE_COUNTER_ACCEPTED),
              harness_counter(&many, r, CUBIE_COUNTER_ACCEPTED));
#if CUBIE_METHOD_DENSE_STAGES > 0
    /* The same steps; only the interpolant's extra stages are added. */
    CHECK(harness_counter(&one, r, CUBIE_COUNTER_RHS_EVALS) <
          harness_counter(&many, r, CUBIE_COUNTER_RHS_EVALS));
#else
    CHECK_INT(harness_counter(&one, r, CUBIE_COUNTER_RHS_EVALS),
              harness_counter(&many, r, CUBIE_COUNTER_RHS_EVALS));
#endif
#else
    /* Landing methods take extra steps for the save points. */
    CHECK(harness_counter(&one, r, CUBIE_COUNTER_ACCEPTED) <
          harness_counter(&many, r, CUBIE_COUNTER_ACCEPTED));
    CHECK_NEAR(harness_save(&one, r, 0, 0), harness_save(&many, r, 0, 33), 2 * ACCURACY);
#endif
  }
  harness_free(&one);
  harness_free(&many);
}

/* The metric of value m of each output in summary_items.h's sets 1 and 2
 * (one value each), written out independently of the items. */
static int slot_kind(int m) {
  const int kinds[8] = {
#if CUBIE_TEST_METRICS == 1
      CUBIE_METRIC_MEAN, CUBIE_METRIC_MAX, CUBIE_METRIC_MIN, CUBIE_METRIC_RMS,
#elif CUBIE_TEST_METRICS == 2
      CUBIE_METRIC_RMS, CUBIE_METRIC_MIN,
#endif
      0};
  return kinds[m];
}

/* Summaries every 7 of 31 save points: windows 1-7, 8-14, 15-21, 22-28;
 * saves 29 and 30 form a partial window that is never written. */
static void check_summaries(void) {
  const cubie_i64 n = 31, every = 7;
  harness h;
  setup(&h, n, 0.0, 0.0, 0.05, 1.5, every);
  CHECK_INT(harness_run(&h), 0);
  CHECK_INT(h.n_summaries, 4);
  for (int r = 0; r < N_RUNS; r++)
    for (int o = 0; o < CUBIE_N_OUTPUTS; o++) {
      for (cubie_i64 s = 0; s < h.n_summaries; s++) {
        double sum = 0, sumsq = 0, mx = -INFINITY, mn = INFINITY;
        for (cubie_i64 j = s * every + 1; j <= (s + 1) * every; j++) {
          const double x = harness_save(&h, r, o, j);
          sum += x, sumsq += x * x;
          mx = x > mx ? x : mx;
          mn = x < mn ? x : mn;
        }
        for (int m = 0; m < CUBIE_TEST_VALUES; m++) {
          const int kind = slot_kind(m);
          const double expected = kind == CUBIE_METRIC_MEAN  ? sum / every
                                  : kind == CUBIE_METRIC_MAX ? mx
                                  : kind == CUBIE_METRIC_MIN ? mn
                                                             : sqrt(sumsq / every);
          CHECK_NEAR(harness_summary(&h, r, o, m, s), expected,
                     SUMMARY_RTOL * (fabs(expected) + 1e-3));
        }
      }
      for (int m = 0; m < CUBIE_TEST_VALUES; m++) /* the partial window: untouched */
        CHECK(harness_summary(&h, r, o, m, h.n_summaries) == 0.0);
    }
#if CUBIE_TEST_METRICS == 0
  /* No metrics compiled in: summary_every is ignored, nothing is written. */
  for (cubie_i64 i = 0; i < N_RUNS * (h.n_summaries + 1); i++) /* the harness's one-value array */
    CHECK(h.summaries[i] == (cubie_real)0);
#endif
  harness_free(&h);
}

int main(void) {
  check_settling_and_save_times();
  check_initial_save();
#if !CUBIE_ADAPTIVE
  check_fixed_grid();
#endif
  check_final_state_only();
  check_summaries();
  CHECK_DONE();
}
