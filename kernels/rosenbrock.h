/* rosenbrock.h — step family ROSENBROCK: Rosenbrock and Rosenbrock-W
 * methods with the coefficients of rosenbrock_tableaus.h, behind the step
 * contract of step.h, solving their linear systems through linsolve.h.
 *
 * Responsible for the arithmetic of a step (stages, y_new, the error norm,
 * dense output) and for the Jacobian/LU reuse policy below. It never
 * decides whether a step is accepted, never touches time beyond
 * t + α_i h and never writes outputs. Stage loops are unrolled with literal
 * coefficients (zeros vanish); loops over states run over compile-time
 * CUBIE_N_STATES.
 *
 * A step (transformed form, HNW II, IV.7, eq. (7.25); rosenbrock_tableaus.h):
 * with M = I/(γh) − J,
 *   M u_i = f(t + α_i h, y + Σ_{j<i} a_ij u_j) + Σ_{j<i} (c_ij/h) u_j + γ_i h T,
 *   y_new = y + Σ m_j u_j,   err = Σ e_j u_j,
 * J = ∂f/∂y and T = ∂f/∂t (T only when the model is not autonomous:
 * CUBIE_MODEL_AUTONOMOUS) taken together at one point. u_1's f is f(t, y),
 * evaluated once per point (cubie_step_begin) and kept across rejections;
 * FSAL methods (ros23) take it from the last stage of the accepted step.
 * Fixed-step runs skip the stages only the error estimate needs.
 *
 * Jacobian and LU reuse (the policy; linsolve.h only executes it):
 *  - Rosenbrock methods proper (ros3p, rodas4, rodas5p) need the exact J
 *    for their order (check_rosenbrock.py: they are not W-methods): J and T
 *    are taken at the start of every step, once per point — attempts after
 *    a rejection reuse them (same point, so still exact).
 *  - W-methods (ros23) keep their order with any J: J and T are kept across
 *    accepted steps while the step sequence behaves — while the step size
 *    stays (so the LU is kept too: fixed steps, steps held at dt_max), for
 *    at most CUBIE_ROS_JACOBIAN_MAX_AGE accepted steps, and never after a
 *    rejected attempt (too large an error, a singular M or non-finite
 *    values) made with a J from an earlier point (a fresh J is the first
 *    remedy; a step rejected with a fresh J only shrinks). When h changes
 *    a new LU is due anyway, and a fresh J keeps the error estimate sharp:
 *    ros23's 3rd-order estimate needs the exact J, and keeping J across
 *    changing steps made ROBER take 5x the steps (measured: 4810 steps,
 *    241 Jacobians against 961 steps, 961 Jacobians).
 *  - M = I/(γh) − J is factored when J changed since the LU in the
 *    solver's buffer was made, or h by more than CUBIE_ROS_LU_REUSE_RTOL
 *    (relative). Fixed steps t0 + n·dt differ only by the rounding of time
 *    (~n·ε), so a W-method with a kept J factors once per Jacobian; M's
 *    shift then belongs to a step within 1e-8 of h, which is the same
 *    W-method with J − δ·I (any J is within its theory), and for the
 *    others (a new J every step) the case never arises.
 * Time windows: the family persists the point J was taken at (t_J, y_J),
 * its age, a pending refresh, the step size of the last accepted step's LU
 * and f(t, y); a new window rebuilds J (same function, same point: the same
 * bits) and that LU without counting them, so saves, counters and the
 * reuse decisions are exactly those of one window. Persisting the point
 * instead of J keeps the persisted state at 6 + 2N doubles (N² would
 * dominate device memory for large N).
 *
 * Buffers (buffers.def, owner ROSENBROCK): STAGES (the u_i), STAGE_STATE
 * (stage arguments; the dense-output result; first-step scratch), F0,
 * F_NEXT (FSAL), DFDT, JACOBIAN_POINT; the linear solver's own (owner
 * LINSOLVE). Persisted (CUBIE_STEP_PERSIST_FIELDS = 6 + 2N, methods.def):
 * f0_valid, jac_valid, jac_age, jac_refresh, t_J, h_lu, F0, JACOBIAN_POINT.
 */
#ifndef CUBIE_ROSENBROCK_H
#define CUBIE_ROSENBROCK_H

#include "step.h"

