/* jacobian_harness.h — run a model's generated derivative code (included by
 * the Jacobian tests; header-only so each test keeps its own check count).
 *
 * A case builds the model from a test deck, differentiates it, generates
 * the right-hand side and the four derivative functions, and compiles them
 * with the host compiler (-std=c99 -pedantic -Wall -Wextra -Wconversion
 * -Wdouble-promotion -Werror, float64 and on request float32) together with
 * a main() that reads points (t, y[N], p[P], v[N]) from stdin and prints,
 * per point, the values laid out as jac_value's offsets below: f from
 * cubie_model_rhs, J from cubie_model_jacobian, f and J again from
 * cubie_model_rhs_jacobian, J·v from cubie_model_jvp, and ∂f/∂t from
 * cubie_model_dfdt. Everything the tests compare comes from that program.
 */
#ifndef CUBIE_TEST_JACOBIAN_HARNESS_H
#define CUBIE_TEST_JACOBIAN_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "model/model.h"
#include "model/model_jacobian.h"
#include "test_deck.h"
#include "util/strbuf.h"

typedef struct jac_case {
  const char *label;
  test_deck deck;
  cubie_model *model;
  char *text; /* the generated model and derivative code */
  int n, n_params;
  int compiled[2]; /* per precision (0 float64, 1 float32) */
} jac_case;

/* Offsets of the printed values within one point's row. */
typedef enum jac_part { JAC_F, JAC_J, JAC_F2, JAC_J2, JAC_JV, JAC_DFDT } jac_part;

static inline int jac_offset(const jac_case *c, jac_part part) {
  int n = c->n;
  switch (part) {
    case JAC_F: return 0;
    case JAC_J: return n;
    case JAC_F2: return n + n * n;
    case JAC_J2: return 2 * n + n * n;
    case JAC_JV: return 2 * n + 2 * n * n;
    case JAC_DFDT: return 3 * n + 2 * n * n;
  }
  return 0;
}
static inline int jac_row_width(const jac_case *c) { return 4 * c->n + 2 * c->n * c->n; }
static inline int jac_point_width(const jac_case *c) { return 1 + 2 * c->n + c->n_params; }

static inline void jac_path(const jac_case *c, int float32, const char *suffix, char *out,
                            size_t size) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/model/generated", CUBIE_BINARY_DIR);
  mkdir(dir, 0755);
  snprintf(out, size, "%s/jac_%s_%s%s", dir, c->label, float32 ? "f32" : "f64", suffix);
}

static const char jac_main[] =
    "#include <stdio.h>\n"
    "#define N CUBIE_N_STATES\n"
    "#define NP CUBIE_NZ(CUBIE_N_PARAMETERS)\n"
    "static int read_real(cubie_real *x) {\n"
    "  double v;\n"
    "  if (scanf(\"%lf\", &v) != 1) return 0;\n"
    "  *x = (cubie_real)v;\n"
    "  return 1;\n"
    "}\n"
    "static void print(const cubie_real *x, int n) {\n"
    "  int i;\n"
    "  for (i = 0; i < n; i++) printf(\"%.17g\\n\", (double)x[i]);\n"
    "}\n"
    "int main(void) {\n"
    "  static cubie_real y[N], p[NP], v[N], f[N], J[N * N], f2[N], J2[N * N], Jv[N], dfdt[N];\n"
    "  double t;\n"
    "  int i;\n"
    "  while (scanf(\"%lf\", &t) == 1) {\n"
    "    for (i = 0; i < N; i++) if (!read_real(&y[i])) return 2;\n"
    "    for (i = 0; i < CUBIE_N_PARAMETERS; i++) if (!read_real(&p[i])) return 2;\n"
    "    for (i = 0; i < N; i++) if (!read_real(&v[i])) return 2;\n"
    /* Garbage in the outputs, so an entry a function forgets to write shows. */
    "    for (i = 0; i < N * N; i++) J[i] = J2[i] = (cubie_real)12345;\n"
    "    for (i = 0; i < N; i++) f[i] = f2[i] = Jv[i] = dfdt[i] = (cubie_real)12345;\n"
    "    cubie_model_rhs(t, y, p, f);\n"
    "    cubie_model_jacobian(t, y, p, J);\n"
    "    cubie_model_rhs_jacobian(t, y, p, f2, J2);\n"
    "    cubie_model_jvp(t, y, p, v, Jv);\n"
    "    cubie_model_dfdt(t, y, p, dfdt);\n"
    "    print(f, N); print(J, N * N); print(f2, N); print(J2, N * N); print(Jv, N); print(dfdt, "
    "N);\n"
    "  }\n"
    "  return 0;\n"
    "}\n";

static inline int jac_compile(jac_case *c, int float32) {
  char source[1200], exe[1200], cmd[4096];
  jac_path(c, float32, ".c", source, sizeof source);
  jac_path(c, float32, "", exe, sizeof exe);
  FILE *f = fopen(source, "w");
  if (!f) return 0;
  fprintf(f, "#define CUBIE_PRECISION_%s 1\n#include \"prelude.h\"\n\n%s\n%s",
          float32 ? "FLOAT32" : "FLOAT64", c->text, jac_main);
  fclose(f);
  snprintf(cmd, sizeof cmd,
           "%s -std=c99 -pedantic -O2 -Wall -Wextra -Wshadow -Wdouble-promotion -Wconversion "
           "-Werror -I%s/kernels -o %s %s -lm",
           CUBIE_TEST_CC, CUBIE_SOURCE_DIR, exe, source);
  int ok = system(cmd) == 0;
  if (!ok)
    fprintf(stderr, "%s: generated derivative code does not compile: %s\n", c->label, source);
  c->compiled[float32] = ok;
  return ok;
}

