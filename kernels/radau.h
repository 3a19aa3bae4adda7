/* radau.h — step family RADAU: the 3-stage Radau IIA method of order 5
 * (radau5) with Hairer's RADAU5 strategy, behind the step contract of
 * step.h, solving its linear systems through linsolve.h (the real matrix
 * and the complex pair).
 *
 * Responsible for the arithmetic of a step (the collocation equations, the
 * error estimate, the dense output), the simplified Newton iteration's
 * control and the Jacobian/LU reuse policy. It never decides whether a step
 * is accepted (it may only propose the next step after the controller has
 * judged one: cubie_step_propose), never touches time beyond t + h and never
 * writes outputs. Loops over states run over compile-time CUBIE_N_STATES.
 *
 * Source: E. Hairer, G. Wanner, Solving Ordinary Differential Equations II
 * (2nd ed., 1996), IV.8, and their code radau5.f (RADCOR, SLVRAD, ESTRAD,
 * CONTR5); coefficients and the transformation: radau_tableaus.h. Written
 * anew for one run per thread, with the strategy and defaults of radau5.f:
 *
 * Newton (HNW II, IV.8, eqs. (8.15)-(8.18)). Stage increments Z_i = Y_i − y
 * and W = (T⁻¹ ⊗ I) Z; each iteration evaluates f at the three stages and
 * solves, for the increment ΔW,
 *   ((γ/h) I − J) ΔW_1 = (T⁻¹F)_1 − (γ/h) W_1                (real LU)
 *   (((α + iβ)/h) I − J)(ΔW_2 + iΔW_3) = (T⁻¹F)_2 − (α W_2 − β W_3)/h
 *                                   + i ((T⁻¹F)_3 − (β W_2 + α W_3)/h)  (complex LU)
 * then W += ΔW, Z = (T ⊗ I) W. The increments' norm ‖ΔW‖ (weights
 * sc_i = atol + rtol |y_i| at the step's start) gives the convergence rate
 * θ_k = ‖ΔW_k‖/‖ΔW_{k−1}‖ (from the third iteration the geometric mean of
 * the last two, as radau5.f); the iteration
 *   - stops when η ‖ΔW_k‖ <= κ, η = θ/(1 − θ) (the first iteration uses
 *     the previous step's η, raised to the power 0.8: radau5.f's FACCON),
 *     κ = fnewt = max(10 ε / rtol, min(0.03, rtol^(1/2)));
 *   - fails (CUBIE_STEP_NEWTON_FAILED) when θ >= 0.99 (divergence) or after
 *     CUBIE_RADAU_NEWTON_MAX (radau5.f's NIT = 7) iterations — the step is
 *     then retried with h/2 (cubie_step_propose) — or, with an adaptive
 *     controller, as soon as it predicts that it cannot converge in time
 *     (η ‖ΔW_k‖ θ^(NIT−1−k) > κ): retried with
 *     h · 0.8 q^(−1/(4 + NIT − 1 − k)), q = min(20, that ratio).
 *   Starting values: the previous step's collocation polynomial
 *   extrapolated to the new nodes; zero on the first step.
 * Error estimate (radau5.f's ESTRAD, HNW II, eq. (8.20)):
 *   e = ((γ/h) I − J)⁻¹ (f(t, y) + (d_1 Z_1 + d_2 Z_2 + d_3 Z_3)/h),
 *   err = max(‖e‖, 1e-10) with the weights above (error order 3: the
 *   estimate is O(h⁴)). On the first step and after a rejection, an
 *   estimate >= 1 is improved once: e ← ((γ/h) I − J)⁻¹ (f(t, y + e) +
 *   (d·Z)/h) (one more f: for very stiff components the first estimate is
 *   too pessimistic).
 * Jacobian and LU reuse (radau5.f's THET = 0.001, QUOT1 = 1, QUOT2 = 1.2):
 *   - after an accepted step whose Newton iteration converged with
 *     θ <= THET, J is kept for the next step; else a fresh J is taken at
 *     the next point;
 *   - when J is kept and the controller's next step is within [QUOT1,
 *     QUOT2]·h, the step is kept at h (cubie_step_propose) and both LUs
 *     serve the next step too; otherwise the two matrices are refactored;
 *   - after a rejected attempt (error too large, Newton failure, singular
 *     matrix) a J taken at this point is kept (only the LUs are redone for
 *     the smaller h); a J from an earlier point is replaced.
 *   In fixed-step runs (no controller) the same rules hold with h fixed:
 *   the LUs are kept while J is, and a Newton failure stops the run.
 * Fixed-step runs with atol = rtol = 0 (tolerances only steer Newton
 * there) iterate to CUBIE_RADAU_TOL_FLOOR (relative and absolute).
 *
 * Time windows: the family persists the point J was taken at (t_J, y_J),
 * the reuse flags, the step the LUs in the buffer were made for, the last
 * accepted step and its collocation polynomial, FACCON and f(t, y); a new
 * window rebuilds J and the LUs (same functions, same arguments: the same
 * bits) without counting them, so saves, counters and decisions are those
 * of one window. Attempts keep their own results (θ, FACCON, the proposed
 * reduction) apart until accept/reject commits them.
 *
 * Buffers (buffers.def, owner RADAU): Z and W (3N each), CONT (3N, the
 * collocation polynomial), STAGE_STATE (stage arguments; the estimate; the
 * dense-output result), F0, JACOBIAN_POINT; the linear solver's own (owner
 * LINSOLVE, real and complex). Persisted (CUBIE_STEP_PERSIST_FIELDS =
 * 10 + 5N, methods.def): f0_valid, jac_valid, jac_current, jac_refresh,
 * cont_valid, rejected, t_J, h_lu, h_old, faccon, F0, JACOBIAN_POINT, CONT.
 */
