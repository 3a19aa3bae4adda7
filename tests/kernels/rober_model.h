/* rober_model.h — Robertson's chemical kinetics (ROBER of the IVP Test Set,
 * Bari; HNW II, IV.1), written as src/model generates a model for implicit
 * methods (cubie_model_rhs, the Jacobian functions, df/dt):
 *   y1' = -k1 y1 + k3 y2 y3
 *   y2' =  k1 y1 - k3 y2 y3 - k2 y2²
 *   y3' =  k2 y2²
 * k1 = 0.04, k2 = 3e7, k3 = 1e4 in the test set; y(0) = (1, 0, 0). Very
 * stiff (eigenvalues to -1e4 at once), y1 + y2 + y3 = 1 for all t.
 * States (y1, y2, y3), parameters (k1, k2, k3), outputs = the states.
 */
#ifndef CUBIE_TEST_ROBER_MODEL_H
#define CUBIE_TEST_ROBER_MODEL_H

#define CUBIE_N_STATES 3
#define CUBIE_N_PARAMETERS 3
#define CUBIE_N_OUTPUTS 3

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  (void)t;
  const cubie_real r1 = p[0] * y[0], r2 = p[1] * y[1] * y[1], r3 = p[2] * y[1] * y[2];
  f[0] = -r1 + r3;
  f[1] = r1 - r3 - r2;
  f[2] = r2;
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  for (int i = 0; i < 3; i++) out[i] = y[i];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 1
#define CUBIE_JAC_NNZ 7

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  const cubie_real a = p[2] * y[2], b = p[2] * y[1], c = (cubie_real)2 * p[1] * y[1];
  J[0] = -p[0];
  J[1] = a;
  J[2] = b;
  J[3] = p[0];
  J[4] = -a - c;
  J[5] = -b;
  J[6] = (cubie_real)0;
  J[7] = c;
  J[8] = (cubie_real)0;
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  cubie_real J[9];
  cubie_model_jacobian(t, y, p, J);
  for (int i = 0; i < 3; i++) Jv[i] = J[3 * i] * v[0] + J[3 * i + 1] * v[1] + J[3 * i + 2] * v[2];
}

CUBIE_DEVICE void cubie_model_dfdt(double t, const cubie_real *y, const cubie_real *p,
                                   cubie_real *dfdt) {
  (void)t;
  (void)y;
  (void)p;
  for (int i = 0; i < 3; i++) dfdt[i] = (cubie_real)0;
}

#endif
