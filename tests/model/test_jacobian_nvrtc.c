/* test_jacobian_nvrtc.c — the generated derivative functions compile with
 * NVRTC, exactly as the CUDA backend compiles (cubie_cuda_compile: the
 * JIT-pass preamble, --std=c++17, a cubin for one real architecture), for
 * sm_90 (or, where this NVRTC lacks it, the newest it has — said as NOT
 * CHECKED), in float32 and float64, with no warning in NVRTC's log. No GPU
 * needed.
 *
 * The unit is prelude.h, the model's generated code (rhs, outputs and the
 * four derivative functions) and a kernel that calls all of them: ROBER
 * (3 states, explicit zeros), HIRES (derivative references), a 100-state
 * Brusselator chain (J cleared by a loop) and a model with every function
 * of the language. Until a method with jacobian = 1 exists this is the
 * only place the derivative code meets NVRTC; after, test_cuda_compile
 * compiles it inside every implicit kernel as well.
 *
 * Usage: test_jacobian_nvrtc CACHE_DIR. Exit 77 when NVRTC cannot be loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/cuda/cuda_compile.h"
#include "backends/cuda/nvrtc_loader.h"
#include "check.h"
#include "kernel/kernel_source.h"
#include "model/model_jacobian.h"
#include "test_deck.h"
#include "util/file_util.h"
#include "util/strbuf.h"

static const char probe_kernel[] =
    "CUBIE_EXTERN_C __global__ void cubie_jacobian_probe(double t, const cubie_real *y,\n"
    "    const cubie_real *p, const cubie_real *v, cubie_real *f, cubie_real *J, cubie_real *Jv,\n"
    "    cubie_real *dfdt) {\n"
    "  cubie_model_rhs(t, y, p, f);\n"
    "  cubie_model_jacobian(t, y, p, J);\n"
    "  cubie_model_rhs_jacobian(t, y, p, f, J);\n"
    "  cubie_model_jvp(t, y, p, v, Jv);\n"
    "  cubie_model_dfdt(t, y, p, dfdt);\n"
    "#if !defined(CUBIE_MODEL_HAS_JACOBIAN) || CUBIE_JAC_NNZ < 1\n"
    "#error \"the derivative macros are missing\"\n"
    "#endif\n"
    "}\n";

/* The newest of sm_90 and what this NVRTC has. */
static int choose_arch(const cubie_nvrtc *nv) {
  int archs[64], n = 0;
  CHECK_OK(cubie_nvrtc_supported_archs(nv, archs, 64, &n));
  if (n == 0) return 0;
  for (int i = 0; i < n; i++)
    if (archs[i] == 90) return 90;
  printf("sm_90: NOT CHECKED — NVRTC %d.%d does not support it; compiling for sm_%d instead\n",
         nv->major, nv->minor, archs[n - 1]);
  return archs[n - 1];
}

