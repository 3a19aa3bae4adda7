/* config_sections.h — the walkers that turn each deck section into its
 * part of cubie_config (private to config*.c).
 *
 * Each walker reads one section of the tree through deck_read.h, fills the
 * defaults documented in docs/deck.md and checks what can be checked
 * within the section; cross-section checks live with the later section
 * (output reads the integrator's duration). They run in the order model,
 * integrator, batch, output, run, buffers, so the first error reported is
 * deterministic whatever order the deck lists its sections in. Walkers
 * never keep pointers into the tree: everything they store is copied.
 */
#ifndef CUBIE_CONFIG_SECTIONS_H
#define CUBIE_CONFIG_SECTIONS_H

#include "deck/config.h"
#include "deck/deck_read.h"

int cubie_config_read_model(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_integrator(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_batch(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_output(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_run(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_buffers(cubie_config *cfg, const cubie_deck_section *top);

/* model.events (config_events.c), read after the equations; and their
 * release. */
int cubie_config_read_events(cubie_config *cfg, const cubie_deck_section *model);
void cubie_config_free_events(cubie_model_config *m);

/* Fill cfg->model.equation_line / equation_column_offset for the
 * equations value `node` (see config.h and docs/deck.md). */
int cubie_config_map_equations(cubie_config *cfg, const cubie_ynode *node);

#endif
