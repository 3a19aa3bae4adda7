/* vdp_model.h — a forced Van der Pol oscillator, written as src/model/model.c
 * generates a model: nonlinear, time-dependent (the forcing reads t), with
 * an observable, so step sizes vary along a run and between runs.
 *   x' = v,  v' = μ (1 - x²) v - x + A cos(ω t);   energy = x² + v²
 * States (x, v), parameters (μ, A, ω), outputs (x, v, energy).
 */
#ifndef CUBIE_TEST_VDP_MODEL_H
#define CUBIE_TEST_VDP_MODEL_H

#define CUBIE_N_STATES 2
#define CUBIE_N_PARAMETERS 3
#define CUBIE_N_OUTPUTS 3

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *dydt) {
  const cubie_real x = y[0], v = y[1];
  dydt[0] = v;
  dydt[1] = p[0] * ((cubie_real)1 - x * x) * v - x + p[1] * cubie_cos(p[2] * (cubie_real)t);
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  out[0] = y[0];
  out[1] = y[1];
  out[2] = y[0] * y[0] + y[1] * y[1];
}

#endif
