/* Dynamic self-scheduling: ranks claim run blocks from the shared counter
 * until it passes total_runs. Under contention (every rank claiming tiny
 * blocks as fast as it can) every run is claimed exactly once; after a
 * cancel every further claim on every rank is empty; the automatic block
 * length follows its documented formula. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mpi/decomposer.h"

static void block_length_rules(void) {
  /* auto: ceil(total / (16 * ranks)), raised to min_block, capped at max_block */
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000000, 4, 0, 0, 0), 15625);
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000001, 4, 0, 0, 0), 15626);
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000000, 4, 0, 20000, 0), 20000);
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000000, 4, 0, 0, 1000), 1000);
  CHECK_INT(cubie_decomposer_dynamic_block_length(10, 64, 0, 0, 0), 1);
  CHECK_INT(cubie_decomposer_dynamic_block_length(0, 4, 0, 0, 0), 1);
  /* run.dynamic_block is used as given, but never beyond what a chunk holds */
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000000, 4, 7, 20000, 0), 7);
  CHECK_INT(cubie_decomposer_dynamic_block_length(1000000, 4, 5000, 0, 4096), 4096);
}

typedef struct claimer {
  cubie_run_counter *counter;
  long long total, block, cap, n_mine;
  long long *mine; /* [start, count] pairs */
  int rc;
} claimer;

static void *claim_until_empty(void *arg) {
  claimer *c = arg;
  for (;;) {
    cubie_run_block b;
    c->rc = cubie_run_counter_claim(c->counter, &b);
    if (c->rc) return NULL;
    if (b.count == 0) {
      CHECK_INT(b.start, c->total);
      return NULL;
    }
    CHECK(b.count <= c->block && b.start + b.count <= c->total && b.start % c->block == 0);
    if (c->n_mine < c->cap) {
      c->mine[2 * c->n_mine] = b.start;
      c->mine[2 * c->n_mine + 1] = b.count;
    }
    c->n_mine++;
  }
}

/* Claim until empty with blocks of `block` runs; gather every claimed
 * block on rank 0 and check each of `total` runs was claimed once. */
static void claim_all(long long total, long long block) {
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  cubie_run_counter *counter = NULL;
  CHECK_OK(cubie_run_counter_create(MPI_COMM_WORLD, total, block, &counter));
  long long cap = total / block + 2;
  claimer c = {counter, total, block, cap, 0, malloc(sizeof(long long) * 2 * (size_t)cap), 0};
  /* Claims come from a second thread, as they would from the chunk
   * loop's writer thread (MPI_THREAD_SERIALIZED: one thread at a time). */
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, claim_until_empty, &c) == 0);
  pthread_join(thread, NULL);
  CHECK_OK(c.rc);
  long long n_mine = c.n_mine, *mine = c.mine;
  CHECK(n_mine < cap);
  CHECK_INT(cubie_run_counter_claimed(counter), n_mine);
  /* Exhausted stays exhausted. */
  cubie_run_block again;
  CHECK_OK(cubie_run_counter_claim(counter, &again));
  CHECK_INT(again.count, 0);
  CHECK_OK(cubie_run_counter_destroy(&counter));
  CHECK(counter == NULL);

  int count = (int)(2 * n_mine);
  int *counts = rank == 0 ? malloc(sizeof *counts * (size_t)n) : NULL;
  int *displs = rank == 0 ? malloc(sizeof *displs * (size_t)n) : NULL;
  MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
  long long *all = NULL;
  int sum = 0;
  if (rank == 0) {
    for (int r = 0; r < n; r++) {
      displs[r] = sum;
      sum += counts[r];
    }
    all = malloc(sizeof *all * (size_t)(sum ? sum : 1));
  }
  MPI_Gatherv(mine, count, MPI_LONG_LONG, all, counts, displs, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    unsigned char *seen = calloc((size_t)total, 1);
    long long covered = 0, twice = 0;
    for (int i = 0; i < sum; i += 2)
      for (long long k = all[i]; k < all[i] + all[i + 1]; k++) {
        if (seen[k]) twice++;
        seen[k] = 1;
        covered++;
      }
    CHECK_INT(twice, 0);
    CHECK_INT(covered, total);
    free(seen);
  }
  free(all);
  free(counts);
  free(displs);
  free(mine);
}

/* After one rank cancels, no rank gets another block. */
static void cancel_stops_everyone(void) {
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  cubie_run_counter *counter = NULL;
  CHECK_OK(cubie_run_counter_create(MPI_COMM_WORLD, 100000, 10, &counter));
  cubie_run_block b;
  CHECK_OK(cubie_run_counter_claim(counter, &b));
  CHECK_INT(b.count, 10);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == n - 1) CHECK_OK(cubie_run_counter_cancel(counter));
  MPI_Barrier(MPI_COMM_WORLD); /* the cancel is complete at rank 0 (flushed) */
  CHECK_OK(cubie_run_counter_claim(counter, &b));
  CHECK_INT(b.count, 0);
  CHECK_INT(cubie_run_counter_claimed(counter), 1);
  CHECK_OK(cubie_run_counter_destroy(&counter));
}

int main(int argc, char **argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  CHECK(provided >= MPI_THREAD_SERIALIZED);
  block_length_rules();
  claim_all(1000, 1);  /* a thousand one-run claims racing */
  claim_all(10007, 3); /* dangling last block of 2 runs */
  claim_all(5, 100);   /* one block shorter than the block length */
  claim_all(0, 4);     /* nothing to claim */
  cancel_stops_everyone();
  MPI_Finalize();
  CHECK_DONE();
}
