/* test_kernel_stiffness.c — explicit methods' stiffness test (erk.h, run.h):
 * the estimate, Hairer's counting, the status bit on stiff and non-stiff
 * runs, and the bit's independence of time windows.
 *
 * Built per kernel variant. With a stiffness test (CUBIE_STEP_STIFF_TEST:
 * dopri5, tsit5, dop853, vern7 under an adaptive controller):
 *  1. the estimate is exact on a linear problem: one attempt on the harmonic
 *     oscillator x' = v, v' = -x (eigenvalues ±i, so h|λ| = h) judges a step
 *     of 0.99 × the method's bound not stiff and one of 1.01 × it stiff;
 *  2. the counting is dopri5.f's: 15 stiff verdicts set the bit, unless 6
 *     non-stiff ones in a row come between them (5 do not reset); and the
 *     test starts at the 1000th accepted step;
 *  3. van der Pol with mu = 1000 (stiff from its first slow phase) gets
 *     LOOKED_STIFF and still succeeds; mu = 0 (the harmonic oscillator) and
 *     mu = 1 never do;
 *  4. the same runs in a window per save point (each window holds about 10
 *     steps, so the bit is only reached if the counts cross the windows)
 *     and in irregular windows are bitwise identical, status included.
 * Without a test (bs3, cash-karp, rkf45, every fixed-step variant), the
 * stiff run never gets the bit.
 */
#include "tu_prologue.h"
#include "vdp_model.h"
#include "summary_items.h"
#include "run.h"
#include "entry_cpu.h"
#include "harness.h"

#include <stdio.h>

#define N_RUNS 4
#define SAVE_EVERY 0.01
#define N_SAVES 601 /* t_end = 6: the stiff runs take well over 1000 steps */
#define SUMMARY_EVERY 10

static const double MU[N_RUNS] = {1000.0, 0.0, 1.0, 1000.0};
static const double Y0[N_RUNS][2] = {{2.0, 0.0}, {1.0, 0.0}, {2.0, 0.0}, {-1.5, 0.3}};
#define STIFF_RUN(r) (MU[r] > 100.0)

static void setup(harness *h) {
  harness_init(h, N_RUNS, N_SAVES, 0.0, 0.0, SAVE_EVERY, (N_SAVES - 1) * SAVE_EVERY, SUMMARY_EVERY,
               0);
  for (int r = 0; r < N_RUNS; r++) {
    harness_set_param(h, r, 0, MU[r]); /* no forcing: A = 0 */
    harness_set_param(h, r, 2, 1.0);
    for (int i = 0; i < 2; i++) harness_set_y0(h, r, i, Y0[r][i]);
  }
#if CUBIE_ADAPTIVE
  h->a.dt0 = 0.0;
  h->a.atol = h->a.rtol = 1e-6;
  h->a.max_steps = 200000;
#else
  h->a.dt0 = 1e-4; /* stable for mu = 1000 (h |λ| <= 0.3) */
#endif
}

#if CUBIE_STEP_STIFF_TEST
/* The verdict on one accepted attempt of size h from (x, v) = (1, 0) of the
 * harmonic oscillator. */
static int verdict_for_step(double h) {
  cubie_real shared_scratch[1] = {0};
  cubie_real persistent_scratch[1] = {0};
  CUBIE_STEP_DECLARE_WORK(w);
  (void)shared_scratch;
  (void)persistent_scratch;
  cubie_chunk_args a;
  memset(&a, 0, sizeof a);
  a.atol = a.rtol = 1e-6;
  cubie_real y[2] = {1, 0}, y_new[2], p[3] = {0, 0, 1};
  cubie_i64 counters[CUBIE_N_COUNTERS] = {0};
  cubie_step_state st;
  cubie_step_start(&st, &w);
  cubie_step_begin(&st, &w, 0.0, h, y, p, counters);
  cubie_real err = 0;
  CHECK_INT(cubie_step_attempt(&st, &w, 0.0, h, y, p, y_new, &a, &err, counters), CUBIE_STEP_OK);
  cubie_step_accept(&st, &w, h, y_new, p, counters);
  return cubie_step_looked_stiff(&st);
}

