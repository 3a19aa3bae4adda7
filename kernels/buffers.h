/* buffers.h — where each per-run scratch buffer lives.
 *
 * Every piece of the kernel that needs scratch (the loop, the step
 * algorithm, summaries) declares it with CUBIE_BUFFER(NAME, var, size). The
 * host's buffer registry decides each buffer's location and emits, before
 * this header, for every buffer NAME:
 *
 *   #define CUBIE_BUF_<NAME>_LOC     CUBIE_LOC_LOCAL | CUBIE_LOC_SHARED | CUBIE_LOC_PERSISTENT
 *   #define CUBIE_BUF_<NAME>_OFFSET  element offset in the run's shared or persistent slice
 *
 * and CUBIE_SHARED_PER_RUN / CUBIE_PERSISTENT_PER_RUN (cubie_real elements
 * per run). Buffers it says nothing about are local (defaults below). The
 * location is a compile-time constant, so the ternaries fold away and a
 * buffer's location costs nothing at run time and never changes results.
 *
 * A function that declares buffers must have in scope
 *   cubie_real *shared_scratch      (this run's slice of shared memory)
 *   cubie_real *persistent_scratch  (this run's persistent local slice)
 */
#ifndef CUBIE_BUFFERS_H
#define CUBIE_BUFFERS_H

#define CUBIE_LOC_LOCAL 0
#define CUBIE_LOC_SHARED 1
#define CUBIE_LOC_PERSISTENT 2

#ifndef CUBIE_SHARED_PER_RUN
#define CUBIE_SHARED_PER_RUN 0
#endif
#ifndef CUBIE_PERSISTENT_PER_RUN
#define CUBIE_PERSISTENT_PER_RUN 0
#endif

#define CUBIE_BUFFER(NAME, var, size)                                                   \
  cubie_real var##_local_[(CUBIE_BUF_##NAME##_LOC == CUBIE_LOC_LOCAL) ? CUBIE_NZ(size) : 1]; \
  cubie_real *CUBIE_RESTRICT var =                                                      \
      (CUBIE_BUF_##NAME##_LOC == CUBIE_LOC_SHARED)                                      \
          ? shared_scratch + CUBIE_BUF_##NAME##_OFFSET                                  \
          : ((CUBIE_BUF_##NAME##_LOC == CUBIE_LOC_PERSISTENT)                           \
                 ? persistent_scratch + CUBIE_BUF_##NAME##_OFFSET                       \
                 : var##_local_)

/* Defaults: every buffer the kernels declare is local unless the host says
 * otherwise. Sizes (elements), which src/kernel/buffer_registry.c mirrors:
 *   LOOP_STATE, LOOP_PROPOSAL, LOOP_ERROR, STEP_STAGE_STATE  CUBIE_N_STATES
 *   LOOP_PARAMETERS                                          CUBIE_N_PARAMETERS
 *   LOOP_OUTPUTS                                             CUBIE_N_OUTPUTS
 *   LOOP_ACCUMULATORS                                        CUBIE_N_OUTPUTS * CUBIE_N_METRICS
 *   STEP_STAGES                                              CUBIE_RK_STAGES * CUBIE_N_STATES
 * (CUBIE_RK_STAGES includes the FSAL stage: dop853 13, src/plan/algorithm.c's
 * `stages`.) The explicit kernels never declare LOOP_ERROR: the error norm is
 * fused into the stage pass (rk_step.h), so it needs no space (size 0). */

#ifndef CUBIE_BUF_LOOP_STATE_LOC
#define CUBIE_BUF_LOOP_STATE_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_STATE_OFFSET 0
#endif
#ifndef CUBIE_BUF_LOOP_PROPOSAL_LOC
#define CUBIE_BUF_LOOP_PROPOSAL_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_PROPOSAL_OFFSET 0
#endif
#ifndef CUBIE_BUF_LOOP_ERROR_LOC
#define CUBIE_BUF_LOOP_ERROR_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_ERROR_OFFSET 0
#endif
#ifndef CUBIE_BUF_LOOP_PARAMETERS_LOC
#define CUBIE_BUF_LOOP_PARAMETERS_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_PARAMETERS_OFFSET 0
#endif
#ifndef CUBIE_BUF_LOOP_OUTPUTS_LOC
#define CUBIE_BUF_LOOP_OUTPUTS_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_OUTPUTS_OFFSET 0
#endif
#ifndef CUBIE_BUF_LOOP_ACCUMULATORS_LOC
#define CUBIE_BUF_LOOP_ACCUMULATORS_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_LOOP_ACCUMULATORS_OFFSET 0
#endif
#ifndef CUBIE_BUF_STEP_STAGES_LOC
#define CUBIE_BUF_STEP_STAGES_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_STEP_STAGES_OFFSET 0
#endif
#ifndef CUBIE_BUF_STEP_STAGE_STATE_LOC
#define CUBIE_BUF_STEP_STAGE_STATE_LOC CUBIE_LOC_LOCAL
#define CUBIE_BUF_STEP_STAGE_STATE_OFFSET 0
#endif

#endif
