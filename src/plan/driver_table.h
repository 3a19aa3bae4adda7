/* driver_table.h — the one table every run reads its drivers from
 * (kernels/drivers.h describes the layout): a record per series, then the
 * samples and, for cubic interpolation, the spline's second derivatives,
 * computed here once on the host.
 *
 * Cubic splines are not-a-knot (the first two and the last two intervals
 * are each one cubic), or periodic for `outside: periodic`. Not-a-knot
 * rather than natural: a natural spline forces the second derivative to 0
 * at both ends, an error of O(h^2) there whatever the data, while
 * not-a-knot stays O(h^4) up to the ends and reproduces any cubic
 * polynomial exactly; periodic because the samples of a periodic driver are
 * one period, and the spline must join itself smoothly.
 *
 * Owns the arithmetic only: it reads the validated config and touches no
 * file and no device.
 */
#ifndef CUBIE_DRIVER_TABLE_H
#define CUBIE_DRIVER_TABLE_H

#include "deck/config.h"

/* The table for cfg->model.drivers (*table NULL, *length 0 without drivers);
 * the caller frees *table. */
int cubie_driver_table_build(const cubie_config *cfg, double **table, long long *length);

/* The SHA-256 of the table's bytes as hex ("" without drivers): the data
 * the deck's driver files held, so --resume can tell a changed file from
 * the one a partial output was computed from (the deck text names files,
 * not their contents). */
void cubie_driver_table_digest(const double *table, long long length, char hex[65]);

/* The second derivatives M[0..n) of the cubic spline through y[0..n) at
 * spacing h (n >= 4): not-a-knot, or periodic (period n*h). Exposed for the
 * tests. */
int cubie_driver_spline(const double *y, long long n, double h, int periodic, double *M);

#endif
