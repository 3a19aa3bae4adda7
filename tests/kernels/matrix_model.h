/* matrix_model.h — y' = A y with the 4×4 matrix A taken from the
 * parameters (row-major), so a test chooses the Jacobian: the linear
 * solver's tests (test_linsolve.c). Written as src/model generates a model
 * for implicit methods.
 */
#ifndef CUBIE_TEST_MATRIX_MODEL_H
#define CUBIE_TEST_MATRIX_MODEL_H

#define CUBIE_N_STATES 4
#define CUBIE_N_PARAMETERS 16
#define CUBIE_N_OUTPUTS 4

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  (void)t;
  for (int i = 0; i < 4; i++) {
    f[i] = (cubie_real)0;
    for (int j = 0; j < 4; j++) f[i] += p[4 * i + j] * y[j];
  }
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  for (int i = 0; i < 4; i++) out[i] = y[i];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 1
#define CUBIE_JAC_NNZ 16

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  (void)y;
  for (int i = 0; i < 16; i++) J[i] = p[i];
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  (void)y;
  cubie_model_rhs(t, v, p, Jv);
}

CUBIE_DEVICE void cubie_model_dfdt(double t, const cubie_real *y, const cubie_real *p,
                                   cubie_real *dfdt) {
  (void)t;
  (void)y;
  (void)p;
  for (int i = 0; i < 4; i++) dfdt[i] = (cubie_real)0;
}

#endif
