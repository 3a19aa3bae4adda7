/* backend_weak.c — a weak stand-in for every backend of backends.def.
 *
 * As libCEED's weak backend registrations: a build that lacks a backend's
 * folder still links, and the registry reports that backend "not built"
 * (its table has no functions; backend.c checks `available`). A build that
 * has the folder overrides the stand-in with the real table. This file is
 * its own library, linked after cubie's (CMakeLists.txt), so the linker
 * takes the real table from cubie's archive whenever one was compiled and
 * only falls back to the stand-in when none was. It must never hold
 * anything but these tables.
 */
#include "backends/backend.h"

#define CUBIE_BACKEND(ID, label, table, priority, description) \
  __attribute__((weak)) const cubie_backend_ops table = {.name = #label};
#include "backends/backends.def"
#undef CUBIE_BACKEND
