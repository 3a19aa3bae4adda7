/* sweep_table.c — one column of a per-run table file (see sweep_table.h). */
#include "deck/sweep_table.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* Where a table is read from and what to blame. */
typedef struct table_source {
  const cubie_config *cfg;
  cubie_mark at;
  const char *what;
  const char *path; /* as the deck gives it */
  const char *column;
} table_source;

static int table_error(const table_source *src, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "WHAT: PATH:LINE:COL: message" at the deck position of the axis. */
static int table_error(const table_source *src, int line, int column, const char *fmt, ...) {
  char message[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (line > 0)
    return cubie_config_error_at(src->cfg, src->at, "%s: %s:%d:%d: %s", src->what, src->path, line, column,
                                 message);
  return cubie_config_error_at(src->cfg, src->at, "%s: %s: %s", src->what, src->path, message);
}

/* The path to open: as given when absolute or when the deck has no folder
 * (or came from --set... the deck's folder still anchors it), else beside
 * the deck file. */
static char *resolve_path(const cubie_config *cfg, const char *path) {
  const char *deck = cfg->path ? cfg->path : "";
  const char *slash = strrchr(deck, '/');
  size_t dir = (path[0] == '/' || !slash) ? 0 : (size_t)(slash - deck) + 1;
  char *full = malloc(dir + strlen(path) + 1);
  if (!full) return NULL;
  memcpy(full, deck, dir);
  strcpy(full + dir, path);
  return full;
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int read_netcdf(const table_source *src, const char *file, double **values, long long *n) {
  int ncid = -1, varid = -1, ndims = 0, dimid = -1;
  int rc = nc_open(file, NC_NOWRITE, &ncid);
  if (rc != NC_NOERR) return table_error(src, 0, 0, "cannot open as NetCDF: %s", nc_strerror(rc));
  int result = CUBIE_OK;
  size_t len = 0;
  if (nc_inq_varid(ncid, src->column, &varid) != NC_NOERR) {
    result = table_error(src, 0, 0, "has no variable '%s' (a file axis reads the variable named after "
                         "the swept symbol, or `column:`)", src->column);
  } else if (nc_inq_varndims(ncid, varid, &ndims) != NC_NOERR || ndims != 1) {
    result = table_error(src, 0, 0, "variable '%s' has %d dimensions; a per-run column needs exactly one "
                         "(one value per run)", src->column, ndims);
  } else if (nc_inq_vardimid(ncid, varid, &dimid) != NC_NOERR || nc_inq_dimlen(ncid, dimid, &len) != NC_NOERR ||
             len == 0) {
    result = table_error(src, 0, 0, "variable '%s' has no values", src->column);
  } else {
    double *v = malloc(len * sizeof *v);
    if (!v) {
      result = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading '%s'", file);
    } else if ((rc = nc_get_var_double(ncid, varid, v)) != NC_NOERR) {
      free(v);
      result = table_error(src, 0, 0, "cannot read variable '%s': %s", src->column, nc_strerror(rc));
    } else {
      for (size_t i = 0; i < len && !result; i++)
        if (!isfinite(v[i]))
          result = table_error(src, 0, 0, "variable '%s' row %zu is not a finite number (a missing value?)",
                               src->column, i + 1);
      if (result) free(v);
      else {
        *values = v;
        *n = (long long)len;
      }
    }
  }
  nc_close(ncid);
  return result;
}

/* The field of a CSV line at *p (up to ',' or the line's end), trimmed of
 * blanks and one pair of double quotes; *col gets its 1-based column.
 * Returns whether another field follows (and moves *p to it). */
static bool next_field(char **p, const char *line, char **start, int *col) {
  char *s = *p;
  while (*s == ' ' || *s == '\t') s++;
  char *end = s;
  while (*end && *end != ',') end++;
  const bool more = *end == ',';
  char *last = end;
  while (last > s && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r')) last--;
  *last = '\0';
  if (s[0] == '"' && last - s >= 2 && last[-1] == '"') {
    s++;
    last[-1] = '\0';
  }
  *col = (int)(s - line) + 1;
  *start = s;
  *p = more ? end + 1 : end;
  return more;
}

static bool skip_line(const char *line) {
  while (*line == ' ' || *line == '\t' || *line == '\r') line++;
  return *line == '\0' || *line == '#';
}

static int read_csv(const table_source *src, char *text, double **values, long long *n) {
  int line_no = 0, column = -1, n_fields = 0;
  long long cap = 0, rows = 0;
  double *v = NULL;
  int result = CUBIE_OK;
  char *cursor = text;
  while (cursor && *cursor && !result) {
    char *line = cursor;
    char *nl = strchr(cursor, '\n');
    if (nl) *nl = '\0';
    cursor = nl ? nl + 1 : NULL;
    line_no++;
    if (skip_line(line)) continue;
    char *p = line;
    int fields = 0, col = 0;
    char *field;
    if (column < 0) { /* the header */
      bool more = true;
      while (more) {
        more = next_field(&p, line, &field, &col);
        if (strcmp(field, src->column) == 0 && column < 0) column = fields;
        fields++;
      }
      n_fields = fields;
      if (column < 0)
        result = table_error(src, line_no, 1, "the header row has no column '%s' (a file axis reads the "
                             "column named after the swept symbol, or `column:`)", src->column);
      continue;
    }
    bool more = true;
    while (more && !result) {
      more = next_field(&p, line, &field, &col);
      if (fields == column) {
        char *end = NULL;
        errno = 0;
        double x = strtod(field, &end);
        if (end == field || *end)
          result = table_error(src, line_no, col, "'%s' in column '%s' is not a number", field, src->column);
        else if (!isfinite(x))
          result = table_error(src, line_no, col, "'%s' in column '%s' is not a finite number", field,
                               src->column);
        else {
          if (rows == cap) {
            cap = cap ? 2 * cap : 256;
            double *grown = realloc(v, (size_t)cap * sizeof *v);
            if (!grown) {
              result = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading '%s'", src->path);
              continue;
            }
            v = grown;
          }
          v[rows++] = x;
        }
      }
      fields++;
    }
    if (!result && fields != n_fields)
      result = table_error(src, line_no, 1, "row has %d field%s but the header has %d", fields,
                           fields == 1 ? "" : "s", n_fields);
  }
  if (!result && column < 0) result = table_error(src, 0, 0, "is empty (it needs a header row of names)");
  if (!result && rows == 0) result = table_error(src, 0, 0, "has a header but no rows");
  if (result) {
    free(v);
    return result;
  }
  *values = v;
  *n = rows;
  return CUBIE_OK;
}

int cubie_sweep_table_read(const cubie_config *cfg, cubie_mark at, const char *what, const char *path,
                           const char *column, double **values, long long *n) {
  *values = NULL;
  *n = 0;
  table_source src = {.cfg = cfg, .at = at, .what = what, .path = path, .column = column};
  char *file = resolve_path(cfg, path);
  CUBIE_CHECK(file, CUBIE_ERR_MEMORY, "out of memory reading %s", what);
  int result;
  if (has_suffix(path, ".nc") || has_suffix(path, ".nc4") || has_suffix(path, ".cdf")) {
    FILE *probe = fopen(file, "rb");
    if (!probe) result = table_error(&src, 0, 0, "cannot read: %s", strerror(errno));
    else {
      fclose(probe);
      result = read_netcdf(&src, file, values, n);
    }
  } else {
    FILE *f = fopen(file, "rb");
    char *text = NULL;
    if (!f) {
      result = table_error(&src, 0, 0, "cannot read: %s", strerror(errno));
    } else {
      size_t cap = 1 << 16, len = 0;
      text = malloc(cap);
      result = text ? CUBIE_OK : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading %s", what);
      while (!result) {
        if (len + 1 >= cap) {
          char *grown = realloc(text, cap * 2);
          if (!grown) {
            result = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading %s", what);
            break;
          }
          text = grown;
          cap *= 2;
        }
        size_t got = fread(text + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) break;
      }
      if (!result && ferror(f)) result = table_error(&src, 0, 0, "cannot read: %s", strerror(errno));
      fclose(f);
      if (!result) {
        text[len] = '\0';
        if (strlen(text) != len) result = table_error(&src, 0, 0, "is not a text (CSV) file");
        else result = read_csv(&src, text, values, n);
      }
    }
    free(text);
  }
  free(file);
  return result;
}
