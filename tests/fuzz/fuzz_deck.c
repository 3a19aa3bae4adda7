/* fuzz_deck — the deck loader and the model language under a fuzzer
 * (issue 13, docs/security.md "Guarding it").
 *
 * One input is one deck's text. It goes the whole way `cubie check` takes
 * before anything is compiled — YAML, validation, the model's lexer,
 * parser, resolver and expression graph, the grid and the plan — and, when
 * that succeeds, the generated model code. The properties checked beyond
 * "no crash, no sanitizer finding, no leak":
 *   - a rejected deck says so with a message; a bad-input message names the
 *     deck ("fuzz.yaml:LINE:COL: ..." or "fuzz.yaml: ...");
 *   - an accepted deck generates its model code.
 * A violation aborts, which the fuzzer reports as a crash.
 *
 * Built two ways: with -DCUBIE_FUZZ=ON (clang) as a libFuzzer target, and
 * otherwise as a plain program that replays files and directories of decks
 * (the seed corpus and the regressions found so far) — the `fuzz_corpus`
 * test of every build, the sanitized one included.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/job.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Decks beyond this are not interesting, only slow. */
#define FUZZ_MAX_DECK_BYTES 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_DECK_BYTES) return 0;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  cubie_job_overrides ov = {.set = NULL, .n_set = 0, .output_file = NULL, .backend = -1,
                            .threads = -1};
  cubie_job *job = NULL;
  int rc = cubie_job_prepare_text("fuzz.yaml", text, &ov, &job);
  if (rc == CUBIE_OK) {
    cubie_strbuf src;
    if (cubie_strbuf_init(&src) == CUBIE_OK) {
      rc = cubie_model_generate(job->model, job->plan->outputs, job->plan->n_outputs, &src);
      if (rc != CUBIE_OK && rc != CUBIE_ERR_MEMORY) {
        fprintf(stderr, "fuzz_deck: an accepted deck generates no code: %s\n",
                cubie_error_message());
        abort();
      }
      cubie_strbuf_free(&src);
    }
  } else {
    const char *msg = cubie_error_message();
    if (!msg || !*msg) {
      fprintf(stderr, "fuzz_deck: rejected (%s) without a message\n", cubie_error_name(rc));
      abort();
    }
    if (rc == CUBIE_ERR_INPUT && strncmp(msg, "fuzz.yaml", 9) != 0) {
      fprintf(stderr, "fuzz_deck: a bad-input message that does not name the deck: %s\n", msg);
      abort();
    }
  }
  cubie_error_clear();
  cubie_job_destroy(&job);
  free(text);
  return 0;
}

#ifndef CUBIE_LIBFUZZER
/* Replay: every regular file named, or found directly in a directory named. */
static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  unsigned char *buf = malloc(FUZZ_MAX_DECK_BYTES + 1);
  size_t n = buf ? fread(buf, 1, FUZZ_MAX_DECK_BYTES + 1, f) : 0;
  fclose(f);
  if (!buf) return 1;
  LLVMFuzzerTestOneInput(buf, n);
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  int files = 0, failures = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      failures++;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      failures += replay_file(argv[i]);
      files++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    for (struct dirent *e; d && (e = readdir(d));) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (strstr(e->d_name, ".py") || strstr(e->d_name, ".txt") || strstr(e->d_name, ".sh")) continue;
      failures += replay_file(path);
      files++;
    }
    if (d) closedir(d);
  }
  printf("fuzz_deck: %d decks replayed, %d unreadable\n", files, failures);
  return failures || files == 0 ? 1 : 0;
}
#endif
