/* kernel_files.h — the kernel header texts compiled into libcubie.
 *
 * The table is generated at build time (cmake/EmbedKernels.cmake) so the
 * JIT compilers see exactly the kernels this binary was built with, wherever
 * the binary is installed.
 */
#ifndef CUBIE_KERNEL_FILES_H
#define CUBIE_KERNEL_FILES_H

typedef struct cubie_kernel_file {
  const char *name; /* "run.h" */
  const char *text;
} cubie_kernel_file;

/* Terminated by {NULL, NULL}. */
extern const cubie_kernel_file cubie_kernel_files[];

#endif
