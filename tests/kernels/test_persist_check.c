/* test_persist_check — the persisted-field count has one definition
 * (kernels/persist.def) and the kernel build proves host and kernels agree.
 *
 * For real decks (several methods, metric selections, model sizes) the
 * kernel unit the host assembles compiles with the host C compiler, so the
 * host's count (cubie_kernel_persist_fields) equals the kernels'
 * CUBIE_PERSIST_FIELDS; the count is what the layout implies (the loop's 11
 * scalars, the counters the family can change, the state, the step family's fields, the summary
 * accumulators); and the same unit with the emitted count off by one fails to
 * compile with the check's message — the check fires, it is not a comment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel/kernel_source.h"
#include "kernels/status.h"
#include "plan/job.h"

static cubie_job *prepare(const char *deck, const char *const *set, int n_set) {
  char path[4096];
  snprintf(path, sizeof path, "%s/inputs/%s", CUBIE_SOURCE_DIR, deck);
  cubie_job_overrides ov = {.set = set, .n_set = n_set, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  CHECK_OK(cubie_job_prepare(path, &ov, &job));
  return job;
}

/* Compile `source` with the host C compiler (syntax and preprocessor only);
 * returns its exit status and leaves its messages in *log (caller frees). */
static int compile(const char *source, char **log) {
  char dir[] = "/tmp/cubie_persist_check_XXXXXX";
  *log = NULL;
  if (!mkdtemp(dir)) return -1;
  char src[4096], out[4096], cmd[9000];
  snprintf(src, sizeof src, "%s/kernel.c", dir);
  snprintf(out, sizeof out, "%s/log.txt", dir);
  FILE *f = fopen(src, "w");
  if (!f) return -1;
  fputs(source, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s -std=c99 -fsyntax-only -fopenmp '%s' > '%s' 2>&1", CUBIE_TEST_CC,
           src, out);
  int rc = system(cmd);
  f = fopen(out, "r");
  if (f) {
    *log = calloc(1, 1 << 16);
    if (*log) fread(*log, 1, (1 << 16) - 1, f);
    fclose(f);
  }
  unlink(src);
  unlink(out);
  rmdir(dir);
  return rc;
}

static void check_deck(const char *deck, const char *const *set, int n_set, int expected_fields) {
  cubie_job *job = prepare(deck, set, n_set);
  if (!job) return;
  const int n_states = cubie_model_n_states(job->model);
  const int fields = cubie_kernel_persist_fields(job->plan, n_states);
  printf("%s %s: %d persisted fields\n", deck, n_set ? set[0] : "", fields);
  CHECK_INT(fields, expected_fields);
  char *source = NULL;
  CHECK_OK(cubie_kernel_source_build(job->plan, job->model, NULL, &source));
  if (source) {
    char marker[64];
    snprintf(marker, sizeof marker, "#if CUBIE_PERSIST_FIELDS != %d\n", fields);
    char *at = strstr(source, marker);
    CHECK(at != NULL);
    char *log = NULL;
    CHECK_INT(compile(source, &log), 0);
    if (log && log[0]) printf("%s\n", log);
    free(log);
    if (at) {
      /* The same unit with a count one too high must not build. */
      char wrong[64];
      snprintf(wrong, sizeof wrong, "#if CUBIE_PERSIST_FIELDS != %d\n", fields + 1);
      size_t head = (size_t)(at - source), len = strlen(source);
      char *bad = malloc(len + 16);
      if (bad) {
        memcpy(bad, source, head);
        strcpy(bad + head, wrong);
        strcat(bad + head, at + strlen(marker));
        CHECK(compile(bad, &log) != 0);
        CHECK(log && strstr(log, "persisted fields: the host allocates") != NULL);
        free(log);
        free(bad);
      }
    }
  }
  free(source);
  cubie_job_destroy(&job);
}

int main(void) {
  /* persist.def's scalars and the counters ERK can change (methods.def). */
  const int loop = 11 + 3;
  /* Lorenz with tsit5: 3 states, the ERK family's have_k0 and k_0 (1 + 3),
   * 4 outputs x 2 metrics (mean, max: one accumulator each). */
  check_deck("lorenz.yaml", NULL, 0, loop + 3 + (1 + 3) + 4 * 2);
  /* No summaries; dop853. */
  const char *no_summaries[] = {"output.summaries=", "integrator.algorithm=dop853"};
  check_deck("lorenz.yaml", no_summaries, 2, loop + 3 + (1 + 3));
  /* Four metrics, a fixed-step method. */
  const char *rk4[] = {"output.summaries.metrics=[rms,min,max,mean]", "integrator.algorithm=rk4",
                       "integrator.step_control=fixed", "integrator.dt=0.001"};
  check_deck("lorenz.yaml", rk4, 4, loop + 3 + (1 + 3) + 4 * 4);
  CHECK_DONE();
}
