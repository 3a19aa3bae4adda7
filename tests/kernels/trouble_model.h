/* trouble_model.h — one equation that can be healthy, stiff or singular
 * depending on its parameters, written as src/model/model.c generates a model:
 *   y' = a y² - b (y - cos t)
 * a = 0: linear, relaxing to the forcing at rate b (stiff for large b);
 * b = 0, a = 1: y' = y², which blows up at t = 1/y(0).
 * State y, parameters (a, b), output y.
 */
#ifndef CUBIE_TEST_TROUBLE_MODEL_H
#define CUBIE_TEST_TROUBLE_MODEL_H

#define CUBIE_N_STATES 1
#define CUBIE_N_PARAMETERS 2
#define CUBIE_N_OUTPUTS 1

CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *y, const cubie_real *p,
                                  cubie_real *dydt) {
  dydt[0] = p[0] * y[0] * y[0] - p[1] * (y[0] - cubie_cos((cubie_real)t));
}

CUBIE_DEVICE void cubie_model_outputs(double t, const cubie_real *y, const cubie_real *p,
                                      cubie_real *out) {
  (void)t;
  (void)p;
  out[0] = y[0];
}

#endif
