/* driver_table.c — the drivers' table and its cubic splines (see
 * driver_table.h). */
#include "plan/driver_table.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/drivers_layout.h"
#include "util/error.h"
#include "util/sha256.h"

/* Solve the tridiagonal system x[k-1] + d[k] x[k] + x[k+1] = r[k]
 * (k = 0..n-1, the missing neighbours of the ends left out) in place: r
 * becomes x. d is overwritten. The diagonal dominates (|d| >= 4 > 2), so
 * no pivoting is needed. */
static void solve_ones_tridiagonal(double *d, double *r, long long n) {
  for (long long k = 1; k < n; k++) {
    const double w = 1.0 / d[k - 1];
    d[k] -= w;
    r[k] -= w * r[k - 1];
  }
  r[n - 1] /= d[n - 1];
  for (long long k = n - 2; k >= 0; k--) r[k] = (r[k] - r[k + 1]) / d[k];
}

int cubie_driver_spline(const double *y, long long n, double h, int periodic, double *M) {
  CUBIE_CHECK(n >= 4 && h > 0.0, CUBIE_ERR_INTERNAL, "a cubic spline needs 4 samples, got %lld",
              n);
  double *d = malloc(2 * (size_t)n * sizeof *d);
  CUBIE_CHECK(d, CUBIE_ERR_MEMORY, "out of memory computing a driver's spline");
  double *z = d + n;
  const double scale = 6.0 / (h * h);
  if (periodic) {
    /* M[k-1] + 4 M[k] + M[k+1] = 6 (y[k+1] - 2 y[k] + y[k-1]) / h^2 with
     * indices mod n: a cyclic system, solved as a tridiagonal one plus a
     * rank-one correction for the two corners (Sherman-Morrison). */
    for (long long k = 0; k < n; k++)
      M[k] = scale * (y[(k + 1) % n] - 2.0 * y[k] + y[(k + n - 1) % n]);
    const double gamma = -4.0; /* corners are 1: alpha = beta = 1 */
    for (long long k = 0; k < n; k++) d[k] = 4.0;
    d[0] = 4.0 - gamma;
    d[n - 1] = 4.0 - 1.0 / gamma;
    double *dz = malloc((size_t)n * sizeof *dz);
    if (!dz) {
      free(d);
      return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory computing a driver's spline");
    }
    memcpy(dz, d, (size_t)n * sizeof *dz);
    for (long long k = 0; k < n; k++) z[k] = 0.0;
    z[0] = gamma;
    z[n - 1] = 1.0;
    solve_ones_tridiagonal(d, M, n);
    solve_ones_tridiagonal(dz, z, n);
    free(dz);
    const double fact = (M[0] + M[n - 1] / gamma) / (1.0 + z[0] + z[n - 1] / gamma);
    for (long long k = 0; k < n; k++) M[k] -= fact * z[k];
    free(d);
    return CUBIE_OK;
  }
  /* Not-a-knot on a uniform grid: M[0] = 2 M[1] - M[2] turns the equation
   * of row 1 into 6 M[1] = rhs[1] (and likewise at the other end), so M[1]
   * and M[n-2] are known and the rows 2..n-3 are a tridiagonal system. */
  for (long long k = 1; k <= n - 2; k++) M[k] = scale * (y[k + 1] - 2.0 * y[k] + y[k - 1]);
  M[1] /= 6.0;
  M[n - 2] = n - 2 == 1 ? M[1] : M[n - 2] / 6.0;
  long long inner = n - 4; /* rows 2 .. n-3 */
  if (inner > 0) {
    M[2] -= M[1];
    M[n - 3] -= M[n - 2];
    for (long long k = 0; k < inner; k++) d[k] = 4.0;
    solve_ones_tridiagonal(d, M + 2, inner);
  }
  M[0] = 2.0 * M[1] - M[2];
  M[n - 1] = 2.0 * M[n - 2] - M[n - 3];
  free(d);
  return CUBIE_OK;
}

int cubie_driver_table_build(const cubie_config *cfg, double **table, long long *length) {
  *table = NULL;
  *length = 0;
  const cubie_model_config *m = &cfg->model;
  long long records = 0, data = 0;
  for (int i = 0; i < m->n_drivers; i++)
    for (int k = 0; k < m->drivers[i].n_series; k++) {
      records++;
      data += m->drivers[i].series[k].n * (m->drivers[i].interpolation == CUBIE_DRIVER_CUBIC ? 2 : 1);
    }
  if (records == 0) return CUBIE_OK;
  long long n_table = records * CUBIE_DRIVER_RECORD + data;
  double *t = calloc((size_t)n_table, sizeof *t);
  CUBIE_CHECK(t, CUBIE_ERR_MEMORY, "out of memory for the driver table (%lld values)", n_table);
  long long rec = 0, at = records * CUBIE_DRIVER_RECORD;
  int rc = CUBIE_OK;
  for (int i = 0; i < m->n_drivers && !rc; i++) {
    const cubie_driver_decl *d = &m->drivers[i];
    for (int k = 0; k < d->n_series && !rc; k++, rec++) {
      const cubie_driver_series *s = &d->series[k];
      double *r = t + rec * CUBIE_DRIVER_RECORD;
      r[0] = s->t0;
      r[1] = s->dt;
      r[2] = (double)s->n;
      r[3] = (double)at;
      memcpy(t + at, s->values, (size_t)s->n * sizeof *t);
      if (d->interpolation == CUBIE_DRIVER_CUBIC)
        rc = cubie_driver_spline(s->values, s->n, s->dt, d->outside == CUBIE_DRIVER_PERIODIC,
                                 t + at + s->n);
      at += s->n * (d->interpolation == CUBIE_DRIVER_CUBIC ? 2 : 1);
    }
  }
  if (rc) {
    free(t);
    return rc;
  }
  *table = t;
  *length = n_table;
  return CUBIE_OK;
}

void cubie_driver_table_digest(const double *table, long long length, char hex[65]) {
  hex[0] = '\0';
  if (!table || length <= 0) return;
  cubie_sha256 h;
  cubie_sha256_init(&h);
  cubie_sha256_update(&h, table, (size_t)length * sizeof *table);
  cubie_sha256_hex(&h, hex);
}
