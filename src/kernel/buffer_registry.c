/* buffer_registry.c — named per-run scratch buffers and their layout (see
 * buffer_registry.h). */
#include "kernel/buffer_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "util/suggest.h"

#define N_LOCATIONS 3

/* How a buffer's location was decided (for `cubie check`). */
typedef enum cubie_buffer_origin {
  CUBIE_BUFFER_REGISTERED = 0, /* the owner's default */
  CUBIE_BUFFER_HEURISTIC,      /* moved by place_default */
  CUBIE_BUFFER_CHOSEN          /* set_location / the deck's buffers: section */
} cubie_buffer_origin;


typedef struct owner_entry {
  char name[CUBIE_BUFFER_NAME_MAX];
  char alias[CUBIE_BUFFER_NAME_MAX]; /* another name for it in lookups; "" if none */
  int parent;                        /* -1: a root */
} owner_entry;

typedef struct buffer_entry {
  int owner;
  char name[CUBIE_BUFFER_NAME_MAX];
  char full[2 * CUBIE_BUFFER_NAME_MAX];  /* "owner.name" */
  char macro[2 * CUBIE_BUFFER_NAME_MAX]; /* "OWNER_NAME" */
  long long size;
  cubie_buffer_location location;
  cubie_buffer_origin origin;
  long long offset; /* computed by the layout */
} buffer_entry;

struct cubie_buffer_registry {
  owner_entry *owners;
  int n_owners;
  size_t owner_capacity;
  buffer_entry *buffers;
  int n_buffers;
  size_t buffer_capacity;
  unsigned long version;        /* bumped by every change */
  unsigned long layout_version; /* the version the cached layout belongs to */
  bool layout_valid;
  long long total[N_LOCATIONS];
};

const char *cubie_buffer_location_name(cubie_buffer_location location) {
  switch (location) {
    case CUBIE_LOCATION_LOCAL: return "local";
    case CUBIE_LOCATION_SHARED: return "shared";
    case CUBIE_LOCATION_PERSISTENT_LOCAL: return "persistent_local";
  }
  return "unknown";
}

static const char *location_macro(cubie_buffer_location location) {
  switch (location) {
    case CUBIE_LOCATION_SHARED: return "CUBIE_LOC_SHARED";
    case CUBIE_LOCATION_PERSISTENT_LOCAL: return "CUBIE_LOC_PERSISTENT";
    default: return "CUBIE_LOC_LOCAL";
  }
}

int cubie_buffer_registry_create(cubie_buffer_registry **out) {
  *out = calloc(1, sizeof **out);
  CUBIE_CHECK(*out, CUBIE_ERR_MEMORY, "out of memory creating the buffer registry");
  return CUBIE_OK;
}

void cubie_buffer_registry_destroy(cubie_buffer_registry **reg) {
  if (!reg || !*reg) return;
  free((*reg)->owners);
  free((*reg)->buffers);
  free(*reg);
  *reg = NULL;
}

