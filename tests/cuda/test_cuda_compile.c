/* test_cuda_compile — every kernel variant compiles with NVRTC, no GPU
 * needed: each algorithm × {float32, float64} × {buffers all local, all
 * shared} of one deck, for every architecture of {sm_70, sm_80, sm_90}
 * this NVRTC supports (the oldest it supports stands in for one it does
 * not, and the gap is printed as NOT CHECKED). Prints registers, spills and
 * shared memory per variant from ptxas's report.
 *
 * Usage: test_cuda_compile DECK.yaml CACHE_DIR [ALGORITHM [LINEAR_SOLVER
 * [PRECISION]]]. With ALGORITHM, only that algorithm's variants (a deck that
 * checks one feature of the kernel, not the methods); with LINEAR_SOLVER,
 * its integrator.linear_solver too (the plan must resolve to it); with
 * PRECISION, one variant only: that precision, buffers local, the oldest
 * architecture, and no cached-cubin check (a 100-state implicit kernel
 * takes NVRTC one to two minutes).
 * Exit 77 only when NVRTC cannot be loaded at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/algorithm.h"
#include "backends/backend.h"
#include "check.h"
#include "backends/cuda/cuda_compile.h"
#include "backends/kernel_cache.h"
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

/* A cached cubin is used only when its bytes match the digest stored
 * beside it (issue 13 §1): truncated, it is compiled again, to the same
 * bytes. Checked once per test. */
static bool cache_checked = false;
static int check_corrupt_cubin_rebuilt(const char *source, int arch, const char *cache,
                                       const cubie_binary *good) {
  cache_checked = true;
  char path[4400];
  snprintf(path, sizeof path, "%s/cuda-%s.cubin", cache, good->key);
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  if (!f) return 1;
  fclose(f);
  CHECK(truncate(path, (off_t)(good->size / 2)) == 0);
  cubie_binary again;
  int rc = cubie_cuda_compile(source, arch, cache, &again, NULL);
  CHECK_OK(rc);
  if (rc) return 1;
  printf("truncated cached cubin: %s\n", again.from_cache ? "LOADED (wrong)" : "rebuilt");
  CHECK(!again.from_cache);
  CHECK(again.size == good->size && memcmp(again.data, good->data, good->size) == 0);
  int bad = again.from_cache || again.size != good->size;
  cubie_binary_free(&again);
  return bad;
}

/* Compile one variant for every arch; returns the number of failures. */
static const char *linear_solver = NULL; /* argv[4] */
static bool one_variant = false;         /* argv[5]: the cache check is the full runs' */

static int compile_variant(const char *deck, const cubie_algorithm_info *alg, const char *precision,
                           bool all_shared, const int *archs, int n_archs, const char *cache) {
  char set_alg[64], set_prec[64], set_solver[64];
  snprintf(set_alg, sizeof set_alg, "integrator.algorithm=%s", alg->name);
  snprintf(set_prec, sizeof set_prec, "integrator.precision=%s", precision);
  const char *set[5] = {set_alg, set_prec, "integrator.dt=1e-3", NULL, NULL};
  int n_set = 3;
  if (!cubie_algorithm_is_adaptive(alg)) set[n_set++] = "integrator.step_control=fixed";
  if (linear_solver) {
    snprintf(set_solver, sizeof set_solver, "integrator.linear_solver=%s", linear_solver);
    set[n_set++] = set_solver;
  }
  cubie_job_overrides ov = {.set = set, .n_set = n_set, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  cubie_buffer_registry *buffers = NULL;
  char *source = NULL;
  int failures = 0;
  CHECK_OK(cubie_job_prepare(deck, &ov, &job));
  if (job && linear_solver) CHECK_STR(cubie_linear_solver_at(job->plan->linear_solver)->name, linear_solver);
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
    printf("%-10s %-8s %-7s%s%s sm_%d: ", alg->name, precision, all_shared ? "shared" : "local",
           linear_solver ? " " : "", linear_solver ? linear_solver : "", archs[a]);
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
    if (!rc && !cache_checked && !one_variant)
      failures += check_corrupt_cubin_rebuilt(source, archs[a], cache, &bin);
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
  if (argc < 3 || argc > 6) {
    fprintf(stderr, "usage: test_cuda_compile DECK.yaml CACHE_DIR [ALGORITHM [LINEAR_SOLVER "
                    "[PRECISION]]]\n");
    return 2;
  }
  if (argc >= 5) linear_solver = argv[4];
  const char *only_precision = argc == 6 ? argv[5] : NULL;
  one_variant = only_precision != NULL;
  const cubie_nvrtc *nv = NULL;
  if (cubie_nvrtc_load(&nv) != CUBIE_OK) {
    printf("SKIPPED: %s\n", cubie_error_message());
    return 77;
  }
  printf("NVRTC %d.%d from %s\n", nv->major, nv->minor, nv->path);
  char cache[4096];
  CHECK_OK(cubie_kernel_cache_resolve(argv[2], cache, sizeof cache));
  int archs[MAX_ARCHS];
  int n_archs = choose_archs(nv, archs);
  CHECK(n_archs > 0);
  if (only_precision && n_archs > 1) n_archs = 1;
  int failures = 0, variants = 0;
  const char *precisions[] = {"float32", "float64"};
  for (int i = 0; i < cubie_algorithm_count(); i++) {
    for (int p = 0; p < 2 && (argc < 4 || strcmp(cubie_algorithm_at(i)->name, argv[3]) == 0); p++) {
      if (only_precision && strcmp(precisions[p], only_precision) != 0) continue;
      for (int shared = 0; shared < (only_precision ? 1 : 2); shared++) {
        failures += compile_variant(argv[1], cubie_algorithm_at(i), precisions[p], shared, archs,
                                    n_archs, cache);
        variants++;
      }
    }
  }
  printf("%d variants x %d architectures, %d failed\n", variants, n_archs, failures);
  CHECK_INT(failures, 0);
  CHECK_DONE();
}
