/* test_rosenbrock_status.c — a singular or non-finite iteration matrix is
 * the attempt outcome the step contract names, and the loop turns it into
 * a smaller step or the run's status bit.
 *
 * RODAS4 (γ = 1/4) on y' = A y with A = 4·I (matrix_model.h: the Jacobian
 * is the parameters): a step of h = 1 has M = I/(γh) − A = 0 exactly.
 *   fixed steps of 1: the first attempt is singular, the run stops with
 *     singular_matrix (one factorisation, no step, NaN saves);
 *   adaptive from dt = 1: the singular attempt is rejected, the retry
 *     (h = min_gain) succeeds, the run ends success and matches e^(4t);
 *   adaptive with dt_min = dt_max = 1: singular at dt_min, the run stops
 *     with singular_matrix;
 *   A with a NaN: nonfinite.
 * Two runs per chunk, the second healthy (A = -I), which never notices.
 */
#include "tu_prologue.h"
#include "matrix_model.h"
#define CUBIE_TEST_METRICS 0 /* no summaries: these tests check states and counters */
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_SAVES 3 /* t = 0, 1, 2 */

static void setup(harness *h, double a0) {
  harness_init(h, 2, N_SAVES, 0.0, 0.0, 1.0, 2.0, 0, 0);
  for (int r = 0; r < 2; r++) {
    const double a = r == 0 ? a0 : -1.0;
    for (int i = 0; i < 4; i++) {
      harness_set_y0(h, r, i, 1.0);
      for (int j = 0; j < 4; j++) harness_set_param(h, r, 4 * i + j, i == j ? a : 0.0);
    }
  }
}

/* The healthy run: success, y = e^(-t). */
static void healthy(const harness *h, double tol) {
  CHECK_INT(h->status[1], CUBIE_RUN_SUCCESS);
  CHECK_NEAR(harness_save(h, 1, 0, N_SAVES - 1), exp(-2.0), tol);
}

int main(void) {
  harness h;
#if !CUBIE_ADAPTIVE
  setup(&h, 4.0);
  h.a.dt0 = 1.0;
  CHECK_INT(harness_run(&h), 0);
  printf("fixed dt = 1: status 0x%x, %ld accepted, %ld LUs\n", h.status[0],
         (long)harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_LU));
  CHECK_INT(h.status[0], CUBIE_RUN_SINGULAR_MATRIX);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_LU), 1);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_LINEAR), 0); /* no stage was solved */
  CHECK(isnan(harness_save(&h, 0, 0, 1)) && isnan(harness_save(&h, 0, 0, 2)));
  CHECK_INT(harness_save(&h, 0, 0, 0), 1); /* t = 0 was saved before the step */
  healthy(&h, 1e-2);
  harness_free(&h);
#else
  /* A singular first attempt is retried with a smaller step. */
  setup(&h, 4.0);
  h.a.dt0 = 1.0;
  h.a.rtol = h.a.atol = 1e-8;
  CHECK_INT(harness_run(&h), 0);
  printf("adaptive from dt = 1: status 0x%x, %ld accepted, %ld rejected, %ld LUs\n", h.status[0],
         (long)harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_REJECTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_LU));
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS);
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_REJECTED) >= 1);
  CHECK_NEAR(harness_save(&h, 0, 0, N_SAVES - 1) / exp(8.0), 1.0, 1e-6);
  healthy(&h, 1e-7);
  harness_free(&h);

  /* Singular at dt_min: the run stops and says why (loose tolerances, so
   * the healthy run's steps of 1 are accepted). */
  setup(&h, 4.0);
  h.a.rtol = h.a.atol = 1e-2;
  h.a.dt0 = 1.0;
  h.a.dt_min = 1.0;
  h.a.dt_max = 1.0;
  CHECK_INT(harness_run(&h), 0);
  printf("adaptive at dt_min = 1: status 0x%x\n", h.status[0]);
  CHECK_INT(h.status[0], CUBIE_RUN_SINGULAR_MATRIX);
  CHECK(isnan(harness_save(&h, 0, 0, 2)));
  healthy(&h, 1e-2);
  harness_free(&h);

  /* A non-finite Jacobian: nonfinite, at dt_min and before. */
  setup(&h, NAN);
  h.a.rtol = h.a.atol = 1e-2;
  h.a.dt0 = 0.5;
  h.a.dt_min = 0.5;
  CHECK_INT(harness_run(&h), 0);
  printf("NaN Jacobian: status 0x%x\n", h.status[0]);
  CHECK_INT(h.status[0], CUBIE_RUN_NONFINITE);
  healthy(&h, 1e-2);
  harness_free(&h);
#endif
  CHECK_DONE();
}
