/* test_sampling.c — the sampled sweep designs (kernels/sampling.h,
 * kernels/sobol.h, grid_decode.h's sampled kinds, the deck's batch.samples /
 * seed and file axes): Philox-4x32-10 against Random123's known answers;
 * Sobol' prefixes of 2^m points are nets (every 1-D stratum and, in two
 * dimensions, every elementary box holds exactly one point) scrambled or
 * not, and the first points are the published ones; the Feistel bijection
 * is one for awkward n; a Latin hypercube has exactly one point per stratum
 * per axis; the reproducible log/exp are within a few ulp of libm; a
 * design's values depend on (seed, point, axis of its kind) only — crossed
 * with other axes, with another axis added in front, host decode and kernel
 * decode alike; per-run tables from CSV and NetCDF arrive bit for bit; and
 * every deck error with its position. (Sobol' against scipy, the marginal
 * KS tests and the 1-vs-3-rank files are in tests/integration.) */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "deck/config.h"
#include "kernels/grid_decode.h"
#include "model/model.h"
#include "plan/grid.h"

#define MODEL                                                                                   \
  "model:\n  states: {x: 1.0}\n  parameters: {a: 1.0, b: 2.0, c: 3.0, d: 4.0}\n"               \
  "  equations: dx = -a * x + b - c + d\nintegrator:\n  duration: 1.0\n" /* lines 1-6 */

static char work_dir[512];

/* Deck text → config → model → grid; NULL grid (and the error recorded) on failure. */
static int load(const char *text, cubie_config **cfg, cubie_model **m, cubie_grid **g) {
  *cfg = NULL;
  *m = NULL;
  *g = NULL;
  char path[600];
  snprintf(path, sizeof path, "%s/s.yaml", work_dir);
  int rc = cubie_config_load_text(path, text, NULL, 0, cfg);
  if (!rc) rc = cubie_model_create(*cfg, m);
  if (!rc) rc = cubie_grid_create(*cfg, *m, g);
  return rc;
}

static void unload(cubie_config **cfg, cubie_model **m, cubie_grid **g) {
  cubie_grid_destroy(g);
  cubie_model_destroy(m);
  cubie_config_destroy(cfg);
}

