/* nvrtc_loader.h — NVRTC, found and loaded at run time.
 *
 * cubie is built without any CUDA header or library: NVRTC is dlopen()ed on
 * first use (the toolkit directory CMake saw, then the loader path:
 * libnvrtc.so.13, .so.12, .so) and its entry points are resolved by name.
 * This module declares the few NVRTC types it needs itself. It only loads
 * and resolves; compiling kernels is cuda_compile.c's job. Loading is done
 * once per process and is thread-safe; the library is never unloaded.
 */
#ifndef CUBIE_NVRTC_LOADER_H
#define CUBIE_NVRTC_LOADER_H

#include <stddef.h>

typedef int cubie_nvrtc_result;            /* nvrtcResult; 0 = NVRTC_SUCCESS */
typedef struct cubie_nvrtc_program_ *cubie_nvrtc_program; /* nvrtcProgram */

#define CUBIE_NVRTC_SUCCESS 0
#define CUBIE_NVRTC_ERROR_COMPILATION 6

typedef struct cubie_nvrtc {
  char path[512]; /* the library that was loaded */
  int major, minor;
  const char *(*GetErrorString)(cubie_nvrtc_result);
  cubie_nvrtc_result (*Version)(int *major, int *minor);
  cubie_nvrtc_result (*GetNumSupportedArchs)(int *n);
  cubie_nvrtc_result (*GetSupportedArchs)(int *archs);
  cubie_nvrtc_result (*CreateProgram)(cubie_nvrtc_program *prog, const char *src, const char *name,
                                      int n_headers, const char *const *headers,
                                      const char *const *include_names);
  cubie_nvrtc_result (*DestroyProgram)(cubie_nvrtc_program *prog);
  cubie_nvrtc_result (*CompileProgram)(cubie_nvrtc_program prog, int n_options,
                                       const char *const *options);
  cubie_nvrtc_result (*GetProgramLogSize)(cubie_nvrtc_program prog, size_t *size);
  cubie_nvrtc_result (*GetProgramLog)(cubie_nvrtc_program prog, char *log);
  cubie_nvrtc_result (*GetCUBINSize)(cubie_nvrtc_program prog, size_t *size);
  cubie_nvrtc_result (*GetCUBIN)(cubie_nvrtc_program prog, char *cubin);
  cubie_nvrtc_result (*GetPTXSize)(cubie_nvrtc_program prog, size_t *size);
  cubie_nvrtc_result (*GetPTX)(cubie_nvrtc_program prog, char *ptx);
} cubie_nvrtc;

/* Load NVRTC (once) and return its table. $CUBIE_NVRTC_LIBRARY, when set,
 * names the library to load instead of searching. Failure is
 * CUBIE_ERR_UNAVAILABLE with what was tried. */
int cubie_nvrtc_load(const cubie_nvrtc **out);

/* The real architectures (e.g. 75 for sm_75) this NVRTC can compile for,
 * ascending; *n receives the count (at most `max`). */
int cubie_nvrtc_supported_archs(const cubie_nvrtc *nv, int *archs, int max, int *n);

#endif
