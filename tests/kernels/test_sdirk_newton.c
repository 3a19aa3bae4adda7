/* test_sdirk_newton.c — the SDIRK family's Newton control through the loop.
 *
 * y' = −k y, k = 10, with the Jacobian reported as 0 (newton_model.h), so
 * Newton contracts by θ = kγh: it diverges for h > 1/(kγ) and converges
 * (slowly, then fast) for smaller steps. Two runs per chunk, the second
 * with the true Jacobian (which converges in one iteration at any h):
 *   fixed steps of 1: the first attempt diverges, the run stops with
 *     newton_failed (no step, NaN saves); the healthy run succeeds;
 *   adaptive from dt = 1: failed attempts are rejected and shrunk until
 *     Newton converges; the run ends success, matches e^(−kt) and counted
 *     its Newton iterations (more than one per stage: θ > 0);
 *   adaptive with dt_min = dt_max = 1: newton_failed at dt_min.
 */
#include "tu_prologue.h"
#include "newton_model.h"
#define CUBIE_TEST_METRICS 0 /* no summaries: these tests check status and counters */
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_SAVES 3 /* t = 0, 1, 2 */
#define K 10.0

static void setup(harness *h) {
  harness_init(h, 2, N_SAVES, 0.0, 0.0, 1.0, 2.0, 0, 0);
  for (int r = 0; r < 2; r++) {
    harness_set_y0(h, r, 0, 1.0);
    harness_set_y0(h, r, 1, 0.5);
    harness_set_param(h, r, 0, K);
    harness_set_param(h, r, 1, r == 0 ? 0.0 : -K);
  }
}

static void report(const harness *h, const char *what) {
  printf("%s: status 0x%x / 0x%x, %ld accepted, %ld rejected, %ld Newton, %ld Jacobians, %ld LUs\n",
         what, h->status[0], h->status[1], (long)harness_counter(h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(h, 0, CUBIE_COUNTER_REJECTED),
         (long)harness_counter(h, 0, CUBIE_COUNTER_NEWTON),
         (long)harness_counter(h, 0, CUBIE_COUNTER_JACOBIAN_EVALS),
         (long)harness_counter(h, 0, CUBIE_COUNTER_LU));
}

int main(void) {
  harness h;
#if !CUBIE_ADAPTIVE
  setup(&h);
  h.a.dt0 = 1.0;
  CHECK_INT(harness_run(&h), 0);
  report(&h, "fixed dt = 1");
  CHECK_INT(h.status[0], CUBIE_RUN_NEWTON_FAILED);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_NEWTON) >= 2); /* θ is measured at the 2nd */
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_NEWTON) <= CUBIE_DIRK_NEWTON_MAX_ITERS);
  CHECK(isnan(harness_save(&h, 0, 0, 1)) && isnan(harness_save(&h, 0, 0, 2)));
  CHECK_INT(h.status[1], CUBIE_RUN_SUCCESS);
  harness_free(&h);
#else
  setup(&h);
  h.a.dt0 = 1.0;
  h.a.rtol = h.a.atol = 1e-6;
  CHECK_INT(harness_run(&h), 0);
  report(&h, "adaptive from dt = 1");
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS);
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_REJECTED) >= 1);
  const cubie_u64 implicit_stages = CUBIE_METHOD_STAGES - CUBIE_DIRK_EXPLICIT_FIRST;
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_NEWTON) >
        implicit_stages * harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED));
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_LINEAR) >= harness_counter(&h, 0, CUBIE_COUNTER_NEWTON));
  CHECK_NEAR(harness_save(&h, 0, 0, 1), exp(-K), 1e-5); /* atol 1e-6; BE: 6.7e-6 */
  CHECK_INT(h.status[1], CUBIE_RUN_SUCCESS);
  CHECK_NEAR(harness_save(&h, 1, 0, 1), exp(-K), 1e-5);
  /* The true Jacobian: one Jacobian, kept while θ stays small. */
  CHECK(harness_counter(&h, 1, CUBIE_COUNTER_JACOBIAN_EVALS) <
        harness_counter(&h, 1, CUBIE_COUNTER_ACCEPTED));
  harness_free(&h);

  setup(&h);
  h.a.rtol = h.a.atol = 1e-2;
  h.a.dt0 = 1.0;
  h.a.dt_min = 1.0;
  h.a.dt_max = 1.0;
  CHECK_INT(harness_run(&h), 0);
  report(&h, "adaptive at dt_min = 1");
  CHECK_INT(h.status[0], CUBIE_RUN_NEWTON_FAILED);
  CHECK(isnan(harness_save(&h, 0, 0, 2)));
  harness_free(&h);
#endif
  CHECK_DONE();
}
