/* fake_cuda.c — a stand-in libcuda.so.1 for testing the CUDA backend's
 * host logic on machines without a GPU (CUBIE_CUDA_LIBRARY=path/to/this).
 *
 * "Device" memory is host memory, copies are memcpy, a launch only records
 * its configuration and argument block (nothing executes). Controlled by the
 * environment: FAKE_CUDA_DEVICES (default 1; 0 makes cuInit fail with
 * CUDA_ERROR_NO_DEVICE), FAKE_CUDA_SHARED_BYTES (what the module reports as
 * shared memory per run), FAKE_CUDA_FAIL_LAUNCH=1 (the launch fails),
 * FAKE_CUDA_FILL=1 (a launch writes results derived from each run's inputs
 * through the argument block's pointers and strides, so a test can check
 * the host path's copies and reordering in the file; float64 decks only;
 * FAKE_N_OUTPUTS / FAKE_N_METRICS / FAKE_N_STATES give the deck's counts;
 * inputs are decoded from the argument block's grid description with the
 * kernels' own decoder, kernels/grid_decode.h, as a kernel does).
 * FAKE_CUDA_CPU_KERNEL=path runs the real kernel instead: the CPU
 * backend's compiled kernel of the same deck (a cpu-<key>.so of the JIT
 * cache), called with the argument block the CUDA path built — its
 * run-fastest strides, its grid description — on the stand-in "device"
 * memory, so a file written through the whole CUDA host path can be
 * compared with the CPU backend's byte for byte. A launch of
 * cubie_cuda_reorder is carried out on the host from its arguments.
 * FAKE_CUDA_LOG=path appends one line per stream operation (launches,
 * copies with their stream and whether the host side is pinned, stream
 * synchronizations), so a test can check the order of copies and launches.
 * A launch with a progress counter adds its runs to it, as the blocks of a
 * real grid do.
 * fake_cuda_* functions let a test read what the backend did.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/chunk_args.h"
#include "kernels/status.h"

typedef int CUresult;
typedef size_t (*block_to_smem)(int);

#define OK 0
#define ERR_INVALID_VALUE 1
#define ERR_NO_DEVICE 100
#define ERR_INVALID_DEVICE 101
#define ERR_NOT_FOUND 500
#define ERR_LAUNCH_FAILED 719

#define FAKE_SHARED_OPTIN 232448 /* an H100's opt-in shared memory per block */

static int fake_context, fake_module, fake_function, fake_reorder, fake_streams[2], fake_event;
static int streams_created;
/* Pinned allocations, to tell a copy into pinned memory from one into pageable memory. */
#define MAX_PINNED 256
static struct {
  char *p;
  size_t n;
} pinned[MAX_PINNED];
static long long shared_bytes;
static struct {
  unsigned grid, block, smem;
  int launches;
  cubie_chunk_args args;
  int max_dynamic_shared;
  int pinned_allocs, device_allocs, frees;
} rec;

static int env_int(const char *name, int fallback) {
  const char *v = getenv(name);
  return (v && *v) ? atoi(v) : fallback;
}

static const char *stream_name(void *s) {
  return s == &fake_streams[0] ? "compute" : s == &fake_streams[1] ? "copy" : "?";
}

static int is_pinned(const void *p) {
  for (int i = 0; i < MAX_PINNED; i++)
    if (pinned[i].p && (const char *)p >= pinned[i].p && (const char *)p < pinned[i].p + pinned[i].n)
      return 1;
  return 0;
}

