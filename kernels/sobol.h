/* sobol.h — Sobol' points for the `sobol` sweep design (grid_decode.h),
 * written once for the host and the kernels (the common subset of C99 and
 * CUDA C++).
 *
 * Point i of dimension d is built directly from i — the XOR of the
 * direction numbers v_j for the set bits j of i, no Gray code and no
 * previous point — so any run decodes alone (its point index is all it
 * needs) and a design of 10^9 points costs no memory. The order is the
 * natural (binary) one: the first 2^m points are the same set as in Gray
 * code order (Antonov–Saleev), so every prefix of length 2^m keeps the
 * (t, m, s)-net property.
 *
 * Direction numbers: S. Joe and F. Y. Kuo, "Constructing Sobol sequences
 * with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008)
 * 2635–2654, file new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/),
 * dimensions 2..CUBIE_SOBOL_MAX_DIM typed from its rows (d, s, a, m_1..m_s);
 * dimension 1 is the van der Corput sequence (every m_j = 1). Further m_j
 * follow Bratley and Fox's recurrence, computed as far as the point index
 * needs. 64-bit direction numbers: indices up to 2^62 decode.
 *
 * Scramble (keyed by the deck's seed and the dimension): a random linear
 * matrix scramble and a digital shift (Matoušek 1998; what scipy's
 * scrambled Sobol' does): y = L x XOR e over GF(2), L lower triangular with
 * a unit diagonal (output bit k depends on input bits 1..k, most
 * significant first), so every elementary interval keeps its one point:
 * the scrambled points are still a (t, m, s)-net, now randomised. The
 * columns of L and e come from the counter-based generator (sampling.h).
 *
 * Nothing here allocates or reads anything but its arguments and the table.
 */
#ifndef CUBIE_SOBOL_H
#define CUBIE_SOBOL_H

#include "sampling.h"

#if CUBIE_ON_DEVICE
#define CUBIE_SOBOL_TABLE static __constant__ const
#else
#define CUBIE_SOBOL_TABLE static const
#endif
#define CUBIE_SOBOL_FN CUBIE_SAMPLING_FN

/* Dimensions with direction numbers (sobol axes a deck may have). */
#define CUBIE_SOBOL_MAX_DIM 32

/* Rows of new-joe-kuo-6.21201 for d = 2..32: s (degree), a (the primitive
 * polynomial's inner coefficients as bits), m_1..m_s. */
CUBIE_SOBOL_TABLE unsigned short cubie_sobol_rows[CUBIE_SOBOL_MAX_DIM - 1][9] = {
    {1, 0, 1},                      /* d = 2 */
    {2, 1, 1, 3},                   /* 3 */
    {3, 1, 1, 3, 1},                /* 4 */
    {3, 2, 1, 1, 1},                /* 5 */
    {4, 1, 1, 1, 3, 3},             /* 6 */
    {4, 4, 1, 3, 5, 13},            /* 7 */
    {5, 2, 1, 1, 5, 5, 17},         /* 8 */
    {5, 4, 1, 1, 5, 5, 5},          /* 9 */
    {5, 7, 1, 1, 7, 11, 19},        /* 10 */
    {5, 11, 1, 1, 5, 1, 1},         /* 11 */
    {5, 13, 1, 1, 1, 3, 11},        /* 12 */
    {5, 14, 1, 3, 5, 5, 31},        /* 13 */
    {6, 1, 1, 3, 3, 9, 7, 49},      /* 14 */
    {6, 13, 1, 1, 1, 15, 21, 21},   /* 15 */
    {6, 16, 1, 3, 1, 13, 27, 49},   /* 16 */
    {6, 19, 1, 1, 1, 15, 7, 5},     /* 17 */
    {6, 22, 1, 3, 1, 15, 13, 25},   /* 18 */
    {6, 25, 1, 1, 5, 5, 19, 61},    /* 19 */
    {7, 1, 1, 3, 7, 11, 23, 15, 103}, /* 20 */
    {7, 4, 1, 3, 7, 13, 13, 15, 69},  /* 21 */
    {7, 7, 1, 1, 3, 13, 7, 35, 63},   /* 22 */
    {7, 8, 1, 3, 5, 9, 1, 25, 53},    /* 23 */
    {7, 14, 1, 3, 1, 13, 9, 35, 107}, /* 24 */
    {7, 19, 1, 3, 1, 5, 27, 61, 31},  /* 25 */
    {7, 21, 1, 1, 5, 11, 19, 41, 61}, /* 26 */
    {7, 28, 1, 3, 5, 3, 3, 13, 69},   /* 27 */
    {7, 31, 1, 1, 7, 13, 1, 19, 1},   /* 28 */
    {7, 32, 1, 3, 7, 5, 13, 19, 59},  /* 29 */
    {7, 37, 1, 1, 3, 9, 25, 29, 41},  /* 30 */
    {7, 41, 1, 3, 5, 13, 23, 1, 55},  /* 31 */
    {7, 42, 1, 3, 7, 3, 13, 59, 17},  /* 32 */
};

