/* backend.h — one interface, several ways to run the same kernels.
 *
 * A backend turns a kernel translation unit into something it can launch
 * (host cc → shared object for `cpu`; NVRTC → cubin for `cuda`), owns the
 * memory the kernels read and write, and launches one chunk at a time. The
 * implementations plug in through an operations table (as SUNDIALS'
 * N_Vector ops) and are registered from one list, backends.def, with a
 * priority for `auto` (as libCEED registers its resources). Nothing outside
 * src/backends/ asks which backend it has or names its hardware: it asks
 * the table what it needs (layout preference, memory budget, how many
 * devices, which environment variable lists them).
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
#include "util/strbuf.h"

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
  const char *name; /* its name in backends.def */
  /* Usable on this machine? Says why either way in `why` (no error raised).
   * NULL only in a weak stand-in: this build lacks the backend. */
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
  /* Reorder a block of results on the device, on the copy stream:
   * [outer][rows][cols] at `src` -> [outer][cols][rows] at `dst` (device
   * memory, elements of `element_size` bytes, the kernel's precision), so
   * that one contiguous copy_to_host_async after it brings the file's
   * layout home. The caller has synchronized the kernel that wrote `src`;
   * it overlaps kernels launched after it. NULL: no device reorder (the
   * host reorders after the copy). */
  int (*reorder_async)(void *impl, void *dst, const void *src, long long outer, long long rows,
                       long long cols, size_t element_size);
  int (*launch)(void *impl, const cubie_chunk_args *args);
  int (*synchronize)(void *impl);
  /* Seconds spent in kernels since create (device events on cuda, wall
   * time of the entry point on cpu); complete after synchronize. */
  int (*kernel_seconds)(void *impl, double *seconds);
  /* The progress counter kernels add their finished runs to (set
   * args->runs_done = *device to use it): `*host` is the same counter as
   * the host reads it while a launch runs (cubie_u64 loads are atomic:
   * read it with __atomic_load_n). It starts at 0, only grows, and lives
   * as long as the backend (mapped pinned memory on cuda). NULL op: no
   * counter; progress then moves only between launches. */
  int (*runs_counter)(void *impl, cubie_u64 **host, cubie_u64 **device);
  /* true: arrays are laid out run-fastest (GPU coalescing); false:
   * variable-/time-fastest per run (CPU cache lines). */
  bool run_fastest;
  /* true: "device" memory is host memory (no copies needed). */
  bool host_is_device;

  /* Devices. A backend without devices (the kernels run on the host) leaves
   * these NULL: its ranks bind to no device and share the host's memory. */
  /* How many devices this process sees; 0 with the reason in `why`. Never
   * raises. */
  int (*device_count)(char *why, size_t why_size);
  /* The environment variable that lists the devices a process may use
   * (comma-separated, in ordinal order). A rank's entry of it names its
   * physical device: ranks of a node with the same entry share one device
   * and its memory (mpi/binding.h). Recorded per rank in the output file. */
  const char *visible_devices_variable;
  /* Lines about the devices for `cubie info` (driver, one line per device),
   * whenever any is seen, even if the backend is unusable for another
   * reason; nothing otherwise. */
  int (*list_devices)(cubie_strbuf *out);

  /* How `auto` explains itself: why it takes this backend ("a CUDA device
   * is available"), and what it lacked when it passes it over ("no CUDA
   * device", followed by the reason from `available`). NULL: the name. */
  const char *auto_taken;
  const char *auto_missing;
} cubie_backend_ops;

struct cubie_backend {
  const cubie_backend_ops *ops;
  void *impl;
  char description[256];
};

/* Every backend's table (backends.def): defined in its folder, or by the
 * weak stand-in in backend_weak.c when the build lacks the folder. */
#define CUBIE_BACKEND(ID, name, ops, priority, description) extern const cubie_backend_ops ops;
#include "backends/backends.def"
#undef CUBIE_BACKEND

/* One line of backends.def. */
typedef struct cubie_backend_entry {
  cubie_backend_kind kind;
  const char *name;
  const cubie_backend_ops *ops;
  int priority;
  const char *description;
} cubie_backend_entry;

/* The registry, in the list's order (kind CUBIE_BACKEND_AUTO + 1 + i). */
int cubie_backend_count(void);
const cubie_backend_entry *cubie_backend_entry_at(int i);
/* The entry of a kind / of a table / of a priority; NULL if none. */
const cubie_backend_entry *cubie_backend_entry_of_kind(cubie_backend_kind kind);
const cubie_backend_entry *cubie_backend_entry_of(const cubie_backend_ops *ops);
const cubie_backend_entry *cubie_backend_entry_with_priority(int priority);

/* A deck / command-line name ("auto" or a backend's) to its kind;
 * CUBIE_ERR_INPUT naming the choices otherwise. */
int cubie_backend_kind_parse(const char *name, cubie_backend_kind *kind);
/* "cpu, cuda or auto": every name `kind_parse` takes. */
void cubie_backend_kind_names(char *text, size_t size);

/* Usable here? Says why either way; a backend this build lacks is not. */
bool cubie_backend_usable(const cubie_backend_entry *e, char *why, size_t why_size);
/* Devices `ops` sees (0 for a backend without devices), as device_count. */
int cubie_backend_device_count(const cubie_backend_ops *ops, char *why, size_t why_size);
/* `cubie info`'s device lines of `e` (nothing for a backend without devices). */
int cubie_backend_list_devices(const cubie_backend_entry *e, cubie_strbuf *out);

/* Pick the backend the deck / command line asks for, and say why in `why`
 * ("cuda (requested)"). `auto` takes the usable backend of highest
 * priority and names what each one above it lacked ("cpu (auto: no CUDA
 * device: <reason>)"). A requested backend that is not usable is
 * CUBIE_ERR_INPUT (exit 2) with the reason. */
int cubie_backend_select(cubie_backend_kind kind, const cubie_backend_ops **ops, char *why,
                         size_t why_size);
/* When ranks chose differently (`auto` on unlike nodes), every rank takes
 * the backend of the `least` priority any rank chose, if it is usable here;
 * `most` is the highest priority chosen (named in `why`). */
int cubie_backend_select_common(int least, int most, const cubie_backend_ops **ops, char *why,
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
