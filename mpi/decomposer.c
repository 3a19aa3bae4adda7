/* decomposer.c — rank decomposition of the run index space (see decomposer.h). */
#include "mpi/decomposer.h"

#include <math.h>
#include <stdlib.h>

#include "util/error.h"
#include "mpi/mpi_call.h"
#include "mpi/timing.h"

cubie_run_block cubie_decomposer_static_block(long long total_runs, int n_ranks, int rank) {
  long long base = total_runs / n_ranks, extra = total_runs % n_ranks;
  cubie_run_block b;
  b.count = base + (rank < extra ? 1 : 0);
  b.start = (long long)rank * base + (rank < extra ? rank : extra);
  return b;
}

/* ---- weighted ---------------------------------------------------------- */

typedef struct share_remainder {
  long double frac;
  int rank;
} share_remainder;

/* Largest fraction first; equal fractions: lower rank first. */
static int by_fraction_desc(const void *a, const void *b) {
  const share_remainder *x = a, *y = b;
  if (x->frac > y->frac) return -1;
  if (x->frac < y->frac) return 1;
  return (x->rank > y->rank) - (x->rank < y->rank);
}

int cubie_decomposer_weighted_blocks(long long total_runs, int n_ranks, const double *weights,
                                     cubie_run_block *blocks) {
  CUBIE_CHECK(n_ranks >= 1, CUBIE_ERR_INTERNAL, "weighted decomposition over %d ranks", n_ranks);
  CUBIE_CHECK(total_runs >= 0, CUBIE_ERR_INTERNAL, "weighted decomposition of %lld runs",
              total_runs);
  double largest = 0.0;
  for (int r = 0; r < n_ranks; r++) {
    CUBIE_CHECK(isfinite(weights[r]) && weights[r] >= 0.0, CUBIE_ERR_INTERNAL,
                "decomposition weight of rank %d is %g; weights must be finite and >= 0", r,
                weights[r]);
    if (weights[r] > largest) largest = weights[r];
  }
  if (largest == 0.0) {
    for (int r = 0; r < n_ranks; r++)
      blocks[r] = cubie_decomposer_static_block(total_runs, n_ranks, r);
    return CUBIE_OK;
  }
  share_remainder *rem = malloc(sizeof *rem * (size_t)n_ranks);
  CUBIE_CHECK(rem, CUBIE_ERR_MEMORY, "out of memory decomposing runs over %d ranks", n_ranks);
  /* Scale by the largest weight first so the sum cannot overflow; long
   * double keeps total_runs * share exact well past 2^53 runs. */
  long double sum = 0.0L;
  for (int r = 0; r < n_ranks; r++) sum += (long double)weights[r] / largest;
  long long assigned = 0;
  for (int r = 0; r < n_ranks; r++) {
    long double quota = (long double)total_runs * ((long double)weights[r] / largest) / sum;
    long long base = (long long)floorl(quota);
    if (base > total_runs) base = total_runs;
    if (base < 0) base = 0;
    blocks[r].count = base;
    rem[r].frac = weights[r] > 0.0 ? quota - (long double)base : -1.0L;
    rem[r].rank = r;
    assigned += base;
  }
  qsort(rem, (size_t)n_ranks, sizeof *rem, by_fraction_desc);
  /* Hamilton's method: the runs floor() left over go one each to the
   * largest remainders. Rounding in the quotas can leave the sum off by a
   * few in either direction; the loops below absorb that too, and only
   * ever touch ranks with a positive weight. */
  long long left = total_runs - assigned;
  int positive = 0; /* ranks with a positive weight: sorted to the front */
  while (positive < n_ranks && rem[positive].frac >= 0.0L) positive++;
  for (int i = 0; left > 0; i = (i + 1) % positive) {
    blocks[rem[i].rank].count++;
    left--;
  }
  for (int i = positive - 1; left < 0; i = (i + positive - 1) % positive) {
    if (blocks[rem[i].rank].count > 0) {
      blocks[rem[i].rank].count--;
      left++;
    }
  }
  free(rem);
  long long next = 0;
  for (int r = 0; r < n_ranks; r++) {
    blocks[r].start = next;
    next += blocks[r].count;
  }
  return CUBIE_OK;
}

