/* cuda_compile.c — NVRTC compilation with an on-disk cache (see
 * cuda_compile.h). */
#include "backends/cuda/cuda_compile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "backends/kernel_cache.h"
#include "backends/cuda/nvrtc_loader.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#define ENTRY_NAME "cubie_cuda_run_chunk"

const char *cubie_cuda_source_preamble(void) { return "#define CUBIE_JIT_PASS 1\n"; }

/* Options in the order NVRTC receives them; `arch_option` is filled in. */
typedef struct nvrtc_options {
  char arch_option[32];
  const char *argv[8];
  int argc;
} nvrtc_options;

static void options_init(nvrtc_options *o, int arch) {
  snprintf(o->arch_option, sizeof o->arch_option, "-arch=sm_%d", arch);
  o->argc = 0;
  o->argv[o->argc++] = o->arch_option;
  o->argv[o->argc++] = "-std=c++17";
  o->argv[o->argc++] = "-DCUBIE_JIT_PASS=1";
  /* ptxas's resource report (registers, spills, shared) lands in the log. */
  o->argv[o->argc++] = "--ptxas-options=-v";
}

static void cache_key(const cubie_nvrtc *nv, const nvrtc_options *o, const char *unit,
                      char key[65]) {
  cubie_sha256 h;
  cubie_sha256_init(&h);
  char head[128];
  snprintf(head, sizeof head, "cubie-cuda %s nvrtc %d.%d", CUBIE_VERSION, nv->major, nv->minor);
  cubie_sha256_update(&h, head, strlen(head));
  for (int i = 0; i < o->argc; i++) {
    cubie_sha256_update(&h, " ", 1);
    cubie_sha256_update(&h, o->argv[i], strlen(o->argv[i]));
  }
  cubie_sha256_update(&h, "\n", 1);
  cubie_sha256_update(&h, unit, strlen(unit));
  cubie_sha256_hex(&h, key);
}

static void debug_print(const nvrtc_options *o, const char *unit) {
  const char *flag = getenv("CUBIE_DEBUG_SOURCE");
  if (!flag || !*flag || strcmp(flag, "0") == 0) return;
  fprintf(stderr, "---- cubie: NVRTC options:");
  for (int i = 0; i < o->argc; i++) fprintf(stderr, " %s", o->argv[i]);
  fprintf(stderr, "\n---- cubie: kernel source ----\n%s\n---- cubie: end of kernel source ----\n",
          unit);
}

static char *program_log(const cubie_nvrtc *nv, cubie_nvrtc_program prog) {
  size_t size = 0;
  if (nv->GetProgramLogSize(prog, &size) != CUBIE_NVRTC_SUCCESS) size = 0;
  char *log = calloc(size + 1, 1);
  if (log && size) nv->GetProgramLog(prog, log);
  return log;
}

/* Run NVRTC; on success *cubin / *cubin_size hold the binary. */
static int run_nvrtc(const cubie_nvrtc *nv, const nvrtc_options *o, const char *unit,
                     const cubie_kernel_cache *cache, const char *failed_name,
                     unsigned char **cubin, size_t *cubin_size, char **log) {
  *cubin = NULL;
  *log = NULL;
  cubie_nvrtc_program prog = NULL;
  cubie_nvrtc_result r = nv->CreateProgram(&prog, unit, "cubie_kernel.cu", 0, NULL, NULL);
  CUBIE_CHECK(r == CUBIE_NVRTC_SUCCESS, CUBIE_ERR_BACKEND, "nvrtcCreateProgram: %s",
              nv->GetErrorString(r));
  r = nv->CompileProgram(prog, o->argc, o->argv);
  *log = program_log(nv, prog);
  int rc = CUBIE_OK;
  if (r != CUBIE_NVRTC_SUCCESS) {
    cubie_kernel_cache_keep(cache, failed_name, unit, strlen(unit));
    cubie_error_clear(); /* the compiler's verdict is the error that matters */
    const char *text = *log && **log ? *log : "(NVRTC wrote no log)";
    size_t len = strlen(text);
    rc = CUBIE_RAISE(CUBIE_ERR_COMPILE,
                     "NVRTC %d.%d rejected the generated kernel for %s (%s); source kept at %s/%s\n%.*s%s",
                     nv->major, nv->minor, o->arch_option + 6, nv->GetErrorString(r), cache->path,
                     failed_name,
                     (int)(len > 6000 ? 6000 : len), text, len > 6000 ? "\n[log truncated]" : "");
  } else {
    r = nv->GetCUBINSize(prog, cubin_size);
    if (r == CUBIE_NVRTC_SUCCESS && *cubin_size > 0) {
      *cubin = malloc(*cubin_size);
      if (!*cubin) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
      else r = nv->GetCUBIN(prog, (char *)*cubin);
    }
    if (!rc && (r != CUBIE_NVRTC_SUCCESS || *cubin_size == 0))
      rc = CUBIE_RAISE(CUBIE_ERR_BACKEND, "NVRTC produced no cubin for %s: %s", o->arch_option,
                       nv->GetErrorString(r));
  }
  nv->DestroyProgram(&prog);
  if (rc) {
    free(*cubin);
    *cubin = NULL;
  }
  return rc;
}

/* An architecture this NVRTC cannot target is named as such, not as a
 * compiler error ("invalid value for --gpu-architecture"). */
