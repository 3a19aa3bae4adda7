/* save_grid.h — when save point j is: the one formula the per-run loop
 * (run.h) and the summary metrics (peak times, metrics.h) share, and the
 * host writes into the `time` coordinate (src/output/output.c).
 *
 * Save point j is at t_save_start + j·save_every, computed from j (never
 * accumulated); the last one (j = n_saves − 1) is t_end exactly — also when
 * save_every does not divide the duration and t_end follows a shorter last
 * interval (src/plan/plan.h). Time is double, also in float32 runs. This
 * file never decides which save points a step covers.
 */
#ifndef CUBIE_SAVE_GRID_H
#define CUBIE_SAVE_GRID_H

#include "chunk_args.h"

CUBIE_INLINE double cubie_save_time(const cubie_chunk_args *a, cubie_i64 j) {
  return (j >= a->n_saves - 1) ? a->t_end : a->t_save_start + (double)j * a->save_every;
}

#endif
