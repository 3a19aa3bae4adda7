/* memory_size.c — "2GiB" → 2147483648 (see memory_size.h). */
#include "deck/memory_size.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The unit letter's exponent: k=1, M=2, G=3, T=4; 0 when not a prefix. */
static int prefix_power(char c) {
  switch (c) {
    case 'k': case 'K': return 1;
    case 'M': return 2;
    case 'G': return 3;
    case 'T': return 4;
    default: return 0;
  }
}

int cubie_memory_size_parse(const char *text, long long *bytes, const char **why) {
  const char *p = text;
  while (isspace((unsigned char)*p)) p++;
  /* Only unsigned decimal digits with an optional fraction (strtod would
   * also take signs, exponents, hex and "inf"), kept as an integer mantissa
   * and a count of fraction digits so "4.35kB" is exactly 4350 bytes. */
  long long mantissa = 0;
  int digits = 0, fraction_digits = 0;
  bool in_fraction = false;
  for (;; p++) {
    if (*p == '.' && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (!isdigit((unsigned char)*p)) break;
    if (digits == 18) {
      *why = "too many digits";
      return -1;
    }
    mantissa = 10 * mantissa + (*p - '0');
    digits++;
    if (in_fraction) fraction_digits++;
  }
  if (digits == 0) {
    *why = "expected a number of bytes, optionally with a unit (e.g. 512MiB, 2GiB, 1.5GB)";
    return -1;
  }
  while (*p == ' ') p++;
  long double scale = 1.0L;
  int power = prefix_power(*p);
  if (power) {
    p++;
    long double base = 1000.0L;
    if (*p == 'i') {
      base = 1024.0L;
      p++;
    }
    for (int i = 0; i < power; i++) scale *= base;
  }
  if (*p == 'B') p++;
  while (isspace((unsigned char)*p)) p++;
  if (*p != '\0') {
    *why = "unknown unit; use B, kB, MB, GB, TB or KiB, MiB, GiB, TiB";
    return -1;
  }
  /* long double keeps 64 mantissa bits on x86-64: mantissa * scale stays
   * exact, and so does the division whenever the result is whole. */
  long double divisor = 1.0L;
  for (int i = 0; i < fraction_digits; i++) divisor *= 10.0L;
  long double total = floorl((long double)mantissa * scale / divisor);
  if (total < 1.0L) {
    *why = "a memory limit must be at least one byte";
    return -1;
  }
  /* 2^63 is the first double beyond long long. */
  if (total >= 9223372036854775808.0L) {
    *why = "too large";
    return -1;
  }
  *bytes = (long long)total;
  return 0;
}
