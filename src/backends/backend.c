/* backend.c — the registry of backends (backends.def), choosing one and
 * creating it (see backend.h). */
#include "backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "backends/kernel_cache.h"

static const cubie_backend_entry registry[] = {
#define CUBIE_BACKEND(ID, name, ops, priority, description) \
  {CUBIE_BACKEND_##ID, #name, &ops, priority, description},
#include "backends/backends.def"
#undef CUBIE_BACKEND
};
enum { N_BACKENDS = (int)(sizeof registry / sizeof *registry) };
_Static_assert(N_BACKENDS + 1 == CUBIE_BACKEND_KINDS, "one registry entry per backend kind");

int cubie_backend_count(void) { return N_BACKENDS; }

const cubie_backend_entry *cubie_backend_entry_at(int i) {
  return i >= 0 && i < N_BACKENDS ? &registry[i] : NULL;
}

const cubie_backend_entry *cubie_backend_entry_of_kind(cubie_backend_kind kind) {
  return cubie_backend_entry_at((int)kind - 1);
}

const cubie_backend_entry *cubie_backend_entry_of(const cubie_backend_ops *ops) {
  for (int i = 0; i < N_BACKENDS; i++)
    if (registry[i].ops == ops) return &registry[i];
  return NULL;
}

const cubie_backend_entry *cubie_backend_entry_with_priority(int priority) {
  for (int i = 0; i < N_BACKENDS; i++)
    if (registry[i].priority == priority) return &registry[i];
  return NULL;
}

void cubie_backend_kind_names(char *text, size_t size) {
  size_t used = 0;
  text[0] = '\0';
  for (int i = 0; i < N_BACKENDS && used < size; i++) {
    int n = snprintf(text + used, size - used, "%s%s", i ? ", " : "", registry[i].name);
    used += n > 0 ? (size_t)n : 0;
  }
  if (used < size) snprintf(text + used, size - used, " or auto");
}

int cubie_backend_kind_parse(const char *name, cubie_backend_kind *kind) {
  if (strcmp(name, "auto") == 0) {
    *kind = CUBIE_BACKEND_AUTO;
    return CUBIE_OK;
  }
  for (int i = 0; i < N_BACKENDS; i++)
    if (strcmp(name, registry[i].name) == 0) {
      *kind = registry[i].kind;
      return CUBIE_OK;
    }
  char names[256];
  cubie_backend_kind_names(names, sizeof names);
  return CUBIE_RAISE(CUBIE_ERR_INPUT, "unknown backend '%s' (%s)", name, names);
}

bool cubie_backend_usable(const cubie_backend_entry *e, char *why, size_t why_size) {
  why[0] = '\0';
  if (!e->ops->available) {
    snprintf(why, why_size, "this cubie was built without it (src/backends/%s/)", e->name);
    return false;
  }
  return e->ops->available(why, why_size);
}

int cubie_backend_device_count(const cubie_backend_ops *ops, char *why, size_t why_size) {
  why[0] = '\0';
  return ops->device_count ? ops->device_count(why, why_size) : 0;
}

int cubie_backend_list_devices(const cubie_backend_entry *e, cubie_strbuf *out) {
  return e->ops->list_devices ? e->ops->list_devices(out) : CUBIE_OK;
}

/* The registry from highest priority to lowest. */
static void by_priority(const cubie_backend_entry *order[N_BACKENDS]) {
  for (int i = 0; i < N_BACKENDS; i++) {
    int j = i;
    for (; j > 0 && order[j - 1]->priority < registry[i].priority; j--) order[j] = order[j - 1];
    order[j] = &registry[i];
  }
}

/* `auto`: the first usable backend in priority order; `why` names what
 * every backend passed over lacked. NULL (and the reasons) if none is. */
static const cubie_backend_entry *auto_choice(const cubie_backend_entry *skip, char *why,
                                              size_t why_size) {
  const cubie_backend_entry *order[N_BACKENDS];
  by_priority(order);
  size_t used = 0;
  why[0] = '\0';
  for (int i = 0; i < N_BACKENDS; i++) {
    const cubie_backend_entry *e = order[i];
    if (e == skip) continue;
    char reason[512];
    if (cubie_backend_usable(e, reason, sizeof reason)) return e;
    if (used < why_size) {
      int n = snprintf(why + used, why_size - used, "%s%s: %s", used ? "; " : "",
                       e->ops->auto_missing ? e->ops->auto_missing : e->name, reason);
      used += n > 0 ? (size_t)n : 0;
    }
  }
  return NULL;
}

int cubie_backend_select(cubie_backend_kind kind, const cubie_backend_ops **ops, char *why,
                         size_t why_size) {
  *ops = NULL;
  char reasons[1024];
  if (kind == CUBIE_BACKEND_AUTO) {
    const cubie_backend_entry *e = auto_choice(NULL, reasons, sizeof reasons);
    CUBIE_CHECK(e, CUBIE_ERR_UNAVAILABLE, "no backend is usable here: %s", reasons);
    *ops = e->ops;
    if (reasons[0])
      snprintf(why, why_size, "%s (auto: %s)", e->name, reasons);
    else
      snprintf(why, why_size, "%s (auto: %s)", e->name,
               e->ops->auto_taken ? e->ops->auto_taken : "the backend of highest priority");
    return CUBIE_OK;
  }
  const cubie_backend_entry *e = cubie_backend_entry_of_kind(kind);
  CUBIE_CHECK(e, CUBIE_ERR_INTERNAL, "unknown backend kind %d", (int)kind);
  char reason[512];
  if (!cubie_backend_usable(e, reason, sizeof reason)) {
    const cubie_backend_entry *other = auto_choice(e, reasons, sizeof reasons);
    char hint[128] = "no other backend is usable here either";
    if (other) snprintf(hint, sizeof hint, "use --backend %s or run.backend: auto", other->name);
    if (e->ops->auto_missing)
      return CUBIE_RAISE(CUBIE_ERR_INPUT, "backend '%s' was requested but %s is usable: %s (%s)",
                         e->name, e->ops->auto_missing, reason, hint);
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "backend '%s' was requested but is not usable: %s (%s)",
                       e->name, reason, hint);
  }
  *ops = e->ops;
  snprintf(why, why_size, "%s (requested)", e->name);
  return CUBIE_OK;
}

