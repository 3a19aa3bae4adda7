/* backend_cuda.c — placeholder: the CUDA backend (NVRTC + driver API loaded
 * with dlopen) is the subject of its own issue; until it lands it reports
 * itself unavailable, so `auto` picks the CPU and `cuda` is a clear error. */
#include <stdio.h>

#include "backend.h"
#include "error.h"

static bool cuda_available(char *why, size_t why_size) {
  snprintf(why, why_size, "this build's CUDA backend is not implemented yet");
  return false;
}

static int cuda_create(const cubie_backend_options *opts, void **impl) {
  (void)opts;
  *impl = NULL;
  return CUBIE_RAISE(CUBIE_ERR_UNAVAILABLE, "the CUDA backend is not implemented yet");
}

static void cuda_destroy(void *impl) { (void)impl; }
static void cuda_describe(void *impl, char *text, size_t size) {
  (void)impl;
  snprintf(text, size, "cuda: unavailable");
}

const cubie_backend_ops cubie_backend_cuda_ops = {
    .name = "cuda",
    .available = cuda_available,
    .create = cuda_create,
    .destroy = cuda_destroy,
    .describe = cuda_describe,
    .run_fastest = true,
};
