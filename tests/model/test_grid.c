/* test_grid.c — the batch grid: run ordering (first axis slowest), decoding,
 * linspace/logspace endpoints, verbatim zipping, a 10^9-run grid, the 2^62
 * limit, and every validation error with its deck position; the description
 * a kernel decodes from (kernels/grid_decode.h) gives every run's inputs bit
 * for bit as the host's decode, and a grid a kernel cannot decode says so. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan/grid.h"
#include "model/model.h"
#include "test_deck.h"

/* states x = 1 (2:3), y = 2 (2:6); parameters rho = 28, sigma = 10, k = 3;
 * constant g; observable energy. Sweeps go on lines 20 and below. */
static void grid_deck(test_deck *d) {
  test_deck_init(d, "grid.yaml");
  test_deck_declare_list(d, CUBIE_SYMBOL_STATE, "x=1 y=2", 2);
  test_deck_declare_list(d, CUBIE_SYMBOL_PARAMETER, "rho=28 sigma=10 k=3", 3);
  test_deck_declare_list(d, CUBIE_SYMBOL_CONSTANT, "g=9.81", 4);
  test_deck_equations(d, "dx = sigma * (y - x) + k\ndy = rho * x - y * g\nenergy = x * x\n", 6, 4);
}

/* Build model and grid; returns the grid's create code. */
static int make_grid(test_deck *d, cubie_model **m, cubie_grid **g) {
  *g = NULL;
  CHECK_OK(test_deck_model(d, m));
  if (!*m) return -1;
  return cubie_grid_create(&d->cfg, *m, g);
}

static void release(test_deck *d, cubie_model **m, cubie_grid **g) {
  cubie_grid_destroy(g);
  CHECK(*g == NULL);
  cubie_model_destroy(m);
  test_deck_free(d);
}

/* One run's inputs as plain vectors: the run loop's decoder on a block of one run. */
static void decode_one(const cubie_grid *g, long long run, double *y0, double *p) {
  cubie_grid_block block = {.initial_values = y0, .parameters = p, .f32 = false, .swept = NULL};
  cubie_grid_decode(g, run, 1, &block);
}

static void test_no_sweeps(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK_INT(cubie_grid_total_runs(g), 1);
    CHECK_INT(cubie_grid_n_axes(g), 0);
    double y0[2] = {-1, -1}, p[3] = {-1, -1, -1};
    decode_one(g, 0, y0, p);
    CHECK(y0[0] == 1 && y0[1] == 2);
    CHECK(p[0] == 28 && p[1] == 10 && p[2] == 3);
  }
  release(&d, &m, &g);
}

static void test_combinatorial(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  const double rho[] = {5, 6, 7}, x[] = {-1, -2};
  test_deck_sweep_values(&d, "rho", rho, 3, 20, 5);
  test_deck_sweep_values(&d, "x", x, 2, 21, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK_INT(cubie_grid_total_runs(g), 6);
    CHECK_INT(cubie_grid_n_axes(g), 2);
    CHECK_INT(cubie_grid_axis_kind(g, 0), CUBIE_SYMBOL_PARAMETER);
    CHECK_INT(cubie_grid_axis_index(g, 0), 0);
    CHECK_STR(cubie_grid_axis_name(g, 0), "rho");
    CHECK_INT(cubie_grid_axis_length(g, 0), 3);
    CHECK_INT(cubie_grid_axis_kind(g, 1), CUBIE_SYMBOL_STATE);
    CHECK_INT(cubie_grid_axis_index(g, 1), 0);
    CHECK_STR(cubie_grid_axis_name(g, 1), "x");
    /* First-listed axis slowest: (5,-1) (5,-2) (6,-1) (6,-2) (7,-1) (7,-2). */
    for (long long run = 0; run < 6; run++) {
      double y0[2], p[3];
      decode_one(g, run, y0, p);
      CHECK(p[0] == rho[run / 2]);
      CHECK(y0[0] == x[run % 2]);
      CHECK(y0[1] == 2 && p[1] == 10 && p[2] == 3); /* not swept: defaults */
      CHECK(cubie_grid_axis_value(g, 0, run) == rho[run / 2]);
      CHECK(cubie_grid_axis_value(g, 1, run) == x[run % 2]);
    }
  }
  release(&d, &m, &g);

  /* Three axes: run 13 of 2 x 3 x 4 is (1, 0, 1); run 23 is the last of each. */
  grid_deck(&d);
  const double a[] = {0, 1}, b[] = {0, 1, 2}, c[] = {0, 1, 2, 3};
  test_deck_sweep_values(&d, "sigma", a, 2, 20, 5);
  test_deck_sweep_values(&d, "y", b, 3, 21, 5);
  test_deck_sweep_values(&d, "k", c, 4, 22, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    double y0[2], p[3];
    CHECK_INT(cubie_grid_total_runs(g), 24);
    decode_one(g, 13, y0, p);
    CHECK(p[1] == 1 && y0[1] == 0 && p[2] == 1);
    decode_one(g, 23, y0, p);
    CHECK(p[1] == 1 && y0[1] == 2 && p[2] == 3);
    CHECK(y0[0] == 1 && p[0] == 28);
  }
  release(&d, &m, &g);
}