/* Lower-case identifiers only: they become parts of C macro names. */
static bool valid_name(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n >= CUBIE_BUFFER_NAME_MAX / 2 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

static int find_owner(const cubie_buffer_registry *reg, const char *owner) {
  for (int i = 0; i < reg->n_owners; i++)
    if (strcmp(reg->owners[i].name, owner) == 0) return i;
  return -1;
}

static int find_buffer(const cubie_buffer_registry *reg, const char *full) {
  for (int i = 0; i < reg->n_buffers; i++)
    if (strcmp(reg->buffers[i].full, full) == 0) return i;
  /* "alias.name" is "owner.name". */
  const char *dot = strchr(full, '.');
  for (int i = 0; dot && i < reg->n_buffers; i++) {
    const owner_entry *o = &reg->owners[reg->buffers[i].owner];
    if (o->alias[0] && strlen(o->alias) == (size_t)(dot - full) &&
        strncmp(o->alias, full, (size_t)(dot - full)) == 0 &&
        strcmp(reg->buffers[i].name, dot + 1) == 0)
      return i;
  }
  return -1;
}

bool cubie_buffer_registry_has_buffer(const cubie_buffer_registry *reg, const char *full_name) {
  return find_buffer(reg, full_name) >= 0;
}

static void changed(cubie_buffer_registry *reg) { reg->version++; }

int cubie_buffer_registry_add_owner(cubie_buffer_registry *reg, const char *owner,
                                    const char *parent) {
  CUBIE_CHECK(valid_name(owner), CUBIE_ERR_INTERNAL, "invalid buffer owner name '%s'", owner);
  CUBIE_CHECK(find_owner(reg, owner) < 0, CUBIE_ERR_INTERNAL, "buffer owner '%s' added twice",
              owner);
  int p = -1;
  if (parent) {
    p = find_owner(reg, parent);
    CUBIE_CHECK(p >= 0, CUBIE_ERR_INTERNAL, "buffer owner '%s': unknown parent '%s'", owner,
                parent);
  }
  CUBIE_CALL(CUBIE_GROW(reg->owners, reg->n_owners + 1, reg->owner_capacity, "buffer owners"));
  owner_entry *o = &reg->owners[reg->n_owners++];
  memset(o, 0, sizeof *o);
  snprintf(o->name, sizeof o->name, "%s", owner);
  o->parent = p;
  changed(reg);
  return CUBIE_OK;
}

bool cubie_buffer_registry_has_owner(const cubie_buffer_registry *reg, const char *owner) {
  return find_owner(reg, owner) >= 0;
}

int cubie_buffer_registry_alias_owner(cubie_buffer_registry *reg, const char *alias,
                                      const char *owner) {
  int o = find_owner(reg, owner);
  CUBIE_CHECK(o >= 0, CUBIE_ERR_INTERNAL, "alias '%s' for unknown buffer owner '%s'", alias, owner);
  CUBIE_CHECK(valid_name(alias) && find_owner(reg, alias) < 0, CUBIE_ERR_INTERNAL,
              "buffer owner alias '%s' is not a free owner name", alias);
  for (int i = 0; i < reg->n_owners; i++)
    CUBIE_CHECK(strcmp(reg->owners[i].alias, alias) != 0, CUBIE_ERR_INTERNAL,
                "buffer owner alias '%s' given twice", alias);
  snprintf(reg->owners[o].alias, sizeof reg->owners[o].alias, "%s", alias);
  return CUBIE_OK;
}

static void upper_copy(char *dst, const char *src) {
  for (; *src; src++, dst++) *dst = (*src >= 'a' && *src <= 'z') ? (char)(*src - 32) : *src;
  *dst = '\0';
}

int cubie_buffer_registry_register(cubie_buffer_registry *reg, const char *owner, const char *name,
                                   long long size, cubie_buffer_location location) {
  int o = find_owner(reg, owner);
  CUBIE_CHECK(o >= 0, CUBIE_ERR_INTERNAL, "buffer '%s' registered by unknown owner '%s'", name,
              owner);
  CUBIE_CHECK(valid_name(name), CUBIE_ERR_INTERNAL, "invalid buffer name '%s'", name);
  CUBIE_CHECK(size >= 0, CUBIE_ERR_INTERNAL, "buffer %s.%s: negative size %lld", owner, name, size);
  char full[2 * CUBIE_BUFFER_NAME_MAX];
  snprintf(full, sizeof full, "%s.%s", owner, name);
  int i = find_buffer(reg, full);
  if (i < 0) {
    CUBIE_CALL(CUBIE_GROW(reg->buffers, reg->n_buffers + 1, reg->buffer_capacity, "buffers"));
    i = reg->n_buffers++;
  }
  buffer_entry *b = &reg->buffers[i];
  memset(b, 0, sizeof *b);
  b->owner = o;
  snprintf(b->name, sizeof b->name, "%s", name);
  snprintf(b->full, sizeof b->full, "%s", full);
  char upper_owner[CUBIE_BUFFER_NAME_MAX], upper_name[CUBIE_BUFFER_NAME_MAX];
  upper_copy(upper_owner, owner);
  upper_copy(upper_name, name);
  snprintf(b->macro, sizeof b->macro, "%s_%s", upper_owner, upper_name);
  b->size = size;
  b->location = location;
  b->origin = CUBIE_BUFFER_REGISTERED;
  changed(reg);
  return CUBIE_OK;
}

/* "unknown buffer 'x' (did you mean 'y'?)" / "(known buffers: ...)". */
static void unknown_message(const cubie_buffer_registry *reg, const char *full, char *text,
                            size_t size) {
  /* Candidates: every buffer's name, and its alias name where it has one. */
  const char **names = malloc(sizeof *names * (size_t)(2 * reg->n_buffers + 1));
  char (*aliased)[2 * CUBIE_BUFFER_NAME_MAX] =
      malloc(sizeof *aliased * (size_t)(reg->n_buffers ? reg->n_buffers : 1));
  const char *best = NULL;
  if (names && aliased) {
    size_t n = 0;
    for (int i = 0; i < reg->n_buffers; i++) {
      names[n++] = reg->buffers[i].full;
      const owner_entry *o = &reg->owners[reg->buffers[i].owner];
      if (o->alias[0]) {
        snprintf(aliased[i], sizeof aliased[i], "%s.%s", o->alias, reg->buffers[i].name);
        names[n++] = aliased[i];
      }
    }
    best = cubie_suggest(full, names, n);
    /* A wrong owner with a right buffer ("algorithm.stages"): match the
     * part after the dot alone. */
    const char *dot = strchr(full, '.');
    if (!best && dot && dot[1]) {
      for (int i = 0; i < reg->n_buffers; i++) names[i] = reg->buffers[i].name;
      const char *hit = cubie_suggest(dot + 1, names, (size_t)reg->n_buffers);
      for (int i = 0; hit && i < reg->n_buffers; i++)
        if (names[i] == hit) best = reg->buffers[i].full;
    }
  }
  if (best) {
    snprintf(text, size, "unknown buffer '%s' (did you mean '%s'?)", full, best);
  } else {
    int len = snprintf(text, size, "unknown buffer '%s' (known buffers:", full);
    for (int i = 0; i < reg->n_buffers && len > 0 && (size_t)len < size; i++)
      len += snprintf(text + len, size - (size_t)len, " %s", reg->buffers[i].full);
    if (len > 0 && (size_t)len < size) snprintf(text + len, size - (size_t)len, ")");
  }
  free(names);
  free(aliased);
}

static int set_location(cubie_buffer_registry *reg, int i, cubie_buffer_location location,
                        cubie_buffer_origin origin) {
  buffer_entry *b = &reg->buffers[i];
  b->origin = origin;
  if (b->location == location) return CUBIE_OK; /* the layout still holds */
  b->location = location;
  changed(reg);
  return CUBIE_OK;
}

int cubie_buffer_registry_set_location(cubie_buffer_registry *reg, const char *full_name,
                                       cubie_buffer_location location) {
  int i = find_buffer(reg, full_name);
  if (i < 0) {
    char text[1024];
    unknown_message(reg, full_name, text, sizeof text);
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s", text);
  }
  return set_location(reg, i, location, CUBIE_BUFFER_CHOSEN);
}

int cubie_buffer_registry_apply_config(cubie_buffer_registry *reg, const cubie_config *cfg) {
  for (int k = 0; k < cfg->n_buffers; k++) {
    const cubie_buffer_override *ov = &cfg->buffers[k];
    int i = find_buffer(reg, ov->name);
    if (i < 0) {
      char text[1024];
      unknown_message(reg, ov->name, text, sizeof text);
      return cubie_config_error_at(cfg, ov->mark, "%s", text);
    }
    CUBIE_CALL(set_location(reg, i, ov->location, CUBIE_BUFFER_CHOSEN));
  }
  return CUBIE_OK;
}

int cubie_buffer_registry_place_default(cubie_buffer_registry *reg, size_t real_size) {
  long long shared = 0;
  for (int i = 0; i < reg->n_buffers; i++)
    if (reg->buffers[i].location == CUBIE_LOCATION_SHARED) shared += reg->buffers[i].size;
  bool *considered = calloc((size_t)reg->n_buffers + 1, sizeof *considered);
  CUBIE_CHECK(considered, CUBIE_ERR_MEMORY, "out of memory");
  int rc = CUBIE_OK;
  /* Largest candidates first: they gain most from leaving local memory. */
  for (;;) {
    int pick = -1;
    for (int i = 0; i < reg->n_buffers; i++) {
      const buffer_entry *b = &reg->buffers[i];
      if (considered[i] || b->origin != CUBIE_BUFFER_REGISTERED ||
          b->location != CUBIE_LOCATION_LOCAL || b->size <= CUBIE_BUFFER_SHARED_MIN_ELEMENTS)
        continue;
      if (pick < 0 || b->size > reg->buffers[pick].size) pick = i;
    }
    if (pick < 0) break;
    considered[pick] = true;
    long long size = reg->buffers[pick].size;
    long long bytes = (shared + size) * (long long)real_size * CUBIE_BUFFER_SHARED_BLOCK;
    if (bytes <= CUBIE_BUFFER_SHARED_BUDGET) {
      shared += size;
      rc = set_location(reg, pick, CUBIE_LOCATION_SHARED, CUBIE_BUFFER_HEURISTIC);
      if (rc) break;
    }
  }
  free(considered);
  return rc;
}

/* Lay out owner `o` from `base` for one location: its own buffers, then
 * one region holding its children's (in the order they were added), each
 * laid out the same way. Returns the end. */
static long long place(cubie_buffer_registry *reg, int o, int loc, long long base) {
  long long off = base;
  for (int i = 0; i < reg->n_buffers; i++) {
    buffer_entry *b = &reg->buffers[i];
    if (b->owner != o || (int)b->location != loc) continue;
    b->offset = off;
    off += b->size;
  }
  for (int c = 0; c < reg->n_owners; c++)
    if (reg->owners[c].parent == o) off = place(reg, c, loc, off);
  return off;
}

static void ensure_layout(cubie_buffer_registry *reg) {
  if (reg->layout_valid && reg->layout_version == reg->version) return;
  for (int loc = 0; loc < N_LOCATIONS; loc++) {
    long long off = 0;
    for (int o = 0; o < reg->n_owners; o++)
      if (reg->owners[o].parent < 0) off = place(reg, o, loc, off);
    reg->total[loc] = off;
  }
  for (int i = 0; i < reg->n_buffers; i++)
    if (reg->buffers[i].location == CUBIE_LOCATION_LOCAL) reg->buffers[i].offset = 0;
  reg->layout_version = reg->version;
  reg->layout_valid = true;
}

int cubie_buffer_registry_slot(cubie_buffer_registry *reg, const char *full_name,
                               cubie_buffer_slot *slot) {
  int i = find_buffer(reg, full_name);
  if (i < 0) {
    char text[1024];
    unknown_message(reg, full_name, text, sizeof text);
    return CUBIE_RAISE(CUBIE_ERR_INPUT, "%s", text);
  }
  ensure_layout(reg);
  slot->location = reg->buffers[i].location;
  slot->offset = reg->buffers[i].offset;
  slot->size = reg->buffers[i].size;
  return CUBIE_OK;
}

int cubie_buffer_registry_total(cubie_buffer_registry *reg, cubie_buffer_location location,
                                long long *elements) {
  ensure_layout(reg);
  *elements = reg->total[location];
  return CUBIE_OK;
}

int cubie_buffer_registry_count(const cubie_buffer_registry *reg) { return reg->n_buffers; }

const char *cubie_buffer_registry_name(const cubie_buffer_registry *reg, int i) {
  return (i >= 0 && i < reg->n_buffers) ? reg->buffers[i].full : NULL;
}

int cubie_buffer_registry_emit(cubie_buffer_registry *reg, cubie_strbuf *out) {
  ensure_layout(reg);
  CUBIE_CALL(cubie_strbuf_printf(out, "/* buffer layout (src/kernel/buffer_registry.c), elements per run */\n"));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_SHARED_PER_RUN %lld\n",
                                 reg->total[CUBIE_LOCATION_SHARED]));
  CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_PERSISTENT_PER_RUN %lld\n",
                                 reg->total[CUBIE_LOCATION_PERSISTENT_LOCAL]));
  for (int i = 0; i < reg->n_buffers; i++) {
    const buffer_entry *b = &reg->buffers[i];
    CUBIE_CALL(cubie_strbuf_printf(out, "#define CUBIE_BUF_%s_LOC %s\n#define CUBIE_BUF_%s_OFFSET %lld\n",
                                   b->macro, location_macro(b->location), b->macro, b->offset));
  }
  return CUBIE_OK;
}