/* The method this family runs: the selected one (its methods.def row), or,
 * when a family built on ROSENBROCK is selected (methods.def CUBIE_STEP_PARTS:
 * AUTO runs rodas5p), the one lists_generated.h names in CUBIE_ROSENBROCK_METHOD
 * (with CUBIE_ALGORITHM_<ID> for its coefficients). Everything below reads
 * the method's row through these names only. */
#if defined(CUBIE_ROSENBROCK_METHOD)
#define CUBIE_ROS_STAGES CUBIE_METHOD_ROW(CUBIE_ROSENBROCK_METHOD, STAGES)
#define CUBIE_ROS_ORDER CUBIE_METHOD_ROW(CUBIE_ROSENBROCK_METHOD, ORDER)
#define CUBIE_ROS_ERROR_ORDER CUBIE_METHOD_ROW(CUBIE_ROSENBROCK_METHOD, ERROR_ORDER)
#define CUBIE_ROS_FSAL CUBIE_METHOD_ROW(CUBIE_ROSENBROCK_METHOD, FSAL)
#define CUBIE_ROS_DENSE_DEGREE CUBIE_METHOD_ROW(CUBIE_ROSENBROCK_METHOD, DENSE_DEGREE)
#else
#define CUBIE_ROS_STAGES CUBIE_METHOD_STAGES
#define CUBIE_ROS_ORDER CUBIE_METHOD_ORDER
#define CUBIE_ROS_ERROR_ORDER CUBIE_METHOD_ERROR_ORDER
#define CUBIE_ROS_FSAL CUBIE_METHOD_FSAL
#define CUBIE_ROS_DENSE_DEGREE CUBIE_METHOD_DENSE_DEGREE
#endif

#include "rosenbrock_tableaus.h"
#include "linsolve.h"

/* A model whose derivatives include constant linear combinations of
 * others (`dy3 = dy2 - dy4`) says so, with cubie_model_linear_derivatives
 * (src/model/model_linear.c): every stage solution satisfies those lines
 * exactly, and the family re-imposes them after each linear solve (the
 * solve's rounding, relative to the largest components, would otherwise
 * move the conserved quantity they define). */
#if !defined(CUBIE_MODEL_N_LINEAR_DERIVATIVES)
#define CUBIE_MODEL_N_LINEAR_DERIVATIVES 0
#endif

#if defined(CUBIE_MODEL_AUTONOMOUS)
#define CUBIE_ROS_AUTONOMOUS CUBIE_MODEL_AUTONOMOUS
#else
#define CUBIE_ROS_AUTONOMOUS 0
#endif

/* Accepted steps a Jacobian serves: W-methods keep one up to 20 steps
 * (refreshed earlier by any rejection); the others take one per step. */
#define CUBIE_ROS_JACOBIAN_MAX_AGE (CUBIE_ROS_W_METHOD ? 20 : 1)

/* M is refactored when h moved by more than this (relative) since the LU. */
#define CUBIE_ROS_LU_REUSE_RTOL 1e-8

/* An iterative linear solver's tolerance (linsolve.h's
 * cubie_linsolve_accuracy), as a fraction of the step's: no Newton
 * iteration corrects a Rosenbrock stage, so its solve error goes straight
 * into y_new and the error estimate. 1e-6: at 1e-3 ROBER ended 3990 × the
 * tolerance off its reference (Jacobi leaves the residual a poor bound
 * there; docs/algorithms.md#linear-solvers). Direct solvers ignore it. */
#define CUBIE_ROS_LINEAR_TOL 1e-6

/* Stages an attempt evaluates: all of them with an error estimate, else
 * those y_new needs. FSAL only when the last stage is evaluated. */
#if CUBIE_CONTROLLER_ADAPTIVE
#define CUBIE_ROS_ATTEMPT_STAGES CUBIE_ROS_STAGES
#define CUBIE_ROS_FSAL_CARRIED CUBIE_ROS_FSAL
#else
#define CUBIE_ROS_ATTEMPT_STAGES CUBIE_ROS_SOLUTION_STAGES
#define CUBIE_ROS_FSAL_CARRIED 0
#endif

