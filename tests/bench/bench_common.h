/* bench_common.h — what the two baseline programs of the CPU benchmark
 * (lorenz_handloop.c, lorenz_arkode.c) share: the problem, the command
 * line, reading the rho values and writing the final states.
 *
 * The problem is fixed by the benchmark (tests/bench/cpu_lorenz.py): the
 * Lorenz system with sigma = 10, beta = 8/3, u0 = (1, 0, 0), t in [0, t_end],
 * one run per rho value. The driver writes the rho values (float64, native
 * byte order) so every contender integrates exactly the same runs, and reads
 * back the final states (N x 3 float64) and one line of counters on stdout.
 * Nothing here is timed; the programs time only their integration loop.
 */
#ifndef CUBIE_BENCH_COMMON_H
#define CUBIE_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#define BENCH_SIGMA 10.0
#define BENCH_BETA (8.0 / 3.0)
#define BENCH_N_STATES 3

typedef struct bench_args {
  const char *rho_path;
  const char *out_path;
  int threads; /* 0: OpenMP's default */
  double rtol, atol, t_end;
} bench_args;

/* What every program prints, summed over runs, as one key=value line. */
typedef struct bench_counts {
  long long accepted, rejected, rhs, failed;
} bench_counts;

static void bench_usage(const char *prog) {
  fprintf(stderr, "usage: %s RHO_FILE OUT_FILE THREADS RTOL ATOL T_END\n", prog);
}

static int bench_parse_args(int argc, char **argv, bench_args *a) {
  if (argc != 7) {
    bench_usage(argv[0]);
    return -1;
  }
  a->rho_path = argv[1];
  a->out_path = argv[2];
  a->threads = atoi(argv[3]);
  a->rtol = atof(argv[4]);
  a->atol = atof(argv[5]);
  a->t_end = atof(argv[6]);
  if (a->threads < 0 || !(a->rtol > 0.0) || !(a->atol > 0.0) || !(a->t_end > 0.0)) {
    bench_usage(argv[0]);
    return -1;
  }
  return 0;
}

/* Reads the whole file of doubles; *n receives their number. */
static double *bench_read_rho(const char *path, long *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  *n = bytes / (long)sizeof(double);
  double *rho = malloc((size_t)(*n > 0 ? *n : 1) * sizeof *rho);
  if (!rho || *n < 1 || fread(rho, sizeof *rho, (size_t)*n, f) != (size_t)*n) {
    fprintf(stderr, "cannot read the rho values from %s\n", path);
    free(rho);
    rho = NULL;
  }
  fclose(f);
  return rho;
}

/* The common start of both programs: arguments, the rho values, room for
 * the final states, the thread count. Returns the exit status to use on
 * failure (2 usage, 1 otherwise), 0 on success. */
static int bench_start(int argc, char **argv, bench_args *a, double **rho, long *n_runs,
                       double **y) {
  if (bench_parse_args(argc, argv, a)) return 2;
  *rho = bench_read_rho(a->rho_path, n_runs);
  if (!*rho) return 1;
  *y = malloc((size_t)*n_runs * BENCH_N_STATES * sizeof **y);
  if (!*y) return 1;
  if (a->threads > 0) omp_set_num_threads(a->threads);
  return 0;
}

static int bench_write_states(const char *path, const double *y, long n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(y, sizeof *y, (size_t)(n * BENCH_N_STATES), f) != (size_t)(n * BENCH_N_STATES)) {
    fprintf(stderr, "cannot write %s\n", path);
    if (f) fclose(f);
    return -1;
  }
  return fclose(f) == 0 ? 0 : -1;
}

static void bench_print(double compute_seconds, int threads, long n, const bench_counts *c) {
  printf("compute_seconds=%.9f threads=%d runs=%ld accepted=%lld rejected=%lld rhs=%lld failed=%lld\n",
         compute_seconds, threads, n, c->accepted, c->rejected, c->rhs, c->failed);
}

#endif
