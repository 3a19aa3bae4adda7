/* cuda_cubin — compile a deck's CUDA kernel with NVRTC (no GPU needed) and
 * write the cubin, for inspecting the machine code (tests/cuda/sass_budget.py
 * disassembles it). Prints ptxas's resource report for the entry point as
 * one line: "registers R spill_stores S spill_loads L stack B".
 *
 * Usage: cuda_cubin DECK.yaml ARCH CACHE_DIR OUT.cubin [--set key=value ...].
 * Exit 77 when NVRTC cannot be loaded, or cannot target ARCH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/cuda/cuda_compile.h"
#include "backends/cuda/nvrtc_loader.h"
#include "plan/job.h"
#include "run/runner.h"
#include "util/error.h"
#include "util/file_util.h"

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: cuda_cubin DECK.yaml ARCH CACHE_DIR OUT.cubin [--set k=v ...]\n");
    return 2;
  }
  const cubie_nvrtc *nv = NULL;
  if (cubie_nvrtc_load(&nv) != CUBIE_OK) {
    printf("SKIPPED: %s\n", cubie_error_message());
    return 77;
  }
  int arch = atoi(argv[2]);
  int archs[64], n_archs = 0;
  if (cubie_nvrtc_supported_archs(nv, archs, 64, &n_archs) != CUBIE_OK) return 1;
  int supported = 0;
  for (int i = 0; i < n_archs; i++) supported |= archs[i] == arch;
  if (!supported) {
    printf("SKIPPED: NVRTC %d.%d cannot target sm_%d\n", nv->major, nv->minor, arch);
    return 77;
  }
  const char *set[32];
  int n_set = 0;
  for (int i = 5; i + 1 < argc && n_set < 32; i += 2)
    if (strcmp(argv[i], "--set") == 0) set[n_set++] = argv[i + 1];
  cubie_job_overrides ov = {.set = set, .n_set = n_set, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  cubie_buffer_registry *buffers = NULL;
  char *source = NULL, *log = NULL;
  cubie_binary bin;
  memset(&bin, 0, sizeof bin);
  cubie_backend cuda = {.ops = &cubie_backend_cuda_ops, .impl = NULL};
  int rc = cubie_mkdir_p(argv[3]);
  if (!rc) rc = cubie_job_prepare(argv[1], &ov, &job);
  if (!rc) rc = cubie_runner_buffer_layout(job, &buffers);
  if (!rc) rc = cubie_runner_kernel_source(job, buffers, &cuda, &source);
  if (!rc) rc = cubie_cuda_compile(source, arch, argv[3], &bin, &log);
  if (!rc) rc = cubie_file_write(argv[4], bin.data, bin.size);
  if (rc) {
    fprintf(stderr, "cuda_cubin: %s\n", cubie_error_message());
  } else {
    cubie_cuda_resources res;
    cubie_cuda_parse_resources(log, &res);
    printf("registers %d spill_stores %d spill_loads %d stack %d\n", res.registers,
           res.spill_stores, res.spill_loads, res.stack_bytes);
  }
  free(log);
  free(source);
  cubie_binary_free(&bin);
  cubie_buffer_registry_destroy(&buffers);
  cubie_job_destroy(&job);
  return rc ? 1 : 0;
}
