/* sdirk.h — step family SDIRK: singly diagonally implicit Runge–Kutta
 * methods (SDIRK, and ESDIRK with an explicit first stage) with the
 * coefficients of sdirk_tableaus.h, behind the step contract of step.h,
 * each implicit stage solved by a simplified Newton iteration through the
 * linear-solver seam of linsolve.h.
 *
 * Responsible for the arithmetic of a step (stages, Newton iterations,
 * y_new, the error norm) and for the Newton control and Jacobian/LU reuse
 * policy below. It never decides whether a step is accepted (a failed
 * Newton iteration is an outcome; the loop rejects and shrinks), never
 * touches time beyond t + c_i h and never writes outputs. Stage loops are
 * unrolled with literal coefficients; loops over states run over
 * compile-time CUBIE_N_STATES.
 *
 * A step (HNW II, IV.8). Stage i solves for its increment Z_i = Y_i − y:
 *   Z_i = B_i + hγ f(t + c_i h, y + Z_i),   B_i = h Σ_{j<i} a_ij k_j,
 * and keeps k_i = (Z_i − B_i)/(hγ) (not f(Y_i): HW's choice for stiff
 * problems, and no extra evaluation). ESDIRK methods take k_1 = f(t, y).
 * Every method is stiffly accurate, so y_new = y + Z_s. The error estimate
 * is h Σ e_j k_j filtered by (I − γhJ)^-1 (Shampine's filter, as Hosea &
 * Shampine's TR-BDF2 and HW's codes do): bounded for stiff components,
 * unchanged to leading order for the others. It costs one solve.
 *
 * Simplified Newton (HNW II, IV.8, (8.10)-(8.15)): with M = c·I − J,
 * c = 1/(γh_LU), the iteration
 *   M ΔZ = f(t + c_i h, y + Z) + (B_i − Z)/(hγ),   Z ← Z + ΔZ,
 * one LU per step reused by every stage and iteration. The predictor is
 * k_i ≈ k_{i−1} (Z_i⁰ = B_i + hγ k_{i−1}; k_0 = f(t, y) for SDIRK's first
 * stage). Norm: ‖v‖ = RMS of v_n / (atol + rtol |y_n|). The rate
 * θ_k = ‖ΔZ_k‖/‖ΔZ_{k−1}‖ gives η_k = θ_k/(1 − θ_k); the stage has
 * converged when η‖ΔZ_k‖ <= κ (κ = CUBIE_DIRK_NEWTON_KAPPA, raised to
 * 10ε/rtol so round-off can always meet it). The first iteration of a stage
 * uses the last η (at the start of a step η = max(η_old, ε)^0.8, HW's
 * (8.16), 1 for a fresh run). Failure — outcome newton_failed, so the
 * attempt is rejected and the controller shrinks the step — when θ_k >= 1
 * (divergence), when θ_k^(k_max−k)/(1 − θ_k)‖ΔZ_k‖ > κ (it will not
 * converge in the iterations left), when k_max = CUBIE_DIRK_NEWTON_MAX_ITERS
 * iterations did not converge, or when ΔZ is not finite. With fixed steps
 * atol and rtol set only the Newton tolerance; a failure stops the run.
 *
 * Jacobian and LU reuse (the policy; linsolve.h only executes it). J only
 * steers the Newton iteration (the converged stages do not depend on it),
 * so it is kept as long as Newton converges fast:
 *  - J is taken at the start of a step (once per point; attempts after a
 *    rejection reuse it) when none is held, when the last accepted step's
 *    largest θ exceeded CUBIE_DIRK_JACOBIAN_THETA, or when a rejected
 *    attempt failed (Newton, singular M, non-finite values) with a J from
 *    an earlier point. A step rejected for its error keeps J.
 *  - M is refactored when J changed, or when h differs from the step M was
 *    factored for by more than CUBIE_DIRK_LU_REUSE_RTOL (relative; HW's
 *    RADAU5 keeps its LU for ratios in [1, 1.2]). Within that band the
 *    iteration uses the older M (the residual uses the true h; only the
 *    convergence rate changes, and θ watches it). Fixed steps keep J and
 *    M for as long as θ stays small.
 * Time windows: a window ends only after an accepted step, so the family
 * persists the point J was taken at (t_J, y_J), its age, a pending refresh,
 * the step of the accepted step's LU and η; the next window rebuilds J and
 * that LU from them without counting them (same function, same point: the
 * same bits), so saves, counters and reuse decisions are those of one
 * window (6 + N doubles; J itself would be N²).
 *
 * Buffers (buffers.def, owner SDIRK): STAGES (the k_i), STAGE_STATE
 * (y + Z; first-step scratch), INCREMENT (Z), KNOWN (B_i; the error
 * estimate), DELTA (f, then ΔZ), F0, JACOBIAN_POINT; the linear solver's
 * own (owner LINSOLVE). Persisted (CUBIE_STEP_PERSIST_FIELDS = 6 + N,
 * methods.def): jac_valid, jac_age, jac_refresh, t_J, h_lu, η, JACOBIAN_POINT.
 */
