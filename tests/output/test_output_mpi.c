/* The output file written by several ranks at once.
 *
 *   test_output_mpi collective|independent float32|float64 COMPRESSION FILE
 *
 * 23 runs, of which [0, 21) are written and 21, 22 never are.
 * collective: contiguous uneven blocks, one rank with no runs, each block
 *   written in calls of at most run_block runs; ranks with fewer calls pad
 *   with n_runs = 0 so every rank makes the same calls. Then one rank makes
 *   bad calls while the others write nothing: it must fail, and nobody hang.
 * independent: blocks of 3 runs dealt out unevenly (as dynamic scheduling
 *   would), each rank making a different number of calls, no padding.
 * Then every rank must get the same refusal for an existing file and for a
 * missing directory. check_output.py reads FILE afterwards. */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readback.h"

#define TOTAL_RUNS 23
#define WRITTEN_RUNS 21

/* This rank's contiguous share of [0, WRITTEN_RUNS): with 2 ranks rank 0
 * has none; with 3 or more rank 1 has none, the first other rank 13 and the
 * rest share the remaining 8. */
static void static_share(int rank, int size, long long *start, long long *n) {
  int empty = size == 1 ? -1 : (size == 2 ? 0 : 1);
  int m = size - (empty >= 0 ? 1 : 0);
  long long first = m > 1 ? 13 : WRITTEN_RUNS, rest = WRITTEN_RUNS - first;
  *start = 0;
  *n = 0;
  long long at = 0;
  for (int r = 0, i = 0; r < size; r++) {
    if (r == empty) continue;
    long long len = i == 0 ? first : rest / (m - 1) + ((i - 1) < rest % (m - 1) ? 1 : 0);
    if (r == rank) {
      *start = at;
      *n = len;
    }
    at += len;
    i++;
  }
}

static void write_collective(cubie_output *o, const cubie_output_spec *s, int rank, int size) {
  long long start, n;
  static_share(rank, size, &start, &n);
  int my_calls = (int)((n + s->run_block - 1) / s->run_block), calls = 0;
  MPI_Allreduce(&my_calls, &calls, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  CHECK(calls >= 2); /* several calls per rank, some of them padding */
  for (int i = 0; i < calls; i++) {
    long long r0 = start + (long long)i * s->run_block;
    long long count = n - (long long)i * s->run_block;
    if (count > s->run_block) count = s->run_block;
    if (count < 0) count = 0;
    if (count == 0) r0 = 0;
    CHECK_OK(pattern_write_block(o, s, r0, count, i % 2 ? 2 : 5));
  }

  /* One rank asks for runs that do not exist; the others have nothing. */
  double data[8] = {0};
  bool bad = rank == size - 1;
  if (bad) {
    CHECK_FAILS(cubie_output_write_saves(o, TOTAL_RUNS, 1, 0, 1, data), CUBIE_ERR_INTERNAL);
    CHECK_FAILS(cubie_output_write_runs(o, 0, 2, NULL, NULL, NULL, NULL), CUBIE_ERR_INTERNAL);
    CHECK_FAILS(cubie_output_write_summaries(o, 0, 1, 2, 9, data), CUBIE_ERR_INTERNAL);
  } else {
    CHECK_OK(cubie_output_write_saves(o, 0, 0, 0, 0, NULL));
    CHECK_OK(cubie_output_write_runs(o, 0, 0, NULL, NULL, NULL, NULL));
    CHECK_OK(cubie_output_write_summaries(o, 0, 0, 0, 0, NULL));
  }
}

static void write_independent(cubie_output *o, const cubie_output_spec *s, int rank, int size) {
  const long long block = 3;
  int my_calls = 0;
  /* Backwards, so each rank's blocks also arrive out of order. */
  for (long long b = WRITTEN_RUNS / block - 1; b >= 0; b--)
    if ((int)((b * b + 1) % size) == rank) {
      CHECK_OK(pattern_write_block(o, s, b * block, block, 1 + b % 5));
      my_calls++;
    }
  int fewest = 0, most = 0;
  MPI_Allreduce(&my_calls, &fewest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&my_calls, &most, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (size > 1) CHECK(fewest != most); /* ranks really made different numbers of calls */
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 5) {
    if (rank == 0)
      fprintf(stderr, "usage: %s collective|independent float32|float64 COMPRESSION FILE\n",
              argv[0]);
    MPI_Finalize();
    return 2;
  }
  bool collective = strcmp(argv[1], "collective") == 0;
  const char *path = argv[4];

  cubie_output_spec s = pattern_spec(path, TOTAL_RUNS, 6, 3, 2);
  s.collective = collective;
  s.precision = strcmp(argv[2], "float32") == 0 ? CUBIE_FLOAT32 : CUBIE_FLOAT64;
  s.compression = atoi(argv[3]);
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  if (!o) {
    MPI_Finalize();
    CHECK_DONE();
  }
  if (collective)
    write_collective(o, &s, rank, size);
  else
    write_independent(o, &s, rank, size);
  CHECK_OK(cubie_output_close(&o, true));

  /* close returned on every rank only after the flag was set. */
  CHECK_INT(readback_complete(path), 1);
  if (rank == 0) {
    int ncid;
    NC_CHECK(nc_open(path, NC_NOWRITE, &ncid));
    readback_pattern(ncid, &s, 0, WRITTEN_RUNS, WRITTEN_RUNS, TOTAL_RUNS);
    NC_CHECK(nc_close(ncid));
  }
  MPI_Barrier(MPI_COMM_WORLD);

  /* Rank 0 alone looks at the file system; every rank reports its verdict. */
  s.overwrite = false;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "already exists (use --force to overwrite it)");
  s.path = "no_such_directory/out.nc";
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "No such file or directory");
  /* A name NetCDF rejects in define mode: every rank fails alike, and the
   * half-made file is gone. */
  cubie_output_variable bad_name[2] = {{"x", NULL, NULL}, {"bad/name", NULL, NULL}};
  char defunct[4096];
  snprintf(defunct, sizeof defunct, "%s.defunct.nc", path);
  s.path = defunct;
  s.outputs = bad_name;
  s.overwrite = true;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_NETCDF);
  CHECK_CONTAINS(cubie_error_message(), "'bad/name'");
  MPI_Barrier(MPI_COMM_WORLD);
  CHECK(access(defunct, F_OK) != 0);
  CHECK(o == NULL);
  CHECK_INT(readback_complete(path), 1);

  MPI_Finalize();
  CHECK_DONE();
}
