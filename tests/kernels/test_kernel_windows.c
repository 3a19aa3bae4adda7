/* test_kernel_windows.c — results never depend on time windows, buffer
 * locations, threads or array layout.
 *
 * The same five runs of a forced Van der Pol oscillator (summaries on, a
 * settling time, save points much denser than steps for dense-output
 * methods) are integrated in one window and then in many: every save point
 * its own window, irregular windows, two halves. Saves, summaries, status
 * and counters must be bitwise identical every time, and identical when the
 * scratch buffers live in shared/persistent memory (relocated_variant.c),
 * with other thread counts and block sizes, and with the run-fastest layout.
 * Built per kernel variant (dense-output and landing methods, fixed step;
 * algorithm auto with stiff runs that switch between its two methods).
 */
#include "tu_prologue.h"
#include "vdp_model.h"
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

int cubie_cpu_run_chunk_relocated(const cubie_chunk_args *args, int n_threads, int block_size);

#define N_RUNS 5
#define T_SAVE_START 0.35
#define N_SAVES 601 /* t_end = 0.35 + 600 * save_every */
#define SUMMARY_EVERY 7

#if defined(CUBIE_TEST_FAMILY_AUTO) && CUBIE_ADAPTIVE
/* algorithm auto: stiff oscillators (mu 20 .. 100) over a few relaxation
 * periods, so every run switches between tsit5 and rodas5p (measured: 7,
 * 5, 3, 3, 1 switches) and window boundaries fall before, inside and after
 * the steps that switch. (With fixed steps auto is tsit5: the others.) */
#define SAVE_EVERY 0.1
static const double run_params[N_RUNS][3] = {
    {20.0, 0.0, 1.0}, {35.0, 0.2, 0.2}, {50.0, 1.0, 2.0}, {60.0, 0.0, 1.0}, {100.0, 0.3, 0.7}};
static const double run_y0[N_RUNS][2] = {{2.0, 0.0}, {-2.0, 0.0}, {0.5, -1.0}, {0.0, 2.0}, {-1.0, 0.2}};
#else
#define SAVE_EVERY 0.01
static const double run_params[N_RUNS][3] = {
    {0.5, 0.0, 1.0}, {1.0, 0.5, 1.3}, {2.0, 1.0, 2.0}, {3.0, 0.3, 0.7}, {0.2, 2.0, 3.0}};
static const double run_y0[N_RUNS][2] = {{2.0, 0.0}, {1.0, 1.0}, {0.5, -1.0}, {-1.0, 0.2}, {0.0, 2.0}};
#endif

static void setup(harness *h, int run_fastest) {
  harness_init(h, N_RUNS, N_SAVES, 0.0, T_SAVE_START, SAVE_EVERY,
               T_SAVE_START + (N_SAVES - 1) * SAVE_EVERY, SUMMARY_EVERY, run_fastest);
  for (int r = 0; r < N_RUNS; r++) {
    for (int i = 0; i < 3; i++) harness_set_param(h, r, i, run_params[r][i]);
    for (int i = 0; i < 2; i++) harness_set_y0(h, r, i, run_y0[r][i]);
  }
#if CUBIE_ADAPTIVE
  h->a.dt0 = 0.0; /* Hairer's starting step, persisted like everything else */
#if defined(CUBIE_ALGORITHM_ROS23)
  h->a.atol = h->a.rtol = 1e-4; /* 2nd order: fewer steps than save points */
#elif defined(CUBIE_PRECISION_FLOAT32) || defined(CUBIE_ALGORITHM_BS3) || \
    defined(CUBIE_TEST_FAMILY_ROSENBROCK) || defined(CUBIE_TEST_FAMILY_RADAU) || \
    defined(CUBIE_TEST_FAMILY_SDIRK) || defined(CUBIE_TEST_FAMILY_AUTO)
  h->a.atol = h->a.rtol = 1e-5; /* BS3, implicit: fewer steps than save points */
#else
  h->a.atol = h->a.rtol = 1e-7;
#endif
#else
  h->a.dt0 = 0.0113; /* does not divide save_every: landing steps between grid points */
#endif
}

