/* sweep_table.h — per-run tables for `file` sweep axes: one column of a CSV
 * or NetCDF file, one row per run (posterior samples, a measured cohort).
 *
 * The deck layer reads the column once, when the deck is loaded, so the
 * grid treats it like a values list (a TABLE axis the kernels index). A
 * relative path is taken from the deck file's folder. Every problem is
 * CUBIE_ERR_INPUT naming the deck position of the axis and, for a CSV, the
 * file's own line and column ("deck.yaml:12:5: batch.sweep.k.file:
 * post.csv:7:9: 'x' in column 'k' is not a number"). It reads nothing but
 * the named file and never keeps it open.
 */
#ifndef CUBIE_SWEEP_TABLE_H
#define CUBIE_SWEEP_TABLE_H

#include "deck/config.h"

/* Column `column` of `path` (NetCDF when it ends in .nc, .nc4 or .cdf: a
 * one-dimensional variable of that name; otherwise CSV: a header row of
 * names, then rows of numbers, `#` comment lines and blank lines skipped)
 * into *values (malloc'd, *n >= 1 finite numbers). `what` names the deck
 * key, `at` its position. */
int cubie_sweep_table_read(const cubie_config *cfg, cubie_mark at, const char *what, const char *path,
                           const char *column, double **values, long long *n);

#endif
