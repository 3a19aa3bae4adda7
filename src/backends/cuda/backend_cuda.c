/* backend_cuda.c — the CUDA backend: the kernel text compiled by NVRTC for
 * the device's architecture (cuda_compile.c, cached by content hash),
 * loaded and launched through the driver API, which is dlopen()ed at run
 * time (cuda_driver.c), so one binary runs with and without a GPU.
 *
 * One thread integrates one run. Kernels run on a compute stream; results
 * come back on a separate copy stream, so the copy-back of one chunk can
 * overlap the next chunk's kernel. Host→device copies also go on the copy
 * stream and the compute stream waits for them, so a launch always sees the
 * inputs copied before it.
 *
 * The compiled module describes itself: it exports the shared memory one
 * run needs (the buffer layout it was compiled with), so a rank that only
 * loads the broadcast cubin launches it correctly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/cuda/cuda_compile.h"
#include "backends/cuda/cuda_driver.h"
#include "util/error.h"
#include "backends/cuda/nvrtc_loader.h"

#define SHARED_SYMBOL "cubie_cuda_shared_bytes_per_run"
/* Dynamic shared memory every block may use without opting in. */
#define DEFAULT_SHARED_LIMIT (48 * 1024)
#define TIMING_SLOTS 4

typedef struct cuda_backend {
  const cubie_cuda_driver *d;
  char cache_dir[4096];
  int ordinal;
  cubie_cu_device dev;
  cubie_cu_context ctx;
  bool ctx_retained;
  cubie_cu_stream compute, copy;
  /* Timing events of launches whose time is not added yet: a small ring,
   * so launching never waits for an earlier kernel unless it is full. */
  cubie_cu_event kernel_start[TIMING_SLOTS], kernel_stop[TIMING_SLOTS];
  int timing_first, timing_count;
  cubie_cu_event inputs_copied;
  double kernel_seconds;
  /* The progress counter: mapped pinned host memory the kernel's blocks
   * add to (host view, device view); allocated on first use. */
  cubie_u64 *runs_done_host, *runs_done_device;

  char name[256];
  int cc_major, cc_minor, sms;
  size_t total_memory;
  int max_threads_per_block;
  int max_shared_optin;    /* dynamic shared memory per block with opt-in */

  int requested_block;     /* run.block_size; 0: from the occupancy calculator */
  cubie_cu_module module;
  cubie_cu_function entry;
  cubie_cu_function reorder; /* cubie_cuda_reorder: results to the file's layout */
  size_t shared_per_run;   /* bytes of dynamic shared memory per run (thread) */
  int block;               /* threads per block of every launch */
} cuda_backend;

/* The occupancy calculator's callback cannot carry state; the bytes per
 * run it scales by the block size live here for the duration of the call. */
static _Thread_local size_t occupancy_shared_per_run;

static size_t shared_of_block(int block) { return occupancy_shared_per_run * (size_t)block; }

static int bind(cuda_backend *b) {
  CUBIE_CU_CALL(b->d, b->d->CtxSetCurrent(b->ctx), "cuCtxSetCurrent");
  return CUBIE_OK;
}

static bool cuda_available(char *why, size_t why_size) {
  if (cubie_cuda_device_count(why, why_size) == 0) return false;
  const cubie_nvrtc *nv = NULL;
  if (cubie_nvrtc_load(&nv) != CUBIE_OK) {
    snprintf(why, why_size, "a CUDA device is present but %s", cubie_error_message());
    cubie_error_clear();
    return false;
  }
  snprintf(why, why_size, "CUDA device available, NVRTC %d.%d", nv->major, nv->minor);
  return true;
}

/* Devices are listed whenever the driver sees any, even when the backend
 * is unusable for another reason (no NVRTC). */
static int cuda_list_devices(cubie_strbuf *out) {
  char why[512];
  if (cubie_cuda_device_count(why, sizeof why) == 0) return CUBIE_OK;
  if (cubie_cuda_describe_devices(out) != CUBIE_OK) {
    CUBIE_CALL(cubie_strbuf_printf(out, "devices cannot be listed: %s\n", cubie_error_message()));
    cubie_error_clear();
  }
  return CUBIE_OK;
}

