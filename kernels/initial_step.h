/* initial_step.h — the first step of a run when the user gives none, shared
 * by every step family (step.h: cubie_step_first_step).
 *
 * Hairer's starting step (HNW I, II.4, "Starting step size", as HINIT in
 * DOPRI5/DOP853), with sc_i = atol + rtol |y_i|:
 *   d0 = ||y||, d1 = ||f0||; h0 = 0.01 d0/d1 (1e-6 if either < 1e-5);
 *   y1 = y + h0 f0, f1 = f(t + h0, y1); d2 = ||f1 - f0|| / h0;
 *   h1 = (0.01 / max(d1, d2))^(1/(p+1)) (max(1e-6, 1e-3 h0) if max <= 1e-15);
 *   h = min(100 h0, h1, h_max)
 * with p the method's order and h_max = min(dt_max, t_end - t). It only
 * proposes a step: the controller judges the first attempt like any other.
 */
#ifndef CUBIE_INITIAL_STEP_H
#define CUBIE_INITIAL_STEP_H

/* f0 = f(t, y) is given; f1 and y1 are scratch of CUBIE_N_STATES. Makes one
 * right-hand-side evaluation. In double: it runs once per run. */
CUBIE_DEVICE double cubie_initial_step(double t, double t_end, const cubie_real *CUBIE_RESTRICT y,
                                       const cubie_real *CUBIE_RESTRICT p,
                                       const cubie_real *CUBIE_RESTRICT f0,
                                       cubie_real *CUBIE_RESTRICT f1,
                                       cubie_real *CUBIE_RESTRICT y1, const cubie_chunk_args *a,
                                       int order) {
  double d0 = 0.0, d1 = 0.0, d2 = 0.0;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    const double inv_sc = 1.0 / (a->atol + a->rtol * fabs((double)y[n]));
    d0 += ((double)y[n] * inv_sc) * ((double)y[n] * inv_sc);
    d1 += ((double)f0[n] * inv_sc) * ((double)f0[n] * inv_sc);
  }
  d0 = sqrt(d0 / CUBIE_N_STATES);
  d1 = sqrt(d1 / CUBIE_N_STATES);
  double h_max = t_end - t;
  if (a->dt_max > 0.0 && a->dt_max < h_max) h_max = a->dt_max;
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  if (h0 > h_max) h0 = h_max;
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) y1[n] = y[n] + (cubie_real)h0 * f0[n];
  cubie_model_rhs(t + h0, y1, p, f1);
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    const double inv_sc = 1.0 / (a->atol + a->rtol * fabs((double)y[n]));
    const double df = ((double)f1[n] - (double)f0[n]) * inv_sc;
    d2 += df * df;
  }
  d2 = sqrt(d2 / CUBIE_N_STATES) / h0;
  const double der12 = d1 > d2 ? d1 : d2;
  double h1 = (der12 <= 1e-15) ? (h0 * 1e-3 > 1e-6 ? h0 * 1e-3 : 1e-6)
                               : pow(0.01 / der12, 1.0 / (order + 1));
  double h = 100.0 * h0;
  if (h1 < h) h = h1;
  if (h_max < h) h = h_max;
  if (!(h > 0.0)) h = h_max; /* non-finite derivatives: let the controller reject */
  return h;
}

#endif
