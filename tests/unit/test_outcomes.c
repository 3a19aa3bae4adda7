/* The failed runs by cause, in words (run/outcomes.h): causes by count,
 * most frequent first, "run"/"runs", remarks after a semicolon, nothing
 * when no run failed; every FAILURE bit of status.def can be named. The
 * advice: how many of all runs looked stiff (failed or not), nothing when
 * none did. */
#include <string.h>

#include "check.h"
#include "run/outcomes.h"

#define ROW_INDEX(ID, bit, name, kind, meaning) INDEX_##ID,
enum { CUBIE_STATUS_BITS(ROW_INDEX) N_ROWS };

static void expect(const cubie_status_tally *t, const char *want) {
  cubie_strbuf out;
  CHECK_OK(cubie_strbuf_init(&out));
  CHECK_OK(cubie_outcomes_describe(t, &out));
  CHECK_STR(out.length ? out.data : "", want);
  cubie_strbuf_free(&out);
}

static void expect_advice(const cubie_status_tally *t, const char *want) {
  cubie_strbuf out;
  CHECK_OK(cubie_strbuf_init(&out));
  CHECK_OK(cubie_outcomes_advise(t, &out));
  CHECK_STR(out.length ? out.data : "", want);
  cubie_strbuf_free(&out);
}

int main(void) {
  cubie_status_tally t;
  memset(&t, 0, sizeof t);
  expect(&t, "");

  t.failed = 1216;
  t.failed_with[INDEX_STEP_TOO_SMALL] = 12;
  t.failed_with[INDEX_MAX_STEPS] = 1204;
  expect(&t, "1204 runs max_steps, 12 step_too_small");

  t.failed_with[INDEX_DT_MIN_CLAMPED] = 12;
  expect(&t, "1204 runs max_steps, 12 step_too_small; of them dt_min_clamped: 12");

  memset(&t, 0, sizeof t);
  t.failed = 1;
  t.failed_with[INDEX_NONFINITE] = 1;
  expect(&t, "1 run nonfinite");

  /* Every failure bit, equal counts: list order. */
  memset(&t, 0, sizeof t);
  t.failed = 5;
  t.failed_with[INDEX_STEP_TOO_SMALL] = t.failed_with[INDEX_MAX_STEPS] = 1;
  t.failed_with[INDEX_NONFINITE] = t.failed_with[INDEX_NEWTON_FAILED] = 1;
  t.failed_with[INDEX_SINGULAR_MATRIX] = 1;
  expect(&t, "1 run step_too_small, 1 max_steps, 1 nonfinite, 1 newton_failed, 1 singular_matrix");
  CHECK_INT(N_ROWS, CUBIE_N_STATUS_BITS);

  /* Advice: the looked_stiff count of all runs, successful ones included. */
  memset(&t, 0, sizeof t);
  expect_advice(&t, "");
  t.runs_with[INDEX_SUCCESS] = 2000;
  t.runs_with[INDEX_DT_MIN_CLAMPED] = 7;
  expect_advice(&t, "");
  t.runs_with[INDEX_LOOKED_STIFF] = 1180;
  expect_advice(&t, "looked stiff: 1180 runs; try a stiff method such as rodas5p "
                    "(docs/algorithms.md#stiff-problems)");
  expect(&t, ""); /* no run failed: no breakdown */
  t.runs_with[INDEX_LOOKED_STIFF] = 1;
  expect_advice(&t, "looked stiff: 1 run; try a stiff method such as rodas5p "
                    "(docs/algorithms.md#stiff-problems)");
  t.failed = 3;
  t.failed_with[INDEX_MAX_STEPS] = 3;
  t.failed_with[INDEX_LOOKED_STIFF] = 1;
  expect(&t, "3 runs max_steps; of them looked_stiff: 1");
  CHECK_DONE();
}