/* Build, differentiate, generate and compile (float64; float32 too when
 * asked). Returns 1 when all of it worked. */
static inline int jac_setup(jac_case *c, const char *label, const char *states,
                            const char *parameters, const char *constants, const char *equations,
                            int with_float32) {
  memset(c, 0, sizeof *c);
  c->label = label;
  test_deck_init(&c->deck, "jacobian.yaml");
  test_deck_declare_list(&c->deck, CUBIE_SYMBOL_STATE, states, 2);
  if (parameters) test_deck_declare_list(&c->deck, CUBIE_SYMBOL_PARAMETER, parameters, 3);
  if (constants) test_deck_declare_list(&c->deck, CUBIE_SYMBOL_CONSTANT, constants, 4);
  test_deck_equations(&c->deck, equations, 6, 4);
  int rc = test_deck_model(&c->deck, &c->model);
  CHECK_OK(rc);
  if (rc) return 0;
  c->n = cubie_model_n_states(c->model);
  c->n_params = cubie_model_n_parameters(c->model);
  CHECK_OK(rc = cubie_model_differentiate(c->model, &c->deck.cfg));
  if (rc) return 0;
  cubie_strbuf sb;
  CHECK_OK(cubie_strbuf_init(&sb));
  CHECK_OK(rc = cubie_model_generate(c->model, NULL, 0, &sb));
  if (!rc) CHECK_OK(rc = cubie_model_generate_jacobian(c->model, &sb));
  c->text = cubie_strbuf_release(&sb);
  cubie_strbuf_free(&sb);
  if (rc) return 0;
  if (getenv("CUBIE_TEST_DUMP")) fprintf(stderr, "---- %s ----\n%s\n", label, c->text);
  int ok = jac_compile(c, 0);
  if (with_float32) ok = jac_compile(c, 1) && ok;
  CHECK(ok);
  return ok;
}

static inline void jac_teardown(jac_case *c) {
  cubie_model_destroy(&c->model);
  test_deck_free(&c->deck);
  free(c->text);
}

/* Evaluate n_points points (each jac_point_width doubles) into rows (each
 * jac_row_width doubles). Returns 1 on success. */
static inline int jac_eval(jac_case *c, int float32, const double *points, int n_points,
                           double *rows) {
  char exe[1200], input[1200], output[1200], cmd[4096];
  if (!c->compiled[float32]) return 0;
  jac_path(c, float32, "", exe, sizeof exe);
  jac_path(c, float32, ".in", input, sizeof input);
  jac_path(c, float32, ".out", output, sizeof output);
  FILE *f = fopen(input, "w");
  if (!f) return 0;
  for (int k = 0; k < n_points * jac_point_width(c); k++) fprintf(f, "%.17g\n", points[k]);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s < %s > %s", exe, input, output);
  if (system(cmd) != 0) return 0;
  f = fopen(output, "r");
  if (!f) return 0;
  int ok = 1;
  for (int k = 0; k < n_points * jac_row_width(c) && ok; k++) ok = fscanf(f, "%lf", &rows[k]) == 1;
  fclose(f);
  CHECK(ok);
  return ok;
}

/* A point: t, y, p, v from the given arrays (v may be NULL: zeros). */
static inline void jac_point(const jac_case *c, double *point, double t, const double *y,
                             const double *p, const double *v) {
  point[0] = t;
  for (int i = 0; i < c->n; i++) point[1 + i] = y[i];
  for (int i = 0; i < c->n_params; i++) point[1 + c->n + i] = p[i];
  for (int i = 0; i < c->n; i++) point[1 + c->n + c->n_params + i] = v ? v[i] : 0.0;
}

/* Deterministic pseudo-random numbers in [lo, hi) (xorshift; the tests
 * must not depend on the C library's rand). */
static inline double jac_random(unsigned long long *state, double lo, double hi) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return lo + (hi - lo) * (double)(*state >> 11) / 9007199254740992.0;
}

/* Does the pattern of `c` hold exactly the (i, j) for which
 * expected(i, j) is non-zero? Prints every difference. */
static inline int jac_pattern_is(const jac_case *c, int (*expected)(int i, int j)) {
  const cubie_model_jacobian_entry *e = cubie_model_jacobian_pattern(c->model);
  int nnz = cubie_model_jacobian_nnz(c->model), k = 0, ok = 1;
  for (int i = 0; i < c->n; i++)
    for (int j = 0; j < c->n; j++) {
      int have = k < nnz && e[k].row == i && e[k].column == j;
      if (have != (expected(i, j) != 0)) {
        fprintf(stderr, "%s: pattern entry (%d, %d) is %s, expected %s\n", c->label, i, j,
                have ? "non-zero" : "zero", have ? "zero" : "non-zero");
        ok = 0;
      }
      k += have;
    }
  return ok && k == nnz;
}

/* Relative difference within tol of scale; prints what differs. */
static inline int jac_close(const jac_case *c, const char *what, int i, int j, double got,
                            double want, double tol, double scale) {
  if (fabs(got - want) <= tol * scale) return 1;
  fprintf(stderr, "%s: %s (%d, %d): got %.17g, want %.17g (tolerance %.3g)\n", c->label, what, i, j,
          got, want, tol * scale);
  return 0;
}

#endif
