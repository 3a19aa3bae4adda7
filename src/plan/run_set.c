/* run_set.c — runs as ranges with virtual indexing (see run_set.h). */
#include "plan/run_set.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

static int alloc_ranges(cubie_run_set *s, long long n) {
  memset(s, 0, sizeof *s);
  size_t k = (size_t)(n > 0 ? n : 1);
  s->start = malloc(k * sizeof *s->start);
  s->end = malloc(k * sizeof *s->end);
  s->first_virtual = malloc(k * sizeof *s->first_virtual);
  if (!s->start || !s->end || !s->first_virtual) {
    cubie_run_set_free(s);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory for %lld run ranges", n);
  }
  s->n_ranges = n;
  return CUBIE_OK;
}

int cubie_run_set_init_all(cubie_run_set *s, long long n) {
  CUBIE_CALL(alloc_ranges(s, 1));
  s->start[0] = 0;
  s->end[0] = n;
  s->first_virtual[0] = 0;
  s->total = n;
  return CUBIE_OK;
}

int cubie_run_set_init_ranges(cubie_run_set *s, const long long *pairs, long long n_ranges) {
  CUBIE_CALL(alloc_ranges(s, n_ranges));
  long long v = 0;
  for (long long i = 0; i < n_ranges; i++) {
    long long a = pairs[2 * i], b = pairs[2 * i + 1];
    if (b <= a || (i > 0 && a < s->end[i - 1])) {
      cubie_run_set_free(s);
      return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "run ranges not sorted and disjoint at range %lld", i);
    }
    s->start[i] = a;
    s->end[i] = b;
    s->first_virtual[i] = v;
    v += b - a;
  }
  s->total = v;
  return CUBIE_OK;
}

void cubie_run_set_free(cubie_run_set *s) {
  free(s->start);
  free(s->end);
  free(s->first_virtual);
  memset(s, 0, sizeof *s);
}

/* The range holding virtual index v (binary search). */
static long long range_of(const cubie_run_set *s, long long v) {
  long long lo = 0, hi = s->n_ranges - 1;
  while (lo < hi) {
    long long mid = (lo + hi + 1) / 2;
    if (s->first_virtual[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

int cubie_run_set_pieces(const cubie_run_set *s, long long v_start, long long count,
                         long long max_len, cubie_run_piece **pieces, long long *n_pieces,
                         size_t *capacity) {
  CUBIE_CHECK(v_start >= 0 && count >= 0 && v_start + count <= s->total && max_len >= 1,
              CUBIE_ERR_INTERNAL, "run pieces: [%lld, +%lld) outside 0..%lld", v_start, count,
              s->total);
  long long v = v_start, left = count;
  long long r = count > 0 ? range_of(s, v) : 0;
  while (left > 0) {
    long long real = s->start[r] + (v - s->first_virtual[r]);
    long long in_range = s->end[r] - real;
    long long n = left < in_range ? left : in_range;
    if (n > max_len) n = max_len;
    CUBIE_CALL(CUBIE_GROW(*pieces, *n_pieces + 1, *capacity, "the list of run pieces"));
    (*pieces)[*n_pieces].start = real;
    (*pieces)[*n_pieces].n = n;
    (*n_pieces)++;
    v += n;
    left -= n;
    if (real + n == s->end[r]) r++;
  }
  return CUBIE_OK;
}
