/* The output file in a one-process job: layout, values, precision, the
 * complete flag, refusing to overwrite, unwritable places, bad write ranges,
 * spec validation, and a job that dies before closing.
 *
 * Leaves serial64.nc, serial32.nc, incomplete.nc and nosummary.nc in the
 * working directory for check_output.py (the tests after this one). */
#include <errno.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "readback.h"

/* A job that dies after writing part of its runs: the child creates the
 * file, writes runs [0, 4) and leaves without closing it. Called before the
 * parent starts MPI, so the child is a fresh singleton MPI process. */
static int crash_child(const char *path) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    MPI_Init(NULL, NULL);
    cubie_output_spec s = pattern_spec(path, 8, 5, 2, 2);
    cubie_output *o = NULL;
    int rc = cubie_output_create(MPI_COMM_WORLD, &s, &o);
    if (!rc) rc = pattern_write_block(o, &s, 0, 4, 2);
    _exit(rc ? 10 + rc : 0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFSIGNALED(status)) return 100 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/* A directory the process may not write to. Permission bits do not stop
 * root, so a root test drops to user `nobody` (65534) in a child process,
 * forked before the parent starts MPI like crash_child. Returns 0 when the
 * create was refused as it should be, 77 when the child could not drop
 * privileges. */
static int unwritable_child(void) {
  mkdir("read_only_dir", 0755);
  chmod("read_only_dir", 0555);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(77);
    MPI_Init(NULL, NULL);
    cubie_output_spec s = pattern_spec("read_only_dir/out.nc", 4, 2, 0, 0);
    cubie_output *o = NULL;
    int rc = cubie_output_create(MPI_COMM_WORLD, &s, &o);
    /* Where `nobody` cannot even reach the build directory the reason is
     * the same: permission denied on the way to the path. */
    bool ok = rc == CUBIE_ERR_INPUT && o == NULL &&
              strstr(cubie_error_message(), "'read_only_dir/out.nc'") &&
              strstr(cubie_error_message(), "Permission denied");
    if (!ok) fprintf(stderr, "unwritable_child: rc %d: %s\n", rc, cubie_error_message());
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  chmod("read_only_dir", 0755);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/* The whole pattern of a 1-rank file: 8 runs, run 7 never written, written
 * in uneven blocks with zero-run calls in between. */
static void write_full(const char *path, cubie_precision precision, bool complete) {
  cubie_output_spec s = pattern_spec(path, 8, 5, 2, 2);
  s.precision = precision;
  long long grid[2] = {2, 4};
  s.n_grid_axes = 2;
  s.grid_shape = grid;
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  if (!o) return;
  CHECK_OK(pattern_write_block(o, &s, 0, 3, 2));
  CHECK_OK(pattern_write_block(o, &s, 3, 0, 1)); /* nothing to write: still fine */
  CHECK_OK(pattern_write_block(o, &s, 3, 4, 4));
  CHECK_OK(cubie_output_close(&o, complete));
  CHECK(o == NULL);
}

static void check_full(const char *path, nc_type data_type) {
  cubie_output_spec s = pattern_spec(path, 8, 5, 2, 2);
  int ncid, varid;
  NC_CHECK(nc_open(path, NC_NOWRITE, &ncid));
  int format = 0;
  NC_CHECK(nc_inq_format(ncid, &format));
  CHECK_INT(format, NC_FORMAT_NETCDF4);
  int unlimited = 0;
  NC_CHECK(nc_inq_unlimdim(ncid, &unlimited));
  CHECK_INT(unlimited, -1);
  CHECK_INT(readback_dim(ncid, "run"), 8);
  CHECK_INT(readback_dim(ncid, "time"), 5);
  CHECK_INT(readback_dim(ncid, "summary_time"), 2);
  CHECK_INT(readback_dim(ncid, "nv"), 2);
  CHECK_INT(readback_type(ncid, "x"), data_type);
  CHECK_INT(readback_type(ncid, "x_rms"), data_type);
  CHECK_INT(readback_type(ncid, "run"), NC_INT64);
  CHECK_INT(readback_type(ncid, "status"), NC_UINT);
  CHECK_INT(readback_type(ncid, "linear_iterations"), NC_UINT64);
  CHECK_INT(readback_type(ncid, "rho"), NC_DOUBLE);
  CHECK_INT(readback_type(ncid, "sigma"), NC_DOUBLE);
  readback_pattern(ncid, &s, 0, 7, 7, 8);

  /* Time from the index: t = 0.5 + 0.25 k; windows of 2 save points. */
  double time[5], summary_time[2], bounds[4];
  NC_CHECK(nc_inq_varid(ncid, "time", &varid));
  NC_CHECK(nc_get_var_double(ncid, varid, time));
  for (int k = 0; k < 5; k++) CHECK_NEAR(time[k], 0.5 + 0.25 * k, 0.0);
  NC_CHECK(nc_inq_varid(ncid, "summary_time", &varid));
  NC_CHECK(nc_get_var_double(ncid, varid, summary_time));
  CHECK_NEAR(summary_time[0], 1.0, 0.0);
  CHECK_NEAR(summary_time[1], 1.5, 0.0);
  NC_CHECK(nc_inq_varid(ncid, "summary_time_bounds", &varid));
  NC_CHECK(nc_get_var_double(ncid, varid, bounds));
  CHECK_NEAR(bounds[0], 0.5, 0.0);
  CHECK_NEAR(bounds[1], 1.0, 0.0);
  CHECK_NEAR(bounds[2], 1.0, 0.0);
  CHECK_NEAR(bounds[3], 1.5, 0.0);
  double sigma = 0;
  NC_CHECK(nc_inq_varid(ncid, "sigma", &varid));
  NC_CHECK(nc_get_var_double(ncid, varid, &sigma));
  CHECK_NEAR(sigma, 10.0, 0.0);

  readback_text(ncid, "x", "units", "m");
  readback_text(ncid, "x", "long_name", "position");
  readback_text(ncid, "y", "units", "1");
  readback_text(ncid, "y", "long_name", "y");
  readback_text(ncid, "time", "units", "s");
  /* Model time ("s", not "s since DATE") is no CF time axis: no axis, no
   * calendar (CF checkers would demand a reference time). */
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "time"), "axis", NULL), NC_ENOTATT);
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "time"), "calendar", NULL), NC_ENOTATT);
  /* CF 7.1: a bounds variable has no units of its own. */
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "summary_time_bounds"), "units", NULL), NC_ENOTATT);
  /* The swept inputs are coordinates of every variable along `run`. */
  readback_text(ncid, "x", "coordinates", "rho x_initial");
  readback_text(ncid, "x_rms", "coordinates", "rho x_initial");
  readback_text(ncid, "status", "coordinates", "rho x_initial");
  readback_text(ncid, "rhs_evaluations", "coordinates", "rho x_initial");
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "rho"), "coordinates", NULL), NC_ENOTATT);
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "run"), "coordinates", NULL), NC_ENOTATT);
  readback_text(ncid, "summary_time", "bounds", "summary_time_bounds");
  readback_text(ncid, "x_max", "long_name", "max of position over each summary window");
  readback_text(ncid, "x_max", "cell_methods", "summary_time: maximum");
  /* root_mean_square is not a CF-1.8 cell method (the file declares CF-1.8). */
  CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "y_rms"), "cell_methods", NULL), NC_ENOTATT);
  readback_text(ncid, "status", "flag_meanings",
                "success step_too_small max_steps nonfinite newton_failed dt_min_clamped "
                "singular_matrix driver_outside looked_stiff event_terminated");
  readback_text(ncid, NULL, "Conventions", "CF-1.8");
  readback_text(ncid, NULL, "title", "pattern test");
  readback_text(ncid, NULL, "deck", "model:\n  name: pattern\n");

  NC_CHECK(nc_inq_varid(ncid, "status", &varid));
  unsigned int fill = 99, masks[10] = {0};
  size_t n_masks = 0;
  NC_CHECK(nc_inq_attlen(ncid, varid, "flag_masks", &n_masks));
  CHECK_INT(n_masks, 10);
  NC_CHECK(nc_get_att_uint(ncid, varid, "_FillValue", &fill));
  CHECK_INT(fill, 0);
  NC_CHECK(nc_get_att_uint(ncid, varid, "flag_masks", masks));
  CHECK_INT(masks[0], CUBIE_RUN_SUCCESS);
  CHECK_INT(masks[5], CUBIE_RUN_DT_MIN_CLAMPED);
  CHECK_INT(masks[6], CUBIE_RUN_SINGULAR_MATRIX);
  CHECK_INT(masks[7], CUBIE_RUN_DRIVER_OUTSIDE);
  CHECK_INT(masks[8], CUBIE_RUN_LOOKED_STIFF);
  CHECK_INT(masks[9], CUBIE_RUN_EVENT_TERMINATED);
  long long total = 0, grid[2] = {0, 0};
  NC_CHECK(nc_get_att_longlong(ncid, NC_GLOBAL, "total_runs", &total));
  CHECK_INT(total, 8);
  NC_CHECK(nc_get_att_longlong(ncid, NC_GLOBAL, "grid_shape", grid));
  CHECK_INT(grid[0], 2);
  CHECK_INT(grid[1], 4);

  /* Uncompressed data and per-run variables are contiguous: no chunk index
   * that a killed rank could leave half-written. */
  size_t chunks[2] = {0, 0};
  int storage = -1;
  const char *contiguous_vars[] = {"x", "status", "accepted_steps", "run"};
  for (int i = 0; i < 4; i++) {
    NC_CHECK(nc_inq_varid(ncid, contiguous_vars[i], &varid));
    NC_CHECK(nc_inq_var_chunking(ncid, varid, &storage, chunks));
    CHECK_INT(storage, NC_CONTIGUOUS);
  }
  NC_CHECK(nc_close(ncid));
}

