/* test_dense_order.c — the order of a method's dense output, measured.
 *
 * Built for every method with dense output (kernels/methods.def rows with
 * dense_order > 0), each variant its own translation unit. From the exact
 * solution at t0 it takes one step of size h through the step contract
 * (begin, attempt, dense, accept) and compares the interpolated state at
 * t0 + θh (θ = 0.1, 0.2, ..., 0.9) with the exact solution, for h halved
 * three times: the largest error of an interpolant of order q behaves like
 * h^(q+1), and the measured order log2(error(h) / error(h/2)) of the two
 * smallest steps must be between q + 0.7 and q + 1.5 (an order lower fails;
 * at a single θ the leading term may happen to be small, hence the maximum
 * over θ; the larger steps are printed, not judged: pre-asymptotic). It also counts the evaluations: the extra stages of the
 * interpolant (DOP853: 3, Verner 7: 6) once per step however many points
 * are interpolated, none for methods without; and what the step keeps for
 * the next one (FSAL stage, or Verner's f(t + h, y_new) as the next k_0) is
 * exactly f(t + h, y_new).
 */
#include "tu_prologue.h"
#include "analytic_model.h"
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_H 4
#define N_THETA 9

static const double P[4] = {1.0, 2.0, 1.0, 2.0};  /* k, ω, r, K */
static const double Y0[4] = {1.0, 1.0, 0.5, 0.5}; /* y, x, v, u */

/* One step of size h from (t0, Y0); the error of the interpolant at each θ
 * (max over components) into err[], and its evaluation counts checked. */
static void one_step(double t0, double h, const double *theta, double *err) {
  cubie_real persistent_scratch[CUBIE_NZ(CUBIE_PERSISTENT_PER_RUN)];
  cubie_real *shared_scratch = NULL;
  (void)persistent_scratch;
  (void)shared_scratch;
  CUBIE_STEP_DECLARE_WORK(w);
  cubie_real y[4], y_new[4], p[4];
  for (int i = 0; i < 4; i++) {
    y[i] = (cubie_real)Y0[i];
    p[i] = (cubie_real)P[i];
  }
  cubie_chunk_args a;
  memset(&a, 0, sizeof a);
  a.atol = a.rtol = 1e-6;
  cubie_step_state st;
  cubie_step_start(&st, &w);
  cubie_i64 counters[CUBIE_N_COUNTERS] = {0};
  cubie_step_begin(&st, &w, t0, h, y, p, counters);
  CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], 1);
  cubie_real e = 0;
  CHECK_INT(cubie_step_attempt(&st, &w, t0, h, y, p, y_new, &a, &e, counters), CUBIE_STEP_OK);
  const cubie_i64 after_attempt = counters[CUBIE_COUNTER_RHS_EVALS];
  double y0d[4];
  for (int i = 0; i < 4; i++) y0d[i] = (double)y[i];
  for (int k = 0; k < N_THETA; k++) {
    const cubie_real *at = cubie_step_dense(&st, &w, t0, h, theta[k], y, y_new, p, counters);
    double exact[4];
    analytic_exact(t0 + theta[k] * h, t0, y0d, P, exact);
    err[k] = 0.0;
    for (int i = 0; i < 4; i++) {
      const double d = fabs((double)at[i] - exact[i]);
      if (d > err[k]) err[k] = d;
    }
    /* The extra stages are evaluated at the first interpolation only. */
    CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], after_attempt + CUBIE_METHOD_DENSE_STAGES +
                                                     (CUBIE_METHOD_DENSE_STAGES > 0 &&
                                                      CUBIE_METHOD_FSAL && !CUBIE_ERK_FSAL_IN_ATTEMPT));
  }
  /* θ close to 1 is y_new (the interpolant is continuous across steps). */
  const cubie_real *end = cubie_step_dense(&st, &w, t0, h, 1.0 - 1e-12, y, y_new, p, counters);
  for (int i = 0; i < 4; i++) CHECK_NEAR(end[i], y_new[i], 1e-10);
  const cubie_i64 before_accept = counters[CUBIE_COUNTER_RHS_EVALS];
  cubie_step_accept(&st, &w, t0 + h, y_new, p, counters);
  cubie_real f_new[4];
  cubie_model_rhs(t0 + h, y_new, p, f_new);
#if CUBIE_METHOD_FSAL || CUBIE_ERK_EXTRA_IS_Y_NEW
  /* Nothing more to evaluate: k_0 of the next step is f(t + h, y_new), bit for bit. */
  CHECK_INT(counters[CUBIE_COUNTER_RHS_EVALS], before_accept);
  CHECK(st.have_k0);
  for (int i = 0; i < 4; i++) CHECK(w.k[i] == f_new[i]);
#else
  (void)before_accept;
#endif
}

int main(void) {
  double theta[N_THETA];
  for (int k = 0; k < N_THETA; k++) theta[k] = 0.1 * (k + 1);
  const double h0 = CUBIE_METHOD_DENSE_ORDER >= 7 ? 0.8 : 0.2;
  double logerr[N_H];
  for (int n = 0; n < N_H; n++) {
    const double h = h0 / (double)(1 << n);
    double err[N_THETA], worst = 0.0;
    one_step(0.25, h, theta, err);
    for (int k = 0; k < N_THETA; k++) worst = err[k] > worst ? err[k] : worst;
    logerr[n] = log2(worst);
    printf("h = %-8g largest error over θ %.3e", h, worst);
    if (n > 0) printf("  order %.2f", logerr[n - 1] - logerr[n]);
    printf("\n");
  }
  const double slope = logerr[N_H - 2] - logerr[N_H - 1];
  printf("measured order of the local error %.2f (an interpolant of order %d: %d)\n", slope,
         CUBIE_METHOD_DENSE_ORDER, CUBIE_METHOD_DENSE_ORDER + 1);
  CHECK(slope > CUBIE_METHOD_DENSE_ORDER + 0.7 && slope < CUBIE_METHOD_DENSE_ORDER + 1.5);
  return check_failures ? 1 : 0;
}