typedef struct cubie_ros_state {
  int f0_valid;      /* F0 holds f(t, y) of the current point */
  int jac_valid;     /* the solver holds J (DFDT holds T) taken at (t_jac, JACOBIAN_POINT) */
  int jac_age;       /* accepted steps since J was taken */
  int jac_refresh;   /* a rejection asked for a fresh J */
  double t_jac;
  double h_lu;       /* the step M was factored for when the last step was accepted; 0: none */
  /* Not persisted: */
  double h_buf;      /* the step of the LU in the solver's buffer now; 0: none */
  int jac_restore;   /* new window: rebuild J at the persisted point (uncounted) */
  int lu_restore;    /* new window: the LU for h_lu is to be rebuilt (uncounted) */
} cubie_ros_state;

typedef struct cubie_ros_work {
  cubie_real *u;     /* ROSENBROCK.STAGES */
  cubie_real *stage; /* ROSENBROCK.STAGE_STATE */
  cubie_real *f0;    /* ROSENBROCK.F0 */
  cubie_real *f_next;/* ROSENBROCK.F_NEXT */
  cubie_real *dfdt;  /* ROSENBROCK.DFDT */
  cubie_real *y_jac; /* ROSENBROCK.JACOBIAN_POINT */
  cubie_linsolve_work ls;
} cubie_ros_work;

/* The buffers of owner OWNER: ROSENBROCK's own (buffers.def), or the owner
 * a family built on it registers them under with the same names (auto.h:
 * RODAS5P); the linear solver's are always owner LINSOLVE's. */