/* One line per stream operation into $FAKE_CUDA_LOG. */
static void log_op(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_op(const char *fmt, ...) {
  const char *path = getenv("FAKE_CUDA_LOG");
  if (!path || !*path) return;
  FILE *f = fopen(path, "a");
  if (!f) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fclose(f);
}

/* Accessors for the tests. */
int fake_cuda_launches(void) { return rec.launches; }
void fake_cuda_last_launch(unsigned *grid, unsigned *block, unsigned *smem, cubie_chunk_args *args) {
  *grid = rec.grid;
  *block = rec.block;
  *smem = rec.smem;
  *args = rec.args;
}
int fake_cuda_max_dynamic_shared(void) { return rec.max_dynamic_shared; }
int fake_cuda_allocations(void) { return rec.device_allocs + rec.pinned_allocs - rec.frees; }

CUresult cuInit(unsigned flags) {
  (void)flags;
  return env_int("FAKE_CUDA_DEVICES", 1) > 0 ? OK : ERR_NO_DEVICE;
}
CUresult cuDriverGetVersion(int *v) {
  *v = 13000;
  return OK;
}
CUresult cuGetErrorName(CUresult r, const char **name) {
  switch (r) {
    case OK: *name = "CUDA_SUCCESS"; return OK;
    case ERR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; return OK;
    case ERR_NO_DEVICE: *name = "CUDA_ERROR_NO_DEVICE"; return OK;
    case ERR_INVALID_DEVICE: *name = "CUDA_ERROR_INVALID_DEVICE"; return OK;
    case ERR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; return OK;
    case ERR_LAUNCH_FAILED: *name = "CUDA_ERROR_LAUNCH_FAILED"; return OK;
  }
  *name = NULL;
  return ERR_INVALID_VALUE;
}
CUresult cuGetErrorString(CUresult r, const char **text) {
  switch (r) {
    case ERR_NO_DEVICE: *text = "no CUDA-capable device is detected"; return OK;
    case ERR_LAUNCH_FAILED: *text = "unspecified launch failure"; return OK;
    default: *text = "fake error"; return OK;
  }
}
CUresult cuDeviceGetCount(int *n) {
  *n = env_int("FAKE_CUDA_DEVICES", 1);
  return OK;
}
CUresult cuDeviceGet(int *dev, int ordinal) {
  if (ordinal < 0 || ordinal >= env_int("FAKE_CUDA_DEVICES", 1)) return ERR_INVALID_DEVICE;
  *dev = ordinal;
  return OK;
}
CUresult cuDeviceGetName(char *name, int len, int dev) {
  snprintf(name, (size_t)len, "Fake GPU %d", dev);
  return OK;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int dev) {
  (void)dev;
  switch (attribute) {
    case 1: *value = 1024; return OK;                 /* max threads per block */
    case 8: *value = 49152; return OK;                /* shared per block */
    case 16: *value = 132; return OK;                 /* SMs */
    case 75: *value = 9; return OK;                   /* compute capability */
    case 76: *value = 0; return OK;
    case 97: *value = FAKE_SHARED_OPTIN; return OK;   /* opt-in shared per block */
  }
  return ERR_INVALID_VALUE;
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int dev) {
  (void)dev;
  *bytes = (size_t)85e9; /* 79.2 GiB */
  return OK;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int dev) {
  (void)dev;
  *ctx = &fake_context;
  return OK;
}
CUresult cuDevicePrimaryCtxRelease_v2(int dev) {
  (void)dev;
  return OK;
}
CUresult cuCtxSetCurrent(void *ctx) { return ctx == &fake_context ? OK : ERR_INVALID_VALUE; }
CUresult cuCtxSynchronize(void) { return OK; }
/* The backend creates its compute stream first, then its copy stream. */
CUresult cuStreamCreate(void **s, unsigned flags) {
  (void)flags;
  *s = &fake_streams[streams_created++ % 2];
  return OK;
}
CUresult cuStreamDestroy_v2(void *s) {
  (void)s;
  return OK;
}
CUresult cuStreamSynchronize(void *s) {
  log_op("sync %s", stream_name(s));
  return OK;
}
CUresult cuStreamWaitEvent(void *s, void *e, unsigned flags) {
  (void)s;
  (void)e;
  (void)flags;
  return OK;
}
CUresult cuEventCreate(void **e, unsigned flags) {
  (void)flags;
  *e = &fake_event;
  return OK;
}
CUresult cuEventDestroy_v2(void *e) {
  (void)e;
  return OK;
}
CUresult cuEventRecord(void *e, void *s) {
  (void)e;
  (void)s;
  return OK;
}
CUresult cuEventSynchronize(void *e) {
  (void)e;
  return env_int("FAKE_CUDA_FAIL_LAUNCH", 0) ? ERR_LAUNCH_FAILED : OK;
}
CUresult cuEventElapsedTime_v2(float *ms, void *a, void *b) {
  (void)a;
  (void)b;
  *ms = 1.5f; /* every kernel takes 1.5 ms */
  return OK;
}
CUresult cuModuleLoadData(void **m, const void *image) {
  if (!image) return ERR_INVALID_VALUE;
  *m = &fake_module;
  shared_bytes = env_int("FAKE_CUDA_SHARED_BYTES", 0);
  return OK;
}
CUresult cuModuleUnload(void *m) {
  (void)m;
  return OK;
}
CUresult cuModuleGetFunction(void **fn, void *m, const char *name) {
  (void)m;
  if (strcmp(name, "cubie_cuda_run_chunk") == 0) *fn = &fake_function;
  else if (strcmp(name, "cubie_cuda_reorder") == 0) *fn = &fake_reorder;
  else return ERR_NOT_FOUND;
  return OK;
}
CUresult cuModuleGetGlobal_v2(unsigned long long *ptr, size_t *bytes, void *m, const char *name) {
  (void)m;
  if (strcmp(name, "cubie_cuda_shared_bytes_per_run") != 0) return ERR_NOT_FOUND;
  *ptr = (unsigned long long)(size_t)&shared_bytes;
  *bytes = sizeof shared_bytes;
  return OK;
}
CUresult cuFuncGetAttribute(int *value, int attribute, void *fn) {
  (void)fn;
  /* No static shared memory; 32 registers; the kernel allows blocks of
   * FAKE_CUDA_KERNEL_MAX_THREADS (its launch bound; default the device's 1024). */
  *value = attribute == 0 ? env_int("FAKE_CUDA_KERNEL_MAX_THREADS", 1024) : attribute == 1 ? 0 : 32;
  return OK;
}
CUresult cuFuncSetAttribute(void *fn, int attribute, int value) {
  (void)fn;
  if (attribute != 8 || value > FAKE_SHARED_OPTIN) return ERR_INVALID_VALUE;
  rec.max_dynamic_shared = value;
  return OK;
}
/* The largest multiple of 32 up to 256 (and `limit`) whose shared memory
 * fits in what the kernel is allowed; like the real one it consults the
 * callback. */
CUresult cuOccupancyMaxPotentialBlockSize(int *min_grid, int *block, void *fn, block_to_smem cb,
                                          size_t smem, int limit) {
  (void)fn;
  int allowed = rec.max_dynamic_shared > 49152 ? rec.max_dynamic_shared : 49152;
  *block = 0;
  for (int b = 32; b <= 256 && b <= limit; b += 32) {
    size_t need = cb ? cb(b) : smem;
    if (need <= (size_t)allowed) *block = b;
  }
  *min_grid = 132;
  return *block ? OK : ERR_INVALID_VALUE;
}
/* FAKE_CUDA_FILL: what a run "computes" is a function of its inputs only
 * (so of which run it is, not of where it sits in a chunk): with key =
 * 1000 × parameter 1 + state 0's initial value, output v at save point j is
 * key + 10 v + j / 1000, summary pair q (output × metric) of window s is
 * key - q - s / 2, status is 1 (success) and counter c is (unsigned)key + c.
 * tests/cuda/check_host_path.py checks exactly this in the file. */
static void fill(const cubie_chunk_args *a) {
  int n_out = env_int("FAKE_N_OUTPUTS", 1), n_met = env_int("FAKE_N_METRICS", 0);
  int n_states = env_int("FAKE_N_STATES", 3);
  const double *p = (const double *)a->parameters, *y0 = (const double *)a->initial_values;
  double *saves = (double *)a->saves, *sums = (double *)a->summaries;
  const cubie_grid_desc *g = &a->grid;
  for (long long r = 0; r < a->n_runs; r++) {
    double key;
    if (g->n_axes >= 0) { /* the kernel decodes its run, with the kernels' decoder */
      const cubie_i64 run = g->first_run + r;
      key = cubie_grid_input(g->axes, g->n_axes, g->table, n_states + 1, run) * 1000.0 +
            cubie_grid_input(g->axes, g->n_axes, g->table, 0, run);
      for (int x = 0; a->swept && x < g->n_axes; x++)
        a->swept[x * a->swept_axis_stride + r] = cubie_grid_axis_run_value(&g->axes[x], g->table, run);
    } else {
      key = p[r * a->in_run_stride + a->in_var_stride] * 1000.0 + y0[r * a->in_run_stride];
    }
    for (int v = 0; v < n_out; v++)
      for (long long j = a->window_start; j < a->window_end; j++)
        saves[v * a->save_var_stride + r * a->save_run_stride +
              (j - a->window_start) * a->save_time_stride] = key + v * 10.0 + (double)j * 1e-3;
    for (int q = 0; sums && q < n_out * n_met; q++)
      for (long long s = a->summary_start; s < a->summary_end; s++)
        sums[q * a->sum_var_stride + r * a->sum_run_stride +
             (s - a->summary_start) * a->sum_time_stride] = key - q - 0.5 * (double)s;
    a->status[r] = 1;
    for (int c = 0; c < CUBIE_N_COUNTERS; c++)
      a->counters[c * a->counter_slot_stride + r * a->counter_run_stride] = (unsigned)key + (unsigned)c;
  }
}

/* kernels/entry_cuda.h's cubie_cuda_reorder, on the host:
 * [outer][rows][cols] -> [outer][cols][rows]. */
static CUresult reorder(void **params) {
  char *dst = (char *)(uintptr_t)*(unsigned long long *)params[0];
  const char *src = (const char *)(uintptr_t)*(unsigned long long *)params[1];
  long long outer = *(long long *)params[2], rows = *(long long *)params[3],
            cols = *(long long *)params[4], es = *(long long *)params[5];
  if (es != 4 && es != 8) return ERR_INVALID_VALUE;
  for (long long o = 0; o < outer; o++)
    for (long long i = 0; i < rows; i++)
      for (long long j = 0; j < cols; j++)
        memcpy(dst + ((o * rows * cols) + j * rows + i) * es,
               src + ((o * rows * cols) + i * cols + j) * es, (size_t)es);
  return OK;
}

/* FAKE_CUDA_CPU_KERNEL: the CPU build of the same kernel, on this argument block. */
static CUresult run_cpu_kernel(const cubie_chunk_args *a, unsigned block) {
  static int (*entry)(const cubie_chunk_args *, int, int);
  if (!entry) {
    void *lib = dlopen(getenv("FAKE_CUDA_CPU_KERNEL"), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      fprintf(stderr, "fake_cuda: %s\n", dlerror());
      return ERR_LAUNCH_FAILED;
    }
    *(void **)&entry = dlsym(lib, "cubie_cpu_run_chunk");
    if (!entry) return ERR_NOT_FOUND;
  }
  return entry(a, 1, (int)block) == 0 ? OK : ERR_LAUNCH_FAILED;
}

CUresult cuLaunchKernel(void *fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned smem, void *stream, void **params, void **extra) {
  (void)extra;
  if (!params) return ERR_INVALID_VALUE;
  if (fn == &fake_reorder) {
    if (bx * by * bz > 1024) return ERR_INVALID_VALUE;
    log_op("launch reorder %s outer=%lld rows=%lld cols=%lld", stream_name(stream),
           *(long long *)params[2], *(long long *)params[3], *(long long *)params[4]);
    return reorder(params);
  }
  if (gy != 1 || gz != 1 || by != 1 || bz != 1) return ERR_INVALID_VALUE;
  if (smem > 49152 && (int)smem > rec.max_dynamic_shared) return ERR_INVALID_VALUE;
  rec.grid = gx;
  rec.block = bx;
  rec.smem = smem;
  memcpy(&rec.args, params[0], sizeof rec.args);
  rec.launches++;
  log_op("launch run_chunk %s runs=%lld window=%lld..%lld saves=%p", stream_name(stream),
         (long long)rec.args.n_runs, (long long)rec.args.window_start,
         (long long)rec.args.window_end, rec.args.saves);
  const char *cpu = getenv("FAKE_CUDA_CPU_KERNEL");
  if (cpu && *cpu) return run_cpu_kernel(&rec.args, bx);
  if (env_int("FAKE_CUDA_FILL", 0)) fill(&rec.args);
  /* As the blocks of a real grid do when they finish. */
  if (rec.args.runs_done) __atomic_fetch_add(rec.args.runs_done, (cubie_u64)rec.args.n_runs, __ATOMIC_RELAXED);
  return OK;
}
CUresult cuMemAlloc_v2(unsigned long long *p, size_t bytes) {
  if (bytes == 0) return ERR_INVALID_VALUE; /* as the real driver */
  void *m = malloc(bytes);
  *p = (unsigned long long)(size_t)m;
  rec.device_allocs++;
  return m ? OK : 2;
}
CUresult cuMemFree_v2(unsigned long long p) {
  free((void *)(size_t)p);
  rec.frees++;
  return OK;
}
CUresult cuMemAllocHost_v2(void **p, size_t bytes) {
  if (bytes == 0) return ERR_INVALID_VALUE;
  *p = malloc(bytes);
  rec.pinned_allocs++;
  for (int i = 0; *p && i < MAX_PINNED; i++)
    if (!pinned[i].p) {
      pinned[i].p = *p;
      pinned[i].n = bytes;
      break;
    }
  return *p ? OK : 2;
}
CUresult cuMemFreeHost(void *p) {
  for (int i = 0; i < MAX_PINNED; i++)
    if (pinned[i].p == p) pinned[i].p = NULL;
  free(p);
  rec.frees++;
  return OK;
}
/* Mapped pinned memory: host and "device" pointers are one address (as
 * with unified addressing). */
CUresult cuMemHostAlloc(void **p, size_t bytes, unsigned flags) {
  if (bytes == 0 || !(flags & 0x2)) return ERR_INVALID_VALUE;
  *p = malloc(bytes);
  rec.pinned_allocs++;
  return *p ? OK : 2;
}
CUresult cuMemHostGetDevicePointer_v2(unsigned long long *d, void *p, unsigned flags) {
  if (flags != 0 || !p) return ERR_INVALID_VALUE;
  *d = (unsigned long long)(size_t)p;
  return OK;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src, size_t n, void *s) {
  log_op("htod %s bytes=%zu pinned=%d", stream_name(s), n, is_pinned(src));
  memcpy((void *)(size_t)dst, src, n);
  return OK;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t n, void *s) {
  log_op("dtoh %s bytes=%zu pinned=%d dst=%p src=%p", stream_name(s), n, is_pinned(dst), dst,
         (void *)(size_t)src);
  memcpy(dst, (const void *)(size_t)src, n);
  return OK;
}
CUresult cuMemcpyDtoH_v2(void *dst, unsigned long long src, size_t n) {
  memcpy(dst, (const void *)(size_t)src, n);
  return OK;
}
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
  *free_bytes = (size_t)10 << 30;
  *total = (size_t)80 << 30;
  return OK;
}
