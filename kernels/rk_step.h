/* rk_step.h — one attempt of the explicit Runge–Kutta step selected in
 * tableaus.h, and the weighted norm of its local error estimate.
 *
 * Responsible for the arithmetic of a step: the stages, the new state and
 * the error norm. It never decides whether a step is accepted, never touches
 * time bookkeeping beyond t + c_i h, and never writes outputs. Every loop
 * over stages is unrolled with literal coefficients (zeros vanish), loops
 * over states run over compile-time CUBIE_N_STATES, and nothing divides or
 * calls pow inside them.
 *
 * Stage storage: k holds CUBIE_RK_STAGES rows of CUBIE_N_STATES; row 0 must
 * hold f(t, y) on entry (the loop keeps it: FSAL methods carry it over from
 * the previous step, the others evaluate it once per accepted step).
 */
#ifndef CUBIE_RK_STEP_H
#define CUBIE_RK_STEP_H

#include "tableaus.h"

/* Stages evaluated inside an attempt: 1 .. CUBIE_RK_BODY_STAGES-1. The FSAL
 * stage (the last one when CUBIE_RK_FSAL) is f(t + h, y_new) and is handled
 * separately: inside the attempt when the error estimate needs it, after
 * acceptance otherwise (cubie_rk_finish_fsal). */
#define CUBIE_RK_BODY_STAGES (CUBIE_RK_STAGES - CUBIE_RK_FSAL)
#define CUBIE_RK_FSAL_IN_ATTEMPT (CUBIE_RK_FSAL && CUBIE_RK_ERROR_USES_LAST)

/* Compute stages 1.. and y_new = y + h Σ b_j k_j for a step of size h from
 * (t, y). `stage` is scratch of CUBIE_N_STATES. Returns the number of
 * right-hand-side evaluations it made. */
CUBIE_DEVICE int cubie_rk_attempt(double t, double h, const cubie_real *CUBIE_RESTRICT y,
                                  const cubie_real *CUBIE_RESTRICT p,
                                  cubie_real *CUBIE_RESTRICT k,
                                  cubie_real *CUBIE_RESTRICT stage,
                                  cubie_real *CUBIE_RESTRICT y_new) {
  const cubie_real hr = (cubie_real)h;
  CUBIE_UNROLL
  for (int i = 1; i < CUBIE_RK_BODY_STAGES; i++) {
    CUBIE_UNROLL
    for (int n = 0; n < CUBIE_N_STATES; n++) {
      cubie_real acc = (cubie_real)0;
      CUBIE_UNROLL
      for (int j = 0; j < i; j++)
        if (cubie_rk_a[i][j] != 0.0) acc += (cubie_real)cubie_rk_a[i][j] * k[j * CUBIE_N_STATES + n];
      stage[n] = y[n] + hr * acc;
    }
    cubie_model_rhs(t + cubie_rk_c[i] * h, stage, p, k + i * CUBIE_N_STATES);
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_RK_BODY_STAGES; j++)
      if (cubie_rk_b[j] != 0.0) acc += (cubie_real)cubie_rk_b[j] * k[j * CUBIE_N_STATES + n];
    y_new[n] = y[n] + hr * acc;
  }
#if CUBIE_RK_FSAL_IN_ATTEMPT
  cubie_model_rhs(t + h, y_new, p, k + (CUBIE_RK_STAGES - 1) * CUBIE_N_STATES);
  return CUBIE_RK_STAGES - 1;
#else
  return CUBIE_RK_BODY_STAGES - 1;
#endif
}

/* After an accepted step to (t_new, y_new): make k_0 = f(t_new, y_new) when
 * the method provides it (FSAL), evaluating the FSAL stage now if the attempt
 * did not. Returns 1 when k_0 is valid afterwards, and adds the evaluations
 * made to *evals. */
