/* run_set.h — the runs a job computes, as sorted disjoint ranges of run
 * indices, numbered 0.. M-1 in order ("virtual" indices).
 *
 * A fresh job computes every run: one range [0, N). A resumed job computes
 * only the runs its file never received: the ranges where status is 0. The
 * decomposer splits the virtual index space across ranks (contiguous,
 * weighted or claimed dynamically) without knowing which; this module turns
 * a rank's virtual block into pieces of contiguous real runs, each at most
 * one chunk long, which is what a kernel launch and a hyperslab write need.
 */
#ifndef CUBIE_RUN_SET_H
#define CUBIE_RUN_SET_H

#include <stddef.h>

typedef struct cubie_run_piece {
  long long start; /* first real run index */
  long long n;     /* runs */
} cubie_run_piece;

typedef struct cubie_run_set {
  long long n_ranges;
  long long *start, *end;   /* [start[i], end[i]) */
  long long *first_virtual; /* virtual index of start[i] */
  long long total;          /* runs in the set */
} cubie_run_set;

/* Every run of [0, n). */
int cubie_run_set_init_all(cubie_run_set *s, long long n);
/* The ranges [pairs[2i], pairs[2i+1]), sorted, disjoint, non-empty. */
int cubie_run_set_init_ranges(cubie_run_set *s, const long long *pairs, long long n_ranges);
void cubie_run_set_free(cubie_run_set *s);

/* Split virtual runs [v_start, v_start + count) into pieces of real runs,
 * each contiguous and at most `max_len` long, appended to *pieces (a
 * growable array, util/growable.h: *n_pieces and *capacity track it). */
int cubie_run_set_pieces(const cubie_run_set *s, long long v_start, long long count,
                         long long max_len, cubie_run_piece **pieces, long long *n_pieces,
                         size_t *capacity);

#endif
