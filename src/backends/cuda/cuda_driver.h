/* cuda_driver.h — the CUDA driver API, loaded at run time.
 *
 * libcuda.so.1 is dlopen()ed (never linked) so one cubie binary runs on
 * machines with and without an NVIDIA driver. The handful of driver types
 * and constants cubie needs are declared here from the CUDA driver API
 * documentation; cuda.h is never included, so building cubie needs no CUDA
 * toolkit. Entry points are resolved by their versioned names (the `_v2`
 * symbols cuda.h maps the plain names to). This module loads, initialises
 * and turns driver errors into cubie errors; it holds no device state
 * (backend_cuda.c does).
 */
#ifndef CUBIE_CUDA_DRIVER_H
#define CUBIE_CUDA_DRIVER_H

#include <stddef.h>

#include "util/strbuf.h"

typedef int cubie_cu_result; /* CUresult; 0 = CUDA_SUCCESS */
typedef int cubie_cu_device; /* CUdevice */
typedef unsigned long long cubie_cu_deviceptr;
typedef struct cubie_cu_context_ *cubie_cu_context;
typedef struct cubie_cu_module_ *cubie_cu_module;
typedef struct cubie_cu_function_ *cubie_cu_function;
typedef struct cubie_cu_stream_ *cubie_cu_stream;
typedef struct cubie_cu_event_ *cubie_cu_event;
typedef size_t (*cubie_cu_block_to_smem)(int block_size); /* CUoccupancyB2DSize */

#define CUBIE_CU_SUCCESS 0
#define CUBIE_CU_ERROR_OUT_OF_MEMORY 2
#define CUBIE_CU_ERROR_NO_DEVICE 100
/* CUdevice_attribute */
#define CUBIE_CU_DEV_MAX_THREADS_PER_BLOCK 1
#define CUBIE_CU_DEV_MAX_SHARED_PER_BLOCK 8
#define CUBIE_CU_DEV_MULTIPROCESSOR_COUNT 16
#define CUBIE_CU_DEV_PCI_BUS_ID 33
#define CUBIE_CU_DEV_CC_MAJOR 75
#define CUBIE_CU_DEV_CC_MINOR 76
#define CUBIE_CU_DEV_MAX_SHARED_PER_BLOCK_OPTIN 97
/* CUfunction_attribute */
#define CUBIE_CU_FUNC_MAX_THREADS_PER_BLOCK 0
#define CUBIE_CU_FUNC_SHARED_SIZE_BYTES 1
#define CUBIE_CU_FUNC_LOCAL_SIZE_BYTES 3
#define CUBIE_CU_FUNC_NUM_REGS 4
#define CUBIE_CU_FUNC_MAX_DYNAMIC_SHARED_SIZE_BYTES 8
/* flags */
#define CUBIE_CU_STREAM_NON_BLOCKING 0x1
#define CUBIE_CU_EVENT_DEFAULT 0x0
#define CUBIE_CU_EVENT_DISABLE_TIMING 0x2
#define CUBIE_CU_MEMHOSTALLOC_PORTABLE 0x1
#define CUBIE_CU_MEMHOSTALLOC_DEVICEMAP 0x2

