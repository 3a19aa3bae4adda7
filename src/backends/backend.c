/* backend.c — choosing and creating a backend (see backend.h). */
#include "backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/file_util.h"

int cubie_backend_select(cubie_backend_kind kind, const cubie_backend_ops **ops, char *why,
                         size_t why_size) {
  char cuda_why[512] = "";
  bool cuda_ok = cubie_backend_cuda_ops.available(cuda_why, sizeof cuda_why);
  switch (kind) {
    case CUBIE_BACKEND_CPU:
      *ops = &cubie_backend_cpu_ops;
      snprintf(why, why_size, "cpu (requested)");
      return CUBIE_OK;
    case CUBIE_BACKEND_CUDA:
      CUBIE_CHECK(cuda_ok, CUBIE_ERR_INPUT,
                  "backend 'cuda' was requested but no CUDA device is usable: %s "
                  "(use --backend cpu or run.backend: auto)",
                  cuda_why);
      *ops = &cubie_backend_cuda_ops;
      snprintf(why, why_size, "cuda (requested)");
      return CUBIE_OK;
    case CUBIE_BACKEND_AUTO:
      if (cuda_ok) {
        *ops = &cubie_backend_cuda_ops;
        snprintf(why, why_size, "cuda (auto: a CUDA device is available)");
      } else {
        *ops = &cubie_backend_cpu_ops;
        snprintf(why, why_size, "cpu (auto: no CUDA device: %s)", cuda_why);
      }
      return CUBIE_OK;
  }
  return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "unknown backend kind %d", (int)kind);
}

int cubie_backend_create(const cubie_backend_ops *ops, const cubie_backend_options *opts,
                         cubie_backend **out) {
  *out = NULL;
  cubie_backend *b = calloc(1, sizeof *b);
  CUBIE_CHECK(b, CUBIE_ERR_MEMORY, "out of memory creating a backend");
  b->ops = ops;
  int rc = ops->create(opts, &b->impl);
  if (rc) {
    free(b);
    return rc;
  }
  ops->describe(b->impl, b->description, sizeof b->description);
  *out = b;
  return CUBIE_OK;
}

int cubie_backend_open(const cubie_backend_ops *ops, const cubie_run_config *run, int device,
                       cubie_backend **out) {
  *out = NULL;
  char cache_dir[4096];
  CUBIE_CALL(cubie_cache_dir_resolve(run->cache_dir, cache_dir, sizeof cache_dir));
  cubie_backend_options opts = {.cache_dir = cache_dir,
                                .threads = run->threads,
                                .device = device,
                                .block_size = run->block_size};
  return cubie_backend_create(ops, &opts, out);
}

void cubie_backend_destroy(cubie_backend **b) {
  if (!b || !*b) return;
  (*b)->ops->destroy((*b)->impl);
  free(*b);
  *b = NULL;
}

void cubie_binary_free(cubie_binary *bin) {
  free(bin->data);
  bin->data = NULL;
  bin->size = 0;
}

int cubie_cache_dir_resolve(const char *configured, char *dir, size_t size) {
  const char *env = getenv("CUBIE_CACHE_DIR");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (configured && *configured)
    snprintf(dir, size, "%s", configured);
  else if (env && *env)
    snprintf(dir, size, "%s", env);
  else if (xdg && *xdg)
    snprintf(dir, size, "%s/cubie", xdg);
  else if (home && *home)
    snprintf(dir, size, "%s/.cache/cubie", home);
  else
    snprintf(dir, size, "/tmp/cubie-cache");
  return cubie_mkdir_p(dir);
}
