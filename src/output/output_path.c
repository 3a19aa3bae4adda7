/* output_path.c — the output file's place on disk: checks, the temporary
 * name it is created under, the rename into place, the sidecar lock (see
 * output_path.h). */
#define _GNU_SOURCE /* F_OFD_SETLK: a lock owned by the open file, not the process */
#include "output/output_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/strbuf.h"

/* The directory part of `path` ("." when it has none), malloc'd. */
static char *directory_of(const char *path) {
  const char *slash = strrchr(path, '/');
  size_t len = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
  char *dir = malloc(len + 1);
  if (!dir) return NULL;
  memcpy(dir, slash ? path : ".", len);
  dir[len] = '\0';
  return dir;
}

int cubie_output_path_check(const char *path, bool overwrite) {
  struct stat st;
  if (stat(path, &st) == 0) {
    CUBIE_CHECK(!S_ISDIR(st.st_mode), CUBIE_ERR_INPUT, "output file '%s' is a directory", path);
    /* Replacing means renaming over it: never over a device or a pipe. */
    CUBIE_CHECK(S_ISREG(st.st_mode), CUBIE_ERR_INPUT,
                "output file '%s' exists and is not a regular file (a device, pipe or socket); "
                "cubie writes only regular files",
                path);
    CUBIE_CHECK(overwrite, CUBIE_ERR_INPUT,
                "output file '%s' already exists (use --force to overwrite it)", path);
  } else if (errno != ENOENT) {
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': %s", path,
                       strerror(errno));
  }
  char *dir = directory_of(path);
  CUBIE_CHECK(dir, CUBIE_ERR_MEMORY, "out of memory checking output path '%s'", path);
  int rc = CUBIE_OK;
  if (stat(dir, &st) != 0)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': directory '%s': %s", path,
                     dir, strerror(errno));
  else if (!S_ISDIR(st.st_mode))
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create output file '%s': '%s' is not a directory",
                     path, dir);
  else if (access(dir, W_OK | X_OK) != 0)
    rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                     "cannot create output file '%s': directory '%s' is not writable: %s", path,
                     dir, strerror(errno));
  free(dir);
  return rc;
}

int cubie_output_temp_create(const char *path, char **temp) {
  *temp = NULL;
  char *dir = directory_of(path);
  CUBIE_CHECK(dir, CUBIE_ERR_MEMORY, "out of memory naming a temporary file for '%s'", path);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t size = strlen(dir) + strlen(base) + 64;
  char *name = malloc(size);
  if (!name) {
    free(dir);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory naming a temporary file for '%s'", path);
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  unsigned long long seed = ((unsigned long long)now.tv_nsec << 20) ^ (unsigned long long)now.tv_sec ^
                            ((unsigned long long)getpid() << 40);
  int fd = -1, err = 0;
  /* O_EXCL: a name someone else made (or planted) is never reused. */
  for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    snprintf(name, size, "%s/.%s.%012llx.cubie-tmp", dir, base, (seed >> 16) & 0xffffffffffffull);
    fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    err = errno;
    if (fd < 0 && err != EEXIST) break;
  }
  free(dir);
  if (fd < 0) {
    int rc = CUBIE_RAISE(CUBIE_ERR_IO, "cannot create output file '%s' (as '%s'): %s", path, name,
                         strerror(err));
    free(name);
    return rc;
  }
  close(fd);
  *temp = name;
  return CUBIE_OK;
}

int cubie_output_temp_commit(const char *temp, const char *path, bool overwrite) {
  if (!overwrite) {
    /* link() fails if `path` appeared since the checks: never clobbered. */
    if (link(temp, path) == 0) {
      unlink(temp);
      return CUBIE_OK;
    }
    CUBIE_CHECK(errno != EEXIST, CUBIE_ERR_INPUT,
                "output file '%s' appeared while cubie was creating it (use --force to overwrite "
                "it)",
                path);
    /* No hard links on this file system: rename, having looked once more. */
    struct stat st;
    CUBIE_CHECK(lstat(path, &st) != 0, CUBIE_ERR_INPUT,
                "output file '%s' appeared while cubie was creating it (use --force to overwrite "
                "it)",
                path);
  } else {
    struct stat st;
    CUBIE_CHECK(stat(path, &st) != 0 || S_ISREG(st.st_mode), CUBIE_ERR_INPUT,
                "output file '%s' is no longer a regular file; not replacing it", path);
  }
  CUBIE_CHECK(rename(temp, path) == 0, CUBIE_ERR_IO, "cannot move '%s' to '%s': %s", temp, path,
              strerror(errno));
  return CUBIE_OK;
}