static void compile_model(const char *label, const char *states, const char *parameters,
                          const char *equations, int arch, const char *cache) {
  test_deck d;
  test_deck_init(&d, "nvrtc.yaml");
  test_deck_declare_list(&d, CUBIE_SYMBOL_STATE, states, 2);
  if (parameters) test_deck_declare_list(&d, CUBIE_SYMBOL_PARAMETER, parameters, 3);
  test_deck_equations(&d, equations, 6, 4);
  cubie_model *m = NULL;
  CHECK_OK(test_deck_model(&d, &m));
  if (m) CHECK_OK(cubie_model_differentiate(m, &d.cfg));
  for (int float32 = 0; m && float32 <= 1; float32++) {
    cubie_strbuf src;
    CHECK_OK(cubie_strbuf_init(&src));
    CHECK_OK(cubie_strbuf_printf(&src, "#define CUBIE_PRECISION_%s 1\n",
                                 float32 ? "FLOAT32" : "FLOAT64"));
    unsigned char *seen = calloc((size_t)cubie_kernel_file_count() + 1, 1);
    CHECK_OK(cubie_kernel_source_inline("prelude.h", seen, &src));
    free(seen);
    CHECK_OK(cubie_model_generate(m, NULL, 0, &src));
    CHECK_OK(cubie_model_generate_jacobian(m, &src));
    CHECK_OK(cubie_strbuf_append(&src, probe_kernel));
    cubie_binary bin;
    memset(&bin, 0, sizeof bin);
    char *log = NULL;
    int rc = cubie_cuda_compile(src.data, arch, cache, &bin, &log);
    printf("%-14s %-8s sm_%d: %s", label, float32 ? "float32" : "float64", arch,
           rc ? "FAILED\n" : "ok");
    if (rc) {
      printf("%s\n", cubie_error_message());
      CHECK_OK(rc);
    } else {
      int registers = -1;
      const char *used = log ? strstr(log, "Used ") : NULL;
      if (used) sscanf(used, "Used %d registers", &registers);
      printf(", %d registers, cubin %zu bytes%s\n", registers, bin.size,
             bin.from_cache ? " (cached)" : "");
      CHECK(bin.size > 0);
      /* A warning about the generated code would be one in every implicit
       * kernel (#177-D, a prelude function this unit does not call, is no
       * matter of the model's). */
      int warnings = 0;
      for (const char *w = log ? strstr(log, "warning #") : NULL; w; w = strstr(w + 1, "warning #"))
        warnings += strncmp(w, "warning #177-D", 14) != 0;
      if (warnings) printf("NVRTC warned:\n%s\n", log);
      CHECK_INT(warnings, 0);
    }
    free(log);
    cubie_binary_free(&bin);
    cubie_strbuf_free(&src);
  }
  cubie_model_destroy(&m);
  test_deck_free(&d);
}

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
    cubie_strbuf_printf(&eq, "dv%d = B*u%d - u%d^2*v%d + alpha*(%s - 2*v%d + %s)\n", i, i, i, i,
                        vl, i, vr);
  }
  *states = cubie_strbuf_release(&st);
  char *text = cubie_strbuf_release(&eq);
  cubie_strbuf_free(&st);
  cubie_strbuf_free(&eq);
  return text;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_jacobian_nvrtc CACHE_DIR\n");
    return 2;
  }
  const cubie_nvrtc *nv = NULL;
  if (cubie_nvrtc_load(&nv) != CUBIE_OK) {
    printf("SKIPPED: %s\n", cubie_error_message());
    return 77;
  }
  printf("NVRTC %d.%d from %s\n", nv->major, nv->minor, nv->path);
  CHECK_OK(cubie_mkdir_p(argv[1]));
  int arch = choose_arch(nv);
  CHECK(arch > 0);
  compile_model("rober", "y1=1 y2 y3", "k1=0.04 k2=3e7 k3=1e4",
                "dy1 = -k1*y1 + k3*y2*y3\n"
                "dy2 = k1*y1 - k3*y2*y3 - k2*y2^2\n"
                "dy3 = k2*y2^2\n",
                arch, argv[1]);
  compile_model("hires", "y1=1 y2 y3 y4 y5 y6 y7 y8=0.0057", NULL,
                "dy1 = -1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007\n"
                "dy2 = 1.71*y1 - 8.75*y2\n"
                "dy3 = -10.03*y3 + 0.43*y4 + 0.035*y5\n"
                "dy4 = 8.32*y2 + 1.71*y3 - 1.12*y4\n"
                "dy5 = -1.745*y5 + 0.43*y6 + 0.43*y7\n"
                "dy6 = -280*y6*y8 + 0.69*y4 + 1.71*y5 - 0.43*y6 + 0.69*y7\n"
                "dy7 = 280*y6*y8 - 1.81*y7\n"
                "dy8 = -dy7\n",
                arch, argv[1]);
  char *states, *equations = brusselator(50, &states);
  compile_model("brusselator100", states, "A=1 B=3 alpha=0.02", equations, arch, argv[1]);
  free(states);
  free(equations);
  compile_model("every_function", "a=0.5 b=2 c", "k=1.5",
                "da = sin(a) + cos(b) + tan(a) + asin(a) + acos(a) + atan(a*b) + atan2(a, b)\n"
                "db = sinh(a) + cosh(b) + tanh(a*b) + exp(a*b) + log(b) + log10(a + b) + sqrt(b)\n"
                "dc = (cbrt(a - b) + a^b + b^2.5 + b^-2 + pow(a, k) + abs(a - b) + min(a, b, c)\n"
                "      + max(a, c) + floor(a*b)*a + ceil(b)*c + sign(a - c)*b\n"
                "      + ifelse(a > 0.5 && !(b < 1) || c == 0, a*a, b*c)\n"
                "      + piecewise(a < 0.3, a, a < 0.6, a^2, b) + t*a + (a != b)*c)\n",
                arch, argv[1]);
  CHECK_DONE();
}
