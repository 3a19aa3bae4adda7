/* problem.c — building and validating problems (see problem.h and the
 * public include/cubie/cubie.h). */
#include "api/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

static int problem_new(const char *name, const char *text, cubie_problem **out) {
  CUBIE_CHECK(out, CUBIE_ERR_INTERNAL, "no place for the problem (NULL pointer)");
  *out = NULL;
  cubie_problem *p = calloc(1, sizeof *p);
  CUBIE_CHECK(p, CUBIE_ERR_MEMORY, "out of memory creating a problem");
  p->backend = -1;
  p->threads = -1;
  p->name = strdup(name);
  p->text = strdup(text);
  int rc = cubie_strbuf_init(&p->warnings);
  if (!rc && (!p->name || !p->text)) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory creating a problem");
  if (rc) {
    cubie_problem_destroy(&p);
    return rc;
  }
  *out = p;
  return CUBIE_OK;
}

int cubie_problem_create(cubie_problem **problem) {
  /* An empty mapping that the settings fill in, as --set fills a deck. */
  return problem_new("deck", "{}\n", problem);
}

int cubie_problem_from_string(const char *text, const char *name, cubie_problem **problem) {
  CUBIE_CHECK(text, CUBIE_ERR_INTERNAL, "cubie_problem_from_string: NULL text");
  return problem_new(name ? name : "deck", text, problem);
}

int cubie_problem_from_file(const char *path, cubie_problem **problem) {
  CUBIE_CHECK(path, CUBIE_ERR_INTERNAL, "cubie_problem_from_file: NULL path");
  CUBIE_CHECK(problem, CUBIE_ERR_INTERNAL, "no place for the problem (NULL pointer)");
  *problem = NULL;
  /* Read now (an unreadable file is reported here); a wrong deck is
   * reported when the job is prepared, with its file:line:column. */
  char *text = NULL;
  CUBIE_CALL(cubie_config_read_file(path, &text));
  int rc = problem_new(path, text, problem);
  free(text);
  return rc;
}

/* Every change invalidates the prepared job. */
static void changed(cubie_problem *p) {
  cubie_job_destroy(&p->job);
  cubie_strbuf_free(&p->warnings);
  cubie_strbuf_init(&p->warnings);
}

int cubie_problem_set(cubie_problem *p, const char *key, const char *value) {
  CUBIE_CHECK(p && key && value, CUBIE_ERR_INTERNAL, "cubie_problem_set: NULL argument");
  CUBIE_CHECK(key[0] && !strchr(key, '='), CUBIE_ERR_INPUT,
              "cubie_problem_set: '%s' is not a key path (section.key, e.g. integrator.rtol)", key);
  size_t len = strlen(key) + strlen(value) + 2;
  char *set = malloc(len);
  CUBIE_CHECK(set, CUBIE_ERR_MEMORY, "out of memory");
  snprintf(set, len, "%s=%s", key, value);
  int rc = CUBIE_GROW(p->sets, p->n_sets + 1, p->cap_sets, "the problem's settings");
  if (rc) {
    free(set);
    return rc;
  }
  p->sets[p->n_sets++] = set;
  changed(p);
  return CUBIE_OK;
}

int cubie_problem_set_output_file(cubie_problem *p, const char *path) {
  CUBIE_CHECK(p, CUBIE_ERR_INTERNAL, "cubie_problem_set_output_file: NULL problem");
  char *copy = NULL;
  if (path) {
    copy = strdup(path);
    CUBIE_CHECK(copy, CUBIE_ERR_MEMORY, "out of memory");
  }
  free(p->output_file);
  p->output_file = copy;
  changed(p);
  return CUBIE_OK;
}

int cubie_problem_set_backend(cubie_problem *p, int backend) {
  CUBIE_CHECK(p, CUBIE_ERR_INTERNAL, "NULL problem");
  p->backend = backend;
  changed(p);
  return CUBIE_OK;
}

int cubie_problem_set_threads(cubie_problem *p, int threads) {
  CUBIE_CHECK(p, CUBIE_ERR_INTERNAL, "NULL problem");
  p->threads = threads;
  changed(p);
  return CUBIE_OK;
}

int cubie_problem_job(cubie_problem *p, const cubie_job **job) {
  CUBIE_CHECK(p && job, CUBIE_ERR_INTERNAL, "NULL problem");
  *job = NULL;
  if (!p->job) {
    cubie_job_overrides ov = {.set = (const char *const *)p->sets, .n_set = p->n_sets,
                              .output_file = p->output_file, .backend = p->backend,
                              .threads = p->threads};
    CUBIE_CALL(cubie_job_prepare_text(p->name, p->text, &ov, &p->job));
    int rc = cubie_job_warnings(p->job, &p->warnings);
    if (rc) {
      changed(p);
      return rc;
    }
  }
  *job = p->job;
  return CUBIE_OK;
}

int cubie_problem_check(cubie_problem *p) {
  const cubie_job *job;
  return cubie_problem_job(p, &job);
}

int cubie_problem_warnings(cubie_problem *p, const char **text) {
  CUBIE_CHECK(text, CUBIE_ERR_INTERNAL, "cubie_problem_warnings: NULL text");
  *text = "";
  const cubie_job *job;
  CUBIE_CALL(cubie_problem_job(p, &job));
  *text = p->warnings.data;
  return CUBIE_OK;
}

int cubie_problem_total_runs(cubie_problem *p, long long *total_runs) {
  CUBIE_CHECK(total_runs, CUBIE_ERR_INTERNAL, "cubie_problem_total_runs: NULL result");
  const cubie_job *job;
  CUBIE_CALL(cubie_problem_job(p, &job));
  *total_runs = job->plan->total_runs;
  return CUBIE_OK;
}

int cubie_problem_destroy(cubie_problem **problem) {
  if (!problem || !*problem) return CUBIE_OK;
  cubie_problem *p = *problem;
  cubie_job_destroy(&p->job);
  cubie_strbuf_free(&p->warnings);
  for (int i = 0; i < p->n_sets; i++) free(p->sets[i]);
  free(p->sets);
  free(p->output_file);
  free(p->name);
  free(p->text);
  free(p);
  *problem = NULL;
  return CUBIE_OK;
}
