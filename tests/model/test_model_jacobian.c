/* test_model_jacobian.c — the derivative of every operation of the model
 * language, through the generated code: ∂f/∂y and ∂f/∂t against central
 * finite differences of the generated f at random points, J·v against J
 * times v, f and J of cubie_model_rhs_jacobian against the separate
 * functions, the structural pattern, the conventions at kinks, and the
 * float32 build against the float64 one.
 *
 * Tolerances. Central differences with step h = 1e-6 have truncation error
 * h²/6 |f'''| (|f'''| < 30 on the sampled domain: ~1e-11) and rounding
 * error ~ eps |f| / h (|f| < 20: ~3e-9), so 1e-7 relative to max(1, |J|)
 * leaves a margin of 30 while any wrong rule (a lost factor, a wrong sign,
 * a missing term) is off by O(1). J·v is the same sums J v in another
 * order: 1e-13 of sum |J_ij v_j| (~400 ulp). The float32 build reads its
 * inputs rounded to float (relative 6e-8) and rounds ~30 operations and
 * libm calls: 1e-4 of (1 + |J|) bounds that with margin.
 */
#include "jacobian_harness.h"

/* ---- every operation ---------------------------------------------------- */

/* Each state o_* has one operation of a and b as its derivative, so row
 * o_* of J is that operation's gradient; a and b span the domain. */
static const char every_states[] =
    "a=0.5 b=2 o_add o_sub o_mul o_div o_neg o_pow_both o_pow_lit o_pow_int o_pow_neg o_pow_half "
    "o_pow_mhalf o_pow_base o_pow_param o_pow_fn o_sin o_cos o_tan o_asin o_acos o_atan o_atan2 "
    "o_sinh o_cosh o_tanh o_exp o_log o_log10 o_sqrt o_cbrt o_abs o_fabs o_min o_min_swapped "
    "o_min3 o_max o_floor o_ceil o_sign o_ifelse o_piecewise o_cmp o_logic o_time o_obs o_deriv";

static const char every_equations[] =
    "da = -a * b / 10 + 0.01 * t\n"
    "db = a - b\n"
    "do_add = a + b\n"
    "do_sub = a - b\n"
    "do_mul = a * b\n"
    "do_div = a / b\n"
    "do_neg = -(a * b)\n"
    "do_pow_both = a ^ b\n"
    "do_pow_lit = b ^ 2.5\n"
    "do_pow_int = b ^ 3\n"
    "do_pow_neg = b ^ -2\n"
    "do_pow_half = b ^ 0.5\n"
    "do_pow_mhalf = b ^ -0.5\n"
    "do_pow_base = two ^ (a * b)\n"
    "do_pow_param = a ^ k\n"
    "do_pow_fn = pow(a + b, a)\n"
    "do_sin = sin(a * b)\n"
    "do_cos = cos(a * b)\n"
    "do_tan = tan(a)\n"
    "do_asin = asin(a)\n"
    "do_acos = acos(a)\n"
    "do_atan = atan(a * b)\n"
    "do_atan2 = atan2(a, b)\n"
    "do_sinh = sinh(a * b)\n"
    "do_cosh = cosh(a - b)\n"
    "do_tanh = tanh(a * b)\n"
    "do_exp = exp(a * b)\n"
    "do_log = log(a * b)\n"
    "do_log10 = log10(a + b)\n"
    "do_sqrt = sqrt(a * b)\n"
    "do_cbrt = cbrt(a - b)\n"
    "do_abs = abs(a - b)\n"
    "do_fabs = fabs(a * b - 1)\n"
    "do_min = min(a, b)\n"
    "do_min_swapped = min(b, a)\n"
    "do_min3 = min(b, a * b, a + 1)\n"
    "do_max = max(a, b)\n"
    "do_floor = floor(a * b) * a\n"
    "do_ceil = ceil(b) * a\n"
    "do_sign = sign(a - b) * b\n"
    "do_ifelse = ifelse(a > 0.5, a * a, b * b)\n"
    "do_piecewise = piecewise(a < 0.3, a, a < 0.6, a ^ 2, b)\n"
    "do_cmp = (a < b) * b + (a >= b) * a\n"
    "do_logic = (a > 0.2 && b > 1.5) * a * b + (!(a > 0.4) || b < 2) * b\n"
    "do_time = t * a * b\n"
    "w = sin(a) + b\n"
    "do_obs = w * w\n"
    "do_deriv = -da * db\n";

