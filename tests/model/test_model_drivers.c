/* test_model_drivers.c — drivers in the model and their splines:
 * - a driver is a function of t alone: ∂f/∂y has the driver's value but
 *   never its rate, ∂f/∂t has the rate (the DRIVER_RATE leaf), and a model
 *   whose only time dependence is a driver is not autonomous;
 * - the generated code reads each driver once per function, from the table,
 *   with the run's series when the driver has several (selector parameter);
 * - the not-a-knot spline reproduces a cubic polynomial (its second
 *   derivative exactly linear), the periodic spline of sin(2πt) has
 *   M ≈ -(2π)² sin within its O(h²) error, and of a constant has M = 0.
 */
#include <stdlib.h>

#include "check.h"
#include "deck/config.h"
#include "model/model_internal.h"
#include "plan/driver_table.h"
#include "util/strbuf.h"

static const char deck[] =
    "model:\n"
    "  states: {y: 1.0, z: 0.0}\n"
    "  parameters: {k: 2.0}\n"
    "  drivers:\n"
    "    u: {values: [0, 1, 4, 9, 16], dt: 0.5, interpolation: cubic, outside: clamp}\n"
    "    w: {series: [[1, 2], [3, 4], [5, 6]], dt: 1.0}\n"
    "  equations: |\n"
    "    dy = -k * y + u * y\n"
    "    dz = w * y\n"
    "integrator: {duration: 1.0}\n";

/* 1 when a leaf `op` is reachable from node `root`. */
static int reaches(const cubie_expr_graph *g, int root, cubie_expr_op op) {
  if (root < 0) return 0;
  char *seen = calloc((size_t)g->n_nodes, 1);
  seen[root] = 1;
  int found = 0;
  for (int id = root; id >= 0; id--) {
    if (!seen[id]) continue;
    if (g->nodes[id].op == op) found = 1;
    for (int c = 0; c < g->nodes[id].n_children; c++) seen[g->nodes[id].child[c]] = 1;
  }
  free(seen);
  return found;
}

static void derivatives(void) {
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("drivers.yaml", deck, NULL, 0, &cfg));
  cubie_model *m = NULL;
  CHECK_OK(cubie_model_create(cfg, &m));
  if (!m) return;
  CHECK_INT(cubie_model_n_drivers(m), 2);
  CHECK_INT(cubie_model_driver_selector(m, 0), -1);
  CHECK_INT(cubie_model_driver_selector(m, 1), 1); /* after k */
  CHECK_INT(cubie_model_n_parameters(m), 2);
  CHECK_OK(cubie_model_differentiate(m, cfg));
  const cubie_model_derivatives *d = m->derivatives;
  CHECK(!cubie_model_is_autonomous(m));
  for (int e = 0; e < d->n_entries; e++) {
    CHECK(!reaches(m->graph, d->entry_node[e], CUBIE_EXPR_DRIVER_RATE));
    if (d->entries[e].row == 0 && d->entries[e].column == 0)
      CHECK(reaches(m->graph, d->entry_node[e], CUBIE_EXPR_DRIVER));
  }
  CHECK(reaches(m->graph, d->dfdt[0], CUBIE_EXPR_DRIVER_RATE));
  CHECK(reaches(m->graph, d->dfdt[1], CUBIE_EXPR_DRIVER_RATE));
  cubie_strbuf src;
  CHECK_OK(cubie_strbuf_init(&src));
  CHECK_OK(cubie_model_generate(m, NULL, 0, &src));
  CHECK_OK(cubie_model_generate_jacobian(m, &src));
  CHECK_CONTAINS(src.data, "cubie_driver_value(CUBIE_DRIVER_TABLE, 0, t, 1, 0)");
  CHECK_CONTAINS(src.data, "cubie_driver_rate(CUBIE_DRIVER_TABLE, 0, t, 1, 0)");
  CHECK_CONTAINS(src.data, "cubie_driver_value(CUBIE_DRIVER_TABLE, 1 + (int)p[1], t, 0, 2)");
  /* w has outside: error (the default): the span check is generated. */
  CHECK_CONTAINS(src.data, "cubie_driver_covers(CUBIE_DRIVER_TABLE, 1 + (int)p[1], t0, t1)");
  cubie_strbuf_free(&src);
  cubie_model_destroy(&m);
  cubie_config_destroy(&cfg);
}

static void splines(void) {
  enum { N = 11 };
  double y[N], M[N];
  const double h = 0.3;
  for (int i = 0; i < N; i++) {
    double t = i * h;
    y[i] = 1.0 - 2.0 * t + 0.5 * t * t - 0.25 * t * t * t;
  }
  CHECK_OK(cubie_driver_spline(y, N, h, 0, M));
  for (int i = 0; i < N; i++) CHECK_NEAR(M[i], 1.0 - 1.5 * i * h, 1e-11);
  const double pi = 3.14159265358979323846;
  for (int i = 0; i < N; i++) y[i] = sin(2 * pi * i / N);
  CHECK_OK(cubie_driver_spline(y, N, 1.0 / N, 1, M));
  for (int i = 0; i < N; i++) CHECK_NEAR(M[i], -4 * pi * pi * y[i], 0.05 * 4 * pi * pi);
  double sum = 0;
  for (int i = 0; i < N; i++) sum += M[i];
  CHECK_NEAR(sum, 0.0, 1e-10); /* periodic: M sums to (2π)²·0 */
  for (int i = 0; i < N; i++) y[i] = 3.0;
  CHECK_OK(cubie_driver_spline(y, N, 0.1, 1, M));
  for (int i = 0; i < N; i++) CHECK_NEAR(M[i], 0.0, 1e-12);
}

int main(void) {
  derivatives();
  splines();
  CHECK_DONE();
}
