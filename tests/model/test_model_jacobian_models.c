/* test_model_jacobian_models.c — Jacobians of known models through their
 * generated code: the stiff test problems ROBER, HIRES, VDPOL, OREGO and E5
 * (IVP Test Set, Bari, written as the test set writes them, derivative
 * references included) against Jacobians derived by hand; J·v against J
 * times v; ∂f/∂t of a forced model; the sparsity pattern of a 1-D
 * Brusselator chain (2×2 tridiagonal blocks); sharing between f and J
 * (counted operations and temporaries); `cubie check --show jacobian`'s
 * text; and the size bound that refuses a Jacobian that cannot be formed.
 *
 * Tolerances: the generated expressions and the hand-derived ones are the
 * same mathematics in possibly different association, so they differ by
 * roundings: at most a few ulp of the largest term in the row; 1e-13 of
 * (|entry| + the row's largest entry) allows ~450 ulp. J·v: 1e-13 of
 * sum |J_ij v_j|.
 */
#include "jacobian_harness.h"

#define MAX_N 100
#define N_POINTS 3

typedef void (*hand_jacobian)(const double *y, const double *p, double *J);

/* Compare J (both functions), J·v and ∂f/∂t = 0 with the hand Jacobian at
 * N_POINTS random points y in [lo, hi]. */
static void check_against_hand(jac_case *c, const double *p, double lo, double hi,
                               hand_jacobian hand, unsigned long long seed) {
  int n = c->n, width = jac_point_width(c), row = jac_row_width(c);
  static double points[N_POINTS * (1 + 2 * MAX_N + 8)],
      rows[N_POINTS * (4 * MAX_N + 2 * MAX_N * MAX_N)];
  static double y[N_POINTS][MAX_N], v[MAX_N], want[MAX_N * MAX_N];
  for (int k = 0; k < N_POINTS; k++) {
    for (int i = 0; i < n; i++) y[k][i] = jac_random(&seed, lo, hi);
    for (int i = 0; i < n; i++) v[i] = jac_random(&seed, -1, 1);
    jac_point(c, points + k * width, jac_random(&seed, 0, 10), y[k], p, v);
  }
  if (!jac_eval(c, 0, points, N_POINTS, rows)) {
    CHECK(0);
    return;
  }
  for (int k = 0; k < N_POINTS; k++) {
    const double *r = rows + k * row, *vk = points + k * width + 1 + n + c->n_params;
    hand(y[k], p, want);
    for (int i = 0; i < n; i++) {
      double row_max = 0, jv = 0, magnitude = 0;
      for (int j = 0; j < n; j++) row_max = fmax(row_max, fabs(want[i * n + j]));
      for (int j = 0; j < n; j++) {
        double got = r[jac_offset(c, JAC_J) + i * n + j];
        CHECK(jac_close(c, "J vs hand-derived", i, j, got, want[i * n + j], 1e-13,
                        fabs(want[i * n + j]) + row_max));
        CHECK(r[jac_offset(c, JAC_J2) + i * n + j] == got);
        jv += got * vk[j];
        magnitude += fabs(got * vk[j]);
      }
      CHECK(
          jac_close(c, "J v", i, -1, r[jac_offset(c, JAC_JV) + i], jv, 1e-13, magnitude + 1e-300));
      CHECK(r[jac_offset(c, JAC_DFDT) + i] == 0.0);
    }
  }
}

/* The pattern is the non-zeros of the hand Jacobian at a generic point. */
static hand_jacobian pattern_source;
static const double *pattern_p;
static int pattern_n;
static int hand_nonzero(int i, int j) {
  double y[MAX_N], J[MAX_N * MAX_N];
  for (int k = 0; k < pattern_n; k++) y[k] = 0.3 + 0.1 * k; /* generic: no entry vanishes */
  pattern_source(y, pattern_p, J);
  return J[i * pattern_n + j] != 0;
}

