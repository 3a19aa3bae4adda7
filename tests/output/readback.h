/* readback.h — reading an output file back with the serial NetCDF C API
 * (no MPI), the way a user's tools would, and comparing it to pattern.h. */
#ifndef CUBIE_TEST_OUTPUT_READBACK_H
#define CUBIE_TEST_OUTPUT_READBACK_H

#include <netcdf.h>

#include "check.h"
#include "pattern.h"

#define NC_CHECK(call)                                                              \
  do {                                                                              \
    int nc_check_status_ = (call);                                                  \
    if (nc_check_status_ != NC_NOERR) {                                             \
      fprintf(stderr, "%s:%d: %s -> %s\n", __FILE__, __LINE__, #call,               \
              nc_strerror(nc_check_status_));                                       \
      check_failures++;                                                             \
    }                                                                               \
  } while (0)

/* The global `complete` attribute, or -1 when the file cannot be opened or
 * has none. */
static inline int readback_complete(const char *path) {
  int ncid, complete = -1;
  if (nc_open(path, NC_NOWRITE, &ncid) != NC_NOERR) return -1;
  if (nc_get_att_int(ncid, NC_GLOBAL, "complete", &complete) != NC_NOERR) complete = -1;
  nc_close(ncid);
  return complete;
}

static inline long long readback_dim(int ncid, const char *name) {
  int dimid;
  size_t len = 0;
  if (nc_inq_dimid(ncid, name, &dimid) != NC_NOERR) return -1;
  if (nc_inq_dimlen(ncid, dimid, &len) != NC_NOERR) return -1;
  return (long long)len;
}

/* Text attribute `att` of `var` equals `want`. */
static inline void readback_text(int ncid, const char *var, const char *att, const char *want) {
  int varid = NC_GLOBAL;
  if (var && nc_inq_varid(ncid, var, &varid) != NC_NOERR) {
    fprintf(stderr, "readback: no variable '%s'\n", var);
    check_failures++;
    return;
  }
  size_t len = 0;
  char text[512] = "";
  NC_CHECK(nc_inq_attlen(ncid, varid, att, &len));
  if (len < sizeof text) NC_CHECK(nc_get_att_text(ncid, varid, att, text));
  CHECK_STR(text, want);
}

static inline int varid_of(int ncid, const char *var) {
  int varid = -2;
  if (nc_inq_varid(ncid, var, &varid) != NC_NOERR) {
    fprintf(stderr, "no variable %s\n", var);
    check_failures++;
  }
  return varid;
}

static inline nc_type readback_type(int ncid, const char *var) {
  int varid;
  nc_type type = NC_NAT;
  if (nc_inq_varid(ncid, var, &varid) == NC_NOERR) nc_inq_vartype(ncid, varid, &type);
  return type;
}

/* Runs [r0, r1) carry the pattern (written); `status` of every run in
 * [u0, u1) is 0 (never written). */
static inline void readback_pattern(int ncid, const cubie_output_spec *s, long long r0,
                                    long long r1, long long u0, long long u1) {
  int varid;
  for (int v = 0; v < s->n_outputs; v++) {
    NC_CHECK(nc_inq_varid(ncid, s->outputs[v].name, &varid));
    for (long long r = r0; r < r1; r++)
      for (long long k = 0; k < s->n_saves; k++) {
        size_t at[2] = {(size_t)r, (size_t)k};
        double got = 0;
        NC_CHECK(nc_get_var1_double(ncid, varid, at, &got));
        CHECK_NEAR(got, pattern_save(v, r, k), 0.0); /* exact: see pattern.h */
      }
  }
  if (s->n_metrics > 0 && s->n_summaries > 0)
    for (int v = 0; v < s->n_outputs; v++)
      for (int m = 0; m < s->n_metrics; m++) {
        char name[NC_MAX_NAME + 1];
        snprintf(name, sizeof name, "%s_%s", s->outputs[v].name, s->metric_names[m]);
        NC_CHECK(nc_inq_varid(ncid, name, &varid));
        for (long long r = r0; r < r1; r++)
          for (long long w = 0; w < s->n_summaries; w++) {
            size_t at[2] = {(size_t)r, (size_t)w};
            double got = 0;
            NC_CHECK(nc_get_var1_double(ncid, varid, at, &got));
            CHECK_NEAR(got, pattern_summary(v * s->n_metrics + m, r, w), 0.0);
          }
      }
  NC_CHECK(nc_inq_varid(ncid, "status", &varid));
  for (long long r = r0; r < r1; r++) {
    size_t at = (size_t)r;
    unsigned int got = 99;
    NC_CHECK(nc_get_var1_uint(ncid, varid, &at, &got));
    CHECK_INT(got, pattern_status(r));
  }
  for (long long r = u0; r < u1; r++) {
    size_t at = (size_t)r;
    unsigned int got = 99;
    NC_CHECK(nc_get_var1_uint(ncid, varid, &at, &got));
    CHECK_INT(got, 0);
  }
  NC_CHECK(nc_inq_varid(ncid, "rhs_evaluations", &varid));
  for (long long r = r0; r < r1; r++) {
    size_t at = (size_t)r;
    unsigned long long got = 0;
    NC_CHECK(nc_get_var1_ulonglong(ncid, varid, &at, &got));
    CHECK(got == pattern_counter(CUBIE_COUNTER_RHS_EVALS, r));
  }
  /* The run coordinate is whole from creation on, written runs or not. */
  NC_CHECK(nc_inq_varid(ncid, "run", &varid));
  for (long long r = 0; r < s->total_runs; r++) {
    size_t at = (size_t)r;
    long long got = -1;
    NC_CHECK(nc_get_var1_longlong(ncid, varid, &at, &got));
    CHECK_INT(got, r);
  }
  for (int i = 0; i < s->n_inputs; i++) {
    NC_CHECK(nc_inq_varid(ncid, s->inputs[i].name, &varid));
    for (long long r = r0; r < r1; r++) {
      size_t at = (size_t)r;
      double got = 0;
      NC_CHECK(nc_get_var1_double(ncid, varid, &at, &got));
      CHECK_NEAR(got, pattern_input(i, r), 0.0);
    }
  }
}

#endif
