/* Run sets: virtual indexing over ranges, and pieces never longer than a
 * chunk nor crossing a gap; every run of a block exactly once. */
#include <stdlib.h>

#include "check.h"
#include "plan/run_set.h"

int main(void) {
  cubie_run_set all;
  CHECK_OK(cubie_run_set_init_all(&all, 103));
  cubie_run_piece *p = NULL;
  long long n = 0;
  size_t cap = 0;
  CHECK_OK(cubie_run_set_pieces(&all, 0, 103, 25, &p, &n, &cap));
  CHECK_INT(n, 5);
  CHECK_INT(p[4].start, 100);
  CHECK_INT(p[4].n, 3);
  cubie_run_set_free(&all);

  /* Missing runs {3..5, 10, 20..29}: 14 runs in three ranges. */
  long long pairs[] = {3, 6, 10, 11, 20, 30};
  cubie_run_set s;
  CHECK_OK(cubie_run_set_init_ranges(&s, pairs, 3));
  CHECK_INT(s.total, 14);
  n = 0;
  CHECK_OK(cubie_run_set_pieces(&s, 2, 8, 4, &p, &n, &cap)); /* virtual 2..9 */
  /* virtual 2 = run 5; 3 = run 10; 4..9 = runs 20..25 (cut at 4 per piece) */
  CHECK_INT(n, 4);
  CHECK_INT(p[0].start, 5);
  CHECK_INT(p[0].n, 1);
  CHECK_INT(p[1].start, 10);
  CHECK_INT(p[1].n, 1);
  CHECK_INT(p[2].start, 20);
  CHECK_INT(p[2].n, 4);
  CHECK_INT(p[3].start, 24);
  CHECK_INT(p[3].n, 2);
  /* Any split of the virtual space covers every missing run once. */
  for (long long chunk = 1; chunk <= 15; chunk++) {
    int seen[30] = {0};
    n = 0;
    for (long long v = 0; v < 14; v += 5)
      CHECK_OK(cubie_run_set_pieces(&s, v, v + 5 <= 14 ? 5 : 14 - v, chunk, &p, &n, &cap));
    for (long long i = 0; i < n; i++) {
      CHECK(p[i].n >= 1 && p[i].n <= chunk);
      for (long long r = p[i].start; r < p[i].start + p[i].n; r++) seen[r]++;
    }
    for (int r = 0; r < 30; r++) CHECK_INT(seen[r], (r >= 3 && r < 6) || r == 10 || r >= 20);
  }
  CHECK_FAILS(cubie_run_set_pieces(&s, 10, 5, 4, &p, &n, &cap), CUBIE_ERR_INTERNAL);
  long long bad[] = {5, 8, 7, 9};
  cubie_run_set t;
  CHECK_FAILS(cubie_run_set_init_ranges(&t, bad, 2), CUBIE_ERR_INTERNAL);
  cubie_run_set_free(&s);
  free(p);
  CHECK_DONE();
}
