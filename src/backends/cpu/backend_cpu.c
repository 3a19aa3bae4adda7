/* backend_cpu.c — the CPU backend: the kernel text compiled by the host C
 * compiler into a shared object, cached on disk by content hash, loaded with
 * dlopen, runs spread over OpenMP threads (kernels/entry_cpu.h).
 *
 * Kernel "device" memory is host memory, so the runner never copies. A
 * compiler failure reports the compiler's own message and keeps the
 * generated source for inspection.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/sha256.h"

extern char **environ;

typedef int (*cpu_entry_fn)(const cubie_chunk_args *args, int n_threads, int block_size);

typedef struct cpu_backend {
  char cache_dir[4096];
  int threads;
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

static int cpu_create(const cubie_backend_options *opts, void **impl) {
  cpu_backend *b = calloc(1, sizeof *b);
  CUBIE_CHECK(b, CUBIE_ERR_MEMORY, "out of memory creating the cpu backend");
  snprintf(b->cache_dir, sizeof b->cache_dir, "%s", opts->cache_dir);
  b->threads = opts->threads;
  b->block_size = opts->block_size > 0 ? opts->block_size : 32;
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
  if (b->threads > 0)
    snprintf(text, size, "cpu: %d OpenMP threads on %s", b->threads, model);
  else
    snprintf(text, size, "cpu: %ld cores, OpenMP default threads, %s", cores, model);
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

/* Run the compiler; its stdout+stderr go to `log_path`. */
static int run_compiler(const char *src_path, const char *so_path, const char *log_path,
                        int *status) {
  char *argv[64];
  int argc = 0;
  argv[argc++] = (char *)jit_compiler();
  for (int i = 0; base_flags[i]; i++) argv[argc++] = (char *)base_flags[i];
  char extra_copy[1024] = "";
  const char *extra = getenv("CUBIE_CFLAGS");
  if (extra) {
    snprintf(extra_copy, sizeof extra_copy, "%s", extra);
    argc = append_extra_flags(extra_copy, argv, argc, 56);
  }
  argv[argc++] = "-o";
  argv[argc++] = (char *)so_path;
  argv[argc++] = (char *)src_path;
  argv[argc++] = "-lm";
  argv[argc] = NULL;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  CUBIE_CHECK(rc == 0, CUBIE_ERR_BACKEND,
              "cannot start the C compiler '%s': %s (set CUBIE_CC to a C compiler with OpenMP)",
              argv[0], strerror(rc));
  while (waitpid(pid, status, 0) < 0) {
    CUBIE_CHECK(errno == EINTR, CUBIE_ERR_BACKEND, "waiting for the C compiler: %s",
                strerror(errno));
  }
  return CUBIE_OK;
}

static int cpu_compile(void *impl, const char *source, cubie_binary *bin) {
  cpu_backend *b = impl;
  memset(bin, 0, sizeof *bin);
  cpu_cache_key(source, bin->key);
  char so_path[4200], src_path[4200];
  snprintf(so_path, sizeof so_path, "%s/cpu-%s.so", b->cache_dir, bin->key);
  snprintf(src_path, sizeof src_path, "%s/cpu-%s.c", b->cache_dir, bin->key);

  if (access(so_path, R_OK) == 0) {
    bin->from_cache = true;
    return cubie_file_read(so_path, &bin->data, &bin->size);
  }

  /* Compile in a private directory, then rename into place: concurrent jobs
   * sharing a cache never see a half-written object. */
  char work[4200];
  snprintf(work, sizeof work, "%s/build-XXXXXX", b->cache_dir);
  CUBIE_CHECK(mkdtemp(work), CUBIE_ERR_IO, "cannot create a build directory in '%s': %s",
              b->cache_dir, strerror(errno));
  char tmp_src[4300], tmp_so[4300], log_path[4300];
  snprintf(tmp_src, sizeof tmp_src, "%s/kernel.c", work);
  snprintf(tmp_so, sizeof tmp_so, "%s/kernel.so", work);
  snprintf(log_path, sizeof log_path, "%s/compiler.log", work);
  int rc = cubie_file_write(tmp_src, source, strlen(source));
  int status = 0;
  if (!rc) rc = run_compiler(tmp_src, tmp_so, log_path, &status);
  if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    char kept[4300];
    snprintf(kept, sizeof kept, "%s/failed-cpu-%s.c", b->cache_dir, bin->key);
    rename(tmp_src, kept);
    unsigned char *log = NULL;
    size_t log_size = 0;
    cubie_file_read(log_path, &log, &log_size);
    rc = CUBIE_RAISE(CUBIE_ERR_COMPILE,
                     "the C compiler '%s' rejected the generated kernel; source kept at %s\n%.*s",
                     jit_compiler(), kept, (int)(log_size > 6000 ? 6000 : log_size),
                     log ? (const char *)log : "(no compiler output)");
    free(log);
  }
  if (!rc && rename(tmp_so, so_path) != 0)
    rc = CUBIE_RAISE(CUBIE_ERR_IO, "cannot move the compiled kernel into the cache '%s': %s",
                     so_path, strerror(errno));
  if (!rc) rename(tmp_src, src_path); /* kept for inspection; harmless if it fails */
  cubie_remove_tree(work);
  CUBIE_CALL(rc);
  return cubie_file_read(so_path, &bin->data, &bin->size);
}

static int cpu_load(void *impl, const cubie_binary *bin) {
  cpu_backend *b = impl;
  char so_path[4200];
  snprintf(so_path, sizeof so_path, "%s/cpu-%s.so", b->cache_dir, bin->key);
  /* A rank on another node receives the bytes; place them atomically. */
  if (access(so_path, R_OK) != 0) CUBIE_CALL(cubie_file_write_atomic(so_path, bin->data, bin->size));
  /* RTLD_NODELETE: the kernel pulls in libgomp, whose idle worker threads
   * outlive any dlclose; unloading their code under them crashes the
   * process at exit. The object stays mapped until the process ends. */
  b->handle = dlopen(so_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  CUBIE_CHECK(b->handle, CUBIE_ERR_BACKEND, "cannot load the compiled kernel %s: %s", so_path,
              dlerror());
  void *sym = dlsym(b->handle, "cubie_cpu_run_chunk");
  CUBIE_CHECK(sym, CUBIE_ERR_BACKEND, "the compiled kernel %s has no entry point: %s", so_path,
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