static int same_as_reference(const harness *ref, const cubie_i64 *bounds, int n_bounds,
                             int run_fastest, const char *what) {
  harness h;
  setup(&h, run_fastest);
  CHECK_INT(harness_run_windows(&h, bounds, n_bounds), 0);
  const int same = harness_identical(ref, &h);
  if (!same) fprintf(stderr, "differs from one window: %s\n", what);
  harness_free(&h);
  return same;
}

int main(void) {
  harness ref;
  setup(&ref, 0);
  CHECK_INT(harness_run(&ref), 0);
  for (int r = 0; r < N_RUNS; r++) {
    const long accepted = (long)harness_counter(&ref, r, CUBIE_COUNTER_ACCEPTED);
    printf("run %d: status %u, %ld accepted, %llu rejected, %llu evaluations\n", r, ref.status[r],
           accepted, harness_counter(&ref, r, CUBIE_COUNTER_REJECTED),
           harness_counter(&ref, r, CUBIE_COUNTER_RHS_EVALS));
    CHECK_INT(ref.status[r], CUBIE_RUN_SUCCESS);
#if CUBIE_USE_DENSE
    /* Steps span several save points, so most window boundaries below fall
     * inside a step: the interrupted-step path is exercised. */
    CHECK(accepted < (N_SAVES - 1) / 2);
#else
    CHECK(accepted >= N_SAVES - 1); /* every save point ends a step */
#endif
#if defined(CUBIE_TEST_FAMILY_AUTO) && CUBIE_ADAPTIVE
    /* Every run switches, so the windows below cut runs in both modes. */
    printf("run %d: %llu switches, %llu steps by rodas5p\n", r,
           harness_counter(&ref, r, CUBIE_COUNTER_METHOD_SWITCHES),
           harness_counter(&ref, r, CUBIE_COUNTER_STIFF_STEPS));
    CHECK(harness_counter(&ref, r, CUBIE_COUNTER_METHOD_SWITCHES) >= 1);
    CHECK(harness_counter(&ref, r, CUBIE_COUNTER_STIFF_STEPS) > 0);
    CHECK(harness_counter(&ref, r, CUBIE_COUNTER_STIFF_STEPS) < (cubie_u64)accepted);
#endif
  }

  /* Every save point its own window. */
  cubie_i64 each[N_SAVES + 1];
  for (int j = 0; j <= N_SAVES; j++) each[j] = j;
  CHECK(same_as_reference(&ref, each, N_SAVES + 1, 0, "a window per save point"));
  /* Irregular windows: boundaries next to each other, at summary-window
   * edges (7, 14), just after save 0 and just before the end. */
  const cubie_i64 irregular[] = {0, 1, 2, 7, 8, 14, 15, 50, 51, 52, 113, 200, 417, 599, 600, N_SAVES};
  CHECK(same_as_reference(&ref, irregular, (int)(sizeof irregular / sizeof irregular[0]), 0,
                          "irregular windows"));
  CHECK(same_as_reference(&ref, irregular, (int)(sizeof irregular / sizeof irregular[0]), 1,
                          "irregular windows, run-fastest layout"));
  const cubie_i64 halves[] = {0, N_SAVES / 2, N_SAVES};
  CHECK(same_as_reference(&ref, halves, 3, 1, "two halves, run-fastest layout"));

  /* Buffers in shared and persistent memory; other threads and blocks. */
  harness h;
  setup(&h, 0);
  const cubie_i64 one[] = {0, N_SAVES};
  CHECK_INT(harness_run_windows_with(&h, cubie_cpu_run_chunk_relocated, one, 2, 2, 2), 0);
  CHECK(harness_identical(&ref, &h));
  harness_free(&h);
  setup(&h, 0);
  CHECK_INT(harness_run_windows_with(&h, cubie_cpu_run_chunk_relocated, irregular,
                                     (int)(sizeof irregular / sizeof irregular[0]), 1, 5),
            0);
  CHECK(harness_identical(&ref, &h));
  harness_free(&h);
  setup(&h, 1);
  CHECK_INT(harness_run_windows_with(&h, cubie_cpu_run_chunk, one, 2, 1, 1), 0);
  CHECK(harness_identical(&ref, &h));
  harness_free(&h);

  harness_free(&ref);
  CHECK_DONE();
}
