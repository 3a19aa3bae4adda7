/* test_model_codegen.c — the generated model code compiles (C99, -Wall
 * -Wextra -Werror, both precisions), runs, and computes what the equations
 * say; and its text has the promised shape (shared subexpressions once,
 * integer powers as products, only reachable nodes).
 *
 * Each case writes prelude.h + the generated text + a small main() that
 * reads (t, y..., p...) points from stdin and prints dydt and out, compiles
 * it with the host compiler, runs it and compares with values computed here
 * in double.
 *
 * Tolerances: float64 results may differ from the double reference by a
 * few roundings (x^3 is printed as x*x*x where the reference may use pow;
 * constants are folded in a different order), so 1e-13 relative (~450 ulp)
 * is generous yet far below any real mistake. float32 inputs are chosen
 * exactly representable, so only float rounding in at most ~30 operations
 * and float libm (a few ulp each) separate the result from the double
 * reference: 2e-5 relative (~170 float ulp) bounds that with margin.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "test_deck.h"

#define MAX_VALUES 64

typedef struct codegen_case {
  const char *label;
  test_deck deck;
  cubie_model *model;
  cubie_model_output outputs[MAX_VALUES];
  int n_outputs;
  char *text; /* the generated text */
} codegen_case;

static int setup(codegen_case *c, const char *label, const char *states, const char *parameters,
                 const char *constants, const char *equations) {
  memset(c, 0, sizeof *c);
  c->label = label;
  test_deck_init(&c->deck, "codegen.yaml");
  test_deck_declare_list(&c->deck, CUBIE_SYMBOL_STATE, states, 2);
  if (parameters) test_deck_declare_list(&c->deck, CUBIE_SYMBOL_PARAMETER, parameters, 3);
  if (constants) test_deck_declare_list(&c->deck, CUBIE_SYMBOL_CONSTANT, constants, 4);
  test_deck_equations(&c->deck, equations, 6, 4);
  int rc = test_deck_model(&c->deck, &c->model);
  CHECK_OK(rc);
  return rc == CUBIE_OK;
}

/* Save every state, then every observable (in definition order). */
static void output_everything(codegen_case *c) {
  c->n_outputs = 0;
  for (int i = 0; i < cubie_model_n_states(c->model); i++)
    c->outputs[c->n_outputs++] = (cubie_model_output){CUBIE_SYMBOL_STATE, i};
  for (int i = 0; i < cubie_model_n_observables(c->model); i++)
    c->outputs[c->n_outputs++] = (cubie_model_output){CUBIE_SYMBOL_OBSERVABLE, i};
}

static int generate(codegen_case *c) {
  cubie_strbuf sb;
  CHECK_OK(cubie_strbuf_init(&sb));
  int rc = cubie_model_generate(c->model, c->outputs, c->n_outputs, &sb);
  CHECK_OK(rc);
  free(c->text);
  c->text = cubie_strbuf_release(&sb);
  cubie_strbuf_free(&sb);
  if (getenv("CUBIE_TEST_DUMP")) fprintf(stderr, "---- %s ----\n%s\n", c->label, c->text);
  return rc == CUBIE_OK;
}

static void teardown(codegen_case *c) {
  cubie_model_destroy(&c->model);
  test_deck_free(&c->deck);
  free(c->text);
}

/* Compile the case in one precision, feed it n_points points of
 * (t, y[n_states], p[n_parameters]) and read back n_points rows of
 * (dydt[n_states], out[n_outputs]). Returns 1 on success. */
