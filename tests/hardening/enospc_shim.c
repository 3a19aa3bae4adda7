/* enospc_shim.c — a full disk for one file, for tests (LD_PRELOAD).
 *
 * Writes to the file $CUBIE_TEST_ENOSPC_PATH (an absolute path), or to a
 * file in the same directory whose name contains that file's name (cubie's
 * temporary ".NAME.<random>.cubie-tmp"), fail with ENOSPC once this process
 * has written $CUBIE_TEST_ENOSPC_AFTER bytes to them (0: the first write
 * fails). Everything else passes through.
 * A mounted tmpfs would need privileges and RLIMIT_FSIZE also starves MPI's
 * shared-memory segments; this stands in for "the file system filled up"
 * exactly where the test wants it. Never linked into cubie.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long written;

/* Bytes this write may still put into a watched file; -1: not watched. */
static long long budget(int fd) {
  const char *pattern = getenv("CUBIE_TEST_ENOSPC_PATH");
  if (!pattern || !*pattern) return -1;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return -1;
  path[n] = '\0';
  if (strcmp(path, pattern) != 0) {
    const char *slash = strrchr(pattern, '/'), *mine = strrchr(path, '/');
    if (!slash || !mine || mine - path != slash - pattern ||
        strncmp(path, pattern, (size_t)(slash - pattern)) != 0 || !strstr(mine + 1, slash + 1))
      return -1;
  }
  const char *after = getenv("CUBIE_TEST_ENOSPC_AFTER");
  long long limit = after ? atoll(after) : 0;
  return limit > written ? limit - written : 0;
}

/* 1 (and errno = ENOSPC) when `bytes` to fd would pass the limit. */
static int full(int fd, size_t bytes) {
  long long left = budget(fd);
  if (left < 0) return 0;
  if ((long long)bytes > left) {
    errno = ENOSPC;
    return 1;
  }
  written += (long long)bytes;
  return 0;
}

static size_t iov_bytes(const struct iovec *iov, int n) {
  size_t total = 0;
  for (int i = 0; i < n; i++) total += iov[i].iov_len;
  return total;
}

#define NEXT(name, type) ((type)dlsym(RTLD_NEXT, name))

ssize_t write(int fd, const void *buf, size_t n) {
  if (full(fd, n)) return -1;
  return NEXT("write", ssize_t (*)(int, const void *, size_t))(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  if (full(fd, n)) return -1;
  return NEXT("pwrite", ssize_t (*)(int, const void *, size_t, off_t))(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
  if (full(fd, n)) return -1;
  return NEXT("pwrite64", ssize_t (*)(int, const void *, size_t, off_t))(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n) {
  if (full(fd, iov_bytes(iov, n))) return -1;
  return NEXT("writev", ssize_t (*)(int, const struct iovec *, int))(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off) {
  if (full(fd, iov_bytes(iov, n))) return -1;
  return NEXT("pwritev", ssize_t (*)(int, const struct iovec *, int, off_t))(fd, iov, n, off);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int n, off_t off) {
  if (full(fd, iov_bytes(iov, n))) return -1;
  return NEXT("pwritev64", ssize_t (*)(int, const struct iovec *, int, off_t))(fd, iov, n, off);
}
