/* Edit distances and "did you mean" choices. */
#include "check.h"
#include "util/suggest.h"

int main(void) {
  CHECK_INT(cubie_edit_distance("rtol", "rtol"), 0);
  CHECK_INT(cubie_edit_distance("rtoll", "rtol"), 1);
  CHECK_INT(cubie_edit_distance("rotl", "rtol"), 1); /* one transposition */
  CHECK_INT(cubie_edit_distance("", "abc"), 3);
  CHECK_INT(cubie_edit_distance("kitten", "sitting"), 3);

  const char *keys[] = {"atol", "rtol", "dt", "duration", "algorithm"};
  CHECK_STR(cubie_suggest("rtoll", keys, 5), "rtol");
  CHECK_STR(cubie_suggest("duraton", keys, 5), "duration");
  CHECK_STR(cubie_suggest("algoritm", keys, 5), "algorithm");
  CHECK(cubie_suggest("zzzzzz", keys, 5) == NULL);
  /* A short word gets only one edit of slack: "xy" is not "dt". */
  CHECK(cubie_suggest("xy", keys, 5) == NULL);
  const char *syms[] = {"sigma", "rho", "beta"};
  CHECK_STR(cubie_suggest("sigmaa", syms, 3), "sigma");
  CHECK_DONE();
}