static void cuda_destroy(void *impl) {
  cuda_backend *b = impl;
  if (!b) return;
  const cubie_cuda_driver *d = b->d;
  if (d && b->ctx) {
    d->CtxSetCurrent(b->ctx);
    if (b->compute) d->StreamSynchronize(b->compute);
    if (b->copy) d->StreamSynchronize(b->copy);
    if (b->module) d->ModuleUnload(b->module);
    for (int i = 0; i < TIMING_SLOTS; i++) {
      if (b->kernel_start[i]) d->EventDestroy(b->kernel_start[i]);
      if (b->kernel_stop[i]) d->EventDestroy(b->kernel_stop[i]);
    }
    if (b->inputs_copied) d->EventDestroy(b->inputs_copied);
    if (b->runs_done_host) d->MemFreeHost(b->runs_done_host);
    if (b->compute) d->StreamDestroy(b->compute);
    if (b->copy) d->StreamDestroy(b->copy);
  }
  if (d && b->ctx_retained) d->DevicePrimaryCtxRelease(b->dev);
  free(b);
}

static int query_device(cuda_backend *b) {
  const cubie_cuda_driver *d = b->d;
  CUBIE_CU_CALL(d, d->DeviceGetName(b->name, (int)sizeof b->name, b->dev), "cuDeviceGetName");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&b->cc_major, CUBIE_CU_DEV_CC_MAJOR, b->dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&b->cc_minor, CUBIE_CU_DEV_CC_MINOR, b->dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&b->sms, CUBIE_CU_DEV_MULTIPROCESSOR_COUNT, b->dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&b->max_threads_per_block,
                                         CUBIE_CU_DEV_MAX_THREADS_PER_BLOCK, b->dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceGetAttribute(&b->max_shared_optin,
                                         CUBIE_CU_DEV_MAX_SHARED_PER_BLOCK_OPTIN, b->dev),
                "cuDeviceGetAttribute");
  CUBIE_CU_CALL(d, d->DeviceTotalMem(&b->total_memory, b->dev), "cuDeviceTotalMem");
  return CUBIE_OK;
}

