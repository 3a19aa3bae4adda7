/* entry_cuda.h — the CUDA backend's entry point: one thread integrates one
 * run of the chunk.
 *
 * The launch supplies blockDim.x × CUBIE_SHARED_PER_RUN cubie_reals of
 * dynamic shared memory; thread i of a block uses slice i. The argument
 * block arrives by value (__grid_constant__: read in place, no per-thread
 * copy). When args.runs_done is set, each block adds its finished runs to
 * that counter (see chunk_args.h). Only NVRTC (or nvcc) sees this file.
 */
#ifndef CUBIE_ENTRY_CUDA_H
#define CUBIE_ENTRY_CUDA_H

CUBIE_EXTERN_C __global__ void cubie_cuda_run_chunk(const __grid_constant__ cubie_chunk_args args) {
  /* Declared as double so the slices are aligned for either precision. */
  extern __shared__ double cubie_shared_memory[];
  const cubie_i64 first = (cubie_i64)blockIdx.x * (cubie_i64)blockDim.x;
  const cubie_i64 r = first + (cubie_i64)threadIdx.x;
  if (r < args.n_runs) {
    cubie_real *slice =
        (cubie_real *)cubie_shared_memory + (cubie_i64)threadIdx.x * CUBIE_SHARED_PER_RUN;
    cubie_integrate_run(&args, r, slice);
  }
  /* Progress: once every thread of the block is done, one thread adds the
   * block's runs to the counter in mapped pinned host memory (system
   * scope: the host reads it while the grid runs). One atomic per block,
   * not per run, keeps the traffic over the bus negligible. The condition
   * is the same for the whole block, so every thread reaches the barrier. */
  if (args.runs_done) {
    __syncthreads();
    if (threadIdx.x == 0) {
      const cubie_i64 left = args.n_runs - first;
      const cubie_i64 mine = left < (cubie_i64)blockDim.x ? left : (cubie_i64)blockDim.x;
      __threadfence_system();
      atomicAdd_system(args.runs_done, (cubie_u64)mine);
    }
  }
}

#endif
