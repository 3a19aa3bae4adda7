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
 * Buffers (buffers.def, owner ERK): STAGES holds CUBIE_ERK_STAGES rows of
 * CUBIE_N_STATES, the stage derivatives k_j, then CUBIE_ERK_DENSE_STAGES
 * rows for the extra stages of the dense output (DOP853, Verner 7); row 0
 * holds k_0 = f(t, y) when an attempt starts (FSAL methods carry it over
 * from the previous step, the others evaluate it once per accepted step:
 * cubie_step_begin — or take it from the dense output's f(t + h, y_new)).
 * The extra stages are evaluated only for a step that has a save point
 * inside it, at its first interpolation, and counted then.
 * STAGE_STATE holds the state a stage is evaluated at, the interpolated
 * state of cubie_step_dense and the Euler step of the first-step estimate.
 * Persisted (CUBIE_STEP_PERSIST_FIELDS = 1 + N, methods.def): whether k_0
 * is valid, then k_0.
 *
 * Stiffness test (with an adaptive controller, for the methods whose
 * coefficients name a stage pair: erk_tableaus.h): every accepted step is
 * judged stiff or not from two of its stages (cubie_erk_stiff_verdict);
 * counting the verdicts and the status bit are the loop's (run.h). The
 * test only reads the stages: no state value depends on it.
 */
#ifndef CUBIE_ERK_H
#define CUBIE_ERK_H

#include "step.h"

/* The method this family runs: the selected one (its methods.def row), or,
 * when a family built on ERK is selected (methods.def CUBIE_STEP_PARTS:
 * AUTO runs tsit5), the one lists_generated.h names in CUBIE_ERK_METHOD
 * (with CUBIE_ALGORITHM_<ID> for its coefficients). Everything below reads
 * the method's row through these names only. */
#if defined(CUBIE_ERK_METHOD)
#define CUBIE_ERK_STAGES CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, STAGES)
#define CUBIE_ERK_ORDER CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, ORDER)
#define CUBIE_ERK_ERROR_ORDER CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, ERROR_ORDER)
#define CUBIE_ERK_FSAL CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, FSAL)
#define CUBIE_ERK_DENSE_DEGREE CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, DENSE_DEGREE)
#define CUBIE_ERK_DENSE_STAGES CUBIE_METHOD_ROW(CUBIE_ERK_METHOD, DENSE_STAGES)
#else
#define CUBIE_ERK_STAGES CUBIE_METHOD_STAGES
#define CUBIE_ERK_ORDER CUBIE_METHOD_ORDER
#define CUBIE_ERK_ERROR_ORDER CUBIE_METHOD_ERROR_ORDER
#define CUBIE_ERK_FSAL CUBIE_METHOD_FSAL
#define CUBIE_ERK_DENSE_DEGREE CUBIE_METHOD_DENSE_DEGREE
#define CUBIE_ERK_DENSE_STAGES CUBIE_METHOD_DENSE_STAGES
#endif

#include "erk_tableaus.h"

/* Stages evaluated inside an attempt: 1 .. CUBIE_ERK_BODY_STAGES-1. The
 * FSAL stage (the last one when CUBIE_ERK_FSAL) is f(t + h, y_new) and
 * is handled separately: inside the attempt when the error estimate needs
 * it, after acceptance otherwise (cubie_step_accept). */
#define CUBIE_ERK_BODY_STAGES (CUBIE_ERK_STAGES - CUBIE_ERK_FSAL)
#define CUBIE_ERK_FSAL_IN_ATTEMPT (CUBIE_ERK_FSAL && CUBIE_ERK_E_USES_FSAL_STAGE)
/* Fixed steps have no error estimate and no controller to drive h to the
 * stability limit, so they do not test (nor pay for the test). */
#define CUBIE_ERK_STIFF_TEST (CUBIE_ERK_HAS_STIFF_PAIR && CUBIE_CONTROLLER_ADAPTIVE)

typedef struct cubie_erk_state {
  int have_k0; /* row 0 of the stages holds f(t, y) */
#if CUBIE_ERK_DENSE_STAGES > 0
  /* The dense output's extra stages (and with them f(t + h, y_new)) of the
   * step just accepted are in the stage buffer; cleared by every attempt. */
  int have_extra;
#endif
#if CUBIE_ERK_STIFF_TEST
  /* The verdict on the step just accepted (cubie_erk_accept); read by the
   * loop right after it, never persisted. */
  int looked_stiff;
#endif
} cubie_erk_state;

typedef struct cubie_erk_work {
  cubie_real *k;     /* ERK.STAGES */
  cubie_real *stage; /* ERK.STAGE_STATE */
} cubie_erk_work;

/* The buffers of owner OWNER: ERK's own (buffers.def), or the owner a
 * family built on ERK registers them under with the same names (auto.h:
 * TSIT5). */
#define CUBIE_ERK_DECLARE_WORK_OWNED(OWNER, w)      \
  CUBIE_BUFFER(OWNER, STAGES, w##_k_);              \
  CUBIE_BUFFER(OWNER, STAGE_STATE, w##_stage_);     \
  cubie_erk_work w;                                 \
  w.k = w##_k_;                                     \
  w.stage = w##_stage_
#define CUBIE_ERK_DECLARE_WORK(w) CUBIE_ERK_DECLARE_WORK_OWNED(ERK, w)

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
  cubie_model_rhs(t + h, y_new, p, k + (CUBIE_ERK_STAGES - 1) * CUBIE_N_STATES);
  return CUBIE_ERK_STAGES - 1;
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

#if CUBIE_ERK_ERROR_ORDER > 0
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
    for (int j = 0; j < CUBIE_ERK_STAGES; j++)
      if (cubie_erk_e[j] != 0.0) e += (cubie_real)cubie_erk_e[j] * k[j * CUBIE_N_STATES + n];
    const cubie_real inv_scale =
        (cubie_real)1 / (atol + rtol * cubie_max(cubie_fabs(y[n]), cubie_fabs(y_new[n])));
    const cubie_real r = e * inv_scale;
    sum += r * r;
#if CUBIE_ERK_HAS_E3
    cubie_real e3 = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ERK_STAGES; j++)
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

#if CUBIE_ERK_STIFF_TEST
/* Hairer's stiffness test (HNW I, IV.2 "Automatic stiffness detection"; the
 * codes DOPRI5 and DOP853) on the stages of the step just accepted. Stages
 * I and J of erk_tableaus.h are evaluated at the same time, at the states
 * g_I, g_J with g_J − g_I = h Σ_m (a_Jm − a_Im) k_m, so
 * k_J − k_I ≈ ∂f/∂y (g_J − g_I) and
 *   h|λ| ≈ |h| ‖k_J − k_I‖ / ‖g_J − g_I‖ = ‖k_J − k_I‖ / ‖Σ_m (a_Jm − a_Im) k_m‖
 * (h cancels) estimates the dominant eigenvalue times the step. Returns 1
 * when it exceeds `bound` (the looked_stiff test: CUBIE_ERK_STIFF_BOUND;
 * auto.h: 9/10 of it): the controller is holding the step at the stability
 * limit rather than at the accuracy asked for. The squares
 * are compared (no root, no division); a zero denominator (the two stage
 * states agree) is no evidence of stiffness. g_J − g_I is formed from the
 * stages rather than stored, so it is there whatever the dense output has
 * done with the stage-state buffer since. */
CUBIE_INLINE int cubie_erk_stiff_verdict(const cubie_real *CUBIE_RESTRICT k, double bound) {
  cubie_real num = (cubie_real)0, den = (cubie_real)0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    const cubie_real dk = k[CUBIE_ERK_STIFF_STAGE_J * CUBIE_N_STATES + n] -
                          k[CUBIE_ERK_STIFF_STAGE_I * CUBIE_N_STATES + n];
    cubie_real dg = (cubie_real)0;
    CUBIE_UNROLL
    for (int m = 0; m < CUBIE_ERK_STIFF_STAGE_J; m++)
      if (cubie_erk_a[CUBIE_ERK_STIFF_STAGE_J][m] != cubie_erk_a[CUBIE_ERK_STIFF_STAGE_I][m])
        dg += (cubie_real)(cubie_erk_a[CUBIE_ERK_STIFF_STAGE_J][m] -
                           cubie_erk_a[CUBIE_ERK_STIFF_STAGE_I][m]) *
              k[m * CUBIE_N_STATES + n];
    num += dk * dk;
    den += dg * dg;
  }
  return den > (cubie_real)0 &&
         num > (cubie_real)(bound * bound) * den;
}
#endif

/* The verdict on an accepted step, while its stages are still in the stage
 * buffer (before k_0 of the next step overwrites row 0). */
CUBIE_INLINE void cubie_erk_judge_stiffness(cubie_erk_state *st, const cubie_erk_work *w) {
#if CUBIE_ERK_STIFF_TEST
  st->looked_stiff = cubie_erk_stiff_verdict(w->k, CUBIE_ERK_STIFF_BOUND);
#else
  (void)st;
  (void)w;
#endif
}

/* ---- the step contract (step.h), under ERK's own names ------------------ */

/* The rows a step fills only after acceptance or at its first dense output
 * (the FSAL stage, the extra stages) start at zero in every window: never
 * read before they are written (have_extra), but the host compiler cannot
 * always prove it once the loop is inlined (-Wuninitialized). */
CUBIE_INLINE void cubie_erk_clear_late_rows(cubie_erk_work *w) {
#if CUBIE_ERK_DENSE_STAGES > 0
  CUBIE_UNROLL
  for (int i = (CUBIE_ERK_STAGES - CUBIE_ERK_FSAL) * CUBIE_N_STATES;
       i < (CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES) * CUBIE_N_STATES; i++)
    w->k[i] = (cubie_real)0;
#else
  (void)w;
#endif
}

CUBIE_DEVICE void cubie_erk_start(cubie_erk_state *st, cubie_erk_work *w) {
  st->have_k0 = 0;
#if CUBIE_ERK_DENSE_STAGES > 0
  st->have_extra = 0;
#endif
#if CUBIE_ERK_STIFF_TEST
  st->looked_stiff = 0;
#endif
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->k[n] = (cubie_real)0; /* persisted as is */
  cubie_erk_clear_late_rows(w);
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
                            CUBIE_ERK_ORDER);
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
#if CUBIE_ERK_DENSE_STAGES > 0
  st->have_extra = 0;
#else
  (void)st;
#endif
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
#if CUBIE_ERK_FSAL
  cubie_real *k = w->k;
  cubie_real *last = k + (CUBIE_ERK_STAGES - 1) * CUBIE_N_STATES;
#if !CUBIE_ERK_FSAL_IN_ATTEMPT
#if CUBIE_ERK_DENSE_STAGES > 0
  if (!st->have_extra) /* else the dense output evaluated it already */
#endif
  {
    cubie_model_rhs(t_new, y_new, p, last);
    counters[CUBIE_COUNTER_RHS_EVALS] += 1;
  }
#else
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
#endif
  cubie_erk_judge_stiffness(st, w);
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) k[n] = last[n];
  st->have_k0 = 1;