/* A block of runs as the run loop fills it: [variable][run] rows in the
 * working precision and [axis][run] swept values, equal run by run to the
 * one-run decode. */
static void test_block(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  const double rho[] = {5.1, 6.2, 7.3}, x[] = {-1.7, -2.9};
  test_deck_sweep_values(&d, "rho", rho, 3, 20, 5);
  test_deck_sweep_values(&d, "x", x, 2, 21, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    enum { N = 4, START = 1 };
    double y0[2 * N], p[3 * N], swept[2 * N];
    float y0f[2 * N], pf[3 * N];
    cubie_grid_block b64 = {.initial_values = y0, .parameters = p, .f32 = false, .swept = swept};
    cubie_grid_block b32 = {.initial_values = y0f, .parameters = pf, .f32 = true, .swept = NULL};
    cubie_grid_decode(g, START, N, &b64);
    cubie_grid_decode(g, START, N, &b32);
    for (int r = 0; r < N; r++) {
      double one_y0[2], one_p[3];
      decode_one(g, START + r, one_y0, one_p);
      for (int i = 0; i < 2; i++) {
        CHECK(y0[i * N + r] == one_y0[i]);
        CHECK(y0f[i * N + r] == (float)one_y0[i]);
      }
      for (int i = 0; i < 3; i++) {
        CHECK(p[i * N + r] == one_p[i]);
        CHECK(pf[i * N + r] == (float)one_p[i]);
      }
      /* Axis 0 is rho (slowest), axis 1 is x. */
      CHECK(swept[0 * N + r] == rho[(START + r) / 2]);
      CHECK(swept[1 * N + r] == x[(START + r) % 2]);
      CHECK(p[0 * N + r] == rho[(START + r) / 2] && y0[0 * N + r] == x[(START + r) % 2]);
      CHECK(y0[1 * N + r] == 2 && p[1 * N + r] == 10 && p[2 * N + r] == 3);
    }
    /* float rows really are rounded, not truncated bit patterns of doubles. */
    CHECK(pf[0] == 5.1f && y0f[0] == -2.9f);
  }
  release(&d, &m, &g);
}

static void test_spaces(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.3, 0.9, 7, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LOGSPACE, 1e-3, 1e3, 7, 21, 5);
  test_deck_sweep_space(&d, "k", CUBIE_SWEEP_LINSPACE, 2.5, 9.0, 1, 22, 5);
  test_deck_sweep_space(&d, "x", CUBIE_SWEEP_LOGSPACE, 4.0, 4.0, 1, 23, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK_INT(cubie_grid_total_runs(g), 49);
    /* Exact endpoints (0.3 + (0.9 - 0.3) * 6 / 6 is 0.9000000000000001). */
    CHECK(cubie_grid_axis_value(g, 0, 0) == 0.3);
    CHECK(cubie_grid_axis_value(g, 0, 48) == 0.9);
    CHECK(cubie_grid_axis_value(g, 1, 0) == 1e-3);
    CHECK(cubie_grid_axis_value(g, 1, 48) == 1e3);
    /* Interior points follow the documented formulas; 1e-15 relative is a
     * few ulps of exp/log rounding. */
    for (long long i = 1; i < 6; i++) {
      double lin = cubie_grid_axis_value(g, 0, i * 7);
      CHECK(lin == 0.3 + (0.9 - 0.3) * (double)i / 6.0);
      double lg = cubie_grid_axis_value(g, 1, i);
      CHECK_NEAR(lg, pow(10.0, -3.0 + (double)i), 1e-15 * pow(10.0, -3.0 + (double)i) * 8);
    }
    /* n == 1: the start value (stop ignored). */
    CHECK(cubie_grid_axis_value(g, 2, 17) == 2.5);
    CHECK(cubie_grid_axis_value(g, 3, 17) == 4.0);
    /* Monotone interior. */
    for (long long i = 1; i < 7; i++)
      CHECK(cubie_grid_axis_value(g, 0, i * 7) > cubie_grid_axis_value(g, 0, (i - 1) * 7));
  }
  release(&d, &m, &g);
}

