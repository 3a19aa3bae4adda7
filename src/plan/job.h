/* job.h — one validated job: the configuration, the model, the grid and
 * the plan, built in that order from a deck. Every rank prepares the same job
 * independently (it is deterministic), so input errors are found by all
 * ranks alike and reported once, before any collective work starts.
 */
#ifndef CUBIE_JOB_H
#define CUBIE_JOB_H

#include "deck/config.h"
#include "plan/grid.h"
#include "model/model.h"
#include "plan/plan.h"

typedef struct cubie_job {
  cubie_config *cfg;
  cubie_model *model;
  cubie_grid *grid;
  cubie_plan *plan;
} cubie_job;

/* Command-line settings that override the deck after it is validated. */
typedef struct cubie_job_overrides {
  const char *const *set;     /* --set arguments */
  int n_set;
  const char *output_file;    /* -o FILE, or NULL */
  int backend;                /* a cubie_backend_kind, or -1 for the deck's */
  int threads;                /* --threads N, or -1 */
} cubie_job_overrides;

int cubie_job_prepare(const char *deck_path, const cubie_job_overrides *ov, cubie_job **out);
void cubie_job_destroy(cubie_job **job);

#endif
