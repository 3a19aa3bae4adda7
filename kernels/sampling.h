/* sampling.h — the randomness of the sampled sweep designs (grid_decode.h),
 * written once for the host and the kernels (the common subset of C99 and
 * CUDA C++): a counter-based generator, a keyed permutation of [0, n), and
 * the few transcendental functions the designs need, computed so the host
 * and the device round them alike.
 *
 * Why counter-based: a design value must be a pure function of (seed, the
 * run's point index, the axis), so any run decodes alone — on any rank,
 * in any chunk, on the CPU or a GPU — and a 10^9-run design costs no
 * memory. Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011) maps a 128-bit counter and a
 * 64-bit key to 128 random bits; the key is the deck's seed, the counter
 * (point index, stream, draw) where the stream names the design and the
 * axis (CUBIE_STREAM).
 *
 * Why own log/exp: the device's libm does not round like the host's, and a
 * sampled value must be the same number wherever it is decoded. These use
 * only IEEE operations that are correctly rounded on both (+ - * /, sqrt,
 * fma, frexp, ldexp, floor), with every multiply-add an explicit fma, so
 * no compiler may contract or reorder them: the results agree bit for bit
 * (accuracy: a few ulp, checked against the C library in the unit test).
 *
 * Nothing here allocates or reads anything but its arguments.
 */
#ifndef CUBIE_SAMPLING_H
#define CUBIE_SAMPLING_H

#include "types.h"

#if CUBIE_ON_DEVICE
#define CUBIE_SAMPLING_FN static __device__ __forceinline__
/* loops of many rounds stay loops on the device (code size, compile time) */
#define CUBIE_SAMPLING_LOOP _Pragma("unroll 1")
#else
#include <math.h>
#define CUBIE_SAMPLING_FN static inline
#define CUBIE_SAMPLING_LOOP
#endif

/* Streams: which design and which axis of it a draw belongs to (counter
 * word 2), so no two axes or designs ever share random numbers. */
#define CUBIE_STREAM_SOBOL_SCRAMBLE 1u
#define CUBIE_STREAM_LHS_PERMUTATION 2u
#define CUBIE_STREAM_LHS_JITTER 3u
#define CUBIE_STREAM_RANDOM 4u
#define CUBIE_STREAM(design, dim) (((cubie_u32)(design) << 16) | ((cubie_u32)(dim) & 0xffffu))

/* 2^53: a 53-bit integer divided by it is a double in [0, 1), exactly. */
#define CUBIE_TWO_53 9007199254740992.0