#ifndef CUBIE_SDIRK_H
#define CUBIE_SDIRK_H

#include "step.h"
#include "sdirk_tableaus.h"
#include "linsolve.h"

/* Newton control (HNW II, IV.8): κ of the stopping test η‖ΔZ‖ <= κ in the
 * tolerance-scaled norm (HW recommend 0.01 .. 0.1; 0.01 keeps the iteration
 * error far below the error estimate), and the iterations a stage may take
 * (RADAU5: 7; OrdinaryDiffEq.jl and diffrax: 10). */
#define CUBIE_DIRK_NEWTON_KAPPA 0.01
#define CUBIE_DIRK_NEWTON_MAX_ITERS 10
/* A step whose Newton iterations contracted slower than this asks for a
 * fresh J at the next point (RADAU5's THET is 0.001 for expensive
 * Jacobians; here a Jacobian costs about one f and M's LU N³/3, while a
 * slow iteration costs an f and a solve per stage and iteration). */
#define CUBIE_DIRK_JACOBIAN_THETA 0.05
/* M is kept while h stays within this relative distance of its step. */
#define CUBIE_DIRK_LU_REUSE_RTOL 0.2
/* An iterative linear solver's tolerance (linsolve.h's
 * cubie_linsolve_accuracy) as a fraction of Newton's κ: the iteration's
 * corrections then carry errors far below its own stopping threshold, so
 * its rate θ measures the nonlinearity, not the solver (SUNDIALS CVODE
 * takes 0.05 of its Newton tolerance likewise). Direct solvers ignore it. */
#define CUBIE_DIRK_LINEAR_FRACTION 1e-4

/* The first stage solved by Newton. */
#define CUBIE_DIRK_FIRST_IMPLICIT CUBIE_DIRK_EXPLICIT_FIRST

typedef struct cubie_dirk_state {
  int f0_valid;    /* F0 holds f(t, y) of the current point */
  int jac_valid;   /* the solver holds J taken at (t_jac, JACOBIAN_POINT) */
  int jac_age;     /* accepted steps since J was taken */
  int jac_refresh; /* a fresh J is due at the next point */
  double t_jac;
  double h_lu;     /* the step M was factored for when the last step was accepted; 0: none */
  cubie_real eta;  /* Newton's η = θ/(1 − θ), carried over (HW (8.16)) */
  /* Not persisted: */
  cubie_real theta; /* the largest θ of the last attempt */
  double h_buf;     /* the step of the LU in the solver's buffer now; 0: none */
  int jac_restore;  /* new window: rebuild J at the persisted point (uncounted) */
  int lu_restore;   /* new window: the LU for h_lu is to be rebuilt (uncounted) */
} cubie_dirk_state;

