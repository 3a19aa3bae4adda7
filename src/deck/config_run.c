/* config_run.c — the `run:` and `buffers:` sections: how the job runs,
 * not what it computes (see config_sections.h). Buffer names are checked
 * later by the buffer registry; here only their locations are. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"
#include "deck/memory_size.h"

static const char *const run_keys[] = {"backend",       "chunk_axis", "memory_limit", "decomposition",
                                       "threads",       "block_size", "dynamic_block", "cache_dir",
                                       "progress_interval", "max_item_seconds"};
/* Indexed by cubie_backend_kind: `auto`, then backends/backends.def. */
static const char *const backend_names[] = {
    "auto",
#define CUBIE_BACKEND(ID, name, ops, priority, description) #name,
#include "backends/backends.def"
#undef CUBIE_BACKEND
};
_Static_assert(sizeof backend_names / sizeof *backend_names == CUBIE_BACKEND_KINDS,
               "one deck name per backend kind");
static const char *const chunk_axis_names[] = {"auto", "run", "time"};
static const char *const decomposition_names[] = {"static", "weighted", "dynamic"};
static const char *const location_names[] = {"local", "shared", "persistent_local"};

/* null, a whole number of bytes, or a size with a unit ("512MiB"). */
static int read_memory_limit(cubie_config *cfg, const cubie_deck_section *s) {
  const cubie_ynode *node = cubie_deck_get(s, "memory_limit", NULL);
  cfg->run.memory_limit = 0;
  if (cubie_deck_is_unset(node)) return CUBIE_OK;
  char buf[96];
  if (node->kind != CUBIE_YNODE_SCALAR)
    return cubie_config_error_at(cfg, node->mark, "run.memory_limit must be a size such as 2GiB, not %s",
                                 cubie_deck_describe(node, buf, sizeof buf));
  const char *why = NULL;
  long long bytes = 0;
  if (cubie_memory_size_parse(node->text, &bytes, &why) != 0)
    return cubie_config_error_at(cfg, node->mark, "run.memory_limit %s is not a valid size: %s",
                                 cubie_deck_describe(node, buf, sizeof buf), why);
  cfg->run.memory_limit = bytes;
  return CUBIE_OK;
}

int cubie_config_read_run(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_run_config *r = &cfg->run;
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "run", &s));
  CUBIE_CALL(cubie_deck_check_keys(cfg, &s, run_keys, (int)(sizeof run_keys / sizeof *run_keys)));
  int choice = CUBIE_BACKEND_AUTO;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "backend", "backend", backend_names,
                                (int)(sizeof backend_names / sizeof *backend_names), &choice, NULL));
  r->backend = (cubie_backend_kind)choice;
  choice = CUBIE_CHUNK_AXIS_AUTO;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "chunk_axis", "chunk_axis", chunk_axis_names, 3, &choice, NULL));
  r->chunk_axis = (cubie_chunk_axis)choice;
  CUBIE_CALL(read_memory_limit(cfg, &s));
  choice = CUBIE_DECOMP_STATIC;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "decomposition", "decomposition", decomposition_names, 3, &choice, NULL));
  r->decomposition = (cubie_decomposition)choice;

  long long value = 0;
  CUBIE_CALL(cubie_deck_integer(cfg, &s, "threads", 0, INT_MAX, &value, NULL));
  r->threads = (int)value;
  value = 0;
  CUBIE_CALL(cubie_deck_integer(cfg, &s, "block_size", 0, 1024, &value, NULL));
  r->block_size = (int)value;
  r->dynamic_block = 0;
  CUBIE_CALL(cubie_deck_integer(cfg, &s, "dynamic_block", 0, LLONG_MAX, &r->dynamic_block, NULL));
  CUBIE_CALL(cubie_deck_string(cfg, &s, "cache_dir", false, &r->cache_dir, NULL));
  r->progress_interval = 30.0;
  cubie_mark m = s.mark;
  CUBIE_CALL(cubie_deck_number(cfg, &s, "progress_interval", false, &r->progress_interval, NULL, &m));
  if (!(r->progress_interval > 0.0))
    return cubie_config_error_at(cfg, m, "run.progress_interval must be > 0 seconds, not %g", r->progress_interval);
  /* Well inside the two minutes slurm/run.sbatch gives between its stop
   * signal and the time limit. */
  r->max_item_seconds = 60.0;
  m = s.mark;
  CUBIE_CALL(cubie_deck_number(cfg, &s, "max_item_seconds", false, &r->max_item_seconds, NULL, &m));
  if (!(r->max_item_seconds >= 0.0) || isinf(r->max_item_seconds))
    return cubie_config_error_at(cfg, m,
                                 "run.max_item_seconds must be >= 0 seconds (0: whole chunks), not %g",
                                 r->max_item_seconds);
  return CUBIE_OK;
}

int cubie_config_read_buffers(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "buffers", &s));
  if (!s.map || s.map->n == 0) return CUBIE_OK;
  cfg->buffers = calloc((size_t)s.map->n, sizeof *cfg->buffers);
  CUBIE_CHECK(cfg->buffers, CUBIE_ERR_MEMORY, "out of memory reading buffers");
  for (int i = 0; i < s.map->n; i++) {
    cubie_buffer_override *b = &cfg->buffers[i];
    cfg->n_buffers++;
    CUBIE_CALL(cubie_deck_strdup(s.map->keys[i]->text, &b->name));
    b->mark = s.map->keys[i]->mark;
    char what[256];
    snprintf(what, sizeof what, "buffers.%s", b->name);
    int location = 0;
    const cubie_ynode *node = s.map->items[i];
    if (cubie_ynode_is_null(node))
      return cubie_config_error_at(cfg, b->mark, "%s needs a location: local, shared or persistent_local", what);
    CUBIE_CALL(cubie_deck_node_choice(cfg, node, what, "buffer location", location_names, 3, &location));
    b->location = (cubie_buffer_location)location;
  }
  return CUBIE_OK;
}
