/* test_radau_status.c — radau5's failed attempts are the outcomes the step
 * contract names, and the loop turns them into a smaller step (the one
 * radau.h proposes: h/2 after a singular matrix) or the run's status bit.
 *
 * y' = A y with A = a·I (matrix_model.h: the Jacobian is the parameters),
 * a = γ/h for h = 1 (γ the real eigenvalue of the Radau IIA matrix's
 * inverse, rounded as the kernel rounds it): the real iteration matrix
 * (γ/h) I − A of a step of 1 is exactly 0.
 *   fixed steps of 1: singular_matrix at once (one real factorisation, no
 *     complex one, no solve, NaN saves);
 *   adaptive from dt = 1: the singular attempt is rejected, the retry is
 *     h/2 (radau5.f's reduction, not min_gain), the run succeeds and
 *     matches e^(at);
 *   adaptive with dt_min = dt_max = 1: singular at dt_min, the run stops
 *     with singular_matrix;
 *   A with a NaN: nonfinite.
 * Two runs per chunk, the second healthy (A = -I), which never notices.
 */
#include "tu_prologue.h"
#include "matrix_model.h"
#define CUBIE_TEST_METRICS 0 /* no summaries: these tests check status bits */
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_SAVES 3 /* t = 0, 1, 2 */

static const double SINGULAR = (double)(cubie_real)(CUBIE_RADAU_GAMMA * (1.0 / 1.0));

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

static void healthy(const harness *h, double tol) {
  CHECK_INT(h->status[1], CUBIE_RUN_SUCCESS);
  CHECK_NEAR(harness_save(h, 1, 0, N_SAVES - 1), exp(-2.0), tol);
}

int main(void) {
  harness h;
#if !CUBIE_ADAPTIVE
  setup(&h, SINGULAR);
  h.a.dt0 = 1.0;
  CHECK_INT(harness_run(&h), 0);
  printf("fixed dt = 1: status 0x%x, %ld accepted, %ld LUs\n", h.status[0],
         (long)harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_LU));
  CHECK_INT(h.status[0], CUBIE_RUN_SINGULAR_MATRIX);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED), 0);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_LU), 1);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_LINEAR), 0);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_NEWTON), 0);
  CHECK(isnan(harness_save(&h, 0, 0, 1)) && isnan(harness_save(&h, 0, 0, 2)));
  CHECK_INT(harness_save(&h, 0, 0, 0), 1);
  healthy(&h, 1e-4); /* two steps of 1 on y' = -y */
  harness_free(&h);
#else
  /* A singular first attempt is retried with half the step. */
  setup(&h, SINGULAR);
  h.a.dt0 = 1.0;
  h.a.rtol = h.a.atol = 1e-8;
  h.a.min_gain = 0.1; /* the controller's reduction would differ from radau5.f's 1/2 */
  CHECK_INT(harness_run(&h), 0);
  printf("adaptive from dt = 1: status 0x%x, %ld accepted, %ld rejected, %ld LUs\n", h.status[0],
         (long)harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_REJECTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_LU));
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS);
  CHECK(harness_counter(&h, 0, CUBIE_COUNTER_REJECTED) >= 1);
  CHECK_NEAR(harness_save(&h, 0, 0, N_SAVES - 1) / exp(2.0 * SINGULAR), 1.0, 1e-6);
  healthy(&h, 1e-7);
  harness_free(&h);

  /* The retry's step is exactly 1/2: with dt_min = 1/2 and min_gain 0.1 the
   * controller's reduction would be raised to dt_min (dt_min_clamped). */
  setup(&h, SINGULAR);
  h.a.dt0 = 1.0;
  h.a.dt_min = 0.5;
  h.a.max_gain = 1.5; /* no later step of exactly 1 */
  h.a.rtol = h.a.atol = 1e2; /* every finished step is accepted */
  h.a.min_gain = 0.1;
  CHECK_INT(harness_run(&h), 0);
  printf("dt_min 0.5 from dt = 1: status 0x%x, %ld accepted, %ld rejected\n", h.status[0],
         (long)harness_counter(&h, 0, CUBIE_COUNTER_ACCEPTED),
         (long)harness_counter(&h, 0, CUBIE_COUNTER_REJECTED));
  CHECK_INT(h.status[0], CUBIE_RUN_SUCCESS);
  CHECK_INT(harness_counter(&h, 0, CUBIE_COUNTER_REJECTED), 1);
  harness_free(&h);

  /* Singular at dt_min: the run stops and says why. */
  setup(&h, SINGULAR);
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

  /* A non-finite Jacobian: nonfinite. */
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
