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
/* model.drivers (config_drivers.c): reads the sample files it names. */
int cubie_config_read_drivers(cubie_config *cfg, const cubie_deck_section *model);
int cubie_config_read_integrator(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_batch(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_output(cubie_config *cfg, const cubie_deck_section *top);
/* output.summaries (config_summaries.c), after output.save_every and save. */
int cubie_config_read_summaries(cubie_config *cfg, const cubie_deck_section *output);
int cubie_config_read_run(cubie_config *cfg, const cubie_deck_section *top);
int cubie_config_read_buffers(cubie_config *cfg, const cubie_deck_section *top);

/* Time is a float64 everywhere (kernels/run.h). A step, save interval or
 * span `length` (the deck's `what`, at `mark`) must be at least
 * CUBIE_TIME_RESOLUTION_STEPS consecutive float64 values long near the
 * largest time of the run, or t + length is not t + length: steps vanish
 * or double, save points collide (t0 = 1e16 with dt = 0.1). Needs the
 * integrator section read. CUBIE_ERR_INPUT naming the resolution. */
#define CUBIE_TIME_RESOLUTION_STEPS 1024.0
int cubie_config_check_time_length(const cubie_config *cfg, cubie_mark mark, const char *what,
                                   double length);
/* model.events (config_events.c), read after the equations; and their
 * release. */
int cubie_config_read_events(cubie_config *cfg, const cubie_deck_section *model);
void cubie_config_free_events(cubie_model_config *m);

/* Fill cfg->model.equation_line / equation_column_offset for the
 * equations value `node` (see config.h and docs/deck.md). */
int cubie_config_map_equations(cubie_config *cfg, const cubie_ynode *node);

#endif
