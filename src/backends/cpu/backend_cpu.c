/* backend_cpu.c — the CPU backend: the kernel text compiled by the host C
 * compiler into a shared object, cached on disk by content hash, loaded with
 * dlopen, runs spread over OpenMP threads (kernels/entry_cpu.h).
 *
 * Kernel "device" memory is host memory, so the runner never copies. A
 * compiler failure reports the compiler's own message and keeps the
 * generated source for inspection.
 */
#define _GNU_SOURCE /* sched_getaffinity: the cores this process may use */
#include <dlfcn.h>
#include <sched.h>
#include <sys/mman.h> /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/cpu/compiler_process.h"
#include "backends/kernel_cache.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/sha256.h"

typedef int (*cpu_entry_fn)(const cubie_chunk_args *args, int n_threads, int block_size);

/* More OpenMP threads than this many per usable core only cost memory
 * (libgomp gives each a stack: 100000 of them overflowed it) and time. */
#define CPU_MAX_THREADS_PER_CORE 4

typedef struct cpu_backend {
  char cache_dir[4096];
  int threads;
  int threads_asked; /* when threads was capped: what was asked for; else 0 */
  double compile_timeout;
  int (*interrupted)(void);
  int block_size;
  void *handle;
  cpu_entry_fn entry;
  double kernel_seconds;
  cubie_u64 runs_done; /* the progress counter: the kernel's threads add to it */
} cpu_backend;

/* Flags every kernel is compiled with; CUBIE_CFLAGS appends (e.g.
 * -march=native on a homogeneous cluster). */
static const char *const base_flags[] = {"-std=c99", "-O3", "-fPIC", "-shared", "-fopenmp",
                                         "-fno-math-errno", NULL};

static const char *jit_compiler(void) {
  const char *cc = getenv("CUBIE_CC");
  return (cc && *cc) ? cc : CUBIE_JIT_CC;
}

/* Always usable: the compiler is only looked for when a kernel is built
 * (a missing one is a compile error that names it). */
static bool cpu_available(char *why, size_t why_size) {
  snprintf(why, why_size, "host C compiler: %s", jit_compiler());
  return true;
}

/* Cores this process may run on (its affinity mask), at least 1. */
static int usable_cores(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (int)online : 1;
}

static int cpu_create(const cubie_backend_options *opts, void **impl) {
  cpu_backend *b = calloc(1, sizeof *b);
  CUBIE_CHECK(b, CUBIE_ERR_MEMORY, "out of memory creating the cpu backend");
  snprintf(b->cache_dir, sizeof b->cache_dir, "%s", opts->cache_dir);
  b->threads = opts->threads;
  int cores = usable_cores();
  if (b->threads > CPU_MAX_THREADS_PER_CORE * cores) {
    b->threads_asked = b->threads;
    b->threads = CPU_MAX_THREADS_PER_CORE * cores;
  }
  b->block_size = opts->block_size > 0 ? opts->block_size : 32;
  b->compile_timeout = opts->compile_timeout;
  b->interrupted = opts->interrupted;
  *impl = b;
  return CUBIE_OK;
}

static void cpu_destroy(void *impl) {
  cpu_backend *b = impl;
  if (!b) return;
  if (b->handle) dlclose(b->handle); /* a no-op for the mapping (RTLD_NODELETE) */
  free(b);
}

static void cpu_describe(void *impl, char *text, size_t size) {
  cpu_backend *b = impl;
  char model[160] = "unknown cpu";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0) {
        char *colon = strchr(line, ':');
        if (colon) {
          snprintf(model, sizeof model, "%s", colon + 2);
          model[strcspn(model, "\n")] = '\0';
        }
        break;
      }
    }
    fclose(f);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (b->threads_asked > 0)
    snprintf(text, size, "cpu: %d OpenMP threads (%d asked for: at most %d per core) on %s",
             b->threads, b->threads_asked, CPU_MAX_THREADS_PER_CORE, model);
  else if (b->threads > 0)
    snprintf(text, size, "cpu: %d OpenMP threads on %s", b->threads, model);
  else
    snprintf(text, size, "cpu: %ld cores, OpenMP default threads, %s", cores, model);
}

