/* output_resume.c — reading what an existing output file lacks (see output_resume.h). */
#include "output/output_resume.h"

#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

#define STATUS_PIECE ((size_t)1 << 20)

static int read_text_att(int ncid, const char *name, char **out) {
  size_t len = 0;
  if (nc_inq_attlen(ncid, NC_GLOBAL, name, &len) != NC_NOERR) len = 0;
  char *text = calloc(len + 1, 1);
  CUBIE_CHECK(text, CUBIE_ERR_MEMORY, "out of memory reading attribute %s", name);
  if (len) nc_get_att_text(ncid, NC_GLOBAL, name, text);
  *out = text;
  return CUBIE_OK;
}

static int add_range(cubie_output_state *st, long long a, long long b, size_t *cap) {
  if (st->n_missing_ranges > 0 && st->missing[2 * st->n_missing_ranges - 1] == a) {
    st->missing[2 * st->n_missing_ranges - 1] = b; /* extends the last range */
  } else {
    CUBIE_CALL(CUBIE_GROW(st->missing, 2 * (st->n_missing_ranges + 1), *cap,
                          "the list of missing runs"));
    st->missing[2 * st->n_missing_ranges] = a;
    st->missing[2 * st->n_missing_ranges + 1] = b;
    st->n_missing_ranges++;
  }
  st->n_missing_runs += b - a;
  return CUBIE_OK;
}

static int scan_status(int ncid, const char *path, cubie_output_state *st) {
  int varid, status = nc_inq_varid(ncid, "status", &varid);
  CUBIE_CHECK(status == NC_NOERR, CUBIE_ERR_INPUT,
              "cannot resume '%s': it has no status variable (not a cubie output file?)", path);
  unsigned int *buf = malloc(STATUS_PIECE * sizeof *buf);
  CUBIE_CHECK(buf, CUBIE_ERR_MEMORY, "out of memory reading status");
  size_t cap = 0; /* in elements: two per range */
  int rc = CUBIE_OK;
  for (size_t start = 0; !rc && start < (size_t)st->total_runs; start += STATUS_PIECE) {
    size_t count = (size_t)st->total_runs - start < STATUS_PIECE ? (size_t)st->total_runs - start
                                                                  : STATUS_PIECE;
    status = nc_get_vara_uint(ncid, varid, &start, &count, buf);
    if (status != NC_NOERR) {
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot resume '%s': reading status: %s", path,
                       nc_strerror(status));
      break;
    }
    for (size_t i = 0; !rc && i < count; i++) {
      if (buf[i] != 0) continue;
      size_t j = i;
      while (j < count && buf[j] == 0) j++;
      rc = add_range(st, (long long)(start + i), (long long)(start + j), &cap);
      i = j - 1;
    }
  }
  free(buf);
  return rc;
}

int cubie_output_inspect(const char *path, cubie_output_state *st) {
  memset(st, 0, sizeof *st);
  int ncid, status = nc_open(path, NC_NOWRITE, &ncid);
  CUBIE_CHECK(status == NC_NOERR, CUBIE_ERR_INPUT, "cannot resume '%s': %s", path,
              nc_strerror(status));
  int complete = 0, dim;
  size_t len = 0;
  int rc = CUBIE_OK;
  if (nc_get_att_int(ncid, NC_GLOBAL, "complete", &complete) != NC_NOERR)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                     "cannot resume '%s': it has no 'complete' attribute (not a cubie output file?)",
                     path);
  st->complete = complete == 1;
  if (!rc && nc_inq_dimid(ncid, "run", &dim) == NC_NOERR && nc_inq_dimlen(ncid, dim, &len) == NC_NOERR)
    st->total_runs = (long long)len;
  if (!rc && nc_inq_dimid(ncid, "time", &dim) == NC_NOERR && nc_inq_dimlen(ncid, dim, &len) == NC_NOERR)
    st->n_saves = (long long)len;
  if (!rc) rc = read_text_att(ncid, "cubie_deck", &st->deck);
  if (!rc) rc = read_text_att(ncid, "cubie_overrides", &st->overrides);
  if (!rc) rc = read_text_att(ncid, "cubie_drivers_sha256", &st->drivers_sha256);
  if (!rc && !st->complete) rc = scan_status(ncid, path, st);
  nc_close(ncid);
  if (rc) cubie_output_state_free(st);
  return rc;
}

void cubie_output_state_free(cubie_output_state *st) {
  free(st->deck);
  free(st->overrides);
  free(st->drivers_sha256);
  free(st->missing);
  memset(st, 0, sizeof *st);
}