typedef struct cubie_dirk_work {
  cubie_real *k;     /* SDIRK.STAGES */
  cubie_real *stage; /* SDIRK.STAGE_STATE */
  cubie_real *z;     /* SDIRK.INCREMENT */
  cubie_real *known; /* SDIRK.KNOWN */
  cubie_real *delta; /* SDIRK.DELTA */
  cubie_real *f0;    /* SDIRK.F0 */
  cubie_real *y_jac; /* SDIRK.JACOBIAN_POINT */
  cubie_linsolve_work ls;
} cubie_dirk_work;

#define CUBIE_DIRK_DECLARE_WORK(w)                    \
  CUBIE_BUFFER(SDIRK, STAGES, w##_k_);                \
  CUBIE_BUFFER(SDIRK, STAGE_STATE, w##_stage_);       \
  CUBIE_BUFFER(SDIRK, INCREMENT, w##_z_);             \
  CUBIE_BUFFER(SDIRK, KNOWN, w##_known_);             \
  CUBIE_BUFFER(SDIRK, DELTA, w##_delta_);             \
  CUBIE_BUFFER(SDIRK, F0, w##_f0_);                   \
  CUBIE_BUFFER(SDIRK, JACOBIAN_POINT, w##_y_jac_);    \
  CUBIE_LINSOLVE_DECLARE_WORK(w##_ls_);               \
  cubie_dirk_work w;                                  \
  w.k = w##_k_;                                       \
  w.stage = w##_stage_;                               \
  w.z = w##_z_;                                       \
  w.known = w##_known_;                               \
  w.delta = w##_delta_;                               \
  w.f0 = w##_f0_;                                     \
  w.y_jac = w##_y_jac_;                               \
  w.ls = w##_ls_

/* Whether the LU made for step h_lu (0: none) serves a step h. */
CUBIE_INLINE int cubie_dirk_lu_fits(double h_lu, double h) {
  return h_lu > 0.0 && fabs(h - h_lu) <= CUBIE_DIRK_LU_REUSE_RTOL * h_lu;
}

/* RMS of v_n / (atol + rtol |y_n|): Newton's norm. Not finite when v is not. */
CUBIE_INLINE cubie_real cubie_dirk_norm(const cubie_real *CUBIE_RESTRICT v,
                                        const cubie_real *CUBIE_RESTRICT y, cubie_real atol,
                                        cubie_real rtol) {
  cubie_real sum = (cubie_real)0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    const cubie_real r = v[n] / (atol + rtol * cubie_fabs(y[n]));
    sum += r * r;
  }
  return cubie_sqrt(sum * (cubie_real)(1.0 / CUBIE_N_STATES));
}

/* ---- the step contract (step.h), under the family's own names ----------- */

CUBIE_DEVICE void cubie_dirk_start(cubie_dirk_state *st, cubie_dirk_work *w) {
  st->f0_valid = 0;
  st->jac_valid = 0;
  st->jac_age = 0;
  st->jac_refresh = 0;
  st->t_jac = 0.0;
  st->h_lu = 0.0;
  st->eta = (cubie_real)1;
  st->theta = (cubie_real)0;
  st->h_buf = 0.0;
  st->jac_restore = 0;
  st->lu_restore = 0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->y_jac[n] = (cubie_real)0; /* persisted as it is */
}

CUBIE_DEVICE double cubie_dirk_first_step(cubie_dirk_state *st, cubie_dirk_work *w, double t,
                                           const cubie_real *CUBIE_RESTRICT y,
                                           const cubie_real *CUBIE_RESTRICT p,
                                           const cubie_chunk_args *a, cubie_i64 *counters) {
  /* f0 is kept for the first attempt; DELTA and STAGE_STATE are scratch. */
  cubie_model_rhs(t, y, p, w->f0);
  st->f0_valid = 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 2;
  return cubie_initial_step(t, a->t_end, y, p, w->f0, w->delta, w->stage, a, CUBIE_METHOD_ORDER);
}

CUBIE_INLINE void cubie_dirk_begin(cubie_dirk_state *st, cubie_dirk_work *w, double t, double h,
                                    const cubie_real *CUBIE_RESTRICT y,
                                    const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)h;
  const int fresh = !st->jac_valid || st->jac_refresh;
  if (fresh || st->jac_restore) {
    /* One call site for a new J and for the J a new time window restores
     * (uncounted: one window had it already), so a restored J has the bits
     * of the original. f(t, y) comes with a new J; when F0 already holds it
     * (a retry) or J is restored, it lands in scratch. */
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const int restore = !fresh;
    cubie_linsolve_jacobian(&w->ls, restore ? st->t_jac : t, restore ? w->y_jac : y, p,
                            (restore || st->f0_valid) ? w->delta : w->f0,
                            restore ? uncounted : counters);
    st->jac_restore = 0;
    if (fresh) {
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) w->y_jac[n] = y[n];
      st->t_jac = t;
      st->f0_valid = 1;
      st->jac_valid = 1;
      st->jac_age = 0;
      st->jac_refresh = 0;
      st->h_lu = 0.0;
      st->h_buf = 0.0;
      st->lu_restore = 0;
    }
  }
  if (!st->f0_valid) {
    cubie_model_rhs(t, y, p, w->f0);
    counters[CUBIE_COUNTER_RHS_EVALS] += 1;
    st->f0_valid = 1;
  }
}

CUBIE_INLINE int cubie_dirk_attempt(cubie_dirk_state *st, cubie_dirk_work *w, double t, double h,
                                     const cubie_real *CUBIE_RESTRICT y,
                                     const cubie_real *CUBIE_RESTRICT p,
                                     cubie_real *CUBIE_RESTRICT y_new, const cubie_chunk_args *a,
                                     cubie_real *err, cubie_i64 *counters) {
  /* A new time window first rebuilds, uncounted, the LU one window would
   * still hold (when this attempt can use it); one call site, so the bits
   * are the original's. */
  const int rebuild = st->lu_restore && cubie_dirk_lu_fits(st->h_lu, h);
  st->lu_restore = 0;
  st->theta = (cubie_real)0;
  if (rebuild || !cubie_dirk_lu_fits(st->h_buf, h)) {
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const double h_lu = rebuild ? st->h_lu : h;
    const int rc = cubie_linsolve_factor(&w->ls, (cubie_real)(1.0 / (CUBIE_DIRK_GAMMA * h_lu)),
                                         rebuild ? uncounted : counters);
    if (rc != CUBIE_STEP_OK) {
      st->h_buf = 0.0;
      *err = (cubie_real)-1;
      return rc;
    }
    st->h_buf = h_lu;
  }
  const cubie_real hr = (cubie_real)h;
  const cubie_real hg = (cubie_real)(CUBIE_DIRK_GAMMA * h);
  const cubie_real inv_hg = (cubie_real)(1.0 / (CUBIE_DIRK_GAMMA * h));
  const cubie_real atol = (cubie_real)a->atol;
  const cubie_real rtol = (cubie_real)a->rtol;
  cubie_real kappa = (cubie_real)(10.0 * CUBIE_REAL_EPSILON / a->rtol);
  if (!(kappa >= (cubie_real)CUBIE_DIRK_NEWTON_KAPPA)) kappa = (cubie_real)CUBIE_DIRK_NEWTON_KAPPA;
  cubie_linsolve_accuracy(&w->ls, atol, rtol, (cubie_real)CUBIE_DIRK_LINEAR_FRACTION * kappa);
  cubie_real eta = cubie_pow(cubie_max(st->eta, (cubie_real)CUBIE_REAL_EPSILON), (cubie_real)0.8);
  cubie_real theta_max = (cubie_real)0;
  cubie_real *CUBIE_RESTRICT k = w->k;
  cubie_real *CUBIE_RESTRICT z = w->z;
  cubie_real *CUBIE_RESTRICT known = w->known;
  cubie_real *CUBIE_RESTRICT delta = w->delta;
  int outcome = CUBIE_STEP_OK;
#if CUBIE_DIRK_EXPLICIT_FIRST
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) k[n] = w->f0[n];
#endif
  CUBIE_UNROLL
  for (int i = CUBIE_DIRK_FIRST_IMPLICIT; i < CUBIE_METHOD_STAGES; i++) {
    if (outcome != CUBIE_STEP_OK) break;
    cubie_real *CUBIE_RESTRICT ki = k + i * CUBIE_N_STATES;
    const cubie_real *CUBIE_RESTRICT k_prev = i > 0 ? k + (i - 1) * CUBIE_N_STATES : w->f0;
    /* B_i and the predictor Z_i⁰ = B_i + hγ k_{i−1}. */
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) {
      cubie_real acc = (cubie_real)0;
      CUBIE_UNROLL
      for (int j = 0; j < i; j++)
        if (cubie_dirk_a[i][j] != 0.0) acc += (cubie_real)cubie_dirk_a[i][j] * k[j * CUBIE_N_STATES + n];
      known[n] = hr * acc;
      z[n] = known[n] + hg * k_prev[n];
    }
    const double t_stage = t + cubie_dirk_c[i] * h;
    cubie_real dn_old = (cubie_real)0;
    int converged = 0;
    for (int it = 0; it < CUBIE_DIRK_NEWTON_MAX_ITERS; it++) {
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) w->stage[n] = y[n] + z[n];
      cubie_model_rhs(t_stage, w->stage, p, delta);
      counters[CUBIE_COUNTER_RHS_EVALS] += 1;
      counters[CUBIE_COUNTER_NEWTON] += 1;
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) delta[n] += (known[n] - z[n]) * inv_hg;
      const int rc = cubie_linsolve_solve(&w->ls, delta, counters);
      const cubie_real dn = cubie_dirk_norm(delta, y, atol, rtol);
      if (rc != CUBIE_STEP_OK || !cubie_isfinite((double)dn)) break;
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) z[n] += delta[n];
      if (it > 0) {
        const cubie_real theta = dn / dn_old;
        if (theta > theta_max) theta_max = theta;
        if (!(theta < (cubie_real)1)) break; /* diverges */
        eta = theta / ((cubie_real)1 - theta);
        /* What the iterations left can reach (HW (8.15)). */
        cubie_real left = (cubie_real)1;
        for (int m = it + 1; m < CUBIE_DIRK_NEWTON_MAX_ITERS; m++) left *= theta;
        if (left / ((cubie_real)1 - theta) * dn > kappa) break;
      }
      if (it > 0 ? eta * dn <= kappa : dn <= kappa) {
        converged = 1;
        break;
      }
      dn_old = dn;
    }
    if (!converged) {
      outcome = CUBIE_STEP_NEWTON_FAILED;
      break;
    }
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) ki[n] = (z[n] - known[n]) * inv_hg;
  }
  st->theta = theta_max;
  if (outcome != CUBIE_STEP_OK) {
    *err = (cubie_real)-1;
    return outcome;
  }
  st->eta = eta;
  /* Stiffly accurate: y_new = Y_s = y + Z_s. */
  int finite = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    y_new[n] = y[n] + z[n];
    finite &= cubie_isfinite((double)y_new[n]);
  }