static void cpu_notice(void *impl, char *text, size_t size) {
  cpu_backend *b = impl;
  text[0] = '\0';
  if (b->threads_asked > 0)
    snprintf(text, size,
             "%d OpenMP threads were asked for (--threads / run.threads); using %d, %d per core "
             "this process may use",
             b->threads_asked, b->threads, CPU_MAX_THREADS_PER_CORE);
}

static const char *cpu_source_epilogue(void *impl) {
  (void)impl;
  return "#include \"entry_cpu.h\"\n";
}

static void cpu_cache_key(const char *source, char key[65]) {
  cubie_sha256 h;
  cubie_sha256_init(&h);
  const char *parts[] = {"cubie-cpu ", CUBIE_VERSION, " ", jit_compiler(), NULL};
  for (int i = 0; parts[i]; i++) cubie_sha256_update(&h, parts[i], strlen(parts[i]));
  for (int i = 0; base_flags[i]; i++) cubie_sha256_update(&h, base_flags[i], strlen(base_flags[i]));
  const char *extra = getenv("CUBIE_CFLAGS");
  if (extra) cubie_sha256_update(&h, extra, strlen(extra));
  cubie_sha256_update(&h, "\n", 1);
  cubie_sha256_update(&h, source, strlen(source));
  cubie_sha256_hex(&h, key);
}

/* Split $CUBIE_CFLAGS on blanks into argv slots. */
static int append_extra_flags(char *copy, char **argv, int argc, int max) {
  for (char *tok = strtok(copy, " \t"); tok && argc < max - 1; tok = strtok(NULL, " \t"))
    argv[argc++] = tok;
  return argc;
}

/* Compile build_dir/kernel.c into build_dir/kernel.so under the leash of
 * compiler_process.h; a compiler that fails, runs out of time or is
 * stopped becomes the error the user sees. */
static int run_compiler(cpu_backend *b, const cubie_kernel_cache *cache, const char *key,
                        const char *build_dir) {
  char src_path[4300], so_path[4300], log_path[4300];
  snprintf(src_path, sizeof src_path, "%s/kernel.c", build_dir);
  snprintf(so_path, sizeof so_path, "%s/kernel.so", build_dir);
  snprintf(log_path, sizeof log_path, "%s/compiler.log", build_dir);
  const char *argv[64];
  int argc = 0;
  argv[argc++] = jit_compiler();
  for (int i = 0; base_flags[i]; i++) argv[argc++] = base_flags[i];
  char extra_copy[1024] = "";
  const char *extra = getenv("CUBIE_CFLAGS");
  if (extra) {
    snprintf(extra_copy, sizeof extra_copy, "%s", extra);
    argc = append_extra_flags(extra_copy, (char **)argv, argc, 56);
  }
  argv[argc++] = "-o";
  argv[argc++] = so_path;
  argv[argc++] = src_path;
  argv[argc++] = "-lm";
  argv[argc] = NULL;
  cubie_compiler_job job = {.argv = argv, .log_path = log_path, .build_dir = build_dir,
                            .timeout = b->compile_timeout, .interrupted = b->interrupted};
  cubie_compiler_end end;
  int status = 0;
  CUBIE_CALL(cubie_compiler_run(&job, &end, &status));
  if (end == CUBIE_COMPILER_STOPPED)
    return CUBIE_RAISE(CUBIE_ERR_INTERRUPTED,
                       "stopped by a signal while the C compiler built the kernel; the compiler "
                       "was ended and nothing was computed or written");
  if (end == CUBIE_COMPILER_TIMED_OUT)
    return CUBIE_RAISE(CUBIE_ERR_COMPILE,
                       "the C compiler '%s' did not finish the kernel within run.compile_timeout "
                       "(%g s) and was ended; raise run.compile_timeout, or make the model smaller",
                       jit_compiler(), b->compile_timeout);
  if (status == 0) return CUBIE_OK;
  /* Kept for inspection beside the cache's entries. */
  char kept[200];
  snprintf(kept, sizeof kept, "failed-cpu-%s.c", key);
  unsigned char *text = NULL, *log = NULL;
  size_t text_size = 0, log_size = 0;
  if (cubie_file_read(src_path, &text, &text_size) == CUBIE_OK)
    cubie_kernel_cache_keep(cache, kept, text, text_size);
  cubie_error_clear();
  cubie_file_read(log_path, &log, &log_size);
  int rc = CUBIE_RAISE(CUBIE_ERR_COMPILE,
                       "the C compiler '%s' rejected the generated kernel (exit %d); source kept "
                       "at %s/%s\n%.*s",
                       jit_compiler(), status, cache->path, kept,
                       (int)(log_size > 6000 ? 6000 : log_size),
                       log ? (const char *)log : "(no compiler output)");
  free(text);
  free(log);
  return rc;
}

