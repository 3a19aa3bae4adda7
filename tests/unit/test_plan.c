/* The run plan derived from real decks: save grid, final-state-only mode,
 * output names, summaries, the kernel's scalar arguments, and the checks
 * that need more than one deck section. */
#include <math.h>

#include "check.h"
#include "plan/job.h"

static cubie_job *prepare(const char *deck, const char *const *set, int n_set) {
  char path[4096];
  snprintf(path, sizeof path, "%s/inputs/%s", CUBIE_SOURCE_DIR, deck);
  cubie_job_overrides ov = {.set = set, .n_set = n_set, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  CHECK_OK(cubie_job_prepare(path, &ov, &job));
  return job;
}

int main(void) {
  /* Lorenz: 10 time units every 0.01 -> 1001 saves; four outputs; summaries
   * every 1.0 = 100 saves -> 10 windows. */
  cubie_job *job = prepare("lorenz.yaml", NULL, 0);
  if (job) {
    const cubie_plan *p = job->plan;
    CHECK_INT(p->total_runs, 256);
    CHECK_INT(p->n_saves, 1001);
    CHECK(!p->final_only);
    CHECK_NEAR(p->t_end, 10.0, 1e-12);
    CHECK_INT(p->n_outputs, 4);
    CHECK_STR(p->output_names[3], "energy");
    /* [mean, max] for each of 4 outputs: 8 items, output-major, packed. */
    CHECK_INT(p->n_summary_items, 8);
    CHECK_INT(p->n_summary_accumulators, 8);
    CHECK_INT(p->n_summary_values, 8);
    CHECK_INT(p->n_summary_vars, 8);
    if (p->n_summary_items == 8) {
      CHECK_INT(p->summary_items[5].output, 2);
      CHECK_STR(p->summary_items[5].metric->name, "max");
      CHECK_INT(p->summary_items[5].accumulator_offset, 5);
      CHECK_INT(p->summary_items[5].value_offset, 5);
      CHECK_STR(p->summary_vars[7].name, "energy_max");
    }
    CHECK_INT(p->summary_every, 100);
    CHECK_INT(p->n_summaries, 10);
    CHECK_INT(p->n_inputs, 1);
    CHECK_STR(p->input_names[0], "rho");
    CHECK_INT(p->n_fixed, 5); /* x, y, z initial values; sigma, beta */
    CHECK_NEAR(p->args.dt_max, 10.0, 1e-12); /* default: the integration span */
    CHECK_INT(p->args.summary_every, 100);
    cubie_job_destroy(&job);
  }
  /* Final state only; settling time moves the saves, not their count. */
  const char *final[] = {"output.save_every=", "output.summaries=", "integrator.settling_time=2.5"};
  job = prepare("lorenz.yaml", final, 3);
  if (job) {
    const cubie_plan *p = job->plan;
    CHECK(p->final_only);
    CHECK_INT(p->n_saves, 1);
    CHECK_NEAR(p->t_save_start, 12.5, 1e-12);
    CHECK_NEAR(p->t_end, 12.5, 1e-12);
    CHECK_INT(p->args.summary_every, 0);
    cubie_job_destroy(&job);
  }
  /* A duration that is not a multiple of save_every: t_end is saved too,
   * after the last whole interval (issue 11 §5; it used to be dropped), the
   * plan says so, and summary windows cover whole intervals only. */
  const char *ragged[] = {"output.save_every=0.3", "output.summaries="};
  job = prepare("lorenz.yaml", ragged, 2);
  if (job) {
    CHECK_INT(job->plan->n_saves, 35); /* 0, 0.3, ..., 9.9, 10 */
    CHECK_INT(job->plan->save_intervals, 33);
    CHECK(job->plan->t_end == 10.0);
    CHECK(job->plan->args.t_end == 10.0);
    CHECK_INT(job->plan->args.n_saves, 35);
    CHECK(job->plan->duration_not_multiple);
    cubie_strbuf text;
    CHECK_OK(cubie_strbuf_init(&text));
    CHECK_OK(cubie_plan_describe(job->plan, job->cfg, job->model, job->grid, &text));
    CHECK_CONTAINS(text.data, "35 points, t = 0 .. 10 every 0.3 (duration is not a multiple");
    cubie_strbuf_free(&text);
    cubie_job_destroy(&job);
  }
  const char *ragged_windows[] = {"output.save_every=0.3", "output.summaries.every=0.9"};
  job = prepare("lorenz.yaml", ragged_windows, 2);
  if (job) {
    CHECK_INT(job->plan->n_saves, 35);
    CHECK_INT(job->plan->summary_every, 3);
    CHECK_INT(job->plan->n_summaries, 11); /* (0, 0.9] ... (9, 9.9]; (9.9, 10] is not whole */
    cubie_job_destroy(&job);
  }
  /* A multiple: no extra point, t_end is the last multiple. */
  const char *even[] = {"output.save_every=0.25", "output.summaries="};
  job = prepare("lorenz.yaml", even, 2);
  if (job) {
    CHECK_INT(job->plan->n_saves, 41);
    CHECK(!job->plan->duration_not_multiple);
    CHECK(job->plan->t_end == 10.0);
    cubie_job_destroy(&job);
  }
  /* Per-variable metrics with counts and several values: items in output
   * order, each output's in the deck's; accumulators and values packed;
   * one file variable per value, a counted one `count` values wide. */
  const char *per_var[] = {
      "output.summaries.metrics={energy: [mean_std, \"peaks[3]\"], x: [{negative_peaks: 2}, dxdt_max]}"};
  job = prepare("lorenz.yaml", per_var, 1);
  if (job) {
    const cubie_plan *p = job->plan;
    CHECK_INT(p->n_summary_items, 4);
    if (p->n_summary_items == 4) {
      CHECK_INT(p->summary_items[0].output, 0); /* x first: output order */
      CHECK_STR(p->summary_items[0].metric->name, "negative_peaks");
      CHECK_INT(p->summary_items[0].count, 2);
      CHECK_INT(p->summary_items[1].accumulator_offset, 4 + 2 * 2);
      CHECK_INT(p->summary_items[1].value_offset, 2 * 2);
      CHECK_INT(p->summary_items[2].output, 3);
      CHECK_STR(p->summary_items[3].metric->name, "peaks");
      CHECK_INT(p->summary_items[3].accumulator_offset, 8 + 2 + 3);
      CHECK_INT(p->summary_items[3].value_offset, 4 + 1 + 2);
    }
    CHECK_INT(p->n_summary_accumulators, 8 + 2 + 3 + 4 + 2 * 3);
    CHECK_INT(p->n_summary_values, 4 + 1 + 2 + 2 * 3);
    CHECK_INT(p->n_summary_vars, 2 + 1 + 2 + 2);
    if (p->n_summary_vars == 7) {
      CHECK_STR(p->summary_vars[0].name, "x_negative_peaks_value");
      CHECK_INT(p->summary_vars[1].first, 2);
      CHECK_INT(p->summary_vars[1].width, 2);
      CHECK_STR(p->summary_vars[2].name, "x_dxdt_max");
      CHECK_STR(p->summary_vars[4].name, "energy_mean_std_std");
      CHECK_STR(p->summary_vars[6].name, "energy_peaks_time");
      CHECK_INT(p->summary_vars[6].first, 10);
      CHECK_INT(p->summary_vars[6].width, 3);
    }
    cubie_strbuf text;
    CHECK_OK(cubie_strbuf_init(&text));
    CHECK_OK(cubie_plan_describe(job->plan, job->cfg, job->model, job->grid, &text));
    CHECK_CONTAINS(text.data, "x: negative_peaks[2] dxdt_max; energy: mean_std peaks[3]\n");
    cubie_strbuf_free(&text);
    cubie_job_destroy(&job);
  }
  /* Swept initial values are written as <state>_initial. */
  job = prepare("oscillator.yaml", NULL, 0);
  if (job) {
    CHECK_STR(job->plan->input_names[1], "x_initial");
    cubie_job_destroy(&job);
  }
  /* Dynamic decomposition cannot write compressed files. */
  char path[4096];
  snprintf(path, sizeof path, "%s/inputs/lorenz.yaml", CUBIE_SOURCE_DIR);
  const char *bad[] = {"run.decomposition=dynamic", "output.compression=4"};
  cubie_job_overrides ov = {.set = bad, .n_set = 2, .backend = -1, .threads = -1};
  CHECK_FAILS(cubie_job_prepare(path, &ov, &job), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "output.compression needs collective writes");
  CHECK(job == NULL);
  CHECK_DONE();
}