#if CUBIE_CONTROLLER_ADAPTIVE
  /* (I − γh_LU J)^-1 h Σ e_j k_j = M^-1 (c_LU h Σ e_j k_j). */
  const cubie_real c_lu = (cubie_real)(1.0 / (CUBIE_DIRK_GAMMA * st->h_buf));
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_METHOD_STAGES; j++)
      if (cubie_dirk_e[j] != 0.0) acc += (cubie_real)cubie_dirk_e[j] * k[j * CUBIE_N_STATES + n];
    known[n] = (hr * acc) * c_lu;
  }
  cubie_linsolve_solve(&w->ls, known, counters);
  cubie_real sum = (cubie_real)0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    const cubie_real r =
        known[n] / (atol + rtol * cubie_max(cubie_fabs(y[n]), cubie_fabs(y_new[n])));
    sum += r * r;
  }
  cubie_real norm = cubie_sqrt(sum * (cubie_real)(1.0 / CUBIE_N_STATES));
  if (!finite || !cubie_isfinite((double)norm)) norm = (cubie_real)-1;
  *err = norm;
  return norm < (cubie_real)0 ? CUBIE_STEP_NONFINITE : CUBIE_STEP_OK;
#else
  (void)err;
  return finite ? CUBIE_STEP_OK : CUBIE_STEP_NONFINITE;
