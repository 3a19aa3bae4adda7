/* types.h — fixed-size integer types and the device/host switch, shared by
 * kernel code and host code (the host includes this, never prelude.h, so it
 * is not tied to one working precision).
 */
#ifndef CUBIE_TYPES_H
#define CUBIE_TYPES_H

#if defined(CUBIE_JIT_PASS) || defined(__CUDACC_RTC__) || defined(__CUDACC__)
#define CUBIE_ON_DEVICE 1
typedef long long cubie_i64;
typedef unsigned int cubie_u32;
typedef unsigned long long cubie_u64;
#else
#define CUBIE_ON_DEVICE 0
#include <stdint.h>
typedef int64_t cubie_i64;
typedef uint32_t cubie_u32;
/* As on the device: one printf format, one pointer type (CUDA's 64-bit
 * atomicAdd takes it too). */
typedef unsigned long long cubie_u64;
#endif

#endif
