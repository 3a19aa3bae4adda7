/* vdp_model.h — a forced Van der Pol oscillator, written as src/model/model.c
 * generates a model: nonlinear, time-dependent (the forcing reads t), with
 * an observable, so step sizes vary along a run and between runs.
 *   x' = v,  v' = μ (1 - x²) v - x + A cos(ω t);   energy = x² + v²
 * States (x, v), parameters (μ, A, ω), outputs (x, v, energy).
 * With hand-written Jacobian functions (as src/model generates them for
 * implicit methods): J = [[0, 1], [-2μxv - 1, μ(1 - x²)]],
 * df/dt = (0, -Aω sin(ωt)).
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

#define CUBIE_MODEL_HAS_JACOBIAN 1
#define CUBIE_MODEL_AUTONOMOUS 0
#define CUBIE_JAC_NNZ 3

CUBIE_DEVICE void cubie_model_jacobian(double t, const cubie_real *y, const cubie_real *p,
                                       cubie_real *J) {
  (void)t;
  const cubie_real x = y[0], v = y[1];
  J[0] = (cubie_real)0;
  J[1] = (cubie_real)1;
  J[2] = -(cubie_real)2 * p[0] * x * v - (cubie_real)1;
  J[3] = p[0] * ((cubie_real)1 - x * x);
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
  (void)y;
  dfdt[0] = (cubie_real)0;
  dfdt[1] = -p[1] * p[2] * cubie_sin(p[2] * (cubie_real)t);
}

#endif