#endif
}

/* The step is taken: J is one step older, the LU in the buffer is the
 * accepted step's; a slowly contracting Newton iteration asks for a fresh J. */
CUBIE_INLINE void cubie_dirk_accept(cubie_dirk_state *st, cubie_dirk_work *w, double t_new,
                                     const cubie_real *CUBIE_RESTRICT y_new,
                                     const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)w;
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
  st->jac_age += 1;
  st->h_lu = st->h_buf;
  st->f0_valid = 0;
  if (st->theta > (cubie_real)CUBIE_DIRK_JACOBIAN_THETA) st->jac_refresh = 1;
}

/* A failed attempt (Newton, singular M, non-finite values) made with a J
 * from an earlier point asks for a fresh one; y, and with it f(t, y), is
 * unchanged. A step rejected for its error keeps J. */
CUBIE_INLINE void cubie_dirk_reject(cubie_dirk_state *st, cubie_dirk_work *w, int outcome) {
  (void)w;
  if (outcome != CUBIE_STEP_OK && st->jac_age > 0) st->jac_refresh = 1;
}

CUBIE_DEVICE void cubie_dirk_persist_store(const cubie_dirk_state *st, const cubie_dirk_work *w,
                                            double *base, cubie_i64 stride) {
  base[0] = (double)st->jac_valid;
  base[1 * stride] = (double)st->jac_age;
  base[2 * stride] = (double)st->jac_refresh;
  base[3 * stride] = st->t_jac;
  base[4 * stride] = st->h_lu;
  base[5 * stride] = (double)st->eta;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) base[(6 + n) * stride] = (double)w->y_jac[n];
}

