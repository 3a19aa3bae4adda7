/* Weighted decomposition: contiguous blocks in rank order whose counts add
 * up to total_runs exactly and follow the weights (largest remainder), for
 * many weight sets; then the collective versions on however many ranks
 * mpiexec started: every rank gets its share of the agreed weights, and
 * calibration through a callback covers every run exactly once. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "mpi/decomposer.h"

/* Every run exactly once, in rank order; zero weight -> zero runs; each
 * count within 1 of its exact quota (what largest-remainder guarantees). */
static void check_blocks(long long total, int n, const double *w) {
  cubie_run_block b[16];
  CHECK_OK(cubie_decomposer_weighted_blocks(total, n, w, b));
  long double sum = 0.0L, largest = 0.0L;
  for (int r = 0; r < n; r++) {
    sum += w[r];
    if (w[r] > largest) largest = w[r];
  }
  long long next = 0;
  for (int r = 0; r < n; r++) {
    CHECK_INT(b[r].start, next);
    CHECK(b[r].count >= 0);
    next += b[r].count;
    if (largest == 0.0L) continue;
    long double quota = (long double)total * w[r] / sum;
    CHECK(fabsl((long double)b[r].count - quota) < 1.0L + 1e-9L * quota);
    if (w[r] == 0.0) CHECK_INT(b[r].count, 0);
  }
  CHECK_INT(next, total);
}

static void pure_arithmetic(void) {
  const long long totals[] = {
      0, 1, 2, 3, 7, 100, 103, 1000, 999983, 1000000007LL, 123456789012345LL};
  const double sets[][4] = {
      {1, 1, 1, 1},      {1, 2, 3, 4},          {4, 3, 2, 1},          {1, 0, 0, 1},
      {1e-300, 1, 1, 1}, {1, 1e-12, 1, 1},      {1e300, 1e-300, 1, 0}, {0.1, 0.2, 0.3, 0.4},
      {3, 3, 3, 1e-9},   {1000, 2000, 1500, 1}, {2.5, 2.5, 2.5, 2.5},  {0, 0, 0, 7},
  };
  for (size_t t = 0; t < sizeof totals / sizeof totals[0]; t++)
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
      for (int n = 1; n <= 4; n++) check_blocks(totals[t], n, sets[s]);

  /* Exact rounding cases worked by hand: 10 runs at 1:1:1 -> 4,3,3 (tie
   * goes to the lower rank); 10 at 1:2 -> 3.33,6.67 -> 3,7. */
  cubie_run_block b[4];
  const double even[3] = {1, 1, 1};
  CHECK_OK(cubie_decomposer_weighted_blocks(10, 3, even, b));
  CHECK_INT(b[0].count, 4);
  CHECK_INT(b[1].count, 3);
  CHECK_INT(b[2].count, 3);
  const double third[2] = {1, 2};
  CHECK_OK(cubie_decomposer_weighted_blocks(10, 2, third, b));
  CHECK_INT(b[0].count, 3);
  CHECK_INT(b[1].count, 7);
  CHECK_INT(b[1].start, 3);
  /* Equal weights reproduce the static split exactly. */
  const double four[4] = {5, 5, 5, 5};
  CHECK_OK(cubie_decomposer_weighted_blocks(103, 4, four, b));
  for (int r = 0; r < 4; r++) {
    cubie_run_block s = cubie_decomposer_static_block(103, 4, r);
    CHECK_INT(b[r].start, s.start);
    CHECK_INT(b[r].count, s.count);
  }
  /* All zero falls back to static; invalid weights are refused. */
  const double zeros[3] = {0, 0, 0};
  CHECK_OK(cubie_decomposer_weighted_blocks(10, 3, zeros, b));
  CHECK_INT(b[0].count, 4);
  const double negative[2] = {1, -1};
  CHECK_FAILS(cubie_decomposer_weighted_blocks(10, 2, negative, b), CUBIE_ERR_INTERNAL);
  const double nan_weight[2] = {1, NAN};
  CHECK_FAILS(cubie_decomposer_weighted_blocks(10, 2, nan_weight, b), CUBIE_ERR_INTERNAL);
  /* Many ranks: a long weight vector still sums exactly. */
  enum { MANY = 1000 };
  double *w = malloc(sizeof *w * MANY);
  cubie_run_block *many = malloc(sizeof *many * MANY);
  for (int r = 0; r < MANY; r++) w[r] = 1.0 + (double)(r % 7) * 0.37 + (r % 13 == 0 ? 1e-15 : 0.0);
  CHECK_OK(cubie_decomposer_weighted_blocks(1234567, MANY, w, many));
  long long next = 0;
  for (int r = 0; r < MANY; r++) {
    CHECK_INT(many[r].start, next);
    next += many[r].count;
  }
  CHECK_INT(next, 1234567);
  free(w);
  free(many);

  /* The calibration sample is the middle of the sweep, the same for all. */
  cubie_run_block s = cubie_decomposer_calibration_sample(1000000, 0);
  CHECK_INT(s.count, 1000);
  CHECK_INT(s.start, 499500);
  s = cubie_decomposer_calibration_sample(100, 0);
  CHECK_INT(s.count, 100);
  CHECK_INT(s.start, 0);
  s = cubie_decomposer_calibration_sample(100, 10);
  CHECK_INT(s.start, 45);
}

