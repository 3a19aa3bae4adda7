/* entry_cuda.h — the CUDA backend's entry point: one thread integrates one
 * run of the chunk.
 *
 * The launch supplies blockDim.x × CUBIE_SHARED_PER_RUN cubie_reals of
 * dynamic shared memory; thread i of a block uses slice i. The argument
 * block arrives by value (__grid_constant__: read in place, no per-thread
 * copy). Only NVRTC (or nvcc) sees this file.
 */
#ifndef CUBIE_ENTRY_CUDA_H
#define CUBIE_ENTRY_CUDA_H

CUBIE_EXTERN_C __global__ void cubie_cuda_run_chunk(const __grid_constant__ cubie_chunk_args args) {
  /* Declared as double so the slices are aligned for either precision. */
  extern __shared__ double cubie_shared_memory[];
  const cubie_i64 r = (cubie_i64)blockIdx.x * (cubie_i64)blockDim.x + (cubie_i64)threadIdx.x;
  if (r >= args.n_runs) return;
  cubie_real *slice =
      (cubie_real *)cubie_shared_memory + (cubie_i64)threadIdx.x * CUBIE_SHARED_PER_RUN;
  cubie_integrate_run(&args, r, slice);
}

#endif
