/* layout.c — block strides and the device-to-file reorder (see layout.h). */
#include "memory/layout.h"

#include <string.h>

void cubie_block_strides(bool run_fastest, long long n_runs, long long n_time, cubie_i64 *outer,
                         cubie_i64 *run, cubie_i64 *time) {
  *outer = n_runs * n_time;
  *run = run_fastest ? 1 : n_time;
  *time = run_fastest ? n_runs : 1;
}

void cubie_transpose(void *dst, const void *src, long long outer, long long rows, long long cols,
                     size_t element_size) {
  if (rows == 1 || cols == 1) {
    memcpy(dst, src, (size_t)(outer * rows * cols) * element_size);
    return;
  }
  for (long long o = 0; o < outer; o++) {
    long long off = o * rows * cols;
    if (element_size == sizeof(float)) {
      const float *s = (const float *)src + off;
      float *d = (float *)dst + off;
      for (long long i = 0; i < rows; i++)
        for (long long j = 0; j < cols; j++) d[j * rows + i] = s[i * cols + j];
    } else {
      const double *s = (const double *)src + off;
      double *d = (double *)dst + off;
      for (long long i = 0; i < rows; i++)
        for (long long j = 0; j < cols; j++) d[j * rows + i] = s[i * cols + j];
    }
  }
}
