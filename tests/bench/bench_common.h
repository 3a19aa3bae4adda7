/* bench_common.h — what the baseline programs of the CPU benchmarks share:
 * the Lorenz problem and command line of lorenz_handloop.c and
 * lorenz_arkode.c, and, for them and the stiff contender stiff_cvode.c,
 * reading the swept values, writing the final states and the counter line.
 *
 * The Lorenz problem is fixed by its benchmark (tests/bench/cpu_lorenz.py):
 * sigma = 10, beta = 8/3, u0 = (1, 0, 0), t in [0, t_end], one run per rho
 * value. Each driver writes the swept values (float64, native byte order) so
 * every contender integrates exactly the same runs, and reads back the final
 * states (float64) and one line of counters on stdout. Nothing here is timed;
 * the programs time only their integration loop. Everything is static inline
 * so a program that uses only part of it compiles warning-free.
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

static inline void bench_usage(const char *prog) {
  fprintf(stderr, "usage: %s RHO_FILE OUT_FILE THREADS RTOL ATOL T_END\n", prog);
}

static inline int bench_parse_args(int argc, char **argv, bench_args *a) {
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

/* Reads a whole file of doubles (native byte order); *n receives their
 * number. What the file holds (rho values, rate constants) is the caller's
 * business. */
static inline double *bench_read_doubles(const char *path, long *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  *n = bytes / (long)sizeof(double);
  double *values = malloc((size_t)(*n > 0 ? *n : 1) * sizeof *values);
  if (!values || *n < 1 || fread(values, sizeof *values, (size_t)*n, f) != (size_t)*n) {
    fprintf(stderr, "cannot read the values in %s\n", path);
    free(values);
    values = NULL;
  }
  fclose(f);
  return values;
}

static inline double *bench_read_rho(const char *path, long *n) {
  return bench_read_doubles(path, n);
}

/* The common start of both programs: arguments, the rho values, room for
 * the final states, the thread count. Returns the exit status to use on
 * failure (2 usage, 1 otherwise), 0 on success. */
static inline int bench_start(int argc, char **argv, bench_args *a, double **rho, long *n_runs,
                       double **y) {
  if (bench_parse_args(argc, argv, a)) return 2;
  *rho = bench_read_rho(a->rho_path, n_runs);
  if (!*rho) return 1;
  *y = malloc((size_t)*n_runs * BENCH_N_STATES * sizeof **y);
  if (!*y) return 1;
  if (a->threads > 0) omp_set_num_threads(a->threads);
  return 0;
}

/* Writes count doubles (native byte order). */
static inline int bench_write_doubles(const char *path, const double *values, long count) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(values, sizeof *values, (size_t)count, f) != (size_t)count) {
    fprintf(stderr, "cannot write %s\n", path);
    if (f) fclose(f);
    return -1;
  }
  return fclose(f) == 0 ? 0 : -1;
}

static inline int bench_write_states(const char *path, const double *y, long n) {
  return bench_write_doubles(path, y, n * BENCH_N_STATES);
}

static inline void bench_print(double compute_seconds, int threads, long n, const bench_counts *c) {
  printf("compute_seconds=%.9f threads=%d runs=%ld accepted=%lld rejected=%lld rhs=%lld failed=%lld\n",
         compute_seconds, threads, n, c->accepted, c->rejected, c->rhs, c->failed);
}

#endif
