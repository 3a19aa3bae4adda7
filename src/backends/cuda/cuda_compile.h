/* cuda_compile.h — a kernel translation unit to a cubin with NVRTC.
 *
 * Compiles for one real architecture (sm_XY), caches the cubin and the
 * ptxas report on disk under a key that covers everything the binary
 * depends on (source, options, architecture, NVRTC version, cubie version),
 * and keeps a failed unit's source for inspection. It needs NVRTC but no
 * GPU and no driver, so the gpu-compile tests use exactly this path. It
 * never loads or launches anything (backend_cuda.c does).
 *
 * CUBIE_DEBUG_SOURCE=1 prints every unit and its options to stderr before
 * it is compiled (as libCEED's JIT debugging does).
 */
#ifndef CUBIE_CUDA_COMPILE_H
#define CUBIE_CUDA_COMPILE_H

#include <stdbool.h>

#include "backends/backend.h"

/* What ptxas reported for the entry point (-1 where it said nothing). */
typedef struct cubie_cuda_resources {
  int registers;
  int spill_stores, spill_loads; /* bytes */
  int stack_bytes;
  int shared_bytes;              /* static shared memory (dynamic comes at launch) */
} cubie_cuda_resources;

/* The lines the CUDA backend puts before the unit it is given: the JIT-pass
 * switch (kernels/types.h) must be seen before any kernel header. */
const char *cubie_cuda_source_preamble(void);

/* Compile `source` (preamble added here) for sm_<arch> (e.g. 90), or take it
 * from `cache_dir` (a directory cubie_kernel_cache_resolve accepted; a cached
 * cubin is used only when it matches the digest stored beside it, anything
 * else is compiled again — kernel_cache.h). Fills `bin` (cubin bytes and key); *log, when `log` is
 * not NULL, receives NVRTC's log including ptxas's resource report (caller
 * frees). A rejected unit is CUBIE_ERR_COMPILE with the log in the message
 * and the source kept as cache_dir/failed-cuda-<key>.cu. */
int cubie_cuda_compile(const char *source, int arch, const char *cache_dir, cubie_binary *bin,
                       char **log);

/* Read ptxas -v's report for the kernel entry out of an NVRTC log. */
void cubie_cuda_parse_resources(const char *log, cubie_cuda_resources *res);

#endif
