/* newton_model.h — y' = −k y whose Jacobian is reported as p[1] instead of
 * −k (a poor Jacobian, as a user-supplied one may be), so a test controls
 * the simplified Newton iteration's rate: for a stage with iteration matrix
 * I/(γh) − p[1], the error contracts by θ = |k + p[1]| γh / |1 − p[1] γh|.
 * Two copies of the equation (y0 and y1 from their own initial values):
 * one state is too small for gcc's flow analysis of the Jacobian buffer.
 * Written as src/model generates a model for implicit methods.
 */
#ifndef CUBIE_TEST_NEWTON_MODEL_H
#define CUBIE_TEST_NEWTON_MODEL_H

#define CUBIE_N_STATES 2
#define CUBIE_N_PARAMETERS 2
#define CUBIE_N_OUTPUTS 2

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  (void)t;
  f[0] = -p[0] * y[0];
  f[1] = -p[0] * y[1];
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
#define CUBIE_JAC_NNZ 2

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  (void)y;
  J[0] = p[1];
  J[1] = (cubie_real)0;
  J[2] = (cubie_real)0;
  J[3] = p[1];
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  (void)t;
  (void)y;
  Jv[0] = p[1] * v[0];
  Jv[1] = p[1] * v[1];
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
