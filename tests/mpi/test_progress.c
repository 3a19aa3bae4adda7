/* Progress: after many adds from every rank (no flushes, no barriers) the
 * total rank 0 reads at finish is exact; rank 0's lines come every
 * `interval` seconds of a fake clock when not a terminal, redrawn with a
 * carriage return on a terminal, never with no stream; the text has done,
 * total, percent, rate and ETA. Estimates (runs still in flight) move the
 * lines between adds but never the final count, which is the written runs
 * exactly. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mpi/progress.h"

static double fake_now = 0.0;
static double fake_clock(void) { return fake_now; }

static char *slurp(FILE *f) {
  long size = ftell(f);
  rewind(f);
  char *text = calloc((size_t)size + 1, 1);
  if (fread(text, 1, (size_t)size, f) != (size_t)size) text[0] = '\0';
  return text;
}

static int count_char(const char *s, char c) {
  int n = 0;
  for (; *s; s++) n += *s == c;
  return n;
}

/* As in the chunk loop: the adds come from a second thread (the writer),
 * the only thread making MPI calls meanwhile (MPI_THREAD_SERIALIZED). */
typedef struct adder {
  cubie_progress *p;
  int rank, rc;
} adder;

static void *add_from_writer(void *arg) {
  adder *a = arg;
  for (int i = 0; i < 3000 && !a->rc; i++) a->rc = cubie_progress_add(a->p, 1 + (a->rank + i) % 7);
  return NULL;
}

/* Every rank adds 1..7 runs 3000 times, batched (push_interval 0: every
 * add tries to send) — the exact sum must arrive. */
static void exact_total(int rank, int n) {
  cubie_progress_options o = cubie_progress_defaults(0, NULL);
  o.push_interval = 0.0;
  long long expect_total = 0, mine = 0;
  for (int r = 0; r < n; r++)
    for (int i = 0; i < 3000; i++) expect_total += 1 + (r + i) % 7;
  o.total_runs = expect_total;
  cubie_progress *p = NULL;
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  for (int i = 0; i < 3000; i++) {
    CHECK_OK(cubie_progress_add(p, 1 + (rank + i) % 7));
    mine += 1 + (rank + i) % 7;
  }
  long long done = -1;
  CHECK_OK(cubie_progress_finish(p, &done));
  CHECK_INT(done, rank == 0 ? expect_total : 0);
  CHECK_OK(cubie_progress_destroy(&p));
  CHECK(p == NULL);

  /* The default batching (1 s) loses nothing either, from a writer thread. */
  o = cubie_progress_defaults(expect_total, NULL);
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  adder a = {p, rank, 0};
  pthread_t writer;
  CHECK(pthread_create(&writer, NULL, add_from_writer, &a) == 0);
  pthread_join(writer, NULL);
  CHECK_OK(a.rc);
  CHECK_OK(cubie_progress_finish(p, &done));
  CHECK_INT(done, rank == 0 ? expect_total : 0);
  CHECK_OK(cubie_progress_destroy(&p));
  (void)mine;
}

/* Lines at the interval on a fake clock; only rank 0 prints. */
static void periodic_lines(int rank, int n) {
  FILE *f = tmpfile();
  cubie_progress_options o = cubie_progress_defaults(100 * n, f);
  o.interval = 10.0;
  o.terminal = 0;
  o.push_interval = 0.0;
  o.clock = fake_clock;
  fake_now = 0.0;
  cubie_progress *p = NULL;
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  const double times[] = {5.0, 10.0, 15.0, 20.5, 21.0, 29.0};
  for (int i = 0; i < 6; i++) {
    fake_now = times[i];
    CHECK_OK(cubie_progress_add(p, 10));
  }
  fake_now = 40.0;
  MPI_Barrier(MPI_COMM_WORLD);
  CHECK_OK(cubie_progress_finish(p, NULL));
  CHECK_OK(cubie_progress_destroy(&p));
  char *text = slurp(f);
  if (rank == 0) {
    /* t = 10 and t = 20.5 report (10 s apart), then the final line */
    CHECK_INT(count_char(text, '\n'), 3);
    CHECK_INT(count_char(text, '\r'), 0);
    char expect[128];
    /* rank 0's own 20 runs are in by t = 10 (others' may not be yet) */
    CHECK_CONTAINS(text, "runs/s, ETA ");
    if (n == 1) {
      CHECK_CONTAINS(text, "cubie: 20 / 100 runs (20.0%), 2 runs/s, ETA 40s\n");
      CHECK_CONTAINS(text, "cubie: 40 / 100 runs (40.0%), 1.951 runs/s, ETA 31s\n");
    }
    snprintf(expect, sizeof expect, "cubie: %d / %d runs (%.1f%%) in 40s", 60 * n, 100 * n, 60.0);
    CHECK_CONTAINS(text, expect);
  } else {
    CHECK_STR(text, "");
  }
  free(text);
  fclose(f);
}