static void test_hand(const char *label, const char *states, const char *parameters,
                      const char *constants, const char *equations, const double *p, double lo,
                      double hi, hand_jacobian hand) {
  jac_case c;
  if (jac_setup(&c, label, states, parameters, constants, equations, 0)) {
    pattern_source = hand;
    pattern_p = p;
    pattern_n = c.n;
    CHECK(jac_pattern_is(&c, hand_nonzero));
    CHECK(cubie_model_is_autonomous(c.model));
    CHECK(strstr(c.text, "#define CUBIE_MODEL_AUTONOMOUS 1\n") != NULL);
    check_against_hand(&c, p, lo, hi, hand, 0x2545F4914F6CDD1Dull);
  }
  jac_teardown(&c);
}

/* ---- the stiff test problems (IVP Test Set) ------------------------------ */

static void rober_hand(const double *y, const double *p, double *J) {
  double k1 = p[0], k2 = p[1], k3 = p[2];
  double rows[9] = {-k1,        k3 * y[2], k3 * y[1],     k1, -k3 * y[2] - 2 * k2 * y[1],
                    -k3 * y[1], 0,         2 * k2 * y[1], 0};
  memcpy(J, rows, sizeof rows);
}

static void hires_hand(const double *y, const double *p, double *J) {
  (void)p;
  memset(J, 0, 64 * sizeof *J);
#define H(i, j, value) J[((i)-1) * 8 + (j)-1] = (value)
  H(1, 1, -1.71), H(1, 2, 0.43), H(1, 3, 8.32);
  H(2, 1, 1.71), H(2, 2, -8.75);
  H(3, 3, -10.03), H(3, 4, 0.43), H(3, 5, 0.035);
  H(4, 2, 8.32), H(4, 3, 1.71), H(4, 4, -1.12);
  H(5, 5, -1.745), H(5, 6, 0.43), H(5, 7, 0.43);
  H(6, 4, 0.69), H(6, 5, 1.71), H(6, 6, -280 * y[7] - 0.43), H(6, 7, 0.69), H(6, 8, -280 * y[5]);
  H(7, 6, 280 * y[7]), H(7, 7, -1.81), H(7, 8, 280 * y[5]);
  H(8, 6, -280 * y[7]), H(8, 7, 1.81), H(8, 8, -280 * y[5]); /* dy8 = -dy7 */
#undef H
}

static void vdpol_hand(const double *y, const double *p, double *J) {
  double eps = p[0];
  J[0] = 0, J[1] = 1;
  J[2] = (-2 * y[0] * y[1] - 1) / eps, J[3] = (1 - y[0] * y[0]) / eps;
}

static void orego_hand(const double *y, const double *p, double *J) {
  (void)p;
  double s = 77.27, q = 8.375e-6, w = 0.161;
  double rows[9] = {s * (1 - 2 * q * y[0] - y[1]),
                    s * (1 - y[0]),
                    0,
                    -y[1] / s,
                    -(1 + y[0]) / s,
                    1 / s,
                    w,
                    0,
                    -w};
  memcpy(J, rows, sizeof rows);
}

static void e5_hand(const double *y, const double *p, double *J) {
  (void)p;
  double A = 7.89e-10, B = 1.1e7, C = 1.13e3, M = 1e6;
  double r1[4] = {-A - B * y[2], 0, -B * y[0], 0};
  double r2[4] = {A, -M * C * y[2], -M * C * y[1], 0};
  double r4[4] = {B * y[2], 0, B * y[0], -C};
  for (int j = 0; j < 4; j++) {
    J[j] = r1[j];
    J[4 + j] = r2[j];
    J[8 + j] = r2[j] - r4[j]; /* dy3 = dy2 - dy4 */
    J[12 + j] = r4[j];
  }
}