/* The unscrambled point i of dimension `dim` (0-based: 0 is Joe–Kuo's
 * dimension 1) as 64 bits of a binary fraction (most significant first). */
CUBIE_SOBOL_FN cubie_u64 cubie_sobol_bits(cubie_u64 i, int dim) {
  int s = 1, a = 0;
  cubie_u64 m[8]; /* the last s values m_{j-s}..m_{j-1}, oldest first */
  for (int k = 0; k < 8; k++) m[k] = 1;
  if (dim > 0) {
    s = cubie_sobol_rows[dim - 1][0];
    a = cubie_sobol_rows[dim - 1][1];
    for (int k = 0; k < s; k++) m[k] = cubie_sobol_rows[dim - 1][2 + k];
  }
  cubie_u64 x = 0;
  CUBIE_SAMPLING_LOOP
  for (int j = 1; j <= 64 && i; j++, i >>= 1) {
    cubie_u64 mj;
    if (dim == 0) {
      mj = 1; /* van der Corput */
    } else if (j <= s) {
      mj = m[j - 1];
    } else {
      /* m_j = 2 a_1 m_{j-1} ^ 4 a_2 m_{j-2} ^ ... ^ 2^s m_{j-s} ^ m_{j-s} */
      mj = m[0] ^ (m[0] << s);
      for (int k = 1; k < s; k++)
        if ((a >> (s - 1 - k)) & 1) mj ^= m[s - k] << k;
      for (int k = 0; k + 1 < s; k++) m[k] = m[k + 1];
      m[s - 1] = mj;
    }
    if (i & 1) x ^= mj << (64 - j);
  }
  return x;
}

/* Point i of dimension `dim` scrambled with `seed`: y = L x ^ e. Only the
 * 53 bits a double keeps are formed (columns of L below them cannot reach
 * them: L is lower triangular). */
CUBIE_SOBOL_FN cubie_u64 cubie_sobol_scramble(cubie_u64 x, int dim, cubie_u64 seed) {
  const cubie_u32 stream = CUBIE_STREAM(CUBIE_STREAM_SOBOL_SCRAMBLE, dim);
  cubie_u64 y = cubie_random_bits(seed, 64, stream, 0, 0); /* the digital shift e */
  CUBIE_SAMPLING_LOOP
  for (int j = 0; j < 53; j++) {
    if (!((x >> (63 - j)) & 1)) continue;
    const cubie_u64 diagonal = (cubie_u64)1 << (63 - j);
    const cubie_u64 below = cubie_random_bits(seed, (cubie_u64)j, stream, 0, 0) & (diagonal - 1);
    y ^= diagonal | below;
  }
  return y;
}

/* Point i of dimension `dim` in [0, 1) (a multiple of 2^-53). */
CUBIE_SOBOL_FN double cubie_sobol_point(cubie_u64 i, int dim, int scramble, cubie_u64 seed) {
  cubie_u64 x = cubie_sobol_bits(i, dim);
  if (scramble) x = cubie_sobol_scramble(x, dim, seed);
  return cubie_bits53(x) / CUBIE_TWO_53;
}

#endif
