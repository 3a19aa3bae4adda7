/* driver_file.c — driver samples from CSV and NetCDF files (see
 * driver_file.h). */
#include "deck/driver_file.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

/* Samples whose times are further than this fraction of dt from the
 * uniform grid are refused (CSV prints times rounded; 1e-6 leaves room for
 * that, and none for a missing or doubled row). */
#define UNIFORM_TOLERANCE 1e-6

int cubie_driver_file_resolve(const cubie_config *cfg, const char *path, char **out) {
  *out = NULL;
  const char *deck = cfg && cfg->path ? cfg->path : "";
  const char *slash = strrchr(deck, '/');
  size_t dir = path[0] == '/' || !slash ? 0 : (size_t)(slash - deck) + 1;
  size_t n = strlen(path);
  *out = malloc(dir + n + 1);
  CUBIE_CHECK(*out, CUBIE_ERR_MEMORY, "out of memory naming a driver file");
  memcpy(*out, deck, dir);
  memcpy(*out + dir, path, n + 1);
  return CUBIE_OK;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Times t[0..n) evenly spaced and increasing: t0 and dt, or the index of the
 * first that is not (returned; -1 when all are). */
static long long uniform_times(const double *t, long long n, double *t0, double *dt) {
  *t0 = t[0];
  *dt = n > 1 ? (t[n - 1] - t[0]) / (double)(n - 1) : 0.0;
  if (n > 1 && !(*dt > 0.0)) return 1;
  for (long long k = 1; k < n; k++)
    if (fabs(t[k] - (*t0 + (double)k * *dt)) > UNIFORM_TOLERANCE * *dt) return k;
  return -1;
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct csv_reader {
  const char *path;
  double *values, *times;
  long long n;
  size_t cap_values, cap_times;
  int columns; /* 1 or 2, decided by the first data row */
  int *row_line, *row_column; /* per sample: where its time field is (for messages) */
  size_t cap_line, cap_column;
} csv_reader;

static const char *skip_blank(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  return p;
}

/* One field [p, end) as a finite number; 0 when it is not one. */
static int field_number(const char *p, const char *end, double *out) {
  char buf[128];
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
  size_t len = (size_t)(end - p);
  if (len == 0 || len >= sizeof buf) return 0;
  memcpy(buf, p, len);
  buf[len] = '\0';
  char *stop = NULL;
  errno = 0;
  double v = strtod(buf, &stop);
  if (stop != buf + len || !isfinite(v)) return 0;
  *out = v;
  return 1;
}

/* One line of the file: a header (only before any data), a data row, or
 * an error at its line and column. */
static int csv_line(csv_reader *R, const char *line, const char *end, int lineno) {
  const char *p = skip_blank(line, end);
  if (p == end || *p == '#') return CUBIE_OK;
  double field[2];
  int col[2], n = 0, all_numbers = 1;
  const char *start = line;
  for (;;) {
    const char *f = skip_blank(start, end);
    const char *comma = memchr(f, ',', (size_t)(end - f));
    const char *stop = comma ? comma : end;
    if (n == 2)
      return CUBIE_RAISE(CUBIE_ERR_INPUT,
                         "%s:%d:%d: a driver file has one column (values) or two (time,value), "
                         "not more",
                         R->path, lineno, (int)(f - line) + 1);
    col[n] = (int)(f - line) + 1;
    if (!field_number(f, stop, &field[n])) {
      all_numbers = 0;
      if (R->n > 0 || R->columns) {
        char text[48];
        const char *e = stop;
        while (e > f && (e[-1] == ' ' || e[-1] == '\t')) e--;
        snprintf(text, sizeof text, "%.*s", (int)(e - f) > 40 ? 40 : (int)(e - f), f);
        return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s:%d:%d: '%s' is not a finite number", R->path,
                           lineno, col[n], text);
      }
    }
    n++;
    if (!comma) break;
    start = comma + 1;
  }
  if (!all_numbers) { /* the header row: names the columns, read no further */
    R->columns = n;
    return CUBIE_OK;
  }
  if (!R->columns) R->columns = n;
  if (n != R->columns)
    return CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "%s:%d:%d: this row has %d column%s, the rows above %d", R->path, lineno,
                       col[n - 1], n, n == 1 ? "" : "s", R->columns);
  CUBIE_CALL(CUBIE_GROW(R->values, R->n + 1, R->cap_values, "driver samples"));
  CUBIE_CALL(CUBIE_GROW(R->row_line, R->n + 1, R->cap_line, "driver samples"));
  CUBIE_CALL(CUBIE_GROW(R->row_column, R->n + 1, R->cap_column, "driver samples"));
  if (n == 2) CUBIE_CALL(CUBIE_GROW(R->times, R->n + 1, R->cap_times, "driver samples"));
  R->values[R->n] = field[n - 1];
  if (n == 2) R->times[R->n] = field[0];
  R->row_line[R->n] = lineno;
  R->row_column[R->n] = col[0];
  R->n++;
  return CUBIE_OK;
}

