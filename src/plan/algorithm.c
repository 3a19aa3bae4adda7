/* algorithm.c — table of algorithms and controller defaults (see algorithm.h). */
#include "plan/algorithm.h"

#include <string.h>

static const cubie_algorithm_info algorithms[] = {
    /* name, aliases, description, macro, stages, order, error_order, fsal, dense_order */
    {"euler", "explicit-euler", "forward Euler", "CUBIE_ALGORITHM_EULER", 1, 1, 0, false, 0},
    {"heun", "", "Heun's method (explicit trapezoid)", "CUBIE_ALGORITHM_HEUN", 2, 2, 0, false, 0},
    {"ralston", "", "Ralston's second-order method", "CUBIE_ALGORITHM_RALSTON", 2, 2, 0, false, 0},
    {"rk4", "classic-rk4", "classical Runge-Kutta 4", "CUBIE_ALGORITHM_RK4", 4, 4, 0, false, 0},
    {"bs3", "bogacki-shampine", "Bogacki-Shampine 3(2)", "CUBIE_ALGORITHM_BS3", 4, 3, 2, true, 3},
    {"dopri5", "dormand-prince dp5", "Dormand-Prince 5(4)", "CUBIE_ALGORITHM_DOPRI5", 7, 5, 4, true, 4},
    {"tsit5", "tsitouras", "Tsitouras 5(4)", "CUBIE_ALGORITHM_TSIT5", 7, 5, 4, true, 4},
    {"cash-karp", "cashkarp", "Cash-Karp 5(4)", "CUBIE_ALGORITHM_CASH_KARP", 6, 5, 4, false, 0},
    {"rkf45", "fehlberg", "Runge-Kutta-Fehlberg 4(5)", "CUBIE_ALGORITHM_RKF45", 6, 4, 4, false, 0},
    {"dop853", "dormand-prince-8", "Dormand-Prince 8(5,3)", "CUBIE_ALGORITHM_DOP853", 13, 8, 7, true, 0},
    {"vern7", "verner-7", "Verner 7(6) (efficient)", "CUBIE_ALGORITHM_VERN7", 10, 7, 6, false, 0},
};

#define N_ALGORITHMS ((int)(sizeof algorithms / sizeof algorithms[0]))

int cubie_algorithm_count(void) { return N_ALGORITHMS; }

const cubie_algorithm_info *cubie_algorithm_at(int i) {
  return (i >= 0 && i < N_ALGORITHMS) ? &algorithms[i] : NULL;
}

static bool alias_matches(const char *aliases, const char *name) {
  size_t n = strlen(name);
  const char *p = aliases;
  while (*p) {
    while (*p == ' ') p++;
    const char *end = p;
    while (*end && *end != ' ') end++;
    if ((size_t)(end - p) == n && strncmp(p, name, n) == 0) return true;
    p = end;
  }
  return false;
}

const cubie_algorithm_info *cubie_algorithm_find(const char *name) {
  for (int i = 0; i < N_ALGORITHMS; i++)
    if (strcmp(algorithms[i].name, name) == 0 || alias_matches(algorithms[i].aliases, name))
      return &algorithms[i];
  return NULL;
}

bool cubie_algorithm_is_adaptive(const cubie_algorithm_info *a) { return a->error_order > 0; }

cubie_controller cubie_algorithm_default_controller(const cubie_algorithm_info *a) {
  return cubie_algorithm_is_adaptive(a) ? CUBIE_CONTROLLER_PI : CUBIE_CONTROLLER_FIXED;
}

static const char *controller_names[] = {"fixed", "i", "pi", "pid", "gustafsson"};

const char *cubie_controller_name(cubie_controller c) {
  return ((int)c >= 0 && (int)c < 5) ? controller_names[c] : "?";
}

int cubie_controller_find(const char *name) {
  for (int i = 0; i < 5; i++)
    if (strcmp(controller_names[i], name) == 0) return i;
  return -1;
}

int cubie_controller_gain_count(cubie_controller c) {
  switch (c) {
    case CUBIE_CONTROLLER_FIXED: return 0;
    case CUBIE_CONTROLLER_I: return 1;
    case CUBIE_CONTROLLER_PI: return 2;
    case CUBIE_CONTROLLER_PID: return 3;
    case CUBIE_CONTROLLER_GUSTAFSSON: return 2;
  }
  return 0;
}

/* Gains are the exponents beta_i applied as
 *   factor = safety * prod_i (1 / E_{n-i})^(beta_i / k),  k = error_order + 1,
 * (error_order is the controller order q of algorithm.h, 1/(q+1) the classic exponent)
 * (Gustafsson additionally multiplies by h_n / h_{n-1} and takes the minimum
 * with the elementary factor); see kernels/controllers.h and
 * docs/algorithms.md for the formulas and sources. In the asymptotic model
 * E = C h^k the closed loop log h_{n+1} = log h_n - sum beta_i log h_{n-i}
 * has poles: I (1) 0; PI (0.7, -0.4) 0.8, -0.5; PID (0.58, -0.21, 0.10)
 * |z| <= 0.47; Gustafsson (2, -1) 0 (deadbeat) -- all stable. */
void cubie_controller_default_gains(cubie_controller c, const cubie_algorithm_info *a,
                                    double gains[3]) {
  (void)a;
  gains[0] = gains[1] = gains[2] = 0.0;
  switch (c) {
    case CUBIE_CONTROLLER_FIXED: break;
    case CUBIE_CONTROLLER_I: gains[0] = 1.0; break;
    case CUBIE_CONTROLLER_PI: gains[0] = 0.7; gains[1] = -0.4; break;     /* Gustafsson/Hairer PI */
    /* SUNDIALS ARKODE's default PID (k1, k2, k3) = (0.58, 0.21, 0.10), in
     * the sign convention above (the earlier 0.25/0.5/0.25 had poles at
     * |z| = 0.91: slowly decaying step-size oscillations). */
    case CUBIE_CONTROLLER_PID: gains[0] = 0.58; gains[1] = -0.21; gains[2] = 0.10; break;
    /* Gustafsson's predictive controller as in Hairer's RADAU5:
     * (1/E_n)^(2/k) * E_{n-1}^(1/k) * h_n/h_{n-1}. (1, 1) in this convention
     * would be unstable (poles |z| = 1.41). */
    case CUBIE_CONTROLLER_GUSTAFSSON: gains[0] = 2.0; gains[1] = -1.0; break;
  }
}

void cubie_controller_default_limits(cubie_controller c, const cubie_algorithm_info *a,
                                     double *safety, double *min_gain, double *max_gain) {
  (void)a;
  (void)c;
  *safety = 0.9;
  *min_gain = 0.2;
  *max_gain = 10.0;
}
