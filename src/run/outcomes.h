/* outcomes.h — how a job's runs ended, in words: the breakdown by cause
 * that `cubie run` prints at the end ("1204 runs max_steps, 12
 * step_too_small") and the advice that goes with it ("looked stiff: 1180
 * runs; try a stiff method ..."), from the status bits every rank tallied
 * (memory/transfer.h, summed over ranks by the runner).
 *
 * Only words: it never counts, never prints and never decides the exit
 * status (src/cli/cli.c does, with --fail-on-run-error).
 */
#ifndef CUBIE_OUTCOMES_H
#define CUBIE_OUTCOMES_H

#include "memory/transfer.h"
#include "util/strbuf.h"

/* The failed runs by cause: each FAILURE bit of kernels/status.def with
 * its count, most frequent first ("1204 runs max_steps, 12 step_too_small"),
 * then the INFO bits those runs carry ("; of them dt_min_clamped: 12").
 * Appends nothing when no run failed. */
int cubie_outcomes_describe(const cubie_status_tally *tally, cubie_strbuf *out);

/* Advice from the remarks of all runs, failed or not: how many looked stiff
 * and what to try instead ("looked stiff: 1180 runs; try a stiff method
 * such as rodas5p (docs/algorithms.md#stiff-problems)"). Appends nothing
 * when there is nothing to advise. */
int cubie_outcomes_advise(const cubie_status_tally *tally, cubie_strbuf *out);

#endif