#elif CUBIE_ERK_EXTRA_IS_Y_NEW
  /* The dense output's first extra stage is f(t_new, y_new): k_0 of the next
   * step, when a save point inside this step made it exist. */
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)counters;
  cubie_erk_judge_stiffness(st, w);
  if (st->have_extra) {
    cubie_real *k = w->k;
    const cubie_real *f_new = k + CUBIE_ERK_STAGES * CUBIE_N_STATES;
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) k[n] = f_new[n];
  }
  st->have_k0 = st->have_extra;
#else
  cubie_erk_judge_stiffness(st, w);
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

#if CUBIE_ERK_DENSE_STAGES > 0
/* The dense output's extra stages of the step of size h just accepted from
 * (t, y) to y_new, into rows CUBIE_ERK_STAGES.. of the stage buffer (and,
 * for FSAL methods whose last stage waits for acceptance, that stage first:
 * the extra stages use it). `stage` is scratch. Returns the number of
 * right-hand-side evaluations. */
CUBIE_DEVICE int cubie_erk_extra_stages(double t, double h, const cubie_real *CUBIE_RESTRICT y,
                                        const cubie_real *CUBIE_RESTRICT y_new,
                                        const cubie_real *CUBIE_RESTRICT p,
                                        cubie_real *CUBIE_RESTRICT k,
                                        cubie_real *CUBIE_RESTRICT stage) {
  int evals = 0;
#if CUBIE_ERK_FSAL && !CUBIE_ERK_FSAL_IN_ATTEMPT
  cubie_model_rhs(t + h, y_new, p, k + (CUBIE_ERK_STAGES - 1) * CUBIE_N_STATES);
  evals += 1;
#endif
  const cubie_real hr = (cubie_real)h;
  CUBIE_UNROLL
  for (int i = 0; i < CUBIE_ERK_DENSE_STAGES; i++) {
    cubie_real *k_i = k + (CUBIE_ERK_STAGES + i) * CUBIE_N_STATES;
    if (CUBIE_ERK_EXTRA_IS_Y_NEW && i == 0) { /* y + h Σ b_j k_j is y_new itself */
      cubie_model_rhs(t + h, y_new, p, k_i);
    } else {
      CUBIE_UNROLL
      for (int n = 0; n < CUBIE_N_STATES; n++) {
        cubie_real acc = (cubie_real)0;
        CUBIE_UNROLL
        for (int j = 0; j < CUBIE_ERK_STAGES + i; j++)
          if (cubie_erk_a_extra[i][j] != 0.0)
            acc += (cubie_real)cubie_erk_a_extra[i][j] * k[j * CUBIE_N_STATES + n];
        stage[n] = y[n] + hr * acc;
      }
      cubie_model_rhs(t + cubie_erk_c_extra[i] * h, stage, p, k_i);
    }
    evals += 1;
  }
  return evals;
}
#endif