static void test_overwrite(void) {
  /* serial64.nc exists (complete): refused, and left as it was. */
  cubie_output_spec s = pattern_spec("serial64.nc", 8, 5, 2, 2);
  s.overwrite = false;
  cubie_output *o = NULL;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK(o == NULL);
  CHECK_CONTAINS(cubie_error_message(),
                 "output file 'serial64.nc' already exists (use --force to overwrite it)");
  CHECK_INT(readback_complete("serial64.nc"), 1);

  /* Allowed: the old file is replaced by a fresh, incomplete one. */
  s = pattern_spec("overwrite.nc", 4, 2, 0, 0);
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  CHECK_OK(cubie_output_close(&o, true));
  CHECK_INT(readback_complete("overwrite.nc"), 1);
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  CHECK_INT(readback_complete("overwrite.nc"), 0); /* replaced at create */
  CHECK_OK(cubie_output_close(&o, false));
  CHECK_INT(readback_complete("overwrite.nc"), 0);
}

static void test_bad_places(void) {
  cubie_output *o = NULL;
  cubie_output_spec s = pattern_spec("no_such_dir/out.nc", 4, 2, 0, 0);
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "'no_such_dir/out.nc'");
  CHECK_CONTAINS(cubie_error_message(), "No such file or directory");

  s.path = "serial64.nc/out.nc"; /* a file where a directory should be */
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "Not a directory");

  mkdir("a_directory.nc", 0755);
  s.path = "a_directory.nc";
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "is a directory");

  CHECK(o == NULL);
}