int cubie_decomposer_weighted_block(MPI_Comm comm, long long total_runs, double weight,
                                    cubie_run_block *block, double *weights_out) {
  int rank, n_ranks;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(comm, &n_ranks));
  double *weights = malloc(sizeof *weights * (size_t)n_ranks);
  cubie_run_block *blocks = malloc(sizeof *blocks * (size_t)n_ranks);
  int rc = weights && blocks
               ? CUBIE_OK
               : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory gathering %d weights", n_ranks);
  rc = cubie_mpi_agree(comm, rc);
  if (!rc) {
    int mpi_rc = MPI_Allgather(&weight, 1, MPI_DOUBLE, weights, 1, MPI_DOUBLE, comm);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Allgather of the weights");
  }
  /* Every rank computes the same blocks from the same gathered weights
   * (same binary, C11 without FP contraction), so no second exchange is
   * needed and an invalid weight fails everywhere alike. */
  if (!rc) rc = cubie_decomposer_weighted_blocks(total_runs, n_ranks, weights, blocks);
  if (!rc) {
    *block = blocks[rank];
    if (weights_out)
      for (int r = 0; r < n_ranks; r++) weights_out[r] = weights[r];
  }
  free(weights);
  free(blocks);
  return rc;
}

int cubie_decomposer_measure_rate(cubie_calibrate_fn compute, void *ctx, long long start,
                                  long long count, double *runs_per_second) {
  *runs_per_second = 0.0;
  CUBIE_CHECK(count > 0, CUBIE_ERR_INTERNAL, "calibration needs at least one run");
  long long warm = count < CUBIE_CALIBRATE_WARMUP_RUNS ? count : CUBIE_CALIBRATE_WARMUP_RUNS;
  CUBIE_CALL(compute(ctx, start, warm));
  double t0 = cubie_timing_now();
  CUBIE_CALL(compute(ctx, start, count));
  double elapsed = cubie_timing_now() - t0;
  /* A sample too fast for the clock still gives a finite, positive rate. */
  if (elapsed < 1e-9) elapsed = 1e-9;
  *runs_per_second = (double)count / elapsed;
  return CUBIE_OK;
}

cubie_run_block cubie_decomposer_calibration_sample(long long total_runs, long long requested) {
  long long n = requested;
  if (n <= 0) {
    n = total_runs / 1000;
    if (n < 256) n = 256;
  }
  if (n > total_runs) n = total_runs;
  cubie_run_block b = {(total_runs - n) / 2, n};
  return b;
}

int cubie_decomposer_calibrate(MPI_Comm comm, long long total_runs, long long sample_runs,
                               cubie_calibrate_fn compute, void *ctx, cubie_run_block *block,
                               double *rates_out) {
  cubie_run_block sample = cubie_decomposer_calibration_sample(total_runs, sample_runs);
  double rate = 0.0;
  int rc = CUBIE_OK;
  if (sample.count > 0)
    rc = cubie_decomposer_measure_rate(compute, ctx, sample.start, sample.count, &rate);
  rc = cubie_mpi_agree(comm, rc);
  if (rc) return rc;
  return cubie_decomposer_weighted_block(comm, total_runs, rate, block, rates_out);
}

/* ---- dynamic ----------------------------------------------------------- */

long long cubie_decomposer_dynamic_block_length(long long total_runs, int n_ranks,
                                                long long requested, long long min_block,
                                                long long max_block) {
  long long len = requested;
  if (len <= 0) {
    long long claims = (long long)CUBIE_DYNAMIC_BLOCKS_PER_RANK * (n_ranks > 0 ? n_ranks : 1);
    len = total_runs > 0 ? (total_runs + claims - 1) / claims : 1;
    if (len < min_block) len = min_block;
  }
  if (max_block > 0 && len > max_block) len = max_block;
  return len > 0 ? len : 1;
}

struct cubie_run_counter {
  MPI_Win win;
  MPI_Comm poll_comm; /* private: nothing is ever sent on it */
  int rank;
  long long *value; /* rank 0: the number of blocks handed out (or more) */
  long long total_runs, block_runs, n_blocks;
  long long claimed;
  int exhausted; /* this rank has seen the counter pass n_blocks */
};

