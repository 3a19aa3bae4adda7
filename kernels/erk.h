/* erk.h — step family ERK: explicit Runge–Kutta methods with the
 * coefficients of erk_tableaus.h, behind the step contract of step.h.
 *
 * Responsible for the arithmetic of a step: the stages, the new state, the
 * norm of the local error estimate, FSAL, and the state inside an accepted
 * step (dense output). It never decides whether a step is accepted, never
 * touches time beyond t + c_i h and never writes outputs. Every loop over
 * stages is unrolled with literal coefficients (zeros vanish), loops over
 * states run over compile-time CUBIE_N_STATES, and nothing divides or calls
 * pow inside them.
 *
 * Buffers (buffers.def, owner ERK): STAGES holds CUBIE_METHOD_STAGES rows of
 * CUBIE_N_STATES, the stage derivatives k_j; row 0 holds k_0 = f(t, y)
 * when an attempt starts (FSAL methods carry it over from the previous
 * step, the others evaluate it once per accepted step: cubie_step_begin).
 * STAGE_STATE holds the state a stage is evaluated at, the interpolated
 * state of cubie_step_dense and the Euler step of the first-step estimate.
 * Persisted (CUBIE_STEP_PERSIST_FIELDS = 1 + N, methods.def): whether k_0
 * is valid, then k_0.
 */
#ifndef CUBIE_ERK_H
#define CUBIE_ERK_H

#include "step.h"
#include "erk_tableaus.h"

/* Stages evaluated inside an attempt: 1 .. CUBIE_ERK_BODY_STAGES-1. The
 * FSAL stage (the last one when CUBIE_METHOD_FSAL) is f(t + h, y_new) and
 * is handled separately: inside the attempt when the error estimate needs
 * it, after acceptance otherwise (cubie_step_accept). */
#define CUBIE_ERK_BODY_STAGES (CUBIE_METHOD_STAGES - CUBIE_METHOD_FSAL)
#define CUBIE_ERK_FSAL_IN_ATTEMPT (CUBIE_METHOD_FSAL && CUBIE_ERK_E_USES_FSAL_STAGE)

typedef struct cubie_erk_state {
  int have_k0; /* row 0 of the stages holds f(t, y) */
} cubie_erk_state;

typedef struct cubie_erk_work {
  cubie_real *k;     /* ERK.STAGES */
  cubie_real *stage; /* ERK.STAGE_STATE */
} cubie_erk_work;

#define CUBIE_ERK_DECLARE_WORK(w)                   \
  CUBIE_BUFFER(ERK, STAGES, w##_k_);                \
  CUBIE_BUFFER(ERK, STAGE_STATE, w##_stage_);       \
  cubie_erk_work w;                                 \
  w.k = w##_k_;                                     \
  w.stage = w##_stage_

/* Stages 1.. and y_new = y + h Σ b_j k_j for a step of size h from (t, y).
 * `stage` is scratch of CUBIE_N_STATES. Returns the number of
 * right-hand-side evaluations it made. */
CUBIE_INLINE int cubie_erk_stages(double t, double h, const cubie_real *CUBIE_RESTRICT y,
                                  const cubie_real *CUBIE_RESTRICT p,
                                  cubie_real *CUBIE_RESTRICT k,
                                  cubie_real *CUBIE_RESTRICT stage,
                                  cubie_real *CUBIE_RESTRICT y_new) {
  const cubie_real hr = (cubie_real)h;
  CUBIE_UNROLL
  for (int i = 1; i < CUBIE_ERK_BODY_STAGES; i++) {
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) {
      cubie_real acc = (cubie_real)0;
      CUBIE_UNROLL
      for (int j = 0; j < i; j++)
        if (cubie_erk_a[i][j] != 0.0) acc += (cubie_real)cubie_erk_a[i][j] * k[j * CUBIE_N_STATES + n];
      stage[n] = y[n] + hr * acc;
    }
    cubie_model_rhs(t + cubie_erk_c[i] * h, stage, p, k + i * CUBIE_N_STATES);
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ERK_BODY_STAGES; j++)
      if (cubie_erk_b[j] != 0.0) acc += (cubie_real)cubie_erk_b[j] * k[j * CUBIE_N_STATES + n];
    y_new[n] = y[n] + hr * acc;
  }
#if CUBIE_ERK_FSAL_IN_ATTEMPT
  cubie_model_rhs(t + h, y_new, p, k + (CUBIE_METHOD_STAGES - 1) * CUBIE_N_STATES);
  return CUBIE_METHOD_STAGES - 1;
#else
  return CUBIE_ERK_BODY_STAGES - 1;
#endif
}

/* 1 when every component of v is finite: Σ v_n·0 is 0 when all are finite
 * and NaN as soon as one is infinite or NaN (exactly isfinite of each, in
 * one multiply-add per state and one test, with no conversion to double). */
CUBIE_INLINE int cubie_erk_all_finite(const cubie_real *CUBIE_RESTRICT v) {
  cubie_real zero = (cubie_real)0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) zero += v[n] * (cubie_real)0;
  return zero == (cubie_real)0;
}

