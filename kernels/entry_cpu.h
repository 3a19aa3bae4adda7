/* entry_cpu.h — the CPU backend's entry point: every run of a chunk, spread
 * over OpenMP threads.
 *
 * Runs are grouped in blocks of block_size, the CPU stand-in for a CUDA
 * thread block: each block gets a block-wide scratch array in place of
 * shared memory (run i of the block uses slice i of CUBIE_SHARED_PER_RUN
 * reals) and its runs execute in order. Blocks are scheduled dynamically
 * because runs differ in cost (stiff corners of a sweep). After each block
 * its runs are added to the progress counter (args->runs_done) when there
 * is one. The host C compiler (gcc or clang: __atomic builtins) sees this
 * file, NVRTC never does; OpenMP pragmas live only here.
 */
#ifndef CUBIE_ENTRY_CPU_H
#define CUBIE_ENTRY_CPU_H

#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Integrate runs [0, args->n_runs) over the chunk's window. n_threads <= 0:
 * OpenMP's default; block_size <= 0: 1. Returns 0, or -1 when the scratch
 * array cannot be allocated (no run is touched then). */
CUBIE_EXTERN_C __attribute__((visibility("default"))) int cubie_cpu_run_chunk(
    const cubie_chunk_args *args, int n_threads, int block_size);

CUBIE_EXTERN_C __attribute__((visibility("default"))) int cubie_cpu_run_chunk(
    const cubie_chunk_args *args, int n_threads, int block_size) {
  if (block_size < 1) block_size = 1;
  int threads = 1;
#ifdef _OPENMP
  threads = n_threads > 0 ? n_threads : omp_get_max_threads();
#else
  (void)n_threads;
#endif
  const cubie_i64 n_blocks = (args->n_runs + block_size - 1) / block_size;
  /* One block-wide scratch array per thread, reused by the blocks it runs. */
  const size_t block_reals = (size_t)block_size * (size_t)CUBIE_NZ(CUBIE_SHARED_PER_RUN);
  cubie_real *scratch = (cubie_real *)malloc((size_t)threads * block_reals * sizeof(cubie_real));
  if (!scratch) return -1;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(threads)
#endif
  for (cubie_i64 b = 0; b < n_blocks; b++) {
    int thread = 0;
#ifdef _OPENMP
    thread = omp_get_thread_num();
#endif
    cubie_real *block_scratch = scratch + (size_t)thread * block_reals;
    const cubie_i64 first = b * block_size;
    const cubie_i64 end = first + block_size < args->n_runs ? first + block_size : args->n_runs;
    for (cubie_i64 r = first; r < end; r++)
      cubie_integrate_run(args, r, block_scratch + (size_t)(r - first) * CUBIE_SHARED_PER_RUN);
    /* One atomic add per block: the host's progress reader sees runs
     * finish while the chunk is still running. */
    if (args->runs_done) __atomic_fetch_add(args->runs_done, (cubie_u64)(end - first), __ATOMIC_RELAXED);
  }
  free(scratch);
  return 0;
}

#endif
