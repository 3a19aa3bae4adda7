/* test_backend_missing — a build that lacks every backend's folder.
 *
 * This program is linked from the registry (src/backends/backend.c), the
 * error and file helpers it needs, and the weak stand-ins
 * (cubie_backend_stubs), but no backend source at all: that it links is
 * half the test. The registry must then list every backend of
 * backends.def as not built, refuse to select or create one, and say why.
 */
#include <string.h>

#include "backends/backend.h"
#include "check.h"

static const char *const listed[] = {
#define CUBIE_BACKEND(ID, name, ops, priority, description) #name,
#include "backends/backends.def"
#undef CUBIE_BACKEND
};
enum { N_LISTED = (int)(sizeof listed / sizeof *listed) };

int main(void) {
  CHECK_INT(cubie_backend_count(), N_LISTED);
  for (int i = 0; i < N_LISTED; i++) {
    const cubie_backend_entry *e = cubie_backend_entry_at(i);
    CHECK_STR(e->ops->name, listed[i]);
    CHECK(e->ops->available == NULL); /* the stand-in */
    char why[256], expect[256];
    CHECK(!cubie_backend_usable(e, why, sizeof why));
    snprintf(expect, sizeof expect, "this cubie was built without it (src/backends/%s/)", listed[i]);
    CHECK_STR(why, expect);
    CHECK_INT(cubie_backend_device_count(e->ops, why, sizeof why), 0);
    cubie_backend *b = NULL;
    cubie_backend_options opts = {.cache_dir = "/tmp"};
    CHECK_FAILS(cubie_backend_create(e->ops, &opts, &b), CUBIE_ERR_UNAVAILABLE);
    CHECK(b == NULL);
    snprintf(expect, sizeof expect, "the %s backend is not built into this cubie", listed[i]);
    CHECK_STR(cubie_error_message(), expect);

    const cubie_backend_ops *ops = NULL;
    CHECK_FAILS(cubie_backend_select(e->kind, &ops, why, sizeof why), CUBIE_ERR_INPUT);
    CHECK(ops == NULL);
    snprintf(expect, sizeof expect, "backend '%s' was requested but ", listed[i]);
    CHECK_CONTAINS(cubie_error_message(), expect);
    CHECK_CONTAINS(cubie_error_message(), "this cubie was built without it");
    CHECK_CONTAINS(cubie_error_message(), "(no other backend is usable here either)");
  }
  const cubie_backend_ops *ops = NULL;
  char why[256];
  CHECK_FAILS(cubie_backend_select(CUBIE_BACKEND_AUTO, &ops, why, sizeof why),
              CUBIE_ERR_UNAVAILABLE);
  CHECK_CONTAINS(cubie_error_message(), "no backend is usable here: ");
  for (int i = 0; i < N_LISTED; i++) {
    char src[64];
    snprintf(src, sizeof src, "(src/backends/%s/)", listed[i]);
    CHECK_CONTAINS(cubie_error_message(), src);
  }
  cubie_error_clear();
  CHECK_DONE();
}
