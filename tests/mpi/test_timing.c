/* Timing records: each rank fills known seconds per phase and a run count;
 * the gather on rank 0 has one contiguous array per phase with rank r's
 * value at index r; other ranks get an empty table; the formatted table has
 * a row per rank, min / mean / max and the imbalance, or only the slowest
 * ranks when limited. */
#include <string.h>

#include "check.h"
#include "mpi/timing.h"

/* Exactly representable values: phase p of rank r = r + p / 4. */
static double value(int r, int p) { return (double)r + (double)p / 4.0; }

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);

  CHECK_STR(cubie_timing_phase_name(CUBIE_TIMING_COMPILE), "compile");
  CHECK_STR(cubie_timing_phase_name(CUBIE_TIMING_TRANSFER), "transfer");
  CHECK_STR(cubie_timing_phase_name(CUBIE_TIMING_TOTAL), "total");
  CHECK_STR(cubie_timing_phase_name(CUBIE_TIMING_WRITE_WAIT), "write_wait");
  CHECK_INT(CUBIE_TIMING_N_PHASES, 7);

  cubie_rank_timing mine;
  memset(&mine, 0, sizeof mine);
  for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++) mine.seconds[p] = value(rank, p);
  mine.runs = 1000LL * (rank + 1) + 7;
  double t0 = cubie_timing_now();
  cubie_timing_add_since(&mine, CUBIE_TIMING_WAIT, t0);
  CHECK(mine.seconds[CUBIE_TIMING_WAIT] >=
        value(rank, CUBIE_TIMING_WAIT)); /* monotonic: never negative */

  int root = n - 1; /* any root works; not just 0 */
  cubie_timing_table table;
  CHECK_OK(cubie_timing_gather(MPI_COMM_WORLD, root, &mine, &table));
  if (rank == root) {
    CHECK_INT(table.n_ranks, n);
    for (int r = 0; r < n; r++) {
      for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++)
        if (p != CUBIE_TIMING_WAIT) CHECK(table.seconds[p][r] == value(r, p));
      CHECK_INT(table.runs[r], 1000LL * (r + 1) + 7);
    }
    cubie_strbuf text;
    cubie_strbuf_init(&text);
    CHECK_OK(cubie_timing_format(&table, 0, &text));
    CHECK_CONTAINS(text.data,
                   "  rank    compile    compute   transfer      write write_wait       wait      total");
    /* rank 0's row: 0, 0.25, 0.5, ... and 1007 runs at 1007 / 0.25 runs/s */
    CHECK_CONTAINS(text.data, "     0      0.000      0.250      0.500      0.750");
    CHECK_CONTAINS(text.data, "         1007         4028\n");
    CHECK_CONTAINS(text.data, "   min      0.000      0.250");
    CHECK_CONTAINS(text.data, "  mean");
    CHECK_CONTAINS(text.data, "load imbalance (max / mean compute): ");
    cubie_strbuf_free(&text);
    if (n > 1) {
      /* Only the slowest rank by total: the last one. */
      cubie_strbuf_init(&text);
      CHECK_OK(cubie_timing_format(&table, 1, &text));
      char row[64];
      snprintf(row, sizeof row, "\n%6d %10.3f", n - 1, value(n - 1, 0));
      CHECK_CONTAINS(text.data, row);
      CHECK(strstr(text.data, "\n     0      0.000") == NULL);
      CHECK_CONTAINS(text.data, "(the 1 slowest of");
      cubie_strbuf_free(&text);
    }
  } else {
    CHECK_INT(table.n_ranks, 0);
    CHECK(table.runs == NULL && table.seconds[0] == NULL);
  }
  cubie_timing_table_free(&table);
  CHECK(table.runs == NULL);
  MPI_Finalize();
  CHECK_DONE();
}