static void test_verbatim(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  d.cfg.batch.grid = CUBIE_GRID_VERBATIM;
  const double x[] = {1.5, 2.5, 3.5};
  test_deck_sweep_values(&d, "x", x, 3, 20, 5);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 3, 21, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK_INT(cubie_grid_total_runs(g), 3);
    for (long long run = 0; run < 3; run++) {
      double y0[2], p[3];
      decode_one(g, run, y0, p);
      CHECK(y0[0] == x[run]);
      CHECK(p[0] == 0.5 * (double)run);
    }
  }
  release(&d, &m, &g);
}

static void test_huge(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  /* 10^9 runs cost three axes; the last run decodes at once. */
  grid_deck(&d);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.0, 999.0, 1000, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LINSPACE, 0.0, 999.0, 1000, 21, 5);
  test_deck_sweep_space(&d, "x", CUBIE_SWEEP_LINSPACE, 0.0, 999.0, 1000, 22, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    double y0[2], p[3];
    CHECK_INT(cubie_grid_total_runs(g), 1000000000LL);
    decode_one(g, 999999999LL, y0, p);
    CHECK(p[0] == 999.0 && p[1] == 999.0 && y0[0] == 999.0);
    decode_one(g, 123456789LL, y0, p);
    CHECK(p[0] == 123.0 && p[1] == 456.0 && y0[0] == 789.0);
  }
  release(&d, &m, &g);

  /* Exactly 2^62 runs is allowed. */
  grid_deck(&d);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 1LL << 31, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 1LL << 31, 21, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    double y0[2], p[3];
    CHECK_INT(cubie_grid_total_runs(g), 1LL << 62);
    decode_one(g, (1LL << 62) - 1, y0, p);
    CHECK(p[0] == 1.0 && p[1] == 1.0);
  }
  release(&d, &m, &g);

  /* One more value is not; the product is checked without overflowing
   * (2^40 * 2^40 would wrap a 64-bit integer). */
  grid_deck(&d);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 1LL << 40, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 1LL << 40, 21, 5);
  CHECK(test_error_is(&d, make_grid(&d, &m, &g), "too many runs", 20, 5));
  CHECK(g == NULL);
  release(&d, &m, &g);
  grid_deck(&d);
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 3, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LINSPACE, 0.0, 1.0, 1LL << 61, 21, 5);
  CHECK(test_error_is(&d, make_grid(&d, &m, &g), "more than 2^62", 20, 5));
  release(&d, &m, &g);
}

/* One sweep added to the standard deck fails with `needle` at 20:5. */
static int sweep_fails(const char *name, cubie_sweep_kind kind, double start, double stop,
                       long long n, const char *needle) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  if (kind == CUBIE_SWEEP_VALUES) {
    const double values[] = {1, 2, 3};
    test_deck_sweep_values(&d, name, values, n, 20, 5);
    if (start != 0) d.cfg.batch.sweeps[0].values[0] = start; /* a bad value */
  } else {
    test_deck_sweep_space(&d, name, kind, start, stop, n, 20, 5);
  }
  int ok = test_error_is(&d, make_grid(&d, &m, &g), needle, 20, 5) && g == NULL;
  release(&d, &m, &g);
  return ok;
}