static void test_problems(void) {
  static const double rober_p[] = {0.04, 3e7, 1e4};
  test_hand("rober", "y1=1 y2 y3", "k1=0.04 k2=3e7 k3=1e4", NULL,
            "dy1 = -k1*y1 + k3*y2*y3\n"
            "dy2 = k1*y1 - k3*y2*y3 - k2*y2^2\n"
            "dy3 = k2*y2^2\n",
            rober_p, 1e-6, 1.0, rober_hand);
  static const double none[] = {0};
  test_hand("hires", "y1=1 y2 y3 y4 y5 y6 y7 y8=0.0057", NULL, NULL,
            "dy1 = -1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007\n"
            "dy2 = 1.71*y1 - 8.75*y2\n"
            "dy3 = -10.03*y3 + 0.43*y4 + 0.035*y5\n"
            "dy4 = 8.32*y2 + 1.71*y3 - 1.12*y4\n"
            "dy5 = -1.745*y5 + 0.43*y6 + 0.43*y7\n"
            "dy6 = -280*y6*y8 + 0.69*y4 + 1.71*y5 - 0.43*y6 + 0.69*y7\n"
            "dy7 = 280*y6*y8 - 1.81*y7\n"
            "dy8 = -dy7\n",
            none, 0.0, 1.0, hires_hand);
  static const double vdpol_p[] = {1e-6};
  test_hand("vdpol", "y1=2 y2", "eps=1e-6", NULL,
            "dy1 = y2\n"
            "dy2 = ((1 - y1^2)*y2 - y1)/eps\n",
            vdpol_p, -2.0, 2.0, vdpol_hand);
  test_hand("orego", "y1=1 y2=2 y3=3", NULL, NULL,
            "dy1 = 77.27*(y2 + y1*(1 - 8.375e-6*y1 - y2))\n"
            "dy2 = (y3 - (1 + y1)*y2)/77.27\n"
            "dy3 = 0.161*(y1 - y3)\n",
            none, 1.0, 1e4, orego_hand);
  test_hand("e5", "y1=1.76e-3 y2 y3 y4", NULL, "A=7.89e-10 B=1.1e7 C=1.13e3 M=1e6",
            "prod1 = A*y1\n"
            "prod2 = B*y1*y3\n"
            "prod3 = M*C*y2*y3\n"
            "prod4 = C*y4\n"
            "dy1 = -prod1 - prod2\n"
            "dy2 = prod1 - prod3\n"
            "dy4 = prod2 - prod4\n"
            "dy3 = dy2 - dy4\n",
            none, 1e-12, 2e-3, e5_hand);
}

/* ---- ∂f/∂t ------------------------------------------------------------- */

static void test_time_derivative(void) {
  jac_case c;
  if (jac_setup(&c, "forced", "x=1 y=1", "k=2 A=0.5 w=3", NULL,
                "dx = -k*x + A*sin(w*t)*x^2\n"
                "dy = -y*t^2 + floor(t)\n",
                0)) {
    CHECK(!cubie_model_is_autonomous(c.model));
    CHECK(strstr(c.text, "#define CUBIE_MODEL_AUTONOMOUS 0\n") != NULL);
    double p[3] = {2, 0.5, 3}, points[2 * 8], rows[2 * (8 + 8)];
    double ts[2] = {0.7, 2.3}, ys[2][2] = {{1.5, -0.25}, {-0.75, 2.0}};
    for (int k = 0; k < 2; k++)
      jac_point(&c, points + k * jac_point_width(&c), ts[k], ys[k], p, NULL);
    if (jac_eval(&c, 0, points, 2, rows)) {
      for (int k = 0; k < 2; k++) {
        const double *r = rows + k * jac_row_width(&c);
        double t = ts[k], x = ys[k][0], y = ys[k][1];
        double want[2] = {p[1] * p[2] * cos(p[2] * t) * x * x, -2 * y * t}; /* floor: 0 */
        for (int i = 0; i < 2; i++)
          CHECK(jac_close(&c, "df/dt", i, k, r[jac_offset(&c, JAC_DFDT) + i], want[i], 1e-13,
                          fabs(want[i])));
      }
    } else {
      CHECK(0);
    }
  }
  jac_teardown(&c);
  /* t only inside floor: not autonomous, yet df/dt is 0 (the convention). */
  if (jac_setup(&c, "stepped", "z=1", NULL, NULL, "dz = floor(t) - z\n", 0)) {
    CHECK(!cubie_model_is_autonomous(c.model));
    CHECK(strstr(c.text, "  dfdt[0] = (cubie_real)0; /* d(dz)/dt */\n") != NULL);
  }
  jac_teardown(&c);
}