static void test_bad_writes(void) {
  cubie_output_spec s = pattern_spec("ranges.nc", 6, 4, 2, 2);
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  if (!o) return;
  double data[64] = {0};
  unsigned int u[64] = {0};
  unsigned long long counters[64] = {0};
  CHECK_FAILS(cubie_output_write_saves(o, 4, 3, 0, 4, data), CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "runs [4, 7) are outside the 6 runs of 'ranges.nc'");
  CHECK_FAILS(cubie_output_write_saves(o, 0, 1, 2, 5, data), CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "save points [2, 5)");
  CHECK_FAILS(cubie_output_write_saves(o, 0, 1, 3, 2, data), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_output_write_summaries(o, 0, 1, 0, 3, data), CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "summary windows [0, 3)");
  CHECK_FAILS(cubie_output_write_runs(o, -1, 2, u, counters, data, NULL), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_output_write_runs(o, 0, 2, NULL, counters, data, NULL), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_output_write_saves(o, 0, 2, 0, 1, NULL), CUBIE_ERR_INTERNAL);
  /* Empty writes anywhere in range are fine, even without data. */
  CHECK_OK(cubie_output_write_saves(o, 6, 0, 0, 4, NULL));
  CHECK_OK(cubie_output_write_saves(o, 0, 3, 2, 2, NULL));
  CHECK_OK(cubie_output_write_runs(o, 6, 0, NULL, NULL, NULL, NULL));
  /* The file is still usable after the refused writes. */
  CHECK_OK(pattern_write_block(o, &s, 0, 6, 1));
  CHECK_OK(cubie_output_close(&o, true));
  int ncid;
  NC_CHECK(nc_open("ranges.nc", NC_NOWRITE, &ncid));
  readback_pattern(ncid, &s, 0, 6, 0, 0);
  NC_CHECK(nc_close(ncid));
}

