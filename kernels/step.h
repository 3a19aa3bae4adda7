/* step.h — the step contract: everything the per-run loop (run.h) knows
 * about how a step is taken. The loop calls only the names below; a step
 * family implements them, and the host selects one family per kernel from
 * the method's methods.def row.
 *
 * A *step family* (explicit Runge–Kutta: erk.h; Rosenbrock-W: rosenbrock.h,
 * ESDIRK/SDIRK: sdirk.h, Radau IIA: radau.h, a per-run tsit5/rodas5p
 * switch: auto.h)
 * is one header kernels/<family>.h plus, usually, a coefficients header. It
 * owns the arithmetic of a step and the data it keeps between steps; the
 * loop owns time (where a step starts and ends, which save points it covers,
 * time windows), the controller (accept/reject, next step), the status word
 * and the saves. A family never decides whether a step is accepted, never
 * writes outputs and never reads another run's data.
 *
 * To add a family FOO:
 *   1. kernels/methods.def: a CUBIE_STEP_FAMILIES row FOO (with the doubles
 *      per run it persists) and its methods' CUBIE_METHODS rows;
 *   2. kernels/buffers.def: the family's scratch buffers, owner FOO (the
 *      deck then moves them as foo.<name>, or step.<name>);
 *   3. kernels/foo.h: everything listed below (include step.h first),
 *      under the family's own names (cubie_foo_attempt, cubie_foo_state,
 *      ...), bound to the contract's names at the end of the header when
 *      the family is the selected one:
 *        #if defined(CUBIE_STEP_FAMILY_FOO)
 *        typedef cubie_foo_state cubie_step_state;
 *        #define cubie_step_attempt cubie_foo_attempt   (and so on)
 *        #endif
 *      so that a family can build on another (a per-run switch between an
 *      explicit and a stiff method includes both) without names clashing;
 *      erk.h shows the whole pattern;
 *   4. kernels/foo_tableaus.h (or similar): its coefficients, selected by
 *      CUBIE_ALGORITHM_<ID>.
 * Nothing else: the loop, the controllers, the host and the build pick the
 * family up from those lists (lists_generated.h / step_families.h include
 * kernels/foo.h when a FOO method is selected).
 *
 * ---------------------------------------------------------------------------
 * What the kernel already knows when the family header is read
 *   from methods.def (lists_generated.h): CUBIE_METHOD_STAGES, _ORDER,
 *   _ERROR_ORDER, _FSAL, _DENSE_ORDER, _DENSE_DEGREE, _JACOBIAN,
 *   CUBIE_STEP_PERSIST_FIELDS, CUBIE_STEP_FAMILY_<FOO> (1), and
 *   CUBIE_ALGORITHM_<ID> (1) for the coefficients;
 *   CUBIE_CONTROLLER_ADAPTIVE: 1 when the controller uses the error norm
 *   (compute it only then: a fixed-step run with an adaptive method must not
 *   pay for it);
 *   the model: CUBIE_N_STATES, CUBIE_N_PARAMETERS,
 *   cubie_model_rhs(t, y, p, dy) (later also the Jacobian functions);
 *   prelude.h, status.h (counter slots), chunk_args.h (tolerances:
 *   a->atol, a->rtol, a->dt_max ...), buffers.h, initial_step.h (Hairer's
 *   starting step, shared by every family).
 *
 * What a family defines (all resolved at compile time, so the contract
 * costs nothing per step: the hooks the loop calls every step are
 * CUBIE_INLINE, inlined on the host as on the device)
 *
 *   CUBIE_STEP_ORDER        order of the propagated solution
 *   CUBIE_STEP_ERROR_ORDER  controller order q (error ~ h^(q+1)); 0: no
 *                           estimate (an adaptive controller is then a
 *                           compile error). controllers.h reads this.
 *   CUBIE_STEP_DENSE        1 when cubie_step_dense exists: with an
 *                           adaptive controller the loop then steps freely
 *                           and interpolates save points; 0: steps land on
 *                           save points
 *   CUBIE_STEP_DENSE_EXTRA  1 when cubie_step_dense evaluates (and counts)
 *                           extra stages at its first call for a step; the
 *                           loop then also calls it once for a step redone
 *                           at the start of a time window whose earlier save
 *                           points the previous window interpolated, so that
 *                           counters match the uninterrupted run
 *   CUBIE_STEP_STIFF_TEST   1 when the family judges every accepted step
 *                           stiff or not (an explicit method testing for
 *                           stiffness as Hairer's DOPRI5 does: erk.h); it
 *                           then defines cubie_step_looked_stiff (below).
 *                           0 or undefined: no test
 *   CUBIE_STEP_SWITCHES     1 when the family may change its method between
 *                           steps (auto.h: tsit5 <-> rodas5p, per run); it
 *                           then defines cubie_step_switched (below). 0 or
 *                           undefined: it never does
 *   (CUBIE_STEP_PERSIST_FIELDS comes from the methods.def family row: the
 *    family stores and loads exactly that many doubles.)
 *
 *   typedef struct { ... } cubie_step_state;
 *       What the family carries from one step to the next besides the
 *       state y (ERK: whether k_0 = f(t, y) is valid). Copied by value;
 *       persisted by cubie_step_persist_store/load.
 *   typedef struct { ... } cubie_step_work;
 *       Pointers to the family's scratch buffers.
 *   CUBIE_STEP_DECLARE_WORK(w)
 *       A statement list, used once at the top of cubie_integrate_run, that
 *       declares the family's buffers with CUBIE_BUFFER(FOO, NAME, var)
 *       (buffers.h: shared_scratch and persistent_scratch are in scope) and a
 *       cubie_step_work `w` pointing at them.
 *
 *   void cubie_step_start(cubie_step_state *st, cubie_step_work *w)
 *       A fresh run (window 0): nothing carried over.
 *   double cubie_step_first_step(cubie_step_state *st, cubie_step_work *w,
 *           double t, const cubie_real *y, const cubie_real *p,
 *           const cubie_chunk_args *a, cubie_i64 *counters)
 *       Only with an adaptive controller and no user dt: the first step from
 *       (t, y) (use cubie_initial_step of initial_step.h, Hairer's HINIT, with
 *       CUBIE_STEP_ORDER). May leave work behind for the first attempt (ERK:
 *       k_0). Adds what it evaluated to counters[] (run totals).
 *   void cubie_step_begin(cubie_step_state *st, cubie_step_work *w, double t,
 *           double h, const cubie_real *y, const cubie_real *p,
 *           cubie_i64 *counters)
 *       Before every attempt from (t, y), h the step about to be attempted:
 *       the work that depends on the point only and is reused by every
 *       attempt from it (ERK: k_0 unless carried over; Rosenbrock: the
 *       Jacobian, unless a W-method keeps an older one — it does so only
 *       when h lets it keep the LU too, hence h). Adds to counters[] (run
 *       totals: this work is never undone).
 *   int cubie_step_attempt(cubie_step_state *st, cubie_step_work *w, double t,
 *           double h, const cubie_real *y, const cubie_real *p,
 *           cubie_real *y_new, const cubie_chunk_args *a, cubie_real *err,
 *           cubie_i64 *counters)
 *       One attempt of size h (> 0): y_new, and with an adaptive controller
 *       *err = the weighted RMS norm of the local error estimate
 *       (HNW I, II.4), finite and >= 0. Returns a CUBIE_STEP_* outcome
 *       (below): CUBIE_STEP_OK, or why no usable y_new exists — then, with an
 *       adaptive controller, *err must be negative (the controller rejects
 *       it like a non-finite estimate). Adds what it evaluated to counters[]
 *       (the run's totals; when an accepted attempt reaches past the time
 *       window and is redone in the next one, the loop puts the totals back
 *       as they were before it).
 *   void cubie_step_accept(cubie_step_state *st, cubie_step_work *w,
 *           double t_new, const cubie_real *y_new, const cubie_real *p,
 *           cubie_i64 *counters)
 *       After an accepted step, before y becomes y_new (ERK: FSAL, k_0 of the
 *       next step). Adds to counters[] (run totals).
 *   int cubie_step_looked_stiff(const cubie_step_state *st)
 *       Only when CUBIE_STEP_STIFF_TEST: 1 when the step just accepted looked
 *       stiff (the family's estimate of h|λ| beyond its stability limit along
 *       the negative real axis), decided in cubie_step_accept. The loop counts
 *       the verdicts over consecutive accepted steps and sets the status bit
 *       CUBIE_RUN_LOOKED_STIFF (run.h); the test must not change y_new or
 *       anything else the step computes.
 *   int cubie_step_switched(const cubie_step_state *st)
 *       Only when CUBIE_STEP_SWITCHES: 1 when the step just accepted made
 *       the family change its method (decided in cubie_step_accept: the
 *       step itself, its dense output and its error estimate are the old
 *       method's). The loop then clears the controller's history
 *       (cubie_controller_init: the error norms it remembers are the other
 *       method's) before it asks for the next step; the family's
 *       cubie_step_propose may scale that step for the new method.
 *   void cubie_step_reject(cubie_step_state *st, cubie_step_work *w,
 *           int outcome)
 *       After a rejected attempt (outcome CUBIE_STEP_OK: the error was too
 *       large), before the next attempt from the same (t, y) (Rosenbrock-W:
 *       refresh a stale Jacobian after a Newton or singular failure).
 *   double cubie_step_propose(const cubie_step_state *st, double h,
 *           double h_next, int accepted)                       (optional)
 *       With an adaptive controller, after the controller judged the
 *       attempt of size h (accepted: after cubie_step_accept; rejected:
 *       after cubie_step_reject) and proposed h_next: the step to try next,
 *       before dt_min/dt_max and landing on t_end apply. A family that does
 *       not define it gets h_next. Radau IIA (radau.h) keeps h when h_next
 *       is within [1, 1.2]·h and its LUs still serve (RADAU5's QUOT1,
 *       QUOT2), and proposes its own reduction after a failed Newton
 *       iteration or a singular matrix (RADAU5: h/2, or the step its
 *       convergence rate predicts) instead of min_gain.
 *   const cubie_real *cubie_step_dense(cubie_step_state *st,
 *           cubie_step_work *w, double t, double h, double theta,
 *           const cubie_real *y, const cubie_real *y_new, const cubie_real *p,
 *           cubie_i64 *counters)
 *       Only when CUBIE_STEP_DENSE: the state at t + θh, 0 < θ < 1, inside
 *       the step of size h just accepted from (t, y) to y_new, before
 *       cubie_step_accept (event location will call it too). An interpolant
 *       that needs extra stages (DOP853's, Verner's) evaluates them at the
 *       first call for a step, remembered in *st (cubie_step_attempt
 *       forgets it), and counts them in counters[]. Returns a pointer into
 *       the family's scratch, valid until the next call into the family.
 *   void cubie_step_persist_store(const cubie_step_state *st,
 *           const cubie_step_work *w, double *base, cubie_i64 stride)
 *   void cubie_step_persist_load(cubie_step_state *st, cubie_step_work *w,
 *           const double *base, cubie_i64 stride)
 *       The family's CUBIE_STEP_PERSIST_FIELDS doubles: field i at
 *       base[i * stride]. A run continued in the next window must behave bit
 *       for bit as if it had never stopped.
 *
 * Outcomes of an attempt. The loop treats every outcome other than
 * CUBIE_STEP_OK as a rejection with the smallest step ratio (min_gain); if
 * the attempt was already at dt_min (or below the resolution of time) the
 * run stops with the status bit below, else it retries with a smaller step.
 *
 *   CUBIE_STEP_OK              y_new (and *err) are valid
 *   CUBIE_STEP_NONFINITE       y_new or the estimate is NaN/Inf     CUBIE_RUN_NONFINITE
 *   CUBIE_STEP_NEWTON_FAILED   the Newton iteration diverged or did
 *                              not converge in its iterations       CUBIE_RUN_NEWTON_FAILED
 *   CUBIE_STEP_SINGULAR        the iteration matrix is singular     CUBIE_RUN_SINGULAR_MATRIX
 *
 * Counters a family adds to (counters.def): CUBIE_COUNTER_RHS_EVALS for
 * every evaluation of f, CUBIE_COUNTER_NEWTON and CUBIE_COUNTER_LINEAR for
 * Newton and linear-solver iterations; new kinds (Jacobian evaluations, LU
 * factorisations) are new rows of counters.def. The loop counts accepted and
 * rejected steps itself.
 */