#define EVERY_N 47 /* states */
#define EVERY_POINTS 6

/* A point's distance from every kink of the equations above. */
static double kink_distance(double a, double b) {
  double kinks[] = {a - 0.5,        a - 0.3,   a - 0.6,
                    a - 0.2,        a - 0.4,   b - 1.5,
                    b - 2.0,        a * b - 1, a * b - floor(a * b + 0.5),
                    a * (b - 1) - 1};
  double d = INFINITY;
  for (size_t k = 0; k < sizeof kinks / sizeof kinks[0]; k++)
    if (fabs(kinks[k]) < d) d = fabs(kinks[k]);
  return d;
}

/* Which columns each row depends on, as the rules make it: floor, ceil,
 * sign and comparisons contribute nothing, so do_floor is a function of a
 * alone, do_sign and do_cmp of b alone, and so on. */
static int every_expected(int i, int j) {
  static const char *const only_a[] = {"o_tan",   "o_asin", "o_acos", "o_pow_param",
                                       "o_floor", "o_ceil", NULL};
  static const char *const only_b[] = {"o_pow_lit",   "o_pow_int", "o_pow_neg", "o_pow_half",
                                       "o_pow_mhalf", "o_sign",    NULL};
  static const char *names[EVERY_N];
  if (!names[0]) {
    /* every_states, split (two leading "a=0.5 b=2" entries). */
    static char buffer[sizeof every_states];
    memcpy(buffer, every_states, sizeof every_states);
    int n = 0;
    for (char *tok = strtok(buffer, " "); tok && n < EVERY_N; tok = strtok(NULL, " ")) {
      char *eq = strchr(tok, '=');
      if (eq) *eq = '\0';
      names[n++] = tok;
    }
  }
  if (j >= 2) return 0; /* nothing depends on an o_* state */
  if (i == 0) return 1; /* da = -a b / 10 + 0.01 t */
  if (i == 1) return 1; /* db = a - b */
  for (int k = 0; only_a[k]; k++)
    if (strcmp(names[i], only_a[k]) == 0) return j == 0;
  for (int k = 0; only_b[k]; k++)
    if (strcmp(names[i], only_b[k]) == 0) return j == 1;
  return 1;
}

