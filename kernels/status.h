/* status.h — the per-run status word and counters every run ends with.
 *
 * Shared by the kernels and the host (output attributes, failure counts).
 * The bits come from status.def and the counter slots from counters.def; a
 * run's status is a set of bit flags, 0 meaning "never computed" (the fill
 * value of the status variable in the output file, which is what resume
 * reads). A failing run sets its flag and stops; it never stops other runs.
 * This header defines names only: which bit a run gets when is run.h's
 * business.
 */
#ifndef CUBIE_STATUS_H
#define CUBIE_STATUS_H

#include "lists.h"
#include "status.def"
#include "counters.def"

#define CUBIE_STATUS_AS_ENUM_(ID, bit, name, kind, meaning) CUBIE_RUN_##ID = bit,
enum cubie_run_status_bit { CUBIE_STATUS_BITS(CUBIE_STATUS_AS_ENUM_) };

/* The bits that mean the run did not finish (kind FAILURE). */
#define CUBIE_STATUS_IS_FAILURE_SUCCESS 0
#define CUBIE_STATUS_IS_FAILURE_FAILURE 1
#define CUBIE_STATUS_IS_FAILURE_INFO 0
#define CUBIE_STATUS_FAILURE_BIT_(ID, bit, name, kind, meaning) \
  | (CUBIE_STATUS_IS_FAILURE_##kind ? (bit) : 0u)
#define CUBIE_RUN_FAILURE_MASK (0u CUBIE_STATUS_BITS(CUBIE_STATUS_FAILURE_BIT_))

/* Rows of status.def (a macro: host tables are sized by it). */
#define CUBIE_N_STATUS_BITS (0 CUBIE_STATUS_BITS(CUBIE_LIST_PLUS_ONE))

/* Counter slots, in this order, in the counters array and the output. */
#define CUBIE_COUNTER_AS_ENUM_(ID, slot, name, long_name) CUBIE_COUNTER_##ID = slot,
enum cubie_counter_slot { CUBIE_COUNTERS(CUBIE_COUNTER_AS_ENUM_) };
/* A macro, so #if can use it (the persisted-field count, persist.def). */
#define CUBIE_N_COUNTERS (0 CUBIE_COUNTERS(CUBIE_LIST_PLUS_ONE))

#endif
