/* job.c — deck to plan (see job.h). */
#include "plan/job.h"

#include <stdlib.h>
#include <string.h>

#include "model/model_jacobian.h"
#include "plan/linear_solver.h"
#include "util/error.h"

/* The deck is loaded (job->cfg); apply the command-line settings and build
 * the rest. */
static int job_finish(cubie_job *job, const cubie_job_overrides *ov) {
  int rc = CUBIE_OK;
  if (ov) {
    cubie_config *cfg = job->cfg;
    if (ov->output_file) {
      char *file = strdup(ov->output_file);
      if (!file) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory");
      else {
        free(cfg->output.file);
        cfg->output.file = file;
      }
    }
    if (ov->backend >= 0) cfg->run.backend = (cubie_backend_kind)ov->backend;
    if (ov->threads >= 0) cfg->run.threads = ov->threads;
  }
  if (!rc) rc = cubie_model_create(job->cfg, &job->model);
  if (!rc) rc = cubie_grid_create(job->cfg, job->model, &job->grid);
  if (!rc) rc = cubie_plan_create(job->cfg, job->model, job->grid, &job->plan);
  /* An implicit method needs the model's Jacobian: differentiating it here
   * refuses a model whose Jacobian cannot be formed before anything runs. */
  if (!rc && job->plan->algorithm->jacobian) rc = cubie_model_differentiate(job->model, job->cfg);
  /* Its pattern decides the linear solver (`auto`) and whether the one
   * asked for can hold the system: refused here, too, before anything runs. */
  if (!rc) rc = cubie_plan_choose_linear_solver(job->plan, job->cfg, job->model);
  return rc;
}

int cubie_job_prepare(const char *deck_path, const cubie_job_overrides *ov, cubie_job **out) {
  *out = NULL;
  cubie_job *job = calloc(1, sizeof *job);
  CUBIE_CHECK(job, CUBIE_ERR_MEMORY, "out of memory");
  int rc = cubie_config_load(deck_path, ov ? ov->set : NULL, ov ? ov->n_set : 0, &job->cfg);
  if (!rc) rc = job_finish(job, ov);
  if (rc) {
    cubie_job_destroy(&job);
    return rc;
  }
  *out = job;
  return CUBIE_OK;
}

int cubie_job_prepare_text(const char *name, const char *text, const cubie_job_overrides *ov,
                           cubie_job **out) {
  *out = NULL;
  cubie_job *job = calloc(1, sizeof *job);
  CUBIE_CHECK(job, CUBIE_ERR_MEMORY, "out of memory");
  int rc = cubie_config_load_text(name, text, ov ? ov->set : NULL, ov ? ov->n_set : 0, &job->cfg);
  if (!rc) rc = job_finish(job, ov);
  if (rc) {
    cubie_job_destroy(&job);
    return rc;
  }
  *out = job;
  return CUBIE_OK;
}

void cubie_job_destroy(cubie_job **job) {
  if (!job || !*job) return;
  cubie_plan_destroy(&(*job)->plan);
  cubie_grid_destroy(&(*job)->grid);
  cubie_model_destroy(&(*job)->model);
  cubie_config_destroy(&(*job)->cfg);
  free(*job);
  *job = NULL;
}

int cubie_job_warnings(const cubie_job *job, cubie_strbuf *out) {
  const cubie_plan *p = job->plan;
  const cubie_integrator_config *ic = &job->cfg->integrator;
  if (p->precision == CUBIE_FLOAT32 && cubie_controller_at(p->controller)->adaptive &&
      ic->rtol < CUBIE_FLOAT32_MIN_RTOL)
    CUBIE_CALL(cubie_strbuf_printf(
        out,
        "integrator.rtol = %g is below what float32 can resolve (about %.1e): the error "
        "estimate is rounding noise there, so steps shrink to dt_min or hit max_steps; use "
        "precision: float64 or rtol >= %.1e\n",
        ic->rtol, CUBIE_FLOAT32_MIN_RTOL, CUBIE_FLOAT32_MIN_RTOL));
  return CUBIE_OK;
}
