/* driver_file.h — the samples of a driver read from a file the deck names
 * (model.drivers, docs/deck.md): CSV (one column of values, or time,value
 * columns) or NetCDF (a named one-dimensional variable).
 *
 * Owns reading and checking those files and nothing else: every problem is
 * CUBIE_ERR_INPUT naming the file (CSV: file:line:column) or, where the
 * file itself is fine but does not fit the deck, the deck position given.
 * It never interprets the samples (interpolation is plan/driver_table.c's).
 */
#ifndef CUBIE_DRIVER_FILE_H
#define CUBIE_DRIVER_FILE_H

#include <stdbool.h>

#include "deck/config.h"

/* What a file gave: the samples, and their times when it had a time axis. */
typedef struct cubie_driver_samples {
  double *values;
  long long n;
  bool has_time; /* a time column / coordinate variable: t0 and dt below */
  double t0, dt;
} cubie_driver_samples;

/* Read `path` (a CSV file unless it ends in .nc or .nc4; NetCDF needs
 * `variable`, `variable_mark` is where the deck names it). Times, when
 * present, must be uniformly spaced and increasing. The caller frees
 * out->values. */
int cubie_driver_file_read(const cubie_config *cfg, const char *path, const char *variable,
                           cubie_mark variable_mark, cubie_mark file_mark,
                           cubie_driver_samples *out);

/* A path from the deck, relative to the deck file's folder (unless
 * absolute); the caller frees *out. */
int cubie_driver_file_resolve(const cubie_config *cfg, const char *path, char **out);

#endif
