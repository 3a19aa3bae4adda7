/* file_util.c — checked file-system helpers. */
#include "util/file_util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

int cubie_file_read(const char *path, unsigned char **data, size_t *size) {
  *data = NULL;
  *size = 0;
  FILE *f = fopen(path, "rb");
  CUBIE_CHECK(f, CUBIE_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return CUBIE_RAISE(CUBIE_ERR_IO, "cannot read '%s': not a regular file", path);
  }
  unsigned char *buf = malloc((size_t)st.st_size + 1);
  if (!buf) {
    fclose(f);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory reading '%s'", path);
  }
  size_t got = fread(buf, 1, (size_t)st.st_size, f);
  int failed = ferror(f);
  fclose(f);
  if (failed || got != (size_t)st.st_size) {
    free(buf);
    return CUBIE_RAISE(CUBIE_ERR_IO, "cannot read '%s': short read", path);
  }
  buf[got] = '\0';
  *data = buf;
  *size = got;
  return CUBIE_OK;
}

int cubie_file_write(const char *path, const void *data, size_t size) {
  FILE *f = fopen(path, "wb");
  CUBIE_CHECK(f, CUBIE_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  size_t put = fwrite(data, 1, size, f);
  int failed = (put != size) | (fclose(f) != 0);
  CUBIE_CHECK(!failed, CUBIE_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  return CUBIE_OK;
}

int cubie_file_write_atomic(const char *path, const void *data, size_t size) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  CUBIE_CALL(cubie_file_write(tmp, data, size));
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return CUBIE_RAISE(CUBIE_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(e));
  }
  return CUBIE_OK;
}

int cubie_mkdir_p(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  CUBIE_CHECK(n > 0 && n < sizeof buf, CUBIE_ERR_IO, "bad directory path '%s'", path);
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return CUBIE_RAISE(CUBIE_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0755) != 0 && errno != EEXIST)
    return CUBIE_RAISE(CUBIE_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
  return CUBIE_OK;
}

void cubie_remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    char child[4400];
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      unlink(child);
    }
    closedir(d);
  }
  rmdir(path);
}
