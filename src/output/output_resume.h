/* output_resume.h — what an existing output file still lacks.
 *
 * Read serially (by rank 0, before any collective open): whether the file
 * is complete, the deck and --set arguments it was written from (a resumed
 * job must be the same job), its run count, and the runs whose status is
 * still 0 ("never computed" — the fill value), as sorted ranges. Reads
 * status in bounded pieces, so a 10^9-run file needs no 4 GB buffer. Never
 * writes.
 */
#ifndef CUBIE_OUTPUT_RESUME_H
#define CUBIE_OUTPUT_RESUME_H

#include <stdbool.h>

typedef struct cubie_output_state {
  bool complete;
  char *deck;           /* global attribute cubie_deck ("" when absent) */
  char *overrides;      /* global attribute cubie_overrides */
  char *drivers_sha256; /* global attribute cubie_drivers_sha256 ("" when absent) */
  long long total_runs; /* length of `run` */
  long long n_saves;    /* length of `time` */
  long long *missing;   /* pairs [start, end) of runs with status 0 */
  long long n_missing_ranges;
  long long n_missing_runs;
} cubie_output_state;

/* CUBIE_ERR_INPUT when the file cannot be opened or is not a cubie file. */
int cubie_output_inspect(const char *path, cubie_output_state *state);
void cubie_output_state_free(cubie_output_state *state);

#endif
