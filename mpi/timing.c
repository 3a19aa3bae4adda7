/* timing.c — per-rank timing record (see timing.h). */
#include "mpi/timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "mpi/mpi_call.h"

const char *cubie_timing_phase_name(cubie_timing_phase phase) {
  static const char *const names[CUBIE_TIMING_N_PHASES] = {
      "compile", "compute", "transfer", "write", "write_wait", "wait", "total"};
  return phase >= 0 && phase < CUBIE_TIMING_N_PHASES ? names[phase] : "unknown";
}

void cubie_timing_add_since(cubie_rank_timing *t, cubie_timing_phase phase, double t0) {
  t->seconds[phase] += cubie_timing_now() - t0;
}

void cubie_timing_table_free(cubie_timing_table *table) {
  for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++) free(table->seconds[p]);
  free(table->runs);
  memset(table, 0, sizeof *table);
}

int cubie_timing_gather(MPI_Comm comm, int root, const cubie_rank_timing *mine,
                        cubie_timing_table *table) {
  memset(table, 0, sizeof *table);
  int rank, n_ranks;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(comm, &n_ranks));
  double *rows = NULL; /* [rank][phase], as gathered */
  int rc = CUBIE_OK;
  if (rank == root) {
    rows = malloc(sizeof *rows * (size_t)n_ranks * CUBIE_TIMING_N_PHASES);
    table->runs = malloc(sizeof *table->runs * (size_t)n_ranks);
    for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++)
      table->seconds[p] = malloc(sizeof(double) * (size_t)n_ranks);
    int ok = rows && table->runs;
    for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++) ok = ok && table->seconds[p];
    if (!ok)
      rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory gathering %d timing records", n_ranks);
  }
  /* The root's failure must not leave the others in MPI_Gather alone. */
  rc = cubie_mpi_agree(comm, rc);
  if (!rc) {
    int mpi_rc = MPI_Gather(mine->seconds, CUBIE_TIMING_N_PHASES, MPI_DOUBLE, rows,
                            CUBIE_TIMING_N_PHASES, MPI_DOUBLE, root, comm);
    if (mpi_rc == MPI_SUCCESS)
      mpi_rc = MPI_Gather(&mine->runs, 1, MPI_LONG_LONG, table->runs, 1, MPI_LONG_LONG, root, comm);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Gather of the timing records");
  }
  if (!rc && rank == root) {
    table->n_ranks = n_ranks;
    for (int r = 0; r < n_ranks; r++)
      for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++)
        table->seconds[p][r] = rows[(size_t)r * CUBIE_TIMING_N_PHASES + (size_t)p];
  }
  free(rows);
  if (rc) cubie_timing_table_free(table);
  return rc;
}

static int format_row(cubie_strbuf *text, const char *label, const double *sec, double runs) {
  CUBIE_CALL(cubie_strbuf_printf(text, "%6s", label));
  for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++)
    CUBIE_CALL(cubie_strbuf_printf(text, " %10.3f", sec[p]));
  double compute = sec[CUBIE_TIMING_COMPUTE];
  CUBIE_CALL(cubie_strbuf_printf(text, " %12.0f", runs));
  if (compute > 0.0) return cubie_strbuf_printf(text, " %12.4g\n", runs / compute);
  return cubie_strbuf_printf(text, " %12s\n", "-");
}

typedef struct rank_total {
  double total;
  int rank;
} rank_total;

static int slowest_first(const void *a, const void *b) {
  const rank_total *x = a, *y = b;
  if (x->total != y->total) return x->total < y->total ? 1 : -1;
  return (x->rank > y->rank) - (x->rank < y->rank);
}

/* The rows to list: every rank in order, or the max_rows slowest. */
static int pick_rows(const cubie_timing_table *t, int max_rows, int **rows, int *n_rows) {
  int n = t->n_ranks;
  *n_rows = max_rows > 0 && max_rows < n ? max_rows : n;
  *rows = malloc(sizeof **rows * (size_t)(n ? n : 1));
  rank_total *order = malloc(sizeof *order * (size_t)(n ? n : 1));
  if (!*rows || !order) {
    free(order);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory formatting the timing table");
  }
  for (int r = 0; r < n; r++) {
    order[r].total = t->seconds[CUBIE_TIMING_TOTAL][r];
    order[r].rank = r;
  }
  if (*n_rows < n) qsort(order, (size_t)n, sizeof *order, slowest_first);
  for (int i = 0; i < *n_rows; i++) (*rows)[i] = order[i].rank;
  free(order);
  return CUBIE_OK;
}

int cubie_timing_format(const cubie_timing_table *t, int max_rows, cubie_strbuf *text) {
  int n = t->n_ranks;
  CUBIE_CHECK(n > 0, CUBIE_ERR_INTERNAL, "timing table without ranks (format it on the root)");
  CUBIE_CALL(cubie_strbuf_printf(text, "%6s", "rank"));
  for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++)
    CUBIE_CALL(cubie_strbuf_printf(text, " %10s", cubie_timing_phase_name((cubie_timing_phase)p)));
  CUBIE_CALL(cubie_strbuf_printf(text, " %12s %12s\n", "runs", "runs/s"));
  int *rows = NULL, n_rows = 0;
  CUBIE_CALL(pick_rows(t, max_rows, &rows, &n_rows));
  int rc = CUBIE_OK;
  double sec[CUBIE_TIMING_N_PHASES];
  for (int i = 0; !rc && i < n_rows; i++) {
    int r = rows[i];
    char label[16];
    snprintf(label, sizeof label, "%d", r);
    for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++) sec[p] = t->seconds[p][r];
    rc = format_row(text, label, sec, (double)t->runs[r]);
  }
  free(rows);
  if (rc) return rc;
  if (n_rows < n)
    CUBIE_CALL(cubie_strbuf_printf(text, "  (the %d slowest of %d ranks by total)\n", n_rows, n));
  double lo[CUBIE_TIMING_N_PHASES], mean[CUBIE_TIMING_N_PHASES], hi[CUBIE_TIMING_N_PHASES];
  double runs_lo = (double)t->runs[0], runs_hi = runs_lo, runs_sum = 0.0;
  for (int p = 0; p < CUBIE_TIMING_N_PHASES; p++) {
    lo[p] = hi[p] = t->seconds[p][0];
    mean[p] = 0.0;
    for (int r = 0; r < n; r++) {
      double v = t->seconds[p][r];
      if (v < lo[p]) lo[p] = v;
      if (v > hi[p]) hi[p] = v;
      mean[p] += v / n;
    }
  }
  for (int r = 0; r < n; r++) {
    double v = (double)t->runs[r];
    if (v < runs_lo) runs_lo = v;
    if (v > runs_hi) runs_hi = v;
    runs_sum += v;
  }
  CUBIE_CALL(format_row(text, "min", lo, runs_lo));
  CUBIE_CALL(format_row(text, "mean", mean, runs_sum / n));
  CUBIE_CALL(format_row(text, "max", hi, runs_hi));
  double c_mean = mean[CUBIE_TIMING_COMPUTE];
  if (c_mean > 0.0)
    CUBIE_CALL(cubie_strbuf_printf(text, "load imbalance (max / mean compute): %.3f\n",
                                   hi[CUBIE_TIMING_COMPUTE] / c_mean));
  return CUBIE_OK;
}
