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

/* Registers per thread, from the model's size. A run keeps about
 * (stages + 2) state vectors, its parameters, one save point's outputs and
 * the summary accumulators live across a step (in 32-bit words: 2 per
 * float64), plus some 12 words (24 in float64) of time, counters, indices
 * and addresses; the kernel asks ptxas to fit the smallest of 48, 64 or 128
 * registers above that (__launch_bounds__: blocks of at most 256 threads,
 * 5, 4 or 2 of them resident per multiprocessor of 64K registers), so small
 * systems (the float32 Lorenz anchor: 45 words, 48 registers) run at high
 * occupancy and large ones keep what they need. ptxas may then spill on the
 * once-per-save path, never (tests/cuda/sass_budget.py checks the anchor)
 * inside the step loop. A run.block_size above 256 is refused at load. */
#if defined(CUBIE_PRECISION_FLOAT64)
#define CUBIE_REGISTER_WORDS_PER_REAL 2
#else
#define CUBIE_REGISTER_WORDS_PER_REAL 1
#endif
#define CUBIE_REGISTER_ESTIMATE                                                        \
  (CUBIE_REGISTER_WORDS_PER_REAL * (CUBIE_N_STATES * (CUBIE_METHOD_STAGES + 2) +       \
                                    CUBIE_N_PARAMETERS + CUBIE_N_OUTPUTS +              \
                                    CUBIE_N_ACCUMULATORS + 12))
#define CUBIE_LAUNCH_MAX_THREADS 256
#if CUBIE_REGISTER_ESTIMATE <= 48
#define CUBIE_LAUNCH_MIN_BLOCKS 5 /* 65536 / (5 x 256) = 51 -> 48 registers */
#elif CUBIE_REGISTER_ESTIMATE <= 64
#define CUBIE_LAUNCH_MIN_BLOCKS 4 /* 64 registers */
#elif CUBIE_REGISTER_ESTIMATE <= 128
#define CUBIE_LAUNCH_MIN_BLOCKS 2 /* 128 registers */
#else
#define CUBIE_LAUNCH_MIN_BLOCKS 1 /* up to 255 */
#endif

CUBIE_EXTERN_C __global__ void __launch_bounds__(CUBIE_LAUNCH_MAX_THREADS, CUBIE_LAUNCH_MIN_BLOCKS)
    cubie_cuda_run_chunk(const __grid_constant__ cubie_chunk_args args) {
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

/* The device half of copying results back (backend reorder_async): a block
 * [outer][rows][cols] -> [outer][cols][rows] through 32 x 32 tiles of
 * shared memory (one padding column: no bank conflicts), so both the reads
 * and the writes of a warp are contiguous. Launched with 32 x 8 threads,
 * grid (column tiles, row tiles, outer) clamped to the device's limits:
 * blocks stride over what the grid does not cover. element_bytes is the
 * host's element size, checked against the module's precision. */
#define CUBIE_REORDER_TILE 32
#define CUBIE_REORDER_ROWS 8
CUBIE_EXTERN_C __global__ void __launch_bounds__(CUBIE_REORDER_TILE * CUBIE_REORDER_ROWS)
    cubie_cuda_reorder(cubie_real *dst, const cubie_real *src, cubie_i64 outer, cubie_i64 rows,
                       cubie_i64 cols, cubie_i64 element_bytes) {
  __shared__ cubie_real tile[CUBIE_REORDER_TILE][CUBIE_REORDER_TILE + 1];
  if (element_bytes != (cubie_i64)sizeof(cubie_real)) __trap();
  const cubie_i64 row_tiles = (rows + CUBIE_REORDER_TILE - 1) / CUBIE_REORDER_TILE;
  const cubie_i64 col_tiles = (cols + CUBIE_REORDER_TILE - 1) / CUBIE_REORDER_TILE;
  for (cubie_i64 o = blockIdx.z; o < outer; o += gridDim.z) {
    const cubie_real *s = src + o * rows * cols;
    cubie_real *d = dst + o * rows * cols;
    for (cubie_i64 ty = blockIdx.y; ty < row_tiles; ty += gridDim.y)
      for (cubie_i64 tx = blockIdx.x; tx < col_tiles; tx += gridDim.x) {
        const cubie_i64 r0 = ty * CUBIE_REORDER_TILE, c0 = tx * CUBIE_REORDER_TILE;
        for (int k = threadIdx.y; k < CUBIE_REORDER_TILE; k += CUBIE_REORDER_ROWS) {
          const cubie_i64 r = r0 + k, c = c0 + threadIdx.x;
          if (r < rows && c < cols) tile[k][threadIdx.x] = s[r * cols + c];
        }
        __syncthreads();
        for (int k = threadIdx.y; k < CUBIE_REORDER_TILE; k += CUBIE_REORDER_ROWS) {
          const cubie_i64 c = c0 + k, r = r0 + threadIdx.x;
          if (c < cols && r < rows) d[c * rows + r] = tile[threadIdx.x][k];
        }
        __syncthreads();
      }
  }
}

#endif