static void test_every_operation(void) {
  jac_case c;
  if (!jac_setup(&c, "every", every_states, "k=1.7", "two=2", every_equations, 1)) {
    jac_teardown(&c);
    return;
  }
  CHECK_INT(c.n, EVERY_N);
  CHECK(jac_pattern_is(&c, every_expected));
  CHECK(!cubie_model_is_autonomous(c.model));
  CHECK(strstr(c.text, "#define CUBIE_MODEL_AUTONOMOUS 0\n") != NULL);

  /* Per base point: the point itself, a ± h, b ± h, t ± h. */
  const double h = 1e-6;
  enum { PER_POINT = 7 };
  static double points[EVERY_POINTS * PER_POINT * (1 + 2 * EVERY_N + 1)];
  static double rows[EVERY_POINTS * PER_POINT * (4 * EVERY_N + 2 * EVERY_N * EVERY_N)];
  double y[EVERY_N] = {0}, v[EVERY_N], p[1] = {1.7}, base_t[EVERY_POINTS];
  unsigned long long seed = 0x9E3779B97F4A7C15ull;
  int width = jac_point_width(&c), row = jac_row_width(&c);
  for (int k = 0; k < EVERY_POINTS; k++) {
    double a, b;
    do {
      a = jac_random(&seed, 0.15, 0.85);
      b = jac_random(&seed, 1.2, 2.8);
    } while (kink_distance(a, b) < 0.02);
    for (int i = 2; i < EVERY_N; i++) y[i] = jac_random(&seed, -1, 1); /* must not matter */
    for (int i = 0; i < EVERY_N; i++) v[i] = jac_random(&seed, -1, 1);
    base_t[k] = jac_random(&seed, 0, 3);
    double shifts[PER_POINT][3] = {{0, 0, 0},  {h, 0, 0}, {-h, 0, 0}, {0, h, 0},
                                   {0, -h, 0}, {0, 0, h}, {0, 0, -h}};
    for (int s = 0; s < PER_POINT; s++) {
      y[0] = a + shifts[s][0];
      y[1] = b + shifts[s][1];
      jac_point(&c, points + (k * PER_POINT + s) * width, base_t[k] + shifts[s][2], y, p, v);
    }
  }
  if (!jac_eval(&c, 0, points, EVERY_POINTS * PER_POINT, rows)) {
    CHECK(0);
    jac_teardown(&c);
    return;
  }
  int n = c.n;
  for (int k = 0; k < EVERY_POINTS; k++) {
    const double *at = rows + k * PER_POINT * row;
    const double *f_a[2] = {rows + (k * PER_POINT + 1) * row, rows + (k * PER_POINT + 2) * row};
    const double *f_b[2] = {rows + (k * PER_POINT + 3) * row, rows + (k * PER_POINT + 4) * row};
    const double *f_t[2] = {rows + (k * PER_POINT + 5) * row, rows + (k * PER_POINT + 6) * row};
    const double *vk = points + k * PER_POINT * width + 1 + n + 1;
    for (int i = 0; i < n; i++) {
      /* f and J of rhs_jacobian are the separate functions' (the same
       * expressions, so the same roundings). */
      CHECK(at[jac_offset(&c, JAC_F2) + i] == at[jac_offset(&c, JAC_F) + i]);
      for (int j = 0; j < n; j++) {
        double Jij = at[jac_offset(&c, JAC_J) + i * n + j];
        CHECK(at[jac_offset(&c, JAC_J2) + i * n + j] == Jij);
        double fd = 0;
        if (j < 2) {
          const double *const *fp = j == 0 ? f_a : f_b;
          fd = (fp[0][jac_offset(&c, JAC_F) + i] - fp[1][jac_offset(&c, JAC_F) + i]) / (2 * h);
        }
        double scale = fabs(Jij) > 1 ? fabs(Jij) : 1;
        CHECK(jac_close(&c, "J vs finite differences", i, j, Jij, fd, 1e-7, scale));
        /* Structural zeros are written as exact zeros. */
        if (!every_expected(i, j)) CHECK(Jij == 0.0);
      }
      double dfdt = at[jac_offset(&c, JAC_DFDT) + i];
      double fd_t =
          (f_t[0][jac_offset(&c, JAC_F) + i] - f_t[1][jac_offset(&c, JAC_F) + i]) / (2 * h);
      CHECK(jac_close(&c, "df/dt vs finite differences", i, -1, dfdt, fd_t, 1e-7,
                      fabs(dfdt) > 1 ? fabs(dfdt) : 1));
      double jv = 0, magnitude = 0;
      for (int j = 0; j < n; j++) {
        jv += at[jac_offset(&c, JAC_J) + i * n + j] * vk[j];
        magnitude += fabs(at[jac_offset(&c, JAC_J) + i * n + j] * vk[j]);
      }
      CHECK(jac_close(&c, "J v", i, -1, at[jac_offset(&c, JAC_JV) + i], jv, 1e-13,
                      magnitude + 1e-300));
    }
  }

  /* float32: the same code, in float, against float64 at the base points. */
  static double base_points[EVERY_POINTS * (1 + 2 * EVERY_N + 1)];
  static double rows32[EVERY_POINTS * (4 * EVERY_N + 2 * EVERY_N * EVERY_N)];
  for (int k = 0; k < EVERY_POINTS; k++)
    memcpy(base_points + k * width, points + k * PER_POINT * width, (size_t)width * sizeof(double));
  if (jac_eval(&c, 1, base_points, EVERY_POINTS, rows32)) {
    for (int k = 0; k < EVERY_POINTS; k++)
      for (int e = 0; e < row; e++) {
        double want = rows[k * PER_POINT * row + e], got = rows32[k * row + e];
        if (e >= jac_offset(&c, JAC_F) && e < jac_offset(&c, JAC_J))
          continue; /* f: codegen's test */
        CHECK(jac_close(&c, "float32 vs float64", k, e, got, want, 1e-4, 1 + fabs(want)));
      }
  } else {
    CHECK(0);
  }
  jac_teardown(&c);
}