#if CUBIE_ERK_DENSE_DEGREE > 0
/* The state at t + θh inside the step just accepted, into the stage-state
 * buffer: y + h Σ_j b_j(θ) k_j with b_j(θ) = Σ_m dense[j][m] θ^(m+1) over
 * the step's stages and the extra ones, or (CUBIE_ERK_DENSE_HAIRER) DOP853's
 * form of erk_tableaus.h. Extra stages are evaluated at the first call for a
 * step and counted in counters[]. */
CUBIE_INLINE const cubie_real *cubie_erk_dense_output(cubie_erk_state *st, cubie_erk_work *w,
                                                     double t, double h, double theta,
                                                     const cubie_real *CUBIE_RESTRICT y,
                                                     const cubie_real *CUBIE_RESTRICT y_new,
                                                     const cubie_real *CUBIE_RESTRICT p,
                                                     cubie_i64 *counters) {
#if CUBIE_ERK_DENSE_STAGES > 0
  if (!st->have_extra) {
    counters[CUBIE_COUNTER_RHS_EVALS] += cubie_erk_extra_stages(t, h, y, y_new, p, w->k, w->stage);
    st->have_extra = 1;
  }
#else
  (void)st;
  (void)t;
  (void)p;
  (void)counters;
#endif
  const cubie_real *CUBIE_RESTRICT k = w->k;
  cubie_real *CUBIE_RESTRICT out = w->stage;
  const cubie_real th = (cubie_real)theta;
  const cubie_real hr = (cubie_real)h;
#if CUBIE_ERK_DENSE_HAIRER
  /* dop853.f's CONTD8 with its coefficients F0 .. F6 (erk_tableaus.h). */
  const cubie_real th1 = (cubie_real)1 - th;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real f[4];
    CUBIE_UNROLL
    for (int i = 0; i < 4; i++) {
      cubie_real acc = (cubie_real)0;
      CUBIE_UNROLL
      for (int j = 0; j < CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES; j++)
        if (cubie_erk_dense_d[i][j] != 0.0)
          acc += (cubie_real)cubie_erk_dense_d[i][j] * k[j * CUBIE_N_STATES + n];
      f[i] = hr * acc;
    }
    const cubie_real dy = y_new[n] - y[n];
    const cubie_real bspl = hr * k[n] - dy;
    const cubie_real f2 = dy - hr * k[(CUBIE_ERK_STAGES - 1) * CUBIE_N_STATES + n] - bspl;
    const cubie_real cona = f[0] + th * (f[1] + th1 * (f[2] + th * f[3]));
    out[n] = y[n] + th * (dy + th1 * (bspl + th * (f2 + th1 * cona)));
  }
  return out;