static int cuda_setup(cuda_backend *b, const cubie_backend_options *opts) {
  char why[1024] = "";
  int n = cubie_cuda_device_count(why, sizeof why);
  CUBIE_CHECK(n > 0, CUBIE_ERR_UNAVAILABLE, "the CUDA backend is not usable here: %s", why);
  CUBIE_CALL(cubie_cuda_driver_load(&b->d));
  const cubie_cuda_driver *d = b->d;
  CUBIE_CHECK(opts->device >= 0 && opts->device < n, CUBIE_ERR_UNAVAILABLE,
              "CUDA device %d does not exist (this process sees %d device%s)", opts->device, n,
              n == 1 ? "" : "s");
  b->ordinal = opts->device;
  CUBIE_CU_CALL(d, d->DeviceGet(&b->dev, b->ordinal), "cuDeviceGet");
  CUBIE_CU_CALL(d, d->DevicePrimaryCtxRetain(&b->ctx, b->dev), "cuDevicePrimaryCtxRetain");
  b->ctx_retained = true;
  CUBIE_CALL(bind(b));
  CUBIE_CALL(query_device(b));
  CUBIE_CU_CALL(d, d->StreamCreate(&b->compute, CUBIE_CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  CUBIE_CU_CALL(d, d->StreamCreate(&b->copy, CUBIE_CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  for (int i = 0; i < TIMING_SLOTS; i++) {
    CUBIE_CU_CALL(d, d->EventCreate(&b->kernel_start[i], CUBIE_CU_EVENT_DEFAULT), "cuEventCreate");
    CUBIE_CU_CALL(d, d->EventCreate(&b->kernel_stop[i], CUBIE_CU_EVENT_DEFAULT), "cuEventCreate");
  }
  CUBIE_CU_CALL(d, d->EventCreate(&b->inputs_copied, CUBIE_CU_EVENT_DISABLE_TIMING),
                "cuEventCreate");
  const cubie_nvrtc *nv = NULL;
  CUBIE_CALL(cubie_nvrtc_load(&nv));
  return CUBIE_OK;
}

static int cuda_create(const cubie_backend_options *opts, void **impl) {
  *impl = NULL;
  cuda_backend *b = calloc(1, sizeof *b);
  CUBIE_CHECK(b, CUBIE_ERR_MEMORY, "out of memory creating the cuda backend");
  snprintf(b->cache_dir, sizeof b->cache_dir, "%s", opts->cache_dir);
  b->requested_block = opts->block_size;
  int rc = cuda_setup(b, opts);
  if (rc) {
    cuda_destroy(b);
    return rc;
  }
  *impl = b;
  return CUBIE_OK;
}

static void cuda_describe(void *impl, char *text, size_t size) {
  cuda_backend *b = impl;
  snprintf(text, size, "cuda: %s (sm_%d%d, %d SMs, %.1f GiB), device %d", b->name, b->cc_major,
           b->cc_minor, b->sms, (double)b->total_memory / (1024.0 * 1024.0 * 1024.0), b->ordinal);
}

static const char *cuda_source_epilogue(void *impl) {
  (void)impl;
  /* The module exports the shared memory per run its buffer layout needs
   * (read back in load()). Not const: a const namespace-scope variable
   * would have internal linkage and could be dropped. */
  return "#include \"entry_cuda.h\"\n"
         "CUBIE_EXTERN_C __device__ long long " SHARED_SYMBOL
         " = (long long)(CUBIE_SHARED_PER_RUN * sizeof(cubie_real));\n";
}

static int cuda_compile(void *impl, const char *source, cubie_binary *bin) {
  cuda_backend *b = impl;
  return cubie_cuda_compile(source, b->cc_major * 10 + b->cc_minor, b->cache_dir, bin, NULL);
}

/* Threads per block: run.block_size when given, else the occupancy
 * calculator's choice for the dynamic shared memory the layout needs. */
static int choose_block(cuda_backend *b) {
  const cubie_cuda_driver *d = b->d;
  int limit = b->max_threads_per_block;
  /* The kernel's own bound (__launch_bounds__ of kernels/entry_cuda.h,
   * chosen from the model's size for its registers). */
  int kernel_limit = 0;
  CUBIE_CU_CALL(d, d->FuncGetAttribute(&kernel_limit, CUBIE_CU_FUNC_MAX_THREADS_PER_BLOCK, b->entry),
                "cuFuncGetAttribute(MAX_THREADS_PER_BLOCK)");
  if (kernel_limit > 0 && kernel_limit < limit) limit = kernel_limit;
  if (b->shared_per_run > 0) {
    int static_shared = 0;
    CUBIE_CU_CALL(d, d->FuncGetAttribute(&static_shared, CUBIE_CU_FUNC_SHARED_SIZE_BYTES, b->entry),
                  "cuFuncGetAttribute(SHARED_SIZE_BYTES)");
    size_t usable = (size_t)(b->max_shared_optin - static_shared);
    CUBIE_CHECK(b->shared_per_run <= usable, CUBIE_ERR_UNAVAILABLE,
                "the buffers placed in shared memory need %zu bytes per run, more than the %zu "
                "bytes a block of %s may use; move some to local (buffers: section, see "
                "docs/gpu.md)",
                b->shared_per_run, usable, b->name);
    size_t fit = usable / b->shared_per_run;
    if (fit < (size_t)limit) limit = (int)fit;
    /* Beyond 48 KiB a kernel must opt in before the occupancy calculator
     * or a launch may use it. */
    size_t most = b->shared_per_run * (size_t)limit;
    if (most > DEFAULT_SHARED_LIMIT)
      CUBIE_CU_CALL(d, d->FuncSetAttribute(b->entry, CUBIE_CU_FUNC_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           (int)most),
                    "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)");
  }
  if (b->requested_block > 0) {
    CUBIE_CHECK(b->requested_block <= limit, CUBIE_ERR_INPUT,
                "run.block_size %d is too large for %s: at most %d threads per block fit "
                "(threads per block limit %d, %zu bytes of shared memory per run)",
                b->requested_block, b->name, limit, b->max_threads_per_block, b->shared_per_run);
    b->block = b->requested_block;
    return CUBIE_OK;
  }
  int min_grid = 0, block = 0;
  occupancy_shared_per_run = b->shared_per_run;
  CUBIE_CU_CALL(d, d->OccupancyMaxPotentialBlockSize(&min_grid, &block, b->entry, shared_of_block,
                                                     0, limit),
                "cuOccupancyMaxPotentialBlockSize");
  CUBIE_CHECK(block > 0, CUBIE_ERR_BACKEND,
              "the occupancy calculator found no block size for the kernel on %s", b->name);
  b->block = block;
  return CUBIE_OK;
}

static int cuda_load(void *impl, const cubie_binary *bin) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  CUBIE_CALL(bind(b));
  if (b->module) {
    d->ModuleUnload(b->module);
    b->module = NULL;
    b->entry = NULL;
    b->reorder = NULL;
  }
  CUBIE_CU_CALL(d, d->ModuleLoadData(&b->module, bin->data), "cuModuleLoadData (the compiled kernel)");
  CUBIE_CU_CALL(d, d->ModuleGetFunction(&b->entry, b->module, "cubie_cuda_run_chunk"),
                "cuModuleGetFunction(cubie_cuda_run_chunk)");
  CUBIE_CU_CALL(d, d->ModuleGetFunction(&b->reorder, b->module, "cubie_cuda_reorder"),
                "cuModuleGetFunction(cubie_cuda_reorder)");
  cubie_cu_deviceptr where = 0;
  size_t size = 0;
  CUBIE_CU_CALL(d, d->ModuleGetGlobal(&where, &size, b->module, SHARED_SYMBOL),
                "cuModuleGetGlobal(" SHARED_SYMBOL ")");
  long long bytes = 0;
  CUBIE_CHECK(size == sizeof bytes, CUBIE_ERR_INTERNAL, "%s has %zu bytes, expected %zu",
              SHARED_SYMBOL, size, sizeof bytes);
  CUBIE_CU_CALL(d, d->MemcpyDtoH(&bytes, where, sizeof bytes), "cuMemcpyDtoH(" SHARED_SYMBOL ")");
  CUBIE_CHECK(bytes >= 0, CUBIE_ERR_INTERNAL, "negative shared memory per run (%lld)", bytes);
  b->shared_per_run = (size_t)bytes;
  return choose_block(b);
}

static int cuda_memory_budget(void *impl, size_t *bytes) {
  cuda_backend *b = impl;
  CUBIE_CALL(bind(b));
  size_t free_bytes = 0, total = 0;
  CUBIE_CU_CALL(b->d, b->d->MemGetInfo(&free_bytes, &total), "cuMemGetInfo");
  /* 20% headroom: the module, local memory for spilled buffers (scaled by
   * the number of resident threads), and other processes on the device. */
  *bytes = (size_t)((double)free_bytes * 0.8);
  return CUBIE_OK;
}

static int cuda_alloc(void *impl, cubie_memory_kind kind, size_t bytes, void **ptr) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  *ptr = NULL;
  size_t n = bytes ? bytes : 64; /* the driver rejects empty allocations */
  CUBIE_CALL(bind(b));
  if (kind == CUBIE_MEMORY_DEVICE) {
    cubie_cu_deviceptr p = 0;
    cubie_cu_result r = d->MemAlloc(&p, n);
    CUBIE_CHECK(r != CUBIE_CU_ERROR_OUT_OF_MEMORY, CUBIE_ERR_MEMORY,
                "cannot allocate %zu bytes on %s: out of device memory (set run.memory_limit "
                "lower)",
                bytes, b->name);
    if (r != CUBIE_CU_SUCCESS) return cubie_cuda_error(d, r, "cuMemAlloc");
    *ptr = (void *)(uintptr_t)p;
  } else if (kind == CUBIE_MEMORY_PINNED) {
    cubie_cu_result r = d->MemAllocHost(ptr, n);
    CUBIE_CHECK(r != CUBIE_CU_ERROR_OUT_OF_MEMORY, CUBIE_ERR_MEMORY,
                "cannot allocate %zu bytes of pinned host memory", bytes);
    if (r != CUBIE_CU_SUCCESS) return cubie_cuda_error(d, r, "cuMemAllocHost");
  } else {
    int rc = posix_memalign(ptr, 64, n);
    CUBIE_CHECK(rc == 0, CUBIE_ERR_MEMORY, "cannot allocate %zu bytes of host memory", bytes);
  }
  return CUBIE_OK;
}

static void cuda_release(void *impl, cubie_memory_kind kind, void *ptr) {
  cuda_backend *b = impl;
  if (!ptr) return;
  if (kind == CUBIE_MEMORY_HOST) {
    free(ptr);
    return;
  }
  if (bind(b) != CUBIE_OK) {
    cubie_error_clear();
    return;
  }
  if (kind == CUBIE_MEMORY_DEVICE) b->d->MemFree((cubie_cu_deviceptr)(uintptr_t)ptr);
  else b->d->MemFreeHost(ptr);
}

/* Host → device on the copy stream; the compute stream waits for it, so
 * the next launch sees the data. `src` must not change before the next
 * synchronize / synchronize_copies. */
static int cuda_copy_to_device(void *impl, void *dst, const void *src, size_t bytes) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  if (!bytes) return CUBIE_OK;
  CUBIE_CALL(bind(b));
  CUBIE_CU_CALL(d, d->MemcpyHtoDAsync((cubie_cu_deviceptr)(uintptr_t)dst, src, bytes, b->copy),
                "cuMemcpyHtoDAsync");
  CUBIE_CU_CALL(d, d->EventRecord(b->inputs_copied, b->copy), "cuEventRecord");
  CUBIE_CU_CALL(d, d->StreamWaitEvent(b->compute, b->inputs_copied, 0), "cuStreamWaitEvent");
  return CUBIE_OK;
}

/* Device → host on the copy stream, not waiting for kernels: the caller has
 * synchronized the kernel that wrote `src`. */
static int cuda_copy_to_host_async(void *impl, void *dst, const void *src, size_t bytes) {
  cuda_backend *b = impl;
  if (!bytes) return CUBIE_OK;
  CUBIE_CALL(bind(b));
  CUBIE_CU_CALL(b->d, b->d->MemcpyDtoHAsync(dst, (cubie_cu_deviceptr)(uintptr_t)src, bytes, b->copy),
                "cuMemcpyDtoHAsync");
  return CUBIE_OK;
}

static int cuda_synchronize_copies(void *impl) {
  cuda_backend *b = impl;
  CUBIE_CALL(bind(b));
  CUBIE_CU_CALL(b->d, b->d->StreamSynchronize(b->copy), "copying results back from the device");
  return CUBIE_OK;
}

/* Grid dimensions the reorder kernel is launched with at most (the kernel
 * strides over the rest). */
#define REORDER_GRID_YZ 65535LL
#define REORDER_GRID_X 0x7fffffffLL

/* kernels/entry_cuda.h's cubie_cuda_reorder on the copy stream: it runs
 * beside the next chunk's kernel, and the copy queued after it waits for it. */
static int cuda_reorder_async(void *impl, void *dst, const void *src, long long outer,
                              long long rows, long long cols, size_t element_size) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  if (outer <= 0 || rows <= 0 || cols <= 0) return CUBIE_OK;
  CUBIE_CHECK(b->reorder, CUBIE_ERR_INTERNAL, "cuda backend: reorder before load");
  CUBIE_CALL(bind(b));
  long long gx = (cols + 31) / 32, gy = (rows + 31) / 32, gz = outer;
  if (gx > REORDER_GRID_X) gx = REORDER_GRID_X;
  if (gy > REORDER_GRID_YZ) gy = REORDER_GRID_YZ;
  if (gz > REORDER_GRID_YZ) gz = REORDER_GRID_YZ;
  cubie_cu_deviceptr dst_ptr = (cubie_cu_deviceptr)(uintptr_t)dst;
  cubie_cu_deviceptr src_ptr = (cubie_cu_deviceptr)(uintptr_t)src;
  long long bytes = (long long)element_size;
  void *params[] = {&dst_ptr, &src_ptr, &outer, &rows, &cols, &bytes};
  CUBIE_CU_CALL(d, d->LaunchKernel(b->reorder, (unsigned)gx, (unsigned)gy, (unsigned)gz, 32, 8, 1,
                                   0, b->copy, params, NULL),
                "launching the reorder of results on the device");
  return CUBIE_OK;
}

