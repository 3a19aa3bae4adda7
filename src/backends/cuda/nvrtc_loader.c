/* nvrtc_loader.c — dlopen and resolve NVRTC (see nvrtc_loader.h). */
#include "backends/cuda/nvrtc_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#ifndef CUBIE_NVRTC_HINT
#define CUBIE_NVRTC_HINT ""
#endif

static cubie_nvrtc nvrtc_table;
static int nvrtc_rc = CUBIE_OK;
static char nvrtc_why[2048];
static pthread_once_t nvrtc_once = PTHREAD_ONCE_INIT;

/* dlsym into a function-pointer slot (POSIX guarantees the conversion). */
static int resolve(void *handle, const char *name, void *slot, size_t size) {
  void *sym = dlsym(handle, name);
  if (!sym) return -1;
  memcpy(slot, &sym, size);
  return 0;
}

#define RESOLVE(handle, field, name)                                             \
  do {                                                                           \
    if (resolve(handle, name, &nvrtc_table.field, sizeof nvrtc_table.field)) {   \
      snprintf(nvrtc_why, sizeof nvrtc_why, "%s has no symbol %s", nvrtc_table.path, name); \
      return -1;                                                                 \
    }                                                                            \
  } while (0)

static int resolve_all(void *h) {
  RESOLVE(h, GetErrorString, "nvrtcGetErrorString");
  RESOLVE(h, Version, "nvrtcVersion");
  RESOLVE(h, GetNumSupportedArchs, "nvrtcGetNumSupportedArchs");
  RESOLVE(h, GetSupportedArchs, "nvrtcGetSupportedArchs");
  RESOLVE(h, CreateProgram, "nvrtcCreateProgram");
  RESOLVE(h, DestroyProgram, "nvrtcDestroyProgram");
  RESOLVE(h, CompileProgram, "nvrtcCompileProgram");
  RESOLVE(h, GetProgramLogSize, "nvrtcGetProgramLogSize");
  RESOLVE(h, GetProgramLog, "nvrtcGetProgramLog");
  RESOLVE(h, GetCUBINSize, "nvrtcGetCUBINSize");
  RESOLVE(h, GetCUBIN, "nvrtcGetCUBIN");
  RESOLVE(h, GetPTXSize, "nvrtcGetPTXSize");
  RESOLVE(h, GetPTX, "nvrtcGetPTX");
  return 0;
}

static void *try_open(const char *path, char *tried, size_t tried_size) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    size_t len = strlen(tried);
    snprintf(tried + len, tried_size - len, "%s%s", len ? ", " : "", path);
  }
  return h;
}

static void load_once(void) {
  static const char *const names[] = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so", NULL};
  char tried[1024] = "";
  char path[512];
  void *h = NULL;
  const char *explicit_path = getenv("CUBIE_NVRTC_LIBRARY");
  if (explicit_path && *explicit_path) {
    snprintf(path, sizeof path, "%s", explicit_path);
    h = try_open(path, tried, sizeof tried);
  } else {
    /* The toolkit this binary was configured with first: it is the NVRTC
     * the kernels were tested with. */
    static const char hint[] = CUBIE_NVRTC_HINT; /* "" when configured without one */
    for (int i = 0; !h && names[i] && hint[0] != '\0'; i++) {
      snprintf(path, sizeof path, "%s/%s", hint, names[i]);
      h = try_open(path, tried, sizeof tried);
    }
    for (int i = 0; !h && names[i]; i++) {
      snprintf(path, sizeof path, "%s", names[i]);
      h = try_open(path, tried, sizeof tried);
    }
  }
  if (!h) {
    snprintf(nvrtc_why, sizeof nvrtc_why,
             "NVRTC not found (tried %s): install the CUDA toolkit's NVRTC or put it on "
             "LD_LIBRARY_PATH (or set CUBIE_NVRTC_LIBRARY)",
             tried);
    nvrtc_rc = CUBIE_ERR_UNAVAILABLE;
    return;
  }
  snprintf(nvrtc_table.path, sizeof nvrtc_table.path, "%s", path);
  if (resolve_all(h) != 0) {
    nvrtc_rc = CUBIE_ERR_UNAVAILABLE;
    return;
  }
  if (nvrtc_table.Version(&nvrtc_table.major, &nvrtc_table.minor) != CUBIE_NVRTC_SUCCESS) {
    snprintf(nvrtc_why, sizeof nvrtc_why, "%s: nvrtcVersion failed", path);
    nvrtc_rc = CUBIE_ERR_UNAVAILABLE;
  }
}

int cubie_nvrtc_load(const cubie_nvrtc **out) {
  *out = NULL;
  pthread_once(&nvrtc_once, load_once);
  CUBIE_CHECK(nvrtc_rc == CUBIE_OK, nvrtc_rc, "%s", nvrtc_why);
  *out = &nvrtc_table;
  return CUBIE_OK;
}

int cubie_nvrtc_supported_archs(const cubie_nvrtc *nv, int *archs, int max, int *n) {
  int count = 0;
  *n = 0;
  cubie_nvrtc_result r = nv->GetNumSupportedArchs(&count);
  CUBIE_CHECK(r == CUBIE_NVRTC_SUCCESS && count >= 0, CUBIE_ERR_BACKEND,
              "nvrtcGetNumSupportedArchs: %s", nv->GetErrorString(r));
  int *all = malloc(sizeof *all * (size_t)(count ? count : 1));
  CUBIE_CHECK(all, CUBIE_ERR_MEMORY, "out of memory");
  r = nv->GetSupportedArchs(all);
  if (r != CUBIE_NVRTC_SUCCESS) {
    free(all);
    return CUBIE_RAISE(CUBIE_ERR_BACKEND, "nvrtcGetSupportedArchs: %s", nv->GetErrorString(r));
  }
  for (int i = 0; i < count && *n < max; i++) archs[(*n)++] = all[i];
  free(all);
  return CUBIE_OK;
}
