/* test_kernel_cache — what the JIT cache trusts (issue 13 §1,
 * src/backends/kernel_cache.h): a new cache directory is 0700; a directory
 * writable by group or world, or owned by someone else, is refused with the
 * reason; an entry is handed back only when its bytes match the digest
 * stored beside it — a corrupt, truncated, digest-less, symlinked or
 * group-writable entry reads as absent and is removed; entries are written
 * without temporary files left behind; and with no $HOME, $XDG_CACHE_HOME
 * or $CUBIE_CACHE_DIR the cache is never the shared /tmp/cubie-cache.
 * Every one of these held the old code (cache_dir_resolve + access + read)
 * to a different answer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kernel_cache.h"
#include "check.h"
#include "util/error.h"

static char root[4096];

static void path_in(char *out, size_t size, const char *dir, const char *name) {
  snprintf(out, size, "%s/%s", dir, name);
}

static void write_raw(const char *path, const char *text, size_t n) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fwrite(text, 1, n, f);
  fclose(f);
}

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

/* No ".*.tmp" left in `dir`. */
static int temporaries_in(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp")) n++;
  closedir(d);
  return n;
}

static void test_new_directory_is_private(void) {
  char dir[4200], got[4096];
  snprintf(dir, sizeof dir, "%s/new/nested/cache", root);
  CHECK_OK(cubie_kernel_cache_resolve(dir, got, sizeof got));
  CHECK_STR(got, dir);
  struct stat st;
  CHECK(stat(dir, &st) == 0);
  CHECK_INT(st.st_mode & 0777, 0700);
  char parent[4200];
  snprintf(parent, sizeof parent, "%s/new/nested", root);
  CHECK(stat(parent, &st) == 0);
  CHECK_INT(st.st_mode & 0777, 0700);
}

static void test_shared_directories_refused(void) {
  char dir[4200], got[4096];
  snprintf(dir, sizeof dir, "%s/world", root);
  CHECK(mkdir(dir, 0700) == 0);
  CHECK(chmod(dir, 0777) == 0);
  CHECK_INT(cubie_kernel_cache_resolve(dir, got, sizeof got), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), dir);
  CHECK_CONTAINS(cubie_error_message(), "writable by everyone");
  CHECK_CONTAINS(cubie_error_message(), "docs/security.md");
  cubie_error_clear();
  /* The sticky bit of /tmp does not make a world-writable directory private. */
  CHECK(chmod(dir, 01777) == 0);
  CHECK_INT(cubie_kernel_cache_resolve(dir, got, sizeof got), CUBIE_ERR_INPUT);
  cubie_error_clear();
  snprintf(dir, sizeof dir, "%s/group", root);
  CHECK(mkdir(dir, 0700) == 0);
  CHECK(chmod(dir, 0770) == 0);
  CHECK_INT(cubie_kernel_cache_resolve(dir, got, sizeof got), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "writable by its group");
  cubie_error_clear();
  /* A file is no cache. */
  snprintf(dir, sizeof dir, "%s/plain-file", root);
  write_raw(dir, "x", 1);
  CHECK(cubie_kernel_cache_resolve(dir, got, sizeof got) != CUBIE_OK);
  cubie_error_clear();
  /* Another user's directory (only root can make one here). */
  if (geteuid() == 0) {
    snprintf(dir, sizeof dir, "%s/foreign", root);
    CHECK(mkdir(dir, 0700) == 0);
    CHECK(chown(dir, 65534, 65534) == 0);
    CHECK_INT(cubie_kernel_cache_resolve(dir, got, sizeof got), CUBIE_ERR_INPUT);
    CHECK_CONTAINS(cubie_error_message(), "belongs to another user");
    cubie_error_clear();
  } else {
    printf("note: not root, the foreign-owner case is covered by kernel_cache.sh only\n");
  }
}

static void test_entries_verified(void) {
  char dir[4200], got[4096], p[4400], q[4400];
  snprintf(dir, sizeof dir, "%s/entries", root);
  CHECK_OK(cubie_kernel_cache_resolve(dir, got, sizeof got));
  cubie_kernel_cache cache;
  CHECK_OK(cubie_kernel_cache_open(dir, &cache));
  const char body[] = "\177ELF pretend this is a kernel";
  unsigned char *data = NULL;
  size_t size = 0;
  const char *why = NULL;

  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK_STR(why, "absent");

  CHECK_OK(cubie_kernel_cache_put(&cache, "k.so", body, sizeof body));
  CHECK_INT(temporaries_in(dir), 0);
  path_in(p, sizeof p, dir, "k.so");
  path_in(q, sizeof q, dir, "k.so.sha256");
  struct stat st;
  CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK(stat(q, &st) == 0 && st.st_size == 65);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data != NULL && size == sizeof body && memcmp(data, body, size) == 0);
  free(data);
  data = NULL;

  /* Planted: other bytes under the same name (the digest is the old one). */
  write_raw(p, "\177ELF planted constructor", 24);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK_CONTAINS(why, "corrupt");
  CHECK(!exists(p) && !exists(q)); /* removed, to be rebuilt */

  /* Truncated (a crash mid-copy, a full disk): the old code gave SIGBUS. */
  CHECK_OK(cubie_kernel_cache_put(&cache, "k.so", body, sizeof body));
  CHECK(truncate(p, 5) == 0);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK(!exists(p));

  /* An object without a digest is not trusted. */
  write_raw(p, body, sizeof body);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK_STR(why, "without its digest");

  /* A planted object with a matching planted digest but group-writable. */
  CHECK_OK(cubie_kernel_cache_put(&cache, "k.so", body, sizeof body));
  CHECK(chmod(p, 0660) == 0);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK_CONTAINS(why, "not a private regular file");

  /* A symlink to somebody's file is never followed. */
  write_raw(q, "x", 1);
  char target[4400];
  path_in(target, sizeof target, root, "elsewhere.so");
  write_raw(target, body, sizeof body);
  CHECK(symlink(target, p) == 0);
  CHECK_OK(cubie_kernel_cache_get(&cache, "k.so", &data, &size, &why));
  CHECK(data == NULL);
  CHECK(exists(target)); /* the link goes, its target stays */
  cubie_kernel_cache_close(&cache);
}

static void test_no_shared_tmp_fallback(void) {
  unsetenv("CUBIE_CACHE_DIR");
  unsetenv("XDG_CACHE_HOME");
  unsetenv("HOME");
  char got[4096] = "";
  int rc = cubie_kernel_cache_resolve(NULL, got, sizeof got);
  /* Either the user's home from the user database or a clear refusal —
   * never the directory every user of the machine shares. */
  CHECK(strncmp(got, "/tmp/", 5) != 0);
  if (rc) CHECK_CONTAINS(cubie_error_message(), "CUBIE_CACHE_DIR");
  cubie_error_clear();
}

int main(void) {
  snprintf(root, sizeof root, "%s/test-work/kernel_cache-XXXXXX", CUBIE_BINARY_DIR);
  char parent[4200];
  snprintf(parent, sizeof parent, "%s/test-work", CUBIE_BINARY_DIR);
  mkdir(parent, 0755);
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    return 1;
  }
  test_new_directory_is_private();
  test_shared_directories_refused();
  test_entries_verified();
  test_no_shared_tmp_fallback();
  if (!check_failures) {
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "note: could not remove %s\n", root);
  }
  return check_failures ? 1 : 0;
}