static int cuda_copy_to_host(void *impl, void *dst, const void *src, size_t bytes) {
  CUBIE_CALL(cuda_copy_to_host_async(impl, dst, src, bytes));
  return cuda_synchronize_copies(impl);
}

/* Add the oldest pending launch's event time to the total (waiting for
 * that kernel to finish). */
static int collect_oldest(cuda_backend *b) {
  const cubie_cuda_driver *d = b->d;
  int i = b->timing_first;
  CUBIE_CU_CALL(d, d->EventSynchronize(b->kernel_stop[i]), "the CUDA kernel failed");
  float ms = 0.0f;
  CUBIE_CU_CALL(d, d->EventElapsedTime(&ms, b->kernel_start[i], b->kernel_stop[i]),
                "cuEventElapsedTime");
  b->kernel_seconds += (double)ms * 1e-3;
  b->timing_first = (i + 1) % TIMING_SLOTS;
  b->timing_count--;
  return CUBIE_OK;
}

static int cuda_launch(void *impl, const cubie_chunk_args *args) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  CUBIE_CHECK(b->entry && b->block > 0, CUBIE_ERR_INTERNAL, "cuda backend: launch before load");
  if (args->n_runs <= 0) return CUBIE_OK;
  CUBIE_CALL(bind(b));
  if (b->timing_count == TIMING_SLOTS) CUBIE_CALL(collect_oldest(b));
  long long grid = (args->n_runs + b->block - 1) / b->block;
  CUBIE_CHECK(grid <= 0x7fffffffLL, CUBIE_ERR_INTERNAL, "%lld runs in one chunk exceed the grid limit",
              (long long)args->n_runs);
  size_t shared = b->shared_per_run * (size_t)b->block; /* opted in by choose_block */
  /* The argument block is the kernel's only parameter, passed by value: the
   * driver copies it at the launch, so a local copy is enough. */
  cubie_chunk_args copy = *args;
  void *params[] = {&copy};
  int slot = (b->timing_first + b->timing_count) % TIMING_SLOTS;
  CUBIE_CU_CALL(d, d->EventRecord(b->kernel_start[slot], b->compute), "cuEventRecord");
  CUBIE_CU_CALL(d, d->LaunchKernel(b->entry, (unsigned)grid, 1, 1, (unsigned)b->block, 1, 1,
                                   (unsigned)shared, b->compute, params, NULL),
                "launching the CUDA kernel");
  CUBIE_CU_CALL(d, d->EventRecord(b->kernel_stop[slot], b->compute), "cuEventRecord");
  b->timing_count++;
  return CUBIE_OK;
}

