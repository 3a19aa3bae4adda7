/* check.h — the assertions of cubie's C tests.
 *
 * A failed check prints file:line, the expression and the values, and makes
 * the test exit 1 at the end (checks keep going so one run shows every
 * failure). CHECK_OK additionally prints cubie's error message.
 */
#ifndef CUBIE_TEST_CHECK_H
#define CUBIE_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

static int check_failures = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

#define CHECK_INT(a, b)                                                    \
  do {                                                                     \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);        \
    if (check_a_ != check_b_) {                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
              #a, #b, check_a_, check_b_);                                 \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

#define CHECK_STR(a, b)                                                    \
  do {                                                                     \
    const char *check_a_ = (a), *check_b_ = (b);                           \
    if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {       \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", __FILE__, __LINE__, \
              #a, #b, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol)                                              \
  do {                                                                     \
    double check_a_ = (double)(a), check_b_ = (double)(b), check_t_ = (double)(tol); \
    if (!(fabs(check_a_ - check_b_) <= check_t_)) {                        \
      fprintf(stderr, "%s:%d: CHECK failed: |%s - %s| <= %s (|%.17g - %.17g| = %.3g)\n", \
              __FILE__, __LINE__, #a, #b, #tol, check_a_, check_b_, fabs(check_a_ - check_b_)); \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

/* The message contains `needle`. */
#define CHECK_CONTAINS(haystack, needle)                                   \
  do {                                                                     \
    const char *check_h_ = (haystack), *check_n_ = (needle);               \
    if (!check_h_ || !strstr(check_h_, check_n_)) {                        \
      fprintf(stderr, "%s:%d: CHECK failed: \"%s\" contains \"%s\"\n", __FILE__, __LINE__, \
              check_h_ ? check_h_ : "(null)", check_n_);                   \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

/* A cubie call succeeded; otherwise print its error. */
#define CHECK_OK(expr)                                                     \
  do {                                                                     \
    int check_rc_ = (expr);                                                \
    if (check_rc_ != 0) {                                                  \
      fprintf(stderr, "%s:%d: CHECK_OK failed: %s -> %s: %s [%s]\n", __FILE__, __LINE__, #expr, \
              cubie_error_name((cubie_err)check_rc_), cubie_error_message(), cubie_error_origin()); \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

/* A cubie call failed with `code`. */
#define CHECK_FAILS(expr, code)                                            \
  do {                                                                     \
    int check_rc_ = (expr);                                                \
    if (check_rc_ != (int)(code)) {                                        \
      fprintf(stderr, "%s:%d: CHECK_FAILS failed: %s -> %d (%s), expected %d; message: %s\n", \
              __FILE__, __LINE__, #expr, check_rc_, cubie_error_name((cubie_err)check_rc_), \
              (int)(code), cubie_error_message());                         \
      check_failures++;                                                    \
    }                                                                      \
  } while (0)

#define CHECK_DONE()                                                       \
  do {                                                                     \
    if (check_failures) fprintf(stderr, "%d check(s) failed\n", check_failures); \
    return check_failures ? 1 : 0;                                         \
  } while (0)

#endif