#ifndef CUBIE_RADAU_H
#define CUBIE_RADAU_H

#include "step.h"
#include "radau_tableaus.h"
#include "linsolve.h"

#if CUBIE_METHOD_STAGES != 3 || CUBIE_METHOD_JACOBIAN != 2
#error "radau.h: the RADAU family's method has 3 stages and a complex pair (methods.def)"
#endif

/* radau5.f's defaults: NIT, THET, QUOT1, QUOT2. */
#define CUBIE_RADAU_NEWTON_MAX 7
#define CUBIE_RADAU_THET 0.001
#define CUBIE_RADAU_QUOT1 1.0
#define CUBIE_RADAU_QUOT2 1.2
/* The LUs serve a step within this (relative) of the one they were made for
 * (fixed steps t0 + n·dt differ by the rounding of time only). */
#define CUBIE_RADAU_LU_REUSE_RTOL 1e-8
/* Tolerances a fixed-step run without any gets for its Newton iteration. */
#define CUBIE_RADAU_TOL_FLOOR (100.0 * CUBIE_REAL_EPSILON)
/* An iterative linear solver's tolerance (linsolve.h's
 * cubie_linsolve_accuracy) as a fraction of Newton's fnewt (as sdirk.h's
 * CUBIE_DIRK_LINEAR_FRACTION). Direct solvers ignore it. */
#define CUBIE_RADAU_LINEAR_FRACTION 1e-4

#define CUBIE_RADAU_N CUBIE_N_STATES

typedef struct cubie_radau_state {
  /* Persisted: */
  int f0_valid;      /* F0 holds f(t, y) of the current point */
  int jac_valid;     /* the solver holds J taken at (t_jac, JACOBIAN_POINT) */
  int jac_current;   /* ... and that point is the current one (radau5.f's CALJAC) */
  int jac_refresh;   /* the next attempt needs a fresh J */
  int cont_valid;    /* CONT holds the last accepted step's polynomial (not the first step) */
  int rejected;      /* the last attempt was rejected (radau5.f's REJECT) */
  double t_jac;
  double h_lu;       /* the step of the LUs in the buffer after the last committed attempt; 0: none */
  double h_old;      /* the last accepted step (CONT's) */
  cubie_real faccon; /* radau5.f's FACCON: η of the last Newton iteration */
  /* Not persisted (an attempt's results until accept/reject; restores): */
  double h_buf;      /* the step the LUs in the buffer are for now; 0: none */
  double h_try;      /* the attempt's step */
  cubie_real faccon_try;
  cubie_real theta;  /* the attempt's convergence rate */
  cubie_real fail_gain; /* a failed attempt's h_new/h (0: the controller's) */
  int keep_h;        /* the accepted step's LUs may serve the next one */
  int jac_restore;   /* new window: rebuild J at the persisted point (uncounted) */
  int lu_restore;    /* new window: rebuild the LUs for h_lu (uncounted) */
} cubie_radau_state;

typedef struct cubie_radau_work {
  cubie_real *z;     /* RADAU.Z: Z_1, Z_2, Z_3 */
  cubie_real *wt;    /* RADAU.W: W = (T⁻¹ ⊗ I) Z */
  cubie_real *cont;  /* RADAU.CONT: the last accepted step's polynomial */
  cubie_real *stage; /* RADAU.STAGE_STATE */
  cubie_real *f0;    /* RADAU.F0 */
  cubie_real *y_jac; /* RADAU.JACOBIAN_POINT */
  cubie_linsolve_work ls;
} cubie_radau_work;

