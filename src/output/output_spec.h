/* output_spec.h — what the output file will hold, assembled from the job
 * (names, units, long names from the model; inputs from the grid; the save
 * grid from the plan) and the run's provenance (deck text, version,
 * backend, device, host, command line). Owns the strings it points to.
 */
#ifndef CUBIE_OUTPUT_SPEC_H
#define CUBIE_OUTPUT_SPEC_H

#include "plan/job.h"
#include "output/output.h"
#include "run/runner.h"

#define CUBIE_MAX_PROVENANCE 32

typedef struct cubie_output_spec_storage {
  cubie_output_spec spec;
  cubie_output_variable *outputs, *inputs, *fixed, *finals;
  cubie_output_summary *summaries;
  char **owned;      /* strings to free */
  int n_owned;
  size_t cap_owned;
  cubie_output_attribute attributes[CUBIE_MAX_PROVENANCE];
  long long grid_shape[64];
  const char **event_names;
  long long *event_max_saved;
} cubie_output_spec_storage;

int cubie_output_spec_build(const cubie_job *job, const cubie_run_report *report,
                            const cubie_run_settings *settings, long long run_block,
                            cubie_output_spec_storage *s);
void cubie_output_spec_free(cubie_output_spec_storage *s);

/* The --set arguments as stored in the file (one per line); the caller
 * frees it. NULL when out of memory. */
char *cubie_output_spec_overrides(const cubie_config *cfg);

#endif
