/* sha256.h — content hashes for the compile cache.
 *
 * The cache key of a compiled kernel is the SHA-256 of everything that
 * determines the binary (source text, compiler, flags, target, cubie
 * version), so a stale or colliding entry can never be loaded. FIPS 180-4;
 * no allocation, no I/O.
 */
#ifndef CUBIE_SHA256_H
#define CUBIE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct cubie_sha256 {
  uint32_t state[8];
  uint64_t length;      /* bytes hashed so far */
  unsigned char block[64];
  size_t fill;          /* bytes waiting in block */
} cubie_sha256;

void cubie_sha256_init(cubie_sha256 *h);
void cubie_sha256_update(cubie_sha256 *h, const void *data, size_t n);
/* Finish and write the digest as 64 lowercase hex characters plus NUL. */
void cubie_sha256_hex(cubie_sha256 *h, char hex[65]);

#endif
