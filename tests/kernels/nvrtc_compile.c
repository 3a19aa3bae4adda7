/* nvrtc_compile.c — every kernel variant compiles with NVRTC, exactly as
 * the CUDA backend compiles it: one translation unit of #define lines and
 * the kernel headers (prologue, model, run.h, entry_cuda.h) with
 * CUBIE_JIT_PASS, no host headers, to a cubin for sm_70 / sm_80 / sm_90
 * (those this NVRTC supports; CUDA 13 has no sm_70, then sm_75 is tried).
 * Every method of kernels/methods.def is built for the oldest architecture
 * (fixed-step ones with the fixed controller, the others with PI; methods
 * that form a Jacobian also with the fixed controller, and one with the
 * linear solver's complex pair compiled in), tsit5 and dop853 for all,
 * vern7 with every summary metric. No GPU needed.
 * usage: nvrtc_compile KERNELS_DIR GENERATED_DIR TEST_DIR
 *   GENERATED_DIR holds lists_generated.h (the build's generated/kernels)
 */
#include <nvrtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/methods.def"

typedef struct method {
  const char *id;
  int error_order, jacobian;
} method;

#define METHOD_ROW(ID, name, aliases, description, FAMILY, stages, order, error_order, fsal, \
                   dense_order, dense_degree, jacobian, dense_stages)                        \
  {#ID, error_order, jacobian},
static const method methods[] = {CUBIE_METHODS(METHOD_ROW)};
#define N_METHODS ((int)(sizeof methods / sizeof methods[0]))

static const char *kernels_dir, *generated_dir, *tests_dir;

/* all_metrics: every summary metric of metrics.def (summary_items.h set 3);
 * `extra`: #define lines before the kernel (NULL: none). */
static int compile(const char *alg, const char *ctl, const char *prec, int sm, int all_metrics,
                   const char *extra) {
  char src[1024], inc_k[4200], inc_g[4200], inc_t[4200], arch[32];
  snprintf(src, sizeof src,
           "%s#define CUBIE_JIT_PASS 1\n#define CUBIE_PRECISION_%s 1\n#define CUBIE_ALGORITHM_%s 1\n"
           "#define CUBIE_CONTROLLER_%s 1\n%s#include \"tu_prologue.h\"\n#include \"vdp_model.h\"\n"
           "#include \"summary_items.h\"\n"
           "#include \"run.h\"\n#include \"entry_cuda.h\"\n",
           all_metrics ? "#define CUBIE_TEST_METRICS 3\n" : "", prec, alg, ctl, extra ? extra : "");
  snprintf(inc_k, sizeof inc_k, "-I%s", kernels_dir);
  snprintf(inc_g, sizeof inc_g, "-I%s", generated_dir);
  snprintf(inc_t, sizeof inc_t, "-I%s", tests_dir);
  snprintf(arch, sizeof arch, "-arch=sm_%d", sm);
  const char *opts[] = {"--std=c++17", arch, inc_k, inc_g, inc_t};
  nvrtcProgram prog;
  if (nvrtcCreateProgram(&prog, src, "cubie_kernel.cu", 0, NULL, NULL) != NVRTC_SUCCESS) return 1;
  const nvrtcResult rc = nvrtcCompileProgram(prog, 5, opts);
  size_t cubin = 0;
  if (rc == NVRTC_SUCCESS) nvrtcGetCUBINSize(prog, &cubin);
  const int ok = rc == NVRTC_SUCCESS && cubin > 0;
  printf("%s %-9s %-10s %s sm_%d%s (cubin %zu bytes)\n", ok ? "ok  " : "FAIL", alg, ctl, prec, sm,
         all_metrics ? " every metric" : extra ? " (complex pair)" : "", cubin);
  if (!ok) {
    size_t n = 0;
    nvrtcGetProgramLogSize(prog, &n);
    char *log = (char *)malloc(n + 1);
    if (log && nvrtcGetProgramLog(prog, log) == NVRTC_SUCCESS) fprintf(stderr, "%s\n", log);
    free(log);
  }
  nvrtcDestroyProgram(&prog);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: nvrtc_compile KERNELS_DIR GENERATED_DIR TEST_DIR\n");
    return 2;
  }
  kernels_dir = argv[1];
  generated_dir = argv[2];
  tests_dir = argv[3];
  int n_archs = 0;
  if (nvrtcGetNumSupportedArchs(&n_archs) != NVRTC_SUCCESS || n_archs <= 0) return 77;
  int *supported = (int *)malloc(sizeof(int) * (size_t)n_archs);
  nvrtcGetSupportedArchs(supported);
  int archs[4], n = 0;
  const int wanted[4] = {70, 75, 80, 90};
  for (int w = 0; w < 4; w++)
    for (int i = 0; i < n_archs; i++)
      if (supported[i] == wanted[w] && !(wanted[w] == 75 && n > 0 && archs[0] == 70))
        archs[n++] = wanted[w];
  free(supported);
  if (n == 0) {
    fprintf(stderr, "NVRTC supports none of sm_70/75/80/90\n");
    return 1;
  }
  static const char *precs[] = {"FLOAT32", "FLOAT64"};
  int failed = 0;
  for (int p = 0; p < 2; p++) {
    const char *with_complex = NULL;
    for (int i = 0; i < N_METHODS; i++) {
      failed += compile(methods[i].id, methods[i].error_order > 0 ? "PI" : "FIXED", precs[p],
                        archs[0], 0, NULL);
      if (methods[i].jacobian && methods[i].error_order > 0) {
        failed += compile(methods[i].id, "FIXED", precs[p], archs[0], 0, NULL);
        if (methods[i].jacobian == 1) with_complex = methods[i].id; /* radau5 has it anyway */
      }
    }
    /* The seam's complex pair (Radau IIA's), with the last implicit method. */
    if (with_complex)
      failed += compile(with_complex, "PI", precs[p], archs[0], 0, "#define CUBIE_LINSOLVE_COMPLEX 1\n");
    for (int a = 1; a < n; a++) {
      failed += compile("TSIT5", "PI", precs[p], archs[a], 0, NULL);
      failed += compile("DOP853", "PI", precs[p], archs[a], 0, NULL);
    }
    failed += compile("VERN7", "PI", precs[p], archs[0], 1, NULL);
  }
  printf("%d failed\n", failed);
  return failed ? 1 : 0;
}
