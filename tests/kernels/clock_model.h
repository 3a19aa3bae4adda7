/* clock_model.h — a harmonic oscillator whose outputs include the time the
 * kernel passes to the outputs function, written as src/model/model.c generates
 * a model:  x' = v, v' = -ω² x;  outputs (x, v, t, x² + v²/ω²).
 */
#ifndef CUBIE_TEST_CLOCK_MODEL_H
#define CUBIE_TEST_CLOCK_MODEL_H

#define CUBIE_N_STATES 2
#define CUBIE_N_PARAMETERS 1
#define CUBIE_N_OUTPUTS 4

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *dydt) {
  (void)t;
  dydt[0] = y[1];
  dydt[1] = -(p[0] * p[0]) * y[0];
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  out[0] = y[0];
  out[1] = y[1];
  out[2] = (cubie_real)t;
  out[3] = y[0] * y[0] + y[1] * y[1] / (p[0] * p[0]);
}

#endif