#if CUBIE_METHOD_ERROR_ORDER > 0
/* The error norm of an attempt (HNW I, II.4, eq. (4.11)):
 *   E = sqrt( (1/N) Σ_i ( err_i / (atol + rtol max(|y_i|, |y_new_i|)) )² ),
 *   err = h Σ_j e_j k_j,
 * fused into one pass over the stages (no error vector is stored). DOP853
 * combines its 5th- and 3rd-order estimates as dop853.f does:
 *   E = |h| E5² / sqrt(E5² + 0.01 E3²)  (E5, E3 the norms above without h).
 * Returns a negative number when y_new or the estimate is not finite. */
CUBIE_INLINE cubie_real cubie_erk_error_norm(double h, const cubie_real *CUBIE_RESTRICT y,
                                             const cubie_real *CUBIE_RESTRICT y_new,
                                             const cubie_real *CUBIE_RESTRICT k, cubie_real atol,
                                             cubie_real rtol) {
  cubie_real sum = (cubie_real)0;
#if CUBIE_ERK_HAS_E3
  cubie_real sum3 = (cubie_real)0;
#endif
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real e = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_METHOD_STAGES; j++)
      if (cubie_erk_e[j] != 0.0) e += (cubie_real)cubie_erk_e[j] * k[j * CUBIE_N_STATES + n];
    const cubie_real inv_scale =
        (cubie_real)1 / (atol + rtol * cubie_max(cubie_fabs(y[n]), cubie_fabs(y_new[n])));
    const cubie_real r = e * inv_scale;
    sum += r * r;
#if CUBIE_ERK_HAS_E3
    cubie_real e3 = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_METHOD_STAGES; j++)
      if (cubie_erk_e3[j] != 0.0) e3 += (cubie_real)cubie_erk_e3[j] * k[j * CUBIE_N_STATES + n];
    const cubie_real r3 = e3 * inv_scale;
    sum3 += r3 * r3;
#endif
  }
  const int finite = cubie_erk_all_finite(y_new);
  const cubie_real habs = (cubie_real)(h < 0.0 ? -h : h);
#if CUBIE_ERK_HAS_E3
  cubie_real deno = sum + (cubie_real)0.01 * sum3;
  if (!(deno > (cubie_real)0)) deno = (cubie_real)1; /* dop853.f: both estimates zero */
  cubie_real norm = habs * sum / cubie_sqrt(deno * (cubie_real)CUBIE_N_STATES);
#else
  cubie_real norm = habs * cubie_sqrt(sum * (cubie_real)(1.0 / CUBIE_N_STATES));
#endif
  if (!finite || !cubie_real_isfinite(norm)) norm = (cubie_real)-1;
  return norm;
}
#endif

/* ---- the step contract (step.h), under ERK's own names ------------------ */

CUBIE_DEVICE void cubie_erk_start(cubie_erk_state *st, cubie_erk_work *w) {
  st->have_k0 = 0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->k[n] = (cubie_real)0; /* persisted as is */
}

CUBIE_DEVICE double cubie_erk_first_step(cubie_erk_state *st, cubie_erk_work *w, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          const cubie_chunk_args *a, cubie_i64 *counters) {
  /* f0 = k_0 is kept for the first attempt; f1 and y1 are scratch. */
  cubie_model_rhs(t, y, p, w->k);
  st->have_k0 = 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 2;
  return cubie_initial_step(t, a->t_end, y, p, w->k, w->k + CUBIE_N_STATES, w->stage, a,
                            CUBIE_METHOD_ORDER);
}

CUBIE_INLINE void cubie_erk_begin(cubie_erk_state *st, cubie_erk_work *w, double t, double h,
                                   const cubie_real *CUBIE_RESTRICT y,
                                   const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  (void)h;
  if (!st->have_k0) {
    cubie_model_rhs(t, y, p, w->k);
    counters[CUBIE_COUNTER_RHS_EVALS] += 1;
    st->have_k0 = 1;
  }
}

CUBIE_INLINE int cubie_erk_attempt(cubie_erk_state *st, cubie_erk_work *w, double t, double h,
                                    const cubie_real *CUBIE_RESTRICT y,
                                    const cubie_real *CUBIE_RESTRICT p,
                                    cubie_real *CUBIE_RESTRICT y_new, const cubie_chunk_args *a,
                                    cubie_real *err, cubie_i64 *counters) {
  (void)st;
  counters[CUBIE_COUNTER_RHS_EVALS] += cubie_erk_stages(t, h, y, p, w->k, w->stage, y_new);
#if CUBIE_CONTROLLER_ADAPTIVE
  *err = cubie_erk_error_norm(h, y, y_new, w->k, (cubie_real)a->atol, (cubie_real)a->rtol);
  return *err < (cubie_real)0 ? CUBIE_STEP_NONFINITE : CUBIE_STEP_OK;
#else
  (void)a;
  (void)err;
  return cubie_erk_all_finite(y_new) ? CUBIE_STEP_OK : CUBIE_STEP_NONFINITE;
#endif
}