CUBIE_DEVICE int cubie_rk_finish_fsal(double t_new, const cubie_real *CUBIE_RESTRICT y_new,
                                      const cubie_real *CUBIE_RESTRICT p,
                                      cubie_real *CUBIE_RESTRICT k, cubie_i64 *evals) {
#if CUBIE_RK_FSAL
  cubie_real *last = k + (CUBIE_RK_STAGES - 1) * CUBIE_N_STATES;
#if !CUBIE_RK_FSAL_IN_ATTEMPT
  cubie_model_rhs(t_new, y_new, p, last);
  *evals += 1;
#else
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)evals;
#endif
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) k[n] = last[n];
  return 1;
#else
  (void)t_new;
  (void)y_new;
  (void)p;
  (void)k;
  (void)evals;
  return 0;
#endif
}

/* 1 when every component of v is finite. */
CUBIE_DEVICE int cubie_rk_all_finite(const cubie_real *CUBIE_RESTRICT v) {
  int ok = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) ok &= cubie_isfinite((double)v[n]);
  return ok;
}

#define CUBIE_RK_NONFINITE (-1.0)

#if CUBIE_RK_ERROR_ORDER > 0
/* The error norm of an attempt (HNW I, II.4, eq. (4.11)):
 *   E = sqrt( (1/N) Σ_i ( err_i / (atol + rtol max(|y_i|, |y_new_i|)) )² ),
 *   err = h Σ_j e_j k_j,
 * fused into one pass over the stages (no error vector is stored). DOP853
 * combines its 5th- and 3rd-order estimates as dop853.f does:
 *   E = |h| E5² / sqrt(E5² + 0.01 E3²)  (E5, E3 the norms above without h).
 * Returns CUBIE_RK_NONFINITE (negative, never accepted) when y_new or the
 * estimate is not finite. */
CUBIE_DEVICE cubie_real cubie_rk_error_norm(double h, const cubie_real *CUBIE_RESTRICT y,
                                            const cubie_real *CUBIE_RESTRICT y_new,
                                            const cubie_real *CUBIE_RESTRICT k, cubie_real atol,
                                            cubie_real rtol) {
  cubie_real sum = (cubie_real)0;
#if CUBIE_RK_ERROR_DOP853
  cubie_real sum3 = (cubie_real)0;
#endif
  int finite = 1;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real e = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_RK_STAGES; j++)
      if (cubie_rk_e[j] != 0.0) e += (cubie_real)cubie_rk_e[j] * k[j * CUBIE_N_STATES + n];
    const cubie_real inv_scale =
        (cubie_real)1 / (atol + rtol * cubie_max(cubie_fabs(y[n]), cubie_fabs(y_new[n])));
    const cubie_real r = e * inv_scale;
    sum += r * r;
#if CUBIE_RK_ERROR_DOP853
    cubie_real e3 = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_RK_STAGES; j++)
      if (cubie_rk_e3[j] != 0.0) e3 += (cubie_real)cubie_rk_e3[j] * k[j * CUBIE_N_STATES + n];
    const cubie_real r3 = e3 * inv_scale;
    sum3 += r3 * r3;
#endif
    finite &= cubie_isfinite((double)y_new[n]);
  }
  const cubie_real habs = (cubie_real)(h < 0.0 ? -h : h);
#if CUBIE_RK_ERROR_DOP853
  cubie_real deno = sum + (cubie_real)0.01 * sum3;
  if (!(deno > (cubie_real)0)) deno = (cubie_real)1; /* dop853.f: both estimates zero */
  cubie_real norm = habs * sum / cubie_sqrt(deno * (cubie_real)CUBIE_N_STATES);
#else
  cubie_real norm = habs * cubie_sqrt(sum * (cubie_real)(1.0 / CUBIE_N_STATES));
#endif
  if (!finite || !cubie_isfinite((double)norm)) norm = (cubie_real)CUBIE_RK_NONFINITE;
  return norm;
}
#endif

#endif