static void test_validation(void) {
  cubie_output *o = NULL;
  cubie_output_spec s = pattern_spec("invalid.nc", 4, 0, 0, 0);
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "n_saves = 0");

  s = pattern_spec("invalid.nc", 4, 2, 0, 0);
  s.collective = false;
  s.compression = 4;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "needs collective writes");

  /* A swept input named like a saved output. */
  cubie_output_variable clash[2] = {{"rho", NULL, NULL}, {"x", NULL, NULL}};
  s = pattern_spec("invalid.nc", 4, 2, 0, 0);
  s.inputs = clash;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "would both be named 'x'");

  /* A model output named like one of the file's own variables. */
  cubie_output_variable reserved[2] = {{"x", NULL, NULL}, {"status", NULL, NULL}};
  s = pattern_spec("invalid.nc", 4, 2, 0, 0);
  s.outputs = reserved;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "'status'");

  /* An output whose summary collides with another output (x_mean). */
  cubie_output_variable summary_clash[2] = {{"x", NULL, NULL}, {"x_mean", NULL, NULL}};
  s = pattern_spec("invalid.nc", 4, 2, 2, 1);
  s.outputs = summary_clash;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "'x_mean'");

  /* A name NetCDF itself rejects: found in define mode, the half-made
   * file is removed again. */
  cubie_output_variable bad_name[2] = {{"x", NULL, NULL}, {"bad/name", NULL, NULL}};
  s = pattern_spec("invalid.nc", 4, 2, 0, 0);
  s.outputs = bad_name;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_NETCDF);
  CHECK_CONTAINS(cubie_error_message(), "cannot define variable 'bad/name' of 'invalid.nc'");

  cubie_output_attribute own[1] = {{"complete", "1"}};
  s = pattern_spec("invalid.nc", 4, 2, 0, 0);
  s.attributes = own;
  s.n_attributes = 1;
  CHECK_FAILS(cubie_output_create(MPI_COMM_WORLD, &s, &o), CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "'complete'");
  CHECK(o == NULL);
  /* Nothing was created for any of them. */
  CHECK(access("invalid.nc", F_OK) != 0);
}