/* FSAL: k_0 of the next step is f(t_new, y_new), the last stage (evaluated
 * now if the attempt did not need it). Other methods evaluate k_0 at the
 * start of the next attempt. */
CUBIE_INLINE void cubie_erk_accept(cubie_erk_state *st, cubie_erk_work *w, double t_new,
                                    const cubie_real *CUBIE_RESTRICT y_new,
                                    const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
#if CUBIE_METHOD_FSAL
  cubie_real *k = w->k;
  cubie_real *last = k + (CUBIE_METHOD_STAGES - 1) * CUBIE_N_STATES;
#if !CUBIE_ERK_FSAL_IN_ATTEMPT
  cubie_model_rhs(t_new, y_new, p, last);
  counters[CUBIE_COUNTER_RHS_EVALS] += 1;
#else
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
#endif
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) k[n] = last[n];
  st->have_k0 = 1;
#else
  (void)w;
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
  st->have_k0 = 0;
#endif
}

/* y, and with it k_0, is unchanged: the next attempt reuses k_0. */
CUBIE_INLINE void cubie_erk_reject(cubie_erk_state *st, cubie_erk_work *w, int outcome) {
  (void)st;
  (void)w;
  (void)outcome;
}

#if CUBIE_METHOD_DENSE_DEGREE > 0
/* y + h Σ_j b_j(θ) k_j with b_j(θ) = Σ_m dense[j][m] θ^(m+1), into the
 * stage-state buffer. */
CUBIE_INLINE const cubie_real *cubie_erk_dense_output(cubie_erk_state *st, cubie_erk_work *w,
                                                     double t, double h, double theta,
                                                     const cubie_real *CUBIE_RESTRICT y,
                                                     const cubie_real *CUBIE_RESTRICT y_new,
                                                     const cubie_real *CUBIE_RESTRICT p,
                                                     cubie_i64 *counters) {
  /* The interpolants used need no stages beyond the step's own. */
  (void)st;
  (void)t;
  (void)y_new;
  (void)p;
  (void)counters;
  const cubie_real *CUBIE_RESTRICT k = w->k;
  cubie_real *CUBIE_RESTRICT out = w->stage;
  const cubie_real th = (cubie_real)theta;
  const cubie_real hr = (cubie_real)h;
  cubie_real wt[CUBIE_METHOD_STAGES];
  int used[CUBIE_METHOD_STAGES];
  CUBIE_UNROLL
  for (int j = 0; j < CUBIE_METHOD_STAGES; j++) {
    cubie_real bj = (cubie_real)0;
    used[j] = 0;
    CUBIE_UNROLL
    for (int m = CUBIE_METHOD_DENSE_DEGREE - 1; m >= 0; m--) {
      bj = bj * th + (cubie_real)cubie_erk_dense[j][m];
      used[j] |= (cubie_erk_dense[j][m] != 0.0);
    }
    wt[j] = hr * th * bj;
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_METHOD_STAGES; j++)
      if (used[j]) acc += wt[j] * k[j * CUBIE_N_STATES + n];
    out[n] = y[n] + acc;
  }
  return out;
}
#endif

CUBIE_DEVICE void cubie_erk_persist_store(const cubie_erk_state *st, const cubie_erk_work *w,
                                           double *base, cubie_i64 stride) {
  base[0] = (double)st->have_k0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) base[(1 + n) * stride] = (double)w->k[n];
}

CUBIE_DEVICE void cubie_erk_persist_load(cubie_erk_state *st, cubie_erk_work *w,
                                          const double *base, cubie_i64 stride) {
  st->have_k0 = (int)base[0];
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->k[n] = (cubie_real)base[(1 + n) * stride];
}

/* ---- ERK as the selected family: step.h's names ------------------------
 * A family implements the contract under its own names and binds them here,
 * so that another family (a per-run switch between two methods) can build
 * on it without the names clashing. */
#if defined(CUBIE_STEP_FAMILY_ERK)
#define CUBIE_STEP_ORDER CUBIE_METHOD_ORDER
#define CUBIE_STEP_ERROR_ORDER CUBIE_METHOD_ERROR_ORDER
#define CUBIE_STEP_DENSE (CUBIE_METHOD_DENSE_DEGREE > 0)
typedef cubie_erk_state cubie_step_state;
typedef cubie_erk_work cubie_step_work;
#define CUBIE_STEP_DECLARE_WORK(w) CUBIE_ERK_DECLARE_WORK(w)
#define cubie_step_start cubie_erk_start
#define cubie_step_first_step cubie_erk_first_step
#define cubie_step_begin cubie_erk_begin
#define cubie_step_attempt cubie_erk_attempt
#define cubie_step_accept cubie_erk_accept
#define cubie_step_reject cubie_erk_reject
#define cubie_step_dense cubie_erk_dense_output
#define cubie_step_persist_store cubie_erk_persist_store
#define cubie_step_persist_load cubie_erk_persist_load
#endif

#endif
