/* auto.h — step family AUTO (`integrator.algorithm: auto`): every run starts
 * with tsit5 (erk.h) and switches itself to rodas5p (rosenbrock.h) while its
 * problem is stiff, and back to tsit5 when it no longer is, behind the step
 * contract of step.h. Runs decide alone: the runs of one chunk (and on a GPU
 * the threads of one warp) may be in different modes at any time.
 *
 * Responsible for the mode of each run and the decision to switch; the
 * arithmetic of a step is the two families' own (their hooks are called
 * unchanged, with tsit5's and rodas5p's methods.def rows: CUBIE_ERK_METHOD,
 * CUBIE_ROSENBROCK_METHOD). It never decides whether a step is accepted, never
 * touches the controller (the loop clears its history after a switch:
 * cubie_step_switched) and never writes outputs.
 *
 * Switching (after OrdinaryDiffEq.jl's AutoSwitch, the heuristic of its
 * AutoTsit5(Rodas5P()), with its defaults where they apply;
 * docs/algorithms.md#algorithm-auto):
 *  - every accepted step gives a verdict, stiff or not:
 *      tsit5:   Hairer's estimate of h|λ| from two stages (erk.h,
 *               HNW I, IV.2) above CUBIE_AUTO_BOUND = 9/10 (AutoSwitch's
 *               stifftol) of CUBIE_ERK_STIFF_BOUND, the bound the
 *               looked_stiff test uses (3.45 for tsit5);
 *      rodas5p: h ‖J‖∞ above the same bound, J the step's own Jacobian
 *               (AutoSwitch takes eigen_est = opnorm(J, Inf) in a
 *               composite algorithm): ‖J‖∞ bounds every eigenvalue, so a
 *               step below it is one tsit5 would take stably;
 *  - tsit5 -> rodas5p after 15 stiff verdicts with never 6 non-stiff ones
 *    in a row between them (Hairer's count, dopri5.f's IASTI and NONSTI:
 *    AutoSwitch's 11 stiff ones *in a row* rarely come with controllers
 *    whose accepted steps alternate around the stability limit, as
 *    Gustafsson's and I's do: measured, a Gustafsson run that never
 *    switched); rodas5p -> tsit5 after 4 non-stiff verdicts
 *    in a row (AutoSwitch's maxnonstiffstep = 3). The counts restart at
 *    every switch;
 *  - a switch takes effect at the next step: the loop clears the
 *    controller's history (both methods' error estimates are of order 4,
 *    so the controller's exponents are the same, but the remembered norms
 *    are the other method's), and the next step is the controller's
 *    proposal times CUBIE_AUTO_DT_FACTOR into rodas5p (AutoSwitch's dtfac),
 *    divided by it out of rodas5p and at most CUBIE_ERK_STIFF_BOUND / ‖J‖∞
 *    (where tsit5 is stable by the same estimate);
 *  - FSAL: tsit5's k_0 is invalid after rodas5p's steps (re-evaluated, one
 *    f); rodas5p starts with a fresh Jacobian (it takes one every step).
 * With fixed steps there is no verdict (no controller holds the step at the
 * stability limit, as for every explicit method): auto is then tsit5. An
 * event that resets the state restarts the family (cubie_step_start): the
 * run goes on with tsit5, as at t0.
 *
 * Counters: both families count what they evaluate; AUTO adds stiff_steps
 * (accepted steps taken by rodas5p) and method_switches (counters.def).
 * The looked_stiff bit is not set (CUBIE_STEP_STIFF_TEST 0): its advice, to
 * try a stiff method, is what auto already does.
 *
 * Buffers (buffers.def, family AUTO): tsit5's under owner TSIT5 and
 * rodas5p's under owner RODAS5P, with ERK's and ROSENBROCK's names, and the
 * linear solver's (owner LINSOLVE). Persisted (CUBIE_STEP_PERSIST_FIELDS =
 * 3 + (1 + N) + (6 + 2N), methods.def): the mode, the two counts of
 * verdicts, then ERK's fields, then ROSENBROCK's, so a run continued in the
 * next time window switches exactly where one window would.
 */
#ifndef CUBIE_AUTO_H
#define CUBIE_AUTO_H

/* The two methods are methods.def's CUBIE_STEP_PARTS rows of AUTO:
 * lists_generated.h names them (CUBIE_ERK_METHOD TSIT5,
 * CUBIE_ROSENBROCK_METHOD RODAS5P, and CUBIE_ALGORITHM_ of both for their
 * coefficients) and step_families.h has included erk.h and rosenbrock.h
 * before this header. */
