/* Work source sizing (run.max_item_seconds): every rank's first piece is
 * the probe; from its measured time per run the rest of the rank's runs
 * are cut into pieces that take at most max_item_seconds (each rank by its
 * own rate: here rank r is r+1 times slower), and every rank hands out the
 * same number of pieces (padding with empty ones), so collective writes
 * stay in step; the pieces cover the rank's runs exactly, in order. Without
 * sizing the pieces are the chunk as before. piece_length rounds down and
 * keeps 1 <= length <= cap. */
#include <stdlib.h>

#include "check.h"
#include "mpi/decomposer.h"
#include "mpi/work_source.h"
#include "plan/run_set.h"

static void piece_length(void) {
  CHECK_INT(cubie_work_source_piece_length(60.0, 0.5, 1000), 120);
  CHECK_INT(cubie_work_source_piece_length(60.0, 0.7, 1000), 85);
  CHECK_INT(cubie_work_source_piece_length(60.0, 100.0, 1000), 1); /* a run longer than an item */
  CHECK_INT(cubie_work_source_piece_length(60.0, 1e-9, 1000), 1000);
  CHECK_INT(cubie_work_source_piece_length(60.0, 0.0, 1000), 1000); /* nothing measured */
  CHECK_INT(cubie_work_source_piece_length(0.0, 0.5, 1000), 1000);  /* no bound */
}

/* Hand out every piece of a static source; returns how many. */
static long long drain(int rank, int n, double max_seconds, long long total, long long piece_runs,
                       long long first, long long *expect_cut) {
  cubie_run_set runs;
  CHECK_OK(cubie_run_set_init_all(&runs, total));
  cubie_work_source_options o = {.comm = MPI_COMM_WORLD,
                                 .runs = &runs,
                                 .block = cubie_decomposer_static_block(total, n, rank),
                                 .piece_runs = piece_runs,
                                 .max_item_seconds = max_seconds,
                                 .first_piece_runs = first,
                                 .threaded = false};
  cubie_work_source *s = NULL;
  CHECK_OK(cubie_work_source_create(&o, &s));
  double per_run = 0.01 * (rank + 1);
  *expect_cut = cubie_work_source_piece_length(max_seconds, per_run, piece_runs);
  long long next_run = o.block.start, count = 0, item = 0;
  cubie_run_piece piece;
  while (cubie_work_source_next(s, &piece)) {
    if (piece.n > 0) {
      CHECK_INT(piece.start, next_run); /* in order, no gap, no overlap */
      next_run += piece.n;
      if (count == 0 && max_seconds > 0) CHECK_INT(piece.n, first < o.block.count ? first : o.block.count);
      else if (max_seconds > 0) CHECK(piece.n <= *expect_cut);
      else CHECK(piece.n <= piece_runs);
      cubie_work_source_item_timed(s, item, piece.n, per_run * (double)piece.n);
    }
    CHECK_OK(cubie_work_source_item_done(s, item, true, true));
    count++;
    item++;
  }
  CHECK_INT(next_run, o.block.start + o.block.count); /* every run of the block */
  if (max_seconds > 0 && o.block.count > first)
    CHECK(cubie_work_source_item_seconds(s) > 0.0);
  cubie_work_source_destroy(&s);
  cubie_run_set_free(&runs);
  return count;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  piece_length();
  long long cut = 0;
  /* 1000 runs per rank, one chunk holds them all; items of at most 1 s
   * at 0.01 (r+1) s per run: 100 / (r+1) runs. */
  long long count = drain(rank, n, 1.0, 1000LL * n, 1000, 16, &cut);
  CHECK_INT(cut, 100 / (rank + 1));
  long long least = 0, most = 0;
  MPI_Allreduce(&count, &least, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&count, &most, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  CHECK_INT(least, most); /* the same collective sequence everywhere */
  /* The slowest rank: the probe, then ceil(984 / cut) pieces. */
  long long slow_cut = 100 / n;
  CHECK_INT(most, 1 + (1000 - 16 + slow_cut - 1) / slow_cut);
  /* No sizing: pieces of the chunk (250 runs), four per rank. */
  count = drain(rank, n, 0.0, 1000LL * n, 250, 16, &cut);
  CHECK_INT(count, 4);
  /* A rank with fewer runs than the probe still plans with the others. */
  count = drain(rank, n, 1.0, 5LL * n, 1000, 16, &cut);
  CHECK_INT(count, 1);
  MPI_Finalize();
  CHECK_DONE();
}