static int read_csv(const char *path, cubie_driver_samples *out) {
  FILE *f = fopen(path, "rb");
  CUBIE_CHECK(f, CUBIE_ERR_INPUT, "cannot read driver file '%s': %s", path, strerror(errno));
  csv_reader R;
  memset(&R, 0, sizeof R);
  R.path = path;
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  int lineno = 0, rc = CUBIE_OK;
  while (!rc && (got = getline(&line, &cap, f)) >= 0) {
    lineno++;
    size_t len = (size_t)got;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    if (memchr(line, '\0', len))
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "%s:%d:1: a NUL byte (not a text file)", path, lineno);
    else
      rc = csv_line(&R, line, line + len, lineno);
  }
  free(line);
  fclose(f);
  if (!rc && R.n == 0)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "%s:%d:1: no samples (one number per line, or time,value)",
                     path, lineno > 0 ? lineno : 1);
  if (!rc && R.times) {
    long long bad = uniform_times(R.times, R.n, &out->t0, &out->dt);
    if (bad >= 0)
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "%s:%d:%d: times must increase in equal steps (%.17g from the first and "
                       "last), but this row's time is %.17g, not %.17g",
                       path, R.row_line[bad], R.row_column[bad], out->dt, R.times[bad],
                       out->t0 + (double)bad * out->dt);
    if (!rc && R.n < 2)
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "%s:%d:%d: one time,value row gives no time step; give two or more, or "
                       "a values column with dt in the deck",
                       path, R.row_line[0], R.row_column[0]);
    out->has_time = true;
  }
  free(R.times);
  free(R.row_line);
  free(R.row_column);
  if (rc) {
    free(R.values);
    return rc;
  }
  out->values = R.values;
  out->n = R.n;
  return CUBIE_OK;
}

/* ---- NetCDF ------------------------------------------------------------- */

#define NC_TRY(call, what)                                                                     \
  do {                                                                                         \
    int nc_status_ = (call);                                                                   \
    if (nc_status_ != NC_NOERR) {                                                              \
      rc = cubie_config_error_at(cfg, variable_mark, "driver file '%s': %s: %s", path, what,   \
                                 nc_strerror(nc_status_));                                     \
      goto done;                                                                               \
    }                                                                                          \
  } while (0)