static int run_case(codegen_case *c, int float32, const double *points, int n_points,
                    double *rows) {
  char dir[1024], source[1200], exe[1200], input[1200], output[1200], cmd[4096];
  snprintf(dir, sizeof dir, "%s/tests/model/generated", CUBIE_BINARY_DIR);
  mkdir(dir, 0755);
  const char *prec = float32 ? "f32" : "f64";
  snprintf(source, sizeof source, "%s/%s_%s.c", dir, c->label, prec);
  snprintf(exe, sizeof exe, "%s/%s_%s", dir, c->label, prec);
  snprintf(input, sizeof input, "%s/%s_%s.in", dir, c->label, prec);
  snprintf(output, sizeof output, "%s/%s_%s.out", dir, c->label, prec);

  FILE *f = fopen(source, "w");
  if (!f) return 0;
  fprintf(f, "#define CUBIE_PRECISION_%s 1\n#include \"prelude.h\"\n\n%s\n",
          float32 ? "FLOAT32" : "FLOAT64", c->text);
  fprintf(
      f,
      "#include <stdio.h>\n"
      "int main(void) {\n"
      "  double t;\n"
      "  while (scanf(\"%%lf\", &t) == 1) {\n"
      "    cubie_real y[CUBIE_NZ(CUBIE_N_STATES)] = {0}, p[CUBIE_NZ(CUBIE_N_PARAMETERS)] = {0};\n"
      "    cubie_real dydt[CUBIE_NZ(CUBIE_N_STATES)] = {0}, out[CUBIE_NZ(CUBIE_N_OUTPUTS)] = {0};\n"
      "    int i;\n"
      "    double v;\n"
      "    for (i = 0; i < CUBIE_N_STATES; i++) { if (scanf(\"%%lf\", &v) != 1) return 2; y[i] = "
      "(cubie_real)v; }\n"
      "    for (i = 0; i < CUBIE_N_PARAMETERS; i++) { if (scanf(\"%%lf\", &v) != 1) return 2; p[i] "
      "= (cubie_real)v; }\n"
      "    cubie_model_rhs(t, y, p, dydt);\n"
      "    cubie_model_outputs(t, y, p, out);\n"
      "    for (i = 0; i < CUBIE_N_STATES; i++) printf(\"%%.17g\\n\", (double)dydt[i]);\n"
      "    for (i = 0; i < CUBIE_N_OUTPUTS; i++) printf(\"%%.17g\\n\", (double)out[i]);\n"
      "  }\n"
      "  return 0;\n"
      "}\n");
  fclose(f);

  /* -Wdouble-promotion and -Wconversion catch double arithmetic sneaking
   * into float32 code (slow on GPUs) and implicit narrowing. */
  snprintf(
      cmd, sizeof cmd,
      "%s -std=c99 -pedantic -O2 -Wall -Wextra -Wshadow -Wdouble-promotion -Wconversion -Werror "
      "-I%s/kernels -o %s %s -lm",
      CUBIE_TEST_CC, CUBIE_SOURCE_DIR, exe, source);
  if (system(cmd) != 0) {
    fprintf(stderr, "%s: generated code (%s) does not compile: %s\n", c->label, prec, source);
    return 0;
  }
  int n_states = cubie_model_n_states(c->model), n_params = cubie_model_n_parameters(c->model);
  int in_width = 1 + n_states + n_params, out_width = n_states + c->n_outputs;
  f = fopen(input, "w");
  if (!f) return 0;
  for (int k = 0; k < n_points * in_width; k++) fprintf(f, "%.17g\n", points[k]);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s < %s > %s", exe, input, output);
  if (system(cmd) != 0) return 0;
  f = fopen(output, "r");
  if (!f) return 0;
  int ok = 1;
  for (int k = 0; k < n_points * out_width && ok; k++) ok = fscanf(f, "%lf", &rows[k]) == 1;
  fclose(f);
  return ok;
}

typedef void (*reference_fn)(const double *point, double *row);

/* Run the case in both precisions on every point and compare every value
 * with the reference. */
static void check_case(codegen_case *c, const double *points, int n_points, reference_fn ref) {
  int n_states = cubie_model_n_states(c->model), n_params = cubie_model_n_parameters(c->model);
  int in_width = 1 + n_states + n_params, out_width = n_states + c->n_outputs;
  double rows[8 * MAX_VALUES], expect[MAX_VALUES];
  for (int float32 = 0; float32 <= 1; float32++) {
    int ran = run_case(c, float32, points, n_points, rows);
    CHECK(ran);
    if (!ran) continue;
    double tol = float32 ? 2e-5 : 1e-13;
    for (int k = 0; k < n_points; k++) {
      ref(points + k * in_width, expect);
      for (int v = 0; v < out_width; v++) {
        double got = rows[k * out_width + v], want = expect[v];
        double scale = fabs(want) > 1 ? fabs(want) : 1;
        if (!(fabs(got - want) <= tol * scale)) {
          fprintf(stderr, "%s (%s) point %d value %d: got %.17g want %.17g\n", c->label,
                  float32 ? "float32" : "float64", k, v, got, want);
          check_failures++;
        }
      }
    }
  }
}

