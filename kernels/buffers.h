/* buffers.h — where each per-run scratch buffer lives.
 *
 * Every piece of the kernel that needs scratch (the loop, the step family,
 * later its Newton and linear solvers) declares it with
 * CUBIE_BUFFER(OWNER, NAME, var): a row of buffers.def gives its size in
 * cubie_real elements. The host's buffer registry decides each buffer's
 * location and emits, before the kernels, for every buffer it registered:
 *
 *   #define CUBIE_BUF_<OWNER>_<NAME>_LOC     CUBIE_LOC_LOCAL | CUBIE_LOC_SHARED | CUBIE_LOC_PERSISTENT
 *   #define CUBIE_BUF_<OWNER>_<NAME>_OFFSET  element offset in the run's shared or persistent slice
 *
 * and CUBIE_SHARED_PER_RUN / CUBIE_PERSISTENT_PER_RUN (cubie_real elements
 * per run). A buffer it says nothing about is local (lists_generated.h
 * defines CUBIE_BUF_<OWNER>_<NAME>_SIZE and those defaults from
 * buffers.def). The location is a compile-time constant, so the ternaries
 * fold away and a buffer's location costs nothing at run time and never
 * changes results.
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

#define CUBIE_BUFFER(OWNER, NAME, var)                                                          \
  cubie_real var##_local_[(CUBIE_BUF_##OWNER##_##NAME##_LOC == CUBIE_LOC_LOCAL)                 \
                              ? CUBIE_NZ(CUBIE_BUF_##OWNER##_##NAME##_SIZE)                     \
                              : 1];                                                             \
  cubie_real *CUBIE_RESTRICT var =                                                              \
      (CUBIE_BUF_##OWNER##_##NAME##_LOC == CUBIE_LOC_SHARED)                                    \
          ? shared_scratch + CUBIE_BUF_##OWNER##_##NAME##_OFFSET                                \
          : ((CUBIE_BUF_##OWNER##_##NAME##_LOC == CUBIE_LOC_PERSISTENT)                         \
                 ? persistent_scratch + CUBIE_BUF_##OWNER##_##NAME##_OFFSET                     \
                 : var##_local_)

#endif
