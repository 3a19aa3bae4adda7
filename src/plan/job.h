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
#include "util/strbuf.h"

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
/* The same from deck text in memory; `name` stands for the file in
 * messages and provenance. */
int cubie_job_prepare_text(const char *name, const char *text, const cubie_job_overrides *ov,
                           cubie_job **out);
void cubie_job_destroy(cubie_job **job);

/* Settings that are valid but will not do what the deck likely means (a
 * float32 run asked for a tolerance float32 cannot resolve), one line each,
 * each ending in a newline (nothing when there are none). `cubie check`
 * and `cubie run` print them as warnings; the library hands them out. */
int cubie_job_warnings(const cubie_job *job, cubie_strbuf *out);

/* rtol below this in a float32 run draws a warning: two float32 epsilons
 * (2.4e-7), below which the error estimate is rounding noise. */
#define CUBIE_FLOAT32_MIN_RTOL (2.0 * 1.1920928955078125e-7)

#endif
