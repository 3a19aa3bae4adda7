/* outcomes.c — the failed runs by cause, in words (see outcomes.h). */
#include "run/outcomes.h"

#include <stdbool.h>
#include <string.h>

#include "util/error.h"

#define STATUS_ROW(ID, bit, name, kind, meaning) {bit, name, #kind},
static const struct {
  unsigned int bit;
  const char *name, *kind;
} rows[CUBIE_N_STATUS_BITS] = {CUBIE_STATUS_BITS(STATUS_ROW)};
#undef STATUS_ROW

static bool is_kind(int b, const char *kind) { return strcmp(rows[b].kind, kind) == 0; }

/* The bits of `kind` with a count, largest count first (ties: list order). */
static int sorted_bits(const cubie_status_tally *t, const char *kind, int *order) {
  int n = 0;
  for (int b = 0; b < CUBIE_N_STATUS_BITS; b++)
    if (is_kind(b, kind) && t->failed_with[b] > 0) order[n++] = b;
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && t->failed_with[order[j]] > t->failed_with[order[j - 1]]; j--) {
      int x = order[j];
      order[j] = order[j - 1];
      order[j - 1] = x;
    }
  return n;
}

int cubie_outcomes_describe(const cubie_status_tally *tally, cubie_strbuf *out) {
  if (tally->failed <= 0) return CUBIE_OK;
  int order[CUBIE_N_STATUS_BITS];
  int n = sorted_bits(tally, "FAILURE", order);
  for (int i = 0; i < n; i++) {
    long long c = tally->failed_with[order[i]];
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%lld%s %s", i ? ", " : "", c,
                                   i ? "" : (c == 1 ? " run" : " runs"), rows[order[i]].name));
  }
  /* Remarks the failed runs carry ("; of them looked_stiff: 1180"); the
   * advice for all runs is cubie_outcomes_advise's. */
  int m = sorted_bits(tally, "INFO", order);
  for (int i = 0; i < m; i++)
    CUBIE_CALL(cubie_strbuf_printf(out, "%s%s: %lld", i ? ", " : "; of them ", rows[order[i]].name,
                                   tally->failed_with[order[i]]));
  return CUBIE_OK;
}

/* The row of a status bit. */
static int row_of(unsigned int bit) {
  for (int b = 0; b < CUBIE_N_STATUS_BITS; b++)
    if (rows[b].bit == bit) return b;
  return -1;
}

int cubie_outcomes_advise(const cubie_status_tally *tally, cubie_strbuf *out) {
  /* Explicit methods' stiffness test (kernels/run.h): such runs are held at
   * the method's stability limit, and a stiff method takes far fewer steps. */
  long long stiff = tally->runs_with[row_of(CUBIE_RUN_LOOKED_STIFF)];
  if (stiff <= 0) return CUBIE_OK;
  return cubie_strbuf_printf(out,
                             "looked stiff: %lld run%s; try a stiff method such as "
                             "rodas5p (docs/algorithms.md#stiff-problems)",
                             stiff, stiff == 1 ? "" : "s");
}
