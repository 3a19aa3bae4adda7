/* status.h — the per-run status word and counters every run ends with.
 *
 * Shared by the kernels and the host (output attributes, summaries). A run's
 * status is a set of bit flags; 0 means "never computed" (it is the fill
 * value of the status variable in the output file, which is what resume
 * reads). A failing run sets its flag and stops; it never stops other runs.
 */
#ifndef CUBIE_STATUS_H
#define CUBIE_STATUS_H

#define CUBIE_RUN_SUCCESS          0x01u /* reached the end time */
#define CUBIE_RUN_STEP_TOO_SMALL   0x02u /* controller wanted dt < dt_min */
#define CUBIE_RUN_MAX_STEPS        0x04u /* accepted + rejected steps reached max_steps */
#define CUBIE_RUN_NONFINITE        0x08u /* state became NaN/Inf and could not be recovered */
#define CUBIE_RUN_NEWTON_FAILED    0x10u /* reserved for implicit methods */
#define CUBIE_RUN_DT_MIN_CLAMPED   0x20u /* informational: some step was clamped to dt_min */

/* The bits that mean the run did not finish. */
#define CUBIE_RUN_FAILURE_MASK (CUBIE_RUN_STEP_TOO_SMALL | CUBIE_RUN_MAX_STEPS | \
                                CUBIE_RUN_NONFINITE | CUBIE_RUN_NEWTON_FAILED)

/* Counter slots, in this order, in the counters output. */
#define CUBIE_COUNTER_ACCEPTED   0 /* accepted steps */
#define CUBIE_COUNTER_REJECTED   1 /* rejected steps */
#define CUBIE_COUNTER_RHS_EVALS  2 /* right-hand-side evaluations */
#define CUBIE_COUNTER_NEWTON     3 /* Newton iterations (implicit methods; 0 here) */
#define CUBIE_COUNTER_LINEAR     4 /* linear-solver iterations (implicit methods; 0 here) */
#define CUBIE_N_COUNTERS 5

#endif
