/* test_backend_registry — the one list of backends (src/backends/backends.def)
 * and everything derived from it: the registry's entries, kinds and
 * priorities, the names --backend and run.backend take, the `auto` rule,
 * the invariants the runner relies on (a backend with devices names their
 * list variable; one without shares the host's memory), and docs/deck.md
 * naming exactly the listed backends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "check.h"

static const char *const listed[] = {
#define CUBIE_BACKEND(ID, name, ops, priority, description) #name,
#include "backends/backends.def"
#undef CUBIE_BACKEND
};
enum { N_LISTED = (int)(sizeof listed / sizeof *listed) };

static void test_entries(void) {
  CHECK_INT(cubie_backend_count(), N_LISTED);
  CHECK_INT(CUBIE_BACKEND_KINDS, N_LISTED + 1);
  CHECK(cubie_backend_entry_at(-1) == NULL);
  CHECK(cubie_backend_entry_at(N_LISTED) == NULL);
  CHECK(cubie_backend_entry_of_kind(CUBIE_BACKEND_AUTO) == NULL);
  for (int i = 0; i < N_LISTED; i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    CHECK(e != NULL);
    if (!e) continue;
    CHECK_STR(e->name, listed[i]);
    CHECK_INT(e->kind, i + 1);
    CHECK(cubie_backend_entry_of_kind(e->kind) == e);
    CHECK(cubie_backend_entry_of(e->ops) == e);
    CHECK(cubie_backend_entry_with_priority(e->priority) == e);
    CHECK(e->description && strlen(e->description) > 10);
    /* This build compiles every backend: the real tables, not stand-ins. */
    CHECK(e->ops->available != NULL);
    CHECK(e->ops->create != NULL);
    CHECK_STR(e->ops->name, e->name);
    for (int j = 0; j < i; j++) CHECK(cubie_backend_entry_at(j)->priority != e->priority);
    /* A backend either has devices, listed by an environment variable, and
     * memory of its own, or runs on the host and shares the host's memory. */
    bool devices = e->ops->device_count != NULL;
    CHECK(devices == (e->ops->visible_devices_variable != NULL));
    CHECK(devices == !e->ops->host_is_device);
    if (!devices) {
      char why[64] = "x";
      CHECK_INT(cubie_backend_device_count(e->ops, why, sizeof why), 0);
      cubie_strbuf text;
      CHECK_OK(cubie_strbuf_init(&text));
      CHECK_OK(cubie_backend_list_devices(e, &text));
      CHECK_INT(text.length, 0);
      cubie_strbuf_free(&text);
    }
  }
  CHECK(cubie_backend_entry_of(NULL) == NULL);
}

static void test_names(void) {
  char expect[256] = "", names[256];
  for (int i = 0; i < N_LISTED; i++)
    snprintf(expect + strlen(expect), sizeof expect - strlen(expect), "%s%s", i ? ", " : "",
             listed[i]);
  snprintf(expect + strlen(expect), sizeof expect - strlen(expect), " or auto");
  cubie_backend_kind_names(names, sizeof names);
  CHECK_STR(names, expect);

  cubie_backend_kind kind = CUBIE_BACKEND_KINDS;
  CHECK_OK(cubie_backend_kind_parse("auto", &kind));
  CHECK_INT(kind, CUBIE_BACKEND_AUTO);
  for (int i = 0; i < N_LISTED; i++) {
    CHECK_OK(cubie_backend_kind_parse(listed[i], &kind));
    CHECK_INT(kind, i + 1);
  }
  CHECK_FAILS(cubie_backend_kind_parse("gpu", &kind), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "unknown backend 'gpu' (");
  CHECK_CONTAINS(cubie_error_message(), expect);
  CHECK_FAILS(cubie_backend_kind_parse("CPU", &kind), CUBIE_ERR_INPUT); /* names are exact */
  cubie_error_clear();
}

/* `auto` takes the usable backend of highest priority; a request takes
 * exactly what was asked for. */