/* Feed a sequence of verdicts ('s' stiff, 'n' not) to the loop's count. */
static cubie_u32 count_verdicts(const char *verdicts) {
  cubie_run_state s;
  memset(&s, 0, sizeof s);
  for (const char *c = verdicts; *c; c++) cubie_run_count_stiffness(&s, *c == 's');
  return s.status;
}
#endif

int main(void) {
#if CUBIE_STEP_STIFF_TEST
  const double bound = CUBIE_ERK_STIFF_BOUND;
  CHECK_INT(verdict_for_step(0.99 * bound), 0);
  CHECK_INT(verdict_for_step(1.01 * bound), 1);
  CHECK_INT(verdict_for_step(0.1), 0);

  CHECK_INT(count_verdicts("ssssssssssssss"), 0);                     /* 14 */
  CHECK_INT(count_verdicts("sssssssssssssss"), CUBIE_RUN_LOOKED_STIFF); /* 15 */
  /* 7, then 6 non-stiff in a row (a reset), then 9 */
  CHECK_INT(count_verdicts("nnnsssssssnnnnnnsssssssss"), 0);
  /* 8, then only 5 non-stiff in a row, then 7 */
  CHECK_INT(count_verdicts("nnnssssssssnnnnnsssssss"), CUBIE_RUN_LOOKED_STIFF);
  CHECK_INT(count_verdicts("ssssssssssnnnnnnsssss"), 0); /* 10, reset, 5 */
  CHECK_INT(count_verdicts("sssssssssssssssnnnnnnnnnn"), CUBIE_RUN_LOOKED_STIFF); /* stays */
#endif

  harness ref;
  setup(&ref);
  CHECK_INT(harness_run(&ref), 0);
  for (int r = 0; r < N_RUNS; r++) {
    printf("run %d (mu %g): status %#x, %llu accepted, %llu rejected\n", r, MU[r],
           ref.status[r], harness_counter(&ref, r, CUBIE_COUNTER_ACCEPTED),
           harness_counter(&ref, r, CUBIE_COUNTER_REJECTED));
    /* A remark, never a failure: every run reaches t_end. */
    CHECK(ref.status[r] & CUBIE_RUN_SUCCESS);
    CHECK_INT(ref.status[r] & CUBIE_RUN_FAILURE_MASK, 0);
    const int stiff = (ref.status[r] & CUBIE_RUN_LOOKED_STIFF) != 0;
    CHECK_INT(stiff, CUBIE_STEP_STIFF_TEST && STIFF_RUN(r));
    if (STIFF_RUN(r)) CHECK(harness_counter(&ref, r, CUBIE_COUNTER_ACCEPTED) > 1100);
  }

  /* Every save point its own window (about 10 steps each for the stiff
   * runs: the bit needs counts carried across windows), and irregular
   * windows. */
  cubie_i64 each[N_SAVES + 1];
  for (int j = 0; j <= N_SAVES; j++) each[j] = j;
  const cubie_i64 irregular[] = {0, 1, 2, 3, 17, 18, 60, 61, 140, 199, 200, 299, 300, 599, N_SAVES};
  const cubie_i64 *bounds[2] = {each, irregular};
  const int n_bounds[2] = {N_SAVES + 1, (int)(sizeof irregular / sizeof irregular[0])};
  for (int k = 0; k < 2; k++) {
    harness h;
    setup(&h);
    CHECK_INT(harness_run_windows(&h, bounds[k], n_bounds[k]), 0);
    CHECK(harness_identical(&ref, &h));
    for (int r = 0; r < N_RUNS; r++) CHECK_INT(h.status[r], ref.status[r]);
    harness_free(&h);
  }
  harness_free(&ref);
  CHECK_DONE();
}
