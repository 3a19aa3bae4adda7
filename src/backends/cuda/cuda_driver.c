/* cuda_driver.c — dlopen and resolve the CUDA driver (see cuda_driver.h). */
#include "backends/cuda/cuda_driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static cubie_cuda_driver driver;
static int driver_rc = CUBIE_OK;
static char driver_why[1024];
static pthread_once_t driver_once = PTHREAD_ONCE_INIT;

/* dlsym the first of `names` the library has into `slot`. */
static int resolve(void *handle, const char *const *names, void *slot, size_t size) {
  for (int i = 0; names[i]; i++) {
    void *sym = dlsym(handle, names[i]);
    if (sym) {
      memcpy(slot, &sym, size); /* object → function pointer, POSIX-sanctioned */
      return 0;
    }
  }
  snprintf(driver_why, sizeof driver_why,
           "%s has no %s: the NVIDIA driver is too old for this cubie (CUDA 12 or newer needed)",
           driver.path, names[0]);
  return -1;
}

#define RESOLVE(h, field, ...)                                                        \
  do {                                                                                \
    static const char *const names_[] = {__VA_ARGS__, NULL};                          \
    if (resolve(h, names_, &driver.field, sizeof driver.field)) return -1;            \
  } while (0)

static int resolve_all(void *h) {
  RESOLVE(h, Init, "cuInit");
  RESOLVE(h, DriverGetVersion, "cuDriverGetVersion");
  RESOLVE(h, GetErrorName, "cuGetErrorName");
  RESOLVE(h, GetErrorString, "cuGetErrorString");
  RESOLVE(h, DeviceGetCount, "cuDeviceGetCount");
  RESOLVE(h, DeviceGet, "cuDeviceGet");
  RESOLVE(h, DeviceGetName, "cuDeviceGetName");
  RESOLVE(h, DeviceGetAttribute, "cuDeviceGetAttribute");
  RESOLVE(h, DeviceTotalMem, "cuDeviceTotalMem_v2");
  RESOLVE(h, DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  RESOLVE(h, DevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  RESOLVE(h, CtxSetCurrent, "cuCtxSetCurrent");
  RESOLVE(h, CtxSynchronize, "cuCtxSynchronize");
  RESOLVE(h, StreamCreate, "cuStreamCreate");
  RESOLVE(h, StreamDestroy, "cuStreamDestroy_v2");
  RESOLVE(h, StreamSynchronize, "cuStreamSynchronize");
  RESOLVE(h, StreamWaitEvent, "cuStreamWaitEvent");
  RESOLVE(h, EventCreate, "cuEventCreate");
  RESOLVE(h, EventDestroy, "cuEventDestroy_v2");
  RESOLVE(h, EventRecord, "cuEventRecord");
  RESOLVE(h, EventSynchronize, "cuEventSynchronize");
  /* CUDA 12.8 added the _v2; older drivers only have the original. */
  RESOLVE(h, EventElapsedTime, "cuEventElapsedTime_v2", "cuEventElapsedTime");
  RESOLVE(h, ModuleLoadData, "cuModuleLoadData");
  RESOLVE(h, ModuleUnload, "cuModuleUnload");
  RESOLVE(h, ModuleGetFunction, "cuModuleGetFunction");
  RESOLVE(h, ModuleGetGlobal, "cuModuleGetGlobal_v2");
  RESOLVE(h, FuncGetAttribute, "cuFuncGetAttribute");
  RESOLVE(h, FuncSetAttribute, "cuFuncSetAttribute");
  RESOLVE(h, OccupancyMaxPotentialBlockSize, "cuOccupancyMaxPotentialBlockSize");
  RESOLVE(h, LaunchKernel, "cuLaunchKernel");
  RESOLVE(h, MemAlloc, "cuMemAlloc_v2");
  RESOLVE(h, MemFree, "cuMemFree_v2");
  RESOLVE(h, MemAllocHost, "cuMemAllocHost_v2");
  RESOLVE(h, MemFreeHost, "cuMemFreeHost");
  RESOLVE(h, MemHostAlloc, "cuMemHostAlloc");
  RESOLVE(h, MemHostGetDevicePointer, "cuMemHostGetDevicePointer_v2");
  RESOLVE(h, MemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  RESOLVE(h, MemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  RESOLVE(h, MemcpyDtoH, "cuMemcpyDtoH_v2");
  RESOLVE(h, MemGetInfo, "cuMemGetInfo_v2");
  return 0;
}

static const char *error_name(const cubie_cuda_driver *d, cubie_cu_result r) {
  const char *name = NULL;
  if (d->GetErrorName && d->GetErrorName(r, &name) != CUBIE_CU_SUCCESS) name = NULL;
  return name ? name : "CUDA_ERROR_UNKNOWN";
}

static const char *error_text(const cubie_cuda_driver *d, cubie_cu_result r) {
  const char *text = NULL;
  if (d->GetErrorString && d->GetErrorString(r, &text) != CUBIE_CU_SUCCESS) text = NULL;
  return text ? text : "no description";
}

static void load_once(void) {
  const char *path = getenv("CUBIE_CUDA_LIBRARY");
  if (!path || !*path) path = "libcuda.so.1";
  snprintf(driver.path, sizeof driver.path, "%s", path);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(driver_why, sizeof driver_why, "%s not found: no NVIDIA driver on this machine",
             path);
    driver_rc = CUBIE_ERR_UNAVAILABLE;
    return;
  }
  if (resolve_all(h) != 0) {
    driver_rc = CUBIE_ERR_UNAVAILABLE;
    return;
  }
  cubie_cu_result r = driver.Init(0);
  if (r != CUBIE_CU_SUCCESS) {
    snprintf(driver_why, sizeof driver_why, "cuInit failed: %s (%s)", error_name(&driver, r),
             error_text(&driver, r));
    driver_rc = CUBIE_ERR_UNAVAILABLE;
    return;
  }
  if (driver.DriverGetVersion(&driver.version) != CUBIE_CU_SUCCESS) driver.version = 0;
}

int cubie_cuda_driver_load(const cubie_cuda_driver **out) {
  *out = NULL;
  pthread_once(&driver_once, load_once);
  CUBIE_CHECK(driver_rc == CUBIE_OK, driver_rc, "%s", driver_why);
  *out = &driver;
  return CUBIE_OK;
}

int cubie_cuda_error(const cubie_cuda_driver *d, cubie_cu_result r, const char *what) {
  return CUBIE_RAISE(CUBIE_ERR_BACKEND, "%s: %s (%s)", what, error_name(d, r), error_text(d, r));
}

int cubie_cuda_device_count(char *why, size_t why_size) {
  const cubie_cuda_driver *d = NULL;
  if (cubie_cuda_driver_load(&d) != CUBIE_OK) {
    snprintf(why, why_size, "%s", cubie_error_message());
    cubie_error_clear();
    return 0;
  }
  int n = 0;
  cubie_cu_result r = d->DeviceGetCount(&n);
  if (r != CUBIE_CU_SUCCESS || n <= 0) {
    if (r != CUBIE_CU_SUCCESS)
      snprintf(why, why_size, "cuDeviceGetCount failed: %s (%s)", error_name(d, r),
               error_text(d, r));
    else
      snprintf(why, why_size, "the NVIDIA driver sees no CUDA device (CUDA_VISIBLE_DEVICES?)");
    return 0;
  }
  return n;
}

int cubie_cuda_describe_device(const cubie_cuda_driver *d, int ordinal, char *text, size_t size) {
  cubie_cu_device dev;
  CUBIE_CU_CALL(d, d->DeviceGet(&dev, ordinal), "cuDeviceGet");
  char name[256] = "";
  int major = 0, minor = 0, sms = 0;
  size_t total = 0;
  CUBIE_CU_CALL(d, d->DeviceGetName(name, (int)sizeof name, dev), "cuDeviceGetName");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&major, CUBIE_CU_DEV_CC_MAJOR, dev), "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&minor, CUBIE_CU_DEV_CC_MINOR, dev), "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&sms, CUBIE_CU_DEV_MULTIPROCESSOR_COUNT, dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceTotalMem(&total, dev), "cuDeviceTotalMem");
  snprintf(text, size, "%s (sm_%d%d, %d SMs, %.1f GiB)", name, major, minor, sms,
           (double)total / (1024.0 * 1024.0 * 1024.0));
  return CUBIE_OK;
}

int cubie_cuda_describe_devices(cubie_strbuf *out) {
  char why[1024] = "";
  int n = cubie_cuda_device_count(why, sizeof why);
  if (n == 0) return cubie_strbuf_printf(out, "no CUDA device: %s\n", why);
  const cubie_cuda_driver *d = NULL;
  CUBIE_CALL(cubie_cuda_driver_load(&d));
  CUBIE_CALL(cubie_strbuf_printf(out, "NVIDIA driver %d.%d (%s), %d device%s\n",
                                 d->version / 1000, (d->version % 1000) / 10, d->path, n,
                                 n == 1 ? "" : "s"));
  for (int i = 0; i < n; i++) {
    char text[512];
    int rc = cubie_cuda_describe_device(d, i, text, sizeof text);
    if (rc) {
      snprintf(text, sizeof text, "cannot be queried: %s", cubie_error_message());
      cubie_error_clear();
    }
    CUBIE_CALL(cubie_strbuf_printf(out, "device %d: %s\n", i, text));
  }
  return CUBIE_OK;
}