typedef struct cubie_cuda_driver {
  char path[512];
  int version; /* cuDriverGetVersion: 1000 * major + 10 * minor */
  cubie_cu_result (*Init)(unsigned int flags);
  cubie_cu_result (*DriverGetVersion)(int *version);
  cubie_cu_result (*GetErrorName)(cubie_cu_result r, const char **name);
  cubie_cu_result (*GetErrorString)(cubie_cu_result r, const char **text);
  cubie_cu_result (*DeviceGetCount)(int *count);
  cubie_cu_result (*DeviceGet)(cubie_cu_device *dev, int ordinal);
  cubie_cu_result (*DeviceGetName)(char *name, int len, cubie_cu_device dev);
  cubie_cu_result (*DeviceGetAttribute)(int *value, int attribute, cubie_cu_device dev);
  cubie_cu_result (*DeviceTotalMem)(size_t *bytes, cubie_cu_device dev);
  cubie_cu_result (*DevicePrimaryCtxRetain)(cubie_cu_context *ctx, cubie_cu_device dev);
  cubie_cu_result (*DevicePrimaryCtxRelease)(cubie_cu_device dev);
  cubie_cu_result (*CtxSetCurrent)(cubie_cu_context ctx);
  cubie_cu_result (*CtxSynchronize)(void);
  cubie_cu_result (*StreamCreate)(cubie_cu_stream *stream, unsigned int flags);
  cubie_cu_result (*StreamDestroy)(cubie_cu_stream stream);
  cubie_cu_result (*StreamSynchronize)(cubie_cu_stream stream);
  cubie_cu_result (*StreamWaitEvent)(cubie_cu_stream stream, cubie_cu_event event,
                                     unsigned int flags);
  cubie_cu_result (*EventCreate)(cubie_cu_event *event, unsigned int flags);
  cubie_cu_result (*EventDestroy)(cubie_cu_event event);
  cubie_cu_result (*EventRecord)(cubie_cu_event event, cubie_cu_stream stream);
  cubie_cu_result (*EventSynchronize)(cubie_cu_event event);
  cubie_cu_result (*EventElapsedTime)(float *ms, cubie_cu_event start, cubie_cu_event end);
  cubie_cu_result (*ModuleLoadData)(cubie_cu_module *module, const void *image);
  cubie_cu_result (*ModuleUnload)(cubie_cu_module module);
  cubie_cu_result (*ModuleGetFunction)(cubie_cu_function *fn, cubie_cu_module module,
                                       const char *name);
  cubie_cu_result (*ModuleGetGlobal)(cubie_cu_deviceptr *ptr, size_t *bytes, cubie_cu_module module,
                                     const char *name);
  cubie_cu_result (*FuncGetAttribute)(int *value, int attribute, cubie_cu_function fn);
  cubie_cu_result (*FuncSetAttribute)(cubie_cu_function fn, int attribute, int value);
  cubie_cu_result (*OccupancyMaxPotentialBlockSize)(int *min_grid, int *block, cubie_cu_function fn,
                                                    cubie_cu_block_to_smem smem_of_block,
                                                    size_t smem, int block_limit);
  cubie_cu_result (*LaunchKernel)(cubie_cu_function fn, unsigned int gx, unsigned int gy,
                                  unsigned int gz, unsigned int bx, unsigned int by,
                                  unsigned int bz, unsigned int smem, cubie_cu_stream stream,
                                  void **params, void **extra);
  cubie_cu_result (*MemAlloc)(cubie_cu_deviceptr *ptr, size_t bytes);
  cubie_cu_result (*MemFree)(cubie_cu_deviceptr ptr);
  cubie_cu_result (*MemAllocHost)(void **ptr, size_t bytes);
  cubie_cu_result (*MemFreeHost)(void *ptr);
  cubie_cu_result (*MemHostAlloc)(void **ptr, size_t bytes, unsigned int flags);
  cubie_cu_result (*MemHostGetDevicePointer)(cubie_cu_deviceptr *dptr, void *host,
                                             unsigned int flags);
  cubie_cu_result (*MemcpyHtoDAsync)(cubie_cu_deviceptr dst, const void *src, size_t bytes,
                                     cubie_cu_stream stream);
  cubie_cu_result (*MemcpyDtoHAsync)(void *dst, cubie_cu_deviceptr src, size_t bytes,
                                     cubie_cu_stream stream);
  cubie_cu_result (*MemcpyDtoH)(void *dst, cubie_cu_deviceptr src, size_t bytes);
  cubie_cu_result (*MemGetInfo)(size_t *free_bytes, size_t *total_bytes);
} cubie_cuda_driver;

/* Load libcuda.so.1 ($CUBIE_CUDA_LIBRARY instead, when set) and cuInit it,
 * once per process. Failure is CUBIE_ERR_UNAVAILABLE with the reason
 * ("libcuda.so.1 not found: no NVIDIA driver on this machine"). */
int cubie_cuda_driver_load(const cubie_cuda_driver **out);

/* CUBIE_ERR_BACKEND "<what>: CUDA_ERROR_X (driver's text)" for a failed call. */
int cubie_cuda_error(const cubie_cuda_driver *d, cubie_cu_result r, const char *what);

/* Devices usable here, or 0 with the reason in `why`. Never raises. */
int cubie_cuda_device_count(char *why, size_t why_size);

/* One line per device ("device 0: NVIDIA H100 80GB HBM3 (sm_90, 132 SMs,
 * 79.1 GiB)") or the reason there is none; for `cubie info`. */
int cubie_cuda_describe_devices(cubie_strbuf *out);

/* "NVIDIA H100 ... (sm_90, 132 SMs, 79.1 GiB)" of one device. */
int cubie_cuda_describe_device(const cubie_cuda_driver *d, int ordinal, char *text, size_t size);

/* Propagate a failed driver call as a cubie error. */
#define CUBIE_CU_CALL(d, expr, what)                                     \
  do {                                                                   \
    cubie_cu_result cubie_cu_rc_ = (expr);                               \
    if (cubie_cu_rc_ != CUBIE_CU_SUCCESS) return cubie_cuda_error((d), cubie_cu_rc_, (what)); \
  } while (0)

#endif
