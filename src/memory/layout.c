/* layout.c — block strides and the device-to-file reorder (see layout.h). */
#include "memory/layout.h"

#include <pthread.h>
#include <string.h>

void cubie_block_strides(bool run_fastest, long long n_runs, long long n_time, cubie_i64 *outer,
                         cubie_i64 *run, cubie_i64 *time) {
  *outer = n_runs * n_time;
  *run = run_fastest ? 1 : n_time;
  *time = run_fastest ? n_runs : 1;
}

/* Square tiles: a tile's rows and columns both fit in L1, so every cache
 * line read or written is used whole instead of one element per line. */
#define TILE 32
/* Threads for blocks of at least this many elements (below, one thread). */
#define MAX_THREADS 8
#define PARALLEL_ELEMENTS (1ll << 20)

typedef struct transpose_job {
  char *dst;
  const char *src;
  long long outer, rows, cols;
  size_t es;
  long long first, end; /* tile rows [first, end) over all outer blocks */
} transpose_job;

#define TRANSPOSE_TILE(T)                                                    \
  do {                                                                       \
    const T *s = (const T *)j->src + o * j->rows * j->cols;                  \
    T *d = (T *)j->dst + o * j->rows * j->cols;                              \
    for (long long c0 = 0; c0 < j->cols; c0 += TILE) {                       \
      long long c1 = c0 + TILE < j->cols ? c0 + TILE : j->cols;              \
      for (long long i = r0; i < r1; i++)                                    \
        for (long long c = c0; c < c1; c++) d[c * j->rows + i] = s[i * j->cols + c]; \
    }                                                                        \
  } while (0)

static void *transpose_part(void *arg) {
  const transpose_job *j = arg;
  long long row_tiles = (j->rows + TILE - 1) / TILE;
  for (long long k = j->first; k < j->end; k++) {
    long long o = k / row_tiles, r0 = (k % row_tiles) * TILE;
    long long r1 = r0 + TILE < j->rows ? r0 + TILE : j->rows;
    if (j->es == sizeof(float)) TRANSPOSE_TILE(float);
    else TRANSPOSE_TILE(double);
  }
  return NULL;
}

void cubie_transpose(void *dst, const void *src, long long outer, long long rows, long long cols,
                     size_t element_size) {
  if (rows == 1 || cols == 1) {
    memcpy(dst, src, (size_t)(outer * rows * cols) * element_size);
    return;
  }
  long long tiles = outer * ((rows + TILE - 1) / TILE);
  int threads = outer * rows * cols >= PARALLEL_ELEMENTS ? MAX_THREADS : 1;
  if (threads > tiles) threads = (int)tiles;
  transpose_job jobs[MAX_THREADS];
  pthread_t ids[MAX_THREADS];
  bool started[MAX_THREADS] = {false};
  for (int t = 0; t < threads; t++) {
    jobs[t] = (transpose_job){(char *)dst, (const char *)src, outer, rows, cols, element_size,
                              tiles * t / threads, tiles * (t + 1) / threads};
    /* Thread 0 is this one; a thread that cannot start leaves its part to it. */
    if (t > 0) started[t] = pthread_create(&ids[t], NULL, transpose_part, &jobs[t]) == 0;
  }
  transpose_part(&jobs[0]);
  for (int t = 1; t < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else transpose_part(&jobs[t]);
  }
}