#else
  (void)y_new;
  cubie_real wt[CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES];
  int used[CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES];
  CUBIE_UNROLL
  for (int j = 0; j < CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES; j++) {
    cubie_real bj = (cubie_real)0;
    used[j] = 0;
    CUBIE_UNROLL
    for (int m = CUBIE_ERK_DENSE_DEGREE - 1; m >= 0; m--) {
      bj = bj * th + (cubie_real)cubie_erk_dense[j][m];
      used[j] |= (cubie_erk_dense[j][m] != 0.0);
    }
    wt[j] = hr * th * bj;
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_ERK_STAGES + CUBIE_ERK_DENSE_STAGES; j++)
      if (used[j]) acc += wt[j] * k[j * CUBIE_N_STATES + n];
    out[n] = y[n] + acc;
  }
  return out;
#endif
}
#endif

#if CUBIE_ERK_STIFF_TEST
/* The stiffness verdict on the step just accepted. */
CUBIE_INLINE int cubie_erk_looked_stiff(const cubie_erk_state *st) { return st->looked_stiff; }
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
#if CUBIE_ERK_DENSE_STAGES > 0
  st->have_extra = 0; /* only between an attempt and its acceptance */
#endif
#if CUBIE_ERK_STIFF_TEST
  st->looked_stiff = 0; /* only between an acceptance and the loop's count */
#endif
  cubie_erk_clear_late_rows(w);
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) w->k[n] = (cubie_real)base[(1 + n) * stride];
}

/* ---- ERK as the selected family: step.h's names ------------------------
 * A family implements the contract under its own names and binds them here,
 * so that another family (a per-run switch between two methods) can build
 * on it without the names clashing. */
#if defined(CUBIE_STEP_FAMILY_ERK)
#define CUBIE_STEP_ORDER CUBIE_ERK_ORDER
#define CUBIE_STEP_ERROR_ORDER CUBIE_ERK_ERROR_ORDER
#define CUBIE_STEP_DENSE (CUBIE_ERK_DENSE_DEGREE > 0)
#define CUBIE_STEP_DENSE_EXTRA (CUBIE_ERK_DENSE_STAGES > 0)
#define CUBIE_STEP_STIFF_TEST CUBIE_ERK_STIFF_TEST
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
#if CUBIE_ERK_STIFF_TEST
#define cubie_step_looked_stiff cubie_erk_looked_stiff
#endif
#endif

#endif
