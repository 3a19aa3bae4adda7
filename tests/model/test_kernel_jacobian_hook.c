/* test_kernel_jacobian_hook.c — the kernel unit gets the model's derivative
 * functions exactly when the method's methods.def row has jacobian = 1.
 *
 * For inputs/vanderpol.yaml: with its explicit method the unit has none of
 * them and the model is never differentiated; with the same plan but a
 * method row whose jacobian column is 1 (a copy of the row: no implicit
 * method exists on this branch yet), the unit holds the macros and the four
 * functions after cubie_model_outputs and before the per-run loop, and the
 * whole unit still compiles with the host compiler. Building that unit from
 * an undifferentiated model is an internal error, not silent; and the
 * explicit unit is the same text before and after differentiation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel/kernel_source.h"
#include "model/model_jacobian.h"
#include "plan/job.h"

static int syntax_ok(const char *source) {
  char dir[] = "/tmp/cubie_jacobian_hook_XXXXXX";
  if (!mkdtemp(dir)) return 0;
  char src[4096], cmd[9000];
  snprintf(src, sizeof src, "%s/kernel.c", dir);
  FILE *f = fopen(src, "w");
  if (!f) return 0;
  fputs(source, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s -std=c99 -fsyntax-only -fopenmp -Wall -Werror '%s'",
           CUBIE_TEST_CC, src);
  int rc = system(cmd);
  unlink(src);
  rmdir(dir);
  return rc == 0;
}

int main(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/inputs/vanderpol.yaml", CUBIE_SOURCE_DIR);
  cubie_job_overrides ov = {.backend = -1, .threads = -1};
  cubie_job *job = NULL;
  CHECK_OK(cubie_job_prepare(path, &ov, &job));
  if (!job) CHECK_DONE();
  CHECK(!job->plan->algorithm->jacobian);

  char *source = NULL, *explicit_source = NULL;
  CHECK_OK(cubie_kernel_source_build(job->plan, job->model, NULL, &explicit_source));
  CHECK(explicit_source && !strstr(explicit_source, "cubie_model_jacobian") &&
        !strstr(explicit_source, "CUBIE_JAC_NNZ"));
  CHECK(!cubie_model_has_jacobian(job->model)); /* explicit: never differentiated */

  cubie_algorithm_info implicit = *job->plan->algorithm;
  implicit.jacobian = true;
  const cubie_algorithm_info *explicit_row = job->plan->algorithm;
  job->plan->algorithm = &implicit;
  CHECK(cubie_kernel_source_build(job->plan, job->model, NULL, &source) == CUBIE_ERR_INTERNAL);
  CHECK(source == NULL);
  /* What cubie_job_prepare does for such a method. */
  CHECK_OK(cubie_model_differentiate(job->model, job->cfg));
  CHECK_OK(cubie_kernel_source_build(job->plan, job->model, NULL, &source));
  if (source) {
    const char *outputs = strstr(source, "CUBIE_DEVICE void cubie_model_outputs(");
    const char *macros = strstr(source, "#define CUBIE_MODEL_HAS_JACOBIAN 1\n");
    const char *loop = strstr(source, "/* ---- kernels/run.h ---- */");
    CHECK(outputs && macros && loop && outputs < macros && macros < loop);
    CHECK(strstr(source, "#define CUBIE_MODEL_AUTONOMOUS 1\n") != NULL);
    CHECK(strstr(source, "#define CUBIE_JAC_NNZ 3\n") != NULL);
    const char *functions[] = {"cubie_model_jacobian(", "cubie_model_rhs_jacobian(",
                               "cubie_model_jvp(", "cubie_model_dfdt("};
    for (int k = 0; k < 4; k++) {
      const char *at = strstr(source, functions[k]);
      CHECK(at && at > macros && at < loop);
    }
    CHECK(syntax_ok(source));
  }
  free(source);
  /* The derivatives live in the same graph as f, but an explicit kernel
   * from the differentiated model is the same text, byte for byte. */
  job->plan->algorithm = explicit_row;
  source = NULL;
  CHECK_OK(cubie_kernel_source_build(job->plan, job->model, NULL, &source));
  CHECK(source && explicit_source && strcmp(source, explicit_source) == 0);
  free(source);
  free(explicit_source);
  cubie_job_destroy(&job);
  CHECK_DONE();
}
