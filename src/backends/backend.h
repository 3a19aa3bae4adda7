/* backend.h — one interface, several ways to run the same kernels.
 *
 * A backend turns a kernel translation unit into something it can launch
 * (host cc → shared object for `cpu`; NVRTC → cubin for `cuda`), owns the
 * memory the kernels read and write, and launches one chunk at a time. The
 * implementations plug in through an operations table (as SUNDIALS'
 * N_Vector ops); nothing outside src/backend*.c asks which backend it has,
 * it asks the backend what it needs (layout preference, memory budget).
 *
 * Compiling and loading are separate so that one rank compiles and every
 * rank loads the broadcast binary (design.md §9).
 */
#ifndef CUBIE_BACKEND_H
#define CUBIE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/config.h"
#include "kernels/chunk_args.h"

typedef enum cubie_memory_kind {
  CUBIE_MEMORY_DEVICE = 0, /* where kernels read and write (host memory on cpu) */
  CUBIE_MEMORY_PINNED,     /* page-locked host memory for asynchronous copies */
  CUBIE_MEMORY_HOST        /* ordinary host memory */
} cubie_memory_kind;

/* A compiled kernel: the bytes other ranks receive, and the cache key. */
typedef struct cubie_binary {
  unsigned char *data;
  size_t size;
  char key[65];        /* SHA-256 of everything the binary depends on */
  bool from_cache;     /* true when no compiler ran */
} cubie_binary;

typedef struct cubie_backend_options {
  const char *cache_dir; /* resolved cache directory (never NULL) */
  int threads;           /* cpu: OpenMP threads (0 = all) */
  int device;            /* cuda: device ordinal */
  int block_size;        /* runs per block; 0 = backend default */
} cubie_backend_options;

typedef struct cubie_backend cubie_backend;

typedef struct cubie_backend_ops {
  const char *name; /* "cpu" or "cuda" */
  /* Usable on this machine? If not, explain why in `why` (no error raised). */
  bool (*available)(char *why, size_t why_size);
  int (*create)(const cubie_backend_options *opts, void **impl);
  void (*destroy)(void *impl);
  /* One line about the hardware ("cpu: 16 threads, AMD EPYC ..."). */
  void (*describe)(void *impl, char *text, size_t size);
  /* What the translation unit must end with (entry point, JIT-pass define). */
  const char *(*source_epilogue)(void *impl);
  /* Compile `source` (or take it from the cache); fills `bin`. */
  int (*compile)(void *impl, const char *source, cubie_binary *bin);
  int (*load)(void *impl, const cubie_binary *bin);
  /* Bytes this backend may use for chunk arrays (before any user limit). */
  int (*memory_budget)(void *impl, size_t *bytes);
  int (*alloc)(void *impl, cubie_memory_kind kind, size_t bytes, void **ptr);
  void (*release)(void *impl, cubie_memory_kind kind, void *ptr);
  /* Host → device; ordered before every later launch. `src` must not
   * change before the next synchronize or synchronize_copies. */
  int (*copy_to_device)(void *impl, void *dst, const void *src, size_t bytes);
  /* Device → host, complete on return. */
  int (*copy_to_host)(void *impl, void *dst, const void *src, size_t bytes);
  /* Device → host on the backend's copy stream: it overlaps kernels launched
   * after it. The caller has synchronized the kernel that wrote `src`, and
   * reads `dst` only after synchronize_copies. */
  int (*copy_to_host_async)(void *impl, void *dst, const void *src, size_t bytes);
  int (*synchronize_copies)(void *impl);
  int (*launch)(void *impl, const cubie_chunk_args *args);
  int (*synchronize)(void *impl);
  /* Seconds spent in kernels since create (device events on cuda, wall
   * time of the entry point on cpu); complete after synchronize. */
  int (*kernel_seconds)(void *impl, double *seconds);
  /* true: arrays are laid out run-fastest (GPU coalescing); false:
   * variable-/time-fastest per run (CPU cache lines). */
  bool run_fastest;
  /* true: "device" memory is host memory (no copies needed). */
  bool host_is_device;
} cubie_backend_ops;

struct cubie_backend {
  const cubie_backend_ops *ops;
  void *impl;
  char description[256];
};

extern const cubie_backend_ops cubie_backend_cpu_ops;
extern const cubie_backend_ops cubie_backend_cuda_ops;

/* Pick the backend the deck / command line asks for. `auto` takes cuda when
 * it is available and cpu otherwise, and says why in `why`. `cuda` without a
 * usable device is CUBIE_ERR_INPUT (exit 2) with the reason. */
int cubie_backend_select(cubie_backend_kind kind, const cubie_backend_ops **ops, char *why,
                         size_t why_size);
int cubie_backend_create(const cubie_backend_ops *ops, const cubie_backend_options *opts,
                         cubie_backend **out);
void cubie_backend_destroy(cubie_backend **b);
/* Create `ops` with the deck's run settings (cache directory, threads, block
 * size) on device `device`: the one way the runner and `cubie check` open a
 * backend. */
int cubie_backend_open(const cubie_backend_ops *ops, const cubie_run_config *run, int device,
                       cubie_backend **out);

void cubie_binary_free(cubie_binary *bin);

/* Resolve the JIT cache directory: deck run.cache_dir, $CUBIE_CACHE_DIR,
 * $XDG_CACHE_HOME/cubie, ~/.cache/cubie; created if missing. */
int cubie_cache_dir_resolve(const char *configured, char *dir, size_t size);

#endif
