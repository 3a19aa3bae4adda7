/* kernel_cache.c — a private directory of verified kernels (see
 * kernel_cache.h). */
#include "backends/kernel_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/sha256.h"

/* The checks every cache directory passes before anything in it is used. */
static int check_directory(const char *dir, const struct stat *st) {
  CUBIE_CHECK(S_ISDIR(st->st_mode), CUBIE_ERR_INPUT, "the kernel cache '%s' is not a directory",
              dir);
  CUBIE_CHECK(st->st_uid == geteuid(), CUBIE_ERR_INPUT,
              "the kernel cache '%s' belongs to another user (uid %ld): cubie runs the kernels "
              "in it, so it must be your own; set CUBIE_CACHE_DIR or run.cache_dir to a "
              "directory of yours (docs/security.md)",
              dir, (long)st->st_uid);
  CUBIE_CHECK((st->st_mode & (S_IWGRP | S_IWOTH)) == 0, CUBIE_ERR_INPUT,
              "the kernel cache '%s' is writable by %s (mode %03o): anyone who can write it "
              "could plant a kernel cubie would run; chmod 700 it, or use another directory "
              "(docs/security.md)",
              dir, (st->st_mode & S_IWOTH) ? "everyone" : "its group",
              (unsigned)(st->st_mode & 0777));
  return CUBIE_OK;
}

/* mkdir -p with 0700 for every directory it makes. */
static int make_private_dirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  CUBIE_CHECK(n > 0 && n < sizeof buf, CUBIE_ERR_INPUT, "bad kernel cache path '%s'", path);
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
      return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create the kernel cache '%s': '%s': %s", path,
                         buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0700) != 0 && errno != EEXIST)
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create the kernel cache '%s': %s", path,
                       strerror(errno));
  return CUBIE_OK;
}

int cubie_kernel_cache_resolve(const char *configured, char *dir, size_t size) {
  const char *env = getenv("CUBIE_CACHE_DIR");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (!home || !*home) {
    /* Never a shared /tmp path: the user's own home from the database. */
    const struct passwd *pw = getpwuid(geteuid());
    home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
  }
  if (configured && *configured)
    snprintf(dir, size, "%s", configured);
  else if (env && *env)
    snprintf(dir, size, "%s", env);
  else if (xdg && *xdg)
    snprintf(dir, size, "%s/cubie", xdg);
  else if (home)
    snprintf(dir, size, "%s/.cache/cubie", home);
  else
    return CUBIE_RAISE(CUBIE_ERR_INPUT,
                       "no place for the kernel cache: set CUBIE_CACHE_DIR (or run.cache_dir) "
                       "to a directory of yours");
  CUBIE_CALL(make_private_dirs(dir));
  cubie_kernel_cache cache;
  CUBIE_CALL(cubie_kernel_cache_open(dir, &cache));
  cubie_kernel_cache_close(&cache);
  return CUBIE_OK;
}

int cubie_kernel_cache_open(const char *dir, cubie_kernel_cache *cache) {
  cache->fd = -1;
  snprintf(cache->path, sizeof cache->path, "%s", dir);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CUBIE_CHECK(fd >= 0, CUBIE_ERR_INPUT, "cannot open the kernel cache '%s': %s", dir,
              strerror(errno));
  struct stat st;
  int rc = fstat(fd, &st) == 0 ? check_directory(dir, &st)
                               : CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot examine the kernel cache "
                                                              "'%s': %s",
                                             dir, strerror(errno));
  if (rc) {
    close(fd);
    return rc;
  }
  cache->fd = fd;
  return CUBIE_OK;
}

void cubie_kernel_cache_close(cubie_kernel_cache *cache) {
  if (cache->fd >= 0) close(cache->fd);
  cache->fd = -1;
}

/* The whole of an entry this user owns and nobody else may write; NULL
 * (and *why) when it is absent or untrustworthy. */
static unsigned char *read_entry(const cubie_kernel_cache *c, const char *name, size_t *size,
                                 const char **why) {
  *size = 0;
  int fd = openat(c->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    *why = errno == ENOENT ? "absent" : "unreadable";
    return NULL;
  }
  struct stat st;
  unsigned char *data = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & (S_IWGRP | S_IWOTH))) {
    *why = "not a private regular file of this user";
  } else if (!(data = malloc((size_t)st.st_size + 1))) {
    *why = "too large to read";
  } else {
    size_t got = 0;
    while (got < (size_t)st.st_size) {
      ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += (size_t)n;
    }
    if (got != (size_t)st.st_size) {
      free(data);
      data = NULL;
      *why = "shorter than its size";
    } else {
      data[got] = '\0';
      *size = got;
    }
  }
  close(fd);
  return data;
}