static void test_philox_known_answers(void) {
  /* Random123 kat_vectors, philox4x32_10 */
  const cubie_u32 ctr[3][4] = {{0, 0, 0, 0},
                               {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                               {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
  const cubie_u64 key[3] = {0, 0xffffffffffffffffull, ((cubie_u64)0x299f31d0u << 32) | 0xa4093822u};
  const cubie_u32 want[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
  for (int k = 0; k < 3; k++) {
    cubie_u32 out[4];
    cubie_philox4x32(ctr[k], key[k], out);
    for (int w = 0; w < 4; w++) CHECK_INT(out[w], want[k][w]);
  }
}

/* Every 1-D stratum of 2^-m holds one of the first 2^m points, in each of
 * `dims` dimensions; and for dimension pairs (0, 1), (2, 5): every
 * elementary box 2^-q x 2^-(m-q) holds exactly one (a (0, m, 2)-net for
 * the first pair, whose t is 0; the second pair is checked at t = its
 * quality, so only 1-D here for it). */
static void check_nets(int scramble, cubie_u64 seed) {
  enum { M = 10, N = 1 << M };
  static unsigned char seen[N];
  for (int dim = 0; dim < CUBIE_SOBOL_MAX_DIM; dim++) {
    memset(seen, 0, sizeof seen);
    for (cubie_u64 i = 0; i < N; i++) {
      double u = cubie_sobol_point(i, dim, scramble, seed);
      CHECK(u >= 0.0 && u < 1.0);
      int s = (int)(u * N);
      if (s >= 0 && s < N) seen[s]++;
    }
    int once = 0;
    for (int s = 0; s < N; s++) once += seen[s] == 1;
    CHECK_INT(once, N);
  }
  for (int q = 0; q <= M; q++) {
    memset(seen, 0, sizeof seen);
    for (cubie_u64 i = 0; i < N; i++) {
      int bx = (int)(cubie_sobol_point(i, 0, scramble, seed) * (1 << q));
      int by = (int)(cubie_sobol_point(i, 1, scramble, seed) * (1 << (M - q)));
      seen[bx * (1 << (M - q)) + by]++;
    }
    int once = 0;
    for (int s = 0; s < N; s++) once += seen[s] == 1;
    CHECK_INT(once, N);
  }
}

static void test_sobol(void) {
  /* The first points (Joe–Kuo's dimensions 1, 2, 3 and 4) in natural order. */
  const double want[4][8] = {{0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875},
                             {0, 0.5, 0.75, 0.25, 0.625, 0.125, 0.375, 0.875},
                             {0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125},
                             {0, 0.5, 0.75, 0.25, 0.125, 0.625, 0.875, 0.375}};
  for (int d = 0; d < 4; d++)
    for (int i = 0; i < 8; i++) CHECK(cubie_sobol_point((cubie_u64)i, d, 0, 0) == want[d][i]);
  check_nets(0, 0);
  check_nets(1, 12345);
  /* The scramble is keyed: two seeds, different points; one seed, the same. */
  CHECK(cubie_sobol_point(5, 3, 1, 1) != cubie_sobol_point(5, 3, 1, 2));
  CHECK(cubie_sobol_point(5, 3, 1, 1) == cubie_sobol_point(5, 3, 1, 1));
  /* A late point decodes alone (no predecessor needed), below 1. */
  double late = cubie_sobol_point((1ull << 40) + 12345, 31, 1, 7);
  CHECK(late >= 0.0 && late < 1.0);
}

static void test_permutation(void) {
  const cubie_u64 sizes[] = {1, 2, 3, 5, 17, 1000, 4097, 65539};
  static unsigned char seen[65539];
  for (int k = 0; k < 8; k++) {
    cubie_u64 n = sizes[k];
    memset(seen, 0, sizeof seen);
    for (cubie_u64 i = 0; i < n; i++) {
      cubie_u64 p = cubie_permute(i, n, 0x1234 + k);
      CHECK(p < n);
      if (p < n) seen[p]++;
    }
    cubie_u64 once = 0;
    for (cubie_u64 i = 0; i < n; i++) once += seen[i] == 1;
    CHECK_INT(once, n);
  }
  int moved = 0, differ = 0;
  for (cubie_u64 i = 0; i < 1000; i++) {
    moved += cubie_permute(i, 1000, 1) != i;
    differ += cubie_permute(i, 1000, 1) != cubie_permute(i, 1000, 2);
  }
  CHECK(moved > 900 && differ > 900);
}

static void test_log_exp(void) {
  double worst_log = 0, worst_exp = 0;
  for (int k = 0; k < 200000; k++) {
    double x = ldexp(1.0 + (double)k / 200000.0, (k % 400) - 200);
    double ref = log(x), ours = cubie_sampling_log(x);
    double ulp = nextafter(fabs(ref), INFINITY) - fabs(ref);
    if (ref != 0) worst_log = fmax(worst_log, fabs(ours - ref) / ulp);
    double y = -700.0 + 1400.0 * (double)k / 200000.0;
    double eref = exp(y), eours = cubie_sampling_exp(y);
    double eulp = nextafter(eref, INFINITY) - eref;
    worst_exp = fmax(worst_exp, fabs(eours - eref) / eulp);
  }
  CHECK(worst_log <= 2.0);
  CHECK(worst_exp <= 2.0);
  CHECK(cubie_sampling_log(1.0) == 0.0 && cubie_sampling_exp(0.0) == 1.0);
  CHECK(isinf(cubie_sampling_exp(1000.0)) && cubie_sampling_exp(-1000.0) == 0.0);
  printf("log within %.2f ulp, exp within %.2f ulp of libm\n", worst_log, worst_exp);
}

/* One point per stratum per axis, strata [B(s), B(s+1)) as the decoder computes them. */
static void test_latin_hypercube(void) {
  cubie_config *cfg;
  cubie_model *m;
  cubie_grid *g;
  CHECK_OK(load(MODEL "batch:\n  samples: 1000\n  seed: 9\n  sweep:\n"
                      "    a: {latin_hypercube: {low: 0, high: 1}}\n"
                      "    b: {latin_hypercube: {low: -3, high: 5.5}}\n"
                      "    x: {latin_hypercube: {low: 1e-3, high: 1e-3}}\n",
                &cfg, &m, &g) == CUBIE_ERR_INPUT ? 0 : 1); /* low == high is refused */
  unload(&cfg, &m, &g);
  CHECK_OK(load(MODEL "batch:\n  samples: 1000\n  seed: 9\n  sweep:\n"
                      "    a: {latin_hypercube: {low: 0, high: 1}}\n"
                      "    b: {latin_hypercube: {low: -3, high: 5.5}}\n",
                &cfg, &m, &g));
  if (!g) return;
  CHECK_INT(cubie_grid_total_runs(g), 1000);
  static unsigned char seen[2][1000];
  memset(seen, 0, sizeof seen);
  const double lo[2] = {0, -3}, hi[2] = {1, 5.5};
  int same_order = 0;
  for (long long r = 0; r < 1000; r++) {
    int strata[2] = {-1, -1};
    for (int a = 0; a < 2; a++) {
      double v = cubie_grid_axis_value(g, a, r), span = hi[a] - lo[a];
      for (int s = 0; s < 1000; s++) {
        double b0 = lo[a] + (span * (double)s) / 1000.0, b1 = lo[a] + (span * (double)(s + 1)) / 1000.0;
        if (v >= b0 && v < b1) {
          seen[a][s]++;
          strata[a] = s;
        }
      }
    }
    same_order += strata[0] == strata[1];
  }
  for (int a = 0; a < 2; a++) {
    int once = 0;
    for (int s = 0; s < 1000; s++) once += seen[a][s] == 1;
    CHECK_INT(once, 1000);
  }
  CHECK(same_order < 20); /* each axis has its own permutation */
  unload(&cfg, &m, &g);
}

/* A design's values depend on (seed, point, axis among its kind) only. */
static void test_design_is_keyed(void) {
  cubie_config *c1, *c2, *c3;
  cubie_model *m1, *m2, *m3;
  cubie_grid *g1, *g2, *g3;
  const char *axes = "    a: {sobol: {low: 0, high: 1}}\n"
                     "    b: {random: {distribution: normal, mean: 1, sd: 2}}\n"
                     "    c: {latin_hypercube: {low: 0, high: 1}}\n"
                     "    d: {random: {distribution: lognormal, mu: 0, sigma: 1}}\n";
  char text[2048];
  snprintf(text, sizeof text, MODEL "batch:\n  samples: 64\n  seed: 5\n  sweep:\n%s", axes);
  CHECK_OK(load(text, &c1, &m1, &g1));
  /* a linspace axis in front, crossed with the design */
  snprintf(text, sizeof text, MODEL "batch:\n  samples: 64\n  seed: 5\n  sweep:\n    x: {linspace: [0, 1, 3]}\n%s",
           axes);
  CHECK_OK(load(text, &c2, &m2, &g2));
  snprintf(text, sizeof text, MODEL "batch:\n  samples: 64\n  seed: 6\n  sweep:\n%s", axes);
  CHECK_OK(load(text, &c3, &m3, &g3));
  if (g1 && g2 && g3) {
    CHECK_INT(cubie_grid_total_runs(g2), 192);
    CHECK(cubie_grid_axis_zipped(g2, 2) && !cubie_grid_axis_zipped(g2, 1) && !cubie_grid_axis_zipped(g2, 0));
    int differ = 0;
    for (long long r = 0; r < 64; r++)
      for (int a = 0; a < 4; a++) {
        double v = cubie_grid_axis_value(g1, a, r);
        for (int x = 0; x < 3; x++) CHECK(cubie_grid_axis_value(g2, a + 1, x * 64 + r) == v);
        differ += cubie_grid_axis_value(g3, a, r) != v;
      }
    CHECK_INT(differ, 256);
    /* the kernel's decode (from the description) equals the host's */
    cubie_grid_desc desc;
    cubie_grid_kernel_desc(g2, &desc);
    CHECK_INT(desc.n_axes, 5);
    double y0[1], p[4];
    for (long long r = 0; r < 192; r++) {
      cubie_grid_block block = {.initial_values = y0, .parameters = p, .f32 = false, .swept = NULL};
      cubie_grid_decode(g2, r, 1, &block);
      for (int i = 0; i < 4; i++)
        CHECK(cubie_grid_input(desc.axes, desc.n_axes, cubie_grid_table(g2), 1 + i, r) == p[i]);
      CHECK(cubie_grid_input(desc.axes, desc.n_axes, cubie_grid_table(g2), 0, r) == y0[0]);
    }
  }
  unload(&c1, &m1, &g1);
  unload(&c2, &m2, &g2);
  unload(&c3, &m3, &g3);
}

/* Per-run tables: CSV and NetCDF columns arrive bit for bit, beside a design. */
static void test_file_tables(void) {
  char path[700];
  double want[5] = {0.1, -2.5e-7, 3.0, 1.0 / 3.0, 6.02214076e23};
  snprintf(path, sizeof path, "%s/t.csv", work_dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fprintf(f, "# posterior draws\nb, \"a\",c\n");
  for (int i = 0; i < 5; i++) fprintf(f, "%d, %.17g ,%a\n", i, want[i], want[i] * 2);
  fclose(f);
  snprintf(path, sizeof path, "%s/t.nc", work_dir);
  int nc, dim, var;
  CHECK_INT(nc_create(path, NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
  nc_def_dim(nc, "row", 5, &dim);
  nc_def_var(nc, "beta", NC_DOUBLE, 1, &dim, &var);
  nc_enddef(nc);
  nc_put_var_double(nc, var, want);
  nc_close(nc);
  cubie_config *cfg;
  cubie_model *m;
  cubie_grid *g;
  CHECK_OK(load(MODEL "batch:\n  sweep:\n    a: {file: t.csv}\n    c: {file: {path: t.csv}}\n"
                      "    d: {file: {path: t.nc, column: beta}}\n    b: {random: {low: 0, high: 1}}\n",
                &cfg, &m, &g));
  if (g) {
    CHECK_INT(cubie_grid_total_runs(g), 5);
    for (long long r = 0; r < 5; r++) {
      CHECK(cubie_grid_axis_value(g, 0, r) == want[r]);
      CHECK(cubie_grid_axis_value(g, 1, r) == want[r] * 2);
      CHECK(cubie_grid_axis_value(g, 2, r) == want[r]);
      double u = cubie_grid_axis_value(g, 3, r);
      CHECK(u > 0 && u < 1);
    }
  }
  unload(&cfg, &m, &g);
}

/* Every error: its text and position (`at` "LINE:COL"). */
static void expect_error(const char *text, const char *at, const char *message) {
  cubie_config *cfg;
  cubie_model *m;
  cubie_grid *g;
  int rc = load(text, &cfg, &m, &g);
  CHECK_INT(rc, CUBIE_ERR_INPUT);
  char where[64];
  snprintf(where, sizeof where, "s.yaml:%s: ", at);
  CHECK_CONTAINS(cubie_error_message(), where);
  CHECK_CONTAINS(cubie_error_message(), message);
  unload(&cfg, &m, &g);
}

static void test_errors(void) {
  char path[700];
  snprintf(path, sizeof path, "%s/bad.csv", work_dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "a,b\n1,2\n3, x7\n");
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/two.csv", work_dir);
  f = fopen(path, "w");
  if (f) {
    fprintf(f, "a,b\n1,2\n3,4\n");
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/ragged.csv", work_dir);
  f = fopen(path, "w");
  if (f) {
    fprintf(f, "a,b\n1,2\n3\n");
    fclose(f);
  }
  expect_error(MODEL "batch:\n  sweep:\n    a: {sobol: {low: 0, high: 1}}\n", "9:5",
               "'a' is a sobol design: set batch.samples");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: [1, 2]\n", "8:12",
               "batch.samples is the number of points of a sampled design, but no axis");
  expect_error(MODEL "batch:\n  seed: 3\n", "8:9", "batch.seed keys a sampled design");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {sobol: {low: 1, high: 1}}\n", "10:31",
               "batch.sweep.a.sobol.high must be > low (1), not 1");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {random: {distribution: normal, mean: 0, sd: -1}}\n",
               "10:53", "batch.sweep.a.random.sd must be > 0, not -1");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {random: {distribution: gauss, mean: 0, sd: 1}}\n",
               "10:32", "unknown distribution 'gauss'");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {random: {low: 0, high: 1, sd: 1}}\n", "10:35",
               "'sd' is not a parameter of the uniform distribution (it takes low and high)");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {sobol: {low: 0, high: 1, scramble: maybe}}\n",
               "10:44", "unknown value 'maybe'");
  expect_error(MODEL "batch:\n  samples: 8\n  sweep:\n    a: {sobool: {low: 0, high: 1}}\n", "10:9",
               "unknown key 'sobool' in batch.sweep.a; did you mean 'sobol'?");
  expect_error(MODEL "batch:\n  sweep:\n    a: {file: missing.csv}\n", "9:15",
               "batch.sweep.a.file: missing.csv: cannot read: No such file or directory");
  expect_error(MODEL "batch:\n  sweep:\n    b: {file: bad.csv}\n", "9:15",
               "batch.sweep.b.file: bad.csv:3:4: 'x7' in column 'b' is not a number");
  expect_error(MODEL "batch:\n  sweep:\n    c: {file: bad.csv}\n", "9:15",
               "bad.csv:1:1: the header row has no column 'c'");
  expect_error(MODEL "batch:\n  sweep:\n    a: {file: ragged.csv}\n", "9:15",
               "ragged.csv:3:1: row has 1 field but the header has 2");
  expect_error(MODEL "batch:\n  samples: 3\n  sweep:\n    a: {file: bad.csv, column: a}\n", "10:24",
               "unknown key 'column'");
  expect_error(MODEL "batch:\n  samples: 3\n  sweep:\n    a: {file: {path: two.csv, column: a}}\n", "8:12",
               "batch.samples is 3 but the table of 'a' has 2 rows");
  expect_error(MODEL "batch:\n  sweep:\n    a: {file: {path: two.csv, column: a}}\n"
                     "    b: {file: {path: t.csv, column: a}}\n", "10:5",
               "file axes are one table, a row per run: 'a' has 2 rows, 'b' has 5");
  expect_error(MODEL "batch:\n  samples: 8\n  grid: verbatim\n  sweep:\n    a: {sobol: {low: 0, high: 1}}\n"
                     "    b: [1, 2]\n", "12:5", "verbatim grid zips its axes, so they need equal lengths");
  /* 33 sobol axes: one more than the direction numbers cover (model with 33 parameters) */
  char text[8192] = "model:\n  states: {x: 1.0}\n  parameters: {";
  for (int i = 0; i < 33; i++) snprintf(text + strlen(text), sizeof text - strlen(text), "%sp%d: 1", i ? ", " : "", i);
  snprintf(text + strlen(text), sizeof text - strlen(text),
           "}\n  equations: dx = -x\nintegrator:\n  duration: 1.0\nbatch:\n  samples: 4\n  sweep:\n");
  for (int i = 0; i < 33; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text), "    p%d: {sobol: {low: 0, high: 1}}\n", i);
  expect_error(text, "42:5", "'p32' is sobol axis 33; direction numbers are built in for 32 dimensions");
}

int main(void) {
  snprintf(work_dir, sizeof work_dir, "%s/test-work/test_sampling", CUBIE_BINARY_DIR);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", work_dir);
  if (system(cmd) != 0) return 1;
  test_philox_known_answers();
  test_sobol();
  test_permutation();
  test_log_exp();
  test_latin_hypercube();
  test_design_is_keyed();
  test_file_tables();
  test_errors();
  CHECK_DONE();
}
