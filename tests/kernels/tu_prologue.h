/* tu_prologue.h — the part of a kernel translation unit that the host
 * emits before the model (src/ assembles the same text): precision,
 * algorithm and controller come from -D flags of each test variant; the
 * summary items, which name outputs, from summary_items.h after the model. */
#include "prelude.h"
#include "status.h"
#include "chunk_args.h"
#include "buffers.h"