#define CUBIE_ROS_DECLARE_WORK(w) CUBIE_ROS_DECLARE_WORK_OWNED(ROSENBROCK, w)
#define CUBIE_ROS_DECLARE_WORK_OWNED(OWNER, w)            \
  CUBIE_BUFFER(OWNER, STAGES, w##_u_);                    \
  CUBIE_BUFFER(OWNER, STAGE_STATE, w##_stage_);           \
  CUBIE_BUFFER(OWNER, F0, w##_f0_);                       \
  CUBIE_BUFFER(OWNER, F_NEXT, w##_f_next_);               \
  CUBIE_BUFFER(OWNER, DFDT, w##_dfdt_);                   \
  CUBIE_BUFFER(OWNER, JACOBIAN_POINT, w##_y_jac_);        \
  CUBIE_LINSOLVE_DECLARE_WORK(w##_ls_);                   \
  cubie_ros_work w;                                       \
  w.u = w##_u_;                                           \
  w.stage = w##_stage_;                                   \
  w.f0 = w##_f0_;                                         \
  w.f_next = w##_f_next_;                                 \
  w.dfdt = w##_dfdt_;                                     \
  w.y_jac = w##_y_jac_;                                   \
  w.ls = w##_ls_

/* J (and T) at (t, y): into the solver, y into JACOBIAN_POINT; f(t, y)
 * into f. The one place a Jacobian is taken, so a restored J has the bits
 * of the original. */
CUBIE_INLINE void cubie_ros_take_jacobian(cubie_ros_work *w, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          cubie_real *CUBIE_RESTRICT f, cubie_i64 *counters) {
  cubie_linsolve_jacobian(&w->ls, t, y, p, f, counters);
#if !CUBIE_ROS_AUTONOMOUS
  cubie_model_dfdt(t, y, p, w->dfdt);
#endif
}

/* Whether the LU made for step h_lu (0: none) serves a step h. */
CUBIE_INLINE int cubie_ros_lu_fits(double h_lu, double h) {
  return h_lu > 0.0 && fabs(h - h_lu) <= CUBIE_ROS_LU_REUSE_RTOL * h;
}

/* ---- the step contract (step.h), under the family's own names ----------- */

CUBIE_DEVICE void cubie_ros_start(cubie_ros_state *st, cubie_ros_work *w) {
  st->f0_valid = 0;
  st->jac_valid = 0;
  st->jac_age = 0;
  st->jac_refresh = 0;
  st->t_jac = 0.0;
  st->h_lu = 0.0;
  st->h_buf = 0.0;
  st->jac_restore = 0;
  st->lu_restore = 0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) { /* persisted as they are */
    w->f0[n] = (cubie_real)0;
    w->y_jac[n] = (cubie_real)0;
  }
}

CUBIE_DEVICE double cubie_ros_first_step(cubie_ros_state *st, cubie_ros_work *w, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          const cubie_chunk_args *a, cubie_i64 *counters) {
  /* f0 is kept for the first attempt; a stage row and STAGE_STATE are scratch. */
  cubie_model_rhs(t, y, p, w->f0);
  st->f0_valid = 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 2;
  return cubie_initial_step(t, a->t_end, y, p, w->f0, w->u, w->stage, a, CUBIE_ROS_ORDER);
}

CUBIE_INLINE void cubie_ros_begin(cubie_ros_state *st, cubie_ros_work *w, double t, double h,
                                   const cubie_real *CUBIE_RESTRICT y,
                                   const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  /* An older J only with its LU (W-methods; the others have age 0 or a due refresh). */
  const int fresh = !st->jac_valid || st->jac_refresh ||
                    st->jac_age >= CUBIE_ROS_JACOBIAN_MAX_AGE ||
                    (st->jac_age > 0 && !cubie_ros_lu_fits(st->h_lu, h));
  if (fresh || st->jac_restore) {
    /* One call site for a new J and for the J a new time window restores
     * (uncounted: one window had it already), so a restored J has the bits
     * of the original. f(t, y) comes with J; when F0 already holds it
     * (FSAL, a retry) or J is restored elsewhere, it lands in scratch. */
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const int restore = !fresh;
    cubie_ros_take_jacobian(w, restore ? st->t_jac : t, restore ? w->y_jac : y, p,
                            (restore || st->f0_valid) ? w->stage : w->f0,
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

#if CUBIE_CONTROLLER_ADAPTIVE
/* The error norm (HNW I, II.4, eq. (4.11)) of err = Σ e_j u_j:
 *   E = sqrt( (1/N) Σ_i ( err_i / (atol + rtol max(|y_i|, |y_new_i|)) )² ),
 * fused into one pass over the stages. Negative when y_new or the estimate
 * is not finite. */
CUBIE_INLINE cubie_real cubie_ros_error_norm(const cubie_real *CUBIE_RESTRICT y,
                                             const cubie_real *CUBIE_RESTRICT y_new,
                                             const cubie_real *CUBIE_RESTRICT u, cubie_real atol,
                                             cubie_real rtol) {
  cubie_real sum = (cubie_real)0;
  int finite = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real e = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ROS_STAGES; j++)
      if (cubie_ros_e[j] != 0.0) e += (cubie_real)cubie_ros_e[j] * u[j * CUBIE_N_STATES + n];
    const cubie_real r =
        e / (atol + rtol * cubie_max(cubie_fabs(y[n]), cubie_fabs(y_new[n])));
    sum += r * r;
    finite &= cubie_isfinite((double)y_new[n]);
  }
  cubie_real norm = cubie_sqrt(sum * (cubie_real)(1.0 / CUBIE_N_STATES));
  if (!finite || !cubie_isfinite((double)norm)) norm = (cubie_real)-1;
  return norm;
}
#endif

CUBIE_INLINE int cubie_ros_attempt(cubie_ros_state *st, cubie_ros_work *w, double t, double h,
                                    const cubie_real *CUBIE_RESTRICT y,
                                    const cubie_real *CUBIE_RESTRICT p,
                                    cubie_real *CUBIE_RESTRICT y_new, const cubie_chunk_args *a,
                                    cubie_real *err, cubie_i64 *counters) {
  /* A new time window first rebuilds, uncounted, the LU one window would
   * still hold (when this attempt can use it); one call site, so the bits
   * are the original's. */
  const int rebuild = st->lu_restore && cubie_ros_lu_fits(st->h_lu, h);
  st->lu_restore = 0;
  cubie_linsolve_accuracy(&w->ls, (cubie_real)a->atol, (cubie_real)a->rtol,
                          (cubie_real)CUBIE_ROS_LINEAR_TOL);
  if (rebuild || !cubie_ros_lu_fits(st->h_buf, h)) {
    cubie_i64 uncounted[CUBIE_N_COUNTERS];
    const double h_lu = rebuild ? st->h_lu : h;
    const int rc = cubie_linsolve_factor(&w->ls, (cubie_real)(1.0 / (CUBIE_ROS_GAMMA * h_lu)),
                                         rebuild ? uncounted : counters);
    if (rc != CUBIE_STEP_OK) {
      st->h_buf = 0.0;
      *err = (cubie_real)-1;
      return rc;
    }
    st->h_buf = h_lu;
  }
  const cubie_real inv_h = (cubie_real)(1.0 / h);
#if !CUBIE_ROS_AUTONOMOUS
  const cubie_real hr = (cubie_real)h;
#endif
  cubie_real *CUBIE_RESTRICT u = w->u;
  int outcome = CUBIE_STEP_OK;
  CUBIE_UNROLL
  for (int i = 0; i < CUBIE_ROS_ATTEMPT_STAGES; i++) {
    cubie_real *CUBIE_RESTRICT ui = u + i * CUBIE_N_STATES;
    if (i == 0) {
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) ui[n] = w->f0[n];
    } else {
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) {
        cubie_real acc = (cubie_real)0;
        CUBIE_UNROLL
        for (int j = 0; j < i; j++)
          if (cubie_ros_a[i][j] != 0.0) acc += (cubie_real)cubie_ros_a[i][j] * u[j * CUBIE_N_STATES + n];
        w->stage[n] = y[n] + acc;
      }
      cubie_model_rhs(t + cubie_ros_alpha[i] * h, w->stage, p, ui);
      counters[CUBIE_COUNTER_RHS_EVALS] += 1;
#if CUBIE_ROS_FSAL_CARRIED
      if (i == CUBIE_ROS_STAGES - 1) {
        CUBIE_UNROLL
        for (int n = 0; n < CUBIE_N_STATES; n++) w->f_next[n] = ui[n];
      }
#endif
    }
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) {
      cubie_real acc = ui[n];
      CUBIE_UNROLL
      for (int j = 0; j < i; j++)
        if (cubie_ros_c[i][j] != 0.0)
          acc += ((cubie_real)cubie_ros_c[i][j] * inv_h) * u[j * CUBIE_N_STATES + n];
#if !CUBIE_ROS_AUTONOMOUS
      if (cubie_ros_gammas[i] != 0.0) acc += ((cubie_real)cubie_ros_gammas[i] * hr) * w->dfdt[n];
#endif
      ui[n] = acc;
    }
    const int rc = cubie_linsolve_solve(&w->ls, ui, counters);
    if (rc != CUBIE_STEP_OK) outcome = rc;
#if CUBIE_MODEL_N_LINEAR_DERIVATIVES > 0
    cubie_model_linear_derivatives(ui);
#endif
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ROS_SOLUTION_STAGES; j++)
      if (cubie_ros_m[j] != 0.0) acc += (cubie_real)cubie_ros_m[j] * u[j * CUBIE_N_STATES + n];
    y_new[n] = y[n] + acc;
  }
#if CUBIE_CONTROLLER_ADAPTIVE
  if (outcome != CUBIE_STEP_OK) {
    *err = (cubie_real)-1;
    return outcome;
  }
  *err = cubie_ros_error_norm(y, y_new, u, (cubie_real)a->atol, (cubie_real)a->rtol);
  return *err < (cubie_real)0 ? CUBIE_STEP_NONFINITE : CUBIE_STEP_OK;
#else
  (void)a;
  (void)err;
  if (outcome != CUBIE_STEP_OK) return outcome;
  int finite = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) finite &= cubie_isfinite((double)y_new[n]);
  return finite ? CUBIE_STEP_OK : CUBIE_STEP_NONFINITE;
#endif
}

/* The step is taken: J is one step older, the LU in the buffer is the
 * accepted step's, and FSAL methods carry f(t + h, y_new) over. */
CUBIE_INLINE void cubie_ros_accept(cubie_ros_state *st, cubie_ros_work *w, double t_new,
                                    const cubie_real *CUBIE_RESTRICT y_new,
                                    const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
  st->jac_age += 1;
  st->h_lu = st->h_buf;
#if CUBIE_ROS_FSAL_CARRIED
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->f0[n] = w->f_next[n];
  st->f0_valid = 1;
#else
  (void)w;
  st->f0_valid = 0;
#endif
}

/* A rejected attempt made with a J from an earlier point (W-methods) asks
 * for a fresh one; y, and with it f(t, y), is unchanged. */
CUBIE_INLINE void cubie_ros_reject(cubie_ros_state *st, cubie_ros_work *w, int outcome) {
  (void)w;
  (void)outcome;
  if (st->jac_age > 0) st->jac_refresh = 1;
}

#if CUBIE_ROS_DENSE_DEGREE > 0
/* y + Σ_j w_j(θ) u_j, w_j(θ) = θ m_j + θ(1 − θ) Σ_k θ^k h_kj, into
 * STAGE_STATE. No evaluations. */
CUBIE_INLINE const cubie_real *cubie_ros_dense_output(cubie_ros_state *st, cubie_ros_work *w,
                                                     double t, double h, double theta,
                                                     const cubie_real *CUBIE_RESTRICT y,
                                                     const cubie_real *CUBIE_RESTRICT y_new,
                                                     const cubie_real *CUBIE_RESTRICT p,
                                                     cubie_i64 *counters) {
  (void)st;
  (void)t;
  (void)h;
  (void)y_new;
  (void)p;
  (void)counters;
  const cubie_real th = (cubie_real)theta;
  const cubie_real th1 = th * ((cubie_real)1 - th);
  cubie_real wt[CUBIE_ROS_STAGES];
  int used[CUBIE_ROS_STAGES];
  CUBIE_UNROLL
  for (int j = 0; j < CUBIE_ROS_STAGES; j++) {
    cubie_real hj = (cubie_real)0;
    used[j] = cubie_ros_m[j] != 0.0;
    CUBIE_UNROLL
    for (int k = CUBIE_ROS_DENSE_DEGREE - 2; k >= 0; k--) {
      hj = hj * th + (cubie_real)cubie_ros_h[k][j];
      used[j] |= (cubie_ros_h[k][j] != 0.0);
    }
    wt[j] = th * (cubie_real)cubie_ros_m[j] + th1 * hj;
  }
  const cubie_real *CUBIE_RESTRICT u = w->u;
  cubie_real *CUBIE_RESTRICT out = w->stage;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ROS_STAGES; j++)
      if (used[j]) acc += wt[j] * u[j * CUBIE_N_STATES + n];
    out[n] = y[n] + acc;
  }
  return out;
}
#endif