static void test_errors(void) {
  CHECK(sweep_fails("rhoo", CUBIE_SWEEP_VALUES, 0, 0, 3,
                    "cannot sweep unknown symbol 'rhoo' (did you mean 'rho'?)"));
  CHECK(sweep_fails("nothing_like_it", CUBIE_SWEEP_VALUES, 0, 0, 3,
                    "cannot sweep unknown symbol 'nothing_like_it' (only states and parameters"));
  CHECK(sweep_fails("g", CUBIE_SWEEP_VALUES, 0, 0, 3,
                    "cannot sweep constant 'g' (constants are baked into the compiled model; "
                    "declare it under model.parameters"));
  CHECK(sweep_fails("energy", CUBIE_SWEEP_VALUES, 0, 0, 3, "cannot sweep observable 'energy'"));
  CHECK(sweep_fails("t", CUBIE_SWEEP_VALUES, 0, 0, 3, "cannot sweep time 't'"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_VALUES, 0, 0, 0, "sweep 'rho' has no values"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_LINSPACE, 0, 1, 0,
                    "sweep 'rho' has no values (linspace needs n >= 1"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_VALUES, NAN, 0, 3,
                    "sweep 'rho': value 1 is not a finite number"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_LINSPACE, 0, INFINITY, 3,
                    "linspace endpoints must be finite"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_LOGSPACE, 0, 10, 3, "logspace endpoints must be > 0"));
  CHECK(sweep_fails("rho", CUBIE_SWEEP_LOGSPACE, 1, -10, 3, "logspace endpoints must be > 0"));

  /* Swept twice: the second sweep, naming the first's line. */
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  const double v[] = {1, 2};
  test_deck_sweep_values(&d, "x", v, 2, 20, 5);
  test_deck_sweep_values(&d, "rho", v, 2, 21, 5);
  test_deck_sweep_values(&d, "x", v, 2, 22, 5);
  CHECK(test_error_is(&d, make_grid(&d, &m, &g), "'x' is swept twice (first at line 20)", 22, 5));
  release(&d, &m, &g);

  /* Verbatim axes of different lengths: the first one that differs. */
  grid_deck(&d);
  d.cfg.batch.grid = CUBIE_GRID_VERBATIM;
  const double three[] = {1, 2, 3};
  test_deck_sweep_values(&d, "x", three, 3, 20, 5);
  test_deck_sweep_values(&d, "rho", three, 3, 21, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LINSPACE, 0, 1, 5, 22, 5);
  CHECK(test_error_is(&d, make_grid(&d, &m, &g),
                      "verbatim grid: sweep 'sigma' has 5 values but 'x' has 3", 22, 5));
  release(&d, &m, &g);
}

/* What a kernel decodes (cubie_grid_kernel_desc + cubie_grid_input, the
 * code the kernels run) equals the host's decode, input by input and run by
 * run, for every design kind; logspace arrives tabulated. */
static void test_kernel_description(void) {
  test_deck d;
  cubie_model *m = NULL;
  cubie_grid *g = NULL;
  grid_deck(&d);
  const double x[] = {-1.7, 0.25, 3.5};
  test_deck_sweep_space(&d, "rho", CUBIE_SWEEP_LINSPACE, 0.3, 0.9, 7, 20, 5);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LOGSPACE, 1e-3, 1e3, 5, 21, 5);
  test_deck_sweep_values(&d, "x", x, 3, 22, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK(cubie_grid_in_kernel(g));
    cubie_grid_desc desc;
    cubie_grid_kernel_desc(g, &desc);
    CHECK_INT(desc.n_axes, 3);
    CHECK_INT(desc.n_inputs, 5);
    CHECK_INT(desc.axes[0].kind, CUBIE_DESIGN_LINSPACE);
    CHECK_INT(desc.axes[1].kind, CUBIE_DESIGN_TABLE); /* the logspace, tabulated */
    CHECK_INT(desc.axes[2].kind, CUBIE_DESIGN_TABLE);
    CHECK_INT(cubie_grid_table_length(g), 5 + 5 + 3);
    const double *table = cubie_grid_table(g);
    CHECK(table[0] == 1 && table[1] == 2 && table[2] == 28 && table[3] == 10 && table[4] == 3);
    for (long long run = 0; run < cubie_grid_total_runs(g); run++) {
      double y0[2], p[3];
      decode_one(g, run, y0, p);
      for (int i = 0; i < 5; i++) {
        double host = i < 2 ? y0[i] : p[i - 2];
        double kernel = cubie_grid_input(desc.axes, desc.n_axes, table, i, run);
        CHECK(memcmp(&host, &kernel, sizeof host) == 0);
      }
    }
  }
  release(&d, &m, &g);

  /* A logspace too long to tabulate: computed per run on the host, and the
   * kernel is told to read per-run inputs instead. */
  grid_deck(&d);
  test_deck_sweep_space(&d, "sigma", CUBIE_SWEEP_LOGSPACE, 1.0, 1e3, (1ll << 22) + 1, 20, 5);
  CHECK_OK(make_grid(&d, &m, &g));
  if (g) {
    CHECK(!cubie_grid_in_kernel(g));
    cubie_grid_desc desc;
    cubie_grid_kernel_desc(g, &desc);
    CHECK_INT(desc.n_axes, -1);
    CHECK_INT(cubie_grid_table_length(g), 5);
    double steps = (double)(1ll << 22), i = 12345.0;
    CHECK(cubie_grid_axis_value(g, 0, 12345) ==
          exp(log(1.0) + (log(1e3) - log(1.0)) * i / steps));
  }
  release(&d, &m, &g);
}

int main(void) {
  test_no_sweeps();
  test_combinatorial();
  test_block();
  test_spaces();
  test_verbatim();
  test_huge();
  test_errors();
  test_kernel_description();
  CHECK_DONE();
}