static int cuda_synchronize(void *impl) {
  cuda_backend *b = impl;
  CUBIE_CALL(bind(b));
  CUBIE_CU_CALL(b->d, b->d->StreamSynchronize(b->compute), "the CUDA kernel failed");
  while (b->timing_count > 0) CUBIE_CALL(collect_oldest(b));
  return CUBIE_OK;
}

static int cuda_kernel_seconds(void *impl, double *seconds) {
  cuda_backend *b = impl;
  *seconds = b->kernel_seconds;
  return CUBIE_OK;
}

/* Mapped (zero-copy) pinned memory: the blocks' system-scope atomics reach
 * it over the bus while the host reads it, with no copy to schedule on a
 * stream that is busy with the kernel. */
static int cuda_runs_counter(void *impl, cubie_u64 **host, cubie_u64 **device) {
  cuda_backend *b = impl;
  const cubie_cuda_driver *d = b->d;
  if (!b->runs_done_host) {
    CUBIE_CALL(bind(b));
    void *p = NULL;
    CUBIE_CU_CALL(d, d->MemHostAlloc(&p, sizeof(cubie_u64), CUBIE_CU_MEMHOSTALLOC_DEVICEMAP |
                                                               CUBIE_CU_MEMHOSTALLOC_PORTABLE),
                  "cuMemHostAlloc (the progress counter)");
    b->runs_done_host = (cubie_u64 *)p;
    *b->runs_done_host = 0;
    cubie_cu_deviceptr dp = 0;
    CUBIE_CU_CALL(d, d->MemHostGetDevicePointer(&dp, p, 0),
                  "cuMemHostGetDevicePointer (the progress counter)");
    b->runs_done_device = (cubie_u64 *)(uintptr_t)dp;
  }
  *host = b->runs_done_host;
  *device = b->runs_done_device;
  return CUBIE_OK;
}

const cubie_backend_ops cubie_backend_cuda_ops = {
    .name = "cuda",
    .available = cuda_available,
    .create = cuda_create,
    .destroy = cuda_destroy,
    .describe = cuda_describe,
    .source_epilogue = cuda_source_epilogue,
    .compile = cuda_compile,
    .load = cuda_load,
    .memory_budget = cuda_memory_budget,
    .alloc = cuda_alloc,
    .release = cuda_release,
    .copy_to_device = cuda_copy_to_device,
    .copy_to_host = cuda_copy_to_host,
    .copy_to_host_async = cuda_copy_to_host_async,
    .synchronize_copies = cuda_synchronize_copies,
    .reorder_async = cuda_reorder_async,
    .launch = cuda_launch,
    .synchronize = cuda_synchronize,
    .kernel_seconds = cuda_kernel_seconds,
    .runs_counter = cuda_runs_counter,
    .run_fastest = true,
    .host_is_device = false,
    .device_count = cubie_cuda_device_count,
    .visible_devices_variable = "CUDA_VISIBLE_DEVICES",
    .list_devices = cuda_list_devices,
    .auto_taken = "a CUDA device is available",
    .auto_missing = "no CUDA device",
};