int cubie_output_space_check(const char *path, unsigned long long bytes) {
  char *dir = directory_of(path);
  CUBIE_CHECK(dir, CUBIE_ERR_MEMORY, "out of memory checking the space for '%s'", path);
  struct statvfs fs;
  int known = statvfs(dir, &fs) == 0;
  unsigned long long avail = 0;
  if (known && __builtin_mul_overflow((unsigned long long)fs.f_bavail,
                                      (unsigned long long)fs.f_frsize, &avail))
    avail = ULLONG_MAX;
  int rc = CUBIE_OK;
  if (known && bytes > avail) {
    char need[32], have[32];
    cubie_format_bytes((double)bytes, need, sizeof need);
    cubie_format_bytes((double)avail, have, sizeof have);
    rc = CUBIE_RAISE(CUBIE_ERR_IO,
                     "output file '%s' needs %s (uncompressed) but the file system of '%s' has %s "
                     "free: it cannot be written; free space, write elsewhere (-o), sweep fewer "
                     "runs or set output.compression",
                     path, need, dir, have);
  }
  free(dir);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The sidecar lock                                                         */
/* ------------------------------------------------------------------------ */

struct cubie_output_lock {
  int fd;     /* -1: the file system has no locks; nothing is held */
  char *path; /* "<output>.lock" */
};

#ifdef F_OFD_SETLK
#define LOCK_COMMAND F_OFD_SETLK
#else
#define LOCK_COMMAND F_SETLK
#endif

static int try_lock(int fd) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  return fcntl(fd, LOCK_COMMAND, &fl);
}

/* "host h, pid p" as the holder wrote it, or a shrug. */
static void holder_of(int fd, char *text, size_t size) {
  snprintf(text, size, "another process");
  char buf[256];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return;
  buf[n] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  if (buf[0]) snprintf(text, size, "%s", buf);
}

int cubie_output_lock_acquire(const char *path, cubie_output_lock **out) {
  *out = NULL;
  cubie_output_lock *lock = calloc(1, sizeof *lock);
  CUBIE_CHECK(lock, CUBIE_ERR_MEMORY, "out of memory locking '%s'", path);
  lock->fd = -1;
  size_t size = strlen(path) + 6;
  lock->path = malloc(size);
  if (!lock->path) {
    free(lock);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory locking '%s'", path);
  }
  snprintf(lock->path, size, "%s.lock", path);
  int rc = CUBIE_OK;
  /* A job that finishes removes its sidecar while it still holds the lock;
   * whoever opened that file before the removal locks a file nobody will
   * see again, notices (the path names another inode) and tries anew. */
  for (int attempt = 0; attempt < 16 && !rc; attempt++) {
    int fd = open(lock->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot create the lock file '%s' of output file '%s': %s",
                       lock->path, path, strerror(errno));
      break;
    }
    struct stat mine, named;
    if (fstat(fd, &mine) != 0 || !S_ISREG(mine.st_mode)) {
      close(fd);
      rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "the lock file '%s' of output file '%s' is not a regular file",
                       lock->path, path);
      break;
    }
    if (try_lock(fd) != 0) {
      int e = errno;
      if (e == EACCES || e == EAGAIN) {
        char holder[256];
        holder_of(fd, holder, sizeof holder);
        close(fd);
        rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                         "output file '%s' is being written by another cubie job (%s; lock file "
                         "'%s'); wait for it to finish, or write another file with -o",
                         path, holder, lock->path);
        break;
      }
      close(fd);
      if (e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS || e == EINVAL) break; /* no locks here */
      rc = CUBIE_RAISE(CUBIE_ERR_IO, "cannot lock '%s': %s", lock->path, strerror(e));
      break;
    }
    if (stat(lock->path, &named) != 0 || named.st_ino != mine.st_ino ||
        named.st_dev != mine.st_dev) {
      close(fd);
      continue;
    }
    char host[128] = "?", text[256];
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    int n = snprintf(text, sizeof text, "host %s, pid %ld\n", host, (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n) {
      /* The lock holds without the note; only the message would be vaguer. */
    }
    lock->fd = fd;
    break;
  }
  if (rc) {
    free(lock->path);
    free(lock);
    return rc;
  }
  *out = lock;
  return CUBIE_OK;
}

void cubie_output_lock_release(cubie_output_lock **plock) {
  if (!plock || !*plock) return;
  cubie_output_lock *lock = *plock;
  *plock = NULL;
  if (lock->fd >= 0) {
    unlink(lock->path); /* while still holding it: see acquire */
    close(lock->fd);
  }
  free(lock->path);
  free(lock);
}