static int count_occurrences(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* ---- Lorenz ------------------------------------------------------------ */

static void lorenz_ref(const double *pt, double *row) {
  double x = pt[1], y = pt[2], z = pt[3], sigma = pt[4], rho = pt[5], beta = pt[6];
  row[0] = sigma * (y - x);
  row[1] = x * (rho - z) - y;
  row[2] = x * y - beta * z;
  row[3] = x; /* outputs: x, z, energy, y */
  row[4] = z;
  row[5] = x * x + y * y + z * z;
  row[6] = y;
}

static void test_lorenz(void) {
  codegen_case c;
  if (setup(&c, "lorenz", "x=1 y=0 z=0", "sigma=10 rho=28 beta=2.5", NULL,
            "dx = sigma * (y - x)\n"
            "dy = x * (rho - z) - y\n"
            "dz = x * y - beta * z\n"
            "energy = x*x + y*y + z*z\n")) {
    /* An output order other than declaration order. */
    c.outputs[0] = (cubie_model_output){CUBIE_SYMBOL_STATE, 0};
    c.outputs[1] = (cubie_model_output){CUBIE_SYMBOL_STATE, 2};
    c.outputs[2] = (cubie_model_output){CUBIE_SYMBOL_OBSERVABLE, 0};
    c.outputs[3] = (cubie_model_output){CUBIE_SYMBOL_STATE, 1};
    c.n_outputs = 4;
    if (generate(&c)) {
      CHECK(strstr(c.text, "#define CUBIE_N_STATES 3\n") != NULL);
      CHECK(strstr(c.text, "#define CUBIE_N_PARAMETERS 3\n") != NULL);
      CHECK(strstr(c.text, "#define CUBIE_N_OUTPUTS 4\n") != NULL);
      CHECK(strstr(
                c.text,
                "CUBIE_DEVICE void cubie_model_rhs(double t, const cubie_real *CUBIE_RESTRICT y") !=
            NULL);
      CHECK(strstr(c.text, "CUBIE_DEVICE void cubie_model_outputs(double t") != NULL);
      CHECK(strstr(c.text, "dydt[0] = (p[0] * (y[1] - y[0])); /* dx */") != NULL);
      CHECK(strstr(c.text, "/* energy */") != NULL);
      /* The rhs does not compute the energy, which only the outputs use. */
      const char *outputs_fn = strstr(c.text, "cubie_model_outputs");
      CHECK(outputs_fn && count_occurrences(outputs_fn, "(y[2] * y[2])") == 1);
      CHECK(count_occurrences(c.text, "(y[2] * y[2])") == 1);
      double points[] = {0.0, 1.0,   0.5,  0.25, 10.0, 28.0, 2.5,
                         3.5, -7.25, 12.5, 30.0, 9.5,  21.0, 2.75};
      check_case(&c, points, 2, lorenz_ref);
    }
    /* 2 + 3 + 3 operations. */
    CHECK_INT(cubie_model_rhs_flops(c.model), 8);
  }
  teardown(&c);
}

/* ---- every function ---------------------------------------------------- */

static const char *const every_function_equations =
    "da = sin(a) + cos(b) + tan(a) + asin(a) + acos(b) + atan(a) + atan2(a, b)\n"
    "db = sinh(a) + cosh(b) + tanh(a) + exp(a) + log(b) + log10(b) + sqrt(b)\n"
    "f_cbrt = cbrt(-b)\n"
    "f_pow = pow(abs(a), b)\n"
    "f_abs = abs(a - b) + fabs(b - a)\n"
    "f_min = min(a, b) + min(a, b, k)\n"
    "f_max = max(a, b) + max(b, a, k)\n"
    "f_floor = floor(k * b)\n"
    "f_ceil = ceil(k * b)\n"
    "f_sign = sign(a - b) * 10 + sign(b - a) + sign(a - a) * 100\n"
    "f_time = t * a\n";

static double sign_d(double x) { return (double)((x > 0) - (x < 0)); }

static void every_function_ref(const double *pt, double *row) {
  double t = pt[0], a = pt[1], b = pt[2], k = pt[3];
  row[0] = sin(a) + cos(b) + tan(a) + asin(a) + acos(b) + atan(a) + atan2(a, b);
  row[1] = sinh(a) + cosh(b) + tanh(a) + exp(a) + log(b) + log10(b) + sqrt(b);
  row[2] = a;
  row[3] = b;
  row[4] = cbrt(-b);
  row[5] = pow(fabs(a), b);
  row[6] = fabs(a - b) + fabs(b - a);
  row[7] = fmin(a, b) + fmin(fmin(a, b), k);
  row[8] = fmax(a, b) + fmax(fmax(b, a), k);
  row[9] = floor(k * b);
  row[10] = ceil(k * b);
  row[11] = sign_d(a - b) * 10 + sign_d(b - a) + sign_d(a - a) * 100;
  row[12] = t * a;
}

static void test_every_function(void) {
  codegen_case c;
  if (setup(&c, "every_function", "a=0.25 b=0.75", "k=2.5", NULL, every_function_equations)) {
    output_everything(&c);
    if (generate(&c)) {
      const char *names[] = {"cubie_sin(",   "cubie_cos(",  "cubie_tan(",   "cubie_asin(",
                             "cubie_acos(",  "cubie_atan(", "cubie_atan2(", "cubie_sinh(",
                             "cubie_cosh(",  "cubie_tanh(", "cubie_exp(",   "cubie_log(",
                             "cubie_log10(", "cubie_sqrt(", "cubie_cbrt(",  "cubie_pow(",
                             "cubie_fabs(",  "cubie_fmin(", "cubie_fmax(",  "cubie_floor(",
                             "cubie_ceil(",  "cubie_sign("};
      for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(strstr(c.text, names[i]) != NULL);
      /* Only prelude names: no bare libm call. */
      CHECK(strstr(c.text, " sin(") == NULL && strstr(c.text, "(sin(") == NULL);
      CHECK(strstr(c.text, "(cubie_real)t") != NULL);
      double points[] = {0.5, 0.25, 0.75, 2.5, 2.0, -0.5, 0.5, 1.5, -1.0, 0.75, 0.25, 4.0};
      check_case(&c, points, 3, every_function_ref);
    }
  }
  teardown(&c);
}

/* ---- conditions -------------------------------------------------------- */

static void conditions_ref(const double *pt, double *row) {
  double a = pt[1], b = pt[2];
  row[0] = a > b ? 1.0 : -1.0;
  row[1] = b;
  row[2] = a;
  row[3] = b;
  row[4] = a < 0.25 ? 10 : a < 0.5 ? 20 : 30;
  row[5] =
      (a < b) + 2.0 * (a <= b) + 4.0 * (a > b) + 8.0 * (a >= b) + 16.0 * (a == b) + 32.0 * (a != b);
  row[6] =
      (double)((a < b) && (b < 1)) + 2.0 * (double)((a > b) || (b > 10)) + 4.0 * (double)!(a > b);
  row[7] = (a != 0 && b != 0) ? a : b;
  row[8] = a < 0.25 ? (a < 0.125 ? 1 : 2) : 3;
  row[9] = (a > 0) * a + ((a > 0) ? 1.0 : 0.0);
}

static void test_conditions(void) {
  codegen_case c;
  if (setup(&c, "conditions", "a=0.25 b=0.75", NULL, NULL,
            "da = ifelse(a > b, 1, -1)\n"
            "db = b\n"
            "pw = piecewise(a < 0.25, 10, a < 0.5, 20, 30)\n"
            "cmp = (a < b) + 2*(a <= b) + 4*(a > b) + 8*(a >= b) + 16*(a == b) + 32*(a != b)\n"
            "logic = ((a < b) && (b < 1)) + 2*((a > b) || (b > 10)) + 4*!(a > b)\n"
            "truthy = ifelse(a && b, a, b)\n"
            "nested = ifelse(a < 0.25, ifelse(a < 0.125, 1, 2), 3)\n"
            "shared = (a > 0) * a + ifelse(a > 0, 1, 0)\n")) {
    output_everything(&c);
    if (generate(&c)) {
      CHECK(strstr(c.text, " ? ") != NULL);
      double points[] = {0, 0.25,  0.75, 0, 0.0625, 0.0625, 0, 0.375, 0.125,
                         0, 0.875, 0.5,  0, 0.0,    2.0,    0, -1.5,  0.0};
      check_case(&c, points, 6, conditions_ref);
    }
  }
  teardown(&c);
}

/* ---- powers ------------------------------------------------------------ */

static void powers_ref(const double *pt, double *row) {
  double x = pt[1], y = pt[2];
  row[0] = x * x;
  row[1] = -(x * x);
  row[2] = x;
  row[3] = y;
  double v[] = {1.0,
                x,
                x * x,
                x * x * x,
                x * x * x * x,
                1 / x,
                1 / (x * x),
                1 / (x * x * x),
                1 / (x * x * x * x),
                sqrt(fabs(x)),
                1 / sqrt(fabs(x)),
                pow(fabs(x), 2.5),
                pow(fabs(x), y),
                pow(2.0, x),
                pow(x + 1, 3),
                pow(y, 2.0),
                pow(y, 3.0)};
  for (int i = 0; i < 17; i++) row[4 + i] = v[i];
}

static void test_powers(void) {
  codegen_case c;
  if (setup(&c, "powers", "x=1 y=2", NULL, NULL,
            "dx = x^2\n"
            "dy = -x^2\n"
            "p0 = x^0\np1 = x^1\np2 = x^2\np3 = x**3\np4 = x^4\n"
            "m1 = x^-1\nm2 = x^-2\nm3 = x^(-3)\nm4 = pow(x, -4)\n"
            "h = abs(x)^0.5\nmh = abs(x)^-0.5\nq = abs(x)^2.5\nv = abs(x)^y\n"
            "b2 = 2^x\nsum3 = (x + 1)^3\nf2 = pow(y, 2.0)\nf3 = y^3.0\n")) {
    output_everything(&c);
    if (generate(&c)) {
      /* Integer powers are products, halves are square roots; only the
       * 2.5, y and 2^x powers call cubie_pow. */
      CHECK_INT(count_occurrences(c.text, "cubie_pow("), 3);
      CHECK_INT(count_occurrences(c.text, "cubie_sqrt("), 2);
      CHECK(strstr(c.text, "(y[0] * y[0] * y[0] * y[0])") != NULL);
      CHECK(strstr(c.text, "((cubie_real)1 / (y[0] * y[0]))") != NULL);
      /* A non-leaf base is computed once, into a temporary. */
      const char *sum3 = strstr(c.text, "/* sum3 */");
      const char *line = sum3;
      while (line && line > c.text && line[-1] != '\n') line--;
      CHECK(line != NULL);
      if (line) {
        char *text = strndup(line, (size_t)(sum3 - line));
        /* const cubie_real cse_K = (cse_J * cse_J * cse_J); */
        CHECK_INT(count_occurrences(text, "cse_"), 4);
        CHECK(strstr(text, "+") == NULL);
        free(text);
      }
      CHECK_INT(count_occurrences(c.text, "(y[0] + (cubie_real)1)"), 1);
      double points[] = {0, 1.5, 2.0, 0, -2.0, 0.5, 0, 0.25, 3.0};
      check_case(&c, points, 3, powers_ref);
    }
  }
  teardown(&c);

  /* Flops: x^3 = 2 multiplications, x^-2 = 1 multiplication and 1
   * division, x^0.5 = one square root, y^2.5 = one call. */
  if (setup(&c, "power_flops", "x=1 y=2", NULL, NULL, "dx = x^3 + x^0.5\ndy = x^-2 * y^2.5\n"))
    CHECK_INT(cubie_model_rhs_flops(c.model), 2 + 1 + 1 + 2 + 1 + 1);
  teardown(&c);
}

/* ---- observables as intermediates, constants, sharing ------------------ */

static void intermediates_ref(const double *pt, double *row) {
  double x = pt[1], y = pt[2], k = pt[3];
  const double g = 9.5, half = 0.5;
  double a = x + half, b = a * 2 + g, unused = exp(x) * 3;
  row[0] = b * g;
  row[1] = a - k * y;
  row[2] = x;
  row[3] = y;
  row[4] = b;
  row[5] = a;
  row[6] = unused;
}

static void test_intermediates(void) {
  codegen_case c;
  if (setup(&c, "intermediates", "x=1 y=2", "k=3", "g=9.5 half=0.5",
            "dx = b * g\n"
            "dy = a - k * y\n"
            "b = a * 2 + g     # uses a, defined below\n"
            "a = x + half\n"
            "only_saved = exp(x) * 3\n")) {
    output_everything(&c);
    if (generate(&c)) {
      /* Constants are baked in as literals; the rhs never evaluates the
       * observable nobody's derivative uses. */
      CHECK(strstr(c.text, "(cubie_real)9.5") != NULL);
      CHECK(strstr(c.text, "(cubie_real)0.5") != NULL);
      const char *outputs_fn = strstr(c.text, "cubie_model_outputs");
      CHECK(outputs_fn != NULL);
      if (outputs_fn) {
        size_t rhs_len = (size_t)(outputs_fn - c.text);
        char *rhs = strndup(c.text, rhs_len);
        CHECK(strstr(rhs, "cubie_exp") == NULL);
        free(rhs);
        CHECK(strstr(outputs_fn, "cubie_exp") != NULL);
      }
      double points[] = {0, 1.5, -2.25, 3.0, 0, -0.5, 0.75, 0.25};
      check_case(&c, points, 2, intermediates_ref);
    }
  }
  teardown(&c);

  /* x*y written four ways is one temporary, computed once. */
  if (setup(&c, "sharing", "x=1 y=2", NULL, NULL,
            "dx = sin(x*y) + cos(y*x)\ndy = e + x * y\ne = y*x\n")) {
    c.n_outputs = 0;
    if (generate(&c)) {
      CHECK_INT(count_occurrences(c.text, "(y[0] * y[1])"), 1);
      CHECK_INT(count_occurrences(c.text, "const cubie_real cse_"), 1);
      CHECK(strstr(c.text, "#define CUBIE_N_OUTPUTS 0\n") != NULL);
    }
    /* one product, sin, cos, two additions */
    CHECK_INT(cubie_model_rhs_flops(c.model), 5);
  }
  teardown(&c);
}

/* ---- names that collide with C ----------------------------------------- */

static void collisions_ref(const double *pt, double *row) {
  double i = pt[1], y = pt[2], p = pt[3], dydt = pt[4], dbl = pt[5], out = pt[6], cse = pt[7];
  double ret = i + y, stat = ret * p;
  row[0] = y * dbl;
  row[1] = p - out;
  row[2] = ret;
  row[3] = dydt * cse;
  row[4] = i;
  row[5] = y;
  row[6] = p;
  row[7] = dydt;
  row[8] = ret;
  row[9] = stat;
}

static void test_collisions(void) {
  codegen_case c;
  if (setup(&c, "collisions", "int=1 y=2 p=3 dydt=4", "double=5 out=6 cse_0=7", NULL,
            "dint = y * double\n"
            "dy = p - out\n"
            "dp = return\n"
            "ddydt = dydt * cse_0\n"
            "return = int + y\n"
            "static = return * p\n")) {
    output_everything(&c);
    if (generate(&c)) {
      double points[] = {0, 1.5, 2.5, -3.0, 0.25, 5.0, 6.5, 0.75};
      check_case(&c, points, 1, collisions_ref);
    }
  }
  teardown(&c);
}

/* ---- a deep expression is cut into temporaries ------------------------- */

static double deep_value(double x) {
  double v = x;
  for (int i = 0; i < 60; i++) v = (v + 1) * 0.5;
  return v;
}

static void deep_ref(const double *pt, double *row) {
  row[0] = deep_value(pt[1]);
  row[1] = pt[1];
}

static void test_deep(void) {
  char eq[4096] = "dx = ";
  for (int i = 0; i < 60; i++) strcat(eq, "(");
  strcat(eq, "x");
  for (int i = 0; i < 60; i++) strcat(eq, " + 1) * 0.5");
  strcat(eq, "\n");
  codegen_case c;
  if (setup(&c, "deep", "x=1", NULL, NULL, eq)) {
    output_everything(&c);
    if (generate(&c)) {
      CHECK(strstr(c.text, "const cubie_real cse_") != NULL);
      double points[] = {0, 3.0, 0, -100.0};
      check_case(&c, points, 2, deep_ref);
    }
  }
  teardown(&c);
}

/* ---- derivatives that are linear combinations of others ---------------- */

static void linear_ref(const double *pt, double *row) {
  double a = pt[1], b = pt[2], c = pt[3], d = pt[4];
  (void)d;
  double da = -a * b, db = a * b - 2 * c, dd = 0.5 * b, dc = db - dd;
  row[0] = da;
  row[1] = db;
  row[2] = dc;
  row[3] = dd;
  row[4] = -(dc + 2 * da) / 4 + 0.5 * da;
  row[5] = da * db;
  row[6] = da + 1;
}

/* Lines that are constant linear combinations of derivatives (E5's
 * `dy3 = dy2 - dy4`) are emitted as cubie_model_linear_derivatives, in
 * dependency order, with zero coefficients dropped; products of
 * derivatives, constant terms and states are not such lines. */
static void test_linear_derivatives(void) {
  codegen_case c;
  if (setup(&c, "linear", "a=1 b=2 c=3 d=4 e=5 f=6 g=7", NULL, "half=0.5",
            "de = -(dc + 2*da)/4 + half*da\n"
            "da = -a*b\n"
            "db = a*b - 2*c\n"
            "dc = db - dd\n"
            "dd = 0.5 * b\n"
            "df = da * db\n"
            "dg = da + 1\n")) {
    c.n_outputs = 0;
    if (generate(&c)) {
      CHECK(strstr(c.text, "#define CUBIE_MODEL_N_LINEAR_DERIVATIVES 2\n") != NULL);
      const char *dc = strstr(c.text, "  v[2] = + v[1] - v[3];");
      const char *de = strstr(c.text, "  v[4] = + (cubie_real)-0.25 * v[2];");
      CHECK(dc != NULL);
      CHECK(de != NULL);
      CHECK(dc && de && dc < de);
      CHECK(strstr(c.text, "v[5] =") == NULL);
      CHECK(strstr(c.text, "v[6] =") == NULL);
      double points[] = {0, 1.5, -2.25, 3.0, 0.5, 1, 2, 3};
      check_case(&c, points, 1, linear_ref);
    }
  }
  teardown(&c);
  /* An overflowed coefficient (1e300*(1e300*dz)) makes no line; the other term
   * is not imposed alone. */
  if (setup(&c, "overflowed_linear", "x=1 y=2 z=3", NULL, NULL,
            "dx = -x\ndz = -z\ndy = dx + 1e300*(1e300*dz)\n")) {
    c.n_outputs = 0;
    if (generate(&c)) CHECK(strstr(c.text, "LINEAR_DERIVATIVES") == NULL);
  }
  teardown(&c);
  /* No such line, no such text. */
  if (setup(&c, "no_linear", "x=1 y=2", NULL, NULL, "dx = -y\ndy = dx * x\n")) {
    c.n_outputs = 0;
    if (generate(&c)) CHECK(strstr(c.text, "LINEAR_DERIVATIVES") == NULL);
  }
  teardown(&c);
}

int main(void) {
  test_lorenz();
  test_every_function();
  test_conditions();
  test_powers();
  test_intermediates();
  test_collisions();
  test_deep();
  test_linear_derivatives();
  CHECK_DONE();
}