static int check_arch(const cubie_nvrtc *nv, int arch) {
  int archs[64], n = 0;
  CUBIE_CALL(cubie_nvrtc_supported_archs(nv, archs, 64, &n));
  for (int i = 0; i < n; i++)
    if (archs[i] == arch) return CUBIE_OK;
  return CUBIE_RAISE(CUBIE_ERR_UNAVAILABLE,
                     "NVRTC %d.%d (%s) cannot compile for sm_%d (it supports sm_%d to sm_%d); "
                     "use the NVRTC of a CUDA toolkit that does (CUBIE_NVRTC_LIBRARY=...)",
                     nv->major, nv->minor, nv->path, arch, n ? archs[0] : 0, n ? archs[n - 1] : 0);
}

int cubie_cuda_compile(const char *source, int arch, const char *cache_dir, cubie_binary *bin,
                       char **log) {
  memset(bin, 0, sizeof *bin);
  if (log) *log = NULL;
  const cubie_nvrtc *nv = NULL;
  CUBIE_CALL(cubie_nvrtc_load(&nv));
  CUBIE_CALL(check_arch(nv, arch));
  nvrtc_options o;
  options_init(&o, arch);

  cubie_strbuf unit;
  CUBIE_CALL(cubie_strbuf_init(&unit));
  int rc = cubie_strbuf_append(&unit, cubie_cuda_source_preamble());
  if (!rc) rc = cubie_strbuf_append(&unit, source);
  if (rc) {
    cubie_strbuf_free(&unit);
    return rc;
  }
  cache_key(nv, &o, unit.data, bin->key);
  char cubin_name[100], log_name[100], src_name[100], failed_name[100];
  snprintf(cubin_name, sizeof cubin_name, "cuda-%s.cubin", bin->key);
  snprintf(log_name, sizeof log_name, "cuda-%s.log", bin->key);
  snprintf(src_name, sizeof src_name, "cuda-%s.cu", bin->key);
  snprintf(failed_name, sizeof failed_name, "failed-cuda-%s.cu", bin->key);
  cubie_kernel_cache cache;
  rc = cubie_kernel_cache_open(cache_dir, &cache);
  if (rc) {
    cubie_strbuf_free(&unit);
    return rc;
  }

  /* Only a cubin whose bytes match its recorded digest is used
   * (kernel_cache.h); a corrupt or truncated one is rebuilt. */
  rc = cubie_kernel_cache_get(&cache, cubin_name, &bin->data, &bin->size, NULL);
  if (!rc && bin->data) {
    bin->from_cache = true;
    if (log) {
      unsigned char *text = NULL;
      size_t size = 0;
      if (cubie_kernel_cache_get(&cache, log_name, &text, &size, NULL) == CUBIE_OK)
        *log = (char *)text; /* NULL when missing: a report does not spoil a cubin */
      else cubie_error_clear();
    }
    cubie_kernel_cache_close(&cache);
    cubie_strbuf_free(&unit);
    return CUBIE_OK;
  }

  debug_print(&o, unit.data);
  char *nvrtc_log = NULL;
  if (!rc)
    rc = run_nvrtc(nv, &o, unit.data, &cache, failed_name, &bin->data, &bin->size, &nvrtc_log);
  /* The source is kept for people; the report (read back for the resource
   * line) and then the cubin go in with their digests, each atomically. */
  if (!rc) rc = cubie_kernel_cache_keep(&cache, src_name, unit.data, unit.length);
  if (!rc)
    rc = cubie_kernel_cache_put(&cache, log_name, nvrtc_log ? nvrtc_log : "",
                                nvrtc_log ? strlen(nvrtc_log) : 0);
  if (!rc) rc = cubie_kernel_cache_put(&cache, cubin_name, bin->data, bin->size);
  cubie_kernel_cache_close(&cache);
  cubie_strbuf_free(&unit);
  if (rc) {
    cubie_binary_free(bin);
    free(nvrtc_log);
    return rc;
  }
  if (log) *log = nvrtc_log;
  else free(nvrtc_log);
  return CUBIE_OK;
}

/* The integer before `what` on the same line, searching from `from`. */
static int number_before(const char *from, const char *line_end, const char *what) {
  const char *hit = strstr(from, what);
  if (!hit || (line_end && hit > line_end)) return -1;
  const char *p = hit;
  while (p > from && p[-1] == ' ') p--;
  const char *digits = p;
  while (digits > from && digits[-1] >= '0' && digits[-1] <= '9') digits--;
  if (digits == p) return -1;
  return atoi(digits);
}

void cubie_cuda_parse_resources(const char *log, cubie_cuda_resources *res) {
  res->registers = res->spill_stores = res->spill_loads = -1;
  res->stack_bytes = res->shared_bytes = -1;
  if (!log) return;
  /* ptxas reports per function; take the block after our entry point's
   * "Compiling entry function" line (or the whole log when absent). */
  const char *start = strstr(log, "entry function '" ENTRY_NAME "'");
  if (!start) start = log;
  for (const char *line = start; *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    if (line != start && strstr(line, "Compiling entry function") &&
        (size_t)(end - line) > 0 && line < end)
      break; /* the next function's report */
    int v;
    if ((v = number_before(line, end, " bytes stack frame")) >= 0) res->stack_bytes = v;
    if ((v = number_before(line, end, " bytes spill stores")) >= 0) res->spill_stores = v;
    if ((v = number_before(line, end, " bytes spill loads")) >= 0) res->spill_loads = v;
    if ((v = number_before(line, end, " registers")) >= 0) res->registers = v;
    if ((v = number_before(line, end, " bytes smem")) >= 0) res->shared_bytes = v;
    line = *end ? end + 1 : end;
  }
  if (res->registers >= 0 && res->shared_bytes < 0) res->shared_bytes = 0; /* omitted when 0 */
}