/* ---- kinks ------------------------------------------------------------- */

static int kink_expected(int i, int j) {
  /* rows: da db k_abs k_min k_max k_floor k_ceil k_sign k_ifelse k_pow k_sqrt */
  static const int rows[11][2] = {{1, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 1}, {0, 0},
                                  {0, 0}, {0, 0}, {1, 1}, {1, 1}, {1, 0}};
  return j < 2 ? rows[i][j] : 0;
}

/* The conventions where a piecewise function has a kink (docs/model.md). */
static void test_kinks(void) {
  jac_case c;
  if (!jac_setup(&c, "kinks", "a b k_abs k_min k_max k_floor k_ceil k_sign k_ifelse k_pow k_sqrt",
                 NULL, NULL,
                 "da = -a\ndb = -b\n"
                 "dk_abs = abs(a - b)\n"
                 "dk_min = min(a, b)\n"
                 "dk_max = max(a, b)\n"
                 "dk_floor = floor(a)\n"
                 "dk_ceil = ceil(a)\n"
                 "dk_sign = sign(a)\n"
                 "dk_ifelse = ifelse(a >= b, a * a, b * b)\n"
                 "dk_pow = a ^ b\n"
                 "dk_sqrt = sqrt(a)\n",
                 0)) {
    jac_teardown(&c);
    return;
  }
  CHECK(jac_pattern_is(&c, kink_expected));
  CHECK(cubie_model_is_autonomous(c.model));
  int n = c.n, width = jac_point_width(&c);
  double points[3 * (1 + 2 * 11)], rows[3 * (4 * 11 + 2 * 11 * 11)];
  double y[11] = {0};
  y[0] = 1, y[1] = 1; /* every tie at once */
  jac_point(&c, points, 0, y, NULL, NULL);
  y[0] = 0, y[1] = 2; /* pow and sqrt at a zero base */
  jac_point(&c, points + width, 0, y, NULL, NULL);
  y[0] = -1, y[1] = 2; /* pow at a negative base */
  jac_point(&c, points + 2 * width, 0, y, NULL, NULL);
  if (!jac_eval(&c, 0, points, 3, rows)) {
    CHECK(0);
    jac_teardown(&c);
    return;
  }
  const double *J = rows + jac_offset(&c, JAC_J);
#define JK(point, i, j) J[(point)*jac_row_width(&c) + (i)*n + (j)]
  CHECK(JK(0, 2, 0) == 0 && JK(0, 2, 1) == 0);  /* d|u| = sign(u) du: 0 at u = 0 */
  CHECK(JK(0, 3, 0) == 1 && JK(0, 3, 1) == 0);  /* min: a tie takes the first argument */
  CHECK(JK(0, 4, 0) == 1 && JK(0, 4, 1) == 0);  /* max likewise */
  CHECK(JK(0, 8, 0) == 2 && JK(0, 8, 1) == 0);  /* ifelse: the branch taken (a >= b) */
  CHECK(JK(0, 9, 0) == 1 && JK(0, 9, 1) == 0);  /* a^b at a = b = 1: b a^(b-1), a^b log a */
  CHECK(JK(1, 9, 0) == 0 && JK(1, 9, 1) == 0);  /* at a = 0: no 0 * log(0) = NaN */
  CHECK(isinf(JK(1, 10, 0)));                   /* sqrt'(0) is infinite, as it should be */
  CHECK(JK(2, 9, 0) == -2 && JK(2, 9, 1) == 0); /* a < 0: the exponent's term is 0 */
#undef JK
  jac_teardown(&c);
}

int main(void) {
  test_every_operation();
  test_kinks();
  CHECK_DONE();
}
