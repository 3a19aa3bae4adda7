/* tu_prologue.h — the part of a kernel translation unit that the host
 * emits before the model (src/ assembles the same text): precision,
 * algorithm and controller come from -D flags of each test variant. */
#ifndef CUBIE_N_METRICS
#define CUBIE_N_METRICS 4
#define CUBIE_METRIC_0 CUBIE_METRIC_MEAN
#define CUBIE_METRIC_1 CUBIE_METRIC_MAX
#define CUBIE_METRIC_2 CUBIE_METRIC_MIN
#define CUBIE_METRIC_3 CUBIE_METRIC_RMS
#endif
#include "prelude.h"
#include "status.h"
#include "chunk_args.h"
#include "buffers.h"