/* Philox-4x32-10: ctr[4], key[2] → out[4]. */
CUBIE_SAMPLING_FN void cubie_philox4x32(const cubie_u32 ctr[4], cubie_u64 seed, cubie_u32 out[4]) {
  cubie_u32 c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  cubie_u32 k0 = (cubie_u32)seed, k1 = (cubie_u32)(seed >> 32);
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const cubie_u64 p0 = (cubie_u64)0xD2511F53u * (cubie_u64)c0;
    const cubie_u64 p1 = (cubie_u64)0xCD9E8D57u * (cubie_u64)c2;
    const cubie_u32 hi0 = (cubie_u32)(p0 >> 32), lo0 = (cubie_u32)p0;
    const cubie_u32 hi1 = (cubie_u32)(p1 >> 32), lo1 = (cubie_u32)p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* 64 random bits for (seed, index, stream, draw); `second` picks the other
 * half of the same block (two independent words per Philox call). */
CUBIE_SAMPLING_FN cubie_u64 cubie_random_bits(cubie_u64 seed, cubie_u64 index, cubie_u32 stream,
                                              cubie_u32 draw, int second) {
  cubie_u32 ctr[4], out[4];
  ctr[0] = (cubie_u32)index;
  ctr[1] = (cubie_u32)(index >> 32);
  ctr[2] = stream;
  ctr[3] = draw;
  cubie_philox4x32(ctr, seed, out);
  return second ? ((cubie_u64)out[3] << 32) | out[2] : ((cubie_u64)out[1] << 32) | out[0];
}

/* The top 53 bits as an integer-valued double in [0, 2^53). */
CUBIE_SAMPLING_FN double cubie_bits53(cubie_u64 bits) { return (double)(bits >> 11); }

/* A uniform deviate in the open interval (0, 1): (k + 1/2) / 2^53. */
CUBIE_SAMPLING_FN double cubie_uniform_open(cubie_u64 bits) {
  return (cubie_bits53(bits) + 0.5) / CUBIE_TWO_53;
}

/* A 64-bit mixing function (the finaliser of SplitMix64, Steele, Lea and
 * Flood 2014): the Feistel rounds' round function. */
CUBIE_SAMPLING_FN cubie_u64 cubie_mix64(cubie_u64 z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* A keyed bijection of [0, n) (n >= 1): a balanced four-round Feistel
 * network over the smallest even number of bits whose range holds n, with
 * cycle walking back into [0, n). Any i maps alone; the range is less than
 * 4n, so a walk takes fewer than 4 rounds of the network on average, and it
 * ends because i < n lies on its own cycle. */
CUBIE_SAMPLING_FN cubie_u64 cubie_permute(cubie_u64 i, cubie_u64 n, cubie_u64 key) {
  int bits = 1;
  while (bits < 64 && (n - 1) >> bits) bits++;
  const int half = (bits + 1) / 2;
  const cubie_u64 mask = ((cubie_u64)1 << half) - 1;
  cubie_u64 x = i;
  CUBIE_SAMPLING_LOOP
  do {
    cubie_u64 left = x >> half, right = x & mask;
    for (cubie_u64 round = 0; round < 4; round++) {
      const cubie_u64 f = cubie_mix64(right ^ (key + round * 0x9E3779B97F4A7C15ull)) & mask;
      const cubie_u64 next = left ^ f;
      left = right;
      right = next;
    }
    x = (left << half) | right;
  } while (x >= n);
  return x;
}

#define CUBIE_LN2_HI 6.93147180369123816490e-01 /* ln 2, high part (fdlibm) */
#define CUBIE_LN2_LO 1.90821492927058770002e-10 /* ln 2 - CUBIE_LN2_HI */

/* Natural logarithm of a finite x > 0: x = m 2^e with m in [1/sqrt 2,
 * sqrt 2), log m = 2 atanh f with f = (m - 1) / (m + 1), |f| < 0.1716, by
 * its series to f^27 (the next term is below 2^-60 of the sum). */
CUBIE_SAMPLING_FN double cubie_sampling_log(double x) {
  int e = 0;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) {
    m = m + m;
    e -= 1;
  }
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;
  double p = 1.0 / 27.0;
  p = fma(p, s, 1.0 / 25.0);
  p = fma(p, s, 1.0 / 23.0);
  p = fma(p, s, 1.0 / 21.0);
  p = fma(p, s, 1.0 / 19.0);
  p = fma(p, s, 1.0 / 17.0);
  p = fma(p, s, 1.0 / 15.0);
  p = fma(p, s, 1.0 / 13.0);
  p = fma(p, s, 1.0 / 11.0);
  p = fma(p, s, 1.0 / 9.0);
  p = fma(p, s, 1.0 / 7.0);
  p = fma(p, s, 1.0 / 5.0);
  p = fma(p, s, 1.0 / 3.0);
  const double two_f = f + f;
  const double log_m = fma(two_f * s, p, two_f);
  const double k = (double)e;
  return fma(k, CUBIE_LN2_HI, fma(k, CUBIE_LN2_LO, log_m));
}

/* e^x: x = k ln 2 + r with |r| <= ln2 / 2 (Cody–Waite, the reduction
 * done with fma), e^r by its Taylor series to r^14, then scaled by 2^k. */
CUBIE_SAMPLING_FN double cubie_sampling_exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return x * 1e308; /* overflows to +inf */
  if (x < -745.2) return 0.0;
  const double k = floor(x / 0.69314718055994530942 + 0.5);
  double r = fma(-k, CUBIE_LN2_HI, x);
  r = fma(-k, CUBIE_LN2_LO, r);
  /* 1/14!, 1/13!, ..., 1/2!, 1, 1 */
  double p = 1.0 / 87178291200.0;
  p = fma(p, r, 1.0 / 6227020800.0);
  p = fma(p, r, 1.0 / 479001600.0);
  p = fma(p, r, 1.0 / 39916800.0);
  p = fma(p, r, 1.0 / 3628800.0);
  p = fma(p, r, 1.0 / 362880.0);
  p = fma(p, r, 1.0 / 40320.0);
  p = fma(p, r, 1.0 / 5040.0);
  p = fma(p, r, 1.0 / 720.0);
  p = fma(p, r, 1.0 / 120.0);
  p = fma(p, r, 1.0 / 24.0);
  p = fma(p, r, 1.0 / 6.0);
  p = fma(p, r, 0.5);
  p = fma(p, r, 1.0);
  p = fma(p, r, 1.0);
  return ldexp(p, (int)k);
}

/* A standard normal deviate for (seed, index, stream): Marsaglia's polar
 * method, one Philox block (two uniforms on (-1, 1)) per try. Only log and
 * sqrt, both reproducible; a try is rejected with probability 1 - pi/4, so
 * the bound of 64 tries is never met in practice (probability 1e-43), and
 * if it were the deviate would be 0, still deterministic. */
CUBIE_SAMPLING_FN double cubie_standard_normal(cubie_u64 seed, cubie_u64 index, cubie_u32 stream) {
  CUBIE_SAMPLING_LOOP
  for (cubie_u32 attempt = 0; attempt < 64; attempt++) {
    cubie_u32 ctr[4], out[4];
    ctr[0] = (cubie_u32)index;
    ctr[1] = (cubie_u32)(index >> 32);
    ctr[2] = stream;
    ctr[3] = attempt;
    cubie_philox4x32(ctr, seed, out);
    const cubie_u64 wa = ((cubie_u64)out[1] << 32) | out[0];
    const cubie_u64 wb = ((cubie_u64)out[3] << 32) | out[2];
    /* (2k + 1 - 2^52) / 2^52 for 52-bit k: the midpoints of 2^52 cells of
     * (-1, 1), every operation exact */
    const double a = (2.0 * (double)(wa >> 12) + 1.0 - 4503599627370496.0) / 4503599627370496.0;
    const double b = (2.0 * (double)(wb >> 12) + 1.0 - 4503599627370496.0) / 4503599627370496.0;
    const double s = fma(a, a, b * b);
    if (s >= 1.0 || s == 0.0) continue;
    return a * sqrt(-2.0 * cubie_sampling_log(s) / s);
  }
  return 0.0;
}

#endif
