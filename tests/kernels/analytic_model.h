/* analytic_model.h — three problems with known solutions integrated as one
 * system, written exactly as src/model/model.c generates a model:
 *   y' = -k y                      exponential decay
 *   x' = v, v' = -ω² x             harmonic oscillator
 *   u' = r u (1 - u / K)           logistic growth
 * States (y, x, v, u), parameters (k, ω, r, K), outputs = the states.
 * analytic_exact() is the exact solution the tests compare with. The
 * Jacobian functions (written by hand, with the names and meaning of those
 * src/model generates for implicit methods) serve the Rosenbrock methods;
 * the problem is autonomous.
 */
#ifndef CUBIE_TEST_ANALYTIC_MODEL_H
#define CUBIE_TEST_ANALYTIC_MODEL_H

#define CUBIE_N_STATES 4
#define CUBIE_N_PARAMETERS 4
#define CUBIE_N_OUTPUTS 4

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *dydt) {
  (void)t;
  const cubie_real w = p[1];
  dydt[0] = -p[0] * y[0];
  dydt[1] = y[2];
  dydt[2] = -(w * w) * y[1];
  dydt[3] = p[2] * y[3] * ((cubie_real)1 - y[3] / p[3]);
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  out[0] = y[0];
  out[1] = y[1];
  out[2] = y[2];
  out[3] = y[3];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 1
#define CUBIE_JAC_NNZ 5

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  for (int i = 0; i < 16; i++) J[i] = (cubie_real)0;
  J[0 * 4 + 0] = -p[0];
  J[1 * 4 + 2] = (cubie_real)1;
  J[2 * 4 + 1] = -(p[1] * p[1]);
  J[3 * 4 + 3] = p[2] * ((cubie_real)1 - (cubie_real)2 * y[3] / p[3]);
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  (void)t;
  Jv[0] = -p[0] * v[0];
  Jv[1] = v[2];
  Jv[2] = -(p[1] * p[1]) * v[1];
  Jv[3] = p[2] * ((cubie_real)1 - (cubie_real)2 * y[3] / p[3]) * v[3];
}

CUBIE_DEVICE void cubie_model_dfdt(double t, const cubie_real *y, const cubie_real *p,
                                   cubie_real *dfdt) {
  (void)t;
  (void)y;
  (void)p;
  for (int i = 0; i < 4; i++) dfdt[i] = (cubie_real)0;
}

/* Exact solution at t from the initial values y0 at t0 (parameters p). */
static void analytic_exact(double t, double t0, const double *y0, const double *p, double *y) {
  const double s = t - t0, k = p[0], w = p[1], r = p[2], K = p[3];
  y[0] = y0[0] * exp(-k * s);
  y[1] = y0[1] * cos(w * s) + y0[2] / w * sin(w * s);
  y[2] = -y0[1] * w * sin(w * s) + y0[2] * cos(w * s);
  y[3] = K / (1.0 + (K / y0[3] - 1.0) * exp(-r * s));
}

#endif
