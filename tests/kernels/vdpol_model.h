/* vdpol_model.h — the Van der Pol oscillator in the scaled form of the IVP
 * Test Set (VDPOL, Bari; HNW II, IV.1, eq. (1.5')), written as src/model
 * generates a model for implicit methods:
 *   y1' = y2
 *   y2' = ((1 - y1²) y2 - y1) / ε
 * y(0) = (2, 0); for small ε (1e-6 in the test set) a relaxation
 * oscillation with period ~1.614 whose fast jumps make it very stiff.
 * States (y1, y2), parameters (ε), outputs = the states.
 */
#ifndef CUBIE_TEST_VDPOL_MODEL_H
#define CUBIE_TEST_VDPOL_MODEL_H

#define CUBIE_N_STATES 2
#define CUBIE_N_PARAMETERS 1
#define CUBIE_N_OUTPUTS 2

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  (void)t;
  f[0] = y[1];
  f[1] = (((cubie_real)1 - y[0] * y[0]) * y[1] - y[0]) / p[0];
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  out[0] = y[0];
  out[1] = y[1];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 1
#define CUBIE_JAC_NNZ 3

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  J[0] = (cubie_real)0;
  J[1] = (cubie_real)1;
  J[2] = (-(cubie_real)2 * y[0] * y[1] - (cubie_real)1) / p[0];
  J[3] = ((cubie_real)1 - y[0] * y[0]) / p[0];
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  cubie_real J[4];
  cubie_model_jacobian(t, y, p, J);
  Jv[0] = J[0] * v[0] + J[1] * v[1];
  Jv[1] = J[2] * v[0] + J[3] * v[1];
}

CUBIE_DEVICE void cubie_model_dfdt(double t, const cubie_real *y, const cubie_real *p,
                                   cubie_real *dfdt) {
  (void)t;
  (void)y;
  (void)p;
  dfdt[0] = (cubie_real)0;
  dfdt[1] = (cubie_real)0;
}

#endif
