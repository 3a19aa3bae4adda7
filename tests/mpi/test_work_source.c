/* Work source sizing (run.max_item_seconds): every rank's first piece is
 * the probe; then each piece holds at most twice the runs of the one
 * before (the ramp) and at most what the latest item's time per run says
 * takes max_item_seconds (each rank by its own rate: here rank r is r+1
 * times slower; and a rank whose runs get 4 times dearer half-way gets
 * shorter pieces from then on); every rank hands out the same number of
 * pieces (padding with empty ones), so collective writes stay in step; the
 * pieces cover the rank's runs exactly, in order. Without sizing the
 * pieces are the chunk as before. piece_length rounds down and keeps
 * 1 <= length <= cap. */
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

/* Pieces the ramp and a fixed cut make of `runs` after the probe. */
static long long ramp_count(long long runs, long long first, long long cut) {
  long long count = 1, left = runs - first, ramp = 2 * first;
  while (left > 0) {
    long long len = ramp < cut ? ramp : cut;
    left -= len < left ? len : left;
    count++;
    ramp = 2 * ramp < cut ? 2 * ramp : cut;
  }
  return count;
}

/* Hand out every piece of a static source; returns how many. Runs past
 * `dearer_from` cost 4 times as much. */
static long long drain(int rank, int n, double max_seconds, long long total, long long piece_runs,
                       long long first, long long dearer_from, long long *expect_cut) {
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
  long long next_run = o.block.start, count = 0, item = 0, last_n = 0;
  double last_per_run = 0.0;
  cubie_run_piece piece;
  while (cubie_work_source_next(s, &piece)) {
    if (piece.n > 0) {
      CHECK_INT(piece.start, next_run); /* in order, no gap, no overlap */
      next_run += piece.n;
      if (max_seconds > 0 && count == 0) {
        CHECK_INT(piece.n, first < o.block.count ? first : o.block.count);
      } else if (max_seconds > 0) {
        CHECK(piece.n <= 2 * last_n); /* the ramp */
        CHECK(piece.n <= cubie_work_source_piece_length(max_seconds, last_per_run, piece_runs));
      } else {
        CHECK(piece.n <= piece_runs);
      }
      last_n = piece.n;
      last_per_run = piece.start + piece.n > dearer_from ? 4 * per_run : per_run;
      cubie_work_source_item_timed(s, item, piece.n, last_per_run * (double)piece.n);
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

static void check_same_everywhere(long long count) {
  long long least = 0, most = 0;
  MPI_Allreduce(&count, &least, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&count, &most, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  CHECK_INT(least, most); /* the same collective sequence everywhere */
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  piece_length();
  long long cut = 0, never = 1LL << 40;
  /* 1000 runs per rank, one chunk holds them all; items of at most 1 s
   * at 0.01 (r+1) s per run: 100 / (r+1) runs, reached by doubling from
   * the 16-run probe. The slowest rank makes the most pieces. */
  long long count = drain(rank, n, 1.0, 1000LL * n, 1000, 16, never, &cut);
  CHECK_INT(cut, 100 / (rank + 1));
  check_same_everywhere(count);
  CHECK_INT(count, ramp_count(1000, 16, 100 / n));
  /* Runs 4 times dearer from the middle of every rank's block on: shorter
   * pieces from then on, still the same count everywhere. */
  count = drain(rank, n, 1.0, 1000LL * n, 1000, 16, 500, &cut);
  check_same_everywhere(count);
  CHECK(count > ramp_count(1000, 16, 100 / n));
  /* No sizing: pieces of the chunk (250 runs), four per rank. */
  count = drain(rank, n, 0.0, 1000LL * n, 250, 16, never, &cut);
  CHECK_INT(count, 4);
  /* A rank with fewer runs than the probe still agrees with the others. */
  count = drain(rank, n, 1.0, 5LL * n, 1000, 16, never, &cut);
  CHECK_INT(count, 1);
  MPI_Finalize();
  CHECK_DONE();
}
