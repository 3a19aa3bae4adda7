/* results.h — what a cubie_results is inside libcubie: the run's counts,
 * the file it wrote, and (on the rank that read it) every variable of that
 * file as an array in memory. Reading is serial NetCDF on one rank after
 * the parallel file is closed; nothing here makes an MPI call.
 */
#ifndef CUBIE_API_RESULTS_H
#define CUBIE_API_RESULTS_H

#include "cubie/cubie.h"

struct cubie_results {
  long long total_runs;
  long long failed_runs;
  char *file;            /* NULL: results in memory only (the file was temporary) */
  int n_arrays;
  cubie_array *arrays;   /* each array's name, dims, units, long_name and data are owned */
};

int cubie_results_new(cubie_results **out);
/* Read every variable of the NetCDF file at `path` into r->arrays. */
int cubie_results_read(cubie_results *r, const char *path);

#endif