static int cpu_compile(void *impl, const char *source, cubie_binary *bin) {
  cpu_backend *b = impl;
  memset(bin, 0, sizeof *bin);
  cpu_cache_key(source, bin->key);
  char name[100], src_name[100];
  snprintf(name, sizeof name, "cpu-%s.so", bin->key);
  snprintf(src_name, sizeof src_name, "cpu-%s.c", bin->key);
  cubie_kernel_cache cache;
  CUBIE_CALL(cubie_kernel_cache_open(b->cache_dir, &cache));
  /* Only verified bytes are used (kernel_cache.h); anything else is rebuilt. */
  const char *why = NULL;
  int rc = cubie_kernel_cache_get(&cache, name, &bin->data, &bin->size, &why);
  if (!rc && bin->data) {
    bin->from_cache = true;
    cubie_kernel_cache_close(&cache);
    return CUBIE_OK;
  }
  /* Compile in a private build directory, then store the object (and its
   * digest) atomically: concurrent jobs sharing a cache never see half an
   * entry. */
  char build_dir[4200] = "";
  if (!rc) rc = cubie_kernel_cache_build_dir(&cache, build_dir, sizeof build_dir);
  char path[4300];
  snprintf(path, sizeof path, "%s/kernel.c", build_dir);
  if (!rc) rc = cubie_file_write(path, source, strlen(source));
  if (!rc) rc = run_compiler(b, &cache, bin->key, build_dir);
  snprintf(path, sizeof path, "%s/kernel.so", build_dir);
  if (!rc) rc = cubie_file_read(path, &bin->data, &bin->size);
  if (!rc) rc = cubie_kernel_cache_put(&cache, name, bin->data, bin->size);
  if (!rc) cubie_kernel_cache_keep(&cache, src_name, source, strlen(source)); /* for people */
  if (build_dir[0]) cubie_remove_tree(build_dir);
  cubie_kernel_cache_close(&cache);
  if (rc) cubie_binary_free(bin);
  return rc;
}

/* dlopen the kernel from the bytes in hand — the verified ones, on rank 0
 * from the cache or the compiler, elsewhere as broadcast — through an
 * anonymous memory file: no path another process could swap between the
 * check and the load. */
static int cpu_load(void *impl, const cubie_binary *bin) {
  cpu_backend *b = impl;
  int fd = memfd_create("cubie-kernel", MFD_CLOEXEC);
  CUBIE_CHECK(fd >= 0, CUBIE_ERR_BACKEND, "cannot make a memory file for the kernel: %s",
              strerror(errno));
  size_t done = 0;
  while (done < bin->size) {
    ssize_t n = write(fd, bin->data + done, bin->size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      close(fd);
      return CUBIE_RAISE(CUBIE_ERR_BACKEND, "cannot write the kernel to memory: %s", strerror(e));
    }
    done += (size_t)n;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  /* RTLD_NODELETE: the kernel pulls in libgomp, whose idle worker threads
   * outlive any dlclose; unloading their code under them crashes the
   * process at exit. The object stays mapped until the process ends. */
  b->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  close(fd); /* the mapping keeps the memory */
  CUBIE_CHECK(b->handle, CUBIE_ERR_BACKEND, "cannot load the compiled kernel %s: %s", bin->key,
              dlerror());
  void *sym = dlsym(b->handle, "cubie_cpu_run_chunk");
  CUBIE_CHECK(sym, CUBIE_ERR_BACKEND, "the compiled kernel %s has no entry point: %s", bin->key,
              dlerror());
  memcpy(&b->entry, &sym, sizeof b->entry); /* object → function pointer, POSIX-sanctioned */
  return CUBIE_OK;
}

static int cpu_memory_budget(void *impl, size_t *bytes) {
  (void)impl;
  /* Half of what the kernel reports as available: room for the OS, MPI,
   * NetCDF buffers and the writer's second buffer set. */
  unsigned long long avail_kb = 0;
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %llu kB", &avail_kb) == 1) break;
    fclose(f);
  }
  if (avail_kb == 0) avail_kb = (unsigned long long)sysconf(_SC_AVPHYS_PAGES) *
                                (unsigned long long)sysconf(_SC_PAGESIZE) / 1024ull;
  *bytes = (size_t)(avail_kb * 1024ull / 2ull);
  return CUBIE_OK;
}