#ifndef CUBIE_STEP_H
#define CUBIE_STEP_H

#include "lists_generated.h"
#include "initial_step.h"

#define CUBIE_STEP_OK 0
#define CUBIE_STEP_NONFINITE 1
#define CUBIE_STEP_NEWTON_FAILED 2
#define CUBIE_STEP_SINGULAR 3

/* The status bit a run stops with when attempts keep failing with
 * `outcome` (CUBIE_STEP_OK: the error estimate stayed too large). Run once
 * per rejection, never per stage. */
CUBIE_INLINE cubie_u32 cubie_step_stop_bit(int outcome) {
  if (outcome == CUBIE_STEP_NONFINITE) return CUBIE_RUN_NONFINITE;
  if (outcome == CUBIE_STEP_NEWTON_FAILED) return CUBIE_RUN_NEWTON_FAILED;
  if (outcome == CUBIE_STEP_SINGULAR) return CUBIE_RUN_SINGULAR_MATRIX;
  return CUBIE_RUN_STEP_TOO_SMALL;
}

/* The linear-solver seam, for every implicit family (methods.def: jacobian
 * > 0), before the family headers that use it: the host inlines each kernel
 * file once, at its first #include, so a seam first included inside another
 * family's #if (step_families.h) would be missing for this one. */
#if CUBIE_METHOD_JACOBIAN > 0
#include "linsolve.h"
#endif

/* The selected family's header (generated from methods.def). */
#include "step_families.h"

/* Families without their own proposal take the controller's. */
#ifndef cubie_step_propose
#define cubie_step_propose(st, h, h_next, accepted) (h_next)
#endif

#if !defined(CUBIE_STEP_ORDER) || !defined(CUBIE_STEP_ERROR_ORDER) || !defined(CUBIE_STEP_DENSE)
#error "the step family must define CUBIE_STEP_ORDER, _ERROR_ORDER and _DENSE (step.h)"
#endif
#ifndef CUBIE_STEP_DENSE_EXTRA
#define CUBIE_STEP_DENSE_EXTRA 0
#endif
#ifndef CUBIE_STEP_STIFF_TEST
#define CUBIE_STEP_STIFF_TEST 0
#endif
#ifndef CUBIE_STEP_SWITCHES
#define CUBIE_STEP_SWITCHES 0
#endif

#endif