static int read_netcdf(const cubie_config *cfg, const char *path, const char *variable,
                       cubie_mark variable_mark, cubie_mark file_mark,
                       cubie_driver_samples *out) {
  int ncid = -1, varid, ndims, dim, coord, rc = CUBIE_OK;
  double *values = NULL, *times = NULL;
  int status = nc_open(path, NC_NOWRITE, &ncid);
  if (status != NC_NOERR)
    return cubie_config_error_at(cfg, file_mark, "cannot read driver file '%s': %s", path,
                                 nc_strerror(status));
  if (!variable) {
    rc = cubie_config_error_at(cfg, file_mark,
                               "driver file '%s' is NetCDF: name the variable to read "
                               "(variable: NAME)",
                               path);
    goto done;
  }
  if (nc_inq_varid(ncid, variable, &varid) != NC_NOERR) {
    rc = cubie_config_error_at(cfg, variable_mark, "driver file '%s' has no variable '%s'", path,
                               variable);
    goto done;
  }
  NC_TRY(nc_inq_varndims(ncid, varid, &ndims), "cannot inquire the variable");
  if (ndims != 1) {
    rc = cubie_config_error_at(cfg, variable_mark,
                               "variable '%s' of '%s' has %d dimensions; a driver needs one", variable,
                               path, ndims);
    goto done;
  }
  NC_TRY(nc_inq_vardimid(ncid, varid, &dim), "cannot inquire the variable's dimension");
  size_t n = 0;
  char dim_name[NC_MAX_NAME + 1];
  NC_TRY(nc_inq_dim(ncid, dim, dim_name, &n), "cannot inquire the variable's dimension");
  if (n == 0) {
    rc = cubie_config_error_at(cfg, variable_mark, "variable '%s' of '%s' is empty", variable,
                               path);
    goto done;
  }
  values = malloc(n * sizeof *values);
  times = malloc(n * sizeof *times);
  if (!values || !times) {
    rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading '%s'", path);
    goto done;
  }
  NC_TRY(nc_get_var_double(ncid, varid, values), "cannot read the variable");
  for (size_t k = 0; k < n; k++)
    if (!isfinite(values[k])) {
      rc = cubie_config_error_at(cfg, variable_mark,
                                 "variable '%s' of '%s': sample %zu is not a finite number",
                                 variable, path, k);
      goto done;
    }
  /* A coordinate variable (named after the dimension) gives the times. */
  int coord_dims = 0;
  if (strcmp(dim_name, variable) != 0 && nc_inq_varid(ncid, dim_name, &coord) == NC_NOERR &&
      nc_inq_varndims(ncid, coord, &coord_dims) == NC_NOERR && coord_dims == 1) {
    NC_TRY(nc_get_var_double(ncid, coord, times), "cannot read the time coordinate");
    long long bad = uniform_times(times, (long long)n, &out->t0, &out->dt);
    if (bad >= 0) {
      rc = cubie_config_error_at(cfg, variable_mark,
                                 "driver file '%s': coordinate '%s' must increase in equal steps, "
                                 "but element %lld is %.17g, not %.17g",
                                 path, dim_name, bad, times[bad], out->t0 + (double)bad * out->dt);
      goto done;
    }
    if (n < 2) {
      rc = cubie_config_error_at(cfg, variable_mark,
                                 "driver file '%s': one sample gives no time step", path);
      goto done;
    }
    out->has_time = true;
  }
  out->values = values;
  out->n = (long long)n;
  values = NULL;
done:
  free(values);
  free(times);
  if (ncid >= 0) nc_close(ncid);
  return rc;
}

int cubie_driver_file_read(const cubie_config *cfg, const char *path, const char *variable,
                           cubie_mark variable_mark, cubie_mark file_mark,
                           cubie_driver_samples *out) {
  memset(out, 0, sizeof *out);
  if (ends_with(path, ".nc") || ends_with(path, ".nc4"))
    return read_netcdf(cfg, path, variable, variable_mark, file_mark, out);
  FILE *probe = fopen(path, "rb");
  if (!probe)
    return cubie_config_error_at(cfg, file_mark, "cannot read driver file '%s': %s", path,
                                 strerror(errno));
  fclose(probe);
  if (variable)
    return cubie_config_error_at(cfg, variable_mark,
                                 "'variable' names a NetCDF variable, but '%s' is read as CSV "
                                 "(NetCDF files end in .nc)",
                                 path);
  return read_csv(path, out);
}