/* No metrics: no summary_time dimension, and summaries write nothing. */
static void test_no_summaries(void) {
  cubie_output_spec s = pattern_spec("nosummary.nc", 5, 3, 4, 1);
  s.n_summary_vars = 0;
  s.n_fixed = 0;
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  if (!o) return;
  CHECK_OK(pattern_write_block(o, &s, 0, 5, 1));
  CHECK_OK(cubie_output_write_summaries(o, 0, 5, 0, 0, NULL));
  CHECK_FAILS(cubie_output_write_summaries(o, 0, 5, 0, 1, NULL), CUBIE_ERR_INTERNAL);
  CHECK_OK(cubie_output_close(&o, true));
  int ncid, dimid;
  NC_CHECK(nc_open("nosummary.nc", NC_NOWRITE, &ncid));
  CHECK_INT(nc_inq_dimid(ncid, "summary_time", &dimid), NC_EBADDIM);
  CHECK_INT(nc_inq_dimid(ncid, "nv", &dimid), NC_EBADDIM);
  CHECK_INT(readback_type(ncid, "x_mean"), NC_NAT);
  readback_pattern(ncid, &s, 0, 5, 0, 0);
  NC_CHECK(nc_close(ncid));
}

/* The deck is stored as provenance and may be long: well past HDF5's
 * 64 KiB compact attribute limit. */
