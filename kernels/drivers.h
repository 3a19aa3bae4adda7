/* drivers.h — a driver's value (and time derivative) at any time, from the
 * job's driver table; included only by kernels of models with drivers.
 *
 * The table (built once on the host, src/plan/driver_table.c, shared by all
 * runs) holds one record of CUBIE_DRIVER_RECORD doubles per series —
 * t0, dt, the number of samples n, and where its data starts — followed by
 * the data: the n samples y, and for cubic interpolation the spline's n
 * second derivatives M after them. Sample k is at t0 + k·dt. `outside`:
 * 0 clamp (the first / last sample is held, its rate is 0), 1 periodic (the
 * n samples are one period of length n·dt; interval n-1 runs from y[n-1]
 * back to y[0]), 2 error (evaluated as clamp; a run whose span the series
 * does not cover fails at its start, run.h, CUBIE_RUN_DRIVER_OUTSIDE).
 * Arithmetic is double whatever the working precision, as time is.
 *
 * Where the table lives: on the device, in constant memory when it fits
 * (CUBIE_DRIVER_CONSTANT_LIMIT bytes: every thread of a warp reads the same
 * record at nearly the same time, which the constant cache serves in one
 * broadcast), else in global memory read through a pointer; the CUDA
 * backend fills either symbol when it launches (backend_cuda.c). On the
 * host, every OpenMP thread points at the one shared array of the chunk's
 * arguments (entry_cpu.h sets the thread's pointer; thread-local so two
 * jobs in one process never share it). This file only reads the table.
 */
#ifndef CUBIE_DRIVERS_H
#define CUBIE_DRIVERS_H

#include "drivers_layout.h"

#if CUBIE_ON_DEVICE
#if CUBIE_DRIVER_TABLE_LENGTH * 8 <= CUBIE_DRIVER_CONSTANT_LIMIT
extern "C" {
__constant__ double cubie_driver_constant[CUBIE_DRIVER_TABLE_LENGTH];
}
#define CUBIE_DRIVER_TABLE cubie_driver_constant
#else
extern "C" {
__device__ const double *cubie_driver_global;
}
#define CUBIE_DRIVER_TABLE cubie_driver_global
#endif
#else
static __thread const double *cubie_driver_host_table;
#define CUBIE_DRIVER_TABLE cubie_driver_host_table
#endif

/* Where time t falls in series `rec`: interval i (from sample i to sample
 * j = i + 1, or 0 after the last in a periodic series) at fraction theta;
 * 0 when t is outside a non-periodic series (then *held is the sample it
 * holds). */
CUBIE_INLINE int cubie_driver_locate(const double *CUBIE_RESTRICT table, int rec, double t,
                                     int outside, cubie_i64 *i, cubie_i64 *j, double *theta,
                                     double *held) {
  const double *r = table + (cubie_i64)rec * CUBIE_DRIVER_RECORD;
  const double dt = r[1];
  const cubie_i64 n = (cubie_i64)r[2];
  const double *y = table + (cubie_i64)r[3];
  double x = (t - r[0]) / dt;
  cubie_i64 intervals = n - 1;
  if (outside == 1) {
    x = x - floor(x / (double)n) * (double)n; /* [0, n] after rounding */
    intervals = n;
  } else if (x < 0.0 || x > (double)(n - 1)) {
    *held = x < 0.0 ? y[0] : y[n - 1];
    return 0;
  }
  cubie_i64 k = (cubie_i64)x;
  if (k > intervals - 1) k = intervals - 1;
  if (k < 0) k = 0;
  *i = k;
  *j = k + 1 == n ? 0 : k + 1;
  *theta = x - (double)k;
  return 1;
}

/* The value of series `rec` at t: linear (cubic == 0) or the cubic spline. */
CUBIE_INLINE cubie_real cubie_driver_value(const double *CUBIE_RESTRICT table, int rec, double t,
                                           int cubic, int outside) {
  cubie_i64 i = 0, j = 0;
  double th = 0.0, held = 0.0;
  if (!cubie_driver_locate(table, rec, t, outside, &i, &j, &th, &held)) return (cubie_real)held;
  const double *r = table + (cubie_i64)rec * CUBIE_DRIVER_RECORD;
  const double *y = table + (cubie_i64)r[3];
  const double ya = y[i], yb = y[j];
  if (!cubic) return (cubie_real)(ya + th * (yb - ya));
  const cubie_i64 n = (cubie_i64)r[2];
  const double dt = r[1], u = 1.0 - th;
  const double ma = y[n + i], mb = y[n + j];
  return (cubie_real)(u * ya + th * yb +
                      dt * dt / 6.0 * ((u * u * u - u) * ma + (th * th * th - th) * mb));
}

/* Its time derivative (0 where a clamped series is held). */
CUBIE_INLINE cubie_real cubie_driver_rate(const double *CUBIE_RESTRICT table, int rec, double t,
                                          int cubic, int outside) {
  cubie_i64 i = 0, j = 0;
  double th = 0.0, held = 0.0;
  if (!cubie_driver_locate(table, rec, t, outside, &i, &j, &th, &held)) return (cubie_real)0;
  const double *r = table + (cubie_i64)rec * CUBIE_DRIVER_RECORD;
  const double *y = table + (cubie_i64)r[3];
  const double dt = r[1], slope = (y[j] - y[i]) / dt;
  if (!cubic) return (cubie_real)slope;
  const cubie_i64 n = (cubie_i64)r[2];
  const double u = 1.0 - th;
  return (cubie_real)(slope + dt / 6.0 * ((1.0 - 3.0 * u * u) * y[n + i] +
                                          (3.0 * th * th - 1.0) * y[n + j]));
}

/* 1 when series `rec` has samples over all of [t0, t1] (up to a billionth
 * of a sample spacing, so a span that ends on the last sample up to
 * rounding is covered). */
CUBIE_INLINE int cubie_driver_covers(const double *CUBIE_RESTRICT table, int rec, double t0,
                                     double t1) {
  const double *r = table + (cubie_i64)rec * CUBIE_DRIVER_RECORD;
  const double x0 = (t0 - r[0]) / r[1], x1 = (t1 - r[0]) / r[1];
  return x0 >= -1e-9 && x1 <= r[2] - 1.0 + 1e-9;
}

#endif
