/* relocated_variant.c — the same kernel variant as the test it is linked
 * with, but with scratch buffers moved to shared and persistent memory at
 * non-zero offsets (as the host's buffer registry may place them), and its
 * entry point renamed cubie_cpu_run_chunk_relocated. A buffer's location
 * must never change results. */
#define CUBIE_BUF_LOOP_PROPOSAL_LOC CUBIE_LOC_SHARED
#define CUBIE_BUF_LOOP_PROPOSAL_OFFSET 1
#define CUBIE_BUF_ERK_STAGES_LOC CUBIE_LOC_SHARED
#define CUBIE_BUF_ERK_STAGES_OFFSET (1 + CUBIE_N_STATES)
#define CUBIE_BUF_LOOP_ACCUMULATORS_LOC CUBIE_LOC_SHARED
#define CUBIE_BUF_LOOP_ACCUMULATORS_OFFSET (1 + CUBIE_N_STATES + CUBIE_BUF_ERK_STAGES_SIZE)
#define CUBIE_SHARED_PER_RUN \
  (1 + CUBIE_N_STATES + CUBIE_BUF_ERK_STAGES_SIZE + CUBIE_N_ACCUMULATORS)
#define CUBIE_BUF_LOOP_STATE_LOC CUBIE_LOC_PERSISTENT
#define CUBIE_BUF_LOOP_STATE_OFFSET 2
#define CUBIE_BUF_LOOP_PARAMETERS_LOC CUBIE_LOC_PERSISTENT
#define CUBIE_BUF_LOOP_PARAMETERS_OFFSET (2 + CUBIE_N_STATES)
#define CUBIE_BUF_ERK_STAGE_STATE_LOC CUBIE_LOC_PERSISTENT
#define CUBIE_BUF_ERK_STAGE_STATE_OFFSET (2 + CUBIE_N_STATES + CUBIE_N_PARAMETERS)
#define CUBIE_BUF_LOOP_OUTPUTS_LOC CUBIE_LOC_PERSISTENT
#define CUBIE_BUF_LOOP_OUTPUTS_OFFSET (2 + 2 * CUBIE_N_STATES + CUBIE_N_PARAMETERS)
#define CUBIE_PERSISTENT_PER_RUN (2 + 2 * CUBIE_N_STATES + CUBIE_N_PARAMETERS + CUBIE_N_OUTPUTS)
#include "tu_prologue.h"
#include "vdp_model.h"
#include "summary_items.h"
#include "run.h"
#define cubie_cpu_run_chunk cubie_cpu_run_chunk_relocated
#include "entry_cpu.h"