static int cpu_alloc(void *impl, cubie_memory_kind kind, size_t bytes, void **ptr) {
  (void)impl;
  (void)kind;
  void *p = NULL;
  int rc = posix_memalign(&p, 64, bytes ? bytes : 64);
  CUBIE_CHECK(rc == 0, CUBIE_ERR_MEMORY, "cannot allocate %zu bytes of host memory", bytes);
  *ptr = p;
  return CUBIE_OK;
}

static void cpu_release(void *impl, cubie_memory_kind kind, void *ptr) {
  (void)impl;
  (void)kind;
  free(ptr);
}

static int cpu_copy(void *impl, void *dst, const void *src, size_t bytes) {
  (void)impl;
  if (bytes && dst != src) memcpy(dst, src, bytes);
  return CUBIE_OK;
}

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cpu_launch(void *impl, const cubie_chunk_args *args) {
  cpu_backend *b = impl;
  CUBIE_CHECK(b->entry, CUBIE_ERR_INTERNAL, "cpu backend: launch before load");
  double t = wall_seconds();
  int rc = b->entry(args, b->threads, b->block_size);
  b->kernel_seconds += wall_seconds() - t;
  CUBIE_CHECK(rc == 0, CUBIE_ERR_BACKEND, "the cpu kernel failed (code %d)", rc);
  return CUBIE_OK;
}

static int cpu_synchronize(void *impl) {
  (void)impl;
  return CUBIE_OK;
}

static int cpu_kernel_seconds(void *impl, double *seconds) {
  cpu_backend *b = impl;
  *seconds = b->kernel_seconds;
  return CUBIE_OK;
}

/* Host memory the OpenMP workers and the reader share directly. */
static int cpu_runs_counter(void *impl, cubie_u64 **host, cubie_u64 **device) {
  cpu_backend *b = impl;
  *host = *device = &b->runs_done;
  return CUBIE_OK;
}

const cubie_backend_ops cubie_backend_cpu_ops = {
    .name = "cpu",
    .available = cpu_available,
    .create = cpu_create,
    .destroy = cpu_destroy,
    .describe = cpu_describe,
    .notice = cpu_notice,
    .source_epilogue = cpu_source_epilogue,
    .compile = cpu_compile,
    .load = cpu_load,
    .memory_budget = cpu_memory_budget,
    .alloc = cpu_alloc,
    .release = cpu_release,
    .copy_to_device = cpu_copy,
    .copy_to_host = cpu_copy,
    .copy_to_host_async = cpu_copy,        /* memcpy: complete on return */
    .synchronize_copies = cpu_synchronize, /* nothing in flight */
    .launch = cpu_launch,
    .synchronize = cpu_synchronize,
    .kernel_seconds = cpu_kernel_seconds,
    .runs_counter = cpu_runs_counter,
    .run_fastest = false,
    .host_is_device = true,
    /* No devices: every rank runs on its host and shares the host's memory
     * with the node's other ranks. */
    .device_count = NULL,
    .visible_devices_variable = NULL,
    .list_devices = NULL,
    .auto_taken = "the host is always usable",
    .auto_missing = NULL,
};