/* A terminal gets one redrawn line and a final newline; no stream, nothing. */
static void terminal_and_quiet(int rank) {
  FILE *f = tmpfile();
  cubie_progress_options o = cubie_progress_defaults(1000, f);
  o.terminal = 1;
  o.clock = fake_clock;
  fake_now = 0.0;
  cubie_progress *p = NULL;
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  for (int i = 1; i <= 5; i++) {
    fake_now = i; /* past the redraw interval each time */
    CHECK_OK(cubie_progress_add(p, 1));
  }
  CHECK_OK(cubie_progress_finish(p, NULL));
  CHECK_OK(cubie_progress_destroy(&p));
  char *text = slurp(f);
  if (rank == 0) {
    CHECK_INT(count_char(text, '\r'), 6);
    CHECK_INT(count_char(text, '\n'), 1);
    CHECK(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
  }
  free(text);
  fclose(f);

  f = tmpfile();
  o = cubie_progress_defaults(1000, NULL); /* --quiet: no stream */
  o.clock = fake_clock;
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  fake_now = 100.0;
  CHECK_OK(cubie_progress_add(p, 1000));
  long long done = 0;
  CHECK_OK(cubie_progress_finish(p, &done));
  CHECK_OK(cubie_progress_destroy(&p));
  CHECK(ftell(f) == 0);
  fclose(f);
}

/* Estimates: lines show them (never below what was written, never the
 * whole job before it is written); the final line and *done are exact. */
static void estimates(int rank, int n) {
  FILE *f = tmpfile();
  cubie_progress_options o = cubie_progress_defaults(100 * n, f);
  o.interval = 1.0;
  o.terminal = 0;
  o.push_interval = 0.0;
  o.clock = fake_clock;
  fake_now = 0.0;
  cubie_progress *p = NULL;
  CHECK_OK(cubie_progress_create(MPI_COMM_WORLD, &o, &p));
  fake_now = 1.0;
  CHECK_OK(cubie_progress_estimate(p, 30)); /* 30 in flight, nothing written */
  fake_now = 2.0;
  CHECK_OK(cubie_progress_estimate(p, 20)); /* lower: ignored */
  CHECK_OK(cubie_progress_add(p, 10));      /* written 10 < estimate 30 */
  fake_now = 3.0;
  CHECK_OK(cubie_progress_estimate(p, 100)); /* a whole job's worth, still in flight */
  MPI_Barrier(MPI_COMM_WORLD);
  fake_now = 4.0;
  CHECK_OK(cubie_progress_add(p, 0));
  fake_now = 5.0;
  long long done = -1;
  CHECK_OK(cubie_progress_finish(p, &done));
  CHECK_INT(done, rank == 0 ? 10 * n : 0);
  CHECK_OK(cubie_progress_destroy(&p));
  char *text = slurp(f);
  if (rank == 0) {
    /* Rank 0's own estimate shows at once; the last line before the end
     * never claims the whole job (only written runs can). */
    long long first = -1;
    CHECK(sscanf(text, "cubie: %lld / ", &first) == 1);
    /* Others' estimates may have arrived too, up to their last (100 each):
     * the ranks are not in step before the barrier. */
    CHECK(first >= 30 && first <= 30LL + 100LL * (n - 1));
    char expect[128];
    snprintf(expect, sizeof expect, "cubie: %d / %d runs (", 100 * n - 1, 100 * n);
    if (n == 1) CHECK_CONTAINS(text, expect);
    snprintf(expect, sizeof expect, "cubie: %d / %d runs (%.1f%%) in 5s", 10 * n, 100 * n, 10.0);
    CHECK_CONTAINS(text, expect);
  }
  free(text);
  fclose(f);
}

static void formatting(void) {
  char line[256];
  cubie_progress_format(line, sizeof line, 250, 1000, 10.0, false);
  CHECK_STR(line, "cubie: 250 / 1000 runs (25.0%), 25 runs/s, ETA 30s");
  cubie_progress_format(line, sizeof line, 0, 1000, 10.0, false);
  CHECK_STR(line, "cubie: 0 / 1000 runs (0.0%), 0 runs/s, ETA ?");
  cubie_progress_format(line, sizeof line, 1, 1000000, 1.0, false);
  CHECK_STR(line, "cubie: 1 / 1000000 runs (0.0%), 1 runs/s, ETA 11d13h");
  cubie_progress_format(line, sizeof line, 500, 1000, 200.0, false);
  CHECK_STR(line, "cubie: 500 / 1000 runs (50.0%), 2.5 runs/s, ETA 3m20s");
  cubie_progress_format(line, sizeof line, 1000, 1000, 7300.0, true);
  CHECK_STR(line, "cubie: 1000 / 1000 runs (100.0%) in 2h01m, 0.137 runs/s");
}

int main(int argc, char **argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  CHECK(provided >= MPI_THREAD_SERIALIZED);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  formatting();
  exact_total(rank, n);
  periodic_lines(rank, n);
  terminal_and_quiet(rank);
  estimates(rank, n);
  MPI_Finalize();
  CHECK_DONE();
}
