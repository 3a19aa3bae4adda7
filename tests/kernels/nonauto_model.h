/* nonauto_model.h — a nonlinear, non-autonomous system with a known
 * solution, written as src/model generates a model for implicit methods
 * (cubie_model_rhs, the Jacobian functions, df/dt). Five problems in one:
 *   a' = -a² cos t                 a = 1 / (1/a0 + sin t)
 *   b' = κ t b                     b = b0 exp(κ t²/2)
 *   c' = λ (c - sin t) + cos t     c = sin t + (c0 - sin t0) e^(λ(t - t0))   (Prothero-Robinson)
 *   x' = -y (x² + y²)              (x, y) = r (cos, sin)(r² t + φ),  r, φ from (x0, y0)
 *   y' =  x (x² + y²)
 * Each right-hand side depends on t or is nonlinear, so Rosenbrock methods
 * show their order only when the ∂f/∂t terms and the Jacobian are right.
 * States (a, b, c, x, y), parameters (κ, λ), outputs = the states.
 */
#ifndef CUBIE_TEST_NONAUTO_MODEL_H
#define CUBIE_TEST_NONAUTO_MODEL_H

#define CUBIE_N_STATES 5
#define CUBIE_N_PARAMETERS 2
#define CUBIE_N_OUTPUTS 5

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *f) {
  const cubie_real tr = (cubie_real)t;
  const cubie_real s = y[3] * y[3] + y[4] * y[4];
  f[0] = -y[0] * y[0] * cubie_cos(tr);
  f[1] = p[0] * tr * y[1];
  f[2] = p[1] * (y[2] - cubie_sin(tr)) + cubie_cos(tr);
  f[3] = -y[4] * s;
  f[4] = y[3] * s;
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  for (int i = 0; i < 5; i++) out[i] = y[i];
}

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 0
#define CUBIE_JAC_NNZ 7

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  const cubie_real tr = (cubie_real)t;
  const cubie_real x = y[3], v = y[4], s = x * x + v * v;
  for (int i = 0; i < 25; i++) J[i] = (cubie_real)0;
  J[0 * 5 + 0] = -(cubie_real)2 * y[0] * cubie_cos(tr);
  J[1 * 5 + 1] = p[0] * tr;
  J[2 * 5 + 2] = p[1];
  J[3 * 5 + 3] = -(cubie_real)2 * x * v;
  J[3 * 5 + 4] = -s - (cubie_real)2 * v * v;
  J[4 * 5 + 3] = s + (cubie_real)2 * x * x;
  J[4 * 5 + 4] = (cubie_real)2 * x * v;
}

CUBIE_DEVICE void cubie_model_rhs_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                           cubie_real *f, cubie_real *J) {
  cubie_model_rhs(t, y, p, f);
  cubie_model_jacobian(t, y, p, J);
}

CUBIE_DEVICE void cubie_model_jvp(double t, const cubie_real *y, const cubie_real *p,
                                  const cubie_real *v, cubie_real *Jv) {
  cubie_real J[25];
  cubie_model_jacobian(t, y, p, J);
  for (int i = 0; i < 5; i++) {
    Jv[i] = (cubie_real)0;
    for (int j = 0; j < 5; j++) Jv[i] += J[i * 5 + j] * v[j];
  }
}

CUBIE_DEVICE void cubie_model_dfdt(double t, const cubie_real *y, const cubie_real *p,
                                   cubie_real *dfdt) {
  const cubie_real tr = (cubie_real)t;
  dfdt[0] = y[0] * y[0] * cubie_sin(tr);
  dfdt[1] = p[0] * y[1];
  dfdt[2] = -p[1] * cubie_cos(tr) - cubie_sin(tr);
  dfdt[3] = (cubie_real)0;
  dfdt[4] = (cubie_real)0;
}

/* The exact solution at t from y0 at t0. */
static void nonauto_exact(double t, double t0, const double *y0, const double *p, double *y) {
  y[0] = 1.0 / (1.0 / y0[0] + sin(t) - sin(t0));
  y[1] = y0[1] * exp(p[0] * (t * t - t0 * t0) / 2.0);
  y[2] = sin(t) + (y0[2] - sin(t0)) * exp(p[1] * (t - t0));
  const double r2 = y0[3] * y0[3] + y0[4] * y0[4], r = sqrt(r2), phi = atan2(y0[4], y0[3]);
  y[3] = r * cos(r2 * (t - t0) + phi);
  y[4] = r * sin(r2 * (t - t0) + phi);
}

#endif