static void test_long_attribute(void) {
  size_t len = 200000;
  char *deck = malloc(len + 1);
  for (size_t i = 0; i < len; i++) deck[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
  deck[len] = '\0';
  cubie_output_attribute atts[1] = {{"deck", deck}};
  cubie_output_spec s = pattern_spec("long_attribute.nc", 2, 2, 0, 0);
  s.attributes = atts;
  s.n_attributes = 1;
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  CHECK_OK(cubie_output_close(&o, true));
  int ncid;
  size_t got_len = 0;
  NC_CHECK(nc_open("long_attribute.nc", NC_NOWRITE, &ncid));
  NC_CHECK(nc_inq_attlen(ncid, NC_GLOBAL, "deck", &got_len));
  CHECK_INT(got_len, len);
  char *got = calloc(len + 1, 1);
  NC_CHECK(nc_get_att_text(ncid, NC_GLOBAL, "deck", got));
  CHECK(memcmp(got, deck, len) == 0);
  NC_CHECK(nc_close(ncid));
  free(got);
  free(deck);
}

static size_t chunk_of(int ncid, const char *var, int dim) {
  int varid, storage = -1;
  size_t chunks[2] = {0, 0};
  NC_CHECK(nc_inq_varid(ncid, var, &varid));
  NC_CHECK(nc_inq_var_chunking(ncid, varid, &storage, chunks));
  CHECK_INT(storage, NC_CHUNKED);
  return chunks[dim];
}

/* Chunk shapes of a bigger, compressed sweep (nothing but the coordinates
 * written): compression needs chunks, shaped like the writes. */
static void test_chunking(void) {
  cubie_output_spec s = pattern_spec("chunks.nc", 300000, 40, 0, 0);
  s.compression = 1;
  s.n_outputs = 1;
  s.n_fixed = 0;
  s.run_block = 30000;
  s.precision = CUBIE_FLOAT32;
  cubie_output *o = NULL;
  CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
  CHECK_OK(cubie_output_close(&o, false));
  int ncid;
  NC_CHECK(nc_open("chunks.nc", NC_NOWRITE, &ncid));
  /* (run, time): one run block by as many save points as fit 4 MiB:
   * 4 MiB / (4 bytes * 30000 runs) = 34 save points. */
  CHECK_INT(chunk_of(ncid, "x", 0), 30000);
  CHECK_INT(chunk_of(ncid, "x", 1), 34);
  /* (run): whole run blocks filling about 1 MiB: 8 blocks of 4-byte
   * status, 4 blocks of 8-byte counters, inputs and run indices. */
  CHECK_INT(chunk_of(ncid, "status", 0), 240000);
  CHECK_INT(chunk_of(ncid, "accepted_steps", 0), 120000);
  CHECK_INT(chunk_of(ncid, "rho", 0), 120000);
  CHECK_INT(chunk_of(ncid, "run", 0), 120000);
  long long last = -1;
  size_t at = 299999;
  int varid;
  NC_CHECK(nc_inq_varid(ncid, "run", &varid));
  NC_CHECK(nc_get_var1_longlong(ncid, varid, &at, &last));
  CHECK_INT(last, 299999);
  NC_CHECK(nc_close(ncid));
  remove("chunks.nc");
}

/* Time units: a spelt-out unit xarray would turn into timedelta64 is
 * written as its symbol, so selection by time stays numeric; calendar time
 * ("UNIT since DATE") is a CF time axis with a calendar. */
static void test_time_units(void) {
  static const char *const cases[][2] = {{"seconds", "s"}, {"days", "d"}, {"minutes", "min"},
                                         {"days since 2000-01-01", "days since 2000-01-01"}};
  for (int i = 0; i < 4; i++) {
    cubie_output_spec s = pattern_spec("units.nc", 4, 3, 1, 2);
    s.time_units = cases[i][0];
    cubie_output *o = NULL;
    CHECK_OK(cubie_output_create(MPI_COMM_WORLD, &s, &o));
    CHECK_OK(cubie_output_close(&o, false));
    int ncid;
    NC_CHECK(nc_open("units.nc", NC_NOWRITE, &ncid));
    readback_text(ncid, "time", "units", cases[i][1]);
    readback_text(ncid, "summary_time", "units", cases[i][1]);
    if (i == 3) {
      readback_text(ncid, "time", "axis", "T");
      readback_text(ncid, "time", "calendar", "standard");
      readback_text(ncid, "summary_time", "calendar", "standard");
    } else {
      CHECK_INT(nc_inq_attid(ncid, varid_of(ncid, "time"), "axis", NULL), NC_ENOTATT);
    }
    nc_close(ncid);
  }
}

int main(void) {
  /* Before MPI_Init: the child must be a process of its own. */
  int crash_status = crash_child("crashed.nc");
  int unwritable_status = unwritable_child();

  MPI_Init(NULL, NULL);
  write_full("serial64.nc", CUBIE_FLOAT64, true);
  check_full("serial64.nc", NC_DOUBLE);
  CHECK_INT(readback_complete("serial64.nc"), 1);
  write_full("serial32.nc", CUBIE_FLOAT32, true);
  check_full("serial32.nc", NC_FLOAT);
  write_full("incomplete.nc", CUBIE_FLOAT64, false);
  CHECK_INT(readback_complete("incomplete.nc"), 0);
  check_full("incomplete.nc", NC_DOUBLE);

  test_overwrite();
  test_bad_places();
  test_bad_writes();
  test_validation();
  test_no_summaries();
  test_long_attribute();
  test_chunking();
  test_time_units();

  if (unwritable_status == 77)
    fprintf(stderr, "note: could not drop root privileges; read-only directory not exercised\n");
  else
    CHECK_INT(unwritable_status, 0);

  /* The dead job's file must never look complete. Whether it is readable
   * at all is HDF5's business (docs/output.md says what we observed). */
  CHECK_INT(crash_status, 0);
  int complete = readback_complete("crashed.nc");
  fprintf(stderr, "note: file of a job that died before closing: %s\n",
          complete == -1 ? "unreadable (or no complete attribute)"
                         : (complete == 0 ? "readable, complete = 0" : "readable, complete = 1"));
  CHECK(complete != 1);
  int ncid, varid;
  if (complete == 0 && nc_open("crashed.nc", NC_NOWRITE, &ncid) == NC_NOERR) {
    /* Readable: then its run index is whole and the runs it never wrote
     * read as never computed. */
    long long run[8] = {0};
    unsigned int status[8] = {0};
    NC_CHECK(nc_inq_varid(ncid, "run", &varid));
    NC_CHECK(nc_get_var_longlong(ncid, varid, run));
    for (int r = 0; r < 8; r++) CHECK_INT(run[r], r);
    NC_CHECK(nc_inq_varid(ncid, "status", &varid));
    NC_CHECK(nc_get_var_uint(ncid, varid, status));
    for (int r = 4; r < 8; r++) CHECK_INT(status[r], 0);
    fprintf(stderr, "note: its status: %u %u %u %u (runs 0-3 were written before it died)\n",
            status[0], status[1], status[2], status[3]);
    nc_close(ncid);
  }

  MPI_Finalize();
  CHECK_DONE();
}
