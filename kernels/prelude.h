/* prelude.h — what makes one kernel text compile with both the host C
 * compiler (CPU backend) and NVRTC (CUDA backend).
 *
 * Kernel code uses only: CUBIE_DEVICE for functions (CUBIE_INLINE for the
 * small ones on the per-step path — the step contract's hooks, metric
 * updates, save bookkeeping — which must be inlined on the host as on the
 * device, whatever the compiler's size heuristics say, so that splitting
 * the step into a contract costs nothing), cubie_real for the
 * working precision (time is always double), the cubie_* math names below,
 * CUBIE_RESTRICT, CUBIE_UNROLL. No VLAs, no compound literals, explicit casts
 * from void *, no host headers outside the !CUBIE_JIT_PASS guard.
 *
 * The host prepends `#define CUBIE_PRECISION_FLOAT32 1` or
 * `#define CUBIE_PRECISION_FLOAT64 1`, and defines CUBIE_JIT_PASS when the
 * text goes to NVRTC.
 */
#ifndef CUBIE_PRELUDE_H
#define CUBIE_PRELUDE_H

#include "types.h"

#if CUBIE_ON_DEVICE
#define CUBIE_DEVICE static __device__ __forceinline__
#define CUBIE_INLINE static __device__ __forceinline__
#define CUBIE_DEVICE_NOINLINE static __device__ __noinline__
#define CUBIE_RESTRICT __restrict__
#define CUBIE_UNROLL _Pragma("unroll")
#define CUBIE_EXTERN_C extern "C"
#else
#include <math.h>
#include <stddef.h>
#define CUBIE_DEVICE static inline
#define CUBIE_INLINE static inline __attribute__((always_inline))
#define CUBIE_DEVICE_NOINLINE static
#define CUBIE_RESTRICT restrict
/* Stage loops must unroll on the host too, so zero Butcher coefficients
 * vanish (measured: DOP853 2x faster per RHS evaluation than with -O2 alone). */
#define CUBIE_UNROLL _Pragma("GCC unroll 32")
#define CUBIE_EXTERN_C
#endif

#define CUBIE_NZ(n) ((n) > 0 ? (n) : 1) /* array extent for a possibly empty array */

#if defined(CUBIE_PRECISION_FLOAT32)
typedef float cubie_real;
#define CUBIE_REAL_EPSILON 1.1920928955078125e-07
#define cubie_sin sinf
#define cubie_cos cosf
#define cubie_tan tanf
#define cubie_asin asinf
#define cubie_acos acosf
#define cubie_atan atanf
#define cubie_atan2 atan2f
#define cubie_sinh sinhf
#define cubie_cosh coshf
#define cubie_tanh tanhf
#define cubie_exp expf
#define cubie_log logf
#define cubie_log10 log10f
#define cubie_sqrt sqrtf
#define cubie_cbrt cbrtf
#define cubie_pow powf
#define cubie_fabs fabsf
#define cubie_fmin fminf
#define cubie_fmax fmaxf
#define cubie_floor floorf
#define cubie_ceil ceilf
#elif defined(CUBIE_PRECISION_FLOAT64)
typedef double cubie_real;
#define CUBIE_REAL_EPSILON 2.220446049250313e-16
#define cubie_sin sin
#define cubie_cos cos
#define cubie_tan tan
#define cubie_asin asin
#define cubie_acos acos
#define cubie_atan atan
#define cubie_atan2 atan2
#define cubie_sinh sinh
#define cubie_cosh cosh
#define cubie_tanh tanh
#define cubie_exp exp
#define cubie_log log
#define cubie_log10 log10
#define cubie_sqrt sqrt
#define cubie_cbrt cbrt
#define cubie_pow pow
#define cubie_fabs fabs
#define cubie_fmin fmin
#define cubie_fmax fmax
#define cubie_floor floor
#define cubie_ceil ceil
#else
#error "define CUBIE_PRECISION_FLOAT32 or CUBIE_PRECISION_FLOAT64 before prelude.h"
#endif

CUBIE_DEVICE cubie_real cubie_sign(cubie_real x) {
  return (cubie_real)((x > (cubie_real)0) - (x < (cubie_real)0));
}

CUBIE_DEVICE int cubie_isfinite(double x) { return isfinite(x); }

/* 1 when x is finite, in the working precision (no conversion to double):
 * x - x is 0 for a finite x and NaN for an infinite or NaN one. Exact: the
 * same answer as isfinite, and neither compiler may fold it (no fast-math). */
CUBIE_DEVICE int cubie_real_isfinite(cubie_real x) { return (x - x) == (cubie_real)0; }

/* max / min for operands known not to be NaN: a compare and a select. The
 * C library's fmax/fmin must treat NaN specially, so without fast-math the
 * host compiler calls them; the kernels use these in the step loop, where
 * NaN has been ruled out (or makes the result NaN either way). */
CUBIE_DEVICE cubie_real cubie_max(cubie_real a, cubie_real b) { return a > b ? a : b; }
CUBIE_DEVICE cubie_real cubie_min(cubie_real a, cubie_real b) { return a < b ? a : b; }

/* A quiet NaN in the working precision (what a failed run's saves hold). */
CUBIE_DEVICE cubie_real cubie_nan(void) {
#if CUBIE_ON_DEVICE
  return (cubie_real)__int_as_float(0x7fc00000);
#else
  return (cubie_real)NAN;
#endif
}

#endif