int cubie_backend_select_common(int least, int most, const cubie_backend_ops **ops, char *why,
                                size_t why_size) {
  const cubie_backend_entry *common = cubie_backend_entry_with_priority(least);
  const cubie_backend_entry *best = cubie_backend_entry_with_priority(most);
  CUBIE_CHECK(common && best, CUBIE_ERR_INTERNAL, "no backend has priority %d or %d", least, most);
  char reason[512];
  CUBIE_CHECK(cubie_backend_usable(common, reason, sizeof reason), CUBIE_ERR_UNAVAILABLE,
              "the ranks chose different backends (%s, %s), and %s is not usable on every rank: %s",
              common->name, best->name, common->name, reason);
  *ops = common->ops;
  snprintf(why, why_size, "%s (auto: not every rank can use %s)", common->name, best->name);
  return CUBIE_OK;
}

int cubie_backend_create(const cubie_backend_ops *ops, const cubie_backend_options *opts,
                         cubie_backend **out) {
  *out = NULL;
  CUBIE_CHECK(ops->create, CUBIE_ERR_UNAVAILABLE, "the %s backend is not built into this cubie",
              ops->name);
  cubie_backend *b = calloc(1, sizeof *b);
  CUBIE_CHECK(b, CUBIE_ERR_MEMORY, "out of memory creating a backend");
  b->ops = ops;
  int rc = ops->create(opts, &b->impl);
  if (rc) {
    free(b);
    return rc;
  }
  ops->describe(b->impl, b->description, sizeof b->description);
  if (ops->notice) ops->notice(b->impl, b->notice, sizeof b->notice);
  *out = b;
  return CUBIE_OK;
}

int cubie_backend_open(const cubie_backend_ops *ops, const cubie_run_config *run, int device,
                       int (*interrupted)(void), cubie_backend **out) {
  *out = NULL;
  char cache_dir[4096];
  CUBIE_CALL(cubie_kernel_cache_resolve(run->cache_dir, cache_dir, sizeof cache_dir));
  cubie_backend_options opts = {.cache_dir = cache_dir,
                                .threads = run->threads,
                                .device = device,
                                .block_size = run->block_size,
                                .compile_timeout = run->compile_timeout,
                                .interrupted = interrupted};
  return cubie_backend_create(ops, &opts, out);
}

void cubie_backend_destroy(cubie_backend **b) {
  if (!b || !*b) return;
  (*b)->ops->destroy((*b)->impl);
  free(*b);
  *b = NULL;
}

void cubie_binary_free(cubie_binary *bin) {
  free(bin->data);
  bin->data = NULL;
  bin->size = 0;
}
