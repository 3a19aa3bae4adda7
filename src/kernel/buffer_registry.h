/* buffer_registry.h — where each piece of the kernel keeps its per-run
 * scratch (design.md §4.3).
 *
 * Owners (the loop, the step algorithm, later its Newton and linear
 * solvers, summaries) register named buffers with a size in elements (0 is
 * legal) and a location: shared (a slice of the block's shared memory),
 * local (a private array the compiler may keep in registers) or
 * persistent_local (one private array holding every such buffer). Owners
 * form a tree: a parent reserves one region per location for its children,
 * sized by their aggregate, and each child's buffers sit inside it.
 *
 * Layouts are computed lazily and cached until a registration or a location
 * changes (a version counter). The registry emits the layout as #define
 * lines for kernels/buffers.h, so a buffer's location is a compile-time
 * constant: it costs nothing in the kernel and never changes results. It
 * knows nothing about which buffers the kernels declare (kernel_buffers.c
 * registers the rows of kernels/buffers.def) and never allocates device
 * memory.
 */
#ifndef CUBIE_BUFFER_REGISTRY_H
#define CUBIE_BUFFER_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/config.h"
#include "util/strbuf.h"

/* Default placement (cubie_buffer_registry_place_default): a buffer larger
 * than CUBIE_BUFFER_SHARED_MIN_ELEMENTS goes to shared memory while the
 * shared bytes per run × CUBIE_BUFFER_SHARED_BLOCK still fit in
 * CUBIE_BUFFER_SHARED_BUDGET bytes. Smaller arrays, indexed with constants
 * after unrolling, stay local where the compiler can keep them in
 * registers; larger ones would spill to (off-chip) local memory. 48 KiB is
 * what every NVIDIA GPU gives a block without opting in, and 64 threads
 * (two warps) is the smallest block that still hides latency. */
#define CUBIE_BUFFER_SHARED_MIN_ELEMENTS 32
#define CUBIE_BUFFER_SHARED_BLOCK 64
#define CUBIE_BUFFER_SHARED_BUDGET (48 * 1024)

#define CUBIE_BUFFER_NAME_MAX 64

typedef struct cubie_buffer_registry cubie_buffer_registry;

/* Where a buffer sits in its run's scratch. offset counts elements from the
 * start of the run's shared (or persistent) slice; 0 for local buffers. */
typedef struct cubie_buffer_slot {
  cubie_buffer_location location;
  long long offset;
  long long size;
} cubie_buffer_slot;

int cubie_buffer_registry_create(cubie_buffer_registry **out);
void cubie_buffer_registry_destroy(cubie_buffer_registry **reg);

/* Add an owner; `parent` NULL makes it a root (its offsets start at 0). */
int cubie_buffer_registry_add_owner(cubie_buffer_registry *reg, const char *owner,
                                    const char *parent);
bool cubie_buffer_registry_has_owner(const cubie_buffer_registry *reg, const char *owner);
/* Let "alias.name" mean "owner.name" wherever a name is looked up (the deck
 * says `step.stages` for whichever step family's owner is present). */
int cubie_buffer_registry_alias_owner(cubie_buffer_registry *reg, const char *alias,
                                      const char *owner);
/* Register buffer `name` of `owner` (re-registering replaces it). Names are
 * lower-case identifiers; the kernel sees OWNER_NAME in upper case. */
int cubie_buffer_registry_register(cubie_buffer_registry *reg, const char *owner, const char *name,
                                   long long size, cubie_buffer_location location);
bool cubie_buffer_registry_has_buffer(const cubie_buffer_registry *reg, const char *full_name);
/* Move "owner.name"; unknown names are CUBIE_ERR_INPUT with a suggestion. */
int cubie_buffer_registry_set_location(cubie_buffer_registry *reg, const char *full_name,
                                       cubie_buffer_location location);
/* Apply the deck's `buffers:` entries; an unknown name is reported at its
 * deck position ("deck.yaml:40:3: unknown buffer 'loop.stat' (did you mean
 * 'loop.state'?)"). */
int cubie_buffer_registry_apply_config(cubie_buffer_registry *reg, const cubie_config *cfg);
/* The default heuristic (above) for every buffer nobody chose a location
 * for; `real_size` is the bytes of one element. */
int cubie_buffer_registry_place_default(cubie_buffer_registry *reg, size_t real_size);

/* Where "owner.name" sits in the current layout (computed if stale). */
int cubie_buffer_registry_slot(cubie_buffer_registry *reg, const char *full_name,
                               cubie_buffer_slot *slot);
/* Elements per run of `location` over all owners (CUBIE_SHARED_PER_RUN,
 * CUBIE_PERSISTENT_PER_RUN). */
int cubie_buffer_registry_total(cubie_buffer_registry *reg, cubie_buffer_location location,
                                long long *elements);
/* Registered buffers in registration order, as "owner.name". */
int cubie_buffer_registry_count(const cubie_buffer_registry *reg);
const char *cubie_buffer_registry_name(const cubie_buffer_registry *reg, int i);

/* The #define lines of kernels/buffers.h for this layout: every registered
 * buffer's location and offset, and the elements per run of shared and
 * persistent local memory (CUBIE_SHARED_PER_RUN, ..._PERSISTENT_...). */
int cubie_buffer_registry_emit(cubie_buffer_registry *reg, cubie_strbuf *out);
/* A table for `cubie check`; `real_size` converts elements to bytes. */
int cubie_buffer_registry_describe(cubie_buffer_registry *reg, size_t real_size,
                                   cubie_strbuf *out);

const char *cubie_buffer_location_name(cubie_buffer_location location);

#endif