static void test_select(void) {
  const cubie_backend_entry *best = NULL;
  for (int i = 0; i < N_LISTED; i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    char why[512];
    if (cubie_backend_usable(e, why, sizeof why) && (!best || e->priority > best->priority))
      best = e;
  }
  CHECK(best != NULL); /* the cpu backend is always usable */
  if (!best) return;
  const cubie_backend_ops *ops = NULL;
  char why[1024] = "", prefix[64];
  CHECK_OK(cubie_backend_select(CUBIE_BACKEND_AUTO, &ops, why, sizeof why));
  CHECK(ops == best->ops);
  snprintf(prefix, sizeof prefix, "%s (auto: ", best->name);
  CHECK(strncmp(why, prefix, strlen(prefix)) == 0);
  /* Every backend of higher priority is named with what it lacked. */
  for (int i = 0; i < N_LISTED; i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    if (e->priority <= best->priority) continue;
    char reason[512];
    CHECK(!cubie_backend_usable(e, reason, sizeof reason));
    CHECK_CONTAINS(why, reason);
  }

  const cubie_backend_entry *cpu = NULL;
  for (int i = 0; i < N_LISTED; i++)
    if (strcmp(listed[i], "cpu") == 0) cpu = cubie_backend_entry_at(i);
  CHECK(cpu != NULL);
  if (!cpu) return;
  CHECK_OK(cubie_backend_select(cpu->kind, &ops, why, sizeof why));
  CHECK(ops == cpu->ops);
  CHECK_STR(why, "cpu (requested)");

  /* Ranks that chose differently all take the lowest choice. */
  const cubie_backend_entry *top = cpu;
  for (int i = 0; i < N_LISTED; i++)
    if (cubie_backend_entry_at(i)->priority > top->priority) top = cubie_backend_entry_at(i);
  if (top != cpu) {
    CHECK_OK(cubie_backend_select_common(cpu->priority, top->priority, &ops, why, sizeof why));
    CHECK(ops == cpu->ops);
    char expect[128];
    snprintf(expect, sizeof expect, "cpu (auto: not every rank can use %s)", top->name);
    CHECK_STR(why, expect);
  }
  CHECK_FAILS(cubie_backend_select_common(-12345, cpu->priority, &ops, why, sizeof why),
              CUBIE_ERR_INTERNAL);
  cubie_error_clear();
}

/* docs/deck.md's run.backend row names `auto` and exactly the listed
 * backends, in the list's order. */
static void test_docs(void) {
  const char *path = CUBIE_SOURCE_DIR "/docs/deck.md";
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  if (!f) return;
  char line[1024], row[1024] = "";
  int rows = 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "| `backend` |", 13) == 0) {
      snprintf(row, sizeof row, "%s", line);
      rows++;
    }
  fclose(f);
  CHECK_INT(rows, 1);
  /* The last cell: the accepted values, each in backticks. */
  char *end = strrchr(row, '|');
  if (end) *end = '\0';
  char *cell = strrchr(row, '|');
  CHECK(cell != NULL);
  if (!cell) return;
  const char *documented[16];
  char names[16][32];
  int n = 0;
  for (char *p = strchr(cell, '`'); p && n < 16;) {
    char *close = strchr(p + 1, '`');
    if (!close) break;
    snprintf(names[n], sizeof names[n], "%.*s", (int)(close - p - 1), p + 1);
    documented[n] = names[n];
    n++;
    p = strchr(close + 1, '`');
  }
  CHECK_INT(n, N_LISTED + 1);
  if (n != N_LISTED + 1) {
    fprintf(stderr, "docs/deck.md's backend row lists: %s\n", cell);
    return;
  }
  CHECK_STR(documented[0], "auto");
  for (int i = 0; i < N_LISTED; i++) CHECK_STR(documented[i + 1], listed[i]);
}

int main(void) {
  /* No driver: the same answers on machines with and without a GPU. */
  setenv("CUBIE_CUDA_LIBRARY", "/nonexistent/libcuda.so.1", 1);
  test_entries();
  test_names();
  test_select();
  test_docs();
  CHECK_DONE();
}
