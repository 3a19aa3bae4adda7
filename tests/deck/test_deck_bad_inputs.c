/* test_deck_bad_inputs — every tests/bad_inputs/ *.yaml whose header holds
 * `# layer: config` fails to load with CUBIE_ERR_INPUT, the message starts
 * "<path>:LINE:COL: " as `# at:` says and contains the `# expect:` text.
 * Files without that line belong to later layers and are skipped. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "deck/config.h"

typedef struct deck_header {
  char expect[512];
  char at[64];
  int is_config;
} deck_header;

static void strip(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
}

/* The leading comment lines. */
static int read_header(const char *path, deck_header *h) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  memset(h, 0, sizeof *h);
  while (fgets(line, sizeof line, f) && line[0] == '#') {
    strip(line);
    /* (header fields longer than their buffers are cut, and then fail the test) */
    if (strncmp(line, "# expect: ", 10) == 0 && snprintf(h->expect, sizeof h->expect, "%s", line + 10) < 0)
      return -1;
    if (strncmp(line, "# at: ", 6) == 0 && snprintf(h->at, sizeof h->at, "%s", line + 6) < 0) return -1;
    if (strcmp(line, "# layer: config") == 0) h->is_config = 1;
  }
  fclose(f);
  return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : CUBIE_SOURCE_DIR "/tests/bad_inputs";
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d) CHECK_DONE();
  char *names[1024];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 1024) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, by_name);
  int tested = 0;
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    deck_header h;
    CHECK_INT(read_header(path, &h), 0);
    if (!h.is_config) continue;
    tested++;
    if (!h.expect[0] || !h.at[0]) {
      fprintf(stderr, "%s: header lacks '# expect:' or '# at:'\n", names[i]);
      check_failures++;
      continue;
    }
    cubie_config *cfg = NULL;
    int rc = cubie_config_load(path, NULL, 0, &cfg);
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s:%s: ", path, h.at);
    const char *msg = cubie_error_message();
    if (rc != CUBIE_ERR_INPUT || cfg || strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg, h.expect)) {
      fprintf(stderr, "%s: rc %d\n  got:      %s\n  expected: %s...%s...\n", names[i], rc, msg, prefix, h.expect);
      check_failures++;
    }
    cubie_config_destroy(&cfg);
  }
  for (int i = 0; i < n; i++) free(names[i]);
  /* the corpus holds at least the 18 deck-level cases the brief asks for */
  CHECK(tested >= 18);
  printf("%d deck-level bad inputs checked\n", tested);
  CHECK_DONE();
}