int cubie_kernel_cache_get(const cubie_kernel_cache *cache, const char *name, unsigned char **data,
                           size_t *size, const char **why) {
  *data = NULL;
  *size = 0;
  const char *reason = "absent";
  char digest_name[512];
  snprintf(digest_name, sizeof digest_name, "%s.sha256", name);
  size_t n = 0, digest_size = 0;
  unsigned char *bytes = read_entry(cache, name, &n, &reason);
  unsigned char *digest = bytes ? read_entry(cache, digest_name, &digest_size, &reason) : NULL;
  if (bytes && !digest && strcmp(reason, "absent") == 0) reason = "without its digest";
  if (bytes && digest) {
    char actual[65];
    cubie_sha256 h;
    cubie_sha256_init(&h);
    cubie_sha256_update(&h, bytes, n);
    cubie_sha256_hex(&h, actual);
    if (digest_size >= 64 && memcmp(digest, actual, 64) == 0) {
      free(digest);
      *data = bytes;
      *size = n;
      if (why) *why = NULL;
      return CUBIE_OK;
    }
    reason = "corrupt (its bytes do not match the digest recorded when it was built)";
  }
  /* Whatever is there cannot be used: make room for a good entry. */
  if (strcmp(reason, "absent") != 0) {
    unlinkat(cache->fd, name, 0);
    unlinkat(cache->fd, digest_name, 0);
  }
  free(bytes);
  free(digest);
  if (why) *why = reason;
  return CUBIE_OK;
}

/* Write `name` under a temporary name of its own, then rename it. */
static int write_atomic(const cubie_kernel_cache *c, const char *name, const void *data,
                        size_t size) {
  char temp[600];
  int fd = -1;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned long long seed = ((unsigned long long)ts.tv_nsec << 16) ^ (unsigned long long)getpid();
  for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    snprintf(temp, sizeof temp, ".%s.%08llx.tmp", name, (seed >> 24) & 0xffffffffull);
    fd = openat(c->fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  CUBIE_CHECK(fd >= 0, CUBIE_ERR_IO, "cannot write '%s' into the kernel cache '%s': %s", name,
              c->path, strerror(errno));
  const unsigned char *p = data;
  size_t left = size;
  int failed = 0;
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed = errno ? errno : EIO;
      break;
    }
    p += n;
    left -= (size_t)n;
  }
  if (!failed && fsync(fd) != 0) failed = errno;
  if (close(fd) != 0 && !failed) failed = errno;
  if (!failed && renameat(c->fd, temp, c->fd, name) != 0) failed = errno;
  if (failed) {
    unlinkat(c->fd, temp, 0);
    return CUBIE_RAISE(CUBIE_ERR_IO, "cannot write '%s' into the kernel cache '%s': %s", name,
                       c->path, strerror(failed));
  }
  return CUBIE_OK;
}

int cubie_kernel_cache_put(const cubie_kernel_cache *cache, const char *name, const void *data,
                           size_t size) {
  char digest_name[512], digest[66];
  snprintf(digest_name, sizeof digest_name, "%s.sha256", name);
  cubie_sha256 h;
  cubie_sha256_init(&h);
  cubie_sha256_update(&h, data, size);
  cubie_sha256_hex(&h, digest);
  digest[64] = '\n';
  digest[65] = '\0';
  /* The object first: an object without (or with an old) digest is
   * rebuilt, never trusted. */
  CUBIE_CALL(write_atomic(cache, name, data, size));
  return write_atomic(cache, digest_name, digest, 65);
}

int cubie_kernel_cache_keep(const cubie_kernel_cache *cache, const char *name, const void *data,
                            size_t size) {
  return write_atomic(cache, name, data, size);
}

int cubie_kernel_cache_build_dir(const cubie_kernel_cache *cache, char *dir, size_t size) {
  snprintf(dir, size, "%s/build-XXXXXX", cache->path);
  CUBIE_CHECK(mkdtemp(dir), CUBIE_ERR_IO, "cannot create a build directory in '%s': %s",
              cache->path, strerror(errno));
  return CUBIE_OK;
}
