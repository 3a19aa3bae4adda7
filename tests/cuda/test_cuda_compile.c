/* test_cuda_compile — every kernel variant compiles with NVRTC, no GPU
 * needed: each algorithm × {float32, float64} × {buffers all local, all
 * shared} of one deck, for every architecture of {sm_70, sm_80, sm_90}
 * this NVRTC supports (the oldest it supports stands in for one it does
 * not, and the gap is printed as NOT CHECKED). Prints registers, spills and
 * shared memory per variant from ptxas's report.
 *
 * Usage: test_cuda_compile DECK.yaml CACHE_DIR. Exit 77 only when NVRTC
 * cannot be loaded at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/algorithm.h"
#include "backends/backend.h"
#include "check.h"
#include "backends/cuda/cuda_compile.h"
#include "util/file_util.h"
#include "plan/job.h"
#include "backends/cuda/nvrtc_loader.h"
#include "run/runner.h"

#define MAX_ARCHS 8

static int wanted[] = {70, 80, 90};

/* The architectures to compile for, and a line for each one not checked. */
static int choose_archs(const cubie_nvrtc *nv, int *archs) {
  int supported[64], n_supported = 0, n = 0;
  CHECK_OK(cubie_nvrtc_supported_archs(nv, supported, 64, &n_supported));
  if (n_supported == 0) return 0;
  for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++) {
    int arch = wanted[w];
    bool ok = false;
    for (int i = 0; i < n_supported; i++) ok = ok || supported[i] == arch;
    if (!ok) {
      printf("sm_%d: NOT CHECKED — NVRTC %d.%d does not support it (it supports sm_%d .. sm_%d); "
             "compiling for sm_%d, the oldest it has, instead\n",
             arch, nv->major, nv->minor, supported[0], supported[n_supported - 1], supported[0]);
      arch = supported[0];
    }
    bool dup = false;
    for (int i = 0; i < n; i++) dup = dup || archs[i] == arch;
    if (!dup && n < MAX_ARCHS) archs[n++] = arch;
  }
  return n;
}

/* Compile one variant for every arch; returns the number of failures. */
static int compile_variant(const char *deck, const cubie_algorithm_info *alg, const char *precision,
                           bool all_shared, const int *archs, int n_archs, const char *cache) {
  char set_alg[64], set_prec[64];
  snprintf(set_alg, sizeof set_alg, "integrator.algorithm=%s", alg->name);
  snprintf(set_prec, sizeof set_prec, "integrator.precision=%s", precision);
  const char *set[4] = {set_alg, set_prec, "integrator.dt=1e-3", NULL};
  int n_set = 3;
  if (!cubie_algorithm_is_adaptive(alg)) set[n_set++] = "integrator.step_control=fixed";
  cubie_job_overrides ov = {.set = set, .n_set = n_set, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  cubie_buffer_registry *buffers = NULL;
  char *source = NULL;
  int failures = 0;
  CHECK_OK(cubie_job_prepare(deck, &ov, &job));
  if (job) CHECK_OK(cubie_runner_buffer_layout(job, &buffers));
  /* Both extremes explicitly (the default heuristic may mix them). */
  for (int i = 0; buffers && i < cubie_buffer_registry_count(buffers); i++)
    CHECK_OK(cubie_buffer_registry_set_location(buffers, cubie_buffer_registry_name(buffers, i),
                                                all_shared ? CUBIE_LOCATION_SHARED
                                                           : CUBIE_LOCATION_LOCAL));
  long long shared = 0;
  if (buffers) {
    CHECK_OK(cubie_buffer_registry_total(buffers, CUBIE_LOCATION_SHARED, &shared));
    if (all_shared) CHECK(shared > 0);
    else CHECK_INT(shared, 0);
    /* The CUDA backend's epilogue does not depend on a device. */
    cubie_backend cuda = {.ops = &cubie_backend_cuda_ops, .impl = NULL};
    CHECK_OK(cubie_runner_kernel_source(job, buffers, &cuda, &source));
  }
  for (int a = 0; source && a < n_archs; a++) {
    cubie_binary bin;
    char *log = NULL;
    int rc = cubie_cuda_compile(source, archs[a], cache, &bin, &log);
    printf("%-10s %-8s %-7s sm_%d: ", alg->name, precision, all_shared ? "shared" : "local",
           archs[a]);
    if (rc) {
      printf("FAILED\n%s\n", cubie_error_message());
      failures++;
    } else {
      cubie_cuda_resources res;
      cubie_cuda_parse_resources(log, &res);
      printf("%3d registers, spills %d/%d B (store/load), stack %d B, static shared %d B, "
             "dynamic shared %lld B/run%s\n",
             res.registers, res.spill_stores, res.spill_loads, res.stack_bytes, res.shared_bytes,
             shared * (long long)job->plan->real_size, bin.from_cache ? " (cached)" : "");
      /* ptxas must have reported on the entry point, and the module must
       * export the shared-memory size the backend reads at load time. */
      CHECK(res.registers > 0);
      CHECK(bin.size > 0);
      bool has_symbol = false;
      const char *sym = "cubie_cuda_shared_bytes_per_run";
      for (size_t i = 0; !has_symbol && i + strlen(sym) <= bin.size; i++)
        has_symbol = memcmp(bin.data + i, sym, strlen(sym)) == 0;
      CHECK(has_symbol);
    }
    free(log);
    cubie_binary_free(&bin);
  }
  if (!source) failures++;
  free(source);
  cubie_buffer_registry_destroy(&buffers);
  cubie_job_destroy(&job);
  return failures;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_cuda_compile DECK.yaml CACHE_DIR\n");
    return 2;
  }
  const cubie_nvrtc *nv = NULL;
  if (cubie_nvrtc_load(&nv) != CUBIE_OK) {
    printf("SKIPPED: %s\n", cubie_error_message());
    return 77;
  }
  printf("NVRTC %d.%d from %s\n", nv->major, nv->minor, nv->path);
  CHECK_OK(cubie_mkdir_p(argv[2]));
  int archs[MAX_ARCHS];
  int n_archs = choose_archs(nv, archs);
  CHECK(n_archs > 0);
  int failures = 0, variants = 0;
  const char *precisions[] = {"float32", "float64"};
  for (int i = 0; i < cubie_algorithm_count(); i++) {
    for (int p = 0; p < 2; p++)
      for (int shared = 0; shared < 2; shared++) {
        failures += compile_variant(argv[1], cubie_algorithm_at(i), precisions[p], shared, archs,
                                    n_archs, argv[2]);
        variants++;
      }
  }
  printf("%d variants x %d architectures, %d failed\n", variants, n_archs, failures);
  CHECK_INT(failures, 0);
  CHECK_DONE();
}