static const char *origin_note(cubie_buffer_origin origin) {
  switch (origin) {
    case CUBIE_BUFFER_CHOSEN: return " (chosen)";
    case CUBIE_BUFFER_HEURISTIC: return " (default heuristic)";
    default: return "";
  }
}

int cubie_buffer_registry_describe(cubie_buffer_registry *reg, size_t real_size,
                                   cubie_strbuf *out) {
  ensure_layout(reg);
  long long shared = reg->total[CUBIE_LOCATION_SHARED];
  long long local = 0;
  for (int i = 0; i < reg->n_buffers; i++)
    if (reg->buffers[i].location == CUBIE_LOCATION_LOCAL) local += reg->buffers[i].size;
  CUBIE_CALL(cubie_strbuf_printf(
      out, "buffers:     per run: shared %lld B, local %lld B, persistent_local %lld B\n",
      shared * (long long)real_size, local * (long long)real_size,
      reg->total[CUBIE_LOCATION_PERSISTENT_LOCAL] * (long long)real_size));
  for (int i = 0; i < reg->n_buffers; i++) {
    const buffer_entry *b = &reg->buffers[i];
    char where[64];
    if (b->location == CUBIE_LOCATION_LOCAL)
      snprintf(where, sizeof where, "local");
    else
      snprintf(where, sizeof where, "%s @%lld", cubie_buffer_location_name(b->location), b->offset);
    CUBIE_CALL(cubie_strbuf_printf(out, "             %-22s %5lld elements  %s%s\n", b->full,
                                   b->size, where, origin_note(b->origin)));
  }
  return CUBIE_OK;
}