/* Gather every rank's block and check the cover. */
static void check_cover(MPI_Comm comm, long long total, cubie_run_block mine) {
  int n;
  MPI_Comm_size(comm, &n);
  long long *all = malloc(sizeof *all * 2 * (size_t)n);
  long long pair[2] = {mine.start, mine.count};
  MPI_Allgather(pair, 2, MPI_LONG_LONG, all, 2, MPI_LONG_LONG, comm);
  long long next = 0;
  for (int r = 0; r < n; r++) {
    CHECK_INT(all[2 * r], next);
    next += all[2 * r + 1];
  }
  CHECK_INT(next, total);
  free(all);
}

typedef struct sample_ctx {
  long long calls, runs;
  int fail;
  volatile double sink;
} sample_ctx;

/* A stand-in for computing runs: deterministic work proportional to count. */
static int compute_sample(void *ctx, long long start, long long count) {
  sample_ctx *c = ctx;
  if (c->fail) return CUBIE_RAISE(CUBIE_ERR_BACKEND, "device lost while calibrating");
  c->calls++;
  c->runs += count;
  double acc = 0.0;
  for (long long i = 0; i < count * 2000; i++) acc += sin((double)(start + i));
  c->sink = acc;
  return CUBIE_OK;
}

static void collective(void) {
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  /* Rank r weighs r + 1 (rank 1 nearly nothing): blocks follow the
   * gathered weights exactly as the pure function computes them. */
  double weight = rank == 1 ? 1e-12 : (double)(rank + 1);
  double *weights = malloc(sizeof *weights * (size_t)n);
  cubie_run_block *expect = malloc(sizeof *expect * (size_t)n);
  cubie_run_block mine;
  CHECK_OK(cubie_decomposer_weighted_block(MPI_COMM_WORLD, 100003, weight, &mine, weights));
  for (int r = 0; r < n; r++) CHECK(weights[r] == (r == 1 ? 1e-12 : (double)(r + 1)));
  CHECK_OK(cubie_decomposer_weighted_blocks(100003, n, weights, expect));
  CHECK_INT(mine.start, expect[rank].start);
  CHECK_INT(mine.count, expect[rank].count);
  check_cover(MPI_COMM_WORLD, 100003, mine);

  /* An invalid weight on one rank fails every rank alike. */
  double bad = rank == n - 1 ? -1.0 : 1.0;
  CHECK_FAILS(cubie_decomposer_weighted_block(MPI_COMM_WORLD, 10, bad, &mine, NULL),
              CUBIE_ERR_INTERNAL);

  /* Calibration: warm-up then the timed sample, each on every rank. */
  sample_ctx ctx = {0, 0, 0, 0.0};
  double *rates = malloc(sizeof *rates * (size_t)n);
  CHECK_OK(
      cubie_decomposer_calibrate(MPI_COMM_WORLD, 5000, 300, compute_sample, &ctx, &mine, rates));
  CHECK_INT(ctx.calls, 2);
  CHECK_INT(ctx.runs, CUBIE_CALIBRATE_WARMUP_RUNS + 300);
  for (int r = 0; r < n; r++) CHECK(rates[r] > 0.0 && isfinite(rates[r]));
  check_cover(MPI_COMM_WORLD, 5000, mine);

  /* A callback failing on the last rank fails the calibration everywhere. */
  sample_ctx failing = {0, 0, rank == n - 1, 0.0};
  int rc =
      cubie_decomposer_calibrate(MPI_COMM_WORLD, 5000, 300, compute_sample, &failing, &mine, NULL);
  CHECK_INT(rc, CUBIE_ERR_BACKEND);
  if (rank != n - 1 && n > 1)
    CHECK_CONTAINS(cubie_error_message(), "device lost while calibrating");
  free(weights);
  free(expect);
  free(rates);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  pure_arithmetic();
  collective();
  MPI_Finalize();
  CHECK_DONE();
}