#include "step.h"
#include "erk.h"
#include "rosenbrock.h"

#if !defined(CUBIE_STEP_USES_ERK) || !defined(CUBIE_STEP_USES_ROSENBROCK) || \
    !defined(CUBIE_ALGORITHM_TSIT5) || !defined(CUBIE_ALGORITHM_RODAS5P)
#error "auto.h: methods.def's CUBIE_STEP_PARTS must give AUTO tsit5 (ERK) and rodas5p (ROSENBROCK)"
#endif

#if !CUBIE_ERK_HAS_STIFF_PAIR || CUBIE_ERK_DENSE_DEGREE == 0 || CUBIE_ROS_DENSE_DEGREE == 0
#error "auto.h: the explicit method needs a stiffness test and both methods a dense output"
#endif
#if CUBIE_ERK_ERROR_ORDER != CUBIE_ROS_ERROR_ORDER || CUBIE_ERK_ERROR_ORDER != CUBIE_METHOD_ERROR_ORDER
#error "auto.h: both methods' error estimates must have the controller order of the auto row"
#endif
#if CUBIE_STEP_PERSIST_FIELDS != 3 + CUBIE_STEP_PERSIST_FIELDS_ERK + CUBIE_STEP_PERSIST_FIELDS_ROSENBROCK
#error "auto.h: methods.def's AUTO row must persist 3 + ERK's + ROSENBROCK's fields"
#endif

/* Switching needs the verdicts of adaptive steps. */
#define CUBIE_AUTO_SWITCHING CUBIE_CONTROLLER_ADAPTIVE

/* AutoSwitch's defaults (OrdinaryDiffEq.jl, AutoSwitch(nonstiffalg,
 * stiffalg; maxstiffstep = 10, maxnonstiffstep = 3, nonstifftol = 9//10,
 * stifftol = 9//10, dtfac = 2)), except for the way into rodas5p. */
#define CUBIE_AUTO_NONSTIFF_AFTER 3
/* Into rodas5p: Hairer's counting (dopri5.f's IASTI and NONSTI), which
 * controllers that reject at the stability limit cannot break up (their
 * accepted steps alternate around the bound). */
#define CUBIE_AUTO_STIFF_VERDICTS 15
#define CUBIE_AUTO_NONSTIFF_RESET 6
#define CUBIE_AUTO_TOL 0.9
#define CUBIE_AUTO_DT_FACTOR 2.0

/* The verdicts' bound on h|λ|: 0.9 × 3.45 for tsit5 (stability boundary
 * 3.5068 on the negative real axis; AutoSwitch: 0.9 × 3.5068). */
#define CUBIE_AUTO_BOUND (CUBIE_AUTO_TOL * CUBIE_ERK_STIFF_BOUND)

typedef struct cubie_auto_state {
  int stiff;      /* 1: rodas5p takes this run's steps; 0: tsit5 */
  int stiff_seen; /* tsit5: stiff verdicts since the count was last reset */
  int calm;       /* non-stiff verdicts in a row */
  /* Not persisted (set by an attempt or an acceptance, read before the
   * next attempt): */
  int switched;    /* the step just accepted changed the mode */
  double h;        /* the size of the last attempt */
  double h_stable; /* after a switch to tsit5: its stable step by ‖J‖∞; <= 0: no bound */
  cubie_erk_state erk;
  cubie_ros_state ros;
} cubie_auto_state;

typedef struct cubie_auto_work {
  cubie_erk_work erk;
  cubie_ros_work ros;
} cubie_auto_work;

