/* pattern_model.h — y' = A y with the TEST_N × TEST_N matrix A taken from
 * the parameters (row-major), whose structural pattern the test chooses at
 * run time (test_rows, test_cols, test_jac_nnz: the entries a generated
 * model would list, row-major), so one kernel translation unit tests the
 * sparse and Krylov linear solvers (test_linsolve_sparse.c,
 * test_linsolve_krylov.c) on many patterns. Written as src/model generates
 * a model for implicit methods, with the functions those solvers need.
 */
#ifndef CUBIE_TEST_PATTERN_MODEL_H
#define CUBIE_TEST_PATTERN_MODEL_H

#define CUBIE_N_STATES TEST_N
#define CUBIE_N_PARAMETERS (TEST_N * TEST_N)
#define CUBIE_N_OUTPUTS TEST_N

static int test_jac_nnz;
static int test_rows[TEST_N * TEST_N], test_cols[TEST_N * TEST_N];

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  (void)t;
  for (int i = 0; i < TEST_N; i++) {
    f[i] = (cubie_real)0;
    for (int j = 0; j < TEST_N; j++) f[i] += p[TEST_N * i + j] * y[j];
  }
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  for (int i = 0; i < TEST_N; i++) out[i] = y[i];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 1
#define CUBIE_JAC_NNZ test_jac_nnz

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  (void)y;
  for (int i = 0; i < TEST_N * TEST_N; i++) J[i] = p[i];
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_rhs_jacobian_values(double t, const cubie_real *y,
                                                  const cubie_real *p, cubie_real *f,
                                                  cubie_real *Jx) {
  cubie_model_rhs(t, y, p, f);
  for (int k = 0; k < test_jac_nnz; k++) Jx[k] = p[TEST_N * test_rows[k] + test_cols[k]];
}

CUBIE_DEVICE void cubie_model_rhs_jacobian_diagonal(double t, const cubie_real *y,
                                                    const cubie_real *p, cubie_real *f,
                                                    cubie_real *D) {
  cubie_model_rhs(t, y, p, f);
  for (int i = 0; i < TEST_N; i++) D[i] = p[TEST_N * i + i];
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
  for (int i = 0; i < TEST_N; i++) dfdt[i] = (cubie_real)0;
}

#endif
