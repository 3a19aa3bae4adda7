/* kernel_cache.h — the JIT cache: compiled kernels kept between jobs, and
 * exactly what cubie trusts about them (docs/security.md).
 *
 * A cached kernel is code cubie will run, so the cache is trusted only as
 * far as it is private:
 *   - the directory is created 0700 and must be owned by this user and
 *     writable by no one else (group/world-writable, or another owner, is
 *     refused with the reason; there is no fallback to a shared /tmp path);
 *   - every entry is opened relative to that directory (never through a
 *     path someone could swap), must be a regular file of this user, and
 *     its bytes must match the SHA-256 recorded beside it when it was
 *     stored ("<name>.sha256"); anything else — truncated, corrupt,
 *     foreign — is treated as absent, removed and rebuilt;
 *   - entries are written to a temporary name and renamed into place, so a
 *     reader never sees half an entry;
 *   - the bytes handed back are the verified ones: backends load kernels
 *     from memory (a CPU kernel through a memfd, a cubin with
 *     cuModuleLoadData), never by a path, and ranks other than 0 load the
 *     bytes rank 0 broadcast, never a file.
 * This module knows nothing about compilers or what the bytes mean.
 */
#ifndef CUBIE_KERNEL_CACHE_H
#define CUBIE_KERNEL_CACHE_H

#include <stddef.h>

/* Where the cache is: the deck's run.cache_dir, $CUBIE_CACHE_DIR,
 * $XDG_CACHE_HOME/cubie, or ~/.cache/cubie (the home directory from the
 * user database when $HOME is unset). Created 0700 if missing, then
 * checked as above: CUBIE_ERR_INPUT naming the directory and the problem. */
int cubie_kernel_cache_resolve(const char *configured, char *dir, size_t size);

/* An open, checked cache directory. */
typedef struct cubie_kernel_cache {
  int fd; /* the directory, checked once; entries are opened relative to it */
  char path[4096];
} cubie_kernel_cache;

/* Open and check `dir` (as resolve does, without creating it). */
int cubie_kernel_cache_open(const char *dir, cubie_kernel_cache *cache);
void cubie_kernel_cache_close(cubie_kernel_cache *cache);

/* The verified bytes of entry `name`, or *data = NULL when there is no
 * trustworthy entry (absent; or unreadable, foreign, truncated, corrupt:
 * then removed, *why says which). */
int cubie_kernel_cache_get(const cubie_kernel_cache *cache, const char *name, unsigned char **data,
                           size_t *size, const char **why);
/* Store entry `name` and its digest, each atomically. */
int cubie_kernel_cache_put(const cubie_kernel_cache *cache, const char *name, const void *data,
                           size_t size);
/* Keep a file for people to read (generated source, compiler report):
 * written atomically, never read back by cubie. */
int cubie_kernel_cache_keep(const cubie_kernel_cache *cache, const char *name, const void *data,
                            size_t size);
/* A private (0700) build directory inside the cache; *dir receives its path. */
int cubie_kernel_cache_build_dir(const cubie_kernel_cache *cache, char *dir, size_t size);

#endif