/* ---- sharing ------------------------------------------------------------ */

static int count_occurrences(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

static void test_sharing(void) {
  jac_case c;
  if (!jac_setup(&c, "shared", "x=1 y=1", "k=0.5", NULL, "dx = exp(k*x)*y\ndy = exp(k*x) - y\n",
                 0)) {
    jac_teardown(&c);
    return;
  }
  /* f: k*x, exp, *y, -y (exp shared). J: k*x, exp, exp*k (in J10 and in
   * J00 = exp*k*y), *y; J01 = exp, J11 = -1. f and J together: the union,
   * 6, not 4 + 4. J·v: k*x, exp, k*v0, exp*(k*v0), its *y, exp*v1, +, -.
   * f and J's non-zeros (the sparse solver's): as f and J. f and J's
   * diagonal (the Krylov solver's): f's 4, exp*k and its *y (J00; J11 = -1
   * a literal), exp the only shared node. */
  int expected[CUBIE_MODEL_N_FUNCTIONS][2] = {{4, 1}, {4, 2}, {6, 2}, {8, 2},
                                              {0, 0}, {6, 2}, {6, 1}};
  for (int fn = 0; fn < CUBIE_MODEL_N_FUNCTIONS; fn++) {
    int expressions = -1, temporaries = -1;
    CHECK_OK(cubie_model_code_size(c.model, (cubie_model_function)fn, &expressions, &temporaries));
    CHECK_INT(expressions, expected[fn][0]);
    CHECK_INT(temporaries, expected[fn][1]);
  }
  const char *both = strstr(c.text, "cubie_model_rhs_jacobian");
  const char *jvp = both ? strstr(both, "cubie_model_jvp") : NULL;
  CHECK(both && jvp);
  if (both && jvp) {
    char *body = strndup(both, (size_t)(jvp - both));
    CHECK_INT(count_occurrences(body, "cubie_exp("), 1); /* computed once for f and J */
    CHECK(strstr(body, "  f[0] = ") && strstr(body, "  J[3] = ((cubie_real)-1);"));
    free(body);
  }
  jac_teardown(&c);
}

/* ---- sparsity: a 1-D Brusselator chain ------------------------------------ */

/* States u1 v1 u2 v2 ...; u0 = u(N+1) = 1 and v0 = v(N+1) = 3 at the ends. */
static char *brusselator(int cells, char **states) {
  cubie_strbuf eq, st;
  cubie_strbuf_init(&eq);
  cubie_strbuf_init(&st);
  for (int i = 1; i <= cells; i++) {
    char ul[16], ur[16], vl[16], vr[16];
    snprintf(ul, sizeof ul, i > 1 ? "u%d" : "1", i - 1);
    snprintf(ur, sizeof ur, i < cells ? "u%d" : "1", i + 1);
    snprintf(vl, sizeof vl, i > 1 ? "v%d" : "3", i - 1);
    snprintf(vr, sizeof vr, i < cells ? "v%d" : "3", i + 1);
    cubie_strbuf_printf(&st, "u%d=1 v%d=3 ", i, i);
    cubie_strbuf_printf(&eq, "du%d = A + u%d^2*v%d - (B + 1)*u%d + alpha*(%s - 2*u%d + %s)\n", i, i,
                        i, i, ul, i, ur);
    cubie_strbuf_printf(&eq, "dv%d = B*u%d - u%d^2*v%d + alpha*(%s - 2*v%d + %s)\n", i, i, i, i, vl,
                        i, vr);
  }
  *states = cubie_strbuf_release(&st);
  char *text = cubie_strbuf_release(&eq);
  cubie_strbuf_free(&st);
  cubie_strbuf_free(&eq);
  return text;
}

static int bruss_nonzero(int i, int j) {
  /* Same cell: the full 2×2 block; neighbour cells: u-u and v-v only. */
  if (i / 2 == j / 2) return 1;
  return abs(i / 2 - j / 2) == 1 && i % 2 == j % 2;
}

static void bruss_hand(const double *y, const double *p, double *J) {
  int n = pattern_n;
  double A = p[0], B = p[1], alpha = p[2];
  (void)A;
  memset(J, 0, (size_t)(n * n) * sizeof *J);
  for (int c = 0; c < n / 2; c++) {
    int u = 2 * c, v = u + 1;
    double uu = y[u], vv = y[v];
    J[u * n + u] = 2 * uu * vv - (B + 1) - 2 * alpha;
    J[u * n + v] = uu * uu;
    J[v * n + u] = B - 2 * uu * vv;
    J[v * n + v] = -uu * uu - 2 * alpha;
    if (c > 0) J[u * n + u - 2] = alpha, J[v * n + v - 2] = alpha;
    if (c < n / 2 - 1) J[u * n + u + 2] = alpha, J[v * n + v + 2] = alpha;
  }
}

static void test_sparsity(void) {
  static const double p[3] = {1.0, 3.0, 0.02};
  const int sizes[2] = {8, 50}; /* 16 states (drawn), 100 (counted) */
  for (int s = 0; s < 2; s++) {
    char *states, *equations = brusselator(sizes[s], &states), label[32];
    snprintf(label, sizeof label, "brusselator%d", 2 * sizes[s]);
    jac_case c;
    if (jac_setup(&c, label, states, "A=1 B=3 alpha=0.02", NULL, equations, 0)) {
      pattern_n = c.n;
      CHECK(jac_pattern_is(&c, bruss_nonzero));
      CHECK_INT(cubie_model_jacobian_nnz(c.model), 8 * sizes[s] - 4);
      check_against_hand(&c, p, 0.5, 4.0, bruss_hand, 0x853C49E6748FEA9Bull);
      cubie_strbuf text;
      CHECK_OK(cubie_strbuf_init(&text));
      CHECK_OK(cubie_model_describe_jacobian(c.model, &text));
      if (sizes[s] == 50) {
        CHECK_CONTAINS(text.data, "df/dy is 100 x 100 with 396 structural non-zeros (4.0%)");
        CHECK_CONTAINS(text.data, "non-zeros per row min 3, mean 4.0, max 4;\n");
        CHECK_CONTAINS(text.data,
                       "lower bandwidth 2, upper bandwidth 2; 100 of 100 diagonal entries non-zero\n");
      } else {
        /* Rows u1, v1: their own block and their neighbour in cell 2;
         * rows u8, v8: cell 7's and their own block. */
        CHECK_CONTAINS(text.data, " 0 u1              ###.............\n");
        CHECK_CONTAINS(text.data, " 1 v1              ##.#............\n");
        CHECK_CONTAINS(text.data, "14 u8              ............#.##\n");
        CHECK_CONTAINS(text.data, "15 v8              .............###\n");
        CHECK_CONTAINS(text.data, "0123456789012345\n");
      }
      cubie_strbuf_free(&text);
    }
    jac_teardown(&c);
    free(states);
    free(equations);
  }
}

/* A right-hand side that depends on no state: J is all structural zeros,
 * written as zeros; J·v is 0; the code still compiles and runs. */
static void test_constant(void) {
  jac_case c;
  if (jac_setup(&c, "constant", "x=1 y=2", NULL, NULL, "dx = 1\ndy = 2 + 3\n", 1)) {
    CHECK_INT(cubie_model_jacobian_nnz(c.model), 0);
    CHECK(cubie_model_is_autonomous(c.model));
    CHECK(strstr(c.text, "#define CUBIE_JAC_NNZ 0\n") != NULL);
    double y[2] = {1, 2}, v[2] = {3, 4}, point[1 + 2 + 2], r[4 * 2 + 2 * 4];
    jac_point(&c, point, 0.5, y, NULL, v);
    for (int float32 = 0; float32 <= 1; float32++)
      if (jac_eval(&c, float32, point, 1, r)) {
        CHECK(r[jac_offset(&c, JAC_F)] == 1 && r[jac_offset(&c, JAC_F) + 1] == 5);
        for (int k = 0; k < 4; k++) CHECK(r[jac_offset(&c, JAC_J) + k] == 0);
        for (int k = 0; k < 2; k++)
          CHECK(r[jac_offset(&c, JAC_JV) + k] == 0 && r[jac_offset(&c, JAC_DFDT) + k] == 0);
      } else {
        CHECK(0);
      }
  }
  jac_teardown(&c);
}

/* ---- `cubie check --show jacobian` ------------------------------------------ */

static void test_describe(void) {
  jac_case c;
  if (jac_setup(&c, "rober_text", "y1=1 y2 y3", "k1 k2 k3", NULL,
                "dy1 = -k1*y1 + k3*y2*y3\ndy2 = k1*y1 - k3*y2*y3 - k2*y2^2\ndy3 = k2*y2^2\n", 0)) {
    cubie_strbuf text;
    CHECK_OK(cubie_strbuf_init(&text));
    CHECK_OK(cubie_model_describe_jacobian(c.model, &text));
    CHECK_CONTAINS(text.data,
                   "jacobian:    df/dy is 3 x 3 with 7 structural non-zeros (77.8%); "
                   "autonomous (df/dt = 0)\n");
    CHECK_CONTAINS(text.data, "012\n");
    CHECK_CONTAINS(text.data, "   0 y1              ###\n");
    CHECK_CONTAINS(text.data, "   2 y3              .#.\n");
    CHECK_CONTAINS(text.data, "               df/dt (dfdt)                       0            0\n");
    cubie_strbuf_free(&text);
  }
  jac_teardown(&c);
}

/* ---- the size bound -------------------------------------------------------- */

/* 60 states coupled through one long chain of observables: every column
 * of J needs its own copy of the chain's derivative: 60 x 400 > 20 000. */
static void test_too_large(void) {
  cubie_strbuf st, eq;
  cubie_strbuf_init(&st);
  cubie_strbuf_init(&eq);
  const int n = 60, depth = 400;
  cubie_strbuf_append(&eq, "c0 = 0");
  for (int i = 0; i < n; i++) {
    cubie_strbuf_printf(&st, "x%d=0.1 ", i);
    cubie_strbuf_printf(&eq, " + sin(x%d)", i);
  }
  cubie_strbuf_append(&eq, "\n");
  for (int k = 1; k <= depth; k++) cubie_strbuf_printf(&eq, "c%d = sin(c%d)\n", k, k - 1);
  for (int i = 0; i < n; i++) cubie_strbuf_printf(&eq, "dx%d = -c%d * x%d\n", i, depth, i);
  test_deck d;
  test_deck_init(&d, "huge.yaml");
  test_deck_declare_list(&d, CUBIE_SYMBOL_STATE, st.data, 2);
  test_deck_equations(&d, eq.data, 6, 4);
  cubie_model *m = NULL;
  CHECK_OK(test_deck_model(&d, &m));
  if (m) {
    int rc = cubie_model_differentiate(m, &d.cfg);
    CHECK(test_error_is(&d, rc, "the Jacobian of model 'test' cannot be formed", 5, 3));
    CHECK_CONTAINS(cubie_error_message(), "more than 20000 expressions");
    CHECK(!cubie_model_has_jacobian(m));
    /* The model itself is unharmed: its f still generates. */
    cubie_strbuf src;
    CHECK_OK(cubie_strbuf_init(&src));
    CHECK_OK(cubie_model_generate(m, NULL, 0, &src));
    CHECK(cubie_model_generate_jacobian(m, &src) == CUBIE_ERR_INTERNAL);
    cubie_strbuf_free(&src);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);
  cubie_strbuf_free(&st);
  cubie_strbuf_free(&eq);
}

int main(void) {
  test_problems();
  test_time_derivative();
  test_sharing();
  test_sparsity();
  test_describe();
  test_constant();
  test_too_large();
  CHECK_DONE();
}
