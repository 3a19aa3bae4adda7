/* dense_output.h — the state inside an accepted step, from the method's
 * continuous extension (tableaus.h: cubie_rk_dense).
 *
 * Responsible for evaluating y(t + θh) = y + h Σ_j b_j(θ) k_j for 0 < θ < 1
 * from the stages of the step just accepted. It never advances the
 * solution, never evaluates the right-hand side (the interpolants used need
 * no extra stages) and is compiled only for methods that have one; the
 * others land on save times instead (run.h).
 */
#ifndef CUBIE_DENSE_OUTPUT_H
#define CUBIE_DENSE_OUTPUT_H

#include "tableaus.h"

#if CUBIE_RK_DENSE_DEGREE > 0
/* out = y + h Σ_j b_j(θ) k_j with b_j(θ) = Σ_m dense[j][m] θ^(m+1). */
CUBIE_DEVICE void cubie_dense_eval(double theta, double h, const cubie_real *CUBIE_RESTRICT y,
                                   const cubie_real *CUBIE_RESTRICT k,
                                   cubie_real *CUBIE_RESTRICT out) {
  const cubie_real th = (cubie_real)theta;
  const cubie_real hr = (cubie_real)h;
  cubie_real w[CUBIE_RK_STAGES];
  int used[CUBIE_RK_STAGES];
  CUBIE_UNROLL
  for (int j = 0; j < CUBIE_RK_STAGES; j++) {
    cubie_real bj = (cubie_real)0;
    used[j] = 0;
    CUBIE_UNROLL
    for (int m = CUBIE_RK_DENSE_DEGREE - 1; m >= 0; m--) {
      bj = bj * th + (cubie_real)cubie_rk_dense[j][m];
      used[j] |= (cubie_rk_dense[j][m] != 0.0);
    }
    w[j] = hr * th * bj;
  }
  CUBIE_UNROLL
  for (int n = 0; n < CUBIE_N_STATES; n++) {
    cubie_real acc = (cubie_real)0;
    CUBIE_UNROLL
    for (int j = 0; j < CUBIE_RK_STAGES; j++)
      if (used[j]) acc += w[j] * k[j * CUBIE_N_STATES + n];
    out[n] = y[n] + acc;
  }
}
#endif

#endif