CUBIE_DEVICE void cubie_ros_persist_store(const cubie_ros_state *st, const cubie_ros_work *w,
                                           double *base, cubie_i64 stride) {
  base[0] = (double)st->f0_valid;
  base[1 * stride] = (double)st->jac_valid;
  base[2 * stride] = (double)st->jac_age;
  base[3 * stride] = (double)st->jac_refresh;
  base[4 * stride] = st->t_jac;
  base[5 * stride] = st->h_lu;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    base[(6 + n) * stride] = (double)w->f0[n];
    base[(6 + CUBIE_N_STATES + n) * stride] = (double)w->y_jac[n];
  }
}

CUBIE_DEVICE void cubie_ros_persist_load(cubie_ros_state *st, cubie_ros_work *w,
                                          const double *base, cubie_i64 stride) {
  st->f0_valid = (int)base[0];
  st->jac_valid = (int)base[1 * stride];
  st->jac_age = (int)base[2 * stride];
  st->jac_refresh = (int)base[3 * stride];
  st->t_jac = base[4 * stride];
  st->h_lu = base[5 * stride];
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    w->f0[n] = (cubie_real)base[(6 + n) * stride];
    w->y_jac[n] = (cubie_real)base[(6 + CUBIE_N_STATES + n) * stride];
  }
  st->h_buf = 0.0;
  st->jac_restore = st->jac_valid;
  st->lu_restore = st->h_lu > 0.0;
}

/* ---- ROSENBROCK as the selected family: step.h's names ------------------ */
#if defined(CUBIE_STEP_FAMILY_ROSENBROCK)
#define CUBIE_STEP_ORDER CUBIE_ROS_ORDER
#define CUBIE_STEP_ERROR_ORDER CUBIE_ROS_ERROR_ORDER
#define CUBIE_STEP_DENSE (CUBIE_ROS_DENSE_DEGREE > 0)
typedef cubie_ros_state cubie_step_state;
typedef cubie_ros_work cubie_step_work;
#define CUBIE_STEP_DECLARE_WORK(w) CUBIE_ROS_DECLARE_WORK(w)
#define cubie_step_start cubie_ros_start
#define cubie_step_first_step cubie_ros_first_step
#define cubie_step_begin cubie_ros_begin
#define cubie_step_attempt cubie_ros_attempt
#define cubie_step_accept cubie_ros_accept
#define cubie_step_reject cubie_ros_reject
#define cubie_step_dense cubie_ros_dense_output
#define cubie_step_persist_store cubie_ros_persist_store
#define cubie_step_persist_load cubie_ros_persist_load
#endif

#endif
