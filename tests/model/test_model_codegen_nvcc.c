/* test_model_codegen_nvcc.c — the generated model text is valid CUDA C++:
 * a model using every operator, function and output kind, in both
 * precisions, compiled by nvcc for sm_80 with warnings as errors (no device
 * needed). The runtime path uses NVRTC on the same text; nvcc's front end
 * is the closest check available at build time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "test_deck.h"

static const char *const equations =
    "da = sin(a) + cos(b) + tan(a) + asin(a) + acos(b) + atan(a) + atan2(a, b) + shared\n"
    "db = sinh(a) + cosh(b) + tanh(a) + exp(a) + log(b) + log10(b) + sqrt(b) - t\n"
    "dc = cbrt(c) + pow(a, k) + abs(a) + fabs(b) + min(a, b, c) + max(a, b) + floor(a) + ceil(b)\n"
    "shared = sign(a - b) * (a*b) + (a*b)^2 + a^-3 + b^0.5 + c^2.5 + -a^2\n"
    "cond = ifelse(a > b && !(b < c) || a == c, a != b, a <= b) + (a >= c)\n"
    "pw = piecewise(a < 0, -1, a < 1, 0, 1) * g\n";

int main(void) {
  test_deck d;
  test_deck_init(&d, "nvcc.yaml");
  test_deck_declare_list(&d, CUBIE_SYMBOL_STATE, "a=0.25 b=0.5 c=2", 2);
  test_deck_declare_list(&d, CUBIE_SYMBOL_PARAMETER, "k=1.5 unused=3", 3);
  test_deck_declare_list(&d, CUBIE_SYMBOL_CONSTANT, "g=9.81", 4);
  test_deck_equations(&d, equations, 6, 4);
  cubie_model *m = NULL;
  CHECK_OK(test_deck_model(&d, &m));
  if (!m) CHECK_DONE();
  cubie_model_output outputs[] = {{CUBIE_SYMBOL_STATE, 2},
                                  {CUBIE_SYMBOL_OBSERVABLE, 0},
                                  {CUBIE_SYMBOL_OBSERVABLE, 1},
                                  {CUBIE_SYMBOL_OBSERVABLE, 2}};
  cubie_strbuf sb;
  CHECK_OK(cubie_strbuf_init(&sb));
  CHECK_OK(cubie_model_generate(m, outputs, 4, &sb));

  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/model/generated", CUBIE_BINARY_DIR);
  mkdir(dir, 0755);
  for (int float32 = 0; float32 <= 1; float32++) {
    char source[1200], object[1200], cmd[4096];
    snprintf(source, sizeof source, "%s/nvcc_%s.cu", dir, float32 ? "f32" : "f64");
    snprintf(object, sizeof object, "%s/nvcc_%s.o", dir, float32 ? "f32" : "f64");
    FILE *f = fopen(source, "w");
    CHECK(f != NULL);
    if (!f) continue;
    fprintf(
        f,
        "#define CUBIE_PRECISION_%s 1\n#include \"prelude.h\"\n\n%s\n"
        "extern \"C\" __global__ void probe(double t, const cubie_real *y, const cubie_real *p,\n"
        "                                  cubie_real *dydt, cubie_real *out) {\n"
        "  cubie_model_rhs(t, y, p, dydt);\n"
        "  cubie_model_outputs(t, y, p, out);\n"
        "}\n",
        float32 ? "FLOAT32" : "FLOAT64", sb.data);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "%s -x cu -arch=sm_80 -std=c++17 -Werror all-warnings -I%s/kernels -c %s -o %s",
             CUBIE_TEST_NVCC, CUBIE_SOURCE_DIR, source, object);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "nvcc rejected %s\n", source);
    CHECK_INT(rc, 0);
  }
  cubie_strbuf_free(&sb);
  cubie_model_destroy(&m);
  test_deck_free(&d);
  CHECK_DONE();
}