#define CUBIE_RADAU_DECLARE_WORK(w)                  \
  CUBIE_BUFFER(RADAU, Z, w##_z_);                    \
  CUBIE_BUFFER(RADAU, W, w##_wt_);                   \
  CUBIE_BUFFER(RADAU, CONT, w##_cont_);              \
  CUBIE_BUFFER(RADAU, STAGE_STATE, w##_stage_);      \
  CUBIE_BUFFER(RADAU, F0, w##_f0_);                  \
  CUBIE_BUFFER(RADAU, JACOBIAN_POINT, w##_y_jac_);   \
  CUBIE_LINSOLVE_DECLARE_WORK(w##_ls_);              \
  cubie_radau_work w;                                \
  w.z = w##_z_;                                      \
  w.wt = w##_wt_;                                    \
  w.cont = w##_cont_;                                \
  w.stage = w##_stage_;                              \
  w.f0 = w##_f0_;                                    \
  w.y_jac = w##_y_jac_;                              \
  w.ls = w##_ls_

/* Whether LUs made for step h_lu (0: none) serve a step h. */
CUBIE_INLINE int cubie_radau_lu_fits(double h_lu, double h) {
  return h_lu > 0.0 && fabs(h - h_lu) <= CUBIE_RADAU_LU_REUSE_RTOL * h;
}

/* Both iteration matrices for step h: (γ/h) I − J and ((α + iβ)/h) I − J.
 * The one call site, so rebuilt LUs have the bits of the originals. */
CUBIE_DEVICE int cubie_radau_factor(cubie_radau_work *w, double h, cubie_i64 *counters) {
  const double inv_h = 1.0 / h;
  const int rc = cubie_linsolve_factor(&w->ls, (cubie_real)(CUBIE_RADAU_GAMMA * inv_h), counters);
  if (rc != CUBIE_STEP_OK) return rc;
  return cubie_linsolve_factor_complex(&w->ls, (cubie_real)(CUBIE_RADAU_ALPHA * inv_h),
                                       (cubie_real)(CUBIE_RADAU_BETA * inv_h), counters);
}

/* The weights' tolerances: the run's, or the floor when it gives none
 * (fixed step); 1/sc_i is formed per use. */
CUBIE_INLINE void cubie_radau_tolerances(const cubie_chunk_args *a, cubie_real *atol,
                                         cubie_real *rtol) {
  const int none = !(a->atol > 0.0) && !(a->rtol > 0.0);
  *atol = (cubie_real)(none ? CUBIE_RADAU_TOL_FLOOR : a->atol);
  *rtol = (cubie_real)(none ? CUBIE_RADAU_TOL_FLOOR : a->rtol);
}

/* The collocation polynomial of a step from Z (radau5.f's CONT): with
 * s = (τ − t_end)/h ∈ [−1, 0], y(τ) = y_new + s (a1 + (s − c2 + 1)(a2 +
 * (s − c1 + 1) a3)). Component n's (a1, a2, a3). */
CUBIE_INLINE void cubie_radau_poly(const cubie_real *CUBIE_RESTRICT z, int n, cubie_real *a1,
                                   cubie_real *a2, cubie_real *a3) {
  const cubie_real z1 = z[n], z2 = z[CUBIE_RADAU_N + n], z3 = z[2 * CUBIE_RADAU_N + n];
  const cubie_real ak1 = (z2 - z3) * (cubie_real)(1.0 / CUBIE_RADAU_C2M1);
  const cubie_real ak = (z1 - z2) * (cubie_real)(1.0 / CUBIE_RADAU_C1MC2);
  const cubie_real acont3 = (ak - z1 * (cubie_real)(1.0 / CUBIE_RADAU_C1)) *
                            (cubie_real)(1.0 / CUBIE_RADAU_C2);
  const cubie_real ak2 = (ak - ak1) * (cubie_real)(1.0 / CUBIE_RADAU_C1M1);
  *a1 = ak1;
  *a2 = ak2;
  *a3 = ak2 - acont3;
}

/* ---- the step contract (step.h), under the family's own names ----------- */

CUBIE_DEVICE void cubie_radau_start(cubie_radau_state *st, cubie_radau_work *w) {
  st->f0_valid = 0;
  st->jac_valid = 0;
  st->jac_current = 0;
  st->jac_refresh = 0;
  st->cont_valid = 0;
  st->rejected = 0;
  st->t_jac = 0.0;
  st->h_lu = 0.0;
  st->h_old = 0.0;
  st->faccon = (cubie_real)1;
  st->h_buf = 0.0;
  st->h_try = 0.0;
  st->faccon_try = (cubie_real)1;
  st->theta = (cubie_real)0;
  st->fail_gain = (cubie_real)0;
  st->keep_h = 0;
  st->jac_restore = 0;
  st->lu_restore = 0;
  for (int n = 0; n < CUBIE_RADAU_N; n++) { /* persisted as they are */
    w->f0[n] = (cubie_real)0;
    w->y_jac[n] = (cubie_real)0;
  }
  for (int n = 0; n < 3 * CUBIE_RADAU_N; n++) w->cont[n] = (cubie_real)0;
}

CUBIE_DEVICE double cubie_radau_first_step(cubie_radau_state *st, cubie_radau_work *w, double t,
                                           const cubie_real *CUBIE_RESTRICT y,
                                           const cubie_real *CUBIE_RESTRICT p,
                                           const cubie_chunk_args *a, cubie_i64 *counters) {
  /* f0 is kept for the first attempt; a row of Z and STAGE_STATE are scratch. */
  cubie_model_rhs(t, y, p, w->f0);
  st->f0_valid = 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 2;
  return cubie_initial_step(t, a->t_end, y, p, w->f0, w->z, w->stage, a, CUBIE_METHOD_ORDER);
}

CUBIE_INLINE void cubie_radau_begin(cubie_radau_state *st, cubie_radau_work *w, double t,
                                    double h, const cubie_real *CUBIE_RESTRICT y,
                                    const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)h;
  const int fresh = !st->jac_valid || st->jac_refresh;
  if (fresh || st->jac_restore) {
    /* One call site for a new J and for the J a new window restores
     * (uncounted), so a restored J has the bits of the original. f(t, y)
     * comes with a new J; when F0 holds it already it lands in scratch. */
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const int restore = !fresh;
    cubie_linsolve_jacobian(&w->ls, restore ? st->t_jac : t, restore ? w->y_jac : y, p,
                            (restore || st->f0_valid) ? w->stage : w->f0,
                            restore ? uncounted : counters);
    st->jac_restore = 0;
    if (fresh) {
      for (int n = 0; n < CUBIE_RADAU_N; n++) w->y_jac[n] = y[n];
      st->t_jac = t;
      st->f0_valid = 1;
      st->jac_valid = 1;
      st->jac_current = 1;
      st->jac_refresh = 0;
      st->h_lu = 0.0;
      st->h_buf = 0.0;
      st->lu_restore = 0;
    }
  }
  /* f(t, y) feeds the error estimate only. */
  if (CUBIE_CONTROLLER_ADAPTIVE && !st->f0_valid) {
    cubie_model_rhs(t, y, p, w->f0);
    counters[CUBIE_COUNTER_RHS_EVALS] += 1;
    st->f0_valid = 1;
  }
}

/* ‖v‖ over k·N components with the weights 1/sc_i (sc_i = atol + rtol |y_i|),
 * the rows of v being k vectors of N. */
CUBIE_INLINE cubie_real cubie_radau_norm(const cubie_real *CUBIE_RESTRICT v, int rows,
                                         const cubie_real *CUBIE_RESTRICT y, cubie_real atol,
                                         cubie_real rtol) {
  cubie_real sum = (cubie_real)0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_RADAU_N; n++) {
    const cubie_real inv_sc = (cubie_real)1 / (atol + rtol * cubie_fabs(y[n]));
    CUBIE_UNROLL
    for (int k = 0; k < rows; k++) {
      const cubie_real r = v[k * CUBIE_RADAU_N + n] * inv_sc;
      sum += r * r;
    }
  }
  return cubie_sqrt(sum / (cubie_real)(rows * CUBIE_RADAU_N));
}

/* Newton's outcome and the reduction it proposes for the retry. */
CUBIE_INLINE int cubie_radau_newton_failed(cubie_radau_state *st, int outcome, cubie_real gain,
                                           cubie_real *err) {
  st->fail_gain = gain;
  *err = (cubie_real)-1;
  return outcome;
}

CUBIE_DEVICE int cubie_radau_attempt(cubie_radau_state *st, cubie_radau_work *w, double t,
                                     double h, const cubie_real *CUBIE_RESTRICT y,
                                     const cubie_real *CUBIE_RESTRICT p,
                                     cubie_real *CUBIE_RESTRICT y_new, const cubie_chunk_args *a,
                                     cubie_real *err, cubie_i64 *counters) {
  const int N = CUBIE_RADAU_N;
  st->h_try = h;
  st->fail_gain = (cubie_real)0;
  st->faccon_try = st->faccon;
  st->theta = (cubie_real)CUBIE_RADAU_THET;
  /* A new time window first rebuilds, uncounted, the LUs one window would
   * still hold (when this attempt can use them). */
  const int rebuild = st->lu_restore && cubie_radau_lu_fits(st->h_lu, h);
  st->lu_restore = 0;
  if (rebuild || !cubie_radau_lu_fits(st->h_buf, h)) {
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const double h_lu = rebuild ? st->h_lu : h;
    const int rc = cubie_radau_factor(w, h_lu, rebuild ? uncounted : counters);
    if (rc != CUBIE_STEP_OK) {
      st->h_buf = 0.0;
      return cubie_radau_newton_failed(st, rc, (cubie_real)0.5, err);
    }
    st->h_buf = h_lu;
  }
  cubie_real atol, rtol;
  cubie_radau_tolerances(a, &atol, &rtol);
  const cubie_real eps = (cubie_real)CUBIE_REAL_EPSILON;
  const cubie_real rtol_n = cubie_max(rtol, (cubie_real)10 * eps);
  const cubie_real fnewt =
      cubie_max((cubie_real)10 * eps / rtol_n,
                cubie_min((cubie_real)0.03, cubie_sqrt(rtol_n)));
  cubie_linsolve_accuracy(&w->ls, atol, rtol, (cubie_real)CUBIE_RADAU_LINEAR_FRACTION * fnewt);
  /* The right-hand side's shifts use the attempt's h (the LUs may be for a
   * step within CUBIE_RADAU_LU_REUSE_RTOL of it: a simplified Newton
   * iteration converges to the same collocation solution). */
  const double inv_h = 1.0 / h;
  const cubie_real fac1 = (cubie_real)(CUBIE_RADAU_GAMMA * inv_h);
  const cubie_real alphn = (cubie_real)(CUBIE_RADAU_ALPHA * inv_h);
  const cubie_real betan = (cubie_real)(CUBIE_RADAU_BETA * inv_h);
  cubie_real *CUBIE_RESTRICT z = w->z;
  cubie_real *CUBIE_RESTRICT wt = w->wt;

  /* Starting values: the last step's polynomial at the new nodes. */
  if (st->cont_valid) {
    const cubie_real c3q = (cubie_real)(h / st->h_old);
    const cubie_real c1q = (cubie_real)CUBIE_RADAU_C1 * c3q, c2q = (cubie_real)CUBIE_RADAU_C2 * c3q;
    const cubie_real c2m1 = (cubie_real)CUBIE_RADAU_C2M1, c1m1 = (cubie_real)CUBIE_RADAU_C1M1;
    CUBIE_UNROLL
    for (int n = 0; n < N; n++) {
      const cubie_real ak1 = w->cont[n], ak2 = w->cont[N + n], ak3 = w->cont[2 * N + n];
      const cubie_real z1 = c1q * (ak1 + (c1q - c2m1) * (ak2 + (c1q - c1m1) * ak3));
      const cubie_real z2 = c2q * (ak1 + (c2q - c2m1) * (ak2 + (c2q - c1m1) * ak3));
      const cubie_real z3 = c3q * (ak1 + (c3q - c2m1) * (ak2 + (c3q - c1m1) * ak3));
      z[n] = z1;
      z[N + n] = z2;
      z[2 * N + n] = z3;
      wt[n] = (cubie_real)CUBIE_RADAU_TI11 * z1 + (cubie_real)CUBIE_RADAU_TI12 * z2 +
              (cubie_real)CUBIE_RADAU_TI13 * z3;
      wt[N + n] = (cubie_real)CUBIE_RADAU_TI21 * z1 + (cubie_real)CUBIE_RADAU_TI22 * z2 +
                  (cubie_real)CUBIE_RADAU_TI23 * z3;
      wt[2 * N + n] = (cubie_real)CUBIE_RADAU_TI31 * z1 + (cubie_real)CUBIE_RADAU_TI32 * z2 +
                      (cubie_real)CUBIE_RADAU_TI33 * z3;
    }
  } else {
    CUBIE_UNROLL
    for (int n = 0; n < 3 * N; n++) {
      z[n] = (cubie_real)0;
      wt[n] = (cubie_real)0;
    }
  }

  /* The simplified Newton iteration. */
  cubie_real faccon = cubie_pow(cubie_max(st->faccon, eps), (cubie_real)0.8);
  st->faccon_try = faccon;
  cubie_real theta = (cubie_real)CUBIE_RADAU_THET;
  cubie_real dynold = (cubie_real)1, thqold = (cubie_real)1;
  int newt = 0;
  for (;;) {
    if (newt >= CUBIE_RADAU_NEWTON_MAX)
      return cubie_radau_newton_failed(st, CUBIE_STEP_NEWTON_FAILED, (cubie_real)0.5, err);
    /* f at the three stages, in place of Z. */
    CUBIE_UNROLL
    for (int i = 0; i < 3; i++) {
      const double ci = i == 0 ? CUBIE_RADAU_C1 : (i == 1 ? CUBIE_RADAU_C2 : 1.0);
      CUBIE_UNROLL
      for (int n = 0; n < N; n++) w->stage[n] = y[n] + z[i * N + n];
      cubie_model_rhs(i == 2 ? t + h : t + ci * h, w->stage, p, z + i * N);
    }
    counters[CUBIE_COUNTER_RHS_EVALS] += 3;
    /* The transformed right-hand sides (radau5.f's SLVRAD), then the solves. */
    CUBIE_UNROLL
    for (int n = 0; n < N; n++) {
      const cubie_real a1 = z[n], a2 = z[N + n], a3 = z[2 * N + n];
      const cubie_real w1 = wt[n], w2 = wt[N + n], w3 = wt[2 * N + n];
      z[n] = (cubie_real)CUBIE_RADAU_TI11 * a1 + (cubie_real)CUBIE_RADAU_TI12 * a2 +
             (cubie_real)CUBIE_RADAU_TI13 * a3 - fac1 * w1;
      z[N + n] = (cubie_real)CUBIE_RADAU_TI21 * a1 + (cubie_real)CUBIE_RADAU_TI22 * a2 +
                 (cubie_real)CUBIE_RADAU_TI23 * a3 - alphn * w2 + betan * w3;
      z[2 * N + n] = (cubie_real)CUBIE_RADAU_TI31 * a1 + (cubie_real)CUBIE_RADAU_TI32 * a2 +
                     (cubie_real)CUBIE_RADAU_TI33 * a3 - alphn * w3 - betan * w2;
    }
    cubie_linsolve_solve(&w->ls, z, counters);
    cubie_linsolve_solve_complex(&w->ls, z + N, z + 2 * N, counters);
    newt += 1;
    counters[CUBIE_COUNTER_NEWTON] += 1;
    const cubie_real dyno = cubie_radau_norm(z, 3, y, atol, rtol);
    if (!cubie_isfinite((double)dyno))
      return cubie_radau_newton_failed(st, CUBIE_STEP_NONFINITE, (cubie_real)0, err);
    if (newt > 1 && newt < CUBIE_RADAU_NEWTON_MAX) {
      const cubie_real thq = dyno / dynold;
      theta = newt == 2 ? thq : cubie_sqrt(thq * thqold);
      thqold = thq;
      if (!(theta < (cubie_real)0.99)) /* diverging */
        return cubie_radau_newton_failed(st, CUBIE_STEP_NEWTON_FAILED, (cubie_real)0.5, err);
      faccon = theta / ((cubie_real)1 - theta);
      st->faccon_try = faccon;
#if CUBIE_CONTROLLER_ADAPTIVE
      /* Would it converge within the iterations left? Else retry now with
       * the step radau5.f predicts. */
      cubie_real left = (cubie_real)1;
      for (int k = newt; k < CUBIE_RADAU_NEWTON_MAX - 1; k++) left *= theta;
      const cubie_real dyth = faccon * dyno * left / fnewt;
      if (dyth >= (cubie_real)1) {
        const cubie_real qnewt = cubie_min(dyth, (cubie_real)20);
        const cubie_real gain =
            (cubie_real)0.8 *
            cubie_pow(qnewt, (cubie_real)-1 / (cubie_real)(4 + CUBIE_RADAU_NEWTON_MAX - 1 - newt));
        return cubie_radau_newton_failed(st, CUBIE_STEP_NEWTON_FAILED, gain, err);
      }
#endif
    }
    dynold = cubie_max(dyno, eps);
    CUBIE_UNROLL
    for (int n = 0; n < N; n++) {
      const cubie_real w1 = wt[n] + z[n], w2 = wt[N + n] + z[N + n],
                       w3 = wt[2 * N + n] + z[2 * N + n];
      wt[n] = w1;
      wt[N + n] = w2;
      wt[2 * N + n] = w3;
      z[n] = (cubie_real)CUBIE_RADAU_T11 * w1 + (cubie_real)CUBIE_RADAU_T12 * w2 +
             (cubie_real)CUBIE_RADAU_T13 * w3;
      z[N + n] = (cubie_real)CUBIE_RADAU_T21 * w1 + (cubie_real)CUBIE_RADAU_T22 * w2 +
                 (cubie_real)CUBIE_RADAU_T23 * w3;
      z[2 * N + n] = (cubie_real)CUBIE_RADAU_T31 * w1 + w2;
    }
      if (!(faccon * dyno > fnewt)) break;
  }
  st->theta = theta;

  int finite = 1;
  CUBIE_UNROLL
  for (int n = 0; n < N; n++) {
    y_new[n] = y[n] + z[2 * N + n];
    finite &= cubie_isfinite((double)y_new[n]);
  }
  if (!finite) return cubie_radau_newton_failed(st, CUBIE_STEP_NONFINITE, (cubie_real)0, err);
#if CUBIE_CONTROLLER_ADAPTIVE
  /* The estimate (radau5.f's ESTRAD): W's rows are free now. */
  cubie_real *CUBIE_RESTRICT dz = wt;         /* (d·Z)/h */
  cubie_real *CUBIE_RESTRICT f1 = wt + N;     /* f(t, y + e) */
  cubie_real *CUBIE_RESTRICT e = w->stage;
  const cubie_real hee1 = (cubie_real)(CUBIE_RADAU_DD1 * inv_h);
  const cubie_real hee2 = (cubie_real)(CUBIE_RADAU_DD2 * inv_h);
  const cubie_real hee3 = (cubie_real)(CUBIE_RADAU_DD3 * inv_h);
  CUBIE_UNROLL
  for (int n = 0; n < N; n++) {
    dz[n] = hee1 * z[n] + hee2 * z[N + n] + hee3 * z[2 * N + n];
    e[n] = dz[n] + w->f0[n];
  }
  cubie_linsolve_solve(&w->ls, e, counters);
  cubie_real norm = cubie_radau_norm(e, 1, y, atol, rtol);
  if (norm >= (cubie_real)1 && (!st->cont_valid || st->rejected)) {
    CUBIE_UNROLL
    for (int n = 0; n < N; n++) e[n] += y[n];
    cubie_model_rhs(t, e, p, f1);
    counters[CUBIE_COUNTER_RHS_EVALS] += 1;
    CUBIE_UNROLL
    for (int n = 0; n < N; n++) e[n] = f1[n] + dz[n];
    cubie_linsolve_solve(&w->ls, e, counters);
    norm = cubie_radau_norm(e, 1, y, atol, rtol);
  }
  if (!cubie_isfinite((double)norm))
    return cubie_radau_newton_failed(st, CUBIE_STEP_NONFINITE, (cubie_real)0, err);
  *err = cubie_max(norm, (cubie_real)1e-10);
#else
  (void)err;
#endif
  return CUBIE_STEP_OK;
}

/* The step is taken: the collocation polynomial becomes the next step's
 * predictor, and the Newton iteration's rate decides whether J (and, if h
 * stays, the LUs) serve the next step. */
CUBIE_INLINE void cubie_radau_accept(cubie_radau_state *st, cubie_radau_work *w, double t_new,
                                     const cubie_real *CUBIE_RESTRICT y_new,
                                     const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
  for (int n = 0; n < CUBIE_RADAU_N; n++) {
    cubie_real a1, a2, a3;
    cubie_radau_poly(w->z, n, &a1, &a2, &a3);
    w->cont[n] = a1;
    w->cont[CUBIE_RADAU_N + n] = a2;
    w->cont[2 * CUBIE_RADAU_N + n] = a3;
  }
  st->cont_valid = 1;
  st->h_old = st->h_try;
  st->rejected = 0;
  st->faccon = st->faccon_try;
  st->keep_h = st->theta <= (cubie_real)CUBIE_RADAU_THET;
  st->jac_refresh = !st->keep_h;
  st->jac_current = 0;
  st->h_lu = st->h_buf;
  st->f0_valid = 0;
}

/* A rejected attempt: the next one starts from the same point; a J from an
 * earlier point is replaced, one from this point kept. */
CUBIE_INLINE void cubie_radau_reject(cubie_radau_state *st, cubie_radau_work *w, int outcome) {
  (void)w;
  (void)outcome;
  st->rejected = 1;
  st->faccon = st->faccon_try;
  st->keep_h = 0;
  if (!st->jac_current) st->jac_refresh = 1;
  st->h_lu = st->h_buf;
}

/* The next step after the controller judged an attempt of size h and
 * proposed h_next (step.h): a failed Newton iteration or matrix proposes
 * its own reduction; an accepted step whose J and LUs are kept stays at h
 * when h_next is within [QUOT1, QUOT2]·h, so the LUs serve it too. */
CUBIE_INLINE double cubie_radau_propose(const cubie_radau_state *st, double h, double h_next,
                                        int accepted) {
  if (!accepted) return st->fail_gain > (cubie_real)0 ? h * (double)st->fail_gain : h_next;
  if (st->keep_h && h_next >= CUBIE_RADAU_QUOT1 * h && h_next <= CUBIE_RADAU_QUOT2 * h) return h;
  return h_next;
}

/* The collocation polynomial at t + θh, into STAGE_STATE. No evaluations. */
CUBIE_INLINE const cubie_real *cubie_radau_dense_output(cubie_radau_state *st,
                                                       cubie_radau_work *w, double t, double h,
                                                       double theta,
                                                       const cubie_real *CUBIE_RESTRICT y,
                                                       const cubie_real *CUBIE_RESTRICT y_new,
                                                       const cubie_real *CUBIE_RESTRICT p,
                                                       cubie_i64 *counters) {
  (void)st;
  (void)t;
  (void)h;
  (void)y;
  (void)p;
  (void)counters;
  const cubie_real s = (cubie_real)(theta - 1.0);
  const cubie_real s2 = s - (cubie_real)CUBIE_RADAU_C2M1, s1 = s - (cubie_real)CUBIE_RADAU_C1M1;
  for (int n = 0; n < CUBIE_RADAU_N; n++) {
    cubie_real a1, a2, a3;
    cubie_radau_poly(w->z, n, &a1, &a2, &a3);
    w->stage[n] = y_new[n] + s * (a1 + s2 * (a2 + s1 * a3));
  }
  return w->stage;
}

CUBIE_DEVICE void cubie_radau_persist_store(const cubie_radau_state *st,
                                            const cubie_radau_work *w, double *base,
                                            cubie_i64 stride) {
  base[0] = (double)st->f0_valid;
  base[1 * stride] = (double)st->jac_valid;
  base[2 * stride] = (double)st->jac_current;
  base[3 * stride] = (double)st->jac_refresh;
  base[4 * stride] = (double)st->cont_valid;
  base[5 * stride] = (double)st->rejected;
  base[6 * stride] = st->t_jac;
  base[7 * stride] = st->h_lu;
  base[8 * stride] = st->h_old;
  base[9 * stride] = (double)st->faccon;
  for (int n = 0; n < CUBIE_RADAU_N; n++) {
    base[(10 + n) * stride] = (double)w->f0[n];
    base[(10 + CUBIE_RADAU_N + n) * stride] = (double)w->y_jac[n];
  }
  for (int n = 0; n < 3 * CUBIE_RADAU_N; n++)
    base[(10 + 2 * CUBIE_RADAU_N + n) * stride] = (double)w->cont[n];
}

CUBIE_DEVICE void cubie_radau_persist_load(cubie_radau_state *st, cubie_radau_work *w,
                                           const double *base, cubie_i64 stride) {
  st->f0_valid = (int)base[0];
  st->jac_valid = (int)base[1 * stride];
  st->jac_current = (int)base[2 * stride];
  st->jac_refresh = (int)base[3 * stride];
  st->cont_valid = (int)base[4 * stride];
  st->rejected = (int)base[5 * stride];
  st->t_jac = base[6 * stride];
  st->h_lu = base[7 * stride];
  st->h_old = base[8 * stride];
  st->faccon = (cubie_real)base[9 * stride];
  for (int n = 0; n < CUBIE_RADAU_N; n++) {
    w->f0[n] = (cubie_real)base[(10 + n) * stride];
    w->y_jac[n] = (cubie_real)base[(10 + CUBIE_RADAU_N + n) * stride];
  }
  for (int n = 0; n < 3 * CUBIE_RADAU_N; n++)
    w->cont[n] = (cubie_real)base[(10 + 2 * CUBIE_RADAU_N + n) * stride];
  st->h_buf = 0.0;
  st->h_try = 0.0;
  st->faccon_try = st->faccon;
  st->theta = (cubie_real)0;
  st->fail_gain = (cubie_real)0;
  st->keep_h = 0;
  st->jac_restore = st->jac_valid;
  st->lu_restore = st->h_lu > 0.0;
}

/* ---- RADAU as the selected family: step.h's names ----------------------- */
#if defined(CUBIE_STEP_FAMILY_RADAU)
#define CUBIE_STEP_ORDER CUBIE_METHOD_ORDER
#define CUBIE_STEP_ERROR_ORDER CUBIE_METHOD_ERROR_ORDER
#define CUBIE_STEP_DENSE 1
typedef cubie_radau_state cubie_step_state;
typedef cubie_radau_work cubie_step_work;
#define CUBIE_STEP_DECLARE_WORK(w) CUBIE_RADAU_DECLARE_WORK(w)
#define cubie_step_start cubie_radau_start
#define cubie_step_first_step cubie_radau_first_step
#define cubie_step_begin cubie_radau_begin
#define cubie_step_attempt cubie_radau_attempt
#define cubie_step_accept cubie_radau_accept
#define cubie_step_reject cubie_radau_reject
#define cubie_step_propose cubie_radau_propose
#define cubie_step_dense cubie_radau_dense_output
#define cubie_step_persist_store cubie_radau_persist_store
#define cubie_step_persist_load cubie_radau_persist_load
#endif

#endif