CUBIE_DEVICE void cubie_dirk_persist_load(cubie_dirk_state *st, cubie_dirk_work *w,
                                           const double *base, cubie_i64 stride) {
  st->jac_valid = (int)base[0];
  st->jac_age = (int)base[1 * stride];
  st->jac_refresh = (int)base[2 * stride];
  st->t_jac = base[3 * stride];
  st->h_lu = base[4 * stride];
  st->eta = (cubie_real)base[5 * stride];
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->y_jac[n] = (cubie_real)base[(6 + n) * stride];
  /* A window ends after an accepted step: f(t, y) is never carried over. */
  st->f0_valid = 0;
  st->theta = (cubie_real)0;
  st->h_buf = 0.0;
  st->jac_restore = st->jac_valid;
  st->lu_restore = st->h_lu > 0.0;
}

/* ---- SDIRK as the selected family: step.h's names ------------------------ */
#if defined(CUBIE_STEP_FAMILY_SDIRK)
#define CUBIE_STEP_ORDER CUBIE_METHOD_ORDER
#define CUBIE_STEP_ERROR_ORDER CUBIE_METHOD_ERROR_ORDER
#define CUBIE_STEP_DENSE 0
typedef cubie_dirk_state cubie_step_state;
typedef cubie_dirk_work cubie_step_work;
#define CUBIE_STEP_DECLARE_WORK(w) CUBIE_DIRK_DECLARE_WORK(w)
#define cubie_step_start cubie_dirk_start
#define cubie_step_first_step cubie_dirk_first_step
#define cubie_step_begin cubie_dirk_begin
#define cubie_step_attempt cubie_dirk_attempt
#define cubie_step_accept cubie_dirk_accept
#define cubie_step_reject cubie_dirk_reject
#define cubie_step_persist_store cubie_dirk_persist_store
#define cubie_step_persist_load cubie_dirk_persist_load
#endif

#endif