#define CUBIE_AUTO_DECLARE_WORK(w)                 \
  CUBIE_ERK_DECLARE_WORK_OWNED(TSIT5, w##_erk_);   \
  CUBIE_ROS_DECLARE_WORK_OWNED(RODAS5P, w##_ros_); \
  cubie_auto_work w;                               \
  w.erk = w##_erk_;                                \
  w.ros = w##_ros_

/* Count one verdict; returns 1 when the run is to switch. tsit5: 15 stiff
 * verdicts, never 6 non-stiff ones in a row between them (Hairer); rodas5p:
 * 4 non-stiff ones in a row (AutoSwitch). */
CUBIE_INLINE int cubie_auto_count(cubie_auto_state *st, int stiff) {
  if (stiff) {
    st->calm = 0;
    st->stiff_seen += 1;
  } else {
    st->calm += 1;
    if (st->calm >= CUBIE_AUTO_NONSTIFF_RESET) st->stiff_seen = 0;
  }
  const int turn = st->stiff ? st->calm > CUBIE_AUTO_NONSTIFF_AFTER
                             : st->stiff_seen >= CUBIE_AUTO_STIFF_VERDICTS;
  if (turn) {
    st->stiff_seen = 0;
    st->calm = 0;
  }
  return turn;
}

/* ---- the step contract (step.h), under the family's own names ----------- */

CUBIE_DEVICE void cubie_auto_start(cubie_auto_state *st, cubie_auto_work *w) {
  st->stiff = 0;
  st->stiff_seen = 0;
  st->calm = 0;
  st->switched = 0;
  st->h = 0.0;
  st->h_stable = 0.0;
  /* tsit5's stages are always written by an attempt before they are read;
   * clearing them once per run lets compilers see that too (gcc's
   * -Wuninitialized cannot follow the mode through the loop). */
  for (int i = 0; i < (CUBIE_METHOD_TSIT5_STAGES + CUBIE_METHOD_TSIT5_DENSE_STAGES) * CUBIE_N_STATES;
       i++)
    w->erk.k[i] = (cubie_real)0;
  cubie_erk_start(&st->erk, &w->erk);
  cubie_ros_start(&st->ros, &w->ros);
}

/* Hairer's starting step for tsit5: every run starts explicit. */
CUBIE_DEVICE double cubie_auto_first_step(cubie_auto_state *st, cubie_auto_work *w, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          const cubie_chunk_args *a, cubie_i64 *counters) {
  return cubie_erk_first_step(&st->erk, &w->erk, t, y, p, a, counters);
}

CUBIE_INLINE void cubie_auto_begin(cubie_auto_state *st, cubie_auto_work *w, double t, double h,
                                   const cubie_real *CUBIE_RESTRICT y,
                                   const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  if (st->stiff) cubie_ros_begin(&st->ros, &w->ros, t, h, y, p, counters);
  else cubie_erk_begin(&st->erk, &w->erk, t, h, y, p, counters);
}

CUBIE_INLINE int cubie_auto_attempt(cubie_auto_state *st, cubie_auto_work *w, double t, double h,
                                    const cubie_real *CUBIE_RESTRICT y,
                                    const cubie_real *CUBIE_RESTRICT p,
                                    cubie_real *CUBIE_RESTRICT y_new, const cubie_chunk_args *a,
                                    cubie_real *err, cubie_i64 *counters) {
  st->h = h;
  if (st->stiff) return cubie_ros_attempt(&st->ros, &w->ros, t, h, y, p, y_new, a, err, counters);
  return cubie_erk_attempt(&st->erk, &w->erk, t, h, y, p, y_new, a, err, counters);
}

/* The step is taken by the current mode's method; then its verdict, and a
 * switch when the count says so (effective from the next step). */
CUBIE_INLINE void cubie_auto_accept(cubie_auto_state *st, cubie_auto_work *w, double t_new,
                                    const cubie_real *CUBIE_RESTRICT y_new,
                                    const cubie_real *CUBIE_RESTRICT p, cubie_i64 *counters) {
  st->switched = 0;
  if (st->stiff) {
    cubie_ros_accept(&st->ros, &w->ros, t_new, y_new, p, counters);
    counters[CUBIE_COUNTER_STIFF_STEPS] += 1;
#if CUBIE_AUTO_SWITCHING
    /* h ‖J‖∞ <= bound: tsit5 is stable at this step (the negation keeps a
     * non-finite norm stiff). */
    const cubie_real norm = cubie_linsolve_jacobian_norm(&w->ros.ls);
    if (cubie_auto_count(st, !((cubie_real)st->h * norm <= (cubie_real)CUBIE_AUTO_BOUND))) {
      st->stiff = 0;
      st->switched = 1;
      st->h_stable = norm > (cubie_real)0 ? CUBIE_ERK_STIFF_BOUND / (double)norm : 0.0;
      st->erk.have_k0 = 0; /* k_0 was f at an earlier point */
      counters[CUBIE_COUNTER_METHOD_SWITCHES] += 1;
    }
#endif
  } else {
#if CUBIE_AUTO_SWITCHING
    /* Before tsit5's FSAL moves f(t + h, y_new) into row 0 of the stages. */
    const int stiff = cubie_erk_stiff_verdict(w->erk.k, CUBIE_AUTO_BOUND);
#endif
    cubie_erk_accept(&st->erk, &w->erk, t_new, y_new, p, counters);
#if CUBIE_AUTO_SWITCHING
    if (cubie_auto_count(st, stiff)) {
      st->stiff = 1;
      st->switched = 1;
      cubie_ros_start(&st->ros, &w->ros); /* a fresh Jacobian and f(t, y) */
      counters[CUBIE_COUNTER_METHOD_SWITCHES] += 1;
    }
#endif
  }
}

CUBIE_INLINE void cubie_auto_reject(cubie_auto_state *st, cubie_auto_work *w, int outcome) {
  if (st->stiff) cubie_ros_reject(&st->ros, &w->ros, outcome);
  else cubie_erk_reject(&st->erk, &w->erk, outcome);
}

/* The controller's proposal, scaled after a switch (AutoSwitch's dtfac). */
CUBIE_INLINE double cubie_auto_propose(const cubie_auto_state *st, double h, double h_next,
                                       int accepted) {
  (void)h;
  if (!accepted || !st->switched) return h_next;
  if (st->stiff) return h_next * CUBIE_AUTO_DT_FACTOR;
  const double h_tsit5 = st->h_stable > 0.0 && st->h_stable < h_next ? st->h_stable : h_next;
  return h_tsit5 / CUBIE_AUTO_DT_FACTOR;
}

CUBIE_INLINE int cubie_auto_switched(const cubie_auto_state *st) { return st->switched; }

/* The state inside the step just accepted, by the method that took it. */
CUBIE_INLINE const cubie_real *cubie_auto_dense_output(cubie_auto_state *st, cubie_auto_work *w,
                                                      double t, double h, double theta,
                                                      const cubie_real *CUBIE_RESTRICT y,
                                                      const cubie_real *CUBIE_RESTRICT y_new,
                                                      const cubie_real *CUBIE_RESTRICT p,
                                                      cubie_i64 *counters) {
  if (st->stiff)
    return cubie_ros_dense_output(&st->ros, &w->ros, t, h, theta, y, y_new, p, counters);
  return cubie_erk_dense_output(&st->erk, &w->erk, t, h, theta, y, y_new, p, counters);
}

CUBIE_DEVICE void cubie_auto_persist_store(const cubie_auto_state *st, const cubie_auto_work *w,
                                           double *base, cubie_i64 stride) {
  base[0] = (double)st->stiff;
  base[1 * stride] = (double)st->stiff_seen;
  base[2 * stride] = (double)st->calm;
  cubie_erk_persist_store(&st->erk, &w->erk, base + 3 * stride, stride);
  cubie_ros_persist_store(&st->ros, &w->ros, base + (3 + CUBIE_STEP_PERSIST_FIELDS_ERK) * stride,
                          stride);
}

CUBIE_DEVICE void cubie_auto_persist_load(cubie_auto_state *st, cubie_auto_work *w,
                                          const double *base, cubie_i64 stride) {
  st->stiff = (int)base[0];
  st->stiff_seen = (int)base[1 * stride];
  st->calm = (int)base[2 * stride];
  st->switched = 0;
  st->h = 0.0;
  st->h_stable = 0.0;
  cubie_erk_persist_load(&st->erk, &w->erk, base + 3 * stride, stride);
  cubie_ros_persist_load(&st->ros, &w->ros, base + (3 + CUBIE_STEP_PERSIST_FIELDS_ERK) * stride,
                         stride);
}

/* ---- AUTO as the selected family: step.h's names ------------------------ */
#if defined(CUBIE_STEP_FAMILY_AUTO)
#define CUBIE_STEP_ORDER CUBIE_ERK_ORDER /* the first step is tsit5's */
#define CUBIE_STEP_ERROR_ORDER CUBIE_ERK_ERROR_ORDER
#define CUBIE_STEP_DENSE 1
#define CUBIE_STEP_DENSE_EXTRA 0
#define CUBIE_STEP_SWITCHES CUBIE_AUTO_SWITCHING
typedef cubie_auto_state cubie_step_state;
typedef cubie_auto_work cubie_step_work;
#define CUBIE_STEP_DECLARE_WORK(w) CUBIE_AUTO_DECLARE_WORK(w)
#define cubie_step_start cubie_auto_start
#define cubie_step_first_step cubie_auto_first_step
#define cubie_step_begin cubie_auto_begin
#define cubie_step_attempt cubie_auto_attempt
#define cubie_step_accept cubie_auto_accept
#define cubie_step_reject cubie_auto_reject
#define cubie_step_propose cubie_auto_propose
#define cubie_step_switched cubie_auto_switched
#define cubie_step_dense cubie_auto_dense_output
#define cubie_step_persist_store cubie_auto_persist_store
#define cubie_step_persist_load cubie_auto_persist_load
#endif

#endif
