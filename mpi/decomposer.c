/* decomposer.c — rank decomposition of the run index space (see decomposer.h). */
#include "decomposer.h"

cubie_run_block cubie_decomposer_static_block(long long total_runs, int n_ranks, int rank) {
  long long base = total_runs / n_ranks, extra = total_runs % n_ranks;
  cubie_run_block b;
  b.count = base + (rank < extra ? 1 : 0);
  b.start = (long long)rank * base + (rank < extra ? rank : extra);
  return b;
}