int cubie_run_counter_create(MPI_Comm comm, long long total_runs, long long block_runs,
                             cubie_run_counter **counter) {
  *counter = NULL;
  CUBIE_CHECK(block_runs >= 1 && total_runs >= 0, CUBIE_ERR_INTERNAL,
              "run counter of %lld runs in blocks of %lld", total_runs, block_runs);
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  cubie_run_counter *c = calloc(1, sizeof *c);
  CUBIE_CHECK(c, CUBIE_ERR_MEMORY, "out of memory creating the run counter");
  c->rank = rank;
  c->total_runs = total_runs;
  c->block_runs = block_runs;
  c->n_blocks = (total_runs + block_runs - 1) / block_runs;
  MPI_Aint size = rank == 0 ? (MPI_Aint)sizeof(long long) : 0;
  int mpi_rc =
      MPI_Win_allocate(size, (int)sizeof(long long), MPI_INFO_NULL, comm, &c->value, &c->win);
  if (mpi_rc != MPI_SUCCESS) {
    free(c);
    return CUBIE_MPI_ERROR(mpi_rc, "MPI_Win_allocate of the run counter");
  }
  /* Rank 0 zeroes the counter inside an exclusive epoch so the store is in
   * the window's public copy before anyone's first fetch-and-add. */
  if (rank == 0) {
    CUBIE_MPI_CALL(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, c->win));
    *c->value = 0;
    CUBIE_MPI_CALL(MPI_Win_unlock(0, c->win));
  }
  CUBIE_MPI_CALL(MPI_Comm_dup(comm, &c->poll_comm));
  CUBIE_MPI_CALL(MPI_Barrier(comm)); /* the zero is in place before any claim */
  CUBIE_MPI_CALL(MPI_Win_lock_all(MPI_MODE_NOCHECK, c->win));
  *counter = c;
  return CUBIE_OK;
}

/* One atomic fetch-and-add on rank 0's counter, completed before return.
 * Only MPI_SUM is ever applied (the window's default accumulate_ops is
 * same_op_no_op), which is why cancelling adds instead of replacing. */
static int fetch_add(cubie_run_counter *c, long long add, long long *old) {
  CUBIE_MPI_CALL(MPI_Fetch_and_op(&add, old, MPI_LONG_LONG, 0, 0, MPI_SUM, c->win));
  CUBIE_MPI_CALL(MPI_Win_flush(0, c->win));
  return CUBIE_OK;
}

int cubie_run_counter_claim(cubie_run_counter *c, cubie_run_block *block) {
  block->start = c->total_runs;
  block->count = 0;
  if (c->exhausted) return CUBIE_OK;
  long long index = 0;
  CUBIE_CALL(fetch_add(c, 1, &index));
  if (index >= c->n_blocks) {
    c->exhausted = 1;
    return CUBIE_OK;
  }
  block->start = index * c->block_runs;
  block->count =
      c->total_runs - block->start < c->block_runs ? c->total_runs - block->start : c->block_runs;
  c->claimed++;
  return CUBIE_OK;
}

int cubie_run_counter_cancel(cubie_run_counter *c) {
  long long old = 0;
  /* Adding n_blocks puts the counter past the end whatever it was; even
   * every rank cancelling stays far from overflow (n_blocks <= total_runs). */
  CUBIE_CALL(fetch_add(c, c->n_blocks, &old));
  c->exhausted = 1;
  return CUBIE_OK;
}

int cubie_run_counter_poll(cubie_run_counter *c) {
  if (c->rank != 0) return CUBIE_OK;
  int flag = 0;
  CUBIE_MPI_CALL(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->poll_comm, &flag, MPI_STATUS_IGNORE));
  return CUBIE_OK;
}

long long cubie_run_counter_claimed(const cubie_run_counter *c) { return c ? c->claimed : 0; }

int cubie_run_counter_destroy(cubie_run_counter **counter) {
  cubie_run_counter *c = *counter;
  if (!c) return CUBIE_OK;
  *counter = NULL;
  int rc = CUBIE_OK;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Win_unlock_all(c->win));
  CUBIE_MPI_CALL_KEEP(rc, MPI_Win_free(&c->win));
  CUBIE_MPI_CALL_KEEP(rc, MPI_Comm_free(&c->poll_comm));
  free(c);
  return rc;
}
