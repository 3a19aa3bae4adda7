/* Static decomposition: contiguous blocks in rank order, the remainder on
 * the first ranks, every run exactly once, for many (runs, ranks) pairs. */
#include "check.h"
#include "mpi/decomposer.h"

int main(void) {
  const long long totals[] = {1, 2, 3, 7, 100, 103, 1000000007LL};
  for (size_t t = 0; t < sizeof totals / sizeof totals[0]; t++) {
    for (int ranks = 1; ranks <= 9; ranks++) {
      long long next = 0, smallest = -1, largest = 0;
      for (int r = 0; r < ranks; r++) {
        cubie_run_block b = cubie_decomposer_static_block(totals[t], ranks, r);
        CHECK_INT(b.start, next); /* contiguous, in rank order, no gap or overlap */
        next += b.count;
        if (smallest < 0 || b.count < smallest) smallest = b.count;
        if (b.count > largest) largest = b.count;
        if (r > 0) CHECK(b.count <= cubie_decomposer_static_block(totals[t], ranks, r - 1).count);
      }
      CHECK_INT(next, totals[t]); /* every run exactly once */
      CHECK(largest - smallest <= 1);
    }
  }
  cubie_run_block b = cubie_decomposer_static_block(10, 3, 0);
  CHECK_INT(b.count, 4);
  b = cubie_decomposer_static_block(10, 3, 2);
  CHECK_INT(b.start, 7);
  CHECK_INT(b.count, 3);
  CHECK_DONE();
}
