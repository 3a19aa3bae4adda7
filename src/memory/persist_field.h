/* persist_field.h — where a field of kernels/persist.def starts in a run's
 * persisted record, for host code that reads persisted fields (the final
 * time and state of time-windowed runs, transfer.c) and the tests'
 * stand-in device driver that fills them. Evaluates the same list
 * the kernels lay out; never allocates.
 */
#ifndef CUBIE_PERSIST_FIELD_H
#define CUBIE_PERSIST_FIELD_H

#include <string.h>

#include "kernels/persist.def"

/* The first double of field `name` (-1 when there is none), for a model of
 * n_states states whose step family persists step_counters counters. Only
 * the rows above `name` count, so the sizes of the rows below it (the
 * family's fields, the accumulators) are never needed. */
static inline long long cubie_persist_field_offset(const char *name, int n_states,
                                                   int step_counters) {
  long long offset = 0, found = -1;
#define CUBIE_N_STATES n_states
#define CUBIE_N_ACCUMULATORS 0
#define CUBIE_N_EVENTS 0
#define CUBIE_STEP_PERSIST_FIELDS 0
#define CUBIE_STEP_PERSIST_COUNTERS step_counters
#define PERSIST_FIELD_(NAME, count, what) \
  if (found < 0 && strcmp(#NAME, name) == 0) found = offset; \
  offset += (count);
  CUBIE_PERSIST_LAYOUT(PERSIST_FIELD_)
#undef PERSIST_FIELD_
#undef CUBIE_STEP_PERSIST_COUNTERS
#undef CUBIE_STEP_PERSIST_FIELDS
#undef CUBIE_N_ACCUMULATORS
#undef CUBIE_N_EVENTS
#undef CUBIE_N_STATES
  return found;
}

#endif
